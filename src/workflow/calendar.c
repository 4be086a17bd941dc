/* calendar.c: working-day arithmetic over weekends and a sorted exception
 * list.  Counting uses a closed form for weekdays plus a correction for each
 * exception in range, so long spans cost O(log n + exceptions in range). */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "workflow/calendar.h"

/* A deadline further than this many working days (about 14 years) is a typo;
 * it is clamped so a bad item setting cannot spin a request thread. */
#define MAX_ADD_DAYS	3660

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Proleptic Gregorian date <-> days since 1970-01-01 (H. Hinnant's
 * algorithms): no libc, no time zone, no locale. */
static int32_t
days_from_civil(int y, int m, int d)
{
	int		 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

static void
civil_from_days(int32_t z0, int *y, int *m, int *d)
{
	int64_t		 z = (int64_t)z0 + 719468, era;
	unsigned	 doe, yoe, doy, mp;

	era = floordiv(z, 146097);
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

static int
month_days(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : len[m - 1];
}

static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
zl_cal_date_parse(const char *s, int32_t *day)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return ZL_EINVAL;
	if ((y = digits(s, 4)) < 1 || (m = digits(s + 5, 2)) < 1 || m > 12 ||
	    (d = digits(s + 8, 2)) < 1 || d > month_days(y, m))
		return ZL_EINVAL;
	*day = days_from_civil(y, m, d);
	return ZL_OK;
}

char *
zl_cal_date_format(int32_t day, char *buf)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	/* Fixed widths by hand: no snprintf truncation warnings, no locale. */
	buf[0] = (char)('0' + y / 1000 % 10);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return buf;
}

int32_t
zl_cal_day_of(int64_t t)
{
	return (int32_t)floordiv(t + ZL_CAL_TZ_OFFSET, ZL_CAL_DAY);
}

int64_t
zl_cal_day_start(int32_t day)
{
	return (int64_t)day * ZL_CAL_DAY - ZL_CAL_TZ_OFFSET;
}

int
zl_cal_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday. */
	return (int)(((int64_t)day + 4) % 7 + 7) % 7;
}

static int
is_weekend(int32_t day)
{
	int wd = zl_cal_weekday(day);

	return wd == 0 || wd == 6;
}

static int
cmp_day(const void *a, const void *b)
{
	const struct zl_cal_day *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

int
zl_cal_init(struct zl_calendar *cal, const struct zl_cal_entry *entries,
    size_t n)
{
	struct zl_cal_day	*days = NULL;
	size_t			 i, out = 0;

	cal->days = NULL;
	cal->n = 0;
	if (n == 0)
		return ZL_OK;
	if ((days = calloc(n, sizeof(*days))) == NULL)
		return ZL_ENOMEM;
	for (i = 0; i < n; i++) {
		if ((unsigned)entries[i].kind >= ZL_CAL__MAX ||
		    zl_cal_date_parse(entries[i].date, &days[i].day) < 0)
			goto bad;
		days[i].kind = (int32_t)entries[i].kind;
	}
	qsort(days, n, sizeof(*days), cmp_day);
	for (i = 0; i < n; i++) {
		if (out > 0 && days[out - 1].day == days[i].day) {
			if (days[out - 1].kind != days[i].kind)
				goto bad;	/* both off and on: the table is wrong */
			continue;
		}
		days[out++] = days[i];
	}
	cal->days = days;
	cal->n = out;
	return ZL_OK;
bad:
	free(days);
	return ZL_EINVAL;
}

void
zl_cal_release(struct zl_calendar *cal)
{
	free(cal->days);
	cal->days = NULL;
	cal->n = 0;
}

/* Index of the first exception with day >= d. */
static size_t
lower_bound(const struct zl_calendar *cal, int32_t d)
{
	size_t lo = 0, hi = cal->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->days[mid].day < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
zl_cal_is_working_day(const struct zl_calendar *cal, int32_t day)
{
	size_t i = lower_bound(cal, day);

	if (i < cal->n && cal->days[i].day == day)
		return cal->days[i].kind == ZL_CAL_WORKDAY;
	return !is_weekend(day);
}

/* Monday to Friday in [day 4, d), negative before it: 1970-01-05 was a
 * Monday, and differences of this count give the weekdays of any range. */
static int64_t
weekdays_before(int32_t d)
{
	int64_t k = (int64_t)d - 4, w = floordiv(k, 7), r = k - 7 * w;

	return 5 * w + (r < 5 ? r : 5);
}

/* Working days in [a, b). */
static int64_t
working_days_in(const struct zl_calendar *cal, int32_t a, int32_t b)
{
	int64_t	n;
	size_t	i;

	if (b <= a)
		return 0;
	n = weekdays_before(b) - weekdays_before(a);
	for (i = lower_bound(cal, a); i < cal->n && cal->days[i].day < b; i++) {
		int weekend = is_weekend(cal->days[i].day);
		if (cal->days[i].kind == ZL_CAL_HOLIDAY && !weekend)
			n--;
		else if (cal->days[i].kind == ZL_CAL_WORKDAY && weekend)
			n++;
	}
	return n;
}

int64_t
zl_cal_add_working_days(const struct zl_calendar *cal, int64_t from, int n)
{
	int32_t d = zl_cal_day_of(from);

	if (n > MAX_ADD_DAYS)
		n = MAX_ADD_DAYS;
	while (n > 0) {
		d++;
		if (zl_cal_is_working_day(cal, d))
			n--;
	}
	return zl_cal_day_start(d + 1) - 1;
}

int64_t
zl_cal_working_seconds_between(const struct zl_calendar *cal, int64_t t1,
    int64_t t2)
{
	int32_t	d1, d2;
	int64_t	sum = 0;

	if (t2 <= t1)
		return 0;
	d1 = zl_cal_day_of(t1);
	d2 = zl_cal_day_of(t2);
	if (d1 == d2)
		return zl_cal_is_working_day(cal, d1) ? t2 - t1 : 0;
	if (zl_cal_is_working_day(cal, d1))
		sum += zl_cal_day_start(d1 + 1) - t1;
	sum += working_days_in(cal, d1 + 1, d2) * ZL_CAL_DAY;
	if (zl_cal_is_working_day(cal, d2))
		sum += t2 - zl_cal_day_start(d2);
	return sum;
}

double
zl_cal_working_days_between(const struct zl_calendar *cal, int64_t t1,
    int64_t t2)
{
	return (double)zl_cal_working_seconds_between(cal, t1, t2) / ZL_CAL_DAY;
}
