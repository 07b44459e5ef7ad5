/*
 * libphonetrust for RADIUS servers (<phonetrust-radius.h>), written
 * against the header's contract: the device an EAP identity names; the
 * decision on what FreeRADIUS 3.2 printed about a certificate its TLS
 * layer accepted (issuer = the anchor matched by key identifier AND
 * name, kind = that anchor's role, expiry through notAfter, identity);
 * the explanation of a refusal; the log line; bad arguments; allocation
 * failures.
 *
 * Every certificate string is made the way FreeRADIUS makes it from
 * OpenSSL, out of real lab certificates: X509_NAME_oneline for subject
 * and issuer, X509_NAME_get_text_by_NID for the common name, the
 * UTCTime's own text for the expiration, X509V3_EXT_print for the
 * authority key identifier.
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/x509v3.h>

#include <phonetrust-cluster.h>
#include <phonetrust-radius.h>

#include "testutil.h"

#define P8021X		PTRUST_CLUSTER_8021X
/* Not after of the leaves made to expire: ten days after TEST_NOW. */
#define SOON		(TEST_NOW + 10 * LAB_DAY)
#define STORE_NAME	"radius-trust"
/* 2099-08-09T20:50:10Z, as late as ACT2 SUDI MICs last: a GeneralizedTime. */
#define LATE		((time_t)4089991810)

/* Leaves made for these tests, on top of the standard lab. */
static struct {
	EVP_PKEY	*key;		/* EC P-256, every leaf below */
	EVP_PKEY	*other_key;	/* the unrelated CA's */
	X509		*mic_cp;	/* CN=CP-8865-SEP00AABBCC0001, by mfg_ca */
	X509		*mic_soon;	/* CN=SEP001122334455, by mfg_ca, until SOON */
	X509		*lsc_soon;	/* CN=SEP001122334455, by capf_a, until SOON */
	X509		*mic_2099;	/* CN=SEP001122334455, by mfg_ca, until LATE */
	X509		*other_ca;	/* "Lab Other CA", in no store */
	X509		*other_leaf;	/* CN=SEP001122334455, by other_ca */
} fx;

/* The standard store: capf_a (capf) and mfg_ca (manufacturing). */
static ptrust_store *std_store;

/* What FreeRADIUS hands on about one certificate.  Never copied: c points
 * into the buffers. */
struct rcert {
	char		 subject[1024];	/* FreeRADIUS's own sizes */
	char		 issuer[1024];
	char		 cn[1024];
	char		 aki[512];
	char		 exp[64];
	ptrust_radius_cert c;
};

/*
 * What fr_pair_make() does to the text FreeRADIUS 3.2 puts in a string
 * attribute: it reads it as a double-quoted string, so \\, \", \r, \n,
 * \t and a backslash before three digits (read as octal) are unescaped,
 * other backslashes kept, and a backslash ending the text is an error (no
 * attribute).  In place; 0 on that error.  A NUL it makes ends the C
 * string the module sees.
 */
static int
fr_unescape(char *s)
{
	char *p = s, *q = s;
	unsigned int x;

	while (*q != '\0') {
		char c = *q++;

		if (c == '\\') {
			if (*q == '\0')
				return 0;
			if (*q == 'r' || *q == 'n' || *q == 't') {
				c = *q == 'r' ? '\r' : *q == 'n' ? '\n' : '\t';
				q++;
			} else if (*q == '\\' || *q == '"')
				c = *q++;
			else if (isdigit((unsigned char)q[0]) &&
			    isdigit((unsigned char)q[1]) &&
			    isdigit((unsigned char)q[2]) &&
			    sscanf(q, "%3o", &x) == 1) {
				c = (char)x;
				q += 3;
			}
			/* anything else: the backslash stays */
		}
		*p++ = c;
	}
	*p = '\0';
	return 1;
}

/*
 * The subject, issuer and common name exactly as FreeRADIUS 3.2 makes
 * them (src/main/tls.c): X509_NAME_oneline into 1024 bytes,
 * X509_NAME_get_text_by_NID (the first CN) into 1024, given only when the
 * subject is not empty, each then through fr_pair_make().  NULL for an
 * attribute the server would not give.
 */
static void
freeradius_names(struct rcert *rc, X509 *x)
{
	int has_subject;

	assert_non_null(X509_NAME_oneline(X509_get_subject_name(x),
	    rc->subject, sizeof(rc->subject)));
	assert_non_null(X509_NAME_oneline(X509_get_issuer_name(x),
	    rc->issuer, sizeof(rc->issuer)));
	rc->cn[0] = '\0';
	(void)X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, rc->cn, sizeof(rc->cn));
	rc->cn[sizeof(rc->cn) - 1] = '\0';
	has_subject = rc->subject[0] != '\0';
	rc->c.subject = has_subject && fr_unescape(rc->subject) ?
	    rc->subject : NULL;
	rc->c.issuer = rc->issuer[0] != '\0' && fr_unescape(rc->issuer) ?
	    rc->issuer : NULL;
	rc->c.common_name = rc->cn[0] != '\0' && has_subject &&
	    fr_unescape(rc->cn) ? rc->cn : NULL;
}

static void
rcert_of(struct rcert *rc, X509 *x)
{
	const ASN1_TIME *t = X509_get0_notAfter(x);
	X509_EXTENSION *ext;
	BIO *bio;
	char *p;
	long n;
	int i;

	memset(rc, 0, sizeof(*rc));
	freeradius_names(rc, x);
	/* exactly what X509V3_EXT_print prints, nothing stripped */
	assert_true((i = X509_get_ext_by_NID(x, NID_authority_key_identifier,
	    -1)) >= 0);
	assert_non_null(ext = X509_get_ext(x, i));
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(X509V3_EXT_print(bio, ext, 0, 0), 1);
	n = BIO_get_mem_data(bio, &p);
	assert_true(n > 0 && (size_t)n < sizeof(rc->aki));
	memcpy(rc->aki, p, (size_t)n);
	BIO_free(bio);
	/*
	 * The time as it is encoded, copied as FreeRADIUS copies it: a
	 * UTCTime YYMMDDhhmmssZ, or from 2050 a GeneralizedTime.
	 */
	assert_int_equal(ASN1_STRING_length(t),
	    ASN1_STRING_type(t) == V_ASN1_UTCTIME ? 13 : 15);
	memcpy(rc->exp, ASN1_STRING_get0_data(t),
	    (size_t)ASN1_STRING_length(t));
	rc->c.authority_key_id = rc->aki;
	rc->c.expiration = rc->exp;
}

struct anchor {
	X509		*x;
	const char	*alias;
	ptrust_role	 role;
};

static ptrust_store *
store_of(const struct anchor *a, size_t n)
{
	ptrust_builder *b = ptrust_builder_new(STORE_NAME);
	ptrust_store *s = NULL;
	size_t i;

	assert_non_null(b);
	for (i = 0; i < n; i++)
		assert_int_equal(ptrust_builder_add_x509(b, a[i].x, a[i].alias,
		    a[i].role), PTRUST_OK);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	ptrust_builder_free(b);
	return s;
}

/*
 * What the header promises of every result: no chain, no reason below
 * depth 0, and a diagnosis and fix exactly when refused.
 */
static void
check_shape(const ptrust_result *r)
{
	size_t i;

	assert_int_equal(ptrust_result_chain_length(r), 0);
	for (i = 0; i < ptrust_result_reason_count(r); i++)
		assert_true(ptrust_result_reason_depth(r, i) <= 0);
	if (ptrust_result_trusted(r)) {
		assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_NONE);
		assert_null(ptrust_result_fix(r));
		assert_int_equal(ptrust_result_reason_count(r), 0);
	} else {
		assert_int_not_equal(ptrust_result_diagnosis(r),
		    PTRUST_DIAG_NONE);
		assert_non_null(ptrust_result_fix(r));
		assert_true(ptrust_result_reason_count(r) > 0);
	}
}

static ptrust_result *
decide_p(const ptrust_store *s, const ptrust_radius_cert *c,
    const char *device, ptrust_cluster_purpose purpose, time_t at)
{
	ptrust_result *r = NULL;
	ptrust_status st;

	st = ptrust_radius_decide(s, c, device, purpose, at, &r);
	if (st != PTRUST_OK)
		fail_msg("decide: %s", ptrust_status_name(st));
	assert_non_null(r);
	check_shape(r);
	return r;
}

static ptrust_result *
decide(const ptrust_store *s, const ptrust_radius_cert *c,
    const char *device, time_t at)
{
	return decide_p(s, c, device, P8021X, at);
}

