// 0300-items-import: 事项管理 → 导入 in headless chromium against a real server with the built web app.
// admin uploads a workbook with a bad org code and sees the bad cell listed, nothing imported; then a
// good one with 导入后发布, sees 新建 1 项 and the new item in the table, published. At phone width
// (375×740) the dialog fits without sideways scrolling and offers the template.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { startServer, ROOT, DEMO_PASSWORD } = require('../lib/server');
const { launch, newPage, shot, sel, consoleLogin } = require('../lib/browser');
const F = require('../lib/fixtures');
const X = require('../lib/xlsx');

const WEB = process.env.ZHILI_WEB_ROOT || path.join(ROOT, 'web', 'dist');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CODE = `62000000TS-GG-${String(1000 + Math.floor(Math.random() * 8000))}`;
const FORM = { fields: [{ key: 'reason', label: '事由', type: 'textarea', required: true }] };
const PROCESS = { start: 'dept', steps: [{ id: 'dept', name: '审核',
  assignee: { kind: 'role_in_org', role: 'dept-admin', org: 'GSCZT' }, next: [{ to: 'end' }] }] };

let srv; let browser; let d;
before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'index.html')), `no built web app at ${WEB} (build web/ first)`);
  srv = await startServer({ name: 'browser-items-import', webRoot: WEB });
  d = await F.demo(srv);
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

/** A workbook of one item of the org with this code. */
function book(orgCode) {
  return X.workbook({
    事项清单: [
      ['事项编码', '事项名称', '事项类型', '服务对象', '实施机构编码', '设定依据', '法定办结时限（工作日）',
        '承诺办结时限（工作日）', '到办事现场次数'],
      [CODE, '界面导入事项', '公共服务', '面向公众', orgCode, '《机关事务管理条例》', 10, 5, 0],
    ],
    表单与流程: [['事项编码', '申请表单（JSON）', '办理流程（JSON）'], [CODE, JSON.stringify(FORM), JSON.stringify(PROCESS)]],
  });
}

async function openImport(page) {
  await page.goto(`${srv.base}/#/console/items`);
  await page.locator(sel('page-items')).waitFor();
  await page.locator(sel('item-import')).click();
  await page.locator(sel('item-import-dialog')).waitFor();
  await page.waitForTimeout(400);   // the dialog's fade-in, for the screenshots
}

async function upload(page, name, buffer) {
  await page.locator(`input${sel('item-import-file')}`).setInputFiles({ name, mimeType: XLSX, buffer });
  assert.equal(await page.locator(sel('item-import-name')).innerText(), name);
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/items/import'));
  await page.locator(sel('item-import-submit')).click();
  return answer;
}

test('desktop: a bad cell is listed and nothing is imported; then the good workbook is', async () => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  await consoleLogin(page, srv.base, 'admin', DEMO_PASSWORD);
  await openImport(page);
  assert.equal(await page.locator(sel('item-import-template')).getAttribute('href'), '/api/v1/items/import-template.xlsx');

  assert.equal((await upload(page, '有误.xlsx', book('NO-SUCH-ORG'))).status(), 400);
  await page.locator(sel('item-import-errors')).waitFor();
  assert.deepEqual(await page.locator(sel('item-import-cell')).allInnerTexts(), ['事项清单!E2']);
  assert.match(await page.locator(sel('item-import-errors')).innerText(), /没有编码为「NO-SUCH-ORG」的机构/);
  assert.match(await page.locator(sel('item-import-problem')).innerText(), /未导入任何事项/);
  await shot(page, 'desktop-items-import-errors');
  assert.equal((await d.admin.ok(`/api/v1/items?q=${CODE}`)).items.length, 0);

  await page.locator(sel('item-import-publish')).click();
  assert.equal((await upload(page, '正确.xlsx', book('GSCZT'))).status(), 200);
  await page.locator(sel('item-import-result')).waitFor();
  assert.match(await page.locator(sel('item-import-result')).innerText(), /新建 1 项，更新 0 项/);
  assert.equal(await page.locator(sel('item-import-errors')).count(), 0);
  await shot(page, 'desktop-items-import-done');
  await page.keyboard.press('Escape');
  await page.locator(sel('item-table')).getByText(CODE).waitFor();
  const [it] = (await d.admin.ok(`/api/v1/items?q=${CODE}`)).items;
  assert.equal(it.status, 'published');
  assert.equal(it.org_id, d.orgs.GSCZT.id);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('phone 375×740: the import dialog fits the screen', async () => {
  const page = await newPage(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  await consoleLogin(page, srv.base, 'admin', DEMO_PASSWORD);
  await openImport(page);
  const box = await page.locator(`${sel('item-import-dialog')}`).boundingBox();
  assert.ok(box && box.width <= 375, `dialog ${box && box.width}px wide`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, 'sideways scroll');
  await shot(page, 'phone-items-import');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
