/* calendar.h: working days in China for deadlines (办理时限) and handling time.
 * A calendar is weekends plus a list of exceptions: 法定节假日 (days off,
 * weekdays or not) and 调休 weekend days that are working days.
 *
 * Days are calendar dates in Asia/Shanghai (UTC+8 all year, no DST since
 * 1991) numbered from 1970-01-01; times are Unix seconds (UTC).  After
 * zl_cal_init every function is pure and reads only, so one calendar may be
 * shared by every thread; swap in a new one to apply an edited table. */
#ifndef ZL_CALENDAR_H
#define ZL_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define ZL_CAL_TZ_OFFSET	(8 * 3600)	/* +08:00 */
#define ZL_CAL_DAY		86400

enum zl_cal_kind {
	ZL_CAL_HOLIDAY,		/* 放假: no work, even on a weekday */
	ZL_CAL_WORKDAY,		/* 调休上班: work, even on a weekend */
	ZL_CAL__MAX
};

/* One line of the holiday table; strings are borrowed and not kept. */
struct zl_cal_entry {
	const char		*date;	/* "YYYY-MM-DD" */
	enum zl_cal_kind	 kind;
	const char		*name;	/* 春节, 国庆节 …: for people, unused here */
};

struct zl_cal_day {
	int32_t	day;
	int32_t	kind;			/* enum zl_cal_kind */
};

struct zl_calendar {
	struct zl_cal_day	*days;	/* sorted by day, unique; owned */
	size_t			 n;
};

/* The seed schedule of the State Council (holidays_cn.c). */
extern const struct zl_cal_entry zl_holidays_cn[];
extern const size_t zl_holidays_cn_n;

/* Build cal from entries (borrowed; order free).  ZL_EINVAL if a date is
 * malformed or a date is listed both as holiday and as working day (the same
 * date twice with one kind is accepted); ZL_ENOMEM.  n = 0 gives plain
 * weekends.  Release with zl_cal_release. */
int	 zl_cal_init(struct zl_calendar *cal, const struct zl_cal_entry *entries,
	    size_t n);
void	 zl_cal_release(struct zl_calendar *cal);

/* Strict "YYYY-MM-DD" (a real date, years 0001–9999) to a day number;
 * 0 or ZL_EINVAL.  Also used by forms for their date fields. */
int	 zl_cal_date_parse(const char *s, int32_t *day);
/* "YYYY-MM-DD" into buf (at least 11 bytes); returns buf. */
char	*zl_cal_date_format(int32_t day, char *buf);

/* The day (in UTC+8) that contains time t, and the first second of day. */
int32_t	 zl_cal_day_of(int64_t t);
int64_t	 zl_cal_day_start(int32_t day);
/* 0 = Sunday … 6 = Saturday. */
int	 zl_cal_weekday(int32_t day);
/* 1 if people work that day: a weekday not listed as holiday, or a weekend
 * day listed as working day. */
int	 zl_cal_is_working_day(const struct zl_calendar *cal, int32_t day);

/* The deadline of something received at `from` with n working days: the last
 * second (23:59:59 +08:00) of the n-th working day after from's day.  The day
 * of receipt never counts, so a case submitted on Friday evening with n = 1 is
 * due on Monday at the end of the day (Tuesday if Monday is a holiday).
 * n <= 0 gives the end of from's own day. */
int64_t	 zl_cal_add_working_days(const struct zl_calendar *cal, int64_t from,
	    int n);
/* Seconds of [t1, t2) that fall on working days (0 if t2 <= t1).  Clock-stop
 * intervals (补正 waiting for the applicant) are the caller's to subtract. */
int64_t	 zl_cal_working_seconds_between(const struct zl_calendar *cal,
	    int64_t t1, int64_t t2);
/* The same in days of 24 hours, for statistics (mean, p90 handling time). */
double	 zl_cal_working_days_between(const struct zl_calendar *cal, int64_t t1,
	    int64_t t2);

#endif
