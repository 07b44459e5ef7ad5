/*
 * Names of the small enums and the library version, and names out of
 * certificates made safe to print.
 */
#include "config.h"

#include <string.h>

#include "internal.h"
#include "text.h"

const char *
ptrust_version(void)
{
	return PACKAGE_VERSION;
}

const char *
ptrust_status_name(ptrust_status status)
{
	switch (status) {
	case PTRUST_OK:			return "ok";
	case PTRUST_ERR_NOMEM:		return "out-of-memory";
	case PTRUST_ERR_ARG:		return "bad-argument";
	case PTRUST_ERR_IO:		return "io-error";
	case PTRUST_ERR_PARSE:		return "parse-error";
	case PTRUST_ERR_NOT_FOUND:	return "not-found";
	case PTRUST_ERR_EXISTS:		return "exists";
	case PTRUST_ERR_INTERNAL:	return "internal-error";
	}
	return NULL;
}

const char *
ptrust_role_name(ptrust_role role)
{
	switch (role) {
	case PTRUST_ROLE_AUTO:		return "auto";
	case PTRUST_ROLE_CAPF:		return "capf";
	case PTRUST_ROLE_MANUFACTURING:	return "manufacturing";
	case PTRUST_ROLE_EXTERNAL_CA:	return "external-ca";
	case PTRUST_ROLE_OTHER:		return "other";
	}
	return NULL;
}

int
ptrust_role_from_name(const char *name, ptrust_role *role)
{
	int r;

	if (name == NULL || role == NULL)
		return -1;
	for (r = PTRUST_ROLE_AUTO; r <= PTRUST_ROLE_OTHER; r++)
		if (strcmp(name, ptrust_role_name((ptrust_role)r)) == 0) {
			*role = (ptrust_role)r;
			return 0;
		}
	return -1;
}

const char *
ptrust_kind_name(ptrust_kind kind)
{
	switch (kind) {
	case PTRUST_KIND_UNKNOWN:	return "unknown";
	case PTRUST_KIND_LSC:		return "LSC";
	case PTRUST_KIND_MIC:		return "MIC";
	}
	return NULL;
}

const char *
ptrust_change_kind_name(ptrust_change_kind kind)
{
	switch (kind) {
	case PTRUST_CHANGE_ADDED:		return "added";
	case PTRUST_CHANGE_REPLACED:		return "replaced";
	case PTRUST_CHANGE_KEPT_EXISTING:	return "kept-existing";
	case PTRUST_CHANGE_UNCHANGED:		return "unchanged";
	}
	return NULL;
}

/* Names are printed: controls escaped by the one rule of text.c. */
char *
pt_text_escape(char *s)
{
	char *out;

	if (s == NULL || pt_text_is_safe(s))
		return s;		/* the usual case: nothing to do */
	if ((out = OPENSSL_malloc(4 * strlen(s) + 1)) != NULL)
		pt_text_escape_to(out, s);
	OPENSSL_free(s);
	return out;
}
