//! The teams' dependency graph, as [`super::Check::Dependencies`] rules
//! read it: which team depends on which (resolved, distinct).
//!
//! Built once for a fresh analysis; after an edit that moves no team from
//! its slot, the incremental analysis only rewrites the rows of the teams
//! it re-checks, in place when few change their length
//! ([`Dependencies::patch`], else [`Dependencies::patched`]): building it
//! anew walks every team of the workspace, which in a ten-file workspace
//! was most of the cost of a keystroke that renames a team (BENCHMARKS.md,
//! "3 Dec (evening): the dependency graph patched").
//!
//! Its strongly connected components are computed once asked for and
//! kept with it; a patch or a splice of teams that provably leaves them as
//! they were carries them over ([`Components::carried`],
//! [`Components::spliced`]), so that a keystroke in a large workspace does
//! not run Tarjan's algorithm over every team again.

use crate::model::{EntityId, Model, Slots};
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

/// Directed edges, team `v`'s targets at `targets[starts[v]..starts[v + 1]]`,
/// sorted and distinct: all in one list (ten thousand small lists cost
/// more to build than the searches over them).
#[derive(Clone, Debug, Default)]
pub struct Dependencies {
    starts: Vec<usize>,
    targets: Vec<usize>,
    /// The strongly connected components, once asked for.
    components: OnceLock<Arc<Components>>,
}

/// Two graphs are equal when their edges are (the components follow).
impl PartialEq for Dependencies {
    fn eq(&self, other: &Self) -> bool {
        self.starts == other.starts && self.targets == other.targets
    }
}

/// The teams in a cycle: the strongly connected components of the graph,
/// and the teams that depend on themselves.
#[derive(Debug)]
pub struct Components {
    partition: Arc<Partition>,
    /// The teams with an edge to themselves, in order.
    loops: Vec<usize>,
}

#[derive(Debug)]
struct Partition {
    /// Each team's component: teams with one number are in one.
    of: Vec<u32>,
    /// The components of two teams or more, each sorted, in the order of
    /// their first teams.
    multi: Vec<Vec<usize>>,
    /// Their numbers in [`Partition::of`], sorted.
    multi_ids: Vec<u32>,
}

/// How many teams [`Components::carried`] visits, looking for a way back
/// over a new edge, before it gives up and the components are computed
/// anew.
const REACH_LIMIT: usize = 4096;

