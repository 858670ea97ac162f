//! What the editor offers to change, done, changes what it says.
//!
//! Every quick fix does what its title says and breaks nothing: applied to
//! the plan, the finding it is for goes, and no finding that says the text
//! itself is wrong (a syntax error, a key given twice, an id declared
//! twice, an unknown key or block, a value of the wrong kind, a name that
//! names nothing) comes with it. Other findings may: a block a fix makes
//! readable is then checked like any other (`tem` changed to `team` is a
//! team, and may lack roles).
//!
//! On the bundled plan that trips every rule, and on generated plans
//! written to trip the rules that offer fixes: misspelt keys and kinds,
//! keys given twice or blank, values of the wrong kind, references to
//! misspelt and missing ids, duplicates in one file and across two.
//!
//! A rename changes nothing but the name: every reference written with
//! the old id (a reference of the wrong kind too) takes the new one, and
//! the findings are those of before with the new name in them.
//!
//! A value completion lists, accepted, names what the place takes: no
//! reference to nothing or to the wrong kind, nothing given twice.

use orgplan_analysis::rules::{Edit, Finding};
use orgplan_analysis::Workspace;
use proptest::prelude::*;
use std::collections::BTreeMap;

const PLAN: &str = include_str!("../../../examples/violations/plan.orgplan");
const MORE: &str = include_str!("../../../examples/violations/more.orgplan");

/// The rules whose findings say the text itself is wrong: a fix must not
/// add one.
const TEXT_RULES: &[&str] = &[
    "syntax-error",
    "duplicate-property",
    "duplicate-definition",
    "unknown-property",
    "unknown-block",
    "invalid-value",
    "undefined-reference",
];

type Files = Vec<(String, String)>;

fn workspace(files: &Files) -> Workspace {
    let mut ws = Workspace::new();
    for (path, text) in files {
        ws.set_file(path, text.clone());
    }
    ws
}

/// How many findings of each rule and message there are.
fn counts(findings: &[std::sync::Arc<Finding>]) -> BTreeMap<(&'static str, String), usize> {
    let mut out = BTreeMap::new();
    for f in findings {
        *out.entry((f.rule, f.message.to_string())).or_default() += 1;
    }
    out
}

/// The files, for a failure's message.
fn shown(files: &Files) -> String {
    let shown: Vec<String> = files.iter().map(|(p, t)| format!("--- {p}\n{t}")).collect();
    shown.join("\n")
}

/// `files` with `edits` made (places as the analysis of `ws` gave them).
fn applied(ws: &Workspace, files: &Files, edits: &[Edit]) -> Result<Files, String> {
    let mut out = files.clone();
    let mut by_file: BTreeMap<&str, Vec<&Edit>> = BTreeMap::new();
    for e in edits {
        by_file
            .entry(ws.path(e.loc.file).unwrap())
            .or_default()
            .push(e);
    }
    for (path, mut edits) in by_file {
        let text = &mut out.iter_mut().find(|(p, _)| p == path).unwrap().1;
        edits.sort_by_key(|e| e.loc.range.start());
        for pair in edits.windows(2) {
            if pair[0].loc.range.end() > pair[1].loc.range.start() {
                return Err(format!("edits overlap: {pair:?}"));
            }
        }
        for e in edits.iter().rev() {
            let r = e.loc.range.range();
            if r.end > text.len()
                || !text.is_char_boundary(r.start)
                || !text.is_char_boundary(r.end)
            {
                return Err(format!("edit outside the text: {e:?}"));
            }
            text.replace_range(r, &e.new_text);
        }
    }
    Ok(out)
}

/// The rules about the text that may report what a fix of `f` titled
/// `title` makes readable: a block whose kind is mended (one word for
/// another) is read as that kind, its keys, values, nesting and id
/// checked; a key mended, or a string made an id, has its values read, and a
/// reference then resolved like any other (it may name nothing yet, or
/// another kind).
fn revealed(f: &Finding, title: &str) -> &'static [&'static str] {
    let values: &[&str] = &["undefined-reference", "invalid-value"];
    match f.rule {
        "unknown-block" if title.starts_with("Change to") => TEXT_RULES,
        "unknown-block" | "unknown-property" => values,
        _ if title.starts_with("Remove the quotes") => &values[..1],
        _ => &[],
    }
}

