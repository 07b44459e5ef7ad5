/* Chain input (PEM, DER, files, X509) and validation options, error paths included. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "testutil.h"

static char *
write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	assert_non_null(path);
	sprintf(path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void
pem_bundle_in_order(void **state)
{
	const struct lab *l = test_lab();
	X509 *certs[] = { l->mic, l->mfg_ca };
	ptrust_store *s = test_store("cm", PTRUST_ROLE_AUTO, &l->mfg_root, 1);
	ptrust_options *o = test_options();
	ptrust_chain *c = ptrust_chain_new();
	ptrust_result *r = NULL;
	size_t len;
	char *pem = lab_pem(certs, 2, &len);

	(void)state;
	assert_int_equal(ptrust_chain_add_pem(c, pem, len), PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 2);
	assert_int_equal(ptrust_verify(s, c, o, &r), PTRUST_OK);
	assert_true(ptrust_result_trusted(r));
	assert_string_equal(ptrust_result_chain_subject(r, 0),
	    "CN=SEP001122334455,O=Cisco Systems Inc.");
	ptrust_result_free(r);
	free(pem);
	ptrust_chain_free(c);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

static void
pem_errors(void **state)
{
	const struct lab *l = test_lab();
	ptrust_chain *c = ptrust_chain_new();
	size_t len;
	char *pem = lab_pem(&l->lsc_a, 1, &len);
	char *bad;
	BIO *bio;
	BUF_MEM *mem;

	(void)state;
	/* garbage */
	assert_int_equal(ptrust_chain_add_pem(c, "hello", 5), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "no certificate"));
	/* truncated: the END line is gone */
	assert_int_equal(ptrust_chain_add_pem(c, pem, len - 30),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "line"));
	/* a corrupted base64 body */
	bad = strdup(pem);
	memset(bad + 40, '!', 8);
	assert_int_equal(ptrust_chain_add_pem(c, bad, len), PTRUST_ERR_PARSE);
	free(bad);
	/* the DER inside a CERTIFICATE block is not a certificate */
	bad = strdup("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n"
	    "-----END CERTIFICATE-----\n");
	assert_int_equal(ptrust_chain_add_pem(c, bad, strlen(bad)),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "certificate 1"));
	free(bad);
	/* only a private key */
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_true(PEM_write_bio_PrivateKey(bio, l->lsc_a_key, NULL, NULL, 0,
	    NULL, NULL));
	BIO_get_mem_ptr(bio, &mem);
	assert_int_equal(ptrust_chain_add_pem(c, mem->data, mem->length),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "only other PEM"));
	BIO_free(bio);
	/* text around the block is allowed (RFC 7468), binary bytes are not */
	bad = malloc(len + 64);
	memcpy(bad, "Subject: SEP001122334455\n", 25);
	memcpy(bad + 25, pem, len);
	memcpy(bad + 25 + len, "trailing words\n", 15);
	assert_int_equal(ptrust_chain_add_pem(c, bad, 25 + len + 15),
	    PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 1);
	ptrust_chain_free(c);
	assert_non_null(c = ptrust_chain_new());
	memcpy(bad + 25 + len, "\x01\x80\x00garbage", 10);
	assert_int_equal(ptrust_chain_add_pem(c, bad, 25 + len + 10),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "binary data"));
	free(bad);
	/* nothing was added by any failure */
	assert_int_equal(ptrust_chain_count(c), 0);
	/* the failures left the chain usable */
	assert_int_equal(ptrust_chain_add_pem(c, pem, len), PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 1);
	/* second good block after a bad one: all or nothing */
	bad = malloc(2 * len + 1);
	memcpy(bad, pem, len);
	memcpy(bad + len, pem, len);
	bad[2 * len] = '\0';
	memset(bad + len + 40, '!', 4);
	assert_int_equal(ptrust_chain_add_pem(c, bad, 2 * len),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "block 2"));
	assert_int_equal(ptrust_chain_count(c), 1);
	free(bad);
	assert_int_equal(ptrust_chain_add_pem(c, NULL, 0), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_chain_add_pem(NULL, pem, len), PTRUST_ERR_ARG);
	free(pem);
	ptrust_chain_free(c);
}

