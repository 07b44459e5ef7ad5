/*
 * phonetrust demo: the README's first command.  A lab cluster is built in
 * a temporary directory (a throwaway PKI made in memory, the built-in Cisco
 * CAs, saved and loaded back as an administrator's cluster would be), then
 * phones present their certificates and the tool prints what CallManager
 * and CAPF decide, and the fix for every refusal.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-openssl.h>

#include "cli.h"
#include "lab.h"

/* A fixed moment, so the demonstration reads the same every time. */
#define DEMO_NOW	(LAB_T0 + 30 * LAB_DAY)

struct pki {
	EVP_PKEY *root_key, *mfg_key, *sha1_key, *capf_key, *old_capf_key;
	EVP_PKEY *phone_key;
	X509 *root, *mfg_ca, *sha1_ca, *capf, *old_capf;
};

static int
pki_build(struct pki *p)
{
	struct lab_spec s;

	if ((p->root_key = lab_key_rsa(2048)) == NULL ||
	    (p->mfg_key = lab_key_rsa(2048)) == NULL ||
	    (p->sha1_key = lab_key_rsa(2048)) == NULL ||
	    (p->capf_key = lab_key_ec("P-256")) == NULL ||
	    (p->old_capf_key = lab_key_ec("P-256")) == NULL ||
	    (p->phone_key = lab_key_rsa(2048)) == NULL)
		return 0;
	memset(&s, 0, sizeof(s));
	s.cn = "Demo Root CA M2"; s.o = "Cisco"; s.ca = 1; s.pathlen = 1;
	if ((p->root = lab_issue(&s, p->root_key, NULL, NULL)) == NULL)
		return 0;
	s.cn = "Demo Manufacturing CA SHA2"; s.pathlen = 0;
	if ((p->mfg_ca = lab_issue(&s, p->mfg_key, p->root, p->root_key)) ==
	    NULL)
		return 0;
	s.cn = "Demo Manufacturing CA"; s.md = EVP_sha1();
	if ((p->sha1_ca = lab_issue(&s, p->sha1_key, p->root, p->root_key)) ==
	    NULL)
		return 0;
	memset(&s, 0, sizeof(s));
	s.cn = "CAPF-a6d4c572"; s.o = "Demo Cluster"; s.l = "Lisboa";
	s.st = "Lisboa"; s.ca = 1; s.pathlen = 0;
	s.key_usage = "critical,digitalSignature,keyCertSign";
	if ((p->capf = lab_issue(&s, p->capf_key, NULL, NULL)) == NULL)
		return 0;
	s.cn = "CAPF-0badcafe"; s.o = "Old Cluster"; s.l = "Porto";
	s.st = "Porto";
	return (p->old_capf = lab_issue(&s, p->old_capf_key, NULL, NULL)) !=
	    NULL;
}

static void
pki_free(struct pki *p)
{
	EVP_PKEY_free(p->root_key);
	EVP_PKEY_free(p->mfg_key);
	EVP_PKEY_free(p->sha1_key);
	EVP_PKEY_free(p->capf_key);
	EVP_PKEY_free(p->old_capf_key);
	EVP_PKEY_free(p->phone_key);
	X509_free(p->root);
	X509_free(p->mfg_ca);
	X509_free(p->sha1_ca);
	X509_free(p->capf);
	X509_free(p->old_capf);
}

