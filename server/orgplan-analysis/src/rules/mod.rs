//! The rule engine. A rule is one file in this folder: its name, default
//! severity, principle (in our words), the article's questions, a fix hint,
//! an example, the check itself and its fixture tests. [`ALL`] lists them;
//! the CLI, the language server and `docs/rules.md` all read from here.

use crate::config::{Config, Level};
use crate::model::{EntityId, Model};
use crate::syntax::Document;
use crate::text::{FileId, Loc};
use std::fmt;

pub mod docs;

mod cross_initiative_dependency;
pub mod dependencies;
mod dependency_cycle;
mod dependency_without_plan;
pub(crate) mod duplicate_definition;
mod duplicate_property;
mod external_approval;
mod incomplete_team;
mod initiative_without_leader;
mod invalid_config;
mod invalid_value;
mod layered_approvals;
mod leader_not_single_threaded;
mod leadership_model_mismatch;
pub(crate) mod meant;
mod missing_metrics;
mod missing_scope;
mod orphan_team;
mod ownership_reporting_mismatch;
mod part_time_leader;
mod syntax_error;
mod team_not_single_threaded;
mod too_many_dependencies;
pub(crate) mod undefined_reference;
mod unknown_block;
mod unknown_property;
mod unowned_dependency;

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod policy;

/// The title of the article every principle comes from.
pub const SOURCE_TITLE: &str = "Single-Threaded Leaders at Amazon";
/// The address of that article.
pub const SOURCE_URL: &str = "https://pedrodelgallego.github.io/blog/amazon/single-threaded-model/";

// The questions the article asks of a single-threaded organisation, in our
// own words. Hovers and `orgplan explain` show the ones a rule helps answer.
pub const Q_FOCUSED_LEADER: &str =
    "For a critical initiative: is there one leader who focuses on it, and on nothing else?";
pub const Q_EMPOWERED: &str = "Does that leader have the authority to lead it end to end?";
pub const Q_CAPABLE: &str = "Is that leader set up to succeed: able, and able to measure success?";
pub const Q_DEPENDENCIES_OPENLY: &str =
    "Are dependencies handled openly and early, so they improve the odds of success instead of hiding risk?";
pub const Q_UNTANGLE_PLAN: &str =
    "Is there a plan to untangle dependencies so that teams can work on their own?";
pub const Q_BOUNDED_CONTEXT: &str = "What bounded context marks out what the leader owns?";
pub const Q_SHIP_ALONE: &str =
    "Can teams build and ship their changes without coupling to, coordinating with, or waiting for sign-off from other teams?";
pub const Q_REVIEW_PROCESS: &str =
    "How does working single-threaded change the way decisions are reviewed?";
pub const Q_DECISIONS: &str = "Does the single-threaded leader make decisions simpler and faster?";

/// All the questions, in the article's order (the initiative checklist).
pub const QUESTIONS: &[&str] = &[
    Q_FOCUSED_LEADER,
    Q_EMPOWERED,
    Q_CAPABLE,
    Q_DEPENDENCIES_OPENLY,
    Q_UNTANGLE_PLAN,
    Q_BOUNDED_CONTEXT,
    Q_SHIP_ALONE,
    Q_REVIEW_PROCESS,
    Q_DECISIONS,
];

/// Where a rule's documentation is, under the documentation base URL an
/// organisation sets (`[docs] base-url` in `orgplan.toml`, or the editor's
/// `orgplan.docs.baseUrl`): the base with `{rule}` replaced by the rule's
/// name when it has one, else `BASE/rules.md#RULE` (the base being where
/// the `docs/` folder is published). Without a base there is no link: the
/// rule's text ships with orgplan (`orgplan explain RULE`, the editors'
/// *Explain Rule*), and no address is made up.
pub fn docs_link(base: &str, rule: &str) -> String {
    if base.contains("{rule}") {
        base.replace("{rule}", rule)
    } else {
        format!("{}/rules.md#{rule}", base.trim_end_matches('/'))
    }
}

