//! The brief's example plan parses and means what its comments say.

use orgplan_analysis::model::{EntityId, OrgModel, RefKind};
use orgplan_analysis::Workspace;

const BRIEF: &str = r#"# Retail division, 2027 plan
leader jane "Jane Doe" {
  title: "Director, Fulfilment"
}

leader raj "Raj Patel" {
  title: "VP Engineering"
  allocation: 50%            # part-time on whatever they lead
}

initiative fba "Fulfilment by Amazon" {
  leader: jane
  model: ownership           # ownership (STO) | leadership (STL)
  critical: true
  scope: "Inbound logistics for third-party sellers"   # the bounded context
  metrics: "Units received per day", "Inbound defect rate"
  teams: fba-inbound, fba-billing
  approvals: jane            # who signs off; more than one level is a smell
}

team fba-inbound "FBA Inbound" {
  reports_to: jane
  roles: engineering, qa, design, product
  depends_on payments {
    owner: fba-inbound
    plan: "Adopt the settlement events API by 2027-Q2"
  }
}

team legal "Legal" {
  functional: true           # organised by function: single-threaded rules do not apply
}
"#;

#[test]
fn brief_example_means_what_its_comments_say() {
    let mut ws = Workspace::new();
    ws.set_file("brief.orgplan", BRIEF.to_string());
    let a = ws.analysis();
    let m = &a.model;
    let rules: Vec<&str> = a.findings.iter().map(|f| f.rule).collect();
    // It parses, and every key is known.
    for r in [
        "syntax-error",
        "unknown-property",
        "unknown-block",
        "invalid-value",
    ] {
        assert!(!rules.contains(&r), "{r}: {rules:?}");
    }
    // Only the two teams it names but does not declare are undefined.
    let undefined: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.rule == "undefined-reference")
        .map(|f| &BRIEF[f.loc.range.start()..f.loc.range.end()])
        .collect();
    assert_eq!(undefined, ["fba-billing", "payments"]);
    let fba = &m.initiatives[0];
    assert_eq!(fba.model.as_ref().unwrap().value, OrgModel::Ownership);
    assert!(fba.critical);
    assert_eq!(
        m.lookup("jane", RefKind::Leader),
        fba.leader.as_ref().and_then(|r| m.resolve(r))
    );
    // raj is part-time, but leads nothing: no finding (being part-time
    // matters for what a leader leads).
    let raj = m.lookup("raj", RefKind::Leader).unwrap();
    let EntityId::Leader(r) = raj else { panic!() };
    assert_eq!(m.leaders[r].allocation_percent(), 50.0);
    let pt: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.rule == "part-time-leader")
        .collect();
    assert!(pt.is_empty(), "{pt:?}");
    // legal is functional: no single-threaded rule applies to it.
    let legal = m.decl(m.lookup("legal", RefKind::Team).unwrap()).name;
    assert!(
        a.findings.iter().all(|f| f.loc != legal),
        "{:?}",
        a.findings
    );
    // One approver, the leader: no approval rule fires.
    assert!(!rules.contains(&"layered-approvals") && !rules.contains(&"external-approval"));
}
