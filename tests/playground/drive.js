// Drives Microsoft's own Teams client, the Microsoft 365 Agents Playground, in Debian's chromium
// (playwright-core from tests/browser), against `verbind serve`: installs, taps, types, forms, the
// partner's inbox, the compose-box search and a channel @mention, and records what the client
// received from Verbind and what it drew.
// Usage: node drive.js PLAN.json — the plan (written by tests/test_playground.py) holds the
// addresses, the bot's name and the steps. Prints a JSON summary on stdout: per step the
// activities Verbind sent (from the Playground's own log stream) and the messages as drawn; the
// Python tests decide what passes. A step the client cannot take throws (non-zero exit).
"use strict";

const path = require("path");
const { fail, main, withPage } = require("../browser/chromium");

const STEP_TIMEOUT_MS = 20000;
const SETTLE_MS = 700;
const QUIET_MS = 2500;
const FROM_BOT = "User Application";
const TO_BOT = "Microsoft 365 Agents Playground";

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The base id of a conversation: a channel post's replies carry ";messageid=..." after it.
function base(conversationId) {
  return String(conversationId || "").split(";")[0];
}

// Listens to the Playground's log stream (a websocket of its UI): every activity between the
// client and Verbind, with its body, in the order the Playground handled them.
function recordActivities(page, state) {
  page.on("websocket", (socket) => {
    if (!socket.url().includes("/_ws/log/")) return;
    socket.on("framereceived", (frame) => {
      let data;
      try {
        data = JSON.parse(String(frame.payload));
      } catch (error) {
        return;
      }
      const log = data && data.log;
      if (!log || !log.activityName) return;
      const body = (log.request && log.request.body) || {};
      const entry = {
        from: log.from,
        to: log.to,
        type: log.activityName,
        conversation: base(log.conversationId || (body.conversation || {}).id),
        body,
      };
      state.activities.push(entry);
      state.lastActivityAt = Date.now();
      if (entry.to === FROM_BOT && entry.from === TO_BOT) state.current = entry.conversation;
    });
  });
}

// Runs in the page: the bot's messages as drawn in the conversation pane. A drawn message starts
// at the bot's avatar and runs to the next avatar, message header or message box; for each: its
// text, whether it holds an Adaptive Card, the card's text blocks (one per drawn line), its
// buttons, and the values of its inputs.
function drawnMessages(bot) {
  const marks = [
    ...document.querySelectorAll(
      '[role="img"][aria-label], [aria-label="Message header"], [role="textbox"], [aria-label^="Trigger Message Extension"]',
    ),
  ].filter((node) => !node.closest('[role="tree"], [role="toolbar"]'));
  const messages = [];
  marks.forEach((mark, index) => {
    if (mark.getAttribute("role") !== "img" || mark.getAttribute("aria-label") !== bot) return;
    const range = document.createRange();
    range.setStartAfter(mark);
    const next = marks[index + 1];
    if (next) range.setEndBefore(next);
    else range.setEndAfter(document.body.lastChild);
    const inside = (selector) => [...document.querySelectorAll(selector)].filter((node) => range.intersectsNode(node));
    const cards = inside(".ac-adaptiveCard");
    messages.push({
      text: range.toString().replace(/\s+/g, " ").trim(),
      card: cards.length > 0,
      lines: cards.flatMap((card) => [...card.querySelectorAll(".ac-textBlock")].map((b) => b.innerText.trim())),
      buttons: cards.flatMap((card) => [...card.querySelectorAll("button")].map((b) => b.innerText.trim())),
      inputs: Object.fromEntries(
        cards.flatMap((card) =>
          [...card.querySelectorAll("input, textarea")].map((input) => [
            (input.getAttribute("aria-label") || (input.labels && input.labels[0] && input.labels[0].innerText) || input.id || "").trim(),
            input.value,
          ]),
        ),
      ),
    });
  });
  return messages;
}

function sentByBot(state, from) {
  return state.activities
    .slice(from)
    .filter((a) => a.from === FROM_BOT && a.to === TO_BOT && a.type === "message");
}

// After an action: wait until Verbind's messages for it have come in (at least `least`) and
// the log has been quiet for a moment, then until the client has drawn them.
async function settle(page, plan, state, from, least) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (sentByBot(state, from).length < least || Date.now() - state.lastActivityAt < SETTLE_MS) {
    if (Date.now() > deadline) {
      fail(`no answer: ${sentByBot(state, from).length} of ${least} messages from Verbind`);
    }
    await sleep(100);
  }
  // The client draws what it received; give it until the deadline to catch up.
  let drawn = await page.evaluate(drawnMessages, plan.bot);
  while (Date.now() < deadline && drawn.length < sentTo(state, state.current).length) {
    await sleep(150);
    drawn = await page.evaluate(drawnMessages, plan.bot);
  }
  await sleep(300); // a second bubble for the same activity would be drawn by now
  return page.evaluate(drawnMessages, plan.bot);
}

function sentTo(state, conversation) {
  return state.activities.filter(
    (a) => a.from === FROM_BOT && a.type === "message" && a.conversation === conversation,
  );
}

function composer(page, step) {
  // In a chat the message box is the last text box (card inputs come before it); in a
  // channel a new post starts in the first one ("Start a new post").
  const boxes = page.getByRole("textbox");
  return step.mention !== undefined ? boxes.first() : boxes.last();
}

