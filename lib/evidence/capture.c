/*
 * Phone certificates out of packet captures.
 *
 * The file is parsed here rather than through libpcap: the capture is
 * usually a file someone sent, so it is hostile input, and parsing it in
 * one bounds-checked pass over a memory buffer keeps every allocation on
 * OpenSSL's allocator (the out-of-memory tests see them all), gives
 * ptrust_capture_read_mem for free, lets a pcapng file mix link types per
 * interface, and tells a truncated file from a complete one (libpcap stops
 * at a short last record with a message only).
 *
 * Pass 1 reads every packet down to TCP and files each segment of payload
 * under its connection and direction, as a pointer into the input (no
 * copy).  Pass 2, per connection, sorts each direction's segments by
 * sequence number and assembles the first PT_CAP_STREAM_MAX bytes,
 * noting reordering, retransmissions and gaps, then reads the TLS records
 * and handshake messages of both directions.  Memory stays linear in the
 * input: descriptors per segment, at most two assembled streams at once.
 */
#include "config.h"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"

#pragma GCC visibility push(default)
#include "phonetrust-capture.h"
#pragma GCC visibility pop

/* Largest capture: read into memory whole. */
#define PT_CAP_MAX_INPUT	((size_t)1024 * 1024 * 1024)
#define PT_CAP_MAX_FILE		((size_t)256 * 1024 * 1024)
/* Bytes of each direction of a connection that are analysed. */
#define PT_CAP_STREAM_MAX	((uint32_t)1024 * 1024)
/* Segments kept per direction (retransmissions included). */
#define PT_CAP_MAX_SEGS		65536
#define PT_CAP_MAX_CONNS	4096
#define PT_CAP_HASH		(2 * PT_CAP_MAX_CONNS)
#define PT_CAP_MAX_NOTES	32
#define PT_CAP_MAX_CERTS	32
#define PT_CAP_MAX_ALERTS	32
#define PT_CAP_MAX_IFACES	256
/* A packet larger than this is taken for corruption. */
#define PT_CAP_MAX_PACKET	((uint32_t)16 * 1024 * 1024)
/* RFC 8446 5.2: TLSCiphertext.length at most 2^14 + 256; 5.1 less. */
#define PT_CAP_MAX_RECORD	(16384 + 2048)

struct pt_seg {
	uint32_t	 off;		/* from the first byte of the stream */
	uint32_t	 len;
	size_t		 order;		/* arrival */
	const unsigned char *p;		/* into the input */
};

struct pt_dir {
	int		 has_base;
	uint32_t	 base;		/* sequence number of stream byte 0 */
	int		 syn, synack, fin, rst;
	int		 mid;		/* no SYN: read from the first data seen */
	struct pt_seg	*segs;
	size_t		 n, cap;
	size_t		 dropped;	/* segments over PT_CAP_MAX_SEGS */
	int		 beyond;	/* data past PT_CAP_STREAM_MAX */
	/* assembly */
	unsigned char	*buf;
	size_t		 len;
	size_t		 reordered, retrans, conflicts;
	int		 gap;
	uint32_t	 gap_at, gap_len;
};

struct pt_cert {
	X509		*x509;
	unsigned char	*der;
	size_t		 der_len;
	char		*subject;
	char		*issuer;
};

struct pt_peer_chain {
	int		 sent;
	struct pt_cert	*certs;
	size_t		 n;
	ptrust_chain	*chain;
};

struct pt_alert {
	int		 from;		/* endpoint */
	int		 level, desc;	/* -1: encrypted */
};

struct pt_conn {
	int		 family;
	unsigned char	 addr[2][16];
	uint16_t	 port[2];
	char		 addr_s[2][INET6_ADDRSTRLEN];
	time_t		 start;
	struct pt_dir	 dir[2];	/* data sent by endpoint 0, 1 */
	int		 client;	/* endpoint index of the client */
	int		 tls;
	int		 hello[2];	/* 1 ClientHello, 2 ServerHello */
	uint16_t	 version;
	int		 tls13;
	int		 cert_req;
	struct pt_peer_chain chains[2];	/* by endpoint */
	struct pt_alert	 alerts[PT_CAP_MAX_ALERTS];
	size_t		 n_alerts;
	int		 alerts_dropped;
	char		*notes[PT_CAP_MAX_NOTES];
	size_t		 n_notes;
	char		 version_s[16];
	char		*device;
	ptrust_kind	 guess;
	ptrust_result	*result;
	int		 closed;	/* FIN or RST seen: a new SYN starts over */
};

struct ptrust_capture {
	const char	*format;
	size_t		 packets;
	struct pt_conn	**conns;
	size_t		 n, cap;
	char		*warnings[PT_CAP_MAX_NOTES];
	size_t		 n_warnings;
	char		 err[PT_ERRLEN];
};

struct pt_iface {
	int		 linktype;
	uint64_t	 units;		/* time stamp units per second */
};

/* The reader's state during one read. */
struct pt_rd {
	ptrust_capture	*cap;
	int		 nomem;
	int		 hash[PT_CAP_HASH];	/* conn index + 1, 0 empty */
	/* counts for the warnings */
	size_t		 unknown_link, fragments, short_caps, conn_limit;
	size_t		 bad_ip, bad_tcp, bad_iface;
	int		 unknown_link_type;
};

/* ------------------------------------------------------------ helpers */

static uint16_t
be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be24(const unsigned char *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
rd32(const unsigned char *p, int swap)
{
	return swap ? be32(p) : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0]);
}

static uint16_t
rd16(const unsigned char *p, int swap)
{
	return swap ? be16(p) : (uint16_t)(p[1] << 8 | p[0]);
}

static char *
vfmt(const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	return OPENSSL_strdup(buf);
}

static void note(struct pt_rd *rd, struct pt_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
note(struct pt_rd *rd, struct pt_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->n_notes >= PT_CAP_MAX_NOTES)
		return;
	if (c->n_notes == PT_CAP_MAX_NOTES - 1) {
		if ((c->notes[c->n_notes] = OPENSSL_strdup("more notes were "
		    "left out")) == NULL)
			rd->nomem = 1;
		else
			c->n_notes++;
		return;
	}
	va_start(ap, fmt);
	c->notes[c->n_notes] = vfmt(fmt, ap);
	va_end(ap);
	if (c->notes[c->n_notes] == NULL)
		rd->nomem = 1;
	else
		c->n_notes++;
}

