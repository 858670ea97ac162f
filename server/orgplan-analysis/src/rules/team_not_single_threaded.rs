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
    findings: "One at each initiative's `teams:` entry naming a team that more than one initiative lists (a fix goes at each: take the team off, or give that initiative its own team), with the other entries related; none at the team's declaration.",
    spares: "Functional teams (`functional: true`), which serve many initiatives by design. A team listed twice by the same initiative is one entry, not two initiatives.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let EntityId::Team(t) = e else { return };
    let Some(inits) = super::several_initiatives(m, m.team_initiatives(t)) else {
        return;
    };
    let inits = &inits;
    let team = &m.teams[t];
    if team.functional {
        return;
    }
    // The entry of each initiative that names the team (the first, if it
    // is written twice).
    let entry = |i: usize| {
        m.initiatives[i]
            .teams
            .iter()
            .find(|r| m.resolve(r) == Some(EntityId::Team(t)))
    };
    for &i in inits {
        let Some(r) = entry(i) else { continue };
        let mut f = Finding::new(
            &RULE,
            r.loc,
            format!(
                "team `{}` also serves {}: a single-threaded team works on one initiative",
                team.decl.id,
                super::other_initiatives(m, inits, i)
            ),
        );
        for &j in inits.iter().filter(|&&j| j != i) {
            if let Some(r2) = entry(j) {
                f = f.related(r2.loc, format!("also on `{}`", m.initiatives[j].decl.id));
            }
        }
        out.push(f);
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
            team legal "Legal" { functional: true }
            initiative a "A" { teams: search, legal }
            #                         ^^^^^^ team-not-single-threaded
            initiative b "B" { teams: legal, search, search }
            #                                ^^^^^^ team-not-single-threaded
        "#
        ));
    }
}
