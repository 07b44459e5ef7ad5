/*
 * phonetrust inspect: what each certificate of some files is, and why we
 * say so.  The cluster decides when it can: an anchor of a store is what
 * its role says, and a certificate is an LSC or a MIC when an anchor's key
 * verifies its chain.  Names are read only when no anchor can decide, and
 * what they suggest is labelled a guess.  Every file is read and parsed
 * before anything is printed, so an unusable one leaves stdout empty.
 * Exit 0 when every file was read, 2 otherwise.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-openssl.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "names.h"
#include "../lib/common/cisco_names.h"
#include "../lib/common/key_type.h"
#include "verdict.h"

#define KIND_LSC	"LSC"
#define KIND_MIC	"MIC"
#define KIND_CAPF	"CAPF CA"
#define KIND_MFG	"manufacturing CA"
#define KIND_OTHER	"other"

struct cert {
	const char	*file;		/* as given; "-" is standard input */
	size_t		 index;		/* from 1, within its file */
	size_t		 count;		/* certificates of its file */
	X509		*x;
	char		*subject;
	char		*issuer;
	char		*cn;		/* last CN, NULL when none */
	char		*serial;
	char		 sha256[65];
	char		 sha1[41];
	char		 not_before[32];
	char		 not_after[32];
	int		 expired;
	int		 not_yet_valid;
	const char	*bad_time;	/* "notBefore", "notAfter" or NULL */
	int		 bad_time_fraction;
	char		 key_type[16];
	int		 key_bits;
	char		 curve[64];	/* "" unless EC */
	char		 sigalg[80];
	int		 is_ca;
	const char	*kind;
	char		*reason;
	int		 guess;
};

/* A CA given: a candidate issuer of the others. */
struct ca {
	X509		*x;
	size_t		 order;		/* where it came in the files */
	size_t		 seen;		/* the last certificate it was picked for */
};

/* What decides: the cluster's stores, then Cisco's CAs built in. */
struct judge {
	const char	 *dir;		/* NULL: no cluster */
	ptrust_store	**stores;
	size_t		  nstores;
	ptrust_store	 *builtin;
	ptrust_options	 *o;
	struct ca	 *cas;		/* every CA given once, by subject */
	size_t		  ncas;
	struct ca	**pick;		/* the candidates of one certificate */
	size_t		  round;	/* counts the certificates looked at */
};

static void
inspect_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] inspect [--json] "
	    "FILE...\n"
	    "  describe each certificate of each FILE (PEM bundle or one DER "
	    "certificate;\n  - reads standard input): names, validity, key, "
	    "fingerprints, and whether\n  it is an LSC, a MIC, a CAPF CA or "
	    "a manufacturing CA, decided by the\n  cluster's anchors when "
	    "there is a cluster, else labelled a guess\n");
}

static int
fail(const char *what, const char *msg)
{
	return cli_fail("inspect", what, msg);
}

