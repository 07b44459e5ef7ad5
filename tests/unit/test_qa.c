/*
 * The Cisco Q&A (shared/seed, English in DOMAIN.md), one named test per
 * question, each reproduced with lab certificates.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <phonetrust-cluster.h>

#include "testutil.h"

/* The cluster of the tests: CAPF-a6d4c572 in CallManager-trust and
 * CAPF-trust, the lab manufacturing root in manufacturing-ca. */
static ptrust_cluster *
cluster(void)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new();

	assert_non_null(c);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->capf_a, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "capf-trust", 0), l->capf_a, NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "manufacturing-ca", 0), l->mfg_root, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	return c;
}

static ptrust_phone *
phone(const char *device, X509 *lsc, X509 *mic, X509 *mic_ca)
{
	ptrust_phone *p = ptrust_phone_new(device);
	ptrust_chain *ch;

	assert_non_null(p);
	if (lsc != NULL) {
		ch = test_chain(&lsc, 1);
		assert_int_equal(ptrust_phone_set_lsc(p, ch), PTRUST_OK);
		ptrust_chain_free(ch);
	}
	if (mic != NULL) {
		X509 *certs[2] = { mic, mic_ca };

		ch = test_chain(certs, mic_ca != NULL ? 2 : 1);
		assert_int_equal(ptrust_phone_set_mic(p, ch), PTRUST_OK);
		ptrust_chain_free(ch);
	}
	return p;
}

static ptrust_result *
check(ptrust_cluster *c, const ptrust_phone *p, ptrust_cluster_purpose purpose,
    int flags)
{
	ptrust_options *o = test_options();
	ptrust_result *r = NULL;

	assert_int_equal(ptrust_cluster_verify_phone(c, p, purpose, o, flags,
	    &r), PTRUST_OK);
	ptrust_options_free(o);
	return r;
}

static ptrust_capf_outcome *
capf(ptrust_cluster *c, const ptrust_phone *p, ptrust_auth_mode mode,
    const char *entered, const char *expected)
{
	ptrust_options *o = test_options();
	ptrust_capf_outcome *out = NULL;

	assert_int_equal(ptrust_capf_decide(c, p, PTRUST_CAPF_INSTALL, mode,
	    entered, expected, o, &out), PTRUST_OK);
	ptrust_options_free(o);
	return out;
}

static X509 *
leaf(const char *cn, X509 *issuer, EVP_PKEY *issuer_key, EVP_PKEY *key,
    time_t not_after)
{
	struct lab_spec s;

	memset(&s, 0, sizeof(s));
	s.cn = cn;
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	s.not_after = not_after;
	return lab_issue(&s, key, issuer, issuer_key);
}

/* Q: With both an LSC and a MIC, can one be chosen?  A: the phone always uses its LSC. */
static void
qa_lsc_preferred_over_mic(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = cluster();
	ptrust_phone *p = phone("SEP001122334455", l->lsc_a, l->mic, l->mfg_ca);
	ptrust_result *r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);

	(void)state;
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_LSC);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	/* the same for 802.1x once its store is named */
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "radius-trust", 1), l->capf_a, NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_8021X, "radius-trust"), PTRUST_OK);
	r = check(c, p, PTRUST_CLUSTER_8021X, 0);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_LSC);
	ptrust_result_free(r);
	ptrust_phone_free(p);
	ptrust_cluster_free(c);
}

/* Q: Why do phones with an LSC not register after a migration?  A: unknown CA. */
static void
qa_migrated_phone_refused_unknown_ca(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = cluster();
	ptrust_phone *p = phone("SEP00AABBCCDDEE", l->lsc_b, NULL, NULL);
	ptrust_result *r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);

	(void)state;
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_tls_alert(r), PTRUST_ALERT_UNKNOWN_CA);
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	assert_non_null(strstr(ptrust_result_fix(r), "non-secure"));
	assert_non_null(strstr(ptrust_result_fix(r), "CAPF-0badcafe"));
	assert_non_null(strstr(ptrust_result_fix(r), "import the old CAPF"));
	ptrust_result_free(r);
	/* the second fix: import the old CAPF certificate */
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->capf_b, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_phone_free(p);
	ptrust_cluster_free(c);
}

