/* Accessors of a validation result.  Out-of-range indexes give NULL / 0. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static struct pt_subjects *subjects_keep(const ptrust_result *r);

/*
 * One reference less; the last frees.  A verdict the cache keeps is
 * shared by every caller it was served to (cache.c): each frees its own
 * reference, and the verdict lives until the last one, evicted or not.
 */
void
ptrust_result_free(ptrust_result *r)
{
	size_t i;

	if (r == NULL || atomic_fetch_sub_explicit(&r->refs, 1,
	    memory_order_acq_rel) > 0)
		return;
	for (i = 0; i < r->n_reasons; i++) {
		OPENSSL_free(r->reasons[i].subject);
		OPENSSL_free(r->reasons[i].message);
	}
	OPENSSL_free(r->reasons);
	pt_subjects_free(r->subjects);
	OPENSSL_free(r->device);
	OPENSSL_free(r->fix);
	OPENSSL_free(r->issuer);
	for (i = 0; i < r->n_notes; i++)
		OPENSSL_free(r->notes[i]);
	OPENSSL_free(r->notes);
	ptrust_store_unref(r->store);
	OPENSSL_free(r);
}

ptrust_result *
pt_result_ref(ptrust_result *r)
{
	if (r != NULL)
		atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
	return r;
}

/*
 * A verdict about to be shared: its own (refs 0), finished, never
 * changed again.  What was sized for the making goes: the message space
 * beyond its text (err is last, see internal.h), the reasons' spare
 * room, and the subjects take their compact form (the anchor's name read
 * from the anchor).  The result may move; whatever memory refuses stays
 * as it was, whole and valid.
 */
ptrust_result *
pt_result_keep(ptrust_result *r)
{
	size_t len = strnlen(r->err, PT_ERRLEN - 1) + 1;
	struct pt_subjects *kept;
	struct pt_reason *rs;
	ptrust_result *k;

	if (r->n_reasons > 0 && (rs = OPENSSL_realloc(r->reasons,
	    r->n_reasons * sizeof(*rs))) != NULL)
		r->reasons = rs;
	if (r->subjects != NULL && r->subjects->off != NULL &&
	    (kept = subjects_keep(r)) != NULL) {
		pt_subjects_free(r->subjects);
		r->subjects = kept;
	}
	r->err[len - 1] = '\0';
	if ((k = OPENSSL_realloc(r, offsetof(struct ptrust_result, err) +
	    len)) == NULL)
		return r;
	return k;
}

int
ptrust_result_trusted(const ptrust_result *r)
{
	return r != NULL && r->trusted == 1;
}

const char *
ptrust_result_error(const ptrust_result *r)
{
	return r != NULL ? r->err : "no result";
}

size_t
ptrust_result_reason_count(const ptrust_result *r)
{
	return r != NULL ? r->n_reasons : 0;
}

ptrust_reason_code
ptrust_result_reason_code(const ptrust_result *r, size_t i)
{
	return r != NULL && i < r->n_reasons ? r->reasons[i].code : 0;
}

int
ptrust_result_reason_depth(const ptrust_result *r, size_t i)
{
	return r != NULL && i < r->n_reasons ? r->reasons[i].depth : -1;
}

const char *
ptrust_result_reason_subject(const ptrust_result *r, size_t i)
{
	return r != NULL && i < r->n_reasons ? r->reasons[i].subject : NULL;
}

const char *
ptrust_result_reason_message(const ptrust_result *r, size_t i)
{
	return r != NULL && i < r->n_reasons ? r->reasons[i].message : NULL;
}

time_t
ptrust_result_reason_time(const ptrust_result *r, size_t i)
{
	return r != NULL && i < r->n_reasons ? r->reasons[i].at : 0;
}

ptrust_tls_alert
ptrust_result_tls_alert(const ptrust_result *r)
{
	return r != NULL ? r->alert : PTRUST_ALERT_INTERNAL_ERROR;
}

ptrust_kind
ptrust_result_kind(const ptrust_result *r)
{
	return r != NULL ? r->kind : PTRUST_KIND_UNKNOWN;
}

