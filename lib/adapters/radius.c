/*
 * RADIUS servers: decisions on a phone's certificate that the server's own
 * TLS layer has already validated, known only by the text it printed
 * (FreeRADIUS's TLS-Client-Cert-* attributes).
 *
 * The TLS layer proved the chain ends at a certificate of the CA file,
 * which `phonetrust export` wrote from the store.  What it cannot say is
 * which of them: the leaf's authority key identifier and issuer name
 * together pick the anchor that issued it, and that anchor's role (never a
 * name) makes the certificate an LSC or a MIC.  A leaf whose issuer is not
 * an anchor (an intermediate the phone sent and the store lacks) is
 * refused: fail closed rather than guess.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/x509v3.h>

#include "internal.h"
#include "text.h"

#define MAX_KEY_ID	64

ptrust_status
ptrust_radius_identity_device(const char *identity, char *device,
    size_t size)
{
	const char *p, *end, *sep;
	char mac[13];
	size_t n, i, k = 0;

	if (device != NULL && size > 0)
		device[0] = '\0';
	if (identity == NULL || device == NULL || size < 16)
		return PTRUST_ERR_ARG;
	p = identity;
	if (strncasecmp(p, "host/", 5) == 0)
		p += 5;
	end = (sep = strchr(p, '@')) != NULL ? sep : p + strlen(p);
	n = (size_t)(end - p);
	/* CP-<model>-SEP<MAC>: the part after the last '-' */
	if (n > 3 && strncasecmp(p, "CP-", 3) == 0) {
		for (sep = end; sep > p && sep[-1] != '-'; sep--)
			;
		p = sep;
		n = (size_t)(end - p);
		if (n != 15 || strncasecmp(p, "SEP", 3) != 0)
			return PTRUST_ERR_ARG;
	}
	if (n == 15 && strncasecmp(p, "SEP", 3) == 0) {
		p += 3;
		n -= 3;
		for (i = 0; i < n; i++) {
			if (!isxdigit((unsigned char)p[i]))
				return PTRUST_ERR_ARG;
			mac[k++] = (char)toupper((unsigned char)p[i]);
		}
	} else {
		/* a bare MAC: 001122334455, 00:11:22:33:44:55,
		 * 00-11-22-33-44-55 or 0011.2233.4455 */
		size_t group = n == 12 ? 12 : n == 17 ? 2 : n == 14 ? 4 : 0;
		char sepch = n == 17 ? p[2] : '.';

		if (group == 0 || (n == 17 && sepch != ':' && sepch != '-'))
			return PTRUST_ERR_ARG;
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)p[i];

			if ((i + 1) % (group + 1) == 0) {
				if (ch != (unsigned char)sepch)
					return PTRUST_ERR_ARG;
			} else if (isxdigit(ch) && k < 12)
				mac[k++] = (char)toupper(ch);
			else
				return PTRUST_ERR_ARG;
		}
	}
	if (k != 12)
		return PTRUST_ERR_ARG;
	mac[12] = '\0';
	snprintf(device, size, "SEP%s", mac);
	return PTRUST_OK;
}

/* "keyid:AB:CD..." or "AB:CD..." (OpenSSL's printing), up to a newline. */
static int
parse_key_id(const char *s, unsigned char *id, size_t *len)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	if (strncasecmp(s, "keyid:", 6) == 0)
		s += 6;
	for (;;) {
		int hi, lo;

		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) || n == MAX_KEY_ID)
			return 0;
		hi = OPENSSL_hexchar2int((unsigned char)s[0]);
		lo = OPENSSL_hexchar2int((unsigned char)s[1]);
		id[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
		if (*s != ':')
			break;
		s++;
	}
	/* the key id ends the line; an issuer/serial part may follow */
	if (*s != '\0' && *s != '\n' && *s != '\r')
		return 0;
	*len = n;
	return 1;
}

