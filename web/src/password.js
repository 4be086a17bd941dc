// Password rule of the API: 8–128 characters, at least three of lower, upper, digit, other.
export function passwordOk(p) {
  if (typeof p !== 'string') return false
  const n = [...p].length
  if (n < 8 || n > 128) return false
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(p)).length
  return classes >= 3
}
