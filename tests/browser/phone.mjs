// What the browser tests share: a phone-sized page in Debian's headless Chromium, numbered
// screenshots into OUT (default tests/browser/out), and a failure that ends the test.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

export const fail = (message) => {
  console.error(`FAIL: ${message}`);
  process.exit(1);
};

// Opens a 412 × 915 page (a common phone size). `step(name)` saves the next screenshot, named
// `${prefix}NN-${name}.png`.
export async function openPhone(prefix = "") {
  const { out, browser } = await launch();
  const page = await browser.newPage({ viewport: { width: 412, height: 915 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(60000);
  let steps = 0;
  const step = async (name, fullPage = true) => {
    steps += 1;
    await page.screenshot({ path: `${out}/${prefix}${String(steps).padStart(2, "0")}-${name}.png`, fullPage });
  };
  return { browser, page, step, out, steps: () => steps };
}

// Opens a 1366 × 768 page (an office screen) for the console, screenshots named like the phone's.
export async function openDesk(prefix = "") {
  const { out, browser } = await launch();
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: "zh-CN" });
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  const step = async (name, on = page) => {
    await on.screenshot({ path: `${out}/${prefix}${name}.png`, fullPage: true });
  };
  return { browser, context, page, step, out };
}

// Debian's headless Chromium, and the screenshots' folder made.
async function launch() {
  const out = process.env.OUT ?? new URL("./out/", import.meta.url).pathname;
  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
      "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
  return { out, browser };
}
