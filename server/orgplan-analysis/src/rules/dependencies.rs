//! The teams' dependency graph, as [`super::Check::Dependencies`] rules
//! read it: which team depends on which (resolved, distinct).
//!
//! Built once for a fresh analysis; after an edit that keeps every
//! entity in its slot, the incremental analysis only rewrites the rows of
//! the teams it re-checks ([`Dependencies::patched`]): building it anew
//! walks every team of the workspace, which in a ten-file workspace was
//! most of the cost of a keystroke that renames a team (BENCHMARKS.md,
//! "3 Dec (evening): the dependency graph patched").

use crate::model::{EntityId, Model};

/// Directed edges, team `v`'s targets at `targets[starts[v]..starts[v + 1]]`,
/// sorted and distinct: all in one list (ten thousand small lists cost
/// more to build than the searches over them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependencies {
    starts: Vec<usize>,
    targets: Vec<usize>,
}

impl Dependencies {
    /// The graph of every team of `m`.
    pub fn of(m: &Model) -> Dependencies {
        let mut edges = Dependencies {
            starts: Vec::with_capacity(m.teams.len() + 1),
            targets: Vec::new(),
        };
        for t in 0..m.teams.len() {
            edges.starts.push(edges.targets.len());
            push_row(m, t, &mut edges.targets);
        }
        edges.starts.push(edges.targets.len());
        edges
    }

    /// This graph with the rows of `teams` (sorted, distinct) read anew
    /// from `m`, whose teams are this graph's (the same count, each in its
    /// slot); the other rows are copied.
    pub fn patched(&self, m: &Model, teams: &[usize]) -> Dependencies {
        if self.starts.len() != m.teams.len() + 1 {
            return Dependencies::of(m);
        }
        let mut edges = Dependencies {
            starts: Vec::with_capacity(self.starts.len()),
            targets: Vec::with_capacity(self.targets.len() + 16),
        };
        let mut next = 0;
        for &t in teams.iter().chain(std::iter::once(&m.teams.len())) {
            // The untouched rows before `t`, moved by what the rows before changed.
            let delta = edges.targets.len() as isize - self.starts[next] as isize;
            edges.starts.extend(
                self.starts[next..t]
                    .iter()
                    .map(|&s| (s as isize + delta) as usize),
            );
            edges
                .targets
                .extend_from_slice(&self.targets[self.starts[next]..self.starts[t]]);
            if t == m.teams.len() {
                break;
            }
            edges.starts.push(edges.targets.len());
            push_row(m, t, &mut edges.targets);
            next = t + 1;
        }
        edges.starts.push(edges.targets.len());
        debug_assert_eq!(edges, Dependencies::of(m), "a patched graph differs");
        edges
    }

    /// A graph of the given rows (each sorted and distinct).
    #[cfg(test)]
    pub(crate) fn from_rows(rows: impl Iterator<Item = Vec<usize>>) -> Dependencies {
        let mut edges = Dependencies::default();
        for row in rows {
            edges.starts.push(edges.targets.len());
            edges.targets.extend(row);
        }
        edges.starts.push(edges.targets.len());
        edges
    }

    /// The teams `v` depends on.
    pub fn of_team(&self, v: usize) -> &[usize] {
        &self.targets[self.starts[v]..self.starts[v + 1]]
    }
}

/// Appends team `t`'s row: the teams it depends on, sorted and distinct.
fn push_row(m: &Model, t: usize, targets: &mut Vec<usize>) {
    let from = targets.len();
    targets.extend(
        m.teams[t]
            .dependencies
            .iter()
            .filter_map(|d| match m.resolve(&d.target) {
                Some(EntityId::Team(x)) => Some(x),
                _ => None,
            }),
    );
    targets[from..].sort_unstable();
    let mut kept = from;
    for i in from..targets.len() {
        if kept == from || targets[kept - 1] != targets[i] {
            targets[kept] = targets[i];
            kept += 1;
        }
    }
    targets.truncate(kept);
}
