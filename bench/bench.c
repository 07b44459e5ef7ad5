/*
 * Registration-storm benchmark: raw OpenSSL (d2i + X509_verify_cert with
 * the flags libphonetrust uses) against libphonetrust (the verdict cache
 * path a server takes: ptrust_cache_verify), on the same chains, in one
 * run; TLS 1.3 handshakes of a server attached with ptrust_ssl_ctx_attach
 * against a plain OpenSSL server; the memory a cached verdict takes; and
 * `phonetrust verify' against `openssl verify'.  A program that prints
 * figures, not a test.
 *
 * This VM's speed moves by tens of percent from one tenth of a second to
 * the next, so no figure is a lone run: one-thread comparisons time A and
 * B chain by chain (handshake by handshake, process by process),
 * interleaved; two-thread figures come from pairs of short runs, one
 * right after the other; each ratio is a median of 15 (31 processes).
 *
 *	bench [--phones N] [--storm N] [--only SCENARIO] [--verbose]
 *	    [--phonetrust PATH]
 *
 * Last lines, one per scenario: "ratio NAME VALUE" (libphonetrust / raw
 * OpenSSL, higher is better), "scaling NAME VALUE", "bytes NAME VALUE"
 * (per cached verdict) or "time NAME VALUE" (libphonetrust's wall time /
 * OpenSSL's, lower is better).
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-openssl.h>
#include <phonetrust-fleet.h>

#include "lab.h"

#define NOW	(LAB_T0 + 30 * LAB_DAY)

extern char **environ;

struct der {
	unsigned char	*p[2];
	size_t		 len[2];
	int		 n;
};

struct world {
	EVP_PKEY	*leaf_key;
	EVP_PKEY	*capf_key, *root_key, *mfg_key;
	X509		*capf, *root, *mfg_ca;
	struct der	*lsc, *mic;	/* distinct phones */
	int		 nphones;
	ptrust_store	*store;		/* CAPF + manufacturing root */
	X509_STORE	*raw;		/* the same anchors for raw OpenSSL */
	ptrust_options	*opts;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

/*
 * Every allocation OpenSSL makes, and so every one libphonetrust makes
 * (lib/core/util.c: all its memory goes through OpenSSL's allocator), with its
 * size in a header of its own: while counting is on, live_bytes is what
 * was asked for and not given back, live_chunks what glibc's malloc holds
 * for it (each chunk 8 bytes more, rounded up to 16, at least 32).
 */
#define HDR	16
static atomic_int counting;
static atomic_llong live_bytes, live_chunks;

static long long
chunk_of(size_t n)
{
	size_t c = (n + 8 + 15) & ~(size_t)15;

	return (long long)(c < 32 ? 32 : c);
}

static void
count(size_t n, int sign)
{
	if (!atomic_load_explicit(&counting, memory_order_relaxed))
		return;
	atomic_fetch_add_explicit(&live_bytes, sign * (long long)n,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&live_chunks, sign * chunk_of(n),
	    memory_order_relaxed);
}

static void *
hook_malloc(size_t n, const char *file, int line)
{
	unsigned char *p;

	(void)file; (void)line;
	if ((p = malloc(n + HDR)) == NULL)
		return NULL;
	memcpy(p, &n, sizeof(n));
	count(n, 1);
	return p + HDR;
}

static void
hook_free(void *q, const char *file, int line)
{
	unsigned char *p = q;
	size_t n;

	(void)file; (void)line;
	if (p == NULL)
		return;
	p -= HDR;
	memcpy(&n, p, sizeof(n));
	count(n, -1);
	free(p);
}

static void *
hook_realloc(void *q, size_t n, const char *file, int line)
{
	unsigned char *p = q, *np;
	size_t old;

	if (p == NULL)
		return hook_malloc(n, file, line);
	if (n == 0) {
		hook_free(q, file, line);
		return NULL;
	}
	p -= HDR;
	memcpy(&old, p, sizeof(old));
	if ((np = realloc(p, n + HDR)) == NULL)
		return NULL;
	memcpy(np, &n, sizeof(n));
	count(old, -1);
	count(n, 1);
	return np + HDR;
}

static void
issue_phones(struct world *w, struct der *out, X509 *ca, EVP_PKEY *ca_key,
    int with_ca)
{
	struct lab_spec s;
	char cn[32];
	int i;

	for (i = 0; i < w->nphones; i++) {
		X509 *x;

		memset(&s, 0, sizeof(s));
		snprintf(cn, sizeof(cn), "SEP%012X", i);
		s.cn = cn;
		s.pathlen = -1;
		s.eku = "clientAuth";
		if ((x = lab_issue(&s, w->leaf_key, ca, ca_key)) == NULL)
			die("cannot issue a phone certificate");
		out[i].p[0] = lab_der(x, &out[i].len[0]);
		out[i].n = 1;
		if (with_ca) {
			out[i].p[1] = lab_der(ca, &out[i].len[1]);
			out[i].n = 2;
		}
		X509_free(x);
	}
}

static void
world_build(struct world *w, int nphones)
{
	struct lab_spec s;
	ptrust_builder *b;

	memset(w, 0, sizeof(*w));
	w->nphones = nphones;
	if ((w->leaf_key = lab_key_rsa(2048)) == NULL ||
	    (w->capf_key = lab_key_rsa(2048)) == NULL ||
	    (w->root_key = lab_key_rsa(2048)) == NULL ||
	    (w->mfg_key = lab_key_rsa(2048)) == NULL)
		die("cannot make keys");
	memset(&s, 0, sizeof(s));
	s.cn = "CAPF-a6d4c572"; s.ca = 1; s.pathlen = 0;
	s.key_usage = "critical,digitalSignature,keyCertSign";
	w->capf = lab_issue(&s, w->capf_key, NULL, NULL);
	memset(&s, 0, sizeof(s));
	s.cn = "Bench Root CA M2"; s.o = "Cisco"; s.ca = 1; s.pathlen = 1;
	w->root = lab_issue(&s, w->root_key, NULL, NULL);
	s.cn = "Bench Manufacturing CA SHA2"; s.pathlen = 0;
	w->mfg_ca = lab_issue(&s, w->mfg_key, w->root, w->root_key);
	if (w->capf == NULL || w->root == NULL || w->mfg_ca == NULL)
		die("cannot make CAs");
	w->lsc = calloc((size_t)nphones, sizeof(*w->lsc));
	w->mic = calloc((size_t)nphones, sizeof(*w->mic));
	if (w->lsc == NULL || w->mic == NULL)
		die("out of memory");
	issue_phones(w, w->lsc, w->capf, w->capf_key, 0);
	issue_phones(w, w->mic, w->mfg_ca, w->mfg_key, 1);

	if ((b = ptrust_builder_new("callmanager-trust")) == NULL ||
	    ptrust_builder_add_x509(b, w->capf, NULL, PTRUST_ROLE_CAPF) !=
	    PTRUST_OK ||
	    ptrust_builder_add_x509(b, w->root, NULL,
	    PTRUST_ROLE_MANUFACTURING) != PTRUST_OK ||
	    ptrust_builder_build(b, &w->store) != PTRUST_OK)
		die("cannot build the store");
	ptrust_builder_free(b);
	if ((w->raw = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(w->raw, w->capf) ||
	    !X509_STORE_add_cert(w->raw, w->root))
		die("cannot build the raw store");
	if ((w->opts = ptrust_options_new()) == NULL ||
	    ptrust_options_set_time(w->opts, NOW) != PTRUST_OK)
		die("cannot make options");
}

static STACK_OF(ASN1_OBJECT) *any_policy;

/* Raw OpenSSL, as a careful server would call it. */
static int
raw_verify(X509_STORE *store, const struct der *d)
{
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;
	X509 *leaf = NULL, *x;
	const unsigned char *p;
	int i, ok = 0;

	for (i = 0; i < d->n; i++) {
		p = d->p[i];
		if ((x = d2i_X509(NULL, &p, (long)d->len[i])) == NULL)
			goto done;
		sk_X509_push(untrusted, x);
		if (i == 0)
			leaf = x;
	}
	if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted))
		goto done;
	param = X509_STORE_CTX_get0_param(ctx);
	/* what libphonetrust asks of OpenSSL, policy processing included */
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN |
	    X509_V_FLAG_X509_STRICT | X509_V_FLAG_POLICY_CHECK);
	X509_VERIFY_PARAM_set1_policies(param, any_policy);
	X509_VERIFY_PARAM_set_auth_level(param, 2);
	X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT);
	X509_VERIFY_PARAM_set_time(param, NOW);
	ok = X509_verify_cert(ctx) == 1;
