use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "external-approval",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "Work needs approval from another team, or from someone outside the initiative, to ship.",
    principle: "Single-threaded teams are shaped so they can get their work done without holding anyone up, without waiting on anyone, and without negotiating their decisions with other teams. A sign-off required from outside the team's own initiative puts another group's priorities on its critical path, and takes the decision away from its leader.",
    questions: &[
        super::Q_SHIP_ALONE,
    ],
    fix: "Move the decision inside the initiative: its leader (or the team itself) approves; keep governance checks as standards the team meets, not as sign-offs it waits for.",
    example: "team a \"A\" { approvals: b }\nteam b \"B\" { }\n",
    findings: "One at each approver outside the initiative (or, for a team, outside its initiative and reporting line).",
    spares: "Approvals by the initiative's own chain: its leader, its teams and the leaders they report to (for a team: itself, the leader it reports to and its initiative's leader). Functional teams' own approvals, and approvers that are not declared (`undefined-reference`'s).",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    match e {
        EntityId::Initiative(x) => check_initiative(ctx, x, out),
        EntityId::Team(x) => check_team(ctx, x, out),
        EntityId::Leader(_) => {}
    }
}

fn check_initiative(ctx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let init = &m.initiatives[i];
    // Inside: the leader, the initiative's teams and whom they report to.
    let mut inside: Vec<EntityId> = Vec::new();
    if let Some(l) = init.leader.as_ref().and_then(|r| m.resolve(r)) {
        inside.push(l);
    }
    for t in &init.teams {
        if let Some(team @ EntityId::Team(ti)) = m.resolve(t) {
            inside.push(team);
            if let Some(b) = m.teams[ti].reports_to.as_ref().and_then(|r| m.resolve(r)) {
                inside.push(b);
            }
        }
    }
    for a in &init.approvals {
        let Some(who) = m.resolve(a) else { continue };
        if inside.contains(&who) {
            continue;
        }
        out.push(Finding::new(
            &RULE,
            a.loc,
            format!(
                "initiative `{}` needs sign-off from `{}`, who is outside it",
                m.initiatives[i].decl.id, a.name
            ),
        ));
    }
}

fn check_team(ctx: &Ctx, t: usize, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let team = &m.teams[t];
    if team.functional {
        return;
    }
    let mut inside = vec![EntityId::Team(t)];
    if let Some(b) = team.reports_to.as_ref().and_then(|r| m.resolve(r)) {
        inside.push(b);
    }
    for i in m.team_initiatives(t) {
        if let Some(l) = m.initiatives[i].leader.as_ref().and_then(|r| m.resolve(r)) {
            inside.push(l);
        }
    }
    for a in &team.approvals {
        let Some(who) = m.resolve(a) else { continue };
        if inside.contains(&who) {
            continue;
        }
        let what = match who {
            EntityId::Team(_) => "another team",
            _ => "a leader outside its initiative",
        };
        out.push(Finding::new(
            &RULE,
            a.loc,
            format!(
                "team `{}` needs approval from {what}, `{}`, to ship",
                team.decl.id, a.name
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn approvers_outside_the_initiative() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" { }
            leader vp "VP" { }
            initiative fba "FBA" {
              leader: jane
              teams: t
              approvals: jane
            }
            initiative ads "Ads" {
              leader: vp
              teams: u
              approvals: legal
            #            ^^^^^ external-approval
            }
            team t "T" {
              reports_to: jane
              approvals: u, jane
            #            ^ external-approval
            }
            team u "U" { approvals: jane }
            #                       ^^^^ external-approval
            team legal "Legal" { functional: true approvals: jane }
        "#
        ), @r#"
            main.orgplan:171..176 warning `legal`: initiative `ads` needs sign-off from `legal`, who is outside it
            main.orgplan:261..262 warning `u`: team `t` needs approval from another team, `u`, to ship
            main.orgplan:328..332 warning `jane`: team `u` needs approval from a leader outside its initiative, `jane`, to ship
        "#);
    }
}
