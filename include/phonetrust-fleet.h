/*
 * libphonetrust, the fleet planner: a whole fleet of phones judged by one
 * cluster, before and after a change an administrator plans ("what if I
 * regenerate CAPF / remove this CA / move the phones / on 2029-05-15?"),
 * the safe order of that change, and when every certificate expires.
 *
 * One more door onto the one judging path: every phone whose certificates
 * are known is judged exactly as ptrust_cluster_verify_phone and
 * ptrust_capf_decide would judge it; LSC and MIC are told apart by the
 * anchor that verified the chain, never by a file name or a name string.
 * Phones known only from CUCM's records (the CSV inventory, or JSON
 * without certificates) are matched to anchors by issuer name, and every
 * verdict built on them says so (evidence "record").
 *
 * The cluster model the planner relies on lives in <phonetrust-cluster.h>:
 * the CAPF mode with its LSC issuer (ptrust_cluster_set_capf_mode) and
 * each built-in Cisco CA on or off (ptrust_cluster_set_cisco_ca_enabled).
 *
 * Include after <phonetrust.h> and <phonetrust-cluster.h>.  Thread
 * safety: a fleet is used by one thread at a time (it runs threads of its
 * own while evaluating); a plan and a timeline may be read by any number
 * of threads at once, and must be freed before their fleet.
 */
#ifndef PHONETRUST_FLEET_H
#define PHONETRUST_FLEET_H

#include <phonetrust.h>
#include <phonetrust-cluster.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ptrust_fleet ptrust_fleet;
typedef struct ptrust_fleet_change ptrust_fleet_change;
typedef struct ptrust_fleet_plan ptrust_fleet_plan;
typedef struct ptrust_fleet_timeline ptrust_fleet_timeline;

/* ---------------------------------------------------------------------
 * The fleet: a cluster, an inventory of phones, and how to judge them.
 */

/* An empty fleet (no cluster, no phone). */
ptrust_fleet *ptrust_fleet_new(void);
void ptrust_fleet_free(ptrust_fleet *fleet);
/* The message of the last failed call ("" before any). */
const char *ptrust_fleet_error(const ptrust_fleet *fleet);

/*
 * The cluster that judges the fleet: set_cluster takes ownership of
 * cluster on success (the fleet frees it); load_cluster reads a cluster
 * directory (ptrust_cluster_load_dir).  Set before loading an inventory:
 * the cluster decides what each certificate is.  Replacing the cluster
 * keeps the phones and drops every evaluation made.
 */
ptrust_status ptrust_fleet_set_cluster(ptrust_fleet *fleet,
    ptrust_cluster *cluster);
ptrust_status ptrust_fleet_load_cluster(ptrust_fleet *fleet,
    const char *dir);
/* The fleet's cluster, borrowed (do not free; NULL before one is set). */
ptrust_cluster *ptrust_fleet_cluster(ptrust_fleet *fleet);

/*
 * Validation options (copied; NULL: defaults).  Their time is the time of
 * the "before" evaluation; without one, the time of the first evaluation.
 * Their device is ignored: each phone claims its own.
 */
ptrust_status ptrust_fleet_set_options(ptrust_fleet *fleet,
    const ptrust_options *options);
/* Threads evaluating: 0 (the default) as many as processors online. */
ptrust_status ptrust_fleet_set_threads(ptrust_fleet *fleet, int threads);
/*
 * Called while evaluating, from the calling thread, with the phones done
 * so far and the total (done == total last).  NULL: none.
 */
typedef void (*ptrust_fleet_progress_fn)(void *arg, size_t done,
    size_t total);
ptrust_status ptrust_fleet_set_progress(ptrust_fleet *fleet,
    ptrust_fleet_progress_fn fn, void *arg);

/* ---------------------------------------------------------------------
 * Inventory.  Each load adds phones; a device loaded twice (in one input
 * or across inputs) is reported (duplicate-device) and the later one
 * skipped.  Bad input rows, files and certificates are reported with file
 * and line and skipped, never silently; a load fails as a whole (status
 * other than PTRUST_OK, nothing added) only when the input cannot be read
 * at all or memory runs out.  Limits: 1,000,000 phones, 16 MiB per input
 * file.
 */
