/*
 * phonetrust check: the cluster (and, given one, the fleet) for a
 * monitoring system, as the monitoring-plugin convention of Nagios,
 * Icinga and Zabbix agents has it: one status line, performance data
 * after '|', exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.  Its own exit
 * contract, not the other commands' (phonetrust(1), EXIT STATUS).
 *
 * What counts is the library's: anchors expiring and lint errors as
 * ptrust_cluster_lint finds them, phones losing their last usable
 * certificate as the fleet's timeline has them.  No rule of its own.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-fleet.h>

#include "cli.h"
#include "input.h"
#include "report_fleet.h"

/* The monitoring-plugin exit statuses. */
#define CHECK_OK	0
#define CHECK_WARNING	1
#define CHECK_CRITICAL	2
#define CHECK_UNKNOWN	3

/* The usual defaults of certificate checks: a month, a week. */
#define CHECK_WARN_DAYS	30
#define CHECK_CRIT_DAYS	7
#define PHONE_LOSING	"phone losing its last usable certificate"
#define PHONES_LOSING	"phones losing their last usable certificate"
/* Names listed on the status line before "and N more". */
#define CHECK_NAMES	3

enum { OPT_WARNING = 256, OPT_CRITICAL, OPT_FLEET, OPT_FORMAT, OPT_AT,
    OPT_HELP };

static const struct option longopts[] = {
	{ "warning",	required_argument, NULL, OPT_WARNING },
	{ "critical",	required_argument, NULL, OPT_CRITICAL },
	{ "fleet",	required_argument, NULL, OPT_FLEET },
	{ "format",	required_argument, NULL, OPT_FORMAT },
	{ "at",		required_argument, NULL, OPT_AT },
	{ "help",	no_argument,	   NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static void
check_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] check [--warning DAYS] "
	    "[--critical DAYS]\n"
	    "                  [--fleet INVENTORY [--format FMT]]... "
	    "[--at TIME]\n"
	    "  the cluster's stores (and a fleet) for a monitoring system: "
	    "one status line,\n  performance data after '|'; exit 0 OK, 1 "
	    "WARNING, 2 CRITICAL, 3 UNKNOWN\n"
	    "  --warning DAYS   an anchor, or a phone's last usable "
	    "certificate, ending\n                   within DAYS: WARNING "
	    "(default %d)\n"
	    "  --critical DAYS  within DAYS: CRITICAL (default %d); a lint "
	    "error is always\n                   CRITICAL\n"
	    "  --fleet PATH     phones too (as phonetrust report reads them); "
	    "repeatable\n"
	    "  --format FMT     the inventories' format (default auto)\n"
	    "  --at TIME        check as of TIME (default: now)\n",
	    CHECK_WARN_DAYS, CHECK_CRIT_DAYS);
}

struct args {
	int		 warn, crit;
	int		 warn_set, crit_set;
	char		**fleet;
	size_t		 nfleet;
	ptrust_fleet_format format;
	time_t		 at;
};

/*
 * What the check found.  Names (store/alias of anchors, devices) are
 * kept to put a few on the status line; counts go to the performance
 * data.
 */
struct found {
	size_t		 lint_errors, lint_warnings;
	size_t		 expired;		/* anchors, a lint error each */
	size_t		 crit_anchors, warn_anchors;	/* within crit / warn days */
	long long	 next_days;		/* to the next anchor's end; -1 none */
	const char	*next_name;
	size_t		 anchors;
	size_t		 phones, losing_crit, losing_warn;
	size_t		 problems;	/* of the inventory, counted, not told */
	long long	 loss_days;		/* to the next loss; -1 none */
	char		 crit_names[512], warn_names[512];
	size_t		 crit_named, warn_named;
};

/*
 * Text put on the status line, from a certificate or a store: nothing
 * that ends the line, and no '|', which would start the performance
 * data (a subject chosen to forge figures stays text).
 */
static void
put_plain(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);

	for (; s != NULL && *s != '\0' && n + 1 < size; s++)
		buf[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' :
		    *s == '|' ? '/' : *s;
	buf[n] = '\0';
}

/* "store/alias", or a device when store is NULL. */
static void
add_name(char *buf, size_t size, size_t *named, const char *store,
    const char *alias)
{
	if (*named < CHECK_NAMES) {
		if (*named > 0)
			put_plain(buf, size, ", ");
		if (store != NULL) {
			put_plain(buf, size, store);
			put_plain(buf, size, "/");
		}
		put_plain(buf, size, alias != NULL ? alias : "-");
	}
	(*named)++;
}

