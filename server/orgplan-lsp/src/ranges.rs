//! The LSP ranges of a file's last publication, kept and carried through
//! the edits typed since, so that a keystroke converts only the ranges
//! near it.
//!
//! Replaces: converting every published finding's byte range to lines and
//! columns on every publication. Why: on the 100k-line plan a keystroke
//! publishes 1,000 diagnostics, and their conversion was the largest part
//! of the server's own work per keystroke (BENCHMARKS.md, "the keystroke
//! on the 100k-line plan, where the server's own time goes"); an edit
//! changes nothing for the ranges before it, and moves those after the
//! line it ends on by whole lines.
//!
//! What makes a kept range right: the conversion of an offset `p` reads
//! only the text from the start of `p`'s line to `p` (and the byte at `p`,
//! for a `\r\n`), and the line breaks before it. So a range that ends
//! before an edit converts as it did; a range that starts at or after the
//! start of the line following the one the edit ends on keeps its columns
//! and moves by the change in the number of lines (the breaks after that
//! line start are the edit's neighbours' and unchanged). Every other range
//! is dropped. A kept set is used only for the text it was carried to: its
//! length and line count must match, the encoding must be the same, and
//! every whole-text change clears it ([`crate::session::Session`]).

use crate::convert::range;
use crate::memo::{carried, Memo};
use orgplan_analysis::position::{Encoding, Lines};
use orgplan_analysis::{Text, TextRange};
use tower_lsp_server::lsp_types::Range;

/// The ranges kept for one file: byte range → LSP range, sorted.
#[derive(Default)]
pub struct KeptRanges {
    enc: Option<Encoding>,
    /// The text's length and line count the ranges are for.
    len: usize,
    lines: usize,
    ranges: Vec<((usize, usize), Range)>,
    /// The last publication's diagnostics as text ([`crate::memo`]).
    memo: Memo,
}

/// An edit being applied to a file's text: what [`KeptRanges::edited`]
/// needs from the text before it.
pub struct Edit {
    start: usize,
    /// Where the line after the one the edit ends on starts (before it).
    next: Option<usize>,
    old_len: usize,
    old_lines: usize,
}

impl Edit {
    pub(crate) fn start(&self) -> usize {
        self.start
    }

    pub(crate) fn next(&self) -> Option<usize> {
        self.next
    }

    /// `start..end` of `text` (on character boundaries) is about to be
    /// replaced.
    pub fn new(text: &Text, start: usize, end: usize) -> Edit {
        Edit {
            start,
            next: text.line_start(text.line_of(end) + 1),
            old_len: text.len(),
            old_lines: text.len_lines(),
        }
    }
}

impl KeptRanges {
    #[cfg(test)]
    pub(crate) fn memo(&self) -> &Memo {
        &self.memo
    }

    /// Carries the ranges through `edit`, `text` being the text after it.
    pub fn edited(&mut self, edit: &Edit, text: &Text) {
        if self.len != edit.old_len || self.lines != edit.old_lines {
            self.ranges.clear();
            self.memo = Memo::default();
        }
        let bytes = text.len() as isize - edit.old_len as isize;
        let lines = text.len_lines() as isize - edit.old_lines as isize;
        self.ranges.retain_mut(|(place, r)| {
            let Some((to, by)) = carried(*place, edit, bytes, lines) else {
                return false;
            };
            let shift = |l: u32| (l as isize + by) as u32;
            *place = to;
            r.start.line = shift(r.start.line);
            r.end.line = shift(r.end.line);
            true
        });
        self.memo.edited(edit, bytes, lines);
        self.len = text.len();
        self.lines = text.len_lines();
    }
}

/// Converts the ranges of one publication of a file, from the kept ones
/// where it can, and keeps what it converted for the next.
///
/// The diagnostics' own ranges come in order ([`Converter::next_range`]):
/// those are looked up from where the last one was found, and kept in the
/// order they came; the others (related places, anywhere) are looked up
/// by bisection and sorted once at the end. Looking up and keeping the
/// ranges (each by bisection, all sorted at the end) was about a third of
/// building a publication in a profile of the server typing into the
/// 100k-line plan (BENCHMARKS.md, "4 Dec (fourth session)").
pub struct Converter<'a, 'l> {
    lines: &'a Lines<'l>,
    enc: Encoding,
    kept: KeptRanges,
    /// Where in `kept` the next range in order is looked for first.
    cursor: usize,
    /// The ranges converted in order, and the others.
    in_order: Vec<((usize, usize), Range)>,
    others: Vec<((usize, usize), Range)>,
    /// What this publication wrote, for the next to copy.
    memo: Memo,
}

impl<'a, 'l> Converter<'a, 'l> {
    /// A converter for `lines`, starting from `kept` (dropped unless it is
    /// for this text and encoding).
    pub fn new(lines: &'a Lines<'l>, enc: Encoding, kept: KeptRanges) -> Converter<'a, 'l> {
        let text = lines.text();
        let valid =
            kept.enc == Some(enc) && kept.len == text.len() && kept.lines == text.len_lines();
        Converter {
            lines,
            enc,
            kept: if valid { kept } else { KeptRanges::default() },
            cursor: 0,
            in_order: Vec::new(),
            others: Vec::new(),
            memo: Memo::default(),
        }
    }

    /// The last publication's diagnostics as text, if kept for this text.
    pub fn take_memo(&mut self) -> Memo {
        std::mem::take(&mut self.kept.memo)
    }

    /// Keeps `memo` (this publication's) for the next.
    pub fn keep_memo(&mut self, memo: Memo) {
        self.memo = memo;
    }

