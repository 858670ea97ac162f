// Unit tests of the extension's pure helpers (no VS Code needed):
// bundled by esbuild and run with `node --test` from test/run.sh.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { RULE_NAME, parseRuleJson, withoutNulls } from "../../src/config";
import { RULES } from "../../src/rules.generated";

void test("withoutNulls drops unset settings, deeply", () => {
  const settings = {
    rules: { "missing-metrics": "off" },
    team: { requiredRoles: null, maxDependencies: 2 },
    server: { path: null, extraEnv: null },
    trace: { server: "off" },
  };
  assert.deepEqual(withoutNulls(settings), {
    rules: { "missing-metrics": "off" },
    team: { maxDependencies: 2 },
    server: {},
    trace: { server: "off" },
  });
  assert.deepEqual(withoutNulls([1, null, { a: null }]), [1, null, {}]);
});

void test("parseRuleJson reads `orgplan explain --format json`", () => {
  const text = JSON.stringify([
    { name: "syntax-error", default_severity: "error", summary: "The text does not parse.", group: "structure" },
    { name: "leadership-model-mismatch", default_severity: "info", summary: "`model: leadership`." },
    { name: 3, default_severity: "error", summary: "not a rule" },
  ]);
  assert.deepEqual(parseRuleJson(text), [
    { name: "syntax-error", severity: "error", summary: "The text does not parse." },
    { name: "leadership-model-mismatch", severity: "info", summary: "`model: leadership`." },
  ]);
  assert.deepEqual(parseRuleJson("{}"), []);
});

void test("the built-in rules have kebab-case names and known severities", () => {
  for (const r of RULES) {
    assert.match(r.name, RULE_NAME);
    assert.ok(["error", "warning", "info", "hint"].includes(r.severity), r.name);
  }
  const names = RULES.map((r) => r.name);
  for (const required of ["initiative-without-leader", "undefined-reference", "dependency-cycle", "missing-scope"]) {
    assert.ok(names.includes(required), required);
  }
});
