//! `orgplan.toml`: rule severities, the roles a team needs, thresholds.
//!
//! A bad file never stops the analysis: every problem becomes a
//! [`ConfigError`] with its byte range (so its line and column), and the
//! defaults stand for whatever could not be read.

use crate::rules::{self, Severity};
use crate::text::TextRange;
use std::collections::BTreeMap;

/// The name of the configuration file at a workspace root.
pub const FILE_NAME: &str = "orgplan.toml";

/// A rule's configured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "off" | "allow" | "none" => Level::Off,
            other => Level::On(Severity::parse(other)?),
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Levels set for rules, by rule name; rules not named keep their default.
    pub rules: BTreeMap<String, Level>,
    /// The roles every non-functional team needs.
    pub required_roles: Vec<String>,
    /// A team may depend on at most this many teams.
    pub max_dependencies: usize,
    /// Where the organisation publishes orgplan's `docs/` (rule links are
    /// made under it: [`rules::docs_link`]); none by default.
    pub docs_base_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rules: BTreeMap::new(),
            required_roles: ["engineering", "qa", "design", "product"]
                .map(String::from)
                .to_vec(),
            max_dependencies: 3,
            docs_base_url: None,
        }
    }
}

/// What one source of settings says, and nothing more: a field it does not
/// set is `None` (or absent from `rules`), so that a value written equal to
/// the default still counts. The configuration in force is the defaults
/// with the layers applied in order ([`Config::apply`]): the editor's
/// settings, then `orgplan.toml`, then the command line's `--rule`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layer {
    pub rules: BTreeMap<String, Level>,
    pub required_roles: Option<Vec<String>>,
    pub max_dependencies: Option<usize>,
    pub docs_base_url: Option<String>,
}

impl Config {
    /// Sets what `layer` sets, over what is there.
    pub fn apply(&mut self, layer: &Layer) {
        self.rules
            .extend(layer.rules.iter().map(|(k, v)| (k.clone(), *v)));
        if let Some(roles) = &layer.required_roles {
            self.required_roles = roles.clone();
        }
        if let Some(max) = layer.max_dependencies {
            self.max_dependencies = max;
        }
        if let Some(base) = &layer.docs_base_url {
            self.docs_base_url = Some(base.clone());
        }
    }

