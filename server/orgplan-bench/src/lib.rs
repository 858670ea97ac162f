//! Benchmarks for orgplan.
//!
//! - [`generate`]: realistic org plans of any size, deterministic from a seed.
//! - [`graph`]: the org graph's steps timed in-process (the floor under
//!   the server's `orgplan/graph`).
//! - [`lsp`]: an end-to-end benchmark of `orgplan lsp`, driven over stdio the
//!   way an editor drives it.

pub mod generate;
pub mod graph;
pub mod lsp;
