/*
 * A strict JSON reader (RFC 8259) for inventories from outside: UTF-8
 * only, no trailing commas or comments, no NUL in strings (a C string
 * would end there and hide the rest), 64 levels deep at most, and every
 * value told with the line it starts on.  Duplicate keys are refused: two
 * readers of one object must not see two objects.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "text.h"

struct rd {
	const char	*p, *end;
	size_t		 line;
	char		*err;
	size_t		 errlen;
	int		 nomem;
};

static int
fail(struct rd *r, const char *what)
{
	if (r->err[0] == '\0')
		snprintf(r->err, r->errlen, "line %zu: %s", r->line, what);
	return 0;
}

static void
ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\n' || *r->p == '\r')) {
		if (*r->p == '\n')
			r->line++;
		r->p++;
	}
}

void
pt_json_free(struct pt_json *v)
{
	struct pt_json *c, *next;

	/* siblings iteratively; children by depth, which is bounded */
	while (v != NULL) {
		for (c = v->child; c != NULL; c = next) {
			next = c->next;
			c->next = NULL;
			pt_json_free(c);
		}
		next = v->next;
		OPENSSL_free(v->str);
		OPENSSL_free(v->key);
		OPENSSL_free(v);
		v = next;
	}
}

static int
hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

static size_t
put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at r->p (after its quote) into a new buffer. */
static char *
string(struct rd *r)
{
	const char *s = r->p;
	char *out, *o;
	size_t n;

	/* the decoded text is never longer than the encoded */
	for (n = 0; s + n < r->end && s[n] != '"'; n++)
		if (s[n] == '\\' && s + n + 1 < r->end)
			n++;
	if (s + n >= r->end) {
		fail(r, "a string runs to the end of the input");
		return NULL;
	}
	if ((out = o = OPENSSL_malloc(n + 1)) == NULL) {
		r->nomem = 1;
		fail(r, "out of memory");
		return NULL;
	}
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;
		unsigned long cp;
		size_t k;

		if (c < 0x20) {
			fail(r, "a control character in a string");
			goto bad;
		}
		if (c != '\\') {
			/* well-formed UTF-8 only */
			if ((k = pt_utf8_char((const unsigned char *)r->p,
			    &cp)) == 0 || r->p + k > r->end) {
				fail(r, "a string that is not UTF-8");
				goto bad;
			}
			memcpy(o, r->p, k);
			o += k;
			r->p += k;
			continue;
		}
		if (r->p + 1 >= r->end) {
			fail(r, "a string runs to the end of the input");
			goto bad;
		}
		r->p++;
		switch (*r->p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned u, lo;

			if (r->end - r->p < 5 || !hex4(r->p + 1, &u)) {
				fail(r, "a bad \\u escape");
				goto bad;
			}
			r->p += 4;
			if (u >= 0xd800 && u < 0xdc00) {
				if (r->end - r->p < 7 || r->p[1] != '\\' ||
				    r->p[2] != 'u' || !hex4(r->p + 3, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff) {
					fail(r, "a lone surrogate");
					goto bad;
				}
				r->p += 6;
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
			} else if (u >= 0xdc00 && u < 0xe000) {
				fail(r, "a lone surrogate");
				goto bad;
			}
			if (u == 0) {
				fail(r, "a NUL in a string");
				goto bad;
			}
			/* never longer than its six to twelve bytes */
			o += put_utf8(o, u);
			break;
		}
		default:
			fail(r, "a bad escape in a string");
			goto bad;
		}
		r->p++;
	}
	*o = '\0';
	r->p++;		/* the closing quote */
	return out;
bad:
	OPENSSL_free(out);
	return NULL;
}