typedef enum ptrust_fleet_format {
	PTRUST_FLEET_FORMAT_AUTO = 0,	/* "auto": directory, or by content */
	PTRUST_FLEET_FORMAT_DIR,	/* "dir": certificate files */
	PTRUST_FLEET_FORMAT_CSV,	/* "csv": CUCM's records */
	PTRUST_FLEET_FORMAT_EXTRACT,	/* "extract": phonetrust extract/capture --json */
	PTRUST_FLEET_FORMAT_VERDICT,	/* "verdict": verdict-schema JSON */
	PTRUST_FLEET_FORMAT_FLEET	/* "fleet": phonetrust plan --json phones */
} ptrust_fleet_format;

const char *ptrust_fleet_format_name(ptrust_fleet_format format);
int ptrust_fleet_format_from_name(const char *name,
    ptrust_fleet_format *format);

/*
 * path is a directory (FORMAT_DIR) or a file.
 *
 * dir: every regular file (not recursive, dot files skipped), each PEM
 *   (one or more certificates) or one DER certificate: one phone's
 *   certificates or one certificate each.  Leaves are grouped by the
 *   device their subject names (CN = device or CP-<model>-<device>); the
 *   other certificates of a file travel with its leaf as intermediates.
 *   Whether a leaf is the phone's LSC or MIC is decided by validating it
 *   against what the cluster trusts for callmanager-tls and capf (the
 *   anchor's role), never by the file's name; one the cluster takes for
 *   neither is reported (unknown-kind) and kept as the certificate the
 *   phone presents first (as an LSC from another cluster would be), so
 *   that its verdicts say what its issuer's absence costs.
 * csv: a header line naming the columns, in any order, case-insensitive,
 *   either CUCM's words or its database's: "Device Name"/devicename,
 *   "LSC Issued By"/lscissuername, "LSC Expires"/lscvaliduntil,
 *   "LSC Issuer Expires By"/lscissuervaliduntil, and optionally
 *   "Model"/model, "MIC Issued By"/micissuername, "MIC Expires"/
 *   micvaliduntil.  Dates as YYYY-MM-DD, YYYY-MM-DD HH:MM:SS (UTC),
 *   MM/DD/YYYY or seconds since 1970.  RFC 4180 quoting.  An empty LSC
 *   issuer means no LSC.  Each issuer name is matched to the cluster's
 *   anchors by name (the anchor's subject or its CN): one matching no
 *   anchor (unknown-issuer) or several with different keys
 *   (ambiguous-issuer) is reported, and the phone's certificate counts as
 *   one of unknown issuer: never guessed.
 * extract, verdict, fleet: JSON (strict: RFC 8259, 64 levels deep at
 *   most).  Certificates come as names only, so phones read from them are
 *   records too.
 */
ptrust_status ptrust_fleet_load(ptrust_fleet *fleet, const char *path,
    ptrust_fleet_format format);
/* The same from memory (not FORMAT_DIR); name is the file name reported. */
ptrust_status ptrust_fleet_load_mem(ptrust_fleet *fleet, const void *data,
    size_t len, const char *name, ptrust_fleet_format format);
/*
 * One phone with its certificates (ptrust_phone_set_lsc/mic), copied.  As
 * for a certificate directory, the cluster decides what each certificate
 * is: one it takes for the other kind is used as that kind, one of
 * neither kind is reported (unknown-kind); a device already in the fleet
 * is reported (duplicate-device).  PTRUST_OK then too.
 */
ptrust_status ptrust_fleet_add_phone(ptrust_fleet *fleet,
    const ptrust_phone *phone);

