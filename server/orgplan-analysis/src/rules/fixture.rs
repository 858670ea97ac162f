//! Fixture tests for rules: a plan with the expected findings written under
//! the lines they point at, as comments:
//!
//! ```text
//! initiative fba "FBA" {
//! #          ^^^ initiative-without-leader
//! }
//! ```
//!
//! A mark written right after the `#` (`#^^^`) starts at the `#`, so that a
//! range in column 0 can be marked. A line `#- name.orgplan` starts another file; `#- orgplan.toml` gives the
//! configuration. Annotations are comments, so the plan parses as written.
//! [`check`] asserts that the rule under test reports exactly the annotated
//! ranges, and returns the findings rendered for an insta snapshot.

use crate::rules::Rule;
use crate::text::FileId;
use crate::workspace::Workspace;

struct Expected {
    file: FileId,
    start: usize,
    end: usize,
    rule: String,
}

/// Splits a fixture into files at `#- name` lines (`main.orgplan` first).
pub(crate) fn split_files(fixture: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in fixture.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("#- ") {
            files.push((name.trim().to_string(), String::new()));
            continue;
        }
        if files.is_empty() {
            files.push(("main.orgplan".to_string(), String::new()));
        }
        files.last_mut().unwrap().1.push_str(line);
    }
    files
}

fn annotations(file: FileId, text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut prev_line_start: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let is_annotation = trimmed.starts_with('#') && trimmed[1..].trim_start().starts_with('^');
        if is_annotation {
            // `#^^^` marks from the `#` itself, so that column 0 can be marked.
            let first = line.find('^').unwrap();
            let hash_marks = line[..first].ends_with('#');
            let caret = if hash_marks { first - 1 } else { first };
            let carets =
                line[first..].chars().take_while(|&c| c == '^').count() + usize::from(hash_marks);
            let rule = line[first + carets - usize::from(hash_marks)..]
                .trim()
                .to_string();
            let base = prev_line_start.expect("an annotation needs a line above it");
            out.push(Expected {
                file,
                start: base + caret,
                end: base + caret + carets,
                rule,
            });
        } else {
            prev_line_start = Some(offset);
        }
        offset += line.len();
    }
    out
}

/// Analyses the fixture and checks `rule`'s findings against its annotations
/// (annotations of other rules are ignored). Returns the findings of `rule`
/// rendered one per line, with related places and fixes, for a snapshot.
pub fn check(rule: &Rule, fixture: &str) -> String {
    check_rules(Some(rule), fixture)
}

/// Like [`check`], for every rule at once: the fixture's annotations are
/// all the findings the analysis gives, one for one. Counts the findings of
/// a plan against the problems it has.
pub fn check_all(fixture: &str) -> String {
    check_rules(None, fixture)
}

fn check_rules(only: Option<&Rule>, fixture: &str) -> String {
    let wanted = |name: &str| only.is_none_or(|r| r.name == name);
    let fixture = unindent(fixture);
    let mut ws = Workspace::new();
    let mut expected = Vec::new();
    for (name, text) in split_files(&fixture) {
        if name == "orgplan.toml" {
            if let Some(id) = ws.set_config_file(Some((&name, text.clone()))) {
                expected.extend(annotations(id, &text));
            }
            continue;
        }
        let id = ws.set_file(&name, text.clone());
        expected.extend(annotations(id, &text));
    }
    let analysis = ws.analysis();
    let mut want: Vec<(FileId, usize, usize, &str)> = expected
        .iter()
        .filter(|e| wanted(&e.rule))
        .map(|e| (e.file, e.start, e.end, e.rule.as_str()))
        .collect();
    let mut got: Vec<(FileId, usize, usize, &str)> = analysis
        .findings
        .iter()
        .filter(|f| wanted(f.rule))
        .map(|f| (f.loc.file, f.loc.range.start(), f.loc.range.end(), f.rule))
        .collect();
    want.sort();
    got.sort();
    let mut rendered = String::new();
    for f in analysis.findings.iter().filter(|f| wanted(f.rule)) {
        let path = ws.path(f.loc.file).unwrap();
        let text = ws.text(f.loc.file).unwrap();
        let rule = if only.is_some() {
            String::new()
        } else {
            format!("[{}] ", f.rule)
        };
        rendered.push_str(&format!(
            "{rule}{path}:{:?} {} `{}`: {}\n",
            f.loc.range,
            f.severity,
            text.slice(f.loc.range.range()),
            f.message
        ));
        for r in &f.related {
            rendered.push_str(&format!(
                "  related {}:{:?}: {}\n",
                ws.path(r.loc.file).unwrap(),
                r.loc.range,
                r.message
            ));
        }
        for fix in &f.fixes {
            rendered.push_str(&format!("  fix: {}\n", fix.title));
            for e in &fix.edits {
                rendered.push_str(&format!(
                    "    {}:{:?} {:?}\n",
                    ws.path(e.loc.file).unwrap(),
                    e.loc.range,
                    e.new_text
                ));
            }
        }
    }
    assert_eq!(
        got,
        want,
        "findings of `{}` (got) differ from the annotations (want):\n{rendered}",
        only.map_or("every rule", |r| r.name)
    );
    rendered
}

/// Removes the indentation common to every non-blank line.
pub(crate) fn unindent(s: &str) -> String {
    let s = s.strip_prefix('\n').unwrap_or(s);
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    s.lines()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
