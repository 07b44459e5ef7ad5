/*
 * phonetrust capf: what CAPF decides when a phone asks for a certificate
 * operation (install or upgrade, delete, troubleshoot) under an
 * authentication mode, in CUCM's words ("Upgrade Failed: Invalid LSC").
 * Exit 0 when CAPF would succeed, 1 when it fails the operation, 2 the
 * input or command line is unusable.
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

/* The configured string is 4..10 digits, as CUCM has it. */
#define AUTH_MIN	4
#define AUTH_MAX	10

enum {
	OPT_DEVICE = 256, OPT_OPERATION, OPT_AUTH_MODE, OPT_LSC, OPT_MIC,
	OPT_AUTH_STRING, OPT_EXPECTED, OPT_AT, OPT_JSON, OPT_QUIET, OPT_HELP
};

static const struct option longopts[] = {
	{ "device",		  required_argument, NULL, OPT_DEVICE },
	{ "operation",		  required_argument, NULL, OPT_OPERATION },
	{ "auth-mode",		  required_argument, NULL, OPT_AUTH_MODE },
	{ "lsc",		  required_argument, NULL, OPT_LSC },
	{ "mic",		  required_argument, NULL, OPT_MIC },
	{ "auth-string",	  required_argument, NULL, OPT_AUTH_STRING },
	{ "expected-auth-string", required_argument, NULL, OPT_EXPECTED },
	{ "at",			  required_argument, NULL, OPT_AT },
	{ "json",		  no_argument,	     NULL, OPT_JSON },
	{ "quiet",		  no_argument,	     NULL, OPT_QUIET },
	{ "help",		  no_argument,	     NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static const struct {
	const char		*name;
	ptrust_capf_operation	 op;
} operations[] = {
	/* CUCM's page says "Install/Upgrade", its status "Upgrade ..." */
	{ "install",	  PTRUST_CAPF_INSTALL },
	{ "upgrade",	  PTRUST_CAPF_INSTALL },
	{ "delete",	  PTRUST_CAPF_DELETE },
	{ "troubleshoot", PTRUST_CAPF_TROUBLESHOOT }
};
#define NOPERATIONS	(sizeof(operations) / sizeof(operations[0]))

struct capf_args {
	const char		*device;
	const char		*lsc;
	const char		*mic;
	const char		*operation;	/* its name, "install" for upgrade */
	ptrust_capf_operation	 op;
	const char		*mode_name;
	ptrust_auth_mode	 mode;
	const char		*entered;
	const char		*expected;
	time_t			 at;
	int			 has_at;
	int			 json;
	int			 quiet;
};

static void
capf_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] capf --device NAME "
	    "--operation OPERATION\n"
	    "    --auth-mode MODE [--lsc FILE] [--mic FILE]\n"
	    "    [--auth-string S --expected-auth-string S] [--at TIME] "
	    "[--json] [--quiet]\n"
	    "  OPERATION: install (or upgrade, the same), delete or "
	    "troubleshoot\n"
	    "  MODE: lsc-first, mic-first, auth-string or null-string\n"
	    "  what CAPF decides for the phone's certificate operation, in "
	    "CUCM's words\n");
}

static int
fail(const char *what, const char *msg)
{
	return cli_fail("capf", what, msg);
}

static int
digits_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= AUTH_MIN && n <= AUTH_MAX && strspn(s, "0123456789") == n;
}

