use super::{Ctx, Edit, Finding, Fix, Group, Rule, Severity};
use crate::model::{EntityId, RefKind};
use crate::text::{Loc, TextRange};

pub static RULE: Rule = Rule {
    name: "undefined-reference",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "A leader or team that no file declares, or an id of the wrong kind.",
    principle: "Every name in a plan must stand for someone or something the plan declares, in any of the workspace's files. A dangling name is a hole in the org chart: nobody can check who leads, who reports to whom, or who owns what.",
    questions: &[],
    fix: "Declare the missing leader or team (the quick fix creates a stub), or correct the name (the message suggests the closest).",
    example: "initiative fba \"FBA\" {\n  leader: janee\n}\n\nleader jane \"Jane Doe\" { }\n",
    findings: "One at each name that no file declares (or that names the wrong kind of thing), suggesting the closest declared id and offering to create a stub.",
    spares: "Names that resolve, in any file of the workspace. The principle rules skip references that resolve to nothing, so an undefined leader is reported once, here.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    for r in m.references_of(e) {
        if m.resolve(r).is_some() {
            continue;
        }
        let wanted = r.expected.describe();
        if let Some(other) = m.any(&r.name) {
            let what = match other {
                EntityId::Leader(_) => "a leader",
                EntityId::Initiative(_) => "an initiative",
                EntityId::Team(_) => "a team",
            };
            out.push(
                Finding::new(
                    &RULE,
                    r.loc,
                    format!(
                        "`{}` is {what}, but `{}` needs a {wanted}",
                        r.name, r.context
                    ),
                )
                .related(m.decl(other).name, format!("`{}` is declared here", r.name)),
            );
            continue;
        }
        let mut f = Finding::new(
            &RULE,
            r.loc,
            format!(
                "no {wanted} named `{}` is declared",
                crate::text::shorten(&r.name, crate::text::SHOWN)
            ),
        );
        if let Some(s) = suggestion(ctx, r) {
            f.message = format!("{} — did you mean `{s}`?", f.message).into();
            f = f.fix(Fix::replace(r.loc, &s));
        }
        let text = ctx.text(r.loc.file);
        let kind = match r.expected {
            RefKind::Team => "team",
            RefKind::Leader | RefKind::LeaderOrTeam => "leader",
        };
        let stub = stub(kind, &r.name);
        let sep = if text.ends_with("\n\n") || text.is_empty() {
            ""
        } else if text.ends_with("\n") {
            "\n"
        } else {
            "\n\n"
        };
        f = f.fix(Fix {
            title: format!("Create {kind} `{}`", r.name),
            edits: smallvec::smallvec![Edit {
                loc: Loc::new(r.loc.file, TextRange::empty(text.len())),
                new_text: format!("{sep}{stub}"),
            }],
            preferred: false,
        });
        out.push(f);
    }
}

/// The declared id a reference that names nothing most likely means (the
/// did-you-mean of its finding).
pub(crate) fn suggestion(ctx: &Ctx, r: &crate::model::Reference) -> Option<String> {
    let candidates = ctx.model.ids_declared_as(r.expected);
    let accepts = |id: &str| ctx.model.is_declared_as(id, r.expected);
    // The closest few, from the index of ids when there is one (the same
    // answer as scoring every id, which is the fallback).
    let top = || {
        ctx.model
            .id_index
            .top(&r.name, accepts)
            .unwrap_or_else(|| crate::suggest::top_of_unsorted(&r.name, candidates))
    };
    match ctx.memo {
        Some(memo) => memo.get_or(&r.name, r.expected as u8, top),
        None => top().best().map(str::to_string),
    }
}

/// A new block for a missing entity, as plain text: nothing in it the user
/// must replace (no empty string, no placeholder id). Editors that take
/// snippets get [`stub_snippet`] instead.
pub(crate) fn stub(kind: &str, id: &str) -> String {
    let title = crate::syntax::quote(&titleize(id));
    match kind {
        "team" => format!("team {id} {title} {{\n  roles: engineering, qa, design, product\n}}\n"),
        _ => format!("leader {id} {title} {{}}\n"),
    }
}

/// The snippet form of a *Create* fix of this rule (`None` for any other
/// fix): the same block with tab stops on its title and the leader's job
/// title, and the declared leaders as a choice for a team's `reports_to`.
/// Made when the fix is asked for, from the whole model (the finding itself
/// depends only on what is within reach of its entity).
pub fn stub_snippet(m: &crate::model::Model, fix: &Fix) -> Option<String> {
    let [edit] = fix.edits.as_slice() else {
        return None;
    };
    let body = edit.new_text.trim_start_matches('\n');
    let sep = &edit.new_text[..edit.new_text.len() - body.len()];
    let mut words = body.split([' ', '\n']);
    let (kind, id) = (words.next()?, words.next()?);
    let block = match kind {
        "team" => crate::schema::BlockKind::Team,
        "leader" => crate::schema::BlockKind::Leader,
        _ => return None,
    };
    if stub(kind, id) != body {
        return None;
    }
    let snippet = crate::ide::snippet::block(m, block, Some(id), &titleize(id), "  ", None);
    Some(format!("{sep}{snippet}\n"))
}

fn titleize(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn typos_missing_and_wrong_kinds_across_files() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            initiative fba "FBA" {
              leader: janee
            #         ^^^^^ undefined-reference
              teams: fba-inbound, payments, billing
            #                     ^^^^^^^^ undefined-reference
            #                               ^^^^^^^ undefined-reference
            }
            #- people.orgplan
            leader jane "Jane" { }
            team fba-inbound "Inbound" {
              reports_to: fba-inbound
            #             ^^^^^^^^^^^ undefined-reference
              depends_on nowhere { owner: fba-inbound plan: "x" }
            #            ^^^^^^^ undefined-reference
            }
            team billing-team "Billing" { }
        "#
        ));
    }

    #[test]
    fn resolved_names_pass() {
        check(
            &RULE,
            r#"
            leader jane "Jane" { }
            initiative fba "FBA" { leader: jane teams: t approvals: jane, t }
            team t "T" { reports_to: jane }
        "#,
        );
    }
}
