/*
 * TLS integration: in-process handshakes over memory BIO pairs between an
 * OpenSSL client playing the phone and a server whose SSL_CTX is attached
 * to a cluster.  Verdicts, the alert the client reads, identity binding,
 * a phone without a certificate, the insecure mode, reload, and attaching
 * (and a whole handshake) under out-of-memory.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <phonetrust-cluster.h>

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "testutil.h"

static EVP_PKEY *srv_key;
static X509 *srv_cert;
static X509 *expired_mic, *other_mic;
static EVP_PKEY *other_mic_key;

/* A phone: its certificate, key and the intermediates it sends. */
struct phone {
	X509		*cert;
	EVP_PKEY	*key;
	X509		*extra;		/* NULL: none */
};

struct outcome {
	int	 server_ok;	/* server handshake completed */
	int	 client_alert;	/* alert the client read, -1: none */
	int	 version;
	int	 oom_reached;
};

static void
client_info(const SSL *s, int where, int ret)
{
	int *alert = SSL_get_app_data(s);

	if ((where & SSL_CB_READ_ALERT) && *alert < 0 && (ret >> 8) == 2)
		*alert = ret & 0xff;
}

/* Cluster: callmanager-trust holds CAPF-a6d4c572, manufacturing-ca the lab root. */
static ptrust_cluster *
make_cluster(void)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_builder *mfg;

	assert_non_null(c);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->capf_a, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_OK);
	assert_non_null(mfg = ptrust_cluster_store(c, "manufacturing-ca", 0));
	assert_int_equal(ptrust_builder_add_x509(mfg, l->mfg_root, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	return c;
}

static SSL_CTX *
server_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_use_certificate(ctx, srv_cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(ctx, srv_key), 1);
	return ctx;
}

/* Options at TEST_NOW (the lab's clock). */
static SSL_CTX *
attached_ctx(ptrust_cluster *c, int flags)
{
	SSL_CTX *ctx = server_ctx();
	ptrust_options *o = test_options();

	assert_int_equal(ptrust_ssl_ctx_attach(ctx, c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o, flags), PTRUST_OK);
	ptrust_options_free(o);	/* the attachment has its own copy */
	return ctx;
}

/*
 * One handshake: server SSL from sctx (device bound when given), client
 * presenting ph (NULL: no certificate), at TLS version ver.
 */
static SSL *
handshake_oom(SSL_CTX *sctx, const struct phone *ph, int ver,
    const char *device, struct outcome *out, long oom_at)
{
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	SSL *srv, *cli;
	BIO *sb = NULL, *cb = NULL;
	int i, s_done = 0, s_fail = 0, c_done = 0, c_fail = 0, rc;
	char buf[16];

	assert_non_null(cctx);
	assert_int_equal(SSL_CTX_set_min_proto_version(cctx, ver), 1);
	assert_int_equal(SSL_CTX_set_max_proto_version(cctx, ver), 1);
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	if (ph != NULL) {
		assert_int_equal(SSL_CTX_use_certificate(cctx, ph->cert), 1);
		assert_int_equal(SSL_CTX_use_PrivateKey(cctx, ph->key), 1);
		if (ph->extra != NULL)
			assert_int_equal(SSL_CTX_add1_chain_cert(cctx,
			    ph->extra), 1);
	}
	assert_non_null(srv = SSL_new(sctx));
	assert_non_null(cli = SSL_new(cctx));
	SSL_CTX_free(cctx);
	if (device != NULL)
		assert_int_equal(ptrust_ssl_set_device(srv, device), PTRUST_OK);
	assert_int_equal(BIO_new_bio_pair(&sb, 0, &cb, 0), 1);
	SSL_set_bio(srv, sb, sb);
	SSL_set_bio(cli, cb, cb);
	SSL_set_accept_state(srv);
	SSL_set_connect_state(cli);
	out->client_alert = -1;
	SSL_set_app_data(cli, &out->client_alert);
	SSL_set_info_callback(cli, client_info);
	if (oom_at > 0)
		test_oom_fail_at(oom_at);	/* the handshake itself */
	for (i = 0; i < 64 && !((s_done || s_fail) && (c_done || c_fail)); i++) {
		if (!c_done && !c_fail) {
			rc = SSL_do_handshake(cli);
			if (rc == 1)
				c_done = 1;
			else if (SSL_get_error(cli, rc) != SSL_ERROR_WANT_READ &&
			    SSL_get_error(cli, rc) != SSL_ERROR_WANT_WRITE)
				c_fail = 1;
		}
		if (!s_done && !s_fail) {
			rc = SSL_do_handshake(srv);
			if (rc == 1)
				s_done = 1;
			else if (SSL_get_error(srv, rc) != SSL_ERROR_WANT_READ &&
			    SSL_get_error(srv, rc) != SSL_ERROR_WANT_WRITE)
				s_fail = 1;
		}
	}
	/* TLS 1.3: the client is done before the server judged it */
	if (c_done)
		for (i = 0; i < 4; i++)
			if (SSL_read(cli, buf, sizeof(buf)) <= 0 &&
			    SSL_get_error(cli, -1) != SSL_ERROR_WANT_READ)
				break;
	if (oom_at > 0)
		out->oom_reached = test_oom_stop();
	ERR_clear_error();
	out->server_ok = s_done;
	out->version = SSL_version(srv);
	SSL_free(cli);
	return srv;
}

static SSL *
handshake(SSL_CTX *sctx, const struct phone *ph, int ver, const char *device,
    struct outcome *out)
{
	return handshake_oom(sctx, ph, ver, device, out, 0);
}

