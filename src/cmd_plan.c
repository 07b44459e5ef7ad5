/*
 * phonetrust plan: the fleet before and after a planned change (regenerate
 * CAPF, remove or add an anchor, move phones, Cisco's CAs off, a date),
 * which phones break, what each needs, and the safe order of operations
 * with the phones still blocking each step; --timeline adds when every
 * certificate expires.  Exit 0 when the change breaks no phone, 1 when it
 * does (the order says what to do first), 2 on unusable input.
 *
 * The library's fleet planner does the judging (<phonetrust-fleet.h>);
 * this file only reads the command line and prints.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-fleet.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "plan.h"
#include "verdict.h"

enum {
	OPT_FORMAT = 256, OPT_REMOVE, OPT_ADD, OPT_REGENERATE, OPT_NEW_CAPF,
	OPT_MOVE_TO, OPT_DEVICE, OPT_MFG_OFF, OPT_CISCO_OFF, OPT_ON, OPT_AT,
	OPT_ALLOW_SHA1, OPT_TIMELINE, OPT_MONTHS, OPT_ALL, OPT_VERDICTS,
	OPT_THREADS, OPT_JSON, OPT_QUIET, OPT_HELP
};

static const struct option longopts[] = {
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "remove",		required_argument, NULL, OPT_REMOVE },
	{ "add",		required_argument, NULL, OPT_ADD },
	{ "regenerate-capf",	optional_argument, NULL, OPT_REGENERATE },
	{ "new-capf",		required_argument, NULL, OPT_NEW_CAPF },
	{ "move-to",		required_argument, NULL, OPT_MOVE_TO },
	{ "device",		required_argument, NULL, OPT_DEVICE },
	{ "manufacturing-off",	no_argument,	   NULL, OPT_MFG_OFF },
	{ "cisco-ca-off",	required_argument, NULL, OPT_CISCO_OFF },
	{ "on",			required_argument, NULL, OPT_ON },
	{ "at",			required_argument, NULL, OPT_AT },
	{ "allow-sha1",		no_argument,	   NULL, OPT_ALLOW_SHA1 },
	{ "timeline",		no_argument,	   NULL, OPT_TIMELINE },
	{ "months",		required_argument, NULL, OPT_MONTHS },
	{ "all-phones",		no_argument,	   NULL, OPT_ALL },
	{ "verdicts",		no_argument,	   NULL, OPT_VERDICTS },
	{ "threads",		required_argument, NULL, OPT_THREADS },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "quiet",		no_argument,	   NULL, OPT_QUIET },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

#define MAX_LIST	256

struct plan_args {
	ptrust_fleet_format format;
	const char	*remove[MAX_LIST], *add[MAX_LIST], *cisco_off[MAX_LIST];
	const char	*devices[MAX_LIST];
	int		 n_remove, n_add, n_cisco_off, n_devices;
	int		 regenerate;
	const char	*old_capf, *new_capf, *move_to;
	int		 mfg_off, has_on, has_at, allow_sha1, timeline;
	int		 months, all, verdicts, threads, json, quiet;
	time_t		 on, at;
	char		**inputs;
	int		 n_inputs;
};

static void
plan_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] plan [--format FORMAT] "
	    "INVENTORY...\n"
	    "    [--regenerate-capf[=OLD]] [--new-capf FILE] "
	    "[--remove STORE:ANCHOR]...\n"
	    "    [--add STORE:FILE[:ROLE]]... [--move-to DIR [--device "
	    "NAME]...]\n"
	    "    [--manufacturing-off] [--cisco-ca-off CA]... [--on DATE] "
	    "[--at TIME]\n"
	    "    [--allow-sha1] [--timeline [--months N]] [--all-phones] "
	    "[--verdicts]\n"
	    "    [--threads N] [--json] [--quiet]\n"
	    "  the fleet before and after a planned change: which phones "
	    "break, what each\n  needs, and the safe order of operations; "
	    "INVENTORY is a directory of\n  certificates, a CSV of CUCM's "
	    "records, or phonetrust JSON (FORMAT: auto,\n  dir, csv, extract, "
	    "verdict, fleet).  Exit 0: nothing breaks; 1: phones break\n");
}

static int
fail(const char *what, const char *msg)
{
	return cli_fail("plan", what, msg);
}

static int
push(const char **list, int *n, const char *opt)
{
	if (*n == MAX_LIST)
		return fail(opt, "given too many times");
	list[(*n)++] = optarg;
	return CLI_OK;
}

static int
parse_args(int argc, char **argv, struct plan_args *a)
{
	int c, rc = CLI_OK;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while (rc == CLI_OK &&
	    (c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (ptrust_fleet_format_from_name(optarg, &a->format) ==
			    -1)
				return fail("--format", "must be auto, dir, csv, "
				    "extract, verdict or fleet");
			break;
		case OPT_REMOVE:
			rc = push(a->remove, &a->n_remove, "--remove");
			break;
		case OPT_ADD:
			rc = push(a->add, &a->n_add, "--add");
			break;
		case OPT_CISCO_OFF:
			rc = push(a->cisco_off, &a->n_cisco_off, "--cisco-ca-off");
			break;
		case OPT_DEVICE:
			rc = push(a->devices, &a->n_devices, "--device");
			break;
		case OPT_REGENERATE:
			if (a->regenerate)
				return fail("--regenerate-capf", "given twice");
			a->regenerate = 1;
			a->old_capf = optarg;
			break;
		case OPT_NEW_CAPF:
			rc = cli_opt_once("plan", "--new-capf", 1, &a->new_capf);
			break;
		case OPT_MOVE_TO:
			rc = cli_opt_once("plan", "--move-to", 1, &a->move_to);
			break;
		case OPT_MFG_OFF:
			a->mfg_off = 1;
			break;
		case OPT_ON:
			rc = cli_opt_time("plan", "--on", &a->on);
			a->has_on = 1;
			break;
		case OPT_AT:
			rc = cli_opt_time("plan", "--at", &a->at);
			a->has_at = 1;
			break;
		case OPT_ALLOW_SHA1:
			a->allow_sha1 = 1;
			break;
		case OPT_TIMELINE:
			a->timeline = 1;
			break;
		case OPT_MONTHS:
			if (cli_parse_int(optarg, 1, 6000, &a->months) == -1)
				return fail("--months", "must be 1 to 6000");
			break;
		case OPT_ALL:
			a->all = 1;
			break;
		case OPT_VERDICTS:
			a->verdicts = 1;
			break;
		case OPT_THREADS:
			if (cli_parse_int(optarg, 1, 64, &a->threads) == -1)
				return fail("--threads", "must be 1 to 64");
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_QUIET:
			a->quiet = 1;
			break;
		case 'h':
		case OPT_HELP:
			plan_usage(stdout);
			return CLI_HELP;
		default:
			return cli_bad_option("plan", c, argv);
		}
	}
	if (rc != CLI_OK)
		return rc;
	if (optind >= argc)
		return fail(NULL, "no inventory given (try --help)");
	if (a->new_capf != NULL && !a->regenerate)
		return fail("--new-capf", "only with --regenerate-capf");
	if (a->n_devices > 0 && a->move_to == NULL)
		return fail("--device", "only with --move-to");
	a->inputs = argv + optind;
	a->n_inputs = argc - optind;
	return CLI_OK;
}

/* ------------------------------------------------------------ progress */

