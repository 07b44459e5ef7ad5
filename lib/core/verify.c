/*
 * Chain validation.  OpenSSL builds and checks the path; our callback
 * records every error instead of stopping at the first, so the result
 * lists each reason.  Fail closed: trusted only when OpenSSL accepted the
 * chain, not a single reason was recorded, and the chain ends in an anchor
 * of the store.  The kind (LSC/MIC) is the role of that anchor.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "internal.h"

struct pt_verify_state {
	ptrust_result		*r;
	const ptrust_options	*o;
	const ptrust_store	*store;
	size_t			 cap;
	int			 nomem;
	int			 crl_supplied_only; /* the default CRL mode */
};

static int
signed_with_sha1(X509 *x)
{
	int md = NID_undef, pk = NID_undef;

	return OBJ_find_sigid_algs(X509_get_signature_nid(x), &md, &pk) &&
	    md == NID_sha1;
}

/* An anchor whose subject is cert's issuer name (whatever its key). */
static int
same_name_anchor(const ptrust_store *s, X509 *cert)
{
	size_t i;

	for (i = 0; i < s->n_anchors; i++)
		if (X509_NAME_cmp(X509_get_subject_name(s->anchors[i]->x509),
		    X509_get_issuer_name(cert)) == 0)
			return 1;
	return 0;
}

