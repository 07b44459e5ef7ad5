/*
 * The one judging path (lib/cisco/judge.c): the rules of the phone purposes,
 * the evidence of what a refused phone presented, diagnosis from facts,
 * the anchor's real store, notes, and the device checked by a plain
 * ptrust_verify.  The cross-door agreement itself is tests/e2e/cross-door.test.
 */
#include <string.h>

#include <openssl/x509.h>

#include "testutil.h"

#include <phonetrust-cluster.h>

/* mfg_root and capf_a as anchors of the right roles, for a purpose */
static ptrust_store *
phone_store(void)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = ptrust_builder_new("callmanager-trust");
	ptrust_store *s = NULL;

	assert_non_null(b);
	assert_int_equal(ptrust_builder_add_x509(b, l->capf_a, NULL,
	    PTRUST_ROLE_CAPF), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(b, l->mfg_root, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	ptrust_builder_free(b);
	return s;
}

static ptrust_result *
judge(const ptrust_store *s, X509 *const *certs, int n, const char *device)
{
	ptrust_chain *ch = test_chain(certs, n);
	ptrust_options *o = test_options();
	ptrust_result *r = NULL;

	if (device != NULL)
		assert_int_equal(ptrust_options_set_device(o, device),
		    PTRUST_OK);
	assert_int_equal(ptrust_verify_presented(s,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, ch, o, &r), PTRUST_OK);
	assert_non_null(r);
	ptrust_chain_free(ch);
	ptrust_options_free(o);
	return r;
}

static void
mic_with_intermediate_trusted(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	X509 *c[] = { l->mic, l->mfg_ca };
	ptrust_result *r = judge(s, c, 2, "SEP001122334455");

	(void)state;
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_result_evidence(r), PTRUST_EVIDENCE_ANCHOR);
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_NONE);
	assert_null(ptrust_result_fix(r));
	assert_null(ptrust_result_issuer(r));
	assert_int_equal(ptrust_result_note_count(r), 0);
	ptrust_result_free(r);
	ptrust_store_unref(s);
}

/* A MIC alone: its issuer is a manufacturing CA by name, and missing. */
static void
mic_alone_is_missing_intermediate(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	ptrust_result *r = judge(s, &l->mic, 1, "SEP001122334455");

	(void)state;
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_result_evidence(r), PTRUST_EVIDENCE_NAME);
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_MISSING_INTERMEDIATE);
	assert_non_null(strstr(ptrust_result_fix(r),
	    "Lab Manufacturing CA SHA2"));
	assert_non_null(strstr(ptrust_result_fix(r), "the issuer's name"));
	assert_non_null(strstr(ptrust_result_issuer(r),
	    "Lab Manufacturing CA SHA2"));
	ptrust_result_free(r);
	ptrust_store_unref(s);
}

/* Expired and alone: expired, whatever else is wrong. */
static void
expired_leaf_alone_is_expired(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	struct lab_spec sp;
	EVP_PKEY *k = lab_key_rsa(2048);
	X509 *mic;
	ptrust_result *r;
	size_t i;
	int found = 0;

	(void)state;
	memset(&sp, 0, sizeof(sp));
	sp.cn = "SEP0011223344FF";
	sp.o = "Cisco Systems Inc.";
	sp.pathlen = -1;
	sp.eku = "clientAuth,serverAuth";
	sp.not_before = LAB_T0 - 400 * LAB_DAY;
	sp.not_after = LAB_T0 - 5 * LAB_DAY;
	assert_non_null(mic = lab_issue(&sp, k, l->mfg_ca, l->mfg_key));
	r = judge(s, &mic, 1, "SEP0011223344FF");
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_MIC_EXPIRED);
	for (i = 0; i < ptrust_result_reason_count(r); i++)
		if (ptrust_result_reason_code(r, i) == PTRUST_REASON_EXPIRED) {
			/* the time itself, not a date read back from text */
			assert_int_equal(ptrust_result_reason_time(r, i),
			    sp.not_after);
			found = 1;
		}
	assert_true(found);
	ptrust_result_free(r);
	X509_free(mic);
	EVP_PKEY_free(k);
	ptrust_store_unref(s);
}

