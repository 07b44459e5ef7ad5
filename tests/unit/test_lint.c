/*
 * Store hygiene: every finding from a certificate crafted to cause it, the
 * edges of each rule, the order of the findings, the findings Cisco's own
 * built-in CAs produce, bad arguments, and out-of-memory at every
 * allocation.  Times are fixed (LAB_T0), never the clock.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include <phonetrust-cluster.h>

#include "testutil.h"

#define CM	"callmanager-trust"
#define CAPF	"capf-trust"
#define MFG	"manufacturing-ca"

/* Cisco Root CA 2048, Cisco Manufacturing CA, ACT2 SUDI CA: notAfter. */
#define CISCO_2029	((time_t)1873484742)	/* 2029-05-14T20:25:42Z */

/* Public keys only: the certificates are signed by a lab CA, and
 * generating RSA keys this large would take minutes under valgrind. */
static const char rsa8192_pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIEIjANBgkqhkiG9w0BAQEFAAOCBA8AMIIECgKCBAEAzz+j6nFOYNm+RtQNf1/3\n"
    "7PZCwbQZNadefEb51j09iddkLhBj+OI+e1AUdZkl9Gc+97rME2gTpjQUaoSk8UZT\n"
    "syH21Pq4207pmhBigS73lDFammSxL730/buiqBok5rU5Z9VHxS4fuxEgZivRHXff\n"
    "WH/+4EiBAWXZ3Xr5xLAa0fR9hZdj5bAIIbaOr1+KWpI0rQ/MDUhmB2oh0itTG9cE\n"
    "jBerfaBbFCYOc1Fvz0j874ndI0vV+uN83j5rljPNst0KBqzxzuikgacBO2n0bVHa\n"
    "xjK2JcGEHlvapoM89hlc4gSQY7EWLk6DrY/dWVbFhGGd455H+80GwwqZ3FkmGndX\n"
    "P6i8sd5xcG3U4rQXmx4u5jJvtmEmugO1Jf6BIiA52tE9ZRu8uFLTYXvz7m44RFMI\n"
    "GD8TwrB+YJes5chHbofaeh+ul20z9alqhmkNtVKaGbp5SzQMNQMqC8qU/l3kbhDi\n"
    "B+d2p2kk0Uf4YZkGljujDVD6ewhcpIOuaFbm4xM7HbL67f3xD3LnRwabWvFRQo5b\n"
    "wuK3jjn6ErpZEZEvbSccrH+Zv9JPEZZf+Eq/GOO31vTGMP/onP/mrTpAjGJbu8SP\n"
    "NvffDL64xLy5AqoXG8zByquKL+qgJ0jqE29kQAcnPWvHmig2IBZ9b8lW8j4WVs/l\n"
    "PgvJL3wtRbRf92UmJGq69yt6PJxmzE+9m4dChgwt0oIfiWzzfPsSWIzvtpP5DTak\n"
    "Ahiknvp6pTE1SkG2SyGPdPvEMU+RgXP2O0dgwLrWiZ+RbvJkBt+YS57iDxVkA6yD\n"
    "7Tpuhn3VFy45fXCR2RT2fmjTkXDadetK66W5hUInvyVJrQvBaw7m//isNM3cjsJW\n"
    "jJAluVi75kAv2zh6ZtTJ6XIQ6bRHqReWyyO0pM3I16YvSwR0PUGSJP16urFQPRel\n"
    "UP5QiK3BQwS0FhLQ6r0MzCzHQst10m9XjvsbR07lIH0NNdR2cV8voKpvKVeNSsjf\n"
    "uyq2gxFcmMRVLv2Lf7MFwwEDDJw8ep1fLsEUTEyLmwOp4X0RrwbYbsG2+zK4Qw8S\n"
    "qqRcSUL32U2Yq06fHIIxcrA6YLn74fnB/C8PLkLsOpuLU9xz1pJYJ3cuws700yRM\n"
    "sXhbU6c9s9Rom55zWHdOowj+HTh+fUGGnZqE0HtYKaqb02Yn7MCiQ/IwK01Zg90J\n"
    "f3LjEAok9pw1awFkgBdD3SH9jFgIQxF2EYTcOGTmximcq8xD+uqKNBm/bWPLhEVk\n"
    "MFp22pHAgBgiWexJ0tMN3Sodp0hl2XUDfa0zOLovFno67wzIZUpsa47bk6/bYK9E\n"
    "BdfTBugugxeofLgKKbFvNmsh8Nohg3WyZ7fGu+Koqg+dXu4uyGP99gReixGoi/Y4\n"
    "rQIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

static const char rsa4096_pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAs0pZMZilDoI95+XyCmYs\n"
    "WGT8iMgj/BavvZ78mzIYdtM5i55Fv+yfnSd+dIPE3Syetm1w9WOtlOwpVAsY4O0r\n"
    "EGpjn0FEQHZ+wg9DErOlZEC1gGXks4zwH5j5LHIZONwKtf6BhNx3kmP6JySJxbM5\n"
    "9UdlChX3WFDPl7rq/2t03GIXEt1Q2d+kEQWL+6UVjSfcDHr7uiS7LbalLLTyvkLe\n"
    "RtOe+KfWdsngl+MTCrub+gJtnPpxRaFjafZHJZ4yVCyZvfxP/RiSqQ71icJ35lr8\n"
    "e0N2z6m9/I3bT0AB+LC1U/7wduFO8iIZEEXb4F/q6WIYjb8LPVaFhB2wFW+Jdihx\n"
    "buPblI4KzniOQIr1uZTk/+xTSNilpQjyewZt82eTqGwXahNzZUkhD+7QwYngH/v9\n"
    "y/8p7Gklkeb6+DJDeToU5ZW6t62btGGPSiQA2mV1TErZK4UyHSLCbORNq93Jly9e\n"
    "tT7rCTVOOz1cssJcJulmX2K4Hen/F/GOCzhC3apCVH9DtTqECTc2gdFSoOClyARQ\n"
    "lZmUz6TBuL4YbyHkIV/oaYmh+qYAHJgqukbDnBnX5Wx1ygKxqiY1xXbslvFx/1bC\n"
    "tSY2AVjuuWZH444E/VRB6zSovZH7GHfb04zWSHl4BiuDBGJRp4Sby5cD5b5sZhHh\n"
    "d9DCo8mJVC+oPamxJGQ/AX8CAwEAAQ==\n"
    "-----END PUBLIC KEY-----\n";

/* Keys shared by every test, made once. */
static EVP_PKEY *ec_key, *ec_key2, *rsa1024_key;

/* ------------------------------------------------------------ helpers */

static void
spec_init(struct lab_spec *s, const char *cn)
{
	memset(s, 0, sizeof(*s));
	s->cn = cn;
	s->pathlen = -1;
}

/* A CAPF certificate as CUCM 14SU2 makes it, to be varied by the caller. */
static void
spec_capf(struct lab_spec *s, const char *cn)
{
	spec_init(s, cn);
	s->o = "Example Corp";
	s->l = "Lisboa";
	s->st = "Lisboa";
	s->ca = 1;
	s->pathlen = 0;
	s->key_usage = "critical,digitalSignature,keyCertSign";
}

/* A CA, self-signed with key unless an issuer is given. */
static X509 *
make_ca(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
	struct lab_spec s;

	spec_init(&s, cn);
	s.o = "Example Corp";
	s.ca = 1;
	return lab_issue(&s, key, issuer, issuer_key);
}

/*
 * A cluster holding nothing: manufacturing-ca emptied and not trusted,
 * so that only what a test adds can produce findings.
 */
