/*
 * Phone console logs.  The security daemon (SECD) of a Cisco IP phone
 * logs, among much else, lines such as these (Cisco's Q&A on phone
 * certificates):
 *
 *   SECD: -PXY_NO_LSC: No LSC for [SCCP], will try MIC
 *   3469 NOT 00:01:31.935298 SECD: -PXY_CERT_CIPHER: [SCCP], [TLSv1],
 *       cert [LSC], cipher [AES256-SHA:AES128-SHA]
 *   3486 ERR 00:01:31.938954 SECD: -STATE_SSL3_ALERT: SSL3 alert
 *       [read]:[fatal]:[unknown CA
 *
 * The tokens (PXY_NO_LSC, PXY_CERT_CIPHER, STATE_SSL3_ALERT) are fixed;
 * the prefix (line number, level, time, process) and the words around
 * them vary, and translated copies of such logs translate even the
 * bracketed words ("[lido]:[fatal]:[CA desconhecida").  So a line is
 * recognised by its token alone, anywhere in the line, the bracketed
 * fields after it are read by position, and the words of an alert are
 * matched in English first, then by keywords of a few other languages.
 *
 * Every line is looked at once, byte by byte, with nothing allocated per
 * line: time is linear in the input and memory bounded by the events
 * kept (at most PT_CONSOLE_MAX_EVENTS, the most recent).
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#pragma GCC visibility push(default)
#include "phonetrust-console.h"
#pragma GCC visibility pop

/* Largest log taken, from memory or from a file. */
#define PT_CONSOLE_MAX_INPUT	((size_t)16 * 1024 * 1024)
/* Events kept: the most recent ones. */
#define PT_CONSOLE_MAX_EVENTS	1024
/* Protocols followed at once (the latest attempt of each). */
#define PT_CONSOLE_SLOTS	16
/* Bracketed fields read after a token. */
#define PT_CONSOLE_FIELDS	8

#define PT_FIELD	65	/* protocol, version, peer */
#define PT_LONG		129	/* cipher list, alert text */
#define PT_TEXT		201	/* the line from its token on */

struct pt_console_event {
	size_t		 line;
	ptrust_console_kind kind;
	size_t		 attempt;
	ptrust_presented cert;
	int		 has_purpose;
	ptrust_cluster_purpose purpose;
	char		 protocol[PT_FIELD];
	char		 version[PT_FIELD];
	char		 cipher[PT_LONG];
	char		 peer[PT_FIELD];
	int		 alert;		/* -1: none or not recognised */
	char		 alert_text[PT_LONG];
	ptrust_console_dir dir;
	int		 fatal;		/* 1, 0, -1: not told */
	char		 text[PT_TEXT];
};

/* One connection attempt: a certificate presented, and how it ended. */
struct pt_attempt {
	size_t		 id;		/* 0: slot unused */
	size_t		 last_line;
	int		 by_no_lsc;	/* only PXY_NO_LSC so far */
	ptrust_presented cert;
	int		 has_purpose;
	ptrust_cluster_purpose purpose;
	char		 protocol[PT_FIELD];
	char		 version[PT_FIELD];
	char		 peer[PT_FIELD];
	/* the (last) fatal alert of the attempt */
	int		 has_fatal;
	int		 alert;
	char		 alert_text[PT_LONG];
	ptrust_console_dir dir;
	size_t		 alert_line;
};

struct ptrust_console {
	struct pt_console_event *ev;
	size_t		 n, cap, start;	/* a ring once full */
	size_t		 total;
	size_t		 lines;
	struct pt_attempt slots[PT_CONSOLE_SLOTS];
	int		 cur;		/* slot of the latest attempt, -1 */
	size_t		 n_attempts;
	size_t		 refusals;
	/* the summary */
	struct pt_attempt sum;
	ptrust_console_outcome verdict;
	ptrust_diagnosis diagnosis;
	char		*fix;
	char		 err[PT_ERRLEN];
};

struct pt_span {
	const unsigned char *p;
	size_t		 n;
};

/* ------------------------------------------------------------ alerts */

const char *
ptrust_console_alert_name(int code)
{
	return pt_alert_name(code);
}

/* The English words of an alert, "unknown CA"; "?" when unknown. */
static const char *
alert_words(int code)
{
	const char *w = pt_alert_words(code);

	return w != NULL ? w : "?";
}

/* Alerts by which a peer refuses the certificate it was given. */
static int
is_cert_alert(int code)
{
	switch (code) {
	case 41: case 42: case 43: case 44: case 45: case 46: case 48:
	case 49: case 116:
		return 1;
	}
	return 0;
}

/* Alerts that end nothing by themselves. */
static int
is_benign_alert(int code)
{
	return code == 0 || code == 90 || code == 100;
}

const char *
ptrust_console_kind_name(ptrust_console_kind kind)
{
	switch (kind) {
	case PTRUST_CONSOLE_EVENT_NO_LSC:	return "no-lsc";
	case PTRUST_CONSOLE_EVENT_CERT:		return "cert";
	case PTRUST_CONSOLE_EVENT_ALERT:	return "alert";
	}
	return NULL;
}

const char *
ptrust_console_dir_name(ptrust_console_dir dir)
{
	switch (dir) {
	case PTRUST_CONSOLE_DIR_UNKNOWN:	return "unknown";
	case PTRUST_CONSOLE_DIR_READ:		return "read";
	case PTRUST_CONSOLE_DIR_WRITE:		return "write";
	}
	return NULL;
}

const char *
ptrust_console_outcome_name(ptrust_console_outcome outcome)
{
	switch (outcome) {
	case PTRUST_CONSOLE_NOTHING:	return "nothing";
	case PTRUST_CONSOLE_USED:	return "used";
	case PTRUST_CONSOLE_REFUSED:	return "refused";
	case PTRUST_CONSOLE_FAILED:	return "failed";
	}
	return NULL;
}

