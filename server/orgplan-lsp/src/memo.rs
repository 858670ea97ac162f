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
//! messages, whose places (its own and its related ones) are the entry's
//! byte ranges. A place in the file is carried through the file's edits
//! by the rule of [`crate::ranges`]: a place that ends before an edit
//! keeps its LSP range, one that starts after the line the edit ends on
//! moves by whole lines, and an entry with any other place is dropped.
//! A related place in another file is the same while that file's text
//! has the revision it had when the entry was written ([`Text::revision`])
//! and its URI is the one written. (A ten-file workspace's findings point
//! into the other files: writing those places anew at each keystroke was
//! the larger part of a publication, BENCHMARKS.md, "5 Dec (fourteenth
//! session)".) A message is the same when it is the very one the entry
//! holds (messages are shared, `Arc<str>`, and one held cannot be freed
//! and its address reused), or else when its text is. When an edit moved
//! an entry's lines, its ranges are written anew from its LSP ranges and
//! the text between them is copied; else the whole text is. The URI and
//! the rule links are the memo's: a publication with others starts
//! afresh.

use crate::ranges::Edit;
use orgplan_analysis::rules::{Finding, Severity};
use orgplan_analysis::FileId;
#[cfg(doc)]
use orgplan_analysis::Text;
use std::ops::Range as Span;
use std::sync::Arc;
use tower_lsp_server::lsp_types::Range;

/// How far past the first candidate a finding's entry is looked for
/// among entries at the same place (findings at one place differ by rule
/// and message).
const SAME_PLACE: usize = 16;

/// One place of an entry: its byte range and its LSP range, in the
/// memo's file or in another one.
#[derive(Clone, Copy, Debug)]
struct Place {
    bytes: (usize, usize),
    lsp: Range,
    /// In another file: which of [`Memo::files`].
    foreign: Option<u32>,
}

/// Another file that related places lie in, as it was when they were
/// written: its text's revision and its URI, as written (escaped).
#[derive(Clone, Debug)]
struct Foreign {
    file: FileId,
    revision: u64,
    uri: Vec<u8>,
}

/// Whether a file is still at a revision and has a URI (escaped), as
/// the publication being written finds it.
pub(crate) type Current<'x> = dyn FnMut(FileId, u64, &[u8]) -> bool + 'x;

