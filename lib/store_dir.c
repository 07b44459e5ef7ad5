/*
 * A store on disk: a directory with one PEM file per anchor, ALIAS.pem,
 * with a few comment lines (role, subject, fingerprint) before the block.
 * Saving writes every file to a temporary name, fsyncs it, renames it into
 * place and fsyncs the directory; nothing is renamed before every file has
 * been written, so a failure while writing leaves the old store whole.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "internal.h"
#include "builder.h"

static const char *const cert_exts[] = { ".pem", ".crt", ".cer", ".der" };

/* The extension of a certificate file name, or NULL. */
static const char *
cert_ext(const char *name)
{
	size_t n = strlen(name), i, e;

	for (i = 0; i < sizeof(cert_exts) / sizeof(cert_exts[0]); i++) {
		e = strlen(cert_exts[i]);
		if (n > e && strcasecmp(name + n - e, cert_exts[i]) == 0)
			return name + n - e;
	}
	return NULL;
}

/*
 * The alias a file name suggests, into out (PT_MAX_ALIAS + 1 bytes): its
 * stem as it is when that is a valid alias (so a saved store loads back
 * exactly), else tidied.  0 when nothing usable is left.
 */
static int
alias_from_path(const char *path, char *out)
{
	const char *base = strrchr(path, '/');
	const char *ext;
	char stem[PT_MAX_ALIAS + 1];
	size_t n;

	base = base != NULL ? base + 1 : path;
	ext = cert_ext(base);
	n = ext != NULL ? (size_t)(ext - base) : strlen(base);
	if (n <= PT_MAX_ALIAS) {
		memcpy(stem, base, n);
		stem[n] = '\0';
		if (pt_alias_valid(stem)) {
			memcpy(out, stem, n + 1);
			return 1;
		}
	}
	if (n > PT_MAX_ALIAS)
		n = PT_MAX_ALIAS;
	memcpy(stem, base, n);
	stem[n] = '\0';
	return pt_alias_from_text(stem, out);
}

ptrust_status
pt_items_from_file(const char *path, const char *alias, ptrust_role role,
    struct pt_itemlist *list, char *err)
{
	unsigned char *data;
	size_t len;
	ptrust_status st;
	char derived[PT_MAX_ALIAS + 1];

	if ((st = pt_read_file(path, &data, &len, err)) != PTRUST_OK)
		return st;
	if (alias == NULL && !alias_from_path(path, derived))
		derived[0] = '\0';
	st = pt_items_from_mem(data, len, path, alias != NULL ? alias :
	    derived[0] != '\0' ? derived : NULL, alias != NULL, role, list, err);
	OPENSSL_free(data);
	return st;
}

/* Certificate files of a directory, sorted, hidden files skipped. */
static ptrust_status
list_cert_files(const char *dir, char ***out, size_t *n, char *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **tmp;
	size_t cap = 0, i;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		pt_seterr(err, "%s: %s", dir, strerror(errno));
		return PTRUST_ERR_IO;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || cert_ext(de->d_name) == NULL)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((tmp = OPENSSL_realloc(names, cap * sizeof(*tmp))) == NULL)
				goto nomem;
			names = tmp;
		}
		if ((names[*n] = OPENSSL_malloc(strlen(dir) + strlen(de->d_name) + 2))
		    == NULL)
			goto nomem;
		sprintf(names[*n], "%s/%s", dir, de->d_name);
		(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(names, *n, sizeof(*names), pt_cmp_strings);
	*out = names;
	return PTRUST_OK;
nomem:
	closedir(d);
	for (i = 0; i < *n; i++)
		OPENSSL_free(names[i]);
	OPENSSL_free(names);
	*n = 0;
	pt_seterr(err, "out of memory");
	return PTRUST_ERR_NOMEM;
}

