use super::{Ctx, Edit, Finding, Fix, Group, Rule, Severity};
use crate::model::{EntityId, OrgModel};

pub static RULE: Rule = Rule {
    name: "leadership-model-mismatch",
    group: Group::Principle,
    default_severity: Severity::Info,
    summary: "`model: leadership`, yet every team reports to the leader: it is really ownership.",
    principle: "Under single-threaded leadership (STL) people stay in their functional reporting lines, where they get leadership and career growth from their own discipline; the leader sets priorities and the roadmap across those lines without owning the resources. When every team reports to the leader anyway, the initiative is really run as single-threaded ownership, and the plan should say so.",
    questions: &[
        super::Q_REVIEW_PROCESS,
    ],
    fix: "Declare `model: ownership`, or show the functional reporting lines the leadership model relies on.",
    example: "leader jane \"Jane\" { }\ninitiative gdpr \"GDPR\" { leader: jane model: leadership teams: t }\nteam t \"T\" { reports_to: jane }\n",
    findings: "One at the `model:` of each leadership initiative all of whose teams report to its leader, offering `ownership`.",
    spares: "Initiatives with no teams or no declared leader, and functional teams (not counted).",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let EntityId::Initiative(i) = e else { return };
    let init = &m.initiatives[i];
    let Some(model) = &init.model else { return };
    if model.value != OrgModel::Leadership {
        return;
    }
    let Some(lref) = &init.leader else { return };
    let Some(leader @ EntityId::Leader(_)) = m.resolve(lref) else {
        return;
    };
    let teams: Vec<usize> = init
        .teams
        .iter()
        .filter_map(|r| match m.resolve(r) {
            Some(EntityId::Team(t)) if !m.teams[t].functional => Some(t),
            _ => None,
        })
        .collect();
    if teams.is_empty() {
        return;
    }
    let all_report = teams
        .iter()
        .all(|&t| m.teams[t].reports_to.as_ref().and_then(|r| m.resolve(r)) == Some(leader));
    if !all_report {
        return;
    }
    out.push(
        Finding::new(
            &RULE,
            model.loc,
            format!(
                "initiative `{}` says `leadership`, but all {} of its teams report to its leader `{}`: that is the ownership model",
                init.decl.id,
                teams.len(),
                lref.name
            ),
        )
        .fix(Fix {
            title: "Change to `model: ownership`".into(),
            edits: smallvec::smallvec![Edit { loc: model.loc, new_text: "ownership".into() }],
            preferred: true,
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn all_teams_report_to_the_leader() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" { }
            leader eng "Eng" { }
            initiative gdpr "GDPR" { leader: jane model: leadership teams: t1, t2 }
            #                                            ^^^^^^^^^^ leadership-model-mismatch
            team t1 "T1" { reports_to: jane }
            team t2 "T2" { reports_to: jane }
            initiative api "API" { leader: eng model: leadership teams: t3, t4 }
            team t3 "T3" { reports_to: eng }
            team t4 "T4" { reports_to: jane }
        "#
        ), @r#"
            main.orgplan:89..99 info `leadership`: initiative `gdpr` says `leadership`, but all 2 of its teams report to its leader `jane`: that is the ownership model
              fix: Change to `model: ownership`
                main.orgplan:89..99 "ownership"
        "#);
    }
}
