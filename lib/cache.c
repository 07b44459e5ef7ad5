/*
 * Verdict cache: the verdict on a presented chain, keyed by a SHA-256 over
 * the snapshot's generation, every option that can change a verdict, and
 * the exact bytes presented.  A hit costs one digest and no parsing.
 *
 * Correctness rules (tests/test_cache.c proves each):
 *  - the key covers the bytes, the snapshot generation and the options;
 *  - a verdict is served only while the validation time lies inside the
 *    window it holds for (every notBefore..notAfter of the chain, the
 *    CRLs' lastUpdate..nextUpdate), so time running forwards or backwards
 *    past a boundary validates again;
 *  - at most max_entries verdicts, the least recently used evicted first;
 *  - one mutex guards the table: a hit holds it for a lookup and a copy;
 *  - intermediates are decoded once and shared (by SHA-256 of their DER),
 *    never leaves: each phone's leaf is its own.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "internal.h"

#define KEY_LEN		32
#define MAX_ENTRIES	(16u * 1024 * 1024)
/* Intermediates kept decoded: MIC chains carry the same Cisco CA. */
#define DECODED_SLOTS	256

struct decoded {
	unsigned char	 md[KEY_LEN];	/* SHA-256 of the DER */
	X509		*x;		/* NULL: empty slot */
};

struct entry {
	unsigned char	 key[KEY_LEN];
	ptrust_result	*result;
	struct entry	*hnext;			/* hash bucket */
	struct entry	*prev, *next;		/* LRU: head most recent */
};

struct ptrust_cache {
	pthread_mutex_t	 lock;
	struct entry	**buckets;
	size_t		 nbuckets;		/* a power of two */
	size_t		 count, max;
	struct entry	*head, *tail;
	uint64_t	 hits, misses;
	struct decoded	 decoded[DECODED_SLOTS];
};

ptrust_cache *
ptrust_cache_new(size_t max_entries)
{
	ptrust_cache *c;
	size_t n = 16;

	if (max_entries == 0 || max_entries > MAX_ENTRIES)
		return NULL;
	while (n < max_entries * 2)
		n <<= 1;
	if ((c = pt_calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->buckets = pt_calloc(n, sizeof(*c->buckets))) == NULL ||
	    pthread_mutex_init(&c->lock, NULL) != 0) {
		OPENSSL_free(c->buckets);
		OPENSSL_free(c);
		return NULL;
	}
	c->nbuckets = n;
	c->max = max_entries;
	return c;
}

static void
entry_free(struct entry *e)
{
	ptrust_result_free(e->result);
	OPENSSL_free(e);
}

static void
clear_locked(ptrust_cache *c)
{
	struct entry *e, *next;
	size_t i;

	for (e = c->head; e != NULL; e = next) {
		next = e->next;
		entry_free(e);
	}
	for (i = 0; i < DECODED_SLOTS; i++) {
		X509_free(c->decoded[i].x);
		c->decoded[i].x = NULL;
	}
	memset(c->buckets, 0, c->nbuckets * sizeof(*c->buckets));
	c->head = c->tail = NULL;
	c->count = 0;
}

void
ptrust_cache_free(ptrust_cache *c)
{
	if (c == NULL)
		return;
	clear_locked(c);
	pthread_mutex_destroy(&c->lock);
	OPENSSL_free(c->buckets);
	OPENSSL_free(c);
}

void
ptrust_cache_clear(ptrust_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	clear_locked(c);
	pthread_mutex_unlock(&c->lock);
}

size_t
ptrust_cache_count(ptrust_cache *c)
{
	size_t n;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	n = c->count;
	pthread_mutex_unlock(&c->lock);
	return n;
}

void
ptrust_cache_stats(ptrust_cache *c, uint64_t *hits, uint64_t *misses)
{
	uint64_t h = 0, m = 0;

	if (c != NULL) {
		pthread_mutex_lock(&c->lock);
		h = c->hits;
		m = c->misses;
		pthread_mutex_unlock(&c->lock);
	}
	if (hits != NULL)
		*hits = h;
	if (misses != NULL)
		*misses = m;
}

/*
 * The key stream.  Small fields gather in a buffer that goes to the digest
 * in one update; every field is length-prefixed or of fixed size, so that
 * no two different inputs hash the same stream.
 */
struct keybuf {
	EVP_MD_CTX	*md;
	size_t		 n;
	int		 ok;
	unsigned char	 b[256];
};

static void
kb_flush(struct keybuf *k)
{
	if (k->n > 0 && k->ok)
		k->ok = EVP_DigestUpdate(k->md, k->b, k->n);
	k->n = 0;
}

