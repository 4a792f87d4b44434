// The hostile-input crawl of issue 28: as each role, follow the menus and every link of the
// pages they lead to (lists, 新建/编辑, records and their own pages), find every POST form with
// free-text fields, store the four payloads below in every one of them, and assert that no page,
// print view or Excel export showing them lets them act: no dialog ever opens, no element carries
// an injected handler, script or javascript: link, the HTML never holds them unescaped, and
// every export cell holding one is a text cell with no formula anywhere. A free-text field found
// and neither stored nor refused with a field message fails the run, named.
//
// It changes the demo's data everywhere (and not tidily), so it runs after the journeys and the
// sweep: `node tests/browser/run.mjs … --only xss` runs it alone. Figures, every form and field
// with what became of it, and every finding go to <out>/xss.json.
//
// Refused: a field whose payload the form refused with a message beside it, or (a message for
// a row or the whole form) refused when that field alone held its payload; the form is then
// filled again with a valid value there and must store. Stored: accepted, and where the record
// has an edit form, seen kept there. A link a role is offered and refused (403) fails it.
// While developing: XSS_ROLES=city,province runs those roles only, XSS_DEBUG=<regex of a form
// kind> prints each attempt at those forms, XSS_TRACE=1 prints every page crawled.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect, person, signIn, unzip } from './lib.mjs';
import { ROLES } from './sweep.mjs';
import { creditCode } from './xlsx.mjs';

export const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '=HYPERLINK("http://x")',
];
/// A payload, whole or cut to a field's maxlength.
const isPayload = (v) => !!v && PAYLOADS.some((p) => p.startsWith(v) || v.includes(p.slice(0, 8)));
/// What must never reach a page's HTML as it is: markup the page would parse.
const RAW = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];

/// The roles crawled, in this order: the city first (it owns most forms), the province last,
/// so its crawl also shows it what the cities stored. Administrators come when their second
/// factor's secret is known.
const ORDER = ['city', 'partner', 'agency', 'expert', 'sysadmin', 'secadmin', 'province', 'auditor'];

/// Forms never filled: signing in and out, passwords and second factors, and the destructive
/// ones (delete, disable, remove, end a session, reset, unlock) and the reveal-a-number buttons.
const SKIP_FORM =
  /^\/(login|logout)\b|^\/account\/(password|totp)|\/(delete|disable|remove|reset-password|reset|unlock|unmask)$|\/sessions\/[^/]+\/end$/;
/// Links never followed: downloads, print views and exports (visited apart), and the
/// confirmation pages of the forms above.
const SKIP_LINK = new RegExp(
  [
    String.raw`^/(logout|login)\b|^/static/|^/account/|^/admin/sessions/[^/]+/end$`,
    String.raw`/(print|export|errors|template|download)\b|/attachments/\d+$`,
    String.raw`/(delete|disable|remove|reset-password|reset|unlock)$`,
  ].join('|'),
);
/// Submit buttons never pressed.
const DESTRUCTIVE_BUTTON = /删除|停用|注销|移出|撤销|结束会话|重置/;
/// Buttons preferred, in this order, when a form has several.
const PREFERRED_BUTTON = [/暂存|保存草稿/, /保存/, /登记|录入|增加|添加(?!一行)|记录|提交|确认/];

/// A path's kind: numbers and codes replaced, so /plans/3 and /plans/9, /industries/A01/edit and
/// /industries/C34/edit are one kind.
function kindOf(path) {
  return path
    .replace(/\?.*$/, '')
    .replace(/\/\d+(?=\/|$)/g, '/{id}')
    .replace(/\/[A-Z]\d{2,4}(?=\/|$)/g, '/{code}')
    .replace(/\/[0-9a-f]{16,}(?=\/|$)/g, '/{handle}');
}

function shanghaiDay(days = 0) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + days * 86400000));
}

