/*
 * rlm_phonetrust: Cisco phones' EAP-TLS certificates judged by
 * libphonetrust inside FreeRADIUS 3.2.
 *
 * FreeRADIUS's own TLS layer validates the chain against a CA file that
 * `phonetrust export` wrote from the cluster; this module then decides
 * what the layer cannot: which anchor issued the phone's certificate (by
 * authority key identifier and issuer name, among the store's anchors),
 * hence LSC or MIC by that anchor's role, whether it names the phone the
 * RADIUS identity names, and whether it is still valid.  It sees only the
 * TLS-Client-Cert-* attributes, never the DER.
 *
 *   authorize (in the check-eap-tls virtual server): reject with the
 *     reason in the log, or ok with Phonetrust-Kind, -Device and -Anchor
 *     in the reply for the site's policy (a remediation VLAN for MICs).
 *   post-auth (in Post-Auth-Type REJECT of the outer server): explain a
 *     refusal FreeRADIUS's TLS layer made itself (unknown CA, expired).
 *
 * The store snapshot is taken at instantiation and held in the library's
 * snapshot holder (ptrust_current): each request takes a reference to the
 * snapshot current when it starts and judges against that one whole, so
 * the module is thread safe.  Reload the server (HUP: the module is
 * HUP-safe, FreeRADIUS instantiates it again) to pick up a changed
 * cluster; requests under way finish with the snapshot they took.
 *
 * No verdict cache (ptrust_cache): a decision here is made from the
 * attributes' text, a few microseconds (2.4 us measured for a trusted
 * LSC), about what a cache key's digest and lookup would cost, while the
 * TLS handshake before it costs milliseconds; and it depends on the time
 * through the expiration, which a cached decision would have to carry.
 * Caching it would buy nothing and add a way to be wrong.
 */
#include <freeradius/radiusd.h>
#include <freeradius/modules.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-radius.h>

typedef struct rlm_phonetrust_t {
	char const	*name;
	char const	*cluster_dir;
	char const	*purpose_name;
	char const	*store_name;
	bool		 identity_binding;

	ptrust_cluster_purpose purpose;
	ptrust_current	*current;	/* holds the immutable snapshot */
} rlm_phonetrust_t;

static const CONF_PARSER module_config[] = {
	{ "cluster", FR_CONF_OFFSET(PW_TYPE_STRING | PW_TYPE_REQUIRED,
	    rlm_phonetrust_t, cluster_dir), NULL },
	{ "purpose", FR_CONF_OFFSET(PW_TYPE_STRING, rlm_phonetrust_t,
	    purpose_name), "802.1x" },
	{ "store", FR_CONF_OFFSET(PW_TYPE_STRING, rlm_phonetrust_t,
	    store_name), NULL },
	{ "identity_binding", FR_CONF_OFFSET(PW_TYPE_BOOLEAN,
	    rlm_phonetrust_t, identity_binding), "yes" },
	CONF_PARSER_TERMINATOR
};

/* What the module reads and writes, by name: looked up once. */
static DICT_ATTR const *da_subject, *da_issuer, *da_cn, *da_aki, *da_expiry,
    *da_basic;
static DICT_ATTR const *da_user_name;

static const char *const our_attributes[] = {
	"Phonetrust-Kind", "Phonetrust-Device", "Phonetrust-Anchor",
	"Phonetrust-Diagnosis"
};

static int
mod_bootstrap(CONF_SECTION *conf, void *instance)
{
	rlm_phonetrust_t *inst = instance;
	ATTR_FLAGS flags;
	size_t i;

	inst->name = cf_section_name2(conf);
	if (inst->name == NULL)
		inst->name = cf_section_name1(conf);
	memset(&flags, 0, sizeof(flags));
	for (i = 0; i < sizeof(our_attributes) / sizeof(our_attributes[0]);
	    i++)
		if (dict_addattr(our_attributes[i], -1, 0, PW_TYPE_STRING,
		    flags) < 0) {
			cf_log_err_cs(conf, "cannot define %s: %s",
			    our_attributes[i], fr_strerror());
			return -1;
		}
	da_subject = dict_attrbyname("TLS-Client-Cert-Subject");
	da_issuer = dict_attrbyname("TLS-Client-Cert-Issuer");
	da_cn = dict_attrbyname("TLS-Client-Cert-Common-Name");
	da_aki = dict_attrbyname("TLS-Client-Cert-X509v3-Authority-Key-"
	    "Identifier");
	da_expiry = dict_attrbyname("TLS-Client-Cert-Expiration");
	da_basic = dict_attrbyname("TLS-Client-Cert-X509v3-Basic-"
	    "Constraints");
	da_user_name = dict_attrbyname("User-Name");
	if (da_subject == NULL || da_issuer == NULL || da_cn == NULL ||
	    da_aki == NULL || da_expiry == NULL || da_basic == NULL ||
	    da_user_name == NULL) {
		cf_log_err_cs(conf, "the dictionary lacks the TLS-Client-Cert-* "
		    "attributes (dictionary.freeradius.internal)");
		return -1;
	}
	return 0;
}

