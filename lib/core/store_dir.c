/*
 * A store on disk: a directory with one PEM file per anchor, ALIAS.pem,
 * with a few comment lines (role, subject, fingerprint) before the block
 * for people, and the manifest, .phonetrust-roles, "SHA256 ROLE" per
 * anchor: the only place a role is read back from, so text in a file
 * someone copied in decides nothing (issue 13).  Saving writes every file
 * to a temporary name, fsyncs it, renames it into place and fsyncs the
 * directory; nothing is renamed before every file has been written, so a
 * failure while writing leaves the old store whole.  Temporary names carry
 * the writer's pid: a save removes only its own, and those of writers that
 * are dead.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/pem.h>

#include "internal.h"
#include "builder.h"

static const char *const cert_exts[] = { ".pem", ".crt", ".cer", ".der" };

#define MANIFEST	".phonetrust-roles"
#define TMP_PREFIX	".ptrust-"

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

/*
 * A file of a store directory, as pt_read_file_ex reads it with
 * PT_READ_STORE_FILE (the same checks, the same messages: a link is not
 * followed, only a regular file is read, NOT_FOUND when a concurrent
 * save removed it), in four system calls: a load reads every file of
 * every store.  O_NONBLOCK keeps a FIFO from hanging the open and means
 * nothing for the regular file read afterwards; one read gets it all, a
 * short one meaning its end.
 */
static ptrust_status
read_store_file(const char *path, unsigned char **data, size_t *len,
    char *err)
{
	static const char only[] = "; a store directory holds only regular "
	    "files";
	struct stat st;
	unsigned char *buf = NULL;
	size_t got = 0;
	ssize_t r;
	int fd;

	*data = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return PTRUST_ERR_NOT_FOUND;
		if (errno == ELOOP)
			pt_seterr(err, "%s: a symbolic link%s", path, only);
		else
			pt_seterr(err, "%s: %s", path, strerror(errno));
		return PTRUST_ERR_IO;
	}
	if (fstat(fd, &st) == -1) {
		pt_seterr(err, "%s: %s", path, strerror(errno));
		goto err;
	}
	if (!S_ISREG(st.st_mode)) {
		pt_seterr(err, "%s: not a regular file%s", path, only);
		goto err;
	}
	if ((unsigned long long)st.st_size > PT_MAX_FILE) {
		pt_seterr(err, "%s: file too large (%lld bytes, limit %u)",
		    path, (long long)st.st_size, PT_MAX_FILE);
		goto err;
	}
	/* One byte more than needed so a NUL terminator always fits. */
	if ((buf = OPENSSL_malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		pt_seterr(err, "%s: out of memory", path);
		return PTRUST_ERR_NOMEM;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == -1) {
			pt_seterr(err, "%s: %s", path, strerror(errno));
			goto err;
		}
		if (r == 0)
			break;	/* shrank while reading: take what is there */
		got += (size_t)r;
	}
	buf[got] = '\0';
	close(fd);
	*data = buf;
	*len = got;
	return PTRUST_OK;
err:
	OPENSSL_free(buf);
	close(fd);
	return PTRUST_ERR_IO;
}

struct role_entry {
	char		 sha256[65];
	ptrust_role	 role;
};

static int
cmp_role_entry(const void *a, const void *b)
{
	return strcmp(((const struct role_entry *)a)->sha256,
	    ((const struct role_entry *)b)->sha256);
}

/*
 * The manifest of dir, sorted by fingerprint (a store may hold 100,000
 * anchors): none is an empty one (roles are inferred).
 */
