/*
 * phonetrust.so: Cisco phones' SIP-TLS certificates judged by
 * libphonetrust inside Kamailio 5.6.
 *
 * Kamailio's tls module completes the handshake (verify_client =
 * optional_no_ca) and this module decides, on the first request of a
 * connection: the leaf the phone proved it holds the key of, and the
 * certificates it sent with it, read from the connection's SSL, go
 * through the library's one judging path for the purpose (callmanager-tls
 * by default), bound to the device the request names, through a verdict
 * cache (a phone reconnecting with the same certificates against the
 * same snapshot gets the verdict judged before).  The verdict is
 * kept on the connection (SSL ex_data, in shared memory like the SSL
 * itself): later requests on it are answered from it while the device,
 * the leaf and the cluster's epoch are the same.
 *
 * Processes: Kamailio forks its workers after mod_init, and OpenSSL's
 * allocations land in shared memory (the tls module makes them), so no
 * library object is made before the fork: each process makes its own
 * cluster, snapshot holder (ptrust_current) and verdict cache on first
 * use and never shares them.  phonetrust.reload (RPC) re-reads the
 * cluster in the RPC process; when that works it bumps an epoch in
 * shared memory and every worker re-reads the cluster before its next
 * decision (ptrust_current_reload: a failure keeps the snapshot in use).
 *
 * Fail closed: no TLS, no SSL, an unfinished handshake, no state, any
 * error: the function returns false and says why.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* Kamailio's log lines name the module by this. */
#define MOD_NAME "phonetrust"

#include "core/sr_module.h"
#include "core/dprint.h"
#include "core/mod_fix.h"
#include "core/pvar.h"
#include "core/rpc.h"
#include "core/rpc_lookup.h"
#include "core/tcp_conn.h"
#include "core/parser/parse_from.h"
#include "core/parser/parse_uri.h"
#include "core/mem/shm_mem.h"
#include "core/locking.h"
#include "modules/tls/tls_server.h"

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-openssl.h>
#include <phonetrust-radius.h>

MODULE_VERSION

/* A device name is at most 64 characters (ptrust_phone_new). */
#define PT_DEVICE_MAX	64

/* ---------------------------------------------------------------------
 * Parameters.
 */
static char *cluster_dir = "/usr/local/etc/phonetrust/cluster";
static char *purpose_name = "callmanager-tls";
static int cache_size = 16384;

static ptrust_cluster_purpose purpose;

/*
 * In shared memory, for every process: the epoch a reload that worked
 * bumps (workers then re-read the cluster), and counters for
 * phonetrust.stats.  Atomic operations only.
 */
struct pt_shared {
	uint64_t	 epoch;
	uint64_t	 checks;	/* calls of phonetrust_check */
	uint64_t	 judged;	/* by the library */
	uint64_t	 cache_hits;	/* of those, from the verdict cache */
	uint64_t	 kept;		/* the connection's verdict reused */
	uint64_t	 refused;
	uint64_t	 judge_ns;	/* CPU time of the calls that judged */
};
static struct pt_shared *shared;

/*
 * One process at a time in the library.  OpenSSL's own caches (fetched
 * algorithms, decoders) were made by the main process before the fork,
 * in shared memory where the tls module has OpenSSL allocate, and guarded
 * by locks private to each process: workers filling them at once (all
 * of them read the cluster at start-up) freed one block twice and
 * crashed Kamailio.  This lock is shared by every process.
 */
static gen_lock_t *ossl_lock;
#define reload_epoch	(&shared->epoch)
#define COUNT(field, n)	__atomic_add_fetch(&shared->field, (n), __ATOMIC_RELAXED)

/* The connection's verdict, by this index of SSL ex_data. */
static int verdict_idx = -1;

/*
 * A verdict as the connection keeps it: one block from OpenSSL's
 * allocator (shared memory under Kamailio's tls module, as the SSL),
 * plain bytes only, so any process may read or free it.
 */
struct pt_verdict {
	uint64_t	 epoch;			/* reload_epoch judged under */
	unsigned char	 leaf_md[EVP_MAX_MD_SIZE];
	unsigned int	 leaf_md_len;		/* 0: no leaf */
	int		 trusted;
	char		 device[PT_DEVICE_MAX + 1];
	char		 kind[16];
	char		 diagnosis[64];
	char		 reasons[512];
	char		 anchor[160];
	char		 fix[1024];
};