static int
mod_instantiate(CONF_SECTION *conf, void *instance)
{
	rlm_phonetrust_t *inst = instance;
	ptrust_cluster *c;
	ptrust_builder *b;
	ptrust_store *store = NULL;
	ptrust_status st;

	if (ptrust_cluster_purpose_from_name(inst->purpose_name,
	    &inst->purpose) == -1) {
		cf_log_err_cs(conf, "purpose \"%s\": must be callmanager-tls, "
		    "capf, 802.1x or vpn", inst->purpose_name);
		return -1;
	}
	if ((c = ptrust_cluster_new()) == NULL) {
		cf_log_err_cs(conf, "out of memory");
		return -1;
	}
	if (ptrust_cluster_load_dir(c, inst->cluster_dir) != PTRUST_OK) {
		cf_log_err_cs(conf, "cluster %s: %s", inst->cluster_dir,
		    ptrust_cluster_error(c));
		ptrust_cluster_free(c);
		return -1;
	}
	if (inst->store_name != NULL) {
		if ((b = ptrust_cluster_store(c, inst->store_name, 0)) ==
		    NULL) {
			cf_log_err_cs(conf, "cluster %s has no store \"%s\"",
			    inst->cluster_dir, inst->store_name);
			ptrust_cluster_free(c);
			return -1;
		}
		st = ptrust_builder_build(b, &store);
		if (st != PTRUST_OK)
			cf_log_err_cs(conf, "store %s: %s", inst->store_name,
			    ptrust_builder_error(b));
	} else {
		st = ptrust_cluster_snapshot(c, inst->purpose, &store);
		if (st != PTRUST_OK)
			cf_log_err_cs(conf, "cluster %s: %s",
			    inst->cluster_dir, ptrust_cluster_error(c));
	}
	ptrust_cluster_free(c);
	if (st != PTRUST_OK)
		return -1;
	inst->current = ptrust_current_new(store);
	ptrust_store_unref(store);	/* the holder keeps its own reference */
	if (inst->current == NULL) {
		cf_log_err_cs(conf, "out of memory");
		return -1;
	}
	store = ptrust_current_get(inst->current);
	INFO("rlm_phonetrust (%s): %zu anchors of store %s, purpose %s",
	    inst->name, ptrust_store_anchor_count(store),
	    ptrust_store_name(store),
	    ptrust_cluster_purpose_name(inst->purpose));
	ptrust_store_unref(store);
	return 0;
}

static int
mod_detach(void *instance)
{
	rlm_phonetrust_t *inst = instance;

	ptrust_current_free(inst->current);
	inst->current = NULL;
	return 0;
}

/*
 * An attribute's text; NULL when absent or when it holds a NUL (the
 * server unescapes "\000" in certificate text): the C string would end
 * there and hide the rest of a subject or name.
 */
static char const *
attribute(REQUEST *request, DICT_ATTR const *da)
{
	VALUE_PAIR *vp = fr_pair_find_by_da(request->packet->vps, da, TAG_ANY);

	if (vp == NULL || vp->vp_strvalue == NULL ||
	    strlen(vp->vp_strvalue) != vp->vp_length)
		return NULL;
	return vp->vp_strvalue;
}

/* The certificate as the TLS layer described it; 0 when it gave none. */
static int
client_certificate(REQUEST *request, ptrust_radius_cert *cert)
{
	memset(cert, 0, sizeof(*cert));
	cert->subject = attribute(request, da_subject);
	cert->issuer = attribute(request, da_issuer);
	cert->common_name = attribute(request, da_cn);
	cert->authority_key_id = attribute(request, da_aki);
	cert->expiration = attribute(request, da_expiry);
	cert->basic_constraints = attribute(request, da_basic);
	return cert->subject != NULL || cert->issuer != NULL;
}

/* The device the RADIUS identity names; NULL when none (refused then). */
static char const *
identity_device(REQUEST *request, char *device, size_t size)
{
	char const *user = attribute(request, da_user_name);

	if (user == NULL ||
	    ptrust_radius_identity_device(user, device, size) != PTRUST_OK)
		return NULL;
	return device;
}

