/* The cluster model: stores, built-in Cisco CAs, settings on disk, snapshots per purpose, phones. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <phonetrust-cluster.h>

#include "testutil.h"

static ptrust_options *
opts_any(void)
{
	ptrust_options *o = test_options();

	assert_int_equal(ptrust_options_set_eku(o, PTRUST_EKU_ANY),
	    PTRUST_OK);
	return o;
}

static void
new_cluster_has_cucm_stores(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_builder *mfg;

	(void)state;
	assert_non_null(c);
	assert_int_equal(ptrust_cluster_store_count(c), 3);
	assert_string_equal(ptrust_cluster_store_name(c, 0), "callmanager-trust");
	assert_string_equal(ptrust_cluster_store_name(c, 1), "capf-trust");
	assert_string_equal(ptrust_cluster_store_name(c, 2), "manufacturing-ca");
	assert_null(ptrust_cluster_store_name(c, 3));
	assert_int_equal(ptrust_builder_anchor_count(
	    ptrust_cluster_store(c, "callmanager-trust", 0)), 0);
	assert_non_null(mfg = ptrust_cluster_store(c, "manufacturing-ca", 0));
	assert_int_equal(ptrust_builder_anchor_count(mfg), 8);
	assert_non_null(ptrust_builder_find(mfg, "Cisco_Manufacturing_CA_SHA2"));
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(mfg,
	    "Cisco_Root_CA_2048")), PTRUST_ROLE_MANUFACTURING);
	assert_true(ptrust_cluster_manufacturing_trusted(c));
	ptrust_cluster_free(c);
	ptrust_cluster_free(NULL);
}

/* The built-in CAs are exactly the files of data/cisco. */
static void
builtin_cas_match_files(void **state)
{
	static const char *const files[] = {
		"act2-ecc-sudi-ca.pem", "act2-sudi-ca.pem",
		"cisco-ecc-root-ca.pem", "cisco-manufacturing-ca-sha2.pem",
		"cisco-manufacturing-ca.pem", "cisco-root-ca-2048.pem",
		"cisco-root-ca-m1.pem", "cisco-root-ca-m2.pem",
	};
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_builder *mfg = ptrust_cluster_store(c, "manufacturing-ca", 0);
	ptrust_builder *b = ptrust_builder_new("check");
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "data/cisco/%s", files[i]);
		assert_int_equal(ptrust_builder_add_file(b, test_srcpath(rel),
		    NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
		assert_non_null(ptrust_builder_find(mfg, ptrust_anchor_sha256(
		    ptrust_builder_anchor(b, i))));
	}
	ptrust_builder_free(b);
	ptrust_cluster_free(c);
}

static void
stores_add_remove(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new();

	(void)state;
	assert_null(ptrust_cluster_store(c, "radius-trust", 0));
	assert_non_null(ptrust_cluster_store(c, "radius-trust", 1));
	assert_int_equal(ptrust_cluster_store_count(c), 4);
	assert_null(ptrust_cluster_store(c, "../evil", 1));
	assert_null(ptrust_cluster_store(c, "a/b", 1));
	assert_int_equal(ptrust_cluster_remove_store(c, "capf-trust"),
	    PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_cluster_error(c), "cannot be removed"));
	assert_int_equal(ptrust_cluster_remove_store(c, "nope"),
	    PTRUST_ERR_NOT_FOUND);
	assert_int_equal(ptrust_cluster_remove_store(c, "radius-trust"),
	    PTRUST_OK);
	assert_int_equal(ptrust_cluster_store_count(c), 3);
	assert_int_equal(ptrust_cluster_remove_store(NULL, "x"), PTRUST_ERR_ARG);
	ptrust_cluster_free(c);
}