static char *
detail_message(ptrust_reason_code code, int err, X509 *cert,
    const ptrust_store *store)
{
	const char *store_name = store->name;
	char buf[PT_ERRLEN], when[32], *issuer = NULL;
	time_t t;

	switch (code) {
	case PTRUST_REASON_EXPIRED:
		if (cert != NULL && pt_asn1_time_to_time_t(
		    X509_get0_notAfter(cert), &t)) {
			pt_format_time(t, when, sizeof(when));
			snprintf(buf, sizeof(buf), "%s (notAfter %s)",
			    ptrust_reason_message(code), when);
			return OPENSSL_strdup(buf);
		}
		break;
	case PTRUST_REASON_NOT_YET_VALID:
		if (cert != NULL && pt_asn1_time_to_time_t(
		    X509_get0_notBefore(cert), &t)) {
			pt_format_time(t, when, sizeof(when));
			snprintf(buf, sizeof(buf), "%s (notBefore %s)",
			    ptrust_reason_message(code), when);
			return OPENSSL_strdup(buf);
		}
		break;
	case PTRUST_REASON_UNKNOWN_CA:
		if (cert == NULL)
			break;
		if ((issuer = pt_name_string(X509_get_issuer_name(cert))) ==
		    NULL)
			return NULL;
		if (err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
			snprintf(buf, sizeof(buf), "the root \"%s\" sent with "
			    "the chain is not in trust store \"%s\"", issuer,
			    store_name);
		else if (same_name_anchor(store, cert))
			snprintf(buf, sizeof(buf), "trust store \"%s\" holds "
			    "a CA named \"%s\", but with another key: it did "
			    "not sign this certificate (was it regenerated?)",
			    store_name, issuer);
		else
			snprintf(buf, sizeof(buf), "the issuer \"%s\" is not in "
			    "trust store \"%s\"", issuer, store_name);
		OPENSSL_free(issuer);
		return OPENSSL_strdup(buf);
	default:
		break;
	}
	snprintf(buf, sizeof(buf), "%s (OpenSSL: %s)",
	    ptrust_reason_message(code), X509_verify_cert_error_string(err));
	return OPENSSL_strdup(buf);
}

static void
record(struct pt_verify_state *vs, ptrust_reason_code code, int err,
    int depth, X509 *cert)
{
	ptrust_result *r = vs->r;
	struct pt_reason *rs;
	size_t i;

	for (i = 0; i < r->n_reasons; i++)
		if (r->reasons[i].code == code && r->reasons[i].depth == depth)
			return;	/* OpenSSL reports some errors twice */
	if (r->n_reasons == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 4;

		if ((rs = OPENSSL_realloc(r->reasons, cap * sizeof(*rs))) == NULL) {
			vs->nomem = 1;
			return;
		}
		r->reasons = rs;
		vs->cap = cap;
	}
	rs = &r->reasons[r->n_reasons];
	rs->code = code;
	rs->depth = cert != NULL ? depth : -1;
	rs->at = 0;
	/* the time itself, so no one reads it back out of the message */
	if (cert != NULL && code == PTRUST_REASON_EXPIRED &&
	    !pt_asn1_time_to_time_t(X509_get0_notAfter(cert), &rs->at))
		rs->at = 0;
	if (cert != NULL && code == PTRUST_REASON_NOT_YET_VALID &&
	    !pt_asn1_time_to_time_t(X509_get0_notBefore(cert), &rs->at))
		rs->at = 0;
	rs->subject = cert != NULL ?
	    pt_name_string(X509_get_subject_name(cert)) : OPENSSL_strdup("");
	rs->message = detail_message(code, err, cert, vs->store);
	if (rs->subject == NULL || rs->message == NULL) {
		OPENSSL_free(rs->subject);
		OPENSSL_free(rs->message);
		vs->nomem = 1;
		return;
	}
	r->n_reasons++;
}

/* allow_sha1 lifts the digest rule for SHA-1 only, never for MD5. */
static int
sha1_exempt(const struct pt_verify_state *vs, X509_STORE_CTX *ctx)
{
	X509 *cert = X509_STORE_CTX_get_current_cert(ctx);

	return X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CA_MD_TOO_WEAK &&
	    vs->o->allow_sha1 && cert != NULL && signed_with_sha1(cert);
}

/*
 * X509_STRICT is on for what it adds to RFC 5280 (empty CA subjects,
 * missing key identifiers, keyCertSign in a non-CA, malformed extensions,
 * ...).  Only these of its checks are waived, each for a real certificate
 * that needs it, and never for the phone's own certificate: a leaf gets
 * every check OpenSSL makes.  fuzz/fuzz_differential.c holds the library
 * to exactly this table against raw OpenSSL.
 */
enum waiver_where {
	WAIVE_ANCHOR,		/* the top of the chain, when it is not the leaf */
	WAIVE_ANCHOR_NO_BC	/* the same, and it has no basicConstraints */
};

static const struct strict_waiver {
	int			 error;
	enum waiver_where	 where;
	const char		*why;
} strict_waivers[] = {
	/*
	 * CAPF certificates made before CUCM 14SU2 need not be proper CAs
	 * (phonetrust(7)); every certificate in a store is an anchor as the
	 * administrator put it there (tests/unit/test_verify.c, old_capf_*).
	 */
	{ X509_V_ERR_INVALID_CA, WAIVE_ANCHOR_NO_BC,
	    "a CAPF certificate from before CUCM 14SU2 without "
	    "basicConstraints; never one that says CA:FALSE" },
	{ X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA, WAIVE_ANCHOR_NO_BC,
	    "a CAPF certificate from before CUCM 14SU2 with keyCertSign but "
	    "without basicConstraints" },
	{ X509_V_ERR_CA_CERT_MISSING_KEY_USAGE, WAIVE_ANCHOR,
	    "a CAPF certificate from before CUCM 14SU2 without keyUsage" },
	{ X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER, WAIVE_ANCHOR,
	    "a CAPF certificate from before CUCM 14SU2 without a subject key "
	    "identifier" },
	{ X509_V_ERR_CA_BCONS_NOT_CRITICAL, WAIVE_ANCHOR,
	    "a CAPF certificate from before CUCM 14SU2 whose basicConstraints "
	    "is not critical" },
};

/*
 * RFC 5280 4.1.2.5: the validity period includes notAfter itself, but
 * OpenSSL 3.0 calls a certificate expired at exactly that second.
 */
static int
expired_on_last_second(X509_STORE_CTX *ctx)
{
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
	X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
	ASN1_TIME *at;
	time_t t;
	int same;

	if (X509_STORE_CTX_get_error(ctx) != X509_V_ERR_CERT_HAS_EXPIRED ||
	    cert == NULL)
		return 0;
	t = X509_VERIFY_PARAM_get_flags(param) & X509_V_FLAG_USE_CHECK_TIME ?
	    X509_VERIFY_PARAM_get_time(param) : time(NULL);
	if ((at = ASN1_TIME_set(NULL, t)) == NULL)
		return 0;	/* stays expired: fail closed */
	same = ASN1_TIME_compare(X509_get0_notAfter(cert), at) == 0;
	ASN1_TIME_free(at);
	return same;
}

/* Why the library waives ctx's current error, or NULL when it does not. */
const char *
pt_strict_waiver(X509_STORE_CTX *ctx)
{
	X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
	int err = X509_STORE_CTX_get_error(ctx);
	int depth = X509_STORE_CTX_get_error_depth(ctx);
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	int top = chain != NULL ? sk_X509_num(chain) - 1 : -1;
	size_t i;

	if (expired_on_last_second(ctx))
		return "RFC 5280: a certificate is valid through its notAfter "
		    "second";
	if (cert == NULL || depth <= 0 || depth != top)
		return NULL;
	for (i = 0; i < sizeof(strict_waivers) / sizeof(strict_waivers[0]);
	    i++) {
		if (strict_waivers[i].error != err)
			continue;
		if (strict_waivers[i].where == WAIVE_ANCHOR_NO_BC &&
		    X509_get_ext_by_NID(cert, NID_basic_constraints, -1) >= 0)
			return NULL;
		return strict_waivers[i].why;
	}
	return NULL;
}

/*
 * A bad signature means the certificate is not what its issuer signed:
 * stop there, as OpenSSL does by default.  Going on would only judge
 * forged bytes, and OpenSSL 3.0's later steps (policy processing) are not
 * all safe on them.
 */
static int
stops_validation(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
		return 1;
	default:
		return 0;
	}
}