static void
phone_lsc(struct phone *p)
{
	const struct lab *l = test_lab();

	p->cert = l->lsc_a;
	p->key = l->lsc_a_key;
	p->extra = NULL;
}

static void
phone_mic(struct phone *p)
{
	const struct lab *l = test_lab();

	p->cert = l->mic;
	p->key = l->mic_key;
	p->extra = l->mfg_ca;
}

static void
phone_migrated(struct phone *p)
{
	const struct lab *l = test_lab();

	p->cert = l->lsc_b;
	p->key = l->lsc_b_key;
	p->extra = NULL;
}

static void
phone_expired(struct phone *p)
{
	const struct lab *l = test_lab();

	p->cert = expired_mic;
	p->key = l->mic_key;
	p->extra = l->mfg_ca;
}

static const int versions[] = { TLS1_2_VERSION, TLS1_3_VERSION };

static void
lsc_trusted(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct phone ph;
	struct outcome o;
	size_t v;

	(void)state;
	phone_lsc(&ph);
	for (v = 0; v < 2; v++) {
		SSL *srv = handshake(ctx, &ph, versions[v], NULL, &o);
		const ptrust_result *r = ptrust_ssl_get_result(srv);
		const char *name = NULL;

		assert_true(o.server_ok);
		assert_int_equal(o.client_alert, -1);
		assert_int_equal(o.version, versions[v]);
		assert_non_null(r);
		assert_true(ptrust_result_trusted(r));
		assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
		assert_string_equal(ptrust_result_device(r), "SEP001122334455");
		assert_string_equal(ptrust_anchor_alias(
		    ptrust_result_anchor(r)), "CAPF-a6d4c572");
		assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_NONE);
		assert_null(ptrust_result_fix(r));
		assert_int_equal(ptrust_ssl_get_alert(srv, &name), 0);
		assert_string_equal(name, "none");
		assert_int_equal(SSL_get_verify_result(srv), X509_V_OK);
		SSL_free(srv);
	}
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
mic_with_intermediate_trusted(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct phone ph;
	struct outcome o;
	size_t v;

	(void)state;
	phone_mic(&ph);
	for (v = 0; v < 2; v++) {
		SSL *srv = handshake(ctx, &ph, versions[v], "SEP001122334455",
		    &o);
		const ptrust_result *r = ptrust_ssl_get_result(srv);

		assert_true(o.server_ok);
		assert_true(ptrust_result_trusted(r));
		assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
		assert_int_equal(ptrust_result_presented(r),
		    PTRUST_PRESENTED_MIC);
		assert_int_equal(ptrust_result_chain_length(r), 3);
		SSL_free(srv);
	}
	/* without the intermediate the chain cannot be built */
	ph.extra = NULL;
	{
		SSL *srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);

		assert_false(o.server_ok);
		assert_int_equal(o.client_alert, SSL_AD_UNKNOWN_CA);
		assert_false(ptrust_result_trusted(ptrust_ssl_get_result(srv)));
		SSL_free(srv);
	}
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

/* The MIC's public key with a random private exponent: it cannot sign. */
static EVP_PKEY *
forged_key(EVP_PKEY *real)
{
	BIGNUM *n = NULL, *e = NULL, *d = BN_new();
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *k = NULL;

	assert_true(EVP_PKEY_get_bn_param(real, OSSL_PKEY_PARAM_RSA_N, &n));
	assert_true(EVP_PKEY_get_bn_param(real, OSSL_PKEY_PARAM_RSA_E, &e));
	assert_true(d != NULL && b != NULL && pc != NULL);
	assert_true(BN_rand_range(d, n));
	assert_true(OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_D, d));
	assert_non_null(params = OSSL_PARAM_BLD_to_param(b));
	assert_int_equal(EVP_PKEY_fromdata_init(pc), 1);
	assert_int_equal(EVP_PKEY_fromdata(pc, &k, EVP_PKEY_KEYPAIR, params),
	    1);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(pc);
	BN_free(n);
	BN_free(e);
	BN_free(d);
	return k;
}

/*
 * A copied certificate without its key: the chain is fine, but the phone
 * never proves possession (CertificateVerify fails), so never trusted.
 */