/* ------------------------------------------------------------- text */

/* Bytes of the valid UTF-8 sequence at p (2..4), 0 when invalid. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
		return 0;	/* overlong, surrogate, beyond U+10FFFF */
	return len;
}

/*
 * n bytes at p into dst as valid UTF-8 without control characters
 * (each bad byte becomes '?'), blanks trimmed, cut at a character
 * boundary to fit.
 */
static void
copy_text(char *dst, size_t size, const unsigned char *p, size_t n)
{
	size_t o = 0, i = 0, k;

	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (i < n) {
		if (p[i] < 0x80) {
			if (o + 1 >= size)
				break;
			dst[o++] = p[i] == '\t' ? ' ' : p[i] < 0x20 ||
			    p[i] == 0x7f ? '?' : (char)p[i];
			i++;
		} else if ((k = utf8_seq(p + i, n - i)) == 0) {
			if (o + 1 >= size)
				break;
			dst[o++] = '?';
			i++;
		} else {
			if (o + k >= size)
				break;
			memcpy(dst + o, p + i, k);
			o += k;
			i += k;
		}
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

/*
 * A lower-case ASCII copy for matching: '_' and '-' become blanks, runs
 * of blanks one blank, and brackets, dots and blanks at either end go.
 * Bytes of 0x80 and above are kept as they are.
 */
static void
normalize(char *dst, size_t size, const unsigned char *p, size_t n)
{
	size_t o = 0, i;
	unsigned char c;

	for (i = 0; i < n && o + 1 < size; i++) {
		c = p[i];
		if (c == '_' || c == '-' || c == '\t' || c == ':' || c == ',')
			c = ' ';
		if (c == ' ' && (o == 0 || dst[o - 1] == ' '))
			continue;
		dst[o++] = (char)tolower(c);
	}
	while (o > 0 && strchr(" .])!", dst[o - 1]) != NULL)
		o--;
	dst[o] = '\0';
}

/* Whether a blank-separated word of s starts with one of the prefixes. */
static int
has_word(const char *s, const char *const *prefixes, int exact)
{
	const char *w, *e;
	size_t i, len;

	for (w = s; *w != '\0'; w = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(w, ' ')) == NULL)
			e = w + strlen(w);
		for (i = 0; prefixes[i] != NULL; i++) {
			len = strlen(prefixes[i]);
			if ((size_t)(e - w) >= len && memcmp(w, prefixes[i],
			    len) == 0 && (!exact || (size_t)(e - w) == len))
				return 1;
		}
	}
	return 0;
}

/*
 * The number of the alert an alert description names: OpenSSL's words,
 * the RFC name, a number, or keywords of Portuguese, Spanish, French,
 * German and Italian; -1 when none of these.
 */
static int
alert_from_text(const unsigned char *p, size_t n)
{
	static const char *const unknown[] = { "unknown", "desconhecid",
	    "desconocid", "inconnu", "unbekannt", "sconosciut", NULL };
	static const char *const ca[] = { "ca", "ac", "cas", NULL };
	static const char *const cert[] = { "cert", "zertifikat", NULL };
	static const char *const expired[] = { "expir", "caducad",
	    "abgelaufen", "scadut", "vencid", NULL };
	static const char *const revoked[] = { "revo", "r\xc3\xa9voq",
	    "widerruf", NULL };
	static const char *const unsupported[] = { "unsupported",
	    "suportad", "soportad", "unterst", "support", "pris", NULL };
	static const char *const bad[] = { "bad", "invalid", "inv\xc3\xa1lid",
	    "incorrect", "mauvais", "fehlerhaft", "ung\xc3\xbcltig",
	    "errat", "danificad", NULL };
	static const char *const denied[] = { "denied", "negad", "denegad",
	    "refus", "verweigert", "negat", NULL };
	static const char *const access[] = { "acce", "acess", "acc\xc3\xa8s",
	    "zugriff", NULL };
	static const char *const handshake[] = { "handshake", NULL };
	static const char *const proto[] = { "proto", NULL };
	static const char *const version[] = { "vers", NULL };
	char s[PT_LONG], *q, *end;
	long v;
	size_t i;

	normalize(s, sizeof(s), p, n);
	/* every alert of the one table (reason.c), by name or words */
	for (i = 0; i < 256; i++) {
		const char *name = pt_alert_name((int)i);
		char rfc[64];

		if (name == NULL)
			continue;
		normalize(rfc, sizeof(rfc), (const unsigned char *)name,
		    strlen(name));
		if (strcmp(s, rfc) == 0 ||
		    strcasecmp(s, pt_alert_words((int)i)) == 0)
			return (int)i;
	}
	/* "48", "unknown ca (48)", "alert 48" */
	for (q = s; *q != '\0'; q++) {
		if (!isdigit((unsigned char)*q) || (q > s &&
		    isdigit((unsigned char)q[-1])))
			continue;
		v = strtol(q, &end, 10);
		if ((q == s || q[-1] == ' ' || q[-1] == '(') &&
		    (*end == '\0' || *end == ')' || *end == ' ') && v <= 255 &&
		    pt_alert_name((int)v) != NULL)
			return (int)v;
	}
	if (has_word(s, unknown, 0) && has_word(s, ca, 1))
		return 48;
	if (has_word(s, unknown, 0) && has_word(s, cert, 0))
		return 46;
	if (has_word(s, expired, 0))
		return 45;
	if (has_word(s, revoked, 0))
		return 44;
	if (has_word(s, cert, 0) && has_word(s, unsupported, 0))
		return 43;
	if (has_word(s, cert, 0) && has_word(s, bad, 0))
		return 42;
	if (has_word(s, access, 0) && has_word(s, denied, 0))
		return 49;
	if (has_word(s, handshake, 0))
		return 40;
	if ((has_word(s, proto, 0) && has_word(s, version, 0)) ||
	    strstr(s, "protokollversion") != NULL)
		return 70;
	return -1;
}

