/*
 * The report's phones that need action as CSV (RFC 4180: CRLF, fields
 * quoted when they must be), for a spreadsheet: one row per phone and
 * purpose, the columns of the HTML table.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "../lib/common/text.h"

/*
 * A text field.  A spreadsheet runs a cell that starts with = + - @ (or
 * a tab or CR before them) as a formula: such a field gets a leading
 * apostrophe, so a subject chosen to be one stays text.  Characters
 * unsafe on a screen, and bytes that are not UTF-8, as \XX per byte.
 */
static void
field(FILE *f, const char *s)
{
	const unsigned char *p;
	unsigned long cp;
	size_t n, k;

	if (s == NULL)
		return;
	fputc('"', f);
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		fputc('\'', f);
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		if ((n = pt_utf8_char(p, &cp)) == 0 || pt_text_unsafe(cp)) {
			if (n == 0)
				n = 1;
			for (k = 0; k < n; k++)
				fprintf(f, "\\%02X", p[k]);
		} else if (cp == '"')
			fputs("\"\"", f);
		else
			fwrite(p, 1, n, f);
	}
	fputc('"', f);
}

int
report_write_csv(FILE *f, const struct report *r)
{
	char buf[16];
	struct tm tm;
	size_t i;
	int change = r->change != NULL;

	fputs("device,purpose,now,after,diagnosis,fix,evidence,last_usable,"
	    "blocks\r\n", f);
	for (i = 0; i < r->nactions; i++) {
		const struct report_phone *p = &r->actions[i];

		field(f, p->device);
		fputc(',', f);
		field(f, p->purpose);
		fprintf(f, ",%s,%s,", report_kind_name(p->before),
		    change ? report_kind_name(p->after) : "");
		field(f, p->diagnosis);
		fputc(',', f);
		field(f, p->fix);
		fputc(',', f);
		field(f, p->evidence);
		fputc(',', f);
		if (p->last_usable != 0 && gmtime_r(&p->last_usable, &tm) !=
		    NULL && strftime(buf, sizeof(buf), "%Y-%m-%d", &tm) != 0)
			fputs(buf, f);
		fprintf(f, ",%s\r\n", p->blocks ? "yes" : "no");
	}
	return ferror(f) ? -1 : 0;
}
