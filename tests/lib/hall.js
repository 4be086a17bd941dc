// hall.js: helpers for the service-hall tests (tests/api/12xx): a service item made as admin with a
// given form and process and published; applying, reading the inbox, acting on tasks; and the
// working-day arithmetic of the official 2025/2026 calendar (the same table as
// src/workflow/holidays_cn.c) to compute the deadlines the server must give.
'use strict';

const assert = require('node:assert/strict');
const { assertStatus } = require('./client');

// ---- the working-day calendar ----------------------------------------------------------------

// 国务院办公厅 schedules, copied from src/workflow/holidays_cn.c: H = day off, W = 调休 working day.
const HOLIDAYS = [
  // 2025
  '2025-01-01', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02',
  '2025-02-03', '2025-02-04', '2025-04-04', '2025-04-05', '2025-04-06', '2025-05-01', '2025-05-02',
  '2025-05-03', '2025-05-04', '2025-05-05', '2025-05-31', '2025-06-01', '2025-06-02', '2025-10-01',
  '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08',
  // 2026
  '2026-01-01', '2026-01-02', '2026-01-03', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18',
  '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23', '2026-04-04', '2026-04-05',
  '2026-04-06', '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05', '2026-06-19',
  '2026-06-20', '2026-06-21', '2026-09-25', '2026-09-26', '2026-09-27', '2026-10-01', '2026-10-02',
  '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
];
const WORKDAYS = [
  '2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11',
  '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10',
];
const HOL = new Set(HOLIDAYS);
const WORK = new Set(WORKDAYS);
const DAY_MS = 86400000;
const TZ_MS = 8 * 3600000; // Asia/Shanghai, no DST

/** "YYYY-MM-DD" of the day (in UTC+8) that contains the instant ms. */
function cnDate(ms) {
  return new Date(ms + TZ_MS).toISOString().slice(0, 10);
}

/** Is the calendar date "YYYY-MM-DD" a working day? */
function isWorkingDay(date) {
  if (HOL.has(date)) return false;
  if (WORK.has(date)) return true;
  const wd = new Date(date + 'T00:00:00Z').getUTCDay();
  return wd !== 0 && wd !== 6;
}

