/*
 * phonetrust init and phonetrust store: create a cluster directory and
 * manage the anchors of its stores.  Every change is made on the loaded
 * cluster and saved only when it all worked, so a refused command writes
 * nothing.  add and remove hold the cluster's writer lock from the load
 * to the save, so concurrent writers lose nothing.  add refuses what does
 * not belong in a trust store: a private key and a PKCS#12 file (the
 * library's rules), and a certificate that is no CA unless
 * --allow-end-entity.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-openssl.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "verdict.h"

int
cmd_init(int argc, char **argv, const char *cluster_dir)
{
	ptrust_cluster *c;
	struct stat st;
	int rc = CLI_USAGE;

	(void)cluster_dir;	/* init names its directory itself */
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("usage: phonetrust init DIR\n"
		    "  create a cluster directory holding callmanager-trust, "
		    "capf-trust and\n  manufacturing-ca with Cisco's public "
		    "manufacturing CAs\n");
		return CLI_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_fail("init", NULL, "usage: phonetrust init DIR "
		    "(try --help)");
	if (stat(argv[1], &st) == 0) {
		fprintf(stderr, "phonetrust init: %s: already exists\n",
		    argv[1]);
		return CLI_USAGE;
	}
	if ((c = ptrust_cluster_new()) == NULL) {
		fprintf(stderr, "phonetrust init: out of memory\n");
		return CLI_USAGE;
	}
	if (ptrust_cluster_save_dir(c, argv[1]) != PTRUST_OK)
		fprintf(stderr, "phonetrust init: %s\n",
		    ptrust_cluster_error(c));
	else {
		printf("created cluster %s\n", argv[1]);
		rc = CLI_OK;
	}
	ptrust_cluster_free(c);
	return rc;
}

static void
print_anchor(const char *store, const ptrust_anchor *a, int details)
{
	char nb[32], na[32];
	time_t t;
	struct tm tm;

	t = ptrust_anchor_not_after(a);
	gmtime_r(&t, &tm);
	strftime(na, sizeof(na), "%Y-%m-%d", &tm);
	if (!details) {
		printf("%-18s %-28s %-13s %s %d  until %s\n", store,
		    ptrust_anchor_alias(a),
		    ptrust_role_name(ptrust_anchor_role(a)),
		    ptrust_anchor_key_type(a), ptrust_anchor_key_bits(a), na);
		return;
	}
	t = ptrust_anchor_not_before(a);
	gmtime_r(&t, &tm);
	strftime(nb, sizeof(nb), "%Y-%m-%d", &tm);
	printf("store:    %s\nalias:    %s\nrole:     %s\nsubject:  %s\n"
	    "issuer:   %s\nvalidity: %s to %s\nkey:      %s %d\n"
	    "sha256:   %s\n", store, ptrust_anchor_alias(a),
	    ptrust_role_name(ptrust_anchor_role(a)), ptrust_anchor_subject(a),
	    ptrust_anchor_issuer(a), nb, na, ptrust_anchor_key_type(a),
	    ptrust_anchor_key_bits(a), ptrust_anchor_sha256(a));
}

/*
 * An anchor as store list --json and store show --json give it: the
 * members of a verdict's anchor (alias, store, sha256, subject, role),
 * then issuer, validity and key.
 */
static void
json_anchor(struct json *j, const char *store, const ptrust_anchor *a)
{
	json_object_begin(j);
	json_key(j, "store");
	json_string(j, store);
	json_key(j, "alias");
	json_string(j, ptrust_anchor_alias(a));
	json_key(j, "role");
	json_string(j, ptrust_role_name(ptrust_anchor_role(a)));
	json_key(j, "subject");
	json_string(j, ptrust_anchor_subject(a));
	json_key(j, "issuer");
	json_string(j, ptrust_anchor_issuer(a));
	json_key(j, "sha256");
	json_string(j, ptrust_anchor_sha256(a));
	json_key(j, "not_before");
	json_time(j, ptrust_anchor_not_before(a));
	json_key(j, "not_after");
	json_time(j, ptrust_anchor_not_after(a));
	json_key(j, "key_type");
	json_string(j, ptrust_anchor_key_type(a));
	json_key(j, "key_bits");
	json_number(j, ptrust_anchor_key_bits(a));
	json_object_end(j);
}

