//! A workspace's findings do not depend on the order its files were added
//! in. The command line adds a folder's plans in the order of their paths;
//! the language server adds a document the editor opened before the
//! folder was read first, and a file created later last. Where two files
//! declare one id, which declaration is the first (the one references
//! name, the one the others are duplicates of) is the first in path order
//! either way, so that the editor and CI agree.

use orgplan_analysis::Workspace;
use proptest::prelude::*;

/// Blocks whose ids collide across files and name each other.
fn block() -> impl Strategy<Value = String> {
    let id = || prop::sample::select(vec!["x", "y", "z"]);
    prop_oneof![
        (id(), id()).prop_map(|(t, d)| format!(
            "team {t} \"T\" {{ reports_to: {d} depends_on {d} {{ owner: {t} }} }}\n"
        )),
        (id(), id()).prop_map(|(i, t)| format!(
            "initiative {i} \"I\" {{ leader: {t} teams: {t} model: ownership }}\n"
        )),
        id().prop_map(|l| format!("leader {l} \"L\" {{ allocation: 50% }}\n")),
    ]
}

fn files() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::collection::vec(block(), 0..4).prop_map(|b| b.concat()),
        2..5,
    )
}

/// Each finding by path and place, with its message and related places.
fn findings(ws: &mut Workspace) -> Vec<String> {
    let analysis = ws.analysis();
    let mut out: Vec<String> = analysis
        .findings
        .iter()
        .map(|f| {
            let at = |l: orgplan_analysis::Loc| {
                format!("{}:{:?}", ws.path(l.file).unwrap_or("?"), l.range)
            };
            let related: Vec<String> = f
                .related
                .iter()
                .map(|r| format!("{} {}", at(r.loc), r.message))
                .collect();
            format!("{} {} {} {related:?}", at(f.loc), f.rule, f.message)
        })
        .collect();
    out.sort();
    out
}

/// An edit: which file, where (a fraction of its text), how much it
/// deletes, what it types.
fn edit() -> impl Strategy<Value = (usize, f64, usize, String)> {
    (
        0usize..5,
        0.0..1.0f64,
        prop_oneof![2 => Just(0usize), 1 => 1usize..20],
        prop_oneof![block(), Just(String::new()), Just("x".to_string())],
    )
}

/// Applies `(file, at, delete, typed)` to the file at `paths[file]`: in
/// place (the incremental analysis), and to `texts`.
fn apply(
    ws: &mut Workspace,
    paths: &[String],
    texts: &mut [String],
    (file, at, delete, typed): &(usize, f64, usize, String),
) {
    // The texts are ASCII: any byte is a character's boundary.
    let k = file % paths.len();
    let text = &mut texts[k];
    let start = (at * text.len() as f64) as usize;
    let end = (start + delete).min(text.len());
    text.replace_range(start..end, typed);
    let id = ws.file_id(&paths[k]).expect("added");
    ws.edit_file(id, orgplan_analysis::TextRange::new(start, end), typed);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn findings_are_those_of_the_files_added_in_path_order(
        texts in files(),
        first in 0usize..5,
    ) {
        let paths: Vec<String> = (0..texts.len()).map(|k| format!("/w/{k}.orgplan")).collect();
        let mut in_order = Workspace::new();
        for (p, t) in paths.iter().zip(&texts) {
            in_order.set_file(p, t.clone());
        }
        // One file added first (opened before the folder was read), the
        // others after it in reverse (created later, one by one).
        let first = first % texts.len();
        let mut other = Workspace::new();
        other.set_file(&paths[first], texts[first].clone());
        for k in (0..texts.len()).rev().filter(|&k| k != first) {
            other.set_file(&paths[k], texts[k].clone());
        }
        prop_assert_eq!(findings(&mut in_order), findings(&mut other));
    }

    /// Edited afterwards (the incremental analysis, which keeps the
    /// entities in the workspace's order), the same: also as the files
    /// read afresh.
    #[test]
    fn edits_keep_the_findings_those_of_path_order(
        texts in files(),
        first in 0usize..5,
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let paths: Vec<String> = (0..texts.len()).map(|k| format!("/w/{k}.orgplan")).collect();
        let first = first % texts.len();
        let mut ws = Workspace::new();
        ws.set_file(&paths[first], texts[first].clone());
        for k in (0..texts.len()).rev().filter(|&k| k != first) {
            ws.set_file(&paths[k], texts[k].clone());
        }
        ws.analysis();
        let mut now = texts.clone();
        for e in &edits {
            apply(&mut ws, &paths, &mut now, e);
            ws.analysis();
        }
        let mut fresh = Workspace::new();
        for (p, t) in paths.iter().zip(&now) {
            fresh.set_file(p, t.clone());
        }
        prop_assert_eq!(findings(&mut ws), findings(&mut fresh));
    }
}

