use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

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
    check: super::Check::Dependencies(check),
};

fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let n = m.teams.len();
    // Edges: team -> teams it depends on (resolved, distinct), all in one
    // list (this runs again whenever a dependency changes: ten thousand
    // small lists cost more than the search).
    let mut edges = Graph {
        starts: Vec::with_capacity(n + 1),
        targets: Vec::new(),
    };
    for t in &m.teams {
        let from = edges.targets.len();
        edges.starts.push(from);
        edges.targets.extend(
            t.dependencies
                .iter()
                .filter_map(|d| match m.resolve(&d.target) {
                    Some(EntityId::Team(x)) => Some(x),
                    _ => None,
                }),
        );
        edges.targets[from..].sort_unstable();
        let distinct = dedup_len(&mut edges.targets[from..]);
        edges.targets.truncate(from + distinct);
    }
    edges.starts.push(edges.targets.len());
    for comp in strongly_connected(n, &edges) {
        let in_comp = |x: usize| comp.binary_search(&x).is_ok();
        let mut names: Vec<String> = comp
            .iter()
            .map(|&t| format!("`{}`", m.teams[t].decl.id))
            .collect();
        let more = names.len().saturating_sub(8);
        names.truncate(8);
        let mut listed = names.join(" → ");
        if more > 0 {
            listed.push_str(&format!(" and {more} more"));
        }
        for &t in &comp {
            let team = &m.teams[t];
            for dep in &team.dependencies {
                let Some(EntityId::Team(x)) = m.resolve(&dep.target) else {
                    continue;
                };
                if !in_comp(x) {
                    continue;
                }
                let message = if comp.len() == 1 {
                    format!("team `{}` depends on itself", team.decl.id)
                } else {
                    format!(
                        "`{}` → `{}` closes a dependency cycle of {} teams ({listed}): none of them can ship alone",
                        team.decl.id,
                        dep.target.name,
                        comp.len()
                    )
                };
                let mut f = Finding::new(&RULE, dep.head, message);
                // Point at the next edges around the cycle (a few, not thousands).
                for &u in comp.iter().filter(|&&u| u != t).take(4) {
                    if let Some(d2) = m.teams[u].dependencies.iter().find(
                        |d| matches!(m.resolve(&d.target), Some(EntityId::Team(y)) if in_comp(y)),
                    ) {
                        f = f.related(
                            d2.head,
                            format!("`{}` depends on `{}`", m.teams[u].decl.id, d2.target.name),
                        );
                    }
                }
                out.push(f);
            }
        }
    }
}

/// Directed edges, node `v`'s targets at `targets[starts[v]..starts[v + 1]]`.
struct Graph {
    starts: Vec<usize>,
    targets: Vec<usize>,
}

impl Graph {
    fn of(&self, v: usize) -> &[usize] {
        &self.targets[self.starts[v]..self.starts[v + 1]]
    }
}

/// Moves the distinct items of a sorted slice to its front; their count.
fn dedup_len(v: &mut [usize]) -> usize {
    let mut kept = 0;
    for i in 0..v.len() {
        if kept == 0 || v[kept - 1] != v[i] {
            v[kept] = v[i];
            kept += 1;
        }
    }
    kept
}

/// The cycles of Tarjan's strongly connected components: components of
/// several nodes, or of one with an edge to itself. Iterative (cycles of
/// thousands of teams must not overflow the stack). Each comes sorted.
fn strongly_connected(n: usize, edges: &Graph) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    // (node, next edge to look at)
    let mut work: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        work.push((root, 0));
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei < edges.of(v).len() {
                let w = edges.of(v)[*ei];
                *ei += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let at = stack
                    .iter()
                    .rposition(|&w| w == v)
                    .expect("v is on the stack");
                for &w in &stack[at..] {
                    on_stack[w] = false;
                }
                if stack.len() - at > 1 || edges.of(v).contains(&v) {
                    let mut comp = stack[at..].to_vec();
                    comp.sort_unstable();
                    out.push(comp);
                }
                stack.truncate(at);
            }
        }
    }
    out
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
            # ^^^^^^^^^^^^ dependency-cycle
            }
            team c "C" {
              depends_on a { owner: c plan: "x" }
            # ^^^^^^^^^^^^ dependency-cycle
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
    fn long_cycle_does_not_overflow() {
        let n = 20_000;
        let graph = super::Graph {
            starts: (0..=n).collect(),
            targets: (0..n).map(|i| (i + 1) % n).collect(),
        };
        let comps = super::strongly_connected(n, &graph);
        assert_eq!(comps.len(), 1);
        assert_eq!(comps[0].len(), n);
    }
}