/// Every rule, structure rules first, then principles; the order of the docs.
pub static ALL: &[&Rule] = &[
    &syntax_error::RULE,
    &unknown_block::RULE,
    &unknown_property::RULE,
    &duplicate_property::RULE,
    &invalid_value::RULE,
    &undefined_reference::RULE,
    &duplicate_definition::RULE,
    &invalid_config::RULE,
    &initiative_without_leader::RULE,
    &leader_not_single_threaded::RULE,
    &part_time_leader::RULE,
    &team_not_single_threaded::RULE,
    &orphan_team::RULE,
    &incomplete_team::RULE,
    &unowned_dependency::RULE,
    &dependency_without_plan::RULE,
    &dependency_cycle::RULE,
    &too_many_dependencies::RULE,
    &cross_initiative_dependency::RULE,
    &ownership_reporting_mismatch::RULE,
    &leadership_model_mismatch::RULE,
    &layered_approvals::RULE,
    &external_approval::RULE,
    &missing_metrics::RULE,
    &missing_scope::RULE,
];

/// The rule with this name.
pub fn by_name(name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.name == name)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "error" => Severity::Error,
            "warning" | "warn" => Severity::Warning,
            "info" | "information" => Severity::Info,
            "hint" => Severity::Hint,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// The text is not a well-formed plan.
    Structure,
    /// The plan breaks a principle of the single-threaded model.
    Principle,
}

/// A rule and everything said about it.
pub struct Rule {
    /// Stable kebab-case name: the diagnostic code.
    pub name: &'static str,
    pub group: Group,
    pub default_severity: Severity,
    /// One line: when the rule fires.
    pub summary: &'static str,
    /// The principle, in our own words.
    pub principle: &'static str,
    /// The article's questions (in our words, see [`QUESTIONS`]) this rule helps answer.
    pub questions: &'static [&'static str],
    /// What to do about a finding.
    pub fix: &'static str,
    /// A plan that trips the rule.
    pub example: &'static str,
    /// How many findings it gives, and where: one per thing to fix, at the
    /// place the fix goes (see "One finding per problem" in `docs/rules.md`).
    pub findings: &'static str,
    /// What it does not flag, and why.
    pub spares: &'static str,
    pub check: Check,
}

/// How a rule is run: what its findings are computed for, and so what they
/// may depend on. The incremental analysis (`crate::incremental`) relies on
/// these promises to recompute only what an edit can change.
#[derive(Clone, Copy)]
pub enum Check {
    /// Over the whole workspace, every time.
    Global(fn(&Ctx, &mut Vec<Finding>)),
    /// For one plan file: the findings depend on that file's syntax (its
    /// document and text) alone, and name places in it alone. An edit of
    /// one file keeps every other file's.
    File(fn(&Ctx, FileId, &Document, &mut Vec<Finding>)),
    /// Over the teams' dependency graph: the findings depend only on which
    /// team depends on which (the names written and what they resolve to),
    /// on the declared ids, and on places in `depends_on` blocks and team
    /// declarations; and only on the teams in a cycle of it (a component
    /// of two teams or more, or one that depends on itself): an edit that
    /// changes no cycle and no team in one keeps them, moved
    /// (`Dependencies::cycles_kept_from`). The graph is given (kept
    /// between analyses).
    Dependencies(fn(&Ctx, &dependencies::Dependencies, &mut Vec<Finding>)),
    /// For one top-level block of a file: the findings depend on that
    /// block's syntax (and the file's text around it) alone.
    Block(fn(&Ctx, FileId, &crate::syntax::Block, &mut Vec<Finding>)),
    /// For one entity of the model: the findings depend on that entity, on
    /// the entities at most [`ENTITY_REACH`] references away from it (either
    /// way), on the configuration, on which ids are declared, on the other
    /// declarations of its own id, on the workspace's [`Facts`], and on
    /// nothing else.
    Entity(fn(&Ctx, EntityId, &mut Vec<Finding>)),
}

/// How far (in references, followed either way) an [`Check::Entity`] rule
/// may look from its entity.
pub const ENTITY_REACH: usize = 2;