/* What a load found wrong.  Append-only. */
typedef enum ptrust_fleet_problem_code {
	PTRUST_FLEET_PROBLEM_BAD_ROW = 1,	/* "bad-row": a CSV row or JSON entry skipped */
	PTRUST_FLEET_PROBLEM_BAD_FILE,		/* "bad-file": a file that is no certificate, or unreadable */
	PTRUST_FLEET_PROBLEM_DUPLICATE_DEVICE,	/* "duplicate-device": a device named again; the later one skipped */
	PTRUST_FLEET_PROBLEM_UNKNOWN_ISSUER,	/* "unknown-issuer": an issuer name no anchor carries */
	PTRUST_FLEET_PROBLEM_AMBIGUOUS_ISSUER,	/* "ambiguous-issuer": an issuer name several anchors carry */
	PTRUST_FLEET_PROBLEM_NOT_A_PHONE,	/* "not-a-phone": a CA's certificate, or one naming no device */
	PTRUST_FLEET_PROBLEM_UNKNOWN_KIND,	/* "unknown-kind": the cluster takes it for neither LSC nor MIC */
	PTRUST_FLEET_PROBLEM_EXTRA_CERTIFICATE,	/* "extra-certificate": a second LSC or MIC for a device, not used */
	PTRUST_FLEET_PROBLEM_LIMIT		/* "limit": too many phones or too large a file */
} ptrust_fleet_problem_code;

const char *ptrust_fleet_problem_code_name(ptrust_fleet_problem_code code);
size_t ptrust_fleet_problem_count(const ptrust_fleet *fleet);
ptrust_fleet_problem_code ptrust_fleet_problem(const ptrust_fleet *fleet,
    size_t index);
/* The file, and its line from 1 (0: the whole file, e.g. a certificate). */
const char *ptrust_fleet_problem_file(const ptrust_fleet *fleet,
    size_t index);
size_t ptrust_fleet_problem_line(const ptrust_fleet *fleet, size_t index);
/* The device concerned, NULL when none is known. */
const char *ptrust_fleet_problem_device(const ptrust_fleet *fleet,
    size_t index);
const char *ptrust_fleet_problem_message(const ptrust_fleet *fleet,
    size_t index);

/* How what is known about a phone's certificate is known. */
typedef enum ptrust_fleet_evidence {
	PTRUST_FLEET_EVIDENCE_NONE = 0,		/* "none": no certificate */
	PTRUST_FLEET_EVIDENCE_CERTIFICATE,	/* "certificate": the certificate itself, judged */
	PTRUST_FLEET_EVIDENCE_RECORD		/* "record": CUCM's record, matched by name */
} ptrust_fleet_evidence;

const char *ptrust_fleet_evidence_name(ptrust_fleet_evidence evidence);

/* The phones, in load order. */
size_t ptrust_fleet_phone_count(const ptrust_fleet *fleet);
const char *ptrust_fleet_phone_device(const ptrust_fleet *fleet,
    size_t phone);
/* The model when known (e.g. "Cisco 8845"), else NULL. */
const char *ptrust_fleet_phone_model(const ptrust_fleet *fleet,
    size_t phone);
/* Where the phone was read from: a file and line (0: none). */
const char *ptrust_fleet_phone_source(const ptrust_fleet *fleet,
    size_t phone, size_t *line);
/*
 * The phone's LSC (which PTRUST_PRESENTED_LSC) or MIC: how it is known
 * (NONE: it has none), its issuer as text, and its notAfter (0 unknown).
 */
ptrust_fleet_evidence ptrust_fleet_phone_evidence(const ptrust_fleet *fleet,
    size_t phone, ptrust_presented which);
const char *ptrust_fleet_phone_issuer(const ptrust_fleet *fleet,
    size_t phone, ptrust_presented which);
time_t ptrust_fleet_phone_not_after(const ptrust_fleet *fleet, size_t phone,
    ptrust_presented which);
/* The index of device, or -1. */
long ptrust_fleet_find_phone(const ptrust_fleet *fleet, const char *device);

/* ---------------------------------------------------------------------
 * What-if: a change to the cluster, built step by step, applied in order
 * to a copy of the fleet's cluster (the fleet's own never changes).
 */