static ptrust_cluster *
cluster_bare(void)
{
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_builder *mfg;

	assert_non_null(c);
	mfg = ptrust_cluster_store(c, MFG, 0);
	assert_non_null(mfg);
	while (ptrust_builder_anchor_count(mfg) > 0)
		assert_int_equal(ptrust_builder_remove(mfg, ptrust_anchor_alias(
		    ptrust_builder_anchor(mfg, 0))), PTRUST_OK);
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 0),
	    PTRUST_OK);
	return c;
}

static void
put(ptrust_cluster *c, const char *store, X509 *x, const char *alias,
    ptrust_role role)
{
	ptrust_builder *b = ptrust_cluster_store(c, store, 1);

	assert_non_null(b);
	assert_int_equal(ptrust_builder_add_x509(b, x, alias, role),
	    PTRUST_OK);
}

/* Adds x to store and frees the caller's reference. */
static void
put_free(ptrust_cluster *c, const char *store, X509 *x, const char *alias,
    ptrust_role role)
{
	put(c, store, x, alias, role);
	X509_free(x);
}

/* A look-alike of a Cisco CA, which the builder takes only when told to. */
static void
put_lookalike(ptrust_cluster *c, const char *store, X509 *x,
    const char *alias, ptrust_role role)
{
	ptrust_builder *b = ptrust_cluster_store(c, store, 1);

	assert_non_null(b);
	assert_int_equal(ptrust_builder_add_x509(b, x, alias, role),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_set_replace_cisco_ca(b, 1), PTRUST_OK);
	put(c, store, x, alias, role);
	assert_int_equal(ptrust_builder_set_replace_cisco_ca(b, 0), PTRUST_OK);
	X509_free(x);
}

static ptrust_lint *
lint(ptrust_cluster *c, time_t now, int days)
{
	ptrust_lint *l = NULL;

	assert_int_equal(ptrust_cluster_lint(c, now, days, &l), PTRUST_OK);
	assert_non_null(l);
	return l;
}

static void
dump(const ptrust_lint *l)
{
	size_t i;

	for (i = 0; i < ptrust_lint_count(l); i++)
		print_message("  [%zu] %s %s %s/%s: %s\n", i,
		    ptrust_severity_name(ptrust_lint_finding_severity(l, i)),
		    ptrust_lint_code_name(ptrust_lint_finding_code(l, i)),
		    ptrust_lint_finding_store(l, i),
		    ptrust_lint_finding_alias(l, i) != NULL ?
		    ptrust_lint_finding_alias(l, i) : "(cluster)",
		    ptrust_lint_finding_message(l, i));
}

/* Finding i is exactly this; every substring of want is in its message. */
static void
expect(const ptrust_lint *l, size_t i, ptrust_lint_code code,
    ptrust_severity sev, const char *store, const char *alias,
    const char *const *want)
{
	const char *msg;

	if (i >= ptrust_lint_count(l) ||
	    ptrust_lint_finding_code(l, i) != code) {
		print_message("finding %zu: expected %s; all findings:\n", i,
		    ptrust_lint_code_name(code));
		dump(l);
	}
	assert_true(i < ptrust_lint_count(l));
	assert_int_equal(ptrust_lint_finding_code(l, i), code);
	assert_int_equal(ptrust_lint_finding_severity(l, i), sev);
	assert_string_equal(ptrust_lint_finding_store(l, i), store);
	if (alias == NULL)
		assert_null(ptrust_lint_finding_alias(l, i));
	else
		assert_string_equal(ptrust_lint_finding_alias(l, i), alias);
	msg = ptrust_lint_finding_message(l, i);
	assert_non_null(msg);
	for (; want != NULL && *want != NULL; want++) {
		if (strstr(msg, *want) == NULL)
			print_message("message of finding %zu lacks \"%s\": "
			    "%s\n", i, *want, msg);
		assert_non_null(strstr(msg, *want));
	}
}

static void
expect_count(const ptrust_lint *l, size_t n)
{
	if (ptrust_lint_count(l) != n) {
		print_message("expected %zu findings, got:\n", n);
		dump(l);
	}
	assert_int_equal(ptrust_lint_count(l), n);
}

static size_t
count_code(const ptrust_lint *l, ptrust_lint_code code)
{
	size_t i, n = 0;

	for (i = 0; i < ptrust_lint_count(l); i++)
		if (ptrust_lint_finding_code(l, i) == code)
			n++;
	return n;
}

#define W(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* ------------------------------------------------------------ names */

static void
names(void **state)
{
	static const char *const want[] = { NULL, "capf-profile", "expired",
	    "expiring", "duplicate-subject", "sha1-signed", "rsa-too-large",
	    "rsa-too-small", "not-a-ca", "manufacturing-trusted",
	    "cisco-lookalike", "invalid-time-encoding" };
	int i;

	(void)state;
	for (i = 1; i <= PTRUST_LINT_INVALID_TIME_ENCODING; i++)
		assert_string_equal(ptrust_lint_code_name(i), want[i]);
	assert_int_equal(PTRUST_LINT_MANUFACTURING_TRUSTED, 9);
	assert_int_equal(PTRUST_LINT_CISCO_LOOKALIKE, 10);
	assert_int_equal(PTRUST_LINT_INVALID_TIME_ENCODING, 11);
	assert_null(ptrust_lint_code_name(0));
	assert_null(ptrust_lint_code_name(12));
	assert_null(ptrust_lint_code_name((ptrust_lint_code)-1));
	assert_string_equal(ptrust_severity_name(PTRUST_SEVERITY_INFO), "info");
	assert_string_equal(ptrust_severity_name(PTRUST_SEVERITY_WARNING),
	    "warning");
	assert_string_equal(ptrust_severity_name(PTRUST_SEVERITY_ERROR),
	    "error");
	assert_null(ptrust_severity_name((ptrust_severity)3));
	assert_null(ptrust_severity_name((ptrust_severity)-1));
}

/* ------------------------------------------------------------ arguments */

static void
bad_arguments(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_lint *l = (ptrust_lint *)&l;	/* not NULL: must be reset */

	(void)state;
	assert_non_null(c);
	assert_int_equal(ptrust_cluster_lint(NULL, LAB_T0, 30, &l),
	    PTRUST_ERR_ARG);
	assert_null(l);
	assert_int_equal(ptrust_cluster_lint(c, LAB_T0, 30, NULL),
	    PTRUST_ERR_ARG);
	l = (ptrust_lint *)&l;
	assert_int_equal(ptrust_cluster_lint(c, LAB_T0, -1, &l),
	    PTRUST_ERR_ARG);
	assert_null(l);
	assert_int_equal(ptrust_cluster_lint(c, LAB_T0, -2147483647 - 1, &l),
	    PTRUST_ERR_ARG);
	assert_null(l);
	assert_int_equal(ptrust_cluster_lint(NULL, LAB_T0, -1, NULL),
	    PTRUST_ERR_ARG);

	/* the accessors on nothing */
	ptrust_lint_free(NULL);
	assert_int_equal(ptrust_lint_count(NULL), 0);
	assert_int_equal(ptrust_lint_finding_code(NULL, 0), 0);
	assert_int_equal(ptrust_lint_finding_severity(NULL, 0),
	    (ptrust_severity)-1);
	assert_null(ptrust_severity_name(ptrust_lint_finding_severity(NULL,
	    0)));
	assert_null(ptrust_lint_finding_store(NULL, 0));
	assert_null(ptrust_lint_finding_alias(NULL, 0));
	assert_null(ptrust_lint_finding_message(NULL, 0));

	/* and past the end */
	l = lint(c, LAB_T0, 30);
	assert_true(ptrust_lint_count(l) > 0);
	assert_int_equal(ptrust_lint_finding_code(l, ptrust_lint_count(l)), 0);
	assert_int_equal(ptrust_lint_finding_severity(l, ptrust_lint_count(l)),
	    (ptrust_severity)-1);
	assert_null(ptrust_lint_finding_store(l, ptrust_lint_count(l)));
	assert_null(ptrust_lint_finding_alias(l, (size_t)-1));
	assert_null(ptrust_lint_finding_message(l, ptrust_lint_count(l)));
	ptrust_lint_free(l);

	/* the largest days and extreme times neither overflow nor fail */
	l = lint(c, LAB_T0, 2147483647);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRING), 8);
	ptrust_lint_free(l);
	l = lint(c, (time_t)INT64_MAX, 2147483647);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRED), 8);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRING), 0);
	ptrust_lint_free(l);
	l = lint(c, (time_t)INT64_MIN, 2147483647);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRED), 0);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRING), 0);
	ptrust_lint_free(l);

	/* the lint leaves the cluster's error message alone */
	assert_string_equal(ptrust_cluster_error(c), "");
	ptrust_cluster_free(c);
}

