//! The body of a `textDocument/publishDiagnostics` notification, written
//! by hand as JSON text straight from the findings.
//!
//! Replaces: a `Diagnostic` per finding ([`crate::convert::diagnostic`])
//! handed to tower-lsp, which turns each into a `serde_json::Value` tree
//! and then into text. Why: on a file with a thousand findings that cost
//! more than the analysis of the keystroke; here what is the same for every
//! diagnostic of a rule, or for every place in a file, is escaped once,
//! numbers are written with `itoa`, and strings without escapes are copied.
//! Shown by: BENCHMARKS.md, "What each change bought", the rows
//! "publications written as JSON text straight from the findings" (keystroke
//! → diagnostics p50 9.4 → 5.6 ms) and "publications written by hand"
//! (5.6 → 4.3 ms), measured with `orgplan-bench lsp`.
//! Held equal to serde_json's output: the tests below compare the text,
//! parsed, with what tower-lsp would send, on the examples and on
//! generated messages.

use crate::convert::{omitted_note, range, RuleLinks};
use crate::memo::Recorder;
use crate::ranges::Converter;
use orgplan_analysis::position::{Encoding, Lines};
use orgplan_analysis::rules::{Finding, Severity};
use orgplan_analysis::{FileId, Loc};
use tower_lsp_server::lsp_types::{Range, Uri};

/// Where a related place lies: its file's URI and text.
pub type Place<'a> = Option<(&'a str, Lines<'a>)>;

/// A [`Place`] with its URI escaped as a JSON string.
type Located<'a> = Option<(Vec<u8>, Lines<'a>)>;