/// Runs one rule over the whole workspace.
pub fn run_rule(ctx: &Ctx, rule: &Rule, out: &mut Vec<Finding>) {
    match rule.check {
        Check::Global(check) => check(ctx, out),
        Check::File(check) => {
            for (file, doc, _) in ctx.docs {
                check(ctx, *file, doc, out);
            }
        }
        Check::Dependencies(check) => check(ctx, &dependencies::Dependencies::of(ctx.model), out),
        Check::Block(check) => {
            for (file, doc, _) in ctx.docs {
                for block in &doc.blocks {
                    check(ctx, *file, block, out);
                }
            }
        }
        Check::Entity(check) => {
            for e in ctx.model.entities() {
                check(ctx, e, out);
            }
        }
    }
}

/// Gives findings the severity the configuration sets for their rule, or
/// drops them all if it turns the rule off (`false`).
pub(crate) fn apply_level(config: &Config, rule: &Rule, findings: &mut [Finding]) -> bool {
    match config.rules.get(rule.name).copied() {
        Some(Level::Off) => false,
        Some(Level::On(s)) => {
            for f in findings {
                f.severity = s;
            }
            true
        }
        None => true,
    }
}

/// The order of findings: by file, place, rule and message.
pub fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    let key = |f: &Finding| (f.loc.file, f.loc.range.start(), f.loc.range.end(), f.rule);
    key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
}

/// Sorts findings by [`finding_order`] and drops repeats.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(finding_order);
    findings.dedup();
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A text edit: replace `loc.range` of `loc.file` with `new_text`.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub loc: Loc,
    pub new_text: String,
}

/// A fix's edits: most fixes make one, kept inline in the fix, so that a
/// keystroke shifting the findings after it reads one heap block less for
/// each fix (BENCHMARKS.md, "8 Dec (thirty-sixth session)").
pub type Edits = smallvec::SmallVec<[Edit; 1]>;

/// A quick fix a finding offers.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub title: String,
    pub edits: Edits,
    /// The fix the user most likely wants.
    pub preferred: bool,
}

/// Another place involved in a finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub loc: Loc,
    pub message: std::sync::Arc<str>,
}

/// One thing a rule found.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub loc: Loc,
    /// Shared: a publication keeps the messages it wrote and knows an
    /// unchanged one by its address (`orgplan-lsp`'s `memo.rs`).
    pub message: std::sync::Arc<str>,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

impl Finding {
    pub fn new(rule: &'static Rule, loc: Loc, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.name,
            severity: rule.default_severity,
            loc,
            message: message.into().into(),
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    /// Adds a related place; past [`MAX_RELATED`], adds nothing (a finding
    /// about an id declared 20,000 times must not carry 20,000 places).
    pub fn related(mut self, loc: Loc, message: impl Into<String>) -> Finding {
        if self.related.len() >= MAX_RELATED {
            return self;
        }
        self.related.push(Related {
            loc,
            message: message.into().into(),
        });
        self
    }

    pub fn fix(mut self, fix: Fix) -> Finding {
        self.fixes.push(fix);
        self
    }

    pub fn severity(mut self, s: Severity) -> Finding {
        self.severity = s;
        self
    }

    pub fn rule(&self) -> &'static Rule {
        by_name(self.rule).expect("findings carry registered rule names")
    }
}

/// What a rule sees.
pub struct Ctx<'a> {
    pub model: &'a Model,
    pub config: &'a Config,
    /// Every plan file, in the workspace's order.
    pub docs: &'a [(FileId, &'a Document, &'a crate::Text)],
    /// In an incremental analysis, the edited file's top-level blocks
    /// from which one on are how many bytes before their places (`(file,
    /// index, delta)`): its document is read before they move (see
    /// `chunks::Lazy`). What a rule reads of the syntax tree there, it
    /// reads through [`syntax_block`].
    pub lag: Option<(FileId, usize, isize)>,
    /// The configuration file's problems, if any: (file, errors).
    pub config_errors: Option<(FileId, &'a [crate::config::ConfigError])>,
    /// Suggestions remembered from earlier analyses of the same ids, if any.
    pub memo: Option<&'a crate::suggest::Memo>,
    /// The workspace's [`Facts`]: computed on first use unless given.
    pub facts: std::sync::OnceLock<std::sync::Arc<Facts>>,
}

