/*
 * The one judging path.  Every door that hands the library a phone's
 * certificates -- ptrust_verify, a phone's LSC or MIC, the TLS attachment,
 * capture, CAPF -- describes what it knows about that one presentation
 * (struct pt_presentation) and pt_judge decides: validation (verify.c),
 * the rules of the phone purposes, the device the phone claims, what was
 * presented and how that is known, then the diagnosis (diagnose.c) from
 * those facts.  Only validation sets trusted; everything here can only
 * take it away.
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/x509v3.h>

#include "internal.h"
#include "cisco_names.h"

const char *
ptrust_evidence_name(ptrust_evidence e)
{
	switch (e) {
	case PTRUST_EVIDENCE_NONE:	return "none";
	case PTRUST_EVIDENCE_ANCHOR:	return "anchor";
	case PTRUST_EVIDENCE_CALLER:	return "caller";
	case PTRUST_EVIDENCE_KEY:	return "key";
	case PTRUST_EVIDENCE_NAME:	return "name";
	case PTRUST_EVIDENCE_DEFAULT:	return "default";
	}
	return NULL;
}

/* The last CN of name as text, NULL when none, out of memory, or a NUL. */
static char *
last_cn(const X509_NAME *name)
{
	char *cn;
	size_t len;

	if (pt_name_cn_len(name, &cn, &len) <= 0)
		return NULL;
	if (strlen(cn) != len) {
		OPENSSL_free(cn);
		return NULL;
	}
	return cn;
}

/* An anchor of store whose key issued x (names and key identifiers). */
static const ptrust_anchor *
issuing_anchor(const ptrust_store *s, X509 *x)
{
	unsigned long h;
	int ok;
	size_t i;

	h = X509_NAME_hash_ex(X509_get_issuer_name(x), NULL, NULL, &ok);
	if (!ok)
		return NULL;
	for (i = 0; i < s->n_anchors; i++)
		if (s->anchors[i]->subject_hash == h &&
		    X509_check_issued(s->anchors[i]->x509, x) == X509_V_OK)
			return s->anchors[i];
	return NULL;
}

/*
 * Known by key: the leaf's issuer is an anchor (the chain failed for
 * another reason), or a certificate sent with the leaf whose signature an
 * anchor's key verifies.  Either way an anchor's role says what it issues.
 */
static ptrust_kind
kind_by_key(const ptrust_store *s, X509 *leaf, STACK_OF(X509) *others)
{
	const ptrust_anchor *a;
	EVP_PKEY *key;
	int i;

	if (s == NULL)
		return PTRUST_KIND_UNKNOWN;
	if ((a = issuing_anchor(s, leaf)) != NULL)
		return pt_role_kind(a->role);
	for (i = 0; others != NULL && i < sk_X509_num(others); i++) {
		X509 *ca = sk_X509_value(others, i);

		if (X509_check_issued(ca, leaf) != X509_V_OK ||
		    (a = issuing_anchor(s, ca)) == NULL ||
		    (key = X509_get0_pubkey(a->x509)) == NULL)
			continue;
		if (X509_verify(ca, key) == 1)
			return pt_role_kind(a->role);
	}
	return PTRUST_KIND_UNKNOWN;
}

ptrust_kind
pt_guess_kind(const ptrust_store *s, X509 *leaf, STACK_OF(X509) *others,
    ptrust_evidence *evidence)
{
	ptrust_kind k;
	char *cn;

	if ((k = kind_by_key(s, leaf, others)) != PTRUST_KIND_UNKNOWN) {
		*evidence = PTRUST_EVIDENCE_KEY;
		return k;
	}
	cn = last_cn(X509_get_issuer_name(leaf));
	k = pt_guess_kind_by_name(cn, evidence);
	OPENSSL_free(cn);
	return k;
}

static ptrust_result *
result_new(const ptrust_store *store)
{
	ptrust_result *r = pt_calloc(1, sizeof(*r));

	if (r != NULL && store != NULL)
		r->store = ptrust_store_ref((ptrust_store *)store);
	return r;
}

