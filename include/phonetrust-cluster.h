/*
 * libphonetrust, the Cisco cluster model: the stores of a cluster
 * (callmanager-trust, capf-trust, manufacturing-ca, and any store an
 * administrator adds), phones with their LSC and MIC, CAPF certificate
 * operations, the administrator's fix for each refusal, store hygiene, and
 * certificates out of CAPF traces.  Include after <phonetrust.h>.
 */
#ifndef PHONETRUST_CLUSTER_H
#define PHONETRUST_CLUSTER_H

#include <phonetrust.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Cluster: named stores, stored as DIR/<store>/ALIAS.pem.
 */
typedef struct ptrust_cluster ptrust_cluster;

/* Where a phone's certificate is checked. */
typedef enum ptrust_cluster_purpose {
	PTRUST_CLUSTER_CALLMANAGER_TLS = 0,	/* "callmanager-tls" */
	PTRUST_CLUSTER_CAPF,			/* "capf" */
	PTRUST_CLUSTER_8021X,			/* "802.1x" */
	PTRUST_CLUSTER_VPN			/* "vpn" */
} ptrust_cluster_purpose;

const char *ptrust_cluster_purpose_name(ptrust_cluster_purpose purpose);
int ptrust_cluster_purpose_from_name(const char *name,
    ptrust_cluster_purpose *purpose);

/*
 * A new cluster: empty callmanager-trust and capf-trust, and
 * manufacturing-ca holding Cisco's public manufacturing CAs (built in).
 */
ptrust_cluster *ptrust_cluster_new(void);
void ptrust_cluster_free(ptrust_cluster *cluster);
/* The message of the last failed call ("" before any). */
const char *ptrust_cluster_error(const ptrust_cluster *cluster);

/*
 * Replaces the cluster's stores and settings with DIR's: the stores its
 * cluster.conf lists, or every sub-directory when it has none.  The three
 * CUCM stores exist afterwards even when absent on disk (empty; the
 * built-in CAs are not put back).  All or nothing.
 */
ptrust_status ptrust_cluster_load_dir(ptrust_cluster *cluster,
    const char *dir);
/* Writes every store to DIR/<store> (see ptrust_builder_save_dir). */
ptrust_status ptrust_cluster_save_dir(ptrust_cluster *cluster,
    const char *dir);
/*
 * Writers of one directory exclude each other: take DIR's writer lock
 * (an flock on DIR/cluster.lock, created if missing; waits while another
 * writer holds it) before ptrust_cluster_load_dir, and release it after
 * ptrust_cluster_save_dir, or free the cluster.  Readers need no lock.
 */
ptrust_status ptrust_cluster_lock_dir(ptrust_cluster *cluster,
    const char *dir);
ptrust_status ptrust_cluster_unlock_dir(ptrust_cluster *cluster);

size_t ptrust_cluster_store_count(const ptrust_cluster *cluster);
const char *ptrust_cluster_store_name(const ptrust_cluster *cluster,
    size_t index);
/*
 * The builder of a store, borrowed from the cluster: add and remove
 * anchors with the ptrust_builder_* calls.  With create, a missing store
 * is created empty.  NULL when absent (or the name is invalid).
 */
ptrust_builder *ptrust_cluster_store(ptrust_cluster *cluster,
    const char *name, int create);
/* The three stores of CUCM cannot be removed. */
ptrust_status ptrust_cluster_remove_store(ptrust_cluster *cluster,
    const char *name);

/*
 * As in CUCM, manufacturing-ca counts as part of callmanager-trust and
 * capf-trust (on by default).  Cisco advises turning it off once every
 * phone has an LSC.
 */
ptrust_status ptrust_cluster_set_manufacturing_trusted(
    ptrust_cluster *cluster, int trusted);
int ptrust_cluster_manufacturing_trusted(const ptrust_cluster *cluster);
/* The store validating 802.1x or VPN (no default: refused until set). */
ptrust_status ptrust_cluster_set_purpose_store(ptrust_cluster *cluster,
    ptrust_cluster_purpose purpose, const char *store);
/* The store a purpose uses, NULL when none is set. */
const char *ptrust_cluster_purpose_store(const ptrust_cluster *cluster,
    ptrust_cluster_purpose purpose);
/*
 * An immutable snapshot of what a purpose trusts: the purpose's store,
 * plus manufacturing-ca for callmanager-tls and capf when enabled.
 */