static void
empty_cluster_is_clean(void **state)
{
	ptrust_cluster *c = cluster_bare();
	ptrust_lint *l;

	(void)state;
	l = lint(c, LAB_T0, 36500);
	expect_count(l, 0);
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ Cisco's CAs */

/*
 * A new cluster holds nothing but Cisco's public CAs in manufacturing-ca,
 * and they are not clean: three are SHA-1 and die on 2029-05-14, and the
 * two ECC ones carry a notAfter OpenSSL refuses.
 */
static void
builtin_cisco_cas(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_lint *l;

	(void)state;
	assert_non_null(c);

	/* 2026-01-01, looking 30 days ahead */
	l = lint(c, LAB_T0, 30);
	expect_count(l, 7);
	/* issue 14: the ECC CAs' notAfter has fractional seconds */
	expect(l, 0, PTRUST_LINT_INVALID_TIME_ENCODING,
	    PTRUST_SEVERITY_WARNING, MFG, "ACT2_ECC_SUDI_CA",
	    W("CN=ACT2 ECC SUDI CA", "notAfter", "fractional seconds",
	    "\"20530404081543.704Z\"", "invalid-time-encoding",
	    "trusts nothing", "Cisco publishes", "LSC"));
	/* issue 14: the option a command-line user has, not a function */
	expect(l, 1, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING, MFG,
	    "ACT2_SUDI_CA", W("SHA-1", "CN=Cisco Root CA 2048",
	    "error 68", "LSC", "--allow-sha1"));
	assert_null(strstr(ptrust_lint_finding_message(l, 1), "ptrust_"));
	expect(l, 2, PTRUST_LINT_INVALID_TIME_ENCODING,
	    PTRUST_SEVERITY_WARNING, MFG, "Cisco_ECC_Root_CA",
	    W("notAfter", "\"20530404081544.704Z\""));
	expect(l, 3, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING, MFG,
	    "Cisco_Manufacturing_CA", W("CN=Cisco Manufacturing CA",
	    "SHA-1", "error 68"));
	/* self-signed: OpenSSL never checks that signature */
	expect(l, 4, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_INFO, MFG,
	    "Cisco_Root_CA_2048", W("SHA-1", "self-signature"));
	expect(l, 5, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_INFO, MFG,
	    "Cisco_Root_CA_M1", W("SHA-1", "self-signature"));
	/* cluster-wide, last; the cluster.conf key, not a function */
	expect(l, 6, PTRUST_LINT_MANUFACTURING_TRUSTED, PTRUST_SEVERITY_INFO,
	    CM, NULL, W("callmanager-tls", "LSC", "MIC",
	    "\"manufacturing-trusted = no\" in the cluster's cluster.conf",
	    "manufacturing-ca, with 8 certificates"));
	assert_null(strstr(ptrust_lint_finding_message(l, 6), "ptrust_"));
	ptrust_lint_free(l);

	/* 1300 days ahead reaches 2029-05-14: three warnings more */
	l = lint(c, LAB_T0, 1300);
	expect_count(l, 10);
	expect(l, 0, PTRUST_LINT_INVALID_TIME_ENCODING,
	    PTRUST_SEVERITY_WARNING, MFG, "ACT2_ECC_SUDI_CA", NULL);
	expect(l, 1, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING, MFG,
	    "ACT2_SUDI_CA", W("2029-05-14T20:25:42Z", "in 1229 days",
	    "MIC", "LSC"));
	expect(l, 2, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING, MFG,
	    "ACT2_SUDI_CA", NULL);
	expect(l, 3, PTRUST_LINT_INVALID_TIME_ENCODING,
	    PTRUST_SEVERITY_WARNING, MFG, "Cisco_ECC_Root_CA", NULL);
	expect(l, 4, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING, MFG,
	    "Cisco_Manufacturing_CA", W("2029-05-14T20:25:42Z",
	    "can never be renewed"));
	expect(l, 5, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING, MFG,
	    "Cisco_Manufacturing_CA", NULL);
	expect(l, 6, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING, MFG,
	    "Cisco_Root_CA_2048", W("2029-05-14T20:25:42Z"));
	expect(l, 7, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_INFO, MFG,
	    "Cisco_Root_CA_2048", NULL);
	expect(l, 8, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_INFO, MFG,
	    "Cisco_Root_CA_M1", NULL);
	expect(l, 9, PTRUST_LINT_MANUFACTURING_TRUSTED, PTRUST_SEVERITY_INFO,
	    CM, NULL, NULL);
	ptrust_lint_free(l);

	/* at the last second of notAfter they are still valid */
	l = lint(c, CISCO_2029, 0);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRED), 0);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRING), 0);
	ptrust_lint_free(l);
	l = lint(c, CISCO_2029, 1);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRING), 3);
	expect(l, 1, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING, MFG,
	    "ACT2_SUDI_CA", W("within a day"));
	ptrust_lint_free(l);

	/* one second later, errors; the SHA-1 findings stay */
	l = lint(c, CISCO_2029 + 1, 30);
	expect_count(l, 10);
	expect(l, 1, PTRUST_LINT_EXPIRED, PTRUST_SEVERITY_ERROR, MFG,
	    "ACT2_SUDI_CA", W("expired on 2029-05-14T20:25:42Z",
	    "remove it from manufacturing-ca"));
	expect(l, 4, PTRUST_LINT_EXPIRED, PTRUST_SEVERITY_ERROR, MFG,
	    "Cisco_Manufacturing_CA", W("can never be renewed", "LSC"));
	expect(l, 6, PTRUST_LINT_EXPIRED, PTRUST_SEVERITY_ERROR, MFG,
	    "Cisco_Root_CA_2048", NULL);
	assert_int_equal(count_code(l, PTRUST_LINT_SHA1_SIGNED), 4);
	ptrust_lint_free(l);

	/* the SHA2 CAs last until 2037; the ECC ones until 2053 */
	l = lint(c, (time_t)2141643618 + 1, 0);	/* 2037-11-12T13:00:19Z */
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRED), 6);
	ptrust_lint_free(l);

	/* manufacturing-ca off: its CAs still get linted, nothing trusts them */
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 0),
	    PTRUST_OK);
	l = lint(c, LAB_T0, 30);
	expect_count(l, 6);
	assert_int_equal(count_code(l, PTRUST_LINT_MANUFACTURING_TRUSTED), 0);
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ capf-profile */

