//! A guard in front of the JSON-RPC transport. tower-lsp's reader stops for
//! good at the first message it cannot decode; an editor's bug (or a stray
//! write to our stdin) must not end the session. Frames pass through as they
//! are; a body that is not JSON is dropped (and logged), and JSON that is no
//! JSON-RPC message becomes a request to [`INVALID_METHOD`] with its id, so
//! that the client gets an "invalid request" error for it.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tower_lsp_server::jsonrpc::{Request, Response};

pub const INVALID_METHOD: &str = "$/orgplan/invalidMessage";

/// The largest message accepted (a guard against a bogus Content-Length).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Reads `input` on a task of its own and returns the filtered stream.
pub fn filtered(input: impl AsyncRead + Unpin + Send + 'static) -> DuplexStream {
    let (mut tx, rx) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move {
        let mut reader = BufReader::new(input);
        while let Some(body) = next_frame(&mut reader).await {
            let Some(body) = check(body) else { continue };
            let frame = format!("Content-Length: {}\r\n\r\n", body.len());
            if tx.write_all(frame.as_bytes()).await.is_err() || tx.write_all(&body).await.is_err() {
                return;
            }
        }
        let _ = tx.shutdown().await;
    });
    rx
}

/// The next frame's body; `None` at the end of input.
async fn next_frame(r: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Vec<u8>> {
    loop {
        let mut len = None;
        let mut saw_header = false;
        loop {
            let mut line = Vec::new();
            if r.read_until(b'\n', &mut line).await.ok()? == 0 {
                return None;
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim();
            if line.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    len = value.trim().parse::<usize>().ok();
                }
            }
        }
        match len {
            Some(n) if n <= MAX_BODY => {
                let mut body = vec![0; n];
                r.read_exact(&mut body).await.ok()?;
                return Some(body);
            }
            _ => tracing::error!("a message without a valid Content-Length header was skipped"),
        }
    }
}

/// The body to pass on, if any.
fn check(body: Vec<u8>) -> Option<Vec<u8>> {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!("a message that is not JSON was skipped: {e}");
            return None;
        }
    };
    if serde_json::from_value::<Request>(value.clone()).is_ok()
        || serde_json::from_value::<Response>(value.clone()).is_ok()
    {
        return Some(body);
    }
    tracing::error!("a JSON value that is not a JSON-RPC message was refused");
    let id = value
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned()?;
    serde_json::to_vec(
        &json!({ "jsonrpc": "2.0", "id": id, "method": INVALID_METHOD, "params": {} }),
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_pass_and_garbage_is_skipped() {
        let input: &[u8] = b"Content-Length: 9\r\n\r\n{not json\
Content-Length: 2\r\n\r\n[]\
garbage\r\n\r\n\
Content-Length: 14\r\n\r\n{\"id\":7,\"x\":1}\
Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}";
        let mut out = filtered(input);
        let mut s = String::new();
        out.read_to_string(&mut s).await.unwrap();
        assert_eq!(
            s,
            "Content-Length: 72\r\n\r\n{\"id\":7,\"jsonrpc\":\"2.0\",\"method\":\"$/orgplan/invalidMessage\",\"params\":{}}\
Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}"
        );
    }
}
