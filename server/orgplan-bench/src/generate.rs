//! A generator of realistic, enterprise-size org plans, deterministic from a
//! seed.
//!
//! A plan is a sequence of *divisions* (a VP, functional managers and a few
//! functional teams) and *units* (one leader, one initiative with 3–8 teams,
//! and those teams with their roles and dependencies). A few percent of the
//! units break each rule, the way a real plan in progress does: a typo in a
//! key or a reference, a part-time leader, a team on two initiatives, a
//! dependency without a plan, a cycle, a stray syntax error …
//!
//! The same options always give the same text: the random numbers come from
//! a small SplitMix64 generator defined here, not from a crate whose output
//! could change between versions.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// About how many lines in all (the plan stops at the first unit past it).
    pub lines: usize,
    /// How many files to split the plan into (at least one).
    pub files: usize,
    pub seed: u64,
    /// Whether the few syntax errors of a realistic plan are left in (with
    /// none, the same plan is otherwise identical).
    pub syntax_errors: bool,
    /// How many violations, relative to the realistic default (1.0): each
    /// rule's rate is multiplied by it; 0 gives a plan with none (but the
    /// syntax errors, if kept).
    pub violations: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lines: 100_000,
            files: 1,
            seed: 7,
            syntax_errors: true,
            violations: 1.0,
        }
    }
}

/// A generated plan: file names (relative, `*.orgplan`) and their text.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub files: Vec<(String, String)>,
    /// How many teams, initiatives and leaders it declares (duplicates counted).
    pub teams: usize,
    pub initiatives: usize,
    pub leaders: usize,
}

impl Plan {
    pub fn lines(&self) -> usize {
        self.files.iter().map(|(_, t)| t.lines().count()).sum()
    }

    pub fn bytes(&self) -> usize {
        self.files.iter().map(|(_, t)| t.len()).sum()
    }

    /// Writes the files into `dir` (created if needed).
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (name, text) in &self.files {
            std::fs::write(dir.join(name), text)?;
        }
        Ok(())
    }

    /// A plan read from disk instead of generated: the file `path`, or the
    /// `.orgplan` files under the folder `path` in name order (the first is
    /// the one a benchmark types into). Its counts are of the lines that
    /// declare a team, an initiative or a leader.
    pub fn read(path: &Path) -> Result<Plan, String> {
        let mut names = Vec::new();
        if path.is_dir() {
            collect_plan_files(path, path, &mut names)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            names.sort();
        } else {
            let name = path.file_name().ok_or("the plan path names no file")?;
            names.push(PathBuf::from(name));
        }
        let dir = if path.is_dir() {
            path
        } else {
            path.parent().unwrap_or(Path::new("."))
        };
        let mut plan = Plan {
            files: Vec::new(),
            teams: 0,
            initiatives: 0,
            leaders: 0,
        };
        for name in names {
            let text = std::fs::read_to_string(dir.join(&name))
                .map_err(|e| format!("cannot read {}: {e}", dir.join(&name).display()))?;
            for line in text.lines() {
                let kind = line.split_whitespace().next();
                plan.teams += usize::from(kind == Some("team"));
                plan.initiatives += usize::from(kind == Some("initiative"));
                plan.leaders += usize::from(kind == Some("leader"));
            }
            plan.files.push((name.to_string_lossy().into_owned(), text));
        }
        if plan.files.is_empty() {
            return Err(format!("no .orgplan file under {}", path.display()));
        }
        Ok(plan)
    }
}