/* store list --json: {"schema", "cluster", "stores": [{"name", "anchors"}]} */
static void
json_list(ptrust_cluster *c, const char *dir, const char *only)
{
	const ptrust_builder *b;
	struct json j;
	size_t i, k;

	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "cluster");
	json_string(&j, dir);
	json_key(&j, "stores");
	json_array_begin(&j);
	for (i = 0; i < ptrust_cluster_store_count(c); i++) {
		const char *name = ptrust_cluster_store_name(c, i);

		if (only != NULL && strcmp(only, name) != 0)
			continue;
		b = ptrust_cluster_store(c, name, 0);
		json_object_begin(&j);
		json_key(&j, "name");
		json_string(&j, name);
		json_key(&j, "anchors");
		json_array_begin(&j);
		for (k = 0; b != NULL && k < ptrust_builder_anchor_count(b); k++)
			json_anchor(&j, name, ptrust_builder_anchor(b, k));
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', stdout);
}

/* store show --json: {"schema", "cluster", "anchor"} */
static void
json_show(const char *dir, const char *store, const ptrust_anchor *a)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "cluster");
	json_string(&j, dir);
	json_key(&j, "anchor");
	json_anchor(&j, store, a);
	json_object_end(&j);
	fputc('\n', stdout);
}

static int
store_usage(FILE *f)
{
	if (f != stdout)
		return cli_fail("store", NULL, "usage: phonetrust store list|"
		    "show|add|remove ... (try --help)");
	printf("usage: phonetrust [--cluster DIR] store list [--json] [STORE]\n"
	    "       phonetrust [--cluster DIR] store show [--json] STORE "
	    "ALIAS|SHA256\n"
	    "       phonetrust [--cluster DIR] store add STORE FILE... "
	    "[--alias NAME]\n"
	    "              [--role capf|manufacturing|external-ca|other] "
	    "[--replace-cisco-ca]\n"
	    "              [--allow-end-entity]\n"
	    "       phonetrust [--cluster DIR] store remove STORE "
	    "ALIAS|SHA256\n");
	return CLI_OK;
}

/*
 * A writer, once its arguments are checked: takes the cluster's lock and
 * loads again what the last writer saved, to change that.
 */
static int
lock_and_reload(ptrust_cluster *c, const char *dir)
{
	if (ptrust_cluster_lock_dir(c, dir) != PTRUST_OK ||
	    ptrust_cluster_load_dir(c, dir) != PTRUST_OK) {
		fprintf(stderr, "phonetrust store: %s\n",
		    ptrust_cluster_error(c));
		return CLI_USAGE;
	}
	return CLI_OK;
}

/*
 * A certificate that is no CA trusts only itself as an anchor, never a
 * phone certificate issued under it: usually a phone's LSC or MIC given
 * instead of its issuer.  Refused unless --allow-end-entity (issue 14).
 */
static int
refuse_end_entity(const char *file, const ptrust_anchor *a)
{
	X509 *x = ptrust_anchor_get0_x509(a);

	if (x == NULL || X509_check_ca(x) != 0)
		return 0;
	ERR_clear_error();
	fprintf(stderr, "phonetrust store add: %s: %s is not a CA certificate "
	    "(a phone's own LSC or MIC?): as an anchor it would trust only "
	    "itself, never a certificate issued under it; add its issuer "
	    "(%s) instead, or give --allow-end-entity to pin exactly this "
	    "certificate\n", file, ptrust_anchor_subject(a),
	    ptrust_anchor_issuer(a));
	return 1;
}

/*
 * What one file did to the store, a line per certificate, into report;
 * with role given, an anchor already there takes it (the library's add
 * leaves it, ptrust_builder_add_file(3)).
 */
