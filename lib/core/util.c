/* Small helpers: error text, file reading, names, times, PEM/DER parsing. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>

#include "internal.h"

void *
pt_calloc(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	/* OPENSSL_zalloc(0) gives NULL, which would read as out of memory */
	return OPENSSL_zalloc(n * size > 0 ? n * size : 1);
}

void
pt_seterr(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, PT_ERRLEN, fmt, ap);
	va_end(ap);
}

/* Like pt_seterr, with OpenSSL's most recent error appended and the queue cleared. */
void
pt_seterr_ssl(char *err, const char *fmt, ...)
{
	va_list ap;
	unsigned long e;
	size_t used;

	if (err == NULL) {
		ERR_clear_error();
		return;
	}
	va_start(ap, fmt);
	vsnprintf(err, PT_ERRLEN, fmt, ap);
	va_end(ap);
	e = ERR_peek_last_error();
	used = strlen(err);
	if (e != 0 && used + 3 < PT_ERRLEN) {
		const char *reason = ERR_reason_error_string(e);
		snprintf(err + used, PT_ERRLEN - used, " (%s)",
		    reason != NULL ? reason : "unknown OpenSSL error");
	}
	ERR_clear_error();
}

/*
 * A whole regular file, at most PT_MAX_FILE bytes, NUL-terminated.  With
 * PT_READ_STORE_FILE (a file of a store directory): a link is not
 * followed, and a file that is not there (a concurrent save removed it)
 * is PTRUST_ERR_NOT_FOUND with err untouched.
 */
ptrust_status
pt_read_file_ex(const char *path, int flags, unsigned char **data,
    size_t *len, char *err)
{
	const char *only = flags & PT_READ_STORE_FILE ?
	    "; a store directory holds only regular files" : "";
	struct stat st;
	unsigned char *buf = NULL;
	size_t got = 0;
	ssize_t r;
	int fd;

	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO or device must not hang us before fstat says no. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    (flags & PT_READ_STORE_FILE ? O_NOFOLLOW : 0))) == -1) {
		if ((flags & PT_READ_STORE_FILE) && errno == ENOENT)
			return PTRUST_ERR_NOT_FOUND;
		if ((flags & PT_READ_STORE_FILE) && errno == ELOOP)
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
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		pt_seterr(err, "%s: %s", path, strerror(errno));
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
		if (r == -1 && errno == EINTR)
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

ptrust_status
pt_read_file(const char *path, unsigned char **data, size_t *len, char *err)
{
	return pt_read_file_ex(path, 0, data, len, err);
}

/* RFC 2253 order (CN first), UTF-8 kept as is. */
char *
pt_name_string(const X509_NAME *name)
{
	BIO *bio;
	BUF_MEM *mem;
	char *s = NULL;

	if (name == NULL)
		return OPENSSL_strdup("");
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(bio, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		BIO_get_mem_ptr(bio, &mem);
		if ((s = OPENSSL_malloc(mem->length + 1)) != NULL) {
			if (mem->length > 0)	/* an empty name has no data */
				memcpy(s, mem->data, mem->length);
			s[mem->length] = '\0';
		}
	}
	BIO_free(bio);
	return pt_text_escape(s);	/* names are printed: no controls */
}

/*
 * The last CN of the subject as UTF-8 in *cn, NUL-terminated, and its
 * true length in *len: a NUL inside is kept and counted.  1 found, 0 the
 * subject has no readable CN, -1 out of memory (so that callers never
 * mistake a failed allocation for a missing name).
 */
int
pt_subject_cn_len(X509 *x509, char **cn, size_t *len)
{
	return pt_name_cn_len(X509_get_subject_name(x509), cn, len);
}

int
pt_name_cn_len(const X509_NAME *name, char **cn, size_t *len)
{
	int idx = -1, last = -1;
	unsigned char *utf8 = NULL;
	int n;

	*cn = NULL;
	*len = 0;
	while ((idx = X509_NAME_get_index_by_NID(name, NID_commonName,
	    idx)) >= 0)
		last = idx;
	if (last < 0)
		return 0;
	n = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
	if (n < 0) {
		int oom = ERR_GET_REASON(ERR_peek_last_error()) ==
		    ERR_R_MALLOC_FAILURE;

		ERR_clear_error();
		return oom ? -1 : 0;
	}
	if ((*cn = OPENSSL_malloc((size_t)n + 1)) != NULL) {
		memcpy(*cn, utf8, (size_t)n);
		(*cn)[n] = '\0';
		*len = (size_t)n;
	}
	OPENSSL_free(utf8);
	return *cn != NULL ? 1 : -1;
}

/*
 * The same as a C string to print, controls escaped (pt_text_escape).  A
 * CN with a NUL inside is no readable CN: cut at the NUL it would name
 * something else.
 */
int
pt_subject_cn(X509 *x509, char **cn)
{
	size_t len;
	int found;

	if ((found = pt_subject_cn_len(x509, cn, &len)) != 1)
		return found;
	if (strlen(*cn) != len) {
		OPENSSL_free(*cn);
		*cn = NULL;
		return 0;
	}
	return (*cn = pt_text_escape(*cn)) != NULL ? 1 : -1;
}

int
pt_asn1_time_to_time_t(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return 0;
	}
	/* a checked, normalised UTC time; the one conversion (civil_time.c) */
	return pt_time_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, out);
}

