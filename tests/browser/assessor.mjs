// An assessor's form in the phone app (served through dioxus liveview) in Debian's Chromium,
// against a real server with the demo data: an officer turned away, sign in as assessor1, the
// assigned case, half the form kept as a draft, the rest with the level shown live on the device,
// submitted, the server's level equal to the phone's; the sync screen; English; signing out.
// Screenshots go to OUT.
// Usage: node assessor.mjs APP_URL
import { fail, openPhone } from "./phone.mjs";

const app = process.argv[2] ?? "http://127.0.0.1:8091/";
const { browser, page, step, out, steps } = await openPhone("assessor-");
const items = page.locator("div.item");
// Chooses option `pick` ("first" or "last") of item `i` and waits until the app shows it chosen.
const choose = async (i, pick) => {
  const choices = items.nth(i).locator("button.choice");
  await (pick === "first" ? choices.first() : choices.last()).click();
  await items.nth(i).locator("button.choice.chosen").waitFor();
};

try {
  await page.goto(app);
  await page.locator("button.sign-in-button").waitFor();
  // An officer's account is turned away: the app is for caregivers and assessors.
  await page.fill("input[name=username]", "admin");
  await page.fill("input[name=password]", "demo1234");
  await page.click("button.sign-in-button");
  await page.locator(".problem", { hasText: "本应用供护理员和评估员使用" }).waitFor();
  await page.fill("input[name=username]", "assessor1");
  await page.fill("input[name=password]", "demo1234");
  await page.click("button.sign-in-button");

  await page.locator("h1", { hasText: "评估任务" }).waitFor();
  const cases = page.locator("li.case");
  await cases.first().waitFor();
  if (await cases.count() !== 1) fail(`expected the demo's one case, got ${await cases.count()}`);
  const row = await cases.first().innerText();
  if (!row.includes("陈玉梅") || !row.includes("待评估")) fail(`unexpected case row: ${row}`);
  await step("cases");

  await cases.first().click();
  await page.locator(".card h1", { hasText: "申请人: 陈玉梅" }).waitFor();
  if (!(await page.locator("button.submit").isDisabled())) fail("submit is allowed before every item is answered");
  const total = await items.count();
  if (total !== 17) fail(`the national form has 17 items, the screen ${total}`);
  // Half the form (the worst option: a bedridden applicant), kept as a draft.
  const half = 8;
  for (let i = 0; i < half; i += 1) await choose(i, "last");
  await page.locator(".status.draft").waitFor();
  await page.locator("p.level", { hasText: "答完全部项目后显示" }).waitFor();
  await page.locator("button.save-draft").click();
  await page.locator("li.case span.badge[data-badge=draft]").waitFor();
  const draftRow = await cases.first().innerText();
  if (!draftRow.includes(`已答: ${half}/17`)) fail(`the draft's progress is not shown: ${draftRow}`);
  await step("draft");

  // The draft comes back; the rest answered (cognition and senses intact): the level appears.
  await cases.first().click();
  await page.locator("button.choice.chosen").nth(half - 1).waitFor();
  if (await page.locator("button.choice.chosen").count() !== half) fail("the draft's answers were not kept");
  for (let i = half; i < total; i += 1) await choose(i, "first");
  await page.locator("p.progress", { hasText: "17/17" }).waitFor();
  const level = (await page.locator("p.level").innerText()).match(/评估等级: (\d)/);
  if (!level) fail(`no level after the last item: ${await page.locator("p.level").innerText()}`);
  await page.locator("p.level").scrollIntoViewIfNeeded();
  await step("form-graded", false);

  await page.locator("button.submit").click();
  // The sync after submitting brings the server's grading back.
  await page.locator(".status.submitted").waitFor({ timeout: 60000 });
  const status = await page.locator(".status.submitted").innerText();
  const serverLevel = status.match(/经办系统评定等级: (\d)/);
  if (!serverLevel || serverLevel[1] !== level[1]) fail(`the server graded ${serverLevel?.[1]}, the phone ${level[1]}: ${status}`);
  if (await page.locator("button.choice:not([disabled])").count() !== 0) fail("a submitted form can still be changed");
  await page.evaluate(() => window.scrollTo(0, 0));
  await step("submitted", false);

  await page.locator("button.nav-cases").click();
  await page.locator("li.case span.badge[data-badge=submitted]").waitFor();
  await page.locator("button.nav-sync").click();
  await page.getByText("待上传记录: 0").waitFor();
  await page.getByText("所有记录均已接收").waitFor();
  await page.locator("button.nav-lang").click();
  await page.locator("h1", { hasText: "Sync" }).waitFor();
  await page.locator("button.nav-cases").click();
  await page.locator("h1", { hasText: "Assessments" }).waitFor();
  await page.locator("li.case span.badge", { hasText: "Submitted" }).waitFor();
  await step("english");
  // Signing out returns to the sign-in form.
  await page.locator("button.nav-sync").click();
  await page.locator("button.sign-out").click();
  await page.locator("button.sign-in-button").waitFor();
  console.log(`assessor's form in the browser: one case, a draft of ${half} items kept, level ${level[1]} on the phone and on the server; ${steps()} screenshots in ${out}`);
} catch (e) {
  await step("failure").catch(() => {});
  fail(e.message);
} finally {
  await browser.close();
}
