//! `orgplan.toml`: rule severities, the roles a team needs, thresholds.
//!
//! A bad file never stops the analysis: every problem becomes a
//! [`ConfigError`] with its byte range (so its line and column), and the
//! defaults stand for whatever could not be read.

use crate::rules::{self, Severity};
use crate::text::TextRange;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rules: BTreeMap::new(),
            required_roles: ["engineering", "qa", "design", "product"]
                .map(String::from)
                .to_vec(),
            max_dependencies: 3,
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    team: Option<RawTeam>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTeam {
    required_roles: Option<Spanned<Vec<String>>>,
    max_dependencies: Option<Spanned<i64>>,
}

/// Reads an `orgplan.toml`. Returns what it sets (nothing where it says
/// nothing usable) and every problem found.
pub fn parse(text: &str) -> (Layer, Vec<ConfigError>) {
    let mut config = Layer::default();
    let mut errors = Vec::new();
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let range = e
                .span()
                .map_or(TextRange::empty(0), |s| TextRange::new(s.start, s.end));
            errors.push(ConfigError {
                range,
                message: format!("invalid {FILE_NAME}: {}", e.message().trim()),
            });
            return (config, errors);
        }
    };
    for (name, level) in raw.rules {
        let name_range = TextRange::new(name.span().start, name.span().end);
        let Some(rule) = rules::by_name(name.get_ref()) else {
            let mut message = format!("unknown rule `{}`", name.get_ref());
            if let Some(s) = crate::suggest::best(name.get_ref(), rules::ALL.iter().map(|r| r.name))
            {
                message.push_str(&format!(" — did you mean `{s}`?"));
            }
            errors.push(ConfigError {
                range: name_range,
                message,
            });
            continue;
        };
        match Level::parse(level.get_ref()) {
            Some(l) => {
                config.rules.insert(rule.name.to_string(), l);
            }
            None => errors.push(ConfigError {
                range: TextRange::new(level.span().start, level.span().end),
                message: format!(
                    "invalid level `{}` for `{}`: use `error`, `warning`, `info`, `hint` or `off`",
                    level.get_ref(),
                    rule.name
                ),
            }),
        }
    }
    if let Some(team) = raw.team {
        if let Some(roles) = team.required_roles {
            config.required_roles = Some(roles.into_inner());
        }
        if let Some(max) = team.max_dependencies {
            match usize::try_from(*max.get_ref()) {
                Ok(n) => config.max_dependencies = Some(n),
                Err(_) => errors.push(ConfigError {
                    range: TextRange::new(max.span().start, max.span().end),
                    message: "`max-dependencies` must be zero or more".to_string(),
                }),
            }
        }
    }
    (config, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(e.iter().any(|e| e.message.contains("invalid level `loud`")));
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
        assert!(e[0].message.contains("unknown field"), "{}", e[0].message);
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
            )
                .prop_map(|(rules, roles, max)| Layer {
                    rules,
                    required_roles: roles.map(|r| r.into_iter().map(String::from).collect()),
                    max_dependencies: max,
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
                for name in RULES {
                    let want = cli.get(*name).or(file.rules.get(*name)).or(editor.rules.get(*name));
                    prop_assert_eq!(c.rules.get(*name), want);
                }
            }
        }
    }
}