impl Dependencies {
    /// The graph of every team of `m`.
    pub fn of(m: &Model) -> Dependencies {
        let mut edges = Dependencies {
            starts: Vec::with_capacity(m.teams.len() + 1),
            targets: Vec::new(),
            components: OnceLock::new(),
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
            components: OnceLock::new(),
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
        let kept = self
            .components
            .get()
            .and_then(|c| c.carried(self, &edges, teams));
        edges.keep(kept);
        edges
    }

    /// [`Dependencies::patched`] in place, when the rows whose length
    /// changes are few: the others are written over, those spliced in
    /// (the last first, so that the places of those before stay), and the
    /// rows after them moved by what those before changed. Gives whether
    /// its cycles stayed as they were and no team of `teams` is in one
    /// ([`Dependencies::cycles_kept_from`]). Copied whole instead, the
    /// graph of a ten-file workspace (a hundred thousand teams) was written
    /// anew at each keystroke that renamed a team (BENCHMARKS.md, "7 Dec
    /// (thirtieth session)").
    pub(crate) fn patch(&mut self, m: &Model, teams: &[usize]) -> bool {
        let was = self.components.take();
        let Some(before) = self.rewrite(m, teams) else {
            let old = std::mem::take(self);
            if let Some(c) = was {
                let _ = old.components.set(c);
            }
            *self = old.patched(m, teams);
            return self.cycles_kept_from(&old, teams);
        };
        debug_assert_eq!(
            *self,
            Dependencies::of(m),
            "a graph patched in place differs"
        );
        let Some(was) = was else { return false };
        let row = |t: usize| {
            Cow::Borrowed(&before[teams.binary_search(&t).expect("a team read anew")][..])
        };
        let kept = (was.partition.of.len() == self.len())
            .then(|| was.carried_rows(self, teams, row))
            .flatten();
        self.keep(kept);
        self.components
            .get()
            .is_some_and(|now| now.kept_from(&was, teams))
    }

    /// The rows of `teams` (sorted, distinct) read anew from `m` in place,
    /// unless the graph is not of `m`'s teams or more than a few rows
    /// change their length; gives the rows as they were.
    fn rewrite(&mut self, m: &Model, teams: &[usize]) -> Option<Vec<Vec<usize>>> {
        /// Rows resized in place at most: each moves the rows after it.
        const RESIZED: usize = 8;
        if self.starts.len() != m.teams.len() + 1 {
            return None;
        }
        let mut fresh = Vec::new();
        let mut bounds = vec![0];
        for &t in teams {
            push_row(m, t, &mut fresh);
            bounds.push(fresh.len());
        }
        let row = |j: usize| &fresh[bounds[j]..bounds[j + 1]];
        let before: Vec<Vec<usize>> = teams.iter().map(|&t| self.of_team(t).to_vec()).collect();
        let resized: Vec<usize> = (0..teams.len())
            .filter(|&j| row(j).len() != before[j].len())
            .collect();
        if resized.len() > RESIZED {
            return None;
        }
        for (j, &t) in teams.iter().enumerate() {
            if row(j).len() == before[j].len() {
                let at = self.starts[t];
                self.targets[at..at + row(j).len()].copy_from_slice(row(j));
            }
        }
        for &j in resized.iter().rev() {
            let t = teams[j];
            let span = self.starts[t]..self.starts[t + 1];
            self.targets.splice(span, row(j).iter().copied());
        }
        let mut moved = 0isize;
        for (i, &j) in resized.iter().enumerate() {
            moved += row(j).len() as isize - before[j].len() as isize;
            let until = resized
                .get(i + 1)
                .map_or(self.starts.len(), |&k| teams[k] + 1);
            for s in &mut self.starts[teams[j] + 1..until] {
                *s = (*s as isize + moved) as usize;
            }
        }
        Some(before)
    }

    /// Sets these components to `kept`, carried over from another graph's
    /// (checked against the fresh ones in debug builds).
    fn keep(&self, kept: Option<Components>) {
        let Some(kept) = kept else { return };
        #[cfg(debug_assertions)]
        {
            let fresh = Components::of(self);
            debug_assert_eq!(
                (&kept.partition.multi, &kept.loops),
                (&fresh.partition.multi, &fresh.loops),
                "components carried over differ"
            );
        }
        let _ = self.components.set(Arc::new(kept));
    }

    /// This graph after a splice of `m`'s teams (`slots`): each row kept
    /// with its targets moved (those spliced out dropped), the rows of the
    /// teams spliced in and of `teams` (sorted, distinct, indices after the
    /// splice: those whose dependencies may resolve otherwise) read anew.
    /// Built anew instead, the graph resolved every team's dependencies of
    /// the workspace at each entity added or removed (BENCHMARKS.md, "6
    /// Dec (twentieth session)").
    pub(crate) fn remapped(&self, m: &Model, slots: &Slots, teams: &[usize]) -> Dependencies {
        let (start, old, new) = slots.kinds[2];
        let n = m.teams.len();
        if self.len() + new != n + old {
            return Dependencies::of(m);
        }
        let mut edges = Dependencies {
            starts: Vec::with_capacity(n + 1),
            targets: Vec::with_capacity(self.targets.len() + 16),
            components: OnceLock::new(),
        };
        // The rows read anew, in order; the others are moved in runs (row
        // by row, this was 15% of the samples of a keystroke that adds a
        // team in ten files: BENCHMARKS.md, "7 Dec (twenty-eighth
        // session)").
        let mut anew: Vec<usize> = (start..start + new)
            .chain(teams.iter().copied().filter(|&t| t < n))
            .collect();
        anew.sort_unstable();
        anew.dedup();
        let was = |t: usize| if t < start { t } else { t - new + old };
        let mut next = 0;
        for &t in anew.iter().chain(std::iter::once(&n)) {
            // The rows before `t` not read anew: before the splice, and
            // after it (its old rows are apart when it added none).
            for (a, b) in [(next, t.min(start)), (next.max(start + new), t)] {
                if a < b {
                    self.moved_rows(was(a)..was(b - 1) + 1, slots, &mut edges);
                }
            }
            if t == n {
                break;
            }
            edges.starts.push(edges.targets.len());
            push_row(m, t, &mut edges.targets);
            next = t + 1;
        }
        edges.starts.push(edges.targets.len());
        debug_assert_eq!(edges, Dependencies::of(m), "a remapped graph differs");
        let kept = self
            .components
            .get()
            .and_then(|c| c.spliced(self, &edges, slots, teams));
        edges.keep(kept);
        edges
    }

    /// Appends this graph's `rows` to `edges`, their targets moved as the
    /// splice `slots` moves teams: in one pass over the run, unless a row
    /// names a team spliced out (then row by row, without it).
    fn moved_rows(&self, rows: std::ops::Range<usize>, slots: &Slots, edges: &mut Dependencies) {
        let (start, old, new) = slots.kinds[2];
        let (lo, hi) = (self.starts[rows.start], self.starts[rows.end]);
        let targets = &self.targets[lo..hi];
        if old > 0 && targets.iter().any(|&x| (start..start + old).contains(&x)) {
            for r in rows {
                edges.starts.push(edges.targets.len());
                let row = self.of_team(r).iter();
                edges.targets.extend(row.filter_map(|&x| slots.index(2, x)));
            }
            return;
        }
        let base = edges.targets.len();
        edges
            .starts
            .extend(self.starts[rows].iter().map(|&s| s - lo + base));
        let after = start + old;
        edges.targets.extend(
            targets
                .iter()
                .map(|&x| if x >= after { x - old + new } else { x }),
        );
    }

    /// Whether this graph, `old` after a splice with the rows of `teams`
    /// read anew ([`Dependencies::remapped`]), has `old`'s cycles (their
    /// teams moved by the splice: so no team spliced in is in one), and
    /// none of `teams` nor of the teams spliced out is in one: then, as for
    /// [`Dependencies::cycles_kept_from`], `old`'s findings hold (moved by
    /// the edit).
    pub(crate) fn cycles_kept_over(
        &self,
        old: &Dependencies,
        slots: &Slots,
        teams: &[usize],
    ) -> bool {
        let (Some(now), Some(was)) = (self.components.get(), old.components.get()) else {
            return false;
        };
        let (start, gone, _) = slots.kinds[2];
        let (p, q) = (&now.partition, &was.partition);
        let same = |a: &[usize], b: &[usize]| {
            a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| slots.index(2, y) == Some(x))
        };
        start + gone <= q.of.len()
            && !(start..start + gone).any(|t| was.in_cycle(t))
            && same(&now.loops, &was.loops)
            && p.multi.len() == q.multi.len()
            && p.multi.iter().zip(&q.multi).all(|(a, b)| same(a, b))
            && teams.iter().all(|&t| t < p.of.len() && !now.in_cycle(t))
    }

