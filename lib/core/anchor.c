/*
 * Trust anchors: a certificate plus what an administrator needs to see of
 * it, computed once at import.  Immutable and reference counted, so
 * builders and snapshots share them without copying.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "cisco_names.h"
#include "key_type.h"

/* Cisco's public manufacturing CAs (SHA-256 of the DER), see data/cisco/. */
static const char *const cisco_manufacturing_sha256[] = {
	"f2a392571e33549ab43693ef5567fbe6078b982805710c26fef6d84ac6e84bdb",
	"65fab04aef298be3b942e60e1a9417b9c0c6a18ee045f2d1114d5567426583fb",
	"8db49f4b13eead89c5cca29ec03372591445865b7afde82c33760f1c947f3bfe",
	"95a0e58a998e802ac77ad529b9add8e5b40cf90af39a856db514a36346501ec5",
	"c74d4b4a14519dd065191d96845e8d4ec851436bc559c4a45e24ca5c7c01fcd3",
	"8327bc8c9d69947b3de3c27511537267f59c21b9fa7b613fafbccd53b7024000",
	"705eaafc3ff488030017d59832603eefad514171b583808675f45c190e6378f8",
	"cd85167b3935e27bcc3b0f5fa24c8457882d0bb994f88269a7f72829d957eae9",
};

/* One of Cisco's published manufacturing and root CAs, by fingerprint. */
int
pt_is_cisco_fingerprint(const char *sha256)
{
	size_t i;

	for (i = 0; i < sizeof(cisco_manufacturing_sha256) /
	    sizeof(cisco_manufacturing_sha256[0]); i++)
		if (strcmp(sha256, cisco_manufacturing_sha256[i]) == 0)
			return 1;
	return 0;
}

/*
 * A first guess at import, which the caller can override.  Names are only
 * used here, to label anchors; the kind of a phone certificate is always
 * decided by the anchor that verified its chain.  -1: out of memory.
 */
static int
infer_role(X509 *x509, const char *sha256)
{
	char *cn;
	int role = PTRUST_ROLE_OTHER;

	if (pt_is_cisco_fingerprint(sha256))
		return PTRUST_ROLE_MANUFACTURING;
	if (pt_subject_cn(x509, &cn) < 0)
		return -1;
	/*
	 * No name makes a manufacturing CA: anyone can put "CAP-RTP-002" in
	 * a subject, and Cisco publishes no fingerprint for those CAs.
	 */
	if (pt_is_capf_cn(cn))
		role = PTRUST_ROLE_CAPF;
	OPENSSL_free(cn);
	return role;
}

static void
key_info(X509 *x509, char *type, size_t typelen, int *bits)
{
	EVP_PKEY *pkey = X509_get0_pubkey(x509);

	snprintf(type, typelen, "%s", pt_key_type_name(pkey));
	*bits = pkey != NULL ? EVP_PKEY_get_bits(pkey) : 0;
}

ptrust_anchor *
pt_anchor_new(X509 *x509, const char *alias, ptrust_role role)
{
	ptrust_anchor *a;
	unsigned char *der = NULL;
	int len, ok = 0;

	if ((a = pt_calloc(1, sizeof(*a))) == NULL)
		return NULL;
	atomic_init(&a->refs, 1);
	if ((len = i2d_X509(x509, &der)) <= 0)
		goto err;
	a->der = der;
	a->der_len = (size_t)len;
	if (!pt_sha256_hex(a->der, a->der_len, a->sha256))
		goto err;
	if (!X509_up_ref(x509))
		goto err;
	pt_x509_settle(x509);	/* snapshots share it between threads */
	a->x509 = x509;
	if ((a->alias = OPENSSL_strdup(alias)) == NULL ||
	    (a->subject = pt_name_string(X509_get_subject_name(x509))) == NULL ||
	    (a->issuer = pt_name_string(X509_get_issuer_name(x509))) == NULL)
		goto err;
	/* A time OpenSSL cannot read stays 0; validation reports it. */
	pt_asn1_time_to_time_t(X509_get0_notBefore(x509), &a->not_before);
	pt_asn1_time_to_time_t(X509_get0_notAfter(x509), &a->not_after);
	key_info(x509, a->key_type, sizeof(a->key_type), &a->key_bits);
	/* The builder finds a subject by it; a failure is out of memory. */
	a->subject_hash = X509_NAME_hash_ex(X509_get_subject_name(x509), NULL,
	    NULL, &ok);
	if (!ok)
		goto err;
	if (role == PTRUST_ROLE_AUTO &&
	    (int)(role = infer_role(x509, a->sha256)) < 0)
		goto err;
	a->role = role;
	return a;
err:
	pt_anchor_unref(a);
	return NULL;
}