done:
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(untrusted, X509_free);
	return ok;
}

static int
lib_verify(ptrust_cache *c, const ptrust_store *store,
    const ptrust_options *opts, const struct der *d)
{
	ptrust_result *r = NULL;
	int ok;

	ok = ptrust_cache_verify(c, store,
	    (const unsigned char *const *)d->p, d->len, (size_t)d->n, opts,
	    &r) == PTRUST_OK && ptrust_result_trusted(r);
	ptrust_result_free(r);
	return ok;
}

/*
 * One timed run: phones [first, first + nphones) of the LSC set, the MIC
 * set or both, rounds times, over nthreads threads.
 */
struct job {
	int			 lib;		/* 0: raw OpenSSL */
	const struct der	*set[2];	/* LSC, MIC (either NULL) */
	int			 first, nphones, rounds, nthreads;
	const ptrust_store	*store;		/* lib: the snapshot */
	ptrust_cache		*cache;		/* lib: NULL, a fresh one */
};

/*
 * Threads take the next chain from a shared counter, as a server's
 * workers take the next connection: when the VM slows one virtual CPU
 * the other does more, instead of waiting at the end for a fixed share.
 * Each thread's counters on a cache line of their own.
 */
struct run {
	_Alignas(64) const struct world *w;
	const struct job	*j;
	ptrust_cache		*cache;
	atomic_long		*next;
	long			 total, done, bad;
};

