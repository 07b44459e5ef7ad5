/*
 * A plan: the fleet judged before and after a change, the totals, what
 * each phone needs before the change, and the safe order of operations
 * with the phones that still block each removal.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "change.h"

struct step {
	ptrust_fleet_step_kind kind;
	char		*store, *anchor, *text;
	size_t		*blocking;
	size_t		 n_blocking;
};

struct ptrust_fleet_plan {
	const ptrust_fleet *fleet;
	struct pt_fleet_side *side[2];
	size_t		 n;
	uint64_t	 judged, reused;
	unsigned char	*need;
	char		**need_text;
	struct step	*steps;
	size_t		 n_steps;
	size_t		 totals[PTRUST_FLEET_CHECK_COUNT][2]
			    [PTRUST_FLEET_TOTAL_COUNT];
	_Atomic(ptrust_result *) *lazy;	/* [side][phone][judgment] */
};

const char *
ptrust_fleet_check_name(ptrust_fleet_check c)
{
	switch (c) {
	case PTRUST_FLEET_CALLMANAGER_TLS:	return "callmanager-tls";
	case PTRUST_FLEET_CAPF_LSC_FIRST:	return "capf-lsc-first";
	case PTRUST_FLEET_CAPF_MIC_FIRST:	return "capf-mic-first";
	case PTRUST_FLEET_CAPF_AUTH_STRING:	return "capf-auth-string";
	case PTRUST_FLEET_CAPF_NULL_STRING:	return "capf-null-string";
	case PTRUST_FLEET_8021X:		return "802.1x";
	case PTRUST_FLEET_VPN:			return "vpn";
	}
	return NULL;
}

int
ptrust_fleet_check_from_name(const char *name, ptrust_fleet_check *c)
{
	int i;

	if (name == NULL || c == NULL)
		return -1;
	for (i = 0; i < PTRUST_FLEET_CHECK_COUNT; i++)
		if (strcmp(name, ptrust_fleet_check_name(i)) == 0) {
			*c = (ptrust_fleet_check)i;
			return 0;
		}
	return -1;
}

ptrust_cluster_purpose
ptrust_fleet_check_purpose(ptrust_fleet_check c)
{
	switch (c) {
	case PTRUST_FLEET_CALLMANAGER_TLS:	return PTRUST_CLUSTER_CALLMANAGER_TLS;
	case PTRUST_FLEET_8021X:		return PTRUST_CLUSTER_8021X;
	case PTRUST_FLEET_VPN:			return PTRUST_CLUSTER_VPN;
	default:				return PTRUST_CLUSTER_CAPF;
	}
}

int
ptrust_fleet_check_auth_mode(ptrust_fleet_check c)
{
	switch (c) {
	case PTRUST_FLEET_CAPF_LSC_FIRST:	return PTRUST_AUTH_LSC_FIRST;
	case PTRUST_FLEET_CAPF_MIC_FIRST:	return PTRUST_AUTH_MIC_FIRST;
	case PTRUST_FLEET_CAPF_AUTH_STRING:	return PTRUST_AUTH_STRING;
	case PTRUST_FLEET_CAPF_NULL_STRING:	return PTRUST_AUTH_NULL_STRING;
	default:				return -1;
	}
}

const char *
ptrust_fleet_total_name(ptrust_fleet_total t)
{
	switch (t) {
	case PTRUST_FLEET_TOTAL_OK:		return "ok";
	case PTRUST_FLEET_TOTAL_REFUSED:	return "refused";
	case PTRUST_FLEET_TOTAL_LSC:		return "lsc";
	case PTRUST_FLEET_TOTAL_MIC:		return "mic";
	case PTRUST_FLEET_TOTAL_NONE:		return "none";
	case PTRUST_FLEET_TOTAL_RECORD:		return "record";
	case PTRUST_FLEET_TOTAL_BREAKS:		return "breaks";
	case PTRUST_FLEET_TOTAL_FIXED:		return "fixed";
	}
	return NULL;
}

