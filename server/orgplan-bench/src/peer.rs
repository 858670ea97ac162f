//! orgplan side by side with a peer: LikeC4's language server (a Langium
//! server, run with Node) on the same generated plan written as a LikeC4
//! model ([`crate::likec4`]), in the same run, driven by the same client.
//!
//! For each server: initialize with the plan's folder as the workspace
//! (each server reads the whole model), open the first file and wait for
//! its diagnostics, then type into it and wait, after each keystroke, for
//! that file's diagnostics. The keystrokes are the same in kind in both
//! texts: characters typed into a team's title, and a dependency's target
//! extended by two characters (breaking the reference) and shortened back
//! (mending it). LikeC4 publishes diagnostics without a version: the first
//! publication for the file after a keystroke counts as its answer.

use crate::generate::{self, Options as GenOptions};
use crate::likec4;
use crate::lsp::{file_uri, initialize_params, ms, position, Series, Server};
use orgplan_test_client::lsp_types::notification::{
    DidChangeTextDocument, DidOpenTextDocument, Initialized, PublishDiagnostics,
};
use orgplan_test_client::lsp_types::request::Initialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub lines: usize,
    pub files: usize,
    pub seed: u64,
    pub violations: f64,
    /// Keystrokes typed into each server.
    pub edits: usize,
    /// `orgplan` (run as `SERVER lsp`).
    pub server: PathBuf,
    /// Node, and LikeC4's command-line script (run as `NODE LIKEC4 lsp --stdio`).
    pub node: PathBuf,
    pub likec4: PathBuf,
    /// How long to wait for any one answer.
    pub timeout: Duration,
}

/// What one server did.
#[derive(Debug, Default)]
pub struct Side {
    pub name: &'static str,
    /// The files it read and their size.
    pub files: usize,
    pub bytes: usize,
    pub initialize: Option<Duration>,
    /// From didOpen (sent right after `initialized`) to the file's first
    /// diagnostics: the workspace loaded and the file checked.
    pub open: Option<Duration>,
    /// How many diagnostics that first publication had.
    pub diagnostics: usize,
    pub edits: Series,
    /// VmHWM at the end.
    pub peak: Option<u64>,
}

/// Both sides of one run.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: usize,
    pub elements: usize,
    pub relationships: usize,
    pub sides: Vec<Side>,
    pub timeout: Duration,
}

pub fn run(opts: &Options) -> Result<Report, String> {
    let plan = generate::generate(&GenOptions {
        lines: opts.lines,
        files: opts.files.max(1),
        seed: opts.seed,
        syntax_errors: false,
        violations: opts.violations,
    });
    let model = likec4::model(&plan.files);
    let base = std::env::temp_dir().join(format!("orgplan-peer-{}", std::process::id()));
    let result = run_in(opts, &plan, &model, &base);
    let _ = std::fs::remove_dir_all(&base);
    result
}

fn run_in(
    opts: &Options,
    plan: &generate::Plan,
    model: &likec4::Model,
    base: &Path,
) -> Result<Report, String> {
    let ours = base.join("orgplan");
    let theirs = base.join("likec4");
    plan.write_to(&ours)
        .map_err(|e| format!("cannot write the plan: {e}"))?;
    write_all(&theirs, &model.files)?;
    let server = std::fs::canonicalize(&opts.server)
        .map_err(|e| format!("cannot find the server at {}: {e}", opts.server.display()))?;
    let mut orgplan = Command::new(server);
    orgplan.arg("lsp");
    let mut peer = Command::new(&opts.node);
    peer.arg(&opts.likec4).args(["lsp", "--stdio"]);

    let ours_side = measure(
        ("orgplan", orgplan, "orgplan"),
        &ours,
        &plan.files[0],
        &Typing::orgplan(),
        opts,
    )?;
    let theirs_side = measure(
        ("LikeC4", peer, "likec4"),
        &theirs,
        &model.files[1],
        &Typing::likec4(),
        opts,
    )?;
    Ok(Report {
        lines: plan.lines(),
        elements: model.elements,
        relationships: model.relationships,
        timeout: opts.timeout,
        sides: vec![
            Side {
                files: plan.files.len(),
                bytes: plan.bytes(),
                ..ours_side
            },
            Side {
                files: model.files.len(),
                bytes: model.bytes(),
                ..theirs_side
            },
        ],
    })
}

