/*
 * phonetrust extract: the certificates a CAPF trace holds (Troubleshoot
 * writes the phone's LSC and MIC into it), each classified by the
 * cluster's anchors when there is a cluster.  Without one, or when no
 * anchor vouches for a certificate, its names may suggest a kind: that is
 * labelled a guess.  Exit 0 when certificates were found, 1 when the log
 * holds none, 2 when it cannot be read.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "names.h"
#include "../lib/common/cisco_names.h"

struct found {
	size_t		 line;
	const char	*subject;	/* borrowed from the trace */
	const char	*issuer;
	const char	*sha256;
	int		 is_ca;
	const char	*kind;		/* "LSC", "MIC" or "unknown" */
	const char	*reason;
	int		 guess;
	const char	*device;	/* NULL when none */
	char		*cn;		/* owned: the device of a guess */
};

static void
extract_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] extract [--json] "
	    "LOGFILE\n"
	    "  the certificates found in a CAPF trace (PEM blocks or bare "
	    "base64, log\n  prefixes allowed; - reads standard input), each "
	    "with its line, names,\n  SHA-256 and kind (LSC, MIC or unknown) "
	    "decided by the cluster's anchors;\n  without a cluster, kinds "
	    "are guesses from names\n");
}

static int
fail(const char *what, const char *msg)
{
	return cli_fail("extract", what, msg);
}

/*
 * What the library did not decide: a CA is nobody's LSC or MIC; for a
 * leaf, what its names suggest.  -1 when memory ran out.
 */
static int
judge_by_names(struct found *f, const unsigned char *der, size_t len,
    int have_cluster)
{
	const unsigned char *p = der;
	char *o = NULL, *icn = NULL, *io = NULL;
	X509 *x;
	int rc = -1;

	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL)
		return -1;	/* the trace parsed it already */
	f->is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
	if (name_entry(X509_get_subject_name(x), NID_commonName, &f->cn) < 0 ||
	    name_entry(X509_get_subject_name(x), NID_organizationName,
	    &o) < 0 ||
	    name_entry(X509_get_issuer_name(x), NID_commonName, &icn) < 0 ||
	    name_entry(X509_get_issuer_name(x), NID_organizationName, &io) < 0)
		goto done;
	rc = 0;
	if (f->is_ca) {
		f->reason = "a CA certificate (an issuer), not a phone's";
		goto done;
	}
	if (pt_is_capf_cn(icn)) {
		f->kind = "LSC";
		f->reason = have_cluster ? "guess: issuer name looks like a "
		    "CAPF; no anchor of the cluster verifies it" : "guess: "
		    "issuer name looks like a CAPF; no cluster to check it "
		    "against";
	} else if (pt_name_suggests_manufacturing(icn)) {
		f->kind = "MIC";
		f->reason = have_cluster ? "guess: Cisco manufacturing names; "
		    "no anchor of the cluster verifies it" : "guess: Cisco "
		    "manufacturing names; no cluster to check it against";
	} else {
		f->reason = have_cluster ? "no anchor of the cluster verifies "
		    "it and its names suggest no kind" : "no cluster to decide "
		    "(give --cluster DIR) and its names suggest no kind";
		goto done;
	}
	f->guess = 1;
	f->device = f->cn;
done:
	free(o);
	free(icn);
	free(io);
	X509_free(x);
	return rc;
}

static void
print_human(const struct found *fs, size_t n, const char *file,
    const char *dir)
{
	const struct found *f;
	size_t i;

	if (dir != NULL)
		printf("FOUND %zu certificate%s in %s, classified by cluster "
		    "%s\n", n, n == 1 ? "" : "s", file, dir);
	else
		printf("FOUND %zu certificate%s in %s (no cluster: kinds are "
		    "guesses from names)\n", n, n == 1 ? "" : "s", file);
	for (i = 0; i < n; i++) {
		f = &fs[i];
		printf("\nCERT %zu of %zu, line %zu: %s%s %s\n", i + 1, n,
		    f->line, f->kind, f->guess ? " (guess)" : "",
		    f->device != NULL ? f->device : f->subject);
		printf("  kind:     %s%s\n", f->kind,
		    f->guess ? " (guess)" : "");
		printf("  why:      %s\n", f->reason);
		printf("  device:   %s\n", f->device != NULL ? f->device : "-");
		printf("  subject:  %s\n", f->subject);
		printf("  issuer:   %s\n", f->issuer);
		printf("  sha256:   %s\n", f->sha256);
	}
}

