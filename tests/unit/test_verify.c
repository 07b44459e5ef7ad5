/*
 * Validation: verdicts, kinds, anchors, alerts, and every reason code
 * produced by a real certificate.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <phonetrust-cluster.h>

#include "testutil.h"

static void
dump(const ptrust_result *r)
{
	size_t i;

	for (i = 0; i < ptrust_result_reason_count(r); i++)
		print_message("  reason %s depth %d: %s\n",
		    ptrust_reason_name(ptrust_result_reason_code(r, i)),
		    ptrust_result_reason_depth(r, i),
		    ptrust_result_reason_message(r, i));
}

/* Validate certs against anchors with o (NULL: test_options()). */
static ptrust_result *
run(X509 *const *anchors, int na, X509 *const *certs, int nc,
    ptrust_options *o)
{
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    anchors, na);
	ptrust_options *own = o == NULL ? test_options() : NULL;
	ptrust_result *r = test_verify(s, certs, nc, o != NULL ? o : own);

	dump(r);
	ptrust_options_free(own);
	ptrust_store_unref(s);
	return r;
}

/* Expect a refusal carrying code at depth (-2: any depth) and alert. */
static void
expect_refused(ptrust_result *r, ptrust_reason_code code, int depth,
    ptrust_tls_alert alert)
{
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, code, depth));
	if (alert != PTRUST_ALERT_NONE)
		assert_int_equal(ptrust_result_tls_alert(r), alert);
	ptrust_result_free(r);
}

static X509 *
issue(struct lab_spec *s, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey)
{
	return lab_issue(s, key, issuer, ikey);
}

static struct lab_spec
leaf_spec(const char *cn)
{
	struct lab_spec s;

	memset(&s, 0, sizeof(s));
	s.cn = cn;
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	return s;
}

static struct lab_spec
ca_spec(const char *cn, int pathlen)
{
	struct lab_spec s;

	memset(&s, 0, sizeof(s));
	s.cn = cn;
	s.ca = 1;
	s.pathlen = pathlen;
	return s;
}

/* ------------------------------------------------------------ verdicts */

static void
lsc_trusted_via_capf(void **state)
{
	const struct lab *l = test_lab();
	X509 *anchors[] = { l->capf_a, l->mfg_root };
	ptrust_result *r = run(anchors, 2, &l->lsc_a, 1, NULL);
	const ptrust_anchor *a;

	(void)state;
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_reason_count(r), 0);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	assert_int_equal(ptrust_result_tls_alert(r), PTRUST_ALERT_NONE);
	assert_non_null(a = ptrust_result_anchor(r));
	assert_string_equal(ptrust_anchor_alias(a), "CAPF-a6d4c572");
	assert_int_equal(ptrust_anchor_role(a), PTRUST_ROLE_CAPF);
	assert_string_equal(ptrust_result_store_name(r), "callmanager-trust");
	assert_int_equal(ptrust_result_chain_length(r), 2);
	assert_string_equal(ptrust_result_chain_subject(r, 0),
	    "CN=SEP001122334455,O=Example Corp");
	assert_string_equal(ptrust_result_chain_subject(r, 1),
	    "CN=CAPF-a6d4c572,L=Lisboa,ST=Lisboa,O=Example Corp");
	assert_null(ptrust_result_chain_subject(r, 2));
	assert_string_equal(ptrust_result_error(r), "");
	ptrust_result_free(r);
}

static void
mic_trusted_via_manufacturing_root(void **state)
{
	const struct lab *l = test_lab();
	X509 *chain[] = { l->mic, l->mfg_ca };
	ptrust_store *s = test_store("callmanager-trust",
	    PTRUST_ROLE_MANUFACTURING, &l->mfg_root, 1);
	ptrust_options *o = test_options();
	ptrust_result *r = test_verify(s, chain, 2, o);

	(void)state;
	dump(r);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	assert_int_equal(ptrust_result_chain_length(r), 3);
	assert_string_equal(ptrust_anchor_alias(ptrust_result_anchor(r)),
	    "Lab_Root_CA_M2");
	ptrust_result_free(r);
	/* Without the intermediate the chain cannot be built. */
	r = test_verify(s, &l->mic, 1, o);
	expect_refused(r, PTRUST_REASON_UNKNOWN_CA, 0, PTRUST_ALERT_UNKNOWN_CA);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

static void
trusted_intermediate_is_an_anchor(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust",
	    PTRUST_ROLE_MANUFACTURING, &l->mfg_ca, 1);
	ptrust_options *o = test_options();
	ptrust_result *r = test_verify(s, &l->mic, 1, o);

	(void)state;
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	assert_int_equal(ptrust_result_chain_length(r), 2);
	ptrust_result_free(r);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

static void
role_other_gives_kind_unknown(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("radius-trust", PTRUST_ROLE_OTHER,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	ptrust_result *r = test_verify(s, &l->lsc_a, 1, o);

	(void)state;
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	ptrust_result_free(r);
	ptrust_options_free(o);
	ptrust_store_unref(s);
	/* external-ca issues LSCs too */
	s = test_store("callmanager-trust", PTRUST_ROLE_EXTERNAL_CA,
	    &l->capf_a, 1);
	o = test_options();
	r = test_verify(s, &l->lsc_a, 1, o);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/* The migrated phone: LSC from another cluster's CAPF. */
static void
unknown_ca_lsc_from_other_cluster(void **state)
{
	const struct lab *l = test_lab();
	X509 *anchors[] = { l->capf_a, l->mfg_root };
	ptrust_result *r = run(anchors, 2, &l->lsc_b, 1, NULL);

	(void)state;
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_result_anchor(r));
	assert_int_equal(ptrust_result_reason_code(r, 0),
	    PTRUST_REASON_UNKNOWN_CA);
	assert_int_equal(ptrust_result_reason_depth(r, 0), 0);
	assert_string_equal(ptrust_result_reason_subject(r, 0),
	    "CN=SEP00AABBCCDDEE,O=Other Cluster");
	assert_non_null(strstr(ptrust_result_reason_message(r, 0),
	    "CAPF-0badcafe"));
	assert_non_null(strstr(ptrust_result_reason_message(r, 0),
	    "callmanager-trust"));
	expect_refused(r, PTRUST_REASON_UNKNOWN_CA, 0, PTRUST_ALERT_UNKNOWN_CA);
}

/* A leaf whose issuer name imitates our CAPF, signed by another key. */
static void
imitated_capf_name_is_not_an_lsc(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs = ca_spec("CAPF-a6d4c572", 0);
	struct lab_spec ls = leaf_spec("SEP001122334455");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *fake_capf, *leaf;
	ptrust_result *r;

	(void)state;
	cs.o = "Example Corp"; cs.l = "Lisboa"; cs.st = "Lisboa";
	cs.key_usage = "critical,digitalSignature,keyCertSign";
	fake_capf = issue(&cs, k, NULL, NULL);
	ls.o = "Example Corp";
	leaf = issue(&ls, k, fake_capf, k);
	r = run(&l->capf_a, 1, &leaf, 1, NULL);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_BAD_SIGNATURE, 0) ||
	    test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, 0));
	ptrust_result_free(r);
	X509_free(leaf);
	X509_free(fake_capf);
	EVP_PKEY_free(k);
}

