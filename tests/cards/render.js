// Draws Adaptive Cards with Microsoft's own JavaScript renderer (npm adaptivecards) and a
// Teams-like host config in Debian's chromium, and checks each card as drawn.
// Usage: node render.js PLAN.json — the plan (written by tests/test_card_rendering.py) holds the
// chromium path, the cards ({name, card}), the widths and the screenshot folder. Prints a JSON
// summary on stdout: per width the cards drawn, the screenshots taken and the problems found
// (horizontal overflow, cut text, actions that are missing, hidden or outside the card).
"use strict";

const fs = require("fs");
const path = require("path");
// playwright-core is installed for the web page's browser test; its helpers serve both.
const { main, withPage } = require("../browser/chromium");

const CARDS_PER_SHEET = 4;

// A page like a Teams chat: light grey, the card on white with a thin border and round corners.
// The buttons and inputs keep Microsoft's own stylesheet (adaptivecards/dist/adaptivecards.css).
const HOST_PAGE = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><style>
  body { margin: 0; background: #f5f5f5; }
  .sheet { display: flex; flex-direction: column; gap: 16px; padding: 16px; }
  .name { font: 11px monospace; color: #616161; }
  .card { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; overflow: hidden; }
</style></head><body><main class="sheet" id="sheet"></main></body></html>`;

// Runs in the page: draws `cards` into the sheet at `cardWidth` and returns the problems.
function drawAndCheck({ cards, hostConfig, cardWidth }) {
  const AC = window.AdaptiveCards;
  // Teams draws markdown links; the renderer leaves markdown to its host. Links only, escaped.
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    const escape = (value) =>
      value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    result.outputHtml = escape(text).replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>')
      .replace(/\n/g, "<br>");
    result.didProcess = true;
  };
  const config = new AC.HostConfig(hostConfig);
  const sheet = document.getElementById("sheet");
  sheet.replaceChildren();
  sheet.style.width = cardWidth + 32 + "px";
  const problems = [];
  const countActions = (value) => {
    if (Array.isArray(value)) return value.reduce((sum, item) => sum + countActions(item), 0);
    if (!value || typeof value !== "object") return 0;
    const own = typeof value.type === "string" && value.type.startsWith("Action.") ? 1 : 0;
    return Object.values(value).reduce((sum, item) => sum + countActions(item), own);
  };
  const drawn = [];
  for (const { name, card } of cards) {
    const label = document.createElement("div");
    label.className = "name";
    label.textContent = name;
    const host = document.createElement("div");
    host.className = "card";
    host.style.width = cardWidth + "px";
    const adaptive = new AC.AdaptiveCard();
    adaptive.hostConfig = config;
    adaptive.parse(card);
    const element = adaptive.render();
    if (!element) {
      problems.push(`${name}: the renderer drew nothing`);
      continue;
    }
    host.append(element);
    sheet.append(label, host);
    drawn.push({ name, card, host });
  }
  for (const { name, card, host } of drawn) {
    const box = host.getBoundingClientRect();
    const say = (what) => problems.push(`${name}: ${what}`);
    if (host.scrollWidth > host.clientWidth + 1) {
      say(`wider than the card (${host.scrollWidth} > ${host.clientWidth} px)`);
    }
    for (const node of host.querySelectorAll("*")) {
      const rect = node.getBoundingClientRect();
      if (!rect.width || !rect.height) continue;
      if (rect.left < box.left - 1 || rect.right > box.right + 1) {
        say(`<${node.tagName.toLowerCase()}> "${node.textContent.slice(0, 40)}" sticks out`);
      }
      const style = getComputedStyle(node);
      const clips = style.overflowX !== "visible" || style.textOverflow === "ellipsis";
      const text = node.textContent.trim();
      if (clips && text && node.scrollWidth > node.clientWidth + 1) {
        say(`text cut: "${text.slice(0, 60)}" (${node.scrollWidth} > ${node.clientWidth} px)`);
      }
      if (clips && text && !node.matches("textarea, input") &&
          node.scrollHeight > node.clientHeight + 1 && style.overflowY !== "auto") {
        say(`text cut in height: "${text.slice(0, 60)}"`);
      }
    }
    const buttons = [...host.querySelectorAll("button, [role=button]")];
    const expected = countActions(card.body) + countActions(card.actions);
    if (buttons.length !== expected) say(`${expected} actions, ${buttons.length} buttons drawn`);
    for (const button of buttons) {
      const rect = button.getBoundingClientRect();
      const style = getComputedStyle(button);
      const shown = rect.width > 0 && rect.height > 0 && style.visibility !== "hidden";
      if (!shown) say(`button "${button.textContent}" is not visible`);
      if (rect.left < box.left - 1 || rect.right > box.right + 1 || rect.bottom > box.bottom + 1) {
        say(`button "${button.textContent}" lies outside the card`);
      }
    }
  }
  return { problems, drawn: drawn.length };
}

main((plan) =>
  withPage(plan.chromium, null, async (page, errors) => {
    const bundle = require.resolve("adaptivecards/dist/adaptivecards.min.js");
    const config = JSON.parse(fs.readFileSync(path.join(__dirname, "teams-host-config.json")));
    await page.setContent(HOST_PAGE);
    await page.addScriptTag({ path: bundle });
    await page.addStyleTag({ path: path.join(path.dirname(bundle), "adaptivecards.css") });
    const widths = [];
    for (const width of plan.widths) {
      await page.setViewportSize({ width: width.viewport, height: 900 });
      const hostConfig = {
        ...config,
        actions: { ...config.actions, actionsOrientation: width.orientation },
      };
      const result = { name: width.name, drawn: 0, problems: [], screenshots: [] };
      for (let start = 0; start < plan.cards.length; start += CARDS_PER_SHEET) {
        const cards = plan.cards.slice(start, start + CARDS_PER_SHEET);
        const sheet = await page.evaluate(drawAndCheck, { cards, hostConfig, cardWidth: width.card });
        result.drawn += sheet.drawn;
        result.problems.push(...sheet.problems);
        const file = path.join(plan.out, `cards-${width.name}-${start / CARDS_PER_SHEET + 1}.png`);
        await page.screenshot({ path: file, fullPage: true });
        result.screenshots.push(file);
      }
      widths.push(result);
    }
    return { widths, errors };
  }),
);
