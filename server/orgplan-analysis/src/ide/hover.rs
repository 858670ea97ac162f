//! Hover: the principle behind a finding, a card for an entity, the meaning
//! of keys, kinds and values, an initiative's single-threaded checklist.
//! Markdown, in our own words, citing the article.

use super::{checklist, code, target_at, Target};
use crate::model::{EntityId, Model, OrgModel};
use crate::rules::{self, Finding};
use crate::schema;
use crate::text::{FileId, TextRange};
use crate::{Analysis, Workspace};
use std::fmt::Write;

#[derive(Clone, Debug, PartialEq)]
pub struct HoverResult {
    pub range: TextRange,
    pub markdown: String,
}

/// How a hover links a finding to its rule's full text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RuleLink {
    /// Name the command that prints it: `orgplan explain RULE`.
    #[default]
    Cli,
    /// A Markdown link running the editor's command `COMMAND` with the
    /// rule's name (`command:COMMAND?["RULE"]`).
    Command(&'static str),
}

pub fn hover(
    ws: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    link: RuleLink,
) -> Option<HoverResult> {
    let mut sections = Vec::new();
    let mut range: Option<TextRange> = None;
    let findings: Vec<&Finding> = analysis
        .findings_in(file)
        .iter()
        .filter(|f| f.loc.range.touches(offset))
        .map(|f| &**f)
        .collect();
    let mut seen = Vec::new();
    for f in &findings {
        range = Some(range.map_or(f.loc.range, |r| r.cover(f.loc.range)));
        if seen.contains(&f.rule) {
            continue;
        }
        seen.push(f.rule);
        let same: Vec<&&Finding> = findings.iter().filter(|g| g.rule == f.rule).collect();
        sections.push(finding_section(f.rule(), &same, link));
    }
    if let Some(target) = target_at(ws, analysis, file, offset) {
        range = Some(target.range());
        if let Some(card) = target_card(ws, analysis, &target) {
            sections.push(card);
        }
    }
    if sections.is_empty() {
        return None;
    }
    Some(HoverResult {
        range: range?,
        markdown: sections.join("\n\n---\n\n"),
    })
}

/// A finding under the cursor: its message once, the principle (two or
/// three sentences) with its source, and a link to the rule's full text
/// (questions, fix, example) instead of that text itself.
fn finding_section(rule: &rules::Rule, findings: &[&&Finding], link: RuleLink) -> String {
    let mut s = format!("**{}** · {}\n\n", rule.name, findings[0].severity);
    let mut messages: Vec<&str> = findings.iter().map(|f| &*f.message).collect();
    messages.dedup();
    for m in messages {
        let _ = writeln!(s, "{m}\n");
    }
    let _ = writeln!(
        s,
        "{} ([{}]({}))\n",
        rule.principle,
        rules::SOURCE_TITLE,
        rules::SOURCE_URL
    );
    s.push_str(&rule_link(rule.name, link));
    s
}

/// The line that leads from a hover to a rule's full text.
pub fn rule_link(rule: &str, link: RuleLink) -> String {
    match link {
        RuleLink::Cli => format!("Full text: `orgplan explain {rule}`"),
        RuleLink::Command(command) => format!(
            "[Explain `{rule}`](command:{command}?%5B%22{rule}%22%5D \"Open the rule's full text\")"
        ),
    }
}

