/* Names of enums: complete, unique, stable, and reversible where promised. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/x509.h>

#include <phonetrust.h>
#include <phonetrust-openssl.h>

#include "lab.h"

/* The tool's sanitisers and JSON writer, tested here without a Makefile entry. */
#include "../../src/json.c"
#include "../../src/names.c"

static void
version(void **state)
{
	(void)state;
	int major, minor, patch;

	/* the header's numbers agree with configure.ac's version */
	assert_string_equal(ptrust_version(), PACKAGE_VERSION);
	assert_int_equal(sscanf(PACKAGE_VERSION, "%d.%d.%d", &major, &minor,
	    &patch), 3);
	assert_int_equal(PTRUST_VERSION_MAJOR, major);
	assert_int_equal(PTRUST_VERSION_MINOR, minor);
	assert_int_equal(PTRUST_VERSION_PATCH, patch);
	assert_int_equal(PTRUST_VERSION_NUM, 0x000100);
	assert_true(PTRUST_AT_LEAST_VERSION(0, 1, 0));
	assert_false(PTRUST_AT_LEAST_VERSION(0, 2, 0));
}

static void
status_names(void **state)
{
	const char *seen[PTRUST_ERR_INTERNAL + 1];
	int i, j;

	(void)state;
	for (i = PTRUST_OK; i <= PTRUST_ERR_INTERNAL; i++) {
		seen[i] = ptrust_status_name((ptrust_status)i);
		assert_non_null(seen[i]);
		for (j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
	assert_string_equal(ptrust_status_name(PTRUST_ERR_PARSE), "parse-error");
	assert_null(ptrust_status_name((ptrust_status)99));
}

/* The stable names the issue tracker and the CLI rely on. */
static void
reason_names(void **state)
{
	static const char *const required[] = {
		"unknown-ca", "expired", "not-yet-valid", "bad-signature",
		"weak-signature-algorithm", "key-too-small", "not-a-ca",
		"path-length-exceeded", "wrong-purpose", "revoked",
		"crl-missing", "crl-expired", "unhandled-critical-extension",
		"self-signed-leaf", "invalid-time-encoding", "malformed",
		"chain-too-long", "name-mismatch", "identity-mismatch",
		"no-certificate", "ca-as-leaf", "wrong-order", "unknown-kind",
	};
	ptrust_reason_code code;
	size_t i;
	int c, d;

	(void)state;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		assert_int_equal(ptrust_reason_from_name(required[i], &code),
		    0);
		assert_string_equal(ptrust_reason_name(code), required[i]);
	}
	/* the first codes keep their numbers: append-only */
	assert_int_equal(PTRUST_REASON_UNKNOWN_CA, 1);
	assert_int_equal(PTRUST_REASON_NAME_MISMATCH, 18);
	for (c = PTRUST_REASON_UNKNOWN_CA; c <= PTRUST_REASON_LAST; c++) {
		assert_non_null(ptrust_reason_name(c));
		assert_non_null(ptrust_reason_message(c));
		assert_true(strlen(ptrust_reason_message(c)) > 10);
		assert_int_equal(ptrust_reason_from_name(ptrust_reason_name(c),
		    &code), 0);
		assert_int_equal(code, c);
		for (d = PTRUST_REASON_UNKNOWN_CA; d < c; d++)
			assert_string_not_equal(ptrust_reason_name(c),
			    ptrust_reason_name(d));
	}
	assert_null(ptrust_reason_name(0));
	assert_null(ptrust_reason_message(999));
	code = PTRUST_REASON_EXPIRED;
	assert_int_equal(ptrust_reason_from_name("no-such-reason", &code),
	    -1);
	assert_int_equal(code, PTRUST_REASON_EXPIRED);	/* untouched */
	assert_int_equal(ptrust_reason_from_name(NULL, &code), -1);
	assert_int_equal(ptrust_reason_from_name("expired", NULL), -1);
	/* the last code is the last one named */
	assert_null(ptrust_reason_name(PTRUST_REASON_LAST + 1));
}

static void
alert_names(void **state)
{
	(void)state;
	assert_string_equal(ptrust_tls_alert_name(PTRUST_ALERT_UNKNOWN_CA),
	    "unknown_ca");
	assert_int_equal(PTRUST_ALERT_UNKNOWN_CA, 48);
	assert_string_equal(ptrust_tls_alert_name(
	    PTRUST_ALERT_BAD_CERTIFICATE), "bad_certificate");
	assert_int_equal(PTRUST_ALERT_BAD_CERTIFICATE, 42);
	assert_string_equal(ptrust_tls_alert_name(
	    PTRUST_ALERT_UNSUPPORTED_CERTIFICATE), "unsupported_certificate");
	assert_string_equal(ptrust_tls_alert_name(
	    PTRUST_ALERT_CERTIFICATE_REVOKED), "certificate_revoked");
	assert_string_equal(ptrust_tls_alert_name(
	    PTRUST_ALERT_CERTIFICATE_EXPIRED), "certificate_expired");
	assert_int_equal(PTRUST_ALERT_CERTIFICATE_EXPIRED, 45);
	assert_string_equal(ptrust_tls_alert_name(
	    PTRUST_ALERT_CERTIFICATE_UNKNOWN), "certificate_unknown");
	assert_string_equal(ptrust_tls_alert_name(
	    PTRUST_ALERT_INTERNAL_ERROR), "internal_error");
	assert_string_equal(ptrust_tls_alert_name(PTRUST_ALERT_NONE), "none");
	assert_null(ptrust_tls_alert_name((ptrust_tls_alert)1));
}

static void
role_kind_change_names(void **state)
{
	ptrust_role r;

	(void)state;
	assert_string_equal(ptrust_role_name(PTRUST_ROLE_CAPF), "capf");
	assert_string_equal(ptrust_role_name(PTRUST_ROLE_MANUFACTURING),
	    "manufacturing");
	assert_string_equal(ptrust_role_name(PTRUST_ROLE_EXTERNAL_CA),
	    "external-ca");
	assert_string_equal(ptrust_role_name(PTRUST_ROLE_OTHER), "other");
	assert_null(ptrust_role_name((ptrust_role)42));
	assert_int_equal(ptrust_role_from_name("external-ca", &r), 0);
	assert_int_equal(r, PTRUST_ROLE_EXTERNAL_CA);
	assert_int_equal(ptrust_role_from_name("auto", &r), 0);
	assert_int_equal(r, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_role_from_name("CAPF", &r), -1);
	assert_int_equal(ptrust_role_from_name(NULL, &r), -1);
	assert_int_equal(ptrust_role_from_name("capf", NULL), -1);
	assert_string_equal(ptrust_kind_name(PTRUST_KIND_LSC), "LSC");
	assert_string_equal(ptrust_kind_name(PTRUST_KIND_MIC), "MIC");
	assert_string_equal(ptrust_kind_name(PTRUST_KIND_UNKNOWN), "unknown");
	assert_null(ptrust_kind_name((ptrust_kind)7));
	assert_string_equal(ptrust_change_kind_name(PTRUST_CHANGE_ADDED),
	    "added");
	assert_string_equal(ptrust_change_kind_name(PTRUST_CHANGE_REPLACED),
	    "replaced");
	assert_string_equal(ptrust_change_kind_name(
	    PTRUST_CHANGE_KEPT_EXISTING), "kept-existing");
	assert_string_equal(ptrust_change_kind_name(PTRUST_CHANGE_UNCHANGED),
	    "unchanged");
	assert_null(ptrust_change_kind_name((ptrust_change_kind)0));
}

/* ------------------------------------------- names safe to print */

/* U+009B (CSI on some terminals) and U+202E (right-to-left override). */
#define CSI	"\302\233"
#define RLO	"\342\200\256"

/* No byte of a C0, DEL, C1 or bidi control left, and valid UTF-8. */
static void
assert_printable(const char *s)
{
	const unsigned char *p;
	unsigned long cp;
	size_t n;

	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		n = pt_utf8_char(p, &cp);
		assert_int_not_equal(n, 0);
		assert_false(pt_text_unsafe(cp));
	}
}

