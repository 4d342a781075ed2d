// Drives two people through a consultation in chromium: a JGZ professional and a Veilig Thuis
// professional on the web chat page, each in a browser of their own (their own cookie), and the
// partners' built-in inbox in a tab beside them.
// Usage: node inbox.js PLAN.json — the plan (written by tests/test_browser_inbox.py) lists the
// steps; prints a JSON summary on stdout; a failed step throws (non-zero exit, reason on stderr).
// A plan with "page" instead of "steps" only opens that page, checks it and takes a screenshot.
"use strict";

const { accessibility, answered, fail, main, withPage } = require("./chromium");


async function chatStep(page, step) {
  if (step.type !== undefined) {
    const input = page.getByLabel("Uw vraag of antwoord");
    await input.fill(step.type);
    return answered(page, () => input.press("Enter"));
  }
  if (step.click !== undefined) {
    const button = page
      .locator("#gesprek")
      .getByRole("button", { name: step.click, exact: true, disabled: false })
      .last();
    return answered(page, () => button.click());
  }
  const form = page.locator("#gesprek form.reply-form").last();
  for (const [name, value] of Object.entries(step.fill)) {
    await form.getByLabel(name, { exact: true }).fill(value);
  }
  return answered(page, () => form.getByRole("button", { name: step.submit, exact: true }).click());
}

// In the inbox tab: open the partner's page, find the request, press "Ik pak dit op".
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
  const status = await page.locator('[role="status"]').innerText();
  state.picked.push(await pickedUp(page, step, state.reference));
  state.axe.push(...(await accessibility(page)));
  return [status];
}

// After the pick-up: the request is under "Opgepakt door u" with its callback details, the
// number as a tel: link and the time as shown; a screenshot of that section when asked.
async function pickedUp(page, step, reference) {
  const mine = page.getByRole("region", { name: /^Opgepakt door u/ });
  const article = mine.locator("article", { hasText: reference });
  if (!(await article.count())) fail(`${reference} is not under "Opgepakt door u"`);
  const shown = await article.innerText();
  for (const text of step.shows || []) {
    if (!shown.includes(text)) fail(`"Opgepakt door u" shows ${JSON.stringify(shown)}, without "${text}"`);
  }
  const call = article.locator('a[href^="tel:"]');
  if (!(await call.count())) fail(`no tel: link for ${reference}`);
  const when = shown.match(/Aangevraagd: (\d\d-\d\d-\d{4} \d\d:\d\d)/);
  if (!when) fail(`no request time in ${JSON.stringify(shown)}`);
  if (step.picked_screenshot) {
    await article.scrollIntoViewIfNeeded();
    await page.screenshot({ path: step.picked_screenshot, fullPage: true });
  }
  return { reference, tel: await call.getAttribute("href"), call: await call.innerText(), shown: when[1] };
}

async function walk(plan, pages) {
  const state = { reference: null, axe: [], picked: [] };
  for (const who of Object.keys(pages)) {
    if (who !== "inbox") await answered(pages[who], () => pages[who].goto(plan.url));
  }
  for (const [index, step] of plan.steps.entries()) {
    const messages = step.inbox
      ? await inboxStep(pages.inbox, step, state)
      : await chatStep(pages[step.who], step);
    const joined = messages.join("\n");
    if (step.expect && !joined.includes(step.expect)) {
      fail(`step ${index}: expected "${step.expect}", got ${JSON.stringify(messages)}`);
    }
    const found = joined.match(/VB-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    if (step.reference && !found) fail(`step ${index}: no reference code in ${joined}`);
    if (step.reference) state.reference = found[0];
  }
  return { steps: plan.steps.length, axe: state.axe, picked: state.picked };
}

async function look(plan, page) {
  await page.goto(plan.page);
  const text = await page.locator("body").innerText();
  for (const expected of plan.shows) {
    if (!text.includes(expected)) fail(`the page does not show "${expected}"`);
  }
  await page.screenshot({ path: plan.screenshot, fullPage: true });
  return { steps: 0, axe: await accessibility(page) };
}

main((plan) =>
  withPage(plan.chromium, null, async (jgz, jgzErrors) => {
    if (plan.page) return { ...(await look(plan, jgz)), problems: jgzErrors };
    return withPage(plan.chromium, null, async (vt, vtErrors) => {
      const inbox = await jgz.context().newPage();
      const summary = await walk(plan, { jgz, vt, inbox });
      return { ...summary, problems: [...jgzErrors, ...vtErrors] };
    });
  }),
);
