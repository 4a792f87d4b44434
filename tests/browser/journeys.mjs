// The journeys of issue 27: what people do in the browser, step by step, each step asserting
// what the person sees. They run on the demo's data and change it (a new account, a new plan),
// so they come before the sweep, which then screenshots the changed pages too.

import { expect, go, mainText, optionWith, person, signIn, signOut, steps } from './lib.mjs';
import { creditCode, workbook } from './xlsx.mjs';

/// Picks the option of `select` whose text contains `text`.
async function choose(page, select, text) {
  await page.selectOption(select, await optionWith(page, select, text));
}

/// A small, real PDF (Chromium prints one), as a signed document scan would be uploaded.
async function pdfOf(browser, title) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent(`<html lang="zh-CN"><body><h1>${title}</h1><p>（盖章）</p></body></html>`);
  const bytes = await page.pdf({ format: 'A4' });
  await context.close();
  return bytes;
}

/// 办理: presses the action button `label` (with a comment when given) on a record's page.
async function act(page, label, comment = null) {
  if (comment !== null) await page.fill('#comment', comment);
  await go(page, `form[action$="/transition"] button[name=action]:has-text("${label}")`);
}

/// A city officer is made an account by the administrators (both with their second factor),
/// signs in for the first time and must change the password; then writes the region's
/// implementation plan with its signed document and reports it; the province returns it with
/// a comment; the city sees the comment, fixes and reports again; the province files it; the
/// timeline shows every step.
async function firstSignInAndPlan({ browser, report, base, secrets }) {
  const step = steps(report);
  const username = `fs_officer_${Date.now() % 100000}`;
  let oneTime = '';
  let newPassword = 'Fushun#2026plan';
  let planUrl = '';

  const admin = await person(browser, report, 'sysadmin');
  await step(admin.page, 'sysadmin: signs in with the second factor', async () => {
    await signIn(base, admin.page, 'demo_sysadmin', undefined, secrets.demo_sysadmin);
    expect(new URL(admin.page.url()).pathname === '/', `after the code: ${admin.page.url()}`);
    expect((await admin.page.innerText('header')).includes('系统管理员'), 'the role in the header');
  });
  await step(admin.page, 'sysadmin: a wrong code is refused', async () => {
    const other = await person(browser, report, 'sysadmin-wrong');
    await other.page.goto(`${base}/login`);
    await other.page.fill('#username', 'demo_sysadmin');
    await other.page.fill('#password', 'Demo#2026gsyf');
    await go(other.page, 'main button[type=submit]');
    expect(new URL(other.page.url()).pathname === '/login/totp', 'asked for the code');
    await other.page.fill('#code', '000000');
    await go(other.page, 'main form button[type=submit]');
    expect((await mainText(other.page)).includes('动态口令'), 'still on the code page');
    const home = await other.page.goto(`${base}/admin/accounts`);
    expect(new URL(other.page.url()).pathname !== '/admin/accounts' || home.status() !== 200, 'no page before the code');
    await other.context.close();
  });
  await step(admin.page, 'sysadmin: creates the account and sees its one-time password', async () => {
    await admin.page.goto(`${base}/admin/accounts/new`);
    await admin.page.fill('#username', username);
    await admin.page.fill('#display_name', '抚顺测试员');
    await choose(admin.page, '#region', '抚顺');
    await go(admin.page, 'main form button[type=submit]');
    oneTime = (await admin.page.innerText('.one-time-password')).trim();
    expect(oneTime.length >= 10, `a one-time password: “${oneTime}”`);
  });
  await admin.context.close();

  const security = await person(browser, report, 'secadmin');
  await step(security.page, 'secadmin: gives the account the city officer role', async () => {
    await signIn(base, security.page, 'demo_secadmin', undefined, secrets.demo_secadmin);
    await security.page.goto(`${base}/security/roles?q=${username}`);
    await go(security.page, `main tr:has-text("${username}") a:has-text("分配角色")`);
    await choose(security.page, '#role', '市人力资源社会保障局');
    await choose(security.page, '#region', '抚顺');
    await choose(security.page, '#department', '人力资源');
    await go(security.page, 'main form button[type=submit]');
    const text = await mainText(security.page);
    expect(!text.includes('提交的内容有误'), `saved: ${text.slice(0, 300)}`);
  });
  await security.context.close();

  const city = await person(browser, report, 'fs-city');
  const { page } = city;
  await step(page, 'new officer: first sign-in must change the password', async () => {
    await signIn(base, page, username, oneTime);
    expect(new URL(page.url()).pathname === '/account/password', `sent to change it: ${page.url()}`);
    await page.goto(`${base}/plans`);
    expect(new URL(page.url()).pathname === '/account/password', 'no other page before the change');
    await page.fill('#current_password', oneTime);
    await page.fill('#new_password', newPassword);
    await page.fill('#confirm_password', newPassword);
    await go(page, 'main form button[type=submit]');
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname === '/', `home after the change: ${page.url()}`);
    expect((await page.innerText('header')).includes('抚顺测试员'), 'signed in as the new officer');
  });
  await step(page, 'new officer: writes the plan', async () => {
    await page.goto(`${base}/plans`);
    await go(page, 'main form[action="/plans/new"] button');
    planUrl = new URL(page.url()).pathname.replace(/\/edit$/, '');
    expect(/^\/plans\/\d+$/.test(planUrl), `a new plan: ${page.url()}`);
    if (!page.url().endsWith('/edit')) await page.goto(`${base}${planUrl}/edit`);
    await page.fill('#guiding_ideas', '坚持以人民为中心，推动工伤预防工作由事后补偿向事前预防转变。');
    await page.fill('#accident_rate_reduction_percent', '20');
    await page.fill('#training_coverage_percent', '100');
    await page.fill('#training_coverage_due', '2030-06-30');
    await page.check('input[name=industry] >> nth=0');
    const tasks = await page.$$eval('select[name=task_cycle_task] >> nth=0', (s) =>
      [...s[0].options].filter((o) => o.value).map((o) => o.value),
    );
    const rows = await page.$$('select[name=task_cycle_task]');
    expect(rows.length >= tasks.length, `${rows.length} task rows for ${tasks.length} tasks`);
    for (let i = 0; i < tasks.length; i += 1) {
      await rows[i].selectOption(tasks[i]);
      const deps = await page.$$('select[name=task_department]');
      const depValue = await deps[i].$eval('option:nth-child(2)', (o) => o.value);
      await deps[i].selectOption(depValue);
      await (await page.$$('textarea[name=task_measures]'))[i].fill('按分工组织实施，按季度调度。');
      await (await page.$$('input[name=task_deadline]'))[i].fill('2030-12-31');
    }
    await page.fill('#safeguards', '加强组织领导，落实工伤预防费使用管理。');
    await page.fill('#document_number', '抚人社发〔2026〕12号');
    await page.fill('#issued_on', '2026-11-20');
    await go(page, 'main form button[type=submit]');
    const text = await mainText(page);
    expect(!text.includes('提交的内容有误'), `saved: ${text.slice(0, 400)}`);
    expect(text.includes('请上传'), 'the signed document is still missing');
  });
  await step(page, 'new officer: uploads the signed document and reports the plan', async () => {
    await page.goto(`${base}${planUrl}`);
    const pdf = await pdfOf(browser, '抚顺市工伤预防五年行动实施方案');
    await choose(page, '#attachment-kind', '正式印发文件');
    await page.setInputFiles('#attachment-file', { name: '实施方案（盖章）.pdf', mimeType: 'application/pdf', buffer: pdf });
    await go(page, 'form[enctype="multipart/form-data"] button[type=submit]');
    expect((await mainText(page)).includes('实施方案（盖章）.pdf'), 'the file is listed');
    await act(page, '报备');
    const text = await mainText(page);
    expect(text.includes('已报备'), `reported: ${text.slice(0, 300)}`);
  });
  await signOut(page);

  const province = await person(browser, report, 'province');
  const comment = '保障措施请补充经费安排的具体比例。';
  await step(province.page, 'province: returns the plan with a comment', async () => {
    await signIn(base, province.page, 'demo_province');
    await province.page.goto(`${base}${planUrl}`);
    await act(province.page, '退回', comment);
    expect((await mainText(province.page)).includes('已退回'), 'returned');
  });

  await step(page, 'new officer: sees the comment, fixes the plan and reports it again', async () => {
    await signIn(base, page, username, newPassword);
    await page.goto(`${base}/`);
    expect((await mainText(page)).includes(comment), 'the home page shows the reason');
    await page.goto(`${base}${planUrl}`);
    expect((await mainText(page)).includes(comment), 'the plan shows the reason');
    await page.goto(`${base}${planUrl}/edit`);
    await page.fill('#safeguards', '加强组织领导；工伤预防费按上年度基金收入的3%以内安排，专款专用。');
    await go(page, 'main form button[type=submit]');
    await page.goto(`${base}${planUrl}`);
    await act(page, '报备');
    expect((await mainText(page)).includes('已报备'), 'reported again');
  });

  await step(province.page, 'province: files the plan, and the timeline shows every step', async () => {
    await province.page.goto(`${base}${planUrl}`);
    await act(province.page, '备案');
    const text = await mainText(province.page);
    expect(text.includes('已备案'), 'filed');
    const timeline = await province.page.innerText('main');
    for (const word of ['报备', '退回', '备案', comment]) expect(timeline.includes(word), `timeline has ${word}`);
    const steps = (timeline.match(/报备/g) || []).length;
    expect(steps >= 2, `two reports in the timeline (${steps})`);
  });
  await province.context.close();
  await city.context.close();
}

