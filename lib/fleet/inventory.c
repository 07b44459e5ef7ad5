/*
 * Reading a fleet: certificate files, phones given in memory, CUCM's
 * records as CSV, and JSON (json.c parses it; here it becomes phones).
 *
 * With certificates, what each is (LSC or MIC) is what the cluster knows
 * it by: the anchor whose key issued it (pt_guess_kind, by key only),
 * never a file name or a name in it.  Records hold names only: they are
 * matched to anchors by name, say so (evidence "record"), and an issuer
 * name that matches no anchor or several is reported, never guessed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "fleet.h"

/* ------------------------------------------------------------- helpers */

/* What the cluster trusts for callmanager-tls and capf (to classify). */
static ptrust_status
classifiers(ptrust_fleet *f)
{
	ptrust_status st;

	if (f->cluster == NULL) {
		pt_seterr(f->err, "no cluster: set one before loading phones "
		    "(it decides what each certificate is)");
		return PTRUST_ERR_ARG;
	}
	if (f->cls[0] == NULL && (st = ptrust_cluster_snapshot(f->cluster,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, &f->cls[0])) != PTRUST_OK) {
		pt_seterr(f->err, "%s", ptrust_cluster_error(f->cluster));
		return st;
	}
	if (f->cls[1] == NULL && (st = ptrust_cluster_snapshot(f->cluster,
	    PTRUST_CLUSTER_CAPF, &f->cls[1])) != PTRUST_OK) {
		pt_seterr(f->err, "%s", ptrust_cluster_error(f->cluster));
		return st;
	}
	return PTRUST_OK;
}

/* Does an anchor of the classifying snapshots have leaf's issuer's name? */
static int
issuer_named_anchor(const ptrust_fleet *f, X509 *leaf)
{
	unsigned long h;
	size_t i;
	int k, ok;

	h = X509_NAME_hash_ex(X509_get_issuer_name(leaf), NULL, NULL, &ok);
	if (!ok)
		return 1;
	for (k = 0; k < 2; k++)
		for (i = 0; i < f->cls[k]->n_anchors; i++)
			if (f->cls[k]->anchors[i]->subject_hash == h)
				return 1;
	return 0;
}

/*
 * LSC or MIC by the key of an anchor that issued it (or issued the
 * intermediate that issued it); else unknown.  Through an intermediate,
 * and when no anchor has the leaf's issuer's name, the answer depends on
 * that intermediate alone: found once per intermediate, not per phone.
 */
static ptrust_presented
classify(ptrust_fleet *f, X509 *leaf, STACK_OF(X509) *others)
{
	ptrust_presented out = PTRUST_PRESENTED_NONE;
	ptrust_evidence ev;
	ptrust_kind k;
	long in = -1;
	int i;

	if (others != NULL && sk_X509_num(others) > 0 &&
	    X509_check_issued(sk_X509_value(others, 0), leaf) == X509_V_OK &&
	    !issuer_named_anchor(f, leaf) &&
	    (in = pt_fleet_inter(f, sk_X509_value(others, 0))) >= 0 &&
	    f->inter[in].kind_known)
		return f->inter[in].kind;
	for (i = 0; i < 2; i++) {
		ev = PTRUST_EVIDENCE_NONE;
		k = pt_guess_kind(f->cls[i], leaf, others, &ev);
		if (ev == PTRUST_EVIDENCE_KEY && k != PTRUST_KIND_UNKNOWN) {
			out = k == PTRUST_KIND_LSC ? PTRUST_PRESENTED_LSC :
			    PTRUST_PRESENTED_MIC;
			break;
		}
	}
	if (in >= 0) {
		f->inter[in].kind = out;
		f->inter[in].kind_known = 1;
	}
	return out;
}

/*
 * The device a leaf names (CN = device, or CP-<model>-<device>), into buf;
 * 0 when it names none.  The rule of naming is phone.c's.
 */
static int
leaf_device(X509 *leaf, char *buf, size_t len)
{
	const char *d;
	char *cn;
	size_t n;
	int ok = 0;

	if (pt_subject_cn_len(leaf, &cn, &n) <= 0 || cn == NULL)
		return 0;
	d = cn;
	if (strlen(cn) == n && strncasecmp(cn, "CP-", 3) == 0 &&
	    strrchr(cn, '-') != NULL)
		d = strrchr(cn, '-') + 1;
	if (strlen(cn) == n && pt_device_valid(d) &&
	    pt_cn_names_device(cn, n, d) && strlen(d) < len) {
		memcpy(buf, d, strlen(d) + 1);
		ok = 1;
	}
	OPENSSL_free(cn);
	return ok;
}

