use super::*;

mod reference;
use crate::ide::fixture::{fixture, Fixture};
use proptest::prelude::*;
use std::fmt::Write as _;

/// A plan with something wrong in most places, and titles that need escaping.
const PLAN: &str = r#"
leader jane "Jane <CEO> & \"boss\"" { title: "CEO" }
leader raj "Raj 🚀" { reports_to: jane allocation: 50% }
initiative fba "FBA 倉庫" {
  leader: raj
  model: ownership
  scope: "Inbound"
  metrics: "Units"
  teams: inbound, shared
}
initiative prime "Prime" { leader: raj teams: shared }
team inbound "Inbound" {
  reports_to: raj
  roles: engineering, qa, design, product
  depends_on billing { owner: inbound plan: "Events" }
  depends_on ghost { owner: inbound plan: "x" }
  depends_on shared { }
}
team shared "Shared" { reports_to: raj roles: engineering, qa, design, product }
team billing "Billing" { functional: true }
team loner "Loner" { reports_to: nobody }
"#;

fn dump(f: &Fixture, g: &Graph) -> String {
    let mut s = format!("caption: {}\n", g.caption);
    for n in &g.nodes {
        let _ = write!(s, "node {} [{}]", n.key, n.kind.as_str());
        if let Some(t) = &n.title {
            let _ = write!(s, " {t:?}");
        }
        if let Some(d) = &n.detail {
            let _ = write!(s, " ({d})");
        }
        if let Some(p) = n.place {
            let _ = write!(s, " @ {}", f.show(p));
        }
        marks(&mut s, &n.marks);
        s.push('\n');
    }
    for e in &g.edges {
        let _ = write!(
            s,
            "edge {} -{}-> {}",
            g.nodes[e.from].key,
            e.kind.as_str(),
            g.nodes[e.to].key
        );
        if e.count != 1 {
            let _ = write!(s, " x{} ({} unowned)", e.count, e.unowned);
        }
        if let Some(p) = e.place {
            let _ = write!(s, " @ {}", f.show(p).replace('\n', "⏎"));
        }
        marks(&mut s, &e.marks);
        s.push('\n');
    }
    if g.unplaced.count > 0 {
        s.push_str("unplaced");
        marks(&mut s, &g.unplaced);
        s.push('\n');
    }
    s
}

fn marks(s: &mut String, m: &Marks) {
    if let Some(w) = m.worst {
        let _ = write!(s, " !{w} {}×[{}]", m.count, m.rules.join(","));
    }
}

#[test]
fn whole_plan() {
    let f = fixture(PLAN);
    let g = build(&f.analysis, View::Whole);
    insta::assert_snapshot!(dump(&f, &g));
}

#[test]
fn neighbourhood() {
    let f = fixture(PLAN);
    let g = build(&f.analysis, View::Whole);
    let at = g.find("fba").expect("fba is a node");
    insta::assert_snapshot!("focus_1", dump(&f, &focus(&g, at, 1)));
    insta::assert_snapshot!("focus_2", dump(&f, &focus(&g, at, 2)));
}

#[test]
fn overview_folds_initiatives() {
    let f = fixture(PLAN);
    let g = build(&f.analysis, View::Overview);
    insta::assert_snapshot!(dump(&f, &g));
}

#[test]
fn dot_and_mermaid() {
    let f = fixture(PLAN);
    let g = build(&f.analysis, View::Whole);
    insta::assert_snapshot!("dot", dot::render(&g));
    insta::assert_snapshot!("mermaid", mermaid::render(&g));
    let o = build(&f.analysis, View::Overview);
    insta::assert_snapshot!("dot_overview", dot::render(&o));
    insta::assert_snapshot!("mermaid_overview", mermaid::render(&o));
}