static void
copied_certificate_never_trusted(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct phone ph;
	struct outcome o;
	size_t v;

	(void)state;
	phone_mic(&ph);
	ph.key = forged_key(ph.key);
	for (v = 0; v < 2; v++) {
		SSL *srv = handshake(ctx, &ph, versions[v], "SEP001122334455",
		    &o);
		const ptrust_result *r = ptrust_ssl_get_result(srv);

		assert_false(o.server_ok);
		assert_non_null(r);
		assert_false(ptrust_result_trusted(r));
		assert_true(test_has_reason(r, PTRUST_REASON_OTHER, -2));
		assert_non_null(strstr(ptrust_result_fix(r), "private key"));
		/* asked again: the same answer */
		assert_ptr_equal(ptrust_ssl_get_result(srv), r);
		SSL_free(srv);
	}
	EVP_PKEY_free(ph.key);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
migrated_lsc_unknown_ca(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct phone ph;
	struct outcome o;
	size_t v;

	(void)state;
	phone_migrated(&ph);
	for (v = 0; v < 2; v++) {
		SSL *srv = handshake(ctx, &ph, versions[v], NULL, &o);
		const ptrust_result *r = ptrust_ssl_get_result(srv);
		const char *name;

		assert_false(o.server_ok);
		assert_int_equal(o.client_alert, 48);
		assert_non_null(r);
		assert_false(ptrust_result_trusted(r));
		assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, -2));
		assert_int_equal(ptrust_result_tls_alert(r),
		    PTRUST_ALERT_UNKNOWN_CA);
		assert_int_equal(ptrust_result_diagnosis(r),
		    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
		assert_non_null(strstr(ptrust_result_fix(r), "CAPF"));
		assert_string_equal(ptrust_result_device(r), "SEP00AABBCCDDEE");
		assert_int_equal(ptrust_ssl_get_alert(srv, &name), 48);
		assert_string_equal(name, "unknown_ca");
		assert_int_not_equal(SSL_get_verify_result(srv), X509_V_OK);
		SSL_free(srv);
	}
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
expired_mic_refused(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct phone ph;
	struct outcome o;
	size_t v;

	(void)state;
	phone_expired(&ph);
	for (v = 0; v < 2; v++) {
		SSL *srv = handshake(ctx, &ph, versions[v], NULL, &o);
		const ptrust_result *r = ptrust_ssl_get_result(srv);

		assert_false(o.server_ok);
		assert_int_equal(o.client_alert, 45);
		assert_true(test_has_reason(r, PTRUST_REASON_EXPIRED, 0));
		assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
		assert_int_equal(ptrust_result_presented(r),
		    PTRUST_PRESENTED_MIC);
		assert_int_equal(ptrust_result_diagnosis(r),
		    PTRUST_DIAG_MIC_EXPIRED);
		assert_int_equal(ptrust_ssl_get_alert(srv, NULL), 45);
		SSL_free(srv);
	}
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
identity_binding(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct phone ph = { other_mic, other_mic_key, l->mfg_ca };
	struct outcome o;
	SSL *srv;
	const ptrust_result *r;
	const char *name;

	(void)state;
	/* another phone's valid MIC, connecting as SEP001122334455 */
	srv = handshake(ctx, &ph, TLS1_3_VERSION, "SEP001122334455", &o);
	r = ptrust_ssl_get_result(srv);
	assert_false(o.server_ok);
	assert_int_not_equal(o.client_alert, -1);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_IDENTITY_MISMATCH, 0));
	assert_int_equal(ptrust_result_reason_count(r), 1);
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_IDENTITY_MISMATCH);
	assert_int_equal(ptrust_result_tls_alert(r), PTRUST_ALERT_ACCESS_DENIED);
	assert_string_equal(ptrust_result_device(r), "SEP001122334455");
	/* OpenSSL cannot send access_denied: what went out is told */
	assert_int_equal(ptrust_ssl_get_alert(srv, &name), o.client_alert);
	assert_string_equal(name, "handshake_failure");
	SSL_free(srv);
	/* the same phone without binding is trusted; bound correctly too */
	srv = handshake(ctx, &ph, TLS1_2_VERSION, NULL, &o);
	assert_true(o.server_ok);
	assert_string_equal(ptrust_result_device(ptrust_ssl_get_result(srv)),
	    "SEP0011223344AA");
	SSL_free(srv);
	srv = handshake(ctx, &ph, TLS1_2_VERSION, "sep0011223344aa", &o);
	assert_true(o.server_ok);
	SSL_free(srv);
	/* a bad device name is refused before any handshake */
	assert_non_null(srv = SSL_new(ctx));
	assert_int_equal(ptrust_ssl_set_device(srv, "SEP12"), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_ssl_set_device(srv, NULL), PTRUST_OK);
	assert_null(ptrust_ssl_get_result(srv));
	SSL_free(srv);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

/*
 * An LSC from the cluster's CAPF whose CN is
 * "SEP001122334455\0.attacker.example": bound to SEP001122334455 the
 * connection is refused; unbound it is trusted, and the device the result
 * reports is not SEP001122334455 either.
 */
static void
identity_binding_nul_in_cn(void **state)
{
	static const char cn[] = "SEP001122334455\0.attacker.example";
	const struct lab *l = test_lab();
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct lab_spec s;
	X509_NAME *n = X509_NAME_new();
	struct phone ph = { NULL, l->lsc_a_key, NULL };
	struct outcome o;
	const char *device;
	SSL *srv;
	const ptrust_result *r;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.cn = "placeholder";
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	assert_non_null(ph.cert = lab_issue(&s, l->lsc_a_key, l->capf_a,
	    l->capf_a_key));
	assert_true(X509_NAME_add_entry_by_NID(n, NID_commonName,
	    V_ASN1_UTF8STRING, (const unsigned char *)cn,
	    (int)sizeof(cn) - 1, -1, 0));
	assert_true(X509_set_subject_name(ph.cert, n));
	X509_NAME_free(n);
	assert_true(X509_sign(ph.cert, l->capf_a_key, EVP_sha256()) > 0);
	srv = handshake(ctx, &ph, TLS1_3_VERSION, "SEP001122334455", &o);
	r = ptrust_ssl_get_result(srv);
	assert_false(o.server_ok);
	assert_int_not_equal(o.client_alert, -1);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_IDENTITY_MISMATCH, 0));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_IDENTITY_MISMATCH);
	SSL_free(srv);
	srv = handshake(ctx, &ph, TLS1_2_VERSION, NULL, &o);
	r = ptrust_ssl_get_result(srv);
	assert_true(o.server_ok);
	assert_true(ptrust_result_trusted(r));
	device = ptrust_result_device(r);
	if (device != NULL && strcasecmp(device, "SEP001122334455") == 0)
		fail_msg("the result says device %s", device);
	SSL_free(srv);
	X509_free(ph.cert);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
