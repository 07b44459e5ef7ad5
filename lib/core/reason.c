/*
 * Reason codes: stable names, messages, the mapping from OpenSSL's verify
 * errors, and the TLS alert a server should send.  Switches over static
 * strings so the compiler flags a code added without its text.
 */
#include "config.h"

#include <string.h>

#include <openssl/x509_vfy.h>

#include "internal.h"

const char *
ptrust_reason_name(ptrust_reason_code code)
{
	switch (code) {
	case PTRUST_REASON_UNKNOWN_CA:		return "unknown-ca";
	case PTRUST_REASON_EXPIRED:		return "expired";
	case PTRUST_REASON_NOT_YET_VALID:	return "not-yet-valid";
	case PTRUST_REASON_BAD_SIGNATURE:	return "bad-signature";
	case PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM:
		return "weak-signature-algorithm";
	case PTRUST_REASON_KEY_TOO_SMALL:	return "key-too-small";
	case PTRUST_REASON_NOT_A_CA:		return "not-a-ca";
	case PTRUST_REASON_PATH_LENGTH_EXCEEDED: return "path-length-exceeded";
	case PTRUST_REASON_WRONG_PURPOSE:	return "wrong-purpose";
	case PTRUST_REASON_REVOKED:		return "revoked";
	case PTRUST_REASON_CRL_MISSING:		return "crl-missing";
	case PTRUST_REASON_CRL_EXPIRED:		return "crl-expired";
	case PTRUST_REASON_UNHANDLED_CRITICAL_EXTENSION:
		return "unhandled-critical-extension";
	case PTRUST_REASON_SELF_SIGNED_LEAF:	return "self-signed-leaf";
	case PTRUST_REASON_INVALID_TIME_ENCODING:
		return "invalid-time-encoding";
	case PTRUST_REASON_MALFORMED:		return "malformed";
	case PTRUST_REASON_CHAIN_TOO_LONG:	return "chain-too-long";
	case PTRUST_REASON_NAME_MISMATCH:	return "name-mismatch";
	case PTRUST_REASON_BAD_KEY_USAGE:	return "bad-key-usage";
	case PTRUST_REASON_CRL_NOT_YET_VALID:	return "crl-not-yet-valid";
	case PTRUST_REASON_CRL_INVALID:		return "crl-invalid";
	case PTRUST_REASON_NAME_CONSTRAINTS:	return "name-constraints";
	case PTRUST_REASON_POLICY:		return "policy";
	case PTRUST_REASON_OTHER:		return "other";
	case PTRUST_REASON_IDENTITY_MISMATCH:	return "identity-mismatch";
	case PTRUST_REASON_NO_CERTIFICATE:	return "no-certificate";
	case PTRUST_REASON_CA_AS_LEAF:		return "ca-as-leaf";
	case PTRUST_REASON_WRONG_ORDER:		return "wrong-order";
	case PTRUST_REASON_UNKNOWN_KIND:	return "unknown-kind";
	}
	return NULL;
}

const char *
ptrust_reason_message(ptrust_reason_code code)
{
	switch (code) {
	case PTRUST_REASON_UNKNOWN_CA:
		return "the issuing CA is not in the trust store";
	case PTRUST_REASON_EXPIRED:
		return "the certificate has expired";
	case PTRUST_REASON_NOT_YET_VALID:
		return "the certificate is not valid yet";
	case PTRUST_REASON_BAD_SIGNATURE:
		return "the signature does not verify with the issuer's key";
	case PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM:
		return "the signature uses a digest the security policy "
		    "refuses (SHA-1 or weaker)";
	case PTRUST_REASON_KEY_TOO_SMALL:
		return "the key is smaller than the security policy allows";
	case PTRUST_REASON_NOT_A_CA:
		return "an issuing certificate is not a CA (basicConstraints "
		    "CA:TRUE missing)";
	case PTRUST_REASON_PATH_LENGTH_EXCEEDED:
		return "a CA's path length constraint is exceeded";
	case PTRUST_REASON_WRONG_PURPOSE:
		return "the certificate is not allowed for this purpose "
		    "(extended key usage)";
	case PTRUST_REASON_REVOKED:
		return "the certificate is revoked";
	case PTRUST_REASON_CRL_MISSING:
		return "revocation checking is on but no CRL covers the "
		    "certificate";
	case PTRUST_REASON_CRL_EXPIRED:
		return "the CRL is past its nextUpdate";
	case PTRUST_REASON_UNHANDLED_CRITICAL_EXTENSION:
		return "the certificate or CRL has a critical extension "
		    "this validator does not understand";
	case PTRUST_REASON_SELF_SIGNED_LEAF:
		return "the certificate is self-signed and not in the trust "
		    "store";
	case PTRUST_REASON_INVALID_TIME_ENCODING:
		return "a validity time is encoded in a form RFC 5280 forbids";
	case PTRUST_REASON_MALFORMED:
		return "the certificate is malformed";
	case PTRUST_REASON_CHAIN_TOO_LONG:
		return "the chain is longer than the maximum depth";
	case PTRUST_REASON_NAME_MISMATCH:
		return "the certificate does not carry the expected peer name";
	case PTRUST_REASON_BAD_KEY_USAGE:
		return "a key usage needed for this step is missing";
	case PTRUST_REASON_CRL_NOT_YET_VALID:
		return "the CRL is not valid yet";
	case PTRUST_REASON_CRL_INVALID:
		return "the CRL cannot be used (signature, issuer or scope)";
	case PTRUST_REASON_NAME_CONSTRAINTS:
		return "a name violates a CA's name constraints";
	case PTRUST_REASON_POLICY:
		return "certificate policy processing failed";
	case PTRUST_REASON_OTHER:
		return "the chain failed a check";
	case PTRUST_REASON_IDENTITY_MISMATCH:
		return "the certificate names another device";
	case PTRUST_REASON_NO_CERTIFICATE:
		return "the phone has no certificate to present";
	case PTRUST_REASON_CA_AS_LEAF:
		return "a CA certificate was presented as the phone's own";
	case PTRUST_REASON_WRONG_ORDER:
		return "the certificates are in the wrong order: the phone's "
		    "own must come first";
	case PTRUST_REASON_UNKNOWN_KIND:
		return "the anchor that verified the chain issues neither LSCs "
		    "nor MICs";
	}
	return NULL;
}

