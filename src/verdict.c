/* The one verdict of the phonetrust command, in JSON and in text. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>

#include "json.h"
#include "output.h"
#include "verdict.h"

const char *
verdict_presented_name(ptrust_presented p)
{
	switch (p) {
	case PTRUST_PRESENTED_LSC:	return "lsc";
	case PTRUST_PRESENTED_MIC:	return "mic";
	case PTRUST_PRESENTED_NONE:	break;
	}
	return "none";
}

/* The alert a refusal calls for; NULL when trusted (or none named). */
static const char *
alert_name(const ptrust_result *r)
{
	ptrust_tls_alert a = ptrust_result_tls_alert(r);

	if (ptrust_result_trusted(r) || a == PTRUST_ALERT_NONE)
		return NULL;
	return ptrust_tls_alert_name(a);
}

void
verdict_json_schema(struct json *j)
{
	json_key(j, "schema");
	json_number(j, VERDICT_SCHEMA);
}

static void
json_anchor(struct json *j, const ptrust_result *r)
{
	const ptrust_anchor *a = ptrust_result_anchor(r);

	if (a == NULL) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "alias");
	json_string(j, ptrust_anchor_alias(a));
	/* the store it lives in, not the purpose's merged snapshot */
	json_key(j, "store");
	json_string(j, ptrust_result_anchor_store(r));
	json_key(j, "sha256");
	json_string(j, ptrust_anchor_sha256(a));
	json_key(j, "subject");
	json_string(j, ptrust_anchor_subject(a));
	json_key(j, "role");
	json_string(j, ptrust_role_name(ptrust_anchor_role(a)));
	json_object_end(j);
}

