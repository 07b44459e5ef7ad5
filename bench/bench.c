/*
 * Registration-storm benchmark: raw OpenSSL (d2i + X509_verify_cert with
 * the flags libphonetrust uses) against libphonetrust (the verdict cache
 * path a server takes: ptrust_cache_verify), on the same chains, in one
 * run.  A program that prints figures, not a test.
 *
 *	bench [--phones N] [--storm N] [--only SCENARIO]
 *
 * Last lines, one per scenario: "ratio NAME VALUE" (libphonetrust / raw
 * OpenSSL, higher is better) or "scaling NAME VALUE".
 */
#include "config.h"

#include <sys/resource.h>

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <phonetrust.h>
#include <phonetrust-openssl.h>

#include "lab.h"

#define NOW	(LAB_T0 + 30 * LAB_DAY)

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
lib_verify(ptrust_cache *c, const struct world *w, const struct der *d)
{
	ptrust_result *r = NULL;
	int ok;

	ok = ptrust_cache_verify(c, w->store,
	    (const unsigned char *const *)d->p, d->len, (size_t)d->n, w->opts,
	    &r) == PTRUST_OK && ptrust_result_trusted(r);
	ptrust_result_free(r);
	return ok;
}

struct run {
	const struct world	*w;
	ptrust_cache		*cache;		/* NULL: raw OpenSSL */
	const struct der	*set[2];	/* LSC, MIC (either NULL) */
	int			 from, to;	/* phones [from, to) */
	int			 rounds;
	long			 done, bad;
};

static void *
run_thread(void *arg)
{
	struct run *r = arg;
	int i, k, round;

	for (round = 0; round < r->rounds; round++)
		for (i = r->from; i < r->to; i++)
			for (k = 0; k < 2; k++) {
				const struct der *d;
				int ok;

				if (r->set[k] == NULL)
					continue;
				d = &r->set[k][i];
				ok = r->cache != NULL ?
				    lib_verify(r->cache, r->w, d) :
				    raw_verify(r->w->raw, d);
				r->done++;
				if (!ok)
					r->bad++;
			}
	return NULL;
}

/* CPU time (all threads) per chain in the last measure(), in seconds. */
static double last_cpu;

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Chains per second over nthreads, each taking a share of the phones. */
static double
measure(const struct world *w, ptrust_cache *cache, const struct der *lsc,
    const struct der *mic, int nphones, int rounds, int nthreads)
{
	struct run runs[8];
	pthread_t t[8];
	double t0, dt, c0;
	long done = 0, bad = 0;
	int i;

	for (i = 0; i < nthreads; i++) {
		memset(&runs[i], 0, sizeof(runs[i]));
		runs[i].w = w;
		runs[i].cache = cache;
		runs[i].set[0] = lsc;
		runs[i].set[1] = mic;
		runs[i].from = nphones * i / nthreads;
		runs[i].to = nphones * (i + 1) / nthreads;
		runs[i].rounds = rounds;
	}
	c0 = cpu_s();
	t0 = now_s();
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, run_thread, &runs[i]) != 0)
			die("pthread_create");
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		done += runs[i].done;
		bad += runs[i].bad;
	}
	dt = now_s() - t0;
	last_cpu = (cpu_s() - c0) / (double)done;
	if (bad != 0)
		die("a chain that must be trusted was refused");
	return (double)done / dt;
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
 * The best of REPEAT runs, the one the VM's varying CPU disturbed least.
 * With lib, each run starts from an empty cache: a cold validation.
 */
#define REPEAT	3

static double
best(const struct world *w, int lib, const struct der *lsc,
    const struct der *mic, int nphones, int rounds, int nthreads)
{
	double b = 0, r, cpu = 0;
	int i;

	for (i = 0; i < REPEAT; i++) {
		ptrust_cache *c = lib ? fresh_cache(2 * w->nphones) : NULL;

		r = measure(w, c, lsc, mic, nphones, rounds, nthreads);
		ptrust_cache_free(c);
		if (r > b) {
			b = r;
			cpu = last_cpu;
		}
	}
	last_cpu = cpu;		/* that of the best run */
	return b;
}

