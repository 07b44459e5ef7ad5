/*
 * libphonetrust: how Cisco IP phones prove who they are.
 *
 * This header holds the whole OpenSSL-free public API.  Every object is
 * opaque.  Functions named *_free and *_unref accept NULL.  Inputs are
 * copied; returned strings are borrowed from the object they came from and
 * stay valid until that object is freed (see each man page, CAVEATS).
 */
#ifndef PHONETRUST_H
#define PHONETRUST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PTRUST_VERSION_MAJOR 0
#define PTRUST_VERSION_MINOR 1
#define PTRUST_VERSION_PATCH 0
/* 0xMMmmpp, comparable with PTRUST_AT_LEAST_VERSION */
#define PTRUST_VERSION_NUM \
	((PTRUST_VERSION_MAJOR << 16) | (PTRUST_VERSION_MINOR << 8) | \
	 PTRUST_VERSION_PATCH)
#define PTRUST_AT_LEAST_VERSION(x, y, z) \
	(PTRUST_VERSION_NUM >= (((x) << 16) | ((y) << 8) | (z)))

/* Version of the library actually loaded, e.g. "0.1.0". */
const char *ptrust_version(void);

/*
 * Operational status: did the call work?  Distinct from a verdict: a
 * validation that ran and found the chain untrusted returns PTRUST_OK.
 * Append-only.
 */
typedef enum ptrust_status {
	PTRUST_OK = 0,
	PTRUST_ERR_NOMEM,	/* out of memory */
	PTRUST_ERR_ARG,		/* bad argument (NULL, out of range, bad name) */
	PTRUST_ERR_IO,		/* a file or directory could not be used */
	PTRUST_ERR_PARSE,	/* input is not a certificate / CRL as expected */
	PTRUST_ERR_NOT_FOUND,	/* no such anchor (alias, fingerprint) or store */
	PTRUST_ERR_EXISTS,	/* alias already names another certificate */
	PTRUST_ERR_INTERNAL	/* OpenSSL failed unexpectedly */
} ptrust_status;

/*
 * Stable lower-case name of a status, e.g. "parse-error".  This and every
 * other *_name function return NULL for a value outside its enum.
 */
const char *ptrust_status_name(ptrust_status status);

/*
 * Why a chain is not trusted.  Stable codes, append-only: new codes go
 * last, retired ones stay.  Each has a stable name (ptrust_reason_name)
 * and an English explanation (ptrust_reason_message).
 */
typedef enum ptrust_reason_code {
	PTRUST_REASON_UNKNOWN_CA = 1,		/* "unknown-ca" */
	PTRUST_REASON_EXPIRED,			/* "expired" */
	PTRUST_REASON_NOT_YET_VALID,		/* "not-yet-valid" */
	PTRUST_REASON_BAD_SIGNATURE,		/* "bad-signature" */
	PTRUST_REASON_WEAK_SIGNATURE_ALGORITHM,	/* "weak-signature-algorithm" */
	PTRUST_REASON_KEY_TOO_SMALL,		/* "key-too-small" */
	PTRUST_REASON_NOT_A_CA,			/* "not-a-ca" */
	PTRUST_REASON_PATH_LENGTH_EXCEEDED,	/* "path-length-exceeded" */
	PTRUST_REASON_WRONG_PURPOSE,		/* "wrong-purpose" */
	PTRUST_REASON_REVOKED,			/* "revoked" */
	PTRUST_REASON_CRL_MISSING,		/* "crl-missing" */
	PTRUST_REASON_CRL_EXPIRED,		/* "crl-expired" */
	PTRUST_REASON_UNHANDLED_CRITICAL_EXTENSION, /* "unhandled-critical-extension" */
	PTRUST_REASON_SELF_SIGNED_LEAF,		/* "self-signed-leaf" */
	PTRUST_REASON_INVALID_TIME_ENCODING,	/* "invalid-time-encoding" */
	PTRUST_REASON_MALFORMED,		/* "malformed" */
	PTRUST_REASON_CHAIN_TOO_LONG,		/* "chain-too-long" */
	PTRUST_REASON_NAME_MISMATCH,		/* "name-mismatch" */
	PTRUST_REASON_BAD_KEY_USAGE,		/* "bad-key-usage" */
	PTRUST_REASON_CRL_NOT_YET_VALID,	/* "crl-not-yet-valid" */
	PTRUST_REASON_CRL_INVALID,		/* "crl-invalid" */
	PTRUST_REASON_NAME_CONSTRAINTS,		/* "name-constraints" */
	PTRUST_REASON_POLICY,			/* "policy" */
	PTRUST_REASON_OTHER,			/* "other" */
	PTRUST_REASON_IDENTITY_MISMATCH,	/* "identity-mismatch": names another device */
	PTRUST_REASON_NO_CERTIFICATE,		/* "no-certificate": the phone has none to present */
	PTRUST_REASON_CA_AS_LEAF,		/* "ca-as-leaf": a CA's certificate given as the phone's */
	PTRUST_REASON_WRONG_ORDER,		/* "wrong-order": the phone's certificate is not first */
	PTRUST_REASON_UNKNOWN_KIND		/* "unknown-kind": the anchor issues neither LSCs nor MICs */
} ptrust_reason_code;
/* The last reason code (for loops over all of them). */
#define PTRUST_REASON_LAST	PTRUST_REASON_UNKNOWN_KIND

