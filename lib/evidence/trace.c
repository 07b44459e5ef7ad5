/*
 * Certificates out of CAPF traces.  CAPF's Troubleshoot operation writes
 * the phone's LSC and MIC into its log, as PEM blocks or as bare base64,
 * usually with a log prefix (time, thread) in front of every line.
 *
 * One pass over the text follows both forms at once.  Each line keeps
 * only its longest base64 suffix, which drops the log prefix.  A PEM
 * block is the suffixes between BEGIN and END; a bare run starts at a
 * suffix beginning with "MII" (a DER SEQUENCE with a two-byte length),
 * whose first bytes say how many base64 characters the certificate takes,
 * and goes on over lines of the same width until exactly that many are
 * read.  Whatever does not decode to exactly one DER certificate is
 * skipped.  Every buffer has a fixed bound and every byte is looked at a
 * bounded number of times: time and memory stay linear in the input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "internal.h"

/* Largest text ptrust_trace_extract takes. */
#define PT_TRACE_MAX_INPUT	((size_t)64 * 1024 * 1024)
/* Base64 characters in one PEM block: a phone certificate is a few KB. */
#define PT_TRACE_MAX_PEM	((size_t)256 * 1024)
/* A bare run: "MII" allows a DER length up to 4 + 0x3fff bytes. */
#define PT_TRACE_MAX_BARE	((size_t)4 * ((4 + 0x3fff + 2) / 3))
/* No certificate is shorter: below it, not worth asking OpenSSL. */
#define PT_TRACE_MIN_DER	64
/* Bare runs followed at once: nested false starts beyond this are ignored. */
#define PT_TRACE_RUNS		4

struct pt_trace_cert {
	X509		*x509;
	size_t		 line;
	size_t		 off;		/* byte offset where it starts */
	char		 sha256[65];
	unsigned char	*der;
	size_t		 der_len;
	char		*subject;
	char		*issuer;
	ptrust_kind	 kind;
	char		*device;
};

struct ptrust_trace {
	struct pt_trace_cert *certs;
	size_t		 n, cap;
	char		 err[PT_ERRLEN];
};

/* A run of bare base64 lines being followed. */
struct pt_run {
	size_t		 line, off;	/* where it starts */
	size_t		 width;		/* characters of each full line */
	size_t		 need;		/* characters of the padded encoding */
	size_t		 need_unpadded;
	size_t		 have;
	unsigned char	*buf;		/* PT_TRACE_MAX_BARE characters */
};

struct pt_seg {
	size_t		 start, len;	/* within the block's base64 text */
};

struct pt_scan {
	ptrust_trace	*t;
	/* the PEM block being read */
	int		 in_pem;
	size_t		 pem_line, pem_off;
	unsigned char	*b64;
	size_t		 b64_len;
	struct pt_seg	*segs;
	size_t		 n_segs, segs_cap;
	unsigned char	*alt;		/* PT_TRACE_MAX_PEM characters */
	/* bare runs */
	struct pt_run	 runs[PT_TRACE_RUNS];
	size_t		 n_runs;
	unsigned char	*run_bufs;	/* PT_TRACE_RUNS buffers */
	/* decoded bytes, large enough for either kind */
	unsigned char	*der;
	int		 nomem;
};

