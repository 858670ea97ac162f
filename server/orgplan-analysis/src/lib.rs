//! The orgplan analysis core.
//!
//! Text goes in, plain data comes out: a [`Workspace`] holds the `.orgplan`
//! files of one org model and its `orgplan.toml`; [`Workspace::analysis`]
//! returns the [`model::Model`] and every [`rules::Finding`], with byte
//! ranges. The [`ide`] module answers editor questions (hover, completion,
//! navigation …) in the same terms. Nothing here knows LSP, JSON or async,
//! and nothing here fails: bad input becomes findings.

mod ahead;
pub mod chunks;
pub mod config;
pub mod format;
pub mod graph;
pub mod ide;
mod incremental;
pub mod model;
pub mod position;
mod rope;
pub mod rules;
pub mod schema;
pub mod suggest;
pub mod syntax;
mod text;
mod workspace;

pub(crate) use ahead::ask_for;
pub use incremental::Omitted;
pub use rope::Text;
pub use text::{join, FileId, Loc, TextRange, MAX_TEXT_BYTES};
pub use workspace::{Analysis, Replacement, SourceFile, Workspace, MAX_FINDINGS_SHOWN};
