/*
 * The store builder: a mutable set of anchors with CUCM's rules (one
 * certificate per subject, a newer notBefore replaces the older).  A call
 * changes the anchors in place and undoes what it did if an item fails,
 * so a failed call leaves the builder as it was; hash tables by
 * fingerprint, subject and alias keep each item's lookups from walking
 * every anchor (10,000 anchors added one at a time must stay fast).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "internal.h"
#include "builder.h"

ptrust_builder *
ptrust_builder_new(const char *name)
{
	ptrust_builder *b;

	if (!pt_alias_valid(name))
		return NULL;
	if ((b = pt_calloc(1, sizeof(*b))) == NULL)
		return NULL;
	if ((b->name = OPENSSL_strdup(name)) == NULL) {
		OPENSSL_free(b);
		return NULL;
	}
	return b;
}

ptrust_builder *
ptrust_builder_new_from_store(const ptrust_store *store)
{
	ptrust_builder *b;
	size_t i;

	if (store == NULL || (b = ptrust_builder_new(store->name)) == NULL)
		return NULL;
	if (store->n_anchors > 0) {
		b->anchors = pt_calloc(store->n_anchors, sizeof(*b->anchors));
		if (b->anchors == NULL) {
			ptrust_builder_free(b);
			return NULL;
		}
	}
	for (i = 0; i < store->n_anchors; i++)
		b->anchors[i] = pt_anchor_ref(store->anchors[i]);
	b->n_anchors = b->cap_anchors = store->n_anchors;
	return b;
}

static void
free_anchor_array(ptrust_anchor **a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pt_anchor_unref(a[i]);
	OPENSSL_free(a);
}

static void
free_changes(struct pt_change *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		OPENSSL_free(c[i].alias);
		OPENSSL_free(c[i].other_alias);
	}
	OPENSSL_free(c);
}

void
pt_builder_clear_changes(ptrust_builder *b)
{
	free_changes(b->changes, b->n_changes);
	b->changes = NULL;
	b->n_changes = 0;
}

void
ptrust_builder_free(ptrust_builder *b)
{
	if (b == NULL)
		return;
	free_anchor_array(b->anchors, b->n_anchors);
	OPENSSL_free(b->index);
	pt_builder_clear_changes(b);
	OPENSSL_free(b->name);
	OPENSSL_free(b);
}

const char *
ptrust_builder_error(const ptrust_builder *b)
{
	return b != NULL ? b->err : "no builder";
}

const char *
ptrust_builder_name(const ptrust_builder *b)
{
	return b != NULL ? b->name : NULL;
}

/*
 * Lookup tables: where the anchor with a given fingerprint, subject or
 * alias is, without a walk over every anchor.  Open addressing, at most
 * half full.  A slot is only a hint: a position counts when it is below
 * n_anchors and the anchor there really has the key, so entries are never
 * deleted (a replaced or rolled back anchor leaves a harmless stale one)
 * and a lookup that goes on to the end of its run finds every match.
 */
enum { BY_FP, BY_SUBJECT, BY_ALIAS, N_INDEX };

#define NO_POS	((size_t)-1)

static size_t
hash_fp(const char *sha256)
{
	size_t h = 0;
	int i;

	/* A digest already: its first hex digits are hash enough. */
	for (i = 0; i < 16; i++)
		h = h * 16 + (size_t)(sha256[i] <= '9' ? sha256[i] - '0' :
		    sha256[i] - 'a' + 10);
	return h;
}

static size_t
hash_alias(const char *s)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static size_t
key_hash(const ptrust_anchor *a, int which)
{
	switch (which) {
	case BY_FP:
		return hash_fp(a->sha256);
	case BY_SUBJECT:
		return (size_t)a->subject_hash;
	default:
		return hash_alias(a->alias);
	}
}

