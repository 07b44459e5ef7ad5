/* Validation options: everything a validation reads besides store and chain. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "internal.h"

/* The documented defaults; ptrust_verify reads them for NULL options. */
const ptrust_options pt_options_defaults = {
	.purpose = PTRUST_EKU_TLS_CLIENT,
	.max_depth = PT_DEFAULT_DEPTH,
	.crl_check = -1,
	.security_level = PT_DEFAULT_LEVEL,
};

ptrust_options *
ptrust_options_new(void)
{
	ptrust_options *o;

	if ((o = pt_calloc(1, sizeof(*o))) == NULL)
		return NULL;
	*o = pt_options_defaults;
	return o;
}

void
ptrust_options_free(ptrust_options *o)
{
	if (o == NULL)
		return;
	sk_X509_CRL_pop_free(o->crls, X509_CRL_free);
	OPENSSL_free(o->peer_name);
	OPENSSL_free(o->device);
	OPENSSL_free(o);
}

/* A private copy (the TLS attachment keeps one); NULL when out of memory. */
ptrust_options *
pt_options_dup(const ptrust_options *o)
{
	ptrust_options *c;
	int i;

	if ((c = ptrust_options_new()) == NULL || o == NULL)
		return c;
	*c = *o;
	c->peer_name = c->device = NULL;
	c->crls = NULL;
	if ((o->peer_name != NULL &&
	    (c->peer_name = OPENSSL_strdup(o->peer_name)) == NULL) ||
	    (o->device != NULL &&
	    (c->device = OPENSSL_strdup(o->device)) == NULL))
		goto fail;
	for (i = 0; o->crls != NULL && i < sk_X509_CRL_num(o->crls); i++)
		if (ptrust_options_add_crl_x509(c, sk_X509_CRL_value(o->crls,
		    i)) != PTRUST_OK)
			goto fail;
	c->crl_check = o->crl_check;
	return c;
fail:
	ptrust_options_free(c);
	return NULL;
}

ptrust_status
ptrust_options_set_device(ptrust_options *o, const char *device)
{
	char *copy = NULL;

	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (device != NULL) {
		if (!pt_device_valid(device)) {
			pt_seterr(o->err, "not a valid device name");
			return PTRUST_ERR_ARG;
		}
		if ((copy = OPENSSL_strdup(device)) == NULL) {
			pt_seterr(o->err, "out of memory");
			return PTRUST_ERR_NOMEM;
		}
	}
	OPENSSL_free(o->device);
	o->device = copy;
	return PTRUST_OK;
}

const char *
ptrust_options_error(const ptrust_options *o)
{
	return o != NULL ? o->err : "no options";
}

ptrust_status
ptrust_options_set_time(ptrust_options *o, time_t at)
{
	if (o == NULL)
		return PTRUST_ERR_ARG;
	o->at = at;
	o->has_time = 1;
	return PTRUST_OK;
}

ptrust_status
ptrust_options_set_eku(ptrust_options *o, ptrust_eku purpose)
{
	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (purpose < PTRUST_EKU_TLS_CLIENT ||
	    purpose > PTRUST_EKU_ANY) {
		pt_seterr(o->err, "unknown purpose %d", (int)purpose);
		return PTRUST_ERR_ARG;
	}
	o->purpose = purpose;
	return PTRUST_OK;
}

ptrust_status
ptrust_options_set_max_depth(ptrust_options *o, int depth)
{
	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (depth < 0 || depth > 64) {
		pt_seterr(o->err, "maximum depth %d out of range 0..64", depth);
		return PTRUST_ERR_ARG;
	}
	o->max_depth = depth;
	return PTRUST_OK;
}

ptrust_status
ptrust_options_set_peer_name(ptrust_options *o, const char *name)
{
	char *copy = NULL;

	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (name != NULL) {
		if (name[0] == '\0' || strlen(name) > 253) {
			pt_seterr(o->err, "peer name must be 1..253 "
			    "characters");
			return PTRUST_ERR_ARG;
		}
		if ((copy = OPENSSL_strdup(name)) == NULL) {
			pt_seterr(o->err, "out of memory");
			return PTRUST_ERR_NOMEM;
		}
	}
	OPENSSL_free(o->peer_name);
	o->peer_name = copy;
	return PTRUST_OK;
}

ptrust_status
ptrust_options_add_crl_x509(ptrust_options *o, X509_CRL *crl)
{
	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (crl == NULL) {
		pt_seterr(o->err, "no CRL");
		return PTRUST_ERR_ARG;
	}
	if (o->crls == NULL && (o->crls = sk_X509_CRL_new_null()) == NULL)
		goto nomem;
	if (!X509_CRL_up_ref(crl))
		return PTRUST_ERR_INTERNAL;
	if (!sk_X509_CRL_push(o->crls, crl)) {
		X509_CRL_free(crl);
		goto nomem;
	}
	return PTRUST_OK;
nomem:
	pt_seterr(o->err, "out of memory");
	return PTRUST_ERR_NOMEM;
}

