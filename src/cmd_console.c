/*
 * phonetrust console: what a phone's console log says about its own
 * certificate -- which one it presented (LSC, MIC), for which protocol,
 * whether the other end refused it and why -- with the diagnosis and the
 * fix.  Exit 0 when the log shows no failure (a certificate used, or no
 * line about one), 1 when it shows the phone's certificate refused or
 * the handshake failed otherwise, 2 when the input is unusable: missing,
 * not a regular file, over 16 MiB, empty, or binary data holding no
 * console line.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-console.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "output.h"
#include "verdict.h"

/* Events the human output lists, the most recent ones. */
#define CONSOLE_SHOW	50

static void
console_usage(FILE *f)
{
	fprintf(f, "usage: phonetrust console [--json] LOGFILE\n"
	    "  what a Cisco IP phone's console log says about its certificate: "
	    "the\n  PXY_NO_LSC, PXY_CERT_CIPHER and STATE_SSL3_ALERT lines of "
	    "its security\n  daemon (any prefix, any console language), which "
	    "certificate it presented\n  (LSC or MIC) for which protocol, "
	    "whether the server refused it, and the fix\n"
	    "  (- reads standard input)\n"
	    "  exit: 0 no failure shown, 1 certificate refused or handshake "
	    "failed,\n        2 unusable input\n");
}

static const char *
cert_name(ptrust_presented p)
{
	switch (p) {
	case PTRUST_PRESENTED_LSC:	return "LSC";
	case PTRUST_PRESENTED_MIC:	return "MIC";
	case PTRUST_PRESENTED_NONE:	break;
	}
	return NULL;
}

/* Whether data looks like binary rather than a log: NULs or much control. */
static int
looks_binary(const unsigned char *data, size_t len)
{
	size_t i, ctl = 0;

	for (i = 0; i < len; i++) {
		if (data[i] == '\0')
			return 1;
		if ((data[i] < 0x20 && data[i] != '\n' && data[i] != '\r' &&
		    data[i] != '\t' && data[i] != '\f' && data[i] != 0x1b) ||
		    data[i] == 0x7f)
			ctl++;
	}
	return ctl > len / 20;
}

static int
only_blanks(const unsigned char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n\f\v", data[i]) == NULL || data[i] == '\0')
			return 0;
	return 1;
}

/* The other end, in words: the address when the log gave one. */
static const char *
server_words(const ptrust_console *log)
{
	ptrust_cluster_purpose purpose;

	if (ptrust_console_peer(log) != NULL)
		return ptrust_console_peer(log);
	if (!ptrust_console_purpose(log, &purpose))
		return "the server";
	switch (purpose) {
	case PTRUST_CLUSTER_CALLMANAGER_TLS:	return "CallManager";
	case PTRUST_CLUSTER_CAPF:		return "CAPF";
	case PTRUST_CLUSTER_8021X:		return "the 802.1x server";
	case PTRUST_CLUSTER_VPN:		return "the ASA (VPN)";
	}
	return "the server";
}

/* " (SCCP, TLSv1)", or "" when the log told neither. */
static void
details(const ptrust_console *log, char *buf, size_t len)
{
	const char *p = ptrust_console_protocol(log);
	const char *v = ptrust_console_tls_version(log);

	if (p == NULL && v == NULL)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, " (%s%s%s)", p != NULL ? p : "",
		    p != NULL && v != NULL ? ", " : "", v != NULL ? v : "");
}

/* "unknown CA", or the words as logged when not recognised. */
static void
alert_words(int code, const char *text, char *buf, size_t len)
{
	const char *name = ptrust_console_alert_name(code);
	size_t i;

	if (name == NULL) {
		snprintf(buf, len, "\"%s\"", text != NULL ? text : "?");
		return;
	}
	snprintf(buf, len, "%s", code == 48 ? "unknown CA" : name);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '_')
			buf[i] = ' ';
}

