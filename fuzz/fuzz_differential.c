/*
 * Differential: libphonetrust never trusts a chain that raw OpenSSL
 * refuses, apart from the errors the library waives on purpose.
 *
 * Input: as fuzz_chain (byte 0 bit 0: DER, else PEM; then leaf and
 * intermediates).  libphonetrust: ptrust_verify against the fixed lab
 * store with default options at FUZZ_TIME.  OpenSSL: X509_verify_cert with
 * X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN, the same time,
 * authentication level 2 (the library's default), purpose TLS client, the
 * store's anchors in an X509_STORE and the presented intermediates as
 * untrusted.  Its verify callback asks pt_strict_waiver (lib/core/verify.c)
 * about each error: a waived error goes on, any other is a refusal.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "fuzz_common.h"

static X509_STORE *raw_store;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct raw_errors {
	int	 n;
	char	 text[2048];
	size_t	 used;
};

static int raw_index = -1;

static void
note(struct raw_errors *e, const char *fmt, const char *a, int depth,
    const char *b)
{
	int l;

	if (e->used >= sizeof(e->text))
		return;
	l = snprintf(e->text + e->used, sizeof(e->text) - e->used, fmt, a,
	    depth, b);
	if (l > 0)
		e->used += (size_t)l;
}

static int
raw_cb(int ok, X509_STORE_CTX *ctx)
{
	struct raw_errors *e = X509_STORE_CTX_get_ex_data(ctx, raw_index);
	int err = X509_STORE_CTX_get_error(ctx);
	X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
	const char *why;
	char subject[256] = "(none)";

	if (ok)
		return 1;
	why = pt_strict_waiver(ctx);	/* lib/core/verify.c */
	if (cert != NULL)
		X509_NAME_oneline(X509_get_subject_name(cert), subject,
		    sizeof(subject));
	if (e == NULL)	/* a nested CRL context: judged strictly */
		return 0;
	if (why != NULL) {
		note(e, "  waived: %s at depth %d (%s)\n",
		    X509_verify_cert_error_string(err),
		    X509_STORE_CTX_get_error_depth(ctx), why);
		return 1;
	}
	e->n++;
	note(e, "  refused: %s at depth %d, %s\n",
	    X509_verify_cert_error_string(err),
	    X509_STORE_CTX_get_error_depth(ctx), subject);
	return 1;	/* go on: list every error */
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	fuzz_init();
	raw_index = X509_STORE_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if ((raw_store = X509_STORE_new()) == NULL || raw_index < 0)
		fuzz_fail("set-up of fuzz_differential");
	for (i = 0; i < ptrust_store_anchor_count(fuzz.store); i++) {
		size_t len;
		const unsigned char *der = ptrust_anchor_der(
		    ptrust_store_anchor(fuzz.store, i), &len);
		X509 *x = d2i_X509(NULL, &der, (long)len);

		if (x == NULL || !X509_STORE_add_cert(raw_store, x))
			fuzz_fail("anchor %zu into the X509_STORE", i);
		X509_free(x);
	}
	return 0;
}

/* A fresh decoding of the library's certificates, independent of its
 * cached state. */
static X509 *
redecode(X509 *x)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	X509 *y;
	int l;

	if ((l = i2d_X509(x, &der)) <= 0)
		return NULL;
	p = der;
	y = d2i_X509(NULL, &p, l);
	OPENSSL_free(der);
	return y;
}

/* 1 when raw OpenSSL accepts, 0 when it refuses; -1: could not run. */
static int
raw_verify(const ptrust_chain *c, struct raw_errors *e)
{
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *p;
	STACK_OF(X509) *untrusted = NULL;
	X509 *leaf = NULL, *x;
	int i, rv = -1, ok;

	memset(e, 0, sizeof(*e));
	if ((untrusted = sk_X509_new_null()) == NULL ||
	    (leaf = redecode(sk_X509_value(c->certs, 0))) == NULL)
		goto done;
	for (i = 1; i < sk_X509_num(c->certs); i++)
		if ((x = redecode(sk_X509_value(c->certs, i))) == NULL ||
		    !sk_X509_push(untrusted, x)) {
			X509_free(x);
			goto done;
		}
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, raw_store, leaf, untrusted))
		goto done;
	p = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_X509_STRICT |
	    X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_time(p, FUZZ_TIME);
	X509_VERIFY_PARAM_set_auth_level(p, PT_DEFAULT_LEVEL);
	if (!X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT) ||
	    !X509_STORE_CTX_set_ex_data(ctx, raw_index, e))
		goto done;
	X509_STORE_CTX_set_verify_cb(ctx, raw_cb);
	ok = X509_verify_cert(ctx);
	if (ok <= 0 && e->n == 0) {
		/* failed without the callback hearing of it */
		e->n++;
		note(e, "  refused: %s at depth %d%s\n",
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)),
		    X509_STORE_CTX_get_error_depth(ctx),
		    " (no callback)");
	}
	rv = ok > 0 && e->n == 0;
done:
	X509_STORE_CTX_free(ctx);
	X509_free(leaf);
	sk_X509_pop_free(untrusted, X509_free);
	ERR_clear_error();
	return rv;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *raw[FUZZ_MAX_CERTS];
	size_t raw_len[FUZZ_MAX_CERTS], n_raw;
	struct raw_errors e;
	ptrust_result *r = NULL;
	ptrust_chain *c;
	ptrust_status st;
	int all_ok, openssl;

	if (size < 1 || size > 65536)
		return 0;
	if ((c = fuzz_parse_chain(data, size, &all_ok, raw, raw_len,
	    &n_raw, NULL)) == NULL)
		return 0;
	if (ptrust_chain_count(c) == 0)
		goto done;
	st = ptrust_verify(fuzz.store, c, fuzz.options, &r);
	fuzz_check_result(fuzz.store, st, r, "verify");
	if (st != PTRUST_OK || !ptrust_result_trusted(r))
		goto done;
	openssl = raw_verify(c, &e);
	if (openssl == 0) {
		fuzz_print_result("libphonetrust", r);
		fprintf(stderr, "raw OpenSSL (X509_STRICT, PARTIAL_CHAIN, "
		    "level %d, sslclient):\n%s", PT_DEFAULT_LEVEL, e.text);
		fuzz_fail("libphonetrust trusts a chain raw OpenSSL refuses");
	}
done:
	ptrust_result_free(r);
	ptrust_chain_free(c);
	return 0;
}
