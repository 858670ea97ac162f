//! `orgplan`: check, format and explain organization plans, and run the
//! language server.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("lsp") {
        return ExitCode::from(orgplan_lsp::run_stdio() as u8);
    }
    eprintln!("orgplan: the command line is not written yet");
    ExitCode::from(2)
}
