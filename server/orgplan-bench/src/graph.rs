//! The org graph in-process: what `orgplan/graph` costs the analysis core
//! on a generated plan, step by step (the view, its layout, its SVG), with
//! no server, pipe or JSON around it. The floor under the server's graph
//! phases of [`crate::lsp`].

use crate::generate::{self, Options as GenOptions};
use orgplan_analysis::graph::{self, layout, svg, Request};
use orgplan_analysis::Workspace;
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub plan: GenOptions,
    /// The initiative to focus on (default: the first one declared).
    pub focus: Option<String>,
    pub depth: usize,
    /// Repetitions of each picture.
    pub runs: usize,
    /// Only the overview, or only the neighbourhood (both by default).
    pub only: Option<Only>,
}

/// One of the two pictures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Only {
    Overview,
    Focus,
}

/// The timings of one picture's steps, one sample per run.
#[derive(Debug, Default)]
pub struct Picture {
    pub name: String,
    pub nodes: usize,
    pub edges: usize,
    pub svg_bytes: usize,
    pub view: Vec<Duration>,
    pub layout: Vec<Duration>,
    pub svg: Vec<Duration>,
    pub total: Vec<Duration>,
}

/// The `p`-th percentile of `samples`.
pub fn percentile(samples: &[Duration], p: f64) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    let mut s = samples.to_vec();
    s.sort();
    let i = ((p / 100.0) * (s.len() - 1) as f64).round() as usize;
    Some(s[i.min(s.len() - 1)])
}

/// The id of the first initiative declared in `text`.
pub fn first_initiative(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("initiative "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("")
        .to_string()
}

/// Times the overview and the focused picture, `opts.runs` times each,
/// alternating (so that the machine's drift touches both alike).
pub fn run(opts: &Options) -> Result<Vec<Picture>, String> {
    let plan = generate::generate(&opts.plan);
    let mut ws = Workspace::new();
    for (name, text) in &plan.files {
        ws.set_file(name, text.as_str());
    }
    let analysis = ws.analysis();
    let focus = opts
        .focus
        .clone()
        .unwrap_or_else(|| first_initiative(&plan.files[0].1));
    let mut requests = vec![
        (
            "graph: overview (SVG)".to_string(),
            Request {
                overview: true,
                ..Request::default()
            },
        ),
        (
            format!("graph: {focus}, depth {} (SVG)", opts.depth),
            Request {
                focus: Some(focus.clone()),
                depth: Some(opts.depth),
                ..Request::default()
            },
        ),
    ];
    match opts.only {
        Some(Only::Overview) => requests.truncate(1),
        Some(Only::Focus) => {
            requests.remove(0);
        }
        None => {}
    }
    let mut out: Vec<Picture> = requests
        .iter()
        .map(|(name, _)| Picture {
            name: name.clone(),
            ..Picture::default()
        })
        .collect();
    for _ in 0..opts.runs.max(1) {
        for (pic, (_, req)) in out.iter_mut().zip(&requests) {
            let t = Instant::now();
            let g = graph::view(&analysis, req)?;
            let t_view = t.elapsed();
            let l = layout::layout(&g);
            let t_layout = t.elapsed();
            let s = svg::render(&g, &l, &ws, &svg::Options::default());
            let t_svg = t.elapsed();
            pic.view.push(t_view);
            pic.layout.push(t_layout - t_view);
            pic.svg.push(t_svg - t_layout);
            pic.total.push(t_svg);
            pic.nodes = g.nodes.len();
            pic.edges = g.edges.len();
            pic.svg_bytes = s.len();
        }
    }
    Ok(out)
}

/// A plain-text table: p50 and p99 of each step.
pub fn table(pictures: &[Picture]) -> String {
    let ms =
        |d: Option<Duration>| d.map_or("-".into(), |d| format!("{:.2}", d.as_secs_f64() * 1e3));
    let mut out = format!(
        "{:<40} {:>6} {:>6} {:>9}  {:>15} {:>15} {:>15} {:>15}\n",
        "picture (ms: p50 / p99)", "nodes", "edges", "SVG bytes", "view", "layout", "svg", "total"
    );
    for p in pictures {
        let col =
            |s: &[Duration]| format!("{} / {}", ms(percentile(s, 50.0)), ms(percentile(s, 99.0)));
        out.push_str(&format!(
            "{:<40} {:>6} {:>6} {:>9}  {:>15} {:>15} {:>15} {:>15}\n",
            p.name,
            p.nodes,
            p.edges,
            p.svg_bytes,
            col(&p.view),
            col(&p.layout),
            col(&p.svg),
            col(&p.total),
        ));
    }
    out
}