/* A leaf pinned in the store, sent with its issuer: the leaf is the anchor. */
static void
pinned_leaf_sent_with_issuer(void **state)
{
	const struct lab *l = test_lab();
	X509 *chain[] = { l->lsc_a, l->capf_a };
	ptrust_result *r = run(&l->lsc_a, 1, chain, 2, NULL);

	(void)state;
	assert_true(ptrust_result_trusted(r));
	assert_non_null(ptrust_result_anchor(r));
	assert_string_equal(ptrust_anchor_alias(ptrust_result_anchor(r)),
	    "SEP001122334455");
	ptrust_result_free(r);
}

/* CAPF regenerated with the same name: the message says so. */
static void
unknown_ca_same_name_other_key(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs = ca_spec("CAPF-a6d4c572", 0);
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *new_capf;
	ptrust_result *r;

	(void)state;
	cs.o = "Example Corp"; cs.l = "Lisboa"; cs.st = "Lisboa";
	cs.key_usage = "critical,digitalSignature,keyCertSign";
	new_capf = issue(&cs, k, NULL, NULL);
	r = run(&new_capf, 1, &l->lsc_a, 1, NULL);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, 0));
	assert_non_null(strstr(ptrust_result_reason_message(r, 0),
	    "another key"));
	ptrust_result_free(r);
	X509_free(new_capf);
	EVP_PKEY_free(k);
}

/* ------------------------------------------------------------ each reason */

static void
reason_expired(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000E1");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *leaf;
	ptrust_result *r;

	(void)state;
	s.not_before = LAB_T0 - 400 * LAB_DAY;
	s.not_after = LAB_T0 - 10 * LAB_DAY;
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	r = run(&l->capf_a, 1, &leaf, 1, NULL);
	/*
	 * Refused, so of no kind; still known to have presented an LSC: the
	 * anchor's key verified it, only time failed.
	 */
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_LSC);
	assert_int_equal(ptrust_result_evidence(r), PTRUST_EVIDENCE_ANCHOR);
	assert_int_equal(ptrust_result_reason_time(r, 0), s.not_after);
	assert_non_null(strstr(ptrust_result_reason_message(r, 0),
	    "2025-12-22T00:00:00Z"));
	expect_refused(r, PTRUST_REASON_EXPIRED, 0,
	    PTRUST_ALERT_CERTIFICATE_EXPIRED);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