/* key: a fingerprint, an X509_NAME or an alias. */
static int
key_match(const ptrust_anchor *a, int which, const void *key)
{
	switch (which) {
	case BY_FP:
		return strcmp(a->sha256, key) == 0;
	case BY_SUBJECT:
		/* canonical comparison: equal names also hash alike */
		return X509_NAME_cmp(X509_get_subject_name(a->x509), key) == 0;
	default:
		return strcmp(a->alias, key) == 0;
	}
}

/* The first position (in anchor order) other than skip with the key, or -1. */
static ssize_t
index_find(const ptrust_builder *b, int which, size_t hash, const void *key,
    size_t skip)
{
	const struct pt_slot *t = b->index + (size_t)which * b->index_cap;
	size_t mask = b->index_cap - 1, i, pos;
	ssize_t best = -1;

	for (i = hash & mask; t[i].pos != 0; i = (i + 1) & mask) {
		pos = t[i].pos - 1;
		if (t[i].hash != hash || pos >= b->n_anchors || pos == skip ||
		    (best >= 0 && pos >= (size_t)best))
			continue;
		if (key_match(b->anchors[pos], which, key))
			best = (ssize_t)pos;
	}
	return best;
}

/* The anchor at pos, in every table.  Room was made by index_reserve. */
static void
index_add(ptrust_builder *b, size_t pos)
{
	struct pt_slot *t;
	size_t mask = b->index_cap - 1, h, i;
	int which;

	for (which = 0; which < N_INDEX; which++) {
		t = b->index + (size_t)which * b->index_cap;
		h = key_hash(b->anchors[pos], which);
		for (i = h & mask; t[i].pos != 0; i = (i + 1) & mask)
			if (t[i].hash == h && t[i].pos == pos + 1)
				break;	/* there already */
		t[i].hash = h;
		t[i].pos = pos + 1;
	}
	b->index_used++;
}

/*
 * Room for more entries in every table.  Only before a change: a rebuild
 * keeps the anchors there now, not those a rollback would bring back.
 */
static int
index_reserve(ptrust_builder *b, size_t more)
{
	struct pt_slot *t;
	size_t cap, i;

	if (b->index != NULL && !b->index_stale &&
	    more <= b->index_cap / 2 - b->index_used)
		return 1;
	/* Rebuilt from scratch, stale entries gone, with room to grow. */
	if (more > SIZE_MAX / 512 - b->n_anchors)
		return 0;
	for (cap = 16; cap < 4 * (b->n_anchors + more); cap *= 2)
		;
	if ((t = pt_calloc(N_INDEX * cap, sizeof(*t))) == NULL)
		return 0;
	OPENSSL_free(b->index);
	b->index = t;
	b->index_cap = cap;
	b->index_used = 0;
	b->index_stale = 0;
	for (i = 0; i < b->n_anchors; i++)
		index_add(b, i);
	return 1;
}

static int
alias_taken(const ptrust_builder *b, const char *alias, size_t skip)
{
	return index_find(b, BY_ALIAS, hash_alias(alias), alias, skip) >= 0;
}

/*
 * A call in progress: the changes made to the builder's array in place, to
 * put back in reverse if a later item fails, and the change log.
 */
struct pending {
	struct undo {
		size_t		 pos;
		ptrust_anchor	*old;	/* what was there */
	}		*undo;
	size_t		 nundo;
	size_t		 n_before;	/* anchors beyond it were added */
	int		 check_cisco;	/* refuse look-alikes of Cisco's CAs */
	struct pt_change *c;
	size_t		 nc, capc;
};

static int
anchors_reserve(ptrust_builder *b, size_t more)
{
	ptrust_anchor **a;
	size_t cap;

	if (more <= b->cap_anchors - b->n_anchors)
		return 1;
	if (more > SIZE_MAX / 2 / sizeof(*a) - b->n_anchors)
		return 0;
	cap = (b->n_anchors + more) * 2;
	if ((a = OPENSSL_realloc(b->anchors, cap * sizeof(*a))) == NULL)
		return 0;
	b->anchors = a;
	b->cap_anchors = cap;
	return 1;
}