const char *
ptrust_fleet_need_name(ptrust_fleet_need n)
{
	switch (n) {
	case PTRUST_FLEET_NEED_NOTHING:		return "nothing";
	case PTRUST_FLEET_NEED_LSC_BY_MIC:	return "lsc-by-mic";
	case PTRUST_FLEET_NEED_LSC_BY_LSC:	return "lsc-by-lsc";
	case PTRUST_FLEET_NEED_LSC_BY_STRING:	return "lsc-by-string";
	case PTRUST_FLEET_NEED_UNFIXABLE:	return "unfixable";
	}
	return NULL;
}

const char *
ptrust_fleet_step_kind_name(ptrust_fleet_step_kind k)
{
	switch (k) {
	case PTRUST_FLEET_STEP_ADD_ANCHOR:	return "add-anchor";
	case PTRUST_FLEET_STEP_REISSUE:		return "reissue-lsc";
	case PTRUST_FLEET_STEP_REMOVE_ANCHOR:	return "remove-anchor";
	case PTRUST_FLEET_STEP_OTHER:		return "other";
	}
	return NULL;
}

/* ------------------------------------------------------------ access */

static const struct pt_fv *
fv_of(const ptrust_fleet_plan *p, size_t i, ptrust_fleet_check c, int side,
    int *j)
{
	*j = pt_fleet_check_judgment(&p->fleet->phones[i], c);
	if (*j < 0)
		return NULL;
	return &p->side[side]->fv[i * PT_FJ_COUNT + (size_t)*j];
}

static int
valid(const ptrust_fleet_plan *p, size_t i, ptrust_fleet_check c,
    ptrust_fleet_side side)
{
	return p != NULL && i < p->n && ptrust_fleet_check_name(c) != NULL &&
	    (side == PTRUST_FLEET_BEFORE || side == PTRUST_FLEET_AFTER);
}

/* The judgment behind a verdict of the plan, NULL when none was made. */
static const struct pt_fv *
judged(const ptrust_fleet_plan *p, size_t i, ptrust_fleet_check c,
    ptrust_fleet_side side, int *j)
{
	const struct pt_fv *fv;

	if (!valid(p, i, c, side) || (fv = fv_of(p, i, c, side, j)) == NULL ||
	    fv->ok < 0)
		return NULL;
	return fv;
}

/* Is CAPF checked at all for phone i on that side? */
static int
capf_used(const ptrust_fleet_plan *p, size_t i, int side)
{
	const struct pt_fleet_side *s = p->side[side];
	const struct pt_fleet_snaps *n = s->moved_phone != NULL &&
	    s->moved_phone[i] ? &s->moved : &s->home;

	return n->snap[PTRUST_CLUSTER_CAPF] != NULL;
}

int
ptrust_fleet_plan_ok(const ptrust_fleet_plan *p, size_t i,
    ptrust_fleet_check c, ptrust_fleet_side side)
{
	const struct pt_fv *fv;
	int j;

	if (!valid(p, i, c, side))
		return -1;
	if (c == PTRUST_FLEET_CAPF_AUTH_STRING ||
	    c == PTRUST_FLEET_CAPF_NULL_STRING)
		return capf_used(p, i, side) ? 1 : -1;
	if ((fv = fv_of(p, i, c, side, &j)) == NULL)
		/* no certificate to authenticate with: Invalid Credentials */
		return capf_used(p, i, side) ? 0 : -1;
	return fv->ok;
}

ptrust_fleet_evidence
ptrust_fleet_plan_evidence(const ptrust_fleet_plan *p, size_t i,
    ptrust_fleet_check c, ptrust_fleet_side side)
{
	const struct pt_fv *fv;
	int j;

	if ((fv = judged(p, i, c, side, &j)) == NULL)
		return PTRUST_FLEET_EVIDENCE_NONE;
	return (ptrust_fleet_evidence)fv->evidence;
}

ptrust_presented
ptrust_fleet_plan_presented(const ptrust_fleet_plan *p, size_t i,
    ptrust_fleet_check c, ptrust_fleet_side side)
{
	const struct pt_fv *fv;
	int j;

	if ((fv = judged(p, i, c, side, &j)) == NULL)
		return PTRUST_PRESENTED_NONE;
	return (ptrust_presented)fv->presented;
}

