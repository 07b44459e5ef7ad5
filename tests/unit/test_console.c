/*
 * Phone console logs: the lines of Cisco's Q&A (English and the
 * Portuguese translation, typed here as they are quoted, unterminated
 * bracket and Markdown escapes included), other prefixes and time stamps,
 * CRLF and CR, other languages around the same tokens, every verdict and
 * diagnosis, hostile input, argument errors, files, and out of memory at
 * every allocation.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include <phonetrust-cluster.h>
#include <phonetrust-console.h>

/* ------------------------------------------------------------ seed lines */

/* Portuguese Q&A, as quoted (the alert's bracket is never closed). */
#define PT_CERT "3469 N\xc3\x83O 00:01:31.935298 SECD: -PXY_CERT_CIPHER: " \
	"[SCCP], [TLSv1], cert [LSC], cifra [AES256-SHA:AES128-SHA]"
#define PT_ALERT "3486 ERRO 00:01:31.938954 SECD: -STATE_SSL3_ALERT: " \
	"Alerta SSL3 [lido]:[fatal]:[CA desconhecida"
#define PT_NO_LSC_1 "SEGUNDO: -PXY_NO_LSC: Nenhum LSC para [SCCP], " \
	"tentar\xc3\xa1 o MIC"
#define PT_CERT_SHORT "SEGUNDO: -PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [LSC]"
/* outside a code block, Markdown escaped the underscores */
#define PT_NO_LSC_2 "4878 AVI 15:47:34.756063 SECD: -PXY\\_NO\\_LSC: Sem " \
	"LSC para [SCCP], tenta MIC."
/* the English original */
#define EN_CERT "3469 NOT 00:01:31.935298 SECD: -PXY_CERT_CIPHER: [SCCP], " \
	"[TLSv1], cert [LSC], cipher [AES256-SHA:AES128-SHA]"
#define EN_ALERT "3486 ERR 00:01:31.938954 SECD: -STATE_SSL3_ALERT: SSL3 " \
	"alert [read]:[fatal]:[unknown CA"
#define EN_NO_LSC "4878 WRN 15:47:34.756063 SECD: -PXY_NO_LSC: No LSC for " \
	"[SCCP], tries MIC."

/* ------------------------------------------------------------ helpers */

static ptrust_console *
must_read(const char *text)
{
	ptrust_console *log = NULL;

	assert_int_equal(ptrust_console_read_mem(text, strlen(text), &log),
	    PTRUST_OK);
	assert_non_null(log);
	assert_string_equal(ptrust_console_error(log), "");
	return log;
}

static int
contains(const char *s, const char *w)
{
	return s != NULL && strstr(s, w) != NULL;
}

/* The seed's refusal: LSC for SCCP, refused with unknown CA. */
static void
check_lsc_refused(const ptrust_console *log, size_t cert_line,
    size_t alert_line)
{
	ptrust_cluster_purpose p = PTRUST_CLUSTER_VPN;

	assert_int_equal(ptrust_console_event_count(log), 2);
	assert_int_equal(ptrust_console_event_kind(log, 0),
	    PTRUST_CONSOLE_EVENT_CERT);
	assert_int_equal(ptrust_console_event_line(log, 0), cert_line);
	assert_int_equal(ptrust_console_event_certificate(log, 0),
	    PTRUST_PRESENTED_LSC);
	assert_string_equal(ptrust_console_event_protocol(log, 0), "SCCP");
	assert_string_equal(ptrust_console_event_tls_version(log, 0),
	    "TLSv1");
	assert_string_equal(ptrust_console_event_cipher(log, 0),
	    "AES256-SHA:AES128-SHA");
	assert_null(ptrust_console_event_peer(log, 0));
	assert_int_equal(ptrust_console_event_alert(log, 0), -1);
	assert_true(strncmp(ptrust_console_event_text(log, 0),
	    "PXY_CERT_CIPHER: [SCCP]", 23) == 0);

	assert_int_equal(ptrust_console_event_kind(log, 1),
	    PTRUST_CONSOLE_EVENT_ALERT);
	assert_int_equal(ptrust_console_event_line(log, 1), alert_line);
	assert_int_equal(ptrust_console_event_alert(log, 1), 48);
	assert_int_equal(ptrust_console_event_direction(log, 1),
	    PTRUST_CONSOLE_DIR_READ);
	assert_int_equal(ptrust_console_event_fatal(log, 1), 1);
	assert_int_equal(ptrust_console_event_certificate(log, 1),
	    PTRUST_PRESENTED_LSC);
	assert_int_equal(ptrust_console_event_attempt(log, 0),
	    ptrust_console_event_attempt(log, 1));

	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_REFUSED);
	assert_int_equal(ptrust_console_certificate(log),
	    PTRUST_PRESENTED_LSC);
	assert_string_equal(ptrust_console_protocol(log), "SCCP");
	assert_int_equal(ptrust_console_purpose(log, &p), 1);
	assert_int_equal(p, PTRUST_CLUSTER_CALLMANAGER_TLS);
	assert_string_equal(ptrust_console_tls_version(log), "TLSv1");
	assert_int_equal(ptrust_console_alert(log), 48);
	assert_int_equal(ptrust_console_direction(log),
	    PTRUST_CONSOLE_DIR_READ);
	assert_int_equal(ptrust_console_alert_line(log), alert_line);
	assert_int_equal(ptrust_console_refusal_count(log), 1);
	assert_int_equal(ptrust_console_diagnosis(log),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	/* the Q&A's fixes, in the words diagnose.c uses */
	assert_true(contains(ptrust_console_fix(log), "non-secure device "
	    "security profile"));
	assert_true(contains(ptrust_console_fix(log), "delete its LSC"));
	assert_true(contains(ptrust_console_fix(log), "import the old CAPF "
	    "certificate into CallManager-trust"));
}

