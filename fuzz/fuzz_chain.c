/*
 * Chains from outside: PEM and DER parsing (ptrust_chain_add_pem/der),
 * ptrust_verify against the fixed lab store, the verdict cache, and the
 * same bytes as trust anchors (ptrust_builder_add_mem + build).
 *
 * Input: byte 0 flags (bit 0 DER, else PEM; bit 1 purpose any; bit 2
 * allow SHA-1; bits 3-5 the role for the builder), then the chain.
 * Invariants: every verdict passes fuzz_check_result; validating twice
 * gives the same verdict; the chain read again sharing the store's anchors
 * (ptrust_chain_share_anchors) holds the same bytes, succeeds or fails
 * alike and gets the same verdict; the cache (miss, then hit) gives the direct
 * verdict; a built store holds exactly the builder's anchors, each found
 * by fingerprint and alias, with the role asked for.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz_common.h"

static ptrust_cache *cache;
static ptrust_options *opt_any, *opt_sha1;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	cache = ptrust_cache_new(64);
	opt_any = ptrust_options_new();
	opt_sha1 = ptrust_options_new();
	if (cache == NULL || opt_any == NULL || opt_sha1 == NULL ||
	    ptrust_options_set_time(opt_any, FUZZ_TIME) != PTRUST_OK ||
	    ptrust_options_set_eku(opt_any, PTRUST_EKU_ANY) !=
	    PTRUST_OK || ptrust_options_set_time(opt_sha1, FUZZ_TIME) !=
	    PTRUST_OK || ptrust_options_insecure_allow_sha1(opt_sha1, 1) != PTRUST_OK)
		fuzz_fail("set-up of fuzz_chain");
	return 0;
}

/* The chain's certificates as DER, for the cache. */
static size_t
chain_der(const ptrust_chain *c, unsigned char **der, size_t *len,
    size_t max)
{
	size_t n = 0;
	int i, l;

	for (i = 0; i < sk_X509_num(c->certs) && n < max; i++) {
		der[n] = NULL;
		if ((l = i2d_X509(sk_X509_value(c->certs, i), &der[n])) <= 0)
			fuzz_fail("i2d_X509 of a parsed certificate failed");
		len[n++] = (size_t)l;
	}
	return n;
}

static void
check_cache(const ptrust_options *o, const unsigned char *const *der,
    const size_t *len, size_t n, const ptrust_result *direct, int exact)
{
	ptrust_result *r = NULL;
	ptrust_status st;
	int round;

	for (round = 0; round < 2; round++) {
		st = ptrust_cache_verify(cache, fuzz.store, der, len, n, o, &r);
		fuzz_check_result(fuzz.store, st, r, "cache");
		if (exact && (st != PTRUST_OK || !fuzz_same_verdict(r, direct))) {
			fuzz_print_result("direct", direct);
			fuzz_print_result("cache", r);
			fuzz_fail("the cache (round %d, status %s) and "
			    "ptrust_verify disagree", round,
			    ptrust_status_name(st));
		}
		if (!exact && r != NULL && ptrust_result_trusted(r)) {
			fuzz_print_result("cache", r);
			fuzz_fail("the cache trusts a chain ptrust_chain_add_der "
			    "refused");
		}
		ptrust_result_free(r);
		r = NULL;
	}
}

static void
check_builder(const uint8_t *data, size_t size, ptrust_role role,
    const ptrust_chain *chain)
{
	ptrust_builder *b = ptrust_builder_new("fuzz-trust");
	ptrust_store *s = NULL;
	ptrust_result *r = NULL;
	ptrust_status st;
	size_t i, n;

	if (b == NULL)
		return;
	st = ptrust_builder_add_mem(b, data, size, NULL, role);
	if (st != PTRUST_OK) {
		FUZZ_REQUIRE(ptrust_builder_anchor_count(b) == 0,
		    "a failed add added nothing");
		goto done;
	}
	n = ptrust_builder_anchor_count(b);
	FUZZ_REQUIRE(ptrust_builder_change_count(b) >= n, "one change each");
	for (i = 0; i < ptrust_builder_change_count(b); i++) {
		const char *alias = NULL, *other = NULL;
		ptrust_change_kind k = ptrust_builder_change(b, i, &alias,
		    &other);

		FUZZ_REQUIRE(ptrust_change_kind_name(k) != NULL, "change kind");
		FUZZ_REQUIRE(alias != NULL, "change alias");
	}
	if (ptrust_builder_build(b, &s) != PTRUST_OK)
		goto done;
	FUZZ_REQUIRE(ptrust_store_anchor_count(s) == n, "store = builder");
	for (i = 0; i < n; i++) {
		const ptrust_anchor *a = ptrust_builder_anchor(b, i), *f;

		FUZZ_REQUIRE(a != NULL && pt_alias_valid(ptrust_anchor_alias(a)),
		    "a valid alias");
		f = ptrust_store_find(s, ptrust_anchor_sha256(a));
		FUZZ_REQUIRE(f != NULL && strcmp(ptrust_anchor_alias(f),
		    ptrust_anchor_alias(a)) == 0, "found by fingerprint");
		f = ptrust_store_find(s, ptrust_anchor_alias(a));
		FUZZ_REQUIRE(f != NULL && strcmp(ptrust_anchor_sha256(f),
		    ptrust_anchor_sha256(a)) == 0, "found by alias");
		if (role != PTRUST_ROLE_AUTO)
			FUZZ_REQUIRE(ptrust_anchor_role(a) == role,
			    "the role asked for");
		FUZZ_REQUIRE(ptrust_anchor_role(a) != PTRUST_ROLE_AUTO,
		    "a role decided");
	}
	if (chain != NULL && ptrust_chain_count(chain) > 0) {
		st = ptrust_verify(s, chain, fuzz.options, &r);
		fuzz_check_result(s, st, r, "verify against the input's store");
	}
done:
	ptrust_result_free(r);
	ptrust_store_unref(s);
	ptrust_builder_free(b);
}

