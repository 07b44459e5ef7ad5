/* Names of enums: complete, unique, stable, and reversible where promised. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <phonetrust.h>

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
		"no-certificate",
	};
	size_t i;
	int c, d;

	(void)state;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		c = ptrust_reason_from_name(required[i]);
		assert_int_not_equal(c, 0);
		assert_string_equal(ptrust_reason_name(c), required[i]);
	}
	/* the first codes keep their numbers: append-only */
	assert_int_equal(PTRUST_REASON_UNKNOWN_CA, 1);
	assert_int_equal(PTRUST_REASON_NAME_MISMATCH, 18);
	for (c = PTRUST_REASON_UNKNOWN_CA; c <= PTRUST_REASON_NO_CERTIFICATE;
	    c++) {
		assert_non_null(ptrust_reason_name(c));
		assert_non_null(ptrust_reason_message(c));
		assert_true(strlen(ptrust_reason_message(c)) > 10);
		assert_int_equal(ptrust_reason_from_name(ptrust_reason_name(c)),
		    c);
		for (d = PTRUST_REASON_UNKNOWN_CA; d < c; d++)
			assert_string_not_equal(ptrust_reason_name(c),
			    ptrust_reason_name(d));
	}
	assert_null(ptrust_reason_name(0));
	assert_null(ptrust_reason_message(999));
	assert_int_equal(ptrust_reason_from_name("no-such-reason"), 0);
	assert_int_equal(ptrust_reason_from_name(NULL), 0);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(version),
		cmocka_unit_test(status_names),
		cmocka_unit_test(reason_names),
		cmocka_unit_test(alert_names),
		cmocka_unit_test(role_kind_change_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