ptrust_reason_code
ptrust_fleet_plan_reason(const ptrust_fleet_plan *p, size_t i,
    ptrust_fleet_check c, ptrust_fleet_side side)
{
	const struct pt_fv *fv;
	int j;

	if ((fv = judged(p, i, c, side, &j)) == NULL)
		return 0;
	return (ptrust_reason_code)fv->reason;
}

ptrust_diagnosis
ptrust_fleet_plan_diagnosis(const ptrust_fleet_plan *p, size_t i,
    ptrust_fleet_check c, ptrust_fleet_side side)
{
	const struct pt_fv *fv;
	int j;

	if ((fv = judged(p, i, c, side, &j)) == NULL)
		return PTRUST_DIAG_NONE;
	return (ptrust_diagnosis)fv->diagnosis;
}

const char *
ptrust_fleet_plan_fix(const ptrust_fleet_plan *p, size_t i,
    ptrust_fleet_check c, ptrust_fleet_side side)
{
	const struct pt_fv *fv;
	int j;

	if (!valid(p, i, c, side))
		return NULL;
	if ((c == PTRUST_FLEET_CAPF_LSC_FIRST ||
	    c == PTRUST_FLEET_CAPF_MIC_FIRST) && fv_of(p, i, c, side, &j) ==
	    NULL && capf_used(p, i, side))
		return pt_capf_no_credentials_fix;
	if ((fv = fv_of(p, i, c, side, &j)) == NULL || fv->ok != 0)
		return NULL;
	return fv->fix;
}

const char *
ptrust_fleet_plan_capf_status(const ptrust_fleet_plan *p, size_t i,
    ptrust_fleet_check c, ptrust_fleet_side side)
{
	const struct pt_fv *fv;
	int ok, j;

	if (!valid(p, i, c, side) || ptrust_fleet_check_auth_mode(c) < 0 ||
	    (ok = ptrust_fleet_plan_ok(p, i, c, side)) < 0)
		return NULL;
	if (ok)
		return pt_capf_install_status(1, PTRUST_PRESENTED_NONE);
	fv = fv_of(p, i, c, side, &j);
	return pt_capf_install_status(0, fv == NULL ? PTRUST_PRESENTED_NONE :
	    j == PT_FJ_CAPF_LSC ? PTRUST_PRESENTED_LSC : PTRUST_PRESENTED_MIC);
}

const ptrust_result *
ptrust_fleet_plan_result(const ptrust_fleet_plan *pc, size_t i,
    ptrust_fleet_check c, ptrust_fleet_side side)
{
	ptrust_fleet_plan *p = (ptrust_fleet_plan *)pc;
	ptrust_result *r = NULL, *expected = NULL;
	const struct pt_fv *fv;
	size_t k;
	int j;

	if ((fv = judged(p, i, c, side, &j)) == NULL)
		return NULL;
	k = ((size_t)side * p->n + i) * PT_FJ_COUNT + (size_t)j;
	if ((r = atomic_load(&p->lazy[k])) != NULL)
		return r;
	if (pt_fleet_rejudge(p->fleet, p->side[side], i, j, &r) != PTRUST_OK ||
	    r == NULL) {
		ptrust_result_free(r);
		return NULL;
	}
	/* another thread may have made it meanwhile: keep one */
	if (!atomic_compare_exchange_strong(&p->lazy[k], &expected, r)) {
		ptrust_result_free(r);
		return expected;
	}
	return r;
}

struct pt_fleet_side *
pt_fleet_plan_side(const ptrust_fleet_plan *p, int side)
{
	return p->side[side];
}

int
ptrust_fleet_plan_changed(const ptrust_fleet_plan *p, size_t i,
    ptrust_fleet_check c)
{
	int b, a;

	if (!valid(p, i, c, PTRUST_FLEET_BEFORE))
		return 0;
	b = ptrust_fleet_plan_ok(p, i, c, PTRUST_FLEET_BEFORE);
	a = ptrust_fleet_plan_ok(p, i, c, PTRUST_FLEET_AFTER);
	return b == 1 && a == 0 ? 1 : b == 0 && a == 1 ? 2 : 0;
}

