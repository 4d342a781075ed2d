// Reads a JSON array of Adaptive Cards on stdin; prints a JSON array with, per card, the
// parse and validation errors reported by Microsoft's own adaptivecards library.
"use strict";
// The package's "main" is ES modules with extensionless imports that Node cannot load; the
// UMD bundle in dist/ is the same library.
const AC = require("adaptivecards/dist/adaptivecards.js");

function check(json) {
  const context = new AC.SerializationContext();
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  const problems = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`parse ${event.phase}/${event.event}: ${event.message}`);
  }
  const results = card.validateProperties();
  for (let i = 0; i < results.validationEvents.length; i++) {
    const event = results.validationEvents[i];
    problems.push(`validate ${event.phase}/${event.event}: ${event.message}`);
  }
  return problems;
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cards = JSON.parse(input);
  process.stdout.write(JSON.stringify(cards.map(check)));
});