/* Does the anchor's subject print as name does (X509_NAME_oneline)? */
static int
subject_is(const ptrust_anchor *a, const char *name)
{
	char buf[1024];

	if (name == NULL ||
	    X509_NAME_oneline(X509_get_subject_name(a->x509), buf,
	    sizeof(buf)) == NULL)
		return 0;
	return strcmp(buf, name) == 0;
}

static const ptrust_anchor *
anchor_by_key_id(const ptrust_store *s, const unsigned char *id, size_t len,
    const char *issuer)
{
	const ASN1_OCTET_STRING *ski;
	size_t i;

	for (i = 0; i < s->n_anchors; i++) {
		const ptrust_anchor *a = s->anchors[i];

		ski = X509_get0_subject_key_id(a->x509);
		if (ski != NULL && (size_t)ASN1_STRING_length(ski) == len &&
		    memcmp(ASN1_STRING_get0_data(ski), id, len) == 0 &&
		    subject_is(a, issuer))
			return a;
	}
	return NULL;
}

static const ptrust_anchor *
anchor_by_subject(const ptrust_store *s, const char *issuer)
{
	size_t i;

	for (i = 0; i < s->n_anchors; i++)
		if (subject_is(s->anchors[i], issuer))
			return s->anchors[i];
	return NULL;
}

/* The value of the last CN= of a one-line name, into buf: a label only. */
static const char *
cn_of(const char *name, char *buf, size_t size)
{
	const char *p, *cn = NULL;
	size_t n;

	if (name == NULL)
		return NULL;
	for (p = name; (p = strstr(p, "/CN=")) != NULL; p += 4)
		cn = p + 4;
	if (cn == NULL)
		return NULL;
	n = strcspn(cn, "/");
	if (n >= size)
		n = size - 1;
	memcpy(buf, cn, n);
	buf[n] = '\0';
	return buf;
}

/*
 * The CN of the subject as FreeRADIUS passes it, or NULL with *why when
 * it cannot be read unambiguously.  The subject is X509_NAME_oneline's
 * "/TYPE=value/..." ('+' inside a multi-valued RDN), which escapes a '/'
 * or '+' of a value as "\/" or "\+" but not a backslash, and FreeRADIUS
 * then unescapes it as a quoted string ("\057" becomes '/'): so any value
 * may hold what looks like another attribute.  Only a subject with one
 * CN, no escaped separator, and a Common-Name (the server's first CN,
 * read from the certificate itself) equal to that CN's value is read.
 */
static const char *
subject_cn(const ptrust_radius_cert *c, const char **why)
{
	static const char malformed[] = "the subject is not in the server's "
	    "one-line form";
	const char *p, *end, *eq, *cn = NULL;
	size_t n = 0, k;
	int count = 0;

	*why = malformed;
	if (c->subject == NULL) {
		*why = "the server gave no subject, so its last CN is unknown";
		return NULL;
	}
	if (strstr(c->subject, "\\/") != NULL ||
	    strstr(c->subject, "\\+") != NULL) {
		*why = "a value of the subject holds a '/' or '+', which "
		    "makes the server's one-line subject ambiguous";
		return NULL;
	}
	for (p = c->subject; *p == '/' || (*p == '+' && p != c->subject);
	    p = end) {
		p++;
		end = p + strcspn(p, "/+");
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL ||
		    eq == p)
			return NULL;
		for (k = 0; p + k < eq; k++)
			if (!isalnum((unsigned char)p[k]) && p[k] != '.' &&
			    p[k] != '-' && p[k] != '_')
				return NULL;
		if (eq - p == 2 && strncmp(p, "CN", 2) == 0) {
			count++;
			cn = eq + 1;
			n = (size_t)(end - cn);
		}
	}
	if (*p != '\0' || p == c->subject)
		return NULL;
	if (count != 1) {
		*why = count == 0 ? "the subject has no CN" : "the subject has "
		    "several CNs, and in the server's one-line subject any of "
		    "them could be another value's text";
		return NULL;
	}
	if (c->common_name == NULL || strlen(c->common_name) != n ||
	    memcmp(c->common_name, cn, n) != 0) {
		*why = "the server's Common-Name differs from the CN of its "
		    "subject, so a value holds a separator or a character "
		    "the one-line form escapes";
		return NULL;
	}
	return c->common_name;
}

