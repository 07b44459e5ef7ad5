#include "config.h"

/*
 * The lab PKI: see lab.h.  Every function reports failure (NULL or -1) and
 * frees what it made: the public test lab, libphonetrust-lab
 * (lab/testlab.c), is built on it, and a library must not abort its caller.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "lab.h"

/*
 * Keys: the checked-in ones (lab/keys/README) when PHONETRUST_LAB_KEYS
 * names their directory, else fresh ones.
 *
 * lab_key_rsa and lab_key_ec hand out the first half of a file's keys in
 * order, lab_key_public (the public lab, lab/testlab.c) the second half: a
 * test program that uses both has two copies of this file, its own and
 * libphonetrust-lab's, and still never gets one key twice.  Past the end
 * of its half a caller gets fresh keys.
 */
static const struct key_file {
	const char	*name;
	const char	*curve;		/* NULL: RSA */
	int		 bits;
	int		 count;		/* keys in the file */
} key_files[] = {
	{ "rsa-1024.pem", NULL, 1024, 64 },
	{ "rsa-2048.pem", NULL, 2048, 64 },
	{ "ec-p256.pem", "P-256", 256, 128 },
	{ "ec-p384.pem", "P-384", 384, 32 },
	{ "ec-p521.pem", "P-521", 521, 32 },
};
#define NKEY_FILES	(sizeof(key_files) / sizeof(key_files[0]))

/* Keys handed out so far, per file and half. */
static int keys_drawn[NKEY_FILES][2];
static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;

/* The PEM text of key n of the file, malloc'ed; NULL when it has fewer. */
static char *
key_text(const char *path, int n)
{
	static const char begin[] = "-----BEGIN PRIVATE KEY-----";
	static const char end[] = "-----END PRIVATE KEY-----";
	char line[128], *text = NULL, *t;
	size_t len = 0, add;
	int seen = 0, in = 0;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (!in && strncmp(line, begin, sizeof(begin) - 1) == 0 &&
		    seen++ == n)
			in = 1;
		if (!in)
			continue;
		add = strlen(line);
		if ((t = realloc(text, len + add + 1)) == NULL)
			break;
		text = t;
		memcpy(text + len, line, add + 1);
		len += add;
		if (strncmp(line, end, sizeof(end) - 1) == 0) {
			fclose(f);
			return text;
		}
	}
	fclose(f);
	free(text);
	return NULL;
}

/* Whether k is a key of the file's kind. */
static int
key_fits(EVP_PKEY *k, const struct key_file *kf)
{
	char group[64];

	if (EVP_PKEY_get_bits(k) != kf->bits || EVP_PKEY_get_size(k) <= 0)
		return 0;
	if (kf->curve == NULL)
		return EVP_PKEY_is_a(k, "RSA");
	return EVP_PKEY_is_a(k, "EC") &&
	    EVP_PKEY_get_group_name(k, group, sizeof(group), NULL) &&
	    OBJ_txt2nid(group) == EC_curve_nist2nid(kf->curve);
}

/*
 * One decoder per key type, made once and kept: making one costs a few
 * thousand allocations (OpenSSL considers every decoder it has), using it
 * a few hundred, what making a P-256 key costs (an allocation-failure
 * sweep fails each of them in turn).  It puts its key in key_decoded.
 * Under keys_lock.
 */
static OSSL_DECODER_CTX *key_decoders[2];	/* RSA, EC */
static EVP_PKEY *key_decoded;

static EVP_PKEY *
key_decode(const char *text, int ec)
{
	OSSL_DECODER_CTX **dctx = &key_decoders[ec];
	EVP_PKEY *key = NULL;
	BIO *bio = NULL;
	int marked;

	if (*dctx == NULL &&
	    (*dctx = OSSL_DECODER_CTX_new_for_pkey(&key_decoded, "PEM",
	    "PrivateKeyInfo", ec ? "EC" : "RSA", OSSL_KEYMGMT_SELECT_KEYPAIR,
	    NULL, NULL)) == NULL)
		return NULL;
	marked = ERR_peek_last_error() != 0 && ERR_set_mark();
	key_decoded = NULL;
	if ((bio = BIO_new_mem_buf(text, -1)) != NULL &&
	    OSSL_DECODER_from_bio(*dctx, bio) == 1) {
		key = key_decoded;
		key_decoded = NULL;
	}
	BIO_free(bio);
	if (key == NULL) {
		/* made short of memory, it may lack a decoder: make it again */
		OSSL_DECODER_CTX_free(*dctx);
		*dctx = NULL;
		EVP_PKEY_free(key_decoded);
		key_decoded = NULL;
		if (marked)
			ERR_clear_last_mark();
		return NULL;
	}
	/* nothing of the decoders' attempts left on the caller's queue */
	if (marked)
		ERR_pop_to_mark();
	else
		ERR_clear_error();
	return key;
}