time_t
ptrust_fleet_plan_time(const ptrust_fleet_plan *p, ptrust_fleet_side side)
{
	if (p == NULL || (side != PTRUST_FLEET_BEFORE &&
	    side != PTRUST_FLEET_AFTER))
		return 0;
	return p->side[side]->at;
}

void
ptrust_fleet_plan_stats(const ptrust_fleet_plan *p, uint64_t *judged,
    uint64_t *reused)
{
	if (judged != NULL)
		*judged = p != NULL ? p->judged : 0;
	if (reused != NULL)
		*reused = p != NULL ? p->reused : 0;
}

size_t
ptrust_fleet_plan_phone_count(const ptrust_fleet_plan *p)
{
	return p != NULL ? p->n : 0;
}

const char *
ptrust_fleet_plan_device(const ptrust_fleet_plan *p, size_t i)
{
	return p != NULL && i < p->n ? p->fleet->phones[i].device : NULL;
}

int
ptrust_fleet_plan_check_used(const ptrust_fleet_plan *p,
    ptrust_fleet_check c, ptrust_fleet_side side)
{
	const struct pt_fleet_side *s;
	ptrust_cluster_purpose pu = ptrust_fleet_check_purpose(c);

	if (p == NULL || ptrust_fleet_check_name(c) == NULL ||
	    (side != PTRUST_FLEET_BEFORE && side != PTRUST_FLEET_AFTER))
		return 0;
	s = p->side[side];
	return s->home.snap[pu] != NULL || s->moved.snap[pu] != NULL;
}

size_t
ptrust_fleet_plan_total(const ptrust_fleet_plan *p, ptrust_fleet_check c,
    ptrust_fleet_side side, ptrust_fleet_total t)
{
	if (p == NULL || ptrust_fleet_check_name(c) == NULL ||
	    (side != PTRUST_FLEET_BEFORE && side != PTRUST_FLEET_AFTER) ||
	    ptrust_fleet_total_name(t) == NULL)
		return 0;
	return p->totals[c][side][t];
}

time_t
ptrust_fleet_plan_usable_until(const ptrust_fleet_plan *p, size_t i,
    ptrust_fleet_side side)
{
	const struct pt_fv *fv;
	time_t best = 0;
	int j;

	if (p == NULL || i >= p->n || (side != PTRUST_FLEET_BEFORE &&
	    side != PTRUST_FLEET_AFTER))
		return 0;
	/* registering with it, or getting a new LSC by it */
	for (j = 0; j < PT_FJ_COUNT; j++) {
		if (j == PT_FJ_8021X || j == PT_FJ_VPN)
			continue;
		fv = &p->side[side]->fv[i * PT_FJ_COUNT + (size_t)j];
		if (fv->ok == 1 && fv->until > best)
			best = fv->until;
	}
	return best;
}

ptrust_fleet_need
ptrust_fleet_plan_need(const ptrust_fleet_plan *p, size_t i)
{
	return p != NULL && i < p->n ? (ptrust_fleet_need)p->need[i] :
	    PTRUST_FLEET_NEED_NOTHING;
}

const char *
ptrust_fleet_plan_need_text(const ptrust_fleet_plan *p, size_t i)
{
	return p != NULL && i < p->n ? p->need_text[i] : NULL;
}

size_t
ptrust_fleet_plan_step_count(const ptrust_fleet_plan *p)
{
	return p != NULL ? p->n_steps : 0;
}

ptrust_fleet_step_kind
ptrust_fleet_plan_step_kind(const ptrust_fleet_plan *p, size_t k)
{
	return p != NULL && k < p->n_steps ? p->steps[k].kind : 0;
}

const char *
ptrust_fleet_plan_step_store(const ptrust_fleet_plan *p, size_t k)
{
	return p != NULL && k < p->n_steps ? p->steps[k].store : NULL;
}

const char *
ptrust_fleet_plan_step_anchor(const ptrust_fleet_plan *p, size_t k)
{
	return p != NULL && k < p->n_steps ? p->steps[k].anchor : NULL;
}

