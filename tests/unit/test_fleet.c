/*
 * The fleet planner (issue 15) on lab fleets with known answers: the Q&A's
 * CAPF regeneration over CallManager-trust, CAPF-trust, an 802.1x store
 * and a VPN store (order and blocking phones), a migration between two
 * clusters, an Online-CA cluster, 2029-05-15, the CSV of CUCM's records
 * (bad rows, unknown issuers, duplicate devices), the memo of what-ifs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <phonetrust-cluster.h>
#include <phonetrust-fleet.h>

#include "testutil.h"

static EVP_PKEY *phone_key, *capf_new_key, *corp_key, *issuing_key,
    *users_key, *old_mfg_key;
static X509 *capf_new, *corp_root, *issuing, *users_ca, *old_mfg;

static X509 *
ca(const char *cn, const char *o, const char *l, EVP_PKEY *key, X509 *up,
    EVP_PKEY *up_key, int pathlen, time_t not_after)
{
	struct lab_spec s;
	X509 *x;

	memset(&s, 0, sizeof(s));
	s.cn = cn;
	s.o = o;
	s.l = s.st = l;
	s.ca = 1;
	s.pathlen = pathlen;
	s.not_after = not_after;
	if (l != NULL)
		s.key_usage = "critical,digitalSignature,keyCertSign";
	x = lab_issue(&s, key, up, up_key);
	assert_non_null(x);
	return x;
}

static X509 *
leaf(const char *cn, X509 *issuer, EVP_PKEY *issuer_key, time_t not_after)
{
	struct lab_spec s;
	X509 *x;

	memset(&s, 0, sizeof(s));
	s.cn = cn;
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	s.not_after = not_after;
	x = lab_issue(&s, phone_key, issuer, issuer_key);
	assert_non_null(x);
	return x;
}

static int
setup(void **state)
{
	(void)state;
	test_lab();
	assert_non_null(phone_key = lab_key_ec("P-256"));
	assert_non_null(capf_new_key = lab_key_ec("P-256"));
	assert_non_null(corp_key = lab_key_ec("P-256"));
	assert_non_null(issuing_key = lab_key_ec("P-256"));
	assert_non_null(users_key = lab_key_ec("P-256"));
	assert_non_null(old_mfg_key = lab_key_ec("P-256"));
	capf_new = ca("CAPF-1c2d3e4f", "Lab Cluster", "Lisboa", capf_new_key,
	    NULL, NULL, 0, 0);
	corp_root = ca("Corp Root CA", "Corp", NULL, corp_key, NULL, NULL, -1,
	    0);
	issuing = ca("Corp Phone Issuing CA", "Corp", NULL, issuing_key,
	    corp_root, corp_key, 0, 0);
	users_ca = ca("Corp Users CA", "Corp", NULL, users_key, corp_root,
	    corp_key, 0, 0);
	/* a manufacturing CA that ends as Cisco Manufacturing CA does */
	old_mfg = ca("Lab Manufacturing CA", "Cisco", NULL, old_mfg_key,
	    test_lab()->mfg_root, test_lab()->root_key, 0,
	    (time_t)1873497599 /* 2029-05-14T23:59:59Z */);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	X509_free(capf_new);
	X509_free(corp_root);
	X509_free(issuing);
	X509_free(users_ca);
	X509_free(old_mfg);
	EVP_PKEY_free(phone_key);
	EVP_PKEY_free(capf_new_key);
	EVP_PKEY_free(corp_key);
	EVP_PKEY_free(issuing_key);
	EVP_PKEY_free(users_key);
	EVP_PKEY_free(old_mfg_key);
	test_lab_free();
	return 0;
}

static void
add(ptrust_cluster *c, const char *store, X509 *x, ptrust_role role)
{
	ptrust_builder *b = ptrust_cluster_store(c, store, 1);

	assert_non_null(b);
	assert_int_equal(ptrust_builder_add_x509(b, x, NULL, role), PTRUST_OK);
}

/*
 * The Q&A's cluster: CAPF-a6d4c572 in callmanager-trust, capf-trust,
 * radius-trust (802.1x, with the manufacturing root) and vpn-trust (the
 * CAPF only); the lab manufacturing root in manufacturing-ca.
 */
static ptrust_cluster *
qa_cluster(void)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new();

	assert_non_null(c);
	add(c, "callmanager-trust", l->capf_a, PTRUST_ROLE_AUTO);
	add(c, "capf-trust", l->capf_a, PTRUST_ROLE_AUTO);
	add(c, "manufacturing-ca", l->mfg_root, PTRUST_ROLE_MANUFACTURING);
	add(c, "radius-trust", l->capf_a, PTRUST_ROLE_AUTO);
	add(c, "radius-trust", l->mfg_root, PTRUST_ROLE_MANUFACTURING);
	add(c, "vpn-trust", l->capf_a, PTRUST_ROLE_AUTO);
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_8021X, "radius-trust"), PTRUST_OK);
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_VPN, "vpn-trust"), PTRUST_OK);
	return c;
}

static void
add_phone(ptrust_fleet *f, const char *device, X509 *lsc, X509 *lsc_ca,
    X509 *mic, X509 *mic_ca)
{
	ptrust_phone *p = ptrust_phone_new(device);
	X509 *certs[2];

	assert_non_null(p);
	if (lsc != NULL) {
		ptrust_chain *ch;

		certs[0] = lsc;
		certs[1] = lsc_ca;
		ch = test_chain(certs, lsc_ca != NULL ? 2 : 1);
		assert_int_equal(ptrust_phone_set_lsc(p, ch), PTRUST_OK);
		ptrust_chain_free(ch);
	}
	if (mic != NULL) {
		ptrust_chain *ch;

		certs[0] = mic;
		certs[1] = mic_ca;
		ch = test_chain(certs, 2);
		assert_int_equal(ptrust_phone_set_mic(p, ch), PTRUST_OK);
		ptrust_chain_free(ch);
	}
	assert_int_equal(ptrust_fleet_add_phone(f, p), PTRUST_OK);
	ptrust_phone_free(p);
}

static ptrust_fleet *
fleet_of(ptrust_cluster *c)
{
	ptrust_fleet *f = ptrust_fleet_new();
	ptrust_options *o = test_options();

	assert_non_null(f);
	assert_int_equal(ptrust_fleet_set_cluster(f, c), PTRUST_OK);
	assert_int_equal(ptrust_fleet_set_options(f, o), PTRUST_OK);
	ptrust_options_free(o);
	return f;
}

/*
 *  1 LSC (CAPF-a6d4c572) + valid MIC        needs a new LSC by its MIC
 *  2 LSC (CAPF-a6d4c572) + expired MIC      needs a new LSC by its LSC
 *  3 MIC only                               not affected
 *  4 LSC from the other cluster + MIC       refused before: not affected
 */
