/* The chain a phone presents, leaf first, parsed once into X509 objects. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "builder.h"

ptrust_chain *
ptrust_chain_new(void)
{
	ptrust_chain *c;

	if ((c = pt_calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->certs = sk_X509_new_null()) == NULL) {
		OPENSSL_free(c);
		return NULL;
	}
	return c;
}

void
ptrust_chain_free(ptrust_chain *c)
{
	if (c == NULL)
		return;
	sk_X509_pop_free(c->certs, X509_free);
	ptrust_store_unref(c->known);
	OPENSSL_free(c);
}

static X509 *
find_anchor_bytes(const void *store, const unsigned char *der, size_t len)
{
	return pt_store_share(store, der, len);
}

/* What the chain's parsers may take instead of decoding (NULL: none). */
static const struct pt_known *
chain_known(const ptrust_chain *c, struct pt_known *buf)
{
	if (c->known == NULL)
		return NULL;
	buf->find = find_anchor_bytes;
	buf->arg = c->known;
	return buf;
}

/*
 * A phone sends its intermediate, which the cluster usually holds as an
 * anchor: decoding a certificate is most of what a one-shot verification
 * costs (OpenSSL 3.0 sets up its key decoders for each one), so bytes
 * equal to an anchor's take the anchor's decoded certificate instead.
 * Equal bytes decode to equal certificates: no verdict can change.
 */
ptrust_status
ptrust_chain_share_anchors(ptrust_chain *c, ptrust_store *store)
{
	ptrust_store *old;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	old = c->known;
	c->known = ptrust_store_ref(store);	/* before: it may be old */
	ptrust_store_unref(old);
	return PTRUST_OK;
}

const char *
ptrust_chain_error(const ptrust_chain *c)
{
	return c != NULL ? c->err : "no chain";
}

size_t
ptrust_chain_count(const ptrust_chain *c)
{
	return c != NULL ? (size_t)sk_X509_num(c->certs) : 0;
}

/*
 * No phone's certificate comes near this size: bigger ones are refused
 * before OpenSSL spends time on them.  (How many certificates a chain may
 * hold is for ptrust_verify to judge: inspect reads whole bundles.)
 */
static ptrust_status
within_limits(ptrust_chain *c, X509 *x, int adding)
{
	int der;

	(void)adding;
	if (x != NULL && ((der = i2d_X509(x, NULL)) <= 0 ||
	    der > PT_MAX_CERT)) {
		pt_seterr(c->err, "certificate %d too large: more than %d "
		    "bytes", sk_X509_num(c->certs) + 1, PT_MAX_CERT);
		return PTRUST_ERR_PARSE;
	}
	return PTRUST_OK;
}

/* Moves every certificate of sk to the end of the chain, or none. */
static ptrust_status
append_all(ptrust_chain *c, STACK_OF(X509) *sk)
{
	ptrust_status st;
	int i, first = sk_X509_num(c->certs);

	if ((st = within_limits(c, NULL, sk_X509_num(sk))) != PTRUST_OK) {
		sk_X509_pop_free(sk, X509_free);
		return st;
	}
	for (i = 0; i < sk_X509_num(sk); i++) {
		if ((st = within_limits(c, sk_X509_value(sk, i), 0)) !=
		    PTRUST_OK) {
			while (sk_X509_num(c->certs) > first)
				sk_X509_pop(c->certs);
			sk_X509_pop_free(sk, X509_free);
			return st;
		}
		pt_x509_settle(sk_X509_value(sk, i));
		if (!sk_X509_push(c->certs, sk_X509_value(sk, i))) {
			while (sk_X509_num(c->certs) > first)
				sk_X509_pop(c->certs);
			sk_X509_pop_free(sk, X509_free);
			pt_seterr(c->err, "out of memory");
			return PTRUST_ERR_NOMEM;
		}
	}
	sk_X509_free(sk);	/* the chain owns the certificates now */
	return PTRUST_OK;
}

