/*
 * Text out of certificates made safe to print: the one rule, shared by the
 * library (lib/core/names.c) and the phonetrust tool (src/names.c, src/json.c),
 * which compiles this file in as well.
 */
#ifndef PTRUST_TEXT_H
#define PTRUST_TEXT_H

#include <stddef.h>

/* The well-formed UTF-8 sequence at p: its length and *cp; 0 if none. */
size_t	pt_utf8_char(const unsigned char *p, unsigned long *cp);
/*
 * Unsafe on terminals and in logs: C0, DEL, C1 (U+009B is CSI on some
 * terminals), line and paragraph separators and the bidi controls, which
 * reorder what the reader sees.
 */
int	pt_text_unsafe(unsigned long cp);
/* 1 when s is UTF-8 without an unsafe character: nothing to escape. */
int	pt_text_is_safe(const char *s);
/*
 * s into dst, each unsafe character and each byte that is not UTF-8 as
 * \XX per byte (as OpenSSL escapes C0 in a name); dst holds at least
 * 4 * strlen(s) + 1 bytes.
 */
void	pt_text_escape_to(char *dst, const char *s);

#endif
