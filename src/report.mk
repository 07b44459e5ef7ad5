# phonetrust check and phonetrust report (issue 15), included at the end of
# Makefile.am: the monitoring command and the fleet report (HTML, JSON,
# CSV), both on the fleet library's API (<phonetrust-fleet.h>).
phonetrust_SOURCES += src/cmd_check.c src/cmd_report.c src/report.h \
	src/report_model.c src/report_html.c src/report_json.c \
	src/report_csv.c src/report_fleet.c src/report_fleet.h

# The page in Debian's headless Chromium: charts there, every figure equal
# to --json's, nothing fetched.  CI installs chromium (bootstrap.sh check);
# elsewhere the test is skipped when there is none, failed under CI=true.
TESTS += tests/cli/cli-check.test tests/cli/cli-report.test \
	tests/e2e/report-chromium.test
EXTRA_DIST += src/report.mk tests/cli/cli-check.test \
	tests/cli/cli-report.test tests/e2e/report-chromium.test \
	tests/e2e/report-dom.py tests/e2e/report-lab.sh
CLEANFILES += tests/e2e/report.png tests/e2e/report.html \
	tests/e2e/report.json tests/e2e/report.pdf

# What `phonetrust report --json' prints (phonetrust(1), JSON OUTPUT).
dist_schema_DATA += data/schema/report.schema.json

# A report with hostile text in every field, through the real writers: a
# test of its own (the bytes), and the page report-chromium.test renders.
check_PROGRAMS += tests/e2e/report-hostile
tests_e2e_report_hostile_SOURCES = tests/e2e/report-hostile.c src/report.h \
	src/report_model.c src/report_html.c src/report_json.c \
	src/report_csv.c src/json.c src/json.h src/names.c src/names.h
tests_e2e_report_hostile_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
tests_e2e_report_hostile_LDADD = libptcommon.la $(CRYPTO_LIBS)