static int
pending_log(struct pending *p, ptrust_change_kind kind, const char *alias,
    const char *other)
{
	struct pt_change *c;

	if (p->nc == p->capc) {
		size_t cap = p->capc ? p->capc * 2 : 8;

		if ((c = OPENSSL_realloc(p->c, cap * sizeof(*c))) == NULL)
			return 0;
		p->c = c;
		p->capc = cap;
	}
	c = &p->c[p->nc];
	c->kind = kind;
	c->alias = OPENSSL_strdup(alias);
	c->other_alias = other != NULL ? OPENSSL_strdup(other) : NULL;
	if (c->alias == NULL || (other != NULL && c->other_alias == NULL)) {
		OPENSSL_free(c->alias);
		OPENSSL_free(c->other_alias);
		return 0;
	}
	p->nc++;
	return 1;
}

/* The builder as it was when the call began. */
static void
pending_rollback(ptrust_builder *b, struct pending *p)
{
	struct undo *u;

	while (p->nundo > 0) {
		u = &p->undo[--p->nundo];
		pt_anchor_unref(b->anchors[u->pos]);
		b->anchors[u->pos] = u->old;
	}
	while (b->n_anchors > p->n_before)
		pt_anchor_unref(b->anchors[--b->n_anchors]);
}

/*
 * "<name>-<digits of fp>", the name's first n characters cut to fit
 * PT_MAX_ALIAS; alias is freed.  NULL when out of memory.
 */
static char *
with_fingerprint(char *alias, size_t n, int digits, const char *fp)
{
	size_t room = PT_MAX_ALIAS - 1 - (size_t)digits;
	char *tmp;

	if (n > room)
		n = room;
	if ((tmp = OPENSSL_malloc(n + (size_t)digits + 2)) != NULL)
		snprintf(tmp, n + (size_t)digits + 2, "%.*s-%.*s", (int)n,
		    alias, digits, fp);
	OPENSSL_free(alias);
	return tmp;
}

/* Chooses the alias for a new certificate; NULL with err set on failure. */
static char *
pick_alias(const ptrust_builder *b, const struct pt_item *it, size_t skip,
    const char *fp, ptrust_status *st, char *err)
{
	char *alias = NULL, *cn;
	size_t n;

	if (it->alias != NULL && it->explicit_alias) {
		if (alias_taken(b, it->alias, skip)) {
			pt_seterr(err, "alias %s already names another "
			    "certificate", it->alias);
			*st = PTRUST_ERR_EXISTS;
			return NULL;
		}
		if ((alias = OPENSSL_strdup(it->alias)) == NULL)
			goto nomem;
		return alias;
	}
	if (it->alias != NULL) {
		if ((alias = OPENSSL_strdup(it->alias)) == NULL)
			goto nomem;
	} else {
		switch (pt_subject_cn(it->x509, &cn)) {
		case -1:
			goto nomem;
		case 1: {
			char buf[PT_MAX_ALIAS + 1];
			int usable = pt_alias_from_text(cn, buf);

			OPENSSL_free(cn);
			if (usable && (alias = OPENSSL_strdup(buf)) == NULL)
				goto nomem;
			break;
		}
		}
	}
	if (alias == NULL) {
		if ((alias = OPENSSL_malloc(16)) == NULL)
			goto nomem;
		snprintf(alias, 16, "anchor-%.8s", fp);
	}
	if (alias_taken(b, alias, skip)) {
		/*
		 * A derived name collides: make it unique with the fingerprint,
		 * its first 8 digits, or all 64 if even that name is taken.
		 */
		n = strlen(alias);
		if ((alias = with_fingerprint(alias, n, 8, fp)) == NULL)
			goto nomem;
		if (alias_taken(b, alias, skip) &&
		    (alias = with_fingerprint(alias, n, 64, fp)) == NULL)
			goto nomem;
		if (alias_taken(b, alias, skip)) {
			pt_seterr(err, "alias %s already names another "
			    "certificate; give this one an alias of its own",
			    alias);
			OPENSSL_free(alias);
			*st = PTRUST_ERR_EXISTS;
			return NULL;
		}
	}
	return alias;
nomem:
	pt_seterr(err, "out of memory");
	*st = PTRUST_ERR_NOMEM;
	return NULL;
}

