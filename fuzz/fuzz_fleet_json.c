/*
 * JSON inventories (lib/fleet/json.c, the strict reader, and
 * lib/fleet/inventory.c): phonetrust extract, capture, verdict and plan
 * JSON through ptrust_fleet_load_mem, then the fleet judged.
 *
 * Input: byte 0 chooses the format (auto, extract, verdict, fleet), the
 * rest is the JSON.
 * Invariants: the load returns PTRUST_OK or PTRUST_ERR_PARSE; then those
 * of fuzz_fleet_csv.c (fuzz_fleet_check); no leak (ASan).
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

/* fuzz_fleet_csv.c's checks, compiled in here too */
#define LLVMFuzzerInitialize	csv_initialize
#define LLVMFuzzerTestOneInput	csv_test_one_input
#include "fuzz_fleet_csv.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

static ptrust_fleet_change *unchanged;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	if ((unchanged = ptrust_fleet_change_new()) == NULL ||
	    ptrust_fleet_change_set_time(unchanged, FUZZ_TIME + 86400) !=
	    PTRUST_OK)
		fuzz_fail("set-up of fuzz_fleet_json");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ptrust_fleet_format formats[] = {
		PTRUST_FLEET_FORMAT_AUTO, PTRUST_FLEET_FORMAT_EXTRACT,
		PTRUST_FLEET_FORMAT_VERDICT, PTRUST_FLEET_FORMAT_FLEET };
	ptrust_fleet *f;
	ptrust_cluster *c;
	ptrust_status st;
	size_t lines = 1, i;

	if (size == 0)
		return 0;
	for (i = 1; i < size; i++)
		lines += data[i] == '\n';
	if ((f = ptrust_fleet_new()) == NULL ||
	    (c = ptrust_cluster_copy(fuzz.cluster)) == NULL ||
	    ptrust_fleet_set_cluster(f, c) != PTRUST_OK ||
	    ptrust_fleet_set_options(f, fuzz.options) != PTRUST_OK ||
	    ptrust_fleet_set_threads(f, 1) != PTRUST_OK)
		fuzz_fail("fleet");
	st = ptrust_fleet_load_mem(f, data + 1, size - 1, "fuzz.json",
	    formats[data[0] % 4]);
	FUZZ_REQUIRE(st == PTRUST_OK || st == PTRUST_ERR_PARSE,
	    ptrust_fleet_error(f));
	/* AUTO sends what is not JSON to the CSV reader: lines count */
	fuzz_fleet_check(f, "fuzz.json", lines + size, unchanged);
	ptrust_fleet_free(f);
	return 0;
}
