/*
 * Shared set-up and checks of the libFuzzer harnesses (fuzz_common.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "fuzz_common.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

struct fuzz_world fuzz;

void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("\n==== libphonetrust fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	fflush(stderr);
	abort();
}

int
fuzz_ignored(const char *check)
{
	const char *list = getenv("FUZZ_IGNORE");
	size_t l = strlen(check);
	const char *p;

	for (p = list; p != NULL && (p = strstr(p, check)) != NULL; p += l)
		if ((p == list || p[-1] == ',' || p[-1] == ' ') &&
		    (p[l] == '\0' || p[l] == ',' || p[l] == ' '))
			return 1;
	return 0;
}

static void
setup_fail(const char *what, const char *detail)
{
	fuzz_fail("set-up: %s: %s (FUZZ_SRCDIR=%s)", what,
	    detail != NULL ? detail : "", fuzz.srcdir);
}

void
fuzz_print_result(const char *label, const ptrust_result *r)
{
	size_t i;

	if (r == NULL) {
		fprintf(stderr, "%s: no result\n", label);
		return;
	}
	fprintf(stderr, "%s: trusted=%d kind=%s alert=%s anchor=%s error=%s\n",
	    label, ptrust_result_trusted(r),
	    ptrust_kind_name(ptrust_result_kind(r)),
	    ptrust_tls_alert_name(ptrust_result_tls_alert(r)),
	    ptrust_result_anchor(r) != NULL ?
	    ptrust_anchor_subject(ptrust_result_anchor(r)) : "(none)",
	    ptrust_result_error(r));
	for (i = 0; i < ptrust_result_reason_count(r); i++)
		fprintf(stderr, "  reason %s depth %d: %s\n",
		    ptrust_reason_name(ptrust_result_reason_code(r, i)),
		    ptrust_result_reason_depth(r, i),
		    ptrust_result_reason_message(r, i));
	for (i = 0; i < ptrust_result_chain_length(r); i++)
		fprintf(stderr, "  chain %zu: %s\n", i,
		    ptrust_result_chain_subject(r, i));
}

static void
check_result(const ptrust_store *store, ptrust_status st,
    const ptrust_result *r, const char *what, int no_chain)
{
	const ptrust_anchor *a;
	ptrust_kind kind;
	ptrust_tls_alert alert;
	size_t i, n, len;
	int trusted;

	if (st != PTRUST_OK) {
		if (r != NULL && ptrust_result_trusted(r)) {
			fuzz_print_result(what, r);
			fuzz_fail("%s: status %s but trusted", what,
			    ptrust_status_name(st));
		}
		return;
	}
	FUZZ_REQUIRE(r != NULL, what);
	trusted = ptrust_result_trusted(r);
	kind = ptrust_result_kind(r);
	alert = ptrust_result_tls_alert(r);
	a = ptrust_result_anchor(r);
	n = ptrust_result_reason_count(r);
	len = ptrust_result_chain_length(r);
	if (ptrust_kind_name(kind) == NULL ||
	    ptrust_tls_alert_name(alert) == NULL)
		goto bad;
	if (trusted && (a == NULL || n != 0 || alert != PTRUST_ALERT_NONE ||
	    (no_chain ? len != 0 : len < 1)))
		goto bad;
	/* fail closed, and say why; a refused certificate is of no kind */
	if (!trusted && (n == 0 || alert == PTRUST_ALERT_NONE ||
	    kind != PTRUST_KIND_UNKNOWN))
		goto bad;
	/* LSC or MIC only from the role of an anchor that verified */
	if (kind != PTRUST_KIND_UNKNOWN && (a == NULL ||
	    kind != pt_role_kind(ptrust_anchor_role(a))) &&
	    !fuzz_ignored("kind-without-anchor"))
		goto bad;
	if (a != NULL && store != NULL &&
	    ptrust_store_find(store, ptrust_anchor_sha256(a)) == NULL)
		goto bad;
	for (i = 0; i < n; i++)
		if (ptrust_reason_name(ptrust_result_reason_code(r, i)) ==
		    NULL || ptrust_result_reason_depth(r, i) < -1 ||
		    ptrust_result_reason_subject(r, i) == NULL ||
		    ptrust_result_reason_message(r, i) == NULL)
			goto bad;
	for (i = 0; i < len; i++)
		if (ptrust_result_chain_subject(r, i) == NULL)
			goto bad;
	/* the chain as built ends in the anchor */
	if (trusted && !no_chain && strcmp(ptrust_result_chain_subject(r,
	    len - 1), ptrust_anchor_subject(a)) != 0)
		goto bad;
	if (no_chain)
		for (i = 0; i < n; i++)
			if (ptrust_result_reason_depth(r, i) > 0)
				goto bad;
	return;
