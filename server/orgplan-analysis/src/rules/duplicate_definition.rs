use super::{Ctx, Edit, Finding, Fix, Group, Rule, Severity};
use crate::model::EntityId;
use crate::text::{Loc, TextRange};

pub static RULE: Rule = Rule {
    name: "duplicate-definition",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "Two declarations with one id, in one file or across files.",
    principle: "All the files of a workspace form one plan with one namespace: an id names exactly one leader, initiative or team. With two declarations, every reference to the id is ambiguous.",
    questions: &[],
    fix: "Rename one of the declarations (and its references), or merge the two blocks.",
    example: "team payments \"Payments\" { }\nteam payments \"Payments (EU)\" { }\n",
    findings: "One at each declaration of an id after its first (in the workspace's order: files in the order of their paths, however they were opened or added, then places), with the first declaration related. References name the first declaration; the later ones get no other finding for being unreachable (an `orphan-team` would only repeat this one).",
    spares: "The first declaration of an id, where references point, and ids written twice in one list (`teams: a, a`): a repeated name, not a second declaration.",
    check: super::Check::Entity(check),
};

/// For each declaration of an id after its first: what it reads of the
/// others is the other declarations of its own id, which the incremental
/// analysis re-checks together.
fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let id = &m.decl(e).id;
    let Some(decls) = m.ids.get(id.as_str()).filter(|v| v.len() > 1) else {
        return;
    };
    let Some(n) = decls.iter().skip(1).position(|&x| x == e).map(|p| p + 1) else {
        return;
    };
    let first = decls[0];
    let fd = m.decl(first);
    let d = m.decl(e);
    let what = if e.kind() == first.kind() {
        String::new()
    } else {
        format!(" (as {})", article(first.kind().keyword()))
    };
    let mut f = Finding::new(
        &RULE,
        d.name,
        format!("`{id}` is already declared{what}; an id names one thing in the whole workspace"),
    )
    .related(fd.name, format!("`{id}` is first declared here"));
    for &other in decls
        .iter()
        .skip(1)
        .filter(|&&o| o != e)
        .take(super::MAX_RELATED - 1)
    {
        f = f.related(m.decl(other).name, format!("`{id}` is also declared here"));
    }
    f = f.fix(rename(ctx, d, n + 1));
    if let Some(merge) = merge(ctx, fd, d, e.kind() == first.kind()) {
        f = f.fix(merge);
    }
    out.push(f);
}

/// The id whose later declarations a declaration of `id` may take a
/// rename from: `payments` for `payments-2` (see [`rename`]).
pub(crate) fn renamed_from(id: &str) -> Option<&str> {
    let (base, n) = id.rsplit_once('-')?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(base)
}

fn article(kind: &str) -> String {
    match kind.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

/// Renames this declaration to the first of `id-n`, `id-n+1` … that no
/// declaration uses (its references, if any meant it, are the user's to
/// point at the new id: today they name the first declaration).
fn rename(ctx: &Ctx, d: &crate::model::Decl, n: usize) -> Fix {
    let fresh = (n..)
        .map(|k| format!("{}-{k}", d.id))
        .find(|c| !ctx.model.ids.contains_key(c.as_str()))
        .expect("some suffix is free");
    Fix {
        title: format!("Rename this declaration to `{fresh}`"),
        edits: vec![Edit {
            loc: d.name,
            new_text: fresh,
        }],
        preferred: false,
    }
}

/// Moves what the later block says into the first one, and removes the
/// later block (both of one kind, both with a body). Keys both write are
/// then reported by `duplicate-property`, for the user to choose.
fn merge(
    ctx: &Ctx,
    first: &crate::model::Decl,
    d: &crate::model::Decl,
    same_kind: bool,
) -> Option<Fix> {
    if !same_kind {
        return None;
    }
    let (into, from) = (first.body?, d.body?);
    let text = ctx.text(d.file());
    let inner = text.get(from.start() + 1..from.end().checked_sub(1)?)?;
    let moved = inner.trim();
    if text.get(from.end() - 1..from.end())? != "}"
        || !ctx
            .text(first.file())
            .get(into.end() - 1..into.end())?
            .eq("}")
    {
        return None;
    }
    let mut edits = Vec::new();
    if !moved.is_empty() {
        // Its lines, indented two spaces past the least indented one.
        let lines: Vec<&str> = inner.lines().filter(|l| !l.trim().is_empty()).collect();
        let least = lines
            .iter()
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let lines: Vec<String> = lines
            .iter()
            .map(|l| format!("  {}", l.get(least..).unwrap_or(l.trim_start()).trim_end()))
            .collect();
        edits.push(Edit {
            loc: Loc::new(first.file(), TextRange::empty(into.end() - 1)),
            new_text: format!("{}\n", lines.join("\n")),
        });
        // After the first block's last line: keep `}` on its own line.
        let before = ctx.text(first.file()).byte(into.end().wrapping_sub(2));
        if into.end() >= 2 && before != Some(b'\n') {
            edits[0].new_text.insert(0, '\n');
        }
    }
    // The whole later block, and the line break after it.
    let start = d.block.range.start();
    let mut end = d.block.range.end();
    if text.byte(end) == Some(b'\n') {
        end += 1;
    }
    edits.push(Edit {
        loc: Loc::new(d.file(), TextRange::new(start, end)),
        new_text: String::new(),
    });
    Some(Fix {
        title: format!("Merge into the first `{}`", d.id),
        edits,
        preferred: false,
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn duplicates_in_one_file_and_across_files() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team payments "Payments" {
              roles: qa
            }
            leader jane "Jane" { }
            #- other.orgplan
            team payments "Payments EU" {
            #    ^^^^^^^^ duplicate-definition
              roles: engineering
              reports_to: jane
            }
            initiative jane "Jane's project" { }
            #          ^^^^ duplicate-definition
        "#
        ));
    }
}
