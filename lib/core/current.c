/*
 * The current snapshot of a store, replaced while threads validate.  A
 * validation takes a reference to the snapshot current when it starts and
 * keeps it: snapshots are immutable, so it sees one store whole, old or
 * new.  The lock covers only taking a reference and swapping the pointer.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "internal.h"	/* the public headers, exported */

struct ptrust_current {
	pthread_mutex_t	 lock;
	ptrust_store	*store;
	uint64_t	 publications;
};

ptrust_current *
ptrust_current_new(ptrust_store *initial)
{
	ptrust_current *c;

	if (initial == NULL || (c = pt_calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		OPENSSL_free(c);
		return NULL;
	}
	c->store = ptrust_store_ref(initial);
	return c;
}

void
ptrust_current_free(ptrust_current *c)
{
	if (c == NULL)
		return;
	ptrust_store_unref(c->store);
	pthread_mutex_destroy(&c->lock);
	OPENSSL_free(c);
}

ptrust_store *
ptrust_current_get(ptrust_current *c)
{
	ptrust_store *s;

	if (c == NULL)
		return NULL;
	pthread_mutex_lock(&c->lock);
	s = ptrust_store_ref(c->store);
	pthread_mutex_unlock(&c->lock);
	return s;
}

ptrust_status
ptrust_current_publish(ptrust_current *c, ptrust_store *next)
{
	ptrust_store *old;

	if (c == NULL || next == NULL)
		return PTRUST_ERR_ARG;
	ptrust_store_ref(next);
	pthread_mutex_lock(&c->lock);
	old = c->store;
	c->store = next;
	c->publications++;
	pthread_mutex_unlock(&c->lock);
	ptrust_store_unref(old);	/* freed when its last validation ends */
	return PTRUST_OK;
}

uint64_t
ptrust_current_publications(ptrust_current *c)
{
	uint64_t n;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	n = c->publications;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/*
 * The same anchors, by fingerprint, role and alias, in the same order,
 * under the same names (the store's and, for a purpose's merged
 * snapshot, the store its manufacturing CAs come from): every verdict
 * against one is the verdict against the other.
 */
int
pt_store_same(const ptrust_store *a, const ptrust_store *b)
{
	size_t i, n = ptrust_store_anchor_count(a);

	if (n != ptrust_store_anchor_count(b) ||
	    strcmp(ptrust_store_name(a), ptrust_store_name(b)) != 0 ||
	    a->n_own != b->n_own || (a->extra_name == NULL) !=
	    (b->extra_name == NULL) || (a->extra_name != NULL &&
	    strcmp(a->extra_name, b->extra_name) != 0))
		return 0;
	for (i = 0; i < n; i++) {
		const ptrust_anchor *x = ptrust_store_anchor(a, i);
		const ptrust_anchor *y = ptrust_store_anchor(b, i);

		if (strcmp(ptrust_anchor_sha256(x), ptrust_anchor_sha256(y)) !=
		    0 || ptrust_anchor_role(x) != ptrust_anchor_role(y) ||
		    strcmp(ptrust_anchor_alias(x), ptrust_anchor_alias(y)) != 0)
			return 0;
	}
	return 1;
}

ptrust_status
ptrust_current_reload(ptrust_current *c, ptrust_cluster *cluster,
    const char *dir, ptrust_cluster_purpose purpose, int *changed)
{
	ptrust_store *next = NULL, *now;
	ptrust_status st;
	int differs;

	if (changed != NULL)
		*changed = 0;
	if (c == NULL || cluster == NULL || dir == NULL)
		return PTRUST_ERR_ARG;
	/* a cluster that fails to load keeps its old content: nothing moves */
	if ((st = ptrust_cluster_load_dir(cluster, dir)) != PTRUST_OK ||
	    (st = ptrust_cluster_snapshot(cluster, purpose, &next)) !=
	    PTRUST_OK)
		return st;
	now = ptrust_current_get(c);
	differs = !pt_store_same(now, next);
	ptrust_store_unref(now);
	if (differs && (st = ptrust_current_publish(c, next)) == PTRUST_OK &&
	    changed != NULL)
		*changed = 1;
	ptrust_store_unref(next);
	return st;
}
