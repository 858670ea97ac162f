//! "Did you mean …?": the closest candidate by edit distance.
//!
//! A candidate is close when its Jaro-Winkler similarity is at least 0.8,
//! or when it is at most a third of the longer length of edits away; an
//! edit is an insertion, a deletion, a substitution or the swap of two
//! neighbouring letters (optimal string alignment), so that `ian` finds a
//! declared `ina`.
//!
//! On a large plan a reference is checked against every id of the workspace
//! (tens of thousands), so candidates are first screened with cheap upper
//! bounds computed from character counts; only those that could win are
//! scored exactly. The screen never changes the answer.

/// The candidate closest to `word`, if one is close enough to be a likely
/// typo; of equally close ones, the first.
pub fn best<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let q = Query::new(word);
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if let Some(score) = q.score(c, best.map(|(s, _)| s)) {
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, c));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// Like [`best`] over the candidates sorted, without sorting them: of equally
/// close ones, the smallest.
pub fn best_of_unsorted<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let q = Query::new(word);
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        // A tie can still win here (by name), so screen against a hair less.
        let floor = best.map(|(s, _)| s - 2.0 * EPSILON);
        if let Some(score) = q.score(c, floor) {
            if best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
                best = Some((score, c));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// The closest candidates to a word, best first (by score, then by name):
/// at most [`Top::K`]. A memo keeps them so that when the best one goes
/// away, the next is known without searching every id again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Top {
    ranked: Vec<(f64, String)>,
    /// Whether every candidate close enough is in `ranked`.
    complete: bool,
}

impl Top {
    pub const K: usize = 8;

    /// The best candidate.
    pub fn best(&self) -> Option<&str> {
        self.ranked.first().map(|(_, c)| c.as_str())
    }

    /// Drops the candidates that `keep` refuses. Gives `false` when what is
    /// left cannot say which is best (all of a partial list went).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) -> bool {
        self.ranked.retain(|(_, c)| keep(c));
        self.complete || !self.ranked.is_empty()
    }

    /// Considers one more candidate for `word`.
    pub fn offer(&mut self, word: &str, candidate: &str) {
        self.offer_all(word, [candidate]);
    }

    /// Considers more candidates for `word` (its query made once, and
    /// only if one is offered); gives whether the best is another now.
    pub fn offer_all<'c>(
        &mut self,
        word: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> bool {
        let mut query = None;
        let mut first = false;
        for c in candidates {
            let q = query.get_or_insert_with(|| Query::new(word));
            first |= self.offer_to(q, c) == Some(0);
        }
        first
    }

    /// [`Top::offer_all`] with candidates made ready once for many words
    /// (a memo's entries, patched after a keystroke): a word that a
    /// candidate's own screen rules out is not even made a query, since
    /// the screen says the same both ways ([`Query::bound`]); nor is one
    /// that cannot score above the last of a partial list, where it would
    /// change nothing ([`Top::offer_to`]). In a ten-file workspace, a
    /// keystroke that renamed a team made a query of most of the memo's
    /// words (BENCHMARKS.md, "7 Dec (thirtieth session)").
    pub fn offer_prepared(&mut self, word: &str, candidates: &[Prepared]) -> bool {
        let mut query = None;
        let mut first = false;
        for c in candidates {
            if let Some((most, far)) = c.0.bound(word) {
                if far {
                    continue;
                }
                // Past the end of a partial list, nothing changes.
                let last = self.ranked.last().map(|(s, _)| *s);
                if !self.complete && last.is_some_and(|last| most <= last - 2.0 * EPSILON) {
                    continue;
                }
            }
            let q = query.get_or_insert_with(|| Query::new(word));
            first |= self.offer_to(q, c.0.word) == Some(0);
        }
        first
    }

    /// Considers `candidate` for `q`'s word; gives where it went in, if it did.
    fn offer_to(&mut self, q: &Query, candidate: &str) -> Option<usize> {
        if self.ranked.iter().any(|(_, c)| c == candidate) {
            return None;
        }
        let score = q.score(candidate, None)?;
        let at = self
            .ranked
            .partition_point(|(s, c)| *s > score || (*s == score && c.as_str() < candidate));
        if at >= Self::K {
            self.complete = false;
            return None;
        }
        if !self.complete && at >= self.ranked.len() {
            // Past the end of a partial list: something unknown may rank
            // between; it is not needed unless the list runs out.
            return None;
        }
        self.ranked.insert(at, (score, candidate.to_string()));
        if self.ranked.len() > Self::K {
            self.ranked.truncate(Self::K);
            self.complete = false;
        }
        Some(at)
    }
}

/// A candidate made ready to be offered to many words
/// ([`Top::offer_prepared`]).
pub struct Prepared<'c>(Query<'c>);

