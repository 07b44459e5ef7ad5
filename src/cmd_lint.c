/*
 * phonetrust lint: store hygiene of a cluster, as ptrust_cluster_lint
 * finds it -- CAPF certificates CUCM 14SU2 refuses, expired and expiring
 * anchors, duplicate subjects, SHA-1, key sizes, non-CAs, manufacturing
 * CAs still trusted, Cisco look-alikes, validity times OpenSSL refuses
 * (Cisco's ECC CAs).  Exit 1 when any finding is an error, 0 otherwise,
 * 2 the command line or the cluster is unusable.
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

#include "cli.h"
#include "input.h"
#include "json.h"
#include "output.h"
#include "verdict.h"

/* How far ahead "expiring" looks, as the library's own example does. */
#define LINT_DAYS	90

enum { OPT_JSON = 256, OPT_HELP };

static const struct option longopts[] = {
	{ "json",	no_argument, NULL, OPT_JSON },
	{ "help",	no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static void
lint_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] lint [--json]\n"
	    "  store hygiene findings of the cluster (expiring: within %d "
	    "days);\n  exit 1 when any finding is an error\n", LINT_DAYS);
}

static int
parse_args(int argc, char **argv, int *json)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			*json = 1;
			break;
		case 'h':
		case OPT_HELP:
			lint_usage(stdout);
			exit(CLI_OK);
		default:	/* '?' or ':' */
			return cli_bad_option("lint", c, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "phonetrust lint: unexpected argument \"%s\" "
		    "(try --help)\n", argv[optind]);
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* A field of the table; control characters of a subject never reach
 * the terminal. */
static void
put_field(const char *s, int width)
{
	int n = 0;

	for (; *s != '\0'; s++, n++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	for (; n < width; n++)
		putchar(' ');
}

static int
imax(int a, size_t b)
{
	return b > (size_t)a ? (int)b : a;
}

static const char *
alias_or_dash(const ptrust_lint *l, size_t i)
{
	const char *alias = ptrust_lint_finding_alias(l, i);

	return alias != NULL ? alias : "-";
}

static void
print_human(const ptrust_lint *l, const char *dir, size_t count[3])
{
	size_t i, n = ptrust_lint_count(l);
	int w[4] = { 8, 4, 5, 5 };	/* the headers' widths */

	if (n == 0) {
		printf("no findings in %s\n", dir);
		return;
	}
	for (i = 0; i < n; i++) {
		w[0] = imax(w[0], strlen(ptrust_severity_name(
		    ptrust_lint_finding_severity(l, i))));
		w[1] = imax(w[1], strlen(ptrust_lint_code_name(
		    ptrust_lint_finding_code(l, i))));
		w[2] = imax(w[2], strlen(ptrust_lint_finding_store(l, i)));
		w[3] = imax(w[3], strlen(alias_or_dash(l, i)));
	}
	printf("%-*s  %-*s  %-*s  %-*s  MESSAGE\n", w[0], "SEVERITY", w[1],
	    "CODE", w[2], "STORE", w[3], "ALIAS");
	for (i = 0; i < n; i++) {
		put_field(ptrust_severity_name(
		    ptrust_lint_finding_severity(l, i)), w[0] + 2);
		put_field(ptrust_lint_code_name(
		    ptrust_lint_finding_code(l, i)), w[1] + 2);
		put_field(ptrust_lint_finding_store(l, i), w[2] + 2);
		put_field(alias_or_dash(l, i), w[3] + 2);
		put_field(ptrust_lint_finding_message(l, i), 0);
		putchar('\n');
	}
	printf("%zu finding%s: %zu error%s, %zu warning%s, %zu info\n", n,
	    n == 1 ? "" : "s", count[PTRUST_SEVERITY_ERROR],
	    count[PTRUST_SEVERITY_ERROR] == 1 ? "" : "s",
	    count[PTRUST_SEVERITY_WARNING],
	    count[PTRUST_SEVERITY_WARNING] == 1 ? "" : "s",
	    count[PTRUST_SEVERITY_INFO]);
}

static void
print_json(const ptrust_lint *l, const char *dir, size_t count[3])
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "cluster");
	json_string(&j, dir);
	json_key(&j, "days");
	json_number(&j, LINT_DAYS);
	json_key(&j, "errors");
	json_number(&j, (long long)count[PTRUST_SEVERITY_ERROR]);
	json_key(&j, "warnings");
	json_number(&j, (long long)count[PTRUST_SEVERITY_WARNING]);
	json_key(&j, "info");
	json_number(&j, (long long)count[PTRUST_SEVERITY_INFO]);
	json_key(&j, "findings");
	json_array_begin(&j);
	for (i = 0; i < ptrust_lint_count(l); i++) {
		json_object_begin(&j);
		json_key(&j, "severity");
		json_string(&j, ptrust_severity_name(
		    ptrust_lint_finding_severity(l, i)));
		json_key(&j, "code");
		json_string(&j, ptrust_lint_code_name(
		    ptrust_lint_finding_code(l, i)));
		json_key(&j, "store");
		json_string(&j, ptrust_lint_finding_store(l, i));
		json_key(&j, "alias");
		json_string(&j, ptrust_lint_finding_alias(l, i));
		json_key(&j, "message");
		json_string(&j, ptrust_lint_finding_message(l, i));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', stdout);
}

int
cmd_lint(int argc, char **argv, const char *cluster_dir)
{
	ptrust_cluster *c = NULL;
	ptrust_lint *l = NULL;
	ptrust_status st;
	const char *dir = NULL;
	size_t i, count[3] = { 0, 0, 0 };
	int json = 0, rc;

	if ((rc = parse_args(argc, argv, &json)) != CLI_OK)
		return rc;
	rc = CLI_USAGE;
	if (cli_open_cluster("lint", cluster_dir, &c, &dir) != CLI_OK)
		goto done;
	if ((st = ptrust_cluster_lint(c, time(NULL), LINT_DAYS, &l)) !=
	    PTRUST_OK) {
		cli_fail("lint", dir, *ptrust_cluster_error(c) != '\0' ?
		    ptrust_cluster_error(c) : ptrust_status_name(st));
		goto done;
	}
	for (i = 0; i < ptrust_lint_count(l); i++) {
		ptrust_severity s = ptrust_lint_finding_severity(l, i);

		if (s >= PTRUST_SEVERITY_INFO && s <= PTRUST_SEVERITY_ERROR)
			count[s]++;
	}
	if (json)
		print_json(l, dir, count);
	else
		print_human(l, dir, count);
	rc = count[PTRUST_SEVERITY_ERROR] > 0 ? CLI_REFUSED : CLI_OK;
done:
	ptrust_lint_free(l);
	ptrust_cluster_free(c);
	if (rc != CLI_USAGE && fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust lint: standard output: %s\n",
		    strerror(errno));
		rc = CLI_USAGE;
	}
	return rc;
}