void
pt_format_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "@%lld", (long long)t);
}

int
pt_is_pem(const unsigned char *data, size_t len)
{
	static const char tag[] = "-----BEGIN ";
	size_t i;

	if (len < sizeof(tag) - 1)
		return 0;
	for (i = 0; i + sizeof(tag) - 1 <= len; i++)
		if (memcmp(data + i, tag, sizeof(tag) - 1) == 0)
			return 1;
	return 0;
}

static int
line_of(const unsigned char *data, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

X509 *
pt_known_find(const struct pt_known *known, const unsigned char *der,
    size_t len)
{
	return known != NULL ? known->find(known->arg, der, len) : NULL;
}

/*
 * Appends every CERTIFICATE block of a PEM text to out; other block types
 * (keys, CRLs) are skipped.  Returns the number of certificates added, or
 * -1 with err naming the block and line that failed.
 */
int
pt_parse_pem_certs(const unsigned char *data, size_t len, STACK_OF(X509) *out,
    char *err, const char *what, const struct pt_known *known)
{
	BIO *bio;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long der_len;
	size_t off;
	int added = 0, blocks = 0, skipped = 0;
	int first = sk_X509_num(out);

	if (len > INT_MAX) {
		pt_seterr(err, "%s: too large", what);
		return -1;
	}
	/*
	 * RFC 7468 lets text surround the blocks, and it is ignored; control
	 * bytes are not text but a damaged file or a binary one with PEM
	 * inside, and are refused rather than skipped.
	 */
	for (off = 0; off < len; off++)
		if ((data[off] < 0x20 && data[off] != '\t' && data[off] != '\n' &&
		    data[off] != '\r' && data[off] != '\f' && data[off] != '\v') ||
		    data[off] == 0x7f) {
			pt_seterr(err, "%s: binary data on line %d: not a PEM "
			    "text", what, line_of(data, off));
			return -1;
		}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		pt_seterr(err, "%s: out of memory", what);
		return -1;
	}
	for (;;) {
		const unsigned char *p;
		X509 *x;

		off = len - (size_t)BIO_ctrl_pending(bio);
		if (!PEM_read_bio(bio, &name, &header, &der, &der_len)) {
			unsigned long e = ERR_peek_last_error();

			if (ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
				ERR_clear_error();
				break;
			}
			pt_seterr_ssl(err, "%s: bad PEM block after line %d "
			    "(block %d)", what, line_of(data, off), blocks + 1);
			goto fail;
		}
		blocks++;
		/* off points at where the search began; find the BEGIN line. */
		if (strcmp(name, PEM_STRING_X509) != 0 &&
		    strcmp(name, PEM_STRING_X509_OLD) != 0) {
			skipped++;
		} else {
			/* bytes already decoded: that certificate */
			if ((x = pt_known_find(known, der, (size_t)der_len)) !=
			    NULL)
				p = der + der_len;
			else {
				p = der;
				x = d2i_X509(NULL, &p, der_len);
			}
			if (x == NULL || p != der + der_len) {
				X509_free(x);
				pt_seterr_ssl(err, "%s: certificate %d (PEM block "
				    "after line %d) is not valid DER%s", what,
				    added + 1, line_of(data, off),
				    x != NULL ? ": trailing bytes" : "");
				goto fail;
			}
			if (!sk_X509_push(out, x)) {
				X509_free(x);
				pt_seterr(err, "%s: out of memory", what);
				goto fail;
			}
			added++;
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		name = header = NULL;
		der = NULL;
	}
	BIO_free(bio);
	if (added == 0) {
		pt_seterr(err, "%s: no certificate found%s", what,
		    skipped ? " (only other PEM blocks, e.g. keys)" : "");
		return -1;
	}
	return added;
fail:
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	while (sk_X509_num(out) > first)
		X509_free(sk_X509_pop(out));
	return -1;
}

/* what, or "certificate <index> (DER)": formatted only for an error. */
static const char *
der_name(const char *what, int index, char buf[64])
{
	if (what != NULL)
		return what;
	snprintf(buf, 64, "certificate %d (DER)", index);
	return buf;
}

/*
 * A PKCS#12 file (.p12, .pfx: certificates, and usually the private key,
 * in one password-protected bundle) where a certificate was expected.
 * RFC 7292 PFX: a SEQUENCE holding INTEGER 3 then a ContentInfo, and
 * OpenSSL must decode the whole input as one.  Asked only once the input
 * failed as a certificate, so it costs nothing on success; OpenSSL's
 * error queue is left as the certificate decoding left it.
 */
static int
is_pkcs12(const unsigned char *data, size_t len)
{
	static const unsigned char version3[] = { V_ASN1_INTEGER, 1, 3 };
	const unsigned char *p = data;
	long hlen;
	int tag, xclass, r;
	PKCS12 *p12;

	if (len > LONG_MAX)
		return 0;
	r = ASN1_get_object(&p, &hlen, &tag, &xclass, (long)len);
	if ((r & 0x80) || !(r & V_ASN1_CONSTRUCTED) ||
	    tag != V_ASN1_SEQUENCE || xclass != V_ASN1_UNIVERSAL ||
	    (size_t)(p - data) + sizeof(version3) > len ||
	    memcmp(p, version3, sizeof(version3)) != 0)
		return 0;
	ERR_set_mark();
	p = data;
	p12 = d2i_PKCS12(NULL, &p, (long)len);
	r = p12 != NULL && p == data + len;
	PKCS12_free(p12);
	ERR_pop_to_mark();
	return r;
}

/* The DER input failed as a certificate: say why, in err. */
static void
not_a_certificate(const unsigned char *data, size_t len, char *err,
    const char *name)
{
	if (is_pkcs12(data, len)) {
		pt_seterr(err, "%s: a PKCS#12 file (.p12/.pfx: certificates, "
		    "usually with a private key, in one bundle), not a "
		    "certificate; take the certificates out with: openssl "
		    "pkcs12 -in FILE -nokeys -out cert.pem", name);
		ERR_clear_error();
	} else
		pt_seterr_ssl(err, "%s: not a DER certificate", name);
}

/*
 * One DER certificate, nothing after it, decoded in libctx (NULL: the
 * default context).  what (or, when NULL, "certificate <index> (DER)")
 * names it in the error; a PKCS#12 file is told as such, with the command
 * that takes its certificates out.
 */
X509 *
pt_parse_der_cert_ex(const unsigned char *data, size_t len, char *err,
    const char *what, int index, OSSL_LIB_CTX *libctx)
{
	const unsigned char *p = data;
	char buf[64];
	X509 *x = NULL;

	if (len == 0) {
		pt_seterr(err, "%s: empty input", der_name(what, index, buf));
		return NULL;
	}
	if (len > LONG_MAX) {
		pt_seterr(err, "%s: too large", der_name(what, index, buf));
		return NULL;
	}
	if (libctx != NULL) {
		/* d2i into an object made in libctx decodes its key there */
		if ((x = X509_new_ex(libctx, NULL)) == NULL) {
			pt_seterr_ssl(err, "%s: out of memory",
			    der_name(what, index, buf));
			return NULL;
		}
		/*
		 * A decoding error frees x and sets it to NULL.  NULL with x
		 * kept means decoded, but with an extension OpenSSL cannot
		 * read: decoded into a fresh object that is no error (the
		 * validation reports it), so it is none here either.
		 */
		if (d2i_X509(&x, &p, (long)len) == NULL && x == NULL) {
			not_a_certificate(data, len, err,
			    der_name(what, index, buf));
			return NULL;
		}
	} else if ((x = d2i_X509(NULL, &p, (long)len)) == NULL) {
		not_a_certificate(data, len, err, der_name(what, index, buf));
		return NULL;
	}
	if (p != data + len) {
		pt_seterr(err, "%s: %zu trailing bytes after the certificate "
		    "at byte %zu", der_name(what, index, buf),
		    (size_t)(data + len - p), (size_t)(p - data));
		X509_free(x);
		return NULL;
	}
	return x;
}

X509 *
pt_parse_der_cert(const unsigned char *data, size_t len, char *err,
    const char *what)
{
	return pt_parse_der_cert_ex(data, len, err, what, 0, NULL);
}

/* ASCII letters and digits, whatever the locale says. */
static int
ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Aliases become file names: keep them to a safe portable set. */
int
pt_alias_valid(const char *alias)
{
	size_t i, n;

	if (alias == NULL || (n = strlen(alias)) == 0 || n > PT_MAX_ALIAS)
		return 0;
	if (!ascii_alnum((unsigned char)alias[0]))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)alias[i];

		if (!(ascii_alnum(c) || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	if (strstr(alias, "..") != NULL)
		return 0;
	return 1;
}

/*
 * A valid alias derived from free text (a CN or file stem) into out, which
 * holds PT_MAX_ALIAS + 1 bytes; 0 when the text has nothing usable.  No
 * allocation, so "no alias" never hides an out-of-memory condition.
 */
int
pt_alias_from_text(const char *text, char *out)
{
	char *d = out;
	const char *p;
	size_t n;

	if (text == NULL)
		return 0;
	while (*text != '\0' && !ascii_alnum((unsigned char)*text))
		text++;
	if (*text == '\0')
		return 0;
	n = strlen(text);
	if (n > PT_MAX_ALIAS)
		n = PT_MAX_ALIAS;
	for (p = text; (size_t)(p - text) < n; p++) {
		unsigned char c = (unsigned char)*p;

		if (ascii_alnum(c) || c == '_' || c == '-')
			*d++ = (char)c;
		else if (c == '.' && d[-1] != '.')
			*d++ = '.';
		else if (d[-1] != '_')
			*d++ = '_';
	}
	/* no trailing separators */
	while (d > out + 1 && (d[-1] == '_' || d[-1] == '.'))
		d--;
	*d = '\0';
	return pt_alias_valid(out);
}

/* Accepts 64 hex digits, colons allowed, any case.  1 on success. */
int
pt_normalize_sha256(const char *in, char out[65])
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ':')
			continue;
		if (!isxdigit((unsigned char)*in) || n == 64)
			return 0;
		out[n++] = (char)tolower((unsigned char)*in);
	}
	out[n] = '\0';
	return n == 64;
}