no_certificate(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct outcome o;
	size_t v;

	(void)state;
	for (v = 0; v < 2; v++) {
		SSL *srv = handshake(ctx, NULL, versions[v], NULL, &o);
		const ptrust_result *r = ptrust_ssl_get_result(srv);
		int want = versions[v] == TLS1_3_VERSION ? 116 : 40;
		const char *name;

		assert_false(o.server_ok);
		assert_int_equal(o.client_alert, want);
		assert_non_null(r);
		assert_false(ptrust_result_trusted(r));
		assert_true(test_has_reason(r, PTRUST_REASON_NO_CERTIFICATE,
		    -1));
		assert_int_equal(ptrust_result_diagnosis(r),
		    PTRUST_DIAG_NO_CERTIFICATE);
		assert_int_equal(ptrust_result_presented(r),
		    PTRUST_PRESENTED_NONE);
		assert_int_equal(ptrust_ssl_get_alert(srv, &name), want);
		assert_string_equal(name, want == 116 ? "certificate_required" :
		    "handshake_failure");
		/* asked again: the same result */
		assert_ptr_equal(ptrust_ssl_get_result(srv), r);
		SSL_free(srv);
	}
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
insecure_completes(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, PTRUST_SSL_INSECURE_COMPLETE_HANDSHAKE);
	struct phone ph;
	struct outcome o;
	const ptrust_result *r;
	SSL *srv;

	(void)state;
	assert_int_equal(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_PEER);
	phone_migrated(&ph);
	srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	r = ptrust_ssl_get_result(srv);
	assert_true(o.server_ok);
	assert_int_equal(o.client_alert, -1);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_tls_alert(r), PTRUST_ALERT_UNKNOWN_CA);
	assert_int_equal(ptrust_ssl_get_alert(srv, NULL), 0);
	assert_int_equal(SSL_get_verify_result(srv),
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	SSL_free(srv);
	/* no certificate at all: completes, refusal recorded */
	srv = handshake(ctx, NULL, TLS1_2_VERSION, NULL, &o);
	r = ptrust_ssl_get_result(srv);
	assert_true(o.server_ok);
	assert_non_null(r);
	assert_true(test_has_reason(r, PTRUST_REASON_NO_CERTIFICATE, -1));
	assert_int_equal(ptrust_ssl_get_alert(srv, NULL), 0);
	SSL_free(srv);
	/* a trusted phone stays trusted */
	phone_lsc(&ph);
	srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	assert_true(ptrust_result_trusted(ptrust_ssl_get_result(srv)));
	SSL_free(srv);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
reload_next_handshake(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	ptrust_store *s1, *s2, *empty = test_store("empty", PTRUST_ROLE_AUTO,
	    NULL, 0);
	struct phone ph;
	struct outcome o;
	SSL *srv, *held;

	(void)state;
	phone_migrated(&ph);
	srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_false(o.server_ok);
	/* a result outlives a reload: it holds its snapshot */
	held = srv;
	assert_non_null(s1 = ptrust_ssl_ctx_get1_store(ctx));
	/* the administrator imports the old CAPF certificate */
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->capf_b, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_OK);
	assert_int_equal(ptrust_ssl_ctx_reload(ctx, c), PTRUST_OK);
	assert_non_null(s2 = ptrust_ssl_ctx_get1_store(ctx));
	assert_true(ptrust_store_generation(s2) > ptrust_store_generation(s1));
	srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	assert_true(ptrust_result_trusted(ptrust_ssl_get_result(srv)));
	assert_int_equal(ptrust_result_kind(ptrust_ssl_get_result(srv)),
	    PTRUST_KIND_LSC);
	SSL_free(srv);
	assert_false(ptrust_result_trusted(ptrust_ssl_get_result(held)));
	/* a snapshot swapped in directly: nothing trusted any more */
	assert_int_equal(ptrust_ssl_ctx_set_store(ctx, empty), PTRUST_OK);
	phone_lsc(&ph);
	srv = handshake(ctx, &ph, TLS1_2_VERSION, NULL, &o);
	assert_false(o.server_ok);
	assert_int_equal(o.client_alert, 48);
	SSL_free(srv);
	SSL_free(held);
	ptrust_store_unref(s1);
	ptrust_store_unref(s2);
	ptrust_store_unref(empty);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
attach_arguments(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = make_cluster();
	ptrust_store *s = test_store("radius-trust", PTRUST_ROLE_CAPF,
	    &l->capf_a, 1);
	SSL_CTX *ctx = server_ctx(), *plain = server_ctx();
	struct phone ph;
	struct outcome o;
	SSL *srv;

	(void)state;
	assert_int_equal(ptrust_ssl_ctx_attach(NULL, c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, NULL, 0), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_ssl_ctx_attach(ctx, NULL,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, NULL, 0), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_ssl_ctx_attach(ctx, c,
	    (ptrust_cluster_purpose)99, NULL, 0), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_ssl_ctx_attach(ctx, c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, NULL, 0x100), PTRUST_ERR_ARG);
	/* 802.1x has no store until one is named */
	assert_int_not_equal(ptrust_ssl_ctx_attach(ctx, c,
	    PTRUST_CLUSTER_8021X, NULL, 0), PTRUST_OK);
	assert_null(ptrust_ssl_ctx_get1_store(ctx));
	assert_int_equal(ptrust_ssl_ctx_set_store(ctx, s),
	    PTRUST_ERR_NOT_FOUND);
	assert_int_equal(ptrust_ssl_ctx_reload(ctx, c), PTRUST_ERR_NOT_FOUND);
	assert_int_equal(ptrust_ssl_ctx_attach_store(ctx, s,
	    PTRUST_CLUSTER_8021X, NULL, 0), PTRUST_OK);
	assert_int_equal(SSL_CTX_get_verify_mode(ctx),
	    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
	assert_int_equal(ptrust_ssl_ctx_attach_store(ctx, s,
	    PTRUST_CLUSTER_8021X, NULL, 0), PTRUST_ERR_EXISTS);
	assert_int_equal(ptrust_ssl_ctx_attach(ctx, c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, NULL, 0), PTRUST_ERR_EXISTS);
	/* the snapshot may go: the attachment holds it */
	ptrust_store_unref(s);
	phone_lsc(&ph);
	srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	assert_string_equal(ptrust_result_store_name(
	    ptrust_ssl_get_result(srv)), "radius-trust");
	SSL_free(srv);
	/* an SSL_CTX without attachment: nothing to tell */
	assert_non_null(srv = SSL_new(plain));
	assert_null(ptrust_ssl_get_result(srv));
	assert_int_equal(ptrust_ssl_get_alert(srv, NULL), 0);
	SSL_free(srv);
	assert_null(ptrust_ssl_get_result(NULL));
	assert_int_equal(ptrust_ssl_set_device(NULL, "SEP001122334455"),
	    PTRUST_ERR_ARG);
	SSL_CTX_free(plain);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

/* Out of memory at each allocation of attaching: all or nothing. */
static void
attach_under_oom(void **state)
{
	ptrust_cluster *c = make_cluster();
	ptrust_options *o = test_options();
	long k;

	(void)state;
	assert_int_equal(ptrust_options_set_peer_name(o, "SEP001122334455"),
	    PTRUST_OK);
	for (k = 1; k < 100000; k++) {
		SSL_CTX *ctx = server_ctx();
		ptrust_status st;
		ptrust_store *s;
		int reached;

		test_oom_fail_at(k);
		st = ptrust_ssl_ctx_attach(ctx, c,
		    PTRUST_CLUSTER_CALLMANAGER_TLS, o, 0);
		reached = test_oom_stop();
		s = ptrust_ssl_ctx_get1_store(ctx);
		if (st == PTRUST_OK)
			assert_non_null(s);
		else {
			/* store.c reports a failed X509_STORE_add_cert,
			 * out of memory here, as internal */
			assert_true(st == PTRUST_ERR_NOMEM ||
			    st == PTRUST_ERR_INTERNAL);
			assert_null(s);
			/* nothing half-done: attaching again works */
			assert_int_equal(ptrust_ssl_ctx_attach(ctx, c,
			    PTRUST_CLUSTER_CALLMANAGER_TLS, o, 0), PTRUST_OK);
		}
		ptrust_store_unref(s);
		SSL_CTX_free(ctx);
		if (!reached)
			break;
	}
	print_message("attach: %ld allocations swept\n", k);
	assert_true(k > 5);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
}

/* A new cache under out-of-memory: all or nothing, the old one kept. */
static void
cache_size_under_oom(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct phone ph;
	struct outcome o;
	ptrust_status st;
	uint64_t hits;
	long k;
	SSL *srv;

	(void)state;
	phone_lsc(&ph);
	for (k = 1; k < 100000; k++) {
		int reached;

		/* a verdict kept in the cache there is */
		assert_int_equal(ptrust_ssl_ctx_set_cache_size(ctx, 8),
		    PTRUST_OK);
		SSL_free(handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o));
		test_oom_fail_at(k);
		st = ptrust_ssl_ctx_set_cache_size(ctx, 4);
		reached = test_oom_stop();
		srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
		assert_true(o.server_ok);
		ptrust_ssl_ctx_cache_stats(ctx, &hits, NULL);
		/* failed: the old cache, its verdict served; else a new one */
		if (st != PTRUST_OK) {
			assert_int_equal(st, PTRUST_ERR_NOMEM);
			assert_int_equal(hits, 1);
		} else
			assert_int_equal(hits, 0);
		SSL_free(srv);
		if (!reached)
			break;
	}
	assert_true(k > 1);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

/*
 * Out of memory at each allocation of a whole handshake with a migrated
 * LSC: the server never completes it, whatever fails.
 */
static void
handshake_under_oom(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct phone ph;
	struct outcome o;
	long k, stride = 31;	/* every allocation: minutes under valgrind */

	(void)state;
	phone_migrated(&ph);
	for (k = 1; k < 1000000; k += stride) {
		SSL *srv;
		int reached;

		/* half the handshakes judge, half are served a verdict kept */
		if ((k / stride) % 4 < 2)
			assert_int_equal(ptrust_ssl_ctx_set_cache_size(ctx, 16),
			    PTRUST_OK);
		srv = handshake_oom(ctx, &ph, k % 2 ? TLS1_3_VERSION :
		    TLS1_2_VERSION, NULL, &o, k);
		reached = o.oom_reached;
		assert_false(o.server_ok);
		assert_false(ptrust_result_trusted(ptrust_ssl_get_result(srv)));
		SSL_free(srv);
		ERR_clear_error();
		if (!reached)
			break;
	}
	print_message("handshake: %ld allocations swept\n", k);
	assert_true(k > 100);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
cache_stats(SSL_CTX *ctx, uint64_t want_hits, uint64_t want_misses)
{
	uint64_t h = 99, m = 99;

	ptrust_ssl_ctx_cache_stats(ctx, &h, &m);
	assert_int_equal(h, want_hits);
	assert_int_equal(m, want_misses);
}

/*
 * A phone coming back presents the same chain: it is served the verdict
 * judged for it before, the same object, shared by the connections that
 * hold it.  The device a connection is bound to is part of what decides:
 * another binding is judged, and a verdict made for one phone is never
 * served to a connection bound to another.
 */
static void
verdicts_served_across_connections(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	struct phone ph;
	struct outcome o;
	SSL *srv[6];
	const ptrust_result *r[6];
	int i;

	(void)state;
	phone_lsc(&ph);
	cache_stats(ctx, 0, 0);
	srv[0] = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	srv[1] = handshake(ctx, &ph, TLS1_2_VERSION, NULL, &o);
	assert_true(o.server_ok);
	cache_stats(ctx, 1, 1);
	for (i = 0; i < 2; i++)
		r[i] = ptrust_ssl_get_result(srv[i]);
	assert_ptr_equal(r[0], r[1]);
	/* bound to its own device: another key, judged, trusted */
	srv[2] = handshake(ctx, &ph, TLS1_3_VERSION, "SEP001122334455", &o);
	assert_true(o.server_ok);
	r[2] = ptrust_ssl_get_result(srv[2]);
	assert_ptr_not_equal(r[2], r[0]);
	assert_true(ptrust_result_trusted(r[2]));
	cache_stats(ctx, 1, 2);
	/* bound to another phone: refused, first judged, then served */
	for (i = 3; i < 5; i++) {
		srv[i] = handshake(ctx, &ph, TLS1_3_VERSION, "SEP00AABBCCDDEE",
		    &o);
		assert_false(o.server_ok);
		r[i] = ptrust_ssl_get_result(srv[i]);
		assert_false(ptrust_result_trusted(r[i]));
		assert_true(test_has_reason(r[i],
		    PTRUST_REASON_IDENTITY_MISMATCH, 0));
		assert_string_equal(ptrust_result_device(r[i]),
		    "SEP00AABBCCDDEE");
	}
	assert_ptr_equal(r[3], r[4]);
	cache_stats(ctx, 2, 3);
	/* unbound again: the first verdict */
	srv[5] = handshake(ctx, &ph, TLS1_2_VERSION, NULL, &o);
	assert_ptr_equal(ptrust_ssl_get_result(srv[5]), r[0]);
	cache_stats(ctx, 3, 3);
	/* each connection holds its own reference: freeing one frees none */
	SSL_free(srv[0]);
	assert_true(ptrust_result_trusted(r[1]));
	assert_string_equal(ptrust_result_device(r[1]), "SEP001122334455");
	for (i = 1; i < 6; i++)
		SSL_free(srv[i]);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

/*
 * A reload that changes nothing keeps the snapshot and its verdicts; one
 * that changes the cluster publishes a new snapshot, judged afresh.
 */
static void
reload_keeps_unchanged_snapshot(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0);
	ptrust_store *s1, *s2;
	struct phone ph;
	struct outcome o;
	SSL *srv;

	(void)state;
	phone_lsc(&ph);
	srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	SSL_free(srv);
	assert_non_null(s1 = ptrust_ssl_ctx_get1_store(ctx));
	assert_int_equal(ptrust_ssl_ctx_reload(ctx, c), PTRUST_OK);
	assert_non_null(s2 = ptrust_ssl_ctx_get1_store(ctx));
	assert_ptr_equal(s1, s2);
	ptrust_store_unref(s2);
	srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	SSL_free(srv);
	cache_stats(ctx, 1, 1);
	/* the same anchors under another role: another snapshot */
	assert_int_equal(ptrust_builder_set_role(ptrust_cluster_store(c,
	    "callmanager-trust", 0), "CAPF-a6d4c572",
	    PTRUST_ROLE_EXTERNAL_CA), PTRUST_OK);
	assert_int_equal(ptrust_ssl_ctx_reload(ctx, c), PTRUST_OK);
	assert_non_null(s2 = ptrust_ssl_ctx_get1_store(ctx));
	assert_ptr_not_equal(s1, s2);
	ptrust_store_unref(s2);
	/* and another anchor added: another again */
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->capf_b, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_OK);
	assert_int_equal(ptrust_ssl_ctx_reload(ctx, c), PTRUST_OK);
	srv = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	assert_int_equal(ptrust_anchor_role(ptrust_result_anchor(
	    ptrust_ssl_get_result(srv))), PTRUST_ROLE_EXTERNAL_CA);
	SSL_free(srv);
	cache_stats(ctx, 1, 2);	/* judged: nothing kept for the new one */
	ptrust_store_unref(s1);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

static void
cache_size(void **state)
{
	ptrust_cluster *c = make_cluster();
	SSL_CTX *ctx = attached_ctx(c, 0), *plain = server_ctx();
	struct phone ph;
	struct outcome o;
	SSL *a, *b;

	(void)state;
	assert_int_equal(ptrust_ssl_ctx_set_cache_size(NULL, 4),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_ssl_ctx_set_cache_size(plain, 4),
	    PTRUST_ERR_NOT_FOUND);
	assert_int_equal(ptrust_ssl_ctx_set_cache_size(ctx,
	    (size_t)16777216 + 1), PTRUST_ERR_ARG);
	cache_stats(plain, 0, 0);
	/* no cache: every chain judged, each connection its own verdict */
	assert_int_equal(ptrust_ssl_ctx_set_cache_size(ctx, 0), PTRUST_OK);
	phone_mic(&ph);
	a = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	b = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	assert_ptr_not_equal(ptrust_ssl_get_result(a), ptrust_ssl_get_result(b));
	cache_stats(ctx, 0, 0);
	SSL_free(a);
	SSL_free(b);
	/* one verdict kept: the second phone evicts the first */
	assert_int_equal(ptrust_ssl_ctx_set_cache_size(ctx, 1), PTRUST_OK);
	a = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	SSL_free(a);
	phone_lsc(&ph);
	a = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	SSL_free(a);
	phone_mic(&ph);
	a = handshake(ctx, &ph, TLS1_3_VERSION, NULL, &o);
	assert_true(o.server_ok);
	assert_int_equal(ptrust_result_kind(ptrust_ssl_get_result(a)),
	    PTRUST_KIND_MIC);
	SSL_free(a);
	cache_stats(ctx, 0, 3);
	SSL_CTX_free(plain);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
}

/*
 * Threads handshake against one attached context, sharing its verdict
 * cache, while another swaps the snapshot between one that trusts this
 * cluster's CAPF and one that trusts only the other cluster's: every
 * verdict is the verdict of the snapshot it names, never one kept for
 * the other (ThreadSanitizer: no race on the holder or the cache).
 */
#define HS_THREADS	4
#define HS_EACH		24

static atomic_int hs_done, hs_published;

struct hs_worker {
	SSL_CTX		*ctx;
	int		 id;
	int		 wrong, done;
};

/* A handshake for threads: no cmocka assertion, 0 when it went wrong. */
static int
quiet_handshake(SSL_CTX *sctx, const struct phone *ph, int *verdict_ok)
{
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	SSL *srv = NULL, *cli = NULL;
	BIO *sb = NULL, *cb = NULL;
	const ptrust_result *r;
	const char *name;
	int i, s_end = 0, c_end = 0, rc, ok = 0;

	*verdict_ok = 0;
	if (cctx == NULL || SSL_CTX_use_certificate(cctx, ph->cert) != 1 ||
	    SSL_CTX_use_PrivateKey(cctx, ph->key) != 1 ||
	    (srv = SSL_new(sctx)) == NULL || (cli = SSL_new(cctx)) == NULL ||
	    BIO_new_bio_pair(&sb, 0, &cb, 0) != 1)
		goto done;
	SSL_set_bio(srv, sb, sb);
	SSL_set_bio(cli, cb, cb);
	SSL_set_accept_state(srv);
	SSL_set_connect_state(cli);
	for (i = 0; i < 64 && !(s_end && c_end); i++) {
		if (!c_end && ((rc = SSL_do_handshake(cli)) == 1 ||
		    (SSL_get_error(cli, rc) != SSL_ERROR_WANT_READ &&
		    SSL_get_error(cli, rc) != SSL_ERROR_WANT_WRITE)))
			c_end = 1;
		if (!s_end && ((rc = SSL_do_handshake(srv)) == 1 ||
		    (SSL_get_error(srv, rc) != SSL_ERROR_WANT_READ &&
		    SSL_get_error(srv, rc) != SSL_ERROR_WANT_WRITE)))
			s_end = 1;
	}
	if ((r = ptrust_ssl_get_result(srv)) == NULL ||
	    (name = ptrust_result_store_name(r)) == NULL)
		goto done;
	/* lsc_a is trusted by "trusting", lsc_b by "other" only */
	*verdict_ok = ptrust_result_trusted(r) ==
	    ((strcmp(name, "trusting") == 0) == (ph->cert == test_lab()->lsc_a))
	    && SSL_is_init_finished(srv) == ptrust_result_trusted(r);
	ok = 1;
done:
	ERR_clear_error();
	SSL_free(cli);
	SSL_free(srv);
	SSL_CTX_free(cctx);
	return ok;
}

static void *
hs_thread(void *arg)
{
	struct hs_worker *w = arg;
	struct phone ph;
	int i, verdict_ok;

	for (i = 0; i < HS_EACH; i++) {
		/* at most 3 handshakes per snapshot: the swaps interleave */
		while (atomic_load(&hs_done) >= 3 *
		    (atomic_load(&hs_published) + 1))
			sched_yield();
		if ((w->id + i) % 2)
			phone_lsc(&ph);
		else
			phone_migrated(&ph);
		if (!quiet_handshake(w->ctx, &ph, &verdict_ok) || !verdict_ok)
			w->wrong++;
		w->done++;
		atomic_fetch_add(&hs_done, 1);
	}
	OPENSSL_thread_stop();
	return NULL;
}

static void
threads_share_the_cache(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *st[2];
	SSL_CTX *ctx = server_ctx();
	ptrust_options *o = test_options();
	struct hs_worker w[HS_THREADS];
	pthread_t t[HS_THREADS];
	uint64_t hits = 0;
	int i;

	(void)state;
	atomic_init(&hs_done, 0);
	atomic_init(&hs_published, 0);
	st[0] = test_store("trusting", PTRUST_ROLE_CAPF, &l->capf_a, 1);
	st[1] = test_store("other", PTRUST_ROLE_CAPF, &l->capf_b, 1);
	assert_int_equal(ptrust_ssl_ctx_attach_store(ctx, st[0],
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o, 0), PTRUST_OK);
	for (i = 0; i < HS_THREADS; i++) {
		w[i].ctx = ctx;
		w[i].id = i;
		w[i].wrong = w[i].done = 0;
		assert_int_equal(pthread_create(&t[i], NULL, hs_thread, &w[i]),
		    0);
	}
	/* a new snapshot every few handshakes, until the threads are done */
	for (i = 0; atomic_load(&hs_done) < HS_THREADS * HS_EACH; i++) {
		assert_int_equal(ptrust_ssl_ctx_set_store(ctx, st[i % 2 == 0 ?
		    1 : 0]), PTRUST_OK);
		/* the workers may do 3 more, then wait for the next one */
		atomic_fetch_add(&hs_published, 1);
		while (atomic_load(&hs_done) < 3 * (i + 1) &&
		    atomic_load(&hs_done) < HS_THREADS * HS_EACH)
			sched_yield();
	}
	for (i = 0; i < HS_THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].done, HS_EACH);
		assert_int_equal(w[i].wrong, 0);
	}
	ptrust_ssl_ctx_cache_stats(ctx, &hits, NULL);
	print_message("%d handshakes in %d threads, %llu served from the "
	    "cache, %d snapshots\n", HS_THREADS * HS_EACH, HS_THREADS,
	    (unsigned long long)hits, atomic_load(&hs_published));
	SSL_CTX_free(ctx);
	ptrust_store_unref(st[0]);
	ptrust_store_unref(st[1]);
	ptrust_options_free(o);
}

/*
 * A partner CA (role other) minting CN=SEP...: the chain may be trusted,
 * but it is neither LSC nor MIC, so the result says the phone presented
 * neither; a policy keyed on ptrust_result_presented grants it nothing.
 */
static void
unknown_kind_presents_neither(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = make_cluster();
	struct lab_spec cs, ls;
	EVP_PKEY *ck = lab_key_ec("P-256");
	X509 *partner, *leaf;
	SSL_CTX *ctx;
	SSL *srv;
	struct phone ph;
	struct outcome o;
	const ptrust_result *r;

	(void)state;
	memset(&cs, 0, sizeof(cs));
	cs.cn = "Partner Issuing CA";
	cs.ca = 1;
	cs.pathlen = 0;
	memset(&ls, 0, sizeof(ls));
	ls.cn = "SEP001122334455";
	ls.pathlen = -1;
	ls.eku = "clientAuth,serverAuth";
	assert_non_null(partner = lab_issue(&cs, ck, NULL, NULL));
	assert_non_null(leaf = lab_issue(&ls, l->lsc_a_key, partner, ck));
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), partner, NULL, PTRUST_ROLE_OTHER),
	    PTRUST_OK);
	ctx = attached_ctx(c, 0);
	ph.cert = leaf;
	ph.key = l->lsc_a_key;
	ph.extra = NULL;
	srv = handshake(ctx, &ph, TLS1_2_VERSION, NULL, &o);
	assert_non_null(r = ptrust_ssl_get_result(srv));
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_UNKNOWN);
	assert_int_not_equal(ptrust_result_presented(r), PTRUST_PRESENTED_LSC);
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_NONE);
	SSL_free(srv);
	SSL_CTX_free(ctx);
	ptrust_cluster_free(c);
	X509_free(partner);
	X509_free(leaf);
	EVP_PKEY_free(ck);
}

