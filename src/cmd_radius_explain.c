/*
 * phonetrust radius-explain: one line for a RADIUS server's log on a phone
 * its TLS layer refused (unknown CA, expired...), before libphonetrust
 * could see the chain.  FreeRADIUS's exec module runs it in Post-Auth-Type
 * REJECT with the request's attributes in the environment
 * (TLS_CLIENT_CERT_ISSUER, USER_NAME, ...), quoted when shell_escape is
 * on.  The explanation never trusts anything: exit 1 (refused) whenever
 * there is a certificate to explain, 0 when the request carried none (a
 * rejection for another reason) or the verify hook already judged it,
 * 2 unusable input.
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
#include <phonetrust-radius.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "verdict.h"

#define CMD	"radius-explain"

enum {
	OPT_PURPOSE = 256, OPT_STORE, OPT_AT, OPT_DEVICE, OPT_JSON, OPT_HELP
};

static const struct option longopts[] = {
	{ "purpose",	required_argument, NULL, OPT_PURPOSE },
	{ "store",	required_argument, NULL, OPT_STORE },
	{ "at",		required_argument, NULL, OPT_AT },
	{ "device",	required_argument, NULL, OPT_DEVICE },
	{ "json",	no_argument,	   NULL, OPT_JSON },
	{ "help",	no_argument,	   NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

struct explain_args {
	const char	*purpose;
	const char	*store;
	const char	*device;
	time_t		 at;
	int		 json;
};

static void
explain_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] radius-explain "
	    "[--purpose PURPOSE | --store NAME]\n"
	    "    [--device NAME] [--at TIME] [--json]\n"
	    "  explain a phone a RADIUS server's TLS layer refused, from "
	    "the attributes in\n  the environment: TLS_CLIENT_CERT_ISSUER, "
	    "TLS_CLIENT_CERT_SUBJECT,\n  TLS_CLIENT_CERT_COMMON_NAME, "
	    "TLS_CLIENT_CERT_EXPIRATION, USER_NAME\n"
	    "  (FreeRADIUS exec, input_pairs = request); the purpose "
	    "defaults to 802.1x\n");
}

static int
parse_args(int argc, char **argv, struct explain_args *a)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PURPOSE:
			if (cli_opt_once(CMD, "--purpose", 0, &a->purpose) !=
			    CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_STORE:
			if (cli_opt_once(CMD, "--store", 0, &a->store) !=
			    CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_DEVICE:
			if (cli_opt_once(CMD, "--device", 0, &a->device) !=
			    CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_AT:
			if (cli_opt_time(CMD, "--at", &a->at) != CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case 'h':
		case OPT_HELP:
			explain_usage(stdout);
			exit(CLI_OK);
		default:	/* '?' or ':' */
			return cli_bad_option(CMD, c, argv);
		}
	}
	if (optind != argc)
		return cli_fail(CMD, argv[optind], "unexpected argument (the "
		    "attributes come from the environment)");
	if (a->purpose != NULL && a->store != NULL)
		return cli_fail(CMD, "--store", "cannot be used with "
		    "--purpose");
	return CLI_OK;
}

/*
 * An attribute from the environment, without the double quotes and
 * backslash escapes FreeRADIUS adds when shell_escape is on.  NULL when
 * absent or empty.  The copy is the caller's.
 */
static char *
attribute(const char *name)
{
	const char *v = getenv(name);
	char *out, *o;
	size_t n;

	if (v == NULL || *v == '\0')
		return NULL;
	n = strlen(v);
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		for (v++, n -= 2, o = out; n > 0; v++, n--) {
			if (*v == '\\' && n > 1) {
				v++;
				n--;
			}
			*o++ = *v;
		}
		*o = '\0';
	} else
		memcpy(out, v, n + 1);
	return out;
}

/* The store the refusal is explained against: --store, else the
 * purpose's snapshot. */
static int
snapshot(ptrust_cluster *c, const char *dir, const struct explain_args *a,
    ptrust_store **store)
{
	ptrust_cluster_purpose p = PTRUST_CLUSTER_8021X;
	ptrust_builder *b;

	if (a->store != NULL) {
		if ((b = ptrust_cluster_store(c, a->store, 0)) == NULL)
			return cli_fail(CMD, dir, "no such store in this "
			    "cluster");
		if (ptrust_builder_build(b, store) != PTRUST_OK)
			return cli_fail(CMD, dir, ptrust_builder_error(b));
		return CLI_OK;
	}
	if (a->purpose != NULL &&
	    ptrust_cluster_purpose_from_name(a->purpose, &p) == -1)
		return cli_fail(CMD, "--purpose", "must be callmanager-tls, "
		    "capf, 802.1x or vpn");
	if (ptrust_cluster_snapshot(c, p, store) != PTRUST_OK)
		return cli_fail(CMD, dir, ptrust_cluster_error(c));
	return CLI_OK;
}

