# The fleet planner (issue 15): the library's lib/fleet/, its header, the
# `phonetrust plan' command, its tests, schema and man pages.  Included at
# the end of Makefile.am.

include_HEADERS += include/phonetrust-fleet.h
libphonetrust_la_SOURCES += lib/fleet/fleet.h lib/fleet/change.h \
	lib/fleet/fleet.c lib/fleet/inventory.c lib/fleet/json.c \
	lib/fleet/change.c lib/fleet/evaluate.c lib/fleet/plan.c \
	lib/fleet/timeline.c

check_PROGRAMS += tests/unit/test_fleet
tests_unit_test_fleet_SOURCES = tests/unit/test_fleet.c tests/unit/testutil.h \
	tests/unit/testutil.c
tests_unit_test_fleet_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_fleet_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_fleet_LDADD = $(TEST_LIBS)

phonetrust_SOURCES += src/cmd_plan.c src/plan.h

dist_schema_DATA += data/schema/plan.schema.json

TESTS += tests/cli/cli-plan.test
EXTRA_DIST += tests/cli/cli-plan.test lib/fleet/local.mk

FLEET_MAN3 = ptrust_fleet_new.3 ptrust_fleet_load.3 ptrust_fleet_change_new.3 \
	ptrust_fleet_evaluate.3 ptrust_fleet_timeline_new.3 \
	ptrust_cluster_set_capf_mode.3
MAN3_PAGES += $(FLEET_MAN3)
dist_man_MANS += man/ptrust_fleet_new.3 man/ptrust_fleet_load.3 \
	man/ptrust_fleet_change_new.3 man/ptrust_fleet_evaluate.3 \
	man/ptrust_fleet_timeline_new.3 man/ptrust_cluster_set_capf_mode.3

# fuzz/run.sh builds them (fuzz/README); their corpus is in fuzz/corpus
EXTRA_DIST += fuzz/fuzz_fleet_csv.c fuzz/fuzz_fleet_json.c fuzz/fuzz_fleet_dir.c