static void
progress(void *arg, size_t done, size_t total)
{
	int width = 40, k, filled;

	(void)arg;
	if (total == 0)
		return;
	filled = (int)((double)done / (double)total * width);
	fprintf(stderr, "\r  judging [");
	for (k = 0; k < width; k++)
		fputc(k < filled ? '#' : ' ', stderr);
	fprintf(stderr, "] %zu/%zu", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* --------------------------------------------------------------- change */

static int
read_file(const char *path, unsigned char **data, size_t *len)
{
	return cli_read_input("plan", path, data, len);
}

static int
build_change(const struct plan_args *a, ptrust_fleet_change **out)
{
	ptrust_fleet_change *ch;
	unsigned char *data = NULL;
	size_t len = 0;
	ptrust_status st = PTRUST_OK;
	int i;

	*out = NULL;
	if (!a->regenerate && a->n_remove == 0 && a->n_add == 0 &&
	    a->move_to == NULL && !a->mfg_off && a->n_cisco_off == 0 &&
	    !a->has_on)
		return CLI_OK;
	if ((ch = ptrust_fleet_change_new()) == NULL)
		return fail(NULL, "out of memory");
	for (i = 0; st == PTRUST_OK && i < a->n_add; i++) {
		char buf[4096], *file, *role_name;
		ptrust_role role = PTRUST_ROLE_AUTO;

		if (snprintf(buf, sizeof(buf), "%s", a->add[i]) >=
		    (int)sizeof(buf) || (file = strchr(buf, ':')) == NULL) {
			ptrust_fleet_change_free(ch);
			return fail("--add", "is STORE:FILE[:ROLE]");
		}
		*file++ = '\0';
		if ((role_name = strrchr(file, ':')) != NULL &&
		    ptrust_role_from_name(role_name + 1, &role) == 0)
			*role_name = '\0';
		if (read_file(file, &data, &len) != CLI_OK) {
			ptrust_fleet_change_free(ch);
			return CLI_USAGE;
		}
		st = ptrust_fleet_change_add_anchor(ch, buf, data, len, NULL,
		    role);
		free(data);
		data = NULL;
	}
	for (i = 0; st == PTRUST_OK && i < a->n_remove; i++) {
		char buf[4096], *id;

		if (snprintf(buf, sizeof(buf), "%s", a->remove[i]) >=
		    (int)sizeof(buf) || (id = strchr(buf, ':')) == NULL) {
			ptrust_fleet_change_free(ch);
			return fail("--remove", "is STORE:ANCHOR (alias or "
			    "SHA-256)");
		}
		*id++ = '\0';
		st = ptrust_fleet_change_remove_anchor(ch, buf, id);
	}
	if (st == PTRUST_OK && a->regenerate) {
		if (a->new_capf != NULL && read_file(a->new_capf, &data,
		    &len) != CLI_OK) {
			ptrust_fleet_change_free(ch);
			return CLI_USAGE;
		}
		st = ptrust_fleet_change_regenerate_capf(ch, a->old_capf, data,
		    len);
		free(data);
	}
	if (st == PTRUST_OK && a->move_to != NULL)
		st = ptrust_fleet_change_move(ch, a->move_to, a->devices,
		    (size_t)a->n_devices);
	if (st == PTRUST_OK && a->mfg_off)
		st = ptrust_fleet_change_manufacturing_off(ch);
	for (i = 0; st == PTRUST_OK && i < a->n_cisco_off; i++)
		st = ptrust_fleet_change_cisco_ca_off(ch, a->cisco_off[i]);
	if (st == PTRUST_OK && a->has_on)
		st = ptrust_fleet_change_set_time(ch, a->on);
	if (st != PTRUST_OK) {
		fail(NULL, ptrust_fleet_change_error(ch));
		ptrust_fleet_change_free(ch);
		return CLI_USAGE;
	}
	*out = ch;
	return CLI_OK;
}

/* --------------------------------------------------------------- output */

static const char *
time_text(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "-");
	return buf;
}

static const char *
ok_word(int ok)
{
	return ok > 0 ? "ok" : ok == 0 ? "refused" : "-";
}

/* A phone for the list: it changes, or it is refused after the change. */
static int
wanted(const ptrust_fleet_plan *p, size_t i, int all)
{
	int c;

	if (all || ptrust_fleet_plan_need(p, i) != PTRUST_FLEET_NEED_NOTHING)
		return 1;
	for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++)
		if (ptrust_fleet_plan_changed(p, i, c) != 0 ||
		    ptrust_fleet_plan_ok(p, i, c, PTRUST_FLEET_AFTER) == 0)
			return 1;
	return 0;
}

