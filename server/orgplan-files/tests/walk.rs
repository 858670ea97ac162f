//! What the walker reads and what it passes over, in both scopes.

use orgplan_files::{walk, Scope};
use std::fs;
use std::path::{Path, PathBuf};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A folder holding a project with plans where users keep them and where
/// they do not.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proj");
    for rel in [
        "z.orgplan",
        "a.orgplan",
        "sub/b.orgplan",
        "sub/deeper/c.orgplan",
        "built/generated.orgplan",
        "scratch.orgplan",
        ".hidden/secret.orgplan",
        ".git/info.orgplan",
        "target/out.orgplan",
        "node_modules/pkg/x.orgplan",
        "notes.txt",
        "orgplan.toml",
        "sub/orgplan.toml",
        "built/orgplan.toml",
    ] {
        write(&root, rel, "");
    }
    write(&root, ".gitignore", "built/\nscratch.orgplan\n");
    // An ignore file above the project: the command line reads it, the
    // server (confined to its folder) does not.
    write(dir.path(), ".gitignore", "deeper/\n");
    dir
}

fn names(root: &Path, paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn the_command_line_skips_ignored_hidden_and_build_folders() {
    let dir = project();
    let root = dir.path().join("proj");
    let found = walk(&root, Scope::Command);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    // The files of a folder before its subfolders; `sub/deeper` is ignored
    // by the ignore file above the project.
    assert_eq!(
        names(&root, &found.plans),
        ["a.orgplan", "z.orgplan", "sub/b.orgplan"]
    );
    assert_eq!(
        names(&root, &found.configs),
        ["orgplan.toml", "sub/orgplan.toml"]
    );
}

#[test]
fn the_server_reads_nothing_above_its_folder() {
    let dir = project();
    let root = fs::canonicalize(dir.path().join("proj")).unwrap();
    let found = walk(&root, Scope::Workspace);
    assert_eq!(
        names(&root, &found.plans),
        [
            "a.orgplan",
            "sub/b.orgplan",
            "sub/deeper/c.orgplan",
            "z.orgplan"
        ]
    );
}

#[test]
fn a_folder_named_explicitly_is_read_even_if_ignored_or_hidden() {
    let dir = project();
    let root = dir.path().join("proj");
    for (folder, plan) in [
        ("built", "generated.orgplan"),
        (".hidden", "secret.orgplan"),
    ] {
        for scope in [Scope::Command, Scope::Workspace] {
            let folder = fs::canonicalize(root.join(folder)).unwrap();
            let found = walk(&folder, scope);
            assert_eq!(names(&folder, &found.plans), [plan], "{scope:?}");
        }
    }
}

#[cfg(unix)]
#[test]
fn links_lead_only_where_the_scope_allows() {
    let dir = project();
    let root = fs::canonicalize(dir.path().join("proj")).unwrap();
    write(dir.path(), "outside/far.orgplan", "");
    std::os::unix::fs::symlink(dir.path().join("outside"), root.join("out-link")).unwrap();
    std::os::unix::fs::symlink(root.join("sub"), root.join("sub-link")).unwrap();
    std::os::unix::fs::symlink(root.join("a.orgplan"), root.join("a-link.orgplan")).unwrap();
    std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();

    // The server follows links inside its folder and names each file once,
    // by its real path; it never leaves the folder.
    let found = walk(&root, Scope::Workspace);
    assert_eq!(
        names(&root, &found.plans),
        [
            "a.orgplan",
            "sub/b.orgplan",
            "sub/deeper/c.orgplan",
            "z.orgplan"
        ]
    );
    // The command line follows links to files, never to folders.
    let found = walk(&root, Scope::Command);
    assert_eq!(
        names(&root, &found.plans),
        ["a-link.orgplan", "a.orgplan", "z.orgplan", "sub/b.orgplan"]
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_an_error_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    let root = dir.path().join("proj");
    let locked = root.join("sub");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let readable = fs::read_dir(&locked).is_ok(); // true when run as root
    let found = walk(&root, Scope::Command);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    if !readable {
        assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
        assert_eq!(found.errors[0].0, locked);
    }
}

/// The check of one file that a watcher reports agrees with the walk, for
/// every file of the project (a whitelisted file in an ignored folder's
/// sibling, a nested ignore file and an `.ignore` over a `.gitignore`
/// included).
#[test]
fn one_file_is_walked_exactly_when_the_walk_finds_it() {
    let dir = project();
    let root = fs::canonicalize(dir.path().join("proj")).unwrap();
    write(&root, "sub/.gitignore", "*.orgplan\n!keep.orgplan\n");
    write(&root, "sub/keep.orgplan", "");
    write(&root, "sub/drop.orgplan", "");
    write(&root, "other/.gitignore", "x.orgplan\n");
    write(&root, "other/.ignore", "!x.orgplan\n");
    write(&root, "other/x.orgplan", "");
    write(&root, "other/built/y.orgplan", "");
    let found = walk(&root, Scope::Workspace);
    let all = walk_everything(&root);
    assert!(all.len() > 15);
    for path in all {
        let expected = found.plans.contains(&path) || found.configs.contains(&path);
        assert_eq!(orgplan_files::is_walked(&root, &path), expected, "{path:?}");
    }
    assert!(!orgplan_files::is_walked(&root, dir.path()));
}

fn walk_everything(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk_everything(&path));
        } else if path.extension().is_some_and(|e| e == "orgplan")
            || path.file_name().is_some_and(|n| n == "orgplan.toml")
        {
            out.push(path);
        }
    }
    out
}
