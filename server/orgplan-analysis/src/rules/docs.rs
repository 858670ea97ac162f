//! The rules reference, `docs/rules.md`, rendered from the registry. A test
//! keeps the checked-in file equal to this rendering.

use super::{Group, ALL, SOURCE_TITLE, SOURCE_URL};
use std::fmt::Write as _;

/// `docs/rules.md`.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("# Rules\n\n");
    out.push_str("<!-- Generated from the rule registry (server/orgplan-analysis/src/rules). Do not edit by hand: run `UPDATE_DOCS=1 cargo test -p orgplan-analysis --test docs`. -->\n\n");
    let _ = writeln!(
        out,
        "Every rule of orgplan, its default severity and when it fires. The principles come from [{SOURCE_TITLE}]({SOURCE_URL}); the summaries are ours. Change a rule's level in `orgplan.toml`:\n\n```toml\n[rules]\npart-time-leader = \"error\"   # error | warning | info | hint | off\nmissing-metrics = \"off\"\n\n[team]\nrequired-roles = [\"engineering\", \"qa\", \"design\", \"product\"]\nmax-dependencies = 3\n```\n"
    );
    for (group, title) in [
        (Group::Structure, "Structure"),
        (Group::Principle, "Principles"),
    ] {
        let _ = writeln!(
            out,
            "## {title}\n\n| rule | default | when |\n|---|---|---|"
        );
        for r in ALL.iter().filter(|r| r.group == group) {
            let _ = writeln!(
                out,
                "| [`{}`](#{}) | {} | {} |",
                r.name, r.name, r.default_severity, r.summary
            );
        }
        out.push('\n');
    }
    for r in ALL {
        let _ = writeln!(out, "## {}\n", r.name);
        let _ = writeln!(
            out,
            "Default severity: **{}**. {}\n",
            r.default_severity, r.summary
        );
        let _ = writeln!(out, "{}\n", r.principle);
        if !r.questions.is_empty() {
            out.push_str("Questions the article asks:\n\n");
            for q in r.questions {
                let _ = writeln!(out, "- {q}");
            }
            out.push('\n');
        }
        let _ = writeln!(out, "**Fix:** {}\n", r.fix);
        let lang = if r.name == "invalid-config" {
            "toml"
        } else {
            "orgplan"
        };
        let _ = writeln!(out, "Example:\n\n```{lang}\n{}```\n", r.example);
        if r.group == Group::Principle {
            let _ = writeln!(out, "Source: [{SOURCE_TITLE}]({SOURCE_URL})\n");
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