static ptrust_fleet *
qa_fleet(X509 **made)
{
	const struct lab *l = test_lab();
	ptrust_fleet *f = fleet_of(qa_cluster());

	made[0] = leaf("SEP000000000001", l->capf_a, l->capf_a_key, 0);
	made[1] = leaf("SEP000000000001", l->mfg_ca, l->mfg_key, 0);
	made[2] = leaf("SEP000000000002", l->capf_a, l->capf_a_key, 0);
	made[3] = leaf("SEP000000000002", l->mfg_ca, l->mfg_key,
	    LAB_T0 + 10 * LAB_DAY);
	made[4] = leaf("SEP000000000003", l->mfg_ca, l->mfg_key, 0);
	made[5] = leaf("SEP000000000004", l->capf_b, l->capf_b_key, 0);
	made[6] = leaf("SEP000000000004", l->mfg_ca, l->mfg_key, 0);
	add_phone(f, "SEP000000000001", made[0], NULL, made[1], l->mfg_ca);
	add_phone(f, "SEP000000000002", made[2], NULL, made[3], l->mfg_ca);
	add_phone(f, "SEP000000000003", NULL, NULL, made[4], l->mfg_ca);
	add_phone(f, "SEP000000000004", made[5], NULL, made[6], l->mfg_ca);
	return f;
}

static void
free_certs(X509 **x, int n)
{
	int i;

	for (i = 0; i < n; i++)
		X509_free(x[i]);
}

static char *
pem_of(X509 *x, size_t *len)
{
	char *pem = lab_pem(&x, 1, len);

	assert_non_null(pem);
	return pem;
}

#define OK(p, i, c, s)	ptrust_fleet_plan_ok(p, i, PTRUST_FLEET_##c, \
	PTRUST_FLEET_##s)

static void
test_qa_regenerate_capf(void **state)
{
	X509 *made[7];
	ptrust_fleet *f;
	ptrust_fleet_change *ch;
	ptrust_fleet_plan *p;
	size_t len, k, i;
	char *pem;
	uint64_t judged, reused;
	const char *order[] = { "callmanager-trust", "radius-trust",
	    "vpn-trust", "capf-trust" };
	int removals = 0, adds = 0;

	(void)state;
	f = qa_fleet(made);
	assert_int_equal(ptrust_fleet_phone_count(f), 4);
	/* phone 4's LSC: no anchor of this cluster issued it */
	assert_int_equal(ptrust_fleet_problem_count(f), 1);
	assert_int_equal(ptrust_fleet_problem(f, 0),
	    PTRUST_FLEET_PROBLEM_UNKNOWN_KIND);
	assert_string_equal(ptrust_fleet_problem_device(f, 0),
	    "SEP000000000004");
	/* told apart by the anchor, not the caller's slot */
	assert_int_equal(ptrust_fleet_phone_evidence(f, 0,
	    PTRUST_PRESENTED_LSC), PTRUST_FLEET_EVIDENCE_CERTIFICATE);
	pem = pem_of(capf_new, &len);
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_regenerate_capf(ch, NULL, pem,
	    len), PTRUST_OK);
	free(pem);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);

	/* before: LSC phones 1, 2 register with their LSCs; 4 is refused */
	assert_int_equal(OK(p, 0, CALLMANAGER_TLS, BEFORE), 1);
	assert_int_equal(ptrust_fleet_plan_presented(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE),
	    PTRUST_PRESENTED_LSC);
	assert_int_equal(OK(p, 3, CALLMANAGER_TLS, BEFORE), 0);
	assert_int_equal(ptrust_fleet_plan_diagnosis(p, 3,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	/* after: every check on the old CAPF breaks */
	for (i = 0; i < 2; i++) {
		assert_int_equal(ptrust_fleet_plan_changed(p, i,
		    PTRUST_FLEET_CALLMANAGER_TLS), 1);
		assert_int_equal(ptrust_fleet_plan_changed(p, i,
		    PTRUST_FLEET_CAPF_LSC_FIRST), 1);
		assert_int_equal(ptrust_fleet_plan_changed(p, i,
		    PTRUST_FLEET_8021X), 1);
		assert_int_equal(ptrust_fleet_plan_changed(p, i,
		    PTRUST_FLEET_VPN), 1);
		assert_int_equal(ptrust_fleet_plan_diagnosis(p, i,
		    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER),
		    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
		assert_non_null(ptrust_fleet_plan_fix(p, i,
		    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER));
	}
	assert_string_equal(ptrust_fleet_plan_capf_status(p, 0,
	    PTRUST_FLEET_CAPF_LSC_FIRST, PTRUST_FLEET_AFTER),
	    "Upgrade Failed: Invalid LSC");
	assert_int_equal(OK(p, 0, CAPF_MIC_FIRST, AFTER), 1);
	assert_int_equal(OK(p, 1, CAPF_MIC_FIRST, BEFORE), 0);
	assert_int_equal(OK(p, 1, CAPF_NULL_STRING, AFTER), 1);
	/* the MIC phone: unaffected; no MIC trusted by vpn-trust */
	for (k = 0; k < PTRUST_FLEET_CHECK_COUNT; k++)
		assert_int_equal(ptrust_fleet_plan_changed(p, 2, k), 0);
	assert_int_equal(OK(p, 2, VPN, AFTER), 0);
	assert_int_equal(OK(p, 2, 8021X, AFTER), 1);
	/* totals */
	assert_int_equal(ptrust_fleet_plan_total(p,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE,
	    PTRUST_FLEET_TOTAL_OK), 3);
	assert_int_equal(ptrust_fleet_plan_total(p,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE,
	    PTRUST_FLEET_TOTAL_LSC), 2);
	assert_int_equal(ptrust_fleet_plan_total(p,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER,
	    PTRUST_FLEET_TOTAL_OK), 1);
	assert_int_equal(ptrust_fleet_plan_total(p,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER,
	    PTRUST_FLEET_TOTAL_BREAKS), 2);
	/* needs: by MIC where the MIC is valid, else by the LSC */
	assert_int_equal(ptrust_fleet_plan_need(p, 0),
	    PTRUST_FLEET_NEED_LSC_BY_MIC);
	assert_int_equal(ptrust_fleet_plan_need(p, 1),
	    PTRUST_FLEET_NEED_LSC_BY_LSC);
	assert_int_equal(ptrust_fleet_plan_need(p, 2),
	    PTRUST_FLEET_NEED_NOTHING);
	assert_int_equal(ptrust_fleet_plan_need(p, 3),
	    PTRUST_FLEET_NEED_NOTHING);
	assert_non_null(strstr(ptrust_fleet_plan_need_text(p, 0),
	    "precedence to MIC"));
	/* the order: import the new CAPF everywhere, reissue, then retire
	 * the old one, capf-trust last, phones 1 and 2 blocking each */
	for (k = 0; k < ptrust_fleet_plan_step_count(p); k++) {
		ptrust_fleet_step_kind kind = ptrust_fleet_plan_step_kind(p, k);

		if (kind == PTRUST_FLEET_STEP_ADD_ANCHOR) {
			assert_int_equal(removals, 0);
			assert_string_equal(ptrust_fleet_plan_step_anchor(p, k),
			    "CAPF-1c2d3e4f");
			adds++;
		} else if (kind == PTRUST_FLEET_STEP_REISSUE) {
			assert_int_equal(adds, 4);
			assert_int_equal(ptrust_fleet_plan_step_blocking_count(p,
			    k), 2);
		} else if (kind == PTRUST_FLEET_STEP_REMOVE_ANCHOR) {
			assert_true(removals < 4);
			assert_string_equal(ptrust_fleet_plan_step_store(p, k),
			    order[removals]);
			assert_string_equal(ptrust_fleet_plan_step_anchor(p, k),
			    "CAPF-a6d4c572");
			assert_int_equal(ptrust_fleet_plan_step_blocking_count(p,
			    k), 2);
			assert_int_equal(ptrust_fleet_plan_step_blocking_phone(p,
			    k, 0), 0);
			assert_int_equal(ptrust_fleet_plan_step_blocking_phone(p,
			    k, 1), 1);
			removals++;
		}
	}
	assert_int_equal(adds, 4);
	assert_int_equal(removals, 4);
	/* memo: the MIC judgments the change cannot touch were not redone */
	ptrust_fleet_plan_stats(p, &judged, &reused);
	assert_true(reused > 0);
	assert_true(judged > 0);
	/* the full verdict, in the verdict schema's terms */
	assert_non_null(ptrust_fleet_plan_result(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER));
	assert_int_equal(ptrust_result_trusted(ptrust_fleet_plan_result(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER)), 0);
	assert_null(ptrust_fleet_plan_result(p, 0,
	    PTRUST_FLEET_CAPF_NULL_STRING, PTRUST_FLEET_AFTER));
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	ptrust_fleet_free(f);
	free_certs(made, 7);
}

/* A second what-if verifies again only what the change can touch. */
static void
test_memo(void **state)
{
	const struct lab *l = test_lab();
	X509 *made[7];
	ptrust_fleet *f;
	ptrust_fleet_change *ch;
	ptrust_fleet_plan *p;
	uint64_t judged0, judged, reused;

	(void)state;
	f = qa_fleet(made);
	assert_int_equal(ptrust_fleet_evaluate(f, NULL, &p), PTRUST_OK);
	ptrust_fleet_plan_stats(p, &judged0, &reused);
	/* 19 judgments; a chain judged once for the purposes whose stores
	 * offer it the same anchors */
	assert_int_equal(judged0 + reused, 19);
	assert_int_equal(judged0, 8);
	ptrust_fleet_plan_free(p);
	/* vpn-trust only: nothing but the vpn judgments can change */
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_remove_anchor(ch, "vpn-trust",
	    "CAPF-a6d4c572"), PTRUST_OK);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	ptrust_fleet_plan_stats(p, &judged, &reused);
	assert_int_equal(judged, 2);	/* phones 1 and 2 for vpn */
	assert_int_equal(reused, 17);
	assert_int_equal(ptrust_fleet_plan_changed(p, 0, PTRUST_FLEET_VPN), 1);
	assert_int_equal(ptrust_fleet_plan_changed(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS), 0);
	assert_int_equal(ptrust_fleet_plan_step_count(p), 2);
	assert_int_equal(ptrust_fleet_plan_step_kind(p, 1),
	    PTRUST_FLEET_STEP_REMOVE_ANCHOR);
	assert_string_equal(ptrust_fleet_plan_step_store(p, 1), "vpn-trust");
	assert_int_equal(ptrust_fleet_plan_step_blocking_count(p, 1), 2);
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	/* the same regeneration twice: the second takes the first's verdicts */
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_regenerate_capf(ch, NULL, NULL,
	    0), PTRUST_OK);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	ptrust_fleet_plan_stats(p, &judged, &reused);
	assert_true(judged > 0);
	ptrust_fleet_plan_free(p);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	ptrust_fleet_plan_stats(p, &judged, &reused);
	assert_int_equal(judged, 0);
	assert_int_equal(reused, 19);
	assert_int_equal(ptrust_fleet_plan_changed(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS), 1);
	assert_non_null(ptrust_fleet_plan_fix(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER));
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	(void)l;
	ptrust_fleet_free(f);
	free_certs(made, 7);
}