/// An 18-character resident ID number with its check character (GB 11643).
function idNumber() {
  const body = `210102199${Math.floor(Math.random() * 10)}0101${String(Math.floor(Math.random() * 900) + 100)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

function freshCreditCode() {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let tail = '';
  for (let i = 0; i < 9; i += 1) tail += chars[Math.floor(Math.random() * chars.length)];
  return creditCode(`91210100${tail}`);
}

/// Values a field that refuses free text may take, best first: by its name.
function guesses(name) {
  const today = shanghaiDay(0);
  const year = today.slice(0, 4);
  if (/credit_code|organization_code|^employer$/.test(name)) return [freshCreditCode()];
  if (/id_number/.test(name)) return [idNumber()];
  if (/phone/.test(name)) return ['13912345678', '024-23456789'];
  if (/period_start/.test(name)) return ['2023', '2020'];
  if (/year/.test(name)) return [year, String(Number(year) + 1)];
  if (/date|_on$|_from$|_until$|due|deadline/.test(name)) return [today, shanghaiDay(30)];
  if (/division/.test(name)) return ['C34'];
  if (/grades/.test(name)) return ['-10,0,10', '0'];
  if (/percent|rate/.test(name)) return ['3.5', '1', '5'];
  return ['1', '10', '999', '测试', today];
}

/// The fields of `form` (a handle), as plain data, each with its index in form.elements.
async function fieldsOf(form) {
  return form.evaluate((f) => {
    // Free text: a textarea, or a text-like input a person can type anything into (inputmode
    // only picks a keyboard) unless a pattern restricts it to digits. The same test is in
    // scanPage (a page function stands alone).
    const free = (el) => {
      if (el.disabled || el.readOnly) return false;
      if (el.tagName === 'TEXTAREA') return true;
      if (el.tagName !== 'INPUT') return false;
      const type = (el.getAttribute('type') || 'text').toLowerCase();
      if (!['text', 'search', 'email', 'tel', 'url'].includes(type)) return false;
      const pattern = el.getAttribute('pattern') || '';
      return !(pattern && /^[\[\]0-9\\d{},\-.+*?^$|() ]+$/.test(pattern));
    };
    const counts = {};
    return [...f.elements].map((el, index) => {
      const name = el.name || '';
      const nth = (counts[name] = (counts[name] ?? -1) + 1);
      return {
        index,
        name,
        nth,
        tag: el.tagName.toLowerCase(),
        type: (el.type || '').toLowerCase(),
        value: el.value ?? '',
        checked: !!el.checked,
        maxlength: el.maxLength > 0 ? el.maxLength : 0,
        inputmode: el.getAttribute('inputmode') || '',
        options: el.tagName === 'SELECT' ? [...el.options].map((o) => o.value) : [],
        free: !!name && name !== 'csrf' && free(el),
        label: el.labels?.[0]?.textContent.trim() || el.getAttribute('aria-label') || '',
        button: el.type === 'submit' ? el.textContent.trim() : '',
      };
    });
  });
}

/// What the page's DOM holds that a stored payload may have put there, its text, and for the
/// crawl its links, POST forms (with the values their fields hold) and error messages. Runs in
/// the page, in one call (each call to the page costs a round trip).
function scanPage() {
  const bad = [];
  const show = (el) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on') && /alert/i.test(attr.value)) bad.push(`handler ${attr.name}: ${show(el)}`);
    }
  }
  for (const s of document.scripts) {
    if (/alert\s*\(/.test(s.textContent)) bad.push(`script: ${show(s)}`);
  }
  for (const el of document.querySelectorAll('img[src="x"]')) bad.push(`img: ${show(el)}`);
  const urls = [
    'a[href]', 'area[href]', 'iframe[src]', 'embed[src]', 'object[data]', 'form[action]',
    'button[formaction]', 'input[formaction]', 'base[href]', 'link[href]', 'meta[content]',
  ].join(',');
  for (const el of document.querySelectorAll(urls)) {
    for (const a of ['href', 'src', 'data', 'action', 'formaction', 'content']) {
      const v = (el.getAttribute(a) || '').replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
      if (v.startsWith('javascript:') || (a === 'content' && v.includes('url=javascript:'))) {
        bad.push(`javascript: URL in ${a}: ${show(el)}`);
      }
    }
  }
  const links = [...document.querySelectorAll('main a[href^="/"]')]
    .map((a) => ({ href: a.getAttribute('href').replace(/#.*$/, ''), text: a.textContent.trim() }))
    .filter((l) => l.href && l.href !== location.pathname + location.search);
  const nth = {};
  const forms = [...document.querySelectorAll('main form')].map((f) => {
    const action = f.getAttribute('action') || location.pathname + location.search;
    const i = (nth[action] = (nth[action] ?? -1) + 1);
    const values = [...f.elements]
      .filter((el) => el.name && el.type !== 'hidden' && el.type !== 'checkbox' && el.type !== 'radio' && el.value)
      .map((el) => [el.name, el.value]);
    // Free text as fieldsOf tells it.
    const free = [...f.elements].filter((el) => {
      if (!el.name || el.name === 'csrf' || el.disabled || el.readOnly) return false;
      if (el.tagName === 'TEXTAREA') return true;
      if (el.tagName !== 'INPUT') return false;
      const type = (el.getAttribute('type') || 'text').toLowerCase();
      if (!['text', 'search', 'email', 'tel', 'url'].includes(type)) return false;
      const pattern = el.getAttribute('pattern') || '';
      return !(pattern && /^[\[\]0-9\\d{},\-.+*?^$|() ]+$/.test(pattern));
    });
    const names = [...new Set(free.map((el) => el.name))];
    const buttons = [...f.querySelectorAll('button')].filter((b) => b.type === 'submit').map((b) => [b.name, b.value]);
    return { method: (f.getAttribute('method') || 'get').toLowerCase(), action, nth: i, values, free: names, buttons };
  });
  // The list filters by status or plan cycle: each shows records in other states. (Links to a
  // list by status or region are taken as filters too.)
  const filters = [...document.querySelectorAll('main form select[name=status], main form select[name=cycle]')]
    .filter((sel) => (sel.form.getAttribute('method') || 'get').toLowerCase() === 'get')
    .flatMap((sel) =>
      [...sel.options]
        .filter((o) => o.value && !o.selected)
        .map((o) => `${sel.form.getAttribute('action') || location.pathname}?${sel.name}=${encodeURIComponent(o.value)}`),
    );
  const errors = [...document.querySelectorAll('main .alert-danger, main .invalid-feedback, main .text-danger[role=alert]')]
    .map((a) => a.textContent.trim())
    .filter(Boolean);
  return { bad, text: document.body?.textContent ?? '', links, forms, errors, filters };
}

/// The fields of a form that came back marked invalid, with their messages. Runs in the page.
function invalidFields(f) {
  const counts = {};
  const out = [];
  for (const el of f.elements) {
    const nth = (counts[el.name] = (counts[el.name] ?? -1) + 1);
    if (!el.classList.contains('is-invalid') && el.getAttribute('aria-invalid') !== 'true') continue;
    const described = el.getAttribute('aria-describedby');
    const box = el.closest('.mb-3, td, .col, fieldset, div');
    const message =
      (described && document.getElementById(described.split(' ')[0])?.textContent) ||
      box?.querySelector('.invalid-feedback')?.textContent ||
      '';
    out.push({ name: el.name, nth, message: message.trim() });
  }
  return out;
}

class Crawl {
  constructor(browser, report, base, secrets) {
    Object.assign(this, { browser, report, base, secrets });
    this.started = Date.now();
    this.forms = new Map(); // form kind → { kind, action, on, role, fields: [free-text names], result }
    this.fields = new Map(); // `${form kind} ${name}` → coverage
    this.dictionary = new Map(); // field name → values seen in forms (not payloads)
    this.failures = [];
    this.pages = 0;
    this.pagesShowing = 0;
    this.shownBy = new Map(); // payload → pages showing it as text
    this.prints = new Map(); // kind → { candidates, offered } while crawling, then what was seen
    this.exports = new Map(); // kind → { candidates, offered } while crawling, then the cells checked
    this.skipped = new Map(); // form kind → its free-text fields (never filled)
    this.submissions = 0;
    this.advanced = []; // records moved on by their “submit” step
    this.refusedLinks = []; // print or export links a page offered that its role got refused
    this.keptChecked = 0; // stored fields whose record was seen to keep the payload
  }

  seconds() {
    return (Date.now() - this.started) / 1000;
  }

  fail(kind, detail) {
    this.failures.push({ kind, ...detail });
  }

  /// Checks the page the browser shows now. Returns its text (textContent: what the DOM holds
  /// as text, shown or not), the payloads in it, and the rest of scanPage's findings.
  async inspect(ctx, why) {
    const { page } = ctx;
    this.pages += 1;
    const url = new URL(page.url()).pathname + new URL(page.url()).search;
    const scan = await page.evaluate(scanPage).catch(() => ({ bad: [], text: '', links: [], forms: [], errors: [], filters: [] }));
    for (const b of scan.bad) this.fail('injected', { role: ctx.who, url, why, element: b });
    const shown = PAYLOADS.filter((p) => scan.text.includes(p));
    if (shown.length) this.pagesShowing += 1;
    for (const p of shown) this.shownBy.set(p, (this.shownBy.get(p) ?? 0) + 1);
    return { url, text: scan.text, shown, scan };
  }

  /// The HTML as the server sent it holds no payload that would be markup.
  unescaped(ctx, html, url, why) {
    for (const raw of RAW) {
      if (html && html.includes(raw)) {
        const at = html.indexOf(raw);
        this.fail('unescaped', { role: ctx.who, url, why, payload: raw, context: html.slice(Math.max(0, at - 120), at + raw.length + 40) });
      }
    }
  }

  /// Opens `path` and checks it; null unless an HTML page came back.
  async open(ctx, path, why) {
    const res = await ctx.page.goto(this.base + path, { waitUntil: 'domcontentloaded' }).catch((e) => {
      this.fail('navigation', { role: ctx.who, url: path, why, error: e.message.split('\n')[0] });
      return null;
    });
    if (!res) return null;
    const type = res.headers()['content-type'] || '';
    if (!type.includes('text/html')) return null;
    const [html, seen] = await Promise.all([res.text().catch(() => ''), this.inspect(ctx, why)]);
    this.unescaped(ctx, html, seen.url, why);
    return { status: res.status(), ...seen };
  }

  async signIn(role) {
    const ctx = await person(this.browser, this.report, `xss-${role.key}`);
    ctx.who = role.key;
    ctx.page.on('dialog', async (dialog) => {
      this.fail('dialog', { role: role.key, url: ctx.page.url(), type: dialog.type(), message: dialog.message() });
      await dialog.dismiss().catch(() => {});
    });
    const secret = role.totp ? this.secrets[role.username] : null;
    await signIn(this.base, ctx.page, role.username, undefined, secret);
    expect(new URL(ctx.page.url()).pathname === '/', `${role.key} signed in (at ${ctx.page.url()})`);
    return ctx;
  }

  /// Follows the links of the main part of the pages reached from `seeds` (the role's menu),
  /// one page of each kind (a record kind again while its last page showed something new, up
  /// to two), and with `states` each list filtered by status, plan cycle or region with its
  /// first record and that record's own pages; notes the POST forms, the values their fields
  /// hold, print views and exports. `now` fills a form on the page the crawl is on.
  async discover(ctx, seeds, { states = true, now = null } = {}) {
    const state = (ctx.crawl ||= {
      seen: new Set(),
      visits: new Map(),
      linkKinds: new Set(),
      queued: new Set(),
      filters: new Set(),
      families: new Map(),
    });
    const { seen, visits, linkKinds, filters, families } = state;
    const ownPages = (state.ownPages ||= new Map()); // kind → { dull } of a state's record's own pages
    // Each entry: the path, and how it came: `seed` (the menu, a result page: always seen),
    // `family` (a filtered list, its first record and that record's own pages), `from`.
    const queue = seeds.map((path) => ({ path, seed: true }));
    const found = []; // { kind, action, on, nth, free, advance }
    const pages = [];
    for (const path of seeds) seen.delete(path);
    const filterKey = (href) => {
      const url = new URL(href, this.base);
      return ['status', 'cycle', 'region'].reduce((k, p) => `${k}&${p}=${url.searchParams.get(p)}`, url.pathname);
    };
    while (queue.length) {
      const item = queue.shift();
      const { path, seed, family } = item;
      if (seen.has(path)) continue;
      const kind = kindOf(path);
      const v = visits.get(kind) || { n: 0, novel: true };
      const record = kind.includes('{');
      if (!seed && !family && (v.n >= (record ? 2 : 1) || !v.novel)) continue;
      if (item.filter) {
        // A list of records in one state (or region): its first record and that record's own
        // pages are seen, until three states in a row showed no new form.
        const fam = families.get(family) || { dull: 0, fresh: true };
        if (fam.fresh === true) fam.dull = 0;
        else fam.dull += fam.fresh === 'empty' ? 0.5 : 1; // (an empty list counts half)
        fam.fresh = false;
        families.set(family, fam);
        if (fam.dull >= 3) continue;
      }
      // A state's record's own page of a kind seen three times in other states with nothing new: skipped.
      if (family && !item.filter && !item.record && (ownPages.get(kind)?.dull ?? 0) >= 3) continue;
      seen.add(path);
      const opened = await this.open(ctx, path, 'crawl');
      if (process.env.XSS_TRACE) console.log(`  crawl ${ctx.who} ${path} ${opened?.status}`);
      // A state's pages do not count against their kind's: the kind's other pages are still seen.
      if (!family) {
        v.n += 1;
        v.novel = false;
        visits.set(kind, v);
      }
      if (opened && opened.status === 403 && item.from) {
        // A link the role was offered and may not follow: noted, not an escaping failure. (Other
        // refusals may be the crawl's own doing: a record changed since its link was seen.)
        this.refusedLinks.push({ role: ctx.who, url: path, status: opened.status, from: item.from });
      }
      if (!opened || opened.status !== 200) continue;
      pages.push(path);
      let fresh = false;
      for (const f of opened.scan.forms) {
        if (f.method !== 'post') continue;
        this.remember(f.values);
        const fkind = kindOf(f.action);
        if (SKIP_FORM.test(f.action)) {
          this.skipped.set(fkind, f.free);
          continue;
        }
        // A form is new while it has a free-text field not yet covered that this role has
        // not tried; one without any is noted once.
        const open = f.free.filter((n) => !['stored', 'refused'].includes(this.fields.get(`${fkind} ${n}`)?.status));
        const key = `${fkind} ${open.join(',')}`;
        if ((open.length || !this.forms.has(fkind)) && !state.queued.has(key)) {
          state.queued.add(key);
          if (!this.forms.has(fkind)) this.forms.set(fkind, { kind: fkind, action: f.action, on: path, role: ctx.who, fields: [] });
          v.novel = true;
          fresh = true;
          if (family) families.get(family).fresh = true;
          if (open.length) found.push({ kind: fkind, action: f.action, on: path, nth: f.nth, free: open });
        }
        // A record's “submit” step with nothing to write (报备, 报送): taken after its forms are
        // filled, so whoever reviews it next sees it in their queue with their own forms.
        const submits = f.buttons.some(([n, v]) => n === 'action' && v === 'submit');
        if (!open.length && !f.free.length && /\/transition$/.test(f.action) && submits) {
          if (!state.queued.has(`advance ${f.action}`)) {
            state.queued.add(`advance ${f.action}`);
            found.push({ kind: fkind, action: f.action, on: path, nth: f.nth, free: [], advance: true });
          }
        }
      }
      if (family && !item.filter && !item.record) {
        const own = ownPages.get(kind) || { dull: 0 };
        own.dull = fresh ? 0 : own.dull + 1;
        ownPages.set(kind, own);
      }
      this.collectOutputs(ctx, opened.scan.links, opened.shown);
      // A form that makes or edits a record is filled at once, on the page as it is (one a
      // page: filling leaves it); the others wait for the end of the crawl.
      const at = now && found.findIndex((t) => t.on === path && !t.advance && rank(t) < 2);
      const immediate = now && at >= 0 ? found.splice(at, 1)[0] : null;
      const stated = (h) => /[?&](status|region)=/.test(h);
      const filtered = states ? [...opened.scan.filters, ...opened.scan.links.map((l) => l.href).filter(stated)] : [];
      for (const href of filtered) {
        if (SKIP_LINK.test(href) || filters.has(filterKey(href))) continue;
        filters.add(filterKey(href));
        queue.push({ path: href, seed: false, filter: true, family: new URL(href, this.base).pathname, from: path });
      }
      const next = [];
      let first = item.filter;
      for (const { href } of opened.scan.links) {
        if (SKIP_LINK.test(href) || seen.has(href) || (states && stated(href))) continue;
        const k = kindOf(href);
        if (!linkKinds.has(k)) {
          linkKinds.add(k);
          v.novel = true;
        }
        if (first && /\/\d+$/.test(href.replace(/\?.*$/, ''))) {
          first = false;
          next.push({ path: href, family, record: true, from: path });
        } else if (item.record && href.startsWith(`${path.replace(/\?.*$/, '')}/`)) {
          next.push({ path: href, family, from: path });
        } else {
          queue.push({ path: href, from: path });
        }
      }
      // A state's record and its own pages come next, before the next state.
      if (item.filter && first && families.get(family).fresh === false) families.get(family).fresh = 'empty';
      queue.unshift(...next);
      if (immediate) await now(immediate, opened.scan);
    }
    return { found, pages };
  }

  /// Remembers the values the fields of a form hold, by name, as values that pass.
  remember(values) {
    for (const [name, value] of values) {
      if (isPayload(value)) continue;
      const list = this.dictionary.get(name) || [];
      if (!list.includes(value) && list.length < 3) list.push(value);
      this.dictionary.set(name, list);
    }
  }

  /// Notes the print views and Excel exports among a page's links, one of each kind.
  collectOutputs(ctx, links, shown = []) {
    for (const { href, text } of links) {
      const kind = kindOf(href);
      const print = /\/print\b/.test(href) || /^打印/.test(text);
      const excel = /\/export\b/.test(href) || /导出\s*Excel/.test(text);
      const map = print ? this.prints : excel ? this.exports : null;
      if (!map) continue;
      // Up to three of each kind, those linked from a page showing a payload first (their
      // print view or export likely shows it too).
      const entry = map.get(kind) || { candidates: [], offered: new Map() };
      map.set(kind, entry);
      // And each other role's own (its region's records), checked once as well.
      if (!entry.offered.has(ctx.who)) entry.offered.set(ctx.who, href);
      if (entry.candidates.some((c) => c.path === href)) continue;
      const candidate = { path: href, role: ctx.who, payload: shown.length > 0 };
      if (candidate.payload) entry.candidates.unshift(candidate);
      else entry.candidates.push(candidate);
      entry.candidates.sort((x, y) => Number(y.payload) - Number(x.payload));
      entry.candidates.length = Math.min(entry.candidates.length, 3);
    }
  }

  /// Fills one form with payloads and submits it, again with valid values where a field
  /// refused its payload with a message, until it is stored or nothing is left to change.
  async submit(ctx, target, preloaded = null) {
    const { page } = ctx;
    const overrides = new Map(); // `${name}#${nth}` → values to try, the current one first
    const refused = new Map(); // field name → its message
    const truncated = new Set();
    const payloadOf = new Map(); // field name → its payload (in the first field of that name)
    const debug = process.env.XSS_DEBUG && new RegExp(process.env.XSS_DEBUG).test(target.kind);
    let lastError = '';
    // Messages the form's page shows before anything is submitted.
    const baseline = new Set(preloaded ? preloaded.errors : []);
    // The form on the page shown now: the crawl's page, or as the last refusal gave it back.
    let form = preloaded ? (await page.$$(`main form[action="${target.action}"]`))[target.nth] : null;
    let variants = 0; // times a choice was changed to keep dropped fields
    const variantKeys = new Set(); // the choices changed so
    const original = new Map(); // `${name}#${nth}` → what the field held when the form was first shown
    const sent = new Map(); // field name → the payload (maybe cut) last put in it
    let unsure = null; // after the first store: the fields refused by a message not beside them
    let probing = null; // the one of them tried again now
    for (let attempt = 0; attempt < 16; attempt += 1) {
      if (!form) {
        const opened = await this.open(ctx, target.on, `form ${target.kind}`);
        if (!opened || opened.status !== 200) return { ok: false, why: `its page ${target.on} did not open` };
        for (const e of opened.scan.errors) baseline.add(e);
        form = (await page.$$(`main form[action="${target.action}"]`))[target.nth];
        if (!form) return { ok: false, why: `no longer on ${target.on}` };
      }
      const fields = await fieldsOf(form);
      for (const f of fields) if (!original.has(`${f.name}#${f.nth}`)) original.set(`${f.name}#${f.nth}`, f.value);
      const free = fields.filter((f) => f.free);
      const repeated = new Set(fields.filter((f) => f.nth > 0).map((f) => f.name));
      if (attempt === 0) {
        const entry = this.forms.get(target.kind);
        for (const f of free) if (!entry.fields.includes(f.name)) entry.fields.push(f.name);
        for (const f of free) {
          const key = `${target.kind} ${f.name}`;
          if (!this.fields.has(key)) {
            this.fields.set(key, { form: target.kind, on: target.on, name: f.name, label: f.label, status: 'found', role: ctx.who });
          }
        }
        if (free.length === 0) return { ok: true, none: true };
      }
      // A payload in the first field of each free-text name; elsewhere what the field holds, or
      // a sensible value where it is empty (in rows, only the first row is touched).
      const values = [];
      for (const f of fields) {
        const key = `${f.name}#${f.nth}`;
        if (!f.name || f.name === 'csrf' || ['hidden', 'file', 'submit', 'button', 'reset'].includes(f.type)) continue;
        if (overrides.has(key)) {
          values.push({ index: f.index, ...overrides.get(key)[0] });
        } else if (f.free && f.nth === 0 && !refused.has(f.name)) {
          if (!payloadOf.has(f.name)) {
            // The next payload in turn that fits the field's maxlength, else the next, cut.
            const start = this.submissions++;
            const turn = [0, 1, 2, 3].map((i) => PAYLOADS[(start + i) % PAYLOADS.length]);
            payloadOf.set(f.name, turn.find((p) => !f.maxlength || p.length <= f.maxlength) || turn[0]);
          }
          let value = payloadOf.get(f.name);
          if (f.maxlength && f.maxlength < value.length) {
            value = value.slice(0, f.maxlength);
            truncated.add(f.name);
          }
          sent.set(f.name, value);
          values.push({ index: f.index, value });
        } else if (f.type === 'radio') {
          const group = fields.filter((g) => g.type === 'radio' && g.name === f.name);
          if (!group.some((g) => g.checked) && group[0].index === f.index) values.push({ index: f.index, check: true });
        } else if (f.nth > 0 || repeated.has(f.name)) {
          continue;
        } else if (f.tag === 'select') {
          const first = f.options.find((o) => o);
          if (!f.value && first) values.push({ index: f.index, value: first });
        } else if (f.type === 'date' && !f.value) {
          values.push({ index: f.index, value: shanghaiDay(0) });
        } else if (!f.free && f.tag === 'input' && f.type !== 'checkbox' && !f.value) {
          values.push({ index: f.index, value: '1' });
        }
      }
      await form.evaluate((f, vs) => {
        for (const v of vs) {
          const el = f.elements[v.index];
          if (v.check) el.checked = true;
          else el.value = v.value;
        }
      }, values);
      // The button: a preferred one, never a destructive one or one that only adds a row.
      const buttons = fields.filter(
        (f) => f.type === 'submit' && !DESTRUCTIVE_BUTTON.test(f.button) && f.name !== 'add_row' && !/添加一行/.test(f.button),
      );
      let button = null;
      for (const re of PREFERRED_BUTTON) {
        button = buttons.find((b) => re.test(b.button));
        if (button) break;
      }
      button = button || buttons[0] || null;
      if (!button && fields.some((f) => f.type === 'submit')) return { ok: false, why: 'only destructive buttons' };
      const response = page.waitForNavigation({ waitUntil: 'domcontentloaded' });
      await form.evaluate((f, i) => {
        f.noValidate = true;
        if (i === null) f.requestSubmit();
        else f.requestSubmit(f.elements[i]);
      }, button ? button.index : null);
      const res = await response.catch(() => null);
      const [html, after] = await Promise.all([
        res ? res.text().catch(() => '') : '',
        this.inspect(ctx, `after submitting ${target.kind}`),
      ]);
      this.unescaped(ctx, html, after.url, `after submitting ${target.kind}`);
      const status = res ? res.status() : 0;
      // What came back: the form again with messages, an error page, or the stored record.
      const again = (await page.$$(`main form[action="${target.action}"]`))[target.nth] || null;
      const invalid = again ? await again.evaluate(invalidFields) : [];
      const messages = after.scan.errors.filter((e) => !baseline.has(e));
      // A form that came back where it was posted, with no message at all, was not taken
      // either (a stored form redirects, or shows a page of its own).
      const redirected = !!res?.request().redirectedFrom();
      if (!redirected && again && messages.length === 0 && invalid.length === 0) messages.push('（表单原样返回，没有提示）');
      const alert = [...new Set(messages)].join(' ');
      if (debug) {
        const said = `invalid ${JSON.stringify(invalid)}; ${alert.slice(0, 300)}`;
        console.log(`  ${target.kind} attempt ${attempt}: status ${status} at ${after.url}; ${said}`);
        console.log(`    values ${JSON.stringify(values.map((v) => [fields.find((f) => f.index === v.index).name, v.value ?? v.check]))}`);
      }
      if (invalid.length === 0 && !alert && status > 0 && status < 400) {
        // Stored. Fields that gave way to a message not beside them may have been blameless:
        // each in turn gets its payload back, the rest as it passed.
        if (!unsure) unsure = [...refused].filter(([, r]) => r.how !== 'field').map(([name]) => name);
        probing = null;
        if (unsure.length) {
          probing = { name: unsure.shift() };
          probing.refusal = refused.get(probing.name);
          probing.override = overrides.get(`${probing.name}#0`);
          refused.delete(probing.name);
          overrides.delete(`${probing.name}#0`);
          form = null;
          continue;
        }
        const stored = [...payloadOf.keys()].filter((n) => !refused.has(n));
        const seen = stored.filter((n) => after.text.includes(payloadOf.get(n)));
        // Accepted is not kept: the record's edit form, opened again, must hold each payload.
        // A field dropped (it belongs to another kind of record, e.g. an accident notice's)
        // is tried again with the form's first choice set otherwise.
        const dropped = await this.dropped(ctx, target, after.url, new Map(stored.map((n) => [n, sent.get(n)])));
        if (dropped?.length && variants < 3) {
          // The choice that governs them: the nearest select before the first one dropped.
          const first = Math.min(...fields.filter((f) => dropped.includes(f.name) && f.nth === 0).map((f) => f.index));
          const choice = fields.filter((f) => f.tag === 'select' && f.nth === 0 && !repeated.has(f.name) && f.index < first).pop();
          const key = choice && `${choice.name}#0`;
          if (choice && !variantKeys.has(key)) {
            // Its other options, what it held at first (often “none of these”) first.
            const used = values.find((v) => v.index === choice.index)?.value ?? choice.value;
            const others = [original.get(key) ?? '', ...choice.options].filter((o, i, all) => o !== used && all.indexOf(o) === i);
            variantKeys.add(key);
            overrides.set(key, others.map((value) => ({ value })));
          } else if (choice && overrides.get(key).length > 1) {
            overrides.get(key).shift();
          }
          if (choice && overrides.get(key).length) {
            variants += 1;
            unsure = [];
            form = null;
            continue;
          }
        }
        return { ok: true, stored, refused, truncated, payloadOf, seen, dropped, url: after.url, attempts: attempt + 1 };
      }
      lastError = `${status >= 400 ? `status ${status}: ` : ''}${alert || after.text.replace(/\s+/g, ' ').slice(0, 200)}`;
      if (status >= 400 && invalid.length === 0 && !alert) break;
      if (probing) {
        // The form refused once this payload came back: it was that field's (the message stands).
        refused.set(probing.name, { ...probing.refusal, how: 'alone' });
        overrides.set(`${probing.name}#0`, probing.override);
        probing = null;
        form = null;
        continue;
      }
      let changed = false;
      const refuse = (f, message, how = 'field') => {
        refused.set(f.name, { message: message || '(marked invalid)', how });
        overrides.set(`${f.name}#${f.nth}`, this.candidates(f));
        changed = true;
      };
      for (const i of invalid) {
        const key = `${i.name}#${i.nth}`;
        const f = fields.find((x) => x.name === i.name && x.nth === i.nth);
        if (!f) continue;
        if (overrides.has(key)) {
          if (overrides.get(key).length > 1) {
            overrides.get(key).shift();
            changed = true;
          }
        } else if (f.free && payloadOf.has(f.name) && f.nth === 0 && !refused.has(f.name)) {
          refuse(f, i.message);
        } else {
          overrides.set(key, this.candidates(f));
          changed = true;
        }
      }
      if (invalid.length === 0) {
        // A message for the form or a row, not beside a field: the payload fields it names
        // (by label) refused their payload.
        for (const f of fields) {
          if (!f.free || f.nth !== 0 || !payloadOf.has(f.name) || refused.has(f.name)) continue;
          const label = f.label.replace(/[（(].*$/, '').replace(/[*：:]/g, '').trim();
          const sentence = messages
            .flatMap((m) => m.replace(/（[^）]*）|\([^)]*\)/g, '').split(/[。；;]/))
            .find((m) => label.length >= 2 && m.includes(label));
          if (sentence) refuse(f, sentence.trim(), 'row');
        }
      }
      const specific = messages.filter((m) => !/^提交的内容有误/.test(m)).join(' ') || alert;
      const pending = fields.filter((f) => f.free && f.nth === 0 && payloadOf.has(f.name) && !refused.has(f.name));
      if (debug) console.log(`    pending ${JSON.stringify(pending.map((f) => [f.name, f.label, f.maxlength]))} changed ${changed}`);
      if (!changed && invalid.length === 0) {
        // Still nothing named: the fields made for numbers (inputmode) refused theirs.
        for (const f of pending) if (/^(numeric|decimal)$/.test(f.inputmode)) refuse(f, specific, 'form');
      }
      if (!changed) {
        // Nothing named: give every empty field that is not free text a value (first rows only).
        for (const f of fields) {
          const key = `${f.name}#${f.nth}`;
          if (f.free || f.nth > 0 || overrides.has(key) || !f.name || f.value) continue;
          if (['hidden', 'file', 'submit', 'button'].includes(f.type)) continue;
          if (f.type === 'checkbox' && fields.some((g) => g.name === f.name && g.checked)) continue;
          overrides.set(key, this.candidates(f));
          changed = true;
        }
      }
      if (!changed && invalid.length === 0 && pending.length) {
        // Last: one payload at a time gives way, the shortest field first.
        const f = [...pending].sort((a, b) => (a.maxlength || 1e9) - (b.maxlength || 1e9))[0];
        refuse(f, specific, 'form');
      }
      if (!changed) break;
      form = again;
    }
    return { ok: false, why: lastError || 'refused', refused, truncated, payloadOf };
  }

  /// Of the fields `sent` (name → payload), those the record did not keep: its edit form (the
  /// form's own page for an edit, the new record's /edit page for a creation) holds something
  /// else. Null when there is no such form to look at (a list, an inline form).
  async dropped(ctx, target, url, sent) {
    let path = null;
    if (/\/edit$/.test(target.kind)) path = target.on;
    else if (/\/new$/.test(target.kind) && /^\/[^?#]*\/\d+$/.test(url)) path = `${url}/edit`;
    if (!path || sent.size === 0) return null;
    const opened = await this.open(ctx, path, `kept by ${target.kind}`);
    if (!opened || opened.status !== 200) return null;
    const values = await ctx.page.evaluate((names) => {
      const out = {};
      for (const n of names) {
        const el = document.querySelector(`main form[method=post] [name="${CSS.escape(n)}"]`);
        if (el) out[n] = el.value;
      }
      return out;
    }, [...sent.keys()]);
    const judged = [...sent.keys()].filter((n) => n in values);
    if (judged.length === 0) return null;
    this.keptChecked += judged.length;
    return judged.filter((n) => values[n] !== sent.get(n));
  }

  /// Presses a record's “submit” button (a form without free text). True when the record
  /// moved on (no message came back).
  async advance(ctx, target) {
    const { page } = ctx;
    const opened = await this.open(ctx, target.on, `advance ${target.action}`);
    if (!opened || opened.status !== 200) return { ok: false, why: 'page did not open' };
    const form = (await page.$$(`main form[action="${target.action}"]`))[target.nth];
    if (!form) return { ok: false, why: 'no form' };
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'domcontentloaded' }),
      form.evaluate((f) => f.requestSubmit(f.querySelector('button[name=action][value=submit]'))),
    ]);
    const after = await this.inspect(ctx, `after advancing ${target.action}`);
    const still = await page.$(`main form[action="${target.action}"] button[name=action][value=submit]`);
    if (!still) return { ok: true, url: after.url };
    const alerts = await page.$$eval('main .alert', (as) => as.map((a) => a.textContent.trim().replace(/\s+/g, ' ')));
    return { ok: false, url: after.url, why: alerts.filter((a) => !opened.text.includes(a)).join(' ') || 'still waiting to be submitted' };
  }

  /// A form refused until a document is uploaded (请先上传…): uploads a small PDF as the kind
  /// the message names, with the upload form of the same page. True when it did.
  async uploadFor(ctx, target, message) {
    const { page } = ctx;
    const opened = await this.open(ctx, target.on, `upload for ${target.kind}`);
    if (!opened || opened.status !== 200) return false;
    const form = await page.$('main form[enctype="multipart/form-data"]:has(input[type=file])');
    if (!form) return false;
    const kind = await form.evaluate((f, m) => {
      const select = f.querySelector('select[name=kind]');
      if (!select) return null;
      const options = [...select.options].filter((o) => o.value);
      const option = options.find((o) => m.includes(o.textContent.trim())) || options[0];
      if (option) select.value = option.value;
      return option?.textContent.trim() ?? null;
    }, message);
    if (!this.pdf) {
      const other = await this.browser.newContext();
      const blank = await other.newPage();
      await blank.setContent('<html lang="zh-CN"><body><h1>报告</h1><p>（盖章）</p></body></html>');
      this.pdf = await blank.pdf({ format: 'A4' });
      await other.close();
    }
    const file = { name: `${kind || '附件'}.pdf`, mimeType: 'application/pdf', buffer: this.pdf };
    await (await form.$('input[type=file]')).setInputFiles(file);
    await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), form.evaluate((f) => f.requestSubmit())]);
    await this.inspect(ctx, `after uploading for ${target.kind}`);
    return true;
  }

  /// Values to try in a field that refused what it got, best first.
  candidates(f) {
    if (f.type === 'checkbox' || f.type === 'radio') return [{ check: true }];
    if (f.tag === 'select') {
      const options = f.options.filter((o) => o && o !== f.value);
      return (options.length ? options.slice(0, 3) : [f.value]).map((value) => ({ value }));
    }
    if (f.type === 'date') return [shanghaiDay(0), shanghaiDay(30), shanghaiDay(-30)].map((value) => ({ value }));
    const list = [];
    if (!isPayload(f.value)) list.push(f.value); // what it held, empty included: an optional field
    for (const v of this.dictionary.get(f.name) || []) if (!list.includes(v)) list.push(v);
    for (const v of guesses(f.name)) if (!list.includes(v)) list.push(v);
    return list.map((v) => ({ value: f.maxlength && v.length > f.maxlength ? v.slice(0, f.maxlength) : v }));
  }

  record(role, target, result) {
    const fields = [...this.fields.values()].filter((f) => f.form === target.kind);
    if (!result.ok) {
      for (const f of fields) {
        if (f.status === 'stored' || f.status === 'refused') continue;
        f.status = 'failed';
        f.why = result.why;
        f.role = role;
      }
      return;
    }
    if (result.none) return;
    // A field that refused its payload with a message is covered when the form then stored
    // (with a valid value there): the payload cannot be stored in it.
    for (const f of fields) {
      if (f.status === 'stored') continue;
      if (result.dropped?.includes(f.name)) {
        const why = 'accepted, but the record does not keep it';
        Object.assign(f, { status: 'dropped', why, payload: result.payloadOf.get(f.name), role });
      } else if (result.stored.includes(f.name)) {
        const kept = result.dropped ? true : null;
        Object.assign(f, { status: 'stored', payload: result.payloadOf.get(f.name), role, url: result.url, kept });
        if (result.truncated.has(f.name)) f.truncated = true;
      } else if (result.refused.has(f.name)) {
        const { message, how } = result.refused.get(f.name);
        Object.assign(f, { status: 'refused', message, refused_by: how, payload: result.payloadOf.get(f.name), role });
        if (result.truncated.has(f.name)) f.truncated = true;
      } else if (f.status !== 'refused') {
        f.status = 'failed';
        f.why = 'not filled';
      }
    }
  }

  /// Visits the print views and downloads the Excel exports noted, each kind once, as the role
  /// that found its link.
  async outputs(contexts) {
    // A link the page offers that its role may not follow is noted (a broken link, not an
    // escaping failure); the kind fails only when none of its links could be checked.
    for (const [kind, p] of this.prints) {
      for (const c of p.candidates) {
        const opened = await this.open(contexts.get(c.role), c.path, `print view ${kind}`);
        if (opened?.status !== 200) {
          this.refusedLinks.push({ role: c.role, url: c.path, status: opened?.status ?? 'no page' });
          continue;
        }
        Object.assign(p, { path: c.path, role: c.role, status: opened.status, shown: opened.shown });
        if (p.shown.length) break;
      }
      if (p.status !== 200) {
        this.fail('print', { url: p.candidates.map((c) => c.path).join(' '), error: 'no print view of this kind opened' });
      }
      p.also = [];
      for (const [role, path] of p.offered) {
        if (role === p.role) continue;
        const opened = await this.open(contexts.get(role), path, `print view ${kind}`);
        if (opened?.status !== 200) this.refusedLinks.push({ role, url: path, status: opened?.status ?? 'no page' });
        else p.also.push({ role, path, shown: opened.shown.length });
      }
      delete p.candidates;
      delete p.offered;
    }
    for (const [kind, x] of this.exports) {
      for (const c of x.candidates) {
        const res = await contexts.get(c.role).page.request.get(this.base + c.path).catch((e) => ({ error: e }));
        if (res.error || res.status() !== 200) {
          this.refusedLinks.push({ role: c.role, url: c.path, status: res.error ? res.error.message : res.status() });
          continue;
        }
        Object.assign(x, { path: c.path, role: c.role, status: 200 });
        try {
          Object.assign(x, this.checkWorkbook(await res.body(), c.role, c.path));
        } catch (e) {
          this.fail('export', { role: c.role, url: c.path, error: e.message });
        }
        if (x.payloadCells) break;
      }
      if (x.status !== 200) {
        this.fail('export', { url: x.candidates.map((c) => c.path).join(' '), error: 'no export of this kind downloaded' });
      }
      x.also = [];
      for (const [role, path] of x.offered) {
        if (role === x.role) continue;
        const res = await contexts.get(role).page.request.get(this.base + path).catch((e) => ({ error: e }));
        if (res.error || res.status() !== 200) {
          this.refusedLinks.push({ role, url: path, status: res.error ? res.error.message : res.status() });
          continue;
        }
        try {
          const checked = this.checkWorkbook(await res.body(), role, path);
          x.also.push({ role, path, cells: checked.cells, payloadCells: checked.payloadCells });
          if (checked.hyperlink) x.hyperlink = true;
        } catch (e) {
          this.fail('export', { role, url: path, error: e.message });
        }
      }
      delete x.candidates;
      delete x.offered;
    }
  }

  /// Every cell of every sheet: no formula anywhere, and a cell holding a payload is text.
  checkWorkbook(bytes, role, url) {
    const files = unzip(bytes);
    const decode = (s) =>
      s
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
        .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
        .replace(/&amp;/g, '&');
    const texts = (xml) => [...xml.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((m) => decode(m[1])).join('');
    const shared = files.has('xl/sharedStrings.xml')
      ? [...files.get('xl/sharedStrings.xml').toString('utf8').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]))
      : [];
    let cells = 0;
    let payloadCells = 0;
    let hyperlink = false;
    for (const [name, data] of files) {
      if (!/^xl\/worksheets\/[^/]+\.xml$/.test(name)) continue;
      const xml = data.toString('utf8');
      for (const m of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        cells += 1;
        const attrs = m[1];
        const body = m[2] || '';
        const ref = (attrs.match(/\br="([A-Z]+\d+)"/) || [])[1] || '?';
        const type = (attrs.match(/\bt="([^"]*)"/) || [])[1] || 'n';
        if (/<f[\s>/]/.test(body)) this.fail('export-formula', { role, url, sheet: name, cell: ref, xml: body.slice(0, 160) });
        let value = '';
        if (type === 's') value = shared[Number((body.match(/<v>(\d+)<\/v>/) || [])[1])] ?? '';
        else if (type === 'inlineStr') value = texts(body);
        else value = decode((body.match(/<v>([^<]*)<\/v>/) || [])[1] || '');
        const holds = PAYLOADS.filter((p) => value.includes(p));
        if (holds.length === 0) continue;
        payloadCells += 1;
        if (value.includes(PAYLOADS[3]) && ['s', 'inlineStr', 'str'].includes(type)) hyperlink = true;
        if (!['s', 'inlineStr', 'str'].includes(type)) {
          this.fail('export-cell', { role, url, sheet: name, cell: ref, type, value: value.slice(0, 80) });
        }
      }
    }
    return { cells, payloadCells, hyperlink, status: 200 };
  }
}

