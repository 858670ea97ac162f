use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "dependency-without-plan",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "A dependency with no de-coupling plan.",
    principle: "Appointing a leader is only half the work: the teams must also pull their dependencies apart, and the article accepts some duplication as the price of doing so. A dependency without a plan to remove it is one the team has agreed to keep waiting on.",
    questions: &[
        super::Q_UNTANGLE_PLAN,
        super::Q_DEPENDENCIES_OPENLY,
    ],
    fix: "Add `plan: \"…\"` saying how and by when the team will remove or wrap the dependency.",
    example: "team inbound \"Inbound\" {\n  depends_on payments {\n    owner: inbound\n  }\n}\n",
    findings: "One at each `depends_on` head without a plan, offering a `plan:` stub.",
    spares: "Functional teams' dependencies. A dependency whose `plan:` is written but cannot be read (not a string, a misspelt key, or a syntax error in the block): another rule already reports it.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let EntityId::Team(t) = e else { return };
    let team = &ctx.model.teams[t];
    if team.functional {
        return;
    }
    let unread = |d: &crate::model::Dependency| {
        d.unread
            .may_set(crate::schema::BlockKind::DependsOn, "plan")
    };
    for dep in team
        .dependencies
        .iter()
        .filter(|d| d.plan.is_none() && !unread(d))
    {
        out.push(
            Finding::new(
                &RULE,
                dep.head,
                format!(
                    "`{}`'s dependency on `{}` has no plan to de-couple it",
                    team.decl.id, dep.target.name
                ),
            )
            .fix(super::unowned_dependency::add_line(
                ctx,
                dep,
                "plan: \"TODO: how and by when this dependency is removed\"",
                "Add a `plan:` stub".to_string(),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn missing_or_empty_plan() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team inbound "Inbound" {
              depends_on payments { owner: inbound }
            # ^^^^^^^^^^^^^^^^^^^ dependency-without-plan
              depends_on billing { owner: inbound plan: "" }
            # ^^^^^^^^^^^^^^^^^^ dependency-without-plan
              depends_on search { owner: inbound plan: "Wrap the API by Q2" }
              depends_on ads { owner: inbound pln: "Wrap it" }
            }
            team payments "Payments" { }
            team billing "Billing" { }
            team search "Search" { }
        "#
        ));
    }
}
