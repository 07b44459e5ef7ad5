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

/* The notAfter of the certificate at depth that expired, as text. */
static void
expiry_of(const ptrust_result *r, char *buf, size_t len)
{
	size_t i;
	const char *p;

	snprintf(buf, len, "its notAfter");
	for (i = 0; i < r->n_reasons; i++)
		if (r->reasons[i].code == PTRUST_REASON_EXPIRED &&
		    (p = strstr(r->reasons[i].message, "notAfter ")) != NULL) {
			snprintf(buf, len, "%.20s", p + 9);
			return;
		}
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

static int
diagnose_lsc(ptrust_result *r, ptrust_cluster_purpose purpose,
    const char *store, const char *issuer)
{
	char when[32];

	if (purpose == PTRUST_CLUSTER_CAPF) {
		if (has(r, PTRUST_REASON_EXPIRED, 0)) {
			expiry_of(r, when, sizeof(when));
			return set_fix(r, PTRUST_DIAG_INVALID_LSC, "CAPF "
			    "refuses the phone's LSC, which expired on %s "
			    "(Invalid LSC). Set the CAPF authentication mode "
			    "to By Null String or By Authentication String and "
			    "run Install/Upgrade to issue a new LSC.", when);
		}
		return set_fix(r, PTRUST_DIAG_INVALID_LSC, "CAPF cannot "
		    "authenticate the phone with its LSC (Invalid LSC): %s. "
		    "Change the CAPF authentication mode to By Null String or "
		    "By Authentication String, or add the CA that issued the "
		    "LSC (%s) to CAPF-trust.",
		    has(r, PTRUST_REASON_UNKNOWN_CA, -1) ? "its issuer is not "
		    "in CAPF-trust" : "the LSC fails validation", issuer);
	}
	if (has(r, PTRUST_REASON_UNKNOWN_CA, -1))
		return set_fix(r, PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER, "The "
		    "phone's LSC was issued by %s, a CAPF this cluster does not "
		    "trust: typically a phone moved from another cluster. "
		    "Register the phone with a non-secure device security "
		    "profile, delete its LSC (CAPF operation Delete) and "
		    "install one from this cluster's CAPF (Install/Upgrade), "
		    "then give it back its secure profile; or import the old "
		    "CAPF certificate into %s. The TLS handshake ends with "
		    "alert unknown_ca.", issuer, store);
	if (has(r, PTRUST_REASON_EXPIRED, 0)) {
		expiry_of(r, when, sizeof(when));
		return set_fix(r, PTRUST_DIAG_LSC_EXPIRED, "The phone's LSC "
		    "expired on %s. Reissue it: CAPF operation Install/Upgrade "
		    "with authentication by null string or authentication "
		    "string (an expired LSC cannot authenticate itself).",
		    when);
	}
	return set_fix(r, PTRUST_DIAG_UNTRUSTED_CERTIFICATE, "The phone's "
	    "LSC fails validation against %s (see the reasons). Delete the LSC "
	    "to let the phone fall back to its MIC, or install a new LSC "
	    "from this cluster's CAPF.", store);
}

static int
diagnose_mic(ptrust_result *r, ptrust_cluster_purpose purpose,
    const char *store, const char *issuer)
{
	char when[32];

	if (has(r, PTRUST_REASON_EXPIRED, -1)) {
		expiry_of(r, when, sizeof(when));
		return set_fix(r, PTRUST_DIAG_MIC_EXPIRED, "The phone's MIC "
		    "(or a manufacturing CA above it) expired on %s. A MIC is "
		    "never renewed: install an LSC with CAPF (authentication "
		    "by null string or authentication string), after which "
		    "the phone presents the LSC instead.", when);
	}
	if (has(r, PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM, -1))
		return set_fix(r, PTRUST_DIAG_SHA1_MANUFACTURING_CHAIN, "The "
		    "MIC chains through a SHA-1 signed manufacturing CA (such as "
		    "Cisco Manufacturing CA), which the security policy "
		    "refuses. Install an LSC (recommended), or accept SHA-1 "
		    "explicitly (allow_sha1 in the library, --allow-sha1 in "
		    "phonetrust).");
	if (purpose == PTRUST_CLUSTER_CAPF)
		return set_fix(r, PTRUST_DIAG_INVALID_MIC, "CAPF cannot "
		    "authenticate the phone with its MIC (Invalid MIC)%s. Add "
		    "the Cisco manufacturing CA that issued it (%s) to "
		    "CAPF-trust, or change the CAPF authentication mode to By "
		    "Null String or By Authentication String.",
		    has(r, PTRUST_REASON_UNKNOWN_CA, -1) ?
		    ": its issuer is not in CAPF-trust" : "", issuer);
	if (has(r, PTRUST_REASON_UNKNOWN_CA, -1))
		return set_fix(r, PTRUST_DIAG_INVALID_MIC, "The MIC's issuer "
		    "%s is not trusted by %s. Keep the Cisco manufacturing CAs "
		    "trusted for this purpose (manufacturing-ca), or install an "
		    "LSC from this cluster's CAPF.", issuer, store);
	return set_fix(r, PTRUST_DIAG_INVALID_MIC, "The phone's MIC fails "
	    "validation against %s (see the reasons). Install an LSC from "
	    "this cluster's CAPF.", store);
}

/* Sets r->diagnosis and r->fix; 0 when memory ran out. */
int
pt_diagnose(ptrust_result *r, ptrust_cluster_purpose purpose,
    const char *store, X509 *leaf)
{
	char *issuer = NULL;
	int ok;

	if (leaf != NULL && !r->trusted &&
	    (issuer = pt_name_string(X509_get_issuer_name(leaf))) == NULL)
		return 0;
	ok = pt_diagnose_issuer(r, purpose, store, issuer);
	OPENSSL_free(issuer);
	return ok;
}

int
pt_diagnose_issuer(ptrust_result *r, ptrust_cluster_purpose purpose,
    const char *store, const char *issuer)
{
	if (store == NULL)
		store = "the store of this purpose";
	if (issuer == NULL)
		issuer = "?";
	if (r->trusted) {
		r->diagnosis = PTRUST_DIAG_NONE;
		return 1;
	}
	if (r->diagnosis == PTRUST_DIAG_NO_STORE_FOR_PURPOSE)
		return set_fix(r, r->diagnosis, "Name an existing store to "
		    "validate %s (a %s line in cluster.conf, or "
		    "ptrust_cluster_set_purpose_store), and load into it the "
		    "CAPF certificate and the manufacturing CAs it must trust.",
		    ptrust_cluster_purpose_name(purpose),
		    ptrust_cluster_purpose_name(purpose));
	if (r->presented == PTRUST_PRESENTED_NONE)
		return set_fix(r, PTRUST_DIAG_NO_CERTIFICATE, "The phone has "
		    "neither an LSC nor a MIC. Install an LSC with CAPF "
		    "(authentication by authentication string or null "
		    "string), or register it with a non-secure profile.");
	if (has(r, PTRUST_REASON_IDENTITY_MISMATCH, -1) &&
	    r->n_reasons == 1)
		return set_fix(r, PTRUST_DIAG_IDENTITY_MISMATCH, "The "
		    "certificate is valid but belongs to another device: a "
		    "phone registering as %s must present its own certificate. "
		    "Check the device name (MAC address) configured for it; a "
		    "copied certificate is an impersonation attempt.",
		    r->device != NULL ? r->device : "this device");
	return r->presented == PTRUST_PRESENTED_LSC ?
	    diagnose_lsc(r, purpose, store, issuer) :
	    diagnose_mic(r, purpose, store, issuer);
}

/*
 * What the phone presented: the kind of the anchor that verified the
 * chain.  A trusted chain of unknown kind (a partner CA's certificate
 * naming a phone) presented neither, so nothing keyed on the LSC grants it
 * anything.  Only a refused chain, which verified against no anchor, falls
 * back on guess (what its issuer looked like) to pick the diagnosis.
 */
ptrust_presented
pt_presented_of(const ptrust_result *r, ptrust_kind guess)
{
	ptrust_kind k = r->kind;

	if (k == PTRUST_KIND_UNKNOWN && r->trusted)
		return PTRUST_PRESENTED_NONE;
	if (k == PTRUST_KIND_UNKNOWN)
		k = guess;
	return k == PTRUST_KIND_MIC ? PTRUST_PRESENTED_MIC :
	    PTRUST_PRESENTED_LSC;
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
	if (r == NULL)
		return PTRUST_DIAG_UNTRUSTED_CERTIFICATE;
	if (!r->trusted && r->diagnosis == PTRUST_DIAG_NONE &&
	    r->device == NULL)
		return PTRUST_DIAG_UNTRUSTED_CERTIFICATE; /* plain ptrust_verify */
	return r->diagnosis;
}

const char *
ptrust_result_fix(const ptrust_result *r)
{
	return r != NULL && !r->trusted ? r->fix : NULL;
}
