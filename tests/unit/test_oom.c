/*
 * Out of memory at every allocation in turn: each call fails cleanly
 * (a status, a message, nothing half-done, nothing leaked -- valgrind and
 * ASan check that part) and a chain that must be refused is never trusted.
 * All library memory goes through OpenSSL's allocator, hooked here.
 * Under valgrind the sweeps are sparser (test_oom_stride): the counts of
 * failures they must reach scale with it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <phonetrust-cluster.h>

#include "testutil.h"

static void
inject(long at)
{
	test_oom_fail_at(at);
}

/* 1 when the injected failure was never reached: the sweep is over. */
static int
sweep_done(void)
{
	return !test_oom_stop();
}

static void
verify_under_oom(void **state)
{
	const struct lab *l = test_lab();
	X509 *bad_chain[] = { l->lsc_b };
	ptrust_store *s = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_options *o = test_options();
	X509 *with_anchor[] = { l->lsc_a, l->capf_a };
	size_t good_len, bad_len, shared_len;
	char *good = lab_pem(&l->lsc_a, 1, &good_len);
	char *bad = lab_pem(bad_chain, 1, &bad_len);
	/* 2: the anchor sent along, shared with the store (no decoding) */
	char *shared = lab_pem(with_anchor, 2, &shared_len);
	long k, failures = 0;
	int which;

	(void)state;
	for (which = 0; which < 3; which++) {
		const char *pem = which == 0 ? good : which == 1 ? bad : shared;
		size_t len = which == 0 ? good_len : which == 1 ? bad_len :
		    shared_len;

		for (k = 1; k < 100000; k++) {
			ptrust_chain *c;
			ptrust_result *r = NULL;
			ptrust_status st = PTRUST_ERR_NOMEM;

			inject(k);
			if ((c = ptrust_chain_new()) != NULL &&
			    (which < 2 || (st = ptrust_chain_share_anchors(c,
			    s)) == PTRUST_OK) &&
			    (st = ptrust_chain_add_pem(c, pem, len)) ==
			    PTRUST_OK)
				st = ptrust_verify(s, c, o, &r);
			if (st != PTRUST_OK) {
				failures++;
				assert_false(ptrust_result_trusted(r));
				if (r != NULL)
					assert_true(strlen(
					    ptrust_result_error(r)) > 0);
			}
			/* Fail closed: another cluster's LSC, never trusted. */
			if (which == 1)
				assert_false(ptrust_result_trusted(r));
			ptrust_result_free(r);
			ptrust_chain_free(c);
			if (sweep_done())
				break;
		}
		assert_true(k > 10);	/* the sweep reached real work */
		/* and once memory is back, the verdicts are right again */
		{
			ptrust_result *r = test_verify(s,
			    which == 1 ? bad_chain : with_anchor,
			    which == 2 ? 2 : 1, o);

			assert_int_equal(ptrust_result_trusted(r), which != 1);
			ptrust_result_free(r);
		}
	}
	print_message("verify: %ld injected failures handled\n", failures);
	assert_true(failures * test_oom_stride() > 10);
	free(good);
	free(bad);
	free(shared);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

static void
builder_under_oom(void **state)
{
	const struct lab *l = test_lab();
	X509 *certs[] = { l->capf_a, l->mfg_root };
	size_t len;
	char *pem = lab_pem(certs, 2, &len);
	long k, failures = 0;

	(void)state;
	for (k = 1; k < 100000; k++) {
		ptrust_builder *b;
		ptrust_store *s = NULL;
		ptrust_status st;

		inject(k);
		if ((b = ptrust_builder_new("capf-trust")) == NULL) {
			failures++;
			sweep_done();
			continue;
		}
		st = ptrust_builder_add_mem(b, pem, len, NULL, PTRUST_ROLE_AUTO);
		/* all or nothing */
		assert_int_equal(ptrust_builder_anchor_count(b),
		    st == PTRUST_OK ? 2 : 0);
		if (st == PTRUST_OK) {
			st = ptrust_builder_build(b, &s);
			assert_true(st == PTRUST_OK ? s != NULL : s == NULL);
		}
		if (st != PTRUST_OK) {
			failures++;
			assert_true(strlen(ptrust_builder_error(b)) > 0);
		}
		ptrust_store_unref(s);
		ptrust_builder_free(b);
		if (sweep_done())
			break;
	}
	print_message("builder: %ld injected failures handled\n", failures);
	assert_true(failures * test_oom_stride() > 10);
	free(pem);
}

static void
assert_state(const ptrust_builder *b, int ptrs, const char *expect)
{
	char *now = test_builder_state(b, ptrs);

	assert_string_equal(now, expect);
	free(now);
}

/* Every anchor found by its alias and its fingerprint. */
static void
assert_all_found(const ptrust_builder *b)
{
	size_t i;

	for (i = 0; i < ptrust_builder_anchor_count(b); i++) {
		const ptrust_anchor *a = ptrust_builder_anchor(b, i);

		assert_ptr_equal(ptrust_builder_find(b, ptrust_anchor_alias(a)),
		    a);
		assert_ptr_equal(ptrust_builder_find(b,
		    ptrust_anchor_sha256(a)), a);
	}
}

/* capf_b's subject with another notBefore. */
static X509 *
capf_b_at(time_t not_before)
{
	const struct lab *l = test_lab();
	struct lab_spec s;
	X509 *x;

	memset(&s, 0, sizeof(s));
	s.cn = "CAPF-0badcafe";
	s.o = "Other Cluster";
	s.l = "Porto";
	s.st = "Porto";
	s.ca = 1;
	s.pathlen = 0;
	s.not_before = not_before;
	x = lab_issue(&s, l->capf_b_key, NULL, NULL);
	assert_non_null(x);
	return x;
}

/*
 * The builder the sweeps start from, made without failures: four anchors,
 * with stale_tables the third removed after the tables were built.
 */
static ptrust_builder *
holding_builder(int stale_tables)
{
	const struct lab *l = test_lab();
	ptrust_builder *b = ptrust_builder_new("callmanager-trust");

	assert_non_null(b);
	assert_int_equal(ptrust_builder_add_x509(b, l->capf_a, "x",
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(b, l->capf_b, NULL,
	    PTRUST_ROLE_EXTERNAL_CA), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(b, l->mic, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(b, l->mfg_root, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	if (stale_tables)
		assert_int_equal(ptrust_builder_remove(b, "SEP001122334455"),
		    PTRUST_OK);
	return b;
}

/*
 * One call (add_mem of a bundle, or load_dir) on a builder that already
 * holds anchors, failing at every allocation in turn.  A failure leaves
 * the builder exactly as it was: the same anchor objects in the same
 * order, and lookups (by alias, fingerprint and subject) that still find
 * them.  Parsing makes most of the allocations and is slow, so the inputs
 * are small and nothing is parsed twice per step.
 */
static long
sweep_call(int stale_tables, const char *pem, size_t len, const char *dir,
    X509 *older_b)
{
	ptrust_builder *b;
	ptrust_status st;
	char *expect, *before;
	const char *alias = NULL, *other = NULL;
	size_t expect_changes;
	long k, failures = 0;
	int done;

	b = holding_builder(stale_tables);
	st = dir != NULL ? ptrust_builder_load_dir(b, dir) :
	    ptrust_builder_add_mem(b, pem, len, NULL, PTRUST_ROLE_AUTO);
	assert_int_equal(st, PTRUST_OK);
	expect = test_builder_state(b, 0);
	expect_changes = ptrust_builder_change_count(b);
	ptrust_builder_free(b);
	for (k = 1; k < 100000; k++) {
		b = holding_builder(stale_tables);
		before = test_builder_state(b, 1);
		inject(k);
		st = dir != NULL ? ptrust_builder_load_dir(b, dir) :
		    ptrust_builder_add_mem(b, pem, len, NULL, PTRUST_ROLE_AUTO);
		done = sweep_done();
		if (st != PTRUST_OK) {
			failures++;
			assert_true(strlen(ptrust_builder_error(b)) > 0);
			assert_int_equal(ptrust_builder_change_count(b), 0);
			assert_state(b, 1, before);
			assert_all_found(b);
			/* capf_b is where it was, for its subject too */
			assert_int_equal(ptrust_builder_add_x509(b, older_b,
			    NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
			assert_int_equal(ptrust_builder_change(b, 0, &alias,
			    &other), PTRUST_CHANGE_KEPT_EXISTING);
			assert_string_equal(other, "CAPF-0badcafe");
			assert_state(b, 1, before);
		} else {
			assert_state(b, 0, expect);
			assert_int_equal(ptrust_builder_change_count(b),
			    expect_changes);
			assert_all_found(b);
		}
		free(before);
		ptrust_builder_free(b);
		if (done)
			break;
	}
	assert_true(k > 10);
	free(expect);
	return failures;
}

/*
 * A bundle whose first certificate replaces one there, the second is
 * added (its CN is another subject's: the alias gets the fingerprint) and
 * the third replaces the first.
 */
static void
bundle_add_under_oom(void **state)
{
	const struct lab *l = test_lab();
	X509 *older_b = capf_b_at(LAB_T0 - 9 * LAB_DAY);
	X509 *newer_b = capf_b_at(LAB_T0);
	X509 *newest_b = capf_b_at(LAB_T0 + 1);
	X509 *certs[3];
	size_t len;
	char *pem;
	long failures;

	(void)state;
	certs[0] = newer_b;
	certs[1] = l->lsc_a;
	certs[2] = newest_b;
	pem = lab_pem(certs, 3, &len);
	failures = sweep_call(0, pem, len, NULL, older_b);
	print_message("bundle add: %ld injected failures handled\n",
	    failures);
	assert_true(failures * test_oom_stride() > 20);
	free(pem);
	X509_free(older_b);
	X509_free(newer_b);
	X509_free(newest_b);
}

/*
 * load_dir, replacing everything there (tables stale from a removal): the
 * second file replaces the first.
 */
static void
load_dir_over_anchors_under_oom(void **state)
{
	X509 *older_b = capf_b_at(LAB_T0 - 9 * LAB_DAY);
	X509 *mid_b = capf_b_at(LAB_T0 - 5 * LAB_DAY);
	X509 *newer_b = capf_b_at(LAB_T0);
	char *dir = test_tmpdir(), path[4096];
	long failures;

	(void)state;
	snprintf(path, sizeof(path), "%s/a.pem", dir);
	assert_int_equal(lab_write_pem(path, &mid_b, 1), 0);
	snprintf(path, sizeof(path), "%s/b.pem", dir);
	assert_int_equal(lab_write_pem(path, &newer_b, 1), 0);
	failures = sweep_call(1, NULL, 0, dir, older_b);
	print_message("load_dir: %ld injected failures handled\n", failures);
	assert_true(failures * test_oom_stride() > 20);
	X509_free(older_b);
	X509_free(mid_b);
	X509_free(newer_b);
	test_rmtree(dir);
	free(dir);
}

/* Saving and loading a store directory, each failing at every allocation. */
static void
store_dir_under_oom(void **state)
{
	const struct lab *l = test_lab();
	X509 *certs[] = { l->capf_a, l->mfg_root };
	ptrust_builder *b = ptrust_builder_new("capf-trust");
	char *dir = test_tmpdir();
	size_t len;
	char *pem = lab_pem(certs, 2, &len);
	long k, failures = 0;
	int phase;

	(void)state;
	assert_int_equal(ptrust_builder_add_mem(b, pem, len, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	for (phase = 0; phase < 2; phase++) {
		for (k = 1; k < 100000; k++) {
			ptrust_builder *b2 = NULL;
			ptrust_status st;

			if (phase == 1 &&
			    (b2 = ptrust_builder_new("capf-trust")) == NULL)
				fail();
			inject(k);
			if (phase == 0) {
				st = ptrust_builder_save_dir(b, dir);
				if (st != PTRUST_OK)
					assert_true(strlen(
					    ptrust_builder_error(b)) > 0);
			} else {
				st = ptrust_builder_load_dir(b2, dir);
				assert_int_equal(ptrust_builder_anchor_count(b2),
				    st == PTRUST_OK ? 2 : 0);
				if (st != PTRUST_OK)
					assert_true(strlen(
					    ptrust_builder_error(b2)) > 0);
			}
			if (st != PTRUST_OK)
				failures++;
			ptrust_builder_free(b2);
			if (sweep_done())
				break;
		}
		/* a failed save never leaves the directory unreadable */
		{
			ptrust_builder *check = ptrust_builder_new("capf-trust");

			assert_int_equal(ptrust_builder_load_dir(check, dir),
			    PTRUST_OK);
			assert_int_equal(ptrust_builder_anchor_count(check), 2);
			ptrust_builder_free(check);
		}
	}
	print_message("store directory: %ld injected failures handled\n",
	    failures);
	assert_true(failures * test_oom_stride() > 5);
	ptrust_builder_free(b);
	free(pem);
	test_rmtree(dir);
	free(dir);
}

/*
 * A new cluster decodes nothing: Cisco's CAs are decoded when the store
 * is first used.  Counted: making one takes a few allocations, not the
 * thousands eight certificates take.  Then that first use, failing at
 * every allocation: all or nothing, and asked again it works.
 */
static void
cluster_decodes_when_used_under_oom(void **state)
{
	ptrust_cluster *c;
	ptrust_builder *mfg;
	long k, failures = 0;

	(void)state;
	for (k = 1; k < 100000; k++) {
		inject(k);
		c = ptrust_cluster_new();
		if (sweep_done()) {
			assert_non_null(c);
			ptrust_cluster_free(c);
			break;
		}
		ptrust_cluster_free(c);
	}
	print_message("ptrust_cluster_new: %ld allocations\n", k - 1);
	assert_true(k < 60);
	/*
	 * Every allocation of the first certificate's decoding (the store's
	 * own steps, then the builder's, each swept in full elsewhere), then
	 * one in 61 of the other seven: decoding is slow under valgrind.
	 */
	for (k = 1; k < 100000; k += k < 200 ? 1 : 61) {
		assert_non_null(c = ptrust_cluster_new());
		inject(k);
		mfg = ptrust_cluster_store(c, "manufacturing-ca", 0);
		if (sweep_done()) {
			assert_int_equal(ptrust_builder_anchor_count(mfg), 8);
			ptrust_cluster_free(c);
			break;
		}
		if (mfg == NULL) {
			failures++;
			assert_true(strlen(ptrust_cluster_error(c)) > 0);
		}
		/* asked again, with memory: the whole store (now and then) */
		if (k % 16 == 1) {
			assert_non_null(mfg = ptrust_cluster_store(c,
			    "manufacturing-ca", 0));
			assert_int_equal(ptrust_builder_anchor_count(mfg), 8);
		}
		ptrust_cluster_free(c);
	}
	print_message("built-in CAs: %ld injected failures handled\n",
	    failures);
	assert_true(failures * test_oom_stride() > 100);
}

/*
 * A cluster loaded from a directory, then snapshots of two purposes,
 * each store decoded at its first use, failing at every allocation: a
 * failed load leaves the cluster as it was, a failed decoding leaves the
 * store to be decoded again, and nothing leaks (valgrind, ASan).
 */
static void
cluster_load_under_oom(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *admin = ptrust_cluster_new();
	ptrust_builder *mfg;
	char *dir = test_tmpdir();
	long k, failures = 0;

	(void)state;
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(admin,
	    "callmanager-trust", 0), l->capf_a, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(admin,
	    "radius-trust", 1), l->mfg_root, NULL, PTRUST_ROLE_MANUFACTURING),
	    PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(admin,
	    "radius-trust", 1), l->capf_b, NULL, PTRUST_ROLE_CAPF), PTRUST_OK);
	assert_int_equal(ptrust_cluster_set_purpose_store(admin,
	    PTRUST_CLUSTER_8021X, "radius-trust"), PTRUST_OK);
	/* no built-in CAs: the sweep stays short */
	assert_int_equal(ptrust_cluster_remove_store(admin, "capf-trust"),
	    PTRUST_ERR_ARG);
	mfg = ptrust_cluster_store(admin, "manufacturing-ca", 0);
	while (ptrust_builder_anchor_count(mfg) > 0)
		assert_int_equal(ptrust_builder_remove(mfg, ptrust_anchor_alias(
		    ptrust_builder_anchor(mfg, 0))), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(mfg, l->mfg_ca, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	assert_int_equal(ptrust_cluster_save_dir(admin, dir), PTRUST_OK);
	ptrust_cluster_free(admin);
	/*
	 * Every allocation of the load (the files read, none decoded) and of
	 * the first store's decoding, then one in 61: decoding is slow
	 * under valgrind, and the builder's steps are swept in full
	 * elsewhere.
	 */
	for (k = 1; k < 1000000; k += k < 400 ? 1 : 61) {
		ptrust_cluster *c = ptrust_cluster_new();
		ptrust_store *s = NULL;
		ptrust_status st;
		int done;

		assert_non_null(c);
		inject(k);
		if ((st = ptrust_cluster_load_dir(c, dir)) == PTRUST_OK &&
		    (st = ptrust_cluster_snapshot(c, PTRUST_CLUSTER_8021X,
		    &s)) == PTRUST_OK) {
			ptrust_store_unref(s);
			s = NULL;
			st = ptrust_cluster_snapshot(c,
			    PTRUST_CLUSTER_CALLMANAGER_TLS, &s);
		}
		done = sweep_done();
		if (st != PTRUST_OK) {
			failures++;
			assert_null(s);
			assert_true(strlen(ptrust_cluster_error(c)) > 0);
			/* with memory back, whatever stage it was at works */
			if (ptrust_cluster_store_count(c) == 4 ||
			    ptrust_cluster_load_dir(c, dir) == PTRUST_OK)
				assert_int_equal(ptrust_cluster_snapshot(c,
				    PTRUST_CLUSTER_8021X, &s), PTRUST_OK);
			else
				fail_msg("load_dir failed without a failure "
				    "injected: %s", ptrust_cluster_error(c));
		}
		/* callmanager-tls: capf_a and the manufacturing CA */
		assert_int_equal(ptrust_store_anchor_count(s), 2);
		ptrust_store_unref(s);
		ptrust_cluster_free(c);
		if (done)
			break;
	}
	print_message("cluster load: %ld injected failures handled\n",
	    failures);
	assert_true(failures * test_oom_stride() > 20);
	test_rmtree(dir);
	free(dir);
}

/*
 * The verdict cache's own allocations (the key, the entry, a verdict
 * made compact to be shared), failing in turn, on a MIC chain whose
 * intermediate it decodes and a refusal with reasons: never a trusted
 * verdict from a failure, and what the cache keeps is whole.
 */
static void
cache_under_oom(void **state)
{
	const struct lab *l = test_lab();
	X509 *mic_chain[2] = { l->mic, l->mfg_ca };
	ptrust_store *s = test_store("callmanager-trust",
	    PTRUST_ROLE_MANUFACTURING, &l->mfg_root, 1);
	ptrust_options *o = test_options();
	unsigned char *der[2];
	size_t len[2], other_len;
	unsigned char *other = lab_der(l->lsc_b, &other_len);
	long k, failures = 0, stuck = 0;
	int fine = 0;

	(void)state;
	der[0] = lab_der(mic_chain[0], &len[0]);
	der[1] = lab_der(mic_chain[1], &len[1]);
	assert_int_equal(ptrust_options_set_device(o, "SEP001122334455"),
	    PTRUST_OK);
	/*
	 * Every allocation of the first few (the key) and of the last
	 * (the verdict kept: the entry, made compact, the intermediate
	 * shared), one in 8 of the judging between, swept in full by
	 * verify_under_oom: past the end, back 56 and every one again.
	 */
	for (k = 1; k < 100000; k += fine || k < 24 ? 1 : 8) {
		ptrust_cache *c = ptrust_cache_new(4);
		ptrust_result *r = NULL, *again = NULL;
		const unsigned char *one = other;
		ptrust_status st;
		int done, tries;

		assert_non_null(c);
		inject(k);
		st = ptrust_cache_verify(c, s,
		    (const unsigned char *const *)der, len, 2, o, &r);
		if (st != PTRUST_OK) {
			failures++;
			assert_false(ptrust_result_trusted(r));
		}
		ptrust_result_free(r);
		r = NULL;
		(void)ptrust_cache_verify(c, s, &one, &other_len, 1, o, &r);
		assert_false(ptrust_result_trusted(r));
		ptrust_result_free(r);
		done = sweep_done();
		/*
		 * What was kept is served whole, and right: memory running
		 * out inside OpenSSL can read as a refusal (a key "too
		 * weak"), which is served 16 times at most, then judged
		 * again; and the intermediate of a refused chain is no
		 * longer shared (OpenSSL may have kept a broken state in
		 * it), so judged again it is decoded afresh.
		 */
		for (tries = 0; tries < 17; tries++) {
			assert_int_equal(ptrust_cache_verify(c, s,
			    (const unsigned char *const *)der, len, 2, o,
			    &again), PTRUST_OK);
			if (ptrust_result_trusted(again) || tries == 16)
				break;
			ptrust_result_free(again);
		}
		if (ptrust_result_trusted(again)) {
			assert_int_equal(ptrust_result_kind(again),
			    PTRUST_KIND_MIC);
			assert_string_equal(ptrust_result_device(again),
			    "SEP001122334455");
			assert_int_equal(ptrust_result_chain_length(again), 3);
			assert_non_null(ptrust_result_chain_subject(again, 2));
		} else {
			stuck++;
			assert_true(ptrust_result_reason_count(again) > 0);
			assert_non_null(ptrust_result_reason_message(again, 0));
		}
		ptrust_result_free(again);
		ptrust_cache_free(c);
		if (done && fine)
			break;
		if (done) {
			fine = 1;
			k = k > 56 ? k - 57 : 0;
		}
	}
	print_message("cache: %ld injected failures handled, %ld left a "
	    "refusal\n", failures, stuck);
	assert_true(failures * test_oom_stride() > 20);
	assert_int_equal(stuck, 0);
	free(der[0]);
	free(der[1]);
	free(other);
	ptrust_options_free(o);
	ptrust_store_unref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verify_under_oom),
		cmocka_unit_test(builder_under_oom),
		cmocka_unit_test(bundle_add_under_oom),
		cmocka_unit_test(load_dir_over_anchors_under_oom),
		cmocka_unit_test(store_dir_under_oom),
		cmocka_unit_test(cluster_decodes_when_used_under_oom),
		cmocka_unit_test(cluster_load_under_oom),
		cmocka_unit_test(cache_under_oom),
	};
	int rc;

	/* PTRUST_TEST_FILTER=cache_* runs only the matching tests */
	if (getenv("PTRUST_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("PTRUST_TEST_FILTER"));
	/* Before OpenSSL allocates anything. */
	if (!test_oom_hook()) {
		fprintf(stderr, "cannot hook OpenSSL's allocator\n");
		return 1;
	}
	test_lab();	/* keys and certificates, made without failures */
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_lab_free();
	return rc;
}
