/* phonetrust: command-line front end of libphonetrust. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <phonetrust.h>

#include "cli.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: phonetrust [--cluster DIR] COMMAND [OPTIONS]\n"
	    "\n"
	    "commands:\n"
	    "  demo        build a throwaway lab PKI and show how phones'\n"
	    "              LSC and MIC chains are judged\n"
	    "  init DIR    create a cluster directory with Cisco's CAs\n"
	    "  store       list, show, add and remove anchors of a store\n"
	    "  verify      validate a phone's certificate chain against a\n"
	    "              cluster's store or --trust anchors\n"
	    "              (phonetrust verify --help for its options)\n"
	    "\n"
	    "  --cluster DIR  the cluster directory (default:\n"
	    "              $PHONETRUST_CLUSTER)\n"
	    "  --version   print the library version\n"
	    "  --help      this text\n");
}

int
main(int argc, char **argv)
{
	const char *cluster_dir = NULL;

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
		usage(stderr);
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
	if (strcmp(argv[1], "demo") == 0)
		return cmd_demo(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1, cluster_dir);
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (strcmp(argv[1], "store") == 0)
		return cmd_store(argc - 1, argv + 1, cluster_dir);
	fprintf(stderr, "phonetrust: unknown command \"%s\" (try --help)\n",
	    argv[1]);
	return CLI_USAGE;
}