impl<'c> Prepared<'c> {
    pub fn new(candidate: &'c str) -> Prepared<'c> {
        Prepared(Query::new(candidate))
    }
}

/// The [`Top::K`] candidates closest to `word`, as [`best_of_unsorted`]
/// ranks them (its answer comes first).
pub fn top_of_unsorted<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Top {
    let q = Query::new(word);
    let mut ranked: Vec<(f64, &str)> = Vec::with_capacity(Top::K + 1);
    let mut complete = true;
    for c in candidates {
        // Ties can still get in (by name), so screen against a hair less.
        let floor = (ranked.len() == Top::K).then(|| ranked[Top::K - 1].0 - 2.0 * EPSILON);
        if let Some(score) = q.score(c, floor) {
            let at = ranked.partition_point(|(s, b)| *s > score || (*s == score && *b < c));
            if at < Top::K {
                ranked.insert(at, (score, c));
                if ranked.len() > Top::K {
                    ranked.pop();
                    complete = false;
                }
            } else {
                complete = false;
            }
        } else if floor.is_some() {
            // Screened out by the floor (or not close): the list may be partial.
            complete = false;
        }
    }
    Top {
        ranked: ranked
            .into_iter()
            .map(|(s, c)| (s, c.to_string()))
            .collect(),
        complete,
    }
}

/// The declared ids, arranged for the did-you-mean search: ASCII ids by
/// length, each length's in lower-case order, so that a search scores
/// first the ids that can come closest (of a length near the word's,
/// sharing its first letters) and stops once no id left can beat the
/// [`Top::K`] closest found. Jaro-Winkler is bounded by the lengths,
/// `(m/|a| + m/|b| + 1) / 3` with `m` at most the shorter one, and the
/// boost of the prefix shared; the edit distance is at least the
/// difference of the lengths. The answers are those of scoring every id
/// ([`top_of_unsorted`]; a property test holds it), but in a workspace of
/// a hundred thousand ids a search scores a few hundred.
#[derive(Clone, Default)]
pub struct Index {
    /// Whether the ids were put in ([`Index::build`]); until then a search
    /// says nothing and the caller scores every id.
    built: bool,
    /// ASCII ids by length (the last list holds every longer one), each
    /// list sorted by lower case, then as written.
    by_len: Vec<Vec<crate::syntax::CompactString>>,
    /// The [`signature`] of each id of `by_len`, at the same places: a
    /// search passes over most ids on these alone.
    sigs: Vec<Sigs>,
    /// The ids that are not ASCII: always scored.
    other: Vec<crate::syntax::CompactString>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids = self.by_len.iter().map(Vec::len).sum::<usize>() + self.other.len();
        f.debug_struct("Index").field("ids", &ids).finish()
    }
}

/// Lengths up to this have a list each; longer ids share the last.
const LONGEST: usize = 64;

fn lower_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
        .then_with(|| a.cmp(b))
}

/// Scores one candidate into `ranked`, as [`top_of_unsorted`] does, if
/// `accept` takes it (asked only of those close enough to get in: it looks
/// the id up).
fn offer<'a>(
    q: &Query,
    c: &'a str,
    accept: &impl Fn(&str) -> bool,
    ranked: &mut Vec<(f64, &'a str)>,
    complete: &mut bool,
) {
    // Ties can still get in (by name), so screen against a hair less.
    let floor = (ranked.len() == Top::K).then(|| ranked[Top::K - 1].0 - 2.0 * EPSILON);
    if let Some(score) = q.score(c, floor).filter(|_| accept(c)) {
        let at = ranked.partition_point(|(s, b)| *s > score || (*s == score && *b < c));
        if at < Top::K {
            ranked.insert(at, (score, c));
            if ranked.len() > Top::K {
                ranked.pop();
                *complete = false;
            }
        } else {
            *complete = false;
        }
    } else if floor.is_some() {
        *complete = false;
    }
}

/// Part of one length's list: the ids sharing exactly so many of the
/// word's first letters, and the highest score they allow.
struct Cell {
    bound: f64,
    shared: usize,
    len: usize,
    parts: [std::ops::Range<usize>; 2],
}

/// The signatures of one length's ids, in its list's order, and of each
/// block of [`Sigs::BLOCK`] of them, the union of theirs: a search passes
/// over a whole block when its union lacks enough of the word's letters,
/// since each id of the block lacks those too. Ids sorted by lower case
/// share their first letters, so a block's union is close to each one's.
/// In ten files of the benchmark's plan (146,000 ids), a keystroke's search
/// took a third fewer samples (BENCHMARKS.md, "6 Dec (eighteenth session)").
#[derive(Clone, Default)]
struct Sigs {
    each: Vec<u64>,
    blocks: Vec<u64>,
}

impl Sigs {
    const BLOCK: usize = 8;

    fn of(each: Vec<u64>) -> Sigs {
        let mut sigs = Sigs {
            each,
            blocks: Vec::new(),
        };
        sigs.reblock(0);
        sigs
    }

    /// Works the blocks out again from the one holding `at` on.
    fn reblock(&mut self, at: usize) {
        let first = at / Self::BLOCK;
        self.blocks.truncate(first);
        self.blocks.extend(
            self.each[first * Self::BLOCK..]
                .chunks(Self::BLOCK)
                .map(|c| c.iter().fold(0, |u, s| u | s)),
        );
    }

    fn insert(&mut self, at: usize, sig: u64) {
        self.each.insert(at, sig);
        self.reblock(at);
    }