/* Keep leaf (and the intermediates it came with) as c. */
static int
set_cert(ptrust_fleet *f, struct pt_fleet_cert *c, X509 *leaf,
    STACK_OF(X509) *others, ptrust_presented claimed)
{
	unsigned char *der = NULL;
	int len, i;
	long k;

	memset(c, 0, sizeof(*c));
	if ((len = i2d_X509(leaf, &der)) <= 0)
		return 0;
	c->der = der;
	c->der_len = (size_t)len;
	c->evidence = PTRUST_FLEET_EVIDENCE_CERTIFICATE;
	c->claimed = claimed;
	if (others != NULL && sk_X509_num(others) > 0) {
		if ((c->inter = pt_calloc((size_t)sk_X509_num(others),
		    sizeof(*c->inter))) == NULL)
			goto fail;
		for (i = 0; i < sk_X509_num(others); i++) {
			if ((k = pt_fleet_inter(f, sk_X509_value(others, i))) < 0)
				goto fail;
			c->inter[c->n_inter++] = (uint32_t)k;
		}
	}
	if ((c->issuer = pt_name_string(X509_get_issuer_name(leaf))) == NULL)
		goto fail;
	if (!pt_asn1_time_to_time_t(X509_get0_notAfter(leaf), &c->not_after))
		c->not_after = 0;
	pt_fleet_cert_names(c, leaf, others);
	return 1;
fail:
	pt_fleet_cert_clear(c);
	return 0;
}

/*
 * One leaf for the fleet: device from its subject, kind from the cluster.
 * want: the device it must name (add_phone), NULL for a file's.  slot: the
 * caller's word for a certificate the cluster does not know.  0 only when
 * memory ran out.
 */
static int
take_leaf(ptrust_fleet *f, const char *file, X509 *leaf,
    STACK_OF(X509) *others, const char *want, ptrust_presented slot)
{
	struct pt_fleet_phone *p;
	struct pt_fleet_cert *c;
	ptrust_presented kind, known;
	char device[80];
	long i;
	int dup;

	if (X509_check_ca(leaf) != 0)
		return pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_NOT_A_PHONE,
		    file, 0, want, "a CA's certificate, not a phone's: "
		    "not used");
	if (want != NULL)
		snprintf(device, sizeof(device), "%s", want);
	else if (!leaf_device(leaf, device, sizeof(device)))
		return pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_NOT_A_PHONE,
		    file, 0, NULL, "the certificate names no device (its "
		    "CN is neither a device name nor CP-<model>-<device>): "
		    "not a phone's, not used");
	known = kind = classify(f, leaf, others);
	if (kind == PTRUST_PRESENTED_NONE && !pt_fleet_problem(f,
	    PTRUST_FLEET_PROBLEM_UNKNOWN_KIND, file, 0, device, "no anchor "
	    "of callmanager-trust or capf-trust issued it: neither an LSC nor "
	    "a MIC this cluster knows; kept as what the phone presents"))
		return 0;
	/* a phone's certificates in several files of one directory */
	if ((i = ptrust_fleet_find_phone(f, device)) >= 0 &&
	    f->phones[i].load == f->load)
		p = &f->phones[i];
	else if ((p = pt_fleet_add(f, device, file, 0, &dup)) == NULL)
		return dup;
	/* unknown: the slot the caller said, a file's first in the LSC's */
	if (kind == PTRUST_PRESENTED_NONE)
		kind = slot != PTRUST_PRESENTED_NONE ? slot :
		    PTRUST_PRESENTED_LSC;
	c = kind == PTRUST_PRESENTED_LSC ? &p->lsc : &p->mic;
	if (c->evidence != PTRUST_FLEET_EVIDENCE_NONE)
		return pt_fleet_problem(f,
		    PTRUST_FLEET_PROBLEM_EXTRA_CERTIFICATE, file, 0, device,
		    "a second %s for %s: not used", kind ==
		    PTRUST_PRESENTED_LSC ? "LSC" : "MIC", device);
	if (!set_cert(f, c, leaf, others, known))
		return 0;
	return 1;
}

/* Of certs, those that issued leaf, and theirs in turn, in order. */
static STACK_OF(X509) *
issuers_of(X509 *leaf, STACK_OF(X509) *certs)
{
	STACK_OF(X509) *out = sk_X509_new_null();
	X509 *cur = leaf;
	int i, found, guard;

	if (out == NULL)
		return NULL;
	for (guard = 0; guard < PT_MAX_CHAIN; guard++) {
		found = 0;
		for (i = 0; i < sk_X509_num(certs); i++) {
			X509 *x = sk_X509_value(certs, i);

			if (x == cur || X509_check_ca(x) == 0 ||
			    X509_check_issued(x, cur) != X509_V_OK)
				continue;
			if (X509_self_signed(x, 0) == 1)
				break;	/* a root: the store's business */
			if (!sk_X509_push(out, x)) {
				sk_X509_free(out);
				return NULL;
			}
			cur = x;
			found = 1;
			break;
		}
		if (!found)
			break;
	}
	return out;
}

