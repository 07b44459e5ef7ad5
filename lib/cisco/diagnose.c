/*
 * Diagnosis: what a refusal means for the administrator of a Cisco cluster
 * and what to do about it, in the words an experienced UC engineer would
 * use.  Decided from the reasons of the validation and from which
 * certificate the phone presented, never from names alone.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *
ptrust_diagnosis_name(ptrust_diagnosis d)
{
	switch (d) {
	case PTRUST_DIAG_NONE:			return "none";
	case PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER: return "lsc-from-other-cluster";
	case PTRUST_DIAG_INVALID_LSC:		return "invalid-lsc";
	case PTRUST_DIAG_INVALID_MIC:		return "invalid-mic";
	case PTRUST_DIAG_MIC_EXPIRED:		return "mic-expired";
	case PTRUST_DIAG_LSC_EXPIRED:		return "lsc-expired";
	case PTRUST_DIAG_SHA1_MANUFACTURING_CHAIN:
		return "sha1-manufacturing-chain";
	case PTRUST_DIAG_IDENTITY_MISMATCH:	return "identity-mismatch";
	case PTRUST_DIAG_NO_CERTIFICATE:	return "no-certificate";
	case PTRUST_DIAG_NO_STORE_FOR_PURPOSE:	return "no-store-for-purpose";
	case PTRUST_DIAG_UNTRUSTED_CERTIFICATE:	return "untrusted-certificate";
	case PTRUST_DIAG_MISSING_INTERMEDIATE:	return "missing-intermediate";
	case PTRUST_DIAG_NOT_A_PHONE_CERTIFICATE:
		return "not-a-phone-certificate";
	case PTRUST_DIAG_WRONG_ORDER:		return "wrong-order";
	}
	return NULL;
}

static int
has(const ptrust_result *r, ptrust_reason_code code, int depth)
{
	size_t i;

	for (i = 0; i < r->n_reasons; i++)
		if (r->reasons[i].code == code &&
		    (depth < 0 || r->reasons[i].depth == depth))
			return 1;
	return 0;
}

/*
 * When the certificate at depth (any: -1) expired, as text, from the time
 * the validation recorded with the reason.  0 when it did not expire.
 */
static int
expired(const ptrust_result *r, int depth, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < r->n_reasons; i++)
		if (r->reasons[i].code == PTRUST_REASON_EXPIRED &&
		    (depth < 0 || r->reasons[i].depth == depth)) {
			if (r->reasons[i].at != 0)
				pt_format_time(r->reasons[i].at, buf, len);
			else
				snprintf(buf, len, "its notAfter");
			return 1;
		}
	return 0;
}

