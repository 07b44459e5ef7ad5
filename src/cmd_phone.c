/*
 * phonetrust phone: would the cluster accept this phone?  The phone holds
 * an LSC and/or a MIC and picks what it presents itself (its LSC whenever
 * it has one); the chain is validated for a purpose and must name the
 * device.  Exit 0 trusted, 1 refused, 2 the input or command line is
 * unusable.
 *
 * phone_load and phone_presented_name are shared with cmd_capf.c; the
 * verdict is printed by src/verdict.c, as every command prints it.
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

enum {
	OPT_DEVICE = 256, OPT_LSC, OPT_MIC, OPT_PURPOSE, OPT_WITHOUT_LSC,
	OPT_AT, OPT_ALLOW_SHA1, OPT_JSON, OPT_QUIET, OPT_HELP
};

static const struct option longopts[] = {
	{ "device",		required_argument, NULL, OPT_DEVICE },
	{ "lsc",		required_argument, NULL, OPT_LSC },
	{ "mic",		required_argument, NULL, OPT_MIC },
	{ "purpose",		required_argument, NULL, OPT_PURPOSE },
	{ "without-lsc",	no_argument,	   NULL, OPT_WITHOUT_LSC },
	{ "at",			required_argument, NULL, OPT_AT },
	{ "allow-sha1",		no_argument,	   NULL, OPT_ALLOW_SHA1 },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "quiet",		no_argument,	   NULL, OPT_QUIET },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

struct phone_args {
	const char		*device;
	const char		*lsc;
	const char		*mic;
	ptrust_cluster_purpose	 purpose;
	time_t			 at;
	int			 has_at;
	int			 without_lsc;
	int			 allow_sha1;
	int			 json;
	int			 quiet;
};

static void
phone_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] phone --device NAME "
	    "[--lsc FILE] [--mic FILE]\n"
	    "    [--purpose callmanager-tls|capf|802.1x|vpn] [--without-lsc] "
	    "[--at TIME]\n"
	    "    [--allow-sha1] [--json] [--quiet]\n"
	    "  validate a phone the way the cluster would: it presents its "
	    "LSC when it has\n  one, else its MIC, and the certificate must "
	    "name the device\n");
}

static int
fail(const char *what, const char *msg)
{
	return cli_fail("phone", what, msg);
}

static int
parse_args(int argc, char **argv, struct phone_args *a)
{
	int c;

	a->purpose = PTRUST_CLUSTER_CALLMANAGER_TLS;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DEVICE:
			if (a->device != NULL)
				return fail("--device", "given twice");
			a->device = optarg;
			break;
		case OPT_LSC:
			if (cli_opt_once("phone", "--lsc", 1, &a->lsc) != CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_MIC:
			if (cli_opt_once("phone", "--mic", 1, &a->mic) != CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_PURPOSE:
			if (ptrust_cluster_purpose_from_name(optarg,
			    &a->purpose) == -1)
				return fail("--purpose", "must be "
				    "callmanager-tls, capf, 802.1x or vpn");
			break;
		case OPT_WITHOUT_LSC:
			a->without_lsc = 1;
			break;
		case OPT_AT:
			if (cli_opt_time("phone", "--at", &a->at) != CLI_OK)
				return CLI_USAGE;
			a->has_at = 1;
			break;
		case OPT_ALLOW_SHA1:
			a->allow_sha1 = 1;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_QUIET:
			a->quiet = 1;
			break;
		case 'h':
		case OPT_HELP:
			phone_usage(stdout);
			exit(CLI_OK);
		default:	/* '?' or ':' */
			return cli_bad_option("phone", c, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "phonetrust phone: unexpected argument "
		    "\"%s\" (try --help)\n", argv[optind]);
		return CLI_USAGE;
	}
	if (a->device == NULL)
		return fail(NULL, "no --device NAME given (try --help)");
	return CLI_OK;
}

/* ---------------------------------------------------------------------
 * Shared with cmd_capf.c.
 */

const char *
phone_presented_name(ptrust_presented p)
{
	switch (p) {
	case PTRUST_PRESENTED_LSC:	return "LSC";
	case PTRUST_PRESENTED_MIC:	return "MIC";
	case PTRUST_PRESENTED_NONE:	break;
	}
	return "none";
}

/*
 * Give the phone the chains of the --lsc and --mic files (NULL: none;
 * "-": standard input, for one of them).  Both are read before the
 * cluster is opened, so a bad file is told in one line and nothing runs.
 */
