/*
 * The names Cisco gives its CAs: the one rule, shared by the library and
 * the phonetrust tool (libptcommon).  Names are guesses that choose the
 * wording of a refusal or a label; they never decide trust or a kind.
 */
#ifndef PTRUST_CISCO_NAMES_H
#define PTRUST_CISCO_NAMES_H

#include <phonetrust-cluster.h>

/* CUCM's name for its CAPF certificate: CAPF-<8 hex digits>. */
int	pt_is_capf_cn(const char *cn);
/* Manufacturing CA, SUDI CA, CAP-RTP-: the CAs that issue MICs. */
int	pt_name_suggests_manufacturing(const char *cn);
/*
 * What an issuer's CN suggests a certificate is: LSC or MIC with
 * PTRUST_EVIDENCE_NAME, else LSC with PTRUST_EVIDENCE_DEFAULT (an issuer
 * no one here knows is most often another cluster's CAPF).
 */
ptrust_kind pt_guess_kind_by_name(const char *issuer_cn,
	    ptrust_evidence *evidence);

#endif