/*
 * A CRL given is a CRL applied: with CRL_CHECK_ALL on, OpenSSL asks for a
 * CRL for every certificate; the default mode waives that for a
 * certificate above the leaf whose issuer published none among the CRLs
 * supplied.  The leaf's own CRL is always required.
 */
static int
crl_not_supplied_above_leaf(const struct pt_verify_state *vs,
    X509_STORE_CTX *ctx)
{
	X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
	const ptrust_options *o = vs->o;
	int i;

	if (!vs->crl_supplied_only ||
	    X509_STORE_CTX_get_error(ctx) != X509_V_ERR_UNABLE_TO_GET_CRL ||
	    X509_STORE_CTX_get_error_depth(ctx) == 0 || cert == NULL)
		return 0;
	for (i = 0; o->crls != NULL && i < sk_X509_CRL_num(o->crls); i++)
		if (X509_NAME_cmp(X509_CRL_get_issuer(sk_X509_CRL_value(
		    o->crls, i)), X509_get_issuer_name(cert)) == 0)
			return 0;
	return 1;
}

static int
verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct pt_verify_state *vs = X509_STORE_CTX_get_app_data(ctx);
	X509_STORE_CTX *parent;

	if (ok)
		return 1;
	/*
	 * OpenSSL validates an indirect CRL's issuer in a nested context that
	 * copies our callback but not our data.  Let OpenSSL judge that path
	 * strictly: a failure there comes back to the outer validation as a
	 * CRL path error, which we record.
	 */
	if (vs == NULL) {
		parent = X509_STORE_CTX_get0_parent_ctx(ctx);
		vs = parent != NULL ? X509_STORE_CTX_get_app_data(parent) : NULL;
		return vs != NULL && sha1_exempt(vs, ctx);
	}
	if (sha1_exempt(vs, ctx) || pt_strict_waiver(ctx) != NULL ||
	    crl_not_supplied_above_leaf(vs, ctx))
		return 1;
	if (X509_STORE_CTX_get_error(ctx) == X509_V_ERR_OUT_OF_MEM) {
		vs->nomem = 1;	/* an operational error, not a verdict */
		return 0;
	}
	record(vs, pt_reason_from_x509_error(X509_STORE_CTX_get_error(ctx)),
	    X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get_error_depth(ctx),
	    X509_STORE_CTX_get_current_cert(ctx));
	/* Go on: the administrator wants every reason, not the first. */
	return !stops_validation(X509_STORE_CTX_get_error(ctx));
}