static ptrust_console_dir
dir_from_text(const unsigned char *p, size_t n)
{
	static const char *const rd[] = { "read", "lid", "le\xc3\xad" "d", "leid",
	    "lect", "leit", "gelesen", "lesen", "lett", "recv", "receiv",
	    "receb", "recib", "re\xc3\xa7u", "empfang", "ricev", NULL };
	static const char *const rd_exact[] = { "lu", "lue", "rd", NULL };
	static const char *const wr[] = { "writ", "grav", "escri",
	    "\xc3\xa9" "cri", "ecri", "geschrieben", "schreib", "scritt",
	    "scriv", "sent", "send", "envi", "envoy", "gesendet", "inviat",
	    NULL };
	static const char *const wr_exact[] = { "wr", NULL };
	char s[PT_LONG];

	normalize(s, sizeof(s), p, n);
	if (has_word(s, wr, 0) || has_word(s, wr_exact, 1))
		return PTRUST_CONSOLE_DIR_WRITE;
	if (has_word(s, rd, 0) || has_word(s, rd_exact, 1))
		return PTRUST_CONSOLE_DIR_READ;
	return PTRUST_CONSOLE_DIR_UNKNOWN;
}

/* 1 fatal, 0 warning, -1 neither word. */
static int
level_from_text(const unsigned char *p, size_t n)
{
	static const char *const fatal[] = { "fatal", "schwerwiegend",
	    "kritisch", "grave", NULL };
	static const char *const warning[] = { "warn", "avis", "advert",
	    "avert", "avvis", "attenz", NULL };
	char s[PT_LONG];

	normalize(s, sizeof(s), p, n);
	if (has_word(s, fatal, 0))
		return 1;
	if (has_word(s, warning, 0))
		return 0;
	return -1;
}

/* ------------------------------------------------------------ fields */

static int
word_char(unsigned char c)
{
	return isalnum(c) || c == '_';
}

/*
 * Length of tok at p, a '\' being allowed before each '_' (a log pasted
 * from Markdown: PXY\_NO\_LSC); 0 when tok is not there as a word.
 */
static size_t
tok_at(const unsigned char *line, const unsigned char *p,
    const unsigned char *end, const char *tok)
{
	const unsigned char *q = p;

	if (p > line && (word_char(p[-1]) || p[-1] == '\\'))
		return 0;
	for (; *tok != '\0'; tok++) {
		if (*tok == '_' && q < end && *q == '\\')
			q++;
		if (q == end || *q != (unsigned char)*tok)
			return 0;
		q++;
	}
	if (q < end && (word_char(*q) || *q == '\\'))
		return 0;
	return (size_t)(q - p);
}

/* The contents of the [bracketed] fields at p; the last may be open. */
static size_t
bracket_fields(const unsigned char *p, const unsigned char *end,
    struct pt_span *f, size_t max)
{
	const unsigned char *o, *c;
	size_t n = 0;

	while (n < max && (o = memchr(p, '[', (size_t)(end - p))) != NULL) {
		o++;
		c = memchr(o, ']', (size_t)(end - o));
		f[n].p = o;
		f[n].n = (size_t)((c != NULL ? c : end) - o);
		/* trim blanks */
		while (f[n].n > 0 && (*f[n].p == ' ' || *f[n].p == '\t')) {
			f[n].p++;
			f[n].n--;
		}
		while (f[n].n > 0 && (f[n].p[f[n].n - 1] == ' ' ||
		    f[n].p[f[n].n - 1] == '\t'))
			f[n].n--;
		n++;
		if (c == NULL)
			break;
		p = c + 1;
	}
	return n;
}

static int
span_is(const struct pt_span *s, const char *word)
{
	return s->n == strlen(word) &&
	    strncasecmp((const char *)s->p, word, s->n) == 0;
}

static ptrust_presented
span_cert(const struct pt_span *s)
{
	if (span_is(s, "LSC"))
		return PTRUST_PRESENTED_LSC;
	if (span_is(s, "MIC"))
		return PTRUST_PRESENTED_MIC;
	return PTRUST_PRESENTED_NONE;
}

static int
span_is_version(const struct pt_span *s)
{
	return (s->n >= 3 && (strncasecmp((const char *)s->p, "TLS", 3) == 0 ||
	    strncasecmp((const char *)s->p, "SSL", 3) == 0)) ||
	    (s->n >= 4 && strncasecmp((const char *)s->p, "DTLS", 4) == 0);
}

/* An LSC or MIC standing alone as a word in p..end. */
static ptrust_presented
word_cert(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q;

	for (q = p; q + 3 <= end; q++) {
		if ((q > p && word_char(q[-1])) || (q + 3 < end &&
		    word_char(q[3])))
			continue;
		if (memcmp(q, "LSC", 3) == 0)
			return PTRUST_PRESENTED_LSC;
		if (memcmp(q, "MIC", 3) == 0)
			return PTRUST_PRESENTED_MIC;
	}
	return PTRUST_PRESENTED_NONE;
}

static int
contains_ci(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, w, n) == 0)
			return 1;
	return 0;
}

