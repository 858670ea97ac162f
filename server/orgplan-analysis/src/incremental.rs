//! Incremental analysis: after an edit, re-derive only what the edit can
//! change.
//!
//! An analysis keeps its findings by what they were computed for
//! ([`rules::Check`]): per top-level block, per entity of the model, and
//! for the whole workspace. After an edit of one file, [`update`]
//!
//! 1. builds the entities of the re-parsed blocks ([`crate::chunks`]) and,
//!    when they declare the same ids in the same order as before (the
//!    common case: typing inside a block), puts them in the old ones'
//!    slots, re-resolves their references and re-links them in the reverse
//!    indices; every other entity of the file has its places shifted;
//! 2. marks as dirty the changed entities and every entity at most
//!    [`rules::ENTITY_REACH`] references away from them, before or after the
//!    edit (plus any entity with a finding that points into the edit);
//! 3. recomputes the entity rules for the dirty entities, the block rules
//!    for the re-parsed blocks and the global rules, and shifts every other
//!    finding.
//!
//! Anything else (a declaration added, removed or renamed, another file, the
//! configuration) makes the caller analyse afresh. The result is always the
//! same as a fresh analysis: `tests/no_panic.rs` checks it on random edit
//! scripts.

use crate::chunks::Reparsed;
use crate::config::Config;
use crate::model::{Decl, EntityId, Model, Seq, Shiftable};
use crate::rules::dependencies::Dependencies;
use crate::rules::meant::Meant;
use crate::rules::{self, Check, Ctx, Facts, Finding};
use crate::syntax::CompactString;
use crate::text::{FileId, Shift};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

/// The findings of an analysis, by what they were computed for.
#[derive(Clone, Debug, Default)]
pub(crate) struct Parts {
    /// The findings of the entity rules, per entity: leaders, initiatives,
    /// teams, each by index.
    entity: [Seq<EntityFound>; 3],
    /// Per entity, beside [`Parts::entity`], where the hull of its places
    /// in its own file ends ([`home_end`]): [`mark_stale`] passes over an
    /// entity whose places there all lie before the edit without reading
    /// its box, a read that missed the caches for each entity with a
    /// finding (BENCHMARKS.md, "5 Dec (twelfth session)").
    home_end: [Seq<u32>; 3],
    /// The findings of the block rules, per file, per top-level block.
    blocks: BTreeMap<FileId, Vec<Vec<Arc<Finding>>>>,
    /// The findings of the file rules, per file. An edit recomputes the
    /// edited file's alone: as a global rule, `syntax-error` was run over
    /// every file's errors at each keystroke (BENCHMARKS.md, "7 Dec
    /// (thirty-second session)").
    files: BTreeMap<FileId, Vec<Arc<Finding>>>,
    /// The findings of the global rules.
    global: Vec<Arc<Finding>>,
    /// The findings of the dependency-graph rules.
    graph: Vec<Arc<Finding>>,
    /// Per file, the indices in [`Parts::graph`] of the findings that
    /// name a place in it ([`graph_index`]): a keystroke looks at those
    /// alone. It walked every cycle's finding of the workspace, the
    /// places of each read again (BENCHMARKS.md, "7 Dec (thirty-second
    /// session)").
    graph_in: BTreeMap<FileId, Vec<u32>>,
    /// The dependency graph they were computed over.
    deps: Arc<Dependencies>,
    /// The workspace's facts the entity rules read, as they were.
    facts: Arc<Facts>,
    /// What their `meant` is made of ([`Meant::patch`]).
    meant: Meant,
    /// For each file, the entities declared in another file with a finding
    /// that names a place in it: with the entities declared in a file,
    /// those whose findings an edit of it can move or make stale, and
    /// whose findings may lie in it. Keeps that walk to the file's. Each
    /// with where the hull of its places in the file ends, as
    /// [`Parts::home_end`] keeps it for its own file: [`mark_stale`] passes
    /// over those that end before the edit without reading their boxes
    /// (in a ten-file workspace, a keystroke read 691 such boxes, most of
    /// them missing the caches: BENCHMARKS.md, "7 Dec (thirty-first
    /// session)").
    elsewhere: BTreeMap<FileId, Naming>,
    /// The findings in the file edited last, sorted, patched at each
    /// keystroke in it ([`Sorted`]); `None` until an edit.
    sorted: Option<Sorted>,
    /// The fingerprint of the model's ids ([`Model::ids_fingerprint`]),
    /// kept in step by each update: the did-you-mean memo is patched only
    /// when it was chosen from these ids ([`suggestions_after`]).
    ids: u64,
    /// The flags of the last update's [`Marks`], all clear again, for the
    /// next: made afresh, one per entity of the workspace, they were
    /// zeroed at each keystroke (a cost that grew with the workspace, not
    /// with the edit: BENCHMARKS.md, "7 Dec (thirty-second session)").
    spare_flags: [Vec<bool>; 3],
}

/// The findings in one file in the order the assembled list gives them
/// (before duplicates are dropped and the cap applies), each by where its
/// part keeps it, with a copy of what orders it.
///
/// After a keystroke, the file's findings were gathered from every entity
/// that may name a place in it and sorted again: about 2,700 findings for
/// the default 100k-line plan, read where they lie in the heap, a third
/// of a keystroke's time in one file and more in ten (BENCHMARKS.md, "5
/// Dec (eleventh session)"). A keystroke changes the findings of the
/// entities it marks, of the blocks it re-parses and the global (and
/// perhaps graph) ones; every other finding keeps its part, its index
/// there and its order, and moves by the edit's shift. So these entries
/// lose those of the recomputed parts, move, and take in the new
/// findings by a merge; only the findings the list keeps are read.
///
/// It holds no finding (an `Arc` held here would make each finding the
/// shift moves a copy): an entry names its part and index, which stay
/// valid because the only change to the parts is [`update`], which
/// patches the entries (or, after an edit of another file or one that
/// added or removed an entity, gathers them again).
#[derive(Clone, Debug)]
struct Sorted {
    file: FileId,
    entries: Vec<Entry>,
}

/// Where a part keeps a finding. `kind` 0 to 2 is an entity of that kind
/// (`index`, as [`EntityId::slot`] gives it), 3 a block of the file, 4 the
/// file's own (the file rules'), 5 the global findings, 6 the graph's;
/// `j` is the finding's index in that part's list. Ordered as
/// [`Parts::all`] walks the parts, which is how equal findings are
/// ordered in a fresh list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Owner {
    kind: u8,
    index: u32,
    j: u32,
}

impl Owner {
    /// Whether the entity that owns the finding kept it: it was neither
    /// spliced out nor marked. Its index follows the splice.
    fn entity_kept(&mut self, marks: &Marks, spliced: Option<&crate::model::Slots>) -> bool {
        let (k, i) = (self.kind as usize, self.index as usize);
        match spliced.map_or(Some(i), |s| s.index(k, i)) {
            Some(i) => {
                self.index = i as u32;
                !marks.get(k, i)
            }
            None => false,
        }
    }
}

/// One finding of a [`Sorted`] file: its place, rule and severity, copied.
#[derive(Clone, Copy, Debug)]
struct Entry {
    start: usize,
    end: usize,
    rule: &'static str,
    severity: rules::Severity,
    owner: Owner,
}

impl Entry {
    fn new(f: &Finding, kind: u8, index: usize, j: usize) -> Entry {
        Entry {
            start: f.loc.range.start(),
            end: f.loc.range.end(),
            rule: f.rule,
            severity: f.severity,
            owner: Owner {
                kind,
                index: index as u32,
                j: j as u32,
            },
        }
    }
}

/// One entity's findings, with where they lie: for each file they name a
/// place in, the smallest range that holds every such place. An edit
/// before or after that range neither touches nor (before it) moves any
/// of them, so [`mark_stale`] decides most entities without walking their
/// findings' places (walking them all made a keystroke in a 100k-line
/// plan spend a fifth of its time there: BENCHMARKS.md, "4 Dec").
///
/// Most entities have no finding: theirs is `None`, one word, so that the
/// walks of a file's entities at each keystroke read a few hundred
/// kilobytes less of memory the caches no longer hold.
#[derive(Clone, Debug, Default)]
struct EntityFound(Option<Box<Found>>);

#[derive(Clone, Debug)]
struct Found {
    list: Vec<Arc<Finding>>,
    /// Per file, the hull of the places named in it; few files, unsorted.
    hulls: smallvec::SmallVec<[(FileId, crate::text::TextRange); 2]>,
}

impl EntityFound {
    fn new(list: Vec<Arc<Finding>>) -> EntityFound {
        if list.is_empty() {
            return EntityFound(None);
        }
        let mut found = Found {
            list,
            hulls: Default::default(),
        };
        found.measure();
        EntityFound(Some(Box::new(found)))
    }

    fn list(&self) -> &[Arc<Finding>] {
        self.0.as_ref().map_or(&[], |f| &f.list)
    }
}

/// Where the hull of `found`'s places in `home` ends (its own file, or another
/// that [`Parts::elsewhere`] lists it for); `u32::MAX` when it
/// has none there or no finding (read the box to know).
fn home_end(found: &EntityFound, home: FileId) -> u32 {
    found.0.as_ref().map_or(u32::MAX, |f| f.end_in(home))
}

impl Found {
    /// Sets [`Found::hulls`] from the findings.
    fn measure(&mut self) {
        self.hulls.clear();
        for l in self.list.iter().flat_map(|f| f.locs()) {
            match self.hulls.iter_mut().find(|(f, _)| *f == l.file) {
                Some((_, r)) => {
                    *r = crate::text::TextRange::new(
                        r.start().min(l.range.start()),
                        r.end().max(l.range.end()),
                    )
                }
                None => self.hulls.push((l.file, l.range)),
            }
        }
    }

    fn hull(&self, file: FileId) -> Option<crate::text::TextRange> {
        self.hulls.iter().find(|(f, _)| *f == file).map(|(_, r)| *r)
    }

    /// Where the hull in `file` ends, as [`home_end`] keeps it.
    fn end_in(&self, file: FileId) -> u32 {
        self.hull(file).map_or(u32::MAX, |r| r.end() as u32)
    }
}

impl<'a> IntoIterator for &'a EntityFound {
    type Item = &'a Arc<Finding>;
    type IntoIter = std::slice::Iter<'a, Arc<Finding>>;
    fn into_iter(self) -> Self::IntoIter {
        self.list().iter()
    }
}

/// The files other than `e`'s own that its findings name a place in.
fn foreign_files<'a>(
    m: &Model,
    e: EntityId,
    found: &'a [Arc<Finding>],
) -> impl Iterator<Item = FileId> + 'a {
    let home = m.decl(e).file();
    found
        .iter()
        .flat_map(|f| f.locs().map(|l| l.file))
        .filter(move |&f| f != home)
}

impl Parts {
    /// Replaces `e`'s findings, keeping [`Parts::elsewhere`] in step (a
    /// file its findings still name a place in keeps its entry, with the
    /// new end: no entry is moved for it).
    fn set_entity(&mut self, m: &Model, e: EntityId, found: Vec<Arc<Finding>>) {
        let (k, i) = e.slot();
        let old = std::mem::replace(&mut self.entity[k][i], EntityFound::new(found));
        self.home_end[k][i] = home_end(&self.entity[k][i], m.decl(e).file());
        self.note_elsewhere(m, e);
        let new = &self.entity[k][i];
        for file in foreign_files(m, e, old.list()) {
            if home_end(new, file) == u32::MAX {
                if let Some(naming) = self.elsewhere.get_mut(&file) {
                    naming.remove(e);
                }
            }
        }
    }

    /// Lists `e` in [`Parts::elsewhere`] for each other file its findings
    /// name a place in, with where its places there end.
    fn note_elsewhere(&mut self, m: &Model, e: EntityId) {
        let (k, i) = e.slot();
        let found = &self.entity[k][i];
        for file in foreign_files(m, e, found.list()) {
            let end = home_end(found, file);
            self.elsewhere.entry(file).or_default().set(e, end);
        }
    }

