//! Printing findings: rustc-style with snippets, JSON, SARIF 2.1.0.

use annotate_snippets::{Level as SnippetLevel, Message, Renderer, Snippet};
use orgplan_analysis::position::{self, Lines};
use orgplan_analysis::rules::{self, Finding, Severity};
use orgplan_analysis::{FileId, Loc, Workspace};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A place in human terms: 1-based lines and columns (in characters).
#[derive(Clone, Debug)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// The findings of one run with their places resolved.
pub struct Report<'a> {
    pub items: Vec<(&'a Finding, Place, Vec<Place>)>,
    /// Per finding, the link to its rule's documentation, when the
    /// workspace's configuration sets a documentation base URL.
    pub links: Vec<Option<String>>,
    /// The documentation base URL (of the first workspace that sets one).
    pub docs_base: Option<String>,
    /// Per finding, per fix: where each edit goes.
    pub fix_places: Vec<Vec<Vec<Place>>>,
    /// How many plan files were checked.
    pub files: usize,
}

impl<'a> Report<'a> {
    pub fn new(
        ws: &Workspace,
        findings: &'a [std::sync::Arc<Finding>],
        files: usize,
    ) -> Report<'a> {
        // One per file, so that places in order along a line are counted on.
        let mut lines: HashMap<FileId, Option<Lines>> = HashMap::new();
        let mut place = |loc: Loc| -> Place {
            let ((line, column), (end_line, end_column)) =
                match lines.entry(loc.file).or_insert_with(|| ws.lines(loc.file)) {
                    Some(l) => (
                        position::to_human(l, loc.range.start()),
                        position::to_human(l, loc.range.end()),
                    ),
                    None => ((1, 1), (1, 1)),
                };
            Place {
                file: ws.path(loc.file).unwrap_or("?").to_string(),
                line,
                column,
                end_line,
                end_column,
            }
        };
        let mut items = Vec::with_capacity(findings.len());
        let mut fix_places = Vec::with_capacity(findings.len());
        let docs_base = ws.config().docs_base_url;
        let links = findings
            .iter()
            .map(|f| docs_base.as_deref().map(|b| rules::docs_link(b, f.rule)))
            .collect();
        for f in findings {
            let main = place(f.loc);
            let related = f.related.iter().map(|r| place(r.loc)).collect();
            items.push((&**f, main, related));
            fix_places.push(
                f.fixes
                    .iter()
                    .map(|fix| fix.edits.iter().map(|e| place(e.loc)).collect())
                    .collect(),
            );
        }
        Report {
            items,
            links,
            docs_base,
            fix_places,
            files,
        }
    }

    /// The reports of several workspaces, as one.
    pub fn merge(reports: Vec<Report<'a>>) -> Report<'a> {
        let mut all = Report {
            items: Vec::new(),
            links: Vec::new(),
            docs_base: None,
            fix_places: Vec::new(),
            files: 0,
        };
        for r in reports {
            all.items.extend(r.items);
            all.links.extend(r.links);
            all.docs_base = all.docs_base.or(r.docs_base);
            all.fix_places.extend(r.fix_places);
            all.files += r.files;
        }
        all
    }

    fn count(&self, s: Severity) -> usize {
        self.items
            .iter()
            .filter(|(f, _, _)| f.severity == s)
            .count()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn snippet_level(s: Severity) -> SnippetLevel {
    match s {
        Severity::Error => SnippetLevel::Error,
        Severity::Warning => SnippetLevel::Warning,
        Severity::Info => SnippetLevel::Info,
        Severity::Hint => SnippetLevel::Note,
    }
}

/// The lines of `text` that cover `ranges`, as (first line number, byte
/// offset of the window, the window). Carriage returns become a space
/// (before `\n`) or `\n` (alone), which keeps every offset and makes the
/// renderer count lines as the position module does.
#[cfg(test)]
fn window(text: &str, ranges: &[(usize, usize)]) -> (usize, usize, String) {
    window_in(&orgplan_analysis::Text::new(text), ranges)
}

/// [`window`], in a file's text (its lines as the position module breaks
/// them: `\n`, `\r\n`, a lone `\r`).
fn window_in(text: &orgplan_analysis::Text, ranges: &[(usize, usize)]) -> (usize, usize, String) {
    let lo = ranges.iter().map(|r| r.0).min().unwrap_or(0);
    let hi = ranges.iter().map(|r| r.1).max().unwrap_or(0);
    let first = text.line_of(lo);
    let start = text.line_start(first).unwrap_or(0);
    let end = text.line_end(text.line_of(hi));
    let src = text.slice(start..end);
    let bytes: Vec<u8> = src
        .bytes()
        .enumerate()
        .map(|(i, b)| match b {
            b'\r' if text.byte(start + i + 1) == Some(b'\n') => b' ',
            b'\r' => b'\n',
            b => b,
        })
        .collect();
    let window = String::from_utf8(bytes).expect("only ASCII bytes were replaced");
    (first + 1, start, window)
}

/// An annotation: byte range, level, label.
type Ann<'a> = (usize, usize, SnippetLevel, &'a str);

/// Lines without a place between two places of a finding in one file,
/// past which they are drawn as two snippets (the second under a `:::`
/// header, as a place in another file is) instead of one window whose
/// lines between are folded to `...`.
///
/// Replaces: one window per file, from the finding's first place to its
/// last. Why: the renderer reads every line of its window, folded or not,
/// and a finding whose places lie far apart in a large plan (a leader of
/// two initiatives, a team serving two) made that window tens of
/// thousands of lines: `orgplan check` of the 100k-line plan spent 86% of
/// its 14.7 billion instructions drawing its findings (BENCHMARKS.md, "6
/// Dec (twenty-fourth session)"). Windows now hold the places' lines and
/// at most this many between two of them.
const NEARBY_LINES: usize = 20;

/// `lines` (the first and last line of each of a finding's places in one
/// file, the finding's own place first when it is in that file) split into
/// runs of places at most [`NEARBY_LINES`] apart, as indices. The run of
/// the first place comes first, with its places in their given order (the
/// snippet's header names the first: the finding's place); then the
/// others, each with its places in the order of their lines.
fn nearby(lines: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| lines[i]);
    let mut runs: Vec<(usize, Vec<usize>)> = Vec::new();
    for i in order {
        match runs.last_mut() {
            Some((last, run)) if lines[i].0 <= *last + NEARBY_LINES + 1 => {
                *last = (*last).max(lines[i].1);
                run.push(i);
            }
            _ => runs.push((lines[i].1, vec![i])),
        }
    }
    // The finding's own place first in its run (the header names it);
    // another run's places in the order of their lines (its header names
    // the first).
    let mut runs: Vec<Vec<usize>> = runs
        .into_iter()
        .map(|(_, mut run)| {
            if run.contains(&0) {
                run.sort_unstable();
            }
            run
        })
        .collect();
    if let Some(first) = runs.iter().position(|r| r.first() == Some(&0)) {
        let run = runs.remove(first);
        runs.insert(0, run);
    }
    runs
}