    /// The LSP range of `r`, anywhere in the file.
    pub fn range(&mut self, r: TextRange) -> Range {
        let key = (r.start(), r.end());
        let found = self.kept.ranges.binary_search_by(|(k, _)| k.cmp(&key)).ok();
        let converted = self.found_or_converted(found, r);
        self.others.push((key, converted));
        converted
    }

    /// The LSP range of `r`, which is not before the last range asked of
    /// this method (a publication's diagnostics are sorted by place).
    pub fn next_range(&mut self, r: TextRange) -> Range {
        let key = (r.start(), r.end());
        let kept = &self.kept.ranges;
        // Mostly the next kept one, or the same again; else further on.
        let ahead = kept.get(self.cursor..).unwrap_or_default();
        let found = match ahead.iter().take(2).position(|(k, _)| *k == key) {
            Some(i) => Some(self.cursor + i),
            None => kept.binary_search_by(|(k, _)| k.cmp(&key)).ok(),
        };
        if let Some(i) = found {
            self.cursor = i;
        }
        let converted = self.found_or_converted(found, r);
        match self.in_order.last() {
            Some((last, _)) if *last > key => self.others.push((key, converted)),
            _ => self.in_order.push((key, converted)),
        }
        converted
    }

    fn found_or_converted(&self, found: Option<usize>, r: TextRange) -> Range {
        match found {
            Some(i) => self.kept.ranges[i].1,
            None => range(self.lines, r, self.enc),
        }
    }

    /// What to keep for the next publication: the ranges of this one.
    pub fn into_kept(mut self) -> KeptRanges {
        self.others.sort_unstable_by_key(|e| e.0);
        let mut ranges = Vec::with_capacity(self.in_order.len() + self.others.len());
        let mut others = self.others.into_iter().peekable();
        for e in self.in_order {
            while let Some(o) = others.next_if(|o| o.0 < e.0) {
                ranges.push(o);
            }
            ranges.push(e);
        }
        ranges.extend(others);
        ranges.dedup_by(|a, b| a.0 == b.0);
        let text = self.lines.text();
        KeptRanges {
            enc: Some(self.enc),
            len: text.len(),
            lines: text.len_lines(),
            ranges,
            memo: self.memo,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Byte ranges of `text` on character boundaries, from `picks`.
    fn ranges_of(text: &str, picks: &[(usize, usize)]) -> Vec<TextRange> {
        let floor = |mut i: usize| {
            i %= text.len() + 1;
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        picks
            .iter()
            .map(|&(a, b)| {
                let (a, b) = (floor(a), floor(b));
                TextRange::new(a.min(b), a.max(b))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Through random edits (line breaks of every kind, characters of
        /// every width), every publication's ranges, kept or not, are what
        /// a fresh conversion of the text gives; the ranges published
        /// before an edit, moved by it, are asked for again so that kept
        /// ones are used.
        #[test]
        fn kept_ranges_are_fresh_conversions(
            start in "[ab\\r\\n\u{e9}\u{1F600}]{0,60}",
            edits in proptest::collection::vec(
                (any::<usize>(), 0usize..6, "[ab\\r\\n\u{e9}\u{1F600}]{0,4}"),
                1..8,
            ),
            picks in proptest::collection::vec((any::<usize>(), any::<usize>()), 1..20),
            enc in prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16), Just(Encoding::Utf32)],
        ) {
            let mut plain = start.clone();
            let mut text = Text::new(&plain);
            let mut kept = KeptRanges::default();
            let mut asked = ranges_of(&plain, &picks);
            for (at, len, insert) in edits {
                let lines = Lines::new(&text);
                let mut conv = Converter::new(&lines, enc, kept);
                // In order, as a publication's own ranges come, with the
                // others (related places, anywhere) between them.
                let mut sorted = asked.clone();
                sorted.sort_by_key(|r| (r.start(), r.end()));
                for (r, other) in sorted.iter().zip(asked.iter().rev()) {
                    prop_assert_eq!(conv.next_range(*r), range(&lines, *r, enc));
                    prop_assert_eq!(conv.range(*other), range(&lines, *other, enc));
                }
                kept = conv.into_kept();
                // Kept sorted and once each, for the next lookups.
                prop_assert!(kept.ranges.windows(2).all(|w| w[0].0 < w[1].0));
                let mut keys: Vec<_> = asked.iter().map(|r| (r.start(), r.end())).collect();
                keys.sort();
                keys.dedup();
                prop_assert_eq!(kept.ranges.iter().map(|e| e.0).collect::<Vec<_>>(), keys);
                let a = ranges_of(&plain, &[(at, at)])[0].start();
                let b = ranges_of(&plain, &[(a + len, a + len)])[0].start().max(a);
                let edit = Edit::new(&text, a, b);
                plain.replace_range(a..b, &insert);
                text.replace(a, b, &insert);
                kept.edited(&edit, &text);
                let delta = insert.len() as isize - (b - a) as isize;
                // The ranges asked before, moved, and new ones.
                asked = asked
                    .iter()
                    .filter(|r| r.end() < a || r.start() >= b)
                    .map(|r| if r.start() >= b {
                        TextRange::new(
                            (r.start() as isize + delta) as usize,
                            (r.end() as isize + delta) as usize,
                        )
                    } else {
                        *r
                    })
                    .chain(ranges_of(&plain, &picks))
                    .collect();
            }
            let lines = Lines::new(&text);
            let mut conv = Converter::new(&lines, enc, kept);
            for r in &asked {
                prop_assert_eq!(conv.range(*r), range(&lines, *r, enc));
            }
        }
    }
}
