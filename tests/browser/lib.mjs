// What every journey and the page sweep share: the browser, signing in (with the second factor),
// the watch for console errors, CSP violations and server errors, accessibility checks with
// axe-core, screenshots and PDFs of print views.

import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const axeSource = readFileSync(join(here, 'vendor/axe-core-4.14.1/axe.min.js'), 'utf8');

export const DEMO_PASSWORD = 'Demo#2026gsyf';
export const VIEWPORT = { width: 1366, height: 768 };

/// Debian's Chromium, headless; never a browser Playwright would download. The flags keep it
/// from reaching for Google's services, which a closed network refuses.
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/// The run's findings: every check, and every problem seen on any page.
export class Report {
  constructor(out) {
    this.out = out;
    this.checks = [];
    this.problems = [];
    this.shots = 0;
    this.pdfs = 0;
    this.axed = 0;
    mkdirSync(join(out, 'screens'), { recursive: true });
    mkdirSync(join(out, 'print'), { recursive: true });
  }

  pass(what) {
    this.checks.push({ what, ok: true });
  }

  fail(what, why) {
    this.checks.push({ what, ok: false, why: String(why) });
    this.problems.push(`${what}: ${why}`);
  }

  problem(text) {
    this.problems.push(text);
  }

  write() {
    const failed = this.checks.filter((c) => !c.ok);
    const summary = {
      checks: this.checks.length,
      failed: failed.length,
      screenshots: this.shots,
      pdfs: this.pdfs,
      pages_checked_by_axe: this.axed,
      problems: this.problems,
      results: this.checks,
    };
    writeFileSync(join(this.out, 'report.json'), JSON.stringify(summary, null, 2));
    return summary;
  }
}

/// A new browser context (its own cookies) whose pages report console errors, page errors,
/// CSP violations and 5xx responses to `report`.
export async function person(browser, report, who) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // The page's own 4xx status (a journey asserting the 404 page) is the journey's to judge.
    const own = msg.text().startsWith('Failed to load resource') && msg.location().url === page.url();
    if (!own) report.problem(`${who}: console error on ${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => report.problem(`${who}: script error on ${page.url()}: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 500) report.problem(`${who}: ${res.status()} from ${res.url()}`);
  });
  // A CSP violation also shows in the console; listening for the event catches report-only ones.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { context, page, who };
}

/// RFC 6238 code (SHA-1, 30 s, 6 digits) for a base32 secret.
export function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
  const mac = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

/// Clicks and waits for the page the click loads.
export async function go(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

/// The value of the option of `select` (a selector or an element) whose text contains `text`.
export async function optionWith(page, select, text) {
  const element = typeof select === 'string' ? await page.$(select) : select;
  expect(element, `no ${select}`);
  const value = await element.evaluate(
    (el, t) => [...el.options].find((o) => o.value && o.textContent.includes(t))?.value ?? null,
    text,
  );
  expect(value !== null, `no option “${text}” in ${select}`);
  return value;
}

/// Signs in through the form; with `secret`, answers the second-factor page too.
export async function signIn(base, page, username, password = DEMO_PASSWORD, secret = null) {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await go(page, 'main button[type=submit]');
  if (secret && new URL(page.url()).pathname === '/login/totp') {
    await page.fill('#code', totp(secret));
    await go(page, 'main form button[type=submit]');
  }
}

export async function signOut(page) {
  await go(page, 'header form[action="/logout"] button');
}

/// axe-core on the page as it is: no serious or critical violation. Loaded through the
/// DevTools protocol, so the page's CSP (scripts from our origin only) stays as it is.
export async function axe(report, page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  report.axed += 1;
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) {
    report.pass(`axe: ${name}`);
  } else {
    const detail = bad
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`)
      .join(' | ');
    report.fail(`axe: ${name}`, detail);
  }
}

export async function screenshot(report, page, name) {
  await page.screenshot({ path: join(report.out, 'screens', `${name}.png`), fullPage: true });
  report.shots += 1;
}

/// The page printed by Chromium on A4, as the browser's own print would; its page count.
export async function printPdf(report, page, name) {
  await page.emulateMedia({ media: 'print' });
  const bytes = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  await page.emulateMedia({ media: 'screen' });
  writeFileSync(join(report.out, 'print', `${name}.pdf`), bytes);
  report.pdfs += 1;
  return (bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
}

/// A step of a journey: runs it, records it as passed or failed (with the page it was on),
/// and tells the caller whether to go on.
export async function step(report, page, what, body) {
  try {
    await body();
    report.pass(what);
    return true;
  } catch (err) {
    const where = page ? ` (at ${page.url()})` : '';
    report.fail(what, `${err.message.split('\n')[0]}${where}`);
    if (page) {
      const name = what.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60);
      await page.screenshot({ path: join(report.out, 'screens', `FAILED-${name}.png`), fullPage: true }).catch(() => {});
    }
    return false;
  }
}

/// The steps of one journey: after a step fails, the later ones (which build on it) are
/// skipped and named as skipped.
export function steps(report) {
  let failed = null;
  return async (page, what, body) => {
    if (failed) {
      report.fail(what, `skipped: “${failed}” failed`);
      return false;
    }
    const ok = await step(report, page, what, body);
    if (!ok) failed = what;
    return ok;
  };
}

/// Throws unless `cond`.
export function expect(cond, message) {
  if (!cond) throw new Error(message);
}

/// The visible text of the page's main part.
export async function mainText(page) {
  return page.innerText('main');
}

/// The files of a ZIP archive (an .xlsx), by name: read from its central directory, stored or
/// deflated entries only (what Excel writers produce). Throws on anything else.
export function unzip(bytes) {
  const buf = Buffer.from(bytes);
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map();
  for (let i = 0; i < count; i += 1) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip: bad central directory entry ${i}`);
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip: bad local header of ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    if (method === 0) files.set(name, data);
    else if (method === 8) files.set(name, inflateRawSync(data));
    else throw new Error(`zip: ${name} uses compression method ${method}`);
  }
  return files;
}
