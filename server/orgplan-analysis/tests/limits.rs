//! Limits that keep pathological input cheap: the per-file cap on findings.

use orgplan_analysis::rules::Severity;
use orgplan_analysis::Workspace;

#[test]
fn findings_are_capped_per_file_keeping_the_most_severe() {
    let max = 100;
    // Hundreds of incomplete, orphan teams (warnings) and, at the end, a
    // syntax error (an error): the error survives the cap.
    let mut text: String = (0..3 * max)
        .map(|i| format!("team t{i} \"T\" {{\n  roles: qa\n}}\n"))
        .collect();
    text.push_str("team broken {\n");
    let mut ws = Workspace::new();
    let a = ws.set_file("a.orgplan", text);
    let b = ws.set_file("b.orgplan", "team u \"U\" {}\n".to_string());
    let all = ws.analysis().findings_in(a).len();
    assert!(all > max, "the plan has {all} findings");

    ws.set_max_findings_per_file(Some(max));
    let capped = ws.analysis();
    let in_a = capped.findings_in(a);
    assert_eq!(in_a.len(), max);
    assert_eq!(capped.omitted.get(&a), Some(&(all - max)));
    assert!(
        in_a.iter().any(|f| f.severity == Severity::Error),
        "errors are kept first"
    );
    assert!(
        !capped.findings_in(b).is_empty() && !capped.omitted.contains_key(&b),
        "other files keep theirs"
    );
    let sorted = capped.findings.windows(2).all(|w| {
        (w[0].loc.file, w[0].loc.range.start()) <= (w[1].loc.file, w[1].loc.range.start())
    });
    assert!(sorted, "findings stay sorted by file and position");

    ws.set_max_findings_per_file(None);
    assert_eq!(ws.analysis().findings_in(a).len(), all);
    assert!(ws.analysis().omitted.is_empty());
}

/// Every editor feature on blocks nested far past `syntax::MAX_NESTING`,
/// on a thread with a small stack: a recursive walk over the tree would
/// overflow it.
#[test]
fn editor_features_on_deep_nesting_do_not_overflow_the_stack() {
    use orgplan_analysis::ide;
    use orgplan_analysis::TextRange;
    let worker = std::thread::Builder::new().stack_size(1 << 20).spawn(|| {
        let depth = 20_000;
        let text = " team a \"A\" {\n  roles: qa # c\n".repeat(depth) + &"}\n".repeat(depth);
        let mut ws = Workspace::new();
        let file = ws.set_file("deep.orgplan", text.clone());
        let analysis = ws.analysis();
        let mid = text.len() / 2;
        let m = &analysis.model;
        ide::semantic_tokens::semantic_tokens(&ws, m, file, None);
        ide::semantic_tokens::semantic_tokens(&ws, m, file, Some(TextRange::new(mid, mid + 100)));
        ide::folding::folding_ranges(&ws, file);
        ide::symbols::document_symbols(&ws, file);
        ide::hover::hover(&ws, &analysis, file, mid, ide::hover::RuleLink::Cli);
        ide::completion::completions(&ws, &analysis, file, mid);
        ide::inlay_hints::inlay_hints(&ws, &analysis, file, TextRange::new(0, text.len()));
        ide::code_lens::code_lenses(&ws, &analysis, file);
        ide::navigation::definition(&ws, &analysis, file, mid);
        orgplan_analysis::format::format(&text);
    });
    worker
        .expect("a thread")
        .join()
        .expect("no stack overflow, no panic");
}