ptrust_status ptrust_cluster_snapshot(ptrust_cluster *cluster,
    ptrust_cluster_purpose purpose, ptrust_store **store);

/*
 * Who issues the cluster's LSCs (CUCM's CAPF "Certificate Issuer"): CAPF
 * itself, or an enterprise CA reached online or offline.  In the CA
 * modes lsc_issuer (alias or SHA-256 of an anchor of any store: the
 * issuing CA, or the root when it issues directly) is the only anchor
 * vouching for LSCs in every purpose's snapshot: another anchor of role
 * external-ca (the enterprise root above it, which also signs laptops and
 * web servers) is left out, so a certificate is an LSC only when it came
 * through that issuer (and, as always, names the device).  Regenerating
 * the CAPF certificate then leaves LSCs alone.  cluster.conf keys:
 * capf-mode = capf|online-ca|offline-ca, lsc-issuer = SHA-256.
 */
typedef enum ptrust_capf_mode {
	PTRUST_CAPF_MODE_CAPF = 0,	/* "capf": Cisco Authority Proxy Function */
	PTRUST_CAPF_MODE_ONLINE_CA,	/* "online-ca" */
	PTRUST_CAPF_MODE_OFFLINE_CA	/* "offline-ca" */
} ptrust_capf_mode;

const char *ptrust_capf_mode_name(ptrust_capf_mode mode);
int ptrust_capf_mode_from_name(const char *name, ptrust_capf_mode *mode);
ptrust_status ptrust_cluster_set_capf_mode(ptrust_cluster *cluster,
    ptrust_capf_mode mode, const char *lsc_issuer);
ptrust_capf_mode ptrust_cluster_capf_mode(const ptrust_cluster *cluster);
/* The LSC issuer's SHA-256, NULL in CAPF mode. */
const char *ptrust_cluster_lsc_issuer(const ptrust_cluster *cluster);
/*
 * One Cisco CA (alias or SHA-256 of an anchor of manufacturing-ca) off or
 * on for callmanager-tls and capf, as CUCM's `set cert default-ca-list
 * disable|enable`; decided by the certificate, never its name.
 * cluster.conf key: cisco-ca-disabled = SHA-256 (one line each).
 */
ptrust_status ptrust_cluster_set_cisco_ca_enabled(ptrust_cluster *cluster,
    const char *alias_or_sha256, int enabled);
int ptrust_cluster_cisco_ca_enabled(ptrust_cluster *cluster,
    const char *alias_or_sha256);
/* A copy of every store and setting (not the writer lock); NULL on error. */
ptrust_cluster *ptrust_cluster_copy(ptrust_cluster *cluster);

/*
 * Reload: load the cluster directory dir into cluster (replacing what it
 * held) and publish its snapshot for purpose into current, if what it
 * trusts differs from the current snapshot's anchors.  *changed (may be
 * NULL) says whether a snapshot was published.  On failure nothing is
 * published, current keeps its snapshot, and ptrust_cluster_error(cluster)
 * says why.
 */
ptrust_status ptrust_current_reload(ptrust_current *current,
    ptrust_cluster *cluster, const char *dir, ptrust_cluster_purpose purpose,
    int *changed);

/* ---------------------------------------------------------------------
 * Phones.
 */
typedef struct ptrust_phone ptrust_phone;

/*
 * device: SEP + 12 hex digits, or another device name (letters, digits,
 * '-', '_', '.', 1..64 characters); a name of 15 characters starting with
 * "SEP", or "SEP" and hex digits only, must be SEP + 12 hex digits.  NULL
 * when invalid.
 */
ptrust_phone *ptrust_phone_new(const char *device);
void ptrust_phone_free(ptrust_phone *phone);
const char *ptrust_phone_device(const ptrust_phone *phone);
/* The phone's certificates, each with the intermediates it sends (copied). */
ptrust_status ptrust_phone_set_lsc(ptrust_phone *phone,
    const ptrust_chain *chain);
ptrust_status ptrust_phone_set_mic(ptrust_phone *phone,
    const ptrust_chain *chain);
/* Forget the LSC, as the CAPF delete operation does. */
void ptrust_phone_delete_lsc(ptrust_phone *phone);
int ptrust_phone_has_lsc(const ptrust_phone *phone);
int ptrust_phone_has_mic(const ptrust_phone *phone);
/*
 * Whether the first certificate of chain names device, as the phone's
 * certificate must: its last CN is the device name or CP-<model>-<device>,
 * in any case; a CN holding a NUL or another control character names no
 * device.  1 yes, 0 no (or an invalid device name, or no certificate), -1
 * out of memory.
 */
