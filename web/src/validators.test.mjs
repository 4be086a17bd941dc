// node --test web/src/validators.test.mjs
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { idNumberOk, creditCodeOk, phoneOk, regionOk, emailOk, dateOk, checkValue, cleanData, isEmpty } from './validators.js'

test('ID numbers (GB 11643)', () => {
  assert.ok(idNumberOk('11010519491231002X'))
  assert.ok(idNumberOk('11010519491231002x'))
  assert.ok(!idNumberOk('110105194912310021'))
  assert.ok(!idNumberOk('01010519491231002X'))   // region 01 does not exist
  assert.ok(!idNumberOk('1101051949123100'))
})

test('credit codes (GB 32100)', () => {
  assert.ok(creditCodeOk('91350100M000100Y43'))
  assert.ok(!creditCodeOk('91350100M000100Y44'))
  assert.ok(!creditCodeOk('91350100M000100Y4'))
  assert.ok(!creditCodeOk('91350100M0001O0Y43'))   // O is not in the alphabet
})

test('phones, regions, emails, dates', () => {
  assert.ok(phoneOk('13900000009'))
  assert.ok(!phoneOk('12900000009'))
  assert.ok(!phoneOk('1390000000'))
  assert.ok(regionOk('620102'))
  assert.ok(!regionOk('000000'))
  assert.ok(!regionOk('62010'))
  assert.ok(emailOk('a@b.cn'))
  assert.ok(!emailOk('a@.cn'))
  assert.ok(!emailOk('a b@c.cn'))
  assert.ok(dateOk('2026-02-28'))
  assert.ok(!dateOk('2026-02-30'))
})

test('field checks and clean data', () => {
  assert.equal(checkValue({ type: 'text', required: true }, ''), 'required')
  assert.equal(checkValue({ type: 'money', min: 100 }, 99), 'belowMin')
  assert.equal(checkValue({ type: 'money' }, 1.5), 'integer')
  assert.equal(checkValue({ type: 'address' }, { region_code: '620102', detail: '' }), 'addressBoth')
  assert.equal(checkValue({ type: 'address' }, { region_code: '', detail: '' }), null)
  assert.equal(checkValue({ type: 'file', multiple: true }, ['a'.repeat(64)]), null)
  assert.ok(isEmpty({ region_code: '', detail: '' }))
  const fields = [{ key: 'a', type: 'text' }, { key: 'b', type: 'address' }, { key: 'c', type: 'credit_code' }]
  assert.deepEqual(cleanData(fields, { a: ' x ', b: { region_code: '', detail: '' }, c: '91350100m000100y43', z: 1 }),
    { a: 'x', c: '91350100M000100Y43' })
})
