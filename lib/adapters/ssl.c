/*
 * TLS servers: OpenSSL hands the chain a phone presents to libphonetrust
 * during the handshake.
 *
 * The attachment (what is trusted, the options, the flags) hangs off the
 * SSL_CTX as ex_data.  The snapshot in use is the library's one holder,
 * a ptrust_current: a reload publishes a new one for new handshakes while
 * others still hold the old one by reference.  Verdicts go through a
 * verdict cache of the attachment's own (cache.c): a phone presenting
 * the same certificates to the same snapshot, bound to the same device,
 * gets the verdict judged before, by reference, its certificates never
 * parsed again; a miss judges the very X509 objects libssl decoded.  Each
 * SSL carries its own state (bound device, result, alert sent) as
 * ex_data, freed with the SSL.  Validation runs in the certificate
 * verification callback, which sees the whole chain and whose X509 error
 * code decides the alert OpenSSL sends.
 */
#include "config.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "internal.h"

/* TLS 1.3's certificate_required (RFC 8446), not a ptrust_tls_alert. */
#define PT_ALERT_CERTIFICATE_REQUIRED	116

/*
 * Verdicts an attachment keeps by default: a large cluster's phones, each
 * with the certificate it presents, at most ~400 bytes each (cache.c).
 */
#define PT_SSL_CACHE_ENTRIES	65536

struct pt_ssl_attach {
	ptrust_current		*current;	/* the snapshot in use */
	ptrust_cache		*cache;		/* NULL: every chain judged */
	ptrust_cluster_purpose	 purpose;
	ptrust_options		*options;	/* private copy, read only */
	int			 flags;
};

struct pt_ssl_state {
	char			*device;	/* NULL: not bound */
	ptrust_result		*result;
	/* result as seen before the handshake completed: never trusted */
	ptrust_result		*unproven;
	int			 alert;		/* sent by us, 0: none */
};

static CRYPTO_ONCE pt_ssl_once = CRYPTO_ONCE_STATIC_INIT;
static int pt_ctx_idx = -1;
static int pt_ssl_idx = -1;

static void
attach_free(struct pt_ssl_attach *a)
{
	if (a == NULL)
		return;
	ptrust_current_free(a->current);
	ptrust_cache_free(a->cache);
	ptrust_options_free(a->options);
	OPENSSL_free(a);
}

static void
state_free(struct pt_ssl_state *ps)
{
	if (ps == NULL)
		return;
	ptrust_result_free(ps->result);
	ptrust_result_free(ps->unproven);
	OPENSSL_free(ps->device);
	OPENSSL_free(ps);
}

static void
ctx_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	attach_free(ptr);
}

static void
ssl_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	state_free(ptr);
}

/* SSL_dup: the copy starts without a device, result or alert. */
static int
ex_dup_none(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d,
    int idx, long argl, void *argp)
{
	(void)to; (void)from; (void)idx; (void)argl; (void)argp;
	*from_d = NULL;
	return 1;
}

static void
make_indexes(void)
{
	pt_ctx_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, ex_dup_none,
	    ctx_ex_free);
	pt_ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, ex_dup_none,
	    ssl_ex_free);
}

/* 1 when both indexes exist (created once, thread-safe). */
static int
indexes(void)
{
	return CRYPTO_THREAD_run_once(&pt_ssl_once, make_indexes) &&
	    pt_ctx_idx >= 0 && pt_ssl_idx >= 0;
}

static struct pt_ssl_attach *
attach_of(const SSL_CTX *ctx)
{
	if (ctx == NULL || !indexes())
		return NULL;
	return SSL_CTX_get_ex_data(ctx, pt_ctx_idx);
}

static struct pt_ssl_state *
state_of(const SSL *ssl)
{
	if (ssl == NULL || !indexes())
		return NULL;
	return SSL_get_ex_data(ssl, pt_ssl_idx);
}

/* The state of ssl, created on first use; NULL when memory ran out. */
static struct pt_ssl_state *
state_get(SSL *ssl)
{
	struct pt_ssl_state *ps = state_of(ssl);

	if (ps != NULL || !indexes())
		return ps;
	if ((ps = pt_calloc(1, sizeof(*ps))) == NULL)
		return NULL;
	if (!SSL_set_ex_data(ssl, pt_ssl_idx, ps)) {
		OPENSSL_free(ps);
		return NULL;
	}
	return ps;
}

