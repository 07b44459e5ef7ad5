/*
 * Phones: a device name with an optional LSC and an optional MIC.  The
 * phone, not the caller, picks what it presents: its LSC whenever it has
 * one, else its MIC.  The certificate must name the device.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "text.h"

/* SEP + 12 hex digits, or another device name CUCM accepts. */
int
pt_device_valid(const char *d)
{
	size_t i, n;

	if (d == NULL || (n = strlen(d)) == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)d[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.'))
			return 0;
	}
	/*
	 * SEP + a MAC address: exactly 12 hex digits.  A name of that length,
	 * or SEP followed by hex digits only, is held to it; others starting
	 * with the letters ("Sepia") are just names.
	 */
	if (strncasecmp(d, "SEP", 3) == 0 && n > 3) {
		int all_hex = 1;

		for (i = 3; i < n; i++)
			if (!isxdigit((unsigned char)d[i]))
				all_hex = 0;
		if (n == 15 || all_hex)
			return n == 15 && all_hex;
	}
	return 1;
}

ptrust_phone *
ptrust_phone_new(const char *device)
{
	ptrust_phone *p;

	if (!pt_device_valid(device) || (p = pt_calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->device = OPENSSL_strdup(device)) == NULL) {
		OPENSSL_free(p);
		return NULL;
	}
	return p;
}

void
ptrust_phone_free(ptrust_phone *p)
{
	if (p == NULL)
		return;
	ptrust_chain_free(p->lsc);
	ptrust_chain_free(p->mic);
	OPENSSL_free(p->device);
	OPENSSL_free(p);
}

const char *
ptrust_phone_device(const ptrust_phone *p)
{
	return p != NULL ? p->device : NULL;
}

static ptrust_status
copy_chain(const ptrust_chain *from, ptrust_chain **to)
{
	ptrust_chain *c;
	ptrust_status st = PTRUST_OK;
	int i;

	if (from == NULL || sk_X509_num(from->certs) == 0)
		return PTRUST_ERR_ARG;
	if ((c = ptrust_chain_new()) == NULL)
		return PTRUST_ERR_NOMEM;
	for (i = 0; st == PTRUST_OK && i < sk_X509_num(from->certs); i++)
		st = ptrust_chain_add_x509(c, sk_X509_value(from->certs, i));
	if (st != PTRUST_OK) {
		ptrust_chain_free(c);
		return st;
	}
	ptrust_chain_free(*to);
	*to = c;
	return PTRUST_OK;
}

ptrust_status
ptrust_phone_set_lsc(ptrust_phone *p, const ptrust_chain *chain)
{
	return p != NULL ? copy_chain(chain, &p->lsc) : PTRUST_ERR_ARG;
}

ptrust_status
ptrust_phone_set_mic(ptrust_phone *p, const ptrust_chain *chain)
{
	return p != NULL ? copy_chain(chain, &p->mic) : PTRUST_ERR_ARG;
}

void
ptrust_phone_delete_lsc(ptrust_phone *p)
{
	if (p == NULL)
		return;
	ptrust_chain_free(p->lsc);
	p->lsc = NULL;
}

int
ptrust_phone_has_lsc(const ptrust_phone *p)
{
	return p != NULL && p->lsc != NULL;
}

int
ptrust_phone_has_mic(const ptrust_phone *p)
{
	return p != NULL && p->mic != NULL;
}

/*
 * Valid UTF-8 without a character unsafe to print (text.h: C0 with NUL,
 * DEL, C1, bidi controls).  A name holding one is no device's name,
 * whatever the rest of it says.  s is NUL-terminated after its n bytes.
 */
static int
clean_name(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i, len;

	for (i = 0; i < n; i += len)
		if ((len = pt_utf8_char(p + i, &cp)) == 0 || len > n - i ||
		    pt_text_unsafe(cp))
			return 0;
	return 1;
}

/*
 * Does a certificate's CN, n bytes, name this device?  An LSC's CN is the
 * device name; a MIC's is often "CP-<model>-SEP<MAC>", so a "-<device>"
 * suffix after a "CP-" prefix counts too (for either kind).
 * Case-insensitive, as CUCM's device names are.  The whole CN counts: a
 * NUL or another control character in it names no device.
 */
int
pt_cn_names_device(const char *cn, size_t n, const char *device)
{
	size_t d = strlen(device);

	if (cn == NULL || !clean_name(cn, n))
		return 0;
	if (n == d && strncasecmp(cn, device, d) == 0)
		return 1;
	return n > d + 4 && strncasecmp(cn, "CP-", 3) == 0 &&
	    cn[n - d - 1] == '-' && strncasecmp(cn + n - d, device, d) == 0;
}

static int
names_device(X509 *leaf, const char *device)
{
	char *cn;
	size_t len;
	int match;

	if (pt_subject_cn_len(leaf, &cn, &len) < 0)
		return -1;
	match = pt_cn_names_device(cn, len, device);
	OPENSSL_free(cn);
	return match;
}