/* A phone with an LSC from lsc_ca and/or a MIC from mic_ca (NULL: none). */
static ptrust_phone *
make_phone(struct pki *p, const char *device, X509 *lsc_ca, EVP_PKEY *lsc_key,
    X509 *mic_ca, EVP_PKEY *mic_key, time_t mic_not_after)
{
	ptrust_phone *ph = ptrust_phone_new(device);
	struct lab_spec s;
	ptrust_chain *ch;
	X509 *x;
	int ok = ph != NULL;

	memset(&s, 0, sizeof(s));
	s.cn = device;
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	if (ok && lsc_ca != NULL) {
		x = lab_issue(&s, p->phone_key, lsc_ca, lsc_key);
		ok = x != NULL && ptrust_chain_new_from_x509(x, NULL, &ch) ==
		    PTRUST_OK;
		ok = ok && ptrust_phone_set_lsc(ph, ch) == PTRUST_OK;
		if (x != NULL && ok)
			ptrust_chain_free(ch);
		X509_free(x);
	}
	if (ok && mic_ca != NULL) {
		s.o = "Cisco Systems Inc.";
		s.not_after = mic_not_after;
		x = lab_issue(&s, p->phone_key, mic_ca, mic_key);
		ok = x != NULL && ptrust_chain_new_from_x509(x, NULL, &ch) ==
		    PTRUST_OK;
		ok = ok && ptrust_chain_add_x509(ch, mic_ca) == PTRUST_OK &&
		    ptrust_phone_set_mic(ph, ch) == PTRUST_OK;
		if (x != NULL && ok)
			ptrust_chain_free(ch);
		X509_free(x);
	}
	if (!ok) {
		ptrust_phone_free(ph);
		return NULL;
	}
	return ph;
}

static void
print_result(const ptrust_result *r)
{
	const ptrust_anchor *a = ptrust_result_anchor(r);
	size_t i;

	if (ptrust_result_trusted(r))
		printf("  TRUSTED %s %s via %s/%s\n",
		    ptrust_kind_name(ptrust_result_kind(r)),
		    ptrust_result_device(r), ptrust_result_store_name(r),
		    ptrust_anchor_alias(a));
	else
		printf("  REFUSED %s %s by %s: %s (TLS alert %s)\n",
		    ptrust_result_presented(r) == PTRUST_PRESENTED_LSC ? "LSC" :
		    ptrust_result_presented(r) == PTRUST_PRESENTED_MIC ? "MIC" :
		    "no certificate", ptrust_result_device(r),
		    ptrust_result_store_name(r) != NULL ?
		    ptrust_result_store_name(r) : "-",
		    ptrust_diagnosis_name(ptrust_result_diagnosis(r)),
		    ptrust_tls_alert_name(ptrust_result_tls_alert(r)));
	for (i = 0; i < ptrust_result_reason_count(r); i++)
		printf("    - %s (depth %d): %s\n",
		    ptrust_reason_name(ptrust_result_reason_code(r, i)),
		    ptrust_result_reason_depth(r, i),
		    ptrust_result_reason_message(r, i));
	if (ptrust_result_fix(r) != NULL)
		printf("    fix: %s\n", ptrust_result_fix(r));
}

/* One phone at CallManager; 1 when the verdict is the expected one. */
static int
registers(const char *title, ptrust_cluster *c, const ptrust_phone *ph,
    const ptrust_options *o, int flags, int expect)
{
	ptrust_result *r = NULL;
	int ok;

	printf("\n%s\n", title);
	if (ph == NULL || ptrust_cluster_verify_phone(c, ph,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o, flags, &r) != PTRUST_OK) {
		printf("  ERROR %s\n", r != NULL ? ptrust_result_error(r) :
		    "out of memory");
		ptrust_result_free(r);
		return 0;
	}
	print_result(r);
	ok = ptrust_result_trusted(r) == expect;
	if (!ok)
		printf("  UNEXPECTED: the demonstration expected %s\n",
		    expect ? "TRUSTED" : "REFUSED");
	ptrust_result_free(r);
	return ok;
}

/* A CAPF Install/Upgrade; 1 when the outcome is the expected one. */
static int
capf_upgrade(const char *title, ptrust_cluster *c, const ptrust_phone *ph,
    ptrust_auth_mode mode, const ptrust_options *o, int expect)
{
	ptrust_capf_outcome *out = NULL;
	int ok;

	printf("\n%s\n", title);
	if (ph == NULL || ptrust_capf_decide(c, ph, PTRUST_CAPF_INSTALL, mode,
	    NULL, NULL, o, &out) != PTRUST_OK) {
		printf("  ERROR %s\n", ptrust_capf_outcome_error(out));
		ptrust_capf_outcome_free(out);
		return 0;
	}
	printf("  CAPF (%s): %s\n", ptrust_auth_mode_name(mode),
	    ptrust_capf_outcome_status(out));
	if (ptrust_capf_outcome_fix(out) != NULL)
		printf("    fix: %s\n", ptrust_capf_outcome_fix(out));
	ok = ptrust_capf_outcome_success(out) == expect;
	if (!ok)
		printf("  UNEXPECTED outcome\n");
	ptrust_capf_outcome_free(out);
	return ok;
}