/* A CAPF's certificate sent as the phone's. */
static void
ca_as_leaf_refused(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	ptrust_result *r = judge(s, &l->capf_a, 1, NULL);

	(void)state;
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_CA_AS_LEAF, 0));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_NOT_A_PHONE_CERTIFICATE);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	ptrust_result_free(r);
	/* a plain validation has no phone rules: the pinned anchor passes */
	r = test_verify(s, &l->capf_a, 1, NULL);
	assert_false(test_has_reason(r, PTRUST_REASON_CA_AS_LEAF, -2));
	ptrust_result_free(r);
	ptrust_store_unref(s);
}

/* Intermediate first, then the MIC: refused, never judged as the CA. */
static void
wrong_order_refused(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	X509 *c[] = { l->mfg_ca, l->mic };
	ptrust_result *r = judge(s, c, 2, NULL);

	(void)state;
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_WRONG_ORDER, 0));
	assert_false(test_has_reason(r, PTRUST_REASON_CA_AS_LEAF, -2));
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_WRONG_ORDER);
	ptrust_result_free(r);
	ptrust_store_unref(s);
}

/* An anchor of role other vouches for no phone. */
static void
anchor_of_no_kind_refused(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_OTHER,
	    &l->capf_a, 1);
	ptrust_result *r = judge(s, &l->lsc_a, 1, "SEP001122334455");

	(void)state;
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_KIND, 0));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_NOT_A_PHONE_CERTIFICATE);
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_NONE);
	ptrust_result_free(r);
	ptrust_store_unref(s);
}

/* A certificate sent and not used is told, without refusing. */
static void
unused_certificate_noted(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	X509 *c[] = { l->lsc_a, l->capf_b };
	ptrust_result *r = judge(s, c, 2, "SEP001122334455");

	(void)state;
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_note_count(r), 1);
	assert_non_null(strstr(ptrust_result_note(r, 0), "CAPF-0badcafe"));
	assert_non_null(strstr(ptrust_result_note(r, 0), "certificate 2"));
	assert_null(ptrust_result_note(r, 1));
	ptrust_result_free(r);
	ptrust_store_unref(s);
}

/* An issuer named like no Cisco CA: no guess either way. */
static void
unknown_issuer_is_not_called_another_cluster(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	struct lab_spec ca, leaf;
	EVP_PKEY *ck = lab_key_ec("P-256"), *lk = lab_key_ec("P-256");
	X509 *issuer, *cert;
	ptrust_result *r;

	(void)state;
	(void)l;
	memset(&ca, 0, sizeof(ca));
	ca.cn = "Partner Issuing CA";
	ca.ca = 1;
	ca.pathlen = 0;
	memset(&leaf, 0, sizeof(leaf));
	leaf.cn = "SEP001122334455";
	leaf.pathlen = -1;
	leaf.eku = "clientAuth,serverAuth";
	assert_non_null(issuer = lab_issue(&ca, ck, NULL, NULL));
	assert_non_null(cert = lab_issue(&leaf, lk, issuer, ck));
	r = judge(s, &cert, 1, "SEP001122334455");
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_evidence(r), PTRUST_EVIDENCE_DEFAULT);
	assert_int_not_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_UNTRUSTED_CERTIFICATE);
	ptrust_result_free(r);
	X509_free(cert);
	X509_free(issuer);
	EVP_PKEY_free(ck);
	EVP_PKEY_free(lk);
	ptrust_store_unref(s);
}

/* A MIC's verdict names the store its anchor lives in. */
static void
anchor_store_is_the_real_one(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_store *s = NULL;
	X509 *mic[] = { l->mic, l->mfg_ca }, *lsc[] = { l->lsc_a };
	ptrust_result *r;

	(void)state;
	assert_non_null(c);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->capf_a, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "manufacturing-ca", 0), l->mfg_root, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	assert_int_equal(ptrust_cluster_snapshot(c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &s), PTRUST_OK);
	r = judge(s, mic, 2, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_string_equal(ptrust_result_store_name(r), "callmanager-trust");
	assert_string_equal(ptrust_result_anchor_store(r), "manufacturing-ca");
	/* no device claimed: the one the MIC names */
	assert_string_equal(ptrust_result_device(r), "SEP001122334455");
	ptrust_result_free(r);
	r = judge(s, lsc, 1, NULL);
	assert_string_equal(ptrust_result_anchor_store(r), "callmanager-trust");
	ptrust_result_free(r);
	ptrust_store_unref(s);
	ptrust_cluster_free(c);
}