/*
 * An extension OpenSSL cannot decode makes it refuse the certificate as an
 * issuer, which it then reports as "unable to get issuer": say first what
 * is really wrong with the certificate the phone sent.
 */
static void
check_decodable(struct pt_verify_state *vs, STACK_OF(X509) *certs)
{
	int i;

	for (i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (X509_get_extension_flags(x) & EXFLAG_INVALID)
			record(vs, PTRUST_REASON_MALFORMED,
			    X509_V_ERR_INVALID_EXTENSION, i, x);
	}
}

static int
cmp_policy_oid(const ASN1_OBJECT *const *a, const ASN1_OBJECT *const *b)
{
	return OBJ_cmp(*a, *b);
}

/*
 * OpenSSL 3.0's policy processing loses the decoded policyConstraints of
 * a certificate without a usable certificatePolicies (absent, empty or
 * with a policy twice; policy_cache_new, openssl/openssl#31678): 51
 * bytes per validation, for anyone who can send a chain.  Such a
 * certificate is refused, and policy processing never sees it.
 * 1: it would leak; 0: it would not; -1: out of memory.
 */
static int
policy_cache_leaks(X509 *x)
{
	CERTIFICATEPOLICIES *cp;
	STACK_OF(ASN1_OBJECT) *ids;
	int i, n, leaks = 1;

	if (X509_get_ext_by_NID(x, NID_policy_constraints, -1) < 0)
		return 0;
	if ((cp = X509_get_ext_d2i(x, NID_certificate_policies, NULL,
	    NULL)) == NULL)
		return 1;
	/* sorted, not compared pairwise: a certificate may list thousands */
	if ((n = sk_POLICYINFO_num(cp)) > 0) {
		if ((ids = sk_ASN1_OBJECT_new(cmp_policy_oid)) == NULL ||
		    !sk_ASN1_OBJECT_reserve(ids, n)) {
			leaks = -1;
			goto done;
		}
		for (i = 0; i < n; i++)
			(void)sk_ASN1_OBJECT_push(ids,
			    sk_POLICYINFO_value(cp, i)->policyid);
		sk_ASN1_OBJECT_sort(ids);
		for (i = 1; i < n && OBJ_cmp(sk_ASN1_OBJECT_value(ids, i - 1),
		    sk_ASN1_OBJECT_value(ids, i)) != 0; i++)
			;
		leaks = i < n;
	done:
		sk_ASN1_OBJECT_free(ids);
	}
	CERTIFICATEPOLICIES_free(cp);
	return leaks;
}

static void
check_policy_leak(struct pt_verify_state *vs, X509_STORE_CTX *ctx,
    STACK_OF(X509) *certs)
{
	int i, leaks, found = 0;

	for (i = 0; i < sk_X509_num(certs); i++) {
		if ((leaks = policy_cache_leaks(sk_X509_value(certs, i))) < 0)
			vs->nomem = 1;
		if (leaks != 0) {
			record(vs, PTRUST_REASON_POLICY,
			    X509_V_ERR_INVALID_POLICY_EXTENSION, i,
			    sk_X509_value(certs, i));
			found = 1;
		}
	}
	if (found)
		X509_VERIFY_PARAM_clear_flags(X509_STORE_CTX_get0_param(ctx),
		    X509_V_FLAG_POLICY_CHECK);
}