static ptrust_status
read_manifest(const char *dir, struct role_entry **out, size_t *n, char *err)
{
	struct role_entry *e = NULL;
	unsigned char *data;
	char path[4096], *line, *save = NULL, fp[65], role[32];
	size_t len, cap = 0;
	ptrust_status st;
	int lineno = 0;

	*out = NULL;
	*n = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, MANIFEST) >=
	    sizeof(path)) {
		pt_seterr(err, "%s: path too long", dir);
		return PTRUST_ERR_ARG;
	}
	if ((st = read_store_file(path, &data, &len, err)) != PTRUST_OK)
		return st == PTRUST_ERR_NOT_FOUND ? PTRUST_OK : st;
	if (memchr(data, '\0', len) != NULL) {
		pt_seterr(err, "%s: not a text file", path);
		st = PTRUST_ERR_PARSE;
		goto done;
	}
	for (line = strtok_r((char *)data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct role_entry *tmp;
		ptrust_role r;
		char extra;

		lineno++;
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%64s %31s %c", fp, role, &extra) != 2 ||
		    !pt_normalize_sha256(fp, fp) ||
		    ptrust_role_from_name(role, &r) != 0 ||
		    r == PTRUST_ROLE_AUTO) {
			pt_seterr(err, "%s line %d: expected \"SHA256 ROLE\"",
			    path, lineno);
			st = PTRUST_ERR_PARSE;
			goto done;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((tmp = OPENSSL_realloc(e, cap * sizeof(*e))) ==
			    NULL) {
				pt_seterr(err, "out of memory");
				st = PTRUST_ERR_NOMEM;
				goto done;
			}
			e = tmp;
		}
		memcpy(e[*n].sha256, fp, sizeof(fp));
		e[*n].role = r;
		(*n)++;
	}
done:
	OPENSSL_free(data);
	if (st != PTRUST_OK) {
		OPENSSL_free(e);
		e = NULL;
		*n = 0;
	} else if (*n > 1)
		qsort(e, *n, sizeof(*e), cmp_role_entry);
	*out = e;
	return st;
}

/* The manifest's role for x, PTRUST_ROLE_AUTO without one; -1: no memory. */
static int
manifest_role(const struct role_entry *e, size_t n, X509 *x,
    ptrust_role *role)
{
	const struct role_entry *found;
	struct role_entry key;
	unsigned char *der = NULL;
	int len, ok;

	*role = PTRUST_ROLE_AUTO;
	if (n == 0)
		return 0;
	if ((len = i2d_X509(x, &der)) <= 0)
		return -1;
	ok = pt_sha256_hex(der, (size_t)len, key.sha256);
	OPENSSL_free(der);
	if (!ok)
		return -1;
	if ((found = bsearch(&key, e, n, sizeof(*e), cmp_role_entry)) != NULL)
		*role = found->role;
	return 0;
}

/*
 * A store directory as read: its manifest's roles and each certificate
 * file's bytes, read at once (a later save cannot mix two versions), and
 * checked for what can be told without decoding a certificate.  Decoding
 * (the costly part: OpenSSL sets up a public-key decoder per certificate)
 * is pt_builder_load_files, when the store is used (cluster.c).
 */
struct pt_store_file {
	char		*path;
	unsigned char	*data;
	size_t		 len;
};

struct pt_store_files {
	struct role_entry *roles;	/* sorted by fingerprint */
	size_t		 nroles;
	struct pt_store_file *files;
	size_t		 n;
};

void
pt_store_files_free(struct pt_store_files *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		OPENSSL_free(f->files[i].path);
		OPENSSL_free(f->files[i].data);
	}
	OPENSSL_free(f->files);
	OPENSSL_free(f->roles);
	OPENSSL_free(f);
}

/*
 * What load_dir makes of the files read: the store's own files, each a
 * regular file named by a valid alias, roles from the manifest only.  A
 * directory without one may have been made by hand, so its files'
 * "# role:" lines count for nothing there either: roles are inferred.
 */
static ptrust_status
items_from_files(const struct pt_store_files *f, struct pt_itemlist *l,
    char *err)
{
	char alias[PT_MAX_ALIAS + 1];
	ptrust_status st = PTRUST_OK;
	size_t i, k, first;

	for (i = 0; i < f->n && st == PTRUST_OK; i++) {
		if (!alias_from_path(f->files[i].path, alias))
			alias[0] = '\0';
		first = l->n;
		st = pt_items_from_mem(f->files[i].data, f->files[i].len,
		    f->files[i].path, alias[0] != '\0' ? alias : NULL, 0,
		    PTRUST_ROLE_AUTO, l, err);
		for (k = first; k < l->n && st == PTRUST_OK; k++)
			if (manifest_role(f->roles, f->nroles, l->items[k].x509,
			    &l->items[k].role) < 0) {
				pt_seterr(err, "out of memory");
				st = PTRUST_ERR_NOMEM;
			}
	}
	return st;
}

