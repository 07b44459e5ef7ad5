#include "config.h"

#include <ftw.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static struct lab lab;
static int lab_built;

const struct lab *
test_lab(void)
{
	struct lab_spec s;

	if (lab_built)
		return &lab;
	lab.root_key = lab_key_rsa(2048);
	lab.mfg_key = lab_key_rsa(2048);
	lab.mic_key = lab_key_rsa(2048);
	lab.capf_a_key = lab_key_ec("P-256");
	lab.lsc_a_key = lab_key_ec("P-256");
	lab.capf_b_key = lab_key_rsa(2048);
	lab.lsc_b_key = lab_key_rsa(2048);

	memset(&s, 0, sizeof(s));
	s.cn = "Lab Root CA M2"; s.o = "Cisco"; s.ca = 1; s.pathlen = -1;
	s.not_after = LAB_T0 + 7000 * LAB_DAY;
	lab.mfg_root = lab_issue(&s, lab.root_key, NULL, NULL);

	memset(&s, 0, sizeof(s));
	s.cn = "Lab Manufacturing CA SHA2"; s.o = "Cisco"; s.ca = 1;
	s.pathlen = 0; s.not_after = LAB_T0 + 5000 * LAB_DAY;
	lab.mfg_ca = lab_issue(&s, lab.mfg_key, lab.mfg_root, lab.root_key);

	memset(&s, 0, sizeof(s));
	s.cn = "SEP001122334455"; s.o = "Cisco Systems Inc."; s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	lab.mic = lab_issue(&s, lab.mic_key, lab.mfg_ca, lab.mfg_key);

	memset(&s, 0, sizeof(s));
	s.cn = "CAPF-a6d4c572"; s.o = "Example Corp"; s.l = "Lisboa";
	s.st = "Lisboa"; s.ca = 1; s.pathlen = 0;
	s.key_usage = "critical,digitalSignature,keyCertSign";
	lab.capf_a = lab_issue(&s, lab.capf_a_key, NULL, NULL);

	memset(&s, 0, sizeof(s));
	s.cn = "SEP001122334455"; s.o = "Example Corp"; s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	s.key_usage = "critical,digitalSignature,keyAgreement";
	lab.lsc_a = lab_issue(&s, lab.lsc_a_key, lab.capf_a, lab.capf_a_key);

	memset(&s, 0, sizeof(s));
	s.cn = "CAPF-0badcafe"; s.o = "Other Cluster"; s.l = "Porto";
	s.st = "Porto"; s.ca = 1; s.pathlen = 0;
	s.key_usage = "critical,digitalSignature,keyCertSign";
	lab.capf_b = lab_issue(&s, lab.capf_b_key, NULL, NULL);

	memset(&s, 0, sizeof(s));
	s.cn = "SEP00AABBCCDDEE"; s.o = "Other Cluster"; s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	lab.lsc_b = lab_issue(&s, lab.lsc_b_key, lab.capf_b, lab.capf_b_key);
	lab_built = 1;
	return &lab;
}

void
test_lab_free(void)
{
	if (!lab_built)
		return;
	EVP_PKEY_free(lab.root_key);
	EVP_PKEY_free(lab.mfg_key);
	EVP_PKEY_free(lab.mic_key);
	EVP_PKEY_free(lab.capf_a_key);
	EVP_PKEY_free(lab.lsc_a_key);
	EVP_PKEY_free(lab.capf_b_key);
	EVP_PKEY_free(lab.lsc_b_key);
	X509_free(lab.mfg_root);
	X509_free(lab.mfg_ca);
	X509_free(lab.mic);
	X509_free(lab.capf_a);
	X509_free(lab.lsc_a);
	X509_free(lab.capf_b);
	X509_free(lab.lsc_b);
	memset(&lab, 0, sizeof(lab));
	lab_built = 0;
}

ptrust_store *
test_store(const char *name, ptrust_role role, X509 *const *anchors, int n)
{
	ptrust_builder *b = ptrust_builder_new(name);
	ptrust_store *s = NULL;
	int i;

	assert_non_null(b);
	for (i = 0; i < n; i++)
		assert_int_equal(ptrust_builder_add_x509(b, anchors[i], NULL,
		    role), PTRUST_OK);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	ptrust_builder_free(b);
	return s;
}

