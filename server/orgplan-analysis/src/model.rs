//! The org model: every leader, initiative and team declared in any file of
//! the workspace, the references between them, and the indexes the rules and
//! IDE features need. Built from lowered documents; never fails: what a block
//! says wrongly is left out here and reported by the structure rules.

use crate::schema::BlockKind;
use crate::syntax::CompactString;
use crate::syntax::{Block, Document, Property, ValueKind};
use crate::text::{FileId, Loc, Shift, TextRange};

mod keys;
pub use keys::Key;
use keys::Keys;

/// What the model keeps per entity, by index: the entities of each kind
/// and the lists beside them. A gap buffer, not a vector: an entity added
/// or removed moves the entities between the gap (left where the last
/// one was) and its place, not every entity after it in the workspace.
/// Typing keeps adding and removing entities at one place, so it moves
/// almost none; in a vector, a team added early in a workspace of
/// ten 100,000-line files moved 27 MB of teams and the lists beside them
/// (BENCHMARKS.md, "7 Dec (twenty-ninth session)").
pub type Seq<T> = gap_buf::GapBuffer<T>;

/// `n` empty values: the lists beside `n` entities new to a [`Seq`].
pub(crate) fn defaults<T: Default>(n: usize) -> impl ExactSizeIterator<Item = T> {
    (0..n).map(|_| T::default())
}

/// Replaces `v[span]` by `new`. The room a list grows by is a
/// thirty-second of it, not as much again (as a vector's, and the gap
/// buffer's own, growth would give): a list full from a fresh build takes
/// its first entity added without copying the entities after the gap
/// twice, and without doubling its memory.
pub(crate) fn splice<T>(
    v: &mut Seq<T>,
    span: std::ops::Range<usize>,
    new: impl ExactSizeIterator<Item = T>,
) {
    let grow = new.len().saturating_sub(span.len());
    if v.len() + grow > v.capacity() {
        v.reserve_exact(grow.max(v.len() / 32).max(16));
    }
    v.splice(span, new);
}

/// Every declaration of each id. Hashed with the Fx hash (as in rustc,
/// `rustc-hash`): ids come from the user's own files, and resolving them is
/// the hottest thing the rules do; the hash need not resist chosen
/// collisions here.
type IdMap = rustc_hash::FxHashMap<CompactString, Entities>;

/// Entities an index lists for one key (by their [`Key`]s, in the
/// workspace's order): inline when there are two at most (most lists hold
/// one: an id declared once, a team referred to by one block), in the room
/// a vector's pointer would take. Allocated each, these lists were some
/// 40,000 allocations on a large plan (BENCHMARKS.md).
type Entities = smallvec::SmallVec<[Key; 2]>;

/// Entities of one kind an index lists for one (their keys' numbers, in
/// the workspace's order): four inline, in the room a vector's pointer
/// would take.
type Indices = smallvec::SmallVec<[u32; 4]>;

/// Where each entity's index goes when, per kind, the entities at
/// `start..start + old` are replaced by `new` others (a splice): those
/// before stay, those replaced are gone, those after move by `new - old`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slots {
    /// Per kind ([`EntityId::slot`]): `(start, old, new)`.
    pub(crate) kinds: [(usize, usize, usize); 3],
}

impl Slots {
    /// The new index of `e`, or `None` if it was replaced.
    pub(crate) fn get(&self, e: EntityId) -> Option<EntityId> {
        let (k, i) = e.slot();
        self.index(k, i).map(|i| EntityId::at_slot(k, i))
    }

    /// [`Slots::get`] for index `i` of the kind at `k`.
    pub(crate) fn index(&self, k: usize, i: usize) -> Option<usize> {
        let (start, old, new) = self.kinds[k];
        if i < start {
            Some(i)
        } else if i < start + old {
            None
        } else {
            Some(i - old + new)
        }
    }
}

/// An entity of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityId {
    Leader(usize),
    Initiative(usize),
    Team(usize),
}

impl EntityId {
    /// The entity at `slot` ([`EntityId::slot`]): index `i` of the kind
    /// at `kind` in `[leaders, initiatives, teams]`.
    pub fn at_slot(kind: usize, i: usize) -> EntityId {
        match kind {
            0 => EntityId::Leader(i),
            1 => EntityId::Initiative(i),
            _ => EntityId::Team(i),
        }
    }

    /// Its kind's place in `[leaders, initiatives, teams]`, and its index.
    pub fn slot(self) -> (usize, usize) {
        match self {
            EntityId::Leader(i) => (0, i),
            EntityId::Initiative(i) => (1, i),
            EntityId::Team(i) => (2, i),
        }
    }

    pub fn kind(self) -> BlockKind {
        match self {
            EntityId::Leader(_) => BlockKind::Leader,
            EntityId::Initiative(_) => BlockKind::Initiative,
            EntityId::Team(_) => BlockKind::Team,
        }
    }
}

/// What a declaration has in common across kinds.
#[derive(Clone, Debug)]
pub struct Decl {
    pub id: CompactString,
    pub title: Option<CompactString>,
    /// The id in the block's head.
    pub name: Loc,
    /// The whole block.
    pub block: Loc,
    /// The body braces, if any.
    pub body: Option<TextRange>,
    /// What the block may say that the model could not read ([`Unread`]).
    pub unread: Unread,
}

impl Decl {
    pub fn file(&self) -> FileId {
        self.name.file
    }

    /// `id ("Title")` for messages (a long title shortened).
    pub fn label(&self) -> String {
        match &self.title {
            Some(t) => format!(
                "`{}` ({})",
                self.id,
                crate::text::shorten(t, crate::text::SHOWN)
            ),
            None => format!("`{}`", self.id),
        }
    }
}

/// The keys a block may set that the model could not read: written with a
/// value of the wrong kind or outside its set (reported by `invalid-value`),
/// misspelt so that the closest key is this one (`unknown-property`), or
/// written without its colon (`unknown-block`); and whether the block has a
/// syntax error (`syntax-error`). The rules about what a block lacks ask
/// [`Unread::may_set`] first: what they would report is only the other
/// rule's finding again (one mistake, one finding).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unread(u32);

impl Unread {
    const BROKEN: u32 = 1 << 31;

    /// Reads `block` (of `kind`): `broken` when a syntax error lies in it.
    fn of(kind: BlockKind, block: &Block, broken: bool) -> Unread {
        let spec = kind.spec();
        let index = |key: &str| spec.properties.iter().position(|p| p.name == key);
        let mut bits = if broken { Self::BROKEN } else { 0 };
        for p in &block.properties {
            match index(&p.key.text) {
                Some(i) => {
                    let ty = spec.properties[i].ty;
                    if p.values.is_empty() || !p.values.iter().all(|v| ty.accepts(&v.kind)) {
                        bits |= 1 << i;
                    }
                }
                None => {
                    let closest =
                        crate::suggest::best(&p.key.text, spec.properties.iter().map(|p| p.name));
                    if let Some(i) = closest.and_then(index) {
                        bits |= 1 << i;
                    }
                }
            }
        }
        // `roles engineering`: a property without its colon reads as a block.
        for c in &block.children {
            if let Some(i) = index(&c.kind.text) {
                bits |= 1 << i;
            }
        }
        Unread(bits)
    }

