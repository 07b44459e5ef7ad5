/*
 * Expiry: when each certificate of the fleet and of the stores ends, month
 * by month, and on which dates phones lose their last usable certificate
 * (the end of the validity window of the verdicts that accept them: the
 * phone's own notAfter counts, not only its CA's).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "change.h"

struct event {
	time_t		 at;
	ptrust_fleet_item item;
	char		*subject;
	char		*store;
	size_t		 phones;
	char		 sha256[65];	/* intermediates and anchors */
};

struct loss {
	time_t		 at;
	size_t		*phones;
	size_t		 n;
};

struct ptrust_fleet_timeline {
	const ptrust_fleet *fleet;
	int		 y0, m0;
	size_t		 n_months;
	size_t		(*ending)[PTRUST_FLEET_ITEM_COUNT];
	size_t		*losing;
	struct event	*events;
	size_t		 n_events, cap_events;
	struct loss	*losses;
	size_t		 n_losses;
};

const char *
ptrust_fleet_item_name(ptrust_fleet_item i)
{
	switch (i) {
	case PTRUST_FLEET_ITEM_LSC:		return "lsc";
	case PTRUST_FLEET_ITEM_MIC:		return "mic";
	case PTRUST_FLEET_ITEM_INTERMEDIATE:	return "intermediate";
	case PTRUST_FLEET_ITEM_ANCHOR:		return "anchor";
	}
	return NULL;
}

void
ptrust_fleet_timeline_free(ptrust_fleet_timeline *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n_events; i++) {
		OPENSSL_free(t->events[i].subject);
		OPENSSL_free(t->events[i].store);
	}
	OPENSSL_free(t->events);
	for (i = 0; i < t->n_losses; i++)
		OPENSSL_free(t->losses[i].phones);
	OPENSSL_free(t->losses);
	OPENSSL_free(t->ending);
	OPENSSL_free(t->losing);
	OPENSSL_free(t);
}

static struct event *
event(ptrust_fleet_timeline *t, time_t at, ptrust_fleet_item item,
    const char *subject, const char *store, const char *sha256)
{
	struct event *tmp, *e;

	if (t->n_events == t->cap_events) {
		size_t cap = t->cap_events ? 2 * t->cap_events : 64;

		if ((tmp = OPENSSL_realloc(t->events, cap * sizeof(*tmp))) ==
		    NULL)
			return NULL;
		t->events = tmp;
		t->cap_events = cap;
	}
	e = &t->events[t->n_events];
	memset(e, 0, sizeof(*e));
	e->at = at;
	e->item = item;
	if ((e->subject = OPENSSL_strdup(subject != NULL ? subject : "")) ==
	    NULL || (store != NULL && (e->store = OPENSSL_strdup(store)) ==
	    NULL)) {
		OPENSSL_free(e->subject);
		return NULL;
	}
	if (sha256 != NULL)
		memcpy(e->sha256, sha256, 65);
	t->n_events++;
	return e;
}

static int
cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->item != y->item)
		return (int)x->item - (int)y->item;
	return strcmp(x->subject, y->subject);
}

/* Months since year 0, from a time. */
static long
month_of(time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	return (long)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static int
leaf_subject(const struct pt_fleet_phone *p, const struct pt_fleet_cert *c,
    char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s, %s)", p->device, c == &p->lsc ? "LSC" :
	    "MIC", c->evidence == PTRUST_FLEET_EVIDENCE_RECORD ? "record" :
	    "certificate");
	return 1;
}

/* How many phones' chains carry intermediate k. */
static size_t
inter_phones(const ptrust_fleet *f, size_t k)
{
	size_t i, n = 0;
	uint32_t m;

	for (i = 0; i < f->n_phones; i++) {
		const struct pt_fleet_phone *p = &f->phones[i];
		int found = 0;

		for (m = 0; m < p->lsc.n_inter; m++)
			found |= p->lsc.inter[m] == k;
		for (m = 0; m < p->mic.n_inter; m++)
			found |= p->mic.inter[m] == k;
		n += found;
	}
	return n;
}

/* How many phones have a verdict (after) ending in anchor sha256. */
static size_t
anchor_phones(const ptrust_fleet *f, const struct pt_fleet_side *s,
    const char *sha256)
{
	size_t i, n = 0;
	int j;

	for (i = 0; i < f->n_phones; i++)
		for (j = 0; j < PT_FJ_COUNT; j++) {
			const struct pt_fv *fv = &s->fv[i * PT_FJ_COUNT +
			    (size_t)j];

			if (fv->anchor != NULL &&
			    strcmp(fv->anchor->sha256, sha256) == 0) {
				n++;
				break;
			}
		}
	return n;
}