/* RFC 5280: notAfter is the last valid second (OpenSSL 3.0 says expired). */
static void
valid_through_not_after(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000E7");
	EVP_PKEY *k = lab_key_ec("P-256");
	ptrust_options *o = test_options();
	ptrust_result *r;
	X509 *leaf;

	(void)state;
	s.not_after = LAB_T0 + 100 * LAB_DAY;
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	assert_int_equal(ptrust_options_set_time(o, s.not_after), PTRUST_OK);
	r = run(&l->capf_a, 1, &leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_options_set_time(o, s.not_after + 1),
	    PTRUST_OK);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, o), PTRUST_REASON_EXPIRED,
	    0, PTRUST_ALERT_CERTIFICATE_EXPIRED);
	ptrust_options_free(o);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_not_yet_valid(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000E2");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *leaf;

	(void)state;
	s.not_before = TEST_NOW + LAB_DAY;
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, NULL),
	    PTRUST_REASON_NOT_YET_VALID, 0, PTRUST_ALERT_BAD_CERTIFICATE);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_bad_signature(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000E3");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *leaf;
	ptrust_result *r;

	(void)state;
	s.corrupt_signature = 1;
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	r = run(&l->capf_a, 1, &leaf, 1, NULL);
	/* A signature the anchor did not make says nothing about the kind. */
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	expect_refused(r, PTRUST_REASON_BAD_SIGNATURE, 0,
	    PTRUST_ALERT_BAD_CERTIFICATE);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_weak_signature_and_allow_sha1(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs = ca_spec("Lab Manufacturing CA", 0);
	struct lab_spec ls = leaf_spec("SEP0000000000E4");
	EVP_PKEY *k = lab_key_rsa(2048);
	X509 *sha1_ca, *leaf, *chain[2];
	ptrust_store *st;
	ptrust_options *o;
	ptrust_result *r;

	(void)state;
	cs.o = "Cisco";
	cs.md = EVP_sha1();
	sha1_ca = issue(&cs, k, l->mfg_root, l->root_key);
	leaf = issue(&ls, l->mic_key, sha1_ca, k);
	chain[0] = leaf;
	chain[1] = sha1_ca;
	st = test_store("callmanager-trust", PTRUST_ROLE_MANUFACTURING,
	    &l->mfg_root, 1);
	o = test_options();
	r = test_verify(st, chain, 2, o);
	dump(r);
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_MIC);
	assert_false(test_has_reason(r, PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM,
	    0));
	expect_refused(r, PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM, 1,
	    PTRUST_ALERT_BAD_CERTIFICATE);
	assert_int_equal(ptrust_options_insecure_allow_sha1(o, 1), PTRUST_OK);
	r = test_verify(st, chain, 2, o);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	/* allow_sha1 is for SHA-1 only: MD5 stays refused. */
	X509_free(sha1_ca);
	cs.md = EVP_md5();
	sha1_ca = issue(&cs, k, l->mfg_root, l->root_key);
	chain[1] = sha1_ca;
	r = test_verify(st, chain, 2, o);
	dump(r);
	assert_false(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_options_free(o);
	ptrust_store_unref(st);
	X509_free(leaf);
	X509_free(sha1_ca);
	EVP_PKEY_free(k);
}

static void
reason_key_too_small(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000E5");
	EVP_PKEY *k = lab_key_rsa(1024);
	ptrust_options *o = test_options();
	X509 *leaf;
	ptrust_result *r;

	(void)state;
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, o),
	    PTRUST_REASON_KEY_TOO_SMALL, 0, PTRUST_ALERT_BAD_CERTIFICATE);
	/* Level 1 admits RSA-1024, and only through the insecure call. */
	assert_int_equal(ptrust_options_set_security_level(o, 1),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_insecure_set_security_level(o, 1),
	    PTRUST_OK);
	r = run(&l->capf_a, 1, &leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* Level 3 (128 bits) refuses RSA-2048 as well. */
	assert_int_equal(ptrust_options_set_security_level(o, 3), PTRUST_OK);
	expect_refused(run(&l->capf_b, 1, &l->lsc_b, 1, o),
	    PTRUST_REASON_KEY_TOO_SMALL, -2, PTRUST_ALERT_NONE);
	ptrust_options_free(o);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_not_a_ca(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec ms = leaf_spec("Not A CA");
	struct lab_spec ls = leaf_spec("SEP0000000000E6");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *mid, *leaf, *chain[2];
	ptrust_result *r;

	(void)state;
	ms.key_usage = "critical,digitalSignature,keyCertSign";
	mid = issue(&ms, k, l->capf_a, l->capf_a_key);
	leaf = issue(&ls, l->lsc_a_key, mid, k);
	chain[0] = leaf;
	chain[1] = mid;
	r = run(&l->capf_a, 1, chain, 2, NULL);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	/* keyCertSign in a non-CA is malformed too: bad_certificate */
	assert_true(test_has_reason(r, PTRUST_REASON_MALFORMED, 1));
	expect_refused(r, PTRUST_REASON_NOT_A_CA, 1,
	    PTRUST_ALERT_BAD_CERTIFICATE);
	X509_free(mid);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_bad_key_usage(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs = ca_spec("CA Without keyCertSign", -1);
	struct lab_spec ls = leaf_spec("SEP0000000000E7");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *mid, *leaf, *chain[2];

	(void)state;
	cs.key_usage = "critical,digitalSignature,cRLSign";
	mid = issue(&cs, k, l->mfg_root, l->root_key);
	leaf = issue(&ls, l->lsc_a_key, mid, k);
	chain[0] = leaf;
	chain[1] = mid;
	expect_refused(run(&l->mfg_root, 1, chain, 2, NULL),
	    PTRUST_REASON_BAD_KEY_USAGE, -2, PTRUST_ALERT_NONE);
	X509_free(mid);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_path_length_exceeded(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs = ca_spec("Lab Sub CA", -1);
	struct lab_spec ls = leaf_spec("SEP0000000000E8");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *sub, *leaf, *chain[3];

	(void)state;
	/* mfg_ca has pathlen 0: it may not issue another CA. */
	sub = issue(&cs, k, l->mfg_ca, l->mfg_key);
	leaf = issue(&ls, l->lsc_a_key, sub, k);
	chain[0] = leaf;
	chain[1] = sub;
	chain[2] = l->mfg_ca;
	expect_refused(run(&l->mfg_root, 1, chain, 3, NULL),
	    PTRUST_REASON_PATH_LENGTH_EXCEEDED, -2, PTRUST_ALERT_UNKNOWN_CA);
	X509_free(sub);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_wrong_purpose(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("cucm.example.net");
	EVP_PKEY *k = lab_key_ec("P-256");
	ptrust_options *o = test_options();
	X509 *leaf;
	ptrust_result *r;

	(void)state;
	s.eku = "serverAuth";
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, NULL),
	    PTRUST_REASON_WRONG_PURPOSE, 0,
	    PTRUST_ALERT_UNSUPPORTED_CERTIFICATE);
	assert_int_equal(ptrust_options_set_eku(o,
	    PTRUST_EKU_TLS_SERVER), PTRUST_OK);
	r = run(&l->capf_a, 1, &leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_options_set_eku(o, PTRUST_EKU_ANY),
	    PTRUST_OK);
	r = run(&l->capf_a, 1, &leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_options_free(o);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static ptrust_options *
options_with_crl(X509_CRL *crl)
{
	ptrust_options *o = test_options();
	size_t len;
	char *pem = lab_crl_pem(crl, &len);

	assert_int_equal(ptrust_options_add_crl_mem(o, pem, len), PTRUST_OK);
	free(pem);
	return o;
}

/* An external CA allowed to sign CRLs (a CAPF certificate is not). */
struct crl_lab {
	EVP_PKEY *key, *leaf_key;
	X509 *ca, *leaf;
};

static void
crl_lab_make(struct crl_lab *c)
{
	struct lab_spec cs = ca_spec("Lab Enterprise CA", 0);
	struct lab_spec ls = leaf_spec("SEP0000000000C1");

	c->key = lab_key_ec("P-256");
	c->leaf_key = lab_key_ec("P-256");
	c->ca = issue(&cs, c->key, NULL, NULL);
	c->leaf = issue(&ls, c->leaf_key, c->ca, c->key);
}

static void
crl_lab_free(struct crl_lab *c)
{
	X509_free(c->ca);
	X509_free(c->leaf);
	EVP_PKEY_free(c->key);
	EVP_PKEY_free(c->leaf_key);
}

static void
reason_revoked(void **state)
{
	struct crl_lab c;
	X509_CRL *crl;
	ptrust_options *o;
	ptrust_result *r;

	(void)state;
	crl_lab_make(&c);
	crl = lab_crl(c.ca, c.key, LAB_T0, TEST_NOW + 7 * LAB_DAY, &c.leaf, 1);
	o = options_with_crl(crl);
	expect_refused(run(&c.ca, 1, &c.leaf, 1, o),
	    PTRUST_REASON_REVOKED, 0, PTRUST_ALERT_CERTIFICATE_REVOKED);
	ptrust_options_free(o);
	X509_CRL_free(crl);
	/* The same CRL without the phone: trusted. */
	crl = lab_crl(c.ca, c.key, LAB_T0, TEST_NOW + 7 * LAB_DAY, NULL, 0);
	o = options_with_crl(crl);
	r = run(&c.ca, 1, &c.leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* Checking the whole chain needs a CRL for the CA itself as well. */
	assert_int_equal(ptrust_options_set_crl_check(o, PTRUST_CRL_CHECK_ALL),
	    PTRUST_OK);
	r = run(&c.ca, 1, &c.leaf, 1, o);
	assert_true(ptrust_result_trusted(r));	/* the CA's CRL covers itself */
	ptrust_result_free(r);
	/* Checking turned off explicitly ignores the CRL. */
	X509_CRL_free(crl);
	ptrust_options_free(o);
	crl = lab_crl(c.ca, c.key, LAB_T0, TEST_NOW + 7 * LAB_DAY, &c.leaf, 1);
	o = options_with_crl(crl);
	assert_int_equal(ptrust_options_set_crl_check(o, PTRUST_CRL_CHECK_NONE),
	    PTRUST_OK);
	r = run(&c.ca, 1, &c.leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_options_free(o);
	X509_CRL_free(crl);
	crl_lab_free(&c);
}

static void
reason_crl_missing(void **state)
{
	struct crl_lab c;
	ptrust_options *o = test_options();

	(void)state;
	crl_lab_make(&c);
	assert_int_equal(ptrust_options_set_crl_check(o, PTRUST_CRL_CHECK_LEAF),
	    PTRUST_OK);
	expect_refused(run(&c.ca, 1, &c.leaf, 1, o),
	    PTRUST_REASON_CRL_MISSING, 0, PTRUST_ALERT_CERTIFICATE_UNKNOWN);
	ptrust_options_free(o);
	crl_lab_free(&c);
}

static void
reason_crl_expired_and_not_yet_valid(void **state)
{
	struct crl_lab c;
	X509_CRL *crl;
	ptrust_options *o;

	(void)state;
	crl_lab_make(&c);
	crl = lab_crl(c.ca, c.key, LAB_T0, TEST_NOW - LAB_DAY, NULL, 0);
	o = options_with_crl(crl);
	expect_refused(run(&c.ca, 1, &c.leaf, 1, o),
	    PTRUST_REASON_CRL_EXPIRED, -2, PTRUST_ALERT_CERTIFICATE_EXPIRED);
	ptrust_options_free(o);
	X509_CRL_free(crl);
	crl = lab_crl(c.ca, c.key, TEST_NOW + LAB_DAY, TEST_NOW + 9 * LAB_DAY,
	    NULL, 0);
	o = options_with_crl(crl);
	expect_refused(run(&c.ca, 1, &c.leaf, 1, o),
	    PTRUST_REASON_CRL_NOT_YET_VALID, -2, PTRUST_ALERT_NONE);
	ptrust_options_free(o);
	X509_CRL_free(crl);
	crl_lab_free(&c);
}

static void
reason_crl_invalid(void **state)
{
	const struct lab *l = test_lab();
	struct crl_lab c;
	X509_CRL *crl;
	ptrust_options *o;

	(void)state;
	crl_lab_make(&c);
	/* Names the CA as issuer but is signed by another key. */
	crl = lab_crl(c.ca, l->capf_b_key, LAB_T0, TEST_NOW + 7 * LAB_DAY,
	    NULL, 0);
	o = options_with_crl(crl);
	expect_refused(run(&c.ca, 1, &c.leaf, 1, o),
	    PTRUST_REASON_CRL_INVALID, -2, PTRUST_ALERT_NONE);
	ptrust_options_free(o);
	X509_CRL_free(crl);
	/* A CAPF certificate has no cRLSign: its CRLs cannot be used. */
	crl = lab_crl(l->capf_a, l->capf_a_key, LAB_T0, TEST_NOW + 7 * LAB_DAY,
	    NULL, 0);
	o = options_with_crl(crl);
	expect_refused(run(&l->capf_a, 1, &l->lsc_a, 1, o),
	    PTRUST_REASON_CRL_INVALID, 0, PTRUST_ALERT_NONE);
	ptrust_options_free(o);
	X509_CRL_free(crl);
	crl_lab_free(&c);
}

static void
reason_unhandled_critical_extension(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000E9");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *leaf;

	(void)state;
	s.unknown_critical_ext = 1;
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, NULL),
	    PTRUST_REASON_UNHANDLED_CRITICAL_EXTENSION, 0,
	    PTRUST_ALERT_UNSUPPORTED_CERTIFICATE);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_self_signed_leaf(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000EA");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *leaf;
	ptrust_result *r;

	(void)state;
	leaf = issue(&s, k, NULL, NULL);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, NULL),
	    PTRUST_REASON_SELF_SIGNED_LEAF, 0, PTRUST_ALERT_UNKNOWN_CA);
	/* Pinned: the certificate itself is the anchor. */
	r = run(&leaf, 1, &leaf, 1, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_chain_length(r), 1);
	ptrust_result_free(r);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static X509 *
read_cisco(const char *name)
{
	ptrust_chain *c = ptrust_chain_new();
	X509 *x;
	char rel[128];

	snprintf(rel, sizeof(rel), "data/cisco/%s", name);
	assert_int_equal(ptrust_chain_add_file(c, test_srcpath(rel)),
	    PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 1);
	/* Reach the X509 through a store built from the same file. */
	ptrust_chain_free(c);
	{
		ptrust_builder *b = ptrust_builder_new("tmp");

		assert_int_equal(ptrust_builder_add_file(b, test_srcpath(rel),
		    NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
		x = ptrust_anchor_get0_x509(ptrust_builder_anchor(b, 0));
		X509_up_ref(x);
		ptrust_builder_free(b);
	}
	return x;
}

/* The real Cisco ECC CAs carry fractional seconds in notAfter. */
static void
reason_invalid_time_encoding(void **state)
{
	X509 *root = read_cisco("cisco-ecc-root-ca.pem");
	X509 *sudi = read_cisco("act2-ecc-sudi-ca.pem");
	ptrust_options *o = test_options();

	(void)state;
	assert_int_equal(ptrust_options_set_eku(o, PTRUST_EKU_ANY),
	    PTRUST_OK);
	expect_refused(run(&root, 1, &sudi, 1, o),
	    PTRUST_REASON_INVALID_TIME_ENCODING, -2,
	    PTRUST_ALERT_BAD_CERTIFICATE);
	ptrust_options_free(o);
	X509_free(root);
	X509_free(sudi);
}

static void
reason_malformed(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000EB");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *leaf;

	(void)state;
	s.garbled_basic_constraints = 1;
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, NULL),
	    PTRUST_REASON_MALFORMED, 0, PTRUST_ALERT_BAD_CERTIFICATE);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_chain_too_long(void **state)
{
	const struct lab *l = test_lab();
	X509 *chain[] = { l->mic, l->mfg_ca };
	ptrust_options *o = test_options();
	ptrust_result *r;

	(void)state;
	assert_int_equal(ptrust_options_set_max_depth(o, 0), PTRUST_OK);
	expect_refused(run(&l->mfg_root, 1, chain, 2, o),
	    PTRUST_REASON_CHAIN_TOO_LONG, -2, PTRUST_ALERT_UNKNOWN_CA);
	assert_int_equal(ptrust_options_set_max_depth(o, 1), PTRUST_OK);
	r = run(&l->mfg_root, 1, chain, 2, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_options_free(o);
}

static void
reason_name_mismatch(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("cucm01");
	EVP_PKEY *k = lab_key_ec("P-256");
	ptrust_options *o = test_options();
	X509 *leaf;
	ptrust_result *r;

	(void)state;
	s.san = "DNS:cucm01.example.net,IP:127.0.0.1";
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	assert_int_equal(ptrust_options_set_peer_name(o, "cucm01.example.net"),
	    PTRUST_OK);
	r = run(&l->capf_a, 1, &leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_options_set_peer_name(o, "127.0.0.1"),
	    PTRUST_OK);
	r = run(&l->capf_a, 1, &leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_options_set_peer_name(o, "cucm02.example.net"),
	    PTRUST_OK);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, o),
	    PTRUST_REASON_NAME_MISMATCH, 0, PTRUST_ALERT_CERTIFICATE_UNKNOWN);
	assert_int_equal(ptrust_options_set_peer_name(o, "::1"), PTRUST_OK);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, o),
	    PTRUST_REASON_NAME_MISMATCH, 0, PTRUST_ALERT_NONE);
	/* NULL clears the expectation. */
	assert_int_equal(ptrust_options_set_peer_name(o, NULL), PTRUST_OK);
	r = run(&l->capf_a, 1, &leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_options_free(o);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
reason_name_constraints(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs = ca_spec("Lab Constrained CA", 0);
	struct lab_spec ls = leaf_spec("phone");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *ca, *leaf, *chain[2];

	(void)state;
	cs.name_constraints = "critical,permitted;DNS:.example.net";
	ca = issue(&cs, k, l->mfg_root, l->root_key);
	ls.san = "DNS:phone.evil.test";
	leaf = issue(&ls, l->lsc_a_key, ca, k);
	chain[0] = leaf;
	chain[1] = ca;
	expect_refused(run(&l->mfg_root, 1, chain, 2, NULL),
	    PTRUST_REASON_NAME_CONSTRAINTS, 0, PTRUST_ALERT_NONE);
	X509_free(ca);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

/*
 * A wildcard SAN must not carry a peer name out of the CA's constraints:
 * *.example.net matches voice.example.net, which the CA excludes.
 */
static void
name_constraints_bind_the_peer_name(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs = ca_spec("Lab Constrained CA", 0);
	struct lab_spec ls = leaf_spec("cucm");
	EVP_PKEY *k = lab_key_ec("P-256");
	ptrust_options *o = test_options();
	X509 *ca, *leaf, *chain[2];
	ptrust_result *r;

	(void)state;
	cs.name_constraints = "critical,excluded;DNS:voice.example.net";
	ca = issue(&cs, k, l->mfg_root, l->root_key);
	ls.san = "DNS:*.example.net";
	leaf = issue(&ls, l->lsc_a_key, ca, k);
	chain[0] = leaf;
	chain[1] = ca;
	assert_int_equal(ptrust_options_set_peer_name(o, "data.example.net"),
	    PTRUST_OK);
	r = run(&l->mfg_root, 1, chain, 2, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_options_set_peer_name(o, "voice.example.net"),
	    PTRUST_OK);
	expect_refused(run(&l->mfg_root, 1, chain, 2, o),
	    PTRUST_REASON_NAME_CONSTRAINTS, 0, PTRUST_ALERT_NONE);
	ptrust_options_free(o);
	X509_free(ca);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

/* Two policies with one OID: the extension is invalid (RFC 5280 4.2.1.4). */
static void
reason_policy(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000ED");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *leaf;

	(void)state;
	s.duplicate_policies = 1;
	leaf = issue(&s, k, l->capf_a, l->capf_a_key);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, NULL),
	    PTRUST_REASON_POLICY, -2, PTRUST_ALERT_NONE);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

/* A proxy certificate: OpenSSL refuses it, we have no finer code. */
static void
reason_other(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("proxy");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *proxy, *chain[2];

	(void)state;
	s.o = "Example Corp";
	s.proxy = 1;
	s.key_usage = "critical,digitalSignature";
	proxy = issue(&s, k, l->lsc_a, l->lsc_a_key);
	chain[0] = proxy;
	chain[1] = l->lsc_a;
	expect_refused(run(&l->capf_a, 1, chain, 2, NULL),
	    PTRUST_REASON_OTHER, -2, PTRUST_ALERT_NONE);
	X509_free(proxy);
	EVP_PKEY_free(k);
}

/* Every problem at once, not only the first. */
static void
all_reasons_reported(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("SEP0000000000EC");
	EVP_PKEY *k = lab_key_rsa(1024);
	X509 *leaf;
	ptrust_result *r;

	(void)state;
	s.not_after = LAB_T0;
	s.eku = "serverAuth";
	leaf = issue(&s, k, l->capf_b, l->capf_b_key);
	r = run(&l->capf_b, 1, &leaf, 1, NULL);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, 0));
	assert_true(test_has_reason(r, PTRUST_REASON_KEY_TOO_SMALL, 0));
	assert_true(test_has_reason(r, PTRUST_REASON_WRONG_PURPOSE, 0));
	/* expiry outranks the rest when choosing the alert */
	assert_int_equal(ptrust_result_tls_alert(r),
	    PTRUST_ALERT_CERTIFICATE_EXPIRED);
	ptrust_result_free(r);
	/* unknown issuer and expiry together: unknown_ca wins */
	r = run(&l->capf_a, 1, &leaf, 1, NULL);
	assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, 0));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, 0));
	assert_int_equal(ptrust_result_tls_alert(r), PTRUST_ALERT_UNKNOWN_CA);
	ptrust_result_free(r);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

