//! The diagnostics of a file's last publication, kept as JSON text and
//! carried through the edits typed since, so that the next publication
//! copies those that did not change instead of writing them again.
//!
//! Replaces: writing every diagnostic of every publication from its
//! finding ([`crate::publication::publication_body`]): converting its
//! ranges, escaping its messages, writing its numbers. Why: on the
//! 100k-line plan a keystroke republishes 1,000 diagnostics, of which
//! only those near the edit change; writing them all was about a quarter
//! of the server's work per keystroke, the largest part after the
//! analysis (BENCHMARKS.md, "4 Dec (sixth session)").
//! Shown by: that section's A/B runs of `orgplan-bench lsp` (server CPU a
//! keystroke 3.10–3.63 → 2.00–2.10 ms with the shared messages).
//!
//! What makes a copy right: a diagnostic's text is made of its ranges,
//! its rule (code, link), its severity, its messages and its file's URI.
//! An entry is copied only for a finding with the same rule, severity and
//! messages, whose places (its own and its related ones, all in its file)
//! are the entry's byte ranges, carried through the edits by the rule of
//! [`crate::ranges`]: a place that ends before an edit keeps its LSP
//! range, one that starts after the line the edit ends on moves by whole
//! lines, and an entry with any other place is dropped. A message is the
//! same when it is the very one the entry holds (messages are shared,
//! `Arc<str>`, and one held cannot be freed and its address reused), or
//! else when its text is. When an edit moved an entry's lines, its ranges
//! are written anew from its LSP ranges and the text between them is
//! copied; else the whole text is. The URI and the rule links are the
//! memo's: a publication with others starts afresh.

use crate::ranges::Edit;
use orgplan_analysis::rules::{Finding, Severity};
use std::ops::Range as Span;
use std::sync::Arc;
use tower_lsp_server::lsp_types::Range;

/// How far past the first candidate a finding's entry is looked for
/// among entries at the same place (findings at one place differ by rule
/// and message).
const SAME_PLACE: usize = 16;

/// One place of an entry: its byte range and its LSP range.
#[derive(Clone, Copy, Debug)]
struct Place {
    bytes: (usize, usize),
    lsp: Range,
}

/// One diagnostic of the last publication.
#[derive(Clone, Debug)]
struct Entry {
    rule: &'static str,
    severity: Severity,
    /// Into [`Memo::places`] and [`Memo::pieces`] (as many of each): the
    /// finding's place, then its related places.
    first: usize,
    len: usize,
    /// Its whole text, from `{"range":` to its closing brace.
    text: Span<usize>,
    /// Some place is on another line than when the text was written
    /// (the ranges are written anew).
    moved: bool,
    /// Dropped by an edit, or already copied.
    gone: bool,
}

/// The text after each range of a diagnostic, up to the next range (or
/// its end), and where in it the message of that place is.
#[derive(Clone, Debug)]
struct Piece {
    text: Span<usize>,
    message: Span<usize>,
    /// The message itself, held: a finding whose message is this very
    /// one (not a copy) has this text without reading it. Taken when the
    /// piece is copied.
    shared: Option<Arc<str>>,
}

/// The diagnostics of a file's last publication, as text.
#[derive(Default)]
pub struct Memo {
    /// What the pieces are in: the last publication's body, shared with
    /// the publication (no copy).
    body: Arc<Vec<u8>>,
    /// The URI and the rule links' base the text was written with.
    uri: String,
    links: Option<String>,
    entries: Vec<Entry>,
    places: Vec<Place>,
    pieces: Vec<Piece>,
    /// How many of its entries were copied from the memo before it.
    copied: usize,
}

/// Where a place is after an edit, by the rule of [`crate::ranges`]:
/// unchanged before it, moved by whole lines after the line it ends on,
/// else `None`.
pub(crate) fn carried(
    (a, b): (usize, usize),
    edit: &Edit,
    bytes: isize,
    lines: isize,
) -> Option<((usize, usize), isize)> {
    let shift = |n: usize| (n as isize + bytes) as usize;
    if b < edit.start() {
        Some(((a, b), 0))
    } else if edit.next().is_some_and(|next| a >= next) {
        Some(((shift(a), shift(b)), lines))
    } else {
        None
    }
}

impl Memo {
    /// Carries the entries through `edit` (`bytes` and `lines`: how much
    /// longer the text got); those with a place it touched are dropped.
    pub(crate) fn edited(&mut self, edit: &Edit, bytes: isize, lines: isize) {
        for e in &mut self.entries {
            if e.gone {
                continue;
            }
            let places = &mut self.places[e.first..e.first + e.len];
            if places
                .iter()
                .any(|p| carried(p.bytes, edit, bytes, lines).is_none())
            {
                e.gone = true;
                continue;
            }
            for p in places {
                let Some((to, by)) = carried(p.bytes, edit, bytes, lines) else {
                    continue;
                };
                e.moved |= by != 0;
                p.bytes = to;
                let line = |l: u32| (l as isize + by) as u32;
                p.lsp.start.line = line(p.lsp.start.line);
                p.lsp.end.line = line(p.lsp.end.line);
            }
        }
    }