/* printf into a new string; NULL when memory ran out. */
static char *
format(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *
format(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/*
 * As the library prints names: RFC 2253 order, UTF-8 kept, what would act
 * on a terminal as \XX.
 */
static char *
name_string(const X509_NAME *name)
{
	BIO *bio;
	BUF_MEM *mem;
	char *s = NULL, *safe;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(bio, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		BIO_get_mem_ptr(bio, &mem);
		if ((s = malloc(mem->length + 1)) != NULL) {
			if (mem->length > 0)
				memcpy(s, mem->data, mem->length);
			s[mem->length] = '\0';
		}
	}
	BIO_free(bio);
	if (s == NULL)
		return NULL;
	safe = text_escape(s);
	free(s);
	return safe;
}

static void
hex(const unsigned char *md, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static void
rfc3339(const ASN1_TIME *t, char *buf, size_t len, time_t *out, int *ok)
{
	struct tm tm;

	*ok = 0;
	if (t == NULL || !ASN1_TIME_to_tm(t, &tm) ||
	    cli_time_from_tm(&tm, out) == -1) {
		ERR_clear_error();
		snprintf(buf, len, "unreadable");
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	*ok = 1;
}

static void
key_info(struct cert *c)
{
	EVP_PKEY *pkey = X509_get0_pubkey(c->x);
	const char *nist;
	char group[64];

	c->key_bits = 0;
	c->curve[0] = '\0';
	if (pkey == NULL) {
		ERR_clear_error();
		snprintf(c->key_type, sizeof(c->key_type), "unknown");
		return;
	}
	snprintf(c->key_type, sizeof(c->key_type), "%s",
	    pt_key_type_name(pkey));
	c->key_bits = EVP_PKEY_get_bits(pkey);
	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC &&
	    EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), NULL)) {
		/* "P-256" is what administrators read; else OpenSSL's name */
		nist = EC_curve_nid2nist(OBJ_sn2nid(group));
		snprintf(c->curve, sizeof(c->curve), "%s",
		    nist != NULL ? nist : group);
	}
	ERR_clear_error();
}

/*
 * A validity time OpenSSL's validation refuses to read (X509_cmp_time:
 * only RFC 5280's YYMMDDHHMMSSZ and YYYYMMDDHHMMSSZ), as in Cisco's ECC
 * CAs (20530404081544.704Z): no chain through the certificate validates.
 */
static void
bad_time(struct cert *c, time_t now)
{
	const ASN1_TIME *t;

	if (X509_cmp_time(X509_get0_notBefore(c->x), &now) == 0)
		c->bad_time = "notBefore";
	else if (X509_cmp_time(X509_get0_notAfter(c->x), &now) == 0)
		c->bad_time = "notAfter";
	ERR_clear_error();
	if (c->bad_time == NULL)
		return;
	t = c->bad_time[3] == 'B' ? X509_get0_notBefore(c->x) :
	    X509_get0_notAfter(c->x);
	c->bad_time_fraction = t != NULL && ASN1_STRING_length(t) > 0 &&
	    ASN1_STRING_type(t) == V_ASN1_GENERALIZEDTIME &&
	    memchr(ASN1_STRING_get0_data(t), '.',
	    (size_t)ASN1_STRING_length(t)) != NULL;
}

/* Everything printed that does not need the cluster; -1 out of memory. */
static int
describe(struct cert *c, time_t now)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	const X509_ALGOR *alg;
	const ASN1_OBJECT *oid;
	BIGNUM *bn;
	char *s;
	time_t nb = 0, na = 0;
	int ok_nb, ok_na, nid;

	if ((c->subject = name_string(X509_get_subject_name(c->x))) == NULL ||
	    (c->issuer = name_string(X509_get_issuer_name(c->x))) == NULL ||
	    name_entry(X509_get_subject_name(c->x), NID_commonName,
	    &c->cn) < 0)
		return -1;
	if (!X509_digest(c->x, EVP_sha256(), md, &mdlen) || mdlen != 32)
		return -1;
	hex(md, 32, c->sha256);
	if (!X509_digest(c->x, EVP_sha1(), md, &mdlen) || mdlen != 20)
		return -1;
	hex(md, 20, c->sha1);
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c->x),
	    NULL)) == NULL || (s = BN_bn2hex(bn)) == NULL) {
		BN_free(bn);
		return -1;
	}
	c->serial = strdup(s);
	OPENSSL_free(s);
	BN_free(bn);
	if (c->serial == NULL)
		return -1;
	rfc3339(X509_get0_notBefore(c->x), c->not_before,
	    sizeof(c->not_before), &nb, &ok_nb);
	rfc3339(X509_get0_notAfter(c->x), c->not_after,
	    sizeof(c->not_after), &na, &ok_na);
	c->expired = ok_na && na < now;
	c->not_yet_valid = ok_nb && nb > now;
	bad_time(c, now);
	key_info(c);
	X509_get0_signature(NULL, &alg, c->x);
	X509_ALGOR_get0(&oid, NULL, NULL, alg);
	if ((nid = OBJ_obj2nid(oid)) != NID_undef)
		snprintf(c->sigalg, sizeof(c->sigalg), "%s", OBJ_nid2ln(nid));
	else if (OBJ_obj2txt(c->sigalg, sizeof(c->sigalg), oid, 1) <= 0)
		snprintf(c->sigalg, sizeof(c->sigalg), "unknown");
	/* a CA as the library sees one: basicConstraints CA:TRUE */
	c->is_ca = (X509_get_extension_flags(c->x) & EXFLAG_CA) != 0;
	ERR_clear_error();
	return 0;
}

/* ------------------------------------------------------ the decision */

static const char *
display_file(const char *path)
{
	return strcmp(path, "-") == 0 ? "standard input" : path;
}