    /// Whether the block may set `key` (of its kind `kind`) in a way the
    /// model could not read, or cannot be read whole.
    pub fn may_set(self, kind: BlockKind, key: &str) -> bool {
        self.broken()
            || kind
                .spec()
                .properties
                .iter()
                .position(|p| p.name == key)
                .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// Whether a syntax error lies in the block.
    pub fn broken(self) -> bool {
        self.0 & Self::BROKEN != 0
    }

    /// Whether the block wrote `key` (of its kind `kind`) with a value the
    /// model could not read.
    pub fn unreadable(self, kind: BlockKind, key: &str) -> bool {
        kind.spec()
            .properties
            .iter()
            .position(|p| p.name == key)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

/// Whether a syntax error of `errors` (sorted by place) lies in `range`.
fn has_error(errors: &[crate::syntax::SyntaxError], range: TextRange) -> bool {
    let at = errors.partition_point(|e| e.range.start() < range.start());
    errors
        .get(at)
        .is_some_and(|e| e.range.start() <= range.end())
}

/// What kind of entity a reference must name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefKind {
    Leader,
    Team,
    LeaderOrTeam,
}

impl RefKind {
    pub const ALL: [RefKind; 3] = [RefKind::Leader, RefKind::Team, RefKind::LeaderOrTeam];

    pub fn accepts(self, e: EntityId) -> bool {
        matches!(
            (self, e),
            (RefKind::Leader, EntityId::Leader(_))
                | (RefKind::Team, EntityId::Team(_))
                | (
                    RefKind::LeaderOrTeam,
                    EntityId::Leader(_) | EntityId::Team(_)
                )
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            RefKind::Leader => "leader",
            RefKind::Team => "team",
            RefKind::LeaderOrTeam => "leader or team",
        }
    }
}

/// Where a reference is written: the property, or `depends_on`. (A byte,
/// where a name would take sixteen: a large plan has tens of thousands of
/// references.)
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RefContext {
    Leader,
    Teams,
    ReportsTo,
    Approvals,
    Owner,
    DependsOn,
    /// Any other property.
    Value,
}

impl RefContext {
    const ALL: [RefContext; 6] = [
        RefContext::Leader,
        RefContext::Teams,
        RefContext::ReportsTo,
        RefContext::Approvals,
        RefContext::Owner,
        RefContext::DependsOn,
    ];

    /// The context of a reference written in the property `key`.
    pub fn of_key(key: &str) -> RefContext {
        RefContext::ALL
            .into_iter()
            .find(|c| c.as_str() == key)
            .unwrap_or(RefContext::Value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RefContext::Leader => "leader",
            RefContext::Teams => "teams",
            RefContext::ReportsTo => "reports_to",
            RefContext::Approvals => "approvals",
            RefContext::Owner => "owner",
            RefContext::DependsOn => "depends_on",
            RefContext::Value => "value",
        }
    }
}

impl std::fmt::Debug for RefContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::fmt::Display for RefContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One occurrence of an id used as a value.
#[derive(Clone, Debug)]
pub struct Reference {
    pub name: CompactString,
    pub loc: Loc,
    pub expected: RefKind,
    /// The property (or `depends_on`) it is written in.
    pub context: RefContext,
    /// What it names, once the model is indexed ([`Model::resolve`]).
    pub(crate) target: Option<Key>,
}

/// A value with its place.
#[derive(Clone, Debug)]
pub struct At<T> {
    pub value: T,
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgModel {
    Ownership,
    Leadership,
}

#[derive(Clone, Debug)]
pub struct Leader {
    pub decl: Decl,
    pub job_title: Option<CompactString>,
    pub allocation: Option<At<f64>>,
    pub duties: Vec<At<CompactString>>,
    pub reports_to: Option<Reference>,
}

impl Leader {
    /// Calls `f` with each reference written in the block, to change it.
    fn refs_mut(&mut self, f: impl FnMut(&mut Reference)) {
        self.reports_to.iter_mut().for_each(f);
    }

    /// Percent of their time; 100 when not said.
    pub fn allocation_percent(&self) -> f64 {
        self.allocation.as_ref().map_or(100.0, |a| a.value)
    }

    pub fn is_part_time(&self) -> bool {
        self.allocation_percent() < 100.0 || !self.duties.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct Initiative {
    pub decl: Decl,
    pub leader: Option<Reference>,
    pub model: Option<At<OrgModel>>,
    pub critical: bool,
    pub scope: Option<At<CompactString>>,
    pub metrics: Vec<At<CompactString>>,
    pub teams: Vec<Reference>,
    pub approvals: Vec<Reference>,
    /// The `approvals:` property as a whole.
    pub approvals_prop: Option<Loc>,
}

impl Initiative {
    /// Calls `f` with each reference written in the block, to change it.
    fn refs_mut(&mut self, mut f: impl FnMut(&mut Reference)) {
        self.leader.iter_mut().for_each(&mut f);
        self.teams.iter_mut().for_each(&mut f);
        self.approvals.iter_mut().for_each(&mut f);
    }
}

#[derive(Clone, Debug)]
pub struct Team {
    pub decl: Decl,
    pub reports_to: Option<Reference>,
    /// The roles named under `roles:` (their words only: no rule points
    /// at one role, and places a keystroke would move are left out).
    pub roles: Vec<CompactString>,
    /// Where the last of [`Team::roles`] is written (more are added after it).
    pub last_role: Option<Loc>,
    pub roles_prop: Option<Loc>,
    pub functional: bool,
    pub approvals: Vec<Reference>,
    pub approvals_prop: Option<Loc>,
    pub dependencies: Vec<Dependency>,
}

impl Team {
    /// Calls `f` with each reference written in the block, to change it.
    fn refs_mut(&mut self, mut f: impl FnMut(&mut Reference)) {
        self.reports_to.iter_mut().for_each(&mut f);
        self.approvals.iter_mut().for_each(&mut f);
        for d in &mut self.dependencies {
            f(&mut d.target);
            d.owner.iter_mut().for_each(&mut f);
        }
    }
}

#[derive(Clone, Debug)]
pub struct Dependency {
    /// The team depended on.
    pub target: Reference,
    pub owner: Option<Reference>,
    pub plan: Option<At<CompactString>>,
    /// `depends_on target` — where findings about the dependency point.
    pub head: Loc,
    /// The whole `depends_on` block.
    pub block: Loc,
    pub body: Option<TextRange>,
    /// What the `depends_on` block may say that the model could not read.
    pub unread: Unread,
}

/// The model of a whole workspace.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub leaders: Seq<Leader>,
    pub initiatives: Seq<Initiative>,
    pub teams: Seq<Team>,
    /// The entities' keys: what the references and the lists below store.
    keys: Keys,
    /// Every declaration of an id, in the workspace's order (the files'
    /// paths, then places): more than one is a duplicate.
    ids: IdMap,
    /// For each leader, the initiatives naming them as `leader:`.
    led_by: Seq<Indices>,
    /// For each team, the initiatives listing it under `teams:`.
    team_initiatives: Seq<Indices>,
    /// For each leader, the teams and leaders that report to them.
    reports: Seq<Entities>,
    /// For each team, the teams whose dependencies name it.
    dependents: Seq<Indices>,
    /// For each entity (leaders, initiatives, teams), the entities whose
    /// references name it, any way.
    referrers: [Seq<Entities>; 3],
    /// For each name written in a reference that names nothing, the
    /// entities whose blocks write it. Hashed, not ordered: a keystroke
    /// that renames an id asks it of every word the did-you-mean memo
    /// holds (`suggest::Memo::patch`), and in a sorted map each look-up
    /// compared a dozen names, nearly a third of the patch in ten files
    /// (BENCHMARKS.md, "7 Dec (thirty-third session)").
    dangling: rustc_hash::FxHashMap<CompactString, Entities>,
    /// The declared ids arranged for the did-you-mean search, kept with
    /// `ids` (built with the model, updated by [`Model::declare`]).
    pub id_index: crate::suggest::Index,
    /// [`Model::names_fingerprint`], kept with `ids` the same way: the
    /// sum of each id's [`names_term`].
    names_sum: u64,
    /// Each file's place in the workspace's order (by `FileId`): the order
    /// of their paths, whatever order the files were added in. Empty: the
    /// order of the files' ids ([`Model::build_in_order`]).
    file_rank: Vec<u32>,
}

/// What an id declared as `es` adds to [`Model::names_fingerprint`]: 0
/// when none of it is a leader or a team, else the mixed hash of the id and
/// the kind of the first that is (each term mixed, so that terms of the sum
/// do not cancel; a sum, so that the order of the ids does not count).
fn names_term(id: &str, es: Option<&Entities>) -> u64 {
    use std::hash::{Hash, Hasher};
    let kind = match es
        .into_iter()
        .flatten()
        .map(|e| e.of_kind())
        .find(|e| RefKind::LeaderOrTeam.accepts(*e))
    {
        Some(EntityId::Leader(_)) => 1u8,
        Some(EntityId::Team(_)) => 2,
        _ => return 0,
    };
    let mut h = rustc_hash::FxHasher::default();
    id.hash(&mut h);
    kind.hash(&mut h);
    mix(h.finish())
}

/// A bijective finaliser (splitmix64's).
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl Model {
    /// Builds the model of `docs` (in a stable order: the files' order).
    ///
    /// A large one on two threads: the entities of each half of the
    /// blocks, then the did-you-mean index beside the references' indices.
    /// An unread plan's analysis waits for the model, and on one thread
    /// its build was the longest step that left the second core idle
    /// (20–27 ms of the 100k plan's 41–58 ms analysis). The criterion
    /// bench `100k-lines/model` and BENCHMARKS.md, "4 Dec (fifth session)",
    /// show the gain, and a test holds the result to the one-thread build.
    pub fn build<'a>(docs: impl IntoIterator<Item = (FileId, &'a Document)>) -> Model {
        Model::build_in_order(docs, Vec::new())
    }

    /// [`Model::build`] of `docs` given in the workspace's order of the
    /// files: `file_rank[id]` is the place of file `id` in it (the order
    /// of their paths), which the incremental analysis keeps its entities
    /// in. Of the declarations of one id, the first in that order is the
    /// one references name and the others duplicate; a dependency cycle is
    /// reported from its first team: however the files' ids were handed
    /// out (an editor opens a file before its folder is read; a file
    /// created later comes last), the findings are those of `orgplan
    /// check`.
    pub fn build_in_order<'a>(
        docs: impl IntoIterator<Item = (FileId, &'a Document)>,
        file_rank: Vec<u32>,
    ) -> Model {
        let blocks: Vec<(FileId, &Block, &[crate::syntax::SyntaxError])> = docs
            .into_iter()
            .flat_map(|(file, doc)| doc.blocks.iter().map(move |b| (file, b, &doc.errors[..])))
            .collect();
        if blocks.len() < BUILD_ALONE {
            return Model::build_alone(&blocks, file_rank);
        }
        let mut m = Model {
            file_rank,
            ..Model::default()
        };
        let (first, second) = blocks.split_at(blocks.len() / 2);
        let declare = |half: &[(FileId, &Block, &[crate::syntax::SyntaxError])]| {
            let mut d = Declared::default();
            for &(file, block, errors) in half {
                d.add(file, block, errors);
            }
            d
        };
        let (a, b) = crate::text::join(|| declare(first), || declare(second));
        m.take_declared(a, b);
        let keys: Vec<CompactString> = m.ids.keys().cloned().collect();
        let (id_index, ()) = crate::text::join(
            || crate::suggest::Index::build(keys.iter().map(|k| k.as_str())),
            || {
                m.index();
                m.shrink_to_fit();
            },
        );
        m.id_index = id_index;
        m.names_sum = m.count_names();
        m
    }

    /// [`Model::build_in_order`] on one thread.
    fn build_alone(
        blocks: &[(FileId, &Block, &[crate::syntax::SyntaxError])],
        file_rank: Vec<u32>,
    ) -> Model {
        let mut m = Model {
            file_rank,
            ..Model::default()
        };
        for &(file, block, errors) in blocks {
            m.add_block(file, block, errors);
        }
        m.index();
        m.shrink_to_fit();
        m.id_index = crate::suggest::Index::build(m.ids.keys().map(|k| k.as_str()));
        m.names_sum = m.count_names();
        m
    }

    /// Where a file comes in the workspace's order.
    pub(crate) fn rank(&self, file: FileId) -> u32 {
        self.file_rank
            .get(file.0 as usize)
            .copied()
            .unwrap_or(file.0)
    }

    /// Where a declaration comes in the workspace's order.
    pub(crate) fn decl_order(&self, e: EntityId) -> (u32, usize) {
        let d = self.decl(e);
        (self.rank(d.name.file), d.block.range.start())
    }

    /// Takes the entities `a` then `b` declare, and records their ids in
    /// that order (each id's declarations in the order of the documents,
    /// the workspace's, as [`Model::add_block`] records them).
    fn take_declared(&mut self, mut a: Declared, mut b: Declared) {
        a.leaders.append(&mut b.leaders);
        a.initiatives.append(&mut b.initiatives);
        a.teams.append(&mut b.teams);
        (self.leaders, self.initiatives, self.teams) =
            (a.leaders.into(), a.initiatives.into(), a.teams.into());
        self.keys = Keys::identity([0, 1, 2].map(|k| self.count(k)));
        let mut next = [0; 3];
        for k in a.order.into_iter().chain(b.order) {
            let e = EntityId::at_slot(k, next[k]);
            next[k] += 1;
            let key = self.keys.key(e);
            self.ids
                .entry(self.decl(e).id.clone())
                .or_default()
                .push(key);
        }
    }

    /// Gives back the room vectors grown by pushes keep (at least four
    /// places, up to twice what they hold): on a large plan, a third of
    /// the model's memory.
    fn shrink_to_fit(&mut self) {
        for l in &mut self.leaders {
            l.duties.shrink_to_fit();
        }
        for i in &mut self.initiatives {
            i.metrics.shrink_to_fit();
            i.teams.shrink_to_fit();
            i.approvals.shrink_to_fit();
        }
        for t in &mut self.teams {
            t.roles.shrink_to_fit();
            t.approvals.shrink_to_fit();
            t.dependencies.shrink_to_fit();
        }
        self.leaders.shrink_to_fit();
        self.initiatives.shrink_to_fit();
        self.teams.shrink_to_fit();
        for v in self
            .led_by
            .iter_mut()
            .chain(&mut self.team_initiatives)
            .chain(&mut self.dependents)
        {
            v.shrink_to_fit();
        }
        for v in self
            .reports
            .iter_mut()
            .chain(self.referrers.iter_mut().flatten())
            .chain(self.ids.values_mut())
            .chain(self.dangling.values_mut())
        {
            v.shrink_to_fit();
        }
        self.ids.shrink_to_fit();
    }

    /// The entities `blocks` of `file` declare, unlinked: what an edit
    /// that re-parsed them splices in ([`Model::splice`]).
    pub(crate) fn declared_by(
        file: FileId,
        blocks: &[Block],
        errors: &[crate::syntax::SyntaxError],
    ) -> Model {
        let mut m = Model::default();
        blocks.iter().for_each(|b| m.add_block(file, b, errors));
        m
    }

    /// Adds the entity `block` declares; `errors` are its file's syntax
    /// errors, sorted by place.
    pub(crate) fn add_block(
        &mut self,
        file: FileId,
        block: &Block,
        errors: &[crate::syntax::SyntaxError],
    ) {
        let Some(e) = declared(file, block, errors) else {
            return;
        };
        let counts = [0, 1, 2].map(|k| self.count(k));
        let e = e.push(
            &mut self.leaders,
            &mut self.initiatives,
            &mut self.teams,
            counts,
        );
        self.keys.push(e.slot().0);
        let key = self.keys.key(e);
        let id = self.decl(e).id.clone();
        let es = self.ids.entry(id.clone()).or_default();
        let before = names_term(&id, Some(es));
        es.push(key);
        let after = names_term(&id, Some(es));
        self.names_sum = self.names_sum.wrapping_sub(before).wrapping_add(after);
    }

    fn index(&mut self) {
        self.led_by = defaults(self.leaders.len()).collect();
        self.team_initiatives = defaults(self.teams.len()).collect();
        self.reports = defaults(self.leaders.len()).collect();
        self.dependents = defaults(self.teams.len()).collect();
        self.referrers = [
            defaults(self.leaders.len()).collect(),
            defaults(self.initiatives.len()).collect(),
            defaults(self.teams.len()).collect(),
        ];
        self.dangling.clear();
        let all: Vec<EntityId> = self.entities().collect();
        for &e in &all {
            self.resolve_refs(e);
        }
        for &e in &all {
            self.link(e, true);
        }
    }

    /// Resolves the references written in `e`'s block.
    pub(crate) fn resolve_refs(&mut self, e: EntityId) {
        let ids = &self.ids;
        let resolve = |r: &mut Reference| {
            r.target = ids
                .get(r.name.as_str())
                .and_then(|es| es.iter().copied().find(|x| r.expected.accepts(x.of_kind())));
        };
        match e {
            EntityId::Leader(l) => self.leaders[l].reports_to.iter_mut().for_each(resolve),
            EntityId::Initiative(i) => {
                let i = &mut self.initiatives[i];
                i.leader
                    .iter_mut()
                    .chain(i.teams.iter_mut())
                    .chain(i.approvals.iter_mut())
                    .for_each(resolve)
            }
            EntityId::Team(t) => {
                let t = &mut self.teams[t];
                t.reports_to
                    .iter_mut()
                    .chain(t.approvals.iter_mut())
                    .chain(
                        t.dependencies
                            .iter_mut()
                            .flat_map(|d| std::iter::once(&mut d.target).chain(d.owner.iter_mut())),
                    )
                    .for_each(resolve)
            }
        }
    }

    /// Adds (or removes) what `e`'s resolved references contribute to the
    /// reverse indices. Each list stays sorted and without repeats, as a
    /// fresh index builds it.
    pub(crate) fn link(&mut self, e: EntityId, add: bool) {
        let mut targets = Vec::new();
        let mut dangling = Vec::new();
        self.for_each_ref(e, |r| match self.resolve(r) {
            Some(t) => targets.push(t),
            None => dangling.push(r.name.clone()),
        });
        let key = self.keys.key(e);
        let keys = &self.keys;
        for t in targets {
            let (k, i) = t.slot();
            toggle(&mut self.referrers[k][i], key, add, |x| keys.get(*x));
        }
        for name in dangling {
            let list = self.dangling.entry(name.clone()).or_default();
            toggle(list, key, add, |x| keys.get(*x));
            if list.is_empty() {
                self.dangling.remove(&name);
            }
        }
        let target = |r: Option<&Reference>| r.and_then(|r| r.target).and_then(|t| keys.get(t));
        let (k, n) = (key.kind(), key.n());
        let index = move |kind: usize| move |x: &u32| keys.index(kind, *x);
        match e {
            EntityId::Leader(x) => {
                if let Some(EntityId::Leader(l)) = target(self.leaders[x].reports_to.as_ref()) {
                    toggle(&mut self.reports[l], key, add, |x| keys.get(*x));
                }
            }
            EntityId::Initiative(i) => {
                let init = &self.initiatives[i];
                if let Some(EntityId::Leader(l)) = target(init.leader.as_ref()) {
                    toggle(&mut self.led_by[l], n, add, index(k));
                }
                for r in &init.teams {
                    if let Some(EntityId::Team(t)) = target(Some(r)) {
                        toggle(&mut self.team_initiatives[t], n, add, index(k));
                    }
                }
            }
            EntityId::Team(x) => {
                let team = &self.teams[x];
                if let Some(EntityId::Leader(l)) = target(team.reports_to.as_ref()) {
                    toggle(&mut self.reports[l], key, add, |x| keys.get(*x));
                }
                for d in &team.dependencies {
                    if let Some(EntityId::Team(t)) = target(Some(&d.target)) {
                        toggle(&mut self.dependents[t], n, add, index(k));
                    }
                }
            }
        }
    }

    /// The declaration of an entity.
    pub fn decl(&self, id: EntityId) -> &Decl {
        match id {
            EntityId::Leader(i) => &self.leaders[i].decl,
            EntityId::Initiative(i) => &self.initiatives[i].decl,
            EntityId::Team(i) => &self.teams[i].decl,
        }
    }

    /// A hash of what every id that a name of a leader or a team may name
    /// resolves to (a leader, a team, or nothing): while it is the same, so
    /// is what any such name resolves to. Kept with the ids (a semantic
    /// tokens request read every id of the workspace for it, 54% of a
    /// delta's time in a ten-file workspace: BENCHMARKS.md, "5 Dec
    /// (thirteenth session)").
    pub fn names_fingerprint(&self) -> u64 {
        debug_assert_eq!(self.names_sum, self.count_names());
        self.names_sum
    }

    /// [`Model::names_fingerprint`] counted over every id.
    fn count_names(&self) -> u64 {
        self.ids.iter().fold(0u64, |sum, (id, es)| {
            sum.wrapping_add(names_term(id, Some(es)))
        })
    }

    /// A fingerprint of the declared ids and their kinds: equal for equal
    /// sets (whatever the order), so caches of what depends on the ids alone
    /// can tell when to forget.
    pub fn ids_fingerprint(&self) -> u64 {
        self.ids
            .keys()
            .fold(0u64, |acc, id| acc.wrapping_add(self.id_fingerprint(id)))
    }

    /// What one id adds to [`Model::ids_fingerprint`] (0 if undeclared).
    pub fn id_fingerprint(&self, id: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let Some(es) = self.ids.get(id) else { return 0 };
        let mut h = std::collections::hash_map::DefaultHasher::new();
        id.hash(&mut h);
        for e in es {
            (e.kind() as u8).hash(&mut h);
        }
        h.finish().wrapping_add(1)
    }

    /// How many entities of the kind at `k` ([`EntityId::slot`]) there are.
    pub(crate) fn count(&self, k: usize) -> usize {
        [self.leaders.len(), self.initiatives.len(), self.teams.len()][k]
    }

    /// Replaces the entities in `spans` (per kind) by `fresh`'s, with new
    /// keys and empty reverse-index lists. What the model stores about the
    /// others holds their keys ([`keys`]), which stay: a reference to an
    /// entity replaced names nothing for now (its key is gone), and the
    /// lists name none of them (the caller unlinked them). The references
    /// of the entities spliced in are left as `fresh` has them.
    pub(crate) fn splice(&mut self, spans: &[std::ops::Range<usize>; 3], fresh: Model) {
        let n = [
            fresh.leaders.len(),
            fresh.initiatives.len(),
            fresh.teams.len(),
        ];
        splice(
            &mut self.leaders,
            spans[0].clone(),
            fresh.leaders.into_iter(),
        );
        splice(
            &mut self.initiatives,
            spans[1].clone(),
            fresh.initiatives.into_iter(),
        );
        splice(&mut self.teams, spans[2].clone(), fresh.teams.into_iter());
        self.keys.splice(spans, n);
        splice(&mut self.led_by, spans[0].clone(), defaults(n[0]));
        splice(&mut self.reports, spans[0].clone(), defaults(n[0]));
        splice(&mut self.team_initiatives, spans[2].clone(), defaults(n[2]));
        splice(&mut self.dependents, spans[2].clone(), defaults(n[2]));
        for (k, span) in spans.iter().enumerate() {
            splice(&mut self.referrers[k], span.clone(), defaults(n[k]));
        }
        if self.keys.worn() {
            self.compact();
        }
    }

    /// Numbers the keys anew, each the entity's index (as a fresh build
    /// numbers them): the keys of removed entities are given out no more,
    /// and once they are many more than the entities, this gives their
    /// room back. A reference to a removed entity names nothing.
    fn compact(&mut self) {
        let keys = std::mem::take(&mut self.keys);
        let to = |key: Key| {
            keys.get(key)
                .map(|e| Key::new(key.kind(), e.slot().1 as u32))
        };
        // A list names no removed entity (the caller unlinks them); if one
        // did, its key would name another entity once numbered anew.
        let entities = |v: &mut Entities| {
            v.retain(|x| to(*x).map(|y| *x = y).is_some());
        };
        let indices = |kind: usize| {
            let keys = &keys;
            move |v: &mut Indices| {
                v.retain(|x| keys.index(kind, *x).map(|i| *x = i as u32).is_some());
            }
        };
        let target = |r: &mut Reference| r.target = r.target.and_then(to);
        self.leaders.iter_mut().for_each(|l| l.refs_mut(target));
        self.initiatives.iter_mut().for_each(|i| i.refs_mut(target));
        self.teams.iter_mut().for_each(|t| t.refs_mut(target));
        self.ids.values_mut().for_each(entities);
        self.reports.iter_mut().for_each(entities);
        self.referrers.iter_mut().flatten().for_each(entities);
        self.dangling.values_mut().for_each(entities);
        self.led_by.iter_mut().for_each(indices(1));
        self.team_initiatives.iter_mut().for_each(indices(1));
        self.dependents.iter_mut().for_each(indices(2));
        self.keys = Keys::identity(keys.counts());
    }

    /// The model, its keys numbered anew ([`Model::compact`]) and its ids
    /// and dangling names in order, written out: equal for models that say
    /// the same, however each was built or updated (for tests).
    #[doc(hidden)]
    pub fn dump(&self) -> String {
        let mut m = self.clone();
        m.compact();
        let ids: std::collections::BTreeMap<_, _> = m.ids.drain().collect();
        let dangling: std::collections::BTreeMap<_, _> = m.dangling.drain().collect();
        format!("{ids:#?}\n{dangling:#?}\n{m:#?}")
    }

    /// Shifts the entities of each kind from the given index on, to the
    /// end of the edited file's: those of other files have no place in it
    /// (entities are in file order), so a keystroke costs the same in a
    /// workspace of many files as in one.
    ///
    /// On this thread, not split over two: a keystroke's shift is a
    /// fraction of a millisecond, and waking the second thread (which then
    /// spins a while before it sleeps) took the core the server's publisher
    /// needs. BENCHMARKS.md, "3 Dec: a keystroke's shift on one thread"
    /// (server keystroke p50 7.7-9.0 -> 6.7-7.9 ms, p99 11.8-13.7 ->
    /// 10.7-11.0 ms, in-process CPU a keystroke unchanged).
    pub(crate) fn shift_from(&mut self, from: [usize; 3], s: &Shift) {
        // Entities are in the workspace's order of files: those of the
        // edited file and of none after it.
        let rank = self.rank(s.file);
        let upto = |from: usize, len: usize, file: &dyn Fn(usize) -> FileId| {
            from + crate::incremental::partition(len - from, |i| self.rank(file(from + i)) <= rank)
        };
        let to = [
            upto(from[0], self.leaders.len(), &|i| {
                self.leaders[i].decl.file()
            }),
            upto(from[1], self.initiatives.len(), &|i| {
                self.initiatives[i].decl.file()
            }),
            upto(from[2], self.teams.len(), &|i| self.teams[i].decl.file()),
        ];
        // Each entity's lists are on the heap, one allocation each: the
        // walk asks for those of the entity a few places ahead, so that
        // they are on their way while it shifts this one. In the cold
        // floor (64 MiB written before each keystroke, as a server's
        // keystroke finds the caches after a publication), the 100k plan's
        // keystroke p50 went 0.81-0.94 -> 0.66-0.77 ms, alternating builds,
        // and the warm floor did not move; asking for the entity itself
        // further ahead took 0.77-0.96 -> 0.73-0.78 ms: BENCHMARKS.md, "7
        // Dec (thirty-fifth session)".
        fn shift<T: Shiftable + Ahead>(v: &mut Seq<T>, r: std::ops::Range<usize>, s: &Shift) {
            const AHEAD: usize = 4;
            let mut range = v.range_mut(r);
            let (a, b) = range.as_mut_slices();
            for part in [a, b] {
                for i in 0..part.len() {
                    // The entity itself first (the slots are large enough
                    // that the processor's own foresight falls behind),
                    // its lists once it has arrived.
                    if let Some(x) = part.get(i + 2 * AHEAD) {
                        crate::ask_for(std::slice::from_ref(x));
                    }
                    if let Some(x) = part.get(i + AHEAD) {
                        x.ask_ahead();
                    }
                    part[i].shift(s);
                }
            }
        }
        shift(&mut self.leaders, from[0]..to[0], s);
        shift(&mut self.initiatives, from[1]..to[1], s);
        shift(&mut self.teams, from[2]..to[2], s);
    }

    /// Records that `e` is declared as `id` (keeping each id's declarations
    /// in file order), or no longer is.
    pub(crate) fn declare(&mut self, e: EntityId, id: &str, add: bool) {
        let before = names_term(id, self.ids.get(id));
        self.declare_id(e, id, add);
        let after = names_term(id, self.ids.get(id));
        self.names_sum = self.names_sum.wrapping_sub(before).wrapping_add(after);
    }

    /// [`Model::declare`] but for the names' fingerprint.
    fn declare_id(&mut self, e: EntityId, id: &str, add: bool) {
        let key = self.keys.key(e);
        if add {
            let at = self.decl_order(e);
            let mut es = self.ids.remove(id).unwrap_or_default();
            if es.is_empty() {
                self.id_index.insert(id);
            }
            let pos =
                es.partition_point(|x| self.keys.get(*x).is_some_and(|x| self.decl_order(x) < at));
            es.insert(pos, key);
            self.ids.insert(id.into(), es);
        } else if let Some(es) = self.ids.get_mut(id) {
            es.retain(|x| *x != key);
            if es.is_empty() {
                self.ids.remove(id);
                self.id_index.remove(id);
            }
        }
    }

    /// The entity a reference names: the first declaration of that id with a
    /// kind the reference accepts.
    pub fn resolve(&self, r: &Reference) -> Option<EntityId> {
        self.keys.get(r.target?)
    }

    pub fn lookup(&self, id: &str, expected: RefKind) -> Option<EntityId> {
        self.declarations(id).find(|e| expected.accepts(*e))
    }

    /// Whether `e` is a later declaration of an id declared before it (in
    /// the workspace's order): references name the first, never this one.
    pub fn is_shadowed(&self, e: EntityId) -> bool {
        self.any(self.decl(e).id.as_str())
            .is_some_and(|first| first != e)
    }

    /// Any entity declared with this id.
    pub fn any(&self, id: &str) -> Option<EntityId> {
        self.declarations(id).next()
    }

    /// The entities declared with this id, in the workspace's order (more
    /// than one: the later ones duplicate the first).
    pub fn declarations(&self, id: &str) -> Listed<'_, Key> {
        self.listed(self.ids.get(id))
    }

    /// Every id declared, with its declarations ([`Model::declarations`]),
    /// in no particular order.
    pub fn declared(&self) -> impl Iterator<Item = (&CompactString, Listed<'_, Key>)> + '_ {
        self.ids.iter().map(|(id, es)| (id, self.listed(Some(es))))
    }

    /// The entities a list of keys names (none without a list).
    fn listed<'a>(&'a self, es: Option<&'a Entities>) -> Listed<'a, Key> {
        Listed::new(&self.keys, 0, es.map_or(&[], |es| es.as_slice()))
    }

    /// Whether an entity is declared with this id.
    pub fn is_declared(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }

    /// Every id declared, in no particular order.
    pub fn declared_ids(&self) -> impl Iterator<Item = &CompactString> + '_ {
        self.ids.keys()
    }

    /// Every id declared as a kind `expected` accepts (among others).
    pub fn ids_declared_as(&self, expected: RefKind) -> impl Iterator<Item = &str> + '_ {
        self.ids
            .iter()
            .filter(move |(_, es)| any_of_kind(es, expected))
            .map(|(id, _)| id.as_str())
    }

