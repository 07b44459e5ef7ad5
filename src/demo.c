/*
 * phonetrust demo: the README's first command.  A throwaway lab PKI is
 * built in memory (nothing is written), then chains phones really present
 * are validated against a CallManager-trust store and the verdicts printed
 * as an administrator would want to read them.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <phonetrust.h>
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

static void
spec_init(struct lab_spec *s, const char *cn, const char *o, int ca)
{
	memset(s, 0, sizeof(*s));
	s->cn = cn;
	s->o = o;
	s->ca = ca;
	s->pathlen = ca ? 0 : -1;
	if (!ca)
		s->eku = "clientAuth,serverAuth";
}

static void
pki_build(struct pki *p)
{
	struct lab_spec s;

	p->root_key = lab_key_rsa(2048);
	p->mfg_key = lab_key_rsa(2048);
	p->sha1_key = lab_key_rsa(2048);
	p->capf_key = lab_key_ec("P-256");
	p->old_capf_key = lab_key_ec("P-256");
	p->phone_key = lab_key_rsa(2048);
	spec_init(&s, "Demo Root CA M2", "Cisco", 1);
	s.pathlen = 1;
	p->root = lab_issue(&s, p->root_key, NULL, NULL);
	spec_init(&s, "Demo Manufacturing CA SHA2", "Cisco", 1);
	p->mfg_ca = lab_issue(&s, p->mfg_key, p->root, p->root_key);
	spec_init(&s, "Demo Manufacturing CA", "Cisco", 1);
	s.md = EVP_sha1();
	p->sha1_ca = lab_issue(&s, p->sha1_key, p->root, p->root_key);
	spec_init(&s, "CAPF-a6d4c572", "Demo Cluster", 1);
	s.l = "Lisboa";
	s.st = "Lisboa";
	s.key_usage = "critical,digitalSignature,keyCertSign";
	p->capf = lab_issue(&s, p->capf_key, NULL, NULL);
	spec_init(&s, "CAPF-0badcafe", "Old Cluster", 1);
	s.key_usage = "critical,digitalSignature,keyCertSign";
	p->old_capf = lab_issue(&s, p->old_capf_key, NULL, NULL);
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

static X509 *
phone_cert(struct pki *p, const char *device, X509 *issuer, EVP_PKEY *ikey,
    time_t not_after)
{
	struct lab_spec s;

	spec_init(&s, device, "Cisco Systems Inc.", 0);
	s.not_after = not_after;
	return lab_issue(&s, p->phone_key, issuer, ikey);
}

/* One case: validate, print the verdict the way an administrator reads it. */
static int
show(const char *title, const char *device, const ptrust_store *store,
    X509 *leaf, X509 *intermediate, const ptrust_options *o,
    int expect_trusted)
{
	ptrust_chain *chain = ptrust_chain_new();
	ptrust_result *r = NULL;
	const ptrust_anchor *a;
	size_t i;
	int ok;

	if (chain == NULL || ptrust_chain_add_x509(chain, leaf) != PTRUST_OK ||
	    (intermediate != NULL &&
	    ptrust_chain_add_x509(chain, intermediate) != PTRUST_OK)) {
		fprintf(stderr, "phonetrust demo: cannot build the chain\n");
		ptrust_chain_free(chain);
		return 0;
	}
	if (ptrust_verify(store, chain, o, &r) != PTRUST_OK) {
		fprintf(stderr, "phonetrust demo: %s\n", ptrust_result_error(r));
		ptrust_result_free(r);
		ptrust_chain_free(chain);
		return 0;
	}
	printf("\n%s\n", title);
	a = ptrust_result_anchor(r);
	if (ptrust_result_trusted(r))
		printf("  TRUSTED %s %s via %s/%s\n",
		    ptrust_kind_name(ptrust_result_kind(r)), device,
		    ptrust_result_store_name(r), ptrust_anchor_alias(a));
	else
		printf("  REFUSED %s %s by %s (TLS alert %s)\n",
		    ptrust_kind_name(ptrust_result_kind(r)), device,
		    ptrust_result_store_name(r),
		    ptrust_tls_alert_name(ptrust_result_tls_alert(r)));
	printf("  chain:");
	for (i = 0; i < ptrust_result_chain_length(r); i++)
		printf("%s %s", i ? " ->" : "", ptrust_result_chain_subject(r, i));
	printf("\n");
	for (i = 0; i < ptrust_result_reason_count(r); i++)
		printf("  - %s (depth %d, %s): %s\n",
		    ptrust_reason_name(ptrust_result_reason_code(r, i)),
		    ptrust_result_reason_depth(r, i),
		    ptrust_result_reason_subject(r, i),
		    ptrust_result_reason_message(r, i));
	ok = ptrust_result_trusted(r) == expect_trusted;
	if (!ok)
		printf("  UNEXPECTED: the demonstration expected %s\n",
		    expect_trusted ? "TRUSTED" : "REFUSED");
	ptrust_result_free(r);
	ptrust_chain_free(chain);
	return ok;
}