/* Q: Is an LSC needed to register with a secure profile?  A: no, the MIC serves. */
static void
qa_secure_profile_without_lsc_uses_mic(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = cluster();
	ptrust_phone *p = phone("SEP001122334455", NULL, l->mic, l->mfg_ca);
	ptrust_result *r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);

	(void)state;
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	ptrust_phone_free(p);
	ptrust_cluster_free(c);
}

/*
 * Q: Must the profile be secure, or the cluster mixed, to install an LSC?
 * A: no.  CAPF's decision takes neither as input; it depends on the
 * authentication mode only.
 */
static void
qa_lsc_install_needs_no_secure_profile_nor_mixed_mode(void **state)
{
	ptrust_cluster *c = cluster();
	ptrust_phone *p = phone("SEP001122334455", NULL, NULL, NULL);
	ptrust_capf_outcome *o;

	(void)state;
	o = capf(c, p, PTRUST_AUTH_NULL_STRING, NULL, NULL);
	assert_true(ptrust_capf_outcome_success(o));
	assert_string_equal(ptrust_capf_outcome_status(o), "Upgrade Success");
	assert_null(ptrust_capf_outcome_result(o));
	ptrust_capf_outcome_free(o);
	o = capf(c, p, PTRUST_AUTH_STRING, "123456", "123456");
	assert_true(ptrust_capf_outcome_success(o));
	ptrust_capf_outcome_free(o);
	o = capf(c, p, PTRUST_AUTH_STRING, "123457", "123456");
	assert_false(ptrust_capf_outcome_success(o));
	assert_string_equal(ptrust_capf_outcome_status(o),
	    "Upgrade Failed: Invalid Authentication String");
	assert_non_null(ptrust_capf_outcome_fix(o));
	ptrust_capf_outcome_free(o);
	/* a prefix of the right string is not the right string */
	o = capf(c, p, PTRUST_AUTH_STRING, "1234", "123456");
	assert_false(ptrust_capf_outcome_success(o));
	ptrust_capf_outcome_free(o);
	/* no certificate to authenticate with by existing certificate */
	o = capf(c, p, PTRUST_AUTH_LSC_FIRST, NULL, NULL);
	assert_string_equal(ptrust_capf_outcome_status(o),
	    "Upgrade Failed: Invalid Credentials");
	ptrust_capf_outcome_free(o);
	ptrust_phone_free(p);
	ptrust_cluster_free(c);
}

/* Q: How to test quickly whether the LSC is the problem?  A: delete it; the MIC takes over. */
static void
qa_quick_test_without_lsc(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = cluster();
	/* an LSC from another cluster and a good MIC */
	ptrust_phone *p = phone("SEP00AABBCCDDEE", l->lsc_b, NULL, NULL);
	ptrust_result *r;
	EVP_PKEY *k = lab_key_rsa(2048);
	X509 *mic = leaf("SEP00AABBCCDDEE", l->mfg_ca, l->mfg_key, k, 0);
	X509 *certs[2] = { mic, l->mfg_ca };
	ptrust_chain *ch = test_chain(certs, 2);

	(void)state;
	assert_int_equal(ptrust_phone_set_mic(p, ch), PTRUST_OK);
	r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_LSC);
	ptrust_result_free(r);
	r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS,
	    PTRUST_PHONE_WITHOUT_LSC);
	assert_true(ptrust_result_trusted(r));	/* so the LSC is the problem */
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_MIC);
	ptrust_result_free(r);
	/* really deleting it does the same */
	ptrust_phone_delete_lsc(p);
	r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_chain_free(ch);
	X509_free(mic);
	EVP_PKEY_free(k);
	ptrust_phone_free(p);
	ptrust_cluster_free(c);
}