static void
kb_raw(struct keybuf *k, const void *p, size_t len)
{
	if (len > sizeof(k->b) - k->n) {
		kb_flush(k);
		if (len > sizeof(k->b)) {
			if (k->ok)
				k->ok = EVP_DigestUpdate(k->md, p, len);
			return;
		}
	}
	memcpy(k->b + k->n, p, len);
	k->n += len;
}

static void
put_u64(struct keybuf *k, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	kb_raw(k, b, sizeof(b));
}

/* Length first, so that no two different inputs hash the same stream. */
static void
put_bytes(struct keybuf *k, const void *p, size_t len)
{
	put_u64(k, len);
	if (len > 0)
		kb_raw(k, p, len);
}

/* Everything in the options that can change a verdict, except the time. */
static void
put_options(struct keybuf *k, const ptrust_options *o)
{
	unsigned char crl_md[EVP_MAX_MD_SIZE];
	unsigned int crl_md_len;
	int i, n = o->crls != NULL ? sk_X509_CRL_num(o->crls) : 0;

	put_u64(k, (uint64_t)o->purpose);
	put_u64(k, (uint64_t)(int64_t)o->max_depth);
	put_u64(k, (uint64_t)(int64_t)o->crl_check);
	put_u64(k, (uint64_t)(int64_t)o->security_level);
	put_u64(k, (uint64_t)o->allow_sha1);
	put_bytes(k, o->peer_name != NULL ? o->peer_name : "",
	    o->peer_name != NULL ? strlen(o->peer_name) + 1 : 0);
	put_u64(k, (uint64_t)n);
	for (i = 0; i < n && k->ok; i++) {
		if (!X509_CRL_digest(sk_X509_CRL_value(o->crls, i),
		    pt_sha256(), crl_md, &crl_md_len))
			k->ok = 0;
		else
			put_bytes(k, crl_md, crl_md_len);
	}
}

/* The digest context: the thread's own, reused (none: a fresh one). */
static EVP_MD_CTX *
md_get(EVP_MD_CTX **fresh)
{
	EVP_MD_CTX *md = pt_thread_md();

	*fresh = NULL;
	if (md == NULL)
		md = *fresh = EVP_MD_CTX_new();
	return md;
}

static int
make_key(unsigned char key[KEY_LEN], const ptrust_store *s,
    const unsigned char *const *der, const size_t *der_len, size_t n,
    const ptrust_options *o)
{
	struct keybuf k;
	EVP_MD_CTX *fresh;
	unsigned int len = 0;
	size_t i;

	k.n = 0;
	if ((k.md = md_get(&fresh)) == NULL)
		return 0;
	k.ok = EVP_DigestInit_ex2(k.md, pt_sha256(), NULL);
	kb_raw(&k, "ptrust-cache-1", 14);
	put_u64(&k, ptrust_store_generation(s));
	put_options(&k, o);
	put_u64(&k, n);
	for (i = 0; i < n; i++)
		put_bytes(&k, der[i], der_len[i]);
	kb_flush(&k);
	k.ok = k.ok && EVP_DigestFinal_ex(k.md, key, &len) && len == KEY_LEN;
	EVP_MD_CTX_free(fresh);
	return k.ok;
}

/* SHA-256 of one certificate's DER. */
static int
der_digest(const unsigned char *der, size_t len, unsigned char md[KEY_LEN])
{
	EVP_MD_CTX *fresh, *ctx;
	unsigned int mdlen = 0;
	int ok;

	if ((ctx = md_get(&fresh)) == NULL)
		return 0;
	ok = EVP_DigestInit_ex2(ctx, pt_sha256(), NULL) &&
	    EVP_DigestUpdate(ctx, der, len) &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == KEY_LEN;
	EVP_MD_CTX_free(fresh);
	return ok;
}

static size_t
bucket_of(const ptrust_cache *c, const unsigned char key[KEY_LEN])
{
	size_t h = 0;

	memcpy(&h, key, sizeof(h));	/* a SHA-256 is uniform already */
	return h & (c->nbuckets - 1);
}

static struct entry *
lookup(ptrust_cache *c, const unsigned char key[KEY_LEN])
{
	struct entry *e;

	for (e = c->buckets[bucket_of(c, key)]; e != NULL; e = e->hnext)
		if (memcmp(e->key, key, KEY_LEN) == 0)
			return e;
	return NULL;
}