    /// Whether this graph, `old` with the rows of `teams` rewritten
    /// ([`Dependencies::patched`]), has `old`'s cycles, and none of `teams`
    /// is in one: then nothing a [`super::Check::Dependencies`] rule reads
    /// changed, and `old`'s findings hold (moved by the edit).
    pub fn cycles_kept_from(&self, old: &Dependencies, teams: &[usize]) -> bool {
        let (Some(now), Some(was)) = (self.components.get(), old.components.get()) else {
            return false;
        };
        now.kept_from(was, teams)
    }

    /// The strongly connected components (computed on the first call).
    pub fn components(&self) -> &Components {
        self.components
            .get_or_init(|| Arc::new(Components::of(self)))
    }

    /// How many teams the graph has.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

impl Components {
    /// Whether these, carried over from `was` ([`Components::carried`]),
    /// are its cycles, and no team of `teams` is in one.
    fn kept_from(&self, was: &Components, teams: &[usize]) -> bool {
        let p = &self.partition;
        Arc::ptr_eq(p, &was.partition)
            && self.loops == was.loops
            && teams.iter().all(|&t| t < p.of.len() && !self.in_cycle(t))
    }

    /// Whether team `t` is in a cycle: a component of two teams or more,
    /// or one that depends on itself.
    fn in_cycle(&self, t: usize) -> bool {
        self.partition.in_multi(t) || self.loops.binary_search(&t).is_ok()
    }

