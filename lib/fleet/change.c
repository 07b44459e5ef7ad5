/*
 * What-if changes: steps recorded by the caller, applied in order to
 * copies of the fleet's cluster (and a second cluster for a move).  What
 * was really added and removed, store by store, is kept for the plan's
 * order of operations.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "change.h"

ptrust_fleet_change *
ptrust_fleet_change_new(void)
{
	return pt_calloc(1, sizeof(ptrust_fleet_change));
}

void
ptrust_fleet_change_free(ptrust_fleet_change *c)
{
	size_t i, k;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_steps; i++) {
		struct pt_step *s = &c->steps[i];

		OPENSSL_free(s->store);
		OPENSSL_free(s->id);
		OPENSSL_free(s->data);
		OPENSSL_free(s->alias);
		for (k = 0; k < s->n_devices; k++)
			OPENSSL_free(s->devices[k]);
		OPENSSL_free(s->devices);
	}
	OPENSSL_free(c->steps);
	OPENSSL_free(c->text);
	OPENSSL_free(c);
}

const char *
ptrust_fleet_change_error(const ptrust_fleet_change *c)
{
	return c != NULL ? c->err : "no change";
}

static struct pt_step *
new_step(ptrust_fleet_change *c, enum pt_step_kind kind)
{
	struct pt_step *tmp;

	if (c->n_steps >= 1000) {
		pt_seterr(c->err, "more than 1000 steps");
		return NULL;
	}
	if ((tmp = OPENSSL_realloc(c->steps, (c->n_steps + 1) *
	    sizeof(*tmp))) == NULL) {
		pt_seterr(c->err, "out of memory");
		return NULL;
	}
	c->steps = tmp;
	memset(&tmp[c->n_steps], 0, sizeof(*tmp));
	tmp[c->n_steps].kind = kind;
	return &tmp[c->n_steps];
}

static int
dup_or_null(const char *s, char **out)
{
	*out = NULL;
	return s == NULL || (*out = OPENSSL_strdup(s)) != NULL;
}

static ptrust_status
commit(ptrust_fleet_change *c, struct pt_step *s, int ok)
{
	if (!ok) {
		OPENSSL_free(s->store);
		OPENSSL_free(s->id);
		OPENSSL_free(s->data);
		OPENSSL_free(s->alias);
		pt_seterr(c->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	c->n_steps++;
	return PTRUST_OK;
}

ptrust_status
ptrust_fleet_change_remove_anchor(ptrust_fleet_change *c, const char *store,
    const char *id)
{
	struct pt_step *s;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (store == NULL || id == NULL || !pt_alias_valid(store)) {
		pt_seterr(c->err, "need a store and an anchor");
		return PTRUST_ERR_ARG;
	}
	if ((s = new_step(c, PT_STEP_REMOVE)) == NULL)
		return PTRUST_ERR_NOMEM;
	return commit(c, s, dup_or_null(store, &s->store) &&
	    dup_or_null(id, &s->id));
}

static int
copy_data(struct pt_step *s, const void *data, size_t len)
{
	if (data == NULL)
		return 1;
	if ((s->data = OPENSSL_memdup(data, len > 0 ? len : 1)) == NULL)
		return 0;
	s->len = len;
	return 1;
}

ptrust_status
ptrust_fleet_change_add_anchor(ptrust_fleet_change *c, const char *store,
    const void *data, size_t len, const char *alias, ptrust_role role)
{
	struct pt_step *s;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (store == NULL || !pt_alias_valid(store) || data == NULL ||
	    len == 0 || len > PT_MAX_FILE || ptrust_role_name(role) == NULL) {
		pt_seterr(c->err, "need a store, a certificate and a role");
		return PTRUST_ERR_ARG;
	}
	if ((s = new_step(c, PT_STEP_ADD)) == NULL)
		return PTRUST_ERR_NOMEM;
	s->role = role;
	return commit(c, s, dup_or_null(store, &s->store) &&
	    dup_or_null(alias, &s->alias) && copy_data(s, data, len));
}

ptrust_status
ptrust_fleet_change_regenerate_capf(ptrust_fleet_change *c,
    const char *old_capf, const void *data, size_t len)
{
	struct pt_step *s;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (data != NULL && (len == 0 || len > PT_MAX_FILE)) {
		pt_seterr(c->err, "an empty or too large certificate");
		return PTRUST_ERR_ARG;
	}
	if ((s = new_step(c, PT_STEP_REGENERATE)) == NULL)
		return PTRUST_ERR_NOMEM;
	return commit(c, s, dup_or_null(old_capf, &s->id) &&
	    copy_data(s, data, len));
}

ptrust_status
ptrust_fleet_change_move(ptrust_fleet_change *c, const char *dir,
    const char *const *devices, size_t n)
{
	struct pt_step *s;
	size_t i;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (dir == NULL || (n > 0 && devices == NULL)) {
		pt_seterr(c->err, "need a cluster directory");
		return PTRUST_ERR_ARG;
	}
	for (i = 0; i < c->n_steps; i++)
		if (c->steps[i].kind == PT_STEP_MOVE) {
			pt_seterr(c->err, "one move per change");
			return PTRUST_ERR_ARG;
		}
	for (i = 0; i < n; i++)
		if (devices[i] == NULL) {
			pt_seterr(c->err, "a NULL device");
			return PTRUST_ERR_ARG;
		}
	if ((s = new_step(c, PT_STEP_MOVE)) == NULL)
		return PTRUST_ERR_NOMEM;
	if (!dup_or_null(dir, &s->store))
		return commit(c, s, 0);
	if (n > 0 && (s->devices = pt_calloc(n, sizeof(char *))) == NULL)
		return commit(c, s, 0);
	for (i = 0; i < n; i++) {
		if ((s->devices[i] = OPENSSL_strdup(devices[i])) == NULL) {
			for (; s->n_devices > 0; s->n_devices--)
				OPENSSL_free(s->devices[s->n_devices - 1]);
			OPENSSL_free(s->devices);
			return commit(c, s, 0);
		}
		s->n_devices++;
	}
	return commit(c, s, 1);
}

ptrust_status
ptrust_fleet_change_manufacturing_off(ptrust_fleet_change *c)
{
	struct pt_step *s;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if ((s = new_step(c, PT_STEP_MFG_OFF)) == NULL)
		return PTRUST_ERR_NOMEM;
	return commit(c, s, 1);
}

ptrust_status
ptrust_fleet_change_cisco_ca_off(ptrust_fleet_change *c, const char *id)
{
	struct pt_step *s;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (id == NULL) {
		pt_seterr(c->err, "need a CA");
		return PTRUST_ERR_ARG;
	}
	if ((s = new_step(c, PT_STEP_CISCO_OFF)) == NULL)
		return PTRUST_ERR_NOMEM;
	return commit(c, s, dup_or_null(id, &s->id));
}

ptrust_status
ptrust_fleet_change_set_time(ptrust_fleet_change *c, time_t at)
{
	struct pt_step *s;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if ((s = new_step(c, PT_STEP_TIME)) == NULL)
		return PTRUST_ERR_NOMEM;
	s->at = at;
	return commit(c, s, 1);
}

const char *
ptrust_fleet_change_describe(const ptrust_fleet_change *cc)
{
	ptrust_fleet_change *c = (ptrust_fleet_change *)cc;
	char buf[8192], line[1024], when[32], *esc;
	size_t i, off = 0, n;

	if (c == NULL)
		return NULL;
	buf[0] = '\0';
	for (i = 0; i < c->n_steps; i++) {
		const struct pt_step *s = &c->steps[i];

		switch (s->kind) {
		case PT_STEP_REMOVE:
			snprintf(line, sizeof(line), "remove %s from %s", s->id,
			    s->store);
			break;
		case PT_STEP_ADD:
			snprintf(line, sizeof(line), "add %s to %s as %s",
			    s->alias != NULL ? s->alias : "a certificate",
			    s->store, ptrust_role_name(s->role));
			break;
		case PT_STEP_REGENERATE:
			snprintf(line, sizeof(line), "regenerate CAPF: retire %s "
			    "from every store%s", s->id != NULL ? s->id :
			    "the CAPF certificate", s->data != NULL ?
			    ", add the new one" : "");
			break;
		case PT_STEP_MOVE:
			snprintf(line, sizeof(line), "move %s to the cluster %s",
			    s->n_devices == 0 ? "every phone" : "some phones",
			    s->store);
			break;
		case PT_STEP_MFG_OFF:
			snprintf(line, sizeof(line), "turn the manufacturing "
			    "CAs off");
			break;
		case PT_STEP_CISCO_OFF:
			snprintf(line, sizeof(line), "turn the Cisco CA %s off",
			    s->id);
			break;
		case PT_STEP_TIME:
			pt_format_time(s->at, when, sizeof(when));
			snprintf(line, sizeof(line), "judge on %s", when);
			break;
		}
		/* text from the caller is escaped, line by line */
		if ((esc = pt_text_escape(OPENSSL_strdup(line))) == NULL)
			return NULL;
		n = strlen(esc);
		if (off + n + 2 > sizeof(buf)) {
			OPENSSL_free(esc);
			break;
		}
		memcpy(buf + off, esc, n);
		off += n;
		buf[off++] = '\n';
		buf[off] = '\0';
		OPENSSL_free(esc);
	}
	OPENSSL_free(c->text);
	c->text = OPENSSL_strdup(buf);
	return c->text;
}

