//! Compiles the generated parser and the hand-written scanner.
//!
//! The parser is compiled from a copy of `src/parser.c` in which every
//! lookup of a character in one of the lexer's character sets first asks
//! an ASCII table ([`with_ascii_tables`]). Replaces: the generated
//! `set_contains`, a binary search over the set's ranges for every
//! character. The grammar's `identifier` takes Unicode's letters, marks
//! and digits, 821 ranges, so each character of every word took about ten
//! steps of search. Why: a plan's words are ASCII. Shown by: the criterion
//! bench `100k-lines/parse/fresh`, in BENCHMARKS.md, "4 Dec (fifth
//! session)". The copy is made here, so that `src/parser.c` stays as
//! `tree-sitter generate` writes it; a grammar whose sets are written in a
//! way this does not read fails the build instead of losing the tables.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let src_dir = Path::new("src");

    let mut c_config = cc::Build::new();
    c_config.std("c11").include(src_dir);
    c_config.flag_if_supported("-Wno-unused-parameter");
    c_config.flag_if_supported("-Wno-unused-but-set-variable");
    c_config.flag_if_supported("-Wno-trigraphs");

    let parser_path = src_dir.join("parser.c");
    println!("cargo:rerun-if-changed={}", parser_path.to_str().unwrap());
    println!("cargo:rerun-if-changed=bindings/rust/build.rs");
    let generated = std::fs::read_to_string(&parser_path).expect("src/parser.c is readable");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("parser.c");
    std::fs::write(&out, with_ascii_tables(&generated)).expect("OUT_DIR is writable");
    c_config.file(&out);

    let scanner_path = src_dir.join("scanner.c");
    c_config.file(&scanner_path);
    println!("cargo:rerun-if-changed={}", scanner_path.to_str().unwrap());

    c_config.compile("tree-sitter-orgplan");
}

/// `parser` with an ASCII table beside each character set
/// (`static const TSCharacterRange NAME[] = {…};`) and each
/// `set_contains(NAME, …)` asking the table for a character below 128.
fn with_ascii_tables(parser: &str) -> String {
    const HEAD: &str = "static const TSCharacterRange ";
    let mut out = String::with_capacity(parser.len() + 4096);
    let mut rest = parser;
    let mut names = Vec::new();
    while let Some(at) = rest.find(HEAD) {
        let after = &rest[at + HEAD.len()..];
        let name = after
            .split('[')
            .next()
            .expect("split yields one piece")
            .trim();
        let body_start = after.find('{').expect("a character set opens with `{`") + 1;
        let body_end = after.find("};").expect("a character set ends with `};`");
        let table = ascii_table(&after[body_start..body_end]);
        let end = at + HEAD.len() + body_end + 2;
        out.push_str(&rest[..end]);
        write!(out, "\n\nstatic const bool {name}_ascii[128] = {{").unwrap();
        for (i, b) in table.iter().enumerate() {
            out.push_str(if i % 16 == 0 { "\n  " } else { " " });
            out.push_str(if *b { "1," } else { "0," });
        }
        out.push_str("\n};");
        names.push(name.to_string());
        rest = &rest[end..];
    }
    out.push_str(rest);
    for name in &names {
        let call = format!("set_contains({name}, ");
        let fast = format!("orgplan_set_contains({name}_ascii, {name}, ");
        out = out.replace(&call, &fast);
    }
    assert_eq!(
        out.matches("set_contains(").count(),
        out.matches("orgplan_set_contains(").count(),
        "src/parser.c looks up a character set that has no ASCII table"
    );
    // After the line that includes the runtime's header, whatever its line
    // ending (a checkout may turn `\n` into `\r\n`).
    let include = "#include \"tree_sitter/parser.h\"";
    let helper = "\n// A character below 128 is looked up in the set's ASCII table, written\n\
                  // by build.rs from the set's ranges; the others in the ranges.\n\
                  static inline bool orgplan_set_contains(const bool *ascii,\n\
                  \x20   const TSCharacterRange *ranges, uint32_t len, int32_t c) {\n\
                  \x20 return (uint32_t)c < 128 ? ascii[c] : set_contains(ranges, len, c);\n\
                  }\n";
    let at = out
        .find(include)
        .expect("src/parser.c includes tree_sitter/parser.h");
    let line_end = out[at..].find('\n').map_or(out.len(), |i| at + i + 1);
    out.insert_str(line_end, helper);
    out
}

/// Which of the characters below 128 the ranges `{a, b}, {c, d}, …` hold.
fn ascii_table(ranges: &str) -> [bool; 128] {
    let mut table = [false; 128];
    for pair in ranges.split('}').filter(|p| p.contains('{')) {
        let pair = &pair[pair.find('{').expect("checked above") + 1..];
        let (a, b) = split_pair(pair);
        let (a, b) = (char_value(a), char_value(b));
        for c in a..=b.min(127) {
            table[c as usize] = true;
        }
    }
    table
}

/// `'a', 'z'` as its two halves; a comma inside quotes is a character.
fn split_pair(pair: &str) -> (&str, &str) {
    let pair = pair.trim();
    let first_end = if let Some(quoted) = pair.strip_prefix('\'') {
        let close = if quoted.starts_with('\\') { 2 } else { 1 };
        1 + close
            + quoted[close..]
                .find('\'')
                .expect("a character literal is closed")
            + 1
    } else {
        pair.find(',').expect("a range has two ends")
    };
    let (a, b) = pair.split_at(first_end);
    (a.trim(), b.trim_start_matches([',', ' ']).trim())
}

/// The value of a C character literal (`'a'`, `'\\n'`) or number (`0x2c1`).
fn char_value(s: &str) -> u32 {
    if let Some(hex) = s.strip_prefix("0x") {
        return u32::from_str_radix(hex, 16).expect("a hexadecimal character");
    }
    if let Some(lit) = s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return match lit {
            "\\0" => 0,
            "\\t" => 9,
            "\\n" => 10,
            "\\v" => 11,
            "\\f" => 12,
            "\\r" => 13,
            "\\\\" => 92,
            "\\'" => 39,
            "\\\"" => 34,
            _ => {
                let mut chars = lit.chars();
                let c = chars.next().expect("a character literal holds one");
                assert!(chars.next().is_none(), "unread character literal {s}");
                c as u32
            }
        };
    }
    s.parse().expect("a decimal character")
}
