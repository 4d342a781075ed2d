// Reads a Teams app manifest (JSON) on stdin; prints a JSON array of the problems Microsoft's own
// @microsoft/app-manifest reports: the typed converter's runtime check, then the official JSON
// schema of the manifest's version, taken from the package itself (offline; no schema download).
"use strict";
const path = require("path");
const { TeamsManifestConverter, AppManifestUtils } = require("@microsoft/app-manifest");

async function check(json) {
  const problems = [];
  let manifest;
  try {
    manifest = TeamsManifestConverter.jsonToManifest(json);
  } catch (error) {
    return [`convert: ${error.message}`];
  }
  const version = JSON.parse(json).manifestVersion;
  const expected = `https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`;
  if (manifest.$schema !== expected) {
    problems.push(`$schema is not ${expected}`);
  }
  const root = path.dirname(require.resolve("@microsoft/app-manifest/package.json"));
  const schema = require(path.join(root, "build", "json-schemas", "teams", `v${version}`, "MicrosoftTeams.schema.json"));
  for (const error of await AppManifestUtils.validateAgainstSchema(manifest, schema)) {
    problems.push(`schema: ${error}`);
  }
  return problems;
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  check(input).then((problems) => process.stdout.write(JSON.stringify(problems)));
});
