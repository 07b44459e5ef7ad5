/*
 * What every command reads from the command line: files and chains, numbers
 * and times, the cluster.  Each failure prints one line on stderr,
 * "phonetrust CMD: WHAT: what is wrong", and returns CLI_USAGE.
 */
#ifndef PHONETRUST_INPUT_H
#define PHONETRUST_INPUT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>

/* Inputs larger than this are refused before they are parsed. */
#define CLI_INPUT_MAX_BYTES	(16u * 1024 * 1024)

/* cmd: "verify", "store add", ...; what (may be NULL): the file or option. */
int	cli_fail(const char *cmd, const char *what, const char *msg);

/* The whole of a regular file, or standard input for "-"; NUL-terminated. */
int	cli_read_input(const char *cmd, const char *path, unsigned char **data,
	    size_t *len);
int	cli_is_pem(const unsigned char *data, size_t len);
/*
 * Append the certificates of a PEM bundle or of one DER certificate to ch.
 * With keep, the bytes read are handed back for the caller to free.
 */
int	cli_load_chain(const char *cmd, ptrust_chain *ch, const char *path,
	    unsigned char **keep, size_t *keeplen);
/* A new chain from one file; *out NULL on failure. */
int	cli_chain_from_file(const char *cmd, const char *path,
	    ptrust_chain **out);

/*
 * The command line of a command taking [--json] and one FILE: *path and
 * *json set.  CLI_OK to go on; CLI_USAGE after a one-line error; or
 * CLI_HELP when usage() printed the help, which is then the exit status 0.
 */
#define CLI_HELP	(-1)
int	cli_one_file_args(const char *cmd, int argc, char **argv,
	    void (*usage)(FILE *), const char *what, const char **path,
	    int *json);

/*
 * getopt_long (with opterr 0 and ":" leading the short options) refused an
 * option: c is its answer.  One line naming the option; CLI_USAGE.
 */
int	cli_bad_option(const char *cmd, int c, char **argv);

/*
 * Option values every command reads alike: *slot = optarg, refused when
 * the option was given before (or, with file, names no file); and --at,
 * as cli_parse_time reads it.  CLI_OK, or CLI_USAGE after one line.
 */
int	cli_opt_once(const char *cmd, const char *opt, int file,
	    const char **slot);
int	cli_opt_time(const char *cmd, const char *opt, time_t *at);

/* A decimal integer in [lo, hi], the whole string; -1 otherwise. */
int	cli_parse_int(const char *s, int lo, int hi, int *out);
/*
 * The one time parser of the command line: a date (2026-01-31, meaning
 * 00:00:00 UTC that day), RFC 3339 (2026-01-31T00:00:00Z, fraction and
 * offset allowed) or Unix seconds; -1 when it is none of them, or no
 * real day.
 */
int	cli_parse_time(const char *s, time_t *out);
/*
 * Calendar time in UTC (tm_year, tm_mon, tm_mday, tm_hour, tm_min,
 * tm_sec; second 60 counts as 59) to seconds; -1 when it is no real time
 * or does not fit.  What inspect uses for certificate times as well.
 */
int	cli_time_from_tm(const struct tm *tm, time_t *out);

/*
 * The cluster directory: --cluster, else $PHONETRUST_CLUSTER, else the
 * installed system directory when it exists; NULL when there is none.
 */
const char *cli_cluster_dir(const char *global);
/* Load the cluster of cli_cluster_dir(global); *out NULL on failure. */
int	cli_open_cluster(const char *cmd, const char *global,
	    ptrust_cluster **out, const char **dir);

#endif
