//! The views made the plain way, as the reference the fast ones must equal:
//! the overview folded from the whole plan's graph, and a neighbourhood
//! cut from it ([`focus`]). Checked on generated plans of every kind of
//! defect, with many seeds, for every node and several depths.

use crate::graph::*;
use crate::Workspace;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[path = "../../../../orgplan-bench/src/generate.rs"]
#[allow(dead_code)]
mod generate;

/// The overview folded from `whole`, node by node and edge by edge.
fn folded(m: &Model, whole: &Graph) -> Graph {
    let mut g = Graph {
        caption: "overview".into(),
        ..Graph::default()
    };
    let mut group_of: Vec<Option<usize>> = vec![None; whole.nodes.len()];
    for (i, n) in whole.nodes.iter().enumerate() {
        let Some(EntityId::Initiative(ii)) = n.entity else {
            continue;
        };
        group_of[i] = Some(g.nodes.len());
        g.nodes.push(Node {
            kind: NodeKind::Group,
            detail: m.initiatives[ii]
                .leader
                .as_ref()
                .map(|r| format!("led by {}", r.name)),
            marks: Marks::default(),
            teams: 0,
            ..n.clone()
        });
    }
    let mut rest: [Option<usize>; 2] = [None, None];
    let mut unassigned = |g: &mut Graph, functional: bool| {
        *rest[usize::from(functional)].get_or_insert_with(|| {
            let key = if functional {
                "functional-teams"
            } else {
                "unassigned"
            };
            g.nodes.push(Node {
                key: key.into(),
                kind: NodeKind::Unassigned,
                id: key.into(),
                title: Some(
                    if functional {
                        "Functional teams"
                    } else {
                        "On no initiative"
                    }
                    .into(),
                ),
                detail: None,
                entity: None,
                place: None,
                extent: None,
                marks: Marks::default(),
                teams: 0,
            });
            g.nodes.len() - 1
        })
    };
    let mut leader_groups: Vec<Vec<usize>> = vec![Vec::new(); whole.nodes.len()];
    for e in &whole.edges {
        match e.kind {
            EdgeKind::Serves => {
                if group_of[e.from].is_none() {
                    group_of[e.from] = group_of[e.to];
                }
                if let Some(gi) = group_of[e.to] {
                    g.nodes[gi].teams += 1;
                }
            }
            EdgeKind::Leads => {
                if let Some(gi) = group_of[e.to] {
                    leader_groups[e.from].push(gi);
                }
            }
            _ => {}
        }
    }
    for (i, n) in whole.nodes.iter().enumerate() {
        match n.kind {
            NodeKind::Team | NodeKind::FunctionalTeam => {
                let gi = match group_of[i] {
                    Some(gi) => gi,
                    None => {
                        let gi = unassigned(&mut g, n.kind == NodeKind::FunctionalTeam);
                        group_of[i] = Some(gi);
                        g.nodes[gi].teams += 1;
                        gi
                    }
                };
                g.nodes[gi].marks.merge(&n.marks);
            }
            NodeKind::Initiative => {
                let gi = group_of[i].expect("every initiative is a group");
                g.nodes[gi].marks.merge(&n.marks);
                g.nodes[gi].marks.notes = n.marks.notes.clone();
            }
            NodeKind::Leader if leader_groups[i].is_empty() => {
                let gi = unassigned(&mut g, false);
                g.nodes[gi].marks.merge(&n.marks);
            }
            NodeKind::Leader => {
                for &gi in &leader_groups[i] {
                    g.nodes[gi].marks.merge(&n.marks);
                }
            }
            _ => {}
        }
    }
    for n in &mut g.nodes {
        n.detail = Some(match (&n.detail, n.teams) {
            (Some(d), 1) => format!("1 team · {d}"),
            (Some(d), t) => format!("{t} teams · {d}"),
            (None, 1) => "1 team".into(),
            (None, t) => format!("{t} teams"),
        });
    }
    let mut pairs: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for e in whole.edges.iter().filter(|e| e.kind.is_dependency()) {
        let (Some(a), Some(b)) = (group_of[e.from], group_of[e.to]) else {
            continue;
        };
        if a == b {
            continue;
        }
        let at = *pairs.entry((a, b)).or_insert_with(|| {
            g.edges.push(Edge {
                count: 0,
                unowned: 0,
                kind: EdgeKind::DependsOn,
                marks: Marks::default(),
                ..Edge::new(a, b, EdgeKind::DependsOn, e.place.expect("written"))
            });
            g.edges.len() - 1
        });
        let agg = &mut g.edges[at];
        agg.count += 1;
        agg.unowned += e.unowned;
        if e.unowned > 0 {
            agg.kind = EdgeKind::DependsOnUnowned;
        }
        agg.marks.merge(&e.marks);
    }
    g
}

/// A generated plan in `files` files, with `violations` times the usual
/// rate of each defect (undeclared names, duplicates, cycles …).
fn analysed(lines: usize, files: usize, seed: u64, violations: f64) -> (Workspace, Arc<Analysis>) {
    let plan = generate::generate(&generate::Options {
        lines,
        files,
        seed,
        syntax_errors: true,
        violations,
    });
    let mut ws = Workspace::new();
    for (name, text) in &plan.files {
        ws.set_file(name, text.as_str());
    }
    let analysis = ws.analysis();
    (ws, analysis)
}

/// Every view the fast way equals the plain way.
fn check(analysis: &Analysis, depths: &[usize]) -> Result<(), TestCaseError> {
    let whole = build(analysis, View::Whole);
    let overview = build(analysis, View::Overview);
    prop_assert_eq!(&overview, &folded(&analysis.model, &whole));
    for (at, n) in whole.nodes.iter().enumerate() {
        for &depth in depths {
            let plain = focus(&whole, at, depth);
            for name in [&n.key, &n.id] {
                if whole.find(name) != Some(at) {
                    continue;
                }
                let req = Request {
                    focus: Some(name.clone()),
                    depth: Some(depth),
                    overview: false,
                };
                let fast = view(analysis, &req).map_err(TestCaseError::fail)?;
                prop_assert_eq!(&fast, &plain, "around {} (depth {})", name, depth);
            }
        }
    }
    Ok(())
}

#[test]
fn views_equal_the_plain_ones_on_a_plan_full_of_defects() {
    let (_, analysis) = analysed(3_000, 2, 7, 4.0);
    check(&analysis, &[0, 1, 2, 3]).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn views_equal_the_plain_ones(
        seed in 0u64..10_000,
        lines in 200usize..1_500,
        files in 1usize..4,
        violations in prop_oneof![Just(0.0), Just(1.0), Just(5.0), Just(20.0)],
    ) {
        let (_, analysis) = analysed(lines, files, seed, violations);
        check(&analysis, &[1, 2])?;
    }

    /// After edits (the model kept up to date incrementally), still.
    #[test]
    fn views_equal_the_plain_ones_after_edits(
        seed in 0u64..10_000,
        cuts in proptest::collection::vec((0.0f64..1.0, 0usize..200), 1..6),
    ) {
        let (mut ws, _) = analysed(600, 1, seed, 5.0);
        let id = ws.files().next().expect("a file").0;
        for (at, len) in cuts {
            let text = ws.file(id).expect("the file").text.slice(..).into_owned();
            let mut start = ((text.len() as f64) * at) as usize;
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            ws.edit_file(id, crate::TextRange::new(start, end), "");
            check(&ws.analysis(), &[2])?;
        }
    }
}
