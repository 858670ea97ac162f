//! What [`super::Facts::meant`] is made of: each name that `teams:`
//! entries write and that names nothing, with the id it most likely means.
//!
//! Kept by the incremental analysis between edits, so that an edit that
//! renames an id or changes an initiative's `teams:` reads again only the
//! names it may have changed ([`Meant::patch`]), not every dangling name
//! of the workspace. Read afresh at each such keystroke, they were a cost
//! that grew with the workspace: in ten files of the benchmark's plan, a
//! keystroke that renames a team spent twelve times the samples on them
//! that it spends in one file (BENCHMARKS.md, "7 Dec (thirtieth
//! session)").

use super::Ctx;
use crate::model::{EntityId, Model, Reference};
use crate::syntax::CompactString;
use std::collections::BTreeMap;

/// The names `teams:` entries write that name nothing, and what each
/// most likely means.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Meant {
    /// Each such name and its did-you-mean suggestion, if it has one.
    of: rustc_hash::FxHashMap<CompactString, Option<CompactString>>,
    /// How many of those names each suggested id is suggested for.
    count: BTreeMap<CompactString, u32>,
}

/// The first `teams:` entry written with `name` that names nothing, if
/// any: an entry that names its team is no misspelling, though another
/// reference of the block by that name (`leader:`) names nothing.
fn dangling_entry<'m>(m: &'m Model, name: &str) -> Option<&'m Reference> {
    m.dangling(name).into_iter().find_map(|w| {
        let EntityId::Initiative(i) = w else {
            return None;
        };
        m.initiatives[i]
            .teams
            .iter()
            .find(|r| r.name.as_str() == name && m.resolve(r).is_none())
    })
}

impl Meant {
    /// Read from the workspace `ctx` sees. Only the names of references
    /// that name nothing are read: the cost is that of the workspace's
    /// unknown names.
    pub(crate) fn of(ctx: &Ctx) -> Meant {
        let m = ctx.model;
        let refs: Vec<&Reference> = m
            .dangling_names()
            .filter_map(|(name, _)| dangling_entry(m, name))
            .collect();
        // The suggestions remembered, under one lock, on this thread; a
        // search over every id for each of the others, on two threads (the
        // analysis of a workspace waits for the facts before its rules can
        // run). After a keystroke most are remembered: handing those to
        // the second thread cost more than looking them up.
        let known = match ctx.memo {
            Some(memo) => memo.peek_all(refs.iter().map(|r| (r.name.as_str(), r.expected as u8))),
            None => vec![None; refs.len()],
        };
        let missing: Vec<&Reference> = refs
            .iter()
            .zip(&known)
            .filter(|(_, k)| k.is_none())
            .map(|(r, _)| *r)
            .collect();
        let mut searched = crate::text::map_split_from(missing.len(), 8, |k| {
            super::undefined_reference::suggestion(ctx, missing[k]).map(CompactString::from)
        })
        .into_iter();
        let mut meant = Meant::default();
        for (r, known) in refs.iter().zip(known) {
            let best = match known {
                Some(best) => best,
                None => searched.next().flatten(),
            };
            meant.put(r.name.clone(), best);
        }
        meant
    }

    fn put(&mut self, name: CompactString, best: Option<CompactString>) {
        if let Some(best) = &best {
            *self.count.entry(best.clone()).or_default() += 1;
        }
        self.of.insert(name, best);
    }

    /// Reads again the names of `names`, as [`Meant::of`] reads them,
    /// after an edit that changed none but these: the names of the
    /// `teams:` entries it wrote or took away, the ids it declared or
    /// undeclared, and the words whose suggestion it changed.
    pub(crate) fn patch(&mut self, ctx: &Ctx, names: &[CompactString]) {
        for name in names {
            if let Some(Some(best)) = self.of.remove(name) {
                if let Some(n) = self.count.get_mut(&best) {
                    *n -= 1;
                    if *n == 0 {
                        self.count.remove(&best);
                    }
                }
            }
            if let Some(r) = dangling_entry(ctx.model, name) {
                let best = super::undefined_reference::suggestion(ctx, r);
                self.put(name.clone(), best.map(CompactString::from));
            }
        }
    }

    /// The ids meant, sorted and distinct: [`super::Facts::meant`].
    pub(crate) fn ids(&self) -> Vec<CompactString> {
        self.count.keys().cloned().collect()
    }
}
