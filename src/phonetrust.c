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
	    "usage: phonetrust COMMAND [OPTIONS]\n"
	    "\n"
	    "commands:\n"
	    "  demo        build a throwaway lab PKI and show how phones'\n"
	    "              LSC and MIC chains are judged\n"
	    "\n"
	    "  --version   print the library version\n"
	    "  --help      this text\n");
}

int
main(int argc, char **argv)
{
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
	fprintf(stderr, "phonetrust: unknown command \"%s\" (try --help)\n",
	    argv[1]);
	return CLI_USAGE;
}
