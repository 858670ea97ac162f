//! `orgplan report`: one self-contained HTML file for people who never
//! open an editor — the picture (pan and zoom), the findings grouped by
//! initiative with the principle behind each, and each initiative's
//! single-threaded checklist.
//!
//! Self-contained: the style, the script and the picture are inline, and a
//! Content Security Policy lets the page load nothing and run only its own
//! script and style (by their SHA-256 hashes).

use crate::cli::ReportArgs;
use crate::graph::{emit, load};
use crate::Failure;
use orgplan_analysis::graph::{self, escape_xml as esc, layout, svg, NodeKind, View};
use orgplan_analysis::ide::checklist;
use orgplan_analysis::model::EntityId;
use orgplan_analysis::position::to_human;
use orgplan_analysis::rules::{self, Finding, Severity};
use orgplan_analysis::{Analysis, Workspace};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::process::ExitCode;

/// Past this many nodes the whole plan is drawn as the overview.
pub const OVERVIEW_PAST: usize = 400;

pub fn run(args: ReportArgs) -> Result<ExitCode, Failure> {
    let (ws, analysis) = load(&args.paths, args.config.as_deref())?;
    let html = render(&ws, &analysis, args.overview);
    emit(&html, Some(&args.output))?;
    Ok(ExitCode::SUCCESS)
}

