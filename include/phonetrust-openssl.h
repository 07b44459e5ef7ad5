/*
 * libphonetrust, OpenSSL-facing part: for programs that already hold
 * OpenSSL objects (a TLS server's verify callback, say).  Include
 * <phonetrust.h> for everything else.
 */
#ifndef PHONETRUST_OPENSSL_H
#define PHONETRUST_OPENSSL_H

#include <openssl/x509.h>
#include <phonetrust.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Append one certificate; the chain takes its own reference. */
ptrust_status ptrust_chain_add_x509(ptrust_chain *chain, X509 *cert);
/* The chain's i-th certificate (0: the leaf), borrowed; NULL past the end. */
X509 *ptrust_chain_get0_x509(const ptrust_chain *chain, size_t i);
/* A new chain from a leaf and the intermediates that came with it (may be NULL). */
ptrust_status ptrust_chain_new_from_x509(X509 *leaf, STACK_OF(X509) *rest,
    ptrust_chain **chain);
/* Add one anchor; the builder takes its own reference. */
ptrust_status ptrust_builder_add_x509(ptrust_builder *builder, X509 *cert,
    const char *alias, ptrust_role role);
/* The anchor's certificate, borrowed: valid while the anchor lives. */
X509 *ptrust_anchor_get0_x509(const ptrust_anchor *anchor);
/* Add one CRL; the options take their own reference. */
ptrust_status ptrust_options_add_crl_x509(ptrust_options *options,
    X509_CRL *crl);

#ifdef __cplusplus
}
#endif

/* ---------------------------------------------------------------------
 * TLS servers (links libssl): the server asks the phone for its
 * certificate and validates the chain it presents through libphonetrust
 * during the handshake.  A refused phone gets the fatal alert its result
 * names (see ptrust_ssl_get_alert for the one exception), and the whole
 * result stays on the SSL for the application.  See ptrust_ssl_ctx_attach(3).
 */
#include <openssl/ssl.h>
#include <phonetrust-cluster.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Flag of ptrust_ssl_ctx_attach*: complete the handshake even when the
 * phone is refused or sends no certificate, recording the refusal in the
 * result and in SSL_get_verify_result().  Off by default; for diagnosis
 * only, never to let phones in.
 */
#define PTRUST_SSL_INSECURE_COMPLETE_HANDSHAKE	0x01

/*
 * Attach once, before ctx is used: what the cluster trusts for purpose
 * now (its snapshot), or the snapshot store (the attachment takes its own
 * reference), options copied (NULL: defaults), flags above.  Sets the
 * verify mode (peer certificate required unless insecure) and the
 * certificate verification callback, and turns session resumption off.
 * PTRUST_ERR_EXISTS when ctx is already attached.
 */
ptrust_status ptrust_ssl_ctx_attach(SSL_CTX *ctx, ptrust_cluster *cluster,
    ptrust_cluster_purpose purpose, const ptrust_options *options,
    int flags);
ptrust_status ptrust_ssl_ctx_attach_store(SSL_CTX *ctx, ptrust_store *store,
    ptrust_cluster_purpose purpose, const ptrust_options *options,
    int flags);
/*
 * Reload, from any thread while handshakes run: new handshakes use the
 * new snapshot, handshakes under way keep theirs.  reload takes the
 * cluster's snapshot for the attached purpose (the cluster itself must not
 * change meanwhile), and keeps the one in use when it holds the same
 * anchors.  A new snapshot drops the verdicts kept for the old one.
 */
ptrust_status ptrust_ssl_ctx_set_store(SSL_CTX *ctx, ptrust_store *store);
ptrust_status ptrust_ssl_ctx_reload(SSL_CTX *ctx, ptrust_cluster *cluster);
/* A new reference to the snapshot in use; NULL when not attached. */
ptrust_store *ptrust_ssl_ctx_get1_store(SSL_CTX *ctx);
/*
 * The attachment's verdict cache (65536 verdicts by default, see
 * ptrust_cache_new): a phone presenting the same certificates to the same
 * snapshot, bound to the same device, is served the verdict judged
 * before.  set_cache_size: at most max_entries (0: no cache), before ctx
 * is shared, dropping the verdicts kept; stats: verdicts served and
 * chains judged since (0 and 0 when not attached).
 */
ptrust_status ptrust_ssl_ctx_set_cache_size(SSL_CTX *ctx, size_t max_entries);
void ptrust_ssl_ctx_cache_stats(SSL_CTX *ctx, uint64_t *hits,
    uint64_t *misses);

/*
 * For a server whose TLS layer is not an attached SSL_CTX (a SIP server's
 * module, say): what the phone presented, judged by the one judging path
 * (ptrust_verify_presented) through cache (ptrust_cache_verify; NULL: no
 * cache).  leaf: the phone's certificate, NULL when it presented none;
 * others: what it sent with it, without the leaf, as sent (may be NULL).
 * *result is the caller's reference, as from ptrust_cache_verify.
 */
ptrust_status ptrust_cache_verify_presented(ptrust_cache *cache,
    const ptrust_store *snapshot, ptrust_cluster_purpose purpose, X509 *leaf,
    STACK_OF(X509) *others, const ptrust_options *options,
    ptrust_result **result);

/*
 * Bind this connection to a device before its handshake: the certificate
 * must name it (reason identity-mismatch otherwise).  NULL unbinds.
 */
ptrust_status ptrust_ssl_set_device(SSL *ssl, const char *device);
/*
 * The result of the last handshake of ssl, owned by ssl (valid until
 * SSL_free or the next handshake); NULL before a certificate was judged.
 */
const ptrust_result *ptrust_ssl_get_result(const SSL *ssl);
/*
 * The alert this library made the server send (RFC 8446 numbering, 0:
 * none); *name, when name is not NULL: "unknown_ca", ..., "none".
 */
int ptrust_ssl_get_alert(const SSL *ssl, const char **name);

#ifdef __cplusplus
}
#endif

#endif /* PHONETRUST_OPENSSL_H */