fn target_card(ws: &Workspace, analysis: &Analysis, target: &Target) -> Option<String> {
    match target {
        Target::Decl { entity, .. }
        | Target::Ref {
            resolved: Some(entity),
            ..
        } => Some(entity_card(ws, analysis, *entity)),
        Target::Ref {
            name,
            kind,
            resolved: None,
            ..
        } => Some(match analysis.model.any(name) {
            // Declared, of a kind the place does not take.
            Some(e) => format!(
                "{} is {}, where {} is expected\n\n{}",
                code(name),
                crate::text::with_article(e.kind().keyword()),
                crate::text::with_article(kind.describe()),
                entity_card(ws, analysis, e)
            ),
            None => format!(
                "{} — no {} named {} is declared",
                code(name),
                kind.describe(),
                code(name)
            ),
        }),
        Target::Keyword { kind, .. } => {
            let spec = kind.spec();
            let keys: Vec<String> = spec.properties.iter().map(|p| code(p.name)).collect();
            Some(format!(
                "**{}** (block)\n\n{}\n\nProperties: {}",
                spec.keyword,
                spec.doc,
                keys.join(", ")
            ))
        }
        Target::Key { block, key, .. } => {
            let p = block.spec().property(key)?;
            let mut s = format!(
                "**{}** · property of `{}`\n\n{}\n\nValue: {}",
                p.name,
                block.keyword(),
                p.doc,
                p.ty.describe()
            );
            if let schema::ValueType::Enum(values) = p.ty {
                s.push_str("\n\n");
                for v in values {
                    let _ = writeln!(s, "- `{}` — {}", v.name, v.doc);
                }
            }
            Some(s.trim_end().to_string())
        }
        Target::Value { value, .. } => {
            let mut s = format!("**{}**\n\n{}", value.name, value.doc);
            let is_model = schema::MODELS.iter().any(|v| v.name == value.name);
            if let Some(other) = schema::MODELS
                .iter()
                .find(|v| is_model && v.name != value.name)
            {
                let _ = write!(s, "\n\nCompare `{}`: {}", other.name, other.doc);
            }
            Some(s)
        }
    }
}

fn title_of(m: &Model, e: EntityId) -> String {
    let d = m.decl(e);
    match &d.title {
        Some(t) => format!("`{}` — {t}", d.id),
        None => format!("`{}`", d.id),
    }
}

fn ids(m: &Model, es: impl IntoIterator<Item = EntityId>) -> String {
    names(m, es.into_iter().map(|e| m.decl(e).id.as_str()))
}

/// Names for a card's list: each once, in the order first written, marked
/// when the id is declared more than once; `—` for none.
fn names<'a>(m: &Model, names: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut v: Vec<String> = Vec::new();
    for n in names {
        if seen.contains(&n) {
            continue;
        }
        seen.push(n);
        let declared = m.declarations(n).len();
        v.push(if declared > 1 {
            format!("{} (declared {declared} times)", code(n))
        } else {
            code(n)
        });
    }
    if v.is_empty() {
        "—".to_string()
    } else {
        v.join(", ")
    }
}

/// The card of an entity: who or what it is and how it connects.
pub fn entity_card(ws: &Workspace, analysis: &Analysis, e: EntityId) -> String {
    let m = &analysis.model;
    let mut s = format!("**{}** {}\n\n", e.kind().keyword(), title_of(m, e));
    match e {
        EntityId::Leader(l) => leader_card(&mut s, m, l),
        EntityId::Team(t) => team_card(&mut s, ws, m, t),
        EntityId::Initiative(i) => initiative_card(&mut s, ws, analysis, i),
    }
    s.trim_end().to_string()
}

/// What a leader's card lists: title, allocation, duties, what they lead,
/// whom they report to and who reports to them.
fn leader_card(s: &mut String, m: &Model, l: usize) {
    let leader = &m.leaders[l];
    if let Some(t) = &leader.job_title {
        let _ = writeln!(s, "- Title: {t}");
    }
    let pct = leader.allocation_percent();
    let _ = writeln!(
        s,
        "- Allocation: {pct}%{}",
        if leader.is_part_time() {
            " (part-time)"
        } else {
            ""
        }
    );
    if !leader.duties.is_empty() {
        let d: Vec<&str> = leader.duties.iter().map(|d| d.value.as_str()).collect();
        let _ = writeln!(s, "- Other duties: {}", d.join("; "));
    }
    let _ = writeln!(
        s,
        "- Leads: {}",
        ids(m, m.led_by(l).map(EntityId::Initiative))
    );
    if let Some(r) = &leader.reports_to {
        let _ = writeln!(s, "- Reports to: {}", code(&r.name));
    }
    let _ = writeln!(s, "- Reporting to them: {}", ids(m, m.reports(l)));
}

