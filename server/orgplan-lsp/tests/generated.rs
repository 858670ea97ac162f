//! The editor files that copy what Rust declares — the rules (the registry,
//! `orgplan_analysis::rules::ALL`) and the editor settings
//! (`orgplan_lsp::settings::ALL`) — are generated from it. Each test here
//! renders a file (or the part of it that is generated) and fails when the
//! checked-in copy differs, saying how to regenerate:
//!
//!     UPDATE_GENERATED=1 cargo test -p orgplan-lsp --test generated
//!
//! - `editors/vscode/package.json`: the server's settings in
//!   `contributes.configuration` (with `orgplan.rules`' rule names, default
//!   levels and summaries); the extension's own settings
//!   (`settings::EXTENSION_SETTINGS`) stay written by hand there.
//! - `editors/vscode/src/rules.generated.ts`: the rules, for when the server
//!   cannot be asked (`orgplan explain --format json` is asked first).
//! - `editors/neovim/doc/orgplan.txt`: its last section, the settings and
//!   the rules (from its `*orgplan-reference*` line to the modeline).

use orgplan_analysis::rules;
use orgplan_lsp::settings;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const REGENERATE: &str = "UPDATE_GENERATED=1 cargo test -p orgplan-lsp --test generated";

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// Compares `path` with `want`; rewrites it with `UPDATE_GENERATED=1`.
fn ensure(rel: &str, want: &str) {
    let path = repo(rel);
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have == want {
        return;
    }
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(&path, want).unwrap();
        return;
    }
    let line = have
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
    panic!(
        "{rel} is stale: it differs from what the Rust declarations generate (first at line {}). \
         Do not edit the generated parts by hand; regenerate with:\n\n    {REGENERATE}\n",
        line + 1
    );
}

// ------------------------------------------------------------ package.json

/// A JSON value that keeps the order of its keys (package.json's layout is
/// kept as written outside the generated part).
#[derive(Clone, Debug, PartialEq)]
enum Json {
    Scalar(Value),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Scalar(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Scalar(Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = a.next_element()? {
                    items.push(x);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(kv) = a.next_entry()? {
                    items.push(kv);
                }
                Ok(Json::Object(items))
            }
        }
        d.deserialize_any(V)
    }
}

impl Json {
    /// From a `serde_json::Value` (whose maps are sorted): the schema the
    /// Rust side declares, in a fixed order.
    /// A table keyed by rule names is in the registry's order.
    fn from_value(v: &Value) -> Json {
        match v {
            Value::Array(a) => Json::Array(a.iter().map(Json::from_value).collect()),
            Value::Object(m) => {
                let mut items: Vec<(String, Json)> = m
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::from_value(v)))
                    .collect();
                let rank = |k: &str| rules::ALL.iter().position(|r| r.name == k);
                if items.iter().all(|(k, _)| rank(k).is_some()) {
                    items.sort_by_key(|(k, _)| rank(k));
                }
                Json::Object(items)
            }
            other => Json::Scalar(other.clone()),
        }
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(items) => items.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// As `JSON.stringify(value, null, 2)` writes it.
    fn write(&self, out: &mut String, indent: usize) {
        let pad = |n: usize| "  ".repeat(n);
        match self {
            Json::Scalar(v) => out.push_str(&v.to_string()),
            Json::Array(a) if a.is_empty() => out.push_str("[]"),
            Json::Object(o) if o.is_empty() => out.push_str("{}"),
            Json::Array(a) => {
                out.push_str("[\n");
                for (i, x) in a.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    x.write(out, indent + 1);
                    out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(indent));
                out.push(']');
            }
            Json::Object(o) => {
                out.push_str("{\n");
                for (i, (k, v)) in o.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push_str(": ");
                    v.write(out, indent + 1);
                    out.push_str(if i + 1 < o.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(indent));
                out.push('}');
            }
        }
    }
}

/// The `configuration` property of one server setting.
fn vscode_property(d: &settings::Descriptor) -> Json {
    let mut items = Json::from_value(&Value::Object((d.schema)()));
    let Json::Object(fields) = &mut items else {
        unreachable!()
    };
    // `type` first, as people read it; then what the schema says; then the rest.
    fields.sort_by_key(|(k, _)| k != "type");
    fields.push(("default".into(), Json::from_value(&(d.default)())));
    fields.push(("scope".into(), Json::Scalar(d.scope.into())));
    fields.push((
        "markdownDescription".into(),
        Json::Scalar(d.description().into()),
    ));
    items
}

