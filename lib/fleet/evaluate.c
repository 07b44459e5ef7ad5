/*
 * Judging a fleet: every phone, for each purpose, through the one judging
 * path (pt_judge), on worker threads.  A side (before or after a change)
 * holds the purposes' snapshots and a compact verdict per judgment; the
 * full verdict is made again when asked for (plan.c), so 40,000 phones
 * fit in memory.
 *
 * Memo: a verdict depends on the chain, the anchors its building can
 * reach, the time and the options.  The anchors it can reach are those
 * whose subject is a name in the chain (the leaf's, its issuers'), and
 * theirs in turn: their fingerprints, roles and stores make the memo key,
 * with the store's name.  After a change, a judgment whose key and time
 * are those of the "before" side (or of the last what-if's side: what-ifs
 * come in series of neighbours) takes that verdict: no signature the
 * change cannot affect is verified again.  Within a side, a chain is
 * validated once for all the purposes whose stores offer it the same
 * anchors; the verdict is then retargeted to each (retarget()) and
 * diagnosed from the one fix table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "fleet.h"
#include "change.h"

ptrust_cluster_purpose
pt_fleet_judgment_purpose(int j)
{
	switch (j) {
	case PT_FJ_CAPF_LSC:
	case PT_FJ_CAPF_MIC:	return PTRUST_CLUSTER_CAPF;
	case PT_FJ_8021X:	return PTRUST_CLUSTER_8021X;
	case PT_FJ_VPN:		return PTRUST_CLUSTER_VPN;
	default:		return PTRUST_CLUSTER_CALLMANAGER_TLS;
	}
}

/* The certificate a judgment is about: what the phone presents (its LSC
 * whenever it has one), or for CAPF the one the mode picks. */
static const struct pt_fleet_cert *
judged_cert(const struct pt_fleet_phone *p, int j, ptrust_presented *which)
{
	switch (j) {
	case PT_FJ_CAPF_LSC:
		*which = PTRUST_PRESENTED_LSC;
		return p->lsc.evidence != PTRUST_FLEET_EVIDENCE_NONE ? &p->lsc :
		    NULL;
	case PT_FJ_CAPF_MIC:
		*which = PTRUST_PRESENTED_MIC;
		return p->mic.evidence != PTRUST_FLEET_EVIDENCE_NONE ? &p->mic :
		    NULL;
	default:
		if (p->lsc.evidence != PTRUST_FLEET_EVIDENCE_NONE) {
			*which = PTRUST_PRESENTED_LSC;
			return &p->lsc;
		}
		*which = PTRUST_PRESENTED_MIC;
		return p->mic.evidence != PTRUST_FLEET_EVIDENCE_NONE ? &p->mic :
		    NULL;
	}
}

int
pt_fleet_check_judgment(const struct pt_fleet_phone *p, ptrust_fleet_check c)
{
	int lsc = p->lsc.evidence != PTRUST_FLEET_EVIDENCE_NONE;
	int mic = p->mic.evidence != PTRUST_FLEET_EVIDENCE_NONE;

	switch (c) {
	case PTRUST_FLEET_CALLMANAGER_TLS:	return PT_FJ_CM;
	case PTRUST_FLEET_CAPF_LSC_FIRST:
	case PTRUST_FLEET_CAPF_MIC_FIRST:
		/* CAPF's own order (capf.c) */
		switch (pt_capf_pick(lsc, mic,
		    (ptrust_auth_mode)ptrust_fleet_check_auth_mode(c))) {
		case PTRUST_PRESENTED_LSC:	return PT_FJ_CAPF_LSC;
		case PTRUST_PRESENTED_MIC:	return PT_FJ_CAPF_MIC;
		default:			return -1;
		}
	case PTRUST_FLEET_8021X:		return PT_FJ_8021X;
	case PTRUST_FLEET_VPN:			return PT_FJ_VPN;
	default:				return -1;
	}
}

/* ------------------------------------------------------------- sides */

struct pt_fleet_side *
pt_fleet_side_ref(struct pt_fleet_side *s)
{
	if (s != NULL)
		atomic_fetch_add(&s->refs, 1);
	return s;
}

static void
snaps_clear(struct pt_fleet_snaps *n)
{
	int p;

	for (p = 0; p < 4; p++) {
		ptrust_store_unref(n->snap[p]);
		OPENSSL_free(n->why[p]);
	}
	memset(n, 0, sizeof(*n));
}