static ptrust_result *
explain(const ptrust_store *s, const ptrust_radius_cert *c,
    const char *device, time_t at)
{
	ptrust_result *r = NULL;
	ptrust_status st;

	st = ptrust_radius_explain(s, c, device, P8021X, at, &r);
	if (st != PTRUST_OK)
		fail_msg("explain: %s", ptrust_status_name(st));
	assert_non_null(r);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_chain_length(r), 0);
	assert_int_not_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_NONE);
	return r;
}

/*
 * Input the header does not say must be an error or a refusal: either is
 * fine, trusted never is.  what names the case in a failure.
 */
static void
expect_refused(const ptrust_store *s, const ptrust_radius_cert *c,
    const char *device, time_t at, const char *what)
{
	ptrust_result *r = NULL;
	ptrust_status st;

	st = ptrust_radius_decide(s, c, device, P8021X, at, &r);
	if (st == PTRUST_OK && r == NULL)
		fail_msg("%s: PTRUST_OK without a result", what);
	if (ptrust_result_trusted(r))
		fail_msg("%s: trusted (status %s)", what,
		    ptrust_status_name(st));
	if (st == PTRUST_OK)
		check_shape(r);
	ptrust_result_free(r);
}

/* A decision that must be a refusal with code among its reasons. */
static void
expect_refused_with(const ptrust_store *s, const ptrust_radius_cert *c,
    const char *device, time_t at, ptrust_reason_code code, const char *what)
{
	ptrust_result *r = NULL;
	ptrust_status st;

	st = ptrust_radius_decide(s, c, device, P8021X, at, &r);
	if (st != PTRUST_OK || r == NULL)
		fail_msg("%s: %s", what, ptrust_status_name(st));
	if (ptrust_result_trusted(r))
		fail_msg("%s: trusted", what);
	check_shape(r);
	if (!test_has_reason(r, code, -2))
		fail_msg("%s: no reason %s (diagnosis %s)", what,
		    ptrust_reason_name(code),
		    ptrust_diagnosis_name(ptrust_result_diagnosis(r)));
	ptrust_result_free(r);
}

static const char *
alias_of(const ptrust_result *r)
{
	const ptrust_anchor *a = ptrust_result_anchor(r);

	assert_non_null(a);
	return ptrust_anchor_alias(a);
}

/* The line of result, checked for its length contract. */
static char *
line_of(const ptrust_result *r)
{
	int n = ptrust_radius_log_line(r, NULL, 0);
	char *line;

	assert_true(n > 0);
	assert_non_null(line = malloc((size_t)n + 2));
	line[n + 1] = 'X';
	assert_int_equal(ptrust_radius_log_line(r, line, (size_t)n + 1), n);
	assert_int_equal(strlen(line), (size_t)n);
	assert_int_equal(line[n + 1], 'X');
	return line;
}

static void
no_control_characters(const char *line)
{
	const unsigned char *p;

	for (p = (const unsigned char *)line; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) ||
		    (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa &&
		    p[2] <= 0xae) ||
		    (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
		    p[2] <= 0xa9))
			fail_msg("control character 0x%02x at %d in \"%s\"", *p,
			    (int)(p - (const unsigned char *)line), line);
}

/* Nothing a result says of a phone's names can drive a terminal. */
static void
no_control_characters_in(const ptrust_result *r)
{
	size_t i;

	for (i = 0; i < ptrust_result_reason_count(r); i++) {
		no_control_characters(ptrust_result_reason_message(r, i));
		no_control_characters(ptrust_result_reason_subject(r, i));
	}
}

/* ------------------------------------------------------------ identity */

static void
expect_device(const char *identity, const char *want)
{
	char buf[40];
	ptrust_status st;

	memset(buf, 'X', sizeof(buf));
	st = ptrust_radius_identity_device(identity, buf, 16);
	if (st != PTRUST_OK)
		fail_msg("\"%s\": %s", identity, ptrust_status_name(st));
	if (memchr(buf, '\0', 16) == NULL || strcmp(buf, want) != 0)
		fail_msg("\"%s\": \"%.16s\", not \"%s\"", identity, buf, want);
	assert_int_equal(buf[16], 'X');
}

static void
expect_no_device(const char *identity)
{
	char buf[40];
	ptrust_status st;

	memset(buf, 'X', sizeof(buf));
	st = ptrust_radius_identity_device(identity, buf, 16);
	if (st != PTRUST_ERR_ARG)
		fail_msg("\"%s\": %s, \"%.16s\"", identity != NULL ? identity :
		    "(null)", ptrust_status_name(st), buf);
	if (buf[0] != '\0')
		fail_msg("\"%s\": device not emptied", identity != NULL ?
		    identity : "(null)");
	assert_int_equal(buf[16], 'X');
}

static void
identity_device_forms(void **state)
{
	(void)state;
	expect_device("CP-7975G-SEP001122334455", "SEP001122334455");
	expect_device("CP-8865-SEP00AABBCC0001", "SEP00AABBCC0001");
	expect_device("SEP001122334455", "SEP001122334455");
	expect_device("sep001122334455", "SEP001122334455");
	expect_device("SEP00aaBBccDDee", "SEP00AABBCCDDEE");
	expect_device("cp-7975g-sep00aabbccddee", "SEP00AABBCCDDEE");
	expect_device("host/SEP001122334455", "SEP001122334455");
	expect_device("SEP001122334455@realm", "SEP001122334455");
	expect_device("SEP001122334455@example.net", "SEP001122334455");
	expect_device("host/CP-8841-SEP001122334455@example.net",
	    "SEP001122334455");
	expect_device("00:11:22:33:44:55", "SEP001122334455");
	expect_device("00-11-22-33-44-55", "SEP001122334455");
	expect_device("0011.2233.4455", "SEP001122334455");
	expect_device("001122334455", "SEP001122334455");
	expect_device("aa:bb:cc:dd:ee:ff", "SEPAABBCCDDEEFF");
	expect_device("host/00-11-22-33-44-55@realm", "SEP001122334455");
}

static void
identity_device_refusals(void **state)
{
	(void)state;
	expect_no_device("");
	expect_no_device(NULL);
	expect_no_device("alice");
	expect_no_device("alice@example.net");
	expect_no_device("host/");
	expect_no_device("@realm");
	expect_no_device("SEP");
	expect_no_device("SEP0011223344");		/* too short */
	expect_no_device("SEP0011223344556");		/* too long */
	expect_no_device("SEP00112233445G");		/* not hex */
	expect_no_device("SEP00112233445 ");
	expect_no_device("CP-7975G-");
	expect_no_device("CP-7975G-SEP0011223344");
	expect_no_device("CP-7975G-SEP00112233445566");
	expect_no_device("00112233445");		/* 11 digits */
	expect_no_device("0011223344556");		/* 13 digits */
	expect_no_device("00:11:22:33:44");
	expect_no_device("00:11:22:33:44:55:66");
	expect_no_device("00:11:22:33:44:5G");
	/* twelve digits, but not in pairs (nor groups of four) */
	expect_no_device("00::1122334455");
	expect_no_device("0:0112233445:5");
}

/* The buffer: at least 16 bytes; nothing written past size. */
static void
identity_device_buffer(void **state)
{
	char buf[40];
	ptrust_status st;
	size_t size;

	(void)state;
	for (size = 1; size < 16; size++) {
		memset(buf, 'X', sizeof(buf));
		st = ptrust_radius_identity_device("SEP001122334455", buf,
		    size);
		if (st == PTRUST_OK)
			fail_msg("size %zu: PTRUST_OK", size);
		if (buf[size] != 'X')
			fail_msg("size %zu: written past the buffer", size);
		if (memchr(buf, '\0', size) == NULL)
			fail_msg("size %zu: not NUL-terminated", size);
	}
	/* size 0: not a byte may be written */
	memset(buf, 'X', sizeof(buf));
	assert_int_not_equal(ptrust_radius_identity_device("SEP001122334455",
	    buf, 0), PTRUST_OK);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(ptrust_radius_identity_device("SEP001122334455",
	    NULL, 16), PTRUST_ERR_ARG);
	assert_int_not_equal(ptrust_radius_identity_device("SEP001122334455",
	    NULL, 0), PTRUST_OK);
	/* exactly 16: fits, and the byte after is untouched */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(ptrust_radius_identity_device(
	    "host/CP-7975G-SEP001122334455@realm", buf, 16), PTRUST_OK);
	assert_string_equal(buf, "SEP001122334455");
	assert_int_equal(buf[16], 'X');
}

/* ------------------------------------------------------------ decide */

