// A console session left unused ends: against a demo server whose idle timeout is a few seconds
// (LTCI_CONSOLE_IDLE_SECS), admin signs in, leaves the page alone past the timeout, and the next
// click lands on the sign-in page saying why; signing in again works.
// Usage: node console-idle.mjs SERVER_URL IDLE_SECS
import { fail, openDesk } from "./phone.mjs";

const base = (process.argv[2] ?? "http://127.0.0.1:8080/").replace(/\/$/, "");
const idleSecs = Number(process.argv[3] ?? "3");
const { browser, page, step } = await openDesk("console-");

const signIn = async () => {
  await page.goto(`${base}/login`);
  await page.fill("#username", "admin");
  await page.fill("#password", "demo1234");
  await page.click("form.sign-in button[type=submit]");
  await page.locator("h1", { hasText: "工作台" }).waitFor();
};

try {
  await signIn();
  // Nothing is sent while the officer is away; past the timeout (however slow the machine, more
  // time gone by only makes the session older), the next click is refused.
  await new Promise((resolve) => setTimeout(resolve, (idleSecs + 1) * 1000));
  await page.click("nav.menu a[href='/persons']");
  await page.locator("h1", { hasText: "登录" }).waitFor();
  await page.locator("text=长时间未操作，已自动退出，请重新登录").waitFor();
  if (!page.url().includes("/login")) fail(`not the sign-in page: ${page.url()}`);
  await step("session-idle");
  await signIn();
  console.log("console-idle: ok");
} catch (e) {
  await step("session-idle-failed").catch(() => {});
  fail(e.stack ?? String(e));
} finally {
  await browser.close();
}
