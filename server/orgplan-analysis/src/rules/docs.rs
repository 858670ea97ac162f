//! The rules reference, `docs/rules.md`, rendered from the registry. A test
//! keeps the checked-in file equal to this rendering.

use super::{Group, ALL, SOURCE_TITLE, SOURCE_URL};
use std::fmt::Write as _;

/// `docs/rules.md`.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("# Rules\n\n");
    out.push_str("<!-- Generated from the rule registry (server/orgplan-analysis/src/rules). Do not edit by hand: run `UPDATE_DOCS=1 cargo test -p orgplan-analysis --test docs`. -->\n\n");
    let _ = writeln!(
        out,
        "Every rule of orgplan, its default severity and when it fires. The principles come from [{SOURCE_TITLE}]({SOURCE_URL}); the summaries are ours. Change a rule's level in `orgplan.toml`:\n\n```toml\n[rules]\npart-time-leader = \"error\"   # error | warning | info | hint | off\nmissing-metrics = \"off\"\n\n[team]\nrequired-roles = [\"engineering\", \"qa\", \"design\", \"product\"]\nmax-dependencies = 3\n```\n"
    );
    out.push_str(POLICY);
    for (group, title) in [
        (Group::Structure, "Structure"),
        (Group::Principle, "Principles"),
    ] {
        let _ = writeln!(
            out,
            "## {title}\n\n| rule | default | when |\n|---|---|---|"
        );
        for r in ALL.iter().filter(|r| r.group == group) {
            let _ = writeln!(
                out,
                "| [`{}`](#{}) | {} | {} |",
                r.name, r.name, r.default_severity, r.summary
            );
        }
        out.push('\n');
    }
    for r in ALL {
        let _ = writeln!(out, "## {}\n", r.name);
        let _ = writeln!(
            out,
            "Default severity: **{}**. {}\n",
            r.default_severity, r.summary
        );
        let _ = writeln!(out, "{}\n", r.principle);
        if !r.questions.is_empty() {
            out.push_str("Questions the article asks:\n\n");
            for q in r.questions {
                let _ = writeln!(out, "- {q}");
            }
            out.push('\n');
        }
        let _ = writeln!(out, "**Fix:** {}\n", r.fix);
        let _ = writeln!(out, "**Findings:** {}\n", r.findings);
        let _ = writeln!(out, "**Does not flag:** {}\n", r.spares);
        let lang = if r.name == "invalid-config" {
            "toml"
        } else {
            "orgplan"
        };
        let _ = writeln!(out, "Example:\n\n```{lang}\n{}```\n", r.example);
        if r.group == Group::Principle {
            let _ = writeln!(out, "Source: [{SOURCE_TITLE}]({SOURCE_URL})\n");
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// How many findings a rule gives, and where; what one mistake yields; and
/// how a configured level meets `critical: true`.
const POLICY: &str = "## One finding per problem

The number of findings is the number of things to fix. A rule reports a
problem once per place a fix goes, and names the other places involved as
related information (shown under the finding in an editor, and as notes by
`orgplan check`), not as findings of their own:

- a leader who leads two initiatives: one finding at each initiative's
  `leader:` line, none at the leader's declaration;
- a dependency cycle: one finding for the cycle, naming its teams in order
  (`a` → `b` → `c` → `a`), at its first dependency;
- a part-time leader: one finding per initiative they lead, at its `leader:`
  line;
- an id declared twice: one finding, at the second declaration.

Each rule's section below says where its findings land (**Findings**), and a
test holds every rule to it by counting all the findings on a plan written
for it.

**One mistake, one finding.** What one rule reports is not reported again by
another rule built on the same mistake:

- a later declaration of an id is `duplicate-definition`'s alone: references
  name the first declaration, so the later one is not also an `orphan-team`
  (nor a second initiative for its leader or teams), and its quick fixes
  rename or merge it;
- a value that is invalid (`allocation: -20%`, `leader: \"jane\"`, `scope: 42`)
  is `invalid-value`'s alone: the model reads it as not written, and the rules
  about a missing key stay quiet when the key is written;
- a misspelt key (`leadr:`) is `unknown-property`'s alone, and a key without
  its colon (`roles engineering`) `unknown-block`'s: the block is not also
  said to lack the key;
- a block with a syntax error: the rules about what a block lacks stay quiet
  on it until it parses;
- a name that nothing declares is `undefined-reference`'s alone: the
  principle rules skip references that resolve to nothing, and a team that a
  misspelt `teams:` entry most likely means is not also an `orphan-team`.

Two findings on one line are two problems when fixing one leaves the other:
a `leader:` naming a part-time leader who also leads another initiative is
both `part-time-leader` and `leader-not-single-threaded`; an approver outside
the initiative in a list of two is both `layered-approvals` and
`external-approval` (dropping the other approver leaves the outsider). And a
block of an unknown kind (`tem search`) declares nothing, so a name that
refers to its id is an `undefined-reference` too: whether the kind or the
name is the typo, only its author knows, and the block's own quick fix
makes the names resolve.

**Levels and `critical: true`.** Some rules report a harder severity on a
critical initiative (`part-time-leader` is an error there, a warning
elsewhere). A level set in `orgplan.toml` wins: it applies to every finding
of the rule, critical or not, and `off` turns them all off.

";
