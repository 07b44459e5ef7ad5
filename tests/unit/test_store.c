/*
 * Store builder, snapshots and anchors: every public function of the
 * builder/store/anchor API, with its error paths.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "testutil.h"

/* ------------------------------------------------------------------ helpers */

#define assert_contains(hay, needle) do {				\
	const char *h_ = (hay), *n_ = (needle);				\
	if (h_ == NULL || strstr(h_, n_) == NULL)			\
		fail_msg("\"%s\" does not contain \"%s\"",		\
		    h_ != NULL ? h_ : "(null)", n_);			\
} while (0)

/* SHA-256 of the DER encoding, computed here, independent of the library. */
static void
fp_of(X509 *x, char out[65])
{
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n, i;

	n = i2d_X509(x, &der);
	assert_true(n > 0);
	assert_int_equal(EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(),
	    NULL), 1);
	assert_int_equal(mdlen, 32);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	OPENSSL_free(der);
}

/* "AB:CD:..." form of a fingerprint. */
static void
fp_colons_upper(const char *fp, char out[96])
{
	size_t i, o = 0;

	for (i = 0; i < 64; i += 2) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = (char)(fp[i] >= 'a' ? fp[i] - 'a' + 'A' : fp[i]);
		out[o++] = (char)(fp[i + 1] >= 'a' ? fp[i + 1] - 'a' + 'A' :
		    fp[i + 1]);
	}
	out[o] = '\0';
}

static X509 *
mk_cert(const char *cn, const char *o, time_t nb, time_t na, int ca,
    EVP_PKEY *key)
{
	struct lab_spec s;

	memset(&s, 0, sizeof(s));
	s.cn = cn;
	s.o = o;
	s.ca = ca;
	s.pathlen = -1;
	s.not_before = nb;
	s.not_after = na;
	return lab_issue(&s, key, NULL, NULL);
}

static char *
join(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	assert_non_null(p);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

/* dir/name in a static buffer, for one-off calls */
static const char *
join_tmp(const char *dir, const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static void
write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
write_in(const char *dir, const char *name, const void *data, size_t len)
{
	char *p = join(dir, name);

	write_bytes(p, data, len);
	free(p);
}

static void
write_str(const char *dir, const char *name, const char *text)
{
	write_in(dir, name, text, strlen(text));
}

static void
write_pem_in(const char *dir, const char *name, X509 *const *certs, int n)
{
	char *p = join(dir, name);

	assert_int_equal(lab_write_pem(p, certs, n), 0);
	free(p);
}

static void
write_der_in(const char *dir, const char *name, X509 *cert)
{
	size_t len;
	unsigned char *der = lab_der(cert, &len);

	write_in(dir, name, der, len);
	free(der);
}

/* Whole file, NUL-terminated; NULL when it cannot be read. */
static char *
read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static int
exists_in(const char *dir, const char *name)
{
	char *p = join(dir, name);
	struct stat st;
	int r = stat(p, &st) == 0;

	free(p);
	return r;
}

/* Entries of dir whose name starts with prefix. */
static int
count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 &&
		    strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Every entry of a directory with its bytes, sorted by name. */
#define SNAP_MAX 64
struct dirsnap {
	size_t		 n;
	char		*name[SNAP_MAX];
	char		*data[SNAP_MAX];
	size_t		 len[SNAP_MAX];
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
dirsnap_take(const char *dir, struct dirsnap *s)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t i;

	memset(s, 0, sizeof(*s));
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		assert_true(s->n < SNAP_MAX);
		s->name[s->n] = strdup(de->d_name);
		assert_non_null(s->name[s->n]);
		s->n++;
	}
	closedir(d);
	qsort(s->name, s->n, sizeof(s->name[0]), cmp_str);
	for (i = 0; i < s->n; i++) {
		char *p = join(dir, s->name[i]);

		s->data[i] = read_text(p, &s->len[i]);
		assert_non_null(s->data[i]);
		free(p);
	}
}

static void
dirsnap_free(struct dirsnap *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->name[i]);
		free(s->data[i]);
	}
	memset(s, 0, sizeof(*s));
}

static void
dirsnap_assert_equal(const struct dirsnap *a, const struct dirsnap *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_string_equal(a->name[i], b->name[i]);
		assert_int_equal(a->len[i], b->len[i]);
		assert_memory_equal(a->data[i], b->data[i], a->len[i]);
	}
}

static ptrust_builder *
new_builder(const char *name)
{
	ptrust_builder *b = ptrust_builder_new(name);

	assert_non_null(b);
	return b;
}

static void
add_x509_ok(ptrust_builder *b, X509 *x, const char *alias, ptrust_role role)
{
	ptrust_status st = ptrust_builder_add_x509(b, x, alias, role);

	if (st != PTRUST_OK)
		fail_msg("add_x509: %s: %s", ptrust_status_name(st),
		    ptrust_builder_error(b));
}

static void
add_pem_ok(ptrust_builder *b, X509 *const *certs, int n, const char *alias,
    ptrust_role role)
{
	size_t len;
	char *pem = lab_pem(certs, n, &len);
	ptrust_status st = ptrust_builder_add_mem(b, pem, len, alias, role);

	free(pem);
	if (st != PTRUST_OK)
		fail_msg("add_mem: %s: %s", ptrust_status_name(st),
		    ptrust_builder_error(b));
}

static const ptrust_anchor *
find_fp(const ptrust_builder *b, X509 *x)
{
	char fp[65];

	fp_of(x, fp);
	return ptrust_builder_find(b, fp);
}

/* The fingerprints of a builder, sorted, joined: for set comparisons. */
static char *
builder_summary(const ptrust_builder *b)
{
	size_t n = ptrust_builder_anchor_count(b), i, len = 1;
	char **lines = calloc(n + 1, sizeof(*lines)), *out;

	assert_non_null(lines);
	for (i = 0; i < n; i++) {
		const ptrust_anchor *a = ptrust_builder_anchor(b, i);

		assert_non_null(a);
		lines[i] = malloc(256);
		assert_non_null(lines[i]);
		snprintf(lines[i], 256, "%s %s %s\n", ptrust_anchor_sha256(a),
		    ptrust_anchor_alias(a),
		    ptrust_role_name(ptrust_anchor_role(a)));
		len += strlen(lines[i]);
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	out = malloc(len);
	assert_non_null(out);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(out, lines[i]);
		free(lines[i]);
	}
	free(lines);
	return out;
}

static void
assert_change(const ptrust_builder *b, size_t i, ptrust_change_kind kind,
    const char *alias, const char *other)
{
	const char *a = NULL, *o = NULL;

	assert_true(i < ptrust_builder_change_count(b));
	assert_int_equal(ptrust_builder_change(b, i, &a, &o), kind);
	if (alias != NULL)
		assert_string_equal(a, alias);
	else
		assert_non_null(a);
	if (other != NULL)
		assert_string_equal(o, other);
	else
		assert_null(o);
}

/* ---------------------------------------------------------- builder_new */

static void
builder_new_names(void **state)
{
	static const char *const good[] = {
		"callmanager-trust", "capf-trust", "manufacturing-ca", "a",
		"radius_trust.v2", "9x",
	};
	static const char *const bad[] = {
		"", "../x", "a/b", ".hidden", "-x", "a..b", "a b", "x/", "/x",
		"caf\xc3\xa9",
	};
	char longname[200];
	ptrust_builder *b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		b = ptrust_builder_new(good[i]);
		assert_non_null(b);
		assert_string_equal(ptrust_builder_name(b), good[i]);
		assert_string_equal(ptrust_builder_error(b), "");
		assert_int_equal(ptrust_builder_anchor_count(b), 0);
		assert_int_equal(ptrust_builder_change_count(b), 0);
		ptrust_builder_free(b);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = ptrust_builder_new(bad[i]);
		if (b != NULL)
			fail_msg("ptrust_builder_new(\"%s\") accepted", bad[i]);
	}
	assert_null(ptrust_builder_new(NULL));

	/* 128 characters is the limit, 129 is over it */
	memset(longname, 'n', sizeof(longname));
	longname[128] = '\0';
	b = ptrust_builder_new(longname);
	assert_non_null(b);
	assert_string_equal(ptrust_builder_name(b), longname);
	ptrust_builder_free(b);
	longname[128] = 'n';
	longname[129] = '\0';
	assert_null(ptrust_builder_new(longname));
	longname[199] = '\0';
	assert_null(ptrust_builder_new(longname));
}

/* -------------------------------------------------------------- add_mem */

static void
add_mem_pem_one(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char fp[65];

	(void)state;
	add_pem_ok(b, &l->capf_a, 1, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	assert_int_equal(ptrust_builder_change_count(b), 1);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "CAPF-a6d4c572", NULL);
	fp_of(l->capf_a, fp);
	assert_string_equal(ptrust_anchor_sha256(ptrust_builder_anchor(b, 0)),
	    fp);
	assert_string_equal(ptrust_anchor_alias(ptrust_builder_anchor(b, 0)),
	    "CAPF-a6d4c572");
	assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b, 0)),
	    PTRUST_ROLE_CAPF);
	assert_string_equal(ptrust_builder_error(b), "");
	ptrust_builder_free(b);
}

static void
add_mem_pem_several(void **state)
{
	const struct lab *l = test_lab();
	X509 *certs[] = { l->mfg_root, l->mfg_ca, l->capf_b };
	ptrust_builder *b = new_builder("callmanager-trust");
	size_t i;

	(void)state;
	add_pem_ok(b, certs, 3, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_anchor_count(b), 3);
	assert_int_equal(ptrust_builder_change_count(b), 3);
	/* aliases from the subject CN, made valid */
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "Lab_Root_CA_M2", NULL);
	assert_change(b, 1, PTRUST_CHANGE_ADDED, "Lab_Manufacturing_CA_SHA2",
	    NULL);
	assert_change(b, 2, PTRUST_CHANGE_ADDED, "CAPF-0badcafe", NULL);
	for (i = 0; i < 3; i++)
		assert_non_null(find_fp(b, certs[i]));
	assert_non_null(ptrust_builder_find(b, "Lab_Root_CA_M2"));

	/* other blocks than keys are skipped */
	{
		static const char param[] = "-----BEGIN EC PARAMETERS-----\n"
		    "BggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
		    "a PRIVATE KEY is not in this text\n";
		size_t plen;
		char *pem = lab_pem(&l->capf_a, 1, &plen), *both;

		assert_non_null(both = malloc(sizeof(param) + plen));
		memcpy(both, param, sizeof(param) - 1);
		memcpy(both + sizeof(param) - 1, pem, plen + 1);
		assert_int_equal(ptrust_builder_add_mem(b, both, strlen(both),
		    NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
		free(both);
		free(pem);
	}
	assert_int_equal(ptrust_builder_anchor_count(b), 4);
	assert_int_equal(ptrust_builder_change_count(b), 1);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "CAPF-a6d4c572", NULL);
	ptrust_builder_free(b);
}

/* A PEM text of a private key (PKCS#8, or traditional), then a cert. */
static char *
key_then_cert(EVP_PKEY *key, int traditional, X509 *x, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	BUF_MEM *mem;
	char *out;

	assert_non_null(bio);
	if (traditional)
		assert_int_equal(PEM_write_bio_PrivateKey_traditional(bio, key,
		    NULL, NULL, 0, NULL, NULL), 1);
	else
		assert_int_equal(PEM_write_bio_PrivateKey(bio, key, NULL, NULL,
		    0, NULL, NULL), 1);
	assert_int_equal(PEM_write_bio_X509(bio, x), 1);
	BIO_get_mem_ptr(bio, &mem);
	assert_non_null(out = malloc(mem->length + 1));
	memcpy(out, mem->data, mem->length);
	out[mem->length] = '\0';
	*len = mem->length;
	BIO_free(bio);
	return out;
}

/*
 * Issue 14: a file holding a private key and a certificate went in as an
 * anchor without a word.  It is refused, saying why, whatever the key's
 * PEM label and wherever it stands; nothing is added.
 */