/* An LSC of this cluster's CAPF: trusted, LSC, the CAPF's anchor. */
/* A certificate whose basic constraints make it a CA is no phone's. */
static void
decide_ca_is_no_phone(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_result *r;

	(void)state;
	rcert_of(&rc, l->lsc_a);
	rc.c.basic_constraints = "CA:FALSE";
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	rc.c.basic_constraints = "CA:TRUE, pathlen:0";
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_CA_AS_LEAF, -2));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_NOT_A_PHONE_CERTIFICATE);
	ptrust_result_free(r);
}

static void
decide_trusted_lsc(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_result *r;
	char *line;

	(void)state;
	rcert_of(&rc, l->lsc_a);
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	assert_string_equal(alias_of(r), "capf-a");
	assert_int_equal(ptrust_anchor_role(ptrust_result_anchor(r)),
	    PTRUST_ROLE_CAPF);
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_NONE);
	assert_null(ptrust_result_fix(r));
	assert_string_equal(ptrust_result_store_name(r), STORE_NAME);
	line = line_of(r);
	assert_string_equal(line,
	    "TRUSTED LSC SEP001122334455 via " STORE_NAME "/capf-a");
	free(line);
	ptrust_result_free(r);
	/* the device in any case; at 0 is now, inside the LSC's validity */
	r = decide(std_store, &rc.c, "sep001122334455", 0);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* without a device: no identity check */
	r = decide(std_store, &rc.c, NULL, TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* other purposes decide the same way */
	r = decide_p(std_store, &rc.c, "SEP001122334455",
	    PTRUST_CLUSTER_CALLMANAGER_TLS, TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	r = decide_p(std_store, &rc.c, "SEP001122334455", PTRUST_CLUSTER_VPN,
	    TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
}

/* A MIC whose issuer is a manufacturing anchor, CN CP-<model>-SEP<MAC>. */
static void
decide_trusted_mic(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_result *r;
	char *line;

	(void)state;
	rcert_of(&rc, fx.mic_cp);
	assert_string_equal(rc.cn, "CP-8865-SEP00AABBCC0001");
	r = decide(std_store, &rc.c, "SEP00AABBCC0001", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	assert_string_equal(alias_of(r), "mfg-ca");
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_NONE);
	line = line_of(r);
	assert_string_equal(line,
	    "TRUSTED MIC SEP00AABBCC0001 via " STORE_NAME "/mfg-ca");
	free(line);
	ptrust_result_free(r);
	r = decide(std_store, &rc.c, "sep00aabbcc0001", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* the device an identity names, straight from identity_device */
	{
		char dev[16];

		assert_int_equal(ptrust_radius_identity_device(
		    "host/CP-8865-SEP00aabbcc0001@example.net", dev,
		    sizeof(dev)), PTRUST_OK);
		r = decide(std_store, &rc.c, dev, TEST_NOW);
		assert_true(ptrust_result_trusted(r));
		ptrust_result_free(r);
	}
	/* the lab MIC, CN=SEP001122334455 */
	rcert_of(&rc, l->mic);
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
}

/*
 * The issuer must be an anchor itself: a MIC's issuing CA is, its root
 * alone is not (the header: the anchor whose SKI is the AKI).
 */
static void
decide_issuer_must_be_an_anchor(void **state)
{
	const struct lab *l = test_lab();
	struct anchor root[] = {
		{ l->capf_a, "capf-a", PTRUST_ROLE_CAPF },
		{ l->mfg_root, "mfg-root", PTRUST_ROLE_MANUFACTURING },
	};
	ptrust_store *s = store_of(root, 2);
	struct rcert rc;

	(void)state;
	rcert_of(&rc, l->mic);
	expect_refused_with(s, &rc.c, "SEP001122334455", TEST_NOW,
	    PTRUST_REASON_UNKNOWN_CA, "MIC, only its root an anchor");
	ptrust_store_unref(s);
}

/* The CA another cluster's CAPF, or one in no store: unknown-ca. */
static void
decide_unknown_ca(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_result *r;

	(void)state;
	rcert_of(&rc, l->lsc_b);
	r = decide(std_store, &rc.c, "SEP00AABBCCDDEE", TEST_NOW);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, -2));
	assert_int_not_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_NONE);
	assert_non_null(ptrust_result_fix(r));
	assert_null(ptrust_result_anchor(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	ptrust_result_free(r);
	rcert_of(&rc, fx.other_leaf);
	expect_refused_with(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    PTRUST_REASON_UNKNOWN_CA, "issuer in no store");
	/* an empty store trusts nothing */
	{
		ptrust_store *empty = store_of(NULL, 0);

		rcert_of(&rc, l->lsc_a);
		expect_refused_with(empty, &rc.c, "SEP001122334455",
		    TEST_NOW, PTRUST_REASON_UNKNOWN_CA, "empty store");
		ptrust_store_unref(empty);
	}
}

/* Key identifier and issuer name must both designate the same anchor. */
static void
decide_aki_and_issuer_both_match(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc, b, mic;
	char buf[1100];

	(void)state;
	rcert_of(&rc, l->lsc_a);
	rcert_of(&b, l->lsc_b);
	rcert_of(&mic, l->mic);
	/* no identifier */
	rc.c.authority_key_id = NULL;
	expect_refused_with(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    PTRUST_REASON_UNKNOWN_CA, "AKI NULL");
	expect_refused_with(std_store, &rc.c, NULL, TEST_NOW,
	    PTRUST_REASON_UNKNOWN_CA, "AKI NULL, no device");
	/* the CAPF's identifier, another CA's name */
	rc.c.authority_key_id = rc.aki;
	rc.c.issuer = b.issuer;
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "capf_a AKI, capf_b issuer");
	/* the CAPF's identifier, the name of the other anchor of the store */
	rc.c.issuer = mic.issuer;
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "capf_a AKI, mfg_ca issuer");
	/* the CAPF's name, the identifier of the other anchor */
	rc.c.issuer = rc.issuer;
	rc.c.authority_key_id = mic.aki;
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "mfg_ca AKI, capf_a issuer");
	/* the CAPF's name, an unknown CA's identifier */
	rc.c.authority_key_id = b.aki;
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "capf_b AKI, capf_a issuer");
	/* the name must be equal, not a prefix nor an extension */
	rc.c.authority_key_id = rc.aki;
	snprintf(buf, sizeof(buf), "%s/CN=x", rc.issuer);
	rc.c.issuer = buf;
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "issuer with an extra RDN");
	snprintf(buf, sizeof(buf), "%.*s", (int)strlen(rc.issuer) - 1,
	    rc.issuer);
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "issuer cut short");
	rc.c.issuer = NULL;
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "issuer NULL");
	rc.c.issuer = "";
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "issuer empty");
	/* the identifier must be equal too: one digit changed */
	rc.c.issuer = rc.issuer;
	snprintf(buf, sizeof(buf), "%s", rc.aki);
	buf[strlen(buf) - 1] = buf[strlen(buf) - 1] == '0' ? '1' : '0';
	rc.c.authority_key_id = buf;
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "AKI one digit off");
	/* only a prefix of the identifier */
	snprintf(buf, sizeof(buf), "%.*s", (int)strlen(rc.aki) - 3, rc.aki);
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "AKI cut short");
	snprintf(buf, sizeof(buf), "%s:00", rc.aki);
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "AKI one byte longer");
}

/* Whatever the identifier says, nothing crashes and nothing is trusted. */
static void
decide_aki_garbage(void **state)
{
	static const char *const garbage[] = {
		"zz:zz", "", "keyid:", "keyid", ":", "::::", "\n", "keyid:\n",
		"keyid:zz", "DirName:/CN=CAPF-a6d4c572", "serial:01",
		"0", "A", "AB:", ":AB", "AB::CD", "ABC", "keyid:keyid:",
	};
	const struct lab *l = test_lab();
	struct rcert rc;
	char *longer;
	size_t i;

	(void)state;
	rcert_of(&rc, l->lsc_a);
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		rc.c.authority_key_id = garbage[i];
		expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
		    garbage[i]);
	}
	/* a long run of hex pairs */
	assert_non_null(longer = malloc(3 * 5000 + 1));
	for (i = 0; i < 5000; i++)
		memcpy(longer + 3 * i, "AB:", 3);
	longer[3 * 5000 - 1] = '\0';
	rc.c.authority_key_id = longer;
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "15000 characters");
	/* the genuine identifier followed by another 20 bytes */
	snprintf(longer, 3 * 5000, "%s:%s", rc.aki, rc.aki);
	expect_refused(std_store, &rc.c, "SEP001122334455", TEST_NOW,
	    "AKI twice");
	free(longer);
}