static void
print_verdict(const ptrust_console *log, const char *file)
{
	const char *cert = cert_name(ptrust_console_certificate(log));
	const char *who = server_words(log);
	char det[160], alert[160];

	details(log, det, sizeof(det));
	alert_words(ptrust_console_alert(log), ptrust_console_alert_text(log),
	    alert, sizeof(alert));
	if (cert == NULL)
		cert = "certificate (which one the log does not show)";
	switch (ptrust_console_verdict(log)) {
	case PTRUST_CONSOLE_REFUSED:
		cli_verdict(stdout, "REFUSED", 0, "%s by %s%s: %s", cert, who,
		    det, alert);
		break;
	case PTRUST_CONSOLE_FAILED:
		switch (ptrust_console_direction(log)) {
		case PTRUST_CONSOLE_DIR_WRITE:
			cli_verdict(stdout, "FAILED", 0, "%s with %s%s: the "
			    "phone refused the server: %s", cert, who, det,
			    alert);
			break;
		case PTRUST_CONSOLE_DIR_READ:
			cli_verdict(stdout, "FAILED", 0, "%s with %s%s: %s",
			    cert, who, det, alert);
			break;
		case PTRUST_CONSOLE_DIR_UNKNOWN:
			cli_verdict(stdout, "FAILED", 0, "%s with %s%s: %s "
			    "(who sent the alert is not recognised)", cert,
			    who, det, alert);
			break;
		}
		break;
	case PTRUST_CONSOLE_USED:
		cli_verdict(stdout, "USED", 1, "%s for %s%s: no refusal in the "
		    "log", cert, who, det);
		break;
	case PTRUST_CONSOLE_NOTHING:
		cli_verdict(stdout, "NONE", 1, "no line of %s tells which "
		    "certificate the phone presented (PXY_NO_LSC, "
		    "PXY_CERT_CIPHER, STATE_SSL3_ALERT)", file);
		break;
	}
}

static void
print_event(const ptrust_console *log, size_t i)
{
	const char *proto = ptrust_console_event_protocol(log, i);
	const char *v = ptrust_console_event_tls_version(log, i);
	const char *ci = ptrust_console_event_cipher(log, i);
	const char *peer = ptrust_console_event_peer(log, i);
	const char *cert = cert_name(ptrust_console_event_certificate(log, i));
	const char *text = ptrust_console_event_alert_text(log, i);
	const char *name;
	int fatal, code;
	char alert[160];

	printf("  line %zu: ", ptrust_console_event_line(log, i));
	switch (ptrust_console_event_kind(log, i)) {
	case PTRUST_CONSOLE_EVENT_NO_LSC:
		printf("no LSC%s%s, the phone tries its MIC", proto != NULL ?
		    " for " : "", proto != NULL ? proto : "");
		break;
	case PTRUST_CONSOLE_EVENT_CERT:
		printf("presents %s%s%s%s%s%s%s", cert != NULL ? cert :
		    "a certificate (not told which)", proto != NULL ?
		    " for " : "", proto != NULL ? proto : "",
		    v != NULL ? ", " : "", v != NULL ? v : "",
		    ci != NULL ? ", cipher " : "", ci != NULL ? ci : "");
		break;
	case PTRUST_CONSOLE_EVENT_ALERT:
		fatal = ptrust_console_event_fatal(log, i);
		code = ptrust_console_event_alert(log, i);
		alert_words(code, text, alert, sizeof(alert));
		name = ptrust_console_alert_name(code);
		printf("alert %s, %s: %s", ptrust_console_dir_name(
		    ptrust_console_event_direction(log, i)), fatal == 1 ?
		    "fatal" : fatal == 0 ? "warning" : "level not told",
		    alert);
		if (name != NULL && text != NULL && strcmp(alert, text) != 0)
			printf(" (logged as \"%s\")", text);
		break;
	}
	if (peer != NULL)
		printf(", peer %s", peer);
	printf(" [attempt %zu]\n", ptrust_console_event_attempt(log, i));
}