/*
 * The same certificate under another alias and/or role.  Everything else
 * is what pt_anchor_new computed for a, copied rather than computed again.
 */
ptrust_anchor *
pt_anchor_with(const ptrust_anchor *a, const char *alias, ptrust_role role)
{
	ptrust_anchor *c;

	if ((c = pt_calloc(1, sizeof(*c))) == NULL)
		return NULL;
	atomic_init(&c->refs, 1);
	if ((c->der = OPENSSL_memdup(a->der, a->der_len)) == NULL ||
	    (c->alias = OPENSSL_strdup(alias != NULL ? alias : a->alias)) ==
	    NULL || (c->subject = OPENSSL_strdup(a->subject)) == NULL ||
	    (c->issuer = OPENSSL_strdup(a->issuer)) == NULL ||
	    !X509_up_ref(a->x509)) {
		pt_anchor_unref(c);
		return NULL;
	}
	c->x509 = a->x509;
	c->der_len = a->der_len;
	memcpy(c->sha256, a->sha256, sizeof(c->sha256));
	c->not_before = a->not_before;
	c->not_after = a->not_after;
	memcpy(c->key_type, a->key_type, sizeof(c->key_type));
	c->key_bits = a->key_bits;
	c->subject_hash = a->subject_hash;
	c->role = role == PTRUST_ROLE_AUTO ? a->role : role;
	return c;
}

ptrust_anchor *
pt_anchor_ref(ptrust_anchor *a)
{
	if (a != NULL)
		atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
	return a;
}

void
pt_anchor_unref(ptrust_anchor *a)
{
	if (a == NULL ||
	    atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) != 1)
		return;
	X509_free(a->x509);
	OPENSSL_free(a->der);
	OPENSSL_free(a->alias);
	OPENSSL_free(a->subject);
	OPENSSL_free(a->issuer);
	OPENSSL_free(a);
}

int
pt_anchor_matches(const ptrust_anchor *a, const char *alias_or_sha256)
{
	char fp[65];

	if (strcmp(a->alias, alias_or_sha256) == 0)
		return 1;
	return pt_normalize_sha256(alias_or_sha256, fp) &&
	    strcmp(fp, a->sha256) == 0;
}

const char *
ptrust_anchor_alias(const ptrust_anchor *a)
{
	return a != NULL ? a->alias : NULL;
}

const char *
ptrust_anchor_sha256(const ptrust_anchor *a)
{
	return a != NULL ? a->sha256 : NULL;
}

const char *
ptrust_anchor_subject(const ptrust_anchor *a)
{
	return a != NULL ? a->subject : NULL;
}

const char *
ptrust_anchor_issuer(const ptrust_anchor *a)
{
	return a != NULL ? a->issuer : NULL;
}

time_t
ptrust_anchor_not_before(const ptrust_anchor *a)
{
	return a != NULL ? a->not_before : 0;
}

time_t
ptrust_anchor_not_after(const ptrust_anchor *a)
{
	return a != NULL ? a->not_after : 0;
}

const char *
ptrust_anchor_key_type(const ptrust_anchor *a)
{
	return a != NULL ? a->key_type : NULL;
}

int
ptrust_anchor_key_bits(const ptrust_anchor *a)
{
	return a != NULL ? a->key_bits : 0;
}

ptrust_role
ptrust_anchor_role(const ptrust_anchor *a)
{
	return a != NULL ? a->role : PTRUST_ROLE_OTHER;
}

const unsigned char *
ptrust_anchor_der(const ptrust_anchor *a, size_t *len)
{
	if (len != NULL)
		*len = a != NULL ? a->der_len : 0;
	return a != NULL ? a->der : NULL;
}

X509 *
ptrust_anchor_get0_x509(const ptrust_anchor *a)
{
	return a != NULL ? a->x509 : NULL;
}

/* CAPFs and outside CAs issue LSCs, manufacturing CAs MICs. */
ptrust_kind
pt_role_kind(ptrust_role role)
{
	switch (role) {
	case PTRUST_ROLE_CAPF:
	case PTRUST_ROLE_EXTERNAL_CA:
		return PTRUST_KIND_LSC;
	case PTRUST_ROLE_MANUFACTURING:
		return PTRUST_KIND_MIC;
	default:
		return PTRUST_KIND_UNKNOWN;
	}
}
