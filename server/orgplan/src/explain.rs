//! `orgplan explain`: a rule's principle, questions, fix and example.

use crate::cli::ExplainArgs;
use crate::Failure;
use orgplan_analysis::rules::{self, Group, Rule};
use std::fmt::Write as _;
use std::process::ExitCode;

pub fn run(args: ExplainArgs) -> Result<ExitCode, Failure> {
    let text = match args.rule.as_deref() {
        None => list(),
        Some(name) => match rules::by_name(name) {
            Some(rule) => explain(rule),
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

/// One rule, Markdown-ish.
pub fn explain(r: &Rule) -> String {
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
        "## Source\n\n\"{}\", {}\nDocs: {}",
        rules::SOURCE_TITLE,
        rules::SOURCE_URL,
        rules::docs_url(r.name)
    );
    out
}
