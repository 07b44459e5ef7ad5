/*
 * Packet captures written here byte by byte (pcap and pcapng headers,
 * Ethernet / Linux cooked / raw IP, IPv4 and IPv6, TCP, TLS records)
 * with the lab's certificates inside Certificate messages, read back by
 * ptrust_capture_read_mem: segmentation, reordering, retransmissions, a
 * gap, truncation, garbage, TLS 1.3, alerts, classification with and
 * without a cluster, and running out of memory at every allocation.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "testutil.h"
#include <phonetrust-cluster.h>
#include <phonetrust-capture.h>

/* ------------------------------------------------------------ bytes */

struct buf {
	unsigned char	*p;
	size_t		 len, cap;
};

static void
put(struct buf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	if (n > 0)
		memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void put8(struct buf *b, unsigned v) { unsigned char c = (unsigned char)v; put(b, &c, 1); }
static void put16(struct buf *b, unsigned v) { put8(b, v >> 8); put8(b, v); }
static void put24(struct buf *b, unsigned v) { put8(b, v >> 16); put16(b, v); }
static void put32(struct buf *b, uint32_t v) { put16(b, v >> 16); put16(b, v); }
static void le16(struct buf *b, unsigned v) { put8(b, v); put8(b, v >> 8); }
static void le32(struct buf *b, uint32_t v) { le16(b, v); le16(b, v >> 16); }

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------ TLS */

static void
hs_msg(struct buf *b, int type, const struct buf *body)
{
	put8(b, type);
	put24(b, (unsigned)body->len);
	put(b, body->p, body->len);
}

static void
client_hello(struct buf *hs)
{
	struct buf body = { 0 };
	int i;

	put16(&body, 0x0303);
	for (i = 0; i < 32; i++)
		put8(&body, i);
	put8(&body, 0);			/* session id */
	put16(&body, 2);
	put16(&body, 0xc02f);		/* one suite */
	put8(&body, 1);
	put8(&body, 0);
	put16(&body, 0);		/* no extensions */
	hs_msg(hs, 1, &body);
	buf_free(&body);
}

/* tls13: a supported_versions extension selecting TLS 1.3 */
static void
server_hello(struct buf *hs, int tls13)
{
	struct buf body = { 0 };
	int i;

	put16(&body, 0x0303);
	for (i = 0; i < 32; i++)
		put8(&body, 0x80 + i);
	put8(&body, 0);
	put16(&body, tls13 ? 0x1301 : 0xc02f);
	put8(&body, 0);
	if (tls13) {
		put16(&body, 6);
		put16(&body, 43);	/* supported_versions */
		put16(&body, 2);
		put16(&body, 0x0304);
	} else
		put16(&body, 0);
	hs_msg(hs, 2, &body);
	buf_free(&body);
}

static void
certificate_msg(struct buf *hs, X509 *const *certs, int n)
{
	struct buf body = { 0 }, list = { 0 };
	unsigned char *der;
	int i, l;

	for (i = 0; i < n; i++) {
		der = NULL;
		l = i2d_X509(certs[i], &der);
		assert_true(l > 0);
		put24(&list, (unsigned)l);
		put(&list, der, (size_t)l);
		OPENSSL_free(der);
	}
	put24(&body, (unsigned)list.len);
	put(&body, list.p, list.len);
	hs_msg(hs, 11, &body);
	buf_free(&body);
	buf_free(&list);
}

static void
empty_msg(struct buf *hs, int type)
{
	struct buf body = { 0 };

	if (type == 13) {		/* CertificateRequest */
		put8(&body, 1);
		put8(&body, 1);		/* rsa_sign */
		put16(&body, 0);
		put16(&body, 0);
	}
	hs_msg(hs, type, &body);
	buf_free(&body);
}

/* data as records of type, at most frag bytes each; bounds get a mark */
static void
records(struct buf *out, int type, const struct buf *data, size_t frag,
    size_t *bounds, size_t *nb)
{
	size_t o, n;

	for (o = 0; o < data->len; o += n) {
		n = data->len - o < frag ? data->len - o : frag;
		put8(out, type);
		put16(out, 0x0303);
		put16(out, (unsigned)n);
		put(out, data->p + o, n);
		if (bounds != NULL)
			bounds[(*nb)++] = out->len;
	}
}

static void
alert_record(struct buf *out, int level, int desc, size_t *bounds,
    size_t *nb)
{
	struct buf a = { 0 };

	put8(&a, level);
	put8(&a, desc);
	records(out, 21, &a, 16384, bounds, nb);
	buf_free(&a);
}

/* ------------------------------------------------------------ TCP/IP */

enum { L_ETH4, L_ETH6, L_SLL, L_SLL2, L_RAW4, L_RAW6 };

struct flow {
	int		 link;		/* L_* */
	unsigned char	 cli[16], srv[16];
	unsigned	 cport, sport;
	uint32_t	 cseq, sseq;	/* initial sequence numbers */
};

static int
link_type(int l)
{
	switch (l) {
	case L_ETH4: case L_ETH6: return 1;
	case L_SLL: return 113;
	case L_SLL2: return 276;
	default: return 101;
	}
}

static int
is_v6(int l)
{
	return l == L_ETH6 || l == L_RAW6;
}

/* One frame: link header, IP, TCP with flags and payload. */
static void
frame(struct buf *out, const struct flow *f, int from_client, uint32_t seq,
    uint32_t ack, int flags, const unsigned char *pl, size_t n)
{
	const unsigned char *src = from_client ? f->cli : f->srv;
	const unsigned char *dst = from_client ? f->srv : f->cli;
	unsigned sp = from_client ? f->cport : f->sport;
	unsigned dp = from_client ? f->sport : f->cport;
	int v6 = is_v6(f->link);
	unsigned et = v6 ? 0x86dd : 0x0800;

	switch (f->link) {
	case L_ETH4:
	case L_ETH6:
		put(out, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02", 12);
		put16(out, et);
		break;
	case L_SLL:
		put16(out, 0);
		put16(out, 772);
		put16(out, 6);
		put(out, "\0\0\0\0\0\0\0\0", 8);
		put16(out, et);
		break;
	case L_SLL2:
		put16(out, et);
		put16(out, 0);
		put32(out, 1);
		put16(out, 772);
		put8(out, 0);
		put8(out, 6);
		put(out, "\0\0\0\0\0\0\0\0", 8);
		break;
	}
	if (v6) {
		put32(out, 0x60000000);
		put16(out, (unsigned)(20 + n));
		put8(out, 6);
		put8(out, 64);
		put(out, src, 16);
		put(out, dst, 16);
	} else {
		put16(out, 0x4500);
		put16(out, (unsigned)(40 + n));
		put32(out, 0x00004000);	/* DF */
		put8(out, 64);
		put8(out, 6);
		put16(out, 0);
		put(out, src, 4);
		put(out, dst, 4);
	}
	put16(out, sp);
	put16(out, dp);
	put32(out, seq);
	put32(out, ack);
	put8(out, 5 << 4);
	put8(out, flags);
	put16(out, 65535);
	put16(out, 0);
	put16(out, 0);
	put(out, pl, n);
	if (!v6 && f->link == L_ETH4 && 40 + n < 46)
		put(out, "\0\0\0\0\0\0", 46 - 40 - n);	/* Ethernet padding */
}

/* A list of frames, then written as pcap or pcapng. */
struct frames {
	struct buf	 f[512];
	int		 n;
};

static struct buf *
next_frame(struct frames *fs)
{
	assert_true(fs->n < 512);
	return &fs->f[fs->n++];
}

static void
frames_free(struct frames *fs)
{
	int i;

	for (i = 0; i < fs->n; i++)
		buf_free(&fs->f[i]);
	fs->n = 0;
}

/* How one direction is cut into segments and sent. */
struct how {
	size_t		 seg;		/* bytes per segment; 0: at the bounds */
	int		 reverse;	/* send the segments last first */
	int		 duplicate;	/* every segment twice, plus overlaps */
	int		 drop;		/* drop segment number drop (1-based) */
	int		 no_syn;
};

static void
send_dir(struct frames *fs, const struct flow *f, int from_client,
    const struct buf *data, const size_t *bounds, size_t nb,
    const struct how *h)
{
	uint32_t isn = from_client ? f->cseq : f->sseq;
	size_t starts[1024], ends[1024], n = 0, o, i, k;

	if (h->seg == 0) {
		for (i = 0, o = 0; i < nb; i++) {
			starts[n] = o;
			ends[n++] = bounds[i];
			o = bounds[i];
		}
	} else {
		for (o = 0; o < data->len; o += h->seg) {
			assert_true(n < 1024);
			starts[n] = o;
			ends[n++] = o + h->seg < data->len ? o + h->seg :
			    data->len;
		}
	}
	for (k = 0; k < n; k++) {
		i = h->reverse ? n - 1 - k : k;
		if (h->drop != 0 && (int)i + 1 == h->drop)
			continue;
		frame(next_frame(fs), f, from_client, isn + 1 +
		    (uint32_t)starts[i], 1, 0x18, data->p + starts[i],
		    ends[i] - starts[i]);
		if (h->duplicate) {
			frame(next_frame(fs), f, from_client, isn + 1 +
			    (uint32_t)starts[i], 1, 0x18, data->p + starts[i],
			    ends[i] - starts[i]);
			/* and one straddling this segment and the next */
			if (i + 1 < n) {
				size_t a = (starts[i] + ends[i]) / 2;
				size_t z = (starts[i + 1] + ends[i + 1]) / 2;

				frame(next_frame(fs), f, from_client, isn + 1 +
				    (uint32_t)a, 1, 0x18, data->p + a, z - a);
			}
		}
	}
}

/* A whole connection: handshake, both directions, FINs. */
static void
connection(struct frames *fs, const struct flow *f, const struct buf *c2s,
    const size_t *cb, size_t ncb, const struct buf *s2c, const size_t *sb,
    size_t nsb, const struct how *h)
{
	static const struct how plain = { 0 };

	if (!h->no_syn) {
		frame(next_frame(fs), f, 1, f->cseq, 0, 0x02, NULL, 0);
		frame(next_frame(fs), f, 0, f->sseq, f->cseq + 1, 0x12, NULL,
		    0);
		frame(next_frame(fs), f, 1, f->cseq + 1, f->sseq + 1, 0x10,
		    NULL, 0);
	}
	send_dir(fs, f, 1, c2s, cb, ncb, h);
	send_dir(fs, f, 0, s2c, sb, nsb, &plain);
	frame(next_frame(fs), f, 1, f->cseq + 1 + (uint32_t)c2s->len, 1, 0x11,
	    NULL, 0);
	frame(next_frame(fs), f, 0, f->sseq + 1 + (uint32_t)s2c->len, 1, 0x11,
	    NULL, 0);
}

static void
write_pcap(struct buf *out, const struct frames *fs, int link, int zero)
{
	int i;

	le32(out, 0xa1b2c3d4);
	le16(out, 2);
	le16(out, 4);
	le32(out, 0);
	le32(out, 0);
	le32(out, 262144);
	le32(out, (uint32_t)link);
	if (zero) {			/* a zero-length packet first */
		le32(out, 1700000000);
		le32(out, 0);
		le32(out, 0);
		le32(out, 0);
	}
	for (i = 0; i < fs->n; i++) {
		le32(out, 1700000000 + (uint32_t)i);
		le32(out, 0);
		le32(out, (uint32_t)fs->f[i].len);
		le32(out, (uint32_t)fs->f[i].len);
		put(out, fs->f[i].p, fs->f[i].len);
	}
}

/* pcapng, big-endian this time, with a comment option on the SHB. */
static void
write_pcapng(struct buf *out, const struct frames *fs, int link)
{
	int i;
	size_t pad;

	put32(out, 0x0a0d0d0a);
	put32(out, 28 + 12);
	put32(out, 0x1a2b3c4d);
	put16(out, 1);
	put16(out, 0);
	put32(out, 0xffffffff);
	put32(out, 0xffffffff);
	put16(out, 1);			/* opt_comment "test" */
	put16(out, 4);
	put(out, "test", 4);
	put32(out, 0);			/* opt_endofopt */
	put32(out, 28 + 12);
	put32(out, 1);			/* IDB */
	put32(out, 20);
	put16(out, (unsigned)link);
	put16(out, 0);
	put32(out, 0);
	put32(out, 20);
	for (i = 0; i < fs->n; i++) {
		uint64_t ts = (uint64_t)(1700000000 + i) * 1000000;

		pad = (4 - fs->f[i].len % 4) % 4;
		put32(out, 6);
		put32(out, (uint32_t)(32 + fs->f[i].len + pad));
		put32(out, 0);
		put32(out, (uint32_t)(ts >> 32));
		put32(out, (uint32_t)ts);
		put32(out, (uint32_t)fs->f[i].len);
		put32(out, (uint32_t)fs->f[i].len);
		put(out, fs->f[i].p, fs->f[i].len);
		put(out, "\0\0\0", pad);
		put32(out, (uint32_t)(32 + fs->f[i].len + pad));
	}
}

/* ------------------------------------------------------------ scenarios */

struct tls_opts {
	X509		*client[3];
	int		 n_client;
	int		 tls13;
	int		 alert;		/* server alert description, 0 none */
	size_t		 frag;		/* handshake bytes per record */
};

/* The two directions of a TLS 1.2 (or 1.3) handshake. */
static void
tls_streams(const struct tls_opts *o, struct buf *c2s, size_t *cb,
    size_t *ncb, struct buf *s2c, size_t *sb, size_t *nsb)
{
	const struct lab *l = test_lab();
	struct buf hs = { 0 };
	size_t frag = o->frag ? o->frag : 16384;

	client_hello(&hs);
	records(c2s, 22, &hs, frag, cb, ncb);
	hs.len = 0;
	server_hello(&hs, o->tls13);
	if (!o->tls13) {
		certificate_msg(&hs, &l->mfg_root, 1);
		empty_msg(&hs, 13);
		empty_msg(&hs, 14);
	}
	records(s2c, 22, &hs, frag, sb, nsb);
	if (o->tls13) {
		hs.len = 0;
		put(&hs, "\x01", 1);
		records(s2c, 20, &hs, 16384, sb, nsb);	/* compat CCS */
		hs.len = 0;
		put(&hs, "0123456789abcdef0123456789abcdef", 32);
		records(s2c, 23, &hs, 16384, sb, nsb);
		records(c2s, 23, &hs, 16384, cb, ncb);
	} else {
		hs.len = 0;
		certificate_msg(&hs, o->client, o->n_client);
		records(c2s, 22, &hs, frag, cb, ncb);
		if (o->alert)
			alert_record(s2c, 2, o->alert, sb, nsb);
	}
	buf_free(&hs);
}

static void
flow_v4(struct flow *f, int link, unsigned cport)
{
	memset(f, 0, sizeof(*f));
	f->link = link;
	if (is_v6(link)) {
		memcpy(f->cli, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
		memcpy(f->srv, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	} else {
		memcpy(f->cli, "\x0a\0\0\x02", 4);
		memcpy(f->srv, "\x0a\0\0\x01", 4);
	}
	f->cport = cport;
	f->sport = 5061;
	f->cseq = 0xfffffff0u;		/* wraps around inside the stream */
	f->sseq = 1000;
}

/* A capture of one connection; *out freed by the caller. */
static void
one_capture(struct buf *out, const struct tls_opts *o, const struct how *h,
    int link, int pcapng, int zero)
{
	struct frames *fs = calloc(1, sizeof(*fs));
	struct buf c2s = { 0 }, s2c = { 0 };
	size_t cb[256], sbd[256], ncb = 0, nsb = 0;
	struct flow f;

	assert_non_null(fs);
	flow_v4(&f, link, 50123);
	tls_streams(o, &c2s, cb, &ncb, &s2c, sbd, &nsb);
	connection(fs, &f, &c2s, cb, ncb, &s2c, sbd, nsb, h);
	if (pcapng)
		write_pcapng(out, fs, link_type(link));
	else
		write_pcap(out, fs, link_type(link), zero);
	frames_free(fs);
	free(fs);
	buf_free(&c2s);
	buf_free(&s2c);
}

static ptrust_capture *
read_ok(const struct buf *b)
{
	ptrust_capture *cap = NULL;
	ptrust_status st = ptrust_capture_read_mem(b->p, b->len, &cap);

	if (st != PTRUST_OK)
		fail_msg("read: %s", ptrust_capture_error(cap));
	assert_non_null(cap);
	return cap;
}

static int
has_note(const ptrust_capture *cap, size_t i, const char *word)
{
	size_t k;

	for (k = 0; k < ptrust_capture_note_count(cap, i); k++)
		if (strstr(ptrust_capture_note(cap, i, k), word) != NULL)
			return 1;
	return 0;
}

static void
assert_der(const ptrust_capture *cap, size_t i, ptrust_capture_side side,
    size_t k, X509 *x)
{
	unsigned char *der = NULL;
	const unsigned char *got;
	size_t len;
	int l = i2d_X509(x, &der);

	got = ptrust_capture_chain_der(cap, i, side, k, &len);
	assert_non_null(got);
	assert_int_equal(len, (size_t)l);
	assert_memory_equal(got, der, len);
	OPENSSL_free(der);
}

/* ------------------------------------------------------------ tests */

static void
one_record_per_segment(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->lsc_a }, .n_client = 1 };
	struct how h = { .seg = 0 };
	struct buf b = { 0 };
	ptrust_capture *cap;
	int guess = -1;

	(void)state;
	one_capture(&b, &o, &h, L_ETH4, 0, 0);
	cap = read_ok(&b);
	assert_string_equal(ptrust_capture_format(cap), "pcap");
	assert_int_equal(ptrust_capture_count(cap), 1);
	assert_string_equal(ptrust_capture_address(cap, 0,
	    PTRUST_CAPTURE_CLIENT), "10.0.0.2");
	assert_string_equal(ptrust_capture_address(cap, 0,
	    PTRUST_CAPTURE_SERVER), "10.0.0.1");
	assert_int_equal(ptrust_capture_port(cap, 0, PTRUST_CAPTURE_CLIENT),
	    50123);
	assert_int_equal(ptrust_capture_port(cap, 0, PTRUST_CAPTURE_SERVER),
	    5061);
	assert_string_equal(ptrust_capture_version(cap, 0), "TLS 1.2");
	assert_int_equal(ptrust_capture_encrypted(cap, 0), 0);
	assert_int_equal(ptrust_capture_certificate_requested(cap, 0), 1);
	assert_int_equal(ptrust_capture_start_time(cap, 0), 1700000000);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_CLIENT), 1);
	assert_non_null(strstr(ptrust_capture_chain_subject(cap, 0,
	    PTRUST_CAPTURE_CLIENT, 0), "CN=SEP001122334455"));
	assert_non_null(strstr(ptrust_capture_chain_issuer(cap, 0,
	    PTRUST_CAPTURE_CLIENT, 0), "CN=CAPF-a6d4c572"));
	assert_der(cap, 0, PTRUST_CAPTURE_CLIENT, 0, l->lsc_a);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_SERVER), 1);
	assert_der(cap, 0, PTRUST_CAPTURE_SERVER, 0, l->mfg_root);
	assert_non_null(ptrust_capture_chain(cap, 0, PTRUST_CAPTURE_CLIENT));
	assert_int_equal(ptrust_chain_count(ptrust_capture_chain(cap, 0,
	    PTRUST_CAPTURE_CLIENT)), 1);
	assert_string_equal(ptrust_capture_device(cap, 0), "SEP001122334455");
	assert_int_equal(ptrust_capture_note_count(cap, 0), 0);
	assert_int_equal(ptrust_capture_alert_count(cap, 0), 0);
	/* no cluster: a guess, labelled */
	assert_int_equal(ptrust_capture_kind(cap, 0, &guess), PTRUST_KIND_LSC);
	assert_int_equal(guess, 1);
	assert_null(ptrust_capture_result(cap, 0));
	/* out of range */
	assert_null(ptrust_capture_address(cap, 1, PTRUST_CAPTURE_CLIENT));
	assert_null(ptrust_capture_chain_subject(cap, 0,
	    PTRUST_CAPTURE_CLIENT, 1));
	assert_int_equal(ptrust_capture_alert(cap, 0, 0, NULL, NULL, NULL),
	    -1);
	ptrust_capture_free(cap);
	buf_free(&b);
}