/* The certificates of one file: each leaf, with its issuers of the file. */
static int
take_certs(ptrust_fleet *f, const char *file, STACK_OF(X509) *certs,
    const char *want, ptrust_presented slot)
{
	STACK_OF(X509) *others;
	int i, leaves = 0, ok = 1;

	for (i = 0; ok && i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (X509_check_ca(x) != 0)
			continue;
		leaves++;
		if ((others = issuers_of(x, certs)) == NULL)
			return 0;
		ok = take_leaf(f, file, x, others, want, slot);
		sk_X509_free(others);
	}
	if (ok && leaves == 0)
		ok = pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_NOT_A_PHONE,
		    file, 0, want, "only CA certificates: no phone's");
	return ok;
}

/* ----------------------------------------------------------- directory */

static int
read_certs(const ptrust_fleet *f, const unsigned char *data, size_t len,
    STACK_OF(X509) *out, char *err)
{
	const struct pt_known known = { pt_fleet_known, f };
	X509 *x;

	if (pt_is_pem(data, len))
		return pt_parse_pem_certs(data, len, out, err, "certificate",
		    &known) >= 0;
	if ((x = pt_known_find(&known, data, len)) == NULL &&
	    (x = pt_parse_der_cert(data, len, err, "certificate")) == NULL)
		return 0;
	if (!sk_X509_push(out, x)) {
		X509_free(x);
		return 0;
	}
	return 1;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

ptrust_status
pt_fleet_load_dir(ptrust_fleet *f, const char *dir)
{
	char **names = NULL, **tmp, path[4096], err[PT_ERRLEN];
	size_t n = 0, i, len;
	unsigned char *data;
	STACK_OF(X509) *certs;
	struct dirent *de;
	struct stat sb;
	ptrust_status st = PTRUST_OK;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		pt_seterr(f->err, "%s: %s", dir, strerror(errno));
		return PTRUST_ERR_IO;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((tmp = OPENSSL_realloc(names, (n + 1) * sizeof(*tmp))) ==
		    NULL || (tmp[n] = OPENSSL_strdup(de->d_name)) == NULL) {
			if (tmp != NULL)
				names = tmp;
			st = PTRUST_ERR_NOMEM;
			break;
		}
		names = tmp;
		n++;
	}
	closedir(d);
	/* the same order whatever the file system's */
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; st == PTRUST_OK && i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path) || lstat(path, &sb) != 0 ||
		    !S_ISREG(sb.st_mode))
			continue;	/* sub-directories, links: not read */
		if (pt_read_file(path, &data, &len, err) != PTRUST_OK) {
			if (!pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_BAD_FILE,
			    path, 0, NULL, "%s", err))
				st = PTRUST_ERR_NOMEM;
			continue;
		}
		if ((certs = sk_X509_new_null()) == NULL)
			st = PTRUST_ERR_NOMEM;
		else if (!read_certs(f, data, len, certs, err)) {
			if (!pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_BAD_FILE,
			    path, 0, NULL, "not a certificate: %s", err))
				st = PTRUST_ERR_NOMEM;
		} else if (!take_certs(f, path, certs, NULL,
		    PTRUST_PRESENTED_NONE))
			st = PTRUST_ERR_NOMEM;
		sk_X509_pop_free(certs, X509_free);
		OPENSSL_free(data);
	}
	for (i = 0; i < n; i++)
		OPENSSL_free(names[i]);
	OPENSSL_free(names);
	if (st == PTRUST_ERR_NOMEM)
		pt_seterr(f->err, "out of memory");
	return st;
}

ptrust_status
ptrust_fleet_add_phone(ptrust_fleet *f, const ptrust_phone *phone)
{
	const ptrust_chain *ch[2];
	STACK_OF(X509) *others;
	ptrust_status st;
	int i, k, dup;

	if (f == NULL)
		return PTRUST_ERR_ARG;
	if (phone == NULL) {
		pt_seterr(f->err, "no phone");
		return PTRUST_ERR_ARG;
	}
	if ((st = classifiers(f)) != PTRUST_OK)
		return st;
	f->load++;	/* its two certificates join one phone */
	ch[0] = phone->lsc;
	ch[1] = phone->mic;
	if ((ch[0] == NULL || sk_X509_num(ch[0]->certs) == 0) &&
	    (ch[1] == NULL || sk_X509_num(ch[1]->certs) == 0)) {
		if (pt_fleet_add(f, phone->device, NULL, 0, &dup) == NULL &&
		    !dup)
			goto nomem;
		return PTRUST_OK;
	}
	for (i = 0; i < 2; i++) {
		if (ch[i] == NULL || sk_X509_num(ch[i]->certs) == 0)
			continue;
		if ((others = sk_X509_new_null()) == NULL)
			goto nomem;
		for (k = 1; k < sk_X509_num(ch[i]->certs); k++)
			if (!sk_X509_push(others, sk_X509_value(ch[i]->certs,
			    k))) {
				sk_X509_free(others);
				goto nomem;
			}
		k = take_leaf(f, NULL, sk_X509_value(ch[i]->certs, 0), others,
		    phone->device, i == 0 ? PTRUST_PRESENTED_LSC :
		    PTRUST_PRESENTED_MIC);
		sk_X509_free(others);
		if (!k)
			goto nomem;
	}
	return PTRUST_OK;
nomem:
	pt_seterr(f->err, "out of memory");
	return PTRUST_ERR_NOMEM;
}

