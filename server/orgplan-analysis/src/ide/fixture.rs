//! Fixtures for IDE tests: plan text with a `$0` cursor marker (and,
//! optionally, `#- name.orgplan` lines starting further files, or
//! `#- orgplan.toml`).

use crate::rules::fixture::{split_files, unindent};
use crate::text::FileId;
use crate::workspace::Workspace;
use crate::Analysis;
use std::sync::Arc;

pub struct Fixture {
    pub ws: Workspace,
    pub analysis: Arc<Analysis>,
    /// The file with the cursor (or the first file).
    pub file: FileId,
    pub offset: usize,
}

pub fn fixture(text: &str) -> Fixture {
    let files = split_files(&unindent(text));
    let mut ws = Workspace::new();
    let mut cursor = None;
    let mut first = None;
    for (name, mut body) in files {
        let at = body.find("$0");
        if let Some(at) = at {
            body.replace_range(at..at + 2, "");
        }
        if name == "orgplan.toml" {
            ws.set_config_file(Some((&name, body)));
            continue;
        }
        let id = ws.set_file(&name, body);
        first.get_or_insert(id);
        if let Some(at) = at {
            cursor = Some((id, at));
        }
    }
    let (file, offset) = cursor.unwrap_or((first.expect("a file"), 0));
    let analysis = ws.analysis();
    Fixture {
        ws,
        analysis,
        file,
        offset,
    }
}

impl Fixture {
    pub fn text(&self, file: FileId) -> String {
        self.ws.text(file).unwrap().to_string()
    }

    /// `path:start..end `text`` for a place.
    pub fn show(&self, loc: crate::Loc) -> String {
        let t = self.text(loc.file);
        format!(
            "{}:{:?} `{}`",
            self.ws.path(loc.file).unwrap(),
            loc.range,
            &t[loc.range.start()..loc.range.end()]
        )
    }
}