bad:
	fuzz_print_result(what, r);
	fuzz_fail("%s: the verdict breaks an invariant (see above)", what);
}

void
fuzz_check_result(const ptrust_store *store, ptrust_status st,
    const ptrust_result *r, const char *what)
{
	check_result(store, st, r, what, 0);
}

void
fuzz_check_result_no_chain(const ptrust_store *store, ptrust_status st,
    const ptrust_result *r, const char *what)
{
	check_result(store, st, r, what, 1);
}

int
fuzz_same_verdict(const ptrust_result *a, const ptrust_result *b)
{
	const ptrust_anchor *x, *y;
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	x = ptrust_result_anchor(a);
	y = ptrust_result_anchor(b);
	if (ptrust_result_trusted(a) != ptrust_result_trusted(b) ||
	    ptrust_result_kind(a) != ptrust_result_kind(b) ||
	    ptrust_result_tls_alert(a) != ptrust_result_tls_alert(b) ||
	    (x == NULL) != (y == NULL) ||
	    (x != NULL && strcmp(ptrust_anchor_sha256(x),
	    ptrust_anchor_sha256(y)) != 0) ||
	    ptrust_result_chain_length(a) != ptrust_result_chain_length(b) ||
	    ptrust_result_reason_count(a) != ptrust_result_reason_count(b))
		return 0;
	for (i = 0; i < ptrust_result_reason_count(a); i++)
		if (ptrust_result_reason_code(a, i) !=
		    ptrust_result_reason_code(b, i) ||
		    ptrust_result_reason_depth(a, i) !=
		    ptrust_result_reason_depth(b, i))
			return 0;
	return 1;
}

void
fuzz_same_anchors(const ptrust_builder *a, const ptrust_builder *b,
    const char *what)
{
	size_t i, n = ptrust_builder_anchor_count(a), la, lb;

	if (ptrust_builder_anchor_count(b) != n)
		fuzz_fail("%s: %zu anchors, then %zu", what, n,
		    ptrust_builder_anchor_count(b));
	for (i = 0; i < n; i++) {
		const ptrust_anchor *x = ptrust_builder_anchor(a, i);
		const ptrust_anchor *y = ptrust_builder_find(b,
		    ptrust_anchor_sha256(x));
		const unsigned char *dx, *dy;

		if (y == NULL)
			fuzz_fail("%s: anchor %s (%s) is gone", what,
			    ptrust_anchor_alias(x), ptrust_anchor_subject(x));
		dx = ptrust_anchor_der(x, &la);
		dy = ptrust_anchor_der(y, &lb);
		if (strcmp(ptrust_anchor_alias(x), ptrust_anchor_alias(y)) != 0 ||
		    ptrust_anchor_role(x) != ptrust_anchor_role(y) ||
		    la != lb || memcmp(dx, dy, la) != 0)
			fuzz_fail("%s: anchor %s role %s came back as %s role %s",
			    what, ptrust_anchor_alias(x),
			    ptrust_role_name(ptrust_anchor_role(x)),
			    ptrust_anchor_alias(y),
			    ptrust_role_name(ptrust_anchor_role(y)));
	}
}

/* Length of the DER TLV at p, 0 when there is none complete. */
static size_t
tlv_len(const uint8_t *p, size_t len)
{
	size_t hdr = 2, body = 0, i, n;

	if (len < 2 || (p[0] & 0x1f) == 0x1f)
		return 0;
	if (p[1] < 0x80)
		body = p[1];
	else {
		n = p[1] & 0x7f;
		if (n == 0 || n > 4 || len < 2 + n)
			return 0;
		for (i = 0; i < n; i++)
			body = body << 8 | p[2 + i];
		hdr += n;
	}
	if (body > len - hdr)
		return 0;
	return hdr + body;
}

size_t
fuzz_split_der(const uint8_t *data, size_t len, const uint8_t **piece,
    size_t *piece_len, size_t max)
{
	size_t n = 0, l;

	while (len > 0 && n < max) {
		l = n + 1 == max ? 0 : tlv_len(data, len);
		if (l == 0)
			l = len;
		piece[n] = data;
		piece_len[n] = l;
		n++;
		data += l;
		len -= l;
	}
	return n;
}

ptrust_chain *
fuzz_parse_chain(const uint8_t *data, size_t len, int *all_ok,
    const uint8_t **raw, size_t *raw_len, size_t *n_raw, ptrust_store *share)
{
	ptrust_chain *c;
	size_t i;

	*all_ok = 1;
	*n_raw = 0;
	if (len < 1 || (c = ptrust_chain_new()) == NULL)
		return NULL;
	if (ptrust_chain_share_anchors(c, share) != PTRUST_OK)
		fuzz_fail("ptrust_chain_share_anchors failed");
	if (data[0] & 1) {
		*n_raw = fuzz_split_der(data + 1, len - 1, raw, raw_len,
		    FUZZ_MAX_CERTS);
		for (i = 0; i < *n_raw; i++)
			if (ptrust_chain_add_der(c, raw[i], raw_len[i]) !=
			    PTRUST_OK)
				*all_ok = 0;
	} else if (ptrust_chain_add_pem(c, data + 1, len - 1) != PTRUST_OK)
		*all_ok = 0;
	return c;
}