/*
 * The forms other OpenSSL versions print the identifier in: "keyid:"
 * first (OpenSSL 1.1), a newline at the end.  (The brief says either may
 * occur; the header only says "as the server printed it".)
 */
static void
decide_aki_printed_forms(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	char buf[1100];
	ptrust_result *r;
	const char *hex;

	(void)state;
	rcert_of(&rc, l->lsc_a);
	hex = strncmp(rc.aki, "keyid:", 6) == 0 ? rc.aki + 6 : rc.aki;
	snprintf(buf, sizeof(buf), "keyid:%.*s", (int)strcspn(hex, "\n"), hex);
	rc.c.authority_key_id = buf;
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	snprintf(buf, sizeof(buf), "keyid:%.*s\n", (int)strcspn(hex, "\n"),
	    hex);
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	snprintf(buf, sizeof(buf), "%.*s\n", (int)strcspn(hex, "\n"), hex);
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
}

/* The kind is the anchor's role, never the name. */
static void
decide_kind_is_the_role(void **state)
{
	const struct lab *l = test_lab();
	struct anchor other[] = {
		{ l->capf_a, "capf-a", PTRUST_ROLE_OTHER },
		{ l->mfg_ca, "mfg-ca", PTRUST_ROLE_OTHER },
	};
	struct anchor external[] = {
		{ l->capf_a, "capf-a", PTRUST_ROLE_EXTERNAL_CA },
	};
	struct anchor swapped[] = {
		{ l->capf_a, "capf-a", PTRUST_ROLE_MANUFACTURING },
		{ l->mfg_ca, "mfg-ca", PTRUST_ROLE_CAPF },
	};
	struct rcert lsc, mic;
	ptrust_store *s;
	ptrust_result *r;

	(void)state;
	rcert_of(&lsc, l->lsc_a);
	rcert_of(&mic, l->mic);
	/* role other: no kind, refused */
	s = store_of(other, 2);
	r = decide(s, &lsc.c, "SEP001122334455", TEST_NOW);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	ptrust_result_free(r);
	r = decide(s, &mic.c, "SEP001122334455", TEST_NOW);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	ptrust_result_free(r);
	r = decide(s, &lsc.c, NULL, TEST_NOW);
	assert_false(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_store_unref(s);
	/* external-ca issues LSCs */
	s = store_of(external, 1);
	r = decide(s, &lsc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_store_unref(s);
	/* a "CAPF-" named manufacturing anchor issues MICs, and back */
	s = store_of(swapped, 2);
	r = decide(s, &lsc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	r = decide(s, &mic.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_store_unref(s);
}

/* The certificate of another phone does not authenticate this one. */
static void
decide_identity_mismatch(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_result *r;

	(void)state;
	rcert_of(&rc, l->mic);
	r = decide(std_store, &rc.c, "SEP00AABBCCDDEE", TEST_NOW);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_IDENTITY_MISMATCH, -2));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_IDENTITY_MISMATCH);
	assert_non_null(ptrust_result_fix(r));
	ptrust_result_free(r);
	/* the same for an LSC, and for a MIC with a model prefix */
	rcert_of(&rc, l->lsc_a);
	r = decide(std_store, &rc.c, "SEP001122334456", TEST_NOW);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_IDENTITY_MISMATCH);
	/* refused: no kind, no anchor; the anchor's key says what it was */
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_result_anchor(r));
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_LSC);
	assert_int_equal(ptrust_result_evidence(r), PTRUST_EVIDENCE_ANCHOR);
	ptrust_result_free(r);
	rcert_of(&rc, fx.mic_cp);
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_IDENTITY_MISMATCH);
	ptrust_result_free(r);
	/* NULL: no check; the same MIC is then trusted */
	r = decide(std_store, &rc.c, NULL, TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* "" is a device that names nothing, not a missing one */
	expect_refused(std_store, &rc.c, "", TEST_NOW, "device \"\"");
	/* neither a device name nor the model alone */
	expect_refused(std_store, &rc.c, "CP-8865", TEST_NOW,
	    "device CP-8865");
	expect_refused(std_store, &rc.c, "SEP00AABBCC000", TEST_NOW,
	    "device one digit short");
	/* a common name the server did not give cannot name the device */
	rc.c.common_name = NULL;
	rc.c.subject = NULL;
	expect_refused(std_store, &rc.c, "SEP00AABBCC0001", TEST_NOW,
	    "no subject, no CN");
}

/* One attribute of a subject: its type and value (len -1: strlen). */
struct attr {
	const char	*type;
	const char	*value;
	int		 len;
};

/*
 * An LSC by capf_a whose subject holds exactly the attributes given, in
 * order, as UTF8Strings of any length and content: what an outside CA
 * copying a request's text may issue.  Built by hand: the lab makes one
 * CN only.
 */
static X509 *
lsc_with_subject(const struct attr *attrs, size_t n_attrs)
{
	const struct lab *l = test_lab();
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	size_t i;

	assert_non_null(x);
	assert_non_null(n);
	assert_true(X509_set_version(x, X509_VERSION_3));
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), 4242));
	for (i = 0; i < n_attrs; i++)
		assert_true(X509_NAME_add_entry_by_txt(n, attrs[i].type,
		    V_ASN1_UTF8STRING, (const unsigned char *)attrs[i].value,
		    attrs[i].len, -1, 0));
	assert_true(X509_set_subject_name(x, n));
	X509_NAME_free(n);
	assert_true(X509_set_issuer_name(x,
	    X509_get_subject_name(l->capf_a)));
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), LAB_T0));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x),
	    LAB_T0 + 365 * LAB_DAY));
	assert_true(X509_set_pubkey(x, fx.key));
	X509V3_set_ctx(&ctx, l->capf_a, x, NULL, NULL, 0);
	assert_non_null(ext = X509V3_EXT_conf_nid(NULL, &ctx,
	    NID_authority_key_identifier, "keyid:always"));
	assert_true(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, l->capf_a_key, EVP_sha256()) > 0);
	return x;
}

/*
 * A certificate with two common names, as an outside CA may issue: the
 * server's Common-Name is the first (X509_NAME_get_text_by_NID), while
 * ptrust_chain_names_device() looks at the last.
 */
static X509 *
two_cn_lsc(const char *first, const char *last)
{
	const struct attr attrs[] = {
		{ "O", "Example Corp", -1 },
		{ "CN", first, -1 },
		{ "CN", last, -1 },
	};

	return lsc_with_subject(attrs, 3);
}

/*
 * Bound to the device exactly as ptrust_chain_names_device() says, except
 * that a subject with two CNs names no device here (see
 * decide_subject_with_several_cns_names_no_device).
 */
static void
decide_identity_as_chain_names_device(void **state)
{
	static const char *const devices[] = {
		"SEP001122334455", "sep001122334455", "SEP00AABBCCDDEE",
		"SEP00AABBCC0001", "SEP00aabbcc0001", "SEP000000000000",
	};
	const struct lab *l = test_lab();
	X509 *two = two_cn_lsc("SEP00AABBCCDDEE", "SEP001122334455");
	X509 *certs[4];
	size_t i, j;

	(void)state;
	certs[0] = l->lsc_a;
	certs[1] = l->mic;
	certs[2] = fx.mic_cp;
	certs[3] = two;
	for (i = 0; i < 4; i++) {
		struct rcert rc;
		ptrust_chain *ch = test_chain(&certs[i], 1);

		rcert_of(&rc, certs[i]);
		for (j = 0; j < sizeof(devices) / sizeof(devices[0]); j++) {
			int want = ptrust_chain_names_device(ch, devices[j]);
			ptrust_result *r;

			assert_true(want == 0 || want == 1);
			if (certs[i] == two)
				want = 0;
			r = decide(std_store, &rc.c, devices[j], TEST_NOW);
			if (ptrust_result_trusted(r) != want)
				fail_msg("%s, device %s: %s, but "
				    "ptrust_chain_names_device() says %d",
				    rc.subject, devices[j],
				    ptrust_result_trusted(r) ? "trusted" :
				    "refused", want);
			if (!want && !test_has_reason(r,
			    PTRUST_REASON_IDENTITY_MISMATCH, -2))
				fail_msg("%s, device %s: no identity-mismatch",
				    rc.subject, devices[j]);
			ptrust_result_free(r);
		}
		ptrust_chain_free(ch);
	}
	X509_free(two);
}

/*
 * The verdict on lsc_with_subject(attrs): refused for device (with
 * identity-mismatch, saying why when why is given), as the verify hook's
 * route refuses it.
 */
