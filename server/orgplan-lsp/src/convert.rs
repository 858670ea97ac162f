//! Conversions between the analysis's plain data (byte offsets, findings)
//! and LSP types. Positions go through `orgplan_analysis::position` only.

use orgplan_analysis::config::{Config, Level};
use orgplan_analysis::position::{self, Encoding, LineCol};
use orgplan_analysis::rules::{self, Finding, Severity};
use orgplan_analysis::{Loc, TextRange};
use ropey::Rope;
use std::str::FromStr;
use tower_lsp_server::lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, PositionEncodingKind, Range, Uri,
};

pub fn offset(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    position::to_offset(
        rope,
        LineCol {
            line: pos.line,
            col: pos.character,
        },
        enc,
    )
}

pub fn position(rope: &Rope, offset: usize, enc: Encoding) -> Position {
    let lc = position::to_line_col(rope, offset, enc);
    Position {
        line: lc.line,
        character: lc.col,
    }
}

pub fn range(rope: &Rope, r: TextRange, enc: Encoding) -> Range {
    Range {
        start: position(rope, r.start, enc),
        end: position(rope, r.end, enc),
    }
}

pub fn encoding_kind(enc: Encoding) -> PositionEncodingKind {
    match enc {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// At most this many diagnostics are published per file (the most severe
/// kept), plus one note counting the rest: a pathological file must not
/// flood the editor.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 1000;

/// The note that stands for `n` diagnostics left out of a file.
pub fn omitted_note(n: usize) -> Diagnostic {
    Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String("too-many-findings".to_string())),
        source: Some("orgplan".to_string()),
        message: format!(
            "{n} more findings in this file are not shown: at most {MAX_DIAGNOSTICS_PER_FILE} are reported per file, the most severe first"
        ),
        ..Diagnostic::default()
    }
}

/// The documentation page of a rule, parsed once per rule.
fn docs_uri(rule: &str) -> Option<Uri> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static URIS: OnceLock<HashMap<&'static str, Uri>> = OnceLock::new();
    URIS.get_or_init(|| {
        rules::ALL
            .iter()
            .filter_map(|r| Some((r.name, Uri::from_str(&rules::docs_url(r.name)).ok()?)))
            .collect()
    })
    .get(rule)
    .cloned()
}

/// A finding as an LSP diagnostic; `locate` maps related places (in any file).
pub fn diagnostic(
    f: &Finding,
    rope: &Rope,
    enc: Encoding,
    locate: &dyn Fn(Loc) -> Option<Location>,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|r| {
            Some(DiagnosticRelatedInformation {
                location: locate(r.loc)?,
                message: r.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: range(rope, f.loc.range, enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: docs_uri(f.rule).map(|href| CodeDescription { href }),
        source: Some("orgplan".to_string()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The editor's `orgplan` settings section:
/// `{ "rules": { "rule-name": "error|warning|info|hint|off" },
///    "team": { "requiredRoles": [...], "maxDependencies": N } }`.
/// Anything unreadable is skipped (and logged).
pub fn client_config(v: &serde_json::Value) -> Option<Config> {
    let obj = v.as_object()?;
    let mut c = Config::default();
    let mut any = false;
    if let Some(rules) = obj.get("rules").and_then(|r| r.as_object()) {
        for (name, level) in rules {
            let Some(rule) = rules::by_name(name) else {
                tracing::warn!("settings: unknown rule `{name}`");
                continue;
            };
            match level.as_str().and_then(Level::parse) {
                Some(l) => {
                    c.rules.insert(rule.name.to_string(), l);
                    any = true;
                }
                None => tracing::warn!("settings: invalid level {level} for `{name}`"),
            }
        }
    }
    if let Some(team) = obj.get("team").and_then(|t| t.as_object()) {
        if let Some(roles) = team.get("requiredRoles").and_then(|r| r.as_array()) {
            c.required_roles = roles
                .iter()
                .filter_map(|r| r.as_str().map(String::from))
                .collect();
            any = true;
        }
        if let Some(n) = team.get("maxDependencies").and_then(|n| n.as_u64()) {
            c.max_dependencies = n as usize;
            any = true;
        }
    }
    any.then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_and_bad_entries_skipped() {
        let v = serde_json::json!({
            "rules": { "missing-scope": "off", "orphan-team": "hint", "nope": "error", "missing-metrics": "loud" },
            "team": { "requiredRoles": ["engineering"], "maxDependencies": 5 }
        });
        let c = client_config(&v).unwrap();
        assert_eq!(c.rules.len(), 2);
        assert_eq!(c.rules["missing-scope"], Level::Off);
        assert_eq!(c.rules["orphan-team"], Level::On(Severity::Hint));
        assert_eq!(c.required_roles, vec!["engineering"]);
        assert_eq!(c.max_dependencies, 5);
        assert!(client_config(&serde_json::json!({})).is_none());
        assert!(client_config(&serde_json::Value::Null).is_none());
    }
}
