//! textDocument/codeLens. A lens runs a command the client said it has:
//! the checklist opens as a list of questions (`orgplan.showChecklist`, one
//! argument: `{ uri, position, title }`, the place of the initiative's name;
//! the command asks `orgplan/checklist` there for the questions, so that a
//! lens is a few hundred bytes, not its checklist), the teams as
//! references (`orgplan.showReferences`, arguments `uri, position,
//! locations` as `editor.action.showReferences` takes them). To a client
//! without them a lens is a label.
//!
//! The lenses are written as JSON text, in the order and form tower-lsp
//! gives `CodeLens` values, and sent in place of the handler's result
//! ([`crate::transport::stash_raw`]): a 100k-line plan has some ten
//! thousand lenses, which built into a JSON value tree and serialized
//! from it on the thread that reads and answers messages cost 300–400 ms a
//! request (BENCHMARKS.md, "6 Dec (twenty-fifth session): code lenses of a
//! large plan").

use super::Snap;
use crate::capabilities::{SHOW_CHECKLIST_COMMAND, SHOW_REFERENCES_COMMAND};
use crate::publication::{write_position as position, write_range, write_str};
use crate::transport::{raw_lens, raw_result, stash_raw};
use orgplan_analysis::ide::code_lens::{self, LensAction};
use tower_lsp_server::lsp_types::{CodeLens, CodeLensParams};

pub fn code_lens(snap: &Snap, _: &CodeLensParams) -> Option<Vec<CodeLens>> {
    let uri = snap.uri()?;
    let lenses = code_lens::code_lenses(snap.ws, &snap.analysis, snap.file);
    let mut quoted = Vec::new();
    write_str(&mut quoted, uri.as_str());
    let mut out = raw_result(lenses.len() * 160);
    out.push(b'[');
    for (k, l) in lenses.into_iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        lens(snap, &quoted, l, &mut out);
    }
    out.push(b']');
    Some(vec![raw_lens(stash_raw(out))])
}

/// One lens: `{"range":…,"command":{"title":…,"command":…,"arguments":…}}`.
fn lens(snap: &Snap, uri: &[u8], l: code_lens::CodeLens, out: &mut Vec<u8>) {
    let support = &snap.support;
    let range = snap.range(l.range);
    out.extend_from_slice(br#"{"range":"#);
    write_range(out, range);
    out.extend_from_slice(br#","command":{"title":"#);
    write_str(out, &l.title);
    out.extend_from_slice(br#","command":"#);
    match l.action {
        // The initiative's place only: the command asks for the
        // checklist when it runs (`orgplan/checklist`).
        LensAction::Checklist(_) if support.checklist_command => {
            write_str(out, SHOW_CHECKLIST_COMMAND);
            out.extend_from_slice(br#","arguments":[{"uri":"#);
            out.extend_from_slice(uri);
            out.extend_from_slice(br#","position":"#);
            position(out, range.start);
            out.extend_from_slice(br#","title":"#);
            write_str(out, &l.title);
            out.extend_from_slice(b"}]");
        }
        LensAction::Places(places) if support.references_command => {
            write_str(out, SHOW_REFERENCES_COMMAND);
            out.extend_from_slice(br#","arguments":["#);
            out.extend_from_slice(uri);
            out.push(b',');
            position(out, range.start);
            out.extend_from_slice(b",[");
            let mut first = true;
            for at in places.into_iter().filter_map(|p| snap.location(p)) {
                if !std::mem::take(&mut first) {
                    out.push(b',');
                }
                out.extend_from_slice(br#"{"uri":"#);
                write_str(out, at.uri.as_str());
                out.extend_from_slice(br#","range":"#);
                write_range(out, at.range);
                out.push(b'}');
            }
            out.extend_from_slice(b"]]");
        }
        // A label: the empty command makes it a title that does nothing.
        _ => out.extend_from_slice(br#""""#),
    }
    out.extend_from_slice(b"}}");
}