fn package_json(text: &str) -> String {
    let mut pkg: Json = serde_json::from_str(text).expect("package.json is JSON");
    let props = pkg
        .get_mut("contributes")
        .and_then(|c| c.get_mut("configuration"))
        .and_then(|c| c.get_mut("properties"))
        .expect("contributes.configuration.properties");
    let Json::Object(props) = props else {
        panic!("properties is an object")
    };
    let is_extensions = |k: &str| {
        settings::EXTENSION_SETTINGS
            .iter()
            .any(|e| k.strip_prefix("orgplan.") == Some(*e))
    };
    // The extension's own settings first, as written; then the server's.
    let mut out: Vec<(String, Json)> = props
        .iter()
        .filter(|(k, _)| is_extensions(k))
        .cloned()
        .collect();
    for e in settings::EXTENSION_SETTINGS {
        assert!(
            out.iter().any(|(k, _)| k == &format!("orgplan.{e}")),
            "the extension's setting orgplan.{e} is not in package.json"
        );
    }
    out.extend(
        settings::ALL
            .iter()
            .map(|d| (format!("orgplan.{}", d.key), vscode_property(d))),
    );
    *props = out;
    let mut s = String::new();
    pkg.write(&mut s, 0);
    s.push('\n');
    s
}

#[test]
fn package_json_layout_round_trips() {
    let text = std::fs::read_to_string(repo("editors/vscode/package.json")).unwrap();
    let pkg: Json = serde_json::from_str(&text).unwrap();
    let mut s = String::new();
    pkg.write(&mut s, 0);
    s.push('\n');
    assert_eq!(
        s, text,
        "package.json is not laid out as JSON.stringify(…, null, 2) writes it"
    );
}

#[test]
fn vscode_package_json_settings_are_generated() {
    let text = std::fs::read_to_string(repo("editors/vscode/package.json")).unwrap();
    ensure("editors/vscode/package.json", &package_json(&text));
}

// ------------------------------------------------------------ rules.generated.ts

fn ts_string(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

#[test]
fn vscode_rules_are_generated() {
    let mut s = String::from(
        "// Generated from the rule registry (server/orgplan-analysis/src/rules): do not edit.\n",
    );
    let _ = writeln!(s, "// Regenerate with `{REGENERATE}`.");
    s.push_str("import type { RuleInfo } from \"./config\";\n\n");
    s.push_str(
        "/** The rules this extension was built with, for when the server cannot be asked. */\n",
    );
    s.push_str("export const RULES: readonly RuleInfo[] = [\n");
    for r in rules::ALL {
        let _ = writeln!(
            s,
            "  {{ name: {}, severity: {}, summary: {} }},",
            ts_string(r.name),
            ts_string(r.default_severity.as_str()),
            ts_string(r.summary)
        );
    }
    s.push_str("];\n");
    ensure("editors/vscode/src/rules.generated.ts", &s);
}

// ------------------------------------------------------------ Neovim's help

/// The line that starts the generated section of Neovim's help, and the
/// modeline that ends the file.
const NVIM_START: &str =
    "9. Settings and rules                                      *orgplan-reference*";
const NVIM_END: &str = " vim:tw=78:ts=8:noet:ft=help:norl:";

/// Wraps `text` at 78 columns, each line indented by `indent`.
fn wrap(text: &str, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.len() + 1 + word.len() > width {
            let _ = writeln!(out, "{}{line}", " ".repeat(indent));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{}{line}", " ".repeat(indent));
    }
    out
}

fn nvim_section() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{NVIM_START}\n");
    s.push_str("Generated from the server's declarations (do not edit); regenerate with\n");
    let _ = writeln!(s, "`{REGENERATE}`.\n");
    s.push_str("Settings ~\n");
    s.push_str("                                               *orgplan-settings-list*\n");
    for d in settings::ALL {
        let default = (d.default)();
        let default = if default.is_null() {
            "unset".to_string()
        } else {
            format!("`{default}`")
        };
        let _ = writeln!(s, "`{}` ({}, default {default})", d.key, (d.lua_type)());
        s.push_str(&wrap(&d.description(), 4, 78));
    }
    s.push_str("\nRules ~\n");
    s.push_str("                                                  *orgplan-rules-list*\n");
    s.push_str("Each rule's name is its diagnostics' code; its level is set in\n");
    s.push_str("`orgplan.toml` (`[rules]`) or in `settings.orgplan.rules`.\n");
    s.push_str("|:OrgplanExplain| {rule} shows the principle behind one.\n\n");
    for r in rules::ALL {
        let _ = writeln!(s, "`{}` ({})", r.name, r.default_severity);
        s.push_str(&wrap(r.summary, 4, 78));
    }
    s.push('\n');
    s
}

#[test]
fn neovim_help_lists_the_settings_and_rules() {
    let rel = "editors/neovim/doc/orgplan.txt";
    let text = std::fs::read_to_string(repo(rel)).unwrap();
    let (Some(a), Some(b)) = (text.find(NVIM_START), text.rfind(NVIM_END)) else {
        panic!("{rel} has no section from `{NVIM_START}` to the modeline");
    };
    let want = format!("{}{}{}", &text[..a], nvim_section(), &text[b..]);
    ensure(rel, &want);
}
