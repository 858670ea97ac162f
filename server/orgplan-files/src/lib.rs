//! The files orgplan reads below a folder: one walker, shared by the
//! command line (`orgplan check`, `fmt`, `graph`) and the language server,
//! so that both read the same plans.
//!
//! The walk is the `ignore` crate's (ripgrep's walker), so a folder is
//! searched as a user of git expects:
//!
//! - what `.gitignore` and `.ignore` files say is not read, whether or not
//!   the folder is in a git repository;
//! - hidden files and folders (a name starting with `.`) are not read;
//! - nor are [`SKIPPED_DIRS`] (build output and installed packages),
//!   ignored or not;
//! - the folder named (the root of the walk) is always read, hidden or
//!   ignored: the rules apply to what is found below it. A file named
//!   explicitly is not walked at all, so it is always read.
//!
//! [`Scope`] says what else the walk may read: the command line reads the
//! ignore files above the folder as git does; the language server reads
//! nothing outside its workspace folder.

use orgplan_analysis::config;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// The extension of plan files.
pub const PLAN_EXTENSION: &str = "orgplan";

/// Folders never searched for plans, even where no ignore file names them.
pub const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

/// `std::fs::canonicalize`, also where the system has none, and in the
/// form people and editors write:
///
/// - Windows: its canonicalize answers verbatim paths (`\\?\C:\plans`,
///   `\\?\UNC\server\share`), which no editor writes and which do not fit
///   in a file URI; they are given back in their ordinary form (`C:\plans`,
///   `\\server\share`) wherever that form names the same file
///   ([`plain_windows_path`]). Every path the server or the command line
///   shows, or turns back into a URI, comes from here.
/// - WASI (the WebAssembly server and CLI) resolves no symbolic links for
///   a program: the path is made absolute (against the current folder) and
///   its `.` and `..` taken out, and it must exist. Preopened folders
///   confine such a program anyway.
pub fn canonicalize(p: impl AsRef<std::path::Path>) -> std::io::Result<std::path::PathBuf> {
    #[cfg(windows)]
    return std::fs::canonicalize(p).map(|c| match c.to_str().and_then(plain_windows_path) {
        Some(plain) => std::path::PathBuf::from(plain),
        None => c,
    });
    #[cfg(not(any(windows, target_os = "wasi")))]
    return std::fs::canonicalize(p);
    #[cfg(target_os = "wasi")]
    {
        use std::path::{Component, PathBuf};
        let mut out = PathBuf::from("/");
        let absolute = std::env::current_dir()?.join(p.as_ref());
        for c in absolute.components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(n) => out.push(n),
                Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            }
        }
        std::fs::metadata(&out)?;
        Ok(out)
    }
}

