/*
 * CAPF certificate operations (install/upgrade, delete, troubleshoot):
 * how CAPF authenticates the phone under each authentication mode, and the
 * outcome in CUCM's words.  Neither the device security profile nor the
 * cluster security mode plays a part, as the Cisco Q&A states: the API has
 * no such input.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

#define AUTH_MIN	4
#define AUTH_MAX	10

struct ptrust_capf_outcome {
	int		 success;
	char		 status[96];
	ptrust_result	*result;	/* NULL when no certificate was checked */
	char		*fix;
	char		 err[PT_ERRLEN];
};

const char *
ptrust_auth_mode_name(ptrust_auth_mode m)
{
	switch (m) {
	case PTRUST_AUTH_LSC_FIRST:	return "lsc-first";
	case PTRUST_AUTH_MIC_FIRST:	return "mic-first";
	case PTRUST_AUTH_STRING:	return "auth-string";
	case PTRUST_AUTH_NULL_STRING:	return "null-string";
	}
	return NULL;
}

int
ptrust_auth_mode_from_name(const char *name, ptrust_auth_mode *m)
{
	int i;

	if (name == NULL || m == NULL)
		return -1;
	for (i = PTRUST_AUTH_LSC_FIRST; i <= PTRUST_AUTH_NULL_STRING; i++)
		if (strcmp(name, ptrust_auth_mode_name(i)) == 0) {
			*m = (ptrust_auth_mode)i;
			return 0;
		}
	return -1;
}

static const char *
operation_word(ptrust_capf_operation op)
{
	switch (op) {
	case PTRUST_CAPF_INSTALL:	return "Upgrade";
	case PTRUST_CAPF_DELETE:	return "Delete";
	case PTRUST_CAPF_TROUBLESHOOT:	return "Troubleshoot";
	}
	return NULL;
}

static int
auth_string_valid(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) < AUTH_MIN || n > AUTH_MAX)
		return 0;
	return strspn(s, "0123456789") == n;
}

/* Equal strings of at most AUTH_MAX digits, in time independent of content. */
static int
auth_string_equal(const char *a, const char *b)
{
	unsigned char pa[AUTH_MAX] = { 0 }, pb[AUTH_MAX] = { 0 };
	size_t na = strlen(a), nb = strlen(b);
	int same_len = na == nb;

	memcpy(pa, a, na);
	memcpy(pb, b, nb);
	return (CRYPTO_memcmp(pa, pb, sizeof(pa)) == 0) & same_len;
}

const char pt_capf_no_credentials_fix[] = "The phone has no certificate "
    "to authenticate with. Use By Null String or By Authentication String.";

/* What CAPF says failed, by the certificate it tried (NONE: it had none). */
static const char *
failure_word(ptrust_presented which)
{
	return which == PTRUST_PRESENTED_LSC ? "Invalid LSC" :
	    which == PTRUST_PRESENTED_MIC ? "Invalid MIC" :
	    "Invalid Credentials";
}

const char *
pt_capf_install_status(int success, ptrust_presented failed_with)
{
	/* finish()'s words for PTRUST_CAPF_INSTALL, as constants */
	if (success)
		return "Upgrade Success";
	return failed_with == PTRUST_PRESENTED_LSC ?
	    "Upgrade Failed: Invalid LSC" : failed_with ==
	    PTRUST_PRESENTED_MIC ? "Upgrade Failed: Invalid MIC" :
	    "Upgrade Failed: Invalid Credentials";
}

