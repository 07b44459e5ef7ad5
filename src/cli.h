/* The phonetrust command: shared declarations of its commands. */
#ifndef PHONETRUST_CLI_H
#define PHONETRUST_CLI_H

/* Exit statuses, a contract with scripts: see phonetrust(1). */
#define CLI_OK		0
#define CLI_REFUSED	1
#define CLI_USAGE	2

int	cmd_demo(int argc, char **argv);
int	cmd_init(int argc, char **argv);
int	cmd_store(int argc, char **argv, const char *cluster_dir);
/* cluster_dir: the global --cluster DIR, NULL when not given. */
int	cmd_verify(int argc, char **argv, const char *cluster_dir);

#endif