/// The ordinary form of a Windows verbatim path: `\\?\C:\a\b` is `C:\a\b`
/// and `\\?\UNC\server\share\a` is `\\server\share\a`; `None` when `path`
/// is not verbatim, or when its ordinary form would name another file or
/// none: Windows reads an ordinary path through its legacy rules (it
/// drops trailing dots and spaces of a name, treats `CON`, `NUL`, `COM1`…
/// as devices, in any folder and with any extension, and stops at
/// `MAX_PATH`), which a verbatim path bypasses. Pure text, so that every
/// target tests it.
pub fn plain_windows_path(path: &str) -> Option<String> {
    const MAX_PATH: usize = 260;
    let rest = path.strip_prefix(r"\\?\")?;
    let (plain, names) = if let Some(unc) = rest
        .strip_prefix(r"UNC\")
        .or_else(|| rest.strip_prefix(r"unc\"))
    {
        let mut parts = unc.splitn(3, '\\');
        let (server, share) = (parts.next()?, parts.next()?);
        if server.is_empty()
            || share.is_empty()
            || !server.chars().chain(share.chars()).all(plain_char)
        {
            return None;
        }
        (format!(r"\\{unc}"), parts.next().unwrap_or(""))
    } else {
        let bytes = rest.as_bytes();
        if bytes.len() < 2 || !bytes[0].is_ascii_alphabetic() || bytes[1] != b':' {
            return None;
        }
        match rest.get(2..)? {
            "" => (format!(r"{rest}\"), ""),
            tail => (rest.to_string(), tail.strip_prefix('\\')?),
        }
    };
    if plain.len() >= MAX_PATH {
        return None;
    }
    let names = names.strip_suffix('\\').unwrap_or(names);
    if names.is_empty() {
        return Some(plain);
    }
    for name in names.split('\\') {
        if name.is_empty()
            || name == "."
            || name == ".."
            || name.ends_with('.')
            || name.ends_with(' ')
            || !name.chars().all(plain_char)
            || is_device_name(name)
        {
            return None;
        }
    }
    Some(plain)
}

/// `CON`, `nul.txt`, `COM1.orgplan`…: names Windows reads as devices in an
/// ordinary path, whatever the folder and the extension.
fn is_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.trim_end_matches(' ').to_ascii_uppercase();
    match stem.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        s if s.starts_with("COM") || s.starts_with("LPT") => {
            let n = &s[3..];
            n.len() == 1 && n.as_bytes()[0].is_ascii_digit()
                || ["\u{b9}", "\u{b2}", "\u{b3}"].contains(&n)
        }
        _ => false,
    }
}

/// A character an ordinary Windows path may hold in a name.
fn plain_char(c: char) -> bool {
    !matches!(c, '<' | '>' | ':' | '"' | '/' | '|' | '?' | '*') && c >= ' '
}

/// What a walk may read besides the folder it walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The command line: ignore files of the folders above the root count
    /// (up to the repository's root), and so do `.git/info/exclude` and
    /// the user's global git excludes, as for git. Links to folders are
    /// not followed (so no loops); links to files are.
    Command,
    /// The language server: nothing outside the root (which must be
    /// canonical) is read, no ignore file above it, no git configuration.
    /// Links are followed where they resolve inside the root; files are
    /// named by their canonical paths, each once.
    Workspace,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Found {
    /// The plan files. [`Scope::Command`]: the files of a folder before
    /// its subfolders, subfolders in order of their names;
    /// [`Scope::Workspace`]: sorted by path.
    pub plans: Vec<PathBuf>,
    /// The `orgplan.toml` files, sorted by path.
    pub configs: Vec<PathBuf>,
    /// The folders that could not be read, with the reason.
    pub errors: Vec<(PathBuf, std::io::Error)>,
}

/// Walks `root` for plans and configuration files.
pub fn walk(root: &Path, scope: Scope) -> Found {
    let mut found = Found::default();
    let mut seen = HashSet::new();
    for entry in walker(root, scope) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.errors.extend(io_error(root, &e));
                continue;
            }
        };
        let path = entry.path();
        let is_plan = path.extension().is_some_and(|e| e == PLAN_EXTENSION);
        let is_config = entry.file_name() == config::FILE_NAME;
        // A link counts when it leads to a file.
        if !(is_plan || is_config) || !path.is_file() {
            continue;
        }
        let path = match scope {
            Scope::Command => path.to_path_buf(),
            Scope::Workspace => match canonicalize(path) {
                Ok(canon) if canon.starts_with(root) && seen.insert(canon.clone()) => canon,
                _ => continue,
            },
        };
        if is_plan {
            found.plans.push(path);
        } else {
            found.configs.push(path);
        }
    }
    match scope {
        Scope::Command => found.plans.sort_by_cached_key(|p| files_first(root, p)),
        Scope::Workspace => found.plans.sort(),
    }
    found.configs.sort();
    found
}

fn walker(root: &Path, scope: Scope) -> ignore::Walk {
    let mut builder = ignore::WalkBuilder::new(root);
    builder.standard_filters(true).require_git(false);
    let confined = (scope == Scope::Workspace).then(|| root.to_path_buf());
    if confined.is_some() {
        builder
            .parents(false)
            .git_global(false)
            .git_exclude(false)
            .follow_links(true);
    }
    builder.filter_entry(move |e| keep(e, confined.as_deref()));
    builder.build()
}

/// Whether the walk goes on into (or reads) `e`: not a skipped folder, nor
/// (confined to a root) a link that leads out of it.
fn keep(e: &ignore::DirEntry, confined: Option<&Path>) -> bool {
    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
    if is_dir && SKIPPED_DIRS.iter().any(|s| e.file_name() == *s) {
        return false;
    }
    match confined {
        Some(root) if e.path_is_symlink() => {
            canonicalize(e.path()).is_ok_and(|c| c.starts_with(root))
        }
        _ => true,
    }
}

/// The key that puts the files of a folder before its subfolders, and
/// subfolders in order: each folder on the way as `(1, name)`, the file's
/// name as `(0, name)`.
fn files_first(root: &Path, path: &Path) -> Vec<(u8, std::ffi::OsString)> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<Component> = rel.components().collect();
    let last = parts.len().saturating_sub(1);
    parts
        .iter()
        .enumerate()
        .map(|(i, c)| (u8::from(i != last), c.as_os_str().to_owned()))
        .collect()
}

