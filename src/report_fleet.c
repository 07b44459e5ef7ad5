/*
 * What report and check ask of the fleet library (<phonetrust-fleet.h>):
 * a fleet read from inventory files, its problems told on standard error,
 * and the report's model filled from a plan and a timeline.  Nothing here
 * judges: every verdict, total, need and date is the library's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-fleet.h>

#include "cli.h"
#include "input.h"
#include "names.h"
#include "report.h"
#include "report_fleet.h"

/* The checks a report shows: those that look at a certificate. */
static const ptrust_fleet_check shown[] = {
	PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_CAPF_LSC_FIRST,
	PTRUST_FLEET_CAPF_MIC_FIRST, PTRUST_FLEET_8021X, PTRUST_FLEET_VPN
};
#define NSHOWN	(sizeof(shown) / sizeof(shown[0]))

/* A line of progress on a terminal only: scripts and cron get none. */
static void
progress(void *arg, size_t done, size_t total)
{
	const char *cmd = arg;

	fprintf(stderr, "\rphonetrust %s: judging phones %zu/%zu", cmd, done,
	    total);
	if (done == total)
		fputc('\n', stderr);
}

/*
 * A problem of the inventory, one line on stderr in one write (stderr is
 * unbuffered: 40,000 bad rows must not cost a system call a character),
 * what came from the file shown as \XX where unsafe on a terminal.
 */
static void
tell_problem(const char *cmd, const ptrust_fleet *fl, size_t i)
{
	char *file = text_escape(ptrust_fleet_problem_file(fl, i));
	char *msg = text_escape(ptrust_fleet_problem_message(fl, i));
	char line[32] = "";
	size_t n;

	if ((n = ptrust_fleet_problem_line(fl, i)) != 0)
		snprintf(line, sizeof(line), ":%zu", n);
	fprintf(stderr, "phonetrust %s: %s%s: %s: %s\n", cmd,
	    file != NULL ? file : "?", line, ptrust_fleet_problem_code_name(
	    ptrust_fleet_problem(fl, i)), msg != NULL ? msg : "?");
	free(file);
	free(msg);
}

int
rf_open(const char *cmd, ptrust_cluster **cluster, char **paths, size_t n,
    ptrust_fleet_format format, time_t at, int allow_sha1, int quiet,
    ptrust_fleet **out, size_t *problems)
{
	ptrust_fleet *fl;
	ptrust_options *o = NULL;
	size_t i;
	int rc = CLI_USAGE;

	*out = NULL;
	*problems = 0;
	if ((fl = ptrust_fleet_new()) == NULL)
		return cli_fail(cmd, NULL, "out of memory");
	if (ptrust_fleet_set_cluster(fl, *cluster) != PTRUST_OK) {
		cli_fail(cmd, NULL, ptrust_fleet_error(fl));
		goto done;
	}
	*cluster = NULL;	/* the fleet's now */
	if (at != 0 || allow_sha1) {
		if ((o = ptrust_options_new()) == NULL ||
		    (at != 0 && ptrust_options_set_time(o, at) != PTRUST_OK) ||
		    (allow_sha1 && ptrust_options_insecure_allow_sha1(o, 1) !=
		    PTRUST_OK) ||
		    ptrust_fleet_set_options(fl, o) != PTRUST_OK) {
			cli_fail(cmd, NULL, "out of memory");
			goto done;
		}
	}
	if (!quiet && isatty(STDERR_FILENO))
		ptrust_fleet_set_progress(fl, progress, (void *)cmd);
	for (i = 0; i < n; i++)
		if (ptrust_fleet_load(fl, paths[i], format) != PTRUST_OK) {
			cli_fail(cmd, paths[i], ptrust_fleet_error(fl));
			goto done;
		}
	/* bad rows are skipped, never silently */
	*problems = ptrust_fleet_problem_count(fl);
	for (i = 0; !quiet && i < *problems; i++)
		tell_problem(cmd, fl, i);
	*out = fl;
	fl = NULL;
	rc = CLI_OK;
done:
	ptrust_options_free(o);
	ptrust_fleet_free(fl);
	return rc;
}

