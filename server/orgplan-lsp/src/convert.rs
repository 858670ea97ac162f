//! Conversions between the analysis's plain data (byte offsets, findings)
//! and LSP types. Positions go through `orgplan_analysis::position` only.

use crate::capabilities::KindSet;
use orgplan_analysis::ide::semantic_tokens::TokenKind;
use orgplan_analysis::position::{self, Encoding, LineCol, Lines};
use orgplan_analysis::rules::{self, Finding, Severity};
use orgplan_analysis::schema::BlockKind;
use orgplan_analysis::{Loc, TextRange};
use std::collections::HashMap;
use std::str::FromStr;
use tower_lsp_server::lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, PositionEncodingKind, Range, SemanticTokenModifier,
    SemanticTokenType, SemanticTokensLegend, SymbolKind, Uri,
};

pub fn offset(lines: &Lines, pos: Position, enc: Encoding) -> usize {
    position::to_offset(
        lines,
        LineCol {
            line: pos.line,
            col: pos.character,
        },
        enc,
    )
}

pub fn position(lines: &Lines, offset: usize, enc: Encoding) -> Position {
    let lc = position::to_line_col(lines, offset, enc);
    Position {
        line: lc.line,
        character: lc.col,
    }
}

pub fn range(lines: &Lines, r: TextRange, enc: Encoding) -> Range {
    let (start, end) = position::range_to_line_cols(lines, r.start(), r.end(), enc);
    Range {
        start: Position {
            line: start.line,
            character: start.col,
        },
        end: Position {
            line: end.line,
            character: end.col,
        },
    }
}

pub fn encoding_kind(enc: Encoding) -> PositionEncodingKind {
    match enc {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The symbol kind of a block (`None`: a block of no known kind): a team
/// a struct and an unknown block an object where the client knows those
/// kinds, a namespace and a variable (kinds of the protocol's first
/// version) where it does not.
pub fn symbol_kind(k: Option<BlockKind>, known: KindSet) -> SymbolKind {
    match k {
        Some(BlockKind::Leader) => SymbolKind::CLASS,
        Some(BlockKind::Initiative) => SymbolKind::MODULE,
        Some(BlockKind::Team) => {
            known.pick(&[(SymbolKind::STRUCT, 23), (SymbolKind::NAMESPACE, 3)])
        }
        Some(BlockKind::DependsOn) => SymbolKind::FIELD,
        None => known.pick(&[(SymbolKind::OBJECT, 19), (SymbolKind::VARIABLE, 13)]),
    }
}

/// The semantic token types, in the order of [`TokenKind::ALL`] (a
/// token's type is its index there), and the one modifier, `declaration`.
pub fn semantic_tokens_legend() -> SemanticTokensLegend {
    let token_type = |k: &TokenKind| match k {
        TokenKind::Keyword => SemanticTokenType::KEYWORD,
        TokenKind::Leader => SemanticTokenType::new("leader"),
        TokenKind::Team => SemanticTokenType::new("team"),
        TokenKind::Initiative => SemanticTokenType::new("initiative"),
        TokenKind::Property => SemanticTokenType::PROPERTY,
        TokenKind::Variable => SemanticTokenType::VARIABLE,
        TokenKind::EnumMember => SemanticTokenType::ENUM_MEMBER,
        TokenKind::String => SemanticTokenType::STRING,
        TokenKind::Number => SemanticTokenType::NUMBER,
        TokenKind::Comment => SemanticTokenType::COMMENT,
    };
    SemanticTokensLegend {
        token_types: TokenKind::ALL.iter().map(token_type).collect(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

/// At most this many diagnostics are published per file (the most severe
/// kept), plus one note counting the rest: a pathological file must not
/// flood the editor.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = orgplan_analysis::MAX_FINDINGS_SHOWN;

/// The note that stands for `n` diagnostics left out of a file.
pub fn omitted_note(n: usize) -> Diagnostic {
    Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String("too-many-findings".to_string())),
        source: Some("orgplan".to_string()),
        message: format!(
            "{n} more findings in this file are not shown: at most {MAX_DIAGNOSTICS_PER_FILE} are reported per file, the most severe first"
        ),
        ..Diagnostic::default()
    }
}

/// How diagnostics link to their rule's documentation: under the
/// documentation base URL the configuration sets ([`rules::docs_link`]), and
/// nowhere without one (the editors show the rule's text themselves, e.g.
/// VS Code's *Explain Rule*). What every diagnostic of a rule says between
/// its severity and its message is escaped once per rule.
pub struct RuleLinks {
    /// The base of the links, if any.
    base: Option<String>,
    uris: HashMap<&'static str, Uri>,
    /// `,"code":…,"codeDescription":{"href":…},"source":"orgplan","message":`.
    fields: HashMap<&'static str, Vec<u8>>,
}

impl RuleLinks {
    pub fn new(base: Option<&str>) -> RuleLinks {
        let uris: HashMap<&'static str, Uri> = match base {
            Some(base) => rules::ALL
                .iter()
                .filter_map(|r| {
                    Some((r.name, Uri::from_str(&rules::docs_link(base, r.name)).ok()?))
                })
                .collect(),
            None => HashMap::new(),
        };
        let fields = rules::ALL
            .iter()
            .map(|r| {
                (
                    r.name,
                    crate::publication::rule_fields(r.name, uris.get(r.name)),
                )
            })
            .collect();
        RuleLinks {
            base: base.map(str::to_string),
            uris,
            fields,
        }
    }

    pub(crate) fn base(&self) -> Option<&str> {
        self.base.as_deref()
    }

    /// The links of a workspace's configuration.
    pub fn of(ws: &orgplan_analysis::Workspace) -> RuleLinks {
        RuleLinks::new(ws.config().docs_base_url.as_deref())
    }

    fn uri(&self, rule: &str) -> Option<&Uri> {
        self.uris.get(rule)
    }

    pub(crate) fn fields(&self, rule: &str) -> std::borrow::Cow<'_, [u8]> {
        match self.fields.get(rule) {
            Some(f) => std::borrow::Cow::Borrowed(f.as_slice()),
            None => std::borrow::Cow::Owned(crate::publication::rule_fields(rule, None)),
        }
    }
}

/// A finding as an LSP diagnostic; `locate` maps related places (in any file).
pub fn diagnostic(
    f: &Finding,
    lines: &Lines,
    enc: Encoding,
    links: &RuleLinks,
    locate: &dyn Fn(Loc) -> Option<Location>,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|r| {
            Some(DiagnosticRelatedInformation {
                location: locate(r.loc)?,
                message: r.message.to_string(),
            })
        })
        .collect();
    Diagnostic {
        range: range(lines, f.loc.range, enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: links
            .uri(f.rule)
            .map(|href| CodeDescription { href: href.clone() }),
        source: Some("orgplan".to_string()),
        message: f.message.to_string(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
