/*
 * The fleet: a cluster, the phones of an inventory, the problems found
 * reading it, and the intermediates phones send (kept once, decoded once).
 * Phones keep their certificates as DER and are decoded only while judged:
 * 40,000 decoded phones would not fit in the memory a planner may use.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fleet.h"

uint64_t
pt_fleet_hash(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;
	size_t i;

	if (h == 0)
		h = 1469598103934665603ULL;
	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

ptrust_fleet *
ptrust_fleet_new(void)
{
	return pt_calloc(1, sizeof(ptrust_fleet));
}

void
pt_fleet_cert_clear(struct pt_fleet_cert *c)
{
	OPENSSL_free(c->der);
	OPENSSL_free(c->inter);
	OPENSSL_free(c->issuer);
	memset(c, 0, sizeof(*c));
}

static void
phone_clear(struct pt_fleet_phone *p)
{
	OPENSSL_free(p->device);
	OPENSSL_free(p->model);
	OPENSSL_free(p->file);
	pt_fleet_cert_clear(&p->lsc);
	pt_fleet_cert_clear(&p->mic);
}

/* Evaluations made so far no longer hold (a new cluster, new phones). */
void
pt_fleet_forget(ptrust_fleet *f)
{
	pt_fleet_side_unref(f->before);
	f->before = NULL;
	pt_fleet_side_unref(f->last);
	f->last = NULL;
}

/* The cluster changed: what it trusts is to be read again. */
static void
forget_cluster(ptrust_fleet *f)
{
	pt_fleet_forget(f);
	ptrust_store_unref(f->cls[0]);
	ptrust_store_unref(f->cls[1]);
	f->cls[0] = f->cls[1] = NULL;
}

void
ptrust_fleet_free(ptrust_fleet *f)
{
	size_t i;

	if (f == NULL)
		return;
	forget_cluster(f);
	for (i = 0; i < f->n_phones; i++)
		phone_clear(&f->phones[i]);
	OPENSSL_free(f->phones);
	OPENSSL_free(f->by_device);
	for (i = 0; i < f->n_inter; i++) {
		X509_free(f->inter[i].x509);
		OPENSSL_free(f->inter[i].der);
	}
	OPENSSL_free(f->inter);
	for (i = 0; i < f->n_problems; i++) {
		OPENSSL_free(f->problems[i].file);
		OPENSSL_free(f->problems[i].device);
		OPENSSL_free(f->problems[i].message);
	}
	OPENSSL_free(f->problems);
	ptrust_cluster_free(f->cluster);
	ptrust_options_free(f->options);
	OPENSSL_free(f);
}

const char *
ptrust_fleet_error(const ptrust_fleet *f)
{
	return f != NULL ? f->err : "no fleet";
}

ptrust_status
ptrust_fleet_set_cluster(ptrust_fleet *f, ptrust_cluster *c)
{
	if (f == NULL)
		return PTRUST_ERR_ARG;
	if (c == NULL) {
		pt_seterr(f->err, "no cluster");
		return PTRUST_ERR_ARG;
	}
	if (c == f->cluster)
		return PTRUST_OK;
	forget_cluster(f);
	ptrust_cluster_free(f->cluster);
	f->cluster = c;
	return PTRUST_OK;
}

