//! Snippets (the LSP / TextMate snippet syntax): built with tab stops that
//! are numbered in the order they are written, placeholders and choices
//! escaped as the syntax wants, and read back as plain text for a client
//! that takes none.
//!
//! New blocks are written here, for block completions and for the quick
//! fixes that declare a missing leader or team: with a tab stop on what the
//! user must say (the title), and the ids the plan already declares as a
//! choice where a reference goes (never a placeholder such as `leader`,
//! which would itself be an undefined reference).

use crate::model::{EntityId, Model};
use crate::schema::{BlockKind, ValueType};

/// The most ids a choice lists: the first ones are the likely ones, and a
/// menu of thousands helps nobody.
pub const MAX_CHOICES: usize = 12;

/// A snippet under construction.
#[derive(Debug, Default)]
pub struct Snippet {
    text: String,
    stops: u32,
}

impl Snippet {
    pub fn new() -> Snippet {
        Snippet::default()
    }

    /// Text as it is (`$` and `\` escaped).
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.escaped(s, &['$', '\\'])
    }

    fn escaped(&mut self, s: &str, special: &[char]) -> &mut Self {
        for c in s.chars() {
            if special.contains(&c) {
                self.text.push('\\');
            }
            self.text.push(c);
        }
        self
    }

    /// The next tab stop, selecting `default`.
    pub fn placeholder(&mut self, default: &str) -> &mut Self {
        self.stops += 1;
        self.text.push_str(&format!("${{{}:", self.stops));
        self.escaped(default, &['$', '}', '\\']);
        self.text.push('}');
        self
    }

    /// The next tab stop, offering `options` (the first is inserted); a
    /// plain placeholder when there is only one.
    pub fn choice(&mut self, options: &[&str]) -> &mut Self {
        match options {
            [] => self,
            [one] => self.placeholder(one),
            _ => {
                self.stops += 1;
                self.text.push_str(&format!("${{{}|", self.stops));
                for (i, o) in options.iter().enumerate() {
                    if i > 0 {
                        self.text.push(',');
                    }
                    self.escaped(o, &[',', '|', '\\', '$', '}']);
                }
                self.text.push_str("|}");
                self
            }
        }
    }

    /// The snippet, with the final cursor (`$0`) at its end.
    pub fn finish(&mut self) -> String {
        let mut s = std::mem::take(&mut self.text);
        s.push_str("$0");
        s
    }
}

/// What a snippet inserts when its placeholders are left as they are: for
/// a client that takes no snippets. `${1:id}` gives `id`, `${1|a,b|}` gives
/// `a`, tab stops (`$1`, `$0`) nothing, and `\$`, `\}` and `\\` their
/// character.
pub fn as_text(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    // Placeholders open: a `}` closes one instead of being text.
    let mut open = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&e @ ('$' | '}' | '\\')) => {
                    out.push(e);
                    chars.next();
                }
                _ => out.push('\\'),
            },
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                match chars.peek() {
                    Some(':') => {
                        chars.next();
                        open += 1;
                    }
                    // `${1|a,b|}`: the first option.
                    Some('|') => {
                        chars.next();
                        first_choice(&mut chars, &mut out);
                    }
                    // `${1}`: a tab stop.
                    Some('}') => {
                        chars.next();
                    }
                    _ => open += 1,
                }
            }
            '}' if open > 0 => open -= 1,
            c => out.push(c),
        }
    }
    out
}

/// Reads a choice's options up to its closing `|}`, writing the first.
fn first_choice(chars: &mut std::iter::Peekable<std::str::Chars>, out: &mut String) {
    let mut first = true;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(e) = chars.next() {
                    if first {
                        out.push(e);
                    }
                }
            }
            ',' => first = false,
            '|' if chars.peek() == Some(&'}') => {
                chars.next();
                return;
            }
            c if first => out.push(c),
            _ => {}
        }
    }
}

/// Leader ids for a `leader:` or `reports_to:` choice: those without an
/// initiative first (for `leader:`, the full-time ones), each id once.
pub fn leader_choices(m: &Model, for_leader_key: bool) -> Vec<&str> {
    let mut ids: Vec<(u8, &str)> = m
        .leaders
        .iter()
        .enumerate()
        .map(|(l, leader)| {
            let busy = !m.led_by(l).is_empty() || (for_leader_key && leader.is_part_time());
            (u8::from(busy), leader.decl.id.as_str())
        })
        .collect();
    best(&mut ids)
}

/// Team ids for a `teams:` choice: unassigned teams first, functional
/// teams last.
pub fn team_choices(m: &Model) -> Vec<&str> {
    let mut ids: Vec<(u8, &str)> = m
        .teams
        .iter()
        .enumerate()
        .map(|(t, team)| {
            let group = if team.functional {
                2
            } else if m.team_initiatives(t).is_empty() {
                0
            } else {
                1
            };
            (group, team.decl.id.as_str())
        })
        .collect();
    best(&mut ids)
}

fn best<'a>(ids: &mut [(u8, &'a str)]) -> Vec<&'a str> {
    ids.sort();
    // Sorted by group first: an id declared twice keeps its best group.
    let mut seen = std::collections::HashSet::new();
    ids.iter()
        .filter(|(_, id)| seen.insert(*id))
        .take(MAX_CHOICES)
        .map(|(_, id)| *id)
        .collect()
}

