//! `orgplan explain`: a rule's principle, questions, fix and example.

use crate::cli::{ExplainArgs, ExplainFormat};
use crate::Failure;
use orgplan_analysis::rules::{self, Group, Rule};
use serde_json::json;
use std::fmt::Write as _;
use std::process::ExitCode;

pub fn run(args: ExplainArgs) -> Result<ExitCode, Failure> {
    let docs = docs_base();
    let json = args.format == ExplainFormat::Json;
    let text = match args.rule.as_deref() {
        None if json => to_json(&json!(rules::ALL
            .iter()
            .map(|r| rule_json(r, docs.as_deref()))
            .collect::<Vec<_>>())),
        None => list(),
        Some(name) => match rules::by_name(name) {
            Some(rule) if json => to_json(&rule_json(rule, docs.as_deref())),
            Some(rule) => explain(rule, docs.as_deref()),
            None => {
                let mut msg = format!("unknown rule `{name}`");
                if let Some(s) =
                    orgplan_analysis::suggest::best(name, rules::ALL.iter().map(|r| r.name))
                {
                    let _ = write!(msg, " — did you mean `{s}`?");
                }
                msg.push_str(" (`orgplan explain --list` lists the rules)");
                return Err(Failure(msg));
            }
        },
    };
    crate::stdout::write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The documentation base URL of the nearest `orgplan.toml` (from the
/// current folder up), if it sets one: rule links are made under it, and
/// none without it.
fn docs_base() -> Option<String> {
    let (path, _) = crate::files::find_config(&[])?;
    let text = std::fs::read_to_string(path).ok()?;
    orgplan_analysis::config::parse(&text).0.docs_base_url
}

fn to_json(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("rules serialise");
    s.push('\n');
    s
}

/// A rule as `orgplan explain --format json` gives it.
fn rule_json(r: &Rule, docs: Option<&str>) -> serde_json::Value {
    let mut v = json!({
        "name": r.name,
        "group": group_name(r.group),
        "default_severity": r.default_severity.as_str(),
        "summary": r.summary,
        "principle": r.principle,
        "questions": r.questions,
        "fix": r.fix,
        "example": r.example,
        "source": { "title": rules::SOURCE_TITLE, "url": rules::SOURCE_URL },
    });
    if let Some(base) = docs {
        v["docs_url"] = json!(rules::docs_link(base, r.name));
    }
    v
}

fn group_name(g: Group) -> &'static str {
    match g {
        Group::Structure => "structure",
        Group::Principle => "principle",
    }
}

/// Every rule: name, default severity, summary.
pub fn list() -> String {
    let width = rules::ALL.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (group, title) in [
        (Group::Structure, "Structure rules"),
        (Group::Principle, "Principles"),
    ] {
        let _ = writeln!(out, "{title}:");
        for r in rules::ALL.iter().filter(|r| r.group == group) {
            let _ = writeln!(
                out,
                "  {:width$}  {:7}  {}",
                r.name,
                r.default_severity.as_str(),
                r.summary
            );
        }
        out.push('\n');
    }
    out.push_str("Run `orgplan explain RULE` for a rule's principle, questions and fix.\n");
    out
}

/// One rule, Markdown-ish; with a documentation base, a link to its page.
pub fn explain(r: &Rule, docs: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", r.name);
    let _ = writeln!(
        out,
        "Severity: {} by default ({} rule; change it in orgplan.toml or with --rule {}=LEVEL)\n",
        r.default_severity,
        group_name(r.group),
        r.name
    );
    let _ = writeln!(out, "{}\n", r.summary);
    let _ = writeln!(out, "## Principle\n\n{}\n", r.principle);
    if !r.questions.is_empty() {
        out.push_str("## Questions to ask\n\n");
        for q in r.questions {
            let _ = writeln!(out, "- {q}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## How to fix\n\n{}\n", r.fix);
    let _ = writeln!(out, "## Findings\n\n{}\n", r.findings);
    let _ = writeln!(out, "## Does not flag\n\n{}\n", r.spares);
    if !r.example.trim().is_empty() {
        let _ = writeln!(
            out,
            "## Example\n\n```orgplan\n{}\n```\n",
            r.example.trim_end()
        );
    }
    let _ = writeln!(
        out,
        "## Source\n\n\"{}\", {}",
        rules::SOURCE_TITLE,
        rules::SOURCE_URL,
    );
    if let Some(base) = docs {
        let _ = writeln!(out, "Docs: {}", rules::docs_link(base, r.name));
    }
    out
}
