/*
 * Reading names out of certificates.  Cisco's name patterns are the
 * library's one rule (lib/common/cisco_names.h).
 */
#ifndef PHONETRUST_NAMES_H
#define PHONETRUST_NAMES_H

#include <openssl/x509.h>

/*
 * The last entry nid of a name as UTF-8 in *out, malloc'ed (NULL when
 * absent, undecodable or with a NUL inside); -1 only when memory ran out.
 */
int	name_entry(const X509_NAME *name, int nid, char **out);

/*
 * s with every character unsafe on a terminal (lib/common/text.h), and every byte
 * that is not UTF-8, as \XX per byte (as OpenSSL escapes C0 in a name);
 * malloc'ed, NULL when memory ran out.
 */
char	*text_escape(const char *s);

#endif
