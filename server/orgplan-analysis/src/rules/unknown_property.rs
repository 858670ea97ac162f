use super::{Ctx, Finding, Fix, Group, Rule, Severity};
use crate::rules::blocks_with_kind;
use crate::syntax::Block;
use crate::text::{FileId, Loc};

pub static RULE: Rule = Rule {
    name: "unknown-property",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "A key that the block's kind does not have.",
    principle: "Each kind of block has its own keys. A key the language does not know is most often a typo, and what it says is silently lost to every other check.",
    questions: &[],
    fix: "Use one of the keys of the block's kind (the message suggests the closest), or remove the line.",
    example: "initiative fba \"Fulfilment by Amazon\" {\n  leadr: jane\n}\n",
    findings: "One at each unknown key, suggesting the closest key of the block's kind that the block does not set yet; when the closest is set already, the line is most likely a stray copy, and the fix removes it.",
    spares: "Keys of unknown blocks (the block is reported instead). A misspelt key does not also make the block lack the key it was meant to be: `leadr:` is not also an initiative without a leader.",
    check: super::Check::Block(check),
};

fn check(ctx: &Ctx, file: FileId, top: &Block, out: &mut Vec<Finding>) {
    blocks_with_kind(file, top, |file, block, kind| {
        let spec = kind.spec();
        for p in &block.properties {
            if spec.property(&p.key.text).is_some() {
                continue;
            }
            let loc = Loc::new(file, p.key.range);
            let mut f = Finding::new(
                &RULE,
                loc,
                format!(
                    "unknown property `{}` for a `{}`",
                    crate::text::shorten(&p.key.text, crate::text::SHOWN),
                    spec.keyword
                ),
            );
            // The closest key the block does not set yet: changed to one it
            // sets, the key would be given twice. When the closest of all
            // is set already, the line is most likely a stray copy.
            let keys = || spec.properties.iter().map(|p| p.name);
            let unset = keys().filter(|k| block.property(k).is_none());
            if let Some(s) = crate::suggest::best(&p.key.text, unset) {
                f.message = format!("{} — did you mean `{s}`?", f.message).into();
                f = f.fix(Fix::replace(loc, s));
            } else if let Some(s) = crate::suggest::best(&p.key.text, keys()) {
                f.message = format!("{} — `{s}`, the closest, is given already", f.message).into();
                f = f.fix(super::remove_property(ctx.text(file), file, p));
            } else {
                let keys: Vec<String> = spec
                    .properties
                    .iter()
                    .map(|p| format!("`{}`", p.name))
                    .collect();
                f.message = format!("{}; its keys are {}", f.message, keys.join(", ")).into();
            }
            out.push(f);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn typos_get_a_suggestion() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            initiative fba "FBA" {
              leadr: jane
            # ^^^^^ unknown-property
              colour: "blue"
            # ^^^^^^ unknown-property
              scope: "inbound"
            }
            team t "T" {
              depends_on x {
                ownr: t
            #   ^^^^ unknown-property
              }
            }
        "#
        ));
    }

    #[test]
    fn a_key_set_already_is_not_suggested_and_the_stray_line_may_go() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader kim "Kim" {
              title: "Director"
              titel: "typo"
            # ^^^^^ unknown-property
            }
        "#
        ), @r#"
            main.orgplan:41..46 error `titel`: unknown property `titel` for a `leader` — `title`, the closest, is given already
              fix: Remove this `titel`
                main.orgplan:39..55 ""
        "#);
    }
}