static ptrust_status
finish(ptrust_capf_outcome *o, ptrust_capf_operation op, int success,
    const char *why, const char *fix)
{
	o->success = success;
	if (success)
		snprintf(o->status, sizeof(o->status), "%s Success",
		    operation_word(op));
	else
		snprintf(o->status, sizeof(o->status), "%s Failed: %s",
		    operation_word(op), why);
	if (fix != NULL && (o->fix = OPENSSL_strdup(fix)) == NULL) {
		pt_seterr(o->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	return PTRUST_OK;
}

/* Authentication by an existing certificate: which one, in mode order. */
ptrust_presented
pt_capf_pick(int has_lsc, int has_mic, ptrust_auth_mode mode)
{
	switch (mode) {
	case PTRUST_AUTH_LSC_FIRST:
		return has_lsc ? PTRUST_PRESENTED_LSC :
		    has_mic ? PTRUST_PRESENTED_MIC : PTRUST_PRESENTED_NONE;
	case PTRUST_AUTH_MIC_FIRST:
		return has_mic ? PTRUST_PRESENTED_MIC :
		    has_lsc ? PTRUST_PRESENTED_LSC : PTRUST_PRESENTED_NONE;
	default:
		return PTRUST_PRESENTED_NONE;
	}
}

ptrust_status
ptrust_capf_decide(ptrust_cluster *c, const ptrust_phone *p,
    ptrust_capf_operation op, ptrust_auth_mode mode, const char *entered,
    const char *expected, const ptrust_options *options,
    ptrust_capf_outcome **out)
{
	ptrust_capf_outcome *o;
	ptrust_presented which;
	ptrust_status st;
	ptrust_result *r;

	if (out == NULL)
		return PTRUST_ERR_ARG;
	if ((*out = o = pt_calloc(1, sizeof(*o))) == NULL)
		return PTRUST_ERR_NOMEM;
	if (c == NULL || p == NULL || operation_word(op) == NULL ||
	    ptrust_auth_mode_name(mode) == NULL) {
		pt_seterr(o->err, "need a cluster, a phone, an operation and an "
		    "authentication mode");
		return PTRUST_ERR_ARG;
	}
	switch (mode) {
	case PTRUST_AUTH_NULL_STRING:
		return finish(o, op, 1, NULL, NULL);
	case PTRUST_AUTH_STRING:
		if (!auth_string_valid(expected)) {
			pt_seterr(o->err, "the configured authentication string "
			    "must be %d to %d digits", AUTH_MIN, AUTH_MAX);
			return PTRUST_ERR_ARG;
		}
		if (auth_string_valid(entered) &&
		    auth_string_equal(entered, expected))
			return finish(o, op, 1, NULL, NULL);
		return finish(o, op, 0, "Invalid Authentication String",
		    "The string typed on the phone does not match the "
		    "authentication string configured for it in CUCM. Read it "
		    "again from the phone's configuration page and retype it "
		    "on the phone, or use By Null String.");
	case PTRUST_AUTH_LSC_FIRST:
	case PTRUST_AUTH_MIC_FIRST:
		break;
	}
	which = pt_capf_pick(p->lsc != NULL, p->mic != NULL, mode);
	if (which == PTRUST_PRESENTED_NONE)
		return finish(o, op, 0, failure_word(which),
		    pt_capf_no_credentials_fix);
	st = pt_verify_presented(c, p, which, PTRUST_CLUSTER_CAPF, options,
	    &r);
	o->result = r;
	if (r == NULL)
		return st;
	if (st != PTRUST_OK) {
		pt_seterr(o->err, "%s", ptrust_result_error(r));
		return st;
	}
	if (r->trusted)
		return finish(o, op, 1, NULL, NULL);
	return finish(o, op, 0, failure_word(which), r->fix);
}

void
ptrust_capf_outcome_free(ptrust_capf_outcome *o)
{
	if (o == NULL)
		return;
	ptrust_result_free(o->result);
	OPENSSL_free(o->fix);
	OPENSSL_free(o);
}

int
ptrust_capf_outcome_success(const ptrust_capf_outcome *o)
{
	return o != NULL && o->success;
}

const char *
ptrust_capf_outcome_status(const ptrust_capf_outcome *o)
{
	return o != NULL && o->status[0] != '\0' ? o->status : NULL;
}

const ptrust_result *
ptrust_capf_outcome_result(const ptrust_capf_outcome *o)
{
	return o != NULL ? o->result : NULL;
}

const char *
ptrust_capf_outcome_fix(const ptrust_capf_outcome *o)
{
	return o != NULL && !o->success ? o->fix : NULL;
}

const char *
ptrust_capf_outcome_error(const ptrust_capf_outcome *o)
{
	return o != NULL ? o->err : "no outcome";
}
