/*
 * Store hygiene: what an administrator should clean up in a cluster's
 * stores before it bites -- CAPF certificates CUCM 14SU2 refuses, expired
 * and expiring anchors, two anchors with one subject in what one purpose
 * trusts, SHA-1, key sizes CUCM or OpenSSL refuse, certificates that are
 * no CA, manufacturing CAs still trusted once phones have LSCs,
 * look-alikes of Cisco's CAs, and validity times OpenSSL cannot read.
 *
 * Only the cluster's public API is used: the stores as it lists them, and
 * its snapshots for what each purpose trusts.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "internal.h"

#define MFG_CA		"manufacturing-ca"
#define CM_TRUST	"callmanager-trust"
/* Names listed in one message before "and N more". */
#define MAX_LISTED	8

struct pt_finding {
	ptrust_lint_code code;
	ptrust_severity	 severity;
	char		*store;
	char		*alias;		/* NULL: cluster-wide */
	char		*message;
};

struct ptrust_lint {
	struct pt_finding *f;
	size_t		 n, cap;
};

/* Where an anchor sits: the cluster's store index, the builder's index. */
struct loc {
	size_t		 store;
	size_t		 index;
};

/* Two anchors with one subject; the finding goes on the later one. */
struct dup {
	struct loc	 later, earlier;
	unsigned int	 purposes;	/* bit per ptrust_cluster_purpose */
};

struct dups {
	struct dup	*d;
	size_t		 n, cap;
};

const char *
ptrust_lint_code_name(ptrust_lint_code code)
{
	switch (code) {
	case PTRUST_LINT_CAPF_PROFILE:		return "capf-profile";
	case PTRUST_LINT_EXPIRED:		return "expired";
	case PTRUST_LINT_EXPIRING:		return "expiring";
	case PTRUST_LINT_DUPLICATE_SUBJECT:	return "duplicate-subject";
	case PTRUST_LINT_SHA1_SIGNED:		return "sha1-signed";
	case PTRUST_LINT_RSA_TOO_LARGE:		return "rsa-too-large";
	case PTRUST_LINT_RSA_TOO_SMALL:		return "rsa-too-small";
	case PTRUST_LINT_NOT_A_CA:		return "not-a-ca";
	case PTRUST_LINT_MANUFACTURING_TRUSTED:	return "manufacturing-trusted";
	case PTRUST_LINT_CISCO_LOOKALIKE:	return "cisco-lookalike";
	case PTRUST_LINT_INVALID_TIME_ENCODING:	return "invalid-time-encoding";
	}
	return NULL;
}

const char *
ptrust_severity_name(ptrust_severity severity)
{
	switch (severity) {
	case PTRUST_SEVERITY_INFO:	return "info";
	case PTRUST_SEVERITY_WARNING:	return "warning";
	case PTRUST_SEVERITY_ERROR:	return "error";
	}
	return NULL;
}

void
ptrust_lint_free(ptrust_lint *lint)
{
	size_t i;

	if (lint == NULL)
		return;
	for (i = 0; i < lint->n; i++) {
		OPENSSL_free(lint->f[i].store);
		OPENSSL_free(lint->f[i].alias);
		OPENSSL_free(lint->f[i].message);
	}
	OPENSSL_free(lint->f);
	OPENSSL_free(lint);
}

size_t
ptrust_lint_count(const ptrust_lint *lint)
{
	return lint != NULL ? lint->n : 0;
}

static const struct pt_finding *
finding(const ptrust_lint *lint, size_t index)
{
	return lint != NULL && index < lint->n ? &lint->f[index] : NULL;
}

ptrust_lint_code
ptrust_lint_finding_code(const ptrust_lint *lint, size_t index)
{
	const struct pt_finding *f = finding(lint, index);

	return f != NULL ? f->code : (ptrust_lint_code)0;
}

ptrust_severity
ptrust_lint_finding_severity(const ptrust_lint *lint, size_t index)
{
	const struct pt_finding *f = finding(lint, index);

	return f != NULL ? f->severity : (ptrust_severity)-1;
}