static int
is_ip_address(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

/*
 * OpenSSL applies name constraints to the names in the certificates, not to
 * the peer name: a leaf for *.example.com is accepted for bar.example.com
 * even below a CA that excludes bar.example.com.  Check the peer name itself
 * against every CA's constraints (x509-limbo cve::cve-2025-61727).
 */
static void
check_peer_name_constraints(struct pt_verify_state *vs, X509_STORE_CTX *ctx)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	const char *name = vs->o->peer_name;
	GENERAL_NAMES *gens = NULL;
	GENERAL_NAME *gen = NULL;
	ASN1_IA5STRING *ia5 = NULL;
	X509 *probe = NULL;
	int i, rv, n = chain != NULL ? sk_X509_num(chain) : 0;

	if (name == NULL || is_ip_address(name) || n < 2)
		return;
	if ((probe = X509_new()) == NULL || (gens = GENERAL_NAMES_new()) == NULL ||
	    (gen = GENERAL_NAME_new()) == NULL ||
	    (ia5 = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(ia5, name, -1)) {
		vs->nomem = 1;
		goto done;
	}
	GENERAL_NAME_set0_value(gen, GEN_DNS, ia5);
	ia5 = NULL;
	if (!sk_GENERAL_NAME_push(gens, gen)) {
		vs->nomem = 1;
		goto done;
	}
	gen = NULL;
	if (!X509_add1_ext_i2d(probe, NID_subject_alt_name, gens, 0, 0)) {
		vs->nomem = 1;
		goto done;
	}
	(void)X509_get_extension_flags(probe);	/* caches the SAN */
	for (i = 1; i < n; i++) {
		NAME_CONSTRAINTS *nc = X509_get_ext_d2i(sk_X509_value(chain, i),
		    NID_name_constraints, NULL, NULL);

		if (nc == NULL)
			continue;
		rv = NAME_CONSTRAINTS_check(probe, nc);
		NAME_CONSTRAINTS_free(nc);
		if (rv != X509_V_OK)
			record(vs, PTRUST_REASON_NAME_CONSTRAINTS, rv, 0,
			    sk_X509_value(chain, 0));
	}
done:
	ASN1_IA5STRING_free(ia5);
	GENERAL_NAME_free(gen);
	GENERAL_NAMES_free(gens);
	X509_free(probe);
}

static int
setup_params(X509_STORE_CTX *ctx, const ptrust_options *o,
    struct pt_verify_state *vs)
{
	X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
	/* The policy settings come from the snapshot's store (store.c). */
	unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_X509_STRICT;
	int crl_check = o->crl_check;

	/*
	 * Every certificate in a store is a trust anchor, as in CUCM's
	 * stores: a trusted intermediate (Cisco Manufacturing CA SHA2 without
	 * its root) ends the chain.  Hence PARTIAL_CHAIN.
	 */
	if (crl_check < 0)
		crl_check = o->crls != NULL && sk_X509_CRL_num(o->crls) > 0 ?
		    PTRUST_CRL_CHECK_SUPPLIED : PTRUST_CRL_CHECK_NONE;
	if (crl_check != PTRUST_CRL_CHECK_NONE)
		flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_EXTENDED_CRL_SUPPORT |
		    X509_V_FLAG_USE_DELTAS;
	if (crl_check == PTRUST_CRL_CHECK_ALL ||
	    crl_check == PTRUST_CRL_CHECK_SUPPLIED)
		flags |= X509_V_FLAG_CRL_CHECK_ALL;
	vs->crl_supplied_only = crl_check == PTRUST_CRL_CHECK_SUPPLIED;
	X509_VERIFY_PARAM_set_flags(p, flags);
	if (o->has_time)
		X509_VERIFY_PARAM_set_time(p, o->at);
	X509_VERIFY_PARAM_set_depth(p, o->max_depth);
	X509_VERIFY_PARAM_set_auth_level(p, o->security_level);
	switch (o->purpose) {
	case PTRUST_EKU_TLS_CLIENT:
		if (!X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT))
			return 0;
		break;
	case PTRUST_EKU_TLS_SERVER:
		if (!X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER))
			return 0;
		break;
	case PTRUST_EKU_ANY:
		break;
	}
	if (o->peer_name != NULL) {
		if (is_ip_address(o->peer_name)) {
			if (!X509_VERIFY_PARAM_set1_ip_asc(p, o->peer_name))
				return 0;
		} else {
			X509_VERIFY_PARAM_set_hostflags(p,
			    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			if (!X509_VERIFY_PARAM_set1_host(p, o->peer_name, 0))
				return 0;
		}
	}
	if (o->crls != NULL)
		X509_STORE_CTX_set0_crls(ctx, o->crls);
	return 1;
}

