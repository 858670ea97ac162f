//! Tree-sitter grammar for orgplan (`.orgplan`) organization plans.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_orgplan::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("team t \"T\" { roles: qa }", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_orgplan() -> *const ();
}

/// The tree-sitter [`LanguageFn`] for this grammar.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_orgplan) };

/// The content of the [`node-types.json`] file for this grammar.
///
/// [`node-types.json`]: https://tree-sitter.github.io/tree-sitter/using-parsers/6-static-node-types
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// Syntax highlighting query.
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// Folding query.
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");

/// Indentation query.
pub const INDENTS_QUERY: &str = include_str!("../../queries/indents.scm");

#[cfg(test)]
mod tests {
    #[test]
    fn can_load_grammar() {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&super::LANGUAGE.into())
            .expect("Error loading orgplan parser");
    }

    /// Every query names only nodes and fields the grammar has: a node
    /// renamed or removed in the grammar fails here, not in an editor.
    #[test]
    fn queries_compile_against_the_grammar() {
        let language = super::LANGUAGE.into();
        for (name, source) in [
            ("highlights", super::HIGHLIGHTS_QUERY),
            ("folds", super::FOLDS_QUERY),
            ("indents", super::INDENTS_QUERY),
        ] {
            if let Err(e) = tree_sitter::Query::new(&language, source) {
                panic!("queries/{name}.scm: {e}");
            }
        }
    }

    /// The kind of the first block of `text`, as written.
    fn first_kind(parser: &mut tree_sitter::Parser, text: &str) -> Option<String> {
        let tree = parser.parse(text, None)?;
        let block = tree.root_node().named_child(0)?;
        let kind = block.child_by_field_name("kind")?;
        Some(text[kind.byte_range()].to_string())
    }

    /// The lexer's character sets are asked for ASCII characters through
    /// tables that `build.rs` writes from the sets' ranges: each character
    /// below 128 starts and continues a word exactly as the grammar's
    /// `identifier` (`[\p{L}_][\p{L}\p{M}\p{N}_-]*`) says. And a word
    /// of letters past ASCII is still one word (the ranges are still read).
    #[test]
    fn ascii_characters_start_and_continue_words_as_the_grammar_says() {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&super::LANGUAGE.into()).unwrap();
        let mut one_word = |word: &str| {
            first_kind(&mut parser, &format!("{word} {{}}\n")).as_deref() == Some(word)
        };
        for c in (0u8..128).map(char::from) {
            let starts = c.is_ascii_alphabetic() || c == '_';
            let continues = starts || c.is_ascii_digit() || c == '-';
            assert_eq!(one_word(&format!("{c}b")), starts, "{c:?} starting a word");
            assert_eq!(
                one_word(&format!("a{c}b")),
                continues,
                "{c:?} inside a word"
            );
        }
        for word in ["jos\u{e9}", "\u{e9}quipe", "\u{3b1}\u{3b2}", "caf\u{e9}-2"] {
            assert!(one_word(word), "{word:?}");
        }
    }
}
