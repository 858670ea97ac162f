//! Recovery: blocks left open before the next declaration keep everything
//! written in them, with one error naming each missing `}`; reserved words
//! are never ids.

use orgplan_analysis::Workspace;
use proptest::prelude::*;

/// A team as the model sees it: roles, whom it reports to, and each
/// dependency with its owner and plan.
fn team_shape(ws: &mut Workspace, id: &str) -> String {
    let a = ws.analysis();
    let team = a
        .model
        .teams
        .iter()
        .find(|t| t.decl.id == id)
        .expect("the team is declared");
    let roles: Vec<&str> = team.roles.iter().map(|r| r.as_str()).collect();
    let deps: Vec<String> = team
        .dependencies
        .iter()
        .map(|d| {
            format!(
                "{} owner={:?} plan={:?}",
                d.target.name,
                d.owner.as_ref().map(|o| o.name.as_str()),
                d.plan.as_ref().map(|p| p.value.as_str())
            )
        })
        .collect();
    format!(
        "roles={roles:?} reports_to={:?} deps={deps:?}",
        team.reports_to.as_ref().map(|r| r.name.as_str())
    )
}

fn syntax_errors(ws: &mut Workspace) -> Vec<String> {
    ws.analysis()
        .findings
        .iter()
        .filter(|f| f.rule == "syntax-error")
        .map(|f| f.message.to_string())
        .collect()
}

#[derive(Clone, Debug)]
struct Dep {
    target: &'static str,
    owner: bool,
    plan: bool,
}

/// `team a` with the given roles, `reports_to` and dependencies, the last
/// `open` closing braces left out, then the next declaration.
fn team_text(roles: &[&str], reports: bool, deps: &[Dep], open: usize) -> String {
    let mut lines = vec!["team a \"A\" {".to_string()];
    if reports {
        lines.push("  reports_to: jane".into());
    }
    if !roles.is_empty() {
        lines.push(format!("  roles: {}", roles.join(", ")));
    }
    for d in deps {
        let mut body = Vec::new();
        if d.owner {
            body.push("    owner: a".to_string());
        }
        if d.plan {
            body.push("    plan: \"Move to events\"".to_string());
        }
        lines.push(format!("  depends_on {} {{", d.target));
        lines.extend(body);
        lines.push("  }".into());
    }
    lines.push("}".into());
    // Only closing braces at the end can be left out without changing
    // what nests in what.
    let mut open = open;
    while open > 0 && lines.last().is_some_and(|l| l.trim() == "}") {
        lines.pop();
        open -= 1;
    }
    let mut text = lines.join("\n");
    text.push_str("\nteam next \"Next\" {\n  reports_to: jane\n}\nleader jane \"Jane\" { }\n");
    text
}

fn dep() -> impl Strategy<Value = Dep> {
    (
        prop::sample::select(vec!["next", "billing", "jane"]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(target, owner, plan)| Dep {
            target,
            owner,
            plan,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn blocks_left_open_keep_what_they_say(
        roles in prop::sample::subsequence(vec!["engineering", "qa", "design", "product"], 0..=4),
        reports in any::<bool>(),
        deps in prop::collection::vec(dep(), 0..3),
        open in 1usize..3,
    ) {
        let closed = team_text(&roles, reports, &deps, 0);
        let broken = team_text(&roles, reports, &deps, open);
        let mut ws = Workspace::new();
        ws.set_file("a.orgplan", closed.clone());
        let want = team_shape(&mut ws, "a");
        prop_assert!(syntax_errors(&mut ws).is_empty(), "{}", closed);

        let mut ws = Workspace::new();
        ws.set_file("a.orgplan", broken.clone());
        prop_assert_eq!(team_shape(&mut ws, "a"), want, "{}", broken);
        let errors = syntax_errors(&mut ws);
        prop_assert_eq!(errors.len(), 1, "{}\n{:?}", broken, errors);
        // The error names the team, and the dependency when its `}` is
        // missing too.
        prop_assert!(errors[0].ends_with("`}` to close `team a`"), "{:?}", errors);
        let left_open_dep = open > 1 && !deps.is_empty();
        prop_assert_eq!(errors[0].contains("`depends_on "), left_open_dep, "{:?}", errors);
        // The other team, below the open ones, is as if nothing happened.
        prop_assert_eq!(team_shape(&mut ws, "next"), "roles=[] reports_to=Some(\"jane\") deps=[]");
    }
}

#[test]
fn an_empty_block_left_open_is_one_error() {
    let text = "team a \"A\" {\nteam b \"B\" {\n  roles: qa\n}\n";
    let mut ws = Workspace::new();
    ws.set_file("a.orgplan", text.to_string());
    assert_eq!(syntax_errors(&mut ws), ["missing `}` to close `team a`"]);
    assert_eq!(
        team_shape(&mut ws, "b"),
        "roles=[\"qa\"] reports_to=None deps=[]"
    );
}

/// `true` and `false` are booleans: as an id, in any block, they are one
/// syntax error that says so, and declare nothing.
#[test]
fn reserved_words_are_not_ids() {
    for word in ["true", "false"] {
        for kind in ["leader", "initiative", "team"] {
            for rest in ["", " \"T\"", " \"T\" { }", " { }"] {
                let text = format!("{kind} {word}{rest}\n");
                let mut ws = Workspace::new();
                ws.set_file("a.orgplan", text.clone());
                let errors = syntax_errors(&mut ws);
                assert_eq!(
                    errors,
                    [format!(
                        "`{word}` is a boolean, not an id: a `{kind}` needs a name of its own"
                    )],
                    "{text}"
                );
                assert_eq!(ws.analysis().model.entities().count(), 0, "{text}");
            }
        }
        let text = format!("team a \"A\" {{\n  depends_on {word}\n}}\n");
        let mut ws = Workspace::new();
        ws.set_file("a.orgplan", text.clone());
        assert_eq!(syntax_errors(&mut ws).len(), 1, "{text}");
    }
}