    /// Whether `id` is declared as a kind `expected` accepts.
    pub fn is_declared_as(&self, id: &str, expected: RefKind) -> bool {
        self.ids.get(id).is_some_and(|es| any_of_kind(es, expected))
    }

    /// The initiatives naming leader `l` as their `leader:`.
    pub fn led_by(&self, l: usize) -> Listed<'_, u32> {
        Listed::new(&self.keys, 1, &self.led_by[l])
    }

    /// The initiatives listing team `t` under `teams:`.
    pub fn team_initiatives(&self, t: usize) -> Listed<'_, u32> {
        Listed::new(&self.keys, 1, &self.team_initiatives[t])
    }

    /// The teams whose dependencies name team `t`.
    pub fn dependents(&self, t: usize) -> Listed<'_, u32> {
        Listed::new(&self.keys, 2, &self.dependents[t])
    }

    /// The teams and leaders that report to leader `l`.
    pub fn reports(&self, l: usize) -> Listed<'_, Key> {
        Listed::new(&self.keys, 0, &self.reports[l])
    }

    /// The entities whose references name `e`, any way.
    pub fn referrers(&self, e: EntityId) -> Listed<'_, Key> {
        let (k, i) = e.slot();
        Listed::new(&self.keys, 0, &self.referrers[k][i])
    }

    /// The entities whose blocks write `name` in a reference, when it
    /// names nothing.
    pub fn dangling(&self, name: &str) -> Listed<'_, Key> {
        self.listed(self.dangling.get(name))
    }

    /// Whether a reference written with `name` names nothing.
    pub fn is_dangling(&self, name: &str) -> bool {
        self.dangling.contains_key(name)
    }

    /// Each name written in a reference that names nothing, with the
    /// entities whose blocks write it, in no particular order.
    pub fn dangling_names(&self) -> impl Iterator<Item = (&CompactString, Listed<'_, Key>)> + '_ {
        self.dangling
            .iter()
            .map(|(n, es)| (n, self.listed(Some(es))))
    }

    /// All entity ids.
    pub fn entities(&self) -> impl Iterator<Item = EntityId> + '_ {
        (0..self.leaders.len())
            .map(EntityId::Leader)
            .chain((0..self.initiatives.len()).map(EntityId::Initiative))
            .chain((0..self.teams.len()).map(EntityId::Team))
    }

    /// Every reference written anywhere in the model.
    pub fn references(&self) -> impl Iterator<Item = &Reference> + '_ {
        self.entities().flat_map(|e| self.references_of(e))
    }

    /// Calls `f` with what each reference written in `e`'s block names.
    pub fn targets_of(&self, e: EntityId, mut f: impl FnMut(EntityId)) {
        self.for_each_ref(e, |r| {
            if let Some(t) = self.resolve(r) {
                f(t)
            }
        })
    }

    /// Calls `f` with each reference written in `e`'s block.
    pub fn for_each_ref(&self, e: EntityId, mut f: impl FnMut(&Reference)) {
        match e {
            EntityId::Leader(l) => self.leaders[l].reports_to.iter().for_each(f),
            EntityId::Initiative(i) => {
                let i = &self.initiatives[i];
                i.leader.iter().for_each(&mut f);
                i.teams.iter().for_each(&mut f);
                i.approvals.iter().for_each(&mut f);
            }
            EntityId::Team(t) => {
                let t = &self.teams[t];
                t.reports_to.iter().for_each(&mut f);
                t.approvals.iter().for_each(&mut f);
                for d in &t.dependencies {
                    f(&d.target);
                    d.owner.iter().for_each(&mut f);
                }
            }
        }
    }

    /// The references written in one entity's block.
    pub fn references_of(&self, e: EntityId) -> Box<dyn Iterator<Item = &Reference> + '_> {
        match e {
            EntityId::Leader(l) => Box::new(self.leaders[l].reports_to.iter()),
            EntityId::Initiative(i) => {
                let i = &self.initiatives[i];
                Box::new(
                    i.leader
                        .iter()
                        .chain(i.teams.iter())
                        .chain(i.approvals.iter()),
                )
            }
            EntityId::Team(t) => {
                let t = &self.teams[t];
                Box::new(
                    t.reports_to.iter().chain(t.approvals.iter()).chain(
                        t.dependencies
                            .iter()
                            .flat_map(|d| std::iter::once(&d.target).chain(d.owner.iter())),
                    ),
                )
            }
        }
    }

    /// The initiative a team is on, when it is on exactly one, else the first.
    pub fn initiative_of_team(&self, team: usize) -> Option<usize> {
        self.team_initiatives
            .get(team)
            .and_then(|_| self.team_initiatives(team).next())
    }
}