static void
many_segments_many_records(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->mic, l->mfg_ca }, .n_client = 2,
	    .frag = 100 };
	struct how h = { .seg = 37 };
	struct buf b = { 0 };
	ptrust_capture *cap;
	int guess = -1;

	(void)state;
	one_capture(&b, &o, &h, L_ETH4, 0, 0);
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_count(cap), 1);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_CLIENT), 2);
	assert_der(cap, 0, PTRUST_CAPTURE_CLIENT, 0, l->mic);
	assert_der(cap, 0, PTRUST_CAPTURE_CLIENT, 1, l->mfg_ca);
	assert_int_equal(ptrust_capture_kind(cap, 0, &guess), PTRUST_KIND_MIC);
	assert_int_equal(guess, 1);
	assert_int_equal(ptrust_capture_note_count(cap, 0), 0);
	ptrust_capture_free(cap);
	buf_free(&b);
}

static void
out_of_order(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->mic, l->mfg_ca }, .n_client = 2,
	    .frag = 300 };
	struct how h = { .seg = 200, .reverse = 1 };
	struct buf b = { 0 };
	ptrust_capture *cap;

	(void)state;
	one_capture(&b, &o, &h, L_ETH4, 0, 0);
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_CLIENT), 2);
	assert_der(cap, 0, PTRUST_CAPTURE_CLIENT, 1, l->mfg_ca);
	assert_true(has_note(cap, 0, "out of order"));
	assert_false(has_note(cap, 0, "missing"));
	ptrust_capture_free(cap);
	buf_free(&b);
}