static enum report_kind
kind_of(ptrust_presented p)
{
	return p == PTRUST_PRESENTED_LSC ? REPORT_LSC :
	    p == PTRUST_PRESENTED_MIC ? REPORT_MIC : REPORT_NONE;
}

static int
set_str(char **slot, const char *s)
{
	if (s == NULL)
		return 0;
	return (*slot = strdup(s)) != NULL ? 0 : -1;
}

/* "diagnosis" and, for CAPF, CUCM's words: "... (Upgrade Failed: ...)". */
static int
set_why(char **slot, const char *diag, const char *capf)
{
	size_t len;

	if (capf == NULL)
		return set_str(slot, diag);
	len = strlen(diag) + strlen(capf) + 4;
	if ((*slot = malloc(len)) == NULL)
		return -1;
	snprintf(*slot, len, "%s (%s)", diag, capf);
	return 0;
}

static int
fill_purposes(struct report *r, const ptrust_fleet_plan *plan, int change)
{
	struct report_purpose *p;
	ptrust_fleet_check c;
	size_t i;
	int s;

	for (i = 0; i < NSHOWN; i++) {
		c = shown[i];
		if (!ptrust_fleet_plan_check_used(plan, c, PTRUST_FLEET_BEFORE) &&
		    !ptrust_fleet_plan_check_used(plan, c, PTRUST_FLEET_AFTER))
			continue;
		if ((p = report_add_purpose(r, ptrust_fleet_check_name(c))) ==
		    NULL)
			return -1;
		for (s = PTRUST_FLEET_BEFORE; s <= PTRUST_FLEET_AFTER; s++) {
			size_t *k = s == PTRUST_FLEET_BEFORE ? p->before :
			    p->after;

			k[REPORT_LSC] = ptrust_fleet_plan_total(plan, c, s,
			    PTRUST_FLEET_TOTAL_LSC);
			k[REPORT_MIC] = ptrust_fleet_plan_total(plan, c, s,
			    PTRUST_FLEET_TOTAL_MIC);
			k[REPORT_NONE] = ptrust_fleet_plan_total(plan, c, s,
			    PTRUST_FLEET_TOTAL_REFUSED);
		}
		if (change) {
			p->broken = ptrust_fleet_plan_total(plan, c,
			    PTRUST_FLEET_AFTER, PTRUST_FLEET_TOTAL_BREAKS);
			p->fixed = ptrust_fleet_plan_total(plan, c,
			    PTRUST_FLEET_AFTER, PTRUST_FLEET_TOTAL_FIXED);
		}
	}
	return 0;
}

static int
fill_steps(struct report *r, const ptrust_fleet_plan *plan,
    unsigned char *blocks)
{
	struct report_step *s;
	size_t i, k, n = ptrust_fleet_plan_phone_count(plan), ph;

	for (i = 0; i < ptrust_fleet_plan_step_count(plan); i++) {
		if ((s = report_add_step(r)) == NULL ||
		    set_str(&s->kind, ptrust_fleet_step_kind_name(
		    ptrust_fleet_plan_step_kind(plan, i))) != 0 ||
		    set_str(&s->text, ptrust_fleet_plan_step_text(plan, i)) !=
		    0 ||
		    set_str(&s->store, ptrust_fleet_plan_step_store(plan, i)) !=
		    0 ||
		    set_str(&s->anchor, ptrust_fleet_plan_step_anchor(plan,
		    i)) != 0)
			return -1;
		s->blocking = ptrust_fleet_plan_step_blocking_count(plan, i);
		for (k = 0; k < s->blocking; k++)
			if ((ph = ptrust_fleet_plan_step_blocking_phone(plan, i,
			    k)) < n)
				blocks[ph] = 1;
	}
	return 0;
}