/* ---------------------------------------------------------- issuer names */

/* Does name say anchor a (its subject as text, or its subject's CN)? */
static int
anchor_named(const ptrust_anchor *a, const char *name)
{
	char *cn;
	size_t n;
	int same = 0;

	if (a->subject != NULL && strcasecmp(a->subject, name) == 0)
		return 1;
	if (pt_subject_cn_len(a->x509, &cn, &n) > 0 && cn != NULL) {
		same = strlen(cn) == n && strcasecmp(cn, name) == 0;
		OPENSSL_free(cn);
	}
	return same;
}

/*
 * The anchors of every store of c carrying name: 0 none, 1 one (*out
 * set), 2 several certificates (the same certificate in several stores
 * counts once).
 */
int
pt_fleet_match_issuer(ptrust_cluster *c, const char *name,
    const ptrust_anchor **out)
{
	const ptrust_anchor *found = NULL;
	size_t s, i;

	*out = NULL;
	for (s = 0; s < ptrust_cluster_store_count(c); s++) {
		ptrust_builder *b = ptrust_cluster_store(c,
		    ptrust_cluster_store_name(c, s), 0);

		for (i = 0; b != NULL && i < b->n_anchors; i++) {
			if (!anchor_named(b->anchors[i], name))
				continue;
			if (found != NULL && strcmp(found->sha256,
			    b->anchors[i]->sha256) != 0)
				return 2;
			found = b->anchors[i];
		}
	}
	*out = found;
	return found != NULL;
}

/* ---------------------------------------------------------------- dates */

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/*
 * YYYY-MM-DD, YYYY-MM-DD HH:MM:SS (or with T and a final Z), MM/DD/YYYY,
 * or seconds since 1970; UTC.  1 when s is one of them.
 */
int
pt_fleet_parse_date(const char *s, time_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t n = strlen(s), i;

	if (n > 0 && n <= 12 && strspn(s, "0123456789") == n) {
		long long v = strtoll(s, NULL, 10);

		*out = (time_t)v;
		return 1;
	}
	if (n == 10 && s[2] == '/' && s[5] == '/' && digits(s, 2, &mo) &&
	    digits(s + 3, 2, &d) && digits(s + 6, 4, &y))
		return pt_time_from_civil(y, mo, d, 0, 0, 0, out);
	if (n < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d))
		return 0;
	i = 10;
	if (n > 10) {
		if ((s[10] != ' ' && s[10] != 'T') || n < 19 || s[13] != ':' ||
		    s[16] != ':' || !digits(s + 11, 2, &h) ||
		    !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec))
			return 0;
		i = 19;
		if (i < n && s[i] == 'Z')
			i++;
	}
	if (i != n)
		return 0;
	return pt_time_from_civil(y, mo, d, h, mi, sec, out);
}

/* ------------------------------------------------------------------ CSV */

enum {
	COL_DEVICE = 0, COL_LSC_ISSUER, COL_LSC_UNTIL, COL_LSC_ISSUER_UNTIL,
	COL_MODEL, COL_MIC_ISSUER, COL_MIC_UNTIL, NCOLS
};

static const struct {
	const char	*words, *column;
	int		 required;
} columns[NCOLS] = {
	{ "Device Name", "devicename", 1 },
	{ "LSC Issued By", "lscissuername", 1 },
	{ "LSC Expires", "lscvaliduntil", 1 },
	{ "LSC Issuer Expires By", "lscissuervaliduntil", 1 },
	{ "Model", "model", 0 },
	{ "MIC Issued By", "micissuername", 0 },
	{ "MIC Expires", "micvaliduntil", 0 },
};

#define CSV_MAX_FIELDS	64
#define CSV_MAX_FIELD	4096

struct csv {
	const char	*p, *end;
	size_t		 line;		/* of the next character */
	char		*field[CSV_MAX_FIELDS];
	size_t		 n;
	int		 bad;		/* why the row is bad, 0: fine */
	char		 why[128];
};

static void
csv_clear(struct csv *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		OPENSSL_free(c->field[i]);
	c->n = 0;
	c->bad = 0;
	c->why[0] = '\0';
}

static void
csv_bad(struct csv *c, const char *why)
{
	if (!c->bad) {
		c->bad = 1;
		snprintf(c->why, sizeof(c->why), "%s", why);
	}
}

/*
 * One record (RFC 4180: quotes, "" inside them, CR LF or LF).  Returns 1
 * with c->field set, 0 at the end, -1 out of memory.  A record too wide,
 * with a field too long or with control characters is read to its end
 * and marked bad.
 */