int
ptrust_reason_from_name(const char *name, ptrust_reason_code *code)
{
	int c;

	if (name == NULL || code == NULL)
		return -1;
	for (c = PTRUST_REASON_UNKNOWN_CA; c <= PTRUST_REASON_LAST; c++)
		if (strcmp(ptrust_reason_name((ptrust_reason_code)c), name) ==
		    0) {
			*code = (ptrust_reason_code)c;
			return 0;
		}
	return -1;
}

ptrust_reason_code
pt_reason_from_x509_error(int err)
{
	switch (err) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_REJECTED:
		return PTRUST_REASON_UNKNOWN_CA;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return PTRUST_REASON_SELF_SIGNED_LEAF;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return PTRUST_REASON_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return PTRUST_REASON_NOT_YET_VALID;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
	case X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH:
		return PTRUST_REASON_BAD_SIGNATURE;
	case X509_V_ERR_CA_MD_TOO_WEAK:
		return PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL:
		return PTRUST_REASON_KEY_TOO_SMALL;
	case X509_V_ERR_INVALID_CA:
		return PTRUST_REASON_NOT_A_CA;
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
		return PTRUST_REASON_PATH_LENGTH_EXCEEDED;
	case X509_V_ERR_INVALID_PURPOSE:
		return PTRUST_REASON_WRONG_PURPOSE;
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
	case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
		return PTRUST_REASON_BAD_KEY_USAGE;
	case X509_V_ERR_CERT_REVOKED:
		return PTRUST_REASON_REVOKED;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		return PTRUST_REASON_CRL_MISSING;
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return PTRUST_REASON_CRL_EXPIRED;
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return PTRUST_REASON_CRL_NOT_YET_VALID;
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
		return PTRUST_REASON_CRL_INVALID;
	case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
	case X509_V_ERR_UNSUPPORTED_EXTENSION_FEATURE:
		return PTRUST_REASON_UNHANDLED_CRITICAL_EXTENSION;
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
		return PTRUST_REASON_INVALID_TIME_ENCODING;
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
		return PTRUST_REASON_CHAIN_TOO_LONG;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
	case X509_V_ERR_EMAIL_MISMATCH:
		return PTRUST_REASON_NAME_MISMATCH;
	case X509_V_ERR_PERMITTED_VIOLATION:
	case X509_V_ERR_EXCLUDED_VIOLATION:
	case X509_V_ERR_SUBTREE_MINMAX:
	case X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE:
	case X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX:
	case X509_V_ERR_UNSUPPORTED_NAME_SYNTAX:
	case X509_V_ERR_PROXY_SUBJECT_NAME_VIOLATION:
		return PTRUST_REASON_NAME_CONSTRAINTS;
	case X509_V_ERR_INVALID_POLICY_EXTENSION:
	case X509_V_ERR_NO_EXPLICIT_POLICY:
		return PTRUST_REASON_POLICY;
	case X509_V_ERR_INVALID_EXTENSION:
	case X509_V_ERR_INVALID_NON_CA:
	case X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3:
	case X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA:
	case X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN:
	case X509_V_ERR_CA_BCONS_NOT_CRITICAL:
	case X509_V_ERR_CA_CERT_MISSING_KEY_USAGE:
	case X509_V_ERR_ISSUER_NAME_EMPTY:
	case X509_V_ERR_SUBJECT_NAME_EMPTY:
	case X509_V_ERR_EMPTY_SUBJECT_ALT_NAME:
	case X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL:
	case X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL:
	case X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL:
	case X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER:
	case X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER:
	case X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA:
	case X509_V_ERR_EC_KEY_EXPLICIT_PARAMS:
	case X509_V_ERR_UNSPECIFIED:
		return PTRUST_REASON_MALFORMED;
	default:
		return PTRUST_REASON_OTHER;
	}
}

