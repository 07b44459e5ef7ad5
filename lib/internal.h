/*
 * Internal declarations shared by the library's files.  Internal names
 * start with pt_ so that the version script (ptrust_*) never exports them.
 */
#ifndef PTRUST_INTERNAL_H
#define PTRUST_INTERNAL_H

#include <stdatomic.h>
#include <stdarg.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* Public declarations get default visibility; everything else is hidden. */
#pragma GCC visibility push(default)
#include "phonetrust.h"
#include "phonetrust-openssl.h"
#include "phonetrust-lab.h"
#include "phonetrust-cluster.h"
#include "phonetrust-radius.h"
#pragma GCC visibility pop

#include "civil_time.h"

#define PT_ERRLEN	512
/* Largest file the library reads: a trust store or chain is far smaller. */
#define PT_MAX_FILE	(16u * 1024 * 1024)
#define PT_MAX_ALIAS	128
/* A presented chain: its certificates, and the DER size of each. */
#define PT_MAX_CHAIN	100
#define PT_MAX_CERT	(64 * 1024)
#define PT_STR_(x)	#x
#define PT_STR(x)	PT_STR_(x)
#define PT_DEFAULT_DEPTH 10
#define PT_DEFAULT_LEVEL 2

struct ptrust_anchor {
	atomic_int	 refs;
	X509		*x509;
	char		*alias;
	char		 sha256[65];
	char		*subject;
	char		*issuer;
	time_t		 not_before;
	time_t		 not_after;
	char		 key_type[16];
	int		 key_bits;
	ptrust_role	 role;
	unsigned char	*der;
	size_t		 der_len;
	/* X509_NAME_hash_ex of the subject: equal names hash alike */
	unsigned long	 subject_hash;
};

struct pt_change {
	ptrust_change_kind kind;
	char		*alias;
	char		*other_alias;
};

/*
 * One slot of the builder's lookup tables (builder.c): a key's hash and a
 * position, only a hint until the anchor there is checked to have the key.
 */
struct pt_slot {
	size_t		 hash;
	size_t		 pos;		/* position + 1; 0: an empty slot */
};

struct ptrust_builder {
	char		*name;
	ptrust_anchor	**anchors;
	size_t		 n_anchors, cap_anchors;
	/*
	 * Three tables of index_cap slots each, by fingerprint, by subject
	 * and by alias.  Entries are never deleted; NULL or index_stale
	 * (positions moved) means rebuild before use.
	 */
	struct pt_slot	*index;
	size_t		 index_cap, index_used;
	int		 index_stale;
	struct pt_change *changes;
	size_t		 n_changes;
	int		 replace_cisco_ca; /* look-alikes of Cisco's CAs allowed */
	char		 err[PT_ERRLEN];
};

struct ptrust_store {
	atomic_int	 refs;
	char		*name;
	uint64_t	 generation;
	ptrust_anchor	**anchors;
	size_t		 n_anchors;
	/* the same anchors by the address of their X509, for bsearch */
	ptrust_anchor	**by_x509;
	ptrust_anchor	**by_sha256;	/* and by fingerprint */
	X509_STORE	*x509_store;
	/*
	 * A purpose's snapshot merges stores (cluster.c): anchors from
	 * n_own on came from extra_name (the manufacturing CAs), so a
	 * verdict names the store the anchor really lives in.
	 */
	size_t		 n_own;
	char		*extra_name;
};

struct ptrust_chain {
	STACK_OF(X509)	*certs;
	/* ptrust_chain_share_anchors: its anchors stand for equal bytes */
	ptrust_store	*known;
	char		 err[PT_ERRLEN];
};

struct ptrust_options {
	char		*device;	/* the device the phone claims, NULL: none */
	time_t		 at;
	int		 has_time;
	ptrust_eku	 purpose;
	int		 max_depth;
	char		*peer_name;
	STACK_OF(X509_CRL) *crls;
	int		 crl_check;	/* -1: automatic (all when CRLs given) */
	int		 security_level;
	int		 allow_sha1;
	char		 err[PT_ERRLEN];
};

struct pt_reason {
	ptrust_reason_code code;
	int		 depth;
	/* the time the reason is about (notAfter of an expired certificate,
	 * notBefore of one not yet valid), 0: none */
	time_t		 at;
	char		*subject;
	char		*message;
};

/*
 * The subjects of a chain, kept as DER and formatted as text on first use
 * (most verdicts are never asked for them): one block, n names.
 */
struct pt_subjects {
	size_t		 n;
	size_t		*off;		/* n + 1 offsets into der */
	unsigned char	*der;
	_Atomic(char *)	 text[];	/* NULL until asked for */
};

