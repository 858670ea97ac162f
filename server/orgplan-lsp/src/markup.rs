//! Markdown as plain text, for clients that show only plain text
//! (`contentFormat: ["plaintext"]`): the analysis writes its hovers and
//! documentation in Markdown, and such a client would show `**`, backticks
//! and link syntax as they are.
//!
//! The text is parsed as CommonMark, so that whatever the analysis writes
//! (and whatever a plan's titles put into it) comes out as a person would
//! read the rendered text: emphasis and code marks dropped, a link's
//! address after its text, list items kept as `- ` lines, a rule as a line
//! of dashes, paragraphs separated by a blank line.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use tower_lsp_server::lsp_types::{MarkupContent, MarkupKind};

/// `markdown` as the client takes it: as it is when it `takes_markdown`,
/// otherwise as plain text.
pub fn content(markdown: String, takes_markdown: bool) -> MarkupContent {
    if takes_markdown {
        MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }
    } else {
        MarkupContent {
            kind: MarkupKind::PlainText,
            value: plain_text(&markdown),
        }
    }
}

/// What a rule (`---`) becomes.
const RULE: &str = "────────";

/// `markdown` as plain text.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    // The addresses of the links open, innermost last.
    let mut links: Vec<String> = Vec::new();
    // The depth of lists, and whether each is ordered (with its next number).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let end_block = |out: &mut String| {
        while out.ends_with(' ') {
            out.pop();
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    let blank_line = |out: &mut String| {
        end_block(out);
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
    };
    for event in Parser::new(markdown) {
        match event {
            // Inside a list item, a paragraph follows its marker.
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::CodeBlock(_))
                if !out.ends_with("- ") && !out.ends_with(". ") =>
            {
                blank_line(&mut out);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                end_block(&mut out);
            }
            Event::Start(Tag::List(first)) => {
                if lists.is_empty() {
                    blank_line(&mut out);
                } else {
                    end_block(&mut out);
                }
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                end_block(&mut out);
            }
            Event::Start(Tag::Item) => {
                end_block(&mut out);
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            Event::End(TagEnd::Item) => end_block(&mut out),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop() {
                    // A bare address (`<https://…>`) is already its text.
                    if !url.is_empty() && !out.ends_with(url.as_str()) {
                        out.push_str(&format!(" ({url})"));
                    }
                }
            }
            Event::Rule => {
                blank_line(&mut out);
                out.push_str(RULE);
                out.push('\n');
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            _ => {}
        }
    }
    while out.ends_with('\n') || out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn what_the_hovers_write() {
        let md = "**incomplete-team** · warning\n\nteam `billing` lacks `qa`\n\n*Ask:*\n- Can teams ship?\n- Who decides?\n\nSource: [The article](https://example.org/a)\n\n---\n\n**team** `billing` — Billing\n\n1. one\n2. two";
        assert_eq!(
            plain_text(md),
            "incomplete-team · warning\n\nteam billing lacks qa\n\nAsk:\n\n- Can teams ship?\n- Who decides?\n\nSource: The article (https://example.org/a)\n\n────────\n\nteam billing — Billing\n\n1. one\n2. two"
        );
    }

    #[test]
    fn escapes_and_code_are_taken_literally() {
        assert_eq!(plain_text(r"a \*b\* `c*d*`"), "a *b* c*d*");
        assert_eq!(plain_text("```\nteam a {\n}\n```"), "team a {\n}");
        assert_eq!(plain_text("<https://x.org>"), "https://x.org");
    }

    proptest! {
        /// Words survive, and no Markdown mark is left around them.
        #[test]
        fn words_survive_without_marks(words in proptest::collection::vec("[a-z]{1,8}", 1..12)) {
            let marks = ["**", "*", "`", "_"];
            let md: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(i, w)| { let m = marks[i % marks.len()]; format!("{m}{w}{m}") })
                .collect();
            let plain = plain_text(&md.join(" "));
            prop_assert_eq!(plain, words.join(" "));
        }
    }
}
