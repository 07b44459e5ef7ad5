/*
 * The one verdict of the phonetrust command, in JSON and in text: every
 * command that prints a ptrust_result prints it through here, so verify,
 * phone, capf, serve, capture and radius-explain say the same thing in the
 * same words (phonetrust(1), JSON OUTPUT; data/schema/verdict.schema.json).
 */
#ifndef PHONETRUST_VERDICT_H
#define PHONETRUST_VERDICT_H

#include <stddef.h>
#include <stdio.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>

struct json;

/* The version of the JSON shapes, the "schema" member of every object. */
#define VERDICT_SCHEMA	1

/* "lsc", "mic" or "none": the "presented" member. */
const char	*verdict_presented_name(ptrust_presented presented);

/* "schema": VERDICT_SCHEMA, into an object the caller has begun. */
void	verdict_json_schema(struct json *j);
/*
 * The members of a verdict object (schema, trusted, purpose, device, kind,
 * presented, evidence, diagnosis, fix, tls_alert, store, anchor, issuer,
 * reasons, chain, notes) into an object the caller has begun, so that a
 * command may add its own members before closing it.  purpose: where the
 * chain was checked ("callmanager-tls", "tls-client", ...).
 */
void	verdict_json_members(struct json *j, const ptrust_result *r,
	    const char *purpose);
/* A whole verdict object; null when r is NULL. */
void	verdict_json(struct json *j, const ptrust_result *r,
	    const char *purpose);

/*
 * A TLS version in the one form of the JSON and text outputs, OpenSSL's:
 * "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "DTLSv1",
 * "DTLSv1.2", "DTLSv1.3".  Reads those, "TLS 1.2", "TLS1.2", "tlsv1.0" and
 * the like; NULL for anything else (or NULL).
 */
const char	*verdict_tls_version(const char *text);

/* "TRUSTED" or "REFUSED". */
const char	*verdict_word(const ptrust_result *r);
/*
 * The rest of the verdict line, after its word:
 *   "MIC SEP001122334455 via manufacturing-ca/Lab_Root_CA_M2"
 *   "LSC SEP00AABBCCDDEE by callmanager-trust: lsc-from-other-cluster
 *    (TLS alert unknown_ca)"
 * The anchor is named in the store it really lives in.  device: shown
 * when the result names none (NULL: "-").
 */
void	verdict_summary(const ptrust_result *r, const char *device,
	    char *buf, size_t len);
/*
 * The text form: indent, then the verdict line (its word coloured on a
 * terminal), then, indented by two more spaces, "- code (depth N):
 * message" per reason, "issuer: ..." of a refused leaf, "fix: ...", and
 * "note: ..." per certificate given and not used.  head and details print
 * the two parts, for a command adding lines of its own between them.
 */
void	verdict_print(FILE *f, const ptrust_result *r, const char *indent,
	    const char *device);
void	verdict_print_head(FILE *f, const ptrust_result *r,
	    const char *indent, const char *device);
void	verdict_print_details(FILE *f, const ptrust_result *r,
	    const char *indent);

#endif
