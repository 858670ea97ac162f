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
