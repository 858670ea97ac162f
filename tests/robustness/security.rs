//! The workspace boundary: the server reads only files under its workspace
//! folders, and nothing in a workspace makes it run a process or open a
//! connection.
//!
//! The set-up puts a "secret" plan and configuration outside the root and
//! reaches for them every way a workspace or a client can: symlinked files
//! and folders, `..` in URIs, watched-file events, files opened from
//! outside. The secret's text must never show up in anything the server
//! sends.

use crate::support::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const SECRET_MARK: &str = "TOPSECRET4711";

struct Setup {
    _outside: TempDir,
    root: TempDir,
    secret: std::path::PathBuf,
    main_uri: String,
}

/// A root with one plan that names `zz_secret_leader` (declared only in
/// the secret file), and every kind of link out of the root.
fn setup() -> Setup {
    let outside = TempDir::new("outside");
    let secret = outside.write(
        "secret.orgplan",
        &format!("leader zz_secret_leader \"{SECRET_MARK} Person\" {{\n  title: \"{SECRET_MARK} title\"\n}}\n"),
    );
    outside.write(
        "nested/deeper.orgplan",
        &format!("team zz_secret_team \"{SECRET_MARK} team\" {{}}\n"),
    );
    outside.write(
        "orgplan.toml",
        &format!("[rules]\n{SECRET_MARK} = \"error\"\n"),
    );
    let root = TempDir::new("root");
    let main = root.write(
        "main.orgplan",
        "initiative i \"I\" {\n  leader: zz_secret_leader\n  teams: zz_secret_team\n}\n",
    );
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, root.path().join(name)).expect("symlink");
    };
    link(&secret, "link.orgplan");
    link(outside.path(), "linkdir");
    link(&outside.path().join("orgplan.toml"), "orgplan.toml");
    link(root.path(), "loop"); // a cycle, for the scan
    link(Path::new("/dev/zero"), "zero.orgplan");
    link(
        Path::new("/nonexistent/dangling.orgplan"),
        "dangling.orgplan",
    );
    std::fs::create_dir_all(root.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("../../", root.path().join("sub/up")).expect("symlink");
    // A named pipe that looks like a plan: reading it would block forever.
    let fifo = root.path().join("pipe.orgplan");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    Setup {
        main_uri: file_uri(&main),
        secret,
        _outside: outside,
        root,
    }
}

/// Nothing the server sent holds the secret files' text. (Their paths may
/// appear: a client that opens such a file, with its own text, gets
/// diagnostics for it.)
fn assert_no_secret(lsp: &Lsp) {
    for m in &lsp.transcript {
        assert!(!m.contains(SECRET_MARK), "the secret leaked: {m}");
    }
}