/// Whether any of `es` is of a kind `expected` accepts.
fn any_of_kind(es: &Entities, expected: RefKind) -> bool {
    es.iter().any(|e| expected.accepts(e.of_kind()))
}

/// The entities a list of the model names, by their indices: an iterator
/// of [`EntityId`]s (a list of keys) or of indices of one kind (a list of
/// keys' numbers), in the workspace's order.
#[derive(Clone)]
pub struct Listed<'a, T> {
    keys: &'a Keys,
    kind: usize,
    list: std::slice::Iter<'a, T>,
}

impl<'a, T> Listed<'a, T> {
    fn new(keys: &'a Keys, kind: usize, list: &'a [T]) -> Listed<'a, T> {
        Listed {
            keys,
            kind,
            list: list.iter(),
        }
    }

    /// How many are left.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.len() == 0
    }
}

impl Iterator for Listed<'_, Key> {
    type Item = EntityId;

    fn next(&mut self) -> Option<EntityId> {
        // Every key a list holds is alive (the entities removed are
        // unlinked first): the check only keeps the walk total.
        loop {
            let &k = self.list.next()?;
            match self.keys.get(k) {
                Some(e) => return Some(e),
                None => debug_assert!(false, "a list names a removed entity"),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.list.len()))
    }
}

impl Iterator for Listed<'_, u32> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        loop {
            let &n = self.list.next()?;
            match self.keys.index(self.kind, n) {
                Some(i) => return Some(i),
                None => debug_assert!(false, "a list names a removed entity"),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.list.len()))
    }
}