/* ----------------------------------------------------------- applying */

void
pt_applied_free(struct pt_applied *a)
{
	size_t i;

	if (a == NULL)
		return;
	ptrust_cluster_free(a->home);
	ptrust_cluster_free(a->moved);
	for (i = 0; i < a->n_ops; i++) {
		OPENSSL_free(a->ops[i].store);
		OPENSSL_free(a->ops[i].alias);
	}
	OPENSSL_free(a->ops);
	OPENSSL_free(a->moved_phone);
	OPENSSL_free(a);
}

static int
op(struct pt_applied *a, enum pt_step_kind kind, const char *store,
    const ptrust_anchor *anchor, const char *text)
{
	struct pt_op *tmp, *o;

	if ((tmp = OPENSSL_realloc(a->ops, (a->n_ops + 1) * sizeof(*tmp))) ==
	    NULL)
		return 0;
	a->ops = tmp;
	o = &tmp[a->n_ops];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	if (anchor != NULL) {
		memcpy(o->sha256, anchor->sha256, sizeof(o->sha256));
		o->role = anchor->role;
	}
	if ((store != NULL && (o->store = OPENSSL_strdup(store)) == NULL) ||
	    (o->alias = OPENSSL_strdup(anchor != NULL ? anchor->alias :
	    text != NULL ? text : "")) == NULL) {
		OPENSSL_free(o->store);
		return 0;
	}
	a->n_ops++;
	return 1;
}