/// The `.orgplan` files under `dir`, relative to `root`.
fn collect_plan_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_plan_files(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "orgplan") {
            out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

/// SplitMix64: small, fast, and fixed forever.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_5EED)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `pct` percent (fractions allowed).
    pub fn pct(&mut self, pct: f64) -> bool {
        (self.next_u64() % 100_000) as f64 / 1000.0 < pct
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "jane", "raj", "kim", "ana", "li", "omar", "sofia", "chen", "maria", "ivan", "noor", "tom",
    "yuki", "pablo", "amara", "lars", "fatima", "diego", "mei", "sam", "olga", "kofi", "ines",
    "arjun", "lena", "hugo", "zara", "felix", "aiko", "bruno",
];
const LAST: &[&str] = &[
    "doe", "patel", "lee", "lima", "wang", "haddad", "rossi", "zhang", "garcia", "petrov", "khan",
    "smith", "sato", "ruiz", "okafor", "berg", "ali", "costa", "lin", "young", "novak", "mensah",
    "silva", "rao", "fischer", "moreau", "ahmed", "weber", "tanaka", "santos",
];
const DOMAINS: &[&str] = &[
    "billing",
    "payments",
    "search",
    "ads",
    "catalog",
    "checkout",
    "fulfilment",
    "inbound",
    "returns",
    "pricing",
    "reviews",
    "identity",
    "ledger",
    "shipping",
    "inventory",
    "recommendations",
    "devices",
    "music",
    "video",
    "grocery",
    "pharmacy",
    "travel",
    "lending",
    "insurance",
    "marketplace",
    "seller",
    "logistics",
    "warehouse",
    "support",
    "messaging",
    "notifications",
    "analytics",
    "fraud",
    "tax",
    "compliance",
    "onboarding",
    "loyalty",
    "subscriptions",
    "gift-cards",
    "wallet",
];
const ADJ: &[&str] = &[
    "global",
    "instant",
    "smart",
    "next",
    "unified",
    "self-serve",
    "trusted",
    "fast",
    "open",
    "mobile",
    "green",
    "one-click",
    "realtime",
    "cross-border",
    "zero-touch",
];
const TEAM_NOUNS: &[&str] = &[
    "api",
    "web",
    "mobile",
    "platform",
    "data",
    "ml",
    "infra",
    "core",
    "ui",
    "events",
    "storage",
    "growth",
    "quality",
    "edge",
    "sync",
    "ingest",
    "reporting",
    "console",
    "partners",
    "experiments",
];
const METRICS: &[&str] = &[
    "Weekly active users",
    "Conversion rate",
    "p99 latency",
    "Defect rate",
    "Cost per order",
    "Net promoter score",
    "Revenue per visit",
    "Time to resolve",
    "Units per day",
    "Availability",
    "Adoption",
    "Churn",
];
const SCOPE_VERBS: &[&str] = &[
    "Everything about",
    "End-to-end",
    "The customer side of",
    "Back office for",
    "APIs and tools for",
];
const PLANS: &[&str] = &[
    "Adopt the events API by 2027-Q2",
    "Move the shared schema into our service",
    "Read from the replica instead of calling them",
    "Replace the call with a nightly export",
    "Take over the widget and its on-call",
    "Self-serve configuration by end of year",
];
const FUNCTIONS: &[(&str, &str)] = &[
    ("legal", "Legal"),
    ("finance", "Finance"),
    ("sales", "Sales"),
    ("hr", "People"),
];
const ROLES: &[&str] = &["engineering", "qa", "design", "product"];
const EXTRA_ROLES: &[&str] = &["data", "operations", "security", "research"];

/// Percent of units (or teams, or dependencies) that break each rule.
mod rate {
    pub const SYNTAX_ERROR: f64 = 0.3;
    pub const UNKNOWN_BLOCK: f64 = 0.3;
    pub const UNKNOWN_PROPERTY: f64 = 1.5;
    pub const DUPLICATE_PROPERTY: f64 = 0.5;
    pub const INVALID_VALUE: f64 = 1.0;
    pub const UNDEFINED_REFERENCE: f64 = 1.5;
    pub const DUPLICATE_DEFINITION: f64 = 0.5;
    pub const NO_LEADER: f64 = 2.0;
    pub const SHARED_LEADER: f64 = 2.0;
    pub const PART_TIME: f64 = 3.0;
    pub const SHARED_TEAM: f64 = 2.0;
    pub const ORPHAN_TEAM: f64 = 3.0;
    pub const INCOMPLETE_TEAM: f64 = 4.0;
    pub const NO_OWNER: f64 = 2.0;
    pub const FOREIGN_OWNER: f64 = 1.0;
    pub const NO_PLAN: f64 = 3.0;
    pub const CYCLE: f64 = 1.5;
    pub const MANY_DEPS: f64 = 1.5;
    pub const CROSS_DEP: f64 = 4.0;
    pub const WRONG_REPORTING: f64 = 2.0;
    pub const LEADERSHIP_MISMATCH: f64 = 10.0;
    pub const LAYERED_APPROVALS: f64 = 2.0;
    pub const EXTERNAL_APPROVAL: f64 = 2.0;
    pub const NO_METRICS: f64 = 2.0;
    pub const NO_SCOPE: f64 = 2.0;
}

struct Division {
    vp: String,
    /// Functional managers: the reporting lines of `leadership` initiatives.
    managers: Vec<String>,
    functional_teams: Vec<String>,
}

/// What the parts of one unit share.
struct Unit<'a> {
    d: &'a Division,
    opts: &'a Options,
    domain: &'static str,
    /// The unit's director, the leader of its initiative.
    lead: String,
    /// How many teams earlier units declared.
    earlier_teams: usize,
    team_ids: Vec<String>,
    /// Whether the initiative follows the ownership model (else leadership).
    ownership: bool,
}

