use super::{Ctx, Finding, Group, Rule, Severity};

pub static RULE: Rule = Rule {
    name: "initiative-without-leader",
    group: Group::Principle,
    default_severity: Severity::Error,
    summary: "An initiative names no leader.",
    principle: "Every initiative needs one person who owns it end to end and whose job is that initiative alone. Without such a leader nobody holds the mandate: the article observes that critical initiatives stall for lack of one, because success and failure rest with no one.",
    questions: &[
        super::Q_FOCUSED_LEADER,
        super::Q_EMPOWERED,
    ],
    fix: "Add `leader: ID` naming one leader who will lead this initiative and nothing else.",
    example: "initiative fba \"Fulfilment by Amazon\" {\n  scope: \"Inbound logistics\"\n}\n",
    findings: "One at the declaration of each initiative without a `leader:`, offering a leader who leads nothing yet (when there is one).",
    spares: "An initiative whose `leader:` is written but cannot be read (no value, a string, a misspelt key such as `leadr:`, or a syntax error in the block): `invalid-value`, `unknown-property` or `syntax-error` already says what to fix. A `leader:` naming no declared leader is `undefined-reference`'s.",
    check: super::Check::Entity(check),
};

/// For each initiative; the leader a fix offers is one of the workspace's
/// facts (`Facts::free_leader`).
fn check(ctx: &Ctx, e: crate::model::EntityId, out: &mut Vec<Finding>) {
    let crate::model::EntityId::Initiative(i) = e else {
        return;
    };
    let init = &ctx.model.initiatives[i];
    if init.leader.is_none()
        && !init
            .decl
            .unread
            .may_set(crate::schema::BlockKind::Initiative, "leader")
    {
        let d = &init.decl;
        let mut f = Finding::new(
            &RULE,
            d.name,
            format!(
                "initiative {} has no leader: nobody owns it end to end",
                d.label()
            ),
        );
        // Offer a free leader: declared, leading nothing. With none, no
        // fix: a placeholder id would name nobody (`undefined-reference`),
        // and the leader of another initiative would lead two.
        if let Some(l) = ctx.facts().free_leader.clone() {
            let title = format!("Add `leader: {l}` (leads nothing yet)");
            if let Some(fix) = super::add_to_body(ctx, d, &format!("leader: {l}"), title, true) {
                f = f.fix(fix);
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
    fn fires_without_leader_only() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" { }
            initiative fba "Fulfilment by Amazon" {
            #          ^^^ initiative-without-leader
              scope: "Inbound"
            }
            initiative gdpr "GDPR" {
              leader: jane
            }
            initiative ads "Ads" { leadr: jane }
            initiative pay "Pay" { leader: "jane" }
            initiative ops "Ops" { leader: }
        "#
        ), @"main.orgplan:34..37 error `fba`: initiative `fba` (Fulfilment by Amazon) has no leader: nobody owns it end to end");
    }

    #[test]
    fn a_leader_who_leads_nothing_is_offered_and_no_placeholder_otherwise() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" { }
            leader kim "Kim" { }
            initiative gdpr "GDPR" { leader: jane }
            initiative fba "FBA" {
            #          ^^^ initiative-without-leader
            }
        "#
        ), @r#"
            main.orgplan:95..98 error `fba`: initiative `fba` (FBA) has no leader: nobody owns it end to end
              fix: Add `leader: kim` (leads nothing yet)
                main.orgplan:106..106 "\n  leader: kim"
        "#);
    }
}