/* Phones of cluster A moved to cluster B: LSCs of A's CAPF break. */
static void
test_migration(void **state)
{
	const struct lab *l = test_lab();
	X509 *made[7];
	ptrust_cluster *b = ptrust_cluster_new();
	ptrust_fleet *f;
	ptrust_fleet_change *ch;
	ptrust_fleet_plan *p;
	const char *only[] = { "SEP000000000003", "SEP000000000001" };
	char *dir = test_tmpdir();

	(void)state;
	add(b, "callmanager-trust", l->capf_b, PTRUST_ROLE_AUTO);
	add(b, "capf-trust", l->capf_b, PTRUST_ROLE_AUTO);
	add(b, "manufacturing-ca", l->mfg_root, PTRUST_ROLE_MANUFACTURING);
	assert_int_equal(ptrust_cluster_save_dir(b, dir), PTRUST_OK);
	ptrust_cluster_free(b);
	f = qa_fleet(made);
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_move(ch, dir, NULL, 0),
	    PTRUST_OK);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	/* A's LSCs: unknown CA in B */
	assert_int_equal(ptrust_fleet_plan_changed(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS), 1);
	assert_int_equal(ptrust_fleet_plan_diagnosis(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	assert_int_equal(ptrust_fleet_plan_reason(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER),
	    PTRUST_REASON_UNKNOWN_CA);
	/* the MIC phone registers in B too; the phone with B's LSC now does */
	assert_int_equal(OK(p, 2, CALLMANAGER_TLS, AFTER), 1);
	assert_int_equal(ptrust_fleet_plan_changed(p, 3,
	    PTRUST_FLEET_CALLMANAGER_TLS), 2);
	/* B has no 802.1x or VPN store: not checked after */
	assert_int_equal(OK(p, 0, VPN, AFTER), -1);
	assert_int_equal(ptrust_fleet_plan_need(p, 0),
	    PTRUST_FLEET_NEED_LSC_BY_MIC);
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	/* some phones only */
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_move(ch, dir, only, 2),
	    PTRUST_OK);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	assert_int_equal(ptrust_fleet_plan_changed(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS), 1);
	assert_int_equal(ptrust_fleet_plan_changed(p, 1,
	    PTRUST_FLEET_CALLMANAGER_TLS), 0);	/* stays in A */
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	ptrust_fleet_free(f);
	free_certs(made, 7);
	test_rmtree(dir);
	free(dir);
}