/// The renderer for a finding of severity `s`. The primary range is drawn
/// as an error annotation (`^`, no label prefix) and related ranges as
/// warning annotations (`-`); the styles make them look like rustc's: the
/// primary in the finding's colour, the related ones blue.
fn renderer(s: Severity, color: bool) -> Renderer {
    if !color {
        return Renderer::plain();
    }
    use anstyle::{AnsiColor, Style};
    let main: Style = match s {
        Severity::Error => AnsiColor::BrightRed.on_default().bold(),
        Severity::Warning => AnsiColor::BrightYellow.on_default().bold(),
        Severity::Info => AnsiColor::BrightCyan.on_default().bold(),
        Severity::Hint => AnsiColor::BrightGreen.on_default().bold(),
    };
    let related = AnsiColor::BrightBlue.on_default().bold();
    let r = Renderer::styled().error(main);
    match s {
        // The title of a warning uses the warning style too.
        Severity::Warning => r,
        _ => r.warning(related),
    }
}

/// The human output: every finding of every workspace as rustc shows its
/// diagnostics, then one summary line.
pub fn human(parts: &[(&Workspace, &Report)], color: bool) -> String {
    let mut out = String::new();
    let mut explained: BTreeSet<&str> = BTreeSet::new();
    for (ws, report) in parts {
        human_findings(ws, report, color, &mut explained, &mut out);
    }
    let mut total = Report {
        items: Vec::new(),
        links: Vec::new(),
        docs_base: None,
        fix_places: Vec::new(),
        files: 0,
    };
    for (_, report) in parts {
        total.items.extend(report.items.iter().cloned());
        total.files += report.files;
    }
    out.push_str(&summary(&total, color));
    out.push('\n');
    out
}

