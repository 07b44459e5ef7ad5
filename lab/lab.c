#include "config.h"

/* The lab PKI: see lab.h.  Aborts on failure: it only serves tests and demos. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "lab.h"

static void
die(const char *what)
{
	fprintf(stderr, "lab: %s failed\n", what);
	ERR_print_errors_fp(stderr);
	abort();
}

EVP_PKEY *
lab_key_rsa(int bits)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);

	if (k == NULL)
		die("RSA key generation");
	return k;
}

EVP_PKEY *
lab_key_ec(const char *curve)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);

	if (k == NULL)
		die("EC key generation");
	return k;
}

static void
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);

	if (ext == NULL || !X509_add_ext(x, ext, -1))
		die(value);
	X509_EXTENSION_free(ext);
}

static void
set_name(X509_NAME *n, const struct lab_spec *s)
{
	if (s->o != NULL)
		X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
		    (const unsigned char *)s->o, -1, -1, 0);
	if (s->st != NULL)
		X509_NAME_add_entry_by_txt(n, "ST", MBSTRING_UTF8,
		    (const unsigned char *)s->st, -1, -1, 0);
	if (s->l != NULL)
		X509_NAME_add_entry_by_txt(n, "L", MBSTRING_UTF8,
		    (const unsigned char *)s->l, -1, -1, 0);
	if (s->cn != NULL)
		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
		    (const unsigned char *)s->cn, -1, -1, 0);
}

X509 *
lab_issue(const struct lab_spec *s, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	X509V3_CTX ctx;
	ASN1_INTEGER *serial;
	unsigned char rnd[16];
	BIGNUM *bn;
	char bc[64];
	time_t nb = s->not_before ? s->not_before : LAB_T0 - LAB_DAY;
	time_t na = s->not_after ? s->not_after : LAB_T0 + 3650 * LAB_DAY;

	if (x == NULL || !X509_set_version(x, X509_VERSION_3))
		die("X509_new");
	RAND_bytes(rnd, sizeof(rnd));
	rnd[0] &= 0x7f;
	bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	serial = BN_to_ASN1_INTEGER(bn, NULL);
	X509_set_serialNumber(x, serial);
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	set_name(X509_get_subject_name(x), s);
	if (!X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : X509_get_subject_name(x)))
		die("issuer name");
	if (ASN1_TIME_set(X509_getm_notBefore(x), nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), na) == NULL)
		die("validity");
	if (!X509_set_pubkey(x, key))
		die("pubkey");
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (s->garbled_basic_constraints) {
		ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
		X509_EXTENSION *ext;

		/* an INTEGER where a SEQUENCE must be */
		ASN1_OCTET_STRING_set(val, (const unsigned char *)"\x02\x01\x05", 3);
		ext = X509_EXTENSION_create_by_NID(NULL, NID_basic_constraints,
		    1, val);
		if (ext == NULL || !X509_add_ext(x, ext, -1))
			die("garbled basicConstraints");
		X509_EXTENSION_free(ext);
		ASN1_OCTET_STRING_free(val);
	} else if (!s->no_basic_constraints) {
		if (s->ca && s->pathlen >= 0)
			snprintf(bc, sizeof(bc), "critical,CA:TRUE,pathlen:%d",
			    s->pathlen);
		else
			snprintf(bc, sizeof(bc), s->ca ? "critical,CA:TRUE" :
			    "critical,CA:FALSE");
		add_ext(x, &ctx, NID_basic_constraints, bc);
	}
	add_ext(x, &ctx, NID_key_usage, s->key_usage != NULL ? s->key_usage :
	    s->ca ? "critical,keyCertSign,cRLSign,digitalSignature" :
	    "critical,digitalSignature,keyEncipherment");
	if (s->eku != NULL)
		add_ext(x, &ctx, NID_ext_key_usage, s->eku);
	if (s->san != NULL)
		add_ext(x, &ctx, NID_subject_alt_name, s->san);
	if (s->duplicate_policies) {
		/* certificatePolicies { {1.3.6.1.4.1.55555.2.1}, {the same} } */
		static const unsigned char pol[] = { 0x30, 0x1c,
		    0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83,
		    0xb2, 0x03, 0x02, 0x01,
		    0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83,
		    0xb2, 0x03, 0x02, 0x01 };
		ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
		X509_EXTENSION *ext;

		ASN1_OCTET_STRING_set(val, pol, sizeof(pol));
		ext = X509_EXTENSION_create_by_NID(NULL,
		    NID_certificate_policies, 0, val);
		if (ext == NULL || !X509_add_ext(x, ext, -1))
			die("certificatePolicies");
		X509_EXTENSION_free(ext);
		ASN1_OCTET_STRING_free(val);
	}
	if (s->name_constraints != NULL)
		add_ext(x, &ctx, NID_name_constraints, s->name_constraints);
	if (s->proxy) {
		/* ProxyCertInfo { proxyPolicy { id-ppl-anyLanguage } } */
		static const unsigned char pci[] = { 0x30, 0x0c, 0x30, 0x0a,
		    0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x15, 0x00 };
		ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
		X509_EXTENSION *ext;

		ASN1_OCTET_STRING_set(val, pci, sizeof(pci));
		ext = X509_EXTENSION_create_by_NID(NULL, NID_proxyCertInfo, 1,
		    val);
		if (ext == NULL || !X509_add_ext(x, ext, -1))
			die("proxyCertInfo");
		X509_EXTENSION_free(ext);
		ASN1_OCTET_STRING_free(val);
	}
	add_ext(x, &ctx, NID_subject_key_identifier, "hash");
	if (issuer != NULL)
		add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
	if (s->unknown_critical_ext) {
		/* A private OID nobody understands, marked critical. */
		ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.55555.1.1", 1);
		ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
		X509_EXTENSION *ext;

		ASN1_OCTET_STRING_set(val, (const unsigned char *)"\x05\x00", 2);
		ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 1, val);
		if (ext == NULL || !X509_add_ext(x, ext, -1))
			die("critical extension");
		X509_EXTENSION_free(ext);
		ASN1_OBJECT_free(obj);
		ASN1_OCTET_STRING_free(val);
	}
	if (!X509_sign(x, issuer_key != NULL ? issuer_key : key,
	    s->md != NULL ? s->md : EVP_sha256()))
		die("X509_sign");
	if (s->corrupt_signature) {
		const ASN1_BIT_STRING *sig;
		unsigned char *der = NULL, *p;
		const unsigned char *q;
		int len;
		X509 *bad;

		/* Re-encode with one signature bit flipped. */
		X509_get0_signature(&sig, NULL, x);
		len = i2d_X509(x, &der);
		p = der + len - 1;	/* the signature ends the encoding */
		*p ^= 0x01;
		q = der;
		if ((bad = d2i_X509(NULL, &q, len)) == NULL)
			die("corrupt signature");
		OPENSSL_free(der);
		X509_free(x);
		x = bad;
	}
	return x;
}