static void
purposes_and_snapshots(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_store *s = NULL;
	ptrust_cluster_purpose p;

	(void)state;
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->capf_a, NULL, PTRUST_ROLE_AUTO),
	    PTRUST_OK);
	/* callmanager-tls: the CAPF plus the 8 manufacturing CAs */
	assert_int_equal(ptrust_cluster_snapshot(c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &s), PTRUST_OK);
	assert_string_equal(ptrust_store_name(s), "callmanager-trust");
	assert_int_equal(ptrust_store_anchor_count(s), 9);
	ptrust_store_unref(s);
	/* Cisco's hardening advice: manufacturing CAs out */
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 0),
	    PTRUST_OK);
	assert_int_equal(ptrust_cluster_snapshot(c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &s), PTRUST_OK);
	assert_int_equal(ptrust_store_anchor_count(s), 1);
	ptrust_store_unref(s);
	/* 802.1x has no store until one is named */
	assert_int_equal(ptrust_cluster_snapshot(c, PTRUST_CLUSTER_8021X, &s),
	    PTRUST_ERR_ARG);
	assert_null(s);
	assert_non_null(strstr(ptrust_cluster_error(c), "802.1x"));
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_8021X, "radius-trust"), PTRUST_OK);
	assert_string_equal(ptrust_cluster_purpose_store(c,
	    PTRUST_CLUSTER_8021X), "radius-trust");
	assert_int_equal(ptrust_cluster_snapshot(c, PTRUST_CLUSTER_8021X, &s),
	    PTRUST_ERR_NOT_FOUND);
	assert_non_null(ptrust_cluster_store(c, "radius-trust", 1));
	assert_int_equal(ptrust_cluster_snapshot(c, PTRUST_CLUSTER_8021X, &s),
	    PTRUST_OK);
	assert_int_equal(ptrust_store_anchor_count(s), 0);
	ptrust_store_unref(s);
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_CAPF, "x"), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_VPN, "../x"), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cluster_snapshot(c, 9, &s), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cluster_purpose_from_name("802.1x", &p), 0);
	assert_int_equal(p, PTRUST_CLUSTER_8021X);
	assert_int_equal(ptrust_cluster_purpose_from_name("callmanager-tls",
	    &p), 0);
	assert_int_equal(p, PTRUST_CLUSTER_CALLMANAGER_TLS);
	assert_int_equal(ptrust_cluster_purpose_from_name("tls", &p), -1);
	assert_string_equal(ptrust_cluster_purpose_name(PTRUST_CLUSTER_VPN),
	    "vpn");
	assert_null(ptrust_cluster_purpose_name(17));
	ptrust_cluster_free(c);
}

static void
save_load_round_trip(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new(), *d = ptrust_cluster_new();
	char *dir = test_tmpdir(), path[4096];
	struct stat st;
	FILE *f;

	(void)state;
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "capf-trust", 0), l->capf_a, NULL, PTRUST_ROLE_AUTO), PTRUST_OK);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "radius-trust", 1), l->capf_b, NULL, PTRUST_ROLE_EXTERNAL_CA),
	    PTRUST_OK);
	assert_int_equal(ptrust_cluster_set_purpose_store(c,
	    PTRUST_CLUSTER_8021X, "radius-trust"), PTRUST_OK);
	assert_int_equal(ptrust_cluster_set_manufacturing_trusted(c, 0),
	    PTRUST_OK);
	assert_int_equal(ptrust_cluster_save_dir(c, dir), PTRUST_OK);
	snprintf(path, sizeof(path), "%s/manufacturing-ca/Cisco_Root_CA_M2.pem",
	    dir);
	assert_int_equal(stat(path, &st), 0);	/* installable as files */
	assert_int_equal(ptrust_cluster_load_dir(d, dir), PTRUST_OK);
	assert_int_equal(ptrust_cluster_store_count(d), 4);
	assert_string_equal(ptrust_cluster_store_name(d, 3), "radius-trust");
	assert_false(ptrust_cluster_manufacturing_trusted(d));
	assert_string_equal(ptrust_cluster_purpose_store(d,
	    PTRUST_CLUSTER_8021X), "radius-trust");
	assert_null(ptrust_cluster_purpose_store(d, PTRUST_CLUSTER_VPN));
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(
	    ptrust_cluster_store(d, "radius-trust", 0), "CAPF-0badcafe")),
	    PTRUST_ROLE_EXTERNAL_CA);
	assert_int_equal(ptrust_builder_anchor_count(ptrust_cluster_store(d,
	    "manufacturing-ca", 0)), 8);
	/* a damaged cluster.conf: refused, nothing changed */
	snprintf(path, sizeof(path), "%s/cluster.conf", dir);
	assert_non_null(f = fopen(path, "a"));
	fputs("colour = blue\n", f);
	fclose(f);
	assert_int_equal(ptrust_cluster_load_dir(d, dir), PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_cluster_error(d), "colour"));
	assert_int_equal(ptrust_cluster_store_count(d), 4);
	assert_int_equal(ptrust_cluster_load_dir(d, "/nonexistent/x"),
	    PTRUST_ERR_IO);
	assert_int_equal(ptrust_cluster_load_dir(d, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cluster_save_dir(d, NULL), PTRUST_ERR_ARG);
	ptrust_cluster_free(c);
	ptrust_cluster_free(d);
	test_rmtree(dir);
	free(dir);
}