/// From this many blocks on, a model is built on two threads (a large
/// plan opened whole: about 20,000 blocks in 100,000 lines).
const BUILD_ALONE: usize = 4096;

/// The entity a block declares.
enum Entity {
    Leader(Leader),
    Initiative(Initiative),
    Team(Team),
}

/// The entity `block` declares, if it declares one (a known kind with an
/// id; `depends_on` declares none); `errors` are its file's syntax errors,
/// sorted by place.
fn declared(file: FileId, block: &Block, errors: &[crate::syntax::SyntaxError]) -> Option<Entity> {
    let kind = BlockKind::from_keyword(&block.kind.text)?;
    let name = block.name.as_ref()?;
    if kind == BlockKind::DependsOn {
        return None;
    }
    let unread = Unread::of(kind, block, has_error(errors, block.range));
    let decl = Decl {
        unread,
        id: name.text.clone(),
        title: block.title.as_ref().and_then(|t| match &t.kind {
            ValueKind::Str(s) => Some(s.clone()),
            _ => None,
        }),
        name: Loc::new(file, name.range),
        block: Loc::new(file, block.range),
        body: block.body,
    };
    Some(match kind {
        BlockKind::Leader => Entity::Leader(leader(file, block, decl)),
        BlockKind::Initiative => Entity::Initiative(initiative(file, block, decl)),
        _ => Entity::Team(team(file, block, errors, decl)),
    })
}