struct Gen {
    rng: Rng,
    /// Teams and leaders declared so far, for references across units.
    all_teams: Vec<String>,
    initiative_leaders: Vec<String>,
    teams: usize,
    initiatives: usize,
    leaders: usize,
}

/// Generates a plan.
pub fn generate(opts: &Options) -> Plan {
    let mut g = Gen {
        rng: Rng::new(opts.seed),
        all_teams: Vec::new(),
        initiative_leaders: Vec::new(),
        teams: 0,
        initiatives: 0,
        leaders: 0,
    };
    let (chunks, total) = g.chunks(opts);
    Plan {
        files: split_into_files(chunks, total, opts),
        teams: g.teams,
        initiatives: g.initiatives,
        leaders: g.leaders,
    }
}

/// The first line of each file.
fn file_header(opts: &Options, part: usize) -> String {
    format!(
        "# Generated org plan (seed {}), part {part} of {}\n",
        opts.seed,
        opts.files.max(1)
    )
}

/// Contiguous slices of `chunks` of about equal line counts, one per file
/// (`total` lines in all), each under a header; files left without a chunk
/// hold the header alone.
fn split_into_files(
    chunks: Vec<(String, usize)>,
    total: usize,
    opts: &Options,
) -> Vec<(String, String)> {
    let files = opts.files.max(1);
    let per_file = total.div_ceil(files);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current = String::new();
    let mut current_lines = 0;
    let name = |i: usize| {
        if files == 1 {
            "plan.orgplan".to_string()
        } else {
            format!("plan-{i:03}.orgplan")
        }
    };
    for (text, n) in chunks {
        if current.is_empty() {
            let _ = writeln!(current, "{}", file_header(opts, out.len() + 1));
            current_lines = 2;
        }
        current.push_str(&text);
        current_lines += n;
        if current_lines >= per_file && out.len() + 1 < files {
            out.push((name(out.len()), std::mem::take(&mut current)));
        }
    }
    if !current.is_empty() || out.is_empty() {
        out.push((name(out.len()), current));
    }
    while out.len() < files {
        let i = out.len();
        out.push((name(i), file_header(opts, i + 1)));
    }
    out
}

impl Gen {
    /// Chunks of text (a division's head or one unit) with their line
    /// counts, until there are `lines` lines in all; and that count.
    fn chunks(&mut self, opts: &Options) -> (Vec<(String, usize)>, usize) {
        let mut chunks: Vec<(String, usize)> = Vec::new();
        let mut total = 0;
        let mut unit = 0;
        let mut division: Option<Division> = None;
        let mut units_left_in_division = 0;
        while total < opts.lines.max(1) {
            if units_left_in_division == 0 {
                let (text, d) = self.division(chunks.len());
                let n = text.lines().count();
                total += n;
                chunks.push((text, n));
                division = Some(d);
                units_left_in_division = self.rng.range(6, 14);
                continue;
            }
            let d = division
                .as_ref()
                .expect("a division is started before its units");
            let text = self.unit(unit, d, opts);
            let n = text.lines().count();
            total += n;
            chunks.push((text, n));
            unit += 1;
            units_left_in_division -= 1;
        }
        (chunks, total)
    }

    fn person(&mut self) -> (String, String) {
        let f = self.rng.pick(FIRST);
        let l = self.rng.pick(LAST);
        (
            format!("{f}-{l}"),
            format!("{} {}", capitalise(f), capitalise(l)),
        )
    }

