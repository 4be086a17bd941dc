// Screenshots of the main pages at desktop and phone width, for a person to look at.
// Usage: BASE=http://127.0.0.1:8099 OUT=/tmp/shots node scripts/shots.mjs
// Reports console errors, CSP violations and horizontal overflow per page.
import { createRequire } from 'node:module'
import { mkdirSync } from 'node:fs'

const require = createRequire(import.meta.url)
let pw
try { pw = require('../../tests/node_modules/playwright-core') } catch (e) { pw = require('playwright-core') }

const BASE = process.env.BASE || 'http://127.0.0.1:8099'
const OUT = process.env.OUT || '/tmp/shots'
const USER = process.env.ZL_USER || 'admin'
const PASS = process.env.ZL_PASS || 'Zhili@2026'
mkdirSync(OUT, { recursive: true })

const pages = ['', 'orgs', 'users', 'roles', 'tokens', 'audit', 'logins', 'ledger', 'sessions', 'password']
const sizes = { desktop: { width: 1366, height: 800 }, phone: { width: 375, height: 740 } }

const browser = await pw.chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
let problems = 0
for (const [label, viewport] of Object.entries(sizes)) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN' })
  const page = await ctx.newPage()
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) { problems++; console.log(`[${label}] console: ${m.text()}`) } })
  page.on('pageerror', (e) => { problems++; console.log(`[${label}] pageerror: ${e.message}`) })
  const check = async (name) => {
    await page.waitForTimeout(600)
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    if (over > 0) { problems++; console.log(`[${label}] ${name}: horizontal overflow ${over}px`) }
    await page.screenshot({ path: `${OUT}/${label}-${name}.png`, fullPage: false })
  }
  await page.goto(`${BASE}/#/`)
  await page.waitForSelector('[data-test=portal-title]')
  await check('portal-home')
  await page.goto(`${BASE}/#/portal/ledger`)
  await page.waitForSelector('[data-test=portal-ledger-size]')
  await check('portal-ledger')
  await page.goto(`${BASE}/#/portal/register`)
  await page.waitForSelector('[data-test=register-username]')
  await check('portal-register')
  await page.goto(`${BASE}/#/console/login`)
  await page.waitForSelector('[data-test=login-username]')
  await page.fill('[data-test=login-username]', USER)
  await page.fill('[data-test=login-password]', 'wrong-password')
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=login-error]').catch(() => {})
  await check('login-error')
  await page.fill('[data-test=login-password]', PASS)
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=page-dashboard]')
  for (const p of pages) {
    await page.goto(`${BASE}/#/console/${p}`)
    await page.waitForLoadState('networkidle')
    await check(`console-${p || 'dashboard'}`)
  }
  await ctx.close()
}
await browser.close()
console.log(`shots in ${OUT}; ${problems} problem(s)`)
process.exit(problems ? 1 : 0)