/* This process's own library objects, made after the fork. */
struct pt_state {
	pid_t		 pid;
	ptrust_cluster	*cluster;
	ptrust_current	*current;
	ptrust_cache	*cache;		/* NULL: cache_size 0 */
	uint64_t	 epoch;
};
static struct pt_state *state;

/* What the last decision of this process said, for $phonetrust(...). */
static struct pt_verdict last;
static unsigned int last_msg_id;
static int last_pid;
static int last_validated;	/* 1: judged for this request */

/* ---------------------------------------------------------------------
 * Text: what reaches a log line or a SIP header is printable ASCII.
 */

/* dst: src with anything but printable ASCII, '"' and '\\' as \xHH. */
static void
escape(char *dst, size_t size, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;
	unsigned char ch;

	for (i = 0; i < len && o + 5 < size; i++) {
		ch = (unsigned char)src[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			dst[o++] = (char)ch;
			continue;
		}
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[ch >> 4];
		dst[o++] = hex[ch & 15];
	}
	if (i < len && o + 4 < size) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[size > 0 ? o : 0] = '\0';
}

/* Library text into a kept field, safe inside a SIP quoted string. */
static void
put(char *dst, size_t size, const char *src)
{
	size_t i;

	if (src == NULL)
		src = "";
	for (i = 0; src[i] != '\0' && i + 1 < size; i++)
		dst[i] = ((unsigned char)src[i] < 0x20 ||
		    (unsigned char)src[i] >= 0x7f || src[i] == '"' ||
		    src[i] == '\\') ? '\'' : src[i];
	dst[i] = '\0';
}

/* ---------------------------------------------------------------------
 * Per-process state.
 */
static void
state_free(struct pt_state *s)
{
	if (s == NULL)
		return;
	ptrust_cache_free(s->cache);
	ptrust_current_free(s->current);
	ptrust_cluster_free(s->cluster);
	OPENSSL_free(s);
}

/* The cluster's snapshot for purpose, as a new holder; NULL: err says. */
static struct pt_state *
state_new(char *err, size_t errlen)
{
	struct pt_state *s;
	ptrust_store *snap = NULL;

	if ((s = OPENSSL_zalloc(sizeof(*s))) == NULL ||
	    (s->cluster = ptrust_cluster_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		state_free(s);
		return NULL;
	}
	s->pid = getpid();
	if (ptrust_cluster_load_dir(s->cluster, cluster_dir) != PTRUST_OK ||
	    ptrust_cluster_snapshot(s->cluster, purpose, &snap) !=
	    PTRUST_OK) {
		snprintf(err, errlen, "cluster %s: %s", cluster_dir,
		    ptrust_cluster_error(s->cluster));
		state_free(s);
		return NULL;
	}
	s->current = ptrust_current_new(snap);
	ptrust_store_unref(snap);	/* the holder keeps its own */
	if (s->current == NULL || (cache_size > 0 &&
	    (s->cache = ptrust_cache_new((size_t)cache_size)) == NULL)) {
		snprintf(err, errlen, "out of memory");
		state_free(s);
		return NULL;
	}
	return s;
}

/* This process's state, made on first use, brought to the epoch. */
static struct pt_state *
state_get(void)
{
	char err[512];
	uint64_t epoch = __atomic_load_n(reload_epoch, __ATOMIC_ACQUIRE);
	int changed = 0;

	if (state != NULL && state->pid != getpid())
		state = NULL;	/* another process's: never ours to use */
	if (state == NULL) {
		if ((state = state_new(err, sizeof(err))) == NULL) {
			LM_ERR("phonetrust: %s\n", err);
			return NULL;
		}
		state->epoch = epoch;
		return state;
	}
	if (state->epoch != epoch) {
		if (ptrust_current_reload(state->current, state->cluster,
		    cluster_dir, purpose, &changed) != PTRUST_OK)
			LM_ERR("phonetrust: reload of %s failed, the snapshot "
			    "in use is kept: %s\n", cluster_dir,
			    ptrust_cluster_error(state->cluster));
		else if (changed)
			ptrust_cache_clear(state->cache);	/* frees the old */
		state->epoch = epoch;
	}
	return state;
}

/* ---------------------------------------------------------------------
 * Module set-up.
 */
static void
verdict_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	OPENSSL_free(ptr);
}