ptrust_chain *
test_chain(X509 *const *certs, int n)
{
	ptrust_chain *c = ptrust_chain_new();
	int i;

	assert_non_null(c);
	for (i = 0; i < n; i++)
		assert_int_equal(ptrust_chain_add_x509(c, certs[i]), PTRUST_OK);
	return c;
}

ptrust_options *
test_options(void)
{
	ptrust_options *o = ptrust_options_new();

	assert_non_null(o);
	assert_int_equal(ptrust_options_set_time(o, TEST_NOW), PTRUST_OK);
	return o;
}

ptrust_result *
test_verify(const ptrust_store *s, X509 *const *certs, int n,
    const ptrust_options *o)
{
	ptrust_chain *c = test_chain(certs, n);
	ptrust_result *r = NULL;

	assert_int_equal(ptrust_verify(s, c, o, &r), PTRUST_OK);
	assert_non_null(r);
	ptrust_chain_free(c);
	return r;
}

int
test_has_reason(const ptrust_result *r, ptrust_reason_code code, int depth)
{
	size_t i;

	for (i = 0; i < ptrust_result_reason_count(r); i++)
		if (ptrust_result_reason_code(r, i) == code &&
		    (depth == -2 || ptrust_result_reason_depth(r, i) == depth))
			return 1;
	return 0;
}

char *
test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (base == NULL)
		base = "/tmp";
	p = malloc(strlen(base) + 32);
	assert_non_null(p);
	sprintf(p, "%s/ptrust-test-XXXXXX", base);
	assert_non_null(mkdtemp(p));
	return p;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

void
test_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
test_srcpath(const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", SRCDIR, rel);
	return buf;
}

static long oom_fail_at;	/* 0: never fail */
static long oom_allocs;

static void *
oom_malloc(size_t n, const char *file, int line)
{
	(void)file; (void)line;
	if (oom_fail_at != 0 && ++oom_allocs == oom_fail_at)
		return NULL;
	return malloc(n);
}

static void *
oom_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file; (void)line;
	if (oom_fail_at != 0 && ++oom_allocs == oom_fail_at)
		return NULL;
	return realloc(p, n);
}

static void
oom_free(void *p, const char *file, int line)
{
	(void)file; (void)line;
	free(p);
}

int
test_oom_hook(void)
{
	return CRYPTO_set_mem_functions(oom_malloc, oom_realloc, oom_free);
}

/*
 * PTRUST_OOM_STRIDE=N (tests/valgrind-wrapper sets it): past the first 64
 * steps, sweep step n fails allocation 64 + (n - 64) * N, one in N.  Under
 * valgrind each step costs a hundred times what it costs natively; the
 * ASan job still fails every allocation, its leak checker on each.
 */
long
test_oom_stride(void)
{
	const char *v = getenv("PTRUST_OOM_STRIDE");
	long stride = v != NULL ? strtol(v, NULL, 10) : 1;

	return stride >= 1 && stride <= 1000 ? stride : 1;
}

void
test_oom_fail_at(long n)
{
	long stride = test_oom_stride();

	oom_allocs = 0;
	oom_fail_at = n > 64 && stride > 1 ? 64 + (n - 64) * stride : n;
}

int
test_oom_stop(void)
{
	int reached = oom_fail_at != 0 && oom_allocs >= oom_fail_at;

	oom_fail_at = 0;
	return reached;
}

/*
 * A builder's anchors as text, in order: alias, fingerprint and role, and
 * with ptrs the address of each object (a failed call must leave the very
 * same ones).  Plain malloc, outside the allocation-failure hook.
 */
char *
test_builder_state(const ptrust_builder *b, int ptrs)
{
	size_t n = ptrust_builder_anchor_count(b), i, len = 0;
	char *out = malloc(n * 256 + 1);

	assert_non_null(out);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const ptrust_anchor *a = ptrust_builder_anchor(b, i);

		assert_non_null(a);
		len += (size_t)snprintf(out + len, 256, "%p %s %s %s\n",
		    ptrs ? (const void *)a : NULL, ptrust_anchor_alias(a),
		    ptrust_anchor_sha256(a),
		    ptrust_role_name(ptrust_anchor_role(a)));
	}
	return out;
}
