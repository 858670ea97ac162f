//! `orgplan/checklist`: the single-threaded checklist of the initiative at
//! a place, as the editor's checklist lens opens it (`orgplan.showChecklist`
//! asks for it when run, so that a file's code lenses carry a title each,
//! not every initiative's checklist; BENCHMARKS.md, "6 Dec (twenty-fifth
//! session): code lenses of a large plan").
//!
//! Request: `{ textDocument: { uri }, position }`, a place anywhere in an
//! initiative's block. Response: `null` when no initiative's block holds it,
//! else `{ uri, position, initiative, title, items: [{ label, question,
//! answer: "pass" | "fail" | "unchecked", why, location, findings:
//! [{ message, location }] }] }`, `position` being the start of the
//! initiative's name and `title` its name and score.

use super::Snap;
use orgplan_analysis::ide::checklist::{self, Answer, Question};
use serde_json::{json, Value};
use tower_lsp_server::lsp_types::TextDocumentPositionParams;

pub const METHOD: &str = "orgplan/checklist";

pub fn checklist(snap: &Snap, params: &TextDocumentPositionParams) -> Option<Value> {
    let offset = snap.offset(params.position);
    let i = checklist::initiative_at(&snap.analysis, snap.file, offset)?;
    let decl = &snap.analysis.model.initiatives[i].decl;
    let questions = checklist::checklist(snap.ws, &snap.analysis, i);
    let title = format!("{}: {}", decl.id, checklist::title(&questions));
    let item = |c: &Question| {
        json!({
            "label": format!("{} {}", c.answer.mark(), c.label),
            "question": c.question,
            "answer": match c.answer {
                Answer::Pass => "pass",
                Answer::Fail => "fail",
                Answer::Unchecked => "unchecked",
            },
            "why": c.why,
            "location": snap.location(c.at),
            "findings": c.findings.iter().map(|f| json!({
                "message": &*f.message,
                "location": snap.location(f.loc),
            })).collect::<Vec<_>>(),
        })
    };
    Some(json!({
        "uri": snap.uri()?,
        "position": snap.range(decl.name.range).start,
        "initiative": &*decl.id,
        "title": title,
        "items": questions.iter().map(item).collect::<Vec<_>>(),
    }))
}