static void
expect_names_no_device(const struct attr *attrs, size_t n, const char *device,
    const char *why, const char *what)
{
	X509 *x = lsc_with_subject(attrs, n);
	ptrust_chain *ch = test_chain(&x, 1);
	struct rcert rc;
	ptrust_result *r;
	size_t i;
	int said = why == NULL;

	rcert_of(&rc, x);
	r = decide(std_store, &rc.c, device, TEST_NOW);
	if (ptrust_result_trusted(r))
		fail_msg("%s: trusted as %s (subject \"%s\", Common-Name "
		    "\"%s\")", what, device, rc.c.subject != NULL ?
		    rc.c.subject : "(none)", rc.c.common_name != NULL ?
		    rc.c.common_name : "(none)");
	if (!test_has_reason(r, PTRUST_REASON_IDENTITY_MISMATCH, -2))
		fail_msg("%s: no identity-mismatch", what);
	for (i = 0; i < ptrust_result_reason_count(r); i++)
		if (why != NULL && strstr(ptrust_result_reason_message(r, i),
		    why) != NULL)
			said = 1;
	if (!said)
		fail_msg("%s: no reason says \"%s\"", what, why);
	ptrust_result_free(r);
	/* the route that reads the certificate itself agrees */
	assert_int_equal(ptrust_chain_names_device(ch, device), 0);
	ptrust_chain_free(ch);
	X509_free(x);
}

static void
expect_names_device(const struct attr *attrs, size_t n, const char *device,
    const char *what)
{
	X509 *x = lsc_with_subject(attrs, n);
	ptrust_chain *ch = test_chain(&x, 1);
	struct rcert rc;
	ptrust_result *r;

	rcert_of(&rc, x);
	r = decide(std_store, &rc.c, device, TEST_NOW);
	if (!ptrust_result_trusted(r))
		fail_msg("%s: refused (subject \"%s\")", what,
		    rc.c.subject != NULL ? rc.c.subject : "(none)");
	ptrust_result_free(r);
	assert_int_equal(ptrust_chain_names_device(ch, device), 1);
	ptrust_chain_free(ch);
	X509_free(x);
}

#define NAMES_NO_DEVICE(why, ...) do {					\
	const struct attr a_[] = { __VA_ARGS__ };			\
									\
	expect_names_no_device(a_, sizeof(a_) / sizeof(a_[0]),		\
	    "SEP001122334455", why, #__VA_ARGS__);			\
} while (0)

/*
 * A value holding "/CN=..." (an OU or CN an outside CA copied from the
 * request) cannot be told from a CN of its own in the server's one-line
 * subject: such a subject names no device.  FreeRADIUS also unescapes the
 * text ("\057" becomes '/', a final backslash loses the whole attribute),
 * so a slash need not even be in the certificate.
 */
static void
decide_subject_value_hiding_a_cn_names_no_device(void **state)
{
	(void)state;
	NAMES_NO_DEVICE("names no device",
	    { "CN", "SEPAAAAAAAAAAAA", -1 },
	    { "OU", "x/CN=SEP001122334455", -1 });
	NAMES_NO_DEVICE("names no device",
	    { "OU", "x/CN=SEP001122334455", -1 });
	NAMES_NO_DEVICE("names no device",
	    { "CN", "SEPAAAAAAAAAAAA/CN=SEP001122334455", -1 });
	NAMES_NO_DEVICE("names no device",
	    { "CN", "SEPAAAAAAAAAAAA", -1 },
	    { "OU", "x+CN=SEP001122334455", -1 });
	NAMES_NO_DEVICE("names no device",
	    { "CN", "SEPAAAAAAAAAAAA", -1 },
	    { "OU", "x\\057CN=SEP001122334455", -1 });
	NAMES_NO_DEVICE("names no device",
	    { "OU", "x\\057CN=SEP001122334455", -1 });
	/* "attacker\" ends the line: FreeRADIUS gives no subject at all */
	NAMES_NO_DEVICE("names no device",
	    { "O", "Example Corp", -1 },
	    { "CN", "SEP001122334455", -1 },
	    { "CN", "attacker\\", -1 });
}

/*
 * Two CNs: a later one could be an earlier value's text (above), so the
 * last cannot be known and the subject names no device, whatever
 * ptrust_chain_names_device() says of the certificate itself.
 */
static void
decide_subject_with_several_cns_names_no_device(void **state)
{
	X509 *two[2];
	size_t i;

	(void)state;
	two[0] = two_cn_lsc("SEP00AABBCCDDEE", "SEP001122334455");
	two[1] = two_cn_lsc("SEP001122334455", "SEP001122334455");
	for (i = 0; i < 2; i++) {
		struct rcert rc;
		ptrust_result *r;

		rcert_of(&rc, two[i]);
		r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
		assert_false(ptrust_result_trusted(r));
		assert_true(test_has_reason(r,
		    PTRUST_REASON_IDENTITY_MISMATCH, 0));
		assert_non_null(strstr(ptrust_result_reason_message(r, 0),
		    "names no device"));
		ptrust_result_free(r);
		X509_free(two[i]);
	}
}

/* What phones' subjects hold is still read: one CN, plain values. */
static void
decide_plain_subjects_name_the_device(void **state)
{
	const struct attr plain[] = {
		{ "O", "Cisco Systems Inc.", -1 },
		{ "OU", "Voice, Data = Phones", -1 },
		{ "CN", "SEP001122334455", -1 },
	};
	const struct attr utf8[] = {
		{ "CN", "SEP001122334455", -1 },
		{ "O", "Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale", -1 },
		{ "L", "DOMAIN\\phones", -1 },
	};
	const struct attr cp[] = {
		{ "C", "US", -1 },
		{ "CN", "CP-8865-SEP001122334455", -1 },
		{ "serialNumber", "PID:CP-8865-K9 SN:FCH1234ABCD", -1 },
	};

	(void)state;
	expect_names_device(plain, 3, "SEP001122334455", "plain");
	expect_names_device(utf8, 3, "SEP001122334455", "UTF-8 and \\");
	expect_names_device(cp, 3, "SEP001122334455", "CP- prefix");
}

/*
 * A NUL or another control character inside the CN names no device: not
 * the name before the NUL, not a "CP-<model>-" prefix holding a newline
 * or a C1 control.
 */
static void
decide_control_characters_in_cn_name_no_device(void **state)
{
	(void)state;
	NAMES_NO_DEVICE(NULL,
	    { "CN", "SEP001122334455\0.attacker.example", 33 });
	NAMES_NO_DEVICE(NULL,
	    { "CN", "CP-8865\n-SEP001122334455", -1 });
	NAMES_NO_DEVICE(NULL,
	    { "CN", "CP-8865\x7f-SEP001122334455", -1 });
	NAMES_NO_DEVICE(NULL,
	    { "CN", "CP-\xc2\x85-SEP001122334455", -1 });
	NAMES_NO_DEVICE(NULL,
	    { "CN", "CP-8865\x1b[2J-SEP001122334455", -1 });
}

/* Valid through the notAfter second (RFC 5280), expired one second later. */
static void
decide_expired(void **state)
{
	struct rcert lsc, mic;
	ptrust_result *r;

	(void)state;
	rcert_of(&lsc, fx.lsc_soon);
	rcert_of(&mic, fx.mic_soon);
	r = decide(std_store, &lsc.c, "SEP001122334455", SOON);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	r = decide(std_store, &lsc.c, "SEP001122334455", SOON + 1);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, -2));
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_LSC_EXPIRED);
	assert_non_null(ptrust_result_fix(r));
	ptrust_result_free(r);
	r = decide(std_store, &mic.c, "SEP001122334455", SOON);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	r = decide(std_store, &mic.c, "SEP001122334455", SOON + 1);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, -2));
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_MIC_EXPIRED);
	ptrust_result_free(r);
	/* at 0 is now (November 2026 or later): long expired */
	r = decide(std_store, &lsc.c, "SEP001122334455", 0);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, -2));
	ptrust_result_free(r);
	/* the diagnosis follows the purpose, as verify_phone's does */
	r = decide_p(std_store, &lsc.c, "SEP001122334455", PTRUST_CLUSTER_CAPF,
	    SOON + 1);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_INVALID_LSC);
	ptrust_result_free(r);
	/* RFC 5280 years: 49 is 2049, 50 is 1950 */
	lsc.c.expiration = "491231235959Z";
	r = decide(std_store, &lsc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	lsc.c.expiration = "500101000000Z";
	r = decide(std_store, &lsc.c, "SEP001122334455", TEST_NOW);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, -2));
	ptrust_result_free(r);
}

