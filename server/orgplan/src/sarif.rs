//! `orgplan check --format sarif`: SARIF 2.1.0, every rule and every
//! finding as a result, for code-scanning services.
//!
//! Written from typed values that borrow the report's texts, not built as
//! a `serde_json::Value` tree first: with the tree, a ten-file workspace's
//! 20,000 results took the command's peak from 384 to 824 MB (BENCHMARKS.md,
//! "6 Dec (twenty-fifth session)"). The fields are declared in the order of their
//! names, the order the value tree wrote them in, so that the output is
//! the same, byte for byte.

use crate::output::{uri, Place, Report};
use orgplan_analysis::rules::{self, Finding, Severity};
use serde::Serialize;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    tool: Tool<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<String>,
    name: &'static str,
    rules: Vec<SarifRule<'a>>,
    version: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct Tags {
    tags: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    default_configuration: Level,
    full_description: Text<'a>,
    help: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    id: &'a str,
    properties: Tags,
    short_description: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Related<'a> {
    id: usize,
    message: Text<'a>,
    physical_location: Physical,
}

#[derive(Serialize)]
struct Severe {
    severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    artifact_changes: Vec<ArtifactChange<'a>>,
    description: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    level: &'static str,
    locations: [Location; 1],
    message: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Severe>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Related<'a>>,
    rule_id: &'a str,
    rule_index: Option<usize>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn region(p: &Place) -> Region {
    Region {
        end_column: p.end_column,
        end_line: p.end_line,
        start_column: p.column,
        start_line: p.line,
    }
}

fn physical(p: &Place) -> Physical {
    Physical {
        artifact_location: ArtifactLocation { uri: uri(&p.file) },
        region: region(p),
    }
}

/// A quick fix: its edits grouped by file.
fn fix<'a>(fix: &'a rules::Fix, places: &[Place]) -> SarifFix<'a> {
    let mut changes: Vec<ArtifactChange> = Vec::new();
    for (edit, place) in fix.edits.iter().zip(places) {
        let replacement = Replacement {
            deleted_region: region(place),
            inserted_content: Text {
                text: &edit.new_text,
            },
        };
        let uri = uri(&place.file);
        match changes.iter_mut().find(|c| c.artifact_location.uri == uri) {
            Some(c) => c.replacements.push(replacement),
            None => changes.push(ArtifactChange {
                artifact_location: ArtifactLocation { uri },
                replacements: vec![replacement],
            }),
        }
    }
    SarifFix {
        artifact_changes: changes,
        description: Text { text: &fix.title },
    }
}

/// A rule, with a link to its page under `docs_base`.
fn rule<'a>(r: &'a rules::Rule, docs_base: Option<&str>) -> SarifRule<'a> {
    SarifRule {
        default_configuration: Level {
            level: level(r.default_severity),
        },
        full_description: Text { text: r.principle },
        help: Text { text: r.fix },
        help_uri: docs_base.map(|base| rules::docs_link(base, r.name)),
        id: r.name,
        properties: Tags {
            tags: [match r.group {
                rules::Group::Structure => "structure",
                rules::Group::Principle => "principle",
            }],
        },
        short_description: Text { text: r.summary },
    }
}

/// A finding at `p`, its related places at `related`, its fixes' edits at
/// `fix_places`.
fn result<'a>(
    f: &'a Finding,
    p: &Place,
    related: &[Place],
    fix_places: &[Vec<Place>],
) -> SarifResult<'a> {
    SarifResult {
        fixes: f
            .fixes
            .iter()
            .zip(fix_places)
            .map(|(x, places)| fix(x, places))
            .collect(),
        level: level(f.severity),
        locations: [Location {
            physical_location: physical(p),
        }],
        message: Text { text: &f.message },
        properties: matches!(f.severity, Severity::Hint | Severity::Info).then(|| Severe {
            severity: f.severity.as_str(),
        }),
        related_locations: f
            .related
            .iter()
            .zip(related)
            .enumerate()
            .map(|(id, (r, p))| Related {
                id,
                message: Text { text: &r.message },
                physical_location: physical(p),
            })
            .collect(),
        rule_id: f.rule,
        rule_index: rules::ALL.iter().position(|r| r.name == f.rule),
    }
}

/// SARIF 2.1.0 of `report`, pretty-printed, with a final line break.
pub fn sarif(report: &Report) -> String {
    let docs_base = report.docs_base.as_deref();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results: report
                .items
                .iter()
                .zip(&report.fix_places)
                .map(|((f, p, related), places)| result(f, p, related, places))
                .collect(),
            tool: Tool {
                driver: Driver {
                    // The rules' page under the documentation base (none
                    // for a base that is a template of each rule's own
                    // address).
                    information_uri: docs_base
                        .filter(|b| !b.contains("{rule}"))
                        .map(|b| format!("{}/rules.md", b.trim_end_matches('/'))),
                    name: "orgplan",
                    rules: rules::ALL.iter().map(|r| rule(r, docs_base)).collect(),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    s.push('\n');
    s
}