#define NOMEM(a)	(pt_seterr((a)->err, "out of memory"), PTRUST_ERR_NOMEM)

static ptrust_status
remove_from(struct pt_applied *a, ptrust_cluster *c, const char *store,
    const char *id, int record)
{
	ptrust_builder *b = ptrust_cluster_store(c, store, 0);
	const ptrust_anchor *an;
	ptrust_anchor *keep;
	ptrust_status st;

	if (b == NULL || (an = ptrust_builder_find(b, id)) == NULL) {
		pt_seterr(a->err, "no anchor \"%s\" in store %s", id, store);
		return PTRUST_ERR_NOT_FOUND;
	}
	if ((keep = pt_anchor_ref((ptrust_anchor *)an)) == NULL)
		return NOMEM(a);
	if ((st = ptrust_builder_remove(b, id)) != PTRUST_OK) {
		pt_seterr(a->err, "%s", ptrust_builder_error(b));
		pt_anchor_unref(keep);
		return st;
	}
	if (record && !op(a, PT_STEP_REMOVE, store, keep, NULL)) {
		pt_anchor_unref(keep);
		return NOMEM(a);
	}
	pt_anchor_unref(keep);
	return PTRUST_OK;
}

static ptrust_status
add_to(struct pt_applied *a, ptrust_cluster *c, const char *store,
    const void *data, size_t len, const char *alias, ptrust_role role,
    int record)
{
	ptrust_builder *b = ptrust_cluster_store(c, store, 0);
	const ptrust_anchor *an;
	const char *got, *other;
	ptrust_status st;

	if (b == NULL) {
		pt_seterr(a->err, "no store %s", store);
		return PTRUST_ERR_NOT_FOUND;
	}
	if ((st = ptrust_builder_add_mem(b, data, len, alias, role)) !=
	    PTRUST_OK) {
		pt_seterr(a->err, "%s: %s", store, ptrust_builder_error(b));
		return st;
	}
	if (!record || ptrust_builder_change_count(b) == 0)
		return PTRUST_OK;
	ptrust_builder_change(b, 0, &got, &other);
	if ((an = ptrust_builder_find(b, got)) != NULL &&
	    !op(a, PT_STEP_ADD, store, an, NULL))
		return NOMEM(a);
	return PTRUST_OK;
}

