/*
 * A Cisco cluster: named stores (callmanager-trust, capf-trust,
 * manufacturing-ca and any an administrator adds), which store each purpose
 * validates against, and whether the manufacturing CAs count as members of
 * CallManager-trust and CAPF-trust, as CUCM makes them by default.
 *
 * On disk: DIR/cluster.conf (the settings and the list of stores) and one
 * directory per store, DIR/<store>/ALIAS.pem.  Writers exclude each other
 * with an flock on DIR/cluster.lock held from before the load to after the
 * save; readers take no lock, every file being replaced by a rename.
 *
 * A store's certificates are decoded when it is first used, not before
 * (decoding is what a load costs: OpenSSL sets up a public-key decoder
 * for each certificate): the built-in Cisco CAs of a new cluster, which a
 * load from disk discards unread, and the files a load read, checked and
 * keeps until a snapshot, a save or the store's builder needs them.  So a
 * tool that validates for one purpose decodes that purpose's stores only.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/x509v3.h>

#include "internal.h"

#define CM_TRUST	"callmanager-trust"
#define CAPF_TRUST	"capf-trust"
#define MFG_CA		"manufacturing-ca"
#define CONF_FILE	"cluster.conf"
#define LOCK_FILE	"cluster.lock"

struct pt_cstore {
	char		*name;
	ptrust_builder	*builder;	/* what is decoded so far */
	/* to decode before use: the files a load read, or Cisco's CAs */
	struct pt_store_files *pending;
	char		*pending_path;
	int		 builtin;
};

struct ptrust_cluster {
	struct pt_cstore *stores;
	size_t		 n_stores;
	int		 manufacturing_trusted;
	char		*dot1x_store;	/* NULL: not set */
	char		*vpn_store;
	/*
	 * Who issues LSCs: CAPF itself, or (online or offline CA mode) an
	 * enterprise CA named by the SHA-256 of its certificate, which must
	 * be an anchor of some store.  Decided by that certificate, never by
	 * a name.
	 */
	ptrust_capf_mode capf_mode;
	char		 lsc_issuer[65];	/* "" in CAPF mode */
	/* built-in Cisco CAs turned off one by one, by SHA-256 */
	char		(*cisco_off)[65];
	size_t		 n_cisco_off;
	int		 lock_fd;	/* -1: no writer lock held */
	char		 err[PT_ERRLEN];
};

const char *
ptrust_cluster_purpose_name(ptrust_cluster_purpose p)
{
	switch (p) {
	case PTRUST_CLUSTER_CALLMANAGER_TLS:	return "callmanager-tls";
	case PTRUST_CLUSTER_CAPF:		return "capf";
	case PTRUST_CLUSTER_8021X:		return "802.1x";
	case PTRUST_CLUSTER_VPN:		return "vpn";
	}
	return NULL;
}

int
ptrust_cluster_purpose_from_name(const char *name, ptrust_cluster_purpose *p)
{
	int i;

	if (name == NULL || p == NULL)
		return -1;
	for (i = PTRUST_CLUSTER_CALLMANAGER_TLS; i <= PTRUST_CLUSTER_VPN; i++)
		if (strcmp(name, ptrust_cluster_purpose_name(i)) == 0) {
			*p = (ptrust_cluster_purpose)i;
			return 0;
		}
	return -1;
}

static void
free_stores(struct pt_cstore *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		OPENSSL_free(s[i].name);
		ptrust_builder_free(s[i].builder);
		pt_store_files_free(s[i].pending);
		OPENSSL_free(s[i].pending_path);
	}
	OPENSSL_free(s);
}

static struct pt_cstore *
find_store(const ptrust_cluster *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_stores; i++)
		if (strcmp(c->stores[i].name, name) == 0)
			return &c->stores[i];
	return NULL;
}

/* Appends an empty store; NULL when out of memory. */
static struct pt_cstore *
append_store(ptrust_cluster *c, const char *name)
{
	struct pt_cstore *s, *tmp;

	tmp = OPENSSL_realloc(c->stores, (c->n_stores + 1) * sizeof(*tmp));
	if (tmp == NULL)
		return NULL;
	c->stores = tmp;
	s = &c->stores[c->n_stores];
	memset(s, 0, sizeof(*s));
	if ((s->name = OPENSSL_strdup(name)) == NULL)
		return NULL;
	if ((s->builder = ptrust_builder_new(name)) == NULL) {
		OPENSSL_free(s->name);
		return NULL;
	}
	c->n_stores++;
	return s;
}

/* Cisco's public CAs (cisco_cas.c) into a manufacturing-ca builder. */
static ptrust_status
add_builtin_cas(ptrust_builder *b)
{
	ptrust_status st = PTRUST_OK;
	size_t i;

	for (i = 0; i < pt_cisco_ca_count && st == PTRUST_OK; i++)
		st = ptrust_builder_add_mem(b, pt_cisco_cas[i].pem,
		    strlen(pt_cisco_cas[i].pem), NULL,
		    PTRUST_ROLE_MANUFACTURING);
	return st;
}