/* A directory made by hand (no cluster.conf): every sub-directory is a store. */
static void
load_hand_made_directory(void **state)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new();
	char *dir = test_tmpdir(), path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s/callmanager-trust", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/callmanager-trust/CAPF-a6d4c572.pem",
	    dir);
	assert_int_equal(lab_write_pem(path, &l->capf_a, 1), 0);
	snprintf(path, sizeof(path), "%s/vpn-trust", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(ptrust_cluster_load_dir(c, dir), PTRUST_OK);
	assert_int_equal(ptrust_cluster_store_count(c), 4);
	assert_int_equal(ptrust_builder_anchor_count(ptrust_cluster_store(c,
	    "manufacturing-ca", 0)), 0);
	assert_int_equal(ptrust_anchor_role(ptrust_builder_find(
	    ptrust_cluster_store(c, "callmanager-trust", 0), "CAPF-a6d4c572")),
	    PTRUST_ROLE_CAPF);
	assert_non_null(ptrust_cluster_store(c, "vpn-trust", 0));
	ptrust_cluster_free(c);
	test_rmtree(dir);
	free(dir);
}

static void
phone_objects(void **state)
{
	const struct lab *l = test_lab();
	ptrust_chain *ch = test_chain(&l->lsc_a, 1), *empty = ptrust_chain_new();
	ptrust_phone *p;

	(void)state;
	assert_null(ptrust_phone_new(NULL));
	assert_null(ptrust_phone_new(""));
	assert_null(ptrust_phone_new("SEP0011"));	/* MAC too short */
	assert_null(ptrust_phone_new("SEP00112233445G"));
	assert_null(ptrust_phone_new("bad/name"));
	assert_non_null(p = ptrust_phone_new("CSFjdoe"));
	ptrust_phone_free(p);
	assert_non_null(p = ptrust_phone_new("Sepia-lobby"));
	ptrust_phone_free(p);
	assert_non_null(p = ptrust_phone_new("SEP001122334455"));
	assert_string_equal(ptrust_phone_device(p), "SEP001122334455");
	assert_false(ptrust_phone_has_lsc(p));
	assert_int_equal(ptrust_phone_set_lsc(p, empty), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_phone_set_lsc(p, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_phone_set_lsc(p, ch), PTRUST_OK);
	ptrust_chain_free(ch);	/* the phone keeps its own copy */
	assert_true(ptrust_phone_has_lsc(p));
	assert_false(ptrust_phone_has_mic(p));
	ptrust_phone_delete_lsc(p);
	assert_false(ptrust_phone_has_lsc(p));
	assert_int_equal(ptrust_phone_set_mic(NULL, empty), PTRUST_ERR_ARG);
	assert_null(ptrust_phone_device(NULL));
	ptrust_phone_free(p);
	ptrust_phone_free(NULL);
	ptrust_chain_free(empty);
}

/* MIC subjects carry the model: CN=CP-8841-SEP001122334455. */
static void
identity_binding_accepts_model_prefix(void **state)
{
	const struct lab *l = test_lab();
	struct lab_spec s;
	EVP_PKEY *k = lab_key_rsa(2048);
	X509 *mic, *chain[2];
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_phone *p = ptrust_phone_new("SEP001122334455");
	ptrust_phone *other = ptrust_phone_new("SEP0011223344FF");
	ptrust_options *o = test_options();
	ptrust_chain *ch;
	ptrust_result *r;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.cn = "CP-8841-SEP001122334455";
	s.o = "Cisco Systems Inc.";
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	mic = lab_issue(&s, k, l->mfg_ca, l->mfg_key);
	chain[0] = mic;
	chain[1] = l->mfg_ca;
	ch = test_chain(chain, 2);
	/* the rule on its own: names only, any case, the leaf only */
	assert_int_equal(ptrust_chain_names_device(ch, "SEP001122334455"), 1);
	assert_int_equal(ptrust_chain_names_device(ch, "sep001122334455"), 1);
	assert_int_equal(ptrust_chain_names_device(ch, "SEP0011223344FF"), 0);
	assert_int_equal(ptrust_chain_names_device(ch, "8841-SEP001122334455"),
	    0);
	assert_int_equal(ptrust_chain_names_device(ch, "SEP0011"), 0);
	assert_int_equal(ptrust_chain_names_device(ch, NULL), 0);
	assert_int_equal(ptrust_chain_names_device(NULL, "SEP001122334455"),
	    0);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "manufacturing-ca", 0), l->mfg_root, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	assert_int_equal(ptrust_phone_set_mic(p, ch), PTRUST_OK);
	assert_int_equal(ptrust_phone_set_mic(other, ch), PTRUST_OK);
	assert_int_equal(ptrust_cluster_verify_phone(c, p,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o, 0, &r), PTRUST_OK);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_result_kind(r), PTRUST_KIND_MIC);
	assert_string_equal(ptrust_result_device(r), "SEP001122334455");
	assert_int_equal(ptrust_result_diagnosis(r), PTRUST_DIAG_NONE);
	assert_null(ptrust_result_fix(r));
	ptrust_result_free(r);
	assert_int_equal(ptrust_cluster_verify_phone(c, other,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o, 0, &r), PTRUST_OK);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_IDENTITY_MISMATCH, 0));
	assert_int_equal(ptrust_result_tls_alert(r), PTRUST_ALERT_ACCESS_DENIED);
	ptrust_result_free(r);
	/* argument errors */
	assert_int_equal(ptrust_cluster_verify_phone(c, p,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o, 0x100, &r), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cluster_verify_phone(NULL, p,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o, 0, &r), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cluster_verify_phone(c, p,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o, 0, NULL), PTRUST_ERR_ARG);
	ptrust_chain_free(ch);
	ptrust_phone_free(p);
	ptrust_phone_free(other);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
	X509_free(mic);
	EVP_PKEY_free(k);
}

