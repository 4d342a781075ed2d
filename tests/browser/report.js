// Opens the manager's report page (/rapport) in chromium on each screen of the plan: checks the
// texts it must show, that nothing is wider than the screen, that the filters work, and takes a
// screenshot; axe-core's findings are returned for the test to judge.
// Usage: node report.js PLAN.json — prints a JSON summary; a failed check throws.
"use strict";

const { accessibility, fail, main, withPage } = require("./chromium");

async function check(plan, screen, page) {
  await page.goto(plan.url);
  const text = await page.locator("body").innerText();
  for (const expected of plan.shows) {
    if (!text.includes(expected)) fail(`${screen.name}: the page does not show "${expected}"`);
  }
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  if (overflow > 0) fail(`${screen.name}: the page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: screen.screenshot, fullPage: true });
  const axe = await accessibility(page);
  // The filters: choose a region and show; the page says which region it counts.
  await page.getByLabel("Regio", { exact: true }).selectOption({ label: plan.region });
  await Promise.all([page.waitForURL(/regio=/), page.getByRole("button", { name: "Toon" }).click()]);
  const filtered = await page.locator("body").innerText();
  if (!filtered.includes(`Alleen regio ${plan.region}`)) fail(`${screen.name}: the region filter`);
  const download = page.getByRole("link", { name: "Download Excel (.xlsx)" });
  if (!(await download.getAttribute("href")).includes("regio=")) fail("the download ignores the filter");
  return { screen: screen.name, axe };
}

main(async (plan) => {
  const results = [];
  const problems = [];
  for (const screen of plan.screens) {
    results.push(
      await withPage(plan.chromium, screen.viewport, async (page, errors) => {
        const result = await check(plan, screen, page);
        problems.push(...errors);
        return result;
      }),
    );
  }
  return { results, problems };
});