    fn division(&mut self, n: usize) -> (String, Division) {
        let mut s = String::new();
        let domain = self.rng.pick(DOMAINS);
        let (vp_id, vp_name) = self.person();
        let vp = format!("vp-{vp_id}-{n}");
        let _ = writeln!(s, "# ---- {} division ----\n", capitalise(domain));
        let _ = writeln!(
            s,
            "leader {vp} \"{vp_name}\" {{\n  title: \"VP, {}\"\n}}\n",
            capitalise(domain)
        );
        self.leaders += 1;
        let mut managers = Vec::new();
        for role in ["eng", "design", "product"] {
            let (id, name) = self.person();
            let m = format!("{role}-{id}-{n}");
            let _ = writeln!(
                s,
                "leader {m} \"{name}\" {{\n  title: \"Head of {role}, {}\"\n  reports_to: {vp}\n}}\n",
                capitalise(domain)
            );
            self.leaders += 1;
            managers.push(m);
        }
        let mut functional_teams = Vec::new();
        for (id, title) in FUNCTIONS.iter().take(self.rng.range(1, 3)) {
            let t = format!("{id}-{n}");
            let _ = writeln!(
                s,
                "team {t} \"{title}\" {{\n  functional: true\n  reports_to: {vp}\n}}\n"
            );
            self.teams += 1;
            self.all_teams.push(t.clone());
            functional_teams.push(t);
        }
        (
            s,
            Division {
                vp,
                managers,
                functional_teams,
            },
        )
    }

    /// One unit: its director (a leader), the initiative they lead and its
    /// teams, with the violations the rates in [`rate`] ask for.
    fn unit(&mut self, k: usize, d: &Division, opts: &Options) -> String {
        let mut s = String::new();
        let r = &mut self.rng;
        let domain = r.pick(DOMAINS);
        let adj = r.pick(ADJ);
        let init_id = format!("{adj}-{domain}-{k}");
        let init_title = format!("{} {}", capitalise(adj), capitalise(domain));
        let (pid, pname) = self.person();
        let mut u = Unit {
            d,
            opts,
            domain,
            lead: format!("{pid}-{k}"),
            earlier_teams: self.all_teams.len(),
            team_ids: Vec::new(),
            ownership: false,
        };
        self.unit_leader(&mut s, &u, &pname, &init_title);
        (u.team_ids, u.ownership) = self.unit_team_ids(k, domain);
        self.unit_initiative(&mut s, &u, &init_id, &init_title);
        self.unit_teams(&mut s, &u);
        self.duplicate_team(&mut s, &u);
        self.all_teams.extend(u.team_ids);
        s
    }

    /// The unit's director.
    fn unit_leader(&mut self, s: &mut String, u: &Unit, pname: &str, init_title: &str) {
        let (r, opts, lead, domain) = (&mut self.rng, u.opts, &u.lead, u.domain);
        let title_key = if r.pct(rate::UNKNOWN_PROPERTY / 3.0 * opts.violations) {
            "titel"
        } else {
            "title"
        };
        let _ = writeln!(s, "leader {lead} \"{pname}\" {{");
        if r.pct(rate::SYNTAX_ERROR) && opts.syntax_errors {
            let _ = writeln!(s, "  {title_key}: \"Director\" \"{}\"", capitalise(domain));
        } else {
            let _ = writeln!(s, "  {title_key}: \"Director, {init_title}\"");
        }
        if r.pct(rate::PART_TIME * opts.violations) {
            let _ = writeln!(s, "  allocation: {}%", r.pick(&["25", "50", "60", "80"]));
        } else if r.pct(5.0) {
            let _ = writeln!(s, "  allocation: 100%");
        }
        let _ = writeln!(s, "  reports_to: {}", u.d.vp);
        s.push_str("}\n\n");
        self.leaders += 1;
    }

    /// The teams' ids, decided before the initiative names them, and whether
    /// the initiative follows the ownership model.
    fn unit_team_ids(&mut self, k: usize, domain: &str) -> (Vec<String>, bool) {
        let r = &mut self.rng;
        let n_teams = r.range(3, 8);
        let mut nouns: Vec<&str> = TEAM_NOUNS.to_vec();
        let mut team_ids = Vec::new();
        for _ in 0..n_teams {
            let noun = nouns.swap_remove(r.below(nouns.len()));
            team_ids.push(format!("{domain}-{k}-{noun}"));
        }
        let ownership = !r.pct(30.0);
        (team_ids, ownership)
    }