static int
set_kind(struct cert *c, const char *kind, int guess, char *reason)
{
	c->kind = kind;
	c->guess = guess;
	c->reason = reason;
	return reason != NULL ? 1 : -1;
}

/*
 * The anchor (of any store) that is this very certificate: its role says
 * what it is.  1 decided, 0 not an anchor, -1 out of memory.
 */
static int
by_anchor(struct cert *c, const struct judge *j)
{
	const ptrust_anchor *a = NULL, *found;
	char *stores = NULL, *more;
	const char *kind;
	size_t i, nfound = 0;
	ptrust_role role = PTRUST_ROLE_OTHER;
	int rc;

	for (i = 0; i < j->nstores; i++) {
		found = ptrust_store_find(j->stores[i], c->sha256);
		if (found == NULL ||
		    strcmp(ptrust_anchor_sha256(found), c->sha256) != 0)
			continue;
		if (a == NULL) {
			a = found;
			role = ptrust_anchor_role(a);
			stores = strdup(ptrust_store_name(j->stores[i]));
		} else {
			more = format("%s, %s", stores,
			    ptrust_store_name(j->stores[i]));
			free(stores);
			stores = more;
		}
		if (stores == NULL)
			return -1;
		nfound++;
	}
	if (a != NULL) {
		kind = !c->is_ca ? KIND_OTHER :
		    role == PTRUST_ROLE_CAPF ? KIND_CAPF :
		    role == PTRUST_ROLE_MANUFACTURING ? KIND_MFG : KIND_OTHER;
		rc = set_kind(c, kind, 0, format("anchor %s (role %s) in "
		    "store%s %s%s", ptrust_anchor_alias(a),
		    ptrust_role_name(role), nfound > 1 ? "s" : "", stores,
		    c->is_ca ? "" : ", yet not a CA certificate"));
		free(stores);
		return rc;
	}
	if (j->builtin != NULL &&
	    (found = ptrust_store_find(j->builtin, c->sha256)) != NULL &&
	    strcmp(ptrust_anchor_sha256(found), c->sha256) == 0)
		return set_kind(c, KIND_MFG, 0, format("Cisco's published CA "
		    "%s (built into libphonetrust)%s",
		    ptrust_anchor_alias(found), j->dir != NULL ?
		    ", not an anchor of this cluster" : ""));
	return 0;
}