X509_CRL *
lab_crl(X509 *issuer, EVP_PKEY *key, time_t last, time_t next,
    X509 **revoked, int n)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();
	int i;

	if (crl == NULL || t == NULL || !X509_CRL_set_version(crl, 1) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)))
		die("CRL");
	ASN1_TIME_set(t, last);
	X509_CRL_set1_lastUpdate(crl, t);
	ASN1_TIME_set(t, next);
	X509_CRL_set1_nextUpdate(crl, t);
	for (i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();

		ASN1_TIME_set(t, last);
		X509_REVOKED_set_serialNumber(r,
		    X509_get_serialNumber(revoked[i]));
		X509_REVOKED_set_revocationDate(r, t);
		X509_CRL_add0_revoked(crl, r);
	}
	ASN1_TIME_free(t);
	X509_CRL_sort(crl);
	if (!X509_CRL_sign(crl, key, EVP_sha256()))
		die("X509_CRL_sign");
	return crl;
}

static char *
bio_text(BIO *bio, size_t *len)
{
	BUF_MEM *mem;
	char *s;

	BIO_get_mem_ptr(bio, &mem);
	if ((s = malloc(mem->length + 1)) == NULL)
		die("malloc");
	memcpy(s, mem->data, mem->length);
	s[mem->length] = '\0';
	if (len != NULL)
		*len = mem->length;
	BIO_free(bio);
	return s;
}

char *
lab_pem(X509 *const *certs, int n, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int i;

	for (i = 0; i < n; i++)
		if (!PEM_write_bio_X509(bio, certs[i]))
			die("PEM_write_bio_X509");
	return bio_text(bio, len);
}

char *
lab_crl_pem(X509_CRL *crl, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());

	if (!PEM_write_bio_X509_CRL(bio, crl))
		die("PEM_write_bio_X509_CRL");
	return bio_text(bio, len);
}

unsigned char *
lab_der(X509 *cert, size_t *len)
{
	unsigned char *der = NULL, *copy;
	int n = i2d_X509(cert, &der);

	if (n <= 0 || (copy = malloc((size_t)n)) == NULL)
		die("i2d_X509");
	memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return copy;
}

int
lab_write_pem(const char *path, X509 *const *certs, int n)
{
	size_t len;
	char *pem = lab_pem(certs, n, &len);
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL) {
		free(pem);
		return -1;
	}
	ok = fwrite(pem, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	free(pem);
	return ok ? 0 : -1;
}

int
lab_write_key(const char *path, EVP_PKEY *key)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return -1;
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	ok = fclose(f) == 0 && ok;
	return ok ? 0 : -1;
}
