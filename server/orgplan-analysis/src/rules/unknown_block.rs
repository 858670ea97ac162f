use super::{Ctx, Edit, Finding, Fix, Group, Rule, Severity};
use crate::schema::BlockKind;
use crate::syntax::Block;
use crate::text::{FileId, Loc};

pub static RULE: Rule = Rule {
    name: "unknown-block",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "A block of a kind the language does not have, or in a place it does not belong.",
    principle: "A plan is made of `leader`, `initiative` and `team` blocks, with `depends_on` blocks inside teams. A block of another kind means nothing to the model, so whatever it says is not checked.",
    questions: &[],
    fix: "Use one of the block kinds (`leader`, `initiative`, `team`; `depends_on` inside a team), or fix the typo the message points out.",
    example: "tem payments \"Payments\" {\n  roles: engineering\n}\n",
    findings: "One at the kind word of each block of an unknown kind, or of a known kind in the wrong place; a property's key written as a block's kind (`roles engineering { }`) is said to be one, with the colon as its fix and the braces taken away when they hold nothing.",
    spares: "The blocks inside an unknown block: nothing in them is read, so nothing in them is reported again. A property written without its colon does not also make the block lack it (`incomplete-team` stays quiet).",
    check: super::Check::Block(check),
};

fn check(ctx: &Ctx, file: FileId, top: &Block, out: &mut Vec<Finding>) {
    visit(ctx.text(file), file, top, None, out);
}

fn visit(
    text: &crate::Text,
    file: FileId,
    block: &Block,
    within: Option<(BlockKind, &Block)>,
    out: &mut Vec<Finding>,
) {
    let word = block.kind.text.as_str();
    let parent = within.map(|(k, _)| k);
    let allowed: Vec<BlockKind> = match parent {
        None => BlockKind::top_level().collect(),
        Some(p) => p.spec().children.to_vec(),
    };
    let loc = Loc::new(file, block.kind.range);
    let kind = match BlockKind::from_keyword(word) {
        Some(k) if allowed.contains(&k) => Some(k),
        Some(k) => {
            let place = match parent {
                None => "at the top level".to_string(),
                Some(p) => format!("inside a `{}`", p.keyword()),
            };
            let home = match k {
                BlockKind::DependsOn => "it belongs inside a `team`".to_string(),
                _ => "it belongs at the top level of a file".to_string(),
            };
            out.push(Finding::new(
                &RULE,
                loc,
                format!("a `{word}` block is not allowed {place}: {home}"),
            ));
            None
        }
        None if parent.is_some_and(|p| p.spec().property(word).is_some()) => {
            let given = within.filter(|(_, b)| b.property(word).is_some());
            out.push(property_as_block(
                text,
                file,
                block,
                loc,
                given.map(|(k, _)| k),
            ));
            None
        }
        None => {
            let shown = crate::text::shorten(word, crate::text::SHOWN);
            let mut f = Finding::new(&RULE, loc, format!("unknown block kind `{shown}`"));
            let candidates: Vec<&str> = allowed.iter().map(|k| k.keyword()).collect();
            if let Some(s) = crate::suggest::best(word, candidates.iter().copied()) {
                f.message = format!("{} — did you mean `{s}`?", f.message).into();
                f = f.fix(Fix::replace(loc, s));
            } else {
                f.message = format!("{}; expected {}", f.message, list(&candidates)).into();
            }
            out.push(f);
            None
        }
    };
    if let Some(k) = kind {
        for child in &block.children {
            visit(text, file, child, Some((k, block)), out);
        }
    }
}

/// A property's key written as a block's kind: `roles engineering`
/// without its colon, and with braces after it (without them, the parser
/// reports the missing colon). The fix writes the colon, and takes the
/// braces away when they hold nothing, not even a comment: what they
/// hold is for the writer to move (a colon alone left the braces after
/// the value, two syntax errors). No fix when a title follows the name,
/// nor when the block around (of kind `given`) gives the property already.
fn property_as_block(
    text: &crate::Text,
    file: FileId,
    block: &Block,
    loc: Loc,
    given: Option<BlockKind>,
) -> Finding {
    let word = block.kind.text.as_str();
    let name = block.name.as_ref().map_or("…", |n| n.text.as_str());
    let colon = Edit {
        loc: Loc::new(file, crate::text::TextRange::empty(block.kind.range.end())),
        new_text: ":".into(),
    };
    if let Some(around) = given {
        let around = around.keyword();
        let f = format!("`{word}` is a property, not a block, and the `{around}` gives it already");
        return Finding::new(&RULE, loc, f);
    }
    let Some(body) = block.body else {
        let f = Finding::new(
            &RULE,
            loc,
            format!("`{word}` is a property: write `{word}: {name}`"),
        );
        return f.fix(Fix {
            title: format!("Write `{word}:`"),
            edits: smallvec::smallvec![colon],
            preferred: true,
        });
    };
    let f = Finding::new(
        &RULE,
        loc,
        format!("`{word}` is a property, not a block: write `{word}: {name}` without braces"),
    );
    // Both braces written (a block left open runs on past its place).
    let closed = body.len() >= 2
        && text.byte(body.start()) == Some(b'{')
        && text.byte(body.end() - 1) == Some(b'}');
    let empty = closed
        && text
            .slice(body.start() + 1..body.end() - 1)
            .trim()
            .is_empty();
    // With a title after the name, the value would not be one.
    let name_only = block.name.as_ref().filter(|_| block.title.is_none());
    match name_only {
        Some(last) if empty => f.fix(Fix {
            title: format!("Write `{word}:` and remove the empty braces"),
            edits: smallvec::smallvec![
                colon,
                Edit {
                    loc: Loc::new(
                        file,
                        crate::text::TextRange::new(last.range.end(), body.end()),
                    ),
                    new_text: "".into(),
                },
            ],
            preferred: true,
        }),
        _ => f,
    }
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [] => "no block here".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn typo_and_misplaced_blocks() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            tem payments "Payments" {
            #^^ unknown-block
              roles: engineering
            }
            depends_on payments
            #^^^^^^^^^ unknown-block
            team a "A" {
              team b "B" { }
            # ^^^^ unknown-block
              depends_on payments { owner: a }
              roles engineering
            }
        "#
        ));
    }

    /// A property's key written as a block: the colon and the empty
    /// braces are the fix; braces that hold something (a comment here),
    /// or a block that gives the property already, get none.
    #[test]
    fn a_property_written_as_a_block() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team a "A" {
              roles engineering { }
            # ^^^^^ unknown-block
              reports_to engineering {
            # ^^^^^^^^^^ unknown-block
                # kept
              }
            }
            team b "B" {
              roles: qa
              roles engineering { }
            # ^^^^^ unknown-block
            }
        "#
        ));
    }
}
