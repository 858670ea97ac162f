//! `orgplan/graph`: the picture from the server's current analysis —
//! unsaved edits included — in each format, with its errors.

use crate::harness::*;
use orgplan_test_client::lsp_types::notification::DidChangeTextDocument;
use serde_json::{json, Value};

const PLAN: &str = r#"leader jane "Jane <J> & Co" { }

initiative fba "FBA" {
  leader: jane
  model: ownership
  scope: "Inbound"
  metrics: "Units"
  teams: inbound
}

team inbound "Inbound" {
  reports_to: jane
  roles: engineering, qa, design, product
}
"#;

fn graph(c: &mut Client, uri: &str, extra: Value) -> Result<Value, Value> {
    let mut params = json!({ "textDocument": { "uri": uri } });
    params
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    c.request_as::<orgplan_test_client::ext::Graph>(params)
}

#[test]
fn graph_follows_edits_in_every_format() {
    let dir = workspace(&[("plan.orgplan", PLAN)]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        ..Init::default()
    });
    let uri = c.uri("plan.orgplan");
    c.wait_diagnostics(&uri, |_| true);

    let r = graph(&mut c, &uri, json!({ "format": "json" })).unwrap();
    assert_eq!(r["format"], "json");
    assert_eq!(r["overview"], false);
    let keys: Vec<&str> = r["graph"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["leader:jane", "initiative:fba", "team:inbound"]);
    assert_eq!(r["graph"]["nodes"][2]["place"]["file"], uri.as_str());

    // An unsaved edit: a second team that inbound depends on, unowned.
    c.open(&uri, PLAN);
    let edited = PLAN.replace(
        "  roles: engineering, qa, design, product\n}",
        "  roles: engineering, qa, design, product\n  depends_on billing { }\n}\n\nteam billing \"Billing\" { functional: true }",
    );
    c.notify_as::<DidChangeTextDocument>(json!({
        "textDocument": { "uri": uri, "version": 2 },
        "contentChanges": [{ "text": edited }]
    }));
    let r = graph(&mut c, &uri, json!({ "embedStyle": false })).unwrap();
    assert_eq!(r["version"], 2);
    let svg = r["svg"].as_str().unwrap();
    assert!(svg.contains(r#"data-key="team:billing""#), "{svg}");
    assert!(svg.contains("Jane &lt;J&gt; &amp; Co"));
    assert!(!svg.contains("<style>"), "the style is sent apart");
    assert!(r["css"].as_str().unwrap().contains(".orgplan-graph"));
    assert!(svg.contains(r#"class="edge depends-on-unowned warning""#));

    let r = graph(
        &mut c,
        &uri,
        json!({ "format": "mermaid", "focus": "billing", "depth": 1 }),
    )
    .unwrap();
    assert!(r["text"].as_str().unwrap().starts_with("flowchart TB"));
    assert_eq!(r["nodes"], 2);
    let r = graph(&mut c, &uri, json!({ "format": "dot", "overview": true })).unwrap();
    assert!(r["text"].as_str().unwrap().contains("\"initiative:fba\""));

    let e = graph(&mut c, &uri, json!({ "focus": "billin" })).unwrap_err();
    assert_eq!(e["code"], -32602);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `billing`"),
        "{e}"
    );
    let e = graph(&mut c, &uri, json!({ "format": "png" })).unwrap_err();
    assert_eq!(e["code"], -32602);
    // A document the server does not know: no picture.
    let other = c.uri("elsewhere.orgplan");
    assert_eq!(graph(&mut c, &other, json!({})).unwrap(), Value::Null);
    assert_eq!(c.shutdown(), 0);
}
