/*
 * Certificates out of CAPF traces: PEM blocks and bare base64 in log text
 * (log prefixes, CRLF, escaped line breaks, duplicates), everything that
 * is not a certificate skipped, hostile input survived, and each
 * certificate classified as LSC, MIC or unknown against a cluster.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "testutil.h"
#include <phonetrust-cluster.h>

/* ------------------------------------------------------------ helpers */

/* A growing text the tests write traces into. */
struct text {
	char	*s;
	size_t	 len, cap;
};

static void
put(struct text *t, const void *data, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		assert_non_null(t->s = realloc(t->s, t->cap));
	}
	memcpy(t->s + t->len, data, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
puts_(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* Each line of text, prefixed and ended with eol. */
static void
put_lines(struct text *t, const char *text, const char *prefix,
    const char *eol)
{
	const char *nl;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		puts_(t, prefix);
		put(t, text, nl != NULL ? (size_t)(nl - text) : strlen(text));
		puts_(t, eol);
		if (nl == NULL)
			break;
		text = nl + 1;
	}
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* One certificate as PEM text, malloc'ed. */
static char *
pem_of(X509 *x)
{
	size_t len;

	return lab_pem(&x, 1, &len);
}

/* The base64 of any bytes on one line, malloc'ed, optionally unpadded. */
static char *
b64_of(const unsigned char *data, size_t len, int padded)
{
	char *s = malloc(4 * ((len + 2) / 3) + 1);
	int n;

	assert_non_null(s);
	n = EVP_EncodeBlock((unsigned char *)s, data, (int)len);
	assert_true(n > 0);
	while (!padded && n > 0 && s[n - 1] == '=')
		s[--n] = '\0';
	return s;
}

static char *
b64_cert(X509 *x, int padded)
{
	size_t len;
	unsigned char *der = lab_der(x, &len);
	char *s = b64_of(der, len, padded);

	free(der);
	return s;
}

/* text wrapped at width characters a line. */
static char *
wrap(const char *s, size_t width)
{
	size_t n = strlen(s), i;
	struct text t = { 0 };

	for (i = 0; i < n; i += width) {
		put(&t, s + i, n - i < width ? n - i : width);
		puts_(&t, "\n");
	}
	return t.s;
}

static ptrust_trace *
extract(const struct text *t)
{
	ptrust_trace *tr = NULL;

	assert_int_equal(ptrust_trace_extract(t->s, t->len, &tr), PTRUST_OK);
	assert_non_null(tr);
	assert_string_equal(ptrust_trace_error(tr), "");
	return tr;
}

static void
expect_cert(const ptrust_trace *tr, size_t i, X509 *x, size_t line)
{
	size_t len, dlen;
	unsigned char *der = lab_der(x, &len);
	const unsigned char *got = ptrust_trace_der(tr, i, &dlen);
	unsigned char md[32];
	char hex[65];
	unsigned int mdlen, k;

	assert_non_null(got);
	assert_int_equal(dlen, len);
	assert_memory_equal(got, der, len);
	assert_true(EVP_Digest(der, len, md, &mdlen, EVP_sha256(), NULL));
	for (k = 0; k < 32; k++)
		sprintf(hex + 2 * k, "%02x", md[k]);
	assert_string_equal(ptrust_trace_sha256(tr, i), hex);
	assert_int_equal(ptrust_trace_line(tr, i), line);
	free(der);
}

/* ----------------------------------------------------------- PEM blocks */

static void
pem_in_log_text(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *pem = pem_of(l->lsc_a);
	ptrust_trace *tr;

	(void)state;
	puts_(&t, "CAPF: Troubleshoot for SEP001122334455 started\n");
	puts_(&t, "CAPF: LSC follows\n");
	puts_(&t, pem);				/* line 3 */
	puts_(&t, "CAPF: done\n");
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 1);
	expect_cert(tr, 0, l->lsc_a, 3);
	assert_string_equal(ptrust_trace_subject(tr, 0),
	    "CN=SEP001122334455,O=Example Corp");
	assert_string_equal(ptrust_trace_issuer(tr, 0),
	    "CN=CAPF-a6d4c572,L=Lisboa,ST=Lisboa,O=Example Corp");
	/* not classified yet */
	assert_int_equal(ptrust_trace_kind(tr, 0), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_trace_device(tr, 0));
	ptrust_trace_free(tr);
	free(pem);
	free(t.s);
}

/* CAPF traces put a time stamp and a thread in front of every line. */
static void
pem_with_log_prefixes_and_crlf(void **state)
{
	const struct lab *l = test_lab();
	static const char *const prefixes[] = {
		"10:21:35.123 |CAPF-7 |debug ",
		"2026-01-31 10:21:35,123 [Thread-12] DEBUG CAPF - ",
		"<14>Jan 31 10:21:35 cucm capf[4242]: ",
		"07:00:01.000 |cert:",		/* glued to a colon */
		"x=",				/* '=' only pads at the end */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		struct text t = { 0 };
		char *lsc = pem_of(l->lsc_a), *mic = pem_of(l->mic);
		ptrust_trace *tr;

		put_lines(&t, "Troubleshoot started\nLSC:", prefixes[i], "\r\n");
		put_lines(&t, lsc, prefixes[i], "\r\n");	/* from line 3 */
		put_lines(&t, "MIC:", prefixes[i], "\r\n");
		put_lines(&t, mic, prefixes[i], "\r\n");
		tr = extract(&t);
		assert_int_equal(ptrust_trace_count(tr), 2);
		expect_cert(tr, 0, l->lsc_a, 3);
		/* "MIC:" follows the LSC's lines */
		expect_cert(tr, 1, l->mic, 4 + count_lines(lsc));
		ptrust_trace_free(tr);
		free(lsc);
		free(mic);
		free(t.s);
	}
}

/* Another thread's line inside the block: its last word is not base64 of the certificate. */
static void
pem_with_interleaved_log_line(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *pem = pem_of(l->mic), *third;
	ptrust_trace *tr;
	size_t split;

	(void)state;
	/* after the BEGIN line and two body lines */
	third = strchr(strchr(strchr(pem, '\n') + 1, '\n') + 1, '\n') + 1;
	split = (size_t)(third - pem);
	put_lines(&t, "one line before", "12:00:00 |CAPF-1 |", "\n");
	{
		char *head = strndup(pem, split);

		put_lines(&t, head, "12:00:00 |CAPF-1 |", "\n");
		free(head);
	}
	put_lines(&t, "connection from 10.0.0.9 accepted", "12:00:00 |TLS-3 |",
	    "\n");
	put_lines(&t, "\n", "12:00:00 |CAPF-1 |", "\n");	/* prefix only */
	put_lines(&t, third, "12:00:00 |CAPF-1 |", "\n");
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 1);
	expect_cert(tr, 0, l->mic, 2);
	ptrust_trace_free(tr);
	free(pem);
	free(t.s);
}

