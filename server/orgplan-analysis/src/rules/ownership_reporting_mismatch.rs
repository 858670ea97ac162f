use super::{Ctx, Edit, Finding, Fix, Group, Rule, Severity};
use crate::model::{EntityId, OrgModel};

pub static RULE: Rule = Rule {
    name: "ownership-reporting-mismatch",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "`model: ownership`, but a team reports to someone other than the initiative's leader.",
    principle: "Under single-threaded ownership (STO) the leader holds every resource the initiative needs, and the org chart follows the initiative: the people on it report to its leader. A team on an ownership initiative that reports elsewhere leaves the leader accountable for people they do not lead.",
    questions: &[
        super::Q_EMPOWERED,
        super::Q_DECISIONS,
    ],
    fix: "Make the team report to the initiative's leader, or switch the initiative to `model: leadership` if functional reporting lines are intended.",
    example: "leader jane \"Jane\" { }\nleader raj \"Raj\" { }\ninitiative fba \"FBA\" { leader: jane model: ownership teams: t }\nteam t \"T\" { reports_to: raj }\n",
    findings: "One at the `reports_to:` of each team on an ownership initiative that reports elsewhere (the fix: report to the initiative's leader), with the initiative's `teams:` entry and `model:` related.",
    spares: "Functional teams; teams that report to nobody or to an undeclared leader; initiatives under `model: leadership` or none, where functional reporting lines are the point.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let EntityId::Initiative(i) = e else { return };
    let init = &m.initiatives[i];
    let Some(model) = &init.model else { return };
    if model.value != OrgModel::Ownership {
        return;
    }
    let Some(lref) = &init.leader else { return };
    let Some(leader @ EntityId::Leader(_)) = m.resolve(lref) else {
        return;
    };
    for tref in &init.teams {
        let Some(EntityId::Team(t)) = m.resolve(tref) else {
            continue;
        };
        let team = &m.teams[t];
        if team.functional {
            continue;
        }
        let Some(rep) = &team.reports_to else {
            continue;
        };
        let Some(boss) = m.resolve(rep) else { continue };
        if boss == leader {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                rep.loc,
                format!(
                    "team `{}` reports to `{}`, but initiative `{}` uses the ownership model, where every team reports to its leader `{}`",
                    team.decl.id, rep.name, init.decl.id, lref.name
                ),
            )
            .related(tref.loc, format!("`{}` is on `{}` here", team.decl.id, init.decl.id))
            .related(model.loc, format!("`{}` uses `model: ownership`", init.decl.id))
            .fix(Fix {
                title: format!("Report to `{}`", lref.name),
                edits: smallvec::smallvec![Edit { loc: rep.loc, new_text: lref.name.to_string() }],
                preferred: true,
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn team_reporting_elsewhere_under_ownership() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" { }
            leader raj "Raj" { }
            initiative fba "FBA" { leader: jane model: ownership teams: t1, t2 }
            team t1 "T1" { reports_to: raj }
            #                          ^^^ ownership-reporting-mismatch
            team t2 "T2" { reports_to: jane }
            initiative gdpr "GDPR" { leader: jane model: leadership teams: t3 }
            team t3 "T3" { reports_to: raj }
        "#
        ));
    }
}