/* ----------------------------------------------------- the seed's lines */

static void
seed_portuguese_lsc_refused(void **state)
{
	ptrust_console *log = must_read(PT_CERT "\n" PT_ALERT "\n");

	(void)state;
	check_lsc_refused(log, 1, 2);
	assert_string_equal(ptrust_console_event_alert_text(log, 1),
	    "CA desconhecida");
	assert_string_equal(ptrust_console_alert_text(log), "CA desconhecida");
	assert_int_equal(ptrust_console_line_count(log), 2);
	ptrust_console_free(log);
}

static void
seed_english_lsc_refused(void **state)
{
	ptrust_console *log = must_read("boot\n" EN_CERT "\nnoise\n" EN_ALERT);

	(void)state;
	check_lsc_refused(log, 2, 4);
	assert_string_equal(ptrust_console_event_alert_text(log, 1),
	    "unknown CA");
	assert_int_equal(ptrust_console_line_count(log), 4);
	ptrust_console_free(log);
}

static void
seed_no_lsc_uses_mic(void **state)
{
	ptrust_console *log = must_read(PT_NO_LSC_1 "\n" PT_NO_LSC_2 "\n"
	    EN_NO_LSC "\n");
	size_t i;

	(void)state;
	assert_int_equal(ptrust_console_event_count(log), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ptrust_console_event_kind(log, i),
		    PTRUST_CONSOLE_EVENT_NO_LSC);
		assert_int_equal(ptrust_console_event_line(log, i), i + 1);
		assert_int_equal(ptrust_console_event_certificate(log, i),
		    PTRUST_PRESENTED_MIC);
		assert_string_equal(ptrust_console_event_protocol(log, i),
		    "SCCP");
		assert_int_equal(ptrust_console_event_attempt(log, i), i + 1);
	}
	assert_true(strncmp(ptrust_console_event_text(log, 1),
	    "PXY\\_NO\\_LSC:", 13) == 0);
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_USED);
	assert_int_equal(ptrust_console_certificate(log),
	    PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_console_attempt(log), 3);
	assert_int_equal(ptrust_console_diagnosis(log), PTRUST_DIAG_NONE);
	assert_null(ptrust_console_fix(log));
	assert_int_equal(ptrust_console_alert(log), -1);
	assert_null(ptrust_console_alert_text(log));
	assert_int_equal(ptrust_console_alert_line(log), 0);
	ptrust_console_free(log);
}

static void
seed_lsc_used(void **state)
{
	ptrust_console *log = must_read(PT_CERT_SHORT);

	(void)state;
	assert_int_equal(ptrust_console_event_count(log), 1);
	assert_null(ptrust_console_event_cipher(log, 0));
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_USED);
	assert_int_equal(ptrust_console_certificate(log),
	    PTRUST_PRESENTED_LSC);
	assert_null(ptrust_console_fix(log));
	ptrust_console_free(log);
}

/* ------------------------------------------------- prefixes and line ends */

