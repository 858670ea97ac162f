//! `orgplan fmt`: the canonical layout, in place, checked, or on stdin.

use crate::cli::FmtArgs;
use crate::files;
use crate::Failure;
// A file is formatted in chunks, from its lowered document, as the editor
// formats it: never one tree of the whole text (on a 100k-line plan,
// `fmt --check` took 1.0–1.4 s and 66 MB formatting it as one string,
// 0.6–0.7 s and 32 MB this way; BENCHMARKS.md, "4 Dec (third session)").
use orgplan_analysis::format::try_format_file as try_format;
use std::io::Read;
use std::process::ExitCode;

pub fn run(args: FmtArgs) -> Result<ExitCode, Failure> {
    if args.stdin {
        return stdin(args.check);
    }
    let inputs = files::collect(&args.paths)?;
    let mut changed = 0usize;
    let mut unformattable = 0usize;
    let mut out = String::new();
    for input in &inputs {
        let text = files::read_text(&input.path, &input.display)?;
        let Some(formatted) = try_format(&text) else {
            eprintln!(
                "orgplan: warning: `{}` has syntax errors (see `orgplan check`); left unchanged",
                input.display
            );
            unformattable += 1;
            continue;
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if args.check {
            out.push_str(&format!("Would reformat: {}\n", input.display));
            out.push_str(&diff(&text, &formatted, &input.display));
        } else {
            std::fs::write(&input.path, &formatted).map_err(|e| {
                Failure::new(format!(
                    "cannot write `{}`: {}",
                    input.display,
                    files::io_reason(&e)
                ))
            })?;
            out.push_str(&format!("Formatted {}\n", input.display));
        }
    }
    if inputs.is_empty() {
        eprintln!("orgplan: warning: no .{} files found", files::EXTENSION);
    }
    crate::stdout::write_all(out.as_bytes())?;
    let failed = unformattable > 0 || (args.check && changed > 0);
    Ok(ExitCode::from(u8::from(failed)))
}

/// Formats standard input onto standard output. Text with syntax errors is
/// written back unchanged (and reported); with `--check`, nothing is
/// written and the status says whether the text would change.
fn stdin(check: bool) -> Result<ExitCode, Failure> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).map_err(|e| {
        Failure::new(format!(
            "cannot read standard input: {}",
            files::io_reason(&e)
        ))
    })?;
    if bytes.len() > orgplan_analysis::MAX_TEXT_BYTES {
        return Err(files::too_long("standard input"));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::new(format!(
            "standard input is not valid UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let formatted = try_format(&text);
    if formatted.is_none() {
        eprintln!("orgplan: warning: standard input has syntax errors (see `orgplan check`); left unchanged");
    }
    if check {
        return Ok(match formatted {
            Some(f) if f == text => ExitCode::SUCCESS,
            Some(f) => {
                crate::stdout::write_all(diff(&text, &f, "<stdin>").as_bytes())?;
                ExitCode::from(1)
            }
            None => ExitCode::from(1),
        });
    }
    crate::stdout::write_all(formatted.as_deref().unwrap_or(&text).as_bytes())?;
    Ok(ExitCode::from(u8::from(formatted.is_none())))
}

/// A unified diff from `old` to `new`.
fn diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
