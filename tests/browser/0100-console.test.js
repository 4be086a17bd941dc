// 0100-console: the staff console in headless chromium against a real server with the built web
// app: admin logs in, creates an org and a user through the UI; finance then cannot see an
// 教育厅 user nor open its record; a phone-width (375×740) pass of login and the users page.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { startServer, ROOT, DEMO_PASSWORD, uniq } = require('../lib/server');
const { launch, newPage, shot, sel, input, consoleLogin, pickOption, pickTree } = require('../lib/browser');
const F = require('../lib/fixtures');

const WEB = process.env.ZHILI_WEB_ROOT || path.join(ROOT, 'web', 'dist');
let srv; let browser; let d;
const code = uniq('UI').toUpperCase();
const orgName = `界面测试处${code}`;
const username = uniq('ui');

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'index.html')), `no built web app at ${WEB} (build web/ first)`);
  srv = await startServer({ name: 'browser-console', webRoot: WEB });
  d = await F.demo(srv);
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('admin logs in to the console', async () => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  await consoleLogin(page, srv.base, 'admin', DEMO_PASSWORD);
  await assert.doesNotReject(page.locator(sel('me-name')).waitFor());
  assert.match(await page.locator(sel('me-name')).innerText(), /系统管理员|admin/);
  await shot(page, 'desktop-dashboard-admin');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a wrong password shows an error and stays on the login page', async () => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  await page.goto(`${srv.base}/#/console/login`);
  await input(page, 'login-username').fill('admin');
  await input(page, 'login-password').fill('Wrong#pass1');
  await page.locator(sel('login-submit')).click();
  await page.locator(sel('login-error')).waitFor();
  assert.ok(page.url().includes('/console/login'));
  await shot(page, 'desktop-login-error');
  await page.context().close();
});