ptrust_fleet_change *ptrust_fleet_change_new(void);
void ptrust_fleet_change_free(ptrust_fleet_change *change);
const char *ptrust_fleet_change_error(const ptrust_fleet_change *change);

/* Remove an anchor (alias or SHA-256) from store. */
ptrust_status ptrust_fleet_change_remove_anchor(ptrust_fleet_change *change,
    const char *store, const char *alias_or_sha256);
/* Add one certificate (PEM or DER) to store, as ptrust_builder_add_mem. */
ptrust_status ptrust_fleet_change_add_anchor(ptrust_fleet_change *change,
    const char *store, const void *data, size_t len, const char *alias,
    ptrust_role role);
/*
 * Regenerate CAPF: old_capf (alias or SHA-256 of a CAPF-role anchor;
 * NULL: the cluster's only CAPF anchor in capf-trust) is retired from
 * every store that holds it, and the new CAPF certificate (PEM or DER;
 * NULL: not known yet) is added to each of them.  The plan then says, per
 * store, which phones block the removal of the old certificate.
 */
ptrust_status ptrust_fleet_change_regenerate_capf(ptrust_fleet_change *change,
    const char *old_capf, const void *new_capf, size_t len);
/*
 * Move phones to another cluster (read from dir when applied): devices
 * (n of them; n 0: every phone) are judged by that cluster after the
 * change, the others by the fleet's.  Later steps change both clusters.
 */
ptrust_status ptrust_fleet_change_move(ptrust_fleet_change *change,
    const char *dir, const char *const *devices, size_t n);
/* Manufacturing CAs no longer trusted (callmanager-tls and capf). */
ptrust_status ptrust_fleet_change_manufacturing_off(
    ptrust_fleet_change *change);
/* One built-in Cisco CA (alias or SHA-256) disabled, see
 * ptrust_cluster_set_cisco_ca_enabled. */
ptrust_status ptrust_fleet_change_cisco_ca_off(ptrust_fleet_change *change,
    const char *alias_or_sha256);
/* Judge at another time ("what is broken on 2029-05-15"). */
ptrust_status ptrust_fleet_change_set_time(ptrust_fleet_change *change,
    time_t at);
/* The change in words, one step a line. */
const char *ptrust_fleet_change_describe(const ptrust_fleet_change *change);

/* ---------------------------------------------------------------------
 * Evaluation: every phone, for every check, before and after the change.
 */

/* What is checked of each phone. */
typedef enum ptrust_fleet_check {
	PTRUST_FLEET_CALLMANAGER_TLS = 0,	/* "callmanager-tls": registering over TLS */
	PTRUST_FLEET_CAPF_LSC_FIRST,		/* "capf-lsc-first": by existing certificate, LSC precedence */
	PTRUST_FLEET_CAPF_MIC_FIRST,		/* "capf-mic-first": by existing certificate, MIC precedence */
	PTRUST_FLEET_CAPF_AUTH_STRING,		/* "capf-auth-string": no certificate checked */
	PTRUST_FLEET_CAPF_NULL_STRING,		/* "capf-null-string": no certificate checked */
	PTRUST_FLEET_8021X,			/* "802.1x" */
	PTRUST_FLEET_VPN			/* "vpn" */
} ptrust_fleet_check;
#define PTRUST_FLEET_CHECK_COUNT	7

const char *ptrust_fleet_check_name(ptrust_fleet_check check);
int ptrust_fleet_check_from_name(const char *name, ptrust_fleet_check *check);
/* The cluster purpose of a check (the four CAPF checks: capf). */
ptrust_cluster_purpose ptrust_fleet_check_purpose(ptrust_fleet_check check);
/* The CAPF authentication mode of a CAPF check; -1 for the others. */
int ptrust_fleet_check_auth_mode(ptrust_fleet_check check);

typedef enum ptrust_fleet_side {
	PTRUST_FLEET_BEFORE = 0,
	PTRUST_FLEET_AFTER
} ptrust_fleet_side;

