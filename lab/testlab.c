/*
 * The public test lab (<phonetrust-lab.h>): throwaway manufacturing PKIs
 * and CAPFs that issue MICs and LSCs, for the tests of programs that use
 * the library.  The certificates are made by the project's own lab
 * (lab/lab.c), so what the library's tests exercise is what users get.
 * Nothing here is secure.
 *
 * A library of its own, libphonetrust-lab, on top of libphonetrust's
 * public API: a server that loads libphonetrust loads no code that mints
 * certificates.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <phonetrust.h>
#include <phonetrust-openssl.h>
/* The public declarations get default visibility; everything else, the
 * lab underneath included, is hidden. */
#pragma GCC visibility push(default)
#include <phonetrust-lab.h>
#pragma GCC visibility pop

#include "lab.h"

/* X.520 ub-common-name: OpenSSL refuses a longer CN. */
#define LAB_MAX_CN	64
#define LAB_ROOT_SUFFIX	" Root"
#define LAB_DEFAULT_RSA	2048
#define LAB_DEFAULT_EC	256
/* The years ASN.1 time can hold: 0000-01-01 to 9999-12-31T23:59:59Z. */
#define LAB_TIME_MIN	((time_t)-62167219200LL)
#define LAB_TIME_MAX	((time_t)253402300799LL)

struct ptrust_lab_ca {
	int		 capf;		/* 1: a CAPF; 0: manufacturing */
	X509		*anchor;	/* the root, or the CAPF itself */
	X509		*issuer;	/* the intermediate, or the CAPF itself */
	EVP_PKEY	*issuer_key;
};

struct ptrust_lab_cert {
	EVP_PKEY	*key;
	X509		*leaf;
	X509		*intermediate;	/* a MIC's issuer; NULL for an LSC */
};

/* A ptrust_lab_spec checked and with its defaults filled in. */
struct plan {
	const char	*curve;		/* NULL: RSA */
	int		 bits;
	const EVP_MD	*md;
	time_t		 not_before, not_after;
};

/*
 * The constructors return NULL with errno EINVAL for a bad argument,
 * ENOMEM when building failed.  Every entry point brackets its work with
 * an OpenSSL error mark, so a failure in the lab leaves nothing on the
 * caller's error queue to be mistaken for a TLS error later.
 */
/* Zeroed memory from OpenSSL's allocator, as the rest of the lab's. */
static void *
zalloc(size_t size)
{
	return OPENSSL_zalloc(size);
}

/*
 * A CAPF name becomes the anchor's alias in a store: libphonetrust's rule
 * for aliases, ASCII letters and digits first, then those and ".", "_",
 * "-", never "..".
 */
static int
alias_valid(const char *name)
{
	size_t i, n;

	if (name == NULL || (n = strlen(name)) == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
	}
	return strstr(name, "..") == NULL;
}

static void *
fail(int error)
{
	errno = error;
	return NULL;
}

/*
 * Returns what err_unmark needs.  On an empty queue there is nothing of
 * the caller's to keep, and OpenSSL sets no mark there: clear it all.
 */
static int
err_mark(void)
{
	return ERR_peek_last_error() != 0 && ERR_set_mark();
}

/* Drops what the lab pushed since err_mark; errno survives. */
static void
err_unmark(int marked)
{
	int saved = errno;

	if (marked)
		ERR_pop_to_mark();
	else
		ERR_clear_error();
	errno = saved;
}

/* A file write's status: memory, or the file itself. */
static ptrust_status
write_status(int rc)
{
	if (rc == 0)
		return PTRUST_OK;
	return errno == ENOMEM ? PTRUST_ERR_NOMEM : PTRUST_ERR_IO;
}

/* Printable ASCII, 1..max characters. */
static int
name_valid(const char *name, size_t max)
{
	size_t i, n;

	if (name == NULL || (n = strlen(name)) == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 ||
		    (unsigned char)name[i] > 0x7e)
			return 0;
	return 1;
}

static int
time_valid(time_t t)
{
	return t >= LAB_TIME_MIN && t <= LAB_TIME_MAX;
}