/* A logger that escapes control characters writes \n for each line break. */
static void
pem_with_escaped_line_breaks(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *pem = pem_of(l->lsc_a), *b64 = b64_cert(l->mic, 1), *bare, *p;
	ptrust_trace *tr;

	(void)state;
	puts_(&t, "{\"event\":\"start\"}\n");
	puts_(&t, "{\"event\":\"troubleshoot\",\"lsc\":\"");	/* line 2 */
	for (p = pem; *p != '\0'; p++) {
		if (*p == '\n')
			puts_(&t, "\\r\\n");
		else
			put(&t, p, 1);
	}
	puts_(&t, "\"}\n{\"event\":\"end\"}\n");
	/* bare base64, wrapped, with escaped CRLF line breaks */
	bare = wrap(b64, 64);
	puts_(&t, "{\"event\":\"troubleshoot\",\"mic\":\"");	/* line 4 */
	for (p = bare; *p != '\0'; p++) {
		if (*p == '\n')
			puts_(&t, "\\r\\n");
		else
			put(&t, p, 1);
	}
	puts_(&t, "\"}\n");
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 2);
	expect_cert(tr, 0, l->lsc_a, 2);
	expect_cert(tr, 1, l->mic, 4);
	ptrust_trace_free(tr);
	free(pem);
	free(b64);
	free(bare);
	free(t.s);
}