const char *ptrust_reason_name(ptrust_reason_code code);
const char *ptrust_reason_message(ptrust_reason_code code);
/* Reverse of ptrust_reason_name, as every *_from_name: 0, or -1 when unknown. */
int ptrust_reason_from_name(const char *name, ptrust_reason_code *code);

/* TLS alerts (RFC 8446 numbering) a server should send on refusal. */
typedef enum ptrust_tls_alert {
	PTRUST_ALERT_NONE = 0,
	PTRUST_ALERT_HANDSHAKE_FAILURE = 40,
	PTRUST_ALERT_BAD_CERTIFICATE = 42,
	PTRUST_ALERT_UNSUPPORTED_CERTIFICATE = 43,
	PTRUST_ALERT_CERTIFICATE_REVOKED = 44,
	PTRUST_ALERT_CERTIFICATE_EXPIRED = 45,
	PTRUST_ALERT_CERTIFICATE_UNKNOWN = 46,
	PTRUST_ALERT_UNKNOWN_CA = 48,
	PTRUST_ALERT_ACCESS_DENIED = 49,
	PTRUST_ALERT_INTERNAL_ERROR = 80
} ptrust_tls_alert;

/* "unknown_ca", "certificate_expired", ...; "none" for PTRUST_ALERT_NONE. */
const char *ptrust_tls_alert_name(ptrust_tls_alert alert);

/* What a trust anchor is for. */
typedef enum ptrust_role {
	PTRUST_ROLE_AUTO = 0,		/* only as input: infer at import */
	PTRUST_ROLE_CAPF,		/* a cluster's CAPF certificate: issues LSCs */
	PTRUST_ROLE_MANUFACTURING,	/* a Cisco manufacturing CA: issues MICs */
	PTRUST_ROLE_EXTERNAL_CA,	/* an outside CA that issues LSCs */
	PTRUST_ROLE_OTHER
} ptrust_role;

const char *ptrust_role_name(ptrust_role role);	/* "capf", ... */
/* Reverse of ptrust_role_name ("auto" too); -1 when unknown. */
int ptrust_role_from_name(const char *name, ptrust_role *role);

/* Certificate kinds, decided by the role of the anchor that verified. */
typedef enum ptrust_kind {
	PTRUST_KIND_UNKNOWN = 0,
	PTRUST_KIND_LSC,
	PTRUST_KIND_MIC
} ptrust_kind;

const char *ptrust_kind_name(ptrust_kind kind);	/* "LSC", "MIC", "unknown" */

/* ---------------------------------------------------------------------
 * Trust anchors: immutable, reference counted.
 */
typedef struct ptrust_anchor ptrust_anchor;

const char *ptrust_anchor_alias(const ptrust_anchor *anchor);
/* 64 lower-case hex digits, no separators. */
const char *ptrust_anchor_sha256(const ptrust_anchor *anchor);
const char *ptrust_anchor_subject(const ptrust_anchor *anchor);
const char *ptrust_anchor_issuer(const ptrust_anchor *anchor);
time_t ptrust_anchor_not_before(const ptrust_anchor *anchor);
time_t ptrust_anchor_not_after(const ptrust_anchor *anchor);
const char *ptrust_anchor_key_type(const ptrust_anchor *anchor); /* "RSA", "EC", ... */
int ptrust_anchor_key_bits(const ptrust_anchor *anchor);
ptrust_role ptrust_anchor_role(const ptrust_anchor *anchor);
/* The DER encoding of the certificate. */
const unsigned char *ptrust_anchor_der(const ptrust_anchor *anchor, size_t *len);

