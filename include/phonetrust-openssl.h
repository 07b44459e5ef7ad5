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

#endif /* PHONETRUST_OPENSSL_H */