static void
retransmitted_overlapping(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->lsc_a }, .n_client = 1 };
	struct how h = { .seg = 64, .duplicate = 1 };
	struct buf b = { 0 };
	ptrust_capture *cap;

	(void)state;
	one_capture(&b, &o, &h, L_ETH4, 0, 0);
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_CLIENT), 1);
	assert_der(cap, 0, PTRUST_CAPTURE_CLIENT, 0, l->lsc_a);
	assert_true(has_note(cap, 0, "retransmitted or overlapping"));
	assert_false(has_note(cap, 0, "differ"));
	ptrust_capture_free(cap);
	buf_free(&b);
}

static void
missing_segment(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->lsc_a }, .n_client = 1 };
	struct how h = { .seg = 50, .drop = 4 };
	struct buf b = { 0 };
	ptrust_capture *cap;

	(void)state;
	one_capture(&b, &o, &h, L_ETH4, 0, 0);
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_count(cap), 1);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_CLIENT), 0);
	assert_true(has_note(cap, 0, "50 bytes from client to server are "
	    "missing at stream offset 150"));
	/* the server's side is whole */
	assert_string_equal(ptrust_capture_version(cap, 0), "TLS 1.2");
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_SERVER), 1);
	ptrust_capture_free(cap);
	buf_free(&b);
}

