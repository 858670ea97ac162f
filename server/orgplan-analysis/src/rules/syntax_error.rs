use super::{Ctx, Edit, Finding, Fix, Group, Rule, Severity};
use crate::syntax::Document;
use crate::text::{FileId, Loc, TextRange};

pub static RULE: Rule = Rule {
    name: "syntax-error",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "The text does not parse.",
    principle: "A plan has to be readable before it can be checked. Every declaration has the shape `KIND id \"Title\" { key: value, … }`; the parser recovers after an error, so the rest of the plan is still checked.",
    questions: &[],
    fix: "Write what the message says was expected at that place; an unclosed `{` or a missing `:` are the usual causes.",
    example: "team payments \"Payments\" {\n  roles: engineering qa\n}\n",
    findings: "One per place the text does not parse, saying what was expected there; the parser recovers, so the rest of the file is still checked.",
    spares: "Anything the parser could read around the error. The rules about what a block lacks (`incomplete-team`, `missing-scope`, `missing-metrics`, `initiative-without-leader`, `dependency-without-plan`, a missing `owner:`) stay quiet on a block with a syntax error until it parses: what they would report may be the error's doing.",
    check: super::Check::File(check),
};

fn check(_: &Ctx, file: FileId, doc: &Document, out: &mut Vec<Finding>) {
    for e in &doc.errors {
        let mut f = Finding::new(&RULE, Loc::new(file, e.range), e.message.clone());
        if let Some((at, text)) = e.insert {
            f = f.fix(Fix {
                title: format!("Insert `{text}`"),
                edits: smallvec::smallvec![Edit {
                    loc: Loc::new(file, TextRange::empty(at)),
                    new_text: text.into(),
                }],
                preferred: true,
            });
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn reports_every_error_and_keeps_the_rest() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team a "A" {
              scope: "a" "b"
            #            ^^^ syntax-error
              reports_to: jane
            }
            team b "B" {
              roles: qa
            }
            leader c "C" {
              title: "x" }
              }
            # ^ syntax-error
        "#
        ));
    }

    #[test]
    fn mistakes_inside_a_block_are_named_once() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            initiative fba "FBA" {
              description "we do not depends_on billing"
            # ^^^^^^^^^^^ syntax-error
              scope "50\% off"
            # ^^^^^ syntax-error
            #          ^^ syntax-error
              teams: a b, c d
            #          ^ syntax-error
            #               ^ syntax-error
              metrics: "a" "b"
            #              ^^^ syntax-error
            }
            team true "T" { }
            #    ^^^^ syntax-error
            leader josé "J"
            #      ^^^^^ syntax-error
            leader b "\u{110000} \u{D800} \u{} \u{1F600}"
            #         ^^^^^^^^^^ syntax-error
            #                    ^^^^^^^^ syntax-error
            #                             ^^^^ syntax-error
        "#
        ));
    }

    /// The one syntax error in `text`, and the workspace that has it.
    fn one_error(text: &str) -> (crate::rules::Finding, crate::Workspace) {
        let mut ws = crate::Workspace::new();
        ws.set_file("a.orgplan", text.to_string());
        let errors: Vec<_> = ws
            .analysis()
            .findings
            .iter()
            .filter(|f| f.rule == RULE.name)
            .map(|f| (**f).clone())
            .collect();
        assert_eq!(errors.len(), 1, "{text:?}: {errors:?}");
        (errors[0].clone(), ws)
    }

    #[test]
    fn a_block_without_an_id_is_one_error() {
        for text in [
            "team \"No id\" { roles: qa }\n",
            "team\n  ops \"Ops\" { }\n",
        ] {
            let (error, _) = one_error(text);
            assert_eq!(
                &*error.message,
                "missing id: `team` is followed by its id, on the same line"
            );
            assert_eq!(error.loc.range, crate::TextRange::empty(4));
        }
    }

    #[test]
    fn blocks_left_open_keep_what_they_say() {
        let text =
            "team a \"A\" {\n  roles: qa\n  depends_on b {\n    owner: a\nteam b \"B\" { }\n";
        let (error, mut ws) = one_error(text);
        assert_eq!(
            &*error.message,
            "missing `}` to close `depends_on b`, then `}` to close `team a`"
        );
        assert_eq!(error.loc.range.start(), text.find("a\nteam b").unwrap() + 1);
        let team = &ws.analysis().model.teams[0];
        assert_eq!(team.roles.len(), 1);
        assert_eq!(team.dependencies.len(), 1);
        assert!(team.dependencies[0].owner.is_some());
    }

    #[test]
    fn missing_brace_is_named() {
        let text = "team a \"A\" {\n  roles: qa\n";
        let (error, _) = one_error(text);
        assert_eq!(&*error.message, "missing `}` to close `team a`");
        assert_eq!(error.loc.range.start(), text.trim_end().len());
    }

    #[test]
    fn clean_text_has_none() {
        check(&RULE, "leader a \"A\" { title: \"t\" }\n");
    }
}