/*
 * Evaluate the fleet before and after change (NULL: no change; after is
 * then before).  The "before" verdicts are made once per fleet and kept;
 * an evaluation after the first judges again only what the change can
 * affect: a verdict is reused when the anchors its chain could reach
 * (every anchor whose subject is the name of an issuer in the chain, and
 * theirs in turn, with their roles) and the time are those of the "before"
 * side or of the last what-if evaluated.
 */
ptrust_status ptrust_fleet_evaluate(ptrust_fleet *fleet,
    const ptrust_fleet_change *change, ptrust_fleet_plan **plan);
void ptrust_fleet_plan_free(ptrust_fleet_plan *plan);

/* The times judged at. */
time_t ptrust_fleet_plan_time(const ptrust_fleet_plan *plan,
    ptrust_fleet_side side);
/* Signatures judged by this evaluation, and verdicts reused (memoised). */
void ptrust_fleet_plan_stats(const ptrust_fleet_plan *plan,
    uint64_t *judged, uint64_t *reused);
size_t ptrust_fleet_plan_phone_count(const ptrust_fleet_plan *plan);
const char *ptrust_fleet_plan_device(const ptrust_fleet_plan *plan,
    size_t phone);
/*
 * Whether a check is made at all on that side: 0 when the cluster has no
 * store for its purpose (802.1x and vpn until set), 1 otherwise.
 */
int ptrust_fleet_plan_check_used(const ptrust_fleet_plan *plan,
    ptrust_fleet_check check, ptrust_fleet_side side);

/*
 * One phone, one check, one side.  ok: 1 accepted, 0 refused, -1 not
 * checked (no store for the purpose).  The CAPF auth-string check is ok
 * when someone types the string at the phone; null-string always is.
 */
int ptrust_fleet_plan_ok(const ptrust_fleet_plan *plan, size_t phone,
    ptrust_fleet_check check, ptrust_fleet_side side);
/*
 * The verdict (verdict schema), NULL when no certificate was judged (the
 * string checks, not checked, no certificate).  A record's verdict is
 * built from names: its evidence is "name" and ptrust_fleet_plan_evidence
 * says "record".  Borrowed from the plan.
 */
const ptrust_result *ptrust_fleet_plan_result(const ptrust_fleet_plan *plan,
    size_t phone, ptrust_fleet_check check, ptrust_fleet_side side);
ptrust_fleet_evidence ptrust_fleet_plan_evidence(
    const ptrust_fleet_plan *plan, size_t phone, ptrust_fleet_check check,
    ptrust_fleet_side side);
ptrust_presented ptrust_fleet_plan_presented(const ptrust_fleet_plan *plan,
    size_t phone, ptrust_fleet_check check, ptrust_fleet_side side);
/* The first reason (0 when accepted), the diagnosis and the fix. */
ptrust_reason_code ptrust_fleet_plan_reason(const ptrust_fleet_plan *plan,
    size_t phone, ptrust_fleet_check check, ptrust_fleet_side side);
ptrust_diagnosis ptrust_fleet_plan_diagnosis(const ptrust_fleet_plan *plan,
    size_t phone, ptrust_fleet_check check, ptrust_fleet_side side);
const char *ptrust_fleet_plan_fix(const ptrust_fleet_plan *plan,
    size_t phone, ptrust_fleet_check check, ptrust_fleet_side side);
/* CAPF checks: CUCM's words, "Upgrade Success", "Upgrade Failed: Invalid
 * LSC", ...; NULL for the other checks. */
const char *ptrust_fleet_plan_capf_status(const ptrust_fleet_plan *plan,
    size_t phone, ptrust_fleet_check check, ptrust_fleet_side side);
/* 1 when ok before and refused after ("breaks"), 2 refused then ok
 * ("fixed"), 0 unchanged. */
int ptrust_fleet_plan_changed(const ptrust_fleet_plan *plan, size_t phone,
    ptrust_fleet_check check);

