/* Names out of certificates, and Cisco's name patterns (guesses only). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "names.h"
#include "../lib/common/text.h"

char *
text_escape(const char *s)
{
	char *out;

	/* each byte at most \XX */
	if ((out = malloc(4 * strlen(s) + 1)) != NULL)
		pt_text_escape_to(out, s);
	return out;
}

int
name_entry(const X509_NAME *name, int nid, char **out)
{
	const unsigned char *p;
	unsigned char *utf8 = NULL;
	unsigned long cp;
	size_t len;
	char *d;
	int i, last = -1, n;

	*out = NULL;
	while ((i = X509_NAME_get_index_by_NID(name, nid, last)) >= 0)
		last = i;
	if (last < 0)
		return 0;
	n = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
	if (n < 0) {
		ERR_clear_error();
		return 0;
	}
	/* a NUL inside the name must not shorten it into another name */
	if (memchr(utf8, '\0', (size_t)n) == NULL) {
		if ((*out = malloc((size_t)n + 1)) == NULL) {
			OPENSSL_free(utf8);
			return -1;
		}
		/*
		 * A name is printed on terminals and in logs: a newline, an
		 * escape sequence or a bidi override in it could forge a
		 * verdict line.  Each such character, and each byte that is
		 * not UTF-8, becomes one '?'.
		 */
		d = *out;
		for (p = utf8; p < utf8 + n; p += len) {
			if ((len = pt_utf8_char(p, &cp)) > 0 &&
			    !pt_text_unsafe(cp)) {
				memcpy(d, p, len);
				d += len;
			} else {
				*d++ = '?';
				if (len == 0)
					len = 1;
			}
		}
		*d = '\0';
	}
	OPENSSL_free(utf8);
	return 0;
}