/*
 * Key n of the file: 1 with *key set; 0 when there is none to read (no
 * directory named, no file, too few keys); -1 when it does not load (out
 * of memory, or a damaged file: then the caller fails, no fresh key hides
 * it).  Under keys_lock.
 */
static int
key_read(const struct key_file *kf, int n, EVP_PKEY **key)
{
	const char *dir = getenv("PHONETRUST_LAB_KEYS");
	char path[PATH_MAX], *text;

	*key = NULL;
	if (dir == NULL || *dir == '\0' ||
	    snprintf(path, sizeof(path), "%s/%s", dir, kf->name) >=
	    (int)sizeof(path) || (text = key_text(path, n)) == NULL)
		return 0;
	*key = key_decode(text, kf->curve != NULL);
	free(text);
	if (*key != NULL && !key_fits(*key, kf)) {
		EVP_PKEY_free(*key);
		*key = NULL;
	}
	return *key != NULL ? 1 : -1;
}

/* A key of the curve, or RSA of bits, from the given half of the set. */
static EVP_PKEY *
key_new(const char *curve, int bits, int half)
{
	EVP_PKEY *key = NULL;
	size_t i;
	int rc = 0, *drawn;

	for (i = 0; i < NKEY_FILES; i++)
		if (curve != NULL ? key_files[i].curve != NULL &&
		    strcmp(curve, key_files[i].curve) == 0 :
		    key_files[i].curve == NULL && bits == key_files[i].bits)
			break;
	if (i < NKEY_FILES) {
		drawn = &keys_drawn[i][half];
		pthread_mutex_lock(&keys_lock);
		/* a key that failed to load (memory) is tried again next time */
		if (*drawn < key_files[i].count / 2 &&
		    (rc = key_read(&key_files[i], half * key_files[i].count / 2 +
		    *drawn, &key)) == 1)
			(*drawn)++;
		pthread_mutex_unlock(&keys_lock);
		if (rc != 0)
			return key;
	}
	if (curve != NULL)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
}

EVP_PKEY *
lab_key_rsa(int bits)
{
	if (bits <= 0)
		return NULL;
	return key_new(NULL, bits, 0);
}

EVP_PKEY *
lab_key_ec(const char *curve)
{
	if (curve == NULL)
		return NULL;
	return key_new(curve, 0, 0);
}

EVP_PKEY *
lab_key_public(const char *curve, int bits)
{
	if (curve == NULL && bits <= 0)
		return NULL;
	return key_new(curve, bits, 1);
}

/* An extension from its configuration text.  1 on success. */
static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = ext != NULL && X509_add_ext(x, ext, -1);

	X509_EXTENSION_free(ext);
	return ok;
}

/* An extension from its DER value, for the encodings OpenSSL won't make. */
static int
add_raw_ext(X509 *x, const ASN1_OBJECT *obj, int critical,
    const unsigned char *der, int len)
{
	ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext = NULL;
	int ok = 0;

	if (val == NULL || !ASN1_OCTET_STRING_set(val, der, len))
		goto done;
	if ((ext = X509_EXTENSION_create_by_OBJ(NULL, obj, critical,
	    val)) == NULL)
		goto done;
	ok = X509_add_ext(x, ext, -1);
done:
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(val);
	return ok;
}

/*
 * The authority key identifier: the issuer's own, or for an issuer that
 * has none (an old CAPF certificate) the SHA-1 of its key, as RFC 5280
 * 4.2.1.2 suggests and CAs do.
 */
