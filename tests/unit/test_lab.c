/*
 * The public test lab (<phonetrust-lab.h>): what it makes validates as a
 * real MIC or LSC would, its options really change the certificates, its
 * files come back through the library's own readers, and every function
 * refuses bad input and survives running out of memory.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <phonetrust-cluster.h>
#include <phonetrust-lab.h>

#include "testutil.h"

/* Certificates are made at LAB_T0 and validated at TEST_NOW (30 days on). */
static const ptrust_lab_spec ec256 = { "EC", 256, 0, 0, NULL };

/* Made once by the group setup. */
static ptrust_lab_ca *capf_a;	/* EC P-256, CAPF-a6d4c572: this cluster */
static ptrust_lab_ca *capf_b;	/* EC P-256, CAPF-0badcafe: another cluster */
static ptrust_lab_ca *mfg;	/* defaults: RSA 2048, SHA-256 */

/* ------------------------------------------------------------ helpers */

/* A snapshot holding the anchors of the given lab CAs. */
static ptrust_store *
lab_store(ptrust_lab_ca *const *cas, int n)
{
	ptrust_builder *b = ptrust_builder_new("callmanager-trust");
	ptrust_store *s = NULL;
	int i;

	assert_non_null(b);
	for (i = 0; i < n; i++)
		assert_int_equal(ptrust_lab_ca_add_to(cas[i], b), PTRUST_OK);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	ptrust_builder_free(b);
	return s;
}

static ptrust_options *
options_at(time_t at)
{
	ptrust_options *o = ptrust_options_new();

	assert_non_null(o);
	assert_int_equal(ptrust_options_set_time(o, at), PTRUST_OK);
	return o;
}

/* Validates the certificate's own chain; o NULL: options at TEST_NOW. */
static ptrust_result *
verify_cert(const ptrust_store *s, const ptrust_lab_cert *cert,
    const ptrust_options *o)
{
	ptrust_options *mine = NULL;
	ptrust_chain *c = NULL;
	ptrust_result *r = NULL;

	if (o == NULL)
		o = mine = options_at(TEST_NOW);
	assert_int_equal(ptrust_lab_cert_chain(cert, &c), PTRUST_OK);
	assert_non_null(c);
	assert_int_equal(ptrust_verify(s, c, o, &r), PTRUST_OK);
	assert_non_null(r);
	ptrust_chain_free(c);
	ptrust_options_free(mine);
	return r;
}

/* The certificates of a lab chain, parsed back with OpenSSL. */
static STACK_OF(X509) *
chain_x509(const ptrust_lab_cert *cert)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	char *pem = NULL;
	size_t len = 0;
	BIO *bio;
	X509 *x;

	assert_non_null(sk);
	assert_int_equal(ptrust_lab_cert_chain_pem(cert, &pem, &len),
	    PTRUST_OK);
	assert_non_null(bio = BIO_new_mem_buf(pem, (int)len));
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		assert_true(sk_X509_push(sk, x) > 0);
	ERR_clear_error();	/* the end of the input */
	BIO_free(bio);
	ptrust_lab_free_pem(pem);
	assert_true(sk_X509_num(sk) > 0);
	return sk;
}

static X509 *
leaf_x509(const ptrust_lab_cert *cert)
{
	STACK_OF(X509) *sk = chain_x509(cert);
	X509 *leaf = sk_X509_shift(sk);

	sk_X509_pop_free(sk, X509_free);
	return leaf;
}

static X509 *
anchor_x509(const ptrust_lab_ca *ca)
{
	char *pem = NULL;
	size_t len = 0;
	BIO *bio;
	X509 *x;

	assert_int_equal(ptrust_lab_ca_anchor_pem(ca, &pem, &len), PTRUST_OK);
	assert_non_null(bio = BIO_new_mem_buf(pem, (int)len));
	assert_non_null(x = PEM_read_bio_X509(bio, NULL, NULL, NULL));
	BIO_free(bio);
	ptrust_lab_free_pem(pem);
	return x;
}

static char *
path_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	assert_non_null(p);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static mode_t
file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* ------------------------------------------------------------ fixture */

static int
group_setup(void **state)
{
	(void)state;
	capf_a = ptrust_lab_ca_new_capf("CAPF-a6d4c572", LAB_T0, &ec256);
	capf_b = ptrust_lab_ca_new_capf("CAPF-0badcafe", LAB_T0, &ec256);
	mfg = ptrust_lab_ca_new_manufacturing("Lab Manufacturing CA SHA2",
	    LAB_T0, NULL);
	return capf_a != NULL && capf_b != NULL && mfg != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	ptrust_lab_ca_free(capf_a);
	ptrust_lab_ca_free(capf_b);
	ptrust_lab_ca_free(mfg);
	test_lab_free();
	return 0;
}

/* ------------------------------------------------------------ verdicts */

static void
lsc_trusted_as_lsc(void **state)
{
	ptrust_lab_cert *lsc = ptrust_lab_issue(capf_a, "SEP001122334455",
	    LAB_T0, &ec256);
	ptrust_store *s = lab_store(&capf_a, 1);
	const ptrust_anchor *a;
	ptrust_result *r;

	(void)state;
	assert_non_null(lsc);
	r = verify_cert(s, lsc, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_reason_count(r), 0);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	assert_int_equal(ptrust_result_chain_length(r), 2);
	assert_string_equal(ptrust_result_chain_subject(r, 0),
	    "CN=SEP001122334455");
	assert_non_null(a = ptrust_result_anchor(r));
	assert_string_equal(ptrust_anchor_alias(a), "CAPF-a6d4c572");
	assert_int_equal(ptrust_anchor_role(a), PTRUST_ROLE_CAPF);
	assert_string_equal(ptrust_anchor_subject(a),
	    "CN=CAPF-a6d4c572,L=Lab,ST=Lab,O=Lab Cluster");
	assert_string_equal(ptrust_anchor_key_type(a), "EC");
	assert_int_equal(ptrust_anchor_key_bits(a), 256);
	/* an LSC is the leaf alone */
	{
		ptrust_chain *c = NULL;

		assert_int_equal(ptrust_lab_cert_chain(lsc, &c), PTRUST_OK);
		assert_int_equal(ptrust_chain_count(c), 1);
		ptrust_chain_free(c);
	}
	ptrust_result_free(r);
	ptrust_store_unref(s);
	ptrust_lab_cert_free(lsc);
}