/* ---------------------------------------------------------------------
 * Store builder: mutable, single-threaded.  Produces snapshots.
 */
typedef struct ptrust_builder ptrust_builder;
typedef struct ptrust_store ptrust_store;

/* What an add did to one certificate (see ptrust_builder_change). */
typedef enum ptrust_change_kind {
	PTRUST_CHANGE_ADDED = 1,	/* new subject */
	PTRUST_CHANGE_REPLACED,		/* newer notBefore replaced the anchor of that subject */
	PTRUST_CHANGE_KEPT_EXISTING,	/* an anchor with that subject and a newer or equal notBefore stays */
	PTRUST_CHANGE_UNCHANGED		/* that exact certificate is already an anchor */
} ptrust_change_kind;

const char *ptrust_change_kind_name(ptrust_change_kind kind);

/* name: the store's name, e.g. "callmanager-trust" (same rules as aliases). */
ptrust_builder *ptrust_builder_new(const char *name);
/* A builder holding a snapshot's anchors, to derive a new snapshot from it. */
ptrust_builder *ptrust_builder_new_from_store(const ptrust_store *store);
void ptrust_builder_free(ptrust_builder *builder);
/*
 * The message of the last failed call on this builder ("" before any).
 * A later successful call may leave it in place: read it after a failure.
 */
const char *ptrust_builder_error(const ptrust_builder *builder);
const char *ptrust_builder_name(const ptrust_builder *builder);

/*
 * Adding anchors.  alias NULL: from the file name (add_file), else from the
 * subject CN.  role PTRUST_ROLE_AUTO: inferred from Cisco's fingerprints
 * and the CAPF name, never from text in the input; a replacement keeps
 * the role of the anchor it replaces.  PEM input may hold several
 * certificates (alias, when given, applies only to single-certificate
 * input).  On failure nothing is added.  Each call resets the change list.
 * Limits: 100,000 anchors, aliases of 128 bytes, 16 MiB of input.
 */
ptrust_status ptrust_builder_add_mem(ptrust_builder *builder,
    const void *data, size_t len, const char *alias, ptrust_role role);
ptrust_status ptrust_builder_add_file(ptrust_builder *builder,
    const char *path, const char *alias, ptrust_role role);
/* Every *.pem, *.crt, *.cer, *.der file of a directory (not recursive). */
ptrust_status ptrust_builder_add_dir(ptrust_builder *builder,
    const char *path, ptrust_role role);
/*
 * A certificate with the subject of one of Cisco's built-in CAs but
 * another key is refused by the adds unless allowed here (off by default):
 * it would replace Cisco's CA under the one-per-subject rule.
 */
ptrust_status ptrust_builder_set_replace_cisco_ca(ptrust_builder *builder,
    int allow);

/* What the last add/load call did, one entry per certificate. */
size_t ptrust_builder_change_count(const ptrust_builder *builder);
ptrust_change_kind ptrust_builder_change(const ptrust_builder *builder,
    size_t index, const char **alias, const char **other_alias);

/* Remove by alias or SHA-256 fingerprint (hex, colons optional). */
ptrust_status ptrust_builder_remove(ptrust_builder *builder,
    const char *alias_or_sha256);
/* Change the role of one anchor. */
ptrust_status ptrust_builder_set_role(ptrust_builder *builder,
    const char *alias_or_sha256, ptrust_role role);

size_t ptrust_builder_anchor_count(const ptrust_builder *builder);
const ptrust_anchor *ptrust_builder_anchor(const ptrust_builder *builder,
    size_t index);
const ptrust_anchor *ptrust_builder_find(const ptrust_builder *builder,
    const char *alias_or_sha256);

/*
 * A store on disk is a directory with one PEM file per anchor, named
 * ALIAS.pem.  load replaces the builder's content; on failure the builder
 * is unchanged.  The directory belongs to the store: save writes every
 * file to a temporary name and syncs it before renaming any into place,
 * then removes every other certificate file (*.pem, *.crt, *.cer, *.der)
 * and temporary files an interrupted save left, and syncs the directory.
 */
ptrust_status ptrust_builder_load_dir(ptrust_builder *builder,
    const char *path);
ptrust_status ptrust_builder_save_dir(ptrust_builder *builder,
    const char *path);

/* An immutable snapshot of the builder's current content. */
ptrust_status ptrust_builder_build(ptrust_builder *builder,
    ptrust_store **store);

