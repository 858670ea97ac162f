//! Code lens: an initiative's checklist score, a team's dependencies both ways.

use super::checklist;
use crate::text::{FileId, TextRange};
use crate::{Analysis, Workspace};

#[derive(Clone, Debug, PartialEq)]
pub struct CodeLens {
    pub range: TextRange,
    pub title: String,
}

pub fn code_lenses(ws: &Workspace, analysis: &Analysis, file: FileId) -> Vec<CodeLens> {
    let m = &analysis.model;
    let mut out = Vec::new();
    for (i, init) in m
        .initiatives
        .iter()
        .enumerate()
        .filter(|(_, i)| i.decl.file() == file)
    {
        let (ok, total) = checklist::score(&checklist::checklist(ws, analysis, i));
        out.push(CodeLens {
            range: init.decl.name.range,
            title: format!("single-threaded checklist {ok}/{total}"),
        });
    }
    for (t, team) in m
        .teams
        .iter()
        .enumerate()
        .filter(|(_, t)| t.decl.file() == file)
    {
        let n = team.dependencies.len();
        let by = m.dependents[t].len();
        out.push(CodeLens {
            range: team.decl.name.range,
            title: format!(
                "{n} dependenc{} · depended on by {by}",
                if n == 1 { "y" } else { "ies" }
            ),
        });
    }
    out.sort_by_key(|l| l.range.start());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    #[test]
    fn initiatives_and_teams() {
        let f = fixture("initiative a \"A\" { teams: t }\nteam t \"T\" { depends_on u { } }\nteam u \"U\" { }\n");
        let shown: Vec<String> = code_lenses(&f.ws, &f.analysis, f.file)
            .into_iter()
            .map(|l| format!("{:?} {}", l.range, l.title))
            .collect();
        insta::assert_snapshot!(shown.join("\n"));
    }
}
