/* Shared test fixtures: the standard lab PKI and small conveniences. */
#ifndef PTRUST_TESTUTIL_H
#define PTRUST_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <phonetrust.h>
#include <phonetrust-openssl.h>

#include "lab.h"

/* Validation time used by every test: LAB_T0 + 30 days. */
#define TEST_NOW	(LAB_T0 + 30 * LAB_DAY)

/*
 * The standard lab, built once per test program:
 *  mfg_root (RSA 2048, "Lab Root CA M2", O=Cisco)
 *    mfg_ca (RSA 2048, "Lab Manufacturing CA SHA2", O=Cisco, pathlen 0)
 *      mic (RSA 2048, CN=SEP001122334455, clientAuth+serverAuth)
 *  capf_a (EC P-256 self-signed CA, "CAPF-a6d4c572", pathlen 0)
 *    lsc_a (EC P-256, CN=SEP001122334455)
 *  capf_b (RSA 2048 self-signed CA, "CAPF-0badcafe", another cluster)
 *    lsc_b (RSA 2048, CN=SEP00AABBCCDDEE)
 */
struct lab {
	EVP_PKEY *root_key, *mfg_key, *mic_key;
	EVP_PKEY *capf_a_key, *lsc_a_key, *capf_b_key, *lsc_b_key;
	X509 *mfg_root, *mfg_ca, *mic;
	X509 *capf_a, *lsc_a, *capf_b, *lsc_b;
};

const struct lab *test_lab(void);
void	 test_lab_free(void);

/* A snapshot named name holding the given certificates (auto roles unless role given). */
ptrust_store *test_store(const char *name, ptrust_role role, X509 *const *anchors,
	    int n);
/* A chain of the given certificates, leaf first. */
ptrust_chain *test_chain(X509 *const *certs, int n);
/* Options at TEST_NOW. */
ptrust_options *test_options(void);
/* Validate and return the result; asserts the call itself worked. */
ptrust_result *test_verify(const ptrust_store *s, X509 *const *certs, int n,
	    const ptrust_options *o);
/* 1 when result lists code (at depth, or any depth when depth == -2). */
int	 test_has_reason(const ptrust_result *r, ptrust_reason_code code,
	    int depth);
/* A fresh empty directory under $TMPDIR; remove with test_rmtree. */
char	*test_tmpdir(void);
void	 test_rmtree(const char *path);
/*
 * Out-of-memory injection through OpenSSL's allocator, which every
 * library allocation goes through.  test_oom_hook() first thing in main;
 * test_oom_fail_at(n) makes the n-th allocation from then on fail (0:
 * none); test_oom_stop() ends injection and says whether the n-th was
 * reached (0 means the sweep has passed the last allocation).
 */
int	 test_oom_hook(void);
void	 test_oom_fail_at(long n);
int	 test_oom_stop(void);
/* 1, or PTRUST_OOM_STRIDE: how sparse sweeps are past their first 64 steps */
long	 test_oom_stride(void);

/* Path of a file under the source tree: data/cisco/x.pem etc. */
const char *test_srcpath(const char *rel);
char	*test_builder_state(const ptrust_builder *b, int ptrs);

#endif