static void
der_input(void **state)
{
	const struct lab *l = test_lab();
	ptrust_chain *c = ptrust_chain_new();
	size_t len;
	unsigned char *der = lab_der(l->lsc_a, &len), *longer;

	(void)state;
	assert_int_equal(ptrust_chain_add_der(c, der, len), PTRUST_OK);
	assert_int_equal(ptrust_chain_add_der(c, der, 0), PTRUST_ERR_PARSE);
	assert_int_equal(ptrust_chain_add_der(c, der, len - 1),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "certificate 2"));
	longer = malloc(len + 3);
	memcpy(longer, der, len);
	memcpy(longer + len, "xyz", 3);
	assert_int_equal(ptrust_chain_add_der(c, longer, len + 3),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "3 trailing bytes"));
	assert_int_equal(ptrust_chain_add_der(c, NULL, 1), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_chain_add_der(NULL, der, len), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_chain_count(c), 1);
	free(longer);
	free(der);
	ptrust_chain_free(c);
}

static void
file_input(void **state)
{
	const struct lab *l = test_lab();
	X509 *certs[] = { l->mic, l->mfg_ca };
	char *dir = test_tmpdir();
	ptrust_chain *c = ptrust_chain_new();
	size_t len, dlen;
	char *pem = lab_pem(certs, 2, &len);
	unsigned char *der = lab_der(l->lsc_a, &dlen);
	char *pem_path = write_file(dir, "chain.pem", pem, len);
	char *der_path = write_file(dir, "leaf.der", der, dlen);
	char *empty_path = write_file(dir, "empty.pem", "", 0);
	char *junk_path = write_file(dir, "junk.bin", "\x30\x82\xff", 3);

	(void)state;
	assert_int_equal(ptrust_chain_add_file(c, pem_path), PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 2);
	assert_int_equal(ptrust_chain_add_file(c, der_path), PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 3);
	assert_int_equal(ptrust_chain_add_file(c, empty_path),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "empty.pem"));
	assert_int_equal(ptrust_chain_add_file(c, junk_path), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "junk.bin"));
	assert_int_equal(ptrust_chain_add_file(c, dir), PTRUST_ERR_IO);
	assert_non_null(strstr(ptrust_chain_error(c), "not a regular file"));
	assert_int_equal(ptrust_chain_add_file(c, "/nonexistent/x.pem"),
	    PTRUST_ERR_IO);
	assert_non_null(strstr(ptrust_chain_error(c), "No such file"));
	assert_int_equal(ptrust_chain_add_file(c, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_chain_add_file(NULL, pem_path), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_chain_count(c), 3);
	ptrust_chain_free(c);
	ptrust_chain_free(NULL);
	assert_int_equal(ptrust_chain_count(NULL), 0);
	assert_non_null(ptrust_chain_error(NULL));
	free(pem);
	free(der);
	free(pem_path);
	free(der_path);
	free(empty_path);
	free(junk_path);
	test_rmtree(dir);
	free(dir);
}

/*
 * Issue 14: a PKCS#12 file given as a chain said "not a DER certificate
 * (nested asn1 error)".  Every door of the library now names it and the
 * command that takes its certificates out.
 */
