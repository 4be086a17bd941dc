// browser.js: playwright-core on Debian's chromium (never a downloaded browser), plus helpers for
// the Element Plus console: log in, pick from selects and tree-selects, screenshots, page errors.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { RESULTS } = require('./server');

const SHOTS = path.join(RESULTS, 'shots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function launch() {
  return chromium.launch({ executablePath: process.env.ZHILI_CHROMIUM || '/usr/bin/chromium', args: ARGS });
}

/** A new page in its own context; page.errors collects uncaught page errors and failed API calls. */
async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 500) page.errors.push(`${r.status()} ${r.url()}`); });
  return page;
}

async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

const sel = (name) => `[data-test="${name}"]`;
/** The native input of an el-input (the attribute lands on the <input> itself, or on a wrapper). */
const input = (page, name) => page.locator(`input[data-test="${name}"], textarea[data-test="${name}"], [data-test="${name}"] input`).first();

/** Log in on the console login page and wait for the dashboard. */
async function consoleLogin(page, base, username, password) {
  await page.goto(`${base}/#/console/login`);
  await input(page, 'login-username').fill(username);
  await input(page, 'login-password').fill(password);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await page.locator(sel('login-submit')).click();
  const r = await answer;
  if (r.status() !== 200) throw new Error(`login ${username}: ${r.status()} ${await r.text()}`);
  await page.locator(sel('page-dashboard')).waitFor();
}

/** Open an el-select by its data-test and click the option with exactly this text. */
async function pickOption(page, name, text) {
  await page.locator(`.el-select${sel(name)}`).first().click();
  const item = page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) });
  await item.first().click();
}

/** Open an el-tree-select by its data-test and click the tree node labelled with this text. */
async function pickTree(page, name, text) {
  await page.locator(`.el-select${sel(name)}`).first().click();
  const node = page.locator('.el-select-dropdown:visible .el-tree-node__content', { hasText: new RegExp(`^\\s*${text}\\s*$`) });
  try {
    await node.first().click();
  } catch (e) {
    await shot(page, `failed-pick-${name}`);
    throw e;
  }
}

module.exports = { launch, newPage, shot, sel, input, consoleLogin, pickOption, pickTree, SHOTS };
