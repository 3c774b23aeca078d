// usage: node .shot.mjs user path1 path2 ...  -> /tmp/shots/NAME.png
import { chromium } from "playwright-core";
const [user, ...paths] = process.argv.slice(2);
const base = process.env.BASE ?? "http://127.0.0.1:8080";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-background-networking","--no-first-run","--disable-component-update","--disable-sync","--disable-quic"] });
const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: process.env.LOCALE ?? "zh-CN" });
const page = await ctx.newPage();
await page.goto(`${base}/login`);
await page.fill("#username", user);
await page.fill("#password", "demo1234");
await page.click("form.sign-in button[type=submit]");
await page.waitForLoadState();
for (const p of paths) {
  await page.goto(base + p);
  const name = (user + p).replace(/[^a-z0-9]+/gi, "_");
  await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
  console.log(`/tmp/shots/${name}.png`);
}
await browser.close();
