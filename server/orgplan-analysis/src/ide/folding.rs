//! Folding ranges: blocks that span lines, and runs of comment lines.

use crate::syntax::Block;
use crate::text::{FileId, TextRange};
use crate::{Text, Workspace};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Block,
    Comment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub range: TextRange,
    pub kind: FoldKind,
}

fn spans_lines(text: &Text, r: TextRange) -> bool {
    r.end() <= text.len() && text.line_of(r.start()) != text.line_of(r.end())
}

fn blocks(text: &Text, bs: &[Block], out: &mut Vec<Fold>) {
    for b in bs {
        if spans_lines(text, b.range) {
            out.push(Fold {
                range: b.range,
                kind: FoldKind::Block,
            });
        }
        blocks(text, &b.children, out);
    }
}

pub fn folding_ranges(ws: &Workspace, file: FileId) -> Vec<Fold> {
    let Some(src) = ws.file(file) else {
        return Vec::new();
    };
    let text = &src.text;
    let mut out = Vec::new();
    blocks(text, &src.doc().blocks, &mut out);
    // Comments: those the chunks found, grouped by consecutive lines.
    let mut comments: Vec<TextRange> = Vec::new();
    for chunk in &src.parsed.chunks {
        comments.extend(chunk.comments());
    }
    comments.sort();
    let mut run: Option<TextRange> = None;
    let mut lines = 1;
    for c in comments {
        match run {
            Some(r)
                if {
                    let gap = text.slice(r.end()..c.start());
                    gap.trim().is_empty() && gap.matches('\n').count() == 1
                } =>
            {
                run = Some(r.cover(c));
                lines += 1;
            }
            _ => {
                if let Some(r) = run.filter(|_| lines > 1) {
                    out.push(Fold {
                        range: r,
                        kind: FoldKind::Comment,
                    });
                }
                run = Some(c);
                lines = 1;
            }
        }
    }
    if let Some(r) = run.filter(|_| lines > 1) {
        out.push(Fold {
            range: r,
            kind: FoldKind::Comment,
        });
    }
    out.sort_by_key(|f| f.range.start());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    #[test]
    fn blocks_and_comment_runs() {
        let f = fixture("# one\n# two\nleader j \"J\" { }\nteam t \"T\" {\n  # lone\n  depends_on u {\n    owner: t\n  }\n}\n# a\n\n# b\n");
        let shown: Vec<String> = folding_ranges(&f.ws, f.file)
            .iter()
            .map(|x| {
                format!(
                    "{:?} {:?}",
                    x.kind,
                    &f.text(f.file)[x.range.start()..x.range.end()]
                )
            })
            .collect();
        insta::assert_snapshot!(shown.join("\n"), @r##"
            Comment "# one\n# two"
            Block "team t \"T\" {\n  # lone\n  depends_on u {\n    owner: t\n  }\n}"
            Block "depends_on u {\n    owner: t\n  }"
        "##);
    }
}