/*
 * The same input read sharing the store's anchors: the same certificates
 * by their bytes, the same success or failure, the same verdict.
 */
static void
check_shared(const uint8_t *data, size_t size, const ptrust_chain *plain,
    int plain_ok, const ptrust_options *o)
{
	const uint8_t *raw[FUZZ_MAX_CERTS];
	size_t raw_len[FUZZ_MAX_CERTS], n_raw = 0, i;
	ptrust_result *r1 = NULL, *r2 = NULL;
	ptrust_chain *c;
	int ok;

	if ((c = fuzz_parse_chain(data, size, &ok, raw, raw_len, &n_raw,
	    fuzz.store)) == NULL)
		return;
	FUZZ_REQUIRE(ok == plain_ok, "sharing anchors changes no success");
	FUZZ_REQUIRE(ptrust_chain_count(c) == ptrust_chain_count(plain),
	    "sharing anchors keeps every certificate");
	for (i = 0; i < ptrust_chain_count(c); i++)
		FUZZ_REQUIRE(X509_cmp(ptrust_chain_get0_x509(c, i),
		    ptrust_chain_get0_x509(plain, i)) == 0,
		    "a shared certificate is the one sent");
	if (ptrust_chain_count(c) > 0) {
		(void)ptrust_verify(fuzz.store, plain, o, &r1);
		(void)ptrust_verify(fuzz.store, c, o, &r2);
		if (!fuzz_same_verdict(r1, r2)) {
			fuzz_print_result("decoded", r1);
			fuzz_print_result("shared", r2);
			fuzz_fail("sharing the store's anchors changed a verdict");
		}
	}
	ptrust_result_free(r1);
	ptrust_result_free(r2);
	ptrust_chain_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *raw[FUZZ_MAX_CERTS];
	size_t raw_len[FUZZ_MAX_CERTS], n_raw = 0, n, i;
	unsigned char *der[FUZZ_MAX_CERTS];
	size_t der_len[FUZZ_MAX_CERTS];
	const ptrust_options *o;
	ptrust_result *r1 = NULL, *r2 = NULL;
	ptrust_chain *c;
	ptrust_status st;
	ptrust_role role;
	int all_ok;

	if (size < 1 || size > 65536)
		return 0;
	o = data[0] & 2 ? opt_any : data[0] & 4 ? opt_sha1 : fuzz.options;
	role = (ptrust_role)((data[0] >> 3) % 5);
	c = fuzz_parse_chain(data, size, &all_ok, raw, raw_len, &n_raw, NULL);
	if (c == NULL)
		return 0;
	check_shared(data, size, c, all_ok, o);
	if (ptrust_chain_count(c) > 0) {
		st = ptrust_verify(fuzz.store, c, o, &r1);
		fuzz_check_result(fuzz.store, st, r1, "verify");
		st = ptrust_verify(fuzz.store, c, o, &r2);
		fuzz_check_result(fuzz.store, st, r2, "verify again");
		if (!fuzz_same_verdict(r1, r2)) {
			fuzz_print_result("first", r1);
			fuzz_print_result("second", r2);
			fuzz_fail("two validations of one chain disagree");
		}
		/* the cache on the certificates as parsed */
		n = chain_der(c, der, der_len, FUZZ_MAX_CERTS);
		if (n == ptrust_chain_count(c))
			check_cache(o, (const unsigned char *const *)der,
			    der_len, n, r1, 1);
		for (i = 0; i < n; i++)
			OPENSSL_free(der[i]);
	}
	/* the cache on the bytes as sent */
	if (n_raw > 0)
		check_cache(o, raw, raw_len, n_raw, r1,
		    all_ok && ptrust_chain_count(c) == n_raw);
	check_builder(data + 1, size - 1, role, c);
	ptrust_result_free(r1);
	ptrust_result_free(r2);
	ptrust_chain_free(c);
	return 0;
}