static ptrust_store *
attach_get1_store(struct pt_ssl_attach *a)
{
	return ptrust_current_get(a->current);
}

/* The X509 error whose alert (OpenSSL's ssl_x509err2alert) is alert. */
static int
x509_error_for(ptrust_tls_alert alert, int *sent)
{
	*sent = alert;
	switch (alert) {
	case PTRUST_ALERT_UNKNOWN_CA:
		return X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
	case PTRUST_ALERT_CERTIFICATE_EXPIRED:
		return X509_V_ERR_CERT_HAS_EXPIRED;
	case PTRUST_ALERT_CERTIFICATE_REVOKED:
		return X509_V_ERR_CERT_REVOKED;
	case PTRUST_ALERT_UNSUPPORTED_CERTIFICATE:
		return X509_V_ERR_INVALID_PURPOSE;
	case PTRUST_ALERT_BAD_CERTIFICATE:
		return X509_V_ERR_CERT_REJECTED;
	case PTRUST_ALERT_INTERNAL_ERROR:
		return X509_V_ERR_OUT_OF_MEM;
	case PTRUST_ALERT_CERTIFICATE_UNKNOWN:
		return X509_V_ERR_NO_EXPLICIT_POLICY;	/* OpenSSL's default */
	case PTRUST_ALERT_HANDSHAKE_FAILURE:
		return X509_V_ERR_APPLICATION_VERIFICATION;
	case PTRUST_ALERT_ACCESS_DENIED:
	case PTRUST_ALERT_NONE:
	default:
		/*
		 * OpenSSL offers no way to send access_denied from certificate
		 * verification: the application's refusal goes out as
		 * handshake_failure.
		 */
		*sent = PTRUST_ALERT_HANDSHAKE_FAILURE;
		return X509_V_ERR_APPLICATION_VERIFICATION;
	}
}

/* "none", or the alert's name from the one table (reason.c). */
static const char *
alert_name(int alert)
{
	const char *name = alert == 0 ? "none" : pt_alert_name(alert);

	return name != NULL ? name : "unknown";
}

/*
 * The certificates exactly as the phone sent them, through the library's
 * one judging path and the attachment's verdict cache: the leaf is the
 * one whose key the handshake proves.  *out is a reference of the
 * connection's, perhaps shared with the cache and other connections.
 */
static ptrust_status
judge(struct pt_ssl_attach *a, const char *device, X509 *leaf,
    STACK_OF(X509) *sent, ptrust_result **out)
{
	struct pt_presentation p;
	STACK_OF(X509) *others = NULL;
	ptrust_store *s;
	ptrust_status st;
	int i;

	*out = NULL;
	if ((s = attach_get1_store(a)) == NULL)
		return PTRUST_ERR_INTERNAL;
	memset(&p, 0, sizeof(p));
	p.store = s;
	p.purpose = (int)a->purpose;
	p.leaf = leaf;
	p.options = a->options;
	p.device = device;
	/* OpenSSL's untrusted list holds the leaf too: the others only */
	if (leaf != NULL && sent != NULL && (sk_X509_num(sent) > 1 ||
	    (sk_X509_num(sent) == 1 && sk_X509_value(sent, 0) != leaf))) {
		if ((others = sk_X509_new_reserve(NULL, sk_X509_num(sent))) ==
		    NULL) {
			ptrust_store_unref(s);
			return PTRUST_ERR_NOMEM;
		}
		for (i = 0; i < sk_X509_num(sent); i++)
			if (sk_X509_value(sent, i) != leaf)
				sk_X509_push(others, sk_X509_value(sent, i));
	}
	p.others = others;
	st = pt_cache_judge(a->cache, &p, out);
	sk_X509_free(others);
	ptrust_store_unref(s);
	return st;
}