static void
add_refuses_private_key(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *pem, *p, *cert;
	size_t len, clen;
	int traditional;

	(void)state;
	add_pem_ok(b, &l->capf_b, 1, NULL, PTRUST_ROLE_AUTO);
	for (traditional = 0; traditional <= 1; traditional++) {
		pem = key_then_cert(traditional ? l->capf_a_key : l->lsc_b_key,
		    traditional, traditional ? l->capf_a : l->lsc_b, &len);
		assert_non_null(strstr(pem, traditional ?
		    "-----BEGIN EC PRIVATE KEY-----" :
		    "-----BEGIN PRIVATE KEY-----"));
		assert_int_equal(ptrust_builder_add_mem(b, pem, len, NULL,
		    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
		assert_contains(ptrust_builder_error(b), "input holds a "
		    "private key: refused, a private key must never be copied "
		    "into a trust store");
		assert_int_equal(ptrust_builder_anchor_count(b), 1);
		assert_int_equal(ptrust_builder_change_count(b), 0);
		free(pem);
	}
	/* the key after the certificate, in a file: named by its path */
	cert = lab_pem(&l->lsc_a, 1, &clen);
	pem = key_then_cert(l->lsc_a_key, 0, l->lsc_a, &len);
	assert_non_null(pem = realloc(pem, clen + len + 1));
	memmove(pem + clen, pem, len + 1);
	memcpy(pem, cert, clen);
	p = join(dir, "lsc-and-key.pem");
	assert_int_equal(lab_write_file(p, pem, clen + len, 0600), 0);
	assert_int_equal(ptrust_builder_add_file(b, p, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_contains(ptrust_builder_error(b), "lsc-and-key.pem holds a "
	    "private key");
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	/* and among the files of a directory */
	assert_int_equal(ptrust_builder_add_dir(b, dir, PTRUST_ROLE_AUTO),
	    PTRUST_ERR_ARG);
	assert_contains(ptrust_builder_error(b), "lsc-and-key.pem holds a "
	    "private key");
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	/* a store directory holding one is not loaded either */
	assert_int_not_equal(ptrust_builder_load_dir(b, dir), PTRUST_OK);
	assert_contains(ptrust_builder_error(b), "lsc-and-key.pem holds a "
	    "private key");
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	/* the certificate alone is taken */
	assert_int_equal(ptrust_builder_add_mem(b, cert, clen, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 2);
	free(cert);
	free(pem);
	free(p);
	test_rmtree(dir);
	free(dir);
	ptrust_builder_free(b);
}

/* DER PKCS#12 of x (and key, when not NULL), unencrypted MAC of 1 round. */
static unsigned char *
pkcs12_der(X509 *x, EVP_PKEY *key, size_t *len)
{
	PKCS12 *p12;
	unsigned char *der = NULL, *out;
	int n;

	p12 = PKCS12_create("secret", "phone", key, x, NULL, 0, 0, 1, 1, 0);
	assert_non_null(p12);
	assert_true((n = i2d_PKCS12(p12, &der)) > 0);
	assert_non_null(out = malloc((size_t)n));
	memcpy(out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	PKCS12_free(p12);
	return out;
}

/*
 * Issue 14: a PKCS#12 file where a certificate is expected said "not a
 * DER certificate (nested asn1 error)".  It is named, with the command
 * that takes the certificates out; a look-alike of its first bytes is not.
 */
static void
add_tells_pkcs12(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("capf-trust");
	static const unsigned char not_p12[] = { 0x30, 0x06, 0x02, 0x01, 0x03,
	    0x30, 0x01, 0x00 };
	char *dir = test_tmpdir(), *p;
	unsigned char *der;
	size_t len;
	int with_key;

	(void)state;
	for (with_key = 0; with_key <= 1; with_key++) {
		der = pkcs12_der(l->capf_a, with_key ? l->capf_a_key : NULL,
		    &len);
		assert_int_equal(ptrust_builder_add_mem(b, der, len, NULL,
		    PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
		assert_contains(ptrust_builder_error(b), "input: a PKCS#12 "
		    "file");
		assert_contains(ptrust_builder_error(b), "openssl pkcs12 -in "
		    "FILE -nokeys -out cert.pem");
		assert_int_equal(ERR_peek_error(), 0);
		p = join(dir, "capf.p12");
		assert_int_equal(lab_write_file(p, der, len, 0600), 0);
		assert_int_equal(ptrust_builder_add_file(b, p, NULL,
		    PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
		assert_contains(ptrust_builder_error(b), "capf.p12: a PKCS#12 "
		    "file");
		free(p);
		free(der);
	}
	assert_int_equal(ptrust_builder_anchor_count(b), 0);
	/* SEQUENCE { INTEGER 3, ... } that is no PFX */
	assert_int_equal(ptrust_builder_add_mem(b, not_p12, sizeof(not_p12),
	    NULL, PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
	assert_contains(ptrust_builder_error(b), "not a DER certificate");
	assert_null(strstr(ptrust_builder_error(b), "PKCS#12"));
	test_rmtree(dir);
	free(dir);
	ptrust_builder_free(b);
}

static void
add_mem_der(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("capf-trust");
	unsigned char *der;
	size_t len;

	(void)state;
	der = lab_der(l->capf_b, &len);
	assert_int_equal(ptrust_builder_add_mem(b, der, len, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "CAPF-0badcafe", NULL);
	assert_non_null(find_fp(b, l->capf_b));
	assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b, 0)),
	    PTRUST_ROLE_CAPF);

	/* an explicit alias for a DER certificate */
	free(der);
	der = lab_der(l->mfg_root, &len);
	assert_int_equal(ptrust_builder_add_mem(b, der, len, "lab-root",
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "lab-root", NULL);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b,
	    "lab-root")), PTRUST_ROLE_MANUFACTURING);
	free(der);
	ptrust_builder_free(b);
}

static void
add_mem_garbage(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	static const char garbage[] = "this is not a certificate at all";
	static const char bad_pem[] =
	    "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n";
	static const char bad_b64[] =
	    "-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n"
	    "-----END CERTIFICATE-----\n";
	unsigned char *der, *longer;
	char *pem, *mixed;
	size_t len, plen;

	(void)state;
	add_pem_ok(b, &l->capf_a, 1, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_change_count(b), 1);

	assert_int_equal(ptrust_builder_add_mem(b, garbage, strlen(garbage),
	    NULL, PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
	assert_contains(ptrust_builder_error(b), "input");
	assert_int_equal(ptrust_builder_anchor_count(b), 1);

	assert_int_equal(ptrust_builder_add_mem(b, bad_pem, strlen(bad_pem),
	    NULL, PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
	assert_contains(ptrust_builder_error(b), "input");
	assert_int_equal(ptrust_builder_anchor_count(b), 1);

	assert_int_equal(ptrust_builder_add_mem(b, bad_b64, strlen(bad_b64),
	    NULL, PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
	assert_contains(ptrust_builder_error(b), "input");
	assert_int_equal(ptrust_builder_anchor_count(b), 1);

	/* empty input */
	assert_int_equal(ptrust_builder_add_mem(b, "", 0, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
	assert_contains(ptrust_builder_error(b), "input");

	/* DER with trailing bytes */
	der = lab_der(l->capf_b, &len);
	longer = malloc(len + 3);
	assert_non_null(longer);
	memcpy(longer, der, len);
	memcpy(longer + len, "xyz", 3);
	assert_int_equal(ptrust_builder_add_mem(b, longer, len + 3, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
	assert_contains(ptrust_builder_error(b), "input");
	/* truncated DER */
	assert_int_equal(ptrust_builder_add_mem(b, der, len - 10, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	assert_null(find_fp(b, l->capf_b));
	free(longer);
	free(der);

	/* a good certificate followed by a bad block: nothing is added */
	pem = lab_pem(&l->capf_b, 1, &plen);
	mixed = malloc(plen + sizeof(bad_pem));
	assert_non_null(mixed);
	memcpy(mixed, pem, plen);
	memcpy(mixed + plen, bad_pem, sizeof(bad_pem));
	assert_int_equal(ptrust_builder_add_mem(b, mixed, strlen(mixed), NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
	assert_contains(ptrust_builder_error(b), "input");
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	assert_null(find_fp(b, l->capf_b));
	assert_non_null(find_fp(b, l->capf_a));
	free(mixed);
	free(pem);

	/* the builder still works after failures */
	add_pem_ok(b, &l->capf_b, 1, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_anchor_count(b), 2);
	assert_int_equal(ptrust_builder_change_count(b), 1);
	/* "Each call resets the change list" (phonetrust.h): failed ones too */
	assert_int_equal(ptrust_builder_add_mem(b, garbage, strlen(garbage),
	    NULL, PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
	assert_int_equal(ptrust_builder_change_count(b), 0);
	assert_int_equal(ptrust_builder_change(b, 0, NULL, NULL), 0);
	ptrust_builder_free(b);
}

static void
add_mem_private_key_only(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	BIO *bio = BIO_new(BIO_s_mem());
	BUF_MEM *mem;

	(void)state;
	assert_non_null(bio);
	add_pem_ok(b, &l->capf_b, 1, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(PEM_write_bio_PrivateKey(bio, l->capf_a_key, NULL,
	    NULL, 0, NULL, NULL), 1);
	BIO_get_mem_ptr(bio, &mem);
	assert_int_equal(ptrust_builder_add_mem(b, mem->data, mem->length,
	    NULL, PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_contains(ptrust_builder_error(b), "input holds a private key");
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	BIO_free(bio);
	ptrust_builder_free(b);
}

static void
add_mem_bad_args(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char *pem;
	size_t len;

	(void)state;
	pem = lab_pem(&l->capf_a, 1, &len);
	assert_int_equal(ptrust_builder_add_mem(b, pem, len, NULL,
	    (ptrust_role)(PTRUST_ROLE_OTHER + 1)), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_mem(b, pem, len, NULL,
	    (ptrust_role)-1), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_mem(b, pem, len, "../evil",
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_contains(ptrust_builder_error(b), "../evil");
	assert_int_equal(ptrust_builder_add_mem(b, NULL, len, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_true(ptrust_builder_error(b)[0] != '\0');
	assert_int_equal(ptrust_builder_anchor_count(b), 0);
	free(pem);
	ptrust_builder_free(b);
}

/* ---------------------------------------------------------- add_x509 */

static void
add_x509_takes_reference(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	X509 *copy = X509_dup(l->capf_b);
	const ptrust_anchor *a;
	char fp[65];

	(void)state;
	assert_non_null(copy);
	fp_of(copy, fp);
	assert_int_equal(ptrust_builder_add_x509(b, copy, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	X509_free(copy);	/* the builder holds its own reference */
	a = ptrust_builder_find(b, fp);
	assert_non_null(a);
	assert_non_null(ptrust_anchor_get0_x509(a));
	assert_int_equal(X509_cmp(ptrust_anchor_get0_x509(a), l->capf_b), 0);
	assert_int_equal(ptrust_builder_add_x509(b, NULL, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_x509(b, l->capf_a, "a/b",
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_x509(b, l->capf_a, NULL,
	    (ptrust_role)42), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	ptrust_builder_free(b);
}

/*
 * Issue 13: a "# role: NAME" line in imported input decided the role, so
 * a CAPF certificate prefixed with "# role: manufacturing" made its LSCs
 * MICs.  Text in the input decides nothing now: the role is inferred
 * (Cisco's fingerprints, the CAPF name) or the caller's.
 */
static void
role_comment_ignored_on_import(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char *pem, *text, *dir;
	size_t len, i;
	static const char *const comments[] = {
		"# role: manufacturing\n",
		"# role: external-ca\n",
		"# libphonetrust trust anchor\n# alias: x\n"
		    "# role: manufacturing\n# subject: whatever\n",
		"# role: other\r\n",
		"# role: auto\n",
		"",
	};

	(void)state;
	pem = lab_pem(&l->capf_a, 1, &len);
	for (i = 0; i < sizeof(comments) / sizeof(comments[0]); i++) {
		text = malloc(strlen(comments[i]) + len + 1);
		assert_non_null(text);
		strcpy(text, comments[i]);
		strcat(text, pem);
		assert_int_equal(ptrust_builder_add_mem(b, text, strlen(text),
		    NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
		if (ptrust_anchor_role(find_fp(b, l->capf_a)) !=
		    PTRUST_ROLE_CAPF)
			fail_msg("comment \"%s\" set role %s", comments[i],
			    ptrust_role_name(ptrust_anchor_role(find_fp(b,
			    l->capf_a))));
		/* the caller's role is the one that counts */
		assert_int_equal(ptrust_builder_remove(b, "CAPF-a6d4c572"),
		    PTRUST_OK);
		assert_int_equal(ptrust_builder_add_mem(b, text, strlen(text),
		    NULL, PTRUST_ROLE_EXTERNAL_CA), PTRUST_OK);
		assert_int_equal(ptrust_anchor_role(find_fp(b, l->capf_a)),
		    PTRUST_ROLE_EXTERNAL_CA);
		assert_int_equal(ptrust_builder_remove(b, "CAPF-a6d4c572"),
		    PTRUST_OK);
		free(text);
	}
	free(pem);

	/* "# role: capf" on a manufacturing CA, through a file */
	dir = test_tmpdir();
	pem = lab_pem(&l->mfg_ca, 1, &len);
	text = malloc(len + 32);
	assert_non_null(text);
	snprintf(text, len + 32, "# role: capf\n%s", pem);
	write_str(dir, "mfg.pem", text);
	assert_int_equal(ptrust_builder_add_file(b, join_tmp(dir, "mfg.pem"),
	    NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_anchor_role(find_fp(b, l->mfg_ca)),
	    PTRUST_ROLE_OTHER);
	/* nor through a directory */
	assert_int_equal(ptrust_builder_remove(b, "mfg"), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_dir(b, dir, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	assert_int_equal(ptrust_anchor_role(find_fp(b, l->mfg_ca)),
	    PTRUST_ROLE_OTHER);
	free(text);
	free(pem);
	test_rmtree(dir);
	free(dir);
	ptrust_builder_free(b);
}

/*
 * A replacement (newer certificate of a subject) without a role keeps
 * the role of the anchor it replaces, whatever a comment in it says; an
 * explicit role changes it.
 */
static void
role_comment_does_not_change_role_on_replace(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	X509 *older = mk_cert("CAPF-12345678", "Example", 1000, 0, 1,
	    l->capf_a_key);
	X509 *newer = mk_cert("CAPF-12345678", "Example", 2000, 0, 1,
	    l->capf_b_key);
	X509 *newest = mk_cert("CAPF-12345678", "Example", 3000, 0, 1,
	    l->capf_b_key);
	char *pem, *text;
	size_t len;

	(void)state;
	add_x509_ok(b, older, NULL, PTRUST_ROLE_EXTERNAL_CA);
	pem = lab_pem(&newer, 1, &len);
	text = malloc(len + 32);
	assert_non_null(text);
	snprintf(text, len + 32, "# role: manufacturing\n%s", pem);
	assert_int_equal(ptrust_builder_add_mem(b, text, strlen(text), NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_change(b, 0, PTRUST_CHANGE_REPLACED, "CAPF-12345678",
	    "CAPF-12345678");
	assert_int_equal(ptrust_anchor_role(find_fp(b, newer)),
	    PTRUST_ROLE_EXTERNAL_CA);
	add_x509_ok(b, newest, NULL, PTRUST_ROLE_CAPF);
	assert_int_equal(ptrust_anchor_role(find_fp(b, newest)),
	    PTRUST_ROLE_CAPF);
	free(text);
	free(pem);
	X509_free(older);
	X509_free(newer);
	X509_free(newest);
	ptrust_builder_free(b);
}

/*
 * Roles come back from a directory only through the manifest the library
 * writes (bound to each certificate's fingerprint): a file copied into a
 * store directory gets no role from its comments.
 */
static void
role_survives_save_load_via_manifest(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	ptrust_builder *r = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *pem, *text;
	size_t len;

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_EXTERNAL_CA);
	add_x509_ok(b, l->mfg_ca, "mfg", PTRUST_ROLE_MANUFACTURING);
	add_x509_ok(b, l->capf_b, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	assert_true(exists_in(dir, ".phonetrust-roles"));
	assert_int_equal(ptrust_builder_load_dir(r, dir), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(r), 3);
	assert_int_equal(ptrust_anchor_role(find_fp(r, l->capf_a)),
	    PTRUST_ROLE_EXTERNAL_CA);
	assert_int_equal(ptrust_anchor_role(find_fp(r, l->mfg_ca)),
	    PTRUST_ROLE_MANUFACTURING);
	assert_int_equal(ptrust_anchor_role(find_fp(r, l->capf_b)),
	    PTRUST_ROLE_CAPF);

	/* a file dropped in by hand: its "# role:" line does not count */
	pem = lab_pem(&l->lsc_a, 1, &len);
	text = malloc(len + 64);
	assert_non_null(text);
	snprintf(text, len + 64, "# role: manufacturing\n%s", pem);
	write_str(dir, "dropped.pem", text);
	/* nor does a copy of a saved file under another certificate */
	assert_int_equal(ptrust_builder_load_dir(r, dir), PTRUST_OK);
	assert_int_equal(ptrust_anchor_role(find_fp(r, l->lsc_a)),
	    PTRUST_ROLE_OTHER);
	assert_int_equal(ptrust_anchor_role(find_fp(r, l->mfg_ca)),
	    PTRUST_ROLE_MANUFACTURING);

	/*
	 * Without the manifest (a directory made by hand, or saved before
	 * the manifest existed) every role is inferred again: the files'
	 * "# role:" lines could have been written by anyone.
	 */
	assert_int_equal(unlink(join_tmp(dir, "dropped.pem")), 0);
	assert_int_equal(unlink(join_tmp(dir, ".phonetrust-roles")), 0);
	assert_int_equal(ptrust_builder_load_dir(r, dir), PTRUST_OK);
	assert_int_equal(ptrust_anchor_role(find_fp(r, l->capf_a)),
	    PTRUST_ROLE_CAPF);
	assert_int_equal(ptrust_anchor_role(find_fp(r, l->mfg_ca)),
	    PTRUST_ROLE_OTHER);
	/* the next save writes the manifest */
	assert_int_equal(ptrust_builder_save_dir(r, dir), PTRUST_OK);
	assert_true(exists_in(dir, ".phonetrust-roles"));

	/* a damaged manifest is an error, and the builder stays as it was */
	write_str(dir, ".phonetrust-roles", "# x\nnot-a-fingerprint capf\n");
	assert_int_equal(ptrust_builder_load_dir(r, dir), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_builder_error(r), ".phonetrust-roles "
	    "line 2"));
	assert_int_equal(ptrust_builder_anchor_count(r), 3);
	free(text);
	free(pem);
	ptrust_builder_free(b);
	ptrust_builder_free(r);
	test_rmtree(dir);
	free(dir);
}

static const char *const cisco_files[] = {
	"act2-ecc-sudi-ca.pem", "act2-sudi-ca.pem", "cisco-ecc-root-ca.pem",
	"cisco-manufacturing-ca-sha2.pem", "cisco-manufacturing-ca.pem",
	"cisco-root-ca-2048.pem", "cisco-root-ca-m1.pem",
	"cisco-root-ca-m2.pem",
};

/* real with a newer notBefore, holding and signed by key unless keep_key */
static X509 *
reissue(X509 *real, EVP_PKEY *key, int keep_key)
{
	X509 *x = X509_dup(real);

	assert_non_null(x);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	if (!keep_key)
		assert_int_equal(X509_set_pubkey(x, key), 1);
	/* the builder checks no signature: Cisco's key needs none here */
	if (key != NULL)
		assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	return x;
}

/*
 * Issue 13: a certificate with the subject of a built-in Cisco CA and
 * another key replaced Cisco's CA in manufacturing-ca (newer notBefore
 * wins) with only "replaced" said.  Refused now, for every built-in CA and
 * in any store, unless ptrust_builder_set_replace_cisco_ca allows it; a
 * loaded store is taken as saved.
 */
static void
cisco_lookalike_refused_unless_allowed(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("manufacturing-ca");
	ptrust_builder *cm = new_builder("callmanager-trust");
	X509 *real[8], *fake;
	char *dir;
	size_t i;

	(void)state;
	for (i = 0; i < 8; i++) {
		assert_int_equal(ptrust_builder_add_file(b,
		    test_srcpath(join_tmp("data/cisco", cisco_files[i])), NULL,
		    PTRUST_ROLE_AUTO), PTRUST_OK);
		real[i] = ptrust_anchor_get0_x509(ptrust_builder_anchor(b, i));
	}
	for (i = 0; i < 8; i++) {
		fake = reissue(real[i], l->capf_a_key, 0);
		assert_int_equal(ptrust_builder_add_x509(b, fake, NULL,
		    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
		if (strstr(ptrust_builder_error(b), "not Cisco's key") == NULL)
			fail_msg("%s: %s", cisco_files[i],
			    ptrust_builder_error(b));
		assert_int_equal(ptrust_builder_change_count(b), 0);
		assert_int_equal(ptrust_builder_anchor_count(b), 8);
		assert_non_null(find_fp(b, real[i]));
		/* nor where there is no Cisco CA to replace */
		assert_int_equal(ptrust_builder_add_x509(cm, fake, "x",
		    PTRUST_ROLE_MANUFACTURING), PTRUST_ERR_ARG);
		X509_free(fake);
	}
	assert_int_equal(ptrust_builder_anchor_count(cm), 0);
	/* Cisco's own key under that subject is Cisco's */
	fake = reissue(real[3], NULL, 1);
	assert_int_equal(ptrust_builder_add_x509(cm, fake, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	X509_free(fake);
	/* allowed: replaced, and a load takes it back as saved */
	fake = reissue(real[3], l->capf_a_key, 0);
	assert_int_equal(ptrust_builder_set_replace_cisco_ca(NULL, 1),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_set_replace_cisco_ca(b, 1), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(b, fake, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_change(b, 0, PTRUST_CHANGE_REPLACED,
	    "cisco-manufacturing-ca-sha2", "cisco-manufacturing-ca-sha2");
	assert_int_equal(ptrust_builder_set_replace_cisco_ca(b, 0), PTRUST_OK);
	dir = test_tmpdir();
	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	assert_int_equal(ptrust_builder_load_dir(cm, dir), PTRUST_OK);
	assert_non_null(find_fp(cm, fake));
	X509_free(fake);
	test_rmtree(dir);
	free(dir);
	ptrust_builder_free(b);
	ptrust_builder_free(cm);
}

/* The longest alias is 128 bytes; a longer one is refused, not cut. */
static void
alias_longest_is_128(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char alias[130];

	(void)state;
	memset(alias, 'a', 129);
	alias[129] = '\0';
	assert_int_equal(ptrust_builder_add_x509(b, l->capf_a, alias,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_builder_error(b), "at most 128"));
	alias[128] = '\0';
	add_x509_ok(b, l->capf_a, alias, PTRUST_ROLE_AUTO);
	assert_non_null(ptrust_builder_find(b, alias));
	ptrust_builder_free(b);
}

/* Input over 16 MiB is refused with its size, file or memory. */
static void
input_over_16mib_refused(void **state)
{
	ptrust_builder *b = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *p = join(dir, "huge.pem");
	unsigned char *big;
	int fd;

	(void)state;
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 16 * 1024 * 1024 + 1), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(ptrust_builder_add_file(b, p, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_IO);
	assert_non_null(strstr(ptrust_builder_error(b), "too large"));
	/* and in a store directory */
	assert_int_equal(ptrust_builder_load_dir(b, dir), PTRUST_ERR_IO);
	assert_non_null(strstr(ptrust_builder_error(b), "huge.pem: file too "
	    "large"));
	big = calloc(1, 16 * 1024 * 1024 + 1);
	assert_non_null(big);
	assert_int_equal(ptrust_builder_add_mem(b, big, 16 * 1024 * 1024 + 1,
	    NULL, PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_builder_error(b), "too large"));
	assert_int_equal(ptrust_builder_anchor_count(b), 0);
	free(big);
	free(p);
	test_rmtree(dir);
	free(dir);
	ptrust_builder_free(b);
}

/*
 * A store directory holds regular files: load_dir refuses a symbolic link,
 * a directory or a FIFO by name (not following, not blocking), and a name
 * too long for an alias; the builder stays as it was.  add_dir, reading
 * someone's directory of certificates, still follows links.
 */
static void
load_dir_refuses_links_and_special_files(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *other = test_tmpdir(), *p;
	char longname[140];
	static const struct {
		const char *name, *want;
	} bad[] = {
		{ "linked.pem", "linked.pem: a symbolic link" },
		{ "sub.pem", "sub.pem: not a regular file" },
		{ "fifo.pem", "fifo.pem: not a regular file" },
	};
	size_t i;

	(void)state;
	write_pem_in(other, "capf.pem", &l->capf_b, 1);
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = join(dir, bad[i].name);
		if (i == 0)
			assert_int_equal(symlink(join_tmp(other, "capf.pem"),
			    p), 0);
		else if (i == 1)
			assert_int_equal(mkdir(p, 0755), 0);
		else
			assert_int_equal(mkfifo(p, 0644), 0);
		assert_int_equal(ptrust_builder_load_dir(b, dir),
		    i == 0 ? PTRUST_ERR_IO : PTRUST_ERR_IO);
		if (strstr(ptrust_builder_error(b), bad[i].want) == NULL)
			fail_msg("%s: %s", bad[i].name,
			    ptrust_builder_error(b));
		assert_int_equal(ptrust_builder_anchor_count(b), 1);
		if (i == 0) {
			assert_int_equal(ptrust_builder_add_dir(b, dir,
			    PTRUST_ROLE_AUTO), PTRUST_OK);
			assert_non_null(find_fp(b, l->capf_b));
			assert_int_equal(ptrust_builder_remove(b,
			    "linked"), PTRUST_OK);
		}
		assert_int_equal(i == 1 ? rmdir(p) : unlink(p), 0);
		free(p);
	}
	memset(longname, 'x', 129);
	strcpy(longname + 129, ".pem");
	write_pem_in(dir, longname, &l->capf_b, 1);
	assert_int_equal(ptrust_builder_load_dir(b, dir), PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_builder_error(b), "too long for an "
	    "alias"));
	assert_int_equal(unlink(join_tmp(dir, longname)), 0);
	assert_int_equal(ptrust_builder_load_dir(b, dir), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	test_rmtree(dir);
	test_rmtree(other);
	free(dir);
	free(other);
	ptrust_builder_free(b);
}

/* Derived aliases: CN for multi-certificate files, a fallback with none. */
/*
 * A derived alias that is taken gets the fingerprint's first 8 digits;
 * when someone already holds that name too, all 64; when even that is
 * taken, the certificate is refused rather than two anchors sharing an
 * alias.
 */
static void
derived_alias_second_collision(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	X509 *first = mk_cert("Edge CA", "One", 0, 0, 1, l->capf_a_key);
	X509 *squatter = mk_cert("Squatter", "Two", 0, 0, 1, l->capf_a_key);
	X509 *third = mk_cert("Edge CA", "Three", 0, 0, 1, l->capf_a_key);
	X509 *squatter2 = mk_cert("Squatter", "Four", 0, 0, 1, l->capf_a_key);
	X509 *fourth = mk_cert("Edge CA", "Five", 0, 0, 1, l->capf_a_key);
	char fp[65], name[160], full[160];
	size_t before;

	(void)state;
	assert_non_null(first);
	assert_non_null(third);
	assert_non_null(fourth);
	add_x509_ok(b, first, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "Edge_CA", NULL);
	/* someone already holds "Edge_CA-<8 digits of third>" */
	fp_of(third, fp);
	snprintf(name, sizeof(name), "Edge_CA-%.8s", fp);
	add_x509_ok(b, squatter, name, PTRUST_ROLE_AUTO);
	add_x509_ok(b, third, NULL, PTRUST_ROLE_AUTO);
	snprintf(full, sizeof(full), "Edge_CA-%s", fp);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, full, NULL);
	assert_ptr_equal(ptrust_builder_find(b, full),
	    ptrust_builder_find(b, fp));
	assert_ptr_not_equal(ptrust_builder_find(b, name),
	    ptrust_builder_find(b, fp));

	/* both names of the fourth taken: refused, the builder unchanged */
	fp_of(fourth, fp);
	snprintf(name, sizeof(name), "Edge_CA-%.8s", fp);
	add_x509_ok(b, squatter2, name, PTRUST_ROLE_AUTO);
	snprintf(full, sizeof(full), "Edge_CA-%s", fp);
	{
		X509 *x = mk_cert("Squatter", "Six", 0, 0, 1, l->capf_a_key);

		add_x509_ok(b, x, full, PTRUST_ROLE_AUTO);
		X509_free(x);
	}
	before = ptrust_builder_anchor_count(b);
	assert_int_equal(ptrust_builder_add_x509(b, fourth, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_EXISTS);
	assert_contains(ptrust_builder_error(b), "already names another");
	assert_int_equal(ptrust_builder_anchor_count(b), before);
	assert_null(ptrust_builder_find(b, fp));

	X509_free(first);
	X509_free(squatter);
	X509_free(third);
	X509_free(squatter2);
	X509_free(fourth);
	ptrust_builder_free(b);
}

static void
derived_alias_rules(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *p, expect[32], fp[65];
	X509 *two[] = { l->capf_a, l->capf_b };
	X509 *nocn, *junkcn;

	(void)state;
	/* a file of two certificates: aliases from the CNs, not the stem */
	write_pem_in(dir, "bundle.pem", two, 2);
	p = join(dir, "bundle.pem");
	assert_int_equal(ptrust_builder_add_file(b, p, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	free(p);
	assert_int_equal(ptrust_builder_change_count(b), 2);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "CAPF-a6d4c572", NULL);
	assert_change(b, 1, PTRUST_CHANGE_ADDED, "CAPF-0badcafe", NULL);
	assert_null(ptrust_builder_find(b, "bundle"));

	/* a stem with nothing usable: the CN */
	write_pem_in(dir, "___.pem", &l->mfg_root, 1);
	p = join(dir, "___.pem");
	assert_int_equal(ptrust_builder_add_file(b, p, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	free(p);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "Lab_Root_CA_M2", NULL);

	/* no CN at all, or a CN with nothing usable: anchor-<8 hex digits> */
	nocn = mk_cert(NULL, "Only An Org", 0, 0, 1, l->capf_a_key);
	junkcn = mk_cert("*** ---", "Junk", 0, 0, 1, l->capf_a_key);
	add_x509_ok(b, nocn, NULL, PTRUST_ROLE_AUTO);
	fp_of(nocn, fp);
	snprintf(expect, sizeof(expect), "anchor-%.8s", fp);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, expect, NULL);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b, expect)),
	    PTRUST_ROLE_OTHER);
	add_x509_ok(b, junkcn, NULL, PTRUST_ROLE_AUTO);
	fp_of(junkcn, fp);
	snprintf(expect, sizeof(expect), "anchor-%.8s", fp);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, expect, NULL);

	/* an empty subject name */
	{
		X509 *x = mk_cert(NULL, NULL, 0, 0, 1, l->capf_b_key);
		const ptrust_anchor *a;

		add_x509_ok(b, x, NULL, PTRUST_ROLE_AUTO);
		fp_of(x, fp);
		snprintf(expect, sizeof(expect), "anchor-%.8s", fp);
		assert_change(b, 0, PTRUST_CHANGE_ADDED, expect, NULL);
		a = ptrust_builder_find(b, expect);
		assert_non_null(a);
		assert_string_equal(ptrust_anchor_subject(a), "");
		assert_string_equal(ptrust_anchor_issuer(a), "");
		X509_free(x);
	}

	/* only ASCII letters and digits are kept, whatever the locale */
	{
		X509 *x = mk_cert("Caf\xc3\xa9 Root", "Junk", 0, 0, 1,
		    l->capf_a_key);

		add_x509_ok(b, x, NULL, PTRUST_ROLE_AUTO);
		assert_change(b, 0, PTRUST_CHANGE_ADDED, "Caf_Root", NULL);
		X509_free(x);
	}

	/* two subjects with the same CN: the second gets -<8 hex digits> */
	add_x509_ok(b, l->mic, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "SEP001122334455", NULL);
	add_x509_ok(b, l->lsc_a, NULL, PTRUST_ROLE_AUTO);
	fp_of(l->lsc_a, fp);
	snprintf(expect, sizeof(expect), "SEP001122334455-%.8s", fp);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, expect, NULL);
	assert_int_equal(ptrust_builder_anchor_count(b), 9);

	X509_free(nocn);
	X509_free(junkcn);
	ptrust_builder_free(b);
	test_rmtree(dir);
	free(dir);
}

/* Anchors keep their order; a replacement takes the old place. */
static void
anchor_order(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	X509 *newer_b, *newest_b;
	ptrust_store *s = NULL;
	struct lab_spec sp;

	(void)state;
	/* capf_b's subject exactly, with later notBefore values */
	memset(&sp, 0, sizeof(sp));
	sp.cn = "CAPF-0badcafe";
	sp.o = "Other Cluster";
	sp.l = "Porto";
	sp.st = "Porto";
	sp.ca = 1;
	sp.pathlen = 0;
	sp.not_before = LAB_T0;	/* later than the lab's LAB_T0 - 1 day */
	newer_b = lab_issue(&sp, l->capf_b_key, NULL, NULL);
	sp.not_before = LAB_T0 + 1;
	newest_b = lab_issue(&sp, l->capf_b_key, NULL, NULL);
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->capf_b, NULL, PTRUST_ROLE_EXTERNAL_CA);
	add_x509_ok(b, l->mfg_root, NULL, PTRUST_ROLE_AUTO);
	assert_string_equal(ptrust_anchor_alias(ptrust_builder_anchor(b, 0)),
	    "CAPF-a6d4c572");
	assert_string_equal(ptrust_anchor_alias(ptrust_builder_anchor(b, 1)),
	    "CAPF-0badcafe");
	assert_string_equal(ptrust_anchor_alias(ptrust_builder_anchor(b, 2)),
	    "Lab_Root_CA_M2");

	/*
	 * Replacement in place.  With PTRUST_ROLE_AUTO the role given to the
	 * old anchor carries over (lib/core/builder.c, "role kept on replacement").
	 */
	add_x509_ok(b, newer_b, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_REPLACED, "CAPF-0badcafe",
	    "CAPF-0badcafe");
	assert_int_equal(ptrust_builder_anchor_count(b), 3);
	assert_int_equal(X509_cmp(ptrust_anchor_get0_x509(
	    ptrust_builder_anchor(b, 1)), newer_b), 0);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b, 1)),
	    PTRUST_ROLE_EXTERNAL_CA);
	/* an explicit role on the replacement wins */
	add_x509_ok(b, newest_b, NULL, PTRUST_ROLE_CAPF);
	assert_change(b, 0, PTRUST_CHANGE_REPLACED, "CAPF-0badcafe",
	    "CAPF-0badcafe");
	assert_int_equal(X509_cmp(ptrust_anchor_get0_x509(
	    ptrust_builder_anchor(b, 1)), newest_b), 0);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b, 1)),
	    PTRUST_ROLE_CAPF);

	/* removal closes the gap */
	assert_int_equal(ptrust_builder_remove(b, "CAPF-a6d4c572"), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 2);
	assert_string_equal(ptrust_anchor_alias(ptrust_builder_anchor(b, 0)),
	    "CAPF-0badcafe");
	assert_string_equal(ptrust_anchor_alias(ptrust_builder_anchor(b, 1)),
	    "Lab_Root_CA_M2");
	assert_null(ptrust_builder_anchor(b, 2));

	/* snapshots keep the builder's order */
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	assert_string_equal(ptrust_anchor_alias(ptrust_store_anchor(s, 0)),
	    "CAPF-0badcafe");
	assert_string_equal(ptrust_anchor_alias(ptrust_store_anchor(s, 1)),
	    "Lab_Root_CA_M2");

	/* the same certificate with another alias and role: ignored */
	add_x509_ok(b, l->mfg_root, "renamed", PTRUST_ROLE_MANUFACTURING);
	assert_change(b, 0, PTRUST_CHANGE_UNCHANGED, "Lab_Root_CA_M2", NULL);
	assert_null(ptrust_builder_find(b, "renamed"));
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b,
	    "Lab_Root_CA_M2")), PTRUST_ROLE_OTHER);

	ptrust_store_unref(s);
	X509_free(newer_b);
	X509_free(newest_b);
	ptrust_builder_free(b);
}

/* ------------------------------------------------------------- add_file */

static void
add_file_alias_from_stem(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *p;
	const ptrust_anchor *a;
	char stem[300], name[310], fpb[65];

	(void)state;
	write_pem_in(dir, "my-capf.pem", &l->capf_a, 1);
	p = join(dir, "my-capf.pem");
	assert_int_equal(ptrust_builder_add_file(b, p, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	free(p);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "my-capf", NULL);
	a = ptrust_builder_find(b, "my-capf");
	assert_non_null(a);
	assert_int_equal(ptrust_anchor_role(a), PTRUST_ROLE_CAPF);

	/* DER file, other extension; a stem with odd characters is cleaned */
	write_der_in(dir, "Root CA (lab)!.der", l->mfg_root);
	p = join(dir, "Root CA (lab)!.der");
	assert_int_equal(ptrust_builder_add_file(b, p, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	free(p);
	assert_int_equal(ptrust_builder_change_count(b), 1);
	{
		const char *alias = NULL;

		assert_int_equal(ptrust_builder_change(b, 0, &alias, NULL),
		    PTRUST_CHANGE_ADDED);
		assert_non_null(alias);
		assert_string_equal(alias, "Root_CA_lab");
	}

	/* a stem that clashes with another subject's alias gets the fingerprint */
	write_pem_in(dir, "my-capf.crt", &l->capf_b, 1);
	p = join(dir, "my-capf.crt");
	assert_int_equal(ptrust_builder_add_file(b, p, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	free(p);
	fp_of(l->capf_b, fpb);
	snprintf(name, sizeof(name), "my-capf-%.8s", fpb);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, name, NULL);
	assert_string_equal(ptrust_anchor_alias(ptrust_builder_find(b,
	    "my-capf")), "my-capf");
	assert_string_equal(ptrust_anchor_sha256(ptrust_builder_find(b,
	    name)), fpb);

	/* a stem longer than 128 characters is cut to a valid alias */
	memset(stem, 'L', 200);
	stem[200] = '\0';
	snprintf(name, sizeof(name), "%s.pem", stem);
	write_pem_in(dir, name, &l->lsc_b, 1);
	p = join(dir, name);
	assert_int_equal(ptrust_builder_add_file(b, p, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	free(p);
	stem[128] = '\0';
	a = ptrust_builder_find(b, stem);
	assert_non_null(a);
	assert_int_equal(strlen(ptrust_anchor_alias(a)), 128);

	assert_int_equal(ptrust_builder_anchor_count(b), 4);
	ptrust_builder_free(b);
	test_rmtree(dir);
	free(dir);
}

static void
add_file_errors(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *p, *missing, *multi, *sub;
	X509 *two[] = { l->capf_a, l->capf_b };
	static const char *const bad_alias[] = {
		"../evil", "a/b", ".x", "a..b", "", "-x", "a b", "x\n",
	};
	char longalias[140];
	char *before;
	size_t i;

	(void)state;
	write_pem_in(dir, "capf.pem", &l->capf_a, 1);
	write_pem_in(dir, "two.pem", two, 2);
	p = join(dir, "capf.pem");
	multi = join(dir, "two.pem");
	missing = join(dir, "no-such-file.pem");
	sub = join(dir, "subdir.pem");
	assert_int_equal(mkdir(sub, 0755), 0);

	/* missing file */
	assert_int_equal(ptrust_builder_add_file(b, missing, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_IO);
	assert_contains(ptrust_builder_error(b), "no-such-file.pem");
	/* a directory is not a certificate file */
	assert_int_equal(ptrust_builder_add_file(b, sub, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_IO);
	assert_contains(ptrust_builder_error(b), "subdir.pem");
	assert_int_equal(ptrust_builder_anchor_count(b), 0);

	/* explicit alias */
	assert_int_equal(ptrust_builder_add_file(b, p, "cluster1-capf",
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "cluster1-capf", NULL);
	assert_non_null(ptrust_builder_find(b, "cluster1-capf"));
	assert_null(ptrust_builder_find(b, "capf"));

	/* explicit alias with a file of two certificates */
	assert_int_equal(ptrust_builder_add_file(b, multi, "both",
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_true(ptrust_builder_error(b)[0] != '\0');
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	assert_null(ptrust_builder_find(b, "both"));

	/* invalid explicit aliases */
	memset(longalias, 'a', sizeof(longalias));
	longalias[129] = '\0';
	for (i = 0; i <= sizeof(bad_alias) / sizeof(bad_alias[0]); i++) {
		const char *alias = i < sizeof(bad_alias) / sizeof(bad_alias[0])
		    ? bad_alias[i] : longalias;
		ptrust_status st = ptrust_builder_add_file(b, p, alias,
		    PTRUST_ROLE_AUTO);

		if (st != PTRUST_ERR_ARG)
			fail_msg("alias \"%s\": got %s", alias,
			    ptrust_status_name(st));
		assert_int_equal(ptrust_builder_anchor_count(b), 1);
	}

	/* an explicit alias naming another subject's anchor */
	before = builder_summary(b);
	{
		char *pb;

		write_pem_in(dir, "other.pem", &l->capf_b, 1);
		pb = join(dir, "other.pem");
		assert_int_equal(ptrust_builder_add_file(b, pb,
		    "cluster1-capf", PTRUST_ROLE_AUTO), PTRUST_ERR_EXISTS);
		assert_contains(ptrust_builder_error(b), "cluster1-capf");
		{
			char *after = builder_summary(b);

			assert_string_equal(before, after);
			free(after);
		}
		assert_null(find_fp(b, l->capf_b));
		assert_int_equal(X509_cmp(ptrust_anchor_get0_x509(
		    ptrust_builder_find(b, "cluster1-capf")), l->capf_a), 0);
		/* the same through add_mem and add_x509 */
		assert_int_equal(ptrust_builder_add_x509(b, l->capf_b,
		    "cluster1-capf", PTRUST_ROLE_AUTO), PTRUST_ERR_EXISTS);
		{
			char *after = builder_summary(b);

			assert_string_equal(before, after);
			free(after);
		}
		free(pb);
	}
	free(before);

	/* a file holding garbage names the file */
	write_in(dir, "junk.pem", "junk\n", 5);
	{
		char *pj = join(dir, "junk.pem");

		assert_int_equal(ptrust_builder_add_file(b, pj, NULL,
		    PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
		assert_contains(ptrust_builder_error(b), "junk.pem");
		free(pj);
	}
	assert_int_equal(ptrust_builder_anchor_count(b), 1);

	/* bad role */
	assert_int_equal(ptrust_builder_add_file(b, p, NULL,
	    (ptrust_role)99), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);

	free(p);
	free(multi);
	free(missing);
	free(sub);
	ptrust_builder_free(b);
	test_rmtree(dir);
	free(dir);
}

/*
 * A FIFO named like a certificate must be refused like any other file that
 * is not a regular file, not block the caller forever.  Run in a child
 * with an alarm so that a hang fails the test instead of the suite.
 */
static void
add_file_fifo_does_not_block(void **state)
{
	char *dir = test_tmpdir(), *fifo = join(dir, "pipe.pem");
	int status = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0644), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ptrust_builder *b = ptrust_builder_new("callmanager-trust");
		ptrust_status st;

		alarm(3);
		st = ptrust_builder_add_file(b, fifo, NULL, PTRUST_ROLE_AUTO);
		ptrust_builder_free(b);
		free(fifo);
		free(dir);
		_exit((int)st);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* clean up first: a failed assertion leaks nothing */
	free(fifo);
	test_rmtree(dir);
	free(dir);
	if (WIFSIGNALED(status))
		fail_msg("add_file on a FIFO did not return (killed by signal "
		    "%d after 3 s)", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), PTRUST_ERR_IO);
}

/* --------------------------------------------------------------- add_dir */

static void
add_dir_loads_cert_files(void **state)
{
	const struct lab *l = test_lab();
	char *dir = test_tmpdir(), *empty = test_tmpdir();
	ptrust_builder *b = new_builder("callmanager-trust");
	ptrust_builder *b2 = new_builder("radius-trust");
	size_t i;

	(void)state;
	write_pem_in(dir, "a.pem", &l->capf_a, 1);
	write_pem_in(dir, "b.crt", &l->capf_b, 1);
	write_pem_in(dir, "c.cer", &l->mfg_root, 1);
	write_der_in(dir, "d.der", l->mfg_ca);
	write_pem_in(dir, "e.txt", &l->lsc_a, 1);	/* ignored: extension */
	write_pem_in(dir, ".hidden.pem", &l->lsc_b, 1);	/* ignored: hidden */
	write_pem_in(dir, "pem", &l->mic, 1);		/* ignored: no extension */
	write_in(dir, "README", "not a cert\n", 11);

	assert_int_equal(ptrust_builder_add_dir(b, dir, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 4);
	assert_int_equal(ptrust_builder_change_count(b), 4);
	/* files are read in byte order of their names */
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "a", NULL);
	assert_change(b, 1, PTRUST_CHANGE_ADDED, "b", NULL);
	assert_change(b, 2, PTRUST_CHANGE_ADDED, "c", NULL);
	assert_change(b, 3, PTRUST_CHANGE_ADDED, "d", NULL);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b, "a")),
	    PTRUST_ROLE_CAPF);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b, "b")),
	    PTRUST_ROLE_CAPF);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b, "c")),
	    PTRUST_ROLE_OTHER);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b, "d")),
	    PTRUST_ROLE_OTHER);
	assert_int_equal(X509_cmp(ptrust_anchor_get0_x509(
	    ptrust_builder_find(b, "d")), l->mfg_ca), 0);
	assert_null(find_fp(b, l->lsc_a));
	assert_null(find_fp(b, l->lsc_b));
	assert_null(find_fp(b, l->mic));

	/* the role argument applies to every file */
	assert_int_equal(ptrust_builder_add_dir(b2, dir,
	    PTRUST_ROLE_EXTERNAL_CA), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b2), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b2,
		    i)), PTRUST_ROLE_EXTERNAL_CA);

	/* again: every certificate is already there */
	assert_int_equal(ptrust_builder_add_dir(b, dir, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 4);
	assert_int_equal(ptrust_builder_change_count(b), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(ptrust_builder_change(b, i, NULL, NULL),
		    PTRUST_CHANGE_UNCHANGED);

	/* more files than one allocation step: read in name order */
	{
		char *many = test_tmpdir(), name[32];
		ptrust_builder *m = new_builder("many");

		for (i = 0; i < 40; i++) {
			snprintf(name, sizeof(name), "f%02zu.pem", i);
			write_pem_in(many, name, &l->capf_b, 1);
		}
		assert_int_equal(ptrust_builder_add_dir(m, many,
		    PTRUST_ROLE_AUTO), PTRUST_OK);
		assert_int_equal(ptrust_builder_anchor_count(m), 1);
		assert_int_equal(ptrust_builder_change_count(m), 40);
		assert_change(m, 0, PTRUST_CHANGE_ADDED, "f00", NULL);
		for (i = 1; i < 40; i++)
			assert_change(m, i, PTRUST_CHANGE_UNCHANGED, "f00",
			    NULL);
		ptrust_builder_free(m);
		test_rmtree(many);
		free(many);
	}

	/* empty directory: fine, nothing changes */
	assert_int_equal(ptrust_builder_add_dir(b, empty, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 4);
	assert_int_equal(ptrust_builder_change_count(b), 0);

	/* errors: missing directory, bad role, a corrupt file */
	{
		char *missing = join(dir, "nope");
		char *before = builder_summary(b), *after;

		assert_int_equal(ptrust_builder_add_dir(b, missing,
		    PTRUST_ROLE_AUTO), PTRUST_ERR_IO);
		assert_contains(ptrust_builder_error(b), "nope");
		assert_int_equal(ptrust_builder_add_dir(b, dir,
		    (ptrust_role)7), PTRUST_ERR_ARG);
		write_pem_in(empty, "good.pem", &l->lsc_a, 1);
		write_str(empty, "zz-bad.crt", "-----BEGIN CERTIFICATE-----\n"
		    "QUJD\n-----END CERTIFICATE-----\n");
		assert_int_equal(ptrust_builder_add_dir(b, empty,
		    PTRUST_ROLE_AUTO), PTRUST_ERR_PARSE);
		assert_contains(ptrust_builder_error(b), "zz-bad.crt");
		after = builder_summary(b);
		assert_string_equal(before, after);
		assert_null(find_fp(b, l->lsc_a));
		free(after);
		/* a directory named like a certificate file is not one */
		assert_int_equal(unlink(join_tmp(empty, "zz-bad.crt")), 0);
		{
			char *sub = join(empty, "sub.pem");

			assert_int_equal(mkdir(sub, 0755), 0);
			free(sub);
		}
		assert_int_equal(ptrust_builder_add_dir(b, empty,
		    PTRUST_ROLE_AUTO), PTRUST_ERR_IO);
		assert_contains(ptrust_builder_error(b), "sub.pem");
		after = builder_summary(b);
		assert_string_equal(before, after);
		free(before);
		free(after);
		free(missing);
	}

	ptrust_builder_free(b);
	ptrust_builder_free(b2);
	test_rmtree(dir);
	test_rmtree(empty);
	free(dir);
	free(empty);
}

/* -------------------------------------------------------- role inference */

static void
role_cisco_cas_are_manufacturing(void **state)
{
	static const char *const files[] = {
		"act2-ecc-sudi-ca", "act2-sudi-ca", "cisco-ecc-root-ca",
		"cisco-manufacturing-ca-sha2", "cisco-manufacturing-ca",
		"cisco-root-ca-2048", "cisco-root-ca-m1", "cisco-root-ca-m2",
	};
	ptrust_builder *b = new_builder("manufacturing-ca");
	ptrust_builder *b2 = new_builder("manufacturing-ca");
	char rel[128], fp[65];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const ptrust_anchor *a;
		FILE *f;
		X509 *x;

		snprintf(rel, sizeof(rel), "data/cisco/%s.pem", files[i]);
		assert_int_equal(ptrust_builder_add_file(b, test_srcpath(rel),
		    NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
		a = ptrust_builder_find(b, files[i]);
		if (a == NULL)
			fail_msg("no anchor with alias %s", files[i]);
		if (ptrust_anchor_role(a) != PTRUST_ROLE_MANUFACTURING)
			fail_msg("%s: role %s", files[i],
			    ptrust_role_name(ptrust_anchor_role(a)));
		f = fopen(test_srcpath(rel), "r");
		assert_non_null(f);
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
		assert_non_null(x);
		fp_of(x, fp);
		assert_string_equal(ptrust_anchor_sha256(a), fp);

		/* by fingerprint: the role holds under any alias, and in DER */
		{
			unsigned char *der = NULL;
			int n = i2d_X509(x, &der);

			assert_true(n > 0);
			assert_int_equal(ptrust_builder_add_mem(b2, der,
			    (size_t)n, NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
			OPENSSL_free(der);
			assert_int_equal(ptrust_anchor_role(
			    ptrust_builder_find(b2, fp)),
			    PTRUST_ROLE_MANUFACTURING);
		}
		X509_free(x);
	}
	assert_int_equal(ptrust_builder_anchor_count(b), 8);

	/* the real key facts of two of them */
	assert_string_equal(ptrust_anchor_key_type(ptrust_builder_find(b,
	    "cisco-root-ca-m2")), "RSA");
	assert_int_equal(ptrust_anchor_key_bits(ptrust_builder_find(b,
	    "cisco-root-ca-m2")), 2048);
	assert_string_equal(ptrust_anchor_subject(ptrust_builder_find(b,
	    "cisco-root-ca-m2")), "CN=Cisco Root CA M2,O=Cisco");
	assert_string_equal(ptrust_anchor_key_type(ptrust_builder_find(b,
	    "cisco-ecc-root-ca")), "EC");
	assert_int_equal(ptrust_anchor_key_bits(ptrust_builder_find(b,
	    "cisco-ecc-root-ca")), 384);
	/* 2012-11-12T13:00:18Z .. 2037-11-12T13:00:18Z */
	assert_int_equal(ptrust_anchor_not_before(ptrust_builder_find(b,
	    "cisco-root-ca-m2")), (time_t)1352725218);
	assert_int_equal(ptrust_anchor_not_after(ptrust_builder_find(b,
	    "cisco-root-ca-m2")), (time_t)2141643618);

	/* explicit role overrides the inference */
	assert_int_equal(ptrust_builder_add_file(b2,
	    test_srcpath("data/cisco/cisco-root-ca-m2.pem"), "m2-as-other",
	    PTRUST_ROLE_OTHER), PTRUST_OK);
	/* same certificate: unchanged, the existing anchor keeps its role */
	assert_int_equal(ptrust_builder_change(b2, 0, NULL, NULL),
	    PTRUST_CHANGE_UNCHANGED);
	{
		ptrust_builder *b3 = new_builder("callmanager-trust");

		assert_int_equal(ptrust_builder_add_file(b3,
		    test_srcpath("data/cisco/cisco-root-ca-m2.pem"), NULL,
		    PTRUST_ROLE_EXTERNAL_CA), PTRUST_OK);
		assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b3,
		    0)), PTRUST_ROLE_EXTERNAL_CA);
		ptrust_builder_free(b3);
	}
	ptrust_builder_free(b);
	ptrust_builder_free(b2);
}

static void
role_inference_lab(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	X509 *x;
	size_t i;
	static const struct {
		const char *cn;
		ptrust_role role;
	} cases[] = {
		{ "CAPF-12ab34CD", PTRUST_ROLE_CAPF },
		{ "CAPF-xyz01234", PTRUST_ROLE_OTHER },	/* not hex */
		{ "CAPF-a6d4c5720", PTRUST_ROLE_OTHER },	/* 9 digits */
		{ "CAPF-a6d4c57", PTRUST_ROLE_OTHER },	/* 7 digits */
		{ "capf-a6d4c572", PTRUST_ROLE_OTHER },	/* case */
		{ "My Enterprise CA", PTRUST_ROLE_OTHER },
		/* Cisco publishes no fingerprint: a name is no proof */
		{ "CAP-RTP-001", PTRUST_ROLE_OTHER },
		{ "CAP-RTP-002", PTRUST_ROLE_OTHER },
	};

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->capf_b, NULL, PTRUST_ROLE_AUTO);
	/* a lab copy of a Cisco name is not a Cisco CA: names do not count */
	add_x509_ok(b, l->mfg_root, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->mfg_ca, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_anchor_role(find_fp(b, l->capf_a)),
	    PTRUST_ROLE_CAPF);
	assert_int_equal(ptrust_anchor_role(find_fp(b, l->capf_b)),
	    PTRUST_ROLE_CAPF);
	assert_int_equal(ptrust_anchor_role(find_fp(b, l->mfg_root)),
	    PTRUST_ROLE_OTHER);
	assert_int_equal(ptrust_anchor_role(find_fp(b, l->mfg_ca)),
	    PTRUST_ROLE_OTHER);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const ptrust_anchor *a;

		x = mk_cert(cases[i].cn, "Example", 0, 0, 1, l->capf_a_key);
		add_x509_ok(b, x, NULL, PTRUST_ROLE_AUTO);
		a = find_fp(b, x);
		assert_non_null(a);
		if (ptrust_anchor_role(a) != cases[i].role)
			fail_msg("CN %s: role %s, expected %s", cases[i].cn,
			    ptrust_role_name(ptrust_anchor_role(a)),
			    ptrust_role_name(cases[i].role));
		X509_free(x);
	}

	/* explicit roles win over inference */
	{
		ptrust_builder *e = new_builder("x");

		add_x509_ok(e, l->capf_a, NULL, PTRUST_ROLE_OTHER);
		add_x509_ok(e, l->mfg_root, NULL, PTRUST_ROLE_MANUFACTURING);
		add_x509_ok(e, l->capf_b, NULL, PTRUST_ROLE_EXTERNAL_CA);
		assert_int_equal(ptrust_anchor_role(find_fp(e, l->capf_a)),
		    PTRUST_ROLE_OTHER);
		assert_int_equal(ptrust_anchor_role(find_fp(e, l->mfg_root)),
		    PTRUST_ROLE_MANUFACTURING);
		assert_int_equal(ptrust_anchor_role(find_fp(e, l->capf_b)),
		    PTRUST_ROLE_EXTERNAL_CA);
		ptrust_builder_free(e);
	}
	ptrust_builder_free(b);
}

static void
set_role_changes_role(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	const ptrust_anchor *a;
	char fp[65], fpc[96];
	ptrust_store *s = NULL;

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->mfg_root, "lab-root", PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);

	assert_int_equal(ptrust_builder_set_role(b, "lab-root",
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	a = ptrust_builder_find(b, "lab-root");
	assert_int_equal(ptrust_anchor_role(a), PTRUST_ROLE_MANUFACTURING);
	/* the rest of the anchor is the same */
	assert_string_equal(ptrust_anchor_alias(a), "lab-root");
	fp_of(l->mfg_root, fp);
	assert_string_equal(ptrust_anchor_sha256(a), fp);

	/* by fingerprint, colon form */
	fp_of(l->capf_a, fp);
	fp_colons_upper(fp, fpc);
	assert_int_equal(ptrust_builder_set_role(b, fpc,
	    PTRUST_ROLE_EXTERNAL_CA), PTRUST_OK);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b, fp)),
	    PTRUST_ROLE_EXTERNAL_CA);
	assert_string_equal(ptrust_anchor_alias(ptrust_builder_find(b, fp)),
	    "CAPF-a6d4c572");
	assert_int_equal(ptrust_builder_anchor_count(b), 2);

	/* the snapshot taken before is untouched */
	assert_int_equal(ptrust_anchor_role(ptrust_store_find(s, "lab-root")),
	    PTRUST_ROLE_OTHER);
	assert_int_equal(ptrust_anchor_role(ptrust_store_find(s, fp)),
	    PTRUST_ROLE_CAPF);

	/* errors */
	assert_int_equal(ptrust_builder_set_role(b, "nobody",
	    PTRUST_ROLE_CAPF), PTRUST_ERR_NOT_FOUND);
	assert_contains(ptrust_builder_error(b), "nobody");
	assert_int_equal(ptrust_builder_set_role(b, "lab-root",
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_set_role(b, "lab-root",
	    (ptrust_role)(PTRUST_ROLE_OTHER + 1)), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_set_role(b, "lab-root",
	    (ptrust_role)-3), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_set_role(b, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b,
	    "lab-root")), PTRUST_ROLE_MANUFACTURING);
	ptrust_store_unref(s);
	ptrust_builder_free(b);
}

/* ------------------------------------------------------- anchor accessors */

static void
anchor_accessors(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	const time_t nb_rsa = LAB_T0 + 5 * 3600 + 7;
	const time_t na_rsa = LAB_T0 + 400 * LAB_DAY + 59;
	const time_t nb_ec = LAB_T0 - 3 * LAB_DAY;
	const time_t na_ec = (time_t)2556144000 + 12345; /* 2051: GeneralizedTime */
	X509 *rsa, *ec, *ec384;
	EVP_PKEY *k384 = lab_key_ec("P-384");
	const ptrust_anchor *a;
	const unsigned char *der;
	size_t len, mylen;
	unsigned char *mine;
	char fp[65];

	(void)state;
	{
		struct lab_spec s;

		memset(&s, 0, sizeof(s));
		s.cn = "Accessor RSA";
		s.o = "Example Corp";
		s.l = "Lisboa";
		s.st = "Lisboa";
		s.ca = 1;
		s.pathlen = 0;
		s.not_before = nb_rsa;
		s.not_after = na_rsa;
		rsa = lab_issue(&s, l->mic_key, NULL, NULL);
	}
	ec = mk_cert("Accessor EC", "Other Org", nb_ec, na_ec, 1,
	    l->capf_a_key);
	ec384 = mk_cert("Accessor EC384", NULL, 0, 0, 1, k384);
	add_x509_ok(b, rsa, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, ec, "ec-anchor", PTRUST_ROLE_EXTERNAL_CA);
	add_x509_ok(b, ec384, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->lsc_a, NULL, PTRUST_ROLE_AUTO);

	/* RSA */
	a = find_fp(b, rsa);
	assert_non_null(a);
	assert_string_equal(ptrust_anchor_alias(a), "Accessor_RSA");
	fp_of(rsa, fp);
	assert_string_equal(ptrust_anchor_sha256(a), fp);
	assert_int_equal(strlen(ptrust_anchor_sha256(a)), 64);
	assert_string_equal(ptrust_anchor_subject(a),
	    "CN=Accessor RSA,L=Lisboa,ST=Lisboa,O=Example Corp");
	assert_string_equal(ptrust_anchor_issuer(a),
	    "CN=Accessor RSA,L=Lisboa,ST=Lisboa,O=Example Corp");
	assert_int_equal(ptrust_anchor_not_before(a), nb_rsa);
	assert_int_equal(ptrust_anchor_not_after(a), na_rsa);
	assert_string_equal(ptrust_anchor_key_type(a), "RSA");
	assert_int_equal(ptrust_anchor_key_bits(a), 2048);
	assert_int_equal(ptrust_anchor_role(a), PTRUST_ROLE_OTHER);
	der = ptrust_anchor_der(a, &len);
	mine = lab_der(rsa, &mylen);
	assert_non_null(der);
	assert_int_equal(len, mylen);
	assert_memory_equal(der, mine, len);
	assert_ptr_equal(ptrust_anchor_der(a, NULL), der);
	free(mine);
	assert_non_null(ptrust_anchor_get0_x509(a));
	assert_int_equal(X509_cmp(ptrust_anchor_get0_x509(a), rsa), 0);

	/* EC P-256, explicit alias and role, validity beyond 2049 */
	a = ptrust_builder_find(b, "ec-anchor");
	assert_non_null(a);
	fp_of(ec, fp);
	assert_string_equal(ptrust_anchor_sha256(a), fp);
	assert_string_equal(ptrust_anchor_subject(a),
	    "CN=Accessor EC,O=Other Org");
	assert_int_equal(ptrust_anchor_not_before(a), nb_ec);
	assert_int_equal(ptrust_anchor_not_after(a), na_ec);
	assert_string_equal(ptrust_anchor_key_type(a), "EC");
	assert_int_equal(ptrust_anchor_key_bits(a), 256);
	assert_int_equal(ptrust_anchor_role(a), PTRUST_ROLE_EXTERNAL_CA);
	der = ptrust_anchor_der(a, &len);
	mine = lab_der(ec, &mylen);
	assert_int_equal(len, mylen);
	assert_memory_equal(der, mine, len);
	free(mine);

	/* EC P-384, no O, default lab validity */
	a = find_fp(b, ec384);
	assert_non_null(a);
	assert_string_equal(ptrust_anchor_subject(a), "CN=Accessor EC384");
	assert_string_equal(ptrust_anchor_key_type(a), "EC");
	assert_int_equal(ptrust_anchor_key_bits(a), 384);
	assert_int_equal(ptrust_anchor_not_before(a), LAB_T0 - LAB_DAY);
	assert_int_equal(ptrust_anchor_not_after(a), LAB_T0 + 3650 * LAB_DAY);

	/* special characters in a value are escaped */
	{
		X509 *x = mk_cert("Example, Inc. CA+1", "A=B", 0, 0, 1,
		    l->capf_a_key);

		add_x509_ok(b, x, "escaped", PTRUST_ROLE_AUTO);
		assert_string_equal(ptrust_anchor_subject(ptrust_builder_find(
		    b, "escaped")), "CN=Example\\, Inc. CA\\+1,O=A=B");
		X509_free(x);
	}

	/* issuer differs from subject for an issued certificate */
	a = find_fp(b, l->lsc_a);
	assert_non_null(a);
	assert_string_equal(ptrust_anchor_subject(a),
	    "CN=SEP001122334455,O=Example Corp");
	assert_string_equal(ptrust_anchor_issuer(a),
	    "CN=CAPF-a6d4c572,L=Lisboa,ST=Lisboa,O=Example Corp");
	assert_string_equal(ptrust_anchor_key_type(a), "EC");

	/* the same anchors through a snapshot, alive after the builder goes */
	{
		ptrust_store *s = NULL;

		assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
		ptrust_builder_free(b);
		b = NULL;
		a = ptrust_store_find(s, "ec-anchor");
		assert_non_null(a);
		assert_string_equal(ptrust_anchor_subject(a),
		    "CN=Accessor EC,O=Other Org");
		assert_int_equal(ptrust_anchor_not_after(a), na_ec);
		assert_int_equal(X509_cmp(ptrust_anchor_get0_x509(a), ec), 0);
		ptrust_store_unref(s);
	}
	X509_free(rsa);
	X509_free(ec);
	X509_free(ec384);
	EVP_PKEY_free(k384);
}

/* ------------------------------------------------------------ CUCM rule */

static void
cucm_newer_replaces(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	X509 *old = mk_cert("CAPF-11112222", "Example Corp",
	    LAB_T0 - 100 * LAB_DAY, 0, 1, l->capf_a_key);
	X509 *mid = mk_cert("CAPF-11112222", "Example Corp",
	    LAB_T0 - 50 * LAB_DAY, 0, 1, l->capf_b_key);
	X509 *newer = mk_cert("CAPF-11112222", "Example Corp",
	    LAB_T0 - 10 * LAB_DAY, 0, 1, l->capf_a_key);
	char fold[65], fmid[65], fnew[65];

	(void)state;
	fp_of(old, fold);
	fp_of(mid, fmid);
	fp_of(newer, fnew);
	add_x509_ok(b, l->capf_b, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, old, "capf-old", PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "capf-old", NULL);
	assert_int_equal(ptrust_builder_anchor_count(b), 2);

	/* newer notBefore, no alias: takes the place and alias of the old one */
	add_x509_ok(b, mid, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_change_count(b), 1);
	assert_change(b, 0, PTRUST_CHANGE_REPLACED, "capf-old", "capf-old");
	assert_int_equal(ptrust_builder_anchor_count(b), 2);
	assert_null(ptrust_builder_find(b, fold));
	assert_non_null(ptrust_builder_find(b, fmid));
	assert_string_equal(ptrust_anchor_sha256(ptrust_builder_find(b,
	    "capf-old")), fmid);

	/* newer still, explicit alias: the new alias, the old one reported */
	add_x509_ok(b, newer, "capf-new", PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_change_count(b), 1);
	assert_change(b, 0, PTRUST_CHANGE_REPLACED, "capf-new", "capf-old");
	assert_int_equal(ptrust_builder_anchor_count(b), 2);
	assert_null(ptrust_builder_find(b, "capf-old"));
	assert_null(ptrust_builder_find(b, fmid));
	assert_string_equal(ptrust_anchor_sha256(ptrust_builder_find(b,
	    "capf-new")), fnew);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b,
	    "capf-new")), PTRUST_ROLE_CAPF);
	assert_non_null(find_fp(b, l->capf_b));

	X509_free(old);
	X509_free(mid);
	X509_free(newer);
	ptrust_builder_free(b);
}

static void
cucm_older_or_equal_kept(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	const time_t t = LAB_T0 - 10 * LAB_DAY;
	X509 *cur = mk_cert("CAPF-33334444", "Example Corp", t, 0, 1,
	    l->capf_a_key);
	X509 *older = mk_cert("CAPF-33334444", "Example Corp", t - 1, 0, 1,
	    l->capf_a_key);
	X509 *same_time = mk_cert("CAPF-33334444", "Example Corp", t,
	    LAB_T0 + 9000 * LAB_DAY, 1, l->capf_b_key);
	char fcur[65], *before, *after;

	(void)state;
	fp_of(cur, fcur);
	add_x509_ok(b, cur, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "CAPF-33334444", NULL);
	before = builder_summary(b);

	add_x509_ok(b, older, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_change_count(b), 1);
	assert_change(b, 0, PTRUST_CHANGE_KEPT_EXISTING, NULL,
	    "CAPF-33334444");
	after = builder_summary(b);
	assert_string_equal(before, after);
	free(after);
	assert_null(find_fp(b, older));

	/* equal notBefore: the existing one stays too */
	add_x509_ok(b, same_time, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_KEPT_EXISTING, NULL,
	    "CAPF-33334444");
	after = builder_summary(b);
	assert_string_equal(before, after);
	free(after);
	assert_null(find_fp(b, same_time));
	assert_string_equal(ptrust_anchor_sha256(ptrust_builder_find(b,
	    "CAPF-33334444")), fcur);

	/* the exact same certificate again: unchanged */
	add_x509_ok(b, cur, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_change_count(b), 1);
	assert_change(b, 0, PTRUST_CHANGE_UNCHANGED, "CAPF-33334444", NULL);
	after = builder_summary(b);
	assert_string_equal(before, after);
	free(after);

	/* in one PEM: older then newer, the newer wins */
	{
		ptrust_builder *c = new_builder("c");
		X509 *pair[] = { older, cur };
		char fold[65];

		add_pem_ok(c, pair, 2, NULL, PTRUST_ROLE_AUTO);
		fp_of(older, fold);
		assert_int_equal(ptrust_builder_anchor_count(c), 1);
		assert_int_equal(ptrust_builder_change_count(c), 2);
		assert_change(c, 0, PTRUST_CHANGE_ADDED, "CAPF-33334444", NULL);
		assert_change(c, 1, PTRUST_CHANGE_REPLACED, "CAPF-33334444",
		    "CAPF-33334444");
		assert_non_null(ptrust_builder_find(c, fcur));
		assert_null(ptrust_builder_find(c, fold));
		ptrust_builder_free(c);
	}

	free(before);
	X509_free(cur);
	X509_free(older);
	X509_free(same_time);
	ptrust_builder_free(b);
}

static void
change_accessors(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	const char *a = "untouched", *o = "untouched";

	(void)state;
	assert_string_equal(ptrust_change_kind_name(PTRUST_CHANGE_ADDED),
	    "added");
	assert_string_equal(ptrust_change_kind_name(PTRUST_CHANGE_REPLACED),
	    "replaced");
	assert_string_equal(ptrust_change_kind_name(
	    PTRUST_CHANGE_KEPT_EXISTING), "kept-existing");
	assert_string_equal(ptrust_change_kind_name(PTRUST_CHANGE_UNCHANGED),
	    "unchanged");
	assert_null(ptrust_change_kind_name((ptrust_change_kind)0));
	assert_null(ptrust_change_kind_name((ptrust_change_kind)99));

	assert_int_equal(ptrust_builder_change_count(b), 0);
	assert_int_equal(ptrust_builder_change(b, 0, &a, &o), 0);
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_change(b, 0, NULL, NULL),
	    PTRUST_CHANGE_ADDED);
	assert_int_equal(ptrust_builder_change(b, 1, &a, &o), 0);
	assert_int_equal(ptrust_builder_change(b, (size_t)-1, &a, &o), 0);

	/* remove and set_role are not adds: the log stays */
	add_x509_ok(b, l->capf_b, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_set_role(b, "CAPF-a6d4c572",
	    PTRUST_ROLE_OTHER), PTRUST_OK);
	assert_int_equal(ptrust_builder_change_count(b), 1);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "CAPF-0badcafe", NULL);
	ptrust_builder_free(b);
}

/* ---------------------------------------------------------------- remove */

static void
remove_by_alias_and_fingerprint(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char fp[65], fpc[96], lower_colons[96];
	size_t i;

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->capf_b, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->mfg_root, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->mfg_ca, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_anchor_count(b), 4);

	/* by alias */
	assert_int_equal(ptrust_builder_remove(b, "CAPF-a6d4c572"), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 3);
	assert_null(ptrust_builder_find(b, "CAPF-a6d4c572"));
	assert_null(find_fp(b, l->capf_a));
	assert_int_equal(ptrust_builder_remove(b, "CAPF-a6d4c572"),
	    PTRUST_ERR_NOT_FOUND);
	assert_contains(ptrust_builder_error(b), "CAPF-a6d4c572");

	/* by fingerprint, plain lower case */
	fp_of(l->capf_b, fp);
	assert_int_equal(ptrust_builder_remove(b, fp), PTRUST_OK);
	assert_null(find_fp(b, l->capf_b));
	assert_int_equal(ptrust_builder_anchor_count(b), 2);

	/* upper case with colons */
	fp_of(l->mfg_root, fp);
	fp_colons_upper(fp, fpc);
	assert_int_equal(ptrust_builder_remove(b, fpc), PTRUST_OK);
	assert_null(find_fp(b, l->mfg_root));
	assert_int_equal(ptrust_builder_anchor_count(b), 1);

	/* lower case with colons, then upper case without */
	fp_of(l->mfg_ca, fp);
	fp_colons_upper(fp, fpc);
	for (i = 0; fpc[i] != '\0'; i++)
		lower_colons[i] = (char)(fpc[i] >= 'A' && fpc[i] <= 'F' ?
		    fpc[i] - 'A' + 'a' : fpc[i]);
	lower_colons[i] = '\0';
	assert_non_null(ptrust_builder_find(b, lower_colons));
	for (i = 0; i < 64; i++)
		fpc[i] = (char)(fp[i] >= 'a' ? fp[i] - 'a' + 'A' : fp[i]);
	fpc[64] = '\0';
	assert_non_null(ptrust_builder_find(b, fpc));
	assert_int_equal(ptrust_builder_remove(b, lower_colons), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 0);
	assert_int_equal(ptrust_builder_remove(b, fpc), PTRUST_ERR_NOT_FOUND);

	/* near misses are not found */
	add_x509_ok(b, l->mfg_ca, NULL, PTRUST_ROLE_AUTO);
	fp[63] = '\0';	/* 63 digits */
	assert_int_equal(ptrust_builder_remove(b, fp), PTRUST_ERR_NOT_FOUND);
	assert_int_equal(ptrust_builder_remove(b, ""), PTRUST_ERR_NOT_FOUND);
	assert_int_equal(ptrust_builder_remove(b, "lab_manufacturing_ca_sha2"),
	    PTRUST_ERR_NOT_FOUND);	/* aliases are case-sensitive */
	assert_int_equal(ptrust_builder_remove(b, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	ptrust_builder_free(b);
}

/* ------------------------------------------------------- find, snapshots */

static void
find_on_builder_and_store(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	ptrust_store *s = NULL;
	char fp[65], fpc[96];
	size_t i;

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->mfg_root, "root", PTRUST_ROLE_MANUFACTURING);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	assert_non_null(s);
	assert_string_equal(ptrust_store_name(s), "callmanager-trust");
	assert_int_equal(ptrust_store_anchor_count(s), 2);
	for (i = 0; i < 2; i++) {
		const ptrust_anchor *ba = ptrust_builder_anchor(b, i);
		const ptrust_anchor *sa = ptrust_store_anchor(s, i);

		assert_non_null(ba);
		assert_non_null(sa);
		assert_string_equal(ptrust_anchor_sha256(ba),
		    ptrust_anchor_sha256(sa));
		assert_string_equal(ptrust_anchor_alias(ba),
		    ptrust_anchor_alias(sa));
	}
	assert_null(ptrust_builder_anchor(b, 2));
	assert_null(ptrust_store_anchor(s, 2));
	assert_null(ptrust_store_anchor(s, (size_t)-1));

	fp_of(l->capf_a, fp);
	fp_colons_upper(fp, fpc);
	assert_ptr_equal(ptrust_builder_find(b, "CAPF-a6d4c572"),
	    ptrust_builder_find(b, fp));
	assert_ptr_equal(ptrust_builder_find(b, fpc),
	    ptrust_builder_find(b, fp));
	assert_ptr_equal(ptrust_store_find(s, "CAPF-a6d4c572"),
	    ptrust_store_find(s, fpc));
	assert_string_equal(ptrust_anchor_sha256(ptrust_store_find(s, fp)),
	    fp);
	assert_int_equal(ptrust_anchor_role(ptrust_store_find(s, "root")),
	    PTRUST_ROLE_MANUFACTURING);
	assert_null(ptrust_builder_find(b, "missing"));
	assert_null(ptrust_store_find(s, "missing"));
	assert_null(ptrust_store_find(s, "Root"));
	assert_null(ptrust_builder_find(b, NULL));
	assert_null(ptrust_store_find(s, NULL));
	fp_of(l->capf_b, fp);
	assert_null(ptrust_builder_find(b, fp));
	assert_null(ptrust_store_find(s, fp));
	ptrust_store_unref(s);
	ptrust_builder_free(b);
}

static void
builder_from_store_copies(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("capf-trust"), *c;
	ptrust_store *s = NULL, *s2 = NULL;
	char *sum_b, *sum_c;

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->capf_b, "old-cluster", PTRUST_ROLE_EXTERNAL_CA);
	add_x509_ok(b, l->mfg_root, NULL, PTRUST_ROLE_MANUFACTURING);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	sum_b = builder_summary(b);
	ptrust_builder_free(b);

	c = ptrust_builder_new_from_store(s);
	assert_non_null(c);
	assert_string_equal(ptrust_builder_name(c), "capf-trust");
	assert_int_equal(ptrust_builder_change_count(c), 0);
	assert_string_equal(ptrust_builder_error(c), "");
	sum_c = builder_summary(c);
	assert_string_equal(sum_b, sum_c);
	free(sum_c);

	/* changing the copy changes neither the snapshot nor a new copy */
	assert_int_equal(ptrust_builder_remove(c, "old-cluster"), PTRUST_OK);
	add_x509_ok(c, l->mfg_ca, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_store_anchor_count(s), 3);
	assert_non_null(ptrust_store_find(s, "old-cluster"));
	assert_null(ptrust_store_find(s, "Lab_Manufacturing_CA_SHA2"));
	assert_int_equal(ptrust_builder_build(c, &s2), PTRUST_OK);
	assert_true(ptrust_store_generation(s2) > ptrust_store_generation(s));
	assert_int_equal(ptrust_store_anchor_count(s2), 3);
	assert_null(ptrust_store_find(s2, "old-cluster"));
	assert_non_null(ptrust_store_find(s2, "Lab_Manufacturing_CA_SHA2"));
	ptrust_builder_free(c);

	/* the snapshot outlives every builder */
	ptrust_store_unref(s);
	assert_int_equal(ptrust_store_anchor_count(s2), 3);
	{
		ptrust_builder *d = ptrust_builder_new_from_store(s2);

		assert_non_null(d);
		sum_c = builder_summary(d);
		assert_non_null(strstr(sum_c, "Lab_Manufacturing_CA_SHA2"));
		free(sum_c);
		ptrust_builder_free(d);
	}
	/* an empty snapshot gives an empty builder */
	{
		ptrust_builder *e = new_builder("empty"), *f;
		ptrust_store *es = NULL;

		assert_int_equal(ptrust_builder_build(e, &es), PTRUST_OK);
		assert_int_equal(ptrust_store_anchor_count(es), 0);
		assert_null(ptrust_store_anchor(es, 0));
		f = ptrust_builder_new_from_store(es);
		assert_non_null(f);
		assert_string_equal(ptrust_builder_name(f), "empty");
		assert_int_equal(ptrust_builder_anchor_count(f), 0);
		ptrust_builder_free(f);
		ptrust_builder_free(e);
		ptrust_store_unref(es);
	}
	ptrust_store_unref(s2);
	free(sum_b);
}

static void
snapshots_are_immutable(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	ptrust_store *s1 = NULL, *s2 = NULL, *s3 = NULL;
	char fa[65];

	(void)state;
	fp_of(l->capf_a, fa);
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->capf_b, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_build(b, &s1), PTRUST_OK);

	assert_int_equal(ptrust_builder_remove(b, "CAPF-0badcafe"), PTRUST_OK);
	assert_int_equal(ptrust_builder_set_role(b, "CAPF-a6d4c572",
	    PTRUST_ROLE_OTHER), PTRUST_OK);
	add_x509_ok(b, l->mfg_root, NULL, PTRUST_ROLE_AUTO);

	assert_int_equal(ptrust_store_anchor_count(s1), 2);
	assert_non_null(ptrust_store_find(s1, "CAPF-0badcafe"));
	assert_null(ptrust_store_find(s1, "Lab_Root_CA_M2"));
	assert_int_equal(ptrust_anchor_role(ptrust_store_find(s1, fa)),
	    PTRUST_ROLE_CAPF);

	assert_int_equal(ptrust_builder_build(b, &s2), PTRUST_OK);
	assert_int_equal(ptrust_store_anchor_count(s2), 2);
	assert_null(ptrust_store_find(s2, "CAPF-0badcafe"));
	assert_non_null(ptrust_store_find(s2, "Lab_Root_CA_M2"));
	assert_int_equal(ptrust_anchor_role(ptrust_store_find(s2, fa)),
	    PTRUST_ROLE_OTHER);

	/* an unchanged builder still yields a new generation */
	assert_int_equal(ptrust_builder_build(b, &s3), PTRUST_OK);
	assert_true(ptrust_store_generation(s1) > 0);
	assert_true(ptrust_store_generation(s2) > ptrust_store_generation(s1));
	assert_true(ptrust_store_generation(s3) > ptrust_store_generation(s2));
	assert_ptr_not_equal(s2, s3);

	/* freeing the builder leaves the snapshots whole */
	ptrust_builder_free(b);
	assert_int_equal(ptrust_anchor_role(ptrust_store_find(s1, fa)),
	    PTRUST_ROLE_CAPF);
	assert_string_equal(ptrust_anchor_alias(ptrust_store_find(s3,
	    "Lab_Root_CA_M2")), "Lab_Root_CA_M2");
	ptrust_store_unref(s1);
	ptrust_store_unref(s2);
	ptrust_store_unref(s3);
}

static void
generation_grows(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *a = new_builder("a"), *b = new_builder("b");
	ptrust_store *s = NULL;
	uint64_t last = 0;
	int i;

	(void)state;
	add_x509_ok(a, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	for (i = 0; i < 50; i++) {
		ptrust_builder *which = i % 2 ? a : b;

		assert_int_equal(ptrust_builder_build(which, &s), PTRUST_OK);
		assert_true(ptrust_store_generation(s) > last);
		last = ptrust_store_generation(s);
		assert_string_equal(ptrust_store_name(s), i % 2 ? "a" : "b");
		ptrust_store_unref(s);
	}
	ptrust_builder_free(a);
	ptrust_builder_free(b);
}

static void
store_ref_unref(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	ptrust_store *s = NULL;
	ptrust_result *r;
	ptrust_options *o = test_options();
	const ptrust_anchor *a;
	int i;

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	ptrust_builder_free(b);

	for (i = 0; i < 10; i++)
		assert_ptr_equal(ptrust_store_ref(s), s);
	for (i = 0; i < 10; i++)
		ptrust_store_unref(s);
	/* still alive: one reference left */
	assert_int_equal(ptrust_store_anchor_count(s), 1);
	assert_string_equal(ptrust_store_name(s), "callmanager-trust");

	/* a result keeps its snapshot and anchor alive */
	r = test_verify(s, &l->lsc_a, 1, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_store_unref(s);		/* the last reference of ours */
	a = ptrust_result_anchor(r);
	assert_non_null(a);
	assert_string_equal(ptrust_anchor_alias(a), "CAPF-a6d4c572");
	assert_string_equal(ptrust_result_store_name(r), "callmanager-trust");
	ptrust_result_free(r);		/* frees the snapshot (valgrind checks) */
	ptrust_options_free(o);
	assert_null(ptrust_store_ref(NULL));
	ptrust_store_unref(NULL);
}

/* ---------------------------------------------------------- save / load */

static void
assert_anchor_file(const char *dir, const char *alias, const char *role)
{
	char name[200], *p, *text, line[200];
	const char *begin, *rl;

	snprintf(name, sizeof(name), "%s.pem", alias);
	p = join(dir, name);
	text = read_text(p, NULL);
	if (text == NULL)
		fail_msg("%s missing", p);
	free(p);
	/* comment lines first */
	assert_true(text[0] == '#');
	begin = strstr(text, "-----BEGIN CERTIFICATE-----");
	assert_non_null(begin);
	for (rl = text; rl < begin; rl = strchr(rl, '\n') + 1)
		assert_true(*rl == '#');
	snprintf(line, sizeof(line), "\n# role: %s\n", role);
	rl = strstr(text, line);
	if (rl == NULL || rl > begin)
		fail_msg("%s.pem: no \"# role: %s\" line before the block",
		    alias, role);
	snprintf(line, sizeof(line), "\n# alias: %s\n", alias);
	rl = strstr(text, line);
	if (rl == NULL || rl > begin)
		fail_msg("%s.pem: no \"# alias: %s\" line", alias, alias);
	free(text);
}

static void
save_load_round_trip(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	ptrust_builder *c = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *sb, *sc;

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);	/* capf */
	add_x509_ok(b, l->capf_b, "old-cluster", PTRUST_ROLE_EXTERNAL_CA);
	add_x509_ok(b, l->mfg_root, "lab-root", PTRUST_ROLE_MANUFACTURING);
	add_x509_ok(b, l->mfg_ca, NULL, PTRUST_ROLE_AUTO);	/* other */
	assert_int_equal(ptrust_builder_add_file(b,
	    test_srcpath("data/cisco/cisco-root-ca-m2.pem"), NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	/* a CAPF name with a role set by hand that inference would not give */
	{
		X509 *x = mk_cert("CAPF-99998888", "Example Corp", 0, 0, 1,
		    l->capf_a_key);

		add_x509_ok(b, x, "capf-as-other", PTRUST_ROLE_OTHER);
		X509_free(x);
	}
	assert_int_equal(ptrust_builder_anchor_count(b), 6);

	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	assert_string_equal(ptrust_builder_error(b), "");
	assert_int_equal(count_prefixed(dir, ".ptrust-"), 0);
	/* six anchors and the manifest of their roles */
	assert_int_equal(count_prefixed(dir, ""), 7);
	assert_anchor_file(dir, "CAPF-a6d4c572", "capf");
	assert_anchor_file(dir, "old-cluster", "external-ca");
	assert_anchor_file(dir, "lab-root", "manufacturing");
	assert_anchor_file(dir, "Lab_Manufacturing_CA_SHA2", "other");
	assert_anchor_file(dir, "cisco-root-ca-m2", "manufacturing");
	assert_anchor_file(dir, "capf-as-other", "other");
	{
		struct stat st;

		assert_int_equal(stat(join_tmp(dir, "CAPF-a6d4c572.pem"), &st),
		    0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0644);
	}
	/* an ordinary PEM file for OpenSSL, with the fingerprint noted */
	{
		FILE *f = fopen(join_tmp(dir, "old-cluster.pem"), "r");
		X509 *x;
		char fp[65], want[80], *text;

		assert_non_null(f);
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
		assert_non_null(x);
		assert_int_equal(X509_cmp(x, l->capf_b), 0);
		X509_free(x);
		fp_of(l->capf_b, fp);
		snprintf(want, sizeof(want), "\n# sha256: %s\n", fp);
		text = read_text(join_tmp(dir, "old-cluster.pem"), NULL);
		assert_non_null(text);
		assert_contains(text, want);
		assert_contains(text, "\n# subject: CN=CAPF-0badcafe,L=Porto,"
		    "ST=Porto,O=Other Cluster\n");
		free(text);
	}

	/* load replaces whatever the builder held */
	add_x509_ok(c, l->lsc_b, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_load_dir(c, dir), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(c), 6);
	assert_null(find_fp(c, l->lsc_b));
	assert_int_equal(ptrust_builder_change_count(c), 6);
	sb = builder_summary(b);
	sc = builder_summary(c);
	assert_string_equal(sb, sc);
	free(sc);

	/* add_dir reads no roles: not from comments, not from the manifest */
	{
		ptrust_builder *d = new_builder("callmanager-trust");

		assert_int_equal(ptrust_builder_add_dir(d, dir,
		    PTRUST_ROLE_AUTO), PTRUST_OK);
		assert_int_equal(ptrust_anchor_role(ptrust_builder_find(d,
		    "old-cluster")), PTRUST_ROLE_CAPF);
		assert_int_equal(ptrust_anchor_role(ptrust_builder_find(d,
		    "capf-as-other")), PTRUST_ROLE_CAPF);
		assert_int_equal(ptrust_anchor_role(ptrust_builder_find(d,
		    "lab-root")), PTRUST_ROLE_OTHER);
		ptrust_builder_free(d);
	}
	free(sb);

	/* save again after removing two: their files go, the rest stays */
	write_in(dir, "notes.txt", "keep me\n", 8);
	write_in(dir, ".keep.pem", "hidden\n", 7);
	assert_int_equal(ptrust_builder_remove(b, "old-cluster"), PTRUST_OK);
	assert_int_equal(ptrust_builder_remove(b, "lab-root"), PTRUST_OK);
	assert_int_equal(ptrust_builder_set_role(b, "CAPF-a6d4c572",
	    PTRUST_ROLE_EXTERNAL_CA), PTRUST_OK);
	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	assert_false(exists_in(dir, "old-cluster.pem"));
	assert_false(exists_in(dir, "lab-root.pem"));
	assert_true(exists_in(dir, "notes.txt"));
	assert_true(exists_in(dir, ".keep.pem"));
	assert_anchor_file(dir, "CAPF-a6d4c572", "external-ca");
	assert_int_equal(count_prefixed(dir, ".ptrust-"), 0);
	assert_int_equal(ptrust_builder_load_dir(c, dir), PTRUST_OK);
	sb = builder_summary(b);
	sc = builder_summary(c);
	assert_string_equal(sb, sc);
	free(sb);
	free(sc);

	/* an empty store empties the directory of anchor files */
	{
		ptrust_builder *e = new_builder("callmanager-trust");

		assert_int_equal(ptrust_builder_save_dir(e, dir), PTRUST_OK);
		/* notes, .keep and the (empty) manifest */
		assert_int_equal(count_prefixed(dir, ""), 3);
		assert_int_equal(ptrust_builder_load_dir(c, dir), PTRUST_OK);
		assert_int_equal(ptrust_builder_anchor_count(c), 0);
		ptrust_builder_free(e);
	}

	ptrust_builder_free(b);
	ptrust_builder_free(c);
	test_rmtree(dir);
	free(dir);
}

/*
 * After a save, loading the directory gives back exactly the saved store,
 * even when the directory held other certificate files of ours before.
 */
static void
save_then_load_is_exact(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("radius-trust");
	ptrust_builder *c = new_builder("radius-trust");
	char *dir = test_tmpdir(), *sb, *sc;

	(void)state;
	write_der_in(dir, "stale.der", l->lsc_a);
	write_pem_in(dir, "stale.crt", &l->lsc_b, 1);
	write_pem_in(dir, "Stale.PEM", &l->mic, 1);
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->mfg_ca, "mfg", PTRUST_ROLE_MANUFACTURING);
	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	assert_int_equal(ptrust_builder_load_dir(c, dir), PTRUST_OK);
	sb = builder_summary(b);
	sc = builder_summary(c);
	assert_string_equal(sb, sc);
	free(sb);
	free(sc);
	ptrust_builder_free(b);
	ptrust_builder_free(c);
	test_rmtree(dir);
	free(dir);
}

/*
 * Every valid alias survives a save and a load.  Aliases may end in '_' or
 * '.', and two aliases may differ only there.
 */
static void
save_load_keeps_every_valid_alias(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	ptrust_builder *c = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *sb, *sc, saved[1024], loaded[1024];

	(void)state;
	add_x509_ok(b, l->capf_a, "capf_", PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->capf_b, "capf", PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->mfg_root, "root.v2.", PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	assert_true(exists_in(dir, "capf_.pem"));
	assert_true(exists_in(dir, "capf.pem"));
	assert_true(exists_in(dir, "root.v2..pem"));
	assert_int_equal(ptrust_builder_load_dir(c, dir), PTRUST_OK);
	sb = builder_summary(b);
	sc = builder_summary(c);
	/* clean up first: a failed comparison leaks nothing */
	snprintf(saved, sizeof(saved), "%s", sb);
	snprintf(loaded, sizeof(loaded), "%s", sc);
	free(sb);
	free(sc);
	ptrust_builder_free(b);
	ptrust_builder_free(c);
	test_rmtree(dir);
	free(dir);
	assert_string_equal(saved, loaded);
}

static void
save_dir_errors(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *file, *deep, *fresh;

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	file = join(dir, "plain-file");
	write_bytes(file, "x", 1);
	deep = join(dir, "no/such/parent");
	fresh = join(dir, "fresh");

	assert_int_equal(ptrust_builder_save_dir(b, file), PTRUST_ERR_IO);
	assert_contains(ptrust_builder_error(b), "plain-file");
	assert_int_equal(ptrust_builder_save_dir(b, deep), PTRUST_ERR_IO);
	assert_contains(ptrust_builder_error(b), "parent");
	/* a directory that does not exist yet is created */
	assert_int_equal(ptrust_builder_save_dir(b, fresh), PTRUST_OK);
	assert_true(exists_in(fresh, "CAPF-a6d4c572.pem"));
	/* load_dir of something that is not a directory */
	assert_int_equal(ptrust_builder_load_dir(b, deep), PTRUST_ERR_IO);
	assert_int_equal(ptrust_builder_load_dir(b, file), PTRUST_ERR_IO);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);

	free(file);
	free(deep);
	free(fresh);
	ptrust_builder_free(b);
	test_rmtree(dir);
	free(dir);
}

/*
 * Temporary files carry the writer's pid (.ptrust-PID-XXXXXX).  A save
 * removes those of writers that are dead (a crash between mkstemp and
 * rename); another live writer's, and names it did not make, stay (issue
 * 13: concurrent writers deleted each other's files).
 */
static void
save_dir_removes_only_dead_writers_temp_files(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b;
	char *dir, dead[64], live[64];
	pid_t pid;
	int status;

	(void)state;
	/* a pid that was ours and is no more (forked before we allocate) */
	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(0);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	b = new_builder("callmanager-trust");
	dir = test_tmpdir();
	snprintf(dead, sizeof(dead), ".ptrust-%ld-Ab12Cd", (long)pid);
	snprintf(live, sizeof(live), ".ptrust-%ld-Zz9876", (long)getppid());
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	write_str(dir, dead, "# libphonetrust trust anchor\n");
	write_str(dir, live, "");
	write_str(dir, ".ptrust-Qq1234", "");
	write_str(dir, ".other-hidden", "not ours\n");
	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	assert_false(exists_in(dir, dead));
	assert_true(exists_in(dir, live));
	assert_true(exists_in(dir, ".ptrust-Qq1234"));
	assert_true(exists_in(dir, ".other-hidden"));
	assert_true(exists_in(dir, "CAPF-a6d4c572.pem"));
	/* and a load skips them all */
	assert_int_equal(ptrust_builder_load_dir(b, dir), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	ptrust_builder_free(b);
	test_rmtree(dir);
	free(dir);
}

/*
 * A save that fails while writing leaves the previous store on disk byte
 * for byte and no temporary file.  Writes fail through RLIMIT_FSIZE in a
 * child (root ignores permission bits, not file size limits).
 */
static void
save_dir_failure_is_atomic(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *old = new_builder("callmanager-trust");
	ptrust_builder *nb = new_builder("callmanager-trust");
	char *dir = test_tmpdir();
	struct dirsnap before, after;
	int status = 0;
	pid_t pid;

	(void)state;
	add_x509_ok(old, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(old, l->capf_b, "old-cluster", PTRUST_ROLE_AUTO);
	add_x509_ok(old, l->mfg_root, "lab-root", PTRUST_ROLE_MANUFACTURING);
	assert_int_equal(ptrust_builder_save_dir(old, dir), PTRUST_OK);
	write_in(dir, "notes.txt", "admin notes\n", 12);
	dirsnap_take(dir, &before);
	assert_int_equal(before.n, 5);	/* with notes.txt and the manifest */

	/* different content: one file changes, one goes, two are new */
	add_x509_ok(nb, l->capf_a, NULL, PTRUST_ROLE_EXTERNAL_CA);
	add_x509_ok(nb, l->mfg_root, "lab-root", PTRUST_ROLE_MANUFACTURING);
	add_x509_ok(nb, l->mfg_ca, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_add_file(nb,
	    test_srcpath("data/cisco/cisco-root-ca-m2.pem"), NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl;
		ptrust_status st;

		signal(SIGXFSZ, SIG_IGN);
		rl.rlim_cur = rl.rlim_max = 100;	/* any anchor file is larger */
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(100);
		st = ptrust_builder_save_dir(nb, dir);
		/* free what this test holds: valgrind checks the child too */
		ptrust_builder_free(nb);
		ptrust_builder_free(old);
		dirsnap_free(&before);
		free(dir);
		_exit((int)st);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != PTRUST_ERR_IO)
		fail_msg("save under RLIMIT_FSIZE: exit %d, expected %d (%s)",
		    WEXITSTATUS(status), PTRUST_ERR_IO,
		    ptrust_status_name(PTRUST_ERR_IO));

	dirsnap_take(dir, &after);
	assert_int_equal(count_prefixed(dir, ".ptrust-"), 0);
	dirsnap_assert_equal(&before, &after);
	dirsnap_free(&after);

	/* without the limit the same save works and changes the files */
	assert_int_equal(ptrust_builder_save_dir(nb, dir), PTRUST_OK);
	assert_false(exists_in(dir, "old-cluster.pem"));
	assert_anchor_file(dir, "CAPF-a6d4c572", "external-ca");
	assert_true(exists_in(dir, "cisco-root-ca-m2.pem"));
	assert_int_equal(count_prefixed(dir, ".ptrust-"), 0);

	dirsnap_free(&before);
	ptrust_builder_free(old);
	ptrust_builder_free(nb);
	test_rmtree(dir);
	free(dir);
}

static void
load_dir_failure_leaves_builder(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	ptrust_builder *c = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *before, *after;

	(void)state;
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, l->mfg_root, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_save_dir(b, dir), PTRUST_OK);
	write_str(dir, "zz-corrupt.pem", "# role: capf\n-----BEGIN "
	    "CERTIFICATE-----\nMIIBbroken\n-----END CERTIFICATE-----\n");

	add_x509_ok(c, l->capf_b, "keep-me", PTRUST_ROLE_EXTERNAL_CA);
	before = builder_summary(c);
	assert_int_equal(ptrust_builder_load_dir(c, dir), PTRUST_ERR_PARSE);
	assert_contains(ptrust_builder_error(c), "zz-corrupt.pem");
	after = builder_summary(c);
	assert_string_equal(before, after);
	assert_int_equal(ptrust_builder_anchor_count(c), 1);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(c, "keep-me")),
	    PTRUST_ROLE_EXTERNAL_CA);
	free(after);

	/* a file that is only text, in DER's place */
	{
		char *p = join(dir, "zz-corrupt.pem");

		assert_int_equal(unlink(p), 0);
		free(p);
	}
	write_der_in(dir, "a-good.der", l->capf_b);
	write_in(dir, "b-text.cer", "hello\n", 6);
	assert_int_equal(ptrust_builder_load_dir(c, dir), PTRUST_ERR_PARSE);
	assert_contains(ptrust_builder_error(c), "b-text.cer");
	after = builder_summary(c);
	assert_string_equal(before, after);
	free(after);

	/* missing directory */
	{
		char *p = join(dir, "gone");

		assert_int_equal(ptrust_builder_load_dir(c, p), PTRUST_ERR_IO);
		assert_contains(ptrust_builder_error(c), "gone");
		free(p);
	}
	after = builder_summary(c);
	assert_string_equal(before, after);
	free(after);
	free(before);
	ptrust_builder_free(b);
	ptrust_builder_free(c);
	test_rmtree(dir);
	free(dir);
}

/* ------------------------------------------- large stores, lookup tables */

static void
assert_builder_state(const ptrust_builder *b, const char *before)
{
	char *now = test_builder_state(b, 1);

	assert_string_equal(now, before);
	free(now);
}

/* Anchor i of b holds x under alias, and both keys find it. */
static void
assert_anchor_at(const ptrust_builder *b, size_t i, X509 *x,
    const char *alias)
{
	const ptrust_anchor *a = ptrust_builder_anchor(b, i);
	char fp[65], fpc[96];

	assert_non_null(a);
	fp_of(x, fp);
	fp_colons_upper(fp, fpc);
	assert_string_equal(ptrust_anchor_sha256(a), fp);
	assert_string_equal(ptrust_anchor_alias(a), alias);
	assert_ptr_equal(ptrust_builder_find(b, alias), a);
	assert_ptr_equal(ptrust_builder_find(b, fp), a);
	assert_ptr_equal(ptrust_builder_find(b, fpc), a);
}

/* Anchor i of the big store, by alias and by fingerprint. */
static void
assert_store_finds(const ptrust_store *s, size_t i, const char *fp)
{
	char alias[32];

	snprintf(alias, sizeof(alias), "Big_CA_%04zu", i);
	assert_ptr_equal(ptrust_store_find(s, alias),
	    ptrust_store_anchor(s, i));
	assert_ptr_equal(ptrust_store_find(s, fp), ptrust_store_anchor(s, i));
}

/*
 * Thousands of anchors added one at a time (quadratic before the lookup
 * tables and the single sort of the store's objects): every one where it
 * belongs and findable, and validation through the store unchanged.
 */
static void
big_store_one_at_a_time(void **state)
{
	enum { N = 1000, MID = N / 2 };
	EVP_PKEY *key = lab_key_ec("P-256"), *leaf_key = lab_key_ec("P-256");
	X509 **cas = calloc(N, sizeof(*cas)), *leaf, *stranger, *stray_leaf;
	char (*fps)[65] = calloc(N, sizeof(*fps));
	char cn[32], alias[32];
	ptrust_builder *b = new_builder("big-trust");
	ptrust_options *o = test_options();
	ptrust_store *s = NULL;
	ptrust_result *r;
	struct lab_spec ls;
	char *pem, *before;
	size_t i, len;

	(void)state;
	assert_non_null(key);
	assert_non_null(leaf_key);
	assert_non_null(cas);
	assert_non_null(fps);
	for (i = 0; i < N; i++) {
		snprintf(cn, sizeof(cn), "Big CA %04zu", i);
		cas[i] = mk_cert(cn, "Big Store", 0, 0, 1, key);
		assert_non_null(cas[i]);
		fp_of(cas[i], fps[i]);
	}
	for (i = 0; i < N; i++) {
		add_x509_ok(b, cas[i], NULL, PTRUST_ROLE_AUTO);
		snprintf(alias, sizeof(alias), "Big_CA_%04zu", i);
		assert_int_equal(ptrust_builder_change_count(b), 1);
		assert_change(b, 0, PTRUST_CHANGE_ADDED, alias, NULL);
	}
	assert_int_equal(ptrust_builder_anchor_count(b), N);
	for (i = 0; i < N; i++) {
		snprintf(alias, sizeof(alias), "Big_CA_%04zu", i);
		assert_anchor_at(b, i, cas[i], alias);
	}

	/* all of them again in one bundle: nothing changes */
	before = test_builder_state(b, 1);
	pem = lab_pem(cas, N, &len);
	assert_int_equal(ptrust_builder_add_mem(b, pem, len, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	free(pem);
	assert_int_equal(ptrust_builder_change_count(b), N);
	snprintf(alias, sizeof(alias), "Big_CA_%04d", MID);
	assert_change(b, MID, PTRUST_CHANGE_UNCHANGED, alias, NULL);
	assert_builder_state(b, before);
	free(before);

	/* the snapshot: same anchors, same order */
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	assert_int_equal(ptrust_store_anchor_count(s), N);
	for (i = 0; i < N; i++)
		assert_ptr_equal(ptrust_store_anchor(s, i),
		    ptrust_builder_anchor(b, i));
	/* (the store's find walks its anchors: a sample) */
	for (i = 0; i < N; i += 97)
		assert_store_finds(s, i, fps[i]);
	assert_store_finds(s, MID, fps[MID]);
	assert_store_finds(s, N - 1, fps[N - 1]);

	/* a leaf of the CA in the middle validates to exactly that anchor */
	memset(&ls, 0, sizeof(ls));
	ls.cn = "SEP00BB00BB00BB";
	ls.pathlen = -1;
	ls.eku = "clientAuth,serverAuth";
	leaf = lab_issue(&ls, leaf_key, cas[MID], key);
	assert_non_null(leaf);
	r = test_verify(s, &leaf, 1, o);
	assert_true(ptrust_result_trusted(r));
	assert_ptr_equal(ptrust_result_anchor(r), ptrust_store_anchor(s, MID));
	ptrust_result_free(r);

	/* one of a CA the store lacks (same key, another name) does not */
	stranger = mk_cert("Big CA stranger", "Big Store", 0, 0, 1, key);
	assert_non_null(stranger);
	stray_leaf = lab_issue(&ls, leaf_key, stranger, key);
	assert_non_null(stray_leaf);
	r = test_verify(s, &stray_leaf, 1, o);
	assert_false(ptrust_result_trusted(r));
	assert_null(ptrust_result_anchor(r));
	ptrust_result_free(r);

	X509_free(leaf);
	X509_free(stray_leaf);
	X509_free(stranger);
	for (i = 0; i < N; i++)
		X509_free(cas[i]);
	free(cas);
	free(fps);
	EVP_PKEY_free(key);
	EVP_PKEY_free(leaf_key);
	ptrust_options_free(o);
	ptrust_store_unref(s);
	ptrust_builder_free(b);
}

/* Room for an alias (128 characters) and more. */
#define ALIAS_BUF	160

/* "Equiv X-<first 8 hex digits of x's fingerprint>" and the like. */
static const char *
suffixed(const char *alias, X509 *x)
{
	static char buf[ALIAS_BUF];
	char fp[65];

	fp_of(x, fp);
	snprintf(buf, sizeof(buf), "%s-%.8s", alias, fp);
	return buf;
}

/*
 * CUCM's rules and the alias rules through a script of adds, finds and
 * removals, each step's change log as the builder has always written it.
 */
static void
builder_rules_in_sequence(void **state)
{
	const struct lab *l = test_lab();
	EVP_PKEY *k = l->capf_a_key;
	ptrust_builder *b = new_builder("callmanager-trust");
	X509 *a0, *a1, *a2, *a2b, *a3, *bb, *b_other, *c, *c2, *d1, *d2, *e;
	X509 *bundle[3];
	char *pem, *before, fpa3[65], fpe[65], bo_alias[ALIAS_BUF];
	size_t len;

	(void)state;
	a0 = mk_cert("Equiv A", "Eq", LAB_T0 - 20 * LAB_DAY, 0, 1, k);
	a1 = mk_cert("Equiv A", "Eq", LAB_T0 - 10 * LAB_DAY, 0, 1, k);
	a2 = mk_cert("Equiv A", "Eq", LAB_T0 - 5 * LAB_DAY, 0, 1, k);
	a2b = mk_cert("Equiv A", "Eq", LAB_T0 - 5 * LAB_DAY, 0, 1, k);
	a3 = mk_cert("Equiv A", "Eq", LAB_T0 - 2 * LAB_DAY, 0, 1, k);
	bb = mk_cert("Equiv B", "Eq", 0, 0, 1, k);
	b_other = mk_cert("Equiv B", "Other", 0, 0, 1, k);
	c = mk_cert("Equiv C", "Eq", 0, 0, 1, k);
	c2 = mk_cert("Equiv C2", "Eq", 0, 0, 1, k);
	d1 = mk_cert("Equiv D", "Eq", LAB_T0 - 10 * LAB_DAY, 0, 1, k);
	d2 = mk_cert("Equiv D", "Eq", LAB_T0 - 5 * LAB_DAY, 0, 1, k);
	e = mk_cert("Equiv E", "Eq", 0, 0, 1, k);
	fp_of(a3, fpa3);
	fp_of(e, fpe);

	/* a bundle holding one certificate twice */
	bundle[0] = a1;
	bundle[1] = bb;
	bundle[2] = a1;
	pem = lab_pem(bundle, 3, &len);
	assert_int_equal(ptrust_builder_add_mem(b, pem, len, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	free(pem);
	assert_int_equal(ptrust_builder_change_count(b), 3);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "Equiv_A", NULL);
	assert_change(b, 1, PTRUST_CHANGE_ADDED, "Equiv_B", NULL);
	assert_change(b, 2, PTRUST_CHANGE_UNCHANGED, "Equiv_A", NULL);
	assert_int_equal(ptrust_builder_anchor_count(b), 2);
	assert_anchor_at(b, 0, a1, "Equiv_A");
	assert_anchor_at(b, 1, bb, "Equiv_B");

	/* newer: replaced in place; older or as old: the one there stays */
	add_x509_ok(b, a2, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_REPLACED, "Equiv_A", "Equiv_A");
	assert_anchor_at(b, 0, a2, "Equiv_A");
	assert_null(find_fp(b, a1));
	before = test_builder_state(b, 1);
	add_x509_ok(b, a0, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_KEPT_EXISTING, "Equiv_A", "Equiv_A");
	add_x509_ok(b, a1, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_KEPT_EXISTING, "Equiv_A", "Equiv_A");
	add_x509_ok(b, a2b, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_KEPT_EXISTING, "Equiv_A", "Equiv_A");
	add_x509_ok(b, a0, "free-name", PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_KEPT_EXISTING, "free-name",
	    "Equiv_A");
	assert_builder_state(b, before);
	free(before);

	/* another subject with the same CN: the derived alias is suffixed */
	add_x509_ok(b, b_other, NULL, PTRUST_ROLE_AUTO);
	snprintf(bo_alias, sizeof(bo_alias), "%s", suffixed("Equiv_B",
	    b_other));
	assert_change(b, 0, PTRUST_CHANGE_ADDED, bo_alias, NULL);
	assert_anchor_at(b, 2, b_other, bo_alias);

	/* an explicit alias naming another anchor: refused, nothing changes */
	before = test_builder_state(b, 1);
	assert_int_equal(ptrust_builder_add_x509(b, c, "Equiv_B",
	    PTRUST_ROLE_AUTO), PTRUST_ERR_EXISTS);
	assert_string_equal(ptrust_builder_error(b),
	    "alias Equiv_B already names another certificate");
	assert_int_equal(ptrust_builder_change_count(b), 0);
	assert_builder_state(b, before);
	/* ... on the way to replacing, or to keeping the one there */
	assert_int_equal(ptrust_builder_add_x509(b, a3, "Equiv_B",
	    PTRUST_ROLE_AUTO), PTRUST_ERR_EXISTS);
	assert_builder_state(b, before);
	assert_int_equal(ptrust_builder_add_x509(b, a0, bo_alias,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_EXISTS);
	assert_contains(ptrust_builder_error(b), bo_alias);
	assert_builder_state(b, before);
	free(before);

	/* an explicit alias on a replacement renames it */
	add_x509_ok(b, a3, "a-renamed", PTRUST_ROLE_CAPF);
	assert_change(b, 0, PTRUST_CHANGE_REPLACED, "a-renamed", "Equiv_A");
	assert_anchor_at(b, 0, a3, "a-renamed");
	assert_null(ptrust_builder_find(b, "Equiv_A"));
	assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b, 0)),
	    PTRUST_ROLE_CAPF);

	/* a later certificate of the same call replaces an earlier one */
	bundle[0] = d1;
	bundle[1] = d2;
	pem = lab_pem(bundle, 2, &len);
	assert_int_equal(ptrust_builder_add_mem(b, pem, len, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	free(pem);
	assert_int_equal(ptrust_builder_change_count(b), 2);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "Equiv_D", NULL);
	assert_change(b, 1, PTRUST_CHANGE_REPLACED, "Equiv_D", "Equiv_D");
	assert_anchor_at(b, 3, d2, "Equiv_D");
	assert_int_equal(ptrust_builder_anchor_count(b), 4);

	/* removal moves the anchors after it; they stay findable */
	assert_int_equal(ptrust_builder_remove(b, "Equiv_B"), PTRUST_OK);
	assert_null(ptrust_builder_find(b, "Equiv_B"));
	assert_null(find_fp(b, bb));
	assert_anchor_at(b, 0, a3, "a-renamed");
	assert_anchor_at(b, 1, b_other, bo_alias);
	assert_anchor_at(b, 2, d2, "Equiv_D");
	/* ... and after the next add, which rebuilds the tables */
	add_x509_ok(b, bb, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "Equiv_B", NULL);
	assert_anchor_at(b, 0, a3, "a-renamed");
	assert_anchor_at(b, 1, b_other, bo_alias);
	assert_anchor_at(b, 2, d2, "Equiv_D");
	assert_anchor_at(b, 3, bb, "Equiv_B");
	assert_int_equal(ptrust_builder_set_role(b, "Equiv_B",
	    PTRUST_ROLE_EXTERNAL_CA), PTRUST_OK);
	assert_anchor_at(b, 3, bb, "Equiv_B");
	assert_int_equal(ptrust_anchor_role(find_fp(b, bb)),
	    PTRUST_ROLE_EXTERNAL_CA);
	assert_int_equal(ptrust_builder_remove(b, "no-such"),
	    PTRUST_ERR_NOT_FOUND);

	/*
	 * A key that is one anchor's alias and another's fingerprint names
	 * the first of the two in anchor order.
	 */
	add_x509_ok(b, c, fpa3, PTRUST_ROLE_AUTO);	/* after a3 */
	assert_ptr_equal(ptrust_builder_find(b, fpa3),
	    ptrust_builder_anchor(b, 0));
	add_x509_ok(b, c2, fpe, PTRUST_ROLE_AUTO);	/* before e */
	add_x509_ok(b, e, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_anchor_count(b), 7);
	assert_ptr_equal(ptrust_builder_find(b, fpe),
	    ptrust_builder_anchor(b, 5));
	assert_int_equal(ptrust_builder_remove(b, fpe), PTRUST_OK);
	assert_null(find_fp(b, c2));
	assert_ptr_equal(ptrust_builder_find(b, fpe),
	    ptrust_builder_anchor(b, 5));
	assert_anchor_at(b, 5, e, "Equiv_E");

	X509_free(a0);
	X509_free(a1);
	X509_free(a2);
	X509_free(a2b);
	X509_free(a3);
	X509_free(bb);
	X509_free(b_other);
	X509_free(c);
	X509_free(c2);
	X509_free(d1);
	X509_free(d2);
	X509_free(e);
	ptrust_builder_free(b);
}

/* A self-signed CA whose subject (and issuer) is CN=cn,O=o as given. */
static X509 *
mk_named(int cn_type, const void *cn, int cn_len, int o_type, const char *o,
    time_t nb, EVP_PKEY *key)
{
	X509 *x = mk_cert("placeholder", NULL, nb, 0, 1, key);
	X509_NAME *n = X509_NAME_new();

	assert_non_null(x);
	assert_non_null(n);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", cn_type,
	    (const unsigned char *)cn, cn_len, -1, 0), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "O", o_type,
	    (const unsigned char *)o, -1, -1, 0), 1);
	assert_int_equal(X509_set_subject_name(x, n), 1);
	assert_int_equal(X509_set_issuer_name(x, n), 1);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

/*
 * One subject is one subject however it is written: names that differ
 * only in case, spacing or string type are equal to X509_NAME_cmp, and
 * the newer-wins rule treats them as the same subject.
 */
static void
subject_equal_in_canonical_form(void **state)
{
	const struct lab *l = test_lab();
	static const unsigned char bmp[] = {	/* "Canon Test CA", UCS-2 */
		0, 'C', 0, 'a', 0, 'n', 0, 'o', 0, 'n', 0, ' ', 0, 'T', 0, 'e',
		0, 's', 0, 't', 0, ' ', 0, 'C', 0, 'A',
	};
	ptrust_builder *b = new_builder("callmanager-trust");
	X509 *n0, *n1, *n2, *other;
	unsigned char *d1 = NULL, *d2 = NULL;
	int l1, l2;
	char *before;

	(void)state;
	n1 = mk_named(MBSTRING_UTF8, "Canon Test CA", -1, MBSTRING_UTF8,
	    "Canon Org", LAB_T0 - 10 * LAB_DAY, l->capf_a_key);
	n2 = mk_named(V_ASN1_PRINTABLESTRING, "  CANON  test   ca ", -1,
	    V_ASN1_PRINTABLESTRING, "canon ORG", LAB_T0 - 5 * LAB_DAY,
	    l->capf_a_key);
	n0 = mk_named(V_ASN1_BMPSTRING, bmp, (int)sizeof(bmp),
	    V_ASN1_IA5STRING, "Canon Org", LAB_T0 - 20 * LAB_DAY,
	    l->capf_a_key);
	other = mk_named(MBSTRING_UTF8, "Canon Test CB", -1, MBSTRING_UTF8,
	    "Canon Org", LAB_T0 - 5 * LAB_DAY, l->capf_a_key);
	/* the premise: encoded differently, equal to OpenSSL */
	l1 = i2d_X509_NAME(X509_get_subject_name(n1), &d1);
	l2 = i2d_X509_NAME(X509_get_subject_name(n2), &d2);
	assert_true(l1 > 0 && l2 > 0);
	assert_true(l1 != l2 || memcmp(d1, d2, (size_t)l1) != 0);
	OPENSSL_free(d1);
	OPENSSL_free(d2);
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(n1),
	    X509_get_subject_name(n2)), 0);
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(n1),
	    X509_get_subject_name(n0)), 0);
	assert_true(X509_NAME_cmp(X509_get_subject_name(n1),
	    X509_get_subject_name(other)) != 0);

	add_x509_ok(b, l->capf_b, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, n1, NULL, PTRUST_ROLE_EXTERNAL_CA);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "Canon_Test_CA", NULL);
	add_x509_ok(b, n2, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_REPLACED, "Canon_Test_CA",
	    "Canon_Test_CA");
	assert_int_equal(ptrust_builder_anchor_count(b), 2);
	assert_anchor_at(b, 1, n2, "Canon_Test_CA");
	assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b, 1)),
	    PTRUST_ROLE_EXTERNAL_CA);
	before = test_builder_state(b, 1);
	add_x509_ok(b, n0, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_KEPT_EXISTING, "Canon_Test_CA",
	    "Canon_Test_CA");
	assert_builder_state(b, before);
	free(before);
	add_x509_ok(b, other, NULL, PTRUST_ROLE_AUTO);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "Canon_Test_CB", NULL);
	assert_int_equal(ptrust_builder_anchor_count(b), 3);

	/* the same in one call, and in a builder copied from a snapshot */
	{
		ptrust_store *s = NULL;
		ptrust_builder *c;
		X509 *three[3];
		char *pem;
		size_t len;

		assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
		c = ptrust_builder_new_from_store(s);
		assert_non_null(c);
		three[0] = n0;
		three[1] = n1;
		three[2] = other;
		pem = lab_pem(three, 3, &len);
		assert_int_equal(ptrust_builder_add_mem(c, pem, len, NULL,
		    PTRUST_ROLE_AUTO), PTRUST_OK);
		free(pem);
		assert_change(c, 0, PTRUST_CHANGE_KEPT_EXISTING,
		    "Canon_Test_CA", "Canon_Test_CA");
		assert_change(c, 1, PTRUST_CHANGE_KEPT_EXISTING,
		    "Canon_Test_CA", "Canon_Test_CA");
		assert_change(c, 2, PTRUST_CHANGE_UNCHANGED, "Canon_Test_CB",
		    NULL);
		assert_anchor_at(c, 1, n2, "Canon_Test_CA");
		ptrust_builder_free(c);
		ptrust_store_unref(s);
	}

	X509_free(n0);
	X509_free(n1);
	X509_free(n2);
	X509_free(other);
	ptrust_builder_free(b);
}

/*
 * load_dir replaces everything: what the builder held does not count, the
 * rules apply among the files, and a failure brings the old set back.
 */
static void
load_dir_replaces_all(void **state)
{
	const struct lab *l = test_lab();
	EVP_PKEY *k = l->capf_a_key;
	ptrust_builder *b = new_builder("callmanager-trust");
	char *dir = test_tmpdir(), *before;
	X509 *a0, *a1, *a2, *bb;

	(void)state;
	a0 = mk_cert("Load A", "Ld", LAB_T0 - 20 * LAB_DAY, 0, 1, k);
	a1 = mk_cert("Load A", "Ld", LAB_T0 - 10 * LAB_DAY, 0, 1, k);
	a2 = mk_cert("Load A", "Ld", LAB_T0 - 5 * LAB_DAY, 0, 1, k);
	bb = mk_cert("Load B", "Ld", 0, 0, 1, k);
	/* read in name order: w, x, y, z */
	write_pem_in(dir, "w.pem", &a0, 1);
	write_pem_in(dir, "x.pem", &a1, 1);
	write_pem_in(dir, "y.pem", &bb, 1);
	write_pem_in(dir, "z.pem", &a2, 1);

	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	add_x509_ok(b, bb, "bee", PTRUST_ROLE_EXTERNAL_CA);
	add_x509_ok(b, a1, "w", PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_remove(b, "CAPF-a6d4c572"),
	    PTRUST_OK);		/* tables stale when the load starts */
	assert_int_equal(ptrust_builder_load_dir(b, dir), PTRUST_OK);
	assert_int_equal(ptrust_builder_change_count(b), 4);
	assert_change(b, 0, PTRUST_CHANGE_ADDED, "w", NULL);
	assert_change(b, 1, PTRUST_CHANGE_REPLACED, "w", "w");
	assert_change(b, 2, PTRUST_CHANGE_ADDED, "y", NULL);
	assert_change(b, 3, PTRUST_CHANGE_REPLACED, "w", "w");
	assert_int_equal(ptrust_builder_anchor_count(b), 2);
	assert_anchor_at(b, 0, a2, "w");
	assert_anchor_at(b, 1, bb, "y");
	assert_null(ptrust_builder_find(b, "bee"));
	assert_null(ptrust_builder_find(b, "x"));
	assert_null(find_fp(b, l->capf_a));
	assert_null(find_fp(b, a1));
	assert_int_equal(ptrust_anchor_role(find_fp(b, bb)),
	    PTRUST_ROLE_OTHER);

	/* a bad file among them: the old set, as it was */
	add_x509_ok(b, l->capf_b, NULL, PTRUST_ROLE_AUTO);
	before = test_builder_state(b, 1);
	write_str(dir, "zz-bad.pem", "-----BEGIN CERTIFICATE-----\nQUJD\n"
	    "-----END CERTIFICATE-----\n");
	assert_int_equal(ptrust_builder_load_dir(b, dir), PTRUST_ERR_PARSE);
	assert_builder_state(b, before);
	assert_int_equal(ptrust_builder_change_count(b), 0);
	assert_anchor_at(b, 0, a2, "w");
	assert_anchor_at(b, 2, l->capf_b, "CAPF-0badcafe");
	free(before);

	X509_free(a0);
	X509_free(a1);
	X509_free(a2);
	X509_free(bb);
	ptrust_builder_free(b);
	test_rmtree(dir);
	free(dir);
}

/* ----------------------------------------------------------- NULL args */

static void
null_arguments(void **state)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = new_builder("callmanager-trust");
	ptrust_store *s = (ptrust_store *)&s;	/* must be reset to NULL */
	const char *a = NULL, *o = NULL;
	size_t len = 123;
	char *dir = test_tmpdir();

	(void)state;
	/* free functions */
	ptrust_builder_free(NULL);
	ptrust_store_unref(NULL);

	assert_null(ptrust_builder_new(NULL));
	assert_null(ptrust_builder_new_from_store(NULL));
	assert_non_null(ptrust_builder_error(NULL));
	assert_null(ptrust_builder_name(NULL));

	assert_int_equal(ptrust_builder_add_mem(NULL, "x", 1, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_mem(b, NULL, 1, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_file(NULL, "x.pem", NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_file(b, NULL, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_true(ptrust_builder_error(b)[0] != '\0');
	assert_int_equal(ptrust_builder_add_dir(NULL, dir, PTRUST_ROLE_AUTO),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_dir(b, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_x509(NULL, l->capf_a, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_add_x509(b, NULL, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_ERR_ARG);

	assert_int_equal(ptrust_builder_change_count(NULL), 0);
	assert_int_equal(ptrust_builder_change(NULL, 0, &a, &o), 0);
	assert_int_equal(ptrust_builder_change(NULL, 0, NULL, NULL), 0);

	assert_int_equal(ptrust_builder_remove(NULL, "x"), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_remove(b, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_set_role(NULL, "x", PTRUST_ROLE_CAPF),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_set_role(b, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_ERR_ARG);

	assert_int_equal(ptrust_builder_anchor_count(NULL), 0);
	assert_null(ptrust_builder_anchor(NULL, 0));
	assert_null(ptrust_builder_find(NULL, "x"));
	assert_null(ptrust_builder_find(b, NULL));

	assert_int_equal(ptrust_builder_load_dir(NULL, dir), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_load_dir(b, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_save_dir(NULL, dir), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_save_dir(b, NULL), PTRUST_ERR_ARG);

	assert_int_equal(ptrust_builder_build(NULL, &s), PTRUST_ERR_ARG);
	assert_null(s);
	assert_int_equal(ptrust_builder_build(b, NULL), PTRUST_ERR_ARG);

	assert_null(ptrust_store_ref(NULL));
	assert_null(ptrust_store_name(NULL));
	assert_int_equal(ptrust_store_generation(NULL), 0);
	assert_int_equal(ptrust_store_anchor_count(NULL), 0);
	assert_null(ptrust_store_anchor(NULL, 0));
	assert_null(ptrust_store_find(NULL, "x"));

	assert_null(ptrust_anchor_alias(NULL));
	assert_null(ptrust_anchor_sha256(NULL));
	assert_null(ptrust_anchor_subject(NULL));
	assert_null(ptrust_anchor_issuer(NULL));
	assert_int_equal(ptrust_anchor_not_before(NULL), 0);
	assert_int_equal(ptrust_anchor_not_after(NULL), 0);
	assert_null(ptrust_anchor_key_type(NULL));
	assert_int_equal(ptrust_anchor_key_bits(NULL), 0);
	assert_int_equal(ptrust_anchor_role(NULL), PTRUST_ROLE_OTHER);
	assert_null(ptrust_anchor_der(NULL, &len));
	assert_int_equal(len, 0);
	assert_null(ptrust_anchor_der(NULL, NULL));
	assert_null(ptrust_anchor_get0_x509(NULL));

	/* the builder is still usable and empty */
	assert_int_equal(ptrust_builder_anchor_count(b), 0);
	add_x509_ok(b, l->capf_a, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	assert_non_null(s);
	assert_null(ptrust_store_find(s, NULL));
	ptrust_store_unref(s);
	ptrust_builder_free(b);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builder_new_names),
		cmocka_unit_test(add_mem_pem_one),
		cmocka_unit_test(add_mem_pem_several),
		cmocka_unit_test(add_mem_der),
		cmocka_unit_test(add_mem_garbage),
		cmocka_unit_test(add_mem_private_key_only),
		cmocka_unit_test(add_refuses_private_key),
		cmocka_unit_test(add_tells_pkcs12),
		cmocka_unit_test(add_mem_bad_args),
		cmocka_unit_test(role_comment_ignored_on_import),
		cmocka_unit_test(role_comment_does_not_change_role_on_replace),
		cmocka_unit_test(role_survives_save_load_via_manifest),
		cmocka_unit_test(cisco_lookalike_refused_unless_allowed),
		cmocka_unit_test(alias_longest_is_128),
		cmocka_unit_test(input_over_16mib_refused),
		cmocka_unit_test(load_dir_refuses_links_and_special_files),
		cmocka_unit_test(derived_alias_rules),
		cmocka_unit_test(derived_alias_second_collision),
		cmocka_unit_test(anchor_order),
		cmocka_unit_test(add_x509_takes_reference),
		cmocka_unit_test(add_file_alias_from_stem),
		cmocka_unit_test(add_file_errors),
		cmocka_unit_test(add_file_fifo_does_not_block),
		cmocka_unit_test(add_dir_loads_cert_files),
		cmocka_unit_test(role_cisco_cas_are_manufacturing),
		cmocka_unit_test(role_inference_lab),
		cmocka_unit_test(set_role_changes_role),
		cmocka_unit_test(anchor_accessors),
		cmocka_unit_test(cucm_newer_replaces),
		cmocka_unit_test(cucm_older_or_equal_kept),
		cmocka_unit_test(change_accessors),
		cmocka_unit_test(remove_by_alias_and_fingerprint),
		cmocka_unit_test(find_on_builder_and_store),
		cmocka_unit_test(builder_from_store_copies),
		cmocka_unit_test(snapshots_are_immutable),
		cmocka_unit_test(generation_grows),
		cmocka_unit_test(store_ref_unref),
		cmocka_unit_test(save_load_round_trip),
		cmocka_unit_test(save_then_load_is_exact),
		cmocka_unit_test(save_load_keeps_every_valid_alias),
		cmocka_unit_test(save_dir_errors),
		cmocka_unit_test(save_dir_removes_only_dead_writers_temp_files),
		cmocka_unit_test(save_dir_failure_is_atomic),
		cmocka_unit_test(load_dir_failure_leaves_builder),
		cmocka_unit_test(big_store_one_at_a_time),
		cmocka_unit_test(builder_rules_in_sequence),
		cmocka_unit_test(subject_equal_in_canonical_form),
		cmocka_unit_test(load_dir_replaces_all),
		cmocka_unit_test(null_arguments),
	};
	int rc;

	/* PTRUST_TEST_FILTER=save_dir_* runs only the matching tests */
	if (getenv("PTRUST_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("PTRUST_TEST_FILTER"));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_lab_free();
	return rc;
}