static ptrust_status
items_from_dir(const char *dir, ptrust_role role, struct pt_itemlist *l,
    char *err)
{
	char **files;
	size_t n, i;
	ptrust_status st;

	if ((st = list_cert_files(dir, &files, &n, err)) != PTRUST_OK)
		return st;
	for (i = 0; i < n && st == PTRUST_OK; i++)
		st = pt_items_from_file(files[i], NULL, role, l, err);
	for (i = 0; i < n; i++)
		OPENSSL_free(files[i]);
	OPENSSL_free(files);
	return st;
}

ptrust_status
ptrust_builder_add_dir(ptrust_builder *b, const char *path, ptrust_role role)
{
	struct pt_itemlist l = { 0 };
	ptrust_status st;

	if (b == NULL)
		return PTRUST_ERR_ARG;
	if ((st = pt_builder_begin(b, path, "no directory", NULL, role)) !=
	    PTRUST_OK)
		return st;
	st = items_from_dir(path, role, &l, b->err);
	return pt_builder_finish(b, st, &l, 0);
}

ptrust_status
ptrust_builder_load_dir(ptrust_builder *b, const char *path)
{
	struct pt_itemlist l = { 0 };
	ptrust_status st;

	if (b == NULL)
		return PTRUST_ERR_ARG;
	if ((st = pt_builder_begin(b, path, "no directory", NULL,
	    PTRUST_ROLE_AUTO)) != PTRUST_OK)
		return st;
	st = items_from_dir(path, PTRUST_ROLE_AUTO, &l, b->err);
	return pt_builder_finish(b, st, &l, 1);
}

/* The text of one anchor file. */
static char *
anchor_file_text(const ptrust_anchor *a, size_t *len)
{
	BIO *bio;
	BUF_MEM *mem;
	char nb[32], na[32], *text = NULL;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	pt_format_time(a->not_before, nb, sizeof(nb));
	pt_format_time(a->not_after, na, sizeof(na));
	/* Comments before the block: PEM readers skip them. */
	if (BIO_printf(bio, "# libphonetrust trust anchor\n# alias: %s\n"
	    "# role: %s\n# subject: %s\n# issuer: %s\n# validity: %s to %s\n"
	    "# sha256: %s\n", a->alias, ptrust_role_name(a->role), a->subject,
	    a->issuer, nb, na, a->sha256) <= 0 ||
	    !PEM_write_bio_X509(bio, a->x509))
		goto done;
	BIO_get_mem_ptr(bio, &mem);
	if ((text = OPENSSL_malloc(mem->length)) != NULL) {
		memcpy(text, mem->data, mem->length);
		*len = mem->length;
	}
done:
	BIO_free(bio);
	return text;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return 0;
		p += w;
		n -= (size_t)w;
	}
	return 1;
}

static int
has_alias(const ptrust_builder *b, const char *name)
{
	const char *ext = cert_ext(name);
	size_t stem, i;

	if (ext == NULL)
		return 0;
	stem = (size_t)(ext - name);
	if (strcmp(ext, ".pem") != 0)
		return 0;	/* only our own ALIAS.pem files are current */
	for (i = 0; i < b->n_anchors; i++)
		if (strlen(b->anchors[i]->alias) == stem &&
		    strncmp(b->anchors[i]->alias, name, stem) == 0)
			return 1;
	return 0;
}