/// What a team's card lists: roles (and those missing), initiatives,
/// manager, dependencies both ways.
fn team_card(s: &mut String, ws: &Workspace, m: &Model, t: usize) {
    let team = &m.teams[t];
    let config = ws.config();
    if team.functional {
        let _ = writeln!(
            s,
            "- Functional team: the single-threaded rules do not apply"
        );
    }
    let roles: Vec<&str> = team.roles.iter().map(|r| r.as_str()).collect();
    let _ = writeln!(
        s,
        "- Roles: {}",
        if roles.is_empty() {
            "—".to_string()
        } else {
            roles.join(", ")
        }
    );
    if !team.functional {
        let missing: Vec<&str> = config
            .required_roles
            .iter()
            .filter(|r| !roles.contains(&r.as_str()))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(s, "- Missing roles: {}", missing.join(", "));
        }
    }
    let inits: Vec<EntityId> = m.team_initiatives(t).map(EntityId::Initiative).collect();
    let _ = writeln!(
        s,
        "- Initiative{}: {}",
        if inits.len() > 1 { "s" } else { "" },
        ids(m, inits)
    );
    if let Some(r) = &team.reports_to {
        let _ = writeln!(s, "- Reports to: {}", code(&r.name));
    }
    let _ = writeln!(
        s,
        "- Depends on: {}",
        names(m, team.dependencies.iter().map(|d| d.target.name.as_str()))
    );
    let _ = writeln!(
        s,
        "- Depended on by: {}",
        ids(m, m.dependents(t).map(EntityId::Team))
    );
}

/// What an initiative's card lists: its checklist, leader, model, whether
/// it is critical, and its teams.
fn initiative_card(s: &mut String, ws: &Workspace, analysis: &Analysis, i: usize) {
    let m = &analysis.model;
    let init = &m.initiatives[i];
    let checks = checklist::checklist(ws, analysis, i);
    let (ok, total) = checklist::score(&checks);
    let _ = writeln!(s, "Single-threaded checklist: **{ok}/{total}**\n");
    for c in &checks {
        let _ = writeln!(s, "- {} {} — {}", c.answer.mark(), c.label, c.why);
    }
    s.push('\n');
    let leader = init
        .leader
        .as_ref()
        .map_or("—".to_string(), |r| code(&r.name));
    let _ = writeln!(s, "- Leader: {leader}");
    let model = match init.model.as_ref().map(|m| m.value) {
        Some(OrgModel::Ownership) => "ownership (STO)",
        Some(OrgModel::Leadership) => "leadership (STL)",
        None => "—",
    };
    let _ = writeln!(s, "- Model: {model}");
    if init.critical {
        let _ = writeln!(s, "- Critical");
    }
    let _ = writeln!(
        s,
        "- Teams: {}",
        names(m, init.teams.iter().map(|r| r.name.as_str()))
    );
}

#[cfg(test)]
mod tests {
    use super::{hover, RuleLink};
    use crate::ide::fixture::fixture;

    fn check(text: &str) -> String {
        let f = fixture(text);
        match hover(&f.ws, &f.analysis, f.file, f.offset, RuleLink::Cli) {
            Some(h) => format!(
                "range {:?} `{}`\n\n{}",
                h.range,
                &f.text(f.file)[h.range.start()..h.range.end()],
                h.markdown
            ),
            None => "no hover".to_string(),
        }
    }

    const PLAN: &str = r#"
        leader jane "Jane Doe" { title: "Director" }
        leader raj "Raj" { allocation: 50% reports_to: jane }
        initiative fba "FBA" {
          leader: jane
          model: ownership
          scope: "Inbound"
          metrics: "Units"
          teams: inbound
        }
        team inbound "Inbound" {
          reports_to: jane
          roles: engineering, qa, design, product
          depends_on billing { owner: inbound plan: "Events" }
        }
        team billing "Billing" { roles: engineering, qa, design, product }
        initiative pay "Pay" { leader: raj model: leadership scope: "Pay" metrics: "M" teams: billing }
    "#;

    fn at(marker_after: &str) -> String {
        let text = PLAN.replacen(marker_after, &format!("{marker_after}$0"), 1);
        check(&text)
    }