/* ------------------------------------------------------------ real Cisco CAs */

static void
cisco_vectors(void **state)
{
	X509 *r2048 = read_cisco("cisco-root-ca-2048.pem");
	X509 *mca = read_cisco("cisco-manufacturing-ca.pem");
	X509 *m2 = read_cisco("cisco-root-ca-m2.pem");
	X509 *mca2 = read_cisco("cisco-manufacturing-ca-sha2.pem");
	ptrust_options *o = test_options();
	ptrust_result *r;

	(void)state;
	assert_int_equal(ptrust_options_set_eku(o, PTRUST_EKU_ANY),
	    PTRUST_OK);
	/* cisco-2: the SHA-2 manufacturing CA under Root CA M2 */
	r = run(&m2, 1, &mca2, 1, o);
	assert_true(ptrust_result_trusted(r));
	/* a CA sent as the leaf is nobody's MIC, whatever its anchor */
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_int_equal(ptrust_anchor_role(ptrust_result_anchor(r)),
	    PTRUST_ROLE_MANUFACTURING);
	ptrust_result_free(r);
	/* cisco-1: SHA-1 signed, refused by default, accepted with allow_sha1 */
	expect_refused(run(&r2048, 1, &mca, 1, o),
	    PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM, 0, PTRUST_ALERT_NONE);
	assert_int_equal(ptrust_options_insecure_allow_sha1(o, 1), PTRUST_OK);
	r = run(&r2048, 1, &mca, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* cisco-5: wrong store */
	expect_refused(run(&m2, 1, &mca, 1, o), PTRUST_REASON_UNKNOWN_CA, 0,
	    PTRUST_ALERT_UNKNOWN_CA);
	/* 2029-05-15: Cisco Manufacturing CA and its root are dead */
	assert_int_equal(ptrust_options_set_time(o, 1873584000), PTRUST_OK);
	expect_refused(run(&r2048, 1, &mca, 1, o), PTRUST_REASON_EXPIRED, -2,
	    PTRUST_ALERT_CERTIFICATE_EXPIRED);
	ptrust_options_free(o);
	X509_free(r2048);
	X509_free(mca);
	X509_free(m2);
	X509_free(mca2);
}

/* ------------------------------------------------------------ errors */

static void
verify_argument_errors(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("x", PTRUST_ROLE_AUTO, &l->capf_a, 1);
	ptrust_chain *empty = ptrust_chain_new();
	ptrust_chain *c = test_chain(&l->lsc_a, 1);
	ptrust_result *r = NULL;

	(void)state;
	assert_int_equal(ptrust_verify(s, c, NULL, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_verify(NULL, c, NULL, &r), PTRUST_ERR_ARG);
	assert_non_null(r);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_tls_alert(r),
	    PTRUST_ALERT_INTERNAL_ERROR);
	assert_true(strlen(ptrust_result_error(r)) > 0);
	ptrust_result_free(r);
	assert_int_equal(ptrust_verify(s, NULL, NULL, &r), PTRUST_ERR_ARG);
	assert_false(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_verify(s, empty, NULL, &r), PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_result_error(r), "no certificate"));
	ptrust_result_free(r);
	/* NULL options: the defaults, at the current time */
	assert_int_equal(ptrust_verify(s, c, NULL, &r), PTRUST_OK);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* accessors tolerate NULL and out-of-range indexes */
	assert_false(ptrust_result_trusted(NULL));
	assert_int_equal(ptrust_result_reason_count(NULL), 0);
	assert_int_equal(ptrust_result_reason_code(NULL, 0), 0);
	assert_int_equal(ptrust_result_reason_depth(NULL, 3), -1);
	assert_null(ptrust_result_reason_subject(NULL, 0));
	assert_null(ptrust_result_reason_message(NULL, 0));
	assert_null(ptrust_result_anchor(NULL));
	assert_null(ptrust_result_store_name(NULL));
	assert_int_equal(ptrust_result_kind(NULL), PTRUST_KIND_UNKNOWN);
	assert_int_equal(ptrust_result_chain_length(NULL), 0);
	assert_null(ptrust_result_chain_subject(NULL, 0));
	assert_int_equal(ptrust_result_tls_alert(NULL),
	    PTRUST_ALERT_INTERNAL_ERROR);
	assert_non_null(ptrust_result_error(NULL));
	ptrust_result_free(NULL);
	ptrust_chain_free(empty);
	ptrust_chain_free(c);
	ptrust_store_unref(s);
}

