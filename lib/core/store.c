/*
 * Store snapshots: what validations run against.  Immutable once built, so
 * any number of threads share one; the reference count decides when it
 * goes.  Each snapshot owns an X509_STORE holding its anchors, built once
 * here instead of on every validation.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/objects.h>

#include "internal.h"

static atomic_uint_fast64_t next_generation = 1;

/*
 * RFC 5280 policy processing with the default inputs, set once per
 * snapshot rather than on every validation: the initial policy set is
 * anyPolicy (not empty) and no explicit policy is required, so it refuses
 * malformed policy extensions and honours a CA's requireExplicitPolicy.
 */
static int
set_policy_defaults(X509_STORE *store)
{
	X509_VERIFY_PARAM *p = X509_STORE_get0_param(store);
	STACK_OF(ASN1_OBJECT) *policies = sk_ASN1_OBJECT_new_null();
	int ok;

	ok = policies != NULL &&
	    sk_ASN1_OBJECT_push(policies, OBJ_nid2obj(NID_any_policy)) &&
	    X509_VERIFY_PARAM_set1_policies(p, policies) &&
	    X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_POLICY_CHECK);
	sk_ASN1_OBJECT_free(policies);	/* the object is static */
	return ok;
}

static int
cmp_by_x509(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)(*(ptrust_anchor *const *)a)->x509;
	uintptr_t y = (uintptr_t)(*(ptrust_anchor *const *)b)->x509;

	return x < y ? -1 : x > y;
}

static int
cmp_by_sha256(const void *a, const void *b)
{
	return strcmp((*(ptrust_anchor *const *)a)->sha256,
	    (*(ptrust_anchor *const *)b)->sha256);
}