/// Checks an SVG: well-formed, one element per node and edge, each node
/// naming its key, no two node boxes overlapping, and the labels' text
/// (escaped in the source) read back as written.
fn check_svg(f: &Fixture, g: &Graph) -> String {
    let l = layout::layout(g);
    let svg = svg::render(g, &l, &f.ws, &svg::Options::default());
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let has_class = |n: &roxmltree::Node, c: &str| {
        n.attribute("class")
            .is_some_and(|a| a.split(' ').any(|x| x == c))
    };
    let group = |c: &str| {
        doc.descendants()
            .find(|n| n.tag_name().name() == "g" && n.attribute("class") == Some(c))
            .unwrap_or_else(|| panic!("a <g class={c}>"))
    };
    let nodes: Vec<_> = group("nodes")
        .children()
        .filter(|n| n.is_element())
        .collect();
    let edges: Vec<_> = group("edges")
        .children()
        .filter(|n| n.is_element())
        .collect();
    assert_eq!(nodes.len(), g.nodes.len());
    assert_eq!(edges.len(), g.edges.len());
    let mut boxes = Vec::new();
    for (el, n) in nodes.iter().zip(&g.nodes) {
        assert!(has_class(el, "node"));
        assert!(has_class(el, n.kind.as_str()));
        assert!(has_class(el, n.marks.status().as_str()));
        assert_eq!(el.attribute("data-key"), Some(n.key.as_str()));
        let shape = el
            .children()
            .find(|c| has_class(c, "shape"))
            .expect("a shape");
        let (x, y, w, h) = match shape.tag_name().name() {
            "rect" => {
                let a = |k| shape.attribute(k).unwrap().parse::<f64>().unwrap();
                (a("x"), a("y"), a("width"), a("height"))
            }
            "polygon" => {
                let pts: Vec<(f64, f64)> = shape
                    .attribute("points")
                    .unwrap()
                    .split(' ')
                    .map(|p| {
                        let (x, y) = p.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect();
                let x0 = pts.iter().map(|p| p.0).fold(f64::MAX, f64::min);
                let x1 = pts.iter().map(|p| p.0).fold(f64::MIN, f64::max);
                let y0 = pts.iter().map(|p| p.1).fold(f64::MAX, f64::min);
                let y1 = pts.iter().map(|p| p.1).fold(f64::MIN, f64::max);
                (x0, y0, x1 - x0, y1 - y0)
            }
            other => panic!("unexpected shape {other}"),
        };
        boxes.push(layout::Rect { x, y, w, h });
        // The first line of text is the id (the title may be cut short).
        let texts: Vec<&str> = el
            .children()
            .filter(|c| c.tag_name().name() == "text" && !has_class(c, "badge-mark"))
            .filter_map(|c| c.text())
            .collect();
        assert_eq!(texts.first().copied(), Some(n.id.as_str()), "{svg}");
        if let (Some(t), Some(shown)) = (&n.title, texts.get(1)) {
            let shown = shown.trim_end_matches('…');
            assert!(t.starts_with(shown), "{t:?} drawn as {shown:?}");
        }
        let tip = el
            .children()
            .find(|c| c.tag_name().name() == "title")
            .and_then(|t| t.text())
            .unwrap();
        for note in &n.marks.notes {
            assert!(tip.contains(note.message()), "{tip}");
        }
    }
    for (i, a) in boxes.iter().enumerate() {
        for (j, b) in boxes.iter().enumerate().skip(i + 1) {
            assert!(
                !a.overlaps(b),
                "{} {:?} overlaps {} {:?}",
                g.nodes[i].key,
                a,
                g.nodes[j].key,
                b
            );
        }
    }
    svg
}

#[test]
fn svg_is_well_formed_escaped_and_overlap_free() {
    let f = fixture(PLAN);
    for g in [
        build(&f.analysis, View::Whole),
        build(&f.analysis, View::Overview),
    ] {
        let svg = check_svg(&f, &g);
        assert!(svg.contains("FBA 倉庫"));
    }
    let g = build(&f.analysis, View::Whole);
    let svg = check_svg(&f, &g);
    assert!(svg.contains("Jane &lt;CEO&gt; &amp; &quot;boss&quot;"));
    assert!(svg.contains("Raj 🚀"));
}

/// A plan of `n` initiatives of four teams each, the teams depending on
/// teams of initiatives spread over the plan (the overview's edges).
fn wide_plan(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "leader l{i} \"Leader {i}\" {{ }}");
        let _ = writeln!(
            s,
            "initiative i{i} \"Initiative {i}\" {{ leader: l{i} teams: t{i}a, t{i}b, t{i}c, t{i}d }}"
        );
        for t in ["a", "b", "c", "d"] {
            let other = (i * 7919 + t.as_bytes()[0] as usize) % n;
            let _ = writeln!(
                s,
                "team t{i}{t} \"Team {i}{t}\" {{ reports_to: l{i} depends_on t{other}a {{ owner: t{i}{t} plan: \"x\" }} }}"
            );
        }
    }
    s
}