static const ptrust_anchor *
find_anchor(const ptrust_store *s, X509 *top)
{
	const ptrust_anchor *a;
	unsigned char *der = NULL;
	char sha256[65];
	int len;

	if ((a = pt_store_anchor_by_x509(s, top)) != NULL)
		return a;
	/*
	 * A copy of an anchor, as a pinned leaf sent by the peer is: found
	 * by fingerprint.  Out of memory finds nothing, so nothing is trusted.
	 */
	if ((len = i2d_X509(top, &der)) <= 0)
		return NULL;
	if (pt_sha256_hex(der, (size_t)len, sha256))
		a = pt_store_anchor_by_sha256(s, sha256);
	OPENSSL_free(der);
	return a;
}

/* The kind counts only when the anchor's key really vouched for the chain. */
static ptrust_kind
kind_of(const ptrust_result *r, X509 *leaf)
{
	size_t i;

	/* A CA (a CAPF or manufacturing CA sent as the leaf) is no phone's. */
	if (r->anchor == NULL || X509_check_ca(leaf) != 0)
		return PTRUST_KIND_UNKNOWN;
	for (i = 0; i < r->n_reasons; i++) {
		switch (r->reasons[i].code) {
		case PTRUST_REASON_UNKNOWN_CA:
		case PTRUST_REASON_BAD_SIGNATURE:
		case PTRUST_REASON_SELF_SIGNED_LEAF:
		case PTRUST_REASON_MALFORMED:
		case PTRUST_REASON_NOT_A_CA:
			return PTRUST_KIND_UNKNOWN;
		default:
			break;
		}
	}
	return pt_role_kind(r->anchor->role);
}

/*
 * The span of time over which this verdict stays what it is: inside every
 * validity period of the chain and between the CRLs' updates.  A verdict
 * cached beyond it could turn an expired chain into a trusted one.
 */