/* Where the phone's connection for protocol is checked; 0 when unknown. */
static int
purpose_of(const char *protocol, ptrust_cluster_purpose *purpose)
{
	if (contains_ci(protocol, "CAPF"))
		*purpose = PTRUST_CLUSTER_CAPF;
	else if (contains_ci(protocol, "SCCP") || contains_ci(protocol, "SIP"))
		*purpose = PTRUST_CLUSTER_CALLMANAGER_TLS;
	else if (contains_ci(protocol, "802.1X") ||
	    contains_ci(protocol, "8021X") || contains_ci(protocol, "DOT1X") ||
	    contains_ci(protocol, "EAP"))
		*purpose = PTRUST_CLUSTER_8021X;
	else if (contains_ci(protocol, "VPN") || contains_ci(protocol, "ASA") ||
	    contains_ci(protocol, "ANYCONNECT"))
		*purpose = PTRUST_CLUSTER_VPN;
	else
		return 0;
	return 1;
}

/* A decimal number of 1..max digits at p worth at most lim; its length. */
static size_t
number_at(const unsigned char *p, const unsigned char *end, size_t max,
    unsigned long lim)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < max && p + i < end && isdigit(p[i]); i++)
		v = v * 10 + (unsigned long)(p[i] - '0');
	if (i == 0 || v > lim || (p + i < end && isdigit(p[i])))
		return 0;
	return i;
}

/* The first IPv4 address in p..end, with its ":port" when there is one. */
static void
find_peer(const unsigned char *p, const unsigned char *end, char *out,
    size_t size)
{
	const unsigned char *q, *s;
	size_t k;
	int part;

	out[0] = '\0';
	for (s = p; s < end; s++) {
		if (!isdigit(*s) || (s > p && (isalnum(s[-1]) || s[-1] == '.')))
			continue;
		for (q = s, part = 0; part < 4; part++) {
			if ((k = number_at(q, end, 3, 255)) == 0)
				break;
			q += k;
			if (part < 3) {
				if (q == end || *q != '.')
					break;
				q++;
			}
		}
		if (part < 4 || (q < end && (isalnum(*q) || (*q == '.' &&
		    q + 1 < end && isdigit(q[1])))))
			continue;
		if (q + 1 < end && *q == ':' && (k = number_at(q + 1, end, 5,
		    65535)) != 0 && (q + 1 + k == end || !isalnum(q[1 + k])))
			q += 1 + k;
		copy_text(out, size, s, (size_t)(q - s));
		return;
	}
}

/* ----------------------------------------------------------- events */

static void
console_clear(ptrust_console *c)
{
	OPENSSL_free(c->ev);
	OPENSSL_free(c->fix);
	c->ev = NULL;
	c->fix = NULL;
	c->n = c->cap = c->start = c->total = c->lines = 0;
	memset(c->slots, 0, sizeof(c->slots));
	memset(&c->sum, 0, sizeof(c->sum));
	c->sum.alert = -1;
	c->cur = -1;
	c->n_attempts = c->refusals = 0;
	c->verdict = PTRUST_CONSOLE_NOTHING;
	c->diagnosis = PTRUST_DIAG_NONE;
}

/* A new event, zeroed; NULL when memory ran out. */
static struct pt_console_event *
new_event(ptrust_console *c)
{
	struct pt_console_event *e;

	c->total++;
	if (c->n == PT_CONSOLE_MAX_EVENTS) {
		/* full: the oldest goes */
		e = &c->ev[c->start];
		c->start = (c->start + 1) % PT_CONSOLE_MAX_EVENTS;
	} else {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 16;

			if (cap > PT_CONSOLE_MAX_EVENTS)
				cap = PT_CONSOLE_MAX_EVENTS;
			if ((e = OPENSSL_realloc(c->ev, cap * sizeof(*e))) ==
			    NULL)
				return NULL;
			c->ev = e;
			c->cap = cap;
		}
		e = &c->ev[c->n++];
	}
	memset(e, 0, sizeof(*e));
	e->alert = -1;
	e->fatal = -1;
	return e;
}

/* The slot for an attempt of protocol: its own, a free one, or the oldest. */
static int
slot_for(ptrust_console *c, const char *protocol)
{
	int i, pick = -1;

	for (i = 0; i < PT_CONSOLE_SLOTS; i++)
		if (c->slots[i].id != 0 &&
		    strcasecmp(c->slots[i].protocol, protocol) == 0)
			return i;
	for (i = 0; i < PT_CONSOLE_SLOTS; i++) {
		if (c->slots[i].id == 0)
			return i;
		if (pick < 0 || c->slots[i].id < c->slots[pick].id)
			pick = i;
	}
	return pick;
}

static struct pt_attempt *
start_attempt(ptrust_console *c, const struct pt_console_event *e)
{
	struct pt_attempt *a;

	c->cur = slot_for(c, e->protocol);
	a = &c->slots[c->cur];
	memset(a, 0, sizeof(*a));
	a->id = ++c->n_attempts;
	a->alert = -1;
	a->cert = e->cert;
	a->has_purpose = e->has_purpose;
	a->purpose = e->purpose;
	memcpy(a->protocol, e->protocol, sizeof(a->protocol));
	return a;
}