/*
 * Online CA: the enterprise root (role external-ca) and its phone issuing
 * CA in callmanager-trust and capf-trust.  An LSC through the issuing CA
 * is an LSC; a laptop's certificate from the same root never is, nor a
 * device-named one from another branch of it; regenerating the CAPF
 * certificate breaks nothing.
 */
static void
test_online_ca(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_fleet *f;
	ptrust_fleet_change *ch;
	ptrust_fleet_plan *p;
	ptrust_store *snap;
	ptrust_result *r;
	ptrust_chain *chain;
	ptrust_options *o = test_options();
	X509 *lsc1, *lsc2, *mic, *laptop, *rogue, *certs[2];
	char sha[65], *pem;
	size_t len, k;
	int c_;

	(void)state;
	add(c, "callmanager-trust", l->capf_a, PTRUST_ROLE_AUTO);
	add(c, "capf-trust", l->capf_a, PTRUST_ROLE_AUTO);
	add(c, "manufacturing-ca", l->mfg_root, PTRUST_ROLE_MANUFACTURING);
	add(c, "callmanager-trust", corp_root, PTRUST_ROLE_EXTERNAL_CA);
	add(c, "callmanager-trust", issuing, PTRUST_ROLE_EXTERNAL_CA);
	add(c, "capf-trust", corp_root, PTRUST_ROLE_EXTERNAL_CA);
	add(c, "capf-trust", issuing, PTRUST_ROLE_EXTERNAL_CA);
	lsc1 = leaf("SEP0000000000A1", issuing, issuing_key, 0);
	lsc2 = leaf("SEP0000000000A2", issuing, issuing_key, 0);
	mic = leaf("SEP0000000000A2", l->mfg_ca, l->mfg_key, 0);
	laptop = leaf("ana.silva@corp.example", users_ca, users_key, 0);
	rogue = leaf("SEP0000000000A9", corp_root, corp_key, 0);
	/* before the mode is set, the root vouches for LSCs: the rogue too */
	certs[0] = rogue;
	chain = test_chain(certs, 1);
	assert_int_equal(ptrust_cluster_snapshot(c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &snap), PTRUST_OK);
	assert_int_equal(ptrust_verify_presented(snap,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, chain, o, &r), PTRUST_OK);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_store_unref(snap);
	assert_int_equal(ptrust_cluster_set_capf_mode(c,
	    PTRUST_CAPF_MODE_ONLINE_CA, "Corp_Phone_Issuing_CA"), PTRUST_OK);
	assert_non_null(ptrust_cluster_lsc_issuer(c));
	snprintf(sha, sizeof(sha), "%s", ptrust_cluster_lsc_issuer(c));
	assert_int_equal(ptrust_cluster_snapshot(c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &snap), PTRUST_OK);
	/* now only what came through the issuing CA is an LSC */
	assert_int_equal(ptrust_verify_presented(snap,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, chain, o, &r), PTRUST_OK);
	assert_int_equal(ptrust_result_trusted(r), 0);
	assert_int_not_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_chain_free(chain);
	certs[0] = laptop;
	certs[1] = users_ca;
	chain = test_chain(certs, 2);
	assert_int_equal(ptrust_verify_presented(snap,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, chain, o, &r), PTRUST_OK);
	assert_int_equal(ptrust_result_trusted(r), 0);
	assert_int_not_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_chain_free(chain);
	certs[0] = lsc1;
	chain = test_chain(certs, 1);
	assert_int_equal(ptrust_verify_presented(snap,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, chain, o, &r), PTRUST_OK);
	assert_int_equal(ptrust_result_trusted(r), 1);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_LSC);
	ptrust_result_free(r);
	ptrust_chain_free(chain);
	ptrust_store_unref(snap);

	f = fleet_of(c);
	add_phone(f, "SEP0000000000A1", lsc1, NULL, NULL, NULL);
	add_phone(f, "SEP0000000000A2", lsc2, NULL, mic, l->mfg_ca);
	assert_int_equal(ptrust_fleet_problem_count(f), 0);
	pem = pem_of(capf_new, &len);
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_regenerate_capf(ch,
	    "CAPF-a6d4c572", pem, len), PTRUST_OK);
	free(pem);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	for (k = 0; k < 2; k++)
		for (c_ = 0; c_ < PTRUST_FLEET_CHECK_COUNT; c_++)
			assert_int_equal(ptrust_fleet_plan_changed(p, k, c_), 0);
	assert_int_equal(OK(p, 0, CALLMANAGER_TLS, AFTER), 1);
	assert_int_equal(ptrust_fleet_plan_presented(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER),
	    PTRUST_PRESENTED_LSC);
	assert_int_equal(ptrust_fleet_plan_need(p, 0),
	    PTRUST_FLEET_NEED_NOTHING);
	for (k = 0; k < ptrust_fleet_plan_step_count(p); k++)
		assert_int_equal(ptrust_fleet_plan_step_blocking_count(p, k), 0);
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	/* the laptop's certificate in a fleet: never taken for a phone's */
	add_phone(f, "SEP0000000000A9", rogue, NULL, NULL, NULL);
	assert_true(ptrust_fleet_problem_count(f) >= 1);
	assert_int_equal(ptrust_fleet_problem(f, 0),
	    PTRUST_FLEET_PROBLEM_UNKNOWN_KIND);
	ptrust_fleet_free(f);
	ptrust_options_free(o);
	X509_free(lsc1);
	X509_free(lsc2);
	X509_free(mic);
	X509_free(laptop);
	X509_free(rogue);
}

