use super::{Ctx, Finding, Group, Rule, Severity};

pub static RULE: Rule = Rule {
    name: "part-time-leader",
    group: Group::Principle,
    default_severity: Severity::Warning,
    summary: "A leader's allocation is under 100%, or they carry other duties; an error on a critical initiative.",
    principle: "The article's warning is blunt: the surest way to fail at inventing something is to make it someone's \"part-time job\". A leader with other duties, or only part of their time, cannot keep the initiative's goals in front of everything else or raise risks early.",
    questions: &[
        super::Q_EMPOWERED,
        super::Q_CAPABLE,
    ],
    fix: "Free the leader of other duties and set `allocation: 100%`, or choose a leader who can give the initiative all their time.",
    example: "leader raj \"Raj\" { allocation: 50% }\ninitiative fba \"FBA\" { leader: raj critical: true }\n",
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let m = ctx.model;
    for init in &m.initiatives {
        let Some(r) = &init.leader else { continue };
        let Some(crate::model::EntityId::Leader(l)) = m.resolve(r) else { continue };
        let leader = &m.leaders[l];
        if !leader.is_part_time() {
            continue;
        }
        let mut why = Vec::new();
        if leader.allocation_percent() < 100.0 {
            why.push(format!("{}% allocated", leader.allocation_percent()));
        }
        if !leader.duties.is_empty() {
            let duties: Vec<String> = leader.duties.iter().map(|d| format!("\"{}\"", d.value)).collect();
            why.push(format!("carries other duties ({})", duties.join(", ")));
        }
        let what = if init.critical { "critical initiative" } else { "initiative" };
        let mut message = format!(
            "`{}` leads {what} `{}` part-time ({})",
            leader.decl.id,
            init.decl.id,
            why.join(" and ")
        );
        if init.critical {
            message.push_str(": a critical initiative needs a leader's whole attention");
        }
        let mut f = Finding::new(&RULE, r.loc, message);
        if init.critical {
            f = f.severity(Severity::Error);
        }
        if let Some(a) = &leader.allocation {
            f = f.related(a.loc, format!("`{}`'s allocation", leader.decl.id));
        }
        for d in &leader.duties {
            f = f.related(d.loc, "another duty");
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::fixture::check;

    #[test]
    fn allocation_and_duties_worse_when_critical() {
        insta::assert_snapshot!(check(&RULE, r#"
            leader raj "Raj" { allocation: 50% }
            leader kim "Kim" { duties: "Runs the hiring committee" }
            leader ana "Ana" { allocation: 100% }
            initiative fba "FBA" { leader: raj critical: true }
            #                              ^^^ part-time-leader
            initiative ads "Ads" { leader: kim }
            #                              ^^^ part-time-leader
            initiative pay "Pay" { leader: ana critical: true }
        "#));
    }
}