    fn remove(&mut self, at: usize) {
        self.each.remove(at);
        self.reblock(at);
    }

    /// The union of the block that starts at `at`, if one does and it
    /// ends by `end`.
    fn block_at(&self, at: usize, end: usize) -> Option<u64> {
        (at.is_multiple_of(Self::BLOCK) && at + Self::BLOCK <= end)
            .then(|| self.blocks.get(at / Self::BLOCK).copied())
            .flatten()
    }
}

impl Index {
    /// The index of `ids`.
    pub fn build<'a>(ids: impl IntoIterator<Item = &'a str>) -> Index {
        let mut index = Index {
            built: true,
            ..Index::default()
        };
        for id in ids {
            index.list_of(id).push(id.into());
        }
        for list in index.by_len.iter_mut().chain([&mut index.other]) {
            list.sort_unstable_by(|a, b| lower_order(a, b));
            list.shrink_to_fit();
        }
        index.sigs = index
            .by_len
            .iter()
            .map(|list| Sigs::of(list.iter().map(|c| signature(c.as_bytes())).collect()))
            .collect();
        index
    }

    fn list_of(&mut self, id: &str) -> &mut Vec<crate::syntax::CompactString> {
        if !id.is_ascii() {
            return &mut self.other;
        }
        let len = id.len().min(LONGEST);
        if self.by_len.len() <= len {
            self.by_len.resize_with(len + 1, Vec::new);
            self.sigs.resize_with(len + 1, Sigs::default);
        }
        &mut self.by_len[len]
    }

    /// The signatures of the list `id` is in (`None`: the ids that are not
    /// ASCII, which have none).
    fn sigs_of(&mut self, id: &str) -> Option<&mut Sigs> {
        id.is_ascii().then(|| &mut self.sigs[id.len().min(LONGEST)])
    }

    /// Adds an id (once).
    pub fn insert(&mut self, id: &str) {
        if self.built {
            let list = self.list_of(id);
            if let Err(at) = list.binary_search_by(|x| lower_order(x, id)) {
                list.insert(at, id.into());
                if let Some(sigs) = self.sigs_of(id) {
                    sigs.insert(at, signature(id.as_bytes()));
                }
            }
        }
    }

    /// Removes an id.
    pub fn remove(&mut self, id: &str) {
        if self.built {
            let list = self.list_of(id);
            if let Ok(at) = list.binary_search_by(|x| lower_order(x, id)) {
                list.remove(at);
                if let Some(sigs) = self.sigs_of(id) {
                    sigs.remove(at);
                }
            }
        }
    }

    /// The cells of the search for `q`, the most promising first; those
    /// that can hold no close id are left out.
    fn cells(&self, q: &Query) -> Vec<Cell> {
        let la = q.word.len();
        let lower = q.lower.as_bytes();
        let mut cells = Vec::new();
        for (len, list) in self.by_len.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            // The ids whose lower case starts with the word's first `p` letters.
            let starting = |p: usize| {
                let key = &lower[..p];
                let pre = |x: &str| {
                    x.bytes()
                        .take(p)
                        .map(|b| b.to_ascii_lowercase())
                        .cmp(key.iter().copied())
                };
                let lo = list.partition_point(|x| pre(x).is_lt());
                lo..lo + list[lo..].partition_point(|x| pre(x).is_le())
            };
            let most = la.min(4).min(len);
            let mut outer = 0..list.len();
            for p in 0..=most {
                let inner = if p < most {
                    starting(p + 1)
                } else {
                    outer.end..outer.end
                };
                let bound = if len == LONGEST {
                    // Any longer length: no bound.
                    f64::INFINITY
                } else {
                    let m = la.min(len) as f64;
                    let jaro = if m == 0.0 {
                        0.0
                    } else {
                        (m / la as f64 + m / len as f64 + 1.0) / 3.0
                    };
                    jaro + 0.1 * p as f64 * (1.0 - jaro) + EPSILON
                };
                let may_be_close = bound >= 0.8 || la.abs_diff(len) <= la.max(len) / 3;
                if may_be_close {
                    cells.push(Cell {
                        bound,
                        shared: p,
                        len,
                        parts: [outer.start..inner.start, inner.end..outer.end],
                    });
                }
                outer = inner;
            }
        }
        // Of equal bounds, those sharing more of the word's first letters
        // first: they tend to score highest, and the sooner the closest
        // few are found, the sooner the rest can be passed over.
        cells.sort_by(|a, b| b.bound.total_cmp(&a.bound).then(b.shared.cmp(&a.shared)));
        cells
    }

    /// The [`Top::K`] ids closest to `word` among those `accept` takes, as
    /// [`top_of_unsorted`] ranks them; `None` when the index cannot say
    /// (not built, or a word that is not ASCII): then score every id.
    pub fn top(&self, word: &str, accept: impl Fn(&str) -> bool) -> Option<Top> {
        if !self.built || !word.is_ascii() {
            return None;
        }
        let q = Query::new(word);
        let mut ranked: Vec<(f64, &str)> = Vec::with_capacity(Top::K + 1);
        let mut complete = true;
        for c in &self.other {
            offer(&q, c, &accept, &mut ranked, &mut complete);
        }
        for cell in self.cells(&q) {
            if ranked.len() == Top::K && cell.bound <= ranked[Top::K - 1].0 - 2.0 * EPSILON {
                // Nothing from here on can get in.
                complete = false;
                break;
            }
            let (list, sigs) = (&self.by_len[cell.len], &self.sigs[cell.len]);
            // The ids of a list but the last have the cell's length, so
            // only their signatures are read: how many of the word's
            // letters at least they lack, against the fewest that rule an
            // id out (worked out again when the floor rises).
            let fixed = cell.len < LONGEST;
            let mut cut: Option<(Option<f64>, usize)> = None;
            let mut least = |floor: Option<f64>| match cut {
                Some((f, least)) if f == floor => least,
                _ => {
                    let least = q.least_missing(cell.len, cell.shared, floor);
                    cut = Some((floor, least));
                    least
                }
            };
            for part in cell.parts {
                let mut at = part.start;
                while at < part.end {
                    // What `offer` would make of one that cannot score.
                    let floor =
                        (ranked.len() == Top::K).then(|| ranked[Top::K - 1].0 - 2.0 * EPSILON);
                    if let Some(union) = sigs.block_at(at, part.end).filter(|_| fixed) {
                        if q.lacks_at_least(union, least(floor)) {
                            complete &= floor.is_none();
                            at += Sigs::BLOCK;
                            continue;
                        }
                    }
                    let ruled_out = if fixed {
                        q.lacks_at_least(sigs.each[at], least(floor))
                    } else {
                        q.cannot_score(sigs.each[at], list[at].len(), cell.shared, floor)
                    };
                    if ruled_out {
                        complete &= floor.is_none();
                    } else {
                        offer(&q, &list[at], &accept, &mut ranked, &mut complete);
                    }
                    at += 1;
                }
            }
        }
        Some(Top {
            ranked: ranked
                .into_iter()
                .map(|(s, c)| (s, c.to_string()))
                .collect(),
            complete,
        })
    }
}