static void
truncated_file(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->lsc_a }, .n_client = 1 };
	struct how h = { .seg = 0 };
	struct buf b = { 0 };
	ptrust_capture *cap = NULL;
	int ng;

	(void)state;
	for (ng = 0; ng < 2; ng++) {
		one_capture(&b, &o, &h, L_ETH4, ng, 0);
		assert_int_equal(ptrust_capture_read_mem(b.p, b.len - 5, &cap),
		    PTRUST_ERR_PARSE);
		assert_non_null(cap);
		assert_non_null(strstr(ptrust_capture_error(cap), "truncated"));
		assert_int_equal(ptrust_capture_count(cap), 0);
		ptrust_capture_free(cap);
		/* the header cut short */
		assert_int_equal(ptrust_capture_read_mem(b.p, 10, &cap),
		    PTRUST_ERR_PARSE);
		ptrust_capture_free(cap);
		buf_free(&b);
	}
}

static void
garbage(void **state)
{
	unsigned char junk[4096];
	ptrust_capture *cap = NULL;
	size_t i;

	(void)state;
	srand(7);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rand();
	junk[0] = 'G';
	assert_int_equal(ptrust_capture_read_mem(junk, sizeof(junk), &cap),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_capture_error(cap), "not a pcap"));
	ptrust_capture_free(cap);
	assert_int_equal(ptrust_capture_read_mem("", 0, &cap),
	    PTRUST_ERR_PARSE);
	assert_non_null(strstr(ptrust_capture_error(cap), "empty"));
	ptrust_capture_free(cap);
	/* a pcap header, then garbage claiming a huge packet */
	memcpy(junk, "\xd4\xc3\xb2\xa1\x02\0\x04\0", 8);
	assert_int_equal(ptrust_capture_read_mem(junk, sizeof(junk), &cap),
	    PTRUST_ERR_PARSE);
	ptrust_capture_free(cap);
	assert_int_equal(ptrust_capture_read_mem(NULL, 1, &cap),
	    PTRUST_ERR_ARG);
	ptrust_capture_free(cap);
	assert_int_equal(ptrust_capture_read_mem(junk, 1, NULL),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_capture_read_file("/nonexistent/x.pcap",
	    &cap), PTRUST_ERR_IO);
	ptrust_capture_free(cap);
	assert_int_equal(ptrust_capture_read_file("/", &cap), PTRUST_ERR_IO);
	ptrust_capture_free(cap);
	assert_string_equal(ptrust_capture_error(NULL), "no capture");
	assert_int_equal(ptrust_capture_count(NULL), 0);
}