static int
csv_row(struct csv *c)
{
	char buf[CSV_MAX_FIELD + 1];
	size_t len;
	int quoted, ended = 0;

	csv_clear(c);
	if (c->p >= c->end)
		return 0;
	while (!ended) {
		len = 0;
		quoted = 0;
		if (c->p < c->end && *c->p == '"') {
			quoted = 1;
			c->p++;
		}
		for (;;) {
			unsigned char ch;

			if (c->p >= c->end) {
				if (quoted)
					csv_bad(c, "a quoted field runs to the "
					    "end of the file");
				ended = 1;
				break;
			}
			ch = (unsigned char)*c->p;
			if (quoted && ch == '"') {
				if (c->p + 1 < c->end && c->p[1] == '"') {
					c->p += 2;
				} else {
					quoted = 0;
					c->p++;
					if (c->p < c->end && *c->p != ',' &&
					    *c->p != '\n' && *c->p != '\r')
						csv_bad(c, "text after a closing "
						    "quote");
					continue;
				}
			} else if (!quoted && ch == ',') {
				c->p++;
				break;
			} else if (!quoted && (ch == '\n' || ch == '\r')) {
				if (ch == '\r' && c->p + 1 < c->end &&
				    c->p[1] == '\n')
					c->p++;
				c->p++;
				c->line++;
				ended = 1;
				break;
			} else {
				if (ch == '\n')
					c->line++;
				if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
					csv_bad(c, "a control character in a "
					    "field");
				else if (!quoted && ch == '"')
					csv_bad(c, "a quote inside an unquoted "
					    "field");
				c->p++;
			}
			if (len < CSV_MAX_FIELD)
				buf[len++] = (char)ch;
			else
				csv_bad(c, "a field longer than "
				    PT_STR(CSV_MAX_FIELD) " bytes");
		}
		if (c->n == CSV_MAX_FIELDS) {
			csv_bad(c, "more than " PT_STR(CSV_MAX_FIELDS)
			    " fields");
			continue;
		}
		buf[len] = '\0';
		/* blanks around a field are the spreadsheet's, not data */
		{
			char *s = buf, *e = buf + len;

			while (*s == ' ' || *s == '\t')
				s++;
			while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			*e = '\0';
			if ((c->field[c->n] = OPENSSL_strdup(s)) == NULL)
				return -1;
		}
		c->n++;
	}
	return 1;
}

static int
header_column(const char *name)
{
	char squeezed[128];
	size_t i, k = 0;

	for (i = 0; name[i] != '\0' && k + 1 < sizeof(squeezed); i++)
		if (name[i] != ' ' && name[i] != '_')
			squeezed[k++] = name[i];
	squeezed[k] = '\0';
	for (i = 0; i < NCOLS; i++)
		if (strcasecmp(name, columns[i].words) == 0 ||
		    strcasecmp(squeezed, columns[i].column) == 0)
			return (int)i;
	return -1;
}

static int
blank_row(const struct csv *c)
{
	return c->n == 0 || (c->n == 1 && c->field[0][0] == '\0');
}

/* A record's certificate: its issuer name matched to the anchors. */
static int
record_cert(ptrust_fleet *f, struct pt_fleet_cert *c, const char *issuer,
    time_t until, time_t issuer_until, const char *file, size_t line,
    const char *device, const char *what)
{
	const ptrust_anchor *a;
	int n;

	memset(c, 0, sizeof(*c));
	c->evidence = PTRUST_FLEET_EVIDENCE_RECORD;
	c->not_after = until;
	c->issuer_not_after = issuer_until;
	c->claimed = what[0] == 'L' ? PTRUST_PRESENTED_LSC :
	    PTRUST_PRESENTED_MIC;
	if ((c->issuer = pt_text_escape(OPENSSL_strdup(issuer))) == NULL)
		return 0;
	n = pt_fleet_match_issuer(f->cluster, issuer, &a);
	if (n == 0)
		return pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_UNKNOWN_ISSUER,
		    file, line, device, "%s issuer \"%s\" is the name of no "
		    "anchor of the cluster: not guessed, its %s counts as one "
		    "of an unknown issuer", what, c->issuer, what);
	if (n > 1)
		return pt_fleet_problem(f,
		    PTRUST_FLEET_PROBLEM_AMBIGUOUS_ISSUER, file, line, device,
		    "%s issuer \"%s\" names several anchors of the cluster "
		    "(different keys): not guessed, its %s counts as one of an "
		    "unknown issuer", what, c->issuer, what);
	return 1;
}

