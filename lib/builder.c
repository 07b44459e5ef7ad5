/*
 * The store builder: a mutable set of anchors with CUCM's rules (one
 * certificate per subject, a newer notBefore replaces the older).  Every
 * change is staged on a copy and committed only when it all worked, so a
 * failed call leaves the builder as it was.
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
	b->n_anchors = store->n_anchors;
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

/* A staged copy of the anchor list and of the change log. */
struct staging {
	ptrust_anchor	**a;
	size_t		 n, cap;
	struct pt_change *c;
	size_t		 nc, capc;
};

static void
staging_free(struct staging *s)
{
	free_anchor_array(s->a, s->n);
	free_changes(s->c, s->nc);
}

static int
staging_reserve(struct staging *s, size_t more)
{
	if (s->n + more > s->cap) {
		size_t cap = (s->n + more) * 2;
		ptrust_anchor **a = OPENSSL_realloc(s->a, cap * sizeof(*a));

		if (a == NULL)
			return 0;
		s->a = a;
		s->cap = cap;
	}
	return 1;
}

static int
staging_log(struct staging *s, ptrust_change_kind kind, const char *alias,
    const char *other)
{
	struct pt_change *c;

	if (s->nc == s->capc) {
		size_t cap = s->capc ? s->capc * 2 : 8;

		if ((c = OPENSSL_realloc(s->c, cap * sizeof(*c))) == NULL)
			return 0;
		s->c = c;
		s->capc = cap;
	}
	c = &s->c[s->nc];
	c->kind = kind;
	c->alias = OPENSSL_strdup(alias);
	c->other_alias = other != NULL ? OPENSSL_strdup(other) : NULL;
	if (c->alias == NULL || (other != NULL && c->other_alias == NULL)) {
		OPENSSL_free(c->alias);
		OPENSSL_free(c->other_alias);
		return 0;
	}
	s->nc++;
	return 1;
}

static ssize_t
staging_find_alias(const struct staging *s, const char *alias, size_t skip)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (i != skip && strcmp(s->a[i]->alias, alias) == 0)
			return (ssize_t)i;
	return -1;
}