/* BEGIN and END on the same line as the base64, several blocks a line. */
static void
pem_on_one_line(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *a = b64_cert(l->lsc_a, 1), *b = b64_cert(l->capf_a, 1);
	ptrust_trace *tr;

	(void)state;
	puts_(&t, "line one\nchain: -----BEGIN CERTIFICATE-----");
	puts_(&t, a);
	puts_(&t, "-----END CERTIFICATE----- -----BEGIN X509 CERTIFICATE-----");
	puts_(&t, b);
	puts_(&t, "-----END X509 CERTIFICATE-----\n");
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 2);
	expect_cert(tr, 0, l->lsc_a, 2);
	expect_cert(tr, 1, l->capf_a, 2);
	ptrust_trace_free(tr);
	free(a);
	free(b);
	free(t.s);
}

/* ------------------------------------------------------------ bare base64 */

static void
bare_base64_on_one_line(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *padded = b64_cert(l->lsc_a, 1), *unpadded = b64_cert(l->mic, 0);
	ptrust_trace *tr;

	(void)state;
	puts_(&t, "10:00:00 |CAPF |Troubleshoot: LSC ");
	puts_(&t, padded);
	puts_(&t, "\r\n10:00:01 |CAPF |MIC=");
	puts_(&t, unpadded);
	puts_(&t, "\r\n10:00:02 |CAPF |the end\r\n");
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 2);
	expect_cert(tr, 0, l->lsc_a, 1);
	expect_cert(tr, 1, l->mic, 2);
	ptrust_trace_free(tr);
	free(padded);
	free(unpadded);
	free(t.s);
}

/* Wrapped bare base64, prefixed, two certificates back to back. */
static void
bare_base64_wrapped(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *a = b64_cert(l->mic, 1), *b = b64_cert(l->mfg_ca, 1);
	char *wa = wrap(a, 76), *wb = wrap(b, 64);
	size_t lines_a = 0;
	const char *p;
	ptrust_trace *tr;

	(void)state;
	for (p = wa; *p != '\0'; p++)
		lines_a += *p == '\n';
	puts_(&t, "Troubleshoot: MIC chain\n");
	put_lines(&t, wa, "09:59:59.999 |CAPF-2 |  ", "\n");	/* line 2 */
	put_lines(&t, wb, "09:59:59.999 |CAPF-2 |  ", "\n");
	puts_(&t, "done\n");
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 2);
	expect_cert(tr, 0, l->mic, 2);
	expect_cert(tr, 1, l->mfg_ca, 2 + lines_a);
	ptrust_trace_free(tr);
	free(a);
	free(b);
	free(wa);
	free(wb);
	free(t.s);
}

/* A run that stops short does not hide the certificate right after it. */
static void
bare_base64_after_a_truncated_run(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *a = b64_cert(l->lsc_b, 1), *b = b64_cert(l->lsc_a, 1);
	char *wa, *wb;
	ptrust_trace *tr;

	(void)state;
	a[strlen(a) / 2 / 64 * 64] = '\0';	/* whole lines only */
	wa = wrap(a, 64);
	wb = wrap(b, 64);
	puts_(&t, wa);
	puts_(&t, wb);
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 1);
	expect_cert(tr, 0, l->lsc_a, 1 + strlen(a) / 64);
	ptrust_trace_free(tr);
	free(a);
	free(b);
	free(wa);
	free(wb);
	free(t.s);
}

/* ------------------------------------------------- duplicates and order */

static void
duplicates_keep_the_first(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *pem = pem_of(l->lsc_a), *bare = b64_cert(l->lsc_a, 1);
	char *mic = pem_of(l->mic);
	ptrust_trace *tr;

	(void)state;
	puts_(&t, "first, bare: ");
	puts_(&t, bare);			/* line 1 */
	puts_(&t, "\n");
	puts_(&t, mic);				/* line 2 */
	puts_(&t, pem);				/* the LSC again, as PEM */
	puts_(&t, mic);				/* and the MIC again */
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 2);
	expect_cert(tr, 0, l->lsc_a, 1);
	expect_cert(tr, 1, l->mic, 2);
	ptrust_trace_free(tr);
	free(pem);
	free(bare);
	free(mic);
	free(t.s);
}

