//! `orgplan graph`: the picture of a plan as SVG, DOT, Mermaid or JSON.

use crate::cli::{GraphArgs, GraphFormat};
use crate::files;
use crate::Failure;
use orgplan_analysis::graph::{self, layout, Request};
use orgplan_analysis::{Analysis, Workspace};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Every plan the paths name, as one workspace under the nearest
/// `orgplan.toml` (or `config`).
pub fn load(
    paths: &[PathBuf],
    config: Option<&Path>,
) -> Result<(Workspace, Arc<Analysis>), Failure> {
    let inputs = files::collect(paths)?;
    if inputs.is_empty() {
        return Err(Failure::new(format!(
            "no .{} files found",
            files::EXTENSION
        )));
    }
    let mut ws = Workspace::new();
    for input in &inputs {
        let text = files::read_text(&input.path, &input.display)?;
        ws.set_file(&input.display, text);
    }
    let config = files::named_config(config)?.or_else(|| files::find_config(paths));
    if let Some((path, shown)) = config {
        let text = files::read_text(&path, &shown)?;
        ws.set_config_file(Some((&shown, text)));
    }
    let analysis = ws.analysis();
    Ok((ws, analysis))
}

/// Writes `text` to `out` (a file) or standard output.
pub fn emit(text: &str, out: Option<&Path>) -> Result<(), Failure> {
    match out {
        Some(path) if path != Path::new("-") => std::fs::write(path, text).map_err(|e| {
            Failure::new(format!(
                "cannot write `{}`: {}",
                files::display(path),
                files::io_reason(&e)
            ))
        }),
        _ => {
            crate::stdout::write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

pub fn run(args: GraphArgs) -> Result<ExitCode, Failure> {
    let (ws, analysis) = load(&args.paths, args.config.as_deref())?;
    let req = Request {
        overview: args.overview,
        focus: args.focus.clone(),
        depth: args.depth,
    };
    let g = graph::view(&analysis, &req).map_err(Failure)?;
    let text = match args.format {
        GraphFormat::Svg => {
            let l = layout::layout(&g);
            graph::svg::render(&g, &l, &ws, &graph::svg::Options::default())
        }
        GraphFormat::Dot => graph::dot::render(&g),
        GraphFormat::Mermaid => graph::mermaid::render(&g),
        GraphFormat::Json => {
            let mut s = serde_json::to_string_pretty(&graph::doc::doc(&g, &ws))
                .expect("a graph serializes");
            s.push('\n');
            s
        }
    };
    emit(&text, args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