int
phone_load(const char *cmd, const char *device, const char *lsc,
    const char *mic, ptrust_phone **out)
{
	ptrust_chain *ch;
	ptrust_status st = PTRUST_OK;
	int i;

	if ((*out = ptrust_phone_new(device)) == NULL)
		return cli_fail(cmd, "--device", "not a valid device name (SEP "
		    "+ 12 hex digits, or 1..64 letters, digits, '-', '_', "
		    "'.')");
	if (lsc != NULL && mic != NULL && strcmp(lsc, "-") == 0 &&
	    strcmp(mic, "-") == 0) {
		cli_fail(cmd, "--mic", "standard input is read for --lsc "
		    "already");
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		const char *path = i == 0 ? lsc : mic;

		if (path == NULL)
			continue;
		if (cli_chain_from_file(cmd, path, &ch) != CLI_OK)
			goto fail;
		st = i == 0 ? ptrust_phone_set_lsc(*out, ch) :
		    ptrust_phone_set_mic(*out, ch);
		ptrust_chain_free(ch);
		if (st != PTRUST_OK) {
			cli_fail(cmd, path, ptrust_status_name(st));
			goto fail;
		}
	}
	return CLI_OK;
fail:
	ptrust_phone_free(*out);
	*out = NULL;
	return CLI_USAGE;
}

/* ------------------------------------------------------------------ */

/* Why the phone presented what it did: the selection rule, in words. */
static const char *
selection_why(const ptrust_phone *ph, ptrust_presented p, int without_lsc)
{
	switch (p) {
	case PTRUST_PRESENTED_LSC:
		return "a phone holding an LSC always presents it, never its "
		    "MIC";
	case PTRUST_PRESENTED_MIC:
		if (without_lsc && ptrust_phone_has_lsc(ph))
			return "as if its LSC were deleted (--without-lsc, "
			    "the quick test)";
		return "the phone has no LSC, so it presents its MIC";
	case PTRUST_PRESENTED_NONE:
		break;
	}
	if (without_lsc && ptrust_phone_has_lsc(ph))
		return "as if its LSC were deleted (--without-lsc), and it "
		    "has no MIC";
	return "the phone has neither an LSC nor a MIC";
}

static void
print_human(const ptrust_phone *ph, const ptrust_result *r,
    const struct phone_args *a)
{
	ptrust_presented p = ptrust_result_presented(r);

	/* the verdict of every command, with what the phone chose */
	verdict_print_head(stdout, r, "", a->device);
	printf("  presented: %s: %s\n", phone_presented_name(p),
	    selection_why(ph, p, a->without_lsc));
	printf("  purpose: %s\n", ptrust_cluster_purpose_name(a->purpose));
	verdict_print_details(stdout, r, "");
}

static void
print_json(const ptrust_result *r, const struct phone_args *a)
{
	struct json j;

	json_init(&j, stdout);
	verdict_json(&j, r, ptrust_cluster_purpose_name(a->purpose));
	fputc('\n', stdout);
}

int
cmd_phone(int argc, char **argv, const char *cluster_dir)
{
	struct phone_args a;
	ptrust_cluster *c = NULL;
	ptrust_options *o = NULL;
	ptrust_phone *ph = NULL;
	ptrust_result *r = NULL;
	ptrust_status st;
	const char *dir = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = parse_args(argc, argv, &a)) != CLI_OK)
		return rc;
	rc = CLI_USAGE;
	if (phone_load("phone", a.device, a.lsc, a.mic, &ph) != CLI_OK)
		goto done;
	if ((o = ptrust_options_new()) == NULL) {
		fail(NULL, "out of memory");
		goto done;
	}
	st = PTRUST_OK;
	if (a.has_at)
		st = ptrust_options_set_time(o, a.at);
	if (st == PTRUST_OK && a.allow_sha1)
		st = ptrust_options_insecure_allow_sha1(o, 1);
	if (st != PTRUST_OK) {
		fail(NULL, ptrust_options_error(o));
		goto done;
	}
	if (cli_open_cluster("phone", cluster_dir, &c, &dir) != CLI_OK)
		goto done;
	/* as verify does: a purpose without a store is the setup's fault */
	if (ptrust_cluster_purpose_store(c, a.purpose) == NULL) {
		fprintf(stderr, "phonetrust phone: %s: no store is set for %s "
		    "in cluster.conf\n", dir,
		    ptrust_cluster_purpose_name(a.purpose));
		goto done;
	}
	st = ptrust_cluster_verify_phone(c, ph, a.purpose, o,
	    a.without_lsc ? PTRUST_PHONE_WITHOUT_LSC : 0, &r);
	if (st != PTRUST_OK) {
		fail(dir, r != NULL && *ptrust_result_error(r) != '\0' ?
		    ptrust_result_error(r) : ptrust_status_name(st));
		goto done;
	}
	if (!a.quiet && a.json)
		print_json(r, &a);
	else if (!a.quiet)
		print_human(ph, r, &a);
	rc = ptrust_result_trusted(r) ? CLI_OK : CLI_REFUSED;
done:
	ptrust_result_free(r);
	ptrust_cluster_free(c);
	ptrust_options_free(o);
	ptrust_phone_free(ph);
	if (rc != CLI_USAGE && fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust phone: standard output: %s\n",
		    strerror(errno));
		rc = CLI_USAGE;
	}
	return rc;
}