/*
 * A certificate time as the server printed it: UTCTime YYMMDDhhmmssZ (YY
 * 50..99 is 19YY, RFC 5280) or GeneralizedTime YYYYMMDDhhmmssZ (from
 * 2050).  Strict, and without allocating: 0 when it is neither.
 */
static int
parse_cert_time(const char *s, time_t *out)
{
	int v[7], i, n, y, pos = 0, days;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	n = (int)strlen(s);
	if ((n != 13 && n != 15) || s[n - 1] != 'Z')
		return 0;
	for (i = 0; i < n - 1; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (n == 15) {
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
		    (s[2] - '0') * 10 + (s[3] - '0');
		pos = 4;
	} else {
		y = (s[0] - '0') * 10 + (s[1] - '0');
		y += y >= 50 ? 1900 : 2000;
		pos = 2;
	}
	for (i = 1; i < 6; i++, pos += 2)
		v[i] = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1] ||
	    v[3] > 23 || v[4] > 59 || v[5] > 59)
		return 0;
	days = v[2];
	if (v[1] == 2 && days == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	*out = (time_t)(pt_days_from_civil(y, v[1], days) * 86400 +
	    v[3] * 3600 + v[4] * 60 + v[5]);
	return 1;
}

/* 1 expired at `at`, 0 not, -1 an expiration it cannot read. */
static int
expired(const char *expiration, time_t at, time_t *not_after)
{
	if (expiration == NULL || !parse_cert_time(expiration, not_after))
		return -1;
	return at > *not_after;	/* valid through the notAfter second */
}

struct judgement {
	ptrust_result	*r;
	const ptrust_radius_cert *cert;
	const char	*subject;	/* of the leaf, for the reasons */
	char		 cn[256];
};

