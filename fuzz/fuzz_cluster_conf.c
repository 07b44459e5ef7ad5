/*
 * cluster.conf (lib/cisco/cluster.c read_conf), through the public call that
 * reads a cluster directory, ptrust_cluster_load_dir.
 *
 * Input: the bytes of cluster.conf, written into a copy of a lab cluster
 * directory (callmanager-trust, capf-trust, manufacturing-ca and
 * radius-trust, each with an anchor).
 *
 * Invariants: a failed load leaves the cluster as it was (all or
 * nothing); after a load the three CUCM stores exist, store names are
 * valid and unique; saving the cluster and loading it back gives the same
 * stores in the same order with the same anchors and the same settings;
 * snapshots never fail other than for a purpose without a store.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "fuzz_common.h"

static char *tmpl;	/* the cluster directory, cluster.conf rewritten */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ptrust_cluster *c;
	ptrust_builder *r, *cm;
	size_t len;
	const unsigned char *der;

	(void)argc;
	(void)argv;
	fuzz_init();
	tmpl = fuzz_mkdtemp();
	/* the lab cluster's stores, plus radius-trust */
	if ((c = ptrust_cluster_new()) == NULL)
		fuzz_fail("cluster");
	cm = ptrust_cluster_store(fuzz.cluster, "callmanager-trust", 0);
	r = ptrust_cluster_store(c, "radius-trust", 1);
	der = ptrust_anchor_der(ptrust_builder_anchor(cm, 0), &len);
	if (r == NULL || ptrust_builder_add_mem(r, der, len, NULL,
	    PTRUST_ROLE_AUTO) != PTRUST_OK ||
	    ptrust_cluster_save_dir(fuzz.cluster, tmpl) != PTRUST_OK ||
	    ptrust_cluster_save_dir(c, tmpl) != PTRUST_OK)
		fuzz_fail("template cluster: %s", ptrust_cluster_error(c));
	/* save_dir of c rewrote the three CUCM stores: put the lab's back */
	if (ptrust_cluster_save_dir(fuzz.cluster, tmpl) != PTRUST_OK)
		fuzz_fail("template cluster: %s",
		    ptrust_cluster_error(fuzz.cluster));
	ptrust_cluster_free(c);
	return 0;
}

static void
same_cluster(ptrust_cluster *a, ptrust_cluster *b, const char *what)
{
	size_t i, n = ptrust_cluster_store_count(a);
	int p;

	if (ptrust_cluster_store_count(b) != n)
		fuzz_fail("%s: %zu stores, then %zu", what, n,
		    ptrust_cluster_store_count(b));
	for (i = 0; i < n; i++) {
		const char *name = ptrust_cluster_store_name(a, i);

		if (strcmp(name, ptrust_cluster_store_name(b, i)) != 0)
			fuzz_fail("%s: store %zu is %s, then %s", what, i,
			    name, ptrust_cluster_store_name(b, i));
		fuzz_same_anchors(ptrust_cluster_store(a, name, 0),
		    ptrust_cluster_store(b, name, 0), name);
	}
	if (ptrust_cluster_manufacturing_trusted(a) !=
	    ptrust_cluster_manufacturing_trusted(b))
		fuzz_fail("%s: manufacturing-trusted changed", what);
	for (p = PTRUST_CLUSTER_8021X; p <= PTRUST_CLUSTER_VPN; p++) {
		const char *x = ptrust_cluster_purpose_store(a,
		    (ptrust_cluster_purpose)p);
		const char *y = ptrust_cluster_purpose_store(b,
		    (ptrust_cluster_purpose)p);

		if ((x == NULL) != (y == NULL) || (x != NULL &&
		    strcmp(x, y) != 0))
			fuzz_fail("%s: the %s store was %s, then %s", what,
			    ptrust_cluster_purpose_name(
			    (ptrust_cluster_purpose)p), x ? x : "(none)",
			    y ? y : "(none)");
	}
}

static void
check_loaded(ptrust_cluster *c)
{
	static const char *const cucm[] = { "callmanager-trust",
	    "capf-trust", "manufacturing-ca" };
	size_t i, j, n = ptrust_cluster_store_count(c);
	int p;

	for (i = 0; i < 3; i++)
		if (ptrust_cluster_store(c, cucm[i], 0) == NULL)
			fuzz_fail("store %s is missing after a load", cucm[i]);
	for (i = 0; i < n; i++) {
		const char *name = ptrust_cluster_store_name(c, i);

		FUZZ_REQUIRE(name != NULL && pt_alias_valid(name),
		    "a valid store name");
		for (j = 0; j < i; j++)
			FUZZ_REQUIRE(strcmp(name,
			    ptrust_cluster_store_name(c, j)) != 0,
			    "store names are unique");
	}
	for (p = PTRUST_CLUSTER_CALLMANAGER_TLS; p <= PTRUST_CLUSTER_VPN; p++) {
		const char *name = ptrust_cluster_purpose_store(c,
		    (ptrust_cluster_purpose)p);
		ptrust_store *s = NULL;
		ptrust_status st = ptrust_cluster_snapshot(c,
		    (ptrust_cluster_purpose)p, &s);

		if (name != NULL)
			FUZZ_REQUIRE(pt_alias_valid(name), "a valid purpose store");
		if (st != PTRUST_OK && (name != NULL &&
		    ptrust_cluster_store(c, name, 0) != NULL))
			fuzz_fail("no snapshot for %s although its store %s "
			    "exists: %s", ptrust_cluster_purpose_name(
			    (ptrust_cluster_purpose)p), name,
			    ptrust_cluster_error(c));
		ptrust_store_unref(s);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ptrust_cluster *c, *before, *again;
	char path[4096], *out;
	ptrust_status st;

	if (size > 65536)
		return 0;
	snprintf(path, sizeof(path), "%s/cluster.conf", tmpl);
	if (fuzz_write_file(path, data, size) != 0)
		fuzz_fail("cannot write %s", path);
	if ((c = ptrust_cluster_new()) == NULL ||
	    (before = ptrust_cluster_new()) == NULL) {
		ptrust_cluster_free(c);
		return 0;
	}
	st = ptrust_cluster_load_dir(c, tmpl);
	if (st != PTRUST_OK) {
		same_cluster(before, c, "a failed load");
		FUZZ_REQUIRE(ptrust_cluster_error(c)[0] != '\0',
		    "a failed load says why");
		goto done;
	}
	check_loaded(c);
	out = fuzz_mkdtemp();
	if (ptrust_cluster_save_dir(c, out) != PTRUST_OK)
		fuzz_fail("cannot save a loaded cluster: %s",
		    ptrust_cluster_error(c));
	if ((again = ptrust_cluster_new()) != NULL) {
		if (ptrust_cluster_load_dir(again, out) != PTRUST_OK)
			fuzz_fail("a saved cluster does not load: %s",
			    ptrust_cluster_error(again));
		same_cluster(c, again, "load, save, load");
		ptrust_cluster_free(again);
	}
	fuzz_rmtree_free(out);
done:
	ptrust_cluster_free(before);
	ptrust_cluster_free(c);
	return 0;
}