static void
verdict_window(ptrust_result *r, STACK_OF(X509) *chain,
    const ptrust_options *o)
{
	time_t from = 0, until = (time_t)(UINT64_MAX >> 1), t;
	int i;

	for (i = 0; i < sk_X509_num(chain); i++) {
		X509 *x = sk_X509_value(chain, i);

		if (!pt_asn1_time_to_time_t(X509_get0_notBefore(x), &t))
			return;
		if (t > from)
			from = t;
		if (!pt_asn1_time_to_time_t(X509_get0_notAfter(x), &t))
			return;
		if (t < until)
			until = t;
	}
	for (i = 0; o->crls != NULL && i < sk_X509_CRL_num(o->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(o->crls, i);

		if (!pt_asn1_time_to_time_t(X509_CRL_get0_lastUpdate(crl), &t))
			return;
		if (t > from)
			from = t;
		if (X509_CRL_get0_nextUpdate(crl) == NULL)
			continue;
		if (!pt_asn1_time_to_time_t(X509_CRL_get0_nextUpdate(crl), &t))
			return;
		if (t < until)
			until = t;
	}
	r->valid_from = from;
	r->valid_until = until;
	r->window_ok = 1;
}

static int
collect_chain(ptrust_result *r, X509_STORE_CTX *ctx, const ptrust_store *s,
    const ptrust_options *o)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	int i, n = chain != NULL ? sk_X509_num(chain) : 0;

	if (n == 0)
		return 1;
	verdict_window(r, chain, o);
	/* as DER: formatted only if asked for (result.c) */
	if ((r->subjects = pt_subjects_new(chain)) == NULL)
		return 0;
	r->chain_len = (size_t)n;
	/*
	 * The chain ends in an anchor; with PARTIAL_CHAIN OpenSSL may also
	 * accept it at a lower certificate that is itself in the store (a
	 * pinned leaf sent with its issuer): then that one is the anchor.
	 */
	r->anchor = find_anchor(s, sk_X509_value(chain, n - 1));
	for (i = 0; r->anchor == NULL && i < n - 1; i++)
		r->anchor = find_anchor(s, sk_X509_value(chain, i));
	return 1;
}

static int
has_anchor_reason(const ptrust_result *r)
{
	size_t i;

	for (i = 0; i < r->n_reasons; i++)
		if (r->reasons[i].code == PTRUST_REASON_UNKNOWN_CA ||
		    r->reasons[i].code == PTRUST_REASON_SELF_SIGNED_LEAF)
			return 1;
	return 0;
}

/*
 * OpenSSL 3.0 stops building the chain after some earlier errors (a leaf
 * key too small, say) without reporting that no anchor was reached.  A
 * chain that does not end in an anchor always gets its reason here.
 */
static void
add_missing_anchor_reason(struct pt_verify_state *vs, X509_STORE_CTX *ctx)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	int n = chain != NULL ? sk_X509_num(chain) : 0;
	X509 *top;
	int err = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;

	if (n == 0) {
		record(vs, PTRUST_REASON_UNKNOWN_CA, err, -1, NULL);
		return;
	}
	top = sk_X509_value(chain, n - 1);
	if (X509_self_signed(top, 0) == 1)
		err = n == 1 ? X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT :
		    X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
	record(vs, pt_reason_from_x509_error(err), err, n - 1, top);
}

static ptrust_status
fail(ptrust_result *r, ptrust_status st, const char *msg)
{
	r->trusted = 0;
	r->alert = PTRUST_ALERT_INTERNAL_ERROR;
	pt_seterr_ssl(r->err, "%s", msg);
	return st;
}

