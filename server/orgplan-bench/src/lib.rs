//! Benchmarks for orgplan.
//!
//! - [`generate`]: realistic org plans of any size, deterministic from a seed.
//! - [`lsp`]: an end-to-end benchmark of `orgplan lsp`, driven over stdio the
//!   way an editor drives it.

pub mod generate;
pub mod lsp;
