// Every main page of every role: each entry of the role's menu, the first record each list
// links to, and that record's print view. Each is screenshot at 1366×768 (full length), checked
// by axe-core (once per kind of page) and watched for console errors and CSP violations; print
// views are printed to PDF by Chromium. The pages are found by following the menus, so a page
// a new feature adds to a menu is swept without a change here.

import { axe, expect, person, printPdf, screenshot, signIn, signOut, step } from './lib.mjs';

/// One account of each role, from the demo.
export const ROLES = [
  { key: 'province', username: 'demo_province' },
  // Beside its menu, the city starts from the demo's projects furthest along, whose pages
  // (agreement, payments, acceptance) and print views exist only then.
  { key: 'city', username: 'demo_sy_hrss', extra: ['/projects?status=accepted', '/projects?status=in_progress'] },
  { key: 'partner', username: 'demo_sy_emergency' },
  { key: 'agency', username: 'demo_sy_agency' },
  { key: 'expert', username: 'demo_expert' },
  { key: 'sysadmin', username: 'demo_sysadmin', totp: true },
  { key: 'secadmin', username: 'demo_secadmin', totp: true },
  { key: 'auditor', username: 'demo_auditor', totp: true },
];

/// A path's kind: its numbers and codes replaced, so /plans/3 and /plans/9 are one kind.
function kindOf(path) {
  return path.replace(/\/\d+(?=\/|$|\?)/g, '/{id}').replace(/\?.*$/, '');
}

function nameOf(role, path) {
  const clean = path.replace(/^\//, '').replace(/[/?=&]+/g, '_') || 'home';
  return `${role}__${clean}`.slice(0, 120);
}

/// Links of a record's page to its own pages (`/projects/7/agreement`, `/plans/3/edit`), not to
/// downloads.
async function subPages(page, path) {
  const own = path.replace(/\?.*$/, '');
  return page.$$eval(
    `main a[href^="${own}/"]`,
    (as) => [...new Set(as.map((a) => a.getAttribute('href')))],
  ).then((hrefs) => hrefs.filter((h) => !/\/(print|export|errors|template|download)\b|\/attachments\/\d+$/.test(h)));
}

/// Links of the page's main part to records (a path with a number), in page order.
async function recordLinks(page) {
  return page.$$eval('main table a[href^="/"], main .list-group a[href^="/"]', (as) =>
    as.map((a) => a.getAttribute('href')).filter((h) => /\/\d+(\/|$|\?)/.test(h) && !/\/(export|print|download)/.test(h)),
  );
}

async function printLinks(page) {
  return page.$$eval('main a[href*="/print"]', (as) => as.map((a) => a.getAttribute('href')));
}

async function visit(ctx, report, base, path, label, seenKinds) {
  const { page } = ctx;
  let ok = false;
  await step(report, page, `${label}: ${path} opens`, async () => {
    const res = await page.goto(base + path, { waitUntil: 'load' });
    expect(res && res.status() === 200, `status ${res && res.status()}`);
    expect((await page.getAttribute('html', 'lang')) === 'zh-CN', 'lang="zh-CN" on <html>');
    expect((await page.$$('h1')).length >= 1, 'a heading');
    ok = true;
  });
  if (!ok) return false;
  await screenshot(report, page, nameOf(label, path));
  const kind = kindOf(path);
  if (!seenKinds.has(kind)) {
    seenKinds.add(kind);
    await axe(report, page, `${kind} (as ${label})`);
  }
  return true;
}

export async function sweep(browser, report, base, secrets) {
  const seenKinds = new Set();
  const printed = new Set();
  // The login page, before anyone signs in.
  {
    const ctx = await person(browser, report, 'anonymous');
    await visit(ctx, report, base, '/login', 'anonymous', seenKinds);
    await ctx.context.close();
  }
  for (const role of ROLES) {
    const ctx = await person(browser, report, role.key);
    const { page } = ctx;
    const signed = await step(report, page, `${role.key}: signs in`, async () => {
      await signIn(base, page, role.username, undefined, role.totp ? secrets[role.username] : null);
      expect(new URL(page.url()).pathname === '/', `landed on ${page.url()}`);
    });
    if (!signed) {
      await ctx.context.close();
      continue;
    }
    await visit(ctx, report, base, '/', role.key, seenKinds);
    const menu = await page.$$eval('nav.sidebar a', (as) => as.map((a) => a.getAttribute('href')));
    const details = [];
    for (const path of [...menu, ...(role.extra || [])]) {
      if (path === '/') continue;
      if (!(await visit(ctx, report, base, path, role.key, seenKinds))) continue;
      const first = (await recordLinks(page))[0];
      if (first && !details.includes(first)) details.push(first);
    }
    // Officers see every record page; the other roles the kinds not yet seen.
    const everything = ['province', 'city'].includes(role.key);
    const prints = [];
    for (const path of details) {
      if (!everything && seenKinds.has(kindOf(path))) continue;
      if (!(await visit(ctx, report, base, path, role.key, seenKinds))) continue;
      prints.push(...(await printLinks(page)));
      for (const sub of await subPages(page, path)) {
        if (seenKinds.has(kindOf(sub))) continue;
        if (!(await visit(ctx, report, base, sub, role.key, seenKinds))) continue;
        prints.push(...(await printLinks(page)));
      }
    }
    for (const print of prints) {
      const kind = kindOf(print);
      if (printed.has(kind)) continue;
      printed.add(kind);
      await step(report, page, `${role.key}: ${print} prints on A4`, async () => {
        const res = await page.goto(base + print, { waitUntil: 'load' });
        expect(res && res.status() === 200, `status ${res && res.status()}`);
        const pages = await printPdf(report, page, nameOf(role.key, print));
        expect(pages >= 1, 'a printed page');
        // The application form (申报表) is signed and sealed on at most two sheets.
        if (kind === '/projects/{id}/print') expect(pages <= 2, `申报表 on ${pages} A4 pages`);
      });
    }
    await signOut(page).catch(() => {});
    await ctx.context.close();
  }
  expect(printed.size > 0, 'print views found');
}
