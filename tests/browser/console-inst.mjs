// The institution's workbench in Debian's Chromium at 1366 × 768, against a demo server of its
// own: inst1 opens its 工作台, registers a caregiver (a mistyped ID number refused beside its
// field) and creates the app account, works two exceptions (confirms the visit checked in far
// from home, rejects the unscheduled one with a reason), takes on the newcomer (a service
// relation and a care plan, the level's cap shown), uploads a licence in
// 机构信息; the nursing home's inst2 pastes last month's last week of bed-days into the grid (a
// mistyped cell refused, nothing saved) and saves it; admin returns the demo bill, inst1
// computes it again, comments a line and submits; admin deducts from a line, inst1 disputes the
// deduction with a document, admin answers from the queue of open disputes (the deduction is
// lifted), admin2 approves and admin pays; inst1 prints its statement (对账单).
// Screenshots go to OUT as console-inst-*.png.
// Usage: node console-inst.mjs SERVER_URL
import { writeFileSync } from "node:fs";
import { fail, openDesk } from "./phone.mjs";

const base = (process.argv[2] ?? "http://127.0.0.1:8080/").replace(/\/$/, "");
const { browser, page, step, out } = await openDesk("console-inst-");

const signIn = async (p, username) => {
  await p.goto(`${base}/login`);
  await p.fill("#username", username);
  await p.fill("#password", "demo1234");
  await p.click("form.sign-in button[type=submit]");
  await p.locator("h1", { hasText: "工作台" }).waitFor();
};
const desk = async (username) => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  const p = await ctx.newPage();
  p.setDefaultTimeout(60000);
  p.on("dialog", (d) => d.accept());
  await signIn(p, username);
  return { ctx, p };
};
const done = (p, text) => p.locator("[role=status]", { hasText: text }).waitFor();
// The first 17 digits of a resident ID number with its GB 11643 check character.
const withCheck = (body17) => {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((acc, c, i) => acc + Number(c) * weights[i], 0);
  return body17 + "10X98765432"[sum % 11];
};
// A valid resident ID number born on 1 May 1986.
const idNumber = (seq) => withCheck("37020219860501" + String(seq).padStart(3, "0"));