/*
 * Q: LSC or MIC in a capture?  The issuer CN is only a hint: a leaf whose
 * issuer name imitates CAPF-a6d4c572 but is signed by another key is not an
 * LSC of this cluster.
 */
static void
qa_lsc_or_mic_decided_by_anchor_not_name(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs;
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *fake_capf, *forged;
	ptrust_cluster *c = cluster();
	ptrust_phone *p;
	ptrust_result *r;

	(void)state;
	memset(&cs, 0, sizeof(cs));
	cs.cn = "CAPF-a6d4c572";
	cs.o = "Example Corp";
	cs.l = "Lisboa";
	cs.st = "Lisboa";
	cs.ca = 1;
	cs.pathlen = 0;
	fake_capf = lab_issue(&cs, k, NULL, NULL);
	forged = leaf("SEP001122334455", fake_capf, k, k, 0);
	p = phone("SEP001122334455", forged, NULL, NULL);
	r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	ptrust_result_free(r);
	ptrust_phone_free(p);
	/* and an LSC under an anchor with role capf is an LSC, whatever its CN */
	X509_free(forged);
	forged = leaf("SEP001122334455", l->capf_a, l->capf_a_key, k, 0);
	p = phone("SEP001122334455", forged, NULL, NULL);
	r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_phone_free(p);
	X509_free(forged);
	X509_free(fake_capf);
	EVP_PKEY_free(k);
	ptrust_cluster_free(c);
}

/*
 * Q: What must be done, in what order, after regenerating CAPF?  Old LSCs
 * stay trusted while the old CAPF certificate is in the stores, and are
 * refused once it is removed, for callmanager-tls and for capf.
 */
