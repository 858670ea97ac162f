//! Arbitrary bytes → parse, analyse, format: no panic, findings inside the
//! text on character boundaries, and formatting is idempotent
//! (`format(format(x)) == format(x)`) and keeps a plan that parses parsing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use orgplan_analysis::{format, Workspace};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut ws = Workspace::new();
    let id = ws.set_file("a.orgplan", text.clone());
    let analysis = ws.analysis();
    let mut had_syntax_error = false;
    for f in &analysis.findings {
        let t = ws.text(f.loc.file).expect("findings point at known files");
        assert!(f.loc.range.start() <= f.loc.range.end() && f.loc.range.end() <= t.len());
        let on_boundary = |i: usize| t.floor_char_boundary(i) == i;
        assert!(on_boundary(f.loc.range.start()) && on_boundary(f.loc.range.end()));
        had_syntax_error |= f.rule == "syntax-error" && f.loc.file == id;
    }
    let once = format::format(&text);
    let twice = format::format(&once);
    assert_eq!(once, twice, "formatting is not idempotent for {text:?}");
    if !had_syntax_error {
        let mut ws = Workspace::new();
        ws.set_file("a.orgplan", once.clone());
        let syntax_errors = ws
            .analysis()
            .findings
            .iter()
            .filter(|f| f.rule == "syntax-error")
            .count();
        assert_eq!(
            syntax_errors, 0,
            "formatting broke a plan that parsed: {text:?} → {once:?}"
        );
    }
});
