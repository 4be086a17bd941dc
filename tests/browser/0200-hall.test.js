// 0200-hall: the service hall (一网通办) in headless chromium against a real server with the built web
// app. Desktop 1366×800: an anonymous visitor finds 政府采购供应商投诉处理 (GSCZT, handled by `finance`:
// 受理 → 审查决定) in the hall, reads its guide, is sent to log in when applying, logs in as
// `citizen`, fills every required field (text, credit code, phone, date, textarea and an uploaded PNG)
// and submits; `finance` approves both steps from 待办 in the console; the citizen sees 已办结 in
// 我的办件, rates every dimension and sees the result; the API confirms status and rating. The bell
// (消息提醒): finance's console bell counts the new task once the citizen has applied, and its
// notification opens 待办 filtered to the case, read; after the approval the citizen's portal bell
// counts it, and its notification opens the case.
// Phone 375×740: the citizen applies for 财政票据领购 (choice and number fields) and rates it in the
// phone-sized UI (the approval goes through the API); hall, apply and 我的办件 never scroll sideways,
// nor does the bell's panel.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { startServer, ROOT, DEMO_PASSWORD, creditCode } = require('../lib/server');
const { launch, newPage, shot, sel, input, consoleLogin } = require('../lib/browser');
const F = require('../lib/fixtures');
const H = require('../lib/hall');

const WEB = process.env.ZHILI_WEB_ROOT || path.join(ROOT, 'web', 'dist');
const COMPLAINT = '62000000CZ-CJ-0001';   // 政府采购供应商投诉处理: accept → decide, dept-admin of GSCZT
const BILLS = '62000000CZ-GG-0001';       // 财政票据领购: accept → decide, dept-admin of GSCZT
// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const CREDIT = creditCode('91620102MA7123456');

let srv; let browser; let d; let citizen; let finance; let items;

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'index.html')), `no built web app at ${WEB} (build web/ first)`);
  srv = await startServer({ name: 'browser-hall', webRoot: WEB });
  d = await F.demo(srv);
  citizen = await srv.login('citizen');
  finance = await srv.login('finance');
  const all = await citizen.all('/api/v1/public/items');
  items = Object.fromEntries(all.map((it) => [it.code, it]));
  assert.ok(items[COMPLAINT] && items[BILLS], `demo items missing: ${Object.keys(items).join(' ')}`);
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const field = (page, key) => page.locator(`${sel(`form-field-${key}`)} input, ${sel(`form-field-${key}`)} textarea`).first();

/** Pick an option of the el-select inside the form field `key`. */
async function choose(page, key, text) {
  await page.locator(`${sel(`form-field-${key}`)} .el-select`).first().click();
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: text }).first().click();
}

/** The portal login page (reached through a redirect): log in and wait to leave it. */
async function portalLogin(page, username) {
  await page.locator(sel('page-portal-login')).waitFor();
  await input(page, 'login-username').fill(username);
  await input(page, 'login-password').fill(DEMO_PASSWORD);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await page.locator(sel('login-submit')).click();
  assert.equal((await answer).status(), 200, `portal login ${username}`);
}

/** The hall: search by name, then the card of the item (asserted to be the one). */
async function findInHall(page, item) {
  await page.locator(sel('page-portal-items')).waitFor();
  await input(page, 'items-q').fill(item.name);
  const searched = page.waitForResponse((r) => r.url().includes('/api/v1/public/items') && r.url().includes('q='));
  await page.locator(sel('items-search')).click();
  assert.equal((await searched).status(), 200);
  const card = page.locator(`${sel('item-card')}[data-key="${item.id}"]`);
  await card.waitFor();
  assert.equal(await card.getAttribute('data-code'), item.code);
  assert.equal((await card.locator(sel('item-card-name')).innerText()).trim(), item.name);
  return card;
}

/** Submit the apply form; returns the new application (from the POST answer) after the UI shows its code. */
async function submitApply(page) {
  const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/applications') && r.request().method() === 'POST');
  await page.locator(sel('apply-submit')).click();
  const res = await posted;
  assert.equal(res.status(), 201, await res.text());
  const app = await res.json();
  await page.locator(sel('apply-result')).waitFor();
  assert.equal((await page.locator(`${sel('apply-result')} ${sel('app-code')}`).innerText()).trim(), app.code);
  assert.equal(await page.locator(`${sel('apply-result')} ${sel('app-status')}`).getAttribute('data-status'), 'running');
  return app;
}