/// The entities of some blocks, by kind, and the kind of each in the
/// blocks' order ([`Model::build`] on two threads).
#[derive(Default)]
struct Declared {
    leaders: Vec<Leader>,
    initiatives: Vec<Initiative>,
    teams: Vec<Team>,
    order: Vec<usize>,
}

impl Declared {
    fn add(&mut self, file: FileId, block: &Block, errors: &[crate::syntax::SyntaxError]) {
        if let Some(e) = declared(file, block, errors) {
            let counts = [self.leaders.len(), self.initiatives.len(), self.teams.len()];
            let id = e.push(
                &mut self.leaders,
                &mut self.initiatives,
                &mut self.teams,
                counts,
            );
            self.order.push(id.slot().0);
        }
    }
}

impl Entity {
    /// Appends the entity to the list of its kind: its id there.
    fn push(
        self,
        leaders: &mut impl Extend<Leader>,
        initiatives: &mut impl Extend<Initiative>,
        teams: &mut impl Extend<Team>,
        counts: [usize; 3],
    ) -> EntityId {
        match self {
            Entity::Leader(l) => {
                leaders.extend([l]);
                EntityId::Leader(counts[0])
            }
            Entity::Initiative(i) => {
                initiatives.extend([i]);
                EntityId::Initiative(counts[1])
            }
            Entity::Team(t) => {
                teams.extend([t]);
                EntityId::Team(counts[2])
            }
        }
    }
}