ptrust_status
ptrust_fleet_load_cluster(ptrust_fleet *f, const char *dir)
{
	ptrust_cluster *c;
	ptrust_status st;

	if (f == NULL)
		return PTRUST_ERR_ARG;
	if ((c = ptrust_cluster_new()) == NULL) {
		pt_seterr(f->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	if ((st = ptrust_cluster_load_dir(c, dir)) != PTRUST_OK) {
		pt_seterr(f->err, "%s", ptrust_cluster_error(c));
		ptrust_cluster_free(c);
		return st;
	}
	return ptrust_fleet_set_cluster(f, c);
}

ptrust_cluster *
ptrust_fleet_cluster(ptrust_fleet *f)
{
	return f != NULL ? f->cluster : NULL;
}

ptrust_status
ptrust_fleet_set_options(ptrust_fleet *f, const ptrust_options *o)
{
	ptrust_options *copy = NULL;

	if (f == NULL)
		return PTRUST_ERR_ARG;
	if (o != NULL && (copy = pt_options_dup(o)) == NULL) {
		pt_seterr(f->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	pt_fleet_forget(f);
	ptrust_options_free(f->options);
	f->options = copy;
	return PTRUST_OK;
}

ptrust_status
ptrust_fleet_set_threads(ptrust_fleet *f, int threads)
{
	if (f == NULL || threads < 0 || threads > 256)
		return PTRUST_ERR_ARG;
	f->threads = threads;
	return PTRUST_OK;
}

ptrust_status
ptrust_fleet_set_progress(ptrust_fleet *f, ptrust_fleet_progress_fn fn,
    void *arg)
{
	if (f == NULL)
		return PTRUST_ERR_ARG;
	f->progress = fn;
	f->progress_arg = arg;
	return PTRUST_OK;
}

/* ------------------------------------------------------------ problems */

const char *
ptrust_fleet_problem_code_name(ptrust_fleet_problem_code c)
{
	switch (c) {
	case PTRUST_FLEET_PROBLEM_BAD_ROW:		return "bad-row";
	case PTRUST_FLEET_PROBLEM_BAD_FILE:		return "bad-file";
	case PTRUST_FLEET_PROBLEM_DUPLICATE_DEVICE:	return "duplicate-device";
	case PTRUST_FLEET_PROBLEM_UNKNOWN_ISSUER:	return "unknown-issuer";
	case PTRUST_FLEET_PROBLEM_AMBIGUOUS_ISSUER:	return "ambiguous-issuer";
	case PTRUST_FLEET_PROBLEM_NOT_A_PHONE:		return "not-a-phone";
	case PTRUST_FLEET_PROBLEM_UNKNOWN_KIND:		return "unknown-kind";
	case PTRUST_FLEET_PROBLEM_EXTRA_CERTIFICATE:	return "extra-certificate";
	case PTRUST_FLEET_PROBLEM_LIMIT:		return "limit";
	}
	return NULL;
}

/* 0 only when memory ran out; past the limit problems are counted as one. */
int
pt_fleet_problem(ptrust_fleet *f, ptrust_fleet_problem_code code,
    const char *file, size_t line, const char *device, const char *fmt, ...)
{
	struct pt_fleet_problem *p, *tmp;
	char msg[PT_ERRLEN];
	va_list ap;

	if (f->n_problems >= PT_FLEET_MAX_PROBLEMS)
		return 1;
	if (f->n_problems == PT_FLEET_MAX_PROBLEMS - 1) {
		code = PTRUST_FLEET_PROBLEM_LIMIT;
		snprintf(msg, sizeof(msg), "too many problems: the rest are "
		    "not listed");
		device = NULL;
	} else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (f->n_problems == f->cap_problems) {
		size_t cap = f->cap_problems ? 2 * f->cap_problems : 16;

		if ((tmp = OPENSSL_realloc(f->problems, cap * sizeof(*tmp))) ==
		    NULL)
			return 0;
		f->problems = tmp;
		f->cap_problems = cap;
	}
	p = &f->problems[f->n_problems];
	memset(p, 0, sizeof(*p));
	p->code = code;
	p->line = line;
	/* text from the input is escaped before anyone prints it */
	if ((file != NULL && (p->file = pt_text_escape(OPENSSL_strdup(file))) ==
	    NULL) || (device != NULL && (p->device =
	    pt_text_escape(OPENSSL_strdup(device))) == NULL) ||
	    (p->message = pt_text_escape(OPENSSL_strdup(msg))) == NULL) {
		OPENSSL_free(p->file);
		OPENSSL_free(p->device);
		return 0;
	}
	f->n_problems++;
	return 1;
}

size_t
ptrust_fleet_problem_count(const ptrust_fleet *f)
{
	return f != NULL ? f->n_problems : 0;
}

ptrust_fleet_problem_code
ptrust_fleet_problem(const ptrust_fleet *f, size_t i)
{
	return f != NULL && i < f->n_problems ? f->problems[i].code : 0;
}

const char *
ptrust_fleet_problem_file(const ptrust_fleet *f, size_t i)
{
	return f != NULL && i < f->n_problems ? f->problems[i].file : NULL;
}

size_t
ptrust_fleet_problem_line(const ptrust_fleet *f, size_t i)
{
	return f != NULL && i < f->n_problems ? f->problems[i].line : 0;
}

const char *
ptrust_fleet_problem_device(const ptrust_fleet *f, size_t i)
{
	return f != NULL && i < f->n_problems ? f->problems[i].device : NULL;
}

const char *
ptrust_fleet_problem_message(const ptrust_fleet *f, size_t i)
{
	return f != NULL && i < f->n_problems ? f->problems[i].message : NULL;
}

/* -------------------------------------------------------------- phones */

/* Device names compare without case, as CUCM's do. */
static size_t
device_hash(const char *d)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *d != '\0'; d++) {
		h ^= (unsigned char)(*d >= 'a' && *d <= 'z' ? *d - 32 : *d);
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static int
index_put(size_t *tab, size_t cap, const struct pt_fleet_phone *phones,
    size_t i)
{
	size_t h = device_hash(phones[i].device) & (cap - 1);

	while (tab[h] != 0)
		h = (h + 1) & (cap - 1);
	tab[h] = i + 1;
	return 1;
}

static long
find(const ptrust_fleet *f, const char *device)
{
	size_t h;

	if (f->by_device == NULL)
		return -1;
	h = device_hash(device) & (f->by_device_cap - 1);
	while (f->by_device[h] != 0) {
		if (strcasecmp(f->phones[f->by_device[h] - 1].device,
		    device) == 0)
			return (long)(f->by_device[h] - 1);
		h = (h + 1) & (f->by_device_cap - 1);
	}
	return -1;
}

long
ptrust_fleet_find_phone(const ptrust_fleet *f, const char *device)
{
	if (f == NULL || device == NULL)
		return -1;
	return find(f, device);
}

static int
index_grow(ptrust_fleet *f)
{
	size_t cap = f->by_device_cap ? 2 * f->by_device_cap : 1024, i, *tab;

	if ((tab = pt_calloc(cap, sizeof(*tab))) == NULL)
		return 0;
	for (i = 0; i < f->n_phones; i++)
		index_put(tab, cap, f->phones, i);
	OPENSSL_free(f->by_device);
	f->by_device = tab;
	f->by_device_cap = cap;
	return 1;
}

struct pt_fleet_phone *
pt_fleet_add(ptrust_fleet *f, const char *device, const char *file,
    size_t line, int *dup)
{
	struct pt_fleet_phone *p, *tmp;
	long other;

	*dup = 0;
	if ((other = find(f, device)) >= 0) {
		*dup = 1;
		pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_DUPLICATE_DEVICE, file,
		    line, device, "device %s is already in the fleet (from %s "
		    "line %zu): this one is skipped", device,
		    f->phones[other].file != NULL ? f->phones[other].file : "?",
		    f->phones[other].line);
		return NULL;
	}
	if (f->n_phones >= PT_FLEET_MAX_PHONES) {
		*dup = 1;
		pt_fleet_problem(f, PTRUST_FLEET_PROBLEM_LIMIT, file, line,
		    device, "more than %d phones: the rest are skipped",
		    PT_FLEET_MAX_PHONES);
		return NULL;
	}
	if (f->n_phones == f->cap_phones) {
		size_t cap = f->cap_phones ? 2 * f->cap_phones : 64;

		if ((tmp = OPENSSL_realloc(f->phones, cap * sizeof(*tmp))) ==
		    NULL)
			return NULL;
		f->phones = tmp;
		f->cap_phones = cap;
	}
	if (2 * (f->n_phones + 1) > f->by_device_cap && !index_grow(f))
		return NULL;
	p = &f->phones[f->n_phones];
	memset(p, 0, sizeof(*p));
	if ((p->device = OPENSSL_strdup(device)) == NULL ||
	    (file != NULL && (p->file = OPENSSL_strdup(file)) == NULL)) {
		OPENSSL_free(p->device);
		return NULL;
	}
	p->line = line;
	p->load = f->load;
	f->n_phones++;
	index_put(f->by_device, f->by_device_cap, f->phones, f->n_phones - 1);
	pt_fleet_forget(f);
	return p;
}

void
pt_fleet_drop_last(ptrust_fleet *f)
{
	size_t i;

	if (f->n_phones == 0)
		return;
	phone_clear(&f->phones[--f->n_phones]);
	memset(f->by_device, 0, f->by_device_cap * sizeof(*f->by_device));
	for (i = 0; i < f->n_phones; i++)
		index_put(f->by_device, f->by_device_cap, f->phones, i);
}

size_t
ptrust_fleet_phone_count(const ptrust_fleet *f)
{
	return f != NULL ? f->n_phones : 0;
}

static const struct pt_fleet_phone *
phone_at(const ptrust_fleet *f, size_t i)
{
	return f != NULL && i < f->n_phones ? &f->phones[i] : NULL;
}

const char *
ptrust_fleet_phone_device(const ptrust_fleet *f, size_t i)
{
	const struct pt_fleet_phone *p = phone_at(f, i);

	return p != NULL ? p->device : NULL;
}

const char *
ptrust_fleet_phone_model(const ptrust_fleet *f, size_t i)
{
	const struct pt_fleet_phone *p = phone_at(f, i);

	return p != NULL ? p->model : NULL;
}

const char *
ptrust_fleet_phone_source(const ptrust_fleet *f, size_t i, size_t *line)
{
	const struct pt_fleet_phone *p = phone_at(f, i);

	if (line != NULL)
		*line = p != NULL ? p->line : 0;
	return p != NULL ? p->file : NULL;
}

static const struct pt_fleet_cert *
cert_of(const ptrust_fleet *f, size_t i, ptrust_presented which)
{
	const struct pt_fleet_phone *p = phone_at(f, i);

	if (p == NULL)
		return NULL;
	return which == PTRUST_PRESENTED_LSC ? &p->lsc :
	    which == PTRUST_PRESENTED_MIC ? &p->mic : NULL;
}

ptrust_fleet_evidence
ptrust_fleet_phone_evidence(const ptrust_fleet *f, size_t i,
    ptrust_presented which)
{
	const struct pt_fleet_cert *c = cert_of(f, i, which);

	return c != NULL ? c->evidence : PTRUST_FLEET_EVIDENCE_NONE;
}

const char *
ptrust_fleet_phone_issuer(const ptrust_fleet *f, size_t i,
    ptrust_presented which)
{
	const struct pt_fleet_cert *c = cert_of(f, i, which);

	return c != NULL ? c->issuer : NULL;
}

time_t
ptrust_fleet_phone_not_after(const ptrust_fleet *f, size_t i,
    ptrust_presented which)
{
	const struct pt_fleet_cert *c = cert_of(f, i, which);

	return c != NULL ? c->not_after : 0;
}

const char *
ptrust_fleet_evidence_name(ptrust_fleet_evidence e)
{
	switch (e) {
	case PTRUST_FLEET_EVIDENCE_NONE:	return "none";
	case PTRUST_FLEET_EVIDENCE_CERTIFICATE:	return "certificate";
	case PTRUST_FLEET_EVIDENCE_RECORD:	return "record";
	}
	return NULL;
}

const char *
ptrust_fleet_format_name(ptrust_fleet_format fm)
{
	switch (fm) {
	case PTRUST_FLEET_FORMAT_AUTO:		return "auto";
	case PTRUST_FLEET_FORMAT_DIR:		return "dir";
	case PTRUST_FLEET_FORMAT_CSV:		return "csv";
	case PTRUST_FLEET_FORMAT_EXTRACT:	return "extract";
	case PTRUST_FLEET_FORMAT_VERDICT:	return "verdict";
	case PTRUST_FLEET_FORMAT_FLEET:		return "fleet";
	}
	return NULL;
}

int
ptrust_fleet_format_from_name(const char *name, ptrust_fleet_format *fm)
{
	int i;

	if (name == NULL || fm == NULL)
		return -1;
	for (i = PTRUST_FLEET_FORMAT_AUTO; i <= PTRUST_FLEET_FORMAT_FLEET; i++)
		if (strcmp(name, ptrust_fleet_format_name(i)) == 0) {
			*fm = (ptrust_fleet_format)i;
			return 0;
		}
	return -1;
}

/* ------------------------------------------------------- intermediates */

X509 *
pt_fleet_known(const void *arg, const unsigned char *der, size_t len)
{
	const ptrust_fleet *f = arg;
	X509 *x;
	size_t i;
	int k;

	/* every MIC file carries its CA: decoded once, for the first phone */
	for (i = 0; i < f->n_inter; i++)
		if (f->inter[i].der_len == len &&
		    memcmp(f->inter[i].der, der, len) == 0)
			return X509_up_ref(f->inter[i].x509) ?
			    f->inter[i].x509 : NULL;
	for (k = 0; k < 2; k++)
		if ((x = pt_store_share(f->cls[k], der, len)) != NULL)
			return x;
	return NULL;
}

long
pt_fleet_inter(ptrust_fleet *f, X509 *x)
{
	struct pt_fleet_inter *tmp, *in;
	unsigned char *der = NULL;
	char sha[65];
	size_t i;
	int len;

	/* the same certificate again (X509_cmp: its cached digest) */
	for (i = 0; i < f->n_inter; i++)
		if (X509_cmp(f->inter[i].x509, x) == 0)
			return (long)i;
	if ((len = i2d_X509(x, &der)) <= 0)
		return -1;
	if (!pt_sha256_hex(der, (size_t)len, sha)) {
		OPENSSL_free(der);
		return -1;
	}
	/* few distinct intermediates in a fleet: a linear search will do */
	for (i = 0; i < f->n_inter; i++)
		if (strcmp(f->inter[i].sha256, sha) == 0) {
			OPENSSL_free(der);
			return (long)i;
		}
	if (f->n_inter >= UINT32_MAX / 2) {
		OPENSSL_free(der);
		return -1;
	}
	if (f->n_inter == f->cap_inter) {
		size_t cap = f->cap_inter ? 2 * f->cap_inter : 8;

		if ((tmp = OPENSSL_realloc(f->inter, cap * sizeof(*tmp))) ==
		    NULL) {
			OPENSSL_free(der);
			return -1;
		}
		f->inter = tmp;
		f->cap_inter = cap;
	}
	in = &f->inter[f->n_inter];
	if (!X509_up_ref(x)) {
		OPENSSL_free(der);
		return -1;
	}
	in->x509 = x;
	in->der = der;
	in->der_len = (size_t)len;
	in->kind_known = 0;
	memcpy(in->sha256, sha, sizeof(sha));
	/* decoded extensions cached now, before threads share it */
	pt_x509_settle(x);
	return (long)f->n_inter++;
}

static void
add_name(struct pt_fleet_cert *c, const X509_NAME *n)
{
	unsigned long h;
	uint32_t i;
	int ok;

	h = X509_NAME_hash_ex(n, NULL, NULL, &ok);
	if (!ok) {
		c->n_names = UINT32_MAX;	/* never reused */
		return;
	}
	if (c->n_names == UINT32_MAX)
		return;
	for (i = 0; i < c->n_names; i++)
		if (c->names[i] == h)
			return;
	if (c->n_names == sizeof(c->names) / sizeof(c->names[0])) {
		c->n_names = UINT32_MAX;
		return;
	}
	c->names[c->n_names++] = h;
}

void
pt_fleet_cert_names(struct pt_fleet_cert *c, X509 *leaf,
    STACK_OF(X509) *others)
{
	uint32_t i;
	int k;

	c->n_names = 0;
	add_name(c, X509_get_subject_name(leaf));
	add_name(c, X509_get_issuer_name(leaf));
	for (k = 0; others != NULL && k < sk_X509_num(others); k++) {
		add_name(c, X509_get_subject_name(sk_X509_value(others, k)));
		add_name(c, X509_get_issuer_name(sk_X509_value(others, k)));
	}
	c->names_key = 0;
	if (c->n_names == UINT32_MAX)
		return;
	for (i = 0; i < c->n_names; i++)
		c->names_key = pt_fleet_hash(&c->names[i], sizeof(c->names[i]),
		    c->names_key);
	if (c->names_key == 0)
		c->names_key = 1;
}