void
pt_fleet_side_unref(struct pt_fleet_side *s)
{
	size_t i;

	if (s == NULL || atomic_fetch_sub(&s->refs, 1) > 1)
		return;
	snaps_clear(&s->home);
	snaps_clear(&s->moved);
	OPENSSL_free(s->fv);
	OPENSSL_free(s->fp);
	OPENSSL_free(s->xfp);
	for (i = 0; i < s->n_fixes; i++)
		OPENSSL_free(s->fixes[i]);
	OPENSSL_free(s->fixes);
	pthread_mutex_destroy(&s->lock);
	ptrust_options_free(s->options);
	pt_applied_free(s->applied);
	OPENSSL_free(s);
}

/* A purpose without a store is not checked: its why says so. */
static ptrust_status
snaps_make(struct pt_fleet_snaps *n, ptrust_cluster *c, char *err)
{
	ptrust_status st;
	int p;

	n->cluster = c;
	for (p = 0; p < 4; p++) {
		if (ptrust_cluster_purpose_store(c, p) == NULL) {
			if ((n->why[p] = OPENSSL_strdup("no store is set for "
			    "this purpose")) == NULL)
				return PTRUST_ERR_NOMEM;
			continue;
		}
		if ((st = ptrust_cluster_snapshot(c, p, &n->snap[p])) !=
		    PTRUST_OK) {
			pt_seterr(err, "%s", ptrust_cluster_error(c));
			return st;
		}
	}
	return PTRUST_OK;
}

/* The interned copy of a fix text: many phones share one. */
static const char *
intern(struct pt_fleet_side *s, const char *text)
{
	const char *out = NULL;
	char **tmp, *copy;
	size_t i;

	if (text == NULL)
		return NULL;
	pthread_mutex_lock(&s->lock);
	/* the last few first: a run of phones shares its fix */
	for (i = s->n_fixes; i > 0 && i + 64 > s->n_fixes; i--)
		if (strcmp(s->fixes[i - 1], text) == 0) {
			out = s->fixes[i - 1];
			goto done;
		}
	if (s->n_fixes == s->cap_fixes) {
		size_t cap = s->cap_fixes ? 2 * s->cap_fixes : 64;

		if ((tmp = OPENSSL_realloc(s->fixes, cap * sizeof(*tmp))) ==
		    NULL)
			goto done;
		s->fixes = tmp;
		s->cap_fixes = cap;
	}
	if ((copy = OPENSSL_strdup(text)) == NULL)
		goto done;
	s->fixes[s->n_fixes++] = copy;
	out = copy;
done:
	pthread_mutex_unlock(&s->lock);
	return out;
}

/* -------------------------------------------------------------- memo */

static int
cmp_anchor(const void *a, const void *b)
{
	const ptrust_anchor *x = *(const ptrust_anchor *const *)a;
	const ptrust_anchor *y = *(const ptrust_anchor *const *)b;

	return strcmp(x->sha256, y->sha256);
}

/*
 * The memo key of a chain (by the names it holds) in a snapshot: the
 * anchors its building can reach, with their roles and stores, and the
 * store's name.  0: none (never reused).
 */
