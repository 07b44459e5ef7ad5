/*
 * libphonetrust, phone console logs: what the security daemon (SECD) of a
 * Cisco IP phone logs about its own certificate -- which one it presented
 * (PXY_NO_LSC, PXY_CERT_CIPHER ... cert [LSC]), for which protocol, and
 * whether the other end refused it (STATE_SSL3_ALERT ... [read]:[fatal]:
 * [unknown CA]) -- summed up with the library's diagnosis and the
 * administrator's fix.  Include after <phonetrust.h>.
 */
#ifndef PHONETRUST_CONSOLE_H
#define PHONETRUST_CONSOLE_H

#include <phonetrust.h>
#include <phonetrust-cluster.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ptrust_console ptrust_console;

/* What a recognised line says.  Append-only. */
typedef enum ptrust_console_kind {
	PTRUST_CONSOLE_EVENT_NO_LSC = 1,	/* "no-lsc": PXY_NO_LSC, the phone will try its MIC */
	PTRUST_CONSOLE_EVENT_CERT,		/* "cert": PXY_CERT_CIPHER, the certificate it presents */
	PTRUST_CONSOLE_EVENT_ALERT		/* "alert": STATE_SSL3_ALERT, a TLS alert */
} ptrust_console_kind;

const char *ptrust_console_kind_name(ptrust_console_kind kind);

/* Who sent a TLS alert, seen from the phone. */
typedef enum ptrust_console_dir {
	PTRUST_CONSOLE_DIR_UNKNOWN = 0,	/* "unknown": the word was not recognised */
	PTRUST_CONSOLE_DIR_READ,	/* "read": the peer sent it, refusing the phone */
	PTRUST_CONSOLE_DIR_WRITE	/* "write": the phone sent it, refusing the peer */
} ptrust_console_dir;

const char *ptrust_console_dir_name(ptrust_console_dir dir);

/* What the log shows in the end.  Append-only. */
typedef enum ptrust_console_outcome {
	PTRUST_CONSOLE_NOTHING = 0,	/* "nothing": no line tells which certificate */
	PTRUST_CONSOLE_USED,		/* "used": presented, and no refusal follows */
	PTRUST_CONSOLE_REFUSED,		/* "refused": the peer refused the phone's certificate */
	PTRUST_CONSOLE_FAILED		/* "failed": the handshake failed for another reason */
} ptrust_console_outcome;

const char *ptrust_console_outcome_name(ptrust_console_outcome outcome);

/*
 * RFC 8446 name of a TLS alert number, e.g. "unknown_ca" for 48,
 * "protocol_version" for 70; NULL for a number without one.
 */
const char *ptrust_console_alert_name(int code);

/*
 * Read a console log: lines ending in LF, CRLF or CR, any prefix (line
 * number, level, time stamp, process) in front of the tokens, binary
 * garbage skipped.  At most 16 MiB.  Returns PTRUST_OK whenever the text
 * could be read, recognised lines or not; *log is set then, and on
 * failure too unless memory for it ran out (see ptrust_console_error).
 */
ptrust_status ptrust_console_read_mem(const void *data, size_t len,
    ptrust_console **log);
ptrust_status ptrust_console_read_file(const char *path,
    ptrust_console **log);
void ptrust_console_free(ptrust_console *log);
/* The message of a failed read ("" otherwise, "no log" for NULL). */
const char *ptrust_console_error(const ptrust_console *log);
/* Lines read. */
size_t ptrust_console_line_count(const ptrust_console *log);

/*
 * Recognised lines.  At most 1024 are kept, the most recent ones;
 * event_total counts them all.
 */
size_t ptrust_console_event_total(const ptrust_console *log);
size_t ptrust_console_event_count(const ptrust_console *log);
/* Line (from 1) of the event; 0 when index is out of range. */
size_t ptrust_console_event_line(const ptrust_console *log, size_t index);
/* 0 when index is out of range. */
ptrust_console_kind ptrust_console_event_kind(
    const ptrust_console *log, size_t index);
/*
 * The connection attempt (from 1) the event belongs to: each
 * PXY_CERT_CIPHER or PXY_NO_LSC line starts one, unless it continues the
 * attempt of the line before for the same protocol; an alert belongs to
 * the latest attempt.
 */
size_t ptrust_console_event_attempt(const ptrust_console *log,
    size_t index);
/* The certificate of the event's attempt: LSC, MIC or none (not told). */
ptrust_presented ptrust_console_event_certificate(const ptrust_console *log,
    size_t index);
/* The protocol in brackets, e.g. "SCCP"; NULL when not told. */
const char *ptrust_console_event_protocol(const ptrust_console *log,
    size_t index);
/* Where the protocol is checked; 0 when unknown, 1 with *purpose set. */
int ptrust_console_event_purpose(const ptrust_console *log, size_t index,
    ptrust_cluster_purpose *purpose);
/* "TLSv1", ... and the cipher list of a cert line; NULL when not told. */
const char *ptrust_console_event_tls_version(const ptrust_console *log,
    size_t index);
const char *ptrust_console_event_cipher(const ptrust_console *log,
    size_t index);
/* An IPv4 address (with ":port" when given) on the line, else NULL. */
const char *ptrust_console_event_peer(const ptrust_console *log,
    size_t index);
/* Alerts: RFC 8446 number (-1: not an alert, or not recognised). */
int ptrust_console_event_alert(const ptrust_console *log, size_t index);
/* Alerts: the description as logged, e.g. "unknown CA"; else NULL. */
const char *ptrust_console_event_alert_text(const ptrust_console *log,
    size_t index);
ptrust_console_dir ptrust_console_event_direction(
    const ptrust_console *log, size_t index);
/* Alerts: 1 fatal, 0 warning, -1 not told (or not an alert). */
int ptrust_console_event_fatal(const ptrust_console *log, size_t index);
/* The line from its token on, at most 200 bytes, as valid UTF-8. */
const char *ptrust_console_event_text(const ptrust_console *log,
    size_t index);

/*
 * The summary: the latest attempt of each protocol is judged, and the
 * worst of those (refused, then failed, then used) is reported, the most
 * recent on a tie.
 */
ptrust_console_outcome ptrust_console_verdict(const ptrust_console *log);
/* The attempt reported (0 when none). */
size_t ptrust_console_attempt(const ptrust_console *log);
ptrust_presented ptrust_console_certificate(const ptrust_console *log);
const char *ptrust_console_protocol(const ptrust_console *log);
int ptrust_console_purpose(const ptrust_console *log,
    ptrust_cluster_purpose *purpose);
const char *ptrust_console_tls_version(const ptrust_console *log);
const char *ptrust_console_peer(const ptrust_console *log);
/* The fatal alert that ended the attempt: number (-1: none or not
 * recognised), text (NULL: none), direction, line (0: none). */
int ptrust_console_alert(const ptrust_console *log);
const char *ptrust_console_alert_text(const ptrust_console *log);
ptrust_console_dir ptrust_console_direction(const ptrust_console *log);
size_t ptrust_console_alert_line(const ptrust_console *log);
/* Fatal alerts in the whole log by which a peer refused the certificate. */
size_t ptrust_console_refusal_count(const ptrust_console *log);
/* PTRUST_DIAG_NONE unless the verdict is refused. */
ptrust_diagnosis ptrust_console_diagnosis(const ptrust_console *log);
/* What the administrator should do; NULL unless refused or failed. */
const char *ptrust_console_fix(const ptrust_console *log);

#ifdef __cplusplus
}
#endif

#endif /* PHONETRUST_CONSOLE_H */