/// An initiative removed (its kind word mistyped) in one file takes its
/// findings that lie in another with it: there, its leader's other
/// initiative was said to share the leader with it (found by
/// `edits_keep_the_findings_those_of_path_order`: the other file's list
/// kept the finding).
#[test]
fn an_entity_removed_takes_its_findings_in_other_files_with_it() {
    let texts = vec![
        "initiative y \"I\" { leader: z teams: z model: ownership }\n".to_string(),
        "leader z \"L\" { allocation: 50% }\ninitiative x \"I\" { leader: z teams: z model: ownership }\n".to_string(),
    ];
    let paths = ["/w/0.orgplan".to_string(), "/w/1.orgplan".to_string()];
    let mut ws = Workspace::new();
    for (p, t) in paths.iter().zip(&texts) {
        ws.set_file(p, t.clone());
    }
    let before = findings(&mut ws);
    assert!(
        before.iter().any(|f| f.contains("also leads `x`")),
        "{before:#?}"
    );
    let mut now = texts.clone();
    let at = texts[1].find("initiative").unwrap() + 5;
    apply(
        &mut ws,
        &paths,
        &mut now,
        &(1, at as f64 / texts[1].len() as f64, 0, "x".into()),
    );
    assert!(now[1].contains("initixative"), "{}", now[1]);
    let mut fresh = Workspace::new();
    for (p, t) in paths.iter().zip(&now) {
        fresh.set_file(p, t.clone());
    }
    assert_eq!(findings(&mut ws), findings(&mut fresh));
}

/// An edit that leaves a team depending on the same teams, but through
/// another `depends_on` than before (a block opened above it takes the old
/// one, and the team's own body now holds one that was in that block),
/// moves the cycle's finding to the dependency the team has now: the
/// findings were kept as only moved, and pointed at the old one (found by
/// `edits_keep_the_findings_those_of_path_order`).
#[test]
fn a_dependency_read_from_other_text_moves_its_cycle_finding() {
    let texts = vec!["team z \"T\" { reports_to: z depends_on z { owner: z } }\n".to_string()];
    let paths = ["/w/0.orgplan".to_string()];
    let mut ws = Workspace::new();
    ws.set_file(&paths[0], texts[0].clone());
    ws.analysis();
    let mut now = texts.clone();
    for (at, typed) in [
        (
            0.3136,
            "team x \"T\" { reports_to: z depends_on z { owner: x } }\n",
        ),
        (
            0.2110,
            "team x \"T\" { reports_to: x depends_on x { owner: x } }\n",
        ),
    ] {
        apply(&mut ws, &paths, &mut now, &(0, at, 0, typed.into()));
        ws.analysis();
    }
    let mut fresh = Workspace::new();
    fresh.set_file(&paths[0], now[0].clone());
    let (kept, afresh) = (findings(&mut ws), findings(&mut fresh));
    assert!(
        afresh.iter().any(|f| f.contains("dependency-cycle")),
        "{afresh:#?}"
    );
    assert_eq!(kept, afresh);
}
