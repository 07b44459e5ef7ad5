/*
 * Verdict cache: the judged verdict on a presented chain, keyed by a
 * SHA-256 over the snapshot's generation, the purpose, the device the
 * phone claims, every option that can change a verdict, and the exact
 * bytes presented.  A hit costs one digest, one lookup and a reference:
 * no parsing, no copy.
 *
 * Correctness rules (tests/unit/test_cache.c proves each):
 *  - the key covers the bytes, the snapshot generation, the purpose (the
 *    phone rules of pt_judge), the claimed device and the options;
 *  - a verdict is served only while the validation time lies inside the
 *    window it holds for (every notBefore..notAfter of the chain, the
 *    CRLs' lastUpdate..nextUpdate), so time running forwards or backwards
 *    past a boundary validates again;
 *  - a refusal is served REFUSAL_SERVES times at most, then judged again:
 *    one a passing failure caused does not last;
 *  - at most max_entries verdicts, the least recently used evicted first;
 *  - a kept verdict is immutable and shared by reference: every caller it
 *    is served to frees its own reference (result.c), so one evicted
 *    meanwhile stays valid for them;
 *  - one mutex guards the table: a hit holds it for a lookup and a
 *    reference count, never during a validation;
 *  - intermediates are decoded once and shared (by SHA-256 of their DER),
 *    never leaves: each phone's leaf is its own; shared only when OpenSSL
 *    decoded them whole, and no longer once a chain with one is refused.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"

#define KEY_LEN		32
#define MAX_ENTRIES	(16u * 1024 * 1024)
/* Intermediates kept decoded: MIC chains carry the same Cisco CA. */
#define DECODED_SLOTS	256

struct decoded {
	unsigned char	 md[KEY_LEN];	/* SHA-256 of the DER */
	X509		*x;		/* NULL: empty slot */
};

/*
 * A refusal is served this many times, then judged again.  Memory
 * running out inside OpenSSL can read as a refusal (a key "too weak"
 * when its size could not be computed): a verdict that wrong must not
 * lock a phone out for as long as its certificates are valid.  A phone
 * that keeps presenting a refused chain is judged once in 17 attempts.
 */
#define REFUSAL_SERVES	16

