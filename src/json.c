/* A tiny JSON writer: see json.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "names.h"
#include "../lib/common/text.h"

void
json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Before any value or key: the comma that separates it from the last. */
static void
json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = 1;
}

static void
json_begin(struct json *j, int c)
{
	json_sep(j);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = 0;
}

static void
json_end(struct json *j, int c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->f);
}

void
json_object_begin(struct json *j)
{
	json_begin(j, '{');
}

void
json_object_end(struct json *j)
{
	json_end(j, '}');
}

void
json_array_begin(struct json *j)
{
	json_begin(j, '[');
}

void
json_array_end(struct json *j)
{
	json_end(j, ']');
}

/*
 * Quotes, backslashes and what names.h calls unsafe (controls, bidi
 * marks) escaped; other UTF-8 kept.
 */
static void
json_quote(FILE *f, const char *s)
{
	const unsigned char *p;
	unsigned long cp;
	size_t n;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		if ((n = pt_utf8_char(p, &cp)) == 0) {
			/* not UTF-8 (a file name, say): JSON must be */
			fputs("\\ufffd", f);
			n = 1;
		} else if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (int)cp);
		else if (pt_text_unsafe(cp))
			fprintf(f, "\\u%04lx", cp);
		else
			fwrite(p, 1, n, f);
	}
	fputc('"', f);
}

void
json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_quote(j->f, key);
	fputc(':', j->f);
	j->after_key = 1;
}

void
json_string(struct json *j, const char *s)
{
	if (s == NULL) {
		json_null(j);
		return;
	}
	json_sep(j);
	json_quote(j->f, s);
}

void
json_number(struct json *j, long long n)
{
	json_sep(j);
	fprintf(j->f, "%lld", n);
}

void
json_bool(struct json *j, int b)
{
	json_sep(j);
	fputs(b ? "true" : "false", j->f);
}

void
json_null(struct json *j)
{
	json_sep(j);
	fputs("null", j->f);
}

void
json_time(struct json *j, time_t t)
{
	char buf[32];
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		json_null(j);
		return;
	}
	json_string(j, buf);
}
