/*
 * The verdict cache: a hit serves the same verdict without parsing; the
 * key covers the bytes, the snapshot and every option; a verdict is never
 * served outside the time window it holds for (forwards or backwards, CRL
 * nextUpdate included); memory is bounded (LRU); threads share it; and an
 * allocation failure anywhere never yields a wrong verdict.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* The DER of each certificate, as a server holds what a phone sent. */
struct presented {
	unsigned char	*der[4];
	size_t		 len[4];
	size_t		 n;
};

static void
present(struct presented *p, X509 *const *certs, size_t n)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++)
		assert_non_null(p->der[i] = lab_der(certs[i], &p->len[i]));
	p->n = n;
}

static void
presented_free(struct presented *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->der[i]);
}

static ptrust_result *
cached(ptrust_cache *c, const ptrust_store *s, const struct presented *p,
    const ptrust_options *o)
{
	ptrust_result *r = NULL;

	assert_int_equal(ptrust_cache_verify(c, s,
	    (const unsigned char *const *)p->der, p->len, p->n, o, &r),
	    PTRUST_OK);
	assert_non_null(r);
	return r;
}

static uint64_t
hits(ptrust_cache *c)
{
	uint64_t h;

	ptrust_cache_stats(c, &h, NULL);
	return h;
}

/* Same bytes, same snapshot, same options: served, and the same verdict. */
static void
hit_serves_the_same_verdict(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(16);
	struct presented lsc, other;
	ptrust_result *a, *b;
	uint64_t m;

	(void)state;
	present(&lsc, &l->lsc_a, 1);
	present(&other, &l->lsc_b, 1);
	a = cached(c, s, &lsc, o);
	assert_int_equal(hits(c), 0);
	b = cached(c, s, &lsc, o);
	assert_int_equal(hits(c), 1);
	assert_true(ptrust_result_trusted(a) && ptrust_result_trusted(b));
	assert_int_equal(ptrust_result_kind(b), PTRUST_KIND_LSC);
	assert_string_equal(ptrust_anchor_alias(ptrust_result_anchor(b)),
	    ptrust_anchor_alias(ptrust_result_anchor(a)));
	assert_int_equal(ptrust_result_chain_length(b),
	    ptrust_result_chain_length(a));
	assert_string_equal(ptrust_result_chain_subject(b, 1),
	    ptrust_result_chain_subject(a, 1));
	ptrust_result_free(a);
	ptrust_result_free(b);
	/* a refusal is kept too, reasons and alert included */
	a = cached(c, s, &other, o);
	b = cached(c, s, &other, o);
	assert_int_equal(hits(c), 2);
	assert_false(ptrust_result_trusted(b));
	assert_true(test_has_reason(b, PTRUST_REASON_UNKNOWN_CA, -2));
	assert_int_equal(ptrust_result_tls_alert(b), PTRUST_ALERT_UNKNOWN_CA);
	ptrust_result_free(a);
	ptrust_result_free(b);
	ptrust_cache_stats(c, NULL, &m);
	assert_int_equal(m, 2);
	assert_int_equal(ptrust_cache_count(c), 2);
	ptrust_cache_clear(c);
	assert_int_equal(ptrust_cache_count(c), 0);
	ptrust_cache_free(c);
	presented_free(&lsc);
	presented_free(&other);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/*
 * A hit is the verdict kept, by reference: the same object for every
 * caller, each freeing its own reference.  One handed out stays whole
 * after the cache evicted it, and after the cache is gone.
 */
static void
hit_is_a_shared_reference(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(1);
	struct presented lsc, other;
	ptrust_result *a, *b, *x, *again;

	(void)state;
	present(&lsc, &l->lsc_a, 1);
	present(&other, &l->lsc_b, 1);
	a = cached(c, s, &lsc, o);	/* judged, kept, handed out */
	b = cached(c, s, &lsc, o);
	assert_int_equal(hits(c), 1);
	assert_ptr_equal(a, b);
	/* the message room is gone from what is kept, not the message */
	assert_string_equal(ptrust_result_error(b), "");
	ptrust_result_free(b);
	/* another chain evicts it: a still holds it, whole */
	x = cached(c, s, &other, o);
	assert_int_equal(ptrust_cache_count(c), 1);
	again = cached(c, s, &lsc, o);
	assert_int_equal(hits(c), 1);	/* judged again, after eviction */
	assert_ptr_not_equal(again, a);
	ptrust_cache_free(c);
	assert_true(ptrust_result_trusted(a));
	assert_int_equal(ptrust_result_kind(a), PTRUST_KIND_LSC);
	assert_string_equal(ptrust_anchor_alias(ptrust_result_anchor(a)),
	    "CAPF-a6d4c572");
	assert_string_equal(ptrust_result_store_name(a), "callmanager-trust");
	assert_non_null(strstr(ptrust_result_chain_subject(a, 0),
	    "SEP001122334455"));
	assert_false(ptrust_result_trusted(x));
	assert_true(test_has_reason(x, PTRUST_REASON_UNKNOWN_CA, -2));
	/* no anchor: the kept names are all the chain's own */
	assert_int_equal(ptrust_result_chain_length(x), 1);
	assert_non_null(strstr(ptrust_result_chain_subject(x, 0),
	    "SEP00AABBCCDDEE"));
	assert_null(ptrust_result_chain_subject(x, 1));
	ptrust_result_free(a);
	ptrust_result_free(x);
	assert_true(ptrust_result_trusted(again));
	ptrust_result_free(again);
	presented_free(&lsc);
	presented_free(&other);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/*
 * The device the phone claims (ptrust_options_set_device) changes the
 * verdict, so it is part of the key: a phone's verdict is never served
 * to another device's claim, nor one made without a claim.
 */
static void
device_is_part_of_the_key(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *mine = test_options(), *other = test_options();
	ptrust_options *none = test_options();
	ptrust_cache *c = ptrust_cache_new(16);
	struct presented lsc;
	ptrust_result *r;
	int round;

	(void)state;
	assert_int_equal(ptrust_options_set_device(mine, "SEP001122334455"),
	    PTRUST_OK);
	assert_int_equal(ptrust_options_set_device(other, "SEP00AABBCCDDEE"),
	    PTRUST_OK);
	present(&lsc, &l->lsc_a, 1);
	for (round = 0; round < 2; round++) {
		r = cached(c, s, &lsc, mine);
		assert_true(ptrust_result_trusted(r));
		assert_string_equal(ptrust_result_device(r), "SEP001122334455");
		ptrust_result_free(r);
		r = cached(c, s, &lsc, other);
		assert_false(ptrust_result_trusted(r));
		assert_true(test_has_reason(r, PTRUST_REASON_IDENTITY_MISMATCH,
		    0));
		assert_string_equal(ptrust_result_device(r), "SEP00AABBCCDDEE");
		ptrust_result_free(r);
		r = cached(c, s, &lsc, none);
		assert_true(ptrust_result_trusted(r));
		ptrust_result_free(r);
		/* three verdicts, each served again in the second round */
		assert_int_equal(hits(c), round == 0 ? 0 : 3);
	}
	assert_int_equal(ptrust_cache_count(c), 3);
	ptrust_cache_free(c);
	presented_free(&lsc);
	ptrust_options_free(mine);
	ptrust_options_free(other);
	ptrust_options_free(none);
	ptrust_store_unref(s);
}

/* Trusted flag, kind, diagnosis and reason codes equal. */
static void
same_verdict(const ptrust_result *a, const ptrust_result *b)
{
	size_t k;

	assert_int_equal(ptrust_result_trusted(a), ptrust_result_trusted(b));
	assert_int_equal(ptrust_result_kind(a), ptrust_result_kind(b));
	assert_int_equal(ptrust_result_diagnosis(a),
	    ptrust_result_diagnosis(b));
	assert_int_equal(ptrust_result_reason_count(a),
	    ptrust_result_reason_count(b));
	for (k = 0; k < ptrust_result_reason_count(a); k++)
		assert_int_equal(ptrust_result_reason_code(a, k),
		    ptrust_result_reason_code(b, k));
}

/*
 * ptrust_cache_verify_presented, for a server whose TLS layer is not an
 * attached SSL_CTX: the verdict of the one judging path
 * (ptrust_verify_presented) with the purpose's phone rules, which
 * ptrust_cache_verify does not apply, served again from the cache.
 */
static void
presented_through_cache(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(16);
	X509 *const cases[] = { l->lsc_a, l->capf_a, NULL };
	ptrust_result *r, *direct;
	ptrust_chain *chain;
	size_t i;
	int round;

	(void)state;
	assert_int_equal(ptrust_options_set_device(o, "SEP001122334455"),
	    PTRUST_OK);
	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			r = NULL;
			assert_int_equal(ptrust_cache_verify_presented(c, s,
			    PTRUST_CLUSTER_CALLMANAGER_TLS, cases[i], NULL, o,
			    &r), PTRUST_OK);
			/* as judged without the cache (which takes no empty
			 * chain: a phone that sent none is said by a NULL leaf) */
			if (cases[i] != NULL) {
				chain = test_chain(&cases[i], 1);
				assert_int_equal(ptrust_verify_presented(s,
				    PTRUST_CLUSTER_CALLMANAGER_TLS, chain, o,
				    &direct), PTRUST_OK);
				same_verdict(r, direct);
				ptrust_result_free(direct);
				ptrust_chain_free(chain);
			}
			/* the LSC trusted; the CAPF's own certificate as the
			 * phone's refused by the phone rules; none: refused */
			assert_int_equal(ptrust_result_trusted(r), i == 0);
			if (i == 0)
				assert_int_equal(ptrust_result_kind(r),
				    PTRUST_KIND_LSC);
			if (i == 1)
				assert_true(test_has_reason(r,
				    PTRUST_REASON_CA_AS_LEAF, -2));
			if (i == 2)
				assert_true(test_has_reason(r,
				    PTRUST_REASON_NO_CERTIFICATE, -2));
			ptrust_result_free(r);
		}
	/* the second round came from the cache: the LSC and the CA leaf */
	assert_true(hits(c) >= 2);
	/* no cache: judged each time, the same verdict */
	assert_int_equal(ptrust_cache_verify_presented(NULL, s,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, l->lsc_a, NULL, o, &r), PTRUST_OK);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* bad arguments: an error, no verdict */
	assert_int_equal(ptrust_cache_verify_presented(c, s,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, l->lsc_a, NULL, o, NULL),
	    PTRUST_ERR_ARG);
	r = (ptrust_result *)&r;
	assert_int_equal(ptrust_cache_verify_presented(c, NULL,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, l->lsc_a, NULL, o, &r),
	    PTRUST_ERR_ARG);
	assert_null(r);
	assert_int_equal(ptrust_cache_verify_presented(c, s,
	    (ptrust_cluster_purpose)42, l->lsc_a, NULL, o, &r),
	    PTRUST_ERR_ARG);
	assert_null(r);
	ptrust_cache_free(c);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/*
 * A refusal is served 16 times, then judged again: one that a passing
 * failure caused (memory running out inside OpenSSL can read as a key
 * too weak) does not lock the phone out.  A trusted verdict has no such
 * limit.
 */
static void
refusal_served_sixteen_times(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(4);
	struct presented lsc, other;
	uint64_t m;
	int i;

	(void)state;
	present(&lsc, &l->lsc_a, 1);
	present(&other, &l->lsc_b, 1);
	for (i = 0; i < 40; i++) {
		ptrust_result_free(cached(c, s, &lsc, o));
		ptrust_result_free(cached(c, s, &other, o));
	}
	/* trusted: judged once; refused: once, then once per 17 */
	ptrust_cache_stats(c, NULL, &m);
	assert_int_equal(m, 1 + 3);
	assert_int_equal(hits(c), 80 - 4);
	ptrust_cache_free(c);
	presented_free(&lsc);
	presented_free(&other);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/* Other bytes, another snapshot, other options: validated again. */
static void
key_covers_bytes_snapshot_and_options(void **state)
{
	const struct lab *l = test_lab();
	X509 *anchors[2] = { l->capf_a, l->mfg_root };
	X509 *mic_chain[2] = { l->mic, l->mfg_ca };
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    anchors, 2);
	ptrust_store *s2 = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    anchors, 2);
	ptrust_options *o = test_options(), *o2 = test_options();
	ptrust_cache *c = ptrust_cache_new(64);
	struct presented leaf, chain;
	ptrust_result *r;
	uint64_t h;

	(void)state;
	present(&leaf, &l->mic, 1);
	present(&chain, mic_chain, 2);
	ptrust_result_free(cached(c, s, &chain, o));
	/* the leaf alone is other bytes, and cannot reach the root */
	r = cached(c, s, &leaf, o);
	assert_int_equal(hits(c), 0);
	assert_false(ptrust_result_trusted(r));
	ptrust_result_free(r);
	/* same anchors, but a snapshot published since */
	assert_true(ptrust_store_generation(s2) != ptrust_store_generation(s));
	ptrust_result_free(cached(c, s2, &chain, o));
	assert_int_equal(hits(c), 0);
	/* equal options in another object: a hit */
	ptrust_result_free(cached(c, s, &chain, o2));
	assert_int_equal(hits(c), 1);
	/* each option that can change a verdict changes the key */
	h = hits(c);
	assert_int_equal(ptrust_options_set_peer_name(o2, "cucm.example.net"),
	    PTRUST_OK);
	r = cached(c, s, &chain, o2);
	assert_false(ptrust_result_trusted(r));	/* the MIC names no host */
	ptrust_result_free(r);
	assert_int_equal(ptrust_options_set_peer_name(o2, NULL), PTRUST_OK);
	assert_int_equal(ptrust_options_set_eku(o2,
	    PTRUST_EKU_TLS_SERVER), PTRUST_OK);
	ptrust_result_free(cached(c, s, &chain, o2));
	assert_int_equal(ptrust_options_set_eku(o2,
	    PTRUST_EKU_TLS_CLIENT), PTRUST_OK);
	assert_int_equal(ptrust_options_insecure_allow_sha1(o2, 1), PTRUST_OK);
	ptrust_result_free(cached(c, s, &chain, o2));
	assert_int_equal(ptrust_options_set_max_depth(o2, 0), PTRUST_OK);
	r = cached(c, s, &chain, o2);
	ptrust_result_free(r);
	assert_int_equal(ptrust_options_set_security_level(o2, 3), PTRUST_OK);
	ptrust_result_free(cached(c, s, &chain, o2));
	assert_int_equal(hits(c), h);
	ptrust_cache_free(c);
	presented_free(&leaf);
	presented_free(&chain);
	ptrust_options_free(o);
	ptrust_options_free(o2);
	ptrust_store_unref(s);
	ptrust_store_unref(s2);
}

/* A trusted verdict does not outlive notAfter, nor precede notBefore. */
static void
verdict_stays_inside_its_time_window(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(8);
	struct lab_spec spec;
	struct presented p;
	ptrust_result *r;
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *leaf;

	(void)state;
	memset(&spec, 0, sizeof(spec));
	spec.cn = "SEP0000000000C1";
	spec.pathlen = -1;
	spec.eku = "clientAuth";
	spec.not_before = TEST_NOW - LAB_DAY;
	spec.not_after = TEST_NOW + 10 * LAB_DAY;
	assert_non_null(leaf = lab_issue(&spec, k, l->capf_a, l->capf_a_key));
	present(&p, &leaf, 1);
	ptrust_result_free(cached(c, s, &p, o));
	ptrust_result_free(cached(c, s, &p, o));
	assert_int_equal(hits(c), 1);
	/* the last second of the validity: still served */
	assert_int_equal(ptrust_options_set_time(o, spec.not_after),
	    PTRUST_OK);
	r = cached(c, s, &p, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_int_equal(hits(c), 2);
	/* one second later: validated again, and expired */
	assert_int_equal(ptrust_options_set_time(o, spec.not_after + 1),
	    PTRUST_OK);
	r = cached(c, s, &p, o);
	assert_int_equal(hits(c), 2);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, 0));
	ptrust_result_free(r);
	/* the clock set back before notBefore: validated again */
	assert_int_equal(ptrust_options_set_time(o, spec.not_before - 1),
	    PTRUST_OK);
	r = cached(c, s, &p, o);
	assert_int_equal(hits(c), 2);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_NOT_YET_VALID, 0));
	ptrust_result_free(r);
	/* and back inside the window: trusted again */
	assert_int_equal(ptrust_options_set_time(o, TEST_NOW), PTRUST_OK);
	r = cached(c, s, &p, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_cache_free(c);
	presented_free(&p);
	X509_free(leaf);
	EVP_PKEY_free(k);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/* A verdict checked against a CRL ends at the CRL's nextUpdate. */
static void
verdict_ends_at_crl_next_update(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(8);
	X509_CRL *crl;
	struct presented p;
	ptrust_result *r;
	size_t len;
	char *pem;

	(void)state;
	crl = lab_crl(l->capf_a, l->capf_a_key, TEST_NOW - LAB_DAY,
	    TEST_NOW + 5 * LAB_DAY, NULL, 0);
	assert_non_null(pem = lab_crl_pem(crl, &len));
	assert_int_equal(ptrust_options_add_crl_mem(o, pem, len), PTRUST_OK);
	present(&p, &l->lsc_a, 1);
	ptrust_result_free(cached(c, s, &p, o));
	ptrust_result_free(cached(c, s, &p, o));
	assert_int_equal(hits(c), 1);
	assert_int_equal(ptrust_options_set_time(o, TEST_NOW + 6 * LAB_DAY),
	    PTRUST_OK);
	r = cached(c, s, &p, o);
	assert_int_equal(hits(c), 1);
	assert_false(ptrust_result_trusted(r));	/* the CRL is stale */
	ptrust_result_free(r);
	ptrust_cache_free(c);
	presented_free(&p);
	free(pem);
	X509_CRL_free(crl);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/*
 * Intermediates are decoded once and shared, by their exact bytes: a
 * tampered copy of the same CA is its own certificate, and refused.
 */
static void
intermediates_shared_by_exact_bytes(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust",
	    PTRUST_ROLE_MANUFACTURING, &l->mfg_root, 1);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(8);
	struct lab_spec spec;
	struct presented p1, p2, bad;
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 *mic2, *forged_ca, *chain[2];
	ptrust_result *r;

	(void)state;
	memset(&spec, 0, sizeof(spec));
	spec.cn = "SEP0000000000C2";
	spec.o = "Cisco Systems Inc.";
	spec.pathlen = -1;
	spec.eku = "clientAuth";
	assert_non_null(mic2 = lab_issue(&spec, k, l->mfg_ca, l->mfg_key));
	/* the same CA, name and key, but its signature flipped */
	memset(&spec, 0, sizeof(spec));
	spec.cn = "Lab Manufacturing CA SHA2";
	spec.o = "Cisco";
	spec.ca = 1;
	spec.pathlen = 0;
	spec.corrupt_signature = 1;
	assert_non_null(forged_ca = lab_issue(&spec, l->mfg_key, l->mfg_root,
	    l->root_key));
	chain[0] = l->mic;
	chain[1] = l->mfg_ca;
	present(&p1, chain, 2);
	chain[0] = mic2;
	present(&p2, chain, 2);
	chain[1] = forged_ca;
	present(&bad, chain, 2);
	r = cached(c, s, &p1, o);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	r = cached(c, s, &p2, o);	/* another leaf, the shared CA */
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	r = cached(c, s, &bad, o);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_BAD_SIGNATURE, 1));
	ptrust_result_free(r);
	assert_int_equal(hits(c), 0);
	ptrust_cache_free(c);
	presented_free(&p1);
	presented_free(&p2);
	presented_free(&bad);
	X509_free(mic2);
	X509_free(forged_ca);
	EVP_PKEY_free(k);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/* At most max entries; the least recently used goes first. */