static void
zero_length_packet(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->lsc_a }, .n_client = 1 };
	struct how h = { .seg = 0 };
	struct buf b = { 0 }, b0 = { 0 };
	ptrust_capture *cap, *cap0;

	(void)state;
	one_capture(&b0, &o, &h, L_ETH4, 0, 0);
	one_capture(&b, &o, &h, L_ETH4, 0, 1);
	cap0 = read_ok(&b0);
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_packet_count(cap),
	    ptrust_capture_packet_count(cap0) + 1);
	assert_int_equal(ptrust_capture_count(cap), 1);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_CLIENT), 1);
	ptrust_capture_free(cap);
	ptrust_capture_free(cap0);
	buf_free(&b);
	buf_free(&b0);
}

static void
tls13_encrypted(void **state)
{
	struct tls_opts o = { .tls13 = 1 };
	struct how h = { .seg = 0 };
	struct buf b = { 0 };
	ptrust_capture *cap;

	(void)state;
	one_capture(&b, &o, &h, L_ETH4, 0, 0);
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_count(cap), 1);
	assert_string_equal(ptrust_capture_version(cap, 0), "TLS 1.3");
	assert_int_equal(ptrust_capture_encrypted(cap, 0), 1);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_CLIENT), 0);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_SERVER), 0);
	assert_true(has_note(cap, 0, "encrypted"));
	assert_int_equal(ptrust_capture_kind(cap, 0, NULL),
	    PTRUST_KIND_UNKNOWN);
	ptrust_capture_free(cap);
	buf_free(&b);
}

