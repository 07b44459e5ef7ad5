/*
 * phonetrust export: what a store, or a purpose, trusts, written for
 * OpenSSL-based servers (FreeRADIUS's ca_file and ca_path, ...) so that
 * they and the library trust exactly the same certificates: one PEM
 * bundle, or a directory of certificates named as `openssl rehash` names
 * its links.  Both are built beside DEST and renamed into place, so an
 * export that is refused or fails leaves DEST as it was.  Exit 0 when
 * written, 2 when the command line, the cluster or DEST is unusable.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-openssl.h>

#include "cli.h"
#include "input.h"

/* In a directory export holds: the sign that it may be replaced. */
#define EXPORT_MARKER	".phonetrust-export"

enum { FORMAT_NONE, FORMAT_PEM_BUNDLE, FORMAT_HASHED_DIR };

enum { OPT_FORMAT = 256, OPT_PURPOSE, OPT_HELP };

static const struct option longopts[] = {
	{ "format",	required_argument, NULL, OPT_FORMAT },
	{ "purpose",	required_argument, NULL, OPT_PURPOSE },
	{ "help",	no_argument,	   NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

struct export_args {
	const char		*store;		/* NULL with --purpose */
	const char		*purpose_name;	/* NULL without --purpose */
	ptrust_cluster_purpose	 purpose;
	const char		*format_name;
	int			 format;
	const char		*dest;
};

/* One certificate to write, in the snapshot's order. */
struct cert {
	const ptrust_anchor	*anchor;
	X509			*x509;		/* borrowed from the anchor */
	unsigned long		 hash;		/* X509_NAME_hash_ex of the subject */
	char			*file;		/* ALIAS.pem, as rehash would see it */
	size_t			 index;		/* position in the snapshot */
	int			 seq;		/* n of hash.n */
	char			 name[32];	/* hash.n */
};

static void
export_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust [--cluster DIR] export STORE "
	    "--format pem-bundle|hashed-dir DEST\n"
	    "       phonetrust [--cluster DIR] export --purpose "
	    "callmanager-tls|capf|802.1x|vpn\n"
	    "              --format pem-bundle|hashed-dir DEST\n"
	    "  write the anchors of a store, or what a purpose trusts, for "
	    "an OpenSSL-based\n  server: pem-bundle, one CA file (DEST - "
	    "for standard output); hashed-dir, a\n  CA path directory laid "
	    "out as openssl rehash would\n");
}

static int
fail(const char *what, const char *msg)
{
	return cli_fail("export", what, msg);
}

static int
parse_args(int argc, char **argv, struct export_args *a)
{
	int c, npos;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (cli_opt_once("export", "--format", 0,
			    &a->format_name) != CLI_OK)
				return CLI_USAGE;
			break;
		case OPT_PURPOSE:
			if (cli_opt_once("export", "--purpose", 0,
			    &a->purpose_name) != CLI_OK)
				return CLI_USAGE;
			break;
		case 'h':
		case OPT_HELP:
			export_usage(stdout);
			return CLI_HELP;
		default:	/* '?' or ':' */
			return cli_bad_option("export", c, argv);
		}
	}
	npos = argc - optind;
	if (a->purpose_name != NULL) {
		if (ptrust_cluster_purpose_from_name(a->purpose_name,
		    &a->purpose) != 0) {
			fprintf(stderr, "phonetrust export: --purpose: unknown "
			    "purpose \"%s\" (callmanager-tls, capf, 802.1x or "
			    "vpn)\n", a->purpose_name);
			return CLI_USAGE;
		}
		if (npos == 2)
			return fail(NULL, "give a STORE or --purpose, not "
			    "both (try --help)");
		if (npos == 0)
			return fail(NULL, "no DEST (try --help)");
	} else {
		if (npos == 0)
			return fail(NULL, "no STORE and no --purpose (try "
			    "--help)");
		if (npos == 1)
			return fail(NULL, "no DEST after the store (try "
			    "--help)");
		a->store = argv[optind++];
	}
	if (argc - optind > 1) {
		fprintf(stderr, "phonetrust export: unexpected argument "
		    "\"%s\" (try --help)\n", argv[optind + 1]);
		return CLI_USAGE;
	}
	a->dest = argv[optind];
	if (*a->dest == '\0')
		return fail(NULL, "empty DEST");
	if (a->format_name == NULL)
		return fail(NULL, "no --format (pem-bundle or hashed-dir)");
	if (strcmp(a->format_name, "pem-bundle") == 0)
		a->format = FORMAT_PEM_BUNDLE;
	else if (strcmp(a->format_name, "hashed-dir") == 0)
		a->format = FORMAT_HASHED_DIR;
	else {
		fprintf(stderr, "phonetrust export: --format: unknown format "
		    "\"%s\" (pem-bundle or hashed-dir)\n", a->format_name);
		return CLI_USAGE;
	}
	if (a->format == FORMAT_HASHED_DIR && strcmp(a->dest, "-") == 0)
		return fail("hashed-dir", "needs a directory, not standard "
		    "output");
	return CLI_OK;
}