/* ------------------------------------------------ what is not a certificate */

static void
truncated_blocks_are_skipped(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *lsc = pem_of(l->lsc_a), *mic = pem_of(l->mic);
	size_t n = strlen(lsc), mic_line;
	ptrust_trace *tr;

	(void)state;
	/* half a block, then its END line */
	put(&t, lsc, n / 2);
	puts_(&t, "\n-----END CERTIFICATE-----\n");
	/* a third of a block, then another BEGIN */
	put(&t, lsc, n / 3);
	puts_(&t, "\n");
	mic_line = count_lines(t.s) + 1;
	puts_(&t, mic);
	/* a block cut off by the end of the trace */
	put(&t, lsc, n / 2);
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 1);
	expect_cert(tr, 0, l->mic, mic_line);
	ptrust_trace_free(tr);
	free(t.s);
	free(lsc);
	free(mic);
}

/* The END line lost, the base64 whole: found as a bare run. */
static void
block_without_end_line(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *pem = pem_of(l->lsc_a);
	ptrust_trace *tr;

	(void)state;
	*strstr(pem, "-----END") = '\0';
	puts_(&t, pem);
	puts_(&t, "CAPF: next operation\n");
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 1);
	expect_cert(tr, 0, l->lsc_a, 2);	/* its first base64 line */
	ptrust_trace_free(tr);
	free(pem);
	free(t.s);
}

static void
base64_of_other_things_is_skipped(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	unsigned char *der = NULL, junk[1200];
	char *b64, *wrapped;
	size_t i;
	int n;
	X509 *both[2];
	ptrust_trace *tr;

	(void)state;
	/* a private key (PKCS#8 DER also starts "MII") */
	assert_true((n = i2d_PrivateKey(l->mic_key, &der)) > 0);
	b64 = b64_of(der, (size_t)n, 1);
	OPENSSL_free(der);
	puts_(&t, "key: ");
	puts_(&t, b64);
	puts_(&t, "\n-----BEGIN CERTIFICATE-----\n");
	wrapped = wrap(b64, 64);
	puts_(&t, wrapped);
	puts_(&t, "-----END CERTIFICATE-----\n");
	free(b64);
	free(wrapped);
	/* random bytes in a CERTIFICATE block, and bare */
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	junk[0] = 0x30;
	junk[1] = 0x82;
	junk[2] = (sizeof(junk) - 4) >> 8;
	junk[3] = (sizeof(junk) - 4) & 0xff;
	b64 = b64_of(junk, sizeof(junk), 1);
	puts_(&t, "-----BEGIN CERTIFICATE-----\n");
	wrapped = wrap(b64, 64);
	puts_(&t, wrapped);
	puts_(&t, "-----END CERTIFICATE-----\n");
	puts_(&t, b64);
	puts_(&t, "\n");
	free(b64);
	free(wrapped);
	/* two certificates in one block: not exactly one */
	both[0] = l->lsc_a;
	both[1] = l->capf_a;
	{
		size_t la, lb;
		unsigned char *da = lab_der(both[0], &la), *db = lab_der(both[1],
		    &lb), *cat = malloc(la + lb);

		memcpy(cat, da, la);
		memcpy(cat + la, db, lb);
		b64 = b64_of(cat, la + lb, 1);
		wrapped = wrap(b64, 64);
		puts_(&t, "-----BEGIN CERTIFICATE-----\n");
		puts_(&t, wrapped);
		puts_(&t, "-----END CERTIFICATE-----\n");
		free(da);
		free(db);
		free(cat);
		free(b64);
		free(wrapped);
	}
	/* a CSR block and bad base64 */
	puts_(&t, "-----BEGIN CERTIFICATE REQUEST-----\nMIIBzz==\n"
	    "-----END CERTIFICATE REQUEST-----\n"
	    "-----BEGIN CERTIFICATE-----\nMII!!!\n-----END CERTIFICATE-----\n"
	    "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
	    "MIIA\nMIIAAAAA\n====\n-----END CERTIFICATE-----\n");
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 0);
	assert_null(ptrust_trace_subject(tr, 0));
	ptrust_trace_free(tr);
	free(t.s);
}