static int
setup(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec srv = { .cn = "cucm.test", .eku = "serverAuth",
	    .san = "DNS:cucm.test" };
	struct lab_spec exp = { .cn = "SEP0011223344FF", .o = "Cisco",
	    .eku = "clientAuth,serverAuth", .not_after = TEST_NOW - LAB_DAY };
	struct lab_spec oth = { .cn = "SEP0011223344AA", .o = "Cisco",
	    .eku = "clientAuth,serverAuth" };

	(void)state;
	srv_key = lab_key_ec("P-256");
	srv_cert = lab_issue(&srv, srv_key, NULL, NULL);
	expired_mic = lab_issue(&exp, l->mic_key, l->mfg_ca, l->mfg_key);
	other_mic_key = lab_key_ec("P-256");
	other_mic = lab_issue(&oth, other_mic_key, l->mfg_ca, l->mfg_key);
	return srv_cert == NULL || expired_mic == NULL || other_mic == NULL;
}

static int
teardown(void **state)
{
	(void)state;
	X509_free(srv_cert);
	X509_free(expired_mic);
	X509_free(other_mic);
	EVP_PKEY_free(srv_key);
	EVP_PKEY_free(other_mic_key);
	test_lab_free();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lsc_trusted),
		cmocka_unit_test(mic_with_intermediate_trusted),
		cmocka_unit_test(copied_certificate_never_trusted),
		cmocka_unit_test(migrated_lsc_unknown_ca),
		cmocka_unit_test(expired_mic_refused),
		cmocka_unit_test(identity_binding),
		cmocka_unit_test(identity_binding_nul_in_cn),
		cmocka_unit_test(no_certificate),
		cmocka_unit_test(insecure_completes),
		cmocka_unit_test(reload_next_handshake),
		cmocka_unit_test(attach_arguments),
		cmocka_unit_test(attach_under_oom),
		cmocka_unit_test(cache_size_under_oom),
		cmocka_unit_test(handshake_under_oom),
		cmocka_unit_test(unknown_kind_presents_neither),
		cmocka_unit_test(verdicts_served_across_connections),
		cmocka_unit_test(reload_keeps_unchanged_snapshot),
		cmocka_unit_test(cache_size),
		cmocka_unit_test(threads_share_the_cache),
	};

	if (!test_oom_hook()) {
		fprintf(stderr, "cannot hook OpenSSL's allocator\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