static void warn(struct pt_rd *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(struct pt_rd *rd, const char *fmt, ...)
{
	ptrust_capture *cap = rd->cap;
	va_list ap;

	if (cap->n_warnings >= PT_CAP_MAX_NOTES)
		return;
	va_start(ap, fmt);
	cap->warnings[cap->n_warnings] = vfmt(fmt, ap);
	va_end(ap);
	if (cap->warnings[cap->n_warnings] == NULL)
		rd->nomem = 1;
	else
		cap->n_warnings++;
}

/* Empties OpenSSL's error queue; 1 when it held an allocation failure. */
static int
drain_errors_oom(void)
{
	unsigned long e;
	int oom = 0;

	while ((e = ERR_get_error()) != 0)
		if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
			oom = 1;
	return oom;
}

/* ------------------------------------------------------------ objects */

static void
conn_free(struct pt_conn *c)
{
	size_t i, k;
	int e;

	if (c == NULL)
		return;
	for (e = 0; e < 2; e++) {
		OPENSSL_free(c->dir[e].segs);
		OPENSSL_free(c->dir[e].buf);
		for (k = 0; k < c->chains[e].n; k++) {
			X509_free(c->chains[e].certs[k].x509);
			OPENSSL_free(c->chains[e].certs[k].der);
			OPENSSL_free(c->chains[e].certs[k].subject);
			OPENSSL_free(c->chains[e].certs[k].issuer);
		}
		OPENSSL_free(c->chains[e].certs);
		ptrust_chain_free(c->chains[e].chain);
	}
	for (i = 0; i < c->n_notes; i++)
		OPENSSL_free(c->notes[i]);
	OPENSSL_free(c->device);
	ptrust_result_free(c->result);
	OPENSSL_free(c);
}

static void
capture_clear(ptrust_capture *cap)
{
	size_t i;

	for (i = 0; i < cap->n; i++)
		conn_free(cap->conns[i]);
	OPENSSL_free(cap->conns);
	cap->conns = NULL;
	cap->n = cap->cap = 0;
	for (i = 0; i < cap->n_warnings; i++)
		OPENSSL_free(cap->warnings[i]);
	cap->n_warnings = 0;
}

void
ptrust_capture_free(ptrust_capture *cap)
{
	if (cap == NULL)
		return;
	capture_clear(cap);
	OPENSSL_free(cap);
}

/* ------------------------------------------------------------ pass 1 */

static size_t
tuple_hash(int family, const unsigned char *a, uint16_t pa,
    const unsigned char *b, uint16_t pb)
{
	size_t alen = family == 4 ? 4 : 16, i;
	uint32_t h = 2166136261u, ha = 0, hb = 0;

	/* symmetric: both directions land on the same slot */
	for (i = 0; i < alen; i++) {
		ha = (ha * 31) + a[i];
		hb = (hb * 31) + b[i];
	}
	ha = ha * 65599u + pa;
	hb = hb * 65599u + pb;
	h ^= ha + hb;
	h *= 16777619u;
	h ^= (ha ^ hb) + (uint32_t)family;
	h *= 16777619u;
	return h % PT_CAP_HASH;
}

/* Which endpoint of c sent (a, pa) -> (b, pb): 0, 1, or -1 not this one. */
static int
conn_match(const struct pt_conn *c, int family, const unsigned char *a,
    uint16_t pa, const unsigned char *b, uint16_t pb)
{
	size_t alen = family == 4 ? 4 : 16;

	if (c->family != family)
		return -1;
	if (c->port[0] == pa && c->port[1] == pb &&
	    memcmp(c->addr[0], a, alen) == 0 && memcmp(c->addr[1], b, alen) == 0)
		return 0;
	if (c->port[1] == pa && c->port[0] == pb &&
	    memcmp(c->addr[1], a, alen) == 0 && memcmp(c->addr[0], b, alen) == 0)
		return 1;
	return -1;
}

static struct pt_conn *
conn_new(struct pt_rd *rd, int family, const unsigned char *a, uint16_t pa,
    const unsigned char *b, uint16_t pb, time_t ts)
{
	ptrust_capture *cap = rd->cap;
	struct pt_conn *c, **v;

	if (cap->n >= PT_CAP_MAX_CONNS) {
		rd->conn_limit++;
		return NULL;
	}
	if (cap->n == cap->cap) {
		size_t n = cap->cap ? cap->cap * 2 : 16;

		if ((v = OPENSSL_realloc(cap->conns, n * sizeof(*v))) == NULL) {
			rd->nomem = 1;
			return NULL;
		}
		cap->conns = v;
		cap->cap = n;
	}
	if ((c = pt_calloc(1, sizeof(*c))) == NULL) {
		rd->nomem = 1;
		return NULL;
	}
	c->family = family;
	memcpy(c->addr[0], a, family == 4 ? 4 : 16);
	memcpy(c->addr[1], b, family == 4 ? 4 : 16);
	c->port[0] = pa;
	c->port[1] = pb;
	c->start = ts;
	c->client = -1;
	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, c->addr_s[0],
	    sizeof(c->addr_s[0]));
	inet_ntop(family == 4 ? AF_INET : AF_INET6, b, c->addr_s[1],
	    sizeof(c->addr_s[1]));
	cap->conns[cap->n++] = c;
	return c;
}

static void
seg_add(struct pt_rd *rd, struct pt_dir *d, uint32_t seq,
    const unsigned char *p, size_t len, size_t order)
{
	int64_t so;
	struct pt_seg *s;

	if (!d->has_base) {
		d->has_base = 1;
		d->base = seq;
		d->mid = 1;
	}
	so = (int32_t)(seq - d->base);
	if (so < 0) {
		if (so + (int64_t)len <= 0)
			return;	/* before the stream began: old data */
		p += -so;
		len -= (size_t)-so;
		so = 0;
	}
	if (so >= PT_CAP_STREAM_MAX) {
		d->beyond = 1;
		return;
	}
	if ((uint64_t)so + len > PT_CAP_STREAM_MAX) {
		len = PT_CAP_STREAM_MAX - (size_t)so;
		d->beyond = 1;
	}
	if (d->n >= PT_CAP_MAX_SEGS) {
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t n = d->cap ? d->cap * 2 : 16;

		if ((s = OPENSSL_realloc(d->segs, n * sizeof(*s))) == NULL) {
			rd->nomem = 1;
			return;
		}
		d->segs = s;
		d->cap = n;
	}
	s = &d->segs[d->n++];
	s->off = (uint32_t)so;
	s->len = (uint32_t)len;
	s->order = order;
	s->p = p;
}

static void
tcp(struct pt_rd *rd, int family, const unsigned char *src,
    const unsigned char *dst, const unsigned char *p, size_t len, time_t ts)
{
	ptrust_capture *cap = rd->cap;
	struct pt_conn *c = NULL;
	uint16_t sp, dp;
	uint32_t seq;
	size_t hl, h, i;
	int flags, e = -1, syn, ack;

	if (len < 20 || (hl = (size_t)(p[12] >> 4) * 4) < 20 || hl > len) {
		rd->bad_tcp++;
		return;
	}
	sp = be16(p);
	dp = be16(p + 2);
	seq = be32(p + 4);
	flags = p[13];
	syn = (flags & 0x02) != 0;
	ack = (flags & 0x10) != 0;
	h = tuple_hash(family, src, sp, dst, dp);
	for (i = 0; i < PT_CAP_HASH; i++) {
		size_t slot = (h + i) % PT_CAP_HASH;
		int idx = rd->hash[slot] - 1;

		if (idx < 0) {
			h = slot;
			break;
		}
		if ((e = conn_match(cap->conns[idx], family, src, sp, dst,
		    dp)) >= 0) {
			c = cap->conns[idx];
			h = slot;
			break;
		}
	}
	if (i == PT_CAP_HASH)
		return;	/* cannot happen: twice as many slots as conns */
	/* a new SYN on a finished connection: the port pair is reused */
	if (c != NULL && syn && !ack && (c->closed || c->dir[e].n > 0 ||
	    (c->dir[e].has_base && c->dir[e].base != seq + 1)))
		c = NULL;
	if (c == NULL) {
		if ((c = conn_new(rd, family, src, sp, dst, dp, ts)) == NULL)
			return;
		rd->hash[h] = (int)cap->n;
		e = 0;
	}
	if (syn) {
		struct pt_dir *d = &c->dir[e];

		if (!d->has_base || d->mid) {
			d->has_base = 1;
			d->base = seq + 1;
			d->mid = 0;
			d->n = 0;	/* data seen before the SYN: dropped */
		}
		if (ack)
			d->synack = 1;
		else
			d->syn = 1;
	}
	if (flags & 0x01)
		c->dir[e].fin = 1;
	if (flags & 0x04)
		c->dir[e].rst = 1;
	if (flags & 0x05)
		c->closed = 1;
	if (len > hl)
		seg_add(rd, &c->dir[e], syn ? seq + 1 : seq, p + hl, len - hl,
		    cap->packets);
}

