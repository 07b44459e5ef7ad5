/*
 * Reading what commands are given: files, chains, numbers, times and the
 * cluster, each failure told in one line naming the file or option.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>

#include "cli.h"
#include "input.h"
#include "../lib/common/civil_time.h"

int
cli_fail(const char *cmd, const char *what, const char *msg)
{
	/* the library's messages often start with the file name already */
	if (what != NULL && strncmp(msg, what, strlen(what)) == 0 &&
	    msg[strlen(what)] == ':')
		what = NULL;
	fprintf(stderr, "phonetrust %s: %s%s%s\n", cmd,
	    what != NULL ? what : "", what != NULL ? ": " : "", msg);
	return CLI_USAGE;
}

/* A decimal integer in [lo, hi], whole string; -1 otherwise. */
int
cli_parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Calendar time in UTC to seconds, by the library's one conversion
 * (lib/common/civil_time.c; inspect's certificate times too).  -1 when the
 * fields make no date or the time does not fit in time_t.
 */
int
cli_time_from_tm(const struct tm *in, time_t *out)
{
	return pt_time_from_civil((int64_t)in->tm_year + 1900,
	    in->tm_mon + 1, in->tm_mday, in->tm_hour, in->tm_min, in->tm_sec,
	    out) ? 0 : -1;
}

/*
 * A date, YYYY-MM-DD, meaning its first second (00:00:00Z); RFC 3339
 * (2026-01-31T00:00:00Z, fraction and offset allowed); or Unix seconds.
 */
int
cli_parse_time(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, off = 0;
	const char *p;
	char *end;
	long long v;
	time_t t;

	if (*s != '\0' && strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0 || (long long)(time_t)v != v)
			return -1;
		*out = (time_t)v;
		return 0;
	}
	if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	p = s + 10;
	if (*p != '\0') {
		if (strlen(s) < 20 || (s[10] != 'T' && s[10] != 't') ||
		    digits(s + 11, 2, &h) || s[13] != ':' ||
		    digits(s + 14, 2, &mi) || s[16] != ':' ||
		    digits(s + 17, 2, &sec))
			return -1;
		p = s + 19;
		if (*p == '.') {
			if (!isdigit((unsigned char)p[1]))
				return -1;
			for (p++; isdigit((unsigned char)*p); p++)
				;
		}
		if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
			off = 0;
		else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
		    !digits(p + 1, 2, &oh) && p[3] == ':' &&
		    !digits(p + 4, 2, &om) && oh <= 23 && om <= 59)
			off = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
		else
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (cli_time_from_tm(&tm, &t) == -1)
		return -1;
	*out = t - off;
	return 0;
}

/* The whole of a file or of standard input ("-"), NUL-terminated. */
int
cli_read_input(const char *cmd, const char *path, unsigned char **data,
    size_t *len)
{
	unsigned char *buf;
	struct stat st;
	size_t got = 0, cap;
	ssize_t r;
	int fd;

	*data = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return cli_fail(cmd, path, strerror(errno));
	if (fstat(fd, &st) == -1) {
		cli_fail(cmd, strcmp(path, "-") == 0 ? "standard input" : path,
		    strerror(errno));
		goto err;
	}
	if (S_ISDIR(st.st_mode) ||
	    (fd != STDIN_FILENO && !S_ISREG(st.st_mode))) {
		cli_fail(cmd, path, S_ISDIR(st.st_mode) ? "is a directory" :
		    "not a regular file");
		goto err;
	}
	if (fd != STDIN_FILENO &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		cli_fail(cmd, path, strerror(errno));
		goto err;
	}
	/*
	 * As large as the file says it is (one byte more shows that it grew),
	 * doubled while more comes, up to one byte past the limit.
	 */
	cap = S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (uintmax_t)st.st_size < CLI_INPUT_MAX_BYTES ?
	    (size_t)st.st_size + 1 : 64 * 1024;
	if (cap > CLI_INPUT_MAX_BYTES + 1)
		cap = CLI_INPUT_MAX_BYTES + 1;
	if ((buf = malloc(cap)) == NULL) {
		cli_fail(cmd, path, "out of memory");
		goto err;
	}
	for (;;) {
		if (got == cap) {
			unsigned char *bigger;

			if (cap > CLI_INPUT_MAX_BYTES) {
				fprintf(stderr, "phonetrust %s: %s: too large "
				    "(limit %u bytes)\n", cmd, path,
				    CLI_INPUT_MAX_BYTES);
				free(buf);
				goto err;
			}
			cap = cap > (CLI_INPUT_MAX_BYTES + 1) / 2 ?
			    CLI_INPUT_MAX_BYTES + 1 : cap * 2;
			if ((bigger = realloc(buf, cap)) == NULL) {
				cli_fail(cmd, path, "out of memory");
				free(buf);
				goto err;
			}
			buf = bigger;
		}
		r = read(fd, buf + got, cap - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cli_fail(cmd, path, strerror(errno));
			free(buf);
			goto err;
		}
		if (r == 0)
			break;	/* read had room: got < cap, the NUL fits */
		got += (size_t)r;
	}
	buf[got] = '\0';
	if (fd != STDIN_FILENO)
		close(fd);
	*data = buf;
	*len = got;
	return CLI_OK;
err:
	if (fd != STDIN_FILENO)
		close(fd);
	return CLI_USAGE;
}