static void
mic_trusted_as_mic(void **state)
{
	ptrust_lab_cert *mic = ptrust_lab_issue(mfg, "SEP001122334455",
	    LAB_T0, NULL);
	ptrust_store *s = lab_store(&mfg, 1);
	const ptrust_anchor *a;
	ptrust_chain *c = NULL;
	ptrust_result *r;

	(void)state;
	assert_non_null(mic);
	assert_int_equal(ptrust_lab_cert_chain(mic, &c), PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 2);	/* leaf, intermediate */
	ptrust_chain_free(c);
	r = verify_cert(s, mic, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	assert_int_equal(ptrust_result_chain_length(r), 3);
	assert_string_equal(ptrust_result_chain_subject(r, 0),
	    "CN=SEP001122334455,O=Cisco Systems Inc.");
	assert_string_equal(ptrust_result_chain_subject(r, 1),
	    "CN=Lab Manufacturing CA SHA2,O=Cisco");
	assert_non_null(a = ptrust_result_anchor(r));
	assert_int_equal(ptrust_anchor_role(a), PTRUST_ROLE_MANUFACTURING);
	assert_string_equal(ptrust_anchor_subject(a),
	    "CN=Lab Manufacturing CA SHA2 Root,O=Cisco");
	/* the defaults: RSA 2048 */
	assert_string_equal(ptrust_anchor_key_type(a), "RSA");
	assert_int_equal(ptrust_anchor_key_bits(a), 2048);
	ptrust_result_free(r);

	/* A MIC is not an LSC: a store with only the CAPF refuses it. */
	ptrust_store_unref(s);
	s = lab_store(&capf_a, 1);
	r = verify_cert(s, mic, NULL);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, -2));
	ptrust_result_free(r);
	ptrust_store_unref(s);
	ptrust_lab_cert_free(mic);
}

static void
both_kinds_in_one_store(void **state)
{
	ptrust_lab_ca *cas[] = { capf_a, mfg };
	ptrust_store *s = lab_store(cas, 2);
	ptrust_lab_cert *lsc = ptrust_lab_issue(capf_a, "SEP001122334455",
	    LAB_T0, &ec256);
	ptrust_lab_cert *mic = ptrust_lab_issue(mfg, "SEP001122334455",
	    LAB_T0, &ec256);
	ptrust_result *r;

	(void)state;
	assert_non_null(lsc);
	assert_non_null(mic);
	assert_int_equal(ptrust_store_anchor_count(s), 2);
	r = verify_cert(s, lsc, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	r = verify_cert(s, mic, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	ptrust_lab_cert_free(lsc);
	ptrust_lab_cert_free(mic);
	ptrust_store_unref(s);
}

static void
other_cluster_lsc_unknown_ca(void **state)
{
	ptrust_lab_cert *lsc = ptrust_lab_issue(capf_b, "SEP00AABBCCDDEE",
	    LAB_T0, &ec256);
	ptrust_store *s = lab_store(&capf_a, 1);
	ptrust_result *r;

	(void)state;
	assert_non_null(lsc);
	r = verify_cert(s, lsc, NULL);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, 0));
	assert_int_equal(ptrust_result_tls_alert(r), PTRUST_ALERT_UNKNOWN_CA);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_null(ptrust_result_anchor(r));
	ptrust_result_free(r);
	ptrust_store_unref(s);

	/* importing the old CAPF certificate is the fix */
	{
		ptrust_lab_ca *cas[] = { capf_a, capf_b };

		s = lab_store(cas, 2);
		r = verify_cert(s, lsc, NULL);
		assert_true(ptrust_result_trusted(r));
		assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
		ptrust_result_free(r);
		ptrust_store_unref(s);
	}
	ptrust_lab_cert_free(lsc);
}

/* The CAPF certificate is what CUCM 14SU2 asks for. */
static void
capf_certificate_shape(void **state)
{
	X509 *x = anchor_x509(capf_a);
	BASIC_CONSTRAINTS *bc;
	int crit = -1;

	(void)state;
	assert_int_equal(X509_check_ca(x), 1);
	assert_non_null(bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit,
	    NULL));
	assert_true(bc->ca);
	assert_int_equal(crit, 1);
	assert_non_null(bc->pathlen);
	assert_int_equal(ASN1_INTEGER_get(bc->pathlen), 0);
	BASIC_CONSTRAINTS_free(bc);
	assert_int_equal(X509_get_key_usage(x),
	    KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN);
	assert_int_equal(X509_check_issued(x, x), X509_V_OK);	/* self-signed */
	X509_free(x);
}

static void
leaf_certificate_shape(void **state)
{
	ptrust_lab_cert *mic = ptrust_lab_issue(mfg, "SEP0000000000A1",
	    LAB_T0, &ec256);
	ptrust_lab_cert *lsc = ptrust_lab_issue(capf_a, "SEP0000000000A2",
	    LAB_T0, NULL);
	STACK_OF(X509) *sk;
	X509 *leaf;

	(void)state;
	assert_non_null(mic);
	assert_non_null(lsc);
	sk = chain_x509(mic);
	assert_int_equal(sk_X509_num(sk), 2);
	leaf = sk_X509_value(sk, 0);
	assert_int_equal(X509_check_ca(leaf), 0);
	assert_int_equal(X509_get_extended_key_usage(leaf),
	    XKU_SSL_CLIENT | XKU_SSL_SERVER);
	assert_int_equal(X509_check_issued(sk_X509_value(sk, 1), leaf),
	    X509_V_OK);
	/* the intermediate: a CA limited to issuing leaves */
	assert_int_equal(X509_check_ca(sk_X509_value(sk, 1)), 1);
	assert_int_equal(X509_get_pathlen(sk_X509_value(sk, 1)), 0);
	sk_X509_pop_free(sk, X509_free);

	leaf = leaf_x509(lsc);
	assert_int_equal(X509_get_extended_key_usage(leaf),
	    XKU_SSL_CLIENT | XKU_SSL_SERVER);
	/* default leaf key: RSA 2048, whatever the CAPF's key */
	assert_int_equal(EVP_PKEY_get_base_id(X509_get0_pubkey(leaf)),
	    EVP_PKEY_RSA);
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(leaf)), 2048);
	X509_free(leaf);
	ptrust_lab_cert_free(mic);
	ptrust_lab_cert_free(lsc);
}

/* ------------------------------------------------------------ spec */

static void
key_types(void **state)
{
	static const struct {
		const char	*type;
		int		 bits;
		int		 base_id;
		int		 trusted_at_level_2;
	} k[] = {
		{ "RSA", 1024, EVP_PKEY_RSA, 0 },
		{ "RSA", 2048, EVP_PKEY_RSA, 1 },
		{ "EC", 256, EVP_PKEY_EC, 1 },
		{ "EC", 384, EVP_PKEY_EC, 1 },
		{ "EC", 521, EVP_PKEY_EC, 1 },
	};
	ptrust_store *s = lab_store(&capf_a, 1);
	ptrust_options *weak = options_at(TEST_NOW);
	size_t i;

	(void)state;
	assert_int_equal(ptrust_options_insecure_set_security_level(weak, 1),
	    PTRUST_OK);
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		ptrust_lab_spec spec = { k[i].type, k[i].bits, 0, 0, NULL };
		ptrust_lab_cert *lsc = ptrust_lab_issue(capf_a,
		    "SEP001122334455", LAB_T0, &spec);
		ptrust_result *r;
		X509 *leaf;

		assert_non_null(lsc);
		leaf = leaf_x509(lsc);
		assert_int_equal(EVP_PKEY_get_base_id(X509_get0_pubkey(leaf)),
		    k[i].base_id);
		assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(leaf)),
		    k[i].bits);
		X509_free(leaf);

		r = verify_cert(s, lsc, NULL);
		assert_int_equal(ptrust_result_trusted(r),
		    k[i].trusted_at_level_2);
		if (!k[i].trusted_at_level_2)
			assert_true(test_has_reason(r,
			    PTRUST_REASON_KEY_TOO_SMALL, 0));
		else
			assert_int_equal(ptrust_result_kind(r),
			    PTRUST_KIND_LSC);
		ptrust_result_free(r);
		/* level 1 takes RSA 1024 too: the key itself is sound */
		r = verify_cert(s, lsc, weak);
		assert_true(ptrust_result_trusted(r));
		ptrust_result_free(r);
		ptrust_lab_cert_free(lsc);
	}
	ptrust_options_free(weak);
	ptrust_store_unref(s);
}