/* Is x's subject one of the chain as built (by DER)? */
static int
in_chain(const ptrust_result *r, X509 *x)
{
	const unsigned char *der;
	size_t len, i;

	if (r->subjects == NULL ||
	    !X509_NAME_get0_der(X509_get_subject_name(x), &der, &len))
		return 0;
	for (i = 0; i < r->subjects->n; i++)
		if (r->subjects->off[i + 1] - r->subjects->off[i] == len &&
		    memcmp(r->subjects->der + r->subjects->off[i], der, len) ==
		    0)
			return 1;
	return 0;
}

/*
 * The rules of the phone purposes: what is trusted is an end entity's
 * certificate from an anchor that issues LSCs or MICs.  The leaf is the
 * first certificate as sent: on the wire it is the one whose key the
 * handshake proved, so the order is never "repaired" into another leaf.
 */
static int
phone_rules(ptrust_result *r, X509 *leaf, STACK_OF(X509) *others)
{
	int i, ee = -1;

	if (X509_check_ca(leaf) != 0) {
		for (i = 0; others != NULL && i < sk_X509_num(others); i++)
			if (X509_check_ca(sk_X509_value(others, i)) == 0) {
				ee = i;
				break;
			}
		if (ee >= 0)
			return pt_result_add_reason(r, PTRUST_REASON_WRONG_ORDER,
			    0, leaf, "the first certificate is a CA's and a "
			    "phone's comes after it: the phone's own "
			    "certificate must come first, then its issuers");
		return pt_result_add_reason(r, PTRUST_REASON_CA_AS_LEAF, 0,
		    leaf, "the certificate presented is a CA's (basic "
		    "constraints CA:TRUE or keyCertSign), not a phone's");
	}
	if (r->trusted && r->kind == PTRUST_KIND_UNKNOWN) {
		char msg[PT_ERRLEN];

		snprintf(msg, sizeof(msg), "the anchor %s (role %s) issues "
		    "neither LSCs nor MICs", r->anchor != NULL ?
		    r->anchor->alias : "?", r->anchor != NULL ?
		    ptrust_role_name(r->anchor->role) : "?");
		return pt_result_add_reason(r, PTRUST_REASON_UNKNOWN_KIND, 0,
		    leaf, msg);
	}
	return 1;
}

/* Certificates sent that the chain as built does not use. */
static int
note_unused(ptrust_result *r, STACK_OF(X509) *others)
{
	char *subject;
	int i, ok = 1;

	for (i = 0; ok && others != NULL && i < sk_X509_num(others); i++) {
		X509 *x = sk_X509_value(others, i);

		if (in_chain(r, x))
			continue;
		if ((subject = pt_name_string(X509_get_subject_name(x))) ==
		    NULL)
			return 0;
		ok = pt_result_add_note(r, "certificate %d (%s) was given but "
		    "is not in the chain from the phone's certificate", i + 2,
		    subject);
		OPENSSL_free(subject);
	}
	return ok;
}

/* Expiry is a fact of the leaf, told whatever else is wrong with it. */
static int
leaf_expiry(ptrust_result *r, X509 *leaf, const ptrust_options *o)
{
	time_t at = o->has_time ? o->at : time(NULL), end;
	char when[32], msg[PT_ERRLEN];
	size_t i;

	for (i = 0; i < r->n_reasons; i++)
		if (r->reasons[i].code == PTRUST_REASON_EXPIRED &&
		    r->reasons[i].depth == 0)
			return 1;
	if (!pt_asn1_time_to_time_t(X509_get0_notAfter(leaf), &end) ||
	    end >= at)
		return 1;
	pt_format_time(end, when, sizeof(when));
	snprintf(msg, sizeof(msg), "%s (notAfter %s)",
	    ptrust_reason_message(PTRUST_REASON_EXPIRED), when);
	if (!pt_result_add_reason(r, PTRUST_REASON_EXPIRED, 0, leaf, msg))
		return 0;
	r->reasons[r->n_reasons - 1].at = end;
	return 1;
}