/// Form kinds that change a record's state come after the ones that edit it; ending a project last.
function rank(f) {
  if (/termination/.test(f.kind)) return 3;
  if (f.advance || /transition|listing|follow-up|decide|close|filing|sign|draw|replace/.test(f.kind)) return 2;
  return /\/new$/.test(f.kind) ? 0 : 1;
}

function order(found) {
  return [...found].sort((a, b) => rank(a) - rank(b));
}

/// The checks of scanPage find what they look for: a page made to carry each payload
/// unescaped shows each finding.
async function selfTest(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent(
    `<html><body><p>${PAYLOADS[0]}</p><input value="${PAYLOADS[1]}"><a href="${PAYLOADS[2]}">x</a><p>${PAYLOADS[3]}</p></body></html>`,
  );
  const { bad, text } = await page.evaluate(scanPage);
  await context.close();
  expect(bad.some((b) => b.startsWith('script')), `the check finds an injected script: ${bad}`);
  expect(bad.some((b) => b.startsWith('handler onerror')), `the check finds an injected handler: ${bad}`);
  expect(bad.some((b) => b.startsWith('javascript: URL')), `the check finds a javascript: link: ${bad}`);
  expect(text.includes(PAYLOADS[3]), 'the text check sees text');
}

export async function xss(browser, report, base, secrets) {
  await selfTest(browser);
  const crawl = new Crawl(browser, report, base, secrets);
  const only = process.env.XSS_ROLES ? process.env.XSS_ROLES.split(',') : ORDER;
  const roles = ORDER.filter((key) => only.includes(key))
    .map((key) => ROLES.find((r) => r.key === key))
    .filter((r) => r && (!r.totp || secrets[r.username]));
  const contexts = new Map(); // role → its signed-in browser context, open to the end
  const revisit = new Map(); // role → pages to see again once everyone has stored
  for (const role of roles) {
    let ctx;
    try {
      ctx = await crawl.signIn(role);
    } catch (e) {
      crawl.fail('sign-in', { role: role.key, error: e.message });
      continue;
    }
    contexts.set(role.key, ctx);
    const began = crawl.seconds();
    const menu = await ctx.page.$$eval('nav.sidebar a', (as) => as.map((a) => a.getAttribute('href')));
    // Rounds: the menu's pages first, then the pages the stored forms led to (a new record's
    // own forms: its edit page, its transitions), while they show forms not yet filled.
    let seeds = ['/', ...menu, ...(role.extra || [])];
    // Seen again at the end: the pages the forms led to, and for the first role (whose crawl
    // came before everyone else stored) its menu too.
    const again = new Set(role === roles[0] ? seeds : []);
    let pages = 0;
    let forms = 0;
    const handle = async (target, preloaded = null, later = null) => {
      if (target.advance) {
        let moved = await crawl.advance(ctx, target).catch((e) => ({ ok: false, why: e.message }));
        if (!moved.ok && /上传/.test(moved.why) && (await crawl.uploadFor(ctx, target, moved.why).catch(() => false))) {
          moved = await crawl.advance(ctx, target).catch((e) => ({ ok: false, why: e.message }));
        }
        crawl.advanced.push({ role: role.key, action: target.action, ...moved });
        return;
      }
      // Another role may have covered it meanwhile.
      if (target.free.every((n) => ['stored', 'refused'].includes(crawl.fields.get(`${target.kind} ${n}`)?.status))) return;
      let result = await crawl.submit(ctx, target, preloaded).catch((e) => ({ ok: false, why: e.message.split('\n')[0] }));
      const needsUpload = !result.ok && /请先上传|上传.*后/.test(result.why || '');
      if (needsUpload && (await crawl.uploadFor(ctx, target, result.why).catch(() => false))) {
        result = await crawl.submit(ctx, target).catch((e) => ({ ok: false, why: e.message.split('\n')[0] }));
      }
      if (result.none) return;
      // Filled during the crawl and refused: again at the end of the round, when the crawl has
      // seen more values that pass (a registered employer's code).
      if (!result.ok && later) {
        later.push(target);
        return;
      }
      forms += 1;
      crawl.record(role.key, target, result);
      crawl.forms.get(target.kind).result = result.ok
        ? { role: role.key, url: result.url, seen: result.seen.length, attempts: result.attempts }
        : { role: role.key, why: result.why };
      // The page a form led to is crawled again for the forms it may show now (a new record's,
      // an added item's), unless the form only edited what was there.
      if (result.ok && !again.has(result.url) && !/\/edit$/.test(target.kind)) seeds.push(result.url);
      if (result.ok) again.add(result.url);
    };
    for (let round = 0; round < 3 && seeds.length; round += 1) {
      const from = seeds;
      seeds = [];
      const later = [];
      const found = await crawl.discover(ctx, from, {
        states: ['city', 'province', 'agency'].includes(role.key),
        now: (t, scan) => handle(t, scan, later),
      });
      pages += found.pages.length;
      for (const target of order([...later, ...found.found])) await handle(target);
    }
    revisit.set(role.key, [...again]);
    console.log(`xss ${role.key}: ${pages} pages crawled, ${forms} forms filled, ${(crawl.seconds() - began).toFixed(0)} s`);
  }
  // Once everyone has stored: each role's home, menu and the pages its forms led to, then every
  // print view and export found.
  const checks = crawl.seconds();
  for (const [key, paths] of revisit) {
    const ctx = contexts.get(key);
    for (const path of paths) {
      const opened = await crawl.open(ctx, path, 'after storing');
      if (opened && opened.status === 200) crawl.collectOutputs(ctx, opened.scan.links, opened.shown);
    }
  }
  await crawl.outputs(contexts);
  console.log(`xss checks: ${(crawl.seconds() - checks).toFixed(0)} s`);
  for (const ctx of contexts.values()) await ctx.context.close();
  const fields = [...crawl.fields.values()];
  // A field of a form that creates a record, which could not be stored there (the record
  // cannot be made again, e.g. a rule's range is taken), is covered by the same field of the
  // form that edits such a record when that one stored its payload.
  for (const f of fields) {
    if (f.status === 'stored' || f.status === 'refused' || !/\/new$/.test(f.form)) continue;
    const sibling = crawl.fields.get(`${f.form.replace(/\/new$/, '/{id}/edit')} ${f.name}`);
    if (sibling && (sibling.status === 'stored' || sibling.status === 'refused')) {
      f.covered_by = `${sibling.form} (${sibling.status})`;
      f.status = sibling.status;
    }
  }
  const uncovered = fields.filter((f) => f.status !== 'stored' && f.status !== 'refused');
  for (const f of uncovered) {
    report.fail(`xss: field ${f.name} of ${f.form} (on ${f.on}) covered`, f.why || f.status);
  }
  for (const f of crawl.failures) {
    report.fail(`xss: ${f.kind} on ${f.url}`, JSON.stringify(f));
  }
  // The positive control: each payload came back as text somewhere (stored, and escaped
  // rather than stripped).
  for (const p of PAYLOADS) {
    if (!crawl.shownBy.get(p)) report.fail(`xss: ${p} shown as text on some page`, 'no page showed it');
  }
  const exportsChecked = [...crawl.exports.values()].filter((x) => x.status === 200);
  const hyperlinks = exportsChecked.filter((x) => x.hyperlink).length;
  if (exportsChecked.some((x) => x.payloadCells > 0) && hyperlinks === 0) {
    report.fail('xss: the =HYPERLINK payload is in an export as text', 'no export holds it');
  }
  const summary = {
    seconds: Math.round(crawl.seconds()),
    roles: roles.map((r) => r.key),
    forms: crawl.forms.size,
    forms_with_free_text: [...crawl.forms.values()].filter((f) => f.fields.length).length,
    forms_skipped: Object.fromEntries(crawl.skipped),
    forms_skipped_why: 'sign-in/out, password, second factor, delete, disable, remove, reset, unlock, unmask, end session',
    fields: fields.length,
    stored: fields.filter((f) => f.status === 'stored').length,
    refused: fields.filter((f) => f.status === 'refused').length,
    // How the refusal was told: a message beside the field, or (a message for a row or the
    // whole form) the form refused when that field alone held its payload.
    refused_by: Object.fromEntries(['field', 'alone'].map((how) => [how, fields.filter((f) => f.refused_by === how).length])),
    truncated: fields.filter((f) => f.truncated).length,
    stored_verified_kept: fields.filter((f) => f.kept).length,
    uncovered: uncovered.length,
    pages_checked: crawl.pages,
    pages_showing_payloads: crawl.pagesShowing,
    pages_showing_each: Object.fromEntries(PAYLOADS.map((p) => [p, crawl.shownBy.get(p) ?? 0])),
    prints: [...crawl.prints.values()].filter((p) => p.status === 200).length,
    prints_showing_payloads: [...crawl.prints.values()].filter((p) => p.shown?.length).length,
    exports: exportsChecked.length,
    exports_with_payloads: exportsChecked.filter((x) => x.payloadCells > 0).length,
    exports_with_hyperlink_text: hyperlinks,
    failures: crawl.failures.length + uncovered.length,
    escaping_failures: crawl.failures,
    uncovered_fields: uncovered,
    field_list: fields,
    form_list: [...crawl.forms.values()],
    advanced: crawl.advanced,
    refused_links: crawl.refusedLinks,
    print_list: Object.fromEntries(crawl.prints),
    export_list: Object.fromEntries(crawl.exports),
  };
  writeFileSync(join(report.out, 'xss.json'), JSON.stringify(summary, null, 2));
  if (crawl.failures.length === 0 && uncovered.length === 0) {
    report.pass('xss: every free-text field stored the payloads, escaped everywhere');
  }
  console.log(
    `xss: ${summary.forms} forms (${summary.forms_with_free_text} with free text), ${summary.fields} fields: ` +
      `${summary.stored} stored, ${summary.refused} refused, ${summary.uncovered} not covered; ${summary.pages_checked} pages, ` +
      `${summary.prints} prints, ${summary.exports} exports checked; ${crawl.failures.length} failures, ${summary.seconds} s`,
  );
  // A page must not offer a role a link that role is refused (layout.offers hides them).
  const forbidden = crawl.refusedLinks.filter((l) => l.status === 403);
  if (forbidden.length === 0) {
    report.pass('links: no role is offered a page it is refused (403)');
  } else {
    const seen = [...new Set(forbidden.map((l) => `${l.role} ${l.url}${l.from ? ` (on ${l.from})` : ''}`))];
    report.fail('links: a role is offered pages it is refused (403)', seen.slice(0, 10).join('; '));
  }
  const noted = new Set();
  for (const l of crawl.refusedLinks) {
    const key = `${l.role} ${kindOf(l.url)} ${l.status}`;
    if (noted.has(key)) continue;
    noted.add(key);
    console.log(`xss note: ${l.role} was offered ${l.url}${l.from ? ` (on ${l.from})` : ''} and got ${l.status}`);
  }
  return summary;
}