try {
  page.on("dialog", (d) => d.accept());
  await signIn(page, "inst1");
  await page.locator(".card", { hasText: "待复核" }).first().waitFor();
  await step("home");

  // A caregiver registered: a mistyped ID number is refused beside its field, nothing recorded.
  await page.click("nav.menu >> text=护理人员");
  const good = idNumber(100 + (Date.now() % 800));
  const typo = good.slice(0, 16) + (good[16] === "1" ? "2" : "1") + good[17];
  await page.fill("#f-name", "刘春燕");
  await page.fill("#f-id_number", typo);
  await page.fill("#f-phone", "13900002222");
  await page.selectOption("#f-qualification", "caregiver_certified");
  await page.selectOption("#f-certificate_level", "4");
  await page.fill("#f-certificate_number", "YL-2026-88");
  await page.click("form[action='/caregivers'][method=post] button[type=submit]");
  await page.locator(".field.invalid:has(#f-id_number) .why").waitFor();
  await page.fill("#f-id_number", good);
  await page.click("form[action='/caregivers'][method=post] button[type=submit]");
  await done(page, "已登记护理人员");
  await page.fill("#f-username", `carer-liu-${Date.now() % 100000}`);
  await page.fill("#f-password", "Liu-2026-start");
  await page.click("form[action$='/account'] button");
  await done(page, "已开通 App 账号");
  await step("caregiver");

  // The exception queue: the visit checked in 900 m from home confirmed by the beneficiary; the
  // unscheduled visit rejected with a reason.
  await page.click("nav.menu >> text=上门服务");
  await page.click("a[href='/visits/exceptions']");
  await page.locator("h1", { hasText: "异常处理" }).waitFor();
  await step("exceptions");
  await page.locator("tbody a", { hasText: "打开" }).first().click();
  await page.selectOption("select[name=resolution]", "confirmed_by_beneficiary");
  await page.fill("input[id^='note-outside_geofence']", "电话回访老人，确认当日在女儿家接受服务");
  await page.locator("form:has(input[value=resolve]) button").first().click();
  await page.locator("[role=status]").waitFor();
  await page.goto(`${base}/visits/exceptions?kind=unmatched`);
  await page.fill("input[id^='rn-']", "无排班且家属不认可，不予结算");
  await page.locator("button.danger").first().click();
  await page.locator("[role=status]").waitFor();
  if (await page.locator("tbody tr").count() !== 0) fail("the unscheduled visit is still waiting");

  // The demo's newcomer (certified, chose the agency): found by the exact ID number, served from
  // today, and a care plan made from the catalogue under the level's cap.
  await page.click("nav.menu >> text=服务对象");
  await page.fill("#f-id_number", withCheck("37020219440815008"));
  await page.click("form[action='/beneficiaries/find'] button");
  await page.click("form[action='/beneficiaries']:has(input[value=home_visit]) button");
  await done(page, "已开始服务");
  await page.locator("tr", { hasText: "孙玉珍" }).locator("a[href^='/plans/new']").click();
  await page.locator("form[action='/plans'] p strong").waitFor();
  await page.fill("#pw-SF-01", "5");
  await page.fill("#pw-SF-02", "3");
  await page.click("form[action='/plans'] button[type=submit]");
  await done(page, "已保存护理计划");
  await step("plan");

  // 机构信息: a licence uploaded, waiting for the agency's review.
  await page.click("nav.menu >> text=机构信息");
  await page.selectOption("#f-kind", "practice_licence");
  await page.setInputFiles("#f-document", {
    name: "备案回执.png", mimeType: "image/png",
    buffer: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"),
  });
  await page.click("form[action$='/documents'] button");
  await done(page, "已上传材料");
  await page.locator("td", { hasText: "待审核" }).waitFor();
  await step("info");

  // The nursing home (inst2): last month's last week of bed-days for its two residents, pasted
  // from a spreadsheet with one mistyped cell — refused in place, nothing saved — then saved.
  const home = await desk("inst2");
  // A nursing home's workbench has its beds and no visits; the agency's, the reverse.
  await home.p.locator(".card", { hasText: "未报费用" }).waitFor();
  if (await home.p.locator(".card", { hasText: "待复核" }).count() !== 0) fail("the nursing home is shown visit queues");
  await page.goto(`${base}/`);
  await page.locator(".card", { hasText: "待复核" }).waitFor();
  if (await page.locator(".card", { hasText: "未报费用" }).count() !== 0) fail("the agency is shown a stays card");
  await home.p.click("nav.menu >> text=床位与费用");
  await home.p.click("a[href^='/stays/charges']");
  await home.p.locator("nav.actions a").first().click();
  await home.p.locator("table.grid").waitFor();
  const days = (await home.p.locator("table.grid thead th").count()) - 1;
  const from = days - 6;
  const week = (row) => Array.from({ length: 7 }, (_, i) => (row === 2 && i === 3 ? "12O.00" : "128.00")).join("\t");
  await home.p.locator(`input[data-grid-row="1"][data-grid-col="${from}"]`).evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData("text", text);
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, `${week(1)}\n${week(2)}\n`);
  await home.p.click("form[action='/stays/charges'] button[type=submit]");
  await home.p.locator("td.invalid").waitFor();
  if (await home.p.locator("td.invalid").count() !== 1) fail("one cell is refused");
  const scrolled = () => home.p.locator(".grid-wrap").evaluate((el) => { el.scrollLeft = el.scrollWidth; });
  await scrolled();
  await step("charges-refused", home.p);
  await home.p.fill(`input[data-grid-row="2"][data-grid-col="${from + 3}"]`, "128.00");
  await home.p.click("form[action='/stays/charges'] button[type=submit]");
  await done(home.p, "新增 14 天");
  await scrolled();
  await step("charges", home.p);
  await home.ctx.close();

  // The demo bill of last month, returned by the agency so the institution corrects it.
  const admin = await desk("admin");
  await admin.p.click("nav.menu >> text=月度结算");
  await admin.p.locator("td a[href^='/settlements/']").first().click();
  const billUrl = admin.p.url().split("?")[0];
  await admin.p.locator("form[action$='/return'] textarea").fill("请核对家庭护理天数后重新提交");
  await admin.p.click("form[action$='/return'] button");
  await done(admin.p, "已退回机构");

  // inst1 computes it again, comments a line, submits.
  await page.goto(billUrl);
  await page.click("form[action$='/compute'] button");
  await done(page, "已计算草稿");
  await page.locator("table.lines tbody tr").first().locator("summary").click();
  await page.fill("#dispute-1", "该老人本月由女儿照护，护理员每周上门指导一次");
  await page.locator("form[action$='/lines/1/dispute'] button").click();
  await done(page, "已添加备注");
  await page.click("form[action$='/submit'] button");
  await done(page, "已提交结算单");

  // admin deducts from line 2; inst1 disputes it with a photo of the signed record.
  await admin.p.goto(billUrl);
  await admin.p.locator("table.lines tbody tr").nth(1).locator("summary").click();
  await admin.p.fill("#amount-2", "10.00");
  await admin.p.fill("#reason-2", "缺家属签字");
  await admin.p.locator("form[action$='/deduct']:has(#amount-2) button").click();
  await done(admin.p, "已记录扣款");
  await page.goto(billUrl);
  await page.locator("table.lines tbody tr").nth(1).locator("summary").click();
  await page.fill("#dispute-2", "家属签字页已补，见照片");
  const photo = `${out}/signature.png`;
  writeFileSync(photo, Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
  await page.setInputFiles("#evidence-2", photo);
  await page.locator("form[action$='/lines/2/dispute'] button").click();
  await done(page, "已提交申诉");
  await page.locator(".dispute", { hasText: "家属签字页已补" }).waitFor();
  await step("bill");

  // admin: the queue of open disputes on the home page, answered on the bill.
  await admin.p.goto(`${base}/`);
  await admin.p.click(".card:has-text('待答复的申诉')");
  await admin.p.locator("td", { hasText: "家属签字页已补" }).waitFor();
  await admin.p.locator("tbody a").first().click();
  await admin.p.selectOption("select[name=decision]", "accept");
  await admin.p.locator("form[action$='/answer'] textarea").fill("签字页属实，撤销扣款");
  await step("dispute-answer", admin.p);
  await admin.p.click("form[action$='/answer'] button");
  await done(admin.p, "已答复申诉");
  await admin.p.locator(".dispute", { hasText: "扣款已在本单撤销" }).waitFor();

  // admin2 approves, admin pays.
  const approver = await desk("admin2");
  await approver.p.goto(billUrl);
  await approver.p.click("form[action$='/approve'] button");
  await done(approver.p, "已复核通过");
  await approver.ctx.close();
  await admin.p.goto(billUrl);
  await admin.p.fill("#f-bank_reference", `ICBC-INST-${Date.now()}`);
  await admin.p.click("form[action$='/pay'] button");
  await done(admin.p, "已支付");
  await admin.ctx.close();

  // inst1 reads the answer and prints its statement.
  await page.goto(billUrl);
  await page.locator(".dispute", { hasText: "签字页属实" }).waitFor();
  await page.goto(`${base}/`);
  await page.click("a[href$='/statement']");
  await page.locator("h1", { hasText: "对账单" }).waitFor();
  await page.locator("td", { hasText: "ICBC-INST-" }).waitFor();
  await page.emulateMedia({ media: "print" });
  await step("statement-print");
  await page.emulateMedia({ media: "screen" });
  console.log("console-inst: ok");
} catch (e) {
  await step("failure").catch(() => {});
  fail(e.stack ?? String(e));
} finally {
  await browser.close();
}