static int
report_changes(ptrust_builder *b, const char *file, ptrust_role role,
    int allow_end_entity, FILE *report)
{
	const char *alias, *other, *suffix;
	const ptrust_anchor *now;
	ptrust_change_kind kind;
	ptrust_role was;
	size_t k;

	for (k = 0; k < ptrust_builder_change_count(b); k++) {
		kind = ptrust_builder_change(b, k, &alias, &other);
		/* the anchor the store holds for it, kept or given */
		now = ptrust_builder_find(b,
		    kind == PTRUST_CHANGE_KEPT_EXISTING ? other : alias);
		if (now == NULL)
			return cli_fail("store add", file, "an anchor "
			    "vanished");
		if ((kind == PTRUST_CHANGE_ADDED ||
		    kind == PTRUST_CHANGE_REPLACED) && !allow_end_entity &&
		    refuse_end_entity(file, now))
			return CLI_USAGE;
		was = ptrust_anchor_role(now);
		if (kind == PTRUST_CHANGE_UNCHANGED &&
		    role != PTRUST_ROLE_AUTO && role != was) {
			if (ptrust_builder_set_role(b, alias, role) !=
			    PTRUST_OK)
				return cli_fail("store add", file,
				    ptrust_builder_error(b));
			fprintf(report, "%s %s role changed: %s -> %s\n",
			    ptrust_change_kind_name(kind), alias,
			    ptrust_role_name(was), ptrust_role_name(role));
			continue;
		}
		suffix = "";
		if (role == PTRUST_ROLE_AUTO && kind == PTRUST_CHANGE_ADDED)
			suffix = " (inferred)";
		else if (role == PTRUST_ROLE_AUTO &&
		    kind == PTRUST_CHANGE_REPLACED)
			suffix = " (the replaced anchor's)";
		fprintf(report, "%s %s%s%s role %s%s\n",
		    ptrust_change_kind_name(kind), alias,
		    other != NULL ? " " : "", other != NULL ? other : "",
		    ptrust_role_name(was), suffix);
	}
	return CLI_OK;
}