/* The CA mode survives a save and a load; a name is no fingerprint. */
static void
test_capf_mode_conf(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new(), *d = ptrust_cluster_new();
	char *dir = test_tmpdir();
	const struct lab *l = test_lab();

	(void)state;
	add(c, "capf-trust", issuing, PTRUST_ROLE_EXTERNAL_CA);
	assert_int_equal(ptrust_cluster_set_capf_mode(c,
	    PTRUST_CAPF_MODE_OFFLINE_CA, "no-such-ca"),
	    PTRUST_ERR_NOT_FOUND);
	assert_int_equal(ptrust_cluster_set_capf_mode(c,
	    PTRUST_CAPF_MODE_OFFLINE_CA, "Corp_Phone_Issuing_CA"), PTRUST_OK);
	add(c, "manufacturing-ca", l->mfg_root, PTRUST_ROLE_MANUFACTURING);
	assert_int_equal(ptrust_cluster_set_cisco_ca_enabled(c,
	    "Lab_Root_CA_M2", 0), PTRUST_OK);
	assert_int_equal(ptrust_cluster_cisco_ca_enabled(c, "Lab_Root_CA_M2"),
	    0);
	assert_int_equal(ptrust_cluster_save_dir(c, dir), PTRUST_OK);
	assert_int_equal(ptrust_cluster_load_dir(d, dir), PTRUST_OK);
	assert_int_equal(ptrust_cluster_capf_mode(d),
	    PTRUST_CAPF_MODE_OFFLINE_CA);
	assert_string_equal(ptrust_cluster_lsc_issuer(d),
	    ptrust_cluster_lsc_issuer(c));
	assert_int_equal(ptrust_cluster_cisco_ca_enabled(d, "Lab_Root_CA_M2"),
	    0);
	assert_int_equal(ptrust_cluster_set_cisco_ca_enabled(d,
	    "Lab_Root_CA_M2", 1), PTRUST_OK);
	assert_int_equal(ptrust_cluster_cisco_ca_enabled(d, "Lab_Root_CA_M2"),
	    1);
	/* the issuer gone from every store: snapshots work, trusting no LSC
	 * of the enterprise CA (fail closed) */
	{
		ptrust_store *snap;

		assert_int_equal(ptrust_builder_remove(ptrust_cluster_store(d,
		    "capf-trust", 0), "Corp_Phone_Issuing_CA"), PTRUST_OK);
		assert_int_equal(ptrust_cluster_snapshot(d, PTRUST_CLUSTER_CAPF,
		    &snap), PTRUST_OK);
		for (size_t k = 0; k < ptrust_store_anchor_count(snap); k++)
			assert_int_not_equal(ptrust_anchor_role(
			    ptrust_store_anchor(snap, k)),
			    PTRUST_ROLE_EXTERNAL_CA);
		ptrust_store_unref(snap);
	}
	ptrust_cluster_free(c);
	ptrust_cluster_free(d);
	test_rmtree(dir);
	free(dir);
}

/* One Cisco CA off, and all manufacturing CAs off: MIC-only phones. */
static void
test_manufacturing_off(void **state)
{
	X509 *made[7];
	ptrust_fleet *f;
	ptrust_fleet_change *ch;
	ptrust_fleet_plan *p;

	(void)state;
	f = qa_fleet(made);
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_cisco_ca_off(ch,
	    "Lab_Root_CA_M2"), PTRUST_OK);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	/* the MIC-only phone: refused for callmanager-tls and capf, not
	 * 802.1x (radius-trust keeps its own copy) */
	assert_int_equal(ptrust_fleet_plan_changed(p, 2,
	    PTRUST_FLEET_CALLMANAGER_TLS), 1);
	assert_int_equal(ptrust_fleet_plan_changed(p, 2, PTRUST_FLEET_8021X),
	    0);
	assert_int_equal(ptrust_fleet_plan_changed(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS), 0);
	assert_int_equal(ptrust_fleet_plan_need(p, 2),
	    PTRUST_FLEET_NEED_LSC_BY_MIC);
	assert_int_equal(ptrust_fleet_plan_step_kind(p,
	    ptrust_fleet_plan_step_count(p) - 1), PTRUST_FLEET_STEP_OTHER);
	/* the MIC-only phone, and phone 4, whose MIC was its only way to
	 * a new LSC by certificate */
	assert_int_equal(ptrust_fleet_plan_step_blocking_count(p,
	    ptrust_fleet_plan_step_count(p) - 1), 2);
	assert_int_equal(ptrust_fleet_plan_need(p, 0),
	    PTRUST_FLEET_NEED_NOTHING);
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_manufacturing_off(ch), PTRUST_OK);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	assert_int_equal(ptrust_fleet_plan_changed(p, 2,
	    PTRUST_FLEET_CALLMANAGER_TLS), 1);
	assert_int_equal(ptrust_fleet_plan_changed(p, 0,
	    PTRUST_FLEET_CAPF_MIC_FIRST), 1);
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	ptrust_fleet_free(f);
	free_certs(made, 7);
}

/*
 * 2029-05-15: MICs through a manufacturing CA ending 2029-05-14 die.  A
 * MIC-only phone loses its last usable certificate that day; one with an
 * LSC keeps registering.
 */
static void
test_2029(void **state)
{
	const struct lab *l = test_lab();
	ptrust_fleet *f = fleet_of(qa_cluster());
	ptrust_fleet_change *ch;
	ptrust_fleet_plan *p;
	ptrust_fleet_timeline *t;
	X509 *m1, *m2, *lsc;
	time_t at;
	size_t k, m, found = 0;
	int y, mon;

	(void)state;
	m1 = leaf("SEP000000002029", old_mfg, old_mfg_key, 0);
	m2 = leaf("SEP000000002030", old_mfg, old_mfg_key, 0);
	lsc = leaf("SEP000000002030", l->capf_a, l->capf_a_key,
	    LAB_T0 + 3000 * LAB_DAY);
	add_phone(f, "SEP000000002029", NULL, NULL, m1, old_mfg);
	add_phone(f, "SEP000000002030", lsc, NULL, m2, old_mfg);
	assert_int_equal(ptrust_fleet_problem_count(f), 0);
	at = (time_t)1873497600;	/* 2029-05-15T00:00:00Z */
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_set_time(ch, at), PTRUST_OK);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	assert_int_equal(ptrust_fleet_plan_time(p, PTRUST_FLEET_AFTER), at);
	assert_int_equal(ptrust_fleet_plan_changed(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS), 1);
	assert_int_equal(ptrust_fleet_plan_diagnosis(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER),
	    PTRUST_DIAG_MIC_EXPIRED);
	assert_int_equal(ptrust_fleet_plan_changed(p, 1,
	    PTRUST_FLEET_CALLMANAGER_TLS), 0);
	assert_int_equal(ptrust_fleet_plan_changed(p, 1,
	    PTRUST_FLEET_CAPF_MIC_FIRST), 1);
	/* renew now, by the MIC while it lasts */
	assert_int_equal(ptrust_fleet_plan_need(p, 0),
	    PTRUST_FLEET_NEED_LSC_BY_MIC);
	assert_int_equal(ptrust_fleet_plan_usable_until(p, 0,
	    PTRUST_FLEET_BEFORE), (time_t)1873497599);
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);
	/* the timeline: the intermediate ends in May 2029, phone 1 with it */
	assert_int_equal(ptrust_fleet_timeline_new(f, NULL, TEST_NOW, 0, &t),
	    PTRUST_OK);
	for (m = 0; m < ptrust_fleet_timeline_month_count(t); m++) {
		ptrust_fleet_timeline_month(t, m, &y, &mon);
		if (y == 2029 && mon == 5) {
			assert_int_equal(ptrust_fleet_timeline_ending(t, m,
			    PTRUST_FLEET_ITEM_INTERMEDIATE), 1);
			assert_int_equal(ptrust_fleet_timeline_losing(t, m), 1);
			found = 1;
		}
	}
	assert_true(found);
	found = 0;
	for (k = 0; k < ptrust_fleet_timeline_loss_count(t); k++)
		if (ptrust_fleet_timeline_loss_time(t, k) ==
		    (time_t)1873497599) {
			assert_int_equal(ptrust_fleet_timeline_loss_phone_count(
			    t, k), 1);
			assert_string_equal(ptrust_fleet_timeline_loss_device(t,
			    k, 0), "SEP000000002029");
			found = 1;
		}
	assert_true(found);
	ptrust_fleet_timeline_free(t);
	ptrust_fleet_free(f);
	X509_free(m1);
	X509_free(m2);
	X509_free(lsc);
}