static ptrust_store *
callmanager_trust(struct pki *p)
{
	ptrust_builder *b = ptrust_builder_new("callmanager-trust");
	ptrust_store *s = NULL;

	if (b == NULL ||
	    ptrust_builder_add_x509(b, p->capf, NULL, PTRUST_ROLE_AUTO) ||
	    ptrust_builder_add_x509(b, p->root, NULL,
	    PTRUST_ROLE_MANUFACTURING) ||
	    ptrust_builder_build(b, &s) != PTRUST_OK)
		fprintf(stderr, "phonetrust demo: %s\n",
		    ptrust_builder_error(b));
	ptrust_builder_free(b);
	return s;
}

int
cmd_demo(int argc, char **argv)
{
	struct pki p;
	ptrust_store *store;
	ptrust_options *o, *sha1;
	X509 *mic, *lsc, *migrated, *old_mic, *forged, *sha1_mic;
	char when[32];
	int ok = 1, cases = 0, passed = 0;
	size_t i;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: phonetrust demo\n");
		return CLI_USAGE;
	}
	memset(&p, 0, sizeof(p));
	pki_build(&p);
	mic = phone_cert(&p, "SEP001122334455", p.mfg_ca, p.mfg_key, 0);
	lsc = phone_cert(&p, "SEP001122334455", p.capf, p.capf_key, 0);
	migrated = phone_cert(&p, "SEP00AABBCCDDEE", p.old_capf,
	    p.old_capf_key, 0);
	old_mic = phone_cert(&p, "SEP0011223344AA", p.mfg_ca, p.mfg_key,
	    LAB_T0 - 2 * LAB_DAY);
	forged = phone_cert(&p, "SEP0011223344BB", p.capf, p.old_capf_key, 0);
	sha1_mic = phone_cert(&p, "SEP0011223344CC", p.sha1_ca, p.sha1_key, 0);
	store = callmanager_trust(&p);
	o = ptrust_options_new();
	sha1 = ptrust_options_new();
	if (store == NULL || o == NULL || sha1 == NULL) {
		ok = 0;
		goto done;
	}
	ptrust_options_set_time(o, DEMO_NOW);
	ptrust_options_set_time(sha1, DEMO_NOW);
	ptrust_options_allow_sha1(sha1, 1);
	{
		time_t t = DEMO_NOW;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	printf("libphonetrust %s demonstration: a lab PKI built in memory "
	    "just now\n", ptrust_version());
	printf("validation time %s (fixed), purpose TLS client, security "
	    "level 2\n", when);
	printf("store %s:\n", ptrust_store_name(store));
	for (i = 0; i < ptrust_store_anchor_count(store); i++) {
		const ptrust_anchor *a = ptrust_store_anchor(store, i);

		printf("  %-22s role %-14s %s %d  sha256 %.16s...\n",
		    ptrust_anchor_alias(a),
		    ptrust_role_name(ptrust_anchor_role(a)),
		    ptrust_anchor_key_type(a), ptrust_anchor_key_bits(a),
		    ptrust_anchor_sha256(a));
	}

#define CASE(args) do { cases++; if (show args) passed++; else ok = 0; } while (0)
	CASE(("1. A phone registers with its MIC (no LSC installed)",
	    "SEP001122334455", store, mic, p.mfg_ca, o, 1));
	CASE(("2. The same phone after CAPF installed its LSC",
	    "SEP001122334455", store, lsc, NULL, o, 1));
	CASE(("3. A phone migrated from another cluster keeps its old LSC",
	    "SEP00AABBCCDDEE", store, migrated, NULL, o, 0));
	CASE(("4. A phone whose MIC expired (a MIC is never renewed)",
	    "SEP0011223344AA", store, old_mic, p.mfg_ca, o, 0));
	CASE(("5. A certificate naming our CAPF as issuer, signed by "
	    "another key", "SEP0011223344BB", store, forged, NULL, o, 0));
	CASE(("6. An older phone whose MIC chain is SHA-1 signed "
	    "(default policy)", "SEP0011223344CC", store, sha1_mic,
	    p.sha1_ca, o, 0));
	CASE(("7. The same phone with allow_sha1 set explicitly",
	    "SEP0011223344CC", store, sha1_mic, p.sha1_ca, sha1, 1));
#undef CASE
	printf("\n%d of %d cases gave the expected verdict\n", passed, cases);
done:
	ptrust_options_free(o);
	ptrust_options_free(sha1);
	ptrust_store_unref(store);
	X509_free(mic);
	X509_free(lsc);
	X509_free(migrated);
	X509_free(old_mic);
	X509_free(forged);
	X509_free(sha1_mic);
	pki_free(&p);
	return ok ? CLI_OK : CLI_REFUSED;
}