const ptrust_anchor *
pt_store_anchor_by_sha256(const ptrust_store *s, const char *sha256)
{
	size_t lo = 0, hi = s->n_anchors, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(s->by_sha256[mid]->sha256, sha256)) == 0)
			return s->by_sha256[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * The decoded certificate of the anchor whose bytes are exactly these, with
 * a reference for the caller; NULL when no anchor has them (or the digest
 * failed: the caller then decodes the bytes itself, as it would anyway).
 * Bytes, not the fingerprint alone, decide: what comes back stands for
 * the caller's certificate from now on.
 */
X509 *
pt_store_share(const ptrust_store *s, const unsigned char *der, size_t len)
{
	const ptrust_anchor *a;
	char sha256[65];

	if (s == NULL || len == 0 || !pt_sha256_hex(der, len, sha256) ||
	    (a = pt_store_anchor_by_sha256(s, sha256)) == NULL ||
	    a->der_len != len || memcmp(a->der, der, len) != 0 ||
	    !X509_up_ref(a->x509))
		return NULL;
	return a->x509;
}

/*
 * The chain OpenSSL builds ends in the very X509 object we gave the
 * X509_STORE: finding its anchor is a binary search on the address, not a
 * walk over every anchor (a store of 10,000 anchors costs no more).
 */
const ptrust_anchor *
pt_store_anchor_by_x509(const ptrust_store *s, const X509 *x)
{
	size_t lo = 0, hi = s->n_anchors, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((uintptr_t)s->by_x509[mid]->x509 == (uintptr_t)x)
			return s->by_x509[mid];
		if ((uintptr_t)s->by_x509[mid]->x509 < (uintptr_t)x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * The anchors into the X509_STORE, the way X509_STORE_add_cert puts them
 * but without its duplicate check: in OpenSSL 3.0 that is a find on the
 * store's object stack, which sorts the whole stack again after every
 * push, O(n^2 log n) for n anchors.  The anchors' fingerprints are unique
 * (a builder holds one certificate once; cluster.c merges by fingerprint),
 * so there is nothing for it to find.  One sort at the end, before anyone
 * else sees the store, leaves the stack as its lookups expect it: sorted,
 * so that they never sort it under the store's lock.  The objects go in
 * in the anchors' order, as before.
 */
static ptrust_status
add_anchors(X509_STORE *store, ptrust_anchor *const *anchors, size_t n,
    char *err)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
	X509_OBJECT *obj;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((obj = X509_OBJECT_new()) == NULL ||
		    !X509_OBJECT_set1_X509(obj, anchors[i]->x509) ||
		    !sk_X509_OBJECT_push(objs, obj)) {
			X509_OBJECT_free(obj);
			pt_seterr_ssl(err, "cannot add %s to the snapshot",
			    anchors[i]->alias);
			return PTRUST_ERR_INTERNAL;
		}
	}
	sk_X509_OBJECT_sort(objs);
	return PTRUST_OK;
}

/* A snapshot of these anchors (each referenced, not copied). */
ptrust_status
pt_store_build(const char *name, ptrust_anchor *const *anchors, size_t n,
    ptrust_store **out, char *err)
{
	return pt_store_build_ex(name, anchors, n, n, NULL, out, err);
}

ptrust_status
pt_store_build_ex(const char *name, ptrust_anchor *const *anchors, size_t n,
    size_t n_own, const char *extra_name, ptrust_store **out, char *err)
{
	ptrust_store *s;
	ptrust_status st;
	size_t i;

	*out = NULL;
	if ((s = pt_calloc(1, sizeof(*s))) == NULL)
		goto nomem;
	atomic_init(&s->refs, 1);
	s->n_own = n_own < n && extra_name != NULL ? n_own : n;
	if ((s->name = OPENSSL_strdup(name)) == NULL ||
	    (s->n_own < n &&
	    (s->extra_name = OPENSSL_strdup(extra_name)) == NULL) ||
	    (s->anchors = pt_calloc(n, sizeof(*s->anchors))) == NULL ||
	    (s->by_x509 = pt_calloc(n, sizeof(*s->by_x509))) == NULL ||
	    (s->by_sha256 = pt_calloc(n, sizeof(*s->by_sha256))) == NULL ||
	    (s->x509_store = X509_STORE_new()) == NULL ||
	    !set_policy_defaults(s->x509_store))
		goto nomem;
	for (i = 0; i < n; i++)
		s->anchors[i] = pt_anchor_ref(anchors[i]);
	s->n_anchors = n;
	if ((st = add_anchors(s->x509_store, anchors, n, err)) != PTRUST_OK) {
		ptrust_store_unref(s);
		return st;
	}
	memcpy(s->by_x509, s->anchors, n * sizeof(*s->by_x509));
	qsort(s->by_x509, n, sizeof(*s->by_x509), cmp_by_x509);
	memcpy(s->by_sha256, s->anchors, n * sizeof(*s->by_sha256));
	qsort(s->by_sha256, n, sizeof(*s->by_sha256), cmp_by_sha256);
	s->generation = atomic_fetch_add(&next_generation, 1);
	*out = s;
	return PTRUST_OK;
nomem:
	ptrust_store_unref(s);
	pt_seterr(err, "out of memory");
	return PTRUST_ERR_NOMEM;
}

ptrust_status
ptrust_builder_build(ptrust_builder *b, ptrust_store **out)
{
	if (out != NULL)
		*out = NULL;
	if (b == NULL)
		return PTRUST_ERR_ARG;
	if (out == NULL) {
		pt_seterr(b->err, "no place for the snapshot");
		return PTRUST_ERR_ARG;
	}
	return pt_store_build(b->name, b->anchors, b->n_anchors, out, b->err);
}

ptrust_store *
ptrust_store_ref(ptrust_store *s)
{
	if (s != NULL)
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

void
ptrust_store_unref(ptrust_store *s)
{
	size_t i;

	if (s == NULL ||
	    atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < s->n_anchors; i++)
		pt_anchor_unref(s->anchors[i]);
	OPENSSL_free(s->anchors);
	OPENSSL_free(s->by_x509);
	OPENSSL_free(s->by_sha256);
	X509_STORE_free(s->x509_store);
	OPENSSL_free(s->name);
	OPENSSL_free(s->extra_name);
	OPENSSL_free(s);
}

/* Asked for when a verdict is read, never on the validation path. */
const char *
pt_store_anchor_origin(const ptrust_store *s, const ptrust_anchor *a)
{
	size_t i;

	if (s == NULL || a == NULL)
		return NULL;
	for (i = s->n_own; i < s->n_anchors; i++)
		if (s->anchors[i] == a)
			return s->extra_name;
	return s->name;
}

const char *
ptrust_store_name(const ptrust_store *s)
{
	return s != NULL ? s->name : NULL;
}

uint64_t
ptrust_store_generation(const ptrust_store *s)
{
	return s != NULL ? s->generation : 0;
}

size_t
ptrust_store_anchor_count(const ptrust_store *s)
{
	return s != NULL ? s->n_anchors : 0;
}

const ptrust_anchor *
ptrust_store_anchor(const ptrust_store *s, size_t index)
{
	if (s == NULL || index >= s->n_anchors)
		return NULL;
	return s->anchors[index];
}

const ptrust_anchor *
ptrust_store_find(const ptrust_store *s, const char *key)
{
	size_t i;

	if (s == NULL || key == NULL)
		return NULL;
	for (i = 0; i < s->n_anchors; i++)
		if (pt_anchor_matches(s->anchors[i], key))
			return s->anchors[i];
	return NULL;
}