    /// The components of `g`, by Tarjan's algorithm. Iterative: cycles of
    /// thousands of teams must not overflow the stack.
    pub(crate) fn of(g: &Dependencies) -> Components {
        const UNSEEN: usize = usize::MAX;
        let n = g.len();
        let mut index = vec![UNSEEN; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut next = 0;
        let mut of = vec![0u32; n];
        let mut count = 0u32;
        let mut multi = Vec::new();
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
                if *ei < g.of_team(v).len() {
                    let w = g.of_team(v)[*ei];
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
                        of[w] = count;
                    }
                    count += 1;
                    if stack.len() - at > 1 {
                        let mut comp = stack[at..].to_vec();
                        comp.sort_unstable();
                        multi.push(comp);
                    }
                    stack.truncate(at);
                }
            }
        }
        multi.sort_unstable_by_key(|c: &Vec<usize>| c[0]);
        let mut multi_ids: Vec<u32> = multi.iter().map(|c| of[c[0]]).collect();
        multi_ids.sort_unstable();
        let loops = (0..n)
            .filter(|&t| g.of_team(t).binary_search(&t).is_ok())
            .collect();
        Components {
            partition: Arc::new(Partition {
                of,
                multi,
                multi_ids,
            }),
            loops,
        }
    }

    /// The teams in a cycle, a list each: every component of two teams or
    /// more, and every other team that depends on itself alone; in the
    /// order of their first teams, each sorted.
    pub fn cycles(&self) -> Vec<&[usize]> {
        let p = &self.partition;
        let mut out: Vec<&[usize]> = p.multi.iter().map(Vec::as_slice).collect();
        let alone = |t: &&usize| !p.in_multi(**t);
        out.extend(self.loops.iter().filter(alone).map(std::slice::from_ref));
        out.sort_unstable_by_key(|c| c[0]);
        out
    }

    /// These components as they are in `new`, the graph `old` (whose they
    /// are) with the rows of `teams` rewritten, when that cannot have
    /// changed them: every edge taken out joins two components (an edge
    /// inside one may have held it together), and no edge put in between
    /// two components closes a way back (its target reaches its source,
    /// searched over at most [`REACH_LIMIT`] teams). A team's edge to
    /// itself changes no component, only the list of such teams.
    fn carried(
        &self,
        old: &Dependencies,
        new: &Dependencies,
        teams: &[usize],
    ) -> Option<Components> {
        let of = &self.partition.of;
        if old.len() != of.len() || new.len() != of.len() {
            return None;
        }
        self.carried_rows(new, teams, |t| Cow::Borrowed(old.of_team(t)))
    }

    /// These components, of `old`, as they are in `new`: `old` after a
    /// splice of its teams (`slots`), each row moved with it, the rows of
    /// `teams` (sorted, distinct, indices after the splice) read anew
    /// ([`Dependencies::remapped`]). When no team spliced out was in a
    /// cycle (an edge of one may have held it together), the components
    /// are renumbered, each team spliced in one of its own with no edge
    /// before, and [`Components::carried`]'s test decides, over the rows of
    /// `teams` and of the teams spliced in. Computed anew instead, Tarjan's
    /// walk over every team was a tenth of a keystroke that adds or removes
    /// an entity in a ten-file workspace (BENCHMARKS.md, "6 Dec
    /// (twenty-first session)").
    fn spliced(
        &self,
        old: &Dependencies,
        new: &Dependencies,
        slots: &Slots,
        teams: &[usize],
    ) -> Option<Components> {
        let (start, gone, came) = slots.kinds[2];
        let p = &self.partition;
        if old.len() != p.of.len() || new.len() + gone != old.len() + came {
            return None;
        }
        if (start..start + gone).any(|t| self.in_cycle(t)) {
            return None;
        }
        // Where a team in a cycle goes (none was spliced out: each has a
        // place, its order kept).
        let moved = |ts: &[usize]| ts.iter().filter_map(|&t| slots.index(2, t)).collect();
        let next = p.of.iter().max().map_or(0, |&n| n + 1);
        let mut of = Vec::with_capacity(new.len());
        of.extend_from_slice(&p.of[..start]);
        of.extend((next..).take(came));
        of.extend_from_slice(&p.of[start + gone..]);
        let renumbered = Components {
            partition: Arc::new(Partition {
                of,
                multi: p.multi.iter().map(|c| moved(c)).collect(),
                multi_ids: p.multi_ids.clone(),
            }),
            loops: moved(&self.loops),
        };
        let mut rewritten: Vec<usize> = teams.iter().copied().chain(start..start + came).collect();
        rewritten.sort_unstable();
        rewritten.dedup();
        renumbered.carried_rows(new, &rewritten, |t| {
            if (start..start + came).contains(&t) {
                return Cow::Borrowed(&[]);
            }
            let was = if t < start { t } else { t + gone - came };
            Cow::Owned(
                old.of_team(was)
                    .iter()
                    .filter_map(|&x| slots.index(2, x))
                    .collect(),
            )
        })
    }

    /// [`Components::carried`]'s test, the rows of `teams` before the
    /// change given by `before`.
    fn carried_rows<'a>(
        &self,
        new: &Dependencies,
        teams: &[usize],
        before: impl Fn(usize) -> Cow<'a, [usize]>,
    ) -> Option<Components> {
        let of = &self.partition.of;
        let mut seen = rustc_hash::FxHashSet::default();
        for &t in teams {
            let before = before(t);
            let (before, after) = (&before[..], new.of_team(t));
            for &v in before {
                if v != t && after.binary_search(&v).is_err() && of[t] == of[v] {
                    return None;
                }
            }
            for &v in after {
                if v != t
                    && before.binary_search(&v).is_err()
                    && of[t] != of[v]
                    && reaches(new, v, t, &mut seen) != Some(false)
                {
                    return None;
                }
            }
        }
        let mut loops: Vec<usize> = self
            .loops
            .iter()
            .copied()
            .filter(|t| teams.binary_search(t).is_err())
            .chain(
                teams
                    .iter()
                    .copied()
                    .filter(|&t| new.of_team(t).binary_search(&t).is_ok()),
            )
            .collect();
        loops.sort_unstable();
        Some(Components {
            partition: self.partition.clone(),
            loops,
        })
    }
}

