//! Inlay hints: a leader's load after `leader: id` ("leads 2 · 50%"), and a
//! team's role coverage after its name in `teams:` ("3/4 roles").

use crate::model::EntityId;
use crate::text::{FileId, TextRange};
use crate::{Analysis, Workspace};

#[derive(Clone, Debug, PartialEq)]
pub struct InlayHint {
    /// Where the hint stands (after the name).
    pub offset: usize,
    pub label: String,
}

pub fn inlay_hints(
    ws: &Workspace,
    analysis: &Analysis,
    file: FileId,
    within: TextRange,
) -> Vec<InlayHint> {
    let m = &analysis.model;
    let required = ws.config().required_roles;
    let mut out = Vec::new();
    for init in m
        .initiatives
        .iter()
        .filter(|i| i.decl.file() == file && i.decl.block.range.intersects(within))
    {
        if let Some(r) = &init.leader {
            if let Some(EntityId::Leader(l)) = m.resolve(r) {
                let leads = m.led_by[l].len();
                let pct = m.leaders[l].allocation_percent();
                out.push(InlayHint {
                    offset: r.loc.range.end(),
                    label: format!("leads {leads} · {pct}%"),
                });
            }
        }
        for r in &init.teams {
            if let Some(EntityId::Team(t)) = m.resolve(r) {
                let team = &m.teams[t];
                if team.functional || required.is_empty() {
                    continue;
                }
                let have = required
                    .iter()
                    .filter(|q| team.roles.iter().any(|r| r.value == *q))
                    .count();
                out.push(InlayHint {
                    offset: r.loc.range.end(),
                    label: format!("{have}/{} roles", required.len()),
                });
            }
        }
    }
    out.retain(|h| within.touches(h.offset));
    out.sort_by_key(|h| h.offset);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    #[test]
    fn leader_load_and_role_coverage() {
        let f = fixture(
            "leader raj \"R\" { allocation: 50% }\ninitiative a \"A\" { leader: raj teams: t, u, legal }\ninitiative b \"B\" { leader: raj }\nteam t \"T\" { roles: engineering, qa, design }\nteam u \"U\" { }\nteam legal \"L\" { functional: true }\n",
        );
        let all = TextRange::new(0, f.text(f.file).len());
        let shown: Vec<String> = inlay_hints(&f.ws, &f.analysis, f.file, all)
            .iter()
            .map(|h| {
                format!(
                    "{} after `{}`",
                    h.label,
                    &f.text(f.file)[..h.offset]
                        .rsplit([' ', ','])
                        .next()
                        .unwrap()
                )
            })
            .collect();
        insta::assert_snapshot!(shown.join("\n"));
    }
}