static void
pkcs12_input(void **state)
{
	const struct lab *l = test_lab();
	ptrust_chain *c = ptrust_chain_new();
	char *dir = test_tmpdir(), *path;
	unsigned char *der = NULL;
	PKCS12 *p12;
	int n;

	(void)state;
	p12 = PKCS12_create("secret", "phone", l->lsc_a_key, l->lsc_a, NULL,
	    0, 0, 1, 1, 0);
	assert_non_null(p12);
	assert_true((n = i2d_PKCS12(p12, &der)) > 0);
	assert_int_equal(ptrust_chain_add_der(c, der, (size_t)n),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "certificate 1 (DER): "
	    "a PKCS#12 file"));
	assert_non_null(strstr(ptrust_chain_error(c), "openssl pkcs12 -in "
	    "FILE -nokeys -out cert.pem"));
	assert_null(strstr(ptrust_chain_error(c), "asn1"));
	assert_int_equal(ERR_peek_error(), 0);
	path = write_file(dir, "phone.p12", der, (size_t)n);
	assert_int_equal(ptrust_chain_add_file(c, path), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "phone.p12: a PKCS#12 "
	    "file"));
	assert_int_equal(ptrust_chain_count(c), 0);
	/* cut short, it is no PKCS#12 any more: the plain message */
	assert_int_equal(ptrust_chain_add_der(c, der, (size_t)n - 1),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "not a DER "
	    "certificate"));
	ptrust_chain_free(c);
	PKCS12_free(p12);
	OPENSSL_free(der);
	free(path);
	test_rmtree(dir);
	free(dir);
}

static void
x509_input(void **state)
{
	const struct lab *l = test_lab();
	STACK_OF(X509) *peer = sk_X509_new_null();
	ptrust_chain *c = NULL;

	(void)state;
	/* A TLS peer chain repeats the leaf: it is not counted twice. */
	sk_X509_push(peer, l->mic);
	sk_X509_push(peer, l->mfg_ca);
	assert_int_equal(ptrust_chain_new_from_x509(l->mic, peer, &c),
	    PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 2);
	ptrust_chain_free(c);
	assert_int_equal(ptrust_chain_new_from_x509(l->mic, NULL, &c),
	    PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 1);
	ptrust_chain_free(c);
	assert_int_equal(ptrust_chain_new_from_x509(NULL, peer, &c),
	    PTRUST_ERR_ARG);
	assert_null(c);
	assert_int_equal(ptrust_chain_new_from_x509(l->mic, peer, NULL),
	    PTRUST_ERR_ARG);
	c = ptrust_chain_new();
	assert_int_equal(ptrust_chain_add_x509(c, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_chain_add_x509(NULL, l->mic), PTRUST_ERR_ARG);
	ptrust_chain_free(c);
	sk_X509_free(peer);
}

static void
options_setters(void **state)
{
	ptrust_options *o = ptrust_options_new();

	(void)state;
	assert_string_equal(ptrust_options_error(o), "");
	assert_int_equal(ptrust_options_set_time(o, 0), PTRUST_OK);
	assert_int_equal(ptrust_options_set_eku(o, 7), PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_options_error(o), "purpose"));
	assert_int_equal(ptrust_options_set_max_depth(o, -1), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_set_max_depth(o, 65), PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_options_error(o), "0..64"));
	assert_int_equal(ptrust_options_set_max_depth(o, 64), PTRUST_OK);
	assert_int_equal(ptrust_options_set_peer_name(o, ""), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_set_crl_check(o, 4), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_set_crl_check(o,
	    PTRUST_CRL_CHECK_SUPPLIED), PTRUST_OK);
	assert_int_equal(ptrust_options_set_security_level(o, 6),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_set_security_level(o, 0),
	    PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_options_error(o), "insecure"));
	assert_int_equal(ptrust_options_insecure_set_security_level(o, -1),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_insecure_set_security_level(o, 0),
	    PTRUST_OK);
	assert_int_equal(ptrust_options_set_security_level(o, 5), PTRUST_OK);
	assert_int_equal(ptrust_options_insecure_allow_sha1(o, 1), PTRUST_OK);
	/* every setter refuses a NULL object */
	assert_int_equal(ptrust_options_set_time(NULL, 0), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_set_eku(NULL, 0), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_set_max_depth(NULL, 1), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_set_peer_name(NULL, "a"),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_set_crl_check(NULL, 0), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_set_security_level(NULL, 2),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_insecure_set_security_level(NULL, 0),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_insecure_allow_sha1(NULL, 1), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_add_crl_mem(NULL, "x", 1),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_add_crl_file(NULL, "x"),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_add_crl_x509(NULL, NULL),
	    PTRUST_ERR_ARG);
	assert_non_null(ptrust_options_error(NULL));
	ptrust_options_free(o);
	ptrust_options_free(NULL);
}