/* The CAPF certificate to retire: named, or capf-trust's only CAPF. */
static ptrust_status
old_capf(struct pt_applied *a, ptrust_cluster *c, const char *id,
    char sha[65])
{
	ptrust_builder *b;
	const ptrust_anchor *an, *found = NULL;
	size_t i, s;

	if (id != NULL) {
		for (s = 0; s < ptrust_cluster_store_count(c); s++)
			if ((b = ptrust_cluster_store(c,
			    ptrust_cluster_store_name(c, s), 0)) != NULL &&
			    (an = ptrust_builder_find(b, id)) != NULL) {
				memcpy(sha, an->sha256, 65);
				return PTRUST_OK;
			}
		pt_seterr(a->err, "no anchor \"%s\" in any store", id);
		return PTRUST_ERR_NOT_FOUND;
	}
	if ((b = ptrust_cluster_store(c, "capf-trust", 0)) == NULL)
		return NOMEM(a);
	for (i = 0; i < ptrust_builder_anchor_count(b); i++) {
		an = ptrust_builder_anchor(b, i);
		if (an->role != PTRUST_ROLE_CAPF)
			continue;
		if (found != NULL) {
			pt_seterr(a->err, "capf-trust holds several CAPF "
			    "certificates (%s, %s): name the one to retire",
			    found->alias, an->alias);
			return PTRUST_ERR_ARG;
		}
		found = an;
	}
	if (found == NULL) {
		pt_seterr(a->err, "capf-trust holds no CAPF certificate to "
		    "retire");
		return PTRUST_ERR_NOT_FOUND;
	}
	memcpy(sha, found->sha256, 65);
	return PTRUST_OK;
}

static ptrust_status
regenerate(struct pt_applied *a, ptrust_cluster *c, const struct pt_step *s,
    int record)
{
	char sha[65], name[PT_MAX_ALIAS + 1];
	ptrust_anchor *old;
	ptrust_builder *b;
	ptrust_status st;
	size_t i, n;
	int held = 0;

	if ((st = old_capf(a, c, s->id, sha)) != PTRUST_OK)
		return st;
	n = ptrust_cluster_store_count(c);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s",
		    ptrust_cluster_store_name(c, i));
		if ((b = ptrust_cluster_store(c, name, 0)) == NULL)
			return NOMEM(a);
		if (ptrust_builder_find(b, sha) == NULL)
			continue;
		held = 1;
		if ((old = pt_anchor_ref((ptrust_anchor *)ptrust_builder_find(b,
		    sha))) == NULL)
			return NOMEM(a);
		/* the new one first, as the safe order wants it */
		if (s->data != NULL && (st = add_to(a, c, name, s->data,
		    s->len, NULL, PTRUST_ROLE_CAPF, record)) != PTRUST_OK) {
			pt_anchor_unref(old);
			return st;
		}
		/* it may have replaced the old one already (same subject) */
		if (ptrust_builder_find(b, sha) != NULL &&
		    ptrust_builder_remove(b, sha) != PTRUST_OK) {
			pt_seterr(a->err, "%s", ptrust_builder_error(b));
			pt_anchor_unref(old);
			return PTRUST_ERR_INTERNAL;
		}
		if (record && !op(a, PT_STEP_REMOVE, name, old, NULL)) {
			pt_anchor_unref(old);
			return NOMEM(a);
		}
		pt_anchor_unref(old);
	}
	if (!held) {
		pt_seterr(a->err, "no store holds the CAPF certificate %s",
		    sha);
		return PTRUST_ERR_NOT_FOUND;
	}
	/* a new CAPF will issue LSCs, even if its certificate is not known */
	if (s->data == NULL)
		a->pending_issuer = 1;
	return PTRUST_OK;
}

