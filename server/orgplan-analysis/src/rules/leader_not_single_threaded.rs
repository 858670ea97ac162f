use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "leader-not-single-threaded",
    group: Group::Principle,
    default_severity: Severity::Error,
    summary: "A leader leads more than one initiative.",
    principle: "A single-threaded leader is devoted to one business problem and to nothing else: it is their whole job and their only worry. A leader spread over several initiatives gives each of them a share of their attention, and the initiatives compete for the rest.",
    questions: &[
        super::Q_FOCUSED_LEADER,
    ],
    fix: "Give each initiative its own leader; keep this leader on the one that matters most.",
    example: "leader jane \"Jane\" { }\ninitiative fba \"FBA\" { leader: jane }\ninitiative prime \"Prime\" { leader: jane }\n",
    findings: "One at each initiative's `leader:` line naming a leader who leads more than one (a fix goes at each: choose another leader), with the leader's other initiatives related; none at the leader's declaration.",
    spares: "Leaders who lead one initiative or none: a leader on no initiative is not spread over several (nobody is appointed to lead yet). Functional teams have no bearing on it. A `leader:` naming no declared leader is `undefined-reference`'s alone.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let EntityId::Leader(l) = e else { return };
    let Some(inits) = super::several_initiatives(m, m.led_by(l)) else {
        return;
    };
    let inits = &inits;
    let leader = &m.leaders[l].decl;
    for &i in inits {
        let init = &m.initiatives[i];
        let Some(r) = &init.leader else { continue };
        let mut f = Finding::new(
            &RULE,
            r.loc,
            format!(
                "`{}` also leads {}: a single-threaded leader leads one initiative",
                leader.id,
                super::other_initiatives(m, inits, i)
            ),
        );
        for &j in inits.iter().filter(|&&j| j != i) {
            let other = &m.initiatives[j];
            if let Some(r2) = &other.leader {
                f = f.related(
                    r2.loc,
                    format!("`{}` also leads `{}` here", leader.id, other.decl.id),
                );
            }
        }
        f = f.related(leader.name, format!("`{}` is declared here", leader.id));
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn every_initiative_involved_is_pointed_at() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" { }
            leader raj "Raj" { }
            initiative fba "FBA" { leader: jane critical: true }
            #                              ^^^^ leader-not-single-threaded
            initiative prime "Prime" { leader: raj }
            #- more.orgplan
            initiative gdpr "GDPR" { leader: jane }
            #                                ^^^^ leader-not-single-threaded
        "#
        ));
    }
}