static int
identity(ptrust_result *r, X509 *leaf, const char *device)
{
	char msg[PT_ERRLEN];
	int named;

	if ((named = pt_names_device(leaf, device)) < 0)
		return 0;
	if (named)
		return 1;
	snprintf(msg, sizeof(msg), "the certificate does not name device "
	    "%s: a phone must present its own certificate", device);
	return pt_result_add_reason(r, PTRUST_REASON_IDENTITY_MISMATCH, 0,
	    leaf, msg);
}

/* No device claimed: the one the certificate names, when it names one. */
static int
device_of(ptrust_result *r, X509 *leaf)
{
	const char *d;
	char *cn;
	size_t len;
	int ok = 1;

	if (pt_subject_cn_len(leaf, &cn, &len) < 0)
		return 0;
	if (cn == NULL)
		return 1;
	/* a MIC's CN is often CP-<model>-SEP<MAC>: the device is the end */
	d = cn;
	if (strncasecmp(cn, "CP-", 3) == 0 && strrchr(cn, '-') != NULL)
		d = strrchr(cn, '-') + 1;
	if (strlen(cn) == len && pt_device_valid(d) &&
	    pt_cn_names_device(cn, len, d))
		ok = (r->device = OPENSSL_strdup(d)) != NULL;
	OPENSSL_free(cn);
	return ok;
}

/*
 * What the phone presented, and how that is known: by the anchor whose
 * key verified the chain (k, even when the chain is refused for another
 * reason, such as its dates), else by what the caller knows, else by what
 * the issuer looks like.
 */
static void
presented(ptrust_result *r, const struct pt_presentation *p, ptrust_kind k)
{
	r->evidence = PTRUST_EVIDENCE_ANCHOR;
	if (k == PTRUST_KIND_UNKNOWN && p->claimed != PTRUST_PRESENTED_NONE) {
		r->presented = p->claimed;
		r->evidence = PTRUST_EVIDENCE_CALLER;
		return;
	}
	if (k == PTRUST_KIND_UNKNOWN) {
		/*
		 * A trusted chain of no kind presented neither, so nothing
		 * keyed on the LSC grants it anything; a refusal is worded
		 * after what its issuer looks like.
		 */
		if (r->trusted || r->anchor != NULL || p->purpose < 0) {
			r->presented = PTRUST_PRESENTED_NONE;
			if (r->anchor == NULL)
				r->evidence = PTRUST_EVIDENCE_NONE;
			return;
		}
		k = pt_guess_kind(p->store, p->leaf, p->others, &r->evidence);
	}
	r->presented = k == PTRUST_KIND_MIC ? PTRUST_PRESENTED_MIC :
	    PTRUST_PRESENTED_LSC;
}

static ptrust_status
nomem(ptrust_result *r)
{
	r->trusted = 0;
	r->alert = PTRUST_ALERT_INTERNAL_ERROR;
	pt_seterr(r->err, "out of memory");
	return PTRUST_ERR_NOMEM;
}

