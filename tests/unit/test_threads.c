/*
 * Snapshot sharing: validating threads use whatever snapshot is current
 * while the main thread publishes new ones, alternating between a store
 * that trusts CAPF-a6d4c572 and one that does not.  Every verdict must match
 * the snapshot it was made against.  And verdicts a cache shares by
 * reference, read and freed by threads while another empties the cache.
 *
 * PTRUST_STRESS_ITERS sets how many snapshots the main thread publishes
 * (default 200).  Each worker validates at most MAX_PER_WORKER times per
 * snapshot, so the work stays bounded: under a second natively, about a
 * minute under valgrind (most of it the lab's RSA key generation).
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "testutil.h"

#define N_WORKERS	8
#define DEFAULT_ITERS	200
/* Validations the workers must finish against each published snapshot. */
#define PER_SNAPSHOT	2
/*
 * At most this many by one worker against one snapshot: bounds the work
 * (valgrind runs threads one at a time and would starve the publisher).
 */
#define MAX_PER_WORKER	2
/* Give up when the workers make no progress for this long. */
#define STALL_SECONDS	60

struct shared {
	pthread_mutex_t	 lock;
	ptrust_store	*current;	/* guarded by lock */
	char		 failure[512];	/* first failure, guarded by lock */
	atomic_int	 stop;
	atomic_long	 validations;
	atomic_long	 trusted_lsc;
	atomic_long	 untrusted_lsc;
	atomic_long	 failures;
	const struct lab *lab;
	const ptrust_options *options;
	char		 capf_a_fp[65];
};

static void
fp_of(X509 *x, char out[65])
{
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n, i;

	n = i2d_X509(x, &der);
	assert_true(n > 0);
	assert_int_equal(EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(),
	    NULL), 1);
	assert_int_equal(mdlen, 32);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	OPENSSL_free(der);
}

static int
stress_iters(void)
{
	const char *e = getenv("PTRUST_STRESS_ITERS");
	char *end;
	long n;

	if (e == NULL || *e == '\0')
		return DEFAULT_ITERS;
	n = strtol(e, &end, 10);
	if (*end != '\0' || n < 2 || n > 1000000)
		fail_msg("PTRUST_STRESS_ITERS=\"%s\": want a number >= 2", e);
	return (int)n;
}

/* Workers must not call cmocka: they record the first failure here. */
static void
record_failure(struct shared *sh, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
record_failure(struct shared *sh, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&sh->failures, 1) != 0)
		return;
	pthread_mutex_lock(&sh->lock);
	va_start(ap, fmt);
	vsnprintf(sh->failure, sizeof(sh->failure), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&sh->lock);
}

