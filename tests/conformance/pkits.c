/*
 * NIST PKITS conformance runner.  Runs every PKITS row that does not need
 * policy processing (libphonetrust has no policy inputs) through the public
 * API and compares the verdict with PKITS' expectation, and with what
 * OpenSSL 3.0.19 answered on the same row.  Passes when we do at least as
 * well as OpenSSL and no call failed.  With --cli, every row goes through
 * the command-line tool instead (`phonetrust verify`, exit 0 or 1).
 *
 * With --crl-default the CRLs are given without choosing a check mode,
 * as an administrator gives them (`--crl` alone): the library's default
 * applies.  Each --agree ID names a row where our verdict must be
 * OpenSSL's (with -crl_check_all), whatever the totals.
 *
 * usage: pkits [--cli PHONETRUST] [--crl-default] [--agree ID ...] [datadir]
 *	(datadir defaults to SRCDIR/tests/data/pkits)
 */
#include <sys/wait.h>

#include <errno.h>
#include <spawn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <phonetrust.h>

#ifndef SRCDIR
#define SRCDIR "."
#endif

/* BoringSSL's choice: PKITS certificates and CRLs are all current then. */
#define PKITS_TIME	((time_t)1302825600)	/* 2011-04-15T00:00:00Z */
#define PKITS_STORE	"pkits"

/* A growable array of borrowed strings: CSV fields or list items. */
struct strv {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* Column indexes, found by name so column order may change. */
struct cols {
	size_t	id, title, expected, anchor, inter, ee, crls;
	size_t	needs_policy, openssl;
	size_t	pol_set, pol_explicit, pol_mapping, pol_any;
	size_t	count;
};

/* NULL: the library; else the phonetrust program to run per row. */
static const char *cli;
/* 1: CRLs given without a check mode (the default); 0: "all" said. */
static int crl_default;
/* Rows whose verdict must be OpenSSL's, and how many of them ran. */
static char *agree[16];
static int n_agree, agreed;

struct tally {
	int	pass, fail;
	int	ossl_pass, ossl_fail;
	int	disagree;	/* --agree rows that differ from OpenSSL */
};

static int
strv_push(struct strv *sv, char *s)
{
	char **v;
	size_t cap;

	if (sv->n == sv->cap) {
		cap = sv->cap ? sv->cap * 2 : 16;
		if ((v = realloc(sv->v, cap * sizeof(*v))) == NULL)
			return -1;
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	return 0;
}

/*
 * The whole file, NUL-terminated.  The CSV is decoded in place, so its
 * fields need no allocation of their own.
 */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE *f;
	char *buf = NULL, *p;
	size_t len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "pkits: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(buf, cap + 1)) == NULL) {
				fprintf(stderr, "pkits: out of memory\n");
				goto fail;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "pkits: %s: read error\n", path);
		goto fail;
	}
	fclose(f);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

/*
 * One RFC 4180 record from *pp, decoded in place: quoted fields may hold
 * commas, newlines and doubled quotes.  The decoded text never outgrows
 * the raw text, and every field ends on a delimiter or at the buffer's
 * terminating NUL, so each field can be NUL-terminated where it ends.
 * Returns 1 with a record, 0 at the end, -1 on a syntax or memory error.
 */
static int
csv_record(char **pp, const char *end, struct strv *rec, size_t *line)
{
	char *r = *pp, *w, *field;
	size_t start = *line;
	int quoted;

	rec->n = 0;
	if (r >= end)
		return 0;
	for (;;) {
		field = w = r;
		quoted = 0;
		if (r < end && *r == '"') {
			quoted = 1;
			r++;
			for (;;) {
				if (r >= end) {
					fprintf(stderr, "pkits: line %zu: "
					    "unterminated quote\n", start);
					return -1;
				}
				if (*r == '"') {
					if (r + 1 < end && r[1] == '"') {
						*w++ = '"';
						r += 2;
						continue;
					}
					r++;
					break;
				}
				if (*r == '\n')
					(*line)++;
				*w++ = *r++;
			}
		}
		while (r < end && *r != ',' && *r != '\n' && *r != '\r') {
			if (quoted) {
				fprintf(stderr, "pkits: line %zu: text after a "
				    "closing quote\n", start);
				return -1;
			}
			*w++ = *r++;
		}
		if (strv_push(rec, field) == -1) {
			fprintf(stderr, "pkits: out of memory\n");
			return -1;
		}
		if (r < end && *r == ',') {
			*w = '\0';
			r++;
			continue;
		}
		/* End of record: "\n", "\r\n" or the end of the buffer. */
		if (r < end && *r == '\r')
			*r++ = '\0';
		if (r < end && *r == '\n') {
			r++;
			(*line)++;
		}
		*w = '\0';
		break;
	}
	*pp = r;
	return 1;
}

