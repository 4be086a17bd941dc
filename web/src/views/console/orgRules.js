// Client-side checks for the org forms; the server checks again (and verifies the credit code).
export function orgRules(t, creating) {
  const r = {
    name: [{ required: true, message: t('common.required'), trigger: 'blur' }],
    level: [{ required: true, message: t('common.required'), trigger: 'change' }],
    kind: [{ required: true, message: t('common.required'), trigger: 'change' }],
    credit_code: [{ pattern: /^([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})?$/, message: t('reasons.invalid'), trigger: 'blur' }],
    region_code: [{ pattern: /^(\d{6})?$/, message: t('reasons.invalid'), trigger: 'blur' }],
  }
  if (creating) {
    r.code = [
      { required: true, message: t('common.required'), trigger: 'blur' },
      { pattern: /^[A-Za-z0-9_-]{2,32}$/, message: t('reasons.invalid'), trigger: 'blur' },
    ]
  }
  return r
}
