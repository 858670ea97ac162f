//! The command line, as clap reads it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use orgplan_analysis::config::Level;
use orgplan_analysis::rules;
use std::path::PathBuf;

const ABOUT: &str =
    "Check organization plans (.orgplan files) against the single-threaded leadership model.";

const LONG_ABOUT: &str = "\
Check organization plans (.orgplan files) against the single-threaded leadership model.

Every rule comes from \"Single-Threaded Leaders at Amazon\": a leader who leads one initiative \
full-time, separable teams that own their dependencies, one level of approval. `orgplan check` \
reports where a plan breaks the model and why; `orgplan explain RULE` tells the principle behind \
a finding; `orgplan fmt` keeps plans in one canonical layout; `orgplan lsp` serves editors.";

#[derive(Parser, Debug)]
#[command(
    name = "orgplan",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check plans and report every finding (exit 1 if any is an error).
    #[command(long_about = "\
Check plans and report every finding.

The files under one orgplan.toml (found in a file's folder or its ancestors, up to the \
repository root) form one org model with one namespace, so references across them resolve; \
that orgplan.toml sets their rule levels and thresholds. Files under no orgplan.toml form one \
model together. With --config, every file checked is one model under that configuration.

Exit status: 0 when no finding is an error, 1 when one is, 2 for a usage or I/O error.")]
    Check(CheckArgs),
    /// Format plans in the canonical layout (rewrites files in place).
    #[command(long_about = "\
Format plans in the canonical layout: two-space indentation, one block header, property or \
closing brace per line, one blank line between top-level blocks, comments kept where they are.

Files are rewritten in place only when their layout changes. A file with syntax errors is left \
as it is (and reported): the formatter never loses text.

Exit status: 0 when every file is formatted (or, with --check, already was); 1 with --check when \
a file would change, or when a file has syntax errors; 2 for a usage or I/O error.")]
    Fmt(FmtArgs),
    /// Explain a rule: its principle, the questions to ask, how to fix it.
    #[command(long_about = "\
Explain a rule: its severity, the principle it enforces (from \"Single-Threaded Leaders at \
Amazon\"), the questions the article says to ask, how to fix a finding, and an example plan that \
trips it. Without a rule name (or with --list), list every rule.")]
    Explain(ExplainArgs),
    /// Run the language server over stdin and stdout (for editors).
    Lsp,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to check; a folder means every .orgplan file below it
    /// (skipping .git, target and node_modules). Default: the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Use this configuration file instead of the nearest orgplan.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Set a rule's level, over orgplan.toml: error, warning, info, hint or off.
    /// Repeatable, e.g. `--rule missing-scope=off --rule part-time-leader=error`.
    #[arg(long = "rule", value_name = "NAME=LEVEL", value_parser = parse_rule_level)]
    pub rules: Vec<(String, Level)>,

    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Files or folders to format; a folder means every .orgplan file below it.
    /// Default: the current folder.
    #[arg(value_name = "PATH", conflicts_with = "stdin")]
    pub paths: Vec<PathBuf>,

    /// Do not write: list the files whose layout would change, with a diff,
    /// and exit 1 if there is any.
    #[arg(long)]
    pub check: bool,

    /// Format standard input to standard output.
    #[arg(long)]
    pub stdin: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The rule's name, e.g. `part-time-leader`.
    #[arg(value_name = "RULE")]
    pub rule: Option<String>,

    /// List every rule with its default severity and summary.
    #[arg(long, conflicts_with = "rule")]
    pub list: bool,

    /// Output format: text (Markdown) or JSON (every field of the rule, or
    /// of every rule without RULE), for tools and editors.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Markdown, for people.
    Text,
    /// JSON, for tools.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Findings with source snippets, as rustc prints them.
    Human,
    /// One JSON array of findings.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal (and NO_COLOR is not set).
    Auto,
    Always,
    Never,
}

fn parse_rule_level(s: &str) -> Result<(String, Level), String> {
    let Some((name, level)) = s.split_once('=') else {
        return Err(format!(
            "expected NAME=LEVEL, e.g. `missing-scope=off`, not `{s}`"
        ));
    };
    let name = name.trim();
    if rules::by_name(name).is_none() {
        let mut msg = format!("unknown rule `{name}`");
        if let Some(s) = orgplan_analysis::suggest::best(name, rules::ALL.iter().map(|r| r.name)) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        msg.push_str("; `orgplan explain --list` lists the rules");
        return Err(msg);
    }
    let level = Level::parse(level.trim()).ok_or_else(|| {
        format!(
            "invalid level `{}`: use error, warning, info, hint or off",
            level.trim()
        )
    })?;
    Ok((name.to_string(), level))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn rule_levels_parse() {
        assert!(parse_rule_level("missing-scope=off").is_ok());
        let e = parse_rule_level("missing-scop=off").unwrap_err();
        assert!(e.contains("did you mean `missing-scope`"), "{e}");
        assert!(parse_rule_level("missing-scope=loud").is_err());
        assert!(parse_rule_level("missing-scope").is_err());
    }
}
