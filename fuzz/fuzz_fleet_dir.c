/*
 * A directory of certificate files as a fleet (lib/fleet/inventory.c,
 * pt_fleet_load_dir): PEM bundles or DER, leaves grouped by the device
 * their subject names, kinds from the cluster; then the fleet judged
 * before and after a CAPF regeneration.
 *
 * Input: up to four files, separated by the bytes "\n====\n".
 * Invariants: the load returns PTRUST_OK; every problem names a file of
 * the directory; no more phones than certificates could hold; those of
 * fuzz_fleet_csv.c for the plan (fuzz_fleet_check), except that phones
 * here may hold certificates; no leak (ASan).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz_common.h"
#include "phonetrust-fleet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ptrust_fleet_change *regen;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	if ((regen = ptrust_fleet_change_new()) == NULL ||
	    ptrust_fleet_change_regenerate_capf(regen, "CAPF-a6d4c572", NULL,
	    0) != PTRUST_OK)
		fuzz_fail("set-up of fuzz_fleet_dir");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n====\n";
	ptrust_fleet *f;
	ptrust_fleet_plan *p;
	ptrust_cluster *c;
	ptrust_status st;
	char *dir, path[4096];
	const uint8_t *cur = data, *end = data + size, *next;
	size_t i, n_files = 0, dirlen;
	int k, s;

	dir = fuzz_mkdtemp();
	dirlen = strlen(dir);
	while (n_files < 4 && cur <= end) {
		next = NULL;
		for (i = 0; n_files < 3 && cur + i + sizeof(sep) - 1 <= end; i++)
			if (memcmp(cur + i, sep, sizeof(sep) - 1) == 0) {
				next = cur + i;
				break;
			}
		snprintf(path, sizeof(path), "%s/f%zu.pem", dir, n_files++);
		if (fuzz_write_file(path, cur, next != NULL ?
		    (size_t)(next - cur) : (size_t)(end - cur)) != 0)
			fuzz_fail("cannot write %s", path);
		if (next == NULL)
			break;
		cur = next + sizeof(sep) - 1;
	}
	if ((f = ptrust_fleet_new()) == NULL ||
	    (c = ptrust_cluster_copy(fuzz.cluster)) == NULL ||
	    ptrust_fleet_set_cluster(f, c) != PTRUST_OK ||
	    ptrust_fleet_set_options(f, fuzz.options) != PTRUST_OK ||
	    ptrust_fleet_set_threads(f, 1) != PTRUST_OK)
		fuzz_fail("fleet");
	st = ptrust_fleet_load(f, dir, PTRUST_FLEET_FORMAT_DIR);
	FUZZ_REQUIRE(st == PTRUST_OK, ptrust_fleet_error(f));
	for (i = 0; i < ptrust_fleet_problem_count(f); i++)
		FUZZ_REQUIRE(ptrust_fleet_problem_file(f, i) != NULL &&
		    strncmp(ptrust_fleet_problem_file(f, i), dir, dirlen) == 0,
		    "a problem names a file of the directory");
	/* a certificate is at least a hundred bytes or so */
	FUZZ_REQUIRE(ptrust_fleet_phone_count(f) <= size / 64 + 1,
	    "no more phones than certificates");
	for (i = 0; i < ptrust_fleet_phone_count(f); i++)
		FUZZ_REQUIRE(pt_device_valid(ptrust_fleet_phone_device(f, i)),
		    "a valid device");
	if (ptrust_fleet_phone_count(f) <= 16 &&
	    (st = ptrust_fleet_evaluate(f, regen, &p)) == PTRUST_OK) {
		for (i = 0; i < ptrust_fleet_phone_count(f); i++)
			for (k = 0; k < PTRUST_FLEET_CHECK_COUNT; k++)
				for (s = 0; s < 2; s++) {
					const ptrust_result *r;
					int ok = ptrust_fleet_plan_ok(p, i, k, s);

					FUZZ_REQUIRE(ok >= -1 && ok <= 1, "ok");
					if ((r = ptrust_fleet_plan_result(p, i,
					    k, s)) == NULL)
						continue;
					FUZZ_REQUIRE(ptrust_result_trusted(r) ==
					    ok, "the verdict agrees with the "
					    "plan");
					fuzz_check_result(NULL, PTRUST_OK, r,
					    "a fleet verdict");
				}
		ptrust_fleet_plan_free(p);
	} else if (ptrust_fleet_phone_count(f) <= 16)
		FUZZ_REQUIRE(st == PTRUST_ERR_NOT_FOUND, ptrust_fleet_error(f));
	ptrust_fleet_free(f);
	fuzz_rmtree_free(dir);
	return 0;
}