static void
log_result(REQUEST *request, ptrust_result *r)
{
	char line[2048];

	ptrust_radius_log_line(r, line, sizeof(line));
	RAUTH("%s", line);
}

static rlm_rcode_t CC_HINT(nonnull)
mod_authorize(void *instance, REQUEST *request)
{
	rlm_phonetrust_t *inst = instance;
	ptrust_radius_cert cert;
	ptrust_result *r = NULL;
	char device[64];
	char const *dev = NULL;
	const ptrust_anchor *a;
	ptrust_store *store;
	ptrust_status st;

	/*
	 * Each refusal is explained once, here: Phonetrust-Diagnosis tells
	 * Post-Auth-Type REJECT not to explain it again.
	 */
	if (!client_certificate(request, &cert)) {
		RAUTH("REFUSED - - (no-certificate): no client certificate in "
		    "the request (call phonetrust in check-eap-tls)");
		pair_make_reply("Phonetrust-Diagnosis", ptrust_diagnosis_name(
		    PTRUST_DIAG_NO_CERTIFICATE), T_OP_SET);
		return RLM_MODULE_REJECT;
	}
	if (inst->identity_binding &&
	    (dev = identity_device(request, device, sizeof(device))) == NULL) {
		RAUTH("REFUSED - - (identity-mismatch): the identity names no "
		    "phone (expected CP-<model>-SEP<MAC> or SEP<MAC>)");
		pair_make_reply("Phonetrust-Diagnosis", ptrust_diagnosis_name(
		    PTRUST_DIAG_IDENTITY_MISMATCH), T_OP_SET);
		return RLM_MODULE_REJECT;
	}
	/* the snapshot current now, whole, for this request */
	store = ptrust_current_get(inst->current);
	st = ptrust_radius_decide(store, &cert, dev, inst->purpose, 0, &r);
	ptrust_store_unref(store);	/* the result holds what it needs */
	if (st != PTRUST_OK) {
		RERROR("%s", st == PTRUST_ERR_NOMEM ?
		    "out of memory" : "cannot decide");
		return RLM_MODULE_FAIL;
	}
	log_result(request, r);
	if (!ptrust_result_trusted(r)) {
		pair_make_reply("Phonetrust-Diagnosis", ptrust_diagnosis_name(
		    ptrust_result_diagnosis(r)), T_OP_SET);
		ptrust_result_free(r);
		return RLM_MODULE_REJECT;
	}
	a = ptrust_result_anchor(r);
	pair_make_reply("Phonetrust-Kind",
	    ptrust_kind_name(ptrust_result_kind(r)), T_OP_SET);
	if (dev != NULL)
		pair_make_reply("Phonetrust-Device", dev, T_OP_SET);
	if (a != NULL)
		pair_make_reply("Phonetrust-Anchor", ptrust_anchor_alias(a),
		    T_OP_SET);
	ptrust_result_free(r);
	return RLM_MODULE_OK;
}

/* Post-Auth-Type REJECT: say why, when the TLS layer refused a phone. */
static rlm_rcode_t CC_HINT(nonnull)
mod_post_auth(void *instance, REQUEST *request)
{
	rlm_phonetrust_t *inst = instance;
	ptrust_radius_cert cert;
	ptrust_result *r = NULL;
	ptrust_store *store;
	ptrust_status st;
	char device[64];

	if (request->reply->code != PW_CODE_ACCESS_REJECT ||
	    !client_certificate(request, &cert))
		return RLM_MODULE_NOOP;
	/* on a refusal only names arrive: the explanation never trusts */
	cert.authority_key_id = NULL;
	store = ptrust_current_get(inst->current);
	st = ptrust_radius_explain(store, &cert, identity_device(request,
	    device, sizeof(device)), inst->purpose, 0, &r);
	ptrust_store_unref(store);
	if (st != PTRUST_OK) {
		RERROR("out of memory");
		return RLM_MODULE_FAIL;
	}
	log_result(request, r);
	ptrust_result_free(r);
	return RLM_MODULE_OK;
}

extern module_t rlm_phonetrust;
module_t rlm_phonetrust = {
	.magic		= RLM_MODULE_INIT,
	.name		= "phonetrust",
	.type		= RLM_TYPE_THREAD_SAFE | RLM_TYPE_HUP_SAFE,
	.inst_size	= sizeof(rlm_phonetrust_t),
	.config		= module_config,
	.bootstrap	= mod_bootstrap,
	.instantiate	= mod_instantiate,
	.detach		= mod_detach,
	.methods = {
		[MOD_AUTHORIZE]		= mod_authorize,
		[MOD_POST_AUTH]		= mod_post_auth
	},
};