static void *
run_thread(void *arg)
{
	struct run *r = arg;
	const struct job *j = r->j;
	int per_round = j->nphones * 2;
	long n;

	while ((n = atomic_fetch_add(r->next, 1)) < r->total) {
		int k = (int)(n % per_round) % 2;
		int phone = j->first + (int)(n % per_round) / 2;
		const struct der *d;
		int ok;

		if (j->set[k] == NULL)
			continue;
		d = &j->set[k][phone];
		ok = j->lib ? lib_verify(r->cache, j->store, r->w->opts, d) :
		    raw_verify(r->w->raw, d);
		r->done++;
		if (!ok)
			r->bad++;
	}
	return NULL;
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static ptrust_cache *
fresh_cache(int entries)
{
	ptrust_cache *c = ptrust_cache_new((size_t)entries);

	if (c == NULL)
		die("ptrust_cache_new");
	return c;
}

/*
 * Chains per second of one run; *cpu gets the CPU time (all threads) per
 * chain.  A lib job without a cache gets an empty one: a cold validation.
 */
static double
run_job(const struct world *w, const struct job *j, double *cpu)
{
	struct run runs[8];
	pthread_t t[8];
	ptrust_cache *c = j->cache;
	atomic_long next;
	double t0, dt, c0;
	long done = 0, bad = 0;
	int i;

	if (j->nthreads < 1 || j->nthreads > 8 ||
	    j->first + j->nphones > w->nphones)
		die("bad job");
	if (j->lib && c == NULL)
		c = fresh_cache(2 * j->nphones * j->rounds + 16);
	atomic_init(&next, 0);
	for (i = 0; i < j->nthreads; i++) {
		memset(&runs[i], 0, sizeof(runs[i]));
		runs[i].w = w;
		runs[i].j = j;
		runs[i].cache = c;
		runs[i].next = &next;
		runs[i].total = 2L * j->nphones * j->rounds;
	}
	c0 = cpu_s();
	t0 = now_s();
	for (i = 0; i < j->nthreads; i++)
		if (pthread_create(&t[i], NULL, run_thread, &runs[i]) != 0)
			die("pthread_create");
	for (i = 0; i < j->nthreads; i++) {
		pthread_join(t[i], NULL);
		done += runs[i].done;
		bad += runs[i].bad;
	}
	dt = now_s() - t0;
	if (cpu != NULL)
		*cpu = (cpu_s() - c0) / (double)done;
	if (c != j->cache)
		ptrust_cache_free(c);
	if (bad != 0)
		die("a chain that must be trusted was refused");
	return (double)done / dt;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define PAIRS		15	/* slices or pairs behind each ratio */
#define MAX_PAIRS	64

static int verbose;	/* --verbose: every slice and pair */

struct pair {
	double	a, b, cpu_a, cpu_b;	/* median rates and CPU per chain */
	double	machine;	/* with probe: the machine's own 2/1 scaling */
};

/*
 * The machine's own scaling from one thread to two: RSA-2048 public-key
 * arithmetic (what a signature check costs) on numbers of each thread's
 * own, no memory shared, no lock.  When this is well below 2 the VM did
 * not give the bench two cores in those seconds, and no thread figure
 * measured then can be better.
 */
static void *
spin_thread(void *arg)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *n = BN_new(), *a = BN_new(), *e = BN_new(), *r = BN_new();
	BN_MONT_CTX *mont = BN_MONT_CTX_new();
	int i;

	(void)arg;
	if (ctx == NULL || n == NULL || a == NULL || e == NULL || r == NULL ||
	    mont == NULL || !BN_rand(n, 2048, BN_RAND_TOP_ONE,
	    BN_RAND_BOTTOM_ODD) || !BN_rand_range(a, n) ||
	    !BN_set_word(e, 65537) || !BN_MONT_CTX_set(mont, n, ctx))
		die("cannot set up the machine probe");
	for (i = 0; i < 2000; i++)
		if (!BN_mod_exp_mont(r, a, e, n, ctx, mont))
			die("BN_mod_exp_mont");
	BN_MONT_CTX_free(mont);
	BN_free(n);
	BN_free(a);
	BN_free(e);
	BN_free(r);
	BN_CTX_free(ctx);
	return NULL;
}

static double
spin(int nthreads)
{
	pthread_t t[2];
	double t0 = now_s();
	int i;

	for (i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, spin_thread, NULL) != 0)
			die("pthread_create");
	for (i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	return nthreads / (now_s() - t0);	/* work units per second */
}

/* The machine's scaling now: spin(2) / spin(1), the order alternating. */
static double
machine_now(int i)
{
	double one, two;

	if (i % 2 == 0) {
		one = spin(1);
		two = spin(2);
	} else {
		two = spin(2);
		one = spin(1);
	}
	return two / one;
}

/*
 * A against B as pairs of runs, one right after the other, the order
 * alternating (AB, BA, ...), each pair on the next slice of phones.  The
 * ratio is the median of the pairs' ratios B / A: the VM's drift moves
 * both runs of a pair alike, and a lone figure measured a minute apart
 * from the other not at all alike.  out gets the median rates and CPU
 * times per chain and, with probe, the machine's own scaling measured
 * right after each pair.
 */
static double
paired(const struct world *w, struct job a, struct job b, int npairs,
    int slice, int probe, struct pair *out)
{
	double ra[MAX_PAIRS], rb[MAX_PAIRS], ca[MAX_PAIRS], cb[MAX_PAIRS];
	double ratio[MAX_PAIRS], machine[MAX_PAIRS];
	int i, span = w->nphones - slice;

	if (npairs < 1 || npairs > MAX_PAIRS)
		die("bad number of pairs");
	for (i = 0; i < npairs; i++) {
		a.first = b.first = (i * slice) % (span + 1);
		if (i % 2 == 0) {
			ra[i] = run_job(w, &a, &ca[i]);
			rb[i] = run_job(w, &b, &cb[i]);
		} else {
			rb[i] = run_job(w, &b, &cb[i]);
			ra[i] = run_job(w, &a, &ca[i]);
		}
		ratio[i] = rb[i] / ra[i];
		machine[i] = probe ? machine_now(i) : 0;
		if (verbose)
			printf("  pair %2d: %9.0f %9.0f chains/s  x%.2f "
			    "(machine x%.2f)\n", i, ra[i], rb[i], ratio[i],
			    machine[i]);
	}
	if (out != NULL) {
		out->a = median(ra, npairs);
		out->b = median(rb, npairs);
		out->cpu_a = median(ca, npairs);
		out->cpu_b = median(cb, npairs);
		out->machine = median(machine, npairs);
	}
	return median(ratio, npairs);
}

/*
 * A against B on one thread, chain by chain: each chain of A is timed
 * right next to the same chain of B (the order alternating), so both see
 * the machine in the same state to within a fraction of a millisecond;
 * this VM's speed moves by tens of percent from one tenth of a second to
 * the next.  Done on npairs slices of phones; the ratio (B's rate / A's)
 * is the median of the slices'.  Each side gets its own fresh cache per
 * slice unless the job brings one.
 */
static double
one_side(const struct world *w, const struct job *j, ptrust_cache *c,
    const struct der *d)
{
	double t0 = now_s();
	int ok;

	ok = j->lib ? lib_verify(c, j->store, w->opts, d) :
	    raw_verify(w->raw, d);
	if (!ok)
		die("a chain that must be trusted was refused");
	return now_s() - t0;
}

static double
interleaved(const struct world *w, struct job a, struct job b, int npairs,
    int slice, struct pair *out)
{
	double ra[MAX_PAIRS], rb[MAX_PAIRS], ratio[MAX_PAIRS];
	int i, span = w->nphones - slice;

	if (a.nthreads != 1 || b.nthreads != 1 || a.nphones != b.nphones ||
	    a.rounds != b.rounds || npairs < 1 || npairs > MAX_PAIRS)
		die("bad interleaved jobs");
	for (i = 0; i < npairs; i++) {
		ptrust_cache *ca = a.cache, *cb = b.cache;
		double ta = 0, tb = 0;
		long n, count = 0, total = 2L * a.nphones * a.rounds;
		int per_round = a.nphones * 2;

		a.first = b.first = (i * slice) % (span + 1);
		if (a.lib && ca == NULL)
			ca = fresh_cache(per_round * a.rounds + 16);
		if (b.lib && cb == NULL)
			cb = fresh_cache(per_round * b.rounds + 16);
		for (n = 0; n < total; n++) {
			int k = (int)(n % per_round) % 2;
			int phone = (int)(n % per_round) / 2;

			if (a.set[k] == NULL && b.set[k] == NULL)
				continue;
			if (a.set[k] == NULL || b.set[k] == NULL)
				die("interleaved jobs on different chains");
			if (count++ % 2 == 0) {
				ta += one_side(w, &a, ca, &a.set[k][a.first + phone]);
				tb += one_side(w, &b, cb, &b.set[k][b.first + phone]);
			} else {
				tb += one_side(w, &b, cb, &b.set[k][b.first + phone]);
				ta += one_side(w, &a, ca, &a.set[k][a.first + phone]);
			}
		}
		if (ca != a.cache)
			ptrust_cache_free(ca);
		if (cb != b.cache)
			ptrust_cache_free(cb);
		ra[i] = (double)count / ta;
		rb[i] = (double)count / tb;
		ratio[i] = rb[i] / ra[i];
		if (verbose)
			printf("  slice %2d: %9.0f %9.0f chains/s  x%.2f\n", i,
			    ra[i], rb[i], ratio[i]);
	}
	if (out != NULL) {
		out->a = median(ra, npairs);
		out->b = median(rb, npairs);
		out->cpu_a = out->cpu_b = 0;
	}
	return median(ratio, npairs);
}

static void
line(const char *name, const struct pair *p, double ratio)
{
	printf("%-10s raw OpenSSL %9.0f chains/s   libphonetrust %9.0f "
	    "chains/s   x%.2f\n", name, p->a, p->b, ratio);
}

/* A store of n anchors: the two real ones and n - 2 throwaway CAs. */
static ptrust_store *
big_store(const struct world *w, int n, double *load_s, long *rss_kb)
{
	struct rusage before, after;
	struct lab_spec s;
	ptrust_builder *b = ptrust_builder_new("big");
	ptrust_store *st = NULL;
	EVP_PKEY *k = lab_key_ec("P-256");
	X509 **cas = calloc((size_t)n, sizeof(X509 *));
	char cn[32];
	double t0;
	int i;

	if (b == NULL || k == NULL || cas == NULL)
		die("out of memory");
	for (i = 0; i < n - 2; i++) {
		memset(&s, 0, sizeof(s));
		snprintf(cn, sizeof(cn), "Bench CA %d", i);
		s.cn = cn; s.ca = 1; s.pathlen = 0;
		if ((cas[i] = lab_issue(&s, k, NULL, NULL)) == NULL)
			die("cannot make a CA");
	}
	getrusage(RUSAGE_SELF, &before);
	t0 = now_s();
	for (i = 0; i < n - 2; i++)
		if (ptrust_builder_add_x509(b, cas[i], NULL, PTRUST_ROLE_OTHER) !=
		    PTRUST_OK)
			die("cannot add an anchor");
	if (ptrust_builder_add_x509(b, w->capf, NULL, PTRUST_ROLE_CAPF) !=
	    PTRUST_OK || ptrust_builder_add_x509(b, w->root, NULL,
	    PTRUST_ROLE_MANUFACTURING) != PTRUST_OK ||
	    ptrust_builder_build(b, &st) != PTRUST_OK)
		die("cannot build the big store");
	*load_s = now_s() - t0;
	getrusage(RUSAGE_SELF, &after);
	*rss_kb = after.ru_maxrss - before.ru_maxrss;
	ptrust_builder_free(b);
	for (i = 0; i < n - 2; i++)
		X509_free(cas[i]);
	free(cas);
	EVP_PKEY_free(k);
	return st;
}

/*
 * Bytes per verdict the cache keeps: n distinct phones (half LSC, half
 * MIC), each validated once into a fresh cache, counted through the
 * allocator hook from before the cache is made to after the last verdict
 * (its table and its decoded intermediate included), over n.
 */
static double
cache_bytes(const struct world *w, int n, double *chunks)
{
	ptrust_cache *c;
	int i;

	if (n < 2 || n / 2 >= w->nphones)
		die("bad number of verdicts");
	/* what a first validation sets up once per thread, made before */
	c = fresh_cache(4);
	if (!lib_verify(c, w->store, w->opts, &w->lsc[w->nphones - 1]) ||
	    !lib_verify(c, w->store, w->opts, &w->mic[w->nphones - 1]))
		die("a chain that must be trusted was refused");
	ptrust_cache_free(c);
	atomic_store(&live_bytes, 0);
	atomic_store(&live_chunks, 0);
	atomic_store(&counting, 1);
	c = fresh_cache(n);
	for (i = 0; i < n; i++)
		if (!lib_verify(c, w->store, w->opts,
		    i % 2 ? &w->mic[i / 2] : &w->lsc[i / 2]))
			die("a chain that must be trusted was refused");
	atomic_store(&counting, 0);
	if (ptrust_cache_count(c) != (size_t)n)
		die("the cache did not keep every verdict");
	ptrust_cache_free(c);
	*chunks = (double)atomic_load(&live_chunks) / n;
	return (double)atomic_load(&live_bytes) / n;
}

/*
 * TLS 1.3 handshakes over memory BIOs: a phone (the bench's LSC and MIC
 * chains, RSA-2048 keys) against a server with an RSA-2048 or an ECDSA
 * P-256 certificate.  Two servers on the same anchors: one attached with
 * ptrust_ssl_ctx_attach, one plain OpenSSL (SSL_VERIFY_PEER, a CA file of
 * the anchors of the attached snapshot); session resumption off on both.
 */
struct tls_bench {
	SSL_CTX		*attached, *plain, *client;
	ptrust_cluster	*cluster;
	EVP_PKEY	*key;
	X509		*cert;
	char		 dir[64], cafile[96];
};

static SSL_CTX *
server_ctx(const struct tls_bench *t)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx,
	    TLS1_3_VERSION) || SSL_CTX_use_certificate(ctx, t->cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, t->key) != 1)
		die("cannot make a server context");
	return ctx;
}