/// How many characters `c` has in common with the word whose counts are `h`
/// (and, lower-cased, `l`), as multisets.
fn common_chars(h: &[u16; 128], l: &[u16; 128], c: &[u8]) -> (usize, usize) {
    // Count `c` into small arrays keyed by byte, then compare: no copying of
    // the word's tables per candidate.
    let mut seen = [0u16; 128];
    let mut seen_lower = [0u16; 128];
    let (mut common, mut common_lower) = (0, 0);
    for &b in c {
        let (x, y) = (
            (b & 0x7f) as usize,
            (b.to_ascii_lowercase() & 0x7f) as usize,
        );
        seen[x] = seen[x].saturating_add(1);
        if seen[x] <= h[x] {
            common += 1;
        }
        seen_lower[y] = seen_lower[y].saturating_add(1);
        if seen_lower[y] <= l[y] {
            common_lower += 1;
        }
    }
    (common, common_lower)
}

/// Remembers the suggestions for unknown ids across analyses, for as long as
/// the ids they were chosen from stay the same: while someone types, the
/// dangling references of a large plan need not be matched against every id
/// again at each keystroke.
#[derive(Default)]
pub struct Memo {
    inner: std::sync::Mutex<MemoState>,
}

#[derive(Default)]
struct MemoState {
    /// A fingerprint of the candidate ids the entries were chosen from.
    candidates: u64,
    /// Per kind, per word.
    entries: Vec<Entries>,
}

impl Memo {
    /// Forgets everything unless the candidates' fingerprint is `candidates`.
    pub fn validate(&self, candidates: u64) {
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if m.candidates != candidates {
            m.candidates = candidates;
            m.entries.clear();
        }
    }

    /// How many words are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// The fingerprint of the candidates the entries were chosen from.
    pub fn candidates(&self) -> u64 {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .candidates
    }

    /// Brings the entries up to date with candidates that changed, from
    /// those fingerprinted `from` to those fingerprinted `to`. For each
    /// entry (word, kind, closest so far), `patch` corrects it in place, or
    /// says (`false`) to forget it. When the entries were not chosen from
    /// `from` (another analysis sharing the memo refilled it), nothing is
    /// patched: the memo forgets them all, and `false` says so.
    pub fn patch(
        &self,
        from: u64,
        to: u64,
        mut patch: impl FnMut(&str, u8, &mut Top) -> bool,
    ) -> bool {
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let patched = m.candidates == from;
        m.candidates = to;
        if !patched {
            m.entries.clear();
            return false;
        }
        for (kind, entries) in m.entries.iter_mut().enumerate() {
            entries.retain(|word, best| patch(word, kind as u8, best));
        }
        true
    }

    /// The remembered suggestion of each (word, kind) of `queries`, under
    /// one lock: `None` for a word not remembered.
    pub fn peek_all<'q>(
        &self,
        queries: impl IntoIterator<Item = (&'q str, u8)>,
    ) -> Vec<Option<Option<crate::syntax::CompactString>>> {
        let m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        queries
            .into_iter()
            .map(|(word, kind)| m.hit(word, kind))
            .collect()
    }