static void
capf_profile(void **state)
{
	ptrust_cluster *c = cluster_bare();
	const struct lab *lab = test_lab();
	struct lab_spec s;
	ptrust_lint *l;

	(void)state;
	/* the standard lab CAPF, as 14SU2 makes it: clean */
	put(c, CM, lab->capf_a, NULL, PTRUST_ROLE_AUTO);

	/* 1: no CA:TRUE at all (and so no pathlen either) */
	spec_capf(&s, "CAPF-00000001");
	s.ca = 0;
	put_free(c, CM, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	/* 2: CA:TRUE without a path length limit */
	spec_capf(&s, "CAPF-00000002");
	s.pathlen = -1;
	put_free(c, CM, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	/* 3: pathlen:1 */
	spec_capf(&s, "CAPF-00000003");
	s.pathlen = 1;
	put_free(c, CM, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	/* 4: keyCertSign without digitalSignature, as before 14SU2 */
	spec_capf(&s, "CAPF-00000004");
	s.key_usage = "critical,keyCertSign,cRLSign";
	put_free(c, CM, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	/* 5: digitalSignature without keyCertSign */
	spec_capf(&s, "CAPF-00000005");
	s.key_usage = "critical,digitalSignature,keyEncipherment";
	put_free(c, CM, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	/* 6: no basicConstraints at all */
	spec_capf(&s, "CAPF-00000006");
	s.no_basic_constraints = 1;
	put_free(c, CM, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	/* 7: a name CUCM never gives, but the administrator says capf */
	spec_capf(&s, "Old CAPF");
	s.pathlen = 3;
	put_free(c, CAPF, lab_issue(&s, ec_key, NULL, NULL), "old-capf",
	    PTRUST_ROLE_CAPF);
	/* 8: the same broken certificate with another role: not capf-profile */
	spec_capf(&s, "Not A CAPF");
	s.pathlen = -1;
	s.key_usage = "critical,keyCertSign";
	put_free(c, CAPF, lab_issue(&s, ec_key, NULL, NULL), "external",
	    PTRUST_ROLE_EXTERNAL_CA);

	l = lint(c, LAB_T0, 30);
	expect_count(l, 7);
	expect(l, 0, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR, CM,
	    "CAPF-00000001", W("CN=CAPF-00000001", "lacks basicConstraints "
	    "CA:TRUE (it says CA:FALSE), pathlen:0:", "14SU2",
	    "regenerate the CAPF certificate on CUCM 14SU2 or later",
	    "new LSC"));
	expect(l, 1, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR, CM,
	    "CAPF-00000002", W("lacks pathlen:0 (it has no path length "
	    "limit):"));
	expect(l, 2, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR, CM,
	    "CAPF-00000003", W("lacks pathlen:0 (it has pathlen:1):"));
	expect(l, 3, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR, CM,
	    "CAPF-00000004", W("lacks keyUsage digitalSignature:"));
	expect(l, 4, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR, CM,
	    "CAPF-00000005", W("lacks keyUsage keyCertSign:"));
	expect(l, 5, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR, CM,
	    "CAPF-00000006", W("lacks basicConstraints CA:TRUE (it has no "
	    "basicConstraints), pathlen:0:"));
	expect(l, 6, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR, CAPF,
	    "old-capf", W("lacks pathlen:0 (it has pathlen:3):"));
	/* and a CAPF certificate that is no CA is not also not-a-ca */
	assert_int_equal(count_code(l, PTRUST_LINT_NOT_A_CA), 0);
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
}

static void
capf_profile_no_key_usage(void **state)
{
	ptrust_cluster *c = cluster_bare();
	struct lab_spec s;
	X509 *x, *y;
	unsigned char *der = NULL;
	const unsigned char *p;
	ptrust_lint *l;
	int i, len;

	(void)state;
	/* lab_issue always writes a keyUsage: take it out and re-sign */
	spec_capf(&s, "CAPF-0000000a");
	x = lab_issue(&s, ec_key, NULL, NULL);
	i = X509_get_ext_by_NID(x, NID_key_usage, -1);
	assert_true(i >= 0);
	X509_EXTENSION_free(X509_delete_ext(x, i));
	assert_true(X509_sign(x, ec_key, EVP_sha256()) > 0);
	/* through DER, so that nothing cached from before remains */
	len = i2d_X509(x, &der);
	assert_true(len > 0);
	p = der;
	y = d2i_X509(NULL, &p, len);
	assert_non_null(y);
	OPENSSL_free(der);
	X509_free(x);
	assert_int_equal(X509_get_ext_by_NID(y, NID_key_usage, -1), -1);
	put_free(c, CM, y, NULL, PTRUST_ROLE_AUTO);

	l = lint(c, LAB_T0, 30);
	expect_count(l, 1);
	expect(l, 0, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR, CM,
	    "CAPF-0000000a", W("lacks keyUsage digitalSignature + "
	    "keyCertSign (it has no keyUsage):"));
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ expiry */

static void
expired_and_expiring(void **state)
{
	ptrust_cluster *c = cluster_bare();
	struct lab_spec s;
	ptrust_lint *l;

	(void)state;
	/* CAPF that ended yesterday */
	spec_capf(&s, "CAPF-dead0001");
	s.not_before = LAB_T0 - 400 * LAB_DAY;
	s.not_after = LAB_T0 - LAB_DAY;
	put_free(c, CM, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	/* external CA ending in exactly 10 days */
	spec_init(&s, "Example Issuing CA");
	s.ca = 1;
	s.not_after = LAB_T0 + 10 * LAB_DAY;
	put_free(c, CAPF, lab_issue(&s, ec_key, NULL, NULL), "issuing",
	    PTRUST_ROLE_EXTERNAL_CA);
	/* a manufacturing CA ending in 10 days and 1 second */
	spec_init(&s, "Lab Manufacturing CA");
	s.o = "Cisco";
	s.ca = 1;
	s.pathlen = 0;
	s.not_after = LAB_T0 + 10 * LAB_DAY + 1;
	put_free(c, MFG, lab_issue(&s, ec_key2, NULL, NULL), "mfg",
	    PTRUST_ROLE_MANUFACTURING);

	/* days 10: the window is [now, now + 10 days), both ends outside */
	l = lint(c, LAB_T0, 10);
	expect_count(l, 1);
	expect(l, 0, PTRUST_LINT_EXPIRED, PTRUST_SEVERITY_ERROR, CM,
	    "CAPF-dead0001", W("expired on 2025-12-31T00:00:00Z",
	    "regenerate the CAPF certificate", "new LSC",
	    "remove it from callmanager-trust"));
	ptrust_lint_free(l);

	l = lint(c, LAB_T0, 11);
	expect_count(l, 3);
	expect(l, 0, PTRUST_LINT_EXPIRED, PTRUST_SEVERITY_ERROR, CM,
	    "CAPF-dead0001", NULL);
	expect(l, 1, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING, CAPF,
	    "issuing", W("expires on 2026-01-11T00:00:00Z", "in 10 days",
	    "renewed certificate"));
	expect(l, 2, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING, MFG,
	    "mfg", W("in 10 days", "can never be renewed"));
	ptrust_lint_free(l);

	/* days 0: no expiring findings at all */
	l = lint(c, LAB_T0 + 9 * LAB_DAY, 0);
	expect_count(l, 1);
	ptrust_lint_free(l);

	/* one day left */
	l = lint(c, LAB_T0 + 9 * LAB_DAY, 2);
	expect_count(l, 3);
	expect(l, 1, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING, CAPF,
	    "issuing", W("in 1 day:"));
	ptrust_lint_free(l);

	/* long before, nothing is due yet */
	l = lint(c, LAB_T0 - 500 * LAB_DAY, 30);
	expect_count(l, 0);
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ duplicates */

static void
duplicate_subject(void **state)
{
	ptrust_cluster *c = cluster_bare();
	const struct lab *lab = test_lab();
	struct lab_spec s;
	X509 *twin, *twin2;
	ptrust_lint *l;

	(void)state;
	/* CAPF-a6d4c572 regenerated: same subject, another key */
	spec_capf(&s, "CAPF-a6d4c572");
	s.not_before = LAB_T0;
	twin = lab_issue(&s, ec_key, NULL, NULL);
	spec_capf(&s, "CAPF-a6d4c572");
	s.not_before = LAB_T0 + LAB_DAY;
	twin2 = lab_issue(&s, ec_key2, NULL, NULL);

	put(c, CM, lab->capf_a, NULL, PTRUST_ROLE_AUTO);
	put(c, MFG, twin, "capf-twin", PTRUST_ROLE_AUTO);

	/* manufacturing-ca not trusted: no purpose trusts both */
	l = lint(c, LAB_T0, 30);
	expect_count(l, 0);
	ptrust_lint_free(l);

	/* trusted: callmanager-tls trusts both */
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 1),
	    PTRUST_OK);
	l = lint(c, LAB_T0, 30);
	expect_count(l, 2);
	expect(l, 0, PTRUST_LINT_DUPLICATE_SUBJECT, PTRUST_SEVERITY_WARNING,
	    MFG, "capf-twin", W("CN=CAPF-a6d4c572",
	    "same subject as callmanager-trust/CAPF-a6d4c572",
	    "callmanager-tls trusts both", "one certificate per subject",
	    "this one valid from 2026-01-01T00:00:00Z",
	    "the other from 2025-12-31T00:00:00Z", "remove the other"));
	/* no role-manufacturing anchor: only manufacturing-ca is trusted */
	expect(l, 1, PTRUST_LINT_MANUFACTURING_TRUSTED, PTRUST_SEVERITY_INFO,
	    CM, NULL, W("manufacturing-ca, with 1 certificate,"));
	ptrust_lint_free(l);

	/* capf-trust holds it too: one finding per pair of anchors */
	put(c, CAPF, lab->capf_a, NULL, PTRUST_ROLE_AUTO);
	l = lint(c, LAB_T0, 30);
	expect_count(l, 3);
	expect(l, 0, PTRUST_LINT_DUPLICATE_SUBJECT, PTRUST_SEVERITY_WARNING,
	    MFG, "capf-twin", W("as callmanager-trust/CAPF-a6d4c572",
	    "callmanager-tls trusts both"));
	expect(l, 1, PTRUST_LINT_DUPLICATE_SUBJECT, PTRUST_SEVERITY_WARNING,
	    MFG, "capf-twin", W("as capf-trust/CAPF-a6d4c572",
	    "capf trusts both"));
	ptrust_lint_free(l);

	/*
	 * The other way round: the finding goes on the anchor that comes
	 * later in the cluster's order, here the one in manufacturing-ca.
	 */
	ptrust_cluster_free(c);
	c = cluster_bare();
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 1),
	    PTRUST_OK);
	put(c, MFG, lab->capf_a, NULL, PTRUST_ROLE_AUTO);
	put(c, CM, twin, "capf-new", PTRUST_ROLE_AUTO);
	put(c, CAPF, twin, "capf-new", PTRUST_ROLE_AUTO);
	l = lint(c, LAB_T0, 30);
	expect_count(l, 3);
	/* the later anchor in the cluster's order carries the finding */
	expect(l, 0, PTRUST_LINT_DUPLICATE_SUBJECT, PTRUST_SEVERITY_WARNING,
	    MFG, "CAPF-a6d4c572", W("as callmanager-trust/capf-new",
	    "callmanager-tls trusts both"));
	expect(l, 1, PTRUST_LINT_DUPLICATE_SUBJECT, PTRUST_SEVERITY_WARNING,
	    MFG, "CAPF-a6d4c572", W("as capf-trust/capf-new",
	    "capf trusts both"));
	ptrust_lint_free(l);

	/* the same certificate in both stores is no duplicate */
	ptrust_cluster_free(c);
	c = cluster_bare();
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 1),
	    PTRUST_OK);
	put(c, CM, lab->capf_a, NULL, PTRUST_ROLE_AUTO);
	put(c, MFG, lab->capf_a, NULL, PTRUST_ROLE_AUTO);
	l = lint(c, LAB_T0, 30);
	assert_int_equal(count_code(l, PTRUST_LINT_DUPLICATE_SUBJECT), 0);
	ptrust_lint_free(l);

	/* stores no single purpose combines: no duplicate */
	ptrust_cluster_free(c);
	c = cluster_bare();
	put(c, CM, lab->capf_a, NULL, PTRUST_ROLE_AUTO);
	put(c, CAPF, twin, NULL, PTRUST_ROLE_AUTO);
	put(c, "radius-trust", twin2, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_8021X, "radius-trust"), PTRUST_OK);
	/* a purpose naming a store that does not exist is skipped */
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_VPN, "vpn-trust"), PTRUST_OK);
	l = lint(c, LAB_T0, 30);
	expect_count(l, 0);
	ptrust_lint_free(l);
	assert_string_equal(ptrust_cluster_error(c), "");

	/* but CUCM's rule holds inside one store: the newer replaces */
	put(c, CM, twin2, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_anchor_count(
	    ptrust_cluster_store(c, CM, 0)), 1);
	l = lint(c, LAB_T0, 30);
	expect_count(l, 0);
	ptrust_lint_free(l);

	X509_free(twin);
	X509_free(twin2);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ SHA-1 */

static void
sha1_signed(void **state)
{
	ptrust_cluster *c = cluster_bare();
	const struct lab *lab = test_lab();
	struct lab_spec s;
	ptrust_lint *l;

	(void)state;
	/* a root that signs itself with SHA-1 */
	spec_init(&s, "Old Root CA");
	s.o = "Example Corp";
	s.ca = 1;
	s.md = EVP_sha1();
	put_free(c, CM, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_EXTERNAL_CA);
	/* an intermediate the lab root signed with SHA-1 */
	spec_init(&s, "Old Issuing CA");
	s.o = "Example Corp";
	s.ca = 1;
	s.pathlen = 0;
	s.md = EVP_sha1();
	put_free(c, CM, lab_issue(&s, ec_key2, lab->mfg_root, lab->root_key),
	    NULL, PTRUST_ROLE_EXTERNAL_CA);
	/* a manufacturing one */
	spec_init(&s, "Old Manufacturing CA");
	s.o = "Cisco";
	s.ca = 1;
	s.pathlen = 0;
	s.md = EVP_sha1();
	put_free(c, CAPF, lab_issue(&s, ec_key2, lab->mfg_root,
	    lab->root_key), NULL, PTRUST_ROLE_OTHER);
	assert_int_equal(ptrust_builder_set_role(ptrust_cluster_store(c,
	    CAPF, 0), "Old_Manufacturing_CA", PTRUST_ROLE_MANUFACTURING),
	    PTRUST_OK);
	/* SHA-256 and SHA-384/512 are fine */
	spec_init(&s, "New Root CA");
	s.ca = 1;
	s.md = EVP_sha512();
	put_free(c, CAPF, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_EXTERNAL_CA);
	put(c, CAPF, lab->mfg_ca, NULL, PTRUST_ROLE_AUTO);

	l = lint(c, LAB_T0, 30);
	expect_count(l, 3);
	expect(l, 0, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_INFO, CM,
	    "Old_Root_CA", W("CN=Old Root CA", "SHA-1", "self-signature",
	    "SHA-256 root"));
	expect(l, 1, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING, CM,
	    "Old_Issuing_CA", W("CN=Old Issuing CA", "SHA-1",
	    "CN=Lab Root CA M2", "error 68", "SHA-256"));
	expect(l, 2, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING, CAPF,
	    "Old_Manufacturing_CA", W("LSCs", "--allow-sha1"));
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ RSA sizes */

static EVP_PKEY *
pubkey(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k;

	assert_non_null(bio);
	k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(k);
	return k;
}

static void
rsa_sizes(void **state)
{
	ptrust_cluster *c = cluster_bare();
	const struct lab *lab = test_lab();
	EVP_PKEY *k8192 = pubkey(rsa8192_pub), *k4096 = pubkey(rsa4096_pub);
	ptrust_lint *l;

	(void)state;
	put_free(c, CM, make_ca("Big CA", k8192, lab->mfg_root, lab->root_key),
	    NULL, PTRUST_ROLE_EXTERNAL_CA);
	put_free(c, CM, make_ca("Limit CA", k4096, lab->mfg_root,
	    lab->root_key), NULL, PTRUST_ROLE_EXTERNAL_CA);
	put_free(c, CAPF, make_ca("Small CA", rsa1024_key, NULL, NULL), NULL,
	    PTRUST_ROLE_EXTERNAL_CA);
	/* 2048 (lab root) and EC keys (capf_a) are fine */
	put(c, CAPF, lab->mfg_root, NULL, PTRUST_ROLE_AUTO);
	put(c, CAPF, lab->capf_a, NULL, PTRUST_ROLE_AUTO);

	l = lint(c, LAB_T0, 30);
	expect_count(l, 2);
	expect(l, 0, PTRUST_LINT_RSA_TOO_LARGE, PTRUST_SEVERITY_ERROR, CM,
	    "Big_CA", W("8192-bit RSA key", "over 4096 bits",
	    "2048 to 4096 bits"));
	expect(l, 1, PTRUST_LINT_RSA_TOO_SMALL, PTRUST_SEVERITY_WARNING, CAPF,
	    "Small_CA", W("1024-bit RSA key", "security level 2",
	    "at least 2048 bits"));
	ptrust_lint_free(l);

	/* a small CAPF key: regenerate CAPF */
	{
		struct lab_spec s;

		spec_capf(&s, "CAPF-5a11c0de");
		put_free(c, CM, lab_issue(&s, rsa1024_key, NULL, NULL), NULL,
		    PTRUST_ROLE_AUTO);
	}
	l = lint(c, LAB_T0, 30);
	expect_count(l, 3);
	expect(l, 1, PTRUST_LINT_RSA_TOO_SMALL, PTRUST_SEVERITY_WARNING, CM,
	    "CAPF-5a11c0de", W("regenerating the CAPF certificate"));
	ptrust_lint_free(l);

	EVP_PKEY_free(k8192);
	EVP_PKEY_free(k4096);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ not-a-ca */

static void
not_a_ca(void **state)
{
	ptrust_cluster *c = cluster_bare();
	const struct lab *lab = test_lab();
	struct lab_spec s;
	ptrust_lint *l;

	(void)state;
	/* a phone's LSC imported instead of its CAPF */
	put(c, CM, lab->lsc_a, "phone-lsc", PTRUST_ROLE_AUTO);
	/* CA:TRUE, but keyUsage without keyCertSign */
	spec_init(&s, "Signing Only CA");
	s.ca = 1;
	s.key_usage = "critical,digitalSignature,cRLSign";
	put_free(c, CAPF, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	/* neither basicConstraints nor keyCertSign */
	spec_init(&s, "Bare Cert");
	s.no_basic_constraints = 1;
	put_free(c, CAPF, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	/* no basicConstraints but keyCertSign: OpenSSL takes it as a CA */
	spec_init(&s, "Old Style CA");
	s.no_basic_constraints = 1;
	s.key_usage = "critical,keyCertSign,cRLSign";
	put_free(c, CAPF, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);

	l = lint(c, LAB_T0, 30);
	expect_count(l, 3);
	expect(l, 0, PTRUST_LINT_NOT_A_CA, PTRUST_SEVERITY_WARNING, CM,
	    "phone-lsc", W("CN=SEP001122334455",
	    "its basicConstraints say CA:FALSE",
	    "exactly this one certificate",
	    "import that CA (CN=CAPF-a6d4c572"));
	expect(l, 1, PTRUST_LINT_NOT_A_CA, PTRUST_SEVERITY_WARNING, CAPF,
	    "Signing_Only_CA", W("(its keyUsage lacks keyCertSign)"));
	expect(l, 2, PTRUST_LINT_NOT_A_CA, PTRUST_SEVERITY_WARNING, CAPF,
	    "Bare_Cert", W("(it has no basicConstraints CA:TRUE, and its "
	    "keyUsage lacks keyCertSign)"));
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ manufacturing */

static void
manufacturing_trusted(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();
	const struct lab *lab = test_lab();
	ptrust_lint *l;
	size_t n;

	(void)state;
	assert_non_null(c);
	/* on by default, with Cisco's CAs: the cluster-wide finding */
	l = lint(c, LAB_T0, 30);
	n = ptrust_lint_count(l);
	expect(l, n - 1, PTRUST_LINT_MANUFACTURING_TRUSTED,
	    PTRUST_SEVERITY_INFO, CM, NULL, W("Cisco recommends removing",
	    "once every phone has an LSC",
	    "\"manufacturing-trusted = no\" in the cluster's cluster.conf"));
	assert_null(strstr(ptrust_lint_finding_message(l, n - 1),
	    "callmanager-trust itself"));
	ptrust_lint_free(l);

	/* off: gone */
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 0),
	    PTRUST_OK);
	l = lint(c, LAB_T0, 30);
	assert_int_equal(count_code(l, PTRUST_LINT_MANUFACTURING_TRUSTED), 0);
	ptrust_lint_free(l);

	/* off, but callmanager-trust itself holds manufacturing CAs */
	put(c, CM, lab->mfg_root, NULL, PTRUST_ROLE_AUTO);	/* role other */
	put(c, CM, lab->mfg_ca, NULL, PTRUST_ROLE_MANUFACTURING);
	put(c, CM, lab->capf_a, NULL, PTRUST_ROLE_AUTO);
	l = lint(c, LAB_T0, 30);
	n = ptrust_lint_count(l);
	expect(l, n - 1, PTRUST_LINT_MANUFACTURING_TRUSTED,
	    PTRUST_SEVERITY_INFO, CM, NULL, W("callmanager-trust itself "
	    "holds 1 manufacturing CA: Lab_Manufacturing_CA_SHA2",
	    "remove the manufacturing CAs from callmanager-trust"));
	assert_null(strstr(ptrust_lint_finding_message(l, n - 1),
	    "manufacturing-trusted = no"));
	assert_int_equal(count_code(l, PTRUST_LINT_MANUFACTURING_TRUSTED), 1);
	ptrust_lint_free(l);

	/* both causes in one finding */
	assert_int_equal(ptrust_builder_set_role(ptrust_cluster_store(c, CM,
	    0), "Lab_Root_CA_M2", PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 1),
	    PTRUST_OK);
	l = lint(c, LAB_T0, 30);
	n = ptrust_lint_count(l);
	expect(l, n - 1, PTRUST_LINT_MANUFACTURING_TRUSTED,
	    PTRUST_SEVERITY_INFO, CM, NULL, W("manufacturing-ca, with 8 "
	    "certificates, counts as part of callmanager-trust; "
	    "callmanager-trust itself holds 2 manufacturing CAs: "
	    "Lab_Root_CA_M2, Lab_Manufacturing_CA_SHA2",
	    "manufacturing-trusted = no",
	    " and remove the manufacturing CAs"));
	assert_int_equal(count_code(l, PTRUST_LINT_MANUFACTURING_TRUSTED), 1);
	ptrust_lint_free(l);
	ptrust_cluster_free(c);

	/* trusted, but manufacturing-ca empty and no manufacturing anchor */
	c = cluster_bare();
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 1),
	    PTRUST_OK);
	put(c, CM, lab->capf_a, NULL, PTRUST_ROLE_AUTO);
	l = lint(c, LAB_T0, 30);
	expect_count(l, 0);
	ptrust_lint_free(l);
	/* manufacturing CAs in capf-trust only: not callmanager-tls */
	put(c, CAPF, lab->mfg_ca, NULL, PTRUST_ROLE_MANUFACTURING);
	l = lint(c, LAB_T0, 30);
	expect_count(l, 0);
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ order */

/*
 * Several findings on one anchor come in the order of the codes; anchors
 * in the cluster's store order, then each store's order; cluster-wide
 * last.  The same cluster always gives the same findings.
 */
static void
order(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();
	const struct lab *lab = test_lab();
	struct lab_spec s;
	ptrust_lint *l, *l2;
	size_t i, n;

	(void)state;
	assert_non_null(c);
	/* radius-trust, created first, is still listed after CUCM's stores */
	spec_capf(&s, "CAPF-badbad01");
	s.pathlen = -1;
	s.md = EVP_sha1();
	s.not_after = LAB_T0 + 5 * LAB_DAY;
	put_free(c, "radius-trust", lab_issue(&s, rsa1024_key, NULL, NULL),
	    NULL, PTRUST_ROLE_AUTO);
	put(c, CAPF, lab->lsc_b, NULL, PTRUST_ROLE_AUTO);
	/* a SEP certificate in callmanager-trust, twin of a CA in mfg */
	spec_init(&s, "Cisco Root CA M2");
	s.o = "Cisco";
	s.ca = 1;
	put_lookalike(c, CM, lab_issue(&s, ec_key, NULL, NULL), "fake-m2",
	    PTRUST_ROLE_OTHER);

	assert_string_equal(ptrust_cluster_store_name(c, 0), CM);
	assert_string_equal(ptrust_cluster_store_name(c, 1), CAPF);
	assert_string_equal(ptrust_cluster_store_name(c, 2), MFG);
	assert_string_equal(ptrust_cluster_store_name(c, 3), "radius-trust");

	l = lint(c, LAB_T0, 30);
	expect_count(l, 14);
	/* fake-m2 has the subject of Cisco Root CA M2, not its key */
	expect(l, 0, PTRUST_LINT_CISCO_LOOKALIKE, PTRUST_SEVERITY_ERROR, CM,
	    "fake-m2", W("not Cisco's key"));
	expect(l, 1, PTRUST_LINT_NOT_A_CA, PTRUST_SEVERITY_WARNING, CAPF,
	    "SEP00AABBCCDDEE", NULL);
	expect(l, 2, PTRUST_LINT_INVALID_TIME_ENCODING,
	    PTRUST_SEVERITY_WARNING, MFG, "ACT2_ECC_SUDI_CA", NULL);
	expect(l, 3, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING, MFG,
	    "ACT2_SUDI_CA", NULL);
	expect(l, 4, PTRUST_LINT_INVALID_TIME_ENCODING,
	    PTRUST_SEVERITY_WARNING, MFG, "Cisco_ECC_Root_CA", NULL);
	expect(l, 5, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING, MFG,
	    "Cisco_Manufacturing_CA", NULL);
	expect(l, 6, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_INFO, MFG,
	    "Cisco_Root_CA_2048", NULL);
	expect(l, 7, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_INFO, MFG,
	    "Cisco_Root_CA_M1", NULL);
	/* the real Cisco Root CA M2 comes after fake-m2 in store order */
	expect(l, 8, PTRUST_LINT_DUPLICATE_SUBJECT, PTRUST_SEVERITY_WARNING,
	    MFG, "Cisco_Root_CA_M2", W("as callmanager-trust/fake-m2",
	    "callmanager-tls trusts both"));
	/* one anchor, four findings, in code order */
	expect(l, 9, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR,
	    "radius-trust", "CAPF-badbad01", W("pathlen:0 (it has no path "
	    "length limit)"));
	expect(l, 10, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING,
	    "radius-trust", "CAPF-badbad01", W("in 5 days"));
	expect(l, 11, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_INFO,
	    "radius-trust", "CAPF-badbad01", NULL);
	expect(l, 12, PTRUST_LINT_RSA_TOO_SMALL, PTRUST_SEVERITY_WARNING,
	    "radius-trust", "CAPF-badbad01", NULL);
	expect(l, 13, PTRUST_LINT_MANUFACTURING_TRUSTED, PTRUST_SEVERITY_INFO,
	    CM, NULL, NULL);

	/* twice the same */
	l2 = lint(c, LAB_T0, 30);
	n = ptrust_lint_count(l);
	assert_int_equal(ptrust_lint_count(l2), n);
	for (i = 0; i < n; i++) {
		assert_int_equal(ptrust_lint_finding_code(l, i),
		    ptrust_lint_finding_code(l2, i));
		assert_string_equal(ptrust_lint_finding_message(l, i),
		    ptrust_lint_finding_message(l2, i));
	}
	ptrust_lint_free(l2);
	ptrust_lint_free(l);

	/* removing the anchor removes its findings; the lint reads no cache */
	assert_int_equal(ptrust_builder_remove(ptrust_cluster_store(c, CM, 0),
	    "fake-m2"), PTRUST_OK);
	l = lint(c, LAB_T0, 30);
	expect_count(l, 12);
	assert_int_equal(count_code(l, PTRUST_LINT_DUPLICATE_SUBJECT), 0);
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
}

/*
 * Issue 13: a certificate with the subject of a built-in Cisco CA and
 * another key, let into manufacturing-ca, replaced Cisco's CA with nothing
 * said.  The lint calls it an error; Cisco's own certificates are not.
 */
static void
lint_cisco_lookalike_is_an_error(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();
	struct lab_spec s;
	ptrust_lint *l;
	size_t i;

	(void)state;
	assert_non_null(c);
	l = lint(c, LAB_T0, 30);
	assert_int_equal(count_code(l, PTRUST_LINT_CISCO_LOOKALIKE), 0);
	ptrust_lint_free(l);

	spec_init(&s, "Cisco Manufacturing CA SHA2");
	s.o = "Cisco";
	s.ca = 1;
	put_lookalike(c, MFG, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	l = lint(c, LAB_T0, 30);
	assert_int_equal(count_code(l, PTRUST_LINT_CISCO_LOOKALIKE), 1);
	for (i = 0; i < ptrust_lint_count(l); i++)
		if (ptrust_lint_finding_code(l, i) ==
		    PTRUST_LINT_CISCO_LOOKALIKE)
			expect(l, i, PTRUST_LINT_CISCO_LOOKALIKE,
			    PTRUST_SEVERITY_ERROR, MFG,
			    "Cisco_Manufacturing_CA_SHA2",
			    W("CN=Cisco Manufacturing CA SHA2,O=Cisco",
			    "not Cisco's key"));
	ptrust_lint_free(l);
	assert_string_equal(ptrust_lint_code_name(
	    PTRUST_LINT_CISCO_LOOKALIKE), "cisco-lookalike");
	ptrust_cluster_free(c);
}

static X509 *
read_cisco(const char *file)
{
	char rel[128];
	FILE *f;
	X509 *x;

	snprintf(rel, sizeof(rel), "data/cisco/%s", file);
	assert_non_null(f = fopen(test_srcpath(rel), "r"));
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

/*
 * Issue 14: Cisco's ECC CAs never validate (notAfter with fractional
 * seconds) and the lint said nothing.  The finding is on exactly the
 * anchors the validation refuses for their time encoding, and nowhere
 * else.
 */
static void
invalid_time_encoding(void **state)
{
	ptrust_cluster *c = cluster_bare();
	X509 *root = read_cisco("cisco-ecc-root-ca.pem");
	X509 *sudi = read_cisco("act2-ecc-sudi-ca.pem");
	X509 *m2 = read_cisco("cisco-root-ca-m2.pem");
	ptrust_options *o = test_options();
	ptrust_result *r;
	ptrust_store *s;
	ptrust_lint *l;

	(void)state;
	/* the validation: refused for the time encoding, at the root too */
	s = test_store("ecc", PTRUST_ROLE_MANUFACTURING, &root, 1);
	r = test_verify(s, &sudi, 1, o);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_INVALID_TIME_ENCODING,
	    -2));
	ptrust_result_free(r);
	ptrust_store_unref(s);

	/* the lint: one warning each, other anchors untouched */
	put(c, CAPF, root, NULL, PTRUST_ROLE_AUTO);
	put(c, CAPF, m2, NULL, PTRUST_ROLE_AUTO);
	put(c, "radius-trust", sudi, "sudi", PTRUST_ROLE_EXTERNAL_CA);
	l = lint(c, LAB_T0, 0);
	expect_count(l, 2);
	expect(l, 0, PTRUST_LINT_INVALID_TIME_ENCODING,
	    PTRUST_SEVERITY_WARNING, CAPF, "Cisco_ECC_Root_CA",
	    W("CN=Cisco ECC Root CA,O=Cisco encodes its notAfter in a form "
	    "RFC 5280 forbids, with fractional seconds "
	    "(\"20530404081544.704Z\")", "OpenSSL refuses every chain",
	    "(invalid-time-encoding)", "Cisco publishes this CA so"));
	expect(l, 1, PTRUST_LINT_INVALID_TIME_ENCODING,
	    PTRUST_SEVERITY_WARNING, "radius-trust", "sudi",
	    W("ACT2 ECC SUDI CA", "20530404081543.704Z"));
	assert_string_equal(ptrust_lint_code_name(
	    PTRUST_LINT_INVALID_TIME_ENCODING), "invalid-time-encoding");
	ptrust_lint_free(l);
	/* read as 2053 all the same: not expired, expiring far ahead */
	l = lint(c, LAB_T0, 36500);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRED), 0);
	assert_int_equal(count_code(l, PTRUST_LINT_EXPIRING), 3);
	assert_int_equal(count_code(l, PTRUST_LINT_INVALID_TIME_ENCODING), 2);
	ptrust_lint_free(l);

	X509_free(root);
	X509_free(sudi);
	X509_free(m2);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
}

/* Findings outlive changes to the cluster and the cluster itself. */
static void
lint_outlives_cluster(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_lint *l;

	(void)state;
	assert_non_null(c);
	l = lint(c, LAB_T0, 30);
	ptrust_cluster_free(c);
	expect(l, 1, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING, MFG,
	    "ACT2_SUDI_CA", W("SHA-1"));
	ptrust_lint_free(l);
}

/* ------------------------------------------------------------ OOM */

static void
lint_under_oom(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();
	const struct lab *lab = test_lab();
	ptrust_lint *ref, *l;
	struct lab_spec s;
	long k, failures = 0;
	size_t i;

	(void)state;
	assert_non_null(c);
	spec_capf(&s, "CAPF-00000bad");
	s.pathlen = 2;
	put_free(c, CM, lab_issue(&s, ec_key, NULL, NULL), NULL,
	    PTRUST_ROLE_AUTO);
	put(c, CM, lab->mfg_ca, NULL, PTRUST_ROLE_MANUFACTURING);
	put(c, CAPF, lab->lsc_a, NULL, PTRUST_ROLE_AUTO);
	spec_init(&s, "Cisco Root CA M2");
	s.o = "Cisco";
	s.ca = 1;
	put_lookalike(c, CM, lab_issue(&s, ec_key, NULL, NULL), "fake-m2",
	    PTRUST_ROLE_OTHER);
	ref = lint(c, LAB_T0, 1300);
	assert_true(ptrust_lint_count(ref) >= 10);

	for (k = 1; k < 1000000; k++) {
		ptrust_status st;
		int reached;

		l = (ptrust_lint *)&l;
		test_oom_fail_at(k);
		st = ptrust_cluster_lint(c, LAB_T0, 1300, &l);
		reached = test_oom_stop();
		if (st != PTRUST_OK) {
			/*
			 * Nothing half-done.  A snapshot whose X509_STORE
			 * could not take a certificate reports internal-error.
			 */
			assert_true(st == PTRUST_ERR_NOMEM ||
			    st == PTRUST_ERR_INTERNAL);
			assert_null(l);
			failures++;
			continue;
		}
		/* complete, or not at all */
		assert_non_null(l);
		assert_int_equal(ptrust_lint_count(l), ptrust_lint_count(ref));
		for (i = 0; i < ptrust_lint_count(l); i++)
			assert_string_equal(ptrust_lint_finding_message(l, i),
			    ptrust_lint_finding_message(ref, i));
		ptrust_lint_free(l);
		if (!reached)
			break;	/* the failure was never reached: done */
	}
	print_message("lint: %ld injected failures handled\n", failures);
	assert_true(failures > 20);
	ptrust_lint_free(ref);
	ptrust_cluster_free(c);
}

/* ------------------------------------------------------------ main */

static int
setup(void **state)
{
	(void)state;
	test_lab();
	ec_key = lab_key_ec("P-256");
	ec_key2 = lab_key_ec("P-256");
	rsa1024_key = lab_key_rsa(1024);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(ec_key2);
	EVP_PKEY_free(rsa1024_key);
	test_lab_free();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(empty_cluster_is_clean),
		cmocka_unit_test(builtin_cisco_cas),
		cmocka_unit_test(capf_profile),
		cmocka_unit_test(capf_profile_no_key_usage),
		cmocka_unit_test(expired_and_expiring),
		cmocka_unit_test(duplicate_subject),
		cmocka_unit_test(sha1_signed),
		cmocka_unit_test(rsa_sizes),
		cmocka_unit_test(not_a_ca),
		cmocka_unit_test(manufacturing_trusted),
		cmocka_unit_test(order),
		cmocka_unit_test(lint_cisco_lookalike_is_an_error),
		cmocka_unit_test(invalid_time_encoding),
		cmocka_unit_test(lint_outlives_cluster),
		cmocka_unit_test(lint_under_oom),
	};

	/* before any allocation, so that every one goes through the hook */
	if (!test_oom_hook())
		return 2;
	return cmocka_run_group_tests(tests, setup, teardown);
}
