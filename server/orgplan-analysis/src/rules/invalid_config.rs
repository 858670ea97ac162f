use super::{Ctx, Finding, Group, Rule, Severity};
use crate::text::Loc;

pub static RULE: Rule = Rule {
    name: "invalid-config",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "`orgplan.toml` has a problem: bad TOML, an unknown rule or setting, or a bad level.",
    principle: "The workspace's `orgplan.toml` sets rule levels, the roles a team needs and thresholds. What the file says wrongly is reported at its line, and the defaults stand for it, so a typo never silently turns a check off.",
    questions: &[],
    fix: "Correct the line the message points at; rule levels are `error`, `warning`, `info`, `hint` or `off`.",
    example: "[rules]\nmissing-scop = \"off\"\n",
    findings: "One per problem in `orgplan.toml`, at its line.",
    spares: "The rest of the file: every valid line still takes effect.",
    check: super::Check::Global(check),
};

fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if let Some((file, errors)) = ctx.config_errors {
        for e in errors {
            out.push(Finding::new(
                &RULE,
                Loc::new(file, e.range),
                e.message.clone(),
            ));
        }
    }
}
