use super::{Ctx, Finding, Group, Rule, Severity};
use crate::text::Loc;

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
    check: super::Check::Global(check),
};

fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (file, doc, _) in ctx.docs {
        for e in &doc.errors {
            out.push(Finding::new(
                &RULE,
                Loc::new(*file, e.range),
                e.message.clone(),
            ));
        }
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
            #        ^^^ syntax-error
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
    fn missing_brace_is_named() {
        let text = "team a \"A\" {\n  roles: qa\n";
        let mut ws = crate::Workspace::new();
        ws.set_file("a.orgplan", text.to_string());
        let a = ws.analysis();
        let errors: Vec<_> = a.findings.iter().filter(|f| f.rule == RULE.name).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].message, "missing `}`");
        assert_eq!(errors[0].loc.range.start(), text.trim_end().len());
    }

    #[test]
    fn clean_text_has_none() {
        check(&RULE, "leader a \"A\" { title: \"t\" }\n");
    }
}