static void
alert_seen(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->lsc_b }, .n_client = 1,
	    .alert = 48 };
	struct how h = { .seg = 0 };
	struct buf b = { 0 };
	ptrust_capture *cap;
	ptrust_capture_side from = PTRUST_CAPTURE_CLIENT;
	int level = 0, desc = 0;

	(void)state;
	one_capture(&b, &o, &h, L_ETH4, 0, 0);
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_alert_count(cap, 0), 1);
	assert_int_equal(ptrust_capture_alert(cap, 0, 0, &from, &level,
	    &desc), 1);
	assert_int_equal(from, PTRUST_CAPTURE_SERVER);
	assert_int_equal(level, 2);
	assert_int_equal(desc, 48);
	assert_string_equal(ptrust_capture_alert_name(desc), "unknown_ca");
	assert_string_equal(ptrust_capture_alert_name(0), "close_notify");
	assert_null(ptrust_capture_alert_name(255));
	ptrust_capture_free(cap);
	buf_free(&b);
}

static void
link_types(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->lsc_a }, .n_client = 1 };
	struct how h = { .seg = 100 };
	static const int links[] = { L_ETH4, L_ETH6, L_SLL, L_SLL2, L_RAW4,
	    L_RAW6 };
	ptrust_capture *cap;
	struct buf b = { 0 };
	size_t i;
	int ng;

	(void)state;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		for (ng = 0; ng < 2; ng++) {
			one_capture(&b, &o, &h, links[i], ng, 0);
			cap = read_ok(&b);
			assert_string_equal(ptrust_capture_format(cap),
			    ng ? "pcapng" : "pcap");
			assert_int_equal(ptrust_capture_count(cap), 1);
			assert_string_equal(ptrust_capture_address(cap, 0,
			    PTRUST_CAPTURE_CLIENT), is_v6(links[i]) ?
			    "2001:db8::2" : "10.0.0.2");
			assert_int_equal(ptrust_capture_chain_count(cap, 0,
			    PTRUST_CAPTURE_CLIENT), 1);
			assert_int_equal(ptrust_capture_start_time(cap, 0),
			    1700000000);
			ptrust_capture_free(cap);
			buf_free(&b);
		}
	}
	/* an unknown link type is a warning, not an error */
	one_capture(&b, &o, &h, L_ETH4, 0, 0);
	b.p[20] = 147;
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_count(cap), 0);
	assert_int_equal(ptrust_capture_warning_count(cap), 1);
	assert_non_null(strstr(ptrust_capture_warning(cap, 0),
	    "link type 147"));
	ptrust_capture_free(cap);
	buf_free(&b);
}

