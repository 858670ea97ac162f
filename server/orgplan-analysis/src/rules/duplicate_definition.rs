use super::{Ctx, Finding, Group, Rule, Severity};

pub static RULE: Rule = Rule {
    name: "duplicate-definition",
    group: Group::Structure,
    default_severity: Severity::Error,
    summary: "Two declarations with one id, in one file or across files.",
    principle: "All the files of a workspace form one plan with one namespace: an id names exactly one leader, initiative or team. With two declarations, every reference to the id is ambiguous.",
    questions: &[],
    fix: "Rename one of the declarations (and its references), or merge the two blocks.",
    example: "team payments \"Payments\" { }\nteam payments \"Payments (EU)\" { }\n",
    check: super::Check::Global(check),
};

fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let mut ids: Vec<(&crate::syntax::CompactString, &Vec<crate::model::EntityId>)> =
        m.ids.iter().filter(|(_, v)| v.len() > 1).collect();
    ids.sort();
    for (id, decls) in ids {
        for (i, e) in decls.iter().enumerate() {
            let d = m.decl(*e);
            let mut f = Finding::new(
                &RULE,
                d.name,
                format!(
                    "`{id}` is declared {} times; an id names one thing in the whole workspace",
                    decls.len()
                ),
            );
            for (j, other) in decls.iter().enumerate().take(super::MAX_RELATED + 1) {
                if i != j {
                    f = f.related(m.decl(*other).name, format!("`{id}` is also declared here"));
                }
            }
            out.push(f);
        }
    }
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
            team payments "Payments" { }
            #    ^^^^^^^^ duplicate-definition
            leader jane "Jane" { }
            #      ^^^^ duplicate-definition
            #- other.orgplan
            team payments "Payments EU" { }
            #    ^^^^^^^^ duplicate-definition
            initiative jane "Jane's project" { }
            #          ^^^^ duplicate-definition
        "#
        ));
    }
}