static uint64_t
footprint(const ptrust_store *s, const struct pt_fleet_cert *c, int named)
{
	unsigned long names[64];
	const ptrust_anchor **in;
	unsigned char *took;
	size_t n_names, n_in = 0, i, k;
	uint64_t h;
	int grew, ok, wide = 0;

	if (s == NULL || c->n_names == UINT32_MAX || c->n_names == 0)
		return 0;
	n_names = c->n_names;
	memcpy(names, c->names, n_names * sizeof(names[0]));
	if ((took = pt_calloc(s->n_anchors + 1, 1)) == NULL ||
	    (in = pt_calloc(s->n_anchors + 1, sizeof(*in))) == NULL) {
		OPENSSL_free(took);
		return 0;
	}
	do {
		grew = 0;
		for (i = 0; i < s->n_anchors; i++) {
			const ptrust_anchor *a = s->anchors[i];
			unsigned long ih;

			if (took[i])
				continue;
			for (k = 0; k < n_names; k++)
				if (names[k] == a->subject_hash)
					break;
			if (k == n_names)
				continue;
			took[i] = 1;
			in[n_in++] = a;
			grew = 1;
			ih = X509_NAME_hash_ex(X509_get_issuer_name(a->x509),
			    NULL, NULL, &ok);
			if (!ok || n_names == 64) {
				wide = 1;	/* too wide: no memo */
				goto out;
			}
			for (k = 0; k < n_names && names[k] != ih; k++)
				;
			if (k == n_names)
				names[n_names++] = ih;
		}
	} while (grew);
out:
	h = 0;
	if (!wide) {
		qsort(in, n_in, sizeof(*in), cmp_anchor);
		h = pt_fleet_hash(named ? s->name : "", named ?
		    strlen(s->name) + 1 : 1, 0);
		for (i = 0; i < n_in; i++) {
			const char *origin = pt_store_anchor_origin(s, in[i]);

			h = pt_fleet_hash(in[i]->sha256, 64, h);
			h = pt_fleet_hash(&in[i]->role, sizeof(in[i]->role), h);
			if (named && origin != NULL)
				h = pt_fleet_hash(origin, strlen(origin) + 1,
				    h);
		}
		if (h == 0)
			h = 1;
	}
	OPENSSL_free(took);
	OPENSSL_free(in);
	return h;
}

/* ----------------------------------------------------------- records */

/*
 * A record's verdict, built from names: the issuer matched by name among
 * the snapshot's anchors (one, else refused, never guessed), the dates
 * CUCM keeps checked, and the diagnosis and fix from the one table.
 */
static ptrust_status
record_verdict(const ptrust_store *snap, int purpose, const char *device,
    const struct pt_fleet_cert *c, ptrust_presented which, time_t at,
    ptrust_result **out)
{
	const ptrust_anchor *a = NULL;
	ptrust_result *r;
	char msg[PT_ERRLEN], when[32];
	size_t i;
	int n = 0, ok = 1;
	time_t until;

	*out = NULL;
	if ((r = pt_calloc(1, sizeof(*r))) == NULL)
		return PTRUST_ERR_NOMEM;
	r->store = ptrust_store_ref((ptrust_store *)snap);
	r->purpose = purpose;
	r->presented = which;
	r->evidence = PTRUST_EVIDENCE_NAME;
	if ((r->device = OPENSSL_strdup(device)) == NULL)
		goto nomem;
	for (i = 0; i < snap->n_anchors; i++) {
		const ptrust_anchor *x = snap->anchors[i];
		char *cn;
		size_t len;
		int named = strcasecmp(x->subject, c->issuer) == 0;

		if (!named && pt_subject_cn_len(x->x509, &cn, &len) > 0 &&
		    cn != NULL) {
			named = strlen(cn) == len && strcasecmp(cn,
			    c->issuer) == 0;
			OPENSSL_free(cn);
		}
		if (!named || (a != NULL && strcmp(a->sha256, x->sha256) == 0))
			continue;
		a = x;
		n++;
	}
	if (n != 1) {
		snprintf(msg, sizeof(msg), "CUCM's record names the issuer "
		    "\"%s\", %s of %s: matched by name only, not guessed",
		    c->issuer, n == 0 ? "the name of no anchor" :
		    "the name of several anchors", snap->name);
		ok = pt_result_add_reason_text(r, PTRUST_REASON_UNKNOWN_CA, 0,
		    NULL, msg);
		a = NULL;
	} else if (pt_role_kind(a->role) == PTRUST_KIND_UNKNOWN) {
		snprintf(msg, sizeof(msg), "the anchor %s (role %s) named by "
		    "the record issues neither LSCs nor MICs", a->alias,
		    ptrust_role_name(a->role));
		ok = pt_result_add_reason_text(r, PTRUST_REASON_UNKNOWN_KIND,
		    0, NULL, msg);
	} else {
		if (c->not_after != 0 && c->not_after < at) {
			pt_format_time(c->not_after, when, sizeof(when));
			snprintf(msg, sizeof(msg), "%s (notAfter %s, from "
			    "CUCM's record)", ptrust_reason_message(
			    PTRUST_REASON_EXPIRED), when);
			ok = pt_result_add_reason_text(r,
			    PTRUST_REASON_EXPIRED, 0, NULL, msg);
			if (ok)
				r->reasons[r->n_reasons - 1].at = c->not_after;
		}
		until = c->issuer_not_after != 0 &&
		    c->issuer_not_after < a->not_after ? c->issuer_not_after :
		    a->not_after;
		if (ok && until < at) {
			pt_format_time(until, when, sizeof(when));
			snprintf(msg, sizeof(msg), "the issuer %s expired "
			    "(notAfter %s)", a->alias, when);
			ok = pt_result_add_reason_text(r,
			    PTRUST_REASON_EXPIRED, 1, a->subject, msg);
			if (ok)
				r->reasons[r->n_reasons - 1].at = until;
		}
		if (ok && r->n_reasons == 0) {
			r->trusted = 1;
			r->kind = pt_role_kind(a->role);
			r->valid_until = c->not_after != 0 &&
			    c->not_after < until ? c->not_after : until;
			r->window_ok = 1;
		}
		r->anchor = a;
	}
	if (!ok)
		goto nomem;
	r->alert = r->trusted ? PTRUST_ALERT_NONE :
	    pt_alert_for_reasons(r->reasons, r->n_reasons);
	if (!r->trusted && (r->issuer = OPENSSL_strdup(c->issuer)) == NULL)
		goto nomem;
	if (!pt_diagnose(r))
		goto nomem;
	*out = r;
	return PTRUST_OK;
nomem:
	ptrust_result_free(r);
	return PTRUST_ERR_NOMEM;
}