const char *
ptrust_fleet_plan_step_text(const ptrust_fleet_plan *p, size_t k)
{
	return p != NULL && k < p->n_steps ? p->steps[k].text : NULL;
}

size_t
ptrust_fleet_plan_step_blocking_count(const ptrust_fleet_plan *p, size_t k)
{
	return p != NULL && k < p->n_steps ? p->steps[k].n_blocking : 0;
}

size_t
ptrust_fleet_plan_step_blocking_phone(const ptrust_fleet_plan *p, size_t k,
    size_t b)
{
	if (p == NULL || k >= p->n_steps || b >= p->steps[k].n_blocking)
		return (size_t)-1;
	return p->steps[k].blocking[b];
}

void
ptrust_fleet_plan_free(ptrust_fleet_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; p->lazy != NULL && i < 2 * p->n * PT_FJ_COUNT; i++)
		ptrust_result_free(atomic_load(&p->lazy[i]));
	OPENSSL_free(p->lazy);
	for (i = 0; p->need_text != NULL && i < p->n; i++)
		OPENSSL_free(p->need_text[i]);
	OPENSSL_free(p->need_text);
	OPENSSL_free(p->need);
	for (i = 0; i < p->n_steps; i++) {
		OPENSSL_free(p->steps[i].store);
		OPENSSL_free(p->steps[i].anchor);
		OPENSSL_free(p->steps[i].text);
		OPENSSL_free(p->steps[i].blocking);
	}
	OPENSSL_free(p->steps);
	pt_fleet_side_unref(p->side[0]);
	pt_fleet_side_unref(p->side[1]);
	OPENSSL_free(p);
}

/* ---------------------------------------------------------- building */

static void
count(ptrust_fleet_plan *p)
{
	size_t i;
	int c, s;

	for (i = 0; i < p->n; i++)
		for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++) {
			int ch = ptrust_fleet_plan_changed(p, i, c);

			for (s = 0; s < 2; s++) {
				size_t *t = p->totals[c][s];
				int ok = ptrust_fleet_plan_ok(p, i, c, s);
				ptrust_presented pr =
				    ptrust_fleet_plan_presented(p, i, c, s);

				if (ok < 0)
					continue;
				t[ok ? PTRUST_FLEET_TOTAL_OK :
				    PTRUST_FLEET_TOTAL_REFUSED]++;
				if (ok && pr == PTRUST_PRESENTED_LSC)
					t[PTRUST_FLEET_TOTAL_LSC]++;
				if (ok && pr == PTRUST_PRESENTED_MIC)
					t[PTRUST_FLEET_TOTAL_MIC]++;
				if (ptrust_fleet_check_auth_mode(c) !=
				    PTRUST_AUTH_STRING &&
				    ptrust_fleet_check_auth_mode(c) !=
				    PTRUST_AUTH_NULL_STRING &&
				    pr == PTRUST_PRESENTED_NONE)
					t[PTRUST_FLEET_TOTAL_NONE]++;
				if (ptrust_fleet_plan_evidence(p, i, c, s) ==
				    PTRUST_FLEET_EVIDENCE_RECORD)
					t[PTRUST_FLEET_TOTAL_RECORD]++;
				if (ch == 1)
					t[PTRUST_FLEET_TOTAL_BREAKS]++;
				if (ch == 2)
					t[PTRUST_FLEET_TOTAL_FIXED]++;
			}
		}
}

/*
 * Does the change break phone i: registering, 802.1x or VPN, or every way
 * CAPF could authenticate it by a certificate (one mode left will do).
 */
static int
broken(const ptrust_fleet_plan *p, size_t i)
{
	static const ptrust_fleet_check direct[] = {
		PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_8021X,
		PTRUST_FLEET_VPN };
	size_t k;
	int before, after;

	for (k = 0; k < sizeof(direct) / sizeof(direct[0]); k++)
		if (ptrust_fleet_plan_changed(p, i, direct[k]) == 1)
			return 1;
	before = ptrust_fleet_plan_ok(p, i, PTRUST_FLEET_CAPF_LSC_FIRST,
	    PTRUST_FLEET_BEFORE) == 1 || ptrust_fleet_plan_ok(p, i,
	    PTRUST_FLEET_CAPF_MIC_FIRST, PTRUST_FLEET_BEFORE) == 1;
	after = ptrust_fleet_plan_ok(p, i, PTRUST_FLEET_CAPF_LSC_FIRST,
	    PTRUST_FLEET_AFTER) == 1 || ptrust_fleet_plan_ok(p, i,
	    PTRUST_FLEET_CAPF_MIC_FIRST, PTRUST_FLEET_AFTER) == 1;
	return before && !after;
}