/* Totals over the phones for one check and side. */
typedef enum ptrust_fleet_total {
	PTRUST_FLEET_TOTAL_OK = 0,	/* "ok" */
	PTRUST_FLEET_TOTAL_REFUSED,	/* "refused" */
	PTRUST_FLEET_TOTAL_LSC,		/* "lsc": ok with an LSC */
	PTRUST_FLEET_TOTAL_MIC,		/* "mic": ok with a MIC */
	PTRUST_FLEET_TOTAL_NONE,	/* "none": no certificate to present */
	PTRUST_FLEET_TOTAL_RECORD,	/* "record": verdicts from records */
	PTRUST_FLEET_TOTAL_BREAKS,	/* "breaks": ok before, refused after */
	PTRUST_FLEET_TOTAL_FIXED	/* "fixed": refused before, ok after */
} ptrust_fleet_total;
#define PTRUST_FLEET_TOTAL_COUNT	8

const char *ptrust_fleet_total_name(ptrust_fleet_total total);
size_t ptrust_fleet_plan_total(const ptrust_fleet_plan *plan,
    ptrust_fleet_check check, ptrust_fleet_side side,
    ptrust_fleet_total total);

/*
 * What a phone needs before the change can be made without breaking it:
 * a new LSC from the (new) issuer, and how CAPF can authenticate it for
 * that operation now, before the change.
 */
typedef enum ptrust_fleet_need {
	PTRUST_FLEET_NEED_NOTHING = 0,	/* "nothing": the change does not break it */
	PTRUST_FLEET_NEED_LSC_BY_MIC,	/* "lsc-by-mic": by existing certificate, MIC precedence: its MIC is valid in capf-trust */
	PTRUST_FLEET_NEED_LSC_BY_LSC,	/* "lsc-by-lsc": by existing certificate, LSC precedence: no valid MIC, its LSC still works */
	PTRUST_FLEET_NEED_LSC_BY_STRING, /* "lsc-by-string": no certificate CAPF accepts: authentication string (or null string) */
	PTRUST_FLEET_NEED_UNFIXABLE	/* "unfixable": broken by the change whatever is done to the phone (e.g. a date) */
} ptrust_fleet_need;

const char *ptrust_fleet_need_name(ptrust_fleet_need need);
ptrust_fleet_need ptrust_fleet_plan_need(const ptrust_fleet_plan *plan,
    size_t phone);
/* The need in words, with the security trade-off of the mode; NULL for
 * NOTHING. */
const char *ptrust_fleet_plan_need_text(const ptrust_fleet_plan *plan,
    size_t phone);

/*
 * The safe order of operations: steps to do in order.  A step that
 * removes an anchor from a store lists the phones still blocking it
 * (they would stop working for that store's purposes): it is safe once
 * each holds what it needs (ptrust_fleet_plan_need).
 */
typedef enum ptrust_fleet_step_kind {
	PTRUST_FLEET_STEP_ADD_ANCHOR = 1,	/* "add-anchor": import first */
	PTRUST_FLEET_STEP_REISSUE,		/* "reissue-lsc": give phones new LSCs */
	PTRUST_FLEET_STEP_REMOVE_ANCHOR,	/* "remove-anchor": then retire */
	PTRUST_FLEET_STEP_OTHER			/* "other": move, CA list, date */
} ptrust_fleet_step_kind;

const char *ptrust_fleet_step_kind_name(ptrust_fleet_step_kind kind);
size_t ptrust_fleet_plan_step_count(const ptrust_fleet_plan *plan);
ptrust_fleet_step_kind ptrust_fleet_plan_step_kind(
    const ptrust_fleet_plan *plan, size_t step);
/* The store and the anchor's alias concerned, NULL when none. */
const char *ptrust_fleet_plan_step_store(const ptrust_fleet_plan *plan,
    size_t step);
const char *ptrust_fleet_plan_step_anchor(const ptrust_fleet_plan *plan,
    size_t step);
/* The step in words. */
const char *ptrust_fleet_plan_step_text(const ptrust_fleet_plan *plan,
    size_t step);