/*
 * CUCM's records: good rows, a bad date, a bad device name, a row too
 * short, an issuer no anchor carries, one several carry, a duplicate.
 */
static void
test_csv(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = qa_cluster();
	ptrust_fleet *f;
	ptrust_fleet_change *ch;
	ptrust_fleet_plan *p;
	X509 *twin1, *twin2;
	EVP_PKEY *k1 = lab_key_ec("P-256"), *k2 = lab_key_ec("P-256");
	const char csv[] =
	    "Device Name,Model,LSC Issued By,LSC Expires,"
	    "LSC Issuer Expires By\r\n"				/* 1 */
	    "SEP0000000000C1,Cisco 8845,CAPF-a6d4c572,2030-01-01,"
	    "2035-12-30\r\n"					/* 2 */
	    "SEP0000000000C2,Cisco 7841,,,\r\n"			/* 3 */
	    "SEP0000000000C3,Cisco 8845,CAPF-deadbeef,2030-01-01,"
	    "2031-01-01\r\n"					/* 4 */
	    "SEP0000000000C1,Cisco 8845,CAPF-a6d4c572,2030-01-01,"
	    "2035-12-30\r\n"					/* 5 */
	    "SEP0000000000C5,Cisco 8845,CAPF-a6d4c572,next year,"
	    "2035-12-30\r\n"					/* 6 */
	    "not a device!,Cisco 8845,CAPF-a6d4c572,2030-01-01,"
	    "2035-12-30\r\n"					/* 7 */
	    "SEP0000000000C7,Cisco 8845\r\n"			/* 8 */
	    "\"SEP0000000000C8\",\"Cisco \"\"8865\"\"\",CAPF-twin,"
	    "01/31/2027,2035-12-30\r\n"				/* 9 */
	    "SEP0000000000C9,Cisco 8845,CAPF-a6d4c572,2026-01-15,"
	    "2035-12-30\r\n";					/* 10 */
	size_t i;
	int codes[16] = { 0 };
	size_t lines[16] = { 0 };

	(void)state;
	twin1 = ca("CAPF-twin", "A", "X", k1, NULL, NULL, 0, 0);
	twin2 = ca("CAPF-twin", "B", "Y", k2, NULL, NULL, 0, 0);
	add(c, "callmanager-trust", twin1, PTRUST_ROLE_CAPF);
	add(c, "vpn-trust", twin2, PTRUST_ROLE_CAPF);
	f = fleet_of(c);
	assert_int_equal(ptrust_fleet_load_mem(f, csv, sizeof(csv) - 1,
	    "phones.csv", PTRUST_FLEET_FORMAT_AUTO), PTRUST_OK);
	/* C1, C2, C3, C8, C9 in; C1 again, C5, line 7, C7 out */
	assert_int_equal(ptrust_fleet_phone_count(f), 5);
	assert_true(ptrust_fleet_problem_count(f) <= 16);
	for (i = 0; i < ptrust_fleet_problem_count(f); i++) {
		codes[i] = ptrust_fleet_problem(f, i);
		lines[i] = ptrust_fleet_problem_line(f, i);
		assert_string_equal(ptrust_fleet_problem_file(f, i),
		    "phones.csv");
	}
	assert_int_equal(ptrust_fleet_problem_count(f), 6);
	assert_int_equal(codes[0], PTRUST_FLEET_PROBLEM_UNKNOWN_ISSUER);
	assert_int_equal(lines[0], 4);
	assert_int_equal(codes[1], PTRUST_FLEET_PROBLEM_DUPLICATE_DEVICE);
	assert_int_equal(lines[1], 5);
	assert_int_equal(codes[2], PTRUST_FLEET_PROBLEM_BAD_ROW);
	assert_int_equal(lines[2], 6);
	assert_int_equal(codes[3], PTRUST_FLEET_PROBLEM_BAD_ROW);
	assert_int_equal(lines[3], 7);
	assert_int_equal(codes[4], PTRUST_FLEET_PROBLEM_BAD_ROW);
	assert_int_equal(lines[4], 8);
	assert_int_equal(codes[5], PTRUST_FLEET_PROBLEM_AMBIGUOUS_ISSUER);
	assert_int_equal(lines[5], 9);
	assert_string_equal(ptrust_fleet_phone_model(f, 3), "Cisco \"8865\"");
	assert_int_equal(ptrust_fleet_phone_evidence(f, 1,
	    PTRUST_PRESENTED_LSC), PTRUST_FLEET_EVIDENCE_NONE);

	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_regenerate_capf(ch,
	    "CAPF-a6d4c572", NULL, 0), PTRUST_OK);
	assert_int_equal(ptrust_fleet_evaluate(f, ch, &p), PTRUST_OK);
	/* C1: trusted by record before, its issuer gone after */
	assert_int_equal(OK(p, 0, CALLMANAGER_TLS, BEFORE), 1);
	assert_int_equal(ptrust_fleet_plan_evidence(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE),
	    PTRUST_FLEET_EVIDENCE_RECORD);
	assert_int_equal(ptrust_result_evidence(ptrust_fleet_plan_result(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE)),
	    PTRUST_EVIDENCE_NAME);
	assert_int_equal(ptrust_fleet_plan_changed(p, 0,
	    PTRUST_FLEET_CALLMANAGER_TLS), 1);
	/* no MIC known: only the LSC or a string can authenticate it */
	assert_int_equal(ptrust_fleet_plan_need(p, 0),
	    PTRUST_FLEET_NEED_LSC_BY_LSC);
	/* C2: no LSC, no MIC record: nothing to present */
	assert_int_equal(OK(p, 1, CALLMANAGER_TLS, BEFORE), 0);
	assert_int_equal(ptrust_fleet_plan_diagnosis(p, 1,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE),
	    PTRUST_DIAG_NO_CERTIFICATE);
	/* C3: unknown issuer, never guessed */
	assert_int_equal(OK(p, 2, CALLMANAGER_TLS, BEFORE), 0);
	assert_int_equal(ptrust_fleet_plan_reason(p, 2,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE),
	    PTRUST_REASON_UNKNOWN_CA);
	/* C8: ambiguous in the cluster, but callmanager-trust holds one */
	assert_int_equal(ptrust_fleet_plan_evidence(p, 3,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE),
	    PTRUST_FLEET_EVIDENCE_RECORD);
	/* C9: the record says its LSC expired on 2026-01-15 */
	assert_int_equal(OK(p, 4, CALLMANAGER_TLS, BEFORE), 0);
	assert_int_equal(ptrust_fleet_plan_reason(p, 4,
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_BEFORE),
	    PTRUST_REASON_EXPIRED);
	ptrust_fleet_plan_free(p);
	ptrust_fleet_change_free(ch);

	/* a header without the columns: the load fails as a whole */
	assert_int_equal(ptrust_fleet_load_mem(f, "a,b\n1,2\n", 8, "x.csv",
	    PTRUST_FLEET_FORMAT_CSV), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_fleet_error(f), "x.csv line 1"));
	ptrust_fleet_free(f);
	X509_free(twin1);
	X509_free(twin2);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	(void)l;
}