static int
add_aki(X509 *x, X509V3_CTX *ctx, const X509 *issuer)
{
	AUTHORITY_KEYID *akid = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	int ok = 0;

	if (X509_get_ext_by_NID(issuer, NID_subject_key_identifier, -1) >= 0)
		return add_ext(x, ctx, NID_authority_key_identifier,
		    "keyid:always");
	if ((akid = AUTHORITY_KEYID_new()) == NULL ||
	    (akid->keyid = ASN1_OCTET_STRING_new()) == NULL ||
	    !X509_pubkey_digest(issuer, EVP_sha1(), md, &mdlen) ||
	    !ASN1_OCTET_STRING_set(akid->keyid, md, (int)mdlen))
		goto done;
	ok = X509_add1_ext_i2d(x, NID_authority_key_identifier, akid, 0,
	    X509V3_ADD_DEFAULT) == 1;
done:
	AUTHORITY_KEYID_free(akid);
	return ok;
}

static int
add_name_entry(X509_NAME *n, const char *field, const char *value)
{
	if (value == NULL)
		return 1;
	return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
	    (const unsigned char *)value, -1, -1, 0);
}

static int
set_name(X509_NAME *n, const struct lab_spec *s)
{
	return add_name_entry(n, "O", s->o) &&
	    add_name_entry(n, "ST", s->st) &&
	    add_name_entry(n, "L", s->l) &&
	    add_name_entry(n, "CN", s->cn);
}

/* 127 random bits: positive, and unique for any lab's lifetime. */
static int
set_random_serial(X509 *x)
{
	unsigned char rnd[16];
	BIGNUM *bn = NULL;
	ASN1_INTEGER *serial = NULL;
	int ok = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return 0;
	rnd[0] &= 0x7f;
	if ((bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) == NULL ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		goto done;
	ok = X509_set_serialNumber(x, serial);
done:
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	return ok;
}

/*
 * Whether the decoded certificate's public key is whole.  When memory
 * runs out, OpenSSL 3.0 quietly keeps a certificate without its key (as
 * for an unknown key type), or with a key whose size it could not work
 * out, which then fails every security-level check.  For a key the lab
 * just made, either means an allocation failed.
 */
static int
pubkey_complete(X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);

	return k != NULL && EVP_PKEY_get_bits(k) > 0 &&
	    EVP_PKEY_get_security_bits(k) > 0 && EVP_PKEY_get_size(k) > 0;
}

/*
 * Signs x and returns the signed certificate as a new object (x itself
 * is left to the caller); corrupt: one bit of the signature flipped.
 *
 * X509_sign is not used: in OpenSSL 3.0, when an allocation fails while
 * it decodes the AlgorithmIdentifier the provider returned, it frees that
 * field although it lives inside the certificate, and freeing the
 * certificate then crashes.  Signing the TBSCertificate here and
 * assembling the DER makes the same certificate, and a failure leaves x
 * intact.
 */
