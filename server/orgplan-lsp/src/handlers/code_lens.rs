//! textDocument/codeLens. A lens runs a command the client said it has:
//! the checklist opens as a list of questions (`orgplan.showChecklist`, one
//! argument: `{ uri, position, title }`, the place of the initiative's name;
//! the command asks `orgplan/checklist` there for the questions, so that a
//! lens is a few hundred bytes, not its checklist: BENCHMARKS.md, "Code
//! lenses of a large plan"), the teams as
//! references (`orgplan.showReferences`, arguments `uri, position,
//! locations` as `editor.action.showReferences` takes them). To a client
//! without them a lens is a label.

use super::Snap;
use crate::capabilities::{SHOW_CHECKLIST_COMMAND, SHOW_REFERENCES_COMMAND};
use orgplan_analysis::ide::code_lens::{self, LensAction};
use serde_json::json;
use tower_lsp_server::lsp_types::{CodeLens, CodeLensParams, Command, Location, Uri};

pub fn code_lens(snap: &Snap, _: &CodeLensParams) -> Option<Vec<CodeLens>> {
    let uri = snap.uri()?;
    let lenses = code_lens::code_lenses(snap.ws, &snap.analysis, snap.file);
    Some(lenses.into_iter().map(|l| lens(snap, &uri, l)).collect())
}

fn lens(snap: &Snap, uri: &Uri, l: code_lens::CodeLens) -> CodeLens {
    let support = &snap.support;
    let range = snap.range(l.range);
    let (command, arguments) = match l.action {
        // The initiative's place only: the command asks for the
        // checklist when it runs (`orgplan/checklist`).
        LensAction::Checklist(_) if support.checklist_command => {
            let arg = json!({ "uri": uri, "position": range.start, "title": &l.title });
            (SHOW_CHECKLIST_COMMAND.to_string(), Some(vec![arg]))
        }
        LensAction::Places(places) if support.references_command => {
            let locations: Vec<Location> = places
                .into_iter()
                .filter_map(|p| snap.location(p))
                .collect();
            let args = vec![json!(uri), json!(range.start), json!(locations)];
            (SHOW_REFERENCES_COMMAND.to_string(), Some(args))
        }
        // A label: the empty command makes it a title that does nothing.
        _ => (String::new(), None),
    };
    CodeLens {
        range,
        command: Some(Command {
            title: l.title,
            command,
            arguments,
        }),
        data: None,
    }
}
