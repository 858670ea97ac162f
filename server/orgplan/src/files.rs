//! Finding and reading the files a command works on.

use crate::Failure;
use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// The extension of plan files.
pub const EXTENSION: &str = orgplan_files::PLAN_EXTENSION;

/// A plan file: where it is and how to name it in output.
#[derive(Debug, Clone)]
pub struct Input {
    /// The path as given, or as found below a given folder.
    pub path: PathBuf,
    /// The path as output names it (relative unless given absolute,
    /// without a leading `./`).
    pub display: String,
}

/// Every plan file the given paths name: files as they are (ignored or
/// not), folders searched for `.orgplan` files ([`walk`]). No paths means the current folder.
/// Each file once, in a stable order (paths in the order given, files
/// below a folder sorted).
pub fn collect(paths: &[PathBuf]) -> Result<Vec<Input>, Failure> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for root in paths {
        let meta = fs::metadata(root).map_err(|e| {
            Failure::new(format!(
                "cannot read `{}`: {}",
                root.display(),
                io_reason(&e)
            ))
        })?;
        let mut found = Vec::new();
        if meta.is_dir() {
            walk(root, &mut found)?;
        } else {
            found.push(root.clone());
        }
        for path in found {
            let key = orgplan_lsp::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if seen.insert(key) {
                out.push(Input {
                    display: display(&path),
                    path,
                });
            }
        }
    }
    Ok(out)
}

/// Every `.orgplan` file below `root` that the one walker of orgplan finds
/// (`orgplan_files`: ignore files and hidden folders respected, links to
/// folders not followed); the files of a folder before its subfolders.
fn walk(root: &Path, out: &mut Vec<PathBuf>) -> Result<(), Failure> {
    let found = orgplan_files::walk(root, orgplan_files::Scope::Command);
    if let Some((dir, e)) = found.errors.first() {
        return Err(Failure::new(format!(
            "cannot read folder `{}`: {}",
            display(dir),
            io_reason(e)
        )));
    }
    out.extend(found.plans);
    Ok(())
}

/// How output names `path`: as given, without `./` components.
pub fn display(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::RootDir => absolute = true,
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            Component::ParentDir => parts.push("..".into()),
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join(std::path::MAIN_SEPARATOR_STR);
    if absolute {
        format!("{}{joined}", std::path::MAIN_SEPARATOR)
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

/// Reads a text file; a file that is not UTF-8 is an error naming it.
pub fn read_text(path: &Path, display: &str) -> Result<String, Failure> {
    let cannot =
        |e: std::io::Error| Failure::new(format!("cannot read `{display}`: {}", io_reason(&e)));
    if fs::metadata(path).map_err(cannot)?.len() > orgplan_analysis::MAX_TEXT_BYTES as u64 {
        return Err(too_long(&format!("`{display}`")));
    }
    let bytes = fs::read(path).map_err(cannot)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..at]);
        let line = text.matches('\n').count() + 1;
        Failure::new(format!(
            "`{display}` is not valid UTF-8 (line {line}, byte {at})"
        ))
    })
}

/// The configuration named on the command line (`--config`), and how to
/// name it in output: it must be a file.
pub fn named_config(path: Option<&Path>) -> Result<Option<(PathBuf, String)>, Failure> {
    let Some(path) = path else {
        return Ok(None);
    };
    if !path.is_file() {
        return Err(Failure::new(format!(
            "cannot read configuration `{}`: {}",
            display(path),
            if path.exists() {
                "not a file"
            } else {
                "No such file or directory"
            }
        )));
    }
    Ok(Some((path.to_path_buf(), display(path))))
}

/// The nearest `orgplan.toml`: in each given folder (a file's folder) and
/// its ancestors, up to the root of the repository it is in (a folder with
/// `.git`) or the filesystem root; the first found. Returns its path and
/// how to name it.
pub fn find_config(paths: &[PathBuf]) -> Option<(PathBuf, String)> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let cwd = std::env::current_dir().ok();
    for p in paths {
        let start = if p.is_dir() {
            p.clone()
        } else {
            match p.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
        let Ok(abs) = orgplan_lsp::canonicalize(&start) else {
            continue;
        };
        for dir in abs.ancestors() {
            let candidate = dir.join(orgplan_analysis::config::FILE_NAME);
            if candidate.is_file() {
                let shown = if p.is_absolute() {
                    display(&candidate)
                } else {
                    cwd.as_deref()
                        .and_then(|cwd| orgplan_lsp::canonicalize(cwd).ok())
                        .and_then(|cwd| relative(&candidate, &cwd))
                        .map_or_else(|| display(&candidate), |r| display(&r))
                };
                return Some((candidate, shown));
            }
            if dir.join(".git").exists() {
                break;
            }
        }
    }
    None
}

/// `path` relative to `base` (both absolute), with `..` where needed.
fn relative(path: &Path, base: &Path) -> Option<PathBuf> {
    let path_parts: Vec<Component> = path.components().collect();
    let base_parts: Vec<Component> = base.components().collect();
    let common = path_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..base_parts.len() {
        out.push("..");
    }
    for c in &path_parts[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

/// The error for a text longer than the analysis reads.
pub fn too_long(display: &str) -> Failure {
    Failure::new(format!(
        "{display} is larger than {} bytes (4 GiB), the most orgplan reads",
        orgplan_analysis::MAX_TEXT_BYTES
    ))
}

/// An I/O error's reason without Rust's "(os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_drops_current_dir() {
        assert_eq!(display(Path::new("./a/./b.orgplan")), "a/b.orgplan");
        assert_eq!(display(Path::new(".")), ".");
        assert_eq!(display(Path::new("/x/y")), "/x/y");
        assert_eq!(display(Path::new("../x")), "../x");
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b/c"), Path::new("/a/d")),
            Some(PathBuf::from("../b/c"))
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b")),
            Some(PathBuf::new())
        );
    }
}
