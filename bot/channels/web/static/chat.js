// The local test page: sends one turn at a time to /web/turn and renders the replies.
// Everything is built with textContent (never innerHTML), so reply text cannot inject markup.
"use strict";

(() => {
  const TURN_URL = "/web/turn";
  const SAFE_LINK = /^(https?:|tel:|mailto:)/i;
  const log = document.getElementById("gesprek");
  const form = document.getElementById("invoer-form");
  const input = document.getElementById("invoer");
  let busy = false;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hidden(text) {
    return element("span", "visually-hidden", text);
  }

  function link(label, href, external) {
    if (!SAFE_LINK.test(href)) return element("span", "", label);
    const anchor = element("a", "", label);
    anchor.href = href;
    if (external) {
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer";
      anchor.append(hidden(" (opent in een nieuw tabblad)"));
    }
    return anchor;
  }

  // A long answer shows its first paragraphs; the rest, the contact cards and the sources are
  // folded (details/summary), so the next step is one screen away on a phone.
  const SHOWN_CHARACTERS = 500;

  function folded(className, summary, content) {
    const box = element("details", className);
    box.append(element("summary", "", summary), ...content);
    return box;
  }

  // An emergency line (112, 0800-2000) is never folded: its sentences (with the question just
  // before, "Direct gevaar? Bel 112.") stay in the shown part, in their order; the rest folds.
  const EMERGENCY = /(^|[^0-9])(112|0800[ \u2013-]*2000)([^0-9]|$)/;
  const SENTENCE_END = /(?<=[.!?])\s+/;

  function splitEmergency(paragraph) {
    const sentences = paragraph.split(SENTENCE_END);
    const keep = sentences.map((sentence) => EMERGENCY.test(sentence));
    sentences.forEach((sentence, index) => {
      if (keep[index + 1] && sentence.endsWith("?")) keep[index] = true;
    });
    return {
      urgent: sentences.filter((_, index) => keep[index]).join(" "),
      rest: sentences.filter((_, index) => !keep[index]).join(" "),
    };
  }

  function renderText(text) {
    const paragraphs = text.split(/\n[ \t]*\n/);
    const shown = [paragraphs[0]];
    let length = paragraphs[0].length;
    while (shown.length < paragraphs.length && length + paragraphs[shown.length].length <= SHOWN_CHARACTERS) {
      length += paragraphs[shown.length].length;
      shown.push(paragraphs[shown.length]);
    }
    const rest = [];
    for (const paragraph of paragraphs.slice(shown.length)) {
      const { urgent, rest: other } = splitEmergency(paragraph);
      if (urgent) shown.push(urgent);
      if (other) rest.push(other);
    }
    const nodes = [element("p", "text", shown.join("\n\n"))];
    if (rest.length) nodes.push(folded("more", "Lees verder", [element("p", "text", rest.join("\n\n"))]));
    return nodes;
  }

  function renderEmergency(links) {
    // The emergency numbers first, as the reply's primary actions (tel: links as big buttons).
    const group = element("div", "emergency");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Direct bellen");
    for (const item of links) {
      const call = link(item.label, item.href, false);
      call.className = "call";
      call.setAttribute("aria-label", item.description);
      group.append(call);
    }
    return group;
  }

  function renderContacts(contacts) {
    const names = contacts.map((contact) => contact.name).join(", ");
    const summary = (contacts.length === 1 ? "Contact: " : `${contacts.length} contacten: `) + names;
    return folded("cards", summary, contacts.map(renderContact));
  }

  function renderContact(contact) {
    const card = element("section", "contact");
    card.setAttribute("aria-label", "Contact: " + contact.name);
    card.append(element("h3", "", contact.name));
    for (const line of contact.lines) {
      card.append(element("p", line.unconfirmed ? "unconfirmed" : "", line.text));
    }
    card.append(element("p", "verified", contact.verified_text));
    if (contact.links.length) {
      const links = element("p", "links");
      for (const item of contact.links) {
        links.append(link(item.label, item.href, item.href.startsWith("http")), " ");
      }
      card.append(links);
    }
    return card;
  }

  function renderSources(sources) {
    const footer = folded("sources", sources.length === 1 ? "Bron" : `Bronnen (${sources.length})`, []);
    for (const source of sources) {
      const line = element("p", "", "Bron: ");
      line.append(link(source.title, source.url, true));
      line.append(" (gecontroleerd " + source.checked_text + ")");
      footer.append(line);
    }
    return footer;
  }

  function renderButtons(buttons, secondary) {
    // The answers; a labelled choice group ("Ik ben:") follows apart, under its visible label.
    const group = element("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Antwoorden");
    let labelled = null;
    for (const item of buttons) {
      const button = element("button", secondary ? "choice secondary" : "choice", item.label);
      button.type = "button";
      button.addEventListener("click", () =>
        send({ payload: item.payload }, item.label, { fromClick: true }),
      );
      if (!item.group) {
        group.append(button);
        continue;
      }
      if (!labelled || labelled.dataset.group !== item.group) {
        formCount += 1;
        labelled = element("div", "choices choice-group");
        labelled.dataset.group = item.group;
        labelled.setAttribute("role", "group");
        const heading = element("p", "choice-group-label", item.group);
        heading.id = "groep-" + formCount;
        labelled.setAttribute("aria-labelledby", heading.id);
        labelled.append(heading);
        group.append(labelled);
      }
      labelled.append(button);
    }
    return group;
  }

  let formCount = 0;

  function renderForm(spec) {
    // A request form: labelled inputs sent together with the submit button's payload.
    formCount += 1;
    const box = element("form", "reply-form");
    box.setAttribute("aria-label", "Formulier");
    for (const field of spec.fields) {
      const id = "veld-" + formCount + "-" + field.name;
      const label = element("label", "", field.label);
      label.htmlFor = id;
      // A question gets room for a few sentences; a name or a phone number stays one line.
      const input = element(field.kind === "multiline" ? "textarea" : "input", "field");
      input.id = id;
      input.name = field.name;
      if (field.kind === "tel") input.type = "tel";
      else if (field.kind === "multiline") input.rows = 4;
      else input.type = "text";
      if (field.value) input.value = field.value;
      input.maxLength = field.max_length;
      input.required = field.required;
      input.autocomplete = "off";
      box.append(label, input);
    }
    // Versturen is the one primary button; the reply's other buttons (Annuleren) sit beside it
    // as secondary ones (renderReply moves them here).
    const actions = element("div", "form-actions");
    const submit = element("button", "choice primary", spec.submit.label);
    submit.type = "submit";
    actions.append(submit);
    box.append(actions);
    box.addEventListener("submit", (event) => {
      event.preventDefault();
      const values = {};
      for (const field of spec.fields) {
        const value = box.elements[field.name].value.trim();
        if (value) values[field.name] = value;
      }
      // The typed values are not echoed into the log: only the button's label is shown.
      send({ payload: spec.submit.payload, form: values }, spec.submit.label, { fromClick: true });
    });
    return box;
  }

  function renderReply(reply) {
    const box = element("div", "msg bot kind-" + reply.kind);
    // Focusable from script only: after a tap, focus lands here, at the start of the answer.
    box.tabIndex = -1;
    box.append(hidden("Verbind: "));
    if (reply.outcome) {
      box.dataset.outcome = reply.outcome;
      box.classList.add("outcome", "outcome-" + reply.outcome);
      box.append(element("p", "outcome-label", reply.outcome_label || "Uitkomst"));
    }
    if (reply.emergency && reply.emergency.length) box.append(renderEmergency(reply.emergency));
    box.append(...renderText(reply.text));
    if (reply.contacts.length) box.append(renderContacts(reply.contacts));
    if (reply.sources.length) box.append(renderSources(reply.sources));
    const form = reply.form ? renderForm(reply.form) : null;
    if (form) box.append(form);
    if (reply.diagram) {
      const line = element("p", "diagram-link");
      const link = element("a", "", "Bekijk deze beslisboom als diagram");
      link.href = reply.diagram;
      line.append(link);
      box.append(line);
    }
    if (form && reply.buttons.length) {
      form.querySelector(".form-actions").append(...renderButtons(reply.buttons, true).children);
    } else if (reply.buttons.length) {
      box.append(renderButtons(reply.buttons, false));
    }
    return box;
  }

  function renderOwn(text) {
    const box = element("div", "msg own");
    box.append(hidden("U: "), element("p", "text", text));
    return box;
  }

  function retireOldButtons() {
    // Earlier answers stay readable but leave the tab order: only the newest question is live.
    for (const button of log.querySelectorAll("button.choice")) button.disabled = true;
    // Sent form values leave the screen too: the server forwards them and forgets them.
    for (const field of log.querySelectorAll(".field")) {
      field.disabled = true;
      field.value = "";
    }
  }

  function show(replies, fromClick) {
    const added = replies.map(renderReply);
    log.append(...added);
    if (!added.length) return;
    // The answer is read from its start: scroll its first message to the top of the screen. A tap
    // also moves the focus there (Tab then reaches its buttons); typing keeps it in the input.
    added[0].scrollIntoView({ block: "start" });
    if (fromClick) added[0].focus({ preventScroll: true });
  }

  function failed(message) {
    return [{
      text: message || "Er ging iets mis bij het versturen. Probeer het opnieuw.",
      kind: "warning", emergency: [], buttons: [], contacts: [], sources: [], outcome: null,
      form: null, diagram: null,
    }];
  }

  async function send(body, shown, { fromClick }) {
    if (busy) return;
    busy = true;
    log.setAttribute("aria-busy", "true");
    if (shown) {
      retireOldButtons();
      log.append(renderOwn(shown));
    }
    let replies;
    try {
      const response = await fetch(TURN_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
      const data = await response.json().catch(() => null);
      // The server's own short Dutch error (e.g. a message that is too big) when it gave one.
      replies = response.ok && data ? data.replies : failed(data && data.error);
    } catch (error) {
      replies = failed();
    }
    busy = false;
    log.removeAttribute("aria-busy");
    show(replies, fromClick);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    send({ text }, text, { fromClick: false });
  });

  for (const button of document.querySelectorAll("[data-text]")) {
    button.addEventListener("click", () =>
      send({ text: button.dataset.text }, button.dataset.text, { fromClick: true }),
    );
  }

  // Opening the page starts at the menu (a welcome for a new conversation).
  send({ text: "menu" }, null, { fromClick: false });
})();
