//! Shared helpers for the end-to-end tests.

use std::path::{Path, PathBuf};

/// The workspace root (the folder above `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The `orgplan` binary under test: `$ORGPLAN_BIN`, or the workspace's
/// debug build. Panics with what to do when it is not built.
pub fn orgplan_bin() -> PathBuf {
    let path = match std::env::var_os("ORGPLAN_BIN") {
        Some(p) => PathBuf::from(p),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| workspace_root().join("target"));
            let target = if target.is_absolute() {
                target
            } else {
                workspace_root().join(target)
            };
            target
                .join("debug")
                .join(format!("orgplan{}", std::env::consts::EXE_SUFFIX))
        }
    };
    assert!(
        path.is_file(),
        "the orgplan binary is missing at {}: run `cargo build -p orgplan` before these tests, or set ORGPLAN_BIN",
        path.display()
    );
    path
}

/// The addresses outside the project that orgplan may print: the article
/// every principle comes from and the SARIF schema. They are checked by
/// name (tests open no connection); every other link must lie under a
/// documentation base URL and is followed by [`follow`].
pub const EXTERNAL_PAGES: &[&str] = &[
    orgplan_analysis::rules::SOURCE_URL,
    "https://json.schemastore.org/sarif-2.1.0.json",
];

/// Every address in `text` (`http://`, `https://` and `file://`).
pub fn links_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for scheme in ["https://", "http://", "file://"] {
        let mut rest = text;
        while let Some(i) = rest.find(scheme) {
            let tail = &rest[i..];
            let end = tail
                .find(|c: char| c.is_whitespace() || "\"'<>)`]\\".contains(c))
                .unwrap_or(tail.len());
            out.push(tail[..end].trim_end_matches(['.', ',', ';']).to_string());
            rest = &tail[end..];
        }
    }
    out
}

/// Opens `link`: a `file://` address must name a file that exists and, with
/// a `#fragment`, has a Markdown heading of that anchor; an `http(s)` one
/// must be one of [`EXTERNAL_PAGES`].
pub fn follow(link: &str) -> Result<(), String> {
    if EXTERNAL_PAGES.contains(&link) {
        return Ok(());
    }
    let Some(rest) = link.strip_prefix("file://") else {
        return Err(format!(
            "{link}: an address outside the project, not a known page"
        ));
    };
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (rest, None),
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{link}: {e}"))?;
    if let Some(fragment) = fragment {
        let found = text
            .lines()
            .filter_map(|l| l.strip_prefix('#'))
            .map(|h| h.trim_start_matches('#').trim())
            .any(|h| markdown_anchor(h) == fragment);
        if !found {
            return Err(format!("{link}: no heading `{fragment}` in {path}"));
        }
    }
    Ok(())
}

/// The anchor a Markdown renderer gives a heading (GitHub's way).
fn markdown_anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}
