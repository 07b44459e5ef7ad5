/*
 * The fleet planner's private declarations (lib/fleet/): the fleet, its
 * phones, the what-if steps, the evaluations and the strict JSON reader.
 */
#ifndef PTRUST_FLEET_INTERNAL_H
#define PTRUST_FLEET_INTERNAL_H

#include <pthread.h>

#include "internal.h"

#pragma GCC visibility push(default)
#include "phonetrust-fleet.h"
#pragma GCC visibility pop

struct pt_applied;

#define PT_FLEET_MAX_PHONES	1000000
#define PT_FLEET_MAX_FILE	PT_MAX_FILE
#define PT_FLEET_MAX_PROBLEMS	100000

/* The judgments made of one phone on one side (the string checks need none). */
enum {
	PT_FJ_CM = 0,		/* callmanager-tls: what the phone presents */
	PT_FJ_CAPF_LSC,		/* capf: its LSC */
	PT_FJ_CAPF_MIC,		/* capf: its MIC */
	PT_FJ_8021X,		/* 802.1x: what it presents */
	PT_FJ_VPN,		/* vpn: what it presents */
	PT_FJ_COUNT
};

/*
 * One of a phone's certificates.  With certificates: the chain as DER
 * (leaf, then intermediates shared fleet-wide), decoded only while judged
 * so that 40,000 phones fit in memory.  From a record: the names and dates
 * CUCM keeps.
 */
struct pt_fleet_cert {
	ptrust_fleet_evidence evidence;	/* NONE: the phone has none */
	unsigned char	*der;		/* the leaf */
	size_t		 der_len;
	uint32_t	*inter;		/* indexes into fleet->inter */
	uint32_t	 n_inter;
	char		*issuer;	/* the leaf's issuer as text */
	time_t		 not_after;	/* leaf, 0 unknown */
	time_t		 issuer_not_after; /* a record's issuer, 0 unknown */
	/* which issuer names the chain reaches for (memo key, evaluate.c) */
	uint64_t	 names_key;
	ptrust_presented claimed;	/* the kind the cluster knows it by, NONE: unknown */
	unsigned long	 names[8];
	uint32_t	 n_names;
};

struct pt_fleet_phone {
	char		*device;
	char		*model;
	char		*file;
	size_t		 line;
	unsigned	 load;		/* which load made it */
	struct pt_fleet_cert lsc, mic;
};

/* An intermediate sent by phones: kept decoded once, shared. */
struct pt_fleet_inter {
	X509		*x509;
	unsigned char	*der;
	size_t		 der_len;
	char		 sha256[65];
	/* what a leaf it issued is, when no anchor has the leaf's issuer's
	 * name: it depends on this certificate alone (inventory.c) */
	int		 kind_known;
	ptrust_presented kind;
};

struct pt_fleet_problem {
	ptrust_fleet_problem_code code;
	char		*file;
	size_t		 line;
	char		*device;
	char		*message;
};

/* A compact verdict: what the plan keeps of each judgment. */
struct pt_fv {
	int8_t		 ok;		/* 1 ok, 0 refused, -1 not judged */
	uint8_t		 kind;
	uint8_t		 presented;
	uint8_t		 evidence;	/* ptrust_fleet_evidence */
	uint16_t	 reason;
	uint16_t	 diagnosis;
	uint8_t		 judged;	/* made by this evaluation, not reused */
	time_t		 until;		/* end of the verdict's validity window */
	const ptrust_anchor *anchor;	/* in the side's snapshot */
	const char	*fix;		/* interned in the side */
};

/* Snapshots of one cluster for the four purposes, and their memo keys. */
struct pt_fleet_snaps {
	ptrust_store	*snap[4];	/* NULL: no store for the purpose */
	char		*why[4];	/* why not */
	ptrust_cluster	*cluster;	/* borrowed */
};

/* One side (before or after) of an evaluation. */
struct pt_fleet_side {
	atomic_int	 refs;
	time_t		 at;
	struct pt_fleet_snaps home, moved;
	unsigned char	*moved_phone;	/* 1: judged by moved (NULL: none) */
	struct pt_fv	*fv;		/* n_phones * PT_FJ_COUNT */
	uint64_t	*fp;		/* memo keys, the same shape; 0: none */
	uint64_t	*xfp;		/* the same without the store's name */
	size_t		 n_phones;
	/* interned fix texts */
	char		**fixes;
	size_t		 n_fixes, cap_fixes;
	pthread_mutex_t	 lock;
	uint64_t	 judged, reused;
	ptrust_options	*options;
	/* what applying the change did (NULL: before), owned */
	struct pt_applied *applied;
};

/* evaluate.c: the side of the fleet judged after change (NULL: before) */
ptrust_status pt_fleet_side_make(ptrust_fleet *f,
	    const ptrust_fleet_change *change, struct pt_fleet_side **out);