/// A city officer editing the address bar to another city's records gets the 404 page.
async function anotherCitysRecord({ browser, report, base }) {
  const step = steps(report);
  const dl = await person(browser, report, 'dl-city');
  let foreign = [];
  await step(dl.page, '大连 officer: notes the ids of 大连 records', async () => {
    await signIn(base, dl.page, 'demo_dl_hrss');
    for (const list of ['/plans', '/projects', '/inspections', '/meetings']) {
      await dl.page.goto(`${base}${list}`);
      const first = await dl.page.$$eval('main a[href]', (as) =>
        as.map((a) => a.getAttribute('href')).find((h) => /^\/[a-z-]+\/\d+$/.test(h)),
      );
      if (first) foreign.push(first);
    }
    expect(foreign.length >= 2, `大连 records found: ${foreign}`);
  });
  await dl.context.close();
  const sy = await person(browser, report, 'sy-city');
  await step(sy.page, '沈阳 officer: 大连 records by the address bar are the 404 page', async () => {
    await signIn(base, sy.page, 'demo_sy_hrss');
    for (const path of foreign) {
      const res = await sy.page.goto(`${base}${path}`);
      expect(res.status() === 404, `${path}: ${res.status()}`);
      const text = await sy.page.innerText('body');
      expect(text.includes('页面不存在') || text.includes('不存在'), `${path} shows the 404 page`);
      expect(!text.includes('大连'), `${path} reveals nothing of 大连`);
    }
  });
  await sy.context.close();
}