    /// Whether this memo's text was written for `uri` with `links`.
    fn written_for(&self, uri: &str, links: Option<&str>) -> bool {
        self.uri == uri && self.links.as_deref() == links
    }

    /// The entry of the last publication that `f` would be written as, if
    /// any: looked for from `cursor` (the findings come in the order of
    /// the entries), which moves past the entries before `f`'s place.
    fn find(&self, f: &Finding, cursor: &mut usize) -> Option<usize> {
        let key = (f.loc.range.start(), f.loc.range.end());
        let own = |e: &Entry| self.places[e.first].bytes;
        while let Some(e) = self.entries.get(*cursor) {
            if !e.gone && own(e) >= key {
                break;
            }
            *cursor += 1;
        }
        self.entries[*cursor..]
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.gone)
            .take_while(|(_, e)| own(e) == key)
            .take(SAME_PLACE)
            .find(|(_, e)| self.is_written_as(f, e))
            .map(|(i, _)| *cursor + i)
    }

    fn is_written_as(&self, f: &Finding, e: &Entry) -> bool {
        if !std::ptr::eq(e.rule, f.rule) && e.rule != f.rule
            || e.severity != f.severity
            || e.len != 1 + f.related.len()
        {
            return false;
        }
        // The same message, held since it was written, or an equal one.
        let same = |i: usize, m: &Arc<str>| {
            let piece = &self.pieces[e.first + i];
            piece.shared.as_ref().is_some_and(|s| Arc::ptr_eq(s, m))
                || self.body[piece.message.clone()] == *m.as_bytes()
        };
        let place = |i: usize| self.places[e.first + i].bytes;
        let range = |r: &orgplan_analysis::TextRange| (r.start(), r.end());
        same(0, &f.message)
            && f.related.iter().enumerate().all(|(i, r)| {
                r.loc.file == f.loc.file
                    && place(i + 1) == range(&r.loc.range)
                    && same(i + 1, &r.message)
            })
    }
}

/// The memo a publication writes as it goes: what it wrote of each
/// diagnostic, for the next publication to copy.
pub(crate) struct Recorder {
    old: Memo,
    /// Whether `old` may be copied from (written for the same URI and
    /// links).
    usable: bool,
    cursor: usize,
    new: Memo,
    /// The places and pieces of the diagnostic being written.
    diagnostic: Option<Diagnostic>,
}

/// Where a message was written, and the message.
type Written = (Span<usize>, Arc<str>);

/// A diagnostic being written: its places so far, each with where its
/// range's text is in the output and where its message is.
struct Diagnostic {
    rule: &'static str,
    severity: Severity,
    places: Vec<(Place, Span<usize>, Option<Written>)>,
    /// Where its text starts in the output.
    start: usize,
    /// Whether every related place is in the finding's file and written.
    whole: bool,
}

impl Recorder {
    /// A recorder for a publication of `findings`.
    pub(crate) fn new(
        old: Memo,
        uri: &str,
        links: Option<&str>,
        findings: &[Arc<Finding>],
    ) -> Recorder {
        let usable = old.written_for(uri, links);
        // Room for every place, so that the memo, which stays, holds no
        // more than it needs.
        let places = findings.iter().map(|f| 1 + f.related.len()).sum();
        Recorder {
            old,
            usable,
            cursor: 0,
            new: Memo {
                uri: uri.to_string(),
                links: links.map(str::to_string),
                entries: Vec::with_capacity(findings.len()),
                places: Vec::with_capacity(places),
                pieces: Vec::with_capacity(places),
                ..Memo::default()
            },
            diagnostic: None,
        }
    }

