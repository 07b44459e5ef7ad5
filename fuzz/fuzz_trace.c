/*
 * CAPF traces: ptrust_trace_extract on log text, then
 * ptrust_trace_classify against the lab cluster.
 *
 * Invariants: each certificate found is a DER certificate whose SHA-256
 * is the one reported, found once, on a line of the text; classify gives
 * a device name exactly to the LSCs and MICs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "internal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ptrust_trace *t = NULL;
	ptrust_status st;
	size_t i, j, n, len, lines = 1;
	unsigned char md[32];
	char hex[65];

	if (size > 1 << 20)
		return 0;
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	st = ptrust_trace_extract(data, size, &t);
	if (t == NULL)
		return 0;
	FUZZ_REQUIRE(ptrust_trace_error(t) != NULL, "an error string");
	if (st != PTRUST_OK)
		goto done;
	n = ptrust_trace_count(t);
	for (i = 0; i < n; i++) {
		const unsigned char *der = ptrust_trace_der(t, i, &len), *p;
		const char *sha = ptrust_trace_sha256(t, i);
		X509 *x;

		FUZZ_REQUIRE(der != NULL && len > 0, "DER");
		p = der;
		x = d2i_X509(NULL, &p, (long)len);
		FUZZ_REQUIRE(x != NULL && p == der + len,
		    "the DER is one certificate");
		X509_free(x);
		if (!EVP_Digest(der, len, md, NULL, EVP_sha256(), NULL))
			fuzz_fail("SHA-256");
		for (j = 0; j < 32; j++)
			sprintf(hex + 2 * j, "%02x", md[j]);
		FUZZ_REQUIRE(sha != NULL && strcmp(sha, hex) == 0,
		    "the SHA-256 reported is the DER's");
		for (j = 0; j < i; j++)
			FUZZ_REQUIRE(strcmp(sha, ptrust_trace_sha256(t, j)) != 0,
			    "each certificate once");
		FUZZ_REQUIRE(ptrust_trace_line(t, i) >= 1 &&
		    ptrust_trace_line(t, i) <= lines, "a line of the text");
		FUZZ_REQUIRE(ptrust_trace_subject(t, i) != NULL &&
		    ptrust_trace_issuer(t, i) != NULL, "subject and issuer");
		FUZZ_REQUIRE(ptrust_trace_kind(t, i) == PTRUST_KIND_UNKNOWN,
		    "no kind before classify");
	}
	FUZZ_REQUIRE(ptrust_trace_der(t, n, &len) == NULL &&
	    ptrust_trace_sha256(t, n) == NULL, "nothing past the end");
	if (n == 0 || ptrust_trace_classify(t, fuzz.cluster, fuzz.options) !=
	    PTRUST_OK)
		goto done;
	for (i = 0; i < n; i++) {
		ptrust_kind k = ptrust_trace_kind(t, i);
		const char *dev = ptrust_trace_device(t, i);

		FUZZ_REQUIRE(ptrust_kind_name(k) != NULL, "a kind");
		if (k == PTRUST_KIND_UNKNOWN)
			FUZZ_REQUIRE(dev == NULL, "no device for unknown");
		else
			FUZZ_REQUIRE(dev != NULL, "a device for an LSC or MIC");
	}
done:
	ptrust_trace_free(t);
	return 0;
}