/* The result keeps its snapshot (and so its anchor) alive. */
static void
result_outlives_store_reference(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("x", PTRUST_ROLE_AUTO, &l->capf_a, 1);
	ptrust_options *o = test_options();
	ptrust_result *r = test_verify(s, &l->lsc_a, 1, o);

	(void)state;
	ptrust_store_unref(s);
	assert_string_equal(ptrust_anchor_alias(ptrust_result_anchor(r)),
	    "CAPF-a6d4c572");
	assert_string_equal(ptrust_result_store_name(r), "x");
	ptrust_result_free(r);
	ptrust_options_free(o);
}

/* ------------------------------------------- hostile input (issue 13) */

/* A phone certificate asserting keyCertSign without being a CA. */
static void
strict_leaf_keycertsign_refused(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec ls = leaf_spec("SEP0000000013A1");
	X509 *leaf;

	(void)state;
	ls.key_usage = "critical,digitalSignature,keyCertSign";
	leaf = issue(&ls, l->lsc_a_key, l->capf_a, l->capf_a_key);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, NULL),
	    PTRUST_REASON_MALFORMED, 0, PTRUST_ALERT_NONE);
	X509_free(leaf);
}

/* The leaf gets every X509_STRICT check: no authority key identifier. */
static void
strict_leaf_without_aki_refused(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec ls = leaf_spec("SEP0000000013A2");
	X509 *leaf;

	(void)state;
	ls.no_key_ids = 1;
	leaf = issue(&ls, l->lsc_a_key, l->capf_a, l->capf_a_key);
	expect_refused(run(&l->capf_a, 1, &leaf, 1, NULL),
	    PTRUST_REASON_MALFORMED, 0, PTRUST_ALERT_NONE);
	X509_free(leaf);
}