/// A new block of `kind`: `KIND id "Title" { … }` with the properties a new
/// block usually needs. `id` is fixed when given (a quick fix declares a
/// name already written), a tab stop otherwise; `title` is the default of
/// the title's tab stop; `indent` is one level of indentation. A property
/// that names leaders or teams offers the declared ones as a choice, and is
/// left out when there are none.
pub fn block(
    m: &Model,
    kind: BlockKind,
    id: Option<&str>,
    title: &str,
    indent: &str,
    enclosing_team: Option<EntityId>,
) -> String {
    let spec = kind.spec();
    let mut s = Snippet::new();
    s.text(spec.keyword).text(" ");
    match (kind, id) {
        (_, Some(id)) => {
            s.text(id);
        }
        (BlockKind::DependsOn, None) => {
            // The head names the team depended on.
            let mine = enclosing_team.map(|e| m.decl(e).id.as_str());
            let teams: Vec<&str> = team_choices(m)
                .into_iter()
                .filter(|t| Some(*t) != mine)
                .collect();
            if teams.is_empty() {
                s.placeholder("team");
            } else {
                s.choice(&teams);
            }
        }
        (_, None) => {
            s.placeholder("id");
        }
    }
    if spec.titled {
        s.text(" \"").placeholder(title).text("\"");
    }
    s.text(" {\n");
    for p in spec.properties {
        let Some(default) = p.snippet else { continue };
        let options: Vec<&str> = match p.ty {
            ValueType::Leader => leader_choices(m, p.name == "leader"),
            ValueType::Teams => team_choices(m),
            ValueType::Owner => {
                let mut o: Vec<&str> = enclosing_team
                    .map(|e| m.decl(e).id.as_str())
                    .into_iter()
                    .collect();
                if let Some(EntityId::Team(t)) = enclosing_team {
                    if let Some(r) = &m.teams[t].reports_to {
                        o.push(r.name.as_str());
                    }
                }
                o
            }
            _ => {
                s.text(indent).text(p.name).text(": ");
                property_default(&mut s, default);
                s.text("\n");
                continue;
            }
        };
        if options.is_empty() {
            continue;
        }
        s.text(indent)
            .text(p.name)
            .text(": ")
            .choice(&options)
            .text("\n");
    }
    s.text("}");
    s.finish()
}

/// A property's snippet from the schema (`"${2:Title}"`, `${3|a,b|}`),
/// renumbered as the next tab stop of `s`.
fn property_default(s: &mut Snippet, default: &str) {
    let Some(open) = default.find("${") else {
        s.text(default);
        return;
    };
    let close = default.rfind('}').unwrap_or(default.len() - 1);
    s.text(&default[..open]);
    let inner = default[open + 2..close].trim_start_matches(|c: char| c.is_ascii_digit());
    if let Some(options) = inner.strip_prefix('|').and_then(|o| o.strip_suffix('|')) {
        let options: Vec<&str> = options.split(',').collect();
        s.choice(&options);
    } else {
        s.placeholder(inner.strip_prefix(':').unwrap_or(inner));
    }
    s.text(&default[close + 1..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    #[test]
    fn plain_text_of_placeholders_choices_and_escapes() {
        let t = as_text;
        assert_eq!(
            t("team ${1:id} \"${2:Title}\" {\n\treports_to: ${3|jane,raj|}\n}$0"),
            "team id \"Title\" {\n\treports_to: jane\n}"
        );
        assert_eq!(t("a $1 b ${2} c"), "a  b  c");
        assert_eq!(t(r"cost \$5 \} \\ ${1:x\}y}"), r"cost $5 } \ x}y");
        assert_eq!(t("{ plain } $ end"), "{ plain } $ end");
        assert_eq!(t(r"${1|a\,b,c|} d"), "a,b d");
    }

    #[test]
    fn built_text_reads_back_as_written() {
        let mut s = Snippet::new();
        let built = s
            .text("cost $5 {x} \\ ")
            .placeholder("a}b")
            .text(" ")
            .choice(&["x,y", "z|w"])
            .finish();
        assert_eq!(built, r"cost \$5 {x} \\ ${1:a\}b} ${2|x\,y,z\|w|}$0");
        assert_eq!(as_text(&built), "cost $5 {x} \\ a}b x,y");
    }

    #[test]
    fn blocks_offer_declared_ids_never_a_placeholder_id() {
        let f = fixture(
            "leader jane \"Jane\" { }\nleader raj \"Raj\" { }\ninitiative p \"P\" { leader: raj teams: a }\nteam a \"A\" { }\nteam b \"B\" { }\nteam b \"B again\" { }\n",
        );
        let m = &f.analysis.model;
        let shown: Vec<String> = BlockKind::ALL
            .into_iter()
            .map(|k| block(m, k, None, "Title", "\t", Some(EntityId::Team(0))))
            .collect();
        insta::assert_snapshot!(shown.join("\n---\n"));
        // With nothing declared, no reference line at all.
        let empty = fixture("# empty\n");
        let bare = block(
            &empty.analysis.model,
            BlockKind::Team,
            Some("t"),
            "T",
            "  ",
            None,
        );
        assert_eq!(
            as_text(&bare),
            "team t \"T\" {\n  roles: engineering, qa, design, product\n}"
        );
        for kind in BlockKind::ALL {
            let text = as_text(&block(m, kind, None, "Title", "\t", None));
            assert!(
                !text.contains('$') && text.starts_with(kind.keyword()),
                "{text}"
            );
        }
    }
}