const ptrust_anchor *
ptrust_result_anchor(const ptrust_result *r)
{
	return r != NULL ? r->anchor : NULL;
}

const char *
ptrust_result_store_name(const ptrust_result *r)
{
	return r != NULL && r->store != NULL ? r->store->name : NULL;
}

const char *
ptrust_result_anchor_store(const ptrust_result *r)
{
	return r != NULL ? pt_store_anchor_origin(r->store, r->anchor) : NULL;
}

const char *
ptrust_result_issuer(const ptrust_result *r)
{
	return r != NULL && !r->trusted ? r->issuer : NULL;
}

size_t
ptrust_result_note_count(const ptrust_result *r)
{
	return r != NULL ? r->n_notes : 0;
}

const char *
ptrust_result_note(const ptrust_result *r, size_t i)
{
	return r != NULL && i < r->n_notes ? r->notes[i] : NULL;
}

int
pt_result_add_note(ptrust_result *r, const char *fmt, ...)
{
	char buf[PT_ERRLEN], **notes;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((notes = OPENSSL_realloc(r->notes,
	    (r->n_notes + 1) * sizeof(*notes))) == NULL)
		return 0;
	r->notes = notes;
	if ((notes[r->n_notes] = OPENSSL_strdup(buf)) == NULL)
		return 0;
	r->n_notes++;
	return 1;
}

size_t
ptrust_result_chain_length(const ptrust_result *r)
{
	return r != NULL ? r->chain_len : 0;
}

static struct pt_subjects *
subjects_alloc(size_t n, size_t der_len)
{
	struct pt_subjects *s;
	size_t head = sizeof(*s) + n * sizeof(s->text[0]);

	if (n > (SIZE_MAX - head - der_len) / sizeof(size_t) - 1 ||
	    (s = pt_calloc(1, head + (n + 1) * sizeof(size_t) + der_len)) ==
	    NULL)
		return NULL;
	s->n = n;
	s->off = (size_t *)((unsigned char *)s + head);
	s->der = (unsigned char *)(s->off + n + 1);
	return s;
}

/* Each name's DER as OpenSSL keeps it: the bytes the certificate holds. */
struct pt_subjects *
pt_subjects_new(STACK_OF(X509) *chain)
{
	struct pt_subjects *s;
	const unsigned char *der;
	size_t i, n = (size_t)sk_X509_num(chain), total = 0, len;

	for (i = 0; i < n; i++) {
		if (!X509_NAME_get0_der(X509_get_subject_name(
		    sk_X509_value(chain, (int)i)), &der, &len))
			return NULL;
		total += len;
	}
	if ((s = subjects_alloc(n, total)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!X509_NAME_get0_der(X509_get_subject_name(
		    sk_X509_value(chain, (int)i)), &der, &len) ||
		    len > total - s->off[i]) {
			OPENSSL_free(s);
			return NULL;
		}
		memcpy(s->der + s->off[i], der, len);
		s->off[i + 1] = s->off[i] + len;
	}
	return s;
}

/*
 * A kept verdict's subjects (pt_result_keep) take a compact form that
 * only this file reads (judge.c reads the subjects while judging, before
 * any verdict is kept): off NULL marks it.  der is one byte, 1 when the
 * last name is the anchor's, byte for byte, and read from the anchor
 * instead of kept; then each kept name as two bytes of length (big
 * endian) and its DER.  text[0] holds all the kept names formatted, made
 * on first use as one block: their char * in order, then the strings.
 */
static size_t
kept_size(const struct pt_subjects *s)
{
	const unsigned char *p = s->der + 1;
	size_t i, m = s->n - s->der[0];

	for (i = 0; i < m; i++)
		p += 2 + ((size_t)p[0] << 8 | p[1]);
	return (size_t)(p - s->der);
}

static struct pt_subjects *
kept_alloc(size_t n, size_t size)
{
	struct pt_subjects *k;

	if ((k = pt_calloc(1, sizeof(*k) + sizeof(k->text[0]) + size)) ==
	    NULL)
		return NULL;
	k->n = n;
	k->off = NULL;
	k->der = (unsigned char *)&k->text[1];
	return k;
}