static X509 *
sign_cert(X509 *x, EVP_PKEY *key, const EVP_MD *md, int corrupt)
{
	/* no setter for it: X509_sign writes the same field */
	X509_ALGOR *alg = (X509_ALGOR *)X509_get0_tbs_sigalg(x);
	EVP_MD_CTX *ctx = NULL;
	unsigned char *tbs = NULL, *algder = NULL, *sig = NULL, *der = NULL;
	unsigned char *p;
	const unsigned char *q;
	size_t maxlen = 0, siglen;
	int sigid, tbslen, alglen, bitlen, content, total;
	X509 *signed_x = NULL;

	if (!OBJ_find_sigid_by_algs(&sigid, EVP_MD_get_type(md),
	    EVP_PKEY_get_base_id(key)))
		return NULL;
	/* RSA PKCS #1 v1.5 carries a NULL parameter, ECDSA none (RFC 5758) */
	if (!X509_ALGOR_set0(alg, OBJ_nid2obj(sigid),
	    EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ? V_ASN1_NULL :
	    V_ASN1_UNDEF, NULL))
		return NULL;
	if ((tbslen = i2d_re_X509_tbs(x, &tbs)) <= 0 ||
	    (alglen = i2d_X509_ALGOR(alg, &algder)) <= 0)
		goto done;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, md, NULL, key) <= 0 ||
	    EVP_DigestSign(ctx, NULL, &maxlen, tbs, (size_t)tbslen) <= 0 ||
	    maxlen == 0 || maxlen > INT_MAX / 2 ||
	    (sig = OPENSSL_malloc(maxlen)) == NULL)
		goto done;
	siglen = maxlen;
	/*
	 * OpenSSL 3.0's ECDSA can report success with a length of (size_t)-1
	 * when encoding the signature runs out of memory: check it.
	 */
	if (EVP_DigestSign(ctx, sig, &siglen, tbs, (size_t)tbslen) <= 0 ||
	    siglen == 0 || siglen > maxlen)
		goto done;
	if (corrupt)
		sig[siglen - 1] ^= 0x01;
	/* Certificate ::= SEQUENCE { tbs, algorithm, BIT STRING signature } */
	bitlen = ASN1_object_size(0, (int)siglen + 1, V_ASN1_BIT_STRING);
	if (bitlen <= 0 || tbslen > INT_MAX / 4 || alglen > INT_MAX / 4)
		goto done;
	content = tbslen + alglen + bitlen;
	if ((total = ASN1_object_size(1, content, V_ASN1_SEQUENCE)) <= 0 ||
	    (der = OPENSSL_malloc((size_t)total)) == NULL)
		goto done;
	p = der;
	ASN1_put_object(&p, 1, content, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	memcpy(p, tbs, (size_t)tbslen);
	p += tbslen;
	memcpy(p, algder, (size_t)alglen);
	p += alglen;
	ASN1_put_object(&p, 0, (int)siglen + 1, V_ASN1_BIT_STRING,
	    V_ASN1_UNIVERSAL);
	*p++ = 0x00;		/* no unused bits */
	memcpy(p, sig, siglen);
	q = der;
	signed_x = d2i_X509(NULL, &q, total);
	/*
	 * Check the signature too: after a failed allocation, OpenSSL 3.0's
	 * RSA blinding can be left inconsistent, and the key's next
	 * signatures come out wrong while reporting success.
	 */
	if (signed_x != NULL && (!pubkey_complete(signed_x) ||
	    (!corrupt && X509_verify(signed_x, key) != 1))) {
		X509_free(signed_x);
		signed_x = NULL;
	}
done:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(tbs);
	OPENSSL_free(algder);
	OPENSSL_free(sig);
	OPENSSL_free(der);
	return signed_x;
}

static int
add_extensions(X509 *x, X509V3_CTX *ctx, const struct lab_spec *s,
    const X509 *issuer)
{
	char bc[64];

	if (s->garbled_basic_constraints) {
		/* an INTEGER where a SEQUENCE must be */
		if (!add_raw_ext(x, OBJ_nid2obj(NID_basic_constraints), 1,
		    (const unsigned char *)"\x02\x01\x05", 3))
			return 0;
	} else if (!s->no_basic_constraints) {
		const char *crit = s->bc_not_critical ? "" : "critical,";

		if (s->ca && s->pathlen >= 0)
			snprintf(bc, sizeof(bc), "%sCA:TRUE,pathlen:%d",
			    crit, s->pathlen);
		else
			snprintf(bc, sizeof(bc), "%s%s", crit,
			    s->ca ? "CA:TRUE" : "CA:FALSE");
		if (!add_ext(x, ctx, NID_basic_constraints, bc))
			return 0;
	}
	if (!s->no_key_usage && !add_ext(x, ctx, NID_key_usage,
	    s->key_usage != NULL ?
	    s->key_usage : s->ca ?
	    "critical,keyCertSign,cRLSign,digitalSignature" :
	    "critical,digitalSignature,keyEncipherment"))
		return 0;
	if (s->eku != NULL && !add_ext(x, ctx, NID_ext_key_usage, s->eku))
		return 0;
	if (s->san != NULL && !add_ext(x, ctx, NID_subject_alt_name, s->san))
		return 0;
	if (s->duplicate_policies) {
		/* certificatePolicies { {1.3.6.1.4.1.55555.2.1}, {the same} } */
		static const unsigned char pol[] = { 0x30, 0x1c,
		    0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83,
		    0xb2, 0x03, 0x02, 0x01,
		    0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83,
		    0xb2, 0x03, 0x02, 0x01 };

		if (!add_raw_ext(x, OBJ_nid2obj(NID_certificate_policies), 0,
		    pol, sizeof(pol)))
			return 0;
	}
	if (s->name_constraints != NULL &&
	    !add_ext(x, ctx, NID_name_constraints, s->name_constraints))
		return 0;
	if (s->proxy) {
		/* ProxyCertInfo { proxyPolicy { id-ppl-anyLanguage } } */
		static const unsigned char pci[] = { 0x30, 0x0c, 0x30, 0x0a,
		    0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x15, 0x00 };

		if (!add_raw_ext(x, OBJ_nid2obj(NID_proxyCertInfo), 1, pci,
		    sizeof(pci)))
			return 0;
	}
	if (!s->no_key_ids &&
	    !add_ext(x, ctx, NID_subject_key_identifier, "hash"))
		return 0;
	if (issuer != NULL && !s->no_key_ids && !add_aki(x, ctx, issuer))
		return 0;
	if (s->unknown_critical_ext) {
		/* A private OID nobody understands, marked critical. */
		ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.55555.1.1", 1);
		int ok = obj != NULL && add_raw_ext(x, obj, 1,
		    (const unsigned char *)"\x05\x00", 2);

		ASN1_OBJECT_free(obj);
		if (!ok)
			return 0;
	}
	return 1;
}

