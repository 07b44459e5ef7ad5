/*
 * phonetrust report: a fleet, and optionally a planned change, written
 * for an administrator -- one self-contained HTML page (--html FILE),
 * or its figures as JSON (--json) or its phones needing action as CSV
 * (--csv).  Every verdict is the fleet library's (<phonetrust-fleet.h>):
 * this command only lays them out.
 */
#include "config.h"

#include <sys/stat.h>

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
#include "report.h"
#include "report_fleet.h"

enum {
	OPT_HTML = 256, OPT_JSON, OPT_CSV, OPT_FORMAT, OPT_AT, OPT_THREADS,
	OPT_ALLOW_SHA1, OPT_REMOVE, OPT_ADD, OPT_REGEN, OPT_NEW_CAPF, OPT_MOVE,
	OPT_DEVICE, OPT_MFG_OFF, OPT_CISCO_OFF, OPT_ON, OPT_HELP
};

/* The change's options are phonetrust plan's, with the same meaning. */
static const struct option longopts[] = {
	{ "html",		required_argument, NULL, OPT_HTML },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "csv",		no_argument,	   NULL, OPT_CSV },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "at",			required_argument, NULL, OPT_AT },
	{ "threads",		required_argument, NULL, OPT_THREADS },
	{ "allow-sha1",		no_argument,	   NULL, OPT_ALLOW_SHA1 },
	{ "remove",		required_argument, NULL, OPT_REMOVE },
	{ "add",		required_argument, NULL, OPT_ADD },
	{ "regenerate-capf",	optional_argument, NULL, OPT_REGEN },
	{ "new-capf",		required_argument, NULL, OPT_NEW_CAPF },
	{ "move-to",		required_argument, NULL, OPT_MOVE },
	{ "device",		required_argument, NULL, OPT_DEVICE },
	{ "manufacturing-off",	no_argument,	   NULL, OPT_MFG_OFF },
	{ "cisco-ca-off",	required_argument, NULL, OPT_CISCO_OFF },
	{ "on",			required_argument, NULL, OPT_ON },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static void
report_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] report "
	    "(--html FILE | --json | --csv) [OPTIONS] INVENTORY...\n"
	    "  a fleet report: the expiry timeline, who presents what per "
	    "purpose, the\n  impact of a planned change and the phones that "
	    "need action\n"
	    "  --html FILE         one self-contained HTML page (no network "
	    "needed to read it)\n"
	    "  --json              the report's figures as JSON on standard "
	    "output\n"
	    "  --csv               the phones that need action as CSV on "
	    "standard output\n"
	    "  --format FMT        inventory format: auto (default), dir, csv, "
	    "extract,\n                      verdict, fleet\n"
	    "  --at TIME           judge as of TIME (default: now)\n"
	    "  --allow-sha1        accept SHA-1 CA signatures (old MIC chains)\n"
	    "  --threads N         evaluating threads (default: one per "
	    "processor)\n"
	    "  a planned change, as phonetrust plan takes it:\n"
	    "  --regenerate-capf[=OLD] [--new-capf FILE]   regenerate CAPF\n"
	    "  --remove STORE:ANCHOR          retire an anchor from a store\n"
	    "  --add STORE:FILE[:ROLE]        import a certificate into a "
	    "store\n"
	    "  --move-to DIR [--device DEVICE]...\n"
	    "                                 move phones (all by default) "
	    "to another cluster\n"
	    "  --manufacturing-off            stop trusting manufacturing "
	    "CAs\n"
	    "  --cisco-ca-off CA              disable one built-in Cisco CA\n"
	    "  --on DATE                      judge the change at another "
	    "time\n");
}

/* Options given more often than this are refused, as plan does. */
#define MAX_LIST	64

struct args {
	const char	*html;
	int		 json, csv;
	ptrust_fleet_format format;
	time_t		 at;
	int		 threads, allow_sha1;
	const char	*add[MAX_LIST], *remove[MAX_LIST], *cisco_off[MAX_LIST];
	const char	*devices[MAX_LIST];
	int		 nadd, nremove, ncisco_off, ndevices;
	int		 regen, mfg_off, has_on;
	const char	*old_capf, *new_capf, *move_to;
	time_t		 on;
	char		**paths;
	size_t		 npaths;
};

