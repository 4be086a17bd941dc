/* valid.c: check characters and formats of administrative identifiers. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/valid.h"

/* GB 32100 alphabet: digits and capitals without I, O, Z, S, V. */
static const char credit_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

int
zl_valid_credit_code(const char *s)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25,
	    13, 8, 24, 10, 30, 28 };
	int sum = 0, i, check;

	if (s == NULL || strlen(s) != 18)
		return 0;
	for (i = 0; i < 18; i++) {
		const char *p = strchr(credit_alphabet, s[i]);
		if (s[i] == '\0' || p == NULL)
			return 0;
		if (i < 17)
			sum += (int)(p - credit_alphabet) * w[i];
		else {
			check = (31 - sum % 31) % 31;
			return (int)(p - credit_alphabet) == check;
		}
	}
	return 0;
}

char
zl_credit_check_char(const char *s)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25,
	    13, 8, 24, 10, 30, 28 };
	int sum = 0;

	if (s == NULL || strlen(s) < 17)
		return 0;
	for (int i = 0; i < 17; i++) {
		const char *p = strchr(credit_alphabet, s[i]);
		if (s[i] == '\0' || p == NULL)
			return 0;
		sum += (int)(p - credit_alphabet) * w[i];
	}
	return credit_alphabet[(31 - sum % 31) % 31];
}

int
zl_valid_id_number(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5,
	    8, 4, 2 };
	static const char checks[] = "10X98765432";
	int sum = 0, i;

	if (s == NULL || strlen(s) != 18)
		return 0;
	for (i = 0; i < 17; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		sum += (s[i] - '0') * w[i];
	}
	return toupper((unsigned char)s[17]) == checks[sum % 11] &&
	    zl_valid_region_code((char[]){ s[0], s[1], s[2], s[3], s[4], s[5], 0 });
}

int
zl_valid_region_code(const char *s)
{
	int i, prov;

	if (s == NULL || strlen(s) != 6)
		return 0;
	for (i = 0; i < 6; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	prov = (s[0] - '0') * 10 + (s[1] - '0');
	return prov >= 11 && prov <= 82;
}

int
zl_valid_phone(const char *s)
{
	int i;

	if (s == NULL || strlen(s) != 11 || s[0] != '1' || s[1] < '3')
		return 0;
	for (i = 0; i < 11; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
zl_valid_email(const char *s)
{
	const char *at, *dot;
	size_t n;

	if (s == NULL || (n = strlen(s)) < 3 || n > 254)
		return 0;
	if ((at = strchr(s, '@')) == NULL || at == s || strchr(at + 1, '@'))
		return 0;
	if ((dot = strrchr(at, '.')) == NULL || dot == at + 1 || dot[1] == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == '<' || *s == '>' || *s == '"')
			return 0;
	return 1;
}

static int
plain(const char *s, size_t min, size_t max, const char *extra)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) < min || n > max || !isalnum((unsigned char)s[0]))
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return 0;
	return 1;
}

int
zl_valid_username(const char *s)
{
	return plain(s, 3, 32, "_.-");
}

int
zl_valid_code(const char *s)
{
	return plain(s, 2, 32, "_-");
}

int
zl_valid_password(const char *s)
{
	int lower = 0, upper = 0, digit = 0, other = 0;
	size_t n;

	if (s == NULL || (n = zl_utf8_len(s)) < 8 || n > 128)
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (islower(c)) lower = 1;
		else if (isupper(c)) upper = 1;
		else if (isdigit(c)) digit = 1;
		else other = 1;
	}
	return lower + upper + digit + other >= 3;
}

void
zl_mask_phone(const char *s, char *buf, unsigned size)
{
	size_t n = s == NULL ? 0 : strlen(s);

	if (n == 0)
		snprintf(buf, size, "%s", "");
	else if (n >= 7)
		snprintf(buf, size, "%.3s****%s", s, s + n - 4);
	else
		snprintf(buf, size, "%c***", s[0]);
}
