use super::dependencies::Dependencies as Graph;
use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::{Dependency, EntityId, Model};

pub static RULE: Rule = Rule {
    name: "dependency-cycle",
    group: Group::Principle,
    default_severity: Severity::Error,
    summary: "Teams depend on each other in a cycle.",
    principle: "A separable team can ship on its own schedule. When teams depend on each other in a loop, none of them can: any change has to be coordinated around the whole cycle, and the cycle's slowest member sets everyone's pace.",
    questions: &[
        super::Q_SHIP_ALONE,
        super::Q_UNTANGLE_PLAN,
    ],
    fix: "Break the cycle: remove one of the dependencies in it (duplicate the capability, or move it into one team).",
    example: "team a \"A\" { depends_on b { owner: a plan: \"x\" } }\nteam b \"B\" { depends_on a { owner: b plan: \"y\" } }\n",
    findings: "One per cycle, at the first dependency around it (from the team declared first), naming the teams in the cycle's order and closing it (`a` → `b` → `c` → `a`), with the other dependencies of the cycle related. Teams tangled in one knot of several cycles get one finding for the knot: it names one cycle and counts the other teams. A team that depends on itself gets its own.",
    spares: "Dependencies on names that are not declared teams (those are `undefined-reference`'s), and chains that do not come back: a team waiting on another that waits on a third is `too-many-dependencies`' or `cross-initiative-dependency`'s concern, not a cycle.",
    check: super::Check::Dependencies(check),
};

/// How many teams of a cycle a message names before it elides.
const NAMED: usize = 8;

fn check(ctx: &Ctx, edges: &Graph, out: &mut Vec<Finding>) {
    let m = ctx.model;
    for comp in edges.components().cycles() {
        // A team that depends on itself: one finding each.
        for &t in comp {
            if edges.of_team(t).binary_search(&t).is_ok() {
                if let Some(d) = dependency(m, t, t) {
                    out.push(Finding::new(
                        &RULE,
                        d.head,
                        format!("team `{}` depends on itself", id(m, t)),
                    ));
                }
            }
        }
        if comp.len() >= 2 {
            out.extend(knot(m, edges, comp));
        }
    }
}

/// The dependency (as written first) of team `from` on team `to`.
fn dependency(m: &Model, from: usize, to: usize) -> Option<&Dependency> {
    m.teams[from]
        .dependencies
        .iter()
        .find(|d| m.resolve(&d.target) == Some(EntityId::Team(to)))
}

fn id(m: &Model, t: usize) -> &str {
    m.teams[t].decl.id.as_str()
}

/// The finding for a knot of teams (a strongly connected component of two
/// or more): at the first dependency of its shortest cycle, the others of
/// the cycle related.
fn knot(m: &Model, edges: &Graph, comp: &[usize]) -> Option<Finding> {
    let cycle = shortest_cycle(edges, comp);
    let next = |k: usize| cycle[(k + 1) % cycle.len()];
    let first = dependency(m, cycle[0], next(0))?;
    let mut f = Finding::new(&RULE, first.head, knot_message(m, comp, &cycle));
    for (k, &t) in cycle.iter().enumerate().skip(1) {
        if let Some(d) = dependency(m, t, next(k)) {
            f = f.related(
                d.head,
                format!("`{}` depends on `{}`", id(m, t), id(m, next(k))),
            );
        }
    }
    Some(f)
}

/// `dependency cycle: `a` → `b` → `a`; …`, the cycle elided past
/// [`NAMED`] teams, and the other teams of the knot counted.
fn knot_message(m: &Model, comp: &[usize], cycle: &[usize]) -> String {
    let mut names: Vec<String> = cycle.iter().map(|&t| format!("`{}`", id(m, t))).collect();
    names.push(names[0].clone());
    if names.len() > NAMED + 1 {
        // `a` → … → `y` → `z` → `a`: the start, the last two and the close.
        let tail = names.split_off(names.len() - 2);
        names.truncate(NAMED - 2);
        names.push("…".into());
        names.extend(tail);
    }
    let mut message = format!(
        "dependency cycle: {}; none of these teams can ship alone",
        names.join(" → ")
    );
    let others = comp.len() - cycle.len();
    if others > 0 {
        let listed: Vec<String> = comp
            .iter()
            .filter(|t| !cycle.contains(t))
            .take(super::MAX_LISTED)
            .map(|&t| format!("`{}`", id(m, t)))
            .collect();
        message.push_str(&format!(
            " ({} more team{} in the same knot of dependencies: {})",
            others,
            if others == 1 { " is" } else { "s are" },
            super::and_list_of(&listed, others)
        ));
    }
    message
}