/* What the event adds to the attempts, and the attempt it belongs to. */
static void
follow(ptrust_console *c, struct pt_console_event *e)
{
	struct pt_attempt *a = c->cur >= 0 ? &c->slots[c->cur] : NULL;

	switch (e->kind) {
	case PTRUST_CONSOLE_EVENT_NO_LSC:
		a = start_attempt(c, e);
		a->by_no_lsc = 1;
		break;
	case PTRUST_CONSOLE_EVENT_CERT:
		/* "No LSC for [SCCP], will try MIC", then the MIC: one attempt */
		if (a == NULL || !a->by_no_lsc || a->has_fatal ||
		    e->cert != PTRUST_PRESENTED_MIC ||
		    strcasecmp(a->protocol, e->protocol) != 0)
			a = start_attempt(c, e);
		a->by_no_lsc = 0;
		break;
	case PTRUST_CONSOLE_EVENT_ALERT:
		if (a == NULL)
			a = start_attempt(c, e);	/* certificate not told */
		e->cert = a->cert;
		e->has_purpose = a->has_purpose;
		e->purpose = a->purpose;
		memcpy(e->protocol, a->protocol, sizeof(e->protocol));
		if (e->fatal == 0 || (e->fatal < 0 && is_benign_alert(e->alert)))
			break;
		a->has_fatal = 1;
		a->alert = e->alert;
		memcpy(a->alert_text, e->alert_text, sizeof(a->alert_text));
		a->dir = e->dir;
		a->alert_line = e->line;
		if (e->dir == PTRUST_CONSOLE_DIR_READ && is_cert_alert(e->alert))
			c->refusals++;
		break;
	}
	if (e->version[0] != '\0')
		memcpy(a->version, e->version, sizeof(a->version));
	if (e->peer[0] != '\0')
		memcpy(a->peer, e->peer, sizeof(a->peer));
	a->last_line = e->line;
	e->attempt = a->id;
}

/* PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [LSC], cipher [AES256-SHA:...] */
static void
parse_cert(struct pt_console_event *e, const unsigned char *p,
    const unsigned char *end)
{
	struct pt_span f[PT_CONSOLE_FIELDS];
	size_t n = bracket_fields(p, end, f, PT_CONSOLE_FIELDS), i, at = n;

	for (i = 0; i < n && at == n; i++)
		if ((e->cert = span_cert(&f[i])) != PTRUST_PRESENTED_NONE)
			at = i;
	if (at == n)
		e->cert = word_cert(p, end);
	for (i = 0; i < n && i < at; i++) {
		if (span_is_version(&f[i])) {
			if (e->version[0] == '\0')
				copy_text(e->version, sizeof(e->version),
				    f[i].p, f[i].n);
		} else if (e->protocol[0] == '\0')
			copy_text(e->protocol, sizeof(e->protocol), f[i].p,
			    f[i].n);
	}
	if (at + 1 < n)
		copy_text(e->cipher, sizeof(e->cipher), f[at + 1].p,
		    f[at + 1].n);
}

/* PXY_NO_LSC: No LSC for [SCCP], will try MIC */
static void
parse_no_lsc(struct pt_console_event *e, const unsigned char *p,
    const unsigned char *end)
{
	struct pt_span f[PT_CONSOLE_FIELDS];
	size_t n = bracket_fields(p, end, f, PT_CONSOLE_FIELDS);

	e->cert = PTRUST_PRESENTED_MIC;
	if (n > 0 && span_cert(&f[0]) == PTRUST_PRESENTED_NONE)
		copy_text(e->protocol, sizeof(e->protocol), f[0].p, f[0].n);
}

/* The last blank-separated word of a span. */
static struct pt_span
last_word(struct pt_span s)
{
	size_t i = s.n;

	while (i > 0 && s.p[i - 1] == ' ')
		i--;
	s.n = i;
	while (i > 0 && s.p[i - 1] != ' ')
		i--;
	s.p += i;
	s.n -= i;
	return s;
}

/*
 * STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:[unknown CA]
 * or without brackets: SSL3 alert read:fatal:unknown CA
 */
static void
parse_alert(struct pt_console_event *e, const unsigned char *p,
    const unsigned char *end)
{
	struct pt_span f[PT_CONSOLE_FIELDS], dir = { NULL, 0 },
	    level = { NULL, 0 }, desc = { NULL, 0 };
	const unsigned char *c1, *c2;
	size_t n = bracket_fields(p, end, f, PT_CONSOLE_FIELDS);

	if (n >= 3) {
		dir = f[0];
		level = f[1];
		desc = f[2];
	} else if (n == 2) {
		dir = f[0];
		desc = f[1];
	} else if (n == 1) {
		desc = f[0];
	} else {
		while (p < end && (*p == ':' || *p == ' ' || *p == '\t'))
			p++;
		if ((c1 = memchr(p, ':', (size_t)(end - p))) == NULL) {
			desc.p = p;
			desc.n = (size_t)(end - p);
		} else {
			dir.p = p;
			dir.n = (size_t)(c1 - p);
			dir = last_word(dir);
			c1++;
			if ((c2 = memchr(c1, ':', (size_t)(end - c1))) ==
			    NULL) {
				desc.p = c1;
				desc.n = (size_t)(end - c1);
			} else {
				level.p = c1;
				level.n = (size_t)(c2 - c1);
				desc.p = c2 + 1;
				desc.n = (size_t)(end - c2 - 1);
			}
		}
	}
	if (dir.p != NULL)
		e->dir = dir_from_text(dir.p, dir.n);
	if (level.p != NULL)
		e->fatal = level_from_text(level.p, level.n);
	if (desc.p != NULL) {
		copy_text(e->alert_text, sizeof(e->alert_text), desc.p,
		    desc.n);
		e->alert = alert_from_text(desc.p, desc.n);
	}
}

static const struct pt_token {
	const char	*word;
	ptrust_console_kind kind;
} pt_tokens[] = {
	{ "PXY_NO_LSC", PTRUST_CONSOLE_EVENT_NO_LSC },
	{ "PXY_CERT_CIPHER", PTRUST_CONSOLE_EVENT_CERT },
	{ "STATE_SSL3_ALERT", PTRUST_CONSOLE_EVENT_ALERT },
};