static void
lru_unlink(ptrust_cache *c, struct entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_push_front(ptrust_cache *c, struct entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head != NULL)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

static void
remove_locked(ptrust_cache *c, struct entry *e)
{
	struct entry **pp = &c->buckets[bucket_of(c, e->key)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(c, e);
	c->count--;
	entry_free(e);
}

/* Keep a copy of r under key; on failure the cache simply does not learn. */
static void
insert(ptrust_cache *c, const unsigned char key[KEY_LEN],
    const ptrust_result *r)
{
	struct entry *e, *old;
	size_t b;

	if ((e = pt_calloc(1, sizeof(*e))) == NULL)
		return;
	if ((e->result = pt_result_dup(r)) == NULL) {
		OPENSSL_free(e);
		return;
	}
	memcpy(e->key, key, KEY_LEN);
	pthread_mutex_lock(&c->lock);
	if ((old = lookup(c, key)) != NULL)	/* another thread was first */
		remove_locked(c, old);
	while (c->count >= c->max && c->tail != NULL)
		remove_locked(c, c->tail);
	b = bucket_of(c, key);
	e->hnext = c->buckets[b];
	c->buckets[b] = e;
	lru_push_front(c, e);
	c->count++;
	pthread_mutex_unlock(&c->lock);
}

/*
 * Append an intermediate to chain, decoded once and shared afterwards:
 * X509 objects are reference-counted and safe to share between threads.
 */
static ptrust_status
add_intermediate(ptrust_cache *c, ptrust_chain *chain,
    const unsigned char *der, size_t len)
{
	unsigned char md[KEY_LEN];
	struct decoded *slot;
	ptrust_status st;
	X509 *x = NULL;

	if (!der_digest(der, len, md))
		return ptrust_chain_add_der(chain, der, len);
	slot = &c->decoded[(md[0] | md[1] << 8) % DECODED_SLOTS];
	pthread_mutex_lock(&c->lock);
	if (slot->x != NULL && memcmp(slot->md, md, KEY_LEN) == 0 &&
	    X509_up_ref(slot->x))
		x = slot->x;
	pthread_mutex_unlock(&c->lock);
	if (x != NULL) {
		st = ptrust_chain_add_x509(chain, x);
		X509_free(x);
		return st;
	}
	if ((st = ptrust_chain_add_der(chain, der, len)) != PTRUST_OK)
		return st;
	x = sk_X509_value(chain->certs, sk_X509_num(chain->certs) - 1);
	pthread_mutex_lock(&c->lock);
	if (X509_up_ref(x)) {
		X509_free(slot->x);
		slot->x = x;
		memcpy(slot->md, md, KEY_LEN);
	}
	pthread_mutex_unlock(&c->lock);
	return PTRUST_OK;
}

ptrust_status
ptrust_cache_verify(ptrust_cache *c, const ptrust_store *store,
    const unsigned char *const *der, const size_t *der_len, size_t n,
    const ptrust_options *options, ptrust_result **out)
{
	unsigned char key[KEY_LEN];
	ptrust_chain *chain = NULL;
	ptrust_result *r = NULL;
	ptrust_status st;
	struct entry *e;
	time_t now;
	size_t i;

	if (out == NULL)
		return PTRUST_ERR_ARG;
	*out = NULL;
	if (c == NULL || store == NULL || der == NULL || der_len == NULL ||
	    n == 0)
		return PTRUST_ERR_ARG;
	if (options == NULL)
		options = &pt_options_defaults;
	now = options->has_time ? options->at : time(NULL);
	if (!make_key(key, store, der, der_len, n, options))
		return PTRUST_ERR_NOMEM;

	pthread_mutex_lock(&c->lock);
	if ((e = lookup(c, key)) != NULL) {
		if (now >= e->result->valid_from &&
		    now <= e->result->valid_until) {
			lru_unlink(c, e);
			lru_push_front(c, e);
			r = pt_result_dup(e->result);
			if (r != NULL)
				c->hits++;
		} else
			remove_locked(c, e);	/* time left its window */
	}
	if (r == NULL)
		c->misses++;
	pthread_mutex_unlock(&c->lock);
	if (r != NULL) {
		*out = r;
		return PTRUST_OK;
	}

	if ((chain = ptrust_chain_new()) == NULL)
		return PTRUST_ERR_NOMEM;
	/*
	 * The leaf lives for this call only: decoded in the thread's own
	 * library context, away from the other threads' locks (util.c).
	 */
	for (i = 0; i < n; i++)
		if ((st = i == 0 ? pt_chain_add_der_ex(chain, der[0],
		    der_len[0], pt_thread_libctx()) : add_intermediate(c,
		    chain, der[i], der_len[i])) != PTRUST_OK) {
			/* a result that says why, as ptrust_verify gives */
			if ((r = pt_calloc(1, sizeof(*r))) != NULL) {
				r->alert = PTRUST_ALERT_BAD_CERTIFICATE;
				pt_seterr(r->err, "certificate %zu: %s", i + 1,
				    ptrust_chain_error(chain));
			}
			ptrust_chain_free(chain);
			*out = r;
			return r != NULL ? st : PTRUST_ERR_NOMEM;
		}
	st = ptrust_verify(store, chain, options, &r);
	ptrust_chain_free(chain);
	*out = r;
	if (st == PTRUST_OK && r->window_ok && now >= r->valid_from &&
	    now <= r->valid_until)
		insert(c, key, r);
	return st;
}
