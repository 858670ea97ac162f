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
}
