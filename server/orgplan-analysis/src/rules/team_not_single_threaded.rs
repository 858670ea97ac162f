use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "team-not-single-threaded",
    group: Group::Principle,
    default_severity: Severity::Error,
    summary: "A team serves more than one initiative.",
    principle: "A single-threaded team works on one initiative only, and is as decoupled from the rest of the organisation as a good API is from the code that calls it. A team shared by initiatives is neither: its time is split, and every priority call couples the initiatives it serves.",
    questions: &[
        super::Q_SHIP_ALONE,
    ],
    fix: "Keep the team on one initiative; split it, or give the other initiative a team of its own, even if that duplicates some work.",
    example: "team search \"Search\" { }\ninitiative a \"A\" { teams: search }\ninitiative b \"B\" { teams: search }\n",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let EntityId::Team(t) = e else { return };
    let inits = &m.team_initiatives[t];
    let team = &m.teams[t];
    if team.functional || inits.len() < 2 {
        return;
    }
    let names: Vec<String> = inits
        .iter()
        .map(|i| format!("`{}`", m.initiatives[*i].decl.id))
        .collect();
    let mut at_team = Finding::new(
        &RULE,
        team.decl.name,
        format!(
            "team `{}` serves {} initiatives ({}); a single-threaded team works on one",
            team.decl.id,
            inits.len(),
            super::and_list(&names)
        ),
    );
    for &i in inits {
        if let Some(r) = m.initiatives[i]
            .teams
            .iter()
            .find(|r| r.name == team.decl.id)
        {
            at_team = at_team.related(r.loc, format!("on `{}`", m.initiatives[i].decl.id));
        }
    }
    out.push(at_team);
    for &i in inits {
        let init = &m.initiatives[i];
        for r in init.teams.iter().filter(|r| r.name == team.decl.id) {
            let mut f = Finding::new(
                &RULE,
                r.loc,
                format!(
                    "team `{}` serves {} initiatives ({}); a single-threaded team works on one",
                    team.decl.id,
                    inits.len(),
                    super::and_list(&names)
                ),
            );
            for &j in inits.iter().filter(|&&j| j != i) {
                if let Some(r2) = m.initiatives[j]
                    .teams
                    .iter()
                    .find(|r| r.name == team.decl.id)
                {
                    f = f.related(r2.loc, format!("also on `{}`", m.initiatives[j].decl.id));
                }
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn shared_team_but_not_functional() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team search "Search" { }
            #    ^^^^^^ team-not-single-threaded
            team legal "Legal" { functional: true }
            initiative a "A" { teams: search, legal }
            #                         ^^^^^^ team-not-single-threaded
            initiative b "B" { teams: legal, search }
            #                                ^^^^^^ team-not-single-threaded
        "#
        ));
    }
}