static void
ca_key_types(void **state)
{
	ptrust_lab_spec spec = { "ec", 384, 0, 0, "sha384" };	/* any case */
	ptrust_lab_ca *ca = ptrust_lab_ca_new_capf("CAPF-384", LAB_T0, &spec);
	ptrust_lab_ca *m;
	ptrust_builder *b = ptrust_builder_new("t");
	const ptrust_anchor *a;
	X509 *x;

	(void)state;
	assert_non_null(ca);
	assert_int_equal(ptrust_lab_ca_add_to(ca, b), PTRUST_OK);
	assert_non_null(a = ptrust_builder_find(b, "CAPF-384"));
	assert_string_equal(ptrust_anchor_key_type(a), "EC");
	assert_int_equal(ptrust_anchor_key_bits(a), 384);
	x = anchor_x509(ca);
	assert_int_equal(X509_get_signature_nid(x), NID_ecdsa_with_SHA384);
	X509_free(x);
	ptrust_lab_ca_free(ca);

	spec.key_type = "RSA";
	spec.key_bits = 1024;
	spec.digest = "SHA512";
	assert_non_null(m = ptrust_lab_ca_new_manufacturing("Small", LAB_T0,
	    &spec));
	assert_int_equal(ptrust_lab_ca_add_to(m, b), PTRUST_OK);
	assert_non_null(a = ptrust_builder_find(b, "Small_Root"));
	assert_int_equal(ptrust_anchor_key_bits(a), 1024);
	assert_int_equal(ptrust_anchor_role(a), PTRUST_ROLE_MANUFACTURING);
	x = anchor_x509(m);
	assert_int_equal(X509_get_signature_nid(x), NID_sha512WithRSAEncryption);
	X509_free(x);
	ptrust_lab_ca_free(m);
	ptrust_builder_free(b);
}

static void
digests(void **state)
{
	static const struct {
		const char	*name;
		int		 nid;	/* the leaf's signature: the CAPF is EC */
	} d[] = {
		{ NULL, NID_ecdsa_with_SHA256 },
		{ "SHA256", NID_ecdsa_with_SHA256 },
		{ "SHA384", NID_ecdsa_with_SHA384 },
		{ "SHA512", NID_ecdsa_with_SHA512 },
		{ "SHA1", NID_ecdsa_with_SHA1 },
	};
	ptrust_store *s = lab_store(&capf_a, 1);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		ptrust_lab_spec spec = { "EC", 256, 0, 0, d[i].name };
		ptrust_lab_cert *lsc = ptrust_lab_issue(capf_a,
		    "SEP001122334455", LAB_T0, &spec);
		ptrust_result *r;
		X509 *leaf;

		assert_non_null(lsc);
		leaf = leaf_x509(lsc);
		assert_int_equal(X509_get_signature_nid(leaf), d[i].nid);
		X509_free(leaf);
		r = verify_cert(s, lsc, NULL);
		assert_int_equal(ptrust_result_trusted(r), d[i].nid !=
		    NID_ecdsa_with_SHA1);
		ptrust_result_free(r);
		ptrust_lab_cert_free(lsc);
	}
	ptrust_store_unref(s);
}

static void
sha1_is_weak_by_default(void **state)
{
	ptrust_lab_spec spec = { "RSA", 2048, 0, 0, "SHA1" };
	ptrust_lab_cert *mic = ptrust_lab_issue(mfg, "SEP001122334455",
	    LAB_T0, &spec);
	ptrust_store *s = lab_store(&mfg, 1);
	ptrust_options *o = options_at(TEST_NOW);
	ptrust_result *r;
	X509 *leaf;

	(void)state;
	assert_non_null(mic);
	leaf = leaf_x509(mic);
	assert_int_equal(X509_get_signature_nid(leaf),
	    NID_sha1WithRSAEncryption);
	X509_free(leaf);
	r = verify_cert(s, mic, o);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r,
	    PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM, 0));
	ptrust_result_free(r);
	/* allowed explicitly, the same MIC passes, and is still a MIC */
	assert_int_equal(ptrust_options_insecure_allow_sha1(o, 1), PTRUST_OK);
	r = verify_cert(s, mic, o);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	ptrust_options_free(o);
	ptrust_store_unref(s);
	ptrust_lab_cert_free(mic);
}

static int
time_is(const ASN1_TIME *t, time_t expected)
{
	return ASN1_TIME_cmp_time_t(t, expected) == 0;
}

static void
validity(void **state)
{
	ptrust_lab_spec spec = ec256;
	ptrust_store *s = lab_store(&capf_a, 1);
	ptrust_lab_cert *c;
	ptrust_options *o;
	ptrust_result *r;
	X509 *leaf;

	(void)state;
	/* defaults: one day before now, ten years after it */
	assert_non_null(c = ptrust_lab_issue(capf_a, "SEP1", LAB_T0, &spec));
	leaf = leaf_x509(c);
	assert_true(time_is(X509_get0_notBefore(leaf), LAB_T0 - LAB_DAY));
	assert_true(time_is(X509_get0_notAfter(leaf),
	    LAB_T0 + 3650 * LAB_DAY));
	X509_free(leaf);
	/* trusted at TEST_NOW, expired ten years and a day on */
	r = verify_cert(s, c, NULL);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	o = options_at(LAB_T0 + 3651 * LAB_DAY);
	r = verify_cert(s, c, o);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, 0));
	ptrust_result_free(r);
	ptrust_options_free(o);
	ptrust_lab_cert_free(c);

	/* not_after in the past: expired, and not_before moves before it */
	spec.not_after = TEST_NOW - 10 * LAB_DAY;
	assert_non_null(c = ptrust_lab_issue(capf_a, "SEP2", TEST_NOW, &spec));
	leaf = leaf_x509(c);
	assert_true(time_is(X509_get0_notAfter(leaf), TEST_NOW - 10 * LAB_DAY));
	assert_true(time_is(X509_get0_notBefore(leaf),
	    TEST_NOW - 11 * LAB_DAY));
	X509_free(leaf);
	r = verify_cert(s, c, NULL);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, 0));
	assert_int_equal(ptrust_result_tls_alert(r),
	    PTRUST_ALERT_CERTIFICATE_EXPIRED);
	/* refused: of no kind; its anchor says it presented an LSC */
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_LSC);
	ptrust_result_free(r);
	ptrust_lab_cert_free(c);

	/* not_before in the future: not yet valid; not_after moves after it */
	spec.not_after = 0;
	spec.not_before = LAB_T0 + 4000 * LAB_DAY;
	assert_non_null(c = ptrust_lab_issue(capf_a, "SEP3", LAB_T0, &spec));
	leaf = leaf_x509(c);
	assert_true(time_is(X509_get0_notBefore(leaf), spec.not_before));
	assert_true(time_is(X509_get0_notAfter(leaf),
	    spec.not_before + 3650 * LAB_DAY));
	X509_free(leaf);
	r = verify_cert(s, c, NULL);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_NOT_YET_VALID, 0));
	ptrust_result_free(r);
	ptrust_lab_cert_free(c);

	/* both given: exactly those */
	spec.not_before = LAB_T0 + 5 * LAB_DAY;
	spec.not_after = LAB_T0 + 6 * LAB_DAY;
	assert_non_null(c = ptrust_lab_issue(capf_a, "SEP4", LAB_T0, &spec));
	leaf = leaf_x509(c);
	assert_true(time_is(X509_get0_notBefore(leaf), spec.not_before));
	assert_true(time_is(X509_get0_notAfter(leaf), spec.not_after));
	X509_free(leaf);
	ptrust_lab_cert_free(c);

	/* an expired CA expires what it issued */
	spec.not_before = 0;
	spec.not_after = LAB_T0 + 10 * LAB_DAY;
	{
		ptrust_lab_ca *old = ptrust_lab_ca_new_capf("CAPF-00000001",
		    LAB_T0, &spec);
		ptrust_lab_cert *lsc = ptrust_lab_issue(old, "SEP5", LAB_T0,
		    &ec256);
		ptrust_store *os = lab_store(&old, 1);

		assert_non_null(lsc);
		r = verify_cert(os, lsc, NULL);
		assert_false(ptrust_result_trusted(r));
		assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, 1));
		ptrust_result_free(r);
		o = options_at(LAB_T0 + 5 * LAB_DAY);
		r = verify_cert(os, lsc, o);
		assert_true(ptrust_result_trusted(r));
		ptrust_result_free(r);
		ptrust_options_free(o);
		ptrust_store_unref(os);
		ptrust_lab_cert_free(lsc);
		ptrust_lab_ca_free(old);
	}
	ptrust_store_unref(s);
}

