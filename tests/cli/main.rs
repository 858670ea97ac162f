//! The `orgplan` command line, end to end: output formats, exit codes,
//! misuse, `explain` for every rule, `fmt`.
//!
//! The binary must be built first (`cargo build -p orgplan`), or named by
//! `ORGPLAN_BIN`. Fixtures live in `tests/cli/fixtures/`: `plan/` (two files
//! and an `orgplan.toml`, with errors, a warning and a hint) and `clean/`.

use orgplan_analysis::rules;
use orgplan_e2e::{follow, links_in, orgplan_bin, workspace_root};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fixtures() -> PathBuf {
    workspace_root().join("tests/cli/fixtures")
}

/// Runs `orgplan args…` in `cwd`, with `stdin` as its input.
fn run_in(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(orgplan_bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("ORGPLAN_LOG")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orgplan starts");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let out = child.wait_with_output().expect("orgplan runs");
    let run = Run {
        code: out
            .status
            .code()
            .expect("orgplan exits, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "orgplan panicked: {}",
        run.stderr
    );
    run
}

fn run(args: &[&str]) -> Run {
    run_in(&fixtures(), args, None)
}

/// A usage or I/O error: exit 2, one clear message on stderr, nothing on stdout.
fn assert_usage_error(r: &Run, needle: &str) {
    assert_eq!(r.code, 2, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(needle),
        "stderr lacks {needle:?}: {}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "stdout: {}", r.stdout);
}

// ---- check: output formats ------------------------------------------------

#[test]
fn check_human_output() {
    let r = run(&["check", "--color", "never", "plan"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains('\u{1b}'), "no colour when told never");
    insta::assert_snapshot!(r.stdout);
}

/// A finding whose places lie far apart in one file: each run of nearby
/// places is a snippet of its own, the finding's own first (under `-->`),
/// the others under `:::`, instead of one window from the first place to
/// the last (whose drawing read every line between: on the 100k-line plan,
/// most of `orgplan check`'s time).
#[test]
fn check_human_output_draws_places_far_apart_as_snippets_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let padding: String = (0..30)
        .map(|i| format!("# note {i}: lines between the two initiatives\n"))
        .collect();
    let plan = format!(
        "leader ana \"Ana Ruiz\" {{\n  title: \"Director\"\n}}\n\n\
         initiative one \"One\" {{\n  leader: ana\n  scope: \"The first\"\n  \
         metrics: \"Weekly active users\"\n}}\n\n{padding}\n\
         initiative two \"Two\" {{\n  leader: ana\n  scope: \"The second\"\n  \
         metrics: \"Orders a day\"\n}}\n"
    );
    std::fs::write(dir.path().join("plan.orgplan"), plan).unwrap();
    let r = run_in(
        dir.path(),
        &["check", "--color", "never", "plan.orgplan"],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn check_human_output_has_no_colour_when_piped_and_colour_when_asked() {
    let auto = run(&["check", "plan"]);
    assert!(
        !auto.stdout.contains('\u{1b}'),
        "stdout is a pipe: no colour"
    );
    let always = run(&["check", "--color", "always", "plan"]);
    assert!(always.stdout.contains('\u{1b}'), "colour when asked");
}

#[test]
fn check_json_output() {
    let r = run(&["check", "--format", "json", "plan"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    let items = v.as_array().expect("an array");
    assert!(!items.is_empty());
    for f in items {
        for key in [
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "severity",
            "rule",
            "message",
            "related",
            "fixes",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
        assert!(["error", "warning", "info", "hint"].contains(&f["severity"].as_str().unwrap()));
        assert!(rules::by_name(f["rule"].as_str().unwrap()).is_some());
        assert!(f["line"].as_u64().unwrap() >= 1 && f["column"].as_u64().unwrap() >= 1);
        let file = f["file"].as_str().unwrap();
        assert!(
            file.starts_with("plan/") && !file.starts_with('/'),
            "relative path: {file}"
        );
    }
    // Columns count characters: `titel` follows an emoji on its line.
    let titel = items
        .iter()
        .find(|f| f["rule"] == "unknown-property")
        .unwrap();
    assert_eq!(
        (titel["line"].as_u64(), titel["column"].as_u64()),
        (Some(6), Some(44))
    );
    assert_eq!(titel["end_column"].as_u64(), Some(49));
    // Related locations, in another file.
    assert!(
        items.iter().any(|f| f["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["file"] != f["file"])),
        "a related location in another file"
    );
    assert!(items
        .iter()
        .any(|f| f["rule"] == "part-time-leader" && f["severity"] == "error"));
    // orgplan.toml was found: missing-metrics is a hint there.
    let mm = items
        .iter()
        .find(|f| f["rule"] == "missing-metrics")
        .unwrap();
    assert_eq!(mm["severity"], "hint");
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn check_sarif_output() {
    let r = run(&["check", "--format", "sarif", "plan"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run0 = &v["runs"][0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "orgplan");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let sarif_rules = driver["rules"].as_array().unwrap();
    assert_eq!(sarif_rules.len(), rules::ALL.len(), "every rule is listed");
    for (sr, rule) in sarif_rules.iter().zip(rules::ALL) {
        assert_eq!(sr["id"], rule.name);
        assert_eq!(sr["shortDescription"]["text"], rule.summary);
        assert_eq!(sr["fullDescription"]["text"], rule.principle);
        // No documentation base URL in the fixture: no link is made up.
        assert!(sr.get("helpUri").is_none(), "{sr}");
        assert!(["error", "warning", "note"]
            .contains(&sr["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        assert!(sarif_rules.iter().any(|r| r["id"] == res["ruleId"]));
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let loc = &res["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("plan/") && !uri.contains('\\'), "{uri}");
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][k].as_u64().unwrap() >= 1, "{k}");
        }
    }
    let mm = results
        .iter()
        .find(|r| r["ruleId"] == "missing-metrics")
        .unwrap();
    assert_eq!(mm["level"], "note", "hint → note");
    assert!(
        results
            .iter()
            .any(|r| r["relatedLocations"].as_array().is_some_and(|rel| rel
                .iter()
                .any(|l| l["physicalLocation"]["artifactLocation"]["uri"]
                    != r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]))),
        "a related location in another file"
    );
    // Quick fixes as SARIF fixes: `titel` → `title`.
    let typo = results
        .iter()
        .find(|r| r["ruleId"] == "unknown-property")
        .unwrap();
    let change = &typo["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "plan/leaders.orgplan");
    assert_eq!(
        change["replacements"][0]["insertedContent"]["text"],
        "title"
    );
    assert_eq!(
        change["replacements"][0]["deletedRegion"]["startColumn"],
        44
    );
    // The rules are checked above, one by one; the snapshot holds the results.
    insta::assert_snapshot!(serde_json::to_string_pretty(&run0["results"]).unwrap());
    // The whole text, as code-scanning services read it (written from typed
    // values: this pins that the fields and their order are the value
    // tree's that it replaced).
    insta::assert_snapshot!("check_sarif_output_whole_text", r.stdout);
}

// ---- check: exit status, workspace, configuration ---------------------------

#[test]
fn clean_plan_exits_0() {
    let r = run(&["check", "clean"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "no problems found in 1 file\n");
    let json = run(&["check", "--format", "json", "clean"]);
    assert_eq!((json.code, json.stdout.as_str()), (0, "[]\n"));
}

#[test]
fn warnings_alone_exit_0_and_rule_overrides_apply() {
    // Every rule that is an error by default, or made one, becomes a warning.
    let mut args = vec![
        "check".to_string(),
        "--format".into(),
        "json".into(),
        "plan".into(),
    ];
    for rule in rules::ALL {
        args.push("--rule".into());
        args.push(format!("{}=warning", rule.name));
    }
    args.push("--rule".into());
    args.push("incomplete-team=off".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let items = v.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|f| f["severity"] == "warning"), "{v:#}");
    assert!(
        !items.iter().any(|f| f["rule"] == "incomplete-team"),
        "turned off"
    );
}

#[test]
fn files_given_one_by_one_are_one_workspace() {
    // `raj` and `jane` are declared in leaders.orgplan: no undefined references.
    let r = run(&[
        "check",
        "--format",
        "json",
        "plan/plan.orgplan",
        "plan/leaders.orgplan",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let undefined: Vec<&Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "undefined-reference")
        .collect();
    assert_eq!(undefined.len(), 1, "only `paymnts`: {undefined:?}");
    // The same file twice counts once.
    let twice = run(&["check", "plan", "plan/plan.orgplan"]);
    assert!(
        twice.stdout.trim_end().ends_with("in 2 files"),
        "{}",
        twice.stdout
    );
    assert!(!twice.stdout.contains("duplicate-definition"));
}

#[test]
fn no_paths_means_the_current_folder() {
    let r = run_in(
        &fixtures().join("plan"),
        &["check", "--format", "json"],
        None,
    );
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let files: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"plan.orgplan") && files.contains(&"leaders.orgplan"),
        "{files:?}"
    );
    // The orgplan.toml of the current folder applies.
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "missing-metrics" && f["severity"] == "hint"));
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const MISSING_SCOPE: &str =
    "leader a \"A\" { allocation: 100% }\ninitiative i \"I\" {\n  leader: a\n  metrics: \"m\"\n}\n";

fn rules_found(r: &Run) -> Vec<String> {
    let v: Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn nearest_orgplan_toml_applies_up_to_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("orgplan.toml"),
        "[rules]\nmissing-scope = \"error\"\n",
    );
    write(&root.join("repo/.git/HEAD"), "ref: refs/heads/main\n");
    write(&root.join("repo/plans/sub/a.orgplan"), MISSING_SCOPE);
    write(&root.join("other/plans/a.orgplan"), MISSING_SCOPE);
    write(
        &root.join("other/orgplan.toml"),
        "[rules]\nmissing-scope = \"off\"\n",
    );

    // Above the repository root: not used (missing-scope stays a warning).
    let r = run_in(
        &root.join("repo"),
        &["check", "--format", "json", "plans"],
        None,
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(rules_found(&r).contains(&"missing-scope".to_string()));

    // An ancestor of the given folder: used.
    let r = run_in(root, &["check", "--format", "json", "other/plans"], None);
    assert!(
        !rules_found(&r).contains(&"missing-scope".to_string()),
        "{}",
        r.stdout
    );

    // --config wins over the nearest file.
    write(
        &root.join("strict.toml"),
        "[rules]\nmissing-scope = \"error\"\n",
    );
    let r = run_in(
        root,
        &[
            "check",
            "--format",
            "json",
            "--config",
            "strict.toml",
            "other/plans",
        ],
        None,
    );
    assert_eq!(r.code, 1);
    assert!(rules_found(&r).contains(&"missing-scope".to_string()));

    // --rule wins over the configuration.
    let r = run_in(
        root,
        &[
            "check",
            "--config",
            "strict.toml",
            "--rule",
            "missing-scope=hint",
            "other/plans",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);

    // A broken orgplan.toml is a finding (invalid-config), not a crash.
    write(
        &root.join("other/orgplan.toml"),
        "[rules]\nmissing-scope = \"loud\"\n",
    );
    let r = run_in(root, &["check", "--format", "json", "other/plans"], None);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let bad = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "invalid-config")
        .expect("invalid-config");
    assert_eq!(bad["file"], "other/orgplan.toml");
}

#[test]
fn folders_skip_git_target_and_node_modules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("plans/ok.orgplan"),
        "team legal \"Legal\" { functional: true }\n",
    );
    for skipped in [".git", "target", "node_modules", "plans/node_modules"] {
        write(
            &root.join(skipped).join("broken.orgplan"),
            "this is { not a plan\n",
        );
    }
    write(&root.join("plans/notes.txt"), "not a plan either {\n");
    let r = run_in(root, &["check"], None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "no problems found in 1 file\n");
}

// ---- misuse: exit 2 and a message ------------------------------------------

#[test]
fn unknown_flag_and_subcommand_exit_2() {
    let r = run(&["check", "--frobnicate"]);
    assert_usage_error(&r, "unexpected argument '--frobnicate'");
    let r = run(&["frobnicate"]);
    assert_usage_error(&r, "unrecognized subcommand 'frobnicate'");
    let r = run(&["check", "--format", "xml", "plan"]);
    assert_usage_error(&r, "invalid value 'xml'");
    let r = run(&["check", "--rule", "orphan-tem=off", "plan"]);
    assert_usage_error(&r, "did you mean `orphan-team`");
    let r = run(&["check", "--rule", "orphan-team=loud", "plan"]);
    assert_usage_error(&r, "invalid level `loud`");
    let r = run(&[]);
    assert_eq!(r.code, 2, "no subcommand: help and exit 2");
    assert!(r.stderr.contains("Usage:"));
}

#[test]
fn missing_path_exits_2_naming_it() {
    let r = run(&["check", "plan", "no/such/place"]);
    assert_usage_error(&r, "orgplan: error: cannot read `no/such/place`");
    let r = run(&["check", "--config", "no-such.toml", "plan"]);
    assert_usage_error(&r, "no-such.toml");
    let r = run(&["fmt", "no/such/place"]);
    assert_usage_error(&r, "cannot read `no/such/place`");
}

#[test]
fn non_utf8_file_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ok.orgplan"),
        "team legal \"Legal\" { functional: true }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("latin1.orgplan"),
        b"team caf\xe9 \"Caf\xe9\"\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["check"], None);
    assert_usage_error(&r, "`latin1.orgplan` is not valid UTF-8");
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    let r = run_in(dir.path(), &["fmt", "--check"], None);
    assert_usage_error(&r, "`latin1.orgplan` is not valid UTF-8");
    let r = run_in(dir.path(), &["fmt", "--stdin"], Some(b"team caf\xe9"));
    assert_usage_error(&r, "standard input is not valid UTF-8");
}

#[cfg(unix)]
#[test]
fn unreadable_folder_exits_2_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("plans/locked");
    write(
        &locked.join("a.orgplan"),
        "team legal \"Legal\" { functional: true }\n",
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = std::fs::read_dir(&locked).is_ok(); // e.g. running as root
    let r = run_in(dir.path(), &["check", "plans"], None);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable_anyway {
        eprintln!("skipped: permissions are not enforced for this user");
        return;
    }
    assert_usage_error(&r, "cannot read folder `plans/locked`");
}

// ---- explain ----------------------------------------------------------------

#[test]
fn explain_every_rule() {
    for rule in rules::ALL {
        let r = run(&["explain", rule.name]);
        assert_eq!(r.code, 0, "{}: {}", rule.name, r.stderr);
        let out = &r.stdout;
        assert!(out.starts_with(&format!("# {}\n", rule.name)), "{out}");
        assert!(out.contains(rule.default_severity.as_str()));
        for part in [
            rule.summary,
            rule.principle,
            rule.fix,
            rules::SOURCE_TITLE,
            rules::SOURCE_URL,
        ] {
            assert!(out.contains(part), "{}: lacks {part:?}", rule.name);
        }
        for q in rule.questions {
            assert!(out.contains(q), "{}: lacks the question {q:?}", rule.name);
        }
        assert!(
            out.contains(rule.example.trim_end()),
            "{}: lacks its example",
            rule.name
        );
    }
}

#[test]
fn explain_one_rule() {
    let r = run(&["explain", "part-time-leader"]);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn explain_lists_every_rule() {
    for args in [&["explain"][..], &["explain", "--list"]] {
        let r = run(args);
        assert_eq!(r.code, 0);
        for rule in rules::ALL {
            assert!(r.stdout.contains(rule.name), "{} not listed", rule.name);
        }
    }
}

#[test]
fn explain_unknown_rule_suggests_the_closest() {
    let r = run(&["explain", "orphan-tem"]);
    assert_usage_error(
        &r,
        "unknown rule `orphan-tem` — did you mean `orphan-team`?",
    );
    let r = run(&["explain", "zzz"]);
    assert_usage_error(&r, "unknown rule `zzz`");
}

// ---- fmt ------------------------------------------------------------------------

#[test]
fn fmt_check_lists_what_would_change_and_exits_1() {
    let r = run(&["fmt", "--check", "plan", "clean"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("Would reformat: plan/leaders.orgplan"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("plan/plan.orgplan") && !r.stdout.contains("clean/"),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!(r.stdout);
    let ok = run(&["fmt", "--check", "clean"]);
    assert_eq!((ok.code, ok.stdout.as_str()), (0, ""));
}

#[test]
fn fmt_rewrites_in_place_only_what_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let messy = root.join("messy.orgplan");
    let tidy = root.join("tidy.orgplan");
    let broken = root.join("broken.orgplan");
    write(
        &messy,
        "team a \"A\" {roles: qa   # the only role\n}\nteam b \"B\" { functional: true }",
    );
    write(&tidy, "team c \"C\" {\n  functional: true\n}\n");
    write(&broken, "team d \"D\" {\n  roles: qa,\n");
    let before = std::fs::metadata(&tidy).unwrap().modified().unwrap();
    let r = run_in(root, &["fmt"], None);
    assert_eq!(r.code, 1, "a file with syntax errors: exit 1");
    assert_eq!(r.stdout, "Formatted messy.orgplan\n");
    assert!(
        r.stderr.contains("`broken.orgplan` has syntax errors"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "team a \"A\" {\n  roles: qa  # the only role\n}\n\nteam b \"B\" {\n  functional: true\n}\n"
    );
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "team d \"D\" {\n  roles: qa,\n"
    );
    assert_eq!(
        std::fs::metadata(&tidy).unwrap().modified().unwrap(),
        before,
        "untouched"
    );
    std::fs::remove_file(&broken).unwrap();
    let again = run_in(root, &["fmt", "--check"], None);
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (0, ""),
        "{}",
        again.stderr
    );
}

#[test]
fn fmt_stdin_to_stdout() {
    let r = run_in(
        &fixtures(),
        &["fmt", "--stdin"],
        Some("leader a \"A\"{allocation:50%}".as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "leader a \"A\" {\n  allocation: 50%\n}\n");
    // Syntax errors: the text comes back unchanged, and the status says so.
    let bad = "leader a \"A\" { allocation: 50%";
    let r = run_in(&fixtures(), &["fmt", "--stdin"], Some(bad.as_bytes()));
    assert_eq!((r.code, r.stdout.as_str()), (1, bad));
    assert!(r.stderr.contains("syntax errors"));
    // --check with --stdin: nothing written but a diff, status 1 if it would change.
    let r = run_in(
        &fixtures(),
        &["fmt", "--stdin", "--check"],
        Some(b"team a \"A\"\n"),
    );
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    let r = run_in(
        &fixtures(),
        &["fmt", "--stdin", "--check"],
        Some(b"team a   \"A\"\n"),
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("+team a \"A\""), "{}", r.stdout);
    // --stdin takes no paths.
    let r = run(&["fmt", "--stdin", "plan"]);
    assert_usage_error(&r, "cannot be used with");
}

// ---- help and version ------------------------------------------------------------

#[test]
fn help_and_version() {
    let r = run(&["--version"]);
    assert_eq!(
        (r.code, r.stdout.trim()),
        (0, format!("orgplan {}", env!("CARGO_PKG_VERSION")).as_str())
    );
    let r = run(&["check", "--version"]);
    assert_eq!(r.code, 0, "version on subcommands too");
    let r = run(&["--help"]);
    assert_eq!(r.code, 0);
    for word in ["check", "fmt", "explain", "lsp", "single-threaded"] {
        assert!(r.stdout.contains(word), "help lacks {word}: {}", r.stdout);
    }
    for (sub, words) in [
        (
            "check",
            &["--format", "--config", "--rule", "--color", "Exit status"][..],
        ),
        ("fmt", &["--check", "--stdin", "syntax errors"]),
        ("explain", &["--list", "RULE"]),
    ] {
        let r = run(&[sub, "--help"]);
        assert_eq!(r.code, 0, "{sub} --help");
        for w in words {
            assert!(r.stdout.contains(w), "{sub} --help lacks {w}: {}", r.stdout);
        }
    }
}

#[test]
fn each_orgplan_toml_makes_its_own_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join(".git/HEAD"), "ref: refs/heads/main\n");
    // Two plans, each under its own orgplan.toml, both declaring `legal`.
    for name in ["a", "b"] {
        write(
            &root.join(format!("plans/{name}/orgplan.toml")),
            "[rules]\n",
        );
        write(
            &root.join(format!("plans/{name}/plan.orgplan")),
            "team legal \"Legal\" {\n  functional: true\n}\n",
        );
    }
    let r = run_in(root, &["check", "--format", "json", "plans"], None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        !rules_found(&r).contains(&"duplicate-definition".to_string()),
        "{}",
        r.stdout
    );
    // With one --config, everything is one workspace again.
    write(&root.join("all.toml"), "[rules]\n");
    let r = run_in(
        root,
        &["check", "--format", "json", "--config", "all.toml", "plans"],
        None,
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(rules_found(&r).contains(&"duplicate-definition".to_string()));
}

#[test]
fn bundled_examples_check_as_the_readme_says() {
    let root = orgplan_e2e::workspace_root();
    let r = run_in(
        &root,
        &["check", "examples/fulfilment", "examples/gdpr"],
        None,
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run_in(&root, &["check", "--format", "json", "examples"], None);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let found = rules_found(&r);
    for rule in orgplan_analysis::rules::ALL {
        assert!(
            found.contains(&rule.name.to_string()),
            "{} not reported",
            rule.name
        );
    }
}

// ---- output is never silently cut ---------------------------------------------

/// A workspace whose `check` output is far larger than a pipe's buffer
/// (64 KiB on Linux): every team reports to a leader that does not exist.
#[cfg(unix)]
fn large_output_plan() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..1500 {
        text.push_str(&format!(
            "team t{i} \"Team {i}\" {{\n  reports_to: nobody{i}\n  roles: engineering\n}}\n"
        ));
    }
    write(&dir.path().join("big.orgplan"), &text);
    dir
}

/// A pipe: (read end, write end), both closed on exec.
#[cfg(unix)]
fn pipe() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: two ints for pipe2 to fill.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: fresh descriptors, owned from here on.
    unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    }
}

/// `orgplan args…` in `cwd` with `stdout` as its standard output; its exit
/// status and standard error.
#[cfg(unix)]
fn spawn_with_stdout(cwd: &Path, args: &[&str], stdout: Stdio) -> std::process::Child {
    Command::new(orgplan_bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("orgplan starts")
}

#[cfg(unix)]
#[test]
fn non_blocking_stdout_gets_the_whole_output() {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    let dir = large_output_plan();
    for format in ["human", "json", "sarif"] {
        let args = ["check", "--color", "never", "--format", format, "."];
        let expected = run_in(dir.path(), &args, None);
        assert_eq!(expected.code, 1, "{}", expected.stderr);
        assert!(
            expected.stdout.len() > 4 * 65536,
            "{format}: the output ({} bytes) must be several pipe buffers",
            expected.stdout.len()
        );

        // The write end non-blocking, as a WASI host or an event loop
        // leaves it; nothing reads until the pipe has long been full.
        let (mut reader, writer) = pipe();
        // SAFETY: fcntl on a descriptor we own.
        unsafe {
            let fd = writer.as_raw_fd();
            let flags = libc::fcntl(fd, libc::F_GETFL);
            assert_eq!(libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK), 0);
        }
        let child = spawn_with_stdout(dir.path(), &args, Stdio::from(writer));
        std::thread::sleep(std::time::Duration::from_millis(300));
        let mut got = String::new();
        reader.read_to_string(&mut got).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
        assert_eq!(got.len(), expected.stdout.len(), "{format}: output cut");
        assert!(got == expected.stdout, "{format}: output differs");
    }
}

#[cfg(unix)]
#[test]
fn closed_pipe_ends_quietly_with_the_findings_status() {
    // `orgplan check | head -n 1`: the reader reads a little and goes away;
    // no message, no panic, and the status still says there were errors
    // (0 where there were none).
    use std::io::{BufRead, BufReader};
    let dir = large_output_plan();
    let (reader, writer) = pipe();
    let child = spawn_with_stdout(
        dir.path(),
        &["check", "--color", "never", "."],
        Stdio::from(writer),
    );
    let mut first = String::new();
    BufReader::new(reader).read_line(&mut first).unwrap(); // and the reader is dropped
    assert!(first.contains("]: "), "{first}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.is_empty(), "quiet on a closed pipe: {stderr}");

    // Closed before the first byte, on every command that prints.
    let clean = fixtures().join("clean");
    for (cwd, args, code) in [
        (dir.path(), &["check", "--format", "json", "."][..], 1),
        (clean.as_path(), &["check", "--format", "sarif", "."][..], 0),
        (dir.path(), &["explain", "--list"][..], 0),
        (dir.path(), &["fmt", "--check", "."][..], 1),
    ] {
        let (reader, writer) = pipe();
        drop(reader);
        let out = spawn_with_stdout(cwd, args, Stdio::from(writer))
            .wait_with_output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("standard output"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn any_other_write_error_exits_2_with_a_message() {
    // /dev/full: every write fails with "No space left on device".
    let dir = large_output_plan();
    let clean = fixtures().join("clean");
    for (cwd, args) in [
        (dir.path(), &["check", "."][..]),
        (clean.as_path(), &["check", "--format", "json", "."][..]),
        (dir.path(), &["explain", "--list"][..]),
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = spawn_with_stdout(cwd, args, Stdio::from(full))
            .wait_with_output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            "orgplan: error: cannot write to standard output: No space left on device",
            "{args:?}"
        );
    }
}

/// Every output of the command line, for every rule.
fn every_output(cwd: &Path) -> Vec<String> {
    let mut texts = Vec::new();
    for format in ["human", "json", "sarif"] {
        texts.push(run_in(cwd, &["check", "--format", format, "."], None).stdout);
    }
    texts.push(run_in(cwd, &["explain", "--list"], None).stdout);
    texts.push(run_in(cwd, &["explain", "--format", "json"], None).stdout);
    for rule in rules::ALL {
        texts.push(run_in(cwd, &["explain", rule.name], None).stdout);
        texts.push(run_in(cwd, &["explain", rule.name, "--format", "json"], None).stdout);
    }
    texts
}

/// Every address the command line prints opens real text: with a
/// documentation base URL (here the repository's own `docs/`, as a `file:`
/// address), each rule's link leads to its section; without one, no link
/// to the rules' documentation is printed at all.
#[test]
fn every_link_the_cli_prints_leads_to_real_text() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["plan.orgplan", "leaders.orgplan"] {
        std::fs::copy(fixtures().join("plan").join(name), dir.path().join(name)).unwrap();
    }
    let docs = workspace_root().join("docs");
    std::fs::write(
        dir.path().join("orgplan.toml"),
        format!("[docs]\nbase-url = \"file://{}\"\n", docs.display()),
    )
    .unwrap();
    let mut followed = 0;
    for text in every_output(dir.path()) {
        for link in links_in(&text) {
            follow(&link).unwrap_or_else(|e| panic!("{e}"));
            followed += usize::from(link.starts_with("file://"));
        }
    }
    // Each rule's link, from explain (text and JSON) and SARIF, at least.
    assert!(followed >= 3 * rules::ALL.len(), "{followed}");

    std::fs::remove_file(dir.path().join("orgplan.toml")).unwrap();
    for text in every_output(dir.path()) {
        for link in links_in(&text) {
            assert!(
                orgplan_e2e::EXTERNAL_PAGES.contains(&link.as_str()),
                "without a documentation base URL, {link} is printed"
            );
        }
    }
}
