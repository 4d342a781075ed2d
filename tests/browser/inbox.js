// Drives two people through a consultation in Debian's chromium (playwright-core): a requester
// on the web chat page and a partner in the built-in inbox, each in their own browser context.
// Usage: node inbox.js PLAN.json — the plan (written by tests/test_browser_inbox.py) lists the
// steps; prints a JSON summary on stdout; a failed step throws (non-zero exit, reason on stderr).
// A plan with "page" instead of "steps" only opens that page, checks it and takes a screenshot.
"use strict";

const fs = require("fs");
const { chromium } = require("playwright-core");

const STEP_TIMEOUT_MS = 15000;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--no-first-run", "--disable-background-networking", "--disable-component-update"];

function fail(message) {
  throw new Error(message);
}

async function botMessages(page) {
  return page.locator("#gesprek .msg.bot").allInnerTexts();
}

// Runs `action` on the chat page, waits for its answer and returns the new bot messages.
async function answered(page, action) {
  const before = (await botMessages(page)).length;
  await action();
  await page.waitForFunction(
    (count) =>
      !document.getElementById("gesprek").hasAttribute("aria-busy") &&
      document.querySelectorAll("#gesprek .msg.bot").length > count,
    before,
    { timeout: STEP_TIMEOUT_MS },
  );
  return (await botMessages(page)).slice(before);
}

async function chatStep(page, step) {
  if (step.type !== undefined) {
    const input = page.getByLabel("Uw vraag of antwoord");
    await input.fill(step.type);
    return answered(page, () => input.press("Enter"));
  }
  if (step.click !== undefined) {
    const button = page.locator("#gesprek")
      .getByRole("button", { name: step.click, exact: true, disabled: false }).last();
    return answered(page, () => button.click());
  }
  const form = page.locator("#gesprek form.reply-form").last();
  for (const [name, value] of Object.entries(step.fill)) {
    await form.getByLabel(name, { exact: true }).fill(value);
  }
  return answered(page, () => form.getByRole("button", { name: step.submit, exact: true }).click());
}

// In the inbox: open the partner's page, find the request, press "Ik pak dit op".
async function inboxStep(page, step, state) {
  await page.goto(step.inbox);
  const article = page.locator("article", { hasText: state.reference });
  if (!(await article.count())) fail(`no request ${state.reference} in ${step.inbox}`);
  const shown = await article.innerText();
  for (const text of step.shows || []) {
    if (!shown.includes(text)) fail(`the inbox shows ${JSON.stringify(shown)}, without "${text}"`);
  }
  if (step.screenshot) await page.screenshot({ path: step.screenshot, fullPage: true });
  state.axe.push(...(await accessibility(page)));
  await article.getByRole("button", { name: "Ik pak dit op", exact: true }).click();
  return [await page.locator('[role="status"]').innerText()];
}

async function accessibility(page) {
  const source = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
}

async function open(browser, plan, problems) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  return page;
}

async function walk(browser, plan, problems) {
  const pages = {};
  const state = { reference: null, axe: [] };
  for (const [index, step] of plan.steps.entries()) {
    const who = step.who;
    if (!pages[who]) {
      pages[who] = await open(browser, plan, problems);
      if (!step.inbox) await answered(pages[who], () => pages[who].goto(plan.url));
    }
    const messages = step.inbox
      ? await inboxStep(pages[who], step, state)
      : await chatStep(pages[who], step);
    const joined = messages.join("\n");
    if (step.expect && !joined.includes(step.expect)) {
      fail(`step ${index}: expected "${step.expect}", got ${JSON.stringify(messages)}`);
    }
    const found = joined.match(/VB-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    if (step.reference && found) state.reference = found[0];
    if (step.reference && !found) fail(`step ${index}: no reference code in ${joined}`);
  }
  return { steps: plan.steps.length, problems, axe: state.axe };
}

async function look(browser, plan, problems) {
  const page = await open(browser, plan, problems);
  await page.goto(plan.page);
  const text = await page.locator("body").innerText();
  for (const expected of plan.shows) {
    if (!text.includes(expected)) fail(`the page does not show "${expected}"`);
  }
  await page.screenshot({ path: plan.screenshot, fullPage: true });
  return { steps: 0, problems, axe: await accessibility(page) };
}

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const browser = await chromium.launch({ executablePath: plan.chromium, args: ARGS });
  const problems = [];
  try {
    const summary = plan.page ? await look(browser, plan, problems) : await walk(browser, plan, problems);
    process.stdout.write(JSON.stringify(summary));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
