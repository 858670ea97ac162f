//! Nothing inside a string is ever code: a string is one token on one line,
//! and however it is broken (an escape the language does not have, a code
//! point past Unicode or a surrogate, no closing quote, a missing colon
//! before it) the words in it never become blocks, properties, references
//! or dependencies.

use orgplan_analysis::Workspace;
use proptest::prelude::*;
use std::collections::BTreeSet;

const PLAN: &str = r#"leader jane "Jane" {
  title: "Director"
}

initiative fba "FBA" {
  leader: jane
  scope: "Inbound"
  metrics: "Units"
  teams: inbound
@INITIATIVE@
}

team inbound "Inbound" {
  reports_to: jane
  roles: engineering, qa, design, product
@TEAM@
  depends_on payments {
    owner: inbound
    plan: "Events API"
  }
}

team payments "Payments" {
  reports_to: jane
  roles: engineering, qa, design, product
}
"#;

/// What a plan declares and how it is linked: entities, references (name,
/// where written, what it resolves to) and dependencies.
fn shape(text: &str) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let mut ws = Workspace::new();
    ws.set_file("a.orgplan", text.to_string());
    let a = ws.analysis();
    let m = &a.model;
    let entities = m
        .entities()
        .map(|e| format!("{:?} {}", e.kind(), m.decl(e).id))
        .collect();
    let references = m
        .references()
        .map(|r| {
            format!(
                "{} {} {:?}",
                r.name,
                r.context.as_str(),
                m.resolve(r).map(|t| m.decl(t).id.clone())
            )
        })
        .collect();
    let dependencies = m
        .teams
        .iter()
        .flat_map(|t| {
            t.dependencies
                .iter()
                .map(move |d| format!("{} -> {}", t.decl.id, d.target.name))
        })
        .collect();
    (entities, references, dependencies)
}

/// Text of one line, without a quote: the language's words, braces,
/// colons, backslashes and escapes good and bad, and anything printable.
fn line_text() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("team x ".to_string()),
        Just("leader y ".to_string()),
        Just("initiative z ".to_string()),
        Just("depends_on billing".to_string()),
        Just("depends_on payments { owner: jane }".to_string()),
        Just("teams: inbound, ghost".to_string()),
        Just("roles: qa".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(":".to_string()),
        Just(",".to_string()),
        Just("#".to_string()),
        Just("\\".to_string()),
        Just("\\\\".to_string()),
        Just("\\%".to_string()),
        Just("\\n".to_string()),
        Just("\\u{1F600}".to_string()),
        Just("\\u{110000}".to_string()),
        Just("\\u{D800}".to_string()),
        Just("\\u{".to_string()),
        Just("\\u{zz}".to_string()),
        Just("true".to_string()),
        Just("50%".to_string()),
        Just("josé".to_string()),
        Just("団体".to_string()),
        Just(" ".to_string()),
        "[a-z_-]{1,8}".prop_map(|s| s),
        "[ !#-~]{0,6}".prop_map(|s| s),
    ];
    proptest::collection::vec(atoms, 0..12).prop_map(|v| v.concat())
}

/// How the text is written in a string: as a property's value, as one
/// with its colon missing, either of them with the closing quote missing,
/// or as a nested block's title.
fn wrap(how: u8, key: &str, text: &str) -> String {
    match how % 5 {
        0 => format!("  {key}: \"{text}\""),
        1 => format!("  {key} \"{text}\""),
        2 => format!("  {key}: \"{text}"),
        3 => format!("  {key} \"{text}"),
        _ => format!("  {key}: \"a\", \"{text}\""),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn text_in_a_string_declares_and_links_nothing(
        text in line_text(),
        in_initiative in any::<bool>(),
        how in any::<u8>(),
    ) {
        let base = PLAN.replace("@INITIATIVE@", "").replace("@TEAM@", "");
        let (key, slot, other) = if in_initiative {
            ("description", "@INITIATIVE@", "@TEAM@")
        } else {
            ("description", "@TEAM@", "@INITIATIVE@")
        };
        let wrapped = PLAN
            .replace(slot, &wrap(how, key, &text))
            .replace(other, "");
        prop_assert_eq!(shape(&wrapped), shape(&base), "{}", wrapped);
    }
}

#[test]
fn a_string_missing_its_colon_makes_no_dependency() {
    let text = PLAN
        .replace(
            "@INITIATIVE@",
            "  description \"we do not depends_on billing\"",
        )
        .replace("@TEAM@", "  description \"we do not depends_on billing\"");
    let base = PLAN.replace("@INITIATIVE@", "").replace("@TEAM@", "");
    assert_eq!(shape(&text), shape(&base));
}

/// Each broken string gives one finding, saying what is wrong with it.
#[test]
fn a_bad_escape_is_named() {
    let cases = [
        (r#""50\% off""#, "bad escape `\\%`"),
        (r#""\u{110000}""#, "bad escape `\\u{110000}`"),
        (r#""\u{D800}""#, "bad escape `\\u{D800}`"),
        (r#""\u{12""#, "bad escape `\\u`"),
        (r#""no closing quote"#, "missing `\"`"),
        (
            r#""C:\temp\""#,
            "missing `\"`: a string ends on the line it starts (`\\\"`",
        ),
        (r#""ends in \\\"#, "a `\\` at the end of a line"),
    ];
    for (string, expected) in cases {
        let text = format!("leader jane \"Jane\" {{\n  title: {string}\n}}\n");
        let mut ws = Workspace::new();
        ws.set_file("a.orgplan", text.clone());
        let a = ws.analysis();
        let messages: Vec<&str> = a.findings.iter().map(|f| &*f.message).collect();
        assert_eq!(messages.len(), 1, "{text}: {messages:?}");
        assert!(
            messages[0].starts_with(expected),
            "{text}: {messages:?}, expected {expected}"
        );
    }
}