/// How many keys a block gives again with the same values as the first
/// time (compared as written, on the key's line, comments left out).
fn given_twice_alike(ws: &mut Workspace) -> usize {
    let analysis = ws.analysis();
    let value = |at: &orgplan_analysis::Loc| {
        let t = ws.text(at.file).unwrap().to_string();
        let line = t[at.range.start()..]
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        let line = line.split('#').next().unwrap_or("");
        line.split_once(':')
            .map_or("", |(_, v)| v)
            .trim()
            .to_string()
    };
    analysis
        .findings
        .iter()
        .filter(|g| g.rule == "duplicate-property" && value(&g.loc) == value(&g.related[0].loc))
        .count()
}

/// Applies each fix of each finding of `files` on its own and checks what
/// comes of it; returns how many fixes were tried.
fn check_fixes(files: &Files) -> Result<usize, String> {
    let mut ws = workspace(files);
    let analysis = ws.analysis();
    let alike = given_twice_alike(&mut ws);
    let before = counts(&analysis.findings);
    let mut tried = 0;
    for f in &analysis.findings {
        for fix in &f.fixes {
            tried += 1;
            let after_files = applied(&ws, files, &fix.edits)?;
            let mut after_ws = workspace(&after_files);
            let after_analysis = after_ws.analysis();
            let after = counts(&after_analysis.findings);
            let what = || {
                let (rule, message) = (f.rule, &f.message);
                format!(
                    "{rule} {message:?}, fix {:?}, in:\n{}",
                    fix.title,
                    shown(&after_files)
                )
            };
            let key = (f.rule, f.message.to_string());
            if after.get(&key).copied().unwrap_or(0) >= before[&key] {
                return Err(format!("the finding stays after its fix: {}", what()));
            }
            // Counted by rule: a message may change with the fix (a
            // syntax error names the block's kind, which a fix may mend).
            let revealed = revealed(f, &fix.title);
            let rules: Vec<&str> = TEXT_RULES
                .iter()
                .copied()
                .filter(|r| !revealed.contains(r))
                .collect();
            // A merge moves a key both declarations give with other
            // values, for the user to choose; one with the same values
            // stays out.
            let merge = fix.title.starts_with("Merge into");
            if merge && given_twice_alike(&mut after_ws) > alike {
                return Err(format!(
                    "the merge gives a key twice with the same values: {}",
                    what()
                ));
            }
            for rule in rules
                .iter()
                .filter(|r| !merge || **r != "duplicate-property")
            {
                let of = |c: &BTreeMap<(&'static str, String), usize>| -> usize {
                    c.iter().filter(|(k, _)| k.0 == *rule).map(|(_, n)| n).sum()
                };
                if of(&after) > of(&before) {
                    let new: Vec<&String> = after
                        .keys()
                        .filter(|k| k.0 == *rule && !before.contains_key(*k))
                        .map(|k| &k.1)
                        .collect();
                    return Err(format!("the fix adds {rule}: {new:?}; {}", what()));
                }
            }
        }
    }
    Ok(tried)
}

#[test]
fn every_fix_of_the_plan_that_trips_every_rule_fixes_its_finding_alone() {
    let files = vec![
        ("plan.orgplan".to_string(), PLAN.to_string()),
        ("more.orgplan".to_string(), MORE.to_string()),
    ];
    let tried = check_fixes(&files).unwrap_or_else(|e| panic!("{e}"));
    // Every rule with a fix has one here (the count moves when one is added).
    assert!(tried >= 18, "only {tried} fixes");
}