/*
 * One item, on the builder's own array.  It changes the builder only once
 * nothing more can fail, and only in ways p can undo.
 */
static ptrust_status
stage_one(ptrust_builder *b, struct pending *p, const struct pt_item *it,
    char *err)
{
	ptrust_status st = PTRUST_ERR_NOMEM;
	ptrust_anchor *a = NULL, *probe, *old;
	X509_NAME *subject = X509_get_subject_name(it->x509);
	char *alias = NULL;
	ssize_t i;

	/* Probe anchor: fingerprint and role computed once, alias fixed later. */
	if ((probe = pt_anchor_new(it->x509, "probe", it->role)) == NULL) {
		pt_seterr_ssl(err, "cannot import certificate");
		return PTRUST_ERR_NOMEM;
	}
	if ((i = index_find(b, BY_FP, hash_fp(probe->sha256), probe->sha256,
	    NO_POS)) >= 0) {
		st = pending_log(p, PTRUST_CHANGE_UNCHANGED,
		    b->anchors[i]->alias, NULL) ? PTRUST_OK : PTRUST_ERR_NOMEM;
		goto done;
	}
	/*
	 * Under a Cisco CA's name with another key it would replace Cisco's
	 * CA (newer wins) or pass for it: only when the caller says so.
	 */
	if (p->check_cisco) {
		switch (pt_cisco_lookalike(it->x509, probe->subject_hash,
		    probe->sha256)) {
		case -1:
			goto done;
		case 1:
			pt_seterr(err, "%s has the subject of one of Cisco's "
			    "built-in CAs but not Cisco's key: refused, it "
			    "would replace or pass for Cisco's CA; allow it "
			    "explicitly only if you mean to", probe->subject);
			st = PTRUST_ERR_ARG;
			goto done;
		}
	}
	if ((i = index_find(b, BY_SUBJECT, (size_t)probe->subject_hash,
	    subject, NO_POS)) >= 0) {
		old = b->anchors[i];
		if (ASN1_TIME_compare(X509_get0_notBefore(it->x509),
		    X509_get0_notBefore(old->x509)) <= 0) {
			if ((alias = pick_alias(b, it, (size_t)i,
			    probe->sha256, &st, err)) == NULL)
				goto done;
			st = pending_log(p, PTRUST_CHANGE_KEPT_EXISTING, alias,
			    old->alias) ? PTRUST_OK : PTRUST_ERR_NOMEM;
			goto done;
		}
		/* CUCM's rule: the newer certificate of a subject wins. */
		if (it->explicit_alias) {
			if ((alias = pick_alias(b, it, (size_t)i,
			    probe->sha256, &st, err)) == NULL)
				goto done;
		} else if ((alias = OPENSSL_strdup(old->alias)) == NULL)
			goto done;
		/* A role the administrator gave the old certificate carries over. */
		if ((a = pt_anchor_with(probe, alias, it->role == PTRUST_ROLE_AUTO ?
		    old->role : PTRUST_ROLE_AUTO)) == NULL)
			goto done;
		if (!pending_log(p, PTRUST_CHANGE_REPLACED, alias,
		    old->alias)) {
			pt_anchor_unref(a);
			goto done;
		}
		/* pt_builder_apply made room for one undo per item */
		p->undo[p->nundo].pos = (size_t)i;
		p->undo[p->nundo].old = old;
		p->nundo++;
		b->anchors[i] = a;
		index_add(b, (size_t)i);
		st = PTRUST_OK;
		goto done;
	}
	if (b->n_anchors >= PT_MAX_ANCHORS) {
		pt_seterr(err, "store %s would hold more than %d anchors",
		    b->name, PT_MAX_ANCHORS);
		st = PTRUST_ERR_ARG;
		goto done;
	}
	if ((alias = pick_alias(b, it, NO_POS, probe->sha256, &st,
	    err)) == NULL)
		goto done;
	st = PTRUST_ERR_NOMEM;
	if ((a = pt_anchor_with(probe, alias, PTRUST_ROLE_AUTO)) == NULL)
		goto done;
	if (!pending_log(p, PTRUST_CHANGE_ADDED, alias, NULL)) {
		pt_anchor_unref(a);
		goto done;
	}
	/* ... and room for one more anchor per item */
	b->anchors[b->n_anchors] = a;
	index_add(b, b->n_anchors);
	b->n_anchors++;
	st = PTRUST_OK;
done:
	if (st == PTRUST_ERR_NOMEM && err[0] == '\0')
		pt_seterr(err, "out of memory");
	OPENSSL_free(alias);
	pt_anchor_unref(probe);
	return st;
}

