// Generated from the rule registry (server/orgplan-analysis/src/rules): do not edit.
// Regenerate with `UPDATE_GENERATED=1 cargo test -p orgplan-lsp --test generated`.
import type { RuleInfo } from "./config";

/** The rules this extension was built with, for when the server cannot be asked. */
export const RULES: readonly RuleInfo[] = [
  { name: "syntax-error", severity: "error", summary: "The text does not parse." },
  { name: "unknown-block", severity: "error", summary: "A block of a kind the language does not have, or in a place it does not belong." },
  { name: "unknown-property", severity: "error", summary: "A key that the block's kind does not have." },
  { name: "duplicate-property", severity: "error", summary: "A key given twice in one block." },
  { name: "invalid-value", severity: "error", summary: "A value of the wrong type, or outside its set." },
  { name: "undefined-reference", severity: "error", summary: "A leader or team that no file declares, or an id of the wrong kind." },
  { name: "duplicate-definition", severity: "error", summary: "Two declarations with one id, in one file or across files." },
  { name: "invalid-config", severity: "error", summary: "`orgplan.toml` has a problem: bad TOML, an unknown section, key or rule, a bad level, a value of the wrong type, or a key set twice." },
  { name: "initiative-without-leader", severity: "error", summary: "An initiative names no leader." },
  { name: "leader-not-single-threaded", severity: "error", summary: "A leader leads more than one initiative." },
  { name: "part-time-leader", severity: "warning", summary: "A leader's allocation is under 100%, or they carry other duties; an error on a critical initiative." },
  { name: "team-not-single-threaded", severity: "error", summary: "A team serves more than one initiative." },
  { name: "orphan-team", severity: "warning", summary: "A non-functional team serves no initiative." },
  { name: "incomplete-team", severity: "warning", summary: "A team lacks a role it needs to deliver on its own (by default engineering, qa, design and product; configurable)." },
  { name: "unowned-dependency", severity: "warning", summary: "A dependency with no owner, or owned by someone outside the depending team." },
  { name: "dependency-without-plan", severity: "warning", summary: "A dependency with no de-coupling plan." },
  { name: "dependency-cycle", severity: "error", summary: "Teams depend on each other in a cycle." },
  { name: "too-many-dependencies", severity: "warning", summary: "A team depends on more teams than the configured threshold (default 3)." },
  { name: "cross-initiative-dependency", severity: "warning", summary: "A team depends on a team of another initiative: the initiatives are coupled." },
  { name: "ownership-reporting-mismatch", severity: "warning", summary: "`model: ownership`, but a team reports to someone other than the initiative's leader." },
  { name: "leadership-model-mismatch", severity: "info", summary: "`model: leadership`, yet every team reports to the leader: it is really ownership." },
  { name: "layered-approvals", severity: "warning", summary: "Decisions reviewed at more than one level." },
  { name: "external-approval", severity: "warning", summary: "Work needs approval from another team, or from someone outside the initiative, to ship." },
  { name: "missing-metrics", severity: "warning", summary: "An initiative has no metrics." },
  { name: "missing-scope", severity: "warning", summary: "An initiative has no scope: its bounded context is undefined." },
];