/* SHA-256 of DER as 64 lower-case hex digits; 0 when the digest failed. */
int
pt_sha256_hex(const unsigned char *der, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;
	int i;

	/* fetched once: EVP_sha256() would look it up on every call */
	if (!EVP_Digest(der, len, md, &mdlen, pt_sha256(), NULL) ||
	    mdlen != sizeof(md))
		return 0;
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[64] = '\0';
	return 1;
}

/* qsort comparison of two (char *) elements. */
int
pt_cmp_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * OpenSSL 3.0 decodes a certificate's extensions lazily, on first use, and
 * caches them inside the X509.  Do it now, while one thread holds x, so
 * that threads sharing x later (anchors, cached intermediates, a caller's
 * certificates) only ever read.  An invalid extension is cached as such
 * and refused by the validation.
 */
void
pt_x509_settle(X509 *x)
{
	(void)X509_check_purpose(x, -1, 0);
}

/*
 * Per-thread state of the server path (cache.c).
 *
 * OpenSSL 3.0 decodes a certificate's public key through OSSL_DECODER,
 * whose setup walks every decoder of the library context under its
 * read-write locks: two threads decoding in the default context spend much
 * of their time bouncing those locks between cores.  A thread validating
 * through the cache decodes each phone's leaf (and only that: a leaf lives
 * for one call) in a library context of its own, with the same "default"
 * provider, so the same code checks the same things.
 *
 * Lifetime: verifying a leaf from such a context with an anchor's key
 * caches an export of that key into the context (inside the anchor's
 * EVP_PKEY), so a context must outlive every key that may hold such an
 * export.  Contexts are therefore never freed: a thread that exits gives
 * its context back to a pool for the next thread.  The cost is one library
 * context (about 130 KiB once algorithms are fetched) per thread that ever
 * validated at the same time, kept until the process exits.
 *
 * Contexts are used only when the default context is plain (no FIPS
 * default property, no provider but "default" and "base" activated);
 * otherwise everything stays in the default context, as configured.
 */
