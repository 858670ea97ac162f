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
    let decls: Vec<EntityId> = m.declarations(id.as_str()).collect();
    if decls.len() < 2 {
        return;
    }
    let Some(n) = decls.iter().skip(1).position(|&x| x == e).map(|p| p + 1) else {
        return;
    };
    let first = decls[0];
    let fd = m.decl(first);
    let d = m.decl(e);
    let what = if e.kind() == first.kind() {
        String::new()
    } else {
        format!(
            " (as {})",
            crate::text::with_article(first.kind().keyword())
        )
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
    f = f.fix(rename(ctx, e, d, n + 1));
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

/// Renames this declaration, `e`, to the first of `id-n`, `id-n+1` … that
/// no declaration uses, with the references that name it. A reference
/// names the first declaration of its id of a kind it accepts: those that
/// meant a later one of the same kind name the first today, and are the
/// user's to point at the new id; but where the first is of another kind
/// (an initiative `cart`, then a leader `cart`), `reports_to: cart` names
/// this one, and renamed alone it would name the initiative.
fn rename(ctx: &Ctx, e: EntityId, d: &crate::model::Decl, n: usize) -> Fix {
    let m = ctx.model;
    let fresh = (n..)
        .map(|k| format!("{}-{k}", d.id))
        .find(|c| !m.is_declared(c.as_str()))
        .expect("some suffix is free");
    let mut edits: super::Edits = smallvec::smallvec![Edit {
        loc: d.name,
        new_text: fresh.clone(),
    }];
    for r in m.referrers(e) {
        m.for_each_ref(r, |x| {
            if m.resolve(x) == Some(e) && !edits.iter().any(|y| y.loc == x.loc) {
                edits.push(Edit {
                    loc: x.loc,
                    new_text: fresh.clone(),
                });
            }
        });
    }
    Fix {
        title: format!("Rename this declaration to `{fresh}`"),
        edits,
        preferred: false,
    }
}

/// Moves what the later block says into the first one, and removes the
/// later block (both of one kind, both with a body, neither with a syntax
/// error). What the first says already, word for word (a key with the
/// same values, the same nested block), stays out: moved, it would be
/// given twice for nothing. Keys both write with other values are moved,
/// and then reported by `duplicate-property`, for the user to choose.
fn merge(
    ctx: &Ctx,
    first: &crate::model::Decl,
    d: &crate::model::Decl,
    same_kind: bool,
) -> Option<Fix> {
    // Where a block has a syntax error, where its body ends is a guess of
    // the parser's: what is moved could land in a nested block.
    if !same_kind || first.unread.broken() || d.unread.broken() {
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
    let said = said_already(ctx, first, d);
    let kept = without(&inner, from.start() + 1, &said);
    let mut edits = super::Edits::new();
    if !moved.is_empty() && !kept.iter().all(|l| l.trim().is_empty()) {
        // Its lines, indented two spaces past the least indented one.
        let lines: Vec<&str> = kept
            .iter()
            .map(String::as_str)
            .filter(|l| !l.trim().is_empty())
            .collect();
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

/// Where the later declaration `d` says what `first` says already: its
/// properties whose key the first gives with the same values, and its
/// nested blocks the first has word for word.
fn said_already(ctx: &Ctx, first: &crate::model::Decl, d: &crate::model::Decl) -> Vec<TextRange> {
    let (Some((a, da)), Some((b, db))) = (
        super::syntax_block(ctx, first.block),
        super::syntax_block(ctx, d.block),
    ) else {
        return Vec::new();
    };
    // Places read in a block are moved by its delta ([`super::syntax_block`]).
    let (ta, tb) = ((ctx.text(first.file()), da), (ctx.text(d.file()), db));
    let read =
        |(t, d): (&crate::Text, isize), r: TextRange| t.slice(r.shifted(d).range()).into_owned();
    let values = |t, p: &crate::syntax::Property| -> Vec<String> {
        p.values.iter().map(|v| read(t, v.range)).collect()
    };
    let words = |t, r| -> String { read(t, r).split_whitespace().collect::<Vec<_>>().join(" ") };
    let mut out: Vec<TextRange> = b
        .properties
        .iter()
        .filter(|p| {
            a.property(&p.key.text)
                .is_some_and(|q| values(ta, q) == values(tb, p))
        })
        .map(|p| p.range.shifted(db))
        .collect();
    out.extend(
        b.children
            .iter()
            .filter(|c| {
                a.children
                    .iter()
                    .any(|x| words(ta, x.range) == words(tb, c.range))
            })
            .map(|c| c.range.shifted(db)),
    );
    out
}

/// The lines of `inner` (which starts at `base`) with the ranges `cut`
/// taken out; a line that held something cut and is then blank or a
/// comment goes whole.
fn without(inner: &str, base: usize, cut: &[TextRange]) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = base;
    for line in inner.split_inclusive('\n') {
        let (start, end) = (at, at + line.len());
        at = end;
        let mut kept = String::new();
        let mut from = start;
        let mut any = false;
        let mut cuts: Vec<&TextRange> = cut
            .iter()
            .filter(|r| r.start() < end && r.end() > start)
            .collect();
        cuts.sort_by_key(|r| r.start());
        for r in cuts {
            any = true;
            let (a, b) = (r.start().max(start), r.end().min(end));
            if a > from {
                kept.push_str(&line[from - start..a - start]);
            }
            from = from.max(b);
        }
        if from < end {
            kept.push_str(&line[from - start..]);
        }
        let rest = kept.trim();
        if any && (rest.is_empty() || rest.starts_with('#')) {
            continue;
        }
        out.push(kept.trim_end().to_string());
    }
    out
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

    #[test]
    fn a_merge_leaves_out_what_the_first_says_already() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            team legal "Legal" {
              functional: true
            }
            team legal "Legal, again" {
            #    ^^^^^ duplicate-definition
              functional: true  # the same: stays out
              roles: qa
            }
        "#
        ), @r#"
            main.orgplan:47..52 error `legal`: `legal` is already declared; an id names one thing in the whole workspace
              related main.orgplan:5..10: `legal` is first declared here
              fix: Rename this declaration to `legal-2`
                main.orgplan:47..52 "legal-2"
              fix: Merge into the first `legal`
                main.orgplan:40..40 "  #    ^^^^^ duplicate-definition\n    roles: qa\n"
                main.orgplan:42..158 ""
        "#);
    }

    #[test]
    fn a_rename_takes_the_references_that_name_this_declaration() {
        // `reports_to` takes a leader: it names the leader `cart`, not the
        // initiative declared first.
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            initiative cart "Cart" { }
            leader cart "Cart" { }
            #      ^^^^ duplicate-definition
            leader ana "Ana" { reports_to: cart }
        "#
        ), @r#"
            main.orgplan:34..38 error `cart`: `cart` is already declared (as an initiative); an id names one thing in the whole workspace
              related main.orgplan:11..15: `cart` is first declared here
              fix: Rename this declaration to `cart-2`
                main.orgplan:34..38 "cart-2"
                main.orgplan:114..118 "cart-2"
        "#);
    }
}
