//! An initiative's single-threaded checklist: each of the article's
//! questions ([`rules::QUESTIONS`]) answered from the model, with why.

use crate::model::{EntityId, Model, OrgModel};
use crate::rules;
use crate::{Analysis, Workspace};

/// One question, answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub question: &'static str,
    pub ok: bool,
    pub why: String,
}

fn id_list(ids: &[String]) -> String {
    let quoted: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
    rules::and_list(&quoted)
}

/// The teams of an initiative that resolve.
fn teams_of(m: &Model, init: usize) -> Vec<usize> {
    m.initiatives[init]
        .teams
        .iter()
        .filter_map(|r| match m.resolve(r) {
            Some(EntityId::Team(t)) => Some(t),
            _ => None,
        })
        .collect()
}

/// The checklist of initiative `init`, in the article's order.
pub fn checklist(ws: &Workspace, analysis: &Analysis, init: usize) -> Vec<Check> {
    let m = &analysis.model;
    let i = &m.initiatives[init];
    let config = ws.config();
    let leader = match i.leader.as_ref().and_then(|r| m.resolve(r)) {
        Some(EntityId::Leader(l)) => Some(l),
        _ => None,
    };
    let leader_id = leader.map(|l| m.leaders[l].decl.id.clone());
    let teams = teams_of(m, init);
    let mut out = Vec::new();
    let mut check = |question, ok, why: String| out.push(Check { question, ok, why });

    // 1. A leader focused on this initiative alone.
    let (ok, why) = match leader {
        None if i.leader.is_some() => (false, "the leader it names is not declared".to_string()),
        None => (false, "no leader is named".to_string()),
        Some(l) => {
            let others: Vec<String> = m.led_by[l]
                .iter()
                .filter(|&&o| o != init)
                .map(|&o| m.initiatives[o].decl.id.to_string())
                .collect();
            let lead = &m.leaders[l];
            if !others.is_empty() {
                (
                    false,
                    format!("`{}` also leads {}", lead.decl.id, id_list(&others)),
                )
            } else if lead.is_part_time() {
                (
                    false,
                    format!(
                        "`{}` is part-time ({}%)",
                        lead.decl.id,
                        lead.allocation_percent()
                    ),
                )
            } else {
                (
                    true,
                    format!("`{}` leads this initiative only, full-time", lead.decl.id),
                )
            }
        }
    };
    check(rules::Q_FOCUSED_LEADER, ok, why);

    // 2. Empowered: the model says who controls the resources, and the
    // reporting lines agree.
    let (ok, why) = match (leader, i.model.as_ref().map(|m| m.value)) {
        (None, _) => (
            false,
            "without a leader nobody holds the mandate".to_string(),
        ),
        (Some(_), None) => (
            false,
            "no `model:` says whether the leader owns the resources".to_string(),
        ),
        (Some(l), Some(OrgModel::Ownership)) => {
            let elsewhere: Vec<String> = teams
                .iter()
                .filter(|&&t| {
                    !matches!(m.teams[t].reports_to.as_ref().and_then(|r| m.resolve(r)), Some(EntityId::Leader(x)) if x == l)
                })
                .map(|&t| m.teams[t].decl.id.to_string())
                .collect();
            if elsewhere.is_empty() {
                (
                    true,
                    "ownership: every team reports to the leader".to_string(),
                )
            } else {
                (
                    false,
                    format!("ownership, yet {} report elsewhere", id_list(&elsewhere)),
                )
            }
        }
        (Some(_), Some(OrgModel::Leadership)) => (
            true,
            "leadership: the leader drives priorities across functional lines".to_string(),
        ),
    };
    check(rules::Q_EMPOWERED, ok, why);

    // 3. Set up to succeed: full time, and able to measure success.
    let (ok, why) = match leader {
        None => (false, "no leader".to_string()),
        Some(l) if m.leaders[l].is_part_time() => (
            false,
            format!(
                "the leader gives it {}% of their time",
                m.leaders[l].allocation_percent()
            ),
        ),
        Some(_) if i.metrics.is_empty() => {
            (false, "no `metrics:` to measure success by".to_string())
        }
        Some(_) => (
            true,
            format!("full-time, with {} metric(s)", i.metrics.len()),
        ),
    };
    check(rules::Q_CAPABLE, ok, why);

    // 4 and 5. Dependencies: owned by the depending side, with a plan.
    let mut deps = 0;
    let mut unowned = Vec::new();
    let mut unplanned = Vec::new();
    for &t in &teams {
        let team = &m.teams[t];
        for d in &team.dependencies {
            deps += 1;
            let label = format!("{} → {}", team.decl.id, d.target.name);
            let owner = d.owner.as_ref().and_then(|o| m.resolve(o));
            let inside = match owner {
                Some(EntityId::Team(x)) => x == t,
                Some(EntityId::Leader(x)) => {
                    leader == Some(x)
                        || matches!(team.reports_to.as_ref().and_then(|r| m.resolve(r)), Some(EntityId::Leader(y)) if y == x)
                }
                _ => false,
            };
            if !inside {
                unowned.push(label.clone());
            }
            if d.plan.is_none() {
                unplanned.push(label);
            }
        }
    }
    let (ok, why) = if deps == 0 {
        (true, "its teams declare no dependencies".to_string())
    } else if unowned.is_empty() {
        (
            true,
            format!("all {deps} dependencies are owned by the depending team"),
        )
    } else {
        (
            false,
            format!("not owned by the depending team: {}", id_list(&unowned)),
        )
    };
    check(rules::Q_DEPENDENCIES_OPENLY, ok, why);
    let (ok, why) = if deps == 0 {
        (true, "nothing to untangle".to_string())
    } else if unplanned.is_empty() {
        (
            true,
            format!("all {deps} dependencies have a de-coupling plan"),
        )
    } else {
        (false, format!("no plan for {}", id_list(&unplanned)))
    };
    check(rules::Q_UNTANGLE_PLAN, ok, why);

    // 6. Bounded context.
    match &i.scope {
        Some(s) => check(
            rules::Q_BOUNDED_CONTEXT,
            true,
            format!("scope: “{}”", s.value),
        ),
        None => check(
            rules::Q_BOUNDED_CONTEXT,
            false,
            "no `scope:` marks out what the leader owns".to_string(),
        ),
    }

    // 7. Teams ship alone: complete, not shared, no coupling to other
    // initiatives, no outside sign-off.
    let mut problems = Vec::new();
    if teams.is_empty() {
        problems.push("it lists no teams".to_string());
    }
    for &t in &teams {
        let team = &m.teams[t];
        let id = &team.decl.id;
        if team.functional {
            continue;
        }
        let missing: Vec<&String> = config
            .required_roles
            .iter()
            .filter(|r| !team.roles.iter().any(|have| have.value == *r))
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "`{id}` lacks {}",
                missing
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if m.team_initiatives[t].len() > 1 {
            problems.push(format!("`{id}` also serves another initiative"));
        }
        for d in &team.dependencies {
            if let Some(EntityId::Team(x)) = m.resolve(&d.target) {
                if !m.team_initiatives[x].contains(&init) && !m.teams[x].functional {
                    problems.push(format!(
                        "`{id}` depends on `{}` outside the initiative",
                        m.teams[x].decl.id
                    ));
                }
            }
        }
        for a in &team.approvals {
            if let Some(EntityId::Team(x)) = m.resolve(a) {
                if x != t {
                    problems.push(format!(
                        "`{id}` waits for sign-off from `{}`",
                        m.teams[x].decl.id
                    ));
                }
            }
        }
    }
    let (ok, why) = if problems.is_empty() {
        (true, format!("{} separable team(s)", teams.len()))
    } else {
        (false, problems.join("; "))
    };
    check(rules::Q_SHIP_ALONE, ok, why);

    // 8. Review: at most one level of approval.
    let levels = i.approvals.len();
    let (ok, why) = match levels {
        0 => (true, "no sign-off beyond the initiative".to_string()),
        1 => (true, format!("one approver: `{}`", i.approvals[0].name)),
        n => (false, format!("{n} approvers: layered review")),
    };
    check(rules::Q_REVIEW_PROCESS, ok, why);

    // 9. Decisions rest with the leader.
    let outsiders: Vec<String> = i
        .approvals
        .iter()
        .filter(|a| Some(&a.name) != leader_id.as_ref())
        .filter(|a| !matches!(m.resolve(a), Some(EntityId::Team(t)) if teams.contains(&t)))
        .map(|a| a.name.to_string())
        .collect();
    let (ok, why) = match (&leader_id, outsiders.is_empty()) {
        (None, _) => (false, "no leader to decide".to_string()),
        (Some(l), true) => (true, format!("decisions rest with `{l}` and the teams")),
        (Some(_), false) => (false, format!("decisions wait on {}", id_list(&outsiders))),
    };
    check(rules::Q_DECISIONS, ok, why);
    out
}

