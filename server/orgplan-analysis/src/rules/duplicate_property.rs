use super::{Ctx, Finding, Group, Rule, Severity};
use crate::rules::blocks_with_kind;
use crate::syntax::Block;
use crate::text::{FileId, Loc};

pub static RULE: Rule = Rule {
    name: "duplicate-property",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "A key given twice in one block.",
    principle: "A key says one thing about a block. When it is given twice only the first counts, and the plan no longer means what its reader thinks.",
    questions: &[],
    fix: "Keep one of the two; to list several values, separate them with commas on one key.",
    example: "initiative fba \"FBA\" {\n  leader: jane\n  leader: raj\n}\n",
    findings: "One at each repetition of a key in a block (after its first), with the first related, offering to remove the line.",
    spares: "The first occurrence, which is the one that counts; the same key in different blocks.",
    check: super::Check::Block(check),
};

fn check(ctx: &Ctx, file: FileId, top: &Block, out: &mut Vec<Finding>) {
    blocks_with_kind(file, top, |file, block, _| {
        for (i, p) in block.properties.iter().enumerate() {
            if let Some(first) = block.properties[..i]
                .iter()
                .find(|q| q.key.text == p.key.text)
            {
                out.push(
                    Finding::new(
                        &RULE,
                        Loc::new(file, p.key.range),
                        format!("`{}` is given twice; only the first counts", p.key.text),
                    )
                    .related(Loc::new(file, first.key.range), "first given here")
                    .fix(super::remove_property(ctx.text(file), file, p)),
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn second_key_is_reported() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" {
              title: "Director"
              title: "VP"
            # ^^^^^ duplicate-property
            }
        "#
        ));
    }
}