static void
other_prefixes_and_time_stamps(void **state)
{
	static const char *const prefixes[] = {
		"",
		"Nov 26 17:48:01 SEP001122334455 secd[214]: ",
		"2026-11-26T17:48:01.123456+01:00 <11> ",
		"[26/11/2026 17:48:01,123] ERR ",
		"1764175681.935298|7|",
		"\t  ",
	};
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		ptrust_console *log;

		snprintf(buf, sizeof(buf), "%s-PXY_CERT_CIPHER: [SCCP], "
		    "[TLSv1], cert [LSC], cipher [AES256-SHA:AES128-SHA]\n"
		    "%s-STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:"
		    "[unknown CA]\n", prefixes[i], prefixes[i]);
		log = must_read(buf);
		check_lsc_refused(log, 1, 2);
		ptrust_console_free(log);
	}
}

static void
crlf_and_cr(void **state)
{
	ptrust_console *log;

	(void)state;
	log = must_read(EN_CERT "\r\n\r\n" EN_ALERT "\r\n");
	check_lsc_refused(log, 1, 3);
	/* the CR is not part of the last field */
	assert_string_equal(ptrust_console_event_alert_text(log, 1),
	    "unknown CA");
	assert_int_equal(ptrust_console_line_count(log), 3);
	ptrust_console_free(log);

	log = must_read(EN_CERT "\r" EN_ALERT "\r");
	check_lsc_refused(log, 1, 2);
	ptrust_console_free(log);
}

/* ------------------------------------------------------ other languages */

static void
other_languages(void **state)
{
	static const struct {
		const char *alert;
		int code;
		ptrust_console_dir dir;
		int fatal;
	} cases[] = {
		{ "SSL3-Warnmeldung [gelesen]:[schwerwiegend]:[Unbekannte CA]",
		    48, PTRUST_CONSOLE_DIR_READ, 1 },
		{ "Alerta SSL3 [le\xc3\xad" "do]:[fatal]:[CA desconocida]",
		    48, PTRUST_CONSOLE_DIR_READ, 1 },
		{ "Alerte SSL3 [lu]:[fatale]:[AC inconnue]", 48,
		    PTRUST_CONSOLE_DIR_READ, 1 },
		{ "Avviso SSL3 [letto]:[fatale]:[CA sconosciuta]", 48,
		    PTRUST_CONSOLE_DIR_READ, 1 },
		{ "Alerta SSL3 [lido]:[fatal]:[certificado expirado]", 45,
		    PTRUST_CONSOLE_DIR_READ, 1 },
		{ "Alerte SSL3 [lu]:[fatale]:[certificat r\xc3\xa9voqu\xc3\xa9]",
		    44, PTRUST_CONSOLE_DIR_READ, 1 },
		{ "Alerta SSL3 [lido]:[fatal]:[certificado inv\xc3\xa1lido]",
		    42, PTRUST_CONSOLE_DIR_READ, 1 },
		{ "Alerta SSL3 [gravado]:[fatal]:[CA desconhecida]", 48,
		    PTRUST_CONSOLE_DIR_WRITE, 1 },
		{ "SSL3-Warnmeldung [gelesen]:[schwerwiegend]:"
		    "[Protokollversion]", 70, PTRUST_CONSOLE_DIR_READ, 1 },
		{ "Alerta SSL3 [lido]:[fatal]:[vers\xc3\xa3o do protocolo]", 70,
		    PTRUST_CONSOLE_DIR_READ, 1 },
		{ "SSL3 alert [read]:[fatal]:[unknown_ca]", 48,
		    PTRUST_CONSOLE_DIR_READ, 1 },
		{ "SSL3 alert [read]:[fatal]:[alert 45]", 45,
		    PTRUST_CONSOLE_DIR_READ, 1 },
		{ "SSL3 alert [read]:[warning]:[close notify]", 0,
		    PTRUST_CONSOLE_DIR_READ, 0 },
		{ "SSL3 alert read:fatal:unknown CA", 48,
		    PTRUST_CONSOLE_DIR_READ, 1 },
		{ "SSL3 alert write:fatal:certificate expired", 45,
		    PTRUST_CONSOLE_DIR_WRITE, 1 },
		{ "SSL3 alert [??]:[??]:[??]", -1, PTRUST_CONSOLE_DIR_UNKNOWN,
		    -1 },
	};
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ptrust_console *log;

		snprintf(buf, sizeof(buf), "SECD: -PXY_CERT_CIPHER: [SIP], "
		    "[TLSv1.2], Zert [LSC], Chiffre [ECDHE-RSA-AES128-GCM-"
		    "SHA256]\nSECD: -STATE_SSL3_ALERT: %s\n", cases[i].alert);
		log = must_read(buf);
		assert_int_equal(ptrust_console_event_count(log), 2);
		assert_int_equal(ptrust_console_event_certificate(log, 0),
		    PTRUST_PRESENTED_LSC);
		assert_string_equal(ptrust_console_event_protocol(log, 0),
		    "SIP");
		if (ptrust_console_event_alert(log, 1) != cases[i].code ||
		    ptrust_console_event_direction(log, 1) != cases[i].dir ||
		    ptrust_console_event_fatal(log, 1) != cases[i].fatal)
			fail_msg("%s: alert %d dir %d fatal %d", cases[i].alert,
			    ptrust_console_event_alert(log, 1),
			    ptrust_console_event_direction(log, 1),
			    ptrust_console_event_fatal(log, 1));
		ptrust_console_free(log);
	}
}