char *
fuzz_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((path = malloc(strlen(tmp) + 32)) == NULL)
		fuzz_fail("out of memory");
	sprintf(path, "%s/ptfuzz.XXXXXX", tmp);
	if (mkdtemp(path) == NULL)
		fuzz_fail("mkdtemp %s: %s", path, strerror(errno));
	return path;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
fuzz_rmtree_free(char *path)
{
	if (path == NULL)
		return;
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(path);
}

int
fuzz_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (f == NULL)
		return -1;
	if (len > 0 && fwrite(data, 1, len, f) != len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static void
path_join(char *buf, size_t size, const char *a, const char *b)
{
	if ((size_t)snprintf(buf, size, "%s/%s", a, b) >= size)
		setup_fail("path too long", b);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The PEM files of fuzz/lab/chains, sorted, into fuzz.chains */
static void
load_fixture_chains(void)
{
	char dir[4096], path[4096], *names[16];
	struct dirent *de;
	size_t n = 0, i, l;
	DIR *d;

	path_join(dir, sizeof(dir), fuzz.srcdir, "fuzz/lab/chains");
	if ((d = opendir(dir)) == NULL)
		setup_fail(dir, strerror(errno));
	while ((de = readdir(d)) != NULL && n < 16) {
		l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".pem") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n && fuzz.n_chains < 16; i++) {
		ptrust_chain *c = ptrust_chain_new();

		path_join(path, sizeof(path), dir, names[i]);
		if (c == NULL || ptrust_chain_add_file(c, path) != PTRUST_OK)
			setup_fail(path, c != NULL ? ptrust_chain_error(c) : "");
		fuzz.chain_names[fuzz.n_chains] = names[i];
		fuzz.chains[fuzz.n_chains++] = c;
	}
}

static void
add_lab_chain(ptrust_lab_ca *ca, const char *device, const char *name)
{
	ptrust_lab_spec spec = { .key_type = "EC" };
	ptrust_lab_cert *cert = ptrust_lab_issue(ca, device, FUZZ_TIME, &spec);
	ptrust_chain *c = NULL;

	if (cert == NULL || ptrust_lab_cert_chain(cert, &c) != PTRUST_OK)
		setup_fail("lab certificate", name);
	ptrust_lab_cert_free(cert);
	fuzz.chain_names[fuzz.n_chains] = name;
	fuzz.chains[fuzz.n_chains++] = c;
}

static void
expect(const char *name, int trusted, ptrust_kind kind)
{
	size_t i;

	for (i = 0; i < fuzz.n_chains; i++) {
		if (strcmp(fuzz.chain_names[i], name) != 0)
			continue;
		if (ptrust_result_trusted(fuzz.baseline[i]) != trusted ||
		    ptrust_result_kind(fuzz.baseline[i]) != kind) {
			fuzz_print_result(name, fuzz.baseline[i]);
			setup_fail("fixture chain has an unexpected verdict",
			    name);
		}
		return;
	}
	setup_fail("fixture chain missing", name);
}

void
fuzz_init(void)
{
	static int done;
	ptrust_builder *b, *cm, *capf, *mfg;
	ptrust_lab_ca *lab_capf, *lab_mfg;
	ptrust_lab_spec spec = { .key_type = "EC" };
	char dir[4096];
	const char *env = getenv("FUZZ_SRCDIR");
	size_t i;

	if (done)
		return;
	done = 1;
	fuzz.srcdir = env != NULL && *env != '\0' ? env : FUZZ_SRCDIR;
	if ((fuzz.options = ptrust_options_new()) == NULL ||
	    ptrust_options_set_time(fuzz.options, FUZZ_TIME) != PTRUST_OK)
		setup_fail("options", "");

	/* the lab's own CAs, made now at the fixed time (EC: quick to make) */
	lab_capf = ptrust_lab_ca_new_capf("CAPF-f0221234", FUZZ_TIME, &spec);
	lab_mfg = ptrust_lab_ca_new_manufacturing("Fuzz Manufacturing CA",
	    FUZZ_TIME, &spec);
	if (lab_capf == NULL || lab_mfg == NULL)
		setup_fail("lab CAs", "");

	/* the store: lab CAs, fixture anchors, Cisco's CAs */
	if ((b = ptrust_builder_new("callmanager-trust")) == NULL ||
	    ptrust_lab_ca_add_to(lab_capf, b) != PTRUST_OK ||
	    ptrust_lab_ca_add_to(lab_mfg, b) != PTRUST_OK)
		setup_fail("store", b != NULL ? ptrust_builder_error(b) : "");
	/* (add_dir and add_file do not read the files' role comments) */
	path_join(dir, sizeof(dir), fuzz.srcdir,
	    "fuzz/lab/anchors/CAPF-a6d4c572.pem");
	if (ptrust_builder_add_file(b, dir, NULL, PTRUST_ROLE_CAPF) !=
	    PTRUST_OK)
		setup_fail(dir, ptrust_builder_error(b));
	path_join(dir, sizeof(dir), fuzz.srcdir,
	    "fuzz/lab/anchors/Lab_Root_CA_M2.pem");
	if (ptrust_builder_add_file(b, dir, NULL, PTRUST_ROLE_MANUFACTURING) !=
	    PTRUST_OK)
		setup_fail(dir, ptrust_builder_error(b));
	path_join(dir, sizeof(dir), fuzz.srcdir, "data/cisco");
	if (ptrust_builder_add_dir(b, dir, PTRUST_ROLE_AUTO) != PTRUST_OK)
		setup_fail(dir, ptrust_builder_error(b));
	if (ptrust_builder_build(b, &fuzz.store) != PTRUST_OK)
		setup_fail("build", ptrust_builder_error(b));
	ptrust_builder_free(b);

	/* the cluster: CAPFs in callmanager-trust and capf-trust, the
	 * manufacturing roots in manufacturing-ca with Cisco's */
	if ((fuzz.cluster = ptrust_cluster_new()) == NULL)
		setup_fail("cluster", "");
	cm = ptrust_cluster_store(fuzz.cluster, "callmanager-trust", 0);
	capf = ptrust_cluster_store(fuzz.cluster, "capf-trust", 0);
	mfg = ptrust_cluster_store(fuzz.cluster, "manufacturing-ca", 0);
	if (cm == NULL || capf == NULL || mfg == NULL ||
	    ptrust_lab_ca_add_to(lab_capf, cm) != PTRUST_OK ||
	    ptrust_lab_ca_add_to(lab_capf, capf) != PTRUST_OK ||
	    ptrust_lab_ca_add_to(lab_mfg, mfg) != PTRUST_OK)
		setup_fail("cluster stores", "");
	path_join(dir, sizeof(dir), fuzz.srcdir,
	    "fuzz/lab/anchors/CAPF-a6d4c572.pem");
	if (ptrust_builder_add_file(cm, dir, NULL, PTRUST_ROLE_CAPF) !=
	    PTRUST_OK || ptrust_builder_add_file(capf, dir, NULL,
	    PTRUST_ROLE_CAPF) != PTRUST_OK)
		setup_fail(dir, ptrust_builder_error(cm));
	path_join(dir, sizeof(dir), fuzz.srcdir,
	    "fuzz/lab/anchors/Lab_Root_CA_M2.pem");
	if (ptrust_builder_add_file(mfg, dir, NULL, PTRUST_ROLE_MANUFACTURING)
	    != PTRUST_OK)
		setup_fail(dir, ptrust_builder_error(mfg));
	if (ptrust_cluster_set_purpose_store(fuzz.cluster,
	    PTRUST_CLUSTER_8021X, "callmanager-trust") != PTRUST_OK)
		setup_fail("802.1x store", ptrust_cluster_error(fuzz.cluster));

	/* chains, and their verdicts without CRLs */
	add_lab_chain(lab_capf, "SEP0A0B0C0D0E0F", "lab-lsc");
	add_lab_chain(lab_mfg, "SEP0A0B0C0D0E10", "lab-mic");
	ptrust_lab_ca_free(lab_capf);
	ptrust_lab_ca_free(lab_mfg);
	load_fixture_chains();
	for (i = 0; i < fuzz.n_chains; i++) {
		ptrust_status st = ptrust_verify(fuzz.store, fuzz.chains[i],
		    fuzz.options, &fuzz.baseline[i]);

		fuzz_check_result(fuzz.store, st, fuzz.baseline[i],
		    fuzz.chain_names[i]);
	}
	/* the fixture must be what the harnesses assume */
	expect("lab-lsc", 1, PTRUST_KIND_LSC);
	expect("lab-mic", 1, PTRUST_KIND_MIC);
	expect("lsc.pem", 1, PTRUST_KIND_LSC);
	expect("mic.pem", 1, PTRUST_KIND_MIC);
	expect("migrated-lsc.pem", 0, PTRUST_KIND_UNKNOWN);
	expect("expired-mic.pem", 0, PTRUST_KIND_UNKNOWN);
}

/*
 * The set-up most harnesses need; a harness with more to do defines its
 * own, which takes the place of this weak one.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);

__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}