/// What some entity rules read of the whole workspace besides their entity
/// and its neighbours: each is one small value, computed once per analysis.
/// The incremental analysis keeps the last ones and, when one changes,
/// re-checks the entities that read it (`crate::incremental`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    /// The first leader (in the workspace's order) who leads nothing: the
    /// leader `initiative-without-leader` offers.
    pub free_leader: Option<crate::syntax::CompactString>,
    /// The ids that `teams:` entries naming nothing most likely mean
    /// (their did-you-mean suggestions), sorted: teams `orphan-team`
    /// spares, as `undefined-reference`'s fix lists them.
    pub meant: Vec<crate::syntax::CompactString>,
}

impl Facts {
    /// The facts of the workspace `ctx` sees (its own facts unread).
    pub fn of(ctx: &Ctx) -> Facts {
        Facts::with(ctx.model, &meant::Meant::of(ctx))
    }

    /// The facts of `m`, whose `teams:` entries naming nothing mean what
    /// `meant` says.
    pub(crate) fn with(m: &crate::model::Model, meant: &meant::Meant) -> Facts {
        Facts {
            free_leader: Self::free_leader_of(m),
            meant: meant.ids(),
        }
    }

    fn free_leader_of(m: &crate::model::Model) -> Option<crate::syntax::CompactString> {
        (0..m.leaders.len())
            .find(|&l| m.led_by(l).is_empty())
            .map(|l| m.leaders[l].decl.id.clone())
    }

    /// The facts of `m` when its ids, and the names that initiatives' teams
    /// entries give, are those `old` was found with: `old`'s `meant`, the
    /// free leader found again (the leaders an edit links may change it).
    pub(crate) fn kept(
        m: &crate::model::Model,
        old: &std::sync::Arc<Facts>,
    ) -> std::sync::Arc<Facts> {
        let free_leader = Self::free_leader_of(m);
        if free_leader == old.free_leader {
            return old.clone();
        }
        std::sync::Arc::new(Facts {
            free_leader,
            meant: old.meant.clone(),
        })
    }
}

impl Ctx<'_> {
    /// The workspace's [`Facts`].
    pub fn facts(&self) -> &Facts {
        self.shared_facts()
    }

    /// The workspace's [`Facts`], to keep.
    pub(crate) fn shared_facts(&self) -> &std::sync::Arc<Facts> {
        self.facts
            .get_or_init(|| std::sync::Arc::new(Facts::of(self)))
    }

    pub fn text(&self, file: FileId) -> &crate::Text {
        static EMPTY: std::sync::OnceLock<crate::Text> = std::sync::OnceLock::new();
        self.docs
            .iter()
            .find(|(f, _, _)| *f == file)
            .map_or_else(|| EMPTY.get_or_init(Default::default), |(_, _, t)| t)
    }
}

/// Runs every rule and applies the configured levels.
pub fn run(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in ALL {
        let start = out.len();
        run_rule(ctx, rule, &mut out);
        if !apply_level(ctx.config, rule, &mut out[start..]) {
            out.truncate(start);
        }
    }
    sort_findings(&mut out);
    out
}

/// Calls `f` on every block whose kind is valid where it stands (top-level
/// kinds at the top, allowed child kinds inside their parents).
pub(crate) fn blocks_with_kind(
    file: FileId,
    top: &crate::syntax::Block,
    mut f: impl FnMut(FileId, &crate::syntax::Block, crate::schema::BlockKind),
) {
    use crate::schema::BlockKind;
    {
        let mut stack: Vec<(&crate::syntax::Block, Option<BlockKind>)> = vec![(top, None)];
        while let Some((block, parent)) = stack.pop() {
            let Some(kind) = BlockKind::from_keyword(&block.kind.text) else {
                continue;
            };
            let allowed = match parent {
                None => kind.spec().top_level,
                Some(p) => p.spec().children.contains(&kind),
            };
            if !allowed {
                continue;
            }
            f(file, block, kind);
            stack.extend(block.children.iter().rev().map(|c| (c, Some(kind))));
        }
    }
}

/// The most related places a finding carries.
pub const MAX_RELATED: usize = 20;