/// A folder that could not be read; not a loop of links or a pattern in an
/// ignore file that does not parse (those are passed over).
fn io_error(root: &Path, e: &ignore::Error) -> Option<(PathBuf, std::io::Error)> {
    let io = e.io_error()?;
    let path = error_path(e).unwrap_or(root).to_path_buf();
    Some((path, std::io::Error::new(io.kind(), io.to_string())))
}

fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// Whether a walk of `root` in [`Scope::Workspace`] would find `path` (a
/// plan or configuration file below `root`), by the same rules, reading
/// only the ignore files of the folders between them: for a file that a
/// watcher says was created or changed, without walking again.
pub fn is_walked(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let names: Vec<&std::ffi::OsStr> = rel.iter().collect();
    let Some(last) = names.len().checked_sub(1) else {
        return false;
    };
    let hidden = |n: &std::ffi::OsStr| n.as_encoded_bytes().starts_with(b".");
    let skipped = |i: usize| i < last && SKIPPED_DIRS.iter().any(|s| names[i] == *s);
    if (0..=last).any(|i| hidden(names[i]) || skipped(i)) {
        return false;
    }
    // The ignore files of each folder from the root down to the file's.
    let mut dir = root.to_path_buf();
    let mut matchers = Vec::with_capacity(names.len());
    for name in &names {
        matchers.push(ignore_files(&dir));
        dir.push(name);
    }
    // Each folder on the way, then the file: the deepest ignore file that
    // says something about it decides.
    let mut here = root.to_path_buf();
    for (i, name) in names.iter().enumerate() {
        here.push(name);
        let decided = matchers[..=i]
            .iter()
            .rev()
            .flat_map(|files| files.iter().rev().flatten())
            .map(|m| m.matched(&here, i < last))
            .find(|m| !m.is_none());
        if decided.is_some_and(|m| m.is_ignore()) {
            return false;
        }
    }
    true
}

/// `.ignore` over `.gitignore` of one folder, as the walk reads them.
fn ignore_files(dir: &Path) -> [Option<ignore::gitignore::Gitignore>; 2] {
    let load = |name: &str| {
        let file = dir.join(name);
        if !file.is_file() {
            return None;
        }
        let mut builder = ignore::gitignore::GitignoreBuilder::new(dir);
        builder.add(file);
        builder.build().ok()
    };
    // In the order they are consulted from the back: `.ignore` first.
    [load(".gitignore"), load(".ignore")]
}

#[cfg(test)]
mod windows_path_tests {
    use super::plain_windows_path as plain;
    use proptest::prelude::*;