static int
push(const char **list, int *n, const char *opt)
{
	if (*n == MAX_LIST)
		return cli_fail("report", opt, "given too many times");
	list[(*n)++] = optarg;
	return CLI_OK;
}

/*
 * The change, its steps in plan's order (imports, removals, the CAPF
 * regeneration, the move, the manufacturing CAs, Cisco's CAs, the date),
 * so that plan and report given the same options describe and judge the
 * same change.  *out NULL when none was asked for.
 */
static int
build_change(const struct args *a, ptrust_fleet_change **out)
{
	ptrust_fleet_change *ch;
	unsigned char *data = NULL;
	size_t len = 0;
	ptrust_status st = PTRUST_OK;
	ptrust_role role;
	char *buf = NULL, *file, *id, *r;
	const char *what = NULL;
	int i, rc = CLI_USAGE;

	*out = NULL;
	if (!a->regen && a->nremove == 0 && a->nadd == 0 &&
	    a->move_to == NULL && !a->mfg_off && a->ncisco_off == 0 &&
	    !a->has_on)
		return CLI_OK;
	if ((ch = ptrust_fleet_change_new()) == NULL)
		return cli_fail("report", NULL, "out of memory");
	for (i = 0; st == PTRUST_OK && i < a->nadd; i++) {
		what = "--add";
		if ((buf = strdup(a->add[i])) == NULL)
			goto nomem;
		if ((file = strchr(buf, ':')) == NULL || file == buf ||
		    file[1] == '\0') {
			cli_fail("report", "--add", "is STORE:FILE[:ROLE]");
			goto done;
		}
		*file++ = '\0';
		role = PTRUST_ROLE_AUTO;
		if ((r = strrchr(file, ':')) != NULL &&
		    ptrust_role_from_name(r + 1, &role) == 0)
			*r = '\0';
		if (cli_read_input("report", file, &data, &len) != CLI_OK)
			goto done;
		st = ptrust_fleet_change_add_anchor(ch, buf, data, len, NULL,
		    role);
		free(data);
		data = NULL;
		free(buf);
		buf = NULL;
	}
	for (i = 0; st == PTRUST_OK && i < a->nremove; i++) {
		what = "--remove";
		if ((buf = strdup(a->remove[i])) == NULL)
			goto nomem;
		if ((id = strchr(buf, ':')) == NULL || id == buf ||
		    id[1] == '\0') {
			cli_fail("report", "--remove", "is STORE:ANCHOR (alias "
			    "or SHA-256)");
			goto done;
		}
		*id++ = '\0';
		st = ptrust_fleet_change_remove_anchor(ch, buf, id);
		free(buf);
		buf = NULL;
	}
	if (st == PTRUST_OK && a->regen) {
		what = "--regenerate-capf";
		if (a->new_capf != NULL && cli_read_input("report",
		    a->new_capf, &data, &len) != CLI_OK)
			goto done;
		st = ptrust_fleet_change_regenerate_capf(ch, a->old_capf, data,
		    len);
	}
	if (st == PTRUST_OK && a->move_to != NULL) {
		what = "--move-to";
		st = ptrust_fleet_change_move(ch, a->move_to, a->devices,
		    (size_t)a->ndevices);
	}
	if (st == PTRUST_OK && a->mfg_off) {
		what = "--manufacturing-off";
		st = ptrust_fleet_change_manufacturing_off(ch);
	}
	for (i = 0; st == PTRUST_OK && i < a->ncisco_off; i++) {
		what = "--cisco-ca-off";
		st = ptrust_fleet_change_cisco_ca_off(ch, a->cisco_off[i]);
	}
	if (st == PTRUST_OK && a->has_on) {
		what = "--on";
		st = ptrust_fleet_change_set_time(ch, a->on);
	}
	if (st != PTRUST_OK) {
		cli_fail("report", what, ptrust_fleet_change_error(ch));
		goto done;
	}
	*out = ch;
	ch = NULL;
	rc = CLI_OK;
	goto done;
nomem:
	cli_fail("report", what, "out of memory");
done:
	free(buf);
	free(data);
	ptrust_fleet_change_free(ch);
	return rc;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	int c, rc = CLI_OK;

	optind = 1;
	opterr = 0;
	while (rc == CLI_OK &&
	    (c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HTML:
			rc = cli_opt_once("report", "--html", 1, &a->html);
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_CSV:
			a->csv = 1;
			break;
		case OPT_FORMAT:
			if (ptrust_fleet_format_from_name(optarg, &a->format) != 0)
				return cli_fail("report", "--format", "expected "
				    "auto, dir, csv, extract, verdict or fleet");
			break;
		case OPT_AT:
			rc = cli_opt_time("report", "--at", &a->at);
			break;
		case OPT_THREADS:
			if (cli_parse_int(optarg, 1, 64, &a->threads) != 0)
				return cli_fail("report", "--threads", "expected "
				    "1 to 64");
			break;
		case OPT_ALLOW_SHA1:
			a->allow_sha1 = 1;
			break;
		case OPT_REMOVE:
			rc = push(a->remove, &a->nremove, "--remove");
			break;
		case OPT_ADD:
			rc = push(a->add, &a->nadd, "--add");
			break;
		case OPT_CISCO_OFF:
			rc = push(a->cisco_off, &a->ncisco_off, "--cisco-ca-off");
			break;
		case OPT_DEVICE:
			rc = push(a->devices, &a->ndevices, "--device");
			break;
		case OPT_REGEN:
			if (a->regen)
				return cli_fail("report", "--regenerate-capf",
				    "given twice");
			a->regen = 1;
			a->old_capf = optarg;
			break;
		case OPT_NEW_CAPF:
			rc = cli_opt_once("report", "--new-capf", 1, &a->new_capf);
			break;
		case OPT_MOVE:
			rc = cli_opt_once("report", "--move-to", 1, &a->move_to);
			break;
		case OPT_MFG_OFF:
			a->mfg_off = 1;
			break;
		case OPT_ON:
			rc = cli_opt_time("report", "--on", &a->on);
			a->has_on = 1;
			break;
		case 'h':
		case OPT_HELP:
			report_usage(stdout);
			return CLI_HELP;
		default:	/* '?' or ':' */
			return cli_bad_option("report", c, argv);
		}
	}
	if (rc != CLI_OK)
		return rc;
	if (a->html == NULL && !a->json && !a->csv)
		return cli_fail("report", NULL, "nothing to write: give --html "
		    "FILE, --json or --csv (try --help)");
	if (a->json && a->csv)
		return cli_fail("report", NULL, "--json and --csv both write "
		    "to standard output: give one");
	if (a->new_capf != NULL && !a->regen)
		return cli_fail("report", "--new-capf", "only with "
		    "--regenerate-capf");
	if (a->ndevices > 0 && a->move_to == NULL)
		return cli_fail("report", "--device", "only with --move-to");
	if (optind >= argc)
		return cli_fail("report", NULL, "no inventory (a directory of "
		    "certificates, a CSV of CUCM's records, or JSON; try "
		    "--help)");
	a->paths = argv + optind;
	a->npaths = (size_t)(argc - optind);
	return CLI_OK;
}