/* ------------------------------------------------------------- verdicts */

static void
mic_accepted(void **state)
{
	ptrust_console *log = must_read(
	    "SECD: -PXY_NO_LSC: No LSC for [SIP], will try MIC\n"
	    "SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], cert [MIC], "
	    "cipher [AES128-SHA] to [10.0.0.5:5061]\n"
	    "SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[warning]:"
	    "[close notify]\n");

	(void)state;
	assert_int_equal(ptrust_console_event_count(log), 3);
	/* one attempt: "will try MIC", then the MIC */
	assert_int_equal(ptrust_console_event_attempt(log, 0), 1);
	assert_int_equal(ptrust_console_event_attempt(log, 1), 1);
	assert_int_equal(ptrust_console_event_attempt(log, 2), 1);
	assert_string_equal(ptrust_console_event_peer(log, 1),
	    "10.0.0.5:5061");
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_USED);
	assert_int_equal(ptrust_console_certificate(log),
	    PTRUST_PRESENTED_MIC);
	assert_string_equal(ptrust_console_peer(log), "10.0.0.5:5061");
	assert_string_equal(ptrust_console_tls_version(log), "TLSv1.2");
	assert_int_equal(ptrust_console_alert(log), -1);
	assert_int_equal(ptrust_console_refusal_count(log), 0);
	assert_int_equal(ptrust_console_diagnosis(log), PTRUST_DIAG_NONE);
	assert_null(ptrust_console_fix(log));
	ptrust_console_free(log);
}

static void
mic_refused_unknown_ca(void **state)
{
	ptrust_console *log = must_read(
	    "SECD: -PXY_NO_LSC: No LSC for [SCCP], will try MIC\n"
	    "SECD: -PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [MIC]\n"
	    "SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:"
	    "[unknown CA]\n");

	(void)state;
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_REFUSED);
	assert_int_equal(ptrust_console_certificate(log),
	    PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_console_diagnosis(log),
	    PTRUST_DIAG_INVALID_MIC);
	assert_true(contains(ptrust_console_fix(log), "manufacturing CA"));
	assert_true(contains(ptrust_console_fix(log), "CallManager-trust"));
	ptrust_console_free(log);
}

static void
expired(void **state)
{
	ptrust_console *log;

	(void)state;
	log = must_read("SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], cert "
	    "[LSC]\nSECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:"
	    "[certificate expired]\n");
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_REFUSED);
	assert_int_equal(ptrust_console_alert(log), 45);
	assert_int_equal(ptrust_console_diagnosis(log),
	    PTRUST_DIAG_LSC_EXPIRED);
	assert_true(contains(ptrust_console_fix(log), "Install/Upgrade"));
	ptrust_console_free(log);

	log = must_read("SECD: -PXY_NO_LSC: No LSC for [SIP], will try MIC\n"
	    "SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:"
	    "[certificate expired]\n");
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_REFUSED);
	assert_int_equal(ptrust_console_certificate(log),
	    PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_console_diagnosis(log),
	    PTRUST_DIAG_MIC_EXPIRED);
	assert_true(contains(ptrust_console_fix(log), "never renewed"));
	ptrust_console_free(log);
}

static void
capf_lsc_refused(void **state)
{
	ptrust_console *log = must_read(
	    "SECD: -PXY_CERT_CIPHER: [CAPF], [TLSv1.2], cert [LSC]\n"
	    "SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:"
	    "[unknown CA]\n");
	ptrust_cluster_purpose p = PTRUST_CLUSTER_VPN;

	(void)state;
	assert_int_equal(ptrust_console_purpose(log, &p), 1);
	assert_int_equal(p, PTRUST_CLUSTER_CAPF);
	assert_int_equal(ptrust_console_diagnosis(log),
	    PTRUST_DIAG_INVALID_LSC);
	assert_true(contains(ptrust_console_fix(log), "Invalid LSC"));
	assert_true(contains(ptrust_console_fix(log), "By Null String"));
	ptrust_console_free(log);
}