static void
bounded_least_recently_used(void **state)
{
	const struct lab *l = test_lab();
	X509 *anchors[2] = { l->capf_a, l->capf_b };
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    anchors, 2);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(2);
	struct presented a, b, m;

	(void)state;
	present(&a, &l->lsc_a, 1);
	present(&b, &l->lsc_b, 1);
	present(&m, &l->mic, 1);
	ptrust_result_free(cached(c, s, &a, o));
	ptrust_result_free(cached(c, s, &b, o));
	ptrust_result_free(cached(c, s, &a, o));	/* a is now recent */
	assert_int_equal(hits(c), 1);
	ptrust_result_free(cached(c, s, &m, o));	/* evicts b */
	assert_int_equal(ptrust_cache_count(c), 2);
	ptrust_result_free(cached(c, s, &a, o));
	assert_int_equal(hits(c), 2);
	ptrust_result_free(cached(c, s, &b, o));
	assert_int_equal(hits(c), 2);
	assert_int_equal(ptrust_cache_count(c), 2);
	ptrust_cache_free(c);
	presented_free(&a);
	presented_free(&b);
	presented_free(&m);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

static void
bad_input(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_cache *c = ptrust_cache_new(4);
	const unsigned char garbage[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	const unsigned char *der[1] = { garbage };
	size_t len[1] = { sizeof(garbage) };
	ptrust_result *r = NULL;

	(void)state;
	assert_null(ptrust_cache_new(0));
	assert_null(ptrust_cache_new((size_t)1 << 40));
	assert_int_equal(ptrust_cache_verify(c, s, der, len, 1, NULL, &r),
	    PTRUST_ERR_PARSE);
	assert_non_null(r);
	assert_false(ptrust_result_trusted(r));
	assert_non_null(strstr(ptrust_result_error(r), "certificate 1"));
	ptrust_result_free(r);
	assert_int_equal(ptrust_cache_count(c), 0);
	assert_int_equal(ptrust_cache_verify(c, s, der, len, 0, NULL, &r),
	    PTRUST_ERR_ARG);
	assert_null(r);
	assert_int_equal(ptrust_cache_verify(NULL, s, der, len, 1, NULL, &r),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cache_verify(c, NULL, der, len, 1, NULL, &r),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cache_verify(c, s, der, len, 1, NULL, NULL),
	    PTRUST_ERR_ARG);
	ptrust_cache_free(c);
	ptrust_cache_free(NULL);
	ptrust_cache_clear(NULL);
	assert_int_equal(ptrust_cache_count(NULL), 0);
	ptrust_store_unref(s);
}

/* Threads share one cache; every verdict stays right. */
struct worker {
	ptrust_cache		*c;
	const ptrust_store	*s;
	const struct presented	*p;
	int			 failures;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	ptrust_options *o = test_options();
	int i;

	for (i = 0; i < 400; i++) {
		const struct presented *p = &w->p[i % 3];
		ptrust_result *r = NULL;

		if (ptrust_cache_verify(w->c, w->s,
		    (const unsigned char *const *)p->der, p->len, p->n, o,
		    &r) != PTRUST_OK ||
		    ptrust_result_trusted(r) != (i % 3 == 0))
			w->failures++;
		/* a verdict shared with the other threads, read by all */
		else if (ptrust_result_chain_subject(r, 0) == NULL ||
		    (i % 3 == 0 && ptrust_result_kind(r) != PTRUST_KIND_LSC) ||
		    (i % 3 != 0 && ptrust_result_reason_count(r) == 0))
			w->failures++;
		ptrust_result_free(r);
	}
	ptrust_options_free(o);
	return NULL;
}

static void
shared_by_threads(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_cache *c = ptrust_cache_new(2);	/* evictions all along */
	struct presented p[3];
	struct worker w[4];
	pthread_t t[4];
	int i;

	(void)state;
	present(&p[0], &l->lsc_a, 1);
	present(&p[1], &l->lsc_b, 1);
	present(&p[2], &l->mic, 1);
	for (i = 0; i < 4; i++) {
		w[i].c = c;
		w[i].s = s;
		w[i].p = p;
		w[i].failures = 0;
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	assert_true(ptrust_cache_count(c) <= 2);
	assert_true(hits(c) > 0);
	ptrust_cache_free(c);
	for (i = 0; i < 3; i++)
		presented_free(&p[i]);
	ptrust_store_unref(s);
}

/*
 * The chain's subjects are kept as DER and formatted on first use: the
 * text is what ptrust_verify gives, on a miss and on a hit, and one result
 * read by two threads at once gives the same text to both.
 */
struct subject_reader {
	const ptrust_result	*r;
	const char		*got[3];
};

static void *
read_subjects(void *arg)
{
	struct subject_reader *sr = arg;
	size_t i;

	for (i = 0; i < 3; i++)
		sr->got[i] = ptrust_result_chain_subject(sr->r, i);
	return NULL;
}

static void
subjects_formatted_on_first_use(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust",
	    PTRUST_ROLE_MANUFACTURING, &l->mfg_root, 1);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(8);
	X509 *chain[2] = { l->mic, l->mfg_ca };
	struct subject_reader sr[2];
	struct presented p;
	ptrust_result *want, *miss, *hit;
	pthread_t t[2];
	size_t i;
	int k;

	(void)state;
	present(&p, chain, 2);
	want = test_verify(s, chain, 2, o);
	miss = cached(c, s, &p, o);
	hit = cached(c, s, &p, o);
	assert_int_equal(hits(c), 1);
	assert_int_equal(ptrust_result_chain_length(want), 3);
	assert_int_equal(ptrust_result_chain_length(miss), 3);
	assert_int_equal(ptrust_result_chain_length(hit), 3);
	/*
	 * The hit first: the verdict kept (the very one the miss handed
	 * out) was never formatted; its anchor's name is the anchor's own.
	 */
	assert_ptr_equal(hit, miss);
	for (i = 0; i < 3; i++)
		assert_string_equal(ptrust_result_chain_subject(hit, i),
		    ptrust_result_chain_subject(want, i));
	assert_null(ptrust_result_chain_subject(hit, 3));
	assert_ptr_equal(ptrust_result_chain_subject(hit, 2),
	    ptrust_anchor_subject(ptrust_result_anchor(hit)));
	for (k = 0; k < 2; k++) {
		sr[k].r = miss;
		assert_int_equal(pthread_create(&t[k], NULL, read_subjects,
		    &sr[k]), 0);
	}
	for (k = 0; k < 2; k++)
		assert_int_equal(pthread_join(t[k], NULL), 0);
	for (i = 0; i < 3; i++) {
		assert_non_null(sr[0].got[i]);
		/* one text, kept: the same pointer for every reader */
		assert_ptr_equal(sr[0].got[i], sr[1].got[i]);
		assert_ptr_equal(sr[0].got[i],
		    ptrust_result_chain_subject(miss, i));
		assert_string_equal(sr[0].got[i],
		    ptrust_result_chain_subject(want, i));
	}
	assert_non_null(strstr(ptrust_result_chain_subject(miss, 0),
	    "SEP001122334455"));
	ptrust_result_free(want);
	ptrust_result_free(miss);
	ptrust_result_free(hit);
	ptrust_cache_free(c);
	presented_free(&p);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/*
 * Each validating thread decodes leaves in a library context of its own
 * (util.c), and verifying them caches the anchor's key in that context.
 * Threads that come and go, a snapshot and a cache that outlive them, and
 * later threads reusing those contexts: every verdict right, and nothing
 * used after it is freed (ASan, valgrind).
 */
struct comer {
	ptrust_cache		*c;
	const ptrust_store	*s;
	const struct presented	*p;
	int			 ok;
};

static void *
come_and_go(void *arg)
{
	struct comer *w = arg;
	ptrust_options *o = test_options();
	ptrust_result *r = NULL;

	w->ok = ptrust_cache_verify(w->c, w->s,
	    (const unsigned char *const *)w->p->der, w->p->len, w->p->n, o,
	    &r) == PTRUST_OK && ptrust_result_trusted(r) &&
	    ptrust_result_kind(r) == PTRUST_KIND_LSC;
	ptrust_result_free(r);
	ptrust_options_free(o);
	return NULL;
}

static void
threads_come_and_go(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s, *kept = NULL;
	ptrust_cache *c;
	struct presented p;
	struct comer w[3];
	pthread_t t[3];
	int round, k;

	(void)state;
	present(&p, &l->lsc_a, 1);
	for (round = 0; round < 3; round++) {
		/* a new snapshot each round, freed after its threads */
		s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
		    &l->capf_a, 1);
		c = ptrust_cache_new(4);
		for (k = 0; k < 3; k++) {
			w[k].c = c;
			w[k].s = s;
			w[k].p = &p;
			w[k].ok = 0;
			assert_int_equal(pthread_create(&t[k], NULL,
			    come_and_go, &w[k]), 0);
			/* one at a time: each a miss in its own thread */
			assert_int_equal(pthread_join(t[k], NULL), 0);
			assert_true(w[k].ok);
			ptrust_cache_clear(c);
		}
		ptrust_cache_free(c);
		if (round == 1)
			kept = s;	/* outlives the next round's threads */
		else
			ptrust_store_unref(s);
	}
	ptrust_store_unref(kept);
	presented_free(&p);
}

/*
 * A leaf decoded in the thread's own library context (util.c) is checked
 * as any other: its signature under the anchor's key (RSA and EC), its
 * key's size, its signature algorithm; a MIC below an intermediate.
 */
static void
leaf_checked_in_thread_context(void **state)
{
	const struct lab *l = test_lab();
	X509 *anchors[2] = { l->capf_b, l->mfg_root };
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    anchors, 2);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(16);
	EVP_PKEY *small = lab_key_rsa(1024);
	X509 *forged, *weak_key, *sha1, *chain[2];
	struct presented p;
	struct lab_spec spec;
	ptrust_result *r;

	(void)state;
	assert_non_null(small);
	memset(&spec, 0, sizeof(spec));
	spec.cn = "SEP00AABBCCDDEE";
	spec.pathlen = -1;
	spec.eku = "clientAuth";
	spec.corrupt_signature = 1;
	assert_non_null(forged = lab_issue(&spec, l->lsc_b_key, l->capf_b,
	    l->capf_b_key));
	spec.corrupt_signature = 0;
	assert_non_null(weak_key = lab_issue(&spec, small, l->capf_b,
	    l->capf_b_key));
	spec.md = EVP_sha1();
	assert_non_null(sha1 = lab_issue(&spec, l->lsc_b_key, l->capf_b,
	    l->capf_b_key));

	present(&p, &l->lsc_b, 1);	/* the real one: trusted */
	r = cached(c, s, &p, o);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	presented_free(&p);

	present(&p, &forged, 1);
	r = cached(c, s, &p, o);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_BAD_SIGNATURE, 0));
	ptrust_result_free(r);
	presented_free(&p);

	present(&p, &weak_key, 1);
	r = cached(c, s, &p, o);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_KEY_TOO_SMALL, 0));
	ptrust_result_free(r);
	presented_free(&p);

	present(&p, &sha1, 1);
	r = cached(c, s, &p, o);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM,
	    0));
	ptrust_result_free(r);
	presented_free(&p);

	chain[0] = l->mic;
	chain[1] = l->mfg_ca;
	present(&p, chain, 2);
	r = cached(c, s, &p, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	presented_free(&p);

	X509_free(forged);
	X509_free(weak_key);
	X509_free(sha1);
	EVP_PKEY_free(small);
	ptrust_cache_free(c);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

/* Every allocation failing in turn, on a miss and on a hit. */
static void
under_oom(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	struct presented good, bad;
	long k;
	int pass;

	(void)state;
	present(&good, &l->lsc_a, 1);
	present(&bad, &l->lsc_b, 1);
	for (pass = 0; pass < 2; pass++) {
		for (k = 1; k < 100000; k++) {
			ptrust_cache *c;
			ptrust_result *r = NULL;
			ptrust_status st = PTRUST_ERR_NOMEM;

			/* pass 1: warm the cache first, then fail on a hit */
			c = ptrust_cache_new(4);
			assert_non_null(c);
			if (pass == 1) {
				ptrust_result_free(cached(c, s, &good, o));
				ptrust_result_free(cached(c, s, &bad, o));
			}
			test_oom_fail_at(k);
			st = ptrust_cache_verify(c, s,
			    (const unsigned char *const *)good.der, good.len,
			    1, o, &r);
			if (st != PTRUST_OK)
				assert_false(ptrust_result_trusted(r));
			ptrust_result_free(r);
			r = NULL;
			st = ptrust_cache_verify(c, s,
			    (const unsigned char *const *)bad.der, bad.len, 1,
			    o, &r);
			assert_false(ptrust_result_trusted(r));
			ptrust_result_free(r);
			if (!test_oom_stop()) {
				ptrust_cache_free(c);
				break;
			}
			ptrust_cache_free(c);
		}
		/*
		 * A miss allocates as it judges; a hit only the digest's
		 * context (OpenSSL 3.0 makes one per digest): a reference to
		 * the verdict kept, no copy.  Two hits, at most two.
		 */
		if (pass == 0)
			assert_true(k > 3);
		else
			assert_true(k <= 3);
	}
	presented_free(&good);
	presented_free(&bad);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hit_serves_the_same_verdict),
		cmocka_unit_test(hit_is_a_shared_reference),
		cmocka_unit_test(device_is_part_of_the_key),
		cmocka_unit_test(presented_through_cache),
		cmocka_unit_test(refusal_served_sixteen_times),
		cmocka_unit_test(key_covers_bytes_snapshot_and_options),
		cmocka_unit_test(verdict_stays_inside_its_time_window),
		cmocka_unit_test(verdict_ends_at_crl_next_update),
		cmocka_unit_test(intermediates_shared_by_exact_bytes),
		cmocka_unit_test(bounded_least_recently_used),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(shared_by_threads),
		cmocka_unit_test(subjects_formatted_on_first_use),
		cmocka_unit_test(threads_come_and_go),
		cmocka_unit_test(leaf_checked_in_thread_context),
		cmocka_unit_test(under_oom),
	};
	int rc;

	if (!test_oom_hook()) {
		fprintf(stderr, "cannot hook OpenSSL's allocator\n");
		return 1;
	}
	test_lab();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_lab_free();
	return rc;
}