/* The lab cluster, saved to dir and loaded back as a server would. */
static ptrust_cluster *
lab_cluster(struct pki *p, const char *dir)
{
	ptrust_cluster *c = ptrust_cluster_new(), *loaded = NULL;

	if (c == NULL ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c, "callmanager-trust",
	    0), p->capf, NULL, PTRUST_ROLE_AUTO) != PTRUST_OK ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c, "capf-trust", 0),
	    p->capf, NULL, PTRUST_ROLE_AUTO) != PTRUST_OK ||
	    ptrust_builder_add_x509(ptrust_cluster_store(c, "manufacturing-ca",
	    0), p->root, NULL, PTRUST_ROLE_MANUFACTURING) != PTRUST_OK ||
	    ptrust_cluster_save_dir(c, dir) != PTRUST_OK ||
	    (loaded = ptrust_cluster_new()) == NULL ||
	    ptrust_cluster_load_dir(loaded, dir) != PTRUST_OK) {
		fprintf(stderr, "phonetrust demo: %s%s\n",
		    c != NULL ? ptrust_cluster_error(c) : "out of memory",
		    loaded != NULL ? ptrust_cluster_error(loaded) : "");
		ptrust_cluster_free(loaded);
		loaded = NULL;
	}
	ptrust_cluster_free(c);
	return loaded;
}

static void
print_cluster(ptrust_cluster *c, const char *dir)
{
	size_t i, j;

	printf("cluster in %s:\n", dir);
	for (i = 0; i < ptrust_cluster_store_count(c); i++) {
		const char *name = ptrust_cluster_store_name(c, i);
		ptrust_builder *b = ptrust_cluster_store(c, name, 0);

		printf("  %s:", name);
		for (j = 0; j < ptrust_builder_anchor_count(b); j++)
			printf(" %s", ptrust_anchor_alias(
			    ptrust_builder_anchor(b, j)));
		printf("\n");
	}
}

static void
remove_tree(const char *dir)
{
	char cmd[4200];

	/* the directory is ours, made by mkdtemp below */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "phonetrust demo: could not remove %s\n", dir);
}