ptrust_status
ptrust_chain_add_pem(ptrust_chain *c, const void *data, size_t len)
{
	struct pt_known known;
	STACK_OF(X509) *sk;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (data == NULL) {
		pt_seterr(c->err, "no data");
		return PTRUST_ERR_ARG;
	}
	if ((sk = sk_X509_new_null()) == NULL) {
		pt_seterr(c->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	if (pt_parse_pem_certs(data, len, sk, c->err, "PEM input",
	    chain_known(c, &known)) < 0) {
		sk_X509_free(sk);
		return PTRUST_ERR_PARSE;
	}
	return append_all(c, sk);
}

/* libctx: where the certificate is decoded (NULL: the default context) */
ptrust_status
pt_chain_add_der_ex(ptrust_chain *c, const void *data, size_t len,
    OSSL_LIB_CTX *libctx)
{
	struct pt_known known;
	ptrust_status st;
	X509 *x;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (data == NULL) {
		pt_seterr(c->err, "no data");
		return PTRUST_ERR_ARG;
	}
	if ((st = within_limits(c, NULL, 1)) != PTRUST_OK)
		return st;
	if (len > PT_MAX_CERT) {
		pt_seterr(c->err, "certificate %d too large: more than %d "
		    "bytes", sk_X509_num(c->certs) + 1, PT_MAX_CERT);
		return PTRUST_ERR_PARSE;
	}
	if ((x = pt_known_find(chain_known(c, &known), data, len)) == NULL &&
	    (x = pt_parse_der_cert_ex(data, len, c->err, NULL,
	    sk_X509_num(c->certs) + 1, libctx)) == NULL)
		return PTRUST_ERR_PARSE;
	pt_x509_settle(x);	/* may be shared between threads (cache.c) */
	if (!sk_X509_push(c->certs, x)) {
		X509_free(x);
		pt_seterr(c->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	return PTRUST_OK;
}

ptrust_status
ptrust_chain_add_der(ptrust_chain *c, const void *data, size_t len)
{
	return pt_chain_add_der_ex(c, data, len, NULL);
}

ptrust_status
ptrust_chain_add_file(ptrust_chain *c, const char *path)
{
	struct pt_known known;
	STACK_OF(X509) *sk;
	unsigned char *data;
	size_t len;
	ptrust_status st;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (path == NULL) {
		pt_seterr(c->err, "no path");
		return PTRUST_ERR_ARG;
	}
	if ((st = pt_read_file(path, &data, &len, c->err)) != PTRUST_OK)
		return st;
	st = pt_parse_certs(data, len, path, &sk, c->err,
	    chain_known(c, &known));
	OPENSSL_free(data);
	if (st != PTRUST_OK)
		return st;
	return append_all(c, sk);
}

X509 *
ptrust_chain_get0_x509(const ptrust_chain *c, size_t i)
{
	if (c == NULL || i >= (size_t)sk_X509_num(c->certs))
		return NULL;
	return sk_X509_value(c->certs, (int)i);
}

ptrust_status
ptrust_chain_add_x509(ptrust_chain *c, X509 *cert)
{
	ptrust_status st;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (cert == NULL) {
		pt_seterr(c->err, "no certificate");
		return PTRUST_ERR_ARG;
	}
	if ((st = within_limits(c, cert, 1)) != PTRUST_OK)
		return st;
	if (!X509_up_ref(cert))
		return PTRUST_ERR_INTERNAL;
	pt_x509_settle(cert);	/* the caller's: other threads may use it */
	if (!sk_X509_push(c->certs, cert)) {
		X509_free(cert);
		pt_seterr(c->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	return PTRUST_OK;
}

ptrust_status
ptrust_chain_new_from_x509(X509 *leaf, STACK_OF(X509) *rest,
    ptrust_chain **out)
{
	ptrust_chain *c;
	ptrust_status st;
	int i;

	if (out == NULL)
		return PTRUST_ERR_ARG;
	*out = NULL;
	if (leaf == NULL)
		return PTRUST_ERR_ARG;
	if ((c = ptrust_chain_new()) == NULL)
		return PTRUST_ERR_NOMEM;
	st = ptrust_chain_add_x509(c, leaf);
	for (i = 0; st == PTRUST_OK && i < sk_X509_num(rest); i++) {
		X509 *x = sk_X509_value(rest, i);

		/* A TLS peer chain repeats the leaf first: skip that copy. */
		if (i == 0 && X509_cmp(x, leaf) == 0)
			continue;
		st = ptrust_chain_add_x509(c, x);
	}
	if (st != PTRUST_OK) {
		ptrust_chain_free(c);
		return st;
	}
	*out = c;
	return PTRUST_OK;
}