/// The snippets of `finding`: the text and annotations of each run of
/// nearby places ([`nearby`]), file by file, the finding's own file first;
/// each as (file, first line number, byte offset of the text, the text,
/// its annotations).
fn windows_of<'f>(
    ws: &Workspace,
    finding: &'f Finding,
) -> Vec<(FileId, usize, usize, String, Vec<Ann<'f>>)> {
    // Annotations grouped by file, the finding's own file first.
    let mut groups: Vec<(FileId, Vec<Ann>)> = Vec::new();
    let mut anns: Vec<(FileId, usize, usize, SnippetLevel, &str)> = vec![(
        finding.loc.file,
        finding.loc.range.start(),
        finding.loc.range.end(),
        SnippetLevel::Error,
        "",
    )];
    for r in &finding.related {
        anns.push((
            r.loc.file,
            r.loc.range.start(),
            r.loc.range.end(),
            SnippetLevel::Warning,
            &r.message,
        ));
    }
    for (file, start, end, level, label) in anns {
        let ann = (start, end, level, label);
        match groups.iter_mut().find(|(f, _)| *f == file) {
            Some((_, anns)) => anns.push(ann),
            None => groups.push((file, vec![ann])),
        }
    }
    let mut windows: Vec<(FileId, usize, usize, String, Vec<Ann>)> = Vec::new();
    for (file, anns) in groups {
        let empty = orgplan_analysis::Text::default();
        let text = ws.text(file).unwrap_or(&empty);
        let lines: Vec<(usize, usize)> = anns
            .iter()
            .map(|a| (text.line_of(a.0), text.line_of(a.1.max(a.0))))
            .collect();
        for run in nearby(&lines) {
            let anns: Vec<Ann> = run.iter().map(|&i| anns[i]).collect();
            let ranges: Vec<(usize, usize)> = anns.iter().map(|a| (a.0, a.1)).collect();
            let (line, offset, src) = window_in(text, &ranges);
            windows.push((file, line, offset, src, anns));
        }
    }
    windows
}

fn human_findings<'r>(
    ws: &Workspace,
    report: &Report<'r>,
    color: bool,
    explained: &mut BTreeSet<&'r str>,
    out: &mut String,
) {
    for (finding, _, _) in &report.items {
        let windows = windows_of(ws, finding);
        let rule = finding.rule();
        let help = rule.fix;
        let note = format!(
            "`orgplan explain {}` tells the principle behind this rule",
            rule.name
        );
        let mut msg: Message = snippet_level(finding.severity)
            .title(&finding.message)
            .id(finding.rule);
        for (file, line, offset, src, anns) in &windows {
            let path = ws.path(*file).unwrap_or("?");
            let mut snippet = Snippet::source(src)
                .line_start(*line)
                .origin(path)
                .fold(true);
            for (start, end, level, label) in anns {
                let s = start.saturating_sub(*offset).min(src.len());
                let e = end.saturating_sub(*offset).clamp(s, src.len());
                let mut ann = level.span(s..e);
                if !label.is_empty() {
                    ann = ann.label(label);
                }
                snippet = snippet.annotation(ann);
            }
            msg = msg.snippet(snippet);
        }
        msg = msg.footer(SnippetLevel::Help.title(help));
        if explained.insert(finding.rule) {
            msg = msg.footer(SnippetLevel::Note.title(&note));
        }
        out.push_str(&renderer(finding.severity, color).render(msg).to_string());
        out.push_str("\n\n");
    }
}

