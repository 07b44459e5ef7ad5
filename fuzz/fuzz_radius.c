/*
 * RADIUS (<phonetrust-radius.h>): the EAP identity, ptrust_radius_decide,
 * ptrust_radius_explain and ptrust_radius_log_line on what a RADIUS
 * server's TLS layer printed about a certificate.
 *
 * Input: byte 0 (bits 0-1: the purpose), then lines: identity, subject,
 * issuer, common name, authority key identifier, expiration, basic
 * constraints, device.  A missing line or one reading "(null)" is NULL.
 *
 * Invariants: the device of an identity is "SEP" + 12 upper-case hex
 * digits or ""; explain never trusts; decide trusts only with an
 * authority key identifier, a readable expiration not before FUZZ_TIME,
 * no CA:TRUE, an anchor of the store whose role gives the kind (LSC or
 * MIC), and a subject naming the device asked for; log lines are cut
 * where asked, NUL-terminated, free of control characters, and start
 * with TRUSTED exactly for trusted verdicts.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <phonetrust-radius.h>

#include "internal.h"
#include "fuzz_common.h"

#define NFIELDS	8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_identity(const char *identity)
{
	char dev[16], big[64], tiny[8];
	ptrust_status st;
	size_t i;

	memset(dev, 'x', sizeof(dev));
	st = ptrust_radius_identity_device(identity, dev, sizeof(dev));
	if (st == PTRUST_OK) {
		FUZZ_REQUIRE(strlen(dev) == 15 && strncmp(dev, "SEP", 3) == 0,
		    "SEP + 12 digits");
		for (i = 3; i < 15; i++)
			FUZZ_REQUIRE(isxdigit((unsigned char)dev[i]) &&
			    !islower((unsigned char)dev[i]),
			    "upper-case hex digits");
		FUZZ_REQUIRE(ptrust_radius_identity_device(identity, big,
		    sizeof(big)) == PTRUST_OK && strcmp(big, dev) == 0,
		    "the same device with a larger buffer");
	} else
		FUZZ_REQUIRE(dev[0] == '\0', "\"\" when no phone is named");
	/* too small: must not overrun */
	if (ptrust_radius_identity_device(identity, tiny, sizeof(tiny)) ==
	    PTRUST_OK)
		fuzz_fail("a 16-byte device in an 8-byte buffer");
}

/* YYMMDDhhmmssZ or YYYYMMDDhhmmssZ, as the header says; 0 if unread */
static int
read_time(const char *s, time_t *out)
{
	size_t l = s != NULL ? strlen(s) : 0, i;
	int v[7], yd, y;

	if (l != 13 && l != 15)
		return 0;
	for (i = 0; i + 1 < l; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[l - 1] != 'Z')
		return 0;
	yd = l == 13 ? 2 : 4;
	for (i = 0, y = 0; i < (size_t)yd; i++)
		y = y * 10 + (s[i] - '0');
	if (l == 13)
		y += y < 50 ? 2000 : 1900;
	for (i = 0; i < 5; i++)
		v[i] = (s[yd + 2 * i] - '0') * 10 + (s[yd + 2 * i + 1] - '0');
	if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 31 || v[2] > 23 ||
	    v[3] > 59 || v[4] > 59)
		return 0;
	*out = (time_t)(pt_days_from_civil(y, v[0], v[1]) * 86400 +
	    v[2] * 3600 + v[3] * 60 + v[4]);
	return 1;
}

static void
check_log_line(const ptrust_result *r)
{
	static const size_t sizes[] = { 1, 9, 40, 600 };
	char line[600];
	size_t i, k, l, fit;
	int n;

	n = ptrust_radius_log_line(r, NULL, 0);
	FUZZ_REQUIRE(n >= 0, "a length");
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		memset(line, 'x', sizeof(line));
		FUZZ_REQUIRE(ptrust_radius_log_line(r, line, sizes[k]) == n,
		    "the same length whatever the size");
		l = strnlen(line, sizes[k]);
		FUZZ_REQUIRE(l < sizes[k], "NUL-terminated");
		/* cut to fit, never inside a UTF-8 character */
		fit = (size_t)n < sizes[k] - 1 ? (size_t)n : sizes[k] - 1;
		FUZZ_REQUIRE(l <= fit && l + 3 >= fit, "cut to fit");
		for (i = 0; i < l; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
				fuzz_fail("control character 0x%02x at %zu in "
				    "the log line \"%s\"", line[i], i, line);
		if (sizes[k] == 600 && (size_t)n < 600)
			FUZZ_REQUIRE(strncmp(line, ptrust_result_trusted(r) ?
			    "TRUSTED " : "REFUSED ", 8) == 0,
			    "TRUSTED exactly when trusted");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *f[NFIELDS] = { NULL }, *p, *nl;
	ptrust_radius_cert cert;
	ptrust_cluster_purpose purpose;
	ptrust_result *r = NULL;
	ptrust_status st;
	time_t t;
	size_t i;

	if (size < 1 || size > 8192)
		return 0;
	purpose = (ptrust_cluster_purpose)(data[0] & 3);
	if ((buf = malloc(size)) == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (i = 0, p = buf; i < NFIELDS && p != NULL; i++) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		f[i] = strcmp(p, "(null)") == 0 ? NULL : p;
		p = nl != NULL ? nl + 1 : NULL;
	}
	if (f[0] != NULL)
		check_identity(f[0]);
	cert.subject = f[1];
	cert.issuer = f[2];
	cert.common_name = f[3];
	cert.authority_key_id = f[4];
	cert.expiration = f[5];
	cert.basic_constraints = f[6];

	st = ptrust_radius_explain(fuzz.store, &cert, f[7], purpose,
	    FUZZ_TIME, &r);
	if (st == PTRUST_OK) {
		FUZZ_REQUIRE(r != NULL && !ptrust_result_trusted(r),
		    "explain never trusts");
		fuzz_check_result_no_chain(fuzz.store, st, r,
		    "radius explain");
		check_log_line(r);
	}
	ptrust_result_free(r);
	r = NULL;

	st = ptrust_radius_decide(fuzz.store, &cert, f[7], purpose,
	    FUZZ_TIME, &r);
	if (st == PTRUST_OK) {
		FUZZ_REQUIRE(r != NULL, "a verdict");
		fuzz_check_result_no_chain(fuzz.store, st, r,
		    "radius decide");
		check_log_line(r);
		if (ptrust_result_trusted(r)) {
			ptrust_kind k = ptrust_result_kind(r);
			const char *who = f[1] != NULL ? f[1] : f[3];

			FUZZ_REQUIRE(k == PTRUST_KIND_LSC || k == PTRUST_KIND_MIC,
			    "trusted as an LSC or a MIC");
			FUZZ_REQUIRE(f[4] != NULL, "trusted only with an AKI");
			FUZZ_REQUIRE(f[5] != NULL, "trusted only with an "
			    "expiration");
			if (read_time(f[5], &t))
				FUZZ_REQUIRE(t >= FUZZ_TIME,
				    "not trusted once expired");
			FUZZ_REQUIRE(f[6] == NULL || strstr(f[6], "CA:TRUE") ==
			    NULL, "no CA:TRUE");
			if (f[7] != NULL)
				FUZZ_REQUIRE(who != NULL &&
				    strcasestr(who, f[7]) != NULL,
				    "the subject names the device");
		}
	} else
		FUZZ_REQUIRE(r == NULL || !ptrust_result_trusted(r),
		    "an error is never trusted");
	ptrust_result_free(r);
	free(buf);
	return 0;
}