    /// The remembered suggestion for `word` among the candidates of `kind`,
    /// or the best of those `compute` finds (then remembered).
    pub fn get_or(&self, word: &str, kind: u8, compute: impl FnOnce() -> Top) -> Option<String> {
        if let Some(hit) = self
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .hit(word, kind)
        {
            return hit.map(crate::syntax::CompactString::into_string);
        }
        let found = compute();
        let best = found.best().map(str::to_string);
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() > 100_000 {
            m.entries.clear();
        }
        let k = kind as usize;
        if m.entries.len() <= k {
            m.entries.resize_with(k + 1, Entries::default);
        }
        m.entries[k].insert(word.into(), found);
        best
    }
}

type Entries = rustc_hash::FxHashMap<crate::syntax::CompactString, Top>;

impl MemoState {
    /// The remembered suggestion for `word` among the candidates of
    /// `kind`; `None` when not remembered. A compact string: an id of up
    /// to 24 bytes is copied without an allocation (a keystroke in a
    /// ten-file workspace looks up every dangling reference's).
    fn hit(&self, word: &str, kind: u8) -> Option<Option<crate::syntax::CompactString>> {
        let top = self.entries.get(kind as usize)?.get(word)?;
        Some(top.best().map(crate::syntax::CompactString::from))
    }

    fn len(&self) -> usize {
        self.entries.iter().map(Entries::len).sum()
    }
}

/// Slack for the floating-point bounds.
const EPSILON: f64 = 1e-9;

struct Query<'w> {
    word: &'w str,
    lower: String,
    /// Character counts of the word and of its lower case, when it is ASCII.
    hist: Option<([u16; 128], [u16; 128])>,
    /// The [`signature`] of the word, and how many of its letters fall in
    /// each of the signature's classes.
    classes: (u64, [u8; 64]),
}

/// Which classes of letters a word has, one bit each: `a`–`z` (either
/// case) and `0`–`9` a class each, any other byte one of 28 more by its
/// value. Of the letters of a word whose class another word lacks, none
/// can match; so a signature's few instructions bound how many letters two
/// words share, before their letters are counted.
fn signature(word: &[u8]) -> u64 {
    word.iter().fold(0, |s, &b| s | 1 << class(b))
}

fn class(b: u8) -> u32 {
    match b.to_ascii_lowercase() {
        l @ b'a'..=b'z' => u32::from(l - b'a'),
        d @ b'0'..=b'9' => 26 + u32::from(d - b'0'),
        other => 36 + u32::from(other) % 28,
    }
}