static void
names_of_new_enums(void **state)
{
	ptrust_auth_mode m;
	int d;

	(void)state;
	for (d = PTRUST_DIAG_NONE; d <= PTRUST_DIAG_UNTRUSTED_CERTIFICATE; d++)
		assert_non_null(ptrust_diagnosis_name(d));
	assert_string_equal(ptrust_diagnosis_name(
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER), "lsc-from-other-cluster");
	assert_string_equal(ptrust_diagnosis_name(PTRUST_DIAG_INVALID_LSC),
	    "invalid-lsc");
	assert_string_equal(ptrust_diagnosis_name(PTRUST_DIAG_MIC_EXPIRED),
	    "mic-expired");
	assert_null(ptrust_diagnosis_name(99));
	assert_string_equal(ptrust_auth_mode_name(PTRUST_AUTH_LSC_FIRST),
	    "lsc-first");
	assert_int_equal(ptrust_auth_mode_from_name("null-string", &m), 0);
	assert_int_equal(m, PTRUST_AUTH_NULL_STRING);
	assert_int_equal(ptrust_auth_mode_from_name("x", &m), -1);
	assert_null(ptrust_auth_mode_name(9));
	(void)opts_any;
}

/*
 * A phone's LSC whose CN is "SEP001122334455\0.attacker.example": valid,
 * from this cluster's CAPF, and yet not the certificate of phone
 * SEP001122334455, which must not register with it.
 */
static void
verify_phone_nul_in_cn_is_another_device(void **state)
{
	static const char cn[] = "SEP001122334455\0.attacker.example";
	const struct lab *l = test_lab();
	struct lab_spec s;
	X509_NAME *n = X509_NAME_new();
	X509 *lsc;
	ptrust_cluster *c = ptrust_cluster_new();
	ptrust_phone *p = ptrust_phone_new("SEP001122334455");
	ptrust_options *o = test_options();
	ptrust_chain *ch;
	ptrust_result *r;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.cn = "placeholder";
	s.pathlen = -1;
	s.eku = "clientAuth,serverAuth";
	assert_non_null(lsc = lab_issue(&s, l->lsc_a_key, l->capf_a,
	    l->capf_a_key));
	assert_true(X509_NAME_add_entry_by_NID(n, NID_commonName,
	    V_ASN1_UTF8STRING, (const unsigned char *)cn,
	    (int)sizeof(cn) - 1, -1, 0));
	assert_true(X509_set_subject_name(lsc, n));
	X509_NAME_free(n);
	assert_true(X509_sign(lsc, l->capf_a_key, EVP_sha256()) > 0);
	ch = test_chain(&lsc, 1);
	assert_int_equal(ptrust_builder_add_x509(ptrust_cluster_store(c,
	    "callmanager-trust", 0), l->capf_a, NULL, PTRUST_ROLE_CAPF),
	    PTRUST_OK);
	assert_int_equal(ptrust_phone_set_lsc(p, ch), PTRUST_OK);
	assert_int_equal(ptrust_cluster_verify_phone(c, p,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o, 0, &r), PTRUST_OK);
	assert_false(ptrust_result_trusted(r));
	assert_int_equal(ptrust_result_presented(r), PTRUST_PRESENTED_LSC);
	assert_true(test_has_reason(r, PTRUST_REASON_IDENTITY_MISMATCH, 0));
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_IDENTITY_MISMATCH);
	ptrust_result_free(r);
	ptrust_chain_free(ch);
	ptrust_phone_free(p);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
	X509_free(lsc);
}

