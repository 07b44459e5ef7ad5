/*
 * phonetrust demo: the README's first command.  The lab world of
 * `phonetrust lab` (a throwaway PKI, Cisco's CAs, a cluster directory and
 * phones' certificates) is written to a temporary directory and read back
 * as an administrator's files would be; then phones present their
 * certificates and the tool prints what CallManager and CAPF decide, and
 * the fix for every refusal.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>

#include "cli.h"
#include "input.h"
#include "lab.h"
#include "verdict.h"

/* A fixed moment, so the demonstration reads the same every time. */
#define DEMO_NOW	(LAB_T0 + 30 * LAB_DAY)

/*
 * A phone named device holding the lab's certificates lsc and mic (file
 * stems under phones/, NULL: none).  NULL when a file cannot be read.
 */
static ptrust_phone *
lab_phone(const char *dir, const char *device, const char *lsc,
    const char *mic)
{
	const char *stems[2] = { lsc, mic };
	ptrust_phone *ph = ptrust_phone_new(device);
	ptrust_chain *ch;
	char path[4200];
	int i, ok = ph != NULL;

	for (i = 0; i < 2 && ok; i++) {
		if (stems[i] == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/phones/%s.pem", dir, stems[i]);
		ok = cli_chain_from_file("demo", path, &ch) == CLI_OK;
		if (ok)
			ok = (i == 0 ? ptrust_phone_set_lsc(ph, ch) :
			    ptrust_phone_set_mic(ph, ch)) == PTRUST_OK;
		ptrust_chain_free(ch);
	}
	if (!ok) {
		ptrust_phone_free(ph);
		return NULL;
	}
	return ph;
}

/* The verdict as every command prints it (src/verdict.c). */
static void
print_result(const ptrust_result *r)
{
	verdict_print(stdout, r, "  ", NULL);
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
		printf("  ERROR %s\n", out != NULL ?
		    ptrust_capf_outcome_error(out) : "out of memory");
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
cmd_demo(int argc, char **argv, const char *cluster_dir)
{
	ptrust_cluster *c = NULL;
	ptrust_options *o = NULL, *sha1 = NULL;
	ptrust_phone *mic_phone = NULL, *lsc_phone = NULL, *migrated = NULL;
	ptrust_phone *old_mic = NULL, *sha1_phone = NULL, *impostor = NULL;
	char dir[] = "/tmp/phonetrust-demo-XXXXXX", cdir[64], when[32];
	const char *loaded;
	int ok = 1, cases = 0, passed = 0, setup_failed = 0;
	time_t t = DEMO_NOW;
	struct tm tm;

	(void)cluster_dir;	/* the demonstration makes its own */
	if (argc > 1) {
		int help = strcmp(argv[1], "--help") == 0 && argc == 2;

		fprintf(help ? stdout : stderr, "usage: phonetrust demo\n"
		    "  build a throwaway lab cluster in a temporary directory "
		    "and show what\n  CallManager and CAPF decide for phones "
		    "presenting LSCs and MICs\n");
		return help ? CLI_OK : CLI_USAGE;
	}
	if (mkdtemp(dir) == NULL) {
		perror("phonetrust demo: mkdtemp");
		return CLI_USAGE;
	}
	snprintf(cdir, sizeof(cdir), "%s/cluster", dir);
	if (lab_world_write("demo", dir) != CLI_OK ||
	    cli_open_cluster("demo", cdir, &c, &loaded) != CLI_OK ||
	    (o = ptrust_options_new()) == NULL ||
	    (sha1 = ptrust_options_new()) == NULL) {
		/* the lab's own failures were told already, in one line */
		if (c != NULL)
			fprintf(stderr, "phonetrust demo: out of memory\n");
		setup_failed = 1;
		goto done;
	}
	ptrust_options_set_time(o, DEMO_NOW);
	ptrust_options_set_time(sha1, DEMO_NOW);
	ptrust_options_insecure_allow_sha1(sha1, 1);
	mic_phone = lab_phone(dir, "SEP001122334455", NULL, "mic");
	lsc_phone = lab_phone(dir, "SEP001122334455", "lsc", "mic");
	migrated = lab_phone(dir, "SEP00AABBCCDDEE", "migrated-lsc",
	    "migrated-mic");
	old_mic = lab_phone(dir, "SEP0011223344FF", NULL, "expired-mic");
	sha1_phone = lab_phone(dir, "SEP00112233AA00", NULL, "sha1-mic");
	/* presents the MIC of SEP001122334455 while registering as another */
	impostor = lab_phone(dir, "SEP0011223344EE", NULL, "mic");
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("libphonetrust %s demonstration: a lab cluster built just now "
	    "(throwaway keys)\n", ptrust_version());
	printf("validation time %s (fixed), security level 2\n", when);
	print_cluster(c, cdir);

#define CASE(call) do { cases++; if (call) passed++; else ok = 0; } while (0)
	CASE(registers("1. A phone without LSC registers with its MIC",
	    c, mic_phone, o, 0, 1));
	CASE(registers("2. The same phone once it has an LSC presents it "
	    "(never its MIC)", c, lsc_phone, o, 0, 1));
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
	remove_tree(dir);
	if (setup_failed)
		return CLI_USAGE;
	return ok ? CLI_OK : CLI_REFUSED;
}