/* ------------------------------------------------------------ output */

static void
pem_output(void **state)
{
	ptrust_lab_cert *mic = ptrust_lab_issue(mfg, "SEP001122334455",
	    LAB_T0, &ec256);
	ptrust_builder *b = ptrust_builder_new("callmanager-trust");
	ptrust_chain *c = ptrust_chain_new();
	ptrust_store *s = NULL;
	ptrust_result *r = NULL;
	char *pem = NULL, *p;
	size_t len = 99;

	(void)state;
	assert_non_null(mic);
	/*
	 * The anchor's "# role:" line is for people: the builder takes no
	 * role from text in its input (issue 13), so the manufacturing
	 * anchor needs its role given; CAPF-a6d4c572 is a CAPF by name.
	 */
	assert_int_equal(ptrust_lab_ca_anchor_pem(capf_a, &pem, &len),
	    PTRUST_OK);
	assert_int_equal(strlen(pem), len);
	assert_true(strncmp(pem, "# role: capf\n-----BEGIN CERTIFICATE-----\n",
	    41) == 0);
	assert_int_equal(ptrust_builder_add_mem(b, pem, len, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	ptrust_lab_free_pem(pem);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b,
	    "CAPF-a6d4c572")), PTRUST_ROLE_CAPF);
	/* len is optional */
	assert_int_equal(ptrust_lab_ca_anchor_pem(mfg, &pem, NULL), PTRUST_OK);
	assert_true(strncmp(pem, "# role: manufacturing\n", 22) == 0);
	assert_int_equal(ptrust_builder_add_mem(b, pem, strlen(pem), NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b, 1)),
	    PTRUST_ROLE_OTHER);
	assert_int_equal(ptrust_builder_set_role(b,
	    ptrust_anchor_alias(ptrust_builder_anchor(b, 1)),
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	ptrust_lab_free_pem(pem);
	assert_int_equal(ptrust_builder_anchor_count(b), 2);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b, 1)),
	    PTRUST_ROLE_MANUFACTURING);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);

	/* a MIC's PEM: two certificates, leaf first */
	assert_int_equal(ptrust_lab_cert_chain_pem(mic, &pem, &len),
	    PTRUST_OK);
	assert_int_equal(strlen(pem), len);
	assert_non_null(p = strstr(pem, "-----END CERTIFICATE-----"));
	assert_non_null(strstr(p + 1, "-----BEGIN CERTIFICATE-----"));
	assert_int_equal(ptrust_chain_add_pem(c, pem, len), PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 2);
	{
		ptrust_options *o = options_at(TEST_NOW);

		assert_int_equal(ptrust_verify(s, c, o, &r), PTRUST_OK);
		ptrust_options_free(o);
	}
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	ptrust_lab_free_pem(pem);
	ptrust_lab_free_pem(NULL);
	ptrust_chain_free(c);
	ptrust_store_unref(s);
	ptrust_builder_free(b);
	ptrust_lab_cert_free(mic);
}