int
ptrust_chain_names_device(const ptrust_chain *chain, const char *device)
{
	if (chain == NULL || !pt_device_valid(device) ||
	    sk_X509_num(chain->certs) == 0)
		return 0;
	return names_device(sk_X509_value(chain->certs, 0), device);
}

/* A result that records a refusal made before any chain was checked. */
static ptrust_result *
result_without_chain(ptrust_reason_code code, const char *message)
{
	ptrust_result *r = pt_calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (!pt_result_add_reason(r, code, -1, NULL, message)) {
		ptrust_result_free(r);
		return NULL;
	}
	return r;
}

ptrust_status
pt_verify_presented(ptrust_cluster *c, const ptrust_phone *p,
    ptrust_presented which, ptrust_cluster_purpose purpose,
    const ptrust_options *o, ptrust_result **out)
{
	const ptrust_chain *chain = which == PTRUST_PRESENTED_LSC ? p->lsc :
	    which == PTRUST_PRESENTED_MIC ? p->mic : NULL;
	ptrust_store *s = NULL;
	ptrust_result *r = NULL;
	ptrust_status st;
	char msg[PT_ERRLEN];
	int named;

	*out = NULL;
	st = ptrust_cluster_snapshot(c, purpose, &s);
	if (st != PTRUST_OK) {
		/* a cluster without the store this purpose needs */
		if ((r = result_without_chain(PTRUST_REASON_OTHER,
		    ptrust_cluster_error(c))) == NULL)
			return PTRUST_ERR_NOMEM;
		r->alert = PTRUST_ALERT_INTERNAL_ERROR;
		pt_seterr(r->err, "%s", ptrust_cluster_error(c));
		r->diagnosis = PTRUST_DIAG_NO_STORE_FOR_PURPOSE;
		*out = r;
		return st;
	}
	if (chain == NULL) {
		snprintf(msg, sizeof(msg), "phone %s has neither an LSC nor a "
		    "MIC to present", p->device);
		r = result_without_chain(PTRUST_REASON_NO_CERTIFICATE, msg);
		if (r == NULL) {
			ptrust_store_unref(s);
			return PTRUST_ERR_NOMEM;
		}
		r->store = s;
		*out = r;
		return PTRUST_OK;
	}
	st = ptrust_verify(s, chain, o, &r);
	ptrust_store_unref(s);	/* the result holds its own reference */
	*out = r;
	if (st != PTRUST_OK)
		return st;
	named = names_device(sk_X509_value(chain->certs, 0), p->device);
	if (named < 0) {
		r->trusted = 0;
		pt_seterr(r->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	if (!named) {
		snprintf(msg, sizeof(msg), "the certificate does not name "
		    "device %s: a phone must present its own certificate",
		    p->device);
		if (!pt_result_add_reason(r, PTRUST_REASON_IDENTITY_MISMATCH, 0,
		    sk_X509_value(chain->certs, 0), msg)) {
			r->trusted = 0;
			pt_seterr(r->err, "out of memory");
			return PTRUST_ERR_NOMEM;
		}
	}
	return PTRUST_OK;
}

static X509 *
presented_leaf(const ptrust_phone *p, ptrust_presented which)
{
	const ptrust_chain *chain = which == PTRUST_PRESENTED_LSC ? p->lsc :
	    which == PTRUST_PRESENTED_MIC ? p->mic : NULL;

	return chain != NULL ? sk_X509_value(chain->certs, 0) : NULL;
}

ptrust_status
ptrust_cluster_verify_phone(ptrust_cluster *c, const ptrust_phone *p,
    ptrust_cluster_purpose purpose, const ptrust_options *o, int flags,
    ptrust_result **out)
{
	ptrust_presented which;
	ptrust_result *r = NULL;
	ptrust_status st;

	if (out == NULL)
		return PTRUST_ERR_ARG;
	*out = NULL;
	if (c == NULL || p == NULL ||
	    ptrust_cluster_purpose_name(purpose) == NULL ||
	    (flags & ~PTRUST_PHONE_WITHOUT_LSC) != 0)
		return PTRUST_ERR_ARG;
	/* The phone's rule: its LSC whenever it has one (unless asked to
	 * imagine it deleted), else its MIC. */
	if (p->lsc != NULL && !(flags & PTRUST_PHONE_WITHOUT_LSC))
		which = PTRUST_PRESENTED_LSC;
	else if (p->mic != NULL)
		which = PTRUST_PRESENTED_MIC;
	else
		which = PTRUST_PRESENTED_NONE;
	st = pt_verify_presented(c, p, which, purpose, o, &r);
	*out = r;
	if (r == NULL)
		return st;
	r->presented = which;
	if ((r->device = OPENSSL_strdup(p->device)) == NULL ||
	    !pt_diagnose(r, purpose, ptrust_cluster_purpose_store(c, purpose),
	    presented_leaf(p, which))) {
		r->trusted = 0;
		pt_seterr(r->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	return st;
}
