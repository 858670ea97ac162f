//! Rules work on partial trees: an error in one block hides nothing in the
//! others, and what a broken block does say still counts.

use orgplan_analysis::Workspace;

fn rules_of(text: &str) -> Vec<(&'static str, String)> {
    let mut ws = Workspace::new();
    ws.set_file("a.orgplan", text.to_string());
    let a = ws.analysis();
    a.findings
        .iter()
        .map(|f| {
            (
                f.rule,
                text[f.loc.range.start()..f.loc.range.end()].to_string(),
            )
        })
        .collect()
}

#[test]
fn a_broken_block_hides_nothing_around_it() {
    let text = r#"
leader jane "Jane" { }

initiative broken "Broken" {
  leader: jane
  scope: "a" "b"
  teams: ghost
}

initiative next "Next" {
  leader: jane
  metrics: "m"
}

team orphan "Orphan" {
  roles: engineering, qa, design, product
"#;
    let found = rules_of(text);
    let has = |rule: &str, at: &str| found.iter().any(|(r, t)| *r == rule && t == at);
    assert!(has("syntax-error", "\"b\""), "{found:?}");
    // The broken initiative still names its leader and a team.
    assert!(has("leader-not-single-threaded", "jane"), "{found:?}");
    assert!(has("undefined-reference", "ghost"), "{found:?}");
    // The blocks after it are checked.
    assert!(has("missing-scope", "next"), "{found:?}");
    // Even the unclosed last block.
    assert!(has("orphan-team", "orphan"), "{found:?}");
}

#[test]
fn a_half_typed_property_keeps_the_block() {
    let text = "initiative a \"A\" {\n  leader:\n  scope: \"s\"\n  metrics: \"m\"\n}\n";
    let found = rules_of(text);
    assert!(
        found
            .iter()
            .any(|(r, _)| *r == "initiative-without-leader" || *r == "invalid-value"),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(r, _)| *r == "missing-scope"),
        "{found:?}"
    );
}