static int
parse_days(const char *opt, int *out)
{
	/* 0 turns the threshold off; ten years is far enough */
	if (cli_parse_int(optarg, 0, 3650, out) != 0) {
		fprintf(stderr, "phonetrust check: %s: expected a number of "
		    "days, 0 to 3650\n", opt);
		return -1;
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	char **v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_WARNING:
			if (parse_days("--warning", &a->warn) != 0)
				return CHECK_UNKNOWN;
			a->warn_set = 1;
			break;
		case OPT_CRITICAL:
			if (parse_days("--critical", &a->crit) != 0)
				return CHECK_UNKNOWN;
			a->crit_set = 1;
			break;
		case OPT_FLEET:
			if (*optarg == '\0') {
				cli_fail("check", "--fleet", "empty file name");
				return CHECK_UNKNOWN;
			}
			if ((v = realloc(a->fleet, (a->nfleet + 1) *
			    sizeof(*v))) == NULL) {
				cli_fail("check", NULL, "out of memory");
				return CHECK_UNKNOWN;
			}
			a->fleet = v;
			a->fleet[a->nfleet++] = optarg;
			break;
		case OPT_FORMAT:
			if (ptrust_fleet_format_from_name(optarg, &a->format) !=
			    0) {
				cli_fail("check", "--format", "expected auto, dir, "
				    "csv, extract, verdict or fleet");
				return CHECK_UNKNOWN;
			}
			break;
		case OPT_AT:
			if (cli_opt_time("check", "--at", &a->at) != CLI_OK)
				return CHECK_UNKNOWN;
			break;
		case 'h':
		case OPT_HELP:
			check_usage(stdout);
			return CLI_HELP;
		default:	/* '?' or ':' */
			cli_bad_option("check", c, argv);
			return CHECK_UNKNOWN;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "phonetrust check: unexpected argument \"%s\" "
		    "(try --help)\n", argv[optind]);
		return CHECK_UNKNOWN;
	}
	if (!a->warn_set && a->crit_set && a->crit > a->warn)
		a->warn = a->crit;
	if (a->warn != 0 && a->crit > a->warn) {
		fprintf(stderr, "phonetrust check: --critical %d is more days "
		    "than --warning %d\n", a->crit, a->warn);
		return CHECK_UNKNOWN;
	}
	return CHECK_OK;
}

/*
 * The lint's findings as of now, "expiring" meaning within days.  The
 * first pass (critical 0, the warning days) counts errors, warnings and
 * expiring anchors; the second (critical 1, the critical days) only the
 * anchors expiring within the narrower window.  Names go to the lists
 * the status line quotes.
 */
static int
lint_pass(ptrust_cluster *c, time_t now, int days, struct found *fd,
    int critical)
{
	ptrust_lint *l = NULL;
	size_t i;

	if (ptrust_cluster_lint(c, now, days, &l) != PTRUST_OK) {
		fprintf(stderr, "phonetrust check: lint: %s\n",
		    *ptrust_cluster_error(c) != '\0' ?
		    ptrust_cluster_error(c) : "out of memory");
		return -1;
	}
	for (i = 0; i < ptrust_lint_count(l); i++) {
		ptrust_lint_code code = ptrust_lint_finding_code(l, i);
		ptrust_severity sev = ptrust_lint_finding_severity(l, i);
		const char *store = ptrust_lint_finding_store(l, i);
		const char *alias = ptrust_lint_finding_alias(l, i);

		if (critical && code == PTRUST_LINT_EXPIRING) {
			fd->crit_anchors++;
			add_name(fd->crit_names, sizeof(fd->crit_names),
			    &fd->crit_named, store, alias);
			continue;
		}
		if (critical)
			continue;
		if (sev == PTRUST_SEVERITY_ERROR) {
			fd->lint_errors++;
			if (code == PTRUST_LINT_EXPIRED)
				fd->expired++;
			add_name(fd->crit_names, sizeof(fd->crit_names),
			    &fd->crit_named, store, alias);
		} else if (sev == PTRUST_SEVERITY_WARNING)
			fd->lint_warnings++;
		if (code == PTRUST_LINT_EXPIRING) {
			fd->warn_anchors++;
			add_name(fd->warn_names, sizeof(fd->warn_names),
			    &fd->warn_named, store, alias);
		}
	}
	ptrust_lint_free(l);
	return 0;
}

