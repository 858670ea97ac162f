//! `orgplan.toml` in the editor: completion of its sections, keys, rule
//! names and levels, and hovers that say what a rule or a key means. The
//! file's problems (and their did-you-mean fixes) are the `invalid-config`
//! rule's findings, like any other finding.
//!
//! Works on the text around the cursor (the file may not parse while it is
//! typed); what the file may hold is [`SECTIONS`], which a test holds equal
//! to what `config::parse` accepts.

use crate::ide::completion::{CompletionItem, Completions, ItemKind};
use crate::rules;
use crate::schema;
use crate::text::{FileId, TextRange};
use crate::Workspace;

/// What a key's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// A list of role names.
    Roles,
    /// A whole number, zero or more.
    Count,
    /// An absolute `http`, `https` or `file` address.
    Url,
}

/// A key of a section.
#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    pub ty: KeyType,
    /// What the value is, for the reader: `["engineering", "qa"]`, `3`.
    pub example: &'static str,
    pub doc: &'static str,
}

/// A `[section]` of `orgplan.toml`.
#[derive(Debug)]
pub struct Section {
    pub name: &'static str,
    pub doc: &'static str,
    /// Its keys; `[rules]` takes the rule names instead.
    pub keys: &'static [Key],
}

/// What `orgplan.toml` may hold.
pub const SECTIONS: &[Section] = &[
    Section {
        name: "rules",
        doc: "The level of each rule named: `error`, `warning`, `info`, `hint` or `off`. Rules not named keep their default.",
        keys: &[],
    },
    Section {
        name: "team",
        doc: "What a separable team needs.",
        keys: &[
            Key {
                name: "required-roles",
                ty: KeyType::Roles,
                example: "[\"engineering\", \"qa\", \"design\", \"product\"]",
                doc: "The roles every non-functional team needs (rule `incomplete-team`). Default: engineering, qa, design and product.",
            },
            Key {
                name: "max-dependencies",
                ty: KeyType::Count,
                example: "3",
                doc: "How many teams one team may depend on before `too-many-dependencies` is reported. Default: 3.",
            },
        ],
    },
    Section {
        name: "docs",
        doc: "Where the rules' documentation is published, for the links in findings.",
        keys: &[Key {
            name: "base-url",
            ty: KeyType::Url,
            example: "\"https://git.example.com/org/orgplan/blob/main/docs\"",
            doc: "Where your organisation publishes orgplan's `docs/` folder: each finding links to its rule at `BASE/rules.md#RULE` (or, with a `{rule}` in the address, to the address with the rule's name in its place). Unset: findings carry no address, and the editor shows the rule's text as shipped.",
        }],
    },
];

/// The levels a rule may be set to, with what each does.
pub const LEVELS: &[(&str, &str)] = &[
    ("error", "Reported as an error: `orgplan check` fails."),
    ("warning", "Reported as a warning."),
    ("info", "Reported as information."),
    ("hint", "Shown as a hint in the editor only."),
    ("off", "Not checked."),
];

/// Whether `file` is the workspace's `orgplan.toml` (not a plan).
pub fn is_config(ws: &Workspace, file: FileId) -> bool {
    ws.file(file).is_none() && ws.text(file).is_some()
}

/// Where the cursor stands in the file.
#[derive(Debug, PartialEq)]
enum Place<'a> {
    /// After `[`: a section name.
    SectionName,
    /// At the start of a line in `section` (`None`: before any section).
    Key(Option<&'a str>),
    /// After `key =` in `section`; `quoted` if inside a string already.
    Value {
        section: Option<&'a str>,
        key: &'a str,
        quoted: bool,
    },
}

/// The section a byte offset is in: the last `[name]` header before it.
fn section_at(text: &str, offset: usize) -> Option<&str> {
    text[..offset]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .map(|l| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
        })
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn place(text: &str, start: usize) -> Option<Place<'_>> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    if before.contains('#') {
        return None;
    }
    let trimmed = before.trim_start();
    if trimmed == "[" {
        return Some(Place::SectionName);
    }
    if trimmed.is_empty() {
        return Some(Place::Key(section_at(text, line_start)));
    }
    let (key, rest) = trimmed.split_once('=')?;
    let key = key.trim().trim_matches('"');
    if !key.chars().all(is_key_char) || key.is_empty() {
        return None;
    }
    let rest = rest.trim_start();
    // Inside an array: after `[` or `,`.
    let value = rest.rsplit([',', '[']).next().unwrap_or(rest).trim_start();
    let quoted = value.starts_with('"') && !value[1..].contains('"');
    if !(value.is_empty() || quoted) {
        return None;
    }
    Some(Place::Value {
        section: section_at(text, line_start),
        key,
        quoted,
    })
}