/* Chooses the alias for a new certificate; NULL with err set on failure. */
static char *
pick_alias(const struct staging *s, const struct pt_item *it, size_t skip,
    const char *fp, ptrust_status *st, char *err)
{
	char *alias = NULL, *cn, *tmp;
	size_t n;

	if (it->alias != NULL && it->explicit_alias) {
		if (staging_find_alias(s, it->alias, skip) >= 0) {
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
	if (staging_find_alias(s, alias, skip) >= 0) {
		/* a derived name collides: make it unique with the fingerprint */
		n = strlen(alias);
		if (n > PT_MAX_ALIAS - 9)
			n = PT_MAX_ALIAS - 9;
		if ((tmp = OPENSSL_malloc(n + 10)) == NULL) {
			OPENSSL_free(alias);
			goto nomem;
		}
		snprintf(tmp, n + 10, "%.*s-%.8s", (int)n, alias, fp);
		OPENSSL_free(alias);
		alias = tmp;
	}
	return alias;
nomem:
	pt_seterr(err, "out of memory");
	*st = PTRUST_ERR_NOMEM;
	return NULL;
}

static ptrust_status
stage_one(struct staging *s, const struct pt_item *it, char *err)
{
	ptrust_status st = PTRUST_ERR_NOMEM;
	ptrust_anchor *a = NULL, *probe;
	char *alias = NULL;
	size_t i;

	/* Probe anchor: fingerprint and role computed once, alias fixed later. */
	if ((probe = pt_anchor_new(it->x509, "probe", it->role)) == NULL) {
		pt_seterr_ssl(err, "cannot import certificate");
		return PTRUST_ERR_NOMEM;
	}
	for (i = 0; i < s->n; i++) {
		if (strcmp(s->a[i]->sha256, probe->sha256) == 0) {
			st = staging_log(s, PTRUST_CHANGE_UNCHANGED,
			    s->a[i]->alias, NULL) ? PTRUST_OK : PTRUST_ERR_NOMEM;
			goto done;
		}
	}
	for (i = 0; i < s->n; i++) {
		if (X509_NAME_cmp(X509_get_subject_name(s->a[i]->x509),
		    X509_get_subject_name(it->x509)) != 0)
			continue;
		if (ASN1_TIME_compare(X509_get0_notBefore(it->x509),
		    X509_get0_notBefore(s->a[i]->x509)) <= 0) {
			if ((alias = pick_alias(s, it, i, probe->sha256, &st,
			    err)) == NULL)
				goto done;
			st = staging_log(s, PTRUST_CHANGE_KEPT_EXISTING, alias,
			    s->a[i]->alias) ? PTRUST_OK : PTRUST_ERR_NOMEM;
			goto done;
		}
		/* CUCM's rule: the newer certificate of a subject wins. */
		if (it->explicit_alias) {
			if ((alias = pick_alias(s, it, i, probe->sha256, &st,
			    err)) == NULL)
				goto done;
		} else if ((alias = OPENSSL_strdup(s->a[i]->alias)) == NULL)
			goto done;
		/* A role the administrator gave the old certificate carries over. */
		if ((a = pt_anchor_with(probe, alias, it->role == PTRUST_ROLE_AUTO ?
		    s->a[i]->role : PTRUST_ROLE_AUTO)) == NULL)
			goto done;
		if (!staging_log(s, PTRUST_CHANGE_REPLACED, alias,
		    s->a[i]->alias)) {
			pt_anchor_unref(a);
			goto done;
		}
		pt_anchor_unref(s->a[i]);
		s->a[i] = a;
		st = PTRUST_OK;
		goto done;
	}
	if ((alias = pick_alias(s, it, (size_t)-1, probe->sha256, &st,
	    err)) == NULL)
		goto done;
	st = PTRUST_ERR_NOMEM;
	if (!staging_reserve(s, 1) ||
	    (a = pt_anchor_with(probe, alias, PTRUST_ROLE_AUTO)) == NULL)
		goto done;
	if (!staging_log(s, PTRUST_CHANGE_ADDED, alias, NULL)) {
		pt_anchor_unref(a);
		goto done;
	}
	s->a[s->n++] = a;
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
 * that then replaces the builder's content).  All or nothing.
 */
ptrust_status
pt_builder_apply(ptrust_builder *b, const struct pt_item *items, size_t n,
    int replace_all)
{
	struct staging s;
	ptrust_status st;
	size_t i;

	memset(&s, 0, sizeof(s));
	b->err[0] = '\0';
	pt_builder_clear_changes(b);	/* the list describes this call only */
	if (!replace_all) {
		if (!staging_reserve(&s, b->n_anchors + 1))
			goto nomem;
		for (i = 0; i < b->n_anchors; i++)
			s.a[s.n++] = pt_anchor_ref(b->anchors[i]);
	}
	for (i = 0; i < n; i++) {
		if ((st = stage_one(&s, &items[i], b->err)) != PTRUST_OK) {
			if (items[i].what != NULL) {
				char tmp[PT_ERRLEN];

				snprintf(tmp, sizeof(tmp), "%s", b->err);
				pt_seterr(b->err, "%s: %s", items[i].what, tmp);
			}
			staging_free(&s);
			return st;
		}
	}
	free_anchor_array(b->anchors, b->n_anchors);
	b->anchors = s.a;
	b->n_anchors = s.n;
	b->changes = s.c;
	b->n_changes = s.nc;
	return PTRUST_OK;
nomem:
	staging_free(&s);
	pt_seterr(b->err, "out of memory");
	return PTRUST_ERR_NOMEM;
}

/* "# role: capf" before the PEM block, as ptrust_builder_save_dir writes it. */
int
pt_role_from_comment(const unsigned char *data, size_t len,
    ptrust_role *role)
{
	static const char key[] = "# role: ";
	size_t i = 0, j;
	char word[32];

	while (i < len) {
		if (len - i >= 11 && memcmp(data + i, "-----BEGIN ", 11) == 0)
			return 0;
		if (len - i > sizeof(key) - 1 &&
		    memcmp(data + i, key, sizeof(key) - 1) == 0) {
			i += sizeof(key) - 1;
			for (j = 0; i < len && j < sizeof(word) - 1 &&
			    data[i] != '\n' && data[i] != '\r'; i++, j++)
				word[j] = (char)data[i];
			word[j] = '\0';
			return ptrust_role_from_name(word, role) == 0 &&
			    *role != PTRUST_ROLE_AUTO;
		}
		while (i < len && data[i] != '\n')
			i++;
		i++;
	}
	return 0;
}

/* Parses PEM (any number) or DER (one) certificates into a fresh stack. */
ptrust_status
pt_parse_certs(const unsigned char *data, size_t len, const char *what,
    STACK_OF(X509) **out, char *err)
{
	STACK_OF(X509) *sk;
	X509 *x;

	*out = NULL;
	if ((sk = sk_X509_new_null()) == NULL) {
		pt_seterr(err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	if (pt_is_pem(data, len)) {
		if (pt_parse_pem_certs(data, len, sk, err, what) < 0)
			goto fail;
	} else {
		if ((x = pt_parse_der_cert(data, len, err, what)) == NULL)
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

/* Items for the certificates of one input: alias only for a single one. */
ptrust_status
pt_items_from_mem(const unsigned char *data, size_t len, const char *what,
    const char *alias, int explicit_alias, ptrust_role role,
    struct pt_itemlist *list, char *err)
{
	STACK_OF(X509) *sk;
	ptrust_status st;
	ptrust_role comment_role;
	int i, n;

	if ((st = pt_parse_certs(data, len, what, &sk, err)) != PTRUST_OK)
		return st;
	n = sk_X509_num(sk);
	if (explicit_alias && n > 1) {
		pt_seterr(err, "%s: an alias names one certificate, the input "
		    "holds %d", what, n);
		sk_X509_pop_free(sk, X509_free);
		return PTRUST_ERR_ARG;
	}
	if (role == PTRUST_ROLE_AUTO && n == 1 &&
	    pt_role_from_comment(data, len, &comment_role))
		role = comment_role;
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

static ssize_t
builder_index(const ptrust_builder *b, const char *key)
{
	size_t i;

	for (i = 0; i < b->n_anchors; i++)
		if (pt_anchor_matches(b->anchors[i], key))
			return (ssize_t)i;
	return -1;
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