int
cli_is_pem(const unsigned char *data, size_t len)
{
	return memmem(data, len, "-----BEGIN ", 11) != NULL;
}

int
cli_load_chain(const char *cmd, ptrust_chain *ch, const char *path,
    unsigned char **keep, size_t *keeplen)
{
	unsigned char *data;
	size_t len = 0, before = ptrust_chain_count(ch);
	ptrust_status st;

	if (cli_read_input(cmd, path, &data, &len) != CLI_OK)
		return CLI_USAGE;
	st = cli_is_pem(data, len) ? ptrust_chain_add_pem(ch, data, len) :
	    ptrust_chain_add_der(ch, data, len);
	if (st == PTRUST_OK && keep != NULL) {
		*keep = data;
		*keeplen = len;
	} else
		free(data);
	if (st != PTRUST_OK)
		return cli_fail(cmd, strcmp(path, "-") == 0 ?
		    "standard input" : path, ptrust_chain_error(ch));
	if (ptrust_chain_count(ch) == before)
		return cli_fail(cmd, strcmp(path, "-") == 0 ?
		    "standard input" : path, "no certificate in it");
	return CLI_OK;
}

int
cli_chain_from_file(const char *cmd, const char *path, ptrust_chain **out)
{
	if ((*out = ptrust_chain_new()) == NULL)
		return cli_fail(cmd, NULL, "out of memory");
	if (cli_load_chain(cmd, *out, path, NULL, NULL) != CLI_OK) {
		ptrust_chain_free(*out);
		*out = NULL;
		return CLI_USAGE;
	}
	return CLI_OK;
}

const char *
cli_cluster_dir(const char *global)
{
	const char *env = getenv("PHONETRUST_CLUSTER");
	struct stat st;

	if (global != NULL && *global != '\0')
		return global;
	if (env != NULL && *env != '\0')
		return env;
	if (stat(PHONETRUST_SYSTEM_CLUSTER, &st) == 0)
		return PHONETRUST_SYSTEM_CLUSTER;
	return NULL;
}

int
cli_open_cluster(const char *cmd, const char *global, ptrust_cluster **out,
    const char **dir)
{
	*out = NULL;
	if ((*dir = cli_cluster_dir(global)) == NULL)
		return cli_fail(cmd, NULL, "no cluster (give --cluster DIR, set "
		    "PHONETRUST_CLUSTER, or create " PHONETRUST_SYSTEM_CLUSTER
		    " with phonetrust init)");
	if ((*out = ptrust_cluster_new()) == NULL)
		return cli_fail(cmd, NULL, "out of memory");
	if (ptrust_cluster_load_dir(*out, *dir) != PTRUST_OK) {
		cli_fail(cmd, *dir, ptrust_cluster_error(*out));
		ptrust_cluster_free(*out);
		*out = NULL;
		return CLI_USAGE;
	}
	return CLI_OK;
}

int
cli_one_file_args(const char *cmd, int argc, char **argv,
    void (*usage)(FILE *), const char *what, const char **path, int *json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char msg[64];
	int c;

	*json = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'j')
			*json = 1;
		else if (c == 'h') {
			usage(stdout);
			return CLI_HELP;
		} else
			return cli_fail(cmd, argv[optind - 1],
			    "unknown option (try --help)");
	}
	if (argc - optind != 1) {
		snprintf(msg, sizeof(msg), "%s %s (try --help)",
		    argc == optind ? "no" : "only one", what);
		return cli_fail(cmd, NULL, msg);
	}
	*path = argv[optind];
	return CLI_OK;
}

int
cli_bad_option(const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		fprintf(stderr, "phonetrust %s: %s needs an argument\n", cmd,
		    arg);
	else if (optopt >= 256)
		/* GNU getopt: a long option given a value it does not take */
		fprintf(stderr, "phonetrust %s: %.*s takes no argument\n", cmd,
		    (int)strcspn(arg, "="), arg);
	else
		fprintf(stderr, "phonetrust %s: unknown option \"%s\" (try "
		    "--help)\n", cmd, arg);
	return CLI_USAGE;
}

int
cli_opt_once(const char *cmd, const char *opt, int file, const char **slot)
{
	if (*slot != NULL)
		return cli_fail(cmd, opt, "given twice");
	if (file && *optarg == '\0')
		return cli_fail(cmd, opt, "empty file name");
	*slot = optarg;
	return CLI_OK;
}

int
cli_opt_time(const char *cmd, const char *opt, time_t *at)
{
	const char *p;

	if (cli_parse_time(optarg, at) == -1) {
		/* the value is shown unless it would act on the terminal */
		for (p = optarg; *p != '\0' && !iscntrl((unsigned char)*p); p++)
			;
		fprintf(stderr, "phonetrust %s: %s: \"%s\" is no date or time "
		    "(a real day, as 2026-01-31 for 00:00:00 UTC that day, an "
		    "RFC 3339 time as 2026-01-31T12:00:00Z, or Unix seconds)\n",
		    cmd, opt, *p == '\0' ? optarg : "?");
		return CLI_USAGE;
	}
	return CLI_OK;
}