/* ---------------------------------------------------------- judging */

/* A phone's certificate decoded for judging: leaf and intermediates. */
struct decoded {
	X509		*leaf;
	STACK_OF(X509)	*others;
};

static void
decoded_free(struct decoded *d)
{
	X509_free(d->leaf);
	sk_X509_free(d->others);	/* the fleet's intermediates */
	memset(d, 0, sizeof(*d));
}

static int
decode(const ptrust_fleet *f, const struct pt_fleet_cert *c,
    struct decoded *d)
{
	char err[PT_ERRLEN];
	uint32_t i;

	memset(d, 0, sizeof(*d));
	/* the thread's own library context: no lock shared with the others */
	if ((d->leaf = pt_parse_der_cert_ex(c->der, c->der_len, err,
	    "certificate", 0, pt_thread_libctx())) == NULL)
		return 0;
	pt_x509_settle(d->leaf);
	if (c->n_inter > 0) {
		if ((d->others = sk_X509_new_reserve(NULL, (int)c->n_inter)) ==
		    NULL) {
			decoded_free(d);
			return 0;
		}
		for (i = 0; i < c->n_inter; i++)
			sk_X509_push(d->others, f->inter[c->inter[i]].x509);
	}
	return 1;
}

/* One judgment, its full verdict: the one judging path, or a record's. */
static ptrust_status
judge(const ptrust_fleet *f, const struct pt_fleet_side *s,
    const struct pt_fleet_snaps *n, const struct pt_fleet_phone *p,
    int j, struct decoded *dec, ptrust_result **out)
{
	ptrust_cluster_purpose purpose = pt_fleet_judgment_purpose(j);
	const struct pt_fleet_cert *c;
	struct pt_presentation pr;
	ptrust_presented which;
	char why[PT_ERRLEN];

	*out = NULL;
	c = judged_cert(p, j, &which);
	if (n->snap[purpose] == NULL)
		return PTRUST_OK;
	if (c != NULL && c->evidence == PTRUST_FLEET_EVIDENCE_RECORD)
		return record_verdict(n->snap[purpose], (int)purpose,
		    p->device, c, which, s->at, out);
	memset(&pr, 0, sizeof(pr));
	pr.store = n->snap[purpose];
	pr.purpose = (int)purpose;
	pr.options = s->options;
	pr.device = p->device;
	if (c == NULL) {
		snprintf(why, sizeof(why), "phone %s has neither an LSC nor a "
		    "MIC to present", p->device);
		pr.why = why;
	} else {
		pr.leaf = dec->leaf;
		pr.others = dec->others;
		pr.claimed = c->claimed;
	}
	return pt_judge(&pr, out);
}

