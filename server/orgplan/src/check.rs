//! `orgplan check`: the plans given, grouped into workspaces by their
//! `orgplan.toml`, and their findings printed.

use crate::cli::{CheckArgs, ColorChoice, OutputFormat};
use crate::files;
use crate::output::{self, Report};
use crate::Failure;
use orgplan_analysis::rules::Severity;
use orgplan_analysis::Workspace;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// The files of one workspace and its configuration (path, and how to name it).
type Group<'a> = (Option<(PathBuf, String)>, Vec<&'a files::Input>);

pub fn run(args: CheckArgs) -> Result<ExitCode, Failure> {
    let inputs = files::collect(&args.paths)?;
    let overrides: BTreeMap<_, _> = args.rules.iter().cloned().collect();
    let explicit = files::named_config(args.config.as_deref())?;
    let mut workspaces = Vec::new();
    for (_, (config, members)) in groups(&args, &inputs, explicit) {
        let mut ws = Workspace::new();
        for input in &members {
            let text = files::read_text(&input.path, &input.display)?;
            ws.set_file(&input.display, text);
        }
        if let Some((path, shown)) = config {
            let text = files::read_text(&path, &shown)?;
            ws.set_config_file(Some((&shown, text)));
        }
        ws.set_rule_overrides(overrides.clone());
        let analysis = ws.analysis();
        workspaces.push((ws, analysis, members.len()));
    }
    let text = render(&args, inputs.is_empty(), &workspaces);
    // A closed pipe (`orgplan check | head`) ends the output quietly; the
    // status still says whether there were errors.
    crate::stdout::write_all(text.as_bytes())?;

    let failed = workspaces
        .iter()
        .flat_map(|(_, analysis, _)| analysis.findings.iter())
        .any(|f| f.severity == Severity::Error);
    Ok(ExitCode::from(u8::from(failed)))
}

/// Which files form one workspace: with `--config`, all of them; else the
/// files under one `orgplan.toml` (its folder and everything below it,
/// down to the next `orgplan.toml`), and the files under none together.
/// With no plan at all, one group without files, so that the
/// configuration is still read and its errors reported.
fn groups<'a>(
    args: &CheckArgs,
    inputs: &'a [files::Input],
    explicit: Option<(PathBuf, String)>,
) -> BTreeMap<Option<PathBuf>, Group<'a>> {
    let mut groups: BTreeMap<Option<PathBuf>, Group> = BTreeMap::new();
    for input in inputs {
        let config = match &explicit {
            Some(c) => Some(c.clone()),
            None => files::find_config(std::slice::from_ref(&input.path)),
        };
        let key = config.as_ref().map(|(p, _)| p.clone());
        groups
            .entry(key)
            .or_insert_with(|| (config, Vec::new()))
            .1
            .push(input);
    }
    if groups.is_empty() {
        let config = explicit.or_else(|| files::find_config(&args.paths));
        groups.insert(
            config.as_ref().map(|(p, _)| p.clone()),
            (config, Vec::new()),
        );
    }
    groups
}

/// The output in the format asked for.
fn render(
    args: &CheckArgs,
    no_inputs: bool,
    workspaces: &[(Workspace, std::sync::Arc<orgplan_analysis::Analysis>, usize)],
) -> String {
    let reports: Vec<Report> = workspaces
        .iter()
        .map(|(ws, analysis, n)| Report::new(ws, &analysis.findings, *n))
        .collect();
    match args.format {
        OutputFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            if no_inputs {
                eprintln!("orgplan: warning: no .{} files found", files::EXTENSION);
            }
            let parts: Vec<(&Workspace, &Report)> = workspaces
                .iter()
                .map(|(ws, _, _)| ws)
                .zip(&reports)
                .collect();
            output::human(&parts, color)
        }
        OutputFormat::Json => output::json(&Report::merge(reports)),
        OutputFormat::Sarif => crate::sarif::sarif(&Report::merge(reports)),
    }
}
