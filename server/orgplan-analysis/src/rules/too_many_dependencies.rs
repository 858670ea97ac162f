use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "too-many-dependencies",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "A team depends on more teams than the configured threshold (default 3).",
    principle: "The fewer teams a single-threaded team leans on, organisationally or technically, the faster it moves; each dependency adds waiting, frustration and coordination. Past a handful, a team spends more time lining up with others than delivering.",
    questions: &[
        super::Q_UNTANGLE_PLAN,
    ],
    fix: "Remove dependencies (bring the capability into the team, even at the cost of duplication), or raise `[team] max-dependencies` in `orgplan.toml` if the threshold does not fit.",
    example: "team hub \"Hub\" {\n  depends_on a { }\n  depends_on b { }\n  depends_on c { }\n  depends_on d { }\n}\n",
    findings: "One at the declaration of each team over the threshold, with its dependencies related.",
    spares: "Functional teams; dependencies on leaders; a team named twice in `depends_on` counts once.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let max = ctx.config.max_dependencies;
    let EntityId::Team(t) = e else { return };
    let team = &m.teams[t];
    if team.functional {
        return;
    }
    let mut targets: Vec<&str> = team
        .dependencies
        .iter()
        .filter(|d| matches!(m.resolve(&d.target), Some(EntityId::Team(_)) | None))
        .map(|d| d.target.name.as_str())
        .collect();
    targets.sort_unstable();
    targets.dedup();
    if targets.len() <= max {
        return;
    }
    let mut f = Finding::new(
        &RULE,
        team.decl.name,
        format!(
            "team `{}` depends on {} teams; at most {max} keeps it able to deliver on its own",
            team.decl.id,
            targets.len()
        ),
    );
    for d in &team.dependencies {
        f = f.related(d.head, format!("depends on `{}`", d.target.name));
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn over_the_default_threshold() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team hub "Hub" {
            #    ^^^ too-many-dependencies
              depends_on a
              depends_on b
              depends_on c
              depends_on d
            }
            team ok "Ok" {
              depends_on a
              depends_on b
              depends_on c
            }
        "#
        ));
    }

    #[test]
    fn threshold_is_configurable() {
        check(
            &RULE,
            r#"
            team hub "Hub" {
              depends_on a
              depends_on b
              depends_on c
              depends_on d
            }
            #- orgplan.toml
            [team]
            max-dependencies = 4
        "#,
        );
    }
}
