//! Places a [`Graph`] on a plane: a layered drawing of our own.
//!
//! Why not a layout crate: on a generated plan of 50 initiatives (306
//! nodes, 565 edges) `layout-rs` 0.1.3 took 11 s and drew one row 40,000
//! px wide; `rust-sugiyama` 0.4 took 35 ms but also ranks by the edges
//! alone, so leaders, initiatives and teams mix in one 34,000 px wide
//! layer, and it brings petgraph. An org chart has its layers already —
//! leaders above the initiatives they lead, initiatives above the teams
//! that serve them, functional teams below — so this module ranks nodes
//! by role, orders each layer by the barycentre of its neighbours (the
//! Sugiyama heuristic), wraps a wide layer into rows, and places each row
//! left to right under its neighbours without overlap. The same plan took
//! 1–2 ms (the `orgplan-bench` numbers are in BENCHMARKS.md) and fits on a
//! page.
//!
//! Deterministic: no hashing, ties broken by node order.

use super::{EdgeKind, Graph, NodeKind};

/// A node's box: top-left corner, width, height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
}

/// What a node says, line by line, as drawn (truncated to fit).
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub lines: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub boxes: Vec<Rect>,
    pub labels: Vec<Label>,
    /// Each node's row, top to bottom.
    pub rows: Vec<usize>,
    pub width: f64,
    pub height: f64,
}

pub const MARGIN: f64 = 20.0;
const H_GAP: f64 = 28.0;
const ROW_GAP: f64 = 30.0;
const LAYER_GAP: f64 = 64.0;
const MIN_WIDTH: f64 = 110.0;
const MAX_WIDTH: f64 = 240.0;
const PAD: f64 = 12.0;
const LINE: f64 = 15.0;
/// The widest a chain of dependencies (or of managers) stretches a tier.
const MAX_SUBLAYERS: usize = 12;