fn summary(report: &Report, color: bool) -> String {
    let files = plural(report.files, "file", "files");
    let parts: Vec<String> = [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
        (Severity::Hint, "hint", "hints"),
    ]
    .iter()
    .filter_map(|&(s, one, many)| {
        let n = report.count(s);
        (n > 0).then(|| plural(n, one, many))
    })
    .collect();
    let text = if parts.is_empty() {
        format!("no problems found in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    };
    if !color {
        return text;
    }
    let style = if report.count(Severity::Error) > 0 {
        anstyle::AnsiColor::Red.on_default().bold()
    } else if report.count(Severity::Warning) > 0 {
        anstyle::AnsiColor::Yellow.on_default().bold()
    } else {
        anstyle::AnsiColor::Green.on_default().bold()
    };
    format!("{}{text}{}", style.render(), style.render_reset())
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'static str,
    rule: &'static str,
    message: &'a str,
    related: Vec<JsonRelated<'a>>,
    fixes: Vec<&'a str>,
    help: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

/// One JSON array of findings, pretty-printed.
pub fn json(report: &Report) -> String {
    let items: Vec<JsonFinding> = report
        .items
        .iter()
        .zip(&report.links)
        .map(|((f, p, related), link)| JsonFinding {
            file: &p.file,
            line: p.line,
            column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
            severity: f.severity.as_str(),
            rule: f.rule,
            message: &f.message,
            related: f
                .related
                .iter()
                .zip(related)
                .map(|(r, p)| JsonRelated {
                    file: &p.file,
                    line: p.line,
                    column: p.column,
                    end_line: p.end_line,
                    end_column: p.end_column,
                    message: &r.message,
                })
                .collect(),
            fixes: f.fixes.iter().map(|x| x.title.as_str()).collect(),
            help: f.rule().fix,
            url: link.as_deref(),
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).expect("findings serialize");
    s.push('\n');
    s
}

/// A relative path as a URI reference (forward slashes, unsafe characters
/// escaped); an absolute one as a `file://` URI.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'/'
            | b':'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'=' => out.push(b as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    if out.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_forward_slashes() {
        assert_eq!(uri("plans/a b.orgplan"), "plans/a%20b.orgplan");
        assert_eq!(uri("plans\\a.orgplan"), "plans/a.orgplan");
        assert_eq!(uri("/abs/é.orgplan"), "file:///abs/%C3%A9.orgplan");
    }

    /// The span of lines a run of places covers.
    fn covered(lines: &[(usize, usize)], run: &[usize]) -> (usize, usize) {
        let first = run.iter().map(|&i| lines[i].0).min().unwrap();
        let last = run.iter().map(|&i| lines[i].1).max().unwrap();
        (first, last)
    }

    proptest::proptest! {
        /// A finding's places in one file (first and last line of each, the
        /// finding's own first) split into runs: each place in one run; in a
        /// run, at most `NEARBY_LINES` lines without a place between two
        /// places; between two runs, more; the finding's own place first,
        /// in the first run; the other runs, and their places, in the order
        /// of their lines.
        #[test]
        fn places_far_apart_go_to_snippets_of_their_own(
            spans in proptest::collection::vec((0usize..160, 0usize..4), 1..10),
        ) {
            let lines: Vec<(usize, usize)> = spans.iter().map(|&(a, n)| (a, a + n)).collect();
            let runs = nearby(&lines);
            let mut seen: Vec<usize> = runs.iter().flatten().copied().collect();
            seen.sort_unstable();
            proptest::prop_assert_eq!(seen, (0..lines.len()).collect::<Vec<_>>());
            proptest::prop_assert_eq!(runs[0][0], 0);
            proptest::prop_assert!(runs[0].windows(2).all(|w| w[0] < w[1]));
            for run in &runs {
                let mut by_line = run.clone();
                by_line.sort_by_key(|&i| lines[i]);
                let mut last = lines[by_line[0]].1;
                for &i in &by_line[1..] {
                    proptest::prop_assert!(lines[i].0 <= last + NEARBY_LINES + 1, "{runs:?}");
                    last = last.max(lines[i].1);
                }
            }
            for (i, a) in runs.iter().enumerate() {
                for b in &runs[i + 1..] {
                    let ((a0, a1), (b0, b1)) = (covered(&lines, a), covered(&lines, b));
                    proptest::prop_assert!(
                        b0 > a1 + NEARBY_LINES + 1 || a0 > b1 + NEARBY_LINES + 1,
                        "{runs:?}"
                    );
                }
            }
            for w in runs[1..].windows(2) {
                proptest::prop_assert!(covered(&lines, &w[0]).0 < covered(&lines, &w[1]).0);
            }
            for run in &runs[1..] {
                proptest::prop_assert!(run.windows(2).all(|w| lines[w[0]] <= lines[w[1]]));
            }
        }
    }

    #[test]
    fn window_keeps_offsets_and_counts_lines() {
        let text = "a\r\nbc\rd\ne";
        let (line, off, w) = window(text, &[(4, 5)]);
        assert_eq!((line, off, w.as_str()), (2, 3, "bc"));
        let (line, off, w) = window(text, &[(6, 7), (0, 1)]);
        assert_eq!((line, off, w.as_str()), (1, 0, "a \nbc\nd"));
    }
}