int ptrust_chain_names_device(const ptrust_chain *chain, const char *device);

/* Flags of ptrust_cluster_verify_phone. */
#define PTRUST_PHONE_WITHOUT_LSC	0x01	/* the Q&A's quick test */

/*
 * Validate a phone the way the cluster would: the phone picks its
 * certificate (LSC when present, else MIC), the chain is validated
 * against the purpose's snapshot, and the certificate must name this
 * device (reason identity-mismatch otherwise).  For PTRUST_CLUSTER_CAPF
 * this is authentication by existing certificate with precedence to the
 * LSC; ptrust_capf_decide follows any authentication mode.
 * The result carries a diagnosis and the administrator's fix.
 */
ptrust_status ptrust_cluster_verify_phone(ptrust_cluster *cluster,
    const ptrust_phone *phone, ptrust_cluster_purpose purpose,
    const ptrust_options *options, int flags, ptrust_result **result);

/*
 * The one judging path for a chain a phone presented (leaf first, as
 * sent): validated against snapshot (the purpose's, see
 * ptrust_cluster_snapshot), with the phone rules of purpose and the device
 * of the options, and diagnosed.
 */
ptrust_status ptrust_verify_presented(const ptrust_store *snapshot,
    ptrust_cluster_purpose purpose, const ptrust_chain *chain,
    const ptrust_options *options, ptrust_result **result);

/* ---------------------------------------------------------------------
 * CAPF certificate operations.
 */
typedef enum ptrust_capf_operation {
	PTRUST_CAPF_INSTALL = 0,	/* install/upgrade: "Upgrade" */
	PTRUST_CAPF_DELETE,		/* "Delete" */
	PTRUST_CAPF_TROUBLESHOOT	/* "Troubleshoot" */
} ptrust_capf_operation;

typedef enum ptrust_auth_mode {
	PTRUST_AUTH_LSC_FIRST = 0,	/* by existing certificate, precedence to LSC */
	PTRUST_AUTH_MIC_FIRST,		/* by existing certificate, precedence to MIC */
	PTRUST_AUTH_STRING,		/* by authentication string */
	PTRUST_AUTH_NULL_STRING		/* by null string */
} ptrust_auth_mode;

const char *ptrust_auth_mode_name(ptrust_auth_mode mode); /* "lsc-first", ... */
int ptrust_auth_mode_from_name(const char *name, ptrust_auth_mode *mode);

typedef struct ptrust_capf_outcome ptrust_capf_outcome;

/*
 * CAPF's decision.  entered/expected: the authentication string typed on
 * the phone and the one configured (4..10 digits), used by
 * PTRUST_AUTH_STRING only and compared in constant time.  Independent of
 * the device security profile and of the cluster security mode.
 */
ptrust_status ptrust_capf_decide(ptrust_cluster *cluster,
    const ptrust_phone *phone, ptrust_capf_operation operation,
    ptrust_auth_mode mode, const char *entered, const char *expected,
    const ptrust_options *options, ptrust_capf_outcome **outcome);
void ptrust_capf_outcome_free(ptrust_capf_outcome *outcome);
int ptrust_capf_outcome_success(const ptrust_capf_outcome *outcome);
/* CUCM's words: "Upgrade Success", "Upgrade Failed: Invalid LSC", ... */
const char *ptrust_capf_outcome_status(const ptrust_capf_outcome *outcome);
/* The validation behind it, NULL when no certificate was checked. */
const ptrust_result *ptrust_capf_outcome_result(
    const ptrust_capf_outcome *outcome);
/* What to do; NULL on success. */
const char *ptrust_capf_outcome_fix(const ptrust_capf_outcome *outcome);
const char *ptrust_capf_outcome_error(const ptrust_capf_outcome *outcome);

/* ---------------------------------------------------------------------
 * Store hygiene: a lint over every store of a cluster.  Append-only codes.
 */
typedef struct ptrust_lint ptrust_lint;

typedef enum ptrust_severity {
	PTRUST_SEVERITY_INFO = 0,	/* "info" */
	PTRUST_SEVERITY_WARNING,	/* "warning" */
	PTRUST_SEVERITY_ERROR		/* "error" */
} ptrust_severity;