/// An id from a small pool (so that some are declared twice), now and then
/// misspelt.
fn id() -> impl Strategy<Value = String> {
    let base = prop::sample::select(vec![
        "ana", "kim", "raj", "ads", "cart", "search", "ledger", "legal",
    ]);
    (base, 0..6u8).prop_map(|(b, typo)| match typo {
        0 => format!("{b}x"),
        1 => b[..b.len() - 1].to_string(),
        _ => b.to_string(),
    })
}

fn ids(n: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(id(), n).prop_map(|v| v.join(", "))
}

/// A line of a block of `kind`: a property, right or wrong in some way.
fn line(kind: &'static str) -> BoxedStrategy<String> {
    let common = prop_oneof![
        Just("scope: \"\"".to_string()),
        Just("titel: \"typo\"".to_string()),
        Just("colour: blue".to_string()),
        Just("scope \"no colon\"".to_string()),
        Just("roles engineering".to_string()),
        Just("roles engineering { }".to_string()),
        Just("roles engineering {".to_string()),
        Just("roles engineering {\n    # kept\n  }".to_string()),
        id().prop_map(|i| format!("leader {i}")),
    ];
    let own: BoxedStrategy<String> = match kind {
        "leader" => prop_oneof![
            Just("title: \"Director\"".to_string()),
            prop::sample::select(vec!["50%", "100%", "50", "\"50%\"", "1.5"])
                .prop_map(|a| format!("allocation: {a}")),
            Just("duties: \"hiring\"".to_string()),
            id().prop_map(|i| format!("reports_to: {i}")),
        ]
        .boxed(),
        "initiative" => prop_oneof![
            id().prop_map(|i| format!("leader: {i}")),
            id().prop_map(|i| format!("leadr: {i}")),
            prop::sample::select(vec!["ownership", "leadership", "owner", "\"ownership\""])
                .prop_map(|m| format!("model: {m}")),
            prop::sample::select(vec!["\"Inbound\"", "\"\"", "inbound"])
                .prop_map(|s| format!("scope: {s}")),
            prop::sample::select(vec!["\"orders\"", "\"\""]).prop_map(|s| format!("metrics: {s}")),
            ids(1..4).prop_map(|t| format!("teams: {t}")),
            id().prop_map(|t| format!("teams: \"{t}\"")),
            ids(1..3).prop_map(|t| format!("approvals: {t}")),
        ]
        .boxed(),
        _ => prop_oneof![
            id().prop_map(|i| format!("reports_to: {i}")),
            prop::sample::subsequence(vec!["engineering", "qa", "design", "product"], 1..4)
                .prop_map(|r| format!("roles: {}", r.join(", "))),
            prop::sample::select(vec!["true", "false", "yes"])
                .prop_map(|b| format!("functional: {b}")),
            ids(1..3).prop_map(|t| format!("approvals: {t}")),
            (id(), 0..5u8, id()).prop_map(|(t, how, o)| match how {
                0 => format!("depends_on {t}"),
                1 => format!("depends_on {t} {{ owner: {o} }}"),
                2 => format!("depends_on {t} {{ owner: {o}\n    plan: \"\" }}"),
                3 => format!("depends_on {t} {{ plan: \"decouple\" ownr: {o} }}"),
                _ => format!("depends_on {t} {{ owner: {o}\n    plan: \"decouple\" }}"),
            }),
        ]
        .boxed(),
    };
    prop_oneof![1 => common, 4 => own].boxed()
}

/// A block: its kind (now and then misspelt), id and lines; now and then
/// its closing brace left out.
fn block() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["leader", "initiative", "team"]).prop_flat_map(|kind| {
        (
            0..12u8,
            id(),
            prop::collection::vec(line(kind), 0..6),
            0..16u8,
        )
            .prop_map(move |(spelling, id, lines, open)| {
                let word = if spelling == 0 {
                    &kind[..kind.len() - 1]
                } else {
                    kind
                };
                let body: String = lines.iter().map(|l| format!("  {l}\n")).collect();
                let close = if open == 0 { "" } else { "}\n" };
                format!("{word} {id} \"{}\" {{\n{body}{close}", id.to_uppercase())
            })
    })
}

