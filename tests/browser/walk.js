// Drives the local web chat page in Debian's chromium (playwright-core, no downloaded browser).
// Usage: node walk.js PLAN.json — the plan (written by tests/test_browser.py) holds the URL, the
// steps to take and where to save the screenshot. Prints a JSON summary on stdout; any failed step
// throws, which ends the process with a non-zero code and the reason on stderr.
"use strict";

const { accessibility, answered, fail, main, withPage } = require("./chromium");


function expectText(messages, text, step) {
  if (!messages.some((message) => message.includes(text))) {
    fail(`step ${step}: expected "${text}" in the new messages, got ${JSON.stringify(messages)}`);
  }
}

async function focusedLabel(page) {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (active && active.tagName === "BUTTON") return active.textContent;
    // A form field: its visible label, the way a screen reader announces it.
    if (active && ["INPUT", "TEXTAREA"].includes(active.tagName) && active.labels.length) {
      return active.labels[0].textContent;
    }
    return null;
  });
}

// Fills the newest form's fields by their labels, then presses its submit button.
async function fillForm(page, values, submit) {
  const form = page.locator("#gesprek form.reply-form").last();
  for (const [name, value] of Object.entries(values)) {
    await form.getByLabel(name, { exact: true }).fill(value);
  }
  return answered(page, () => form.getByRole("button", { name: submit, exact: true }).click());
}

// Keyboard only: Tab until the live answer button `label` has focus, then press Enter.
async function keyboardChoose(page, label) {
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const active = document.activeElement;
      return active && active.matches("button.choice:enabled") ? active.textContent : null;
    });
    if (focused === label) return answered(page, () => page.keyboard.press("Enter"));
  }
  return fail(`Tab never reached the button "${label}"`);
}

function answerButton(page, label) {
  return page
    .locator("#gesprek")
    .getByRole("button", { name: label, exact: true, disabled: false })
    .last();
}

// The first of the `count` newest bot messages: has it the focus (when `focused`), and does
// its top lie on the screen? A long answer must be read from its start.
async function atStart(page, count, focused) {
  return page.evaluate(
    ({ count, focused }) => {
      const all = document.querySelectorAll("#gesprek .msg.bot");
      const first = all[all.length - count];
      const top = first.getBoundingClientRect().top;
      const onScreen = top > -2 && top < window.innerHeight - 40;
      return {
        focus: !focused || document.activeElement === first,
        onScreen,
        top: Math.round(top),
        active: document.activeElement ? document.activeElement.outerHTML.slice(0, 80) : null,
      };
    },
    { count, focused },
  );
}

// The phone's view after an answer: the input box is on the screen (it stays at the bottom),
// and the answer's next step — its first live button or form — is visible without scrolling,
// above the input box, while the answer is read from its start.
async function atHand(page, count) {
  return page.evaluate((count) => {
    const all = [...document.querySelectorAll("#gesprek .msg.bot")].slice(-count);
    const input = document.getElementById("invoer").getBoundingClientRect();
    const dock = document.querySelector(".dock").getBoundingClientRect();
    const next = all
      .map((box) => box.querySelector("button.choice:enabled, form.reply-form .field"))
      .find(Boolean);
    const rect = next && next.getBoundingClientRect();
    return {
      input: input.top >= 0 && input.bottom <= window.innerHeight,
      next: !rect || (rect.top >= 0 && rect.bottom <= dock.top + 1),
      nextAt: rect ? Math.round(rect.top) : null,
      dockAt: Math.round(dock.top),
    };
  }, count);
}

// The emergency numbers of the newest answer: their links, their size, and whether they come
// before (above, and first in reading order) every other button of that answer.
async function emergencyLook(page) {
  return page.evaluate(() => {
    const boxes = document.querySelectorAll("#gesprek .msg.bot");
    const box = boxes[boxes.length - 1];
    const calls = [...box.querySelectorAll(".emergency a.call")];
    const buttons = [...box.querySelectorAll("button")];
    const lowest = Math.max(...calls.map((c) => c.getBoundingClientRect().bottom));
    const first = [...box.querySelectorAll("a.call, button")][0];
    return {
      hrefs: calls.map((c) => c.getAttribute("href")),
      small: calls.filter((c) => c.offsetHeight < 44 || c.offsetWidth < 44).length,
      before: calls.length > 0 && first === calls[0] &&
        buttons.every((b) => b.getBoundingClientRect().top >= lowest),
    };
  });
}