/* Three phones in one capture: LSC, MIC + CA, another cluster's LSC. */
static void
three_phones(struct buf *out)
{
	const struct lab *l = test_lab();
	struct tls_opts os[3] = {
		{ .client = { l->lsc_a }, .n_client = 1 },
		{ .client = { l->mic, l->mfg_ca }, .n_client = 2, .frag = 500 },
		{ .client = { l->lsc_b }, .n_client = 1, .alert = 48 },
	};
	struct how h = { .seg = 700 };
	struct frames *fs = calloc(1, sizeof(*fs));
	struct flow f;
	int i;

	assert_non_null(fs);
	for (i = 0; i < 3; i++) {
		struct buf c2s = { 0 }, s2c = { 0 };
		size_t cb[64], sbd[64], ncb = 0, nsb = 0;

		flow_v4(&f, L_ETH4, 50000 + (unsigned)i);
		tls_streams(&os[i], &c2s, cb, &ncb, &s2c, sbd, &nsb);
		connection(fs, &f, &c2s, cb, ncb, &s2c, sbd, nsb, &h);
		buf_free(&c2s);
		buf_free(&s2c);
	}
	write_pcap(out, fs, 1, 0);
	frames_free(fs);
	free(fs);
}

static ptrust_cluster *
lab_cluster(void)
{
	const struct lab *l = test_lab();
	ptrust_cluster *c = ptrust_cluster_new();
	unsigned char *der = NULL;
	int len;

	assert_non_null(c);
	len = i2d_X509(l->capf_a, &der);
	assert_int_equal(ptrust_builder_add_mem(ptrust_cluster_store(c,
	    "callmanager-trust", 0), der, (size_t)len, NULL,
	    PTRUST_ROLE_AUTO), PTRUST_OK);
	OPENSSL_free(der);
	der = NULL;
	len = i2d_X509(l->mfg_root, &der);
	assert_int_equal(ptrust_builder_add_mem(ptrust_cluster_store(c,
	    "manufacturing-ca", 0), der, (size_t)len, NULL,
	    PTRUST_ROLE_MANUFACTURING), PTRUST_OK);
	OPENSSL_free(der);
	return c;
}

static void
classify_with_cluster(void **state)
{
	ptrust_cluster *c = lab_cluster();
	ptrust_options *o = test_options();
	const ptrust_result *r;
	struct buf b = { 0 };
	ptrust_capture *cap;
	int guess;

	(void)state;
	three_phones(&b);
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_count(cap), 3);
	assert_int_equal(ptrust_capture_classify(cap, c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o), PTRUST_OK);
	/* LSC by its CAPF anchor */
	r = ptrust_capture_result(cap, 0);
	assert_non_null(r);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_capture_kind(cap, 0, &guess), PTRUST_KIND_LSC);
	assert_int_equal(guess, 0);
	assert_string_equal(ptrust_anchor_alias(ptrust_result_anchor(r)),
	    "CAPF-a6d4c572");
	/* MIC by the manufacturing anchor */
	r = ptrust_capture_result(cap, 1);
	assert_true(ptrust_result_trusted(r));
	assert_int_equal(ptrust_capture_kind(cap, 1, &guess), PTRUST_KIND_MIC);
	assert_int_equal(guess, 0);
	/* another cluster's LSC: refused, kind only guessed */
	r = ptrust_capture_result(cap, 2);
	assert_false(ptrust_result_trusted(r));
	assert_true(test_has_reason(r, PTRUST_REASON_UNKNOWN_CA, -2));
	assert_int_equal(ptrust_result_tls_alert(r), PTRUST_ALERT_UNKNOWN_CA);
	assert_int_equal(ptrust_result_diagnosis(r),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	assert_non_null(ptrust_result_fix(r));
	assert_int_equal(ptrust_capture_kind(cap, 2, &guess), PTRUST_KIND_LSC);
	assert_int_equal(guess, 1);
	assert_int_equal(ptrust_capture_alert_count(cap, 2), 1);
	/* a purpose without a store: an error, no results */
	assert_int_not_equal(ptrust_capture_classify(cap, c,
	    PTRUST_CLUSTER_8021X, o), PTRUST_OK);
	assert_null(ptrust_capture_result(cap, 0));
	assert_int_equal(ptrust_capture_classify(cap, NULL,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o), PTRUST_ERR_ARG);
	ptrust_capture_free(cap);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
	buf_free(&b);
}

static void
classify_without_cluster(void **state)
{
	struct buf b = { 0 };
	ptrust_capture *cap;
	int guess;
	size_t i;

	(void)state;
	three_phones(&b);
	cap = read_ok(&b);
	for (i = 0; i < 3; i++) {
		guess = 0;
		assert_int_equal(ptrust_capture_kind(cap, i, &guess),
		    i == 1 ? PTRUST_KIND_MIC : PTRUST_KIND_LSC);
		assert_int_equal(guess, 1);
		assert_null(ptrust_capture_result(cap, i));
	}
	ptrust_capture_free(cap);
	buf_free(&b);
}

static void
mid_stream(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts o = { .client = { l->lsc_a }, .n_client = 1 };
	struct how h = { .seg = 90, .no_syn = 1 };
	struct buf b = { 0 };
	ptrust_capture *cap;

	(void)state;
	one_capture(&b, &o, &h, L_ETH4, 0, 0);
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_chain_count(cap, 0,
	    PTRUST_CAPTURE_CLIENT), 1);
	assert_string_equal(ptrust_capture_address(cap, 0,
	    PTRUST_CAPTURE_CLIENT), "10.0.0.2");
	assert_true(has_note(cap, 0, "SYN was not captured"));
	ptrust_capture_free(cap);
	buf_free(&b);
}