/* One row per phone and check refused now, or broken by the change. */
static int
fill_actions(struct report *r, const ptrust_fleet_plan *plan, int change,
    const unsigned char *blocks)
{
	struct report_phone *a;
	ptrust_fleet_check c;
	ptrust_fleet_side side;
	size_t ph, i, n = ptrust_fleet_plan_phone_count(plan);
	const char *fix, *capf;
	int okb, oka;

	for (ph = 0; ph < n; ph++) {
		for (i = 0; i < NSHOWN; i++) {
			c = shown[i];
			okb = ptrust_fleet_plan_ok(plan, ph, c,
			    PTRUST_FLEET_BEFORE);
			oka = change ? ptrust_fleet_plan_ok(plan, ph, c,
			    PTRUST_FLEET_AFTER) : okb;
			if (okb != 0 && oka != 0)
				continue;	/* fine, or not checked */
			side = okb == 0 ? PTRUST_FLEET_BEFORE :
			    PTRUST_FLEET_AFTER;
			if ((a = report_add_phone(r)) == NULL)
				return -1;
			a->before = okb == 1 ? kind_of(
			    ptrust_fleet_plan_presented(plan, ph, c,
			    PTRUST_FLEET_BEFORE)) : REPORT_NONE;
			a->after = oka == 1 ? kind_of(
			    ptrust_fleet_plan_presented(plan, ph, c,
			    PTRUST_FLEET_AFTER)) : REPORT_NONE;
			/* broken by the change: what it needs beforehand */
			fix = NULL;
			if (okb == 1 && oka == 0)
				fix = ptrust_fleet_plan_need_text(plan, ph);
			if (fix == NULL)
				fix = ptrust_fleet_plan_fix(plan, ph, c, side);
			capf = ptrust_fleet_plan_capf_status(plan, ph, c, side);
			if (set_str(&a->device, ptrust_fleet_plan_device(plan,
			    ph)) != 0 ||
			    set_str(&a->purpose, ptrust_fleet_check_name(c)) !=
			    0 ||
			    set_why(&a->diagnosis, ptrust_diagnosis_name(
			    ptrust_fleet_plan_diagnosis(plan, ph, c, side)),
			    capf) != 0 ||
			    set_str(&a->fix, fix) != 0 ||
			    set_str(&a->evidence, ptrust_fleet_evidence_name(
			    ptrust_fleet_plan_evidence(plan, ph, c, side))) != 0)
				return -1;
			a->last_usable = ptrust_fleet_plan_usable_until(plan, ph,
			    PTRUST_FLEET_BEFORE);
			a->blocks = blocks[ph];
		}
	}
	return 0;
}

static int
fill_months(struct report *r, const ptrust_fleet_timeline *tl)
{
	struct report_month *m;
	size_t i, e[PTRUST_FLEET_ITEM_COUNT], lost;
	int y, mon, k, any;

	for (i = 0; i < ptrust_fleet_timeline_month_count(tl); i++) {
		any = 0;
		for (k = 0; k < PTRUST_FLEET_ITEM_COUNT; k++)
			if ((e[k] = ptrust_fleet_timeline_ending(tl, i, k)) != 0)
				any = 1;
		if ((lost = ptrust_fleet_timeline_losing(tl, i)) != 0)
			any = 1;
		if (!any)
			continue;	/* the page draws empty months itself */
		ptrust_fleet_timeline_month(tl, i, &y, &mon);
		if ((m = report_month_at(r, y, mon)) == NULL)
			return -1;
		m->lsc = e[PTRUST_FLEET_ITEM_LSC];
		m->mic = e[PTRUST_FLEET_ITEM_MIC];
		m->anchors = e[PTRUST_FLEET_ITEM_ANCHOR];
		m->intermediates = e[PTRUST_FLEET_ITEM_INTERMEDIATE];
		m->phones_lost = lost;
	}
	return 0;
}

int
rf_fill(struct report *r, const ptrust_fleet_plan *plan,
    const ptrust_fleet_timeline *tl, int change)
{
	unsigned char *blocks;
	size_t i, n = ptrust_fleet_plan_phone_count(plan);
	int rc = -1;

	if ((blocks = calloc(n != 0 ? n : 1, 1)) == NULL)
		return -1;
	r->at = ptrust_fleet_plan_time(plan, PTRUST_FLEET_BEFORE);
	r->phones = n;
	if (fill_purposes(r, plan, change) == 0 &&
	    (!change || fill_steps(r, plan, blocks) == 0) &&
	    fill_actions(r, plan, change, blocks) == 0 &&
	    (tl == NULL || fill_months(r, tl) == 0))
		rc = 0;
	for (i = 0; i < n; i++)
		r->blocking += blocks[i];
	free(blocks);
	return rc;
}
