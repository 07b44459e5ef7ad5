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