fn item(
    label: &str,
    kind: ItemKind,
    detail: String,
    doc: String,
    insert: String,
    range: TextRange,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind,
        detail: Some(detail),
        documentation: Some(doc),
        sort_text: label.to_string(),
        insert,
        snippet: false,
        retrigger: false,
        range,
    }
}

/// The start of the key-like word that ends at `offset`, and `offset` on a
/// character boundary.
fn word_before(text: &str, offset: usize) -> (usize, usize) {
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_key_char(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    (start, offset)
}

/// Completions at `offset` of the `orgplan.toml` text.
pub fn completions(text: &str, offset: usize) -> Completions {
    let (start, offset) = word_before(text, offset);
    let range = TextRange::new(start, offset);
    let items = match place(text, start) {
        Some(Place::SectionName) => {
            let close = if text[offset..].starts_with(']') {
                ""
            } else {
                "]"
            };
            section_items(range, |name| format!("{name}{close}"))
        }
        Some(Place::Key(None)) => section_items(range, |name| format!("[{name}]")),
        Some(Place::Key(Some("rules"))) => rule_items(text, range),
        Some(Place::Key(Some(section))) => key_items(text, section, range),
        Some(Place::Value {
            section: Some("rules"),
            quoted,
            ..
        }) => level_items(quoted, range),
        Some(Place::Value {
            section: Some("team"),
            key: "required-roles",
            quoted,
        }) => role_items(quoted, range),
        _ => Vec::new(),
    };
    Completions {
        items,
        incomplete: false,
    }
}

/// The sections, each inserted as `insert` writes its name.
fn section_items(range: TextRange, insert: impl Fn(&str) -> String) -> Vec<CompletionItem> {
    SECTIONS
        .iter()
        .map(|s| {
            item(
                s.name,
                ItemKind::Property,
                "section".into(),
                s.doc.into(),
                insert(s.name),
                range,
            )
        })
        .collect()
}

/// The rules not configured yet, as keys of `[rules]` (a level is asked for
/// next).
fn rule_items(text: &str, range: TextRange) -> Vec<CompletionItem> {
    let written = written_keys(text);
    rules::ALL
        .iter()
        .filter(|r| !written.contains(&r.name))
        .map(|r| CompletionItem {
            retrigger: true,
            ..item(
                r.name,
                ItemKind::Property,
                format!("rule · default {}", r.default_severity.as_str()),
                r.summary.into(),
                format!("{} = ", r.name),
                range,
            )
        })
        .collect()
}

/// The keys of `section` not written yet.
fn key_items(text: &str, section: &str, range: TextRange) -> Vec<CompletionItem> {
    let written = written_keys(text);
    SECTIONS
        .iter()
        .filter(|s| s.name == section)
        .flat_map(|s| s.keys)
        .filter(|k| !written.contains(&k.name))
        .map(|k| CompletionItem {
            // A list of roles follows: ask for it.
            retrigger: k.name == "required-roles",
            ..item(
                k.name,
                ItemKind::Property,
                k.example.into(),
                k.doc.into(),
                format!("{} = ", k.name),
                range,
            )
        })
        .collect()
}

/// `value` as a TOML string, its opening quote already written when `quoted`.
fn toml_string(value: &str, quoted: bool) -> String {
    if quoted {
        value.to_string()
    } else {
        format!("\"{value}\"")
    }
}

/// A rule's levels, in order of severity.
fn level_items(quoted: bool, range: TextRange) -> Vec<CompletionItem> {
    LEVELS
        .iter()
        .enumerate()
        .map(|(i, (level, doc))| CompletionItem {
            sort_text: format!("{i}"),
            ..item(
                level,
                ItemKind::Value,
                "level".into(),
                (*doc).into(),
                toml_string(level, quoted),
                range,
            )
        })
        .collect()
}

/// The known roles, for `required-roles`.
fn role_items(quoted: bool, range: TextRange) -> Vec<CompletionItem> {
    schema::KNOWN_ROLES
        .iter()
        .map(|role| {
            item(
                role.name,
                ItemKind::Role,
                "role".into(),
                role.doc.into(),
                toml_string(role.name, quoted),
                range,
            )
        })
        .collect()
}

/// The keys written in the file (anywhere), so that they are not offered twice.
fn written_keys(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"'))
        .collect()
}

/// The hover at `offset`: a rule name's summary and default, a level's
/// meaning, a section's or a key's documentation. Markdown.
pub fn hover(text: &str, offset: usize) -> Option<(TextRange, String)> {
    let (start, offset) = word_before(text, offset);
    let end = offset
        + text[offset..]
            .find(|c: char| !is_key_char(c))
            .unwrap_or(text.len() - offset);
    let word = &text[start..end];
    if word.is_empty() {
        return None;
    }
    let range = TextRange::new(start, end);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start].trim();
    let section = section_at(text, line_start);
    if before == "[" {
        let s = SECTIONS.iter().find(|s| s.name == word)?;
        return Some((range, format!("**[{}]**\n\n{}", s.name, s.doc)));
    }
    if let Some(rule) = rules::by_name(word) {
        return Some((range, rule_hover(rule)));
    }
    if section == Some("rules") && before.ends_with('=')
        || before.ends_with("= \"")
        || before.ends_with("=\"")
    {
        let (level, doc) = LEVELS.iter().find(|(l, _)| *l == word)?;
        return Some((range, format!("**{level}**: {doc}")));
    }
    let key = SECTIONS
        .iter()
        .filter(|s| Some(s.name) == section)
        .flat_map(|s| s.keys)
        .find(|k| k.name == word)?;
    Some((
        range,
        format!("**{}** = `{}`\n\n{}", key.name, key.example, key.doc),
    ))
}