fn write_all(dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (name, text) in files {
        std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    Ok(())
}

/// Where to type in one language's text: after the opening quote of a
/// team's title, and at the end of a dependency's target.
struct Typing {
    /// Whether a line declares a team (its title's quote follows).
    team: fn(&str) -> bool,
    quote: char,
    /// The target id ends where this starts (or at the line's end).
    dependency: fn(&str) -> Option<usize>,
}

/// One keystroke: at a byte offset, `delete` bytes replaced by `insert`.
type Key = (usize, &'static str, usize);

impl Typing {
    fn orgplan() -> Typing {
        Typing {
            team: |line| line.starts_with("team "),
            quote: '"',
            dependency: |line| {
                let i = line.find("depends_on ")? + "depends_on ".len();
                let rest = &line[i..];
                Some(i + rest.find([' ', '{']).unwrap_or(rest.len()))
            },
        }
    }

    fn likec4() -> Typing {
        Typing {
            team: |line| line.contains(" = team "),
            quote: '\'',
            dependency: |line| line.find(" 'depends on'"),
        }
    }

    /// Byte offsets of the places to type at, over the middle half of the
    /// text: (titles, dependency targets).
    fn places(&self, text: &str) -> (Vec<usize>, Vec<usize>) {
        let (from, to) = (text.len() / 4, text.len() * 3 / 4);
        let (mut titles, mut targets) = (Vec::new(), Vec::new());
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if (from..to).contains(&offset) {
                if (self.team)(line) {
                    if let Some(q) = line.find(self.quote) {
                        titles.push(offset + q + 1);
                    }
                }
                if let Some(end) = (self.dependency)(line.trim_end_matches(['\n', '\r'])) {
                    targets.push(offset + end);
                }
            }
            offset += line.len();
        }
        (titles, targets)
    }

    /// The keystrokes, in the order to send them, each at an offset of the
    /// text as the keystrokes before it left it: rounds of four characters
    /// typed into a title, then two added to a dependency's target and
    /// removed again, each round at other places spread over the text.
    fn keystrokes(&self, text: &str, n: usize) -> Vec<Key> {
        let rounds = n.div_ceil(8).max(1);
        let mut text = text.to_string();
        let mut out = Vec::new();
        for k in 0..rounds {
            let (titles, targets) = self.places(&text);
            let pick = |list: &[usize]| list.get(k * list.len() / rounds).copied();
            let (Some(title), Some(target)) = (pick(&titles), pick(&targets)) else {
                break;
            };
            let mut round: Vec<Key> = vec![
                (title, "n", 0),
                (title + 1, "e", 0),
                (title + 2, "w", 0),
                (title + 3, " ", 0),
            ];
            let target = if target > title { target + 4 } else { target };
            round.extend([
                (target, "x", 0),
                (target + 1, "y", 0),
                (target + 1, "", 1),
                (target, "", 1),
            ]);
            for &(at, insert, delete) in &round {
                text.replace_range(at..at + delete, insert);
            }
            out.extend(round);
        }
        out.truncate(n.max(1));
        out
    }
}

/// One server's session: (its name, how to start it, the language id of
/// its files), its workspace folder and the file to open and type into.
fn measure(
    (name, command, language): (&'static str, Command, &str),
    root: &Path,
    (file, text): &(String, String),
    typing: &Typing,
    opts: &Options,
) -> Result<Side, String> {
    let uri = file_uri(&root.join(file));
    let mut s =
        Server::start(command, opts.timeout).map_err(|e| format!("cannot start {name}: {e}"))?;
    let mut side = Side {
        name,
        edits: Series::new("edit → diagnostics"),
        ..Side::default()
    };
    let (took, answer) = s.request::<Initialize>(initialize_params(root));
    if answer.is_none() {
        s.shutdown();
        return Err(format!("{name} did not answer initialize"));
    }
    side.initialize = Some(took);
    s.notify::<Initialized>(json!({}));
    let sent = s.notify::<DidOpenTextDocument>(
        json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
    );
    let Some((at, msg)) = s.wait_for(|m| published(m, &uri, None)) else {
        // Not checked within the time-out: typing would only wait as long
        // again for each keystroke.
        side.edits.missing = opts.edits;
        side.peak = s.status("VmHWM");
        s.shutdown();
        return Ok(side);
    };
    side.open = Some(at - sent);
    side.diagnostics = msg["params"]["diagnostics"].as_array().map_or(0, Vec::len);
    // Whatever the load still publishes is not an answer to a keystroke.
    s.drain(Duration::from_millis(1000));
    let mut text = text.clone();
    for (k, (at, insert, delete)) in typing.keystrokes(&text, opts.edits).into_iter().enumerate() {
        let version = k as i64 + 2;
        let range = json!({"start": position(&text, at), "end": position(&text, at + delete)});
        text.replace_range(at..at + delete, insert);
        let sent = s.notify::<DidChangeTextDocument>(json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": range, "text": insert}]
        }));
        match s.wait_for(|m| published(m, &uri, Some(version))) {
            Some((at, _)) => side.edits.samples.push(at - sent),
            None => side.edits.missing += 1,
        }
    }
    side.peak = s.status("VmHWM");
    s.shutdown();
    Ok(side)
}

