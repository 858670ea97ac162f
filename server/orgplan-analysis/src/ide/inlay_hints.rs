//! Inlay hints where they say what the text does not: after `leader: id`,
//! a leader who is part-time or leads more than this initiative
//! ("part-time 50% · leads 2"); after a team in `teams:`, a team that
//! lacks roles ("3/4 roles · no product"). Healthy names get none. A hint
//! speaks for its rule: with the rule turned off, no hint.

use super::checklist::enabled;
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
    let config = ws.config();
    let required = &config.required_roles;
    let part_time = enabled(&config, "part-time-leader");
    let overloaded = enabled(&config, "leader-not-single-threaded");
    let incomplete = enabled(&config, "incomplete-team") && !required.is_empty();
    let mut out = Vec::new();
    for init in m
        .initiatives
        .iter()
        .filter(|i| i.decl.file() == file && i.decl.block.range.intersects(within))
    {
        if let Some(r) = &init.leader {
            if let Some(EntityId::Leader(l)) = m.resolve(r) {
                let leader = &m.leaders[l];
                let mut says = Vec::new();
                if part_time && leader.is_part_time() {
                    says.push(if leader.allocation_percent() < 100.0 {
                        format!("part-time {}%", leader.allocation_percent())
                    } else {
                        "has other duties".to_string()
                    });
                }
                let leads = m.led_by(l).len();
                if overloaded && leads > 1 {
                    says.push(format!("leads {leads}"));
                }
                if !says.is_empty() {
                    out.push(InlayHint {
                        offset: r.loc.range.end(),
                        label: says.join(" · "),
                    });
                }
            }
        }
        if !incomplete {
            continue;
        }
        for r in &init.teams {
            if let Some(EntityId::Team(t)) = m.resolve(r) {
                let team = &m.teams[t];
                if team.functional {
                    continue;
                }
                let missing: Vec<&str> = required
                    .iter()
                    .filter(|q| !team.roles.iter().any(|r| r == q.as_str()))
                    .map(String::as_str)
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                out.push(InlayHint {
                    offset: r.loc.range.end(),
                    label: format!(
                        "{}/{} roles · no {}",
                        required.len() - missing.len(),
                        required.len(),
                        missing.join(", ")
                    ),
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

    fn show(text: &str) -> String {
        let f = fixture(text);
        let all = TextRange::new(0, f.text(f.file).len());
        inlay_hints(&f.ws, &f.analysis, f.file, all)
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
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn leader_load_and_role_coverage() {
        insta::assert_snapshot!(show(
            "leader raj \"R\" { allocation: 50% }\ninitiative a \"A\" { leader: raj teams: t, u, legal }\ninitiative b \"B\" { leader: raj }\nteam t \"T\" { roles: engineering, qa, design }\nteam u \"U\" { }\nteam legal \"L\" { functional: true }\n",
        ));
    }

    #[test]
    fn healthy_lines_have_no_hints() {
        assert_eq!(
            show("leader jane \"J\" { }\ninitiative a \"A\" { leader: jane teams: t }\nteam t \"T\" { roles: engineering, qa, design, product }\n"),
            ""
        );
    }

    #[test]
    fn a_rule_turned_off_turns_its_hint_off() {
        assert_eq!(
            show("leader raj \"R\" { allocation: 50% }\ninitiative a \"A\" { leader: raj teams: t }\ninitiative b \"B\" { leader: raj }\nteam t \"T\" { }\n#- orgplan.toml\n[rules]\npart-time-leader = \"off\"\nleader-not-single-threaded = \"off\"\nincomplete-team = \"off\"\n"),
            ""
        );
    }
}