static int
find_col(const struct strv *hdr, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < hdr->n; i++) {
		if (strcmp(hdr->v[i], name) == 0) {
			*idx = i;
			return 0;
		}
	}
	fprintf(stderr, "pkits: no column \"%s\" in the CSV header\n", name);
	return -1;
}

static int
find_cols(const struct strv *hdr, struct cols *c)
{
	c->count = hdr->n;
	return find_col(hdr, "id", &c->id) | find_col(hdr, "title", &c->title) |
	    find_col(hdr, "expected", &c->expected) |
	    find_col(hdr, "trust_anchor", &c->anchor) |
	    find_col(hdr, "intermediates_ta_to_ee", &c->inter) |
	    find_col(hdr, "end_entity", &c->ee) |
	    find_col(hdr, "crls", &c->crls) |
	    find_col(hdr, "needs_policy", &c->needs_policy) |
	    find_col(hdr, "initial_policy_set", &c->pol_set) |
	    find_col(hdr, "initial_explicit_policy", &c->pol_explicit) |
	    find_col(hdr, "initial_policy_mapping_inhibit", &c->pol_mapping) |
	    find_col(hdr, "initial_inhibit_any_policy", &c->pol_any) |
	    find_col(hdr, "openssl_3.0.19_verify_result", &c->openssl);
}

/* Split a ';' list in place; empty items (an empty column) are skipped. */
static int
split_list(char *s, struct strv *out)
{
	char *item;

	out->n = 0;
	for (;;) {
		item = s;
		if ((s = strchr(s, ';')) != NULL)
			*s++ = '\0';
		if (*item != '\0' && strv_push(out, item) == -1) {
			fprintf(stderr, "pkits: out of memory\n");
			return -1;
		}
		if (s == NULL)
			return 0;
	}
}

static int
data_path(char *buf, size_t size, const char *dir, const char *sub,
    const char *stem, const char *ext)
{
	int n = snprintf(buf, size, "%s/%s/%s.%s", dir, sub, stem, ext);

	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "pkits: path too long: %s/%s/%s.%s\n", dir,
		    sub, stem, ext);
		return -1;
	}
	return 0;
}

/*
 * "VALID" / "INVALID" to 1 / 0, -1 for anything else.  The OpenSSL column
 * appends the error after the word, hence prefix matching there.
 */
static int
verdict_of(const char *s, int prefix)
{
	if (prefix ? strncmp(s, "VALID", 5) == 0 : strcmp(s, "VALID") == 0)
		return 1;
	if (prefix ? strncmp(s, "INVALID", 7) == 0 :
	    strcmp(s, "INVALID") == 0)
		return 0;
	return -1;
}

static void
print_divergence(const struct strv *rec, const struct cols *c,
    const ptrust_result *res, int ours)
{
	size_t i, n = ptrust_result_reason_count(res);
	int depth;

	printf("DIVERGE %s \"%s\": expected %s, ours %s [", rec->v[c->id],
	    rec->v[c->title], rec->v[c->expected],
	    ours ? "VALID" : "INVALID");
	for (i = 0; i < n; i++) {
		depth = ptrust_result_reason_depth(res, i);
		printf("%s%s", i ? " " : "",
		    ptrust_reason_name(ptrust_result_reason_code(res, i)));
		if (depth >= 0)
			printf("@%d", depth);
	}
	printf("]; openssl 3.0.19: %s\n", rec->v[c->openssl]);
}