static void
text_escape_cases(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "SEP001122334455", "SEP001122334455" },
		{ "", "" },
		{ "a" CSI "2Jb", "a\\C2\\9B2Jb" },
		{ "SEP" RLO "554433", "SEP\\E2\\80\\AE554433" },
		{ "\302\200\302\237", "\\C2\\80\\C2\\9F" },	/* C1 ends */
		{ "\302\240", "\302\240" },		/* U+00A0: not C1 */
		{ "\342\200\252\342\200\254\342\200\255",
		    "\\E2\\80\\AA\\E2\\80\\AC\\E2\\80\\AD" },
		{ "\342\201\246x\342\201\251", "\\E2\\81\\A6x\\E2\\81\\A9" },
		{ "\342\200\216\342\200\217", "\\E2\\80\\8E\\E2\\80\\8F" },
		{ "\330\234", "\\D8\\9C" },	/* U+061C arabic letter mark */
		{ "\342\200\250", "\\E2\\80\\A8" },	/* line separator */
		{ "a\nb\033[0m\177", "a\\0Ab\\1B[0m\\7F" },
		/* UTF-8 that is fine stays */
		{ "Jos\303\251 \344\270\255 \360\237\224\222",
		    "Jos\303\251 \344\270\255 \360\237\224\222" },
		{ "\342\200\213", "\342\200\213" },	/* U+200B */
		/* not UTF-8: each byte alone */
		{ "\233", "\\9B" },
		{ "a\300\257b", "a\\C0\\AFb" },		/* overlong '/' */
		{ "\355\240\200", "\\ED\\A0\\80" },	/* a surrogate */
		{ "\342\200", "\\E2\\80" },		/* cut short */
		{ "\364\220\200\200", "\\F4\\90\\80\\80" },	/* > U+10FFFF */
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = text_escape(cases[i].in);
		assert_non_null(out);
		assert_string_equal(out, cases[i].out);
		assert_printable(out);
		free(out);
	}
}