static void
to_fv(struct pt_fleet_side *s, struct pt_fv *fv, const ptrust_result *r,
    const struct pt_fleet_cert *c)
{
	memset(fv, 0, sizeof(*fv));
	fv->ok = r->trusted ? 1 : 0;
	fv->kind = (uint8_t)r->kind;
	fv->presented = (uint8_t)r->presented;
	fv->evidence = c != NULL ? (uint8_t)c->evidence :
	    PTRUST_FLEET_EVIDENCE_NONE;
	fv->reason = r->n_reasons > 0 ? (uint16_t)r->reasons[0].code : 0;
	fv->diagnosis = (uint16_t)r->diagnosis;
	fv->until = r->trusted && r->window_ok ? r->valid_until : 0;
	fv->anchor = r->anchor;
	fv->fix = intern(s, r->fix);
	fv->judged = 1;
}

struct work {
	const ptrust_fleet *f;
	struct pt_fleet_side *s;	/* judged */
	const struct pt_fleet_side *prev; /* the memo: before, or NULL */
	struct pt_fleet_side *s2;	/* then this, memo s (or NULL) */
	const struct pt_fleet_side *last; /* the last what-if's, a memo too */
	atomic_size_t	 next;
	atomic_size_t	 done;
	atomic_int	 failed;
	atomic_uint_fast64_t judged[2], reused[2];
};

/* Does the side b (before) hold this judgment's verdict for side s? */
static int
memo(const struct pt_fleet_side *b, const struct pt_fleet_side *s, size_t i,
    int j)
{
	size_t k = i * PT_FJ_COUNT + (size_t)j;

	return b != NULL && b->at == s->at && b->fp[k] != 0 &&
	    b->fp[k] == s->fp[k] && b->fv[k].ok >= 0;
}

/*
 * The verdict of judgment r, made for another purpose whose snapshot
 * offers the same chain the same anchors (fingerprints and roles): the
 * validation and the phone's rules came out the same, so r is turned into
 * that purpose's verdict where it is in place -- its purpose, its
 * snapshot, its anchor there -- and diagnosed again from the one fix
 * table.  0 when the anchor is not there (then judge it).
 */
static int
retarget(ptrust_result *r, const ptrust_store *snap, int purpose)
{
	const ptrust_anchor *a = NULL;

	if (r->anchor != NULL &&
	    (a = pt_store_anchor_by_sha256(snap, r->anchor->sha256)) == NULL)
		return 0;
	ptrust_store_unref(r->store);
	r->store = ptrust_store_ref((ptrust_store *)snap);
	r->anchor = a;
	r->purpose = purpose;
	OPENSSL_free(r->fix);
	r->fix = NULL;
	r->diagnosis = PTRUST_DIAG_NONE;
	return pt_diagnose(r) ? 1 : -1;
}

/*
 * Phone i on side s (memo: prev), its certificates decoded once into dec
 * for both sides; which: the counters of s.
 */
static int
phone_work(struct work *w, struct pt_fleet_side *s,
    const struct pt_fleet_side *prev, int which_side, size_t i,
    struct decoded *dec)
{
	const ptrust_fleet *f = w->f;
	const struct pt_fleet_phone *p = &f->phones[i];
	const struct pt_fleet_snaps *n = s->moved_phone != NULL &&
	    s->moved_phone[i] ? &s->moved : &s->home;
	const struct pt_fleet_cert *c;
	ptrust_presented which;
	ptrust_result *r, *kept[2] = { NULL, NULL };
	uint64_t kept_key[2] = { 0, 0 };
	int j, ok = 1;

