/* Text out of certificates made safe to print (text.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

size_t
pt_utf8_char(const unsigned char *p, unsigned long *cp)
{
	size_t n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, *cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, *cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, *cp = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return n;
}

int
pt_text_unsafe(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

int
pt_text_is_safe(const char *s)
{
	const unsigned char *p;
	unsigned long cp;
	size_t n;

	for (p = (const unsigned char *)s; *p != '\0'; p += n)
		if ((n = pt_utf8_char(p, &cp)) == 0 || pt_text_unsafe(cp))
			return 0;
	return 1;
}

void
pt_text_escape_to(char *dst, const char *s)
{
	const unsigned char *p;
	unsigned long cp;
	size_t n, i;

	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		if ((n = pt_utf8_char(p, &cp)) > 0 && !pt_text_unsafe(cp)) {
			memcpy(dst, p, n);
			dst += n;
			continue;
		}
		if (n == 0)
			n = 1;	/* not UTF-8: that byte alone */
		for (i = 0; i < n; i++, dst += 3)
			snprintf(dst, 4, "\\%02X", p[i]);
	}
	*dst = '\0';
}
