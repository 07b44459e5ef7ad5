/*
 * Publishing snapshots while threads validate: each validation sees one
 * store whole (the old or the new), reloading a cluster directory
 * publishes only a change, a failed reload keeps the old snapshot and says
 * why, and 8 validating threads against a publisher of 1,000 snapshots
 * stay consistent, validating directly or through one shared verdict
 * cache; a store is decoded when first used (CI also runs this under
 * ThreadSanitizer).
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <phonetrust-cluster.h>

#include "testutil.h"

static void
publish_and_get(void **state)
{
	const struct lab *l = test_lab();
	ptrust_store *a = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_a, 1);
	ptrust_store *b = test_store("callmanager-trust", PTRUST_ROLE_AUTO,
	    &l->capf_b, 1);
	ptrust_current *c;
	ptrust_store *held, *now;

	(void)state;
	assert_null(ptrust_current_new(NULL));
	assert_non_null(c = ptrust_current_new(a));
	held = ptrust_current_get(c);
	assert_ptr_equal(held, a);
	assert_int_equal(ptrust_current_publications(c), 0);
	assert_int_equal(ptrust_current_publish(c, b), PTRUST_OK);
	assert_int_equal(ptrust_current_publications(c), 1);
	now = ptrust_current_get(c);
	assert_ptr_equal(now, b);
	/* the validation that took a still has it, whole */
	assert_non_null(ptrust_store_find(held, "CAPF-a6d4c572"));
	assert_null(ptrust_store_find(now, "CAPF-a6d4c572"));
	ptrust_store_unref(held);
	ptrust_store_unref(now);
	assert_int_equal(ptrust_current_publish(c, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_current_publish(NULL, a), PTRUST_ERR_ARG);
	assert_null(ptrust_current_get(NULL));
	assert_int_equal(ptrust_current_publications(NULL), 0);
	ptrust_current_free(c);
	ptrust_current_free(NULL);
	ptrust_store_unref(a);
	ptrust_store_unref(b);
}

static int
trusts(ptrust_store *s, X509 *leaf)
{
	ptrust_result *r = test_verify(s, &leaf, 1, NULL);
	int t = ptrust_result_trusted(r);

	ptrust_result_free(r);
	return t;
}

/* A cluster directory changed on disk: published once, then only again
 * after the next change; a damaged directory publishes nothing. */
static void
reload_from_directory(void **state)
{
	const struct lab *l = test_lab();
	char *dir = test_tmpdir(), path[4096];
	ptrust_cluster *admin = ptrust_cluster_new();
	ptrust_cluster *loader = ptrust_cluster_new();
	ptrust_store *s;
	ptrust_current *cur;
	int changed = -1;
	FILE *f;

	(void)state;
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(admin,
	    "callmanager-trust", 0), l->capf_a, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	assert_int_equal(ptrust_cluster_save_dir(admin, dir), PTRUST_OK);
	assert_int_equal(ptrust_cluster_load_dir(loader, dir), PTRUST_OK);
	assert_int_equal(ptrust_cluster_snapshot(loader,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &s), PTRUST_OK);
	assert_non_null(cur = ptrust_current_new(s));
	ptrust_store_unref(s);

	/* nothing changed: nothing published */
	assert_int_equal(ptrust_current_reload(cur, loader, dir,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &changed), PTRUST_OK);
	assert_int_equal(changed, 0);
	assert_int_equal(ptrust_current_publications(cur), 0);

	/* the administrator adds another cluster's CAPF */
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(admin,
	    "callmanager-trust", 0), l->capf_b, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	assert_int_equal(ptrust_cluster_save_dir(admin, dir), PTRUST_OK);
	s = ptrust_current_get(cur);
	assert_false(trusts(s, l->lsc_b));
	ptrust_store_unref(s);
	assert_int_equal(ptrust_current_reload(cur, loader, dir,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &changed), PTRUST_OK);
	assert_int_equal(changed, 1);
	s = ptrust_current_get(cur);
	assert_true(trusts(s, l->lsc_b));
	assert_true(trusts(s, l->lsc_a));
	ptrust_store_unref(s);

	/* a damaged file: refused, said, and the snapshot stays */
	snprintf(path, sizeof(path), "%s/callmanager-trust/CAPF-0badcafe.pem",
	    dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("-----BEGIN CERTIFICATE-----\nMIIB\n", f);
	fclose(f);
	assert_int_not_equal(ptrust_current_reload(cur, loader, dir,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &changed), PTRUST_OK);
	assert_int_equal(changed, 0);
	assert_non_null(strstr(ptrust_cluster_error(loader), "CAPF-0badcafe"));
	assert_int_equal(ptrust_current_publications(cur), 1);
	s = ptrust_current_get(cur);
	assert_true(trusts(s, l->lsc_b));
	ptrust_store_unref(s);
	assert_int_equal(ptrust_current_reload(NULL, loader, dir,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, NULL), PTRUST_ERR_ARG);

	ptrust_current_free(cur);
	ptrust_cluster_free(admin);
	ptrust_cluster_free(loader);
	test_rmtree(dir);
	free(dir);
}

/*
 * A cluster directory: callmanager-trust and capf-trust hold capf_a, the
 * 802.1x store radius-trust capf_b, manufacturing-ca Cisco's CAs.
 */
static char *
lab_cluster_dir(void)
{
	const struct lab *l = test_lab();
	ptrust_cluster *admin = ptrust_cluster_new();
	char *dir = test_tmpdir();

	assert_non_null(admin);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(admin,
	    "callmanager-trust", 0), l->capf_a, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(admin,
	    "capf-trust", 0), l->capf_a, NULL, PTRUST_ROLE_CAPF), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(admin,
	    "radius-trust", 1), l->capf_b, NULL, PTRUST_ROLE_CAPF), PTRUST_OK);
	assert_int_equal(ptrust_cluster_set_purpose_store(admin,
	    PTRUST_CLUSTER_8021X, "radius-trust"), PTRUST_OK);
	assert_int_equal(ptrust_cluster_save_dir(admin, dir), PTRUST_OK);
	ptrust_cluster_free(admin);
	return dir;
}

