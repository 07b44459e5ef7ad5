/* The names Cisco gives its CAs (cisco_names.h): guesses, never trust. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "cisco_names.h"

int
pt_is_capf_cn(const char *cn)
{
	size_t i;

	if (cn == NULL || strncmp(cn, "CAPF-", 5) != 0 || strlen(cn) != 13)
		return 0;
	for (i = 5; i < 13; i++)
		if (!isxdigit((unsigned char)cn[i]))
			return 0;
	return 1;
}

/*
 * "Cisco Manufacturing CA (SHA2)", "ACT2 (ECC) SUDI CA", "High Assurance
 * SUDI CA", and the CAP-RTP-00x CAs of older phones.  Anyone can put such
 * a name in a CA.
 */
int
pt_name_suggests_manufacturing(const char *cn)
{
	return cn != NULL && (strstr(cn, "Manufacturing CA") != NULL ||
	    strstr(cn, "SUDI CA") != NULL || strncmp(cn, "CAP-RTP-", 8) == 0);
}

ptrust_kind
pt_guess_kind_by_name(const char *issuer_cn, ptrust_evidence *evidence)
{
	*evidence = PTRUST_EVIDENCE_NAME;
	if (pt_is_capf_cn(issuer_cn))
		return PTRUST_KIND_LSC;
	if (pt_name_suggests_manufacturing(issuer_cn))
		return PTRUST_KIND_MIC;
	*evidence = PTRUST_EVIDENCE_DEFAULT;
	return PTRUST_KIND_LSC;
}
