//! `docs/rules.md` is rendered from the rule registry; this test keeps the
//! checked-in file in step (set `UPDATE_DOCS=1` to rewrite it), and checks
//! that every rule's example really trips the rule.

use orgplan_analysis::rules::{self, docs};
use orgplan_analysis::Workspace;
use std::path::Path;

#[test]
fn rules_md_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let want = docs::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "docs/rules.md is out of date: run UPDATE_DOCS=1 cargo test -p orgplan-analysis --test docs");
}

#[test]
fn every_example_trips_its_rule() {
    for rule in rules::ALL {
        let mut ws = Workspace::new();
        if rule.name == "invalid-config" {
            ws.set_config_file(Some(("orgplan.toml", rule.example.to_string())));
        } else {
            ws.set_file("example.orgplan", rule.example.to_string());
        }
        let a = ws.analysis();
        assert!(
            a.findings.iter().any(|f| f.rule == rule.name),
            "the example of `{}` does not trip it:\n{}",
            rule.name,
            rule.example
        );
    }
}

#[test]
fn names_are_unique_kebab_case_and_texts_are_filled() {
    let mut seen = std::collections::HashSet::new();
    for r in rules::ALL {
        assert!(seen.insert(r.name), "duplicate rule {}", r.name);
        assert!(
            r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            r.name
        );
        for (what, text) in [
            ("summary", r.summary),
            ("principle", r.principle),
            ("fix", r.fix),
            ("findings", r.findings),
            ("spares", r.spares),
        ] {
            assert!(text.len() > 20, "{}: {what} is too short", r.name);
        }
        if r.group == rules::Group::Principle {
            assert!(
                !r.questions.is_empty(),
                "{}: a principle cites the article's questions",
                r.name
            );
        }
    }
}
