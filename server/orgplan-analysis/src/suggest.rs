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
        if self.ranked.iter().any(|(_, c)| c == candidate) {
            return;
        }
        let Some(score) = Query::new(word).score(candidate, None) else {
            return;
        };
        let at = self
            .ranked
            .partition_point(|(s, c)| *s > score || (*s == score && c.as_str() < candidate));
        if at >= Self::K {
            self.complete = false;
            return;
        }
        if !self.complete && at >= self.ranked.len() {
            // Past the end of a partial list: something unknown may rank
            // between; it is not needed unless the list runs out.
            return;
        }
        self.ranked.insert(at, (score, candidate.to_string()));
        if self.ranked.len() > Self::K {
            self.ranked.truncate(Self::K);
            self.complete = false;
        }
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

    /// The fingerprint of the candidates the entries were chosen from.
    pub fn candidates(&self) -> u64 {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .candidates
    }

    /// Brings the entries up to date with candidates that changed: now
    /// fingerprinted `candidates`. For each entry (word, kind, closest so
    /// far), `patch` corrects it in place, or says (`false`) to forget it.
    pub fn patch(&self, candidates: u64, mut patch: impl FnMut(&str, u8, &mut Top) -> bool) {
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        m.candidates = candidates;
        for (kind, entries) in m.entries.iter_mut().enumerate() {
            entries.retain(|word, best| patch(word, kind as u8, best));
        }
    }

    /// The remembered suggestion for `word` among the candidates of `kind`,
    /// or the best of those `compute` finds (then remembered).
    pub fn get_or(&self, word: &str, kind: u8, compute: impl FnOnce() -> Top) -> Option<String> {
        if let Some(hit) = self
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entries
            .get(kind as usize)
            .and_then(|e| e.get(word))
        {
            return hit.best().map(str::to_string);
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
        Query { word, lower, hist }
    }

    /// The score of `c` if it is close to the word, else `None`; also `None`
    /// when it cannot score more than `floor`.
    fn score(&self, c: &str, floor: Option<f64>) -> Option<f64> {
        if c == self.word {
            return None;
        }
        let lev_limit = self.word.len().max(c.len()) / 3;
        if let (Some((h, l)), true) = (&self.hist, c.is_ascii()) {
            // Jaro counts matching characters m <= the common characters of
            // the lower-cased strings, so jaro <= (m/|a| + m/|b| + 1) / 3;
            // Jaro-Winkler adds 0.1 (1 - jaro) for each of the first (at
            // most four) characters the two share, and grows with jaro.
            // The edit distance is at least the longer length less the
            // common characters (a swap of neighbours keeps the characters,
            // and each other edit mends at most one).
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
            let lev_min = self.word.len().max(c.len()) - common;
            if jw_max < 0.8 && lev_min > lev_limit {
                return None;
            }
            if floor.is_some_and(|f| jw_max <= f) {
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
            }
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