static void
write_text(const char *dir, const char *file, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/*
 * A store is decoded when it is first used, not when the cluster is
 * loaded: a damaged certificate that reads as PEM in a store nobody uses
 * stops nothing; the call that uses that store says what is wrong, with
 * the file's name, as a load would have.  Damage the load can see
 * without decoding (a block cut short) still refuses the load.
 */
static void
stores_decoded_when_used(void **state)
{
	const struct lab *l = test_lab();
	char *dir = lab_cluster_dir();
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_store *s = NULL;
	ptrust_current *cur;
	int changed = -1;

	(void)state;
	/* base64 that decodes, to six bytes that are no certificate */
	write_text(dir, "capf-trust/Broken.pem", "-----BEGIN CERTIFICATE-----\n"
	    "AAAAAAAA\n-----END CERTIFICATE-----\n");
	assert_int_equal(ptrust_cluster_load_dir(c, dir), PTRUST_OK);
	/* the purposes that do not use capf-trust work */
	assert_int_equal(ptrust_cluster_snapshot(c, PTRUST_CLUSTER_8021X, &s),
	    PTRUST_OK);
	assert_true(trusts(s, l->lsc_b));
	assert_false(trusts(s, l->lsc_a));
	ptrust_store_unref(s);
	assert_int_equal(ptrust_cluster_snapshot(c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &s), PTRUST_OK);
	assert_true(trusts(s, l->lsc_a));
	ptrust_store_unref(s);
	/* the one that does is told, each time it is asked */
	assert_int_equal(ptrust_cluster_snapshot(c, PTRUST_CLUSTER_CAPF, &s),
	    PTRUST_ERR_PARSE);
	assert_null(s);
	assert_non_null(strstr(ptrust_cluster_error(c), "Broken.pem"));
	assert_null(ptrust_cluster_store(c, "capf-trust", 0));
	assert_non_null(strstr(ptrust_cluster_error(c), "Broken.pem"));
	/* a save writes nothing while a store cannot be decoded */
	assert_int_not_equal(ptrust_cluster_save_dir(c, dir), PTRUST_OK);
	/* reloading for 802.1x is not held up by it either */
	assert_int_equal(ptrust_cluster_snapshot(c, PTRUST_CLUSTER_8021X, &s),
	    PTRUST_OK);
	assert_non_null(cur = ptrust_current_new(s));
	ptrust_store_unref(s);
	assert_int_equal(ptrust_current_reload(cur, c, dir,
	    PTRUST_CLUSTER_8021X, &changed), PTRUST_OK);
	assert_int_equal(changed, 0);
	ptrust_current_free(cur);

	/* a block cut short: the load itself refuses, nothing changes */
	write_text(dir, "capf-trust/Broken.pem", "-----BEGIN CERTIFICATE-----\n"
	    "MIIB\n");
	assert_int_equal(ptrust_cluster_load_dir(c, dir), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_cluster_error(c), "Broken.pem"));
	assert_int_equal(ptrust_cluster_snapshot(c, PTRUST_CLUSTER_8021X, &s),
	    PTRUST_OK);
	ptrust_store_unref(s);
	/* so do binary bytes, and a private key given as an anchor */
	write_text(dir, "capf-trust/Broken.pem", "\001\002 not text");
	assert_int_not_equal(ptrust_cluster_load_dir(c, dir), PTRUST_OK);
	write_text(dir, "capf-trust/Broken.pem", "-----BEGIN PRIVATE KEY-----\n"
	    "AAAA\n-----END PRIVATE KEY-----\n");
	assert_int_not_equal(ptrust_cluster_load_dir(c, dir), PTRUST_OK);
	assert_non_null(strstr(ptrust_cluster_error(c), "private key"));
	ptrust_cluster_free(c);
	test_rmtree(dir);
	free(dir);
}

