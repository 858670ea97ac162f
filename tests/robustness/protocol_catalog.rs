//! The catalog of malformed and hostile protocol input: one entry per case,
//! each with what JSON-RPC 2.0 and LSP say the server must do. Run by
//! `protocol::hostile_input_catalog`, which checks after every case that
//! the server still answers and, at the end, that the open document holds
//! exactly the text the client expects.
//!
//! Methods are named by their `lsp_types` types; the params stay JSON as
//! written (most are wrong on purpose). Only what no type names is spelled
//! out: methods no server defines (`orgplan/x`, `$/orgplan/nothing`) and
//! frames written as bytes.

use orgplan_test_client::lsp_types::notification::{
    Cancel, DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles,
    DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Initialized, Notification,
    SetTrace,
};
use orgplan_test_client::lsp_types::request::{
    CodeActionRequest, CodeLensRequest, Completion, DocumentSymbolRequest, ExecuteCommand,
    FoldingRangeRequest, Formatting, GotoDefinition, HoverRequest, Initialize,
    PrepareRenameRequest, References, Rename, Request, SemanticTokensFullRequest, Shutdown,
    WorkspaceSymbolRequest,
};
use serde_json::{json, Value};

/// JSON-RPC error codes.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const SERVER_NOT_INITIALIZED: i64 = -32002;

/// The document every case may aim at (under the workspace folder).
pub const DOC: &str = "{DOC}";
/// The largest body the server accepts (its documented cap).
pub const MAX_CONTENT_LENGTH: u64 = 64 << 20;

/// When a case runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before `initialize`.
    Uninitialized,
    /// Between `initialized` and `shutdown`.
    Running,
    /// After `shutdown`, before `exit`.
    ShutDown,
}

/// What is written to the server's stdin.
#[derive(Clone, Debug)]
pub enum Input {
    /// Bytes as they are: headers and all.
    Raw(Vec<u8>),
    /// A body framed with a correct `Content-Length`.
    Body(Vec<u8>),
    /// A message framed correctly; `{DOC}` in strings is replaced by the
    /// document's URI, and `"id": "{ID}"` by the case's numeric id.
    Json(Value),
}

/// What must come back.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// An error response with this code, for the case's id (or `null` where
    /// the id cannot be read).
    Error(i64),
    /// An error response with one of these codes.
    ErrorIn(&'static [i64]),
    /// Nothing (a notification, or a response from the client).
    Nothing,
    /// A response for the case's id, a result or an error that is not a
    /// crash (`-32603`) or a framing error.
    Answer,
}

/// A range as ((start line, column), (end line, column)).
pub type Span = ((u64, u64), (u64, u64));

/// The document's change, as the client's model computes it.
#[derive(Clone, Debug)]
pub enum Effect {
    None,
    /// ((start line, col), (end line, col)), new text — clamped as LSP says.
    Edit(Span, &'static str),
}

#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub phase: Phase,
    pub input: Input,
    pub expect: Expect,
    pub effect: Effect,
}

fn case(name: impl Into<String>, phase: Phase, input: Input, expect: Expect) -> Case {
    Case {
        name: name.into(),
        phase,
        input,
        expect,
        effect: Effect::None,
    }
}

fn raw(s: &str) -> Input {
    Input::Raw(s.as_bytes().to_vec())
}

fn framed_raw(headers: &str, body: &str) -> Input {
    Input::Raw(format!("{headers}\r\n\r\n{body}").into_bytes())
}

/// The request `R` with `params` as they are: unlike the test client's
/// typed requests, not checked against `R::Params` (hostile params are the
/// point).
fn req<R: Request>(params: Value) -> Input {
    req_named(R::METHOD, params)
}

/// The notification `N` with `params` as they are (unchecked, as [`req`]).
fn note<N: Notification>(params: Value) -> Input {
    note_named(N::METHOD, params)
}

