/* Accessors of a validation result.  Out-of-range indexes give NULL / 0. */
#include "config.h"

#include <stdlib.h>

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
	for (i = 0; i < r->chain_len; i++)
		OPENSSL_free(r->chain_subjects[i]);
	OPENSSL_free(r->chain_subjects);
	OPENSSL_free(r->device);
	OPENSSL_free(r->fix);
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

size_t
ptrust_result_chain_length(const ptrust_result *r)
{
	return r != NULL ? r->chain_len : 0;
}

const char *
ptrust_result_chain_subject(const ptrust_result *r, size_t i)
{
	return r != NULL && i < r->chain_len ? r->chain_subjects[i] : NULL;
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
	d->chain_subjects = NULL;
	d->chain_len = 0;
	d->device = d->fix = NULL;
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
	if (r->chain_len > 0 && (d->chain_subjects = pt_calloc(r->chain_len,
	    sizeof(char *))) == NULL)
		goto fail;
	for (i = 0; i < r->chain_len; i++) {
		if ((d->chain_subjects[i] =
		    OPENSSL_strdup(r->chain_subjects[i])) == NULL)
			goto fail;
		d->chain_len++;
	}
	if ((r->device != NULL &&
	    (d->device = OPENSSL_strdup(r->device)) == NULL) ||
	    (r->fix != NULL && (d->fix = OPENSSL_strdup(r->fix)) == NULL))
		goto fail;
	return d;
fail:
	ptrust_result_free(d);
	return NULL;
}