static int
csv_phone(ptrust_fleet *f, struct csv *c, const int *col, const char *file,
    size_t line)
{
	const char *v[NCOLS];
	struct pt_fleet_phone *p;
	time_t lsc_until = 0, issuer_until = 0, mic_until = 0;
	int i, dup;

#define BAD(...) pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_BAD_ROW, file, \
	    line, NULL, __VA_ARGS__)
	for (i = 0; i < NCOLS; i++)
		v[i] = col[i] >= 0 && (size_t)col[i] < c->n ? c->field[col[i]] :
		    NULL;
	for (i = 0; i < NCOLS; i++)
		if (columns[i].required && v[i] == NULL)
			return BAD("%zu fields where the header has more: "
			    "skipped", c->n);
	if (!pt_device_valid(v[COL_DEVICE]))
		return BAD("\"%.64s\" is not a device name: skipped",
		    v[COL_DEVICE]);
	if (v[COL_LSC_ISSUER][0] != '\0') {
		if (!pt_fleet_parse_date(v[COL_LSC_UNTIL], &lsc_until))
			return BAD("LSC Expires \"%.40s\" is not a date: "
			    "skipped", v[COL_LSC_UNTIL]);
		if (v[COL_LSC_ISSUER_UNTIL][0] != '\0' &&
		    !pt_fleet_parse_date(v[COL_LSC_ISSUER_UNTIL],
		    &issuer_until))
			return BAD("LSC Issuer Expires By \"%.40s\" is not a "
			    "date: skipped", v[COL_LSC_ISSUER_UNTIL]);
	}
	if (v[COL_MIC_UNTIL] != NULL && v[COL_MIC_UNTIL][0] != '\0' &&
	    !pt_fleet_parse_date(v[COL_MIC_UNTIL], &mic_until))
		return BAD("MIC Expires \"%.40s\" is not a date: skipped",
		    v[COL_MIC_UNTIL]);
#undef BAD
	if ((p = pt_fleet_add(f, v[COL_DEVICE], file, line, &dup)) == NULL)
		return dup;
	if (v[COL_MODEL] != NULL && v[COL_MODEL][0] != '\0' &&
	    (p->model = pt_text_escape(OPENSSL_strdup(v[COL_MODEL]))) == NULL)
		return 0;
	if (v[COL_LSC_ISSUER][0] != '\0' && !record_cert(f, &p->lsc,
	    v[COL_LSC_ISSUER], lsc_until, issuer_until, file, line,
	    p->device, "LSC"))
		return 0;
	if (v[COL_MIC_ISSUER] != NULL && v[COL_MIC_ISSUER][0] != '\0' &&
	    !record_cert(f, &p->mic, v[COL_MIC_ISSUER], mic_until, 0, file,
	    line, p->device, "MIC"))
		return 0;
	return 1;
}

ptrust_status
pt_fleet_load_csv(ptrust_fleet *f, const char *data, size_t len,
    const char *file)
{
	struct csv c;
	int col[NCOLS], r, i, k, have_header = 0;
	size_t line;
	ptrust_status st = PTRUST_OK;

	memset(&c, 0, sizeof(c));
	c.p = data;
	c.end = data + len;
	c.line = 1;
	/* a byte order mark from a spreadsheet */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c.p += 3;
	for (i = 0; i < NCOLS; i++)
		col[i] = -1;
	for (;;) {
		line = c.line;
		if ((r = csv_row(&c)) <= 0) {
			if (r < 0)
				st = PTRUST_ERR_NOMEM;
			break;
		}
		if (blank_row(&c) && !c.bad)
			continue;
		if (!have_header) {
			if (c.bad) {
				pt_seterr(f->err, "%s line %zu: the header: %s",
				    file, line, c.why);
				st = PTRUST_ERR_PARSE;
				break;
			}
			for (i = 0; (size_t)i < c.n; i++)
				if ((k = header_column(c.field[i])) >= 0 &&
				    col[k] < 0)
					col[k] = i;
			for (i = 0; i < NCOLS; i++)
				if (columns[i].required && col[i] < 0) {
					pt_seterr(f->err, "%s line %zu: no "
					    "\"%s\" (%s) column in the header",
					    file, line, columns[i].words,
					    columns[i].column);
					st = PTRUST_ERR_PARSE;
					break;
				}
			if (st != PTRUST_OK)
				break;
			have_header = 1;
			continue;
		}
		if (c.bad) {
			if (!pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_BAD_ROW,
			    file, line, NULL, "%s: skipped", c.why)) {
				st = PTRUST_ERR_NOMEM;
				break;
			}
			continue;
		}
		if (!csv_phone(f, &c, col, file, line)) {
			st = PTRUST_ERR_NOMEM;
			break;
		}
	}
	csv_clear(&c);
	if (st == PTRUST_OK && !have_header) {
		pt_seterr(f->err, "%s: no header line", file);
		st = PTRUST_ERR_PARSE;
	}
	if (st == PTRUST_ERR_NOMEM)
		pt_seterr(f->err, "out of memory");
	return st;
}

/* ----------------------------------------------------------------- JSON */

/*
 * A record from a JSON entry: device, the issuer of the certificate it
 * presented, and which that was (kind or presented: "LSC"/"MIC").
 */
