//! Code lens: an initiative's checklist score, which opens the checklist;
//! a team's dependencies and dependents, which open those teams. A lens
//! with nothing to open is not shown.

use super::checklist::{self, Question};
use crate::model::EntityId;
use crate::text::{FileId, Loc, TextRange};
use crate::{Analysis, Workspace};

#[derive(Clone, Debug, PartialEq)]
pub struct CodeLens {
    pub range: TextRange,
    pub title: String,
    pub action: LensAction,
}

/// What a lens opens.
#[derive(Clone, Debug, PartialEq)]
pub enum LensAction {
    /// The initiative's checklist: each question, pass or fail, with the
    /// place to look.
    Checklist(Vec<Question>),
    /// Places to list, as references are: the teams a team depends on
    /// (their declarations), or the teams depending on it (their
    /// `depends_on` lines).
    Places(Vec<Loc>),
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn code_lenses(ws: &Workspace, analysis: &Analysis, file: FileId) -> Vec<CodeLens> {
    let m = &analysis.model;
    let mut out = Vec::new();
    let inits: Vec<usize> = (0..m.initiatives.len())
        .filter(|&i| m.initiatives[i].decl.file() == file)
        .collect();
    for (&i, checks) in inits
        .iter()
        .zip(checklist::checklists(ws, analysis, &inits))
    {
        out.push(CodeLens {
            range: m.initiatives[i].decl.name.range,
            title: checklist::title(&checks),
            action: LensAction::Checklist(checks),
        });
    }
    for (t, team) in m
        .teams
        .iter()
        .enumerate()
        .filter(|(_, t)| t.decl.file() == file)
    {
        let mut targets: Vec<Loc> = Vec::new();
        for d in &team.dependencies {
            if let Some(EntityId::Team(x)) = m.resolve(&d.target) {
                let at = m.teams[x].decl.name;
                if !targets.contains(&at) {
                    targets.push(at);
                }
            }
        }
        if !targets.is_empty() {
            out.push(CodeLens {
                range: team.decl.name.range,
                title: format!("depends on {}", plural(targets.len(), "team", "teams")),
                action: LensAction::Places(targets),
            });
        }
        let mut sources: Vec<Loc> = Vec::new();
        for x in m.dependents(t) {
            for d in &m.teams[x].dependencies {
                if m.resolve(&d.target) == Some(EntityId::Team(t)) && !sources.contains(&d.head) {
                    sources.push(d.head);
                }
            }
        }
        if !sources.is_empty() {
            let teams = m.dependents(t).len();
            out.push(CodeLens {
                range: team.decl.name.range,
                title: format!("depended on by {}", plural(teams, "team", "teams")),
                action: LensAction::Places(sources),
            });
        }
    }
    out.sort_by_key(|l| l.range.start());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    fn show(text: &str) -> String {
        let f = fixture(text);
        code_lenses(&f.ws, &f.analysis, f.file)
            .into_iter()
            .map(|l| {
                let opens = match &l.action {
                    LensAction::Checklist(checks) => checks
                        .iter()
                        .map(|c| {
                            format!("\n    {} {} @ {}", c.answer.mark(), c.label, f.show(c.at))
                        })
                        .collect::<String>(),
                    LensAction::Places(places) => places
                        .iter()
                        .map(|p| format!("\n    {}", f.show(*p)))
                        .collect::<String>(),
                };
                format!("{:?} {}{opens}", l.range, l.title)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn initiatives_and_teams() {
        insta::assert_snapshot!(show(
            "initiative a \"A\" { teams: t }\nteam t \"T\" { depends_on u { } }\nteam u \"U\" { }\n"
        ));
    }

    #[test]
    fn a_team_with_no_dependencies_either_way_has_no_lens() {
        let f = fixture("team t \"T\" { functional: true }\nteam u \"U\" { functional: true }\n");
        assert_eq!(code_lenses(&f.ws, &f.analysis, f.file), vec![]);
    }
}