/// Whether `m` publishes the diagnostics of `uri`, for `version` if the
/// server says which version it checked.
fn published(m: &Value, uri: &str, version: Option<i64>) -> bool {
    orgplan_test_client::is::<PublishDiagnostics>(m)
        && m["params"]["uri"].as_str() == Some(uri)
        && match (version, m["params"]["version"].as_i64()) {
            (Some(want), Some(got)) => want == got,
            _ => true,
        }
}

impl Report {
    pub fn table(&self) -> String {
        let [ours, theirs] = &self.sides[..] else {
            return String::new();
        };
        let mut out = format!(
            "the same plan: {} lines of orgplan in {} file(s), {} bytes; as LikeC4: {} elements, {} relationships, {} bytes in {} files\n\n",
            self.lines,
            ours.files,
            ours.bytes,
            self.elements,
            self.relationships,
            theirs.bytes,
            theirs.files
        );
        out += &format!(
            "{:<36} {:>12} {:>12} {:>8}\n",
            "", ours.name, theirs.name, "ratio"
        );
        let row = |label: &str, a: Option<f64>, b: Option<f64>, unit: &str| {
            let cell = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1} {unit}"));
            let ratio = match (a, b) {
                (Some(a), Some(b)) if a > 0.0 => format!("{:.0}×", b / a),
                _ => "—".into(),
            };
            format!("{label:<36} {:>12} {:>12} {ratio:>8}\n", cell(a), cell(b))
        };
        let d = |d: Option<Duration>| d.map(ms);
        if ours.open.is_none() || theirs.open.is_none() {
            out += &format!(
                "(—: no diagnostics within the time-out of {} s)\n",
                self.timeout.as_secs()
            );
        }
        out += &row("initialize", d(ours.initialize), d(theirs.initialize), "ms");
        out += &row(
            "open → diagnostics (workspace load)",
            d(ours.open),
            d(theirs.open),
            "ms",
        );
        for p in [50.0, 99.0] {
            out += &row(
                &format!("edit → diagnostics p{p}"),
                d(ours.edits.percentile(p)),
                d(theirs.edits.percentile(p)),
                "ms",
            );
        }
        let mb = |b: Option<u64>| b.map(|b| b as f64 / 1e6);
        out += &row(
            "peak memory (VmHWM at the end)",
            mb(ours.peak),
            mb(theirs.peak),
            "MB",
        );
        out += &format!(
            "\nkeystrokes answered: {} {}/{}, {} {}/{}; diagnostics on open: {} {}, {} {}\n",
            ours.name,
            ours.edits.samples.len(),
            ours.edits.samples.len() + ours.edits.missing,
            theirs.name,
            theirs.edits.samples.len(),
            theirs.edits.samples.len() + theirs.edits.missing,
            ours.name,
            ours.diagnostics,
            theirs.name,
            theirs.diagnostics,
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, keys: &[Key]) -> Vec<String> {
        let mut t = text.to_string();
        keys.iter()
            .map(|&(at, insert, delete)| {
                t.replace_range(at..at + delete, insert);
                t.clone()
            })
            .collect()
    }

    #[test]
    fn both_languages_get_the_same_keystrokes_and_each_round_mends_the_reference() {
        let plan = generate::generate(&GenOptions {
            lines: 4_000,
            files: 1,
            seed: 7,
            syntax_errors: false,
            violations: 1.0,
        });
        let model = likec4::model(&plan.files);
        let ours = Typing::orgplan().keystrokes(&plan.files[0].1, 16);
        let theirs = Typing::likec4().keystrokes(&model.files[1].1, 16);
        assert_eq!(ours.len(), 16);
        assert_eq!(theirs.len(), 16);
        let shape = |k: &[Key]| k.iter().map(|&(_, i, d)| (i.len(), d)).collect::<Vec<_>>();
        // The same kinds of keystroke, though the places differ.
        let mut a = shape(&ours);
        let mut b = shape(&theirs);
        a.sort();
        b.sort();
        assert_eq!(a, b);
        for (text, keys, quote) in [
            (&plan.files[0].1, &ours, '"'),
            (&model.files[1].1, &theirs, '\''),
        ] {
            let texts = apply(text, keys);
            // Each round of eight leaves only what was typed into a title,
            // and types at another place.
            for round in [7, 15] {
                assert_eq!(texts[round].len(), text.len() + 4 * (round + 1) / 8);
                assert_eq!(
                    texts[round].matches(&format!("{quote}new ")).count(),
                    (round + 1) / 8
                );
                // The reference was broken, then mended.
                assert_ne!(texts[round - 2].len(), texts[round].len());
            }
            assert_ne!(keys[0].0, keys[8].0);
        }
    }
}