/// The overview of a large plan is a picture to zoom into, not a strip:
/// about as wide as high, its boxes apart. (Rows pulled under their
/// neighbours once pushed each other ever further right: a 10,000-team
/// plan's overview came out 25 times as wide as high.)
#[test]
fn a_large_overview_is_about_as_wide_as_high() {
    for n in [40, 400, 2_000] {
        let f = fixture(&wide_plan(n));
        let g = build(&f.analysis, View::Overview);
        let l = layout::layout(&g);
        let aspect = l.width / l.height;
        assert!(
            (0.4..=3.0).contains(&aspect),
            "{n} initiatives: {} x {}",
            l.width,
            l.height
        );
        let mut boxes: Vec<_> = l.boxes.iter().collect();
        boxes.sort_by(|a, b| a.x.total_cmp(&b.x));
        for (i, a) in boxes.iter().enumerate() {
            for b in boxes[i + 1..].iter().take_while(|b| b.x < a.right()) {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
    }
}

#[test]
fn same_plan_same_bytes() {
    let a = fixture(PLAN);
    let b = fixture(PLAN);
    for view in [View::Whole, View::Overview] {
        let (ga, gb) = (build(&a.analysis, view), build(&b.analysis, view));
        assert_eq!(ga, gb);
        let (la, lb) = (layout::layout(&ga), layout::layout(&gb));
        assert_eq!(
            svg::render(&ga, &la, &a.ws, &Default::default()),
            svg::render(&gb, &lb, &b.ws, &Default::default())
        );
        assert_eq!(dot::render(&ga), dot::render(&gb));
    }
}

#[test]
fn escaping() {
    assert_eq!(
        escape_xml("a<b>&\"'\u{1}"),
        "a&lt;b&gt;&amp;&quot;&#39;\u{FFFD}"
    );
    assert_eq!(dot::quote("say \"hi\"\\\n"), r#""say \"hi\"\\\n""#);
    assert_eq!(mermaid::escape("a\"<b>&#`"), "a#34;#60;b#62;#38;#35;#96;");
}

/// A random plan: leaders, initiatives and teams with random links,
/// titles drawn from hostile characters.
fn plan_strategy() -> impl Strategy<Value = String> {
    let title = proptest::string::string_regex("[a-z<>&\"'倉🚀 ]{0,30}").unwrap();
    (
        1usize..6,
        1usize..8,
        1usize..25,
        proptest::collection::vec((0usize..100, 0usize..100, 0usize..100), 0..40),
        proptest::collection::vec(title, 40),
    )
        .prop_map(|(leaders, inits, teams, links, titles)| {
            let t = |i: usize| titles[i % titles.len()].replace(['"', '\\'], "'");
            let mut s = String::new();
            for l in 0..leaders {
                let boss = if l > 0 {
                    format!("reports_to: l{}", l / 2)
                } else {
                    String::new()
                };
                let _ = writeln!(s, "leader l{l} \"{}\" {{ {boss} }}", t(l));
            }
            for i in 0..inits {
                let members: Vec<String> = (0..teams)
                    .filter(|x| x % inits == i)
                    .map(|x| format!("t{x}"))
                    .collect();
                let _ = writeln!(
                    s,
                    "initiative i{i} \"{}\" {{ leader: l{} teams: {} }}",
                    t(i + 7),
                    i % leaders,
                    if members.is_empty() {
                        "nope".to_string()
                    } else {
                        members.join(", ")
                    }
                );
            }
            for x in 0..teams {
                let _ = writeln!(s, "team t{x} \"{}\" {{", t(x + 13));
                let _ = writeln!(s, "  reports_to: l{}", x % leaders);
                for &(a, b, o) in &links {
                    if a % teams == x {
                        let owner = if o % 3 == 0 {
                            String::new()
                        } else {
                            format!("owner: t{x}")
                        };
                        let _ = writeln!(s, "  depends_on t{} {{ {owner} }}", b % (teams + 2));
                    }
                }
                s.push_str("}\n");
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any plan, any view: a well-formed SVG with one element per node and
    /// edge and no overlapping boxes.
    #[test]
    fn any_plan_draws_cleanly(plan in plan_strategy(), depth in 0usize..4) {
        let f = fixture(&plan);
        let whole = build(&f.analysis, View::Whole);
        check_svg(&f, &whole);
        check_svg(&f, &build(&f.analysis, View::Overview));
        if let Some(at) = whole.find("i0") {
            check_svg(&f, &focus(&whole, at, depth));
        }
        // Every finding inside a block is on its node.
        let on = finding_nodes(&f.analysis, &whole);
        for (finding, node) in f.analysis.findings.iter().zip(&on) {
            match node {
                Some(n) => prop_assert!(whole.nodes[*n].marks.rules.contains(&finding.rule)),
                None => prop_assert!(whole.unplaced.rules.contains(&finding.rule)),
            }
        }
        let placed = on.iter().filter(|n| n.is_some()).count();
        prop_assert_eq!(placed + whole.unplaced.count, f.analysis.findings.len());
    }
}
