use super::{Ctx, Edit, Finding, Fix, Group, Rule, Severity};
use crate::rules::blocks_with_kind;
use crate::schema::ValueType;
use crate::syntax::{Block, Property, ValueKind};
use crate::text::{FileId, Loc};

pub static RULE: Rule = Rule {
    name: "invalid-value",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "A value of the wrong type, or outside its set.",
    principle: "Each key takes one kind of value: a model is `ownership` or `leadership`, an allocation is a percentage, a leader is a leader's id. A value of the wrong kind cannot be checked against the model.",
    questions: &[],
    fix: "Write a value of the kind the message names; for names from a set, the message suggests the closest.",
    example: "initiative fba \"FBA\" {\n  model: owner\n}\n",
    check: super::Check::Block(check),
};

fn check(_: &Ctx, file: FileId, top: &Block, out: &mut Vec<Finding>) {
    blocks_with_kind(file, top, |file, block, kind| {
        let spec = kind.spec();
        if !spec.titled {
            if let Some(t) = &block.title {
                out.push(Finding::new(
                    &RULE,
                    Loc::new(file, t.range),
                    format!("a `{}` block has no title", spec.keyword),
                ));
            }
        }
        for p in &block.properties {
            if let Some(ps) = spec.property(&p.key.text) {
                check_property(file, p, ps.ty, out);
            }
        }
    });
}

fn check_property(file: FileId, p: &Property, ty: ValueType, out: &mut Vec<Finding>) {
    let key = &p.key.text;
    if p.values.is_empty() {
        out.push(Finding::new(
            &RULE,
            Loc::new(file, p.range),
            format!("`{key}` has no value; expected {}", ty.describe()),
        ));
        return;
    }
    if !ty.many() && p.values.len() > 1 {
        let extra = p.values[1].range.cover(p.values.last().unwrap().range);
        out.push(Finding::new(
            &RULE,
            Loc::new(file, extra),
            format!("`{key}` takes one value, not {}", p.values.len()),
        ));
    }
    for v in &p.values {
        let loc = Loc::new(file, v.range);
        let bad = |msg: String| Finding::new(&RULE, loc, msg);
        match (ty, &v.kind) {
            (ValueType::Str | ValueType::Strings, ValueKind::Str(_)) => {}
            (ValueType::Bool, ValueKind::Bool(_)) => {}
            (ValueType::Percent, ValueKind::Percent(x)) => {
                if !(0.0..=100.0).contains(x) {
                    out.push(bad(format!(
                        "`{key}` must be between 0% and 100%, not {x}%"
                    )));
                }
            }
            (ValueType::Count, ValueKind::Number(x)) => {
                if *x < 0.0 || x.fract() != 0.0 {
                    out.push(bad(format!(
                        "`{key}` must be a whole number, zero or more, not {x}"
                    )));
                }
            }
            (ValueType::Enum(values), ValueKind::Ident(name)) => {
                if !values.iter().any(|e| e.name == name) {
                    let names: Vec<String> =
                        values.iter().map(|e| format!("`{}`", e.name)).collect();
                    let mut f = bad(format!(
                        "`{name}` is not a valid `{key}`: use {}",
                        names.join(" or ")
                    ));
                    if let Some(s) = crate::suggest::best(name, values.iter().map(|e| e.name)) {
                        f.message =
                            format!("`{name}` is not a valid `{key}` — did you mean `{s}`?");
                        f = f.fix(Fix::replace(loc, s));
                    }
                    out.push(f);
                }
            }
            (
                ValueType::Leader
                | ValueType::Teams
                | ValueType::Owner
                | ValueType::Approvers
                | ValueType::Roles,
                ValueKind::Ident(_),
            ) => {}
            (ValueType::Percent, ValueKind::Number(x)) => {
                let mut f = bad(format!("`{key}` is a percentage: write `{x}%`"));
                f = f.fix(Fix {
                    title: format!("Change to `{x}%`"),
                    edits: vec![Edit {
                        loc,
                        new_text: format!("{x}%"),
                    }],
                    preferred: true,
                });
                out.push(f);
            }
            (ty, kind) => {
                let mut f = bad(format!(
                    "`{key}` expects {}, not {}",
                    ty.describe(),
                    kind.describe()
                ));
                if let (
                    ValueType::Leader | ValueType::Teams | ValueType::Owner | ValueType::Approvers,
                    ValueKind::Str(s),
                ) = (ty, kind)
                {
                    if is_ident(s) {
                        f = f.fix(Fix {
                            title: format!("Remove the quotes: `{s}`"),
                            edits: vec![Edit {
                                loc,
                                new_text: s.to_string(),
                            }],
                            preferred: true,
                        });
                    }
                }
                out.push(f);
            }
        }
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn wrong_types_and_sets() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader jane "Jane" {
              allocation: 150%
            #             ^^^^ invalid-value
            }
            leader raj "Raj" {
              allocation: 50
            #             ^^ invalid-value
            }
            initiative fba "FBA" {
              leader: "jane"
            #         ^^^^^^ invalid-value
              model: owner
            #        ^^^^^ invalid-value
              critical: yes
            #           ^^^ invalid-value
              scope: "a", "b"
            #             ^^^ invalid-value
              metrics: "ok"
            }
            team t "T" {
              size: 2.5
            #       ^^^ invalid-value
              approvals:
            # ^^^^^^^^^^ invalid-value
            }
        "#
        ));
    }

    #[test]
    fn good_values_pass() {
        check(
            &RULE,
            r#"
            leader jane "Jane" { allocation: 100% title: "x" }
            initiative fba "FBA" { leader: jane model: leadership critical: false metrics: "a", "b" }
            team t "T" { size: 4 roles: qa, design functional: true }
        "#,
        );
    }
}