	for (j = 0; ok && j < PT_FJ_COUNT; j++) {
		size_t k = i * PT_FJ_COUNT + (size_t)j;
		int m;

		struct pt_fv *fv = &s->fv[i * PT_FJ_COUNT + (size_t)j];
		struct decoded *d;

		fv->ok = -1;
		c = judged_cert(p, j, &which);
		if (n->snap[pt_fleet_judgment_purpose(j)] == NULL)
			continue;
		if (c == NULL && (j == PT_FJ_CAPF_LSC || j == PT_FJ_CAPF_MIC))
			continue;
		if (memo(prev, s, i, j)) {
			*fv = prev->fv[k];
			fv->judged = 0;
			atomic_fetch_add(&w->reused[which_side], 1);
			continue;
		}
		/*
		 * What-ifs come in series of neighbours: the last one's verdict
		 * holds too.  Its anchor and fix are taken into this side, which
		 * outlives that one.
		 */
		if (which_side == 0 && w->last != NULL && memo(w->last, s, i,
		    j)) {
			const struct pt_fv *o = &w->last->fv[k];
			const ptrust_anchor *a = NULL;
			const ptrust_store *snap =
			    n->snap[pt_fleet_judgment_purpose(j)];

			if (o->anchor == NULL || (a = pt_store_anchor_by_sha256(
			    snap, o->anchor->sha256)) != NULL) {
				*fv = *o;
				fv->anchor = a;
				fv->fix = o->fix != NULL ? intern(s, o->fix) :
				    NULL;
				fv->judged = 0;
				if (o->fix != NULL && fv->fix == NULL) {
					ok = 0;
					break;
				}
				atomic_fetch_add(&w->reused[which_side], 1);
				continue;
			}
		}
		m = which == PTRUST_PRESENTED_MIC;
		/* the same anchors as a purpose judged already: no signature */
		if (kept[m] != NULL && s->xfp[k] != 0 &&
		    kept_key[m] == s->xfp[k] && (ok = retarget(kept[m],
		    n->snap[pt_fleet_judgment_purpose(j)],
		    (int)pt_fleet_judgment_purpose(j))) != 0) {
			if (ok < 0) {
				ok = 0;
				break;
			}
			to_fv(s, fv, kept[m], c);
			fv->judged = 0;
			atomic_fetch_add(&w->reused[which_side], 1);
			continue;
		}
		ok = 1;
		d = &dec[m];
		if (c != NULL && c->evidence ==
		    PTRUST_FLEET_EVIDENCE_CERTIFICATE && d->leaf == NULL &&
		    !decode(f, c, d)) {
			ok = 0;
			break;
		}
		if (judge(f, s, n, p, j, d, &r) != PTRUST_OK || r == NULL) {
			ptrust_result_free(r);
			ok = 0;
			break;
		}
		to_fv(s, fv, r, c);
		atomic_fetch_add(&w->judged[which_side], 1);
		if (c != NULL && c->evidence ==
		    PTRUST_FLEET_EVIDENCE_CERTIFICATE && s->xfp[k] != 0) {
			ptrust_result_free(kept[m]);
			kept[m] = r;
			kept_key[m] = s->xfp[k];
		} else
			ptrust_result_free(r);
	}
	ptrust_result_free(kept[0]);
	ptrust_result_free(kept[1]);
	return ok;
}

#define CHUNK	64

/*
 * Take chunks of phones until none is left.  The calling thread (prog
 * set) tells the progress between its chunks, so no thread waits idle.
 */
static void
work_loop(struct work *w, int prog)
{
	const ptrust_fleet *f = w->f;
	size_t i, start, n = f->n_phones;

	while (!atomic_load(&w->failed)) {
		start = atomic_fetch_add(&w->next, CHUNK);
		if (start >= n)
			break;
		for (i = start; i < start + CHUNK && i < n; i++) {
			struct decoded dec[2];
			int ok;

			memset(dec, 0, sizeof(dec));
			ok = phone_work(w, w->s, w->prev, 0, i, dec) &&
			    (w->s2 == NULL || phone_work(w, w->s2, w->s, 1, i,
			    dec));
			decoded_free(&dec[0]);
			decoded_free(&dec[1]);
			if (!ok) {
				atomic_store(&w->failed, 1);
				break;
			}
		}
		atomic_fetch_add(&w->done, i - start);
		if (prog && f->progress != NULL)
			f->progress(f->progress_arg, atomic_load(&w->done) < n ?
			    atomic_load(&w->done) : n - 1, n);
	}
}

static void *
worker(void *arg)
{
	work_loop(arg, 0);
	return NULL;
}

