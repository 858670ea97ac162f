//! Document sync, workspace loading, diagnostics across files, watched
//! files, configuration.

use crate::harness::{hooks, redact, workspace, Client, Init};
use orgplan_lsp::fuzzing::TestHooks;
use orgplan_test_client::ext::{Checklist, TestReleaseLoad};
use orgplan_test_client::lsp_types::notification::PublishDiagnostics;
use orgplan_test_client::lsp_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles,
    DidChangeWorkspaceFolders, DidCloseTextDocument,
};
use orgplan_test_client::lsp_types::notification::{Notification, Progress, ShowMessage};
use orgplan_test_client::lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest,
    WorkspaceSymbolRequest,
};
use orgplan_test_client::lsp_types::request::{RegisterCapability, WorkDoneProgressCreate};
use serde_json::{json, Value};
use std::time::Duration;

// raj's allocation is out of range: a finding in a file that declares
// people, which moves when a line is added above it.
const PEOPLE: &str = "leader jane \"Jane Doe\" {\n  title: \"Director\"\n}\n\nleader raj \"Raj Patel\" {\n  allocation: 150%\n}\n";
const PLAN: &str = "initiative fba \"Fulfilment\" {\n  leader: jane\n  model: ownership\n  scope: \"Inbound\"\n  metrics: \"Units\"\n  teams: inbound\n}\n\nteam inbound \"Inbound\" {\n  reports_to: jane\n  roles: engineering, qa, design, product\n}\n";

fn codes(d: &Value) -> Vec<String> {
    d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn workspace_is_loaded_and_every_file_gets_diagnostics() {
    let dir = workspace(&[
        ("people.orgplan", PEOPLE),
        ("plans/retail.orgplan", PLAN),
        (
            "plans/broken.orgplan",
            "initiative prime \"Prime\" {\n  leadr: raj\n}\n",
        ),
        ("target/skipped.orgplan", "this is not loaded"),
        ("node_modules/x/skipped.orgplan", "nor this"),
        (".git/skipped.orgplan", "nor this"),
        ("notes.txt", "not a plan"),
    ]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        ..Init::default()
    });
    let broken = c.uri("plans/broken.orgplan");
    let d = c.wait_diagnostics(&broken, |_| true);
    insta::assert_yaml_snapshot!("broken_file_diagnostics", redact(&d, dir.path()));
    let people = c.uri("people.orgplan");
    c.wait_diagnostics(&people, |_| true);
    c.drain(Duration::from_millis(300));
    for n in &c.notifications {
        if orgplan_test_client::is::<PublishDiagnostics>(n) {
            let u = n["params"]["uri"].as_str().unwrap();
            assert!(!u.contains("skipped"), "{u} should not be loaded");
        }
    }
    // Progress was reported while loading.
    assert!(c
        .server_requests
        .iter()
        .any(orgplan_test_client::is_request::<WorkDoneProgressCreate>));
    let progress: Vec<&Value> = c
        .notifications
        .iter()
        .filter(|n| n["method"] == Progress::METHOD)
        .collect();
    assert_eq!(
        progress.first().unwrap()["params"]["value"]["kind"],
        "begin"
    );
    assert_eq!(progress.last().unwrap()["params"]["value"]["kind"], "end");
    // Watchers were registered dynamically.
    let reg = c
        .server_requests
        .iter()
        .find(|r| orgplan_test_client::is_request::<RegisterCapability>(r))
        .expect("a registration");
    insta::assert_yaml_snapshot!(reg["params"], @r#"
    registrations:
      - id: orgplan-watch
        method: workspace/didChangeWatchedFiles
        registerOptions:
          watchers:
            - globPattern: "**/*.orgplan"
            - globPattern: "**/orgplan.toml"
    "#);
    assert_eq!(c.shutdown(), 0);
}

/// A workspace of `PEOPLE` and `PLAN` under the names given, `people`
/// opened and edited (jane renamed janet, version 2: the plan's references
/// break): the client, the two URIs and the folder.
fn rename_jane_in(people: &str, plan: &str) -> (Client, String, String, tempfile::TempDir) {
    let dir = workspace(&[(people, PEOPLE), (plan, PLAN)]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        ..Init::default()
    });
    let (people, plan) = (c.uri(people), c.uri(plan));
    c.wait_diagnostics(&plan, |d| d["diagnostics"].as_array().unwrap().is_empty());
    c.open(&people, PEOPLE);
    c.wait_diagnostics(&people, |d| d["version"] == 1);
    c.notify_as::<DidChangeTextDocument>(json!({
            "textDocument": { "uri": people, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 0, "character": 11 }, "end": { "line": 0, "character": 11 } }, "text": "t" }]
        }),
    );
    (c, people, plan, dir)
}

