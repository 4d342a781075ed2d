// What the browser scripts share: Debian's chromium through playwright-core (no downloaded
// browser), axe-core run in the page, and a main that prints a JSON summary or fails.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Containers often have a tiny /dev/shm, which makes chromium's renderer crash.
  "--disable-dev-shm-usage",
];

// Opens chromium (`executable`) with a throw-away profile, runs `use(page, errors)` and closes
// it again. `errors` collects page errors and console errors as they happen.
async function withPage(executable, viewport, use) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "verbind-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable,
    headless: true,
    args: ARGS,
    viewport: viewport || { width: 1280, height: 900 },
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    const errors = [];
    page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console error: ${message.text()}`);
    });
    return await use(page, errors);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// axe-core's WCAG 2.1 A/AA findings for the page as it is now: {id, impact, nodes} each.
async function accessibility(page) {
  // axe-core from node_modules, evaluated in the page over the DevTools protocol (no network,
  // and the page's own Content-Security-Policy stays in force).
  const source = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
}

// Reads the plan named on the command line, prints what `run(plan)` returns as JSON; a thrown
// error ends the process with code 1 and the reason on stderr.
function main(run) {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  run(plan)
    .then((summary) => process.stdout.write(JSON.stringify(summary)))
    .catch((error) => {
      process.stderr.write(`${error.stack || error}\n`);
      process.exit(1);
    });
}

const STEP_TIMEOUT_MS = 15000;

function fail(message) {
  throw new Error(message);
}

async function botMessages(page) {
  return page.locator("#gesprek .msg.bot").allInnerTexts();
}

// On the chat page: runs `action`, then waits until the page has answered and returns the new bot messages.
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

module.exports = {
  STEP_TIMEOUT_MS,
  accessibility,
  answered,
  botMessages,
  fail,
  main,
  withPage,
};