static void
tls_setup(const struct world *w, struct tls_bench *t, int ecdsa)
{
	struct lab_spec s;
	ptrust_store *snap = NULL;
	X509 **anchors;
	size_t i, n;
	int fd;

	memset(t, 0, sizeof(*t));
	memset(&s, 0, sizeof(s));
	s.cn = "cucm.bench";
	s.pathlen = -1;
	s.eku = "serverAuth";
	s.san = "DNS:cucm.bench";
	if ((t->key = ecdsa ? lab_key_ec("P-256") : lab_key_rsa(2048)) ==
	    NULL || (t->cert = lab_issue(&s, t->key, NULL, NULL)) == NULL)
		die("cannot make the server's certificate");
	/* the cluster: its CAPF, and the bench's root among Cisco's CAs */
	if ((t->cluster = ptrust_cluster_new()) == NULL ||
	    ptrust_builder_add_x509(ptrust_cluster_store(t->cluster,
	    "callmanager-trust", 0), w->capf, NULL, PTRUST_ROLE_CAPF) !=
	    PTRUST_OK || ptrust_builder_add_x509(ptrust_cluster_store(
	    t->cluster, "manufacturing-ca", 0), w->root, NULL,
	    PTRUST_ROLE_MANUFACTURING) != PTRUST_OK)
		die("cannot make the cluster");
	t->attached = server_ctx(t);
	if (ptrust_ssl_ctx_attach(t->attached, t->cluster,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, w->opts, 0) != PTRUST_OK)
		die("ptrust_ssl_ctx_attach");
	/* the plain server's CA file: the very anchors of that snapshot */
	if ((snap = ptrust_ssl_ctx_get1_store(t->attached)) == NULL ||
	    (n = ptrust_store_anchor_count(snap)) == 0 ||
	    (anchors = calloc(n, sizeof(*anchors))) == NULL)
		die("no snapshot");
	for (i = 0; i < n; i++)
		anchors[i] = ptrust_anchor_get0_x509(ptrust_store_anchor(snap,
		    i));
	snprintf(t->dir, sizeof(t->dir), "/tmp/ptrust-bench-XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		die("mkdtemp");
	snprintf(t->cafile, sizeof(t->cafile), "%s/ca.pem", t->dir);
	if ((fd = open(t->cafile, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		die("cannot write the CA file");
	close(fd);
	if (lab_write_pem(t->cafile, anchors, (int)n) != 0)
		die("cannot write the CA file");
	free(anchors);
	ptrust_store_unref(snap);
	t->plain = server_ctx(t);
	SSL_CTX_set_verify(t->plain, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	if (SSL_CTX_load_verify_file(t->plain, t->cafile) != 1)
		die("SSL_CTX_load_verify_file");
	X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(t->plain), NOW);
	SSL_CTX_set_session_cache_mode(t->plain, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(t->plain, SSL_OP_NO_TICKET);
	(void)SSL_CTX_set_num_tickets(t->plain, 0);
	if ((t->client = SSL_CTX_new(TLS_client_method())) == NULL ||
	    !SSL_CTX_set_min_proto_version(t->client, TLS1_3_VERSION))
		die("cannot make the client context");
	SSL_CTX_set_verify(t->client, SSL_VERIFY_NONE, NULL);
}

static void
tls_free(struct tls_bench *t)
{
	SSL_CTX_free(t->attached);
	SSL_CTX_free(t->plain);
	SSL_CTX_free(t->client);
	ptrust_cluster_free(t->cluster);
	X509_free(t->cert);
	EVP_PKEY_free(t->key);
	unlink(t->cafile);
	rmdir(t->dir);
}

/*
 * One handshake of phone d with server context sctx; the seconds the
 * server spent (SSL_new, its handshake steps, SSL_free), the phone's
 * steps not counted.  Dies unless the phone was let in, and judged.
 */
static double
handshake(const struct world *w, const struct tls_bench *t, SSL_CTX *sctx,
    const struct der *d)
{
	SSL *cli, *srv;
	BIO *sb = NULL, *cb = NULL;
	double t0, spent = 0;
	int i, rc, s_done = 0, c_done = 0, ok;

	if ((cli = SSL_new(t->client)) == NULL ||
	    SSL_use_certificate_ASN1(cli, d->p[0], (int)d->len[0]) != 1 ||
	    SSL_use_PrivateKey(cli, w->leaf_key) != 1 ||
	    (d->n > 1 && SSL_add1_chain_cert(cli, w->mfg_ca) != 1) ||
	    BIO_new_bio_pair(&sb, 0, &cb, 0) != 1)
		die("cannot make the phone's connection");
	SSL_set_bio(cli, cb, cb);
	SSL_set_connect_state(cli);
	t0 = now_s();
	if ((srv = SSL_new(sctx)) == NULL)
		die("SSL_new");
	SSL_set_bio(srv, sb, sb);
	SSL_set_accept_state(srv);
	spent += now_s() - t0;
	for (i = 0; i < 16 && !s_done; i++) {
		if (!c_done) {
			rc = SSL_do_handshake(cli);
			if (rc == 1)
				c_done = 1;
			else if (SSL_get_error(cli, rc) != SSL_ERROR_WANT_READ)
				die("the phone's handshake failed");
		}
		t0 = now_s();
		rc = SSL_do_handshake(srv);
		spent += now_s() - t0;
		if (rc == 1)
			s_done = 1;
		else if (SSL_get_error(srv, rc) != SSL_ERROR_WANT_READ)
			die("the server refused a phone it must accept");
	}
	ok = s_done && (sctx == t->plain ? SSL_get_verify_result(srv) ==
	    X509_V_OK : ptrust_result_trusted(ptrust_ssl_get_result(srv)));
	t0 = now_s();
	SSL_free(srv);
	spent += now_s() - t0;
	SSL_free(cli);
	if (!ok)
		die("a phone that must be let in was not");
	return spent;
}

/*
 * hs phones (half LSC, half MIC), each coming back rounds times (after
 * failovers and reboots), on both servers, handshake by handshake, the
 * order alternating; on 15 slices of the phones, each slice's phones
 * round after round.  The ratio is the median of the slices' (plain
 * OpenSSL's server time / the attached server's).
 */
static double
handshakes(const struct world *w, int ecdsa, int hs, int rounds,
    struct pair *out)
{
	struct tls_bench t;
	double ra[PAIRS], rb[PAIRS], ratio[PAIRS];
	int i, r, k, first, last;
	long count;

	if (hs < PAIRS || hs > w->nphones)
		die("bad number of phones for the handshakes");
	tls_setup(w, &t, ecdsa);
	for (i = 0; i < PAIRS; i++) {
		double ta = 0, tb = 0;

		first = i * hs / PAIRS;
		last = (i + 1) * hs / PAIRS;
		count = 0;
		for (r = 0; r < rounds; r++)
			for (k = first; k < last; k++) {
				const struct der *d = k % 2 ? &w->mic[k] :
				    &w->lsc[k];

				if (count++ % 2 == 0) {
					ta += handshake(w, &t, t.plain, d);
					tb += handshake(w, &t, t.attached, d);
				} else {
					tb += handshake(w, &t, t.attached, d);
					ta += handshake(w, &t, t.plain, d);
				}
			}
		ra[i] = (double)count / ta;
		rb[i] = (double)count / tb;
		ratio[i] = rb[i] / ra[i];
		if (verbose)
			printf("  slice %2d: %9.0f %9.0f handshakes/s  x%.2f\n",
			    i, ra[i], rb[i], ratio[i]);
	}
	{
		uint64_t h = 0, m = 0;

		ptrust_ssl_ctx_cache_stats(t.attached, &h, &m);
		if (m != (uint64_t)hs || h != (uint64_t)hs * (rounds - 1))
			die("the attached server's cache did not serve the "
			    "phones coming back");
	}
	tls_free(&t);
	out->a = median(ra, PAIRS);
	out->b = median(rb, PAIRS);
	out->cpu_a = out->cpu_b = 0;
	return median(ratio, PAIRS);
}

/*
 * One process of each, on the same chain: `phonetrust verify --purpose
 * 802.1x' against a lab cluster with an 802.1x store (as tests/e2e/radius.sh
 * makes it), `openssl verify -CAfile' with that store's anchors.  Wall
 * time from spawn to exit, the order alternating; the ratio is the median
 * of the pairs' (phonetrust's time / openssl's).
 */
#define CLI_PAIRS	31

static int
run_quiet(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
	    0) != 0 || posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
	    O_WRONLY, 0) != 0)
		die("posix_spawn_file_actions");
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		die("cannot run a command");
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static double
timed(char *const argv[])
{
	double t0 = now_s();

	if (run_quiet(argv) != 0)
		die("a verification that must succeed failed");
	return now_s() - t0;
}

static void
sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "bench: %s\n", cmd);
		die("a set-up command failed");
	}
}