static void
ipv4(struct pt_rd *rd, const unsigned char *p, size_t len, time_t ts)
{
	size_t hl, tot;

	if (len < 20 || (p[0] >> 4) != 4 || (hl = (size_t)(p[0] & 15) * 4) <
	    20 || hl > len) {
		rd->bad_ip++;
		return;
	}
	tot = be16(p + 2);
	if (tot < hl) {
		rd->bad_ip++;
		return;
	}
	if (tot < len)
		len = tot;	/* Ethernet padding */
	if ((be16(p + 6) & 0x3fff) != 0) {
		rd->fragments++;
		return;
	}
	if (p[9] != 6)
		return;
	tcp(rd, 4, p + 12, p + 16, p + hl, len - hl, ts);
}

static void
ipv6(struct pt_rd *rd, const unsigned char *p, size_t len, time_t ts)
{
	size_t off = 40, pl;
	int next, hops;

	if (len < 40 || (p[0] >> 4) != 6) {
		rd->bad_ip++;
		return;
	}
	pl = be16(p + 4);
	if (pl + 40 < len)
		len = pl + 40;
	next = p[6];
	for (hops = 0; hops < 8; hops++) {
		if (next == 0 || next == 43 || next == 60) {
			if (off + 8 > len) {
				rd->bad_ip++;
				return;
			}
			next = p[off];
			off += ((size_t)p[off + 1] + 1) * 8;
		} else if (next == 51) {	/* AH */
			if (off + 8 > len) {
				rd->bad_ip++;
				return;
			}
			next = p[off];
			off += ((size_t)p[off + 1] + 2) * 4;
		} else
			break;
		if (off > len) {
			rd->bad_ip++;
			return;
		}
	}
	if (next == 44) {
		rd->fragments++;
		return;
	}
	if (next != 6)
		return;
	tcp(rd, 6, p + 8, p + 24, p + off, len - off, ts);
}

static void
ip_by_ethertype(struct pt_rd *rd, unsigned type, const unsigned char *p,
    size_t len, time_t ts)
{
	if (type == 0x0800)
		ipv4(rd, p, len, ts);
	else if (type == 0x86dd)
		ipv6(rd, p, len, ts);
}

/* One captured frame of link type link. */
static void
packet(struct pt_rd *rd, int link, const unsigned char *p, size_t len,
    size_t orig, time_t ts)
{
	unsigned type;
	int tags;

	rd->cap->packets++;
	if (len < orig)
		rd->short_caps++;
	switch (link) {
	case 1:		/* DLT_EN10MB */
		if (len < 14)
			return;
		type = be16(p + 12);
		p += 14;
		len -= 14;
		for (tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8 ||
		    type == 0x9100); tags++) {
			if (len < 4)
				return;
			type = be16(p + 2);
			p += 4;
			len -= 4;
		}
		ip_by_ethertype(rd, type, p, len, ts);
		break;
	case 113:	/* LINUX_SLL */
		if (len < 16)
			return;
		ip_by_ethertype(rd, be16(p + 14), p + 16, len - 16, ts);
		break;
	case 276:	/* LINUX_SLL2 */
		if (len < 20)
			return;
		ip_by_ethertype(rd, be16(p), p + 20, len - 20, ts);
		break;
	case 0:		/* DLT_NULL: host-order AF_ value */
	case 108:	/* DLT_LOOP: network order */
		if (len < 4)
			return;
		type = p[0] | p[3];	/* 2: AF_INET; 24, 28, 30: AF_INET6 */
		if (type == 2)
			ipv4(rd, p + 4, len - 4, ts);
		else if (type == 24 || type == 28 || type == 30)
			ipv6(rd, p + 4, len - 4, ts);
		break;
	case 12:	/* DLT_RAW (BSD numbering) */
	case 14:	/* DLT_RAW (OpenBSD) */
	case 101:	/* LINKTYPE_RAW */
		if (len >= 1 && (p[0] >> 4) == 4)
			ipv4(rd, p, len, ts);
		else if (len >= 1 && (p[0] >> 4) == 6)
			ipv6(rd, p, len, ts);
		break;
	case 228:	/* IPV4 */
		ipv4(rd, p, len, ts);
		break;
	case 229:	/* IPV6 */
		ipv6(rd, p, len, ts);
		break;
	default:
		if (rd->unknown_link++ == 0)
			rd->unknown_link_type = link;
		break;
	}
}

static ptrust_status
corrupt(struct pt_rd *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static ptrust_status
corrupt(struct pt_rd *rd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rd->cap->err, sizeof(rd->cap->err), fmt, ap);
	va_end(ap);
	return PTRUST_ERR_PARSE;
}

static ptrust_status
read_pcap(struct pt_rd *rd, const unsigned char *d, size_t len)
{
	uint32_t magic = rd32(d, 0), incl, orig;
	int swap, link;
	size_t off = 24, k = 0;

	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = 0;
	else
		swap = 1;	/* written on a host of the other byte order */
	if (len < 24)
		return corrupt(rd, "truncated pcap file: %zu bytes, the "
		    "header alone takes 24", len);
	if (rd16(d + 4, swap) != 2)
		return corrupt(rd, "pcap version %u.%u is not supported",
		    rd16(d + 4, swap), rd16(d + 6, swap));
	link = (int)(rd32(d + 20, swap) & 0xffff);
	rd->cap->format = "pcap";
	while (off < len) {
		k++;
		if (len - off < 16)
			return corrupt(rd, "truncated pcap file: packet %zu is "
			    "cut short at byte %zu (its header)", k, off);
		incl = rd32(d + off + 8, swap);
		orig = rd32(d + off + 12, swap);
		if (incl > PT_CAP_MAX_PACKET)
			return corrupt(rd, "corrupt pcap file: packet %zu at "
			    "byte %zu claims %u bytes", k, off, incl);
		if (len - off - 16 < incl)
			return corrupt(rd, "truncated pcap file: packet %zu is "
			    "cut short at byte %zu (%zu of its %u bytes)", k,
			    off, len - off - 16, incl);
		packet(rd, link, d + off + 16, incl, orig,
		    (time_t)rd32(d + off, swap));
		if (rd->nomem)
			return PTRUST_ERR_NOMEM;
		off += 16 + (size_t)incl;
	}
	return PTRUST_OK;
}