/*
 * Applies items to the builder (or, with replace_all, to an empty set
 * that then replaces the builder's content).  All or nothing: the changes
 * are made in place and undone if an item fails.
 */
ptrust_status
pt_builder_apply(ptrust_builder *b, const struct pt_item *items, size_t n,
    int replace_all)
{
	struct pending p;
	ptrust_anchor **kept = NULL, **fresh;
	size_t n_kept = 0, cap_kept = 0, i, j;
	ptrust_status st;

	memset(&p, 0, sizeof(p));
	b->err[0] = '\0';
	/* a loaded store is as its owner saved it; lint reports look-alikes */
	p.check_cisco = !replace_all && !b->replace_cisco_ca;
	pt_builder_clear_changes(b);	/* the list describes this call only */
	/* Each item adds or replaces at most one anchor: make room for all. */
	if ((p.undo = pt_calloc(n, sizeof(*p.undo))) == NULL ||
	    !index_reserve(b, n))
		goto nomem;
	if (replace_all) {
		/* The old set aside, to come back if an item fails. */
		if ((fresh = pt_calloc(n, sizeof(*fresh))) == NULL)
			goto nomem;
		kept = b->anchors;
		n_kept = b->n_anchors;
		cap_kept = b->cap_anchors;
		b->anchors = fresh;
		b->n_anchors = 0;
		b->cap_anchors = n;
	} else if (!anchors_reserve(b, n))
		goto nomem;
	p.n_before = b->n_anchors;
	for (i = 0; i < n; i++) {
		if ((st = stage_one(b, &p, &items[i], b->err)) != PTRUST_OK) {
			if (items[i].what != NULL) {
				char tmp[PT_ERRLEN];

				snprintf(tmp, sizeof(tmp), "%s", b->err);
				pt_seterr(b->err, "%s: %s", items[i].what, tmp);
			}
			pending_rollback(b, &p);
			if (replace_all) {
				OPENSSL_free(b->anchors);
				b->anchors = kept;
				b->n_anchors = n_kept;
				b->cap_anchors = cap_kept;
			}
			free_changes(p.c, p.nc);
			OPENSSL_free(p.undo);
			return st;
		}
	}
	for (j = 0; j < p.nundo; j++)
		pt_anchor_unref(p.undo[j].old);
	if (replace_all)
		free_anchor_array(kept, n_kept);
	OPENSSL_free(p.undo);
	b->changes = p.c;
	b->n_changes = p.nc;
	return PTRUST_OK;
nomem:
	OPENSSL_free(p.undo);
	pt_seterr(b->err, "out of memory");
	return PTRUST_ERR_NOMEM;
}

