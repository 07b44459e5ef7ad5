/*
 * phonetrust verify: is this chain, presented by a phone, trusted?  Against
 * a cluster's store for a purpose, or against ad-hoc anchors (--trust).
 * Exit 0 trusted, 1 not trusted, 2 the input or command line is unusable.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-radius.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "names.h"
#include "output.h"
#include "verdict.h"

#define MAX_FILES	64

enum {
	OPT_PURPOSE = 256, OPT_STORE, OPT_TRUST, OPT_UNTRUSTED, OPT_CRL,
	OPT_CRL_CHECK, OPT_AT, OPT_DEVICE, OPT_PEER_NAME, OPT_MAX_DEPTH, OPT_SECURITY_LEVEL,
	OPT_ALLOW_SHA1, OPT_AUTH_MODE, OPT_JSON, OPT_QUIET, OPT_HELP, OPT_IDENTITY,
	OPT_LOG
};

static const struct option longopts[] = {
	{ "purpose",		required_argument, NULL, OPT_PURPOSE },
	{ "store",		required_argument, NULL, OPT_STORE },
	{ "trust",		required_argument, NULL, OPT_TRUST },
	{ "untrusted",		required_argument, NULL, OPT_UNTRUSTED },
	{ "crl",		required_argument, NULL, OPT_CRL },
	{ "crl-check",		required_argument, NULL, OPT_CRL_CHECK },
	{ "at",			required_argument, NULL, OPT_AT },
	{ "device",		required_argument, NULL, OPT_DEVICE },
	{ "identity",		required_argument, NULL, OPT_IDENTITY },
	{ "log",		no_argument,	   NULL, OPT_LOG },
	{ "peer-name",		required_argument, NULL, OPT_PEER_NAME },
	{ "max-depth",		required_argument, NULL, OPT_MAX_DEPTH },
	{ "security-level",	required_argument, NULL, OPT_SECURITY_LEVEL },
	{ "allow-sha1",		no_argument,	   NULL, OPT_ALLOW_SHA1 },
	{ "auth-mode",		required_argument, NULL, OPT_AUTH_MODE },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "quiet",		no_argument,	   NULL, OPT_QUIET },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* The purposes verify knows: the cluster's four, then plain TLS ones. */
static const struct {
	const char	*name;
	int		 cluster;	/* 1: a ptrust_cluster_purpose */
	int		 value;
} purposes[] = {
	{ "callmanager-tls", 1, PTRUST_CLUSTER_CALLMANAGER_TLS },
	{ "capf",	     1, PTRUST_CLUSTER_CAPF },
	{ "802.1x",	     1, PTRUST_CLUSTER_8021X },
	{ "vpn",	     1, PTRUST_CLUSTER_VPN },
	{ "tls-client",	     0, PTRUST_EKU_TLS_CLIENT },
	{ "tls-server",	     0, PTRUST_EKU_TLS_SERVER },
	{ "any",	     0, PTRUST_EKU_ANY }
};
#define NPURPOSES	(sizeof(purposes) / sizeof(purposes[0]))

struct verify_args {
	const char	*cluster_dir;
	const char	*chain_path;
	const char	*purpose;	/* NULL: the default */
	const char	*store;
	const char	*trust[MAX_FILES];
	size_t		 ntrust;
	const char	*untrusted[MAX_FILES];
	size_t		 nuntrusted;
	const char	*crl[MAX_FILES];
	size_t		 ncrl;
	int		 crl_check;	/* -1: the library's default */
	const char	*device;
	const char	*peer_name;
	time_t		 at;
	int		 has_at;
	int		 max_depth;	/* -1: default */
	int		 security_level; /* -1: default */
	int		 allow_sha1;
	const char	*auth_mode;	/* NULL: not given */
	int		 json;
	int		 quiet;
	int		 log;		/* one line for a server's log */
	char		 identity_device[64]; /* from --identity */
	const char	*bad_identity;	/* an --identity naming no phone */
};

/* What is printed: the library's result and the command's context. */
struct verdict {
	const ptrust_result	*r;
	const char		*purpose;
	const char		*device;	/* NULL: unknown */
	const char		*leaf_subject;
};

