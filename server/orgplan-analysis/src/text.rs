//! Byte ranges and file identities: the only coordinates the analysis speaks.

use std::fmt;

/// A half-open byte range `start..end` into one file's text.
///
/// Offsets are kept in 32 bits (a place is 8 bytes, with its file 12):
/// the document, the model and the findings hold hundreds of thousands of
/// them. tree-sitter counts bytes in 32 bits too, so no text the analysis
/// can parse is longer; an offset past `u32::MAX` is clamped to it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    start: u32,
    end: u32,
}

/// The longest text the analysis reads whole: offsets are 32 bits, here
/// and in tree-sitter. Callers that read files refuse longer ones.
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize;

/// An offset in 32 bits, clamped.
const fn narrow(offset: usize) -> u32 {
    if offset > u32::MAX as usize {
        u32::MAX
    } else {
        offset as u32
    }
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self {
            start: narrow(start),
            end: narrow(end),
        }
    }

    pub const fn empty(at: usize) -> Self {
        Self::new(at, at)
    }

    pub const fn start(self) -> usize {
        self.start as usize
    }

    pub const fn end(self) -> usize {
        self.end as usize
    }

    /// The same range as a [`std::ops::Range`], to slice a text with.
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    pub const fn len(self) -> usize {
        self.end() - self.start()
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the range or at its end (a cursor just
    /// after a word still "touches" it).
    pub const fn touches(self, offset: usize) -> bool {
        self.start() <= offset && offset <= self.end()
    }

    pub const fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub const fn intersects(self, other: TextRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// The range moved by `delta` bytes.
    pub const fn shifted(self, delta: isize) -> TextRange {
        TextRange::new(
            (self.start() as isize + delta) as usize,
            (self.end() as isize + delta) as usize,
        )
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The range with another start.
    pub const fn with_start(self, start: usize) -> TextRange {
        TextRange::new(start, self.end())
    }

    /// The range with another end.
    pub const fn with_end(self, end: usize) -> TextRange {
        TextRange::new(self.start(), end)
    }
}

impl std::ops::Index<TextRange> for str {
    type Output = str;
    fn index(&self, r: TextRange) -> &str {
        &self[r.range()]
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<std::ops::Range<usize>> for TextRange {
    fn from(r: std::ops::Range<usize>) -> Self {
        Self::new(r.start, r.end)
    }
}

/// Identifies one file of a [`crate::Workspace`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct FileId(pub u32);

/// A place in the workspace: a file and a byte range in it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub range: TextRange,
}

impl Loc {
    pub const fn new(file: FileId, range: TextRange) -> Self {
        Self { file, range }
    }
}

/// How an edit moves the places of one file: `start..old_end` was replaced,
/// and everything after it moved by `delta` bytes.
#[derive(Clone, Copy, Debug)]
pub struct Shift {
    pub file: FileId,
    pub start: usize,
    pub old_end: usize,
    pub delta: isize,
}

impl Shift {
    /// Where `r` is after the edit, for a range that did not overlap the
    /// replaced text: a range at or after its end moves; one that spans an
    /// insertion point grows; one before it stays.
    pub fn range(&self, r: TextRange) -> TextRange {
        let at = |x: usize| (x as isize + self.delta) as usize;
        if r.start() >= self.old_end {
            TextRange::new(at(r.start()), at(r.end()))
        } else if r.end() >= self.old_end && r.end() > self.start {
            r.with_end(at(r.end()))
        } else {
            r
        }
    }

    pub fn loc(&self, l: &mut Loc) {
        if l.file == self.file {
            l.range = self.range(l.range);
        }
    }

    /// Whether `l` touches the replaced text (or the place of an insertion).
    pub fn touches(&self, l: &Loc) -> bool {
        l.file == self.file && l.range.start() <= self.old_end && l.range.end() >= self.start
    }
}

/// The nearest character boundary of `s` at or before `i` (its end, past it).
pub(crate) fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How many characters of a title or a value a message shows.
pub const SHOWN: usize = 60;

/// `kind` with its indefinite article: `a team`, `an initiative`.
pub fn with_article(kind: &str) -> String {
    match kind.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

/// `s` cut to at most `max` characters, ending in `…` when it was cut (and
/// on one line: a line break ends it too). Messages quote what the user
/// wrote with this, so that a long title does not fill a problems panel.
pub fn shorten(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let line_end = s.find(['\n', '\r']).unwrap_or(s.len());
    let cut = s[..line_end]
        .char_indices()
        .nth(max.saturating_sub(1))
        .map(|(i, _)| i)
        .filter(|_| s[..line_end].chars().count() > max);
    match cut {
        Some(i) => format!("{}…", s[..i].trim_end()).into(),
        None if line_end < s.len() => format!("{}…", s[..line_end].trim_end()).into(),
        None => s.into(),
    }
}

/// Runs `a` and `b`, `b` on a second thread if one is free, and returns
/// both results; a panic in either is raised here. The threads are a
/// `rayon` pool of two, started once: a keystroke's analysis must not pay
/// for starting a thread. Without the pool (if its threads cannot be
/// started), `b` runs here after `a`.
#[cfg(not(target_family = "wasm"))]
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .thread_name(|i| format!("orgplan-split-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.join(a, b),
        None => (a(), b()),
    }
}

/// WebAssembly (wasm32-wasip1) has no threads: `a`, then `b`, here.
#[cfg(target_family = "wasm")]
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    (a(), b())
}

/// `(0..n).map(f).collect()`, with the odd items worked out on a second
/// thread when there are enough of them to pay for it (odd and even
/// rather than halves, because the costly items, such as references to
/// search suggestions for, tend to cluster).
pub(crate) fn map_split<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    map_split_from(n, 256, f)
}

/// [`map_split`] for items that each cost enough to share out from
/// `alone` of them on (a did-you-mean search over every id, say).
pub(crate) fn map_split_from<T: Send>(
    n: usize,
    alone: usize,
    f: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    if n < alone.max(2) {
        return (0..n).map(f).collect();
    }
    let f = &f;
    let (even, odd) = join(
        || (0..n).step_by(2).map(f).collect::<Vec<T>>(),
        || (1..n).step_by(2).map(f).collect::<Vec<T>>(),
    );
    let mut out = Vec::with_capacity(n);
    let mut odd = odd.into_iter();
    for e in even {
        out.push(e);
        out.extend(odd.next());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn join_returns_both_and_raises_a_panic_of_either() {
        let mut v = vec![1, 2];
        let (a, b) = super::join(|| 3, || v.push(4));
        assert_eq!((a, b, v), (3, (), vec![1, 2, 4]));
        let caught = std::panic::catch_unwind(|| super::join(|| 1, || panic!("in b")));
        assert!(caught.is_err());
        let caught = std::panic::catch_unwind(|| super::join(|| panic!("in a"), || 2));
        assert!(caught.is_err());
        // Nested, as a split within a split is.
        let (a, (b, c)) = super::join(|| 1, || super::join(|| 2, || 3));
        assert_eq!((a, b, c), (1, 2, 3));
    }

    #[test]
    fn shorten_cuts_long_and_multi_line_text() {
        use super::shorten;
        assert_eq!(shorten("Payments", 60), "Payments");
        let long = "é".repeat(80);
        let cut = shorten(&long, 60);
        assert_eq!(cut.chars().count(), 60);
        assert!(cut.ends_with('…'));
        assert_eq!(shorten("first line\nsecond", 60), "first line…");
        assert_eq!(shorten(&"a".repeat(60), 60), "a".repeat(60));
    }

    #[test]
    fn map_split_keeps_the_order() {
        for n in [0, 1, 255, 256, 257, 5001] {
            assert_eq!(
                super::map_split(n, |i| i * 3),
                (0..n).map(|i| i * 3).collect::<Vec<_>>()
            );
        }
    }
}