fn codes(d: &Value) -> Vec<String> {
    d.as_array()
        .map(|a| {
            a.iter()
                .map(|d| d["code"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn symlinks_out_of_the_workspace_are_not_followed() {
    let s = setup();
    let mut lsp = Lsp::start(&Start {
        root: Some(s.root.path().to_path_buf()),
        ..Start::default()
    });
    // The workspace loads (the plan's diagnostics come) despite the pipe,
    // the loop and /dev/zero.
    let d = lsp.settled_diagnostics(&s.main_uri, None, Duration::from_secs(3));
    let c = codes(&d);
    assert!(
        c.iter().filter(|c| *c == "undefined-reference").count() >= 2,
        "the secret's leader and team stay undefined: {d}"
    );
    // Ask about the names declared only in the secret files.
    lsp.notify_as::<DidOpenTextDocument>(
        json!({"textDocument": {"uri": s.main_uri, "languageId": "orgplan", "version": 1,
        "text": "initiative i \"I\" {\n  leader: zz_secret_leader\n  teams: zz_secret_team\n}\n"}}),
    );
    for request in [
        typed::<HoverRequest>(),
        typed::<GotoDefinition>(),
        typed::<References>(),
        typed::<Completion>(),
    ] {
        (request.request)(
            &mut lsp,
            json!({"textDocument": {"uri": s.main_uri}, "position": {"line": 1, "character": 14},
            "context": {"includeDeclaration": true, "triggerKind": 1}}),
        );
    }
    lsp.request_as::<WorkspaceSymbolRequest>(json!({"query": "zz"}));
    lsp.request_as::<WorkspaceSymbolRequest>(json!({"query": ""}));
    lsp.drain(Duration::from_millis(300));
    assert!(lsp.alive());
    assert_no_secret(&lsp);
}

#[test]
fn uris_that_climb_out_or_link_out_read_nothing() {
    let s = setup();
    let mut lsp = Lsp::start(&Start {
        root: Some(s.root.path().to_path_buf()),
        ..Start::default()
    });
    lsp.settled_diagnostics(&s.main_uri, None, Duration::from_secs(3));
    let root = s.root.path();
    let climbing = [
        file_uri(&root.join("link.orgplan")),
        file_uri(&root.join("linkdir/secret.orgplan")),
        file_uri(&root.join("linkdir/nested/deeper.orgplan")),
        format!(
            "{}/../{}/secret.orgplan",
            file_uri(root),
            s._outside.path().file_name().unwrap().to_string_lossy()
        ),
        format!(
            "{}/sub/up/{}/secret.orgplan",
            file_uri(root),
            s._outside
                .path()
                .strip_prefix("/")
                .unwrap()
                .to_string_lossy()
        ),
        file_uri(&s.secret),
        format!(
            "{}/%2e%2e/%2e%2e{}",
            file_uri(root),
            s.secret.to_string_lossy()
        ),
        file_uri(&root.join("orgplan.toml")),
        file_uri(&root.join("zero.orgplan")),
    ];
    // Watched-file events for each: created, changed, deleted.
    for uri in &climbing {
        for typ in [1, 2, 3, 1] {
            lsp.notify_as::<DidChangeWatchedFiles>(json!({"changes": [{"uri": uri, "type": typ}]}));
        }
    }
    // Opened by the client (with the client's text) and closed again: on
    // close, a file outside the root must not be read back from disk.
    for uri in &climbing {
        lsp.notify_as::<DidOpenTextDocument>(json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": 1, "text": "team opened \"O\" {}\n"}}));
        lsp.notify_as::<DidCloseTextDocument>(json!({"textDocument": {"uri": uri}}));
    }
    lsp.request_as::<WorkspaceSymbolRequest>(json!({"query": "zz"}));
    lsp.drain(Duration::from_millis(500));
    assert!(lsp.alive(), "stderr:\n{}", lsp.stderr());
    let d = lsp.settled_diagnostics(&s.main_uri, None, Duration::from_millis(300));
    assert!(
        codes(&d)
            .iter()
            .filter(|c| *c == "undefined-reference")
            .count()
            >= 2,
        "{d}"
    );
    assert_no_secret(&lsp);
}

#[test]
fn a_workspace_folder_given_with_dots_or_through_a_link_stays_itself() {
    let s = setup();
    // The root named through `..`: the server canonicalises it, and still
    // does not leave it.
    let dotted = s.root.path().join("sub").join("..");
    let mut lsp = Lsp::start(&Start {
        root: Some(dotted),
        ..Start::default()
    });
    let d = lsp.settled_diagnostics(&s.main_uri, None, Duration::from_secs(3));
    assert!(codes(&d).iter().any(|c| c == "undefined-reference"), "{d}");
    assert!(lsp.alive());
    assert_no_secret(&lsp);
}

/// No code of the server, the analysis or the CLI can start a process or
/// open a connection: the words for doing so appear nowhere in their source.
#[test]
fn server_code_runs_no_process_and_opens_no_connection() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("server");
    let forbidden = [
        "std::process::Command",
        "process::Command",
        "Command::new",
        "TcpStream",
        "TcpListener",
        "UdpSocket",
        "UnixStream",
        "UnixListener",
        "std::net::",
        "tokio::net",
        "tokio::process",
        "libc::exec",
        "reqwest",
        "hyper::",
        "ureq",
    ];
    let mut stack = vec![root.clone()];
    let mut checked = 0;
    let mut hits = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            let name = entry.file_name();
            if p.is_dir() {
                if name != "target" && name != "node_modules" && name != "orgplan-bench" {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                checked += 1;
                for word in forbidden {
                    if text.contains(word) {
                        hits.push(format!("{}: {word}", p.display()));
                    }
                }
            }
        }
    }
    assert!(
        checked > 20,
        "looked at {checked} files under {}",
        root.display()
    );
    assert!(
        hits.is_empty(),
        "process or network use in the server's code:\n{}",
        hits.join("\n")
    );
    // And no crate for it among their dependencies.
    let lock = std::fs::read_to_string(root.parent().unwrap().join("Cargo.lock")).unwrap();
    for krate in ["reqwest", "hyper", "ureq", "curl", "native-tls", "rustls"] {
        assert!(
            !lock.contains(&format!("name = \"{krate}\"")),
            "{krate} is a dependency"
        );
    }
}

/// Special files that look like plans (a named pipe, a link to a device)
/// are never read: reading a pipe would block the server for good.
#[test]
fn a_named_pipe_or_device_named_like_a_plan_does_not_block_the_server() {
    let s = setup();
    let mut lsp = Lsp::start(&Start {
        root: Some(s.root.path().to_path_buf()),
        ..Start::default()
    });
    lsp.settled_diagnostics(&s.main_uri, None, Duration::from_secs(3));
    for name in ["pipe.orgplan", "zero.orgplan"] {
        let uri = file_uri(&s.root.path().join(name));
        for typ in [1, 2] {
            lsp.notify_as::<DidChangeWatchedFiles>(json!({"changes": [{"uri": uri, "type": typ}]}));
            assert!(
                lsp.alive_within(Duration::from_secs(10)),
                "a watched-file event for {name} blocked the server"
            );
        }
        lsp.notify_as::<DidOpenTextDocument>(json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": 1, "text": "team p \"P\" {}\n"}}));
        lsp.notify_as::<DidCloseTextDocument>(json!({"textDocument": {"uri": uri}}));
        assert!(
            lsp.alive_within(Duration::from_secs(10)),
            "closing {name} blocked the server"
        );
    }
}

/// A plan file of gigabytes (sparse: it takes no disk) is skipped, not
/// read into memory.
#[test]
fn a_huge_file_named_like_a_plan_is_not_read() {
    let root = TempDir::new("huge");
    let main = root.write("main.orgplan", "team t \"T\" {}\n");
    let huge = root.path().join("huge.orgplan");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(4 << 30)
        .unwrap();
    let mut lsp = Lsp::start(&Start {
        root: Some(root.path().to_path_buf()),
        ..Start::default()
    });
    let d = lsp.settled_diagnostics(&file_uri(&main), None, Duration::from_secs(3));
    assert!(d.is_array(), "the rest of the workspace loads");
    let huge_uri = file_uri(&huge);
    lsp.notify_as::<DidChangeWatchedFiles>(json!({"changes": [{"uri": huge_uri, "type": 2}]}));
    assert!(lsp.alive());
    lsp.drain(Duration::from_millis(300));
    assert!(
        !lsp.diagnostics.contains_key(&huge_uri),
        "the huge file was read"
    );
    let rss = lsp.rss_kib().unwrap_or(0);
    assert!(rss < 512 * 1024, "resident memory {rss} KiB");
}