static void
phone_refused_the_server(void **state)
{
	ptrust_console *log = must_read(EN_CERT "\nSECD: -STATE_SSL3_ALERT: "
	    "SSL3 alert [write]:[fatal]:[unknown CA]\n");

	(void)state;
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_FAILED);
	assert_int_equal(ptrust_console_direction(log),
	    PTRUST_CONSOLE_DIR_WRITE);
	assert_int_equal(ptrust_console_refusal_count(log), 0);
	/* not the phone's certificate: no diagnosis of it */
	assert_int_equal(ptrust_console_diagnosis(log), PTRUST_DIAG_NONE);
	assert_true(contains(ptrust_console_fix(log), "ITL"));
	ptrust_console_free(log);
}

static void
handshake_failure_and_unknown_direction(void **state)
{
	ptrust_console *log;

	(void)state;
	log = must_read(EN_CERT "\nSECD: -STATE_SSL3_ALERT: SSL3 alert "
	    "[read]:[fatal]:[handshake failure]\n");
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_FAILED);
	assert_int_equal(ptrust_console_alert(log), 40);
	assert_int_equal(ptrust_console_diagnosis(log), PTRUST_DIAG_NONE);
	assert_true(contains(ptrust_console_fix(log), "TLS 1.0"));
	assert_true(contains(ptrust_console_fix(log), "TLSv1"));
	ptrust_console_free(log);

	/* who sent it is not known: no guess at the phone's certificate */
	log = must_read(EN_CERT "\nSECD: -STATE_SSL3_ALERT: SSL3 [x]:[fatal]:"
	    "[unknown CA]\n");
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_FAILED);
	assert_int_equal(ptrust_console_direction(log),
	    PTRUST_CONSOLE_DIR_UNKNOWN);
	assert_int_equal(ptrust_console_diagnosis(log), PTRUST_DIAG_NONE);
	assert_true(contains(ptrust_console_fix(log), "not recognised"));
	ptrust_console_free(log);

	/* a description nobody knows */
	log = must_read(EN_CERT "\nSECD: -STATE_SSL3_ALERT: SSL3 alert "
	    "[read]:[fatal]:[frobnicated]\n");
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_FAILED);
	assert_int_equal(ptrust_console_alert(log), -1);
	assert_string_equal(ptrust_console_alert_text(log), "frobnicated");
	assert_true(contains(ptrust_console_fix(log), "\"frobnicated\""));
	ptrust_console_free(log);
}

static void
alert_without_certificate_line(void **state)
{
	ptrust_console *log = must_read(EN_ALERT "\n");

	(void)state;
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_REFUSED);
	assert_int_equal(ptrust_console_certificate(log),
	    PTRUST_PRESENTED_NONE);
	assert_null(ptrust_console_protocol(log));
	assert_int_equal(ptrust_console_purpose(log, NULL), 0);
	assert_int_equal(ptrust_console_diagnosis(log),
	    PTRUST_DIAG_UNTRUSTED_CERTIFICATE);
	assert_true(contains(ptrust_console_fix(log), "does not show"));
	ptrust_console_free(log);
}

static void
later_attempt_and_other_protocols(void **state)
{
	ptrust_console *log;
	ptrust_cluster_purpose p = PTRUST_CLUSTER_VPN;

	(void)state;
	/* the LSC refused, deleted, then the MIC: the MIC is what counts */
	log = must_read(EN_CERT "\n" EN_ALERT "\n" EN_NO_LSC "\n"
	    "SECD: -PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [MIC]\n");
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_USED);
	assert_int_equal(ptrust_console_certificate(log),
	    PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_console_attempt(log), 2);
	assert_int_equal(ptrust_console_event_attempt(log, 3), 2);
	assert_int_equal(ptrust_console_refusal_count(log), 1);
	ptrust_console_free(log);

	/* refused on SIP, then 802.1x fine: the refusal is reported */
	log = must_read("SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], cert "
	    "[LSC]\n" EN_ALERT "\nSECD: -PXY_CERT_CIPHER: [802.1X], "
	    "[TLSv1.2], cert [LSC]\n");
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_REFUSED);
	assert_string_equal(ptrust_console_protocol(log), "SIP");
	assert_int_equal(ptrust_console_attempt(log), 1);
	assert_int_equal(ptrust_console_diagnosis(log),
	    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
	ptrust_console_free(log);

	/* two protocols, both fine: the most recent is reported */
	log = must_read("SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], cert "
	    "[LSC]\nSECD: -PXY_CERT_CIPHER: [802.1X], [TLSv1.2], cert "
	    "[MIC]\n");
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_USED);
	assert_string_equal(ptrust_console_protocol(log), "802.1X");
	assert_int_equal(ptrust_console_certificate(log),
	    PTRUST_PRESENTED_MIC);
	assert_int_equal(ptrust_console_purpose(log, &p), 1);
	assert_int_equal(p, PTRUST_CLUSTER_8021X);
	ptrust_console_free(log);
}