static void
print_json(const struct found *fs, size_t n, const char *file,
    const char *dir)
{
	const struct found *f;
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "file");
	json_string(&j, file);
	json_key(&j, "cluster");
	json_string(&j, dir);
	json_key(&j, "certificates");
	json_array_begin(&j);
	for (i = 0; i < n; i++) {
		f = &fs[i];
		json_object_begin(&j);
		json_key(&j, "line");
		json_number(&j, (long long)f->line);
		json_key(&j, "subject");
		json_string(&j, f->subject);
		json_key(&j, "issuer");
		json_string(&j, f->issuer);
		json_key(&j, "sha256");
		json_string(&j, f->sha256);
		json_key(&j, "is_ca");
		json_bool(&j, f->is_ca);
		json_key(&j, "kind");
		json_string(&j, f->kind);
		json_key(&j, "kind_reason");
		json_string(&j, f->reason);
		json_key(&j, "guess");
		json_bool(&j, f->guess);
		json_key(&j, "device");
		json_string(&j, f->device);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', stdout);
}

int
cmd_extract(int argc, char **argv, const char *cluster_dir)
{
	ptrust_cluster *cl = NULL;
	ptrust_trace *t = NULL;
	struct found *fs = NULL;
	unsigned char *data = NULL;
	const unsigned char *der;
	const char *path, *file, *dir = NULL;
	size_t i, n = 0, len = 0, derlen;
	ptrust_kind k;
	int json = 0, rc = CLI_USAGE;

	if ((rc = cli_one_file_args("extract", argc, argv, extract_usage, "LOGFILE", &path,
	    &json)) != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	rc = CLI_USAGE;
	file = strcmp(path, "-") == 0 ? "standard input" : path;
	if (cli_cluster_dir(cluster_dir) != NULL &&
	    cli_open_cluster("extract", cluster_dir, &cl, &dir) != CLI_OK)
		return CLI_USAGE;
	/* a log may hold anything, binary junk too: only size and type fail */
	if (cli_read_input("extract", path, &data, &len) != CLI_OK)
		goto done;
	if (ptrust_trace_extract(data, len, &t) != PTRUST_OK) {
		fail(file, t != NULL ? ptrust_trace_error(t) :
		    "out of memory");
		goto done;
	}
	if (cl != NULL && ptrust_trace_classify(t, cl, NULL) != PTRUST_OK) {
		fail(file, ptrust_trace_error(t));
		goto done;
	}
	n = ptrust_trace_count(t);
	if (n > 0 && (fs = calloc(n, sizeof(*fs))) == NULL) {
		fail(NULL, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		fs[i].line = ptrust_trace_line(t, i);
		fs[i].subject = ptrust_trace_subject(t, i);
		fs[i].issuer = ptrust_trace_issuer(t, i);
		fs[i].sha256 = ptrust_trace_sha256(t, i);
		fs[i].kind = "unknown";
		der = ptrust_trace_der(t, i, &derlen);
		if (judge_by_names(&fs[i], der, derlen, cl != NULL) == -1) {
			fail(NULL, "out of memory");
			goto done;
		}
		if ((k = ptrust_trace_kind(t, i)) != PTRUST_KIND_UNKNOWN) {
			/* the cluster decided: names do not matter */
			fs[i].kind = ptrust_kind_name(k);
			fs[i].guess = 0;
			fs[i].device = ptrust_trace_device(t, i);
			fs[i].reason = k == PTRUST_KIND_LSC ? "its chain "
			    "reaches a CAPF or external-CA anchor of the "
			    "cluster" : "its chain reaches a manufacturing "
			    "anchor of the cluster";
		}
	}
	if (json)
		print_json(fs, n, path, dir);
	else if (n > 0)
		print_human(fs, n, file, dir);
	else
		printf("NONE no certificate found in %s%s\n", file,
		    len == 0 ? " (it is empty)" : "");
	rc = n > 0 ? CLI_OK : CLI_REFUSED;
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust extract: standard output: %s\n",
		    strerror(errno));
		rc = CLI_USAGE;
	}
done:
	for (i = 0; fs != NULL && i < n; i++)
		free(fs[i].cn);
	free(fs);
	free(data);
	ptrust_trace_free(t);
	ptrust_cluster_free(cl);
	return rc;
}