    /// The entities whose findings may name a place in `file`: those
    /// declared in it, and those [`Parts::elsewhere`] lists.
    fn entities_naming<'a>(
        &'a self,
        m: &'a Model,
        file: FileId,
    ) -> impl Iterator<Item = EntityId> + 'a {
        declared_in(m, file).chain(
            self.elsewhere
                .get(&file)
                .into_iter()
                .flat_map(|n| n.entities.iter().copied()),
        )
    }
}

/// The entities declared in `file`.
fn declared_in(m: &Model, file: FileId) -> impl Iterator<Item = EntityId> + '_ {
    (0..3).flat_map(move |k| file_span(m, k, file).map(move |i| EntityId::at_slot(k, i)))
}

/// The indices (within one kind's list) of the entities declared in `file`.
fn file_span(m: &Model, k: usize, file: FileId) -> Range<usize> {
    let len = m.count(k);
    span(
        m,
        |i| m.decl(EntityId::at_slot(k, i)),
        len,
        file,
        0,
        usize::MAX,
    )
}

/// Runs the rules of one kind of check, each at its configured level.
fn levelled(
    config: &Config,
    want: fn(&Check) -> bool,
    mut run: impl FnMut(&Check, &mut Vec<Finding>),
) -> Vec<Arc<Finding>> {
    let mut out = Vec::new();
    for rule in rules::ALL {
        if !want(&rule.check) {
            continue;
        }
        let start = out.len();
        run(&rule.check, &mut out);
        if !rules::apply_level(config, rule, &mut out[start..]) {
            out.truncate(start);
        }
    }
    // Shared with the assembled list of every finding, which then copies
    // none of them; kept per entity and per block, most lists hold none or
    // one.
    out.into_iter().map(Arc::new).collect()
}

fn entity_findings(ctx: &Ctx, e: EntityId) -> Vec<Arc<Finding>> {
    levelled(
        ctx.config,
        |c| matches!(c, Check::Entity(_)),
        |c, out| {
            if let Check::Entity(check) = c {
                check(ctx, e, out)
            }
        },
    )
}

fn block_findings(ctx: &Ctx, file: FileId, block: &crate::syntax::Block) -> Vec<Arc<Finding>> {
    levelled(
        ctx.config,
        |c| matches!(c, Check::Block(_)),
        |c, out| {
            if let Check::Block(check) = c {
                check(ctx, file, block, out)
            }
        },
    )
}

fn graph_findings(ctx: &Ctx, deps: &Dependencies) -> Vec<Arc<Finding>> {
    levelled(
        ctx.config,
        |c| matches!(c, Check::Dependencies(_)),
        |c, out| {
            if let Check::Dependencies(check) = c {
                check(ctx, deps, out)
            }
        },
    )
}

/// What the dependency-graph rules read of a team: each dependency's
/// target, as written and as resolved, and its places (the target's, the
/// `depends_on` head's, the block's).
type GraphOf = Vec<(CompactString, Option<EntityId>, [crate::text::Loc; 3])>;