/*
 * A certificate valid past 2049 carries a GeneralizedTime, and FreeRADIUS
 * prints it as it is, YYYYMMDDhhmmssZ: MICs under the ACT2 SUDI CA last
 * until 2099.  (The header names only the UTCTime form.)
 */
static void
decide_generalized_time_expiration(void **state)
{
	struct rcert rc;
	ptrust_result *r;

	(void)state;
	rcert_of(&rc, fx.mic_2099);
	assert_string_equal(rc.exp, "20990809205010Z");
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	r = decide(std_store, &rc.c, "SEP001122334455", LATE);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	r = decide(std_store, &rc.c, "SEP001122334455", LATE + 1);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, -2));
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_MIC_EXPIRED);
	ptrust_result_free(r);
}

/* A malformed expiration is never read as a valid one. */
static void
decide_malformed_expiration(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "2601011200Z", "260101120000",
		"261301000000Z", "260132000000Z", "260100000000Z",
		"260101250000Z", "260101126000Z", "260101120099Z",
		"26010112000aZ", "-60101120000Z", "+60101120000Z",
		" 60101120000Z", "361231235959Z trailing", "361231235959ZZ",
		"361231235959+0000", "3612312359Z",
		"Dec 31 23:59:59 2036 GMT", "991231235959\n",
	};
	const struct lab *l = test_lab();
	struct rcert rc;
	char accepted[1024] = "";
	size_t i;

	(void)state;
	rcert_of(&rc, l->lsc_a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ptrust_result *r = NULL;
		ptrust_status st;

		rc.c.expiration = bad[i];
		st = ptrust_radius_decide(std_store, &rc.c, "SEP001122334455",
		    P8021X, TEST_NOW, &r);
		if (st == PTRUST_OK)
			check_shape(r);
		/* all of them, then fail once, naming each one trusted */
		if (ptrust_result_trusted(r)) {
			strncat(accepted, " \"", sizeof(accepted) -
			    strlen(accepted) - 1);
			strncat(accepted, bad[i], sizeof(accepted) -
			    strlen(accepted) - 1);
			strncat(accepted, "\"", sizeof(accepted) -
			    strlen(accepted) - 1);
		}
		ptrust_result_free(r);
	}
	if (accepted[0] != '\0')
		fail_msg("malformed expirations trusted:%s", accepted);
	/* no expiration given: no crash (the header does not say which) */
	{
		ptrust_result *r = NULL;
		ptrust_status st;

		rc.c.expiration = NULL;
		st = ptrust_radius_decide(std_store, &rc.c, "SEP001122334455",
		    P8021X, TEST_NOW, &r);
		print_message("expiration NULL: %s, %s\n",
		    ptrust_status_name(st), ptrust_result_trusted(r) ?
		    "trusted" : "not trusted");
		ptrust_result_free(r);
	}
}

/* Every field missing, every field empty: no crash, never trusted. */
static void
decide_empty_fields(void **state)
{
	ptrust_radius_cert c;

	(void)state;
	memset(&c, 0, sizeof(c));
	expect_refused(std_store, &c, "SEP001122334455", TEST_NOW, "all NULL");
	expect_refused(std_store, &c, NULL, TEST_NOW, "all NULL, no device");
	c.subject = c.issuer = c.common_name = c.authority_key_id =
	    c.expiration = "";
	expect_refused(std_store, &c, "SEP001122334455", TEST_NOW,
	    "all empty");
	expect_refused(std_store, &c, NULL, TEST_NOW, "all empty, no device");
}

/* ------------------------------------------------------------ explain */

static int
mentions(const ptrust_result *r, const char *word)
{
	const char *fix = ptrust_result_fix(r);
	size_t i;

	if (fix != NULL && strcasestr(fix, word) != NULL)
		return 1;
	for (i = 0; i < ptrust_result_reason_count(r); i++)
		if (ptrust_result_reason_message(r, i) != NULL &&
		    strcasestr(ptrust_result_reason_message(r, i), word) != NULL)
			return 1;
	return 0;
}

/* An issuer named CAPF-... in no store: another cluster's LSC, a guess. */
static void
explain_capf_of_another_cluster(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_result *r;
	char *line;

	(void)state;
	rcert_of(&rc, l->lsc_b);
	assert_non_null(strstr(rc.issuer, "CN=CAPF-0badcafe"));
	r = explain(std_store, &rc.c, "SEP00AABBCCDDEE", TEST_NOW);
	assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, -2));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	assert_non_null(ptrust_result_fix(r));
	assert_true(mentions(r, "CAPF-0badcafe"));
	/* said to be judged from the name */
	assert_true(mentions(r, "name"));
	/* a guess from a name is no kind: the kind comes from an anchor */
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_result_anchor(r));
	line = line_of(r);
	assert_true(strncmp(line, "REFUSED ", 8) == 0);
	assert_non_null(strstr(line, "(lsc-from-other-cluster)"));
	free(line);
	ptrust_result_free(r);
	/* the same without an identifier, the name alone */
	rc.c.authority_key_id = NULL;
	r = explain(std_store, &rc.c, NULL, TEST_NOW);
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	ptrust_result_free(r);
}

/* An unknown issuer not named CAPF-...: unknown-ca, no guess. */
static void
explain_unknown_ca(void **state)
{
	struct rcert rc;
	ptrust_result *r;

	(void)state;
	rcert_of(&rc, fx.other_leaf);
	r = explain(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, -2));
	assert_int_not_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	assert_non_null(ptrust_result_fix(r));
	ptrust_result_free(r);
}

static void
explain_expired(void **state)
{
	struct rcert rc;
	ptrust_result *r;

	(void)state;
	rcert_of(&rc, fx.lsc_soon);
	r = explain(std_store, &rc.c, "SEP001122334455", SOON + 1);
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, -2));
	assert_false(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, -2));
	ptrust_result_free(r);
	rcert_of(&rc, fx.mic_soon);
	r = explain(std_store, &rc.c, "SEP001122334455", 0);
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, -2));
	ptrust_result_free(r);
	/* not yet expired: not the reason */
	r = explain(std_store, &rc.c, "SEP001122334455", SOON);
	assert_false(test_has_reason(r, PTRUST_REASON_EXPIRED, -2));
	ptrust_result_free(r);
}