async function act(page, pages, plan, step, state) {
  if (step.open) {
    await page.goto(plan.playground);
  } else if (step.chat !== undefined) {
    await page.getByRole("treeitem", { name: step.chat, exact: true }).click();
  } else if (step.type !== undefined) {
    await composer(page, step).fill(step.type);
    await page.getByRole("button", { name: "Send Message", exact: true }).last().click();
  } else if (step.mention !== undefined) {
    const box = composer(page, step);
    await box.click();
    await page.keyboard.type(`@${plan.bot.slice(0, 3)}`);
    const option = page.getByLabel("Typeahead menu").getByText(plan.bot, { exact: true });
    await option.waitFor({ timeout: STEP_TIMEOUT_MS });
    await option.click();
    await page.keyboard.type(` ${step.mention}`);
    await page.getByRole("button", { name: "Post", exact: true }).click();
  } else if (step.click !== undefined) {
    // A label may name the request's reference ("Overleg vastleggen: {reference}").
    const label = step.click.replace("{reference}", state.reference || "");
    await page.locator(".ac-adaptiveCard").getByRole("button", { name: label, exact: true }).last().click();
  } else if (step.fill !== undefined) {
    const card = page.locator(".ac-adaptiveCard").last();
    for (const [label, value] of Object.entries(step.fill)) {
      await card.getByRole("textbox", { name: label, exact: true }).fill(value);
    }
    await card.getByRole("button", { name: step.submit, exact: true }).click();
  } else if (step.pickup) {
    const inbox = pages.inbox || (pages.inbox = await page.context().newPage());
    await inbox.goto(plan.inbox);
    const request = inbox.locator("article", { hasText: state.reference });
    if (!(await request.count())) fail(`no request ${state.reference} in ${plan.inbox}`);
    await request.getByRole("button", { name: "Ik pak dit op", exact: true }).click();
    await inbox.locator('[role="status"]').waitFor({ timeout: STEP_TIMEOUT_MS });
  } else if (step.compose !== undefined) {
    await page.getByRole("button", { name: "Trigger Message Extension App" }).last().click();
    await page.getByRole("menuitem", { name: "Search Command" }).click();
    await page.getByPlaceholder("Enter a search term").fill(step.compose);
    const result = page.getByRole("heading", { name: step.pick, exact: true, level: 1 }).first();
    await result.waitFor({ timeout: STEP_TIMEOUT_MS });
    state.composeResults = await page
      .getByRole("group")
      .filter({ hasText: "Search-Based Message Extension" })
      .innerText();
    await result.click();
    await page.getByRole("button", { name: "Send Message", exact: true }).last().click();
  } else {
    fail(`unknown step ${JSON.stringify(step)}`);
  }
}

async function runStep(page, pages, plan, step, state) {
  try {
    await takeStep(page, pages, plan, step, state);
  } catch (error) {
    await page.screenshot({ path: path.join(plan.screenshots, `${plan.prefix}-failed-${step.name}.png`) });
    throw new Error(`step ${step.name}: ${error.message}`);
  }
}

async function takeStep(page, pages, plan, step, state) {
  const from = state.activities.length;
  const before = (await page.evaluate(drawnMessages, plan.bot)).length;
  await act(page, pages, plan, step, state);
  let drawn;
  if (step.quiet) {
    // Nothing is to come back: wait as long as an answer would take, then look.
    await sleep(QUIET_MS);
    drawn = await page.evaluate(drawnMessages, plan.bot);
  } else if (step.least === 0) {
    // Something may come back, or not: wait as long as an answer would take, then settle.
    await sleep(QUIET_MS);
    drawn = await settle(page, plan, state, from, 0);
  } else {
    drawn = await settle(page, plan, state, from, step.least === undefined ? 1 : step.least);
  }
  const sent = sentByBot(state, from);
  const found = sent.map((a) => JSON.stringify(a.body)).join(" ").match(/VB-[A-Z0-9]{4}-[A-Z0-9]{4}/);
  if (step.reference) {
    if (!found) fail(`${step.name}: no reference code in what Verbind sent`);
    state.reference = found[0];
  }
  // The screenshot shows the step's first new message from its start.
  await page.evaluate(
    ({ bot, index }) => {
      const avatars = [...document.querySelectorAll(`[role="img"][aria-label="${bot}"]`)]
        .filter((node) => !node.closest('[role="tree"], [role="toolbar"]'));
      if (avatars[index]) avatars[index].scrollIntoView({ block: "start" });
    },
    { bot: plan.bot, index: before },
  );
  const shot = path.join(plan.screenshots, `${plan.prefix}-${String(state.steps.length + 1).padStart(2, "0")}-${step.name}.png`);
  await page.screenshot({ path: shot });
  state.steps.push({
    name: step.name,
    conversation: state.current,
    sent: sent.map((a) => ({ conversation: a.conversation, body: a.body })),
    inConversation: sentTo(state, state.current).length,
    drawnBefore: before,
    drawn,
    screenshot: shot,
    reference: state.reference,
  });
}

main((plan) =>
  withPage(plan.chromium, plan.viewport, async (page, errors) => {
    const state = { activities: [], lastActivityAt: 0, current: null, steps: [], reference: null };
    const outside = [];
    await page.context().route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1") return route.continue();
      outside.push(url.hostname);
      return route.abort();
    });
    recordActivities(page, state);
    const pages = {};
    for (const step of plan.steps) await runStep(page, pages, plan, step, state);
    return {
      steps: state.steps,
      composeResults: state.composeResults || null,
      outside: [...new Set(outside)],
      // The UI's fonts and one animation come from Microsoft's CDN, blocked here: their load
      // errors are expected; anything else the page reports is not.
      errors: errors.filter((e) => !/ERR_FAILED|cdn\.office\.net/.test(e)),
    };
  }),
);