/* ---------------------------------------------------------------------
 * Store snapshots: immutable, reference counted, shareable by threads.
 */
ptrust_store *ptrust_store_ref(ptrust_store *store);
void ptrust_store_unref(ptrust_store *store);
const char *ptrust_store_name(const ptrust_store *store);
/* Unique per snapshot within the process; grows with each build. */
uint64_t ptrust_store_generation(const ptrust_store *store);
size_t ptrust_store_anchor_count(const ptrust_store *store);
const ptrust_anchor *ptrust_store_anchor(const ptrust_store *store,
    size_t index);
const ptrust_anchor *ptrust_store_find(const ptrust_store *store,
    const char *alias_or_sha256);

/* ---------------------------------------------------------------------
 * The chain a phone presents: leaf first, then any intermediates.
 */
typedef struct ptrust_chain ptrust_chain;

ptrust_chain *ptrust_chain_new(void);
void ptrust_chain_free(ptrust_chain *chain);
const char *ptrust_chain_error(const ptrust_chain *chain);
/* All certificates of a PEM bundle, appended in order. */
ptrust_status ptrust_chain_add_pem(ptrust_chain *chain, const void *data,
    size_t len);
/* Exactly one DER certificate. */
ptrust_status ptrust_chain_add_der(ptrust_chain *chain, const void *data,
    size_t len);
/* A PEM bundle or one DER certificate. */
ptrust_status ptrust_chain_add_file(ptrust_chain *chain, const char *path);
size_t ptrust_chain_count(const ptrust_chain *chain);
/*
 * Certificates added from now on whose bytes are those of an anchor of
 * store take that anchor's decoded certificate (no decoding again; the
 * verdict is the same).  Keeps a reference to store; NULL stops.
 */
ptrust_status ptrust_chain_share_anchors(ptrust_chain *chain,
    ptrust_store *store);

/* ---------------------------------------------------------------------
 * Validation options.  Defaults: the current time, extended key usage TLS
 * client (ptrust_eku; not the cluster purposes of <phonetrust-cluster.h>),
 * depth 10, no CRLs, no peer name, security level 2 (RSA >= 2048 bits,
 * no SHA-1).  Not to be changed while a validation uses them.
 */
typedef struct ptrust_options ptrust_options;

/* The extended key usage the leaf must allow. */
typedef enum ptrust_eku {
	PTRUST_EKU_TLS_CLIENT = 0,
	PTRUST_EKU_TLS_SERVER,
	PTRUST_EKU_ANY
} ptrust_eku;

typedef enum ptrust_crl_check {
	PTRUST_CRL_CHECK_NONE = 0,
	PTRUST_CRL_CHECK_LEAF,
	PTRUST_CRL_CHECK_ALL,
	PTRUST_CRL_CHECK_SUPPLIED	/* the default once a CRL is added */
} ptrust_crl_check;

ptrust_options *ptrust_options_new(void);
void ptrust_options_free(ptrust_options *options);
const char *ptrust_options_error(const ptrust_options *options);
ptrust_status ptrust_options_set_time(ptrust_options *options, time_t at);
ptrust_status ptrust_options_set_eku(ptrust_options *options,
    ptrust_eku eku);
/* Intermediate CAs allowed between leaf and anchor, 0..64 (default 10). */
ptrust_status ptrust_options_set_max_depth(ptrust_options *options,
    int depth);
/*
 * The device (e.g. SEP00AABBCCDDEE) the phone claims to be: the leaf's CN
 * must name it, or the verdict is identity-mismatch.  NULL clears.
 */
ptrust_status ptrust_options_set_device(ptrust_options *options,
    const char *device);
/* A DNS name or an IP address the leaf must carry; NULL clears. */
ptrust_status ptrust_options_set_peer_name(ptrust_options *options,
    const char *name);
/*
 * Adding a CRL turns revocation checking on, unless set_crl_check chose a
 * mode: PTRUST_CRL_CHECK_SUPPLIED (the default then) checks every
 * certificate whose issuer's CRL was supplied and requires the leaf's;
 * PTRUST_CRL_CHECK_LEAF checks the leaf only; PTRUST_CRL_CHECK_ALL checks
 * every certificate, anchors included, and needs a CRL for each.
 */
ptrust_status ptrust_options_add_crl_mem(ptrust_options *options,
    const void *data, size_t len);
ptrust_status ptrust_options_add_crl_file(ptrust_options *options,
    const char *path);
