//! `orgplan graph` and `orgplan report`, end to end: the JSON shape, the
//! SVG as XML, misuse, and the report opened in headless Chromium (its
//! screenshot kept in `target/test-artefacts/`).
//!
//! The binary must be built first (`cargo build -p orgplan`), or named by
//! `ORGPLAN_BIN`.

use orgplan_e2e::{orgplan_bin, workspace_root};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fixture() -> PathBuf {
    workspace_root().join("tests/graph/fixtures/plan")
}

fn run(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(orgplan_bin())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("orgplan runs");
    let run = Run {
        code: out.status.code().expect("orgplan exits"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

#[test]
fn json_shape() {
    let r = run(&fixture(), &["graph", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    insta::assert_snapshot!("whole", serde_json::to_string_pretty(&v).unwrap());
    let r = run(&fixture(), &["graph", "--format", "json", "--overview"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    insta::assert_snapshot!("overview", serde_json::to_string_pretty(&v).unwrap());
}

#[test]
fn focus_and_formats() {
    let r = run(
        &fixture(),
        &[
            "graph", "--focus", "ads", "--depth", "1", "--format", "mermaid",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("focus_ads_mermaid", r.stdout);
    let r = run(&fixture(), &["graph", "--focus", "ads", "--format", "dot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("focus_ads_dot", r.stdout);
}

#[test]
fn svg_to_a_file_is_xml() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.svg");
    let r = run(&fixture(), &["graph", ".", "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let svg = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let count = |c: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class").is_some_and(|a| a.starts_with(c)))
            .filter(|n| n.attribute("data-key").is_some() || n.attribute("data-from").is_some())
            .count()
    };
    let v: serde_json::Value =
        serde_json::from_str(&run(&fixture(), &["graph", "--format", "json"]).stdout).unwrap();
    assert_eq!(count("node "), v["nodes"].as_array().unwrap().len());
    assert_eq!(count("edge "), v["edges"].as_array().unwrap().len());
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(
        texts.iter().any(|t| t.contains("Jane <Doe> & \"Co\"")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("Raj 🚀 拉杰")));
}

#[test]
fn misuse_exits_2() {
    let cases: &[&[&str]] = &[
        &["graph", "--format", "png"],
        &["graph", "--depth", "2"],
        &["graph", "--focus", "fbb"],
        &["graph", "no-such-folder"],
        &["graph", "--depth", "x", "--focus", "fba"],
        &["report"],
        &["report", "-o"],
    ];
    for args in cases {
        let r = run(&fixture(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.is_empty());
    }
    let r = run(&fixture(), &["graph", "--focus", "fbb"]);
    assert!(r.stderr.contains("did you mean `fba`"), "{}", r.stderr);
    let empty = tempfile::tempdir().unwrap();
    let r = run(empty.path(), &["graph"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no .orgplan files"), "{}", r.stderr);
}

/// Where a test keeps what a person may want to look at afterwards.
fn artefacts() -> PathBuf {
    let dir = workspace_root().join("target/test-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| {
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join(name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .find(|p| p.is_file())
}

#[test]
fn report_is_self_contained_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let r = run(&fixture(), &["report", "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    // Nothing to fetch: no external source, a policy that forbids it.
    assert!(html
        .contains(r#"http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;"#));
    for needle in ["src=\"http", "href=\"http://", "@import", "url(http"] {
        assert!(!html.contains(needle), "{needle}");
    }
    // Each initiative with its checklist, each finding with its principle.
    assert!(html.contains(r#"id="initiative-fba""#) && html.contains(r#"id="initiative-ads""#));
    assert!(html.contains("Single-threaded checklist"));
    assert!(html.contains("<code>part-time-leader</code>"));
    let principle = orgplan_analysis::rules::by_name("part-time-leader")
        .unwrap()
        .principle;
    assert!(html.contains(&orgplan_analysis::graph::escape_xml(principle)));

    let Some(chrome) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is needed to check the report (apt-get install chromium)"
        );
        eprintln!("skipped: no chromium");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", out.display());
    let common = [
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--hide-scrollbars".into(),
        format!("--user-data-dir={}", profile.path().display()),
        "--window-size=1300,1600".into(),
    ];
    let shot = artefacts().join("report.png");
    let _ = std::fs::remove_file(&shot);
    let status = Command::new(&chrome)
        .args(&common)
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(std::fs::metadata(&shot)
        .map(|m| m.len() > 10_000)
        .unwrap_or(false));
    // The DOM after the page's script ran (under its own policy): the
    // picture (the script took its fixed size away to pan and zoom it) and
    // the findings are there.
    let dom = Command::new(&chrome)
        .args(&common)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    let svg_at = dom.find("<svg").expect("the picture is in the page");
    let svg_tag = &dom[svg_at..svg_at + dom[svg_at..].find('>').unwrap()];
    assert!(
        !svg_tag.contains(" width="),
        "the pan-and-zoom script ran: {svg_tag}"
    );
    assert!(
        dom.contains(r#"class="node team error""#),
        "shared-ml is drawn with an error"
    );
    assert!(
        dom.contains(r#"class="node leader warning""#),
        "raj is drawn with a warning"
    );
    assert!(dom.contains("part-time-leader"));
    std::fs::copy(&out, artefacts().join("report.html")).unwrap();
}