static void
print_text(const ptrust_fleet *f, const ptrust_fleet_plan *p,
    const ptrust_fleet_change *ch, const ptrust_fleet_timeline *t,
    const char *dir, int all)
{
	char b1[40], b2[40];
	size_t i, k, n;
	int c, s;

	printf("cluster %s: %zu phones\n", dir,
	    ptrust_fleet_plan_phone_count(p));
	for (i = 0; i < ptrust_fleet_problem_count(f); i++) {
		size_t line = ptrust_fleet_problem_line(f, i);

		printf("problem: %s", ptrust_fleet_problem_file(f, i) != NULL ?
		    ptrust_fleet_problem_file(f, i) : "-");
		if (line > 0)
			printf(":%zu", line);
		printf(": %s: %s\n", ptrust_fleet_problem_code_name(
		    ptrust_fleet_problem(f, i)), ptrust_fleet_problem_message(f,
		    i));
	}
	printf("judged on %s", time_text(ptrust_fleet_plan_time(p,
	    PTRUST_FLEET_BEFORE), b1, sizeof(b1)));
	if (ch != NULL) {
		printf("; after the change on %s\nchange:\n",
		    time_text(ptrust_fleet_plan_time(p, PTRUST_FLEET_AFTER), b2,
		    sizeof(b2)));
		{
			const char *d = ptrust_fleet_change_describe(ch), *e;

			while (d != NULL && *d != '\0') {
				e = strchr(d, '\n');
				printf("  %.*s\n", (int)(e != NULL ? e - d :
				    (long)strlen(d)), d);
				d = e != NULL ? e + 1 : NULL;
			}
		}
	} else
		printf("\n");
	printf("\n%-17s %-13s %-13s %-11s %-11s %s\n", "check", "ok",
	    "refused", "LSC", "MIC", "breaks/fixed");
	for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++) {
		size_t v[2][4];

		if (!ptrust_fleet_plan_check_used(p, c, PTRUST_FLEET_BEFORE) &&
		    !ptrust_fleet_plan_check_used(p, c, PTRUST_FLEET_AFTER)) {
			printf("%-17s (no store for this purpose)\n",
			    ptrust_fleet_check_name(c));
			continue;
		}
		for (s = 0; s < 2; s++) {
			v[s][0] = ptrust_fleet_plan_total(p, c, s,
			    PTRUST_FLEET_TOTAL_OK);
			v[s][1] = ptrust_fleet_plan_total(p, c, s,
			    PTRUST_FLEET_TOTAL_REFUSED);
			v[s][2] = ptrust_fleet_plan_total(p, c, s,
			    PTRUST_FLEET_TOTAL_LSC);
			v[s][3] = ptrust_fleet_plan_total(p, c, s,
			    PTRUST_FLEET_TOTAL_MIC);
		}
		printf("%-17s", ptrust_fleet_check_name(c));
		for (k = 0; k < 4; k++) {
			char cell[32];

			snprintf(cell, sizeof(cell), "%zu -> %zu", v[0][k],
			    v[1][k]);
			printf(" %-*s", k < 2 ? 13 : 11, cell);
		}
		printf(" %zu/%zu\n", ptrust_fleet_plan_total(p, c,
		    PTRUST_FLEET_AFTER, PTRUST_FLEET_TOTAL_BREAKS),
		    ptrust_fleet_plan_total(p, c, PTRUST_FLEET_AFTER,
		    PTRUST_FLEET_TOTAL_FIXED));
	}
	n = 0;
	for (i = 0; i < ptrust_fleet_plan_phone_count(p); i++) {
		if (!wanted(p, i, all))
			continue;
		if (n++ == 0)
			printf("\nphones:\n");
		printf("  %s", ptrust_fleet_plan_device(p, i));
		if (ptrust_fleet_phone_model(f, i) != NULL)
			printf(" (%s)", ptrust_fleet_phone_model(f, i));
		printf("\n");
		for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++) {
			int ob = ptrust_fleet_plan_ok(p, i, c,
			    PTRUST_FLEET_BEFORE);
			int oa = ptrust_fleet_plan_ok(p, i, c,
			    PTRUST_FLEET_AFTER);
			const char *fix;

			if (ob < 0 && oa < 0)
				continue;
			if (!all && ob == oa && oa != 0)
				continue;
			printf("    %-17s %s -> %s", ptrust_fleet_check_name(c),
			    ok_word(ob), ok_word(oa));
			if (oa == 0 && ptrust_fleet_plan_diagnosis(p, i, c,
			    PTRUST_FLEET_AFTER) != PTRUST_DIAG_NONE)
				printf(": %s", ptrust_diagnosis_name(
				    ptrust_fleet_plan_diagnosis(p, i, c,
				    PTRUST_FLEET_AFTER)));
			if (ptrust_fleet_plan_evidence(p, i, c,
			    PTRUST_FLEET_AFTER) == PTRUST_FLEET_EVIDENCE_RECORD)
				printf(" (by CUCM's record, matched by name)");
			printf("\n");
			if (oa == 0 && (all || ob != oa) &&
			    (fix = ptrust_fleet_plan_fix(p, i, c,
			    PTRUST_FLEET_AFTER)) != NULL)
				printf("      fix: %s\n", fix);
		}
		if (ptrust_fleet_plan_need(p, i) != PTRUST_FLEET_NEED_NOTHING)
			printf("    needs (%s): %s\n", ptrust_fleet_need_name(
			    ptrust_fleet_plan_need(p, i)),
			    ptrust_fleet_plan_need_text(p, i));
	}
	if (ptrust_fleet_plan_step_count(p) > 0)
		printf("\nsafe order:\n");
	for (k = 0; k < ptrust_fleet_plan_step_count(p); k++) {
		size_t nb = ptrust_fleet_plan_step_blocking_count(p, k), b;

		printf("  %zu. [%s] %s\n", k + 1, ptrust_fleet_step_kind_name(
		    ptrust_fleet_plan_step_kind(p, k)),
		    ptrust_fleet_plan_step_text(p, k));
		if (nb == 0)
			continue;
		printf("     %s %zu phone%s:", ptrust_fleet_plan_step_kind(p,
		    k) == PTRUST_FLEET_STEP_REISSUE ? "for" : "blocked by", nb,
		    nb == 1 ? "" : "s");
		for (b = 0; b < nb && b < 20; b++)
			printf(" %s", ptrust_fleet_plan_device(p,
			    ptrust_fleet_plan_step_blocking_phone(p, k, b)));
		printf("%s\n", nb > 20 ? " ..." : "");
	}
	if (t == NULL)
		return;
	printf("\nexpiry (month: LSC MIC intermediate anchor; phones losing "
	    "their last usable certificate):\n");
	for (k = 0; k < ptrust_fleet_timeline_month_count(t); k++) {
		size_t e[4], lose = ptrust_fleet_timeline_losing(t, k);
		int y, m, it;

		for (it = 0; it < 4; it++)
			e[it] = ptrust_fleet_timeline_ending(t, k, it);
		if (e[0] + e[1] + e[2] + e[3] + lose == 0)
			continue;
		ptrust_fleet_timeline_month(t, k, &y, &m);
		printf("  %04d-%02d  %zu %zu %zu %zu; %zu\n", y, m, e[0], e[1],
		    e[2], e[3], lose);
	}
	for (k = 0; k < ptrust_fleet_timeline_loss_count(t); k++) {
		size_t nl = ptrust_fleet_timeline_loss_phone_count(t, k), d;

		printf("  %s: %zu phone%s lose their last usable certificate:",
		    time_text(ptrust_fleet_timeline_loss_time(t, k), b1,
		    sizeof(b1)), nl, nl == 1 ? "" : "s");
		for (d = 0; d < nl && d < 20; d++)
			printf(" %s", ptrust_fleet_timeline_loss_device(t, k, d));
		printf("%s\n", nl > 20 ? " ..." : "");
	}
}

