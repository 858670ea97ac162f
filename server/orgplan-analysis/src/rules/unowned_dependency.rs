use super::{Ctx, Edit, Finding, Fix, Group, Rule, Severity};
use crate::model::EntityId;
use crate::text::{Loc, TextRange};

pub static RULE: Rule = Rule {
    name: "unowned-dependency",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "A dependency with no owner, or owned by someone outside the depending team.",
    principle: "When a single-threaded team depends on something, removing that dependency is the team's own job — and its leader's, who answers for the whole initiative. A dependency nobody owns, or one handed to another team, stays: it keeps delaying results and taking control away from the team that has it.",
    questions: &[
        super::Q_DEPENDENCIES_OPENLY,
        super::Q_UNTANGLE_PLAN,
    ],
    fix: "Set `owner:` to the depending team itself (or the leader it reports to, or its initiative's leader).",
    example: "team inbound \"Inbound\" {\n  depends_on payments {\n    plan: \"Adopt the events API\"\n  }\n}\n",
    findings: "One per dependency: at its `depends_on` head when it has no owner (offering the team itself), or at its `owner:` when someone outside the team owns it (offering the team).",
    spares: "Functional teams' dependencies. Owners inside the team's reach: the team itself, the leader it reports to, the leader of its initiative. An owner that is not declared (`undefined-reference`'s), and an `owner:` written but unreadable (a misspelt key, a wrong kind of value, or a syntax error in the block).",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let EntityId::Team(t) = e else { return };
    let team = &m.teams[t];
    if team.functional {
        return;
    }
    // Who may own the team's dependencies: the team, the leader it
    // reports to, the leaders of its initiatives.
    let mut owners = vec![EntityId::Team(t)];
    if let Some(l) = team.reports_to.as_ref().and_then(|r| m.resolve(r)) {
        owners.push(l);
    }
    for i in m.team_initiatives(t) {
        if let Some(l) = m.initiatives[i].leader.as_ref().and_then(|r| m.resolve(r)) {
            owners.push(l);
        }
    }
    for dep in &team.dependencies {
        match &dep.owner {
            None if dep
                .unread
                .may_set(crate::schema::BlockKind::DependsOn, "owner") => {}
            None => {
                let mut f = Finding::new(
                    &RULE,
                    dep.head,
                    format!(
                        "`{}`'s dependency on `{}` has no owner; the depending team owns de-coupling it",
                        team.decl.id, dep.target.name
                    ),
                );
                f = f.fix(add_line(
                    ctx,
                    dep,
                    &format!("owner: {}", team.decl.id),
                    format!("Add `owner: {}`", team.decl.id),
                ));
                out.push(f);
            }
            Some(o) => {
                let Some(owner) = m.resolve(o) else { continue };
                if owners.contains(&owner) || o.name == team.decl.id {
                    continue;
                }
                out.push(
                    Finding::new(
                        &RULE,
                        o.loc,
                        format!(
                            "`{}`'s dependency on `{}` is owned by `{}`, outside the team; `{}` should own de-coupling it",
                            team.decl.id, dep.target.name, o.name, team.decl.id
                        ),
                    )
                    .fix(Fix {
                        title: format!("Make `{}` the owner", team.decl.id),
                        edits: smallvec::smallvec![Edit { loc: o.loc, new_text: team.decl.id.to_string() }],
                        preferred: true,
                    }),
                );
            }
        }
    }
}

/// A fix that adds `line` (`key: value`) to a dependency's body (creating
/// the body if needed), or writes it over the key where the body has it.
pub(crate) fn add_line(
    ctx: &Ctx,
    dep: &crate::model::Dependency,
    line: &str,
    title: String,
) -> Fix {
    let file = dep.head.file;
    let text = ctx.text(file);
    let written = dep
        .body
        .and_then(|_| super::written_in(ctx, dep.block, line));
    let edit = match (written, dep.body) {
        (Some(edit), _) => edit,
        (None, Some(body)) => {
            let (at, indent) = super::body_insert(text, dep.block.range.start(), body);
            Edit {
                loc: Loc::new(file, TextRange::empty(at)),
                new_text: format!("\n{indent}{line}"),
            }
        }
        (None, None) => {
            let indent = text.indent_before(dep.block.range.start());
            Edit {
                loc: Loc::new(file, TextRange::empty(dep.block.range.end())),
                new_text: format!(" {{\n{indent}  {line}\n{indent}}}"),
            }
        }
    };
    Fix {
        title,
        edits: smallvec::smallvec![edit],
        preferred: true,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn no_owner_or_outside_owner() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" { }
            initiative fba "FBA" { leader: jane teams: inbound }
            team inbound "Inbound" {
              reports_to: jane
              depends_on payments { plan: "x" }
            # ^^^^^^^^^^^^^^^^^^^ unowned-dependency
              depends_on billing {
                owner: payments
            #          ^^^^^^^^ unowned-dependency
              }
              depends_on search { owner: inbound }
              depends_on ads { owner: jane }
              depends_on maps
            # ^^^^^^^^^^^^^^^ unowned-dependency
            }
            team payments "Payments" { }
            team billing "Billing" { }
            team search "Search" { }
            team ads "Ads" { }
            team maps "Maps" { }
        "#
        ));
    }
}