/// Whether the other file of an index in [`Memo::files`] is as it was.
type Unchanged<'x> = dyn FnMut(u32) -> bool + 'x;

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
    /// The other files the places lie in.
    files: Vec<Foreign>,
    /// How many of its entries were copied from the memo before it, and
    /// how many of those have a place in another file.
    copied: usize,
    copied_foreign: usize,
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
            // Places in other files stay as they are.
            let places = &mut self.places[e.first..e.first + e.len];
            let mut own = places.iter_mut().filter(|p| p.foreign.is_none());
            if own.any(|p| carried(p.bytes, edit, bytes, lines).is_none()) {
                e.gone = true;
                continue;
            }
            for p in places.iter_mut().filter(|p| p.foreign.is_none()) {
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

    #[cfg(test)]
    pub(crate) fn copied_foreign(&self) -> usize {
        self.copied_foreign
    }

    /// Whether this memo's text was written for `uri` with `links`.
    fn written_for(&self, uri: &str, links: Option<&str>) -> bool {
        self.uri == uri && self.links.as_deref() == links
    }

    /// The entry of the last publication that `f` would be written as, if
    /// any: looked for from `cursor` (the findings come in the order of
    /// the entries), which moves past the entries before `f`'s place.
    fn find(&self, f: &Finding, cursor: &mut usize, current: &mut Unchanged) -> Option<usize> {
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
            .find(|(_, e)| self.is_written_as(f, e, current))
            .map(|(i, _)| *cursor + i)
    }

    fn is_written_as(&self, f: &Finding, e: &Entry, current: &mut Unchanged) -> bool {
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
        let range = |r: &orgplan_analysis::TextRange| (r.start(), r.end());
        same(0, &f.message)
            && f.related.iter().enumerate().all(|(i, r)| {
                let place = &self.places[e.first + i + 1];
                place.bytes == range(&r.loc.range)
                    && same(i + 1, &r.message)
                    && match place.foreign {
                        None => r.loc.file == f.loc.file,
                        Some(k) => {
                            self.files[k as usize].file == r.loc.file
                                && r.loc.file != f.loc.file
                                && current(k)
                        }
                    }
            })
    }

    /// The index in [`Memo::files`] of `file` at `revision` with `uri`,
    /// added if it is not there.
    fn foreign(&mut self, file: FileId, revision: u64, uri: &[u8]) -> u32 {
        let known = self
            .files
            .iter()
            .position(|x| x.file == file && x.revision == revision && x.uri == uri);
        let i = known.unwrap_or_else(|| {
            self.files.push(Foreign {
                file,
                revision,
                uri: uri.to_vec(),
            });
            self.files.len() - 1
        });
        i as u32
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
    /// For each of `old`'s other files: whether it is as it was (asked
    /// once a publication), and its index in `new`'s, once it has one.
    current: Vec<Option<bool>>,
    in_new: Vec<Option<u32>>,
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
            current: vec![None; old.files.len()],
            in_new: vec![None; old.files.len()],
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
    /// `current` tells whether another file's text and URI are as they
    /// were.
    pub(crate) fn copy(&mut self, f: &Finding, out: &mut Vec<u8>, current: &mut Current) -> bool {
        if !self.usable {
            return false;
        }
        let (old, known) = (&self.old, &mut self.current);
        let mut unchanged = |k: u32| {
            *known[k as usize].get_or_insert_with(|| {
                let x = &old.files[k as usize];
                current(x.file, x.revision, &x.uri)
            })
        };
        let Some(j) = self.old.find(f, &mut self.cursor, &mut unchanged) else {
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
        let mut foreign = false;
        for (k, i) in (e.first..e.first + e.len).enumerate() {
            let mut place = self.old.places[i];
            if let Some(x) = place.foreign {
                foreign = true;
                place.foreign = Some(self.in_new(x));
            }
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
        self.new.copied_foreign += usize::from(foreign);
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

    /// The index in the new memo's other files of `old`'s `k`th.
    fn in_new(&mut self, k: u32) -> u32 {
        if let Some(i) = self.in_new[k as usize] {
            return i;
        }
        let x = &self.old.files[k as usize];
        let i = self.new.foreign(x.file, x.revision, &x.uri);
        self.in_new[k as usize] = Some(i);
        i
    }

    /// A diagnostic of `f` is being written from `start` in the output:
    /// its range `lsp`, whose text is at `text`.
    pub(crate) fn start(&mut self, f: &Finding, start: usize, lsp: Range, text: Span<usize>) {
        let bytes = (f.loc.range.start(), f.loc.range.end());
        self.diagnostic = Some(Diagnostic {
            rule: f.rule,
            severity: f.severity,
            start,
            places: vec![(
                Place {
                    bytes,
                    lsp,
                    foreign: None,
                },
                text,
                None,
            )],
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
    /// at `text` in the output; its file's text revision and URI as
    /// written), or left out (`None`).
    pub(crate) fn related(
        &mut self,
        f: &Finding,
        r: &orgplan_analysis::rules::Related,
        written: Option<(Range, Span<usize>, u64, &[u8])>,
    ) {
        let Some(d) = &mut self.diagnostic else {
            return;
        };
        let Some((lsp, text, revision, uri)) = written else {
            d.whole = false;
            return;
        };
        let foreign =
            (r.loc.file != f.loc.file).then(|| self.new.foreign(r.loc.file, revision, uri));
        let bytes = (r.loc.range.start(), r.loc.range.end());
        d.places.push((
            Place {
                bytes,
                lsp,
                foreign,
            },
            text,
            None,
        ));
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
    /// their file, some on the same place, and messages with escapes:
    /// entities `from..to`, whose references reach `0..all` (with two
    /// files, into the other one).
    fn plan_of(from: usize, to: usize, all: usize) -> String {
        let mut s = String::new();
        for i in from..to {
            let _ = write!(
                s,
                "leader l{i} \"L\u{e9}{i}\" {{\n  reports_to: l{}\n}}\n\
                 initiative i{i} \"I \\\"{i}\\\"\" {{\n  leader: l{i}\n  model: ownership\n  teams: t{i}, gone{i}\n}}\n\
                 team t{i} \"T\" {{\n  reports_to: l{}\n  depends_on t{} {{ owner: t{i} }}\n}}\n\
                 # \u{1F600} {i}\r\n",
                i / 2,
                (i + 1) % all,
                (i * 5) % all,
            );
        }
        s.push_str("team t3 { }\nteam broken {\n  roles: : qa\n}\n");
        s
    }

    fn plan() -> String {
        plan_of(0, 12, 12)
    }

    /// The URI of a file of these tests.
    fn uri_of(path: &str) -> String {
        format!("file:///plans/{path}")
    }

    /// The publication of the file `path`'s findings, from `kept`
    /// (carried memo and ranges) or afresh; and what it keeps for the
    /// next. `uris` names the files' URIs.
    fn publish(
        ws: &mut Workspace,
        path: &str,
        kept: KeptRanges,
        enc: Encoding,
        links: &RuleLinks,
        uris: &dyn Fn(&str) -> String,
    ) -> (Vec<u8>, KeptRanges) {
        let id = ws.file_id(path).unwrap();
        let analysis = ws.analysis();
        let lines = ws.lines(id).unwrap();
        let uri = uris(path);
        let all: Vec<(orgplan_analysis::FileId, String)> =
            ws.files().map(|(id, f)| (id, uris(&f.path))).collect();
        let mut conv = Converter::new(&lines, enc, kept);
        let (body, _) = publication_body(
            &uri,
            Some(1),
            analysis.findings_in(id),
            analysis.omitted.get(&id).copied(),
            &mut conv,
            enc,
            links,
            &|loc| {
                let uri = &all.iter().find(|(f, _)| *f == loc.file)?.1;
                Some((uri.as_str(), ws.lines(loc.file)?))
            },
        );
        (body.to_vec(), conv.into_kept())
    }

    /// Publishes both files from what each kept, checks each against
    /// one written afresh, and keeps what each leaves; gives how many
    /// diagnostics were copied, and how many of those with a place in the
    /// other file.
    fn publish_both(
        ws: &mut Workspace,
        paths: &[&str; 2],
        kept: &mut [KeptRanges; 2],
        enc: Encoding,
        links: &RuleLinks,
        uris: &dyn Fn(&str) -> String,
    ) -> Result<(usize, usize), TestCaseError> {
        let (mut copied, mut copied_foreign) = (0, 0);
        for (k, path) in paths.iter().enumerate() {
            let old = std::mem::take(&mut kept[k]);
            let (carried, next) = publish(ws, path, old, enc, links, uris);
            let (fresh, _) = publish(ws, path, KeptRanges::default(), enc, links, uris);
            prop_assert_eq!(
                String::from_utf8_lossy(&carried),
                String::from_utf8_lossy(&fresh)
            );
            copied += next.memo().copied;
            copied_foreign += next.memo().copied_foreign();
            kept[k] = next;
        }
        Ok((copied, copied_foreign))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Through random edits of either of two files whose findings
        /// point into each other (anywhere, or typed on where the last
        /// one ended; line breaks of every kind, characters of every
        /// width), every publication of both that copies from the last
        /// one's text is, byte for byte, the one written afresh; and
        /// copies are made, of diagnostics with places in the other file
        /// too. Now and then a file's URI changes.
        #[test]
        fn a_publication_copied_from_the_last_is_the_one_written_afresh(
            edits in proptest::collection::vec(
                (0usize..2, any::<bool>(), any::<usize>(), 0usize..5, "[ab \\r\\n}{\"\u{e9}\u{1F600}]{0,3}|l1|t4|t17|team x \\{", 0usize..12),
                1..24,
            ),
            enc in prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16), Just(Encoding::Utf32)],
            linked in any::<bool>(),
        ) {
            let mut ws = Workspace::new();
            let paths = ["p.orgplan", "q.orgplan"];
            ws.set_file(paths[0], plan_of(0, 12, 24));
            ws.set_file(paths[1], plan_of(12, 24, 24));
            let links = RuleLinks::new(linked.then_some("https://docs.example.com/orgplan"));
            let renamed = std::cell::Cell::new(false);
            let uris = |path: &str| match renamed.get() && path == paths[1] {
                true => uri_of("renamed/q.orgplan"),
                false => uri_of(path),
            };
            let mut kept = [KeptRanges::default(), KeptRanges::default()];
            for (k, path) in paths.iter().enumerate() {
                kept[k] = publish(&mut ws, path, KeptRanges::default(), enc, &links, &uris).1;
            }
            let (mut copied, mut copied_foreign) = (0, 0);
            let mut at = 0;
            for (which, near, pick, len, insert, rename) in edits {
                if rename == 0 {
                    renamed.set(!renamed.get());
                }
                let id = ws.file_id(paths[which]).unwrap();
                let text = ws.text(id).unwrap();
                let start = if near { at } else { pick % (text.len() + 1) };
                let start = text.floor_char_boundary(start.min(text.len()));
                let end = text.floor_char_boundary((start + len).min(text.len()));
                let edit = crate::ranges::Edit::new(text, start, end);
                ws.edit_file(id, TextRange::new(start, end), &insert);
                kept[which].edited(&edit, ws.text(id).unwrap());
                at = start + insert.len();
                let (c, f) = publish_both(&mut ws, &paths, &mut kept, enc, &links, &uris)?;
                copied += c;
                copied_foreign += f;
            }
            // Published again with nothing changed (a URI changed just
            // before leaves nothing to copy), every diagnostic is copied,
            // those with places in the other file too.
            let (c, f) = publish_both(&mut ws, &paths, &mut kept, enc, &links, &uris)?;
            copied += c;
            copied_foreign += f;
            prop_assert!(copied > 0);
            prop_assert!(copied_foreign > 0);
        }
    }

    /// A diagnostic with a place in another file is copied while that
    /// file is as it was, and written anew once it is edited.
    #[test]
    fn a_place_in_another_file_is_copied_until_that_file_changes() {
        let mut ws = Workspace::new();
        ws.set_file("p.orgplan", plan_of(0, 12, 24));
        ws.set_file("q.orgplan", plan_of(12, 24, 24));
        let links = RuleLinks::new(None);
        let publish_p = |ws: &mut Workspace, kept| {
            publish(ws, "p.orgplan", kept, Encoding::Utf16, &links, &uri_of)
        };
        let (_, kept) = publish_p(&mut ws, KeptRanges::default());
        assert!(kept.memo().files.len() == 1, "{:?}", kept.memo().files);
        let (_, kept) = publish_p(&mut ws, kept);
        let foreign = kept.memo().copied_foreign();
        assert!(foreign > 3, "{foreign}");
        // An edit of the other file that moves no byte offset of p's
        // findings' places there, only their lines: its first `\r\n`
        // made `\n\n` (a blank line more).
        let q = ws.file_id("q.orgplan").unwrap();
        let at = ws.text(q).unwrap().to_string().find("\r\n").unwrap();
        let p = ws.file_id("p.orgplan").unwrap();
        let before = ws.analysis().findings_in(p).to_vec();
        ws.edit_file(q, TextRange::new(at, at + 2), "\n\n");
        assert!(before == ws.analysis().findings_in(p));
        let (carried, kept) = publish_p(&mut ws, kept);
        assert_eq!(kept.memo().copied_foreign(), 0);
        let (fresh, _) = publish_p(&mut ws, KeptRanges::default());
        assert_eq!(carried, fresh);
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
