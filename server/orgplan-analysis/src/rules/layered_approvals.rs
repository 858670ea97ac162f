use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::{EntityId, Reference};
use crate::text::Loc;

pub static RULE: Rule = Rule {
    name: "layered-approvals",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "Decisions reviewed at more than one level.",
    principle: "When each decision passes through several levels of review, nobody has a reason to think it through: the team treats its managers as the safety net, and its sense of ownership fades. One decision-maker close to the work — the single-threaded leader, who also settles disagreements — keeps the team accountable and the feedback from outcomes direct.",
    questions: &[
        super::Q_REVIEW_PROCESS,
        super::Q_DECISIONS,
    ],
    fix: "Keep one approver, the one closest to the work (usually the initiative's leader), and drop the other levels.",
    example: "leader jane \"Jane\" { }\nleader vp \"VP\" { }\ninitiative fba \"FBA\" { leader: jane approvals: jane, vp }\n",
    findings: "One at each `approvals:` naming more than one approver.",
    spares: "A single approver, and a name repeated in one list (one approver written twice). Functional teams' approvals.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    match e {
        EntityId::Initiative(i) => {
            let init = &m.initiatives[i];
            report(&init.decl.id, &init.approvals, init.approvals_prop, out);
        }
        EntityId::Team(t) if !m.teams[t].functional => {
            let team = &m.teams[t];
            report(&team.decl.id, &team.approvals, team.approvals_prop, out);
        }
        _ => {}
    }
}

fn report(owner: &str, approvals: &[Reference], prop: Option<Loc>, out: &mut Vec<Finding>) {
    let mut names: Vec<&str> = approvals.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() < 2 {
        return;
    }
    let Some(prop) = prop else { return };
    let listed: Vec<String> = approvals.iter().map(|r| format!("`{}`", r.name)).collect();
    out.push(Finding::new(
        &RULE,
        prop,
        format!(
            "`{owner}` needs sign-off at {} levels ({}); one decision-maker close to the work is enough",
            names.len(),
            super::and_list(&listed)
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn more_than_one_approver() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" { }
            leader vp "VP" { }
            initiative fba "FBA" {
              leader: jane
              approvals: jane, vp
            # ^^^^^^^^^^^^^^^^^^^ layered-approvals
              teams: t
            }
            team t "T" {
              approvals: jane
            }
        "#
        ), @r#"
            main.orgplan:82..101 warning `approvals: jane, vp`: `fba` needs sign-off at 2 levels (`jane` and `vp`); one decision-maker close to the work is enough
        "#);
    }
}