/* The next anchor to end, for the performance data: a measure, no rule. */
static void
next_anchor(ptrust_cluster *c, time_t now, struct found *fd)
{
	ptrust_builder *b;
	const ptrust_anchor *a;
	time_t na;
	size_t s, i;

	fd->next_days = -1;
	for (s = 0; s < ptrust_cluster_store_count(c); s++) {
		b = ptrust_cluster_store(c, ptrust_cluster_store_name(c, s), 0);
		for (i = 0; b != NULL && i < ptrust_builder_anchor_count(b);
		    i++) {
			a = ptrust_builder_anchor(b, i);
			fd->anchors++;
			if ((na = ptrust_anchor_not_after(a)) < now)
				continue;	/* the lint's error already */
			if (fd->next_days < 0 ||
			    (long long)(na - now) / 86400 < fd->next_days) {
				fd->next_days = (long long)(na - now) / 86400;
				fd->next_name = ptrust_anchor_alias(a);
			}
		}
	}
}

/* Phones whose last usable certificate ends within the thresholds. */
static int
fleet_pass(ptrust_cluster **c, const struct args *a, time_t now,
    struct found *fd)
{
	ptrust_fleet *fl = NULL;
	ptrust_fleet_timeline *tl = NULL;
	size_t i, k, n;
	time_t t;
	int rc = -1;

	fd->loss_days = -1;
	if (rf_open("check", c, a->fleet, a->nfleet, a->format, a->at, 0, 1,
	    &fl, &fd->problems) != CLI_OK)
		return -1;
	fd->phones = ptrust_fleet_phone_count(fl);
	if (ptrust_fleet_timeline_new(fl, NULL, now, 0, &tl) != PTRUST_OK) {
		fprintf(stderr, "phonetrust check: %s\n",
		    ptrust_fleet_error(fl));
		goto done;
	}
	for (i = 0; i < ptrust_fleet_timeline_loss_count(tl); i++) {
		t = ptrust_fleet_timeline_loss_time(tl, i);
		n = ptrust_fleet_timeline_loss_phone_count(tl, i);
		/* lost before now is not "about to": report's business */
		if (t < now)
			continue;
		if (fd->loss_days < 0)
			fd->loss_days = (long long)(t - now) / 86400;
		if (a->crit != 0 && t - now < (time_t)a->crit * 86400) {
			fd->losing_crit += n;
			for (k = 0; k < n; k++)
				add_name(fd->crit_names, sizeof(fd->crit_names),
				    &fd->crit_named, NULL,
				    ptrust_fleet_timeline_loss_device(tl, i, k));
		} else if (a->warn != 0 && t - now < (time_t)a->warn * 86400) {
			fd->losing_warn += n;
			for (k = 0; k < n; k++)
				add_name(fd->warn_names, sizeof(fd->warn_names),
				    &fd->warn_named, NULL,
				    ptrust_fleet_timeline_loss_device(tl, i, k));
		}
	}
	rc = 0;
done:
	ptrust_fleet_timeline_free(tl);
	ptrust_fleet_free(fl);
	return rc;
}

/* "; N one|many[ within DAYS days]" onto line, when n is not 0. */
static void
part(char *line, size_t size, size_t n, const char *one, const char *many,
    int days)
{
	size_t len = strlen(line);

	if (n == 0 || len + 1 >= size)
		return;
	snprintf(line + len, size - len, "%s%zu %s", len > 0 ? "; " : "",
	    n, n == 1 ? one : many);
	len = strlen(line);
	if (days >= 0 && len + 1 < size)
		snprintf(line + len, size - len, " within %d days", days);
}

/* " (store/alias, ... and N more)" of the anchors concerned. */
static void
name_list(char *buf, size_t size, const char *names, size_t named)
{
	if (named == 0)
		return;
	put_plain(buf, size, " (");
	put_plain(buf, size, names);
	if (named > CHECK_NAMES)
		snprintf(buf + strlen(buf), size - strlen(buf), " and %zu more",
		    named - CHECK_NAMES);
	put_plain(buf, size, ")");
}

