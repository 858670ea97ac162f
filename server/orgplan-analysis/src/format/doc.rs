//! Whole formatting from what the analysis holds: a piece's tokens read
//! from the lowered document ([`doc_tokens`]) instead of a parse, and a
//! safety net that needs no parse ([`same_reading`]).

use super::{Kind, Token};
use crate::syntax;
use crate::TextRange;

/// The tokens of `body`, the file's text from `base` on, read from the
/// analysis's lowered document of that (error-free) file instead of from a
/// parse: `blocks`, the top-level blocks that start in `body`, give the
/// words (kinds, ids, titles, keys, values) where they are; `comments`,
/// those in `body`, the comments. Between them lie only blanks and the
/// punctuation `{ } : ,`, each mark a token. The same tokens as
/// [`super::tokens`] of a parse of `body` (`tests/format_memo.rs` compares whole
/// formatting from them with formatting each piece from a parse); `None` when
/// anything else lies between the words (the document does not account for
/// the text, or a blank that is not ASCII), and the piece is parsed.
///
/// Replaces: parsing and lowering each piece to find its tokens, where the
/// analysis holds them already. Why: whole formatting of the 100k-line
/// plan parsed every piece (most of 240 ms for the first request); a
/// piece already in its canonical layout now costs its layout alone.
/// Shown by: BENCHMARKS.md, "4 Dec (third session): whole formatting reads the analysis's
/// document" (criterion: `format/unformatted-plan-again`).
pub(super) fn doc_tokens(
    body: &str,
    base: usize,
    blocks: &[syntax::Block],
    comments: &[TextRange],
) -> Option<Vec<Token>> {
    fn words(b: &syntax::Block, out: &mut Vec<(Kind, TextRange)>) {
        out.push((Kind::Head, b.kind.range));
        out.extend(b.name.as_ref().map(|n| (Kind::Word, n.range)));
        out.extend(b.title.as_ref().map(|t| (Kind::Word, t.range)));
        for p in &b.properties {
            out.push((Kind::Key, p.key.range));
            out.extend(p.values.iter().map(|v| (Kind::Word, v.range)));
        }
        for c in &b.children {
            words(c, out);
        }
    }
    let mut found = Vec::new();
    for b in blocks {
        words(b, &mut found);
    }
    found.extend(comments.iter().map(|&c| (Kind::Comment, c)));
    found.sort_unstable_by_key(|(_, r)| r.start());
    let top_ends: Vec<usize> = blocks
        .iter()
        .map(|b| b.range.end().checked_sub(base))
        .collect::<Option<_>>()?;
    let token = |kind, start, end| Token {
        kind,
        start,
        end,
        ends_top_block: kind != Kind::Comment && top_ends.binary_search(&end).is_ok(),
    };
    let mut out = Vec::with_capacity(found.len() * 2 + 2);
    // The punctuation in `body[from..to]`; `None` if it holds anything else.
    let marks = |out: &mut Vec<Token>, from: usize, to: usize| -> Option<()> {
        for (i, &b) in body.as_bytes()[from..to].iter().enumerate() {
            let kind = match b {
                b'{' => Kind::Open,
                b'}' => Kind::Close,
                b':' => Kind::Colon,
                b',' => Kind::Comma,
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => continue,
                _ => return None,
            };
            out.push(token(kind, from + i, from + i + 1));
        }
        Some(())
    };
    let mut at = 0;
    for (kind, r) in found {
        let (start, end) = (r.start().checked_sub(base)?, r.end().checked_sub(base)?);
        if start < at || start >= end || body.get(start..end).is_none() {
            return None;
        }
        marks(&mut out, at, start)?;
        out.push(token(kind, start, end));
        at = end;
    }
    marks(&mut out, at, body.len())?;
    Some(out)
}