/** The date n days after "YYYY-MM-DD". */
function addDays(date, n) {
  return new Date(Date.parse(date + 'T00:00:00Z') + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The deadline of something received at ms with n working days, as the API writes it: the end
 * (23:59:59+08:00 = 15:59:59Z) of the n-th working day after the day of receipt.
 */
function dueAfter(ms, n) {
  let d = cnDate(ms);
  while (n > 0) {
    d = addDays(d, 1);
    if (isWorkingDay(d)) n -= 1;
  }
  return d + 'T15:59:59Z';
}

/** The n-th working day after the Beijing date `date` ("YYYY-MM-DD"), as a due_at string. */
function dueAfterDate(date, n) {
  return dueAfter(Date.parse(date + 'T12:00:00+08:00'), n);
}

// ---- service items ---------------------------------------------------------------------------

// Codes: 62000000MB-GG-nnnn, unique per server (each test file has its own database); the start
// is random so two files running against a shared database would still rarely meet.
let serial = 1 + Math.floor(Math.random() * 4000);
function itemCode(letters = 'GG') {
  serial += 1;
  return `62000000MB-${letters}-${String(serial).padStart(4, '0')}`;
}

/** Assignee rules. */
const A = {
  inOrg: (role, org) => ({ kind: 'role_in_org', role, org }),
  applicantOrg: (role) => ({ kind: 'role_in_applicant_org', role }),
  parentOrg: (role) => ({ kind: 'role_in_parent_org', role }),
  user: (username) => ({ kind: 'user', username }),
};

/** A step: id, assignee, next (default straight to end), extra keys (name, mode, time_limit_days). */
function step(id, assignee, next = [{ to: 'end' }], extra = {}) {
  return { id, name: extra.name || `步骤${id}`, assignee, next, ...extra };
}

/** A one-step process handled by role in org. */
function oneStep(assignee, extra = {}) {
  return { start: 'review', steps: [step('review', assignee, [{ to: 'end' }], extra)] };
}

/** The body of a new item (public 公共服务 by default). */
function itemBody(orgId, process, opts = {}) {
  const internal = opts.audience === 'internal';
  const letters = internal ? 'NB' : 'GG';
  return {
    code: opts.code || itemCode(letters),
    name: opts.name || (internal ? '测试内部事项' : '测试公共服务事项'),
    org_id: orgId,
    type: internal ? '内部事务' : '公共服务',
    audience: internal ? 'internal' : 'public',
    legal_basis: '《测试条例》第一条',
    conditions: '符合条件的申请人',
    place_hours: '线上办理，全天',
    materials: [{ name: '申请书', required: true }],
    statutory_days: opts.statutory_days || 20,
    promised_days: opts.promised_days !== undefined ? opts.promised_days : 5,
    fees: [],
    visits: opts.visits !== undefined ? opts.visits : 0,
    faq: [],
    form: opts.form || { fields: [{ key: 'reason', label: '事由', type: 'text', required: true }] },
    process,
  };
}

/** POST /api/v1/items as admin; returns the raw answer (for refusals). */
function tryItem(admin, orgId, process, opts = {}) {
  return admin.post('/api/v1/items', itemBody(orgId, process, opts));
}

/** Create and publish an item; returns the published item. */
async function makeItem(admin, orgId, process, opts = {}) {
  const r = await tryItem(admin, orgId, process, opts);
  assertStatus(r, 201);
  if (opts.publish === false) return r.body;
  const p = await admin.post(`/api/v1/items/${r.body.id}/actions/publish`, {});
  assertStatus(p, 200);
  assert.equal(p.body.status, 'published');
  return p.body;
}

// ---- applications and tasks ------------------------------------------------------------------

/** POST /api/v1/applications; returns the raw answer. */
function tryApply(who, itemId, data, opts = {}) {
  const body = { item_id: itemId, data };
  if (opts.draft !== undefined) body.draft = opts.draft;
  if (opts.channel) body.channel = opts.channel;
  const headers = opts.key ? { 'idempotency-key': opts.key } : {};
  return who.post('/api/v1/applications', body, { headers });
}

/** Submit an application that must be accepted (201); returns it. */
async function apply(who, itemId, data = { reason: '测试申请' }, opts = {}) {
  const r = await tryApply(who, itemId, data, opts);
  assertStatus(r, 201);
  return r.body;
}

/** GET /api/v1/applications/{id} as who (must be 200). */
async function view(who, id) {
  return who.ok(`/api/v1/applications/${id}`);
}

/** The caller's open tasks for application id (GET /api/v1/tasks). */
async function tasksOf(who, appId, query = '') {
  const items = await who.all('/api/v1/tasks' + query);
  return items.filter((t) => t.subject === 'application' && t.subject_id === appId);
}

/** The caller's one open task for application id: asserts there is exactly one. */
async function taskOf(who, appId, label = '') {
  const t = await tasksOf(who, appId);
  assert.equal(t.length, 1, `${label} ${who.user ? who.user.username : '?'}: open tasks of application ` +
    `${appId}: ${JSON.stringify(t)}`);
  return t[0];
}

/** POST /api/v1/tasks/{id}/actions/{action}; returns the raw answer. */
function act(who, taskId, action, body = {}) {
  return who.post(`/api/v1/tasks/${taskId}/actions/${action}`, body);
}

/** Act on the caller's one task of an application; asserts 200. */
async function actOn(who, appId, action, body = {}) {
  const t = await taskOf(who, appId, action);
  const r = await act(who, t.id, action, body);
  assertStatus(r, 200);
  return t;
}

/** POST /api/v1/applications/{id}/actions/{action} as the applicant; returns the raw answer. */
function appAct(who, appId, action) {
  return who.post(`/api/v1/applications/${appId}/actions/${action}`, {});
}

/** The id of a role by its code, from GET /api/v1/roles as admin. */
async function roleId(admin, code) {
  const roles = await admin.all('/api/v1/roles');
  const r = roles.find((x) => x.code === code);
  assert.ok(r, `role ${code} missing`);
  return r.id;
}

/** A citizen registered through the public portal, logged in. */
async function citizen(server, uniq) {
  const username = uniq('cz');
  const password = 'Citizen#2026';
  const c = server.client();
  const r = await c.post('/api/v1/public/citizens', { username, password, display_name: '公众' + username.slice(-4) });
  assertStatus(r, 201);
  return server.login(username, password);
}

/** A valid 18-digit 居民身份证号 from its first 17 digits (GB 11643 check character). */
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[s % 11];
}

/** A small PDF document (the server sniffs %PDF-). */
function pdf(text = 'zhili test') {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

module.exports = {
  HOLIDAYS, WORKDAYS, cnDate, isWorkingDay, addDays, dueAfter, dueAfterDate,
  itemCode, A, step, oneStep, itemBody, tryItem, makeItem,
  tryApply, apply, view, tasksOf, taskOf, act, actOn, appAct, roleId, citizen, idNumber, pdf,
};