/// The most items [`and_list`] names; the rest are counted.
pub(crate) const MAX_LISTED: usize = 8;

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[String]) -> String {
    and_list_of(items, items.len())
}

/// Like [`and_list`], for the first of `total` items (at least
/// [`MAX_LISTED`] of them, or all).
pub(crate) fn and_list_of(items: &[String], total: usize) -> String {
    if total > MAX_LISTED {
        return format!(
            "{} and {} more",
            items[..MAX_LISTED.min(items.len())].join(", "),
            total - MAX_LISTED.min(items.len())
        );
    }
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// An initiative's id for a list in a message, saying whether it is
/// critical: `` `fba` (critical) ``.
pub(crate) fn initiative_name(m: &crate::model::Model, i: usize) -> String {
    let init = &m.initiatives[i];
    if init.critical {
        format!("`{}` (critical)", init.decl.id)
    } else {
        format!("`{}`", init.decl.id)
    }
}

/// The initiatives of `inits` that are not a later declaration of an id
/// declared before (`duplicate-definition`'s: merged, it would not be a
/// second initiative), if there are two or more.
pub(crate) fn several_initiatives(
    m: &crate::model::Model,
    inits: crate::model::Listed<'_, u32>,
) -> Option<Vec<usize>> {
    if inits.len() < 2 {
        return None;
    }
    let live: Vec<usize> = inits
        .filter(|&i| !m.is_shadowed(EntityId::Initiative(i)))
        .collect();
    (live.len() >= 2).then_some(live)
}

/// The initiatives of `inits` but `i`, for a message: critical ones marked,
/// at most [`MAX_LISTED`] named and the rest counted.
pub(crate) fn other_initiatives(m: &crate::model::Model, inits: &[usize], i: usize) -> String {
    let others: Vec<String> = inits
        .iter()
        .filter(|&&j| j != i)
        .take(MAX_LISTED)
        .map(|&j| initiative_name(m, j))
        .collect();
    and_list_of(&others, inits.len() - 1)
}

/// A fix that sets `line` (`key: value`) in a declaration's body: at the
/// top of it, or in place of the key where the block writes it already
/// (a blank or unread value, `functional: false`), so that the key is not
/// then given twice. None for a bodiless block.
pub(crate) fn add_to_body(
    ctx: &Ctx,
    decl: &crate::model::Decl,
    line: &str,
    title: String,
    preferred: bool,
) -> Option<Fix> {
    let body = decl.body?;
    let edit = written_in(ctx, decl.block, line).unwrap_or_else(|| {
        let (at, indent) = body_insert(ctx.text(decl.file()), decl.block.range.start(), body);
        Edit {
            loc: Loc::new(decl.file(), crate::text::TextRange::empty(at)),
            new_text: format!("\n{indent}{line}"),
        }
    });
    Some(Fix {
        title,
        edits: smallvec::smallvec![edit],
        preferred,
    })
}

/// The edit that writes `line` (`key: value`) over the key's first
/// property in the block at `block`, if the block has one.
pub(crate) fn written_in(ctx: &Ctx, block: Loc, line: &str) -> Option<Edit> {
    let key = line.split(':').next()?.trim();
    let (b, delta) = syntax_block(ctx, block)?;
    let p = b.property(key)?;
    Some(Edit {
        loc: Loc::new(block.file, p.range.shifted(delta)),
        new_text: line.to_string(),
    })
}

/// The block of the syntax tree whose whole is `block` (at any depth), and
/// how far its places are before where they are now ([`Ctx::lag`]: add
/// the delta to a place read in it).
pub(crate) fn syntax_block<'a>(
    ctx: &Ctx<'a>,
    block: Loc,
) -> Option<(&'a crate::syntax::Block, isize)> {
    type Blocks = [crate::syntax::Block];
    let (_, doc, _) = ctx.docs.iter().find(|(f, _, _)| *f == block.file)?;
    // The top-level blocks before the lag are in place; those from it on
    // are `delta` before theirs, and so is everything in them.
    let (from, delta) = match ctx.lag {
        Some((file, from, delta)) if file == block.file => (from.min(doc.blocks.len()), delta),
        _ => (doc.blocks.len(), 0),
    };
    let holding = |level: &'a Blocks, d: isize| {
        let i = level.partition_point(|b| b.range.shifted(d).end() < block.range.end());
        level
            .get(i)
            .filter(|b| b.range.shifted(d).contains_range(block.range))
    };
    let (before, after) = doc.blocks.split_at(from);
    let (mut b, d) = match holding(before, 0) {
        Some(b) => (b, 0),
        None => (holding(after, delta)?, delta),
    };
    while b.range.shifted(d) != block.range {
        b = holding(&b.children, d)?;
    }
    Some((b, d))
}