/// `passed/total`.
pub fn score(checks: &[Check]) -> (usize, usize) {
    (checks.iter().filter(|c| c.ok).count(), checks.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    fn render(checks: &[Check]) -> String {
        checks
            .iter()
            .map(|c| {
                format!(
                    "{} {} — {}\n",
                    if c.ok { "✓" } else { "✗" },
                    c.question,
                    c.why
                )
            })
            .collect()
    }

    #[test]
    fn healthy_initiative_passes_everything() {
        let f = fixture(
            r#"
            leader jane "Jane" { }
            initiative fba "FBA" {
              leader: jane
              model: ownership
              scope: "Inbound"
              metrics: "Units"
              teams: inbound
              approvals: jane
            }
            team inbound "Inbound" {
              reports_to: jane
              roles: engineering, qa, design, product
              depends_on billing { owner: inbound plan: "Events" }
            }
            team billing "Billing" { functional: true }
            "#,
        );
        let checks = checklist(&f.ws, &f.analysis, 0);
        assert_eq!(score(&checks), (9, 9), "{}", render(&checks));
    }

    #[test]
    fn troubled_initiative_says_why() {
        let f = fixture(
            r#"
            leader raj "Raj" { allocation: 50% }
            initiative fba "FBA" {
              leader: raj
              model: ownership
              teams: inbound, shared
              approvals: raj, cfo
            }
            initiative prime "Prime" { leader: raj teams: shared }
            leader cfo "CFO" { }
            team inbound "Inbound" {
              reports_to: cfo
              roles: engineering
              depends_on shared { }
            }
            team shared "Shared" { roles: engineering, qa, design, product }
            "#,
        );
        insta::assert_snapshot!(render(&checklist(&f.ws, &f.analysis, 0)));
    }
}
