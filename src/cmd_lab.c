/*
 * phonetrust lab DIR: write a throwaway lab world for tests and training —
 * a cluster directory, the CAs with their keys, and phones' chains and keys
 * for every case the other commands know (LSC, MIC, a migrated LSC, an
 * expired MIC, a SHA-1 manufacturing chain).  Keys are unprotected: never
 * use these files outside a lab.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-openssl.h>

#include "cli.h"
#include "input.h"
#include "lab.h"

enum { ROOT, MFG_CA, SHA1_CA, CAPF, OLD_CAPF, NCAS };

/* The CAs, in issuing order; parent -1: self-signed. */
static const struct ca_def {
	const char	*file;
	const char	*cn, *o, *l;
	int		 parent;
	int		 pathlen;
	int		 sha1;
} ca_defs[NCAS] = {
	{ "lab-root-ca", "Lab Root CA M2", "Cisco", NULL, -1, 1, 0 },
	{ "lab-manufacturing-ca-sha2", "Lab Manufacturing CA SHA2", "Cisco",
	    NULL, ROOT, 0, 0 },
	{ "lab-manufacturing-ca", "Lab Manufacturing CA", "Cisco", NULL, ROOT,
	    0, 1 },
	{ "CAPF-a6d4c572", "CAPF-a6d4c572", "Lab Cluster", "Lisboa", -1, 0,
	    0 },
	{ "CAPF-0badcafe", "CAPF-0badcafe", "Old Cluster", "Porto", -1, 0, 0 },
};

/* The phones' certificates: what each file is for. */
static const struct phone_def {
	const char	*file;
	const char	*device;
	int		 issuer;
	int		 mic;		/* a MIC: sent with its issuing CA */
	time_t		 not_after;	/* 0: the lab default (ten years) */
	const char	*what;
} phone_defs[] = {
	{ "lsc", "SEP001122334455", CAPF, 0, 0,
	    "LSC from this cluster's CAPF: trusted" },
	{ "mic", "SEP001122334455", MFG_CA, 1, 0,
	    "MIC, manufacturing CA SHA2: trusted where MICs are" },
	{ "migrated-lsc", "SEP00AABBCCDDEE", OLD_CAPF, 0, 0,
	    "LSC from another cluster's CAPF: unknown CA" },
	{ "migrated-mic", "SEP00AABBCCDDEE", MFG_CA, 1, 0,
	    "the migrated phone's MIC: trusted where MICs are" },
	{ "expired-mic", "SEP0011223344FF", MFG_CA, 1, LAB_T0 + 20 * LAB_DAY,
	    "MIC that expired on 2026-01-21" },
	{ "sha1-mic", "SEP00112233AA00", SHA1_CA, 1, 0,
	    "MIC through a SHA-1 manufacturing CA: refused at level 2" },
};
#define NPHONES	(sizeof(phone_defs) / sizeof(phone_defs[0]))

static int
lab_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust lab DIR\n"
	    "  write a throwaway lab into DIR (which must not exist): "
	    "cluster/, ca/ and\n  phones/ with certificates and "
	    "UNPROTECTED keys, for tests and training only\n");
	return f == stdout ? CLI_OK : CLI_USAGE;
}