static void
options_crl_inputs(void **state)
{
	const struct lab *l = test_lab();
	X509_CRL *crl = lab_crl(l->mfg_root, l->root_key, LAB_T0,
	    TEST_NOW + LAB_DAY, NULL, 0);
	ptrust_options *o = ptrust_options_new();
	char *dir = test_tmpdir();
	unsigned char *der = NULL;
	int dlen = i2d_X509_CRL(crl, &der);
	size_t len;
	char *pem = lab_crl_pem(crl, &len);
	char *der_path = write_file(dir, "root.crl", der, (size_t)dlen);
	char *junk_path = write_file(dir, "junk.crl", "junk", 4);
	unsigned char *longer = malloc((size_t)dlen + 1);

	(void)state;
	assert_int_equal(ptrust_options_add_crl_mem(o, pem, len), PTRUST_OK);
	assert_int_equal(ptrust_options_add_crl_mem(o, der, (size_t)dlen),
	    PTRUST_OK);
	assert_int_equal(ptrust_options_add_crl_file(o, der_path), PTRUST_OK);
	assert_int_equal(ptrust_options_add_crl_x509(o, crl), PTRUST_OK);
	assert_int_equal(ptrust_options_add_crl_mem(o, "junk", 4),
	    PTRUST_ERR_PARSE);
	assert_int_equal(ptrust_options_add_crl_mem(o, NULL, 4),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_add_crl_mem(o,
	    "-----BEGIN X509 CRL-----\n-----END X509 CRL-----\n", 48),
	    PTRUST_ERR_PARSE);
	memcpy(longer, der, (size_t)dlen);
	longer[dlen] = 0;
	assert_int_equal(ptrust_options_add_crl_mem(o, longer,
	    (size_t)dlen + 1), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_options_error(o), "trailing"));
	{
		/* a good CRL then a damaged one: refused, not half read */
		char *two = malloc(2 * len + 1);

		memcpy(two, pem, len);
		memcpy(two + len, pem, len);
		memset(two + len + 40, '!', 6);
		assert_int_equal(ptrust_options_add_crl_mem(o, two, 2 * len),
		    PTRUST_ERR_PARSE);
		assert_non_null(strstr(ptrust_options_error(o), "damaged"));
		free(two);
	}
	assert_int_equal(ptrust_options_add_crl_file(o, junk_path),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_options_error(o), "junk.crl"));
	assert_int_equal(ptrust_options_add_crl_file(o, "/nonexistent"),
	    PTRUST_ERR_IO);
	assert_int_equal(ptrust_options_add_crl_file(o, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_options_add_crl_x509(o, NULL), PTRUST_ERR_ARG);
	free(longer);
	free(pem);
	OPENSSL_free(der);
	free(der_path);
	free(junk_path);
	test_rmtree(dir);
	free(dir);
	X509_CRL_free(crl);
	ptrust_options_free(o);
}

