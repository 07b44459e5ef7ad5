/*
 * CUCM's records as CSV (lib/fleet/inventory.c), through
 * ptrust_fleet_load_mem, then the fleet judged before and after a CAPF
 * regeneration: the record path end to end.
 *
 * Input: the bytes of the CSV.
 * Invariants: the load returns PTRUST_OK or PTRUST_ERR_PARSE (a header
 * without the columns), and adds nothing on PARSE; no more phones than
 * lines; every problem names the file, a line within it and a message;
 * every phone's device is a valid device name, found by its name;
 * evaluating never fails; every check is -1, 0 or 1, a record's verdict
 * says evidence "record" and agrees with it; no leak (ASan).
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
	    ptrust_fleet_change_regenerate_capf(regen, "CAPF-a6d4c572",
	    NULL, 0) !=
	    PTRUST_OK)
		fuzz_fail("set-up of fuzz_fleet_csv");
	return 0;
}

/* The fleet's invariants after a load; shared with fuzz_fleet_json.c. */
void	fuzz_fleet_check(ptrust_fleet *f, const char *name, size_t lines,
	    ptrust_fleet_change *change);

void
fuzz_fleet_check(ptrust_fleet *f, const char *name, size_t lines,
    ptrust_fleet_change *change)
{
	ptrust_fleet_plan *p;
	ptrust_status st;
	size_t i, n = ptrust_fleet_phone_count(f);
	int c, s;

	FUZZ_REQUIRE(n <= lines, "no more phones than lines");
	for (i = 0; i < ptrust_fleet_problem_count(f); i++) {
		FUZZ_REQUIRE(ptrust_fleet_problem_code_name(
		    ptrust_fleet_problem(f, i)) != NULL, "a problem code");
		FUZZ_REQUIRE(ptrust_fleet_problem_file(f, i) != NULL &&
		    strcmp(ptrust_fleet_problem_file(f, i), name) == 0,
		    "a problem names the file");
		FUZZ_REQUIRE(ptrust_fleet_problem_line(f, i) <= lines,
		    "a problem's line is in the file");
		FUZZ_REQUIRE(ptrust_fleet_problem_message(f, i) != NULL,
		    "a problem says what");
	}
	for (i = 0; i < n; i++) {
		const char *d = ptrust_fleet_phone_device(f, i);

		FUZZ_REQUIRE(d != NULL && pt_device_valid(d), "a valid device");
		FUZZ_REQUIRE(ptrust_fleet_find_phone(f, d) == (long)i,
		    "the phone found by its device");
		FUZZ_REQUIRE(ptrust_fleet_phone_evidence(f, i,
		    PTRUST_PRESENTED_LSC) != PTRUST_FLEET_EVIDENCE_CERTIFICATE,
		    "text holds no certificate");
	}
	if (n > 64)
		return;		/* the judging is not what is fuzzed here */
	st = ptrust_fleet_evaluate(f, change, &p);
	/* a step naming what the cluster lacks may fail, nothing else */
	if (st == PTRUST_ERR_NOT_FOUND)
		return;
	FUZZ_REQUIRE(st == PTRUST_OK, ptrust_fleet_error(f));
	for (i = 0; i < n; i++)
		for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++)
			for (s = 0; s < 2; s++) {
				int ok = ptrust_fleet_plan_ok(p, i, c, s);
				const ptrust_result *r =
				    ptrust_fleet_plan_result(p, i, c, s);

				FUZZ_REQUIRE(ok >= -1 && ok <= 1, "ok");
				if (r == NULL)
					continue;
				FUZZ_REQUIRE(ptrust_fleet_plan_evidence(p, i, c,
				    s) != PTRUST_FLEET_EVIDENCE_CERTIFICATE,
				    "a verdict on text is a record's, or none");
				FUZZ_REQUIRE(ptrust_result_trusted(r) == ok,
				    "the verdict agrees with the plan");
				FUZZ_REQUIRE(ok || ptrust_result_fix(r) != NULL,
				    "a refusal has its fix");
			}
	ptrust_fleet_plan_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ptrust_fleet *f;
	ptrust_cluster *c;
	ptrust_status st;
	size_t lines = 1, i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r';
	if ((f = ptrust_fleet_new()) == NULL ||
	    (c = ptrust_cluster_copy(fuzz.cluster)) == NULL ||
	    ptrust_fleet_set_cluster(f, c) != PTRUST_OK ||
	    ptrust_fleet_set_options(f, fuzz.options) != PTRUST_OK ||
	    ptrust_fleet_set_threads(f, 1) != PTRUST_OK)
		fuzz_fail("fleet");
	st = ptrust_fleet_load_mem(f, data, size, "fuzz.csv",
	    PTRUST_FLEET_FORMAT_CSV);
	FUZZ_REQUIRE(st == PTRUST_OK || st == PTRUST_ERR_PARSE,
	    ptrust_fleet_error(f));
	if (st == PTRUST_ERR_PARSE)
		FUZZ_REQUIRE(ptrust_fleet_phone_count(f) == 0 ||
		    ptrust_fleet_phone_count(f) <= lines,
		    "a failed load adds no more than it read");
	fuzz_fleet_check(f, "fuzz.csv", lines, regen);
	ptrust_fleet_free(f);
	return 0;
}