#[test]
fn editing_one_file_republishes_the_others_whose_findings_change() {
    let (mut c, people, plan, _dir) = rename_jane_in("people.orgplan", "plan.orgplan");
    let d = c.wait_diagnostics(&plan, |d| !d["diagnostics"].as_array().unwrap().is_empty());
    assert!(codes(&d).iter().all(|c| c == "undefined-reference"), "{d}");
    assert_eq!(d["version"], Value::Null, "closed files have no version");
    // The edited document is republished for its new version.
    c.wait_diagnostics(&people, |d| d["version"] == 2);
    // An edit that changes nothing about the plan does not republish it.
    let plan_pubs = c.publications(&plan).len();
    c.notify_as::<DidChangeTextDocument>(json!({
            "textDocument": { "uri": people, "version": 3 },
            "contentChanges": [{ "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 0 } }, "text": "# a comment\n" }]
        }),
    );
    // The comment moves raj's finding down a line: republished, versioned.
    let p = c.wait_diagnostics(&people, |d| d["version"] == 3);
    assert_eq!(codes(&p), vec!["invalid-value"], "{p}");
    assert_eq!(p["diagnostics"][0]["range"]["start"]["line"], 6, "{p}");
    c.drain(Duration::from_millis(200));
    assert_eq!(
        c.publications(&plan).len(),
        plan_pubs,
        "unchanged findings are not republished"
    );
    // Closing the buffer goes back to the text on disk: jane is back.
    c.notify_as::<DidCloseTextDocument>(json!({ "textDocument": { "uri": people } }));
    c.wait_diagnostics(&plan, |d| d["diagnostics"].as_array().unwrap().is_empty());
    let p = c.wait_diagnostics(&people, |d| d["version"].is_null());
    assert_eq!(codes(&p), vec!["invalid-value"]);
    assert_eq!(c.shutdown(), 0);
}

/// The edited document's diagnostics go out before those of the files its
/// edit reached, whatever their names: the client waits for the version it
/// sent. (Here the file reached sorts first.)
#[test]
fn the_edited_document_is_republished_before_the_files_it_reached() {
    let (mut c, people, plan, _dir) = rename_jane_in("z-people.orgplan", "a-plan.orgplan");
    c.wait_diagnostics(&plan, |d| !d["diagnostics"].as_array().unwrap().is_empty());
    c.wait_diagnostics(&people, |d| d["version"] == 2);
    let at = |c: &Client, pred: &dyn Fn(&Value) -> bool| {
        c.notifications
            .iter()
            .position(|n| orgplan_test_client::is::<PublishDiagnostics>(n) && pred(&n["params"]))
            .unwrap()
    };
    let edited = at(&c, &|p| p["uri"] == people.as_str() && p["version"] == 2);
    let reached = at(&c, &|p| {
        p["uri"] == plan.as_str() && !p["diagnostics"].as_array().unwrap().is_empty()
    });
    assert!(edited < reached, "{:#?}", c.notifications);
    assert_eq!(c.shutdown(), 0);
}

/// Version `v` of `people` after [`rename_jane_in`]: janet back to jane
/// when `v` is odd, jane to janet when even; waits for its diagnostics.
fn toggle_janet(c: &mut Client, people: &str, v: i64) {
    let (end, text) = if v % 2 == 1 { (12, "") } else { (11, "t") };
    c.notify_as::<DidChangeTextDocument>(json!({
            "textDocument": { "uri": people, "version": v },
            "contentChanges": [{ "range": { "start": { "line": 0, "character": 11 }, "end": { "line": 0, "character": end } }, "text": text }]
        }),
    );
    c.wait_diagnostics(people, |d| d["version"] == v);
}

/// The files an edit reached wait until the edits pause: typed keystroke
/// after keystroke, the edited document is republished for each version,
/// the file it reached once the typing stops, with what the last version
/// makes of it.
#[test]
fn the_files_an_edit_reached_wait_until_the_edits_pause() {
    let (mut c, people, plan, _dir) = rename_jane_in("people.orgplan", "plan.orgplan");
    c.wait_diagnostics(&people, |d| d["version"] == 2);
    c.wait_diagnostics(&plan, |d| !d["diagnostics"].as_array().unwrap().is_empty());
    let before = c.publications(&plan).len();
    // janet → jane → janet …: each version breaks the plan's references
    // or mends them. The last (13) mends them.
    for v in 3..=13 {
        toggle_janet(&mut c, &people, v);
    }
    let during = c.publications(&plan).len() - before;
    c.wait_diagnostics(&plan, |d| d["diagnostics"].as_array().unwrap().is_empty());
    // Each of the eleven versions changed the plan's findings; a stall of
    // the machine between two keystrokes may let one or two out.
    assert!(
        during <= 2,
        "{during} publications of the plan while typing"
    );
    assert_eq!(c.shutdown(), 0);
}

/// However long the typing goes on without a pause, the files an edit
/// reached are not kept waiting for more than about two seconds: then each
/// round sends the edited document and one of them, in turn, never all of
/// them at once ahead of the next keystroke's diagnostics. Here each
/// version moves the place three other files' findings point to (their
/// second declarations of jane are related to the first), so each version
/// is a new publication of each of them.
#[test]
fn the_files_an_edit_reached_go_out_one_a_round_while_typing_goes_on() {
    let again = "leader jane \"Jane Again\" {}\n";
    let others = [
        "zz-again-1.orgplan",
        "zz-again-2.orgplan",
        "zz-again-3.orgplan",
    ];
    let mut files = vec![("people.orgplan", PEOPLE)];
    files.extend(others.iter().map(|o| (*o, again)));
    let dir = workspace(&files);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        ..Init::default()
    });
    let people = c.uri("people.orgplan");
    let others: Vec<String> = others.iter().map(|o| c.uri(o)).collect();
    for o in &others {
        c.wait_diagnostics(o, |d| !d["diagnostics"].as_array().unwrap().is_empty());
    }
    c.open(&people, PEOPLE);
    c.wait_diagnostics(&people, |d| d["version"] == 1);
    // The typing starts once the load has ended (its last step wakes the
    // publisher once more) and the round after the open has gone out (200
    // ms after it): what is measured is typing alone.
    c.wait_until("the end of the load", |ns| {
        ns.iter().any(|n| {
            n["method"] == "window/logMessage"
                && n["params"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("orgplan: loaded "))
        })
    });
    c.drain(Duration::from_millis(400));
    let first = c.notifications.len();
    let start = std::time::Instant::now();
    // When each version was sent and its diagnostics came.
    let mut sent_and_back = Vec::new();
    let mut v = 1;
    // The next version sent as soon as this one's diagnostics came: a
    // round without an edit to answer first may never come.
    while start.elapsed() < Duration::from_secs(4) {
        v += 1;
        let sent = std::time::Instant::now();
        c.notify_as::<DidChangeTextDocument>(json!({
                "textDocument": { "uri": people, "version": v },
                "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "#\n" }]
            }),
        );
        c.wait_diagnostics(&people, |d| d["version"] == v);
        sent_and_back.push((v, sent, std::time::Instant::now()));
    }
    // The publications of the other files after each version's, up to the
    // next version's.
    let mut after: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
    let mut last = 1;
    for n in &c.notifications[first..] {
        if !orgplan_test_client::is::<PublishDiagnostics>(n) {
            continue;
        }
        let p = &n["params"];
        if p["uri"] == people.as_str() {
            last = p["version"].as_i64().unwrap();
        } else if let Some(i) = others.iter().position(|o| p["uri"] == o.as_str()) {
            after.entry(last).or_default().push(i);
        }
    }
    // A round that found the edits paused sends every file put off: that
    // takes a pause of 200 ms between sending a version and the next
    // version's diagnostics coming back (a stall of the machine). Between
    // any other two versions, one file at most.
    let mut rounds_with_one = 0;
    for w in sent_and_back.windows(2) {
        let ((version, sent, _), (_, _, next_back)) = (w[0], w[1]);
        let files = after.get(&version).map_or(&[][..], Vec::as_slice);
        if next_back.duration_since(sent) < Duration::from_millis(150) {
            assert!(files.len() <= 1, "after version {version}: {files:?}");
            rounds_with_one += usize::from(files.len() == 1);
        }
    }
    assert!(
        rounds_with_one >= 3,
        "{rounds_with_one} rounds sent a file put off"
    );
    // In turn: each of the three went out while the typing went on.
    let went_out: std::collections::BTreeSet<usize> = after
        .iter()
        .filter(|(&version, _)| (2..v).contains(&version))
        .flat_map(|(_, files)| files.iter().copied())
        .collect();
    assert_eq!(
        went_out.len(),
        3,
        "only {went_out:?} went out in {v} versions"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn incremental_edits_in_utf16_and_utf8_keep_the_text_in_step() {
    for enc in ["utf-16", "utf-8"] {
        let mut c = Client::spawn(Init {
            encodings: vec![enc],
            hooks: hooks(),
            ..Init::default()
        });
        let uri = "file:///outside/emoji.orgplan";
        let text = "leader jane \"Jane 😀 Doe\" {\n  title: \"Director\"\n}\r\nteam t \"T\" { }\n";
        c.open(uri, text);
        // Replace "Director" (line 1, after the emoji line) and insert after the emoji.
        let emoji_end = if enc == "utf-8" { 22 } else { 20 };
        c.notify_as::<DidChangeTextDocument>(json!({
                "textDocument": { "uri": uri, "version": 2 },
                "contentChanges": [
                    { "range": { "start": { "line": 1, "character": 10 }, "end": { "line": 1, "character": 18 } }, "text": "VP" },
                    { "range": { "start": { "line": 0, "character": emoji_end }, "end": { "line": 0, "character": emoji_end } }, "text": "!" },
                    { "range": { "start": { "line": 3, "character": 0 }, "end": { "line": 3, "character": 0 } }, "text": "# end\n" }
                ]
            }),
        );
        let got = c.text(uri);
        assert_eq!(
            got, "leader jane \"Jane 😀! Doe\" {\n  title: \"VP\"\n}\r\n# end\nteam t \"T\" { }\n",
            "{enc}"
        );
        // A full replacement (no range) too.
        c.notify_as::<DidChangeTextDocument>(json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": "team x \"X\" { }\n" }] }),
        );
        let got = c.text(uri);
        assert_eq!(got, "team x \"X\" { }\n");
        let d = c.wait_diagnostics(uri, |d| d["version"] == 3);
        assert!(codes(&d).contains(&"orphan-team".to_string()));
        assert_eq!(c.shutdown(), 0);
    }
}