/* ------------------------------------------------------ hostile input */

/* Deterministic bytes (xorshift), so that a failure can be reproduced. */
static void
fill_random(unsigned char *buf, size_t len, unsigned long seed)
{
	unsigned long x = seed;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)(x >> 11);
	}
}

static void
garbage(void **state)
{
	const size_t len = 4u * 1024 * 1024;
	unsigned char *buf = malloc(len);
	ptrust_console *log = NULL;
	size_t i, lines = 0, at = len / 2;

	(void)state;
	assert_non_null(buf);
	fill_random(buf, len, 0x2545F4914F6CDD1DUL);
	assert_int_equal(ptrust_console_read_mem(buf, len, &log), PTRUST_OK);
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_NOTHING);
	assert_null(ptrust_console_fix(log));
	ptrust_console_free(log);

	/* a real line in the middle of the junk is found, at its line */
	buf[at - 1] = '\n';
	memcpy(buf + at, EN_ALERT "\n", strlen(EN_ALERT) + 1);
	for (i = 0; i < at; i++)
		if (buf[i] == '\n' || (buf[i] == '\r' && buf[i + 1] != '\n'))
			lines++;
	assert_int_equal(ptrust_console_read_mem(buf, len, &log), PTRUST_OK);
	assert_true(ptrust_console_event_total(log) >= 1);
	for (i = 0; i < ptrust_console_event_count(log); i++)
		if (ptrust_console_event_line(log, i) == lines + 1)
			break;
	assert_true(i < ptrust_console_event_count(log));
	assert_int_equal(ptrust_console_event_alert(log, i), 48);
	ptrust_console_free(log);
	free(buf);

	/* tokens only count as words of their own */
	log = must_read("XPXY_NO_LSC: [SCCP]\nPXY_NO_LSCX [SCCP]\n"
	    "STATE_SSL3_ALERTS [read]:[fatal]:[unknown CA]\n"
	    "pxy_no_lsc [SCCP]\n");
	assert_int_equal(ptrust_console_event_total(log), 0);
	assert_int_equal(ptrust_console_line_count(log), 4);
	ptrust_console_free(log);
}

static void
long_lines_and_bad_bytes(void **state)
{
	const size_t pad = 3u * 1024 * 1024;
	char *buf = malloc(pad + 4096);
	ptrust_console *log;
	const char *s;
	size_t n, i;

	(void)state;
	assert_non_null(buf);
	/* a 3 MiB prefix, then the token, then a field far too long */
	memset(buf, 'x', pad);
	buf[pad - 1] = ' ';
	n = pad;
	n += (size_t)sprintf(buf + n, "-PXY_CERT_CIPHER: [");
	memset(buf + n, 'P', 1000);
	n += 1000;
	n += (size_t)sprintf(buf + n, "], [TLSv1], cert [LSC], cipher "
	    "[\xff\xfe\x01\xc3\xa9t\xc3]\n");
	log = must_read(buf);
	assert_int_equal(ptrust_console_event_count(log), 1);
	assert_int_equal(ptrust_console_event_certificate(log, 0),
	    PTRUST_PRESENTED_LSC);
	assert_int_equal(strlen(ptrust_console_event_protocol(log, 0)), 64);
	assert_true(strlen(ptrust_console_event_text(log, 0)) <= 200);
	/* invalid UTF-8 and control characters become '?', valid stays */
	s = ptrust_console_event_cipher(log, 0);
	assert_string_equal(s, "???\xc3\xa9t?");
	ptrust_console_free(log);

	/* a long field of two-byte characters is cut between characters */
	n = (size_t)sprintf(buf, "-PXY_NO_LSC: [");
	for (i = 0; i < 300; i++)
		n += (size_t)sprintf(buf + n, "\xc3\xa9");
	sprintf(buf + n, "]\n");
	log = must_read(buf);
	s = ptrust_console_event_protocol(log, 0);
	assert_int_equal(strlen(s), 64);
	assert_memory_equal(s + 62, "\xc3\xa9", 2);
	/* "PXY_NO_LSC: [" and 93 of them: a 94th would pass 200 bytes */
	assert_int_equal(strlen(ptrust_console_event_text(log, 0)), 199);
	assert_int_equal(ptrust_console_event_certificate(log, 0),
	    PTRUST_PRESENTED_MIC);
	ptrust_console_free(log);
	free(buf);
}