/** Wait until the header's bell shows n unread (its data-count, and the badge's text when n > 0). */
async function bellShows(page, n) {
  await page.waitForFunction(([s, want]) => {
    const b = document.querySelector(s);
    return b && b.dataset.count === String(want);
  }, [sel('notify-bell'), n]);
  if (n > 0) assert.equal((await page.locator(`${sel('notify-count')} .el-badge__content`).innerText()).trim(), String(n));
}
const unreadOf = async (who) => (await who.ok('/api/v1/notifications/unread-count')).unread;

/** Open the bell's panel and click the notification of this kind about this case; it is marked read. */
async function openNotification(page, kind, code) {
  await page.locator(sel('notify-bell')).click();
  const note = page.locator(`${sel('notify-item')}[data-kind="${kind}"][data-read="0"]`).filter({ hasText: code }).first();
  await note.waitFor();
  const read = page.waitForResponse((r) => /\/api\/v1\/notifications\/\d+\/read$/.test(r.url()));
  await note.click();
  assert.equal((await read).status(), 200);
}

/** 我的办件: the row of the application shows approved; open its detail and rate every dimension 5. */
async function rateInUi(page, app, name) {
  await page.goto(`${srv.base}/#/portal/mine/applications`);
  await page.locator(sel('page-portal-apps')).waitFor();
  const row = page.locator(`${sel('app-row')}[data-key="${app.code}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-status'), 'approved');
  assert.equal(await row.locator(sel('app-row-status')).getAttribute('data-status'), 'approved');
  assert.match(await row.locator(sel('app-row-status')).innerText(), /已办结|办结|通过|approved/i);
  const width = await overflow(page);
  await shot(page, `${name}-myapps`);
  await row.locator(sel('app-row-open')).click();
  await page.locator(`${sel('app-detail')}[data-id="${app.id}"]`).waitFor();
  await page.locator(`${sel('app-detail')} ${sel('app-code')}`).waitFor();
  assert.equal((await page.locator(`${sel('app-detail')} ${sel('app-code')}`).innerText()).trim(), app.code);
  assert.equal(await page.locator(`${sel('app-detail')} ${sel('app-status')}`).first().getAttribute('data-status'), 'approved');
  await page.locator(sel('app-rate')).click();
  const dialog = page.locator(`${sel('rate-dialog')}:visible`).first();
  await dialog.waitFor();
  const set = await citizen.ok('/api/v1/public/rating-sets?channel=online');
  assert.ok(set.dimensions.length >= 3, JSON.stringify(set));
  await page.locator(`${sel(`rate-${set.dimensions.length - 1}`)}`).waitFor();
  assert.equal(await page.locator(`${sel('rate-dialog')} [data-test^="rate-"][data-dim]`).count(), set.dimensions.length);
  assert.ok(await page.locator(sel('rate-submit')).isDisabled(), 'rating can be sent before every dimension is scored');
  for (let i = 0; i < set.dimensions.length; i++) {
    const rate = page.locator(sel(`rate-${i}`));
    assert.equal(await rate.getAttribute('data-dim'), set.dimensions[i]);
    await rate.locator('.el-rate__item').nth(4).click();
  }
  await page.locator(`${sel('rate-tag')}[data-key="办事效率高"]`).click();
  await input(page, 'rate-comment').fill('办理快，指南清楚');
  await shot(page, `${name}-rate-dialog`);
  const posted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/applications/${app.id}/rating`) && r.request().method() === 'POST');
  await page.locator(sel('rate-submit')).click();
  const res = await posted;
  assert.equal(res.status(), 201, await res.text());
  const result = page.locator(sel('rate-result'));
  await result.waitFor();
  assert.equal(await result.getAttribute('data-overall'), '5');
  assert.equal((await page.locator(sel('rate-level')).innerText()).trim(), '非常满意');
  await shot(page, `${name}-rate-result`);
  return { set, width };
}