static ptrust_chain *
chain_of(X509 *const *certs, int n)
{
	ptrust_chain *c = ptrust_chain_new();
	int i;

	if (c == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (ptrust_chain_add_x509(c, certs[i]) != PTRUST_OK) {
			ptrust_chain_free(c);
			return NULL;
		}
	return c;
}

static int
has_reason(const ptrust_result *r, ptrust_reason_code code)
{
	size_t i;

	for (i = 0; i < ptrust_result_reason_count(r); i++)
		if (ptrust_result_reason_code(r, i) == code)
			return 1;
	return 0;
}

/* One validation round against snapshot s; 0 when something was wrong. */
static int
check_once(struct shared *sh, ptrust_store *s, const ptrust_chain *lsc,
    const ptrust_chain *mic)
{
	const ptrust_anchor *capf = ptrust_store_find(s, sh->capf_a_fp);
	const ptrust_anchor *a;
	ptrust_result *r = NULL;
	ptrust_status st;
	uint64_t gen = ptrust_store_generation(s);
	int ok = 1;

	/* the LSC: trusted exactly when this snapshot holds its CAPF */
	st = ptrust_verify(s, lsc, sh->options, &r);
	if (st != PTRUST_OK || r == NULL) {
		record_failure(sh, "LSC: ptrust_verify returned %s",
		    ptrust_status_name(st));
		ptrust_result_free(r);
		return 0;
	}
	if (ptrust_result_trusted(r) != (capf != NULL)) {
		record_failure(sh, "LSC against generation %llu: trusted=%d "
		    "but the snapshot %s CAPF-a6d4c572",
		    (unsigned long long)gen, ptrust_result_trusted(r),
		    capf != NULL ? "holds" : "lacks");
		ok = 0;
	} else if (capf != NULL) {
		a = ptrust_result_anchor(r);
		if (a != capf || ptrust_result_kind(r) != PTRUST_KIND_LSC ||
		    ptrust_result_tls_alert(r) != PTRUST_ALERT_NONE ||
		    ptrust_result_reason_count(r) != 0) {
			record_failure(sh, "LSC trusted via %s, kind %s, "
			    "%zu reasons", a != NULL ?
			    ptrust_anchor_alias(a) : "(none)",
			    ptrust_kind_name(ptrust_result_kind(r)),
			    ptrust_result_reason_count(r));
			ok = 0;
		}
		atomic_fetch_add(&sh->trusted_lsc, 1);
	} else {
		if (!has_reason(r, PTRUST_REASON_UNKNOWN_CA) ||
		    ptrust_result_tls_alert(r) != PTRUST_ALERT_UNKNOWN_CA ||
		    ptrust_result_kind(r) != PTRUST_KIND_UNKNOWN ||
		    ptrust_result_anchor(r) != NULL) {
			record_failure(sh, "LSC refused without unknown-ca "
			    "(alert %d, kind %s)", ptrust_result_tls_alert(r),
			    ptrust_kind_name(ptrust_result_kind(r)));
			ok = 0;
		}
		atomic_fetch_add(&sh->untrusted_lsc, 1);
	}
	if (ptrust_result_store_name(r) == NULL ||
	    strcmp(ptrust_result_store_name(r), "callmanager-trust") != 0) {
		record_failure(sh, "result names store %s",
		    ptrust_result_store_name(r));
		ok = 0;
	}
	ptrust_result_free(r);
	r = NULL;

	/* the MIC: every snapshot trusts the manufacturing root */
	st = ptrust_verify(s, mic, sh->options, &r);
	if (st != PTRUST_OK || r == NULL) {
		record_failure(sh, "MIC: ptrust_verify returned %s",
		    ptrust_status_name(st));
		ptrust_result_free(r);
		return 0;
	}
	a = ptrust_result_anchor(r);
	if (!ptrust_result_trusted(r) ||
	    ptrust_result_kind(r) != PTRUST_KIND_MIC || a == NULL ||
	    a != ptrust_store_find(s, "lab-root")) {
		record_failure(sh, "MIC against generation %llu: trusted=%d "
		    "kind %s", (unsigned long long)gen,
		    ptrust_result_trusted(r),
		    ptrust_kind_name(ptrust_result_kind(r)));
		ok = 0;
	}
	ptrust_result_free(r);
	return ok;
}

static void
sleep_a_little(void)
{
	struct timespec ts = { 0, 200 * 1000 };

	nanosleep(&ts, NULL);
}

static void *
worker(void *arg)
{
	struct shared *sh = arg;
	const struct lab *l = sh->lab;
	X509 *mic_certs[] = { l->mic, l->mfg_ca };
	ptrust_chain *lsc = chain_of(&l->lsc_a, 1);
	ptrust_chain *mic = chain_of(mic_certs, 2);
	uint64_t last_gen = 0, gen;
	ptrust_store *s;
	int done = 0;

	if (lsc == NULL || mic == NULL) {
		record_failure(sh, "cannot build the chains");
		goto out;
	}
	while (!atomic_load(&sh->stop)) {
		pthread_mutex_lock(&sh->lock);
		s = ptrust_store_ref(sh->current);
		pthread_mutex_unlock(&sh->lock);
		if (s == NULL) {
			record_failure(sh, "no current snapshot");
			break;
		}
		gen = ptrust_store_generation(s);
		if (gen < last_gen)
			record_failure(sh, "generation went back from %llu "
			    "to %llu", (unsigned long long)last_gen,
			    (unsigned long long)gen);
		if (gen != last_gen)
			done = 0;
		last_gen = gen;
		if (done >= MAX_PER_WORKER) {
			/* enough on this one: wait for the next snapshot */
			ptrust_store_unref(s);
			sleep_a_little();
			continue;
		}
		done++;
		check_once(sh, s, lsc, mic);
		ptrust_store_unref(s);
		atomic_fetch_add(&sh->validations, 1);
	}
out:
	ptrust_chain_free(lsc);
	ptrust_chain_free(mic);
	return NULL;
}

static void
publish(struct shared *sh, ptrust_store *s)
{
	ptrust_store *old;

	pthread_mutex_lock(&sh->lock);
	old = sh->current;
	sh->current = s;
	pthread_mutex_unlock(&sh->lock);
	ptrust_store_unref(old);	/* workers may still hold it */
}

static void
shared_snapshots_follow_publisher(void **state)
{
	const struct lab *l = test_lab();
	struct shared sh;
	pthread_t th[N_WORKERS];
	ptrust_builder *b = ptrust_builder_new("callmanager-trust");
	ptrust_options *o = test_options();
	ptrust_store *s = NULL;
	int iters = stress_iters(), i, published, with_capf = 1;
	uint64_t last_gen;

	(void)state;
	memset(&sh, 0, sizeof(sh));
	assert_int_equal(pthread_mutex_init(&sh.lock, NULL), 0);
	sh.lab = l;
	sh.options = o;
	fp_of(l->capf_a, sh.capf_a_fp);

	assert_non_null(b);
	assert_int_equal(ptrust_builder_add_x509(b, l->mfg_root, "lab-root",
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(b, l->capf_b, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(b, l->capf_a, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_build(b, &s), PTRUST_OK);
	last_gen = ptrust_store_generation(s);
	publish(&sh, s);

	for (i = 0; i < N_WORKERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &sh), 0);

	/*
	 * No cmocka assertion while the workers run (a failing one would
	 * leave them running on this frame): problems are recorded instead.
	 */
	for (i = 0; i < iters && atomic_load(&sh.failures) == 0; i++) {
		ptrust_status st;
		long target;
		time_t since = time(NULL);

		/* alternate: without CAPF-a6d4c572, then with it again */
		if (with_capf)
			st = ptrust_builder_remove(b, sh.capf_a_fp);
		else if ((st = ptrust_builder_add_x509(b, l->capf_a, NULL,
		    PTRUST_ROLE_AUTO)) == PTRUST_OK &&
		    ptrust_builder_change(b, 0, NULL, NULL) !=
		    PTRUST_CHANGE_ADDED)
			record_failure(&sh, "re-adding the CAPF: not added");
		if (st != PTRUST_OK) {
			record_failure(&sh, "toggling the CAPF: %s: %s",
			    ptrust_status_name(st), ptrust_builder_error(b));
			break;
		}
		with_capf = !with_capf;
		s = NULL;
		if ((st = ptrust_builder_build(b, &s)) != PTRUST_OK) {
			record_failure(&sh, "build: %s",
			    ptrust_status_name(st));
			break;
		}
		if (ptrust_store_generation(s) <= last_gen)
			record_failure(&sh, "generation %llu after %llu",
			    (unsigned long long)ptrust_store_generation(s),
			    (unsigned long long)last_gen);
		last_gen = ptrust_store_generation(s);
		if ((ptrust_store_find(s, sh.capf_a_fp) != NULL) != with_capf)
			record_failure(&sh, "snapshot %llu: CAPF %s",
			    (unsigned long long)last_gen,
			    with_capf ? "missing" : "present");
		target = atomic_load(&sh.validations) + PER_SNAPSHOT;
		publish(&sh, s);
		/* let the workers use this one before the next */
		while (atomic_load(&sh.validations) < target &&
		    atomic_load(&sh.failures) == 0) {
			if (time(NULL) - since > STALL_SECONDS) {
				atomic_store(&sh.stop, 1);
				break;
			}
			sleep_a_little();
		}
		if (atomic_load(&sh.stop))
			break;
	}
	published = i;
	atomic_store(&sh.stop, 1);
	for (i = 0; i < N_WORKERS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);

	publish(&sh, NULL);
	ptrust_builder_free(b);
	ptrust_options_free(o);
	pthread_mutex_destroy(&sh.lock);

	if (atomic_load(&sh.failures) != 0)
		fail_msg("%ld failure(s), first: %s",
		    atomic_load(&sh.failures), sh.failure);
	if (published < iters)
		fail_msg("workers stalled after %d of %d snapshots", published,
		    iters);
	print_message("%d snapshots, %ld validations, LSC trusted %ld, "
	    "refused %ld\n", published, atomic_load(&sh.validations),
	    atomic_load(&sh.trusted_lsc), atomic_load(&sh.untrusted_lsc));
	assert_true(atomic_load(&sh.validations) >= (long)iters * PER_SNAPSHOT);
	/* both verdicts were seen: the alternation really happened */
	assert_true(atomic_load(&sh.trusted_lsc) > 0);
	assert_true(atomic_load(&sh.untrusted_lsc) > 0);
}

/* Builds in several threads at once: generations unique and growing. */
#define BUILDERS	4
#define BUILDS		200

struct build_arg {
	const struct lab *lab;
	uint64_t	 gens[BUILDS];
	int		 failed;
};

static void *
builder_thread(void *p)
{
	struct build_arg *a = p;
	ptrust_builder *b = ptrust_builder_new("capf-trust");
	ptrust_store *s;
	int i;

	if (b == NULL || ptrust_builder_add_x509(b, a->lab->capf_a, NULL,
	    PTRUST_ROLE_AUTO) != PTRUST_OK) {
		a->failed = 1;
		ptrust_builder_free(b);
		return NULL;
	}
	for (i = 0; i < BUILDS; i++) {
		s = NULL;
		if (ptrust_builder_build(b, &s) != PTRUST_OK ||
		    ptrust_store_anchor_count(s) != 1) {
			a->failed = 1;
			ptrust_store_unref(s);
			break;
		}
		a->gens[i] = ptrust_store_generation(s);
		ptrust_store_unref(s);
	}
	ptrust_builder_free(b);
	return NULL;
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static void
concurrent_builds_unique_generations(void **state)
{
	static struct build_arg args[BUILDERS];
	static uint64_t all[BUILDERS * BUILDS];
	pthread_t th[BUILDERS];
	int i, j;

	(void)state;
	memset(args, 0, sizeof(args));
	for (i = 0; i < BUILDERS; i++) {
		args[i].lab = test_lab();
		assert_int_equal(pthread_create(&th[i], NULL, builder_thread,
		    &args[i]), 0);
	}
	for (i = 0; i < BUILDERS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (i = 0; i < BUILDERS; i++) {
		assert_false(args[i].failed);
		for (j = 0; j < BUILDS; j++) {
			if (j > 0)
				assert_true(args[i].gens[j] >
				    args[i].gens[j - 1]);
			all[i * BUILDS + j] = args[i].gens[j];
		}
	}
	qsort(all, BUILDERS * BUILDS, sizeof(all[0]), cmp_u64);
	for (i = 1; i < BUILDERS * BUILDS; i++)
		if (all[i] == all[i - 1])
			fail_msg("generation %llu given twice",
			    (unsigned long long)all[i]);
}

/*
 * Verdicts kept by a cache are shared by reference: threads served the
 * same verdict read it at once (the chain's subjects formatted on first
 * use, once) and free their references while another thread empties the
 * cache over and over.  Every verdict stays whole to its last holder
 * (ThreadSanitizer, valgrind).
 */
#define READERS		4
#define READS		300

struct reader {
	ptrust_cache	*cache;
	ptrust_store	*store;
	const ptrust_options *o;
	unsigned char	*der[2];
	size_t		 len[2];
	atomic_int	*running;
	int		 wrong;
};

static void *
reader_thread(void *p)
{
	struct reader *rd = p;
	int i;

	for (i = 0; i < READS; i++) {
		const unsigned char *der = rd->der[i % 2];
		ptrust_result *r = NULL;
		const char *sub;

		if (ptrust_cache_verify(rd->cache, rd->store, &der,
		    &rd->len[i % 2], 1, rd->o, &r) != PTRUST_OK ||
		    ptrust_result_trusted(r) != (i % 2 == 0) ||
		    (sub = ptrust_result_chain_subject(r, 0)) == NULL ||
		    strstr(sub, i % 2 == 0 ? "SEP001122334455" :
		    "SEP00AABBCCDDEE") == NULL ||
		    (i % 2 == 0 && (ptrust_result_chain_subject(r, 1) == NULL ||
		    strcmp(ptrust_result_chain_subject(r, 1),
		    ptrust_anchor_subject(ptrust_result_anchor(r))) != 0)) ||
		    (i % 2 == 1 && ptrust_result_reason_message(r, 0) == NULL))
			rd->wrong++;
		ptrust_result_free(r);
	}
	atomic_fetch_sub(rd->running, 1);
	return NULL;
}

static void
shared_verdicts_outlive_clears(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	ptrust_cache *c = ptrust_cache_new(8);
	struct reader rd[READERS];
	pthread_t th[READERS];
	atomic_int running;
	uint64_t hits = 0;
	long clears = 0;
	int i;

	(void)state;
	atomic_init(&running, READERS);
	for (i = 0; i < READERS; i++) {
		memset(&rd[i], 0, sizeof(rd[i]));
		rd[i].cache = c;
		rd[i].store = s;
		rd[i].o = o;
		rd[i].running = &running;
		assert_non_null(rd[i].der[0] = lab_der(l->lsc_a, &rd[i].len[0]));
		assert_non_null(rd[i].der[1] = lab_der(l->lsc_b, &rd[i].len[1]));
		assert_int_equal(pthread_create(&th[i], NULL, reader_thread,
		    &rd[i]), 0);
	}
	while (atomic_load(&running) > 0) {
		ptrust_cache_clear(c);
		clears++;
		sched_yield();
	}
	for (i = 0; i < READERS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(rd[i].wrong, 0);
		free(rd[i].der[0]);
		free(rd[i].der[1]);
	}
	ptrust_cache_stats(c, &hits, NULL);
	printf("# %d verdicts read in %d threads, %llu served from the cache, "
	    "%ld clears\n", READERS * READS, READERS,
	    (unsigned long long)hits, clears);
	ptrust_cache_free(c);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shared_snapshots_follow_publisher),
		cmocka_unit_test(concurrent_builds_unique_generations),
		cmocka_unit_test(shared_verdicts_outlive_clears),
	};
	int rc;

	/* PTRUST_TEST_FILTER=concurrent_* runs only the matching tests */
	if (getenv("PTRUST_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("PTRUST_TEST_FILTER"));
	test_lab();	/* built once, before any thread reads it */
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_lab_free();
	return rc;
}