/// [`GraphOf`] of `e` (nothing for a leader or an initiative).
fn graph_of(m: &Model, e: EntityId) -> GraphOf {
    match e {
        EntityId::Team(t) => m.teams[t]
            .dependencies
            .iter()
            .map(|d| {
                let places = [d.target.loc, d.head, d.block];
                (d.target.name.clone(), m.resolve(&d.target), places)
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn file_findings(ctx: &Ctx, file: FileId, doc: &crate::syntax::Document) -> Vec<Arc<Finding>> {
    let found = levelled(
        ctx.config,
        |c| matches!(c, Check::File(_)),
        |c, out| {
            if let Check::File(check) = c {
                check(ctx, file, doc, out)
            }
        },
    );
    // What an update relies on: an edit of another file neither moves
    // nor changes them.
    debug_assert!(
        found.iter().all(|f| f.locs().all(|l| l.file == file)),
        "a file rule's findings lie in its file"
    );
    found
}

fn global_findings(ctx: &Ctx) -> Vec<Arc<Finding>> {
    levelled(
        ctx.config,
        |c| matches!(c, Check::Global(_)),
        |c, out| {
            if let Check::Global(check) = c {
                check(ctx, out)
            }
        },
    )
}

/// For each file, the indices of the findings of `graph` that name a
/// place in it.
fn graph_index(graph: &[Arc<Finding>]) -> BTreeMap<FileId, Vec<u32>> {
    let mut out: BTreeMap<FileId, Vec<u32>> = BTreeMap::new();
    for (i, f) in graph.iter().enumerate() {
        let mut files: Vec<FileId> = f.locs().map(|l| l.file).collect();
        files.sort_unstable();
        files.dedup();
        for file in files {
            out.entry(file).or_default().push(i as u32);
        }
    }
    out
}

impl Parts {
    /// Puts in the graph rules' findings, with their index by file.
    fn set_graph(&mut self, graph: Vec<Arc<Finding>>) {
        self.graph_in = graph_index(&graph);
        self.graph = graph;
    }

    /// The file rules' and the global rules' findings in `file`, as entries.
    fn file_and_global_entries(&self, file: FileId, out: &mut Vec<Entry>) {
        let own = self.files.get(&file).map_or(&[][..], Vec::as_slice);
        Self::entries_of(file, 4, 0, own, out);
        Self::entries_of(file, 5, 0, &self.global, out);
    }

    /// The graph rules' findings in `file` (of its own, not related
    /// places), each with its index in [`Parts::graph`], as entries.
    fn graph_entries(&self, file: FileId, out: &mut Vec<Entry>) {
        for &i in self.graph_in.get(&file).into_iter().flatten() {
            let f = &self.graph[i as usize];
            if f.loc.file == file {
                out.push(Entry::new(f, 6, 0, i as usize));
            }
        }
    }

    /// Every finding of a workspace, computed afresh; `ids` is the model's
    /// [`Model::ids_fingerprint`].
    pub(crate) fn compute(ctx: &Ctx, ids: u64) -> Parts {
        let m = ctx.model;
        let lens = [m.leaders.len(), m.initiatives.len(), m.teams.len()];
        // The facts first (on two threads of their own): an entity rule that
        // reads them would compute them on one thread while the other waits.
        let meant = Meant::of(ctx);
        let _ = ctx.facts.set(Arc::new(Facts::with(m, &meant)));
        // On two threads for a large workspace (rules are pure functions of
        // the context and one entity or block).
        let entity: [Seq<EntityFound>; 3] = std::array::from_fn(|k| {
            crate::text::map_split(lens[k], |i| {
                EntityFound::new(entity_findings(ctx, EntityId::at_slot(k, i)))
            })
            .into()
        });
        let blocks = ctx
            .docs
            .iter()
            .map(|(file, doc, _)| {
                let v = crate::text::map_split(doc.blocks.len(), |b| {
                    block_findings(ctx, *file, &doc.blocks[b])
                });
                (*file, v)
            })
            .collect();
        let deps = Arc::new(Dependencies::of(m));
        let home_end = std::array::from_fn(|k| {
            let found: &Seq<EntityFound> = &entity[k];
            (0..lens[k])
                .map(|i| home_end(&found[i], m.decl(EntityId::at_slot(k, i)).file()))
                .collect()
        });
        let mut parts = Parts {
            entity,
            home_end,
            blocks,
            files: ctx
                .docs
                .iter()
                .map(|&(file, doc, _)| (file, file_findings(ctx, file, doc)))
                .collect(),
            global: global_findings(ctx),
            graph: Vec::new(),
            graph_in: BTreeMap::new(),
            deps,
            facts: ctx.shared_facts().clone(),
            meant,
            elsewhere: BTreeMap::new(),
            sorted: None,
            ids,
            spare_flags: Default::default(),
        };
        parts.set_graph(graph_findings(ctx, &parts.deps));
        for e in m.entities() {
            parts.note_elsewhere(m, e);
        }
        parts
    }

    /// Every finding, by reference, unsorted.
    fn all(&self) -> impl Iterator<Item = &Arc<Finding>> + '_ {
        self.entity
            .iter()
            .flatten()
            .flatten()
            .chain(self.blocks.values().flatten().flatten())
            .chain(self.files.values().flatten())
            .chain(self.global.iter())
            .chain(self.graph.iter())
    }

    /// All the findings, in order, at most `cap` per file (the most severe,
    /// then the first), and per file how many the cap left out. Sorts and
    /// caps references; only the findings kept are copied.
    pub(crate) fn assemble(&self, cap: Option<usize>) -> (Vec<Arc<Finding>>, Omitted) {
        let all: Vec<&Arc<Finding>> = self.all().collect();
        capped(all, cap)
    }

    /// [`Parts::assemble`] after an incremental update: `list`, the list
    /// assembled before (with or without the edited file's findings), keeps
    /// every file but those in `changed.found`, whose findings are capped
    /// anew (the edited file's from its [`Sorted`] entries, any other's
    /// gathered and sorted), and those only in `changed.moved`, whose
    /// findings are shifted where they are (a shift moves none of their
    /// own places, so neither their order nor the cap changes). A file's
    /// findings are found by `runs` (where each file's run lies in `list`,
    /// kept in step) and replaced in place: a keystroke costs what its
    /// file's findings cost, not the workspace's.
    pub(crate) fn reassemble(
        &self,
        model: &Model,
        mut list: Vec<Arc<Finding>>,
        runs: &mut Runs,
        omitted: &mut Omitted,
        changed: &Changed,
        cap: Option<usize>,
    ) -> Vec<Arc<Finding>> {
        // Only the findings noted as moved (and not already shifted in
        // the list: [`Lent`]) are replaced, by their shifted selves
        // (walking every place of every finding of their files made a
        // keystroke cost the workspace's findings: BENCHMARKS.md, "3 Dec:
        // a keystroke in ten files shifts only the findings it moves").
        // File by file, each found by its address: the list holds the very
        // findings the parts held before the shift. Found by bisection,
        // each search read a dozen findings the caches no longer held,
        // 0.17 ms a keystroke in ten files for the few hundred findings
        // that name a place in the edited file (BENCHMARKS.md, "5 Dec
        // (tenth session)"); the file's slots are read in order instead.
        let mut moved: Vec<&(Arc<Finding>, Arc<Finding>)> = changed
            .moved_findings
            .iter()
            .filter(|(before, _)| {
                let file = before.loc.file;
                changed.moved.contains(&file) && !changed.found.contains(&file)
            })
            .collect();
        moved.sort_by_key(|(before, _)| before.loc.file);
        for group in moved.chunk_by(|(a, _), (b, _)| a.loc.file == b.loc.file) {
            let file = group[0].0.loc.file;
            replace_moved(&mut list[runs.get(file)], group, omitted.cut(file));
        }
        for &file in changed.found.iter().rev() {
            let (fresh, cut) = match &self.sorted {
                // The edited file: its entries, patched by the update.
                Some(sorted) if sorted.file == file => self.capped_entries(sorted, cap),
                // Another: gathered.
                _ => {
                    let entries = self.gather_sorted(model, file);
                    self.capped_entries(&Sorted { file, entries }, cap)
                }
            };
            omitted.set(file, cut);
            let len = fresh.len();
            list.splice(runs.get(file), fresh);
            runs.resize(file, len);
        }
        debug_assert_eq!(*runs, Runs::of(&list));
        #[cfg(debug_assertions)]
        omitted.check(&list, runs);
        list
    }
}

impl Parts {
    /// Asks for what reading the findings of the entities a walk comes to
    /// after its `j`-th will need, a level of their boxes at a time: the
    /// box of the eighth after it, the list of the fourth, the findings of
    /// the second (`at(j)`: the `j`-th entity's slot, and the index of the
    /// one finding the walk reads, or `None` for the first few). Each
    /// level is read only once the one before has had time to arrive, so
    /// the walk waits for none of them (BENCHMARKS.md, "7 Dec
    /// (thirty-fifth session)").
    #[inline]
    fn ask_ahead(&self, j: usize, at: impl Fn(usize) -> Option<((usize, usize), Option<usize>)>) {
        let found = |j: usize| {
            let ((k, i), f) = at(j)?;
            Some((self.entity[k][i].0.as_deref()?, f))
        };
        if let Some((found, _)) = found(j + 8) {
            crate::ask_for(std::slice::from_ref(found));
        }
        if let Some((found, _)) = found(j + 4) {
            crate::ask_for(&found.list);
        }
        if let Some((found, f)) = found(j + 2) {
            let list = match f {
                Some(f) => found.list.get(f..=f).unwrap_or_default(),
                None => &found.list[..found.list.len().min(4)],
            };
            for f in list {
                crate::ask_for(std::slice::from_ref(&**f));
            }
        }
    }

    /// The finding an entry of `file`'s names.
    fn finding_at(&self, file: FileId, o: Owner) -> &Arc<Finding> {
        let (index, j) = (o.index as usize, o.j as usize);
        match o.kind {
            k @ 0..=2 => &self.entity[k as usize][index].list()[j],
            3 => &self.blocks[&file][index][j],
            4 => &self.files[&file][j],
            5 => &self.global[j],
            _ => &self.graph[j],
        }
    }

    /// The order of two entries of `file`: as [`rules::finding_order`]
    /// orders their findings (which reads a message only when place and
    /// rule are the same), then as [`Parts::all`] walks their parts.
    fn compare(&self, file: FileId, a: &Entry, b: &Entry) -> std::cmp::Ordering {
        (a.start, a.end, a.rule)
            .cmp(&(b.start, b.end, b.rule))
            .then_with(|| {
                if a.owner == b.owner {
                    return std::cmp::Ordering::Equal;
                }
                let message = |e: &Entry| &self.finding_at(file, e.owner).message;
                message(a).cmp(message(b))
            })
            .then_with(|| a.owner.cmp(&b.owner))
    }

    /// Adds the findings in `file` of one part's `list` to `out`.
    fn entries_of(
        file: FileId,
        kind: u8,
        index: usize,
        list: &[Arc<Finding>],
        out: &mut Vec<Entry>,
    ) {
        for (j, f) in list.iter().enumerate() {
            if f.loc.file == file {
                out.push(Entry::new(f, kind, index, j));
            }
        }
    }

    /// The entries of every finding in `file`, sorted: those of the
    /// entities that may name a place in it, of its blocks, and the
    /// global and graph ones there.
    fn gather_sorted(&self, model: &Model, file: FileId) -> Vec<Entry> {
        let mut out = Vec::new();
        for e in self.entities_naming(model, file) {
            let (k, i) = e.slot();
            Self::entries_of(file, k as u8, i, self.entity[k][i].list(), &mut out);
        }
        for (b, list) in self.blocks.get(&file).into_iter().flatten().enumerate() {
            Self::entries_of(file, 3, b, list, &mut out);
        }
        self.file_and_global_entries(file, &mut out);
        self.graph_entries(file, &mut out);
        out.sort_unstable_by(|a, b| self.compare(file, a, b));
        out
    }

    /// Brings [`Parts::sorted`] to the edited `file` after [`update`]
    /// recomputed the findings of the entities in `marks`, of the blocks
    /// `reparsed` names, the global findings and (when `graph_found`) the
    /// graph's, and shifted every other: the entries of the recomputed
    /// parts go, the others move as their findings did (those of blocks
    /// before the re-parsed ones stay, as the blocks' findings do), and
    /// the new findings are merged in. When entities came or went,
    /// `spliced` says where each entity's index went: the entries of
    /// those spliced out go, the others follow their entities. Gathered
    /// afresh when the entries are of another file (gathered afresh at
    /// each entity added or removed, the entries of every entity naming
    /// the file and of the workspace's global and graph findings were
    /// read and sorted anew: BENCHMARKS.md, "7 Dec (twenty-ninth
    /// session)").
    #[allow(clippy::too_many_arguments)]
    fn patch_sorted(
        &mut self,
        model: &Model,
        file: FileId,
        marks: &Marks,
        reparsed: &Reparsed,
        shift: &Shift,
        graph_found: bool,
        spliced: Option<&crate::model::Slots>,
    ) {
        let mut entries = match self.sorted.take() {
            Some(sorted) if sorted.file == file => sorted.entries,
            _ => {
                let entries = self.gather_sorted(model, file);
                self.sorted = Some(Sorted { file, entries });
                return;
            }
        };
        let (from, old, new) = (reparsed.blocks, reparsed.old_blocks, reparsed.new_blocks);
        entries.retain_mut(|e| {
            let o = &mut e.owner;
            let kept = match o.kind {
                0..=2 => o.entity_kept(marks, spliced),
                3 if (o.index as usize) < from => return true,
                3 if (o.index as usize) < from + old => false,
                3 => {
                    o.index = (o.index as usize - old + new) as u32;
                    true
                }
                4 | 5 => false,
                _ => !graph_found,
            };
            if kept {
                let r = shift.range(crate::text::TextRange::new(e.start, e.end));
                (e.start, e.end) = (r.start(), r.end());
            }
            kept
        });
        let mut fresh = Vec::new();
        for &e in &marks.list {
            let (k, i) = e.slot();
            Self::entries_of(file, k as u8, i, self.entity[k][i].list(), &mut fresh);
        }
        if let Some(blocks) = self.blocks.get(&file) {
            for (b, list) in blocks.iter().enumerate().skip(from).take(new) {
                Self::entries_of(file, 3, b, list, &mut fresh);
            }
        }
        self.file_and_global_entries(file, &mut fresh);
        if graph_found {
            self.graph_entries(file, &mut fresh);
        }
        fresh.sort_unstable_by(|a, b| self.compare(file, a, b));
        self.merge_in(file, &mut entries, &fresh);
        #[cfg(debug_assertions)]
        for e in &entries {
            let f = self.finding_at(file, e.owner);
            debug_assert_eq!(
                (f.loc.file, f.loc.range.start(), f.loc.range.end(), f.rule),
                (file, e.start, e.end, e.rule)
            );
        }
        self.sorted = Some(Sorted { file, entries });
    }

    /// Merges `fresh` (sorted) into `entries` (sorted) in place, each
    /// fresh entry after the entries it does not sort before: from the
    /// end, each run of old entries moved once, by as many places as
    /// fresh entries go before it. A keystroke brings a few fresh entries
    /// to a file of thousands; merging into a new list read and wrote
    /// every entry one by one (a quarter of `update`'s own time at the
    /// end of the 100k plan: BENCHMARKS.md, "7 Dec (thirty-first
    /// session)").
    fn merge_in(&self, file: FileId, entries: &mut Vec<Entry>, fresh: &[Entry]) {
        let mut old = entries.len();
        entries.extend_from_slice(fresh);
        let mut end = entries.len();
        for f in fresh.iter().rev() {
            let at = entries[..old].partition_point(|e| !self.compare(file, f, e).is_lt());
            let run = old - at;
            entries.copy_within(at..old, end - run);
            end -= run + 1;
            entries[end] = *f;
            old = at;
        }
    }

    /// The findings of a [`Sorted`] file as [`capped`] gives them: without
    /// repeats, at most `cap` (the most severe, then the first), and how
    /// many the cap left out. Reads only the findings it keeps (and, to
    /// drop repeats, those at the same place by the same rule).
    fn capped_entries(
        &self,
        sorted: &Sorted,
        cap: Option<usize>,
    ) -> (Vec<Arc<Finding>>, Option<(usize, Cut)>) {
        let file = sorted.file;
        let mut distinct: Vec<&Entry> = Vec::with_capacity(sorted.entries.len());
        for e in &sorted.entries {
            let repeat = distinct.last().is_some_and(|last| {
                (last.start, last.end, last.rule) == (e.start, e.end, e.rule)
                    && **self.finding_at(file, last.owner) == **self.finding_at(file, e.owner)
            });
            if !repeat {
                distinct.push(e);
            }
        }
        let take = |kept: &[&Entry]| {
            let at = |j: usize| {
                let o = kept.get(j)?.owner;
                (o.kind <= 2).then_some(((o.kind as usize, o.index as usize), Some(o.j as usize)))
            };
            let mut out = Vec::with_capacity(kept.len());
            for (j, e) in kept.iter().enumerate() {
                self.ask_ahead(j, at);
                out.push(self.finding_at(file, e.owner).clone());
            }
            out
        };
        let max = match cap {
            Some(max) if distinct.len() > max => max,
            _ => return (take(&distinct), None),
        };
        // The first `max` by severity, then by place: every finding more
        // severe than the `max`-th's, and the first of its severity.
        let distinct_len = distinct.len();
        let mut count = [0usize; 4];
        for e in &distinct {
            count[e.severity as usize] += 1;
        }
        let (mut cut, mut room) = (0, max);
        while count[cut] < room {
            room -= count[cut];
            cut += 1;
        }
        let kept: Vec<&Entry> = distinct
            .into_iter()
            .filter(|e| {
                let s = e.severity as usize;
                s < cut
                    || (s == cut && room > 0 && {
                        room -= 1;
                        true
                    })
            })
            .collect();
        // The last the cap kept, by rank: the last (in place) of the
        // least severe kept.
        let last = kept
            .iter()
            .max_by_key(|e| e.severity)
            .expect("a cap keeps at least one finding");
        let cut = Cut::of(self.finding_at(file, last.owner));
        (take(&kept), Some((distinct_len - max, cut)))
    }
}

/// Replaces in `here`, one file's findings in the assembled list, each
/// moved finding of `group` (as it was, as it is now) by its new self.
///
/// A moved finding the list does not hold by its address is looked for by
/// value, unless the cap (`cut`) left it out for certain. In ten files
/// most such findings were ones the cap left out, each a bisection of
/// findings the caches no longer held for nothing: BENCHMARKS.md, "8 Dec
/// (thirty-sixth session)".
fn replace_moved(
    here: &mut [Arc<Finding>],
    group: &[&(Arc<Finding>, Arc<Finding>)],
    cut: Option<&Cut>,
) {
    let mut by_address: rustc_hash::FxHashMap<*const Finding, usize> = group
        .iter()
        .enumerate()
        .map(|(j, (before, _))| (Arc::as_ptr(before), j))
        .collect();
    let maybe = Addresses::of(by_address.keys().copied());
    for slot in here.iter_mut() {
        if by_address.is_empty() {
            break;
        }
        let p = Arc::as_ptr(slot);
        if !maybe.may_hold(p) {
            continue;
        }
        if let Some(j) = by_address.remove(&p) {
            *slot = group[j].1.clone();
        }
    }
    // One the list does not hold by its address (an equal finding
    // of another part's stands for it, or the cap left it out): by
    // bisection, by value (a file's findings are sorted by
    // `finding_order`, which reads only a finding's own place, rule
    // and message: none of these moves).
    for (_, j) in by_address {
        let (before, after) = group[j];
        if cut.is_some_and(|c| c.leaves_out(before)) {
            continue;
        }
        let from = here.partition_point(|f| rules::finding_order(f, before).is_lt());
        let same = here[from..]
            .iter()
            .take_while(|f| rules::finding_order(f, before).is_eq())
            .position(|f| **f == **before);
        if let Some(i) = same {
            here[from + i] = after.clone();
        }
    }
}

/// A bit per bucket of addresses: a scan of a file's findings in the
/// assembled list passes over the slots that hold none of the findings it
/// looks for without a lookup in their map (which cost more than the rest
/// of the scan: BENCHMARKS.md, "5 Dec (eleventh session)").
struct Addresses([u64; 16]);

impl Addresses {
    fn bucket(p: *const Finding) -> usize {
        (p as usize).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54
    }

    fn of(ps: impl Iterator<Item = *const Finding>) -> Addresses {
        let mut maybe = [0u64; 16];
        for p in ps {
            let b = Self::bucket(p);
            maybe[b >> 6] |= 1 << (b & 63);
        }
        Addresses(maybe)
    }

    fn may_hold(&self, p: *const Finding) -> bool {
        let b = Self::bucket(p);
        self.0[b >> 6] & (1 << (b & 63)) != 0
    }
}

/// The assembled list, lent to a keystroke's update while the findings of
/// other files that the edit moves are shifted. Such a finding (a related
/// place, or a fix's edit, in the edited file after the edit) is held by
/// its part and by the list: shifted while both held it, it was copied
/// (its places, related places and fixes allocated anew, the old freed),
/// and the list then scanned for the old to put the copy in its place.
/// Now its slot in the list is found first and let go ([`Lent::release`]):
/// the part holds the finding alone, shifts it where it is, and gives the
/// slot the same finding back ([`shift_noting`]). BENCHMARKS.md, "6 Dec
/// (eighteenth session)".
pub(crate) struct Lent<'a> {
    list: &'a mut [Arc<Finding>],
    runs: &'a Runs,
    /// What the cap left out of each file's run.
    omitted: &'a Omitted,
    /// The slot each finding let go of the list had, by its address.
    slots: rustc_hash::FxHashMap<*const Finding, (usize, FileId)>,
}

impl<'a> Lent<'a> {
    pub(crate) fn new(
        list: &'a mut [Arc<Finding>],
        runs: &'a Runs,
        omitted: &'a Omitted,
    ) -> Lent<'a> {
        Lent {
            list,
            runs,
            omitted,
            slots: Default::default(),
        }
    }

    /// Whether the cap left `f` out of the list for certain (nor does the
    /// list hold an equal finding for it).
    fn left_out(&self, f: &Finding) -> bool {
        let cut = self.omitted.cut(f.loc.file);
        cut.is_some_and(|c| c.leaves_out(f))
    }

    /// Lets go of the list's hold on each finding of `noted` (its file and
    /// its address) that the list holds, file by file in one scan of the
    /// file's run: its slot holds a stand-in until the finding comes back.
    fn release(&mut self, mut noted: Vec<(FileId, *const Finding)>) {
        // Grouped by file; the order within a file's group is no matter.
        noted.sort_unstable_by_key(|&(file, _)| file);
        self.slots.reserve(noted.len());
        for group in noted.chunk_by(|a, b| a.0 == b.0) {
            let r = self.runs.get(group[0].0);
            let mut wanted: rustc_hash::FxHashSet<*const Finding> =
                group.iter().map(|&(_, p)| p).collect();
            let maybe = Addresses::of(wanted.iter().copied());
            for (i, slot) in self.list[r.clone()].iter_mut().enumerate() {
                if wanted.is_empty() {
                    break;
                }
                let p = Arc::as_ptr(slot);
                if maybe.may_hold(p) && wanted.remove(&p) {
                    self.slots.insert(p, (r.start + i, group[0].0));
                    *slot = stand_in();
                }
            }
        }
    }
}

/// What a slot of the assembled list holds while its finding is let go.
fn stand_in() -> Arc<Finding> {
    static STAND_IN: std::sync::OnceLock<Arc<Finding>> = std::sync::OnceLock::new();
    STAND_IN
        .get_or_init(|| {
            Arc::new(Finding {
                rule: "",
                severity: rules::Severity::Hint,
                loc: crate::text::Loc::new(FileId(u32::MAX), crate::text::TextRange::empty(0)),
                message: Arc::from(""),
                related: Vec::new(),
                fixes: Vec::new(),
            })
        })
        .clone()
}

/// Where each file's findings lie in the assembled list (sorted by file),
/// kept beside it: a file's run is found in this short list, not by
/// bisecting the findings, each step of which read a finding the caches
/// no longer held (a dozen bisections a keystroke in ten files:
/// BENCHMARKS.md, "5 Dec (fifteenth session)").
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Runs(Vec<(FileId, Range<usize>)>);

impl Runs {
    /// The runs of `list`, sorted by file, in one walk.
    pub(crate) fn of(list: &[Arc<Finding>]) -> Runs {
        let mut runs: Vec<(FileId, Range<usize>)> = Vec::new();
        for (i, f) in list.iter().enumerate() {
            match runs.last_mut() {
                Some((file, r)) if *file == f.loc.file => r.end = i + 1,
                _ => runs.push((f.loc.file, i..i + 1)),
            }
        }
        Runs(runs)
    }

    /// Where `file`'s findings are: an empty range where they would go
    /// when it has none.
    pub(crate) fn get(&self, file: FileId) -> Range<usize> {
        let p = self.0.partition_point(|(f, _)| *f < file);
        match self.0.get(p) {
            Some((f, r)) if *f == file => r.clone(),
            _ => {
                let at = p.checked_sub(1).map_or(0, |q| self.0[q].1.end);
                at..at
            }
        }
    }

    /// `file`'s findings are now `len` (where its run was, or would go):
    /// the runs after it move by the difference.
    pub(crate) fn resize(&mut self, file: FileId, len: usize) {
        let p = self.0.partition_point(|(f, _)| *f < file);
        let present = self.0.get(p).is_some_and(|(f, _)| *f == file);
        let r = self.get(file);
        let delta = len as isize - r.len() as isize;
        if present && len == 0 {
            self.0.remove(p);
        } else if present {
            self.0[p].1.end = r.start + len;
        } else if len > 0 {
            self.0.insert(p, (file, r.start..r.start + len));
        }
        let from = p + usize::from(len > 0);
        for (_, r) in &mut self.0[from..] {
            *r = r.start.strict_add_signed(delta)..r.end.strict_add_signed(delta);
        }
    }
}

/// The findings sorted by file and place, deduplicated, at most `cap` per
/// file, and per file how many the cap left out.
fn capped(all: Vec<&Arc<Finding>>, cap: Option<usize>) -> (Vec<Arc<Finding>>, Omitted) {
    // Sorted by `finding_order`, its place compared from a copy beside each
    // finding (comparing through the pointers missed the cache at every
    // step: a keystroke in a file of 2,000 findings sorts them all).
    let mut keyed: Vec<(_, &Arc<Finding>)> = all
        .into_iter()
        .map(|f| ((f.loc.file, f.loc.range.start(), f.loc.range.end()), f))
        .collect();
    keyed.sort_by(|(ka, a), (kb, b)| ka.cmp(kb).then_with(|| rules::finding_order(a, b)));
    let mut all: Vec<&Arc<Finding>> = keyed.into_iter().map(|(_, f)| f).collect();
    all.dedup();
    let mut omitted = Omitted::default();
    let Some(max) = cap else {
        return (all.into_iter().cloned().collect(), omitted);
    };
    let mut kept = Vec::with_capacity(all.len());
    for group in all.chunk_by(|a, b| a.loc.file == b.loc.file) {
        if group.len() <= max {
            kept.extend(group.iter().map(|f| (*f).clone()));
            continue;
        }
        // Rank by severity (stable: position order within one), keep
        // the first `max`, in position order.
        let mut ranked: Vec<usize> = (0..group.len()).collect();
        ranked.sort_by_key(|&i| group[i].severity);
        ranked.truncate(max);
        let cut = Cut::of(group[ranked[max - 1]]);
        ranked.sort_unstable();
        kept.extend(ranked.into_iter().map(|i| group[i].clone()));
        omitted.set(group[0].loc.file, Some((group.len() - max, cut)));
    }
    (kept, omitted)
}

/// What the cap left out of each file: how many findings (what a client
/// is told: [`Omitted::get`]), and the rank of the last finding it kept,
/// for an update to tell which of a file's findings the list holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Omitted(BTreeMap<FileId, (usize, Cut)>);

impl Omitted {
    /// How many findings of `file` the cap left out, if any.
    pub fn get(&self, file: &FileId) -> Option<&usize> {
        self.0.get(file).map(|(n, _)| n)
    }

    /// Whether the cap left out any finding of `file`.
    pub fn contains_key(&self, file: &FileId) -> bool {
        self.0.contains_key(file)
    }

    /// Whether the cap left out no finding at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Notes what the cap left out of `file` (`None`: nothing).
    fn set(&mut self, file: FileId, left: Option<(usize, Cut)>) {
        match left {
            Some(left) => self.0.insert(file, left),
            None => self.0.remove(&file),
        };
    }

    /// The cut of `file`, if the cap left any of its findings out.
    fn cut(&self, file: FileId) -> Option<&Cut> {
        self.0.get(&file).map(|(_, cut)| cut)
    }

    /// Holds each cut equal to the last of its file's findings in `list`
    /// by rank.
    #[cfg(debug_assertions)]
    fn check(&self, list: &[Arc<Finding>], runs: &Runs) {
        for (&file, (_, cut)) in &self.0 {
            let last = list[runs.get(file)]
                .iter()
                .map(|f| rank(f))
                .max()
                .expect("a capped file keeps findings");
            debug_assert_eq!(cut.rank(), last, "the cut is kept");
        }
    }
}

/// The rank of the last finding the cap kept of a file: a finding ranked
/// after it was left out (one ranked the same may have been kept or not).
/// None of it moves when another file is edited.
#[derive(Clone, Debug)]
struct Cut {
    severity: rules::Severity,
    start: usize,
    end: usize,
    rule: &'static str,
    message: Arc<str>,
}

impl PartialEq for Cut {
    fn eq(&self, other: &Cut) -> bool {
        self.rank() == other.rank()
    }
}

impl Cut {
    fn of(f: &Finding) -> Cut {
        Cut {
            severity: f.severity,
            start: f.loc.range.start(),
            end: f.loc.range.end(),
            rule: f.rule,
            message: f.message.clone(),
        }
    }

    fn rank(&self) -> Rank<'_> {
        (
            self.severity,
            self.start,
            self.end,
            self.rule,
            &self.message,
        )
    }

    /// Whether the cap left `f` (of the cut's file) out for certain.
    fn leaves_out(&self, f: &Finding) -> bool {
        rank(f) > self.rank()
    }
}

