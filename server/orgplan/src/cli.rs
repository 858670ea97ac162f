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
    /// Draw the plan: leaders, initiatives, teams and their links, with the findings on them.
    #[command(long_about = "\
Draw the plan: leaders, initiatives, teams (functional teams apart), who leads, serves, reports \
to and depends on whom (owned and unowned dependencies apart), each node and edge marked with \
the findings on it: errors red with a round badge, warnings amber with a triangle.

All the plans given form one model, under the nearest orgplan.toml (or --config). --overview \
folds each initiative with its teams into one node, for large plans; --focus ID draws only what \
is within --depth links of one leader, initiative or team. SVG needs no other program; DOT and \
Mermaid are for pasting into docs; JSON is for tools (docs/graph.md).

Exit status: 0 when drawn, 2 for a usage or I/O error (an unknown --focus included).")]
    Graph(GraphArgs),
    /// Write one self-contained HTML report: the picture, the findings by initiative, and each initiative's checklist.
    #[command(long_about = "\
Write one self-contained HTML file to share with people who do not use an editor: the picture \
of the plan (pan and zoom), the findings grouped by initiative with the principle behind each, \
and each initiative's single-threaded checklist. It loads nothing from the network.

Exit status: 0 when written, 2 for a usage or I/O error.")]
    Report(ReportArgs),
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

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Files or folders to draw; a folder means every .orgplan file below it.
    /// Default: the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Svg)]
    pub format: GraphFormat,

    /// Draw only what is around this leader, initiative or team (with
    /// --overview: this initiative).
    #[arg(long, value_name = "ID")]
    pub focus: Option<String>,

    /// With --focus: how many links away to draw [default: 2].
    #[arg(long, value_name = "N", requires = "focus")]
    pub depth: Option<usize>,

    /// Fold each initiative with its teams into one node and sum the
    /// dependencies between initiatives (for large plans).
    #[arg(long)]
    pub overview: bool,

    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Use this configuration file instead of the nearest orgplan.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Files or folders to report on; a folder means every .orgplan file
    /// below it. Default: the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The HTML file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE", required = true)]
    pub output: PathBuf,

    /// Draw the overview (initiatives folded with their teams) instead of
    /// every team; by default the overview is drawn past 400 nodes.
    #[arg(long)]
    pub overview: bool,

    /// Use this configuration file instead of the nearest orgplan.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A picture, laid out (no other program needed).
    Svg,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// Nodes, edges and findings as data (docs/graph.md).
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