static void
qa_capf_regenerated_order_of_operations(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs;
	EVP_PKEY *new_key = lab_key_ec("P-256");
	X509 *new_capf, *new_lsc;
	ptrust_cluster *c = cluster();
	ptrust_phone *old = phone("SEP001122334455", l->lsc_a, l->mic,
	    l->mfg_ca);
	ptrust_phone *renewed;
	ptrust_result *r;
	ptrust_capf_outcome *o;

	(void)state;
	/* the regenerated CAPF certificate (its own subject here, so both
	 * certificates can sit in one store as the migration requires) */
	memset(&cs, 0, sizeof(cs));
	cs.cn = "CAPF-1f2e3d4c";
	cs.o = "Example Corp";
	cs.ca = 1;
	cs.pathlen = 0;
	cs.key_usage = "critical,digitalSignature,keyCertSign";
	new_capf = lab_issue(&cs, new_key, NULL, NULL);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), new_capf, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "capf-trust", 0), new_capf, NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
	/* 1. both trusted: the old LSC still registers and authenticates */
	r = check(c, old, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	o = capf(c, old, PTRUST_AUTH_LSC_FIRST, NULL, NULL);
	assert_true(ptrust_capf_outcome_success(o));
	ptrust_capf_outcome_free(o);
	/* 2. the phone gets its new LSC */
	new_lsc = leaf("SEP001122334455", new_capf, new_key, l->lsc_a_key, 0);
	renewed = phone("SEP001122334455", new_lsc, l->mic, l->mfg_ca);
	r = check(c, renewed, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* 3. only then the old CAPF certificate goes */
	assert_int_equal(ptrust_builder_remove(ptrust_cluster_store(c,
	    "callmanager-trust", 0), "CAPF-a6d4c572"), PTRUST_OK);
	assert_int_equal(ptrust_builder_remove(ptrust_cluster_store(c,
	    "capf-trust", 0), "CAPF-a6d4c572"), PTRUST_OK);
	r = check(c, renewed, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* a phone that missed step 2 is now refused, in both places */
	r = check(c, old, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_tls_alert(r), PTRUST_ALERT_UNKNOWN_CA);
	ptrust_result_free(r);
	o = capf(c, old, PTRUST_AUTH_LSC_FIRST, NULL, NULL);
	assert_false(ptrust_capf_outcome_success(o));
	assert_string_equal(ptrust_capf_outcome_status(o),
	    "Upgrade Failed: Invalid LSC");
	ptrust_capf_outcome_free(o);
	ptrust_phone_free(old);
	ptrust_phone_free(renewed);
	X509_free(new_capf);
	X509_free(new_lsc);
	EVP_PKEY_free(new_key);
	ptrust_cluster_free(c);
}

/* Q: What does the CAPF authentication mode mean?  Invalid LSC, and its fix. */
static void
qa_capf_invalid_lsc_and_modes(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = cluster();
	ptrust_phone *p = phone("SEP00AABBCCDDEE", l->lsc_b, NULL, NULL);
	EVP_PKEY *k = lab_key_rsa(2048);
	X509 *mic = leaf("SEP00AABBCCDDEE", l->mfg_ca, l->mfg_key, k, 0);
	X509 *certs[2] = { mic, l->mfg_ca };
	ptrust_chain *ch = test_chain(certs, 2);
	ptrust_capf_outcome *o;
	const ptrust_result *r;

	(void)state;
	assert_int_equal(ptrust_phone_set_mic(p, ch), PTRUST_OK);
	o = capf(c, p, PTRUST_AUTH_LSC_FIRST, NULL, NULL);
	assert_false(ptrust_capf_outcome_success(o));
	assert_string_equal(ptrust_capf_outcome_status(o),
	    "Upgrade Failed: Invalid LSC");
	assert_non_null(strstr(ptrust_capf_outcome_fix(o), "By Null String"));
	assert_non_null(strstr(ptrust_capf_outcome_fix(o), "CAPF-trust"));
	assert_non_null(r = ptrust_capf_outcome_result(o));
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_INVALID_LSC);
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_LSC);
	ptrust_capf_outcome_free(o);
	/* precedence to MIC: the phone's MIC is trusted by CAPF */
	o = capf(c, p, PTRUST_AUTH_MIC_FIRST, NULL, NULL);
	assert_true(ptrust_capf_outcome_success(o));
	assert_int_equal(ptrust_result_presented(ptrust_capf_outcome_result(o)),
	    PTRUST_PRESENTED_MIC);
	ptrust_capf_outcome_free(o);
	/* delete and troubleshoot speak the same way */
	{
		ptrust_options *opt = test_options();

		assert_int_equal(ptrust_capf_decide(c, p, PTRUST_CAPF_DELETE,
		    PTRUST_AUTH_LSC_FIRST, NULL, NULL, opt, &o), PTRUST_OK);
		assert_string_equal(ptrust_capf_outcome_status(o),
		    "Delete Failed: Invalid LSC");
		ptrust_capf_outcome_free(o);
		assert_int_equal(ptrust_capf_decide(c, p,
		    PTRUST_CAPF_TROUBLESHOOT, PTRUST_AUTH_NULL_STRING, NULL,
		    NULL, opt, &o), PTRUST_OK);
		assert_string_equal(ptrust_capf_outcome_status(o),
		    "Troubleshoot Success");
		ptrust_capf_outcome_free(o);
		/* bad arguments */
		assert_int_equal(ptrust_capf_decide(c, p, PTRUST_CAPF_INSTALL,
		    PTRUST_AUTH_STRING, "1234", "12", opt, &o), PTRUST_ERR_ARG);
		assert_true(strlen(ptrust_capf_outcome_error(o)) > 0);
		ptrust_capf_outcome_free(o);
		assert_int_equal(ptrust_capf_decide(c, p, PTRUST_CAPF_INSTALL,
		    PTRUST_AUTH_STRING, "12a4", "1234", opt, &o), PTRUST_OK);
		assert_false(ptrust_capf_outcome_success(o));
		ptrust_capf_outcome_free(o);
		assert_int_equal(ptrust_capf_decide(NULL, p, PTRUST_CAPF_INSTALL,
		    PTRUST_AUTH_NULL_STRING, NULL, NULL, opt, &o),
		    PTRUST_ERR_ARG);
		ptrust_capf_outcome_free(o);
		assert_int_equal(ptrust_capf_decide(c, p, 7,
		    PTRUST_AUTH_NULL_STRING, NULL, NULL, opt, &o),
		    PTRUST_ERR_ARG);
		ptrust_capf_outcome_free(o);
		assert_int_equal(ptrust_capf_decide(c, p, PTRUST_CAPF_INSTALL,
		    PTRUST_AUTH_NULL_STRING, NULL, NULL, opt, NULL),
		    PTRUST_ERR_ARG);
		ptrust_options_free(opt);
	}
	assert_false(ptrust_capf_outcome_success(NULL));
	assert_null(ptrust_capf_outcome_status(NULL));
	ptrust_capf_outcome_free(NULL);
	ptrust_chain_free(ch);
	X509_free(mic);
	EVP_PKEY_free(k);
	ptrust_phone_free(p);
	ptrust_cluster_free(c);
}