/* The check's judgment for phone p (PT_FJ_*), -1 when none is needed. */
int	 pt_fleet_check_judgment(const struct pt_fleet_phone *p,
	    ptrust_fleet_check check);
/* The full verdict of one judgment, made again (NULL: none). */
ptrust_status pt_fleet_rejudge(const ptrust_fleet *f,
	    const struct pt_fleet_side *s, size_t phone, int j,
	    ptrust_result **out);
/* plan.c: a plan's side */
struct pt_fleet_side *pt_fleet_plan_side(const ptrust_fleet_plan *p,
	    int side);
/* The purpose of a judgment. */
ptrust_cluster_purpose pt_fleet_judgment_purpose(int j);

struct ptrust_fleet {
	ptrust_cluster	*cluster;
	ptrust_options	*options;
	int		 threads;
	ptrust_fleet_progress_fn progress;
	void		*progress_arg;
	struct pt_fleet_phone *phones;
	size_t		 n_phones, cap_phones;
	/* device -> phone + 1, open addressing */
	size_t		*by_device;
	size_t		 by_device_cap;
	struct pt_fleet_inter *inter;
	size_t		 n_inter, cap_inter;
	struct pt_fleet_problem *problems;
	size_t		 n_problems, cap_problems;
	/* what the cluster trusts for callmanager-tls and capf: to classify */
	ptrust_store	*cls[2];
	unsigned	 load;		/* loads so far */
	/* the "before" side, made once, kept (evaluate.c) */
	struct pt_fleet_side *before;
	/* the side of the last what-if: a neighbour of the next one's */
	struct pt_fleet_side *last;
	char		 err[PT_ERRLEN];
};

/* fleet.c */
int	 pt_fleet_problem(ptrust_fleet *f, ptrust_fleet_problem_code code,
	    const char *file, size_t line, const char *device,
	    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A new phone slot for device, NULL when out of memory or a duplicate
 * (reported); *dup set then. */
struct pt_fleet_phone *pt_fleet_add(ptrust_fleet *f, const char *device,
	    const char *file, size_t line, int *dup);
/* Drop the last phone added (a row that turned out bad). */
void	 pt_fleet_drop_last(ptrust_fleet *f);
void	 pt_fleet_cert_clear(struct pt_fleet_cert *c);
/* An intermediate's index (added once, by DER); -1 out of memory. */
long	 pt_fleet_inter(ptrust_fleet *f, X509 *x);
/* The intermediate, or anchor of the classifying snapshots, whose bytes
 * these are (referenced), or NULL: no need to decode them again. */
X509	*pt_fleet_known(const void *f, const unsigned char *der, size_t len);
/* The issuer names a chain reaches for (memo key). */
void	 pt_fleet_cert_names(struct pt_fleet_cert *c, X509 *leaf,
	    STACK_OF(X509) *others);
void	 pt_fleet_forget(ptrust_fleet *f);
uint64_t pt_fleet_hash(const void *data, size_t len, uint64_t h);

/* inventory.c */
ptrust_status pt_fleet_load_dir(ptrust_fleet *f, const char *path);
ptrust_status pt_fleet_load_csv(ptrust_fleet *f, const char *data, size_t len,
	    const char *name);
ptrust_status pt_fleet_load_json(ptrust_fleet *f, const char *data,
	    size_t len, const char *name, ptrust_fleet_format format);
/* A record's issuer name matched to the anchors of the cluster. */
int	 pt_fleet_match_issuer(ptrust_cluster *c, const char *name,
	    const ptrust_anchor **out);
/* CSV and JSON dates; 0 when not a date. */
int	 pt_fleet_parse_date(const char *s, time_t *out);

/* evaluate.c */
void	 pt_fleet_side_unref(struct pt_fleet_side *s);
struct pt_fleet_side *pt_fleet_side_ref(struct pt_fleet_side *s);

/* json.c: a strict JSON reader (RFC 8259) for hostile input */
enum pt_json_type {
	PT_JSON_NULL = 0, PT_JSON_FALSE, PT_JSON_TRUE, PT_JSON_NUMBER,
	PT_JSON_STRING, PT_JSON_ARRAY, PT_JSON_OBJECT
};
struct pt_json {
	enum pt_json_type type;
	size_t		 line;		/* where the value starts */
	char		*str;		/* STRING (no NUL inside), NUMBER text */
	char		*key;		/* as a member of an object */
	struct pt_json	*child;		/* ARRAY, OBJECT: first */
	struct pt_json	*next;
	size_t		 n;		/* ARRAY, OBJECT: children */
};
#define PT_JSON_MAX_DEPTH	64
struct pt_json *pt_json_parse(const char *text, size_t len, char *err,
	    size_t errlen);
void	 pt_json_free(struct pt_json *v);
const struct pt_json *pt_json_get(const struct pt_json *obj, const char *key);
/* The string of member key, NULL when absent or not a string. */
const char *pt_json_string(const struct pt_json *obj, const char *key);

#endif