ptrust_status ptrust_options_set_crl_check(ptrust_options *options,
    ptrust_crl_check mode);
/* OpenSSL authentication level 2..5; lower levels need the insecure call. */
ptrust_status ptrust_options_set_security_level(ptrust_options *options,
    int level);
/* Levels 0 and 1: RSA keys under 2048 bits accepted. */
ptrust_status ptrust_options_insecure_set_security_level(
    ptrust_options *options, int level);
/* Accept SHA-1 signatures (old MIC chains); key sizes still per level. */
ptrust_status ptrust_options_insecure_allow_sha1(ptrust_options *options, int allow);

/* ---------------------------------------------------------------------
 * Validation and its result.
 */
typedef struct ptrust_result ptrust_result;

/*
 * Validate chain against store.  options NULL: defaults.  Returns
 * PTRUST_OK when the validation ran, whatever the verdict; *result is then
 * set.  On another status *result is set too when memory allowed it, with
 * ptrust_result_error() saying why, and is never trusted.
 */
ptrust_status ptrust_verify(const ptrust_store *store,
    const ptrust_chain *chain, const ptrust_options *options,
    ptrust_result **result);

void ptrust_result_free(ptrust_result *result);
/* 1 when trusted; 0 otherwise (including on any error).  Fail closed. */
int ptrust_result_trusted(const ptrust_result *result);
const char *ptrust_result_error(const ptrust_result *result);

size_t ptrust_result_reason_count(const ptrust_result *result);
ptrust_reason_code ptrust_result_reason_code(const ptrust_result *result,
    size_t index);
/* 0 is the leaf; -1 when the reason concerns no single certificate. */
int ptrust_result_reason_depth(const ptrust_result *result, size_t index);
/* The notAfter of an expired certificate, the notBefore of one not yet
 * valid; 0 for other reasons. */
time_t ptrust_result_reason_time(const ptrust_result *result, size_t index);
const char *ptrust_result_reason_subject(const ptrust_result *result,
    size_t index);
const char *ptrust_result_reason_message(const ptrust_result *result,
    size_t index);

ptrust_tls_alert ptrust_result_tls_alert(const ptrust_result *result);
ptrust_kind ptrust_result_kind(const ptrust_result *result);
/* The anchor the chain ends in, NULL when none (e.g. unknown CA). */
const ptrust_anchor *ptrust_result_anchor(const ptrust_result *result);
const char *ptrust_result_store_name(const ptrust_result *result);
/* The store the anchor lives in (a purpose's snapshot merges stores). */
const char *ptrust_result_anchor_store(const ptrust_result *result);
/* The leaf's issuer as text when refused, NULL when trusted or unknown. */
const char *ptrust_result_issuer(const ptrust_result *result);
/* What was given and not used or put right (not a refusal by itself). */
size_t ptrust_result_note_count(const ptrust_result *result);
const char *ptrust_result_note(const ptrust_result *result, size_t index);
/* The chain as built, leaf (0) to anchor. */
size_t ptrust_result_chain_length(const ptrust_result *result);
const char *ptrust_result_chain_subject(const ptrust_result *result,
    size_t index);

/*
 * What a phone presented, how that is known, and the administrator's
 * reading of the verdict: the same through every door of the library.
 */
/* Which certificate the phone presented. */
typedef enum ptrust_presented {
	PTRUST_PRESENTED_NONE = 0,
	PTRUST_PRESENTED_LSC,
	PTRUST_PRESENTED_MIC
} ptrust_presented;

ptrust_presented ptrust_result_presented(const ptrust_result *result);
/* How the library knows what was presented. */
typedef enum ptrust_evidence {
	PTRUST_EVIDENCE_NONE = 0,	/* "none": nothing was presented */
	PTRUST_EVIDENCE_ANCHOR,		/* "anchor": the anchor that verified the chain */
	PTRUST_EVIDENCE_CALLER,		/* "caller": the caller named the phone's LSC or MIC */
	PTRUST_EVIDENCE_KEY,		/* "key": the issuer is known by its key to an anchor */
	PTRUST_EVIDENCE_NAME,		/* "name": the issuer carries a Cisco CA's name (a guess) */
	PTRUST_EVIDENCE_DEFAULT		/* "default": no sign either way: an unknown issuer taken for a CAPF */
} ptrust_evidence;

const char *ptrust_evidence_name(ptrust_evidence evidence);
ptrust_evidence ptrust_result_evidence(const ptrust_result *result);

