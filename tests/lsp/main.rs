//! End-to-end tests of `orgplan lsp`: the real binary, driven over stdio as
//! an editor drives it. Build it first: `cargo build -p orgplan`.

#[allow(dead_code)]
mod harness;

mod capabilities;
mod concurrency;
mod features;
mod graph;
mod lifecycle;
mod pull;
mod robustness;
mod sync;