    #[test]
    fn verbatim_paths_in_their_ordinary_form() {
        let cases = [
            (
                r"\\?\C:\Users\kim\plans\plan.orgplan",
                Some(r"C:\Users\kim\plans\plan.orgplan"),
            ),
            (r"\\?\c:\Users\kim\plans", Some(r"c:\Users\kim\plans")),
            (r"\\?\C:\plans\", Some(r"C:\plans\")),
            (r"\\?\C:\", Some(r"C:\")),
            (r"\\?\C:", Some(r"C:\")),
            (
                r"\\?\UNC\server\share\plans\a b.orgplan",
                Some(r"\\server\share\plans\a b.orgplan"),
            ),
            (r"\\?\UNC\server\share", Some(r"\\server\share")),
            (r"\\?\C:\Users\Zoë\plans", Some(r"C:\Users\Zoë\plans")),
            // Not verbatim: nothing to do.
            (r"C:\Users\kim", None),
            (r"\\server\share", None),
            ("/home/kim/plans", None),
            // Verbatim forms with no ordinary one.
            (
                r"\\?\Volume{0b1e3c5a-0000-0000-0000-100000000000}\plans",
                None,
            ),
            (r"\\?\GLOBALROOT\Device\HarddiskVolume1", None),
            (r"\\?\UNC\server", None),
            (r"\\?\UNC\\share", None),
            // Names Windows would read otherwise in an ordinary path.
            (r"\\?\C:\plans\con", None),
            (r"\\?\C:\plans\NUL.orgplan", None),
            (r"\\?\C:\plans\com1.orgplan", None),
            (r"\\?\C:\plans\LPT9", None),
            (r"\\?\C:\plans\Com¹", None),
            (r"\\?\C:\plans\aux .orgplan", None),
            (r"\\?\C:\plans.\plan.orgplan", None),
            (r"\\?\C:\plans \plan.orgplan", None),
            (r"\\?\C:\plans\..\plan.orgplan", None),
            (r"\\?\C:\plans\.\plan.orgplan", None),
            (r"\\?\C:\plans\\plan.orgplan", None),
            (r"\\?\C:\a/b", None),
            (r"\\?\C:\a:b", None),
            (r"\\?\C:\a?", None),
        ];
        for (verbatim, want) in cases {
            assert_eq!(plain(verbatim).as_deref(), want, "{verbatim}");
        }
        // Names that only look like devices are files.
        for name in [
            "console",
            "com",
            "com10",
            "lpt",
            "nul_",
            "connect.orgplan",
            "a.con",
        ] {
            let p = format!(r"\\?\C:\plans\{name}");
            assert_eq!(plain(&p), Some(format!(r"C:\plans\{name}")), "{p}");
        }
        // Too long for an ordinary path.
        let long = format!(r"\\?\C:\{}", "a".repeat(300));
        assert_eq!(plain(&long), None);
    }

    /// A name of a Windows path: ordinary ones, and ones an ordinary path
    /// would read differently.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[A-Za-z0-9 _().-]{1,12}",
            1 => "[^\\\\/]{1,6}",
            1 => prop::sample::select(vec!["con", "NUL.txt", "com3.orgplan", "lpt1", "aux ", "..", ".", "a.", "b "])
                .prop_map(String::from),
        ]
    }

    proptest! {
        /// Whatever the names: the ordinary form, when given, is the path
        /// without its verbatim prefix, and holds no name an ordinary path
        /// reads otherwise; ordinary names always get one.
        #[test]
        fn the_ordinary_form_names_the_same_file(
            drive in "[A-Za-z]",
            names in prop::collection::vec(name(), 0..6),
            unc in any::<bool>(),
        ) {
            let ordinary = if unc {
                format!(r"\\server\share\{}", names.join("\\"))
            } else {
                format!(r"{drive}:\{}", names.join("\\"))
            };
            let verbatim = if unc {
                format!(r"\\?\UNC\{}", &ordinary[2..])
            } else {
                format!(r"\\?\{ordinary}")
            };
            let got = plain(&verbatim);
            if let Some(got) = &got {
                let want = ordinary.trim_end_matches('\\');
                prop_assert!(got == &ordinary || got == want || got == &format!("{want}\\"), "{got} for {verbatim}");
                for n in names.iter().filter(|n| !n.is_empty()) {
                    prop_assert!(n != "." && n != ".." && !n.ends_with('.') && !n.ends_with(' '), "{got}");
                    prop_assert!(!super::is_device_name(n), "{got}");
                }
            }
            let simple = names
                .iter()
                // (longer than any device name: `CON`, `COM1`…)
                .all(|n| n.len() > 4 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            if simple && ordinary.len() < 200 {
                prop_assert!(got.is_some(), "{verbatim}");
            }
        }
    }
}