static int
number(struct rd *r, struct pt_json *v)
{
	const char *s = r->p;
	size_t n;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return fail(r, "not a value");
	if (*r->p == '0')
		r->p++;
	else
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return fail(r, "a bad number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return fail(r, "a bad number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	n = (size_t)(r->p - s);
	if (n > 64)
		return fail(r, "a number of more than 64 characters");
	if ((v->str = OPENSSL_strndup(s, n)) == NULL) {
		r->nomem = 1;
		return fail(r, "out of memory");
	}
	v->type = PT_JSON_NUMBER;
	return 1;
}

static int
word(struct rd *r, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return 0;
	r->p += n;
	return 1;
}

static struct pt_json *value(struct rd *r, int depth);

static int
members(struct rd *r, struct pt_json *v, int depth, int object)
{
	struct pt_json **tail = &v->child, *c, *o;
	char *key = NULL;

	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == (object ? '}' : ']')) {
		r->p++;
		return 1;
	}
	for (;;) {
		ws(r);
		if (object) {
			if (r->p >= r->end || *r->p != '"')
				return fail(r, "a member name expected");
			r->p++;
			if ((key = string(r)) == NULL)
				return 0;
			/* names are compared pairwise: keep objects small */
			if (v->n >= 1024) {
				OPENSSL_free(key);
				return fail(r, "an object of more than 1024 "
				    "members");
			}
			for (o = v->child; o != NULL; o = o->next)
				if (strcmp(o->key, key) == 0) {
					OPENSSL_free(key);
					return fail(r, "a member name given "
					    "twice");
				}
			ws(r);
			if (r->p >= r->end || *r->p != ':') {
				OPENSSL_free(key);
				return fail(r, "':' expected");
			}
			r->p++;
		}
		if ((c = value(r, depth + 1)) == NULL) {
			OPENSSL_free(key);
			return 0;
		}
		c->key = key;
		key = NULL;
		*tail = c;
		tail = &c->next;
		v->n++;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == (object ? '}' : ']')) {
			r->p++;
			return 1;
		}
		return fail(r, object ? "',' or '}' expected" :
		    "',' or ']' expected");
	}
}

static struct pt_json *
value(struct rd *r, int depth)
{
	struct pt_json *v;
	int ok;

	ws(r);
	if (depth > PT_JSON_MAX_DEPTH) {
		fail(r, "nested more than " PT_STR(PT_JSON_MAX_DEPTH)
		    " levels deep");
		return NULL;
	}
	if (r->p >= r->end) {
		fail(r, "a value expected");
		return NULL;
	}
	if ((v = pt_calloc(1, sizeof(*v))) == NULL) {
		r->nomem = 1;
		fail(r, "out of memory");
		return NULL;
	}
	v->line = r->line;
	switch (*r->p) {
	case '{':
		v->type = PT_JSON_OBJECT;
		ok = members(r, v, depth, 1);
		break;
	case '[':
		v->type = PT_JSON_ARRAY;
		ok = members(r, v, depth, 0);
		break;
	case '"':
		r->p++;
		v->type = PT_JSON_STRING;
		ok = (v->str = string(r)) != NULL;
		break;
	case 't':
		v->type = PT_JSON_TRUE;
		ok = word(r, "true") || fail(r, "not a value");
		break;
	case 'f':
		v->type = PT_JSON_FALSE;
		ok = word(r, "false") || fail(r, "not a value");
		break;
	case 'n':
		v->type = PT_JSON_NULL;
		ok = word(r, "null") || fail(r, "not a value");
		break;
	default:
		ok = number(r, v);
		break;
	}
	if (!ok) {
		pt_json_free(v);
		return NULL;
	}
	return v;
}

struct pt_json *
pt_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct pt_json *v;
	struct rd r;

	err[0] = '\0';
	memset(&r, 0, sizeof(r));
	r.p = text;
	r.end = text + len;
	r.line = 1;
	r.err = err;
	r.errlen = errlen;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		r.p += 3;
	if ((v = value(&r, 0)) == NULL) {
		if (r.nomem)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ws(&r);
	if (r.p != r.end) {
		fail(&r, "text after the JSON value");
		pt_json_free(v);
		return NULL;
	}
	return v;
}

const struct pt_json *
pt_json_get(const struct pt_json *obj, const char *key)
{
	const struct pt_json *c;

	if (obj == NULL || obj->type != PT_JSON_OBJECT)
		return NULL;
	for (c = obj->child; c != NULL; c = c->next)
		if (strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

const char *
pt_json_string(const struct pt_json *obj, const char *key)
{
	const struct pt_json *v = pt_json_get(obj, key);

	return v != NULL && v->type == PT_JSON_STRING ? v->str : NULL;
}