/*
 * A cluster.conf that is not text is refused whole: a NUL (or another
 * control byte) anywhere, even first, where it would have ended the
 * parse at once and passed a garbled file as an empty, valid one.
 */
static void
binary_cluster_conf_refused(void **state)
{
	static const char *const garbled[] = {
		"\001\002\003",
		"store = callmanager-trust\n\033[2J\n",
	};
	char *dir = lab_cluster_dir(), path[4096];
	ptrust_cluster *c = ptrust_cluster_new();
	size_t i;
	FILE *f;

	(void)state;
	assert_int_equal(ptrust_cluster_load_dir(c, dir), PTRUST_OK);
	assert_int_equal(ptrust_cluster_store_count(c), 4);
	snprintf(path, sizeof(path), "%s/cluster.conf", dir);
	/* a NUL first */
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite("\0store = x\n", 1, 12, f), 12);
	fclose(f);
	assert_int_equal(ptrust_cluster_load_dir(c, dir), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_cluster_error(c), "not a text file"));
	assert_int_equal(ptrust_cluster_store_count(c), 4);
	for (i = 0; i < sizeof(garbled) / sizeof(garbled[0]); i++) {
		write_text(dir, "cluster.conf", garbled[i]);
		assert_int_equal(ptrust_cluster_load_dir(c, dir),
		    PTRUST_ERR_PARSE);
		assert_non_null(strstr(ptrust_cluster_error(c),
		    i == 0 ? "line 1" : "line 2"));
	}
	/* text with CRLF line ends and UTF-8 in a comment is fine */
	write_text(dir, "cluster.conf", "# caf\xc3\xa9\r\nstore = "
	    "callmanager-trust\r\n");
	assert_int_equal(ptrust_cluster_load_dir(c, dir), PTRUST_OK);
	ptrust_cluster_free(c);
	test_rmtree(dir);
	free(dir);
}

/*
 * A new cluster's Cisco CAs are decoded when first used: through the
 * store's builder, or a snapshot that merges them.
 */