const char *
ptrust_lint_finding_store(const ptrust_lint *lint, size_t index)
{
	const struct pt_finding *f = finding(lint, index);

	return f != NULL ? f->store : NULL;
}

const char *
ptrust_lint_finding_alias(const ptrust_lint *lint, size_t index)
{
	const struct pt_finding *f = finding(lint, index);

	return f != NULL ? f->alias : NULL;
}

const char *
ptrust_lint_finding_message(const ptrust_lint *lint, size_t index)
{
	const struct pt_finding *f = finding(lint, index);

	return f != NULL ? f->message : NULL;
}

/* ------------------------------------------------------------ recording */

/* 0 when memory ran out. */
static int
add(ptrust_lint *lint, ptrust_lint_code code, ptrust_severity sev,
    const char *store, const char *alias, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int
add(ptrust_lint *lint, ptrust_lint_code code, ptrust_severity sev,
    const char *store, const char *alias, const char *fmt, ...)
{
	struct pt_finding *f;
	va_list ap;
	int len;

	if (lint->n == lint->cap) {
		size_t cap = lint->cap ? lint->cap * 2 : 16;

		if ((f = OPENSSL_realloc(lint->f, cap * sizeof(*f))) == NULL)
			return 0;
		lint->f = f;
		lint->cap = cap;
	}
	f = &lint->f[lint->n];
	memset(f, 0, sizeof(*f));
	f->code = code;
	f->severity = sev;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || (f->message = OPENSSL_malloc((size_t)len + 1)) == NULL)
		goto nomem;
	va_start(ap, fmt);
	vsnprintf(f->message, (size_t)len + 1, fmt, ap);
	va_end(ap);
	if ((f->store = OPENSSL_strdup(store)) == NULL ||
	    (alias != NULL && (f->alias = OPENSSL_strdup(alias)) == NULL))
		goto nomem;
	lint->n++;
	return 1;
nomem:
	OPENSSL_free(f->message);
	OPENSSL_free(f->store);
	OPENSSL_free(f->alias);
	return 0;
}

/* Appends to a fixed buffer, truncating: for short lists of words. */
static void
append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ checks */

static int
check_capf_profile(ptrust_lint *lint, const char *store,
    const ptrust_anchor *a)
{
	X509 *x = ptrust_anchor_get0_x509(a);
	uint32_t flags, ku;
	long pathlen;
	char missing[256] = "";
	int n = 0;

	if (ptrust_anchor_role(a) != PTRUST_ROLE_CAPF)
		return 1;
	flags = X509_get_extension_flags(x);
	ku = X509_get_key_usage(x);
	pathlen = X509_get_pathlen(x);
	if (!(flags & EXFLAG_BCONS) || !(flags & EXFLAG_CA)) {
		append(missing, sizeof(missing), "basicConstraints CA:TRUE%s",
		    (flags & EXFLAG_BCONS) ? " (it says CA:FALSE)" :
		    " (it has no basicConstraints)");
		n++;
	}
	if (pathlen != 0) {
		if ((flags & EXFLAG_CA) && pathlen > 0)
			append(missing, sizeof(missing), "%spathlen:0 (it has "
			    "pathlen:%ld)", n ? ", " : "", pathlen);
		else if (flags & EXFLAG_CA)
			append(missing, sizeof(missing), "%spathlen:0 (it has "
			    "no path length limit)", n ? ", " : "");
		else
			append(missing, sizeof(missing), "%spathlen:0",
			    n ? ", " : "");
		n++;
	}
	if (!(flags & EXFLAG_KUSAGE)) {
		append(missing, sizeof(missing), "%skeyUsage digitalSignature "
		    "+ keyCertSign (it has no keyUsage)", n ? ", " : "");
		n++;
	} else if ((ku & (KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN)) !=
	    (KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN)) {
		append(missing, sizeof(missing), "%skeyUsage %s", n ? ", " : "",
		    !(ku & KU_DIGITAL_SIGNATURE) && !(ku & KU_KEY_CERT_SIGN) ?
		    "digitalSignature + keyCertSign" :
		    !(ku & KU_DIGITAL_SIGNATURE) ? "digitalSignature" :
		    "keyCertSign");
		n++;
	}
	if (n == 0)
		return 1;
	return add(lint, PTRUST_LINT_CAPF_PROFILE, PTRUST_SEVERITY_ERROR,
	    store, ptrust_anchor_alias(a), "CAPF certificate %s lacks %s: "
	    "since CUCM 14SU2 a CAPF certificate must be CA:TRUE, pathlen:0 "
	    "with keyUsage digitalSignature + keyCertSign, or TLS with phones "
	    "fails; regenerate the CAPF certificate on CUCM 14SU2 or later, "
	    "import the new one, give every phone a new LSC, and only then "
	    "remove this one", ptrust_anchor_subject(a), missing);
}