static int
ca_cmp(const void *a, const void *b)
{
	const struct ca *x = a, *y = b;
	int rc;

	/* by subject, so an issuer name finds its CAs together */
	if ((rc = X509_NAME_cmp(X509_get_subject_name(x->x),
	    X509_get_subject_name(y->x))) != 0)
		return rc;
	if ((rc = X509_cmp(x->x, y->x)) != 0)
		return rc;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
pick_cmp(const void *a, const void *b)
{
	const struct ca *x = *(struct ca *const *)a;
	const struct ca *y = *(struct ca *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Index the CAs given by subject, each certificate once: looking every
 * certificate up in every CA of a large file was quadratic.
 */
static int
index_cas(struct judge *j, const struct cert *certs, size_t n)
{
	size_t i, k;

	if (n == 0)
		return 0;
	if ((j->cas = calloc(n, sizeof(*j->cas))) == NULL ||
	    (j->pick = calloc(n, sizeof(*j->pick))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (X509_check_ca(certs[i].x) == 0)
			continue;
		j->cas[j->ncas].x = certs[i].x;
		j->cas[j->ncas].order = i;
		j->ncas++;
	}
	qsort(j->cas, j->ncas, sizeof(*j->cas), ca_cmp);
	/* the same certificate twice offers nothing new: keep its first */
	for (i = k = 0; i < j->ncas; i++)
		if (k == 0 || X509_cmp(j->cas[k - 1].x, j->cas[i].x) != 0)
			j->cas[k++] = j->cas[i];
	j->ncas = k;
	ERR_clear_error();
	return 0;
}

/* The CAs named as x's issuer, not yet picked, appended to the picks. */
static void
pick_issuers(struct judge *j, const struct cert *c, X509 *x, size_t *npick)
{
	const X509_NAME *name = X509_get_issuer_name(x);
	size_t lo = 0, hi = j->ncas, mid;
	struct ca *e;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (X509_NAME_cmp(X509_get_subject_name(j->cas[mid].x),
		    name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < j->ncas; lo++) {
		e = &j->cas[lo];
		if (X509_NAME_cmp(X509_get_subject_name(e->x), name) != 0)
			break;
		if (e->seen == j->round || X509_cmp(e->x, c->x) == 0)
			continue;
		e->seen = j->round;
		j->pick[(*npick)++] = e;
	}
}

/*
 * The certificate and, as candidate issuers, the CAs given that could sit
 * above it: those named as its issuer, theirs, and so on.  OpenSSL takes
 * an issuer only when its subject is the issuer name, so the others never
 * mattered.  They keep their order in the files, as OpenSSL picks the
 * first that fits.
 */
static ptrust_status
chain_of(const struct cert *c, struct judge *j, ptrust_chain **ch)
{
	ptrust_status st;
	size_t i, npick = 0;

	*ch = NULL;
	if ((st = ptrust_chain_new_from_x509(c->x, NULL, ch)) != PTRUST_OK)
		return st;
	j->round++;
	pick_issuers(j, c, c->x, &npick);
	for (i = 0; i < npick; i++)
		pick_issuers(j, c, j->pick[i]->x, &npick);
	ERR_clear_error();
	qsort(j->pick, npick, sizeof(*j->pick), pick_cmp);
	for (i = 0; st == PTRUST_OK && i < npick; i++)
		st = ptrust_chain_add_x509(*ch, j->pick[i]->x);
	if (st != PTRUST_OK) {
		ptrust_chain_free(*ch);
		*ch = NULL;
	}
	return st;
}

/*
 * Validate the chain against one store: the kind of the anchor reached,
 * when its key verified the chain.  *r is set on PTRUST_OK.
 */
static ptrust_status
try_store(const ptrust_chain *ch, const struct judge *j,
    const ptrust_store *s, ptrust_result **r)
{
	ptrust_status st;

	if ((st = ptrust_verify(s, ch, j->o, r)) != PTRUST_OK) {
		ptrust_result_free(*r);
		*r = NULL;
	}
	return st;
}

/* Who issued it: the anchor itself, or the anchor through intermediates. */
static char *
path_words(const ptrust_result *r, const char *where)
{
	const ptrust_anchor *a = ptrust_result_anchor(r);

	if (ptrust_result_chain_length(r) > 2)
		return format("issued under %s (role %s) %s, through %s",
		    ptrust_anchor_alias(a),
		    ptrust_role_name(ptrust_anchor_role(a)), where,
		    ptrust_result_chain_subject(r, 1));
	return format("issued by %s (role %s) %s", ptrust_anchor_alias(a),
	    ptrust_role_name(ptrust_anchor_role(a)), where);
}

/*
 * LSC or MIC from the role of the anchor that verified the chain.  The
 * library calls a CA certificate no phone's (kind unknown), but inspect
 * asks what kind of issuer it is: read the anchor's role directly.
 */
static ptrust_kind
verified_kind(const struct cert *c, const ptrust_result *r)
{
	const ptrust_anchor *a = ptrust_result_anchor(r);

	if (!c->is_ca)
		return ptrust_result_kind(r);
	if (a == NULL || ptrust_result_reason_count(r) > 0)
		return PTRUST_KIND_UNKNOWN;
	switch (ptrust_anchor_role(a)) {
	case PTRUST_ROLE_CAPF:
	case PTRUST_ROLE_EXTERNAL_CA:
		return PTRUST_KIND_LSC;
	case PTRUST_ROLE_MANUFACTURING:
		return PTRUST_KIND_MIC;
	default:
		return PTRUST_KIND_UNKNOWN;
	}
}

static int
kind_from_result(struct cert *c, const ptrust_result *r, const char *where)
{
	ptrust_kind k = verified_kind(c, r);
	char *words, *reason;

	if ((words = path_words(r, where)) == NULL)
		return -1;
	if (!c->is_ca)
		return set_kind(c, k == PTRUST_KIND_LSC ? KIND_LSC : KIND_MIC,
		    0, words);
	/* an issuing CA: under a manufacturing root it issues MICs */
	reason = format("a CA certificate %s", words);
	free(words);
	return set_kind(c, k == PTRUST_KIND_MIC ? KIND_MFG : KIND_OTHER, 0,
	    reason);
}

/*
 * The stores whose anchor vouches for the chain.  1 decided, 0 none,
 * -1 on error (message printed).
 */
static int
by_chain(struct cert *c, struct judge *j)
{
	ptrust_result *r, *first = NULL;
	ptrust_chain *ch = NULL;
	char *names = NULL, *where = NULL, *more;
	ptrust_status st = PTRUST_OK;
	size_t i, nnames = 0;
	int rc = 0;

	/* one chain for every store */
	if ((st = chain_of(c, j, &ch)) != PTRUST_OK)
		goto err;
	for (i = 0; i < j->nstores; i++) {
		if ((st = try_store(ch, j, j->stores[i], &r)) != PTRUST_OK)
			goto err;
		/* the same anchor in several stores: name them all */
		if (verified_kind(c, r) == PTRUST_KIND_UNKNOWN ||
		    (first != NULL && strcmp(ptrust_anchor_sha256(
		    ptrust_result_anchor(r)), ptrust_anchor_sha256(
		    ptrust_result_anchor(first))) != 0)) {
			ptrust_result_free(r);
			continue;
		}
		if (first == NULL) {
			first = r;
			names = strdup(ptrust_store_name(j->stores[i]));
		} else {
			more = format("%s, %s", names,
			    ptrust_store_name(j->stores[i]));
			free(names);
			names = more;
			ptrust_result_free(r);
		}
		nnames++;
		if (names == NULL)
			goto nomem;
	}
	if (first != NULL)
		where = format("in store%s %s", nnames > 1 ? "s" : "", names);
	else if (j->builtin != NULL) {
		if ((st = try_store(ch, j, j->builtin, &r)) != PTRUST_OK)
			goto err;
		if (verified_kind(c, r) == PTRUST_KIND_UNKNOWN) {
			ptrust_result_free(r);
			ptrust_chain_free(ch);
			return 0;
		}
		first = r;
		where = strdup(j->dir != NULL ? "among Cisco's built-in CAs, "
		    "not anchors of this cluster" : "among Cisco's built-in "
		    "CAs");
	} else {
		ptrust_chain_free(ch);
		return 0;
	}
	if (where == NULL || (rc = kind_from_result(c, first, where)) < 0)
		goto nomem;
	ptrust_result_free(first);
	ptrust_chain_free(ch);
	free(names);
	free(where);
	return rc;
nomem:
	st = PTRUST_ERR_NOMEM;
err:
	ptrust_result_free(first);
	ptrust_chain_free(ch);
	free(names);
	free(where);
	fail(display_file(c->file), st == PTRUST_ERR_NOMEM ?
	    "out of memory" : "the validation failed unexpectedly");
	return -1;
}

/* No anchor could decide: what the names suggest, labelled a guess. */
static int
by_names(struct cert *c, const struct judge *j)
{
	const X509_NAME *subj = X509_get_subject_name(c->x);
	const X509_NAME *iss = X509_get_issuer_name(c->x);
	char *o = NULL, *icn = NULL, *io = NULL, *reason;
	const char *why;
	int self, rc = -1;

	if (name_entry(subj, NID_organizationName, &o) < 0 ||
	    name_entry(iss, NID_commonName, &icn) < 0 ||
	    name_entry(iss, NID_organizationName, &io) < 0)
		goto done;
	why = j->dir != NULL ? "no anchor of the cluster verifies it" :
	    "no cluster to check it against";
	self = X509_NAME_cmp(subj, iss) == 0;
	if (c->is_ca && pt_is_capf_cn(c->cn))
		rc = set_kind(c, KIND_CAPF, 1, format("guess: %sCA named like "
		    "a CAPF certificate; %s", self ? "a self-signed " : "a ",
		    why));
	else if (c->is_ca && pt_name_suggests_manufacturing(c->cn))
		rc = set_kind(c, KIND_MFG, 1, format("guess: a Cisco CA named "
		    "like a manufacturing CA (%s); %s", c->cn, why));
	else if (!c->is_ca && pt_is_capf_cn(icn))
		rc = set_kind(c, KIND_LSC, 1, format("guess: issuer name "
		    "looks like a CAPF (%s); %s", icn, why));
	else if (!c->is_ca && pt_name_suggests_manufacturing(icn))
		rc = set_kind(c, KIND_MIC, 1, format("guess: issuer name "
		    "looks like a Cisco manufacturing CA (%s); %s", icn, why));
	else {
		reason = format("%s; %s", c->is_ca ? (self ? "a self-signed "
		    "CA" : "a CA") : "not a CA", j->dir != NULL ? "no anchor "
		    "of the cluster verifies it and its names suggest no "
		    "role" : "no cluster to decide (give --cluster DIR) and "
		    "its names suggest no role");
		rc = set_kind(c, KIND_OTHER, 0, reason);
	}
done:
	free(o);
	free(icn);
	free(io);
	if (rc < 0)
		fail(NULL, "out of memory");
	return rc;
}

static int
classify(struct cert *c, struct judge *j)
{
	int rc;

	if ((rc = by_anchor(c, j)) != 0) {
		if (rc < 0)
			fail(NULL, "out of memory");
		return rc < 0 ? -1 : 0;
	}
	if ((rc = by_chain(c, j)) != 0)
		return rc < 0 ? -1 : 0;
	return by_names(c, j) < 0 ? -1 : 0;
}

/* Every store of the cluster, and Cisco's CAs as the library ships them. */
static int
judge_init(struct judge *j, const char *global)
{
	ptrust_cluster *c = NULL, *fresh = NULL;
	ptrust_builder *b;
	const char *dir;
	size_t i, n;
	int rc = CLI_USAGE;

	memset(j, 0, sizeof(*j));
	if ((j->o = ptrust_options_new()) == NULL) {
		fail(NULL, "out of memory");
		return CLI_USAGE;
	}
	/*
	 * What signed a certificate, not whether it is fit today: any
	 * purpose, any algorithm and key size.  An expired MIC is a MIC.
	 */
	if (ptrust_options_set_eku(j->o, PTRUST_EKU_ANY) !=
	    PTRUST_OK ||
	    ptrust_options_insecure_set_security_level(j->o, 0) !=
	    PTRUST_OK || ptrust_options_insecure_allow_sha1(j->o, 1) != PTRUST_OK) {
		fail(NULL, ptrust_options_error(j->o));
		return CLI_USAGE;
	}
	if (cli_cluster_dir(global) != NULL) {
		if (cli_open_cluster("inspect", global, &c, &dir) != CLI_OK)
			return CLI_USAGE;
		n = ptrust_cluster_store_count(c);
		if ((j->stores = calloc(n + 1, sizeof(*j->stores))) == NULL) {
			fail(NULL, "out of memory");
			goto done;
		}
		for (i = 0; i < n; i++) {
			b = ptrust_cluster_store(c,
			    ptrust_cluster_store_name(c, i), 0);
			if (b == NULL || ptrust_builder_build(b,
			    &j->stores[j->nstores]) != PTRUST_OK) {
				fail(dir, b != NULL ? ptrust_builder_error(b) :
				    "a store vanished");
				goto done;
			}
			j->nstores++;
		}
		j->dir = dir;
	}
	if ((fresh = ptrust_cluster_new()) == NULL ||
	    (b = ptrust_cluster_store(fresh, "manufacturing-ca", 0)) == NULL ||
	    ptrust_builder_build(b, &j->builtin) != PTRUST_OK) {
		fail(NULL, "cannot load the built-in manufacturing CAs");
		goto done;
	}
	rc = CLI_OK;
done:
	ptrust_cluster_free(fresh);
	ptrust_cluster_free(c);	/* the snapshots live on their own */
	return rc;
}

static void
judge_free(struct judge *j)
{
	size_t i;

	for (i = 0; i < j->nstores; i++)
		ptrust_store_unref(j->stores[i]);
	free(j->stores);
	ptrust_store_unref(j->builtin);
	ptrust_options_free(j->o);
	free(j->cas);		/* the certificates are the files' */
	free(j->pick);
}

/* ---------------------------------------------------------- reading */

/*
 * The certificates of a buffer the library has already accepted, parsed
 * again into X509 objects the same way (ptrust_chain keeps them hidden).
 */
static int
parse_again(const unsigned char *data, size_t len, STACK_OF(X509) *out)
{
	const unsigned char *p;
	unsigned char *der = NULL;
	char *name = NULL, *header = NULL;
	long der_len;
	BIO *bio;
	X509 *x;
	int ok = 1;

	if (!cli_is_pem(data, len)) {
		p = data;
		if ((x = d2i_X509(NULL, &p, (long)len)) == NULL)
			return -1;
		if (!sk_X509_push(out, x)) {
			X509_free(x);
			return -1;
		}
		return 0;
	}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL)
		return -1;
	while (ok && PEM_read_bio(bio, &name, &header, &der, &der_len)) {
		if (strcmp(name, PEM_STRING_X509) == 0 ||
		    strcmp(name, PEM_STRING_X509_OLD) == 0) {
			p = der;
			if ((x = d2i_X509(NULL, &p, der_len)) == NULL ||
			    !sk_X509_push(out, x)) {
				X509_free(x);
				ok = 0;
			}
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		name = header = NULL;
		der = NULL;
	}
	BIO_free(bio);
	ERR_clear_error();
	return ok ? 0 : -1;
}

/* One file's certificates appended to *certs; CLI_OK or CLI_USAGE. */
static int
read_file(const char *path, struct cert **certs, size_t *n, time_t now)
{
	STACK_OF(X509) *sk = NULL;
	ptrust_chain *ch = NULL;
	unsigned char *data = NULL;
	struct cert *more;
	size_t len = 0, k, count;
	int rc = CLI_USAGE;

	if ((ch = ptrust_chain_new()) == NULL ||
	    (sk = sk_X509_new_null()) == NULL) {
		fail(NULL, "out of memory");
		goto done;
	}
	/* the library's parser and messages, as verify gives them */
	if (cli_load_chain("inspect", ch, path, &data, &len) != CLI_OK)
		goto done;
	if (parse_again(data, len, sk) == -1 ||
	    (size_t)sk_X509_num(sk) != ptrust_chain_count(ch)) {
		fail(path, "cannot parse the certificates again");
		goto done;
	}
	count = (size_t)sk_X509_num(sk);
	if ((more = realloc(*certs, (*n + count) * sizeof(**certs))) == NULL) {
		fail(NULL, "out of memory");
		goto done;
	}
	*certs = more;
	for (k = 0; k < count; k++) {
		struct cert *c = &(*certs)[*n];

		memset(c, 0, sizeof(*c));
		c->file = path;
		c->index = k + 1;
		c->count = count;
		c->x = sk_X509_shift(sk);
		(*n)++;
		if (describe(c, now) == -1) {
			fail(path, "out of memory");
			goto done;
		}
	}
	rc = CLI_OK;
done:
	sk_X509_pop_free(sk, X509_free);
	ptrust_chain_free(ch);
	free(data);
	return rc;
}

static void
cert_clear(struct cert *c)
{
	X509_free(c->x);
	free(c->subject);
	free(c->issuer);
	free(c->cn);
	free(c->serial);
	free(c->reason);
}

/* ---------------------------------------------------------- printing */

static void
print_human(const struct cert *certs, size_t n)
{
	const struct cert *c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = &certs[i];
		if (i > 0)
			putchar('\n');
		printf("CERT %zu of %zu in %s: %s%s %s\n", c->index, c->count,
		    display_file(c->file), c->kind, c->guess ? " (guess)" : "",
		    c->cn != NULL ? c->cn : c->subject);
		printf("  kind:        %s%s\n", c->kind,
		    c->guess ? " (guess)" : "");
		printf("  why:         %s\n", c->reason);
		printf("  subject:     %s\n", c->subject);
		printf("  issuer:      %s\n", c->issuer);
		printf("  serial:      %s\n", c->serial);
		printf("  not before:  %s%s\n", c->not_before,
		    c->not_yet_valid ? " (not yet valid)" : "");
		printf("  not after:   %s%s\n", c->not_after,
		    c->expired ? " (EXPIRED)" : "");
		if (c->bad_time != NULL)
			printf("  warning:     %s encoded in a form RFC 5280 "
			    "forbids%s: OpenSSL refuses every chain through "
			    "this certificate (invalid-time-encoding)\n",
			    c->bad_time, c->bad_time_fraction ? " (fractional "
			    "seconds)" : "");
		if (c->curve[0] != '\0')
			printf("  key:         %s %d (%s)\n", c->key_type,
			    c->key_bits, c->curve);
		else
			printf("  key:         %s %d\n", c->key_type,
			    c->key_bits);
		printf("  signature:   %s\n", c->sigalg);
		printf("  CA:          %s\n", c->is_ca ? "yes" : "no");
		printf("  sha256:      %s\n", c->sha256);
		printf("  sha1:        %s\n", c->sha1);
	}
}

/*
 * In JSON, kind is what it is in a verdict object (LSC, MIC or unknown)
 * and a CA certificate's kind is its role, as an anchor's: one format
 * for a member of one name in every output.
 */
static const char *
json_kind(const struct cert *c)
{
	if (strcmp(c->kind, KIND_LSC) == 0)
		return "LSC";
	if (strcmp(c->kind, KIND_MIC) == 0)
		return "MIC";
	return "unknown";
}

static const char *
json_role(const struct cert *c)
{
	if (!c->is_ca)
		return NULL;
	if (strcmp(c->kind, KIND_CAPF) == 0)
		return ptrust_role_name(PTRUST_ROLE_CAPF);
	if (strcmp(c->kind, KIND_MFG) == 0)
		return ptrust_role_name(PTRUST_ROLE_MANUFACTURING);
	return ptrust_role_name(PTRUST_ROLE_OTHER);
}

/* A time as read, null when it could not be. */
static void
json_cert_time(struct json *j, const char *t)
{
	if (strcmp(t, "unreadable") == 0)
		json_null(j);
	else
		json_string(j, t);
}

static void
print_json(const struct cert *certs, size_t n, const char *dir)
{
	const struct cert *c;
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "cluster");
	json_string(&j, dir);
	json_key(&j, "certificates");
	json_array_begin(&j);
	for (i = 0; i < n; i++) {
		c = &certs[i];
		json_object_begin(&j);
		json_key(&j, "file");
		json_string(&j, c->file);
		json_key(&j, "index");
		json_number(&j, (long long)c->index);
		json_key(&j, "subject");
		json_string(&j, c->subject);
		json_key(&j, "issuer");
		json_string(&j, c->issuer);
		json_key(&j, "serial");
		json_string(&j, c->serial);
		json_key(&j, "not_before");
		json_cert_time(&j, c->not_before);
		json_key(&j, "not_after");
		json_cert_time(&j, c->not_after);
		json_key(&j, "expired");
		json_bool(&j, c->expired);
		json_key(&j, "invalid_time_encoding");
		json_string(&j, c->bad_time);
		json_key(&j, "key_type");
		json_string(&j, c->key_type);
		json_key(&j, "key_bits");
		json_number(&j, c->key_bits);
		json_key(&j, "key_curve");
		json_string(&j, c->curve[0] != '\0' ? c->curve : NULL);
		json_key(&j, "signature_algorithm");
		json_string(&j, c->sigalg);
		json_key(&j, "sha256");
		json_string(&j, c->sha256);
		json_key(&j, "sha1");
		json_string(&j, c->sha1);
		json_key(&j, "is_ca");
		json_bool(&j, c->is_ca);
		json_key(&j, "kind");
		json_string(&j, json_kind(c));
		json_key(&j, "role");
		json_string(&j, json_role(c));
		json_key(&j, "kind_reason");
		json_string(&j, c->reason);
		json_key(&j, "guess");
		json_bool(&j, c->guess);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', stdout);
}

int
cmd_inspect(int argc, char **argv, const char *cluster_dir)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cert *certs = NULL;
	struct judge j;
	size_t i, n = 0;
	time_t now = time(NULL);
	int c, json = 0, stdin_seen = 0, rc = CLI_USAGE;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			inspect_usage(stdout);
			return CLI_OK;
		default:
			fprintf(stderr, "phonetrust inspect: unknown option "
			    "\"%s\" (try --help)\n", argv[optind - 1]);
			return CLI_USAGE;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "phonetrust inspect: no FILE given (try "
		    "--help)\n");
		return CLI_USAGE;
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (strcmp(argv[i], "-") == 0 && stdin_seen++)
			return fail("-", "standard input given twice");

	if (judge_init(&j, cluster_dir) != CLI_OK)
		goto done;
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (read_file(argv[i], &certs, &n, now) != CLI_OK)
			goto done;
	/* every CA given may have issued another one given */
	if (index_cas(&j, certs, n) == -1) {
		fail(NULL, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (classify(&certs[i], &j) == -1)
			goto done;
	if (json)
		print_json(certs, n, j.dir);
	else
		print_human(certs, n);
	rc = CLI_OK;
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust inspect: standard output: %s\n",
		    strerror(errno));
		rc = CLI_USAGE;
	}
done:
	for (i = 0; i < n; i++)
		cert_clear(&certs[i]);
	free(certs);
	judge_free(&j);
	return rc;
}