/* A certificate directory: kinds by the cluster, not by file names. */
static void
test_directory(void **state)
{
	static const char damaged_pem[] = "-----BEGIN CERTIFICATE-----\n"
	    "MIIB\n-----END CERTIFICATE-----\n";
	const struct lab *l = test_lab();
	ptrust_fleet *f = fleet_of(qa_cluster());
	char *dir = test_tmpdir(), path[4096];
	X509 *lsc, *mic, *chain[2];

	(void)state;
	lsc = leaf("SEP0000000000D1", l->capf_a, l->capf_a_key, 0);
	mic = leaf("CP-8845-SEP0000000000D1", l->mfg_ca, l->mfg_key, 0);
	/* names that lie: the LSC in "mic.pem", the MIC in "lsc.pem" */
	snprintf(path, sizeof(path), "%s/mic.pem", dir);
	assert_int_equal(lab_write_pem(path, &lsc, 1), 0);
	chain[0] = mic;
	chain[1] = l->mfg_ca;
	snprintf(path, sizeof(path), "%s/lsc.pem", dir);
	assert_int_equal(lab_write_pem(path, chain, 2), 0);
	snprintf(path, sizeof(path), "%s/capf.pem", dir);
	assert_int_equal(lab_write_pem(path, &l->capf_a, 1), 0);
	snprintf(path, sizeof(path), "%s/junk.pem", dir);
	assert_int_equal(lab_write_file(path, "not a certificate\n", 18,
	    0644), 0);
	/* PEM, damaged: a bad file, said why (was taken for "no phone's") */
	snprintf(path, sizeof(path), "%s/damaged.pem", dir);
	assert_int_equal(lab_write_file(path, damaged_pem,
	    sizeof(damaged_pem) - 1, 0644), 0);
	assert_int_equal(ptrust_fleet_load(f, dir, PTRUST_FLEET_FORMAT_DIR),
	    PTRUST_OK);
	{
		size_t i, damaged = 0;

		for (i = 0; i < ptrust_fleet_problem_count(f); i++) {
			const char *file = ptrust_fleet_problem_file(f, i);

			if (strstr(file, "/damaged.pem") == NULL)
				continue;
			damaged++;
			assert_int_equal(ptrust_fleet_problem(f, i),
			    PTRUST_FLEET_PROBLEM_BAD_FILE);
			assert_non_null(strstr(ptrust_fleet_problem_message(f,
			    i), "not a certificate"));
		}
		assert_int_equal(damaged, 1);
	}
	assert_int_equal(ptrust_fleet_phone_count(f), 1);
	assert_string_equal(ptrust_fleet_phone_device(f, 0),
	    "SEP0000000000D1");
	assert_non_null(strstr(ptrust_fleet_phone_issuer(f, 0,
	    PTRUST_PRESENTED_LSC), "CAPF-a6d4c572"));
	assert_non_null(strstr(ptrust_fleet_phone_issuer(f, 0,
	    PTRUST_PRESENTED_MIC), "Manufacturing"));
	/* capf, junk, damaged */
	assert_int_equal(ptrust_fleet_problem_count(f), 3);
	/* the same directory again: every device a duplicate */
	assert_int_equal(ptrust_fleet_load(f, dir, PTRUST_FLEET_FORMAT_AUTO),
	    PTRUST_OK);
	assert_int_equal(ptrust_fleet_phone_count(f), 1);
	assert_int_equal(ptrust_fleet_problem(f,
	    ptrust_fleet_problem_count(f) - 2),
	    PTRUST_FLEET_PROBLEM_DUPLICATE_DEVICE);
	ptrust_fleet_free(f);
	X509_free(lsc);
	X509_free(mic);
	test_rmtree(dir);
	free(dir);
}

/* JSON: strict, and records only. */
static void
test_json(void **state)
{
	ptrust_fleet *f = fleet_of(qa_cluster());
	const char good[] = "[{\"device\":\"SEP0000000000E1\","
	    "\"presented\":\"lsc\",\"issuer\":null,"
	    "\"chain\":[\"CN=SEP0000000000E1\",\"CN=CAPF-a6d4c572\"]},"
	    "{\"device\":\"bad device\",\"presented\":\"lsc\"}]";
	const char *bad[] = { "[1,]", "{\"a\":1,\"a\":2}", "[\"\\u0000\"]",
	    "[\"\xff\"]", "{} x", "[01]", "" };
	size_t i;

	(void)state;
	assert_int_equal(ptrust_fleet_load_mem(f, good, sizeof(good) - 1,
	    "v.json", PTRUST_FLEET_FORMAT_VERDICT), PTRUST_OK);
	assert_int_equal(ptrust_fleet_phone_count(f), 1);
	assert_int_equal(ptrust_fleet_phone_evidence(f, 0,
	    PTRUST_PRESENTED_LSC), PTRUST_FLEET_EVIDENCE_RECORD);
	assert_int_equal(ptrust_fleet_problem(f, 0),
	    PTRUST_FLEET_PROBLEM_BAD_ROW);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ptrust_fleet_load_mem(f, bad[i],
		    strlen(bad[i]), "b.json", PTRUST_FLEET_FORMAT_VERDICT),
		    PTRUST_ERR_PARSE);
	ptrust_fleet_free(f);
}