/* What expiry does to an anchor and what to do, by what it is for. */
static const char *
expiry_advice(ptrust_role role)
{
	switch (role) {
	case PTRUST_ROLE_CAPF:
		return "once it has expired the LSCs it issued are refused; "
		    "regenerate the CAPF certificate, import the new one and "
		    "give every phone a new LSC from it";
	case PTRUST_ROLE_MANUFACTURING:
		return "once it has expired the MICs under it are refused and "
		    "can never be renewed; give every phone that relies on "
		    "its MIC an LSC";
	case PTRUST_ROLE_EXTERNAL_CA:
		return "once it has expired the LSCs it issued are refused; "
		    "import the CA's renewed certificate, and have CAPF "
		    "reissue the LSCs if its key changed";
	default:
		return "once it has expired every chain ending at it is "
		    "refused; import its renewed certificate";
	}
}

static int
check_expiry(ptrust_lint *lint, const char *store, const ptrust_anchor *a,
    time_t now, int days)
{
	X509 *x = ptrust_anchor_get0_x509(a);
	time_t na;
	uint64_t left;
	char when[32];

	/* An unreadable time is the validation's business: it refuses it. */
	if (!pt_asn1_time_to_time_t(X509_get0_notAfter(x), &na))
		return 1;
	pt_format_time(na, when, sizeof(when));
	if (na < now)
		return add(lint, PTRUST_LINT_EXPIRED, PTRUST_SEVERITY_ERROR,
		    store, ptrust_anchor_alias(a), "%s expired on %s: %s, "
		    "then remove it from %s",
		    ptrust_anchor_subject(a), when,
		    expiry_advice(ptrust_anchor_role(a)), store);
	/* unsigned: no overflow whatever now is */
	left = (uint64_t)na - (uint64_t)now;
	if (days == 0 || left >= (uint64_t)days * 86400)
		return 1;
	if (left < 86400)
		return add(lint, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING,
		    store, ptrust_anchor_alias(a), "%s expires on %s, within "
		    "a day: %s before then", ptrust_anchor_subject(a), when,
		    expiry_advice(ptrust_anchor_role(a)));
	return add(lint, PTRUST_LINT_EXPIRING, PTRUST_SEVERITY_WARNING,
	    store, ptrust_anchor_alias(a), "%s expires on %s, in %llu "
	    "day%s: %s before then", ptrust_anchor_subject(a), when,
	    (unsigned long long)(left / 86400), left / 86400 == 1 ? "" : "s",
	    expiry_advice(ptrust_anchor_role(a)));
}

