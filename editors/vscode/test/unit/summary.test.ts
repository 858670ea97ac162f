import * as assert from "node:assert/strict";
import { test } from "node:test";
import { checkSummary } from "../../src/summary";

void test("Check Workspace counts what it found", () => {
  const none = { errors: 0, warnings: 0, infos: 0, hints: 0, files: 0 };
  assert.equal(checkSummary(none, 1), "orgplan: no findings in 1 plan.");
  assert.equal(
    checkSummary({ ...none, errors: 2, warnings: 1, files: 2 }, 3),
    "orgplan: 2 errors and 1 warning in 2 of 3 plans.",
  );
  assert.equal(
    checkSummary({ errors: 1, warnings: 0, infos: 1, hints: 3, files: 1 }, 1),
    "orgplan: 1 error, 0 warnings, 1 info and 3 hints in 1 of 1 plan.",
  );
});