// The newest answer's text outside folded parts (a closed details element): what a reader sees
// without opening "Lees verder".
async function unfoldedText(page) {
  return page.evaluate(() => {
    const boxes = document.querySelectorAll("#gesprek .msg.bot");
    const copy = boxes[boxes.length - 1].cloneNode(true);
    copy.querySelectorAll("details:not([open])").forEach((folded) => folded.remove());
    return copy.textContent.replace(/\s+/g, " ");
  });
}

// Nothing on the page is wider than the screen (no sideways scrolling on a phone).
async function pageWidth(page) {
  return page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    screen: window.innerWidth,
  }));
}

// The newest outcome's visible kind label and its colours, as drawn.
async function outcomeLook(page, kind) {
  return page.evaluate((kind) => {
    const boxes = document.querySelectorAll(`#gesprek .msg.bot[data-outcome="${kind}"]`);
    const box = boxes[boxes.length - 1];
    const label = box && box.querySelector(".outcome-label");
    if (!label || !label.offsetWidth) return null;
    return {
      text: label.textContent,
      border: getComputedStyle(box).borderLeftColor,
      fill: getComputedStyle(label).backgroundColor,
      ink: getComputedStyle(label).color,
    };
  }, kind);
}

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

// The newest form: its question is a multi-line field, Versturen is the one primary button and
// the other buttons look different (secondary); the page's own send button has another name
// and does not look like Versturen.
async function formLook(page) {
  return page.evaluate(() => {
    const forms = document.querySelectorAll("#gesprek form.reply-form");
    const form = forms[forms.length - 1];
    const look = (button) => ({
      name: button.textContent,
      type: button.type,
      background: getComputedStyle(button).backgroundColor,
    });
    return {
      fields: [...form.querySelectorAll(".field")].map((f) => f.tagName.toLowerCase()),
      buttons: [...form.querySelectorAll("button")].map(look),
      composer: look(document.querySelector("#invoer-form button")),
    };
  });
}