/// About how wide `s` is drawn at 12px: wide (CJK, emoji) characters count twice.
pub fn text_width(s: &str) -> f64 {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> f64 {
    let u = c as u32;
    let wide = (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
        || (0x1F300..=0x1FAFF).contains(&u)
        || (0x20000..=0x3FFFD).contains(&u);
    if wide {
        13.0
    } else if c.is_ascii_uppercase() || c == 'm' || c == 'w' {
        8.4
    } else {
        7.0
    }
}

/// `s` cut to at most `max` drawn width, with an ellipsis if cut.
pub fn truncate(s: &str, max: f64) -> String {
    if text_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = char_width('…');
    for c in s.chars() {
        w += char_width(c);
        if w > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The lines of a node's label, and its box size.
fn label(g: &Graph, n: usize) -> (Label, f64, f64) {
    let node = &g.nodes[n];
    let mut lines = vec![node.id.clone()];
    if let Some(t) = &node.title {
        lines.push(t.clone());
    }
    if let Some(d) = &node.detail {
        lines.push(d.clone());
    }
    // Room for the severity marker on the first line.
    let marker = if node.marks.worst.is_some() {
        18.0
    } else {
        0.0
    };
    let inner = MAX_WIDTH - 2.0 * PAD;
    let lines: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| truncate(l, if i == 0 { inner - marker } else { inner }))
        .collect();
    let widest = lines
        .iter()
        .enumerate()
        .map(|(i, l)| text_width(l) + if i == 0 { marker } else { 0.0 })
        .fold(0.0, f64::max);
    let w = (widest + 2.0 * PAD).clamp(MIN_WIDTH, MAX_WIDTH).ceil();
    let h = 12.0 + LINE * lines.len() as f64;
    (Label { lines }, w, h)
}

/// Which band of the picture each node sits in, by its kind; an
/// undeclared name with what it was meant to be (a leader or a team), read
/// from its edges in one pass over them (asked of every edge for each such
/// name, the 341 undeclared names of a ten-file workspace cost its picture
/// over a second).
fn tiers(g: &Graph) -> Vec<usize> {
    let mut as_leader = vec![false; g.nodes.len()];
    for e in &g.edges {
        match e.kind {
            EdgeKind::ReportsTo => as_leader[e.to] = true,
            EdgeKind::Leads => as_leader[e.from] = true,
            _ => {}
        }
    }
    g.nodes
        .iter()
        .zip(as_leader)
        .map(|(node, as_leader)| match node.kind {
            NodeKind::Leader => 0,
            NodeKind::Initiative | NodeKind::Group | NodeKind::Unassigned => 1,
            NodeKind::Team => 2,
            NodeKind::FunctionalTeam => 3,
            NodeKind::Undeclared if as_leader => 0,
            NodeKind::Undeclared => 3,
        })
        .collect()
}

/// Lays `g` out.
pub fn layout(g: &Graph) -> Layout {
    let n = g.nodes.len();
    let mut labels = Vec::with_capacity(n);
    let mut sizes = Vec::with_capacity(n);
    for i in 0..n {
        let (l, w, h) = label(g, i);
        labels.push(l);
        sizes.push((w, h));
    }
    let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &g.edges {
        if e.from != e.to {
            adjacent[e.from].push(e.to);
            adjacent[e.to].push(e.from);
        }
    }
    let rows = rows(g, &adjacent, &sizes);
    let mut row_of = vec![0; n];
    for (r, (nodes, _)) in rows.iter().enumerate() {
        for &v in nodes {
            row_of[v] = r;
        }
    }
    let x = place_x(&rows, &row_of, &adjacent, &sizes);
    let (boxes, bottom) = place_y(&rows, &x, &sizes);
    let width = boxes.iter().map(|b| b.right()).fold(0.0, f64::max) + MARGIN;
    let height = if n == 0 {
        2.0 * MARGIN
    } else {
        bottom + MARGIN
    };
    Layout {
        boxes,
        labels,
        rows: row_of,
        width: width.max(2.0 * MARGIN),
        height,
    }
}

/// A row of the picture: its nodes, left to right, and whether it is the
/// first row of its layer.
type Row = (Vec<usize>, bool);

/// The layers, each ordered, wrapped into rows when wide.
fn rows(g: &Graph, adjacent: &[Vec<usize>], sizes: &[(f64, f64)]) -> Vec<Row> {
    let layers = assign_layers(g);
    let layer_count = layers.iter().copied().max().map_or(0, |m| m + 1);
    let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for (i, &l) in layers.iter().enumerate() {
        by_layer[l].push(i);
    }
    by_layer.retain(|l| !l.is_empty());
    order_layers(&mut by_layer, adjacent);
    let max_row = row_length(sizes);
    let mut rows = Vec::new();
    for layer in &by_layer {
        for (k, chunk) in layer.chunks(max_row).enumerate() {
            rows.push((chunk.to_vec(), k == 0));
        }
    }
    rows
}

/// How many nodes a row holds at most: as many as make a plan whose nodes
/// all share one layer about 1.6 times as wide as high (a picture that fits
/// a screen when zoomed out), and at least 8.
fn row_length(sizes: &[(f64, f64)]) -> usize {
    let n = sizes.len().max(1) as f64;
    let (w, h) = sizes
        .iter()
        .fold((0.0, 0.0), |(w, h), &(sw, sh)| (w + sw, h + sh));
    let (w, h) = (w / n + H_GAP, h / n + ROW_GAP);
    (1.6 * n * h / w).sqrt().ceil().max(8.0) as usize
}

/// Each node's left edge: packed, then pulled under (or over) its
/// neighbours in the rows already placed, never overlapping, and never
/// beyond the widest packed row: without that bound, the pulls of a wide
/// plan's rows pushed each other ever further right (the overview of a
/// 10,000-team plan came out 75,000 pixels wide and 3,000 high).
fn place_x(
    rows: &[Row],
    row_of: &[usize],
    adjacent: &[Vec<usize>],
    sizes: &[(f64, f64)],
) -> Vec<f64> {
    let mut x = vec![0.0; row_of.len()];
    // Per node, the width of it and the nodes right of it in its row.
    let mut tail = vec![0.0; row_of.len()];
    let mut width: f64 = 0.0;
    for (nodes, _) in rows {
        let mut at = 0.0;
        for &v in nodes {
            x[v] = at;
            at += sizes[v].0 + H_GAP;
        }
        width = width.max(at - H_GAP);
        let mut right = -H_GAP;
        for &v in nodes.iter().rev() {
            right += sizes[v].0 + H_GAP;
            tail[v] = right;
        }
    }
    for pass in 0..3 {
        // Down, up, down again.
        let up = pass == 1;
        let seq: Vec<usize> = if up {
            (0..rows.len()).rev().collect()
        } else {
            (0..rows.len()).collect()
        };
        for r in seq {
            let placed = |u: usize| if up { row_of[u] > r } else { row_of[u] < r };
            let mut prev_right = f64::NEG_INFINITY;
            for &v in &rows[r].0 {
                let (sum, cnt) = adjacent[v]
                    .iter()
                    .filter(|&&u| placed(u))
                    .fold((0.0, 0usize), |(s, c), &u| {
                        (s + x[u] + sizes[u].0 / 2.0, c + 1)
                    });
                let want = if cnt > 0 {
                    sum / cnt as f64 - sizes[v].0 / 2.0
                } else {
                    x[v]
                };
                let lowest = (prev_right + H_GAP).max(0.0);
                x[v] = want.min(width - tail[v]).max(lowest);
                prev_right = x[v] + sizes[v].0;
            }
        }
    }
    let min_x = x.iter().copied().fold(f64::INFINITY, f64::min);
    if min_x.is_finite() {
        for v in &mut x {
            *v += MARGIN - min_x;
        }
    }
    x
}

/// Each node's box, rows top to bottom, each node centred in its row's
/// height; and the bottom of the last row.
fn place_y(rows: &[Row], x: &[f64], sizes: &[(f64, f64)]) -> (Vec<Rect>, f64) {
    let mut boxes = vec![
        Rect {
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0
        };
        x.len()
    ];
    let mut y = MARGIN;
    for (r, (nodes, first)) in rows.iter().enumerate() {
        if r > 0 {
            y += if *first { LAYER_GAP } else { ROW_GAP };
        }
        let height = nodes.iter().map(|&v| sizes[v].1).fold(0.0, f64::max);
        for &v in nodes {
            boxes[v] = Rect {
                x: x[v],
                y: y + (height - sizes[v].1) / 2.0,
                w: sizes[v].0,
                h: sizes[v].1,
            };
        }
        y += height;
    }
    (boxes, y)
}

/// Each node's layer: its tier, then, inside a tier, how far down a chain
/// of managers (reports-to) or of dependencies it is.
fn assign_layers(g: &Graph) -> Vec<usize> {
    let n = g.nodes.len();
    let tiers = tiers(g);
    // Inside a tier: `above → below`.
    let mut below: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for e in &g.edges {
        if e.from == e.to || tiers[e.from] != tiers[e.to] {
            continue;
        }
        let (a, b) = match e.kind {
            EdgeKind::ReportsTo => (e.to, e.from),
            EdgeKind::DependsOn | EdgeKind::DependsOnUnowned => (e.from, e.to),
            _ => continue,
        };
        below[a].push(b);
        indegree[b] += 1;
    }
    // Longest path from the top, Kahn's order; a cycle is broken at its
    // first node in graph order.
    let mut depth = vec![0usize; n];
    let mut done = vec![false; n];
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut next_forced = 0;
    let mut remaining = n;
    while remaining > 0 {
        let v = match ready.pop_first() {
            Some(v) => v,
            None => {
                while done[next_forced] {
                    next_forced += 1;
                }
                next_forced
            }
        };
        if done[v] {
            continue;
        }
        done[v] = true;
        remaining -= 1;
        for &b in &below[v] {
            if done[b] {
                continue;
            }
            depth[b] = depth[b].max((depth[v] + 1).min(MAX_SUBLAYERS - 1));
            indegree[b] -= 1;
            if indegree[b] == 0 {
                ready.insert(b);
            }
        }
    }
    let tier_count = tiers.iter().copied().max().map_or(0, |t| t + 1);
    let mut span = vec![0usize; tier_count];
    for i in 0..n {
        span[tiers[i]] = span[tiers[i]].max(depth[i] + 1);
    }
    let mut offset = vec![0usize; tier_count];
    for t in 1..tier_count {
        offset[t] = offset[t - 1] + span[t - 1];
    }
    (0..n).map(|i| offset[tiers[i]] + depth[i]).collect()
}

/// Orders each layer by the barycentre of its neighbours in the layers
/// above (sweeping down) and below (sweeping up).
fn order_layers(layers: &mut [Vec<usize>], adjacent: &[Vec<usize>]) {
    let n = adjacent.len();
    let mut layer_of = vec![0usize; n];
    let mut pos = vec![0.0f64; n];
    for (l, nodes) in layers.iter().enumerate() {
        for (k, &v) in nodes.iter().enumerate() {
            layer_of[v] = l;
            pos[v] = (k as f64 + 0.5) / nodes.len() as f64;
        }
    }
    let count = layers.len();
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let seq: Vec<usize> = if down {
            (1..count).collect()
        } else {
            (0..count.saturating_sub(1)).rev().collect()
        };
        for l in seq {
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|&v| {
                    let (s, c) = adjacent[v]
                        .iter()
                        .filter(|&&u| {
                            if down {
                                layer_of[u] < l
                            } else {
                                layer_of[u] > l
                            }
                        })
                        .fold((0.0, 0usize), |(s, c), &u| (s + pos[u], c + 1));
                    (if c > 0 { s / c as f64 } else { pos[v] }, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let len = keyed.len() as f64;
            layers[l] = keyed.iter().map(|&(_, v)| v).collect();
            for (k, &v) in layers[l].iter().enumerate() {
                pos[v] = (k as f64 + 0.5) / len;
            }
        }
    }
}