struct pt_thread {
	OSSL_LIB_CTX	*libctx;	/* NULL: none (the default is used) */
	EVP_MD_CTX	*md;
	int		 libctx_tried;
};

static pthread_once_t	 thread_once = PTHREAD_ONCE_INIT;
static pthread_key_t	 thread_key;
static atomic_int	 thread_key_ok;		/* 0 again once unloaded */
static const EVP_MD	*sha256_md;		/* fetched once, kept */
static pthread_mutex_t	 pool_lock = PTHREAD_MUTEX_INITIALIZER;
static OSSL_LIB_CTX	**pool;			/* contexts no thread uses */
static size_t		 pool_n, pool_cap;

static void
pool_put(OSSL_LIB_CTX *ctx)
{
	OSSL_LIB_CTX **p;

	pthread_mutex_lock(&pool_lock);
	if (pool_n == pool_cap) {
		size_t cap = pool_cap ? pool_cap * 2 : 8;

		/* out of memory here leaks one context, which stays usable */
		if ((p = OPENSSL_realloc(pool, cap * sizeof(*p))) == NULL) {
			pthread_mutex_unlock(&pool_lock);
			return;		/* kept alive forever anyway */
		}
		pool = p;
		pool_cap = cap;
	}
	pool[pool_n++] = ctx;
	pthread_mutex_unlock(&pool_lock);
}