static int
thread_count(const ptrust_fleet *f)
{
	long n;

	if (f->threads > 0)
		return f->threads;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Every phone of the side judged, by threads, this one among them. */
static ptrust_status
run(const ptrust_fleet *f, struct pt_fleet_side *s,
    const struct pt_fleet_side *prev, struct pt_fleet_side *s2)
{
	pthread_t tid[64];
	struct work w;
	int nt = thread_count(f), started = 0, i;

	memset(&w, 0, sizeof(w));
	w.f = f;
	w.s = s;
	w.prev = prev;
	w.s2 = s2;
	/* the last what-if's verdicts, when this one follows it */
	if (s2 == NULL && prev != NULL && f->last != NULL && f->last != s)
		w.last = f->last;
	if (f->n_phones < 2 * CHUNK)
		nt = 1;
	for (i = 0; i < nt - 1; i++) {
		if (pthread_create(&tid[i], NULL, worker, &w) != 0)
			break;	/* fewer threads: slower, not wrong */
		started++;
	}
	work_loop(&w, 1);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	s->judged = atomic_load(&w.judged[0]);
	s->reused = atomic_load(&w.reused[0]);
	if (s2 != NULL) {
		s2->judged = atomic_load(&w.judged[1]);
		s2->reused = atomic_load(&w.reused[1]);
	}
	if (atomic_load(&w.failed))
		return PTRUST_ERR_NOMEM;
	if (f->progress != NULL)
		f->progress(f->progress_arg, f->n_phones, f->n_phones);
	return PTRUST_OK;
}

/* Memo keys of every judgment, once per distinct chain shape. */
static int
keys(const ptrust_fleet *f, struct pt_fleet_side *s)
{
	struct cache { uint64_t names; int moved; int purpose; uint64_t fp, xfp; }
	    *tab = NULL;
	size_t cap = 0, used = 0, i;
	int j;

	for (i = 0; i < f->n_phones; i++) {
		const struct pt_fleet_phone *p = &f->phones[i];
		int moved = s->moved_phone != NULL && s->moved_phone[i];
		const struct pt_fleet_snaps *n = moved ? &s->moved : &s->home;

		for (j = 0; j < PT_FJ_COUNT; j++) {
			ptrust_presented which;
			const struct pt_fleet_cert *c = judged_cert(p, j,
			    &which);
			int purpose = (int)pt_fleet_judgment_purpose(j);
			size_t h, k;

			s->fp[i * PT_FJ_COUNT + (size_t)j] = 0;
			s->xfp[i * PT_FJ_COUNT + (size_t)j] = 0;
			if (c == NULL || c->evidence !=
			    PTRUST_FLEET_EVIDENCE_CERTIFICATE ||
			    c->names_key == 0 || n->snap[purpose] == NULL)
				continue;
			if (2 * (used + 1) > cap) {
				struct cache *nt;
				size_t ncap = cap ? 2 * cap : 256, m;

				if ((nt = pt_calloc(ncap, sizeof(*nt))) == NULL) {
					OPENSSL_free(tab);
					return 0;
				}
				for (m = 0; m < cap; m++) {
					if (tab[m].names == 0)
						continue;
					h = (size_t)(tab[m].names ^
					    (uint64_t)(tab[m].purpose * 31 +
					    tab[m].moved)) & (ncap - 1);
					while (nt[h].names != 0)
						h = (h + 1) & (ncap - 1);
					nt[h] = tab[m];
				}
				OPENSSL_free(tab);
				tab = nt;
				cap = ncap;
			}
			h = (size_t)(c->names_key ^ (uint64_t)(purpose * 31 +
			    moved)) & (cap - 1);
			for (k = h; tab[k].names != 0; k = (k + 1) & (cap - 1))
				if (tab[k].names == c->names_key &&
				    tab[k].purpose == purpose &&
				    tab[k].moved == moved)
					break;
			if (tab[k].names == 0) {
				tab[k].names = c->names_key;
				tab[k].purpose = purpose;
				tab[k].moved = moved;
				tab[k].fp = footprint(n->snap[purpose], c, 1);
				tab[k].xfp = footprint(n->snap[purpose], c, 0);
				used++;
			}
			s->fp[i * PT_FJ_COUNT + (size_t)j] = tab[k].fp;
			s->xfp[i * PT_FJ_COUNT + (size_t)j] = tab[k].xfp;
		}
	}
	OPENSSL_free(tab);
	return 1;
}

static time_t
base_time(const ptrust_fleet *f)
{
	if (f->options != NULL && f->options->has_time)
		return f->options->at;
	return time(NULL);
}

static ptrust_status
side_new(ptrust_fleet *f, time_t at, struct pt_fleet_side **out)
{
	struct pt_fleet_side *s;
	size_t n = f->n_phones > 0 ? f->n_phones : 1;

	*out = NULL;
	if ((s = pt_calloc(1, sizeof(*s))) == NULL)
		return PTRUST_ERR_NOMEM;
	atomic_init(&s->refs, 1);
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		OPENSSL_free(s);
		return PTRUST_ERR_NOMEM;
	}
	s->at = at;
	s->n_phones = f->n_phones;
	if ((s->fv = pt_calloc(n * PT_FJ_COUNT, sizeof(*s->fv))) == NULL ||
	    (s->fp = pt_calloc(n * PT_FJ_COUNT, sizeof(*s->fp))) == NULL ||
	    (s->xfp = pt_calloc(n * PT_FJ_COUNT, sizeof(*s->xfp))) == NULL ||
	    (s->options = f->options != NULL ? pt_options_dup(f->options) :
	    ptrust_options_new()) == NULL ||
	    ptrust_options_set_time(s->options, at) != PTRUST_OK) {
		pt_fleet_side_unref(s);
		return PTRUST_ERR_NOMEM;
	}
	/* each phone claims its own device */
	ptrust_options_set_device(s->options, NULL);
	*out = s;
	return PTRUST_OK;
}