/* Units per second from an if_tsresol option value. */
static uint64_t
tsresol(unsigned v)
{
	uint64_t u = 1;
	unsigned i;

	if (v & 0x80) {
		if ((v & 0x7f) > 63)
			return 1000000;
		return (uint64_t)1 << (v & 0x7f);
	}
	if (v > 19)
		return 1000000;
	for (i = 0; i < v; i++)
		u *= 10;
	return u;
}

static ptrust_status
read_pcapng(struct pt_rd *rd, const unsigned char *d, size_t len)
{
	struct pt_iface ifs[PT_CAP_MAX_IFACES];
	size_t n_ifs = 0, off = 0, blen, o, k = 0;
	uint32_t type, caplen, orig, ifid;
	uint64_t ts;
	int swap = 0, have_shb = 0;

	rd->cap->format = "pcapng";
	while (off < len) {
		k++;
		if (len - off < 12)
			return corrupt(rd, "truncated pcapng file: block %zu "
			    "is cut short at byte %zu", k, off);
		type = rd32(d + off, swap);
		if (rd32(d + off, 0) == 0x0a0d0d0a) {
			/* a section header: its byte-order magic decides */
			if (len - off < 28)
				return corrupt(rd, "truncated pcapng file: "
				    "section header at byte %zu", off);
			if (rd32(d + off + 8, 0) == 0x1a2b3c4d)
				swap = 0;
			else if (rd32(d + off + 8, 1) == 0x1a2b3c4d)
				swap = 1;
			else
				return corrupt(rd, "corrupt pcapng file: bad "
				    "byte-order magic at byte %zu", off + 8);
			if (rd16(d + off + 12, swap) != 1)
				return corrupt(rd, "pcapng version %u is not "
				    "supported", rd16(d + off + 12, swap));
			type = 0x0a0d0d0a;
			have_shb = 1;
			n_ifs = 0;
		} else if (!have_shb)
			return corrupt(rd, "corrupt pcapng file: no section "
			    "header");
		blen = rd32(d + off + 4, swap);
		if (blen < 12 || blen % 4 != 0)
			return corrupt(rd, "corrupt pcapng file: block %zu at "
			    "byte %zu has length %zu", k, off, blen);
		if (blen > len - off)
			return corrupt(rd, "truncated pcapng file: block %zu "
			    "at byte %zu is cut short (%zu of its %zu bytes)", k,
			    off, len - off, blen);
		if (rd32(d + off + blen - 4, swap) != blen)
			return corrupt(rd, "corrupt pcapng file: block %zu at "
			    "byte %zu: its two lengths differ", k, off);
		switch (type) {
		case 1:	/* interface description */
			if (blen < 20)
				return corrupt(rd, "corrupt pcapng file: short "
				    "interface block at byte %zu", off);
			if (n_ifs == PT_CAP_MAX_IFACES) {
				rd->bad_iface++;
				break;
			}
			ifs[n_ifs].linktype = rd16(d + off + 8, swap);
			ifs[n_ifs].units = 1000000;
			for (o = off + 16; o + 4 <= off + blen - 4;) {
				unsigned code = rd16(d + o, swap);
				size_t olen = rd16(d + o + 2, swap);

				if (code == 0 || o + 4 + olen > off + blen - 4)
					break;
				if (code == 9 && olen >= 1)
					ifs[n_ifs].units = tsresol(d[o + 4]);
				o += 4 + ((olen + 3) & ~(size_t)3);
			}
			n_ifs++;
			break;
		case 6:	/* enhanced packet */
		case 2:	/* packet (obsolete) */
			if (blen < 32)
				return corrupt(rd, "corrupt pcapng file: short "
				    "packet block at byte %zu", off);
			ifid = type == 6 ? rd32(d + off + 8, swap) :
			    rd16(d + off + 8, swap);
			ts = (uint64_t)rd32(d + off + 12, swap) << 32 |
			    rd32(d + off + 16, swap);
			caplen = rd32(d + off + 20, swap);
			orig = rd32(d + off + 24, swap);
			if (caplen > blen - 32)
				return corrupt(rd, "corrupt pcapng file: packet "
				    "block at byte %zu claims %u bytes", off,
				    caplen);
			if (ifid >= n_ifs) {
				rd->bad_iface++;
				rd->cap->packets++;
				break;
			}
			packet(rd, ifs[ifid].linktype, d + off + 28, caplen,
			    orig, (time_t)(ts / ifs[ifid].units));
			break;
		case 3:	/* simple packet: interface 0 */
			if (blen < 16)
				return corrupt(rd, "corrupt pcapng file: short "
				    "packet block at byte %zu", off);
			orig = rd32(d + off + 8, swap);
			caplen = orig < blen - 16 ? orig : (uint32_t)(blen - 16);
			if (n_ifs == 0) {
				rd->bad_iface++;
				rd->cap->packets++;
				break;
			}
			packet(rd, ifs[0].linktype, d + off + 12, caplen, orig,
			    0);
			break;
		default:
			break;	/* statistics, name resolution, ... */
		}
		if (rd->nomem)
			return PTRUST_ERR_NOMEM;
		off += blen;
	}
	return PTRUST_OK;
}

/* ------------------------------------------------------------ pass 2 */

