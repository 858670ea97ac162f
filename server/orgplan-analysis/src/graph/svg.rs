//! The picture as SVG: no program needed to draw it.
//!
//! Every node is one `<g class="node …">` and every edge one
//! `<g class="edge …">`, each with a `<title>` (its findings, as a tooltip)
//! and `data-` attributes naming it and where it is written, so a viewer
//! can jump to the declaration. Colours come from CSS custom properties
//! ([`CSS`]) that a host page may override (the editor's theme); the status
//! is drawn as a shape too — a round badge for errors, a triangle for
//! warnings — so colour is never the only signal.

use super::layout::{text_width, Layout, Rect};
use super::{xml as esc, EdgeKind, Graph, NodeKind, Status};
use crate::text::FileId;
use crate::Workspace;

/// How output names a file.
pub type FileNamer<'a> = dyn Fn(FileId) -> Option<String> + 'a;
use std::fmt::Write;

/// The style of the picture: classes over custom properties with light
/// defaults. A host overrides `--op-*` to theme it.
pub const CSS: &str = r#"
.orgplan-graph { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Noto Color Emoji", sans-serif; font-size: 12px; }
.orgplan-graph .bg { fill: var(--op-bg, #ffffff); }
.orgplan-graph text { fill: var(--op-fg, #1f2328); }
.orgplan-graph .caption { font-size: 13px; font-weight: 600; }
.orgplan-graph .muted, .orgplan-graph .detail { fill: var(--op-muted, #57606a); font-size: 11px; }
.orgplan-graph .node .shape { fill: var(--op-node, #f6f8fa); stroke: var(--op-border, #57606a); stroke-width: 1.2; }
.orgplan-graph .node .id { font-weight: 600; }
.orgplan-graph .node.leader .shape { fill: var(--op-leader, #eef2ff); }
.orgplan-graph .node.initiative .shape, .orgplan-graph .node.initiative-group .shape { fill: var(--op-initiative, #f0f7ee); stroke-width: 1.6; }
.orgplan-graph .node.functional-team .shape, .orgplan-graph .node.unassigned .shape { stroke-dasharray: 5 3; }
.orgplan-graph .node.undeclared .shape { fill: none; stroke-dasharray: 2 3; }
.orgplan-graph .node.undeclared text { font-style: italic; }
.orgplan-graph .node.warning .shape { fill: var(--op-warning-bg, #fff4d6); stroke: var(--op-warning, #9a6700); stroke-width: 2.2; }
.orgplan-graph .node.error .shape { fill: var(--op-error-bg, #ffebe9); stroke: var(--op-error, #cf222e); stroke-width: 2.6; }
.orgplan-graph .node.selected .shape { stroke: var(--op-focus, #0969da); stroke-width: 3.5; }
.orgplan-graph .node { cursor: pointer; }
.orgplan-graph .badge.error { fill: var(--op-error, #cf222e); }
.orgplan-graph .badge.warning { fill: var(--op-warning, #9a6700); }
.orgplan-graph .badge-mark { fill: var(--op-badge-fg, #ffffff); font-size: 10px; font-weight: 700; }
.orgplan-graph .edge path { fill: none; stroke: var(--op-edge, #8c959f); stroke-width: 1.2; }
.orgplan-graph .edge.leads path { stroke: var(--op-fg, #1f2328); stroke-width: 2; }
.orgplan-graph .edge.reports-to path { stroke-dasharray: 1.5 3; }
.orgplan-graph .edge.depends-on path, .orgplan-graph .edge.depends-on-unowned path { stroke: var(--op-dep, #0969da); stroke-width: 1.5; }
.orgplan-graph .edge.depends-on-unowned path { stroke-dasharray: 7 4; }
.orgplan-graph .edge.warning path { stroke: var(--op-warning, #9a6700); stroke-width: 2.2; }
.orgplan-graph .edge.error path { stroke: var(--op-error, #cf222e); stroke-width: 2.4; }
.orgplan-graph .edge text { font-size: 10px; fill: var(--op-muted, #57606a); }
.orgplan-graph .arrow { fill: var(--op-dep, #0969da); }
.orgplan-graph .arrow-plain { fill: var(--op-edge, #8c959f); }
.orgplan-graph .legend .frame { fill: var(--op-legend-bg, #f6f8fa); stroke: var(--op-edge, #8c959f); stroke-width: 0.6; }
"#;

/// How to render.
#[derive(Clone, Debug)]
pub struct Options {
    /// Put [`CSS`] in the SVG (a host that styles it itself leaves it out,
    /// for a strict Content Security Policy).
    pub embed_style: bool,
    /// Draw the legend.
    pub legend: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            embed_style: true,
            legend: true,
        }
    }
}

const LEGEND_H: f64 = 96.0;
const LEGEND_W: f64 = 900.0;

/// The SVG of `g` laid out as `l`. `ws` names the files for `data-file`.
pub fn render(g: &Graph, l: &Layout, ws: &Workspace, opts: &Options) -> String {
    render_named(g, l, &|f| ws.path(f).map(str::to_string), opts)
}

/// [`render`], with files named by `name` (a server names them by URI).
pub fn render_named(g: &Graph, l: &Layout, name: &FileNamer, opts: &Options) -> String {
    let mut s = String::with_capacity(512 + g.nodes.len() * 600 + g.edges.len() * 300);
    render_into(&mut s, g, l, name, opts);
    s
}

/// [`render_named`], written into `s` as it goes: the server writes a
/// picture of megabytes straight into its response (escaped as JSON on
/// the way) instead of holding it as a string first.
pub fn render_into(s: &mut impl Write, g: &Graph, l: &Layout, name: &FileNamer, opts: &Options) {
    let top = if opts.legend { LEGEND_H + 8.0 } else { 0.0 };
    let width = l
        .width
        .max(if opts.legend { LEGEND_W + 40.0 } else { 0.0 })
        .ceil();
    let height = (l.height + top).ceil();
    let (errors, warnings) = counts(g);
    let summary = format!(
        "orgplan: {} — {} node{}, {} edge{}; {} with errors, {} with warnings",
        g.caption,
        g.nodes.len(),
        plural(g.nodes.len()),
        g.edges.len(),
        plural(g.edges.len()),
        errors,
        warnings
    );
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="orgplan-graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="orgplan-graph-title"><title id="orgplan-graph-title">{}</title>"#,
        esc(&summary)
    );
    if opts.embed_style {
        let _ = s.write_str("<style>");
        let _ = s.write_str(CSS);
        let _ = s.write_str("</style>");
    }
    let _ = s.write_str(concat!(
        r#"<defs><marker id="op-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker>"#,
        r#"<marker id="op-arrow-plain" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path class="arrow-plain" d="M0,0 L10,5 L0,10 z"/></marker></defs>"#
    ));
    let _ = write!(
        s,
        r#"<rect class="bg" x="0" y="0" width="{width}" height="{height}"/>"#
    );
    if opts.legend {
        legend(s, g, &summary);
    }
    let _ = write!(s, r#"<g class="graph" transform="translate(0,{top})">"#);
    let _ = s.write_str(r#"<g class="edges">"#);
    for (i, e) in g.edges.iter().enumerate() {
        edge(s, g, l, i, e);
    }
    let _ = s.write_str(r#"</g><g class="nodes">"#);
    for i in 0..g.nodes.len() {
        node(s, g, l, name, i);
    }
    let _ = s.write_str("</g></g></svg>\n");
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// How many nodes have errors, and how many warnings (at worst).
pub fn counts(g: &Graph) -> (usize, usize) {
    let mut e = 0;
    let mut w = 0;
    for n in &g.nodes {
        match n.marks.status() {
            Status::Error => e += 1,
            Status::Warning => w += 1,
            Status::Healthy => {}
        }
    }
    (e, w)
}

/// A coordinate to a tenth, without a trailing `.0`.
fn f(x: f64) -> Num {
    Num(x)
}

struct Num(f64);

impl std::fmt::Display for Num {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round();
        let r = tenths / 10.0;
        if r == r.trunc() {
            write!(out, "{}", r as i64)
        } else if tenths.abs() < 1e15 {
            // The same digits as `{r:.1}`, without float formatting.
            let t = tenths as i64;
            let sign = if t < 0 { "-" } else { "" };
            write!(out, "{sign}{}.{}", (t / 10).abs(), (t % 10).abs())
        } else {
            write!(out, "{r:.1}")
        }
    }
}

/// The outline of a node of `kind` in `r`.
fn shape(s: &mut impl Write, kind: NodeKind, r: &Rect) {
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    match kind {
        NodeKind::Leader => {
            let _ = write!(
                s,
                r#"<rect class="shape" x="{}" y="{}" width="{}" height="{}" rx="{}"/>"#,
                f(x),
                f(y),
                f(w),
                f(h),
                f(h.min(30.0) / 2.0)
            );
        }
        NodeKind::Initiative | NodeKind::Group => {
            // A rectangle with cut corners.
            let c = 8.0;
            let _ = write!(
                s,
                r#"<polygon class="shape" points="{},{} {},{} {},{} {},{} {},{} {},{} {},{} {},{}"/>"#,
                f(x + c),
                f(y),
                f(x + w - c),
                f(y),
                f(x + w),
                f(y + c),
                f(x + w),
                f(y + h - c),
                f(x + w - c),
                f(y + h),
                f(x + c),
                f(y + h),
                f(x),
                f(y + h - c),
                f(x),
                f(y + c)
            );
        }
        _ => {
            let _ = write!(
                s,
                r#"<rect class="shape" x="{}" y="{}" width="{}" height="{}" rx="3"/>"#,
                f(x),
                f(y),
                f(w),
                f(h)
            );
        }
    }
}

/// The status marker centred at (`cx`, `cy`): a disc with `!` for errors,
/// a triangle with `!` for warnings.
fn badge(s: &mut impl Write, status: Status, cx: f64, cy: f64) {
    match status {
        Status::Error => {
            let _ = write!(
                s,
                r#"<circle class="badge error" cx="{}" cy="{}" r="7"/>"#,
                f(cx),
                f(cy)
            );
        }
        Status::Warning => {
            let _ = write!(
                s,
                r#"<polygon class="badge warning" points="{},{} {},{} {},{}"/>"#,
                f(cx),
                f(cy - 7.5),
                f(cx + 8.0),
                f(cy + 6.5),
                f(cx - 8.0),
                f(cy + 6.5)
            );
        }
        Status::Healthy => return,
    }
    let _ = write!(
        s,
        r#"<text class="badge-mark" x="{}" y="{}" text-anchor="middle">!</text>"#,
        f(cx),
        f(cy + 4.0)
    );
}

fn tooltip(g: &Graph, i: usize) -> String {
    let n = &g.nodes[i];
    let mut t = format!("{} {}", n.kind.describe(), n.id);
    if let Some(title) = &n.title {
        let _ = write!(t, " — {title}");
    }
    if let Some(d) = &n.detail {
        let _ = write!(t, " ({d})");
    }
    notes(&mut t, &n.marks);
    t
}

fn notes(t: &mut String, m: &super::Marks) {
    if m.count == 0 {
        return;
    }
    for note in &m.notes {
        let _ = write!(t, "\n{} [{}]: {}", note.severity, note.rule, note.message());
    }
    if m.count > m.notes.len() {
        let _ = write!(
            t,
            "\n{} finding{} ({})",
            m.count,
            plural(m.count),
            m.rules.join(", ")
        );
    }
}

fn node(s: &mut impl Write, g: &Graph, l: &Layout, name: &FileNamer, i: usize) {
    let n = &g.nodes[i];
    let r = &l.boxes[i];
    let status = n.marks.status();
    let _ = write!(
        s,
        r#"<g class="node {} {}" id="node-{i}" data-key="{}" data-id="{}""#,
        n.kind.as_str(),
        status.as_str(),
        esc(&n.key),
        esc(&n.id),
    );
    if let (Some(p), Some(x)) = (n.place, n.extent) {
        if let Some(path) = name(p.file) {
            let _ = write!(
                s,
                r#" data-file="{}" data-start="{}" data-end="{}" data-block-start="{}" data-block-end="{}""#,
                esc(&path),
                p.range.start(),
                p.range.end(),
                x.range.start(),
                x.range.end()
            );
        }
    }
    if let Some(w) = n.marks.worst {
        let _ = write!(
            s,
            r#" data-severity="{w}" data-findings="{}""#,
            n.marks.count
        );
    }
    let _ = write!(s, r#"><title>{}</title>"#, esc(&tooltip(g, i)));
    shape(s, n.kind, r);
    let label = &l.labels[i];
    let mut y = r.y + 19.0;
    for (k, line) in label.lines.iter().enumerate() {
        let class = match k {
            0 => "id",
            1 if n.title.is_some() => "title",
            _ => "detail",
        };
        let _ = write!(
            s,
            r#"<text class="{class}" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            f(r.cx()
                + if k == 0 && status != Status::Healthy {
                    9.0
                } else {
                    0.0
                }),
            f(y),
            esc(line)
        );
        y += 15.0;
    }
    if status != Status::Healthy {
        let first = text_width(&label.lines[0]);
        badge(s, status, r.cx() - first / 2.0 - 3.0, r.y + 15.0);
    }
    let _ = s.write_str("</g>");
}

/// An edge's path, and the middle of it (where its badge goes): a loop
/// beside a node to itself, an arc under two nodes in one row, a curve
/// between rows.
fn edge_path(l: &Layout, e: &super::Edge) -> (String, f64, f64) {
    let (a, b) = (&l.boxes[e.from], &l.boxes[e.to]);
    let d;
    let (mx, my);
    if e.from == e.to {
        let (x, y) = (a.right(), a.y + a.h / 2.0);
        d = format!(
            "M{},{} C{},{} {},{} {},{}",
            f(x),
            f(y - 6.0),
            f(x + 30.0),
            f(y - 20.0),
            f(x + 30.0),
            f(y + 20.0),
            f(x),
            f(y + 6.0)
        );
        (mx, my) = (x + 24.0, y);
    } else if l.rows[e.from] == l.rows[e.to] {
        // Same row: an arc under both.
        let (x1, x2) = (a.cx(), b.cx());
        let y = a.bottom().max(b.bottom());
        let dip = 22.0;
        d = format!(
            "M{},{} C{},{} {},{} {},{}",
            f(x1),
            f(a.bottom()),
            f(x1),
            f(y + dip),
            f(x2),
            f(y + dip),
            f(x2),
            f(b.bottom())
        );
        (mx, my) = ((x1 + x2) / 2.0, y + dip * 0.75);
    } else {
        let down = a.y < b.y;
        let (x1, y1) = (a.cx(), if down { a.bottom() } else { a.y });
        let (x2, y2) = (b.cx(), if down { b.y } else { b.bottom() });
        let dy = (y2 - y1) / 2.0;
        d = format!(
            "M{},{} C{},{} {},{} {},{}",
            f(x1),
            f(y1),
            f(x1),
            f(y1 + dy),
            f(x2),
            f(y2 - dy),
            f(x2),
            f(y2)
        );
        (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    }
    (d, mx, my)
}

/// How an edge's line ends.
fn arrow(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::DependsOn | EdgeKind::DependsOnUnowned => " marker-end=\"url(#op-arrow)\"",
        EdgeKind::Leads | EdgeKind::ReportsTo => " marker-end=\"url(#op-arrow-plain)\"",
        EdgeKind::Serves => "",
    }
}

fn edge(s: &mut impl Write, g: &Graph, l: &Layout, i: usize, e: &super::Edge) {
    let status = e.marks.status();
    let (d, mx, my) = edge_path(l, e);
    let (from, to) = (&g.nodes[e.from], &g.nodes[e.to]);
    let _ = write!(
        s,
        r#"<g class="edge {} {}" id="edge-{i}" data-from="{}" data-to="{}""#,
        e.kind.as_str(),
        status.as_str(),
        esc(&from.key),
        esc(&to.key)
    );
    if e.count > 1 {
        let _ = write!(s, r#" data-count="{}""#, e.count);
    }
    let mut t = format!("{} {} {}", from.id, e.kind.describe(), to.id);
    if e.count > 1 {
        let _ = write!(t, " — {} dependencies, {} unowned", e.count, e.unowned);
    }
    notes(&mut t, &e.marks);
    let marker = arrow(e.kind);
    let _ = write!(s, r#"><title>{}</title><path d="{d}"{marker}/>"#, esc(&t));
    if e.count > 1 {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            f(mx + 8.0),
            f(my - 3.0),
            e.count
        );
    }
    badge(s, status, mx, my);
    let _ = s.write_str("</g>");
}

/// The key: shapes, lines, statuses.
fn legend(s: &mut impl Write, g: &Graph, summary: &str) {
    let _ = write!(
        s,
        r#"<g class="legend" transform="translate(10,8)"><rect class="frame" x="0" y="0" width="{}" height="{}" rx="4"/>"#,
        LEGEND_W, LEGEND_H
    );
    let _ = write!(
        s,
        r#"<text class="caption" x="10" y="18">{}</text>"#,
        esc(summary)
    );
    let (kinds, edges) = g.legend();
    legend_nodes(s, kinds);
    let mut x = 10.0;
    for &k in edges {
        let marker = arrow(k);
        let _ = write!(
            s,
            r#"<g class="edge {}"><path d="M{},72 L{},72"{marker}/><text class="muted" x="{}" y="76">{}</text></g>"#,
            k.as_str(),
            f(x),
            f(x + 34.0),
            f(x + 40.0),
            esc(k.describe())
        );
        x += 52.0 + text_width(k.describe());
    }
    if g.is_overview() {
        let _ = write!(
            s,
            r#"<text class="muted" x="{}" y="76">a number on a line: how many dependencies it stands for</text>"#,
            f(x)
        );
    }
    let _ = s.write_str("</g>");
}

/// The legend's first line: the kinds of node, then the statuses.
fn legend_nodes(s: &mut impl Write, kinds: &[NodeKind]) {
    let mut x = 10.0;
    for &k in kinds {
        let w = 16.0 + text_width(k.describe());
        let r = Rect {
            x,
            y: 28.0,
            w,
            h: 22.0,
        };
        let _ = write!(s, r#"<g class="node {}">"#, k.as_str());
        shape(s, k, &r);
        let _ = write!(
            s,
            r#"<text x="{}" y="43" text-anchor="middle">{}</text></g>"#,
            f(r.cx()),
            esc(k.describe())
        );
        x += w + 10.0;
    }
    for (status, text) in [
        (Status::Error, "error"),
        (Status::Warning, "warning"),
        (Status::Healthy, "healthy"),
    ] {
        let w = 30.0 + text_width(text);
        let r = Rect {
            x,
            y: 28.0,
            w,
            h: 22.0,
        };
        let _ = write!(s, r#"<g class="node team {}">"#, status.as_str());
        shape(s, NodeKind::Team, &r);
        badge(s, status, x + 11.0, 39.0);
        let _ = write!(
            s,
            r#"<text x="{}" y="43" text-anchor="middle">{text}</text></g>"#,
            f(x + 12.0 + w / 2.0 - 2.0)
        );
        x += w + 10.0;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// How coordinates were written before [`super::Num`].
    fn plain(x: f64) -> String {
        let r = (x * 10.0).round() / 10.0;
        if r == r.trunc() {
            format!("{}", r as i64)
        } else {
            format!("{r:.1}")
        }
    }

    /// How text was escaped before [`super::super::Xml`].
    fn escaped(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                '\t' | '\n' | '\r' => out.push(c),
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                    out.push('\u{FFFD}')
                }
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn coordinates_as_before_at_the_edges() {
        for x in [
            0.0,
            -0.0,
            0.04,
            0.05,
            -0.05,
            -0.04,
            0.25,
            -1.25,
            1e15,
            -1e15,
            1e16,
            123.45,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            assert_eq!(super::f(x).to_string(), plain(x), "{x}");
        }
    }

    proptest! {
        #[test]
        fn coordinates_as_before(x in -1e7f64..1e7) {
            prop_assert_eq!(super::f(x).to_string(), plain(x));
        }

        #[test]
        fn escaping_as_before(s in "(.|[\u{0}-\u{1f}&<>\"'\u{fffe}\u{ffff}])*") {
            prop_assert_eq!(super::super::escape_xml(&s), escaped(&s));
        }
    }
}