ptrust_status
pt_fleet_side_make(ptrust_fleet *f, const ptrust_fleet_change *change,
    struct pt_fleet_side **out)
{
	struct pt_fleet_side *s = NULL, *b = NULL;
	struct pt_applied *a = NULL;
	ptrust_status st;

	*out = NULL;
	if (f->cluster == NULL) {
		pt_seterr(f->err, "no cluster");
		return PTRUST_ERR_ARG;
	}
	/* the "before" side, made once: set up now, judged below */
	if (f->before == NULL) {
		if ((st = side_new(f, base_time(f), &b)) != PTRUST_OK)
			goto nomem;
		if ((st = snaps_make(&b->home, f->cluster, f->err)) !=
		    PTRUST_OK)
			goto fail;
		if (!keys(f, b))
			goto nomem;
	}
	if (change == NULL) {
		if (b != NULL) {
			if ((st = run(f, b, NULL, NULL)) != PTRUST_OK)
				goto fail;
			f->before = b;
		}
		*out = pt_fleet_side_ref(f->before);
		return PTRUST_OK;
	}
	if ((st = pt_change_apply(f, change, &a)) != PTRUST_OK) {
		pt_seterr(f->err, "%s", a != NULL ? a->err : "out of memory");
		pt_applied_free(a);
		goto out;
	}
	if ((st = side_new(f, a->has_time ? a->at : b != NULL ? b->at :
	    f->before->at, &s)) != PTRUST_OK) {
		pt_applied_free(a);
		goto nomem;
	}
	s->applied = a;
	s->moved_phone = a->moved_phone;
	if ((st = snaps_make(&s->home, a->home, f->err)) != PTRUST_OK ||
	    (a->moved != NULL && (st = snaps_make(&s->moved, a->moved,
	    f->err)) != PTRUST_OK))
		goto fail;
	if (!keys(f, s))
		goto nomem;
	/* both sides in one pass when before is new: one decoding a phone */
	if ((st = b != NULL ? run(f, b, NULL, s) : run(f, s, f->before,
	    NULL)) != PTRUST_OK)
		goto fail;
	if (b != NULL)
		f->before = b;
	pt_fleet_side_unref(f->last);
	f->last = pt_fleet_side_ref(s);
	*out = s;
	return PTRUST_OK;
nomem:
	st = PTRUST_ERR_NOMEM;
fail:
	if (st == PTRUST_ERR_NOMEM)
		pt_seterr(f->err, "out of memory");
out:
	pt_fleet_side_unref(s);
	pt_fleet_side_unref(b);
	return st;
}

ptrust_status
pt_fleet_rejudge(const ptrust_fleet *f, const struct pt_fleet_side *s,
    size_t i, int j, ptrust_result **out)
{
	const struct pt_fleet_phone *p = &f->phones[i];
	const struct pt_fleet_snaps *n = s->moved_phone != NULL &&
	    s->moved_phone[i] ? &s->moved : &s->home;
	const struct pt_fleet_cert *c;
	ptrust_presented which;
	struct decoded d;
	ptrust_status st;

	*out = NULL;
	if (s->fv[i * PT_FJ_COUNT + (size_t)j].ok < 0)
		return PTRUST_OK;
	memset(&d, 0, sizeof(d));
	c = judged_cert(p, j, &which);
	if (c != NULL && c->evidence == PTRUST_FLEET_EVIDENCE_CERTIFICATE &&
	    !decode(f, c, &d))
		return PTRUST_ERR_NOMEM;
	st = judge(f, s, n, p, j, &d, out);
	decoded_free(&d);
	return st;
}