static void
verify_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] verify [--purpose "
	    "PURPOSE] [--store NAME] [--trust FILE]\n"
	    "    [--untrusted FILE] [--crl FILE] [--crl-check none|leaf|supplied|all] "
	    "[--at TIME]\n    [--device NAME | --identity ID] [--peer-name NAME] "
	    "[--max-depth N] [--security-level N]\n    [--allow-sha1] "
	    "[--auth-mode MODE]"
	    " [--json | --quiet | --log] CHAIN\n");
}

static int
fail(const char *what, const char *msg)
{
	return cli_fail("verify", what, msg);
}

static int
add_file(const char **list, size_t *n, const char *path, const char *opt)
{
	if (*n == MAX_FILES) {
		fprintf(stderr, "phonetrust verify: %s: at most %d files\n",
		    opt, MAX_FILES);
		return -1;
	}
	list[(*n)++] = path;
	return 0;
}

/* Options and operand into a; CLI_OK or CLI_USAGE (message printed). */
static int
parse_args(int argc, char **argv, struct verify_args *a)
{
	ptrust_auth_mode mode;
	size_t i;
	int c, lvl;

	a->max_depth = a->security_level = a->crl_check = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PURPOSE:
			for (i = 0; i < NPURPOSES; i++)
				if (strcmp(optarg, purposes[i].name) == 0)
					break;
			if (i == NPURPOSES)
				return fail("--purpose", "must be callmanager-"
				    "tls, capf, 802.1x, vpn, tls-client, "
				    "tls-server or any");
			a->purpose = purposes[i].name;
			break;
		case OPT_STORE:
			a->store = optarg;
			break;
		case OPT_TRUST:
			if (add_file(a->trust, &a->ntrust, optarg, "--trust"))
				return CLI_USAGE;
			break;
		case OPT_UNTRUSTED:
			if (add_file(a->untrusted, &a->nuntrusted, optarg,
			    "--untrusted"))
				return CLI_USAGE;
			break;
		case OPT_CRL:
			if (add_file(a->crl, &a->ncrl, optarg, "--crl"))
				return CLI_USAGE;
			break;
		case OPT_CRL_CHECK:
			if (strcmp(optarg, "none") == 0)
				a->crl_check = PTRUST_CRL_CHECK_NONE;
			else if (strcmp(optarg, "leaf") == 0)
				a->crl_check = PTRUST_CRL_CHECK_LEAF;
			else if (strcmp(optarg, "all") == 0)
				a->crl_check = PTRUST_CRL_CHECK_ALL;
			else if (strcmp(optarg, "supplied") == 0)
				a->crl_check = PTRUST_CRL_CHECK_SUPPLIED;
			else
				return fail("--crl-check", "must be none, "
				    "leaf, supplied or all");
			break;
		case OPT_AT:
			if (cli_opt_time("verify", "--at", &a->at) != CLI_OK)
				return CLI_USAGE;
			a->has_at = 1;
			break;
		case OPT_DEVICE:
		case OPT_IDENTITY:
			/* --identity: a RADIUS server's User-Name, naming the
			 * device; either one, once */
			if (a->device != NULL)
				return fail(c == OPT_DEVICE ? "--device" :
				    "--identity", "--device or --identity may "
				    "be given once");
			if (c == OPT_DEVICE)
				a->device = optarg;
			else if (ptrust_radius_identity_device(optarg,
			    a->identity_device, sizeof(a->identity_device)) ==
			    PTRUST_OK)
				a->device = a->identity_device;
			else
				a->bad_identity = a->device = optarg;
			break;
		case OPT_LOG:
			a->log = 1;
			break;
		case OPT_PEER_NAME:
			a->peer_name = optarg;
			break;
		case OPT_MAX_DEPTH:
			if (cli_parse_int(optarg, 0, 64, &a->max_depth) == -1)
				return fail("--max-depth", "expected 0..64");
			break;
		case OPT_SECURITY_LEVEL:
			if (cli_parse_int(optarg, 0, 5, &lvl) == -1)
				return fail("--security-level",
				    "expected 0..5");
			a->security_level = lvl;
			break;
		case OPT_ALLOW_SHA1:
			a->allow_sha1 = 1;
			break;
		case OPT_AUTH_MODE:
			if (ptrust_auth_mode_from_name(optarg, &mode) == -1)
				return fail("--auth-mode", "must be lsc-first, "
				    "mic-first, auth-string or null-string");
			/*
			 * By existing certificate, CAPF checks whichever one
			 * the phone presents, LSC or MIC alike: that is
			 * purpose capf.  By string, no certificate is
			 * checked at all, so there is nothing to verify.
			 */
			if (mode == PTRUST_AUTH_STRING ||
			    mode == PTRUST_AUTH_NULL_STRING)
				return fail("--auth-mode", "CAPF checks no "
				    "certificate in this mode (see phonetrust "
				    "capf)");
			a->auth_mode = optarg;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_QUIET:
			a->quiet = 1;
			break;
		case 'h':
		case OPT_HELP:
			verify_usage(stdout);
			exit(CLI_OK);
		default:	/* '?' or ':' */
			return cli_bad_option("verify", c, argv);
		}
	}
	if (a->log && (a->json || a->quiet))
		return fail("--log", "cannot be used with --json or --quiet");
	if (a->bad_identity != NULL && !a->log)
		return fail("--identity", "names no phone (expected "
		    "CP-<model>-SEP<MAC>, SEP<MAC> or a MAC address)");
	if (a->bad_identity != NULL) {
		/* a RADIUS server logs the hook's output: refuse, saying why */
		printf("phonetrust: REFUSED unknown - (identity-mismatch): the "
		    "identity \"");
		for (i = 0; a->bad_identity[i] != '\0'; i++)
			putchar(iscntrl((unsigned char)a->bad_identity[i]) ?
			    '?' : a->bad_identity[i]);
		printf("\" names no phone (expected CP-<model>-SEP<MAC>, "
		    "SEP<MAC> or a MAC address)\n");
		exit(fflush(stdout) == EOF ? CLI_USAGE : CLI_REFUSED);
	}
	if (argc - optind != 1) {
		fprintf(stderr, "phonetrust verify: %s (try --help)\n",
		    argc == optind ? "no CHAIN file given" :
		    "only one CHAIN file may be given");
		return CLI_USAGE;
	}
	a->chain_path = argv[optind];
	return CLI_OK;
}

