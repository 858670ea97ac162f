//! `orgplan`: check, format and explain organization plans, and run the
//! language server.

mod check;
mod cli;
mod explain;
mod files;
mod fmt;
mod graph;
mod output;
mod report;
mod sarif;
mod stdout;

use clap::Parser;
use std::process::ExitCode;

/// A usage or I/O problem: reported as `orgplan: error: …`, exit status 2.
#[derive(Debug)]
pub struct Failure(pub String);

impl Failure {
    pub fn new(msg: impl Into<String>) -> Failure {
        Failure(msg.into())
    }
}

fn main() -> ExitCode {
    orgplan_lsp::enter_start_folder();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("lsp") {
        return ExitCode::from(orgplan_lsp::run_stdio() as u8);
    }
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Check(args) => check::run(args),
        cli::Command::Fmt(args) => fmt::run(args),
        cli::Command::Explain(args) => explain::run(args),
        cli::Command::Graph(args) => graph::run(args),
        cli::Command::Report(args) => report::run(args),
        cli::Command::Lsp => Ok(ExitCode::from(orgplan_lsp::run_stdio() as u8)),
    };
    match result {
        Ok(code) => code,
        Err(Failure(msg)) => {
            eprintln!("orgplan: error: {msg}");
            ExitCode::from(2)
        }
    }
}