/// The leader `block` declares.
fn leader(file: FileId, block: &Block, decl: Decl) -> Leader {
    Leader {
        job_title: string(block.property("title")),
        allocation: block.property("allocation").and_then(|p| {
            let v = p.values.first()?;
            // A value out of its range is reported by `invalid-value`, and
            // read as not written.
            match v.kind {
                ValueKind::Percent(x) if crate::schema::ValueType::Percent.accepts(&v.kind) => {
                    Some(At {
                        value: x,
                        loc: Loc::new(file, p.range),
                    })
                }
                _ => None,
            }
        }),
        duties: strings(file, block.property("duties")),
        reports_to: single_ref(file, block.property("reports_to"), RefKind::Leader),
        decl,
    }
}

/// The initiative `block` declares.
fn initiative(file: FileId, block: &Block, decl: Decl) -> Initiative {
    let model = block.property("model").and_then(|p| {
        let v = p.values.first()?;
        let value = match v.as_ident()? {
            "ownership" => OrgModel::Ownership,
            "leadership" => OrgModel::Leadership,
            _ => return None,
        };
        Some(At {
            value,
            loc: Loc::new(file, v.range),
        })
    });
    Initiative {
        leader: single_ref(file, block.property("leader"), RefKind::Leader),
        model,
        critical: boolean(block.property("critical")),
        scope: non_blank(file, block.property("scope")),
        metrics: strings(file, block.property("metrics"))
            .into_iter()
            .filter(|m| !m.value.trim().is_empty())
            .collect(),
        teams: refs(file, block.property("teams"), RefKind::Team),
        approvals: refs(file, block.property("approvals"), RefKind::LeaderOrTeam),
        approvals_prop: block.property("approvals").map(|p| Loc::new(file, p.range)),
        decl,
    }
}

/// The team `block` declares; `errors` are its file's syntax errors.
fn team(file: FileId, block: &Block, errors: &[crate::syntax::SyntaxError], decl: Decl) -> Team {
    let roles_prop = block.property("roles");
    let read: Vec<(CompactString, TextRange)> = roles_prop.map_or_else(Vec::new, |p| {
        p.values
            .iter()
            .filter_map(|v| Some((v.as_ident()?.into(), v.range)))
            .collect()
    });
    Team {
        reports_to: single_ref(file, block.property("reports_to"), RefKind::Leader),
        last_role: read.last().map(|(_, r)| Loc::new(file, *r)),
        roles: read.into_iter().map(|(role, _)| role).collect(),
        roles_prop: roles_prop.map(|p| Loc::new(file, p.range)),
        // A `functional:` the model cannot read counts as `true`: the rules
        // that spare functional teams would otherwise report what is only
        // an invalid value.
        functional: boolean(block.property("functional"))
            || decl.unread.unreadable(BlockKind::Team, "functional"),
        approvals: refs(file, block.property("approvals"), RefKind::LeaderOrTeam),
        approvals_prop: block.property("approvals").map(|p| Loc::new(file, p.range)),
        dependencies: block
            .children
            .iter()
            .filter(|c| c.kind.text == BlockKind::DependsOn.keyword())
            .filter_map(|c| dependency(file, c, errors))
            .collect(),
        decl,
    }
}

/// The dependency a `depends_on` block `c` declares (none without a target).
fn dependency(
    file: FileId,
    c: &Block,
    errors: &[crate::syntax::SyntaxError],
) -> Option<Dependency> {
    let target = c.name.as_ref()?;
    Some(Dependency {
        target: Reference {
            name: target.text.clone(),
            loc: Loc::new(file, target.range),
            expected: RefKind::Team,
            context: RefContext::DependsOn,
            target: None,
        },
        owner: single_ref(file, c.property("owner"), RefKind::LeaderOrTeam),
        plan: non_blank(file, c.property("plan")),
        head: Loc::new(file, c.kind.range.cover(target.range)),
        block: Loc::new(file, c.range),
        body: c.body,
        unread: Unread::of(BlockKind::DependsOn, c, has_error(errors, c.range)),
    })
}

/// A string property that says something (not only blanks), at the place
/// of the property.
fn non_blank(file: FileId, p: Option<&Property>) -> Option<At<CompactString>> {
    let p = p?;
    let s = string(Some(p))?;
    (!s.trim().is_empty()).then(|| At {
        value: s,
        loc: Loc::new(file, p.range),
    })
}

