//! An initiative's single-threaded checklist: each of the article's
//! questions ([`rules::QUESTIONS`]) answered from the rules' findings.
//!
//! The checklist derives nothing itself. A question is answered by the
//! rules that name it in their `questions` and that the configuration has
//! not turned off; it fails when one of those rules has a finding that
//! belongs to the initiative, and the finding's message is the why. A
//! finding belongs to an initiative when it is placed in the initiative's
//! block, in the block of a team the initiative lists, or in the block of
//! the leader it names. So a finding and its question can never disagree,
//! and a rule turned off in `orgplan.toml` never fails a question: a
//! question whose rules are all off is shown as not checked.

use crate::config::{Config, Level};
use crate::model::{EntityId, Model, OrgModel};
use crate::rules::{self, Finding};
use crate::text::{FileId, Loc};
use crate::{Analysis, Workspace};
use std::sync::Arc;

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Pass,
    Fail,
    /// Not checked: its rules are turned off, or what it asks about is
    /// missing for a reason another finding already reports.
    Unchecked,
}

impl Answer {
    /// `✓`, `✗` or `–`.
    pub fn mark(self) -> &'static str {
        match self {
            Answer::Pass => "✓",
            Answer::Fail => "✗",
            Answer::Unchecked => "–",
        }
    }
}

/// One question, answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// The article's question, in full (one of [`rules::QUESTIONS`]).
    pub question: &'static str,
    /// The question in a few words.
    pub label: &'static str,
    pub answer: Answer,
    /// Why, in one line: the first failing finding's message, or what was
    /// found when it passes.
    pub why: String,
    /// The rules that answer the question (those not turned off).
    pub rules: Vec<&'static str>,
    /// The findings that fail it, in the order of the findings.
    pub findings: Vec<Arc<Finding>>,
    /// Where to look: the first failing finding, else the place in the
    /// initiative the question is about.
    pub at: Loc,
}

/// The question in a few words, for lists that must fit on a screen.
pub fn label(question: &str) -> &'static str {
    match question {
        q if q == rules::Q_FOCUSED_LEADER => "One leader, on this alone",
        q if q == rules::Q_EMPOWERED => "Leader has the authority",
        q if q == rules::Q_CAPABLE => "Set up to succeed",
        q if q == rules::Q_DEPENDENCIES_OPENLY => "Dependencies owned openly",
        q if q == rules::Q_UNTANGLE_PLAN => "Plan to untangle dependencies",
        q if q == rules::Q_BOUNDED_CONTEXT => "Bounded context",
        q if q == rules::Q_SHIP_ALONE => "Teams ship on their own",
        q if q == rules::Q_REVIEW_PROCESS => "One level of review",
        q if q == rules::Q_DECISIONS => "Decisions rest with the leader",
        _ => "Question",
    }
}

/// Whether the configuration leaves `rule` on.
pub fn enabled(config: &Config, rule: &str) -> bool {
    !matches!(config.rules.get(rule), Some(Level::Off))
}

/// The rules that name `question`, on or off.
pub fn rules_for(question: &str) -> impl Iterator<Item = &'static rules::Rule> + '_ {
    rules::ALL
        .iter()
        .copied()
        .filter(move |r| r.questions.contains(&question))
}

/// Which initiatives each finding belongs to: built once, asked per finding.
pub struct Owners<'a> {
    model: &'a Model,
    /// Top-level declaration blocks, by file and start.
    blocks: Vec<(Loc, EntityId)>,
}