static void
json_check(struct json *j, const ptrust_fleet_plan *p, size_t i, int c,
    int side, int verdicts)
{
	int ok = ptrust_fleet_plan_ok(p, i, c, side);
	const ptrust_result *r;
	ptrust_reason_code rc;

	if (ok < 0) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "ok");
	json_bool(j, ok);
	json_key(j, "evidence");
	json_string(j, ptrust_fleet_evidence_name(ptrust_fleet_plan_evidence(p,
	    i, c, side)));
	json_key(j, "presented");
	json_string(j, verdict_presented_name(ptrust_fleet_plan_presented(p,
	    i, c, side)));
	json_key(j, "reason");
	rc = ptrust_fleet_plan_reason(p, i, c, side);
	json_string(j, rc != 0 ? ptrust_reason_name(rc) : NULL);
	json_key(j, "diagnosis");
	json_string(j, ptrust_diagnosis_name(ptrust_fleet_plan_diagnosis(p, i,
	    c, side)));
	json_key(j, "fix");
	json_string(j, ok ? NULL : ptrust_fleet_plan_fix(p, i, c, side));
	json_key(j, "capf_status");
	json_string(j, ptrust_fleet_plan_capf_status(p, i, c, side));
	if (verdicts) {
		json_key(j, "verdict");
		r = ptrust_fleet_plan_result(p, i, c, side);
		verdict_json(j, r, ptrust_cluster_purpose_name(
		    ptrust_fleet_check_purpose(c)));
	}
	json_object_end(j);
}