const char *ptrust_result_device(const ptrust_result *result);

/* ---------------------------------------------------------------------
 * Diagnosis: the administrator's view of a refusal.  Append-only.
 */
typedef enum ptrust_diagnosis {
	PTRUST_DIAG_NONE = 0,			/* "none": trusted */
	PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER,	/* "lsc-from-other-cluster" */
	PTRUST_DIAG_INVALID_LSC,		/* "invalid-lsc" */
	PTRUST_DIAG_INVALID_MIC,		/* "invalid-mic" */
	PTRUST_DIAG_MIC_EXPIRED,		/* "mic-expired" */
	PTRUST_DIAG_LSC_EXPIRED,		/* "lsc-expired" */
	PTRUST_DIAG_SHA1_MANUFACTURING_CHAIN,	/* "sha1-manufacturing-chain" */
	PTRUST_DIAG_IDENTITY_MISMATCH,		/* "identity-mismatch" */
	PTRUST_DIAG_NO_CERTIFICATE,		/* "no-certificate" */
	PTRUST_DIAG_NO_STORE_FOR_PURPOSE,	/* "no-store-for-purpose" */
	PTRUST_DIAG_UNTRUSTED_CERTIFICATE,	/* "untrusted-certificate": another LSC failure, or a plain ptrust_verify refusal */
	PTRUST_DIAG_MISSING_INTERMEDIATE,	/* "missing-intermediate": a MIC sent without its manufacturing CA */
	PTRUST_DIAG_NOT_A_PHONE_CERTIFICATE,	/* "not-a-phone-certificate": a CA's, or from an anchor issuing neither LSC nor MIC */
	PTRUST_DIAG_WRONG_ORDER			/* "wrong-order": the phone's certificate is not first */
} ptrust_diagnosis;

const char *ptrust_diagnosis_name(ptrust_diagnosis diagnosis);
ptrust_diagnosis ptrust_result_diagnosis(const ptrust_result *result);
/* What the administrator should do, in words; NULL when trusted. */
const char *ptrust_result_fix(const ptrust_result *result);

/* ---------------------------------------------------------------------
 * The current snapshot, replaced while threads validate.  Each validation
 * takes the snapshot current at its start and keeps it to the end: it
 * sees the old store or the new one, never a mix.  Safe for any number of
 * threads.
 */
typedef struct ptrust_current ptrust_current;

/* Holds a reference to initial (not NULL). */
ptrust_current *ptrust_current_new(ptrust_store *initial);
void ptrust_current_free(ptrust_current *current);
/* A new reference to the snapshot now current: ptrust_store_unref it. */
ptrust_store *ptrust_current_get(ptrust_current *current);
/* Make next current (a reference is taken); the old one lives on in
 * the validations that hold it. */
ptrust_status ptrust_current_publish(ptrust_current *current,
    ptrust_store *next);
/* How many snapshots were published since creation. */
uint64_t ptrust_current_publications(ptrust_current *current);

/* ---------------------------------------------------------------------
 * Verdict cache.  A phone presenting exactly the same bytes against the
 * same snapshot with the same options gets the stored verdict without its
 * certificates being parsed again.  A verdict is reused only while the
 * validation time stays inside every validity period of its chain and
 * between its CRLs' updates; a new snapshot never sees an old verdict.
 * Safe for concurrent use by any number of threads.
 */
typedef struct ptrust_cache ptrust_cache;

/* At most max_entries verdicts (1..16777216), least recently used out. */
ptrust_cache *ptrust_cache_new(size_t max_entries);
void ptrust_cache_free(ptrust_cache *cache);
/*
 * ptrust_verify on the chain given as DER certificates, leaf first:
 * der[i] holds der_len[i] bytes, i < n.  *result is the caller's, as from
 * ptrust_verify.
 */
ptrust_status ptrust_cache_verify(ptrust_cache *cache,
    const ptrust_store *store, const unsigned char *const *der,
    const size_t *der_len, size_t n, const ptrust_options *options,
    ptrust_result **result);
/* Drop every verdict (and the snapshots they hold). */
void ptrust_cache_clear(ptrust_cache *cache);
size_t ptrust_cache_count(ptrust_cache *cache);
/* Verdicts served from the cache, and validations run, since creation. */
void ptrust_cache_stats(ptrust_cache *cache, uint64_t *hits,
    uint64_t *misses);

#ifdef __cplusplus
}
#endif

#endif /* PHONETRUST_H */
