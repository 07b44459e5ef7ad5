/*
 * libphonetrust-lab, the test lab: throwaway Cisco-style PKIs for unit
 * tests, like Python's trustme.  Keys live in memory, serials are random,
 * nothing is secure: never use these certificates outside tests.
 *
 * A library of its own, on top of libphonetrust, so that a server linking
 * libphonetrust never loads code that mints certificates: link tests with
 * `pkg-config --cflags --libs libphonetrust-lab`.  With PHONETRUST_LAB_KEYS
 * naming a directory of PEM keys laid out as the project's lab/keys (its
 * own test suites set it), keys are read from there instead of generated.
 */
#ifndef PHONETRUST_LAB_H
#define PHONETRUST_LAB_H

#include <time.h>

#include <phonetrust.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How to make a key and certificate.  Zeroed fields take the defaults. */
typedef struct ptrust_lab_spec {
	const char	*key_type;	/* "RSA" (default) or "EC" */
	int		 key_bits;	/* RSA 512..4096 (2048); EC 256, 384, 521 (256) */
	time_t		 not_before;	/* 0: one day before now */
	time_t		 not_after;	/* 0: ten years after now */
	const char	*digest;	/* "SHA256" (default), "SHA384", "SHA512", "SHA1" */
} ptrust_lab_spec;

typedef struct ptrust_lab_ca ptrust_lab_ca;
typedef struct ptrust_lab_cert ptrust_lab_cert;

/*
 * A manufacturing-style PKI: a root (CN=name " Root", O=Cisco) and the
 * intermediate that issues MICs (CN=name, O=Cisco, pathlen 0).  now is the
 * reference time for the defaults.  NULL spec: defaults.
 */
ptrust_lab_ca *ptrust_lab_ca_new_manufacturing(const char *name, time_t now,
    const ptrust_lab_spec *spec);
/* A CAPF certificate as CUCM 14SU2 makes it: self-signed, CA:TRUE,
 * pathlen:0, keyUsage digitalSignature + keyCertSign; name "CAPF-xxxxxxxx". */
ptrust_lab_ca *ptrust_lab_ca_new_capf(const char *name, time_t now,
    const ptrust_lab_spec *spec);
void ptrust_lab_ca_free(ptrust_lab_ca *ca);
/* The anchor to trust: the root of a manufacturing PKI, the CAPF itself. */
ptrust_status ptrust_lab_ca_anchor_pem(const ptrust_lab_ca *ca, char **pem,
    size_t *len);
ptrust_status ptrust_lab_ca_write_anchor(const ptrust_lab_ca *ca,
    const char *path);
/* Add the anchor to a builder with the matching role. */
ptrust_status ptrust_lab_ca_add_to(const ptrust_lab_ca *ca,
    ptrust_builder *builder);

/* A MIC (manufacturing CA) or an LSC (CAPF) for a device name. */
ptrust_lab_cert *ptrust_lab_issue(ptrust_lab_ca *ca, const char *device,
    time_t now, const ptrust_lab_spec *spec);
void ptrust_lab_cert_free(ptrust_lab_cert *cert);
/* The chain the phone sends: leaf, then the intermediate for a MIC. */
ptrust_status ptrust_lab_cert_chain(const ptrust_lab_cert *cert,
    ptrust_chain **chain);
ptrust_status ptrust_lab_cert_chain_pem(const ptrust_lab_cert *cert,
    char **pem, size_t *len);
ptrust_status ptrust_lab_cert_write_chain(const ptrust_lab_cert *cert,
    const char *path);
/* The private key, unencrypted PEM (mode 0600). */
ptrust_status ptrust_lab_cert_write_key(const ptrust_lab_cert *cert,
    const char *path);
/* Free the PEM text returned above. */
void ptrust_lab_free_pem(char *pem);

#ifdef __cplusplus
}
#endif

#endif /* PHONETRUST_LAB_H */
