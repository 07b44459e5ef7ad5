/*
 * The fleet as report and check read it (src/report_fleet.c): through
 * <phonetrust-fleet.h> only.
 */
#ifndef PHONETRUST_REPORT_FLEET_H
#define PHONETRUST_REPORT_FLEET_H

#include <stddef.h>
#include <time.h>

#include <phonetrust.h>
#include <phonetrust-cluster.h>
#include <phonetrust-fleet.h>

struct report;

/*
 * A fleet judged by *cluster (taken: *cluster is NULL once the fleet
 * holds it), loaded from the n inventory paths in format, judged as of
 * at (0: now), SHA-1 CA signatures accepted with allow_sha1.  The
 * problems the loads report are counted in *problems and, unless quiet
 * (a monitoring check prints its one line and nothing else), each printed
 * on stderr, "phonetrust CMD: FILE:LINE: CODE: MESSAGE", with a progress
 * line while judging when stderr is a terminal.  CLI_OK, or CLI_USAGE
 * after one line (*out NULL).
 */
int	rf_open(const char *cmd, ptrust_cluster **cluster, char **paths,
	    size_t n, ptrust_fleet_format format, time_t at, int allow_sha1,
	    int quiet, ptrust_fleet **out, size_t *problems);
/*
 * The report's purposes, steps, phones needing action and months from a
 * plan (change: whether it was made with a change) and a timeline (NULL:
 * none).  0, or -1 when memory ran out.
 */
int	rf_fill(struct report *r, const ptrust_fleet_plan *plan,
	    const ptrust_fleet_timeline *tl, int change);

#endif