const PAGE_CSS: &str = r#"
:root { color-scheme: light; --op-bg: #ffffff; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; color: #1f2328; background: #f6f8fa; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; }
h3 { font-size: 17px; margin: 0 0 4px; }
h4 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #57606a; margin: 16px 0 6px; }
.summary { color: #57606a; margin: 0; }
.pill { display: inline-block; border-radius: 999px; padding: 0 10px; font-size: 13px; font-weight: 600; border: 1px solid currentColor; margin-right: 6px; }
.pill.error { color: #cf222e; } .pill.warning { color: #9a6700; } .pill.healthy { color: #1a7f37; }
#picture { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; overflow: hidden; }
.toolbar { display: flex; gap: 6px; align-items: center; padding: 6px 8px; border-bottom: 1px solid #d0d7de; font-size: 13px; color: #57606a; }
.toolbar button { font: inherit; border: 1px solid #d0d7de; background: #f6f8fa; border-radius: 6px; padding: 2px 10px; cursor: pointer; }
#viewport { height: 70vh; min-height: 360px; cursor: grab; touch-action: none; }
#viewport svg { width: 100%; height: 100%; display: block; }
article.initiative { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 16px 20px; margin: 14px 0; }
article.initiative.error { border-left: 6px solid #cf222e; }
article.initiative.warning { border-left: 6px solid #9a6700; }
article.initiative.healthy { border-left: 6px solid #1a7f37; }
.meta { color: #57606a; font-size: 14px; margin: 0; }
ul.findings { list-style: none; padding: 0; margin: 0; }
ul.findings li { padding: 6px 0; border-top: 1px solid #eaeef2; }
.sev { font-weight: 700; font-size: 13px; margin-right: 4px; }
.sev.error { color: #cf222e; } .sev.warning { color: #9a6700; } .sev.info, .sev.hint { color: #57606a; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eaeef2; border-radius: 4px; padding: 0 4px; }
.place { color: #57606a; font-size: 13px; }
details { margin: 2px 0 0 0; font-size: 14px; color: #424a53; }
summary { cursor: pointer; color: #0969da; }
ol.checklist { list-style: none; padding: 0; margin: 0; }
ol.checklist li { padding: 3px 0; }
.mark { display: inline-block; width: 1.4em; font-weight: 700; }
.ok .mark { color: #1a7f37; } .no .mark { color: #cf222e; } .unchecked .mark { color: #6e7781; }
.why { color: #57606a; }
footer { color: #57606a; font-size: 13px; padding-bottom: 32px; margin-top: 32px; }
footer a { color: #0969da; }
@media print { #viewport { height: auto; } .toolbar { display: none; } }
"#;

/// Pan (drag) and zoom (wheel, buttons) by moving the picture's viewBox;
/// a click on an initiative jumps to its section.
const SCRIPT: &str = r#"
(function () {
  var box = document.getElementById('viewport');
  var svg = box && box.querySelector('svg');
  if (!svg) return;
  var full = svg.viewBox.baseVal;
  var home = { x: full.x, y: full.y, w: full.width, h: full.height };
  var vb = { x: home.x, y: home.y, w: home.w, h: home.h };
  svg.removeAttribute('width'); svg.removeAttribute('height');
  function apply() { svg.setAttribute('viewBox', vb.x + ' ' + vb.y + ' ' + vb.w + ' ' + vb.h); }
  function zoom(k, px, py) {
    var nw = Math.min(Math.max(vb.w * k, home.w / 50), home.w * 4);
    k = nw / vb.w;
    vb.x += (vb.w - vb.w * k) * px; vb.y += (vb.h - vb.h * k) * py;
    vb.w *= k; vb.h *= k; apply();
  }
  box.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = svg.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 0.8 : 1.25, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
  }, { passive: false });
  var drag = null;
  box.addEventListener('pointerdown', function (e) { drag = { x: e.clientX, y: e.clientY, moved: false }; box.setPointerCapture(e.pointerId); });
  box.addEventListener('pointermove', function (e) {
    if (!drag) return;
    var r = svg.getBoundingClientRect();
    var s = Math.max(vb.w / r.width, vb.h / r.height);
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
    vb.x -= dx * s; vb.y -= dy * s; drag.x = e.clientX; drag.y = e.clientY; apply();
  });
  box.addEventListener('pointerup', function (e) {
    var d = drag; drag = null;
    if (d && !d.moved) {
      var el = document.elementFromPoint(e.clientX, e.clientY);
      var node = el && el.closest('.nodes .node');
      var target = node && document.getElementById('initiative-' + node.getAttribute('data-id'));
      if (target) target.scrollIntoView({ behavior: 'smooth' });
    }
  });
  document.querySelectorAll('[data-zoom]').forEach(function (b) {
    b.addEventListener('click', function () {
      var z = b.getAttribute('data-zoom');
      if (z === 'in') zoom(0.8, 0.5, 0.5);
      else if (z === 'out') zoom(1.25, 0.5, 0.5);
      else { vb = { x: home.x, y: home.y, w: home.w, h: home.h }; apply(); }
    });
  });
})();
"#;

fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("'sha256-{}'", base64(&digest))
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn sev_mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖",
        Severity::Warning => "▲",
        Severity::Info => "ℹ",
        Severity::Hint => "·",
    }
}

/// `file:line:column` of a finding.
fn place(ws: &Workspace, f: &Finding) -> String {
    let path = ws.path(f.loc.file).unwrap_or("?");
    match ws.lines(f.loc.file) {
        Some(lines) => {
            let (l, c) = to_human(&lines, f.loc.range.start());
            format!("{path}:{l}:{c}")
        }
        None => path.to_string(),
    }
}

fn finding_item(s: &mut String, ws: &Workspace, f: &Finding) {
    let sev = f.severity.as_str();
    let _ = write!(
        s,
        r#"<li class="{sev}"><span class="sev {sev}">{} {sev}</span> <code>{}</code> {} <span class="place">{}</span>"#,
        sev_mark(f.severity),
        esc(f.rule),
        esc(&f.message),
        esc(&place(ws, f))
    );
    if let Some(rule) = rules::by_name(f.rule) {
        let _ = write!(
            s,
            "<details><summary>Why it matters</summary><p>{}</p><p><strong>What to do:</strong> {}</p></details>",
            esc(rule.principle),
            esc(rule.fix)
        );
    }
    s.push_str("</li>");
}

/// The report of a workspace.
pub fn render(ws: &Workspace, analysis: &Analysis, overview: bool) -> String {
    let m = &analysis.model;
    let whole = graph::build(analysis, View::Whole);
    let picture = if overview || graph::entity_count(analysis) > OVERVIEW_PAST {
        graph::build(analysis, View::Overview)
    } else {
        whole.clone()
    };
    let l = layout::layout(&picture);
    let svg_text = svg::render(
        &picture,
        &l,
        ws,
        &svg::Options {
            embed_style: false,
            legend: true,
        },
    );
    let (by_initiative, elsewhere) = by_initiative(analysis, &whole);
    let mut s = String::with_capacity(svg_text.len() + 64 * 1024);
    head(&mut s, ws, analysis, &svg_text);
    s.push_str("<h2>Initiatives</h2>\n");
    if m.initiatives.is_empty() {
        s.push_str("<p>The plan declares no initiative.</p>\n");
    }
    // Every checklist at once: one each walked the whole model and every
    // finding, and the report of the 100k-line plan spent most of its time
    // there (BENCHMARKS.md, "6 Dec (twenty-fourth session)").
    let all: Vec<usize> = (0..m.initiatives.len()).collect();
    let checks = checklist::checklists(ws, analysis, &all);
    for ((i, fs), checks) in by_initiative.iter().enumerate().zip(checks) {
        initiative(&mut s, ws, analysis, i, fs, &checks);
    }
    if !elsewhere.is_empty() {
        s.push_str(r#"<h2>Elsewhere</h2><article class="initiative" id="elsewhere"><p class="meta">Findings on teams and leaders on no initiative, in the configuration, or outside any block.</p><ul class="findings">"#);
        for &f in &elsewhere {
            finding_item(&mut s, ws, &analysis.findings[f]);
        }
        s.push_str("</ul></article>\n");
    }
    foot(&mut s, ws, &picture);
    s
}

/// The findings (indexes) by initiative: those on the initiative, on the
/// teams that serve it and on the leader who leads it; and those on none.
fn by_initiative(analysis: &Analysis, whole: &graph::Graph) -> (Vec<Vec<usize>>, Vec<usize>) {
    let m = &analysis.model;
    let on = graph::finding_nodes(analysis, whole);
    let mut by_initiative: Vec<Vec<usize>> = vec![Vec::new(); m.initiatives.len()];
    let mut elsewhere: Vec<usize> = Vec::new();
    for (fi, node) in on.iter().enumerate() {
        let inits: Vec<usize> = match node.and_then(|n| whole.nodes[n].entity) {
            Some(EntityId::Initiative(i)) => vec![i],
            Some(EntityId::Team(t)) => m.team_initiatives(t).collect(),
            Some(EntityId::Leader(l)) => m.led_by(l).collect(),
            None => Vec::new(),
        };
        if inits.is_empty() {
            elsewhere.push(fi);
        }
        for i in inits {
            by_initiative[i].push(fi);
        }
    }
    (by_initiative, elsewhere)
}

/// The page up to the picture: its policy, style, title and summary.
fn head(s: &mut String, ws: &Workspace, analysis: &Analysis, svg_text: &str) {
    let m = &analysis.model;
    let count = |s: Severity| analysis.findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let css = format!("{PAGE_CSS}{}", svg::CSS);
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        hash(&css),
        hash(SCRIPT)
    );
    let _ = write!(
        s,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="orgplan {}">
<title>Org plan report</title>
<style>{css}</style>
</head>
<body>
<header>
<h1>Org plan report</h1>
<p class="summary">{} initiative{}, {} team{}, {} leader{} in {} file{} · <span class="pill error">✖ {errors} error{}</span><span class="pill warning">▲ {warnings} warning{}</span></p>
</header>
<main>
<h2 id="picture-title">The picture</h2>
<section id="picture" aria-labelledby="picture-title">
<div class="toolbar"><button type="button" data-zoom="in" aria-label="Zoom in">+</button><button type="button" data-zoom="out" aria-label="Zoom out">−</button><button type="button" data-zoom="fit">Fit</button><span>Drag to pan, scroll to zoom, click an initiative to read about it. Hover a node for its findings.</span></div>
<div id="viewport">{svg_text}</div>
</section>
"#,
        esc(&csp),
        env!("CARGO_PKG_VERSION"),
        m.initiatives.len(),
        plural(m.initiatives.len()),
        m.teams.len(),
        plural(m.teams.len()),
        m.leaders.len(),
        plural(m.leaders.len()),
        ws.files().count(),
        plural(ws.files().count()),
        plural(errors),
        plural(warnings),
    );
}

/// One initiative: who leads it, its teams, its findings and its
/// single-threaded checklist.
fn initiative(
    s: &mut String,
    ws: &Workspace,
    analysis: &Analysis,
    i: usize,
    fs: &[usize],
    checks: &[checklist::Question],
) {
    let init = &analysis.model.initiatives[i];
    let worst = fs.iter().map(|&f| analysis.findings[f].severity).min();
    let status = match worst {
        Some(Severity::Error) => "error",
        Some(Severity::Warning) => "warning",
        _ => "healthy",
    };
    let (passed, total) = checklist::score(checks);
    let _ = write!(
        s,
        r#"<article class="initiative {status}" id="initiative-{}"><h3>{}{}</h3>"#,
        esc(&init.decl.id),
        esc(&init.decl.id),
        init.decl
            .title
            .as_ref()
            .map(|t| format!(" — {}", esc(t)))
            .unwrap_or_default()
    );
    let leader = init
        .leader
        .as_ref()
        .map(|r| format!("led by <code>{}</code>", esc(&r.name)))
        .unwrap_or_else(|| "no leader named".into());
    let teams: Vec<String> = init
        .teams
        .iter()
        .map(|t| format!("<code>{}</code>", esc(&t.name)))
        .collect();
    let _ = write!(
        s,
        r#"<p class="meta">{leader} · {} · {passed} of {total} checks pass · {}</p>"#,
        if teams.is_empty() {
            "no teams".to_string()
        } else {
            format!("teams: {}", teams.join(", "))
        },
        match fs.len() {
            0 => "no findings".to_string(),
            1 => "1 finding".to_string(),
            n => format!("{n} findings"),
        }
    );
    if !fs.is_empty() {
        s.push_str(r#"<h4>Findings</h4><ul class="findings">"#);
        for &f in fs {
            finding_item(s, ws, &analysis.findings[f]);
        }
        s.push_str("</ul>");
    }
    s.push_str(r#"<h4>Single-threaded checklist</h4><ol class="checklist">"#);
    for c in checks {
        let _ = write!(
            s,
            r#"<li class="{}"><span class="mark" aria-label="{}">{}</span>{} <span class="why">— {}</span></li>"#,
            match c.answer {
                checklist::Answer::Pass => "ok",
                checklist::Answer::Fail => "no",
                checklist::Answer::Unchecked => "unchecked",
            },
            match c.answer {
                checklist::Answer::Pass => "yes",
                checklist::Answer::Fail => "no",
                checklist::Answer::Unchecked => "not checked",
            },
            c.answer.mark(),
            esc(c.question),
            esc(&c.why)
        );
    }
    s.push_str("</ol></article>\n");
}

/// The end of the page: the files, the source of the principles, the
/// script.
fn foot(s: &mut String, ws: &Workspace, picture: &graph::Graph) {
    let _ = write!(
        s,
        r#"</main>
<footer><p>Drawn by orgplan from {}. The principles are ours, after <a href="{}">“{}”</a>. {}</p></footer>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        {
            let files: Vec<String> = ws
                .files()
                .map(|(_, f)| format!("<code>{}</code>", esc(&f.path)))
                .collect();
            files.join(", ")
        },
        esc(rules::SOURCE_URL),
        esc(rules::SOURCE_TITLE),
        if picture.nodes.iter().any(|n| n.kind == NodeKind::Group) {
            "The picture is the overview: each initiative with its teams is one node."
        } else {
            ""
        }
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