/* Phones blocking the step (indexes into the plan's phones). */
size_t ptrust_fleet_plan_step_blocking_count(const ptrust_fleet_plan *plan,
    size_t step);
size_t ptrust_fleet_plan_step_blocking_phone(const ptrust_fleet_plan *plan,
    size_t step, size_t index);

/*
 * The last moment a phone can still work (register over TLS, or get a
 * new LSC by its certificate) on that side: the latest end of the
 * validity of its LSC and MIC chains that the cluster accepts; 0 when
 * none is accepted, or unknown.
 */
time_t ptrust_fleet_plan_usable_until(const ptrust_fleet_plan *plan,
    size_t phone, ptrust_fleet_side side);

/* ---------------------------------------------------------------------
 * Expiry: when every certificate of the fleet and of the stores ends,
 * month by month, and which phones lose their last usable certificate.
 */
typedef enum ptrust_fleet_item {
	PTRUST_FLEET_ITEM_LSC = 0,		/* "lsc" */
	PTRUST_FLEET_ITEM_MIC,			/* "mic" */
	PTRUST_FLEET_ITEM_INTERMEDIATE,		/* "intermediate": sent by phones */
	PTRUST_FLEET_ITEM_ANCHOR		/* "anchor": in a store */
} ptrust_fleet_item;
#define PTRUST_FLEET_ITEM_COUNT	4

const char *ptrust_fleet_item_name(ptrust_fleet_item item);

/*
 * The timeline after change (NULL: none) from the month of from to the
 * month of the last end (at most months months; 0: 600), judged by the
 * plan's verdicts.
 */
ptrust_status ptrust_fleet_timeline_new(ptrust_fleet *fleet,
    const ptrust_fleet_change *change, time_t from, int months,
    ptrust_fleet_timeline **timeline);
void ptrust_fleet_timeline_free(ptrust_fleet_timeline *timeline);

size_t ptrust_fleet_timeline_month_count(const ptrust_fleet_timeline *t);
/* Year and month (1..12) of a month of the timeline. */
void ptrust_fleet_timeline_month(const ptrust_fleet_timeline *t,
    size_t month, int *year, int *mon);
/* Certificates of a kind ending in that month (distinct certificates). */
size_t ptrust_fleet_timeline_ending(const ptrust_fleet_timeline *t,
    size_t month, ptrust_fleet_item item);
/* Phones losing their last usable certificate in that month. */
size_t ptrust_fleet_timeline_losing(const ptrust_fleet_timeline *t,
    size_t month);

/* Every end, in time order. */
size_t ptrust_fleet_timeline_event_count(const ptrust_fleet_timeline *t);
time_t ptrust_fleet_timeline_event_time(const ptrust_fleet_timeline *t,
    size_t event);
ptrust_fleet_item ptrust_fleet_timeline_event_item(
    const ptrust_fleet_timeline *t, size_t event);
/* The certificate's subject; the store for an anchor (else NULL). */
const char *ptrust_fleet_timeline_event_subject(
    const ptrust_fleet_timeline *t, size_t event);
const char *ptrust_fleet_timeline_event_store(const ptrust_fleet_timeline *t,
    size_t event);
/* Phones whose certificates (or chains) include it. */
size_t ptrust_fleet_timeline_event_phones(const ptrust_fleet_timeline *t,
    size_t event);

/* The dates on which phones lose their last usable certificate. */
size_t ptrust_fleet_timeline_loss_count(const ptrust_fleet_timeline *t);
time_t ptrust_fleet_timeline_loss_time(const ptrust_fleet_timeline *t,
    size_t loss);
size_t ptrust_fleet_timeline_loss_phone_count(const ptrust_fleet_timeline *t,
    size_t loss);
/* The device of a phone losing its last usable certificate then. */
const char *ptrust_fleet_timeline_loss_device(const ptrust_fleet_timeline *t,
    size_t loss, size_t index);

#ifdef __cplusplus
}
#endif

#endif /* PHONETRUST_FLEET_H */