    /// Writes `f` into `out` by copying the last publication's text of it,
    /// if that is the text it would be written as; `false` if not.
    pub(crate) fn copy(&mut self, f: &Finding, out: &mut Vec<u8>) -> bool {
        if !self.usable {
            return false;
        }
        let Some(j) = self.old.find(f, &mut self.cursor) else {
            return false;
        };
        let e = &mut self.old.entries[j];
        e.gone = true;
        let e = e.clone();
        let start = out.len();
        // Unmoved, the whole text is copied at once; else each range is
        // written anew and the text after it copied.
        if e.moved {
            out.extend_from_slice(br#"{"range":"#);
        } else {
            out.extend_from_slice(&self.old.body[e.text.clone()]);
        }
        for (k, i) in (e.first..e.first + e.len).enumerate() {
            let place = self.old.places[i];
            let piece = &mut self.old.pieces[i];
            // The finding's own message, held from now on (the one held
            // may be an equal copy).
            let held = if k == 0 {
                &f.message
            } else {
                &f.related[k - 1].message
            };
            let shared = match piece.shared.take() {
                Some(s) if Arc::ptr_eq(&s, held) => s,
                _ => held.clone(),
            };
            let at = if e.moved {
                crate::publication::write_range(out, place.lsp);
                let at = out.len();
                out.extend_from_slice(&self.old.body[piece.text.clone()]);
                at
            } else {
                start + piece.text.start - e.text.start
            };
            let to =
                |s: &Span<usize>| s.start - piece.text.start + at..s.end - piece.text.start + at;
            self.new.places.push(place);
            self.new.pieces.push(Piece {
                text: to(&piece.text),
                message: to(&piece.message),
                shared: Some(shared),
            });
        }
        self.new.copied += 1;
        self.new.entries.push(Entry {
            rule: e.rule,
            severity: e.severity,
            first: self.new.places.len() - e.len,
            len: e.len,
            text: start..out.len(),
            moved: false,
            gone: false,
        });
        true
    }

    /// A diagnostic of `f` is being written from `start` in the output:
    /// its range `lsp`, whose text is at `text`.
    pub(crate) fn start(&mut self, f: &Finding, start: usize, lsp: Range, text: Span<usize>) {
        let bytes = (f.loc.range.start(), f.loc.range.end());
        self.diagnostic = Some(Diagnostic {
            rule: f.rule,
            severity: f.severity,
            start,
            places: vec![(Place { bytes, lsp }, text, None)],
            whole: true,
        });
    }

    /// The message `m` of the last place was written from `start` to
    /// `end`; `plain` if as it is (no escapes).
    pub(crate) fn message(&mut self, m: &Arc<str>, start: usize, end: usize, plain: bool) {
        if let Some(d) = &mut self.diagnostic {
            match d.places.last_mut() {
                Some(p) if plain => p.2 = Some((start + 1..end - 1, m.clone())),
                _ => d.whole = false,
            }
        }
    }

    /// A related place of `f` was written (its range `lsp`, whose text is
    /// at `text` in the output), or left out (`None`).
    pub(crate) fn related(
        &mut self,
        f: &Finding,
        r: &orgplan_analysis::rules::Related,
        written: Option<(Range, Span<usize>)>,
    ) {
        let Some(d) = &mut self.diagnostic else {
            return;
        };
        match written {
            Some((lsp, text)) if r.loc.file == f.loc.file => {
                let bytes = (r.loc.range.start(), r.loc.range.end());
                d.places.push((Place { bytes, lsp }, text, None));
            }
            _ => d.whole = false,
        }
    }

    /// The diagnostic ends at `end` in the output: it is kept, if it can
    /// be copied.
    pub(crate) fn finish(&mut self, end: usize) {
        let Some(d) = self.diagnostic.take() else {
            return;
        };
        if !d.whole || d.places.iter().any(|p| p.2.is_none()) {
            return;
        }
        let first = self.new.places.len();
        let n = d.places.len();
        for (i, (place, range_text, message)) in d.places.iter().enumerate() {
            let (message, shared) = message.clone().expect("checked above");
            // A piece runs from its range's text to the next one's (it
            // holds the next place's `"range":` key), or to the end.
            let text_end = d.places.get(i + 1).map_or(end, |next| next.1.start);
            self.new.places.push(*place);
            self.new.pieces.push(Piece {
                text: range_text.end..text_end,
                message,
                shared: Some(shared),
            });
        }
        self.new.entries.push(Entry {
            rule: d.rule,
            severity: d.severity,
            first,
            len: n,
            text: d.start..end,
            moved: false,
            gone: false,
        });
    }

    /// The memo of this publication, whose body is `out`.
    pub(crate) fn into_memo(mut self, out: &Arc<Vec<u8>>) -> Memo {
        self.new.body = out.clone();
        self.new
    }
}

#[cfg(test)]
mod tests {
    use crate::convert::RuleLinks;
    use crate::publication::publication_body;
    use crate::ranges::{Converter, KeptRanges};
    use orgplan_analysis::position::Encoding;
    use orgplan_analysis::{TextRange, Workspace};
    use proptest::prelude::*;
    use std::fmt::Write as _;

    /// A plan with findings of many rules, most with related places in
    /// their file, some on the same place, and messages with escapes.
    fn plan() -> String {
        let mut s = String::new();
        for i in 0..12 {
            let _ = write!(
                s,
                "leader l{i} \"L\u{e9}{i}\" {{\n  reports_to: l{}\n}}\n\
                 initiative i{i} \"I \\\"{i}\\\"\" {{\n  leader: l{i}\n  model: ownership\n  teams: t{i}, gone{i}\n}}\n\
                 team t{i} \"T\" {{\n  reports_to: l{}\n  depends_on t{} {{ owner: t{i} }}\n}}\n\
                 # \u{1F600} {i}\r\n",
                i / 2,
                (i + 1) % 12,
                (i * 5) % 12,
            );
        }
        s.push_str("team t3 { }\nteam broken {\n  roles: : qa\n}\n");
        s
    }

