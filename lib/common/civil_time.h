/*
 * UTC calendar time to seconds: the one conversion, shared by the library
 * (certificate and CRL times) and the phonetrust tool (--at, inspect), in
 * the convenience library libptcommon.  No timegm: no time zone, no
 * locale, the same on every system.
 */
#ifndef PTRUST_CIVIL_TIME_H
#define PTRUST_CIVIL_TIME_H

#include <stdint.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian. */
int64_t	pt_days_from_civil(int64_t year, int month, int day);
/*
 * Seconds since the epoch of a UTC calendar time; a leap second (60)
 * counts as 59.  0 when the fields make no date (2029-02-29, month 13,
 * hour 24) or the time does not fit in time_t.
 */
int	pt_time_from_civil(int64_t year, int month, int day, int hour,
	    int minute, int second, time_t *out);

#endif
