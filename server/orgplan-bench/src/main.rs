//! `orgplan-bench generate …` writes a generated plan; `orgplan-bench lsp …`
//! benchmarks the language server end to end.

use clap::{Parser, Subcommand};
use orgplan_bench::generate::{self, Options};
use orgplan_bench::lsp;
use std::path::PathBuf;
use std::process::ExitCode;

/// The system allocator, counting the bytes held once [`COUNTING`] is
/// set, so that `--stats` can say where the memory of an analysed plan
/// goes. Otherwise it only passes calls on: the in-process floor of
/// `lsp` is timed without shared counters between threads.
struct Counting;

static HELD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static COUNTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn counting() -> bool {
    COUNTING.load(std::sync::atomic::Ordering::Relaxed)
}

// SAFETY: every call is passed on to the system allocator unchanged; only
// the sizes are counted.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if counting() {
            HELD.fetch_add(layout.size(), std::sync::atomic::Ordering::Relaxed);
        }
        std::alloc::System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if counting() {
            HELD.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        }
        std::alloc::System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        if counting() {
            HELD.fetch_add(new, std::sync::atomic::Ordering::Relaxed);
            HELD.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        }
        std::alloc::System.realloc(ptr, layout, new)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes held on the heap now, counted from when counting began (requested
/// sizes, without the allocator's own overhead; tree-sitter's C
/// allocations are not counted). Take differences with `wrapping_sub`:
/// memory allocated before counting began and freed after makes the count
/// wrap.
fn held() -> usize {
    HELD.load(std::sync::atomic::Ordering::Relaxed)
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

#[derive(Parser)]
#[command(
    name = "orgplan-bench",
    about = "Generate enterprise-size org plans and benchmark the orgplan language server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a generated plan into OUT_DIR.
    Generate {
        /// About how many lines in all.
        #[arg(long, default_value_t = 100_000)]
        lines: usize,
        /// How many files to split it into.
        #[arg(long, default_value_t = 1)]
        files: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Leave out the few syntax errors (the plan is otherwise the same).
        #[arg(long)]
        no_syntax_errors: bool,
        /// Violations relative to the realistic default: each rule's rate
        /// is multiplied by it (0.1: a mostly healthy plan).
        #[arg(long, default_value_t = 1.0)]
        violations: f64,
        /// Also analyse the plan in-process and print the findings per rule.
        #[arg(long)]
        stats: bool,
        out_dir: PathBuf,
    },
    /// Benchmark `orgplan lsp` end to end over stdio on a generated plan.
    Lsp {
        /// About how many lines in all.
        #[arg(long, default_value_t = 100_000)]
        lines: usize,
        /// How many files to split the plan into (the keystrokes go into
        /// the first; the others are the rest of the workspace).
        #[arg(long, default_value_t = 1)]
        files: usize,
        /// Keystrokes to type (each waits for its diagnostics).
        #[arg(long, default_value_t = 500)]
        edits: usize,
        /// The server binary (run as `SERVER lsp`).
        #[arg(long, default_value = "target/release/orgplan")]
        server: PathBuf,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Leave out the plan's few syntax errors (it is otherwise the same).
        #[arg(long)]
        no_syntax_errors: bool,
        /// Violations relative to the realistic default: each rule's rate
        /// is multiplied by it (0.1: a mostly healthy plan).
        #[arg(long, default_value_t = 1.0)]
        violations: f64,
        /// Repetitions of each request (completion, hover …; a fifth of it
        /// for semantic tokens and formatting).
        #[arg(long, default_value_t = 100)]
        requests: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Only the in-process floor (no server): the analysis's own cost
        /// of the keystrokes, with its CPU time.
        #[arg(long)]
        floor_only: bool,
        /// A plan on disk to use instead of a generated one: a file, or a
        /// folder of `.orgplan` files (typed into: the first in name
        /// order). `--lines`, `--files`, `--seed`, `--violations` and
        /// `--no-syntax-errors` are then ignored.
        #[arg(long, value_name = "PATH")]
        plan: Option<PathBuf>,
    },
    /// Time the org graph in-process: the overview and one initiative's
    /// neighbourhood, each step (view, layout, SVG) on its own.
    Graph {
        /// About how many lines in all.
        #[arg(long, default_value_t = 100_000)]
        lines: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// The initiative to focus on (default: the first declared).
        #[arg(long)]
        focus: Option<String>,
        #[arg(long, default_value_t = 2)]
        depth: usize,
        /// Repetitions of each picture.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Only the overview (`overview`) or only the neighbourhood
        /// (`focus`).
        #[arg(long, value_parser = ["overview", "focus"])]
        only: Option<String>,
    },
    /// orgplan side by side with LikeC4's language server on the same plan
    /// (as a LikeC4 model): open → diagnostics and edit → diagnostics.
    /// `scripts/peer-bench.sh` installs LikeC4 and Node and runs it.
    Peer {
        /// About how many lines of orgplan in all.
        #[arg(long, default_value_t = 10_000)]
        lines: usize,
        #[arg(long, default_value_t = 1)]
        files: usize,
        /// Keystrokes typed into each server (each waits for its diagnostics).
        #[arg(long, default_value_t = 48)]
        edits: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        #[arg(long, default_value_t = 1.0)]
        violations: f64,
        /// The orgplan binary (run as `SERVER lsp`).
        #[arg(long, default_value = "target/release/orgplan")]
        server: PathBuf,
        /// Node (22.22 or newer: LikeC4 requires it).
        #[arg(long, default_value = "node")]
        node: PathBuf,
        /// LikeC4's script (its package's `bin/likec4.mjs`).
        #[arg(long)]
        likec4: PathBuf,
        /// Seconds to wait for any one answer.
        #[arg(long, default_value_t = 120)]
        timeout: u64,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Generate {
            lines,
            files,
            seed,
            no_syntax_errors,
            violations,
            stats,
            out_dir,
        } => write_plan(
            &Options {
                lines,
                files,
                seed,
                syntax_errors: !no_syntax_errors,
                violations,
            },
            &out_dir,
            stats,
        ),
        Command::Lsp {
            lines,
            files,
            edits,
            server,
            seed,
            no_syntax_errors,
            violations,
            requests,
            json,
            floor_only,
            plan,
        } => run_lsp(
            &lsp::Options {
                lines,
                files,
                edits,
                server,
                seed,
                syntax_errors: !no_syntax_errors,
                violations,
                requests,
                floor_only,
                plan,
                ..lsp::Options::default()
            },
            json,
        ),
        other => run_other(other),
    }
}

/// The benchmarks beside the server's: the graph in process and the peer
/// comparison.
fn run_other(command: Command) -> ExitCode {
    match command {
        Command::Graph {
            lines,
            seed,
            focus,
            depth,
            runs,
            only,
        } => run_graph(&orgplan_bench::graph::Options {
            plan: Options {
                lines,
                files: 1,
                seed,
                syntax_errors: true,
                violations: 1.0,
            },
            focus,
            depth,
            runs,
            only: only.map(|o| {
                if o == "overview" {
                    orgplan_bench::graph::Only::Overview
                } else {
                    orgplan_bench::graph::Only::Focus
                }
            }),
        }),
        Command::Peer {
            lines,
            files,
            edits,
            seed,
            violations,
            server,
            node,
            likec4,
            timeout,
        } => peer(&orgplan_bench::peer::Options {
            lines,
            files,
            seed,
            violations,
            edits,
            server,
            node,
            likec4,
            timeout: std::time::Duration::from_secs(timeout),
        }),
        Command::Generate { .. } | Command::Lsp { .. } => unreachable!("run by main"),
    }
}

/// `generate`: the plan written into `out_dir`, what it holds printed.
fn write_plan(opts: &Options, out_dir: &std::path::Path, stats: bool) -> ExitCode {
    let plan = generate::generate(opts);
    if let Err(e) = plan.write_to(out_dir) {
        eprintln!("error: cannot write to {}: {e}", out_dir.display());
        return ExitCode::from(2);
    }
    println!(
        "wrote {} file(s), {} lines, {} bytes: {} leaders, {} initiatives, {} teams, into {}",
        plan.files.len(),
        plan.lines(),
        plan.bytes(),
        plan.leaders,
        plan.initiatives,
        plan.teams,
        out_dir.display()
    );
    if stats {
        print_stats(&plan);
    }
    ExitCode::SUCCESS
}

/// `lsp`: the end-to-end benchmark, as a table or JSON.
fn run_lsp(opts: &lsp::Options, json: bool) -> ExitCode {
    match lsp::run(opts) {
        Ok(report) => {
            if json {
                println!("{:#}", report.json());
            } else {
                print!("{}", report.table());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_graph(opts: &orgplan_bench::graph::Options) -> ExitCode {
    match orgplan_bench::graph::run(opts) {
        Ok(pictures) => {
            print!("{}", orgplan_bench::graph::table(&pictures));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn peer(opts: &orgplan_bench::peer::Options) -> ExitCode {
    match orgplan_bench::peer::run(opts) {
        Ok(report) => {
            print!("{}", report.table());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn print_stats(plan: &generate::Plan) {
    COUNTING.store(true, std::sync::atomic::Ordering::Relaxed);
    let texts: Vec<String> = plan.files.iter().map(|(_, t)| t.clone()).collect();
    let base = held();
    let t = std::time::Instant::now();
    let mut ws = orgplan_analysis::Workspace::new();
    for (name, text) in &plan.files {
        ws.set_file(name, text.clone());
    }
    let parsed = t.elapsed();
    let after_parse = held();
    let analysis = ws.analysis();
    let analysed = t.elapsed() - parsed;
    let after_analysis = held();
    // The parts of the analysis, measured by building or copying each again.
    let model = {
        let before = held();
        let docs: Vec<_> = ws.files().map(|(id, f)| (id, f.doc())).collect();
        let m = orgplan_analysis::model::Model::build(docs.iter().copied());
        let size = held().wrapping_sub(before);
        drop(m);
        size
    };
    let findings = {
        let before = held();
        let copy = analysis.findings.clone();
        let size = held().wrapping_sub(before);
        drop(copy);
        size
    };
    let rope: usize = ws.files().map(|(_, f)| f.text.heap_bytes()).sum();
    let source: usize = texts.iter().map(String::len).sum();
    println!(
        "memory held for {} of source (heap bytes requested, without tree-sitter's or the allocator's overhead): text + chunks + documents {} (of which the texts, as ropes, about {}), analysis {} (model {}, findings {}, the rest {})",
        mb(source),
        mb(after_parse.wrapping_sub(base)),
        mb(rope),
        mb(after_analysis.wrapping_sub(after_parse)),
        mb(model),
        mb(findings),
        mb((after_analysis.wrapping_sub(after_parse)).saturating_sub(model + findings)),
    );
    let mut counts = std::collections::BTreeMap::new();
    for f in &analysis.findings {
        *counts.entry(f.rule).or_insert(0usize) += 1;
    }
    println!("parse + lower: {parsed:.2?}; model + rules: {analysed:.2?}");
    println!("{} findings:", analysis.findings.len());
    // Each rule alone, for where the time goes.
    let config = orgplan_analysis::config::Config::default();
    let docs: Vec<_> = ws.files().map(|(id, f)| (id, f.doc(), &f.text)).collect();
    let ctx = orgplan_analysis::rules::Ctx {
        model: &analysis.model,
        config: &config,
        docs: &docs,
        lag: None,
        config_errors: None,
        memo: None,
        facts: Default::default(),
    };
    println!("  {:<30} {:>8} {:>10}", "rule", "findings", "time");
    for rule in orgplan_analysis::rules::ALL {
        let t = std::time::Instant::now();
        let mut out = Vec::new();
        orgplan_analysis::rules::run_rule(&ctx, rule, &mut out);
        let took = t.elapsed();
        println!(
            "  {:<30} {:>8} {:>10.2?}",
            rule.name,
            counts.get(rule.name).copied().unwrap_or(0),
            took
        );
    }
}