/* certs: leaf first, then whatever was sent with it (judge.c calls). */
ptrust_status
pt_validate(const ptrust_store *store, STACK_OF(X509) *certs,
    const ptrust_options *options, ptrust_result **out)
{
	struct pt_verify_state vs;
	X509_STORE_CTX *ctx = NULL;
	ptrust_result *r;
	ptrust_status st = PTRUST_OK;
	int ret;

	if ((r = pt_calloc(1, sizeof(*r))) == NULL) {
		*out = NULL;
		return PTRUST_ERR_NOMEM;
	}
	*out = r;
	r->alert = PTRUST_ALERT_INTERNAL_ERROR;
	r->store = ptrust_store_ref((ptrust_store *)store);
	if (sk_X509_num(certs) > PT_MAX_CHAIN) {
		/* a flood of certificates is refused before OpenSSL sees it */
		if (!pt_result_add_reason_text(r, PTRUST_REASON_CHAIN_TOO_LONG,
		    -1, NULL, "the chain holds more than " PT_STR(PT_MAX_CHAIN)
		    " certificates"))
			return fail(r, PTRUST_ERR_NOMEM, "out of memory");
		return PTRUST_OK;
	}
	if (options == NULL)
		options = &pt_options_defaults;	/* no allocation per call */
	memset(&vs, 0, sizeof(vs));
	vs.r = r;
	vs.o = options;
	vs.store = store;
	if ((ctx = X509_STORE_CTX_new()) == NULL) {
		st = fail(r, PTRUST_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* The whole chain, leaf included, is offered as untrusted material. */
	if (!X509_STORE_CTX_init(ctx, store->x509_store,
	    sk_X509_value(certs, 0), certs) ||
	    !setup_params(ctx, options, &vs)) {
		st = fail(r, PTRUST_ERR_INTERNAL,
		    "cannot set up the validation");
		goto done;
	}
	X509_STORE_CTX_set_app_data(ctx, &vs);
	check_decodable(&vs, certs);
	check_policy_leak(&vs, ctx, certs);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	ret = X509_verify_cert(ctx);
	/* OpenSSL may run out of memory without calling us back */
	if (X509_STORE_CTX_get_error(ctx) == X509_V_ERR_OUT_OF_MEM)
		vs.nomem = 1;
	check_peer_name_constraints(&vs, ctx);
	if (vs.nomem || !collect_chain(r, ctx, store, options)) {
		st = fail(r, PTRUST_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (ret <= 0 && r->n_reasons == 0) {
		/* OpenSSL said no without calling us: still a refusal. */
		record(&vs, PTRUST_REASON_OTHER, X509_STORE_CTX_get_error(ctx),
		    X509_STORE_CTX_get_error_depth(ctx),
		    X509_STORE_CTX_get_current_cert(ctx));
		if (r->n_reasons == 0) {
			st = fail(r, PTRUST_ERR_INTERNAL, "validation failed");
			goto done;
		}
	}
	if (r->anchor == NULL && !has_anchor_reason(r))
		add_missing_anchor_reason(&vs, ctx);
	if (vs.nomem) {
		st = fail(r, PTRUST_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* Fail closed: OpenSSL's yes, no reason at all, and a known anchor. */
	r->trusted = ret == 1 && r->n_reasons == 0 && r->anchor != NULL;
	r->kind = kind_of(r, sk_X509_value(certs, 0));
	r->alert = r->trusted ? PTRUST_ALERT_NONE :
	    pt_alert_for_reasons(r->reasons, r->n_reasons);
	ERR_clear_error();
done:
	X509_STORE_CTX_free(ctx);
	return st;
}

/* One more reason on a finished result (identity binding, say). */
int
pt_result_add_reason(ptrust_result *r, ptrust_reason_code code, int depth,
    X509 *cert, const char *message)
{
	char *subject = NULL;
	int ok;

	if (cert != NULL &&
	    (subject = pt_name_string(X509_get_subject_name(cert))) == NULL)
		return 0;
	ok = pt_result_add_reason_text(r, code, cert != NULL ? depth : -1,
	    subject, message);
	OPENSSL_free(subject);
	return ok;
}

int
pt_result_add_reason_text(ptrust_result *r, ptrust_reason_code code,
    int depth, const char *subject, const char *message)
{
	struct pt_reason *rs;

	rs = OPENSSL_realloc(r->reasons, (r->n_reasons + 1) * sizeof(*rs));
	if (rs == NULL)
		return 0;
	r->reasons = rs;
	rs = &r->reasons[r->n_reasons];
	rs->code = code;
	rs->depth = depth;
	rs->at = 0;
	rs->subject = OPENSSL_strdup(subject != NULL ? subject : "");
	rs->message = OPENSSL_strdup(message != NULL ? message :
	    ptrust_reason_message(code));
	if (rs->subject == NULL || rs->message == NULL) {
		OPENSSL_free(rs->subject);
		OPENSSL_free(rs->message);
		return 0;
	}
	r->n_reasons++;
	r->trusted = 0;
	r->alert = pt_alert_for_reasons(r->reasons, r->n_reasons);
	return 1;
}
