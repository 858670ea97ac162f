/** The rule names the server knows (also the LSP diagnostics' `code`). */
export const RULES: readonly { name: string; summary: string }[] = [
  { name: "syntax-error", summary: "The text does not parse" },
  { name: "unknown-property", summary: "A key that the block kind does not have" },
  { name: "invalid-value", summary: "A value of the wrong type or outside its set" },
  { name: "undefined-reference", summary: "A leader or team that no file declares" },
  { name: "duplicate-definition", summary: "Two declarations with one id" },
  { name: "initiative-without-leader", summary: "No one holds the initiative's mandate end to end" },
  { name: "leader-not-single-threaded", summary: "A leader leads more than one initiative" },
  { name: "part-time-leader", summary: "A leader's allocation is under 100 %" },
  { name: "team-not-single-threaded", summary: "A team serves more than one initiative" },
  { name: "orphan-team", summary: "A non-functional team serves no initiative" },
  { name: "incomplete-team", summary: "A team lacks a role it needs to deliver on its own" },
  { name: "unowned-dependency", summary: "A dependency with no owner, or owned outside the team" },
  { name: "dependency-without-plan", summary: "A dependency with no de-coupling plan" },
  { name: "dependency-cycle", summary: "Teams depend on each other in a cycle" },
  { name: "too-many-dependencies", summary: "A team depends on too many teams" },
  { name: "cross-initiative-dependency", summary: "A team depends on a team of another initiative" },
  { name: "ownership-reporting-mismatch", summary: "`model: ownership` but a team reports elsewhere" },
  { name: "leadership-model-mismatch", summary: "`model: leadership` yet every team reports to the leader" },
  { name: "layered-approvals", summary: "Decisions reviewed at more than one level" },
  { name: "external-approval", summary: "A team needs approval from another team to ship" },
  { name: "missing-metrics", summary: "An initiative has no metrics" },
  { name: "missing-scope", summary: "An initiative has no scope" },
];

export const RULE_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Drops `null` (the "unset" default of several settings) from what is sent to
 * the server, recursively, so that the server sees only what the user set.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutNulls);
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null && v !== undefined) {
        out[k] = withoutNulls(v);
      }
    }
    return out;
  }
  return value;
}