/*
 * What was found: the line for the server's log, or with --json one
 * object, {"schema", "explained", "message", "result"}: the verdict
 * object of every command when there was a certificate to explain.
 */
static void
print_outcome(const struct explain_args *a, const char *message,
    const ptrust_result *r, const char *purpose)
{
	struct json j;

	if (!a->json) {
		printf("phonetrust: %s\n", message);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "explained");
	json_bool(&j, r != NULL);
	json_key(&j, "message");
	json_string(&j, message);
	json_key(&j, "result");
	verdict_json(&j, r, purpose);
	json_object_end(&j);
	fputc('\n', stdout);
}

int
cmd_radius_explain(int argc, char **argv, const char *cluster_dir)
{
	struct explain_args a;
	ptrust_cluster *c = NULL;
	ptrust_cluster_purpose purpose = PTRUST_CLUSTER_8021X;
	ptrust_store *store = NULL;
	ptrust_result *r = NULL;
	ptrust_radius_cert cert;
	char *subject, *issuer, *cn, *expiration, *user, device[64], line[2048];
	const char *dir, *dev = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = parse_args(argc, argv, &a)) != CLI_OK)
		return rc;
	subject = attribute("TLS_CLIENT_CERT_SUBJECT");
	issuer = attribute("TLS_CLIENT_CERT_ISSUER");
	cn = attribute("TLS_CLIENT_CERT_COMMON_NAME");
	expiration = attribute("TLS_CLIENT_CERT_EXPIRATION");
	user = attribute("USER_NAME");
	rc = CLI_USAGE;
	if (getenv("TLS_CLIENT_CERT_FILENAME") != NULL) {
		/* FreeRADIUS names the file only when its TLS layer accepted
		 * the chain and ran the verify hook: the hook said why */
		print_outcome(&a, "the TLS layer accepted the certificate; "
		    "the verify hook's line says why the phone was refused",
		    NULL, NULL);
		rc = CLI_OK;
		goto done;
	}
	if (issuer == NULL && subject == NULL) {
		/* rejected before any certificate: nothing of ours to say */
		print_outcome(&a, "no client certificate in the request", NULL,
		    NULL);
		rc = CLI_OK;
		goto done;
	}
	if ((rc = cli_open_cluster(CMD, cluster_dir, &c, &dir)) != CLI_OK)
		goto done;
	rc = CLI_USAGE;
	if (snapshot(c, dir, &a, &store) != CLI_OK)
		goto done;
	if (a.purpose != NULL)
		(void)ptrust_cluster_purpose_from_name(a.purpose, &purpose);
	if (a.device != NULL)
		dev = a.device;
	else if (user != NULL && ptrust_radius_identity_device(user, device,
	    sizeof(device)) == PTRUST_OK)
		dev = device;
	/* what the server did not give stays NULL (basic constraints...) */
	memset(&cert, 0, sizeof(cert));
	cert.subject = subject;
	cert.issuer = issuer;
	cert.common_name = cn;
	cert.authority_key_id = NULL;	/* not given on a refusal */
	cert.expiration = expiration;
	if (ptrust_radius_explain(store, &cert, dev, purpose, a.at, &r) !=
	    PTRUST_OK) {
		cli_fail(CMD, a.device != NULL ? "--device" : NULL,
		    a.device != NULL ? "not a valid device name" :
		    "out of memory");
		goto done;
	}
	ptrust_radius_log_line(r, line, sizeof(line));
	print_outcome(&a, line, r, ptrust_cluster_purpose_name(purpose));
	rc = CLI_REFUSED;
done:
	ptrust_result_free(r);
	ptrust_store_unref(store);
	ptrust_cluster_free(c);
	free(subject);
	free(issuer);
	free(cn);
	free(expiration);
	free(user);
	if (rc != CLI_USAGE && fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust %s: standard output: %s\n", CMD,
		    strerror(errno));
		rc = CLI_USAGE;
	}
	return rc;
}