static void
json_time_or_null(struct json *j, time_t t)
{
	if (t == 0)
		json_null(j);
	else
		json_time(j, t);
}

static void
print_json(const ptrust_fleet *f, const ptrust_fleet_plan *p,
    const ptrust_fleet_change *ch, const ptrust_fleet_timeline *t,
    const char *dir, const struct plan_args *a)
{
	struct json j;
	uint64_t judged, reused;
	size_t i, k;
	int c, s;

	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "cluster");
	json_string(&j, dir);
	json_key(&j, "before");
	json_time(&j, ptrust_fleet_plan_time(p, PTRUST_FLEET_BEFORE));
	json_key(&j, "after");
	json_time(&j, ptrust_fleet_plan_time(p, PTRUST_FLEET_AFTER));
	json_key(&j, "change");
	json_array_begin(&j);
	if (ch != NULL) {
		const char *d = ptrust_fleet_change_describe(ch), *e;
		char line[1024];

		while (d != NULL && *d != '\0') {
			e = strchr(d, '\n');
			snprintf(line, sizeof(line), "%.*s", (int)(e != NULL ?
			    e - d : (long)strlen(d)), d);
			json_string(&j, line);
			d = e != NULL ? e + 1 : NULL;
		}
	}
	json_array_end(&j);
	json_key(&j, "problems");
	json_array_begin(&j);
	for (i = 0; i < ptrust_fleet_problem_count(f); i++) {
		json_object_begin(&j);
		json_key(&j, "code");
		json_string(&j, ptrust_fleet_problem_code_name(
		    ptrust_fleet_problem(f, i)));
		json_key(&j, "file");
		json_string(&j, ptrust_fleet_problem_file(f, i));
		json_key(&j, "line");
		json_number(&j, (long long)ptrust_fleet_problem_line(f, i));
		json_key(&j, "device");
		json_string(&j, ptrust_fleet_problem_device(f, i));
		json_key(&j, "message");
		json_string(&j, ptrust_fleet_problem_message(f, i));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "phone_count");
	json_number(&j, (long long)ptrust_fleet_plan_phone_count(p));
	json_key(&j, "totals");
	json_object_begin(&j);
	for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++) {
		json_key(&j, ptrust_fleet_check_name(c));
		json_object_begin(&j);
		for (s = 0; s < 2; s++) {
			int tt;

			json_key(&j, s == 0 ? "before" : "after");
			if (!ptrust_fleet_plan_check_used(p, c, s)) {
				json_null(&j);
				continue;
			}
			json_object_begin(&j);
			for (tt = PTRUST_FLEET_TOTAL_OK;
			    tt <= PTRUST_FLEET_TOTAL_RECORD; tt++) {
				json_key(&j, ptrust_fleet_total_name(tt));
				json_number(&j, (long long)ptrust_fleet_plan_total(
				    p, c, s, tt));
			}
			json_object_end(&j);
		}
		json_key(&j, "breaks");
		json_number(&j, (long long)ptrust_fleet_plan_total(p, c,
		    PTRUST_FLEET_AFTER, PTRUST_FLEET_TOTAL_BREAKS));
		json_key(&j, "fixed");
		json_number(&j, (long long)ptrust_fleet_plan_total(p, c,
		    PTRUST_FLEET_AFTER, PTRUST_FLEET_TOTAL_FIXED));
		json_object_end(&j);
	}
	json_object_end(&j);
	json_key(&j, "phones");
	json_array_begin(&j);
	for (i = 0; i < ptrust_fleet_plan_phone_count(p); i++) {
		size_t line;
		const char *file;
		ptrust_fleet_need need = ptrust_fleet_plan_need(p, i);

		if (!wanted(p, i, a->all))
			continue;
		json_object_begin(&j);
		json_key(&j, "device");
		json_string(&j, ptrust_fleet_plan_device(p, i));
		json_key(&j, "model");
		json_string(&j, ptrust_fleet_phone_model(f, i));
		file = ptrust_fleet_phone_source(f, i, &line);
		json_key(&j, "source");
		json_string(&j, file);
		json_key(&j, "line");
		json_number(&j, (long long)line);
		for (k = 0; k < 2; k++) {
			ptrust_presented w = k == 0 ? PTRUST_PRESENTED_LSC :
			    PTRUST_PRESENTED_MIC;

			json_key(&j, k == 0 ? "lsc" : "mic");
			if (ptrust_fleet_phone_evidence(f, i, w) ==
			    PTRUST_FLEET_EVIDENCE_NONE) {
				json_null(&j);
				continue;
			}
			json_object_begin(&j);
			json_key(&j, "evidence");
			json_string(&j, ptrust_fleet_evidence_name(
			    ptrust_fleet_phone_evidence(f, i, w)));
			json_key(&j, "issuer");
			json_string(&j, ptrust_fleet_phone_issuer(f, i, w));
			json_key(&j, "not_after");
			json_time_or_null(&j, ptrust_fleet_phone_not_after(f,
			    i, w));
			json_object_end(&j);
		}
		json_key(&j, "need");
		json_string(&j, ptrust_fleet_need_name(need));
		json_key(&j, "need_text");
		json_string(&j, ptrust_fleet_plan_need_text(p, i));
		json_key(&j, "usable_until");
		json_object_begin(&j);
		json_key(&j, "before");
		json_time_or_null(&j, ptrust_fleet_plan_usable_until(p, i,
		    PTRUST_FLEET_BEFORE));
		json_key(&j, "after");
		json_time_or_null(&j, ptrust_fleet_plan_usable_until(p, i,
		    PTRUST_FLEET_AFTER));
		json_object_end(&j);
		json_key(&j, "checks");
		json_object_begin(&j);
		for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++) {
			int chg = ptrust_fleet_plan_changed(p, i, c);

			json_key(&j, ptrust_fleet_check_name(c));
			json_object_begin(&j);
			json_key(&j, "before");
			json_check(&j, p, i, c, PTRUST_FLEET_BEFORE,
			    a->verdicts);
			json_key(&j, "after");
			json_check(&j, p, i, c, PTRUST_FLEET_AFTER,
			    a->verdicts);
			json_key(&j, "change");
			json_string(&j, chg == 1 ? "breaks" : chg == 2 ?
			    "fixed" : "none");
			json_object_end(&j);
		}
		json_object_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "steps");
	json_array_begin(&j);
	for (k = 0; k < ptrust_fleet_plan_step_count(p); k++) {
		size_t b;

		json_object_begin(&j);
		json_key(&j, "kind");
		json_string(&j, ptrust_fleet_step_kind_name(
		    ptrust_fleet_plan_step_kind(p, k)));
		json_key(&j, "store");
		json_string(&j, ptrust_fleet_plan_step_store(p, k));
		json_key(&j, "anchor");
		json_string(&j, ptrust_fleet_plan_step_anchor(p, k));
		json_key(&j, "text");
		json_string(&j, ptrust_fleet_plan_step_text(p, k));
		json_key(&j, "blocking");
		json_array_begin(&j);
		for (b = 0; b < ptrust_fleet_plan_step_blocking_count(p, k); b++)
			json_string(&j, ptrust_fleet_plan_device(p,
			    ptrust_fleet_plan_step_blocking_phone(p, k, b)));
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "timeline");
	if (t == NULL)
		json_null(&j);
	else {
		json_object_begin(&j);
		json_key(&j, "months");
		json_array_begin(&j);
		for (k = 0; k < ptrust_fleet_timeline_month_count(t); k++) {
			char month[16];
			int y, m, it;

			ptrust_fleet_timeline_month(t, k, &y, &m);
			snprintf(month, sizeof(month), "%04d-%02d", y, m);
			json_object_begin(&j);
			json_key(&j, "month");
			json_string(&j, month);
			for (it = 0; it < PTRUST_FLEET_ITEM_COUNT; it++) {
				json_key(&j, ptrust_fleet_item_name(it));
				json_number(&j, (long long)
				    ptrust_fleet_timeline_ending(t, k, it));
			}
			json_key(&j, "losing");
			json_number(&j, (long long)ptrust_fleet_timeline_losing(t,
			    k));
			json_object_end(&j);
		}
		json_array_end(&j);
		json_key(&j, "losses");
		json_array_begin(&j);
		for (k = 0; k < ptrust_fleet_timeline_loss_count(t); k++) {
			size_t d;

			json_object_begin(&j);
			json_key(&j, "time");
			json_time(&j, ptrust_fleet_timeline_loss_time(t, k));
			json_key(&j, "devices");
			json_array_begin(&j);
			for (d = 0; d < ptrust_fleet_timeline_loss_phone_count(t,
			    k); d++)
				json_string(&j, ptrust_fleet_timeline_loss_device(
				    t, k, d));
			json_array_end(&j);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	ptrust_fleet_plan_stats(p, &judged, &reused);
	json_key(&j, "judged");
	json_number(&j, (long long)judged);
	json_key(&j, "reused");
	json_number(&j, (long long)reused);
	json_object_end(&j);
	fputc('\n', stdout);
}

int
cmd_plan(int argc, char **argv, const char *cluster_dir)
{
	struct plan_args a;
	ptrust_fleet *f = NULL;
	ptrust_fleet_change *ch = NULL;
	ptrust_fleet_plan *p = NULL;
	ptrust_fleet_timeline *t = NULL;
	ptrust_options *o = NULL;
	const char *dir;
	size_t i;
	int rc, c;

	if ((rc = parse_args(argc, argv, &a)) != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if ((dir = cli_cluster_dir(cluster_dir)) == NULL)
		return fail(NULL, "no cluster (--cluster DIR or "
		    "PHONETRUST_CLUSTER)");
	if ((rc = build_change(&a, &ch)) != CLI_OK)
		return rc;
	rc = CLI_USAGE;
	if ((f = ptrust_fleet_new()) == NULL || (o = ptrust_options_new()) ==
	    NULL) {
		fail(NULL, "out of memory");
		goto done;
	}
	if (ptrust_fleet_load_cluster(f, dir) != PTRUST_OK) {
		fail(dir, ptrust_fleet_error(f));
		goto done;
	}
	if ((a.has_at && ptrust_options_set_time(o, a.at) != PTRUST_OK) ||
	    (!a.has_at && ptrust_options_set_time(o, time(NULL)) !=
	    PTRUST_OK) ||
	    (a.allow_sha1 && ptrust_options_insecure_allow_sha1(o, 1) !=
	    PTRUST_OK) || ptrust_fleet_set_options(f, o) != PTRUST_OK ||
	    (a.threads > 0 && ptrust_fleet_set_threads(f, a.threads) !=
	    PTRUST_OK)) {
		fail(NULL, "cannot set the options");
		goto done;
	}
	if (!a.quiet && isatty(STDERR_FILENO))
		ptrust_fleet_set_progress(f, progress, NULL);
	for (i = 0; i < (size_t)a.n_inputs; i++)
		if (ptrust_fleet_load(f, a.inputs[i], a.format) != PTRUST_OK) {
			fail(a.inputs[i], ptrust_fleet_error(f));
			goto done;
		}
	if (ptrust_fleet_evaluate(f, ch, &p) != PTRUST_OK) {
		fail(NULL, ptrust_fleet_error(f));
		goto done;
	}
	if (a.timeline && ptrust_fleet_timeline_new(f, ch, ptrust_fleet_plan_time(
	    p, PTRUST_FLEET_BEFORE), a.months, &t) != PTRUST_OK) {
		fail("--timeline", ptrust_fleet_error(f));
		goto done;
	}
	if (a.json)
		print_json(f, p, ch, t, dir, &a);
	else if (!a.quiet)
		print_text(f, p, ch, t, dir, a.all);
	rc = CLI_OK;
	for (i = 0; i < ptrust_fleet_plan_phone_count(p); i++)
		for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++)
			if (ptrust_fleet_plan_changed(p, i, c) == 1)
				rc = CLI_REFUSED;
done:
	ptrust_fleet_timeline_free(t);
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	ptrust_options_free(o);
	ptrust_fleet_free(f);
	return rc;
}