/* Whether an RSA key of bytes can sign a DigestInfo with md (PKCS #1 v1.5). */
static int
rsa_can_sign(int bytes, const EVP_MD *md)
{
	/* 19 bytes of DigestInfo header at most, 11 of padding at least */
	return bytes >= EVP_MD_get_size(md) + 30;
}

static int
plan_key(const ptrust_lab_spec *spec, struct plan *p)
{
	const char *type = spec != NULL ? spec->key_type : NULL;
	int bits = spec != NULL ? spec->key_bits : 0;

	p->curve = NULL;
	if (type == NULL || strcasecmp(type, "RSA") == 0) {
		p->bits = bits != 0 ? bits : LAB_DEFAULT_RSA;
		return p->bits >= 512 && p->bits <= 4096;
	}
	if (strcasecmp(type, "EC") != 0)
		return 0;
	p->bits = bits != 0 ? bits : LAB_DEFAULT_EC;
	switch (p->bits) {
	case 256:	p->curve = "P-256"; return 1;
	case 384:	p->curve = "P-384"; return 1;
	case 521:	p->curve = "P-521"; return 1;
	default:	return 0;
	}
}

static const EVP_MD *
plan_digest(const char *name)
{
	if (name == NULL || strcasecmp(name, "SHA256") == 0)
		return EVP_sha256();
	if (strcasecmp(name, "SHA384") == 0)
		return EVP_sha384();
	if (strcasecmp(name, "SHA512") == 0)
		return EVP_sha512();
	if (strcasecmp(name, "SHA1") == 0)
		return EVP_sha1();
	return NULL;
}

/*
 * Validity: not_before defaults to one day before now and not_after to
 * ten years after it.  When only one is given and the default of the
 * other would come out on the wrong side of it, the default moves: one
 * day before a given not_after, ten years after a given not_before.  Two
 * given the wrong way round are a bad argument.
 */
static int
plan_validity(const ptrust_lab_spec *spec, time_t now, struct plan *p)
{
	time_t nb = spec != NULL ? spec->not_before : 0;
	time_t na = spec != NULL ? spec->not_after : 0;
	const time_t ten_years = 3650 * LAB_DAY;

	if (!time_valid(now) || (nb != 0 && !time_valid(nb)) ||
	    (na != 0 && !time_valid(na)))
		return 0;
	/* all within +-10000 years: no overflow below */
	if (nb == 0)
		nb = now - LAB_DAY;
	if (na == 0)
		na = now + ten_years;
	if (na < nb) {
		if (spec == NULL || (spec->not_before != 0 &&
		    spec->not_after != 0))
			return 0;
		if (spec->not_before == 0)
			nb = na - LAB_DAY;
		else
			na = nb + ten_years;
	}
	p->not_before = nb;
	p->not_after = na;
	return time_valid(nb) && time_valid(na);
}

static int
plan_spec(const ptrust_lab_spec *spec, time_t now, struct plan *p)
{
	if (!plan_key(spec, p) || !plan_validity(spec, now, p))
		return 0;
	if ((p->md = plan_digest(spec != NULL ? spec->digest : NULL)) == NULL)
		return 0;
	return 1;
}

static EVP_PKEY *
plan_new_key(const struct plan *p)
{
	return lab_key_public(p->curve, p->bits);
}

static void
lab_spec_init(struct lab_spec *s, const struct plan *p, const char *cn)
{
	memset(s, 0, sizeof(*s));
	s->cn = cn;
	s->pathlen = -1;
	s->not_before = p->not_before;
	s->not_after = p->not_after;
	s->exact_validity = 1;
	s->md = p->md;
}