static int
check_sha1(ptrust_lint *lint, const char *store, const ptrust_anchor *a)
{
	X509 *x = ptrust_anchor_get0_x509(a);
	int mdnid = NID_undef;

	if (!X509_get_signature_info(x, &mdnid, NULL, NULL, NULL) ||
	    mdnid != NID_sha1)
		return 1;
	if (X509_self_signed(x, 0) == 1)
		return add(lint, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_INFO,
		    store, ptrust_anchor_alias(a), "%s signs itself with "
		    "SHA-1; OpenSSL does not check the self-signature of a "
		    "trust anchor, so this refuses nothing by itself, but plan "
		    "to replace it with a SHA-256 root%s",
		    ptrust_anchor_subject(a),
		    ptrust_anchor_role(a) == PTRUST_ROLE_MANUFACTURING ?
		    " and move the phones whose MICs chain to it to LSCs" : "");
	return add(lint, PTRUST_LINT_SHA1_SIGNED, PTRUST_SEVERITY_WARNING,
	    store, ptrust_anchor_alias(a), "%s is signed with SHA-1 (by %s): "
	    "as a trust anchor it still works, but wherever it is an "
	    "intermediate, as when a phone sends it or a store trusts only "
	    "its issuer, OpenSSL 3 at security level 1 or more refuses it "
	    "(error 68, CA signature digest too weak); %s",
	    ptrust_anchor_subject(a), ptrust_anchor_issuer(a),
	    ptrust_anchor_role(a) == PTRUST_ROLE_MANUFACTURING ?
	    "give the phones with MICs under it LSCs, or allow SHA-1 for "
	    "them explicitly where they are validated (--allow-sha1 of "
	    "phonetrust verify and phonetrust phone)" :
	    "replace it with a certificate signed with SHA-256");
}

static int
is_rsa(const ptrust_anchor *a)
{
	const char *t = ptrust_anchor_key_type(a);

	return t != NULL && (strcmp(t, "RSA") == 0 ||
	    strcmp(t, "RSA-PSS") == 0);
}

static int
check_rsa_large(ptrust_lint *lint, const char *store, const ptrust_anchor *a)
{
	if (!is_rsa(a) || ptrust_anchor_key_bits(a) <= 4096)
		return 1;
	return add(lint, PTRUST_LINT_RSA_TOO_LARGE, PTRUST_SEVERITY_ERROR,
	    store, ptrust_anchor_alias(a), "%s has a %d-bit RSA key: CUCM "
	    "refuses keys over 4096 bits, so it cannot be uploaded to a CUCM "
	    "trust store; reissue it with an RSA key of 2048 to 4096 bits or "
	    "an EC key (P-256, P-384, P-521)", ptrust_anchor_subject(a),
	    ptrust_anchor_key_bits(a));
}

static int
check_rsa_small(ptrust_lint *lint, const char *store, const ptrust_anchor *a)
{
	if (!is_rsa(a) || ptrust_anchor_key_bits(a) >= 2048)
		return 1;
	return add(lint, PTRUST_LINT_RSA_TOO_SMALL, PTRUST_SEVERITY_WARNING,
	    store, ptrust_anchor_alias(a), "%s has a %d-bit RSA key: at "
	    "security level 2, the default, every chain ending at it is "
	    "refused (key-too-small); reissue it with at least 2048 bits%s",
	    ptrust_anchor_subject(a), ptrust_anchor_key_bits(a),
	    ptrust_anchor_role(a) == PTRUST_ROLE_CAPF ?
	    " by regenerating the CAPF certificate, then give every phone a "
	    "new LSC" : "");
}

static int
check_ca(ptrust_lint *lint, const char *store, const ptrust_anchor *a)
{
	X509 *x = ptrust_anchor_get0_x509(a);
	uint32_t flags;
	char why[128] = "";

	/* capf-profile already says what a CAPF certificate lacks. */
	if (ptrust_anchor_role(a) == PTRUST_ROLE_CAPF || X509_check_ca(x) != 0)
		return 1;
	flags = X509_get_extension_flags(x);
	if (!(flags & EXFLAG_BCONS))
		append(why, sizeof(why), "it has no basicConstraints CA:TRUE");
	else if (!(flags & EXFLAG_CA))
		append(why, sizeof(why), "its basicConstraints say CA:FALSE");
	if ((flags & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN))
		append(why, sizeof(why), "%sits keyUsage lacks keyCertSign",
		    why[0] != '\0' ? ", and " : "");
	if (why[0] == '\0')
		append(why, sizeof(why), "OpenSSL does not accept it as an "
		    "issuer");
	return add(lint, PTRUST_LINT_NOT_A_CA, PTRUST_SEVERITY_WARNING, store,
	    ptrust_anchor_alias(a), "%s is not a CA certificate (%s): it "
	    "trusts exactly this one certificate, never one it issued; if "
	    "phones' certificates come from its issuer, import that CA (%s) "
	    "instead and remove this one, unless pinning this single "
	    "certificate is what you want", ptrust_anchor_subject(a), why,
	    ptrust_anchor_issuer(a));
}