X509 *
lab_issue(const struct lab_spec *s, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *issuer_key)
{
	X509 *x = NULL, *signed_x;
	X509V3_CTX ctx;
	time_t nb, na;

	if (s == NULL || key == NULL || (issuer != NULL) != (issuer_key != NULL))
		return NULL;
	nb = s->not_before != 0 || s->exact_validity ? s->not_before :
	    LAB_T0 - LAB_DAY;
	na = s->not_after != 0 || s->exact_validity ? s->not_after :
	    LAB_T0 + 3650 * LAB_DAY;
	if ((x = X509_new()) == NULL || !X509_set_version(x, X509_VERSION_3) ||
	    !set_random_serial(x) || !set_name(X509_get_subject_name(x), s))
		goto err;
	if (!X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : X509_get_subject_name(x)))
		goto err;
	if (ASN1_TIME_set(X509_getm_notBefore(x), nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), na) == NULL)
		goto err;
	if (!X509_set_pubkey(x, key))
		goto err;
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (!add_extensions(x, &ctx, s, issuer))
		goto err;
	if ((signed_x = sign_cert(x, issuer_key != NULL ? issuer_key : key,
	    s->md != NULL ? s->md : EVP_sha256(), s->corrupt_signature)) == NULL)
		goto err;
	X509_free(x);
	return signed_x;
err:
	X509_free(x);
	return NULL;
}

X509_CRL *
lab_crl(X509 *issuer, EVP_PKEY *key, time_t last, time_t next,
    X509 **revoked, int n)
{
	X509_CRL *crl = NULL;
	X509_REVOKED *r = NULL;
	ASN1_TIME *t = NULL;
	int i;

	if (issuer == NULL || key == NULL || n < 0 || (n > 0 && revoked == NULL))
		return NULL;
	if ((crl = X509_CRL_new()) == NULL || (t = ASN1_TIME_new()) == NULL ||
	    !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)))
		goto err;
	if (ASN1_TIME_set(t, last) == NULL || !X509_CRL_set1_lastUpdate(crl, t))
		goto err;
	if (ASN1_TIME_set(t, next) == NULL || !X509_CRL_set1_nextUpdate(crl, t))
		goto err;
	if (ASN1_TIME_set(t, last) == NULL)
		goto err;
	for (i = 0; i < n; i++) {
		if ((r = X509_REVOKED_new()) == NULL ||
		    !X509_REVOKED_set_serialNumber(r,
		    X509_get_serialNumber(revoked[i])) ||
		    !X509_REVOKED_set_revocationDate(r, t) ||
		    !X509_CRL_add0_revoked(crl, r))
			goto err;
		r = NULL;	/* the CRL owns it */
	}
	if (!X509_CRL_sort(crl) || !X509_CRL_sign(crl, key, EVP_sha256()))
		goto err;
	ASN1_TIME_free(t);
	return crl;
err:
	X509_REVOKED_free(r);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	return NULL;
}

/*
 * The content of a memory BIO as a NUL-terminated string from malloc
 * (openssl_alloc 0: the tests free it) or OPENSSL_malloc (openssl_alloc 1:
 * the library's allocator).
 * Frees the BIO in every case.
 */
