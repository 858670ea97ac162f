//! Rename a leader, team or initiative and every reference to it, across files.

use super::{is_valid_ident, navigation, target_at, Target};
use crate::rules::Edit;
use crate::text::{FileId, TextRange};
use crate::{Analysis, Workspace};

/// The range and current name of what can be renamed at `offset`.
pub fn prepare_rename(
    ws: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Result<(TextRange, String), String> {
    match target_at(ws, analysis, file, offset) {
        Some(Target::Decl { entity, range }) => {
            Ok((range, analysis.model.decl(entity).id.to_string()))
        }
        Some(Target::Ref {
            resolved,
            range,
            name,
            ..
        }) if resolved.is_some() || analysis.model.any(&name).is_some() => Ok((range, name)),
        Some(Target::Ref { name, .. }) => Err(format!(
            "`{name}` is not declared anywhere: nothing to rename"
        )),
        _ => Err("only the id of a leader, initiative or team can be renamed".to_string()),
    }
}

/// The edits that rename the entity at `offset` to `new_name`.
pub fn rename(
    ws: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, String> {
    let (_, old) = prepare_rename(ws, analysis, file, offset)?;
    let entity =
        navigation::entity_at(ws, analysis, file, offset).ok_or("nothing to rename here")?;
    if new_name == old {
        return Ok(Vec::new());
    }
    if !is_valid_ident(new_name) {
        return Err(format!(
            "`{new_name}` is not a valid id: use letters, digits, `_` and `-`, starting with a letter or `_` (and not `true` or `false`)"
        ));
    }
    if let Some(other) = analysis.model.any(new_name) {
        return Err(format!(
            "`{new_name}` already exists: a {} is declared with that id",
            other.kind().keyword()
        ));
    }
    let mut edits = vec![Edit {
        loc: analysis.model.decl(entity).name,
        new_text: new_name.to_string(),
    }];
    edits.extend(
        navigation::references_to(analysis, entity)
            .into_iter()
            .map(|loc| Edit {
                loc,
                new_text: new_name.to_string(),
            }),
    );
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    #[test]
    fn renames_across_files() {
        let f = fixture("initiative i \"I\" { leader: ja$0ne approvals: jane }\n#- p.orgplan\nleader jane \"J\" { }\nteam t \"T\" { reports_to: jane }\n");
        let edits = rename(&f.ws, &f.analysis, f.file, f.offset, "janet").unwrap();
        let shown: Vec<String> = edits
            .iter()
            .map(|e| format!("{} -> {}", f.show(e.loc), e.new_text))
            .collect();
        insta::assert_snapshot!(shown.join("\n"));
    }

    #[test]
    fn a_reference_of_the_wrong_kind_takes_the_new_name_too() {
        // `teams:` takes teams: `jane` there is reported as naming the
        // leader, and left alone it would name nobody once she is renamed.
        let f =
            fixture("leader ja$0ne \"J\" { }\ninitiative i \"I\" { leader: jane teams: jane }\n");
        let edits = rename(&f.ws, &f.analysis, f.file, f.offset, "janet").unwrap();
        let shown: Vec<String> = edits.iter().map(|e| f.show(e.loc)).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        // And from that reference.
        let f =
            fixture("leader jane \"J\" { }\ninitiative i \"I\" { leader: jane teams: ja$0ne }\n");
        assert_eq!(
            prepare_rename(&f.ws, &f.analysis, f.file, f.offset)
                .unwrap()
                .1,
            "jane"
        );
        let edits = rename(&f.ws, &f.analysis, f.file, f.offset, "janet").unwrap();
        assert_eq!(edits.len(), 3, "{edits:?}");
    }

    #[test]
    fn refuses_bad_names() {
        let f = fixture("leader ja$0ne \"J\" { }\nteam t \"T\" { }\n");
        for bad in ["1x", "a b", "true", "false", "", "é"] {
            assert!(
                rename(&f.ws, &f.analysis, f.file, f.offset, bad).is_err(),
                "{bad}"
            );
        }
        let e = rename(&f.ws, &f.analysis, f.file, f.offset, "t").unwrap_err();
        assert!(e.contains("already exists"), "{e}");
        assert!(rename(&f.ws, &f.analysis, f.file, f.offset, "_new-name2").is_ok());
    }

    #[test]
    fn prepare_refuses_keys_and_undeclared_names() {
        let f = fixture("initiative i \"I\" { lea$0der: nobody }\n");
        assert!(prepare_rename(&f.ws, &f.analysis, f.file, f.offset).is_err());
        let f = fixture("initiative i \"I\" { leader: nob$0ody }\n");
        let e = prepare_rename(&f.ws, &f.analysis, f.file, f.offset).unwrap_err();
        assert!(e.contains("not declared"));
        let f = fixture("initiative i$0 \"I\" { }\n");
        assert_eq!(
            prepare_rename(&f.ws, &f.analysis, f.file, f.offset)
                .unwrap()
                .1,
            "i"
        );
    }
}
