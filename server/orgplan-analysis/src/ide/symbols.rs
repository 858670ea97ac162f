//! Document symbols (blocks, with `depends_on` nested under their team) and
//! workspace symbols (fuzzy search over every declaration).

use crate::model::EntityId;
use crate::schema::BlockKind;
use crate::syntax::{Block, ValueKind};
use crate::text::{FileId, Loc, TextRange};
use crate::{Analysis, Workspace};

#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    /// The display title, if any.
    pub detail: Option<String>,
    /// `None` for a block of an unknown kind.
    pub kind: Option<BlockKind>,
    pub range: TextRange,
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

fn symbol(b: &Block) -> Symbol {
    let kind = BlockKind::from_keyword(&b.kind.text);
    let name = b
        .name
        .as_ref()
        .map_or_else(|| b.kind.text.to_string(), |n| n.text.to_string());
    let name = if kind == Some(BlockKind::DependsOn) {
        format!("depends_on {name}")
    } else {
        name
    };
    Symbol {
        name,
        detail: b.title.as_ref().and_then(|t| match &t.kind {
            ValueKind::Str(s) => Some(s.to_string()),
            _ => None,
        }),
        kind,
        range: b.range,
        selection: b.head_range(),
        children: b.children.iter().map(symbol).collect(),
    }
}

pub fn document_symbols(ws: &Workspace, file: FileId) -> Vec<Symbol> {
    ws.file(file)
        .map_or(Vec::new(), |f| f.doc().blocks.iter().map(symbol).collect())
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: BlockKind,
    pub loc: Loc,
    /// The display title, shown as the container.
    pub detail: Option<String>,
}

/// How well `query` matches `candidate` as a subsequence (case-insensitive),
/// higher is better; `None` when it does not.
pub fn fuzzy_score(query: &str, candidate: &str) -> Option<i64> {
    if query.is_empty() {
        return Some(0);
    }
    let cand: Vec<char> = candidate.to_lowercase().chars().collect();
    let mut score = 0i64;
    let mut pos = 0usize;
    let mut prev: Option<usize> = None;
    for q in query.to_lowercase().chars() {
        let found = cand[pos..].iter().position(|&c| c == q)? + pos;
        score += 10;
        if found == 0 {
            score += 15;
        } else if matches!(cand[found - 1], '-' | '_' | ' ') {
            score += 10;
        }
        if prev.is_some_and(|p| p + 1 == found) {
            score += 8;
        }
        score -= (found - pos) as i64;
        prev = Some(found);
        pos = found + 1;
    }
    // The query written out in the candidate beats the same letters
    // scattered (`Payout` in "Seller Payouts" over "Paula Yount"), most of
    // all at the start of a word.
    let (lower, query) = (candidate.to_lowercase(), query.to_lowercase());
    let whole = lower.match_indices(&query).map(|(i, _)| {
        if i == 0 || lower[..i].ends_with(['-', '_', ' ']) {
            30
        } else {
            15
        }
    });
    score += whole.max().unwrap_or(0);
    Some(score - (cand.len() as i64 - query.chars().count() as i64) / 4)
}

/// Declarations matching `query`, best first (at most `limit`).
pub fn workspace_symbols(analysis: &Analysis, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    let m = &analysis.model;
    let mut scored: Vec<(i64, WorkspaceSymbol)> = m
        .entities()
        .filter_map(|e: EntityId| {
            let d = m.decl(e);
            let by_id = fuzzy_score(query, &d.id);
            let by_title = d
                .title
                .as_deref()
                .and_then(|t| fuzzy_score(query, t))
                .map(|s| s - 5);
            let score = by_id.max(by_title)?;
            Some((
                score,
                WorkspaceSymbol {
                    name: d.id.to_string(),
                    kind: e.kind(),
                    loc: d.name,
                    detail: d.title.as_ref().map(|t| t.to_string()),
                },
            ))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored.into_iter().take(limit).map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    #[test]
    fn outline_nests_dependencies() {
        let f = fixture("leader jane \"Jane\" { }\nteam t \"T\" {\n  depends_on a { }\n  depends_on b\n}\ntem oops { }\n");
        insta::assert_debug_snapshot!(document_symbols(&f.ws, f.file));
    }

    /// The ids `query` finds in the plan `text`, best first.
    fn search(text: &str) -> impl Fn(&str) -> Vec<String> {
        let f = fixture(text);
        move |q| {
            workspace_symbols(&f.analysis, q, 10)
                .into_iter()
                .map(|s| s.name)
                .collect()
        }
    }

    #[test]
    fn fuzzy_search_over_ids_and_titles() {
        let names = search("team fba-inbound \"FBA Inbound\" { }\nteam billing \"Billing\" { }\nleader fiona \"Fiona Bay\" { }\ninitiative fba \"Fulfilment\" { }\n");
        assert_eq!(names("fba"), vec!["fba", "fba-inbound", "fiona"]);
        assert_eq!(names("fbin"), vec!["fba-inbound"]);
        assert_eq!(names("zzz"), Vec::<String>::new());
        assert_eq!(names("").len(), 4);
        assert_eq!(names("fulfil"), vec!["fba"]);
    }

    #[test]
    fn a_title_word_finds_its_block_ranked_by_how_well_it_matches() {
        let names = search("team settle \"Seller Payouts\" { }\nteam pay \"Payments\" { }\nleader paula \"Paula Yount\" { }\nteam ops \"Operations\" { }\n");
        assert_eq!(names("Payout"), vec!["settle", "paula"]);
        assert_eq!(names("payouts"), vec!["settle"]);
        assert_eq!(names("seller"), vec!["settle"]);
        assert_eq!(names("pay")[0], "pay");
    }
}
