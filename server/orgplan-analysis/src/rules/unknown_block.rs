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
    findings: "One at the kind word of each block of an unknown kind, or of a known kind in the wrong place; a property written without its colon (`roles engineering`) is said to be one, with the colon as its fix.",
    spares: "The blocks inside an unknown block: nothing in them is read, so nothing in them is reported again. A property written without its colon does not also make the block lack it (`incomplete-team` stays quiet).",
    check: super::Check::Block(check),
};

fn check(_: &Ctx, file: FileId, top: &Block, out: &mut Vec<Finding>) {
    visit(file, top, None, out);
}

fn visit(file: FileId, block: &Block, parent: Option<BlockKind>, out: &mut Vec<Finding>) {
    let word = block.kind.text.as_str();
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
            // `roles engineering` parses as a bodiless block: the `:` is missing.
            let name = block.name.as_ref().map_or("…", |n| n.text.as_str());
            out.push(
                Finding::new(
                    &RULE,
                    loc,
                    format!("`{word}` is a property: write `{word}: {name}`"),
                )
                .fix(Fix {
                    title: format!("Write `{word}:`"),
                    edits: vec![Edit {
                        loc: Loc::new(file, crate::text::TextRange::empty(block.kind.range.end())),
                        new_text: ":".into(),
                    }],
                    preferred: true,
                }),
            );
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
            visit(file, child, Some(k), out);
        }
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
}