/* The last CN of the leaf, in UTF-8; NULL when none (or unreadable). */
static char *
leaf_cn(const unsigned char *data, size_t len)
{
	const unsigned char *p;
	X509 *x = NULL;
	BIO *bio;
	char *cn = NULL;

	if (cli_is_pem(data, len)) {
		if ((bio = BIO_new_mem_buf(data, (int)len)) != NULL)
			x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else {
		p = data;
		x = d2i_X509(NULL, &p, (long)len);
	}
	if (x != NULL)
		(void)name_entry(X509_get_subject_name(x), NID_commonName, &cn);
	X509_free(x);
	return cn;
}

static void
print_json(const struct verdict *v)
{
	struct json j;

	json_init(&j, stdout);
	verdict_json(&j, v->r, v->purpose);
	fputc('\n', stdout);
}

static void
print_human(const struct verdict *v)
{
	verdict_print(stdout, v->r, "", v->device);
}

/*
 * One line for a RADIUS server's log (FreeRADIUS logs what its verify hook
 * prints): the library's own, so the module and the hook say the same.
 */
static void
print_log(const struct verdict *v)
{
	char line[2048];

	ptrust_radius_log_line(v->r, line, sizeof(line));
	if (ptrust_result_device(v->r) == NULL && v->device != NULL)
		/* judged as a plain chain: the device was not bound */
		printf("phonetrust: %s; device: %s\n", line, v->device);
	else
		printf("phonetrust: %s\n", line);
}

/* The options of the validation; CLI_OK or CLI_USAGE (message printed). */
static int
make_options(const struct verify_args *a, int tls_purpose,
    ptrust_options **out)
{
	ptrust_options *o;
	ptrust_status st = PTRUST_OK;
	size_t i;

	if ((o = *out = ptrust_options_new()) == NULL)
		return fail(NULL, "out of memory");
	if (a->has_at)
		st = ptrust_options_set_time(o, a->at);
	if (st == PTRUST_OK && tls_purpose >= 0)
		st = ptrust_options_set_eku(o, (ptrust_eku)tls_purpose);
	if (st == PTRUST_OK && a->max_depth >= 0)
		st = ptrust_options_set_max_depth(o, a->max_depth);
	if (st == PTRUST_OK && a->peer_name != NULL)
		st = ptrust_options_set_peer_name(o, a->peer_name);
	if (st == PTRUST_OK && a->security_level >= 2)
		st = ptrust_options_set_security_level(o, a->security_level);
	else if (st == PTRUST_OK && a->security_level >= 0)
		st = ptrust_options_insecure_set_security_level(o,
		    a->security_level);
	if (st == PTRUST_OK && a->allow_sha1)
		st = ptrust_options_insecure_allow_sha1(o, 1);
	/* the library checks the certificate names the device */
	if (st == PTRUST_OK && a->device != NULL &&
	    ptrust_options_set_device(o, a->device) != PTRUST_OK)
		return fail("--device", ptrust_options_error(o));
	if (st != PTRUST_OK)
		return fail(NULL, ptrust_options_error(o));
	for (i = 0; i < a->ncrl; i++)
		if (ptrust_options_add_crl_file(o, a->crl[i]) != PTRUST_OK)
			return fail(a->crl[i], ptrust_options_error(o));
	if (a->crl_check >= 0 && ptrust_options_set_crl_check(o,
	    (ptrust_crl_check)a->crl_check) != PTRUST_OK)
		return fail("--crl-check", ptrust_options_error(o));
	return CLI_OK;
}

int
cmd_verify(int argc, char **argv, const char *cluster_dir)
{
	struct verify_args a;
	struct verdict v;
	ptrust_cluster *c = NULL;
	ptrust_builder *b = NULL, *own = NULL;
	ptrust_store *store = NULL;
	ptrust_options *o = NULL;
	ptrust_chain *ch = NULL;
	ptrust_result *r = NULL;
	ptrust_status st;
	unsigned char *data = NULL;
	char *cn = NULL;
	size_t i, len = 0, pi;
	int rc, cluster_purpose;

	memset(&a, 0, sizeof(a));
	memset(&v, 0, sizeof(v));
	if ((rc = parse_args(argc, argv, &a)) != CLI_OK)
		return rc;
	a.cluster_dir = cli_cluster_dir(cluster_dir);
	if (a.ntrust > 0)
		a.cluster_dir = NULL;	/* --trust replaces the cluster */
	if (a.purpose == NULL)
		a.purpose = a.cluster_dir != NULL ? "callmanager-tls" :
		    "tls-client";
	for (pi = 0; strcmp(purposes[pi].name, a.purpose) != 0; pi++)
		;
	cluster_purpose = purposes[pi].cluster;
	if (a.auth_mode != NULL && strcmp(a.purpose, "capf") != 0)
		return fail("--auth-mode", "only with --purpose capf");
	if (a.ntrust == 0 && a.cluster_dir == NULL && cluster_purpose)
		return fail("--purpose", "a cluster purpose needs a cluster "
		    "(--cluster DIR or PHONETRUST_CLUSTER)");
	if (a.ntrust > 0 && a.store != NULL)
		return fail("--store", "cannot be used with --trust");
	if (a.ntrust > 0 && cluster_purpose)
		return fail("--purpose", "a cluster purpose cannot be used "
		    "with --trust (use tls-client, tls-server or any)");
	if (a.ntrust == 0 && a.cluster_dir == NULL)
		return fail(NULL, "no trust anchors: give --trust FILE, "
		    "--cluster DIR or PHONETRUST_CLUSTER");
	rc = CLI_USAGE;
	if (make_options(&a, cluster_purpose ? -1 : purposes[pi].value, &o) !=
	    CLI_OK)
		goto done;

	if (a.ntrust > 0) {
		if ((b = own = ptrust_builder_new("trust")) == NULL) {
			fail(NULL, "out of memory");
			goto done;
		}
		for (i = 0; i < a.ntrust; i++)
			if (ptrust_builder_add_file(b, a.trust[i], NULL,
			    PTRUST_ROLE_AUTO) != PTRUST_OK) {
				fail(NULL, ptrust_builder_error(b));
				goto done;
			}
	} else {
		if ((c = ptrust_cluster_new()) == NULL) {
			fail(NULL, "out of memory");
			goto done;
		}
		if (ptrust_cluster_load_dir(c, a.cluster_dir) != PTRUST_OK) {
			fail(a.cluster_dir, ptrust_cluster_error(c));
			goto done;
		}
		if (a.store != NULL || !cluster_purpose) {
			const char *name = a.store != NULL ? a.store :
			    "callmanager-trust";

			if ((b = ptrust_cluster_store(c, name, 0)) == NULL) {
				fprintf(stderr, "phonetrust verify: %s: no "
				    "store \"%s\" in this cluster\n",
				    a.cluster_dir, name);
				goto done;
			}
		}
	}

	if (c != NULL && cluster_purpose && a.store == NULL &&
	    ptrust_cluster_purpose_store(c,
	    (ptrust_cluster_purpose)purposes[pi].value) == NULL) {
		fprintf(stderr, "phonetrust verify: %s: no store is set for "
		    "%s in cluster.conf (or give --store)\n", a.cluster_dir,
		    a.purpose);
		goto done;
	}
	if (b != NULL)
		st = ptrust_builder_build(b, &store);
	else
		st = ptrust_cluster_snapshot(c,
		    (ptrust_cluster_purpose)purposes[pi].value, &store);
	if (st != PTRUST_OK) {
		fail(a.cluster_dir, b != NULL ? ptrust_builder_error(b) :
		    ptrust_cluster_error(c));
		goto done;
	}
	/* Read after the snapshot: an intermediate it holds is not decoded. */
	if ((ch = ptrust_chain_new()) == NULL ||
	    ptrust_chain_share_anchors(ch, store) != PTRUST_OK) {
		fail(NULL, "out of memory");
		goto done;
	}
	if (cli_load_chain("verify", ch, a.chain_path, &data, &len) != CLI_OK)
		goto done;
	for (i = 0; i < a.nuntrusted; i++)
		if (cli_load_chain("verify", ch, a.untrusted[i], NULL, NULL) != CLI_OK)
			goto done;
	/* One judging path: a cluster purpose with its phone rules. */
	if (c != NULL && cluster_purpose && a.store == NULL)
		st = ptrust_verify_presented(store,
		    (ptrust_cluster_purpose)purposes[pi].value, ch, o, &r);
	else
		st = ptrust_verify(store, ch, o, &r);
	if (st != PTRUST_OK) {
		fail(a.chain_path, r != NULL ? ptrust_result_error(r) :
		    "out of memory");
		goto done;
	}
	v.r = r;
	v.purpose = a.purpose;
	v.device = a.device;
	if (v.device == NULL && (v.device = ptrust_result_device(r)) == NULL)
		v.device = cn = leaf_cn(data, len);
	v.leaf_subject = ptrust_result_chain_length(r) > 0 ?
	    ptrust_result_chain_subject(r, 0) : NULL;
	if (a.log)
		print_log(&v);
	else if (!a.quiet && a.json)
		print_json(&v);
	else if (!a.quiet)
		print_human(&v);
	rc = ptrust_result_trusted(r) ? CLI_OK : CLI_REFUSED;
done:
	free(cn);
	free(data);
	ptrust_result_free(r);
	ptrust_store_unref(store);
	ptrust_builder_free(own);
	ptrust_cluster_free(c);
	ptrust_options_free(o);
	ptrust_chain_free(ch);
	if (rc != CLI_USAGE && fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust verify: standard output: %s\n",
		    strerror(errno));
		rc = CLI_USAGE;
	}
	return rc;
}