static int
json_record(ptrust_fleet *f, const char *file, size_t line,
    const char *device, const char *kind, const char *issuer, time_t until)
{
	struct pt_fleet_phone *p;
	struct pt_fleet_cert *c;
	long i;
	int dup, lsc;

	if (device == NULL || !pt_device_valid(device))
		return pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_BAD_ROW, file,
		    line, NULL, "an entry without a valid device name: "
		    "skipped");
	if (kind == NULL || (strcasecmp(kind, "LSC") != 0 &&
	    strcasecmp(kind, "MIC") != 0))
		return pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_BAD_ROW, file,
		    line, device, "neither an LSC nor a MIC (\"%.20s\"): "
		    "skipped", kind != NULL ? kind : "null");
	if (issuer == NULL || issuer[0] == '\0')
		return pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_BAD_ROW, file,
		    line, device, "no issuer named: skipped");
	lsc = strcasecmp(kind, "LSC") == 0;
	if ((i = ptrust_fleet_find_phone(f, device)) >= 0 &&
	    f->phones[i].load == f->load)
		p = &f->phones[i];
	else if ((p = pt_fleet_add(f, device, file, line, &dup)) == NULL)
		return dup;
	c = lsc ? &p->lsc : &p->mic;
	if (c->evidence != PTRUST_FLEET_EVIDENCE_NONE)
		return pt_fleet_problem(f,
		    PTRUST_FLEET_PROBLEM_EXTRA_CERTIFICATE, file, line, device,
		    "a second %s for %s: not used", lsc ? "LSC" : "MIC",
		    device);
	return record_cert(f, c, issuer, until, 0, file, line, p->device,
	    lsc ? "LSC" : "MIC");
}