struct ptrust_result {
	/*
	 * References beyond the first: 0 while one owner holds it.  A
	 * verdict the cache keeps is shared by reference and never changed
	 * again (cache.c); ptrust_result_free drops one reference.
	 */
	atomic_int	 refs;
	int		 trusted;
	ptrust_kind	 kind;
	ptrust_tls_alert alert;
	/* set by the one judging path (judge.c) and diagnose.c */
	ptrust_presented presented;
	ptrust_evidence	 evidence;	/* how presented was known */
	int		 purpose;	/* ptrust_cluster_purpose, -1: none */
	ptrust_diagnosis diagnosis;
	/*
	 * When this verdict holds (cache.c): the latest notBefore and the
	 * earliest notAfter of the chain as built, and of the CRLs' update
	 * times.  window_ok 0: unknown, never reused.
	 */
	int		 window_ok;
	uint32_t	 n_reasons;
	uint32_t	 n_notes;
	/* the chain as built: its subjects (result.c), chain_len of them */
	uint32_t	 chain_len;
	ptrust_store	*store;		/* keeps the anchor alive */
	const ptrust_anchor *anchor;
	struct pt_reason *reasons;
	struct pt_subjects *subjects;
	char		*device;
	char		*fix;
	char		*issuer;	/* the leaf's issuer, on a refusal */
	const char	*store_label;	/* the store's words when none (console) */
	char		**notes;	/* what was given and not used */
	time_t		 valid_from, valid_until;
	/*
	 * Why the call failed, "" when it did not.  Last, and only as long
	 * as its text in a verdict that is kept (pt_result_keep): a result
	 * being made has PT_ERRLEN bytes for pt_seterr, a kept one only
	 * strlen(err) + 1, almost always 1.  Never written once kept.
	 */
	char		 err[PT_ERRLEN];
};

/* A built-in certificate (cisco_cas.c). */
struct pt_builtin_ca {
	const char	*file;
	const char	*pem;
};
extern const struct pt_builtin_ca pt_cisco_cas[];
extern const size_t pt_cisco_ca_count;
/* 1: x has a built-in Cisco CA's subject but not its key; -1: no memory */
int	 pt_cisco_lookalike(X509 *x, unsigned long subject_hash,
	    const char *sha256);
int	 pt_is_cisco_fingerprint(const char *sha256);

struct ptrust_phone {
	char		*device;
	ptrust_chain	*lsc;		/* NULL: none */
	ptrust_chain	*mic;
};

/*
 * All memory goes through OpenSSL's allocator, so one hook
 * (CRYPTO_set_mem_functions) sees every allocation: the out-of-memory
 * tests rely on it.
 */
void	*pt_calloc(size_t n, size_t size);

/* store.c: the anchor whose X509 object is x (as OpenSSL hands it back). */
const ptrust_anchor *pt_store_anchor_by_x509(const ptrust_store *s,
    const X509 *x);
/* The anchor with this fingerprint (64 lower-case hex digits), or NULL. */
const ptrust_anchor *pt_store_anchor_by_sha256(const ptrust_store *s,
    const char *sha256);
/* The anchor's X509 (referenced) when der is exactly its bytes, or NULL. */
X509	*pt_store_share(const ptrust_store *s, const unsigned char *der,
	    size_t len);

/*
 * Certificates already decoded, found by their exact bytes: the parsers
 * (util.c, builder.c) ask before decoding.  find returns a new reference
 * or NULL.  A chain sharing a store's anchors, a fleet's intermediates.
 */
struct pt_known {
	X509	*(*find)(const void *arg, const unsigned char *der,
		    size_t len);
	const void *arg;
};
/* known->find(known->arg, ...), NULL for a NULL known */
X509	*pt_known_find(const struct pt_known *known, const unsigned char *der,
	    size_t len);

/* chain.c: ptrust_chain_add_der, decoding in libctx (NULL: default) */
ptrust_status pt_chain_add_der_ex(ptrust_chain *c, const void *data,
	    size_t len, OSSL_LIB_CTX *libctx);

/* result.c: a deep copy of r, NULL when memory ran out. */
ptrust_result *pt_result_dup(const ptrust_result *r);
/* result.c: the subjects of these n certificates, NULL on OOM */
struct pt_subjects *pt_subjects_new(STACK_OF(X509) *chain);
void	 pt_subjects_free(struct pt_subjects *s);