/* r's subjects in the compact form; NULL when none can be made. */
static struct pt_subjects *
subjects_keep(const ptrust_result *r)
{
	const struct pt_subjects *s = r->subjects;
	const unsigned char *der;
	struct pt_subjects *k;
	unsigned char *p;
	size_t i, n = s->n, m, size = 1, len;
	int tail = 0;

	if (n > 0 && r->anchor != NULL && r->anchor->subject != NULL &&
	    X509_NAME_get0_der(X509_get_subject_name(r->anchor->x509), &der,
	    &len) && len == s->off[n] - s->off[n - 1] &&
	    memcmp(der, s->der + s->off[n - 1], len) == 0)
		tail = 1;
	m = n - (size_t)tail;
	for (i = 0; i < m; i++) {
		if ((len = s->off[i + 1] - s->off[i]) > 0xffff)
			return NULL;
		size += 2 + len;
	}
	if ((k = kept_alloc(n, size)) == NULL)
		return NULL;
	p = k->der;
	*p++ = (unsigned char)tail;
	for (i = 0; i < m; i++) {
		len = s->off[i + 1] - s->off[i];
		*p++ = (unsigned char)(len >> 8);
		*p++ = (unsigned char)len;
		memcpy(p, s->der + s->off[i], len);
		p += len;
	}
	return k;
}

void
pt_subjects_free(struct pt_subjects *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->off == NULL)
		OPENSSL_free(atomic_load_explicit(&s->text[0],
		    memory_order_acquire));
	else
		for (i = 0; i < s->n; i++)
			OPENSSL_free(atomic_load_explicit(&s->text[i],
			    memory_order_acquire));
	OPENSSL_free(s);
}

/* A copy of the names, not of any text formatted so far. */
static struct pt_subjects *
subjects_dup(const struct pt_subjects *s)
{
	struct pt_subjects *d;
	size_t size;

	if (s->off == NULL) {
		size = kept_size(s);
		if ((d = kept_alloc(s->n, size)) != NULL)
			memcpy(d->der, s->der, size);
		return d;
	}
	if ((d = subjects_alloc(s->n, s->off[s->n])) == NULL)
		return NULL;
	memcpy(d->off, s->off, (s->n + 1) * sizeof(size_t));
	memcpy(d->der, s->der, s->off[s->n]);
	return d;
}

/* One name given as DER, as text; NULL out of memory. */
static char *
name_text(const unsigned char *p, size_t len)
{
	X509_NAME *name;
	char *text;

	if ((name = d2i_X509_NAME(NULL, &p, (long)len)) == NULL)
		return NULL;
	text = pt_name_string(name);
	X509_NAME_free(name);
	return text;
}

/* Every kept name of the compact form as text, in one block. */
static char **
kept_texts(const struct pt_subjects *s)
{
	const unsigned char *p = s->der + 1;
	size_t i, m = s->n - s->der[0], total = m * sizeof(char *), len;
	char **one, **block = NULL, *at;

	if ((one = pt_calloc(m, sizeof(*one))) == NULL)
		return NULL;
	for (i = 0; i < m; i++) {
		len = (size_t)p[0] << 8 | p[1];
		if ((one[i] = name_text(p + 2, len)) == NULL)
			goto done;
		total += strlen(one[i]) + 1;
		p += 2 + len;
	}
	if ((block = OPENSSL_malloc(total)) == NULL)
		goto done;
	at = (char *)(block + m);
	for (i = 0; i < m; i++) {
		block[i] = at;
		len = strlen(one[i]) + 1;
		memcpy(at, one[i], len);
		at += len;
	}
done:
	for (i = 0; i < m; i++)
		OPENSSL_free(one[i]);
	OPENSSL_free(one);
	return block;
}