/* A MIC can never be renewed: expired means install an LSC. */
static void
qa_expired_mic(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = cluster();
	EVP_PKEY *k = lab_key_rsa(2048);
	X509 *mic = leaf("SEP0011223344AA", l->mfg_ca, l->mfg_key, k,
	    LAB_T0 - LAB_DAY / 2);
	ptrust_phone *p = phone("SEP0011223344AA", NULL, mic, l->mfg_ca);
	ptrust_result *r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);

	(void)state;
	assert_false(ptrust_result_trusted(r));
	/* refused: of no kind, though its anchor says it is a MIC */
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_result_evidence(r), PTRUST_EVIDENCE_ANCHOR);
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_MIC_EXPIRED);
	assert_non_null(strstr(ptrust_result_fix(r), "never renewed"));
	assert_non_null(strstr(ptrust_result_fix(r), "install an LSC"));
	assert_int_equal(ptrust_result_tls_alert(r),
	    PTRUST_ALERT_CERTIFICATE_EXPIRED);
	ptrust_result_free(r);
	ptrust_phone_free(p);
	X509_free(mic);
	EVP_PKEY_free(k);
	ptrust_cluster_free(c);
}

static void
qa_expired_lsc_reissue(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = cluster();
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *lsc = leaf("SEP0011223344AB", l->capf_a, l->capf_a_key, k,
	    LAB_T0);
	ptrust_phone *p = phone("SEP0011223344AB", lsc, NULL, NULL);
	ptrust_result *r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);

	(void)state;
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_LSC_EXPIRED);
	assert_non_null(strstr(ptrust_result_fix(r), "Reissue"));
	ptrust_result_free(r);
	ptrust_phone_free(p);
	X509_free(lsc);
	EVP_PKEY_free(k);
	ptrust_cluster_free(c);
}

/* An old phone whose MIC chain is SHA-1: name the option, recommend an LSC. */
static void
qa_sha1_manufacturing_chain(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs;
	EVP_PKEY *ca_key = lab_key_rsa(2048), *k = lab_key_rsa(2048);
	X509 *sha1_ca, *mic;
	ptrust_cluster *c = cluster();
	ptrust_phone *p;
	ptrust_result *r;

	(void)state;
	memset(&cs, 0, sizeof(cs));
	cs.cn = "Lab Manufacturing CA";
	cs.o = "Cisco";
	cs.ca = 1;
	cs.pathlen = 0;
	cs.md = EVP_sha1();
	sha1_ca = lab_issue(&cs, ca_key, l->mfg_root, l->root_key);
	mic = leaf("SEP0011223344CC", sha1_ca, ca_key, k, 0);
	p = phone("SEP0011223344CC", NULL, mic, sha1_ca);
	r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_SHA1_MANUFACTURING_CHAIN);
	assert_non_null(strstr(ptrust_result_fix(r), "allow_sha1"));
	assert_non_null(strstr(ptrust_result_fix(r), "Install an LSC"));
	ptrust_result_free(r);
	ptrust_phone_free(p);
	X509_free(mic);
	X509_free(sha1_ca);
	EVP_PKEY_free(k);
	EVP_PKEY_free(ca_key);
	ptrust_cluster_free(c);
}

