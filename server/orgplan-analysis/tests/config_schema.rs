//! The JSON schema of `orgplan.toml` that the VS Code extension declares
//! (`tomlValidation`) is generated from the registry; this test keeps the
//! checked-in file in step (set `UPDATE_SCHEMA=1` to rewrite it).

use orgplan_analysis::ide::config_file;
use std::path::Path;

#[test]
fn the_vscode_schema_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../editors/vscode/schemas/orgplan.schema.json");
    let want = config_file::json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "editors/vscode/schemas/orgplan.schema.json is out of date: run UPDATE_SCHEMA=1 cargo test -p orgplan-analysis --test config_schema"
    );
}
