/*
 * Out of memory at every allocation in turn: each call fails cleanly
 * (a status, a message, nothing half-done, nothing leaked -- valgrind and
 * ASan check that part) and a chain that must be refused is never trusted.
 * All library memory goes through OpenSSL's allocator, hooked here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

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
	size_t good_len, bad_len;
	char *good = lab_pem(&l->lsc_a, 1, &good_len);
	char *bad = lab_pem(bad_chain, 1, &bad_len);
	long k, failures = 0;
	int which;

	(void)state;
	for (which = 0; which < 2; which++) {
		const char *pem = which == 0 ? good : bad;
		size_t len = which == 0 ? good_len : bad_len;

		for (k = 1; k < 100000; k++) {
			ptrust_chain *c;
			ptrust_result *r = NULL;
			ptrust_status st = PTRUST_ERR_NOMEM;

			inject(k);
			if ((c = ptrust_chain_new()) != NULL &&
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
			    which == 0 ? &l->lsc_a : bad_chain, 1, o);

			assert_int_equal(ptrust_result_trusted(r), which == 0);
			ptrust_result_free(r);
		}
	}
	print_message("verify: %ld injected failures handled\n", failures);
	assert_true(failures > 10);
	free(good);
	free(bad);
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
	assert_true(failures > 10);
	free(pem);
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
	assert_true(failures > 5);
	ptrust_builder_free(b);
	free(pem);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verify_under_oom),
		cmocka_unit_test(builder_under_oom),
		cmocka_unit_test(store_dir_under_oom),
	};
	int rc;

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