static void
builtin_cas_decoded_when_used(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();
	char *dir = lab_cluster_dir();
	ptrust_builder *mfg;
	ptrust_store *s;

	(void)state;
	/* Cisco's CAs are there when asked for */
	assert_non_null(mfg = ptrust_cluster_store(c, "manufacturing-ca", 0));
	assert_int_equal(ptrust_builder_anchor_count(mfg), 8);
	assert_non_null(ptrust_builder_find(mfg, "Cisco_Root_CA_M2"));
	ptrust_cluster_free(c);
	/* and in a snapshot that merges them, never asked for first */
	assert_non_null(c = ptrust_cluster_new());
	assert_int_equal(ptrust_cluster_snapshot(c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &s), PTRUST_OK);
	assert_int_equal(ptrust_store_anchor_count(s), 8);
	ptrust_store_unref(s);
	/* a load replaces them with the directory's */
	assert_int_equal(ptrust_cluster_load_dir(c, dir), PTRUST_OK);
	assert_int_equal(ptrust_builder_anchor_count(ptrust_cluster_store(c,
	    "manufacturing-ca", 0)), 8);
	ptrust_cluster_free(c);
	test_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------ stress */

#define VALIDATORS	8
#define PUBLISHED	1000

struct stress {
	ptrust_current	*cur;
	ptrust_store	*snap[2];	/* [0] trusts lsc_a only, [1] lsc_b only */
	X509		*leaf[2];
	ptrust_cache	*cache;		/* NULL: ptrust_verify */
	unsigned char	*der[2];	/* the leaves' DER, for the cache */
	size_t		 der_len[2];
	atomic_int	 publishing;
	atomic_long	 validations, mismatches;
};

/* Every verdict must match the snapshot it was made against. */
static void *
validator(void *arg)
{
	struct stress *st = arg;
	ptrust_options *o = test_options();
	unsigned i = 0;

	while (atomic_load(&st->publishing) || i < 50) {
		ptrust_store *s = ptrust_current_get(st->cur);
		X509 *leaf = st->leaf[i++ % 2];
		ptrust_chain *ch = NULL;
		ptrust_result *r = NULL;
		int expect;

		expect = (s == st->snap[0]) == (leaf == st->leaf[0]);
		if (st->cache != NULL) {
			const unsigned char *der = st->der[(i - 1) % 2];

			/* one cache for every snapshot: its key tells them */
			if (ptrust_cache_verify(st->cache, s, &der,
			    &st->der_len[(i - 1) % 2], 1, o, &r) != PTRUST_OK ||
			    ptrust_result_trusted(r) != expect ||
			    strcmp(ptrust_result_store_name(r),
			    ptrust_store_name(s)) != 0)
				atomic_fetch_add(&st->mismatches, 1);
		} else if (ptrust_chain_new_from_x509(leaf, NULL, &ch) !=
		    PTRUST_OK || ptrust_verify(s, ch, o, &r) != PTRUST_OK ||
		    ptrust_result_trusted(r) != expect)
			atomic_fetch_add(&st->mismatches, 1);
		atomic_fetch_add(&st->validations, 1);
		ptrust_result_free(r);
		ptrust_chain_free(ch);
		ptrust_store_unref(s);
		sched_yield();	/* the publisher's turn comes often */
	}
	ptrust_options_free(o);
	return NULL;
}

static void *
publisher(void *arg)
{
	struct stress *st = arg;
	int i;

	for (i = 1; i <= PUBLISHED; i++) {
		long seen = atomic_load(&st->validations);

		if (ptrust_current_publish(st->cur, st->snap[i % 2]) !=
		    PTRUST_OK)
			atomic_fetch_add(&st->mismatches, 1);
		/* let validations run against this one before the next */
		while (atomic_load(&st->validations) < seen + 2)
			sched_yield();
	}
	atomic_store(&st->publishing, 0);
	return NULL;
}

static void
stress(int cached)
{
	const struct lab *l = test_lab();
	struct stress st;
	pthread_t v[VALIDATORS], p;
	uint64_t hits = 0;
	int i;

	memset(&st, 0, sizeof(st));
	st.snap[0] = test_store("trusts-a", PTRUST_ROLE_AUTO, &l->capf_a, 1);
	st.snap[1] = test_store("trusts-b", PTRUST_ROLE_AUTO, &l->capf_b, 1);
	if (cached) {
		/* room for a few verdicts only: evictions all along */
		assert_non_null(st.cache = ptrust_cache_new(3));
		assert_non_null(st.der[0] = lab_der(l->lsc_a, &st.der_len[0]));
		assert_non_null(st.der[1] = lab_der(l->lsc_b, &st.der_len[1]));
	}
	st.leaf[0] = l->lsc_a;
	st.leaf[1] = l->lsc_b;
	atomic_init(&st.publishing, 1);
	atomic_init(&st.validations, 0);
	atomic_init(&st.mismatches, 0);
	assert_non_null(st.cur = ptrust_current_new(st.snap[0]));
	for (i = 0; i < VALIDATORS; i++)
		assert_int_equal(pthread_create(&v[i], NULL, validator, &st),
		    0);
	assert_int_equal(pthread_create(&p, NULL, publisher, &st), 0);
	assert_int_equal(pthread_join(p, NULL), 0);
	for (i = 0; i < VALIDATORS; i++)
		assert_int_equal(pthread_join(v[i], NULL), 0);
	ptrust_cache_stats(st.cache, &hits, NULL);
	printf("# %ld validations during %d publications, %ld wrong, %llu "
	    "served from a cache\n", atomic_load(&st.validations), PUBLISHED,
	    atomic_load(&st.mismatches), (unsigned long long)hits);
	assert_int_equal(atomic_load(&st.mismatches), 0);
	assert_int_equal(ptrust_current_publications(st.cur), PUBLISHED);
	assert_true(atomic_load(&st.validations) >= 2 * PUBLISHED);
	ptrust_current_free(st.cur);
	ptrust_cache_free(st.cache);
	free(st.der[0]);
	free(st.der[1]);
	ptrust_store_unref(st.snap[0]);
	ptrust_store_unref(st.snap[1]);
}

static void
eight_validators_one_publisher(void **state)
{
	(void)state;
	stress(0);
}

/*
 * The same through one verdict cache shared by the validators and every
 * snapshot: a verdict kept for one snapshot is never served for the
 * other, and the results shared between threads stay whole.
 */
static void
eight_cached_validators_one_publisher(void **state)
{
	(void)state;
	stress(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(publish_and_get),
		cmocka_unit_test(reload_from_directory),
		cmocka_unit_test(stores_decoded_when_used),
		cmocka_unit_test(builtin_cas_decoded_when_used),
		cmocka_unit_test(binary_cluster_conf_refused),
		cmocka_unit_test(eight_validators_one_publisher),
		cmocka_unit_test(eight_cached_validators_one_publisher),
	};
	int rc;

	test_lab();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_lab_free();
	return rc;
}