fn string(p: Option<&Property>) -> Option<CompactString> {
    match &p?.values.first()?.kind {
        ValueKind::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn strings(file: FileId, p: Option<&Property>) -> Vec<At<CompactString>> {
    p.map(|p| {
        p.values
            .iter()
            .filter_map(|v| match &v.kind {
                ValueKind::Str(s) => Some(At {
                    value: s.clone(),
                    loc: Loc::new(file, v.range),
                }),
                _ => None,
            })
            .collect()
    })
    .unwrap_or_default()
}

fn boolean(p: Option<&Property>) -> bool {
    matches!(
        p.and_then(|p| p.values.first()).map(|v| &v.kind),
        Some(ValueKind::Bool(true))
    )
}

fn single_ref(file: FileId, p: Option<&Property>, expected: RefKind) -> Option<Reference> {
    let p = p?;
    let v = p.values.first()?;
    Some(Reference {
        name: v.as_ident()?.into(),
        loc: Loc::new(file, v.range),
        expected,
        context: RefContext::of_key(&p.key.text),
        target: None,
    })
}

fn refs(file: FileId, p: Option<&Property>, expected: RefKind) -> Vec<Reference> {
    let Some(p) = p else { return Vec::new() };
    p.values
        .iter()
        .filter_map(|v| {
            Some(Reference {
                name: v.as_ident()?.into(),
                loc: Loc::new(file, v.range),
                expected,
                context: RefContext::of_key(&p.key.text),
                target: None,
            })
        })
        .collect()
}

/// Adds `x` to (or removes it from) `v`, sorted by `at` (each item's
/// place: every item in `v` has one).
fn toggle<A: smallvec::Array, P: Ord>(
    v: &mut smallvec::SmallVec<A>,
    x: A::Item,
    add: bool,
    at: impl Fn(&A::Item) -> Option<P>,
) where
    A::Item: PartialEq,
{
    let place = at(&x);
    let found = v.binary_search_by(|y| at(y).cmp(&place));
    debug_assert!(found.is_err() || v[*found.as_ref().unwrap()] == x);
    match (found, add) {
        (Err(at), true) => v.insert(at, x),
        (Ok(at), false) => {
            v.remove(at);
        }
        _ => {}
    }
}

/// Moves every place in a value of the model (or a finding) by an edit.
pub trait Shiftable {
    fn shift(&mut self, s: &Shift);
    /// Whether [`Shiftable::shift`] may change anything: `false` lets a
    /// shared value be left as it is instead of copied. Always `true`
    /// unless a type says otherwise.
    fn moved_by(&self, _s: &Shift) -> bool {
        true
    }
}

impl Shiftable for Loc {
    fn shift(&mut self, s: &Shift) {
        s.loc(self)
    }
}

impl<T: Shiftable> Shiftable for Option<T> {
    fn shift(&mut self, s: &Shift) {
        if let Some(x) = self {
            x.shift(s)
        }
    }
}

impl<T: Shiftable> Shiftable for [T] {
    fn shift(&mut self, s: &Shift) {
        self.iter_mut().for_each(|x| x.shift(s))
    }
}

/// A shared value is shifted in place when nothing else holds it, else copied.
impl<T: Shiftable + Clone> Shiftable for std::sync::Arc<T> {
    fn shift(&mut self, s: &Shift) {
        if (**self).moved_by(s) {
            std::sync::Arc::make_mut(self).shift(s)
        }
    }
}

impl<T: Shiftable> Shiftable for Vec<T> {
    fn shift(&mut self, s: &Shift) {
        self.as_mut_slice().shift(s)
    }
}

impl<T> Shiftable for At<T> {
    fn shift(&mut self, s: &Shift) {
        s.loc(&mut self.loc)
    }
}

impl Shiftable for Reference {
    fn shift(&mut self, s: &Shift) {
        s.loc(&mut self.loc)
    }
}

impl Shiftable for Decl {
    fn shift(&mut self, s: &Shift) {
        s.loc(&mut self.name);
        s.loc(&mut self.block);
        if self.block.file == s.file {
            self.body = self.body.map(|b| s.range(b));
        }
    }
}

impl Shiftable for Leader {
    fn shift(&mut self, s: &Shift) {
        self.decl.shift(s);
        self.allocation.shift(s);
        self.duties.shift(s);
        self.reports_to.shift(s);
    }
}

impl Shiftable for Initiative {
    fn shift(&mut self, s: &Shift) {
        self.decl.shift(s);
        self.leader.shift(s);
        self.model.shift(s);
        self.scope.shift(s);
        self.metrics.shift(s);
        self.teams.shift(s);
        self.approvals.shift(s);
        self.approvals_prop.shift(s);
    }
}

impl Shiftable for Dependency {
    fn shift(&mut self, s: &Shift) {
        self.target.shift(s);
        self.owner.shift(s);
        self.plan.shift(s);
        s.loc(&mut self.head);
        if self.block.file == s.file {
            self.body = self.body.map(|b| s.range(b));
        }
        s.loc(&mut self.block);
    }
}

impl Shiftable for Team {
    fn shift(&mut self, s: &Shift) {
        self.decl.shift(s);
        self.reports_to.shift(s);
        self.last_role.shift(s);
        self.roles_prop.shift(s);
        self.approvals.shift(s);
        self.approvals_prop.shift(s);
        self.dependencies.shift(s);
    }
}

/// What a shift of an entity reads besides the entity itself: its lists
/// on the heap, asked for ahead of the walk ([`Model::shift_from`],
/// [`crate::ask_for`]).
trait Ahead {
    fn ask_ahead(&self);
}

impl Ahead for Leader {
    fn ask_ahead(&self) {
        crate::ask_for(&self.duties);
    }
}

impl Ahead for Initiative {
    fn ask_ahead(&self) {
        crate::ask_for(&self.metrics);
        crate::ask_for(&self.teams);
        crate::ask_for(&self.approvals);
    }
}

impl Ahead for Team {
    fn ask_ahead(&self) {
        crate::ask_for(&self.approvals);
        crate::ask_for(&self.dependencies);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// Per kind: before the splice stays, spliced out is gone, after moves
    /// by what the splice added less what it took.
    #[test]
    fn slots_move_what_follows_a_splice() {
        let slots = Slots {
            kinds: [(2, 3, 1), (0, 0, 0), (5, 0, 2)],
        };
        let get = |e| slots.get(e);
        assert_eq!(get(EntityId::Leader(1)), Some(EntityId::Leader(1)));
        assert!((2..5).all(|i| get(EntityId::Leader(i)).is_none()));
        assert_eq!(get(EntityId::Leader(5)), Some(EntityId::Leader(3)));
        assert_eq!(get(EntityId::Initiative(9)), Some(EntityId::Initiative(9)));
        assert_eq!(get(EntityId::Team(4)), Some(EntityId::Team(4)));
        assert_eq!(get(EntityId::Team(5)), Some(EntityId::Team(7)));
    }

    /// `n` groups of blocks: leaders reporting up, initiatives with teams,
    /// teams depending on others, ids declared twice (a team with a
    /// leader's id), references to nothing, and a syntax error now and then.
    fn plan(n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            let up = i / 2;
            let next = i + 1;
            let other = (i * 7) % n;
            let _ = write!(s, "leader l{i} \"L\" {{\n  reports_to: l{up}\n}}\n");
            let _ = write!(
                s,
                "initiative i{i} \"I\" {{\n  leader: l{i}\n  teams: t{i}, t{next}, gone{i}\n}}\n"
            );
            let _ = write!(
                s,
                "team t{i} \"T\" {{\n  reports_to: l{i}\n  roles: engineering, qa\n  depends_on t{other} {{ owner: t{i} }}\n}}\n"
            );
            if i % 5 == 0 {
                let _ = write!(s, "team l{i} {{\n  reports_to: l{up}\n}}\n");
            }
            if i % 97 == 0 {
                s.push_str("team broken {\n  roles: : qa\n}\n");
            }
        }
        s
    }

    #[test]
    fn a_model_built_on_two_threads_is_the_one_built_on_one() {
        let (a, b) = (plan(1500), plan(400));
        let (a, b) = (crate::Text::new(&a), crate::Text::new(&b));
        let (a, b) = (crate::chunks::parse(&a), crate::chunks::parse(&b));
        let docs = [(FileId(0), a.doc()), (FileId(1), b.doc())];
        let blocks: Vec<_> = docs
            .iter()
            .flat_map(|&(file, doc)| doc.blocks.iter().map(move |b| (file, b, &doc.errors[..])))
            .collect();
        // Built in halves, the first file's blocks split between them.
        assert!(blocks.len() >= BUILD_ALONE);
        assert!(blocks.len() / 2 < a.doc().blocks.len());
        assert!(!a.doc().errors.is_empty());
        let built = Model::build(docs);
        assert!(built.ids.values().any(|es| es.len() > 1));
        let alone = Model::build_alone(&blocks, Vec::new());
        assert_eq!(format!("{built:?}"), format!("{alone:?}"));
    }

    proptest::proptest! {
        /// Splices anywhere, one after another, leave the list a vector's
        /// splices leave, and its room grows by a thirty-second, not twice
        /// over.
        #[test]
        fn a_list_spliced_here_and_there_is_the_vectors(
            len in 0usize..3000,
            edits in proptest::collection::vec((0.0f64..1.0, 0usize..4, 0usize..4), 1..40),
        ) {
            let mut want: Vec<u32> = (0..len as u32).collect();
            let mut got: Seq<u32> = want.clone().into();
            let mut next = len as u32;
            for (at, gone, added) in edits {
                let start = (at * want.len() as f64) as usize;
                let span = start..(start + gone).min(want.len());
                let new: Vec<u32> = (next..next + added as u32).collect();
                next += added as u32;
                want.splice(span.clone(), new.iter().copied());
                splice(&mut got, span, new.into_iter());
                proptest::prop_assert_eq!(got.iter().copied().collect::<Vec<_>>(), want.clone());
                proptest::prop_assert!(got.capacity() <= len + len / 32 + 200, "{}", got.capacity());
            }
        }
    }
}