static void
files(void **state)
{
	char *dir = test_tmpdir();
	char *anchor = path_in(dir, "capf.pem"), *mfg_anchor =
	    path_in(dir, "root.pem"), *chain = path_in(dir, "lsc.pem"),
	    *mic_chain = path_in(dir, "mic.pem"), *key = path_in(dir,
	    "lsc.key"), *missing = path_in(dir, "no/such/file");
	ptrust_lab_cert *lsc = ptrust_lab_issue(capf_a, "SEP001122334455",
	    LAB_T0, &ec256);
	ptrust_lab_cert *mic = ptrust_lab_issue(mfg, "SEP001122334455",
	    LAB_T0, &ec256);
	ptrust_builder *b = ptrust_builder_new("callmanager-trust");
	ptrust_options *o = options_at(TEST_NOW);
	ptrust_store *s = NULL;
	ptrust_chain *c;
	ptrust_result *r = NULL;
	EVP_PKEY *pkey;
	X509 *leaf;
	FILE *f;
	mode_t old_umask;

	(void)state;
	assert_non_null(lsc);
	assert_non_null(mic);
	/* modes are exact, whatever the umask */
	old_umask = umask(077);
	assert_int_equal(ptrust_lab_ca_write_anchor(capf_a, anchor), PTRUST_OK);
	assert_int_equal(ptrust_lab_ca_write_anchor(mfg, mfg_anchor),
	    PTRUST_OK);
	assert_int_equal(ptrust_lab_cert_write_chain(lsc, chain), PTRUST_OK);
	assert_int_equal(ptrust_lab_cert_write_chain(mic, mic_chain),
	    PTRUST_OK);
	umask(0);
	/* an existing readable file becomes private */
	assert_non_null(f = fopen(key, "w"));
	fclose(f);
	assert_int_equal(chmod(key, 0666), 0);
	assert_int_equal(ptrust_lab_cert_write_key(lsc, key), PTRUST_OK);
	umask(old_umask);
	assert_int_equal(file_mode(anchor), 0644);
	assert_int_equal(file_mode(mfg_anchor), 0644);
	assert_int_equal(file_mode(chain), 0644);
	assert_int_equal(file_mode(key), 0600);

	/* read back by the library: no role from the files' comments */
	assert_int_equal(ptrust_builder_add_file(b, anchor, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_file(b, mfg_anchor, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b, "capf")),
	    PTRUST_ROLE_CAPF);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(b, "root")),
	    PTRUST_ROLE_MANUFACTURING);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);

	assert_non_null(c = ptrust_chain_new());
	assert_int_equal(ptrust_chain_add_file(c, chain), PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 1);
	assert_int_equal(ptrust_verify(s, c, o, &r), PTRUST_OK);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_chain_free(c);

	assert_non_null(c = ptrust_chain_new());
	assert_int_equal(ptrust_chain_add_file(c, mic_chain), PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 2);
	assert_int_equal(ptrust_verify(s, c, o, &r), PTRUST_OK);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	ptrust_chain_free(c);

	/* the key file holds the LSC's private key */
	assert_non_null(f = fopen(key, "r"));
	assert_non_null(pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL));
	fclose(f);
	leaf = leaf_x509(lsc);
	assert_int_equal(X509_check_private_key(leaf, pkey), 1);
	X509_free(leaf);
	leaf = leaf_x509(mic);
	assert_int_equal(X509_check_private_key(leaf, pkey), 0);
	X509_free(leaf);
	EVP_PKEY_free(pkey);

	/* overwriting replaces the content */
	assert_int_equal(ptrust_lab_cert_write_chain(mic, chain), PTRUST_OK);
	assert_non_null(c = ptrust_chain_new());
	assert_int_equal(ptrust_chain_add_file(c, chain), PTRUST_OK);
	assert_int_equal(ptrust_chain_count(c), 2);
	ptrust_chain_free(c);

	/* files that cannot be written, and nothing left behind */
	assert_int_equal(ptrust_lab_ca_write_anchor(capf_a, missing),
	    PTRUST_ERR_IO);
	assert_int_equal(ptrust_lab_cert_write_chain(lsc, missing),
	    PTRUST_ERR_IO);
	assert_int_equal(ptrust_lab_cert_write_key(lsc, missing),
	    PTRUST_ERR_IO);
	assert_int_equal(ptrust_lab_cert_write_key(lsc, dir), PTRUST_ERR_IO);
	assert_int_equal(ptrust_lab_cert_write_chain(lsc, dir), PTRUST_ERR_IO);
	/* only the five files written: no temporary file left behind */
	{
		DIR *d = opendir(dir);
		struct dirent *e;
		int entries = 0;

		assert_non_null(d);
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0)
				entries++;
		closedir(d);
		assert_int_equal(entries, 5);
	}

	ptrust_options_free(o);
	ptrust_store_unref(s);
	ptrust_builder_free(b);
	ptrust_lab_cert_free(lsc);
	ptrust_lab_cert_free(mic);
	test_rmtree(dir);
	free(anchor);
	free(mfg_anchor);
	free(chain);
	free(mic_chain);
	free(key);
	free(missing);
	free(dir);
}

/* ------------------------------------------------------------ lifetimes */

static void
add_to_twice_and_lifetimes(void **state)
{
	ptrust_lab_ca *ca = ptrust_lab_ca_new_capf("CAPF-12345678", LAB_T0,
	    &ec256);
	ptrust_builder *b = ptrust_builder_new("callmanager-trust");
	ptrust_lab_cert *lsc, *mic;
	ptrust_lab_ca *m;
	ptrust_store *s = NULL;
	ptrust_result *r;

	(void)state;
	assert_non_null(ca);
	assert_int_equal(ptrust_lab_ca_add_to(ca, b), PTRUST_OK);
	assert_int_equal(ptrust_builder_change(b, 0, NULL, NULL),
	    PTRUST_CHANGE_ADDED);
	assert_int_equal(ptrust_lab_ca_add_to(ca, b), PTRUST_OK);
	assert_int_equal(ptrust_builder_change(b, 0, NULL, NULL),
	    PTRUST_CHANGE_UNCHANGED);
	assert_int_equal(ptrust_builder_anchor_count(b), 1);
	assert_non_null(lsc = ptrust_lab_issue(ca, "SEP001122334455", LAB_T0,
	    &ec256));
	assert_non_null(m = ptrust_lab_ca_new_manufacturing("M", LAB_T0,
	    &ec256));
	assert_int_equal(ptrust_lab_ca_add_to(m, b), PTRUST_OK);
	assert_non_null(mic = ptrust_lab_issue(m, "SEP001122334455", LAB_T0,
	    &ec256));
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	/* certificates outlive their CA */
	ptrust_lab_ca_free(ca);
	ptrust_lab_ca_free(m);
	r = verify_cert(s, lsc, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	r = verify_cert(s, mic, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	ptrust_lab_cert_free(lsc);
	ptrust_lab_cert_free(mic);
	ptrust_store_unref(s);
	ptrust_builder_free(b);
}

/* Two CAs of one name are two CAs: serials and keys are fresh each time. */
static void
fresh_each_time(void **state)
{
	ptrust_lab_ca *ca = ptrust_lab_ca_new_capf("CAPF-a6d4c572", LAB_T0,
	    &ec256);
	ptrust_lab_cert *lsc, *again;
	ptrust_store *s = lab_store(&capf_a, 1);
	ptrust_result *r;
	X509 *x, *y;

	(void)state;
	assert_non_null(ca);
	x = anchor_x509(ca);
	y = anchor_x509(capf_a);
	assert_int_not_equal(X509_cmp(x, y), 0);
	assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(x),
	    X509_get0_serialNumber(y)), 0);
	X509_free(x);
	X509_free(y);
	/* same name, other key: the store's CAPF does not vouch for it */
	assert_non_null(lsc = ptrust_lab_issue(ca, "SEP001122334455", LAB_T0,
	    &ec256));
	r = verify_cert(s, lsc, NULL);
	assert_false(ptrust_result_trusted(r));
	ptrust_result_free(r);
	assert_non_null(again = ptrust_lab_issue(capf_a, "SEP001122334455",
	    LAB_T0, &ec256));
	x = leaf_x509(lsc);
	y = leaf_x509(again);
	assert_int_not_equal(EVP_PKEY_eq(X509_get0_pubkey(x),
	    X509_get0_pubkey(y)), 1);
	X509_free(x);
	X509_free(y);
	ptrust_lab_cert_free(again);
	ptrust_lab_cert_free(lsc);
	ptrust_lab_ca_free(ca);
	ptrust_store_unref(s);
}

/* ------------------------------------------------------------ errors */

static void
assert_ca_refused(ptrust_lab_ca *ca)
{
	int e = errno;

	assert_null(ca);
	assert_int_equal(e, EINVAL);
}

