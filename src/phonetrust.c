/* phonetrust: command-line front end of libphonetrust. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <phonetrust.h>

#include "cli.h"

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
	    "  --help         this text; COMMAND --help for a command's\n");
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

	if (atexit(check_stdout) != 0)
		return CLI_USAGE;
	/* global options, before the command */
	while (argc >= 2 && strncmp(argv[1], "--cluster", 9) == 0 &&
	    (argv[1][9] == '\0' || argv[1][9] == '=')) {
		if (argv[1][9] == '=')
			cluster_dir = argv[1] + 10;
		else if (argc >= 3) {
			cluster_dir = argv[2];
			argc--;
			argv++;
		} else {
			fprintf(stderr, "phonetrust: --cluster needs a "
			    "directory\n");
			return CLI_USAGE;
		}
		if (*cluster_dir == '\0') {
			fprintf(stderr, "phonetrust: --cluster: empty "
			    "directory name\n");
			return CLI_USAGE;
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "phonetrust: no command (try --help)\n");
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("phonetrust %s (libphonetrust %s)\n", PACKAGE_VERSION,
		    ptrust_version());
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