impl<'w> Query<'w> {
    fn new(word: &'w str) -> Query<'w> {
        let lower = word.to_lowercase();
        let hist = (word.is_ascii() && word.len() < u16::MAX as usize).then(|| {
            let mut h = [0u16; 128];
            let mut l = [0u16; 128];
            for (b, lb) in word.bytes().zip(lower.bytes()) {
                h[b as usize] += 1;
                l[lb as usize] += 1;
            }
            (h, l)
        });
        let mut counts = [0u8; 64];
        for &b in word.as_bytes() {
            let c = &mut counts[class(b) as usize];
            *c = c.saturating_add(1);
        }
        let classes = (signature(word.as_bytes()), counts);
        Query {
            word,
            lower,
            hist,
            classes,
        }
    }

    /// Whether an ASCII id of `len` bytes with the [`signature`] `sig`,
    /// sharing at most `prefix` of the word's first letters (lower-cased),
    /// is sure to get `None` from [`Query::score`] with `floor`: the
    /// screen of `score` with the letters the two words share bounded by
    /// the letters of the word whose class the id lacks, which can only
    /// let more through.
    fn cannot_score(&self, sig: u64, len: usize, prefix: usize, floor: Option<f64>) -> bool {
        self.hist.is_some() && self.screened_out(self.missing(sig), len, prefix, floor)
    }

    /// How many letters of the word fall in the classes the signature
    /// `sig` lacks: none of them can be matched.
    fn missing(&self, sig: u64) -> usize {
        let (word, counts) = self.classes;
        let mut absent = word & !sig;
        let mut missing = 0usize;
        while absent != 0 {
            missing += usize::from(counts[absent.trailing_zeros() as usize]);
            absent &= absent - 1;
        }
        missing
    }

    /// Whether the id with signature `sig` lacks at least `least` of the
    /// word's letters (a class lacked is at least one letter, so the count
    /// of classes often answers alone).
    fn lacks_at_least(&self, sig: u64, least: usize) -> bool {
        let absent = self.classes.0 & !sig;
        absent.count_ones() as usize >= least || self.missing(sig) >= least
    }

    /// The fewest letters of the word that an ASCII id of `len` bytes
    /// sharing at most `prefix` first letters must lack for
    /// [`Query::cannot_score`] to rule it out with `floor` (one more than
    /// the word's length: never). The screen only grows stricter as more
    /// are lacking, so this one number stands for it (found by halving).
    fn least_missing(&self, len: usize, prefix: usize, floor: Option<f64>) -> usize {
        let la = self.word.len();
        if self.hist.is_none() {
            return la + 1;
        }
        let (mut lo, mut hi) = (0, la + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.screened_out(mid, len, prefix, floor) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// The screen of [`Query::score`] for an ASCII id of `len` bytes that
    /// lacks at least `missing` of the word's letters and shares at most
    /// `prefix` of its first ones: `true` when it is sure to score `None`.
    fn screened_out(&self, missing: usize, len: usize, prefix: usize, floor: Option<f64>) -> bool {
        let la = self.word.len();
        let common = la.saturating_sub(missing);
        let (lav, lbv, m) = (la as f64, len as f64, common as f64);
        let jaro_max = if common == 0 {
            0.0
        } else {
            (m / lav + m / lbv + 1.0) / 3.0
        };
        let jw_max = jaro_max + 0.1 * prefix.min(4) as f64 * (1.0 - jaro_max) + EPSILON;
        let longer = la.max(len);
        let lev_min = longer - common.min(longer);
        (jw_max < 0.8 && lev_min > longer / 3) || floor.is_some_and(|f| jw_max <= f)
    }

    /// From character counts alone, when the word and `c` are both ASCII:
    /// the most `c` can score, and whether it is sure not to be close.
    /// Jaro counts matching characters m <= the common characters of the
    /// lower-cased strings, so jaro <= (m/|a| + m/|b| + 1) / 3;
    /// Jaro-Winkler adds 0.1 (1 - jaro) for each of the first (at most
    /// four) characters the two share, and grows with jaro. The edit
    /// distance is at least the longer length less the common characters
    /// (a swap of neighbours keeps the characters, and each other edit
    /// mends at most one). Every term is symmetric: `c`'s query says the
    /// same of the word ([`Top::offer_prepared`] relies on it).
    fn bound(&self, c: &str) -> Option<(f64, bool)> {
        let (h, l) = self.hist.as_ref().filter(|_| c.is_ascii())?;
        let (common, common_lower) = common_chars(h, l, c.as_bytes());
        let (la, lb) = (self.word.len() as f64, c.len() as f64);
        let m = common_lower as f64;
        let jaro_max = if common_lower == 0 {
            0.0
        } else {
            (m / la + m / lb + 1.0) / 3.0
        };
        let prefix = self
            .lower
            .bytes()
            .zip(c.bytes().map(|b| b.to_ascii_lowercase()))
            .take(4)
            .take_while(|(a, b)| a == b)
            .count();
        let jw_max = jaro_max + 0.1 * prefix as f64 * (1.0 - jaro_max) + EPSILON;
        let longer = self.word.len().max(c.len());
        Some((jw_max, jw_max < 0.8 && longer - common > longer / 3))
    }

    /// The score of `c` if it is close to the word, else `None`; also `None`
    /// when it cannot score more than `floor`.
    fn score(&self, c: &str, floor: Option<f64>) -> Option<f64> {
        if c == self.word {
            return None;
        }
        let lev_limit = self.word.len().max(c.len()) / 3;
        if let Some((jw_max, far)) = self.bound(c) {
            if far || floor.is_some_and(|f| jw_max <= f) {
                return None;
            }
        }
        let score = strsim::jaro_winkler(&self.lower, &c.to_lowercase());
        if floor.is_some_and(|f| score <= f) {
            return None;
        }
        let close = score >= 0.8 || strsim::osa_distance(self.word, c) <= lev_limit;
        close.then_some(score)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn peeking_finds_what_was_remembered_and_only_that() {
        let memo = super::Memo::default();
        let ids = ["payments", "platform", "payroll"];
        let top = || super::top_of_unsorted("paymets", ids.iter().copied());
        assert_eq!(memo.get_or("paymets", 2, top).as_deref(), Some("payments"));
        let far = || super::top_of_unsorted("zzz", ids.iter().copied());
        assert_eq!(memo.get_or("zzz", 2, far), None);
        let peeked = memo.peek_all([("paymets", 2), ("paymets", 1), ("zzz", 2), ("other", 2)]);
        assert_eq!(
            peeked,
            vec![Some(Some("payments".into())), None, Some(None), None]
        );
        memo.validate(memo.candidates() + 1);
        assert_eq!(memo.peek_all([("paymets", 2)]), vec![None], "forgotten");
    }

    #[test]
    fn a_patch_from_other_ids_than_the_memo_was_chosen_from_forgets_it() {
        let memo = super::Memo::default();
        memo.validate(7);
        let top = || super::top_of_unsorted("paymets", ["payments"]);
        memo.get_or("paymets", 2, top);
        let mut seen = 0;
        assert!(!memo.patch(8, 9, |_, _, _| {
            seen += 1;
            true
        }));
        assert_eq!((seen, memo.candidates()), (0, 9));
        assert_eq!(memo.peek_all([("paymets", 2)]), vec![None], "forgotten");
        memo.get_or("paymets", 2, top);
        assert!(memo.patch(9, 10, |_, _, _| {
            seen += 1;
            true
        }));
        assert_eq!((seen, memo.candidates()), (1, 10));
    }

    #[test]
    fn the_closest_few_stay_right_as_candidates_come_and_go() {
        use super::{best_of_unsorted, top_of_unsorted};
        let mut pool: Vec<String> = (0..300)
            .map(|i| {
                format!(
                    "team-{}{}",
                    ["pay", "pai", "ops", "opz", "pays"][i % 5],
                    i % 37
                )
            })
            .collect();
        for word in ["team-pay3", "team-ops", "team-pai12", "tea-opz1"] {
            let mut top = top_of_unsorted(word, pool.iter().map(String::as_str));
            for round in 0..200 {
                // Remove one of the closest, add a new one.
                let gone = match top.best() {
                    Some(b) if round % 3 != 0 => b.to_string(),
                    _ => pool[(round * 7) % pool.len()].clone(),
                };
                pool.retain(|c| *c != gone);
                let new = format!("team-{}{}", ["pay", "ops"][round % 2], 100 + round);
                pool.push(new.clone());
                if top.retain(|c| pool.iter().any(|p| p == c)) {
                    top.offer(word, &new);
                } else {
                    top = top_of_unsorted(word, pool.iter().map(String::as_str));
                }
                assert_eq!(
                    top.best(),
                    best_of_unsorted(word, pool.iter().map(String::as_str)),
                    "{word} after round {round}"
                );
            }
        }
    }

    #[test]
    fn finds_typos_and_rejects_strangers() {
        assert_eq!(
            super::best("leadr", ["leader", "model", "teams"]),
            Some("leader")
        );
        assert_eq!(
            super::best("fba-inbond", ["fba-inbound", "fba-billing"]),
            Some("fba-inbound")
        );
        assert_eq!(super::best("zzz", ["leader", "model"]), None);
        // Two letters swapped are one edit.
        assert_eq!(super::best("ian", ["ina", "bob"]), Some("ina"));
        assert_eq!(super::best("qa", ["aq"]), None);
    }

    proptest::proptest! {
        /// On ids shaped like a large plan's (words, numbers, dashes, some
        /// sharing a prefix, some in capitals), the screened searches
        /// answer what scoring every candidate does.
        #[test]
        fn screening_never_changes_the_answer_on_plan_like_ids(
            ids in proptest::collection::vec("(fba|FBA|team|ops|pay|ledger|x)(-[a-z]{1,6}){0,2}(-[0-9]{1,3})?", 1..60),
            word in "(fba|FBA|team|ops|pay|ledger|x|y)(-[a-z]{1,6}){0,2}(-[0-9]{1,3})?x?",
        ) {
            // Ids are unique, in any order.
            let mut seen = std::collections::HashSet::new();
            let cands: Vec<&str> = ids.iter().map(String::as_str).filter(|c| seen.insert(*c)).collect();
            let q = super::Query::new(&word);
            let mut ranked: Vec<(f64, &str)> = cands
                .iter()
                .filter_map(|c| {
                    if *c == word {
                        return None;
                    }
                    let score = strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase());
                    let close = score >= 0.8
                        || strsim::osa_distance(&word, c) <= word.len().max(c.len()) / 3;
                    close.then_some((score, *c))
                })
                .collect();
            ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            ranked.dedup_by(|a, b| a.1 == b.1);
            for c in &cands {
                let exact = ranked.iter().find(|(_, x)| x == c).map(|(s, _)| *s);
                proptest::prop_assert_eq!(q.score(c, None), exact, "{} ~ {}", word, c);
                // The screen says the same both ways.
                let far = |a: &str, b: &str| super::Query::new(a).bound(b).map(|(_, far)| far);
                proptest::prop_assert_eq!(far(&word, c), far(c, &word), "{} ~ {}", word, c);
            }
            // Candidates offered ready-made go in as they do one by one.
            let (old, new) = cands.split_at(cands.len() / 2);
            let mut one_by_one = super::top_of_unsorted(&word, old.iter().copied());
            let mut prepared = one_by_one.clone();
            let ready: Vec<super::Prepared> = new.iter().map(|c| super::Prepared::new(c)).collect();
            proptest::prop_assert_eq!(
                prepared.offer_prepared(&word, &ready),
                one_by_one.offer_all(&word, new.iter().copied())
            );
            proptest::prop_assert_eq!(&prepared, &one_by_one);
            proptest::prop_assert_eq!(
                super::best_of_unsorted(&word, cands.iter().copied()),
                ranked.first().map(|(_, c)| *c)
            );
            let top = super::top_of_unsorted(&word, cands.iter().copied());
            let want: Vec<&str> = ranked.iter().take(super::Top::K).map(|(_, c)| *c).collect();
            let got: Vec<&str> = top.ranked.iter().map(|(_, c)| c.as_str()).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        /// The index answers what scoring every id does: the same closest
        /// few in the same order, among the ids the filter takes; after ids
        /// come and go; and when it says its list is complete, no close id
        /// is missing from it.
        #[test]
        fn the_index_answers_what_scoring_every_id_does(
            ids in proptest::collection::vec("(fba|FBA|team|ops|pay|ledger|x|é)(-[a-z]{1,6}){0,2}(-[0-9]{1,3})?(-[a-z]{30,40})?", 1..80),
            gone in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..10),
            words in proptest::collection::vec("(fba|FBA|team|ops|pay|ledger|x|y|é)(-[a-z]{1,6}){0,2}(-[0-9]{1,3})?(-[a-z]{30,40})?x?", 1..6),
            odd in proptest::prelude::any::<bool>(),
        ) {
            let mut seen = std::collections::HashSet::new();
            let mut pool: Vec<&str> = ids.iter().map(String::as_str).filter(|c| seen.insert(*c)).collect();
            let (first, later) = pool.split_at(pool.len() / 2);
            let mut index = super::Index::build(first.iter().copied());
            for c in later {
                index.insert(c);
            }
            for g in &gone {
                let c = pool.remove(g.index(pool.len()));
                index.remove(c);
                if pool.is_empty() {
                    break;
                }
            }
            // A filter such as a reference's kind is.
            let accept = |c: &str| !odd || c.len() % 2 == 1;
            let accepted: Vec<&str> = pool.iter().copied().filter(|c| accept(c)).collect();
            for word in words.iter().map(String::as_str).chain(pool.iter().copied().take(3)) {
                let naive = super::top_of_unsorted(word, accepted.iter().copied());
                let Some(top) = index.top(word, accept) else {
                    proptest::prop_assert!(!word.is_ascii());
                    continue;
                };
                proptest::prop_assert_eq!(&top.ranked, &naive.ranked, "{}", word);
                if top.complete {
                    let q = super::Query::new(word);
                    let close = accepted.iter().filter(|c| q.score(c, None).is_some()).count();
                    proptest::prop_assert_eq!(close, top.ranked.len(), "{}", word);
                }
            }
        }

        /// With many ids of a few lengths (whole blocks of signatures in
        /// each list, as in a large plan), the index still answers what
        /// scoring every id does: a block is passed over only when each of
        /// its ids would be; also after ids come and go (the blocks after
        /// them are worked out again).
        #[test]
        fn blocks_of_ids_are_passed_over_only_as_each_would_be(
            ids in proptest::collection::vec("(team|tesm|ops|pay)-[a-z]{2}[0-9a-z]-[0-9]{2}", 40..240),
            gone in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..20),
            back in proptest::collection::vec("(team|ops)-[a-z]{3}-[0-9]{2}", 0..10),
            words in proptest::collection::vec("(team|tesm|ops|pay|x)-[a-z]{2,3}[0-9]?-[0-9]{1,2}x?", 1..6),
        ) {
            let mut seen = std::collections::HashSet::new();
            let mut pool: Vec<&str> = ids.iter().map(String::as_str).filter(|c| seen.insert(*c)).collect();
            let mut index = super::Index::build(pool.iter().copied());
            for g in &gone {
                let c = pool.remove(g.index(pool.len()));
                index.remove(c);
            }
            for c in &back {
                if seen.insert(c.as_str()) {
                    pool.push(c);
                    index.insert(c);
                }
            }
            // Typos of ids all over the lists, each id's the closest.
            let typos: Vec<String> = pool.iter().step_by(5).map(|c| format!("{c}x")).collect();
            for word in words.iter().chain(&typos).map(String::as_str) {
                let naive = super::top_of_unsorted(word, pool.iter().copied());
                let top = index.top(word, |_| true).expect("an ASCII word");
                proptest::prop_assert_eq!(&top.ranked, &naive.ranked, "{}", word);
            }
        }
    }

    /// The screened search answers exactly what scoring every candidate does.
    #[test]
    fn screening_never_changes_the_answer() {
        fn naive<'a>(word: &str, mut cands: Vec<&'a str>) -> Option<&'a str> {
            cands.sort();
            let mut best: Option<(f64, &str)> = None;
            for c in cands {
                if c == word {
                    continue;
                }
                let score = strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase());
                let lev = strsim::osa_distance(word, c);
                let close = score >= 0.8 || lev <= word.len().max(c.len()) / 3;
                if close && best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, c));
                }
            }
            best.map(|(_, c)| c)
        }
        let words = [
            "a",
            "ab",
            "ba",
            "abc",
            "fba-inbound",
            "fba-inbond",
            "FBA-Inbound",
            "jane",
            "janee",
            "jnae",
            "payments",
            "paymnets",
            "billing-team",
            "team-billing",
            "x",
            "xyz",
            "zyx",
            "ledger",
            "legder",
            "Ledger",
            "é",
            "café",
            "cafe",
            "leader",
            "leadr",
            "reports_to",
            "reprots_to",
            "qa",
            "aq",
            "ian",
            "ina",
            "nia",
            "jaen",
        ];
        let mut sorted: Vec<&str> = words.to_vec();
        sorted.sort();
        for w in words {
            let expected = naive(w, words.to_vec());
            assert_eq!(super::best(w, sorted.iter().copied()), expected, "best {w}");
            assert_eq!(
                super::best_of_unsorted(w, words.iter().copied()),
                expected,
                "unsorted {w}"
            );
            assert_eq!(
                super::best_of_unsorted(w, words.iter().rev().copied()),
                expected,
                "reversed {w}"
            );
        }
    }
}