typedef enum ptrust_lint_code {
	PTRUST_LINT_CAPF_PROFILE = 1,	/* "capf-profile": not CA:TRUE, pathlen:0, keyCertSign + digitalSignature (CUCM 14SU2) */
	PTRUST_LINT_EXPIRED,		/* "expired" */
	PTRUST_LINT_EXPIRING,		/* "expiring": within the given days */
	PTRUST_LINT_DUPLICATE_SUBJECT,	/* "duplicate-subject": two anchors, one subject, in what one purpose trusts */
	PTRUST_LINT_SHA1_SIGNED,	/* "sha1-signed" */
	PTRUST_LINT_RSA_TOO_LARGE,	/* "rsa-too-large": over 4096 bits, CUCM refuses it */
	PTRUST_LINT_RSA_TOO_SMALL,	/* "rsa-too-small": under 2048 bits */
	PTRUST_LINT_NOT_A_CA,		/* "not-a-ca": a non-CA certificate in a trust store */
	PTRUST_LINT_MANUFACTURING_TRUSTED, /* "manufacturing-trusted": manufacturing CAs still trusted for callmanager-tls */
	PTRUST_LINT_CISCO_LOOKALIKE,	/* "cisco-lookalike": the subject of a built-in Cisco CA, not Cisco's key */
	PTRUST_LINT_INVALID_TIME_ENCODING /* "invalid-time-encoding": a validity time OpenSSL refuses (RFC 5280 form only) */
} ptrust_lint_code;

const char *ptrust_lint_code_name(ptrust_lint_code code);
const char *ptrust_severity_name(ptrust_severity severity);

/* Findings as of time now; EXPIRING for anchors ending within days. */
ptrust_status ptrust_cluster_lint(ptrust_cluster *cluster, time_t now,
    int days, ptrust_lint **lint);
void ptrust_lint_free(ptrust_lint *lint);
size_t ptrust_lint_count(const ptrust_lint *lint);
ptrust_lint_code ptrust_lint_finding_code(const ptrust_lint *lint,
    size_t index);
ptrust_severity ptrust_lint_finding_severity(const ptrust_lint *lint,
    size_t index);
/* The store and alias concerned (alias NULL for cluster-wide findings). */
const char *ptrust_lint_finding_store(const ptrust_lint *lint, size_t index);
const char *ptrust_lint_finding_alias(const ptrust_lint *lint, size_t index);
const char *ptrust_lint_finding_message(const ptrust_lint *lint,
    size_t index);

/* ---------------------------------------------------------------------
 * Certificates out of CAPF traces (Troubleshoot writes them into its log).
 */
typedef struct ptrust_trace ptrust_trace;

/*
 * Every certificate in a log text: PEM blocks and runs of bare base64
 * that decode to a DER certificate, in order of appearance, each once.
 * Returns PTRUST_OK with an empty trace when there is none.
 */
ptrust_status ptrust_trace_extract(const void *data, size_t len,
    ptrust_trace **trace);
ptrust_status ptrust_trace_extract_file(const char *path,
    ptrust_trace **trace);
void ptrust_trace_free(ptrust_trace *trace);
/* The message of a failed extraction, when *trace was still set. */
const char *ptrust_trace_error(const ptrust_trace *trace);
size_t ptrust_trace_count(const ptrust_trace *trace);
/* Line (from 1) where the certificate starts in the log. */
size_t ptrust_trace_line(const ptrust_trace *trace, size_t index);
const char *ptrust_trace_subject(const ptrust_trace *trace, size_t index);
const char *ptrust_trace_issuer(const ptrust_trace *trace, size_t index);
const char *ptrust_trace_sha256(const ptrust_trace *trace, size_t index);
const unsigned char *ptrust_trace_der(const ptrust_trace *trace,
    size_t index, size_t *len);
/*
 * Classify every certificate as LSC, MIC or unknown by validating it
 * (with the other extracted certificates as intermediates) against what
 * the cluster trusts for callmanager-tls and capf; the kind comes from the
 * anchor reached, as in ptrust_verify.
 */
ptrust_status ptrust_trace_classify(ptrust_trace *trace,
    ptrust_cluster *cluster, const ptrust_options *options);
ptrust_kind ptrust_trace_kind(const ptrust_trace *trace, size_t index);
/* Device name (subject CN) of an LSC or MIC, NULL otherwise. */
const char *ptrust_trace_device(const ptrust_trace *trace, size_t index);

#ifdef __cplusplus
}
#endif

#endif /* PHONETRUST_CLUSTER_H */