/// A shortest cycle through the first team of a strongly connected
/// component (sorted, of two teams or more), in order: each team depends
/// on the next, and the last on the first. A breadth-first search from the
/// first team, inside the component, ignoring edges of a team to itself.
fn shortest_cycle(edges: &Graph, comp: &[usize]) -> Vec<usize> {
    let start = comp[0];
    let pos = |x: usize| comp.binary_search(&x).ok();
    const NONE: usize = usize::MAX;
    let mut parent = vec![NONE; comp.len()];
    let mut queue = std::collections::VecDeque::from([start]);
    parent[0] = start;
    while let Some(v) = queue.pop_front() {
        for &w in edges.of_team(v) {
            if w == v {
                continue;
            }
            if w == start {
                let mut cycle = vec![v];
                let mut x = v;
                while x != start {
                    x = parent[pos(x).expect("in the component")];
                    cycle.push(x);
                }
                cycle.reverse();
                return cycle;
            }
            if let Some(p) = pos(w) {
                if parent[p] == NONE {
                    parent[p] = v;
                    queue.push_back(w);
                }
            }
        }
    }
    // A strongly connected component always has a way back to its start.
    vec![start]
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn three_team_cycle_and_a_self_loop() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team a "A" {
              depends_on b { owner: a plan: "x" }
            # ^^^^^^^^^^^^ dependency-cycle
              depends_on d { owner: a plan: "x" }
            }
            team b "B" {
              depends_on c { owner: b plan: "x" }
            }
            team c "C" {
              depends_on a { owner: c plan: "x" }
            }
            team d "D" { }
            team e "E" {
              depends_on e { owner: e plan: "x" }
            # ^^^^^^^^^^^^ dependency-cycle
            }
        "#
        ));
    }

    #[test]
    fn a_knot_of_cycles_is_one_finding_in_real_order() {
        // `a` → `c` → `a` is the shortest way back; `b` is in the knot.
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team a "A" {
              depends_on c { owner: a plan: "x" }
            # ^^^^^^^^^^^^ dependency-cycle
            }
            team b "B" {
              depends_on a { owner: b plan: "x" }
              depends_on b { owner: b plan: "x" }
            # ^^^^^^^^^^^^ dependency-cycle
            }
            team c "C" {
              depends_on b { owner: c plan: "x" }
              depends_on a { owner: c plan: "x" }
            }
        "#
        ), @r#"
            main.orgplan:15..27 error `depends_on c`: dependency cycle: `a` → `c` → `a`; none of these teams can ship alone (1 more team is in the same knot of dependencies: `b`)
              related main.orgplan:261..273: `c` depends on `a`
            main.orgplan:138..150 error `depends_on b`: team `b` depends on itself
        "#);
    }

    proptest::proptest! {
        /// On any graph of dependencies: one finding per knot of cycles and
        /// per team depending on itself; every message names teams in an
        /// order where each depends on the next, and comes back to the first.
        #[test]
        fn messages_name_real_dependencies_in_order(
            n in 1usize..12,
            raw in proptest::collection::vec((0usize..12, 0usize..12), 0..30),
        ) {
            let edges: Vec<(usize, usize)> = raw.into_iter().map(|(a, b)| (a % n, b % n)).collect();
            let mut text = String::new();
            for t in 0..n {
                text.push_str(&format!("team t{t} \"T\" {{\n"));
                for &(a, b) in &edges {
                    if a == t {
                        text.push_str(&format!("  depends_on t{b}\n"));
                    }
                }
                text.push_str("}\n");
            }
            let mut ws = crate::Workspace::new();
            ws.set_file("a.orgplan", text);
            let analysis = ws.analysis();
            let is_edge = |a: &str, b: &str| {
                let id = |s: &str| s.trim_matches('`').trim_start_matches('t').parse::<usize>().unwrap();
                edges.contains(&(id(a), id(b)))
            };
            let mut cycles = 0;
            let mut loops = 0;
            for f in analysis.findings.iter().filter(|f| f.rule == super::RULE.name) {
                if f.message.ends_with("depends on itself") {
                    loops += 1;
                    continue;
                }
                cycles += 1;
                let listed = f.message
                    .strip_prefix("dependency cycle: ")
                    .and_then(|r| r.split(';').next())
                    .expect("a cycle's message");
                let names: Vec<&str> = listed.split(" → ").collect();
                proptest::prop_assert!(names.len() >= 3, "{}", f.message);
                proptest::prop_assert_eq!(names.first(), names.last(), "{}", &f.message);
                for pair in names.windows(2) {
                    if pair.contains(&"…") {
                        continue;
                    }
                    proptest::prop_assert!(is_edge(pair[0], pair[1]), "{} → {} in {}", pair[0], pair[1], &f.message);
                }
            }
            // The expected counts: self loops, and strongly connected
            // components of two teams or more (by reachability).
            let mut reach = vec![vec![false; n]; n];
            for &(a, b) in &edges {
                reach[a][b] = true;
            }
            for k in 0..n {
                for i in 0..n {
                    for j in 0..n {
                        if reach[i][k] && reach[k][j] {
                            reach[i][j] = true;
                        }
                    }
                }
            }
            let mut seen = vec![false; n];
            let mut knots = 0;
            for i in 0..n {
                if seen[i] {
                    continue;
                }
                let members: Vec<usize> = (0..n).filter(|&j| j == i || (reach[i][j] && reach[j][i])).collect();
                for &j in &members {
                    seen[j] = true;
                }
                if members.len() > 1 {
                    knots += 1;
                }
            }
            let mut self_loops: Vec<usize> = edges.iter().filter(|(a, b)| a == b).map(|(a, _)| *a).collect();
            self_loops.sort_unstable();
            self_loops.dedup();
            proptest::prop_assert_eq!(cycles, knots);
            proptest::prop_assert_eq!(loops, self_loops.len());
        }
    }

    #[test]
    fn long_cycle_does_not_overflow() {
        let n = 20_000;
        let graph = super::Graph::from_rows((0..n).map(|i| vec![(i + 1) % n]));
        let components = graph.components();
        let comps = components.cycles();
        assert_eq!(comps.len(), 1);
        assert_eq!(comps[0].len(), n);
    }
}
