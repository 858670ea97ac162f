use super::{Ctx, Finding, Group, Rule, Severity};
use crate::model::EntityId;

pub static RULE: Rule = Rule {
    name: "part-time-leader",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "A leader's allocation is under 100%, or they carry other duties; an error on a critical initiative.",
    principle: "Inventing something new takes someone's full attention; the article names handing it to a \"part-time\" leader as a reliable way to fail. A leader with other duties, or only a share of their time, cannot keep the initiative's goals first or raise its risks early.",
    questions: &[
        super::Q_EMPOWERED,
        super::Q_CAPABLE,
    ],
    fix: "Free the leader of other duties and set `allocation: 100%`, or choose a leader who can give the initiative all their time.",
    example: "leader raj \"Raj\" { allocation: 50% }\ninitiative fba \"FBA\" { leader: raj critical: true }\n",
    findings: "One at each initiative's `leader:` line naming a part-time leader (an error when the initiative is critical), with where the leader is made part-time (`allocation:` or `duties:`) related; none at the leader's declaration.",
    spares: "A part-time leader who leads nothing: being part-time is a problem only for the initiative they lead. An `allocation:` outside 0%–100% is `invalid-value`'s alone (it is read as not written), and so is a bare number such as `0.5`.",
    check: super::Check::Entity(check),
};

fn check(ctx: &Ctx, e: EntityId, out: &mut Vec<Finding>) {
    let m = ctx.model;
    let EntityId::Initiative(i) = e else { return };
    let init = &m.initiatives[i];
    let Some(r) = &init.leader else { return };
    let Some(crate::model::EntityId::Leader(l)) = m.resolve(r) else {
        return;
    };
    let leader = &m.leaders[l];
    if !leader.is_part_time() {
        return;
    }
    let what = if init.critical {
        "critical initiative"
    } else {
        "initiative"
    };
    let mut message = format!(
        "`{}` leads {what} `{}` part-time ({})",
        leader.decl.id,
        init.decl.id,
        reasons(leader)
    );
    if init.critical {
        message.push_str(": a critical initiative needs a leader's whole attention");
    }
    let mut f = Finding::new(&RULE, r.loc, message);
    if init.critical {
        f = f.severity(Severity::Error);
    }
    if let Some(at) = part_time_loc(leader) {
        f = f.related(at, format!("why `{}` is part-time", leader.decl.id));
    }
    out.push(f);
}

fn reasons(leader: &crate::model::Leader) -> String {
    let mut why = Vec::new();
    if leader.allocation_percent() < 100.0 {
        why.push(format!("{}% allocated", leader.allocation_percent()));
    }
    if !leader.duties.is_empty() {
        let duties: Vec<String> = leader
            .duties
            .iter()
            .map(|d| format!("\"{}\"", crate::text::shorten(&d.value, crate::text::SHOWN)))
            .collect();
        why.push(format!("carries other duties: {}", duties.join(", ")));
    }
    why.join("; ")
}

/// Where a leader's part-time status is written: `allocation:` if under
/// 100%, else their `duties:`.
fn part_time_loc(leader: &crate::model::Leader) -> Option<crate::text::Loc> {
    match &leader.allocation {
        Some(a) if a.value < 100.0 => Some(a.loc),
        _ => {
            let first = leader.duties.first()?;
            let last = leader.duties.last()?;
            Some(crate::text::Loc::new(
                first.loc.file,
                first.loc.range.cover(last.loc.range),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn allocation_and_duties_worse_when_critical() {
        insta::assert_snapshot!(check(
            &RULE,
            r#"
            leader raj "Raj" { allocation: 50% }
            leader kim "Kim" { duties: "Runs the hiring committee" }
            leader ana "Ana" { allocation: 100% }
            leader bo "Bo" { allocation: 80% }
            initiative fba "FBA" { leader: raj critical: true }
            #                              ^^^ part-time-leader
            initiative ads "Ads" { leader: kim }
            #                              ^^^ part-time-leader
            initiative pay "Pay" { leader: ana critical: true }
            leader neg "Neg" { allocation: -20% }
            initiative ops "Ops" { leader: neg }
        "#
        ));
    }
}