/// How the cap orders a file's findings: severity, then
/// [`rules::finding_order`] within the file.
type Rank<'a> = (rules::Severity, usize, usize, &'a str, &'a str);

fn rank(f: &Finding) -> Rank<'_> {
    (
        f.severity,
        f.loc.range.start(),
        f.loc.range.end(),
        f.rule,
        &f.message,
    )
}

/// The indices (within one kind's list, sorted in the workspace's order of
/// files, then by place) of the entities of `file` whose block starts in
/// `from..to`.
fn span<'a>(
    m: &Model,
    decls: impl Fn(usize) -> &'a Decl,
    len: usize,
    file: FileId,
    from: usize,
    to: usize,
) -> Range<usize> {
    let key = |i: usize| {
        let d = decls(i);
        (m.rank(d.name.file), d.block.range.start())
    };
    let rank = m.rank(file);
    let lo = partition(len, |i| key(i) < (rank, from));
    let hi = partition(len, |i| key(i) < (rank, to));
    lo..hi
}

pub(crate) fn partition(len: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Entities marked, one flag per entity of each kind, and the list of them.
struct Marks {
    flags: [Vec<bool>; 3],
    list: Vec<EntityId>,
    /// The edit left the workspace's [`Facts`] as they were, but perhaps
    /// the free leader: no id was renamed, and each re-parsed initiative
    /// names the same teams ([`same_shape`]).
    facts_kept: bool,
    /// Else, when known, the only names whose part in [`Facts::meant`]
    /// may have changed (sorted, distinct): those of the `teams:` entries
    /// the edit wrote or took away, the ids it declared or undeclared, and
    /// the words whose did-you-mean suggestion it changed.
    facts_names: Option<Vec<CompactString>>,
}

impl Marks {
    /// No entity marked, over `spare` (flags all clear, from
    /// [`Marks::recycle`], or none), grown to the model's entities.
    fn new(m: &Model, spare: [Vec<bool>; 3]) -> Marks {
        let mut flags = spare;
        for (k, v) in flags.iter_mut().enumerate() {
            let len = m.count(k);
            if v.len() < len {
                v.resize(len, false);
            }
        }
        Marks {
            flags,
            list: Vec::new(),
            facts_kept: false,
            facts_names: None,
        }
    }

    /// The flags, cleared (only those set are written), for the next
    /// update's marks.
    fn recycle(mut self) -> [Vec<bool>; 3] {
        for e in &self.list {
            let (k, i) = e.slot();
            self.flags[k][i] = false;
        }
        debug_assert!(self.flags.iter().flatten().all(|f| !f));
        self.flags
    }
    fn get(&self, k: usize, i: usize) -> bool {
        self.flags[k][i]
    }
    fn set_facts_names(&mut self, names: Option<Vec<CompactString>>) {
        self.facts_names = names.map(|mut v| {
            v.sort_unstable();
            v.dedup();
            v
        });
    }
    fn set(&mut self, e: EntityId) {
        let (k, i) = e.slot();
        if !self.flags[k][i] {
            self.flags[k][i] = true;
            self.list.push(e);
        }
    }
}

/// One step out from the marked entities: every entity a marked one
/// references, and every entity that references a marked one.
fn widen(m: &Model, marks: &mut Marks) {
    let now = marks.list.len();
    for j in 0..now {
        let e = marks.list[j];
        m.targets_of(e, |t| marks.set(t));
        for r in m.referrers(e) {
            marks.set(r);
        }
    }
}

/// The re-parsed blocks declare as many entities of each kind as before:
/// each new one takes the old one's slot (perhaps under another id). Gives
/// the entities marked so far and whether the dependency graph is the same.
fn same_shape(
    model: &mut Model,
    fresh: Model,
    spans: &[Range<usize>; 3],
    shift: &Shift,
    memo: Option<&crate::suggest::Memo>,
    ids: &mut u64,
    spare: [Vec<bool>; 3],
) -> (Marks, GraphChange) {
    fn decls_of(m: &Model, k: usize, r: Range<usize>) -> Vec<&Decl> {
        r.map(|i| m.decl(EntityId::at_slot(k, i))).collect()
    }
    let fresh_lens = [
        fresh.leaders.len(),
        fresh.initiatives.len(),
        fresh.teams.len(),
    ];
    // The same declarations, in the same order, perhaps some renamed or
    // declared by other text.
    let mut renamed: Vec<(EntityId, CompactString, CompactString)> = Vec::new();
    for k in 0..3 {
        let old = decls_of(model, k, spans[k].clone());
        let new = decls_of(&fresh, k, 0..fresh_lens[k]);
        for (j, (a, b)) in old.iter().zip(&new).enumerate() {
            let e = EntityId::at_slot(k, spans[k].start + j);
            // Declared by other text than the edit moved the old
            // declaration to (a comment's end moved, and a line that was
            // in it declares the id now): to what points at a declaration
            // of the id, as where the wrong kind is named, it is renamed
            // to itself (found by `incremental_edits_equal_a_fresh_parse`).
            let mut moved_to = a.name;
            shift.loc(&mut moved_to);
            if a.id != b.id || moved_to != b.name {
                renamed.push((e, a.id.clone(), b.id.clone()));
            }
        }
    }
    let mut names: Vec<CompactString> = renamed
        .iter()
        .flat_map(|(_, a, b)| [a.clone(), b.clone()])
        .collect();
    names.sort();
    names.dedup();

    // Swap them in, re-resolved and re-linked; shift the rest of the file.
    let changed: Vec<EntityId> = (0..3)
        .flat_map(|k| spans[k].clone().map(move |i| EntityId::at_slot(k, i)))
        .collect();
    // As the edit would leave them if it only moved them: a dependency
    // that is another `depends_on` than before (the text around it
    // re-read), at another place, changes where the graph rules point.
    let old_graph: Vec<GraphOf> = changed
        .iter()
        .map(|&e| {
            let mut g = graph_of(model, e);
            g.iter_mut()
                .flat_map(|(_, _, ls)| ls)
                .for_each(|l| shift.loc(l));
            g
        })
        .collect();
    let mut marks = Marks::new(model, spare);
    for &e in &changed {
        marks.set(e);
        model.targets_of(e, |t| marks.set(t));
        model.link(e, false);
    }
    let ids_before = fingerprint_of(model, &names);
    for (e, old, _) in &renamed {
        model.declare(*e, old, false);
    }
    for (j, l) in fresh.leaders.into_iter().enumerate() {
        model.leaders[spans[0].start + j] = l;
    }
    let mut teams_kept = true;
    let mut facts_names = Vec::new();
    for (j, i) in fresh.initiatives.into_iter().enumerate() {
        let slot = &mut model.initiatives[spans[1].start + j];
        let same = slot.teams.len() == i.teams.len()
            && (slot.teams.iter().zip(&i.teams))
                .all(|(a, b)| a.name == b.name && a.expected == b.expected);
        if !same {
            facts_names.extend(slot.teams.iter().chain(&i.teams).map(|r| r.name.clone()));
        }
        teams_kept &= same;
        *slot = i;
    }
    for (j, t) in fresh.teams.into_iter().enumerate() {
        model.teams[spans[2].start + j] = t;
    }
    model.shift_from([spans[0].end, spans[1].end, spans[2].end], shift);
    for (e, _, new) in &renamed {
        model.declare(*e, new, true);
    }
    for &e in &changed {
        model.resolve_refs(e);
        model.link(e, true);
    }
    let graph = if renamed.is_empty()
        && changed
            .iter()
            .zip(&old_graph)
            .all(|(&e, old)| graph_of(model, e) == *old)
    {
        GraphChange::Same
    } else {
        GraphChange::Rows
    };
    let mut facts_names = Some(facts_names);
    if !renamed.is_empty() {
        let (suggested, patched) = suggestions_after(model, memo, &names, ids_before, ids);
        let named = changed.iter().flat_map(|&e| model.referrers(e)).collect();
        rename(model, &changed, named, &names, &suggested, &mut marks);
        facts_names = facts_names
            .filter(|_| patched)
            .map(|v| [v, names, suggested].concat());
    }

    marks.facts_kept = renamed.is_empty() && teams_kept;
    marks.set_facts_names(facts_names);
    (marks, graph)
}

/// The sum of [`Model::id_fingerprint`] over `names`.
fn fingerprint_of(m: &Model, names: &[CompactString]) -> u64 {
    names
        .iter()
        .fold(0u64, |acc, n| acc.wrapping_add(m.id_fingerprint(n)))
}

/// Patches the suggestion memo after the ids `names` changed (their part of
/// the fingerprint was `before`; `ids`, the whole model's, is brought up to
/// date), and gives the words whose suggestion changed, and `true`. Without
/// a memo, or with one chosen from other ids than the model's before the
/// edit (a snapshot's analysis can refill the memo both share), every word
/// of a dangling reference, and `false`: the memo then forgets what it
/// held.
fn suggestions_after(
    model: &Model,
    memo: Option<&crate::suggest::Memo>,
    names: &[CompactString],
    before: u64,
    ids: &mut u64,
) -> (Vec<CompactString>, bool) {
    let from = *ids;
    *ids = from
        .wrapping_sub(before)
        .wrapping_add(fingerprint_of(model, names));
    match memo.and_then(|memo| patch_suggestions(model, memo, from, *ids, names)) {
        Some(changed) => (changed, true),
        // Every suggestion is computed afresh: any may change.
        None => {
            let mut all = Vec::new();
            for e in model.entities() {
                model.for_each_ref(e, |r| {
                    if r.target.is_none() {
                        all.push(r.name.clone())
                    }
                });
            }
            all.sort();
            all.dedup();
            (all, false)
        }
    }
}

/// The re-parsed blocks declare more or fewer entities than before: the old
/// ones leave, the new ones are spliced in at their place, and every index
/// stored in the model moves accordingly. References to an id declared or
/// undeclared here resolve anew. Gives the entities marked so far.
fn resize(
    model: &mut Model,
    parts: &mut Parts,
    fresh: Model,
    spans: &[Range<usize>; 3],
    shift: &Shift,
    memo: Option<&crate::suggest::Memo>,
) -> (Marks, crate::model::Slots) {
    let new_lens = [
        fresh.leaders.len(),
        fresh.initiatives.len(),
        fresh.teams.len(),
    ];
    let removed: Vec<EntityId> = (0..3)
        .flat_map(|k| spans[k].clone().map(move |i| EntityId::at_slot(k, i)))
        .collect();
    let mut names: Vec<CompactString> = removed
        .iter()
        .map(|&e| model.decl(e).id.clone())
        .chain(fresh.entities().map(|e| fresh.decl(e).id.clone()))
        .collect();
    names.sort();
    names.dedup();
    let ids_before = fingerprint_of(model, &names);
    // The names of the `teams:` entries spliced out and in.
    let teams_names: Vec<CompactString> = (spans[1].clone().map(|i| &model.initiatives[i]))
        .chain(fresh.initiatives.iter())
        .flat_map(|i| i.teams.iter().map(|r| r.name.clone()))
        .collect();
    let mut old_targets = Vec::new();
    let old_referrers: Vec<EntityId> = removed.iter().flat_map(|&e| model.referrers(e)).collect();
    for &e in &removed {
        model.targets_of(e, |t| old_targets.push(t));
        model.link(e, false);
        let id = model.decl(e).id.clone();
        model.declare(e, &id, false);
    }
    let slots = crate::model::Slots {
        kinds: std::array::from_fn(|k| (spans[k].start, spans[k].len(), new_lens[k])),
    };
    let moved = |e: EntityId| slots.get(e);
    model.splice(spans, fresh);
    for k in 0..3 {
        let span = spans[k].clone();
        let fresh = crate::model::defaults(new_lens[k]);
        crate::model::splice(&mut parts.entity[k], span.clone(), fresh);
        let unknown = std::iter::repeat_n(u32::MAX, new_lens[k]);
        crate::model::splice(&mut parts.home_end[k], span, unknown);
    }
    for naming in parts.elsewhere.values_mut() {
        naming.remap(moved);
    }
    let after = |k: usize| spans[k].start + new_lens[k];
    model.shift_from([after(0), after(1), after(2)], shift);
    let added: Vec<EntityId> = (0..3)
        .flat_map(|k| (spans[k].start..after(k)).map(move |i| EntityId::at_slot(k, i)))
        .collect();
    for &e in &added {
        let id = model.decl(e).id.clone();
        model.declare(e, &id, true);
    }
    for &e in &added {
        model.resolve_refs(e);
        model.link(e, true);
    }
    let mut marks = Marks::new(model, std::mem::take(&mut parts.spare_flags));
    for &e in &added {
        marks.set(e);
        model.targets_of(e, |t| marks.set(t));
    }
    for t in old_targets.into_iter().filter_map(moved) {
        marks.set(t);
    }
    let (suggested, patched) = suggestions_after(model, memo, &names, ids_before, &mut parts.ids);
    let named = old_referrers.into_iter().filter_map(moved).collect();
    rename(model, &added, named, &names, &suggested, &mut marks);
    marks.set_facts_names(patched.then(|| [teams_names, names, suggested].concat()));
    (marks, slots)
}

/// After declarations were renamed: the references that name an old or a
/// new id resolve anew (their entities, and what they named, are marked),
/// and so are the entities with a dangling reference whose did-you-mean
/// suggestion changed (`suggested`, sorted).
fn rename(
    model: &mut Model,
    changed: &[EntityId],
    mut named: Vec<EntityId>,
    names: &[CompactString],
    suggested: &[CompactString],
    marks: &mut Marks,
) {
    // Who may name them (besides `named`, those that named the changed
    // declarations): whatever resolves to an entity declared under one of
    // them, and the references that name nothing.
    for n in names {
        for d in model.declarations(n) {
            named.extend(model.referrers(d));
            // Which declaration of the id comes first may have changed.
            marks.set(d);
        }
        named.extend(model.dangling(n));
        // A later declaration's rename is to the first `ID-k` not declared.
        if let Some(base) = rules::duplicate_definition::renamed_from(n) {
            for d in model.declarations(base) {
                marks.set(d);
            }
        }
    }
    named.sort();
    named.dedup();
    for &e in &named {
        if changed.contains(&e) {
            continue;
        }
        let mut names_one = false;
        model.for_each_ref(e, |r| names_one |= names.binary_search(&r.name).is_ok());
        if !names_one {
            continue;
        }
        marks.set(e);
        model.targets_of(e, |t| marks.set(t));
        model.link(e, false);
        model.resolve_refs(e);
        model.link(e, true);
        model.targets_of(e, |t| marks.set(t));
    }
    for w in suggested {
        for e in model.dangling(w) {
            marks.set(e);
        }
    }
}

/// Corrects the remembered did-you-mean suggestions after the ids `names`
/// were declared or undeclared (the fingerprint of the ids going `from` →
/// `to`): the best among the candidates so far, or a new candidate if it
/// scores better; forgotten if the best is gone. Gives the words whose
/// suggestion changed (or was forgotten), sorted; `None` when the memo was
/// not chosen from the ids `from` (it then forgets everything).
///
/// Only a candidate among `names` can have stopped being declared as what
/// the word's reference accepts: every other id is declared as before, so
/// the memo's candidates are looked up in the model only when they are
/// among `names`. Looking each up made the patch cost a keystroke that
/// renames an id 5% of its time in ten files (BENCHMARKS.md, "5 Dec
/// (eleventh session)").
fn patch_suggestions(
    model: &Model,
    memo: &crate::suggest::Memo,
    from: u64,
    to: u64,
    names: &[CompactString],
) -> Option<Vec<CompactString>> {
    let mut changed = Vec::new();
    // Mostly two names (the old id and the new): compared in turn, each
    // by its length and its last byte first (the ids of a plan often share
    // a length and a stem: `payments-12`, `payments-13`; a call to compare
    // them whole, for each candidate of each word the memo holds, was a
    // fifth of the patch in ten files: BENCHMARKS.md, "7 Dec
    // (thirty-third session)").
    let renamed = |c: &str| {
        if names.len() <= 8 {
            let last = c.as_bytes().last();
            names
                .iter()
                .any(|n| n.len() == c.len() && n.as_bytes().last() == last && n.as_str() == c)
        } else {
            names.binary_search_by(|n| n.as_str().cmp(c)).is_ok()
        }
    };
    let accepts = |rk: crate::model::RefKind, id: &str| model.is_declared_as(id, rk);
    // The names that fit each kind of reference, found once for every
    // entry of the kind, and made ready to be offered to them.
    let mut fitting: Vec<Option<Vec<crate::suggest::Prepared>>> =
        crate::model::RefKind::ALL.iter().map(|_| None).collect();
    let patched = memo.patch(from, to, |word, kind, top| {
        // A word that no reference naming nothing writes (any more) is
        // forgotten, not patched: each word typed on the way to an id
        // stays in the memo, and was patched at every keystroke that
        // renamed an id, for as long as the memo held it.
        let Some(&rk) = crate::model::RefKind::ALL
            .get(kind as usize)
            .filter(|_| model.is_dangling(word))
        else {
            changed.push(CompactString::from(word));
            return false;
        };
        let accepts = |id: &str| accepts(rk, id);
        // The best changes when it goes, or when a new one comes first
        // (it cannot come back: it goes only when its id no longer fits).
        let keep = |c: &str| !renamed(c) || accepts(c);
        #[cfg(debug_assertions)]
        let before = top.best().map(str::to_string);
        let mut best_changed = top.best().is_some_and(|b| !keep(b));
        let known = top.retain(keep);
        if known {
            let fitting = fitting[kind as usize].get_or_insert_with(|| {
                names
                    .iter()
                    .filter(|n| accepts(n))
                    .map(|n| crate::suggest::Prepared::new(n))
                    .collect()
            });
            best_changed |= top.offer_prepared(word, fitting);
            #[cfg(debug_assertions)]
            debug_assert_eq!(best_changed, top.best() != before.as_deref());
        }
        if !known || best_changed {
            changed.push(CompactString::from(word));
        }
        known
    });
    changed.sort();
    changed.dedup();
    patched.then_some(changed)
}

/// What an incremental update needs besides the analysis: the workspace
/// after the edit, and the edit.
pub(crate) struct Input<'a> {
    pub config: &'a Config,
    pub docs: &'a [(FileId, &'a crate::syntax::Document, &'a crate::Text)],
    /// How far the edited file's blocks lag ([`Ctx::lag`]).
    pub lag: Option<(FileId, usize, isize)>,
    pub config_errors: Option<(FileId, &'a [crate::config::ConfigError])>,
    pub memo: Option<&'a crate::suggest::Memo>,
    pub file: FileId,
    pub shift: Shift,
    pub reparsed: Reparsed,
    /// The assembled list (without the edited file's findings), lent.
    pub lent: Lent<'a>,
}

/// The files an edit changed the findings of.
#[derive(Debug, Default)]
pub(crate) struct Changed {
    /// The files some of whose findings may differ other than by the
    /// shift (the edited file always): gathered and sorted again.
    pub found: BTreeSet<FileId>,
    /// Other files with a finding the shift moved (a related place, or a
    /// fix's edit, in the edited file after the edit) that the assembled
    /// list still holds as it was: one computed again that differs only
    /// by the shift ([`files_differing`]), one of the graph's, or one the
    /// list did not hold by its address ([`shift_noting`]).
    pub moved: BTreeSet<FileId>,
    /// Those findings, before and after the shift: the list finds the old
    /// by its address and takes the new in its place
    /// ([`Parts::reassemble`]) instead of walking every finding of their
    /// files.
    moved_findings: Vec<(Arc<Finding>, Arc<Finding>)>,
    /// Per other file, where the first place in the edited file that the
    /// shift moved, of its findings shifted by [`shift_noting`], starts.
    moved_from: Vec<(FileId, usize)>,
}

impl Changed {
    /// Every file whose findings may differ from before as a client shows
    /// them (by line and column): those in `found`, and those in `moved`
    /// with a moved finding that has a place in the edited file starting
    /// before `kept_from` (the offset, before the edit, from which places
    /// keep their line and column: the start of the line after the edit's
    /// when the edit leaves as many lines, else `usize::MAX`). The rest of
    /// `moved` moved by bytes alone: republishing them (a thousand
    /// diagnostics each) made a keystroke cost every file that refers to
    /// the edited one (BENCHMARKS.md, "3 Dec: a keystroke in ten files
    /// republishes only what a client sees change").
    pub fn files_shown(&self, shift: &Shift, kept_from: usize) -> BTreeSet<FileId> {
        let mut out = self.found.clone();
        for &(file, at) in &self.moved_from {
            if at < kept_from {
                out.insert(file);
            }
        }
        for (before, after) in &self.moved_findings {
            let file = before.loc.file;
            if out.contains(&file) {
                continue;
            }
            // A place the shift moved (not only one that reaches the edit:
            // one that ends where the edit starts stays where it is).
            let seen_moving = before
                .locs()
                .zip(after.locs())
                .any(|(b, a)| b != a && b.file == shift.file && b.range.start() < kept_from);
            if seen_moving {
                out.insert(file);
            }
        }
        out
    }

    /// Notes where the first place of `f` (a finding of another file) in
    /// the edited file that the shift moves starts, as [`Changed::files_shown`]
    /// reads it: a place that ends where the edit starts stays.
    fn note_moved_places(&mut self, f: &Finding, shift: &Shift) {
        let moved = f
            .locs()
            .filter(|l| l.file == shift.file && shift.range(l.range) != l.range);
        let Some(first) = moved.map(|l| l.range.start()).min() else {
            return;
        };
        // A few files at most: looked up in order.
        match self
            .moved_from
            .iter_mut()
            .find(|(file, _)| *file == f.loc.file)
        {
            Some((_, at)) => *at = (*at).min(first),
            None => self.moved_from.push((f.loc.file, first)),
        }
    }
}

/// Notes the files some of whose findings differ between `old` (computed
/// before the edit) and `new` (after it), each in a stable order. A file
/// other than the edited one whose findings differ only by the edit's
/// shift (a related place, or a fix's edit, after the edit in the edited
/// file) has them noted as moved, as [`shift_noting`] notes them: the
/// assembled list takes each in its old one's place. Any other finding
/// added, gone or changed puts its file in `changed.found`, to be gathered
/// and sorted again. Counting the moved ones as changed made a keystroke
/// in a ten-file workspace re-gather and re-sort two or three files'
/// findings instead of one (BENCHMARKS.md, "5 Dec (tenth session)").
fn files_differing(
    old: &[Arc<Finding>],
    new: &[Arc<Finding>],
    shift: &Shift,
    changed: &mut Changed,
) {
    if old == new {
        return;
    }
    fn by_file(list: &[Arc<Finding>]) -> BTreeMap<FileId, Vec<&Arc<Finding>>> {
        let mut m: BTreeMap<FileId, Vec<&Arc<Finding>>> = BTreeMap::new();
        for f in list {
            m.entry(f.loc.file).or_default().push(f);
        }
        m
    }
    let (a, b) = (by_file(old), by_file(new));
    let files: BTreeSet<FileId> = a.keys().chain(b.keys()).copied().collect();
    for file in files {
        let (before, after) = (a.get(&file), b.get(&file));
        if before == after {
            continue;
        }
        let moved = match (before, after) {
            (Some(x), Some(y)) if file != shift.file && x.len() == y.len() => {
                x.iter().zip(y).all(|(o, n)| {
                    let mut o = Finding::clone(o);
                    o.shift(shift);
                    o == ***n
                })
            }
            _ => false,
        };
        if !moved {
            changed.found.insert(file);
            continue;
        }
        changed.moved.insert(file);
        for (o, n) in before
            .into_iter()
            .flatten()
            .zip(after.into_iter().flatten())
        {
            if o != n {
                changed.moved_findings.push(((*o).clone(), (*n).clone()));
            }
        }
    }
}

/// Whether `f` is a finding of another file than the edited one with a
/// place in the edited file that reaches the edit or lies after it.
fn names_edited_file_after(f: &Finding, shift: &Shift) -> bool {
    f.loc.file != shift.file && f.any_loc(|l| l.file == shift.file && l.range.end() >= shift.start)
}

/// Shifts `found` by the edit, noting the findings it moves although they
/// are in another file (a related place, or a fix's edit, after the edit
/// in the edited file) and their files. One that `lent` let go of the
/// assembled list is shifted in place and given back to its slot; any
/// other is noted as it was and as it is now, for the assembled list to
/// find the old and take the new in its place ([`Parts::reassemble`]).
fn shift_noting(
    found: &mut [Arc<Finding>],
    shift: &Shift,
    changed: &mut Changed,
    mut lent: Option<&mut Lent>,
) {
    for f in found {
        // One the cap left out of its file's list moves only here: no
        // client sees it, and the list neither holds it nor an equal one.
        if !names_edited_file_after(f, shift) || lent.as_deref().is_some_and(|l| l.left_out(f)) {
            f.shift(shift);
            continue;
        }
        changed.note_moved_places(f, shift);
        let slot = lent
            .as_deref_mut()
            .and_then(|l| Some((l.slots.remove(&Arc::as_ptr(f))?, l)));
        match slot {
            Some(((i, _), l)) => {
                f.shift(shift);
                l.list[i] = f.clone();
            }
            None => {
                let before = f.clone();
                f.shift(shift);
                changed.moved.insert(f.loc.file);
                changed.moved_findings.push((before, f.clone()));
            }
        }
    }
}

/// Brings the model and the findings up to date after an edit of one file;
/// `changed` gets every file whose findings may differ from before (the
/// edited file always). `false` when the edit needs a full analysis.
pub(crate) fn update(
    model: &mut Model,
    parts: &mut Parts,
    input: Input,
    changed: &mut Changed,
) -> bool {
    let Input {
        config,
        docs,
        lag,
        config_errors,
        memo,
        file,
        shift,
        reparsed,
        mut lent,
    } = input;
    let Some(&(_, doc, text)) = docs.iter().find(|(f, _, _)| *f == file) else {
        return false;
    };
    let Some(new_blocks) = doc
        .blocks
        .get(reparsed.blocks..reparsed.blocks + reparsed.new_blocks)
    else {
        return false;
    };
    let old_blocks = reparsed.blocks + reparsed.old_blocks;
    if parts.blocks.get(&file).is_none_or(|b| b.len() < old_blocks) {
        return false;
    }
    // 1. The entities of the re-parsed blocks, put in the model.
    let fresh = Model::declared_by(file, new_blocks, &doc.errors);
    let (mut marks, graph) = put_in(model, parts, fresh, reparsed.old, &shift, memo, changed);

    // 2. What may read what changed, and what the edit made stale.
    (0..rules::ENTITY_REACH).for_each(|_| widen(model, &mut marks));
    mark_stale(
        parts,
        model,
        &mut marks,
        &shift,
        text.len(),
        changed,
        &mut lent,
    );
    let ctx = Ctx {
        model,
        config,
        docs,
        lag,
        config_errors,
        memo,
        facts: Default::default(),
    };
    keep_facts(&ctx, &marks, parts);
    let facts = ctx.shared_facts().clone();
    mark_facts(model, &parts.facts, &facts, &mut marks);
    mark_namesakes(model, &mut marks);
    parts.facts = facts;
    changed.found.insert(file);
    recheck_entities(&ctx, parts, &marks, &shift, changed);

    // 3. The block rules for the re-parsed blocks, the global rules; 4.
    // the edited file's findings, in order.
    let spliced = graph.slots();
    let graph_found = recheck_blocks(
        &ctx, parts, file, new_blocks, &reparsed, &shift, graph, &marks, changed,
    );
    parts.patch_sorted(
        model,
        file,
        &marks,
        &reparsed,
        &shift,
        graph_found,
        spliced.as_ref(),
    );
    parts.spare_flags = marks.recycle();
    true
}

/// The entity rules for the marked entities, noting the files whose
/// findings this changes.
fn recheck_entities(
    ctx: &Ctx,
    parts: &mut Parts,
    marks: &Marks,
    shift: &Shift,
    changed: &mut Changed,
) {
    for &e in &marks.list {
        let (k, i) = e.slot();
        let found = entity_findings(ctx, e);
        files_differing(parts.entity[k][i].list(), &found, shift, changed);
        parts.set_entity(ctx.model, e, found);
    }
}

/// Gives `ctx` the facts of after the edit: those of before it (the free
/// leader found again) when the edit left them as they were
/// ([`Marks::facts_kept`]); else [`Parts::meant`] read again where the
/// edit may have changed it ([`Marks::facts_names`]), or read afresh.
fn keep_facts(ctx: &Ctx, marks: &Marks, parts: &mut Parts) {
    let facts = if marks.facts_kept {
        // What `meant` reads is as it was: the teams that initiatives name
        // and that resolve to nothing, and their suggestions among ids
        // that did not change. Gathering it again read every such name of
        // the workspace at each keystroke (BENCHMARKS.md, "5 Dec (twelfth
        // session)").
        Facts::kept(ctx.model, &parts.facts)
    } else {
        match &marks.facts_names {
            Some(names) => parts.meant.patch(ctx, names),
            None => parts.meant = Meant::of(ctx),
        }
        Arc::new(Facts::with(ctx.model, &parts.meant))
    };
    #[cfg(debug_assertions)]
    {
        let fresh = Meant::of(ctx);
        assert_eq!(parts.meant, fresh, "a patched meant differs");
        assert_eq!(*facts, Facts::with(ctx.model, &fresh));
    }
    let _ = ctx.facts.set(facts);
}

/// Puts the entities of the re-parsed blocks (`fresh`) in the place of
/// those declared in `old` of `file`: in place when as many of each kind
/// came back, else spliced in. Returns the entities to recheck, and
/// how the dependency graph changed.
fn put_in(
    model: &mut Model,
    parts: &mut Parts,
    fresh: Model,
    old: crate::text::TextRange,
    shift: &Shift,
    memo: Option<&crate::suggest::Memo>,
    changed: &mut Changed,
) -> (Marks, GraphChange) {
    let file = shift.file;
    let (from, to) = (old.start(), old.end());
    let spans: [Range<usize>; 3] = std::array::from_fn(|k| {
        let decl = |i| model.decl(EntityId::at_slot(k, i));
        span(model, decl, model.count(k), file, from, to)
    });
    let fresh_lens = [
        fresh.leaders.len(),
        fresh.initiatives.len(),
        fresh.teams.len(),
    ];
    if (0..3).all(|k| spans[k].len() == fresh_lens[k]) {
        let spare = std::mem::take(&mut parts.spare_flags);
        same_shape(model, fresh, &spans, shift, memo, &mut parts.ids, spare)
    } else {
        // The findings of the entities spliced out go with them, from the
        // lists of the files they lie in (other files too: a finding of
        // an initiative can lie where another names its leader).
        for (k, span) in spans.iter().enumerate() {
            for found in parts.entity[k].range(span.clone()).iter() {
                changed
                    .found
                    .extend(found.list().iter().map(|f| f.loc.file));
            }
        }
        let (marks, slots) = resize(model, parts, fresh, &spans, shift, memo);
        (marks, GraphChange::Spliced(slots))
    }
}

/// Marks the entities whose findings name a place the edit touched; a
/// place at the end of the file is stale too when the edit is near it (a
/// fix that appends there looks at how the text ends). The findings of
/// the others are shifted: at once when the assembled list holds none of
/// them that the edit moves (the edited file's own are not in it: one
/// walk of them instead of two, which cost a ten-file keystroke 7% more,
/// BENCHMARKS.md, "7 Dec (thirty-fourth session)"); else once the list
/// has let go of those ([`shift_found`], `lent`).
fn mark_stale(
    parts: &mut Parts,
    model: &Model,
    marks: &mut Marks,
    shift: &Shift,
    text_len: usize,
    changed: &mut Changed,
    lent: &mut Lent,
) {
    let file = shift.file;
    let old_len = (text_len as isize - shift.delta) as usize;
    let near_end = shift.old_end + 2 >= old_len;
    let stale = |l: &crate::text::Loc| {
        shift.touches(l) || (near_end && l.file == file && l.range.start() >= old_len)
    };
    // Only the findings of these name a place in the edited file: the
    // others' neither move nor go stale.
    let elsewhere = reaching_elsewhere(parts, file, shift.start);
    let declared = reaching_home(parts, model, file, shift.start)
        .into_iter()
        .map(|e| (e, true));
    let mut moving = Vec::new();
    // The findings of other files among theirs that the edit moves, noted
    // while each entity's box is at hand: their slots in the list are let
    // go before any is shifted.
    let mut noted: Vec<(FileId, *const Finding)> = Vec::new();
    let reaching: Vec<(EntityId, bool)> = declared
        .chain(elsewhere.into_iter().map(|e| (e, false)))
        .collect();
    for (j, &(e, home)) in reaching.iter().enumerate() {
        parts.ask_ahead(j, |j| reaching.get(j).map(|(e, _)| (e.slot(), None)));
        let (k, i) = e.slot();
        if marks.get(k, i) {
            continue;
        }
        let Some(found) = parts.entity[k][i].0.as_deref_mut() else {
            continue;
        };
        // No place reaches the edit, nor the end of the text when the
        // edit is near it: before the edit, none moves; after it, each
        // moves by the edit's length, and so does the hull.
        // (The ends kept have left out already those whose places all lie
        // before the edit: `reaching_home`, `reaching_elsewhere`.)
        let before = |end: usize| !(near_end && end >= old_len) && end < shift.start;
        let Some(hull) = found.hull(file) else {
            continue;
        };
        let at_end = near_end && hull.end() >= old_len;
        if before(hull.end()) {
            continue;
        }
        let whole = !at_end && hull.start() > shift.old_end;
        if !whole && found.list.iter().any(|f| f.any_loc(stale)) {
            marks.set(e);
            continue;
        }
        let before = noted.len();
        noted.extend(
            found
                .list
                .iter()
                .filter(|f| names_edited_file_after(f, shift) && !lent.left_out(f))
                .map(|f| (f.loc.file, Arc::as_ptr(f))),
        );
        if home && noted.len() == before {
            // None of its findings is in the list's hold: shifted now,
            // in this walk of them, not in a second one after the
            // release.
            let end = shift_entity(found, whole, shift, changed, Some(&mut *lent));
            parts.home_end[k][i] = end;
            continue;
        }
        moving.push(Moving { e, home, whole });
    }
    if !noted.is_empty() {
        lent.release(noted);
    }
    shift_found(parts, &moving, shift, changed, lent);
}

/// The entities declared in `file` whose places there reach `start` or
/// lie after it: those whose [`Parts::home_end`] is at `start` or past it.
/// Every other entity of the file is one [`mark_stale`] passes over (no
/// finding there, or all before the edit), so the ends are read as plain
/// slices and only these are looked at. Looking at every entity of the
/// file, to pass over most, was a third of a keystroke at the end of the
/// 100k plan (BENCHMARKS.md, "7 Dec (thirty-first session)").
fn reaching_home(parts: &Parts, model: &Model, file: FileId, start: usize) -> Vec<EntityId> {
    // `end + 1 > start`, wrapping: at `start` or past it, and not
    // `u32::MAX` (no place there).
    let start = u32::try_from(start).unwrap_or(u32::MAX - 1);
    let reaches = |end: u32| end.wrapping_add(1) > start;
    let mut out = Vec::new();
    for k in 0..3 {
        let span = file_span(model, k, file);
        let (a, b) = parts.home_end[k].range(span.clone()).as_slices();
        let at = |from: usize| move |j: usize| EntityId::at_slot(k, from + j);
        each_reaching(a, reaches, at(span.start), &mut out);
        each_reaching(b, reaches, at(span.start + a.len()), &mut out);
        #[cfg(debug_assertions)]
        for i in span {
            debug_assert_eq!(
                parts.home_end[k][i],
                home_end(&parts.entity[k][i], file),
                "an entity's home end is kept"
            );
        }
    }
    out
}

/// Adds to `out` what `of` gives for the index of each of `ends` that
/// `reaches`, testing a run of sixteen at a time in one comparison of
/// vectors: most runs hold none.
fn each_reaching<T>(
    ends: &[u32],
    reaches: impl Fn(u32) -> bool,
    of: impl Fn(usize) -> T,
    out: &mut Vec<T>,
) {
    for (r, run) in ends.chunks(16).enumerate() {
        if run.iter().fold(false, |any, &end| any | reaches(end)) {
            let hits = run.iter().enumerate().filter(|(_, &end)| reaches(end));
            out.extend(hits.map(|(j, _)| of(16 * r + j)));
        }
    }
}

/// The entities declared in other files whose places in `file` reach
/// `start` or lie after it, as [`Parts::elsewhere`] keeps where those
/// places end: the others of its list neither move nor go stale.
fn reaching_elsewhere(parts: &Parts, file: FileId, start: usize) -> Vec<EntityId> {
    let Some(naming) = parts.elsewhere.get(&file) else {
        return Vec::new();
    };
    #[cfg(debug_assertions)]
    for (&e, &end) in naming.entities.iter().zip(&naming.ends) {
        let (k, i) = e.slot();
        debug_assert_eq!(home_end(&parts.entity[k][i], file), end, "kept");
    }
    naming.reaching(u32::try_from(start).unwrap_or(u32::MAX))
}

/// Sets the kept ends of `ends` (sorted by entity, each listed in
/// [`Parts::elsewhere`] for `file`) in one walk of `file`'s list.
fn set_ends_elsewhere(parts: &mut Parts, file: FileId, ends: &[(EntityId, u32)]) {
    debug_assert!(ends.is_sorted_by_key(|(e, _)| *e), "in the list's order");
    if let Some(naming) = parts.elsewhere.get_mut(&file) {
        naming.set_ends(ends);
    }
}

/// The entities of other files whose findings name a place in one file
/// ([`Parts::elsewhere`]), sorted, each with where the hull of its places
/// there ends. Two flat lists, so that a keystroke finds those whose
/// places reach the edit by comparing the ends sixteen at a time
/// ([`each_reaching`]), as for the file's own. (A map walked whole at each
/// keystroke, to pass over most, cost a ten-file keystroke more than the
/// entities it found: BENCHMARKS.md, "8 Dec (thirty-sixth session)".)
#[derive(Clone, Debug, Default)]
struct Naming {
    entities: Vec<EntityId>,
    ends: Vec<u32>,
}

impl Naming {
    /// Lists `e` with `end`, or sets the end it is listed with.
    fn set(&mut self, e: EntityId, end: u32) {
        match self.entities.binary_search(&e) {
            Ok(i) => self.ends[i] = end,
            Err(i) => {
                self.entities.insert(i, e);
                self.ends.insert(i, end);
            }
        }
    }

    fn remove(&mut self, e: EntityId) {
        if let Ok(i) = self.entities.binary_search(&e) {
            self.entities.remove(i);
            self.ends.remove(i);
        }
    }

    /// The entities whose places end at `start` or past it, in order.
    fn reaching(&self, start: u32) -> Vec<EntityId> {
        let mut out = Vec::new();
        each_reaching(
            &self.ends,
            |end| end >= start,
            |j| self.entities[j],
            &mut out,
        );
        out
    }

    /// Sets the ends of `ends` (sorted, each listed), in one walk from the
    /// first.
    fn set_ends(&mut self, ends: &[(EntityId, u32)]) {
        let Some((first, _)) = ends.first() else {
            return;
        };
        let mut i = self.entities.partition_point(|e| e < first);
        for &(e, end) in ends {
            while self.entities.get(i).is_some_and(|&x| x < e) {
                i += 1;
            }
            debug_assert_eq!(self.entities.get(i), Some(&e), "every entity is listed");
            if let Some(kept) = self.ends.get_mut(i) {
                *kept = end;
            }
        }
    }

    /// Renumbers the entities after a splice (`moved`: where each is now,
    /// `None` for one spliced out); the order stays.
    fn remap(&mut self, moved: impl Fn(EntityId) -> Option<EntityId>) {
        let mut kept = 0;
        for j in 0..self.entities.len() {
            let end = self.ends[j];
            if let Some(e) = moved(self.entities[j]) {
                self.entities[kept] = e;
                self.ends[kept] = end;
                kept += 1;
            }
        }
        self.entities.truncate(kept);
        self.ends.truncate(kept);
        debug_assert!(self.entities.is_sorted(), "a splice keeps the order");
    }
}

/// An entity whose findings an edit moves without making them stale; all
/// its places in the edited file after the edit (`whole`: its hull there
/// moves by the edit's length), or only some.
struct Moving {
    e: EntityId,
    home: bool,
    whole: bool,
}

/// Shifts the findings of the `moving` entities by the edit; those of
/// other files that the edit moves, let go of the assembled list before
/// (all in one scan of each file's run: [`Lent::release`]), in place.
fn shift_found(
    parts: &mut Parts,
    moving: &[Moving],
    shift: &Shift,
    changed: &mut Changed,
    lent: &mut Lent,
) {
    let file = shift.file;
    // The new ends of the other files' entities, in the order of
    // `moving`'s (that of [`Parts::elsewhere`]'s keys): set in one walk
    // of the map at the end, not looked up one by one.
    let mut ends_elsewhere: Vec<(EntityId, u32)> = Vec::new();
    for (j, m) in moving.iter().enumerate() {
        parts.ask_ahead(j, |j| moving.get(j).map(|m| (m.e.slot(), None)));
        let (k, i) = m.e.slot();
        let found = parts.entity[k][i]
            .0
            .as_deref_mut()
            .expect("a moving entity has findings");
        let end = shift_entity(found, m.whole, shift, changed, Some(&mut *lent));
        if m.home {
            parts.home_end[k][i] = end;
        } else {
            ends_elsewhere.push((m.e, end));
        }
    }
    set_ends_elsewhere(parts, file, &ends_elsewhere);
    // Every finding let go is given back (the property tests hold it). If
    // one were not, its file's findings are gathered again from the parts,
    // so that its stand-in is never part of the list.
    debug_assert!(lent.slots.is_empty(), "a finding let go was not given back");
    for (_, (_, f)) in lent.slots.drain() {
        changed.found.insert(f);
    }
}

/// Shifts one moving entity's findings and hulls by the edit (`whole`:
/// all its places in the edited file lie after the edit); where its
/// places there end now.
fn shift_entity(
    found: &mut Found,
    whole: bool,
    shift: &Shift,
    changed: &mut Changed,
    lent: Option<&mut Lent>,
) -> u32 {
    let file = shift.file;
    shift_noting(&mut found.list, shift, changed, lent);
    if whole {
        for (f, r) in &mut found.hulls {
            if *f == file {
                *r = r.shifted(shift.delta);
            }
        }
        #[cfg(debug_assertions)]
        {
            let fresh = EntityFound::new(found.list.clone());
            debug_assert_eq!(Some(&found.hulls), fresh.0.as_ref().map(|f| &f.hulls));
        }
    } else {
        found.measure();
    }
    found.end_in(file)
}

/// Marks the entities that read a workspace fact ([`Facts`]) that changed:
/// the initiatives without a leader when the free leader is another, the
/// teams of the ids that came into or left the ids misspelt entries mean.
fn mark_facts(m: &Model, old: &Facts, new: &Facts, marks: &mut Marks) {
    if old.free_leader != new.free_leader {
        for (i, init) in m.initiatives.iter().enumerate() {
            if init.leader.is_none() {
                marks.set(EntityId::Initiative(i));
            }
        }
    }
    for id in sorted_difference(&old.meant, &new.meant) {
        for d in m.declarations(id) {
            marks.set(d);
        }
    }
}

/// The words in one of the sorted lists `a` and `b` but not in the other,
/// in one walk of both: `meant` lists every suggestion of a ten-file
/// workspace, and a search in one for each word of the other read it in
/// the order the caches like least (BENCHMARKS.md, "5 Dec (fifteenth
/// session)").
fn sorted_difference<'a, S: AsRef<str> + Ord>(a: &'a [S], b: &'a [S]) -> Vec<&'a str> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i].as_ref());
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j].as_ref());
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    out.extend(a[i..].iter().chain(&b[j..]).map(AsRef::as_ref));
    out
}