/*
 * The page goes to path through a temporary file beside it, made before
 * anything is judged (a wrong directory fails at once, not after 40,000
 * phones) and renamed into place at the end, so that a web server or a
 * reader never sees half a report.
 */
struct out {
	char	*tmp;
	FILE	*f;
};

static int
html_open(const char *path, struct out *o)
{
	size_t len = strlen(path) + 16;
	int fd;

	if ((o->tmp = malloc(len)) == NULL)
		return cli_fail("report", path, "out of memory");
	snprintf(o->tmp, len, "%s.XXXXXX", path);
	if ((fd = mkstemp(o->tmp)) == -1) {
		cli_fail("report", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return CLI_USAGE;
	}
	if ((o->f = fdopen(fd, "w")) == NULL) {
		cli_fail("report", path, strerror(errno));
		close(fd);
		return CLI_USAGE;
	}
	return CLI_OK;
}

static int
html_finish(const char *path, struct out *o, const struct report *r)
{
	FILE *f = o->f;
	int e;

	o->f = NULL;
	errno = 0;
	e = report_write_html(f, r);
	if (fflush(f) == EOF || e != 0 || fsync(fileno(f)) != 0) {
		cli_fail("report", path, errno != 0 ? strerror(errno) :
		    "write error");
		fclose(f);
		return CLI_USAGE;
	}
	if (fclose(f) != 0 || chmod(o->tmp, 0644) != 0 ||
	    rename(o->tmp, path) != 0)
		return cli_fail("report", path, strerror(errno));
	free(o->tmp);
	o->tmp = NULL;
	return CLI_OK;
}

/* Whatever did not get renamed into place goes. */
static void
html_discard(struct out *o)
{
	if (o->f != NULL)
		fclose(o->f);
	if (o->tmp != NULL) {
		unlink(o->tmp);
		free(o->tmp);
	}
}

int
cmd_report(int argc, char **argv, const char *cluster_dir)
{
	struct args a;
	struct out o = { NULL, NULL };
	struct report *r = NULL;
	ptrust_cluster *c = NULL;
	ptrust_fleet *fl = NULL;
	ptrust_fleet_plan *plan = NULL;
	ptrust_fleet_timeline *tl = NULL;
	ptrust_fleet_change *change = NULL;
	const char *dir = NULL;
	size_t problems = 0, i, len;
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = parse_args(argc, argv, &a)) != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if ((rc = build_change(&a, &change)) != CLI_OK)
		return rc;
	rc = CLI_USAGE;
	if (a.html != NULL && html_open(a.html, &o) != CLI_OK)
		goto done;
	if (cli_open_cluster("report", cluster_dir, &c, &dir) != CLI_OK ||
	    rf_open("report", &c, a.paths, a.npaths, a.format, a.at,
	    a.allow_sha1, 0, &fl, &problems) != CLI_OK)
		goto done;
	if (a.threads != 0)
		ptrust_fleet_set_threads(fl, a.threads);
	if (ptrust_fleet_evaluate(fl, change, &plan) != PTRUST_OK) {
		cli_fail("report", NULL, ptrust_fleet_error(fl));
		goto done;
	}
	/* the timeline as things are: what expires when, if nothing changes */
	if (ptrust_fleet_timeline_new(fl, NULL, ptrust_fleet_plan_time(plan,
	    PTRUST_FLEET_BEFORE), 0, &tl) != PTRUST_OK) {
		cli_fail("report", NULL, ptrust_fleet_error(fl));
		goto done;
	}
	if ((r = report_new()) == NULL)
		goto nomem;
	r->generated = time(NULL);
	r->problems = problems;
	if ((r->cluster = strdup(dir)) == NULL)
		goto nomem;
	/* the inventories, as given */
	for (i = 0, len = 1; i < a.npaths; i++)
		len += strlen(a.paths[i]) + 2;
	if ((r->fleet = malloc(len)) == NULL)
		goto nomem;
	r->fleet[0] = '\0';
	for (i = 0; i < a.npaths; i++) {
		if (i > 0)
			strcat(r->fleet, ", ");
		strcat(r->fleet, a.paths[i]);
	}
	if (change != NULL && (r->change = strdup(
	    ptrust_fleet_change_describe(change))) == NULL)
		goto nomem;
	if (rf_fill(r, plan, tl, change != NULL) != 0 ||
	    report_summarise(r) != 0)
		goto nomem;
	if (a.html != NULL && html_finish(a.html, &o, r) != CLI_OK)
		goto done;
	if ((a.json && report_write_json(stdout, r) != 0) ||
	    (a.csv && report_write_csv(stdout, r) != 0)) {
		cli_fail("report", "standard output", strerror(errno));
		goto done;
	}
	rc = CLI_OK;
	goto done;
nomem:
	cli_fail("report", NULL, "out of memory");
done:
	html_discard(&o);
	report_free(r);
	/* plans and timelines go before their fleet */
	ptrust_fleet_timeline_free(tl);
	ptrust_fleet_plan_free(plan);
	ptrust_fleet_free(fl);
	ptrust_cluster_free(c);
	ptrust_fleet_change_free(change);
	return rc;
}