/* Parses PEM (any number) or DER (one) certificates into a fresh stack. */
ptrust_status
pt_parse_certs(const unsigned char *data, size_t len, const char *what,
    STACK_OF(X509) **out, char *err, const struct pt_known *known)
{
	STACK_OF(X509) *sk;
	X509 *x;

	*out = NULL;
	if ((sk = sk_X509_new_null()) == NULL) {
		pt_seterr(err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	if (pt_is_pem(data, len)) {
		if (pt_parse_pem_certs(data, len, sk, err, what, known) < 0)
			goto fail;
	} else {
		if ((x = pt_known_find(known, data, len)) == NULL &&
		    (x = pt_parse_der_cert(data, len, err, what)) == NULL)
			goto fail;
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			pt_seterr(err, "out of memory");
			sk_X509_free(sk);
			return PTRUST_ERR_NOMEM;
		}
	}
	*out = sk;
	return PTRUST_OK;
fail:
	sk_X509_pop_free(sk, X509_free);
	return PTRUST_ERR_PARSE;
}

/*
 * Whether a PEM text holds a private key block ("PRIVATE KEY", "RSA
 * PRIVATE KEY", "ENCRYPTED PRIVATE KEY", ...).  Any BEGIN line counts,
 * as PEM readers take a block wherever it stands.
 */
static int
pem_holds_private_key(const unsigned char *data, size_t len)
{
	static const char begin[] = "-----BEGIN ", key[] = "PRIVATE KEY";
	const size_t nb = sizeof(begin) - 1, nk = sizeof(key) - 1;
	size_t i, j;

	for (i = 0; i + nb <= len; i++) {
		if (memcmp(data + i, begin, nb) != 0)
			continue;
		/* the label: up to the "-----" that ends the line */
		for (j = i + nb; j < len && data[j] != '-' && data[j] != '\n';
		    j++)
			;
		if (j - (i + nb) >= nk && memcmp(data + j - nk, key, nk) == 0 &&
		    len - j >= 5 && memcmp(data + j, "-----", 5) == 0)
			return 1;
	}
	return 0;
}

/*
 * Items for the certificates of one input: alias only for a single one.
 * Text around the blocks decides nothing: a "# role:" line in a file from
 * someone else must not make its CA issue MICs (issue 13).  A private key
 * beside them is refused, not skipped: whoever can read a trust store
 * could use it, and a key file given as an anchor is a mistake to point
 * out (issue 14).
 */
ptrust_status
pt_items_from_mem(const unsigned char *data, size_t len, const char *what,
    const char *alias, int explicit_alias, ptrust_role role,
    struct pt_itemlist *list, char *err)
{
	STACK_OF(X509) *sk;
	ptrust_status st;
	int i, n;

	if (pt_is_pem(data, len) && pem_holds_private_key(data, len)) {
		pt_seterr(err, "%s holds a private key: refused, a private key "
		    "must never be copied into a trust store (anyone who can "
		    "read the store could use it); give a file holding only "
		    "the certificate, e.g. from openssl x509 -in FILE -out "
		    "cert.pem", what);
		return PTRUST_ERR_ARG;
	}
	if ((st = pt_parse_certs(data, len, what, &sk, err, NULL)) !=
	    PTRUST_OK)
		return st;
	n = sk_X509_num(sk);
	if (explicit_alias && n > 1) {
		pt_seterr(err, "%s: an alias names one certificate, the input "
		    "holds %d", what, n);
		sk_X509_pop_free(sk, X509_free);
		return PTRUST_ERR_ARG;
	}
	for (i = 0; i < n; i++) {
		if (!pt_itemlist_add(list, sk_X509_value(sk, i),
		    n == 1 ? alias : NULL, explicit_alias, role, what)) {
			sk_X509_pop_free(sk, X509_free);
			pt_seterr(err, "out of memory");
			return PTRUST_ERR_NOMEM;
		}
	}
	sk_X509_pop_free(sk, X509_free);
	return PTRUST_OK;
}

int
pt_itemlist_add(struct pt_itemlist *l, X509 *x, const char *alias,
    int explicit_alias, ptrust_role role, const char *what)
{
	struct pt_item *it;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;

		if ((it = OPENSSL_realloc(l->items, cap * sizeof(*it))) == NULL)
			return 0;
		l->items = it;
		l->cap = cap;
	}
	it = &l->items[l->n];
	memset(it, 0, sizeof(*it));
	if ((alias != NULL && (it->alias = OPENSSL_strdup(alias)) == NULL) ||
	    (what != NULL && (it->what = OPENSSL_strdup(what)) == NULL) ||
	    !X509_up_ref(x)) {
		OPENSSL_free(it->alias);
		OPENSSL_free(it->what);
		return 0;
	}
	it->x509 = x;
	it->explicit_alias = explicit_alias;
	it->role = role;
	l->n++;
	return 1;
}