/*
 * Issue 13: writers of one cluster directory exclude each other with its
 * lock; the error paths of the lock calls.
 */
static void
cluster_lock_dir_excludes_writers(void **state)
{
	ptrust_cluster *c = ptrust_cluster_new(), *c2;
	char *dir = test_tmpdir(), path[4096], mark[4096];
	struct stat sb;
	pid_t pid;
	int status;

	(void)state;
	assert_non_null(c);
	snprintf(path, sizeof(path), "%s/cluster.lock", dir);
	snprintf(mark, sizeof(mark), "%s/child-had-it", dir);
	assert_int_equal(ptrust_cluster_lock_dir(NULL, dir), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cluster_lock_dir(c, NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cluster_unlock_dir(NULL), PTRUST_ERR_ARG);
	assert_int_equal(ptrust_cluster_unlock_dir(c), PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_cluster_error(c), "no writer lock"));
	assert_int_equal(ptrust_cluster_lock_dir(c, "/nonexistent/cluster"),
	    PTRUST_ERR_IO);
	assert_non_null(strstr(ptrust_cluster_error(c),
	    "/nonexistent/cluster/cluster.lock"));
	/* a link in place of the lock file is not followed */
	assert_int_equal(symlink("/tmp/elsewhere.lock", path), 0);
	assert_int_equal(ptrust_cluster_lock_dir(c, dir), PTRUST_ERR_IO);
	assert_int_equal(unlink(path), 0);

	assert_int_equal(ptrust_cluster_lock_dir(c, dir), PTRUST_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(ptrust_cluster_lock_dir(c, dir), PTRUST_ERR_ARG);
	assert_non_null(strstr(ptrust_cluster_error(c), "already holds"));
	/* another writer waits until the lock is released */
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f;

		/*
		 * The inherited descriptor shares the parent's lock: closed
		 * first, or the child would wait for itself.
		 */
		ptrust_cluster_free(c);
		alarm(20);	/* a broken lock fails the test, not hangs it */
		c2 = ptrust_cluster_new();
		if (c2 == NULL || ptrust_cluster_lock_dir(c2, dir) != PTRUST_OK)
			_exit(1);
		if ((f = fopen(mark, "w")) == NULL)
			_exit(2);
		fclose(f);
		ptrust_cluster_free(c2);
		free(dir);
		_exit(0);
	}
	usleep(300 * 1000);
	if (access(mark, F_OK) == 0) {
		waitpid(pid, &status, 0);
		fail_msg("a second writer took the lock while it was held");
	}
	assert_int_equal(ptrust_cluster_unlock_dir(c), PTRUST_OK);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(access(mark, F_OK), 0);
	/* freeing a cluster releases its lock; two clusters take turns */
	assert_int_equal(ptrust_cluster_lock_dir(c, dir), PTRUST_OK);
	ptrust_cluster_free(c);
	c2 = ptrust_cluster_new();
	assert_non_null(c2);
	assert_int_equal(ptrust_cluster_lock_dir(c2, dir), PTRUST_OK);
	/* a load keeps the lock */
	assert_int_equal(ptrust_cluster_save_dir(c2, dir), PTRUST_OK);
	assert_int_equal(ptrust_cluster_load_dir(c2, dir), PTRUST_OK);
	assert_int_equal(ptrust_cluster_unlock_dir(c2), PTRUST_OK);
	ptrust_cluster_free(c2);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_cluster_has_cucm_stores),
		cmocka_unit_test(builtin_cas_match_files),
		cmocka_unit_test(stores_add_remove),
		cmocka_unit_test(purposes_and_snapshots),
		cmocka_unit_test(save_load_round_trip),
		cmocka_unit_test(load_hand_made_directory),
		cmocka_unit_test(phone_objects),
		cmocka_unit_test(identity_binding_accepts_model_prefix),
		cmocka_unit_test(names_of_new_enums),
		cmocka_unit_test(cluster_lock_dir_excludes_writers),
		cmocka_unit_test(verify_phone_nul_in_cn_is_another_device),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	test_lab_free();
	return rc;
}