static void
event_cap_keeps_the_latest(void **state)
{
	const size_t n = 3000;
	char *buf = malloc(n * 64);
	ptrust_console *log;
	size_t i, o = 0;

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < n; i++)
		o += (size_t)sprintf(buf + o, "-PXY_NO_LSC: [P%zu]\n", i % 40);
	log = must_read(buf);
	assert_int_equal(ptrust_console_event_total(log), n);
	assert_int_equal(ptrust_console_event_count(log), 1024);
	assert_int_equal(ptrust_console_event_line(log, 0), n - 1024 + 1);
	assert_int_equal(ptrust_console_event_line(log, 1023), n);
	assert_int_equal(ptrust_console_event_line(log, 1024), 0);
	assert_int_equal(ptrust_console_event_attempt(log, 1023), n);
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_USED);
	ptrust_console_free(log);
	free(buf);
}

static void
empty_input(void **state)
{
	ptrust_console *log = NULL;

	(void)state;
	assert_int_equal(ptrust_console_read_mem(NULL, 0, &log), PTRUST_OK);
	assert_int_equal(ptrust_console_line_count(log), 0);
	assert_int_equal(ptrust_console_event_total(log), 0);
	assert_int_equal(ptrust_console_verdict(log), PTRUST_CONSOLE_NOTHING);
	assert_int_equal(ptrust_console_attempt(log), 0);
	ptrust_console_free(log);
	log = must_read("\n\n\r\n");
	assert_int_equal(ptrust_console_line_count(log), 3);
	assert_int_equal(ptrust_console_event_count(log), 0);
	ptrust_console_free(log);
}

/* ------------------------------------------------- arguments and files */

static void
argument_errors(void **state)
{
	static const char small[] = "x";
	ptrust_console *log = (ptrust_console *)1;

	(void)state;
	assert_int_equal(ptrust_console_read_mem("x", 1, NULL),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_console_read_file("/dev/null", NULL),
	    PTRUST_ERR_ARG);
	assert_int_equal(ptrust_console_read_mem(NULL, 5, &log),
	    PTRUST_ERR_ARG);
	assert_non_null(log);
	assert_string_equal(ptrust_console_error(log), "no data");
	ptrust_console_free(log);
	/* the size is refused before a byte is read */
	assert_int_equal(ptrust_console_read_mem(small,
	    16u * 1024 * 1024 + 1, &log), PTRUST_ERR_ARG);
	assert_true(contains(ptrust_console_error(log), "too large"));
	assert_int_equal(ptrust_console_event_count(log), 0);
	ptrust_console_free(log);
	assert_int_equal(ptrust_console_read_file(NULL, &log),
	    PTRUST_ERR_ARG);
	assert_string_equal(ptrust_console_error(log), "no path");
	ptrust_console_free(log);

	/* NULL and out of range */
	ptrust_console_free(NULL);
	assert_string_equal(ptrust_console_error(NULL), "no log");
	assert_int_equal(ptrust_console_event_count(NULL), 0);
	assert_int_equal(ptrust_console_event_line(NULL, 0), 0);
	assert_int_equal(ptrust_console_event_kind(NULL, 0), 0);
	assert_null(ptrust_console_event_text(NULL, 0));
	assert_int_equal(ptrust_console_event_alert(NULL, 0), -1);
	assert_int_equal(ptrust_console_verdict(NULL), PTRUST_CONSOLE_NOTHING);
	assert_int_equal(ptrust_console_diagnosis(NULL), PTRUST_DIAG_NONE);
	assert_null(ptrust_console_fix(NULL));
	log = must_read(EN_CERT);
	assert_int_equal(ptrust_console_event_line(log, 1), 0);
	assert_null(ptrust_console_event_protocol(log, 1));
	assert_int_equal(ptrust_console_event_purpose(log, 1, NULL), 0);
	assert_int_equal(ptrust_console_event_fatal(log, 0), -1);
	assert_null(ptrust_console_event_alert_text(log, 0));
	ptrust_console_free(log);

	/* names */
	assert_string_equal(ptrust_console_kind_name(
	    PTRUST_CONSOLE_EVENT_NO_LSC), "no-lsc");
	assert_string_equal(ptrust_console_kind_name(
	    PTRUST_CONSOLE_EVENT_ALERT), "alert");
	assert_null(ptrust_console_kind_name((ptrust_console_kind)0));
	assert_string_equal(ptrust_console_dir_name(PTRUST_CONSOLE_DIR_WRITE),
	    "write");
	assert_string_equal(ptrust_console_outcome_name(
	    PTRUST_CONSOLE_REFUSED), "refused");
	assert_null(ptrust_console_outcome_name((ptrust_console_outcome)99));
	assert_string_equal(ptrust_console_alert_name(48), "unknown_ca");
	assert_string_equal(ptrust_console_alert_name(70), "protocol_version");
	assert_null(ptrust_console_alert_name(-1));
	assert_null(ptrust_console_alert_name(255));
}

