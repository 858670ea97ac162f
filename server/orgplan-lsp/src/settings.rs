//! The editor's settings (section `orgplan`): one typed struct, declared
//! once below with [`settings!`]. The declaration is the source of the
//! server's parsing ([`Settings::read`]) and of what the editors are told
//! about each setting ([`ALL`]: key, type, default, description).
//!
//! Every field is optional: a setting the editor does not send leaves the
//! decision to the next layer. The configuration in force is, field by field,
//! the last of these that sets it:
//!
//! 1. the defaults;
//! 2. the editor's settings: `initializationOptions` until the client
//!    answers `workspace/configuration` (or pushes
//!    `workspace/didChangeConfiguration`), then its latest answer — each
//!    answer replaces the previous one whole, so that a setting the user
//!    removes goes away;
//! 3. the workspace's `orgplan.toml`, whatever value it writes;
//! 4. the command line's `--rule` (the CLI only; it reads no editor settings).
//!
//! A setting of the wrong type, an unknown rule or level, or an unknown key
//! is left out and reported ([`Settings::read`] returns the problems); the
//! rest still applies.

use orgplan_analysis::config::{Layer, Level};
use orgplan_analysis::rules;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// How a setting's value is read from JSON and described in a JSON schema.
pub trait Kind: Sized {
    /// The value, or what was expected instead (a phrase: "a whole number of
    /// zero or more"). A map may keep its good entries and report the bad
    /// ones in `problems`.
    fn read(key: &str, value: &Value, problems: &mut Vec<String>) -> Result<Self, String>;
    /// The JSON schema of the value (VS Code's `configuration` section).
    fn schema() -> Map<String, Value>;
    /// The type, as Neovim's help shows it.
    fn lua_type() -> &'static str;
}

impl Kind for bool {
    fn read(_: &str, value: &Value, _: &mut Vec<String>) -> Result<Self, String> {
        value.as_bool().ok_or_else(|| "`true` or `false`".into())
    }
    fn schema() -> Map<String, Value> {
        object(json!({ "type": "boolean" }))
    }
    fn lua_type() -> &'static str {
        "boolean"
    }
}

impl Kind for usize {
    fn read(_: &str, value: &Value, _: &mut Vec<String>) -> Result<Self, String> {
        value
            .as_u64()
            .or_else(|| {
                value
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| "a whole number of zero or more".into())
    }
    fn schema() -> Map<String, Value> {
        object(json!({ "type": ["integer", "null"], "minimum": 0 }))
    }
    fn lua_type() -> &'static str {
        "integer"
    }
}

/// The address where an organisation publishes orgplan's `docs/`.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseUrl(pub String);

impl Kind for BaseUrl {
    fn read(_: &str, value: &Value, _: &mut Vec<String>) -> Result<Self, String> {
        value
            .as_str()
            .filter(|u| orgplan_analysis::config::is_base_url(u))
            .map(|u| BaseUrl(u.to_string()))
            .ok_or_else(|| "an address starting with https://".into())
    }
    fn schema() -> Map<String, Value> {
        object(json!({ "type": ["string", "null"], "pattern": "^(https?|file)://\\S+$" }))
    }
    fn lua_type() -> &'static str {
        "string"
    }
}

/// A list of role names (`incomplete-team`'s roles).
#[derive(Clone, Debug, PartialEq)]
pub struct Roles(pub Vec<String>);

impl Kind for Roles {
    fn read(_: &str, value: &Value, _: &mut Vec<String>) -> Result<Self, String> {
        let expected = || "a list of role names (strings)".to_string();
        let list = value.as_array().ok_or_else(expected)?;
        list.iter()
            .map(|v| v.as_str().map(String::from).ok_or_else(expected))
            .collect::<Result<_, _>>()
            .map(Roles)
    }
    fn schema() -> Map<String, Value> {
        object(json!({
            "type": ["array", "null"],
            "items": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]*$" },
            "uniqueItems": true,
        }))
    }
    fn lua_type() -> &'static str {
        "string[]"
    }
}

/// A level per rule: `{ "rule-name": "error" | "warning" | "info" | "hint" | "off" }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleLevels(pub BTreeMap<String, Level>);

/// The levels a rule can be set to, as written.
pub const LEVELS: &[&str] = &["error", "warning", "info", "hint", "off"];