test('admin creates an org and a user through the UI', async () => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  await consoleLogin(page, srv.base, 'admin', DEMO_PASSWORD);

  await page.locator(sel('menu-orgs')).click();
  await page.locator(sel('page-orgs')).waitFor();
  await page.locator(`${sel('org-node')}[data-key="GSCZT"]`).click();
  await page.locator(sel('org-create')).click();
  const dialog = page.locator(`.el-dialog${sel('org-dialog')}, ${sel('org-dialog')}`).first();
  await dialog.waitFor();
  await input(page, 'org-new-code').fill(code);
  await input(page, 'org-new-name').fill(orgName);
  await pickOption(page, 'org-new-kind', '事业单位/内设机构');
  await shot(page, 'desktop-org-dialog');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/orgs') && r.request().method() === 'POST');
  await page.locator(sel('org-new-save')).click();
  const orgRes = await created;
  assert.equal(orgRes.status(), 201, await orgRes.text());
  await page.locator(`${sel('org-node')}[data-key="${code}"]`).waitFor();
  const org = (await d.admin.ok(`/api/v1/orgs?q=${code}`)).items[0];
  assert.ok(org, 'the org is not in the API');
  assert.equal(org.parent_id, d.orgs.GSCZT.id);
  assert.equal(org.name, orgName);
  await shot(page, 'desktop-orgs-created');

  await page.locator(sel('menu-users')).click();
  await page.locator(sel('page-users')).waitFor();
  await page.locator(sel('user-create')).click();
  await page.locator(sel('user-dialog')).first().waitFor();
  await input(page, 'user-username').fill(username);
  await input(page, 'user-display-name').fill('界面用户');
  await input(page, 'user-password').fill(F.STRONG_PASSWORD);
  await pickTree(page, 'user-org', orgName);
  await input(page, 'user-phone').fill('13712345678');
  await pickOption(page, 'user-roles', '经办人');
  await page.keyboard.press('Tab');
  const uRes = page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST');
  await page.locator(sel('user-save')).click();
  const ur = await uRes;
  assert.equal(ur.status(), 201, await ur.text());
  await page.locator(`${sel('user-row')}[data-key="${username}"]`).waitFor();
  const row = await page.locator(`${sel('user-row')}[data-key="${username}"]`).innerText();
  assert.ok(row.includes('137****5678'), `the list shows the phone unmasked or not at all: ${row}`);
  const u = (await d.admin.ok(`/api/v1/users?q=${username}`)).items[0];
  assert.equal(u.org_id, org.id);
  assert.deepEqual(u.roles.map((r) => r.name), ['经办人']);
  await shot(page, 'desktop-users-created');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('finance does not see 教育厅 users or orgs, and the record URL is refused', async () => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  await consoleLogin(page, srv.base, 'finance', DEMO_PASSWORD);
  await page.locator(sel('menu-users')).click();
  await page.locator(sel('page-users')).waitFor();
  await page.locator(`${sel('user-row')}[data-key="finance"]`).waitFor();
  assert.equal(await page.locator(`${sel('user-row')}[data-key="edu"]`).count(), 0, 'edu is listed to finance');
  assert.equal(await page.locator(`${sel('user-row')}[data-key="admin"]`).count(), 0, 'admin is listed to finance');
  await input(page, 'user-filter-q').fill('edu');
  const searched = page.waitForResponse((r) => r.url().includes('/api/v1/users?') && r.url().includes('q=edu'));
  await page.locator(sel('user-search')).click();
  assert.equal((await searched).status(), 200);
  assert.equal(await page.locator(`${sel('user-row')}[data-key="edu"]`).count(), 0);
  await shot(page, 'desktop-users-finance');

  await page.locator(sel('menu-orgs')).click();
  await page.locator(`${sel('org-node')}[data-key="GSCZT"]`).waitFor();
  assert.equal(await page.locator(`${sel('org-node')}[data-key="GSJYT"]`).count(), 0, '教育厅 in finance\'s tree');
  assert.equal(await page.locator(`${sel('org-node')}[data-key="GSJYT-BGS"]`).count(), 0);
  assert.equal(await page.locator(sel('menu-roles')).count(), 0, 'finance sees the roles menu without role.read');

  const eduId = d.users.edu.id;
  const inPage = await page.evaluate(async (id) => (await fetch(`/api/v1/users/${id}`)).status, eduId);
  assert.equal(inPage, 404, 'the 教育厅 user record answered finance');
  const nav = await page.goto(`${srv.base}/api/v1/users/${eduId}`);
  assert.equal(nav.status(), 404);
  const own = await page.evaluate(async (id) => (await fetch(`/api/v1/users/${id}`)).status, d.users.staff.id);
  assert.equal(own, 200, 'finance cannot read its own department (the session was not used)');
  await page.context().close();
});

test('phone width 375×740: login and the users page fit and work', async () => {
  const page = await newPage(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await page.goto(`${srv.base}/#/console/login`);
  await page.locator(sel('login-submit')).waitFor();
  await shot(page, 'phone-login');
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(await overflow() <= 1, `login page scrolls sideways by ${await overflow()} px`);
  await consoleLogin(page, srv.base, 'admin', DEMO_PASSWORD);
  await page.locator(sel('menu-toggle')).click();
  await page.locator(`${sel('menu-drawer')} ${sel('menu-users')}, ${sel('menu-drawer')}${sel('menu-users')}`).first().waitFor();
  await shot(page, 'phone-menu');
  await page.locator(sel('menu-users')).last().click();
  await page.locator(sel('page-users')).waitFor();
  await page.locator(`${sel('user-row')}[data-key="finance"]`).waitFor();
  assert.ok(await overflow() <= 1, `users page scrolls sideways by ${await overflow()} px`);
  await shot(page, 'phone-users');
  await page.locator(sel('user-create')).click();
  await input(page, 'user-username').waitFor();
  const box = await page.locator(sel('user-dialog')).first().boundingBox().catch(() => null);
  if (box) assert.ok(box.width <= 375, `the user dialog is ${box.width}px wide on a 375px screen`);
  await shot(page, 'phone-user-dialog');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
