// node validate.js MANIFEST.json: prints {"problems": [...]}, what Microsoft's own
// @microsoft/app-manifest reports for a Teams app manifest: the typed converter's runtime check,
// then the official JSON schema of the manifest's version, taken from the package itself
// (offline; no schema download).
"use strict";
const fs = require("fs");
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

check(fs.readFileSync(process.argv[2], "utf8")).then((problems) => {
  process.stdout.write(JSON.stringify({ problems }));
});