/* Even what decide trusts is never trusted by explain. */
static void
explain_never_trusted(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_radius_cert empty;
	ptrust_result *r;
	char *line;

	(void)state;
	rcert_of(&rc, l->lsc_a);
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	r = explain(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	line = line_of(r);
	assert_true(strncmp(line, "REFUSED ", 8) == 0);
	free(line);
	ptrust_result_free(r);
	rcert_of(&rc, l->mic);
	ptrust_result_free(explain(std_store, &rc.c, NULL, TEST_NOW));
	memset(&empty, 0, sizeof(empty));
	ptrust_result_free(explain(std_store, &empty, NULL, TEST_NOW));
	empty.issuer = "/CN=CAPF-";
	ptrust_result_free(explain(std_store, &empty, NULL, TEST_NOW));
}

/* ------------------------------------------------------------ log line */

static void
log_line_trusted_and_refused(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_result *r;
	const char *p, *fix;
	char *line, name[64];

	(void)state;
	rcert_of(&rc, l->lsc_a);
	r = decide(std_store, &rc.c, "SEP001122334455", TEST_NOW);
	line = line_of(r);
	assert_true(strncmp(line, "TRUSTED LSC SEP001122334455 via ", 32) == 0);
	assert_null(strchr(line, '\n'));
	free(line);
	ptrust_result_free(r);
	/* refused: "REFUSED KIND DEVICE (DIAGNOSIS): REASONS; fix: FIX" */
	rcert_of(&rc, l->lsc_b);
	r = decide(std_store, &rc.c, "SEP00AABBCCDDEE", TEST_NOW);
	line = line_of(r);
	assert_true(strncmp(line, "REFUSED ", 8) == 0);
	snprintf(name, sizeof(name), "(%s): ",
	    ptrust_diagnosis_name(ptrust_result_diagnosis(r)));
	assert_non_null(strstr(line, name));
	assert_non_null(p = strstr(line, "; fix: "));
	assert_true(p > strstr(line, name));
	fix = ptrust_result_fix(r);
	assert_non_null(fix);
	assert_string_equal(p + 7, fix);
	no_control_characters(line);
	free(line);
	ptrust_result_free(r);
	/* an identity mismatch */
	rcert_of(&rc, l->mic);
	r = decide(std_store, &rc.c, "SEP00AABBCCDDEE", TEST_NOW);
	line = line_of(r);
	assert_true(strncmp(line, "REFUSED ", 8) == 0);
	assert_non_null(strstr(line, "(identity-mismatch)"));
	assert_non_null(strstr(line, "fix:"));
	free(line);
	ptrust_result_free(r);
}

/* What a phone puts in its certificate never breaks the log's lines. */
static void
log_line_control_characters(void **state)
{
	static const char *const evil[] = {
		"SEP001122334455\nREFUSED MIC SEP001122334455 (none)",
		"SEP001122334455\r\nTRUSTED MIC x via y/z",
		"SEP001122334455\rX",
		"SEP001122334455\x1b[2J\x1b[H",
		"SEP001122334455\t\v\f\b\a\x7f",
		"SEP001122334455\xc2\x9b" "2J",	/* C1 CSI */
		"SEP001122334455\xe2\x80\xae" "gnp.exe",	/* U+202E */
	};
	const struct lab *l = test_lab();
	struct rcert rc;
	char subject[1100], issuer[1100];
	ptrust_result *r;
	char *line;
	size_t i;
	int lines = 0;

	(void)state;
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		/* trusted, device NULL: the line may show the CN */
		rcert_of(&rc, l->lsc_a);
		snprintf(subject, sizeof(subject), "/O=Example Corp/CN=%s",
		    evil[i]);
		rc.c.subject = subject;
		rc.c.common_name = evil[i];
		r = NULL;
		if (ptrust_radius_decide(std_store, &rc.c, NULL, P8021X,
		    TEST_NOW, &r) == PTRUST_OK) {
			line = line_of(r);
			no_control_characters(line);
			free(line);
			lines++;
		}
		ptrust_result_free(r);
		/* refused, the issuer in the fix */
		rcert_of(&rc, l->lsc_b);
		snprintf(issuer, sizeof(issuer), "/O=Other Cluster/CN=%s",
		    evil[i]);
		rc.c.subject = subject;
		rc.c.common_name = evil[i];
		rc.c.issuer = issuer;
		r = NULL;
		if (ptrust_radius_decide(std_store, &rc.c, NULL, P8021X,
		    TEST_NOW, &r) == PTRUST_OK) {
			line = line_of(r);
			no_control_characters(line);
			no_control_characters_in(r);
			free(line);
			lines++;
		}
		ptrust_result_free(r);
		r = NULL;
		if (ptrust_radius_explain(std_store, &rc.c, NULL, P8021X,
		    TEST_NOW, &r) == PTRUST_OK) {
			line = line_of(r);
			no_control_characters(line);
			no_control_characters_in(r);
			free(line);
			lines++;
		}
		ptrust_result_free(r);
		/* and a device with a newline */
		rcert_of(&rc, l->lsc_a);
		r = NULL;
		if (ptrust_radius_decide(std_store, &rc.c, evil[i], P8021X,
		    TEST_NOW, &r) == PTRUST_OK) {
			assert_false(ptrust_result_trusted(r));
			line = line_of(r);
			no_control_characters(line);
			free(line);
			lines++;
		}
		ptrust_result_free(r);
	}
	assert_true(lines > 0);
}

/* As snprintf: the length needed, the line cut to fit and terminated. */
static void
log_line_lengths(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_result *r;
	char *full, small[32];
	int n;
	size_t size;

	(void)state;
	rcert_of(&rc, l->lsc_b);
	r = decide(std_store, &rc.c, "SEP00AABBCCDDEE", TEST_NOW);
	n = ptrust_radius_log_line(r, NULL, 0);
	assert_true(n > 40);
	full = line_of(r);
	assert_int_equal(strlen(full), (size_t)n);
	for (size = 1; size < 24; size++) {
		memset(small, 'X', sizeof(small));
		assert_int_equal(ptrust_radius_log_line(r, small, size), n);
		assert_int_equal(strlen(small), size - 1);
		assert_memory_equal(small, full, size - 1);
		assert_int_equal(small[size], 'X');
	}
	/* size 0 with a buffer: nothing written */
	memset(small, 'X', sizeof(small));
	assert_int_equal(ptrust_radius_log_line(r, small, 0), n);
	assert_int_equal(small[0], 'X');
	/* exactly n: one character short */
	{
		char *cut = malloc((size_t)n + 1);

		assert_non_null(cut);
		cut[n] = 'X';
		assert_int_equal(ptrust_radius_log_line(r, cut, (size_t)n), n);
		assert_int_equal(strlen(cut), (size_t)n - 1);
		assert_memory_equal(cut, full, (size_t)n - 1);
		assert_int_equal(cut[n], 'X');
		free(cut);
	}
	free(full);
	ptrust_result_free(r);
}

/* ------------------------------------------------------------ arguments */

static void
bad_arguments(void **state)
{
	const struct lab *l = test_lab();
	struct rcert rc;
	ptrust_result *r;
	char line[64];

	(void)state;
	rcert_of(&rc, l->lsc_a);
	r = (ptrust_result *)&r;
	assert_int_equal(ptrust_radius_decide(NULL, &rc.c, "SEP001122334455",
	    P8021X, TEST_NOW, &r), PTRUST_ERR_ARG);
	assert_null(r);
	r = (ptrust_result *)&r;
	assert_int_equal(ptrust_radius_decide(std_store, NULL,
	    "SEP001122334455", P8021X, TEST_NOW, &r), PTRUST_ERR_ARG);
	assert_null(r);
	assert_int_equal(ptrust_radius_decide(std_store, &rc.c,
	    "SEP001122334455", P8021X, TEST_NOW, NULL), PTRUST_ERR_ARG);
	r = (ptrust_result *)&r;
	assert_int_equal(ptrust_radius_explain(NULL, &rc.c, "SEP001122334455",
	    P8021X, TEST_NOW, &r), PTRUST_ERR_ARG);
	assert_null(r);
	r = (ptrust_result *)&r;
	assert_int_equal(ptrust_radius_explain(std_store, NULL,
	    "SEP001122334455", P8021X, TEST_NOW, &r), PTRUST_ERR_ARG);
	assert_null(r);
	assert_int_equal(ptrust_radius_explain(std_store, &rc.c,
	    "SEP001122334455", P8021X, TEST_NOW, NULL), PTRUST_ERR_ARG);
	/* a NULL result to log: no crash, and a terminated line if any */
	memset(line, 'X', sizeof(line));
	if (ptrust_radius_log_line(NULL, line, sizeof(line)) >= 0)
		assert_non_null(memchr(line, '\0', sizeof(line)));
}

/* ------------------------------------------------------------ threads */

struct worker {
	const ptrust_store *s;
	const ptrust_radius_cert *good, *bad;
	int failures;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	ptrust_result *r;
	int i;

	for (i = 0; i < 200; i++) {
		r = NULL;
		if (ptrust_radius_decide(w->s, w->good, "SEP001122334455",
		    P8021X, TEST_NOW, &r) != PTRUST_OK ||
		    !ptrust_result_trusted(r))
			w->failures++;
		ptrust_result_free(r);
		r = NULL;
		if (ptrust_radius_decide(w->s, w->bad, "SEP00AABBCCDDEE",
		    P8021X, TEST_NOW, &r) != PTRUST_OK ||
		    ptrust_result_trusted(r))
			w->failures++;
		ptrust_result_free(r);
		r = NULL;
		if (ptrust_radius_explain(w->s, w->bad, NULL, P8021X,
		    TEST_NOW, &r) != PTRUST_OK || ptrust_result_trusted(r))
			w->failures++;
		ptrust_result_free(r);
	}
	return NULL;
}