/* What changed is written to report, shown once the cluster is saved. */
static int
store_add(ptrust_cluster *c, const char *dir, int argc, char **argv,
    FILE *report, int *changed)
{
	static const struct option longopts[] = {
		{ "alias", required_argument, NULL, 'a' },
		{ "role", required_argument, NULL, 'r' },
		{ "replace-cisco-ca", no_argument, NULL, 'C' },
		{ "allow-end-entity", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	const char *alias = NULL;
	ptrust_role role = PTRUST_ROLE_AUTO;
	ptrust_builder *b;
	int ch, i, replace_cisco = 0, allow_end_entity = 0;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (ch == 'a')
			alias = optarg;
		else if (ch == 'C')
			replace_cisco = 1;
		else if (ch == 'E')
			allow_end_entity = 1;
		else if (ch == 'r' && ptrust_role_from_name(optarg, &role) == 0)
			continue;
		else if (ch == 'r')
			return cli_fail("store add", "--role", "must be capf, "
			    "manufacturing, external-ca or other");
		else
			return cli_fail("store add", argv[optind - 1],
			    ch == ':' ? "needs an argument" :
			    "unknown option (try --help)");
	}
	if (argc - optind < 2)
		return store_usage(stderr);
	if ((b = ptrust_cluster_store(c, argv[optind], 1)) == NULL) {
		fprintf(stderr, "phonetrust store add: invalid store name "
		    "\"%s\"\n", argv[optind]);
		return CLI_USAGE;
	}
	if (alias != NULL && argc - optind > 2) {
		fprintf(stderr, "phonetrust store add: --alias names one "
		    "file\n");
		return CLI_USAGE;
	}
	if (lock_and_reload(c, dir) != CLI_OK)
		return CLI_USAGE;
	if ((b = ptrust_cluster_store(c, argv[optind], 1)) == NULL) {
		fprintf(stderr, "phonetrust store add: out of memory\n");
		return CLI_USAGE;
	}
	ptrust_builder_set_replace_cisco_ca(b, replace_cisco);
	for (i = optind + 1; i < argc; i++) {
		if (ptrust_builder_add_file(b, argv[i], alias, role) !=
		    PTRUST_OK) {
			const char *msg = ptrust_builder_error(b);

			fprintf(stderr, "phonetrust store add: %s%s\n", msg,
			    strstr(msg, "not Cisco's key") != NULL ?
			    " (--replace-cisco-ca)" : "");
			return CLI_USAGE;
		}
		if (report_changes(b, argv[i], role, allow_end_entity,
		    report) != CLI_OK)
			return CLI_USAGE;
	}
	*changed = 1;
	return CLI_OK;
}

int
cmd_store(int argc, char **argv, const char *cluster_dir)
{
	ptrust_cluster *c = NULL;
	const ptrust_anchor *a;
	ptrust_builder *b;
	int rc = CLI_USAGE, changed = 0, json = 0;
	char *text = NULL;
	size_t i, j, textlen = 0;
	FILE *report;

	if (argc < 2)
		return store_usage(stderr);
	/* --help anywhere: "store add --help" too */
	for (i = 1; i < (size_t)argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return store_usage(stdout);
	/* list and show take --json anywhere among their arguments */
	if (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "show") == 0) {
		for (i = j = 2; i < (size_t)argc; i++)
			if (strcmp(argv[i], "--json") == 0)
				json = 1;
			else
				argv[j++] = argv[i];
		argc = (int)j;
	}
	if ((report = open_memstream(&text, &textlen)) == NULL)
		return cli_fail("store", NULL, strerror(errno));
	if (cli_open_cluster("store", cluster_dir, &c, &cluster_dir) !=
	    CLI_OK)
		goto done;
	if (strcmp(argv[1], "list") == 0 && argc <= 3) {
		/* an unknown store: nothing printed */
		if (argc == 3 && ptrust_cluster_store(c, argv[2], 0) == NULL) {
			fprintf(stderr, "phonetrust store list: no store "
			    "\"%s\"\n", argv[2]);
			goto done;
		}
		if (json) {
			json_list(c, cluster_dir, argc == 3 ? argv[2] : NULL);
			rc = CLI_OK;
			goto done;
		}
		for (i = 0; i < ptrust_cluster_store_count(c); i++) {
			const char *name = ptrust_cluster_store_name(c, i);

			if (argc == 3 && strcmp(argv[2], name) != 0)
				continue;
			b = ptrust_cluster_store(c, name, 0);
			for (j = 0; j < ptrust_builder_anchor_count(b); j++)
				print_anchor(name, ptrust_builder_anchor(b, j),
				    0);
		}
		if (argc == 3 && ptrust_cluster_store(c, argv[2], 0) == NULL) {
			fprintf(stderr, "phonetrust store list: no store "
			    "\"%s\"\n", argv[2]);
			goto done;
		}
		rc = CLI_OK;
	} else if ((strcmp(argv[1], "show") == 0 ||
	    strcmp(argv[1], "remove") == 0) && argc == 4) {
		if ((b = ptrust_cluster_store(c, argv[2], 0)) == NULL) {
			fprintf(stderr, "phonetrust store: no store \"%s\"\n",
			    argv[2]);
			goto done;
		}
		if ((a = ptrust_builder_find(b, argv[3])) == NULL) {
			fprintf(stderr, "phonetrust store: store %s has no "
			    "anchor \"%s\"\n", argv[2], argv[3]);
			goto done;
		}
		if (argv[1][0] == 's') {
			if (json)
				json_show(cluster_dir, argv[2], a);
			else
				print_anchor(argv[2], a, 1);
			rc = CLI_OK;
		} else if (lock_and_reload(c, cluster_dir) != CLI_OK)
			goto done;
		else if ((b = ptrust_cluster_store(c, argv[2], 0)) == NULL ||
		    ptrust_builder_find(b, argv[3]) == NULL) {
			/* another writer removed it meanwhile */
			fprintf(stderr, "phonetrust store: store %s has no "
			    "anchor \"%s\"\n", argv[2], argv[3]);
			goto done;
		} else if (ptrust_builder_remove(b, argv[3]) == PTRUST_OK) {
			fprintf(report, "removed %s from %s\n", argv[3],
			    argv[2]);
			changed = 1;
			rc = CLI_OK;
		} else
			cli_fail("store remove", NULL, ptrust_builder_error(b));
	} else if (strcmp(argv[1], "add") == 0)
		rc = store_add(c, cluster_dir, argc - 1, argv + 1, report,
		    &changed);
	else
		rc = store_usage(stderr);
	if (rc == CLI_OK && changed &&
	    ptrust_cluster_save_dir(c, cluster_dir) != PTRUST_OK) {
		fprintf(stderr, "phonetrust store: %s\n",
		    ptrust_cluster_error(c));
		rc = CLI_USAGE;
	}
done:
	if (fclose(report) == 0 && rc == CLI_OK && textlen > 0)
		fwrite(text, 1, textlen, stdout);
	free(text);
	ptrust_cluster_free(c);
	return rc;
}