static int
seg_cmp(const void *a, const void *b)
{
	const struct pt_seg *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The contiguous bytes of a direction from its stream offset 0. */
static void
assemble(struct pt_rd *rd, struct pt_dir *d)
{
	size_t i, end = 0, have = 0;
	uint32_t s_end;

	if (d->n == 0)
		return;		/* nothing to sort; qsort wants an array */
	/* in arrival order: a segment that starts before the one before */
	for (i = 1; i < d->n; i++)
		if (d->segs[i].off < d->segs[i - 1].off)
			d->reordered++;
	qsort(d->segs, d->n, sizeof(*d->segs), seg_cmp);
	for (i = 0; i < d->n; i++)
		if (d->segs[i].off + (size_t)d->segs[i].len > end)
			end = d->segs[i].off + (size_t)d->segs[i].len;
	if (end == 0)
		return;
	if ((d->buf = OPENSSL_malloc(end)) == NULL) {
		rd->nomem = 1;
		return;
	}
	for (i = 0; i < d->n; i++) {
		const struct pt_seg *s = &d->segs[i];

		s_end = s->off + s->len;
		if (s->off > have) {
			d->gap = 1;
			d->gap_at = (uint32_t)have;
			d->gap_len = s->off - (uint32_t)have;
			break;
		}
		if (s->off < have) {
			size_t same = (s_end < have ? s_end : have) - s->off;

			d->retrans++;
			if (memcmp(d->buf + s->off, s->p, same) != 0)
				d->conflicts++;
		}
		if (s_end > have) {
			memcpy(d->buf + have, s->p + (have - s->off),
			    s_end - have);
			have = s_end;
		}
	}
	d->len = have;
}

/* 1 when buf holds a plausible TLS record header. */
static int
tls_header(const unsigned char *b, size_t len)
{
	return len >= 5 && b[0] >= 20 && b[0] <= 24 && b[1] == 3 &&
	    b[2] <= 4 && be16(b + 3) <= PT_CAP_MAX_RECORD;
}

static const char *
side_name(const struct pt_conn *c, int e)
{
	return e == c->client ? "client" : "server";
}

static void
add_alert(struct pt_conn *c, int e, int level, int desc)
{
	if (c->n_alerts == PT_CAP_MAX_ALERTS) {
		c->alerts_dropped = 1;
		return;
	}
	c->alerts[c->n_alerts].from = e;
	c->alerts[c->n_alerts].level = level;
	c->alerts[c->n_alerts].desc = desc;
	c->n_alerts++;
}

static void
server_hello(struct pt_conn *c, const unsigned char *b, size_t len)
{
	size_t o, elen, end;

	if (len < 38)
		return;
	c->version = be16(b);
	o = 34;
	o += 1 + (size_t)b[o];		/* session id */
	o += 3;				/* cipher suite, compression */
	if (o + 2 > len)
		return;
	elen = be16(b + o);
	o += 2;
	end = o + elen < len ? o + elen : len;
	while (o + 4 <= end) {
		unsigned type = be16(b + o);
		size_t l = be16(b + o + 2);

		if (o + 4 + l > end)
			break;
		if (type == 43 && l == 2)	/* supported_versions */
			c->version = be16(b + o + 4);
		o += 4 + l;
	}
	if (c->version == 0x0304)
		c->tls13 = 1;
}

static void
certificate(struct pt_rd *rd, struct pt_conn *c, int e,
    const unsigned char *b, size_t len)
{
	struct pt_peer_chain *pc = &c->chains[e];
	struct pt_cert *ct;
	const unsigned char *q;
	size_t o = 3, total, l, k = 0;
	X509 *x;

	if (pc->sent) {
		note(rd, c, "the %s sent a second Certificate message: only "
		    "the first was read", side_name(c, e));
		return;
	}
	pc->sent = 1;
	if (len < 3 || (total = be24(b)) + 3 > len) {
		note(rd, c, "the %s's Certificate message is malformed",
		    side_name(c, e));
		return;
	}
	if ((pc->chain = ptrust_chain_new()) == NULL) {
		rd->nomem = 1;
		return;
	}
	while (o + 3 <= total + 3 && !rd->nomem) {
		k++;
		l = be24(b + o);
		o += 3;
		if (o + l > total + 3 || l == 0) {
			note(rd, c, "the %s's Certificate message is "
			    "malformed at certificate %zu", side_name(c, e), k);
			return;
		}
		if (pc->n == PT_CAP_MAX_CERTS) {
			note(rd, c, "the %s sent more than %d certificates: "
			    "the rest were left out", side_name(c, e),
			    PT_CAP_MAX_CERTS);
			return;
		}
		q = b + o;
		if ((x = d2i_X509(NULL, &q, (long)l)) == NULL ||
		    q != b + o + l) {
			X509_free(x);
			if (drain_errors_oom())
				rd->nomem = 1;
			else
				note(rd, c, "certificate %zu sent by the %s is "
				    "not an X.509 certificate: left out", k,
				    side_name(c, e));
			o += l;
			continue;
		}
		if ((pc->certs == NULL && (pc->certs = pt_calloc(
		    PT_CAP_MAX_CERTS, sizeof(*pc->certs))) == NULL)) {
			X509_free(x);
			rd->nomem = 1;
			return;
		}
		ct = &pc->certs[pc->n];
		ct->x509 = x;
		pc->n++;
		if ((ct->der = OPENSSL_memdup(b + o, l)) == NULL ||
		    (ct->subject = pt_name_string(X509_get_subject_name(x))) ==
		    NULL ||
		    (ct->issuer = pt_name_string(X509_get_issuer_name(x))) ==
		    NULL || ptrust_chain_add_x509(pc->chain, x) != PTRUST_OK) {
			rd->nomem = 1;
			return;
		}
		/* decoded now, so that no later allocation failure can */
		if ((X509_get_extension_flags(x) & EXFLAG_INVALID) &&
		    drain_errors_oom()) {
			rd->nomem = 1;
			return;
		}
		ERR_clear_error();
		ct->der_len = l;
		o += l;
	}
}

/* The records and handshake messages that endpoint e sent. */
static void
tls_read(struct pt_rd *rd, struct pt_conn *c, int e)
{
	struct pt_dir *d = &c->dir[e];
	const unsigned char *b = d->buf;
	unsigned char *hs = NULL;
	size_t off = 0, hs_len = 0, hs_off, rlen, mlen, last_app = 0;
	int encrypted = 0, type, last_type = 0, bad = 0;

	while (off < d->len && !rd->nomem) {
		if (d->len - off < 5 || !tls_header(b + off, d->len - off)) {
			if (d->len - off >= 5 || !tls_header(b + off, 5)) {
				if (d->len - off < 5 && b[off] >= 20 &&
				    b[off] <= 24)
					bad = 2;
				else
					bad = 1;
			}
			break;
		}
		type = b[off];
		rlen = be16(b + off + 3);
		if (rlen > d->len - off - 5) {
			bad = 2;
			break;
		}
		if (off == 0)
			c->tls = 1;
		last_type = type;
		switch (type) {
		case 20:	/* ChangeCipherSpec */
			encrypted = 1;
			break;
		case 21:	/* alert */
			if (encrypted)
				add_alert(c, e, -1, -1);
			else if (rlen % 2 != 0 || rlen == 0)
				note(rd, c, "malformed alert record from the "
				    "%s", side_name(c, e));
			else {
				size_t i;

				for (i = 0; i < rlen; i += 2)
					add_alert(c, e, b[off + 5 + i],
					    b[off + 6 + i]);
			}
			break;
		case 22:	/* handshake */
			if (encrypted)
				break;	/* Finished, under the new keys */
			if (hs == NULL && (hs = OPENSSL_malloc(d->len)) ==
			    NULL) {
				rd->nomem = 1;
				break;
			}
			memcpy(hs + hs_len, b + off + 5, rlen);
			hs_len += rlen;
			for (hs_off = 0; hs_len - hs_off >= 4 && !encrypted;) {
				mlen = be24(hs + hs_off + 1);
				if (hs_len - hs_off - 4 < mlen)
					break;
				switch (hs[hs_off]) {
				case 1:
					c->hello[e] |= 1;
					break;
				case 2:
					c->hello[e] |= 2;
					server_hello(c, hs + hs_off + 4, mlen);
					/* TLS 1.3: all after it is encrypted */
					if (c->tls13)
						encrypted = 1;
					break;
				case 11:
					certificate(rd, c, e, hs + hs_off + 4,
					    mlen);
					break;
				case 13:
					c->cert_req = 1;
					break;
				}
				hs_off += 4 + mlen;
			}
			memmove(hs, hs + hs_off, hs_len - hs_off);
			hs_len -= hs_off;
			break;
		case 23:	/* application data */
			last_app = rlen;
			break;
		}
		off += 5 + rlen;
	}
	if (!c->tls && off == 0) {
		OPENSSL_free(hs);
		return;		/* not TLS at all */
	}
	c->tls = 1;
	if (hs_len >= 4 && !encrypted)
		note(rd, c, "the %s's handshake message of type %u is "
		    "incomplete: %zu of its %u bytes were captured",
		    side_name(c, e), hs[0], hs_len - 4, be24(hs + 1));
	else if (hs_len > 0 && !encrypted)
		note(rd, c, "the %s's last handshake message is incomplete",
		    side_name(c, e));
	if (bad == 1)
		note(rd, c, "the %s's bytes at stream offset %zu are not a TLS "
		    "record: the rest of that direction was not read",
		    side_name(c, e), off);
	else if (bad == 2)
		note(rd, c, "the %s's last TLS record (at stream offset %zu) "
		    "is incomplete", side_name(c, e), off);
	if (c->tls13 && last_type == 23 && last_app >= 19 && last_app <= 24 &&
	    (d->fin || d->rst))
		note(rd, c, "the %s's last record (%zu bytes) before closing "
		    "may be an encrypted alert", side_name(c, e), last_app);
	OPENSSL_free(hs);
}

/* Which endpoint is the client: 0 or 1; *how when it is a guess. */
static int
find_client(const struct pt_conn *c, const char **how)
{
	int e;

	*how = NULL;
	for (e = 0; e < 2; e++) {
		const struct pt_dir *d = &c->dir[e];

		if (d->len >= 6 && d->buf[0] == 22 && d->buf[5] == 1)
			return e;
		if (d->len >= 6 && d->buf[0] == 22 && d->buf[5] == 2)
			return 1 - e;
	}
	for (e = 0; e < 2; e++) {
		if (c->dir[e].syn)
			return e;
		if (c->dir[e].synack)
			return 1 - e;
	}
	*how = "neither the ClientHello nor the SYN was captured: the "
	    "client is taken to be the end with the higher port";
	return c->port[0] > c->port[1] ? 0 : 1;
}

static const char *
version_name(uint16_t v)
{
	switch (v) {
	case 0x0300: return "SSL 3.0";
	case 0x0301: return "TLS 1.0";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	default: return NULL;
	}
}

/* What the issuer's names suggest (judge.c's one rule): only a guess. */
static ptrust_kind
guess_kind(X509 *leaf)
{
	ptrust_evidence ev;
	ptrust_kind k = pt_guess_kind(NULL, leaf, NULL, &ev);

	return ev == PTRUST_EVIDENCE_NAME ? k : PTRUST_KIND_UNKNOWN;
}

static void
dir_notes(struct pt_rd *rd, struct pt_conn *c, int e)
{
	struct pt_dir *d = &c->dir[e];
	const char *who = side_name(c, e);
	const char *to = side_name(c, 1 - e);

	if (d->mid && d->n > 0)
		note(rd, c, "the %s's SYN was not captured: its stream is read "
		    "from the first byte captured", who);
	if (d->reordered)
		note(rd, c, "%zu segment%s from %s to %s arrived out of order "
		    "(put back in order)", d->reordered, d->reordered == 1 ?
		    "" : "s", who, to);
	if (d->retrans)
		note(rd, c, "%zu segment%s from %s to %s retransmitted or "
		    "overlapping (the first copy was kept)%s", d->retrans,
		    d->retrans == 1 ? "" : "s", who, to, d->conflicts ?
		    "; some retransmitted bytes differ from the first copy" :
		    "");
	if (d->gap)
		note(rd, c, "%u bytes from %s to %s are missing at stream "
		    "offset %u (not captured): what follows was not read",
		    d->gap_len, who, to, d->gap_at);
	if (d->beyond)
		note(rd, c, "only the first %u bytes from %s to %s were read",
		    PT_CAP_STREAM_MAX, who, to);
	if (d->dropped)
		note(rd, c, "%zu segments from %s to %s over the limit of %d "
		    "were left out", d->dropped, who, to, PT_CAP_MAX_SEGS);
}

static void
analyse(struct pt_rd *rd, struct pt_conn *c)
{
	const char *how;
	int e, k;

	assemble(rd, &c->dir[0]);
	if (!rd->nomem)
		assemble(rd, &c->dir[1]);
	if (rd->nomem)
		return;
	c->client = find_client(c, &how);
	for (e = 0; e < 2 && !rd->nomem; e++)
		tls_read(rd, c, e);
	for (e = 0; e < 2; e++) {
		OPENSSL_free(c->dir[e].buf);
		c->dir[e].buf = NULL;
	}
	if (!c->tls || rd->nomem)
		return;
	/* the roles the handshake itself gives win over the SYN */
	for (e = 0; e < 2; e++)
		if ((c->hello[e] & 1) && !(c->hello[1 - e] & 1))
			c->client = e;
	if (how != NULL && !(c->hello[0] & 1) && !(c->hello[1] & 1))
		note(rd, c, "%s", how);
	for (e = 0; e < 2; e++)
		dir_notes(rd, c, e);
	k = c->client;
	if (version_name(c->version) != NULL)
		snprintf(c->version_s, sizeof(c->version_s), "%s",
		    version_name(c->version));
	else if (c->version != 0)
		snprintf(c->version_s, sizeof(c->version_s), "0x%04x",
		    c->version);
	else {
		snprintf(c->version_s, sizeof(c->version_s), "unknown");
		note(rd, c, "no ServerHello was captured: the version is "
		    "unknown");
	}
	if (c->tls13)
		note(rd, c, "TLS 1.3 (supported_versions): the certificates "
		    "are encrypted and cannot be read from a capture, and so "
		    "is any alert sent after the ServerHello");
	if (!c->tls13 && c->cert_req && !c->chains[k].sent && !c->dir[k].gap)
		note(rd, c, "the server asked for a client certificate; no "
		    "Certificate message from the client was captured");
	else if (c->chains[k].sent && c->chains[k].n == 0)
		note(rd, c, "the client sent an empty Certificate message: it "
		    "has no certificate to present");
	if (c->alerts_dropped)
		note(rd, c, "more than %d alerts: the rest were left out",
		    PT_CAP_MAX_ALERTS);
	for (e = 0; e < (int)c->n_alerts; e++)
		if (c->alerts[e].level < 0) {
			note(rd, c, "an alert was sent encrypted, after the "
			    "handshake (usually close_notify): its content "
			    "cannot be read");
			break;
		}
	if (c->chains[k].n > 0) {
		X509 *leaf = c->chains[k].certs[0].x509;

		if (pt_subject_cn(leaf, &c->device) < 0)
			rd->nomem = 1;
		c->guess = guess_kind(leaf);
	}
}

static ptrust_status
read_capture(ptrust_capture *cap, const unsigned char *d, size_t len)
{
	struct pt_rd *rd;
	ptrust_status st;
	size_t i, j;

	if ((rd = pt_calloc(1, sizeof(*rd))) == NULL) {
		pt_seterr(cap->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	rd->cap = cap;
	if (len == 0)
		st = corrupt(rd, "empty file: not a packet capture");
	else if (len >= 4 && (rd32(d, 0) == 0xa1b2c3d4 ||
	    rd32(d, 0) == 0xa1b23c4d || rd32(d, 1) == 0xa1b2c3d4 ||
	    rd32(d, 1) == 0xa1b23c4d))
		st = read_pcap(rd, d, len);
	else if (len >= 4 && rd32(d, 0) == 0x0a0d0d0a)
		st = read_pcapng(rd, d, len);
	else
		st = corrupt(rd, "not a pcap or pcapng file (it starts with "
		    "%02x %02x %02x %02x)", d[0], len > 1 ? d[1] : 0,
		    len > 2 ? d[2] : 0, len > 3 ? d[3] : 0);
	for (i = 0; st == PTRUST_OK && i < cap->n; i++) {
		analyse(rd, cap->conns[i]);
		if (rd->nomem)
			st = PTRUST_ERR_NOMEM;
	}
	/* keep the TLS connections only */
	for (i = j = 0; st == PTRUST_OK && i < cap->n; i++) {
		if (cap->conns[i]->tls) {
			OPENSSL_free(cap->conns[i]->dir[0].segs);
			OPENSSL_free(cap->conns[i]->dir[1].segs);
			cap->conns[i]->dir[0].segs = NULL;
			cap->conns[i]->dir[1].segs = NULL;
			cap->conns[j++] = cap->conns[i];
		} else
			conn_free(cap->conns[i]);
	}
	if (st == PTRUST_OK)
		cap->n = j;
	if (st == PTRUST_OK && rd->unknown_link)
		warn(rd, "%zu packets of link type %d were not read (supported: "
		    "Ethernet, Linux cooked SLL and SLL2, raw IPv4/IPv6, BSD "
		    "loopback)", rd->unknown_link, rd->unknown_link_type);
	if (st == PTRUST_OK && rd->fragments)
		warn(rd, "%zu IP fragments were not reassembled", rd->fragments);
	if (st == PTRUST_OK && rd->short_caps)
		warn(rd, "%zu packets were cut short by the capture's snapshot "
		    "length", rd->short_caps);
	if (st == PTRUST_OK && rd->conn_limit)
		warn(rd, "more than %d TCP connections: %zu packets of later "
		    "ones were not read", PT_CAP_MAX_CONNS, rd->conn_limit);
	if (st == PTRUST_OK && (rd->bad_ip || rd->bad_tcp))
		warn(rd, "%zu malformed IP or TCP packets were skipped",
		    rd->bad_ip + rd->bad_tcp);
	if (st == PTRUST_OK && rd->bad_iface)
		warn(rd, "%zu packets of an undescribed interface were skipped",
		    rd->bad_iface);
	if (st == PTRUST_OK && rd->nomem)
		st = PTRUST_ERR_NOMEM;
	if (st != PTRUST_OK) {
		if (st == PTRUST_ERR_NOMEM)
			pt_seterr(cap->err, "out of memory");
		capture_clear(cap);
	}
	OPENSSL_free(rd);
	return st;
}

ptrust_status
ptrust_capture_read_mem(const void *data, size_t len,
    ptrust_capture **capture)
{
	ptrust_capture *cap;

	if (capture == NULL)
		return PTRUST_ERR_ARG;
	if ((*capture = cap = pt_calloc(1, sizeof(*cap))) == NULL)
		return PTRUST_ERR_NOMEM;
	cap->format = "";
	if (data == NULL && len != 0) {
		pt_seterr(cap->err, "no data");
		return PTRUST_ERR_ARG;
	}
	if (len > PT_CAP_MAX_INPUT) {
		pt_seterr(cap->err, "capture larger than 1 GiB");
		return PTRUST_ERR_ARG;
	}
	return read_capture(cap, data, len);
}

ptrust_status
ptrust_capture_read_file(const char *path, ptrust_capture **capture)
{
	ptrust_capture *cap;
	ptrust_status st;
	unsigned char *data = NULL;
	size_t len = 0;
	FILE *f;
	long size;

	if (capture == NULL)
		return PTRUST_ERR_ARG;
	if ((*capture = cap = pt_calloc(1, sizeof(*cap))) == NULL)
		return PTRUST_ERR_NOMEM;
	cap->format = "";
	if (path == NULL) {
		pt_seterr(cap->err, "no file name");
		return PTRUST_ERR_ARG;
	}
	/* captures outgrow PT_MAX_FILE: read here, up to PT_CAP_MAX_FILE */
	if ((f = fopen(path, "rb")) == NULL) {
		pt_seterr(cap->err, "%s: %s", path, strerror(errno));
		return PTRUST_ERR_IO;
	}
	{
		struct stat sb;

		if (fstat(fileno(f), &sb) == -1 || !S_ISREG(sb.st_mode)) {
			pt_seterr(cap->err, "%s: not a regular file", path);
			fclose(f);
			return PTRUST_ERR_IO;
		}
		if ((uintmax_t)sb.st_size > PT_CAP_MAX_FILE) {
			pt_seterr(cap->err, "%s: larger than 256 MiB", path);
			fclose(f);
			return PTRUST_ERR_IO;
		}
		size = (long)sb.st_size;
	}
	if (size > 0 && (data = OPENSSL_malloc((size_t)size)) == NULL) {
		fclose(f);
		pt_seterr(cap->err, "out of memory");
		return PTRUST_ERR_NOMEM;
	}
	if (size > 0)
		len = fread(data, 1, (size_t)size, f);
	if (ferror(f) || len != (size_t)size) {
		pt_seterr(cap->err, "%s: read error", path);
		fclose(f);
		OPENSSL_free(data);
		return PTRUST_ERR_IO;
	}
	fclose(f);
	st = read_capture(cap, data, len);
	OPENSSL_free(data);
	return st;
}

/* ------------------------------------------------------------ classify */

static void
clear_results(ptrust_capture *cap)
{
	size_t i;

	for (i = 0; i < cap->n; i++) {
		ptrust_result_free(cap->conns[i]->result);
		cap->conns[i]->result = NULL;
	}
}

/* Asked for a certificate, the client sent an empty Certificate message. */
static ptrust_status
judge_no_certificate(const ptrust_store *s, ptrust_cluster_purpose purpose,
    const ptrust_options *options, ptrust_result **r)
{
	struct pt_presentation p;

	memset(&p, 0, sizeof(p));
	p.store = s;
	p.purpose = (int)purpose;
	p.options = options;
	p.why = "the client sent an empty Certificate message";
	return pt_judge(&p, r);
}

ptrust_status
ptrust_capture_classify(ptrust_capture *cap, ptrust_cluster *cluster,
    ptrust_cluster_purpose purpose, const ptrust_options *options)
{
	ptrust_store *s = NULL;
	ptrust_status st = PTRUST_OK;
	size_t i;

	if (cap == NULL)
		return PTRUST_ERR_ARG;
	clear_results(cap);
	if (cluster == NULL || ptrust_cluster_purpose_name(purpose) == NULL) {
		pt_seterr(cap->err, cluster == NULL ? "no cluster" :
		    "no such purpose");
		return PTRUST_ERR_ARG;
	}
	if ((st = ptrust_cluster_snapshot(cluster, purpose, &s)) !=
	    PTRUST_OK) {
		pt_seterr(cap->err, "%s: %s", ptrust_cluster_purpose_name(
		    purpose), ptrust_cluster_error(cluster));
		return st;
	}
	for (i = 0; i < cap->n && st == PTRUST_OK; i++) {
		struct pt_conn *c = cap->conns[i];
		struct pt_peer_chain *pc = &c->chains[c->client];
		ptrust_result *r = NULL;

		if (pc->n == 0 && !(pc->sent && c->cert_req))
			continue;	/* nothing asked, nothing to judge */
		/* the chain as the phone sent it: the one judging path */
		if (pc->n == 0)
			st = judge_no_certificate(s, purpose, options, &r);
		else
			st = ptrust_verify_presented(s, purpose, pc->chain,
			    options, &r);
		c->result = r;
		if (st != PTRUST_OK) {
			pt_seterr(cap->err, "connection %zu: %s", i + 1,
			    r != NULL ? ptrust_result_error(r) :
			    "out of memory");
			break;
		}
	}
	if (st != PTRUST_OK)
		clear_results(cap);
	ptrust_store_unref(s);
	return st;
}

/* ------------------------------------------------------------ accessors */

static const struct pt_conn *
conn_at(const ptrust_capture *cap, size_t i)
{
	return cap != NULL && i < cap->n ? cap->conns[i] : NULL;
}

static int
endpoint(const struct pt_conn *c, ptrust_capture_side side)
{
	if (side == PTRUST_CAPTURE_CLIENT)
		return c->client;
	if (side == PTRUST_CAPTURE_SERVER)
		return 1 - c->client;
	return -1;
}

const char *
ptrust_capture_error(const ptrust_capture *cap)
{
	return cap != NULL ? cap->err : "no capture";
}

const char *
ptrust_capture_format(const ptrust_capture *cap)
{
	return cap != NULL ? cap->format : NULL;
}

size_t
ptrust_capture_packet_count(const ptrust_capture *cap)
{
	return cap != NULL ? cap->packets : 0;
}

size_t
ptrust_capture_warning_count(const ptrust_capture *cap)
{
	return cap != NULL ? cap->n_warnings : 0;
}

const char *
ptrust_capture_warning(const ptrust_capture *cap, size_t i)
{
	return cap != NULL && i < cap->n_warnings ? cap->warnings[i] : NULL;
}

size_t
ptrust_capture_count(const ptrust_capture *cap)
{
	return cap != NULL ? cap->n : 0;
}

time_t
ptrust_capture_start_time(const ptrust_capture *cap, size_t i)
{
	const struct pt_conn *c = conn_at(cap, i);

	return c != NULL ? c->start : 0;
}

const char *
ptrust_capture_address(const ptrust_capture *cap, size_t i,
    ptrust_capture_side side)
{
	const struct pt_conn *c = conn_at(cap, i);
	int e;

	if (c == NULL || (e = endpoint(c, side)) < 0)
		return NULL;
	return c->addr_s[e];
}

unsigned
ptrust_capture_port(const ptrust_capture *cap, size_t i,
    ptrust_capture_side side)
{
	const struct pt_conn *c = conn_at(cap, i);
	int e;

	if (c == NULL || (e = endpoint(c, side)) < 0)
		return 0;
	return c->port[e];
}

const char *
ptrust_capture_version(const ptrust_capture *cap, size_t i)
{
	const struct pt_conn *c = conn_at(cap, i);

	return c != NULL ? c->version_s : NULL;
}

int
ptrust_capture_encrypted(const ptrust_capture *cap, size_t i)
{
	const struct pt_conn *c = conn_at(cap, i);

	return c != NULL && c->tls13;
}

int
ptrust_capture_certificate_requested(const ptrust_capture *cap, size_t i)
{
	const struct pt_conn *c = conn_at(cap, i);

	return c != NULL && c->cert_req;
}

int
ptrust_capture_certificate_sent(const ptrust_capture *cap, size_t i,
    ptrust_capture_side side)
{
	const struct pt_conn *c = conn_at(cap, i);
	int e;

	if (c == NULL || (e = endpoint(c, side)) < 0)
		return 0;
	return c->chains[e].sent;
}

static const struct pt_peer_chain *
peer_chain(const ptrust_capture *cap, size_t i, ptrust_capture_side side)
{
	const struct pt_conn *c = conn_at(cap, i);
	int e;

	if (c == NULL || (e = endpoint(c, side)) < 0)
		return NULL;
	return &c->chains[e];
}

size_t
ptrust_capture_chain_count(const ptrust_capture *cap, size_t i,
    ptrust_capture_side side)
{
	const struct pt_peer_chain *pc = peer_chain(cap, i, side);

	return pc != NULL ? pc->n : 0;
}

const char *
ptrust_capture_chain_subject(const ptrust_capture *cap, size_t i,
    ptrust_capture_side side, size_t k)
{
	const struct pt_peer_chain *pc = peer_chain(cap, i, side);

	return pc != NULL && k < pc->n ? pc->certs[k].subject : NULL;
}

const char *
ptrust_capture_chain_issuer(const ptrust_capture *cap, size_t i,
    ptrust_capture_side side, size_t k)
{
	const struct pt_peer_chain *pc = peer_chain(cap, i, side);

	return pc != NULL && k < pc->n ? pc->certs[k].issuer : NULL;
}

const unsigned char *
ptrust_capture_chain_der(const ptrust_capture *cap, size_t i,
    ptrust_capture_side side, size_t k, size_t *len)
{
	const struct pt_peer_chain *pc = peer_chain(cap, i, side);

	if (pc == NULL || k >= pc->n) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	if (len != NULL)
		*len = pc->certs[k].der_len;
	return pc->certs[k].der;
}

const ptrust_chain *
ptrust_capture_chain(const ptrust_capture *cap, size_t i,
    ptrust_capture_side side)
{
	const struct pt_peer_chain *pc = peer_chain(cap, i, side);

	return pc != NULL && pc->n > 0 ? pc->chain : NULL;
}

const char *
ptrust_capture_device(const ptrust_capture *cap, size_t i)
{
	const struct pt_conn *c = conn_at(cap, i);

	return c != NULL ? c->device : NULL;
}

size_t
ptrust_capture_alert_count(const ptrust_capture *cap, size_t i)
{
	const struct pt_conn *c = conn_at(cap, i);

	return c != NULL ? c->n_alerts : 0;
}

int
ptrust_capture_alert(const ptrust_capture *cap, size_t i, size_t k,
    ptrust_capture_side *from, int *level, int *description)
{
	const struct pt_conn *c = conn_at(cap, i);
	const struct pt_alert *a;

	if (c == NULL || k >= c->n_alerts)
		return -1;
	a = &c->alerts[k];
	if (from != NULL)
		*from = a->from == c->client ? PTRUST_CAPTURE_CLIENT :
		    PTRUST_CAPTURE_SERVER;
	if (level != NULL)
		*level = a->level;
	if (description != NULL)
		*description = a->desc;
	return a->level >= 0;
}

const char *
ptrust_capture_alert_name(int d)
{
	return pt_alert_name(d);
}

size_t
ptrust_capture_note_count(const ptrust_capture *cap, size_t i)
{
	const struct pt_conn *c = conn_at(cap, i);

	return c != NULL ? c->n_notes : 0;
}

const char *
ptrust_capture_note(const ptrust_capture *cap, size_t i, size_t k)
{
	const struct pt_conn *c = conn_at(cap, i);

	return c != NULL && k < c->n_notes ? c->notes[k] : NULL;
}

const ptrust_result *
ptrust_capture_result(const ptrust_capture *cap, size_t i)
{
	const struct pt_conn *c = conn_at(cap, i);

	return c != NULL ? c->result : NULL;
}

ptrust_kind
ptrust_capture_kind(const ptrust_capture *cap, size_t i, int *guess)
{
	const struct pt_conn *c = conn_at(cap, i);

	if (guess != NULL)
		*guess = 0;
	if (c == NULL)
		return PTRUST_KIND_UNKNOWN;
	if (c->result != NULL && c->result->kind != PTRUST_KIND_UNKNOWN)
		return c->result->kind;
	if (c->guess != PTRUST_KIND_UNKNOWN && guess != NULL)
		*guess = 1;
	return c->guess;
}