static ptrust_tls_alert
alert_for(ptrust_reason_code code)
{
	switch (code) {
	case PTRUST_REASON_UNKNOWN_CA:
	case PTRUST_REASON_SELF_SIGNED_LEAF:
	case PTRUST_REASON_NOT_A_CA:
	case PTRUST_REASON_PATH_LENGTH_EXCEEDED:
	case PTRUST_REASON_CHAIN_TOO_LONG:
		return PTRUST_ALERT_UNKNOWN_CA;
	case PTRUST_REASON_EXPIRED:
	case PTRUST_REASON_CRL_EXPIRED:
		return PTRUST_ALERT_CERTIFICATE_EXPIRED;
	case PTRUST_REASON_REVOKED:
		return PTRUST_ALERT_CERTIFICATE_REVOKED;
	case PTRUST_REASON_WRONG_PURPOSE:
	case PTRUST_REASON_BAD_KEY_USAGE:
	case PTRUST_REASON_UNHANDLED_CRITICAL_EXTENSION:
		return PTRUST_ALERT_UNSUPPORTED_CERTIFICATE;
	case PTRUST_REASON_BAD_SIGNATURE:
	case PTRUST_REASON_NOT_YET_VALID:
	case PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM:
	case PTRUST_REASON_KEY_TOO_SMALL:
	case PTRUST_REASON_INVALID_TIME_ENCODING:
	case PTRUST_REASON_MALFORMED:
		return PTRUST_ALERT_BAD_CERTIFICATE;
	case PTRUST_REASON_CRL_MISSING:
	case PTRUST_REASON_CRL_NOT_YET_VALID:
	case PTRUST_REASON_CRL_INVALID:
	case PTRUST_REASON_NAME_MISMATCH:
	case PTRUST_REASON_NAME_CONSTRAINTS:
	case PTRUST_REASON_POLICY:
	case PTRUST_REASON_OTHER:
		return PTRUST_ALERT_CERTIFICATE_UNKNOWN;
	case PTRUST_REASON_IDENTITY_MISMATCH:
	case PTRUST_REASON_UNKNOWN_KIND:
		return PTRUST_ALERT_ACCESS_DENIED;
	case PTRUST_REASON_CA_AS_LEAF:
	case PTRUST_REASON_WRONG_ORDER:
		return PTRUST_ALERT_BAD_CERTIFICATE;
	case PTRUST_REASON_NO_CERTIFICATE:
		return PTRUST_ALERT_HANDSHAKE_FAILURE;
	}
	return PTRUST_ALERT_CERTIFICATE_UNKNOWN;
}

/*
 * One alert for many reasons: the one that tells the peer most about what
 * to fix first.  A certificate that cannot even be decoded comes first,
 * then an unknown issuer (nothing else can be trusted without an anchor),
 * broken signatures, revocation, expiry.
 */
ptrust_tls_alert
pt_alert_for_reasons(const struct pt_reason *r, size_t n)
{
	static const ptrust_reason_code order[] = {
		PTRUST_REASON_MALFORMED, PTRUST_REASON_UNKNOWN_CA,
		PTRUST_REASON_SELF_SIGNED_LEAF, PTRUST_REASON_BAD_SIGNATURE,
		PTRUST_REASON_REVOKED, PTRUST_REASON_EXPIRED,
		PTRUST_REASON_NOT_YET_VALID,
	};
	size_t i, j;

	if (n == 0)
		return PTRUST_ALERT_NONE;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		for (j = 0; j < n; j++)
			if (r[j].code == order[i])
				return alert_for(order[i]);
	return alert_for(r[0].code);
}