/* Does the after side's callmanager-tls trust any issuer of LSCs? */
static int
lsc_issuer_after(const ptrust_fleet_plan *p, size_t i)
{
	const struct pt_fleet_side *s = p->side[PTRUST_FLEET_AFTER];
	const struct pt_fleet_snaps *n = s->moved_phone != NULL &&
	    s->moved_phone[i] ? &s->moved : &s->home;
	const ptrust_store *st = n->snap[PTRUST_CLUSTER_CALLMANAGER_TLS];
	size_t k;

	if (s->applied != NULL && s->applied->pending_issuer)
		return 1;

	for (k = 0; st != NULL && k < st->n_anchors; k++)
		if (pt_role_kind(st->anchors[k]->role) == PTRUST_KIND_LSC &&
		    st->anchors[k]->not_after > s->at)
			return 1;
	return 0;
}

static int
needs(ptrust_fleet_plan *p)
{
	char buf[2048];
	size_t i;

	if ((p->need = pt_calloc(p->n + 1, 1)) == NULL ||
	    (p->need_text = pt_calloc(p->n + 1, sizeof(char *))) == NULL)
		return 0;
	for (i = 0; i < p->n; i++) {
		const char *dev = p->fleet->phones[i].device;
		const struct pt_fleet_side *b = p->side[PTRUST_FLEET_BEFORE];
		const struct pt_fv *mic = &b->fv[i * PT_FJ_COUNT +
		    PT_FJ_CAPF_MIC], *lsc = &b->fv[i * PT_FJ_COUNT +
		    PT_FJ_CAPF_LSC];
		ptrust_fleet_need n;

		if (!broken(p, i))
			continue;
		if (!lsc_issuer_after(p, i)) {
			n = PTRUST_FLEET_NEED_UNFIXABLE;
			snprintf(buf, sizeof(buf), "After the change nothing "
			    "%s trusts for callmanager-tls issues LSCs that "
			    "are valid then: a new LSC cannot save %s. Import "
			    "the certificate of the issuer of its new LSC "
			    "(CAPF or the enterprise CA) first.", "the cluster",
			    dev);
		} else if (mic->ok == 1) {
			n = PTRUST_FLEET_NEED_LSC_BY_MIC;
			snprintf(buf, sizeof(buf), "Give %s a new LSC before the "
			    "change: CAPF operation Install/Upgrade, "
			    "authentication By Existing Certificate (precedence "
			    "to MIC). Its MIC is valid in capf-trust, so nobody "
			    "has to touch the phone, and only the phone holding "
			    "that MIC's key can get the LSC.", dev);
		} else if (lsc->ok == 1) {
			n = PTRUST_FLEET_NEED_LSC_BY_LSC;
			snprintf(buf, sizeof(buf), "Give %s a new LSC before the "
			    "change: CAPF operation Install/Upgrade, "
			    "authentication By Existing Certificate (precedence "
			    "to LSC), while capf-trust still trusts the issuer "
			    "of its current LSC (its MIC is %s). Do it before "
			    "that issuer leaves capf-trust; nobody has to touch "
			    "the phone.", dev, mic->ok < 0 ? "unknown or "
			    "missing" : "refused");
		} else {
			n = PTRUST_FLEET_NEED_LSC_BY_STRING;
			snprintf(buf, sizeof(buf), "%s has no certificate CAPF "
			    "accepts: give it a new LSC By Authentication "
			    "String (someone types a one-time 4-10 digit "
			    "string on the phone: a visit or the user's help, "
			    "but only who knows the string gets the LSC), or "
			    "By Null String (nothing to type, but while the "
			    "operation is pending CAPF issues the LSC to "
			    "whatever device asks in that name: only on a "
			    "network you trust, and set the mode back "
			    "afterwards).", dev);
		}
		p->need[i] = (unsigned char)n;
		if ((p->need_text[i] = pt_text_escape(OPENSSL_strdup(buf))) ==
		    NULL)
			return 0;
	}
	return 1;
}

