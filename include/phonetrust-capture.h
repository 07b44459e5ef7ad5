/*
 * libphonetrust, packet captures: the certificates phones and servers
 * presented in the TLS handshakes of a pcap or pcapng file, per TCP
 * connection, with any TLS alert seen, and the verdict of a cluster on the
 * phone's chain.  Include after <phonetrust.h> and <phonetrust-cluster.h>.
 *
 * A capture object is not locked: one thread at a time may use it;
 * different objects may be used by different threads at once.
 */
#ifndef PHONETRUST_CAPTURE_H
#define PHONETRUST_CAPTURE_H

#include <phonetrust.h>
#include <phonetrust-cluster.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ptrust_capture ptrust_capture;

/* The two ends of a TLS connection. */
typedef enum ptrust_capture_side {
	PTRUST_CAPTURE_CLIENT = 0,	/* the phone, which sends ClientHello */
	PTRUST_CAPTURE_SERVER = 1
} ptrust_capture_side;

/*
 * Read a capture: the bytes of a pcap (microsecond or nanosecond, either
 * byte order) or pcapng file.  Returns PTRUST_OK when the whole file could
 * be read, whatever it holds; *capture then lists every TCP connection
 * that carried TLS records.  On another status *capture is set too, unless
 * memory ran out or capture is NULL, holds no connection and
 * ptrust_capture_error() says why.
 */
ptrust_status ptrust_capture_read_mem(const void *data, size_t len,
    ptrust_capture **capture);
ptrust_status ptrust_capture_read_file(const char *path,
    ptrust_capture **capture);
void ptrust_capture_free(ptrust_capture *capture);
const char *ptrust_capture_error(const ptrust_capture *capture);

/* "pcap" or "pcapng". */
const char *ptrust_capture_format(const ptrust_capture *capture);
/* Packets read, whether they were used or not. */
size_t ptrust_capture_packet_count(const ptrust_capture *capture);
/* What the whole capture made the reader skip (link types, fragments...). */
size_t ptrust_capture_warning_count(const ptrust_capture *capture);
const char *ptrust_capture_warning(const ptrust_capture *capture,
    size_t index);

/* Connections carrying TLS, in the order of their first packet. */
size_t ptrust_capture_count(const ptrust_capture *capture);
/* Time of the first packet of a connection (seconds since the epoch). */
time_t ptrust_capture_start_time(const ptrust_capture *capture,
    size_t index);
/* "127.0.0.1", "::1", ... */
const char *ptrust_capture_address(const ptrust_capture *capture,
    size_t index, ptrust_capture_side side);
unsigned ptrust_capture_port(const ptrust_capture *capture, size_t index,
    ptrust_capture_side side);
/* "TLS 1.0" .. "TLS 1.3", "SSL 3.0", or "unknown" without a ServerHello. */
const char *ptrust_capture_version(const ptrust_capture *capture,
    size_t index);
/* 1 when the certificates are encrypted (TLS 1.3), 0 otherwise. */
int ptrust_capture_encrypted(const ptrust_capture *capture, size_t index);
/* 1 when the server sent a CertificateRequest (TLS 1.0-1.2). */
int ptrust_capture_certificate_requested(const ptrust_capture *capture,
    size_t index);
/* 1 when that side sent a Certificate message (even an empty one). */
int ptrust_capture_certificate_sent(const ptrust_capture *capture,
    size_t index, ptrust_capture_side side);

/* The chain a side presented, in the order sent (leaf first). */
size_t ptrust_capture_chain_count(const ptrust_capture *capture,
    size_t index, ptrust_capture_side side);
const char *ptrust_capture_chain_subject(const ptrust_capture *capture,
    size_t index, ptrust_capture_side side, size_t cert);
const char *ptrust_capture_chain_issuer(const ptrust_capture *capture,
    size_t index, ptrust_capture_side side, size_t cert);
const unsigned char *ptrust_capture_chain_der(const ptrust_capture *capture,
    size_t index, ptrust_capture_side side, size_t cert, size_t *len);
/* The same chain, for ptrust_verify; NULL when that side sent none. */
const ptrust_chain *ptrust_capture_chain(const ptrust_capture *capture,
    size_t index, ptrust_capture_side side);
/* The last CN of the client's leaf, NULL when none. */
const char *ptrust_capture_device(const ptrust_capture *capture,
    size_t index);

/* TLS alerts seen, in stream order per direction (client's first). */
size_t ptrust_capture_alert_count(const ptrust_capture *capture,
    size_t index);
/*
 * The alert at alert: who sent it, its level (1 warning, 2 fatal) and
 * description (48 unknown_ca, ...).  Returns 1 when it could be read, 0
 * when it was encrypted (level and description then -1), -1 when out of
 * range.  Any pointer may be NULL.
 */
int ptrust_capture_alert(const ptrust_capture *capture, size_t index,
    size_t alert, ptrust_capture_side *from, int *level, int *description);
/* "unknown_ca", "handshake_failure", ...: every RFC 8446 description. */
const char *ptrust_capture_alert_name(int description);

/* What the reader could not see or had to guess on this connection. */
size_t ptrust_capture_note_count(const ptrust_capture *capture,
    size_t index);
const char *ptrust_capture_note(const ptrust_capture *capture, size_t index,
    size_t note);

/*
 * Validate every client chain against what cluster trusts for purpose
 * (options NULL: defaults).  Each call replaces the results of an earlier
 * one.  PTRUST_OK when every chain was validated, whatever the verdicts.
 */
ptrust_status ptrust_capture_classify(ptrust_capture *capture,
    ptrust_cluster *cluster, ptrust_cluster_purpose purpose,
    const ptrust_options *options);
/*
 * The result of classify for a connection, with diagnosis and fix (see
 * ptrust_cluster_verify_phone); NULL before classify or when the client
 * presented no certificate.
 */
const ptrust_result *ptrust_capture_result(const ptrust_capture *capture,
    size_t index);
/*
 * The kind of the client's certificate: from the anchor that verified it
 * after classify (*guess 0), else from its issuer's name (*guess 1):
 * CN=CAPF-xxxxxxxx gives LSC, a Cisco manufacturing CA gives MIC.  guess
 * may be NULL.
 */
ptrust_kind ptrust_capture_kind(const ptrust_capture *capture, size_t index,
    int *guess);

#ifdef __cplusplus
}
#endif

#endif /* PHONETRUST_CAPTURE_H */
