//! Runs the corpus tests in `test/corpus/*.txt` — the format of
//! `tree-sitter test` — with the Rust runtime, so that the test command does
//! not need the tree-sitter CLI. Set `UPDATE_CORPUS=1` to rewrite the
//! expected trees from the current grammar (then review the diff).

use std::fmt::Write as _;
use std::path::Path;
use tree_sitter::{Node, Parser};

struct Case {
    name: String,
    input: String,
    expected: String,
}

fn parse_corpus(text: &str) -> Vec<Case> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is_rule = |l: &str, c: char| {
        let t = l.trim_end();
        t.len() >= 3 && t.chars().all(|x| x == c)
    };
    let mut cases = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_rule(lines[i], '=') {
            i += 1;
            continue;
        }
        let name = lines[i + 1].trim().to_string();
        i += 3; // header, name, header
        let mut input = String::new();
        while i < lines.len() && !is_rule(lines[i], '-') {
            input.push_str(lines[i]);
            i += 1;
        }
        i += 1;
        let mut expected = String::new();
        while i < lines.len() && !is_rule(lines[i], '=') {
            expected.push_str(lines[i]);
            i += 1;
        }
        // The input is separated from the `---` line by one blank line.
        let input = input.strip_prefix('\n').unwrap_or(&input);
        let input = input
            .strip_suffix("\n\n")
            .map(|s| format!("{s}\n"))
            .unwrap_or(input.to_string());
        cases.push(Case {
            name,
            input,
            expected: expected.trim().to_string(),
        });
    }
    cases
}

/// The tree as an indented S-expression with field names, named nodes only
/// (plus MISSING nodes), like `tree-sitter test` prints it.
fn sexp(node: Node, field: Option<&str>, depth: usize, out: &mut String) {
    if depth > 0 {
        out.push('\n');
    }
    out.push_str(&"  ".repeat(depth));
    if let Some(f) = field {
        let _ = write!(out, "{f}: ");
    }
    if node.is_missing() {
        let _ = write!(
            out,
            "(MISSING {})",
            if node.is_named() {
                node.kind().to_string()
            } else {
                format!("\"{}\"", node.kind())
            }
        );
        return;
    }
    let _ = write!(out, "({}", node.kind());
    let mut cursor = node.walk();
    let children: Vec<(Node, Option<&str>)> = node
        .children(&mut cursor)
        .enumerate()
        .map(|(i, c)| (c, node.field_name_for_child(i as u32)))
        .collect();
    for (child, f) in children {
        if child.is_named() || child.is_missing() {
            sexp(child, f, depth + 1, out);
        }
    }
    out.push(')');
}

fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" )", ")")
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test/corpus");
    let update = std::env::var_os("UPDATE_CORPUS").is_some();
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_orgplan::LANGUAGE.into())
        .unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let cases = parse_corpus(&text);
        assert!(!cases.is_empty(), "{} has no test cases", path.display());
        let mut rewritten = String::new();
        for case in &cases {
            count += 1;
            let tree = parser.parse(&case.input, None).unwrap();
            let mut got = String::new();
            sexp(tree.root_node(), None, 0, &mut got);
            if update {
                let bar = "=".repeat(18);
                let _ = write!(
                    rewritten,
                    "{bar}\n{}\n{bar}\n\n{}\n---\n\n{got}\n\n",
                    case.name, case.input
                );
            } else if normalize(&got) != normalize(&case.expected) {
                failures.push(format!(
                    "{} — {}\nexpected:\n{}\ngot:\n{got}\n",
                    path.file_name().unwrap().to_string_lossy(),
                    case.name,
                    case.expected
                ));
            }
        }
        if update {
            std::fs::write(&path, rewritten.trim_end().to_string() + "\n").unwrap();
        }
    }
    assert!(count >= 10, "only {count} corpus cases found");
    assert!(
        failures.is_empty(),
        "{} corpus case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
