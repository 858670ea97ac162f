//! Any bytes parse and analyse without a panic, and any edit script applied
//! incrementally gives the same text, tree and findings as a fresh parse.

use orgplan_analysis::position::{to_line_col, Encoding, Lines};
use orgplan_analysis::rules::Finding;
use orgplan_analysis::{FileId, Loc, Text, TextRange, Workspace};
use proptest::prelude::*;
use std::collections::BTreeMap;

const SEED: &str = include_str!("../../../examples/violations/plan.orgplan");

/// Text drawn from the language's own alphabet, plus hostile characters.
fn plan_text() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("leader ".to_string()),
        Just("initiative ".to_string()),
        Just("team ".to_string()),
        Just("depends_on ".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(":".to_string()),
        Just(",".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("# c\n".to_string()),
        Just("50%".to_string()),
        Just("😀".to_string()),
        Just("団体".to_string()),
        Just("leader: a".to_string()),
        Just("teams: a, b".to_string()),
        // Broken strings, reserved words and words past ASCII.
        Just("scope \"a\\%b".to_string()),
        Just("\\u{D800}".to_string()),
        Just("true".to_string()),
        Just("josé".to_string()),
        "[a-z_-]{1,6}".prop_map(|s| s),
        "[ -~]{0,4}".prop_map(|s| s),
    ];
    proptest::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

fn analyse(text: &str) {
    let mut ws = Workspace::new();
    ws.set_file("a.orgplan", text.to_string());
    ws.set_file("b.orgplan", SEED.to_string());
    let a = ws.analysis();
    for f in &a.findings {
        let t = ws.text(f.loc.file).unwrap();
        assert!(f.loc.range.start() <= f.loc.range.end() && f.loc.range.end() <= t.len());
        assert!(
            t.floor_char_boundary(f.loc.range.start()) == f.loc.range.start()
                && t.floor_char_boundary(f.loc.range.end()) == f.loc.range.end()
        );
    }
}

/// A workspace of `ws`'s files, analysed from nothing under the same cap.
fn afresh(ws: &Workspace, cap: Option<usize>) -> Workspace {
    let mut fresh = Workspace::new();
    fresh.set_max_findings_per_file(cap);
    for (_, f) in ws.files() {
        fresh.set_file(&f.path, f.text.clone());
    }
    fresh
}

fn findings_of(ws: &mut Workspace) -> Vec<String> {
    ws.analysis()
        .findings
        .iter()
        .map(|f| {
            format!(
                "{:?} {:?} {} {}",
                f.loc.file, f.loc.range, f.rule, f.message
            )
        })
        .collect()
}

/// Everything an analysis says, in full.
fn everything(ws: &mut Workspace) -> (String, String) {
    let a = ws.analysis();
    // Its keys numbered as a fresh build numbers them, its ids sorted.
    let model = a.model.dump();
    // And each file's, as `findings_in` finds them in the list.
    let mut findings = format!("{:#?}", a.findings);
    for (file, _) in ws.files() {
        findings += &format!("\n{:?}: {:#?}", file, a.findings_in(file));
    }
    (findings, model)
}

/// One keystroke: a character typed, or one or two deleted.
/// Where: anywhere (`Ok`), or so many bytes before the end (`Err`).
type At = Result<prop::sample::Index, usize>;

fn keystroke() -> impl Strategy<Value = (At, usize, &'static str)> {
    let typed = prop_oneof![
        Just("a"),
        Just("z"),
        Just("-"),
        Just(" "),
        Just("\n"),
        Just("\""),
        Just("1"),
        Just("%"),
        Just(","),
        Just(":"),
        Just("{"),
        Just("}"),
        Just("#"),
        Just("é"),
    ];
    (any::<prop::sample::Index>(), 0usize..3, typed, 0usize..5).prop_map(|(at, del, t, end)| {
        // Now and then at the very end of the file, where fixes append.
        let at = if end == 0 { Err(at.index(4)) } else { Ok(at) };
        if del == 0 {
            (at, 0, t)
        } else {
            (at, del, "")
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Typing with an analysis after each keystroke (the incremental path)
    /// ends with the same model and findings as analysing the text afresh;
    /// so does typing while snapshots (clones, as the language server's
    /// requests hold them) share the files and the analysis, and each
    /// snapshot keeps what it was taken from.
    #[test]
    fn typing_gives_what_a_fresh_analysis_gives(
        keys in proptest::collection::vec((keystroke(), any::<bool>()), 1..40),
        second_file in any::<bool>(),
        cap in proptest::option::of(1usize..4),
    ) {
        let mut ws = Workspace::new();
        ws.set_max_findings_per_file(cap);
        if second_file {
            ws.set_file("0.orgplan", "leader zed \"Zed\" { }\nteam zt \"ZT\" {\n  reports_to: jane\n}\n".to_string());
        }
        let id = ws.set_file("a.orgplan", SEED.to_string());
        if second_file {
            ws.set_file("z.orgplan", "initiative zi \"ZI\" {\n  leader: jane\n  teams: payments\n}\n".to_string());
        }
        ws.analysis();
        let mut held = Vec::new();
        for ((at, del, typed), hold) in keys {
            if hold {
                let snapshot = ws.clone();
                held.push((everything(&mut snapshot.clone()), snapshot));
            }
            type_and_compare(&mut ws, id, (at, del, typed), cap)?;
        }
        let incremental = everything(&mut ws);
        let fresh = everything(&mut afresh(&ws, cap));
        prop_assert!(incremental.1 == fresh.1, "models differ:\n{}", diff(&incremental.1, &fresh.1));
        prop_assert!(incremental.0 == fresh.0, "findings differ:\n{}", diff(&incremental.0, &fresh.0));
        for (then, mut snapshot) in held {
            let now = everything(&mut snapshot);
            prop_assert!(then == now, "a snapshot changed under later edits");
        }
    }

    /// Typing into any file of a workspace whose files' findings depend
    /// on each other's declarations (renames, duplicates across files, the
    /// workspace's free leader and misspelt entries) gives, after each
    /// keystroke, what a fresh analysis gives, and names every file whose
    /// findings changed.
    #[test]
    fn typing_into_any_file_gives_what_a_fresh_analysis_gives(
        keys in proptest::collection::vec((keystroke(), 0usize..3), 1..40),
        cap in proptest::option::of(1usize..4),
    ) {
        let mut ws = Workspace::new();
        ws.set_max_findings_per_file(cap);
        let ids = [
            ws.set_file(AROUND[0].0, AROUND[0].1.to_string()),
            ws.set_file("a.orgplan", SEED.to_string()),
            ws.set_file(AROUND[1].0, AROUND[1].1.to_string()),
        ];
        ws.analysis();
        for (key, file) in keys {
            type_and_compare(&mut ws, ids[file], key, cap)?;
        }
        let incremental = everything(&mut ws);
        let fresh = everything(&mut afresh(&ws, cap));
        prop_assert!(incremental.1 == fresh.1, "models differ:\n{}", diff(&incremental.1, &fresh.1));
        prop_assert!(incremental.0 == fresh.0, "findings differ:\n{}", diff(&incremental.0, &fresh.0));
    }

    /// A whole new text given for a file the workspace holds (as a client
    /// that sends the whole text at each keystroke gives it, or as a file
    /// changed on disk is read again) is edited where it differs, or set
    /// whole when it differs in most of it; either way the workspace then
    /// holds that text and finds what a fresh analysis finds.
    #[test]
    fn whole_texts_given_give_what_a_fresh_analysis_gives(
        steps in proptest::collection::vec((
            proptest::collection::vec((any::<prop::sample::Index>(), 0usize..12, plan_text()), 1..3),
            0usize..3,
        ), 1..12),
        cap in proptest::option::of(1usize..4),
    ) {
        let mut ws = Workspace::new();
        ws.set_max_findings_per_file(cap);
        let paths = [AROUND[0].0, "a.orgplan", AROUND[1].0];
        let ids = [
            ws.set_file(paths[0], AROUND[0].1.to_string()),
            ws.set_file(paths[1], SEED.to_string()),
            ws.set_file(paths[2], AROUND[1].1.to_string()),
        ];
        ws.analysis();
        for (edits, file) in steps {
            let mut text = ws.text(ids[file]).unwrap().to_string();
            for (at, len, insert) in edits {
                let start = at.index(text.len() + 1);
                let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap();
                let end = ((start + len).min(text.len())..=text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap();
                text.replace_range(start..end, &insert);
            }
            prop_assert_eq!(ws.replace_file(paths[file], text.clone()), ids[file]);
            prop_assert_eq!(ws.text(ids[file]).unwrap().to_string(), text);
            let after = ws.analysis();
            let fresh = afresh(&ws, cap).analysis();
            prop_assert!(after.findings == fresh.findings, "findings differ from a fresh analysis's");
            prop_assert!(after.omitted == fresh.omitted);
        }
        let incremental = everything(&mut ws);
        let fresh = everything(&mut afresh(&ws, cap));
        prop_assert!(incremental.1 == fresh.1, "models differ:\n{}", diff(&incremental.1, &fresh.1));
        prop_assert!(incremental.0 == fresh.0, "findings differ:\n{}", diff(&incremental.0, &fresh.0));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        analyse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn plan_like_text_never_panics(text in plan_text()) {
        analyse(&text);
    }

    #[test]
    fn incremental_edits_equal_a_fresh_parse(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..12, plan_text()), 1..12)
    ) {
        let mut ws = Workspace::new();
        let id = ws.set_file("a.orgplan", SEED.to_string());
        for (at, len, insert) in edits {
            let text = ws.text(id).unwrap().to_string();
            let start = at.index(text.len() + 1);
            let end = (start + len).min(text.len());
            ws.edit_file(id, TextRange::new(start, end), &insert);
            ws.analysis();
        }
        let final_text = ws.text(id).unwrap().to_string();
        let incremental_tree = format!("{:?}", ws.file(id).unwrap().parsed.chunks);
        let incremental = findings_of(&mut ws);
        let mut fresh = Workspace::new();
        fresh.set_file("a.orgplan", final_text);
        let fresh_tree = format!("{:?}", fresh.file(id).unwrap().parsed.chunks);
        prop_assert_eq!(&incremental_tree, &fresh_tree, "trees differ for {:?}", ws.text(id).unwrap());
        prop_assert_eq!(ws.file(id).unwrap().doc(), fresh.file(id).unwrap().doc(), "documents differ");
        let fresh_findings = findings_of(&mut fresh);
        prop_assert_eq!(&incremental, &fresh_findings);
        // With an analysis after each edit, the model and every detail of
        // every finding are the same too.
        let (inc, fr) = (everything(&mut ws), everything(&mut fresh));
        prop_assert!(inc.1 == fr.1, "models differ:\n{}", diff(&inc.1, &fr.1));
        prop_assert!(inc.0 == fr.0, "findings differ:\n{}", diff(&inc.0, &fr.0));
    }
}

/// Edits of a plan long enough that what follows an edit is shifted, and
/// entities spliced, by two threads (thousands of blocks and teams) give
/// what a fresh analysis gives after each: a rename, teams added and
/// removed outside the cycle (its components carried over), one of the
/// cycle's removed (they are not), a line added.
#[test]
fn edits_of_a_long_plan_equal_a_fresh_analysis() {
    let mut text = String::from("leader lee \"Lee\" {\n  allocation: 100%\n}\n");
    // t0..t9 depend on teams of the cycle t10 → t11 → … → t1009 → t10, and
    // the chain t1010 → t1011 → … → t4199 ends in it.
    for i in 0..4200 {
        let target = match i {
            0..10 => i + 40,
            10..1010 => 10 + (i - 9) % 1000,
            4199 => 20,
            _ => i + 1,
        };
        text += &format!(
            "team t{i} \"T{i}\" {{\n  reports_to: lee\n  roles: engineering, qa\n  depends_on t{target} {{ owner: t{i} }}\n}}\n",
        );
    }
    let mut ws = Workspace::new();
    let id = ws.set_file("long.orgplan", text.clone());
    ws.analysis();
    // Near the start (almost everything shifts).
    let at = text.find("team t1 ").unwrap() + "team t1".len();
    let block = |t: &str| {
        let from = text.find(&format!("team {t} ")).unwrap();
        from..from + text[from..].find("}\n}\n").unwrap() + 4
    };
    let added = "team fresh \"F\" {\n  depends_on t50 { owner: fresh }\n}\n";
    // Blocks removed from the end back, each after `fresh` is added.
    let removed = |t: &str| {
        let b = block(t);
        TextRange::new(b.start + added.len(), b.end + added.len())
    };
    for (range, insert) in [
        (TextRange::empty(at), "x"),
        (TextRange::empty(at + 1), "y"),
        (TextRange::new(at, at + 2), ""),
        (TextRange::empty(block("t1").end), added),
        (removed("t3000"), ""),
        (removed("t500"), ""),
        (removed("t5"), ""),
        (
            TextRange::empty(text.find("  roles").unwrap()),
            "  scope: \"s\"\n",
        ),
    ] {
        ws.edit_file(id, range, insert);
        ws.analysis();
        let mut fresh = Workspace::new();
        fresh.set_file("long.orgplan", ws.text(id).unwrap().to_string());
        assert_eq!(ws.file(id).unwrap().doc(), fresh.file(id).unwrap().doc());
        let (inc, fr) = (everything(&mut ws), everything(&mut fresh));
        assert!(
            inc.1 == fr.1,
            "models differ after {insert:?} at {range:?}:\n{}",
            diff(&inc.1, &fr.1)
        );
        assert!(
            inc.0 == fr.0,
            "findings differ after {insert:?} at {range:?}:\n{}",
            diff(&inc.0, &fr.0)
        );
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 5000;
    let text = " team a \"A\" {\n".repeat(depth) + &"}\n".repeat(depth);
    analyse(&text);
}

#[test]
fn one_megabyte_line() {
    let text = format!(
        "team a \"A\" {{ roles: {} }}",
        "qa, ".repeat(250_000) + "qa"
    );
    analyse(&text);
}

/// The first lines where two long strings differ.
/// Types one keystroke into file `id` and checks that the files the
/// workspace says changed are the only ones whose findings did, and that
/// the findings are a fresh analysis's.
fn type_and_compare(
    ws: &mut Workspace,
    id: orgplan_analysis::FileId,
    (at, del, typed): (At, usize, &'static str),
    cap: Option<usize>,
) -> Result<(), TestCaseError> {
    let text = ws.text(id).unwrap().to_string();
    let mut start = match at {
        Ok(at) => at.index(text.len() + 1),
        Err(back) => text.len().saturating_sub(back),
    };
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + del).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    // What each file's findings were, to check the files the
    // workspace says the edit changed: no other file's differ.
    let before = ws
        .analysis()
        .findings
        .iter()
        .map(|f| (**f).clone())
        .collect::<Vec<_>>();
    let texts_before = texts_of(ws);
    ws.take_changed_files();
    ws.edit_file(id, TextRange::new(start, end), typed);
    let texts_after = texts_of(ws);
    let after = ws.analysis();
    if let Some(changed) = ws.take_changed_files() {
        prop_assert!(changed.contains(&id));
        // A file's findings before and after, as `show` gives them.
        let views = |file: FileId, show: fn(&BTreeMap<FileId, Text>, &Finding) -> String| {
            let old: Vec<String> = before
                .iter()
                .filter(|f| f.loc.file == file)
                .map(|f| show(&texts_before, f))
                .collect();
            let new: Vec<String> = after
                .findings_in(file)
                .iter()
                .map(|f| show(&texts_after, f))
                .collect();
            (old, new)
        };
        for (file, _) in ws.files() {
            if !changed.contains(&file) {
                let (old, new) = views(file, shown);
                prop_assert!(
                    old == new,
                    "the findings of {:?} changed, but it is not among the files changed: {:?}",
                    file,
                    changed
                );
                continue;
            }
            // And no other file is named needlessly: its findings (their
            // fixes' places included) differ as a client reads them, by
            // line and column, not only by bytes. (Under a cap, a finding
            // it leaves out may be what changed.) A finding recomputed at
            // another place that has the same line and column (a fix's
            // edit that now goes in after a brace the edit removed) may
            // name it: only a difference by the edit's shift must not.
            if file == id || cap.is_some() {
                continue;
            }
            let (old, new) = views(file, shown_whole);
            let only_moved = || {
                let moved: Vec<Finding> = before
                    .iter()
                    .filter(|f| f.loc.file == file)
                    .map(|f| moved_by_edit(f, id, start..end, typed.len()))
                    .collect();
                let now: Vec<Finding> = after
                    .findings_in(file)
                    .iter()
                    .map(|f| (**f).clone())
                    .collect();
                moved == now
            };
            prop_assert!(
                old != new || !only_moved(),
                "{:?} is among the files changed, but its findings are as they were \
                 ({:?} replaced in {:?} by {:?}):\n{}",
                file,
                &text[start..end],
                id,
                typed,
                old.join("\n")
            );
        }
    }
    // Each file's findings, those of the files not re-gathered
    // included, are what a fresh analysis finds (capped alike).
    let fresh = afresh(ws, cap).analysis();
    prop_assert!(
        after.findings == fresh.findings,
        "findings differ from a fresh analysis's after an edit"
    );
    prop_assert!(
        after.omitted == fresh.omitted,
        "the counts left out differ: {:?} {:?}",
        after.omitted,
        fresh.omitted
    );
    Ok(())
}

/// `f` with its places (related ones and fixes' edits included) moved as
/// replacing `replaced` of `file` by `len` bytes moves a place that does
/// not overlap it: one at or after its end moves by the difference, one
/// that spans it grows.
fn moved_by_edit(
    f: &Finding,
    file: FileId,
    replaced: std::ops::Range<usize>,
    len: usize,
) -> Finding {
    let delta = len as isize - replaced.len() as isize;
    let at = |x: usize| (x as isize + delta) as usize;
    let moved = |l: &mut Loc| {
        let r = l.range;
        if l.file != file {
        } else if r.start() >= replaced.end {
            l.range = TextRange::new(at(r.start()), at(r.end()));
        } else if r.end() >= replaced.end && r.end() > replaced.start {
            l.range = TextRange::new(r.start(), at(r.end()));
        }
    };
    let mut f = f.clone();
    moved(&mut f.loc);
    for r in &mut f.related {
        moved(&mut r.loc);
    }
    for e in f.fixes.iter_mut().flat_map(|x| &mut x.edits) {
        moved(&mut e.loc);
    }
    f
}

/// [`shown`], and each fix's edits by line and column.
fn shown_whole(texts: &BTreeMap<FileId, Text>, f: &Finding) -> String {
    let mut out = shown(texts, f);
    for fix in &f.fixes {
        for e in &fix.edits {
            let lines = Lines::new(&texts[&e.loc.file]);
            let (a, b) = (
                to_line_col(&lines, e.loc.range.start(), Encoding::Utf16),
                to_line_col(&lines, e.loc.range.end(), Encoding::Utf16),
            );
            out.push_str(&format!(" <{:?}:{a:?}-{b:?} {:?}>", e.loc.file, e.new_text));
        }
    }
    out
}

fn texts_of(ws: &Workspace) -> BTreeMap<FileId, Text> {
    ws.files().map(|(id, f)| (id, f.text.clone())).collect()
}

/// A finding as a client is shown it: its places by line and column (in
/// UTF-16, as the server publishes them by default), rule, severity and
/// messages. Not its fixes' edits: a client asks for those when it needs
/// them, from the analysis current then.
fn shown(texts: &BTreeMap<FileId, Text>, f: &Finding) -> String {
    let at = |l: &Loc| {
        let lines = Lines::new(&texts[&l.file]);
        let (a, b) = (
            to_line_col(&lines, l.range.start(), Encoding::Utf16),
            to_line_col(&lines, l.range.end(), Encoding::Utf16),
        );
        format!("{:?}:{a:?}-{b:?}", l.file)
    };
    let mut out = format!("{} {:?} {} {}", f.rule, f.severity, at(&f.loc), f.message);
    for r in &f.related {
        out.push_str(&format!(" [{} {}]", at(&r.loc), r.message));
    }
    out
}

/// Files around the seed plan whose findings depend on each other's
/// declarations: ids declared twice across files (`duplicate-definition`,
/// with `ID-k` renames taken), a misspelt `teams:` entry and the team it
/// means (`orphan-team`), the first leader who leads nothing, whom the
/// fixes of initiatives without a leader in two files offer.
const AROUND: [(&str, &str); 2] = [
    (
        "0.orgplan",
        "leader zed \"Zed\" { }\nteam cart \"Cart again\" {\n  roles: qa\n}\ninitiative zi \"ZI\" {\n  teams: ledgr, paymnts\n}\nteam legal-2 \"L\" { }\n",
    ),
    (
        "z.orgplan",
        "initiative zl \"ZL\" {\n  leader: zed\n}\ninitiative nolead \"NL\" {\n  scope: \"x\"\n}\nleader vp \"Vera again\" { }\nteam ledger-2 \"L2\" { }\nteam legal \"Legal\" { }\n",
    ),
];

fn diff(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(15);
    format!(
        "incremental:\n{}\nfresh:\n{}",
        a[from..(at + 5).min(a.len())].join("\n"),
        b[from..(at + 5).min(b.len())].join("\n")
    )
}

/// A keystroke moves findings of another file that name a place after it
/// (here `duplicate-definition`'s first declaration, and its fix's edit),
/// also those the cap leaves out of the assembled list: they are not
/// there to be replaced, and the list stays what a fresh analysis gives.
#[test]
fn findings_moved_in_another_file_beyond_the_cap() {
    for cap in [None, Some(1), Some(2)] {
        let mut ws = Workspace::new();
        ws.set_max_findings_per_file(cap);
        let plan = "# plan\nteam x1 \"X1\" { }\nteam x2 \"X2\" { }\nteam x3 \"X3\" { }\n";
        let a = ws.set_file("a.orgplan", plan.to_string());
        ws.set_file(
            "b.orgplan",
            "team x1 \"B1\" { }\nteam x2 \"B2\" { }\nteam x3 \"B3\" { }\n".to_string(),
        );
        ws.analysis();
        // In x1's title: x1 is re-checked, and so is b's (its namesake);
        // b's x2 and x3 are shifted.
        let at = plan.find("X1").unwrap();
        for (del, typed) in [(0, "a"), (1, ""), (0, "\n"), (1, "")] {
            let len = ws.text(a).unwrap().len();
            type_and_compare(&mut ws, a, (Err(len - at), del, typed), cap).unwrap();
        }
    }
}
