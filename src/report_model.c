/* The report's model: see report.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

const char *
report_kind_name(enum report_kind k)
{
	switch (k) {
	case REPORT_LSC:	return "lsc";
	case REPORT_MIC:	return "mic";
	default:		break;
	}
	return "none";
}

struct report *
report_new(void)
{
	return calloc(1, sizeof(struct report));
}

void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->npurposes; i++)
		free(r->purposes[i].name);
	for (i = 0; i < r->nactions; i++) {
		free(r->actions[i].device);
		free(r->actions[i].purpose);
		free(r->actions[i].diagnosis);
		free(r->actions[i].fix);
		free(r->actions[i].evidence);
	}
	for (i = 0; i < r->nsteps; i++) {
		free(r->steps[i].kind);
		free(r->steps[i].text);
		free(r->steps[i].store);
		free(r->steps[i].anchor);
	}
	for (i = 0; i < r->ndiags; i++) {
		free(r->diags[i].diagnosis);
		free(r->diags[i].counts);
	}
	free(r->diags);
	free(r->purposes);
	free(r->months);
	free(r->actions);
	free(r->steps);
	free(r->cluster);
	free(r->fleet);
	free(r->change);
	free(r);
}

/*
 * Room for one more element of size sz in *v (holding *n, room for *cap);
 * the new element zeroed, or NULL.  Doubling keeps 40,000 phones cheap.
 */
static void *
grow(void **v, size_t *n, size_t *cap, size_t sz)
{
	void *p;
	size_t c;

	if (*n == *cap) {
		c = *cap != 0 ? *cap * 2 : 16;
		if (c < *cap || c > (size_t)-1 / sz ||
		    (p = realloc(*v, c * sz)) == NULL)
			return NULL;
		*v = p;
		*cap = c;
	}
	p = (char *)*v + *n * sz;
	memset(p, 0, sz);
	(*n)++;
	return p;
}

/*
 * The room an array of n elements has: grow() always allocates 16, then
 * doubles, so the capacity follows from the count and needs no field.
 */
static size_t
cap_of(size_t n)
{
	size_t c = 16;

	if (n == 0)
		return 0;
	while (c < n)
		c *= 2;
	return c;
}

struct report_purpose *
report_add_purpose(struct report *r, const char *name)
{
	struct report_purpose *p;
	size_t cap = cap_of(r->npurposes);
	char *copy;

	if ((copy = strdup(name)) == NULL)
		return NULL;
	if ((p = grow((void **)&r->purposes, &r->npurposes, &cap,
	    sizeof(*p))) == NULL) {
		free(copy);
		return NULL;
	}
	p->name = copy;
	return p;
}

struct report_phone *
report_add_phone(struct report *r)
{
	size_t cap = cap_of(r->nactions);

	return grow((void **)&r->actions, &r->nactions, &cap,
	    sizeof(struct report_phone));
}

struct report_step *
report_add_step(struct report *r)
{
	size_t cap = cap_of(r->nsteps);

	return grow((void **)&r->steps, &r->nsteps, &cap,
	    sizeof(struct report_step));
}

struct report_month *
report_month_at(struct report *r, int year, int month)
{
	struct report_month *m;
	size_t i, cap = cap_of(r->nmonths);
	long key = (long)year * 12 + month - 1, k;

	for (i = 0; i < r->nmonths; i++) {
		k = (long)r->months[i].year * 12 + r->months[i].month - 1;
		if (k == key)
			return &r->months[i];
		if (k > key)
			break;
	}
	if (grow((void **)&r->months, &r->nmonths, &cap, sizeof(*m)) ==
	    NULL)
		return NULL;
	/* in order: open a slot at i */
	memmove(&r->months[i + 1], &r->months[i],
	    (r->nmonths - 1 - i) * sizeof(*m));
	m = &r->months[i];
	memset(m, 0, sizeof(*m));
	m->year = year;
	m->month = month;
	return m;
}

struct report_month *
report_month_of(struct report *r, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return NULL;
	return report_month_at(r, tm.tm_year + 1900, tm.tm_mon + 1);
}

size_t
report_broken(const struct report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->npurposes; i++)
		n += r->purposes[i].broken;
	return n;
}

/* Distinct devices among the actions (the rows come grouped or not). */
static int
cmp_str(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strcmp(x != NULL ? x : "", y != NULL ? y : "");
}

int
report_phones_needing_action(const struct report *r, size_t *out)
{
	const char **v;
	size_t i, n = 0;

	*out = 0;
	if (r->nactions == 0)
		return 0;
	if ((v = calloc(r->nactions, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < r->nactions; i++)
		v[i] = r->actions[i].device;
	qsort(v, r->nactions, sizeof(*v), cmp_str);
	for (i = 0; i < r->nactions; i++)
		if (i == 0 || cmp_str(&v[i - 1], &v[i]) != 0)
			n++;
	free(v);
	*out = n;
	return 0;
}

int
report_summarise(struct report *r)
{
	struct report_diag *d;
	size_t i, k, p, cap = 0;
	const char *why;

	for (i = 0; i < r->nactions; i++) {
		why = r->actions[i].diagnosis != NULL ?
		    r->actions[i].diagnosis : "-";
		/* few distinct diagnoses: a linear search is enough */
		for (k = 0; k < r->ndiags; k++)
			if (strcmp(r->diags[k].diagnosis, why) == 0)
				break;
		if (k == r->ndiags) {
			cap = cap_of(r->ndiags);
			if ((d = grow((void **)&r->diags, &r->ndiags, &cap,
			    sizeof(*d))) == NULL)
				return -1;
			if ((d->diagnosis = strdup(why)) == NULL ||
			    (d->counts = calloc(r->npurposes + 1,
			    sizeof(size_t))) == NULL) {
				free(d->diagnosis);
				r->ndiags--;
				return -1;
			}
		}
		d = &r->diags[k];
		d->total++;
		for (p = 0; p < r->npurposes; p++)
			if (r->actions[i].purpose != NULL &&
			    strcmp(r->purposes[p].name,
			    r->actions[i].purpose) == 0) {
				d->counts[p]++;
				break;
			}
	}
	return 0;
}