/// A client that sends the whole text at each keystroke: a large text
/// (which the input guard takes out of the message) with a character
/// typed, one replaced whole, and messages whose change is no whole text
/// alone (a range, two changes) keep the server's text in step, and each
/// version's diagnostics are a fresh document's.
#[test]
fn whole_texts_sent_at_each_keystroke_keep_the_text_in_step() {
    let mut c = Client::spawn(Init {
        hooks: hooks(),
        ..Init::default()
    });
    let uri = "file:///outside/whole.orgplan";
    let block = "team t{} \"T 😀 \\\"{}\\\"\" {\r\n  reports_to: jane\n\troles: qa\n}\n";
    let mut text: String = (0..800)
        .map(|i| block.replace("{}", &i.to_string()))
        .collect();
    assert!(text.len() > 32 << 10);
    c.open(uri, &text);
    let fresh_codes = |c: &mut Client, version: i32, text: &str| {
        let other = format!("file:///outside/fresh-{version}.orgplan");
        c.open(&other, text);
        let d = c.wait_diagnostics(&other, |d| d["version"] == 1);
        codes(&d)
    };
    // Sends `text` whole as `version`; the server's text and that version's
    // diagnostics are then checked (`check` names the place).
    let whole = |c: &mut Client, version: i32, text: &str, check: u32| {
        c.notify_as::<DidChangeTextDocument>(json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "text": text }]
        }));
        assert!(
            c.text(uri) == text,
            "the server's text is not the client's (check {check})"
        );
        let d = c.wait_diagnostics(uri, |d| d["version"] == version);
        assert_eq!(codes(&d), fresh_codes(c, version, text));
    };
    // A character typed into an id, then the plan's first line replaced.
    let at = text.find("t17 ").unwrap() + 3;
    text.insert(at, 'x');
    whole(&mut c, 2, &text, 1);
    text.replace_range(0..4, "leader jane \"J\" { }\nteam");
    whole(&mut c, 3, &text, 2);
    // Handed on as they are: a change with a range, and two changes.
    c.notify_as::<DidChangeTextDocument>(json!({
        "textDocument": { "uri": uri, "version": 4 },
        "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "# a\n".repeat(5000) }]
    }));
    text.insert_str(0, &"# a\n".repeat(5000));
    assert!(
        c.text(uri) == text,
        "the server's text is not the client's (check 3)"
    );
    let other = (0..300)
        .map(|i| block.replace("{}", &format!("u{i}")))
        .collect::<String>();
    c.notify_as::<DidChangeTextDocument>(json!({
        "textDocument": { "uri": uri, "version": 5 },
        "contentChanges": [{ "text": other }, { "text": text }]
    }));
    assert!(
        c.text(uri) == text,
        "the server's text is not the client's (check 4)"
    );
    // Replaced by a text with nothing in common.
    whole(&mut c, 6, &other, 5);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_file_outside_the_folders_is_analysed_alone_and_cleared_on_close() {
    let dir = workspace(&[("people.orgplan", PEOPLE)]);
    let outside = workspace(&[
        ("lone.orgplan", "initiative x \"X\" { leader: jane }\n"),
        ("people.orgplan", PEOPLE),
    ]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        ..Init::default()
    });
    let uri = crate::harness::file_uri(&outside.path().join("lone.orgplan"));
    c.open(&uri, "initiative x \"X\" { leader: jane }\n");
    // jane is declared in the workspace and beside the lone file, but the
    // lone file sees neither.
    let d = c.wait_diagnostics(&uri, |_| true);
    assert!(
        codes(&d).contains(&"undefined-reference".to_string()),
        "{d}"
    );
    assert_eq!(d["version"], 1);
    c.drain(Duration::from_millis(200));
    let outside_people = crate::harness::file_uri(&outside.path().join("people.orgplan"));
    assert!(
        c.publications(&outside_people).is_empty(),
        "nothing else outside is read"
    );
    c.notify_as::<DidCloseTextDocument>(json!({ "textDocument": { "uri": uri } }));
    c.wait_diagnostics(&uri, |d| d["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(c.shutdown(), 0);
}

/// The URIs of files the server found itself start with the workspace
/// folder's URI as the client sent it, whatever the canonical path: here
/// the folder is named through a symbolic link and its URI spelt with
/// lower-case escapes (as on Windows, where the client's
/// `file:///c%3A/Users/...` is `C:\Users\...` to the system).
#[test]
#[cfg(unix)]
fn files_found_in_a_folder_keep_the_clients_name_of_the_folder() {
    let real = workspace(&[("plan.orgplan", PLAN), ("sub dir/people.orgplan", PEOPLE)]);
    let names = tempfile::tempdir().unwrap();
    let link = names.path().join("plans é");
    std::os::unix::fs::symlink(real.path(), &link).unwrap();
    let root_uri = crate::harness::file_uri(&link).replace("%C3%A9", "%c3%a9");
    assert!(root_uri.ends_with("/plans%20%c3%a9"), "{root_uri}");
    let mut c = Client::spawn(Init {
        root: Some(link.clone()),
        root_uri: Some(root_uri.clone()),
        ..Init::default()
    });
    let people = format!("{root_uri}/sub%20dir/people.orgplan");
    c.wait_diagnostics(&people, |d| {
        !d["diagnostics"].as_array().unwrap().is_empty()
    });
    let plan = format!("{root_uri}/plan.orgplan");
    c.open(&plan, PLAN);
    let def = c
        .request_as::<GotoDefinition>(
            json!({ "textDocument": { "uri": plan }, "position": { "line": 1, "character": 11 } }),
        )
        .unwrap();
    assert_eq!(def[0]["uri"], json!(people), "{def}");
    let uris: Vec<String> = c
        .notifications
        .iter()
        .filter(|n| orgplan_test_client::is::<PublishDiagnostics>(n))
        .map(|n| n["params"]["uri"].as_str().unwrap().to_string())
        .collect();
    assert!(uris.iter().all(|u| u.starts_with(&root_uri)), "{uris:?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
#[cfg(unix)]
fn symlinks_out_of_the_folder_are_not_followed() {
    let dir = workspace(&[("plan.orgplan", "team t \"T\" { functional: true }\n")]);
    let outside = workspace(&[("secret.orgplan", "team secret \"S\" { functional: true }\n")]);
    std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.orgplan"),
        dir.path().join("secret.orgplan"),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        ..Init::default()
    });
    let plan = c.uri("plan.orgplan");
    c.wait_diagnostics(&plan, |_| true);
    c.drain(Duration::from_millis(300));
    let uris: Vec<String> = c
        .notifications
        .iter()
        .filter(|n| orgplan_test_client::is::<PublishDiagnostics>(n))
        .map(|n| n["params"]["uri"].as_str().unwrap().to_string())
        .collect();
    assert!(uris.iter().all(|u| !u.contains("secret")), "{uris:?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn watched_file_changes_update_the_model_and_deletions_clear() {
    let dir = workspace(&[("people.orgplan", PEOPLE), ("plan.orgplan", PLAN)]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        ..Init::default()
    });
    let people = c.uri("people.orgplan");
    let plan = c.uri("plan.orgplan");
    c.wait_diagnostics(&plan, |d| d["diagnostics"].as_array().unwrap().is_empty());
    std::fs::remove_file(dir.path().join("people.orgplan")).unwrap();
    c.notify_as::<DidChangeWatchedFiles>(json!({ "changes": [{ "uri": people, "type": 3 }] }));
    c.wait_diagnostics(&plan, |d| {
        codes(d).contains(&"undefined-reference".to_string())
    });
    c.wait_diagnostics(&people, |d| d["diagnostics"].as_array().unwrap().is_empty());
    // A new file declares jane again.
    std::fs::write(
        dir.path().join("jane.orgplan"),
        "leader jane \"Jane\" { }\n",
    )
    .unwrap();
    let jane = c.uri("jane.orgplan");
    c.notify_as::<DidChangeWatchedFiles>(json!({ "changes": [{ "uri": jane, "type": 1 }] }));
    c.wait_diagnostics(&plan, |d| d["diagnostics"].as_array().unwrap().is_empty());
    // orgplan.toml changes severities.
    std::fs::write(dir.path().join("orgplan.toml"), "[rules]\nmissing-scope = \"hint\"\n[team]\nrequired-roles = [\"engineering\", \"legal\"]\n").unwrap();
    let toml = c.uri("orgplan.toml");
    c.notify_as::<DidChangeWatchedFiles>(json!({ "changes": [{ "uri": toml, "type": 1 }] }));
    let d = c.wait_diagnostics(&plan, |d| codes(d).contains(&"incomplete-team".to_string()));
    assert!(
        d["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("legal"),
        "{d}"
    );
    // A broken orgplan.toml gets its own diagnostics.
    std::fs::write(
        dir.path().join("orgplan.toml"),
        "[rules]\nmissing-scop = \"off\"\n",
    )
    .unwrap();
    c.notify_as::<DidChangeWatchedFiles>(json!({ "changes": [{ "uri": toml, "type": 2 }] }));
    let d = c.wait_diagnostics(&toml, |d| !d["diagnostics"].as_array().unwrap().is_empty());
    insta::assert_yaml_snapshot!("config_file_diagnostics", redact(&d, dir.path()));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn settings_from_the_client_set_severities_and_are_re_read_on_change() {
    let dir = workspace(&[("plan.orgplan", "initiative fba \"FBA\" { }\n")]);
    let settings = json!({ "rules": { "missing-metrics": "off", "missing-scope": "hint" }, "team": { "requiredRoles": ["engineering"] } });
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        settings,
        ..Init::default()
    });
    let plan = c.uri("plan.orgplan");
    let d = c.wait_diagnostics(&plan, |_| true);
    insta::assert_yaml_snapshot!("diagnostics_with_client_settings", redact(&d, dir.path()));
    *c.settings.lock().unwrap() =
        json!({ "rules": { "missing-scope": "off", "initiative-without-leader": "off" } });
    c.notify_as::<DidChangeConfiguration>(json!({ "settings": {} }));
    let d = c.wait_diagnostics(&plan, |d| !codes(d).contains(&"missing-scope".to_string()));
    assert_eq!(codes(&d), vec!["missing-metrics"]);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn each_orgplan_toml_below_a_folder_roots_its_own_model() {
    // As `orgplan check` groups them: two plans under their own orgplan.toml
    // both declare `legal` without clashing, and each reads its own levels.
    let legal = "team legal \"Legal\" {\n  functional: true\n}\n";
    let plan =
        "initiative x \"X\" {\n  leader: jane\n  metrics: \"m\"\n}\n\nleader jane \"Jane\" {}\n";
    let dir = workspace(&[
        ("a/orgplan.toml", "[rules]\nmissing-scope = \"error\"\n"),
        ("a/legal.orgplan", legal),
        ("a/plan.orgplan", plan),
        ("b/orgplan.toml", "[rules]\nmissing-scope = \"off\"\n"),
        ("b/legal.orgplan", legal),
        ("b/plan.orgplan", plan),
    ]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        ..Init::default()
    });
    let a = c.wait_diagnostics(&c.uri("a/plan.orgplan"), |_| true);
    assert_eq!(codes(&a), ["missing-scope"], "{a:#?}");
    assert_eq!(a["diagnostics"][0]["severity"], 1);
    let b = c.wait_diagnostics(&c.uri("b/plan.orgplan"), |_| true);
    assert!(codes(&b).is_empty(), "{b:#?}");
    c.drain(Duration::from_millis(300));
    for n in &c.notifications {
        if orgplan_test_client::is::<PublishDiagnostics>(n) {
            assert!(
                !codes(&n["params"]).contains(&"duplicate-definition".to_string()),
                "{n:#?}"
            );
        }
    }
    assert_eq!(c.shutdown(), 0);
}

/// Related places are sent only to a client that says it takes them.
#[test]
fn related_places_only_for_clients_that_take_them() {
    let text = "team a \"A\" {\n}\nteam a \"Again\" {\n}\n";
    for takes in [true, false] {
        let dir = workspace(&[("plan.orgplan", text)]);
        let mut c = Client::spawn(Init {
            root: Some(dir.path().to_path_buf()),
            related_information: takes,
            ..Init::default()
        });
        let uri = c.uri("plan.orgplan");
        let d = c.wait_diagnostics(&uri, |d| {
            codes(d).iter().any(|c| c == "duplicate-definition")
        });
        let related = d["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d.get("relatedInformation").is_some())
            .count();
        assert_eq!(related > 0, takes, "{d:#}");
        assert_eq!(c.shutdown(), 0);
    }
}

#[test]
fn workspace_folders_come_and_go() {
    let a = workspace(&[("plan.orgplan", PLAN)]);
    let b = workspace(&[("people.orgplan", PEOPLE)]);
    let b_root = std::fs::canonicalize(b.path()).unwrap();
    let mut c = Client::spawn(Init {
        root: Some(a.path().to_path_buf()),
        ..Init::default()
    });
    assert_eq!(
        c.initialize_result["capabilities"]["workspace"]["workspaceFolders"],
        json!({ "supported": true, "changeNotifications": true })
    );
    let undefined = |d: &Value| codes(d).contains(&"undefined-reference".to_string());
    let empty = |d: &Value| d["diagnostics"].as_array().unwrap().is_empty();
    let plan = c.uri("plan.orgplan");
    c.wait_diagnostics(&plan, undefined);
    // A document open in the folder, not on disk.
    let open = c.uri("open.orgplan");
    c.open(&open, PLAN);
    c.wait_diagnostics(&open, undefined);
    // A plan of B opened before B is a folder is a file of its own: jane is
    // unknown there.
    let lone = crate::harness::file_uri(&b_root.join("lone.orgplan"));
    c.open(&lone, PLAN);
    c.wait_diagnostics(&lone, undefined);

    // B is added: its files are read, and the plan opened in it joins them.
    let folder = |root: &std::path::Path, name: &str| json!({ "uri": crate::harness::file_uri(root), "name": name });
    c.notify_as::<DidChangeWorkspaceFolders>(
        json!({ "event": { "added": [folder(&b_root, "b")], "removed": [] } }),
    );
    let people = crate::harness::file_uri(&b_root.join("people.orgplan"));
    c.wait_diagnostics(&people, |_| true);
    c.wait_diagnostics(&lone, empty);

    // A is removed: its file on disk is forgotten (diagnostics cleared); the
    // document open in it stays, as a file of its own.
    let a_root = std::fs::canonicalize(a.path()).unwrap();
    c.notify_as::<DidChangeWorkspaceFolders>(
        json!({ "event": { "added": [], "removed": [folder(&a_root, "a")] } }),
    );
    c.wait_diagnostics(&plan, empty);
    c.drain(Duration::from_millis(300));
    assert!(
        undefined(&c.diagnostics(&open).unwrap()),
        "{:?}",
        c.diagnostics(&open)
    );
    // The open document is still served.
    let symbols = c
        .request_as::<DocumentSymbolRequest>(json!({ "textDocument": { "uri": open } }))
        .unwrap();
    assert_eq!(symbols.as_array().map(Vec::len), Some(2), "{symbols}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_folder_added_inside_another_takes_its_files() {
    let a = workspace(&[("people.orgplan", PEOPLE), ("sub/plan.orgplan", PLAN)]);
    let mut c = Client::spawn(Init {
        root: Some(a.path().to_path_buf()),
        ..Init::default()
    });
    let undefined = |d: &Value| codes(d).contains(&"undefined-reference".to_string());
    let plan = c.uri("sub/plan.orgplan");
    c.wait_diagnostics(&plan, |d| d["diagnostics"].as_array().unwrap().is_empty());
    let open = c.uri("sub/open.orgplan");
    c.open(&open, "leader lee \"Lee\" {\n  reports_to: jane\n}\n");
    c.wait_diagnostics(&open, |d| !undefined(d));

    // `sub` becomes a folder of its own: jane, declared in the outer folder,
    // is unknown there, for the file on disk and the open one.
    let sub = std::fs::canonicalize(a.path().join("sub")).unwrap();
    c.notify_as::<DidChangeWorkspaceFolders>(json!({ "event": { "added": [{ "uri": crate::harness::file_uri(&sub), "name": "sub" }], "removed": [] } }),
    );
    c.wait_diagnostics(&plan, undefined);
    c.wait_diagnostics(&open, undefined);
    // The plan left the outer folder's model: it is declared once.
    let symbols = c
        .request_as::<WorkspaceSymbolRequest>(json!({ "query": "fba" }))
        .unwrap();
    let fba: Vec<&Value> = symbols
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"].as_str().is_some_and(|n| n.contains("fba")))
        .collect();
    assert_eq!(fba.len(), 1, "{symbols}");
    assert_eq!(c.shutdown(), 0);
}

/// A team that depends on three teams (the default threshold) and an
/// initiative with no scope.
const THREE_DEPENDENCIES: &str = "leader jane \"Jane\" { }\ninitiative fba \"FBA\" {\n  leader: jane\n  metrics: \"m\"\n  teams: a\n}\nteam a \"A\" {\n  reports_to: jane\n  roles: engineering, qa, design, product\n  depends_on b { owner: a\n plan: \"p\" }\n  depends_on c { owner: a\n plan: \"p\" }\n  depends_on d { owner: a\n plan: \"p\" }\n}\nteam b \"B\" { functional: true }\nteam c \"C\" { functional: true }\nteam d \"D\" { functional: true }\n";

#[test]
fn orgplan_toml_wins_over_the_editor_even_when_it_writes_the_default() {
    let dir = workspace(&[
        ("plan.orgplan", THREE_DEPENDENCIES),
        (
            "orgplan.toml",
            "[rules]\nmissing-scope = \"warning\"\n\n[team]\nmax-dependencies = 2\n",
        ),
    ]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        settings: json!({ "rules": { "missing-scope": "off" }, "team": { "maxDependencies": 5 } }),
        ..Init::default()
    });
    let plan = c.uri("plan.orgplan");
    let d = c.wait_diagnostics(&plan, |d| {
        codes(d).contains(&"too-many-dependencies".to_string())
    });
    assert!(codes(&d).contains(&"missing-scope".to_string()), "{d}");
    // The file now writes the defaults: they still win over the editor's 5 and `off`.
    std::fs::write(
        dir.path().join("orgplan.toml"),
        "[rules]\nmissing-scope = \"warning\"\n\n[team]\nmax-dependencies = 3\n",
    )
    .unwrap();
    let toml = c.uri("orgplan.toml");
    c.notify_as::<DidChangeWatchedFiles>(json!({ "changes": [{ "uri": toml, "type": 2 }] }));
    let d = c.wait_diagnostics(&plan, |d| {
        !codes(d).contains(&"too-many-dependencies".to_string())
    });
    assert_eq!(codes(&d), vec!["missing-scope"]);
    // Without the file, the editor's settings apply.
    std::fs::remove_file(dir.path().join("orgplan.toml")).unwrap();
    c.notify_as::<DidChangeWatchedFiles>(json!({ "changes": [{ "uri": toml, "type": 3 }] }));
    let d = c.wait_diagnostics(&plan, |d| codes(d).is_empty());
    assert_eq!(codes(&d), Vec::<String>::new());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn initialization_options_stand_until_the_client_answers_with_settings() {
    let dir = workspace(&[("plan.orgplan", "initiative fba \"FBA\" { }\n")]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        // The client has nothing for the section (`null`)...
        settings: Value::Null,
        // ...but gave settings at initialisation.
        init_options: json!({ "rules": { "missing-scope": "off", "missing-metrics": "off" } }),
        ..Init::default()
    });
    let plan = c.uri("plan.orgplan");
    let d = c.wait_diagnostics(&plan, |_| true);
    assert_eq!(codes(&d), vec!["initiative-without-leader"]);
    // An answer replaces them whole: what it does not set goes back to the default.
    *c.settings.lock().unwrap() = json!({ "rules": { "missing-metrics": "off" } });
    c.notify_as::<DidChangeConfiguration>(json!({ "settings": {} }));
    let d = c.wait_diagnostics(&plan, |d| codes(d).contains(&"missing-scope".to_string()));
    assert_eq!(
        codes(&d),
        vec!["initiative-without-leader", "missing-scope"]
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn bad_editor_settings_are_named_and_the_rest_applies() {
    let dir = workspace(&[("plan.orgplan", "initiative fba \"FBA\" { }\n")]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        settings: json!({
            "rules": { "missing-scope": "off", "missing-metrix": "off", "missing-metrics": 3 },
            "team": { "maxDependencies": "many" },
            "colour": true,
        }),
        ..Init::default()
    });
    let plan = c.uri("plan.orgplan");
    let d = c.wait_diagnostics(&plan, |d| !codes(d).contains(&"missing-scope".to_string()));
    assert_eq!(
        codes(&d),
        vec!["initiative-without-leader", "missing-metrics"]
    );
    c.wait_until("a message about the settings", |n| {
        n.iter().any(orgplan_test_client::is::<ShowMessage>)
    });
    let shown: Vec<&Value> = c
        .notifications
        .iter()
        .filter(|m| orgplan_test_client::is::<ShowMessage>(m))
        .collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    insta::assert_snapshot!(shown[0]["params"]["message"].as_str().unwrap(), @r#"orgplan: settings ignored (the rest apply): `orgplan.colour`: there is no such setting; `orgplan.rules.missing-metrics` should be `error`, `warning`, `info`, `hint` or `off`, not 3; `orgplan.rules.missing-metrix`: there is no rule `missing-metrix` — did you mean `missing-metrics`?; `orgplan.team.maxDependencies` should be a whole number of zero or more, not "many""#);
    assert_eq!(c.shutdown(), 0);
}

/// A session on `dir` whose first load waits for `TestReleaseLoad`.
fn holding_the_load(dir: &tempfile::TempDir) -> Client {
    Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        hooks: TestHooks {
            requests: true,
            hold_load: true,
        },
        ..Init::default()
    })
}

/// A document the editor opens before its folder has been read gets the
/// findings `orgplan check` gives: of two declarations of one id, the
/// later in the order of the paths is the duplicate, not the one read
/// later (the files of a workspace are one plan in the order of their
/// paths, however the server came to read them).
#[test]
fn a_document_opened_before_its_folder_is_read_is_where_check_puts_it() {
    const A: &str = "team x \"X\" { }\n";
    const B: &str = "team x \"X again\" { }\n";
    let dir = workspace(&[("a.orgplan", A), ("b.orgplan", B)]);
    let mut c = holding_the_load(&dir);
    let (a, b) = (c.uri("a.orgplan"), c.uri("b.orgplan"));
    c.open(&b, B);
    c.drain(Duration::from_millis(200));
    assert_eq!(c.req::<TestReleaseLoad>(json!({})), Ok(()));
    let on_b = c.wait_diagnostics(&b, |d| !codes(d).is_empty());
    assert!(
        codes(&on_b).contains(&"duplicate-definition".to_string()),
        "{on_b:#}"
    );
    let on_a = c.wait_diagnostics(&a, |_| true);
    assert!(
        !codes(&on_a).contains(&"duplicate-definition".to_string()),
        "{on_a:#}"
    );
    assert_eq!(c.shutdown(), 0);
}

/// A document opened, and typed into, before the first load of its folder
/// has finished is not published with findings of part of the org (names
/// declared in files not read yet would be "undefined"); completion says
/// its list is incomplete, and requests that read the org wait for the
/// load. A test hook holds the load until the client lets it go.
#[test]
fn nothing_is_answered_from_part_of_the_org_while_it_loads() {
    let dir = workspace(&[("people.orgplan", PEOPLE), ("plan.orgplan", PLAN)]);
    let mut c = holding_the_load(&dir);
    let plan = c.uri("plan.orgplan");
    c.open(&plan, PLAN);
    // Typed into: `reports_to: jane` → `reports_to: jane ` and back.
    for (version, text) in [(2, " "), (3, "")] {
        let (start, end) = if text.is_empty() { (18, 19) } else { (18, 18) };
        c.notify_as::<DidChangeTextDocument>(json!({
                "textDocument": { "uri": plan, "version": version },
                "contentChanges": [{ "range": { "start": { "line": 9, "character": start }, "end": { "line": 9, "character": end } }, "text": text }]
            }),
        );
    }
    let completion = c
        .request_as::<Completion>(
            json!({ "textDocument": { "uri": plan }, "position": { "line": 1, "character": 10 } }),
        )
        .unwrap();
    assert_eq!(completion["isIncomplete"], true, "{completion}");
    let fixes = c.send_request_as::<CodeActionRequest>(json!({
        "textDocument": { "uri": plan },
        "range": { "start": { "line": 1, "character": 10 }, "end": { "line": 1, "character": 10 } },
        "context": { "diagnostics": [] }
    }));
    let hover = c.send_request_as::<HoverRequest>(
        json!({ "textDocument": { "uri": plan }, "position": { "line": 1, "character": 11 } }),
    );
    let checklist = c.send_request_as::<Checklist>(
        json!({ "textDocument": { "uri": plan }, "position": { "line": 0, "character": 11 } }),
    );
    c.drain(Duration::from_millis(500));
    assert!(
        c.publications(&plan).is_empty(),
        "published while loading: {:#?}",
        c.publications(&plan)
    );
    assert!(!c.has_response(fixes), "code actions wait for the load");
    assert!(!c.has_response(hover), "hovers wait for the load");
    assert!(!c.has_response(checklist), "checklists wait for the load");
    // The load goes on: the plan's findings are those of the whole org.
    assert_eq!(c.req::<TestReleaseLoad>(json!({})), Ok(()));
    let d = c.wait_diagnostics(&plan, |d| d["version"] == 3);
    assert!(codes(&d).is_empty(), "{d:#}");
    assert_eq!(
        c.publications(&plan).len(),
        1,
        "{:#?}",
        c.publications(&plan)
    );
    assert_eq!(c.response(fixes), Ok(json!([])));
    // Jane, declared in the file read last, leads it.
    let checklist = c.response(checklist).unwrap();
    assert_eq!(checklist["items"][0]["why"], "led by `jane`", "{checklist}");
    let h = c.response(hover).unwrap();
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Jane Doe"),
        "{h}"
    );
    let completion = c
        .request_as::<Completion>(
            json!({ "textDocument": { "uri": plan }, "position": { "line": 1, "character": 10 } }),
        )
        .unwrap();
    assert_eq!(completion["isIncomplete"], false, "{completion}");
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"raj"), "{labels:?}");
    assert_eq!(c.shutdown(), 0);
}

