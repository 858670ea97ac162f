use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "missing-scope",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "An initiative has no scope: its bounded context is undefined.",
    principle: "A single-threaded leader owns a bounded context: a clear edge around what the initiative owns and what it does not. Without one, ownership overlaps other initiatives, and dependencies and approvals creep back in.",
    questions: &[
        super::Q_BOUNDED_CONTEXT,
    ],
    fix: "Add `scope: \"…\"` describing the bounded context the leader owns.",
    example: "initiative fba \"FBA\" {\n  leader: jane\n}\n",
    findings: "One at the declaration of each initiative without a scope, offering a `scope:` stub.",
    spares: "An initiative whose `scope:` is written but cannot be read (not a string, a misspelt key, or a syntax error in the block): another rule already reports it. Teams and leaders, whose bounded context is their initiative's.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let EntityId::Initiative(i) = e else { return };
    let init = &ctx.model.initiatives[i];
    if init.scope.is_some()
        || init
            .decl
            .unread
            .may_set(crate::schema::BlockKind::Initiative, "scope")
    {
        return;
    }
    let d = &init.decl;
    let mut f = Finding::new(
        &RULE,
        d.name,
        format!(
            "initiative `{}` has no scope: its bounded context is undefined",
            d.id
        ),
    );
    if let Some(fix) = super::add_to_body(
        ctx,
        d,
        "scope: \"TODO: the bounded context this initiative owns\"",
        "Add a `scope:` stub".into(),
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

    #[test]
    fn no_or_blank_scope() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            initiative fba "FBA" { }
            #          ^^^ missing-scope
            initiative ads "Ads" { scope: "  " }
            #          ^^^ missing-scope
            initiative pay "Pay" { scope: "Card payments in the EU" }
            initiative ops "Ops" { scope: 42 }
            initiative ads2 "Ads" { scop: "Ads" }
        "#
        ));
    }
}