/* ptrust_verify checks the device of the options too. */
static void
plain_verify_checks_the_device(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	ptrust_chain *ch = test_chain(&l->lsc_a, 1);
	ptrust_options *o = test_options();
	ptrust_result *r = NULL;

	(void)state;
	assert_int_equal(ptrust_options_set_device(o, "SEP00AABBCCDDEE"),
	    PTRUST_OK);
	assert_int_equal(ptrust_verify(s, ch, o, &r), PTRUST_OK);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_IDENTITY_MISMATCH, 0));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_IDENTITY_MISMATCH);
	ptrust_result_free(r);
	/* cleared: trusted again */
	assert_int_equal(ptrust_options_set_device(o, NULL), PTRUST_OK);
	assert_int_equal(ptrust_verify(s, ch, o, &r), PTRUST_OK);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* not a device name: refused, the options unchanged */
	assert_int_equal(ptrust_options_set_device(o, "SEP00AA\n"),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_verify(s, ch, o, &r), PTRUST_OK);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_options_set_device(NULL, "SEP00AABBCCDDEE"),
	    PTRUST_ERR_ARG);
	ptrust_options_free(o);
	ptrust_chain_free(ch);
	ptrust_store_unref(s);
}

static void
bad_arguments(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	ptrust_chain *ch = test_chain(&l->lsc_a, 1), *empty = ptrust_chain_new();
	ptrust_result *r = (ptrust_result *)1;

	(void)state;
	assert_int_equal(ptrust_verify_presented(s, (ptrust_cluster_purpose)99,
	    ch, NULL, &r), PTRUST_ERR_ARG);
	assert_null(r);
	assert_int_equal(ptrust_verify_presented(NULL,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, ch, NULL, &r), PTRUST_ERR_ARG);
	assert_false(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_verify_presented(s,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, empty, NULL, &r), PTRUST_ERR_ARG);
	assert_false(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_verify_presented(s,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, ch, NULL, NULL), PTRUST_ERR_ARG);
	assert_string_equal(ptrust_evidence_name(PTRUST_EVIDENCE_KEY), "key");
	assert_null(ptrust_evidence_name((ptrust_evidence)42));
	assert_int_equal(ptrust_result_evidence(NULL), PTRUST_EVIDENCE_NONE);
	assert_null(ptrust_result_anchor_store(NULL));
	assert_int_equal(ptrust_result_note_count(NULL), 0);
	assert_int_equal(ptrust_result_reason_time(NULL, 0), 0);
	ptrust_chain_free(ch);
	ptrust_chain_free(empty);
	ptrust_store_unref(s);
}

/* Every allocation failure fails closed and frees everything. */
static void
out_of_memory(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = phone_store();
	X509 *c[] = { l->mic, l->capf_b };
	ptrust_chain *ch = test_chain(c, 2);
	ptrust_options *o = test_options();
	ptrust_result *r;
	ptrust_status st;
	long n;

	(void)state;
	assert_int_equal(ptrust_options_set_device(o, "SEP001122334455"),
	    PTRUST_OK);
	for (n = 1;; n++) {
		r = NULL;
		test_oom_fail_at(n);
		st = ptrust_verify_presented(s, PTRUST_CLUSTER_CALLMANAGER_TLS,
		    ch, o, &r);
		if (!test_oom_stop()) {
			assert_int_equal(st, PTRUST_OK);
			assert_int_equal(ptrust_result_diagnosis(r),
			    PTRUST_DIAG_MISSING_INTERMEDIATE);
			ptrust_result_free(r);
			break;
		}
		assert_false(ptrust_result_trusted(r));
		ptrust_result_free(r);
	}
	assert_true(n > 10);
	ptrust_options_free(o);
	ptrust_chain_free(ch);
	ptrust_store_unref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mic_with_intermediate_trusted),
		cmocka_unit_test(mic_alone_is_missing_intermediate),
		cmocka_unit_test(expired_leaf_alone_is_expired),
		cmocka_unit_test(ca_as_leaf_refused),
		cmocka_unit_test(wrong_order_refused),
		cmocka_unit_test(anchor_of_no_kind_refused),
		cmocka_unit_test(unused_certificate_noted),
		cmocka_unit_test(unknown_issuer_is_not_called_another_cluster),
		cmocka_unit_test(anchor_store_is_the_real_one),
		cmocka_unit_test(plain_verify_checks_the_device),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(out_of_memory),
	};
	int rc;

	test_oom_hook();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_lab_free();
	return rc;
}