/* DIR/sub/name.ext */
static int
path(char *buf, size_t size, const char *dir, const char *sub,
    const char *name, const char *ext)
{
	int n = snprintf(buf, size, "%s/%s%s%s%s", dir, sub,
	    name != NULL ? "/" : "", name != NULL ? name : "", ext);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int
write_cas(const char *cmd, const char *dir, X509 **ca, EVP_PKEY **key)
{
	struct lab_spec s;
	char p[4096];
	size_t i;

	for (i = 0; i < NCAS; i++) {
		const struct ca_def *d = &ca_defs[i];

		memset(&s, 0, sizeof(s));
		s.cn = d->cn;
		s.o = d->o;
		s.l = s.st = d->l;
		s.ca = 1;
		s.pathlen = d->pathlen;
		if (d->l != NULL)	/* as CUCM makes a CAPF certificate */
			s.key_usage = "critical,digitalSignature,keyCertSign";
		s.md = d->sha1 ? EVP_sha1() : NULL;
		if ((key[i] = d->l != NULL ? lab_key_ec("P-256") :
		    lab_key_rsa(2048)) == NULL ||
		    (ca[i] = lab_issue(&s, key[i], d->parent < 0 ? NULL :
		    ca[d->parent], d->parent < 0 ? NULL : key[d->parent])) ==
		    NULL)
			return cli_fail(cmd, NULL, "cannot make the lab CAs");
		if (path(p, sizeof(p), dir, "ca", d->file, ".pem") == -1 ||
		    lab_write_pem(p, &ca[i], 1) == -1 ||
		    path(p, sizeof(p), dir, "ca", d->file, ".key") == -1 ||
		    lab_write_key(p, key[i]) == -1)
			return cli_fail(cmd, p, strerror(errno));
	}
	return CLI_OK;
}

static int
write_phones(const char *cmd, const char *dir, X509 **ca, EVP_PKEY **key, FILE *readme)
{
	struct lab_spec s;
	EVP_PKEY *pk;
	X509 *chain[2];
	char p[4096];
	size_t i;
	int rc = CLI_OK;

	for (i = 0; i < NPHONES && rc == CLI_OK; i++) {
		const struct phone_def *d = &phone_defs[i];

		memset(&s, 0, sizeof(s));
		s.cn = d->device;
		s.o = d->mic ? "Cisco Systems Inc." : NULL;
		s.pathlen = -1;
		s.eku = "clientAuth,serverAuth";
		s.not_after = d->not_after;
		chain[0] = NULL;
		chain[1] = ca[d->issuer];
		if ((pk = lab_key_rsa(2048)) == NULL ||
		    (chain[0] = lab_issue(&s, pk, ca[d->issuer],
		    key[d->issuer])) == NULL)
			rc = cli_fail(cmd, NULL, "cannot make a phone "
			    "certificate");
		else if (path(p, sizeof(p), dir, "phones", d->file, ".pem") ==
		    -1 || lab_write_pem(p, chain, d->mic ? 2 : 1) == -1 ||
		    path(p, sizeof(p), dir, "phones", d->file, ".key") == -1 ||
		    lab_write_key(p, pk) == -1)
			rc = cli_fail(cmd, p, strerror(errno));
		else
			fprintf(readme, "phones/%s.pem  %s  %s\n", d->file,
			    d->device, d->what);
		X509_free(chain[0]);
		EVP_PKEY_free(pk);
	}
	return rc;
}

/* callmanager-trust and capf-trust hold the CAPF; manufacturing-ca the
 * lab's manufacturing root beside Cisco's. */
static int
write_cluster(const char *cmd, const char *dir, X509 **ca)
{
	ptrust_cluster *c;
	char p[4096];
	int rc = CLI_OK;

	if ((c = ptrust_cluster_new()) == NULL)
		return cli_fail(cmd, NULL, "out of memory");
	if (path(p, sizeof(p), dir, "cluster", NULL, "") == -1 ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), ca[CAPF], NULL, PTRUST_ROLE_AUTO) !=
	    PTRUST_OK ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c, "capf-trust", 0),
	    ca[CAPF], NULL, PTRUST_ROLE_AUTO) != PTRUST_OK ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c, "manufacturing-ca",
	    0), ca[ROOT], "Lab_Root_CA_M2", PTRUST_ROLE_MANUFACTURING) !=
	    PTRUST_OK ||
	    ptrust_cluster_save_dir(c, p) != PTRUST_OK)
		rc = cli_fail(cmd, NULL, ptrust_cluster_error(c));
	ptrust_cluster_free(c);
	return rc;
}

int
lab_world_write(const char *cmd, const char *dir)
{
	X509 *ca[NCAS] = { NULL };
	EVP_PKEY *key[NCAS] = { NULL };
	FILE *readme = NULL;
	char p[4096];
	size_t i;
	int rc = CLI_USAGE;

	if (path(p, sizeof(p), dir, "ca", NULL, "") == -1 ||
	    mkdir(p, 0700) == -1 ||
	    path(p, sizeof(p), dir, "phones", NULL, "") == -1 ||
	    mkdir(p, 0700) == -1 ||
	    path(p, sizeof(p), dir, "README", NULL, "") == -1 ||
	    (readme = fopen(p, "w")) == NULL) {
		cli_fail(cmd, p, strerror(errno));
		goto done;
	}
	fprintf(readme, "A throwaway lab made by phonetrust lab: keys are "
	    "unprotected.\ncluster/  a cluster directory (--cluster)\n"
	    "ca/       the CAs and their keys\n");
	if (write_cas(cmd, dir, ca, key) != CLI_OK ||
	    write_phones(cmd, dir, ca, key, readme) != CLI_OK ||
	    write_cluster(cmd, dir, ca) != CLI_OK)
		goto done;
	if (fclose(readme) == EOF) {
		readme = NULL;
		cli_fail(cmd, "README", strerror(errno));
		goto done;
	}
	readme = NULL;
	rc = CLI_OK;
done:
	if (readme != NULL)
		fclose(readme);
	for (i = 0; i < NCAS; i++) {
		X509_free(ca[i]);
		EVP_PKEY_free(key[i]);
	}
	return rc;
}

int
cmd_lab(int argc, char **argv, const char *cluster_dir)
{
	struct stat st;
	const char *dir;

	(void)cluster_dir;	/* the lab makes its own */
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return lab_usage(stdout);
	if (argc != 2 || argv[1][0] == '-')
		return lab_usage(stderr);
	dir = argv[1];
	if (stat(dir, &st) == 0)
		return cli_fail("lab", dir, "already exists");
	if (mkdir(dir, 0755) == -1)
		return cli_fail("lab", dir, strerror(errno));
	if (lab_world_write("lab", dir) != CLI_OK)
		return CLI_USAGE;
	printf("lab written to %s (cluster: %s/cluster)\n", dir, dir);
	return CLI_OK;
}