static void
read_file_works(void **state)
{
	char *dir = test_tmpdir(), path[4096];
	struct buf b = { 0 };
	ptrust_capture *cap = NULL;
	FILE *f;

	(void)state;
	three_phones(&b);
	snprintf(path, sizeof(path), "%s/x.pcap", dir);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(b.p, 1, b.len, f), b.len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(ptrust_capture_read_file(path, &cap), PTRUST_OK);
	assert_int_equal(ptrust_capture_count(cap), 3);
	ptrust_capture_free(cap);
	test_rmtree(dir);
	free(dir);
	buf_free(&b);
}

/*
 * Out of memory at every allocation of reading (three connections), then
 * of classifying one must-refuse chain: each failure is clean, nothing
 * leaks (valgrind), and another cluster's LSC is never trusted.
 */
static void
reading_under_oom(void **state)
{
	const struct lab *l = test_lab();
	struct tls_opts bad = { .client = { l->lsc_b }, .n_client = 1 };
	struct tls_opts mic = { .client = { l->mic, l->mfg_ca },
	    .n_client = 2, .frag = 500 };
	struct how h = { .seg = 300 };
	ptrust_cluster *c = lab_cluster();
	ptrust_options *o = test_options();
	struct buf b = { 0 }, one = { 0 }, two = { 0 };
	ptrust_capture *cap;
	ptrust_status st;
	long at, failures = 0;
	int done = 0;

	(void)state;
	three_phones(&b);
	/* one connection, two certificates over several records: d2i is slow */
	one_capture(&two, &mic, &h, L_ETH4, 0, 0);
	for (at = 1; !done && at < 100000; at++) {
		cap = NULL;
		test_oom_fail_at(at);
		st = ptrust_capture_read_mem(two.p, two.len, &cap);
		done = !test_oom_stop();
		if (st == PTRUST_OK) {
			assert_int_equal(ptrust_capture_count(cap), 1);
			assert_int_equal(ptrust_capture_chain_count(cap, 0,
			    PTRUST_CAPTURE_CLIENT), 2);
		} else {
			failures++;
			assert_int_equal(st, PTRUST_ERR_NOMEM);
			if (cap != NULL) {
				assert_int_equal(ptrust_capture_count(cap), 0);
				assert_string_equal(ptrust_capture_error(cap),
				    "out of memory");
			}
		}
		ptrust_capture_free(cap);
	}
	assert_true(done);
	assert_true(failures > 20);	/* the sweep did hit allocations */
	buf_free(&two);
	print_message("read: %ld injected failures handled\n", failures);

	one_capture(&one, &bad, &h, L_ETH4, 0, 0);
	cap = read_ok(&one);
	for (done = 0, at = 1; !done && at < 100000; at++) {
		test_oom_fail_at(at);
		st = ptrust_capture_classify(cap, c,
		    PTRUST_CLUSTER_CALLMANAGER_TLS, o);
		done = !test_oom_stop();
		/* fail closed, whatever ran out */
		assert_false(ptrust_result_trusted(ptrust_capture_result(cap,
		    0)));
		if (st != PTRUST_OK) {
			/* OpenSSL may report its own failure as internal */
			assert_true(st == PTRUST_ERR_NOMEM ||
			    st == PTRUST_ERR_INTERNAL);
			assert_null(ptrust_capture_result(cap, 0));
			assert_true(strlen(ptrust_capture_error(cap)) > 0);
		}
	}
	assert_true(done);
	print_message("classify: %ld allocations swept\n", at);
	ptrust_capture_free(cap);

	/* memory back: the verdicts are right again */
	cap = read_ok(&b);
	assert_int_equal(ptrust_capture_classify(cap, c,
	    PTRUST_CLUSTER_CALLMANAGER_TLS, o), PTRUST_OK);
	assert_true(ptrust_result_trusted(ptrust_capture_result(cap, 0)));
	assert_true(ptrust_result_trusted(ptrust_capture_result(cap, 1)));
	assert_false(ptrust_result_trusted(ptrust_capture_result(cap, 2)));
	ptrust_capture_free(cap);
	ptrust_options_free(o);
	ptrust_cluster_free(c);
	buf_free(&b);
	buf_free(&one);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_record_per_segment),
		cmocka_unit_test(many_segments_many_records),
		cmocka_unit_test(out_of_order),
		cmocka_unit_test(retransmitted_overlapping),
		cmocka_unit_test(missing_segment),
		cmocka_unit_test(truncated_file),
		cmocka_unit_test(garbage),
		cmocka_unit_test(zero_length_packet),
		cmocka_unit_test(tls13_encrypted),
		cmocka_unit_test(alert_seen),
		cmocka_unit_test(link_types),
		cmocka_unit_test(classify_with_cluster),
		cmocka_unit_test(classify_without_cluster),
		cmocka_unit_test(mid_stream),
		cmocka_unit_test(read_file_works),
		cmocka_unit_test(reading_under_oom),
	};
	int rc;

	if (!test_oom_hook()) {
		fprintf(stderr, "cannot hook OpenSSL's allocator\n");
		return 1;
	}
	test_lab();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_lab_free();
	return rc;
}
