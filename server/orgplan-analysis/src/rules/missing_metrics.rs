use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "missing-metrics",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "An initiative has no metrics.",
    principle: "According to the article, the teams that did best spent their first months removing dependencies and putting measurement in place for everything important they did, and only then started adding features. An initiative with no metrics cannot tell whether it is succeeding, and its leader cannot be held to results.",
    questions: &[
        super::Q_CAPABLE,
    ],
    fix: "Add `metrics: \"…\", \"…\"` naming how the initiative's success is measured.",
    example: "initiative fba \"FBA\" {\n  leader: jane\n}\n",
    findings: "One at the declaration of each initiative without metrics, offering a `metrics:` stub.",
    spares: "An initiative whose `metrics:` is written but cannot be read (not strings, a misspelt key, or a syntax error in the block): another rule already reports it. Teams, measured through their initiative.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let EntityId::Initiative(i) = e else { return };
    let init = &ctx.model.initiatives[i];
    if !init.metrics.is_empty()
        || init
            .decl
            .unread
            .may_set(crate::schema::BlockKind::Initiative, "metrics")
    {
        return;
    }
    let d = &init.decl;
    let mut f = Finding::new(
        &RULE,
        d.name,
        format!(
            "initiative `{}` has no metrics: instrument before you innovate",
            d.id
        ),
    );
    if let Some(fix) = super::add_to_body(
        ctx,
        d,
        "metrics: \"TODO: how success is measured\"",
        "Add a `metrics:` stub".into(),
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
    fn no_or_empty_metrics() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            initiative fba "FBA" { }
            #          ^^^ missing-metrics
            initiative ads "Ads" { metrics: "" }
            #          ^^^ missing-metrics
            initiative pay "Pay" { metrics: "Payments per second" }
            initiative ops "Ops" { metrics: 42 }
            initiative cx "CX" { metric: "NPS" }
        "#
        ));
    }
}