fn rule_hover(rule: &rules::Rule) -> String {
    let default = rule.default_severity.as_str();
    format!(
        "**{}** — {}\n\nDefault level: `{default}`. Full text: `orgplan explain {}`.",
        rule.name, rule.summary, rule.name
    )
}

/// A JSON schema of `orgplan.toml` (draft 4, which TOML tools read), from [`SECTIONS`], [`LEVELS`]
/// and the rule registry: for editors that validate TOML against one (VS
/// Code's `tomlValidation`).
pub fn json_schema() -> String {
    let q = json_string;
    let levels: Vec<String> = LEVELS.iter().map(|(l, _)| q(l)).collect();
    let level_docs: Vec<String> = LEVELS.iter().map(|(_, d)| q(d)).collect();
    let mut rules_props = Vec::new();
    for r in rules::ALL {
        let doc = format!("{} Default: `{}`.", r.summary, r.default_severity.as_str());
        rules_props.push(format!(
            "        {}: {{ \"$ref\": \"#/definitions/level\", \"markdownDescription\": {} }}",
            q(r.name),
            q(&doc)
        ));
    }
    let mut sections = Vec::new();
    for s in SECTIONS {
        let props = if s.name == "rules" {
            rules_props.join(",\n")
        } else {
            s.keys
                .iter()
                .map(|k| {
                    let ty = match k.ty {
                        KeyType::Roles => "\"type\": \"array\", \"items\": { \"type\": \"string\", \"pattern\": \"^[A-Za-z_][A-Za-z0-9_-]*$\" }, \"uniqueItems\": true",
                        KeyType::Count => "\"type\": \"integer\", \"minimum\": 0",
                        KeyType::Url => "\"type\": \"string\", \"pattern\": \"^(https?|file)://\\\\S+$\"",
                    };
                    format!("        {}: {{ {ty}, \"markdownDescription\": {} }}", q(k.name), q(k.doc))
                })
                .collect::<Vec<_>>()
                .join(",\n")
        };
        sections.push(format!(
            "    {}: {{\n      \"type\": \"object\",\n      \"markdownDescription\": {},\n      \"additionalProperties\": false,\n      \"properties\": {{\n{props}\n      }}\n    }}",
            q(s.name),
            q(s.doc)
        ));
    }
    format!(
        "{{\n  \"$schema\": \"http://json-schema.org/draft-04/schema#\",\n  \"$comment\": \"Generated from the rule registry and server/orgplan-analysis/src/ide/config_file.rs. Do not edit by hand: run UPDATE_SCHEMA=1 cargo test -p orgplan-analysis --test config_schema.\",\n  \"title\": \"orgplan.toml\",\n  \"description\": \"Rule levels and team settings of an orgplan workspace.\",\n  \"type\": \"object\",\n  \"additionalProperties\": false,\n  \"properties\": {{\n{}\n  }},\n  \"definitions\": {{\n    \"level\": {{\n      \"type\": \"string\",\n      \"enum\": [{}],\n      \"enumDescriptions\": [{}]\n    }}\n  }}\n}}\n",
        sections.join(",\n"),
        levels.join(", "),
        level_docs.join(", ")
    )
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(marked: &str) -> Vec<String> {
        let at = marked.find("$0").unwrap();
        let text = marked.replace("$0", "");
        completions(&text, at)
            .items
            .iter()
            .map(|i| {
                format!(
                    "{} -> {:?}{}",
                    i.label,
                    i.insert,
                    if i.retrigger { " (values next)" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn sections_keys_rule_names_and_levels() {
        assert_eq!(
            complete("$0"),
            [
                "rules -> \"[rules]\"",
                "team -> \"[team]\"",
                "docs -> \"[docs]\""
            ]
        );
        assert_eq!(
            complete("[ru$0"),
            [
                "rules -> \"rules]\"",
                "team -> \"team]\"",
                "docs -> \"docs]\""
            ]
        );
        let rules = complete("[rules]\norphan-team = \"off\"\nmiss$0");
        assert!(
            rules.contains(&"missing-scope -> \"missing-scope = \" (values next)".to_string()),
            "{rules:?}"
        );
        assert!(
            !rules.iter().any(|r| r.starts_with("orphan-team")),
            "{rules:?}"
        );
        assert_eq!(rules.len(), rules::ALL.len() - 1);
        assert_eq!(
            complete("[rules]\norphan-team = $0"),
            [
                "error -> \"\\\"error\\\"\"",
                "warning -> \"\\\"warning\\\"\"",
                "info -> \"\\\"info\\\"\"",
                "hint -> \"\\\"hint\\\"\"",
                "off -> \"\\\"off\\\"\""
            ]
        );
        assert_eq!(
            complete("[rules]\norphan-team = \"wa$0\"")[1],
            "warning -> \"warning\""
        );
        assert_eq!(
            complete("[team]\nmax-dependencies = 2\n$0"),
            ["required-roles -> \"required-roles = \" (values next)"]
        );
        let roles = complete("[team]\nrequired-roles = [\"qa\", $0");
        assert!(
            roles.contains(&"design -> \"\\\"design\\\"\"".to_string()),
            "{roles:?}"
        );
        assert!(complete("# [rules] $0").is_empty());
        assert!(complete("[rules]\norphan-team = \"off\" $0").is_empty());
    }

    #[test]
    fn hovers_on_rule_names_levels_sections_and_keys() {
        let text = "[rules]\norphan-team = \"hint\"\n\n[team]\nmax-dependencies = 2\n";
        let at = |w: &str| {
            hover(text, text.find(w).unwrap() + 1).map(|(r, h)| (&text[r.start()..r.end()], h))
        };
        let (word, h) = at("orphan-team").unwrap();
        assert_eq!(word, "orphan-team");
        assert!(
            h.starts_with("**orphan-team** — ") && h.contains("Default level: `warning`"),
            "{h}"
        );
        assert!(at("hint").unwrap().1.starts_with("**hint**: "));
        assert!(at("rules]").unwrap().1.starts_with("**[rules]**"));
        assert!(at("max-dependencies")
            .unwrap()
            .1
            .contains("too-many-dependencies"));
        assert_eq!(hover(text, text.len()), None);
    }

    #[test]
    fn the_table_is_what_the_parser_accepts() {
        let names: Vec<(&str, Vec<&str>)> = SECTIONS
            .iter()
            .map(|s| (s.name, s.keys.iter().map(|k| k.name).collect()))
            .collect();
        let parsers: Vec<(&str, Vec<&str>)> = crate::config::SECTIONS
            .iter()
            .map(|(s, keys)| (*s, keys.to_vec()))
            .collect();
        assert_eq!(names, parsers);
        for s in SECTIONS {
            let (_, errors) = crate::config::parse(&format!("[{}]\n", s.name));
            assert!(errors.is_empty(), "[{}]: {errors:?}", s.name);
            for k in s.keys {
                let (_, errors) =
                    crate::config::parse(&format!("[{}]\n{} = {}\n", s.name, k.name, k.example));
                assert!(errors.is_empty(), "{}.{}: {errors:?}", s.name, k.name);
            }
            let (_, errors) = crate::config::parse(&format!("[{}]\nno-such-key = 1\n", s.name));
            assert!(!errors.is_empty(), "[{}] takes any key", s.name);
        }
        let (_, errors) = crate::config::parse("[no-such-section]\n");
        assert!(!errors.is_empty());
        for (level, _) in LEVELS {
            let (_, errors) =
                crate::config::parse(&format!("[rules]\norphan-team = \"{level}\"\n"));
            assert!(errors.is_empty(), "{level}: {errors:?}");
        }
    }
}