void
verdict_json_members(struct json *j, const ptrust_result *r,
    const char *purpose)
{
	int trusted = ptrust_result_trusted(r);
	time_t t;
	size_t i;

	verdict_json_schema(j);
	json_key(j, "trusted");
	json_bool(j, trusted);
	json_key(j, "purpose");
	json_string(j, purpose);
	json_key(j, "device");
	json_string(j, ptrust_result_device(r));
	json_key(j, "kind");
	json_string(j, ptrust_kind_name(ptrust_result_kind(r)));
	json_key(j, "presented");
	json_string(j, verdict_presented_name(ptrust_result_presented(r)));
	json_key(j, "evidence");
	json_string(j, ptrust_evidence_name(ptrust_result_evidence(r)));
	json_key(j, "diagnosis");
	json_string(j, ptrust_diagnosis_name(trusted ? PTRUST_DIAG_NONE :
	    ptrust_result_diagnosis(r)));
	json_key(j, "fix");
	json_string(j, trusted ? NULL : ptrust_result_fix(r));
	json_key(j, "tls_alert");
	json_string(j, alert_name(r));
	json_key(j, "store");
	json_string(j, ptrust_result_store_name(r));
	json_key(j, "anchor");
	json_anchor(j, r);
	json_key(j, "issuer");
	json_string(j, ptrust_result_issuer(r));
	json_key(j, "reasons");
	json_array_begin(j);
	for (i = 0; i < ptrust_result_reason_count(r); i++) {
		json_object_begin(j);
		json_key(j, "code");
		json_string(j, ptrust_reason_name(
		    ptrust_result_reason_code(r, i)));
		json_key(j, "depth");
		json_number(j, ptrust_result_reason_depth(r, i));
		json_key(j, "subject");
		json_string(j, ptrust_result_reason_subject(r, i));
		json_key(j, "message");
		json_string(j, ptrust_result_reason_message(r, i));
		json_key(j, "time");
		if ((t = ptrust_result_reason_time(r, i)) != 0)
			json_time(j, t);
		else
			json_null(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "chain");
	json_array_begin(j);
	for (i = 0; i < ptrust_result_chain_length(r); i++)
		json_string(j, ptrust_result_chain_subject(r, i));
	json_array_end(j);
	json_key(j, "notes");
	json_array_begin(j);
	for (i = 0; i < ptrust_result_note_count(r); i++)
		json_string(j, ptrust_result_note(r, i));
	json_array_end(j);
}

void
verdict_json(struct json *j, const ptrust_result *r, const char *purpose)
{
	if (r == NULL) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	verdict_json_members(j, r, purpose);
	json_object_end(j);
}

const char *
verdict_tls_version(const char *s)
{
	static const char *const tls[] = {
		"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"
	};
	static const char *const dtls[] = {
		"DTLSv1", NULL, "DTLSv1.2", "DTLSv1.3"
	};
	int datagram = 0, minor = 0;

	if (s == NULL)
		return NULL;
	if (strncasecmp(s, "DTLS", 4) == 0) {
		datagram = 1;
		s += 4;
	} else if (strncasecmp(s, "TLS", 3) == 0)
		s += 3;
	else if (strncasecmp(s, "SSL", 3) == 0) {
		s += 3;
		if (*s == 'v' || *s == 'V' || *s == ' ')
			s++;
		return strcmp(s, "3") == 0 || strcmp(s, "3.0") == 0 ?
		    "SSLv3" : NULL;
	} else
		return NULL;
	if (*s == 'v' || *s == 'V' || *s == ' ')
		s++;
	if (*s++ != '1')
		return NULL;
	if (*s == '.') {
		if (s[1] < '0' || s[1] > '3' || s[2] != '\0')
			return NULL;
		minor = s[1] - '0';
	} else if (*s != '\0')
		return NULL;
	return datagram ? dtls[minor] : tls[minor];
}

const char *
verdict_word(const ptrust_result *r)
{
	return ptrust_result_trusted(r) ? "TRUSTED" : "REFUSED";
}

static const char *
or_dash(const char *s)
{
	return s != NULL ? s : "-";
}

void
verdict_summary(const ptrust_result *r, const char *device, char *buf,
    size_t len)
{
	const ptrust_anchor *a = ptrust_result_anchor(r);
	ptrust_presented p = ptrust_result_presented(r);
	const char *what, *alert;

	if (ptrust_result_device(r) != NULL)
		device = ptrust_result_device(r);
	if (ptrust_result_trusted(r)) {
		snprintf(buf, len, "%s %s via %s/%s",
		    ptrust_kind_name(ptrust_result_kind(r)), or_dash(device),
		    or_dash(ptrust_result_anchor_store(r)),
		    a != NULL ? ptrust_anchor_alias(a) : "-");
		return;
	}
	/* what the phone presented; else what the chain is, if any */
	if (p != PTRUST_PRESENTED_NONE)
		what = p == PTRUST_PRESENTED_LSC ? "LSC" : "MIC";
	else if (ptrust_result_chain_length(r) == 0 &&
	    ptrust_result_anchor(r) == NULL &&
	    ptrust_result_reason_count(r) > 0 &&
	    ptrust_result_reason_code(r, 0) == PTRUST_REASON_NO_CERTIFICATE)
		what = "none";
	else
		what = ptrust_kind_name(ptrust_result_kind(r));
	alert = alert_name(r);
	snprintf(buf, len, "%s %s by %s: %s (TLS alert %s)", what,
	    or_dash(device), or_dash(ptrust_result_store_name(r)),
	    ptrust_diagnosis_name(ptrust_result_diagnosis(r)),
	    alert != NULL ? alert : "none");
}

void
verdict_print_head(FILE *f, const ptrust_result *r, const char *indent,
    const char *device)
{
	char line[2048];

	verdict_summary(r, device, line, sizeof(line));
	fputs(indent != NULL ? indent : "", f);
	cli_verdict(f, verdict_word(r), ptrust_result_trusted(r), "%s", line);
}

void
verdict_print_details(FILE *f, const ptrust_result *r, const char *indent)
{
	const char *in = indent != NULL ? indent : "", *s;
	size_t i;

	for (i = 0; i < ptrust_result_reason_count(r); i++)
		fprintf(f, "%s  - %s (depth %d): %s\n", in,
		    ptrust_reason_name(ptrust_result_reason_code(r, i)),
		    ptrust_result_reason_depth(r, i),
		    ptrust_result_reason_message(r, i));
	if ((s = ptrust_result_issuer(r)) != NULL)
		fprintf(f, "%s  issuer: %s\n", in, s);
	if (!ptrust_result_trusted(r) && (s = ptrust_result_fix(r)) != NULL)
		fprintf(f, "%s  fix: %s\n", in, s);
	for (i = 0; i < ptrust_result_note_count(r); i++)
		fprintf(f, "%s  note: %s\n", in, ptrust_result_note(r, i));
}

void
verdict_print(FILE *f, const ptrust_result *r, const char *indent,
    const char *device)
{
	verdict_print_head(f, r, indent, device);
	verdict_print_details(f, r, indent);
}
