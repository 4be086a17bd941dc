// server.js: start a real `zhili serve` on a free loopback port against a fresh database
// (a SQLite temp file, or a new database on the PostgreSQL cluster named by ZHILI_TEST_PG),
// migrated and seeded with the demo data; stop it and drop the database at the end.
// Exports startServer(opts) -> Server, plus the HTTP helpers re-exported from client.js.
'use strict';

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const client = require('./client');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.ZHILI_BIN || path.join(ROOT, 'build', 'zhili');
// ZHILI_TEST_RESULTS moves the results (and server logs) away from build/test-results.
const RESULTS = process.env.ZHILI_TEST_RESULTS || path.join(ROOT, 'build', 'test-results');
const LOG_DIR = path.join(RESULTS, 'logs');

/** The backend under test: postgresql when ZHILI_TEST_PG is set, else sqlite. */
function backend() {
  return process.env.ZHILI_TEST_PG ? 'postgresql' : 'sqlite';
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function psql(url, sql) {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql],
    { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Swap the database name of a postgresql:// URL. */
function pgUrlWithDb(url, db) {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

function runCli(args, env) {
  try {
    return execFileSync(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 }).toString();
  } catch (e) {
    const out = (e.stdout || '') + (e.stderr || '');
    throw new Error(`zhili ${args.join(' ')} failed (${e.status}): ${out}`);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A stub web root so static-file tests do not depend on the web build. */
function stubWebRoot(dir) {
  const root = path.join(dir, 'web');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'),
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>治理</title></head>' +
    '<body><div id="app">治理 stub</div></body></html>\n');
  fs.writeFileSync(path.join(root, 'assets', 'app.css'), 'body{margin:0}\n');
  // The server serves /api/v1/openapi.json from the web root (built from docs/openapi.yaml by web/).
  const built = path.join(ROOT, 'web', 'dist', 'openapi.json');
  if (fs.existsSync(built)) fs.copyFileSync(built, path.join(root, 'openapi.json'));
  return root;
}

/**
 * Start a server. opts:
 *   env:     extra environment (e.g. { ZHILI_LOGIN_RATE_PER_MINUTE: '3' })
 *   seed:    run seed-demo (default true)
 *   webRoot: directory served as static files (default: a stub with index.html)
 *   name:    label for the log file (default: the test file's name)
 */
async function startServer(opts = {}) {
  if (!fs.existsSync(BIN)) throw new Error(`server binary missing: ${BIN} (run make first)`);
  const name = opts.name || path.basename(require.main ? require.main.filename : 'test', '.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhili-test-'));
  const kind = backend();
  let db;
  let pgDb = null;
  if (kind === 'postgresql') {
    pgDb = 'zt_' + crypto.randomBytes(6).toString('hex');
    psql(process.env.ZHILI_TEST_PG, `CREATE DATABASE ${pgDb}`);
    db = pgUrlWithDb(process.env.ZHILI_TEST_PG, pgDb);
  } else {
    db = 'sqlite:' + path.join(dir, 'zhili.db');
  }
  const env = {
    ...process.env,
    // Tests log in often from one address; the rate-limit test lowers this again.
    ZHILI_LOGIN_RATE_PER_MINUTE: '100000',
    ZHILI_ACCESS_LOG: '-',
    // The log's signing key, one per server (the default for PostgreSQL is a shared var/ledger.key).
    ZHILI_LEDGER_KEY: path.join(dir, 'ledger.key'),
    ...(opts.env || {}),
  };
  delete env.ZHILI_TEST_PG;
  runCli(['migrate', '--db', db], env);
  if (opts.seed !== false) runCli(['seed-demo', '--db', db], env);

  const port = await freePort();
  const webRoot = opts.webRoot || stubWebRoot(dir);
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const logPath = path.join(LOG_DIR, `${name}-${kind}-${port}.log`);
  const base = `http://127.0.0.1:${port}`;
  let child;
  let exited = null;

  /** Spawn `zhili serve` (appending to the log) and wait until /health answers 200. */
  async function launch() {
    const logFd = fs.openSync(logPath, 'a');
    const c = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--web-root', webRoot],
      { env, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    child = c;
    exited = null;
    c.on('exit', (code, sig) => { if (child === c) exited = { code, sig }; });
    const deadline = Date.now() + 20000;
    for (;;) {
      if (exited) {
        throw new Error(`server exited early (${JSON.stringify(exited)}); log ${logPath}:\n` +
          fs.readFileSync(logPath, 'utf8').slice(-2000));
      }
      try {
        const r = await fetch(base + '/api/v1/health');
        if (r.status === 200) { await r.arrayBuffer(); break; }
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) {
        c.kill('SIGKILL');
        throw new Error(`server not healthy within 20 s; log ${logPath}`);
      }
      await sleep(50);
    }
  }

  /** Stop the server process (SIGTERM, then SIGKILL); the database stays. */
  async function halt() {
    if (!exited) {
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && !exited; i++) await sleep(50);
      if (!exited) child.kill('SIGKILL');
      for (let i = 0; i < 40 && !exited; i++) await sleep(50);
    }
  }

  fs.writeFileSync(logPath, '');
  await launch();

  const server = {
    base, port, db, dir, backend: kind, logPath, child, env,
    /** The log's signing key file (ZHILI_LEDGER_KEY). */
    ledgerKey: env.ZHILI_LEDGER_KEY,
    /** A fresh client bound to this server. */
    client: () => new client.Client(base),
    /** A client already logged in (throws unless the login answers 200). */
    login: async (username, password = client.DEMO_PASSWORD) => {
      const c = new client.Client(base);
      await c.login(username, password);
      return c;
    },
    /** Run a zhili subcommand against this server's database. */
    cli: (args, input) => execFileSync(BIN, [...args, '--db', db], { env, input, timeout: 60000 }).toString(),
    /** Stop the process only, keeping the database (e.g. to change it behind the server's back). */
    halt: async () => { await halt(); },
    /** Start the process again on the same database and port (after halt). */
    restart: async () => {
      await halt();
      await launch();
      server.child = child;
    },
    stop: async () => {
      await halt();
      if (pgDb) {
        try { psql(process.env.ZHILI_TEST_PG || '', `DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`); } catch { /* cluster gone */ }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  // ZHILI_TEST_PG was removed from the child's env only; keep it for stop().
  return server;
}

module.exports = { startServer, backend, freePort, sleep, ROOT, BIN, RESULTS, ...client };