/* ------------------------------------------------------------ duplicates */

static int
loc_cmp(const struct loc *a, const struct loc *b)
{
	if (a->store != b->store)
		return a->store < b->store ? -1 : 1;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return 0;
}

static int
dup_cmp(const void *pa, const void *pb)
{
	const struct dup *a = pa, *b = pb;
	int r;

	if ((r = loc_cmp(&a->later, &b->later)) != 0)
		return r;
	return loc_cmp(&a->earlier, &b->earlier);
}

/* Index of the cluster's store called name, or -1. */
static ssize_t
store_index(const ptrust_cluster *c, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < ptrust_cluster_store_count(c); i++)
		if (strcmp(ptrust_cluster_store_name(c, i), name) == 0)
			return (ssize_t)i;
	return -1;
}

/* Finds the certificate of anchor a in store si; 1 when found. */
static int
find_in(ptrust_cluster *c, ssize_t si, const ptrust_anchor *a,
    struct loc *out)
{
	ptrust_builder *b;
	size_t i;

	if (si < 0 || (b = ptrust_cluster_store(c,
	    ptrust_cluster_store_name(c, (size_t)si), 0)) == NULL)
		return 0;
	for (i = 0; i < ptrust_builder_anchor_count(b); i++)
		if (strcmp(ptrust_anchor_sha256(ptrust_builder_anchor(b, i)),
		    ptrust_anchor_sha256(a)) == 0) {
			out->store = (size_t)si;
			out->index = i;
			return 1;
		}
	return 0;
}

/*
 * Which store a snapshot anchor came from: the purpose's own store first,
 * then manufacturing-ca, which the snapshot adds for callmanager-tls and
 * capf; any store as a last resort.
 */
static int
locate(ptrust_cluster *c, ptrust_cluster_purpose p, const ptrust_anchor *a,
    struct loc *out)
{
	size_t i;

	if (find_in(c, store_index(c, ptrust_cluster_purpose_store(c, p)), a,
	    out) || find_in(c, store_index(c, MFG_CA), a, out))
		return 1;
	for (i = 0; i < ptrust_cluster_store_count(c); i++)
		if (find_in(c, (ssize_t)i, a, out))
			return 1;
	return 0;
}

static int
dups_add(struct dups *d, struct loc x, struct loc y, ptrust_cluster_purpose p)
{
	struct dup *e;
	size_t i;

	if (loc_cmp(&x, &y) > 0) {
		struct loc t = x;

		x = y;
		y = t;
	}
	for (i = 0; i < d->n; i++)
		if (loc_cmp(&d->d[i].earlier, &x) == 0 &&
		    loc_cmp(&d->d[i].later, &y) == 0) {
			d->d[i].purposes |= 1u << p;
			return 1;
		}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;

		if ((e = OPENSSL_realloc(d->d, cap * sizeof(*e))) == NULL)
			return 0;
		d->d = e;
		d->cap = cap;
	}
	d->d[d->n].earlier = x;
	d->d[d->n].later = y;
	d->d[d->n].purposes = 1u << p;
	d->n++;
	return 1;
}

