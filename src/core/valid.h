/* valid.h: validators for the identifiers of Chinese administration and for
 * the plain fields every module shares.  Each returns 1 if valid. */
#ifndef ZL_VALID_H
#define ZL_VALID_H

/* 统一社会信用代码, GB 32100-2015: 18 characters, weighted mod-31 check. */
int	zl_valid_credit_code(const char *s);
/* The check character that completes 17 characters of a credit code, or 0. */
char	zl_credit_check_char(const char *first17);
/* 居民身份证号, GB 11643-1999: 18 characters, ISO 7064 MOD 11-2 check. */
int	zl_valid_id_number(const char *s);
/* 行政区划代码, GB/T 2260: 6 digits, province part 11–82. */
int	zl_valid_region_code(const char *s);
/* Mainland mobile number: 11 digits starting 1[3-9]. */
int	zl_valid_phone(const char *s);
int	zl_valid_email(const char *s);
/* Login names: 3–32 of [A-Za-z0-9_.-], starting with a letter or digit. */
int	zl_valid_username(const char *s);
/* Record codes: 2–32 of [A-Za-z0-9_-]. */
int	zl_valid_code(const char *s);
/* Passwords: 8–128 characters with three of: lower, upper, digit, other. */
int	zl_valid_password(const char *s);
/* "138****5678" for a phone, other strings kept to their first and last
 * characters; result in buf. */
void	zl_mask_phone(const char *s, char *buf, unsigned size);

#endif