/* A phone's bytes past the chain limits are refused, and nothing added. */
static void
chain_limits(void **state)
{
	const struct lab *l = test_lab();
	ptrust_chain *c = ptrust_chain_new();
	X509 *big = X509_dup(l->lsc_a);
	ASN1_OCTET_STRING *blob = ASN1_OCTET_STRING_new();
	ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.55555.1.9", 1);
	unsigned char *pad = calloc(1, 70 * 1024), *der = NULL;
	X509_EXTENSION *ext;
	char *pem;
	size_t len, one;
	int i, derlen;

	(void)state;
	assert_non_null(c);
	/* a chain of 101 certificates is held, and refused unread */
	pem = lab_pem(&l->mic, 1, &one);
	for (i = 0; i < 101; i++)
		assert_int_equal(ptrust_chain_add_pem(c, pem, one), PTRUST_OK);
	free(pem);
	{
		ptrust_store *s = test_store("callmanager-trust",
		    PTRUST_ROLE_AUTO, &l->mfg_root, 1);
		ptrust_options *o = test_options();
		ptrust_result *r = NULL;

		assert_int_equal(ptrust_verify(s, c, o, &r), PTRUST_OK);
		assert_false(ptrust_result_trusted(r));
		assert_int_equal(ptrust_result_reason_count(r), 1);
		assert_int_equal(ptrust_result_reason_code(r, 0),
		    PTRUST_REASON_CHAIN_TOO_LONG);
		ptrust_result_free(r);
		/* 100 is validated */
		ptrust_chain_free(c);
		c = ptrust_chain_new();
		pem = lab_pem(&l->mic, 1, &one);
		for (i = 0; i < 100; i++)
			assert_int_equal(ptrust_chain_add_pem(c, pem, one),
			    PTRUST_OK);
		free(pem);
		assert_int_equal(ptrust_verify(s, c, o, &r), PTRUST_OK);
		assert_false(test_has_reason(r, PTRUST_REASON_CHAIN_TOO_LONG,
		    -2));
		ptrust_result_free(r);
		ptrust_options_free(o);
		ptrust_store_unref(s);
	}
	ptrust_chain_free(c);
	/* a certificate over 64 KiB, whatever its form */
	assert_non_null(big);
	assert_non_null(blob);
	assert_non_null(pad);
	assert_true(ASN1_OCTET_STRING_set(blob, pad, 70 * 1024));
	assert_non_null(ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, blob));
	assert_true(X509_add_ext(big, ext, -1));
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(big, l->capf_a_key, EVP_sha256()) > 0);
	c = ptrust_chain_new();
	assert_int_equal(ptrust_chain_add_x509(c, big), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_chain_error(c), "too large"));
	pem = lab_pem(&big, 1, &len);
	assert_int_equal(ptrust_chain_add_pem(c, pem, len), PTRUST_ERR_PARSE);
	free(pem);
	derlen = i2d_X509(big, &der);
	assert_true(derlen > 64 * 1024);
	assert_int_equal(ptrust_chain_add_der(c, der, (size_t)derlen),
	    PTRUST_ERR_PARSE);
	OPENSSL_free(der);
	assert_int_equal(ptrust_chain_count(c), 0);
	ptrust_chain_free(c);
	X509_free(big);
	ASN1_OCTET_STRING_free(blob);
	ASN1_OBJECT_free(obj);
	free(pad);
}

/* The X509 of the store's anchor equal to x (by bytes), or NULL. */
static X509 *
anchor_object(const ptrust_store *s, X509 *x)
{
	size_t i;

	for (i = 0; i < ptrust_store_anchor_count(s); i++) {
		X509 *a = ptrust_anchor_get0_x509(ptrust_store_anchor(s, i));

		if (X509_cmp(a, x) == 0)
			return a;
	}
	return NULL;
}

/*
 * ptrust_chain_share_anchors: an intermediate the store holds is the
 * anchor's own object, in PEM, DER and files alike; bytes that differ in
 * any way are decoded as before; the verdict is the same either way; the
 * chain keeps the store alive.
 */
