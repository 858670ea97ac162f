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
    findings: "One per value that is not of the key's kind or outside its set (a key with no value: one at the key), with the value it most likely meant as a fix (`0.5` → `50%`, `owner` → `ownership`).",
    spares: "Whatever a rule would build on the invalid value: the model reads it as not written (`allocation: -20%` makes nobody part-time), and the rules about a missing key stay quiet when it is written with an invalid value (`leader: \"jane\"` is not also an initiative without a leader). A `functional:` that cannot be read spares the team as `true` would.",
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
        if !ty.accepts(&v.kind) {
            out.push(wrong_value(Loc::new(file, v.range), key, ty, &v.kind));
        }
    }
}

/// The finding for a value of the wrong kind (at `loc`) of the property
/// `key`, which takes `ty`; with a fix where one is clear.
fn wrong_value(loc: Loc, key: &str, ty: ValueType, kind: &ValueKind) -> Finding {
    let bad = |msg: String| Finding::new(&RULE, loc, msg);
    match (ty, kind) {
        (ValueType::Percent, ValueKind::Percent(x)) => {
            bad(format!("`{key}` must be between 0% and 100%, not {x}%"))
        }
        (ValueType::Count, ValueKind::Number(x)) => bad(format!(
            "`{key}` must be a whole number, zero or more, not {x}"
        )),
        (ValueType::Enum(values), ValueKind::Ident(name)) => {
            let shown = crate::text::shorten(name, crate::text::SHOWN);
            let names: Vec<String> = values.iter().map(|e| format!("`{}`", e.name)).collect();
            let mut f = bad(format!(
                "`{shown}` is not a valid `{key}`: use {}",
                names.join(" or ")
            ));
            if let Some(s) = crate::suggest::best(name, values.iter().map(|e| e.name)) {
                f.message =
                    format!("`{shown}` is not a valid `{key}` — did you mean `{s}`?").into();
                f = f.fix(Fix::replace(loc, s));
            }
            f
        }
        (ValueType::Percent, ValueKind::Number(x)) => {
            let pct = as_percent(*x);
            bad(format!("`{key}` is a percentage: write `{pct}`")).fix(Fix {
                title: format!("Change to `{pct}`"),
                edits: smallvec::smallvec![Edit { loc, new_text: pct }],
                preferred: true,
            })
        }
        (ty, kind) => {
            let f = bad(format!(
                "`{key}` expects {}, not {}",
                ty.describe(),
                kind.describe()
            ));
            match (ty, kind) {
                (
                    ValueType::Leader | ValueType::Teams | ValueType::Owner | ValueType::Approvers,
                    ValueKind::Str(s),
                ) if is_ident(s) => f.fix(Fix {
                    title: format!("Remove the quotes: `{s}`"),
                    edits: smallvec::smallvec![Edit {
                        loc,
                        new_text: s.to_string(),
                    }],
                    preferred: true,
                }),
                _ => f,
            }
        }
    }
}

/// The percentage a bare number most likely means: a fraction of one
/// (`0.5`, `1`) is a share of the whole (`50%`, `100%`); anything else is
/// already in percent (`50` → `50%`).
fn as_percent(x: f64) -> String {
    let pct = if x > 0.0 && x <= 1.0 { x * 100.0 } else { x };
    // `0.07 * 100` is `7.000000000000001`: round to what was meant.
    let pct = (pct * 1e6).round() / 1e6;
    format!("{pct}%")
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
            leader bo "Bo" {
              allocation: 0.5
            #             ^^^ invalid-value
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