/// Appends `{"start":{"line":…,"character":…},"end":{…}}`.
pub(crate) fn write_range(out: &mut Vec<u8>, r: Range) {
    out.extend_from_slice(br#"{"start":"#);
    write_position(out, r.start);
    out.extend_from_slice(br#","end":"#);
    write_position(out, r.end);
    out.push(b'}');
}

/// Appends `{"line":…,"character":…}`.
pub(crate) fn write_position(out: &mut Vec<u8>, p: tower_lsp_server::lsp_types::Position) {
    use crate::transport::write_u32;
    out.extend_from_slice(br#"{"line":"#);
    write_u32(out, p.line);
    out.extend_from_slice(br#","character":"#);
    write_u32(out, p.character);
    out.push(b'}');
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
pub fn publication_body<'a, 'f>(
    uri: &str,
    version: Option<i32>,
    findings: &'f [std::sync::Arc<Finding>],
    omitted: Option<usize>,
    conv: &mut Converter,
    enc: Encoding,
    links: &RuleLinks,
    locate: &dyn Fn(Loc) -> Place<'a>,
) -> (std::sync::Arc<Vec<u8>>, std::ops::Range<usize>) {
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
    let mut places = Places::default();
    // Diagnostics that did not change since the last publication are
    // copied from its text ([`crate::memo`]).
    let mut memo = Recorder::new(conv.take_memo(), uri, links.base(), findings);
    for f in findings {
        if !first {
            out.push(b',');
        }
        first = false;
        let mut current = |file, revision, uri: &[u8]| {
            let located = places.of(Loc::new(file, Default::default()), locate);
            located
                .as_ref()
                .is_some_and(|(u, lines)| lines.text().revision() == revision && u == uri)
        };
        if memo.copy(f, &mut out, &mut current) {
            continue;
        }
        let start = out.len();
        out.extend_from_slice(br#"{"range":"#);
        let lsp = conv.next_range(f.loc.range);
        let at = out.len();
        write_range(&mut out, lsp);
        memo.start(f, start, lsp, at..out.len());
        out.extend_from_slice(br#","severity":"#);
        out.push(b'0' + severity_number(f.severity));
        out.extend_from_slice(&links.fields(f.rule));
        let at = out.len();
        let plain = write_str(&mut out, &f.message);
        memo.message(&f.message, at, out.len(), plain);
        write_related(&mut out, f, &mut places, conv, enc, locate, &mut memo);
        out.push(b'}');
        memo.finish(out.len());
    }
    out.push(b']');
    let end = out.len();
    if let Some(v) = version {
        out.extend_from_slice(br#","version":"#);
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
    out.extend_from_slice(b"}}");
    let out = std::sync::Arc::new(out);
    conv.keep_memo(memo.into_memo(&out));
    (out, start..end)
}

/// The files related places lie in, each located once a publication (not
/// once a place: a lookup by path): its URI escaped, and its lines; `None`
/// when it cannot be located.
#[derive(Default)]
struct Places<'a>(Vec<(FileId, Located<'a>)>);

impl<'a> Places<'a> {
    fn of(&mut self, loc: Loc, locate: &dyn Fn(Loc) -> Place<'a>) -> &Located<'a> {
        let known = self.0.iter().position(|(file, _)| *file == loc.file);
        let i = known.unwrap_or_else(|| {
            let place = locate(loc).map(|(uri, lines)| {
                let mut escaped = Vec::new();
                write_str(&mut escaped, uri);
                (escaped, lines)
            });
            self.0.push((loc.file, place));
            self.0.len() - 1
        });
        &self.0[i].1
    }
}

/// Appends `,"relatedInformation":[…]` for the related places of `f` that
/// can be located (nothing when none can).
fn write_related<'a>(
    out: &mut Vec<u8>,
    f: &Finding,
    places: &mut Places<'a>,
    conv: &mut Converter,
    enc: Encoding,
    locate: &dyn Fn(Loc) -> Place<'a>,
    memo: &mut Recorder,
) {
    let mut any_related = false;
    for r in &f.related {
        let Some((file_uri, file_lines)) = places.of(r.loc, locate) else {
            memo.related(f, r, None);
            continue;
        };
        out.extend_from_slice(if any_related {
            b","
        } else {
            br#","relatedInformation":["#
        });
        any_related = true;
        out.extend_from_slice(br#"{"location":{"uri":"#);
        out.extend_from_slice(file_uri);
        out.extend_from_slice(br#","range":"#);
        // A place in the finding's own file is converted as the finding
        // is (its kept ranges).
        let lsp = if r.loc.file == f.loc.file {
            conv.range(r.loc.range)
        } else {
            range(file_lines, r.loc.range, enc)
        };
        let at = out.len();
        write_range(out, lsp);
        let revision = file_lines.text().revision();
        memo.related(f, r, Some((lsp, at..out.len(), revision, file_uri)));
        out.extend_from_slice(br#"},"message":"#);
        let at = out.len();
        let plain = write_str(out, &r.message);
        memo.message(&r.message, at, out.len(), plain);
        out.push(b'}');
    }
    if any_related {
        out.push(b']');
    }
}

/// Appends `s` as a JSON string; `true` if it needed no escape. Most
/// messages need none: those are copied as they are, after one pass that
/// the compiler can vectorise (serde_json's escaper looks at one byte at a
/// time).
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) -> bool {
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
    plain
}

fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing these types into memory cannot fail: no maps with non-string
    // keys, no I/O.
    serde_json::to_writer(out, value).expect("diagnostics serialise");
}

/// What every diagnostic of `rule` says between its severity and its
/// message.
pub(crate) fn rule_fields(rule: &str, href: Option<&Uri>) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::diagnostic;
    use orgplan_analysis::Workspace;
    use std::str::FromStr;
    use tower_lsp_server::lsp_types::PublishDiagnosticsParams;
    use tower_lsp_server::lsp_types::{Diagnostic, Location};

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
                        &mut Converter::new(&lines, enc, Default::default()),
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

    /// Finding `n` of a plan whose findings have related places, as the
    /// generated cases start from.
    fn plan_findings() -> (Workspace, Vec<std::sync::Arc<Finding>>) {
        let mut ws = Workspace::new();
        let text = "leader a \"A\" { }\nteam t { reports_to: a }\nteam t { reports_to: b }\n";
        ws.set_file("p.orgplan", text.to_string());
        let analysis = ws.analysis();
        let id = ws.file_id("p.orgplan").unwrap();
        let findings = analysis.findings_in(id).to_vec();
        (ws, findings)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_text_is_written_as_serde_json_writes_it(
            message in proptest::prelude::any::<String>(),
            related in proptest::prelude::any::<String>(),
            rule in "[a-z\"\\\\-]{1,12}",
            version in proptest::prelude::any::<Option<i32>>(),
            omitted in proptest::option::of(0usize..5000),
        ) {
            let (ws, mut findings) = plan_findings();
            proptest::prop_assert!(findings.iter().any(|f| !f.related.is_empty()));
            let rule: &'static str = Box::leak(rule.into_boxed_str());
            for f in &mut findings {
                let f = std::sync::Arc::make_mut(f);
                f.message = message.as_str().into();
                f.rule = rule;
                for r in &mut f.related {
                    r.message = related.as_str().into();
                }
            }
            let id = ws.file_id("p.orgplan").unwrap();
            let lines = ws.lines(id).unwrap();
            let uri = Uri::from_str("file:///plans/p%20q.orgplan").unwrap();
            let links = RuleLinks::new(Some("https://docs.example.com/orgplan"));
            let located = |loc: Loc| Some(Location {
                uri: uri.clone(),
                range: range(&ws.lines(loc.file)?, loc.range, Encoding::Utf16),
            });
            let mut expected: Vec<Diagnostic> = findings
                .iter()
                .map(|f| diagnostic(f, &lines, Encoding::Utf16, &links, &located))
                .collect();
            if let Some(n) = omitted {
                expected.insert(0, omitted_note(n));
            }
            let expected = serde_json::json!({
                "jsonrpc": "2.0",
                "method": "textDocument/publishDiagnostics",
                "params": PublishDiagnosticsParams { uri: uri.clone(), diagnostics: expected, version },
            });
            let (body, _) = publication_body(
                uri.as_str(),
                version,
                &findings,
                omitted,
                &mut Converter::new(&lines, Encoding::Utf16, Default::default()),
                Encoding::Utf16,
                &links,
                &|loc| Some((uri.as_str(), ws.lines(loc.file)?)),
            );
            let got: serde_json::Value = serde_json::from_slice(&body).unwrap();
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