static void
share_anchors(void **state)
{
	const struct lab *l = test_lab();
	X509 *sent[] = { l->mic, l->mfg_ca }, *anchors[] = { l->mfg_root,
	    l->mfg_ca }, *ca, *root, *other;
	ptrust_store *s = test_store("cm", PTRUST_ROLE_AUTO, anchors, 2);
	ptrust_options *o = test_options();
	ptrust_chain *plain = ptrust_chain_new(), *c = ptrust_chain_new();
	ptrust_result *r1 = NULL, *r2 = NULL;
	unsigned char *der;
	char *pem, *dir = test_tmpdir(), *path;
	size_t len, dlen, i;

	(void)state;
	assert_non_null(ca = anchor_object(s, l->mfg_ca));
	assert_non_null(root = anchor_object(s, l->mfg_root));
	assert_int_equal(ptrust_chain_share_anchors(NULL, s), PTRUST_ERR_ARG);
	pem = lab_pem(sent, 2, &len);
	/* without sharing: a certificate of its own */
	assert_int_equal(ptrust_chain_add_pem(plain, pem, len), PTRUST_OK);
	assert_ptr_not_equal(ptrust_chain_get0_x509(plain, 1), ca);
	assert_int_equal(X509_cmp(ptrust_chain_get0_x509(plain, 1), ca), 0);
	/* with it: the anchor's object, the leaf decoded as ever */
	assert_int_equal(ptrust_chain_share_anchors(c, s), PTRUST_OK);
	assert_int_equal(ptrust_chain_add_pem(c, pem, len), PTRUST_OK);
	assert_ptr_equal(ptrust_chain_get0_x509(c, 1), ca);
	assert_null(anchor_object(s, ptrust_chain_get0_x509(c, 0)));
	assert_int_equal(X509_cmp(ptrust_chain_get0_x509(c, 0), l->mic), 0);
	/* the same verdict */
	assert_int_equal(ptrust_verify(s, plain, o, &r1), PTRUST_OK);
	assert_int_equal(ptrust_verify(s, c, o, &r2), PTRUST_OK);
	assert_true(ptrust_result_trusted(r1));
	assert_int_equal(ptrust_result_trusted(r2), 1);
	assert_int_equal(ptrust_result_kind(r1), ptrust_result_kind(r2));
	assert_int_equal(ptrust_result_chain_length(r1),
	    ptrust_result_chain_length(r2));
	for (i = 0; i < ptrust_result_chain_length(r1); i++)
		assert_string_equal(ptrust_result_chain_subject(r1, i),
		    ptrust_result_chain_subject(r2, i));
	ptrust_result_free(r1);
	ptrust_result_free(r2);
	free(pem);
	/* DER and files too */
	der = lab_der(l->mfg_root, &dlen);
	assert_int_equal(ptrust_chain_add_der(c, der, dlen), PTRUST_OK);
	assert_ptr_equal(ptrust_chain_get0_x509(c, 2), root);
	path = write_file(dir, "root.der", der, dlen);
	assert_int_equal(ptrust_chain_add_file(c, path), PTRUST_OK);
	assert_ptr_equal(ptrust_chain_get0_x509(c, 3), root);
	free(path);
	/* the same name and key, other bytes (serial): decoded, not shared */
	assert_non_null(other = X509_dup(l->mfg_ca));
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(other), 4242));
	assert_true(X509_sign(other, l->root_key, EVP_sha256()) > 0);
	pem = lab_pem(&other, 1, &len);
	assert_int_equal(ptrust_chain_add_pem(c, pem, len), PTRUST_OK);
	assert_ptr_not_equal(ptrust_chain_get0_x509(c, 4), ca);
	assert_int_equal(X509_cmp(ptrust_chain_get0_x509(c, 4), other), 0);
	free(pem);
	X509_free(other);
	/* the chain keeps the store: ours dropped, sharing goes on */
	ptrust_store_unref(s);
	assert_int_equal(ptrust_chain_add_der(c, der, dlen), PTRUST_OK);
	assert_ptr_equal(ptrust_chain_get0_x509(c, 5), root);
	/* NULL stops it */
	assert_int_equal(ptrust_chain_share_anchors(c, NULL), PTRUST_OK);
	assert_int_equal(ptrust_chain_add_der(c, der, dlen), PTRUST_OK);
	assert_ptr_not_equal(ptrust_chain_get0_x509(c, 6), root);
	assert_int_equal(ptrust_chain_count(c), 7);
	/* borrowing past the end */
	assert_null(ptrust_chain_get0_x509(c, 7));
	assert_null(ptrust_chain_get0_x509(NULL, 0));
	free(der);
	ptrust_chain_free(plain);
	ptrust_chain_free(c);
	ptrust_options_free(o);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pem_bundle_in_order),
		cmocka_unit_test(pem_errors),
		cmocka_unit_test(der_input),
		cmocka_unit_test(file_input),
		cmocka_unit_test(pkcs12_input),
		cmocka_unit_test(x509_input),
		cmocka_unit_test(options_setters),
		cmocka_unit_test(options_crl_inputs),
		cmocka_unit_test(chain_limits),
		cmocka_unit_test(share_anchors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	test_lab_free();
	return rc;
}