/* The line "-----BEGIN label-----" or "-----END label-----" at p. */
static int
pem_line(const char *p, const char *end, const char *word,
    const char **label, size_t *label_len, const char **next)
{
	size_t w = strlen(word);
	const char *q;

	if ((size_t)(end - p) < w || memcmp(p, word, w) != 0)
		return 0;
	p += w;
	for (q = p; q < end && *q != '\n' && *q != '-'; q++)
		;
	if ((size_t)(end - q) < 5 || memcmp(q, "-----", 5) != 0)
		return 0;
	*label = p;
	*label_len = (size_t)(q - p);
	for (q += 5; q < end && (*q == '\r' || *q == ' ' || *q == '\t'); q++)
		;
	if (q < end && *q != '\n')
		return 0;
	*next = q < end ? q + 1 : q;
	return 1;
}

/*
 * What may stand where: 2 in a block's base64 (and whitespace), 1 in text
 * around the blocks, 0 never (binary bytes: not a PEM text).
 */
static unsigned char pem_class[256];

static void
pem_classes(void)
{
	int c;

	for (c = 0x20; c < 0x7f; c++)
		pem_class[c] = 1;
	for (c = 0x80; c < 0x100; c++)
		pem_class[c] = 1;	/* UTF-8 in comments */
	pem_class['\t'] = pem_class['\n'] = pem_class['\r'] = 2;
	pem_class['\f'] = pem_class['\v'] = 1;
	pem_class[' '] = pem_class['+'] = pem_class['/'] = pem_class['='] = 2;
	for (c = '0'; c <= '9'; c++)
		pem_class[c] = 2;
	for (c = 'A'; c <= 'Z'; c++)
		pem_class[c] = pem_class[c + 'a' - 'A'] = 2;
}

/*
 * 1 when a file's bytes are well framed, as far as one scan of the text
 * tells, without decoding anything: PEM text (no binary bytes) whose
 * every BEGIN line has its END line with nothing but base64 between (no
 * headers), no block a private key, one at least a certificate; or one
 * DER SEQUENCE that is the whole file.  0: decoding would refuse it, or
 * might: then it is decoded at once, to say why.
 */
static int
well_framed(const unsigned char *data, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const char *p = (const char *)data, *end = p + len, *label, *l2;
	const unsigned char *d = data;
	size_t n, n2;
	long alen;
	int tag, xclass, certs = 0;

	if (!pt_is_pem(data, len)) {
		if (len == 0 || len > LONG_MAX || (ASN1_get_object(&d, &alen,
		    &tag, &xclass, (long)len) & 0x80) ||
		    tag != V_ASN1_SEQUENCE || xclass != V_ASN1_UNIVERSAL)
			return 0;
		return (size_t)(d - data) + (size_t)alen == len;
	}
	if (pthread_once(&once, pem_classes) != 0)
		return 0;
	while (p < end) {
		if (!pem_line(p, end, "-----BEGIN ", &label, &n, &p)) {
			/* text around the blocks: up to the next line */
			for (; p < end && *p != '\n'; p++)
				if (pem_class[(unsigned char)*p] == 0)
					return 0;
			p += p < end;
			continue;
		}
		if (memmem(label, n, "PRIVATE KEY", 11) != NULL)
			return 0;
		if ((n == 11 && memcmp(label, "CERTIFICATE", 11) == 0) ||
		    (n == 16 && memcmp(label, "X509 CERTIFICATE", 16) == 0))
			certs++;
		for (; p < end && pem_class[(unsigned char)*p] == 2; p++)
			;
		if (!pem_line(p, end, "-----END ", &l2, &n2, &p) || n2 != n ||
		    memcmp(label, l2, n) != 0)
			return 0;
	}
	return certs > 0;
}