    /// The level in force for `rule`.
    pub fn level(&self, rule: &rules::Rule) -> Level {
        self.rules
            .get(rule.name)
            .copied()
            .unwrap_or(Level::On(rule.default_severity))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub range: TextRange,
    pub message: String,
    /// What the text at `range` most likely should be (the message's
    /// did-you-mean), for a quick fix.
    pub suggestion: Option<String>,
}

/// A TOML value with its byte range.
type Value<'a> = toml::Spanned<toml::de::DeValue<'a>>;
type Table<'a> = toml::de::DeTable<'a>;

fn range_of<T>(s: &toml::Spanned<T>) -> TextRange {
    TextRange::new(s.span().start, s.span().end)
}

/// The sections of `orgplan.toml` and their keys, as messages list them.
pub(crate) const SECTIONS: &[(&str, &[&str])] = &[
    ("rules", &[]),
    ("team", &["required-roles", "max-dependencies"]),
    ("docs", &["base-url"]),
];

/// Whether `url` can be a documentation base: an absolute `http`, `https`
/// or `file` URL with no spaces.
pub fn is_base_url(url: &str) -> bool {
    ["https://", "http://", "file://"]
        .iter()
        .any(|scheme| url.len() > scheme.len() && url.starts_with(scheme))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Reads an `orgplan.toml`. Returns what it sets and every problem found,
/// each at its own place and in one line. A line with a problem (an unknown
/// section, key or rule, a bad level, a value of the wrong type, a key set
/// twice) sets nothing, and every other line still applies. A file that is
/// not TOML sets nothing: its syntax errors are reported at their lines.
pub fn parse(text: &str) -> (Layer, Vec<ConfigError>) {
    let mut reader = Reader::default();
    let (table, errors) = Table::parse_recoverable(text);
    let mut syntax = false;
    for e in errors {
        let range = e
            .span()
            .map_or(TextRange::empty(0), |s| TextRange::new(s.start, s.end));
        if e.message() == "duplicate key" {
            // The first stands: toml keeps it.
            reader.duplicate(text, range, table.get_ref());
        } else {
            syntax = true;
            let message = e.message().trim().lines().next().unwrap_or("").to_string();
            reader.error(range, format!("this is not valid TOML: {message}"));
        }
    }
    if !syntax {
        reader.read(table.get_ref());
    }
    let Reader {
        mut layer,
        mut errors,
    } = reader;
    if syntax {
        layer = Layer::default();
    }
    errors.sort_by_key(|e| (e.range.start(), e.range.end()));
    (layer, errors)
}

#[derive(Default)]
struct Reader {
    layer: Layer,
    errors: Vec<ConfigError>,
}

impl Reader {
    fn error(&mut self, range: TextRange, message: String) {
        self.suggest(range, message, None);
    }

    /// An error whose text at `range` most likely should be `suggestion`.
    fn suggest(&mut self, range: TextRange, message: String, suggestion: Option<String>) {
        self.errors.push(ConfigError {
            range,
            message,
            suggestion,
        });
    }

    /// A key written again (at `range`) where it was set before.
    fn duplicate(&mut self, text: &str, range: TextRange, table: &Table) {
        let name = text
            .get(range.start()..range.end())
            .unwrap_or("")
            .trim_matches(|c| c == '"' || c == '\'');
        let first = first_key_before(table, name, range.start());
        let message = match first {
            Some(at) => format!(
                "`{name}` is already set on line {}: this second one is ignored",
                line_of(text, at) + 1
            ),
            None => format!("`{name}` is already set above: this second one is ignored"),
        };
        self.error(range, message);
    }

    fn read(&mut self, top: &Table) {
        for (key, value) in top {
            let name: &str = key.get_ref();
            let Some(section) = value.get_ref().as_table() else {
                let home = SECTIONS
                    .iter()
                    .find(|(_, keys)| keys.contains(&name))
                    .map(|(s, _)| *s)
                    .or_else(|| rules::by_name(name).map(|_| "rules"));
                let message = match home {
                    Some(s) => format!("`{name}` belongs in the `[{s}]` section"),
                    None => format!(
                        "`{name}` is not a setting of orgplan.toml: it has the sections {}",
                        section_list()
                    ),
                };
                self.error(range_of(key), message);
                continue;
            };
            match name {
                "rules" => self.rules(section),
                "team" => self.team(section),
                "docs" => self.docs(section),
                _ => {
                    let mut message = format!(
                        "unknown section `[{name}]`: orgplan.toml has the sections {}",
                        section_list()
                    );
                    let s = push_suggestion(
                        &mut message,
                        name,
                        SECTIONS.iter().map(|(s, _)| *s),
                        "[",
                        "]",
                    );
                    self.suggest(range_of(key), message, s);
                }
            }
        }
    }

    fn rules(&mut self, section: &Table) {
        for (key, value) in section {
            let name: &str = key.get_ref();
            let Some(rule) = rules::by_name(name) else {
                let mut message = format!("unknown rule `{name}`");
                let s = push_suggestion(
                    &mut message,
                    name,
                    rules::ALL.iter().map(|r| r.name),
                    "",
                    "",
                );
                self.suggest(range_of(key), message, s);
                continue;
            };
            let level = value.get_ref().as_str().and_then(Level::parse);
            match level {
                Some(level) => {
                    self.layer.rules.insert(rule.name.to_string(), level);
                }
                None => {
                    // A misspelt level: the closest, quoted, as the fix.
                    let closest = value.get_ref().as_str().and_then(|l| {
                        crate::suggest::best(l, ["error", "warning", "info", "hint", "off"])
                    });
                    self.suggest(
                        range_of(value),
                        format!(
                            "the level of `{name}` should be \"error\", \"warning\", \"info\", \"hint\" or \"off\", not {}",
                            shown(value)
                        ),
                        closest.map(|l| format!("\"{l}\"")),
                    )
                }
            }
        }
    }

    fn team(&mut self, section: &Table) {
        for (key, value) in section {
            match key.get_ref().as_ref() {
                "required-roles" => match roles(value) {
                    Some(roles) => self.layer.required_roles = Some(roles),
                    None => self.error(
                        range_of(value),
                        format!(
                            "`required-roles` should be a list of role names, like [\"engineering\", \"qa\"], not {}",
                            shown(value)
                        ),
                    ),
                },
                "max-dependencies" => match count(value) {
                    Some(n) => self.layer.max_dependencies = Some(n),
                    None => self.error(
                        range_of(value),
                        format!(
                            "`max-dependencies` should be a whole number of zero or more, not {}",
                            shown(value)
                        ),
                    ),
                },
                other => self.unknown_key("team", other, range_of(key)),
            }
        }
    }

    fn docs(&mut self, section: &Table) {
        for (key, value) in section {
            match key.get_ref().as_ref() {
                "base-url" => match value.get_ref().as_str().filter(|u| is_base_url(u)) {
                    Some(url) => self.layer.docs_base_url = Some(url.to_string()),
                    None => self.error(
                        range_of(value),
                        format!(
                            "`base-url` should be the address where orgplan's docs are published, starting with https://, not {}",
                            shown(value)
                        ),
                    ),
                },
                other => self.unknown_key("docs", other, range_of(key)),
            }
        }
    }

    fn unknown_key(&mut self, section: &str, name: &str, range: TextRange) {
        let keys = SECTIONS
            .iter()
            .find(|(s, _)| *s == section)
            .map_or(&[][..], |(_, k)| *k);
        let listed = and_list(keys.iter().map(|k| format!("`{k}`")).collect());
        let mut message = format!("unknown key `{name}` in `[{section}]`: it has {listed}");
        let s = push_suggestion(&mut message, name, keys.iter().copied(), "", "");
        self.suggest(range, message, s);
    }
}

fn section_list() -> String {
    and_list(SECTIONS.iter().map(|(s, _)| format!("`[{s}]`")).collect())
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(mut items: Vec<String>) -> String {
    match items.pop() {
        None => String::new(),
        Some(last) if items.is_empty() => last,
        Some(last) => format!("{} and {last}", items.join(", ")),
    }
}

/// Adds "did you mean" with the closest of `candidates` to `message`, and
/// gives that candidate (without `open` and `close`).
fn push_suggestion<'a>(
    message: &mut String,
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
    open: &str,
    close: &str,
) -> Option<String> {
    let s = crate::suggest::best(name, candidates)?;
    message.push_str(&format!(" — did you mean `{open}{s}{close}`?"));
    Some(s.to_string())
}

fn roles(value: &Value) -> Option<Vec<String>> {
    value
        .get_ref()
        .as_array()?
        .iter()
        .map(|v| v.get_ref().as_str().map(String::from))
        .collect()
}

fn count(value: &Value) -> Option<usize> {
    let n = value.get_ref().as_integer()?;
    let n = i128::from_str_radix(n.as_str(), n.radix()).ok()?;
    usize::try_from(n).ok()
}

/// A value as a message shows it: its type and, when short, itself.
fn shown(value: &Value) -> String {
    use toml::de::DeValue;
    match value.get_ref() {
        DeValue::String(s) if s.chars().count() <= 40 => format!("\"{s}\""),
        DeValue::String(_) => "a long string".into(),
        DeValue::Integer(i) => format!("the number {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("`{b}`"),
        DeValue::Datetime(_) => "a date".into(),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

/// Where `name` was last written as a key before `before`, at any depth
/// (the nearest is the one in the same table).
fn first_key_before(table: &Table, name: &str, before: usize) -> Option<usize> {
    let mut best: Option<usize> = None;
    let mut stack = vec![table];
    while let Some(t) = stack.pop() {
        for (k, v) in t {
            let at = k.span().start;
            if k.get_ref().as_ref() == name && at < before && best.is_none_or(|b| at > b) {
                best = Some(at);
            }
            if let Some(inner) = v.get_ref().as_table() {
                stack.push(inner);
            }
        }
    }
    best
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_names_and_levels_carry_their_correction() {
        let text = "[rules]\nmissing-scop = \"off\"\norphan-team = \"warnig\"\n\n[teem]\n\n[team]\nmax-dependencie = 2\n";
        let (_, e) = parse(text);
        let shown: Vec<(&str, Option<&str>)> = e
            .iter()
            .map(|e| {
                (
                    &text[e.range.start()..e.range.end()],
                    e.suggestion.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("missing-scop", Some("missing-scope")),
                ("\"warnig\"", Some("\"warning\"")),
                ("teem", Some("team")),
                ("max-dependencie", Some("max-dependencies")),
            ]
        );
    }

    #[test]
    fn defaults_when_empty() {
        let (c, e) = parse("");
        assert!(e.is_empty());
        assert_eq!(c, Layer::default());
    }

    #[test]
    fn reads_levels_and_team_settings() {
        let (c, e) = parse(
            "[rules]\npart-time-leader = \"error\"\nmissing-scope = \"off\"\n\n[team]\nrequired-roles = [\"engineering\"]\nmax-dependencies = 5\n",
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(c.rules["part-time-leader"], Level::On(Severity::Error));
        assert_eq!(c.rules["missing-scope"], Level::Off);
        assert_eq!(c.required_roles, Some(vec!["engineering".to_string()]));
        assert_eq!(c.max_dependencies, Some(5));
    }

    #[test]
    fn reports_unknown_rule_with_suggestion_and_keeps_the_rest() {
        let text =
            "[rules]\nmissing-scop = \"off\"\nmissing-metrics = \"loud\"\norphan-team = \"hint\"\n";
        let (c, e) = parse(text);
        assert_eq!(e.len(), 2, "{e:?}");
        let unknown = e
            .iter()
            .find(|e| e.message.contains("unknown rule"))
            .unwrap();
        assert!(
            unknown.message.contains("did you mean `missing-scope`"),
            "{}",
            unknown.message
        );
        assert_eq!(
            &text[unknown.range.start()..unknown.range.end()],
            "missing-scop"
        );
        assert!(e.iter().any(|e| e.message.contains(
            "should be \"error\", \"warning\", \"info\", \"hint\" or \"off\", not \"loud\""
        )));
        assert_eq!(c.rules["orphan-team"], Level::On(Severity::Hint));
    }

    #[test]
    fn syntax_error_has_a_position_and_defaults_stand() {
        let text = "[rules]\norphan-team = \n";
        let (c, e) = parse(text);
        assert_eq!(e.len(), 1);
        assert!(e[0].range.start() >= 8, "{:?}", e[0].range);
        assert_eq!(c, Layer::default());
    }

    #[test]
    fn unknown_section_is_an_error() {
        let (_, e) = parse("[teams]\nmax-dependencies = 2\n");
        assert_eq!(e.len(), 1);
        assert!(
            e[0].message.contains("unknown section `[teams]`"),
            "{}",
            e[0].message
        );
        assert!(
            e[0].message.contains("did you mean `[team]`"),
            "{}",
            e[0].message
        );
    }

    /// Every problem as `line: message`.
    fn report(text: &str) -> String {
        let (_, errors) = parse(text);
        errors
            .iter()
            .map(|e| {
                let line = line_of(text, e.range.start()) + 1;
                let what = &text[e.range.start()..e.range.end()];
                format!("{line} `{what}`: {}\n", e.message)
            })
            .collect()
    }

    #[test]
    fn every_kind_of_problem_in_plain_words_at_its_line() {
        let text = "\
max-dependencies = 4

[rules]
missing-scop = \"off\"
missing-metrics = \"loud\"
orphan-team = 3
orphan-team = \"hint\"
part-time-leader = \"error\"

[team]
max-dependencies = \"three\"
required-roles = \"engineering\"
max-deps = 2

[teams]
max-dependencies = 2
max-dependencies = 5
";
        insta::assert_snapshot!(report(text), @r#"
1 `max-dependencies`: `max-dependencies` belongs in the `[team]` section
4 `missing-scop`: unknown rule `missing-scop` — did you mean `missing-scope`?
5 `"loud"`: the level of `missing-metrics` should be "error", "warning", "info", "hint" or "off", not "loud"
6 `3`: the level of `orphan-team` should be "error", "warning", "info", "hint" or "off", not the number 3
7 `orphan-team`: `orphan-team` is already set on line 6: this second one is ignored
11 `"three"`: `max-dependencies` should be a whole number of zero or more, not "three"
12 `"engineering"`: `required-roles` should be a list of role names, like ["engineering", "qa"], not "engineering"
13 `max-deps`: unknown key `max-deps` in `[team]`: it has `required-roles` and `max-dependencies` — did you mean `max-dependencies`?
15 `teams`: unknown section `[teams]`: orgplan.toml has the sections `[rules]`, `[team]` and `[docs]` — did you mean `[team]`?
17 `max-dependencies`: `max-dependencies` is already set on line 16: this second one is ignored
"#);
        let (layer, _) = parse(text);
        assert_eq!(
            layer.rules,
            BTreeMap::from([("part-time-leader".to_string(), Level::On(Severity::Error))])
        );
        assert_eq!(layer.required_roles, None);
        assert_eq!(layer.max_dependencies, None);
    }

    #[test]
    fn every_syntax_error_at_its_line_and_nothing_applies() {
        let text =
            "[rules]\npart-time-leader = \"error\"\norphan-team = \norphan-team = \"hint\nx y\n";
        insta::assert_snapshot!(report(text), @r#"
3 ``: this is not valid TOML: string values must be quoted, expected literal string
4 `orphan-team`: `orphan-team` is already set on line 3: this second one is ignored
4 ``: this is not valid TOML: invalid basic string, expected `"`
5 ``: this is not valid TOML: key with no value, expected `=`
"#);
        assert_eq!(parse(text).0, Layer::default());
    }

    /// Any mix of good and bad lines: every good line applies, and each bad
    /// line gets exactly one error, at that line.
    mod every_line {
        use super::*;
        use proptest::prelude::*;
        use std::collections::HashSet;

        #[derive(Clone, Debug)]
        enum Entry {
            /// A key and its value as written, and what it sets if good.
            Rule(String, String),
            Team(&'static str, String),
            /// `[name]`: an unknown section with keys under it.
            UnknownSection(&'static str, Vec<&'static str>),
        }

        fn rule_entry() -> impl Strategy<Value = Entry> {
            let names = prop_oneof![
                4 => proptest::sample::select(rules::ALL.iter().map(|r| r.name).collect::<Vec<_>>()),
                1 => proptest::sample::select(vec!["missing-scop", "orphan", "nope"]),
            ];
            let values = prop_oneof![
                4 => proptest::sample::select(vec!["\"error\"", "\"warning\"", "\"warn\"", "\"info\"", "\"hint\"", "\"off\""]),
                1 => proptest::sample::select(vec!["\"loud\"", "3", "true", "[\"error\"]", "\"\""]),
            ];
            (names, values).prop_map(|(n, v)| Entry::Rule(n.to_string(), v.to_string()))
        }

        fn team_entry() -> impl Strategy<Value = Entry> {
            prop_oneof![
                (proptest::sample::select(vec!["0", "3", "12", "-1", "\"three\"", "2.5", "[3]"]))
                    .prop_map(|v| Entry::Team("max-dependencies", v.to_string())),
                (proptest::sample::select(vec![
                    "[\"engineering\"]",
                    "[]",
                    "[\"qa\", \"design\"]",
                    "\"qa\"",
                    "[1, 2]",
                    "7"
                ]))
                .prop_map(|v| Entry::Team("required-roles", v.to_string())),
                proptest::sample::select(vec!["max-deps", "roles", "colour"])
                    .prop_map(|k| Entry::Team(k, "1".to_string())),
            ]
        }

        fn good_level(v: &str) -> Option<Level> {
            Level::parse(v.strip_prefix('"')?.strip_suffix('"')?)
        }

        /// The text, and what it should give: the layer and the lines (from 0)
        /// of the errors.
        fn build(
            rules_part: &[Entry],
            team: &[Entry],
            extra: &Option<Entry>,
        ) -> (String, Layer, Vec<usize>) {
            let mut text = String::new();
            let mut line = 0;
            let mut layer = Layer::default();
            let mut bad = Vec::new();
            let mut push = |text: &mut String, l: &str| {
                text.push_str(l);
                text.push('\n');
                line += 1;
                line - 1
            };
            push(&mut text, "# generated");
            push(&mut text, "[rules]");
            let mut seen = HashSet::new();
            for e in rules_part {
                let Entry::Rule(name, value) = e else {
                    unreachable!()
                };
                let at = push(&mut text, &format!("{name} = {value}"));
                if !seen.insert(name.clone()) {
                    bad.push(at);
                    continue;
                }
                match (rules::by_name(name), good_level(value)) {
                    (Some(_), Some(level)) => {
                        layer.rules.insert(name.clone(), level);
                    }
                    _ => bad.push(at),
                }
            }
            push(&mut text, "");
            push(&mut text, "[team]");
            let mut seen = HashSet::new();
            for e in team {
                let Entry::Team(key, value) = e else {
                    unreachable!()
                };
                let at = push(&mut text, &format!("{key} = {value}  # a comment"));
                if !seen.insert(*key) {
                    bad.push(at);
                    continue;
                }
                match *key {
                    "max-dependencies" => match value.parse::<usize>() {
                        Ok(n) => layer.max_dependencies = Some(n),
                        Err(_) => bad.push(at),
                    },
                    "required-roles" if value.starts_with("[\"") || value == "[]" => {
                        layer.required_roles = Some(
                            value
                                .trim_matches(|c| c == '[' || c == ']')
                                .split(", ")
                                .filter(|s| !s.is_empty())
                                .map(|s| s.trim_matches('"').to_string())
                                .collect(),
                        );
                    }
                    _ => bad.push(at),
                }
            }
            if let Some(Entry::UnknownSection(name, keys)) = extra {
                let at = push(&mut text, &format!("[{name}]"));
                bad.push(at);
                for k in keys {
                    push(&mut text, &format!("{k} = 1"));
                }
            }
            bad.sort();
            (text, layer, bad)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn good_lines_apply_and_each_bad_line_has_one_error_there(
                rules_part in proptest::collection::vec(rule_entry(), 0..12),
                team in proptest::collection::vec(team_entry(), 0..6),
                extra in proptest::option::of(
                    (proptest::sample::select(vec!["teams", "rule", "docs-x"]),
                     proptest::sample::subsequence(vec!["a", "b", "max-dependencies"], 0..3))
                        .prop_map(|(n, k)| Entry::UnknownSection(n, k))
                ),
            ) {
                let (text, want, bad) = build(&rules_part, &team, &extra);
                let (layer, errors) = parse(&text);
                let lines: Vec<usize> = errors.iter().map(|e| line_of(&text, e.range.start())).collect();
                prop_assert_eq!(&lines, &bad, "{}\n{:#?}", text, errors);
                prop_assert_eq!(layer, want, "{}", text);
                for e in &errors {
                    prop_assert!(!e.message.contains('\n') && !e.message.is_empty());
                    prop_assert!(!e.message.contains("invalid type"), "{}", e.message);
                }
            }
        }
    }

    /// `orgplan.toml` wins over the editor whatever it writes (the default
    /// value included), the editor over the defaults, the command line over
    /// both: field by field, for any mix of what each sets.
    mod precedence {
        use super::*;
        use crate::Workspace;
        use proptest::prelude::*;

        const RULES: &[&str] = &["missing-scope", "orphan-team", "part-time-leader"];

        fn level() -> impl Strategy<Value = Level> {
            prop_oneof![
                Just(Level::Off),
                Just(Level::On(Severity::Error)),
                Just(Level::On(Severity::Warning)),
                Just(Level::On(Severity::Hint)),
            ]
        }

        fn layer() -> impl Strategy<Value = Layer> {
            (
                proptest::collection::btree_map(
                    proptest::sample::select(RULES).prop_map(String::from),
                    level(),
                    0..3,
                ),
                proptest::option::of(proptest::sample::subsequence(
                    vec!["engineering", "qa", "design", "product"],
                    0..4,
                )),
                // Around the default (3), so that the default itself is often written.
                proptest::option::of(2usize..5),
                proptest::option::of(proptest::sample::select(vec![
                    "https://docs.example.com/orgplan",
                    "https://wiki.example.com/orgplan/{rule}.html",
                ])),
            )
                .prop_map(|(rules, roles, max, docs)| Layer {
                    rules,
                    required_roles: roles.map(|r| r.into_iter().map(String::from).collect()),
                    max_dependencies: max,
                    docs_base_url: docs.map(String::from),
                })
        }

        fn toml_of(l: &Layer) -> String {
            let mut t = String::from("[rules]\n");
            for (name, level) in &l.rules {
                let level = match level {
                    Level::Off => "off",
                    Level::On(s) => s.as_str(),
                };
                t.push_str(&format!("{name} = \"{level}\"\n"));
            }
            t.push_str("[team]\n");
            if let Some(roles) = &l.required_roles {
                t.push_str(&format!("required-roles = {roles:?}\n"));
            }
            if let Some(max) = l.max_dependencies {
                t.push_str(&format!("max-dependencies = {max}\n"));
            }
            if let Some(base) = &l.docs_base_url {
                t.push_str(&format!("[docs]\nbase-url = {base:?}\n"));
            }
            t
        }

        proptest! {
            #[test]
            fn each_field_comes_from_the_last_layer_that_sets_it(
                editor in layer(),
                file in layer(),
                cli in proptest::collection::btree_map(
                    proptest::sample::select(RULES).prop_map(String::from), level(), 0..2),
            ) {
                let mut ws = Workspace::new();
                ws.set_editor_layer(editor.clone());
                let (read, errors) = parse(&toml_of(&file));
                prop_assert!(errors.is_empty(), "{errors:?}");
                prop_assert_eq!(&read, &file);
                ws.set_config_file(Some(("orgplan.toml", toml_of(&file))));
                ws.set_rule_overrides(cli.clone());
                let c = ws.config();
                let d = Config::default();
                prop_assert_eq!(
                    &c.required_roles,
                    file.required_roles.as_ref().or(editor.required_roles.as_ref()).unwrap_or(&d.required_roles)
                );
                prop_assert_eq!(
                    c.max_dependencies,
                    file.max_dependencies.or(editor.max_dependencies).unwrap_or(d.max_dependencies)
                );
                prop_assert_eq!(
                    c.docs_base_url.as_ref(),
                    file.docs_base_url.as_ref().or(editor.docs_base_url.as_ref())
                );
                for name in RULES {
                    let want = cli.get(*name).or(file.rules.get(*name)).or(editor.rules.get(*name));
                    prop_assert_eq!(c.rules.get(*name), want);
                }
            }
        }
    }
}