static void
from_file(void **state)
{
	char *dir = test_tmpdir(), path[4096];
	ptrust_console *log = NULL;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/console.log", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(PT_CERT "\r\n" PT_ALERT "\r\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(ptrust_console_read_file(path, &log), PTRUST_OK);
	check_lsc_refused(log, 1, 2);
	ptrust_console_free(log);

	assert_int_equal(ptrust_console_read_file(dir, &log), PTRUST_ERR_IO);
	assert_true(contains(ptrust_console_error(log), "not a regular file"));
	ptrust_console_free(log);
	snprintf(path, sizeof(path), "%s/missing.log", dir);
	assert_int_equal(ptrust_console_read_file(path, &log), PTRUST_ERR_IO);
	assert_true(contains(ptrust_console_error(log), "missing.log"));
	assert_int_equal(ptrust_console_event_count(log), 0);
	ptrust_console_free(log);
	test_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------- out of memory */

static void
out_of_memory(void **state)
{
	char *text = malloc(64 * 256), *dir = test_tmpdir(), path[4096];
	size_t o = 0, i;
	long k, failures;
	int which;
	FILE *f;

	(void)state;
	assert_non_null(text);
	/* enough events for the array to grow a few times */
	for (i = 0; i < 40; i++)
		o += (size_t)sprintf(text + o, "%s\n", i % 2 ? EN_NO_LSC :
		    "SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], cert [LSC]");
	o += (size_t)sprintf(text + o, "%s\n%s\n", EN_CERT, EN_ALERT);
	snprintf(path, sizeof(path), "%s/oom.log", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);

	for (which = 0; which < 2; which++) {
		failures = 0;
		for (k = 1; k < 10000; k++) {
			ptrust_console *log = NULL;
			ptrust_status st;
			int reached;

			test_oom_fail_at(k);
			st = which == 0 ? ptrust_console_read_mem(text, o,
			    &log) : ptrust_console_read_file(path, &log);
			reached = test_oom_stop();
			if (st != PTRUST_OK) {
				failures++;
				assert_int_equal(st, PTRUST_ERR_NOMEM);
				if (log != NULL) {
					assert_true(strlen(
					    ptrust_console_error(log)) > 0);
					/* nothing half-read is left */
					assert_int_equal(
					    ptrust_console_event_count(log), 0);
					assert_int_equal(
					    ptrust_console_verdict(log),
					    PTRUST_CONSOLE_NOTHING);
					assert_null(ptrust_console_fix(log));
				}
			} else {
				assert_int_equal(ptrust_console_verdict(log),
				    PTRUST_CONSOLE_REFUSED);
				assert_int_equal(ptrust_console_diagnosis(log),
				    PTRUST_DIAG_LSC_FROM_OTHER_CLUSTER);
			}
			ptrust_console_free(log);
			if (!reached)
				break;
		}
		/* object, event array growing 16 -> 32 -> 64, fix (+ file) */
		assert_true(failures >= 4);
		assert_true(k < 10000);
	}
	free(text);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_portuguese_lsc_refused),
		cmocka_unit_test(seed_english_lsc_refused),
		cmocka_unit_test(seed_no_lsc_uses_mic),
		cmocka_unit_test(seed_lsc_used),
		cmocka_unit_test(other_prefixes_and_time_stamps),
		cmocka_unit_test(crlf_and_cr),
		cmocka_unit_test(other_languages),
		cmocka_unit_test(mic_accepted),
		cmocka_unit_test(mic_refused_unknown_ca),
		cmocka_unit_test(expired),
		cmocka_unit_test(capf_lsc_refused),
		cmocka_unit_test(phone_refused_the_server),
		cmocka_unit_test(handshake_failure_and_unknown_direction),
		cmocka_unit_test(alert_without_certificate_line),
		cmocka_unit_test(later_attempt_and_other_protocols),
		cmocka_unit_test(garbage),
		cmocka_unit_test(long_lines_and_bad_bytes),
		cmocka_unit_test(event_cap_keeps_the_latest),
		cmocka_unit_test(empty_input),
		cmocka_unit_test(argument_errors),
		cmocka_unit_test(from_file),
		cmocka_unit_test(out_of_memory),
	};

	test_oom_hook();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
