/*
 * Packet captures (<phonetrust-capture.h>): ptrust_capture_read_mem on
 * pcap / pcapng bytes, every accessor on what it found, and
 * ptrust_capture_classify against the lab cluster.
 *
 * Invariants: a failed read holds no connection; each chain has as many
 * certificates, DER blobs and subjects as it says, and the ptrust_chain
 * form has the same count; out-of-range indexes give NULL / 0 / -1;
 * classify's verdicts pass fuzz_check_result, and a kind not guessed is
 * the verdict's kind.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <phonetrust-capture.h>

#include "internal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_side(const ptrust_capture *cap, size_t i, ptrust_capture_side side)
{
	size_t n = ptrust_capture_chain_count(cap, i, side), k, len;
	const ptrust_chain *chain = ptrust_capture_chain(cap, i, side);

	if (n > 0)
		FUZZ_REQUIRE(ptrust_capture_certificate_sent(cap, i, side),
		    "a chain was sent");
	for (k = 0; k < n; k++) {
		const unsigned char *der = ptrust_capture_chain_der(cap, i,
		    side, k, &len);

		FUZZ_REQUIRE(der != NULL && len > 0, "DER of each certificate");
		FUZZ_REQUIRE(ptrust_capture_chain_subject(cap, i, side, k) !=
		    NULL && ptrust_capture_chain_issuer(cap, i, side, k) !=
		    NULL, "subject and issuer of each certificate");
	}
	FUZZ_REQUIRE(ptrust_capture_chain_der(cap, i, side, n, &len) == NULL,
	    "no certificate past the end");
	FUZZ_REQUIRE(ptrust_capture_chain_subject(cap, i, side, n) == NULL,
	    "no subject past the end");
	if (chain != NULL)
		FUZZ_REQUIRE(ptrust_chain_count(chain) == n,
		    "the ptrust_chain has the same certificates");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ptrust_capture *cap = NULL;
	ptrust_status st;
	size_t i, n, k;

	if (size > 1 << 20)
		return 0;
	st = ptrust_capture_read_mem(data, size, &cap);
	if (cap == NULL)
		return 0;
	n = ptrust_capture_count(cap);
	FUZZ_REQUIRE(ptrust_capture_error(cap) != NULL, "an error string");
	if (st != PTRUST_OK) {
		FUZZ_REQUIRE(n == 0, "a failed read holds no connection");
		goto done;
	}
	FUZZ_REQUIRE(ptrust_capture_format(cap) != NULL, "a format");
	for (k = 0; k < ptrust_capture_warning_count(cap); k++)
		FUZZ_REQUIRE(ptrust_capture_warning(cap, k) != NULL, "warning");
	for (i = 0; i < n; i++) {
		size_t alerts = ptrust_capture_alert_count(cap, i);
		ptrust_capture_side from;
		int level, desc, rc;

		FUZZ_REQUIRE(ptrust_capture_address(cap, i,
		    PTRUST_CAPTURE_CLIENT) != NULL && ptrust_capture_address(cap,
		    i, PTRUST_CAPTURE_SERVER) != NULL, "addresses");
		FUZZ_REQUIRE(ptrust_capture_version(cap, i) != NULL, "version");
		(void)ptrust_capture_start_time(cap, i);
		(void)ptrust_capture_port(cap, i, PTRUST_CAPTURE_CLIENT);
		(void)ptrust_capture_encrypted(cap, i);
		(void)ptrust_capture_certificate_requested(cap, i);
		(void)ptrust_capture_device(cap, i);
		check_side(cap, i, PTRUST_CAPTURE_CLIENT);
		check_side(cap, i, PTRUST_CAPTURE_SERVER);
		for (k = 0; k < alerts; k++) {
			rc = ptrust_capture_alert(cap, i, k, &from, &level,
			    &desc);
			FUZZ_REQUIRE(rc == 0 || rc == 1, "an alert in range");
			if (rc == 1) {
				FUZZ_REQUIRE(desc >= 0 && desc <= 255,
				    "an alert description is a byte");
				(void)ptrust_capture_alert_name(desc);
			} else
				FUZZ_REQUIRE(level == -1 && desc == -1,
				    "an encrypted alert");
		}
		FUZZ_REQUIRE(ptrust_capture_alert(cap, i, alerts, NULL, NULL,
		    NULL) == -1, "no alert past the end");
		for (k = 0; k < ptrust_capture_note_count(cap, i); k++)
			FUZZ_REQUIRE(ptrust_capture_note(cap, i, k) != NULL,
			    "note");
		FUZZ_REQUIRE(ptrust_capture_result(cap, i) == NULL,
		    "no verdict before classify");
	}
	FUZZ_REQUIRE(ptrust_capture_address(cap, n, PTRUST_CAPTURE_CLIENT) ==
	    NULL && ptrust_capture_chain(cap, n, PTRUST_CAPTURE_CLIENT) ==
	    NULL, "no connection past the end");
	if (n == 0)
		goto done;
	st = ptrust_capture_classify(cap, fuzz.cluster,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, fuzz.options);
	for (i = 0; st == PTRUST_OK && i < n; i++) {
		const ptrust_result *r = ptrust_capture_result(cap, i);
		int guess = -1;
		ptrust_kind kind = ptrust_capture_kind(cap, i, &guess);

		if (r == NULL) {
			FUZZ_REQUIRE(ptrust_capture_chain(cap, i,
			    PTRUST_CAPTURE_CLIENT) == NULL,
			    "a verdict for every client chain");
			continue;
		}
		fuzz_check_result(NULL, PTRUST_OK, r, "capture classify");
		FUZZ_REQUIRE(guess == 0 || guess == 1, "guess is 0 or 1");
		if (guess == 0)
			FUZZ_REQUIRE(kind == ptrust_result_kind(r),
			    "the kind comes from the verdict");
	}
done:
	ptrust_capture_free(cap);
	return 0;
}
