/*
 * Phone console logs (<phonetrust-console.h>): ptrust_console_read_mem
 * and every accessor.
 *
 * Invariants, from the header: at most 1024 events kept, never more than
 * counted; each event on a line that was read, of a known kind, in an
 * attempt; its text at most 200 bytes of valid UTF-8; a diagnosis only
 * when refused, a fix only when refused or failed; the alert line a line
 * that was read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <phonetrust-console.h>

#include "internal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF) */
static int
utf8_ok(const unsigned char *s)
{
	while (*s != '\0') {
		unsigned c = *s, n, i, cp;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		s += n + 1;
	}
	return 1;
}

/* Read a string the log returned (ASan sees any overrun). */
static void
touch(const char *s)
{
	if (s != NULL)
		(void)strlen(s);
}

static void
check_text(const char *s, const char *what)
{
	if (s == NULL)
		return;
	if (!utf8_ok((const unsigned char *)s))
		fuzz_fail("%s is not valid UTF-8: \"%s\"", what, s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ptrust_console *log = NULL;
	ptrust_console_outcome v;
	ptrust_cluster_purpose purpose;
	ptrust_status st;
	size_t i, n, lines, total;

	if (size > 1 << 20)
		return 0;
	st = ptrust_console_read_mem(data, size, &log);
	if (log == NULL)
		return 0;
	FUZZ_REQUIRE(ptrust_console_error(log) != NULL, "an error string");
	if (st != PTRUST_OK)
		goto done;
	lines = ptrust_console_line_count(log);
	n = ptrust_console_event_count(log);
	total = ptrust_console_event_total(log);
	FUZZ_REQUIRE(n <= 1024 && n <= total, "events kept <= counted, 1024");
	FUZZ_REQUIRE(total <= lines, "at most one event a line");
	for (i = 0; i < n; i++) {
		size_t line = ptrust_console_event_line(log, i);
		ptrust_console_kind k = ptrust_console_event_kind(log, i);
		const char *text = ptrust_console_event_text(log, i);
		int fatal = ptrust_console_event_fatal(log, i);

		FUZZ_REQUIRE(line >= 1 && line <= lines, "an event's line");
		FUZZ_REQUIRE(ptrust_console_kind_name(k) != NULL,
		    "a known event kind");
		FUZZ_REQUIRE(ptrust_console_event_attempt(log, i) >= 1,
		    "an event's attempt");
		FUZZ_REQUIRE(text != NULL && strlen(text) <= 200,
		    "event text of at most 200 bytes");
		check_text(text, "event text");
		touch(ptrust_console_event_protocol(log, i));
		touch(ptrust_console_event_tls_version(log, i));
		touch(ptrust_console_event_cipher(log, i));
		touch(ptrust_console_event_peer(log, i));
		touch(ptrust_console_event_alert_text(log, i));
		FUZZ_REQUIRE(ptrust_console_dir_name(
		    ptrust_console_event_direction(log, i)) != NULL,
		    "a direction");
		FUZZ_REQUIRE(fatal >= -1 && fatal <= 1, "fatal is -1, 0 or 1");
		if (k != PTRUST_CONSOLE_EVENT_ALERT)
			FUZZ_REQUIRE(ptrust_console_event_alert(log, i) == -1 &&
			    fatal == -1, "only alerts have an alert");
		(void)ptrust_console_event_certificate(log, i);
		(void)ptrust_console_event_purpose(log, i, &purpose);
	}
	FUZZ_REQUIRE(ptrust_console_event_line(log, n) == 0 &&
	    ptrust_console_event_kind(log, n) == 0, "nothing past the end");
	v = ptrust_console_verdict(log);
	FUZZ_REQUIRE(ptrust_console_outcome_name(v) != NULL, "a verdict");
	if (v != PTRUST_CONSOLE_REFUSED)
		FUZZ_REQUIRE(ptrust_console_diagnosis(log) == PTRUST_DIAG_NONE,
		    "a diagnosis only when refused");
	else
		FUZZ_REQUIRE(ptrust_diagnosis_name(
		    ptrust_console_diagnosis(log)) != NULL, "a known diagnosis");
	if (v != PTRUST_CONSOLE_REFUSED && v != PTRUST_CONSOLE_FAILED)
		FUZZ_REQUIRE(ptrust_console_fix(log) == NULL,
		    "a fix only when refused or failed");
	if (v == PTRUST_CONSOLE_NOTHING)
		FUZZ_REQUIRE(ptrust_console_attempt(log) == 0 || total > 0,
		    "no attempt without events");
	FUZZ_REQUIRE(ptrust_console_alert_line(log) <= lines,
	    "the alert's line was read");
	FUZZ_REQUIRE(ptrust_console_refusal_count(log) <= total,
	    "refusals are events");
	touch(ptrust_console_protocol(log));
	touch(ptrust_console_tls_version(log));
	touch(ptrust_console_peer(log));
	touch(ptrust_console_alert_text(log));
	touch(ptrust_console_fix(log));
	(void)ptrust_console_certificate(log);
	(void)ptrust_console_purpose(log, &purpose);
	(void)ptrust_console_alert(log);
	(void)ptrust_console_direction(log);
done:
	ptrust_console_free(log);
	return 0;
}
