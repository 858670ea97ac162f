//! Code actions: the quick fixes the findings in a range offer.

use crate::rules::{undefined_reference, Edit, Finding};
use crate::text::{FileId, TextRange};
use crate::Analysis;

#[derive(Clone, Debug, PartialEq)]
pub struct CodeAction<'a> {
    pub title: String,
    pub edits: Vec<Edit>,
    pub preferred: bool,
    /// The one edit's text as a snippet, with tab stops (for an editor that
    /// can insert one); `edits` hold its plain text.
    pub snippet: Option<String>,
    /// The finding the fix is for.
    pub finding: &'a Finding,
}

/// The fixes of every finding in `file` that intersects `range`.
pub fn code_actions(analysis: &Analysis, file: FileId, range: TextRange) -> Vec<CodeAction<'_>> {
    analysis
        .findings_in(file)
        .iter()
        .filter(|f| f.loc.range.intersects(range))
        .flat_map(|f| {
            f.fixes.iter().map(move |fix| CodeAction {
                title: fix.title.clone(),
                edits: fix.edits.to_vec(),
                preferred: fix.preferred,
                snippet: (f.rule == undefined_reference::RULE.name)
                    .then(|| undefined_reference::stub_snippet(&analysis.model, fix))
                    .flatten(),
                finding: f,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    #[test]
    fn fixes_of_findings_under_the_cursor() {
        let f = fixture("leader jane \"J\" { }\ninitiative a \"A\" { leader: jan$0 }\n");
        let actions = code_actions(&f.analysis, f.file, TextRange::empty(f.offset));
        let shown: Vec<String> = actions
            .iter()
            .map(|a| {
                format!(
                    "{} (preferred: {}) for {}: {:?}{}",
                    a.title,
                    a.preferred,
                    a.finding.rule,
                    a.edits.iter().map(|e| &e.new_text).collect::<Vec<_>>(),
                    a.snippet
                        .as_ref()
                        .map_or(String::new(), |s| format!(" snippet {s:?}"))
                )
            })
            .collect();
        insta::assert_snapshot!(shown.join("\n"), @r#"
            Change to `jane` (preferred: true) for undefined-reference: ["jane"]
            Create leader `jan` (preferred: false) for undefined-reference: ["\nleader jan \"Jan\" {}\n"] snippet "\nleader jan \"${1:Jan}\" {\n  title: \"${2:Job title}\"\n  allocation: ${3:100%}\n}$0\n"
        "#);
        assert!(code_actions(&f.analysis, f.file, TextRange::empty(0)).is_empty());
    }
}