    #[test]
    fn leader_card_on_declaration() {
        insta::assert_snapshot!(at("leader ja"));
    }

    #[test]
    fn team_card_on_reference() {
        insta::assert_snapshot!(at("teams: inb"));
    }

    #[test]
    fn initiative_checklist_on_name() {
        insta::assert_snapshot!(at("initiative fb"));
    }

    #[test]
    fn finding_shows_message_principle_and_link() {
        insta::assert_snapshot!(check(
            r#"
            initiative f$0ba "FBA" { scope: "x" metrics: "m" }
            "#
        ));
    }

    #[test]
    fn finding_links_to_the_editor_command_when_the_client_has_one() {
        let f =
            fixture("leader raj \"R\" { allocation: 50% }\ninitiative a \"A\" { leader: r$0aj }\n");
        let h = hover(
            &f.ws,
            &f.analysis,
            f.file,
            f.offset,
            RuleLink::Command("orgplan.explainRule"),
        )
        .unwrap();
        assert!(
            h.markdown
                .contains("(command:orgplan.explainRule?%5B%22part-time-leader%22%5D "),
            "{}",
            h.markdown
        );
    }

    /// A finding's hover shows the principle whole: it must stay short.
    #[test]
    fn every_principle_is_at_most_three_sentences() {
        for rule in crate::rules::ALL {
            // A sentence ends at `.`, `!` or `?` before a space or the end
            // (not in `orgplan.toml`).
            let p = rule.principle.trim_end();
            let sentences = p
                .char_indices()
                .filter(|&(i, c)| {
                    matches!(c, '.' | '!' | '?')
                        && p[i + 1..].chars().next().is_none_or(char::is_whitespace)
                })
                .count();
            assert!(sentences <= 3, "{}: {sentences} sentences", rule.name);
        }
    }

    #[test]
    fn key_and_enum_value_docs() {
        insta::assert_snapshot!(at("  mod"));
        insta::assert_snapshot!(at("model: owner"));
        insta::assert_snapshot!(at("roles: engineering, q"));
        insta::assert_snapshot!(check("te$0am x \"X\" { functional: true }\n"));
    }

    #[test]
    fn a_card_lists_each_name_once() {
        let text = r#"
            leader jane "Jane" { }
            team search "Search" { reports_to: jane }
            team search "Search again" { reports_to: jane }
            initiative fba "FBA" { leader: jane teams: search, search }
            team t "T" {
              depends_on search
              depends_on search
            }
        "#;
        // The card is the hover's last section (findings come first).
        let card_at = |marker: &str| {
            let hover = check(&text.replacen(marker, &format!("{marker}$0"), 1));
            hover.rsplit("\n---\n").next().unwrap().to_string()
        };
        for marker in ["leader ja", "initiative fb", "team t"] {
            let card = card_at(marker);
            let listed = card
                .lines()
                // The card's facts, not the checklist's answers (`- ✓ …`).
                .filter(|l| l.starts_with("- ") && !l.starts_with("- ✓") && !l.starts_with("- ✗"))
                .filter(|l| l.contains("`search`"))
                .collect::<Vec<_>>();
            assert_eq!(listed.len(), 1, "{card}");
            assert_eq!(listed[0].matches("`search`").count(), 1, "{card}");
            assert!(listed[0].contains("`search` (declared 2 times)"), "{card}");
        }
    }

    #[test]
    fn nothing_on_whitespace() {
        assert_eq!(check("leader jane \"J\" { }\n$0\n"), "no hover");
    }

    #[test]
    fn a_reference_of_the_wrong_kind_says_what_it_names() {
        let f = fixture(
            "leader jane \"Jane\" { }\ninitiative i \"I\" { leader: jane teams: ja$0ne }\n",
        );
        let h = hover(&f.ws, &f.analysis, f.file, f.offset, RuleLink::Cli).unwrap();
        let h = h.markdown;
        assert!(
            h.contains("`jane` is a leader, where a team is expected"),
            "{h}"
        );
        assert!(!h.contains("no team named"), "{h}");
    }
}