static char *
bio_text(BIO *bio, size_t *len, int openssl_alloc)
{
	BUF_MEM *mem = NULL;
	char *s = NULL;

	if (bio == NULL)
		return NULL;
	BIO_get_mem_ptr(bio, &mem);
	if (mem == NULL)
		goto done;
	s = openssl_alloc ? OPENSSL_malloc(mem->length + 1) :
	    malloc(mem->length + 1);
	if (s == NULL)
		goto done;
	memcpy(s, mem->data, mem->length);
	s[mem->length] = '\0';
	if (len != NULL)
		*len = mem->length;
done:
	BIO_free(bio);
	return s;
}

/* A memory BIO holding the certificates in PEM; NULL on failure. */
static BIO *
pem_bio(X509 *const *certs, int n)
{
	BIO *bio;
	int i;

	if (n < 0 || (n > 0 && certs == NULL) ||
	    (bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (certs[i] == NULL || !PEM_write_bio_X509(bio, certs[i])) {
			BIO_free(bio);
			return NULL;
		}
	}
	return bio;
}

char *
lab_pem(X509 *const *certs, int n, size_t *len)
{
	return bio_text(pem_bio(certs, n), len, 0);
}

char *
lab_pem_openssl(X509 *const *certs, int n, size_t *len)
{
	return bio_text(pem_bio(certs, n), len, 1);
}

char *
lab_crl_pem(X509_CRL *crl, size_t *len)
{
	BIO *bio;

	if (crl == NULL || (bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (!PEM_write_bio_X509_CRL(bio, crl)) {
		BIO_free(bio);
		return NULL;
	}
	return bio_text(bio, len, 0);
}

unsigned char *
lab_der(X509 *cert, size_t *len)
{
	unsigned char *der = NULL, *copy;
	int n;

	if (cert == NULL || (n = i2d_X509(cert, &der)) <= 0)
		return NULL;
	if ((copy = malloc((size_t)n)) != NULL) {
		memcpy(copy, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	return copy;
}

/*
 * Writes data to a temporary file next to path, with exactly the given
 * mode whatever the umask, then renames it into place: a reader never sees
 * half a file, and a key is never readable by others, not even briefly.
 */
int
lab_write_file(const char *path, const void *data, size_t len, int mode)
{
	static const char suffix[] = ".XXXXXX";
	const unsigned char *p = data;
	size_t n, done = 0;
	ssize_t w;
	char *tmp;
	int fd, saved;

	if (path == NULL || (data == NULL && len > 0) || *path == '\0') {
		errno = EINVAL;
		return -1;
	}
	n = strlen(path);
	if ((tmp = OPENSSL_malloc(n + sizeof(suffix))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(tmp, path, n);
	memcpy(tmp + n, suffix, sizeof(suffix));
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)	/* mode 0600 */
		goto err;
	if (fchmod(fd, (mode_t)mode & 07777) != 0)
		goto err;
	while (done < len) {
		if ((w = write(fd, p + done, len - done)) < 0) {
			if (errno == EINTR)
				continue;
			goto err;
		}
		done += (size_t)w;
	}
	if (close(fd) != 0) {
		fd = -1;
		goto err;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto err;
	OPENSSL_free(tmp);
	return 0;
err:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	OPENSSL_free(tmp);
	errno = saved;
	return -1;
}

int
lab_write_pem(const char *path, X509 *const *certs, int n)
{
	size_t len;
	char *pem;
	int rc, saved;

	if ((pem = lab_pem_openssl(certs, n, &len)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	rc = lab_write_file(path, pem, len, 0644);
	saved = errno;
	OPENSSL_free(pem);
	errno = saved;
	return rc;
}

int
lab_write_key(const char *path, EVP_PKEY *key)
{
	BUF_MEM *mem = NULL;
	BIO *bio;
	int rc = -1, saved;

	if (key == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* secure memory BIO: the key text is cleansed when freed */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	errno = ENOMEM;
	if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
		BIO_get_mem_ptr(bio, &mem);
		if (mem != NULL)
			rc = lab_write_file(path, mem->data, mem->length, 0600);
	}
	saved = errno;
	BIO_free(bio);
	errno = saved;
	return rc;
}