/** The API's view: approved, finished, both steps approved by finance, and rated once (a second rating is refused). */
async function checkApi(app, set) {
  const v = await H.view(citizen, app.id);
  assert.equal(v.status, 'approved');
  assert.ok(v.finished_at, 'no finished_at');
  assert.equal(v.case.status, 'approved');
  const approvals = v.history.filter((h) => h.action === 'approve');
  assert.deepEqual(approvals.map((h) => h.step), ['accept', 'decide'], JSON.stringify(v.history));
  const scores = Object.fromEntries(set.dimensions.map((dim) => [dim, 1]));
  const again = await citizen.post(`/api/v1/applications/${app.id}/rating`, { scores });
  assert.equal(again.status, 409, `a second rating was not refused: ${again.status} ${again.text}`);
  const summary = await citizen.ok('/api/v1/public/ratings/summary?by=item');
  const mine = summary.items.find((x) => x.id === app.item_id);
  assert.ok(mine && mine.count >= 1 && mine.average === 5, `the rating is not in the summary: ${JSON.stringify(mine)}`);
  return v;
}

test('desktop: apply in the hall, finance approves both steps in the console, the citizen rates', async () => {
  const item = items[COMPLAINT];
  const page = await newPage(browser, { viewport: { width: 1366, height: 800 } });

  // An anonymous visitor finds the item and its guide.
  await page.goto(`${srv.base}/#/portal/items`);
  const card = await findInHall(page, item);
  await shot(page, 'hall-desktop-items');
  await card.locator(sel('item-guide-link')).click();
  await page.locator(sel('page-portal-item')).waitFor();
  assert.equal((await page.locator(sel('item-name')).innerText()).trim(), item.name);
  await page.locator(sel('item-materials')).waitFor();
  assert.ok(await page.locator(`${sel('material-row')}[data-key="投诉书"]`).count() >= 1, 'the guide lacks the material 投诉书');
  await shot(page, 'hall-desktop-guide');

  // Applying needs a login: the portal login sends the citizen back to the form.
  await page.locator(sel('item-apply')).first().click();
  await portalLogin(page, 'citizen');
  await page.locator(sel('page-portal-apply')).waitFor();
  assert.ok(page.url().includes(`/portal/apply/${item.id}`), `not back on the apply page: ${page.url()}`);
  await page.locator(sel('item-form')).waitFor();
  assert.equal((await page.locator(sel('apply-item-name')).innerText()).trim(), item.name);

  // An empty submit is stopped in the browser (no application is made).
  let posts = 0;
  const count = (r) => { if (r.url().endsWith('/api/v1/applications') && r.request().method() === 'POST') posts += 1; };
  page.on('request', count);
  await page.locator(sel('apply-submit')).click();
  await page.locator(`${sel('form-field-unit_name')}.is-error`).waitFor();
  assert.equal(posts, 0, 'an empty form was sent');
  page.off('request', count);

  await field(page, 'unit_name').fill('甘肃测试科技有限公司');
  await field(page, 'credit_code').fill(CREDIT);
  await field(page, 'phone').fill('13912345678');
  await field(page, 'project_code').fill('GSZC-2026-001');
  const date = field(page, 'question_date');
  await date.click();
  await date.fill('2026-01-05');
  await date.press('Enter');
  await page.locator(sel('item-form')).click({ position: { x: 5, y: 5 } });
  await field(page, 'reason').fill('质疑答复期满未获答复，依法提出投诉。');
  await field(page, 'reason').press('Tab');
  const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/v1/uploads') && r.request().method() === 'POST');
  await page.locator(sel('form-field-evidence-file')).setInputFiles({ name: '证明材料.png', mimeType: 'image/png', buffer: PNG });
  const up = await uploaded;
  assert.equal(up.status(), 201, await up.text());
  const digest = (await up.json()).digest;
  await page.locator(`${sel('form-field-evidence-item')}[data-key="${digest}"]`).waitFor();
  // (the checks run asynchronously: give them a moment before reading the marks)
  await page.waitForFunction(() => [...document.querySelectorAll('.el-form-item.is-error')]
    .every((e) => e.dataset.test === 'form-field-evidence'), null, { timeout: 3000 }).catch(() => {});
  await shot(page, 'hall-desktop-apply-filled');
  // FileField does not re-validate its el-form-item on change, so the 请填写此项 of the empty submit stays
  // under the uploaded file until the next submit (an app bug, harmless: submit validates again).
  const wrong = await page.locator('.el-form-item.is-error').evaluateAll((els) => els.map((e) => `${e.dataset.test}: ${e.innerText}`));
  assert.deepEqual(wrong.filter((w) => !w.startsWith('form-field-evidence:')), [], 'fields are still marked wrong');
  const app = await submitApply(page);
  await shot(page, 'hall-desktop-apply-result');
  const submitted = await H.view(citizen, app.id);
  assert.equal(submitted.status, 'running');
  assert.deepEqual(submitted.data, {
    unit_name: '甘肃测试科技有限公司', credit_code: CREDIT, phone: '13912345678', project_code: 'GSZC-2026-001',
    question_date: '2026-01-05', reason: '质疑答复期满未获答复，依法提出投诉。', evidence: [digest],
  });
  assert.equal(submitted.case.step, 'accept');
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // finance handles both steps (受理, then 审查决定) from 待办.
  const staff = await newPage(browser, { viewport: { width: 1366, height: 800 } });
  await consoleLogin(staff, srv.base, 'finance', DEMO_PASSWORD);
  // The bell counts the task the citizen's application gave finance; its notification opens 待办
  // filtered to the case, and is read.
  const finUnread = await unreadOf(finance);
  assert.ok(finUnread >= 1, 'finance was not notified of the new task');
  await bellShows(staff, finUnread);
  await openNotification(staff, 'task', app.code);
  await staff.locator(sel('page-tasks')).waitFor();
  assert.ok(decodeURIComponent(staff.url()).endsWith(`/console/tasks?q=${app.code}`), staff.url());
  await staff.locator(sel('task-row')).filter({ hasText: app.code }).first().waitFor();
  await bellShows(staff, finUnread - 1);
  await shot(staff, 'hall-desktop-notified-tasks');
  await staff.locator(sel('menu-tasks')).click();
  await staff.locator(sel('page-tasks')).waitFor();
  for (const stepId of ['accept', 'decide']) {
    const task = await H.taskOf(finance, app.id, stepId);
    assert.equal(task.step, stepId);
    const done = staff.waitForResponse((r) => r.url().includes('/api/v1/tasks?'));
    await staff.locator(sel('tasks-refresh')).click();
    await done;
    const row = staff.locator(`${sel('task-row')}[data-key="${task.id}"]`);
    await row.waitFor();
    assert.ok((await row.innerText()).includes(app.code), `the task row lacks ${app.code}`);
    await row.locator(sel('task-open')).click();
    const drawer = staff.locator(`${sel('task-drawer')}:visible`).first();
    await drawer.waitFor();
    await staff.locator(`${sel('task-drawer')} ${sel('app-code')}`).filter({ hasText: app.code }).first().waitFor();
    assert.equal((await staff.locator(sel('task-step')).innerText()).trim(), stepId === 'accept' ? '受理' : '审查决定');
    await shot(staff, `hall-desktop-task-${stepId}`);
    await staff.locator(sel('task-approve')).click();
    const dialog = staff.locator(`${sel('task-action-dialog')}[data-action="approve"]:visible, ${sel('task-action-dialog')}:visible`).first();
    await dialog.waitFor();
    await input(staff, 'task-comment-input').fill(stepId === 'accept' ? '材料齐全，予以受理' : '投诉成立，同意');
    const acted = staff.waitForResponse((r) => r.url().endsWith(`/api/v1/tasks/${task.id}/actions/approve`));
    await staff.locator(sel('task-confirm')).click();
    const ar = await acted;
    assert.equal(ar.status(), 200, await ar.text());
    await drawer.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
  }
  assert.equal((await H.tasksOf(finance, app.id)).length, 0, 'finance still has a task of the finished case');
  await staff.locator(sel('task-tab-done')).click();
  await staff.locator(sel('task-row')).filter({ hasText: app.code }).first().waitFor();
  await shot(staff, 'hall-desktop-tasks-done');
  assert.deepEqual(staff.errors, []);
  await staff.context().close();

  // The citizen sees 已办结, opens it and rates it.
  const back = await newPage(browser, { viewport: { width: 1366, height: 800 } });
  await back.goto(`${srv.base}/#/portal/mine/applications`);
  await portalLogin(back, 'citizen');
  // The portal bell counts the approval; its notification opens the case.
  const citUnread = await unreadOf(citizen);
  assert.ok(citUnread >= 1, 'the citizen was not notified of the approval');
  await bellShows(back, citUnread);
  await openNotification(back, 'approved', app.code);
  await back.locator(`${sel('app-detail')}[data-id="${app.id}"]`).waitFor();
  await bellShows(back, citUnread - 1);
  const { set } = await rateInUi(back, app, 'hall-desktop');
  await back.locator('.el-dialog__footer button').filter({ hasText: /关闭|Close/ }).first().click();
  await back.locator(sel('app-rated')).waitFor();
  const v = await checkApi(app, set);
  assert.equal(v.item_id, item.id);
  assert.deepEqual(back.errors, []);
  await back.context().close();
});

