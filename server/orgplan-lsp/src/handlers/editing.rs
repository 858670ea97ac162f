//! textDocument/formatting: the canonical layout from `orgplan_analysis::format`.

use super::Snap;
use tower_lsp_server::lsp_types::TextEdit;

pub fn formatting(snap: &Snap) -> Option<Vec<TextEdit>> {
    let text = snap.ws.text(snap.file)?;
    let formatted = orgplan_analysis::format::format(text);
    if formatted == text {
        return Some(Vec::new());
    }
    // Replace the differing middle only: a minimal edit keeps the cursor and
    // folds of the unchanged head and tail in place.
    let prefix = common_prefix(text, &formatted);
    let suffix = common_suffix(&text[prefix..], &formatted[prefix..]);
    let old = orgplan_analysis::TextRange::new(prefix, text.len() - suffix);
    let new_text = formatted[prefix..formatted.len() - suffix].to_string();
    let range = snap.range(old);
    Some(vec![TextEdit { range, new_text }])
}

fn common_prefix(a: &str, b: &str) -> usize {
    let mut n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(n) || !b.is_char_boundary(n) {
        n -= 1;
    }
    // Never split a "\r\n".
    while n > 0 && a.as_bytes()[n - 1] == b'\r' {
        n -= 1;
    }
    n
}

fn common_suffix(a: &str, b: &str) -> usize {
    let mut n = a
        .bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    while !a.is_char_boundary(a.len() - n) || !b.is_char_boundary(b.len() - n) {
        n -= 1;
    }
    while n > 0
        && a.as_bytes()[a.len() - n] == b'\n'
        && a.len() > n
        && a.as_bytes()[a.len() - n - 1] == b'\r'
    {
        n -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_middle() {
        let (a, b) = ("team a { }\nteam  b { }\n", "team a { }\nteam b { }\n");
        let p = common_prefix(a, b);
        let s = common_suffix(&a[p..], &b[p..]);
        assert_eq!((&a[p..a.len() - s], &b[p..b.len() - s]), (" ", ""));
        let (a, b) = ("x\r\ny", "x\r\nzy");
        let p = common_prefix(a, b);
        assert_eq!(p, 3);
        let (a, b) = ("a\n", "a\r\n");
        let p = common_prefix(a, b);
        let s = common_suffix(&a[p..], &b[p..]);
        assert_eq!((&a[p..a.len() - s], &b[p..b.len() - s]), ("", "\r"));
    }
}
