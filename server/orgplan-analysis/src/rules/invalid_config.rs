use super::{Ctx, Finding, Fix, Group, Rule, Severity};
use crate::text::Loc;

pub static RULE: Rule = Rule {
    name: "invalid-config",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "`orgplan.toml` has a problem: bad TOML, an unknown section, key or rule, a bad level, a value of the wrong type, or a key set twice.",
    principle: "The workspace's `orgplan.toml` sets rule levels, the roles a team needs and thresholds. Every problem in it is reported at its own line and that line sets nothing, while every other line still applies, so a typo never silently turns a check off, nor takes the rest of the file with it. A file that is not TOML at all is reported at its syntax errors, and the defaults stand.",
    questions: &[],
    fix: "Correct the line the message points at: rule levels are `error`, `warning`, `info`, `hint` or `off`; `[team]` has `required-roles` (a list of role names) and `max-dependencies` (a whole number); `[docs]` has `base-url` (an http, https or file address).",
    example: "[rules]\nmissing-scop = \"off\"\n",
    findings: "One per problem in `orgplan.toml`, at its line.",
    spares: "The rest of the file: every valid line still takes effect.",
    check: super::Check::Global(check),
};

fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if let Some((file, errors)) = ctx.config_errors {
        for e in errors {
            let loc = Loc::new(file, e.range);
            let mut f = Finding::new(&RULE, loc, e.message.clone());
            if let Some(s) = &e.suggestion {
                f = f.fix(Fix::replace(loc, s));
            }
            out.push(f);
        }
    }
}