test('phone 375×740: apply and rate in the phone layout without sideways scrolling', async () => {
  const item = items[BILLS];
  const page = await newPage(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await page.goto(`${srv.base}/#/portal/login?redirect=/portal/items`);
  await portalLogin(page, 'citizen');
  const card = await findInHall(page, item);
  assert.ok(await overflow(page) <= 1, `the hall scrolls sideways by ${await overflow(page)} px`);
  await shot(page, 'hall-phone-items');
  await card.locator(sel('item-apply')).click();
  await page.locator(sel('page-portal-apply')).waitFor();
  await page.locator(sel('item-form')).waitFor();
  assert.equal((await page.locator(sel('apply-item-name')).innerText()).trim(), item.name);
  assert.ok(await overflow(page) <= 1, `the apply page scrolls sideways by ${await overflow(page)} px`);

  await field(page, 'unit_name').fill('兰州测试事业单位');
  await field(page, 'credit_code').fill(CREDIT);
  await choose(page, 'bill_type', '资金往来结算票据');
  const qty = field(page, 'quantity');
  await qty.fill('12');
  await qty.press('Tab');
  await field(page, 'phone').fill('13712345678');
  await page.locator(sel('apply-item-name')).click();
  await page.waitForFunction(() => !document.querySelector('.el-form-item.is-error'), null, { timeout: 3000 }).catch(() => {});
  assert.equal(await page.locator('.el-form-item.is-error').count(), 0, 'a field is still marked wrong');
  assert.ok(await overflow(page) <= 1, `the filled apply page scrolls sideways by ${await overflow(page)} px`);
  await shot(page, 'hall-phone-apply-filled');
  const app = await submitApply(page);
  assert.ok(await overflow(page) <= 1, `the apply result scrolls sideways by ${await overflow(page)} px`);
  await shot(page, 'hall-phone-apply-result');
  const submitted = await H.view(citizen, app.id);
  assert.deepEqual(submitted.data, {
    unit_name: '兰州测试事业单位', credit_code: CREDIT, bill_type: '资金往来结算票据', quantity: 12, phone: '13712345678',
  });

  // finance approves both steps through the API.
  await H.actOn(finance, app.id, 'approve', { comment: '同意' });
  await H.actOn(finance, app.id, 'approve', { comment: '同意' });

  // The bell counts the approval on the next navigation; its panel fits the phone's width.
  await page.goto(`${srv.base}/#/portal/items`);
  await page.locator(sel('page-portal-items')).waitFor();
  await bellShows(page, await unreadOf(citizen));
  await page.locator(sel('notify-bell')).click();
  await page.locator(`${sel('notify-item')}[data-kind="approved"]`).filter({ hasText: app.code }).first().waitFor();
  const panel = await page.locator(`${sel('notify-panel')}:visible`).first().boundingBox();
  assert.ok(panel && panel.x >= 0 && panel.x + panel.width <= 375, `the bell's panel spans ${JSON.stringify(panel)} on a 375px screen`);
  assert.ok(await overflow(page) <= 1, `the open bell scrolls sideways by ${await overflow(page)} px`);
  await shot(page, 'hall-phone-notify');
  await page.locator(sel('notify-bell')).click();
  await page.locator(`${sel('notify-panel')}`).first().waitFor({ state: 'hidden' });

  const { set, width } = await rateInUi(page, app, 'hall-phone');
  assert.ok(width <= 1, `我的办件 scrolls sideways by ${width} px`);
  const box = await page.locator(`${sel('rate-dialog')}:visible`).first().boundingBox();
  if (box) assert.ok(box.width <= 375, `the rating dialog is ${box.width}px wide on a 375px screen`);
  await checkApi(app, set);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