/// A fix that removes the property `p` of `file`: its whole line when
/// nothing else is written on it.
pub(crate) fn remove_property(
    text: &crate::Text,
    file: FileId,
    p: &crate::syntax::Property,
) -> Fix {
    let line = text.line_of(p.range.start());
    let start = text.line_start(line).unwrap_or(0);
    let end = text
        .line_start(text.line_of(p.range.end()) + 1)
        .unwrap_or(text.len());
    let only_on_line = text.slice(start..p.range.start()).trim().is_empty()
        && text.slice(p.range.end()..end).trim().is_empty();
    let range = if only_on_line {
        crate::text::TextRange::new(start, end)
    } else {
        p.range
    };
    Fix {
        title: format!("Remove this `{}`", p.key.text),
        edits: smallvec::smallvec![Edit {
            loc: Loc::new(file, range),
            new_text: String::new(),
        }],
        preferred: false,
    }
}

impl Fix {
    /// The preferred fix that replaces `loc` with `text` ("Change to …").
    pub fn replace(loc: Loc, text: &str) -> Fix {
        Fix {
            title: format!("Change to `{text}`"),
            edits: smallvec::smallvec![Edit {
                loc,
                new_text: text.to_string(),
            }],
            preferred: true,
        }
    }
}

/// Where to insert a new line inside a block body: after the `{`, with the
/// indentation of the body's first property (or two spaces more than the block).
pub(crate) fn body_insert(
    text: &crate::Text,
    block_start: usize,
    body: crate::text::TextRange,
) -> (usize, String) {
    let block_indent = text.indent_before(block_start);
    (body.start() + 1, format!("{block_indent}  "))
}

impl crate::model::Shiftable for Finding {
    /// Only a place in the edited file at or after the end of the replaced
    /// text moves ([`crate::text::Shift::range`]).
    fn moved_by(&self, s: &crate::text::Shift) -> bool {
        self.any_loc(|l| l.file == s.file && l.range.end() >= s.old_end)
    }
    fn shift(&mut self, s: &crate::text::Shift) {
        s.loc(&mut self.loc);
        for r in &mut self.related {
            s.loc(&mut r.loc);
        }
        for f in &mut self.fixes {
            for e in &mut f.edits {
                s.loc(&mut e.loc);
            }
        }
    }
}

impl Finding {
    /// Every place the finding names: where it is, its related places, and
    /// those its fixes edit.
    pub fn locs(&self) -> impl Iterator<Item = &Loc> + '_ {
        std::iter::once(&self.loc)
            .chain(self.related.iter().map(|r| &r.loc))
            .chain(
                self.fixes
                    .iter()
                    .flat_map(|f| f.edits.iter().map(|e| &e.loc)),
            )
    }

    /// Whether any of [`Finding::locs`] is one `pred` accepts: the same
    /// walk in plain loops. The chained iterator's `any` took 6.5% of a
    /// keystroke's samples in a ten-file workspace, most of them on the
    /// findings of other files that name a place in the edited one
    /// (BENCHMARKS.md, "7 Dec (thirty-fourth session)").
    #[inline]
    pub fn any_loc(&self, mut pred: impl FnMut(&Loc) -> bool) -> bool {
        if pred(&self.loc) {
            return true;
        }
        for r in &self.related {
            if pred(&r.loc) {
                return true;
            }
        }
        for f in &self.fixes {
            for e in &f.edits {
                if pred(&e.loc) {
                    return true;
                }
            }
        }
        false
    }
}