/* Pairs of anchors with one subject in what each purpose trusts. */
static ptrust_status
find_duplicates(ptrust_cluster *c, struct dups *d)
{
	ptrust_store *s;
	ptrust_status st;
	const ptrust_anchor *a, *b;
	struct loc la, lb;
	size_t i, j, n;
	int p;

	for (p = PTRUST_CLUSTER_CALLMANAGER_TLS; p <= PTRUST_CLUSTER_VPN; p++) {
		const char *name = ptrust_cluster_purpose_store(c, p);

		/* Asking for an unset purpose would leave a cluster error. */
		if (name == NULL || ptrust_cluster_store(c, name, 0) == NULL)
			continue;
		if ((st = ptrust_cluster_snapshot(c, p, &s)) != PTRUST_OK)
			return st;
		n = ptrust_store_anchor_count(s);
		for (i = 0; i < n; i++) {
			a = ptrust_store_anchor(s, i);
			for (j = i + 1; j < n; j++) {
				b = ptrust_store_anchor(s, j);
				if (X509_NAME_cmp(X509_get_subject_name(
				    ptrust_anchor_get0_x509(a)),
				    X509_get_subject_name(
				    ptrust_anchor_get0_x509(b))) != 0 ||
				    strcmp(ptrust_anchor_sha256(a),
				    ptrust_anchor_sha256(b)) == 0)
					continue;
				if (!locate(c, p, a, &la) ||
				    !locate(c, p, b, &lb) ||
				    loc_cmp(&la, &lb) == 0)
					continue;
				if (!dups_add(d, la, lb, p)) {
					ptrust_store_unref(s);
					return PTRUST_ERR_NOMEM;
				}
			}
		}
		ptrust_store_unref(s);
	}
	if (d->n > 1)
		qsort(d->d, d->n, sizeof(*d->d), dup_cmp);
	return PTRUST_OK;
}

static int
report_duplicate(ptrust_lint *lint, ptrust_cluster *c, const struct dup *d)
{
	const char *store = ptrust_cluster_store_name(c, d->later.store);
	const char *ostore = ptrust_cluster_store_name(c, d->earlier.store);
	const ptrust_anchor *a, *o;
	char purposes[128] = "", a_nb[32], o_nb[32];
	int p, n = 0, total = 0;

	a = ptrust_builder_anchor(ptrust_cluster_store(c, store, 0),
	    d->later.index);
	o = ptrust_builder_anchor(ptrust_cluster_store(c, ostore, 0),
	    d->earlier.index);
	for (p = PTRUST_CLUSTER_CALLMANAGER_TLS; p <= PTRUST_CLUSTER_VPN; p++)
		if (d->purposes & (1u << p))
			total++;
	for (p = PTRUST_CLUSTER_CALLMANAGER_TLS; p <= PTRUST_CLUSTER_VPN; p++) {
		if (!(d->purposes & (1u << p)))
			continue;
		n++;
		append(purposes, sizeof(purposes), "%s%s",
		    n == 1 ? "" : n == total ? " and " : ", ",
		    ptrust_cluster_purpose_name(p));
	}
	pt_format_time(ptrust_anchor_not_before(a), a_nb, sizeof(a_nb));
	pt_format_time(ptrust_anchor_not_before(o), o_nb, sizeof(o_nb));
	return add(lint, PTRUST_LINT_DUPLICATE_SUBJECT,
	    PTRUST_SEVERITY_WARNING, store, ptrust_anchor_alias(a),
	    "%s has the same subject as %s/%s, a different certificate, and "
	    "%s trust%s both: CUCM keeps one certificate per subject (an "
	    "upload with a newer notBefore replaces the other), so the "
	    "stores no longer match what CUCM holds; keep the one in use "
	    "(this one valid from %s, the other from %s) and remove the "
	    "other", ptrust_anchor_subject(a), ostore, ptrust_anchor_alias(o),
	    purposes, total == 1 ? "s" : "", a_nb, o_nb);
}

/* Under the name of one of Cisco's CAs with another key; 0: no memory. */
static int
check_cisco_lookalike(ptrust_lint *lint, const char *store,
    const ptrust_anchor *a)
{
	switch (pt_cisco_lookalike(ptrust_anchor_get0_x509(a), a->subject_hash,
	    a->sha256)) {
	case -1:
		return 0;
	case 0:
		return 1;
	}
	return add(lint, PTRUST_LINT_CISCO_LOOKALIKE,
	    PTRUST_SEVERITY_ERROR, store, ptrust_anchor_alias(a), "%s has the "
	    "subject of one of Cisco's built-in CAs but not Cisco's key: it "
	    "stands in for Cisco's CA (one certificate per subject), so MICs "
	    "Cisco signed no longer verify through it and certificates its "
	    "owner signs may; unless you put it there on purpose, remove it "
	    "and add Cisco's certificate back", ptrust_anchor_subject(a));
}

