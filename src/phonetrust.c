/* phonetrust: command-line front end of libphonetrust. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <phonetrust.h>

#include "cli.h"
#include "plan.h"

static const struct command {
	const char	*name;
	int		(*run)(int, char **, const char *);
	const char	*summary;
} commands[] = {
	{ "demo",    cmd_demo,    "walk a throwaway lab cluster: what servers "
	    "decide for LSC and MIC phones" },
	{ "init",    cmd_init,    "create a cluster directory with Cisco's "
	    "manufacturing CAs" },
	{ "store",   cmd_store,   "list, show, add and remove anchors of a "
	    "store" },
	{ "verify",  cmd_verify,  "validate a certificate chain a phone "
	    "presents" },
	{ "inspect", cmd_inspect, "describe certificates: LSC, MIC, CAPF, "
	    "manufacturing CA" },
	{ "phone",   cmd_phone,   "validate a phone the way the cluster "
	    "would (LSC or MIC)" },
	{ "capf",    cmd_capf,    "CAPF's decision on an install, delete or "
	    "troubleshoot" },
	{ "lint",    cmd_lint,    "store hygiene findings" },
	{ "extract", cmd_extract, "certificates found in a CAPF trace, "
	    "classified" },
	{ "serve",   cmd_serve,   "a TLS listener that tells what the cluster "
	    "decides for each phone" },
	{ "capture", cmd_capture, "phones' certificates and verdicts from a "
	    "packet capture" },
	{ "console", cmd_console, "what a phone's console log says about its "
	    "certificates" },
	{ "export",  cmd_export,  "write a store as a CA file or hashed "
	    "directory for OpenSSL-based servers" },
	{ "radius-explain", cmd_radius_explain, "explain, for a RADIUS "
	    "server's log, a phone its TLS layer refused" },
	{ "check",   cmd_check,   "the cluster (and a fleet) for a monitoring "
	    "system: OK, WARNING, CRITICAL" },
	{ "report",  cmd_report,  "a fleet report: HTML page, JSON or CSV, "
	    "with a planned change's impact" },
	{ "plan",    cmd_plan,    "a fleet before and after a planned change: "
	    "what breaks, in what order" },
	{ "lab",     cmd_lab,     "write a throwaway lab cluster and phone "
	    "certificates (tests only)" },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: phonetrust [--cluster DIR] COMMAND [OPTIONS] "
	    "[ARGS]\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(f, "\n  --cluster DIR  the cluster directory (default: "
	    "$PHONETRUST_CLUSTER,\n                 then "
	    PHONETRUST_SYSTEM_CLUSTER ")\n"
	    "  --version      print the version\n"
	    "  --help         this text; COMMAND --help for a command's\n"
	    "  global options may also follow COMMAND, up to a \"--\"\n");
}

/*
 * A global option at argv[*i]: --cluster DIR (or --cluster=DIR) sets
 * *cluster_dir, --version sets *version.  1 when it was one (*i then
 * moved past its value), 0 when not, -1 after an error was told.
 */
static int
global_option(int argc, char **argv, int *i, const char **cluster_dir,
    int *version)
{
	const char *arg = argv[*i], *dir;

	if (strcmp(arg, "--version") == 0) {
		*version = 1;
		return 1;
	}
	if (strncmp(arg, "--cluster", 9) != 0 ||
	    (arg[9] != '\0' && arg[9] != '='))
		return 0;
	if (arg[9] == '=')
		dir = arg + 10;
	else if (*i + 1 < argc)
		dir = argv[++*i];
	else {
		fprintf(stderr, "phonetrust: --cluster needs a directory\n");
		return -1;
	}
	if (*dir == '\0') {
		fprintf(stderr, "phonetrust: --cluster: empty directory "
		    "name\n");
		return -1;
	}
	if (*cluster_dir != NULL && strcmp(*cluster_dir, dir) != 0) {
		fprintf(stderr, "phonetrust: --cluster given twice (%s and "
		    "%s)\n", *cluster_dir, dir);
		return -1;
	}
	*cluster_dir = dir;
	return 1;
}

/*
 * Output lost (a full disk, a closed pipe) must not pass for success: at
 * exit, whatever path got there, a failed stdout turns the status into 2.
 */
static void
check_stdout(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "phonetrust: standard output: %s\n",
		    errno != 0 ? strerror(errno) : "write error");
		_exit(CLI_USAGE);
	}
}

int
main(int argc, char **argv)
{
	const char *cluster_dir = NULL;
	size_t i;
	int a, kept, r = 0, version = 0;

	if (atexit(check_stdout) != 0)
		return CLI_USAGE;
	/*
	 * A command runs once and exits: the kernel takes back its memory
	 * faster than OpenSSL's exit-time teardown frees it piece by piece
	 * (a twentieth of what `verify' costs).  Everything of ours is
	 * still freed, so leak checkers still see our leaks.
	 */
	(void)OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
	/* global options, before the command */
	for (a = 1; a < argc; a++)
		if ((r = global_option(argc, argv, &a, &cluster_dir,
		    &version)) <= 0)
			break;
	if (r < 0)
		return CLI_USAGE;
	argc -= a - 1;
	argv += a - 1;
	/*
	 * ... and after it (issue 14: "verify --cluster DIR chain.pem"),
	 * taken out before the command reads its own options; a "--" ends
	 * them, so a file may still be called --cluster.
	 */
	for (a = kept = 2; a < argc && strcmp(argv[a], "--") != 0; a++) {
		if ((r = global_option(argc, argv, &a, &cluster_dir,
		    &version)) < 0)
			return CLI_USAGE;
		if (r == 0)
			argv[kept++] = argv[a];
	}
	while (a < argc)
		argv[kept++] = argv[a++];
	if (argc >= 2) {
		argv[kept] = NULL;
		argc = kept;
	}
	if (version) {
		printf("phonetrust %s (libphonetrust %s)\n", PACKAGE_VERSION,
		    ptrust_version());
		return CLI_OK;
	}
	if (argc < 2) {
		fprintf(stderr, "phonetrust: no command (try --help)\n");
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1,
			    cluster_dir);
	fprintf(stderr, "phonetrust: unknown command \"%s\" (try --help)\n",
	    argv[1]);
	return CLI_USAGE;
}