/* Two threads and one give the same plan (enough phones for both). */
static void
test_threads_agree(void **state)
{
	const struct lab *l = test_lab();
	ptrust_fleet *f[2];
	ptrust_fleet_change *ch;
	ptrust_fleet_plan *p[2];
	X509 *x[600];
	char dev[32];
	size_t i, n = 300;
	int t, c, side;

	(void)state;
	for (i = 0; i < n; i++) {
		snprintf(dev, sizeof(dev), "SEP0000000%05zX", i);
		x[2 * i] = i % 3 == 0 ? NULL : leaf(dev, l->capf_a,
		    l->capf_a_key, 0);
		x[2 * i + 1] = leaf(dev, l->mfg_ca, l->mfg_key, i % 7 == 0 ?
		    LAB_T0 + 10 * LAB_DAY : 0);
	}
	assert_non_null(ch = ptrust_fleet_change_new());
	assert_int_equal(ptrust_fleet_change_regenerate_capf(ch, NULL, NULL,
	    0), PTRUST_OK);
	for (t = 0; t < 2; t++) {
		f[t] = fleet_of(qa_cluster());
		assert_int_equal(ptrust_fleet_set_threads(f[t], t + 1),
		    PTRUST_OK);
		for (i = 0; i < n; i++) {
			snprintf(dev, sizeof(dev), "SEP0000000%05zX", i);
			add_phone(f[t], dev, x[2 * i], NULL, x[2 * i + 1],
			    l->mfg_ca);
		}
		assert_int_equal(ptrust_fleet_evaluate(f[t], ch, &p[t]),
		    PTRUST_OK);
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(ptrust_fleet_plan_need(p[0], i),
		    ptrust_fleet_plan_need(p[1], i));
		for (c = 0; c < PTRUST_FLEET_CHECK_COUNT; c++)
			for (side = 0; side < 2; side++) {
				assert_int_equal(ptrust_fleet_plan_ok(p[0], i, c,
				    side), ptrust_fleet_plan_ok(p[1], i, c,
				    side));
				assert_int_equal(ptrust_fleet_plan_diagnosis(p[0],
				    i, c, side), ptrust_fleet_plan_diagnosis(
				    p[1], i, c, side));
			}
	}
	/* every LSC phone breaks for callmanager-tls */
	assert_int_equal(ptrust_fleet_plan_total(p[1],
	    PTRUST_FLEET_CALLMANAGER_TLS, PTRUST_FLEET_AFTER,
	    PTRUST_FLEET_TOTAL_BREAKS), 200);
	for (t = 0; t < 2; t++) {
		ptrust_fleet_plan_free(p[t]);
		ptrust_fleet_free(f[t]);
	}
	ptrust_fleet_change_free(ch);
	for (i = 0; i < 2 * n; i++)
		X509_free(x[i]);
}

/*
 * Out of memory at every allocation in turn, through a load, an
 * evaluation, a full verdict and a timeline: each call fails cleanly or
 * works (ASan and valgrind see the leaks), and a phone the regeneration
 * breaks is never said to work after it.
 */
static void
test_oom(void **state)
{
	const struct lab *l = test_lab();
	const char csv[] = "Device Name,LSC Issued By,LSC Expires,"
	    "LSC Issuer Expires By\nSEP0000000000F1,CAPF-a6d4c572,2030-01-01,"
	    "2035-01-01\nSEP0000000000F2,CAPF-none,2030-01-01,\nbad,x,y,z\n";
	X509 *lsc = leaf("SEP0000000000F3", l->capf_a, l->capf_a_key, 0);
	X509 *mic = leaf("SEP0000000000F3", l->mfg_ca, l->mfg_key, 0);
	size_t len;
	char *pem = pem_of(capf_new, &len);
	long k, reached = 0;

	(void)state;
	/* every allocation of the first 256, then ever sparser: the paths
	 * that free are the same ones again and again */
	for (k = 1; k < 2000000; k += k < 256 ? 1 : k / 32) {
		ptrust_cluster *c = qa_cluster();
		ptrust_options *o = test_options();
		ptrust_fleet *f = NULL;
		ptrust_fleet_change *ch = NULL;
		ptrust_fleet_plan *p = NULL;
		ptrust_fleet_timeline *t = NULL;
		ptrust_phone *ph = NULL;
		ptrust_chain *chain = NULL;
		X509 *two[2] = { mic, l->mfg_ca };
		int done;

		test_oom_fail_at(k);
		if ((f = ptrust_fleet_new()) == NULL) {
			ptrust_cluster_free(c);
			goto next;
		}
		if (ptrust_fleet_set_cluster(f, c) != PTRUST_OK) {
			ptrust_cluster_free(c);
			goto next;
		}
		if (ptrust_fleet_set_options(f, o) != PTRUST_OK ||
		    ptrust_fleet_load_mem(f, csv, sizeof(csv) - 1, "oom.csv",
		    PTRUST_FLEET_FORMAT_CSV) != PTRUST_OK)
			goto next;
		if ((ph = ptrust_phone_new("SEP0000000000F3")) == NULL ||
		    (chain = ptrust_chain_new()) == NULL ||
		    ptrust_chain_add_x509(chain, lsc) != PTRUST_OK ||
		    ptrust_phone_set_lsc(ph, chain) != PTRUST_OK)
			goto next;
		ptrust_chain_free(chain);
		if ((chain = ptrust_chain_new()) == NULL ||
		    ptrust_chain_add_x509(chain, two[0]) != PTRUST_OK ||
		    ptrust_chain_add_x509(chain, two[1]) != PTRUST_OK ||
		    ptrust_phone_set_mic(ph, chain) != PTRUST_OK ||
		    ptrust_fleet_add_phone(f, ph) != PTRUST_OK)
			goto next;
		if ((ch = ptrust_fleet_change_new()) == NULL ||
		    ptrust_fleet_change_regenerate_capf(ch, NULL, pem, len) !=
		    PTRUST_OK || ptrust_fleet_evaluate(f, ch, &p) != PTRUST_OK)
			goto next;
		/* whatever memory allowed: a broken phone never works after */
		{
			long i = ptrust_fleet_find_phone(f, "SEP0000000000F3");

			if (i >= 0)
				assert_int_not_equal(ptrust_fleet_plan_ok(p,
				    (size_t)i, PTRUST_FLEET_CALLMANAGER_TLS,
				    PTRUST_FLEET_AFTER), 1);
			if (i >= 0)
				(void)ptrust_fleet_plan_result(p, (size_t)i,
				    PTRUST_FLEET_CALLMANAGER_TLS,
				    PTRUST_FLEET_AFTER);
		}
		(void)ptrust_fleet_timeline_new(f, ch, TEST_NOW, 0, &t);
next:
		done = !test_oom_stop();
		if (!done)
			reached++;
		ptrust_fleet_timeline_free(t);
		ptrust_fleet_plan_free(p);
		ptrust_fleet_change_free(ch);
		ptrust_chain_free(chain);
		ptrust_phone_free(ph);
		ptrust_fleet_free(f);
		ptrust_options_free(o);
		if (done)
			break;
	}
	assert_true(reached > 256);
	free(pem);
	X509_free(lsc);
	X509_free(mic);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qa_regenerate_capf),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_online_ca),
		cmocka_unit_test(test_capf_mode_conf),
		cmocka_unit_test(test_manufacturing_off),
		cmocka_unit_test(test_2029),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_threads_agree),
		cmocka_unit_test(test_oom),
	};

	if (!test_oom_hook()) {
		fprintf(stderr, "cannot hook OpenSSL's allocator\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