ptrust_status
pt_judge(const struct pt_presentation *p, ptrust_result **out)
{
	const ptrust_options *o = p->options != NULL ? p->options :
	    &pt_options_defaults;
	const char *device = p->device != NULL ? p->device : o->device;
	STACK_OF(X509) *certs = NULL;
	ptrust_result *r = NULL;
	ptrust_status st;
	int i;

	*out = NULL;
	if (p->leaf == NULL || p->store == NULL) {
		if ((r = result_new(p->store)) == NULL)
			return PTRUST_ERR_NOMEM;
		*out = r;
		r->purpose = p->purpose;
		if (device != NULL && (r->device = OPENSSL_strdup(device)) ==
		    NULL)
			return nomem(r);
		if (p->store == NULL) {
			/* a cluster without the store this purpose needs */
			if (!pt_result_add_reason(r, PTRUST_REASON_OTHER, -1,
			    NULL, p->why))
				return nomem(r);
			r->alert = PTRUST_ALERT_INTERNAL_ERROR;
			pt_seterr(r->err, "%s", p->why != NULL ? p->why :
			    "no store");
			r->diagnosis = PTRUST_DIAG_NO_STORE_FOR_PURPOSE;
		} else if (!pt_result_add_reason(r,
		    PTRUST_REASON_NO_CERTIFICATE, -1, NULL, p->why))
			return nomem(r);
		r->presented = PTRUST_PRESENTED_NONE;
		return pt_diagnose(r) ? PTRUST_OK : nomem(r);
	}
	if ((certs = sk_X509_new_reserve(NULL, 1 + (p->others != NULL ?
	    sk_X509_num(p->others) : 0))) == NULL)
		return PTRUST_ERR_NOMEM;
	sk_X509_push(certs, p->leaf);
	for (i = 0; p->others != NULL && i < sk_X509_num(p->others); i++)
		sk_X509_push(certs, sk_X509_value(p->others, i));
	st = pt_validate(p->store, certs, o, &r);
	sk_X509_free(certs);
	*out = r;
	if (st != PTRUST_OK)
		return st;
	r->purpose = p->purpose;
	if (p->purpose >= 0 && !phone_rules(r, p->leaf, p->others))
		return nomem(r);
	if (r->chain_len > 0 && !note_unused(r, p->others))
		return nomem(r);
	if (!leaf_expiry(r, p->leaf, o))
		return nomem(r);
	if (device != NULL && (!identity(r, p->leaf, device) ||
	    (r->device = OPENSSL_strdup(device)) == NULL))
		return nomem(r);
	if (device == NULL && p->purpose >= 0 && !device_of(r, p->leaf))
		return nomem(r);
	presented(r, p, r->kind);
	/*
	 * The kind is what the cluster trusts the certificate as: a refused
	 * one is of no kind, whatever it presented (every door alike, the
	 * RADIUS explanation that sees only names included).
	 */
	if (!r->trusted)
		r->kind = PTRUST_KIND_UNKNOWN;
	if (!r->trusted && (r->issuer =
	    pt_name_string(X509_get_issuer_name(p->leaf))) == NULL)
		return nomem(r);
	return pt_diagnose(r) ? PTRUST_OK : nomem(r);
}

/*
 * A certificate a server's TLS layer described (RADIUS attributes), with
 * the reasons its adapter (radius.c) found in them.  Trusted only when
 * that layer accepted the chain -- it validated against the anchors
 * exported from the same store -- and the anchor found by key identifier
 * issues LSCs or MICs; the rest as for any presentation.
 */