static double
cli_verify(const char *pt, double *ms_pt, double *ms_ossl)
{
	char dir[] = "/tmp/ptrust-bench-cli-XXXXXX", cmd[2048];
	char cluster[128], chain[128], cafile[128], lib[4096];
	const char *ossl = getenv("OPENSSL") != NULL ? getenv("OPENSSL") :
	    "openssl", *ld;
	double a[CLI_PAIRS], b[CLI_PAIRS], ratio[CLI_PAIRS];
	int i;
	char *pt_argv[] = { (char *)pt, "--cluster", cluster, "verify",
	    "--purpose", "802.1x", chain, NULL };
	char *ossl_argv[] = { (char *)ossl, "verify", "-CAfile", cafile,
	    chain, NULL };

	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	/* the build tree's library, as an installed phonetrust finds it */
	if (strstr(pt, "/.libs/") != NULL) {
		ld = getenv("LD_LIBRARY_PATH");
		snprintf(lib, sizeof(lib), "%.*s%s%s", (int)(strstr(pt,
		    "/.libs/") - pt + 6), pt, ld != NULL ? ":" : "",
		    ld != NULL ? ld : "");
		setenv("LD_LIBRARY_PATH", lib, 1);
	}
	snprintf(cluster, sizeof(cluster), "%s/lab/cluster", dir);
	snprintf(chain, sizeof(chain), "%s/lab/phones/mic.pem", dir);
	snprintf(cafile, sizeof(cafile), "%s/radius-ca.pem", dir);
	snprintf(cmd, sizeof(cmd), "'%s' lab '%s/lab' >/dev/null && "
	    "'%s' --cluster '%s' store add radius-trust "
	    "'%s/lab/ca/CAPF-a6d4c572.pem' >/dev/null && "
	    "'%s' --cluster '%s' store add radius-trust --role manufacturing "
	    "'%s/lab/ca/lab-root-ca.pem' "
	    "'%s/lab/ca/lab-manufacturing-ca-sha2.pem' >/dev/null && "
	    "echo '802.1x = radius-trust' >>'%s/cluster.conf' && "
	    "cat '%s'/radius-trust/*.pem >'%s'", pt, dir, pt, cluster, dir,
	    pt, cluster, dir, dir, cluster, cluster, cafile);
	sh(cmd);
	/* both once, untimed: files and libraries in the page cache */
	(void)timed(pt_argv);
	(void)timed(ossl_argv);
	for (i = 0; i < CLI_PAIRS; i++) {
		if (i % 2 == 0) {
			a[i] = timed(pt_argv);
			b[i] = timed(ossl_argv);
		} else {
			b[i] = timed(ossl_argv);
			a[i] = timed(pt_argv);
		}
		ratio[i] = a[i] / b[i];
		if (verbose)
			printf("  pair %2d: %6.2f ms %6.2f ms  x%.2f\n", i,
			    a[i] * 1e3, b[i] * 1e3, ratio[i]);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	sh(cmd);
	*ms_pt = median(a, CLI_PAIRS) * 1e3;
	*ms_ossl = median(b, CLI_PAIRS) * 1e3;
	return median(ratio, CLI_PAIRS);
}

/*
 * fleet-40k: the fleet planner on 40,000 phones (each with its MIC, every
 * other one with an LSC too), judged for the four purposes before and
 * after a CAPF regeneration, two threads; then a second what-if (the old
 * CAPF removed from vpn-trust alone), whose time over the first says what
 * the memo saves.  Run in a child process, so that its peak memory is its
 * own: *secs, *ratio, *peak_mib back through a pipe.
 */
static void
fleet_child(const struct world *w, int fd)
{
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_fleet *f = ptrust_fleet_new();
	ptrust_fleet_change *regen = ptrust_fleet_change_new(),
	    *vpn = ptrust_fleet_change_new();
	ptrust_fleet_plan *p;
	struct lab_spec s;
	EVP_PKEY *k;
	X509 *newcapf;
	char *pem;
	size_t len;
	double t0, t1, t2, t3, c0, c1, c2, out[5];
	struct rusage ru;
	uint64_t judged, reused;
	int i;

	if (c == NULL || f == NULL || regen == NULL || vpn == NULL)
		die("fleet: out of memory");
	memset(&s, 0, sizeof(s));
	s.cn = "CAPF-1c2d3e4f"; s.ca = 1; s.pathlen = 0;
	s.key_usage = "critical,digitalSignature,keyCertSign";
	if ((k = lab_key_rsa(2048)) == NULL ||
	    (newcapf = lab_issue(&s, k, NULL, NULL)) == NULL ||
	    (pem = lab_pem(&newcapf, 1, &len)) == NULL)
		die("fleet: cannot make the new CAPF");
	if (ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), w->capf, NULL, PTRUST_ROLE_CAPF) ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c, "capf-trust", 0),
	    w->capf, NULL, PTRUST_ROLE_CAPF) ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "manufacturing-ca", 0), w->root, NULL, PTRUST_ROLE_MANUFACTURING) ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c, "radius-trust", 1),
	    w->capf, NULL, PTRUST_ROLE_CAPF) ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c, "radius-trust", 0),
	    w->root, NULL, PTRUST_ROLE_MANUFACTURING) ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c, "vpn-trust", 1),
	    w->capf, NULL, PTRUST_ROLE_CAPF) ||
	    ptrust_cluster_set_purpose_store(c, PTRUST_CLUSTER_8021X,
	    "radius-trust") ||
	    ptrust_cluster_set_purpose_store(c, PTRUST_CLUSTER_VPN,
	    "vpn-trust") || ptrust_fleet_set_cluster(f, c) ||
	    ptrust_fleet_set_options(f, w->opts) ||
	    ptrust_fleet_set_threads(f, 2) ||
	    ptrust_fleet_change_regenerate_capf(regen, NULL, pem, len) ||
	    ptrust_fleet_change_remove_anchor(vpn, "vpn-trust",
	    "CAPF-a6d4c572"))
		die("fleet: cannot set up the cluster");
	t0 = now_s();
	c0 = cpu_s();
	for (i = 0; i < w->nphones; i++) {
		char dev[32];
		ptrust_phone *ph;
		ptrust_chain *ch;

		snprintf(dev, sizeof(dev), "SEP%012X", i);
		if ((ph = ptrust_phone_new(dev)) == NULL ||
		    (ch = ptrust_chain_new()) == NULL ||
		    ptrust_chain_add_der(ch, w->mic[i].p[0], w->mic[i].len[0]) ||
		    ptrust_chain_add_der(ch, w->mic[i].p[1], w->mic[i].len[1]) ||
		    ptrust_phone_set_mic(ph, ch))
			die("fleet: cannot make a phone");
		ptrust_chain_free(ch);
		if (i % 2 == 0) {
			if ((ch = ptrust_chain_new()) == NULL ||
			    ptrust_chain_add_der(ch, w->lsc[i].p[0],
			    w->lsc[i].len[0]) || ptrust_phone_set_lsc(ph, ch))
				die("fleet: cannot make a phone");
			ptrust_chain_free(ch);
		}
		if (ptrust_fleet_add_phone(f, ph) != PTRUST_OK)
			die("fleet: cannot add a phone");
		ptrust_phone_free(ph);
	}
	t1 = now_s();
	c1 = cpu_s();
	if (ptrust_fleet_evaluate(f, regen, &p) != PTRUST_OK)
		die("fleet: evaluation failed");
	t2 = now_s();
	c2 = cpu_s();
	ptrust_fleet_plan_stats(p, &judged, &reused);
	printf("%-10s %d phones loaded in %.2f s (CPU %.2f s); before and "
	    "after a CAPF regeneration, 4 purposes, 2 threads: %.2f s (CPU "
	    "%.2f s; %.0f%% of the LSC phones break)\n", "fleet", w->nphones,
	    t1 - t0, c1 - c0, t2 - t1, c2 - c1,
	    100.0 * (double)ptrust_fleet_plan_total(p,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER,
	    PTRUST_FLEET_TOTAL_BREAKS) / (w->nphones / 2));
	ptrust_fleet_plan_free(p);
	if (ptrust_fleet_evaluate(f, vpn, &p) != PTRUST_OK)
		die("fleet: the second evaluation failed");
	t3 = now_s();
	ptrust_fleet_plan_stats(p, &judged, &reused);
	printf("%-10s second what-if (the old CAPF out of vpn-trust): %.3f s, "
	    "%llu judged, %llu reused\n", "", t3 - t2,
	    (unsigned long long)judged, (unsigned long long)reused);
	ptrust_fleet_plan_free(p);
	getrusage(RUSAGE_SELF, &ru);
	out[0] = t2 - t1;
	out[1] = (t3 - t2) / (t2 - t1);
	out[2] = (double)ru.ru_maxrss / 1024;
	out[3] = t1 - t0;
	out[4] = 0;
	fflush(stdout);
	if (write(fd, out, sizeof(out)) != (ssize_t)sizeof(out))
		die("fleet: pipe");
	ptrust_fleet_change_free(regen);
	ptrust_fleet_change_free(vpn);
	ptrust_fleet_free(f);
	X509_free(newcapf);
	EVP_PKEY_free(k);
	free(pem);
}