impl Partition {
    /// Whether team `t` is in a component of two teams or more.
    fn in_multi(&self, t: usize) -> bool {
        self.multi_ids.binary_search(&self.of[t]).is_ok()
    }
}

/// Whether `from` reaches `to` in `g`; `None` when that was not settled
/// within [`REACH_LIMIT`] teams. `seen` is scratch space.
fn reaches(
    g: &Dependencies,
    from: usize,
    to: usize,
    seen: &mut rustc_hash::FxHashSet<usize>,
) -> Option<bool> {
    seen.clear();
    let mut todo = vec![from];
    seen.insert(from);
    while let Some(v) = todo.pop() {
        if v == to {
            return Some(true);
        }
        for &w in g.of_team(v) {
            if seen.insert(w) {
                if seen.len() > REACH_LIMIT {
                    return None;
                }
                todo.push(w);
            }
        }
    }
    Some(false)
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

#[cfg(test)]
mod tests {
    use super::{Components, Dependencies};
    use crate::model::Slots;

    fn graph(rows: &[Vec<usize>]) -> Dependencies {
        Dependencies::from_rows(rows.iter().map(|r| {
            let mut r = r.clone();
            r.sort_unstable();
            r.dedup();
            r
        }))
    }

    /// `rows` with team `t`'s row replaced, the components of the old
    /// graph carried over (if they can be) and those of the new one.
    fn patch(rows: &[Vec<usize>], t: usize, row: Vec<usize>) -> (Option<Components>, Components) {
        let old = graph(rows);
        let mut new_rows = rows.to_vec();
        new_rows[t] = row;
        let new = graph(&new_rows);
        (
            old.components().carried(&old, &new, &[t]),
            Components::of(&new),
        )
    }

    fn same(a: &Components, b: &Components) -> bool {
        a.cycles() == b.cycles()
    }

    /// The model of `teams` (each a name and the names it depends on).
    fn model(teams: &[(String, Vec<String>)]) -> crate::model::Model {
        use std::fmt::Write as _;
        let mut text = String::new();
        for (name, deps) in teams {
            let _ = writeln!(text, "team {name} {{");
            for d in deps {
                let _ = writeln!(text, "  depends_on {d} {{}}");
            }
            text.push_str("}\n");
        }
        let parsed = crate::chunks::parse(&crate::Text::new(&text));
        crate::model::Model::build([(crate::text::FileId(0), parsed.doc())])
    }

    /// A graph moved over a splice of teams, the rows of those whose
    /// dependencies name a team added or removed read anew, is the graph
    /// of the model after it: generated splices anywhere (none added, none
    /// removed, rows that name the teams removed or not), whatever runs of
    /// rows are moved whole.
    #[test]
    fn a_graph_moved_over_a_splice_is_the_fresh_one() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..300 {
            let n = 2 + rand(40);
            let (start, old) = (rand(n), rand(4));
            let old = old.min(n - start);
            let new = rand(4);
            let added: Vec<String> = (0..new).map(|k| format!("n{round}x{k}")).collect();
            let olds: Vec<String> = (0..n).map(|t| format!("t{t}")).collect();
            // Dependencies on any team of before or after, now and then on
            // one that is not declared (yet).
            let mut deps = |me: usize| -> Vec<String> {
                (0..rand(4))
                    .map(|_| match rand(5) {
                        0 if new > 0 => added[rand(new)].clone(),
                        _ => olds[rand(n)].clone(),
                    })
                    .filter(|d| *d != olds[me])
                    .collect()
            };
            let before: Vec<(String, Vec<String>)> =
                (0..n).map(|t| (olds[t].clone(), deps(t))).collect();
            let mut after = before.clone();
            let fresh: Vec<(String, Vec<String>)> = added
                .iter()
                .map(|a| {
                    (
                        a.clone(),
                        (0..rand(3)).map(|_| olds[rand(n)].clone()).collect(),
                    )
                })
                .collect();
            let gone: Vec<String> = after
                .splice(start..start + old, fresh)
                .map(|(name, _)| name)
                .collect();
            let (m0, m1) = (model(&before), model(&after));
            let teams: Vec<usize> = (0..after.len())
                .filter(|&t| {
                    after[t]
                        .1
                        .iter()
                        .any(|d| gone.contains(d) || added.contains(d))
                })
                .collect();
            let slots = Slots {
                kinds: [(0, 0, 0), (0, 0, 0), (start, old, new)],
            };
            let moved = Dependencies::of(&m0).remapped(&m1, &slots, &teams);
            assert_eq!(
                moved,
                Dependencies::of(&m1),
                "round {round}: {n} teams, {old} at {start} replaced by {new}"
            );
        }
    }

    #[test]
    fn kept_when_no_cycle_is_made_or_broken_computed_anew_when_one_may_be() {
        // 0 → 1 → 2 → 0 is a cycle; 3 → 0 hangs off it; 4 is alone.
        let rows = vec![vec![1], vec![2], vec![0], vec![0], vec![]];
        // Kept: an edge out of the cycle, one into it, one taken away
        // between components, a team depending on itself.
        for (t, row) in [(2, vec![0, 4]), (4, vec![3]), (3, vec![]), (4, vec![4])] {
            let (kept, fresh) = patch(&rows, t, row.clone());
            let kept = kept.unwrap_or_else(|| panic!("team {t} → {row:?} keeps the components"));
            assert!(same(&kept, &fresh), "team {t} → {row:?}");
        }
        // Anew: an edge of the cycle taken away, one back into it from a
        // team it reaches.
        assert!(patch(&rows, 1, vec![]).0.is_none());
        let rows = vec![vec![1], vec![2], vec![0, 3], vec![]];
        assert!(patch(&rows, 3, vec![0]).0.is_none());
    }

    /// Whether the graph rules' findings stay when team `t`'s row of
    /// `rows` becomes `row` (the components carried over as a patch does).
    fn findings_stay(rows: &[Vec<usize>], t: usize, row: Vec<usize>) -> bool {
        let old = graph(rows);
        let mut new_rows = rows.to_vec();
        new_rows[t] = row;
        let new = graph(&new_rows);
        if let Some(kept) = old.components().carried(&old, &new, &[t]) {
            let _ = new.components.set(std::sync::Arc::new(kept));
        }
        new.cycles_kept_from(&old, &[t])
    }

    #[test]
    fn findings_stay_only_when_no_cycle_nor_team_in_one_changed() {
        // 0 → 1 → 0 is a cycle; 2 → 0 hangs off it; 3 is alone; 4 depends
        // on itself.
        let rows = vec![vec![1], vec![0], vec![0], vec![], vec![4]];
        assert!(
            findings_stay(&rows, 2, vec![0, 3]),
            "a team outside every cycle"
        );
        assert!(
            findings_stay(&rows, 3, vec![2]),
            "a team outside every cycle"
        );
        assert!(!findings_stay(&rows, 0, vec![1, 3]), "a team in a cycle");
        assert!(
            !findings_stay(&rows, 4, vec![4, 3]),
            "a team that depends on itself"
        );
        assert!(!findings_stay(&rows, 3, vec![3]), "a new self-dependency");
    }

    /// `rows` after a splice of teams `start..start + gone` for rows
    /// `fresh` (targets after the splice), each other row moved with its
    /// targets, those of `marked` (after the splice) then replaced by
    /// `rewrite`'s: the graph before, the slots and the graph after.
    fn splice(
        rows: &[Vec<usize>],
        (start, gone): (usize, usize),
        fresh: &[Vec<usize>],
        marked: &[usize],
        rewrite: impl Fn(usize) -> Vec<usize>,
    ) -> (Dependencies, Slots, Dependencies) {
        let slots = Slots {
            kinds: [(0, 0, 0), (0, 0, 0), (start, gone, fresh.len())],
        };
        let moved = |row: &Vec<usize>| -> Vec<usize> {
            row.iter().filter_map(|&x| slots.index(2, x)).collect()
        };
        let mut new_rows: Vec<Vec<usize>> = rows[..start].iter().map(moved).collect();
        new_rows.extend(fresh.iter().cloned());
        new_rows.extend(rows[start + gone..].iter().map(moved));
        for &t in marked {
            new_rows[t] = rewrite(t);
        }
        (graph(rows), slots, graph(&new_rows))
    }

    #[test]
    fn carried_over_a_splice_unless_a_cycle_may_be_made_or_broken() {
        // 0 → 1 → 2 → 0 is a cycle; 3 → 0 hangs off it; 4 is alone.
        let rows = vec![vec![1], vec![2], vec![0], vec![0], vec![]];
        let carried = |(old, slots, new): (Dependencies, Slots, Dependencies), marked: &[usize]| {
            old.components().spliced(&old, &new, &slots, marked)
        };
        let none = |_| Vec::new();
        // Kept: a team spliced in with edges one way only, one spliced out
        // outside every cycle.
        for (at, fresh) in [(5, vec![vec![0]]), (0, vec![vec![]]), (3, vec![vec![5]])] {
            let spliced = splice(&rows, (at, 0), &fresh, &[], none);
            let fresh_components = Components::of(&spliced.2);
            let kept = carried(spliced, &[]).expect("no cycle made");
            assert!(same(&kept, &fresh_components), "{fresh:?} at {at}");
        }
        assert!(carried(splice(&rows, (3, 2), &[], &[], none), &[]).is_some());
        // Anew: a team of the cycle spliced out; one spliced in that a
        // team it depends on reaches, through a row marked.
        assert!(carried(splice(&rows, (1, 1), &[], &[], none), &[]).is_none());
        let closing = splice(&rows, (4, 0), &[vec![0]], &[2], |_| vec![0, 4]);
        assert!(carried(closing, &[2]).is_none());
    }

    proptest::proptest! {
        /// Components carried over a splice are those computed afresh, and
        /// the findings are said to stay only when the cycles are the old
        /// ones moved and no team spliced or marked is in one.
        #[test]
        fn components_carried_over_a_splice_are_the_fresh_ones(
            n in 1usize..10,
            raw in proptest::collection::vec((0usize..10, 0usize..10), 0..25),
            (start, gone) in (0usize..10, 0usize..3),
            fresh in proptest::collection::vec(proptest::collection::vec(0usize..12, 0..3), 0..3),
            marked in proptest::collection::btree_map(0usize..12, proptest::collection::vec(0usize..12, 0..3), 0..3),
        ) {
            let mut rows = vec![Vec::new(); n];
            for (a, b) in raw {
                rows[a % n].push(b % n);
            }
            let start = start % n;
            let gone = gone.min(n - start);
            let len = n - gone + fresh.len();
            proptest::prop_assume!(len > 0);
            let fresh: Vec<Vec<usize>> = fresh
                .into_iter()
                .map(|r| r.into_iter().map(|b| b % len).collect())
                .collect();
            let marked: std::collections::BTreeMap<usize, Vec<usize>> = marked
                .into_iter()
                .map(|(t, r)| (t % len, r.into_iter().map(|b| b % len).collect()))
                .collect();
            let teams: Vec<usize> = marked.keys().copied().collect();
            let (old, slots, new) =
                splice(&rows, (start, gone), &fresh, &teams, |t| marked[&t].clone());
            let now = Components::of(&new);
            if let Some(kept) = old.components().spliced(&old, &new, &slots, &teams) {
                proptest::prop_assert!(same(&kept, &now));
                let _ = new.components.set(std::sync::Arc::new(kept));
            }
            if new.cycles_kept_over(&old, &slots, &teams) {
                let moved = |t: usize| if t < start { t } else { t + fresh.len() - gone };
                let was: Vec<Vec<usize>> = old
                    .components()
                    .cycles()
                    .iter()
                    .map(|c| c.iter().map(|&t| moved(t)).collect())
                    .collect();
                let is: Vec<Vec<usize>> = now.cycles().iter().map(|c| c.to_vec()).collect();
                proptest::prop_assert_eq!(was, is);
                let in_one = |t: &usize| now.cycles().iter().any(|c| c.contains(t));
                proptest::prop_assert!(!teams.iter().chain(&(start..start + fresh.len()).collect::<Vec<_>>()).any(in_one));
            }
        }

        /// A graph patched in place (rows of any length read anew, more
        /// resized than it resizes in place or not) is the graph of the
        /// model after the change, and says its cycles stayed only when the
        /// graph copied and patched says so.
        #[test]
        fn a_graph_patched_in_place_is_the_fresh_one(
            n in 1usize..14,
            raw in proptest::collection::vec((0usize..14, 0usize..16), 0..30),
            changed in proptest::collection::btree_map(0usize..14, proptest::collection::vec(0usize..16, 0..4), 0..12),
            known in proptest::bool::weighted(0.8),
        ) {
            // Ids `t0`..: a dependency on `t{n}` or more names no team.
            let named = |rows: &[Vec<usize>]| -> Vec<(String, Vec<String>)> {
                rows.iter()
                    .enumerate()
                    .map(|(t, r)| (format!("t{t}"), r.iter().map(|b| format!("t{b}")).collect()))
                    .collect()
            };
            let mut rows = vec![Vec::new(); n];
            for (a, b) in raw {
                rows[a % n].push(b);
            }
            let mut after = rows.clone();
            for (t, r) in &changed {
                after[t % n] = r.clone();
            }
            let mut teams: Vec<usize> = changed.keys().map(|t| t % n).collect();
            teams.sort_unstable();
            teams.dedup();
            let (old_model, new_model) = (model(&named(&rows)), model(&named(&after)));
            // Its components worked out before, or not yet.
            let old = Dependencies::of(&old_model);
            if known {
                old.components();
            }
            let copied = old.patched(&new_model, &teams);
            let mut in_place = old.clone();
            let kept = in_place.patch(&new_model, &teams);
            proptest::prop_assert_eq!(&in_place, &Dependencies::of(&new_model));
            proptest::prop_assert_eq!(kept, copied.cycles_kept_from(&old, &teams));
        }

        /// Components carried over are those computed afresh.
        #[test]
        fn carried_components_are_the_fresh_ones(
            n in 1usize..10,
            raw in proptest::collection::vec((0usize..10, 0usize..10), 0..25),
            t in 0usize..10,
            row in proptest::collection::vec(0usize..10, 0..4),
        ) {
            let mut rows = vec![Vec::new(); n];
            for (a, b) in raw {
                rows[a % n].push(b % n);
            }
            let row = row.into_iter().map(|b| b % n).collect();
            let (kept, fresh) = patch(&rows, t % n, row);
            if let Some(kept) = kept {
                proptest::prop_assert!(same(&kept, &fresh));
            }
        }
    }
}