static void
thread_state_free(void *arg)
{
	struct pt_thread *t = arg;

	if (t == NULL)
		return;
	if (t->libctx != NULL)
		pool_put(t->libctx);
	EVP_MD_CTX_free(t->md);
	OPENSSL_free(t);
}

static void
thread_init(void)
{
	thread_key_ok = pthread_key_create(&thread_key, thread_state_free) == 0;
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	ERR_clear_error();
}

/* An unloaded library must not leave a destructor behind in threads. */
__attribute__((destructor)) static void
thread_fini(void)
{
	if (thread_key_ok)
		pthread_key_delete(thread_key);
	thread_key_ok = 0;
}

static struct pt_thread *
thread_state(void)
{
	struct pt_thread *t;

	pthread_once(&thread_once, thread_init);
	if (!thread_key_ok)
		return NULL;
	if ((t = pthread_getspecific(thread_key)) != NULL)
		return t;
	if ((t = pt_calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (pthread_setspecific(thread_key, t) != 0) {
		OPENSSL_free(t);
		return NULL;
	}
	return t;
}

const EVP_MD *
pt_sha256(void)
{
	pthread_once(&thread_once, thread_init);
	return sha256_md != NULL ? sha256_md : EVP_sha256();
}

EVP_MD_CTX *
pt_thread_md(void)
{
	struct pt_thread *t = thread_state();

	if (t == NULL)
		return NULL;
	if (t->md == NULL)
		t->md = EVP_MD_CTX_new();
	return t->md;
}

static int
count_other_provider(OSSL_PROVIDER *p, void *arg)
{
	const char *name = OSSL_PROVIDER_get0_name(p);

	if (strcmp(name, "default") != 0 && strcmp(name, "base") != 0)
		(*(int *)arg)++;
	return 1;
}

/* The default context as OpenSSL sets it up by itself? */
static int
default_ctx_plain(void)
{
	int others = 0;

	if (EVP_default_properties_is_fips_enabled(NULL))
		return 0;
	if (!OSSL_PROVIDER_do_all(NULL, count_other_provider, &others))
		return 0;
	return others == 0;
}

static OSSL_LIB_CTX *
libctx_new(void)
{
	OSSL_LIB_CTX *ctx = NULL;

	pthread_mutex_lock(&pool_lock);
	if (pool_n > 0)
		ctx = pool[--pool_n];
	pthread_mutex_unlock(&pool_lock);
	if (ctx != NULL)
		return ctx;
	if ((ctx = OSSL_LIB_CTX_new()) == NULL)
		return NULL;
	/* kept loaded for the life of the context, which is forever */
	if (OSSL_PROVIDER_load(ctx, "default") == NULL) {
		OSSL_LIB_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

OSSL_LIB_CTX *
pt_thread_libctx(void)
{
	struct pt_thread *t = thread_state();

	if (t == NULL)
		return NULL;
	if (t->libctx == NULL && !t->libctx_tried) {
		/* once per thread: failing (out of memory) costs speed only */
		t->libctx_tried = 1;
		if (default_ctx_plain())
			t->libctx = libctx_new();
		ERR_clear_error();
	}
	return t->libctx;
}