static ptrust_lab_ca *
manufacturing_new(const char *name, time_t now, const ptrust_lab_spec *spec)
{
	static const char suffix[] = LAB_ROOT_SUFFIX;
	ptrust_lab_ca *ca = NULL;
	EVP_PKEY *root_key = NULL;
	struct lab_spec s;
	struct plan p;
	char *root_cn = NULL;
	size_t n;

	if (!name_valid(name, LAB_MAX_CN - (sizeof(suffix) - 1)) ||
	    !plan_spec(spec, now, &p))
		return fail(EINVAL);
	if (p.curve == NULL && !rsa_can_sign((p.bits + 7) / 8, p.md))
		return fail(EINVAL);
	if ((ca = zalloc(sizeof(*ca))) == NULL)
		goto err;
	n = strlen(name);
	if ((root_cn = OPENSSL_malloc(n + sizeof(suffix))) == NULL)
		goto err;
	memcpy(root_cn, name, n);
	memcpy(root_cn + n, suffix, sizeof(suffix));
	if ((root_key = plan_new_key(&p)) == NULL ||
	    (ca->issuer_key = plan_new_key(&p)) == NULL)
		goto err;
	lab_spec_init(&s, &p, root_cn);
	s.o = "Cisco";
	s.ca = 1;
	if ((ca->anchor = lab_issue(&s, root_key, NULL, NULL)) == NULL)
		goto err;
	s.cn = name;
	s.pathlen = 0;
	if ((ca->issuer = lab_issue(&s, ca->issuer_key, ca->anchor,
	    root_key)) == NULL)
		goto err;
	/* The root's key signs nothing more: MICs come from the intermediate. */
	EVP_PKEY_free(root_key);
	OPENSSL_free(root_cn);
	return ca;
err:
	EVP_PKEY_free(root_key);
	OPENSSL_free(root_cn);
	ptrust_lab_ca_free(ca);
	return fail(ENOMEM);
}

ptrust_lab_ca *
ptrust_lab_ca_new_manufacturing(const char *name, time_t now,
    const ptrust_lab_spec *spec)
{
	ptrust_lab_ca *ca;
	int marked;

	marked = err_mark();
	ca = manufacturing_new(name, now, spec);
	err_unmark(marked);
	return ca;
}

static ptrust_lab_ca *
capf_new(const char *name, time_t now, const ptrust_lab_spec *spec)
{
	ptrust_lab_ca *ca = NULL;
	struct lab_spec s;
	struct plan p;

	/* Any alias-like name: real clusters say CAPF-xxxxxxxx, tests may not. */
	if (!alias_valid(name) || strlen(name) > LAB_MAX_CN ||
	    !plan_spec(spec, now, &p))
		return fail(EINVAL);
	if (p.curve == NULL && !rsa_can_sign((p.bits + 7) / 8, p.md))
		return fail(EINVAL);
	if ((ca = zalloc(sizeof(*ca))) == NULL)
		goto err;
	ca->capf = 1;
	if ((ca->issuer_key = plan_new_key(&p)) == NULL)
		goto err;
	lab_spec_init(&s, &p, name);
	s.o = "Lab Cluster";
	s.l = "Lab";
	s.st = "Lab";
	s.ca = 1;
	s.pathlen = 0;
	/* what CUCM 14SU2 requires of a CAPF certificate */
	s.key_usage = "critical,digitalSignature,keyCertSign";
	if ((ca->issuer = lab_issue(&s, ca->issuer_key, NULL, NULL)) == NULL ||
	    !X509_up_ref(ca->issuer))
		goto err;
	ca->anchor = ca->issuer;
	return ca;
err:
	ptrust_lab_ca_free(ca);
	return fail(ENOMEM);
}

ptrust_lab_ca *
ptrust_lab_ca_new_capf(const char *name, time_t now,
    const ptrust_lab_spec *spec)
{
	ptrust_lab_ca *ca;
	int marked;

	marked = err_mark();
	ca = capf_new(name, now, spec);
	err_unmark(marked);
	return ca;
}

void
ptrust_lab_ca_free(ptrust_lab_ca *ca)
{
	if (ca == NULL)
		return;
	X509_free(ca->anchor);
	X509_free(ca->issuer);
	EVP_PKEY_free(ca->issuer_key);
	OPENSSL_free(ca);
}

