use super::{Ctx, Edit, Finding, Fix, Group, Rule, Severity};
use crate::model::EntityId;
use crate::text::{Loc, TextRange};

pub static RULE: Rule = Rule {
    name: "incomplete-team",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "A team lacks a role it needs to deliver on its own (by default engineering, qa, design and product; configurable).",
    principle: "What decides whether a team succeeds, more than anything, is autonomy: being able to choose for itself how to meet its goals and ship its roadmap. That takes every role the work needs inside the team — the article names engineering, quality assurance, design and product management. A missing role becomes a dependency on another team.",
    questions: &[
        super::Q_SHIP_ALONE,
    ],
    fix: "Add the missing roles to the team's `roles:` (or change `[team] required-roles` in `orgplan.toml` if your teams need a different set).",
    example: "team search \"Search\" {\n  roles: engineering\n}\n",
    findings: "One at the declaration of each team that lacks a required role, naming every role it lacks, offering to add them.",
    spares: "Functional teams (`functional: true`): organised by function, they are not meant to deliver alone. A team whose `roles:` is written but cannot be read (a value that is not a role name, `roles` without its colon, a misspelt key, or a syntax error in the block): another rule already reports it, and the roles may be there.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let EntityId::Team(t) = e else { return };
    let team = &ctx.model.teams[t];
    if team.functional
        || team
            .decl
            .unread
            .may_set(crate::schema::BlockKind::Team, "roles")
    {
        return;
    }
    let missing: Vec<&String> = ctx
        .config
        .required_roles
        .iter()
        .filter(|r| !team.roles.iter().any(|have| have == r.as_str()))
        .collect();
    if missing.is_empty() {
        return;
    }
    let d = &team.decl;
    let list: Vec<String> = missing.iter().map(|r| format!("`{r}`")).collect();
    let mut f = Finding::new(
        &RULE,
        d.name,
        format!(
            "team `{}` lacks {} to deliver on its own",
            d.id,
            super::and_list(&list)
        ),
    );
    let joined: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
    let edit = match (team.last_role, team.roles_prop) {
        (Some(last), _) => Some(Edit {
            loc: Loc::new(d.file(), TextRange::empty(last.range.end())),
            new_text: format!(", {}", joined.join(", ")),
        }),
        (None, Some(p)) => Some(Edit {
            loc: Loc::new(d.file(), TextRange::empty(p.range.end())),
            new_text: format!(" {}", joined.join(", ")),
        }),
        (None, None) => d.body.map(|body| {
            let (at, indent) = super::body_insert(ctx.text(d.file()), d.block.range.start(), body);
            Edit {
                loc: Loc::new(d.file(), TextRange::empty(at)),
                new_text: format!("\n{indent}roles: {}", joined.join(", ")),
            }
        }),
    };
    if let Some(e) = edit {
        f = f.fix(Fix {
            title: format!("Add {}", super::and_list(&list)),
            edits: smallvec::smallvec![e],
            preferred: true,
        });
    }
    if let Some(p) = team.roles_prop {
        f = f.related(p, "the team's roles");
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn missing_roles_default_set() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team search "Search" {
            #    ^^^^^^ incomplete-team
              roles: engineering, qa
            }
            team ads "Ads" { }
            #    ^^^ incomplete-team
            team full "Full" { roles: product, design, qa, engineering, data }
            team legal "Legal" { functional: true }
            team str "Str" { roles: "engineering" }
            team colon "Colon" {
              roles engineering, qa, design, product
            }
            team syn "Syn" {
              roles: engineering qa design product
            }
            team fun "Fun" { functional: yes }
        "#
        ));
    }

    #[test]
    fn required_roles_are_configurable() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team search "Search" { roles: engineering }
            team ads "Ads" { roles: qa }
            #    ^^^ incomplete-team
            #- orgplan.toml
            [team]
            required-roles = ["engineering"]
        "#
        ));
    }
}