static int
add(struct judgement *j, ptrust_reason_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
add(struct judgement *j, ptrust_reason_code code, const char *fmt, ...)
{
	char msg[PT_ERRLEN], safe_msg[4 * PT_ERRLEN + 1], *safe_subject;
	va_list ap;
	int ok;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/*
	 * The names in it are the server's printing of what a phone sent:
	 * kept only as the one rule for printable text (text.h) allows.
	 */
	pt_text_escape_to(safe_msg, msg);
	if (j->subject == NULL)
		safe_subject = NULL;
	else if ((safe_subject = OPENSSL_malloc(4 * strlen(j->subject) + 1)) ==
	    NULL)
		return 0;
	else
		pt_text_escape_to(safe_subject, j->subject);
	ok = pt_result_add_reason_text(j->r, code, 0, safe_subject, safe_msg);
	OPENSSL_free(safe_subject);
	return ok;
}

/* The checks decide and explain share: expiry and identity. */
static int
check_leaf(struct judgement *j, const char *device, time_t at)
{
	char when[32];
	time_t not_after = 0;
	const char *cn, *why = NULL;
	int e;

	e = expired(j->cert->expiration, at, &not_after);
	if (e == -1 && !add(j, PTRUST_REASON_MALFORMED, "the expiration "
	    "\"%s\" the server gave is not a certificate time",
	    j->cert->expiration != NULL ? j->cert->expiration : "(none)"))
		return 0;
	if (e == 1) {
		pt_format_time(not_after, when, sizeof(when));
		j->r->valid_until = not_after;
		if (!add(j, PTRUST_REASON_EXPIRED, "the certificate has "
		    "expired (notAfter %s)", when))
			return 0;
		j->r->reasons[j->r->n_reasons - 1].at = not_after;
	}
	if (device == NULL)
		return 1;
	if ((cn = subject_cn(j->cert, &why)) == NULL) {
		if (!add(j, PTRUST_REASON_IDENTITY_MISMATCH, "the certificate "
		    "names no device, so not %s: %s", device, why))
			return 0;
	} else if (!pt_cn_names_device(cn, strlen(cn), device) &&
	    !add(j, PTRUST_REASON_IDENTITY_MISMATCH, "the certificate does "
	    "not name device %s: a phone must present its own certificate",
	    device))
		return 0;
	return 1;
}

static ptrust_status
start(const ptrust_store *store, const ptrust_radius_cert *cert,
    const char *device, ptrust_cluster_purpose purpose, time_t *at,
    ptrust_result **result, struct judgement *j)
{
	if (*at == 0)
		*at = time(NULL);
	if (result != NULL)
		*result = NULL;
	if (store == NULL || cert == NULL || result == NULL ||
	    ptrust_cluster_purpose_name(purpose) == NULL ||
	    (device != NULL && !pt_device_valid(device)))
		return PTRUST_ERR_ARG;
	memset(j, 0, sizeof(*j));
	j->cert = cert;
	j->subject = cert->subject;
	if ((j->r = pt_calloc(1, sizeof(*j->r))) == NULL)
		return PTRUST_ERR_NOMEM;
	j->r->store = ptrust_store_ref((ptrust_store *)store);
	j->r->alert = PTRUST_ALERT_NONE;
	if (device != NULL &&
	    (j->r->device = OPENSSL_strdup(device)) == NULL) {
		ptrust_result_free(j->r);
		return PTRUST_ERR_NOMEM;
	}
	return PTRUST_OK;
}

/*
 * Diagnose as for the certificate the phone presented: an LSC or a MIC by
 * the anchor, or when there is none by what the issuer's name suggests
 * (which only picks the wording of the fix, never the kind).
 */
/* The judging path's verdict on what the server described (judge.c). */
static ptrust_status
finish(struct judgement *j, struct pt_described *d, int ok,
    ptrust_result **result)
{
	d->basic_constraints = j->cert->basic_constraints;
	d->is_ca = d->basic_constraints != NULL &&
	    strstr(d->basic_constraints, "CA:TRUE") != NULL;
	d->subject = j->subject;
	d->issuer = j->cert->issuer;
	d->issuer_cn = cn_of(j->cert->issuer, j->cn, sizeof(j->cn));
	if (!ok || !pt_judge_described(j->r, d)) {
		ptrust_result_free(j->r);
		return PTRUST_ERR_NOMEM;
	}
	*result = j->r;
	return PTRUST_OK;
}

ptrust_status
ptrust_radius_decide(const ptrust_store *store, const ptrust_radius_cert *cert,
    const char *device, ptrust_cluster_purpose purpose, time_t at,
    ptrust_result **result)
{
	struct judgement j;
	struct pt_described d;
	unsigned char id[MAX_KEY_ID];
	size_t len = 0;
	ptrust_status st;
	int ok = 1;

	if ((st = start(store, cert, device, purpose, &at, result, &j)) !=
	    PTRUST_OK)
		return st;
	memset(&d, 0, sizeof(d));
	d.purpose = purpose;
	/* called once the server's TLS layer has accepted the chain */
	d.tls_accepted = 1;
	d.by_key = 1;
	if (parse_key_id(cert->authority_key_id, id, &len))
		d.anchor = anchor_by_key_id(store, id, len, cert->issuer);
	if (d.anchor == NULL)
		ok = add(&j, PTRUST_REASON_UNKNOWN_CA, "the issuer %s is no "
		    "anchor of %s (matched by authority key identifier and "
		    "name%s): add the CA that issued it to the store and "
		    "export the server's CA file again",
		    cert->issuer != NULL ? cert->issuer : "(not given)",
		    store->name, cert->authority_key_id == NULL ?
		    "; the server gave no authority key identifier" : "");
	ok = ok && check_leaf(&j, device, at);
	return finish(&j, &d, ok, result);
}

ptrust_status
ptrust_radius_explain(const ptrust_store *store,
    const ptrust_radius_cert *cert, const char *device,
    ptrust_cluster_purpose purpose, time_t at, ptrust_result **result)
{
	struct judgement j;
	struct pt_described d;
	ptrust_status st;
	int ok = 1;

	if ((st = start(store, cert, device, purpose, &at, result, &j)) !=
	    PTRUST_OK)
		return st;
	memset(&d, 0, sizeof(d));
	d.purpose = purpose;
	/*
	 * Only names arrive with a refusal: enough to explain, never to
	 * trust (tls_accepted stays 0).
	 */
	d.anchor = anchor_by_subject(store, cert->issuer);
	if (d.anchor == NULL)
		ok = add(&j, PTRUST_REASON_UNKNOWN_CA, "the issuer %s is no "
		    "anchor of %s", cert->issuer != NULL ? cert->issuer :
		    "(not given)", store->name);
	ok = ok && check_leaf(&j, device, at);
	if (ok && j.r->n_reasons == 0 && !(cert->basic_constraints != NULL &&
	    strstr(cert->basic_constraints, "CA:TRUE") != NULL))
		ok = add(&j, PTRUST_REASON_OTHER, "refused by the server's TLS "
		    "layer for a reason it did not pass on (see its log)");
	return finish(&j, &d, ok, result);
}

/*
 * Appends like snprintf: counts all, copies what fits (whole characters
 * only), and each character the rule for printable text (text.h) refuses,
 * or byte that is not UTF-8, as '?'.
 */
struct line {
	char	*buf;
	size_t	 size, len;
};

static void
put(struct line *l, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t n;

	for (; p != NULL && *p != '\0'; p += n) {
		if ((n = pt_utf8_char(p, &cp)) == 0 || pt_text_unsafe(cp)) {
			if (l->len + 1 < l->size)
				l->buf[l->len] = '?';
			l->len++;
			if (n == 0)
				n = 1;
			continue;
		}
		if (l->len + n < l->size)
			memcpy(l->buf + l->len, p, n);
		else if (l->len < l->size)
			l->size = l->len + 1;	/* no half character after */
		l->len += n;
	}
	if (l->size > 0)
		l->buf[l->len < l->size ? l->len : l->size - 1] = '\0';
}

int
ptrust_radius_log_line(const ptrust_result *r, char *buf, size_t size)
{
	struct line l = { buf, buf != NULL ? size : 0, 0 };
	const ptrust_anchor *a;
	const char *fix;
	size_t i;

	if (l.size > 0)
		buf[0] = '\0';
	if (r == NULL) {
		put(&l, "REFUSED (no result)");
		return (int)l.len;
	}
	put(&l, ptrust_result_trusted(r) ? "TRUSTED " : "REFUSED ");
	/* a refused certificate is of no kind: say what it presented */
	put(&l, ptrust_result_trusted(r) ?
	    ptrust_kind_name(ptrust_result_kind(r)) :
	    r->presented == PTRUST_PRESENTED_MIC ? "MIC" :
	    r->presented == PTRUST_PRESENTED_LSC ? "LSC" : "-");
	put(&l, " ");
	put(&l, r->device != NULL ? r->device : "-");
	if (ptrust_result_trusted(r)) {
		a = ptrust_result_anchor(r);
		put(&l, " via ");
		put(&l, a != NULL ? pt_store_anchor_origin(r->store, a) : "-");
		put(&l, "/");
		put(&l, a != NULL ? a->alias : "-");
		return (int)l.len;
	}
	put(&l, " (");
	put(&l, ptrust_diagnosis_name(ptrust_result_diagnosis(r)));
	put(&l, "):");
	for (i = 0; i < r->n_reasons; i++) {
		put(&l, i == 0 ? " " : "; ");
		put(&l, ptrust_reason_name(r->reasons[i].code));
		put(&l, ": ");
		put(&l, r->reasons[i].message);
	}
	if ((fix = ptrust_result_fix(r)) != NULL) {
		put(&l, "; fix: ");
		put(&l, fix);
	}
	return (int)l.len;
}