struct entry {
	unsigned char	 key[KEY_LEN];
	ptrust_result	*result;
	struct entry	*hnext;			/* hash bucket */
	struct entry	*prev, *next;		/* LRU: head most recent */
	unsigned int	 serves;		/* left for a refusal; 0: any */
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
	/* one bucket per verdict at most: 8 bytes each, chains stay short */
	while (n < max_entries)
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

/*
 * Empty the table and the decoded intermediates, handing back what they
 * held for free_detached: freeing a verdict may free its snapshot, which
 * is no work to do under the lock.
 */
static struct entry *
detach_locked(ptrust_cache *c, X509 *decoded[DECODED_SLOTS])
{
	struct entry *all = c->head;
	size_t i;

	for (i = 0; i < DECODED_SLOTS; i++) {
		decoded[i] = c->decoded[i].x;
		c->decoded[i].x = NULL;
	}
	memset(c->buckets, 0, c->nbuckets * sizeof(*c->buckets));
	c->head = c->tail = NULL;
	c->count = 0;
	return all;
}

static void
free_detached(struct entry *e, X509 *decoded[DECODED_SLOTS])
{
	struct entry *next;
	size_t i;

	for (; e != NULL; e = next) {
		next = e->next;
		entry_free(e);
	}
	for (i = 0; i < DECODED_SLOTS; i++)
		X509_free(decoded[i]);
}

void
ptrust_cache_free(ptrust_cache *c)
{
	X509 *decoded[DECODED_SLOTS];

	if (c == NULL)
		return;
	free_detached(detach_locked(c, decoded), decoded);
	pthread_mutex_destroy(&c->lock);
	OPENSSL_free(c->buckets);
	OPENSSL_free(c);
}

void
ptrust_cache_clear(ptrust_cache *c)
{
	X509 *decoded[DECODED_SLOTS];
	struct entry *all;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	all = detach_locked(c, decoded);
	pthread_mutex_unlock(&c->lock);
	free_detached(all, decoded);
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

/*
 * Everything in the options that can change a verdict, except the time
 * (the window decides) and the device (the key's own field: a
 * presentation may claim another than the options').
 */
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

/*
 * What decides a verdict besides the bytes: the snapshot, the purpose
 * (-1: plain validation; else the phone rules), what the caller knows was
 * presented, the device claimed (the presentation's, else the options'),
 * and the options.
 */
struct keyin {
	const ptrust_store	*store;
	int			 purpose;
	ptrust_presented	 claimed;
	const char		*device;
	const ptrust_options	*o;
	size_t			 n;		/* certificates that follow */
};

static int
key_begin(struct keybuf *k, EVP_MD_CTX **fresh, const struct keyin *in)
{
	k->n = 0;
	if ((k->md = md_get(fresh)) == NULL)
		return 0;
	k->ok = EVP_DigestInit_ex2(k->md, pt_sha256(), NULL);
	kb_raw(k, "ptrust-cache-2", 14);
	put_u64(k, ptrust_store_generation(in->store));
	put_u64(k, (uint64_t)(int64_t)in->purpose);
	put_u64(k, (uint64_t)in->claimed);
	put_bytes(k, in->device != NULL ? in->device : "",
	    in->device != NULL ? strlen(in->device) + 1 : 0);
	put_options(k, in->o);
	put_u64(k, in->n);
	return k->ok;
}

static int
key_end(struct keybuf *k, EVP_MD_CTX *fresh, unsigned char key[KEY_LEN])
{
	unsigned int len = 0;

	kb_flush(k);
	k->ok = k->ok && EVP_DigestFinal_ex(k->md, key, &len) &&
	    len == KEY_LEN;
	EVP_MD_CTX_free(fresh);
	return k->ok;
}

/* The key of certificates given as DER. */
static int
key_of_der(unsigned char key[KEY_LEN], const struct keyin *in,
    const unsigned char *const *der, const size_t *der_len)
{
	struct keybuf k;
	EVP_MD_CTX *fresh;
	size_t i;

	if (!key_begin(&k, &fresh, in)) {
		EVP_MD_CTX_free(fresh);
		return 0;
	}
	for (i = 0; i < in->n; i++)
		put_bytes(&k, der[i], der_len[i]);
	return key_end(&k, fresh, key);
}

/*
 * One certificate libssl decoded, by its DER: encoded again from the
 * encoding OpenSSL kept when it decoded it (a copy, not a parse), into
 * buf when it fits.
 */
static void
put_x509(struct keybuf *k, X509 *x, unsigned char *buf, size_t size)
{
	unsigned char *p = buf, *der = NULL;
	int len;

	if (!k->ok)
		return;
	if ((len = i2d_X509(x, NULL)) <= 0) {
		k->ok = 0;
		return;
	}
	if ((size_t)len > size) {
		if ((len = i2d_X509(x, &der)) <= 0) {
			k->ok = 0;
			return;
		}
		put_bytes(k, der, (size_t)len);
		OPENSSL_free(der);
		return;
	}
	if (i2d_X509(x, &p) != len) {
		k->ok = 0;
		return;
	}
	put_bytes(k, buf, (size_t)len);
}

/* The key of a presentation: its leaf, then the others as sent. */
static int
key_of_presentation(unsigned char key[KEY_LEN], const struct keyin *in,
    X509 *leaf, STACK_OF(X509) *others)
{
	unsigned char buf[4096];
	struct keybuf k;
	EVP_MD_CTX *fresh;
	int i;

	if (!key_begin(&k, &fresh, in)) {
		EVP_MD_CTX_free(fresh);
		return 0;
	}
	put_x509(&k, leaf, buf, sizeof(buf));
	for (i = 0; others != NULL && i < sk_X509_num(others); i++)
		put_x509(&k, sk_X509_value(others, i), buf, sizeof(buf));
	return key_end(&k, fresh, key);
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

/* Out of the table; the caller frees it (outside the lock). */
static void
unlink_locked(ptrust_cache *c, struct entry *e)
{
	struct entry **pp = &c->buckets[bucket_of(c, e->key)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(c, e);
	c->count--;
}

/*
 * The verdict kept under key, a new reference to it, when one is there
 * and holds at now; NULL otherwise (a verdict whose window time has left
 * goes).  Counts the hit or the miss.
 */
static ptrust_result *
served(ptrust_cache *c, const unsigned char key[KEY_LEN], time_t now)
{
	struct entry *e, *stale = NULL;
	ptrust_result *r = NULL;

	pthread_mutex_lock(&c->lock);
	if ((e = lookup(c, key)) != NULL) {
		if (now >= e->result->valid_from &&
		    now <= e->result->valid_until) {
			r = pt_result_ref(e->result);
			if (e->serves > 0 && --e->serves == 0) {
				unlink_locked(c, e);	/* judged next time */
				stale = e;
			} else {
				lru_unlink(c, e);
				lru_push_front(c, e);
			}
		} else {
			unlink_locked(c, e);	/* time left its window */
			stale = e;
		}
	}
	if (r != NULL)
		c->hits++;
	else
		c->misses++;
	pthread_mutex_unlock(&c->lock);
	if (stale != NULL)
		entry_free(stale);
	return r;
}

/*
 * Keep r (its own, just judged at now) under key when its window holds
 * at now.  Returns the verdict to hand out: r itself, or r made compact
 * and shared with the cache.  Out of memory, the cache does not learn.
 */
static ptrust_result *
learn(ptrust_cache *c, const unsigned char key[KEY_LEN], ptrust_result *r,
    time_t now)
{
	struct entry *e, *gone = NULL, *next;
	size_t b;

	if (!r->window_ok || now < r->valid_from || now > r->valid_until)
		return r;
	if ((e = pt_calloc(1, sizeof(*e))) == NULL)
		return r;
	r = pt_result_keep(r);
	e->result = pt_result_ref(r);
	e->serves = r->trusted ? 0 : REFUSAL_SERVES;
	memcpy(e->key, key, KEY_LEN);
	pthread_mutex_lock(&c->lock);
	if ((next = lookup(c, key)) != NULL) {	/* another thread was first */
		unlink_locked(c, next);
		next->hnext = gone;
		gone = next;
	}
	while (c->count >= c->max && c->tail != NULL) {
		next = c->tail;
		unlink_locked(c, next);
		next->hnext = gone;
		gone = next;
	}
	b = bucket_of(c, key);
	e->hnext = c->buckets[b];
	c->buckets[b] = e;
	lru_push_front(c, e);
	c->count++;
	pthread_mutex_unlock(&c->lock);
	/* the last reference of an evicted verdict may be ours: freed here */
	for (; gone != NULL; gone = next) {
		next = gone->hnext;
		entry_free(gone);
	}
	return r;
}

/* Intermediates of a chain that are shared ones (the first few). */
struct taken {
	struct decoded	*slot[4];
	X509		*x[4];
	size_t		 n;
};

/*
 * Append an intermediate to chain, decoded once and shared afterwards:
 * X509 objects are reference-counted and safe to share between threads.
 */
static ptrust_status
add_intermediate(ptrust_cache *c, ptrust_chain *chain,
    const unsigned char *der, size_t len, struct taken *t)
{
	unsigned char md[KEY_LEN];
	struct decoded *slot;
	ptrust_status st;
	X509 *x = NULL, *old = NULL;

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
		if (st == PTRUST_OK && t->n < sizeof(t->x) / sizeof(t->x[0])) {
			t->slot[t->n] = slot;
			t->x[t->n++] = x;
		}
		X509_free(x);
		return st;
	}
	if ((st = ptrust_chain_add_der(chain, der, len)) != PTRUST_OK)
		return st;
	x = sk_X509_value(chain->certs, sk_X509_num(chain->certs) - 1);
	/*
	 * Shared only whole: memory running out while OpenSSL decoded its
	 * key or cached its extensions leaves an object that fails every
	 * chain it is in (no key, or EXFLAG_INVALID), which must not stand
	 * for the certificate in the chains of every phone after.
	 */
	if (X509_get0_pubkey(x) == NULL ||
	    (X509_get_extension_flags(x) & EXFLAG_INVALID) ||
	    !(X509_get_extension_flags(x) & EXFLAG_SET))
		return PTRUST_OK;
	pthread_mutex_lock(&c->lock);
	if (X509_up_ref(x)) {
		old = slot->x;
		slot->x = x;
		memcpy(slot->md, md, KEY_LEN);
		if (t->n < sizeof(t->x) / sizeof(t->x[0])) {
			t->slot[t->n] = slot;
			t->x[t->n++] = x;
		}
	}
	pthread_mutex_unlock(&c->lock);
	X509_free(old);
	return PTRUST_OK;
}

/*
 * A chain refused with a shared intermediate (taken, or just shared):
 * that intermediate is no longer shared, the next chain decodes it
 * afresh.  OpenSSL keeps state
 * in a decoded certificate (its key's exports, say) that a passing
 * failure can leave broken; a broken one shared would refuse every MIC
 * from then on.  A refusal that is right costs one decoding more.
 */
static void
untake(ptrust_cache *c, const struct taken *t)
{
	X509 *gone[4];
	size_t i, n = 0;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < t->n; i++)
		if (t->slot[i]->x == t->x[i]) {
			gone[n++] = t->slot[i]->x;
			t->slot[i]->x = NULL;
		}
	pthread_mutex_unlock(&c->lock);
	for (i = 0; i < n; i++)
		X509_free(gone[i]);
}

static time_t
judging_time(const ptrust_options *o)
{
	return o->has_time ? o->at : time(NULL);
}

ptrust_status
ptrust_cache_verify(ptrust_cache *c, const ptrust_store *store,
    const unsigned char *const *der, const size_t *der_len, size_t n,
    const ptrust_options *options, ptrust_result **out)
{
	unsigned char key[KEY_LEN];
	struct pt_presentation p;
	struct keyin in;
	struct taken taken;
	STACK_OF(X509) *rest = NULL;
	ptrust_chain *chain = NULL;
	ptrust_result *r = NULL;
	ptrust_status st;
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
	now = judging_time(options);
	memset(&in, 0, sizeof(in));
	in.store = store;
	in.purpose = -1;
	in.claimed = PTRUST_PRESENTED_NONE;
	in.device = options->device;
	in.o = options;
	in.n = n;
	if (!key_of_der(key, &in, der, der_len))
		return PTRUST_ERR_NOMEM;
	if ((*out = served(c, key, now)) != NULL)
		return PTRUST_OK;

	if ((chain = ptrust_chain_new()) == NULL)
		return PTRUST_ERR_NOMEM;
	taken.n = 0;
	/*
	 * The leaf lives for this call only: decoded in the thread's own
	 * library context, away from the other threads' locks (util.c).
	 */
	for (i = 0; i < n; i++)
		if ((st = i == 0 ? pt_chain_add_der_ex(chain, der[0],
		    der_len[0], pt_thread_libctx()) : add_intermediate(c,
		    chain, der[i], der_len[i], &taken)) != PTRUST_OK) {
			/* a result that says why, as ptrust_verify gives */
			if ((r = pt_calloc(1, sizeof(*r))) != NULL) {
				r->alert = PTRUST_ALERT_BAD_CERTIFICATE;
				r->purpose = -1;
				pt_seterr(r->err, "certificate %zu: %s", i + 1,
				    ptrust_chain_error(chain));
			}
			ptrust_chain_free(chain);
			*out = r;
			return r != NULL ? st : PTRUST_ERR_NOMEM;
		}
	/* ptrust_verify's presentation: the first as sent is the leaf */
	if (n > 1 && (rest = sk_X509_new_reserve(NULL, (int)n - 1)) == NULL) {
		ptrust_chain_free(chain);
		return PTRUST_ERR_NOMEM;
	}
	for (i = 1; i < n; i++)
		(void)sk_X509_push(rest, sk_X509_value(chain->certs, (int)i));
	memset(&p, 0, sizeof(p));
	p.store = store;
	p.purpose = -1;
	p.leaf = sk_X509_value(chain->certs, 0);
	p.others = rest;
	p.options = options;
	st = pt_judge(&p, &r);
	sk_X509_free(rest);
	ptrust_chain_free(chain);
	if (taken.n > 0 && (st != PTRUST_OK || !r->trusted))
		untake(c, &taken);
	if (st == PTRUST_OK)
		r = learn(c, key, r, now);
	*out = r;
	return st;
}

/*
 * pt_judge through the cache, for the certificates a TLS stack already
 * decoded (ssl.c): the key from their DER, and on a miss the judging of
 * these very objects.  A presentation without a certificate or a store is
 * judged every time, never kept.
 */
ptrust_status
pt_cache_judge(ptrust_cache *c, const struct pt_presentation *p,
    ptrust_result **out)
{
	const ptrust_options *o = p->options != NULL ? p->options :
	    &pt_options_defaults;
	unsigned char key[KEY_LEN];
	struct keyin in;
	ptrust_result *r = NULL;
	ptrust_status st;
	time_t now;

	*out = NULL;
	if (c == NULL || p->leaf == NULL || p->store == NULL)
		return pt_judge(p, out);
	now = judging_time(o);
	memset(&in, 0, sizeof(in));
	in.store = p->store;
	in.purpose = p->purpose;
	in.claimed = p->claimed;
	in.device = p->device != NULL ? p->device : o->device;
	in.o = o;
	in.n = 1 + (p->others != NULL ? (size_t)sk_X509_num(p->others) : 0);
	if (!key_of_presentation(key, &in, p->leaf, p->others))
		return PTRUST_ERR_NOMEM;
	if ((*out = served(c, key, now)) != NULL)
		return PTRUST_OK;
	st = pt_judge(p, &r);
	if (st == PTRUST_OK)
		r = learn(c, key, r, now);
	*out = r;
	return st;
}

/*
 * pt_cache_judge for a server whose TLS layer is not an attached SSL_CTX
 * (the Kamailio module): the same presentation as ssl.c hands it, the
 * caller's snapshot and cache.
 */
ptrust_status
ptrust_cache_verify_presented(ptrust_cache *cache, const ptrust_store *snapshot,
    ptrust_cluster_purpose purpose, X509 *leaf, STACK_OF(X509) *others,
    const ptrust_options *options, ptrust_result **result)
{
	struct pt_presentation p;

	if (result == NULL)
		return PTRUST_ERR_ARG;
	*result = NULL;
	if (snapshot == NULL || ptrust_cluster_purpose_name(purpose) == NULL)
		return PTRUST_ERR_ARG;
	memset(&p, 0, sizeof(p));
	p.store = snapshot;
	p.purpose = (int)purpose;
	p.leaf = leaf;
	p.others = others;
	p.options = options;
	return pt_cache_judge(cache, &p, result);
}