static void
print_status(int status, const struct args *a, const struct found *fd,
    int with_fleet)
{
	static const char *const word[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };
	char line[1024] = "", names[600];

	part(line, sizeof(line), fd->lint_errors, "lint error", "lint errors",
	    -1);
	part(line, sizeof(line), fd->crit_anchors, "anchor ending",
	    "anchors ending", a->crit);
	part(line, sizeof(line), fd->losing_crit, PHONE_LOSING,
	    PHONES_LOSING, a->crit);
	part(line, sizeof(line), fd->warn_anchors > fd->crit_anchors ?
	    fd->warn_anchors - fd->crit_anchors : 0, "anchor ending",
	    "anchors ending", a->warn);
	part(line, sizeof(line), fd->losing_warn, PHONE_LOSING,
	    PHONES_LOSING, a->warn);
	names[0] = '\0';
	if (status == CHECK_CRITICAL)
		name_list(names, sizeof(names), fd->crit_names, fd->crit_named);
	else if (status == CHECK_WARNING)
		name_list(names, sizeof(names), fd->warn_names, fd->warn_named);
	if (line[0] == '\0') {
		snprintf(line, sizeof(line), "%zu anchors in the stores",
		    fd->anchors);
		if (fd->next_days >= 0) {
			snprintf(line + strlen(line), sizeof(line) -
			    strlen(line), ", the next ends in %lld days (",
			    fd->next_days);
			put_plain(line, sizeof(line), fd->next_name);
			put_plain(line, sizeof(line), ")");
		}
		if (with_fleet)
			snprintf(line + strlen(line), sizeof(line) -
			    strlen(line), "; %zu phones", fd->phones);
	}
	printf("PHONETRUST %s - %s%s |", word[status], line, names);
	/* label=value;warn;crit;min -- ranges: above 0 alerts */
	printf(" lint_errors=%zu;;0;0 lint_warnings=%zu;;;0", fd->lint_errors,
	    fd->lint_warnings);
	printf(" anchors=%zu;;;0 anchors_expired=%zu;;0;0", fd->anchors,
	    fd->expired);
	printf(" anchors_warning=%zu;0;;0 anchors_critical=%zu;;0;0",
	    fd->warn_anchors, fd->crit_anchors);
	if (fd->next_days >= 0)
		printf(" next_anchor_days=%lld;%d:;%d:;0", fd->next_days,
		    a->warn, a->crit);
	if (with_fleet) {
		printf(" phones=%zu;;;0 phones_losing_warning=%zu;0;;0 "
		    "phones_losing_critical=%zu;;0;0 inventory_problems=%zu;;;0",
		    fd->phones, fd->losing_warn, fd->losing_crit,
		    fd->problems);
		if (fd->loss_days >= 0)
			printf(" next_loss_days=%lld;%d:;%d:;0", fd->loss_days,
			    a->warn, a->crit);
	}
	putchar('\n');
}

int
cmd_check(int argc, char **argv, const char *cluster_dir)
{
	struct args a;
	struct found fd;
	ptrust_cluster *c = NULL;
	const char *dir;
	time_t now;
	int rc, status;

	memset(&a, 0, sizeof(a));
	memset(&fd, 0, sizeof(fd));
	a.warn = CHECK_WARN_DAYS;
	a.crit = CHECK_CRIT_DAYS;
	status = CHECK_UNKNOWN;
	if ((rc = parse_args(argc, argv, &a)) != CHECK_OK) {
		if (rc == CLI_HELP) {
			free(a.fleet);
			return CHECK_OK;
		}
		goto done;
	}
	now = a.at != 0 ? a.at : time(NULL);
	if (cli_open_cluster("check", cluster_dir, &c, &dir) != CLI_OK)
		goto done;
	/* warning-wide first (errors counted), then critical-narrow */
	if (lint_pass(c, now, a.warn, &fd, 0) != 0 ||
	    (a.crit != 0 && lint_pass(c, now, a.crit, &fd, 1) != 0))
		goto done;
	next_anchor(c, now, &fd);
	/* the fleet takes the cluster: names above are copied out first */
	if (fd.next_name != NULL)
		fd.next_name = strdup(fd.next_name);
	if (a.nfleet > 0 && fleet_pass(&c, &a, now, &fd) != 0)
		goto done;
	if (fd.lint_errors > 0 || fd.crit_anchors > 0 || fd.losing_crit > 0)
		status = CHECK_CRITICAL;
	else if (fd.warn_anchors > 0 || fd.losing_warn > 0)
		status = CHECK_WARNING;
	else
		status = CHECK_OK;
	print_status(status, &a, &fd, a.nfleet > 0);
done:
	/* a monitoring system shows standard output: say why, briefly */
	if (status == CHECK_UNKNOWN)
		printf("PHONETRUST UNKNOWN - %s (see standard error)\n",
		    rc != CHECK_OK ? "unusable command line" :
		    a.nfleet > 0 ? "the cluster or the fleet could not be read" :
		    "the cluster could not be read");
	free((char *)fd.next_name);
	ptrust_cluster_free(c);
	free(a.fleet);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "phonetrust check: standard output: %s\n",
		    strerror(errno));
		/* told: UNKNOWN, not the other commands' 2 at exit */
		clearerr(stdout);
		return CHECK_UNKNOWN;
	}
	return status;
}