static void
empty_and_certificate_free(void **state)
{
	ptrust_trace *tr = NULL;
	static const char log[] = "10:00:00 CAPF started\n"
	    "10:00:01 no certificate operation pending\n";

	(void)state;
	assert_int_equal(ptrust_trace_extract("", 0, &tr), PTRUST_OK);
	assert_int_equal(ptrust_trace_count(tr), 0);
	ptrust_trace_free(tr);
	assert_int_equal(ptrust_trace_extract(NULL, 0, &tr), PTRUST_OK);
	assert_int_equal(ptrust_trace_count(tr), 0);
	ptrust_trace_free(tr);
	assert_int_equal(ptrust_trace_extract(log, sizeof(log) - 1, &tr),
	    PTRUST_OK);
	assert_int_equal(ptrust_trace_count(tr), 0);
	assert_int_equal(ptrust_trace_line(tr, 0), 0);
	ptrust_trace_free(tr);
}

/* ------------------------------------------------------ hostile input */

static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* NUL bytes and binary garbage around a certificate. */
static void
binary_garbage_around_a_certificate(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *pem = pem_of(l->lsc_a);
	unsigned char junk[4096];
	uint64_t seed = 42;
	size_t i, line = 1;
	ptrust_trace *tr;

	(void)state;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)next_rand(&seed);
	junk[100] = '\0';
	put(&t, junk, sizeof(junk));
	put(&t, "\0\0\n", 3);
	for (i = 0; i < t.len; i++)
		line += t.s[i] == '\n';
	puts_(&t, pem);
	put(&t, junk, sizeof(junk));
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 1);
	expect_cert(tr, 0, l->lsc_a, line);
	ptrust_trace_free(tr);
	free(pem);
	free(t.s);
}

/*
 * Megabytes of random bytes, then text built to make a scanner work hard:
 * runs that claim a long certificate and never end, blocks that never
 * end, lines of dashes.  It must end quickly and find the one
 * certificate hidden in it.
 */
static void
large_random_and_hostile_input(void **state)
{
	const struct lab *l = test_lab();
	struct text t = { 0 };
	char *pem = pem_of(l->mic);
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t i, j, line = 1;
	char buf[80];
	ptrust_trace *tr;

	(void)state;
	t.cap = 8u * 1024 * 1024;
	assert_non_null(t.s = malloc(t.cap));
	for (i = 0; i < 3u * 1024 * 1024; i += 8) {
		uint64_t r = next_rand(&seed);

		put(&t, &r, 8);
	}
	for (i = 0; i < 20000; i++) {
		/* "MII/" claims 16 KB; every line the same width */
		memcpy(buf, "MII/", 4);
		for (j = 4; j < 64; j++)
			buf[j] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(i + j) % 26];
		buf[64] = '\n';
		put(&t, buf, 65);
		if (i % 1000 == 0)
			puts_(&t, "-----BEGIN CERTIFICATE-----\n");
	}
	for (i = 0; i < 2000; i++)
		puts_(&t, "----------------------------------------"
		    "-----BEGIN X-----END \n");
	/* a megabyte line of dashes, another of BEGIN markers */
	for (i = 0; i < 1024 * 1024; i++)
		put(&t, "-", 1);
	puts_(&t, "\n");
	for (i = 0; i < 1024 * 1024 / 27; i++)
		puts_(&t, "-----BEGIN CERTIFICATE-----");
	puts_(&t, "\n");
	for (i = 0; i < t.len; i++)
		line += t.s[i] == '\n';
	puts_(&t, pem);
	for (i = 0; i < 2000; i++)
		puts_(&t, "-----BEGIN CERTIFICATE-----\nMIIAAAAA\n");
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), 1);
	expect_cert(tr, 0, l->mic, line);
	ptrust_trace_free(tr);
	free(pem);
	free(t.s);
}

/* ------------------------------------------------------------- errors */