static struct step *
add_step(ptrust_fleet_plan *p, ptrust_fleet_step_kind kind,
    const char *store, const char *anchor, const char *text)
{
	struct step *tmp, *s;

	if ((tmp = OPENSSL_realloc(p->steps, (p->n_steps + 1) *
	    sizeof(*tmp))) == NULL)
		return NULL;
	p->steps = tmp;
	s = &tmp[p->n_steps];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	if ((store != NULL && (s->store = OPENSSL_strdup(store)) == NULL) ||
	    (anchor != NULL && (s->anchor = OPENSSL_strdup(anchor)) == NULL) ||
	    (s->text = pt_text_escape(OPENSSL_strdup(text))) == NULL) {
		OPENSSL_free(s->store);
		OPENSSL_free(s->anchor);
		return NULL;
	}
	p->n_steps++;
	return s;
}

static int
block(struct step *s, size_t i)
{
	size_t *tmp;

	if ((tmp = OPENSSL_realloc(s->blocking, (s->n_blocking + 1) *
	    sizeof(*tmp))) == NULL)
		return 0;
	s->blocking = tmp;
	s->blocking[s->n_blocking++] = i;
	return 1;
}

/* Does a check of phone i lean on this store, and break without it? */
static int
blocks(const ptrust_fleet_plan *p, size_t i, const char *store,
    const char *sha256)
{
	const struct pt_fleet_side *b = p->side[PTRUST_FLEET_BEFORE];
	const struct pt_fv *fv;
	int c, j;

	for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++) {
		ptrust_cluster_purpose pu = ptrust_fleet_check_purpose(c);
		const char *ps = ptrust_cluster_purpose_store(b->home.cluster,
		    pu);

		if (ptrust_fleet_plan_changed(p, i, c) != 1 ||
		    (fv = fv_of(p, i, c, PTRUST_FLEET_BEFORE, &j)) == NULL ||
		    fv->anchor == NULL)
			continue;
		if (ps == NULL || (strcmp(ps, store) != 0 &&
		    !(strcmp(store, "manufacturing-ca") == 0 &&
		    (pu == PTRUST_CLUSTER_CALLMANAGER_TLS ||
		    pu == PTRUST_CLUSTER_CAPF))))
			continue;
		if (sha256 == NULL || strcmp(fv->anchor->sha256, sha256) == 0)
			return 1;
	}
	return 0;
}

/* CAPF-trust last: by it the phones get their new LSCs. */
static int
removal_rank(const char *store)
{
	return strcmp(store, "capf-trust") == 0 ? 2 :
	    strcmp(store, "manufacturing-ca") == 0 ? 1 : 0;
}