/* A CRL in PEM or DER; several PEM blocks are all added, or none. */
static ptrust_status
add_crl_data(ptrust_options *o, const unsigned char *data, size_t len,
    const char *what)
{
	STACK_OF(X509_CRL) *sk = NULL;
	ptrust_status st = PTRUST_OK;
	X509_CRL *crl;
	int i;

	if ((sk = sk_X509_CRL_new_null()) == NULL)
		goto nomem;
	if (pt_is_pem(data, len)) {
		BIO *bio;
		unsigned long e;

		if (len > INT_MAX ||
		    (bio = BIO_new_mem_buf(data, (int)len)) == NULL)
			goto nomem;
		while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) !=
		    NULL) {
			if (!sk_X509_CRL_push(sk, crl)) {
				X509_CRL_free(crl);
				BIO_free(bio);
				goto nomem;
			}
		}
		BIO_free(bio);
		/*
		 * Reading ends at "no more blocks" only: a damaged block must
		 * not silently drop the CRLs after it (a revoked phone would
		 * pass).
		 */
		e = ERR_peek_last_error();
		if (ERR_GET_LIB(e) != ERR_LIB_PEM ||
		    ERR_GET_REASON(e) != PEM_R_NO_START_LINE ||
		    sk_X509_CRL_num(sk) == 0) {
			pt_seterr_ssl(o->err, "%s: %s", what,
			    sk_X509_CRL_num(sk) == 0 ? "no CRL found" :
			    "a damaged CRL block follows the good ones");
			st = PTRUST_ERR_PARSE;
			goto done;
		}
		ERR_clear_error();
	} else {
		const unsigned char *p = data;

		if (len == 0 || len > LONG_MAX ||
		    (crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL) {
			pt_seterr_ssl(o->err, "%s: not a CRL in PEM or DER",
			    what);
			st = PTRUST_ERR_PARSE;
			goto done;
		}
		if (p != data + len) {
			X509_CRL_free(crl);
			pt_seterr(o->err, "%s: trailing bytes after the CRL",
			    what);
			st = PTRUST_ERR_PARSE;
			goto done;
		}
		if (!sk_X509_CRL_push(sk, crl)) {
			X509_CRL_free(crl);
			goto nomem;
		}
	}
	if (o->crls == NULL && (o->crls = sk_X509_CRL_new_null()) == NULL)
		goto nomem;
	if (!sk_X509_CRL_reserve(o->crls,
	    sk_X509_CRL_num(o->crls) + sk_X509_CRL_num(sk)))
		goto nomem;
	for (i = 0; i < sk_X509_CRL_num(sk); i++)
		sk_X509_CRL_push(o->crls, sk_X509_CRL_value(sk, i));
	sk_X509_CRL_free(sk);
	return PTRUST_OK;
nomem:
	pt_seterr(o->err, "out of memory");
	st = PTRUST_ERR_NOMEM;
done:
	sk_X509_CRL_pop_free(sk, X509_CRL_free);
	return st;
}

ptrust_status
ptrust_options_add_crl_mem(ptrust_options *o, const void *data, size_t len)
{
	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (data == NULL) {
		pt_seterr(o->err, "no data");
		return PTRUST_ERR_ARG;
	}
	return add_crl_data(o, data, len, "CRL input");
}

ptrust_status
ptrust_options_add_crl_file(ptrust_options *o, const char *path)
{
	unsigned char *data;
	size_t len;
	ptrust_status st;

	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (path == NULL) {
		pt_seterr(o->err, "no path");
		return PTRUST_ERR_ARG;
	}
	if ((st = pt_read_file(path, &data, &len, o->err)) != PTRUST_OK)
		return st;
	st = add_crl_data(o, data, len, path);
	OPENSSL_free(data);
	return st;
}

ptrust_status
ptrust_options_set_crl_check(ptrust_options *o, ptrust_crl_check mode)
{
	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (mode < PTRUST_CRL_CHECK_NONE || mode > PTRUST_CRL_CHECK_SUPPLIED) {
		pt_seterr(o->err, "unknown CRL check mode %d", (int)mode);
		return PTRUST_ERR_ARG;
	}
	o->crl_check = (int)mode;
	return PTRUST_OK;
}

ptrust_status
ptrust_options_set_security_level(ptrust_options *o, int level)
{
	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (level < PT_DEFAULT_LEVEL || level > 5) {
		pt_seterr(o->err, "security level %d out of range 2..5 (levels "
		    "0 and 1 need ptrust_options_insecure_set_security_level)",
		    level);
		return PTRUST_ERR_ARG;
	}
	o->security_level = level;
	return PTRUST_OK;
}

ptrust_status
ptrust_options_insecure_set_security_level(ptrust_options *o, int level)
{
	if (o == NULL)
		return PTRUST_ERR_ARG;
	if (level < 0 || level > 5) {
		pt_seterr(o->err, "security level %d out of range 0..5", level);
		return PTRUST_ERR_ARG;
	}
	o->security_level = level;
	return PTRUST_OK;
}

ptrust_status
ptrust_options_insecure_allow_sha1(ptrust_options *o, int allow)
{
	if (o == NULL)
		return PTRUST_ERR_ARG;
	o->allow_sha1 = allow != 0;
	return PTRUST_OK;
}