static void
argument_errors(void **state)
{
	ptrust_trace *tr = NULL;
	size_t len = 99;
	static const char one = 'x';

	(void)state;
	assert_int_equal(ptrust_trace_extract("x", 1, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_trace_extract(NULL, 5, &tr), PTRUST_ERR_ARG);
	assert_non_null(tr);
	assert_string_equal(ptrust_trace_error(tr), "no data");
	assert_int_equal(ptrust_trace_count(tr), 0);
	ptrust_trace_free(tr);
	/* over 64 MiB: refused before a byte is read */
	assert_int_equal(ptrust_trace_extract(&one,
	    (size_t)64 * 1024 * 1024 + 1, &tr), PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_trace_error(tr), "too large"));
	ptrust_trace_free(tr);
	/* NULL and out-of-range reads */
	ptrust_trace_free(NULL);
	assert_int_equal(ptrust_trace_count(NULL), 0);
	assert_string_equal(ptrust_trace_error(NULL), "no trace");
	assert_int_equal(ptrust_trace_line(NULL, 0), 0);
	assert_null(ptrust_trace_subject(NULL, 0));
	assert_null(ptrust_trace_issuer(NULL, 0));
	assert_null(ptrust_trace_sha256(NULL, 0));
	assert_null(ptrust_trace_der(NULL, 0, &len));
	assert_int_equal(len, 0);
	assert_null(ptrust_trace_der(NULL, 0, NULL));
	assert_int_equal(ptrust_trace_kind(NULL, 0), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_trace_device(NULL, 0));
	assert_int_equal(ptrust_trace_classify(NULL, NULL, NULL),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_trace_extract_file("x", NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_trace_extract_file(NULL, &tr), PTRUST_ERR_ARG);
	assert_string_equal(ptrust_trace_error(tr), "no path");
	ptrust_trace_free(tr);
}

static void
from_file(void **state)
{
	const struct lab *l = test_lab();
	char *dir = test_tmpdir(), path[4096];
	struct text t = { 0 };
	char *pem = pem_of(l->lsc_a);
	ptrust_trace *tr = NULL;
	FILE *f;

	(void)state;
	put_lines(&t, "Troubleshoot", "12:00 |CAPF |", "\n");
	put_lines(&t, pem, "12:00 |CAPF |", "\n");
	snprintf(path, sizeof(path), "%s/capf.log", dir);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(t.s, 1, t.len, f), t.len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(ptrust_trace_extract_file(path, &tr), PTRUST_OK);
	assert_int_equal(ptrust_trace_count(tr), 1);
	expect_cert(tr, 0, l->lsc_a, 2);
	ptrust_trace_free(tr);
	/* missing */
	snprintf(path, sizeof(path), "%s/none.log", dir);
	assert_int_equal(ptrust_trace_extract_file(path, &tr), PTRUST_ERR_IO);
	assert_non_null(tr);
	assert_non_null(strstr(ptrust_trace_error(tr), "none.log"));
	assert_int_equal(ptrust_trace_count(tr), 0);
	ptrust_trace_free(tr);
	/* a directory */
	assert_int_equal(ptrust_trace_extract_file(dir, &tr), PTRUST_ERR_IO);
	assert_non_null(strstr(ptrust_trace_error(tr), "not a regular file"));
	ptrust_trace_free(tr);
	/* over the 16 MiB file limit (sparse: no disk used) */
	snprintf(path, sizeof(path), "%s/huge.log", dir);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(ftruncate(fileno(f), 17 * 1024 * 1024), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(ptrust_trace_extract_file(path, &tr), PTRUST_ERR_IO);
	assert_non_null(strstr(ptrust_trace_error(tr), "too large"));
	ptrust_trace_free(tr);
	test_rmtree(dir);
	free(dir);
	free(pem);
	free(t.s);
}

/* ----------------------------------------------------- classification */

/*
 * The lab cluster: CAPF-a6d4c572 in capf-trust only (callmanager-trust
 * empty), the lab manufacturing root in manufacturing-ca.
 */
static ptrust_cluster *
lab_cluster(void)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new();

	assert_non_null(c);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "capf-trust", 0), l->capf_a, NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "manufacturing-ca", 0), l->mfg_root, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	return c;
}