static int
steps(ptrust_fleet_plan *p)
{
	const struct pt_applied *a = p->side[PTRUST_FLEET_AFTER]->applied;
	char text[1024];
	size_t i, k, needing = 0;
	struct step *s;
	int rank;

	if (a == NULL)
		return 1;
	for (k = 0; k < a->n_ops; k++) {
		const struct pt_op *o = &a->ops[k];

		if (o->kind != PT_STEP_ADD)
			continue;
		snprintf(text, sizeof(text), "Import %s into %s (role %s), "
		    "before anything is removed.", o->alias, o->store,
		    ptrust_role_name(o->role));
		if (add_step(p, PTRUST_FLEET_STEP_ADD_ANCHOR, o->store,
		    o->alias, text) == NULL)
			return 0;
	}
	for (i = 0; i < p->n; i++)
		needing += p->need[i] != PTRUST_FLEET_NEED_NOTHING;
	if (needing > 0) {
		snprintf(text, sizeof(text), "Give %zu phone%s a new LSC from "
		    "the issuer the cluster will trust (each phone's need "
		    "says how CAPF can authenticate it), and check that each "
		    "registers with it.", needing, needing == 1 ? "" : "s");
		if ((s = add_step(p, PTRUST_FLEET_STEP_REISSUE, NULL, NULL,
		    text)) == NULL)
			return 0;
		for (i = 0; i < p->n; i++)
			if (p->need[i] != PTRUST_FLEET_NEED_NOTHING &&
			    !block(s, i))
				return 0;
	}
	for (rank = 0; rank < 3; rank++)
		for (k = 0; k < a->n_ops; k++) {
			const struct pt_op *o = &a->ops[k];

			if (o->kind != PT_STEP_REMOVE ||
			    removal_rank(o->store) != rank)
				continue;
			snprintf(text, sizeof(text), "Remove %s from %s%s, "
			    "once no phone blocks it.", o->alias, o->store,
			    strcmp(o->store, "callmanager-trust") == 0 ?
			    " (then restart the Cisco CallManager service)" :
			    strcmp(o->store, "capf-trust") == 0 ?
			    " (then restart the CAPF service)" : "");
			if ((s = add_step(p, PTRUST_FLEET_STEP_REMOVE_ANCHOR,
			    o->store, o->alias, text)) == NULL)
				return 0;
			for (i = 0; i < p->n; i++)
				if (blocks(p, i, o->store, o->sha256) &&
				    !block(s, i))
					return 0;
		}
	for (k = 0; k < a->n_ops; k++) {
		const struct pt_op *o = &a->ops[k];

		if (o->kind == PT_STEP_ADD || o->kind == PT_STEP_REMOVE)
			continue;
		switch (o->kind) {
		case PT_STEP_MFG_OFF:
			snprintf(text, sizeof(text), "Stop trusting the "
			    "manufacturing CAs for callmanager-tls and capf, "
			    "once no phone blocks it.");
			break;
		case PT_STEP_CISCO_OFF:
			snprintf(text, sizeof(text), "Disable the Cisco CA %s "
			    "(set cert default-ca-list disable), once no phone "
			    "blocks it.", o->alias);
			break;
		case PT_STEP_MOVE:
			snprintf(text, sizeof(text), "Move the phones to the "
			    "cluster %s, once no phone blocks it.", o->alias);
			break;
		default:
			snprintf(text, sizeof(text), "On the date judged, the "
			    "phones blocking this step no longer work: renew "
			    "their certificates before it.");
			break;
		}
		if ((s = add_step(p, PTRUST_FLEET_STEP_OTHER, o->store, NULL,
		    text)) == NULL)
			return 0;
		for (i = 0; i < p->n; i++)
			if (broken(p, i) && !block(s, i))
				return 0;
	}
	return 1;
}

ptrust_status
ptrust_fleet_evaluate(ptrust_fleet *f, const ptrust_fleet_change *change,
    ptrust_fleet_plan **out)
{
	ptrust_fleet_plan *p;
	ptrust_status st;

	if (out != NULL)
		*out = NULL;
	if (f == NULL || out == NULL)
		return PTRUST_ERR_ARG;
	if ((p = pt_calloc(1, sizeof(*p))) == NULL) {
		pt_seterr(f->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	p->fleet = f;
	p->n = f->n_phones;
	/* after first: a new before side is judged in the same pass */
	if ((st = pt_fleet_side_make(f, change, &p->side[1])) != PTRUST_OK ||
	    (st = pt_fleet_side_make(f, NULL, &p->side[0])) != PTRUST_OK) {
		ptrust_fleet_plan_free(p);
		return st;
	}
	p->judged = change != NULL ? p->side[1]->judged : p->side[0]->judged;
	p->reused = change != NULL ? p->side[1]->reused : p->side[0]->reused;
	if ((p->lazy = pt_calloc(2 * (p->n + 1) * PT_FJ_COUNT,
	    sizeof(*p->lazy))) == NULL || !needs(p) || !steps(p)) {
		ptrust_fleet_plan_free(p);
		pt_seterr(f->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	count(p);
	*out = p;
	return PTRUST_OK;
}