/* "s" + "t", or NULL when out of memory. */
static char *
concat(const char *s, const char *t)
{
	size_t ls = strlen(s), lt = strlen(t);
	char *p;

	if ((p = malloc(ls + lt + 1)) == NULL)
		return NULL;
	memcpy(p, s, ls);
	memcpy(p + ls, t, lt + 1);
	return p;
}

/* The directory holding path, for syncing it: a new string or NULL. */
static char *
parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *p;

	if (slash == NULL)
		return concat(".", "");
	if (slash == path)
		return concat("/", "");
	if ((p = malloc((size_t)(slash - path) + 1)) == NULL)
		return NULL;
	memcpy(p, path, (size_t)(slash - path));
	p[slash - path] = '\0';
	return p;
}

/* Best effort: the rename is done, a failed sync cannot undo it. */
static void
sync_dir(const char *path)
{
	char *dir = parent_of(path);
	int fd;

	if (dir == NULL)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A comment line: control characters never reach the file. */
static void
put_comment(FILE *f, const char *key, const char *value)
{
	fprintf(f, "# %s: ", key);
	for (; *value != '\0'; value++)
		fputc((unsigned char)*value < 0x20 || *value == 0x7f ? '?' :
		    *value, f);
	fputc('\n', f);
}

/* The comment lines and PEM block of one certificate; -1 on failure. */
static int
put_cert(FILE *f, const struct cert *c)
{
	BIO *bio;
	char *pem;
	long len;
	int rc = -1;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if (PEM_write_bio_X509(bio, c->x509) == 1 &&
	    (len = BIO_get_mem_data(bio, &pem)) > 0) {
		put_comment(f, "alias", ptrust_anchor_alias(c->anchor));
		put_comment(f, "role",
		    ptrust_role_name(ptrust_anchor_role(c->anchor)));
		put_comment(f, "subject", ptrust_anchor_subject(c->anchor));
		put_comment(f, "sha256", ptrust_anchor_sha256(c->anchor));
		fwrite(pem, 1, (size_t)len, f);
		rc = 0;
	}
	BIO_free(bio);
	return rc;
}

/*
 * The text of a file: with one == NULL, the bundle of every certificate
 * (a header, then each one after a blank line); else that one alone.
 */
static int
make_text(const struct cert *certs, size_t n, const struct cert *one,
    const char *what, char **text, size_t *len)
{
	FILE *f;
	size_t i;
	int rc = 0;

	*text = NULL;
	*len = 0;
	if ((f = open_memstream(text, len)) == NULL)
		return fail(NULL, strerror(errno));
	if (one != NULL)
		rc = put_cert(f, one);
	else {
		fprintf(f, "# phonetrust export: %zu certificate%s of %s\n",
		    n, n == 1 ? "" : "s", what);
		for (i = 0; i < n && rc == 0; i++) {
			fputc('\n', f);
			rc = put_cert(f, &certs[i]);
		}
	}
	if (fclose(f) != 0 || rc != 0) {
		free(*text);
		*text = NULL;
		return fail(NULL, "out of memory");
	}
	return CLI_OK;
}

/*
 * Write text to path through a temporary file beside it: synced, then
 * renamed into place; on failure nothing is left and path is unchanged.
 */
static int
write_file_atomic(const char *path, const char *text, size_t len)
{
	struct stat st;
	char *tmp;
	int fd, saved;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return fail(path, S_ISDIR(st.st_mode) ? "is a directory" :
		    S_ISLNK(st.st_mode) ? "is a symbolic link (give the file "
		    "it points to)" : "not a regular file");
	if ((tmp = concat(path, ".tmp-XXXXXX")) == NULL)
		return fail(NULL, "out of memory");
	if ((fd = mkstemp(tmp)) == -1) {
		saved = errno;
		free(tmp);
		return fail(path, strerror(saved));
	}
	if (fchmod(fd, 0644) == -1 || write_all(fd, text, len) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		goto bad;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		goto bad;
	}
	free(tmp);
	sync_dir(path);
	return CLI_OK;
bad:
	unlink(tmp);
	free(tmp);
	return fail(path, strerror(saved));
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

/* Remove a directory this command made or replaced, with its content. */
static void
rm_tree(const char *path)
{
	(void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * DEST of hashed-dir may be absent, an empty directory or one an export
 * wrote (holding the marker); *exists says whether it is there.
 */
static int
check_dest_dir(const char *path, int *exists)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int others = 0, marker = 0;

	*exists = 0;
	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return CLI_OK;
		return fail(path, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return fail(path, S_ISLNK(st.st_mode) ? "is a symbolic link, "
		    "not a directory" : "not a directory");
	if ((d = opendir(path)) == NULL)
		return fail(path, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strcmp(e->d_name, EXPORT_MARKER) == 0)
			marker = 1;
		else
			others = 1;
	}
	closedir(d);
	if (others && !marker)
		return fail(path, "not empty and not written by phonetrust "
		    "export (no " EXPORT_MARKER "): refusing to replace it");
	*exists = 1;
	return CLI_OK;
}

/* A new file name in the directory dfd holding text; -1 on failure. */
static int
write_in_dir(int dfd, const char *name, const char *text, size_t len)
{
	int fd, saved;

	if ((fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	if (fchmod(fd, 0644) == -1 || write_all(fd, text, len) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

/* Put the directory tmp in the place of the existing directory dest. */
static int
swap_dirs(const char *tmp, const char *dest, char **old)
{
	char *o;
	int saved;

	*old = NULL;
#ifdef RENAME_EXCHANGE
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_EXCHANGE) == 0) {
		/* tmp now holds what dest held */
		*old = concat(tmp, "");
		return *old != NULL ? 0 : -1;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
#endif
	/* No exchange here: dest is absent between two renames. */
	if ((o = concat(dest, ".old-XXXXXX")) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (mkdtemp(o) == NULL || rename(dest, o) == -1) {
		saved = errno;
		(void)rmdir(o);
		free(o);
		errno = saved;
		return -1;
	}
	if (rename(tmp, dest) == -1) {
		saved = errno;
		(void)rename(o, dest);
		free(o);
		errno = saved;
		return -1;
	}
	*old = o;
	return 0;
}

static int
write_hashed_dir(const char *dest, struct cert *certs, size_t n,
    const char *what)
{
	char *path, *tmp = NULL, *old = NULL, *text, *marker;
	const char *base;
	size_t i, len, plen;
	int dfd = -1, exists, rc = CLI_USAGE, saved;

	/* "out/" and "out" are one directory, and the temporary its sibling */
	if ((path = concat(dest, "")) == NULL)
		return fail(NULL, "out of memory");
	for (plen = strlen(path); plen > 1 && path[plen - 1] == '/'; plen--)
		path[plen - 1] = '\0';
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		fail(dest, "name the directory itself, not . or ..");
		goto done;
	}
	if (check_dest_dir(path, &exists) != CLI_OK)
		goto done;
	if ((tmp = concat(path, ".tmp-XXXXXX")) == NULL) {
		fail(NULL, "out of memory");
		goto done;
	}
	if (mkdtemp(tmp) == NULL) {
		fail(dest, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto done;
	}
	if (chmod(tmp, 0755) == -1 ||
	    (dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fail(dest, strerror(errno));
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (make_text(certs, n, &certs[i], what, &text, &len) !=
		    CLI_OK)
			goto done;
		if (write_in_dir(dfd, certs[i].name, text, len) == -1) {
			saved = errno;
			free(text);
			fail(dest, strerror(saved));
			goto done;
		}
		free(text);
	}
	if (asprintf(&marker, "# written by phonetrust export: %zu "
	    "certificate%s of %s\n# the whole directory is replaced by the "
	    "next export\n", n, n == 1 ? "" : "s", what) == -1) {
		fail(NULL, "out of memory");
		goto done;
	}
	if (write_in_dir(dfd, EXPORT_MARKER, marker, strlen(marker)) == -1 ||
	    fsync(dfd) == -1) {
		saved = errno;
		free(marker);
		fail(dest, strerror(saved));
		goto done;
	}
	free(marker);
	if ((exists ? swap_dirs(tmp, path, &old) : rename(tmp, path)) == -1) {
		fail(dest, strerror(errno));
		goto done;
	}
	free(tmp);
	tmp = NULL;
	sync_dir(path);
	rc = CLI_OK;
done:
	if (dfd != -1)
		close(dfd);
	if (tmp != NULL) {
		rm_tree(tmp);
		free(tmp);
	}
	if (old != NULL) {
		rm_tree(old);
		free(old);
	}
	free(path);
	return rc;
}

/* Certificates sharing a hash, numbered as rehash does: by file name. */
static int
by_hash_then_file(const void *pa, const void *pb)
{
	const struct cert *a = *(const struct cert * const *)pa;
	const struct cert *b = *(const struct cert * const *)pb;
	int c;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	if ((c = strcmp(a->file, b->file)) != 0)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * The certificates of the snapshot, in its order, each with its hash.n
 * name: openssl rehash reads a directory's file names sorted and numbers
 * the certificates of one subject hash from 0 in that order, so these are
 * numbered by ALIAS.pem, the name each anchor has in its store directory.
 */
static int
collect(const ptrust_store *store, struct cert **out, size_t *count)
{
	struct cert *certs, **order = NULL;
	size_t i, n = ptrust_store_anchor_count(store);
	int ok, rc = CLI_USAGE;

	*out = NULL;
	*count = 0;
	if ((certs = calloc(n, sizeof(*certs))) == NULL ||
	    (order = calloc(n, sizeof(*order))) == NULL) {
		fail(NULL, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		struct cert *c = &certs[i];

		c->index = i;
		c->anchor = ptrust_store_anchor(store, i);
		if ((c->x509 = ptrust_anchor_get0_x509(c->anchor)) == NULL) {
			fail(ptrust_anchor_alias(c->anchor), "no certificate");
			goto done;
		}
		ok = 0;
		c->hash = X509_NAME_hash_ex(X509_get_subject_name(c->x509),
		    NULL, NULL, &ok);
		if (!ok) {
			fail(ptrust_anchor_alias(c->anchor), "cannot hash the "
			    "subject name");
			goto done;
		}
		if ((c->file = concat(ptrust_anchor_alias(c->anchor),
		    ".pem")) == NULL) {
			fail(NULL, "out of memory");
			goto done;
		}
		order[i] = c;
	}
	if (n > 0)
		qsort(order, n, sizeof(*order), by_hash_then_file);
	for (i = 0; i < n; i++) {
		order[i]->seq = i > 0 && order[i - 1]->hash == order[i]->hash ?
		    order[i - 1]->seq + 1 : 0;
		snprintf(order[i]->name, sizeof(order[i]->name), "%08lx.%d",
		    order[i]->hash, order[i]->seq);
	}
	*out = certs;
	*count = n;
	certs = NULL;
	rc = CLI_OK;
done:
	if (certs != NULL)
		for (i = 0; i < n; i++)
			free(certs[i].file);
	free(certs);
	free(order);
	return rc;
}

/* The snapshot to export: the store's anchors, or the purpose's. */
static int
snapshot(ptrust_cluster *c, const struct export_args *a, ptrust_store **out)
{
	ptrust_builder *b;

	*out = NULL;
	if (a->store != NULL) {
		if ((b = ptrust_cluster_store(c, a->store, 0)) == NULL) {
			fprintf(stderr, "phonetrust export: no store \"%s\" "
			    "(phonetrust store list shows them)\n", a->store);
			return CLI_USAGE;
		}
		if (ptrust_builder_build(b, out) != PTRUST_OK)
			return fail(a->store, ptrust_builder_error(b));
		return CLI_OK;
	}
	if (ptrust_cluster_purpose_store(c, a->purpose) == NULL) {
		fprintf(stderr, "phonetrust export: no store is set for %s "
		    "(name one in cluster.conf: %s = STORE)\n",
		    a->purpose_name, a->purpose_name);
		return CLI_USAGE;
	}
	if (ptrust_cluster_snapshot(c, a->purpose, out) != PTRUST_OK)
		return fail(a->purpose_name, ptrust_cluster_error(c));
	return CLI_OK;
}

int
cmd_export(int argc, char **argv, const char *cluster_dir)
{
	struct export_args a;
	ptrust_cluster *c = NULL;
	ptrust_store *store = NULL;
	struct cert *certs = NULL;
	const char *dir;
	char *text = NULL, what[256];
	size_t i, n = 0, len;
	int rc;

	if ((rc = parse_args(argc, argv, &a)) != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	rc = CLI_USAGE;
	if (cli_open_cluster("export", cluster_dir, &c, &dir) != CLI_OK)
		goto done;
	if (snapshot(c, &a, &store) != CLI_OK)
		goto done;
	if (a.store != NULL)
		snprintf(what, sizeof(what), "%s", a.store);
	else
		snprintf(what, sizeof(what), "%s (%s)", a.purpose_name,
		    ptrust_store_name(store));
	if (ptrust_store_anchor_count(store) == 0) {
		fprintf(stderr, "phonetrust export: %s has no anchors: refusing "
		    "to write an empty CA %s, with which a server trusts "
		    "nothing or fails to start\n", what,
		    a.format == FORMAT_PEM_BUNDLE ? "file" : "directory");
		goto done;
	}
	if (collect(store, &certs, &n) != CLI_OK)
		goto done;
	if (a.format == FORMAT_HASHED_DIR) {
		if (write_hashed_dir(a.dest, certs, n, what) != CLI_OK)
			goto done;
	} else {
		if (make_text(certs, n, NULL, what, &text, &len) != CLI_OK)
			goto done;
		if (strcmp(a.dest, "-") == 0) {
			/* past stdio: a failure is told here, once */
			if (write_all(STDOUT_FILENO, text, len) == -1) {
				fail("standard output", strerror(errno));
				goto done;
			}
			rc = CLI_OK;
			goto done;
		}
		if (write_file_atomic(a.dest, text, len) != CLI_OK)
			goto done;
	}
	printf("exported %zu certificate%s of %s to %s (%s)\n", n,
	    n == 1 ? "" : "s", what, a.dest, a.format_name);
	rc = CLI_OK;
done:
	for (i = 0; i < n; i++)
		free(certs[i].file);
	free(certs);
	free(text);
	ptrust_store_unref(store);
	ptrust_cluster_free(c);
	return rc;
}