static void
bad_ca_arguments(void **state)
{
	static const ptrust_lab_spec bad_specs[] = {
		{ "DSA", 0, 0, 0, NULL },
		{ "", 0, 0, 0, NULL },
		{ "RSA", 511, 0, 0, NULL },
		{ "RSA", 4097, 0, 0, NULL },
		{ "RSA", -2048, 0, 0, NULL },
		{ "EC", 255, 0, 0, NULL },
		{ "EC", 2048, 0, 0, NULL },
		{ "EC", 256, 0, 0, "MD5" },
		{ "EC", 256, 0, 0, "SHA-256" },
		{ "EC", 256, 0, 0, "" },
		/* RSA 512 cannot sign a SHA-384 or SHA-512 DigestInfo */
		{ "RSA", 512, 0, 0, "SHA384" },
		{ "RSA", 512, 0, 0, "SHA512" },
		/* both times given, the wrong way round */
		{ "EC", 256, LAB_T0 + 10, LAB_T0, NULL },
		/* beyond what an ASN.1 time holds */
		{ "EC", 256, 0, (time_t)253402300800LL, NULL },
		{ "EC", 256, (time_t)-62167219201LL, 0, NULL },
	};
	char long_name[80];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
		errno = 0;
		assert_ca_refused(ptrust_lab_ca_new_capf("CAPF-a6d4c572",
		    LAB_T0, &bad_specs[i]));
		errno = 0;
		assert_ca_refused(ptrust_lab_ca_new_manufacturing("M", LAB_T0,
		    &bad_specs[i]));
	}
	/* names */
	assert_ca_refused(ptrust_lab_ca_new_capf(NULL, LAB_T0, &ec256));
	assert_ca_refused(ptrust_lab_ca_new_capf("", LAB_T0, &ec256));
	assert_ca_refused(ptrust_lab_ca_new_capf("CAPF a6d4c572", LAB_T0,
	    &ec256));
	assert_ca_refused(ptrust_lab_ca_new_capf("../CAPF", LAB_T0, &ec256));
	assert_ca_refused(ptrust_lab_ca_new_capf("-CAPF", LAB_T0, &ec256));
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	assert_ca_refused(ptrust_lab_ca_new_capf(long_name, LAB_T0, &ec256));
	assert_ca_refused(ptrust_lab_ca_new_manufacturing(NULL, LAB_T0,
	    &ec256));
	assert_ca_refused(ptrust_lab_ca_new_manufacturing("", LAB_T0, &ec256));
	assert_ca_refused(ptrust_lab_ca_new_manufacturing("Lab\nCA", LAB_T0,
	    &ec256));
	assert_ca_refused(ptrust_lab_ca_new_manufacturing("Lab\xc3\xa9", LAB_T0,
	    &ec256));
	/* " Root" must still fit in a 64-character CN */
	long_name[60] = '\0';
	assert_ca_refused(ptrust_lab_ca_new_manufacturing(long_name, LAB_T0,
	    &ec256));
	/* reference time out of range */
	assert_ca_refused(ptrust_lab_ca_new_capf("CAPF-a6d4c572",
	    (time_t)253402300800LL, &ec256));

	/* the limits themselves are fine */
	long_name[59] = '\0';
	{
		ptrust_lab_spec small = { "RSA", 512, 0, 0, "SHA256" };
		ptrust_lab_ca *ca = ptrust_lab_ca_new_manufacturing(long_name,
		    LAB_T0, &ec256);
		X509 *x;

		assert_non_null(ca);
		x = anchor_x509(ca);
		assert_int_equal(X509_NAME_get_index_by_NID(
		    X509_get_subject_name(x), NID_commonName, -1), 1);
		X509_free(x);
		ptrust_lab_ca_free(ca);
		memset(long_name, 'b', 64);
		long_name[64] = '\0';
		assert_non_null(ca = ptrust_lab_ca_new_capf(long_name, LAB_T0,
		    &small));
		ptrust_lab_ca_free(ca);
	}
	/* free functions take NULL */
	ptrust_lab_ca_free(NULL);
	ptrust_lab_cert_free(NULL);
	ptrust_lab_free_pem(NULL);
}

static void
bad_issue_arguments(void **state)
{
	static const ptrust_lab_spec bad = { "EC", 128, 0, 0, NULL };
	ptrust_lab_spec small = { "RSA", 512, 0, 0, "SHA256" };
	ptrust_lab_ca *weak_ca;
	ptrust_lab_cert *c;
	char name[80];

	(void)state;
	errno = 0;
	assert_null(ptrust_lab_issue(NULL, "SEP001122334455", LAB_T0, &ec256));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ptrust_lab_issue(capf_a, NULL, LAB_T0, &ec256));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ptrust_lab_issue(capf_a, "", LAB_T0, &ec256));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ptrust_lab_issue(capf_a, "SEP\t1", LAB_T0, &ec256));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ptrust_lab_issue(capf_a, "SEP001122334455", LAB_T0, &bad));
	assert_int_equal(errno, EINVAL);
	memset(name, 'S', 65);
	name[65] = '\0';
	errno = 0;
	assert_null(ptrust_lab_issue(capf_a, name, LAB_T0, &ec256));
	assert_int_equal(errno, EINVAL);
	/* 64 characters, spaces and punctuation: fine */
	name[64] = '\0';
	name[3] = ' ';
	name[4] = '*';
	assert_non_null(c = ptrust_lab_issue(capf_a, name, LAB_T0, &ec256));
	ptrust_lab_cert_free(c);

	/* the CA's key signs: RSA 512 cannot carry SHA-512, can SHA-256 */
	assert_non_null(weak_ca = ptrust_lab_ca_new_capf("CAPF-00000512",
	    LAB_T0, &small));
	small.digest = "SHA512";
	small.key_type = "EC";
	small.key_bits = 0;
	errno = 0;
	assert_null(ptrust_lab_issue(weak_ca, "SEP1", LAB_T0, &small));
	assert_int_equal(errno, EINVAL);
	small.digest = "SHA256";
	assert_non_null(c = ptrust_lab_issue(weak_ca, "SEP1", LAB_T0, &small));
	ptrust_lab_cert_free(c);
	ptrust_lab_ca_free(weak_ca);
}