/* One line without its end; 0 when memory ran out. */
static int
scan_line(ptrust_console *c, const unsigned char *line, size_t len,
    size_t lineno)
{
	const unsigned char *p, *end = line + len, *rest;
	struct pt_console_event *e;
	const struct pt_token *t = NULL;
	size_t i, k = 0;

	for (p = line; p < end && t == NULL; p++) {
		if (*p != 'P' && *p != 'S')
			continue;
		for (i = 0; i < sizeof(pt_tokens) / sizeof(pt_tokens[0]); i++)
			if ((k = tok_at(line, p, end, pt_tokens[i].word)) !=
			    0) {
				t = &pt_tokens[i];
				break;
			}
	}
	if (t == NULL)
		return 1;
	p--;
	rest = p + k;
	if ((e = new_event(c)) == NULL)
		return 0;
	e->line = lineno;
	e->kind = t->kind;
	copy_text(e->text, sizeof(e->text), p, (size_t)(end - p));
	switch (t->kind) {
	case PTRUST_CONSOLE_EVENT_NO_LSC:
		parse_no_lsc(e, rest, end);
		break;
	case PTRUST_CONSOLE_EVENT_CERT:
		parse_cert(e, rest, end);
		break;
	case PTRUST_CONSOLE_EVENT_ALERT:
		parse_alert(e, rest, end);
		break;
	}
	if (e->kind != PTRUST_CONSOLE_EVENT_ALERT)
		e->has_purpose = purpose_of(e->protocol, &e->purpose);
	find_peer(rest, end, e->peer, sizeof(e->peer));
	follow(c, e);
	return 1;
}

/* ---------------------------------------------------------- summary */

static int
rank(ptrust_console_outcome v)
{
	switch (v) {
	case PTRUST_CONSOLE_REFUSED:	return 3;
	case PTRUST_CONSOLE_FAILED:	return 2;
	case PTRUST_CONSOLE_USED:	return 1;
	case PTRUST_CONSOLE_NOTHING:	break;
	}
	return 0;
}

static ptrust_console_outcome
judge(const struct pt_attempt *a)
{
	if (!a->has_fatal)
		return a->cert != PTRUST_PRESENTED_NONE ? PTRUST_CONSOLE_USED :
		    PTRUST_CONSOLE_NOTHING;
	if (a->dir == PTRUST_CONSOLE_DIR_READ && is_cert_alert(a->alert))
		return PTRUST_CONSOLE_REFUSED;
	return PTRUST_CONSOLE_FAILED;
}

/* The other end of the attempt, and the store it trusts, in words. */
static void
peer_words(const struct pt_attempt *a, const char **server,
    const char **trust)
{
	*server = "the server";
	*trust = "the server's trusted CAs";
	if (!a->has_purpose)
		return;
	switch (a->purpose) {
	case PTRUST_CLUSTER_CALLMANAGER_TLS:
		*server = "CallManager";
		*trust = "CallManager-trust";
		break;
	case PTRUST_CLUSTER_CAPF:
		*server = "CAPF";
		*trust = "CAPF-trust";
		break;
	case PTRUST_CLUSTER_8021X:
		*server = "the 802.1x authentication server";
		*trust = "the authentication server's trusted CAs";
		break;
	case PTRUST_CLUSTER_VPN:
		*server = "the ASA (VPN)";
		*trust = "the ASA's trusted CAs";
		break;
	}
}

