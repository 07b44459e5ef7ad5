/*
 * For tests/e2e/report-chromium.test: a report whose every text field
 * holds what a hostile certificate subject or inventory could carry --
 * markup, an event handler, a quote of each kind, a right-to-left
 * override, a line break, a spreadsheet formula -- including fields the
 * fleet library never lets such text into today (device names), written
 * by the real writers:
 *
 *   report-hostile HTML JSON CSV
 *
 * The test then holds the page, in Chromium, to the JSON as for a real
 * report, and checks that every hostile string is shown as text.  Run
 * without arguments (make check runs it so) it checks the bytes itself:
 * one <script> (the page's), no <img, no raw right-to-left override in
 * any output, CRLF lines and no formula in the CSV.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Each field gets its own, so that a test can tell which one leaked. */
static char *
evil(const char *field)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s\"'<img src=x onerror=alert(1)>"
	    "<script>alert(2)</script>&amp;\xe2\x80\xae" "cod.exe\n|x", field);
	return strdup(buf);
}

/* The whole of what fn writes, in memory; NULL on failure. */
static char *
written(int (*fn)(FILE *, const struct report *), const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (f == NULL)
		return NULL;
	rc = fn(f, r);
	if (fclose(f) != 0 || rc != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static int
check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	return ok ? 0 : 1;
}

static int
self_check(const struct report *r)
{
	char *html = written(report_write_html, r);
	char *json = written(report_write_json, r);
	char *csv = written(report_write_csv, r);
	const char *rlo = "\xe2\x80\xae", *p;
	int bad = 0;

	if (html == NULL || json == NULL || csv == NULL) {
		printf("FAIL: a writer failed\n");
		bad = 1;
		goto done;
	}
	bad |= check(count(html, "<script") == 1, "HTML: one <script>, the "
	    "page's");
	bad |= check(count(html, "<img") == 0, "HTML: no <img");
	bad |= check(count(html, "onerror") == count(html, "onerror=alert"),
	    "HTML: onerror only inside escaped text");
	bad |= check(count(html, "&lt;img src=x onerror=alert(1)&gt;") >= 10,
	    "HTML: each field's markup escaped");
	bad |= check(strstr(html, rlo) == NULL && strstr(json, rlo) == NULL &&
	    strstr(csv, rlo) == NULL, "no raw right-to-left override");
	bad |= check(strncmp(strchr(csv, '\n') + 1, "\"'=HYPERLINK", 12) == 0,
	    "CSV: a formula stays text");
	for (p = csv; (p = strchr(p, '\n')) != NULL; p++)
		if (p == csv || p[-1] != '\r')
			break;
	bad |= check(p == NULL, "CSV: CRLF line ends only");
done:
	free(html);
	free(json);
	free(csv);
	return bad;
}

static int
write_to(const char *path, int (*fn)(FILE *, const struct report *),
    const struct report *r)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	rc = fn(f, r);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int
main(int argc, char **argv)
{
	static const char *const purposes[] = { "callmanager-tls",
	    "capf-lsc-first", "802.1x" };
	struct report *r;
	struct report_purpose *p;
	struct report_month *m;
	struct report_step *s;
	struct report_phone *a;
	size_t i;
	int rc = 1;

	if (argc != 1 && argc != 4) {
		fprintf(stderr, "usage: report-hostile [HTML JSON CSV]\n");
		return 2;
	}
	if ((r = report_new()) == NULL)
		return 1;
	r->generated = 1796601600;
	r->at = 1796601600;
	r->cluster = evil("cluster");
	r->fleet = evil("fleet");
	/* two steps: the line break is the writers' to keep */
	r->change = evil("change");
	r->phones = 3;
	r->problems = 1;
	r->blocking = 1;
	for (i = 0; i < 3; i++) {
		if ((p = report_add_purpose(r, purposes[i])) == NULL)
			goto done;
		p->before[REPORT_LSC] = 2;
		p->before[REPORT_MIC] = 1;
		p->after[REPORT_MIC] = 1;
		p->after[REPORT_NONE] = 2;
		p->broken = 2;
	}
	if ((m = report_month_at(r, 2029, 5)) == NULL)
		goto done;
	m->mic = 1;
	m->anchors = 3;
	m->phones_lost = 1;
	if ((s = report_add_step(r)) == NULL)
		goto done;
	s->kind = strdup("remove-anchor");
	s->text = evil("step");
	s->store = evil("store");
	s->anchor = evil("anchor");
	s->blocking = 1;
	for (i = 0; i < 3; i++) {
		char dev[16];

		if ((a = report_add_phone(r)) == NULL)
			goto done;
		snprintf(dev, sizeof(dev), "device%zu", i);
		/* a formula first: the CSV must keep it text */
		a->device = i == 0 ? strdup("=HYPERLINK(\"http://x\")") :
		    evil(dev);
		a->purpose = strdup(purposes[i]);
		a->before = REPORT_LSC;
		a->after = REPORT_NONE;
		a->diagnosis = evil("diagnosis");
		a->fix = evil("fix");
		a->evidence = strdup("certificate");
		a->last_usable = i == 2 ? 0 : 1800000000;
		a->blocks = i == 0;
	}
	if (report_summarise(r) != 0)
		goto done;
	if (argc == 1)
		rc = self_check(r);
	else if (write_to(argv[1], report_write_html, r) == 0 &&
	    write_to(argv[2], report_write_json, r) == 0 &&
	    write_to(argv[3], report_write_csv, r) == 0)
		rc = 0;
done:
	report_free(r);
	return rc;
}