static int
parse_args(int argc, char **argv, struct capf_args *a)
{
	size_t i;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DEVICE:
			if (cli_opt_once("capf", "--device", 0,
			    &a->device) != CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_OPERATION:
			for (i = 0; i < NOPERATIONS; i++)
				if (strcmp(optarg, operations[i].name) == 0)
					break;
			if (i == NOPERATIONS)
				return fail("--operation", "must be install "
				    "(or upgrade, the same), delete or "
				    "troubleshoot");
			a->op = operations[i].op;
			/* one name per operation for scripts: the first */
			for (i = 0; operations[i].op != a->op; i++)
				;
			a->operation = operations[i].name;
			break;
		case OPT_AUTH_MODE:
			if (ptrust_auth_mode_from_name(optarg, &a->mode) == -1)
				return fail("--auth-mode", "must be lsc-first, "
				    "mic-first, auth-string or null-string");
			a->mode_name = ptrust_auth_mode_name(a->mode);
			break;
		case OPT_LSC:
			if (cli_opt_once("capf", "--lsc", 1,
			    &a->lsc) != CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_MIC:
			if (cli_opt_once("capf", "--mic", 1,
			    &a->mic) != CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_AUTH_STRING:
			if (cli_opt_once("capf", "--auth-string", 0,
			    &a->entered) != CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_EXPECTED:
			if (cli_opt_once("capf", "--expected-auth-string", 0,
			    &a->expected) != CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_AT:
			if (cli_opt_time("capf", "--at", &a->at) != CLI_OK)
				return CLI_USAGE;
			a->has_at = 1;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_QUIET:
			a->quiet = 1;
			break;
		case 'h':
		case OPT_HELP:
			capf_usage(stdout);
			exit(CLI_OK);
		default:	/* '?' or ':' */
			return cli_bad_option("capf", c, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "phonetrust capf: unexpected argument "
		    "\"%s\" (try --help)\n", argv[optind]);
		return CLI_USAGE;
	}
	if (a->device == NULL)
		return fail(NULL, "no --device NAME given (try --help)");
	if (a->operation == NULL)
		return fail(NULL, "no --operation given (install or upgrade, "
		    "delete or troubleshoot)");
	if (a->mode_name == NULL)
		return fail(NULL, "no --auth-mode given (lsc-first, "
		    "mic-first, auth-string or null-string)");
	if ((a->entered == NULL) != (a->expected == NULL))
		return fail(a->entered == NULL ? "--expected-auth-string" :
		    "--auth-string", a->entered == NULL ? "needs "
		    "--auth-string (the string typed on the phone)" : "needs "
		    "--expected-auth-string (the one configured in CUCM)");
	if (a->mode == PTRUST_AUTH_STRING && a->entered == NULL)
		return fail("--auth-mode", "auth-string needs --auth-string "
		    "and --expected-auth-string");
	/* what the phone's user typed may be wrong; the configuration not */
	if (a->expected != NULL && !digits_ok(a->expected))
		return fail("--expected-auth-string", "must be 4 to 10 digits");
	return CLI_OK;
}

static void
print_human(const ptrust_capf_outcome *out, const struct capf_args *a)
{
	const ptrust_result *r = ptrust_capf_outcome_result(out);
	const char *fix = ptrust_capf_outcome_fix(out);
	int ok = ptrust_capf_outcome_success(out);

	cli_verdict(stdout, ok ? "SUCCESS" : "FAILURE", ok, "%s: %s (%s)",
	    a->device, ptrust_capf_outcome_status(out), a->mode_name);
	if (r != NULL) {
		printf("  presented: %s (%s)\n",
		    phone_presented_name(ptrust_result_presented(r)),
		    a->mode == PTRUST_AUTH_LSC_FIRST ? "lsc-first: the LSC "
		    "when the phone has one, else the MIC" : "mic-first: the "
		    "MIC when the phone has one, else the LSC");
		verdict_print(stdout, r, "  ", a->device);
	} else
		printf("  no certificate checked (%s)\n",
		    a->mode == PTRUST_AUTH_STRING ? "by authentication string" :
		    a->mode == PTRUST_AUTH_NULL_STRING ? "by null string" :
		    "the phone has neither an LSC nor a MIC");
	/* the validation's fix is CAPF's when a certificate failed */
	if (fix != NULL && (r == NULL || ptrust_result_fix(r) == NULL ||
	    ptrust_result_trusted(r) || strcmp(fix, ptrust_result_fix(r)) != 0))
		printf("  fix: %s\n", fix);
}

static void
print_json(const ptrust_capf_outcome *out, const struct capf_args *a)
{
	const ptrust_result *r = ptrust_capf_outcome_result(out);
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "success");
	json_bool(&j, ptrust_capf_outcome_success(out));
	json_key(&j, "device");
	json_string(&j, a->device);
	json_key(&j, "operation");
	json_string(&j, a->operation);
	json_key(&j, "auth_mode");
	json_string(&j, a->mode_name);
	json_key(&j, "status");
	json_string(&j, ptrust_capf_outcome_status(out));
	json_key(&j, "fix");
	json_string(&j, ptrust_capf_outcome_fix(out));
	/* the verdict object of every command (src/verdict.c) */
	json_key(&j, "result");
	verdict_json(&j, r, ptrust_cluster_purpose_name(PTRUST_CLUSTER_CAPF));
	json_object_end(&j);
	fputc('\n', stdout);
}

int
cmd_capf(int argc, char **argv, const char *cluster_dir)
{
	struct capf_args a;
	ptrust_capf_outcome *out = NULL;
	ptrust_cluster *c = NULL;
	ptrust_options *o = NULL;
	ptrust_phone *ph = NULL;
	ptrust_status st;
	const char *dir = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = parse_args(argc, argv, &a)) != CLI_OK)
		return rc;
	rc = CLI_USAGE;
	if (phone_load("capf", a.device, a.lsc, a.mic, &ph) != CLI_OK)
		goto done;
	if ((o = ptrust_options_new()) == NULL) {
		fail(NULL, "out of memory");
		goto done;
	}
	if (a.has_at && ptrust_options_set_time(o, a.at) != PTRUST_OK) {
		fail("--at", ptrust_options_error(o));
		goto done;
	}
	if (cli_open_cluster("capf", cluster_dir, &c, &dir) != CLI_OK)
		goto done;
	st = ptrust_capf_decide(c, ph, a.op, a.mode, a.entered, a.expected, o,
	    &out);
	if (st != PTRUST_OK) {
		fail(dir, out != NULL &&
		    *ptrust_capf_outcome_error(out) != '\0' ?
		    ptrust_capf_outcome_error(out) : ptrust_status_name(st));
		goto done;
	}
	if (!a.quiet && a.json)
		print_json(out, &a);
	else if (!a.quiet)
		print_human(out, &a);
	rc = ptrust_capf_outcome_success(out) ? CLI_OK : CLI_REFUSED;
done:
	ptrust_capf_outcome_free(out);
	ptrust_cluster_free(c);
	ptrust_options_free(o);
	ptrust_phone_free(ph);
	if (rc != CLI_USAGE && fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust capf: standard output: %s\n",
		    strerror(errno));
		rc = CLI_USAGE;
	}
	return rc;
}