/*
 * Decode what s still holds undecoded, into a builder of its own that
 * replaces s's empty one only when all of it went in: a failure (out of
 * memory, a certificate that does not decode) leaves s as it was, to be
 * told again by the next use.  c->err says why.
 */
static ptrust_status
store_ready(ptrust_cluster *c, struct pt_cstore *s)
{
	ptrust_builder *b;
	ptrust_status st;

	if (s->pending == NULL && !s->builtin)
		return PTRUST_OK;
	if ((b = ptrust_builder_new(s->name)) == NULL) {
		pt_seterr(c->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	st = s->builtin ? add_builtin_cas(b) : pt_builder_load_files(b,
	    s->pending_path, s->pending);
	if (st != PTRUST_OK) {
		pt_seterr(c->err, "%s", st == PTRUST_ERR_NOMEM &&
		    *ptrust_builder_error(b) == '\0' ? "out of memory" :
		    ptrust_builder_error(b));
		ptrust_builder_free(b);
		return st;
	}
	ptrust_builder_free(s->builder);
	s->builder = b;
	pt_store_files_free(s->pending);
	s->pending = NULL;
	OPENSSL_free(s->pending_path);
	s->pending_path = NULL;
	s->builtin = 0;
	return PTRUST_OK;
}

/* Every store decoded (a save, a copy of the whole). */
static ptrust_status
stores_ready(ptrust_cluster *c)
{
	ptrust_status st;
	size_t i;

	for (i = 0; i < c->n_stores; i++)
		if ((st = store_ready(c, &c->stores[i])) != PTRUST_OK)
			return st;
	return PTRUST_OK;
}

static ptrust_cluster *
cluster_empty(void)
{
	ptrust_cluster *c = pt_calloc(1, sizeof(*c));

	if (c != NULL) {
		c->manufacturing_trusted = 1;
		c->lock_fd = -1;
	}
	return c;
}

ptrust_cluster *
ptrust_cluster_new(void)
{
	ptrust_cluster *c;
	struct pt_cstore *mfg;

	if ((c = cluster_empty()) == NULL)
		return NULL;
	if (append_store(c, CM_TRUST) == NULL ||
	    append_store(c, CAPF_TRUST) == NULL ||
	    (mfg = append_store(c, MFG_CA)) == NULL) {
		ptrust_cluster_free(c);
		return NULL;
	}
	mfg->builtin = 1;	/* decoded when used: a load discards them */
	return c;
}

void
ptrust_cluster_free(ptrust_cluster *c)
{
	if (c == NULL)
		return;
	free_stores(c->stores, c->n_stores);
	OPENSSL_free(c->dot1x_store);
	OPENSSL_free(c->vpn_store);
	OPENSSL_free(c->cisco_off);
	if (c->lock_fd != -1)
		close(c->lock_fd);	/* releases the lock */
	OPENSSL_free(c);
}

const char *
ptrust_cluster_error(const ptrust_cluster *c)
{
	return c != NULL ? c->err : "no cluster";
}

size_t
ptrust_cluster_store_count(const ptrust_cluster *c)
{
	return c != NULL ? c->n_stores : 0;
}

const char *
ptrust_cluster_store_name(const ptrust_cluster *c, size_t i)
{
	return c != NULL && i < c->n_stores ? c->stores[i].name : NULL;
}

ptrust_builder *
ptrust_cluster_store(ptrust_cluster *c, const char *name, int create)
{
	struct pt_cstore *s;

	if (c == NULL || !pt_alias_valid(name))
		return NULL;
	if ((s = find_store(c, name)) == NULL && create)
		s = append_store(c, name);
	/* decoded now, or NULL with ptrust_cluster_error saying why */
	if (s == NULL || store_ready(c, s) != PTRUST_OK)
		return NULL;
	return s->builder;
}

static int
is_builtin_store(const char *name)
{
	return strcmp(name, CM_TRUST) == 0 || strcmp(name, CAPF_TRUST) == 0 ||
	    strcmp(name, MFG_CA) == 0;
}

ptrust_status
ptrust_cluster_remove_store(ptrust_cluster *c, const char *name)
{
	struct pt_cstore *s;
	size_t i;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (name == NULL || is_builtin_store(name)) {
		pt_seterr(c->err, "store %s cannot be removed: CUCM always has "
		    "callmanager-trust, capf-trust and manufacturing-ca",
		    name != NULL ? name : "(null)");
		return PTRUST_ERR_ARG;
	}
	if ((s = find_store(c, name)) == NULL) {
		pt_seterr(c->err, "no store named %s", name);
		return PTRUST_ERR_NOT_FOUND;
	}
	i = (size_t)(s - c->stores);
	OPENSSL_free(s->name);
	ptrust_builder_free(s->builder);
	pt_store_files_free(s->pending);
	OPENSSL_free(s->pending_path);
	memmove(s, s + 1, (c->n_stores - i - 1) * sizeof(*s));
	c->n_stores--;
	return PTRUST_OK;
}

ptrust_status
ptrust_cluster_set_manufacturing_trusted(ptrust_cluster *c, int trusted)
{
	if (c == NULL)
		return PTRUST_ERR_ARG;
	c->manufacturing_trusted = trusted != 0;
	return PTRUST_OK;
}

int
ptrust_cluster_manufacturing_trusted(const ptrust_cluster *c)
{
	return c != NULL && c->manufacturing_trusted;
}

static char **
purpose_slot(ptrust_cluster *c, ptrust_cluster_purpose p)
{
	switch (p) {
	case PTRUST_CLUSTER_8021X:
		return &c->dot1x_store;
	case PTRUST_CLUSTER_VPN:
		return &c->vpn_store;
	default:
		return NULL;
	}
}

ptrust_status
ptrust_cluster_set_purpose_store(ptrust_cluster *c, ptrust_cluster_purpose p,
    const char *store)
{
	char **slot, *copy = NULL;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if ((slot = purpose_slot(c, p)) == NULL) {
		pt_seterr(c->err, "the store of %s is fixed",
		    ptrust_cluster_purpose_name(p) != NULL ?
		    ptrust_cluster_purpose_name(p) : "this purpose");
		return PTRUST_ERR_ARG;
	}
	if (store != NULL && !pt_alias_valid(store)) {
		pt_seterr(c->err, "invalid store name \"%s\"", store);
		return PTRUST_ERR_ARG;
	}
	if (store != NULL && (copy = OPENSSL_strdup(store)) == NULL) {
		pt_seterr(c->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	OPENSSL_free(*slot);
	*slot = copy;
	return PTRUST_OK;
}

const char *
ptrust_cluster_purpose_store(const ptrust_cluster *c, ptrust_cluster_purpose p)
{
	if (c == NULL)
		return NULL;
	switch (p) {
	case PTRUST_CLUSTER_CALLMANAGER_TLS:	return CM_TRUST;
	case PTRUST_CLUSTER_CAPF:		return CAPF_TRUST;
	case PTRUST_CLUSTER_8021X:		return c->dot1x_store;
	case PTRUST_CLUSTER_VPN:		return c->vpn_store;
	}
	return NULL;
}

/* ------------------------------------------ CAPF mode and Cisco's CAs */

const char *
ptrust_capf_mode_name(ptrust_capf_mode m)
{
	switch (m) {
	case PTRUST_CAPF_MODE_CAPF:		return "capf";
	case PTRUST_CAPF_MODE_ONLINE_CA:	return "online-ca";
	case PTRUST_CAPF_MODE_OFFLINE_CA:	return "offline-ca";
	}
	return NULL;
}

int
ptrust_capf_mode_from_name(const char *name, ptrust_capf_mode *m)
{
	int i;

	if (name == NULL || m == NULL)
		return -1;
	for (i = PTRUST_CAPF_MODE_CAPF; i <= PTRUST_CAPF_MODE_OFFLINE_CA; i++)
		if (strcmp(name, ptrust_capf_mode_name(i)) == 0) {
			*m = (ptrust_capf_mode)i;
			return 0;
		}
	return -1;
}

/* The anchor of any store with this alias or fingerprint (decoded). */
static const ptrust_anchor *
find_anchor_anywhere(ptrust_cluster *c, const char *alias_or_sha256)
{
	const ptrust_anchor *a;
	size_t i;

	for (i = 0; i < c->n_stores; i++) {
		if (store_ready(c, &c->stores[i]) != PTRUST_OK)
			return NULL;
		if ((a = ptrust_builder_find(c->stores[i].builder,
		    alias_or_sha256)) != NULL)
			return a;
	}
	return NULL;
}

ptrust_status
ptrust_cluster_set_capf_mode(ptrust_cluster *c, ptrust_capf_mode mode,
    const char *lsc_issuer)
{
	const ptrust_anchor *a;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (ptrust_capf_mode_name(mode) == NULL) {
		pt_seterr(c->err, "no such CAPF mode");
		return PTRUST_ERR_ARG;
	}
	if (mode == PTRUST_CAPF_MODE_CAPF) {
		c->capf_mode = mode;
		c->lsc_issuer[0] = '\0';
		return PTRUST_OK;
	}
	if (lsc_issuer == NULL) {
		pt_seterr(c->err, "%s mode needs the LSC issuer: the issuing "
		    "CA's alias or SHA-256", ptrust_capf_mode_name(mode));
		return PTRUST_ERR_ARG;
	}
	if ((a = find_anchor_anywhere(c, lsc_issuer)) == NULL) {
		pt_seterr(c->err, "no anchor of any store is \"%s\": import "
		    "the issuing CA's certificate first", lsc_issuer);
		return PTRUST_ERR_NOT_FOUND;
	}
	if (X509_check_ca(a->x509) == 0) {
		pt_seterr(c->err, "%s is not a CA certificate", a->alias);
		return PTRUST_ERR_ARG;
	}
	c->capf_mode = mode;
	memcpy(c->lsc_issuer, a->sha256, sizeof(c->lsc_issuer));
	return PTRUST_OK;
}

ptrust_capf_mode
ptrust_cluster_capf_mode(const ptrust_cluster *c)
{
	return c != NULL ? c->capf_mode : PTRUST_CAPF_MODE_CAPF;
}

const char *
ptrust_cluster_lsc_issuer(const ptrust_cluster *c)
{
	return c != NULL && c->lsc_issuer[0] != '\0' ? c->lsc_issuer : NULL;
}

static int
cisco_off(const ptrust_cluster *c, const char *sha256)
{
	size_t i;

	for (i = 0; i < c->n_cisco_off; i++)
		if (strcmp(c->cisco_off[i], sha256) == 0)
			return 1;
	return 0;
}

static ptrust_status
set_cisco_off(ptrust_cluster *c, const char *sha256, int off)
{
	char (*tmp)[65];
	size_t i;

	for (i = 0; i < c->n_cisco_off; i++)
		if (strcmp(c->cisco_off[i], sha256) == 0)
			break;
	if (!off && i < c->n_cisco_off) {
		memmove(&c->cisco_off[i], &c->cisco_off[i + 1],
		    (c->n_cisco_off - i - 1) * sizeof(*c->cisco_off));
		c->n_cisco_off--;
	} else if (off && i == c->n_cisco_off) {
		if ((tmp = OPENSSL_realloc(c->cisco_off, (c->n_cisco_off + 1) *
		    sizeof(*tmp))) == NULL) {
			pt_seterr(c->err, "out of memory");
			return PTRUST_ERR_NOMEM;
		}
		c->cisco_off = tmp;
		memcpy(c->cisco_off[c->n_cisco_off++], sha256, 65);
	}
	return PTRUST_OK;
}

/*
 * As CUCM's `set cert default-ca-list disable|enable`: one built-in
 * Cisco CA (alias or SHA-256 of an anchor of manufacturing-ca) no longer
 * trusted by callmanager-tls and capf, or again.
 */
ptrust_status
ptrust_cluster_set_cisco_ca_enabled(ptrust_cluster *c,
    const char *alias_or_sha256, int enabled)
{
	struct pt_cstore *mfg;
	const ptrust_anchor *a;
	char sha[65];

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (alias_or_sha256 == NULL) {
		pt_seterr(c->err, "no CA named");
		return PTRUST_ERR_ARG;
	}
	/* one turned off earlier and since gone can be turned on again */
	if (enabled && pt_normalize_sha256(alias_or_sha256, sha) &&
	    cisco_off(c, sha))
		return set_cisco_off(c, sha, 0);
	if ((mfg = find_store(c, MFG_CA)) == NULL ||
	    store_ready(c, mfg) != PTRUST_OK ||
	    (a = ptrust_builder_find(mfg->builder, alias_or_sha256)) == NULL) {
		pt_seterr(c->err, "no anchor \"%s\" in %s", alias_or_sha256,
		    MFG_CA);
		return PTRUST_ERR_NOT_FOUND;
	}
	return set_cisco_off(c, a->sha256, !enabled);
}

int
ptrust_cluster_cisco_ca_enabled(ptrust_cluster *c, const char *alias_or_sha256)
{
	struct pt_cstore *mfg;
	const ptrust_anchor *a;
	char sha[65];

	if (c == NULL || alias_or_sha256 == NULL)
		return 0;
	if (pt_normalize_sha256(alias_or_sha256, sha))
		return !cisco_off(c, sha);
	if ((mfg = find_store(c, MFG_CA)) == NULL ||
	    store_ready(c, mfg) != PTRUST_OK ||
	    (a = ptrust_builder_find(mfg->builder, alias_or_sha256)) == NULL)
		return 0;
	return !cisco_off(c, a->sha256);
}

/*
 * Whether a purpose's snapshot keeps anchor a.  A Cisco CA turned off is
 * gone from what callmanager-tls and capf trust.  In the CA modes only the
 * LSC issuer vouches for LSCs: another anchor issuing them (the enterprise
 * root above it, which also signs laptops and web servers) is left out,
 * so that nothing but a certificate through the issuer is ever an LSC.
 */
static int
anchor_kept(const ptrust_cluster *c, ptrust_cluster_purpose p,
    const ptrust_anchor *a)
{
	if ((p == PTRUST_CLUSTER_CALLMANAGER_TLS || p == PTRUST_CLUSTER_CAPF) &&
	    cisco_off(c, a->sha256))
		return 0;
	if (c->capf_mode != PTRUST_CAPF_MODE_CAPF &&
	    a->role == PTRUST_ROLE_EXTERNAL_CA &&
	    strcmp(a->sha256, c->lsc_issuer) != 0)
		return 0;
	return 1;
}

/*
 * In the CA modes, the LSC issuer as an anchor issuing LSCs, when the
 * store trusts it: holds it, or holds the anchor whose key signed it.
 * *made: a new anchor object for the issuer's role (the caller's).
 */
static ptrust_status
add_lsc_issuer(ptrust_cluster *c, const struct pt_cstore *s,
    ptrust_anchor **all, size_t *n, ptrust_anchor **made)
{
	const ptrust_anchor *iss;
	EVP_PKEY *key;
	size_t i;
	int trusted = 0, have = -1;

	*made = NULL;
	/*
	 * An issuer in no store (cluster.conf naming one never imported):
	 * nothing vouches for LSCs from the enterprise CA, which fails closed.
	 */
	if (c->capf_mode == PTRUST_CAPF_MODE_CAPF ||
	    (iss = find_anchor_anywhere(c, c->lsc_issuer)) == NULL)
		return PTRUST_OK;
	for (i = 0; i < s->builder->n_anchors; i++) {
		const ptrust_anchor *a = s->builder->anchors[i];

		if (strcmp(a->sha256, iss->sha256) == 0)
			trusted = 1;
		else if (X509_check_issued(a->x509, iss->x509) == X509_V_OK &&
		    (key = X509_get0_pubkey(a->x509)) != NULL &&
		    X509_verify(iss->x509, key) == 1)
			trusted = 1;
	}
	if (!trusted)
		return PTRUST_OK;
	for (i = 0; i < *n; i++)
		if (strcmp(all[i]->sha256, iss->sha256) == 0)
			have = (int)i;
	if (have >= 0 && all[have]->role == PTRUST_ROLE_EXTERNAL_CA)
		return PTRUST_OK;
	if ((*made = pt_anchor_with(iss, NULL, PTRUST_ROLE_EXTERNAL_CA)) ==
	    NULL) {
		pt_seterr(c->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	if (have >= 0)
		all[have] = *made;
	else
		all[(*n)++] = *made;
	return PTRUST_OK;
}

/* A copy of c (stores, settings, not its writer lock), for a what-if. */
ptrust_cluster *
ptrust_cluster_copy(ptrust_cluster *c)
{
	ptrust_cluster *n;
	ptrust_store *snap;
	size_t i;

	if (c == NULL || stores_ready(c) != PTRUST_OK ||
	    (n = cluster_empty()) == NULL)
		return NULL;
	n->manufacturing_trusted = c->manufacturing_trusted;
	n->capf_mode = c->capf_mode;
	memcpy(n->lsc_issuer, c->lsc_issuer, sizeof(n->lsc_issuer));
	for (i = 0; i < c->n_stores; i++) {
		struct pt_cstore *s;

		if ((s = append_store(n, c->stores[i].name)) == NULL ||
		    ptrust_builder_build(c->stores[i].builder, &snap) !=
		    PTRUST_OK)
			goto fail;
		ptrust_builder_free(s->builder);
		s->builder = ptrust_builder_new_from_store(snap);
		ptrust_store_unref(snap);
		if (s->builder == NULL)
			goto fail;
	}
	if ((c->dot1x_store != NULL &&
	    (n->dot1x_store = OPENSSL_strdup(c->dot1x_store)) == NULL) ||
	    (c->vpn_store != NULL &&
	    (n->vpn_store = OPENSSL_strdup(c->vpn_store)) == NULL))
		goto fail;
	for (i = 0; i < c->n_cisco_off; i++)
		if (set_cisco_off(n, c->cisco_off[i], 1) != PTRUST_OK)
			goto fail;
	return n;
fail:
	ptrust_cluster_free(n);
	return NULL;
}

ptrust_status
ptrust_cluster_snapshot(ptrust_cluster *c, ptrust_cluster_purpose p,
    ptrust_store **out)
{
	const char *name;
	struct pt_cstore *s, *mfg = NULL;
	ptrust_anchor **all = NULL, *made = NULL;
	size_t n = 0, n_own, i, j;
	ptrust_status st;

	if (out != NULL)
		*out = NULL;
	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (out == NULL || ptrust_cluster_purpose_name(p) == NULL) {
		pt_seterr(c->err, "need a valid purpose and a place for the "
		    "snapshot");
		return PTRUST_ERR_ARG;
	}
	if ((name = ptrust_cluster_purpose_store(c, p)) == NULL) {
		pt_seterr(c->err, "no store is set for %s: name one with "
		    "ptrust_cluster_set_purpose_store",
		    ptrust_cluster_purpose_name(p));
		return PTRUST_ERR_ARG;
	}
	if ((s = find_store(c, name)) == NULL) {
		pt_seterr(c->err, "%s uses store %s, which does not exist",
		    ptrust_cluster_purpose_name(p), name);
		return PTRUST_ERR_NOT_FOUND;
	}
	if (c->manufacturing_trusted && (p == PTRUST_CLUSTER_CALLMANAGER_TLS ||
	    p == PTRUST_CLUSTER_CAPF))
		mfg = find_store(c, MFG_CA);
	if ((st = store_ready(c, s)) != PTRUST_OK ||
	    (mfg != NULL && (st = store_ready(c, mfg)) != PTRUST_OK))
		return st;
	/* The store's own anchors, then the manufacturing CAs it lacks. */
	if ((all = pt_calloc(s->builder->n_anchors + 1 +
	    (mfg != NULL ? mfg->builder->n_anchors : 0),
	    sizeof(*all))) == NULL) {
		pt_seterr(c->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	for (i = 0; i < s->builder->n_anchors; i++)
		if (anchor_kept(c, p, s->builder->anchors[i]))
			all[n++] = s->builder->anchors[i];
	n_own = n;
	if ((st = add_lsc_issuer(c, s, all, &n, &made)) != PTRUST_OK) {
		OPENSSL_free(all);
		return st;
	}
	n_own = n;
	for (i = 0; mfg != NULL && i < mfg->builder->n_anchors; i++) {
		if (!anchor_kept(c, p, mfg->builder->anchors[i]))
			continue;
		for (j = 0; j < s->builder->n_anchors; j++)
			if (strcmp(s->builder->anchors[j]->sha256,
			    mfg->builder->anchors[i]->sha256) == 0)
				break;
		if (j == s->builder->n_anchors)
			all[n++] = mfg->builder->anchors[i];
	}
	st = pt_store_build_ex(name, all, n, n_own, MFG_CA, out, c->err);
	pt_anchor_unref(made);
	OPENSSL_free(all);
	return st;
}

/* ------------------------------------------------------------ on disk */

static int
join(char *buf, size_t len, const char *dir, const char *name)
{
	return snprintf(buf, len, "%s/%s", dir, name) < (int)len;
}

/*
 * cluster.conf: "key = value" lines, '#' comments.  Keys: store (one line
 * per store, in order), manufacturing-trusted (yes/no), 802.1x, vpn.
 */
static ptrust_status
read_conf(ptrust_cluster *c, const char *dir, int *found, char *err)
{
	char path[4096], *line, *save = NULL, *text;
	unsigned char *data;
	size_t len, off;
	ptrust_status st;
	int lineno = 0;

	*found = 0;
	if (!join(path, sizeof(path), dir, CONF_FILE)) {
		pt_seterr(err, "%s: path too long", dir);
		return PTRUST_ERR_ARG;
	}
	if (access(path, F_OK) != 0)
		return PTRUST_OK;	/* a hand-made directory: no settings */
	if ((st = pt_read_file(path, &data, &len, err)) != PTRUST_OK)
		return st;
	*found = 1;
	/*
	 * Text only: a NUL would end the parse early and leave the rest
	 * unread (a garbled file read as a short, valid one), and other
	 * control bytes are no setting either.
	 */
	for (off = 0; off < len; off++)
		if ((data[off] < 0x20 && data[off] != '\t' && data[off] != '\n' &&
		    data[off] != '\r') || data[off] == 0x7f) {
			for (lineno = 1; off > 0; off--)
				lineno += data[off - 1] == '\n';
			pt_seterr(err, "%s line %d: not a text file (binary "
			    "data)", path, lineno);
			OPENSSL_free(data);
			return PTRUST_ERR_PARSE;
		}
	text = (char *)data;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char key[64], value[256];

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r")] == '\0')
			continue;
		if (sscanf(line, " %63[^= \t] = %255s", key, value) != 2) {
			pt_seterr(err, "%s line %d: expected \"key = value\"",
			    path, lineno);
			st = PTRUST_ERR_PARSE;
			break;
		}
		if (strcmp(key, "store") == 0) {
			if (!pt_alias_valid(value) || find_store(c, value) != NULL) {
				pt_seterr(err, "%s line %d: bad or repeated store "
				    "name \"%s\"", path, lineno, value);
				st = PTRUST_ERR_PARSE;
				break;
			}
			if (append_store(c, value) == NULL) {
				pt_seterr(err, "out of memory");
				st = PTRUST_ERR_NOMEM;
				break;
			}
		} else if (strcmp(key, "manufacturing-trusted") == 0) {
			if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
				pt_seterr(err, "%s line %d: manufacturing-trusted "
				    "is yes or no, not \"%s\"", path, lineno,
				    value);
				st = PTRUST_ERR_PARSE;
				break;
			}
			c->manufacturing_trusted = strcmp(value, "yes") == 0;
		} else if (strcmp(key, "capf-mode") == 0) {
			if (ptrust_capf_mode_from_name(value, &c->capf_mode) !=
			    0) {
				pt_seterr(err, "%s line %d: capf-mode is capf, "
				    "online-ca or offline-ca, not \"%s\"", path,
				    lineno, value);
				st = PTRUST_ERR_PARSE;
				break;
			}
		} else if (strcmp(key, "lsc-issuer") == 0 ||
		    strcmp(key, "cisco-ca-disabled") == 0) {
			char sha[65];

			/* by fingerprint: a name would let a look-alike in */
			if (!pt_normalize_sha256(value, sha)) {
				pt_seterr(err, "%s line %d: %s is a SHA-256 "
				    "fingerprint, not \"%s\"", path, lineno,
				    key, value);
				st = PTRUST_ERR_PARSE;
				break;
			}
			if (key[0] == 'l')
				memcpy(c->lsc_issuer, sha, sizeof(sha));
			else if ((st = set_cisco_off(c, sha, 1)) !=
			    PTRUST_OK) {
				pt_seterr(err, "out of memory");
				break;
			}
		} else if (strcmp(key, "802.1x") == 0 || strcmp(key, "vpn") == 0) {
			st = ptrust_cluster_set_purpose_store(c,
			    key[0] == '8' ? PTRUST_CLUSTER_8021X :
			    PTRUST_CLUSTER_VPN, value);
			if (st != PTRUST_OK) {
				pt_seterr(err, "%s line %d: %s", path, lineno,
				    c->err);
				st = PTRUST_ERR_PARSE;
				break;
			}
		} else {
			pt_seterr(err, "%s line %d: unknown setting \"%s\"",
			    path, lineno, key);
			st = PTRUST_ERR_PARSE;
			break;
		}
	}
	OPENSSL_free(data);
	if (st == PTRUST_OK && (c->capf_mode != PTRUST_CAPF_MODE_CAPF) !=
	    (c->lsc_issuer[0] != '\0')) {
		pt_seterr(err, "%s: %s", path, c->lsc_issuer[0] == '\0' ?
		    "capf-mode online-ca and offline-ca need an lsc-issuer "
		    "line (the issuing CA's SHA-256)" : "lsc-issuer is only "
		    "for capf-mode online-ca or offline-ca");
		st = PTRUST_ERR_PARSE;
	}
	return st;
}

/* Without cluster.conf: every sub-directory with a store-like name. */
static ptrust_status
list_subdirs(ptrust_cluster *c, const char *dir, char *err)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	char path[4096];
	char **names = NULL, **tmp;
	size_t n = 0, i;
	ptrust_status rc = PTRUST_OK;

	if ((d = opendir(dir)) == NULL) {
		pt_seterr(err, "%s: %s", dir, strerror(errno));
		return PTRUST_ERR_IO;
	}
	while ((de = readdir(d)) != NULL) {
		if (!pt_alias_valid(de->d_name) ||
		    !join(path, sizeof(path), dir, de->d_name) ||
		    stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if ((tmp = OPENSSL_realloc(names, (n + 1) * sizeof(*tmp))) ==
		    NULL || (tmp[n] = OPENSSL_strdup(de->d_name)) == NULL) {
			if (tmp != NULL)
				names = tmp;
			rc = PTRUST_ERR_NOMEM;
			break;
		}
		names = tmp;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), pt_cmp_strings);
	/* CUCM's stores first, then the others by name */
	for (i = 0; rc == PTRUST_OK && i < n; i++)
		if (is_builtin_store(names[i]) && append_store(c, names[i]) ==
		    NULL)
			rc = PTRUST_ERR_NOMEM;
	for (i = 0; rc == PTRUST_OK && i < n; i++)
		if (!is_builtin_store(names[i]) &&
		    append_store(c, names[i]) == NULL)
			rc = PTRUST_ERR_NOMEM;
	for (i = 0; i < n; i++)
		OPENSSL_free(names[i]);
	OPENSSL_free(names);
	if (rc != PTRUST_OK)
		pt_seterr(err, "out of memory");
	return rc;
}

ptrust_status
ptrust_cluster_load_dir(ptrust_cluster *c, const char *dir)
{
	ptrust_cluster *n;
	ptrust_status st;
	char path[4096];
	size_t i;
	int found;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (dir == NULL) {
		pt_seterr(c->err, "no directory");
		return PTRUST_ERR_ARG;
	}
	if ((n = cluster_empty()) == NULL) {
		pt_seterr(c->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	st = read_conf(n, dir, &found, c->err);
	if (st == PTRUST_OK && !found)
		st = list_subdirs(n, dir, c->err);
	/* CUCM's three stores always exist, empty when absent on disk */
	if (st == PTRUST_OK && ((find_store(n, CM_TRUST) == NULL &&
	    append_store(n, CM_TRUST) == NULL) ||
	    (find_store(n, CAPF_TRUST) == NULL &&
	    append_store(n, CAPF_TRUST) == NULL) ||
	    (find_store(n, MFG_CA) == NULL && append_store(n, MFG_CA) == NULL))) {
		pt_seterr(c->err, "out of memory");
		st = PTRUST_ERR_NOMEM;
	}
	for (i = 0; st == PTRUST_OK && i < n->n_stores; i++) {
		if (!join(path, sizeof(path), dir, n->stores[i].name)) {
			pt_seterr(c->err, "%s: path too long", dir);
			st = PTRUST_ERR_ARG;
			break;
		}
		if (access(path, F_OK) != 0 && errno == ENOENT)
			continue;	/* listed but never saved: empty */
		/* read and checked now, decoded when used (store_ready) */
		if ((st = pt_store_files_read(path, &n->stores[i].pending,
		    c->err)) == PTRUST_OK && (n->stores[i].pending_path =
		    OPENSSL_strdup(path)) == NULL) {
			pt_seterr(c->err, "out of memory");
			st = PTRUST_ERR_NOMEM;
		}
	}
	if (st != PTRUST_OK) {
		ptrust_cluster_free(n);
		return st;
	}
	/* all or nothing: swap the loaded content in */
	free_stores(c->stores, c->n_stores);
	OPENSSL_free(c->dot1x_store);
	OPENSSL_free(c->vpn_store);
	c->stores = n->stores;
	c->n_stores = n->n_stores;
	c->manufacturing_trusted = n->manufacturing_trusted;
	c->dot1x_store = n->dot1x_store;
	c->vpn_store = n->vpn_store;
	c->capf_mode = n->capf_mode;
	memcpy(c->lsc_issuer, n->lsc_issuer, sizeof(c->lsc_issuer));
	OPENSSL_free(c->cisco_off);
	c->cisco_off = n->cisco_off;
	c->n_cisco_off = n->n_cisco_off;
	OPENSSL_free(n);
	return PTRUST_OK;
}

static ptrust_status
write_conf(ptrust_cluster *c, const char *dir)
{
	char path[4096], tmp[4096];
	FILE *f;
	size_t i;
	int fd, ok;

	if (!join(path, sizeof(path), dir, CONF_FILE) ||
	    snprintf(tmp, sizeof(tmp), "%s/.ptrust-%ld-XXXXXX", dir,
	    (long)getpid()) >= (int)sizeof(tmp)) {
		pt_seterr(c->err, "%s: path too long", dir);
		return PTRUST_ERR_ARG;
	}
	if ((fd = mkstemp(tmp)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		pt_seterr(c->err, "%s: %s", dir, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		return PTRUST_ERR_IO;
	}
	fprintf(f, "# libphonetrust cluster\nmanufacturing-trusted = %s\n",
	    c->manufacturing_trusted ? "yes" : "no");
	if (c->dot1x_store != NULL)
		fprintf(f, "802.1x = %s\n", c->dot1x_store);
	if (c->vpn_store != NULL)
		fprintf(f, "vpn = %s\n", c->vpn_store);
	if (c->capf_mode != PTRUST_CAPF_MODE_CAPF)
		fprintf(f, "capf-mode = %s\nlsc-issuer = %s\n",
		    ptrust_capf_mode_name(c->capf_mode), c->lsc_issuer);
	for (i = 0; i < c->n_cisco_off; i++)
		fprintf(f, "cisco-ca-disabled = %s\n", c->cisco_off[i]);
	for (i = 0; i < c->n_stores; i++)
		fprintf(f, "store = %s\n", c->stores[i].name);
	ok = fflush(f) == 0 && fchmod(fileno(f), 0644) == 0 &&
	    fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		pt_seterr(c->err, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return PTRUST_ERR_IO;
	}
	return PTRUST_OK;
}

ptrust_status
ptrust_cluster_save_dir(ptrust_cluster *c, const char *dir)
{
	char path[4096];
	ptrust_status st;
	size_t i;
	int dfd;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (dir == NULL) {
		pt_seterr(c->err, "no directory");
		return PTRUST_ERR_ARG;
	}
	/* nothing is written before every store could be decoded */
	if ((st = stores_ready(c)) != PTRUST_OK)
		return st;
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		pt_seterr(c->err, "%s: %s", dir, strerror(errno));
		return PTRUST_ERR_IO;
	}
	for (i = 0; i < c->n_stores; i++) {
		if (!join(path, sizeof(path), dir, c->stores[i].name)) {
			pt_seterr(c->err, "%s: path too long", dir);
			return PTRUST_ERR_ARG;
		}
		if ((st = ptrust_builder_save_dir(c->stores[i].builder, path)) !=
		    PTRUST_OK) {
			pt_seterr(c->err, "%s",
			    ptrust_builder_error(c->stores[i].builder));
			return st;
		}
	}
	/* The list of stores goes last: it is what a load trusts. */
	if ((st = write_conf(c, dir)) != PTRUST_OK)
		return st;
	/* the lock file exists from the start: a refused writer adds none */
	if (!join(path, sizeof(path), dir, LOCK_FILE) ||
	    (dfd = open(path, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0644)) == -1) {
		pt_seterr(c->err, "%s: %s", path, strerror(errno));
		return PTRUST_ERR_IO;
	}
	close(dfd);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1) {
		pt_seterr(c->err, "%s: %s", dir, strerror(errno));
		if (dfd != -1)
			close(dfd);
		return PTRUST_ERR_IO;
	}
	close(dfd);
	return PTRUST_OK;
}

ptrust_status
ptrust_cluster_lock_dir(ptrust_cluster *c, const char *dir)
{
	char path[4096];
	int fd;

	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (dir == NULL) {
		pt_seterr(c->err, "no directory");
		return PTRUST_ERR_ARG;
	}
	if (c->lock_fd != -1) {
		pt_seterr(c->err, "this cluster already holds a directory's "
		    "writer lock");
		return PTRUST_ERR_ARG;
	}
	if (!join(path, sizeof(path), dir, LOCK_FILE)) {
		pt_seterr(c->err, "%s: path too long", dir);
		return PTRUST_ERR_ARG;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0644)) == -1) {
		pt_seterr(c->err, "%s: %s", path, strerror(errno));
		return PTRUST_ERR_IO;
	}
	/* flock, not fcntl: two clusters of one process exclude each other */
	while (flock(fd, LOCK_EX) == -1) {
		if (errno == EINTR)
			continue;
		pt_seterr(c->err, "%s: %s", path, strerror(errno));
		close(fd);
		return PTRUST_ERR_IO;
	}
	c->lock_fd = fd;
	return PTRUST_OK;
}

ptrust_status
ptrust_cluster_unlock_dir(ptrust_cluster *c)
{
	if (c == NULL)
		return PTRUST_ERR_ARG;
	if (c->lock_fd == -1) {
		pt_seterr(c->err, "this cluster holds no writer lock");
		return PTRUST_ERR_ARG;
	}
	close(c->lock_fd);
	c->lock_fd = -1;
	return PTRUST_OK;
}
