//! The server's input guard: arbitrary bytes from a client never make it
//! panic or hang; every frame it hands tower-lsp is a JSON-RPC message
//! tower-lsp accepts, and every answer it writes back is a JSON-RPC error
//! of the right kind.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Splits the guard's output, which it frames itself, into bodies.
fn bodies(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header block");
        let header = std::str::from_utf8(&bytes[..end]).expect("an ASCII header");
        let len: usize = header
            .strip_prefix("Content-Length: ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a bad header handed on: {header:?}"));
        out.push(&bytes[end + 4..end + 4 + len]);
        bytes = &bytes[end + 4 + len..];
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let (passed, answers) = orgplan_lsp::fuzzing::guard_bytes(data);
    for body in bodies(&passed) {
        let ok = serde_json::from_slice::<Request>(body).is_ok()
            || serde_json::from_slice::<Response>(body).is_ok();
        assert!(
            ok,
            "handed tower-lsp a bad message: {:?}",
            String::from_utf8_lossy(body)
        );
    }
    for a in answers {
        let code = a["error"]["code"].as_i64();
        assert!(matches!(code, Some(-32700 | -32600 | -32601)), "{a}");
    }
});