void
pt_itemlist_free(struct pt_itemlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		X509_free(l->items[i].x509);
		OPENSSL_free(l->items[i].alias);
		OPENSSL_free(l->items[i].what);
	}
	OPENSSL_free(l->items);
	memset(l, 0, sizeof(*l));
}

/*
 * The start of every add or load: a fresh change list, then the checks
 * common to all (input present, alias and role valid).
 */
ptrust_status
pt_builder_begin(ptrust_builder *b, const void *input, const char *missing,
    const char *alias, ptrust_role role)
{
	pt_builder_clear_changes(b);
	b->err[0] = '\0';
	if (input == NULL) {
		pt_seterr(b->err, "%s", missing);
		return PTRUST_ERR_ARG;
	}
	if (alias != NULL && !pt_alias_valid(alias)) {
		pt_seterr(b->err, "invalid alias \"%s\": use letters, digits, "
		    "'.', '_' and '-', starting with a letter or digit, at "
		    "most %d characters, no \"..\"", alias, PT_MAX_ALIAS);
		return PTRUST_ERR_ARG;
	}
	if (role < PTRUST_ROLE_AUTO || role > PTRUST_ROLE_OTHER) {
		pt_seterr(b->err, "invalid role %d", (int)role);
		return PTRUST_ERR_ARG;
	}
	return PTRUST_OK;
}

/* The end of every add or load: apply what was read, if it all was. */
ptrust_status
pt_builder_finish(ptrust_builder *b, ptrust_status st, struct pt_itemlist *l,
    int replace_all)
{
	if (st == PTRUST_OK)
		st = pt_builder_apply(b, l->items, l->n, replace_all);
	pt_itemlist_free(l);
	return st;
}

ptrust_status
ptrust_builder_add_mem(ptrust_builder *b, const void *data, size_t len,
    const char *alias, ptrust_role role)
{
	struct pt_itemlist l = { 0 };
	ptrust_status st;

	if (b == NULL)
		return PTRUST_ERR_ARG;
	if ((st = pt_builder_begin(b, data, "no data", alias, role)) !=
	    PTRUST_OK)
		return st;
	if (len > PT_MAX_FILE) {
		pt_seterr(b->err, "input too large (%zu bytes, limit %u)", len,
		    PT_MAX_FILE);
		return PTRUST_ERR_ARG;
	}
	st = pt_items_from_mem(data, len, "input", alias, alias != NULL, role,
	    &l, b->err);
	return pt_builder_finish(b, st, &l, 0);
}

ptrust_status
ptrust_builder_add_x509(ptrust_builder *b, X509 *cert, const char *alias,
    ptrust_role role)
{
	struct pt_itemlist l = { 0 };
	ptrust_status st;

	if (b == NULL)
		return PTRUST_ERR_ARG;
	if ((st = pt_builder_begin(b, cert, "no certificate", alias, role)) !=
	    PTRUST_OK)
		return st;
	if (!pt_itemlist_add(&l, cert, alias, alias != NULL, role, NULL)) {
		pt_seterr(b->err, "out of memory");
		st = PTRUST_ERR_NOMEM;
	}
	return pt_builder_finish(b, st, &l, 0);
}

ptrust_status
ptrust_builder_add_file(ptrust_builder *b, const char *path,
    const char *alias, ptrust_role role)
{
	struct pt_itemlist l = { 0 };
	ptrust_status st;

	if (b == NULL)
		return PTRUST_ERR_ARG;
	if ((st = pt_builder_begin(b, path, "no path", alias, role)) !=
	    PTRUST_OK)
		return st;
	st = pt_items_from_file(path, alias, role, &l, b->err);
	return pt_builder_finish(b, st, &l, 0);
}

