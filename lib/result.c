/* Accessors of a validation result.  Out-of-range indexes give NULL / 0. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
ptrust_result_free(ptrust_result *r)
{
	size_t i;

	if (r == NULL)
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

void
pt_subjects_free(struct pt_subjects *s)
{
	size_t i;

	if (s == NULL)
		return;
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

	if ((d = subjects_alloc(s->n, s->off[s->n])) == NULL)
		return NULL;
	memcpy(d->off, s->off, (s->n + 1) * sizeof(size_t));
	memcpy(d->der, s->der, s->off[s->n]);
	return d;
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

/* A deep copy, holding its own reference to the snapshot; NULL on OOM. */
ptrust_result *
pt_result_dup(const ptrust_result *r)
{
	ptrust_result *d;
	size_t i;

	if ((d = pt_calloc(1, sizeof(*d))) == NULL)
		return NULL;
	*d = *r;
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
