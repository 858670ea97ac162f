//! The generator is deterministic and its plans trip a realistic mix of rules.

use orgplan_analysis::Workspace;
use orgplan_bench::generate::{generate, Options};
use std::collections::BTreeMap;

fn rule_counts(files: &[(String, String)]) -> BTreeMap<&'static str, usize> {
    let mut ws = Workspace::new();
    for (name, text) in files {
        ws.set_file(name, text.clone());
    }
    let mut counts = BTreeMap::new();
    for f in &ws.analysis().findings {
        *counts.entry(f.rule).or_default() += 1;
    }
    counts
}

#[test]
fn same_seed_same_plan_other_seed_other_plan() {
    let opts = Options {
        lines: 1000,
        files: 1,
        seed: 7,
        syntax_errors: true,
        violations: 1.0,
    };
    let a = generate(&opts);
    assert_eq!(a, generate(&opts));
    assert_ne!(a, generate(&Options { seed: 8, ..opts }));
}

#[test]
fn size_and_files_are_as_asked() {
    let plan = generate(&Options {
        lines: 3000,
        files: 3,
        seed: 1,
        syntax_errors: true,
        violations: 1.0,
    });
    assert_eq!(plan.files.len(), 3);
    assert!(
        plan.lines() >= 3000 && plan.lines() < 3300,
        "{} lines",
        plan.lines()
    );
    assert!(plan.teams > 200, "{} teams", plan.teams);
}

#[test]
fn a_generated_plan_trips_several_rules_but_is_mostly_healthy() {
    let plan = generate(&Options {
        lines: 1000,
        files: 1,
        seed: 7,
        syntax_errors: true,
        violations: 1.0,
    });
    let counts = rule_counts(&plan.files);
    let principles = counts
        .keys()
        .filter(|r| {
            orgplan_analysis::rules::by_name(r).unwrap().group
                == orgplan_analysis::rules::Group::Principle
        })
        .count();
    assert!(principles >= 4, "only {counts:?}");
    let total: usize = counts.values().sum();
    assert!(
        total < plan.teams,
        "{total} findings for {} teams: {counts:?}",
        plan.teams
    );
}

#[test]
fn violations_scale_the_findings_and_zero_leaves_none() {
    let plan = |violations| {
        generate(&Options {
            lines: 3000,
            files: 1,
            seed: 5,
            syntax_errors: false,
            violations,
        })
    };
    let total = |p: &orgplan_bench::generate::Plan| rule_counts(&p.files).values().sum::<usize>();
    let (none, some, all) = (plan(0.0), plan(0.2), plan(1.0));
    assert_eq!(rule_counts(&none.files), BTreeMap::new());
    assert!(
        0 < total(&some) && total(&some) < total(&all),
        "{} {}",
        total(&some),
        total(&all)
    );
}

#[test]
fn split_files_form_the_same_plan() {
    let one = generate(&Options {
        lines: 2000,
        files: 1,
        seed: 3,
        syntax_errors: true,
        violations: 1.0,
    });
    let four = generate(&Options {
        lines: 2000,
        files: 4,
        seed: 3,
        syntax_errors: true,
        violations: 1.0,
    });
    let rules = |c: BTreeMap<&'static str, usize>| c.into_iter().collect::<Vec<_>>();
    assert_eq!(
        rules(rule_counts(&one.files)),
        rules(rule_counts(&four.files))
    );
}

#[test]
fn syntax_errors_can_be_left_out() {
    let opts = Options {
        lines: 20_000,
        files: 1,
        seed: 7,
        syntax_errors: true,
        violations: 1.0,
    };
    let with = rule_counts(&generate(&opts).files);
    assert!(with.get("syntax-error").is_some_and(|n| *n > 0), "{with:?}");
    let without = rule_counts(
        &generate(&Options {
            syntax_errors: false,
            ..opts
        })
        .files,
    );
    assert_eq!(without.get("syntax-error"), None, "{without:?}");
}

#[test]
fn a_plan_written_out_reads_back_the_same() {
    let plan = generate(&Options {
        lines: 2000,
        files: 3,
        seed: 3,
        syntax_errors: true,
        violations: 1.0,
    });
    let dir = std::env::temp_dir().join(format!("orgplan-bench-read-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    plan.write_to(&dir).unwrap();
    // Not a plan's file: left out.
    std::fs::write(dir.join("notes.txt"), "not a plan").unwrap();
    let read = orgplan_bench::generate::Plan::read(&dir).unwrap();
    let one = orgplan_bench::generate::Plan::read(&dir.join(&plan.files[1].0)).unwrap();
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let none = orgplan_bench::generate::Plan::read(&empty);
    std::fs::remove_dir_all(&dir).unwrap();
    let mut files = plan.files.clone();
    files.sort();
    assert_eq!(read.files, files);
    assert_eq!(
        (read.teams, read.initiatives, read.leaders),
        (plan.teams, plan.initiatives, plan.leaders)
    );
    assert_eq!(one.files, vec![plan.files[1].clone()]);
    assert!(none.unwrap_err().contains("no .orgplan file"));
}

#[test]
fn the_floor_is_timed_warm_and_cold_on_the_same_keystrokes() {
    let opts = orgplan_bench::lsp::Options {
        lines: 2_000,
        edits: 12,
        floor_only: true,
        ..Default::default()
    };
    let report = orgplan_bench::lsp::run(&opts).expect("the floor runs without a server");
    let names: Vec<&str> = report.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names[0].starts_with("floor: edit_file + analysis"),
        "{names:?}"
    );
    assert!(
        names[1].starts_with("floor: drafting a new block"),
        "{names:?}"
    );
    assert!(names[2].starts_with("cold floor:"), "{names:?}");
    for s in [&report.series[0], &report.series[2]] {
        assert_eq!(s.samples.len(), 12, "{}", s.name);
    }
    // Two blocks typed a character at a time, each after a line opened.
    assert!(report.series[1].samples.len() > 150, "{}", names[1]);
}