ptrust_status
ptrust_builder_set_replace_cisco_ca(ptrust_builder *b, int allow)
{
	if (b == NULL)
		return PTRUST_ERR_ARG;
	b->replace_cisco_ca = allow != 0;
	return PTRUST_OK;
}

size_t
ptrust_builder_change_count(const ptrust_builder *b)
{
	return b != NULL ? b->n_changes : 0;
}

ptrust_change_kind
ptrust_builder_change(const ptrust_builder *b, size_t index,
    const char **alias, const char **other_alias)
{
	if (b == NULL || index >= b->n_changes)
		return 0;
	if (alias != NULL)
		*alias = b->changes[index].alias;
	if (other_alias != NULL)
		*other_alias = b->changes[index].other_alias;
	return b->changes[index].kind;
}

/* The first anchor that pt_anchor_matches key, or -1. */
static ssize_t
builder_index(const ptrust_builder *b, const char *key)
{
	char fp[65];
	ssize_t i, j;
	size_t k;

	if (b->index == NULL || b->index_stale) {
		/* tables rebuilt by the next add; until then, a walk */
		for (k = 0; k < b->n_anchors; k++)
			if (pt_anchor_matches(b->anchors[k], key))
				return (ssize_t)k;
		return -1;
	}
	i = index_find(b, BY_ALIAS, hash_alias(key), key, NO_POS);
	if (pt_normalize_sha256(key, fp) &&
	    (j = index_find(b, BY_FP, hash_fp(fp), fp, NO_POS)) >= 0 &&
	    (i < 0 || j < i))
		i = j;
	return i;
}

ptrust_status
ptrust_builder_remove(ptrust_builder *b, const char *key)
{
	ssize_t i;

	if (b == NULL)
		return PTRUST_ERR_ARG;
	if (key == NULL) {
		pt_seterr(b->err, "no alias or fingerprint");
		return PTRUST_ERR_ARG;
	}
	if ((i = builder_index(b, key)) < 0) {
		pt_seterr(b->err, "store %s has no anchor with alias or "
		    "SHA-256 \"%s\"", b->name, key);
		return PTRUST_ERR_NOT_FOUND;
	}
	pt_anchor_unref(b->anchors[i]);
	memmove(&b->anchors[i], &b->anchors[i + 1],
	    (b->n_anchors - (size_t)i - 1) * sizeof(*b->anchors));
	b->n_anchors--;
	b->index_stale = 1;	/* the anchors after it moved */
	return PTRUST_OK;
}

ptrust_status
ptrust_builder_set_role(ptrust_builder *b, const char *key, ptrust_role role)
{
	ptrust_anchor *a;
	ssize_t i;

	if (b == NULL)
		return PTRUST_ERR_ARG;
	if (key == NULL || role <= PTRUST_ROLE_AUTO ||
	    role > PTRUST_ROLE_OTHER) {
		pt_seterr(b->err, "need an alias or fingerprint and a role "
		    "other than auto");
		return PTRUST_ERR_ARG;
	}
	if ((i = builder_index(b, key)) < 0) {
		pt_seterr(b->err, "store %s has no anchor with alias or "
		    "SHA-256 \"%s\"", b->name, key);
		return PTRUST_ERR_NOT_FOUND;
	}
	if ((a = pt_anchor_with(b->anchors[i], NULL, role)) == NULL) {
		pt_seterr(b->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	pt_anchor_unref(b->anchors[i]);
	b->anchors[i] = a;
	return PTRUST_OK;
}

size_t
ptrust_builder_anchor_count(const ptrust_builder *b)
{
	return b != NULL ? b->n_anchors : 0;
}

const ptrust_anchor *
ptrust_builder_anchor(const ptrust_builder *b, size_t index)
{
	if (b == NULL || index >= b->n_anchors)
		return NULL;
	return b->anchors[index];
}

const ptrust_anchor *
ptrust_builder_find(const ptrust_builder *b, const char *key)
{
	ssize_t i;

	if (b == NULL || key == NULL || (i = builder_index(b, key)) < 0)
		return NULL;
	return b->anchors[i];
}