/*
 * The waivers that stay, each with the shape of the certificate that
 * needs it: CAPF certificates made before CUCM 14SU2, self-signed, with
 * no basicConstraints, or no keyUsage, or a non-critical basicConstraints,
 * or no key identifiers.  Their LSCs are trusted.
 */
static void
old_capf_anchor(struct lab_spec *cs, const char *what)
{
	const struct lab *l = test_lab();
	struct lab_spec ls = leaf_spec("SEP0000000013A3");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *capf, *leaf;
	ptrust_result *r;

	print_message("old CAPF form: %s\n", what);
	cs->cn = "CAPF-0a1d0a1d";
	cs->l = "Porto";
	cs->st = "Porto";
	capf = issue(cs, k, NULL, NULL);
	assert_non_null(capf);
	leaf = issue(&ls, l->lsc_a_key, capf, k);
	assert_non_null(leaf);
	r = run(&capf, 1, &leaf, 1, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	X509_free(capf);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
old_capf_shapes_trusted(void **state)
{
	struct lab_spec cs;

	(void)state;
	cs = ca_spec(NULL, -1);
	cs.no_basic_constraints = 1;
	cs.key_usage = "digitalSignature,keyCertSign";
	old_capf_anchor(&cs, "no basicConstraints");
	cs = ca_spec(NULL, -1);
	cs.no_key_usage = 1;
	old_capf_anchor(&cs, "no keyUsage");
	cs = ca_spec(NULL, -1);
	cs.bc_not_critical = 1;
	old_capf_anchor(&cs, "basicConstraints not critical");
	cs = ca_spec(NULL, -1);
	cs.no_key_ids = 1;
	old_capf_anchor(&cs, "no key identifiers");
}

/* The same waivers never apply below the anchor. */
static void
waivers_not_for_intermediates(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec ms = ca_spec("Lab Sloppy Intermediate", -1);
	struct lab_spec ls = leaf_spec("SEP0000000013A4");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *mid, *leaf, *chain[2];

	(void)state;
	ms.no_key_usage = 1;
	mid = issue(&ms, k, l->mfg_root, l->root_key);
	leaf = issue(&ls, l->lsc_a_key, mid, k);
	chain[0] = leaf;
	chain[1] = mid;
	expect_refused(run(&l->mfg_root, 1, chain, 2, NULL),
	    PTRUST_REASON_MALFORMED, 1, PTRUST_ALERT_NONE);
	X509_free(mid);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

/* An anchor that says CA:FALSE issues nothing, whatever the purpose. */
static void
ca_false_anchor_cannot_issue(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec cs = leaf_spec("CAPF-0ca0fa15");
	struct lab_spec ls = leaf_spec("SEP0000000013A5");
	EVP_PKEY *k = lab_key_ec("P-256");
	ptrust_options *o = test_options();
	X509 *anchor, *leaf;

	(void)state;
	cs.eku = NULL;
	cs.key_usage = "critical,digitalSignature,keyCertSign";
	anchor = issue(&cs, k, NULL, NULL);	/* self-signed, CA:FALSE */
	leaf = issue(&ls, l->lsc_a_key, anchor, k);
	assert_int_equal(ptrust_options_set_eku(o, PTRUST_EKU_ANY),
	    PTRUST_OK);
	expect_refused(run(&anchor, 1, &leaf, 1, o), PTRUST_REASON_NOT_A_CA,
	    1, PTRUST_ALERT_NONE);
	ptrust_options_free(o);
	X509_free(anchor);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

/*
 * A CRL given is a CRL applied: the root's CRL revoking the intermediate
 * refuses the chain without asking for --crl-check all, and the leaf's
 * own CRL is still required.
 */
static void
crl_given_is_applied(void **state)
{
	struct crl_lab c;
	struct lab_spec cs, ms = ca_spec("Lab Issuing CA", 0);
	struct lab_spec ls = leaf_spec("SEP0000000013A6");
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *mid, *leaf, *chain[2];
	X509_CRL *root_crl, *mid_crl;
	ptrust_options *o;
	ptrust_result *r;
	size_t len;
	char *pem;

	(void)state;
	crl_lab_make(&c);
	/* a root that may issue CAs, in place of the lab's pathlen 0 one */
	X509_free(c.ca);
	X509_free(c.leaf);
	cs = ca_spec("Lab Enterprise Root", -1);
	c.ca = issue(&cs, c.key, NULL, NULL);
	c.leaf = NULL;
	mid = issue(&ms, k, c.ca, c.key);
	leaf = issue(&ls, c.leaf_key, mid, k);
	chain[0] = leaf;
	chain[1] = mid;
	root_crl = lab_crl(c.ca, c.key, LAB_T0, TEST_NOW + 7 * LAB_DAY, &mid, 1);
	mid_crl = lab_crl(mid, k, LAB_T0, TEST_NOW + 7 * LAB_DAY, NULL, 0);
	/* both CRLs: the intermediate is revoked */
	o = options_with_crl(root_crl);
	pem = lab_crl_pem(mid_crl, &len);
	assert_int_equal(ptrust_options_add_crl_mem(o, pem, len), PTRUST_OK);
	free(pem);
	expect_refused(run(&c.ca, 1, chain, 2, o), PTRUST_REASON_REVOKED, 1,
	    PTRUST_ALERT_CERTIFICATE_REVOKED);
	/* leaf only, chosen explicitly: the intermediate's CRL is not read */
	assert_int_equal(ptrust_options_set_crl_check(o, PTRUST_CRL_CHECK_LEAF),
	    PTRUST_OK);
	r = run(&c.ca, 1, chain, 2, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_options_free(o);
	/* the root's CRL alone: the leaf's CRL is missing */
	o = options_with_crl(root_crl);
	expect_refused(run(&c.ca, 1, chain, 2, o), PTRUST_REASON_CRL_MISSING, 0,
	    PTRUST_ALERT_NONE);
	ptrust_options_free(o);
	/* the leaf's CRL alone: nothing known of the root's, so trusted */
	o = options_with_crl(mid_crl);
	r = run(&c.ca, 1, chain, 2, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_options_free(o);
	X509_CRL_free(root_crl);
	X509_CRL_free(mid_crl);
	X509_free(mid);
	X509_free(leaf);
	EVP_PKEY_free(k);
	crl_lab_free(&c);
}

/*
 * A leaf by capf_a whose subject is the one CN given, of len bytes: a NUL
 * or any control character in it as the requester chose.
 */
static X509 *
leaf_with_cn(const char *cn, int len)
{
	const struct lab *l = test_lab();
	struct lab_spec s = leaf_spec("placeholder");
	X509_NAME *n = X509_NAME_new();
	X509 *x;

	assert_non_null(n);
	assert_non_null(x = issue(&s, l->lsc_a_key, l->capf_a, l->capf_a_key));
	assert_true(X509_NAME_add_entry_by_NID(n, NID_commonName,
	    V_ASN1_UTF8STRING, (const unsigned char *)cn, len, -1, 0));
	assert_true(X509_set_subject_name(x, n));
	X509_NAME_free(n);
	assert_true(X509_sign(x, l->capf_a_key, EVP_sha256()) > 0);
	return x;
}

/*
 * "SEP001122334455\0.attacker.example" is not SEP001122334455: the CN is
 * compared whole, not up to a NUL.  The chain itself is valid.
 */
static void
nul_in_cn_names_no_device(void **state)
{
	static const char cn[] = "SEP001122334455\0.attacker.example";
	const struct lab *l = test_lab();
	X509 *x = leaf_with_cn(cn, (int)sizeof(cn) - 1);
	ptrust_chain *ch = test_chain(&x, 1);
	ptrust_result *r = run(&l->capf_a, 1, &x, 1, NULL);

	(void)state;
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_chain_names_device(ch, "SEP001122334455"), 0);
	assert_int_equal(ptrust_chain_names_device(ch, "sep001122334455"), 0);
	ptrust_chain_free(ch);
	X509_free(x);
}

/*
 * Nor does a CN holding a control character (C0, DEL, or C1 once decoded
 * from UTF-8), even in the "CP-<model>-" part that is otherwise free.
 */
static void
control_characters_in_cn_name_no_device(void **state)
{
	static const char *const evil[] = {
		"SEP001122334455\n",
		"\tSEP001122334455",
		"CP-8865\n-SEP001122334455",
		"CP-8865\r-SEP001122334455",
		"CP-8865\x7f-SEP001122334455",
		"CP-\xc2\x85-SEP001122334455",
		"CP-\xc2\x9b" "2J-SEP001122334455",
		"CP-8865\x1b[2J-SEP001122334455",
	};
	X509 *x;
	ptrust_chain *ch;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		x = leaf_with_cn(evil[i], -1);
		ch = test_chain(&x, 1);
		if (ptrust_chain_names_device(ch, "SEP001122334455") != 0)
			fail_msg("CN %zu names SEP001122334455", i);
		ptrust_chain_free(ch);
		X509_free(x);
	}
	/* the same names, clean, still do */
	x = leaf_with_cn("CP-8865-SEP001122334455", -1);
	ch = test_chain(&x, 1);
	assert_int_equal(ptrust_chain_names_device(ch, "SEP001122334455"), 1);
	ptrust_chain_free(ch);
	X509_free(x);
	x = leaf_with_cn("CP-Caf\xc3\xa9-SEP001122334455", -1);
	ch = test_chain(&x, 1);
	assert_int_equal(ptrust_chain_names_device(ch, "SEP001122334455"), 1);
	ptrust_chain_free(ch);
	X509_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lsc_trusted_via_capf),
		cmocka_unit_test(mic_trusted_via_manufacturing_root),
		cmocka_unit_test(trusted_intermediate_is_an_anchor),
		cmocka_unit_test(role_other_gives_kind_unknown),
		cmocka_unit_test(unknown_ca_lsc_from_other_cluster),
		cmocka_unit_test(pinned_leaf_sent_with_issuer),
		cmocka_unit_test(unknown_ca_same_name_other_key),
		cmocka_unit_test(imitated_capf_name_is_not_an_lsc),
		cmocka_unit_test(reason_expired),
		cmocka_unit_test(reason_not_yet_valid),
		cmocka_unit_test(reason_bad_signature),
		cmocka_unit_test(reason_weak_signature_and_allow_sha1),
		cmocka_unit_test(reason_key_too_small),
		cmocka_unit_test(reason_not_a_ca),
		cmocka_unit_test(reason_bad_key_usage),
		cmocka_unit_test(reason_path_length_exceeded),
		cmocka_unit_test(reason_wrong_purpose),
		cmocka_unit_test(reason_revoked),
		cmocka_unit_test(reason_crl_missing),
		cmocka_unit_test(reason_crl_expired_and_not_yet_valid),
		cmocka_unit_test(reason_crl_invalid),
		cmocka_unit_test(reason_unhandled_critical_extension),
		cmocka_unit_test(reason_self_signed_leaf),
		cmocka_unit_test(reason_invalid_time_encoding),
		cmocka_unit_test(reason_malformed),
		cmocka_unit_test(reason_chain_too_long),
		cmocka_unit_test(reason_name_mismatch),
		cmocka_unit_test(reason_name_constraints),
		cmocka_unit_test(name_constraints_bind_the_peer_name),
		cmocka_unit_test(valid_through_not_after),
		cmocka_unit_test(reason_policy),
		cmocka_unit_test(reason_other),
		cmocka_unit_test(all_reasons_reported),
		cmocka_unit_test(cisco_vectors),
		cmocka_unit_test(verify_argument_errors),
		cmocka_unit_test(result_outlives_store_reference),
		cmocka_unit_test(nul_in_cn_names_no_device),
		cmocka_unit_test(control_characters_in_cn_name_no_device),
		cmocka_unit_test(strict_leaf_keycertsign_refused),
		cmocka_unit_test(strict_leaf_without_aki_refused),
		cmocka_unit_test(old_capf_shapes_trusted),
		cmocka_unit_test(waivers_not_for_intermediates),
		cmocka_unit_test(ca_false_anchor_cannot_issue),
		cmocka_unit_test(crl_given_is_applied),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	test_lab_free();
	return rc;
}
