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
    let sorted = capped
        .findings
        .windows(2)
        .all(|w| (w[0].loc.file, w[0].loc.range.start) <= (w[1].loc.file, w[1].loc.range.start));
    assert!(sorted, "findings stay sorted by file and position");

    ws.set_max_findings_per_file(None);
    assert_eq!(ws.analysis().findings_in(a).len(), all);
    assert!(ws.analysis().omitted.is_empty());
}
