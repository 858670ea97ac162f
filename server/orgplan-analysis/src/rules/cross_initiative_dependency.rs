use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "cross-initiative-dependency",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "A team depends on a team of another initiative: the initiatives are coupled.",
    principle: "Single-threaded initiatives exist so that many can move at once, each run like a small company of its own inside the larger one. When a team of one initiative depends on a team of another, the two are coupled: neither leader controls their own delivery any more.",
    questions: &[
        super::Q_SHIP_ALONE,
        super::Q_BOUNDED_CONTEXT,
    ],
    fix: "Remove the dependency (duplicate the capability inside the initiative), or move the team into the same initiative if it really belongs there.",
    example: "initiative a \"A\" { teams: ta }\ninitiative b \"B\" { teams: tb }\nteam ta \"TA\" { depends_on tb { owner: ta plan: \"x\" } }\nteam tb \"TB\" { }\n",
    findings: "One at each `depends_on` head that crosses from one initiative to another, with the other initiative related.",
    spares: "Dependencies within one initiative, on functional teams (shared by design), and of or on teams on no initiative (`orphan-team` reports those).",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let EntityId::Team(t) = e else { return };
    let team = &m.teams[t];
    if team.functional {
        return;
    }
    let mine: Vec<usize> = m.team_initiatives(t).collect();
    if mine.is_empty() {
        return;
    }
    for dep in &team.dependencies {
        let Some(EntityId::Team(x)) = m.resolve(&dep.target) else {
            continue;
        };
        if m.teams[x].functional {
            continue;
        }
        let theirs: Vec<usize> = m.team_initiatives(x).collect();
        if theirs.is_empty() || theirs.iter().any(|i| mine.contains(i)) {
            continue;
        }
        let other = &m.initiatives[theirs[0]];
        let own = &m.initiatives[mine[0]];
        out.push(
            Finding::new(
                &RULE,
                dep.head,
                format!(
                    "`{}` (initiative `{}`) depends on `{}` of initiative `{}`: the two initiatives are coupled",
                    team.decl.id, own.decl.id, dep.target.name, other.decl.id
                ),
            )
            .related(other.decl.name, format!("`{}` is on `{}`", dep.target.name, other.decl.id)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn across_initiatives_only() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            initiative a "A" { teams: ta, ta2 }
            initiative b "B" { teams: tb }
            team ta "TA" {
              depends_on tb
            # ^^^^^^^^^^^^^ cross-initiative-dependency
              depends_on ta2
              depends_on legal
              depends_on loose
            }
            team ta2 "TA2" { }
            team tb "TB" { }
            team legal "Legal" { functional: true }
            team loose "Loose" { }
        "#
        ), @r#"
            main.orgplan:84..97 warning `depends_on tb`: `ta` (initiative `a`) depends on `tb` of initiative `b`: the two initiatives are coupled
              related main.orgplan:47..48: `tb` is on `b`
        "#);
    }
}