    /// The initiative: its leader, model, scope, metrics, teams and approvals.
    fn unit_initiative(&mut self, s: &mut String, u: &Unit, init_id: &str, init_title: &str) {
        let opts = u.opts;
        let r = &mut self.rng;
        let _ = writeln!(s, "initiative {init_id} \"{init_title}\" {{");
        let leader_of = if r.pct(rate::NO_LEADER * opts.violations) {
            None
        } else if r.pct(rate::SHARED_LEADER * opts.violations)
            && !self.initiative_leaders.is_empty()
        {
            let i = r.below(self.initiative_leaders.len());
            Some(self.initiative_leaders[i].clone())
        } else {
            Some(u.lead.clone())
        };
        if let Some(l) = &leader_of {
            let _ = writeln!(s, "  leader: {l}");
        }
        let model = if r.pct(rate::INVALID_VALUE * opts.violations) {
            "owner"
        } else if u.ownership {
            "ownership"
        } else {
            "leadership"
        };
        let _ = writeln!(s, "  model: {model}");
        if r.pct(20.0) {
            let _ = writeln!(s, "  critical: true");
        }
        self.scope_and_metrics(s, u);
        let _ = writeln!(s, "  teams: {}", self.listed_teams(u).join(", "));
        let r = &mut self.rng;
        if r.pct(rate::LAYERED_APPROVALS * opts.violations) {
            let _ = writeln!(s, "  approvals: {}, {}", u.lead, u.d.vp);
        } else if r.pct(rate::EXTERNAL_APPROVAL * opts.violations) {
            let _ = writeln!(s, "  approvals: {}", u.d.functional_teams[0]);
        } else if r.pct(50.0) {
            let _ = writeln!(s, "  approvals: {}", u.lead);
        }
        s.push_str("}\n\n");
        self.initiatives += 1;
        self.initiative_leaders.push(u.lead.clone());
    }

    /// The initiative's scope and metrics (each sometimes missing) and,
    /// sometimes, a property given twice.
    fn scope_and_metrics(&mut self, s: &mut String, u: &Unit) {
        let (r, v) = (&mut self.rng, u.opts.violations);
        if !r.pct(rate::NO_SCOPE * v) {
            let _ = writeln!(
                s,
                "  scope: \"{} {} for {}\"",
                r.pick(SCOPE_VERBS),
                u.domain,
                r.pick(&["sellers", "buyers", "partners", "drivers", "internal teams"])
            );
        }
        if !r.pct(rate::NO_METRICS * v) {
            let a = r.pick(METRICS);
            let b = r.pick(METRICS);
            if a == b {
                let _ = writeln!(s, "  metrics: \"{a}\"");
            } else {
                let _ = writeln!(s, "  metrics: \"{a}\", \"{b}\"");
            }
        }
        if r.pct(rate::DUPLICATE_PROPERTY * v) {
            let _ = writeln!(s, "  critical: false");
            let _ = writeln!(s, "  critical: true");
        }
    }

    /// The initiative's `teams:` list: its own teams, but sometimes one left
    /// out (an orphan), one of another initiative (shared) or one misspelt.
    fn listed_teams(&mut self, u: &Unit) -> Vec<String> {
        let (r, v) = (&mut self.rng, u.opts.violations);
        let mut listed: Vec<String> = u.team_ids.clone();
        if r.pct(rate::ORPHAN_TEAM * v) {
            listed.pop();
        }
        if r.pct(rate::SHARED_TEAM * v) && !self.all_teams.is_empty() {
            let i = r.below(self.all_teams.len());
            listed.push(self.all_teams[i].clone());
        }
        if r.pct(rate::UNDEFINED_REFERENCE * v) {
            let i = r.below(listed.len());
            listed[i].push('x');
        }
        listed
    }

    /// The unit's teams.
    fn unit_teams(&mut self, s: &mut String, u: &Unit) {
        let r = &mut self.rng;
        let v = u.opts.violations;
        let all_report_to_leader = !u.ownership && r.pct(rate::LEADERSHIP_MISMATCH * v);
        let cycle = u.team_ids.len() >= 2 && r.pct(rate::CYCLE * v);
        for (i, t) in u.team_ids.iter().enumerate() {
            self.team(s, u, t, all_report_to_leader);
            let targets = self.dependency_targets(u, i, t, cycle);
            for target in targets {
                self.depends_on(s, u, t, &target);
            }
            s.push_str("}\n\n");
            self.teams += 1;
        }
    }