/* The snapshot for this row: its trust anchor only. */
static int
build_store(const char *dir, const char *anchor, ptrust_store **store)
{
	char path[PATH_MAX];
	ptrust_builder *b;
	ptrust_status st;
	int rc = -1;

	*store = NULL;
	if (data_path(path, sizeof(path), dir, "certs", anchor, "crt") == -1)
		return -1;
	if ((b = ptrust_builder_new(PKITS_STORE)) == NULL) {
		fprintf(stderr, "pkits: ptrust_builder_new: out of memory\n");
		return -1;
	}
	if ((st = ptrust_builder_add_file(b, path, NULL, PTRUST_ROLE_AUTO)) !=
	    PTRUST_OK) {
		fprintf(stderr, "pkits: ptrust_builder_add_file %s: %s: %s\n",
		    path, ptrust_status_name(st), ptrust_builder_error(b));
		goto done;
	}
	if ((st = ptrust_builder_build(b, store)) != PTRUST_OK) {
		fprintf(stderr, "pkits: ptrust_builder_build: %s: %s\n",
		    ptrust_status_name(st), ptrust_builder_error(b));
		goto done;
	}
	rc = 0;
done:
	ptrust_builder_free(b);
	return rc;
}

/* The EE, then the intermediates from the EE's issuer up to the anchor. */
static int
build_chain(const char *dir, const char *ee, const struct strv *inter,
    ptrust_chain **chainp)
{
	char path[PATH_MAX];
	ptrust_chain *chain;
	ptrust_status st;
	size_t i;

	if ((chain = ptrust_chain_new()) == NULL) {
		fprintf(stderr, "pkits: ptrust_chain_new: out of memory\n");
		return -1;
	}
	for (i = 0; i <= inter->n; i++) {
		/* i == 0: the EE; the CSV lists the rest anchor first. */
		const char *stem = i == 0 ? ee : inter->v[inter->n - i];

		if (data_path(path, sizeof(path), dir, "certs", stem,
		    "crt") == -1)
			goto fail;
		if ((st = ptrust_chain_add_file(chain, path)) != PTRUST_OK) {
			fprintf(stderr, "pkits: ptrust_chain_add_file %s: "
			    "%s: %s\n", path, ptrust_status_name(st),
			    ptrust_chain_error(chain));
			goto fail;
		}
	}
	*chainp = chain;
	return 0;
fail:
	ptrust_chain_free(chain);
	return -1;
}

static int
build_options(const char *dir, const struct strv *crls,
    ptrust_options **optsp)
{
	char path[PATH_MAX];
	ptrust_options *o;
	ptrust_status st;
	const char *what;
	size_t i;

	if ((o = ptrust_options_new()) == NULL) {
		fprintf(stderr, "pkits: ptrust_options_new: out of memory\n");
		return -1;
	}
	what = "ptrust_options_set_time";
	if ((st = ptrust_options_set_time(o, PKITS_TIME)) != PTRUST_OK)
		goto fail;
	/* PKITS certificates carry no EKU worth testing. */
	what = "ptrust_options_set_eku";
	if ((st = ptrust_options_set_eku(o, PTRUST_EKU_ANY)) !=
	    PTRUST_OK)
		goto fail;
	/*
	 * PKITS (2011) signs with SHA-1 and RSA-1024: both are refused by
	 * the default level 2, so lower it.  Only for this conformance run.
	 */
	what = "ptrust_options_insecure_set_security_level";
	if ((st = ptrust_options_insecure_set_security_level(o, 0)) !=
	    PTRUST_OK)
		goto fail;
	what = "ptrust_options_insecure_allow_sha1";
	if ((st = ptrust_options_insecure_allow_sha1(o, 1)) != PTRUST_OK)
		goto fail;
	for (i = 0; i < crls->n; i++) {
		if (data_path(path, sizeof(path), dir, "crls", crls->v[i],
		    "crl") == -1) {
			ptrust_options_free(o);
			return -1;
		}
		what = "ptrust_options_add_crl_file";
		if ((st = ptrust_options_add_crl_file(o, path)) != PTRUST_OK)
			goto fail;
	}
	/*
	 * Every certificate of the path, as OpenSSL's -crl_check_all run:
	 * said explicitly rather than relying on the "CRLs turn it on"
	 * default.
	 */
	if (crls->n > 0 && !crl_default) {
		what = "ptrust_options_set_crl_check";
		if ((st = ptrust_options_set_crl_check(o,
		    PTRUST_CRL_CHECK_ALL)) != PTRUST_OK)
			goto fail;
	}
	*optsp = o;
	return 0;
fail:
	fprintf(stderr, "pkits: %s: %s: %s\n", what, ptrust_status_name(st),
	    ptrust_options_error(o));
	ptrust_options_free(o);
	return -1;
}

/*
 * The row through `phonetrust verify`: 1 trusted, 0 not, -1 when the tool
 * could not run or called the input unusable (exit 2).
 */
