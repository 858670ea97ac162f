//! The bundled examples stay what the README says they are: the healthy
//! plans get nothing at warning or error level, and the violations plan trips
//! every rule in the registry — each where its comment says.

use orgplan_analysis::rules::{self, Severity};
use orgplan_analysis::{Analysis, Workspace};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn load(dir: &Path) -> (Workspace, Arc<Analysis>) {
    let mut ws = Workspace::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        if name == "orgplan.toml" {
            ws.set_config_file(Some((&name, text)));
        } else if name.ends_with(".orgplan") {
            ws.set_file(&name, text);
        }
    }
    let a = ws.analysis();
    (ws, a)
}

fn render(ws: &Workspace, a: &Analysis) -> String {
    a.findings
        .iter()
        .map(|f| {
            let text = ws.text(f.loc.file).unwrap().to_string();
            let line = text[..f.loc.range.start()].matches('\n').count() + 1;
            format!(
                "{}:{line} {} [{}] {}",
                ws.path(f.loc.file).unwrap(),
                f.severity,
                f.rule,
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// On every bundled example, each initiative's checklist asked alone is
/// the one it gets asked with all the others (in reverse, and twice):
/// the two find an initiative's findings two ways.
#[test]
fn checklists_asked_together_are_those_asked_alone() {
    use orgplan_analysis::ide::checklist::{checklist, checklists};
    for name in ["fulfilment", "gdpr", "violations"] {
        let (ws, a) = load(&examples_dir().join(name));
        let n = a.model.initiatives.len();
        assert!(n > 0, "examples/{name} has initiatives");
        let inits: Vec<usize> = (0..n).rev().chain(0..n).collect();
        let together = checklists(&ws, &a, &inits);
        assert_eq!(together.len(), inits.len());
        for (&i, list) in inits.iter().zip(&together) {
            assert_eq!(
                *list,
                checklist(&ws, &a, i),
                "examples/{name}: initiative {i}"
            );
        }
    }
}

#[test]
fn healthy_examples_have_no_warnings_or_errors() {
    for name in ["fulfilment", "gdpr"] {
        let (ws, a) = load(&examples_dir().join(name));
        let bad: Vec<_> = a
            .findings
            .iter()
            .filter(|f| matches!(f.severity, Severity::Error | Severity::Warning))
            .collect();
        assert!(bad.is_empty(), "examples/{name}:\n{}", render(&ws, &a));
    }
}

#[test]
fn violations_example_trips_every_rule_where_its_comments_say() {
    let (ws, a) = load(&examples_dir().join("violations"));
    let missing: Vec<&str> = rules::ALL
        .iter()
        .map(|r| r.name)
        .filter(|name| !a.findings.iter().any(|f| f.rule == *name))
        .collect();
    assert!(
        missing.is_empty(),
        "rules not tripped: {missing:?}\n{}",
        render(&ws, &a)
    );
    // Every finding sits on a line whose comment names its rule, or on the
    // line just below such a comment-only line.
    let mut unexplained = Vec::new();
    for f in &a.findings {
        let text = ws.text(f.loc.file).unwrap().to_string();
        let line_no = text[..f.loc.range.start()].matches('\n').count();
        let lines: Vec<&str> = text.lines().collect();
        let explained = lines.get(line_no).is_some_and(|l| l.contains(f.rule));
        if !explained {
            unexplained.push(format!(
                "{}:{} [{}] {}",
                ws.path(f.loc.file).unwrap(),
                line_no + 1,
                f.rule,
                f.message
            ));
        }
    }
    assert!(
        unexplained.is_empty(),
        "findings without a comment naming them:\n{}",
        unexplained.join("\n")
    );
    // And every rule a comment names has a finding on that line: a problem
    // is reported where its comment says, and nowhere else.
    let mut unfound = Vec::new();
    for file in ws.files().map(|(id, _)| id) {
        let text = ws.text(file).unwrap().to_string();
        for (n, line) in text.lines().enumerate() {
            let Some((_, comment)) = line.split_once('#') else {
                continue;
            };
            for rule in rules::ALL.iter().map(|r| r.name) {
                let named = comment.match_indices(rule).any(|(i, _)| {
                    !comment[i + rule.len()..]
                        .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
                });
                let found = a.findings.iter().any(|f| {
                    f.rule == rule
                        && f.loc.file == file
                        && text[..f.loc.range.start()].matches('\n').count() == n
                });
                if named && !found {
                    unfound.push(format!("{}:{} {rule}", ws.path(file).unwrap(), n + 1));
                }
            }
        }
    }
    assert!(
        unfound.is_empty(),
        "comments naming a rule with no finding on their line:\n{}\n{}",
        unfound.join("\n"),
        render(&ws, &a)
    );
}
