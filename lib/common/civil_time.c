/* UTC calendar time to seconds (civil_time.h). */
#include "config.h"

#include "civil_time.h"

int64_t
pt_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
pt_time_from_civil(int64_t y, int mo, int d, int h, int mi, int s,
    time_t *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int64_t t;

	/* years far enough that no sum below overflows */
	if (y < -1000000 || y > 1000000 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    s < 0 || s > 60)
		return 0;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return 0;
	if (s == 60)
		s = 59;		/* a leap second: time_t has none */
	t = pt_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	if ((time_t)t != t)
		return 0;
	*out = (time_t)t;
	return 1;
}