ptrust_status
ptrust_builder_save_dir(ptrust_builder *b, const char *path)
{
	char **tmpnames = NULL, *final = NULL;
	ptrust_status st = PTRUST_ERR_IO;
	size_t i, written = 0;
	int dfd = -1;
	DIR *d = NULL;
	struct dirent *de;

	if (b == NULL)
		return PTRUST_ERR_ARG;
	if (path == NULL) {
		pt_seterr(b->err, "no directory");
		return PTRUST_ERR_ARG;
	}
	b->err[0] = '\0';
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		pt_seterr(b->err, "%s: %s", path, strerror(errno));
		return PTRUST_ERR_IO;
	}
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		pt_seterr(b->err, "%s: %s", path, strerror(errno));
		return PTRUST_ERR_IO;
	}
	if (b->n_anchors > 0 &&
	    (tmpnames = pt_calloc(b->n_anchors, sizeof(*tmpnames))) == NULL)
		goto nomem;
	/* Phase 1: every file written and synced under a temporary name. */
	for (i = 0; i < b->n_anchors; i++) {
		const ptrust_anchor *a = b->anchors[i];
		char *text;
		size_t len = 0;
		int fd, ok;

		/* Aliases were checked on entry; check again before using one as a path. */
		if (!pt_alias_valid(a->alias)) {
			pt_seterr(b->err, "refusing alias \"%s\"", a->alias);
			st = PTRUST_ERR_ARG;
			goto fail;
		}
		if ((tmpnames[i] = OPENSSL_malloc(strlen(path) + 24)) == NULL)
			goto nomem;
		sprintf(tmpnames[i], "%s/.ptrust-XXXXXX", path);
		if ((fd = mkstemp(tmpnames[i])) == -1) {
			pt_seterr(b->err, "%s: %s", path, strerror(errno));
			OPENSSL_free(tmpnames[i]);
			tmpnames[i] = NULL;
			goto fail;
		}
		written = i + 1;
		if ((text = anchor_file_text(a, &len)) == NULL) {
			close(fd);
			goto nomem;
		}
		ok = fchmod(fd, 0644) == 0 && write_all(fd, text, len) &&
		    fsync(fd) == 0;
		OPENSSL_free(text);
		if (!ok) {
			pt_seterr(b->err, "%s: writing %s.pem: %s", path,
			    a->alias, strerror(errno));
			close(fd);
			goto fail;
		}
		if (close(fd) != 0) {
			pt_seterr(b->err, "%s: closing %s.pem: %s", path,
			    a->alias, strerror(errno));
			goto fail;
		}
	}
	/* Phase 2: rename into place. */
	for (i = 0; i < b->n_anchors; i++) {
		if ((final = OPENSSL_malloc(strlen(path) + strlen(b->anchors[i]->alias)
		    + 6)) == NULL)
			goto nomem;
		sprintf(final, "%s/%s.pem", path, b->anchors[i]->alias);
		if (rename(tmpnames[i], final) == -1) {
			pt_seterr(b->err, "%s: %s", final, strerror(errno));
			goto fail;
		}
		OPENSSL_free(final);
		final = NULL;
		OPENSSL_free(tmpnames[i]);
		tmpnames[i] = NULL;
	}
	/* Phase 3: files of anchors no longer in the store go. */
	if ((d = fdopendir(dup(dfd))) == NULL) {
		pt_seterr(b->err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	while ((de = readdir(d)) != NULL) {
		/* .ptrust-* left by an interrupted save go too: ours are renamed */
		int stale_tmp = strncmp(de->d_name, ".ptrust-", 8) == 0;

		if (!stale_tmp && (de->d_name[0] == '.' ||
		    cert_ext(de->d_name) == NULL || has_alias(b, de->d_name)))
			continue;
		if (unlinkat(dfd, de->d_name, 0) == -1 && errno != ENOENT) {
			pt_seterr(b->err, "%s/%s: %s", path, de->d_name,
			    strerror(errno));
			goto fail;
		}
	}
	if (fsync(dfd) == -1) {
		pt_seterr(b->err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	st = PTRUST_OK;
	goto done;
nomem:
	pt_seterr(b->err, "out of memory");
	st = PTRUST_ERR_NOMEM;
fail:
done:
	for (i = 0; i < written; i++) {
		if (tmpnames[i] != NULL) {
			unlink(tmpnames[i]);
			OPENSSL_free(tmpnames[i]);
		}
	}
	OPENSSL_free(tmpnames);
	OPENSSL_free(final);
	if (d != NULL)
		closedir(d);
	close(dfd);
	return st;
}
