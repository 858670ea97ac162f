//! "One finding per problem", held for every rule: a plan per rule (and per
//! cascade it must not start), healthy but for the problem, with every
//! finding the analysis gives annotated. A finding too many (another rule
//! built on the same mistake, or the same problem reported at two places)
//! or too few fails.

use super::fixture::check_all;
use super::ALL;

/// (rule, plan): every finding of the plan is annotated.
const CASES: &[(&str, &str)] = &[
    (
        "syntax-error",
        r#"
        leader raj "Raj" {
          title: "Director"
          @
        # ^ syntax-error
        }
        "#,
    ),
    (
        "unknown-block",
        r#"
        tem search "Search" {
        #^^ unknown-block
          roles: engineering
        }
        "#,
    ),
    (
        // Not also an initiative without a leader.
        "unknown-property",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leadr: jane
        # ^^^^^ unknown-property
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "duplicate-property",
        r#"
        leader jane "Jane" {
          title: "Director"
          title: "VP"
        # ^^^^^ duplicate-property
        }
        "#,
    ),
    (
        // A negative allocation is not also a part-time leader.
        "invalid-value",
        r#"
        leader jane "Jane" { allocation: -20% }
        #                                ^^^^ invalid-value
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        // A fraction is not also a part-time leader; a quoted leader is not
        // also a missing one; a number for a scope is not also a missing
        // scope; an unreadable `functional:` does not make an orphan.
        "invalid-value",
        r#"
        leader jane "Jane" { allocation: 0.5 }
        #                                ^^^ invalid-value
        initiative fba "FBA" {
          leader: jane
          scope: 42
        #        ^^ invalid-value
          metrics: "Units"
          teams: inbound
        }
        initiative pay "Pay" {
          leader: "raj"
        #         ^^^^^ invalid-value
          scope: "Payments"
          metrics: "Volume"
        }
        leader raj "Raj" { }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        team legal "Legal" { functional: yes }
        #                                ^^^ invalid-value
        "#,
    ),
    (
        // An undefined leader is reported once.
        "undefined-reference",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: janee
        #         ^^^^^ undefined-reference
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        // Not also an orphan team.
        "duplicate-definition",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        team inbound "Inbound" {
        #    ^^^^^^^ duplicate-definition
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        // A second initiative of the same id and leader is not also a
        // leader leading two initiatives.
        "duplicate-definition",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        initiative fba "FBA" {
        #          ^^^ duplicate-definition
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        // A misspelt `teams:` entry does not also make an orphan of the
        // team it means.
        "undefined-reference",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbond
        #        ^^^^^^ undefined-reference
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "invalid-config",
        r#"
        leader jane "Jane" { }
        #- orgplan.toml
        [rules]
        missing-scop = "off"
        #^^^^^^^^^^^ invalid-config
        "#,
    ),
    (
        "initiative-without-leader",
        r#"
        initiative fba "FBA" {
        #          ^^^ initiative-without-leader
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        // One at each `leader:` line, none at the leader.
        "leader-not-single-threaded",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
        #         ^^^^ leader-not-single-threaded
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        initiative pay "Pay" {
          leader: jane
        #         ^^^^ leader-not-single-threaded
          scope: "Payments"
          metrics: "Volume"
          teams: billing
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        team billing "Billing" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        // One per initiative led, none at the leader.
        "part-time-leader",
        r#"
        leader jane "Jane" { allocation: 50% }
        initiative fba "FBA" {
          leader: jane
        #         ^^^^ part-time-leader
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        leader raj "Raj" { allocation: 50% }
        "#,
    ),
    (
        // One at each `teams:` entry, none at the team.
        "team-not-single-threaded",
        r#"
        leader jane "Jane" { }
        leader raj "Raj" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        #        ^^^^^^^ team-not-single-threaded
        }
        initiative pay "Pay" {
          leader: raj
          scope: "Payments"
          metrics: "Volume"
          teams: inbound
        #        ^^^^^^^ team-not-single-threaded
        }
        team inbound "Inbound" {
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "orphan-team",
        r#"
        team search "Search" {
        #    ^^^^^^ orphan-team
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "incomplete-team",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
        #    ^^^^^^^ incomplete-team
          reports_to: jane
          roles: engineering, qa
        }
        "#,
    ),
    (
        "unowned-dependency",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound, search
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
          depends_on search { plan: "Wrap it" }
        # ^^^^^^^^^^^^^^^^^ unowned-dependency
        }
        team search "Search" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "dependency-without-plan",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound, search
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
          depends_on search { owner: inbound }
        # ^^^^^^^^^^^^^^^^^ dependency-without-plan
        }
        team search "Search" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        // One for the cycle, not one per team.
        "dependency-cycle",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: a, b, c
        }
        team a "A" {
          reports_to: jane
          roles: engineering, qa, design, product
          depends_on b { owner: a plan: "x" }
        # ^^^^^^^^^^^^ dependency-cycle
        }
        team b "B" {
          reports_to: jane
          roles: engineering, qa, design, product
          depends_on c { owner: b plan: "x" }
        }
        team c "C" {
          reports_to: jane
          roles: engineering, qa, design, product
          depends_on a { owner: c plan: "x" }
        }
        "#,
    ),
    (
        "too-many-dependencies",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: a, b, c
        }
        team a "A" {
        #    ^ too-many-dependencies
          reports_to: jane
          roles: engineering, qa, design, product
          depends_on b { owner: a plan: "x" }
          depends_on c { owner: a plan: "x" }
        }
        team b "B" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        team c "C" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        #- orgplan.toml
        [team]
        max-dependencies = 1
        "#,
    ),
    (
        "cross-initiative-dependency",
        r#"
        leader jane "Jane" { }
        leader raj "Raj" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        initiative pay "Pay" {
          leader: raj
          scope: "Payments"
          metrics: "Volume"
          teams: billing
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
          depends_on billing { owner: inbound plan: "Wrap it" }
        # ^^^^^^^^^^^^^^^^^^ cross-initiative-dependency
        }
        team billing "Billing" {
          reports_to: raj
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        // At the `reports_to:`, not also at the `teams:` entry.
        "ownership-reporting-mismatch",
        r#"
        leader jane "Jane" { }
        leader raj "Raj" { }
        initiative fba "FBA" {
          leader: jane
          model: ownership
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: raj
        #             ^^^ ownership-reporting-mismatch
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "leadership-model-mismatch",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          model: leadership
        #        ^^^^^^^^^^ leadership-model-mismatch
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "layered-approvals",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
          approvals: jane, inbound
        # ^^^^^^^^^^^^^^^^^^^^^^^^ layered-approvals
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "external-approval",
        r#"
        leader jane "Jane" { }
        leader vp "VP" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
          approvals: vp
        #            ^^ external-approval
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "missing-metrics",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
        #          ^^^ missing-metrics
          leader: jane
          scope: "Inbound"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
    (
        "missing-scope",
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
        #          ^^^ missing-scope
          leader: jane
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    ),
];

#[test]
fn every_rule_gives_one_finding_per_problem() {
    let mut failed = Vec::new();
    for (rule, plan) in CASES {
        let result = std::panic::catch_unwind(|| check_all(plan));
        match result {
            Ok(rendered) => assert!(
                rendered.contains(&format!("[{rule}]")),
                "the case for `{rule}` gives none of its findings:\n{rendered}"
            ),
            Err(_) => failed.push(*rule),
        }
    }
    assert!(failed.is_empty(), "cases failed: {failed:?}");
}

#[test]
fn every_rule_has_a_case() {
    for rule in ALL {
        assert!(
            CASES.iter().any(|(name, _)| *name == rule.name),
            "`{}` has no case in rules/policy.rs",
            rule.name
        );
    }
}

#[test]
fn a_healthy_plan_has_no_findings() {
    check_all(
        r#"
        leader jane "Jane" { }
        initiative fba "FBA" {
          leader: jane
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
        }
        "#,
    );
}