/* name_entry: one '?' per unsafe character or stray byte, as for C0. */
static void
name_entry_unsafe(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "SEP001122334455", "SEP001122334455" },
		{ "SEP" RLO "554433221100", "SEP?554433221100" },
		{ "CAPF-" CSI "2Ja6d4c572", "CAPF-?2Ja6d4c572" },
		{ "a\nb\177", "a?b?" },
		{ "\342\201\246\342\200\217\330\234", "???" },
		{ "Jos\303\251", "Jos\303\251" },
	};
	X509_NAME *name;
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(name = X509_NAME_new());
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN",
		    MBSTRING_UTF8, (const unsigned char *)cases[i].in, -1, -1,
		    0), 1);
		assert_int_equal(name_entry(name, NID_commonName, &out), 0);
		assert_non_null(out);
		assert_string_equal(out, cases[i].out);
		assert_printable(out);
		free(out);
		X509_NAME_free(name);
	}
}

/* The JSON of s, in a malloc'ed string. */
static char *
json_of(const char *s)
{
	struct json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(f = open_memstream(&buf, &len));
	json_init(&j, f);
	json_string(&j, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
json_escapes(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "CN=a" CSI "b", "\"CN=a\\u009bb\"" },
		{ "SEP" RLO "1", "\"SEP\\u202e1\"" },
		{ "\342\201\246\342\201\251\342\200\216\330\234\342\200\251",
		    "\"\\u2066\\u2069\\u200e\\u061c\\u2029\"" },
		{ "\302\200\302\237\302\240", "\"\\u0080\\u009f\302\240\"" },
		{ "q\"b\\\n\177", "\"q\\\"b\\\\\\u000a\\u007f\"" },
		{ "Jos\303\251 \360\237\224\222", "\"Jos\303\251 \360\237\224\222\"" },
		/* not UTF-8: U+FFFD per byte, never the raw byte */
		{ "a\233b\342\200", "\"a\\ufffdb\\ufffd\\ufffd\"" },
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = json_of(cases[i].in);
		assert_string_equal(out, cases[i].out);
		assert_printable(out);
		free(out);
	}
}