async function runStep(page, step, index) {
  let messages;
  if (step.keyboard !== undefined) {
    messages = await keyboardChoose(page, step.keyboard);
  } else if (step.click !== undefined) {
    messages = await answered(page, () => answerButton(page, step.click).click());
  } else if (step.command !== undefined) {
    const name = step.command.charAt(0).toUpperCase() + step.command.slice(1);
    const button = page.getByRole("group", { name: "Gesprek besturen" }).getByRole("button", {
      name,
      exact: true,
    });
    messages = await answered(page, () => button.click());
  } else if (step.fill !== undefined) {
    messages = await fillForm(page, step.fill, step.submit);
  } else if (step.type !== undefined) {
    const input = page.getByLabel("Uw vraag of antwoord");
    await input.fill(step.type);
    messages = await answered(page, () => input.press("Enter"));
    const stillTyping = await page.evaluate(() => document.activeElement.id === "invoer");
    if (!stillTyping) fail(`step ${index}: focus left the input after sending typed text`);
  } else {
    fail(`step ${index}: unknown step ${JSON.stringify(step)}`);
  }
  if (step.expect) expectText(messages, step.expect, index);
  const start = await atStart(page, messages.length, step.type === undefined);
  if (!start.focus || !start.onScreen) {
    fail(`step ${index}: the new answer's start should have the focus and be on screen, ` +
      `got ${JSON.stringify(start)}`);
  }
  const hand = await atHand(page, messages.length);
  if (!hand.input || !hand.next) {
    fail(`step ${index}: the input box and the answer's next step should be on the screen, ` +
      `got ${JSON.stringify(hand)}`);
  }
  const width = await pageWidth(page);
  if (width.page > width.screen) fail(`step ${index}: page ${width.page} px on a ${width.screen} px screen`);
  if (step.focus !== undefined) {
    const focused = await focusedLabel(page);
    if (focused !== step.focus) {
      fail(`step ${index}: focus should be on "${step.focus}", is on ${JSON.stringify(focused)}`);
    }
  }
  if (step.outcome) {
    const look = await outcomeLook(page, step.outcome);
    const style = step.outcomeStyle;
    const want = { text: style.name, border: rgb(style.stroke), fill: rgb(style.fill), ink: rgb(style.stroke) };
    if (JSON.stringify(look) !== JSON.stringify(want)) {
      fail(`step ${index}: outcome ${step.outcome} should look ${JSON.stringify(want)}, ` +
        `looks ${JSON.stringify(look)}`);
    }
  }
  if (step.form) {
    const look = await formLook(page);
    const [primary, ...others] = look.buttons;
    const problems = [];
    if (JSON.stringify(look.fields) !== JSON.stringify(step.form.fields)) problems.push("fields");
    if (primary.name !== step.form.primary || primary.type !== "submit") problems.push("primary");
    if (JSON.stringify(others.map((b) => b.name)) !== JSON.stringify(step.form.secondary)) {
      problems.push("secondary");
    }
    if (others.some((b) => b.background === primary.background)) problems.push("same look");
    if (look.composer.name === primary.name || look.composer.background === primary.background) {
      problems.push("composer like the form");
    }
    if (problems.length) fail(`step ${index}: form ${problems} in ${JSON.stringify(look)}`);
  }
  if (step.unfolded) {
    const shown = await unfoldedText(page);
    for (const line of step.unfolded) {
      if (!shown.includes(line)) fail(`step ${index}: "${line}" should be shown, not folded: ${shown}`);
    }
  }
  if (step.emergency) {
    const look = await emergencyLook(page);
    if (JSON.stringify(look.hrefs) !== JSON.stringify(step.emergency) || look.small || !look.before) {
      fail(`step ${index}: emergency numbers ${JSON.stringify(step.emergency)} first and 44 px, ` +
        `got ${JSON.stringify(look)}`);
    }
  }
  if (step.link) {
    const links = await page.locator(`#gesprek a[href="${step.link}"]`).count();
    if (!links) fail(`step ${index}: no link to ${step.link}`);
  }
  return messages.length;
}

main((plan) =>
  withPage(plan.chromium, plan.viewport, async (page, problems) => {
    const first = await answered(page, () => page.goto(plan.url));
    expectText(first, plan.welcome, "open");
    if (plan.roleGroup) {
      // The role choice is a group of its own under its visible label, apart from the topics.
      const group = await page.evaluate((label) => {
        const found = [...document.querySelectorAll("#gesprek [role=group][aria-labelledby]")]
          .find((g) => document.getElementById(g.getAttribute("aria-labelledby")).textContent === label);
        if (!found) return null;
        const outside = [...document.querySelectorAll("#gesprek button.choice")]
          .filter((b) => !found.contains(b)).map((b) => b.textContent);
        return { inside: [...found.querySelectorAll("button")].map((b) => b.textContent), outside };
      }, plan.roleGroup.label);
      const want = plan.roleGroup.roles;
      if (!group || JSON.stringify(group.inside) !== JSON.stringify(want) ||
          want.some((role) => group.outside.includes(role))) {
        fail(`open: the roles ${JSON.stringify(want)} should be a group "${plan.roleGroup.label}" ` +
          `of their own, got ${JSON.stringify(group)}`);
      }
    }
    const start = await accessibility(page);
    let replies = 0;
    for (const [index, step] of plan.steps.entries()) {
      replies += await runStep(page, step, index);
    }
    const end = await accessibility(page);
    await page.screenshot({ path: plan.screenshot, fullPage: true });
    return { steps: plan.steps.length, replies, problems, axe: [...start, ...end] };
  }),
);