static void
fleet_bench(const struct world *w, double *secs, double *ratio,
    double *peak_mib)
{
	double out[5];
	int fds[2], status;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) == -1 || (pid = fork()) == -1)
		die("fleet: fork");
	if (pid == 0) {
		close(fds[0]);
		fleet_child(w, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], out, sizeof(out)) != (ssize_t)sizeof(out))
		die("fleet: the child failed");
	close(fds[0]);
	waitpid(pid, &status, 0);
	*secs = out[0];
	*ratio = out[1];
	*peak_mib = out[2];
	printf("%-10s peak memory %.0f MiB (the process, with the bench's "
	    "own 80,000 certificates; target < 300)\n", "", out[2]);
}

static int
want(const char *only, const char *name)
{
	return only == NULL || strcmp(only, name) == 0;
}

int
main(int argc, char **argv)
{
	struct world w;
	struct job raw_lsc, raw_mic, lib_lsc, lib_mic;
	struct pair p;
	double load_s;
	double r_cold_lsc = 0, r_cold_mic = 0, r_warm = 0, r_storm = 0;
	double s_threads = 0, s_store = 0, r_hs_rsa = 0, r_hs_ecdsa = 0;
	double b_cache = 0, t_cli = 0, f_secs = 0, f_ratio = 0, f_mib = 0;
	long rss_kb;
	int slice = 500, storm = 40000, hs = 2000, i;
	const char *only = NULL, *pt = NULL;
	struct stat st_pt;

	/* before OpenSSL allocates anything: every allocation counted */
	if (!CRYPTO_set_mem_functions(hook_malloc, hook_realloc, hook_free))
		die("cannot hook OpenSSL's allocator");

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: bench [--phones N] [--storm N] "
			    "[--only SCENARIO] [--verbose]\n"
			    "             [--phonetrust PATH]\n"
			    "  --phones N   phones per slice or timed run "
			    "(default 500; 2N for two threads)\n"
			    "  --storm N    phones in the storm, and all the "
			    "phones made (default 40000, >= 2N)\n"
			    "  --only S     run one scenario: cold-lsc, "
			    "cold-mic, warm, storm, threads, store-size,\n"
			    "               handshake-rsa, handshake-ecdsa, "
			    "cache-bytes, cli-verify,\n"
			    "               fleet-40k (and fleet-whatif)\n"
			    "               (for profilers; prints only its "
			    "lines)\n"
			    "  --phonetrust PATH  the program cli-verify runs "
			    "(default ./.libs/phonetrust,\n"
			    "               else ./phonetrust; OPENSSL names "
			    "openssl)\n"
			    "  --verbose    print every slice and pair\n");
			return 0;
		}
		if (strcmp(argv[i], "--verbose") == 0) {
			verbose = 1;
			continue;
		}
		if (i + 1 >= argc)
			die("usage: bench [--phones N] [--storm N >= 2N] "
			    "[--only SCENARIO] (--help)");
		if (strcmp(argv[i], "--phones") == 0)
			slice = atoi(argv[++i]);
		else if (strcmp(argv[i], "--storm") == 0)
			storm = atoi(argv[++i]);
		else if (strcmp(argv[i], "--only") == 0)
			only = argv[++i];
		else if (strcmp(argv[i], "--phonetrust") == 0)
			pt = argv[++i];
		else
			die("unknown option (--help)");
	}
	if (slice < 10 || storm < 2 * slice)
		die("usage: bench [--phones N >= 10] [--storm N >= 2N]");
	if (hs > storm)
		hs = storm;
	if (pt == NULL)
		pt = stat("./.libs/phonetrust", &st_pt) == 0 ?
		    "./.libs/phonetrust" : "./phonetrust";
	printf("libphonetrust %s, OpenSSL %s; RSA-2048 chains; building %d "
	    "phones...\n", ptrust_version(), OpenSSL_version(OPENSSL_VERSION),
	    storm);
	fflush(stdout);
	if ((any_policy = sk_ASN1_OBJECT_new_null()) == NULL ||
	    !sk_ASN1_OBJECT_push(any_policy, OBJ_nid2obj(NID_any_policy)))
		die("out of memory");
	world_build(&w, storm);

	raw_lsc = (struct job){ 0, { w.lsc, NULL }, 0, slice, 1, 1, NULL, NULL };
	raw_mic = (struct job){ 0, { NULL, w.mic }, 0, slice, 1, 1, NULL, NULL };
	lib_lsc = raw_lsc;
	lib_lsc.lib = 1;
	lib_lsc.store = w.store;
	lib_mic = raw_mic;
	lib_mic.lib = 1;
	lib_mic.store = w.store;

	/* 1. cold-lsc: distinct LSC chains, one thread */
	if (want(only, "cold-lsc")) {
		r_cold_lsc = interleaved(&w, raw_lsc, lib_lsc, PAIRS, slice, &p);
		line("cold-lsc", &p, r_cold_lsc);
	}

	/* 2. cold-mic: distinct MIC leaves, the same intermediate */
	if (want(only, "cold-mic")) {
		r_cold_mic = interleaved(&w, raw_mic, lib_mic, PAIRS, slice, &p);
		line("cold-mic", &p, r_cold_mic);
	}

	/* 3. warm: phones validated before, again (cache hits) */
	if (want(only, "warm")) {
		struct job fill = lib_mic, warm = lib_mic;

		fill.nphones = w.nphones < PAIRS * slice ? w.nphones :
		    PAIRS * slice;
		fill.cache = fresh_cache(fill.nphones + 16);
		(void)run_job(&w, &fill, NULL);
		warm.cache = fill.cache;
		r_warm = interleaved(&w, raw_mic, warm, PAIRS, slice, &p);
		ptrust_cache_free(fill.cache);
		line("warm", &p, r_warm);
	}

	/* 4. storm: every phone, half LSC half MIC, twice, two threads */
	if (want(only, "storm")) {
		struct job raw_storm = { 0, { w.lsc, w.mic }, 0, storm / 2, 2, 2,
		    NULL, NULL }, lib_storm = raw_storm;

		lib_storm.lib = 1;
		lib_storm.store = w.store;
		r_storm = paired(&w, raw_storm, lib_storm, 3, storm / 2, 0, &p);
		line("storm", &p, r_storm);
		lib_storm.rounds = 1;
		atomic_store(&live_bytes, 0);
		atomic_store(&live_chunks, 0);
		atomic_store(&counting, 1);
		lib_storm.cache = fresh_cache(storm + 16);
		(void)run_job(&w, &lib_storm, NULL);
		atomic_store(&counting, 0);
		printf("%-10s %d verdicts cached, %.0f bytes each (%.0f in "
		    "malloc's chunks)\n", "memory",
		    (int)ptrust_cache_count(lib_storm.cache),
		    (double)atomic_load(&live_bytes) /
		    (double)ptrust_cache_count(lib_storm.cache),
		    (double)atomic_load(&live_chunks) /
		    (double)ptrust_cache_count(lib_storm.cache));
		ptrust_cache_free(lib_storm.cache);
	}

	/* 5. threads: cold validation, one thread then two */
	if (want(only, "threads")) {
		struct job lib2 = lib_lsc, raw2 = raw_lsc;
		struct pair pr;
		double s_raw;

		lib2.nthreads = raw2.nthreads = 2;
		lib2.nphones = raw2.nphones = 2 * slice;
		s_threads = paired(&w, lib_lsc, lib2, PAIRS, 2 * slice, 1, &p);
		s_raw = paired(&w, raw_lsc, raw2, PAIRS, 2 * slice, 1, &pr);
		printf("%-10s libphonetrust 1 thread %.0f/s, 2 threads %.0f/s "
		    "(x%.2f); raw OpenSSL %.0f/s, %.0f/s (x%.2f)\n", "threads",
		    p.a, p.b, s_threads, pr.a, pr.b, s_raw);
		printf("%-10s the machine itself, 2 threads / 1 thread, right "
		    "after each pair: x%.2f, x%.2f (RSA arithmetic, nothing "
		    "shared)\n", "", p.machine, pr.machine);
		/*
		 * CPU time per chain: what contention costs, even when the
		 * machine has no second core free for the wall-clock figure.
		 */
		printf("%-10s CPU per chain: libphonetrust %.0f us, %.0f us "
		    "with 2 threads; raw OpenSSL %.0f us, %.0f us\n", "",
		    p.cpu_a * 1e6, p.cpu_b * 1e6, pr.cpu_a * 1e6,
		    pr.cpu_b * 1e6);
	}

	/* 6. store-size: 10,000 anchors against 2 */
	if (want(only, "store-size")) {
		struct job big = lib_lsc;
		ptrust_store *st = big_store(&w, 10000, &load_s, &rss_kb);

		big.store = st;
		/* time with 10,000 / time with 2 = rate with 2 / with 10,000 */
		s_store = 1 / interleaved(&w, lib_lsc, big, PAIRS, slice, &p);
		printf("%-10s 10000 anchors loaded in %.3f s, %ld KiB more "
		    "peak memory; %.1f us per chain with 2 anchors, x%.2f "
		    "that with 10000\n", "store", load_s, rss_kb, 1e6 / p.a,
		    s_store);
		ptrust_store_unref(st);
	}

	/* 7, 8. handshakes: phones coming back, attached against plain */
	if (want(only, "handshake-rsa")) {
		r_hs_rsa = handshakes(&w, 0, hs, 4, &p);
		printf("%-10s plain OpenSSL %6.0f handshakes/s   attached "
		    "%6.0f handshakes/s   x%.2f (RSA-2048 server, %d phones x "
		    "4, server time)\n", "tls-rsa", p.a, p.b, r_hs_rsa, hs);
	}
	if (want(only, "handshake-ecdsa")) {
		r_hs_ecdsa = handshakes(&w, 1, hs, 4, &p);
		printf("%-10s plain OpenSSL %6.0f handshakes/s   attached "
		    "%6.0f handshakes/s   x%.2f (ECDSA P-256 server, %d phones "
		    "x 4, server time)\n", "tls-ecdsa", p.a, p.b, r_hs_ecdsa,
		    hs);
	}

	/* 9. cache-bytes: what one kept verdict costs */
	if (want(only, "cache-bytes")) {
		double chunks, n = storm < 40000 ? storm : 40000;

		b_cache = cache_bytes(&w, (int)n, &chunks);
		printf("%-10s %.0f verdicts kept (half LSC, half MIC): %.0f "
		    "bytes each asked of the allocator, %.0f in malloc's "
		    "chunks; %.1f MiB in all\n", "cache", n, b_cache, chunks,
		    chunks * n / (1024 * 1024));
	}

	/* 10. cli-verify: one process each, phonetrust against openssl */
	if (want(only, "cli-verify")) {
		double ms_pt, ms_ossl;

		t_cli = cli_verify(pt, &ms_pt, &ms_ossl);
		printf("%-10s phonetrust verify --purpose 802.1x %.2f ms, "
		    "openssl verify -CAfile %.2f ms (medians of %d pairs), "
		    "x%.2f\n", "cli", ms_pt, ms_ossl, CLI_PAIRS, t_cli);
	}

	/* 11. fleet-40k, fleet-whatif: the fleet planner */
	if (want(only, "fleet-40k") || want(only, "fleet-whatif"))
		fleet_bench(&w, &f_secs, &f_ratio, &f_mib);

	if (want(only, "cold-lsc"))
		printf("ratio cold-lsc %.2f\n", r_cold_lsc);
	if (want(only, "cold-mic"))
		printf("ratio cold-mic %.2f\n", r_cold_mic);
	if (want(only, "warm"))
		printf("ratio warm %.2f\n", r_warm);
	if (want(only, "storm"))
		printf("ratio storm %.2f\n", r_storm);
	if (want(only, "threads"))
		printf("scaling threads %.2f\n", s_threads);
	if (want(only, "store-size"))
		printf("scaling store-size %.2f\n", s_store);
	if (want(only, "handshake-rsa"))
		printf("ratio handshake-rsa %.2f\n", r_hs_rsa);
	if (want(only, "handshake-ecdsa"))
		printf("ratio handshake-ecdsa %.2f\n", r_hs_ecdsa);
	if (want(only, "cache-bytes"))
		printf("bytes cache-bytes %.0f\n", b_cache);
	if (want(only, "cli-verify"))
		printf("time cli-verify %.2f\n", t_cli);
	if (want(only, "fleet-40k") || want(only, "fleet-whatif")) {
		printf("fleet-40k %.2f\n", f_secs);
		printf("fleet-whatif %.3f\n", f_ratio);
	}
	return 0;
}