/// Whether the parser reads `out`, a layout of `text` from `text`'s
/// `tokens`, as it reads `text`, whose tree is clean and lowers without
/// errors: then `out`'s tree is the same, and lowers alike. Found without
/// parsing `out`.
///
/// The parser's tree is a function of the tokens its lexers hand it, and
/// lowering's reading of a clean tree depends on blanks in one place only
/// (below). The tokens are the same when:
/// - `out` is the tokens' texts, in order, with only blanks and line
///   breaks around them: nothing lost, added or moved;
/// - no two tokens run together that were apart: where nothing separates
///   two tokens in `out`, nothing did in `text` either, or one of them is
///   punctuation (`a` and `b` written `ab` would be one word);
/// - a comment still ends its line (it would take in what follows);
/// - a block's kind that started a line still does (lowering reads a
///   block without a body on a property's line as its values);
/// - what the external scanner (`scanner.c`) decides from the blanks
///   around a word is decided alike: whether a word right after a block's
///   kind is on the kind's line (it is then the block's id), and whether a
///   word is followed, past spaces and tabs, by `:` (it is then a key).
///
/// Strings and comments are copied whole, so no line break enters one.
/// The check is sufficient, not necessary: a layout it turns down is not
/// used (the piece is then checked by a parse). The tests below hold it
/// to tree-sitter's trees of random relayouts.
///
/// Replaces: parsing and lowering each changed piece's layout again (the
/// safety net of [`super::try_format`]). Why: on the 100k-line plan as
/// generated, half its 10,000 teams change, and parsing their layouts was
/// half of whole formatting's time. Shown by: BENCHMARKS.md, "4 Dec (third session): whole
/// formatting reads the analysis's document" (criterion:
/// `format/unformatted-plan-again`).
pub(super) fn same_reading(text: &str, tokens: &[Token], out: &str) -> bool {
    let is_blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let breaks = |s: &str| s.bytes().any(|b| b == b'\n' || b == b'\r');
    let mark = |k: Kind| matches!(k, Kind::Open | Kind::Close | Kind::Colon | Kind::Comma);
    let mut at = 0;
    let mut prev: Option<Token> = None;
    // The kind of the last token before this one that is not a comment.
    let mut last_word: Option<Kind> = None;
    for &t in tokens {
        let Some(word) = text.get(t.start..t.end) else {
            return false;
        };
        let start = at
            + out.as_bytes()[at..]
                .iter()
                .take_while(|b| is_blank(b))
                .count();
        if !out[start..].starts_with(word) {
            return false;
        }
        let (gap_in, gap_out) = (&text[prev.map_or(0, |p| p.end)..t.start], &out[at..start]);
        if let Some(p) = prev {
            if p.kind == Kind::Comment && !breaks(gap_out) {
                return false;
            }
            if gap_out.is_empty() && !gap_in.is_empty() && !mark(p.kind) && !mark(t.kind) {
                return false;
            }
            // Lowering reads a block without a body that starts on the
            // line a property ends on as more of its values (`teams: a
            // b`, a missing `,`): a kind never joins the line before.
            if t.kind == Kind::Head && breaks(gap_in) && !breaks(gap_out) {
                return false;
            }
        }
        if word.bytes().next().is_some_and(starts_word) {
            // A key is one whatever its line (the scanner tries a key
            // first, and the `:` after it is checked below); another word
            // right after a kind is its id only on its line.
            let id_decided = last_word == Some(Kind::Head) && t.kind != Kind::Key;
            if id_decided && breaks(gap_in) != breaks(gap_out) {
                return false;
            }
            if colon_after(text, t.end) != colon_after(out, start + word.len()) {
                return false;
            }
        }
        at = start + word.len();
        prev = Some(t);
        if t.kind != Kind::Comment {
            last_word = Some(t.kind);
        }
    }
    out.as_bytes()[at..].iter().all(is_blank)
}

