//! `orgplan check`: one workspace of every plan given, its findings printed.

use crate::cli::{CheckArgs, ColorChoice, OutputFormat};
use crate::files;
use crate::output::{self, Report};
use crate::Failure;
use orgplan_analysis::rules::Severity;
use orgplan_analysis::Workspace;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub fn run(args: CheckArgs) -> Result<ExitCode, Failure> {
    let inputs = files::collect(&args.paths)?;
    let mut ws = Workspace::new();
    for input in &inputs {
        let text = files::read_text(&input.path, &input.display)?;
        ws.set_file(&input.display, text);
    }
    let config = match &args.config {
        Some(path) => {
            if !path.is_file() {
                return Err(Failure::new(format!(
                    "cannot read configuration `{}`: {}",
                    files::display(path),
                    if path.exists() {
                        "not a file"
                    } else {
                        "No such file or directory"
                    }
                )));
            }
            Some((path.clone(), files::display(path)))
        }
        None => files::find_config(&args.paths),
    };
    if let Some((path, shown)) = config {
        let text = files::read_text(&path, &shown)?;
        ws.set_config_file(Some((&shown, text)));
    }
    let overrides: BTreeMap<_, _> = args.rules.iter().cloned().collect();
    ws.set_rule_overrides(overrides);

    let analysis = ws.analysis();
    let report = Report::new(&ws, &analysis.findings, inputs.len());

    let mut stdout = std::io::stdout().lock();
    let text = match args.format {
        OutputFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            if inputs.is_empty() {
                eprintln!("orgplan: warning: no .{} files found", files::EXTENSION);
            }
            output::human(&ws, &report, color)
        }
        OutputFormat::Json => output::json(&report),
        OutputFormat::Sarif => output::sarif(&report),
    };
    // A closed pipe (`orgplan check | head`) is not worth a panic.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());

    let failed = analysis
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    Ok(ExitCode::from(u8::from(failed)))
}