impl Kind for RuleLevels {
    fn read(key: &str, value: &Value, problems: &mut Vec<String>) -> Result<Self, String> {
        let map = value
            .as_object()
            .ok_or_else(|| "a table of rule names and levels".to_string())?;
        let mut levels = BTreeMap::new();
        for (name, level) in map {
            let Some(rule) = rules::by_name(name) else {
                let mut p = format!("`{key}.{name}`: there is no rule `{name}`");
                if let Some(s) =
                    orgplan_analysis::suggest::best(name, rules::ALL.iter().map(|r| r.name))
                {
                    p.push_str(&format!(" — did you mean `{s}`?"));
                }
                problems.push(p);
                continue;
            };
            match level.as_str().and_then(Level::parse) {
                Some(l) => {
                    levels.insert(rule.name.to_string(), l);
                }
                None => problems.push(format!(
                    "`{key}.{name}` should be `error`, `warning`, `info`, `hint` or `off`, not {level}"
                )),
            }
        }
        Ok(RuleLevels(levels))
    }
    fn schema() -> Map<String, Value> {
        let properties: Map<String, Value> = rules::ALL
            .iter()
            .map(|r| {
                (
                    r.name.to_string(),
                    json!({
                        "$ref": "#/definitions/severity",
                        "markdownDescription": format!("{} Default: `{}`.", r.summary, r.default_severity),
                    }),
                )
            })
            .collect();
        object(json!({
            "type": "object",
            "propertyNames": { "pattern": "^[a-z][a-z0-9-]*$" },
            "properties": properties,
            "additionalProperties": { "$ref": "#/definitions/severity" },
            "definitions": { "severity": { "type": "string", "enum": LEVELS } },
        }))
    }
    fn lua_type() -> &'static str {
        "table<string, string>"
    }
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("schemas are objects"),
    }
}

/// One setting as the editors see it.
pub struct Descriptor {
    /// The key under `orgplan.`, dotted (`team.maxDependencies`).
    pub key: &'static str,
    /// What it does, in Markdown (VS Code's `markdownDescription`; Neovim's
    /// help gets it with the backquotes kept).
    pub doc: &'static str,
    /// VS Code's `scope`: `resource`, `window`, `machine`, ...
    pub scope: &'static str,
    /// The value VS Code shows as the default (`null`: unset).
    pub default: fn() -> Value,
    pub schema: fn() -> Map<String, Value>,
    pub lua_type: fn() -> &'static str,
}

impl Descriptor {
    /// The description on one line.
    pub fn description(&self) -> String {
        let words: Vec<&str> = self.doc.split_whitespace().collect();
        words.join(" ")
    }
}

