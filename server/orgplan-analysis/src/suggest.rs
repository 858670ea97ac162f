//! "Did you mean …?": the closest candidate by edit distance.

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn best<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let score = strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase());
        let lev = strsim::levenshtein(word, c);
        let close = score >= 0.8 || lev <= word.len().max(c.len()) / 3;
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_typos_and_rejects_strangers() {
        assert_eq!(
            super::best("leadr", ["leader", "model", "teams"]),
            Some("leader")
        );
        assert_eq!(
            super::best("fba-inbond", ["fba-inbound", "fba-billing"]),
            Some("fba-inbound")
        );
        assert_eq!(super::best("zzz", ["leader", "model"]), None);
    }
}
