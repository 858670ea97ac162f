use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "orphan-team",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "A non-functional team serves no initiative.",
    principle: "In a single-threaded organisation a team exists to deliver an initiative, under the leader who owns it. A team on no initiative has no single-threaded leader and no goal anyone is accountable for; unless it is organised by function (legal, finance …), it is a gap in the plan.",
    questions: &[
        "What is the bounded context that defines the scope of ownership of the single-threaded leader?",
    ],
    fix: "List the team under one initiative's `teams:`, or mark it `functional: true` if it is organised by function.",
    example: "team search \"Search\" {\n  roles: engineering, qa, design, product\n}\n",
    findings: "One at the declaration of each team that no initiative lists, offering to mark it functional.",
    spares: "Functional teams (`functional: true`): organised by function, they serve the whole organisation rather than one initiative. A later declaration of an id declared before: references name the first one, so the second can never be listed; `duplicate-definition` reports it, with a rename or a merge to offer instead. A team that a misspelt `teams:` entry most likely means (`teams: inbond` for `inbound`): `undefined-reference` reports the entry, and its fix lists the team.",
    check: super::Check::Entity(check),
};

/// For each team. Whether a team is meant by a misspelt entry of any
/// initiative's `teams:` is known only from every such entry: it is one
/// of the workspace's facts (`Facts::meant`).
fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    if let EntityId::Team(t) = e {
        check_team(ctx, t, &ctx.facts().meant, out);
    }
}

fn check_team(ctx: &Ctx, t: usize, meant: &[crate::syntax::CompactString], out: &mut Vec<Finding>) {
    let m = ctx.model;
    let team = &m.teams[t];
    if team.functional
        || !m.team_initiatives(t).is_empty()
        || m.is_shadowed(EntityId::Team(t))
        || meant
            .binary_search_by(|x| x.as_str().cmp(&team.decl.id))
            .is_ok()
    {
        return;
    }
    let d = &team.decl;
    let mut f = Finding::new(
        &RULE,
        d.name,
        format!("team {} serves no initiative", d.label()),
    );
    if let Some(fix) = super::add_to_body(
        ctx,
        d,
        "functional: true",
        format!("Mark `{}` as a functional team", d.id),
        false,
    ) {
        f = f.fix(fix);
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    /// A `teams:` entry that names its team is no misspelling, even when
    /// another reference of the same initiative with the same name names
    /// nothing (`leader: ads`, a team's id): the team its did-you-mean
    /// would offer is not spared.
    #[test]
    fn an_entry_that_names_its_team_spares_no_other() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            initiative a "A" { leader: ads teams: ads }
            team ads "Ads" { }
            team adz "Adz" { }
            #    ^^^ orphan-team
        "#
        ));
    }

    #[test]
    fn unlisted_non_functional_teams() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team search "Search" {
            #    ^^^^^^ orphan-team
              roles: qa
            }
            team legal "Legal" { functional: true }
            team ads "Ads" { }
            initiative a "A" { teams: ads, billng }
            team ads "Ads again" { }
            team billing "Billing" { }
        "#
        ), @r#"
            main.orgplan:5..11 warning `search`: team `search` (Search) serves no initiative
              fix: Mark `search` as a functional team
                main.orgplan:22..22 "\n  functional: true"
        "#);
    }

    #[test]
    fn functional_false_is_changed_not_given_twice() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team ledger "Ledger" {
            #    ^^^^^^ orphan-team
              functional: false
            }
        "#
        ), @r#"
            main.orgplan:5..11 warning `ledger`: team `ledger` (Ledger) serves no initiative
              fix: Mark `ledger` as a functional team
                main.orgplan:49..66 "functional: true"
        "#);
    }
}