/* The library's names (subjects, issuers, CNs, messages) are escaped too. */
static void
library_names_escaped(void **state)
{
	struct lab_spec ca = { .cn = "Evil " CSI "2J CA", .o = "O" RLO "rg",
	    .ca = 1, .pathlen = -1 };
	struct lab_spec leaf = { .cn = "SEP" RLO "554433221100",
	    .pathlen = -1 };
	EVP_PKEY *cakey, *key;
	X509 *cax, *leafx;
	ptrust_builder *b;
	ptrust_store *s, *other;
	ptrust_chain *ch;
	ptrust_result *r;
	const ptrust_anchor *a;
	size_t i;

	(void)state;
	assert_non_null(cakey = lab_key_ec("P-256"));
	assert_non_null(key = lab_key_ec("P-256"));
	assert_non_null(cax = lab_issue(&ca, cakey, NULL, NULL));
	assert_non_null(leafx = lab_issue(&leaf, key, cax, cakey));
	assert_non_null(b = ptrust_builder_new("evil"));
	assert_int_equal(ptrust_builder_add_x509(b, cax, NULL,
	    PTRUST_ROLE_CAPF), PTRUST_OK);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	ptrust_builder_free(b);
	a = ptrust_store_anchor(s, 0);
	assert_non_null(a);
	assert_string_equal(ptrust_anchor_subject(a),
	    "CN=Evil \\C2\\9B2J CA,O=O\\E2\\80\\AErg");
	assert_printable(ptrust_anchor_issuer(a));
	assert_printable(ptrust_anchor_alias(a));

	assert_int_equal(ptrust_chain_new_from_x509(leafx, NULL, &ch),
	    PTRUST_OK);
	assert_int_equal(ptrust_verify(s, ch, NULL, &r), PTRUST_OK);
	assert_string_equal(ptrust_result_chain_subject(r, 0),
	    "CN=SEP\\E2\\80\\AE554433221100");
	for (i = 0; i < ptrust_result_chain_length(r); i++)
		assert_printable(ptrust_result_chain_subject(r, i));
	ptrust_result_free(r);

	/* refused: the messages name the unknown issuer */
	assert_non_null(b = ptrust_builder_new("empty"));
	assert_int_equal(ptrust_builder_build(b, &other), PTRUST_OK);
	ptrust_builder_free(b);
	assert_int_equal(ptrust_verify(other, ch, NULL, &r), PTRUST_OK);
	assert_true(ptrust_result_reason_count(r) > 0);
	for (i = 0; i < ptrust_result_reason_count(r); i++) {
		assert_printable(ptrust_result_reason_message(r, i));
		if (ptrust_result_reason_subject(r, i) != NULL)
			assert_printable(ptrust_result_reason_subject(r, i));
	}
	ptrust_result_free(r);
	ptrust_chain_free(ch);
	ptrust_store_unref(other);
	ptrust_store_unref(s);
	X509_free(leafx);
	X509_free(cax);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(version),
		cmocka_unit_test(status_names),
		cmocka_unit_test(reason_names),
		cmocka_unit_test(alert_names),
		cmocka_unit_test(role_kind_change_names),
		cmocka_unit_test(text_escape_cases),
		cmocka_unit_test(name_entry_unsafe),
		cmocka_unit_test(json_escapes),
		cmocka_unit_test(library_names_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