/// Every address the server sends opens real text: with a documentation
/// base URL (from `orgplan.toml`, or else the editor's `docs.baseUrl`),
/// each diagnostic's `codeDescription` leads to its rule's section and the
/// hovers' links to known pages; without one, no `codeDescription` is sent.
#[test]
fn every_link_the_server_sends_leads_to_real_text() {
    use orgplan_e2e::{follow, links_in, workspace_root};
    let plan = "initiative fba \"FBA\" {\n  teams: inbound\n}\nteam inbound \"Inbound\" {\n  reports_to: nobody\n}\n";
    let docs = format!("file://{}", workspace_root().join("docs").display());
    let cases = [
        // orgplan.toml's base wins over the editor's.
        (
            Some(format!("[docs]\nbase-url = \"{docs}\"\n")),
            json!({ "docs": { "baseUrl": "https://docs.example.com/nowhere" } }),
            true,
        ),
        (None, json!({ "docs": { "baseUrl": docs } }), true),
        (None, Value::Null, false),
    ];
    for (toml, settings, linked) in cases {
        let mut files = vec![("plan.orgplan", plan)];
        if let Some(t) = &toml {
            files.push(("orgplan.toml", t.as_str()));
        }
        let dir = workspace(&files);
        let mut c = Client::spawn(Init {
            root: Some(dir.path().to_path_buf()),
            settings,
            ..Init::default()
        });
        let uri = c.uri("plan.orgplan");
        let d = c.wait_diagnostics(&uri, |d| codes(d).len() >= 3);
        let mut followed = 0;
        for diag in d["diagnostics"].as_array().unwrap() {
            let href = &diag["codeDescription"]["href"];
            if !linked {
                assert!(href.is_null(), "a link with no documentation base: {diag}");
                continue;
            }
            let href = href.as_str().expect("a codeDescription");
            follow(href).unwrap_or_else(|e| panic!("{e}"));
            followed += 1;
            let hover = c
                .request_as::<HoverRequest>(
                    json!({ "textDocument": { "uri": uri }, "position": diag["range"]["start"] }),
                )
                .unwrap();
            for link in links_in(&hover.to_string()) {
                follow(&link).unwrap_or_else(|e| panic!("{e}"));
            }
        }
        assert!(!linked || followed >= 3, "{d}");
        assert_eq!(c.shutdown(), 0);
    }
}