    /// A team's head: whom it reports to, its roles and size (its
    /// dependencies and closing brace follow).
    fn team(&mut self, s: &mut String, u: &Unit, t: &str, all_report_to_leader: bool) {
        let (r, v, d) = (&mut self.rng, u.opts.violations, u.d);
        let noun = t.rsplit('-').next().unwrap_or("team");
        let kind = if r.pct(rate::UNKNOWN_BLOCK / u.team_ids.len() as f64) {
            "tem"
        } else {
            "team"
        };
        let _ = writeln!(
            s,
            "{kind} {t} \"{} {}\" {{",
            capitalise(u.domain),
            capitalise(noun)
        );
        let reports = if u.ownership {
            if r.pct(rate::WRONG_REPORTING * v) {
                d.vp.clone()
            } else {
                u.lead.clone()
            }
        } else if all_report_to_leader {
            u.lead.clone()
        } else {
            d.managers[r.below(d.managers.len())].clone()
        };
        let key = if r.pct(rate::UNKNOWN_PROPERTY / 3.0 * v) {
            "reprots_to"
        } else {
            "reports_to"
        };
        let _ = writeln!(s, "  {key}: {reports}");
        let mut roles: Vec<&str> = ROLES.to_vec();
        if r.pct(rate::INCOMPLETE_TEAM * v) {
            roles.remove(r.range(1, 3));
        }
        if r.pct(30.0) {
            roles.push(r.pick(EXTRA_ROLES));
        }
        let _ = writeln!(s, "  roles: {}", roles.join(", "));
        if r.pct(60.0) {
            let _ = writeln!(s, "  size: {}", r.range(4, 12));
        }
        if r.pct(rate::UNKNOWN_PROPERTY / 3.0 * v) {
            let _ = writeln!(s, "  sise: {}", r.range(4, 12));
        }
    }

    /// What the `i`th team `t` depends on: mostly teams of the same
    /// initiative, only earlier ones (so that cycles come from the
    /// deliberate ones alone: the first two teams when `cycle`).
    fn dependency_targets(&mut self, u: &Unit, i: usize, t: &str, cycle: bool) -> Vec<String> {
        let (r, v) = (&mut self.rng, u.opts.violations);
        let mut targets: Vec<String> = Vec::new();
        let n_deps = if r.pct(rate::MANY_DEPS * v) {
            r.range(4, 5)
        } else {
            [0, 0, 0, 1, 1, 2][r.below(6)]
        };
        for _ in 0..n_deps {
            let target = if r.pct(rate::CROSS_DEP * v) && u.earlier_teams > 0 {
                self.all_teams[r.below(u.earlier_teams)].clone()
            } else if i > 0 {
                u.team_ids[r.below(i)].clone()
            } else {
                continue;
            };
            if target != t && !targets.contains(&target) {
                targets.push(target);
            }
        }
        if cycle && i < 2 {
            let other = u.team_ids[1 - i].clone();
            if !targets.contains(&other) {
                targets.push(other);
            }
        }
        targets
    }

    /// Team `t`'s dependency on `target`, on one line or several, its owner
    /// or plan sometimes missing, its owner sometimes the wrong team.
    fn depends_on(&mut self, s: &mut String, u: &Unit, t: &str, target: &str) {
        let (r, v) = (&mut self.rng, u.opts.violations);
        let owner = if r.pct(rate::NO_OWNER * v) {
            None
        } else if r.pct(rate::FOREIGN_OWNER * v) {
            Some(target)
        } else {
            Some(t)
        };
        let plan = (!r.pct(rate::NO_PLAN * v)).then(|| r.pick(PLANS));
        if r.pct(40.0) {
            let mut line = format!("  depends_on {target} {{");
            if let Some(o) = owner {
                let _ = write!(line, " owner: {o}");
            }
            if let Some(p) = plan {
                let _ = write!(line, " plan: \"{p}\"");
            }
            line.push_str(" }");
            let _ = writeln!(s, "{line}");
        } else {
            let _ = writeln!(s, "  depends_on {target} {{");
            if let Some(o) = owner {
                let _ = writeln!(s, "    owner: {o}");
            }
            if let Some(p) = plan {
                let _ = writeln!(s, "    plan: \"{p}\"");
            }
            s.push_str("  }\n");
        }
    }

    /// Sometimes, a team declared twice: a copy of an earlier one.
    fn duplicate_team(&mut self, s: &mut String, u: &Unit) {
        let r = &mut self.rng;
        if r.pct(rate::DUPLICATE_DEFINITION * u.opts.violations) && u.earlier_teams > 0 {
            let t = self.all_teams[r.below(u.earlier_teams)].clone();
            let _ = writeln!(
                s,
                "# TODO: merge with the other `{t}`\nteam {t} \"Copy\" {{\n  reports_to: {}\n  roles: engineering\n}}\n",
                u.lead
            );
            self.teams += 1;
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