static int
set_fix(ptrust_result *r, ptrust_diagnosis d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_fix(ptrust_result *r, ptrust_diagnosis d, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->diagnosis = d;
	OPENSSL_free(r->fix);
	return (r->fix = OPENSSL_strdup(buf)) != NULL;
}

/* How the kind of a refused certificate is known, for the fix's words. */
static const char *
evidence_words(const ptrust_result *r)
{
	switch (r->evidence) {
	case PTRUST_EVIDENCE_KEY:
		return "known by its key to an anchor of the cluster";
	case PTRUST_EVIDENCE_NAME:
		return "judged by the issuer's name";
	case PTRUST_EVIDENCE_CALLER:
		return "as the phone's records say";
	case PTRUST_EVIDENCE_DEFAULT:
		return "its issuer is unknown here";
	default:
		return "by the anchor";
	}
}

/*
 * The one fix table.  Keyed by the diagnosis, what was presented and the
 * purpose; every door (verify, phone, the TLS attachment, RADIUS,
 * capture, CAPF, the console reader) reads its fix from here.
 */
static int
diagnose_lsc(ptrust_result *r, int capf, const char *store,
    const char *issuer)
{
	char when[32];

	if (expired(r, 0, when, sizeof(when))) {
		if (capf)
			return set_fix(r, PTRUST_DIAG_INVALID_LSC, "CAPF "
			    "refuses the phone's LSC, which expired on %s "
			    "(Invalid LSC). Set the CAPF authentication mode "
			    "to By Null String or By Authentication String and "
			    "run Install/Upgrade to issue a new LSC.", when);
		return set_fix(r, PTRUST_DIAG_LSC_EXPIRED, "The phone's LSC "
		    "expired on %s. Reissue it: CAPF operation Install/Upgrade "
		    "with authentication by null string or authentication "
		    "string (an expired LSC cannot authenticate itself).",
		    when);
	}
	if (capf)
		return set_fix(r, PTRUST_DIAG_INVALID_LSC, "CAPF cannot "
		    "authenticate the phone with its LSC (Invalid LSC): %s. "
		    "Change the CAPF authentication mode to By Null String or "
		    "By Authentication String, or add the CA that issued the "
		    "LSC (%s) to CAPF-trust.",
		    has(r, PTRUST_REASON_UNKNOWN_CA, -1) ? "its issuer is not "
		    "in CAPF-trust" : "the LSC fails validation", issuer);
	if (has(r, PTRUST_REASON_UNKNOWN_CA, -1) &&
	    r->evidence == PTRUST_EVIDENCE_DEFAULT)
		return set_fix(r, PTRUST_DIAG_UNTRUSTED_CERTIFICATE, "The "
		    "certificate was issued by %s, which is no anchor of %s, "
		    "and nothing shows what that CA is. If it is another "
		    "cluster's CAPF, the phone needs an LSC from this "
		    "cluster's CAPF (or that CAPF certificate imported into "
		    "%s); if it is a manufacturing CA, send the MIC with its "
		    "chain or add the CA to %s.", issuer, store, store, store);
	if (has(r, PTRUST_REASON_UNKNOWN_CA, -1))
		return set_fix(r, PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER, "The "
		    "phone's LSC was issued by %s%sa CAPF this cluster does "
		    "not trust (%s): typically a phone moved from another "
		    "cluster. "
		    "Register the phone with a non-secure device security "
		    "profile, delete its LSC (CAPF operation Delete) and "
		    "install one from this cluster's CAPF (Install/Upgrade), "
		    "then give it back its secure profile; or import the old "
		    "CAPF certificate into %s. The TLS handshake ends with "
		    "alert unknown_ca.", r->issuer != NULL ? r->issuer : "",
		    r->issuer != NULL ? ", " : "", evidence_words(r), store);
	return set_fix(r, PTRUST_DIAG_UNTRUSTED_CERTIFICATE, "The phone's "
	    "LSC fails validation against %s (see the reasons). Delete the LSC "
	    "to let the phone fall back to its MIC, or install a new LSC "
	    "from this cluster's CAPF.", store);
}

static int
diagnose_mic(ptrust_result *r, int capf, const char *store,
    const char *issuer)
{
	char when[32];

	if (expired(r, -1, when, sizeof(when)))
		return set_fix(r, PTRUST_DIAG_MIC_EXPIRED, "The phone's MIC "
		    "%sexpired on %s. A MIC is never renewed: install an LSC "
		    "with CAPF (authentication by null string or "
		    "authentication string), after which the phone presents "
		    "the LSC instead.", has(r, PTRUST_REASON_EXPIRED, 0) ? "" :
		    "chains through a manufacturing CA that ", when);
	/*
	 * The leaf alone and its issuer no anchor: the manufacturing CA
	 * between the MIC and Cisco's root was not sent.  Known only where
	 * the certificates themselves were judged (not from a server's
	 * description or a log, which cannot tell what was sent).
	 */
	if (has(r, PTRUST_REASON_UNKNOWN_CA, -1) && r->chain_len == 1 &&
	    r->evidence != PTRUST_EVIDENCE_DEFAULT)
		return set_fix(r, PTRUST_DIAG_MISSING_INTERMEDIATE, "The MIC "
		    "came without the manufacturing CA that issued it (%s, "
		    "%s), and %s has no such anchor. Make the phone's server "
		    "or supplicant send the whole chain, or add that "
		    "manufacturing CA to %s (phonetrust store add ... --role "
		    "manufacturing); installing an LSC avoids the MIC "
		    "altogether.", issuer, evidence_words(r), store,
		    capf ? "capf-trust" : store);
	if (has(r, PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM, -1))
		return set_fix(r, PTRUST_DIAG_SHA1_MANUFACTURING_CHAIN, "The "
		    "MIC chains through a SHA-1 signed manufacturing CA (such as "
		    "Cisco Manufacturing CA), which the security policy "
		    "refuses. Install an LSC (recommended), or accept SHA-1 "
		    "explicitly (phonetrust --allow-sha1, or "
		    "ptrust_options_insecure_allow_sha1 in a program).");
	if (capf)
		return set_fix(r, PTRUST_DIAG_INVALID_MIC, "CAPF cannot "
		    "authenticate the phone with its MIC (Invalid MIC)%s. Add "
		    "the Cisco manufacturing CA that issued it (%s) to "
		    "CAPF-trust, or change the CAPF authentication mode to By "
		    "Null String or By Authentication String.",
		    has(r, PTRUST_REASON_UNKNOWN_CA, -1) ?
		    ": its issuer is not in CAPF-trust" : "", issuer);
	if (has(r, PTRUST_REASON_UNKNOWN_CA, -1))
		return set_fix(r, PTRUST_DIAG_INVALID_MIC, "The MIC's issuer "
		    "%s is not trusted by %s (Cisco Manufacturing CA SHA2 and "
		    "Cisco Root CA M2, Cisco Manufacturing CA and Cisco Root CA "
		    "2048, ACT2 SUDI CA). Keep the Cisco manufacturing CAs "
		    "trusted for this purpose (manufacturing-ca), or install an "
		    "LSC from this cluster's CAPF.", issuer, store);
	return set_fix(r, PTRUST_DIAG_INVALID_MIC, "The phone's MIC fails "
	    "validation against %s (see the reasons). Install an LSC from "
	    "this cluster's CAPF.", store);
}

/*
 * Reasons that decide the diagnosis whatever was presented, in order: the
 * certificate is not a phone's to begin with.
 */
static const struct {
	ptrust_reason_code	 code;
	ptrust_diagnosis	 diagnosis;
	const char		*fix;
} by_reason[] = {
	{ PTRUST_REASON_NO_CERTIFICATE, PTRUST_DIAG_NO_CERTIFICATE,
	    "The phone has presented no certificate (it has neither an LSC "
	    "nor a MIC, or sent none). Install an LSC with CAPF "
	    "(authentication by authentication string or null string), or "
	    "register it with a non-secure profile." },
	{ PTRUST_REASON_WRONG_ORDER, PTRUST_DIAG_WRONG_ORDER,
	    "The certificates are in the wrong order: the phone's own "
	    "certificate must come first, followed by the CA certificates "
	    "above it. Reorder the file (or the server's chain "
	    "configuration) and try again." },
	{ PTRUST_REASON_CA_AS_LEAF, PTRUST_DIAG_NOT_A_PHONE_CERTIFICATE,
	    "A CA certificate was presented where a phone's own LSC or MIC "
	    "belongs. A CA certificate goes into a trust store (phonetrust "
	    "store add); give the phone's certificate here." },
};

/* Sets r->diagnosis and r->fix from r's facts; 0 when memory ran out. */
int
pt_diagnose(ptrust_result *r)
{
	const char *store = r->store != NULL ? r->store->name :
	    r->store_label != NULL ? r->store_label :
	    "the store of this purpose";
	const char *issuer = r->issuer != NULL ? r->issuer :
	    "an issuer not named here";
	const char *purpose = r->purpose >= 0 ? ptrust_cluster_purpose_name(
	    (ptrust_cluster_purpose)r->purpose) : "this purpose";
	int capf = r->purpose == (int)PTRUST_CLUSTER_CAPF;
	size_t i;

	if (r->trusted) {
		r->diagnosis = PTRUST_DIAG_NONE;
		return 1;
	}
	if (r->diagnosis == PTRUST_DIAG_NO_STORE_FOR_PURPOSE)
		return set_fix(r, r->diagnosis, "Name an existing store to "
		    "validate %s (a %s line in cluster.conf, or "
		    "ptrust_cluster_set_purpose_store), and load into it the "
		    "CAPF certificate and the manufacturing CAs it must trust.",
		    purpose, purpose);
	for (i = 0; i < sizeof(by_reason) / sizeof(by_reason[0]); i++)
		if (has(r, by_reason[i].code, -1))
			return set_fix(r, by_reason[i].diagnosis, "%s",
			    by_reason[i].fix);
	if (r->purpose < 0) {
		if (has(r, PTRUST_REASON_IDENTITY_MISMATCH, -1) &&
		    r->n_reasons == 1)
			goto identity;
		return set_fix(r, PTRUST_DIAG_UNTRUSTED_CERTIFICATE, "The "
		    "chain fails validation against %s (see the reasons).",
		    store);
	}
	if (has(r, PTRUST_REASON_UNKNOWN_KIND, 0))
		return set_fix(r, PTRUST_DIAG_NOT_A_PHONE_CERTIFICATE, "The "
		    "chain ends in an anchor of %s that issues neither LSCs nor "
		    "MICs (role other): no phone is trusted by it. Give the "
		    "anchor its role (phonetrust store role ... capf or "
		    "manufacturing) if it really issues phones' certificates.",
		    store);
	if (has(r, PTRUST_REASON_IDENTITY_MISMATCH, -1) && r->n_reasons == 1)
		goto identity;
	return r->presented == PTRUST_PRESENTED_MIC ?
	    diagnose_mic(r, capf, store, issuer) :
	    diagnose_lsc(r, capf, store, issuer);
identity:
	return set_fix(r, PTRUST_DIAG_IDENTITY_MISMATCH, "The certificate is "
	    "valid but belongs to another device: a phone registering as %s "
	    "must present its own certificate. Check the device name (MAC "
	    "address) configured for it; a copied certificate is an "
	    "impersonation attempt.",
	    r->device != NULL ? r->device : "this device");
}

ptrust_presented
ptrust_result_presented(const ptrust_result *r)
{
	return r != NULL ? r->presented : PTRUST_PRESENTED_NONE;
}

const char *
ptrust_result_device(const ptrust_result *r)
{
	return r != NULL ? r->device : NULL;
}

ptrust_diagnosis
ptrust_result_diagnosis(const ptrust_result *r)
{
	return r != NULL ? r->diagnosis : PTRUST_DIAG_UNTRUSTED_CERTIFICATE;
}

ptrust_evidence
ptrust_result_evidence(const ptrust_result *r)
{
	return r != NULL ? r->evidence : PTRUST_EVIDENCE_NONE;
}

const char *
ptrust_result_fix(const ptrust_result *r)
{
	return r != NULL && !r->trusted ? r->fix : NULL;
}