/*
 * A validity time as OpenSSL's validation wants it (X509_cmp_time):
 * RFC 5280's UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ,
 * digits only, a real date.  The same rule, asked without allocating, so
 * that running out of memory never reads as a finding.
 */
static int
time_encoding_ok(const ASN1_TIME *t)
{
	struct tm tm;
	int i, want;

	if (t == NULL)
		return 0;
	switch (ASN1_STRING_type(t)) {
	case V_ASN1_UTCTIME:
		want = 13;
		break;
	case V_ASN1_GENERALIZEDTIME:
		want = 15;
		break;
	default:
		return 0;
	}
	if (ASN1_STRING_length(t) != want)
		return 0;
	for (i = 0; i < want - 1; i++)
		if (ASN1_STRING_get0_data(t)[i] < '0' ||
		    ASN1_STRING_get0_data(t)[i] > '9')
			return 0;
	if (ASN1_STRING_get0_data(t)[want - 1] != 'Z')
		return 0;
	if (!ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return 0;
	}
	return 1;
}

/*
 * A validity time OpenSSL refuses: every chain through the anchor fails
 * with invalid-time-encoding, so it trusts nothing.  Cisco's ECC CAs are
 * published so (notAfter 20530404081544.704Z, fractional seconds), and
 * are left refused: see ptrust_cluster_lint(3) for why.
 */
static int
check_time_encoding(ptrust_lint *lint, const char *store,
    const ptrust_anchor *a)
{
	X509 *x = ptrust_anchor_get0_x509(a);
	const ASN1_TIME *t;
	const unsigned char *d;
	char shown[48] = "";
	int bad_nb, fraction, i, n;

	bad_nb = !time_encoding_ok(X509_get0_notBefore(x));
	if (!bad_nb && time_encoding_ok(X509_get0_notAfter(x)))
		return 1;
	t = bad_nb ? X509_get0_notBefore(x) : X509_get0_notAfter(x);
	d = t != NULL ? ASN1_STRING_get0_data(t) : NULL;
	n = t != NULL ? ASN1_STRING_length(t) : 0;
	fraction = n > 0 && ASN1_STRING_type(t) == V_ASN1_GENERALIZEDTIME &&
	    memchr(d, '.', (size_t)n) != NULL;
	/* the encoding itself, when it is short printable text */
	for (i = 0; i < n && n < 32 && d[i] >= 0x20 && d[i] < 0x7f &&
	    d[i] != '"'; i++)
		;
	if (n > 0 && i == n)
		snprintf(shown, sizeof(shown), " (\"%.*s\")", n,
		    (const char *)d);
	return add(lint, PTRUST_LINT_INVALID_TIME_ENCODING,
	    PTRUST_SEVERITY_WARNING, store, ptrust_anchor_alias(a), "%s "
	    "encodes its %s in a form RFC 5280 forbids%s%s: OpenSSL refuses "
	    "every chain that ends at it or passes through it "
	    "(invalid-time-encoding), so it trusts nothing; %s",
	    ptrust_anchor_subject(a), bad_nb ? "notBefore" : "notAfter",
	    fraction ? ", with fractional seconds" : "", shown,
	    pt_is_cisco_fingerprint(a->sha256) ? "Cisco publishes this CA "
	    "so; libphonetrust does not work around it, since no server "
	    "using OpenSSL accepts it either: a phone whose MIC chains to "
	    "it cannot be validated with that MIC, give it an LSC" :
	    "ask its issuer for a certificate with a well-formed time, and "
	    "remove this one");
}

/* ------------------------------------------------------------ cluster-wide */