static int
cli_verdict(const char *dir, const struct strv *rec, const struct cols *c,
    const struct strv *inter, const struct strv *crls)
{
	/* the same options as build_options(), said on the command line */
	static const char *fixed[] = { "verify", "--quiet", "--purpose", "any",
	    "--at", "2011-04-15T00:00:00Z", "--security-level", "0",
	    "--allow-sha1" };
	char *argv[64], paths[40][PATH_MAX];
	size_t i, n = 0, np = 0;
	pid_t pid;
	int status, e;

	if (inter->n + crls->n + 2 > 36) {
		fprintf(stderr, "pkits: %s: too many files\n", rec->v[c->id]);
		return -1;
	}
	argv[n++] = (char *)cli;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		argv[n++] = (char *)fixed[i];
	if (data_path(paths[np], PATH_MAX, dir, "certs", rec->v[c->anchor],
	    "crt") == -1)
		return -1;
	argv[n++] = "--trust";
	argv[n++] = paths[np++];
	for (i = 0; i < inter->n; i++) {
		if (data_path(paths[np], PATH_MAX, dir, "certs", inter->v[i],
		    "crt") == -1)
			return -1;
		argv[n++] = "--untrusted";
		argv[n++] = paths[np++];
	}
	for (i = 0; i < crls->n; i++) {
		if (data_path(paths[np], PATH_MAX, dir, "crls", crls->v[i],
		    "crl") == -1)
			return -1;
		argv[n++] = "--crl";
		argv[n++] = paths[np++];
	}
	if (crls->n > 0 && !crl_default) {
		argv[n++] = "--crl-check";
		argv[n++] = "all";
	}
	if (data_path(paths[np], PATH_MAX, dir, "certs", rec->v[c->ee],
	    "crt") == -1)
		return -1;
	argv[n++] = paths[np++];
	argv[n] = NULL;
	if ((e = posix_spawn(&pid, cli, NULL, NULL, argv, NULL)) != 0) {
		fprintf(stderr, "pkits: %s: %s\n", cli, strerror(e));
		return -1;
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			perror("pkits: waitpid");
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) <= 1)
		return WEXITSTATUS(status) == 0;
	fprintf(stderr, "pkits: %s: phonetrust verify %s %d\n", rec->v[c->id],
	    WIFEXITED(status) ? "exited with" : "killed by signal",
	    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return -1;
}

/* One row.  0 when it ran (whatever the verdict), -1 on an error. */
static int
run_row(const char *dir, struct strv *rec, const struct cols *c,
    struct tally *t)
{
	struct strv inter = { 0 }, crls = { 0 };
	ptrust_store *store = NULL;
	ptrust_chain *chain = NULL;
	ptrust_options *o = NULL;
	ptrust_result *res = NULL;
	ptrust_status st;
	int expected, ossl, ours, rc = -1;
	size_t i;

	expected = verdict_of(rec->v[c->expected], 0);
	ossl = verdict_of(rec->v[c->openssl], 1);
	if (expected == -1 || ossl == -1) {
		fprintf(stderr, "pkits: %s: unreadable expected \"%s\" or "
		    "OpenSSL result \"%s\"\n", rec->v[c->id],
		    rec->v[c->expected], rec->v[c->openssl]);
		return -1;
	}
	if (split_list(rec->v[c->inter], &inter) == -1 ||
	    split_list(rec->v[c->crls], &crls) == -1)
		goto done;
	if (cli != NULL) {
		if ((ours = cli_verdict(dir, rec, c, &inter, &crls)) == -1)
			goto done;
		goto tally;
	}
	if (build_store(dir, rec->v[c->anchor], &store) == -1 ||
	    build_chain(dir, rec->v[c->ee], &inter, &chain) == -1 ||
	    build_options(dir, &crls, &o) == -1)
		goto done;
	if ((st = ptrust_verify(store, chain, o, &res)) != PTRUST_OK) {
		fprintf(stderr, "pkits: %s: ptrust_verify: %s: %s\n",
		    rec->v[c->id], ptrust_status_name(st),
		    res != NULL ? ptrust_result_error(res) : "no result");
		goto done;
	}
	ours = ptrust_result_trusted(res);
tally:
	if (ours == expected)
		t->pass++;
	else {
		t->fail++;
		print_divergence(rec, c, res, ours);
	}
	if (ossl == expected)
		t->ossl_pass++;
	else
		t->ossl_fail++;
	for (i = 0; i < (size_t)n_agree; i++) {
		if (strcmp(agree[i], rec->v[c->id]) != 0)
			continue;
		agreed++;
		if (ours != ossl) {
			printf("DISAGREE %s: ours %s, openssl %s\n",
			    rec->v[c->id], ours ? "VALID" : "INVALID",
			    rec->v[c->openssl]);
			t->disagree++;
		}
	}
	rc = 0;
done:
	ptrust_result_free(res);
	ptrust_options_free(o);
	ptrust_chain_free(chain);
	ptrust_store_unref(store);
	free(inter.v);
	free(crls.v);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *dir;
	char path[PATH_MAX], *buf = NULL, *p;
	struct strv rec = { 0 };
	struct tally t = { 0 };
	struct cols c;
	size_t len, line = 1, at;
	int r, rows = 0, rc = 1;