static int
cmp_time(const void *a, const void *b)
{
	const time_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

ptrust_status
ptrust_fleet_timeline_new(ptrust_fleet *f, const ptrust_fleet_change *change,
    time_t from, int months, ptrust_fleet_timeline **out)
{
	ptrust_fleet_timeline *t = NULL;
	ptrust_fleet_plan *plan = NULL;
	struct pt_fleet_side *s = NULL;
	ptrust_cluster *c;
	ptrust_status st;
	time_t *until = NULL;
	char buf[256];
	size_t i, k, n;
	long m0, last;

	if (out != NULL)
		*out = NULL;
	if (f == NULL || out == NULL || months < 0 || months > 6000)
		return PTRUST_ERR_ARG;
	if (months == 0)
		months = 600;
	if ((st = ptrust_fleet_evaluate(f, change, &plan)) != PTRUST_OK)
		return st;
	if ((t = pt_calloc(1, sizeof(*t))) == NULL)
		goto nomem;
	t->fleet = f;
	/* the side judged: after the change when there is one */
	s = pt_fleet_side_ref(pt_fleet_plan_side(plan, PTRUST_FLEET_AFTER));
	c = s->applied != NULL ? s->applied->home : f->cluster;
	for (i = 0; i < f->n_phones; i++) {
		const struct pt_fleet_phone *p = &f->phones[i];
		const struct pt_fleet_cert *cs[2] = { &p->lsc, &p->mic };

		for (k = 0; k < 2; k++) {
			struct event *e;

			if (cs[k]->evidence == PTRUST_FLEET_EVIDENCE_NONE ||
			    cs[k]->not_after == 0)
				continue;
			leaf_subject(p, cs[k], buf, sizeof(buf));
			if ((e = event(t, cs[k]->not_after, k == 0 ?
			    PTRUST_FLEET_ITEM_LSC : PTRUST_FLEET_ITEM_MIC, buf,
			    NULL, NULL)) == NULL)
				goto nomem;
			e->phones = 1;
		}
	}
	for (k = 0; k < f->n_inter; k++) {
		struct event *e;
		char *subj;
		time_t end;

		if (!pt_asn1_time_to_time_t(X509_get0_notAfter(
		    f->inter[k].x509), &end))
			continue;
		if ((subj = pt_name_string(X509_get_subject_name(
		    f->inter[k].x509))) == NULL)
			goto nomem;
		e = event(t, end, PTRUST_FLEET_ITEM_INTERMEDIATE, subj, NULL,
		    f->inter[k].sha256);
		OPENSSL_free(subj);
		if (e == NULL)
			goto nomem;
		e->phones = inter_phones(f, k);
	}
	for (k = 0; k < ptrust_cluster_store_count(c); k++) {
		const char *name = ptrust_cluster_store_name(c, k);
		ptrust_builder *b = ptrust_cluster_store(c, name, 0);

		for (n = 0; b != NULL && n < ptrust_builder_anchor_count(b);
		    n++) {
			const ptrust_anchor *a = ptrust_builder_anchor(b, n);
			struct event *e;

			if ((e = event(t, a->not_after, PTRUST_FLEET_ITEM_ANCHOR,
			    a->subject, name, a->sha256)) == NULL)
				goto nomem;
			e->phones = anchor_phones(f, s, a->sha256);
		}
	}
	if (t->n_events > 1)
		qsort(t->events, t->n_events, sizeof(*t->events), cmp_event);
	/* the months, from from's to the last end (at most months) */
	m0 = month_of(from);
	last = m0;
	for (i = 0; i < t->n_events; i++)
		if (month_of(t->events[i].at) > last)
			last = month_of(t->events[i].at);
	if (last - m0 + 1 > months)
		last = m0 + months - 1;
	t->y0 = (int)(m0 / 12);
	t->m0 = (int)(m0 % 12) + 1;
	t->n_months = (size_t)(last - m0 + 1);
	if ((t->ending = pt_calloc(t->n_months, sizeof(*t->ending))) == NULL ||
	    (t->losing = pt_calloc(t->n_months, sizeof(*t->losing))) == NULL)
		goto nomem;
	for (i = 0; i < t->n_events; i++) {
		long m = month_of(t->events[i].at) - m0;

		if (t->events[i].at >= from && m >= 0 &&
		    (size_t)m < t->n_months)
			t->ending[m][t->events[i].item]++;
	}
	/* the dates phones lose their last usable certificate */
	if ((until = pt_calloc(f->n_phones + 1, sizeof(*until))) == NULL)
		goto nomem;
	for (i = 0; i < f->n_phones; i++)
		until[i] = ptrust_fleet_plan_usable_until(plan, i,
		    change != NULL ? PTRUST_FLEET_AFTER : PTRUST_FLEET_BEFORE);
	{
		time_t *dates;
		size_t nd = 0;

		if ((dates = pt_calloc(f->n_phones + 1, sizeof(*dates))) ==
		    NULL)
			goto nomem;
		for (i = 0; i < f->n_phones; i++)
			if (until[i] >= from && until[i] != 0)
				dates[nd++] = until[i];
		if (nd > 1)
			qsort(dates, nd, sizeof(*dates), cmp_time);
		for (i = 0; i < nd; i++) {
			struct loss *l, *tmp;
			size_t p;

			if (i > 0 && dates[i] == dates[i - 1])
				continue;
			if ((tmp = OPENSSL_realloc(t->losses, (t->n_losses + 1) *
			    sizeof(*tmp))) == NULL) {
				OPENSSL_free(dates);
				goto nomem;
			}
			t->losses = tmp;
			l = &tmp[t->n_losses++];
			memset(l, 0, sizeof(*l));
			l->at = dates[i];
			for (p = 0; p < f->n_phones; p++) {
				size_t *ph;

				if (until[p] != dates[i])
					continue;
				if ((ph = OPENSSL_realloc(l->phones, (l->n + 1) *
				    sizeof(*ph))) == NULL) {
					OPENSSL_free(dates);
					goto nomem;
				}
				l->phones = ph;
				l->phones[l->n++] = p;
			}
			{
				long m = month_of(l->at) - m0;

				if (m >= 0 && (size_t)m < t->n_months)
					t->losing[m] += l->n;
			}
		}
		OPENSSL_free(dates);
	}
	OPENSSL_free(until);
	pt_fleet_side_unref(s);
	ptrust_fleet_plan_free(plan);
	*out = t;
	return PTRUST_OK;
nomem:
	st = PTRUST_ERR_NOMEM;
	pt_seterr(f->err, "out of memory");
	OPENSSL_free(until);
	pt_fleet_side_unref(s);
	ptrust_fleet_plan_free(plan);
	ptrust_fleet_timeline_free(t);
	return st;
}

size_t
ptrust_fleet_timeline_month_count(const ptrust_fleet_timeline *t)
{
	return t != NULL ? t->n_months : 0;
}

void
ptrust_fleet_timeline_month(const ptrust_fleet_timeline *t, size_t m,
    int *year, int *mon)
{
	long v;

	if (t == NULL || m >= t->n_months) {
		if (year != NULL)
			*year = 0;
		if (mon != NULL)
			*mon = 0;
		return;
	}
	v = (long)t->y0 * 12 + (t->m0 - 1) + (long)m;
	if (year != NULL)
		*year = (int)(v / 12);
	if (mon != NULL)
		*mon = (int)(v % 12) + 1;
}

size_t
ptrust_fleet_timeline_ending(const ptrust_fleet_timeline *t, size_t m,
    ptrust_fleet_item item)
{
	if (t == NULL || m >= t->n_months || ptrust_fleet_item_name(item) ==
	    NULL)
		return 0;
	return t->ending[m][item];
}

size_t
ptrust_fleet_timeline_losing(const ptrust_fleet_timeline *t, size_t m)
{
	return t != NULL && m < t->n_months ? t->losing[m] : 0;
}

size_t
ptrust_fleet_timeline_event_count(const ptrust_fleet_timeline *t)
{
	return t != NULL ? t->n_events : 0;
}

time_t
ptrust_fleet_timeline_event_time(const ptrust_fleet_timeline *t, size_t e)
{
	return t != NULL && e < t->n_events ? t->events[e].at : 0;
}

ptrust_fleet_item
ptrust_fleet_timeline_event_item(const ptrust_fleet_timeline *t, size_t e)
{
	return t != NULL && e < t->n_events ? t->events[e].item : 0;
}

const char *
ptrust_fleet_timeline_event_subject(const ptrust_fleet_timeline *t, size_t e)
{
	return t != NULL && e < t->n_events ? t->events[e].subject : NULL;
}

const char *
ptrust_fleet_timeline_event_store(const ptrust_fleet_timeline *t, size_t e)
{
	return t != NULL && e < t->n_events ? t->events[e].store : NULL;
}

size_t
ptrust_fleet_timeline_event_phones(const ptrust_fleet_timeline *t, size_t e)
{
	return t != NULL && e < t->n_events ? t->events[e].phones : 0;
}

size_t
ptrust_fleet_timeline_loss_count(const ptrust_fleet_timeline *t)
{
	return t != NULL ? t->n_losses : 0;
}

time_t
ptrust_fleet_timeline_loss_time(const ptrust_fleet_timeline *t, size_t l)
{
	return t != NULL && l < t->n_losses ? t->losses[l].at : 0;
}

size_t
ptrust_fleet_timeline_loss_phone_count(const ptrust_fleet_timeline *t,
    size_t l)
{
	return t != NULL && l < t->n_losses ? t->losses[l].n : 0;
}

const char *
ptrust_fleet_timeline_loss_device(const ptrust_fleet_timeline *t, size_t l,
    size_t i)
{
	if (t == NULL || l >= t->n_losses || i >= t->losses[l].n)
		return NULL;
	return t->fleet->phones[t->losses[l].phones[i]].device;
}