/*
 * Whether the cluster loads, tried in a child process: the library's
 * objects must not exist in this one before Kamailio forks its workers.
 */
static int
cluster_loads(void)
{
	char err[512];
	int fds[2], status;
	ssize_t n;
	pid_t pid;
	struct pt_state *s;

	if (pipe(fds) == -1) {
		LM_ERR("phonetrust: pipe: %s\n", strerror(errno));
		return 0;
	}
	if ((pid = fork()) == -1) {
		LM_ERR("phonetrust: fork: %s\n", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	if (pid == 0) {
		close(fds[0]);
		s = state_new(err, sizeof(err));
		if (s == NULL)
			(void)!write(fds[1], err, strlen(err));
		state_free(s);
		_exit(s == NULL ? 1 : 0);
	}
	close(fds[1]);
	n = read(fds[0], err, sizeof(err) - 1);
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	err[n > 0 ? n : 0] = '\0';
	LM_ERR("phonetrust: %s\n", n > 0 ? err : "cannot load the cluster");
	return 0;
}

static int
mod_init(void)
{
	if (ptrust_cluster_purpose_from_name(purpose_name, &purpose) == -1) {
		LM_ERR("phonetrust: purpose \"%s\": must be callmanager-tls, "
		    "capf, 802.1x or vpn\n", purpose_name);
		return -1;
	}
	/*
	 * The tls module makes the connections' SSL and has OpenSSL
	 * allocate in shared memory, where the verdicts kept on them live.
	 */
	if (!module_loaded("tls")) {
		LM_ERR("phonetrust: the tls module is not loaded\n");
		return -1;
	}
	if (cache_size < 0 || cache_size > 16777216) {
		LM_ERR("phonetrust: cache_size must be 0..16777216\n");
		return -1;
	}
	if ((shared = shm_malloc(sizeof(*shared))) == NULL) {
		LM_ERR("phonetrust: out of shared memory\n");
		return -1;
	}
	memset(shared, 0, sizeof(*shared));
	shared->epoch = 1;
	if ((ossl_lock = lock_alloc()) == NULL ||
	    lock_init(ossl_lock) == NULL) {
		LM_ERR("phonetrust: out of shared memory\n");
		return -1;
	}
	verdict_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    verdict_ex_free);
	if (verdict_idx < 0) {
		LM_ERR("phonetrust: no SSL ex_data index\n");
		return -1;
	}
	if (!cluster_loads())
		return -1;
	LM_INFO("phonetrust: cluster %s, purpose %s\n", cluster_dir,
	    ptrust_cluster_purpose_name(purpose));
	return 0;
}

/*
 * Every SIP worker reads the cluster now, at start-up, so that all of
 * them judge against what the directory held then; other processes
 * (the RPC process among them) make theirs on first use.
 */
static int
child_init(int rank)
{
	char err[512];

	if (rank <= 0 || (state != NULL && state->pid == getpid()))
		return 0;
	lock_get(ossl_lock);
	state = state_new(err, sizeof(err));
	lock_release(ossl_lock);
	if (state == NULL) {
		LM_ERR("phonetrust: %s\n", err);
		return -1;
	}
	state->epoch = __atomic_load_n(reload_epoch, __ATOMIC_ACQUIRE);
	return 0;
}

static void
mod_destroy(void)
{
	if (state != NULL && state->pid == getpid() && ossl_lock != NULL) {
		lock_get(ossl_lock);
		state_free(state);
		lock_release(ossl_lock);
	}
	state = NULL;
}

/* ---------------------------------------------------------------------
 * The decision.
 */

/* The From URI's user, or the explicit argument; 0 when none. */
static int
request_device(struct sip_msg *msg, fparam_t *arg, str *user)
{
	struct sip_uri uri;
	struct to_body *from;

	if (arg != NULL)
		return get_str_fparam(user, msg, arg) == 0 && user->s != NULL;
	if (parse_from_header(msg) < 0 || (from = get_from(msg)) == NULL ||
	    parse_uri(from->uri.s, from->uri.len, &uri) < 0)
		return 0;
	*user = uri.user;
	return user->s != NULL;
}

/* A device name by the library's rules (those of ptrust_phone_new). */
static int
device_valid(const char *device)
{
	ptrust_phone *probe = ptrust_phone_new(device);

	ptrust_phone_free(probe);
	return probe != NULL;
}

/* Keep what result says in v, as the library says it. */
static void
verdict_from(struct pt_verdict *v, const ptrust_result *r)
{
	const ptrust_anchor *a = ptrust_result_anchor(r);
	size_t i, n = ptrust_result_reason_count(r), o = 0;
	const char *name;

	v->trusted = ptrust_result_trusted(r);
	put(v->kind, sizeof(v->kind), ptrust_kind_name(ptrust_result_kind(r)));
	put(v->diagnosis, sizeof(v->diagnosis),
	    ptrust_diagnosis_name(ptrust_result_diagnosis(r)));
	v->reasons[0] = '\0';
	for (i = 0; i < n; i++) {
		name = ptrust_reason_name(ptrust_result_reason_code(r, i));
		if (name == NULL || o + strlen(name) + 2 > sizeof(v->reasons))
			break;
		o += (size_t)snprintf(v->reasons + o, sizeof(v->reasons) - o,
		    "%s%s", o > 0 ? "," : "", name);
	}
	put(v->anchor, sizeof(v->anchor), a != NULL ?
	    ptrust_anchor_alias(a) : "");
	put(v->fix, sizeof(v->fix), v->trusted ? "" : ptrust_result_fix(r));
}

/* One line per decision, the library's (control characters replaced). */
static void
log_result(int conid, int cached, const ptrust_result *r)
{
	char line[2048];

	ptrust_radius_log_line(r, line, sizeof(line));
	LM_INFO("phonetrust: connection %d%s: %s\n", conid,
	    cached ? " (verdict cache)" : "", line);
}

/*
 * Judge what the connection's phone presented (leaf NULL: nothing) for
 * device (valid), against s's snapshot through its verdict cache; the
 * result into v.  0 when no verdict could be had.
 */
static int
judge(struct pt_state *s, SSL *ssl, X509 *leaf, const char *device,
    int conid, struct pt_verdict *v, int *cached)
{
	ptrust_options *o = NULL;
	ptrust_result *r = NULL;
	ptrust_store *snap = NULL;
	ptrust_status st = PTRUST_ERR_NOMEM;
	uint64_t hits = 0, misses = 0, hits_after = 0;

	if ((o = ptrust_options_new()) == NULL ||
	    ptrust_options_set_device(o, device) != PTRUST_OK)
		goto out;
	if ((snap = ptrust_current_get(s->current)) == NULL) {
		st = PTRUST_ERR_INTERNAL;
		goto out;
	}
	ptrust_cache_stats(s->cache, &hits, &misses);
	/* on a server the peer chain leaves the leaf out: what came with it */
	st = ptrust_cache_verify_presented(s->cache, snap, purpose, leaf,
	    leaf != NULL ? SSL_get_peer_cert_chain(ssl) : NULL, o, &r);
	ptrust_cache_stats(s->cache, &hits_after, &misses);
 out:
	*cached = hits_after > hits;
	if (st == PTRUST_OK && r != NULL) {
		verdict_from(v, r);
		log_result(conid, *cached, r);
	} else
		LM_ERR("phonetrust: connection %d: no verdict: %s\n", conid,
		    r != NULL && ptrust_result_error(r) != NULL ?
		    ptrust_result_error(r) : ptrust_status_name(st));
	ptrust_result_free(r);
	ptrust_store_unref(snap);
	ptrust_options_free(o);
	return st == PTRUST_OK;
}

/*
 * A refusal the module makes before the library can judge, in the
 * library's names and words; "error" stands for the diagnosis when the
 * module itself failed (logged), the one name of its own.
 */
static void
refuse_early(struct pt_verdict *v, const char *device, ptrust_diagnosis d,
    ptrust_reason_code code)
{
	memset(v, 0, sizeof(*v));
	v->trusted = 0;
	put(v->device, sizeof(v->device), device);
	put(v->kind, sizeof(v->kind), ptrust_kind_name(PTRUST_KIND_UNKNOWN));
	put(v->diagnosis, sizeof(v->diagnosis), ptrust_diagnosis_name(d));
	put(v->reasons, sizeof(v->reasons), ptrust_reason_name(code));
	put(v->fix, sizeof(v->fix), ptrust_reason_message(code));
}

static int
check(struct sip_msg *msg, fparam_t *arg)
{
	struct tcp_connection *c = NULL;
	struct tls_extra_data *extra;
	struct pt_verdict *kept, v;
	struct pt_state *s;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char device[PT_DEVICE_MAX + 1], shown[300];
	uint64_t epoch;
	X509 *leaf = NULL;
	SSL *ssl;
	str user;
	int conid = msg->rcv.proto_reserved1, cached = 0, locked = 0;
	struct timespec t0, t1;

	(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	COUNT(checks, 1);
	memset(&v, 0, sizeof(v));
	last_msg_id = msg->id;
	last_pid = getpid();
	last_validated = 0;

	/* the device the request names: a valid device name, or refused */
	if (!request_device(msg, arg, &user) || user.len <= 0) {
		LM_NOTICE("phonetrust: connection %d: the request names no "
		    "device\n", conid);
		refuse_early(&v, "", PTRUST_DIAG_IDENTITY_MISMATCH,
		    PTRUST_REASON_IDENTITY_MISMATCH);
		goto done;
	}
	if (user.len <= PT_DEVICE_MAX) {
		memcpy(device, user.s, user.len);
		device[user.len] = '\0';
	}
	if (user.len > PT_DEVICE_MAX || strlen(device) != (size_t)user.len ||
	    !device_valid(device)) {
		escape(shown, sizeof(shown), user.s, user.len > 64 ? 64 :
		    (size_t)user.len);
		LM_NOTICE("phonetrust: connection %d: REFUSED: \"%s%s\" (%d "
		    "bytes) is not a device name\n", conid, shown,
		    user.len > 64 ? "..." : "", user.len);
		refuse_early(&v, "", PTRUST_DIAG_IDENTITY_MISMATCH,
		    PTRUST_REASON_IDENTITY_MISMATCH);
		goto done;
	}
	put(v.device, sizeof(v.device), device);

	if (msg->rcv.proto != PROTO_TLS ||
	    (c = tcpconn_get(conid, 0, 0, 0, 0)) == NULL ||
	    c->type != PROTO_TLS || (extra = c->extra_data) == NULL ||
	    (ssl = extra->ssl) == NULL || !SSL_is_init_finished(ssl)) {
		LM_NOTICE("phonetrust: connection %d: not an established TLS "
		    "connection\n", conid);
		refuse_early(&v, device, PTRUST_DIAG_NO_CERTIFICATE,
		    PTRUST_REASON_NO_CERTIFICATE);
		goto done;
	}
	lock_get(ossl_lock);
	locked = 1;
	if ((s = state_get()) == NULL) {
		refuse_early(&v, device, PTRUST_DIAG_NONE, PTRUST_REASON_OTHER);
		put(v.diagnosis, sizeof(v.diagnosis), "error");
		goto done;
	}
	epoch = s->epoch;
	leaf = SSL_get1_peer_certificate(ssl);
	if (leaf != NULL && !X509_digest(leaf, EVP_sha256(), md, &mdlen)) {
		refuse_early(&v, device, PTRUST_DIAG_NONE, PTRUST_REASON_OTHER);
		put(v.diagnosis, sizeof(v.diagnosis), "error");
		goto done;
	}
	/* the connection's verdict, when it is on the same terms */
	kept = SSL_get_ex_data(ssl, verdict_idx);
	if (kept != NULL && kept->epoch == epoch &&
	    strcmp(kept->device, device) == 0 &&
	    kept->leaf_md_len == mdlen &&
	    memcmp(kept->leaf_md, md, mdlen) == 0) {
		v = *kept;
		COUNT(kept, 1);
		LM_DBG("phonetrust: connection %d: kept verdict\n", conid);
		goto done;
	}
	if (!judge(s, ssl, leaf, device, conid, &v, &cached)) {
		refuse_early(&v, device, PTRUST_DIAG_NONE, PTRUST_REASON_OTHER);
		put(v.diagnosis, sizeof(v.diagnosis), "error");
		goto done;
	}
	last_validated = 1;
	put(v.device, sizeof(v.device), device);
	v.epoch = epoch;
	memcpy(v.leaf_md, md, mdlen);
	v.leaf_md_len = mdlen;
	/* kept for the connection's next requests; none kept is no error */
	if (kept == NULL && (kept = OPENSSL_malloc(sizeof(*kept))) != NULL &&
	    !SSL_set_ex_data(ssl, verdict_idx, kept)) {
		OPENSSL_free(kept);
		kept = NULL;
	}
	if (kept != NULL)
		*kept = v;
 done:
	X509_free(leaf);
	if (locked)
		lock_release(ossl_lock);
	if (c != NULL)
		tcpconn_put(c);
	last = v;
	if (!v.trusted)
		COUNT(refused, 1);
	if (last_validated) {
		(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		COUNT(judged, 1);
		COUNT(cache_hits, cached ? 1 : 0);
		COUNT(judge_ns, (uint64_t)((t1.tv_sec - t0.tv_sec) *
		    1000000000LL + (t1.tv_nsec - t0.tv_nsec)));
	}
	return v.trusted ? 1 : -1;
}

static int
w_check0(struct sip_msg *msg, char *p1, char *p2)
{
	(void)p1; (void)p2;
	return check(msg, NULL);
}

static int
w_check1(struct sip_msg *msg, char *p1, char *p2)
{
	(void)p2;
	return check(msg, (fparam_t *)p1);
}

/* ---------------------------------------------------------------------
 * $phonetrust(name): the last decision on this request.
 */
enum { PV_TRUSTED, PV_KIND, PV_DEVICE, PV_DIAGNOSIS, PV_REASONS, PV_FIX,
    PV_ANCHOR, PV_VALIDATED };

static const struct {
	const char	*name;
	int		 id;
} pv_names[] = {
	{ "trusted", PV_TRUSTED }, { "kind", PV_KIND },
	{ "device", PV_DEVICE }, { "diagnosis", PV_DIAGNOSIS },
	{ "reasons", PV_REASONS }, { "fix", PV_FIX },
	{ "anchor", PV_ANCHOR }, { "validated", PV_VALIDATED }
};

static int
pv_parse_name(pv_spec_t *sp, str *in)
{
	size_t i;

	if (sp == NULL || in == NULL || in->len <= 0)
		return -1;
	for (i = 0; i < sizeof(pv_names) / sizeof(pv_names[0]); i++)
		if ((size_t)in->len == strlen(pv_names[i].name) &&
		    strncmp(in->s, pv_names[i].name, in->len) == 0) {
			sp->pvp.pvn.type = PV_NAME_INTSTR;
			sp->pvp.pvn.u.isname.type = 0;
			sp->pvp.pvn.u.isname.name.n = pv_names[i].id;
			return 0;
		}
	LM_ERR("phonetrust: unknown $phonetrust(%.*s)\n", in->len, in->s);
	return -1;
}

static int
pv_get(struct sip_msg *msg, pv_param_t *param, pv_value_t *res)
{
	const char *s;

	/* only what was decided on this very request, in this process */
	if (msg == NULL || param == NULL || msg->id != last_msg_id ||
	    last_pid != getpid())
		return pv_get_null(msg, param, res);
	switch (param->pvn.u.isname.name.n) {
	case PV_TRUSTED:
		return pv_get_sintval(msg, param, res, last.trusted);
	case PV_VALIDATED:
		return pv_get_sintval(msg, param, res, last_validated);
	case PV_KIND:		s = last.kind; break;
	case PV_DEVICE:		s = last.device; break;
	case PV_DIAGNOSIS:	s = last.diagnosis; break;
	case PV_REASONS:	s = last.reasons; break;
	case PV_FIX:		s = last.fix; break;
	case PV_ANCHOR:		s = last.anchor; break;
	default:
		return pv_get_null(msg, param, res);
	}
	return pv_get_strzval(msg, param, res, (char *)s);
}

/* ---------------------------------------------------------------------
 * RPC: phonetrust.reload.
 */
static const char *rpc_reload_doc[] = {
	"Re-read the cluster directory and publish its snapshot to every "
	"worker; a failed reload keeps the snapshot in use and says why.", 0
};

static void
rpc_reload(rpc_t *rpc, void *ctx)
{
	ptrust_store *snap;
	uint64_t epoch;
	int changed = 0;
	char err[512];

	lock_get(ossl_lock);
	if (state != NULL && state->pid != getpid())
		state = NULL;
	if (state == NULL) {
		if ((state = state_new(err, sizeof(err))) == NULL) {
			lock_release(ossl_lock);
			rpc->fault(ctx, 500, "reload failed, the snapshot in "
			    "use is kept: %s", err);
			return;
		}
		changed = 1;
	} else if (ptrust_current_reload(state->current, state->cluster,
	    cluster_dir, purpose, &changed) != PTRUST_OK) {
		rpc->fault(ctx, 500, "reload failed, the snapshot in use is "
		    "kept: %s", ptrust_cluster_error(state->cluster));
		lock_release(ossl_lock);
		return;
	}
	epoch = __atomic_add_fetch(reload_epoch, 1, __ATOMIC_ACQ_REL);
	state->epoch = epoch;
	snap = ptrust_current_get(state->current);
	rpc->rpl_printf(ctx, "reloaded %s: %zu anchors for %s (%s), epoch "
	    "%llu", cluster_dir, snap != NULL ?
	    ptrust_store_anchor_count(snap) : (size_t)0,
	    ptrust_cluster_purpose_name(purpose), changed ? "changed" :
	    "unchanged", (unsigned long long)epoch);
	ptrust_store_unref(snap);
	lock_release(ossl_lock);
}

static const char *rpc_stats_doc[] = {
	"Counters of every process since the start: checks, judged (of "
	"which from the verdict cache), connection verdicts reused, "
	"refusals, mean CPU time of a check that judged.", 0
};

static void
rpc_stats(rpc_t *rpc, void *ctx)
{
	uint64_t judged = __atomic_load_n(&shared->judged, __ATOMIC_RELAXED);
	uint64_t ns = __atomic_load_n(&shared->judge_ns, __ATOMIC_RELAXED);

	rpc->rpl_printf(ctx, "checks %llu judged %llu cache_hits %llu kept "
	    "%llu refused %llu judge_cpu_us_mean %.1f epoch %llu",
	    (unsigned long long)__atomic_load_n(&shared->checks,
	    __ATOMIC_RELAXED), (unsigned long long)judged,
	    (unsigned long long)__atomic_load_n(&shared->cache_hits,
	    __ATOMIC_RELAXED),
	    (unsigned long long)__atomic_load_n(&shared->kept,
	    __ATOMIC_RELAXED),
	    (unsigned long long)__atomic_load_n(&shared->refused,
	    __ATOMIC_RELAXED),
	    judged > 0 ? (double)ns / (double)judged / 1000.0 : 0.0,
	    (unsigned long long)__atomic_load_n(&shared->epoch,
	    __ATOMIC_RELAXED));
}

/* ---------------------------------------------------------------------
 * Exports.
 */
static cmd_export_t cmds[] = {
	{ "phonetrust_check", (cmd_function)w_check0, 0, 0, 0,
	    REQUEST_ROUTE },
	{ "phonetrust_check", (cmd_function)w_check1, 1, fixup_spve_null,
	    fixup_free_spve_null, REQUEST_ROUTE },
	{ 0, 0, 0, 0, 0, 0 }
};

static param_export_t params[] = {
	{ "cluster", PARAM_STRING, &cluster_dir },
	{ "purpose", PARAM_STRING, &purpose_name },
	{ "cache_size", PARAM_INT, &cache_size },
	{ 0, 0, 0 }
};

static rpc_export_t rpc_cmds[] = {
	{ "phonetrust.reload", rpc_reload, rpc_reload_doc, 0 },
	{ "phonetrust.stats", rpc_stats, rpc_stats_doc, 0 },
	{ 0, 0, 0, 0 }
};

static pv_export_t mod_pvs[] = {
	{ { "phonetrust", sizeof("phonetrust") - 1 }, PVT_OTHER, pv_get, 0,
	    pv_parse_name, 0, 0, 0 },
	{ { 0, 0 }, 0, 0, 0, 0, 0, 0, 0 }
};

struct module_exports exports = {
	"phonetrust",
	DEFAULT_DLFLAGS,
	cmds,
	params,
	rpc_cmds,
	mod_pvs,
	0,		/* response function */
	mod_init,
	child_init,
	mod_destroy
};