static int
check_manufacturing(ptrust_lint *lint, ptrust_cluster *c)
{
	ptrust_builder *cm = ptrust_cluster_store(c, CM_TRUST, 0);
	ptrust_builder *mfg = ptrust_cluster_store(c, MFG_CA, 0);
	const ptrust_anchor *a;
	char names[1200] = "", why[1400] = "";
	size_t i, n = 0, nmfg;
	int via_store;

	for (i = 0; i < ptrust_builder_anchor_count(cm); i++) {
		a = ptrust_builder_anchor(cm, i);
		if (ptrust_anchor_role(a) != PTRUST_ROLE_MANUFACTURING)
			continue;
		if (n < MAX_LISTED)
			append(names, sizeof(names), "%s%s", n ? ", " : "",
			    ptrust_anchor_alias(a));
		n++;
	}
	if (n > MAX_LISTED)
		append(names, sizeof(names), " and %zu more", n - MAX_LISTED);
	nmfg = ptrust_builder_anchor_count(mfg);
	via_store = ptrust_cluster_manufacturing_trusted(c) && nmfg > 0;
	if (!via_store && n == 0)
		return 1;
	if (via_store)
		append(why, sizeof(why), "manufacturing-ca, with %zu "
		    "certificate%s, counts as part of callmanager-trust", nmfg,
		    nmfg == 1 ? "" : "s");
	if (n > 0)
		append(why, sizeof(why), "%scallmanager-trust itself holds "
		    "%zu manufacturing CA%s: %s", via_store ? "; " : "", n,
		    n == 1 ? "" : "s", names);
	return add(lint, PTRUST_LINT_MANUFACTURING_TRUSTED,
	    PTRUST_SEVERITY_INFO, CM_TRUST, NULL, "manufacturing CAs are "
	    "still trusted for callmanager-tls (%s): a phone without an LSC "
	    "registers with its MIC; once every phone has an LSC, Cisco "
	    "recommends removing them: %s%s%s", why,
	    via_store ? "turn manufacturing-ca off with "
	    "\"manufacturing-trusted = no\" in the cluster's cluster.conf "
	    "(capf then stops trusting MICs too)" : "",
	    via_store && n > 0 ? " and " : "",
	    n > 0 ? "remove the manufacturing CAs from callmanager-trust" : "");
}

ptrust_status
ptrust_cluster_lint(ptrust_cluster *c, time_t now, int days,
    ptrust_lint **out)
{
	ptrust_lint *lint = NULL;
	struct dups d = { NULL, 0, 0 };
	ptrust_status st = PTRUST_ERR_NOMEM;
	ptrust_builder *b;
	const ptrust_anchor *a;
	const char *store;
	size_t si, ai, k = 0;

	if (out != NULL)
		*out = NULL;
	if (c == NULL || out == NULL || days < 0)
		return PTRUST_ERR_ARG;
	if ((lint = pt_calloc(1, sizeof(*lint))) == NULL)
		goto err;
	if ((st = find_duplicates(c, &d)) != PTRUST_OK)
		goto err;
	st = PTRUST_ERR_NOMEM;
	for (si = 0; si < ptrust_cluster_store_count(c); si++) {
		store = ptrust_cluster_store_name(c, si);
		b = ptrust_cluster_store(c, store, 0);
		for (ai = 0; ai < ptrust_builder_anchor_count(b); ai++) {
			a = ptrust_builder_anchor(b, ai);
			/* in the order of the codes */
			if (!check_capf_profile(lint, store, a) ||
			    !check_expiry(lint, store, a, now, days))
				goto err;
			for (; k < d.n && d.d[k].later.store == si &&
			    d.d[k].later.index == ai; k++)
				if (!report_duplicate(lint, c, &d.d[k]))
					goto err;
			if (!check_sha1(lint, store, a) ||
			    !check_rsa_large(lint, store, a) ||
			    !check_rsa_small(lint, store, a) ||
			    !check_ca(lint, store, a) ||
			    !check_cisco_lookalike(lint, store, a) ||
			    !check_time_encoding(lint, store, a))
				goto err;
		}
	}
	if (!check_manufacturing(lint, c))
		goto err;
	OPENSSL_free(d.d);
	*out = lint;
	return PTRUST_OK;
err:
	OPENSSL_free(d.d);
	ptrust_lint_free(lint);
	return st;
}
