/*
 * Reading names out of certificates, and the name patterns Cisco uses.
 * The patterns only ever produce guesses, labelled as such: what a
 * certificate is gets decided by the anchor that verifies it.
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
 * s with every character unsafe on a terminal (lib/text.h), and every byte
 * that is not UTF-8, as \XX per byte (as OpenSSL escapes C0 in a name);
 * malloc'ed, NULL when memory ran out.
 */
char	*text_escape(const char *s);

/* CUCM names its CAPF certificate CAPF-<8 hex digits>. */
int	name_is_capf(const char *cn);
/* O=Cisco or O=Cisco Systems...: Cisco's CAs and phones' MICs. */
int	name_is_cisco_org(const char *o);
/* Cisco Manufacturing CA (SHA2), CAP-RTP-00x, ACT2 SUDI CA, Root CA M2... */
int	name_is_manufacturing_ca(const char *cn);

#endif