static ptrust_trace *
trace_of(X509 *const *certs, size_t n)
{
	struct text t = { 0 };
	ptrust_trace *tr;
	size_t i;

	for (i = 0; i < n; i++) {
		char *pem = pem_of(certs[i]);

		put_lines(&t, "next certificate", "10:00 |CAPF |", "\n");
		put_lines(&t, pem, "10:00 |CAPF |", "\n");
		free(pem);
	}
	tr = extract(&t);
	assert_int_equal(ptrust_trace_count(tr), n);
	free(t.s);
	return tr;
}

static void
classify_lsc_mic_unknown(void **state)
{
	const struct lab *l = test_lab();
	X509 *certs[] = { l->lsc_a, l->mic, l->mfg_ca, l->capf_a, l->lsc_b };
	ptrust_cluster *c = lab_cluster();
	ptrust_options *o = test_options();
	ptrust_trace *tr = trace_of(certs, 5);

	(void)state;
	assert_int_equal(ptrust_trace_classify(tr, c, o), PTRUST_OK);
	/* the LSC, through capf-trust */
	assert_int_equal(ptrust_trace_kind(tr, 0), PTRUST_KIND_LSC);
	assert_string_equal(ptrust_trace_device(tr, 0), "SEP001122334455");
	/* the MIC, with the intermediate found in the trace */
	assert_int_equal(ptrust_trace_kind(tr, 1), PTRUST_KIND_MIC);
	assert_string_equal(ptrust_trace_device(tr, 1), "SEP001122334455");
	/* CA certificates are no phone's certificate */
	assert_int_equal(ptrust_trace_kind(tr, 2), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_trace_device(tr, 2));
	assert_int_equal(ptrust_trace_kind(tr, 3), PTRUST_KIND_UNKNOWN);
	/* an LSC of another cluster */
	assert_int_equal(ptrust_trace_kind(tr, 4), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_trace_device(tr, 4));
	assert_string_equal(ptrust_trace_error(tr), "");

	/* Once the manufacturing CAs are not trusted, the MIC is unknown. */
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 0),
	    PTRUST_OK);
	assert_int_equal(ptrust_trace_classify(tr, c, NULL), PTRUST_OK);
	assert_int_equal(ptrust_trace_kind(tr, 0), PTRUST_KIND_LSC);
	assert_int_equal(ptrust_trace_kind(tr, 1), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_trace_device(tr, 1));
	ptrust_trace_free(tr);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
}

/* Without its intermediate in the trace, the MIC cannot be placed. */
static void
classify_mic_needs_its_intermediate(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = lab_cluster();
	ptrust_options *o = test_options();
	ptrust_trace *tr = trace_of(&l->mic, 1);

	(void)state;
	assert_int_equal(ptrust_trace_classify(tr, c, o), PTRUST_OK);
	assert_int_equal(ptrust_trace_kind(tr, 0), PTRUST_KIND_UNKNOWN);
	ptrust_trace_free(tr);
	/* ...unless the store holds the intermediate itself */
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->mfg_ca, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	tr = trace_of(&l->mic, 1);
	assert_int_equal(ptrust_trace_classify(tr, c, o), PTRUST_OK);
	assert_int_equal(ptrust_trace_kind(tr, 0), PTRUST_KIND_MIC);
	ptrust_trace_free(tr);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
}

/* An expired LSC is still an LSC: the anchor decides, not the verdict. */
static void
classify_expired_lsc(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s;
	EVP_PKEY *key = lab_key_ec("P-256");
	X509 *old;
	ptrust_cluster *c = lab_cluster();
	ptrust_options *o = test_options();
	ptrust_trace *tr;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.cn = "SEP0000DEADBEEF";
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	s.not_after = LAB_T0 + 10 * LAB_DAY;	/* TEST_NOW is T0 + 30 days */
	old = lab_issue(&s, key, l->capf_a, l->capf_a_key);
	/* the LSC of the other cluster is trusted here for callmanager-tls */
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->capf_b, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_OK);
	{
		X509 *certs[] = { old, l->lsc_b };

		tr = trace_of(certs, 2);
	}
	assert_int_equal(ptrust_trace_classify(tr, c, o), PTRUST_OK);
	assert_int_equal(ptrust_trace_kind(tr, 0), PTRUST_KIND_LSC);
	assert_string_equal(ptrust_trace_device(tr, 0), "SEP0000DEADBEEF");
	assert_int_equal(ptrust_trace_kind(tr, 1), PTRUST_KIND_LSC);
	assert_string_equal(ptrust_trace_device(tr, 1), "SEP00AABBCCDDEE");
	ptrust_trace_free(tr);
	X509_free(old);
	EVP_PKEY_free(key);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
}