/// A request by its method's name: for names no server defines (spelled
/// out, as no type has them) and for the lists of methods a case is run
/// against (named by their types' `METHOD`).
fn req_named(method: &str, params: Value) -> Input {
    Input::Json(json!({"jsonrpc": "2.0", "id": "{ID}", "method": method, "params": params}))
}

/// A notification by its method's name (as [`req_named`]).
fn note_named(method: &str, params: Value) -> Input {
    Input::Json(json!({"jsonrpc": "2.0", "method": method, "params": params}))
}

fn pos(line: Value, character: Value) -> Value {
    json!({"textDocument": {"uri": DOC}, "position": {"line": line, "character": character}})
}

fn change(range: Value, text: &str, version: i64) -> Input {
    note::<DidChangeTextDocument>(
        json!({"textDocument": {"uri": DOC, "version": version}, "contentChanges": [{"range": range, "text": text}]}),
    )
}

fn range(sl: u64, sc: u64, el: u64, ec: u64) -> Value {
    json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
}

/// The text the document starts with: wide characters on purpose.
pub const DOC_TEXT: &str = "leader jane \"Jane 😀\" {\n  title: \"団体\"\n}\r\nteam t \"T\" {\n  roles: qa # 😀 comment\n}\n";

/// Every case, in the order they run (phase by phase).
pub fn catalog() -> Vec<Case> {
    use Expect::*;
    use Phase::*;
    let mut c = Vec::new();

    // --- Before initialize -------------------------------------------------
    c.push(case(
        "request before initialize",
        Uninitialized,
        req::<HoverRequest>(pos(json!(0), json!(0))),
        Error(SERVER_NOT_INITIALIZED),
    ));
    c.push(case(
        "shutdown before initialize",
        Uninitialized,
        req::<Shutdown>(Value::Null),
        Error(SERVER_NOT_INITIALIZED),
    ));
    c.push(case(
        "unknown request before initialize",
        Uninitialized,
        req_named("orgplan/nothing", json!({})),
        ErrorIn(&[SERVER_NOT_INITIALIZED, METHOD_NOT_FOUND]),
    ));
    c.push(case("notification before initialize is dropped", Uninitialized, note::<DidOpenTextDocument>(json!({"textDocument": {"uri": "file:///early.orgplan", "languageId": "orgplan", "version": 1, "text": "leader x \"X\" {}"}})), Nothing));
    c.push(case(
        "initialize without params",
        Uninitialized,
        req::<Initialize>(Value::Null),
        Error(INVALID_PARAMS),
    ));
    c.push(case(
        "initialize with params of the wrong type",
        Uninitialized,
        req::<Initialize>(json!([1, 2])),
        Error(INVALID_PARAMS),
    ));
    c.push(case(
        "initialize with capabilities a number",
        Uninitialized,
        req::<Initialize>(json!({"capabilities": 5})),
        Error(INVALID_PARAMS),
    ));
    c.push(case(
        "initialize with processId a string",
        Uninitialized,
        req::<Initialize>(json!({"processId": "x", "capabilities": {}})),
        Error(INVALID_PARAMS),
    ));
    c.push(case(
        "garbage before initialize",
        Uninitialized,
        raw("hello\r\n\r\n"),
        Error(PARSE_ERROR),
    ));

    // --- Framing -------------------------------------------------------------
    let ping = r#"{"jsonrpc":"2.0","id":"{ID}","method":"orgplan/x"}"#;
    c.push(case(
        "missing Content-Length",
        Running,
        framed_raw(
            "Content-Type: application/vscode-jsonrpc; charset=utf-8",
            ping,
        ),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "negative Content-Length",
        Running,
        framed_raw("Content-Length: -5", ping),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "non-numeric Content-Length",
        Running,
        framed_raw("Content-Length: twelve", ping),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "empty Content-Length",
        Running,
        framed_raw("Content-Length: ", ping),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "hexadecimal Content-Length",
        Running,
        framed_raw("Content-Length: 0x20", ping),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "Content-Length with a sign",
        Running,
        framed_raw("Content-Length: +51", ping),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "Content-Length past u64",
        Running,
        framed_raw("Content-Length: 99999999999999999999999999", ping),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "enormous Content-Length is refused, not awaited",
        Running,
        framed_raw("Content-Length: 18446744073709551615", ping),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "Content-Length just over the cap",
        Running,
        framed_raw(&format!("Content-Length: {}", MAX_CONTENT_LENGTH + 1), ping),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "two different Content-Lengths",
        Running,
        framed_raw("Content-Length: 5\r\nContent-Length: 7", ping),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "Content-Length zero",
        Running,
        raw("Content-Length: 0\r\n\r\n"),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "header line without a colon",
        Running,
        raw("Content-Length 12\r\n\r\n"),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "plain garbage line",
        Running,
        raw("GET / HTTP/1.1\r\n\r\n"),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "binary garbage",
        Running,
        Input::Raw(b"\x00\x01\x02\xff\xfe\r\n\r\n".to_vec()),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "invalid UTF-8 in a header",
        Running,
        Input::Raw(b"Content-Length\xff: 3\r\n\r\n{}\n".to_vec()),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "header block over 8 KiB",
        Running,
        raw(&format!("X-Junk: {}\r\n\r\n", "j".repeat(10_000))),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "Content-Length smaller than the body",
        Running,
        raw("Content-Length: 10\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"orgplan/x\"}"),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "body truncated, padded to its length",
        Running,
        Input::Body(b"{\"jsonrpc\":\"2.0\",\"id\":7,\"meth            ".to_vec()),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "lower-case header name is accepted",
        Running,
        Input::Raw(
            format!(
                "content-length: {}\r\n\r\n{}",
                ping.len(), // "{ID}" and the id that replaces it have one length
                ping
            )
            .into_bytes(),
        ),
        Error(METHOD_NOT_FOUND),
    ));
    c.push(case("Content-Type with utf-8 is accepted", Running, Input::Raw(format!("Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}", ping.len(), ping).into_bytes()), Error(METHOD_NOT_FOUND)));
    c.push(case(
        "Content-Type with another charset is read as UTF-8",
        Running,
        Input::Raw(
            format!(
                "Content-Length: {}\r\nContent-Type: application/json; charset=latin1\r\n\r\n{}",
                ping.len(),
                ping
            )
            .into_bytes(),
        ),
        Error(METHOD_NOT_FOUND),
    ));
    c.push(case(
        "unknown header is ignored",
        Running,
        Input::Raw(
            format!(
                "X-Whatever: 1\r\nContent-Length: {}\r\n\r\n{}",
                ping.len(),
                ping
            )
            .into_bytes(),
        ),
        Error(METHOD_NOT_FOUND),
    ));
    c.push(case(
        "blank lines between messages are skipped",
        Running,
        raw("\r\n\r\n\r\n"),
        Nothing,
    ));

    // --- Bodies: UTF-8 and JSON ----------------------------------------------
    c.push(case(
        "invalid UTF-8 body",
        Running,
        Input::Body(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}".to_vec()),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "overlong UTF-8 encoding",
        Running,
        Input::Body(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xc0\xaf\"}".to_vec()),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "UTF-16 encoded body",
        Running,
        Input::Body("{}".encode_utf16().flat_map(|u| u.to_le_bytes()).collect()),
        Error(PARSE_ERROR),
    ));
    c.push(case(
        "byte-order mark before JSON",
        Running,
        Input::Body(b"\xef\xbb\xbf{\"jsonrpc\":\"2.0\",\"method\":\"orgplan/x\"}".to_vec()),
        ErrorIn(&[PARSE_ERROR]),
    ));
    for (name, body) in [
        ("empty object brace", "{"),
        ("trailing comma", r#"{"jsonrpc":"2.0","method":"x",}"#),
        ("single quotes", "{'jsonrpc':'2.0'}"),
        (
            "trailing garbage",
            r#"{"jsonrpc":"2.0","method":"orgplan/x"}xyz"#,
        ),
        ("NaN literal", r#"{"jsonrpc":"2.0","id":NaN,"method":"x"}"#),
        (
            "comment in JSON",
            r#"{"jsonrpc":"2.0" /* c */,"method":"x"}"#,
        ),
        (
            "lone surrogate escape",
            r#"{"jsonrpc":"2.0","method":"orgplan/x","params":"\ud800"}"#,
        ),
        (
            "invalid escape",
            r#"{"jsonrpc":"2.0","method":"orgplan/\q"}"#,
        ),
        (
            "control character in a string",
            "{\"jsonrpc\":\"2.0\",\"method\":\"a\u{1}b\"}",
        ),
        ("only whitespace", "     "),
    ] {
        c.push(case(
            format!("invalid JSON: {name}"),
            Running,
            Input::Body(body.as_bytes().to_vec()),
            Error(PARSE_ERROR),
        ));
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    c.push(case(
        "JSON nested 100000 deep",
        Running,
        Input::Body(deep.into_bytes()),
        Error(PARSE_ERROR),
    ));
    // Written as text: no JSON value holds params this deep.
    let deep_params = format!(
        r#"{{"jsonrpc":"2.0","id":"{{ID}}","method":"{}","params":{}1{}}}"#,
        HoverRequest::METHOD,
        "{\"a\":".repeat(20_000),
        "}".repeat(20_000)
    );
    c.push(case(
        "params nested 20000 deep",
        Running,
        Input::Body(deep_params.into_bytes()),
        ErrorIn(&[PARSE_ERROR, INVALID_PARAMS]),
    ));
    for (name, body) in [
        ("a number", "42"),
        ("a string", "\"hello\""),
        ("null", "null"),
        ("true", "true"),
        ("an empty array (batch)", "[]"),
        (
            "a batch of one request",
            r#"[{"jsonrpc":"2.0","id":1,"method":"orgplan/x"}]"#,
        ),
        ("an empty object", "{}"),
        ("no jsonrpc member", r#"{"method":"orgplan/x"}"#),
        ("jsonrpc 1.0", r#"{"jsonrpc":"1.0","method":"orgplan/x"}"#),
        (
            "jsonrpc as a number",
            r#"{"jsonrpc":2.0,"method":"orgplan/x"}"#,
        ),
        ("method a number", r#"{"jsonrpc":"2.0","id":3,"method":5}"#),
        ("method null", r#"{"jsonrpc":"2.0","method":null}"#),
        ("method an object", r#"{"jsonrpc":"2.0","method":{}}"#),
        (
            "id an object",
            r#"{"jsonrpc":"2.0","id":{},"method":"orgplan/x"}"#,
        ),
        (
            "id an array",
            r#"{"jsonrpc":"2.0","id":[1],"method":"orgplan/x"}"#,
        ),
        (
            "id a boolean",
            r#"{"jsonrpc":"2.0","id":true,"method":"orgplan/x"}"#,
        ),
        (
            "id a fraction",
            r#"{"jsonrpc":"2.0","id":1.5,"method":"orgplan/x"}"#,
        ),
        (
            "id past i64",
            r#"{"jsonrpc":"2.0","id":1e300,"method":"orgplan/x"}"#,
        ),
        ("neither method nor result", r#"{"jsonrpc":"2.0","id":4}"#),
    ] {
        c.push(case(
            format!("not a request: {name}"),
            Running,
            Input::Body(body.as_bytes().to_vec()),
            Error(INVALID_REQUEST),
        ));
    }

    // --- Methods ---------------------------------------------------------------
    c.push(case(
        "unknown request",
        Running,
        req_named("orgplan/doesNotExist", json!({})),
        Error(METHOD_NOT_FOUND),
    ));
    c.push(case(
        "unknown request with an id string",
        Running,
        Input::Json(json!({"jsonrpc": "2.0", "id": "abc-{ID}", "method": "nope"})),
        Error(METHOD_NOT_FOUND),
    ));
    c.push(case(
        "empty method name",
        Running,
        req_named("", json!({})),
        Error(METHOD_NOT_FOUND),
    ));
    c.push(case(
        "a megabyte method name",
        Running,
        req_named(&"m".repeat(1 << 20), json!({})),
        Error(METHOD_NOT_FOUND),
    ));
    c.push(case(
        "unknown $/ request",
        Running,
        req_named("$/orgplan/nothing", json!({})),
        Error(METHOD_NOT_FOUND),
    ));
    c.push(case(
        "unknown notification",
        Running,
        note_named("orgplan/nothing", json!({})),
        Nothing,
    ));
    c.push(case(
        "unknown $/ notification",
        Running,
        note_named("$/orgplan/nothing", json!({})),
        Nothing,
    ));
    c.push(case(
        "cancel of an unknown request",
        Running,
        note::<Cancel>(json!({"id": 123456})),
        Nothing,
    ));
    c.push(case(
        "cancel with a bad id",
        Running,
        note::<Cancel>(json!({"id": {}})),
        Nothing,
    ));
    c.push(case(
        "setTrace",
        Running,
        note::<SetTrace>(json!({"value": "verbose"})),
        Nothing,
    ));
    c.push(case(
        "response to nothing",
        Running,
        Input::Json(json!({"jsonrpc": "2.0", "id": 987654, "result": null})),
        Nothing,
    ));
    c.push(case(
        "error response to nothing",
        Running,
        Input::Json(json!({"jsonrpc": "2.0", "id": 987655, "error": {"code": 1, "message": "x"}})),
        Nothing,
    ));
    c.push(case(
        "request with id null",
        Running,
        Input::Json(json!({"jsonrpc": "2.0", "id": null, "method": "orgplan/x"})),
        ErrorIn(&[METHOD_NOT_FOUND, INVALID_REQUEST]),
    ));
    c.push(case(
        "second initialize",
        Running,
        req::<Initialize>(json!({"capabilities": {}})),
        Error(INVALID_REQUEST),
    ));
    c.push(case(
        "second initialized",
        Running,
        note::<Initialized>(json!({})),
        Nothing,
    ));

    // Wrong parameters for every request the protocol defines on a document:
    // each must get -32602 (or -32601 where the server does not offer it).
    let bad_params: &[(&str, Value)] = &[
        ("missing", Value::Null),
        ("a number", json!(5)),
        ("a string", json!("x")),
        ("an array", json!([1])),
        ("an empty object", json!({})),
        ("negative line", pos(json!(-1), json!(0))),
        ("line past u32", pos(json!(4_294_967_296u64), json!(0))),
        ("fractional character", pos(json!(0), json!(1.5))),
        ("character a string", pos(json!(0), json!("0"))),
        (
            "URI not a URI",
            json!({"textDocument": {"uri": "not a uri"}, "position": {"line": 0, "character": 0}}),
        ),
    ];
    for method in [
        HoverRequest::METHOD,
        Completion::METHOD,
        GotoDefinition::METHOD,
        References::METHOD,
        Rename::METHOD,
        PrepareRenameRequest::METHOD,
    ] {
        for (what, params) in bad_params {
            c.push(case(
                format!("{method} with params {what}"),
                Running,
                req_named(method, params.clone()),
                ErrorIn(&[INVALID_PARAMS, METHOD_NOT_FOUND]),
            ));
        }
    }
    for method in [
        DocumentSymbolRequest::METHOD,
        Formatting::METHOD,
        SemanticTokensFullRequest::METHOD,
        FoldingRangeRequest::METHOD,
        CodeLensRequest::METHOD,
    ] {
        for (what, params) in [
            ("missing", Value::Null),
            ("a number", json!(1)),
            ("uri a number", json!({"textDocument": {"uri": 7}})),
        ] {
            c.push(case(
                format!("{method} with params {what}"),
                Running,
                req_named(method, params),
                ErrorIn(&[INVALID_PARAMS, METHOD_NOT_FOUND]),
            ));
        }
    }
    c.push(case(
        "workspace/symbol with query a number",
        Running,
        req::<WorkspaceSymbolRequest>(json!({"query": 5})),
        ErrorIn(&[INVALID_PARAMS, METHOD_NOT_FOUND]),
    ));
    c.push(case(
        "executeCommand of an unknown command",
        Running,
        req::<ExecuteCommand>(json!({"command": "rm -rf", "arguments": ["/"]})),
        Answer,
    ));
    c.push(case("codeAction with an inverted range", Running, req::<CodeActionRequest>(json!({"textDocument": {"uri": DOC}, "range": range(3, 0, 0, 0), "context": {"diagnostics": []}})), Answer));

    // Valid shapes, hostile values: answered (null or empty), never a crash.
    for (what, line, ch) in [
        ("past the end of a line", json!(0), json!(10_000)),
        ("past the end of the file", json!(1_000), json!(0)),
        ("at u32::MAX", json!(u32::MAX), json!(u32::MAX)),
        ("inside a surrogate pair", json!(0), json!(19)),
        ("inside a CRLF", json!(2), json!(1)),
    ] {
        for method in [
            HoverRequest::METHOD,
            Completion::METHOD,
            GotoDefinition::METHOD,
            PrepareRenameRequest::METHOD,
        ] {
            c.push(case(
                format!("{method} {what}"),
                Running,
                req_named(method, pos(line.clone(), ch.clone())),
                Answer,
            ));
        }
    }
    for (what, uri) in [
        ("a document never opened", "file:///nowhere/never.orgplan"),
        ("an untitled document", "untitled:Untitled-1"),
        ("a URI with ..", "file:///tmp/../etc/passwd"),
        ("a non-file scheme", "https://example.invalid/a.orgplan"),
    ] {
        c.push(case(
            format!("hover on {what}"),
            Running,
            req::<HoverRequest>(
                json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
            ),
            Answer,
        ));
        c.push(case(
            format!("symbols of {what}"),
            Running,
            req::<DocumentSymbolRequest>(json!({"textDocument": {"uri": uri}})),
            Answer,
        ));
    }

    // Notifications with bad parameters are dropped, and change nothing.
    for (what, params) in [
        (
            "didOpen without text",
            json!({"textDocument": {"uri": DOC, "languageId": "orgplan", "version": 1}}),
        ),
        (
            "didOpen with text a number",
            json!({"textDocument": {"uri": DOC, "languageId": "orgplan", "version": 1, "text": 5}}),
        ),
        (
            "didOpen with version a string",
            json!({"textDocument": {"uri": DOC, "languageId": "orgplan", "version": "1", "text": ""}}),
        ),
        (
            "didChange with changes not an array",
            json!({"textDocument": {"uri": DOC, "version": 50}, "contentChanges": {"text": ""}}),
        ),
        (
            "didChange with a negative line",
            json!({"textDocument": {"uri": DOC, "version": 51}, "contentChanges": [{"range": {"start": {"line": -1, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "X"}]}),
        ),
        (
            "didChange with text null",
            json!({"textDocument": {"uri": DOC, "version": 52}, "contentChanges": [{"range": range(0, 0, 0, 0), "text": null}]}),
        ),
        (
            "didChange without a version",
            json!({"textDocument": {"uri": DOC}, "contentChanges": [{"text": ""}]}),
        ),
        ("didClose without a document", json!({})),
    ] {
        // The case names its notification first.
        let method = [
            DidOpenTextDocument::METHOD,
            DidChangeTextDocument::METHOD,
            DidCloseTextDocument::METHOD,
        ]
        .into_iter()
        .find(|m| m.ends_with(&format!("/{}", what.split(' ').next().unwrap_or_default())))
        .expect("a didOpen, didChange or didClose case");
        c.push(case(
            format!("{what} is dropped"),
            Running,
            note_named(method, params),
            Nothing,
        ));
    }
    c.push(case("didChange of a document never opened", Running, note::<DidChangeTextDocument>(json!({"textDocument": {"uri": "file:///nowhere/x.orgplan", "version": 2}, "contentChanges": [{"range": range(0, 0, 0, 0), "text": "x"}]})), Nothing));
    c.push(case(
        "didClose of a document never opened",
        Running,
        note::<DidCloseTextDocument>(json!({"textDocument": {"uri": "file:///nowhere/x.orgplan"}})),
        Nothing,
    ));
    c.push(case(
        "didSave of the document",
        Running,
        note::<DidSaveTextDocument>(json!({"textDocument": {"uri": DOC}})),
        Nothing,
    ));
    c.push(case("settings of the wrong shape", Running, note::<DidChangeConfiguration>(json!({"settings": {"orgplan": {"rules": 5, "team": {"requiredRoles": "qa", "maxDependencies": -3}}}})), Nothing));
    c.push(case(
        "settings null",
        Running,
        note::<DidChangeConfiguration>(json!({"settings": null})),
        Nothing,
    ));
    c.push(case("watched-file events outside the workspace", Running, note::<DidChangeWatchedFiles>(json!({"changes": [{"uri": "file:///etc/passwd", "type": 1}, {"uri": "file:///etc/../etc/shadow.orgplan", "type": 2}]})), Nothing));
    c.push(case(
        "watched-file event of a bad type",
        Running,
        note::<DidChangeWatchedFiles>(json!({"changes": [{"uri": DOC, "type": 99}]})),
        Nothing,
    ));

    // Edits with hostile positions: applied as LSP says (clamped).
    let edits: &[(&str, Span, &'static str)] = &[
        ("past the end of a line", ((0, 500), (0, 600)), " # tail"),
        (
            "past the end of the file",
            ((900, 0), (901, 3)),
            "\n# appended\n",
        ),
        (
            "at u32::MAX",
            (
                (u32::MAX as u64, u32::MAX as u64),
                (u32::MAX as u64, u32::MAX as u64),
            ),
            "# max\n",
        ),
        ("start after end", ((1, 5), (1, 2)), "X"),
        ("inside a surrogate pair", ((0, 19), (0, 20)), "é"),
        ("inside a CRLF", ((2, 1), (2, 2)), ""),
        ("deleting across lines", ((0, 3), (3, 4)), ""),
        ("inserting a lone CR", ((1, 0), (1, 0)), "\r"),
        ("inserting NUL", ((0, 0), (0, 0)), "\u{0}"),
        ("inserting a BOM", ((0, 0), (0, 0)), "\u{feff}"),
    ];
    for (i, (what, (s, e), text)) in edits.iter().enumerate() {
        c.push(Case {
            name: format!("didChange {what}"),
            phase: Running,
            input: change(range(s.0, s.1, e.0, e.1), text, 100 + i as i64),
            expect: Nothing,
            effect: Effect::Edit((*s, *e), text),
        });
    }

    // --- After shutdown ------------------------------------------------------
    c.push(case(
        "request after shutdown",
        ShutDown,
        req::<HoverRequest>(pos(json!(0), json!(0))),
        Error(INVALID_REQUEST),
    ));
    c.push(case(
        "unknown request after shutdown",
        ShutDown,
        req_named("orgplan/x", json!({})),
        ErrorIn(&[INVALID_REQUEST, METHOD_NOT_FOUND]),
    ));
    c.push(case(
        "second shutdown",
        ShutDown,
        req::<Shutdown>(Value::Null),
        Error(INVALID_REQUEST),
    ));
    c.push(case(
        "notification after shutdown",
        ShutDown,
        note::<DidChangeTextDocument>(
            json!({"textDocument": {"uri": DOC, "version": 999}, "contentChanges": [{"text": ""}]}),
        ),
        Nothing,
    ));
    c.push(case(
        "garbage after shutdown",
        ShutDown,
        raw("junk\r\n\r\n"),
        Error(PARSE_ERROR),
    ));
    c
}