/* One snapshot shared by threads deciding at once. */
static void
shared_snapshot_threads(void **state)
{
	const struct lab *l = test_lab();
	struct rcert good, bad;
	struct worker w[4];
	pthread_t t[4];
	int i;

	(void)state;
	rcert_of(&good, l->lsc_a);
	rcert_of(&bad, l->lsc_b);
	for (i = 0; i < 4; i++) {
		w[i].s = std_store;
		w[i].good = &good.c;
		w[i].bad = &bad.c;
		w[i].failures = 0;
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
}

/* ------------------------------------------------------------ OOM */

struct oom_case {
	const char	*name;
	int		 explain;
	const ptrust_radius_cert *cert;
	const char	*device;
	time_t		 at;
};

static ptrust_status
run_case(const struct oom_case *k, ptrust_result **r)
{
	if (k->explain)
		return ptrust_radius_explain(std_store, k->cert, k->device,
		    P8021X, k->at, r);
	return ptrust_radius_decide(std_store, k->cert, k->device, P8021X,
	    k->at, r);
}

/* Every allocation failing in turn: an error or the verdict, never else. */
static void
under_oom(void **state)
{
	const struct lab *l = test_lab();
	struct rcert lsc, other, mic, soon;
	struct oom_case cases[6];
	size_t i;

	(void)state;
	rcert_of(&lsc, l->lsc_a);
	rcert_of(&other, l->lsc_b);
	rcert_of(&mic, l->mic);
	rcert_of(&soon, fx.lsc_soon);
	cases[0] = (struct oom_case){ "decide trusted LSC", 0, &lsc.c,
	    "SEP001122334455", TEST_NOW };
	cases[1] = (struct oom_case){ "decide unknown CA", 0, &other.c,
	    "SEP00AABBCCDDEE", TEST_NOW };
	cases[2] = (struct oom_case){ "decide identity mismatch", 0, &mic.c,
	    "SEP00AABBCCDDEE", TEST_NOW };
	cases[3] = (struct oom_case){ "decide expired", 0, &soon.c,
	    "SEP001122334455", SOON + 1 };
	cases[4] = (struct oom_case){ "explain other cluster", 1, &other.c,
	    "SEP00AABBCCDDEE", TEST_NOW };
	cases[5] = (struct oom_case){ "explain expired", 1, &soon.c, NULL,
	    SOON + 1 };
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ptrust_result *ref = NULL, *r;
		ptrust_status st;
		long k, failures = 0;
		char line[512];

		assert_int_equal(run_case(&cases[i], &ref), PTRUST_OK);
		for (k = 1; k < 100000; k++) {
			int reached;

			r = (ptrust_result *)&r;
			test_oom_fail_at(k);
			st = run_case(&cases[i], &r);
			if (st == PTRUST_OK && r != NULL)
				(void)ptrust_radius_log_line(r, line,
				    sizeof(line));
			reached = test_oom_stop();
			if (r == (ptrust_result *)&r)
				fail_msg("%s, allocation %ld: *result not set",
				    cases[i].name, k);
			if (st != PTRUST_OK) {
				if (st != PTRUST_ERR_NOMEM &&
				    st != PTRUST_ERR_INTERNAL)
					fail_msg("%s, allocation %ld: %s",
					    cases[i].name, k,
					    ptrust_status_name(st));
				if (!reached)
					fail_msg("%s: %s with no allocation "
					    "failed", cases[i].name,
					    ptrust_status_name(st));
				assert_false(ptrust_result_trusted(r));
				ptrust_result_free(r);
				failures++;
				continue;
			}
			/* a result is the verdict, complete */
			if (r == NULL)
				fail_msg("%s, allocation %ld: PTRUST_OK, no "
				    "result", cases[i].name, k);
			if (ptrust_result_trusted(r) !=
			    ptrust_result_trusted(ref) ||
			    ptrust_result_diagnosis(r) !=
			    ptrust_result_diagnosis(ref)) {
				(void)ptrust_radius_log_line(r, line,
				    sizeof(line));
				fail_msg("%s, allocation %ld: PTRUST_OK but "
				    "%s/%s, not %s/%s: %s", cases[i].name, k,
				    ptrust_result_trusted(r) ? "trusted" :
				    "refused", ptrust_diagnosis_name(
				    ptrust_result_diagnosis(r)),
				    ptrust_result_trusted(ref) ? "trusted" :
				    "refused", ptrust_diagnosis_name(
				    ptrust_result_diagnosis(ref)), line);
			}
			if (!ptrust_result_trusted(r) &&
			    ptrust_result_fix(r) == NULL)
				fail_msg("%s, allocation %ld: no fix",
				    cases[i].name, k);
			ptrust_result_free(r);
			if (!reached)
				break;	/* the failure was never reached: done */
		}
		print_message("%s: %ld allocations, %ld failures handled\n",
		    cases[i].name, k - 1, failures);
		assert_true(k > 1);
		ptrust_result_free(ref);
	}
}

/* ------------------------------------------------------------ main */

static X509 *
make_leaf(const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
    time_t not_before, time_t not_after)
{
	struct lab_spec s;
	X509 *x;

	memset(&s, 0, sizeof(s));
	s.cn = cn;
	s.o = "Cisco Systems Inc.";
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	s.not_before = not_before;
	s.not_after = not_after;
	assert_non_null(x = lab_issue(&s, fx.key, issuer, issuer_key));
	return x;
}

static int
setup(void **state)
{
	const struct lab *l = test_lab();
	struct anchor std[] = {
		{ l->capf_a, "capf-a", PTRUST_ROLE_CAPF },
		{ l->mfg_ca, "mfg-ca", PTRUST_ROLE_MANUFACTURING },
	};
	struct lab_spec s;

	(void)state;
	fx.key = lab_key_ec("P-256");
	fx.other_key = lab_key_ec("P-256");
	if (fx.key == NULL || fx.other_key == NULL)
		return -1;
	fx.mic_cp = make_leaf("CP-8865-SEP00AABBCC0001", l->mfg_ca, l->mfg_key,
	    0, 0);
	fx.mic_soon = make_leaf("SEP001122334455", l->mfg_ca, l->mfg_key,
	    TEST_NOW - 100 * LAB_DAY, SOON);
	fx.lsc_soon = make_leaf("SEP001122334455", l->capf_a, l->capf_a_key,
	    TEST_NOW - 100 * LAB_DAY, SOON);
	fx.mic_2099 = make_leaf("SEP001122334455", l->mfg_ca, l->mfg_key,
	    TEST_NOW - 100 * LAB_DAY, LATE);
	memset(&s, 0, sizeof(s));
	s.cn = "Lab Other CA";
	s.o = "Elsewhere";
	s.ca = 1;
	s.pathlen = 0;
	fx.other_ca = lab_issue(&s, fx.other_key, NULL, NULL);
	if (fx.other_ca == NULL)
		return -1;
	fx.other_leaf = make_leaf("SEP001122334455", fx.other_ca,
	    fx.other_key, 0, 0);
	std_store = store_of(std, 2);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ptrust_store_unref(std_store);
	X509_free(fx.mic_cp);
	X509_free(fx.mic_soon);
	X509_free(fx.lsc_soon);
	X509_free(fx.mic_2099);
	X509_free(fx.other_ca);
	X509_free(fx.other_leaf);
	EVP_PKEY_free(fx.key);
	EVP_PKEY_free(fx.other_key);
	test_lab_free();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identity_device_forms),
		cmocka_unit_test(identity_device_refusals),
		cmocka_unit_test(identity_device_buffer),
		cmocka_unit_test(decide_trusted_lsc),
		cmocka_unit_test(decide_trusted_mic),
		cmocka_unit_test(decide_ca_is_no_phone),
		cmocka_unit_test(decide_issuer_must_be_an_anchor),
		cmocka_unit_test(decide_unknown_ca),
		cmocka_unit_test(decide_aki_and_issuer_both_match),
		cmocka_unit_test(decide_aki_garbage),
		cmocka_unit_test(decide_aki_printed_forms),
		cmocka_unit_test(decide_kind_is_the_role),
		cmocka_unit_test(decide_identity_mismatch),
		cmocka_unit_test(decide_identity_as_chain_names_device),
		cmocka_unit_test(
		    decide_subject_value_hiding_a_cn_names_no_device),
		cmocka_unit_test(
		    decide_subject_with_several_cns_names_no_device),
		cmocka_unit_test(decide_plain_subjects_name_the_device),
		cmocka_unit_test(
		    decide_control_characters_in_cn_name_no_device),
		cmocka_unit_test(decide_expired),
		cmocka_unit_test(decide_generalized_time_expiration),
		cmocka_unit_test(decide_malformed_expiration),
		cmocka_unit_test(decide_empty_fields),
		cmocka_unit_test(explain_capf_of_another_cluster),
		cmocka_unit_test(explain_unknown_ca),
		cmocka_unit_test(explain_expired),
		cmocka_unit_test(explain_never_trusted),
		cmocka_unit_test(log_line_trusted_and_refused),
		cmocka_unit_test(log_line_control_characters),
		cmocka_unit_test(log_line_lengths),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(shared_snapshot_threads),
		cmocka_unit_test(under_oom),
	};

	/* before any allocation, so that every one goes through the hook */
	if (!test_oom_hook()) {
		fprintf(stderr, "cannot hook OpenSSL's allocator\n");
		return 1;
	}
	/* a zone east of UTC: an expiration read as local time is caught */
	setenv("TZ", "ABC-3", 1);
	tzset();
	return cmocka_run_group_tests(tests, setup, teardown);
}
