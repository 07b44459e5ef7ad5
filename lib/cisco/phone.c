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

int
pt_names_device(X509 *leaf, const char *device)
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
	return pt_names_device(sk_X509_value(chain->certs, 0), device);
}

/*
 * One of the phone's certificates, as the phone presents it: the judging
 * path (judge.c) with the phone's device and the slot it came from.
 */
ptrust_status
pt_verify_presented(ptrust_cluster *c, const ptrust_phone *p,
    ptrust_presented which, ptrust_cluster_purpose purpose,
    const ptrust_options *o, ptrust_result **out)
{
	const ptrust_chain *chain = which == PTRUST_PRESENTED_LSC ? p->lsc :
	    which == PTRUST_PRESENTED_MIC ? p->mic : NULL;
	struct pt_presentation pr;
	STACK_OF(X509) *rest = NULL;
	ptrust_store *s = NULL;
	ptrust_status st, snap;
	char why[PT_ERRLEN];
	int i;

	*out = NULL;
	memset(&pr, 0, sizeof(pr));
	pr.purpose = (int)purpose;
	pr.options = o;
	pr.device = p->device;
	pr.claimed = which;
	if ((snap = ptrust_cluster_snapshot(c, purpose, &s)) != PTRUST_OK)
		pr.why = ptrust_cluster_error(c);
	else if (chain == NULL) {
		snprintf(why, sizeof(why), "phone %s has neither an LSC nor a "
		    "MIC to present", p->device);
		pr.why = why;
	} else {
		pr.leaf = sk_X509_value(chain->certs, 0);
		if (sk_X509_num(chain->certs) > 1) {
			if ((rest = sk_X509_new_reserve(NULL,
			    sk_X509_num(chain->certs) - 1)) == NULL) {
				ptrust_store_unref(s);
				return PTRUST_ERR_NOMEM;
			}
			for (i = 1; i < sk_X509_num(chain->certs); i++)
				sk_X509_push(rest, sk_X509_value(chain->certs,
				    i));
		}
		pr.others = rest;
	}
	pr.store = s;
	st = pt_judge(&pr, out);
	sk_X509_free(rest);
	ptrust_store_unref(s);	/* the result holds its own reference */
	return st != PTRUST_OK ? st : snap;
}

ptrust_status
ptrust_cluster_verify_phone(ptrust_cluster *c, const ptrust_phone *p,
    ptrust_cluster_purpose purpose, const ptrust_options *o, int flags,
    ptrust_result **out)
{
	ptrust_presented which;

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
	return pt_verify_presented(c, p, which, purpose, o, out);
}