/* One step on one cluster; record: keep what it did for the plan. */
static ptrust_status
apply_one(struct pt_applied *a, ptrust_cluster *c, const struct pt_step *s,
    int record)
{
	ptrust_status st;

	switch (s->kind) {
	case PT_STEP_REMOVE:
		return remove_from(a, c, s->store, s->id, record);
	case PT_STEP_ADD:
		return add_to(a, c, s->store, s->data, s->len, s->alias,
		    s->role, record);
	case PT_STEP_REGENERATE:
		return regenerate(a, c, s, record);
	case PT_STEP_MFG_OFF:
		if (record && !op(a, PT_STEP_MFG_OFF, "manufacturing-ca", NULL,
		    "the manufacturing CAs"))
			return NOMEM(a);
		return ptrust_cluster_set_manufacturing_trusted(c, 0);
	case PT_STEP_CISCO_OFF:
		if ((st = ptrust_cluster_set_cisco_ca_enabled(c, s->id, 0)) !=
		    PTRUST_OK) {
			pt_seterr(a->err, "%s", ptrust_cluster_error(c));
			return st;
		}
		if (record && !op(a, PT_STEP_CISCO_OFF, "manufacturing-ca",
		    NULL, s->id))
			return NOMEM(a);
		return PTRUST_OK;
	default:
		return PTRUST_OK;
	}
}

ptrust_status
pt_change_apply(ptrust_fleet *f, const ptrust_fleet_change *c,
    struct pt_applied **out)
{
	struct pt_applied *a;
	ptrust_status st = PTRUST_OK;
	size_t i, k;
	long p;

	*out = NULL;
	if ((a = pt_calloc(1, sizeof(*a))) == NULL)
		return PTRUST_ERR_NOMEM;
	if ((a->home = ptrust_cluster_copy(f->cluster)) == NULL) {
		pt_seterr(a->err, "cannot copy the cluster: %s",
		    ptrust_cluster_error(f->cluster));
		pt_applied_free(a);
		return PTRUST_ERR_NOMEM;
	}
	for (i = 0; st == PTRUST_OK && i < c->n_steps; i++) {
		const struct pt_step *s = &c->steps[i];

		if (s->kind == PT_STEP_TIME) {
			a->has_time = 1;
			a->at = s->at;
			if (!op(a, PT_STEP_TIME, NULL, NULL, "date"))
				st = NOMEM(a);
			continue;
		}
		if (s->kind == PT_STEP_MOVE) {
			if ((a->moved = ptrust_cluster_new()) == NULL) {
				st = NOMEM(a);
				break;
			}
			if ((st = ptrust_cluster_load_dir(a->moved, s->store)) !=
			    PTRUST_OK) {
				pt_seterr(a->err, "%s",
				    ptrust_cluster_error(a->moved));
				break;
			}
			if ((a->moved_phone = pt_calloc(f->n_phones > 0 ?
			    f->n_phones : 1, 1)) == NULL) {
				st = NOMEM(a);
				break;
			}
			for (k = 0; k < f->n_phones && s->n_devices == 0; k++)
				a->moved_phone[k] = 1;
			for (k = 0; k < s->n_devices; k++) {
				if ((p = ptrust_fleet_find_phone(f,
				    s->devices[k])) < 0) {
					pt_seterr(a->err, "no phone %s in the "
					    "fleet", s->devices[k]);
					st = PTRUST_ERR_NOT_FOUND;
					break;
				}
				a->moved_phone[p] = 1;
			}
			if (st == PTRUST_OK && !op(a, PT_STEP_MOVE, NULL, NULL,
			    s->store))
				st = NOMEM(a);
			continue;
		}
		/* later steps change both clusters; the plan lists the home's */
		st = apply_one(a, a->home, s, 1);
		if (st == PTRUST_OK && a->moved != NULL)
			st = apply_one(a, a->moved, s, 0);
	}
	if (st != PTRUST_OK) {
		if (st == PTRUST_ERR_NOMEM && a->err[0] == '\0')
			pt_seterr(a->err, "out of memory");
		*out = a;	/* for its message */
		return st;
	}
	*out = a;
	return PTRUST_OK;
}