/* SSL_CTX_set_cert_verify_callback: the whole chain the phone sent. */
static int
cert_verify_cb(X509_STORE_CTX *xctx, void *arg)
{
	struct pt_ssl_attach *a = arg;
	SSL *ssl = X509_STORE_CTX_get_ex_data(xctx,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct pt_ssl_state *ps;
	ptrust_result *r = NULL;
	ptrust_status st;
	int err, sent, insecure = a->flags & PTRUST_SSL_INSECURE_COMPLETE_HANDSHAKE;

	if (ssl == NULL || (ps = state_get(ssl)) == NULL) {
		X509_STORE_CTX_set_error(xctx, X509_V_ERR_OUT_OF_MEM);
		return 0;
	}
	ptrust_result_free(ps->result);
	ps->result = NULL;
	ptrust_result_free(ps->unproven);
	ps->unproven = NULL;
	ps->alert = 0;
	st = judge(a, ps->device, X509_STORE_CTX_get0_cert(xctx),
	    X509_STORE_CTX_get0_untrusted(xctx), &r);
	ps->result = r;
	ERR_clear_error();
	if (st != PTRUST_OK) {
		/* no verdict at all: fail closed, even when insecure */
		ps->alert = PTRUST_ALERT_INTERNAL_ERROR;
		X509_STORE_CTX_set_error(xctx, X509_V_ERR_OUT_OF_MEM);
		return 0;
	}
	if (ptrust_result_trusted(r)) {
		X509_STORE_CTX_set_error(xctx, X509_V_OK);
		return 1;
	}
	err = x509_error_for(ptrust_result_tls_alert(r), &sent);
	/* SSL_get_verify_result() tells the refusal in either case. */
	X509_STORE_CTX_set_error(xctx, err);
	if (insecure)
		return 1;
	ps->alert = sent;
	return 0;
}

/*
 * A phone that sent an empty Certificate message never reaches the
 * callback: OpenSSL refuses it itself (or, insecure, lets it through).
 * Told by the state the handshake stopped in, or by a finished handshake
 * without a peer certificate.
 */
static const ptrust_result *
no_certificate_result(SSL *ssl, struct pt_ssl_attach *a)
{
	struct pt_presentation p;
	struct pt_ssl_state *ps;
	ptrust_result *r = NULL;
	int finished = SSL_is_init_finished(ssl);
	char why[PT_ERRLEN];

	if (SSL_get0_peer_certificate(ssl) != NULL || (!finished &&
	    SSL_get_state(ssl) != TLS_ST_SR_CERT))
		return NULL;
	if ((ps = state_get(ssl)) == NULL)
		return NULL;
	memset(&p, 0, sizeof(p));
	if ((p.store = attach_get1_store(a)) == NULL)
		return NULL;
	snprintf(why, sizeof(why), "the phone%s%s sent no certificate",
	    ps->device != NULL ? " " : "",
	    ps->device != NULL ? ps->device : "");
	p.why = why;
	p.purpose = (int)a->purpose;
	p.options = a->options;
	p.device = ps->device;
	if (pt_judge(&p, &r) != PTRUST_OK) {
		ptrust_result_free(r);
		r = NULL;
	}
	ptrust_store_unref((ptrust_store *)p.store);
	if (r == NULL)
		return NULL;
	ps->result = r;
	ps->alert = finished ? 0 : SSL_version(ssl) >= TLS1_3_VERSION ?
	    PT_ALERT_CERTIFICATE_REQUIRED : PTRUST_ALERT_HANDSHAKE_FAILURE;
	return r;
}

static ptrust_status
attach(SSL_CTX *ctx, ptrust_store *store, ptrust_cluster_purpose purpose,
    const ptrust_options *options, int flags)
{
	struct pt_ssl_attach *a;
	int mode = SSL_VERIFY_PEER;

	if (!indexes() || (a = pt_calloc(1, sizeof(*a))) == NULL) {
		ptrust_store_unref(store);
		return PTRUST_ERR_NOMEM;
	}
	a->purpose = purpose;
	a->flags = flags;
	a->current = ptrust_current_new(store);
	ptrust_store_unref(store);	/* the holder has its own reference */
	if (a->current == NULL ||
	    (a->cache = ptrust_cache_new(PT_SSL_CACHE_ENTRIES)) == NULL ||
	    (a->options = pt_options_dup(options)) == NULL ||
	    !SSL_CTX_set_ex_data(ctx, pt_ctx_idx, a)) {
		attach_free(a);
		return PTRUST_ERR_NOMEM;
	}
	if (!(flags & PTRUST_SSL_INSECURE_COMPLETE_HANDSHAKE))
		mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	SSL_CTX_set_verify(ctx, mode, NULL);
	SSL_CTX_set_cert_verify_callback(ctx, cert_verify_cb, a);
	/*
	 * A resumed session skips the certificate: a phone refused after a
	 * reload would come back in.  Every connection shows its chain.
	 */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	(void)SSL_CTX_set_num_tickets(ctx, 0);
	return PTRUST_OK;
}

static int
args_ok(SSL_CTX *ctx, ptrust_cluster_purpose purpose, int flags)
{
	return ctx != NULL && ptrust_cluster_purpose_name(purpose) != NULL &&
	    (flags & ~PTRUST_SSL_INSECURE_COMPLETE_HANDSHAKE) == 0;
}

ptrust_status
ptrust_ssl_ctx_attach(SSL_CTX *ctx, ptrust_cluster *cluster,
    ptrust_cluster_purpose purpose, const ptrust_options *options, int flags)
{
	ptrust_store *s = NULL;
	ptrust_status st;

	if (!args_ok(ctx, purpose, flags) || cluster == NULL)
		return PTRUST_ERR_ARG;
	if (attach_of(ctx) != NULL)
		return PTRUST_ERR_EXISTS;
	if ((st = ptrust_cluster_snapshot(cluster, purpose, &s)) != PTRUST_OK)
		return st;
	return attach(ctx, s, purpose, options, flags);
}

ptrust_status
ptrust_ssl_ctx_attach_store(SSL_CTX *ctx, ptrust_store *store,
    ptrust_cluster_purpose purpose, const ptrust_options *options, int flags)
{
	if (!args_ok(ctx, purpose, flags) || store == NULL)
		return PTRUST_ERR_ARG;
	if (attach_of(ctx) != NULL)
		return PTRUST_ERR_EXISTS;
	return attach(ctx, ptrust_store_ref(store), purpose, options, flags);
}

/*
 * Make store the one in use from now on.  The verdicts kept go with the
 * snapshot they were judged against: a new snapshot never sees them
 * (their key holds its generation), and dropping them releases the old
 * snapshot at once.
 */
static ptrust_status
publish(struct pt_ssl_attach *a, ptrust_store *store)
{
	ptrust_status st;

	if ((st = ptrust_current_publish(a->current, store)) == PTRUST_OK)
		ptrust_cache_clear(a->cache);
	return st;
}

ptrust_status
ptrust_ssl_ctx_set_store(SSL_CTX *ctx, ptrust_store *store)
{
	struct pt_ssl_attach *a;

	if (ctx == NULL || store == NULL)
		return PTRUST_ERR_ARG;
	if ((a = attach_of(ctx)) == NULL)
		return PTRUST_ERR_NOT_FOUND;
	return publish(a, store);
}

/*
 * The cluster's snapshot for the attached purpose, published only when
 * it differs from the one in use (pt_store_same): a reload that changes
 * nothing keeps the snapshot and the verdicts judged against it.
 */
ptrust_status
ptrust_ssl_ctx_reload(SSL_CTX *ctx, ptrust_cluster *cluster)
{
	struct pt_ssl_attach *a;
	ptrust_store *s = NULL, *now;
	ptrust_status st = PTRUST_OK;
	int same;

	if (ctx == NULL || cluster == NULL)
		return PTRUST_ERR_ARG;
	if ((a = attach_of(ctx)) == NULL)
		return PTRUST_ERR_NOT_FOUND;
	if ((st = ptrust_cluster_snapshot(cluster, a->purpose, &s)) !=
	    PTRUST_OK)
		return st;
	now = ptrust_current_get(a->current);
	same = now != NULL && pt_store_same(now, s);
	ptrust_store_unref(now);
	if (!same)
		st = publish(a, s);
	ptrust_store_unref(s);
	return st;
}

ptrust_store *
ptrust_ssl_ctx_get1_store(SSL_CTX *ctx)
{
	struct pt_ssl_attach *a = attach_of(ctx);

	return a != NULL ? attach_get1_store(a) : NULL;
}

ptrust_status
ptrust_ssl_ctx_set_cache_size(SSL_CTX *ctx, size_t max_entries)
{
	struct pt_ssl_attach *a;
	ptrust_cache *c = NULL;

	if (ctx == NULL || max_entries > 16777216)
		return PTRUST_ERR_ARG;
	if ((a = attach_of(ctx)) == NULL)
		return PTRUST_ERR_NOT_FOUND;
	if (max_entries > 0 && (c = ptrust_cache_new(max_entries)) == NULL)
		return PTRUST_ERR_NOMEM;
	ptrust_cache_free(a->cache);
	a->cache = c;
	return PTRUST_OK;
}

void
ptrust_ssl_ctx_cache_stats(SSL_CTX *ctx, uint64_t *hits, uint64_t *misses)
{
	struct pt_ssl_attach *a = attach_of(ctx);

	ptrust_cache_stats(a != NULL ? a->cache : NULL, hits, misses);
}

ptrust_status
ptrust_ssl_set_device(SSL *ssl, const char *device)
{
	struct pt_ssl_state *ps;
	ptrust_phone *probe;
	char *copy = NULL;

	if (ssl == NULL)
		return PTRUST_ERR_ARG;
	if (device != NULL) {
		/* the rules of ptrust_phone_new for a device name */
		if ((probe = ptrust_phone_new(device)) == NULL)
			return PTRUST_ERR_ARG;
		ptrust_phone_free(probe);
		if ((copy = OPENSSL_strdup(device)) == NULL)
			return PTRUST_ERR_NOMEM;
	}
	if ((ps = state_get(ssl)) == NULL) {
		OPENSSL_free(copy);
		return PTRUST_ERR_NOMEM;
	}
	OPENSSL_free(ps->device);
	ps->device = copy;
	return PTRUST_OK;
}

static const ptrust_result *
unproven_result(struct pt_ssl_state *ps)
{
	ptrust_result *u;

	if (ps->unproven != NULL)
		return ps->unproven;
	if ((u = pt_result_dup(ps->result)) == NULL)
		return NULL;	/* out of memory: no result, nothing trusted */
	u->trusted = 0;
	u->alert = PTRUST_ALERT_HANDSHAKE_FAILURE;
	u->diagnosis = PTRUST_DIAG_UNTRUSTED_CERTIFICATE;
	OPENSSL_free(u->fix);
	u->fix = OPENSSL_strdup("The phone presented a certificate but the "
	    "handshake did not complete: it did not prove it holds the "
	    "certificate's private key (a copied certificate, or a damaged "
	    "key on the phone). Check the phone; if its key is damaged, "
	    "reinstall its LSC with CAPF.");
	if (u->fix == NULL || !pt_result_add_reason(u, PTRUST_REASON_OTHER,
	    0, NULL, "the handshake did not complete after the certificate "
	    "was checked: possession of the private key is not proven")) {
		ptrust_result_free(u);
		return NULL;
	}
	ps->unproven = u;
	return u;
}

const ptrust_result *
ptrust_ssl_get_result(const SSL *ssl)
{
	struct pt_ssl_state *ps = state_of(ssl);
	struct pt_ssl_attach *a;

	if (ps != NULL && ps->result != NULL) {
		if (!ps->result->trusted || (SSL_is_init_finished(ssl) &&
		    !SSL_renegotiate_pending((SSL *)ssl)))
			return ps->result;
		/*
		 * The chain is judged when it arrives, before the phone proves
		 * with CertificateVerify that it holds the key.  Until the
		 * handshake has completed, a trusted chain is only a copied
		 * certificate as far as anyone knows.
		 */
		return unproven_result(ps);
	}
	if (ssl == NULL || (a = attach_of(SSL_get_SSL_CTX(ssl))) == NULL)
		return NULL;
	/* per-SSL state, used by the thread that owns ssl */
	return no_certificate_result((SSL *)ssl, a);
}

int
ptrust_ssl_get_alert(const SSL *ssl, const char **name)
{
	struct pt_ssl_state *ps;
	int alert = 0;

	(void)ptrust_ssl_get_result(ssl);	/* settles a missing certificate */
	if ((ps = state_of(ssl)) != NULL)
		alert = ps->alert;
	if (name != NULL)
		*name = alert_name(alert);
	return alert;
}
