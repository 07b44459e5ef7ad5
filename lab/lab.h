/*
 * A throwaway PKI for tests and the demonstration: manufacturing-style
 * roots and intermediates, CAPFs, MICs and LSCs, with every defect a test
 * needs.  Keys live in memory only; nothing here is secure.
 *
 * Every function returns NULL or -1 on failure, having freed what it made.
 * The tests, the demonstration and the public test lab, libphonetrust-lab
 * (lab/testlab.c, <phonetrust-lab.h>), are built on it; inside that
 * library these names stay hidden.
 */
#ifndef PTRUST_LAB_H
#define PTRUST_LAB_H

#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* 2026-01-01T00:00:00Z: every lab validity is relative to it. */
#define LAB_T0		((time_t)1767225600)
#define LAB_DAY		((time_t)86400)

struct lab_spec {
	const char	*cn;		/* subject CN */
	const char	*o;		/* subject O, optional */
	const char	*l, *st;	/* optional; CAPF subjects carry them */
	int		 ca;		/* basicConstraints CA:TRUE */
	int		 pathlen;	/* -1: none */
	const char	*key_usage;	/* e.g. "critical,keyCertSign,cRLSign"; NULL: a default */
	const char	*eku;		/* e.g. "clientAuth,serverAuth"; NULL: none */
	const char	*san;		/* e.g. "DNS:cucm.example.net"; NULL: none */
	time_t		 not_before;	/* 0: LAB_T0 - 1 day */
	time_t		 not_after;	/* 0: LAB_T0 + 3650 days */
	const EVP_MD	*md;		/* NULL: SHA-256 */
	int		 no_basic_constraints; /* omit basicConstraints entirely */
	int		 unknown_critical_ext; /* add a critical private extension */
	int		 corrupt_signature;	/* flip a bit of the signature */
	const char	*name_constraints; /* e.g. "critical,permitted;DNS:example.com" */
	int		 proxy;		/* an RFC 3820 proxy certificate */
	int		 garbled_basic_constraints; /* basicConstraints whose value is not DER */
	int		 duplicate_policies; /* one policy OID twice: invalid */
	int		 exact_validity; /* not_before/not_after as given, 0 too */
	/* the forms of CAPF certificates made before CUCM 14SU2 */
	int		 no_key_usage;	/* omit keyUsage */
	int		 no_key_ids;	/* omit subject and authority key identifiers */
	int		 bc_not_critical; /* basicConstraints not marked critical */
};

/*
 * Keys.  With PHONETRUST_LAB_KEYS naming a directory of checked-in test
 * keys (lab/keys: make check sets it), the n-th RSA 1024 or 2048 or EC
 * P-256, P-384 or P-521 key a program asks for is the n-th of that kind
 * there: the same keys every run, no time spent making them.  Past the
 * end of the set, for other sizes, or without the variable: a fresh key.
 * Certificates are always made when asked, with the times given.
 */
EVP_PKEY	*lab_key_rsa(int bits);
EVP_PKEY	*lab_key_ec(const char *curve);	/* "P-256", "P-384", "P-521" */
/* The same for the public lab (lab/testlab.c), from a part of the set of
 * its own; curve NULL: RSA of bits. */
EVP_PKEY	*lab_key_public(const char *curve, int bits);
/* issuer NULL: self-signed with key; issuer and issuer_key go together. */
X509		*lab_issue(const struct lab_spec *spec, EVP_PKEY *key,
		    X509 *issuer, EVP_PKEY *issuer_key);
/* A CRL by issuer, revoking the given certificates. */
X509_CRL	*lab_crl(X509 *issuer, EVP_PKEY *issuer_key, time_t last_update,
		    time_t next_update, X509 **revoked, int n_revoked);
/* PEM text, malloc'ed, NUL-terminated; *len (may be NULL) without the NUL. */
char		*lab_pem(X509 *const *certs, int n, size_t *len);
/* The same from OPENSSL_malloc, for the library: free with OPENSSL_free. */
char		*lab_pem_openssl(X509 *const *certs, int n, size_t *len);
char		*lab_crl_pem(X509_CRL *crl, size_t *len);
unsigned char	*lab_der(X509 *cert, size_t *len);
/*
 * Write to a file; 0 on success, -1 with errno set.  The file is written
 * under a temporary name and renamed into place, with exactly the mode
 * given whatever the umask: certificates 0644, keys 0600.
 */
int		 lab_write_file(const char *path, const void *data, size_t len,
		    int mode);
int		 lab_write_pem(const char *path, X509 *const *certs, int n);
int		 lab_write_key(const char *path, EVP_PKEY *key);

#endif
