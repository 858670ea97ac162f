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

impl Config {
    /// The level in force for `rule`.
    pub fn level(&self, rule: &rules::Rule) -> Level {
        self.rules
            .get(rule.name)
            .copied()
            .unwrap_or(Level::On(rule.default_severity))
    }

    /// Overlays `other`'s explicit rule levels and settings onto `self`.
    pub fn merge_rules(&mut self, levels: impl IntoIterator<Item = (String, Level)>) {
        self.rules.extend(levels);
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

/// Reads an `orgplan.toml`. Returns the configuration (defaults where the
/// file says nothing usable) and every problem found.
pub fn parse(text: &str) -> (Config, Vec<ConfigError>) {
    let mut config = Config::default();
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
            config.required_roles = roles.into_inner();
        }
        if let Some(max) = team.max_dependencies {
            match usize::try_from(*max.get_ref()) {
                Ok(n) => config.max_dependencies = n,
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
        assert_eq!(c, Config::default());
    }

    #[test]
    fn reads_levels_and_team_settings() {
        let (c, e) = parse(
            "[rules]\npart-time-leader = \"error\"\nmissing-scope = \"off\"\n\n[team]\nrequired-roles = [\"engineering\"]\nmax-dependencies = 5\n",
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(c.rules["part-time-leader"], Level::On(Severity::Error));
        assert_eq!(c.rules["missing-scope"], Level::Off);
        assert_eq!(c.required_roles, vec!["engineering"]);
        assert_eq!(c.max_dependencies, 5);
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
        assert_eq!(c, Config::default());
    }

    #[test]
    fn unknown_section_is_an_error() {
        let (_, e) = parse("[teams]\nmax-dependencies = 2\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("unknown field"), "{}", e[0].message);
    }
}
