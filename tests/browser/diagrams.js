// Looks at the diagram pages as a reader does, on a phone and a desktop, in Debian's chromium.
// Usage: node diagrams.js PLAN.json — the plan (written by tests/test_diagram_browser.py) holds
// the chromium path, the screens, the pages ({name, url, start, ids}) and the screenshot folder.
// Prints a JSON summary on stdout: per page and screen what was measured, the axe findings and
// the screenshot; the Python test decides what passes.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

// Runs in the page as first opened (nothing scrolled): what a reader sees and can read.
function measure({ start, ids }) {
  const inside = (rect) => rect.left >= -1 && rect.right <= window.innerWidth + 1;
  const result = {
    width: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    problems: [],
  };
  const say = (what) => result.problems.push(what);
  if (result.width > result.viewport) {
    // Name the outermost element that reaches past the screen's right edge.
    const wide = [...document.body.querySelectorAll("*")].find(
      (node) => !node.closest(".diagram") && node.getBoundingClientRect().right > window.innerWidth + 1,
    );
    const what = wide ? `<${wide.tagName.toLowerCase()} class="${wide.className.baseVal ?? wide.className}">` : "?";
    say(`page ${result.width} px wide on a ${result.viewport} px screen (${what})`);
  }
  const legend = [...document.querySelectorAll(".legenda li")];
  if (!legend.length) say("no legend");
  for (const item of legend) {
    if (!inside(item.getBoundingClientRect())) say(`legend item "${item.textContent}" off screen`);
  }
  if (start) {
    const root = document.querySelector(`g.knoop[data-node="${start}"] rect`);
    if (!root) say("no start box");
    else if (!inside(root.getBoundingClientRect())) {
      const rect = root.getBoundingClientRect();
      say(`start box at ${Math.round(rect.left)}..${Math.round(rect.right)} px, off screen`);
    }
    // Every box's text stays inside its box (wrapped, not cut or spilling).
    for (const box of document.querySelectorAll("g.knoop")) {
      const frame = box.querySelector("rect").getBBox();
      for (const text of box.querySelectorAll("text")) {
        const b = text.getBBox();
        if (b.x < frame.x || b.x + b.width > frame.x + frame.width + 0.5 ||
            b.y + b.height > frame.y + frame.height + 0.5) {
          say(`text spills out of its box: "${text.textContent.slice(0, 50)}"`);
        }
        if (text.textContent.includes("…")) say(`text cut: "${text.textContent.slice(0, 50)}"`);
      }
    }
  }
  // Internal ids: never in what a reader sees, hovers or hears.
  const read = [document.body.innerText];
  for (const title of document.querySelectorAll("title, desc")) read.push(title.textContent);
  for (const id of ids) {
    if (read.some((text) => text.includes(id))) say(`internal id "${id}" shown`);
  }
  return result;
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

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "verbind-diagrams-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: plan.chromium,
    headless: true,
    args: ARGS,
  });
  const results = [];
  const errors = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console error: ${message.text()}`);
    });
    for (const [screen, viewport] of Object.entries(plan.screens)) {
      await page.setViewportSize(viewport);
      for (const item of plan.pages) {
        await page.goto(item.url);
        const seen = await page.evaluate(measure, { start: item.start, ids: item.ids });
        const axe = await accessibility(page);
        // As opened (title, legend), then scrolled to the drawing.
        const screenshots = [path.join(plan.out, `${item.name}-${screen}.png`)];
        await page.screenshot({ path: screenshots[0] });
        const figure = page.locator("figure.diagram");
        if (await figure.count()) {
          await figure.evaluate((node) => node.scrollIntoView({ block: "start" }));
          screenshots.push(path.join(plan.out, `${item.name}-${screen}-diagram.png`));
          await page.screenshot({ path: screenshots[1] });
        }
        results.push({ page: item.name, screen, ...seen, axe, screenshots });
      }
    }
    process.stdout.write(JSON.stringify({ results, errors }));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