static void
qa_phone_without_any_certificate(void **state)
{
	ptrust_cluster *c = cluster();
	ptrust_phone *p = phone("SEP0011223344DD", NULL, NULL, NULL);
	ptrust_result *r = check(c, p, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);

	(void)state;
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_NONE);
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_NO_CERTIFICATE);
	assert_true(test_has_reason(r, PTRUST_REASON_NO_CERTIFICATE, -1));
	assert_int_equal(ptrust_result_tls_alert(r),
	    PTRUST_ALERT_HANDSHAKE_FAILURE);
	assert_non_null(ptrust_result_fix(r));
	ptrust_result_free(r);
	ptrust_phone_free(p);
	ptrust_cluster_free(c);
}

/* Cisco's hardening: manufacturing CAs out of CallManager-trust once all phones have LSCs. */
static void
qa_manufacturing_cas_removed(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = cluster();
	ptrust_phone *lsc = phone("SEP001122334455", l->lsc_a, l->mic,
	    l->mfg_ca);
	ptrust_phone *mic = phone("SEP001122334455", NULL, l->mic, l->mfg_ca);
	ptrust_result *r;

	(void)state;
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 0),
	    PTRUST_OK);
	r = check(c, lsc, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	r = check(c, mic, PTRUST_CLUSTER_CALLMANAGER_TLS, 0);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_INVALID_MIC);
	ptrust_result_free(r);
	ptrust_phone_free(lsc);
	ptrust_phone_free(mic);
	ptrust_cluster_free(c);
}

/* 802.1x and VPN validate against the store the administrator names. */
static void
qa_8021x_needs_its_store(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = cluster();
	ptrust_phone *p = phone("SEP001122334455", l->lsc_a, NULL, NULL);
	ptrust_options *o = test_options();
	ptrust_result *r = NULL;

	(void)state;
	assert_int_equal(ptrust_cluster_verify_phone(c, p, PTRUST_CLUSTER_VPN,
	    o, 0, &r), PTRUST_ERR_ARG);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_NO_STORE_FOR_PURPOSE);
	assert_non_null(strstr(ptrust_result_error(r), "vpn"));
	ptrust_result_free(r);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "vpn-trust", 1), l->capf_a, NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_VPN, "vpn-trust"), PTRUST_OK);
	assert_int_equal(ptrust_cluster_verify_phone(c, p, PTRUST_CLUSTER_VPN,
	    o, 0, &r), PTRUST_OK);
	assert_true(ptrust_result_trusted(r));
	assert_string_equal(ptrust_result_store_name(r), "vpn-trust");
	ptrust_result_free(r);
	ptrust_options_free(o);
	ptrust_phone_free(p);
	ptrust_cluster_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qa_lsc_preferred_over_mic),
		cmocka_unit_test(qa_migrated_phone_refused_unknown_ca),
		cmocka_unit_test(qa_secure_profile_without_lsc_uses_mic),
		cmocka_unit_test(
		    qa_lsc_install_needs_no_secure_profile_nor_mixed_mode),
		cmocka_unit_test(qa_quick_test_without_lsc),
		cmocka_unit_test(qa_lsc_or_mic_decided_by_anchor_not_name),
		cmocka_unit_test(qa_capf_regenerated_order_of_operations),
		cmocka_unit_test(qa_capf_invalid_lsc_and_modes),
		cmocka_unit_test(qa_expired_mic),
		cmocka_unit_test(qa_expired_lsc_reissue),
		cmocka_unit_test(qa_sha1_manufacturing_chain),
		cmocka_unit_test(qa_phone_without_any_certificate),
		cmocka_unit_test(qa_manufacturing_cas_removed),
		cmocka_unit_test(qa_8021x_needs_its_store),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	test_lab_free();
	return rc;
}
