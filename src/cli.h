/* The phonetrust command: shared declarations of its commands. */
#ifndef PHONETRUST_CLI_H
#define PHONETRUST_CLI_H

#include <phonetrust.h>
#include <phonetrust-cluster.h>

/* Exit statuses, a contract with scripts: see phonetrust(1). */
#define CLI_OK		0
#define CLI_REFUSED	1
#define CLI_USAGE	2

/*
 * Every command: argv[0] is the command's name, cluster_dir the global
 * --cluster DIR (NULL when not given; see cli_cluster_dir()).  Each one
 * answers --help on standard output with exit 0.
 */
int	cmd_demo(int argc, char **argv, const char *cluster_dir);
int	cmd_init(int argc, char **argv, const char *cluster_dir);
int	cmd_store(int argc, char **argv, const char *cluster_dir);
int	cmd_verify(int argc, char **argv, const char *cluster_dir);
int	cmd_inspect(int argc, char **argv, const char *cluster_dir);
int	cmd_phone(int argc, char **argv, const char *cluster_dir);
int	cmd_capf(int argc, char **argv, const char *cluster_dir);
int	cmd_lint(int argc, char **argv, const char *cluster_dir);
int	cmd_extract(int argc, char **argv, const char *cluster_dir);
int	cmd_lab(int argc, char **argv, const char *cluster_dir);
int	cmd_serve(int argc, char **argv, const char *cluster_dir);
int	cmd_capture(int argc, char **argv, const char *cluster_dir);
int	cmd_console(int argc, char **argv, const char *cluster_dir);
int	cmd_export(int argc, char **argv, const char *cluster_dir);
int	cmd_radius_explain(int argc, char **argv, const char *cluster_dir);
int	cmd_check(int argc, char **argv, const char *cluster_dir);
int	cmd_report(int argc, char **argv, const char *cluster_dir);

/*
 * The lab world of `phonetrust lab` written into the existing directory
 * dir: cluster/, ca/, phones/ and README.  Errors are told as "phonetrust
 * CMD: ..."; CLI_OK or CLI_USAGE.
 */
int	lab_world_write(const char *cmd, const char *dir);

/*
 * A phone as the phone and capf commands show it (src/cmd_phone.c).
 * phone_load makes *out, the phone named device holding the chains in the
 * files lsc and mic (NULL: none); errors told as "phonetrust CMD: ...";
 * CLI_OK or CLI_USAGE (then *out is NULL).
 */
const char *phone_presented_name(ptrust_presented presented);
int	phone_load(const char *cmd, const char *device, const char *lsc,
	    const char *mic, ptrust_phone **out);

#endif