/* ptrust_result_chain_subject of a kept verdict's compact form. */
static const char *
kept_subject(const ptrust_result *r, struct pt_subjects *s, size_t i)
{
	char **block, *expected = NULL;

	if (s->der[0] && i == s->n - 1)
		return r->anchor->subject;
	if ((block = (char **)atomic_load_explicit(&s->text[0],
	    memory_order_acquire)) != NULL)
		return block[i];
	if ((block = kept_texts(s)) == NULL)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(&s->text[0], &expected,
	    (char *)block, memory_order_acq_rel, memory_order_acquire)) {
		OPENSSL_free(block);
		block = (char **)expected;
	}
	return block[i];
}

/*
 * Formatted on first use; a result may be read by several threads at
 * once, so the first text stored wins and the others are dropped.
 */
const char *
ptrust_result_chain_subject(const ptrust_result *r, size_t i)
{
	struct pt_subjects *s;
	const unsigned char *p;
	X509_NAME *name;
	char *text, *expected = NULL;

	if (r == NULL || i >= r->chain_len || (s = r->subjects) == NULL)
		return NULL;
	if (s->off == NULL)
		return kept_subject(r, s, i);
	if ((text = atomic_load_explicit(&s->text[i],
	    memory_order_acquire)) != NULL)
		return text;
	p = s->der + s->off[i];
	if ((name = d2i_X509_NAME(NULL, &p, (long)(s->off[i + 1] -
	    s->off[i]))) == NULL)
		return NULL;
	text = pt_name_string(name);
	X509_NAME_free(name);
	if (text == NULL)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(&s->text[i], &expected,
	    text, memory_order_acq_rel, memory_order_acquire)) {
		OPENSSL_free(text);
		text = expected;
	}
	return text;
}

/*
 * A deep copy of its own, with the whole room for a message, holding its
 * own reference to the snapshot; NULL on OOM.  Never a struct copy: a
 * kept verdict is shorter than sizeof(*r) (pt_result_keep).
 */
ptrust_result *
pt_result_dup(const ptrust_result *r)
{
	ptrust_result *d;
	size_t i;

	if ((d = pt_calloc(1, sizeof(*d))) == NULL)
		return NULL;
	memcpy(d, r, offsetof(struct ptrust_result, err));
	memcpy(d->err, r->err, strnlen(r->err, sizeof(d->err) - 1));
	atomic_init(&d->refs, 0);
	d->reasons = NULL;
	d->n_reasons = 0;
	d->subjects = NULL;
	d->chain_len = 0;
	d->device = d->fix = d->issuer = NULL;
	d->notes = NULL;
	d->n_notes = 0;
	d->store = r->store != NULL ? ptrust_store_ref(r->store) : NULL;
	if (r->n_reasons > 0 && (d->reasons = pt_calloc(r->n_reasons,
	    sizeof(*d->reasons))) == NULL)
		goto fail;
	for (i = 0; i < r->n_reasons; i++) {
		d->reasons[i] = r->reasons[i];
		d->reasons[i].subject = d->reasons[i].message = NULL;
		d->n_reasons++;
		if ((r->reasons[i].subject != NULL &&
		    (d->reasons[i].subject =
		    OPENSSL_strdup(r->reasons[i].subject)) == NULL) ||
		    (r->reasons[i].message != NULL &&
		    (d->reasons[i].message =
		    OPENSSL_strdup(r->reasons[i].message)) == NULL))
			goto fail;
	}
	if (r->subjects != NULL &&
	    (d->subjects = subjects_dup(r->subjects)) == NULL)
		goto fail;
	d->chain_len = r->chain_len;
	if ((r->device != NULL &&
	    (d->device = OPENSSL_strdup(r->device)) == NULL) ||
	    (r->fix != NULL && (d->fix = OPENSSL_strdup(r->fix)) == NULL) ||
	    (r->issuer != NULL &&
	    (d->issuer = OPENSSL_strdup(r->issuer)) == NULL))
		goto fail;
	for (i = 0; i < r->n_notes; i++)
		if (!pt_result_add_note(d, "%s", r->notes[i]))
			goto fail;
	return d;
fail:
	ptrust_result_free(d);
	return NULL;
}
