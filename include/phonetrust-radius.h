/*
 * libphonetrust for RADIUS servers: phones authenticated by EAP-TLS where
 * the server's own TLS layer (FreeRADIUS, for one) has already validated
 * the chain against a CA file exported from a store of the cluster, and
 * hands on only what it printed about the certificate.  Include after
 * <phonetrust.h> and <phonetrust-cluster.h>.
 */
#ifndef PHONETRUST_RADIUS_H
#define PHONETRUST_RADIUS_H

#include <stddef.h>
#include <time.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The device a RADIUS (EAP) identity names.  Cisco phones identify as
 * "CP-<model>-SEP<MAC>" or "SEP<MAC>"; a "host/" prefix and an "@realm"
 * suffix are ignored; a bare MAC address (12 hex digits, optionally in
 * pairs separated by ':', '-' or '.') counts too.  Writes "SEP" and the
 * MAC in upper case into device (at least 16 bytes).  PTRUST_OK, or
 * PTRUST_ERR_ARG when the identity names no phone (device is then "").
 */
ptrust_status ptrust_radius_identity_device(const char *identity,
    char *device, size_t size);

/*
 * What the server's TLS layer printed about the phone's certificate; in
 * FreeRADIUS the TLS-Client-Cert-* attributes.  NULL for an attribute the
 * server did not give.
 */
typedef struct ptrust_radius_cert {
	const char	*subject;	/* -Subject: "/C=US/O=.../CN=..." */
	const char	*issuer;	/* -Issuer, in the same form */
	const char	*common_name;	/* -Common-Name */
	const char	*authority_key_id; /* -X509v3-Authority-Key-Identifier */
	const char	*expiration;	/* -Expiration: YYMMDDhhmmssZ, or
					   YYYYMMDDhhmmssZ from 2050 */
	const char	*basic_constraints; /* -X509v3-Basic-Constraints */
} ptrust_radius_cert;

/*
 * Decide on a certificate the server's TLS layer accepted.  Its issuer is
 * the anchor of store whose subject key identifier equals the
 * certificate's authority key identifier and whose subject is the
 * certificate's issuer; none (or no identifier): refused, unknown-ca.
 * The kind is that anchor's role (capf or external-ca: LSC;
 * manufacturing: MIC; else unknown, refused); a certificate whose basic
 * constraints say CA:TRUE is no phone's (refused, wrong-purpose).  The certificate must not
 * have expired at time at (0: now) and, when device is not NULL, must name
 * device as ptrust_chain_names_device() requires.  The CN is read from
 * subject only when unambiguous: a subject that is NULL, holds "\/" or
 * "\+", has no CN or several, or whose CN's value is not exactly
 * common_name names no device (a value may hold text that reads as
 * another "/CN=").  The result has a
 * diagnosis and a fix as ptrust_cluster_verify_phone()'s for purpose;
 * no chain and no reasons below depth 0.
 *
 * Only as sound as the CA file the TLS layer used: it must be exported
 * from store (phonetrust export).  PTRUST_OK with *result, or an error.
 */
ptrust_status ptrust_radius_decide(const ptrust_store *store,
    const ptrust_radius_cert *cert, const char *device,
    ptrust_cluster_purpose purpose, time_t at, ptrust_result **result);

/*
 * Explain a certificate the server's TLS layer refused, for its log: an
 * issuer that is no anchor of store gives unknown-ca (an issuer named
 * "CAPF-..." is reported as an LSC from another cluster, a guess from the
 * name, said so in the message); an expiration before at gives expired.
 * The result is never trusted.  PTRUST_OK with *result, or an error.
 */
ptrust_status ptrust_radius_explain(const ptrust_store *store,
    const ptrust_radius_cert *cert, const char *device,
    ptrust_cluster_purpose purpose, time_t at, ptrust_result **result);

/*
 * One line for a server log, without a newline: "TRUSTED MIC SEP... via
 * STORE/ALIAS" or "REFUSED LSC SEP... (DIAGNOSIS): REASONS; fix: FIX".
 * Control characters are replaced.  Returns the length it needed, as
 * snprintf does; the line is cut to fit size.
 */
int ptrust_radius_log_line(const ptrust_result *result, char *line,
    size_t size);

#ifdef __cplusplus
}
#endif

#endif /* PHONETRUST_RADIUS_H */
