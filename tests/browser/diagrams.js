// Looks at the diagram pages as a reader does, on a phone and a desktop, in Debian's chromium.
// Usage: node diagrams.js PLAN.json — the plan (written by tests/test_diagram_browser.py) holds
// the chromium path, the screens, the pages ({name, url, start, ids}) and the screenshot folder.
// Prints a JSON summary on stdout: per page and screen what was measured, the axe findings and
// the screenshot; the Python test decides what passes.
"use strict";

const path = require("path");
const { accessibility, main, withPage } = require("./chromium");

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
      (node) => node.getBoundingClientRect().right > window.innerWidth + 1,
    );
    const what = wide ? `<${wide.tagName.toLowerCase()} class="${wide.className.baseVal ?? wide.className}">` : "?";
    say(`page ${result.width} px wide on a ${result.viewport} px screen (${what})`);
  }
  // The drawing fits the screen's width (zoom to read it): it never scrolls sideways itself.
  const figure = document.querySelector("figure.diagram");
  if (figure) {
    const drawing = figure.querySelector("svg").getBoundingClientRect();
    if (figure.scrollWidth > figure.clientWidth + 1 || !inside(drawing)) {
      say(`diagram ${Math.round(drawing.width)} px wide, scrolls sideways on a ${result.viewport} px screen`);
    }
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

main((plan) =>
  withPage(plan.chromium, null, async (page, errors) => {
    const results = [];
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
    return { results, errors };
  }),
);
