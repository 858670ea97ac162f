//! Conversions between the analysis's plain data (byte offsets, findings)
//! and LSP types. Positions go through `orgplan_analysis::position` only.

use orgplan_analysis::ide::semantic_tokens::TokenKind;
use orgplan_analysis::position::{self, Encoding, LineCol, Lines};
use orgplan_analysis::rules::{self, Finding, Severity};
use orgplan_analysis::schema::BlockKind;
use orgplan_analysis::{Loc, TextRange};
use std::collections::HashMap;
use std::str::FromStr;
use tower_lsp_server::lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, PositionEncodingKind, Range, SemanticTokenModifier,
    SemanticTokenType, SemanticTokensLegend, SymbolKind, Uri,
};

pub fn offset(lines: &Lines, pos: Position, enc: Encoding) -> usize {
    position::to_offset(
        lines,
        LineCol {
            line: pos.line,
            col: pos.character,
        },
        enc,
    )
}

pub fn position(lines: &Lines, offset: usize, enc: Encoding) -> Position {
    let lc = position::to_line_col(lines, offset, enc);
    Position {
        line: lc.line,
        character: lc.col,
    }
}

pub fn range(lines: &Lines, r: TextRange, enc: Encoding) -> Range {
    let (start, end) = position::range_to_line_cols(lines, r.start(), r.end(), enc);
    Range {
        start: Position {
            line: start.line,
            character: start.col,
        },
        end: Position {
            line: end.line,
            character: end.col,
        },
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

/// The symbol kind of a block (`None`: a block of no known kind).
pub fn symbol_kind(k: Option<BlockKind>) -> SymbolKind {
    match k {
        Some(BlockKind::Leader) => SymbolKind::CLASS,
        Some(BlockKind::Initiative) => SymbolKind::MODULE,
        Some(BlockKind::Team) => SymbolKind::STRUCT,
        Some(BlockKind::DependsOn) => SymbolKind::FIELD,
        None => SymbolKind::OBJECT,
    }
}

/// The semantic token types, in the order of [`TokenKind::ALL`] (a
/// token's type is its index there), and the one modifier, `declaration`.
pub fn semantic_tokens_legend() -> SemanticTokensLegend {
    let token_type = |k: &TokenKind| match k {
        TokenKind::Keyword => SemanticTokenType::KEYWORD,
        TokenKind::Leader => SemanticTokenType::new("leader"),
        TokenKind::Team => SemanticTokenType::new("team"),
        TokenKind::Initiative => SemanticTokenType::new("initiative"),
        TokenKind::Property => SemanticTokenType::PROPERTY,
        TokenKind::Variable => SemanticTokenType::VARIABLE,
        TokenKind::EnumMember => SemanticTokenType::ENUM_MEMBER,
        TokenKind::String => SemanticTokenType::STRING,
        TokenKind::Number => SemanticTokenType::NUMBER,
        TokenKind::Comment => SemanticTokenType::COMMENT,
    };
    SemanticTokensLegend {
        token_types: TokenKind::ALL.iter().map(token_type).collect(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
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

/// How diagnostics link to their rule's documentation: under the
/// documentation base URL the configuration sets ([`rules::docs_link`]), and
/// nowhere without one (the editors show the rule's text themselves, e.g.
/// VS Code's *Explain Rule*). What every diagnostic of a rule says between
/// its severity and its message is escaped once per rule.
pub struct RuleLinks {
    uris: HashMap<&'static str, Uri>,
    /// `,"code":…,"codeDescription":{"href":…},"source":"orgplan","message":`.
    fields: HashMap<&'static str, Vec<u8>>,
}

impl RuleLinks {
    pub fn new(base: Option<&str>) -> RuleLinks {
        let uris: HashMap<&'static str, Uri> = match base {
            Some(base) => rules::ALL
                .iter()
                .filter_map(|r| {
                    Some((r.name, Uri::from_str(&rules::docs_link(base, r.name)).ok()?))
                })
                .collect(),
            None => HashMap::new(),
        };
        let fields = rules::ALL
            .iter()
            .map(|r| (r.name, rule_fields(r.name, uris.get(r.name))))
            .collect();
        RuleLinks { uris, fields }
    }

    /// The links of a workspace's configuration.
    pub fn of(ws: &orgplan_analysis::Workspace) -> RuleLinks {
        RuleLinks::new(ws.config().docs_base_url.as_deref())
    }

    fn uri(&self, rule: &str) -> Option<&Uri> {
        self.uris.get(rule)
    }

    fn fields(&self, rule: &str) -> std::borrow::Cow<'_, [u8]> {
        match self.fields.get(rule) {
            Some(f) => std::borrow::Cow::Borrowed(f.as_slice()),
            None => std::borrow::Cow::Owned(rule_fields(rule, None)),
        }
    }
}

fn rule_fields(rule: &str, href: Option<&Uri>) -> Vec<u8> {
    let mut out = br#","code":"#.to_vec();
    write_json(&mut out, rule);
    if let Some(href) = href {
        out.extend_from_slice(br#","codeDescription":{"href":"#);
        write_json(&mut out, href.as_str());
        out.push(b'}');
    }
    out.extend_from_slice(br#","source":"orgplan","message":"#);
    out
}

/// A finding as an LSP diagnostic; `locate` maps related places (in any file).
pub fn diagnostic(
    f: &Finding,
    lines: &Lines,
    enc: Encoding,
    links: &RuleLinks,
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
        range: range(lines, f.loc.range, enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: links
            .uri(f.rule)
            .map(|href| CodeDescription { href: href.clone() }),
        source: Some("orgplan".to_string()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// Where a related place lies: its file's URI and text.
pub type Place<'a> = Option<(&'a str, Lines<'a>)>;

/// Appends `{"start":{"line":…,"character":…},"end":{…}}`.
fn write_range(out: &mut Vec<u8>, r: Range) {
    let mut num = itoa::Buffer::new();
    out.extend_from_slice(br#"{"start":{"line":"#);
    out.extend_from_slice(num.format(r.start.line).as_bytes());
    out.extend_from_slice(br#","character":"#);
    out.extend_from_slice(num.format(r.start.character).as_bytes());
    out.extend_from_slice(br#"},"end":{"line":"#);
    out.extend_from_slice(num.format(r.end.line).as_bytes());
    out.extend_from_slice(br#","character":"#);
    out.extend_from_slice(num.format(r.end.character).as_bytes());
    out.extend_from_slice(b"}}");
}

/// The number LSP gives a severity.
fn severity_number(s: Severity) -> u8 {
    match s {
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Info => 3,
        Severity::Hint => 4,
    }
}

/// The body of a `textDocument/publishDiagnostics` notification for
/// `findings` (after a note counting `omitted` ones), as JSON text: what
/// tower-lsp would send for [`diagnostic`] of each, written straight from
/// the findings, without building a `Diagnostic` and then a JSON value of
/// it (what is the same for every diagnostic of a rule, or for every place
/// in a file, is escaped once). `locate` says where a related place lies;
/// places it cannot find are left out, as [`diagnostic`] does. Returns the
/// body and the range of the diagnostics array in it.
#[allow(clippy::too_many_arguments)]
pub fn publication_body<'a>(
    uri: &str,
    version: Option<i32>,
    findings: &'a [std::sync::Arc<Finding>],
    omitted: Option<usize>,
    lines: &Lines,
    enc: Encoding,
    links: &RuleLinks,
    locate: &dyn Fn(Loc) -> Place<'a>,
) -> (Vec<u8>, std::ops::Range<usize>) {
    // About 500 bytes a diagnostic.
    let mut out = Vec::with_capacity(160 + uri.len() + 512 * findings.len());
    out.extend_from_slice(
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
    );
    write_str(&mut out, uri);
    out.extend_from_slice(br#","diagnostics":"#);
    let start = out.len();
    out.push(b'[');
    let mut first = true;
    if let Some(n) = omitted {
        write_json(&mut out, &omitted_note(n));
        first = false;
    }
    // The escaped URIs of the files related places lie in.
    let mut uris: Vec<(&'a str, Vec<u8>)> = Vec::new();
    for f in findings {
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(br#"{"range":"#);
        write_range(&mut out, range(lines, f.loc.range, enc));
        out.extend_from_slice(br#","severity":"#);
        out.push(b'0' + severity_number(f.severity));
        out.extend_from_slice(&links.fields(f.rule));
        write_str(&mut out, &f.message);
        let mut any_related = false;
        for r in &f.related {
            let Some((file_uri, file_lines)) = locate(r.loc) else {
                continue;
            };
            out.extend_from_slice(if any_related {
                b","
            } else {
                br#","relatedInformation":["#
            });
            any_related = true;
            out.extend_from_slice(br#"{"location":{"uri":"#);
            match uris.iter().find(|(u, _)| std::ptr::eq(*u, file_uri)) {
                Some((_, escaped)) => out.extend_from_slice(escaped),
                None => {
                    let mut escaped = Vec::new();
                    write_str(&mut escaped, file_uri);
                    out.extend_from_slice(&escaped);
                    uris.push((file_uri, escaped));
                }
            }
            out.extend_from_slice(br#","range":"#);
            write_range(&mut out, range(&file_lines, r.loc.range, enc));
            out.extend_from_slice(br#"},"message":"#);
            write_str(&mut out, &r.message);
            out.push(b'}');
        }
        if any_related {
            out.push(b']');
        }
        out.push(b'}');
    }
    out.push(b']');
    let end = out.len();
    if let Some(v) = version {
        out.extend_from_slice(br#","version":"#);
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
    out.extend_from_slice(b"}}");
    (out, start..end)
}

/// Appends `s` as a JSON string. Most messages need no escape: those are
/// copied as they are, after one pass that the compiler can vectorise
/// (serde_json's escaper looks at one byte at a time).
fn write_str(out: &mut Vec<u8>, s: &str) {
    let plain = !s.bytes().fold(false, |seen, b| {
        seen | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        write_json(out, s);
    }
}

fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing these types into memory cannot fail: no maps with non-string
    // keys, no I/O.
    serde_json::to_writer(out, value).expect("diagnostics serialise");
}

#[cfg(test)]
mod tests {
    use super::*;
    use orgplan_analysis::Workspace;
    use tower_lsp_server::lsp_types::PublishDiagnosticsParams;

    /// The examples' plans, with text in every encoding's hard cases: the
    /// findings of `examples/violations`, related places across files, a
    /// note for omitted findings and escapes in messages.
    #[test]
    fn publication_body_is_what_tower_lsp_would_send() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/violations");
        let mut ws = Workspace::new();
        let mut names = Vec::new();
        for name in ["plan.orgplan", "more.orgplan"] {
            let mut text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            // Characters outside ASCII before findings.
            text = text.replacen('\n', "\n# \u{1F600} 漢字\n", 1);
            ws.set_file(name, text);
            names.push(name.to_string());
        }
        ws.set_max_findings_per_file(Some(5));
        let analysis = ws.analysis();
        let lines_of = |path: &str| ws.lines(ws.file_id(path).unwrap()).unwrap();
        use std::collections::HashMap;
        let uri_of = |name: &str| Uri::from_str(&format!("file:///plans/{name}")).unwrap();
        let uris: HashMap<String, Uri> = names.iter().map(|k| (k.clone(), uri_of(k))).collect();
        let mut checked = 0;
        let with_links = RuleLinks::new(Some("https://docs.example.com/orgplan"));
        let without = RuleLinks::new(None);
        for (enc, links) in [
            (Encoding::Utf8, &with_links),
            (Encoding::Utf16, &without),
            (Encoding::Utf32, &with_links),
        ] {
            for (id, file) in ws.files() {
                let lines = lines_of(&file.path);
                let uri = &uris[&file.path];
                let mut findings = analysis.findings_in(id).to_vec();
                // A message that needs escapes.
                let mut odd = (*findings[0]).clone();
                odd.message =
                    "a \"quote\", a \\ backslash, a\nline break, \u{7} and \u{1F600}".into();
                findings.push(std::sync::Arc::new(odd));
                let findings = &findings[..];
                let omitted = analysis.omitted.get(&id).copied();
                let located = |loc: Loc| {
                    let path = ws.path(loc.file)?;
                    Some(Location {
                        uri: uris.get(path)?.clone(),
                        range: range(&lines_of(path), loc.range, enc),
                    })
                };
                let mut expected: Vec<Diagnostic> = findings
                    .iter()
                    .map(|f| diagnostic(f, &lines, enc, links, &located))
                    .collect();
                if let Some(n) = omitted {
                    expected.insert(0, omitted_note(n));
                }
                for version in [None, Some(7)] {
                    let expected = serde_json::json!({
                        "jsonrpc": "2.0",
                        "method": "textDocument/publishDiagnostics",
                        "params": PublishDiagnosticsParams {
                            uri: uri.clone(),
                            diagnostics: expected.clone(),
                            version,
                        },
                    });
                    let (body, array) = publication_body(
                        uri.as_str(),
                        version,
                        findings,
                        omitted,
                        &lines,
                        enc,
                        links,
                        &|loc| {
                            let path = ws.path(loc.file)?;
                            Some((uris.get(path)?.as_str(), lines_of(path)))
                        },
                    );
                    let got: serde_json::Value = serde_json::from_slice(&body).unwrap();
                    assert_eq!(got, expected);
                    assert_eq!(
                        got["params"]["diagnostics"],
                        serde_json::from_slice::<serde_json::Value>(&body[array]).unwrap()
                    );
                    checked += expected["params"]["diagnostics"].as_array().unwrap().len();
                }
            }
        }
        assert!(checked > 20, "{checked}");
        assert!(!analysis.omitted.is_empty());
        assert!(analysis.findings.iter().any(|f| !f.related.is_empty()));
    }
}