static void
bad_status_arguments(void **state)
{
	ptrust_lab_cert *lsc = ptrust_lab_issue(capf_a, "SEP1", LAB_T0,
	    &ec256);
	ptrust_builder *b = ptrust_builder_new("b");
	ptrust_chain *c = (ptrust_chain *)&c;
	char *pem = (char *)&pem;
	size_t len = 42;

	(void)state;
	assert_non_null(lsc);
	/* outputs are cleared even when the call is refused */
	assert_int_equal(ptrust_lab_ca_anchor_pem(NULL, &pem, &len),
	    PTRUST_ERR_ARG);
	assert_null(pem);
	assert_int_equal(len, 0);
	assert_int_equal(ptrust_lab_ca_anchor_pem(capf_a, NULL, &len),
	    PTRUST_ERR_ARG);
	pem = (char *)&pem;
	len = 42;
	assert_int_equal(ptrust_lab_cert_chain_pem(NULL, &pem, &len),
	    PTRUST_ERR_ARG);
	assert_null(pem);
	assert_int_equal(len, 0);
	assert_int_equal(ptrust_lab_cert_chain_pem(lsc, NULL, NULL),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_cert_chain(NULL, &c), PTRUST_ERR_ARG);
	assert_null(c);
	assert_int_equal(ptrust_lab_cert_chain(lsc, NULL), PTRUST_ERR_ARG);

	assert_int_equal(ptrust_lab_ca_write_anchor(NULL, "/tmp/x"),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_ca_write_anchor(capf_a, NULL),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_ca_write_anchor(capf_a, ""),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_cert_write_chain(NULL, "/tmp/x"),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_cert_write_chain(lsc, NULL),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_cert_write_chain(lsc, ""),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_cert_write_key(NULL, "/tmp/x"),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_cert_write_key(lsc, NULL),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_cert_write_key(lsc, ""), PTRUST_ERR_ARG);

	assert_int_equal(ptrust_lab_ca_add_to(NULL, b), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_lab_ca_add_to(capf_a, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_builder_anchor_count(b), 0);
	ptrust_builder_free(b);
	ptrust_lab_cert_free(lsc);
}

/* ------------------------------------------------------------ memory */

/*
 * OpenSSL's allocator, hooked: while injecting, allocation number fail_at
 * fails; while recording, the file that asked for each one is noted.
 */
static int injecting, recording;
static long fail_at, allocs;
static const char **sites;
static long n_sites, cap_sites;

static void
note_site(const char *file)
{
	if (n_sites == cap_sites) {
		long cap = cap_sites ? cap_sites * 2 : 4096;
		const char **s = realloc(sites, (size_t)cap * sizeof(*s));

		if (s == NULL)
			abort();
		sites = s;
		cap_sites = cap;
	}
	sites[n_sites++] = file;
}

static int
inject(const char *file)
{
	if (recording)
		note_site(file);
	return injecting && ++allocs == fail_at;
}

static void *
t_malloc(size_t n, const char *file, int line)
{
	(void)line;
	return inject(file) ? NULL : malloc(n);
}

static void *
t_realloc(void *p, size_t n, const char *file, int line)
{
	(void)line;
	return inject(file) ? NULL : realloc(p, n);
}

static void
t_free(void *p, const char *file, int line)
{
	(void)file; (void)line;
	free(p);
}

/*
 * Called by each case right after the call under test, which must have
 * left nothing on OpenSSL's error queue.
 */
static void
stop_injection(void)
{
	injecting = 0;
	recording = 0;
	assert_int_equal(ERR_peek_error(), 0);
}

/* f names a file in directory dir of the source tree (any build dir). */
static int
in_dir(const char *f, const char *dir)
{
	const char *p;

	for (p = f; (p = strstr(p, dir)) != NULL; p++)
		if (p == f || p[-1] == '/')
			return 1;
	return 0;
}

/* An allocation libphonetrust made itself, not one inside OpenSSL. */
static int
own_site(long k)
{
	const char *f = k <= n_sites ? sites[k - 1] : NULL;

	/* __FILE__ is "lib/x.c" in the source tree, "../lib/x.c" out of it */
	return f != NULL && (in_dir(f, "lib/") || in_dir(f, "lab/"));
}

/*
 * The cases: each runs one call, stops the injection, checks what came
 * out, and returns 1 when the call failed, as it must then: NULL with
 * errno ENOMEM or PTRUST_ERR_NOMEM, outputs cleared.  What a call makes
 * while OpenSSL quietly absorbed a failed allocation must still be right.
 */
static ptrust_lab_cert *oom_mic;
static ptrust_store *oom_store;	/* mfg's root */
static ptrust_store *oom_capf_store;	/* capf_a */
static ptrust_builder *oom_builder;	/* empty */
static char *oom_path;

static int
oom_ca(ptrust_lab_ca *ca)
{
	int e = errno;
	ptrust_lab_cert *c;
	ptrust_store *s;
	ptrust_result *r;

	stop_injection();
	if (ca == NULL) {
		assert_int_equal(e, ENOMEM);
		return 1;
	}
	/* what it issues is trusted by a store holding its anchor */
	assert_non_null(c = ptrust_lab_issue(ca, "SEP1", LAB_T0, &ec256));
	s = lab_store(&ca, 1);
	r = verify_cert(s, c, NULL);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_store_unref(s);
	ptrust_lab_cert_free(c);
	ptrust_lab_ca_free(ca);
	return 0;
}

static int
oom_new_capf(void)
{
	return oom_ca(ptrust_lab_ca_new_capf("CAPF-a6d4c572", LAB_T0, &ec256));
}

static int
oom_new_manufacturing(void)
{
	return oom_ca(ptrust_lab_ca_new_manufacturing("M", LAB_T0, &ec256));
}

static int
oom_issue(void)
{
	ptrust_lab_cert *c = ptrust_lab_issue(mfg, "SEP1", LAB_T0, &ec256);
	int e = errno;
	ptrust_result *r;

	stop_injection();
	if (c == NULL) {
		assert_int_equal(e, ENOMEM);
		return 1;
	}
	r = verify_cert(oom_store, c, NULL);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	ptrust_result_free(r);
	ptrust_lab_cert_free(c);
	return 0;
}

/* An RSA key, signed by an EC CAPF: RSA key generation fails too. */
static int
oom_issue_rsa(void)
{
	static const ptrust_lab_spec rsa = { "RSA", 1024, 0, 0, NULL };
	ptrust_lab_cert *c = ptrust_lab_issue(capf_a, "SEP1", LAB_T0, &rsa);
	int e = errno;
	ptrust_options *o;
	ptrust_result *r;
	X509 *leaf;

	stop_injection();
	if (c == NULL) {
		assert_int_equal(e, ENOMEM);
		return 1;
	}
	leaf = leaf_x509(c);
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(leaf)), 1024);
	X509_free(leaf);
	o = options_at(TEST_NOW);
	assert_int_equal(ptrust_options_insecure_set_security_level(o, 1),
	    PTRUST_OK);
	r = verify_cert(oom_capf_store, c, o);
	assert_true(ptrust_result_trusted(r));
	ptrust_result_free(r);
	ptrust_options_free(o);
	ptrust_lab_cert_free(c);
	return 0;
}

static int
oom_status(ptrust_status st)
{
	stop_injection();
	if (st != PTRUST_OK)
		assert_int_equal(st, PTRUST_ERR_NOMEM);
	return st != PTRUST_OK;
}

static int
oom_anchor_pem(void)
{
	char *pem = (char *)&pem;
	size_t len = 1;
	int failed = oom_status(ptrust_lab_ca_anchor_pem(mfg, &pem, &len));

	if (failed) {
		assert_null(pem);
		assert_int_equal(len, 0);
	} else
		assert_int_equal(strlen(pem), len);
	ptrust_lab_free_pem(pem);
	return failed;
}

static int
oom_chain_pem(void)
{
	char *pem = (char *)&pem;
	int failed = oom_status(ptrust_lab_cert_chain_pem(oom_mic, &pem,
	    NULL));
	ptrust_chain *c;

	if (failed)
		assert_null(pem);
	else {
		assert_non_null(c = ptrust_chain_new());
		assert_int_equal(ptrust_chain_add_pem(c, pem, strlen(pem)),
		    PTRUST_OK);
		assert_int_equal(ptrust_chain_count(c), 2);
		ptrust_chain_free(c);
	}
	ptrust_lab_free_pem(pem);
	return failed;
}