/// Today and a day `days` away, as yyyy-mm-dd in Asia/Shanghai (the application's calendar).
function shanghaiDay(days = 0) {
  const at = new Date(Date.now() + days * 86400000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}

/// A partner officer (沈阳 应急管理局) logs a joint inspection with a finding and its deadline,
/// and later records the rectification; the city bureau verifies it and closes it.
async function partnerInspection({ browser, report, base }) {
  const step = steps(report);
  const partner = await person(browser, report, 'sy-partner');
  const { page } = partner;
  let inspectionUrl = '';
  let findingUrl = '';
  const what = `消防通道堆放杂物（浏览器测试 ${Date.now() % 100000}）`;
  await step(page, 'partner: logs a joint inspection', async () => {
    await signIn(base, page, 'demo_sy_emergency');
    await page.goto(`${base}/employers`);
    const code = (await mainText(page)).match(/\b[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b/);
    expect(code, 'a registered employer of 沈阳');
    await page.goto(`${base}/inspections/new`);
    await page.fill('#inspected_on', shanghaiDay(-1));
    await page.fill('#employer', code[0]);
    // A partner's inspection is led by their own department; only the city bureau chooses.
    if (await page.$('#lead_department')) await choose(page, '#lead_department', '应急');
    await page.fill('#inspectors', '李建国、王强');
    await page.fill('#summary', '检查安全生产主体责任落实和重点岗位培训情况。');
    await go(page, 'main form.edit-form button[type=submit]');
    inspectionUrl = new URL(page.url()).pathname;
    expect(/^\/inspections\/\d+$/.test(inspectionUrl), `the inspection's page: ${page.url()}`);
    expect((await mainText(page)).includes('李建国、王强'), 'the inspectors shown');
  });
  await step(page, 'partner: registers a finding with a deadline', async () => {
    await choose(page, '#category', '安全隐患');
    await choose(page, '#hazard_level', '一般');
    await page.fill('#description', what);
    await page.fill('#legal_basis', '《安全生产法》第四十一条');
    await page.fill('#advice', '立即清理，明确专人管理。');
    await page.fill('#deadline', shanghaiDay(15));
    await choose(page, '#responsible_department', '应急');
    await go(page, `form[action="${inspectionUrl}/findings"] button[type=submit]`);
    const text = await mainText(page);
    expect(text.includes(what), 'the finding is listed');
    expect(text.includes('整改中'), 'in rectification');
    // Registering opens the finding's own page.
    findingUrl = new URL(page.url()).pathname;
    expect(/^\/findings\/\d+$/.test(findingUrl), `a link to the finding: ${findingUrl}`);
  });
  await step(page, 'partner: later records the rectification', async () => {
    await page.goto(`${base}${findingUrl}`);
    expect((await mainText(page)).includes(what), 'the finding page');
    await page.fill('#day', shanghaiDay(0));
    await page.fill('#comment', '已清理完毕，设置禁止堆放标识。');
    await go(page, 'form[action$="/follow-up"] button[name=action][value=rectify]');
    const text = await mainText(page);
    expect(text.includes('已整改待核验'), `rectified, waiting for verification: ${text.slice(0, 200)}`);
    expect(!text.includes('核验销号</button>'), 'the one who recorded it cannot verify it');
  });
  await partner.context.close();
  const city = await person(browser, report, 'sy-city');
  await step(city.page, 'city: verifies the rectification and closes the finding', async () => {
    await signIn(base, city.page, 'demo_sy_hrss');
    await city.page.goto(`${base}${findingUrl}`);
    await city.page.fill('#comment', '现场复核，已整改到位。');
    await go(city.page, 'form[action$="/follow-up"] button[name=action][value=verify]');
    const text = await mainText(city.page);
    expect(text.includes('已核验销号'), 'closed');
    for (const word of ['登记整改', '核验销号']) expect(text.includes(word), `the timeline has ${word}`);
  });
  await city.context.close();
}

/// The city officer opens this year's annual report, sees the figures the records give, writes
/// the narrative and submits it; the province sees it on its overview.
async function annualReport({ browser, report, base }) {
  const step = steps(report);
  const city = await person(browser, report, 'sy-city');
  const { page } = city;
  const year = Number(shanghaiDay(0).slice(0, 4));
  let reportUrl = '';
  await step(page, 'city: opens this year’s report and sees prefilled figures', async () => {
    await signIn(base, page, 'demo_sy_hrss');
    await page.goto(`${base}/annual-reports`);
    const href = await page.$$eval(
      'main a[href^="/annual-reports/"]',
      (as, y) => as.filter((a) => a.closest('tr')?.textContent.includes(String(y))).map((a) => a.getAttribute('href')),
      year,
    );
    reportUrl = href.find((h) => /^\/annual-reports\/\d+$/.test(h));
    expect(reportUrl, `this year's report in the list`);
    await page.goto(`${base}${reportUrl}`);
    const text = await mainText(page);
    for (const label of ['联席会议', '联合检查', '工伤预防费', '培训']) expect(text.includes(label), `figure ${label}`);
    const links = await page.$$('main [data-key] a[href]');
    expect(links.length >= 5, `figures link to their lists (${links.length})`);
  });
  await step(page, 'city: writes the narrative and submits the report', async () => {
    await page.goto(`${base}${reportUrl}/edit`);
    await page.fill('#document_number', `沈人社报〔${year}〕31号`);
    for (const area of await page.$$('textarea[name=section]')) {
      await area.fill('按分工推进落实，完成年度目标任务。');
    }
    await page.fill('#problems', '部分用人单位重点岗位底数不清。');
    await page.fill('#next_year', '完善台账，按季度调度培训进度。');
    await go(page, 'main form button[type=submit]');
    expect(!(await mainText(page)).includes('提交的内容有误'), 'saved');
    await page.goto(`${base}${reportUrl}`);
    await act(page, '报送');
    const text = await mainText(page);
    expect(text.includes('已报送'), `submitted: ${text.slice(0, 200)}`);
  });
  await city.context.close();
  const province = await person(browser, report, 'province');
  await step(province.page, 'province: sees the report on the year’s overview', async () => {
    await signIn(base, province.page, 'demo_province');
    await province.page.goto(`${base}/annual-reports?year=${year}`);
    const row = await province.page.innerText(`main tr:has(a[href="${reportUrl}"])`);
    expect(row.includes('沈阳') && row.includes('已报送'), `沈阳 submitted on the overview: ${row}`);
  });
  await province.context.close();
}

/// A city officer imports employers from an Excel file with one bad row, sees the error (and
/// that nothing was imported), fixes the file and imports it.
async function employersImport({ browser, report, base }) {
  const step = steps(report);
  const city = await person(browser, report, 'sy-city');
  const { page } = city;
  const run = String(Date.now() % 1000000).padStart(6, '0');
  const codes = [1, 2, 3].map((i) => creditCode(`91210100MA${run}${i}X`.slice(0, 17).padEnd(17, '0')));
  const header = ['统一社会信用代码', '单位名称', '行业大类代码', '规模', '参保人数'];
  const rows = (division) => [
    header,
    [codes[0], `沈阳浏览器测试机械${run}有限公司`, 'C34', '中型', '320'],
    [codes[1], `沈阳浏览器测试化工${run}有限公司`, division, '小型', '45'],
    [codes[2], `沈阳浏览器测试建筑${run}有限公司`, 'E47', '大型', '1200'],
  ];
  const upload = async (division) => {
    await page.goto(`${base}/employers/import`);
    await page.setInputFiles('input[type=file][name=file]', {
      name: '用人单位导入.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: workbook('用人单位', rows(division)),
    });
    await go(page, 'form[enctype="multipart/form-data"] button[type=submit]');
    expect(/\/employers\/import\/\d+$/.test(new URL(page.url()).pathname), `the job's page: ${page.url()}`);
    // The page refreshes itself every 2 s until the job is done.
    await page.waitForSelector('main .alert', { timeout: 60000 });
    return mainText(page);
  };
  await step(page, 'city: an import with a bad row is refused whole, the error shown by row and column', async () => {
    await signIn(base, page, 'demo_sy_hrss');
    const text = await upload('X99');
    expect(text.includes('全部未导入'), `refused: ${text.slice(0, 300)}`);
    const errors = await page.innerText('table.row-errors');
    expect(errors.includes('3') && errors.includes('行业大类代码') && errors.includes('X99'), `row 3's division: ${errors}`);
    expect(await page.$('a[href$="/errors"]'), 'the file with its errors marked can be downloaded');
    await page.goto(`${base}/employers?q=${encodeURIComponent(`浏览器测试机械${run}`)}`);
    expect(!(await mainText(page)).includes(`测试机械${run}`), 'not even the good rows were saved');
  });
  await step(page, 'city: the fixed file imports every row', async () => {
    const text = await upload('C26');
    expect(text.includes('导入完成') && text.includes('新增 3'), `imported: ${text.slice(0, 300)}`);
    await page.goto(`${base}/employers?q=${encodeURIComponent(`浏览器测试化工${run}`)}`);
    expect((await mainText(page)).includes(codes[1]), 'the fixed row is registered');
  });
  await city.context.close();
}

/// Fills the `i`-th field named `name` of the page (rows of a table).
async function fillNth(page, name, i, value) {
  let fields = await page.$$(`[name="${name}"]`);
  if (fields.length <= i) {
    // 添加一行 adds the row in place (static/js/rows.js), as an officer would.
    const table = { line: 'budget', indicator: 'indicators', milestone: 'milestones' }[name.split('_')[0]];
    await page.click(`button[data-add-row="${table}"]`);
    fields = await page.$$(`[name="${name}"]`);
  }
  expect(fields.length > i, `a row ${i + 1} for ${name} (${fields.length})`);
  const tag = await fields[i].evaluate((el) => el.tagName);
  if (tag === 'SELECT') {
    await fields[i].selectOption(await optionWith(page, fields[i], value));
  } else {
    await fields[i].fill(value);
  }
}

/// A city officer enters a project application with cost lines, performance targets, a
/// timetable and its documents and submits it; a second officer passes it in the pre-review
/// and draws the expert panel; every expert drawn signs in and scores it; the city approves it,
/// and the fee's records show the allocation.
async function projectApplication({ browser, report, base }) {
  const step = steps(report);
  const city = await person(browser, report, 'sy-city');
  const { page } = city;
  const name = `浏览器测试：危化品企业班组长工伤预防培训（${Date.now() % 100000}）`;
  let projectUrl = '';
  await step(page, 'city: creates an application in the open round', async () => {
    await signIn(base, page, 'demo_sy_hrss');
    await page.goto(`${base}/project-rounds`);
    const round = await page.$$eval('main tr', (rows) =>
      rows
        .filter((r) => r.textContent.includes('申报中'))
        .map((r) => r.querySelector('a[href^="/project-rounds/"]')?.getAttribute('href'))
        .find(Boolean),
    );
    expect(round, 'a round open for applications');
    await page.goto(`${base}/projects/new?round=${round.split('/').pop()}`);
    const applicant = await page.$eval('#applicant', (el) => [...el.options].filter((o) => o.value).pop()?.value);
    await page.selectOption('#applicant', applicant);
    await go(page, 'form[action="/projects/new"] button:has-text("创建申报草稿")');
    projectUrl = new URL(page.url()).pathname.replace(/\/edit$/, '');
    expect(/^\/projects\/\d+$/.test(projectUrl), `a draft: ${page.url()}`);
  });
  await step(page, 'city: fills in the application with cost lines, targets and a timetable', async () => {
    await page.goto(`${base}${projectUrl}/edit`);
    await page.fill('#name', name);
    await choose(page, '#project_type', '培训');
    await page.selectOption('#key_industry', await page.$eval('#key_industry', (el) => el.options[1].value));
    await page.selectOption('#implementation_mode', await page.$eval('#implementation_mode', (el) => el.options[1].value));
    await page.fill('#starts_on', '2027-03-01');
    await page.fill('#ends_on', '2027-12-31');
    await page.fill('#target_group', '危险化学品企业一线班组长');
    await page.fill('#planned_count', '600');
    await page.fill('#background', '危化品企业一线班组长流动性大，工伤预防意识薄弱。');
    await page.fill('#content', '分 10 期集中培训，每期 2 天，理论与实操结合。');
    await page.fill('#safeguards', '成立项目组，专人负责，按月报告进度。');
    for (const [i, line] of [
      ['师资费', '学时', '800', '160'],
      ['培训教材及资料', '套', '45.5', '600'],
    ].entries()) {
      await fillNth(page, 'line_item', i, line[0]);
      await fillNth(page, 'line_unit', i, line[1]);
      await fillNth(page, 'line_price', i, line[2]);
      await fillNth(page, 'line_quantity', i, line[3]);
    }
    for (const [i, row] of [
      ['产出', '培训人次', '600', '人次'],
      ['效益', '参训企业工伤事故发生率下降', '10', '%'],
    ].entries()) {
      await fillNth(page, 'indicator_kind', i, row[0]);
      await fillNth(page, 'indicator_name', i, row[1]);
      await fillNth(page, 'indicator_value', i, row[2]);
      await fillNth(page, 'indicator_unit', i, row[3]);
    }
    await fillNth(page, 'milestone_due', 0, '2027-06-30');
    await fillNth(page, 'milestone_description', 0, '完成前 5 期培训');
    await go(page, 'main form[action$="/edit"] button.btn-primary[type=submit]:not([name])');
    const text = await mainText(page);
    expect(!text.includes('提交的内容有误'), `saved: ${text.slice(0, 400)}`);
    expect(text.includes('155,300.00'), `the amounts computed: ${text.slice(0, 600)}`);
  });
  await step(page, 'city: uploads the documents and submits the application', async () => {
    await page.goto(`${base}${projectUrl}`);
    const kinds = await page.$$eval('#attachment-kind option', (os) => os.filter((o) => o.value).map((o) => o.textContent));
    for (const kind of kinds) {
      const pdf = await pdfOf(browser, kind);
      await choose(page, '#attachment-kind', kind);
      await page.setInputFiles('#attachment-file', { name: `${kind}.pdf`, mimeType: 'application/pdf', buffer: pdf });
      await go(page, 'form[enctype="multipart/form-data"] button[type=submit]');
    }
    await act(page, '提交申报');
    const text = await mainText(page);
    expect(text.includes('待初审'), `submitted: ${text.slice(0, 400)}`);
  });
  await city.context.close();

  const second = await person(browser, report, 'sy-city-2');
  let members = [];
  await step(second.page, 'second officer: passes the pre-review and draws the panel', async () => {
    await signIn(base, second.page, 'demo_sy_hrss_2');
    await second.page.goto(`${base}${projectUrl}`);
    await act(second.page, '初审通过');
    expect((await mainText(second.page)).includes('待专家评审'), 'waiting for the experts');
    await second.page.goto(`${base}${projectUrl}/panel`);
    await go(second.page, `form[action="${projectUrl}/panel/draw"] button`);
    members = await second.page.$$eval('main tbody tr', (rows) =>
      rows.map((r) => ({
        name: r.cells[0].textContent.trim(),
        id: r.querySelector('form[action*="/panel/"]')?.getAttribute('action').split('/')[4],
      })),
    );
    expect(members.length >= 3 && members.every((m) => m.id), `a panel drawn: ${JSON.stringify(members)}`);
  });
  await second.context.close();

  for (const member of members) {
    const expert = await person(browser, report, `expert-${member.id}`);
    const username = member.name === '郑海涛' ? 'demo_expert' : `demo_sy_expert_${member.id}`;
    await step(expert.page, `expert ${member.name}: scores the application`, async () => {
      await signIn(base, expert.page, username);
      await expert.page.goto(`${base}/reviews`);
      expect((await mainText(expert.page)).includes(name), 'the application waits on 我的评审');
      await expert.page.goto(`${base}/reviews/${projectUrl.split('/').pop()}?stage=review`);
      const weights = await expert.page.$$eval('form[action^="/reviews/"] tbody tr td.text-end', (tds) => tds.map((t) => Number(t.textContent)));
      const scores = await expert.page.$$('input[name=score]');
      for (const [i, input] of scores.entries()) await input.fill(String(Math.floor(weights[i] * 0.8)));
      await choose(expert.page, '#recommendation', '同意');
      await expert.page.fill('#opinion', '培训对象明确，内容与岗位风险对应，经费测算合理。');
      await expert.page.check('#final_confirmed');
      await go(expert.page, 'button[name=intent][value=submit]');
      const text = await mainText(expert.page);
      expect(text.includes('已提交'), `the sheet is submitted: ${text.slice(0, 300)}`);
    });
    await expert.context.close();
  }

  const deciding = await person(browser, report, 'sy-city');
  await step(deciding.page, 'city: approves the application, and the fee records show the allocation', async () => {
    await signIn(base, deciding.page, 'demo_sy_hrss');
    await deciding.page.goto(`${base}${projectUrl}/review`);
    expect((await mainText(deciding.page)).includes('平均'), 'the review’s average');
    await deciding.page.goto(`${base}${projectUrl}/approval`);
    expect((await mainText(deciding.page)).includes('待立项审定'), 'waiting for the decision');
    await go(deciding.page, 'button[name=intent][value=approve]');
    const text = await mainText(deciding.page);
    expect(text.includes('公示中'), `approved and in its publicity: ${text.slice(0, 400)}`);
    // The project's first year is 2027: taken from that year's budget once approved, until
    // then held as a commitment (跨年度承诺) on it.
    await deciding.page.goto(`${base}/fee/records?year=2027`);
    const row = await deciding.page.innerText(`main tr:has-text("${name.slice(0, 12)}")`);
    expect(row.includes('155,300.00') && /安排|跨年度承诺/.test(row), `the project's money in the fee records: ${row}`);
  });
  await deciding.context.close();
}

export const journeys = {
  first_sign_in_and_plan: firstSignInAndPlan,
  project_application: projectApplication,
  another_citys_record: anotherCitysRecord,
  partner_inspection: partnerInspection,
  employers_import: employersImport,
  annual_report: annualReport,
};