/// Whether the external scanner may read a word starting with `b` as a
/// key or an id (`is_ident_start` in `scanner.c`).
fn starts_word(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// Whether `s[at..]` is, past spaces and tabs, a `:`.
fn colon_after(s: &str, at: usize) -> bool {
    s.as_bytes()[at..]
        .iter()
        .find(|&&b| b != b' ' && b != b'\t')
        .is_some_and(|&b| b == b':')
}

#[cfg(test)]
mod tests {
    use super::super::{layout, parse, tokens};
    use super::*;
    use proptest::prelude::*;

    /// Plans without syntax errors, with what the scanner decides by
    /// blanks: words after kinds, keys on a kind's line, comments between
    /// words, adjacent punctuation, signed numbers.
    const SEEDS: [&str; 9] = [
        include_str!("../../../../examples/violations/plan.orgplan"),
        include_str!("../../../../examples/fulfilment/plan.orgplan"),
        include_str!("../../../../examples/gdpr/plan.orgplan"),
        "team a \"A\" {\n  x allocation: 50%\n  y\n  z \"Z\"\n}\n",
        "foo\n\"Title\"\nbar baz\nqux {}\n",
        "team a # about a\n  \"A\" {roles:qa,# first\ndesign}\n",
        "leader a \"A\" {title:\"x\" allocation:-5%\nheadcount: -3.0}\nteam b\n",
        "team t \"T\" {\n  depends_on p\n  depends_on q { owner: t plan: \"x\" }\n  roles: a ,b , c\n}\n",
        "initiative i \"I\" { teams: a,\n b\n leader : j\n critical: true }\n",
    ];

    /// A seed's tree (as an S-expression: kinds and fields, no places)
    /// and tokens, when it parses without errors.
    fn read(text: &str) -> Option<(String, Vec<Token>)> {
        let tree = parse(text);
        let root = tree.root_node();
        if root.has_error() || !crate::syntax::lower(text, &tree).errors.is_empty() {
            return None;
        }
        Some((root.to_sexp(), tokens(text, root)?))
    }

    /// `text` with the blanks before token `i` replaced by `gaps[i]` where
    /// there is one.
    fn relayout(text: &str, tokens: &[Token], gaps: &[(usize, &str)]) -> String {
        let mut out = String::new();
        let mut prev = 0;
        for (i, t) in tokens.iter().enumerate() {
            match gaps.iter().find(|(at, _)| *at == i) {
                Some((_, gap)) => out.push_str(gap),
                None => out.push_str(&text[prev..t.start]),
            }
            out.push_str(&text[t.start..t.end]);
            prev = t.end;
        }
        out.push_str(&text[prev..]);
        out
    }

    #[test]
    fn the_seeds_parse_and_their_layouts_read_alike() {
        for seed in SEEDS {
            let (_, tokens) = read(seed).unwrap_or_else(|| panic!("does not parse:\n{seed}"));
            let mut out = String::new();
            layout(seed, &tokens, "\n", &mut out);
            assert!(same_reading(seed, &tokens, &out), "{seed}\n---\n{out}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

        /// Soundness: a layout `same_reading` accepts has the same tree
        /// as the text, without errors.
        #[test]
        fn an_accepted_layout_parses_to_the_same_tree(
            seed in 0..SEEDS.len(),
            gaps in prop::collection::vec(
                (0.0..1.0f64, prop::sample::select(vec!["", " ", "\n", "  ", "\t", "\r\n", "\n\n  ", " \r"])),
                1..5,
            ),
        ) {
            let text = SEEDS[seed];
            let (tree, tokens) = read(text).unwrap();
            let gaps: Vec<(usize, &str)> = gaps
                .into_iter()
                .map(|(at, gap)| (((at * tokens.len() as f64) as usize).min(tokens.len() - 1), gap))
                .collect();
            let out = relayout(text, &tokens, &gaps);
            if same_reading(text, &tokens, &out) {
                let parsed = parse(&out);
                prop_assert!(!parsed.root_node().has_error(), "{}", out);
                prop_assert!(crate::syntax::lower(&out, &parsed).errors.is_empty(), "{}", out);
                prop_assert_eq!(parsed.root_node().to_sexp(), tree, "{}", out);
            }
        }
    }
}