ptrust_status
pt_store_files_read(const char *dir, struct pt_store_files **out, char *err)
{
	struct pt_store_files *f;
	struct pt_itemlist l = { 0 };
	struct pt_store_file *sf;
	char **files = NULL;
	const char *base, *ext;
	size_t n = 0, i;
	ptrust_status st;
	int framed = 1;

	*out = NULL;
	if ((f = pt_calloc(1, sizeof(*f))) == NULL) {
		pt_seterr(err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	if ((st = read_manifest(dir, &f->roles, &f->nroles, err)) !=
	    PTRUST_OK || (st = list_cert_files(dir, &files, &n, err)) !=
	    PTRUST_OK)
		goto done;
	if (n > 0 && (f->files = pt_calloc(n, sizeof(*f->files))) == NULL) {
		pt_seterr(err, "out of memory");
		st = PTRUST_ERR_NOMEM;
		goto done;
	}
	for (i = 0; i < n && st == PTRUST_OK; i++) {
		base = strrchr(files[i], '/') + 1;
		ext = cert_ext(base);
		if ((size_t)(ext - base) > PT_MAX_ALIAS) {
			pt_seterr(err, "%s: name too long for an alias (at most "
			    "%d characters)", files[i], PT_MAX_ALIAS);
			st = PTRUST_ERR_ARG;
			break;
		}
		sf = &f->files[f->n];
		if ((st = read_store_file(files[i], &sf->data, &sf->len, err)) ==
		    PTRUST_ERR_NOT_FOUND) {
			st = PTRUST_OK;	/* removed by a save since listed */
			continue;
		}
		if (st != PTRUST_OK)
			break;
		sf->path = files[i];
		files[i] = NULL;
		f->n++;
		framed = framed && well_framed(sf->data, sf->len);
	}
	/*
	 * A file that may not decode is decoded now: the load refuses the
	 * store with the very message using it would give.
	 */
	if (st == PTRUST_OK && !framed) {
		st = items_from_files(f, &l, err);
		pt_itemlist_free(&l);
	}
done:
	for (i = 0; i < n; i++)
		OPENSSL_free(files[i]);
	OPENSSL_free(files);
	if (st != PTRUST_OK) {
		pt_store_files_free(f);
		return st;
	}
	*out = f;
	return PTRUST_OK;
}

/* ptrust_builder_load_dir's second half: the files read, decoded. */
ptrust_status
pt_builder_load_files(ptrust_builder *b, const char *path,
    const struct pt_store_files *f)
{
	struct pt_itemlist l = { 0 };
	ptrust_status st;

	if ((st = pt_builder_begin(b, path, "no directory", NULL,
	    PTRUST_ROLE_AUTO)) != PTRUST_OK)
		return st;
	st = items_from_files(f, &l, b->err);
	return pt_builder_finish(b, st, &l, 1);
}

ptrust_status
ptrust_builder_load_dir(ptrust_builder *b, const char *path)
{
	struct pt_store_files *f = NULL;
	ptrust_status st;

	if (b == NULL)
		return PTRUST_ERR_ARG;
	if ((st = pt_builder_begin(b, path, "no directory", NULL,
	    PTRUST_ROLE_AUTO)) != PTRUST_OK)
		return st;
	if ((st = pt_store_files_read(path, &f, b->err)) != PTRUST_OK)
		return st;
	st = pt_builder_load_files(b, path, f);
	pt_store_files_free(f);
	return st;
}

/* A copy of what was written to a memory BIO; NULL out of memory. */
static char *
bio_text(BIO *bio, size_t *len)
{
	BUF_MEM *mem;
	char *text;

	BIO_get_mem_ptr(bio, &mem);
	if ((text = OPENSSL_malloc(mem->length)) != NULL) {
		memcpy(text, mem->data, mem->length);
		*len = mem->length;
	}
	return text;
}

/* The text of one anchor file. */
static char *
anchor_file_text(const ptrust_anchor *a, size_t *len)
{
	BIO *bio;
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
	text = bio_text(bio, len);
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

/* The manifest: every anchor's fingerprint and role. */
static char *
manifest_text(const ptrust_builder *b, size_t *len)
{
	BIO *bio;
	char *text = NULL;
	size_t i;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (BIO_printf(bio, "# libphonetrust store manifest: SHA256 ROLE per "
	    "anchor, written by ptrust_builder_save_dir\n") <= 0)
		goto done;
	for (i = 0; i < b->n_anchors; i++)
		if (BIO_printf(bio, "%s %s\n", b->anchors[i]->sha256,
		    ptrust_role_name(b->anchors[i]->role)) <= 0)
			goto done;
	text = bio_text(bio, len);
done:
	BIO_free(bio);
	return text;
}

/*
 * A temporary file of a save, TMP_PREFIX<pid>-XXXXXX, that no live writer
 * owns: one a crashed save left.  Another writer's, or ours, is left alone.
 */
static int
stale_tmp(const char *name)
{
	char *end;
	long pid;

	if (strncmp(name, TMP_PREFIX, sizeof(TMP_PREFIX) - 1) != 0)
		return 0;
	errno = 0;
	pid = strtol(name + sizeof(TMP_PREFIX) - 1, &end, 10);
	if (errno != 0 || end == name + sizeof(TMP_PREFIX) - 1 ||
	    *end != '-' || pid <= 0 || pid == (long)getpid())
		return 0;
	return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/* One file written and synced under a fresh temporary name in path. */
static ptrust_status
write_tmp(const char *path, const char *what, const char *text, size_t len,
    char **tmpname, char *err)
{
	int fd, ok;

	if ((*tmpname = OPENSSL_malloc(strlen(path) + 48)) == NULL) {
		pt_seterr(err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	sprintf(*tmpname, "%s/" TMP_PREFIX "%ld-XXXXXX", path, (long)getpid());
	if ((fd = mkstemp(*tmpname)) == -1) {
		pt_seterr(err, "%s: %s", path, strerror(errno));
		OPENSSL_free(*tmpname);
		*tmpname = NULL;
		return PTRUST_ERR_IO;
	}
	ok = fchmod(fd, 0644) == 0 && write_all(fd, text, len) &&
	    fsync(fd) == 0;
	if (!ok) {
		pt_seterr(err, "%s: writing %s: %s", path, what,
		    strerror(errno));
		close(fd);
		return PTRUST_ERR_IO;
	}
	if (close(fd) != 0) {
		pt_seterr(err, "%s: closing %s: %s", path, what,
		    strerror(errno));
		return PTRUST_ERR_IO;
	}
	return PTRUST_OK;
}

ptrust_status
ptrust_builder_save_dir(ptrust_builder *b, const char *path)
{
	char **tmpnames = NULL, *final = NULL, *text;
	ptrust_status st = PTRUST_ERR_IO;
	size_t i, n, len = 0;
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
	/* the anchors' files, then the manifest */
	n = b->n_anchors + 1;
	if ((tmpnames = pt_calloc(n, sizeof(*tmpnames))) == NULL)
		goto nomem;
	/* Phase 1: every file written and synced under a temporary name. */
	for (i = 0; i < n; i++) {
		const ptrust_anchor *a = i < b->n_anchors ? b->anchors[i] : NULL;

		/* Aliases were checked on entry; check again before using one as a path. */
		if (a != NULL && !pt_alias_valid(a->alias)) {
			pt_seterr(b->err, "refusing alias \"%s\"", a->alias);
			st = PTRUST_ERR_ARG;
			goto fail;
		}
		text = a != NULL ? anchor_file_text(a, &len) :
		    manifest_text(b, &len);
		if (text == NULL)
			goto nomem;
		st = write_tmp(path, a != NULL ? a->alias : MANIFEST, text, len,
		    &tmpnames[i], b->err);
		OPENSSL_free(text);
		if (st != PTRUST_OK)
			goto fail;
	}
	/*
	 * Phase 2: rename into place, the manifest first: a reader between
	 * two renames finds a role for each new file it sees.
	 */
	for (i = n; i-- > 0;) {
		const char *name = i < b->n_anchors ? b->anchors[i]->alias :
		    MANIFEST;

		if ((final = OPENSSL_malloc(strlen(path) + strlen(name) + 6)) ==
		    NULL)
			goto nomem;
		sprintf(final, "%s/%s%s", path, name, i < b->n_anchors ?
		    ".pem" : "");
		if (rename(tmpnames[i], final) == -1) {
			pt_seterr(b->err, "%s: %s", final, strerror(errno));
			st = PTRUST_ERR_IO;
			goto fail;
		}
		OPENSSL_free(final);
		final = NULL;
		OPENSSL_free(tmpnames[i]);
		tmpnames[i] = NULL;
	}
	/*
	 * Phase 3: files of anchors no longer in the store go, and temporary
	 * files of saves that died; another writer's stay.
	 */
	st = PTRUST_ERR_IO;
	if ((d = fdopendir(dup(dfd))) == NULL) {
		pt_seterr(b->err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	while ((de = readdir(d)) != NULL) {
		if (!stale_tmp(de->d_name) && (de->d_name[0] == '.' ||
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
	for (i = 0; tmpnames != NULL && i < n; i++) {
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
