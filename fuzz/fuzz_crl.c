/*
 * CRLs: ptrust_options_add_crl_mem, then every fixture chain validated
 * with them (ptrust_verify and the verdict cache).
 *
 * Input: byte 0 (bits 0-1: CRL check mode, 3 = automatic; bit 2: split
 * the rest in two CRLs at byte 1's share of it), then the CRL bytes (PEM
 * or DER).
 *
 * Invariants: every verdict passes fuzz_check_result; a CRL only takes
 * trust away (trusted with CRLs => trusted without); a revoked chain is
 * never trusted; the cache gives the direct verdict, on a miss and on a
 * hit.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz_common.h"

static ptrust_cache *cache;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	if ((cache = ptrust_cache_new(256)) == NULL)
		fuzz_fail("cache");
	return 0;
}

static void
check_cache(const ptrust_options *o, const ptrust_chain *c,
    const ptrust_result *direct, const char *name)
{
	unsigned char *der[FUZZ_MAX_CERTS];
	size_t len[FUZZ_MAX_CERTS], n = 0, i;
	ptrust_result *r = NULL;
	ptrust_status st;
	int k, l, round;

	for (k = 0; k < sk_X509_num(c->certs) && n < FUZZ_MAX_CERTS; k++) {
		der[n] = NULL;
		if ((l = i2d_X509(sk_X509_value(c->certs, k), &der[n])) <= 0)
			fuzz_fail("i2d_X509");
		len[n++] = (size_t)l;
	}
	for (round = 0; round < 2; round++) {
		st = ptrust_cache_verify(cache, fuzz.store,
		    (const unsigned char *const *)der, len, n, o, &r);
		fuzz_check_result(fuzz.store, st, r, "cache with CRLs");
		if (!fuzz_same_verdict(r, direct)) {
			fuzz_print_result("direct", direct);
			fuzz_print_result("cache", r);
			fuzz_fail("%s: the cache (round %d) and ptrust_verify "
			    "disagree with CRLs", name, round);
		}
		ptrust_result_free(r);
		r = NULL;
	}
	for (i = 0; i < n; i++)
		OPENSSL_free(der[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ptrust_options *o;
	ptrust_result *r;
	ptrust_status st;
	size_t i, j, cut, added = 0;
	int mode;

	if (size < 2 || size > 65536)
		return 0;
	if ((o = ptrust_options_new()) == NULL)
		return 0;
	if (ptrust_options_set_time(o, FUZZ_TIME) != PTRUST_OK)
		fuzz_fail("set_time");
	mode = data[0] & 3;
	if (mode != 3 && ptrust_options_set_crl_check(o,
	    (ptrust_crl_check)mode) != PTRUST_OK)
		fuzz_fail("set_crl_check %d", mode);
	data += 2;
	size -= 2;
	cut = data[-2] & 4 ? size * data[-1] / 256 : size;
	if (ptrust_options_add_crl_mem(o, data, cut) == PTRUST_OK)
		added++;
	if (cut < size && ptrust_options_add_crl_mem(o, data + cut,
	    size - cut) == PTRUST_OK)
		added++;
	if (added == 0 && mode == 3)
		goto done;	/* nothing new to see */
	for (i = 0; i < fuzz.n_chains; i++) {
		r = NULL;
		st = ptrust_verify(fuzz.store, fuzz.chains[i], o, &r);
		fuzz_check_result(fuzz.store, st, r, fuzz.chain_names[i]);
		if (st == PTRUST_OK && ptrust_result_trusted(r) &&
		    !ptrust_result_trusted(fuzz.baseline[i])) {
			fuzz_print_result("without CRLs", fuzz.baseline[i]);
			fuzz_print_result("with CRLs", r);
			fuzz_fail("%s: a CRL made a chain trusted",
			    fuzz.chain_names[i]);
		}
		for (j = 0; r != NULL && j < ptrust_result_reason_count(r); j++)
			if (ptrust_result_reason_code(r, j) ==
			    PTRUST_REASON_REVOKED)
				FUZZ_REQUIRE(!ptrust_result_trusted(r),
				    "revoked is never trusted");
		if (st == PTRUST_OK)
			check_cache(o, fuzz.chains[i], r, fuzz.chain_names[i]);
		ptrust_result_free(r);
	}
done:
	ptrust_options_free(o);
	return 0;
}