/* The CN of an issuer given as "CN=..., O=...", else the text itself. */
static const char *
issuer_cn(const char *issuer, char *buf, size_t len)
{
	const char *p = strstr(issuer, "CN=");
	size_t n;

	if (p == NULL || (p != issuer && p[-1] != ' ' && p[-1] != ','))
		return issuer;
	p += 3;
	n = strcspn(p, ",");
	if (n >= len)
		return issuer;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* One verdict object: device, presented, the issuer (or the chain's). */
static int
json_verdict(ptrust_fleet *f, const char *file, const struct pt_json *v)
{
	const struct pt_json *chain = pt_json_get(v, "chain"), *anchor;
	const char *issuer = pt_json_string(v, "issuer");
	char buf[256];

	if (v->type != PT_JSON_OBJECT)
		return pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_BAD_ROW, file,
		    v->line, NULL, "not a verdict object: skipped");
	if (issuer == NULL && chain != NULL && chain->type == PT_JSON_ARRAY &&
	    chain->n > 1 && chain->child->next->type == PT_JSON_STRING)
		issuer = chain->child->next->str;
	if (issuer == NULL && (anchor = pt_json_get(v, "anchor")) != NULL &&
	    anchor->type == PT_JSON_OBJECT)
		issuer = pt_json_string(anchor, "subject");
	return json_record(f, file, v->line, pt_json_string(v, "device"),
	    pt_json_string(v, "presented"), issuer != NULL ?
	    issuer_cn(issuer, buf, sizeof(buf)) : NULL, 0);
}

ptrust_status
pt_fleet_load_json(ptrust_fleet *f, const char *data, size_t len,
    const char *file, ptrust_fleet_format format)
{
	const struct pt_json *list, *e, *r;
	struct pt_json *root;
	char err[PT_ERRLEN], buf[256];
	int ok = 1;

	if ((root = pt_json_parse(data, len, err, sizeof(err))) == NULL) {
		pt_seterr(f->err, "%s: %s", file, err);
		return strcmp(err, "out of memory") == 0 ? PTRUST_ERR_NOMEM :
		    PTRUST_ERR_PARSE;
	}
	if (format == PTRUST_FLEET_FORMAT_AUTO)
		format = pt_json_get(root, "certificates") != NULL ?
		    PTRUST_FLEET_FORMAT_EXTRACT :
		    pt_json_get(root, "connections") != NULL ?
		    PTRUST_FLEET_FORMAT_EXTRACT :
		    pt_json_get(root, "phones") != NULL ?
		    PTRUST_FLEET_FORMAT_FLEET : PTRUST_FLEET_FORMAT_VERDICT;
	switch (format) {
	case PTRUST_FLEET_FORMAT_EXTRACT:
		if ((list = pt_json_get(root, "certificates")) != NULL &&
		    list->type == PT_JSON_ARRAY) {
			/* phonetrust extract: one entry per certificate */
			for (e = list->child; ok && e != NULL; e = e->next) {
				const char *iss;

				if (e->type != PT_JSON_OBJECT) {
					ok = pt_fleet_problem(f,
					    PTRUST_FLEET_PROBLEM_BAD_ROW, file,
					    e->line, NULL, "not an object: "
					    "skipped");
					continue;
				}
				iss = pt_json_string(e, "issuer");
				ok = json_record(f, file, e->line,
				    pt_json_string(e, "device"),
				    pt_json_string(e, "kind"), iss != NULL ?
				    issuer_cn(iss, buf, sizeof(buf)) : NULL, 0);
			}
		} else if ((list = pt_json_get(root, "connections")) != NULL &&
		    list->type == PT_JSON_ARRAY) {
			/* phonetrust capture: the verdict of each connection */
			for (e = list->child; ok && e != NULL; e = e->next)
				if (e->type == PT_JSON_OBJECT && (r =
				    pt_json_get(e, "result")) != NULL &&
				    r->type == PT_JSON_OBJECT)
					ok = json_verdict(f, file, r);
		} else {
			pt_seterr(f->err, "%s: neither \"certificates\" nor "
			    "\"connections\": not phonetrust extract or "
			    "capture output", file);
			pt_json_free(root);
			return PTRUST_ERR_PARSE;
		}
		break;
	case PTRUST_FLEET_FORMAT_FLEET:
	case PTRUST_FLEET_FORMAT_VERDICT:
		list = root;
		if (root->type == PT_JSON_OBJECT &&
		    (list = pt_json_get(root, "phones")) == NULL)
			list = root;
		if (list->type == PT_JSON_OBJECT) {
			ok = json_verdict(f, file, list);
			break;
		}
		if (list->type != PT_JSON_ARRAY) {
			pt_seterr(f->err, "%s: neither a verdict object nor an "
			    "array of them", file);
			pt_json_free(root);
			return PTRUST_ERR_PARSE;
		}
		for (e = list->child; ok && e != NULL; e = e->next) {
			const struct pt_json *v = e;

			/* plan --json phones: the verdict before the change */
			if (e->type == PT_JSON_OBJECT &&
			    (r = pt_json_get(e, "before")) != NULL &&
			    r->type == PT_JSON_OBJECT &&
			    (r = pt_json_get(r, "callmanager-tls")) != NULL &&
			    r->type == PT_JSON_OBJECT)
				v = r;
			ok = json_verdict(f, file, v);
		}
		break;
	default:
		pt_seterr(f->err, "%s: not a JSON format", file);
		pt_json_free(root);
		return PTRUST_ERR_ARG;
	}
	pt_json_free(root);
	if (!ok) {
		pt_seterr(f->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	return PTRUST_OK;
}

/* ------------------------------------------------------------ the doors */

static ptrust_fleet_format
sniff(const char *data, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
	    data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && (data[i] == '{' || data[i] == '['))
		return PTRUST_FLEET_FORMAT_AUTO;	/* some JSON */
	return PTRUST_FLEET_FORMAT_CSV;
}

ptrust_status
ptrust_fleet_load_mem(ptrust_fleet *f, const void *data, size_t len,
    const char *name, ptrust_fleet_format format)
{
	ptrust_status st;

	if (f == NULL)
		return PTRUST_ERR_ARG;
	if (data == NULL && len > 0) {
		pt_seterr(f->err, "no data");
		return PTRUST_ERR_ARG;
	}
	if (name == NULL)
		name = "(memory)";
	if (len > PT_FLEET_MAX_FILE) {
		pt_seterr(f->err, "%s: larger than %u bytes", name,
		    PT_FLEET_MAX_FILE);
		return PTRUST_ERR_ARG;
	}
	if (format == PTRUST_FLEET_FORMAT_DIR ||
	    ptrust_fleet_format_name(format) == NULL) {
		pt_seterr(f->err, "a directory is read from its path");
		return PTRUST_ERR_ARG;
	}
	if ((st = classifiers(f)) != PTRUST_OK)
		return st;
	f->load++;
	if (format == PTRUST_FLEET_FORMAT_AUTO)
		format = sniff(data, len);
	if (format == PTRUST_FLEET_FORMAT_CSV)
		return pt_fleet_load_csv(f, data != NULL ? data : "", len,
		    name);
	return pt_fleet_load_json(f, data != NULL ? data : "", len, name,
	    format);
}

ptrust_status
ptrust_fleet_load(ptrust_fleet *f, const char *path,
    ptrust_fleet_format format)
{
	unsigned char *data;
	struct stat sb;
	ptrust_status st;
	size_t len;

	if (f == NULL)
		return PTRUST_ERR_ARG;
	if (path == NULL || ptrust_fleet_format_name(format) == NULL) {
		pt_seterr(f->err, "no path, or no such format");
		return PTRUST_ERR_ARG;
	}
	if (stat(path, &sb) != 0) {
		pt_seterr(f->err, "%s: %s", path, strerror(errno));
		return PTRUST_ERR_IO;
	}
	if (S_ISDIR(sb.st_mode) != (format == PTRUST_FLEET_FORMAT_DIR) &&
	    format != PTRUST_FLEET_FORMAT_AUTO) {
		pt_seterr(f->err, "%s: %s", path, S_ISDIR(sb.st_mode) ?
		    "a directory, read as certificate files only" :
		    "not a directory");
		return PTRUST_ERR_ARG;
	}
	if (S_ISDIR(sb.st_mode)) {
		if ((st = classifiers(f)) != PTRUST_OK)
			return st;
		f->load++;
		return pt_fleet_load_dir(f, path);
	}
	if (sb.st_size > (off_t)PT_FLEET_MAX_FILE) {
		pt_seterr(f->err, "%s: larger than %u bytes", path,
		    PT_FLEET_MAX_FILE);
		return PTRUST_ERR_ARG;
	}
	if ((st = pt_read_file(path, &data, &len, f->err)) != PTRUST_OK)
		return st;
	st = ptrust_fleet_load_mem(f, data, len, path, format);
	OPENSSL_free(data);
	return st;
}