static int
oom_chain(void)
{
	ptrust_chain *c = (ptrust_chain *)&c;
	int failed = oom_status(ptrust_lab_cert_chain(oom_mic, &c));

	if (failed)
		assert_null(c);
	else
		assert_int_equal(ptrust_chain_count(c), 2);
	ptrust_chain_free(c);
	return failed;
}

static int
oom_write_anchor(void)
{
	return oom_status(ptrust_lab_ca_write_anchor(capf_a, oom_path));
}

static int
oom_write_chain(void)
{
	int failed = oom_status(ptrust_lab_cert_write_chain(oom_mic,
	    oom_path));
	ptrust_chain *c;

	if (!failed) {
		assert_non_null(c = ptrust_chain_new());
		assert_int_equal(ptrust_chain_add_file(c, oom_path), PTRUST_OK);
		assert_int_equal(ptrust_chain_count(c), 2);
		ptrust_chain_free(c);
	}
	return failed;
}

static int
oom_write_key(void)
{
	int failed = oom_status(ptrust_lab_cert_write_key(oom_mic, oom_path));
	EVP_PKEY *pkey;
	X509 *leaf;
	FILE *f;

	if (!failed) {
		/* the key written is the MIC's, in whatever PEM form */
		assert_non_null(f = fopen(oom_path, "r"));
		pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
		assert_non_null(pkey);
		leaf = leaf_x509(oom_mic);
		assert_int_equal(X509_check_private_key(leaf, pkey), 1);
		X509_free(leaf);
		EVP_PKEY_free(pkey);
		assert_int_equal(file_mode(oom_path), 0600);
	}
	return failed;
}

static int
oom_add_to(void)
{
	ptrust_builder *b = oom_builder;	/* made before: sweep add_to only */
	ptrust_status st;
	int failed;

	st = ptrust_lab_ca_add_to(mfg, b);
	failed = oom_status(st);
	assert_int_equal(ptrust_builder_anchor_count(b), failed ? 0 : 1);
	if (!failed) {
		assert_int_equal(ptrust_anchor_role(ptrust_builder_anchor(b,
		    0)), PTRUST_ROLE_MANUFACTURING);
		assert_int_equal(ptrust_builder_remove(b, ptrust_anchor_alias(
		    ptrust_builder_anchor(b, 0))), PTRUST_OK);
	}
	return failed;
}

/*
 * Allocations fail one at a time: each call reports it, leaves OpenSSL's
 * error queue empty, leaks nothing (valgrind checks that part), and works
 * again once memory is back.
 *
 * Cheap calls fail at every allocation.  Making a key and a certificate
 * takes thousands, nearly all inside OpenSSL, and a full sweep costs the
 * square of that (13 minutes under valgrind).  There a recording run
 * first notes which file makes each allocation, and the sweep fails every
 * allocation libphonetrust makes itself, the first 64, and one in every
 * `stride' of the rest: every step of the lab fails at least once.
 */
static void
lab_under_oom(void **state)
{
	static const struct {
		const char	*what;
		int		(*run)(void);
		long		 stride;	/* 1: every allocation */
	} calls[] = {
		{ "ptrust_lab_ca_new_capf", oom_new_capf, 8 },
		{ "ptrust_lab_ca_new_manufacturing", oom_new_manufacturing, 16 },
		{ "ptrust_lab_issue", oom_issue, 8 },
		{ "ptrust_lab_issue (RSA 1024)", oom_issue_rsa, 32 },
		{ "ptrust_lab_ca_anchor_pem", oom_anchor_pem, 1 },
		{ "ptrust_lab_cert_chain_pem", oom_chain_pem, 1 },
		{ "ptrust_lab_cert_chain", oom_chain, 1 },
		{ "ptrust_lab_ca_write_anchor", oom_write_anchor, 1 },
		{ "ptrust_lab_cert_write_chain", oom_write_chain, 1 },
		{ "ptrust_lab_cert_write_key", oom_write_key, 1 },
		{ "ptrust_lab_ca_add_to", oom_add_to, 1 },
	};
	char *dir = test_tmpdir();
	size_t i;
	long k, total, tried, failures, own;

	(void)state;
	oom_path = path_in(dir, "out.pem");
	assert_non_null(oom_mic = ptrust_lab_issue(mfg, "SEP1", LAB_T0,
	    &ec256));
	oom_store = lab_store(&mfg, 1);
	oom_capf_store = lab_store(&capf_a, 1);
	assert_non_null(oom_builder = ptrust_builder_new("b"));
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		n_sites = 0;
		ERR_clear_error();
		recording = 1;
		assert_false(calls[i].run());
		ERR_clear_error();
		total = n_sites;
		assert_true(total > 0);		/* it allocates */
		tried = failures = own = 0;
		for (k = 1; k <= total; k++) {
			int failed;

			if (calls[i].stride > 1 && k > 64 &&
			    k % (calls[i].stride * test_oom_stride()) != 0 &&
			    !own_site(k))
				continue;
			own += own_site(k);
			tried++;
			errno = 0;
			allocs = 0;
			fail_at = k;
			injecting = 1;
			failed = calls[i].run();
			ERR_clear_error();	/* the checks' own traces */
			/* not reached (the call took a shorter path): no failure */
			if (allocs < fail_at)
				assert_false(failed);
			failures += failed;
		}
		/* and with memory back, the call works */
		assert_false(calls[i].run());
		ERR_clear_error();
		print_message("%s: %ld allocations, %ld made to fail (%ld "
		    "of libphonetrust's), %ld calls failed\n", calls[i].what,
		    total, tried, own, failures);
		assert_true(own > 0);
		assert_true(failures > 0);	/* it says when it can't */
	}
	ptrust_builder_free(oom_builder);
	ptrust_store_unref(oom_store);
	ptrust_store_unref(oom_capf_store);
	ptrust_lab_cert_free(oom_mic);
	free(sites);
	sites = NULL;
	n_sites = cap_sites = 0;
	test_rmtree(dir);
	free(oom_path);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lsc_trusted_as_lsc),
		cmocka_unit_test(mic_trusted_as_mic),
		cmocka_unit_test(both_kinds_in_one_store),
		cmocka_unit_test(other_cluster_lsc_unknown_ca),
		cmocka_unit_test(capf_certificate_shape),
		cmocka_unit_test(leaf_certificate_shape),
		cmocka_unit_test(key_types),
		cmocka_unit_test(ca_key_types),
		cmocka_unit_test(digests),
		cmocka_unit_test(sha1_is_weak_by_default),
		cmocka_unit_test(validity),
		cmocka_unit_test(pem_output),
		cmocka_unit_test(files),
		cmocka_unit_test(add_to_twice_and_lifetimes),
		cmocka_unit_test(fresh_each_time),
		cmocka_unit_test(bad_ca_arguments),
		cmocka_unit_test(bad_issue_arguments),
		cmocka_unit_test(bad_status_arguments),
		cmocka_unit_test(lab_under_oom),
	};

	/* Before OpenSSL allocates anything: the sweep needs the hook. */
	if (!CRYPTO_set_mem_functions(t_malloc, t_realloc, t_free)) {
		fprintf(stderr, "cannot hook OpenSSL's allocator\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
