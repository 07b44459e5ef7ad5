/* What-if steps (change.c) and what applying them did. */
#ifndef PTRUST_FLEET_CHANGE_H
#define PTRUST_FLEET_CHANGE_H

#include "fleet.h"

enum pt_step_kind {
	PT_STEP_REMOVE = 1, PT_STEP_ADD, PT_STEP_REGENERATE, PT_STEP_MOVE,
	PT_STEP_MFG_OFF, PT_STEP_CISCO_OFF, PT_STEP_TIME
};

struct pt_step {
	enum pt_step_kind kind;
	char		*store;		/* MOVE: the directory */
	char		*id;		/* alias or SHA-256 */
	unsigned char	*data;
	size_t		 len;
	char		*alias;
	ptrust_role	 role;
	char		**devices;
	size_t		 n_devices;
	time_t		 at;
};

struct ptrust_fleet_change {
	struct pt_step	*steps;
	size_t		 n_steps;
	char		*text;
	char		 err[PT_ERRLEN];
};

/* One thing applying did, for the plan: an anchor added to or removed
 * from a store, or another kind of step. */
struct pt_op {
	enum pt_step_kind kind;
	char		*store;
	char		*alias;		/* the anchor's, or the step's words */
	char		 sha256[65];
	ptrust_role	 role;
};

struct pt_applied {
	ptrust_cluster	*home;		/* the fleet's cluster, changed */
	ptrust_cluster	*moved;		/* the cluster moved to, NULL: none */
	unsigned char	*moved_phone;	/* per phone, 1: judged by moved */
	int		 has_time;
	time_t		 at;
	int		 pending_issuer; /* a new CAPF, its certificate not given */
	struct pt_op	*ops;
	size_t		 n_ops;
	char		 err[PT_ERRLEN];
};

/* *out is set on failure too when memory allowed, for its err. */
ptrust_status pt_change_apply(ptrust_fleet *f, const ptrust_fleet_change *c,
	    struct pt_applied **out);
void	 pt_applied_free(struct pt_applied *a);

#endif