/* util.c */
void	 pt_seterr(char *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 pt_seterr_ssl(char *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
#define PT_READ_STORE_FILE	0x1	/* no link followed, NOT_FOUND if gone */
ptrust_status pt_read_file_ex(const char *path, int flags,
	    unsigned char **data, size_t *len, char *err);
ptrust_status pt_read_file(const char *path, unsigned char **data,
	    size_t *len, char *err);
char	*pt_name_string(const X509_NAME *name);
int	 pt_subject_cn(X509 *x509, char **cn);
int	 pt_subject_cn_len(X509 *x509, char **cn, size_t *len);
/* the last CN of name, n bytes (NUL-terminated after them); 0: none */
int	 pt_name_cn_len(const X509_NAME *name, char **cn, size_t *len);
/* names.c: controls, bidi marks and non-UTF-8 as \XX; s consumed */
char	*pt_text_escape(char *s);
int	 pt_asn1_time_to_time_t(const ASN1_TIME *t, time_t *out);
void	 pt_format_time(time_t t, char *buf, size_t len);
int	 pt_is_pem(const unsigned char *data, size_t len);
/* known: certificates that stand for equal bytes (NULL: none) */
int	 pt_parse_pem_certs(const unsigned char *data, size_t len,
	    STACK_OF(X509) *out, char *err, const char *what,
	    const struct pt_known *known);
X509	*pt_parse_der_cert(const unsigned char *data, size_t len, char *err,
	    const char *what);
/* ... in libctx; what NULL: "certificate <index> (DER)" */
X509	*pt_parse_der_cert_ex(const unsigned char *data, size_t len,
	    char *err, const char *what, int index, OSSL_LIB_CTX *libctx);
/*
 * The calling thread's own: a library context for certificates that live
 * for one call only (NULL: use the default), a digest context to reuse.
 * SHA-256 fetched once.  See util.c.
 */
OSSL_LIB_CTX *pt_thread_libctx(void);
EVP_MD_CTX *pt_thread_md(void);
const EVP_MD *pt_sha256(void);
int	 pt_alias_valid(const char *alias);
int	 pt_alias_from_text(const char *text, char *out);
int	 pt_normalize_sha256(const char *in, char out[65]);
int	 pt_cmp_strings(const void *a, const void *b);
int	 pt_sha256_hex(const unsigned char *der, size_t len, char out[65]);
/* Cache x's decoded extensions now, before threads share it. */
void	 pt_x509_settle(X509 *x);

/* anchor.c; pt_role_kind: what an anchor of this role issues */
ptrust_kind pt_role_kind(ptrust_role role);
/* verify.c: why an X509_STRICT error is waived, or NULL (fuzz harness too). */
const char *pt_strict_waiver(X509_STORE_CTX *ctx);
ptrust_anchor *pt_anchor_new(X509 *x509, const char *alias, ptrust_role role);
ptrust_anchor *pt_anchor_with(const ptrust_anchor *a, const char *alias,
	    ptrust_role role);
ptrust_anchor *pt_anchor_ref(ptrust_anchor *a);
void	 pt_anchor_unref(ptrust_anchor *a);
int	 pt_anchor_matches(const ptrust_anchor *a, const char *alias_or_sha256);

/* builder.c */
void	 pt_builder_clear_changes(ptrust_builder *b);

/* options.c */
extern const ptrust_options pt_options_defaults;
ptrust_options *pt_options_dup(const ptrust_options *o);

/* store.c; _ex: anchors from n_own on come from the store extra_name */
ptrust_status pt_store_build(const char *name, ptrust_anchor *const *anchors,
	    size_t n, ptrust_store **out, char *err);
ptrust_status pt_store_build_ex(const char *name,
	    ptrust_anchor *const *anchors, size_t n, size_t n_own,
	    const char *extra_name, ptrust_store **out, char *err);
/* the name of the store anchor a of s really lives in */
const char *pt_store_anchor_origin(const ptrust_store *s,
	    const ptrust_anchor *a);

/* verify.c: record one more reason on a finished result */
int	 pt_result_add_reason(ptrust_result *r, ptrust_reason_code code,
	    int depth, X509 *cert, const char *message);
/* ... for a certificate known only by its subject as text */
int	 pt_result_add_reason_text(ptrust_result *r, ptrust_reason_code code,
	    int depth, const char *subject, const char *message);

/*
 * judge.c: the one judging path.  What is known about one presentation of
 * a certificate by a phone, whichever door it came through.
 */
struct pt_presentation {
	const ptrust_store *store;	/* the purpose's snapshot, NULL: none */
	const char	*why;		/* why no store, or no certificate */
	int		 purpose;	/* ptrust_cluster_purpose, -1: plain */
	X509		*leaf;		/* NULL: the phone sent none */
	STACK_OF(X509)	*others;	/* the rest as sent, may be NULL */
	ptrust_presented claimed;	/* the caller knows (a phone's slot) */
	const ptrust_options *options;	/* its device too; NULL: defaults */
	const char	*device;	/* overrides the options' device */
};
ptrust_status pt_judge(const struct pt_presentation *p, ptrust_result **out);
/* verify.c: OpenSSL's validation of certs (leaf first) against store */
ptrust_status pt_validate(const ptrust_store *store, STACK_OF(X509) *certs,
	    const ptrust_options *options, ptrust_result **out);
/* judge.c: a certificate known from a server's description (radius.c) */
struct pt_described {
	ptrust_cluster_purpose purpose;
	int		 tls_accepted;	/* the server's TLS layer accepted it */
	const ptrust_anchor *anchor;	/* the issuer's, NULL: none */
	int		 by_key;	/* anchor found by key identifier */
	int		 is_ca;		/* basic constraints CA:TRUE */
	const char	*basic_constraints, *subject, *issuer, *issuer_cn;
};
int	 pt_judge_described(ptrust_result *r, const struct pt_described *d);
/* judge.c: what the issuer's names and keys suggest the leaf is */
ptrust_kind pt_guess_kind(const ptrust_store *store, X509 *leaf,
	    STACK_OF(X509) *others, ptrust_evidence *evidence);
/* result.c: a note on a result; 0 when memory ran out */
int	 pt_result_add_note(ptrust_result *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* diagnose.c: the diagnosis and fix of r, from its facts */
int	 pt_diagnose(ptrust_result *r);
/* reason.c: what a server's refusal with this alert says, 0: nothing */
ptrust_reason_code pt_reason_for_alert(int alert);

/* phone.c: device names, and whether a CN names a (valid) device */
int	 pt_device_valid(const char *device);
int	 pt_cn_names_device(const char *cn, size_t len, const char *device);
/* phone.c: judge one certificate of a phone for a purpose */
ptrust_status pt_verify_presented(ptrust_cluster *c, const ptrust_phone *p,
	    ptrust_presented which, ptrust_cluster_purpose purpose,
	    const ptrust_options *o, ptrust_result **out);
/* phone.c: does leaf's CN name device; -1 out of memory */
int	 pt_names_device(X509 *leaf, const char *device);

/*
 * capf.c: CAPF's rules and words, for ptrust_capf_decide and the fleet's
 * plan alike.  Which certificate a phone authenticates with in mode
 * (LSC first or MIC first; NONE: it has neither, or mode takes none);
 * the status CAPF shows after an install; the fix when the phone has no
 * certificate to authenticate with.
 */
ptrust_presented pt_capf_pick(int has_lsc, int has_mic, ptrust_auth_mode mode);
const char *pt_capf_install_status(int success, ptrust_presented failed_with);
extern const char pt_capf_no_credentials_fix[];

/* reason.c */
ptrust_reason_code pt_reason_from_x509_error(int err);
ptrust_tls_alert pt_alert_for_reasons(const struct pt_reason *r, size_t n);
/* reason.c: the one table of TLS alerts; NULL for another number */
const char *pt_alert_name(int code);	/* "unknown_ca" */
const char *pt_alert_words(int code);	/* "unknown CA" */

/*
 * result.c: one more reference to r (ptrust_result_free drops one); a
 * verdict made ready to be shared, compact and never changed again (it
 * may move: use the pointer returned, r whole when memory ran out).
 */
ptrust_result *pt_result_ref(ptrust_result *r);
ptrust_result *pt_result_keep(ptrust_result *r);
/*
 * cache.c: pt_judge through the verdict cache c (NULL: no cache), for
 * certificates already decoded (a TLS stack's).  *out is a reference of
 * the caller's, possibly shared with the cache: never change it.
 */
ptrust_status pt_cache_judge(ptrust_cache *c, const struct pt_presentation *p,
	    ptrust_result **out);
/* current.c: p and q hold the same anchors, roles, names and origins */
int	 pt_store_same(const ptrust_store *p, const ptrust_store *q);

/*
 * store_dir.c: a store directory read (its manifest, its files' bytes,
 * their framing checked: a file that might not decode is decoded at
 * once, and refused with its message), and later decoded into a builder,
 * its whole content replaced as ptrust_builder_load_dir does.
 */
struct pt_store_files;
ptrust_status pt_store_files_read(const char *dir, struct pt_store_files **out,
	    char *err);
ptrust_status pt_builder_load_files(ptrust_builder *b, const char *path,
	    const struct pt_store_files *f);
void	 pt_store_files_free(struct pt_store_files *f);

#endif /* PTRUST_INTERNAL_H */