static int
set_fix(ptrust_console *c, ptrust_diagnosis d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_fix(ptrust_console *c, ptrust_diagnosis d, const char *fmt, ...)
{
	char buf[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c->diagnosis = d;
	OPENSSL_free(c->fix);
	return (c->fix = OPENSSL_strdup(buf)) != NULL;
}

/*
 * A refusal of the phone's LSC or MIC, as the log shows it: which one it
 * presented (the log says), for what, and the alert the server answered
 * with.  Diagnosed by the one fix table (diagnose.c) like every door.
 */
static int
fix_refused(ptrust_console *c, const char *trust, const char *alert)
{
	const struct pt_attempt *a = &c->sum;
	ptrust_reason_code code = pt_reason_for_alert(a->alert);
	ptrust_result *r;
	char msg[PT_ERRLEN];
	int ok;

	if ((r = pt_calloc(1, sizeof(*r))) == NULL)
		return 0;
	r->purpose = a->has_purpose ? (int)a->purpose :
	    (int)PTRUST_CLUSTER_CALLMANAGER_TLS;
	r->presented = a->cert;
	r->evidence = PTRUST_EVIDENCE_CALLER;
	r->store_label = trust;
	snprintf(msg, sizeof(msg), "the server answered with alert %s",
	    alert);
	ok = pt_result_add_reason_text(r, code != 0 ? code :
	    PTRUST_REASON_OTHER, 0, NULL, msg) && pt_diagnose(r) &&
	    set_fix(c, r->diagnosis, "%s", r->fix);
	ptrust_result_free(r);
	return ok;
}

/* Sets the verdict, diagnosis and fix from the attempts; 0: no memory. */
static int
summarise(ptrust_console *c)
{
	const struct pt_attempt *a, *best = NULL;
	const char *who, *trust, *alert;
	char alertbuf[PT_LONG + 8], whobuf[PT_FIELD + 64];
	ptrust_console_outcome v, bv = PTRUST_CONSOLE_NOTHING;
	size_t i;

	for (i = 0; i < PT_CONSOLE_SLOTS; i++) {
		a = &c->slots[i];
		if (a->id == 0)
			continue;
		v = judge(a);
		if (best == NULL || rank(v) > rank(bv) ||
		    (rank(v) == rank(bv) && a->id > best->id)) {
			best = a;
			bv = v;
		}
	}
	if (best == NULL)
		return 1;
	c->sum = *best;
	c->verdict = bv;
	a = &c->sum;
	if (bv != PTRUST_CONSOLE_REFUSED && bv != PTRUST_CONSOLE_FAILED)
		return 1;
	peer_words(a, &who, &trust);
	if (a->peer[0] != '\0') {
		snprintf(whobuf, sizeof(whobuf), "%s (%s)", a->peer, who);
		who = whobuf;
	}
	if (a->alert >= 0)
		snprintf(alertbuf, sizeof(alertbuf), "%s",
		    alert_words(a->alert));
	else
		snprintf(alertbuf, sizeof(alertbuf), "\"%s\"",
		    a->alert_text[0] != '\0' ? a->alert_text : "?");
	alert = alertbuf;
	if (bv == PTRUST_CONSOLE_REFUSED) {
		if (a->alert == 41 || a->alert == 116)
			return set_fix(c, PTRUST_DIAG_NO_CERTIFICATE, "%s "
			    "wants a certificate and got none (alert %s). A "
			    "phone presents its LSC, else its MIC: install an "
			    "LSC with CAPF (authentication by authentication "
			    "string or null string), or register the phone "
			    "with a non-secure profile.", who, alert);
		if (a->cert == PTRUST_PRESENTED_LSC ||
		    a->cert == PTRUST_PRESENTED_MIC)
			return fix_refused(c, trust, alert);
		return set_fix(c, PTRUST_DIAG_UNTRUSTED_CERTIFICATE, "%s "
		    "refused the phone's certificate with alert %s, but the "
		    "log does not show which one the phone presented (no "
		    "PXY_CERT_CIPHER or PXY_NO_LSC line before the alert). "
		    "With an LSC installed the phone always presents it: an "
		    "LSC from another cluster's CAPF needs deleting and "
		    "reinstalling from this cluster's CAPF, or the old CAPF "
		    "certificate imported into %s; without an LSC, the Cisco "
		    "manufacturing CAs must be trusted there.", who, alert,
		    trust);
	}
	/* failed: not (or not surely) a refusal of the phone's certificate */
	if (a->dir == PTRUST_CONSOLE_DIR_WRITE)
		return set_fix(c, PTRUST_DIAG_NONE, "The phone refused %s "
		    "(it sent alert %s): the certificate the server presented "
		    "is not one the phone's trust lists (ITL, or CTL in mixed "
		    "mode) vouch for, typically after a move to another "
		    "cluster or a regenerated CallManager or TVS certificate. "
		    "Erase the phone's trust list (from its settings menu, or "
		    "a factory reset) so that it takes the new cluster's. The "
		    "phone's own certificate is not in question.", who,
		    alert);
	if (a->dir == PTRUST_CONSOLE_DIR_UNKNOWN)
		return set_fix(c, PTRUST_DIAG_NONE, "A fatal alert %s ended "
		    "the handshake, but its direction is not recognised. If "
		    "the phone read it, %s refused the phone's certificate: "
		    "check that %s holds the CA of the phone's %s. If the "
		    "phone wrote it, the phone refused the server's "
		    "certificate: check the phone's trust lists (ITL, CTL).",
		    alert, who, trust, a->cert == PTRUST_PRESENTED_LSC ? "LSC "
		    "(its CAPF)" : a->cert == PTRUST_PRESENTED_MIC ? "MIC (the "
		    "Cisco manufacturing CAs)" : "certificate");
	if (a->alert == 40 || a->alert == 70 || a->alert == 71)
		return set_fix(c, PTRUST_DIAG_NONE, "%s ended the handshake "
		    "with alert %s, which is not about the phone's certificate "
		    "as such: usually no TLS version or cipher in common. The "
		    "phone offered %s; older phones speak only TLS 1.0 with "
		    "AES-SHA ciphers, which OpenSSL 3 servers refuse by "
		    "default. Allow that version and those ciphers on the "
		    "server (explicitly), or upgrade the phone's firmware. A "
		    "server that requires a client certificate may send "
		    "handshake failure when it gets none.", who, alert,
		    a->version[0] != '\0' ? a->version : "a version the log "
		    "does not show");
	return set_fix(c, PTRUST_DIAG_NONE, "%s ended the handshake with "
	    "alert %s, which does not concern the phone's certificate; the "
	    "server's own log tells why.", who, alert);
}

/* ------------------------------------------------------------- scan */

static ptrust_status
scan(ptrust_console *c, const unsigned char *data, size_t len)
{
	size_t ls = 0, le, lineno = 0;

	while (ls < len) {
		for (le = ls; le < len && data[le] != '\n' && data[le] != '\r';
		    le++)
			continue;
		lineno++;
		if (!scan_line(c, data + ls, le - ls, lineno))
			goto nomem;
		if (le < len && data[le] == '\r' && le + 1 < len &&
		    data[le + 1] == '\n')
			le++;
		ls = le + 1;
	}
	c->lines = lineno;
	if (!summarise(c))
		goto nomem;
	return PTRUST_OK;
nomem:
	console_clear(c);
	pt_seterr(c->err, "out of memory");
	return PTRUST_ERR_NOMEM;
}

static ptrust_console *
console_new(void)
{
	ptrust_console *c;

	if ((c = pt_calloc(1, sizeof(*c))) == NULL)
		return NULL;
	console_clear(c);
	return c;
}

ptrust_status
ptrust_console_read_mem(const void *data, size_t len, ptrust_console **out)
{
	ptrust_console *c;

	if (out == NULL)
		return PTRUST_ERR_ARG;
	if ((*out = c = console_new()) == NULL)
		return PTRUST_ERR_NOMEM;
	if (data == NULL && len > 0) {
		pt_seterr(c->err, "no data");
		return PTRUST_ERR_ARG;
	}
	if (len > PT_CONSOLE_MAX_INPUT) {
		pt_seterr(c->err, "console log too large (%zu bytes, limit "
		    "%zu)", len, PT_CONSOLE_MAX_INPUT);
		return PTRUST_ERR_ARG;
	}
	return scan(c, data, len);
}

ptrust_status
ptrust_console_read_file(const char *path, ptrust_console **out)
{
	ptrust_console *c;
	unsigned char *data;
	size_t len;
	ptrust_status st;

	if (out == NULL)
		return PTRUST_ERR_ARG;
	if ((*out = c = console_new()) == NULL)
		return PTRUST_ERR_NOMEM;
	if (path == NULL) {
		pt_seterr(c->err, "no path");
		return PTRUST_ERR_ARG;
	}
	if ((st = pt_read_file(path, &data, &len, c->err)) != PTRUST_OK)
		return st;
	st = scan(c, data, len);
	OPENSSL_free(data);
	return st;
}

void
ptrust_console_free(ptrust_console *c)
{
	if (c == NULL)
		return;
	console_clear(c);
	OPENSSL_free(c);
}

const char *
ptrust_console_error(const ptrust_console *c)
{
	return c != NULL ? c->err : "no log";
}

size_t
ptrust_console_line_count(const ptrust_console *c)
{
	return c != NULL ? c->lines : 0;
}

size_t
ptrust_console_event_total(const ptrust_console *c)
{
	return c != NULL ? c->total : 0;
}

size_t
ptrust_console_event_count(const ptrust_console *c)
{
	return c != NULL ? c->n : 0;
}

static const struct pt_console_event *
event_at(const ptrust_console *c, size_t i)
{
	if (c == NULL || i >= c->n)
		return NULL;
	return &c->ev[(c->start + i) % c->n];
}

/* A stored string, NULL when empty. */
static const char *
str_or_null(const char *s)
{
	return s[0] != '\0' ? s : NULL;
}

size_t
ptrust_console_event_line(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? e->line : 0;
}

ptrust_console_kind
ptrust_console_event_kind(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? e->kind : (ptrust_console_kind)0;
}

size_t
ptrust_console_event_attempt(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? e->attempt : 0;
}

ptrust_presented
ptrust_console_event_certificate(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? e->cert : PTRUST_PRESENTED_NONE;
}

const char *
ptrust_console_event_protocol(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? str_or_null(e->protocol) : NULL;
}

int
ptrust_console_event_purpose(const ptrust_console *c, size_t i,
    ptrust_cluster_purpose *purpose)
{
	const struct pt_console_event *e = event_at(c, i);

	if (e == NULL || !e->has_purpose)
		return 0;
	if (purpose != NULL)
		*purpose = e->purpose;
	return 1;
}

const char *
ptrust_console_event_tls_version(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? str_or_null(e->version) : NULL;
}

const char *
ptrust_console_event_cipher(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? str_or_null(e->cipher) : NULL;
}

const char *
ptrust_console_event_peer(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? str_or_null(e->peer) : NULL;
}

int
ptrust_console_event_alert(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? e->alert : -1;
}

const char *
ptrust_console_event_alert_text(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL && e->kind == PTRUST_CONSOLE_EVENT_ALERT ?
	    str_or_null(e->alert_text) : NULL;
}

ptrust_console_dir
ptrust_console_event_direction(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? e->dir : PTRUST_CONSOLE_DIR_UNKNOWN;
}

int
ptrust_console_event_fatal(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? e->fatal : -1;
}

const char *
ptrust_console_event_text(const ptrust_console *c, size_t i)
{
	const struct pt_console_event *e = event_at(c, i);

	return e != NULL ? e->text : NULL;
}

ptrust_console_outcome
ptrust_console_verdict(const ptrust_console *c)
{
	return c != NULL ? c->verdict : PTRUST_CONSOLE_NOTHING;
}

size_t
ptrust_console_attempt(const ptrust_console *c)
{
	return c != NULL ? c->sum.id : 0;
}

ptrust_presented
ptrust_console_certificate(const ptrust_console *c)
{
	return c != NULL ? c->sum.cert : PTRUST_PRESENTED_NONE;
}

const char *
ptrust_console_protocol(const ptrust_console *c)
{
	return c != NULL ? str_or_null(c->sum.protocol) : NULL;
}

int
ptrust_console_purpose(const ptrust_console *c,
    ptrust_cluster_purpose *purpose)
{
	if (c == NULL || !c->sum.has_purpose)
		return 0;
	if (purpose != NULL)
		*purpose = c->sum.purpose;
	return 1;
}

const char *
ptrust_console_tls_version(const ptrust_console *c)
{
	return c != NULL ? str_or_null(c->sum.version) : NULL;
}

const char *
ptrust_console_peer(const ptrust_console *c)
{
	return c != NULL ? str_or_null(c->sum.peer) : NULL;
}

int
ptrust_console_alert(const ptrust_console *c)
{
	return c != NULL && c->sum.has_fatal ? c->sum.alert : -1;
}

const char *
ptrust_console_alert_text(const ptrust_console *c)
{
	return c != NULL && c->sum.has_fatal ?
	    str_or_null(c->sum.alert_text) : NULL;
}

ptrust_console_dir
ptrust_console_direction(const ptrust_console *c)
{
	return c != NULL && c->sum.has_fatal ? c->sum.dir :
	    PTRUST_CONSOLE_DIR_UNKNOWN;
}

size_t
ptrust_console_alert_line(const ptrust_console *c)
{
	return c != NULL && c->sum.has_fatal ? c->sum.alert_line : 0;
}

size_t
ptrust_console_refusal_count(const ptrust_console *c)
{
	return c != NULL ? c->refusals : 0;
}

ptrust_diagnosis
ptrust_console_diagnosis(const ptrust_console *c)
{
	return c != NULL && c->verdict == PTRUST_CONSOLE_REFUSED ?
	    c->diagnosis : PTRUST_DIAG_NONE;
}

const char *
ptrust_console_fix(const ptrust_console *c)
{
	return c != NULL && (c->verdict == PTRUST_CONSOLE_REFUSED ||
	    c->verdict == PTRUST_CONSOLE_FAILED) ? c->fix : NULL;
}