static void
print_human(const ptrust_console *log, const char *file)
{
	size_t i, n = ptrust_console_event_count(log);
	size_t total = ptrust_console_event_total(log);
	size_t first = n > CONSOLE_SHOW ? n - CONSOLE_SHOW : 0;
	size_t refusals = ptrust_console_refusal_count(log);
	const char *fix = ptrust_console_fix(log);
	ptrust_diagnosis d = ptrust_console_diagnosis(log);

	print_verdict(log, file);
	printf("log: %s, %zu line%s, %zu console line%s recognised\n", file,
	    ptrust_console_line_count(log),
	    ptrust_console_line_count(log) == 1 ? "" : "s", total,
	    total == 1 ? "" : "s");
	if (n > 0) {
		printf("events (attempt %zu reported):\n",
		    ptrust_console_attempt(log));
		if (total > n - first)
			printf("  ... %zu earlier line%s not shown\n",
			    total - (n - first), total - (n - first) == 1 ?
			    "" : "s");
		for (i = first; i < n; i++)
			print_event(log, i);
	}
	if (refusals > 0 && (refusals > 1 ||
	    ptrust_console_verdict(log) != PTRUST_CONSOLE_REFUSED))
		printf("note: the certificate was refused %zu time%s in this "
		    "log\n", refusals, refusals == 1 ? "" : "s");
	if (ptrust_console_verdict(log) == PTRUST_CONSOLE_REFUSED)
		printf("diagnosis: %s\n", ptrust_diagnosis_name(d));
	if (fix != NULL)
		printf("fix: %s\n", fix);
}

/* "purpose" as in a verdict object: there only when the log tells it. */
static void
json_opt_purpose(struct json *j, int known, ptrust_cluster_purpose p)
{
	if (!known)
		return;
	json_key(j, "purpose");
	json_string(j, ptrust_cluster_purpose_name(p));
}

static void
json_alert_number(struct json *j, int code)
{
	if (code < 0)
		json_null(j);
	else
		json_number(j, code);
}