static const unsigned char pt_b64_map[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
	['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26,
	['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31,
	['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41,
	['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46,
	['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50, ['y'] = 51,
	['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
	['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61,
	['9'] = 62, ['+'] = 63, ['/'] = 64,
};

/* 0..63, or -1 for a character outside the alphabet ('=' included). */
static int
b64_value(unsigned char c)
{
	return (int)pt_b64_map[c] - 1;
}

/*
 * Length of the longest base64 suffix of s: alphabet characters, then at
 * most two '='.  Only padding is no suffix at all.
 */
static size_t
b64_suffix(const unsigned char *s, size_t n)
{
	size_t end = n, i;

	while (end > 0 && n - end < 2 && s[end - 1] == '=')
		end--;
	for (i = end; i > 0 && b64_value(s[i - 1]) >= 0; i--)
		continue;
	return i == end ? 0 : n - i;
}

/* Base64 without line breaks, padded or not; -1 when malformed. */
static long
b64_decode(const unsigned char *in, size_t n, unsigned char *out)
{
	unsigned long acc = 0;
	size_t i, pad = 0, o = 0;
	int bits = 0, v;

	while (n > 0 && pad < 2 && in[n - 1] == '=') {
		n--;
		pad++;
	}
	if (n % 4 == 1 || (pad > 0 && (n + pad) % 4 != 0))
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b64_value(in[i])) < 0)
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

/*
 * The encoded sizes of the DER certificate whose base64 starts at s
 * ("MII" and at least 8 characters); 0 when s cannot start one.
 */
static int
der_sizes(const unsigned char *s, size_t n, size_t *need,
    size_t *need_unpadded)
{
	unsigned char head[6];
	size_t der_len;

	if (n < 8 || memcmp(s, "MII", 3) != 0 || b64_decode(s, 8, head) != 6)
		return 0;
	/* 30 82 hi lo: a SEQUENCE with a two-byte length */
	der_len = 4 + ((size_t)head[2] << 8 | head[3]);
	if (der_len < PT_TRACE_MIN_DER)
		return 0;
	*need = 4 * ((der_len + 2) / 3);
	*need_unpadded = (4 * der_len + 2) / 3;
	return 1;
}

/* Empties OpenSSL's error queue; 1 when it held an allocation failure. */
static int
drain_errors_oom(void)
{
	unsigned long e;
	int oom = 0;

	while ((e = ERR_get_error()) != 0)
		if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
			oom = 1;
	return oom;
}


static void
cert_clear(struct pt_trace_cert *c)
{
	X509_free(c->x509);
	OPENSSL_free(c->der);
	OPENSSL_free(c->subject);
	OPENSSL_free(c->issuer);
	OPENSSL_free(c->device);
	memset(c, 0, sizeof(*c));
}

static void
trace_clear(ptrust_trace *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		cert_clear(&t->certs[i]);
	OPENSSL_free(t->certs);
	t->certs = NULL;
	t->n = t->cap = 0;
}

/*
 * Keeps the der_len bytes decoded into sc->der when they are exactly one
 * DER certificate; sets sc->nomem when memory ran out.
 */
static void
found(struct pt_scan *sc, long der_len, size_t line, size_t off)
{
	ptrust_trace *t = sc->t;
	struct pt_trace_cert *c;
	const unsigned char *p = sc->der;
	X509 *x;

	if (der_len < PT_TRACE_MIN_DER || sc->der[0] != 0x30)
		return;
	if ((x = d2i_X509(NULL, &p, der_len)) == NULL) {
		if (drain_errors_oom())
			sc->nomem = 1;
		return;
	}
	if (p != sc->der + der_len) {
		X509_free(x);	/* more than one certificate: not ours */
		return;
	}
	/*
	 * OpenSSL decodes the extensions once and keeps the outcome: done
	 * now, so that running out of memory later, while classifying,
	 * cannot leave the certificate marked invalid for ever.
	 */
	if ((X509_get_extension_flags(x) & EXFLAG_INVALID) &&
	    drain_errors_oom())
		goto nomem;
	ERR_clear_error();
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;

		if ((c = OPENSSL_realloc(t->certs, cap * sizeof(*c))) == NULL)
			goto nomem;
		t->certs = c;
		t->cap = cap;
	}
	c = &t->certs[t->n];
	memset(c, 0, sizeof(*c));
	/*
	 * The bytes as logged, not OpenSSL's re-encoding of them: the
	 * fingerprint reported is of exactly the DER handed out.
	 */
	if (!pt_sha256_hex(sc->der, (size_t)der_len, c->sha256) ||
	    (c->der = OPENSSL_memdup(sc->der, (size_t)der_len)) == NULL)
		goto nomem;
	c->der_len = (size_t)der_len;
	c->x509 = x;
	c->line = line;
	c->off = off;
	t->n++;
	return;
nomem:
	X509_free(x);
	sc->nomem = 1;
}

static void
decode_found(struct pt_scan *sc, const unsigned char *b64, size_t n,
    size_t line, size_t off)
{
	long der_len;

	if ((der_len = b64_decode(b64, n, sc->der)) > 0)
		found(sc, der_len, line, off);
}

/* ---------------------------------------------------------- PEM blocks */

static void
pem_start(struct pt_scan *sc, size_t line, size_t off)
{
	sc->in_pem = 1;
	sc->pem_line = line;
	sc->pem_off = off;
	sc->b64_len = 0;
	sc->n_segs = 0;
}

/* The base64 suffix of one piece of a block's line. */
static void
pem_segment(struct pt_scan *sc, const unsigned char *s, size_t n)
{
	size_t k = b64_suffix(s, n);
	struct pt_seg *segs;

	if (k == 0)
		return;
	if (sc->b64_len + k > PT_TRACE_MAX_PEM) {
		sc->in_pem = 0;	/* too long for a certificate */
		return;
	}
	if (sc->n_segs == sc->segs_cap) {
		size_t cap = sc->segs_cap ? sc->segs_cap * 2 : 64;

		if ((segs = OPENSSL_realloc(sc->segs, cap * sizeof(*segs))) ==
		    NULL) {
			sc->nomem = 1;
			return;
		}
		sc->segs = segs;
		sc->segs_cap = cap;
	}
	sc->segs[sc->n_segs].start = sc->b64_len;
	sc->segs[sc->n_segs].len = k;
	sc->n_segs++;
	memcpy(sc->b64 + sc->b64_len, s + n - k, k);
	sc->b64_len += k;
}

/*
 * Another thread's log line inside the block adds its last word to the
 * text.  Second try: only the lines as wide as the first one ("MII..."),
 * then the one short line that completes the length the DER header gives.
 */
static void
pem_retry_by_width(struct pt_scan *sc)
{
	size_t i, first, width = 0, len = 0, last_full = 0, need, need_unp;

	for (first = 0; first < sc->n_segs; first++)
		if (sc->segs[first].len >= 8 &&
		    memcmp(sc->b64 + sc->segs[first].start, "MII", 3) == 0)
			break;
	if (first == sc->n_segs)
		return;
	width = sc->segs[first].len;
	for (i = first; i < sc->n_segs; i++) {
		if (sc->segs[i].len != width)
			continue;
		memcpy(sc->alt + len, sc->b64 + sc->segs[i].start, width);
		len += width;
		last_full = i;
	}
	if (!der_sizes(sc->alt, len, &need, &need_unp) || len > need)
		return;
	for (i = last_full + 1; len < need_unp && i < sc->n_segs; i++) {
		if (len + sc->segs[i].len == need ||
		    len + sc->segs[i].len == need_unp) {
			memcpy(sc->alt + len, sc->b64 + sc->segs[i].start,
			    sc->segs[i].len);
			len += sc->segs[i].len;
		}
	}
	if (len == need || len == need_unp)
		decode_found(sc, sc->alt, len, sc->pem_line, sc->pem_off);
}

static void
pem_end(struct pt_scan *sc)
{
	size_t before = sc->t->n;

	sc->in_pem = 0;
	decode_found(sc, sc->b64, sc->b64_len, sc->pem_line, sc->pem_off);
	if (sc->t->n == before && !sc->nomem && sc->n_segs > 1)
		pem_retry_by_width(sc);
}

enum pt_marker { PT_NONE, PT_BEGIN_CERT, PT_BEGIN_OTHER, PT_END };

/* The first "-----BEGIN ..." or "-----END " at or after s[from]. */
static enum pt_marker
next_marker(const unsigned char *s, size_t n, size_t from, size_t *at,
    size_t *len)
{
	static const char *const certs[] = {
		"-----BEGIN CERTIFICATE-----",
		"-----BEGIN X509 CERTIFICATE-----",
	};
	const unsigned char *p;
	size_t i, k, run;

	/*
	 * memchr, not memmem: each call must cost what it skips, or a line
	 * of dashes becomes quadratic (as memmem is under ASan).
	 */
	while (from < n && (p = memchr(s + from, '-', n - from)) != NULL) {
		*at = (size_t)(p - s);
		for (run = 1; run < 5 && *at + run < n && p[run] == '-'; run++)
			continue;
		if (run < 5) {
			from = *at + run;
			continue;
		}
		if (n - *at >= 9 && memcmp(p, "-----END ", 9) == 0) {
			*len = 9;
			return PT_END;
		}
		if (n - *at >= 11 && memcmp(p, "-----BEGIN ", 11) == 0) {
			for (i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
				k = strlen(certs[i]);
				if (n - *at >= k && memcmp(p, certs[i], k) == 0) {
					*len = k;
					return PT_BEGIN_CERT;
				}
			}
			*len = 11;
			return PT_BEGIN_OTHER;
		}
		from = *at + 1;
	}
	return PT_NONE;
}

/* s: one piece of a line, trailing blanks already cut. */
static void
pem_piece(struct pt_scan *sc, const unsigned char *s, size_t n, size_t line,
    size_t off)
{
	enum pt_marker m;
	size_t cur = 0, at = 0, mlen = 0;

	while (!sc->nomem) {
		m = next_marker(s, n, cur, &at, &mlen);
		if (sc->in_pem) {
			/* up to the marker only: no blank is cut before it */
			pem_segment(sc, s + cur, (m != PT_NONE ? at : n) - cur);
			if (sc->in_pem && m == PT_END)
				pem_end(sc);
			else if (m != PT_NONE)
				sc->in_pem = 0;	/* BEGIN before END: cut short */
		}
		if (m == PT_NONE)
			break;
		if (m == PT_BEGIN_CERT)
			pem_start(sc, line, off + at);
		cur = at + mlen;
	}
}

/* ----------------------------------------------------------- bare runs */

/* Swaps run i out of the active ones; every slot keeps a buffer. */
static void
run_drop(struct pt_scan *sc, size_t i)
{
	struct pt_run tmp = sc->runs[i];

	sc->runs[i] = sc->runs[sc->n_runs - 1];
	sc->runs[sc->n_runs - 1] = tmp;
	sc->n_runs--;
}

/* s: the base64 suffix of one line, k characters. */
static void
bare_piece(struct pt_scan *sc, const unsigned char *s, size_t k,
    size_t line, size_t off)
{
	struct pt_run *r;
	size_t i, need, need_unp;

	/* Runs already started: this line continues, ends or breaks them. */
	for (i = 0; i < sc->n_runs && !sc->nomem; ) {
		r = &sc->runs[i];
		if (k > 0 && k <= r->width && (r->have + k == r->need ||
		    r->have + k == r->need_unpadded)) {
			memcpy(r->buf + r->have, s, k);
			decode_found(sc, r->buf, r->have + k, r->line, r->off);
			run_drop(sc, i);
		} else if (k > 0 && k == r->width &&
		    r->have + k < r->need_unpadded) {
			memcpy(r->buf + r->have, s, k);
			r->have += k;
			i++;
		} else
			run_drop(sc, i);
	}
	if (sc->nomem || !der_sizes(s, k, &need, &need_unp))
		return;
	if (k == need || k == need_unp) {
		decode_found(sc, s, k, line, off);	/* all on one line */
		return;
	}
	if (k > need_unp || sc->n_runs == PT_TRACE_RUNS)
		return;
	if (sc->run_bufs == NULL) {
		if ((sc->run_bufs = OPENSSL_malloc(PT_TRACE_RUNS *
		    PT_TRACE_MAX_BARE)) == NULL) {
			sc->nomem = 1;
			return;
		}
		for (i = 0; i < PT_TRACE_RUNS; i++)
			sc->runs[i].buf = sc->run_bufs + i * PT_TRACE_MAX_BARE;
	}
	r = &sc->runs[sc->n_runs];
	r->line = line;
	r->off = off;
	r->width = k;
	r->need = need;
	r->need_unpadded = need_unp;
	r->have = k;
	memcpy(r->buf, s, k);
	sc->n_runs++;
}

/* ------------------------------------------------------------ the scan */

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One piece of a line: between line ends and literal \n or \r escapes. */
static void
scan_piece(struct pt_scan *sc, const unsigned char *data, size_t start,
    size_t end, size_t line)
{
	size_t k;

	while (end > start && is_blank(data[end - 1]))
		end--;
	/* a blank piece (a blank line, between \r and \n) changes nothing */
	if (end == start)
		return;
	pem_piece(sc, data + start, end - start, line, start);
	if (sc->nomem)
		return;
	k = b64_suffix(data + start, end - start);
	bare_piece(sc, data + end - k, k, line, end - k);
}

/*
 * Log lines written as JSON or by a logger that escapes control
 * characters carry a certificate's line breaks as the two characters \n:
 * they end a piece just as a real line end does.
 */
static const unsigned char *
next_escape(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		if (p + 1 < end && (p[1] == 'n' || p[1] == 'r'))
			return p;
		p++;
	}
	return NULL;
}

static int
cmp_sha_then_off(const void *a, const void *b)
{
	const struct pt_trace_cert *x = a, *y = b;
	int c = strcmp(x->sha256, y->sha256);

	if (c != 0)
		return c;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int
cmp_off(const void *a, const void *b)
{
	const struct pt_trace_cert *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Order of appearance, each certificate once, with its names and DER. */
static ptrust_status
finish(ptrust_trace *t)
{
	struct pt_trace_cert *c;
	size_t i, n = 0;

	if (t->n == 0)
		return PTRUST_OK;
	qsort(t->certs, t->n, sizeof(*t->certs), cmp_sha_then_off);
	for (i = 0; i < t->n; i++) {
		if (n > 0 && strcmp(t->certs[n - 1].sha256,
		    t->certs[i].sha256) == 0)
			cert_clear(&t->certs[i]);
		else
			t->certs[n++] = t->certs[i];
	}
	t->n = n;
	qsort(t->certs, t->n, sizeof(*t->certs), cmp_off);
	for (i = 0; i < t->n; i++) {
		c = &t->certs[i];
		c->subject = pt_name_string(X509_get_subject_name(c->x509));
		c->issuer = pt_name_string(X509_get_issuer_name(c->x509));
		if (c->subject == NULL || c->issuer == NULL)
			return PTRUST_ERR_NOMEM;
	}
	return PTRUST_OK;
}

static ptrust_status
scan(ptrust_trace *t, const unsigned char *data, size_t len)
{
	struct pt_scan sc;
	const unsigned char *nl, *esc;
	size_t ls = 0, le, ps, line = 1;
	ptrust_status st = PTRUST_OK;

	memset(&sc, 0, sizeof(sc));
	sc.t = t;
	/* decoded bytes never outnumber three quarters of the characters */
	if ((sc.b64 = OPENSSL_malloc(PT_TRACE_MAX_PEM)) == NULL ||
	    (sc.alt = OPENSSL_malloc(PT_TRACE_MAX_PEM)) == NULL ||
	    (sc.der = OPENSSL_malloc(PT_TRACE_MAX_PEM)) == NULL)
		sc.nomem = 1;
	while (ls < len && !sc.nomem) {
		nl = memchr(data + ls, '\n', len - ls);
		le = nl != NULL ? (size_t)(nl - data) : len;
		for (ps = ls; !sc.nomem; ps = (size_t)(esc - data) + 2) {
			esc = next_escape(data + ps, data + le);
			scan_piece(&sc, data, ps,
			    esc != NULL ? (size_t)(esc - data) : le, line);
			if (esc == NULL)
				break;
		}
		ls = le + 1;
		line++;
	}
	/* still open at the end (a block without END, a run cut off): dropped */
	if (sc.nomem)
		st = PTRUST_ERR_NOMEM;
	else
		st = finish(t);
	OPENSSL_free(sc.b64);
	OPENSSL_free(sc.alt);
	OPENSSL_free(sc.der);
	OPENSSL_free(sc.segs);
	OPENSSL_free(sc.run_bufs);
	ERR_clear_error();
	if (st != PTRUST_OK) {
		trace_clear(t);
		pt_seterr(t->err, "out of memory");
	}
	return st;
}

/* ---------------------------------------------------------- public API */

ptrust_status
ptrust_trace_extract(const void *data, size_t len, ptrust_trace **out)
{
	ptrust_trace *t;

	if (out == NULL)
		return PTRUST_ERR_ARG;
	if ((*out = t = pt_calloc(1, sizeof(*t))) == NULL)
		return PTRUST_ERR_NOMEM;
	if (data == NULL && len > 0) {
		pt_seterr(t->err, "no data");
		return PTRUST_ERR_ARG;
	}
	if (len > PT_TRACE_MAX_INPUT) {
		pt_seterr(t->err, "trace too large (%zu bytes, limit %zu)",
		    len, PT_TRACE_MAX_INPUT);
		return PTRUST_ERR_ARG;
	}
	return scan(t, data, len);
}

ptrust_status
ptrust_trace_extract_file(const char *path, ptrust_trace **out)
{
	ptrust_trace *t;
	unsigned char *data;
	size_t len;
	ptrust_status st;

	if (out == NULL)
		return PTRUST_ERR_ARG;
	if ((*out = t = pt_calloc(1, sizeof(*t))) == NULL)
		return PTRUST_ERR_NOMEM;
	if (path == NULL) {
		pt_seterr(t->err, "no path");
		return PTRUST_ERR_ARG;
	}
	if ((st = pt_read_file(path, &data, &len, t->err)) != PTRUST_OK)
		return st;
	st = scan(t, data, len);
	OPENSSL_free(data);
	return st;
}

void
ptrust_trace_free(ptrust_trace *t)
{
	if (t == NULL)
		return;
	trace_clear(t);
	OPENSSL_free(t);
}

const char *
ptrust_trace_error(const ptrust_trace *t)
{
	return t != NULL ? t->err : "no trace";
}

size_t
ptrust_trace_count(const ptrust_trace *t)
{
	return t != NULL ? t->n : 0;
}

static const struct pt_trace_cert *
cert_at(const ptrust_trace *t, size_t i)
{
	return t != NULL && i < t->n ? &t->certs[i] : NULL;
}

size_t
ptrust_trace_line(const ptrust_trace *t, size_t i)
{
	const struct pt_trace_cert *c = cert_at(t, i);

	return c != NULL ? c->line : 0;
}

const char *
ptrust_trace_subject(const ptrust_trace *t, size_t i)
{
	const struct pt_trace_cert *c = cert_at(t, i);

	return c != NULL ? c->subject : NULL;
}

const char *
ptrust_trace_issuer(const ptrust_trace *t, size_t i)
{
	const struct pt_trace_cert *c = cert_at(t, i);

	return c != NULL ? c->issuer : NULL;
}

const char *
ptrust_trace_sha256(const ptrust_trace *t, size_t i)
{
	const struct pt_trace_cert *c = cert_at(t, i);

	return c != NULL ? c->sha256 : NULL;
}

const unsigned char *
ptrust_trace_der(const ptrust_trace *t, size_t i, size_t *len)
{
	const struct pt_trace_cert *c = cert_at(t, i);

	if (len != NULL)
		*len = c != NULL ? c->der_len : 0;
	return c != NULL ? c->der : NULL;
}

ptrust_kind
ptrust_trace_kind(const ptrust_trace *t, size_t i)
{
	const struct pt_trace_cert *c = cert_at(t, i);

	return c != NULL ? c->kind : PTRUST_KIND_UNKNOWN;
}

const char *
ptrust_trace_device(const ptrust_trace *t, size_t i)
{
	const struct pt_trace_cert *c = cert_at(t, i);

	return c != NULL ? c->device : NULL;
}

/* ------------------------------------------------------ classification */

static void
clear_kinds(ptrust_trace *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		t->certs[i].kind = PTRUST_KIND_UNKNOWN;
		OPENSSL_free(t->certs[i].device);
		t->certs[i].device = NULL;
	}
}

/*
 * The kind of one certificate: the first view whose validation reaches
 * an anchor that vouches for it.  A CA certificate (the CAPF certificate,
 * a manufacturing intermediate) is never a phone's LSC or MIC.
 */
static ptrust_status
classify_one(ptrust_trace *t, size_t i, ptrust_store *const *views,
    size_t n_views, const ptrust_options *o)
{
	struct pt_trace_cert *c = &t->certs[i];
	ptrust_chain *chain;
	ptrust_result *r = NULL;
	ptrust_status st;
	ptrust_kind kind = PTRUST_KIND_UNKNOWN;
	size_t j, v;

	if (X509_get_extension_flags(c->x509) & EXFLAG_CA)
		return PTRUST_OK;
	if ((chain = ptrust_chain_new()) == NULL) {
		pt_seterr(t->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	/* the leaf, then every CA of the trace as a candidate issuer */
	st = ptrust_chain_add_x509(chain, c->x509);
	for (j = 0; st == PTRUST_OK && j < t->n; j++)
		if (j != i && X509_check_ca(t->certs[j].x509) != 0)
			st = ptrust_chain_add_x509(chain, t->certs[j].x509);
	if (st != PTRUST_OK) {
		pt_seterr(t->err, "%s", ptrust_chain_error(chain));
		goto done;
	}
	for (v = 0; v < n_views && kind == PTRUST_KIND_UNKNOWN; v++) {
		if ((st = ptrust_verify(views[v], chain, o, &r)) != PTRUST_OK) {
			pt_seterr(t->err, "certificate %zu (line %zu): %s",
			    i + 1, c->line, r != NULL ? ptrust_result_error(r) :
			    "out of memory");
			goto done;
		}
		/* the kind its anchor's key vouches for, even out of date */
		if (ptrust_result_evidence(r) == PTRUST_EVIDENCE_ANCHOR &&
		    ptrust_result_presented(r) != PTRUST_PRESENTED_NONE)
			kind = ptrust_result_presented(r) ==
			    PTRUST_PRESENTED_MIC ? PTRUST_KIND_MIC :
			    PTRUST_KIND_LSC;
		ptrust_result_free(r);
		r = NULL;
	}
	if (kind != PTRUST_KIND_UNKNOWN && pt_subject_cn(c->x509,
	    &c->device) < 0) {
		pt_seterr(t->err, "out of memory");
		st = PTRUST_ERR_NOMEM;
		goto done;
	}
	c->kind = kind;
done:
	ptrust_result_free(r);
	ptrust_chain_free(chain);
	return st;
}

ptrust_status
ptrust_trace_classify(ptrust_trace *t, ptrust_cluster *cluster,
    const ptrust_options *o)
{
	static const ptrust_cluster_purpose purposes[] = {
		PTRUST_CLUSTER_CALLMANAGER_TLS,
		PTRUST_CLUSTER_CAPF,
	};
	ptrust_store *views[2] = { NULL, NULL };
	ptrust_status st = PTRUST_OK;
	size_t i;

	if (t == NULL)
		return PTRUST_ERR_ARG;
	clear_kinds(t);
	if (cluster == NULL) {
		pt_seterr(t->err, "no cluster");
		return PTRUST_ERR_ARG;
	}
	for (i = 0; i < 2; i++) {
		if ((st = ptrust_cluster_snapshot(cluster, purposes[i],
		    &views[i])) != PTRUST_OK) {
			pt_seterr(t->err, "%s: %s",
			    ptrust_cluster_purpose_name(purposes[i]),
			    ptrust_cluster_error(cluster));
			goto done;
		}
	}
	for (i = 0; i < t->n && st == PTRUST_OK; i++)
		st = classify_one(t, i, views, 2, o);
done:
	if (st != PTRUST_OK)
		clear_kinds(t);
	ptrust_store_unref(views[0]);
	ptrust_store_unref(views[1]);
	return st;
}
