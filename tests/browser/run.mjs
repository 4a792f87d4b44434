// Runs the journeys, then the sweep of every main page, then the hostile-input crawl (xss.mjs),
// against a running demo server.
//   node tests/browser/run.mjs --base http://127.0.0.1:18080 --out target/browser --demo-log server.log
// `scripts/browser-tests` starts the server on a private cluster and calls this. Exit status 1
// when any check failed or any page showed a console error, a CSP violation or a 5xx.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { launch, Report } from './lib.mjs';
import { journeys } from './journeys.mjs';
import { sweep } from './sweep.mjs';
import { xss } from './xss.mjs';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    out: { type: 'string', default: 'target/browser' },
    'demo-log': { type: 'string' },
    only: { type: 'string', default: '' },
  },
});
const base = values.base.replace(/\/$/, '');

// The demo prints each administrator's TOTP secret at start; read them from its output.
const secrets = {};
for (const line of readFileSync(values['demo-log'], 'utf8').split('\n')) {
  const m = line.match(/^\s+(demo_\w+)\s+([A-Z2-7]{32})\s*$/);
  if (m) secrets[m[1]] = m[2];
}

const report = new Report(values.out);
const browser = await launch();
const started = Date.now();
try {
  for (const [name, journey] of Object.entries(journeys)) {
    if (values.only && !name.includes(values.only)) continue;
    const began = Date.now();
    await journey({ browser, report, base, secrets });
    console.log(`journey ${name}: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }
  if (!values.only || 'sweep'.includes(values.only)) {
    const began = Date.now();
    await sweep(browser, report, base, secrets);
    console.log(`sweep: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }
  // Last: it stores hostile input in every form it finds, so every later page would show it.
  if (!values.only || 'xss'.includes(values.only)) {
    const began = Date.now();
    await xss(browser, report, base, secrets);
    console.log(`xss: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }
} catch (err) {
  report.fail('run', err.stack || err);
} finally {
  await browser.close();
}

const summary = report.write();
for (const c of summary.results.filter((r) => !r.ok)) console.log(`FAILED ${c.what}: ${c.why}`);
for (const p of summary.problems.filter((p) => !summary.results.some((r) => !r.ok && p.startsWith(r.what)))) {
  console.log(`PROBLEM ${p}`);
}
console.log(
  `browser: ${summary.checks - summary.failed} of ${summary.checks} checks passed, ` +
    `${summary.problems.length} problems, ${summary.screenshots} screenshots, ${summary.pdfs} PDFs, ` +
    `${summary.pages_checked_by_axe} pages checked by axe, ${((Date.now() - started) / 1000).toFixed(0)} s ` +
    `(report: ${values.out}/report.json)`,
);
process.exit(summary.problems.length === 0 ? 0 : 1);