/// Marks every other declaration of a marked entity's id: a later
/// declaration's finding (`duplicate-definition`) reads them all.
fn mark_namesakes(m: &Model, marks: &mut Marks) {
    let now = marks.list.len();
    for j in 0..now {
        let id = &m.decl(marks.list[j]).id;
        let decls = m.declarations(id.as_str());
        if decls.len() > 1 {
            for d in decls {
                marks.set(d);
            }
        }
    }
}

/// How an edit changed the dependency graph.
#[derive(Clone, Copy, Debug, PartialEq)]
enum GraphChange {
    /// Not at all.
    Same,
    /// Every entity kept its slot: only the rows of marked teams may differ.
    Rows,
    /// Entities came or went: the slots moved, as given.
    Spliced(crate::model::Slots),
}

impl GraphChange {
    /// Where the entities' indices went, when entities came or went.
    fn slots(&self) -> Option<crate::model::Slots> {
        match self {
            GraphChange::Spliced(slots) => Some(*slots),
            _ => None,
        }
    }
}

/// The teams marked, sorted and distinct.
fn marked_teams(marks: &Marks) -> Vec<usize> {
    let mut teams: Vec<usize> = marks
        .list
        .iter()
        .filter_map(|e| match e {
            EntityId::Team(t) => Some(*t),
            _ => None,
        })
        .collect();
    teams.sort_unstable();
    teams.dedup();
    teams
}

