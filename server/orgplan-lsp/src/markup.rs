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
    let mut w = PlainText {
        out: String::with_capacity(markdown.len()),
        links: Vec::new(),
        lists: Vec::new(),
    };
    for event in Parser::new(markdown) {
        w.event(event);
    }
    let mut out = w.out;
    while out.ends_with('\n') || out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The plain text written so far, and the links and lists open.
struct PlainText {
    out: String,
    /// The addresses of the links open, innermost last.
    links: Vec<String>,
    /// The depth of lists, and whether each is ordered (with its next number).
    lists: Vec<Option<u64>>,
}

impl PlainText {
    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Rule => {
                self.blank_line();
                self.out.push_str(RULE);
                self.out.push('\n');
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                self.out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => self.out.push('\n'),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            // Inside a list item, a paragraph follows its marker.
            Tag::Paragraph | Tag::Heading { .. } | Tag::CodeBlock(_)
                if !self.out.ends_with("- ") && !self.out.ends_with(". ") =>
            {
                self.blank_line();
            }
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.blank_line();
                } else {
                    self.end_block();
                }
                self.lists.push(first);
            }
            Tag::Item => {
                self.end_block();
                let depth = self.lists.len().saturating_sub(1);
                self.out.push_str(&"  ".repeat(depth));
                match self.lists.last_mut() {
                    Some(Some(n)) => {
                        self.out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => self.out.push_str("- "),
                }
            }
            Tag::Link { dest_url, .. } => self.links.push(dest_url.to_string()),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::Item => {
                self.end_block()
            }
            TagEnd::List(_) => {
                self.lists.pop();
                self.end_block();
            }
            TagEnd::Link => {
                if let Some(url) = self.links.pop() {
                    // A bare address (`<https://…>`) is already its text.
                    if !url.is_empty() && !self.out.ends_with(url.as_str()) {
                        self.out.push_str(&format!(" ({url})"));
                    }
                }
            }
            _ => {}
        }
    }

    /// Ends the line of a block (trailing spaces dropped).
    fn end_block(&mut self) {
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    /// Ends the line, and leaves a blank one before what follows.
    fn blank_line(&mut self) {
        self.end_block();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }
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