/// An initiative with its leader and a team, the team reporting to the
/// leader or to someone else, under either model: the mismatches between
/// the model and the reporting lines.
fn initiative_with_team() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["ownership", "leadership"]),
        prop::sample::select(vec!["kim", "raj"]),
    )
        .prop_map(|(model, boss)| {
            format!(
                "leader kim \"Kim\" {{ }}\nleader raj \"Raj\" {{ }}\n\
                 team cart \"Cart\" {{\n  reports_to: {boss}\n  roles: engineering, qa, design, product\n}}\n\
                 initiative ads \"Ads\" {{\n  leader: kim\n  model: {model}\n  scope: \"s\"\n  metrics: \"m\"\n  teams: cart\n}}\n"
            )
        })
}

/// Two files of generated blocks, now and then an initiative with its
/// team first.
fn plan() -> impl Strategy<Value = Files> {
    (
        prop::collection::vec(block(), 1..8),
        prop::collection::vec(block(), 0..4),
        prop::option::weighted(0.3, initiative_with_team()),
    )
        .prop_map(|(first, second, org)| {
            vec![
                (
                    "a.orgplan".to_string(),
                    org.unwrap_or_default() + &first.concat(),
                ),
                ("b.orgplan".to_string(), second.concat()),
            ]
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_fix_of_a_generated_plan_fixes_its_finding_alone(files in plan()) {
        if let Err(e) = check_fixes(&files) {
            return Err(TestCaseError::fail(e));
        }
    }
}

/// `text` with each whole word `from` (an id's characters around it are
/// none) written `to`.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let (before, after) = (&rest[..i], &rest[i + from.len()..]);
        out.push_str(before);
        let whole = !before.ends_with(word) && !after.starts_with(word);
        out.push_str(if whole { to } else { from });
        rest = after;
    }
    out + rest
}

/// The findings of `files` by rule and message, the message with the id
/// `from` written `to` (as a whole word, where it quotes); suggestions
/// left out (what is closest to a misspelt name may change with a name),
/// and what depends on them.
fn renamed_findings(files: &Files, from: &str, to: &str) -> Vec<(String, String)> {
    let mut ws = workspace(files);
    // `orphan-team` spares a team that a misspelt `teams:` entry most
    // likely means, which depends on how the names are spelt.
    let mut out: Vec<(String, String)> = ws
        .analysis()
        .findings
        .iter()
        .filter(|f| f.rule != "orphan-team")
        .map(|f| {
            let m = f.message.split(" — did you mean").next().unwrap_or("");
            // Ids are written between backquotes (`leader ana`).
            let spans: Vec<String> = m
                .split('`')
                .enumerate()
                .map(|(i, x)| {
                    if i % 2 == 1 {
                        replace_word(x, from, to)
                    } else {
                        x.to_string()
                    }
                })
                .collect();
            (f.rule.to_string(), spans.join("`"))
        })
        .collect();
    out.sort();
    out
}

