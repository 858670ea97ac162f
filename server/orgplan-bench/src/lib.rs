//! Benchmarks for orgplan.
//!
//! - [`generate`]: realistic org plans of any size, deterministic from a seed.
//! - [`graph`]: the org graph's steps timed in-process (the floor under
//!   the server's `orgplan/graph`).
//! - [`lsp`]: an end-to-end benchmark of `orgplan lsp`, driven over stdio the
//!   way an editor drives it.
//! - [`peer`]: the same, side by side with LikeC4's language server on the
//!   same plan as a LikeC4 model ([`likec4`]).

pub mod generate;
pub mod graph;
pub mod likec4;
pub mod lsp;
pub mod peer;
