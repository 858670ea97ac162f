//! The floor under the language server: what the analysis core itself costs
//! on an enterprise-size plan (about 100,000 lines, 10,000 teams), generated
//! by the same generator as `orgplan-bench` uses.
//!
//! `cargo bench -p orgplan-analysis` (add `-- NAME` to run one).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use orgplan_analysis::config::Config;
use orgplan_analysis::model::Model;
use orgplan_analysis::rules::{self, Ctx};
use orgplan_analysis::{chunks, format, syntax};
use orgplan_analysis::{FileId, Text, TextRange, Workspace};
use std::hint::black_box;
use std::time::Duration;

#[path = "../../orgplan-bench/src/generate.rs"]
#[allow(dead_code)]
mod generate;

const LINES: usize = 100_000;

fn plan() -> String {
    generated(true)
}

/// The plan without syntax errors, which whole formatting lays out.
fn clean_plan() -> String {
    generated(false)
}

fn generated(syntax_errors: bool) -> String {
    let plan = generate::generate(&generate::Options {
        lines: LINES,
        files: 1,
        seed: 7,
        syntax_errors,
        violations: 1.0,
    });
    plan.files.into_iter().next().expect("one file").1
}

/// Inside a string about half-way down the file: where a one-character edit
/// changes no structure.
fn middle_of_a_string(text: &str) -> usize {
    let from = text.len() / 2;
    let at = from
        + text[from..]
            .find("scope: \"")
            .expect("a scope in the second half");
    at + "scope: \"".len() + 3
}

fn bench(c: &mut Criterion) {
    let text = plan();
    let at = middle_of_a_string(&text);
    let tree = syntax::parse(&text, None);
    let rope = Text::new(&text);
    let mut edited = rope.clone();
    edited.replace(at, at, "x");

    let mut g = c.benchmark_group("100k-lines");
    g.sample_size(10).measurement_time(Duration::from_secs(4));

    g.bench_function("parse/fresh", |b| {
        b.iter(|| syntax::parse(black_box(&text), None))
    });

    g.bench_function("parse/chunked", |b| {
        b.iter(|| chunks::parse(black_box(&rope)))
    });

    g.bench_function("parse/chunked-edit-one-char", |b| {
        let parsed = chunks::parse(&rope);
        b.iter_batched(
            || parsed.clone(),
            |mut p| {
                p.edit(black_box(&edited), TextRange::empty(at), 1);
                p
            },
            BatchSize::LargeInput,
        )
    });

    g.bench_function("lower", |b| {
        b.iter(|| syntax::lower(black_box(&text), &tree))
    });

    let doc = syntax::lower(&text, &tree);
    g.bench_function("model", |b| {
        b.iter(|| Model::build([(FileId(0), black_box(&doc))]))
    });

    g.bench_function("model+rules", |b| {
        let config = Config::default();
        b.iter(|| {
            let model = Model::build([(FileId(0), &doc)]);
            let docs = [(FileId(0), &doc, &rope)];
            let ctx = Ctx {
                model: &model,
                config: &config,
                docs: &docs,
                lag: None,
                config_errors: None,
                memo: None,
                facts: Default::default(),
            };
            rules::run(&ctx)
        })
    });

    // Typing at one place, as a user does: 64 characters, then one edit
    // that takes them out again (65 edits a round, timed together).
    g.bench_function("workspace/typing-at-one-place", |b| {
        let mut ws = Workspace::new();
        let id = ws.set_file("plan.orgplan", text.clone());
        ws.analysis();
        let mut typed = 0;
        b.iter(|| {
            if typed == 64 {
                ws.edit_file(id, TextRange::new(at, at + typed), "");
                typed = 0;
            } else {
                ws.edit_file(id, TextRange::empty(at + typed), "x");
                typed += 1;
            }
            ws.analysis()
        })
    });

    g.bench_function("workspace/edit_file+analysis", |b| {
        let mut ws = Workspace::new();
        let id = ws.set_file("plan.orgplan", text.clone());
        ws.analysis();
        let mut inserted = false;
        b.iter(|| {
            // Type a character, then delete it: the text stays the same size.
            if inserted {
                ws.edit_file(id, TextRange::new(at, at + 1), "");
            } else {
                ws.edit_file(id, TextRange::empty(at), "x");
            }
            inserted = !inserted;
            ws.analysis()
        })
    });
    g.bench_function("format/unformatted-plan-again", |b| {
        // The generated plan without syntax errors is not in its canonical
        // layout (half its teams write `depends_on` on one line): every
        // request lays out those blocks again, the memo notwithstanding.
        let mut ws = Workspace::new();
        let id = ws.set_file("clean.orgplan", clean_plan());
        ws.analysis();
        b.iter(|| ws.format_file(id).map(|changes| changes.len()))
    });

    // A first request: nothing is known canonical yet. On the plan as
    // generated, and on the plan in its canonical layout.
    for (name, text) in [
        ("format/unformatted-plan-first", clean_plan()),
        ("format/formatted-plan-first", format::format(&clean_plan())),
    ] {
        let mut ws = Workspace::new();
        let id = ws.set_file("plan.orgplan", text);
        let file = ws.file(id).expect("the plan");
        g.bench_function(name, |b| {
            b.iter(|| {
                format::format_changes(&file.text, &file.parsed, None).map(|changes| changes.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