int
cmd_demo(int argc, char **argv)
{
	struct pki p;
	ptrust_cluster *c = NULL;
	ptrust_options *o = NULL, *sha1 = NULL;
	ptrust_phone *mic_phone = NULL, *lsc_phone = NULL, *migrated = NULL;
	ptrust_phone *old_mic = NULL, *sha1_phone = NULL, *impostor = NULL;
	char dir[] = "/tmp/phonetrust-demo-XXXXXX", when[32];
	int ok = 1, cases = 0, passed = 0;
	time_t t = DEMO_NOW;
	struct tm tm;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: phonetrust demo\n");
		return CLI_USAGE;
	}
	memset(&p, 0, sizeof(p));
	if (mkdtemp(dir) == NULL) {
		perror("phonetrust demo: mkdtemp");
		return CLI_USAGE;
	}
	if (!pki_build(&p) || (c = lab_cluster(&p, dir)) == NULL ||
	    (o = ptrust_options_new()) == NULL ||
	    (sha1 = ptrust_options_new()) == NULL) {
		fprintf(stderr, "phonetrust demo: cannot build the lab\n");
		ok = 0;
		goto done;
	}
	ptrust_options_set_time(o, DEMO_NOW);
	ptrust_options_set_time(sha1, DEMO_NOW);
	ptrust_options_allow_sha1(sha1, 1);
	mic_phone = make_phone(&p, "SEP001122334455", NULL, NULL, p.mfg_ca,
	    p.mfg_key, 0);
	lsc_phone = make_phone(&p, "SEP001122334466", p.capf, p.capf_key,
	    p.mfg_ca, p.mfg_key, 0);
	migrated = make_phone(&p, "SEP00AABBCCDDEE", p.old_capf,
	    p.old_capf_key, p.mfg_ca, p.mfg_key, 0);
	old_mic = make_phone(&p, "SEP0011223344AA", NULL, NULL, p.mfg_ca,
	    p.mfg_key, LAB_T0 - 2 * LAB_DAY);
	sha1_phone = make_phone(&p, "SEP0011223344CC", NULL, NULL, p.sha1_ca,
	    p.sha1_key, 0);
	/* presents the MIC of SEP001122334455 while registering as another */
	impostor = make_phone(&p, "SEP0011223344EE", NULL, NULL, NULL, NULL, 0);
	if (impostor != NULL && mic_phone != NULL) {
		ptrust_chain *ch = NULL;
		X509 *x;
		struct lab_spec s;

		memset(&s, 0, sizeof(s));
		s.cn = "SEP001122334455"; s.o = "Cisco Systems Inc.";
		s.pathlen = -1; s.eku = "clientAuth,serverAuth";
		if ((x = lab_issue(&s, p.phone_key, p.mfg_ca, p.mfg_key)) !=
		    NULL && ptrust_chain_new_from_x509(x, NULL, &ch) ==
		    PTRUST_OK && ptrust_chain_add_x509(ch, p.mfg_ca) ==
		    PTRUST_OK)
			ptrust_phone_set_mic(impostor, ch);
		ptrust_chain_free(ch);
		X509_free(x);
	}
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("libphonetrust %s demonstration: a lab cluster built just now "
	    "(throwaway keys)\n", ptrust_version());
	printf("validation time %s (fixed), security level 2\n", when);
	print_cluster(c, dir);

#define CASE(call) do { cases++; if (call) passed++; else ok = 0; } while (0)
	CASE(registers("1. A phone without LSC registers with its MIC",
	    c, mic_phone, o, 0, 1));
	CASE(registers("2. A phone with an LSC always presents it (never its "
	    "MIC)", c, lsc_phone, o, 0, 1));
	CASE(registers("3. A phone migrated from another cluster keeps its "
	    "old LSC", c, migrated, o, 0, 0));
	CASE(registers("4. Quick test: the same phone as if its LSC were "
	    "deleted", c, migrated, o, PTRUST_PHONE_WITHOUT_LSC, 1));
	CASE(capf_upgrade("5. CAPF Install/Upgrade for it, by existing "
	    "certificate (precedence to LSC)", c, migrated,
	    PTRUST_AUTH_LSC_FIRST, o, 0));
	CASE(capf_upgrade("6. The same with authentication by null string",
	    c, migrated, PTRUST_AUTH_NULL_STRING, o, 1));
	CASE(registers("7. A phone whose MIC expired (a MIC is never "
	    "renewed)", c, old_mic, o, 0, 0));
	CASE(registers("8. An older phone whose MIC chain is SHA-1 signed",
	    c, sha1_phone, o, 0, 0));
	CASE(registers("9. The same phone with allow_sha1 set explicitly",
	    c, sha1_phone, sha1, 0, 1));
	CASE(registers("10. A valid MIC of another phone, registering as "
	    "SEP0011223344EE", c, impostor, o, 0, 0));
#undef CASE
	printf("\n%d of %d cases gave the expected verdict\n", passed, cases);
done:
	ptrust_phone_free(mic_phone);
	ptrust_phone_free(lsc_phone);
	ptrust_phone_free(migrated);
	ptrust_phone_free(old_mic);
	ptrust_phone_free(sha1_phone);
	ptrust_phone_free(impostor);
	ptrust_options_free(o);
	ptrust_options_free(sha1);
	ptrust_cluster_free(c);
	pki_free(&p);
	remove_tree(dir);
	return ok ? CLI_OK : CLI_REFUSED;
}