static void
print_json(const ptrust_console *log, const char *file)
{
	size_t i, n = ptrust_console_event_count(log);
	ptrust_console_outcome v = ptrust_console_verdict(log);
	ptrust_cluster_purpose p = PTRUST_CLUSTER_CALLMANAGER_TLS;
	ptrust_console_kind k;
	int has_alert = ptrust_console_alert_line(log) != 0, known, fatal;
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	verdict_json_schema(&j);
	json_key(&j, "file");
	json_string(&j, file);
	json_key(&j, "verdict");
	json_string(&j, ptrust_console_outcome_name(v));
	json_key(&j, "refused");
	json_bool(&j, v == PTRUST_CONSOLE_REFUSED);
	json_key(&j, "certificate");
	json_string(&j, cert_name(ptrust_console_certificate(log)));
	json_key(&j, "presented");
	json_string(&j, verdict_presented_name(
	    ptrust_console_certificate(log)));
	json_key(&j, "protocol");
	json_string(&j, ptrust_console_protocol(log));
	known = ptrust_console_purpose(log, &p);
	json_opt_purpose(&j, known, p);
	json_key(&j, "tls_version");
	json_string(&j, verdict_tls_version(ptrust_console_tls_version(log)));
	json_key(&j, "tls_alert");
	json_string(&j, has_alert ? ptrust_console_alert_name(
	    ptrust_console_alert(log)) : NULL);
	json_key(&j, "peer");
	json_string(&j, ptrust_console_peer(log));
	json_key(&j, "attempt");
	json_number(&j, (long long)ptrust_console_attempt(log));
	json_key(&j, "alert");
	if (!has_alert)
		json_null(&j);
	else {
		json_object_begin(&j);
		json_key(&j, "line");
		json_number(&j, (long long)ptrust_console_alert_line(log));
		json_key(&j, "code");
		json_alert_number(&j, ptrust_console_alert(log));
		json_key(&j, "name");
		json_string(&j, ptrust_console_alert_name(
		    ptrust_console_alert(log)));
		json_key(&j, "text");
		json_string(&j, ptrust_console_alert_text(log));
		json_key(&j, "direction");
		json_string(&j, ptrust_console_dir_name(
		    ptrust_console_direction(log)));
		json_object_end(&j);
	}
	json_key(&j, "diagnosis");
	json_string(&j, ptrust_diagnosis_name(v == PTRUST_CONSOLE_REFUSED ?
	    ptrust_console_diagnosis(log) : PTRUST_DIAG_NONE));
	json_key(&j, "fix");
	json_string(&j, ptrust_console_fix(log));
	json_key(&j, "refusals");
	json_number(&j, (long long)ptrust_console_refusal_count(log));
	json_key(&j, "lines");
	json_number(&j, (long long)ptrust_console_line_count(log));
	json_key(&j, "events_total");
	json_number(&j, (long long)ptrust_console_event_total(log));
	json_key(&j, "events");
	json_array_begin(&j);
	for (i = 0; i < n; i++) {
		k = ptrust_console_event_kind(log, i);
		json_object_begin(&j);
		json_key(&j, "line");
		json_number(&j, (long long)ptrust_console_event_line(log, i));
		json_key(&j, "kind");
		json_string(&j, ptrust_console_kind_name(k));
		json_key(&j, "attempt");
		json_number(&j, (long long)ptrust_console_event_attempt(log,
		    i));
		json_key(&j, "certificate");
		json_string(&j, cert_name(ptrust_console_event_certificate(log,
		    i)));
		json_key(&j, "presented");
		json_string(&j, verdict_presented_name(
		    ptrust_console_event_certificate(log, i)));
		json_key(&j, "protocol");
		json_string(&j, ptrust_console_event_protocol(log, i));
		known = ptrust_console_event_purpose(log, i, &p);
		json_opt_purpose(&j, known, p);
		json_key(&j, "tls_version");
		json_string(&j, verdict_tls_version(
		    ptrust_console_event_tls_version(log, i)));
		json_key(&j, "cipher");
		json_string(&j, ptrust_console_event_cipher(log, i));
		json_key(&j, "peer");
		json_string(&j, ptrust_console_event_peer(log, i));
		if (k == PTRUST_CONSOLE_EVENT_ALERT) {
			fatal = ptrust_console_event_fatal(log, i);
			json_key(&j, "alert");
			json_alert_number(&j, ptrust_console_event_alert(log,
			    i));
			json_key(&j, "alert_name");
			json_string(&j, ptrust_console_alert_name(
			    ptrust_console_event_alert(log, i)));
			json_key(&j, "alert_text");
			json_string(&j, ptrust_console_event_alert_text(log,
			    i));
			json_key(&j, "direction");
			json_string(&j, ptrust_console_dir_name(
			    ptrust_console_event_direction(log, i)));
			json_key(&j, "fatal");
			if (fatal < 0)
				json_null(&j);
			else
				json_bool(&j, fatal);
		}
		json_key(&j, "text");
		json_string(&j, ptrust_console_event_text(log, i));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', stdout);
}

int
cmd_console(int argc, char **argv, const char *cluster_dir)
{
	ptrust_console *log = NULL;
	unsigned char *data = NULL;
	const char *path, *file;
	size_t len = 0;
	ptrust_console_outcome v;
	int json = 0, rc = CLI_USAGE;

	(void)cluster_dir;	/* the log alone decides */
	if ((rc = cli_one_file_args("console", argc, argv, console_usage, "LOGFILE", &path,
	    &json)) != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	rc = CLI_USAGE;
	file = strcmp(path, "-") == 0 ? "standard input" : path;
	if (cli_read_input("console", path, &data, &len) != CLI_OK)
		goto done;
	if (only_blanks(data, len)) {
		cli_fail("console", file, len == 0 ? "empty file" :
		    "only blank lines");
		goto done;
	}
	if (ptrust_console_read_mem(data, len, &log) != PTRUST_OK) {
		cli_fail("console", file, log != NULL ?
		    ptrust_console_error(log) : "out of memory");
		goto done;
	}
	/* a log may hold some junk; junk holding no console line is no log */
	if (ptrust_console_event_total(log) == 0 && looks_binary(data, len)) {
		cli_fail("console", file, "binary data, not a console log");
		goto done;
	}
	if (json)
		print_json(log, path);
	else
		print_human(log, file);
	v = ptrust_console_verdict(log);
	rc = v == PTRUST_CONSOLE_REFUSED || v == PTRUST_CONSOLE_FAILED ?
	    CLI_REFUSED : CLI_OK;
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "phonetrust console: standard output: %s\n",
		    strerror(errno));
		rc = CLI_USAGE;
	}
done:
	free(data);
	ptrust_console_free(log);
	return rc;
}
