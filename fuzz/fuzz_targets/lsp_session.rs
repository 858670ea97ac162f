//! A stream of LSP messages into the whole server, in process: it never
//! panics out or hangs, and everything it writes is framed JSON.
//!
//! `file:` URIs are renamed to `fuzz:` first, so that the fuzzer cannot
//! make the server load folders from this machine's disk.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(10);

fn without_file_uris(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    let mut i = 0;
    while i + 5 <= out.len() {
        if out[i..i + 5].eq_ignore_ascii_case(b"file:") {
            out[i..i + 5].copy_from_slice(b"fuzz:");
        }
        i += 1;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let t = Instant::now();
    let output = orgplan_lsp::fuzzing::serve_bytes(without_file_uris(data), LIMIT);
    assert!(
        t.elapsed() < LIMIT,
        "the session did not end at the end of its input"
    );
    let mut rest = &output[..];
    while !rest.is_empty() {
        let end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("framed output");
        let header = std::str::from_utf8(&rest[..end]).expect("an ASCII header");
        let len: usize = header
            .strip_prefix("Content-Length: ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a bad header: {header:?}"));
        let body = &rest[end + 4..end + 4 + len];
        let v: serde_json::Value = serde_json::from_slice(body).expect("JSON output");
        assert_eq!(v["jsonrpc"], "2.0", "{v}");
        rest = &rest[end + 4 + len..];
    }
});