	for (;;) {
		if (argc > 2 && strcmp(argv[1], "--cli") == 0) {
			cli = argv[2];
			argc -= 2;
			argv += 2;
		} else if (argc > 1 && strcmp(argv[1], "--crl-default") == 0) {
			crl_default = 1;
			argc--;
			argv++;
		} else if (argc > 2 && strcmp(argv[1], "--agree") == 0 &&
		    n_agree < (int)(sizeof(agree) / sizeof(agree[0]))) {
			agree[n_agree++] = argv[2];
			argc -= 2;
			argv += 2;
		} else
			break;
	}
	dir = argc > 1 ? argv[1] : SRCDIR "/tests/data/pkits";
	/* Line by line, so a crash in the library still leaves the log. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	r = snprintf(path, sizeof(path), "%s/pkits_expectations.csv", dir);
	if (r < 0 || (size_t)r >= sizeof(path)) {
		fprintf(stderr, "pkits: %s: path too long\n", dir);
		goto done;
	}
	if ((buf = slurp(path, &len)) == NULL)
		goto done;
	p = buf;
	if ((r = csv_record(&p, buf + len, &rec, &line)) != 1) {
		if (r == 0)
			fprintf(stderr, "pkits: %s: empty\n", path);
		goto done;
	}
	if (find_cols(&rec, &c) == -1)
		goto done;
	printf("# NIST PKITS on libphonetrust %s%s: rows with needs_policy=no "
	    "or default policy inputs, "
	    "at 2011-04-15T00:00:00Z, purpose any, %s, "
	    "security level 0 + SHA-1 allowed (PKITS uses RSA-1024 and "
	    "SHA-1)\n", ptrust_version(),
	    cli != NULL ? " through phonetrust verify" : "",
	    crl_default ? "CRLs given, default check" : "all CRLs");
	for (;;) {
		at = line;	/* where this record starts */
		if ((r = csv_record(&p, buf + len, &rec, &line)) != 1)
			break;
		if (rec.n == 1 && rec.v[0][0] == '\0')
			continue;	/* blank line */
		if (rec.n != c.count) {
			fprintf(stderr, "pkits: %s line %zu: %zu fields, "
			    "header has %zu\n", path, at, rec.n, c.count);
			goto done;
		}
		/*
		 * The library runs RFC 5280 policy processing with the default
		 * inputs only (any policy, nothing explicit, mapping and
		 * anyPolicy allowed): rows that set other inputs are skipped.
		 */
		if (strcmp(rec.v[c.needs_policy], "no") != 0 &&
		    !(strcmp(rec.v[c.pol_set], "2.5.29.32.0") == 0 &&
		    strcmp(rec.v[c.pol_explicit], "false") == 0 &&
		    strcmp(rec.v[c.pol_mapping], "false") == 0 &&
		    strcmp(rec.v[c.pol_any], "false") == 0))
			continue;
		rows++;
		if (run_row(dir, &rec, &c, &t) == -1)
			goto done;
	}
	if (r == -1)
		goto done;
	if (rows == 0) {
		fprintf(stderr, "pkits: %s: no usable rows\n", path);
		goto done;
	}
	printf("%d passed, %d failed\n", t.pass, t.fail);
	printf("openssl 3.0.19 on the same rows: %d passed, %d failed\n",
	    t.ossl_pass, t.ossl_fail);
	if (agreed != n_agree) {
		printf("an --agree row was not found or not run\n");
		goto done;
	}
	rc = t.pass >= t.ossl_pass && t.disagree == 0 ? 0 : 1;
done:
	free(rec.v);
	free(buf);
	return rc;
}