/// Declares the settings: the struct, its reader and [`ALL`].
macro_rules! settings {
    ($(
        $(#[doc = $doc:literal])+
        $field:ident: $ty:ty = $key:literal, scope $scope:literal, default $default:expr;
    )*) => {
        /// The editor's settings, every one optional.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct Settings {
            $( $(#[doc = $doc])+ pub $field: Option<$ty>, )*
        }

        /// Every setting, in the order of the declaration.
        pub static ALL: &[Descriptor] = &[$(
            Descriptor {
                key: $key,
                doc: settings!(@doc $($doc)+),
                scope: $scope,
                default: || $default,
                schema: <$ty as Kind>::schema,
                lua_type: <$ty as Kind>::lua_type,
            },
        )*];

        impl Settings {
            fn read_field(&mut self, key: &str, value: &Value, problems: &mut Vec<String>) -> bool {
                match key {
                    $( $key => {
                        match <$ty as Kind>::read(concat!("orgplan.", $key), value, problems) {
                            Ok(v) => self.$field = Some(v),
                            Err(expected) => problems.push(format!(
                                "`orgplan.{}` should be {expected}, not {}",
                                $key,
                                shown(value)
                            )),
                        }
                        true
                    } )*
                    _ => false,
                }
            }
        }
    };
    (@doc $first:literal $($rest:literal)*) => {
        concat!($first $(, "\n", $rest)*)
    };
}

settings! {
    /// Level per rule, used where the workspace's `orgplan.toml` sets none:
    /// `error`, `warning`, `info`, `hint` or `off`. Keys are rule names
    /// (`orgplan explain --list`).
    rules: RuleLevels = "rules", scope "resource", default json!({});
    /// Roles a team needs to deliver on its own (rule `incomplete-team`), used
    /// when the workspace's `orgplan.toml` sets none. Unset: `engineering`,
    /// `qa`, `design`, `product`.
    required_roles: Roles = "team.requiredRoles", scope "resource", default Value::Null;
    /// How many teams one team may depend on before `too-many-dependencies` is
    /// reported, used when the workspace's `orgplan.toml` sets none. Unset: 3.
    max_dependencies: usize = "team.maxDependencies", scope "resource", default Value::Null;
    /// Where your organisation publishes orgplan's `docs/` folder, e.g.
    /// `https://git.example.com/org/orgplan/blob/main/docs`: each finding then
    /// links to its rule at `BASE/rules.md#RULE` (or, when the address has a
    /// `{rule}`, to the address with the rule's name in its place). Used when
    /// the workspace's `orgplan.toml` sets no `[docs] base-url`. Unset: no
    /// address is sent, and the editor shows the rule's text as shipped
    /// (`orgplan explain RULE`).
    docs_base_url: BaseUrl = "docs.baseUrl", scope "resource", default Value::Null;
    /// Show inlay hints where they say what the text does not: a team that
    /// lacks roles (`3/4 roles · no product`), a leader who is part-time or
    /// leads more than one initiative.
    inlay_hints: bool = "inlayHints.enable", scope "window", default json!(true);
    /// Show code lenses: an initiative's single-threaded checklist, a team's
    /// dependencies both ways; each opens what it counts.
    code_lens: bool = "codeLens.enable", scope "window", default json!(true);
}

/// A value as a message shows it: JSON, shortened.
fn shown(value: &Value) -> String {
    let s = value.to_string();
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

impl Settings {
    /// Reads the `orgplan` section (or an object holding it under
    /// `orgplan`, as `initializationOptions` and pushed settings may be).
    /// Returns the settings read and what was wrong (each left out).
    /// `null` or a non-object reads as no settings.
    pub fn read(value: &Value) -> (Settings, Vec<String>) {
        let mut settings = Settings::default();
        let mut problems = Vec::new();
        let Some(obj) = value.as_object() else {
            return (settings, problems);
        };
        let obj = match obj.get("orgplan").and_then(Value::as_object) {
            Some(inner) => inner,
            None => obj,
        };
        settings.read_object("", obj, &mut problems);
        (settings, problems)
    }

    fn read_object(&mut self, prefix: &str, obj: &Map<String, Value>, problems: &mut Vec<String>) {
        for (name, value) in obj {
            let key = format!("{prefix}{name}");
            if value.is_null() || self.read_field(&key, value, problems) {
                continue;
            }
            let is_section = ALL.iter().any(|d| d.key.starts_with(&format!("{key}.")));
            match value.as_object() {
                Some(inner) if is_section => self.read_object(&format!("{key}."), inner, problems),
                _ if EXTENSION_SETTINGS
                    .iter()
                    .any(|k| *k == key || k.starts_with(&format!("{key}."))) => {}
                _ => problems.push(format!("`orgplan.{key}`: there is no such setting")),
            }
        }
    }

    /// What these settings set of the analysis's configuration.
    pub fn layer(&self) -> Layer {
        Layer {
            rules: self.rules.clone().map(|r| r.0).unwrap_or_default(),
            required_roles: self.required_roles.clone().map(|r| r.0),
            max_dependencies: self.max_dependencies,
            docs_base_url: self.docs_base_url.clone().map(|u| u.0),
        }
    }
}

/// Settings the VS Code extension reads itself (how to start the server,
/// traces): declared by hand in its `package.json`, and not reported as
/// unknown when the extension sends the whole section.
pub const EXTENSION_SETTINGS: &[&str] = &[
    "server.path",
    "server.webAssembly",
    "server.extraEnv",
    "trace.server",
    "checkOnStartup",
];

#[cfg(test)]
mod tests {
    use super::*;
    use orgplan_analysis::rules::Severity;

    #[test]
    fn reads_every_setting_and_skips_bad_entries_saying_why() {
        let v = json!({
            "rules": { "missing-scope": "off", "orphan-team": "hint", "nope": "error", "missing-metrics": "loud" },
            "team": { "requiredRoles": ["engineering"], "maxDependencies": "five" },
            "server": { "path": null },
            "trace": { "server": "off" },
            "checkOnStartup": true,
            "colour": 1,
        });
        let (s, problems) = Settings::read(&v);
        let rules = s.rules.unwrap().0;
        assert_eq!(rules.len(), 2);
        assert_eq!(rules["missing-scope"], Level::Off);
        assert_eq!(rules["orphan-team"], Level::On(Severity::Hint));
        assert_eq!(s.required_roles, Some(Roles(vec!["engineering".into()])));
        assert_eq!(s.max_dependencies, None);
        assert_eq!(
            problems,
            [
                "`orgplan.colour`: there is no such setting",
                "`orgplan.rules.missing-metrics` should be `error`, `warning`, `info`, `hint` or `off`, not \"loud\"",
                "`orgplan.rules.nope`: there is no rule `nope`",
                "`orgplan.team.maxDependencies` should be a whole number of zero or more, not \"five\"",
            ]
        );
    }

    #[test]
    fn the_section_may_be_wrapped_and_null_is_nothing() {
        let (s, p) = Settings::read(&json!({ "orgplan": { "team": { "maxDependencies": 5 } } }));
        assert_eq!(s.max_dependencies, Some(5));
        assert!(p.is_empty());
        assert_eq!(Settings::read(&Value::Null), (Settings::default(), vec![]));
        assert_eq!(Settings::read(&json!({})), (Settings::default(), vec![]));
    }

    #[test]
    fn a_layer_sets_only_what_was_sent() {
        let (s, _) = Settings::read(&json!({ "team": { "maxDependencies": 3 } }));
        assert_eq!(
            s.layer(),
            Layer {
                max_dependencies: Some(3),
                ..Layer::default()
            }
        );
    }
}