static void
line(const char *name, double raw, double lib)
{
	printf("%-10s raw OpenSSL %9.0f chains/s   libphonetrust %9.0f "
	    "chains/s   x%.2f\n", name, raw, lib, lib / raw);
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

static int
want(const char *only, const char *name)
{
	return only == NULL || strcmp(only, name) == 0;
}

int
main(int argc, char **argv)
{
	struct world w;
	ptrust_cache *c;
	ptrust_store *small;
	struct mallinfo2 m0, m1;
	double raw = 0, lib, raw1, lib1, lib2, t_small, t_big, load_s;
	double r_cold_lsc = 0, r_cold_mic = 0, r_warm = 0, r_storm = 0;
	double s_threads = 0, s_store = 0;
	long rss_kb;
	int phones = 2000, storm = 40000, i;
	const char *only = NULL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: bench [--phones N] [--storm N] "
			    "[--only SCENARIO]\n"
			    "  --phones N   phones per cold/warm/threads run "
			    "(default 2000)\n"
			    "  --storm N    phones in the storm (default 40000, "
			    ">= --phones)\n"
			    "  --only S     run one scenario: cold-lsc, "
			    "cold-mic, warm, storm, threads, store-size\n"
			    "               (for profilers; prints only its "
			    "line)\n");
			return 0;
		}
		if (i + 1 >= argc)
			die("usage: bench [--phones N] [--storm N >= N] "
			    "[--only SCENARIO] (--help)");
		if (strcmp(argv[i], "--phones") == 0)
			phones = atoi(argv[++i]);
		else if (strcmp(argv[i], "--storm") == 0)
			storm = atoi(argv[++i]);
		else if (strcmp(argv[i], "--only") == 0)
			only = argv[++i];
		else
			die("unknown option (--help)");
	}
	if (phones < 10 || storm < phones)
		die("usage: bench [--phones N] [--storm N >= N]");
	printf("libphonetrust %s, OpenSSL %s; RSA-2048 chains; building %d "
	    "phones...\n", ptrust_version(), OpenSSL_version(OPENSSL_VERSION),
	    storm);
	fflush(stdout);
	if ((any_policy = sk_ASN1_OBJECT_new_null()) == NULL ||
	    !sk_ASN1_OBJECT_push(any_policy, OBJ_nid2obj(NID_any_policy)))
		die("out of memory");
	world_build(&w, storm);

	/* 1. cold-lsc: distinct LSC chains, one thread */
	if (want(only, "cold-lsc")) {
		raw = best(&w, 0, w.lsc, NULL, phones, 1, 1);
		lib = best(&w, 1, w.lsc, NULL, phones, 1, 1);
		line("cold-lsc", raw, lib);
		r_cold_lsc = lib / raw;
	}

	/* 2. cold-mic: distinct MIC leaves, the same intermediate */
	if (want(only, "cold-mic") || want(only, "warm")) {
		raw = best(&w, 0, NULL, w.mic, phones, 1, 1);
		if (want(only, "cold-mic")) {
			lib = best(&w, 1, NULL, w.mic, phones, 1, 1);
			line("cold-mic", raw, lib);
			r_cold_mic = lib / raw;
		}
	}

	/* 3. warm: the same phones again (cache hits) */
	if (want(only, "warm")) {
		c = fresh_cache(storm * 2);
		(void)measure(&w, c, NULL, w.mic, phones, 1, 1);
		lib = 0;
		for (i = 0; i < REPEAT; i++) {
			double r = measure(&w, c, NULL, w.mic, phones, 5, 1);

			if (r > lib)
				lib = r;
		}
		ptrust_cache_free(c);
		line("warm", raw, lib);
		r_warm = lib / raw;
	}

	/* 4. storm: every phone, half LSC half MIC, twice, two threads */
	if (want(only, "storm")) {
		raw = 2 / (1 / best(&w, 0, w.lsc, NULL, storm / 2, 2, 2) +
		    1 / best(&w, 0, NULL, w.mic, storm / 2, 2, 2));
		lib = 2 / (1 / best(&w, 1, w.lsc, NULL, storm / 2, 2, 2) +
		    1 / best(&w, 1, NULL, w.mic, storm / 2, 2, 2));
		line("storm", raw, lib);
		r_storm = lib / raw;
		c = fresh_cache(storm * 2);
		m0 = mallinfo2();
		(void)measure(&w, c, w.lsc, w.mic, storm, 1, 2);
		m1 = mallinfo2();
		printf("%-10s %d verdicts cached, %.0f bytes each\n", "memory",
		    (int)ptrust_cache_count(c),
		    (double)(m1.uordblks - m0.uordblks) /
		    (double)ptrust_cache_count(c));
		ptrust_cache_free(c);
	}

	/* 5. threads: cold validation, one thread then two */
	if (want(only, "threads")) {
		double cl1, cl2, cr1, cr2;

		lib1 = best(&w, 1, w.lsc, NULL, phones, 1, 1);
		cl1 = last_cpu;
		lib2 = best(&w, 1, w.lsc, NULL, phones * 2, 1, 2);
		cl2 = last_cpu;
		raw1 = best(&w, 0, w.lsc, NULL, phones, 1, 1);
		cr1 = last_cpu;
		raw = best(&w, 0, w.lsc, NULL, phones * 2, 1, 2);
		cr2 = last_cpu;
		printf("%-10s libphonetrust 1 thread %.0f/s, 2 threads %.0f/s; "
		    "raw OpenSSL %.0f/s, %.0f/s (x%.2f)\n", "threads", lib1,
		    lib2, raw1, raw, raw / raw1);
		/*
		 * CPU time per chain: what contention costs, even when the
		 * machine has no second core free for the wall-clock figure.
		 */
		printf("%-10s CPU per chain: libphonetrust %.0f us, %.0f us "
		    "with 2 threads; raw OpenSSL %.0f us, %.0f us\n", "",
		    cl1 * 1e6, cl2 * 1e6, cr1 * 1e6, cr2 * 1e6);
		s_threads = lib2 / lib1;
	}

	/* 6. store-size: 10,000 anchors against 2 */
	if (want(only, "store-size")) {
		small = w.store;
		t_small = 1 / best(&w, 1, w.lsc, NULL, phones, 1, 1);
		w.store = big_store(&w, 10000, &load_s, &rss_kb);
		t_big = 1 / best(&w, 1, w.lsc, NULL, phones, 1, 1);
		printf("%-10s 10000 anchors loaded in %.3f s, %ld KiB more "
		    "peak memory; %.1f us per chain vs %.1f us with 2 "
		    "anchors\n", "store", load_s, rss_kb, t_big * 1e6,
		    t_small * 1e6);
		s_store = t_big / t_small;
		ptrust_store_unref(w.store);
		w.store = small;
	}

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
	return 0;
}