const char *
ptrust_tls_alert_name(ptrust_tls_alert alert)
{
	switch (alert) {
	case PTRUST_ALERT_NONE:
		return "none";
	case PTRUST_ALERT_HANDSHAKE_FAILURE:
	case PTRUST_ALERT_ACCESS_DENIED:
	case PTRUST_ALERT_BAD_CERTIFICATE:
	case PTRUST_ALERT_UNSUPPORTED_CERTIFICATE:
	case PTRUST_ALERT_CERTIFICATE_REVOKED:
	case PTRUST_ALERT_CERTIFICATE_EXPIRED:
	case PTRUST_ALERT_CERTIFICATE_UNKNOWN:
	case PTRUST_ALERT_UNKNOWN_CA:
	case PTRUST_ALERT_INTERNAL_ERROR:
		return pt_alert_name((int)alert);
	}
	return NULL;
}

/*
 * The one table of TLS alerts (RFC 8446 numbering and names, OpenSSL's
 * words): every door names alerts from here.
 */
static const struct pt_alert_name {
	int		 code;
	const char	*rfc;		/* RFC 8446 name */
	const char	*text;		/* OpenSSL's long description */
} pt_alerts[] = {
	{ 0, "close_notify", "close notify" },
	{ 10, "unexpected_message", "unexpected message" },
	{ 20, "bad_record_mac", "bad record mac" },
	{ 21, "decryption_failed", "decryption failed" },
	{ 22, "record_overflow", "record overflow" },
	{ 30, "decompression_failure", "decompression failure" },
	{ 40, "handshake_failure", "handshake failure" },
	{ 41, "no_certificate", "no certificate" },
	{ 42, "bad_certificate", "bad certificate" },
	{ 43, "unsupported_certificate", "unsupported certificate" },
	{ 44, "certificate_revoked", "certificate revoked" },
	{ 45, "certificate_expired", "certificate expired" },
	{ 46, "certificate_unknown", "certificate unknown" },
	{ 47, "illegal_parameter", "illegal parameter" },
	{ 48, "unknown_ca", "unknown CA" },
	{ 49, "access_denied", "access denied" },
	{ 50, "decode_error", "decode error" },
	{ 51, "decrypt_error", "decrypt error" },
	{ 60, "export_restriction", "export restriction" },
	{ 70, "protocol_version", "protocol version" },
	{ 71, "insufficient_security", "insufficient security" },
	{ 80, "internal_error", "internal error" },
	{ 86, "inappropriate_fallback", "inappropriate fallback" },
	{ 90, "user_canceled", "user canceled" },
	{ 100, "no_renegotiation", "no renegotiation" },
	{ 109, "missing_extension", "missing extension" },
	{ 110, "unsupported_extension", "unsupported extension" },
	{ 111, "certificate_unobtainable", "certificate unobtainable" },
	{ 112, "unrecognized_name", "unrecognized name" },
	{ 113, "bad_certificate_status_response",
	    "bad certificate status response" },
	{ 114, "bad_certificate_hash_value", "bad certificate hash value" },
	{ 115, "unknown_psk_identity", "unknown PSK identity" },
	{ 116, "certificate_required", "certificate required" },
	{ 120, "no_application_protocol", "no application protocol" },
};

#define PT_N_ALERTS	(sizeof(pt_alerts) / sizeof(pt_alerts[0]))

static const struct pt_alert_name *
alert_entry(int code)
{
	size_t i;

	for (i = 0; i < PT_N_ALERTS; i++)
		if (pt_alerts[i].code == code)
			return &pt_alerts[i];
	return NULL;
}

/* "unknown_ca", "certificate_required", ...; NULL for another number. */
const char *
pt_alert_name(int code)
{
	const struct pt_alert_name *a = alert_entry(code);

	return a != NULL ? a->rfc : NULL;
}

/* "unknown CA", ...; NULL for another number. */
const char *
pt_alert_words(int code)
{
	const struct pt_alert_name *a = alert_entry(code);

	return a != NULL ? a->text : NULL;
}

/*
 * What a server that refused a certificate with this alert found wrong,
 * as far as the alert tells (a log shows no more): the reverse of
 * alert_for.  0 when the alert says nothing about the certificate.
 */
ptrust_reason_code
pt_reason_for_alert(int alert)
{
	switch (alert) {
	case PTRUST_ALERT_UNKNOWN_CA:		return PTRUST_REASON_UNKNOWN_CA;
	case PTRUST_ALERT_CERTIFICATE_EXPIRED:	return PTRUST_REASON_EXPIRED;
	case PTRUST_ALERT_CERTIFICATE_REVOKED:	return PTRUST_REASON_REVOKED;
	case PTRUST_ALERT_UNSUPPORTED_CERTIFICATE:
		return PTRUST_REASON_WRONG_PURPOSE;
	case PTRUST_ALERT_ACCESS_DENIED:
		return PTRUST_REASON_IDENTITY_MISMATCH;
	case PTRUST_ALERT_BAD_CERTIFICATE:
	case PTRUST_ALERT_CERTIFICATE_UNKNOWN:
		return PTRUST_REASON_OTHER;
	default:
		return 0;
	}
}