/*
 * Refused by the default security level (a 1024-bit LSC, a SHA-1 MIC),
 * still placed: the chain reaches its anchor all the same.
 */
static void
classify_weak_certificates(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s;
	EVP_PKEY *key = lab_key_rsa(1024);
	X509 *weak, *sha1;
	ptrust_cluster *c = lab_cluster();
	ptrust_options *o = test_options();
	ptrust_trace *tr;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.cn = "SEP000011112222";
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	weak = lab_issue(&s, key, l->capf_a, l->capf_a_key);
	s.cn = "SEP000033334444";
	s.md = EVP_sha1();
	sha1 = lab_issue(&s, l->mic_key, l->mfg_ca, l->mfg_key);
	{
		X509 *certs[] = { weak, sha1, l->mfg_ca };

		tr = trace_of(certs, 3);
	}
	assert_int_equal(ptrust_trace_classify(tr, c, o), PTRUST_OK);
	assert_int_equal(ptrust_trace_kind(tr, 0), PTRUST_KIND_LSC);
	assert_int_equal(ptrust_trace_kind(tr, 1), PTRUST_KIND_MIC);
	assert_string_equal(ptrust_trace_device(tr, 1), "SEP000033334444");
	ptrust_trace_free(tr);
	X509_free(weak);
	X509_free(sha1);
	EVP_PKEY_free(key);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
}

static void
classify_errors(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = lab_cluster();
	ptrust_trace *tr = trace_of(&l->lsc_a, 1), *empty = NULL;

	(void)state;
	assert_int_equal(ptrust_trace_classify(tr, c, NULL), PTRUST_OK);
	assert_int_equal(ptrust_trace_kind(tr, 0), PTRUST_KIND_LSC);
	/* a failed call leaves every certificate unknown */
	assert_int_equal(ptrust_trace_classify(tr, NULL, NULL),
	    PTRUST_ERR_ARG);
	assert_string_equal(ptrust_trace_error(tr), "no cluster");
	assert_int_equal(ptrust_trace_kind(tr, 0), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_trace_device(tr, 0));
	/* an empty trace classifies to nothing */
	assert_int_equal(ptrust_trace_extract("", 0, &empty), PTRUST_OK);
	assert_int_equal(ptrust_trace_classify(empty, c, NULL), PTRUST_OK);
	ptrust_trace_free(empty);
	ptrust_trace_free(tr);
	ptrust_cluster_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pem_in_log_text),
		cmocka_unit_test(pem_with_log_prefixes_and_crlf),
		cmocka_unit_test(pem_with_interleaved_log_line),
		cmocka_unit_test(pem_with_escaped_line_breaks),
		cmocka_unit_test(pem_on_one_line),
		cmocka_unit_test(bare_base64_on_one_line),
		cmocka_unit_test(bare_base64_wrapped),
		cmocka_unit_test(bare_base64_after_a_truncated_run),
		cmocka_unit_test(duplicates_keep_the_first),
		cmocka_unit_test(truncated_blocks_are_skipped),
		cmocka_unit_test(block_without_end_line),
		cmocka_unit_test(base64_of_other_things_is_skipped),
		cmocka_unit_test(empty_and_certificate_free),
		cmocka_unit_test(binary_garbage_around_a_certificate),
		cmocka_unit_test(large_random_and_hostile_input),
		cmocka_unit_test(argument_errors),
		cmocka_unit_test(from_file),
		cmocka_unit_test(classify_lsc_mic_unknown),
		cmocka_unit_test(classify_mic_needs_its_intermediate),
		cmocka_unit_test(classify_expired_lsc),
		cmocka_unit_test(classify_weak_certificates),
		cmocka_unit_test(classify_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	test_lab_free();
	return rc;
}