int
pt_judge_described(ptrust_result *r, const struct pt_described *d)
{
	ptrust_kind k = d->anchor != NULL ? pt_role_kind(d->anchor->role) :
	    PTRUST_KIND_UNKNOWN;
	char msg[PT_ERRLEN];

	r->purpose = (int)d->purpose;
	if (d->is_ca) {
		snprintf(msg, sizeof(msg), "the certificate presented is a "
		    "CA's (basic constraints %s), not a phone's",
		    d->basic_constraints != NULL ? d->basic_constraints : "?");
		if (!pt_result_add_reason_text(r, PTRUST_REASON_CA_AS_LEAF, 0,
		    d->subject, msg))
			return 0;
		k = PTRUST_KIND_UNKNOWN;
	} else if (d->anchor != NULL && k == PTRUST_KIND_UNKNOWN &&
	    d->by_key) {
		snprintf(msg, sizeof(msg), "the anchor %s (role %s) issues "
		    "neither LSCs nor MICs", d->anchor->alias,
		    ptrust_role_name(d->anchor->role));
		if (!pt_result_add_reason_text(r, PTRUST_REASON_UNKNOWN_KIND, 0,
		    d->subject, msg))
			return 0;
	}
	r->trusted = d->tls_accepted && d->by_key && r->n_reasons == 0 &&
	    k != PTRUST_KIND_UNKNOWN;
	r->kind = r->trusted ? k : PTRUST_KIND_UNKNOWN;
	r->anchor = r->trusted ? d->anchor : NULL;
	r->alert = r->trusted ? PTRUST_ALERT_NONE :
	    pt_alert_for_reasons(r->reasons, r->n_reasons);
	if (k != PTRUST_KIND_UNKNOWN) {
		r->presented = k == PTRUST_KIND_MIC ? PTRUST_PRESENTED_MIC :
		    PTRUST_PRESENTED_LSC;
		/* by key identifier: as good as the anchor's own word */
		r->evidence = d->by_key ? PTRUST_EVIDENCE_ANCHOR :
		    PTRUST_EVIDENCE_NAME;
	} else {
		k = pt_guess_kind_by_name(d->issuer_cn, &r->evidence);
		r->presented = k == PTRUST_KIND_MIC ? PTRUST_PRESENTED_MIC :
		    PTRUST_PRESENTED_LSC;
	}
	if (!r->trusted && d->issuer != NULL &&
	    (r->issuer = OPENSSL_strdup(d->issuer)) == NULL)
		return 0;
	return pt_diagnose(r);
}

/* The leaf and the rest of a chain, as one presentation. */
static void
from_chain(struct pt_presentation *p, const ptrust_chain *chain,
    STACK_OF(X509) **rest)
{
	int i;

	*rest = NULL;
	p->leaf = sk_X509_value(chain->certs, 0);
	if (sk_X509_num(chain->certs) > 1 &&
	    (*rest = sk_X509_new_reserve(NULL,
	    sk_X509_num(chain->certs) - 1)) != NULL)
		for (i = 1; i < sk_X509_num(chain->certs); i++)
			sk_X509_push(*rest, sk_X509_value(chain->certs, i));
	p->others = *rest;
}

static ptrust_status
judge_chain(const ptrust_store *store, int purpose, const ptrust_chain *chain,
    const ptrust_options *options, ptrust_result **out)
{
	struct pt_presentation p;
	STACK_OF(X509) *rest;
	ptrust_result *r;
	ptrust_status st;

	if (out == NULL)
		return PTRUST_ERR_ARG;
	*out = NULL;
	if (store == NULL || chain == NULL ||
	    sk_X509_num(chain->certs) == 0) {
		/* a result that says why, as every refusal has */
		if ((r = result_new(NULL)) == NULL)
			return PTRUST_ERR_NOMEM;
		r->alert = PTRUST_ALERT_INTERNAL_ERROR;
		r->purpose = purpose;
		pt_seterr(r->err, "%s", store == NULL || chain == NULL ?
		    "no store or no chain" : "the chain holds no certificate");
		*out = r;
		return PTRUST_ERR_ARG;
	}
	memset(&p, 0, sizeof(p));
	p.store = store;
	p.purpose = purpose;
	p.options = options;
	from_chain(&p, chain, &rest);
	if (sk_X509_num(chain->certs) > 1 && rest == NULL)
		return PTRUST_ERR_NOMEM;
	st = pt_judge(&p, out);
	sk_X509_free(rest);
	return st;
}

ptrust_status
ptrust_verify(const ptrust_store *store, const ptrust_chain *chain,
    const ptrust_options *options, ptrust_result **out)
{
	return judge_chain(store, -1, chain, options, out);
}

ptrust_status
ptrust_verify_presented(const ptrust_store *snapshot,
    ptrust_cluster_purpose purpose, const ptrust_chain *chain,
    const ptrust_options *options, ptrust_result **out)
{
	if (ptrust_cluster_purpose_name(purpose) == NULL) {
		if (out != NULL)
			*out = NULL;
		return PTRUST_ERR_ARG;
	}
	return judge_chain(snapshot, (int)purpose, chain, options, out);
}