/* "# role: ..." before the PEM, for people: the builder ignores it. */
static char *
anchor_text(const ptrust_lab_ca *ca, size_t *len)
{
	const char *role = ptrust_role_name(ca->capf ? PTRUST_ROLE_CAPF :
	    PTRUST_ROLE_MANUFACTURING);
	char *pem, *text;
	size_t pem_len, head_len;
	int n;

	if ((pem = lab_pem_openssl(&ca->anchor, 1, &pem_len)) == NULL)
		return NULL;
	if ((n = snprintf(NULL, 0, "# role: %s\n", role)) < 0) {
		OPENSSL_free(pem);
		return NULL;
	}
	head_len = (size_t)n;
	if ((text = OPENSSL_malloc(head_len + pem_len + 1)) == NULL) {
		OPENSSL_free(pem);
		return NULL;
	}
	snprintf(text, head_len + 1, "# role: %s\n", role);
	memcpy(text + head_len, pem, pem_len + 1);
	OPENSSL_free(pem);
	*len = head_len + pem_len;
	return text;
}

/* The ending of the *_pem calls: the status, and the length when asked. */
static ptrust_status
pem_result(const char *pem, size_t n, size_t *len)
{
	if (pem == NULL)
		return PTRUST_ERR_NOMEM;
	if (len != NULL)
		*len = n;
	return PTRUST_OK;
}

ptrust_status
ptrust_lab_ca_anchor_pem(const ptrust_lab_ca *ca, char **pem, size_t *len)
{
	size_t n = 0;
	int marked;

	if (pem != NULL)
		*pem = NULL;
	if (len != NULL)
		*len = 0;
	if (ca == NULL || pem == NULL)
		return PTRUST_ERR_ARG;
	marked = err_mark();
	*pem = anchor_text(ca, &n);
	err_unmark(marked);
	return pem_result(*pem, n, len);
}

ptrust_status
ptrust_lab_ca_write_anchor(const ptrust_lab_ca *ca, const char *path)
{
	ptrust_status st = PTRUST_ERR_NOMEM;
	char *text;
	size_t len;
	int marked;

	if (ca == NULL || path == NULL || *path == '\0')
		return PTRUST_ERR_ARG;
	marked = err_mark();
	if ((text = anchor_text(ca, &len)) != NULL)
		st = write_status(lab_write_file(path, text, len, 0644));
	OPENSSL_free(text);
	err_unmark(marked);
	return st;
}

ptrust_status
ptrust_lab_ca_add_to(const ptrust_lab_ca *ca, ptrust_builder *builder)
{
	ptrust_status st;
	int marked;

	if (ca == NULL || builder == NULL)
		return PTRUST_ERR_ARG;
	/* The role decides LSC or MIC at validation: never leave it to a guess. */
	marked = err_mark();
	st = ptrust_builder_add_x509(builder, ca->anchor, NULL,
	    ca->capf ? PTRUST_ROLE_CAPF : PTRUST_ROLE_MANUFACTURING);
	err_unmark(marked);
	return st;
}

static ptrust_lab_cert *
cert_new(ptrust_lab_ca *ca, const char *device, time_t now,
    const ptrust_lab_spec *spec)
{
	ptrust_lab_cert *cert = NULL;
	struct lab_spec s;
	struct plan p;

	if (ca == NULL || !name_valid(device, LAB_MAX_CN) ||
	    !plan_spec(spec, now, &p))
		return fail(EINVAL);
	/* The CA's key signs: a small RSA CA key cannot carry a big digest. */
	if (EVP_PKEY_is_a(ca->issuer_key, "RSA") &&
	    !rsa_can_sign(EVP_PKEY_get_size(ca->issuer_key), p.md))
		return fail(EINVAL);
	if ((cert = zalloc(sizeof(*cert))) == NULL ||
	    (cert->key = plan_new_key(&p)) == NULL)
		goto err;
	lab_spec_init(&s, &p, device);
	s.eku = "clientAuth,serverAuth";
	s.key_usage = p.curve != NULL ?
	    "critical,digitalSignature,keyAgreement" :
	    "critical,digitalSignature,keyEncipherment";
	if (!ca->capf) {
		s.o = "Cisco Systems Inc.";
		if (!X509_up_ref(ca->issuer))
			goto err;
		cert->intermediate = ca->issuer;
	}
	if ((cert->leaf = lab_issue(&s, cert->key, ca->issuer,
	    ca->issuer_key)) == NULL)
		goto err;
	return cert;
err:
	ptrust_lab_cert_free(cert);
	return fail(ENOMEM);
}