    /// The publication of the file's findings, from `kept` (carried
    /// memo and ranges) or afresh; and what it keeps for the next.
    fn publish(
        ws: &mut Workspace,
        kept: KeptRanges,
        enc: Encoding,
        links: &RuleLinks,
    ) -> (Vec<u8>, KeptRanges) {
        let id = ws.file_id("p.orgplan").unwrap();
        let analysis = ws.analysis();
        let lines = ws.lines(id).unwrap();
        let uri = "file:///plans/p.orgplan";
        let mut conv = Converter::new(&lines, enc, kept);
        let (body, _) = publication_body(
            uri,
            Some(1),
            analysis.findings_in(id),
            analysis.omitted.get(&id).copied(),
            &mut conv,
            enc,
            links,
            &|loc| Some((uri, ws.lines(loc.file)?)),
        );
        (body.to_vec(), conv.into_kept())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Through random edits (anywhere, or typed on where the last one
        /// ended; line breaks of every kind, characters of every width),
        /// every publication that copies from the last one's text is, byte
        /// for byte, the one written afresh; and copies are made.
        #[test]
        fn a_publication_copied_from_the_last_is_the_one_written_afresh(
            edits in proptest::collection::vec(
                (any::<bool>(), any::<usize>(), 0usize..5, "[ab \\r\\n}{\"\u{e9}\u{1F600}]{0,3}|l1|t4|team x \\{"),
                1..24,
            ),
            enc in prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16), Just(Encoding::Utf32)],
            linked in any::<bool>(),
        ) {
            let mut ws = Workspace::new();
            ws.set_file("p.orgplan", plan());
            let id = ws.file_id("p.orgplan").unwrap();
            let links = RuleLinks::new(linked.then_some("https://docs.example.com/orgplan"));
            let (_, mut kept) = publish(&mut ws, KeptRanges::default(), enc, &links);
            let mut copied = 0;
            let mut at = 0;
            for (near, pick, len, insert) in edits {
                let text = ws.text(id).unwrap();
                let start = if near { at } else { pick % (text.len() + 1) };
                let start = text.floor_char_boundary(start.min(text.len()));
                let end = text.floor_char_boundary((start + len).min(text.len()));
                let edit = crate::ranges::Edit::new(text, start, end);
                ws.edit_file(id, TextRange::new(start, end), &insert);
                kept.edited(&edit, ws.text(id).unwrap());
                at = start + insert.len();
                let (carried, next) = publish(&mut ws, kept, enc, &links);
                let (fresh, _) = publish(&mut ws, KeptRanges::default(), enc, &links);
                prop_assert_eq!(String::from_utf8_lossy(&carried), String::from_utf8_lossy(&fresh));
                kept = next;
                copied += kept.memo().copied;
            }
            prop_assert!(copied > 0);
        }
    }

    /// The rule links and the URI are part of the text: a memo written
    /// with others is not copied from.
    #[test]
    fn a_memo_of_other_links_or_another_uri_is_not_copied_from() {
        let mut ws = Workspace::new();
        ws.set_file("p.orgplan", plan());
        let id = ws.file_id("p.orgplan").unwrap();
        let analysis = ws.analysis();
        let lines = ws.lines(id).unwrap();
        let with = RuleLinks::new(Some("https://docs.example.com/orgplan"));
        let without = RuleLinks::new(None);
        let publish = |kept: KeptRanges, uri: &str, links: &RuleLinks| {
            let mut conv = Converter::new(&lines, Encoding::Utf16, kept);
            let (body, _) = publication_body(
                uri,
                None,
                analysis.findings_in(id),
                None,
                &mut conv,
                Encoding::Utf16,
                links,
                &|loc| Some((uri, ws.lines(loc.file)?)),
            );
            (body, conv.into_kept())
        };
        let (_, kept) = publish(KeptRanges::default(), "file:///a.orgplan", &with);
        let (same, kept) = publish(kept, "file:///a.orgplan", &with);
        assert!(kept.memo().copied > 10, "{}", kept.memo().copied);
        let (other_links, kept) = publish(kept, "file:///a.orgplan", &without);
        assert_eq!(kept.memo().copied, 0);
        let (other_uri, kept) = publish(kept, "file:///b.orgplan", &without);
        assert_eq!(kept.memo().copied, 0);
        assert_ne!(same, other_links);
        assert_ne!(other_links, other_uri);
    }
}