impl<'a> Owners<'a> {
    pub fn new(model: &'a Model) -> Owners<'a> {
        let mut blocks: Vec<(Loc, EntityId)> =
            model.entities().map(|e| (model.decl(e).block, e)).collect();
        blocks.sort_by_key(|(l, _)| (l.file, l.range.start()));
        Owners { model, blocks }
    }

    /// The declaration whose block holds `loc`.
    fn entity_at(&self, loc: Loc) -> Option<EntityId> {
        let i = self
            .blocks
            .partition_point(|(l, _)| (l.file, l.range.start()) <= (loc.file, loc.range.start()));
        let (block, e) = *self.blocks.get(i.checked_sub(1)?)?;
        (block.file == loc.file && block.range.contains_range(loc.range)).then_some(e)
    }

    /// The initiatives a finding at `loc` belongs to.
    pub fn initiatives(&self, loc: Loc) -> Vec<usize> {
        let m = self.model;
        match self.entity_at(loc) {
            Some(EntityId::Initiative(i)) => vec![i],
            Some(EntityId::Team(t)) => m.team_initiatives(t).collect(),
            Some(EntityId::Leader(l)) => m.led_by(l).collect(),
            None => Vec::new(),
        }
    }
}

/// Shortens a one-line text to about `max` characters, with `…`.
fn clip(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.chars().count() <= max && !s.contains('\n') {
        return line.to_string();
    }
    let cut: String = line.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

/// The checklists of `inits`, in the article's order each.
pub fn checklists(ws: &Workspace, analysis: &Analysis, inits: &[usize]) -> Vec<Vec<Question>> {
    let config = ws.config();
    let m = &analysis.model;
    let owners = Owners::new(m);
    // The findings of rules that answer a question, per asked initiative
    // (found through where each initiative is asked: looked for in `inits`
    // by each finding, a file's code lenses cost its initiatives times the
    // workspace's findings).
    let mut asked: Vec<Vec<usize>> = vec![Vec::new(); m.initiatives.len()];
    for (k, &i) in inits.iter().enumerate() {
        if let Some(at) = asked.get_mut(i) {
            at.push(k);
        }
    }
    let mut found: Vec<Vec<&Arc<Finding>>> = vec![Vec::new(); inits.len()];
    for f in &analysis.findings {
        if f.rule().questions.is_empty() {
            continue;
        }
        for i in owners.initiatives(f.loc) {
            for &k in asked.get(i).into_iter().flatten() {
                found[k].push(f);
            }
        }
    }
    inits
        .iter()
        .zip(found)
        .map(|(&i, found)| answer_all(&config, m, i, &found))
        .collect()
}

/// The checklist of initiative `init`, in the article's order: as
/// [`checklists`] gives it, from the findings in its own block, its
/// leader's and its teams' (those [`Owners::initiatives`] gives it), found
/// in one walk over the findings without [`Owners`]' index of every block
/// (built and sorted for one initiative, it was most of a hover on an
/// initiative: 10–16 ms in a ten-file workspace; BENCHMARKS.md, "6 Dec
/// (twenty-fourth session)"). Declaration blocks are top-level, so they
/// do not overlap: the block a finding lies in is the one that holds it.
pub fn checklist(ws: &Workspace, analysis: &Analysis, init: usize) -> Vec<Question> {
    let m = &analysis.model;
    let Some(initiative) = m.initiatives.get(init) else {
        return Vec::new();
    };
    // The teams it lists and its leader, if they name it back.
    let blocks: Vec<Loc> = std::iter::once(initiative.decl.block)
        .chain(
            (0..m.teams.len())
                .filter(|&t| m.team_initiatives(t).any(|i| i == init))
                .map(|t| m.teams[t].decl.block),
        )
        .chain(
            (0..m.leaders.len())
                .filter(|&l| m.led_by(l).any(|i| i == init))
                .map(|l| m.leaders[l].decl.block),
        )
        .collect();
    let found: Vec<&Arc<Finding>> = analysis
        .findings
        .iter()
        .filter(|f| !f.rule().questions.is_empty())
        .filter(|f| {
            blocks
                .iter()
                .any(|b| b.file == f.loc.file && b.range.contains_range(f.loc.range))
        })
        .collect();
    answer_all(&ws.config(), m, init, &found)
}

fn answer_all(config: &Config, m: &Model, init: usize, found: &[&Arc<Finding>]) -> Vec<Question> {
    let facts = Facts::of(m, init);
    rules::QUESTIONS
        .iter()
        .map(|&question| {
            let on: Vec<&'static str> = rules_for(question)
                .filter(|r| enabled(config, r.name))
                .map(|r| r.name)
                .collect();
            let failing: Vec<Arc<Finding>> = found
                .iter()
                .filter(|f| on.contains(&f.rule))
                .map(|f| Arc::clone(f))
                .collect();
            let (answer, why, at) = if on.is_empty() {
                let off: Vec<String> = rules_for(question)
                    .map(|r| format!("`{}`", r.name))
                    .collect();
                (
                    Answer::Unchecked,
                    format!("not checked: {} turned off", rules::and_list(&off)),
                    facts.at(question),
                )
            } else if let Some(first) = failing.first() {
                let more = match failing.len() {
                    1 => String::new(),
                    n => format!(" (+{} more)", n - 1),
                };
                (
                    Answer::Fail,
                    format!("{}{more}", clip(&first.message, 90)),
                    first.loc,
                )
            } else {
                let (answer, why) = facts.pass(question);
                (answer, why, facts.at(question))
            };
            Question {
                question,
                label: label(question),
                answer,
                why,
                rules: on,
                findings: failing,
                at,
            }
        })
        .collect()
}

/// What an initiative says, for the why of a question no finding fails:
/// facts as written, no judgement (the rules judge).
struct Facts<'a> {
    m: &'a Model,
    init: usize,
    /// The leader it names, resolved or not.
    leader: Option<(&'a str, Option<usize>, Loc)>,
    teams: Vec<usize>,
    deps: usize,
}

impl<'a> Facts<'a> {
    fn of(m: &'a Model, init: usize) -> Facts<'a> {
        let i = &m.initiatives[init];
        let leader = i.leader.as_ref().map(|r| {
            let l = match m.resolve(r) {
                Some(EntityId::Leader(l)) => Some(l),
                _ => None,
            };
            (r.name.as_str(), l, r.loc)
        });
        let teams: Vec<usize> = i
            .teams
            .iter()
            .filter_map(|r| match m.resolve(r) {
                Some(EntityId::Team(t)) => Some(t),
                _ => None,
            })
            .collect();
        let deps = teams.iter().map(|&t| m.teams[t].dependencies.len()).sum();
        Facts {
            m,
            init,
            leader,
            teams,
            deps,
        }
    }

    /// Where a question points when no finding fails it.
    fn at(&self, question: &str) -> Loc {
        let i = &self.m.initiatives[self.init];
        let about_leader = [
            rules::Q_FOCUSED_LEADER,
            rules::Q_EMPOWERED,
            rules::Q_DECISIONS,
        ];
        let place = if about_leader.contains(&question) {
            self.leader.map(|(_, _, at)| at)
        } else if question == rules::Q_CAPABLE {
            i.metrics
                .first()
                .map(|x| x.loc)
                .or(self.leader.map(|l| l.2))
        } else if question == rules::Q_BOUNDED_CONTEXT {
            i.scope.as_ref().map(|s| s.loc)
        } else if question == rules::Q_REVIEW_PROCESS {
            i.approvals_prop
        } else {
            i.teams.first().map(|r| r.loc)
        };
        place.unwrap_or(i.decl.name)
    }

    /// The answer and why of a question no finding fails.
    fn pass(&self, question: &str) -> (Answer, String) {
        let leader = match self.leader {
            Some((name, Some(_), _)) => Ok(format!("`{name}`")),
            Some((name, None, _)) => Err(format!("not checked: `{name}` is not declared")),
            None => Err("not checked: no leader is named".to_string()),
        };
        let on_leader = |rest: String| match &leader {
            Ok(_) => (Answer::Pass, rest),
            Err(why) => (Answer::Unchecked, why.clone()),
        };
        let led_by = leader.clone().unwrap_or_default();
        match question {
            q if q == rules::Q_FOCUSED_LEADER => on_leader(format!("led by {led_by}")),
            q if q == rules::Q_EMPOWERED => {
                let i = &self.m.initiatives[self.init];
                let model = match &i.model {
                    Some(x) => format!(
                        ", model: {}",
                        match x.value {
                            OrgModel::Ownership => "ownership",
                            OrgModel::Leadership => "leadership",
                        }
                    ),
                    None => String::new(),
                };
                on_leader(format!("led by {led_by}{model}"))
            }
            q if q == rules::Q_DECISIONS => on_leader(format!("decisions rest with {led_by}")),
            q => (Answer::Pass, self.found(q)),
        }
    }

    /// What was found for a question that does not hang on the leader and
    /// that no finding fails.
    fn found(&self, question: &str) -> String {
        let i = &self.m.initiatives[self.init];
        match question {
            q if q == rules::Q_CAPABLE => match (&self.leader, i.metrics.len()) {
                (Some((_, Some(l), _)), k) => format!(
                    "`{}` at {}%, {}",
                    self.m.leaders[*l].decl.id,
                    self.m.leaders[*l].allocation_percent(),
                    count(k, "metric", "metrics")
                ),
                (_, k) => count(k, "metric", "metrics"),
            },
            q if q == rules::Q_DEPENDENCIES_OPENLY || q == rules::Q_UNTANGLE_PLAN => {
                if self.deps == 0 {
                    "its teams declare no dependencies".to_string()
                } else {
                    let deps = count(self.deps, "dependency", "dependencies");
                    format!("{deps} of its teams")
                }
            }
            q if q == rules::Q_BOUNDED_CONTEXT => match &i.scope {
                Some(s) => format!("scope: “{}”", clip(&s.value, 60)),
                None => "no `scope:` is written".to_string(),
            },
            q if q == rules::Q_SHIP_ALONE => {
                if self.teams.is_empty() {
                    "it lists no teams".to_string()
                } else {
                    count(self.teams.len(), "team", "teams")
                }
            }
            q if q == rules::Q_REVIEW_PROCESS => match i.approvals.as_slice() {
                [] => "no sign-off is written".to_string(),
                [a] => format!("signed off by `{}`", a.name),
                more => format!(
                    "signed off by {}",
                    count(more.len(), "approver", "approvers")
                ),
            },
            _ => String::new(),
        }
    }
}

/// `k` and the noun, in the singular for one.
fn count(k: usize, one: &str, many: &str) -> String {
    format!("{k} {}", if k == 1 { one } else { many })
}

/// The initiative whose block holds `offset` in `file` (its name, keyword,
/// properties or braces; at the seam of two blocks, the one that starts
/// there), if any: what a checklist asked for at a place is about.
pub fn initiative_at(analysis: &Analysis, file: FileId, offset: usize) -> Option<usize> {
    let m = &analysis.model;
    let holding = |i: &usize| {
        let block = m.initiatives[*i].decl.block;
        block.file == file && block.range.touches(offset)
    };
    let mut found = (0..m.initiatives.len()).filter(holding);
    let first = found.next()?;
    Some(
        found
            .find(|&i| m.initiatives[i].decl.block.range.start() == offset)
            .unwrap_or(first),
    )
}

/// The checklist's title with its score: `single-threaded checklist 7/9`,
/// and how many questions fail (`· 2 to fix`), if any.
pub fn title(checks: &[Question]) -> String {
    let (ok, total) = score(checks);
    match total - ok {
        0 => format!("single-threaded checklist {ok}/{total}"),
        failing => format!("single-threaded checklist {ok}/{total} · {failing} to fix"),
    }
}

/// `(passed, answered)`: questions not checked count in neither.
pub fn score(checks: &[Question]) -> (usize, usize) {
    (
        checks.iter().filter(|c| c.answer == Answer::Pass).count(),
        checks
            .iter()
            .filter(|c| c.answer != Answer::Unchecked)
            .count(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    fn render(checks: &[Question]) -> String {
        checks
            .iter()
            .map(|c| format!("{} {} — {}\n", c.answer.mark(), c.label, c.why))
            .collect()
    }

    #[test]
    fn every_question_has_a_label_and_a_rule() {
        for q in rules::QUESTIONS {
            assert_ne!(label(q), "Question", "{q}");
            assert!(rules_for(q).next().is_some(), "no rule answers {q}");
        }
    }

    /// Each `$0` of the plan, with the initiative a checklist asked for
    /// there is about (`-` for none).
    fn initiatives_at(plan: &str) -> String {
        let marks: Vec<usize> = plan.match_indices("$0").map(|(i, _)| i).collect();
        let mut out = String::new();
        for k in 0..marks.len() {
            // One fixture per mark: the others taken out.
            let mut text = String::new();
            let mut last = 0;
            for (j, &at) in marks.iter().enumerate() {
                text.push_str(&plan[last..at]);
                if j == k {
                    text.push_str("$0");
                }
                last = at + 2;
            }
            text.push_str(&plan[last..]);
            let f = fixture(&text);
            let name = initiative_at(&f.analysis, f.file, f.offset).map_or("-".to_string(), |i| {
                f.analysis.model.initiatives[i].decl.id.to_string()
            });
            out.push_str(&format!("{k}: {name}\n"));
        }
        out
    }

    #[test]
    fn the_initiative_at_a_place_is_the_one_whose_block_holds_it() {
        let shown = initiatives_at(
            r#"
            $0initiative $0fba$0 "FBA" {
              lea$0der: raj
              teams: in$0bound
            }$0
            $0initiative prime "Prime" { }
            team $0inbound "Inbound" { }
            # $0a comment
            "#,
        );
        assert_eq!(
            shown,
            "0: fba\n1: fba\n2: fba\n3: fba\n4: fba\n5: fba\n6: prime\n7: -\n8: -\n"
        );
    }

    #[test]
    fn a_checklist_title_counts_what_to_fix() {
        let f = fixture(
            r#"
            leader raj "Raj" { allocation: 50% }
            initiative fba "FBA" { leader: raj }
            "#,
        );
        let checks = checklist(&f.ws, &f.analysis, 0);
        let (ok, total) = score(&checks);
        assert!(ok < total, "{}", render(&checks));
        assert_eq!(
            title(&checks),
            format!(
                "single-threaded checklist {ok}/{total} · {} to fix",
                total - ok
            )
        );
        assert_eq!(title(&[]), "single-threaded checklist 0/0");
    }

    #[test]
    fn healthy_initiative_passes_everything() {
        let f = fixture(
            r#"
            leader jane "Jane" { }
            initiative fba "FBA" {
              leader: jane
              model: ownership
              scope: "Inbound"
              metrics: "Units"
              teams: inbound
              approvals: jane
            }
            team inbound "Inbound" {
              reports_to: jane
              roles: engineering, qa, design, product
              depends_on billing { owner: inbound plan: "Events" }
            }
            team billing "Billing" { functional: true }
            "#,
        );
        let checks = checklist(&f.ws, &f.analysis, 0);
        assert_eq!(score(&checks), (9, 9), "{}", render(&checks));
    }

    #[test]
    fn troubled_initiative_says_why() {
        let f = fixture(
            r#"
            leader raj "Raj" { allocation: 50% }
            initiative fba "FBA" {
              leader: raj
              model: ownership
              teams: inbound, shared
              approvals: raj, cfo
            }
            initiative prime "Prime" { leader: raj teams: shared }
            leader cfo "CFO" { }
            team inbound "Inbound" {
              reports_to: cfo
              roles: engineering
              depends_on shared { }
            }
            team shared "Shared" { roles: engineering, qa, design, product }
            "#,
        );
        insta::assert_snapshot!(render(&checklist(&f.ws, &f.analysis, 0)));
    }

    #[test]
    fn an_undeclared_leader_is_one_finding_not_a_row_of_crosses() {
        let f = fixture(
            r#"
            initiative fba "FBA" { leader: ghost scope: "x" metrics: "m" }
            "#,
        );
        insta::assert_snapshot!(render(&checklist(&f.ws, &f.analysis, 0)));
    }

    #[test]
    fn rules_turned_off_are_not_checked() {
        let f = fixture(
            r#"
            initiative fba "FBA" { }
            #- orgplan.toml
            [rules]
            initiative-without-leader = "off"
            leader-not-single-threaded = "off"
            missing-scope = "off"
            "#,
        );
        let checks = checklist(&f.ws, &f.analysis, 0);
        insta::assert_snapshot!(render(&checks));
        assert!(checks
            .iter()
            .all(|c| c.findings.iter().all(|x| c.rules.contains(&x.rule))));
    }

    fn workspace(plan: &str, off: Option<&str>) -> Workspace {
        let mut ws = Workspace::new();
        ws.set_file("plan.orgplan", plan.to_string());
        if let Some(rule) = off {
            ws.set_config_file(Some((
                "orgplan.toml",
                format!("[rules]\n{rule} = \"off\"\n"),
            )));
        }
        ws
    }

    /// `plan` with one more initiative listing the teams no initiative lists.
    fn in_an_initiative(plan: &str) -> String {
        let mut ws = workspace(plan, None);
        let a = ws.analysis();
        let loose: Vec<&str> = (0..a.model.teams.len())
            .filter(|&t| a.model.team_initiatives(t).is_empty())
            .map(|t| a.model.teams[t].decl.id.as_str())
            .collect();
        if loose.is_empty() {
            return plan.to_string();
        }
        format!(
            "{plan}\ninitiative probe \"Probe\" {{ teams: {} }}\n",
            loose.join(", ")
        )
    }

    /// Asked together, in any order and more than once, each initiative
    /// gets the checklist it gets asked alone (which finds its findings
    /// its own way): on every rule's example, in an initiative (the
    /// bundled examples: `tests/examples.rs`).
    #[test]
    fn checklists_asked_together_are_those_asked_alone() {
        let mut asked = 0;
        let rule_examples = rules::ALL
            .iter()
            .filter(|r| !r.questions.is_empty())
            .map(|r| (r.name, workspace(&in_an_initiative(r.example), None)));
        for (name, mut ws) in rule_examples {
            let a = ws.analysis();
            let n = a.model.initiatives.len();
            let inits: Vec<usize> = (0..n).rev().chain(0..n).collect();
            let together = checklists(&ws, &a, &inits);
            assert_eq!(together.len(), inits.len());
            for (&i, list) in inits.iter().zip(&together) {
                assert_eq!(*list, checklist(&ws, &a, i), "{name}: initiative {i}");
                asked += 1;
            }
        }
        assert!(asked > 0);
    }

    /// For every rule the checklist asks through, on its example: with the
    /// rule on, each of its findings fails each of its questions on every
    /// initiative the finding belongs to; with it off, no question names
    /// it, lists its findings or fails because of it.
    #[test]
    fn each_rule_switched_off_and_on_agrees_with_its_findings() {
        let mut attributed = Vec::new();
        let plans = rules::ALL
            .iter()
            .filter(|r| !r.questions.is_empty())
            .flat_map(|r| {
                [
                    (*r, r.example.to_string()),
                    (*r, in_an_initiative(r.example)),
                ]
            });
        for (rule, plan) in plans {
            let plan = plan.as_str();
            let mut ws = workspace(plan, None);
            let on = ws.analysis();
            let inits: Vec<usize> = (0..on.model.initiatives.len()).collect();
            let lists_on = checklists(&ws, &on, &inits);
            let owners = Owners::new(&on.model);
            let mine: Vec<&Arc<Finding>> =
                on.findings.iter().filter(|f| f.rule == rule.name).collect();
            if plan == rule.example {
                assert!(
                    !mine.is_empty(),
                    "{}: its example does not trip it",
                    rule.name
                );
            }
            for f in &mine {
                for i in owners.initiatives(f.loc) {
                    attributed.push(rule.name);
                    for q in rule.questions {
                        let c = lists_on[i].iter().find(|c| c.question == *q).unwrap();
                        assert_eq!(c.answer, Answer::Fail, "{}: {}", rule.name, c.label);
                        assert!(c.findings.iter().any(|g| Arc::ptr_eq(g, f)));
                        assert!(c.rules.contains(&rule.name));
                    }
                }
            }

            let mut ws = workspace(plan, Some(rule.name));
            let off = ws.analysis();
            assert!(off.findings.iter().all(|f| f.rule != rule.name));
            let lists_off = checklists(&ws, &off, &inits);
            for (i, (list_on, list_off)) in lists_on.iter().zip(&lists_off).enumerate() {
                for (a, b) in list_on.iter().zip(list_off) {
                    assert!(!b.rules.contains(&rule.name));
                    assert!(b.findings.iter().all(|f| f.rule != rule.name));
                    // What the other rules found still fails the question.
                    let others = a.findings.iter().filter(|f| f.rule != rule.name).count();
                    assert_eq!(
                        b.findings.len(),
                        others,
                        "{} on `{i}`: {}",
                        rule.name,
                        b.label
                    );
                    let expect = if b.rules.is_empty() {
                        Answer::Unchecked
                    } else if others > 0 {
                        Answer::Fail
                    } else {
                        b.answer
                    };
                    assert_eq!(b.answer, expect, "{}: {}", rule.name, b.label);
                    assert_ne!(
                        (a.answer, b.answer, others),
                        (Answer::Fail, Answer::Fail, 0),
                        "{}: {} fails without its rule",
                        rule.name,
                        b.label
                    );
                }
            }
        }
        // Every rule but the one about teams outside all initiatives has
        // an example finding that belongs to an initiative.
        let missing: Vec<&str> = rules::ALL
            .iter()
            .filter(|r| !r.questions.is_empty() && r.name != "orphan-team")
            .map(|r| r.name)
            .filter(|n| !attributed.contains(n))
            .collect();
        assert!(
            missing.is_empty(),
            "no finding of these rules' examples belongs to an initiative: {missing:?}"
        );
    }
}
