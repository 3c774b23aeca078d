// The web console in Debian's Chromium at 1366 × 768, against the demo server: a wrong password
// refused; admin finds a person, sees the full ID number only after giving a reason, records an
// application at the window and assigns assessors (recusal shown); assessor1 submits the
// assessment (through the API, as the phone does) and assessor2 confirms it in the console; the
// certificate waits for the publicity period; the auditor sees everything, has no forms, verifies the audit chain, and a
// crafted or CSRF-less POST is refused; the demo's application whose publicity is over gets its
// certificate; the month-end run from the page, the demo bill audited, approved by a second officer
// and paid, its lines downloaded as CSV; the institution, policy, funds, import (a refused file)
// and users pages; the unmatched partner event put aside; institution staff and a caregiver with menus of their own; English.
// Screenshots go to OUT as console-*.png.
// Usage: node console.mjs SERVER_URL
import { fail, openDesk } from "./phone.mjs";

const base = (process.argv[2] ?? "http://127.0.0.1:8080/").replace(/\/$/, "");
const { browser, page, step } = await openDesk("console-");

const signIn = async (p, username) => {
  await p.goto(`${base}/login`);
  await p.fill("#username", username);
  await p.fill("#password", "demo1234");
  await p.click("form.sign-in button[type=submit]");
  await p.locator("h1", { hasText: /工作台|Workbench/ }).waitFor();
};
const api = async (path, token, body) => {
  const resp = await fetch(`${base}/api/v1${path}`, {
    method: body ? "POST" : "GET",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!resp.ok) fail(`${path}: ${resp.status} ${await resp.text()}`);
  return resp.json();
};

try {
  await page.goto(`${base}/`);
  await page.locator("h1", { hasText: "登录" }).waitFor();
  await page.fill("#username", "admin");
  await page.fill("#password", "wrong-password");
  await page.click("form.sign-in button[type=submit]");
  await page.locator("[role=alert]", { hasText: "用户名或密码错误" }).waitFor();
  await step("sign-in");

  await signIn(page, "admin");
  await page.locator(".card", { hasText: "已提交待审核的结算单" }).waitFor();
  await step("home");

  // A newcomer registered at the window with a year of contributions (through the API, as the
  // registers and the contributions import bring them), found in the console by the filters.
  const officer = await api("/auth/login", null, { username: "admin", password: "demo1234" });
  const body17 = "37020219410203" + String(100 + (Date.now() % 800)).padStart(3, "0");
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((acc, c, i) => acc + Number(c) * weights[i], 0);
  const idNumber = body17 + "10X98765432"[sum % 11];
  const name = "孙桂芝";
  const newcomer = await api("/insured-persons", officer.access_token, {
    name, id_number: idNumber, scheme: "resident", enrolled_on: "2024-01-01",
    address: { text: "示范市市南区香港中路 8号", latitude: 36.06, longitude: 120.38 },
  });
  const now = new Date();
  for (let back = 1; back <= 12; back += 1) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const period = d.toISOString().slice(0, 7);
    await api("/funding/contributions", officer.access_token, {
      reference: `console-test-${idNumber}-${period}`, insured_person_id: newcomer.id, period,
      scheme: "resident", source: "individual", amount: "30.00",
    });
  }
  await page.click("nav.menu >> text=参保人员");
  await page.fill("#f-name", name);
  await page.selectOption("#f-certified", "no");
  await page.click("form.filters[action='/persons'] button[type=submit]");
  await page.locator(`tbody tr a[href="/persons/${newcomer.id}"]`).click();
  await page.locator("h1", { hasText: name }).waitFor();
  const masked = await page.locator("dl.facts dd").nth(1).innerText();
  if (!masked.includes("*")) fail(`the number is not masked: ${masked}`);
  await page.fill("form[action$='/id-number'] textarea", "窗口受理失能评估申请，核对身份证件");
  await page.click("form[action$='/id-number'] button");
  await page.locator("[role=status]", { hasText: "已记入审计日志" }).waitFor();
  const full = await page.locator(".full-id").innerText();
  if (full.includes("*") || full.length !== 18) fail(`the full number is not shown: ${full}`);
  await step("person");

  // The application at the window, then the assignment.
  await page.selectOption("#f-care_mode", "home_visit");
  await page.fill("form[action$='/apply'] textarea", "卧床一年，进食、如厕需他人帮助");
  await page.click("form[action$='/apply'] button");
  await page.locator(".state", { hasText: "待派单" }).first().waitFor();
  const caseUrl = page.url();
  const caseId = caseUrl.split("/").pop();
  // Assigning without choosing anyone is refused next to the fields.
  await page.click("form[action$='/assign'] button[type=submit]");
  await page.locator("form[action$='/assign'] .why").first().waitFor();
  for (const who of ["assessor1", "assessor2"]) {
    await page.locator("tr", { hasText: who }).locator("input[type=checkbox]").check();
  }
  await page.locator("tr", { hasText: "assessor1" }).locator("input[type=radio]").check();
  await step("case-assign");
  await page.click("form[action$='/assign'] button[type=submit]");
  await page.locator("[role=status]", { hasText: "已派单" }).waitFor();

  // assessor1's phone submits the form (the API the phone uses).
  const lead = await api("/auth/login", null, { username: "assessor1", password: "demo1234" });
  const instrument = await api("/assessment/instruments/CN-NHSA-2021", lead.access_token);
  const answers = {};
  for (const d of instrument.dimensions) for (const item of d.items) {
    const points = item.options.map((o) => o.points);
    answers[item.code] = d.code === "adl" ? Math.min(...points) : Math.max(...points);
  }
  await api(`/assessment/cases/${caseId}/assessment`, lead.access_token,
    { answers, visited_at: new Date(Date.now() - 3600e3).toISOString() });

  // assessor2 confirms in the console; the result goes into publicity.
  const second = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  const p2 = await second.newPage();
  await signIn(p2, "assessor2");
  await p2.goto(caseUrl);
  await p2.locator("td", { hasText: "日常生活活动" }).first().waitFor();
  await p2.click("form[action$='/confirm'] button");
  await p2.locator("[role=status]", { hasText: "进入公示" }).waitFor();
  await second.close();

  // The certificate waits until the publicity period is over: refused, on the page.
  await page.goto(caseUrl);
  await page.locator(".state", { hasText: "公示中" }).first().waitFor();
  await page.click("form[action$='/certify'] button");
  await page.locator("[role=alert]").waitFor();
  await step("case");

  // An application whose publicity is over (the demo's): the home page's queue leads to it and
  // the certificate is issued.
  await page.goto(`${base}/`);
  await page.click(".card >> text=公示期满待发证");
  await page.locator("td", { hasText: "赵淑珍" }).waitFor();
  await page.locator("tbody tr", { hasText: "赵淑珍" }).locator("a").first().click();
  await page.click("form[action$='/certify'] button");
  await page.locator("[role=status]", { hasText: "已发放失能等级证书" }).waitFor();
  await page.locator("dd", { hasText: "重度失能" }).waitFor();
  await step("case-certified");

  // The demo bill: the month-end run from the page, the audit (a sample, a deduction with its
  // reason), the officer who audited refused approval, a second officer approves, the first pays;
  // the lines downloaded as CSV; the bill as printed.
  page.on("dialog", (d) => d.accept());
  await page.click("nav.menu >> text=月度结算");
  await page.locator("td .state", { hasText: "已提交" }).first().waitFor();
  await page.click("form[action='/settlements/month-end'] button");
  await page.locator("td", { hasText: "已提交，未改变" }).waitFor();
  await step("month-end");
  await page.locator("td a[href^='/settlements/']").first().click();
  await page.locator("h1", { hasText: "结算单" }).waitFor();
  const billUrl = page.url();
  await page.fill("#f-size", "3");
  await page.click("form[action$='/sample'] button");
  await page.locator("[role=status]", { hasText: "已抽取复核明细" }).waitFor();
  await page.locator("table.lines tbody tr").nth(1).locator("summary").click();
  await page.fill("#amount-2", "10.00");
  await page.fill("#reason-2", "护理记录缺家属签字");
  await page.locator("form[action$='/deduct']:has(#amount-2) button").click();
  await page.locator("[role=status]", { hasText: "已记录扣款" }).waitFor();
  await page.locator("td", { hasText: "护理记录缺家属签字" }).waitFor();
  await step("bill");
  await page.click("form[action$='/approve'] button");
  await page.locator("[role=alert]", { hasText: "须由另一名经办人复核" }).waitFor();
  const approverCtx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  const p4 = await approverCtx.newPage();
  await signIn(p4, "admin2");
  await p4.goto(billUrl);
  await p4.click("form[action$='/approve'] button");
  await p4.locator("[role=status]", { hasText: "已复核通过" }).waitFor();
  await approverCtx.close();
  await page.goto(billUrl);
  await page.fill("#f-bank_reference", `ICBC-DEMO-${Date.now()}`);
  await page.click("form[action$='/pay'] button");
  await page.locator("[role=status]", { hasText: "已支付" }).waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("a[href$='/lines.csv']")]);
  const csv = await (await import("node:fs/promises")).readFile(await download.path(), "utf8");
  if (!csv.includes("护理记录缺家属签字")) fail(`the CSV lacks the deduction: ${csv.slice(0, 400)}`);
  await page.emulateMedia({ media: "print" });
  await step("bill-print");
  await page.emulateMedia({ media: "screen" });

  // The other pages of the officer's menu, as they look.
  await page.click("nav.menu >> text=定点机构");
  await page.locator("tbody tr a").first().click();
  await page.locator("h2", { hasText: "年度考核" }).waitFor();
  await step("institution");
  await page.click("nav.menu >> text=待遇政策");
  await page.locator("tbody tr a").first().click();
  await page.locator("h2", { hasText: "支付标准" }).waitFor();
  await step("policy");
  await page.click("nav.menu >> text=基金管理");
  await page.locator("img.chart").first().waitFor();
  await step("funds");
  await page.click("nav.menu >> text=数据导入");
  await page.setInputFiles("#file-contributions", {
    name: "jf.csv", mimeType: "text/csv",
    buffer: Buffer.from("reference,id_number,period,scheme,source,amount\nJF-1,12345,2026-13,resident,individual,30.001\n"),
  });
  await page.click("form[action='/imports/contributions'] button");
  await page.locator("table.problems td", { hasText: "period" }).waitFor();
  await step("import-refused");
  // The demo's hospital admission of someone not in the register, from its queue on the home
  // page: put aside with a reason.
  await page.click("nav.menu >> text=工作台");
  await page.click(".card:has-text('未匹配到参保人的合作方事件')");
  await page.locator("td code", { hasText: "YB-DEMO-0001" }).waitFor();
  await step("partner-events");
  await page.selectOption("form[action$='/dismiss'] select[name=code]", "not_insured_here");
  await page.fill("form[action$='/dismiss'] input[name=reason]", "经核实为胶州市参保人员，已告知医保");
  await page.click("form[action$='/dismiss'] button");
  await page.locator(".notice.done", { hasText: "已不予处理" }).waitFor();
  await page.goto(`${base}/partner-events?state=dismissed`);
  await page.locator("td", { hasText: "经核实为胶州市参保人员" }).waitFor();
  await page.click("nav.menu >> text=用户管理");
  await page.locator("td", { hasText: "assessor1" }).waitFor();
  await step("users");

  // A form without the session's token is refused.
  const csrfLess = await page.request.post(`${base}/persons/${caseId}/id-number`, { form: { reason: "x" } });
  if (csrfLess.status() !== 403) fail(`a CSRF-less POST answered ${csrfLess.status()}`);

  // The auditor sees the case and the trail, with no forms; a crafted step is refused.
  const audit = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  const p3 = await audit.newPage();
  await signIn(p3, "auditor1");
  await p3.goto(caseUrl);
  await p3.locator(".state", { hasText: "公示中" }).first().waitFor();
  if (await p3.locator("form.step").count() !== 0) fail("the auditor is offered a form");
  const token = await p3.locator("input[name=_csrf]").first().inputValue();
  const crafted = await p3.request.post(`${caseUrl}/object`, { form: { _csrf: token, reason: "异议" } });
  if (crafted.status() !== 403) fail(`the auditor's crafted objection answered ${crafted.status()}`);
  await p3.goto(billUrl);
  await p3.locator(".state", { hasText: "已支付" }).first().waitFor();
  if (await p3.locator("form.step").count() !== 0) fail("the auditor is offered a form on the bill");
  await p3.goto(`${base}/audit?action=insured_person.id_number_viewed`);
  await p3.locator("td", { hasText: "窗口受理失能评估申请" }).first().waitFor();
  await step("audit", p3);
  // The auditor verifies the region's audit chain: every record's hash recomputed.
  await p3.click("a[href='/audit/chain']");
  await p3.locator(".notice.done", { hasText: "审计链完整" }).waitFor();
  await step("audit-chain", p3);
  await audit.close();

  // Institution staff and a caregiver sign in to menus of their own: no audit trail, no funds.
  for (const who of ["inst1", "carer1"]) {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
    const p = await ctx.newPage();
    await signIn(p, who);
    if (await p.locator("nav.menu a", { hasText: "审计日志" }).count() !== 0) fail(`${who} is offered the audit trail`);
    if (await p.locator("nav.menu a", { hasText: "基金管理" }).count() !== 0) fail(`${who} is offered the funds`);
    const funds = await p.goto(`${base}/funds`);
    if (funds.status() !== 403) fail(`${who} opened the funds page: ${funds.status()}`);
    await ctx.close();
  }

  // English, remembered.
  await page.click("header.top button[lang=en]");
  await page.locator("nav.menu a", { hasText: "Workbench" }).waitFor();
  await page.goto(`${base}/`);
  await page.locator("h1", { hasText: "Workbench" }).waitFor();
  await step("home-en");
  await page.goto(`${base}/cases/${caseId}`);
  await page.locator(".state", { hasText: /publicity/i }).first().waitFor();
  await step("case-en");
  await page.click("header.top button[lang=zh]");
  await page.locator("nav.menu a", { hasText: "工作台" }).waitFor();
  console.log("console: ok");
} catch (e) {
  await step("failure").catch(() => {});
  fail(e.stack ?? String(e));
} finally {
  await browser.close();
}
