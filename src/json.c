/* A tiny JSON writer: see json.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

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

/* Quotes, backslashes and control characters escaped; UTF-8 kept. */
/* Bytes of the well-formed UTF-8 sequence at p (lead >= 0x80); 0 if none. */
static size_t
utf8_length(const unsigned char *p)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static void
json_quote(FILE *f, const char *s)
{
	const unsigned char *p;
	size_t n;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		n = 1;
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (*p < 0x80)
			fputc(*p, f);
		else if ((n = utf8_length(p)) > 0)
			fwrite(p, 1, n, f);
		else {
			/* not UTF-8 (a file name, say): JSON must be */
			fputs("\\ufffd", f);
			n = 1;
		}
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