/// Renames the `n`th entity declared once in `files` (an editor's rename
/// at its declaration) and checks that the plan then says what it said,
/// with the new name.
fn check_rename(files: &Files, n: usize) -> Result<(), String> {
    let mut ws = workspace(files);
    let analysis = ws.analysis();
    let m = &analysis.model;
    let once: Vec<_> = m
        .entities()
        .filter(|e| m.declarations(m.decl(*e).id.as_str()).len() == 1)
        .collect();
    let Some(&e) = once.get(n % once.len().max(1)) else {
        return Ok(());
    };
    let d = m.decl(e);
    let (old, to) = (d.id.to_string(), "renamed".to_string());
    let edits = orgplan_analysis::ide::rename::rename(
        &ws,
        &analysis,
        d.name.file,
        d.name.range.start(),
        &to,
    )?;
    let after = applied(&ws, files, &edits)?;
    // A reference still written with the old name was left behind.
    let mut after_ws = workspace(&after);
    let left: Vec<_> = after_ws
        .analysis()
        .model
        .references()
        .filter(|r| r.name == old)
        .map(|r| r.loc)
        .collect();
    if !left.is_empty() {
        return Err(format!("renaming `{old}` leaves references at {left:?}"));
    }
    // The old name written anywhere else (the id of a block of no known
    // kind, a key, a string) is not this entity's: a message may quote it.
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    if after
        .iter()
        .any(|(_, t)| t.split(|c: char| !word(c)).any(|w| w == old))
    {
        return Ok(());
    }
    let (want, got) = (
        renamed_findings(files, &old, &to),
        renamed_findings(&after, &to, &to),
    );
    if want != got {
        let lost: Vec<_> = want.iter().filter(|f| !got.contains(f)).collect();
        let new: Vec<_> = got.iter().filter(|f| !want.contains(f)).collect();
        return Err(format!(
            "renaming `{old}` to `{to}` changes the findings: gone {lost:?}, new {new:?}, in:\n{}",
            shown(&after)
        ));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_rename_changes_nothing_but_the_name(files in plan(), n in 0usize..64) {
        if let Err(e) = check_rename(&files, n) {
            return Err(TestCaseError::fail(e));
        }
    }
}

/// Types `key` on a new line at the end of the body of the `n`th
/// well-formed initiative or team of `files` and accepts each of the first
/// listed values in turn: none may name nothing or be of a kind the place
/// does not take (`undefined-reference`), or be given twice.
fn check_completion(files: &Files, n: usize, key: usize) -> Result<(), String> {
    let mut ws = workspace(files);
    let analysis = ws.analysis();
    let m = &analysis.model;
    let (keys, decls): (&[&str], Vec<_>) = if key.is_multiple_of(2) {
        (
            &["teams: ", "leader: ", "approvals: "],
            m.initiatives.iter().map(|i| &i.decl).collect(),
        )
    } else {
        (
            &["reports_to: ", "depends_on ", "approvals: "],
            m.teams.iter().map(|t| &t.decl).collect(),
        )
    };
    let Some(d) = decls
        .iter()
        .filter(|d| d.body.is_some() && !d.unread.broken())
        .nth(n % decls.len().max(1))
    else {
        return Ok(());
    };
    let body = d.body.expect("just filtered");
    let path = ws.path(d.file()).unwrap().to_string();
    let text = &files.iter().find(|(p, _)| *p == path).unwrap().1;
    let at = body.end() - 1;
    let typed = format!("\n  {}", keys[key / 2 % keys.len()]);
    let mut base = files.clone();
    base.iter_mut().find(|(p, _)| *p == path).unwrap().1 =
        format!("{}{typed}{}", &text[..at], &text[at..]);
    let mut ws = workspace(&base);
    let analysis = ws.analysis();
    let file = ws.file_id(&path).unwrap();
    let cursor = at + typed.len();
    let out = orgplan_analysis::ide::completion::completions(&ws, &analysis, file, cursor);
    let before = counts(&analysis.findings);
    let of = |c: &BTreeMap<(&'static str, String), usize>, rule: &str| -> usize {
        c.iter().filter(|(k, _)| k.0 == rule).map(|(_, n)| n).sum()
    };
    for item in out.items.iter().take(4) {
        let mut after = base.clone();
        let t = &mut after.iter_mut().find(|(p, _)| *p == path).unwrap().1;
        t.replace_range(item.range.range(), &item.insert);
        let now = counts(&workspace(&after).analysis().findings);
        for rule in ["undefined-reference", "duplicate-property", "syntax-error"] {
            if of(&now, rule) > of(&before, rule) {
                return Err(format!(
                    "accepting `{}` after `{}` adds {rule}, in:\n{}",
                    item.label,
                    typed.trim(),
                    shown(&after)
                ));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_listed_value_accepted_names_what_the_place_takes(
        files in plan(), n in 0usize..64, key in 0usize..6,
    ) {
        if let Err(e) = check_completion(&files, n, key) {
            return Err(TestCaseError::fail(e));
        }
    }
}