/// The block rules for the re-parsed blocks (the findings of the blocks
/// after them shifted), the global rules, and the dependency-graph rules
/// unless the graph is as it was and the edit touched none of their places.
/// Gives whether it recomputed the graph's findings.
#[allow(clippy::too_many_arguments)]
fn recheck_blocks(
    ctx: &Ctx,
    parts: &mut Parts,
    file: FileId,
    new_blocks: &[crate::syntax::Block],
    reparsed: &Reparsed,
    shift: &Shift,
    graph: GraphChange,
    marks: &Marks,
    changed: &mut Changed,
) -> bool {
    let recomputed: Vec<Vec<Arc<Finding>>> = new_blocks
        .iter()
        .map(|b| block_findings(ctx, file, b))
        .collect();
    if let Some(block_parts) = parts.blocks.get_mut(&file) {
        block_parts.splice(
            reparsed.blocks..reparsed.blocks + reparsed.old_blocks,
            recomputed,
        );
        for found in &mut block_parts[reparsed.blocks + reparsed.new_blocks..] {
            found.shift(shift);
        }
    }
    if let Some(&(_, doc, _)) = ctx.docs.iter().find(|(f, _, _)| *f == file) {
        let own = file_findings(ctx, file, doc);
        let old = parts.files.insert(file, own).unwrap_or_default();
        files_differing(&old, &parts.files[&file], shift, changed);
    }
    let global = global_findings(ctx);
    files_differing(&parts.global, &global, shift, changed);
    parts.global = global;
    // Whether the graph's rows changed (or its teams moved) but not its
    // cycles, nor any team in one: the graph rules' findings then stay,
    // moved.
    let mut cycles_kept = false;
    match graph {
        GraphChange::Same => {}
        // Also when no team came or went (a leader or an initiative did):
        // every team keeps its index, and only the rows of the marked ones
        // may differ.
        GraphChange::Rows
        | GraphChange::Spliced(crate::model::Slots {
            kinds: [_, _, (_, 0, 0)],
        }) => {
            let teams = marked_teams(marks);
            cycles_kept = Arc::make_mut(&mut parts.deps).patch(ctx.model, &teams);
        }
        GraphChange::Spliced(slots) => {
            let teams = marked_teams(marks);
            let old = std::mem::take(&mut parts.deps);
            parts.deps = Arc::new(old.remapped(ctx.model, &slots, &teams));
            cycles_kept = parts.deps.cycles_kept_over(&old, &slots, &teams);
        }
    }
    // Only those that name a place in the edited file can be touched or
    // moved by the edit.
    let here = parts.graph_in.get(&file).map_or(&[][..], Vec::as_slice);
    let touched = || {
        here.iter()
            .any(|&i| parts.graph[i as usize].locs().any(|l| shift.touches(l)))
    };
    if (graph == GraphChange::Same || cycles_kept) && !touched() {
        for &i in here {
            let f = std::slice::from_mut(&mut parts.graph[i as usize]);
            shift_noting(f, shift, changed, None);
        }
        false
    } else {
        let found = graph_findings(ctx, &parts.deps);
        files_differing(&parts.graph, &found, shift, changed);
        parts.set_graph(found);
        true
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The walk gives what two set differences give.
        #[test]
        fn sorted_difference_is_the_symmetric_difference(
            a in proptest::collection::btree_set("[a-d]{0,2}", 0..12),
            b in proptest::collection::btree_set("[a-d]{0,2}", 0..12),
        ) {
            let (va, vb): (Vec<String>, Vec<String>) =
                (a.iter().cloned().collect(), b.iter().cloned().collect());
            let mut got = super::sorted_difference(&va, &vb);
            got.sort_unstable();
            let mut want: Vec<&str> = a.symmetric_difference(&b).map(String::as_str).collect();
            want.sort_unstable();
            prop_assert_eq!(got, want);
        }
    }
}