ptrust_lab_cert *
ptrust_lab_issue(ptrust_lab_ca *ca, const char *device, time_t now,
    const ptrust_lab_spec *spec)
{
	ptrust_lab_cert *cert;
	int marked;

	marked = err_mark();
	cert = cert_new(ca, device, now, spec);
	err_unmark(marked);
	return cert;
}

void
ptrust_lab_cert_free(ptrust_lab_cert *cert)
{
	if (cert == NULL)
		return;
	EVP_PKEY_free(cert->key);
	X509_free(cert->leaf);
	X509_free(cert->intermediate);
	OPENSSL_free(cert);
}

/* What the phone sends: the leaf, then a MIC's intermediate. */
static int
cert_chain_certs(const ptrust_lab_cert *cert, X509 *certs[2])
{
	certs[0] = cert->leaf;
	certs[1] = cert->intermediate;
	return cert->intermediate != NULL ? 2 : 1;
}

ptrust_status
ptrust_lab_cert_chain(const ptrust_lab_cert *cert, ptrust_chain **chain)
{
	X509 *certs[2];
	ptrust_chain *c;
	ptrust_status st;
	int i, n, marked;

	if (chain != NULL)
		*chain = NULL;
	if (cert == NULL || chain == NULL)
		return PTRUST_ERR_ARG;
	marked = err_mark();
	st = PTRUST_ERR_NOMEM;
	if ((c = ptrust_chain_new()) != NULL) {
		n = cert_chain_certs(cert, certs);
		for (i = 0, st = PTRUST_OK; i < n && st == PTRUST_OK; i++)
			st = ptrust_chain_add_x509(c, certs[i]);
		if (st == PTRUST_OK)
			*chain = c;
		else
			ptrust_chain_free(c);
	}
	err_unmark(marked);
	return st;
}

ptrust_status
ptrust_lab_cert_chain_pem(const ptrust_lab_cert *cert, char **pem,
    size_t *len)
{
	X509 *certs[2];
	size_t n = 0;
	int marked;

	if (pem != NULL)
		*pem = NULL;
	if (len != NULL)
		*len = 0;
	if (cert == NULL || pem == NULL)
		return PTRUST_ERR_ARG;
	marked = err_mark();
	*pem = lab_pem_openssl(certs, cert_chain_certs(cert, certs), &n);
	err_unmark(marked);
	return pem_result(*pem, n, len);
}

ptrust_status
ptrust_lab_cert_write_chain(const ptrust_lab_cert *cert, const char *path)
{
	X509 *certs[2];
	ptrust_status st = PTRUST_ERR_NOMEM;
	char *pem;
	size_t len;
	int marked;

	if (cert == NULL || path == NULL || *path == '\0')
		return PTRUST_ERR_ARG;
	marked = err_mark();
	if ((pem = lab_pem_openssl(certs, cert_chain_certs(cert, certs),
	    &len)) != NULL)
		st = write_status(lab_write_file(path, pem, len, 0644));
	OPENSSL_free(pem);
	err_unmark(marked);
	return st;
}

ptrust_status
ptrust_lab_cert_write_key(const ptrust_lab_cert *cert, const char *path)
{
	ptrust_status st;
	int marked;

	if (cert == NULL || path == NULL || *path == '\0')
		return PTRUST_ERR_ARG;
	marked = err_mark();
	st = write_status(lab_write_key(path, cert->key));
	err_unmark(marked);
	return st;
}

void
ptrust_lab_free_pem(char *pem)
{
	OPENSSL_free(pem);
}
