// A caregiver's visit in the phone app (served through dioxus liveview) in Debian's Chromium,
// against a real server with the demo data: sign in (a wrong password first), today's visits,
// open one, check in, record the items and a note, check out, see it sent and the server's
// verdict; the sync screen; English. Screenshots go to OUT (default tests/browser/out).
// Usage: node caregiver.mjs APP_URL
import { fail, openPhone } from "./phone.mjs";

const app = process.argv[2] ?? "http://127.0.0.1:8090/";
const { browser, page, step, out, steps } = await openPhone("");

try {
  await page.goto(app);
  await page.getByText("登录", { exact: true }).first().waitFor();
  const server = await page.inputValue("input[name=server]");
  if (!server.startsWith("http://127.0.0.1:")) fail(`the server address is not filled in: ${server}`);
  await step("sign-in");
  await page.fill("input[name=username]", "carer1");
  await page.fill("input[name=password]", "wrong");
  await page.click("button.sign-in-button");
  await page.locator(".problem").waitFor();
  await page.fill("input[name=password]", "demo1234");
  await page.click("button.sign-in-button");

  await page.getByText("今日服务").first().waitFor();
  const visits = page.locator("li.visit");
  await visits.first().waitFor();
  const count = await visits.count();
  if (count < 3) fail(`expected the demo's visits for today, got ${count}`);
  await step("today");

  await visits.first().click();
  await page.locator("button.check-in").click();
  await page.locator(".checked-in").waitFor();
  const where = await page.locator(".checked-in").innerText();
  if (!where.includes("距登记地址")) fail(`no distance shown: ${where}`);
  await step("checked-in");
  // Every planned item done.
  while (await page.locator("button.done").count() > 0) {
    const before = await page.locator("button.done").count();
    await page.locator("button.done").first().click();
    await page.waitForFunction((n) => document.querySelectorAll("button.done").length < n, before);
  }
  await page.fill("textarea[name=note]", "老人精神好，血压正常");
  await page.locator("button.add-note").click();
  await page.locator("ul.notes li", { hasText: "老人精神好" }).waitFor();
  await page.locator("button.check-out").click();
  await page.locator(".summary").waitFor();
  // The sync after the check-out brings the server's verdict: a visit of a few seconds is shorter
  // than the items' minimum minutes, so it waits for review (需处理).
  await page.waitForSelector("section.visit-screen[data-badge=NeedsAttention]", { timeout: 60000 });
  await step("checked-out");

  await page.locator("button.nav-sync").click();
  await page.getByText("待上传记录: 0").waitFor();
  await page.getByText("所有记录均已接收").waitFor();
  await step("sync");

  await page.locator("button.nav-day").click();
  await page.locator("li.visit span.badge", { hasText: "需处理" }).first().waitFor();
  await page.locator("button.nav-lang").click();
  await page.locator("h1", { hasText: "Today's visits" }).waitFor();
  await step("english");
  console.log(`caregiver's visit in the browser: ${count} visits today, one done, sent and checked by the server; ${steps()} screenshots in ${out}`);
} catch (e) {
  await step("failure").catch(() => {});
  fail(e.message);
} finally {
  await browser.close();
}
