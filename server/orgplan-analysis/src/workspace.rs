//! A workspace: the `.orgplan` files that form one org model, the
//! configuration, and the analysis of them all, recomputed when asked after a
//! change.

use crate::chunks::{self, Parsed};
use crate::config::{self, Config, ConfigError, Layer, Level};
use crate::incremental::{self, Parts};
use crate::model::Model;
use crate::position::Lines;
use crate::rope::Text;
use crate::rules::{Ctx, Finding};
use crate::syntax::Document;
use crate::text::{FileId, Shift, TextRange};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// How many findings of a file an editor is shown at most: the cap the
/// language server sets ([`Workspace::set_max_findings_per_file`]). Kept
/// here so that the benchmark's in-process floor caps as the server does.
pub const MAX_FINDINGS_SHOWN: usize = 1000;

/// One `.orgplan` file: its text, its chunks and its lowered document.
#[derive(Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: Text,
    pub parsed: Parsed,
}

impl SourceFile {
    fn new(path: String, text: Text) -> SourceFile {
        let parsed = chunks::parse(&text);
        SourceFile { path, text, parsed }
    }

    /// The lowered document.
    pub fn doc(&self) -> &Document {
        self.parsed.doc()
    }
}

#[derive(Clone)]
struct ConfigFile {
    id: FileId,
    path: String,
    text: Text,
    errors: Vec<ConfigError>,
}

/// The result of analysing a workspace. Cloned only when an edit comes
/// while a snapshot still holds it ([`Workspace::edit_file`]).
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub model: Model,
    /// Every finding, sorted by file then position (at most the cap per
    /// file, if the workspace has one: [`Workspace::set_max_findings_per_file`]).
    pub findings: Vec<Arc<Finding>>,
    /// Per file, what the cap left out.
    pub omitted: crate::Omitted,
    /// The findings by what they were computed for, for the next edit.
    parts: Parts,
    /// Where each file's findings are in [`Analysis::findings`].
    runs: incremental::Runs,
}

impl Analysis {
    /// The findings in one file.
    pub fn findings_in(&self, file: FileId) -> &[Arc<Finding>] {
        &self.findings[self.runs.get(file)]
    }
}

/// The files and configuration of one workspace. Paths are whatever the
/// caller uses to name files (file paths for the CLI, URIs for the server);
/// the analysis only compares them.
///
/// Cloning is cheap, and is how a snapshot is taken: the files, the
/// configuration file and the analysis are shared (`Arc`), and an edit
/// copies a file or the analysis only while a clone still holds it
/// (copy on write). A clone is a value of its own: edits of one are not
/// seen by the other.
#[derive(Clone, Default)]
pub struct Workspace {
    files: BTreeMap<FileId, Arc<SourceFile>>,
    by_path: BTreeMap<String, FileId>,
    next_id: u32,
    config_file: Option<Arc<ConfigFile>>,
    /// What `orgplan.toml` sets.
    file_layer: Layer,
    /// Rule levels from the command line.
    overrides: BTreeMap<String, Level>,
    /// What the editor's settings set.
    editor_layer: Layer,
    analysis: Option<Arc<Analysis>>,
    /// Did-you-mean suggestions, kept across analyses while the ids stay.
    suggestions: Arc<crate::suggest::Memo>,
    /// The pieces whole formatting found canonical last time.
    format_memo: Arc<crate::format::Memo>,
    max_findings_per_file: Option<usize>,
    /// The files whose findings may have changed since
    /// [`Workspace::take_changed_files`] was last called (`None`: any).
    changed: Option<BTreeSet<FileId>>,
}

/// How a file becomes a whole new text ([`Workspace::replacement`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replacement {
    /// The text is the file's.
    Same,
    /// Replace this range of the file's text with this range of the new.
    Edit(TextRange, std::ops::Range<usize>),
    /// Set the new text whole.
    Whole,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    fn alloc_id(&mut self) -> FileId {
        let id = FileId(self.next_id);
        self.next_id += 1;
        id
    }

    /// Adds or replaces the file at `path`, parsing it from scratch.
    pub fn set_file(&mut self, path: &str, text: impl Into<Text>) -> FileId {
        let text = text.into();
        let id = match self.by_path.get(path) {
            Some(&id) => id,
            None => {
                let id = self.alloc_id();
                self.by_path.insert(path.to_string(), id);
                id
            }
        };
        self.files
            .insert(id, Arc::new(SourceFile::new(path.to_string(), text)));
        self.invalidate();
        id
    }

    /// Sets the whole text of the file at `path`, as [`Workspace::set_file`]
    /// does, but for a file already here whose text differs from `text` in
    /// one part small beside the file, edits only that part
    /// ([`Workspace::replacement`]): a client that sends the whole text at
    /// each keystroke, or a file that changed a little on disk, costs what
    /// the edit costs, not a parse of the file and an analysis of the
    /// workspace. The result is the same either way.
    pub fn replace_file(&mut self, path: &str, text: String) -> FileId {
        let Some(&id) = self.by_path.get(path) else {
            return self.set_file(path, text);
        };
        match self.replacement(id, &text) {
            Replacement::Same => id,
            Replacement::Edit(range, with) => {
                self.edit_file(id, range, &text[with]);
                id
            }
            Replacement::Whole => self.set_file(path, text),
        }
    }

    /// How file `id` becomes `text`: as it is, by one edit (the part of its
    /// text to replace, and the part of `text` to put there), or by a
    /// fresh parse when what the edit takes out and puts in is more than a
    /// quarter of the two texts' length (an edit of much of a file
    /// re-parses as much, and moves or re-checks most of its entities
    /// besides). A file not here is set whole.
    pub fn replacement(&self, id: FileId, text: &str) -> Replacement {
        let Some(file) = self.files.get(&id) else {
            return Replacement::Whole;
        };
        match file.text.difference(text) {
            None => Replacement::Same,
            Some((range, with))
                if (range.len() + with.len()) * 4 <= file.text.len() + text.len() =>
            {
                Replacement::Edit(range, with)
            }
            Some(_) => Replacement::Whole,
        }
    }

    /// Replaces `range` of a file's text with `new_text`, reparsing only the
    /// chunks the edit touches ([`chunks`]). Ranges outside the text or not
    /// on character boundaries are clamped to the nearest valid ones.
    pub fn edit_file(&mut self, id: FileId, range: TextRange, new_text: &str) {
        let Some(file) = self.files.get_mut(&id).map(Arc::make_mut) else {
            return;
        };
        let start = file.text.floor_char_boundary(range.start());
        let end = file.text.floor_char_boundary(range.end().max(start));
        // From where on (before the edit) places keep their line and
        // column: the start of the line after the one the edit ends on,
        // when the edit leaves as many lines as before (else nowhere).
        let lines = file.text.len_lines();
        let kept_from = file.text.line_start(file.text.line_of(end) + 1);
        file.text.replace(start, end, new_text);
        let kept_from = kept_from
            .filter(|_| file.text.len_lines() == lines)
            .unwrap_or(usize::MAX);
        let reparsed = file
            .parsed
            .edit(&file.text, TextRange::new(start, end), new_text.len());
        let shift = Shift {
            file: id,
            start,
            old_end: end,
            delta: new_text.len() as isize - (end - start) as isize,
        };
        if !self.update(id, shift, reparsed, kept_from) {
            self.invalidate();
        }
    }

    /// Brings the cached analysis up to date after an edit of `file`, if
    /// there is one and the edit allows it ([`incremental`]). An analysis
    /// a snapshot still holds is copied first: the snapshot keeps the old.
    fn update(
        &mut self,
        file: FileId,
        shift: Shift,
        reparsed: crate::chunks::Reparsed,
        kept_from: usize,
    ) -> bool {
        let config = self.config();
        let Some(analysis) = self.analysis.as_mut().map(Arc::make_mut) else {
            return false;
        };
        // The findings are shared with the parts, which are shifted in place
        // only when nothing else holds them: the edited file's are let go
        // (they are gathered again after the update); those of the other
        // files stay (a shift moves only the few that name a place in the
        // edited file, and those are shifted in the list too).
        let mut kept = std::mem::take(&mut analysis.findings);
        kept.drain(analysis.runs.get(file));
        analysis.runs.resize(file, 0);
        let rank = file_rank(&self.by_path, self.next_id);
        let (docs, lag) = docs_with_lagging(&mut self.files, file, &rank);
        let input = incremental::Input {
            config: &config,
            docs: &docs,
            lag,
            config_errors: config_errors_of(&self.config_file),
            memo: Some(&self.suggestions),
            file,
            shift,
            reparsed,
            lent: incremental::Lent::new(&mut kept, &analysis.runs, &analysis.omitted),
        };
        let mut changed = incremental::Changed::default();
        if !incremental::update(
            &mut analysis.model,
            &mut analysis.parts,
            input,
            &mut changed,
        ) {
            return false;
        }
        analysis.findings = analysis.parts.reassemble(
            &analysis.model,
            kept,
            &mut analysis.runs,
            &mut analysis.omitted,
            &changed,
            self.max_findings_per_file,
        );
        if let Some(all) = &mut self.changed {
            all.extend(changed.files_shown(&shift, kept_from));
        }
        true
    }

    /// The pieces of `file` whose canonical layout differs from their text,
    /// formatted top-level block by block ([`crate::format::format_changes`],
    /// its tokens read from the file's document), the pieces the last
    /// request found canonical (in any file) not laid out again. `None` when
    /// a piece cannot be formatted.
    pub fn format_file(&self, file: FileId) -> Option<Vec<(TextRange, String)>> {
        let f = self.files.get(&file)?;
        crate::format::format_changes(&f.text, &f.parsed, Some(&self.format_memo))
    }

    /// Forgets the file at `path`.
    pub fn remove_file(&mut self, path: &str) -> Option<FileId> {
        let id = self.by_path.remove(path)?;
        self.files.remove(&id);
        self.invalidate();
        Some(id)
    }

    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied().or_else(|| {
            self.config_file
                .as_ref()
                .filter(|c| c.path == path)
                .map(|c| c.id)
        })
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(&id).map(|f| &**f)
    }

    /// The plan files, in a stable order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().map(|(id, f)| (*id, &**f))
    }

    /// The path of any file, plan or configuration.
    pub fn path(&self, id: FileId) -> Option<&str> {
        match self.files.get(&id) {
            Some(f) => Some(&f.path),
            None => self
                .config_file
                .as_ref()
                .filter(|c| c.id == id)
                .map(|c| c.path.as_str()),
        }
    }

    /// The text of any file, plan or configuration.
    pub fn text(&self, id: FileId) -> Option<&Text> {
        match self.files.get(&id) {
            Some(f) => Some(&f.text),
            None => self
                .config_file
                .as_ref()
                .filter(|c| c.id == id)
                .map(|c| &c.text),
        }
    }

    /// The text of any file, plan or configuration, with its lines: what
    /// positions are converted in ([`crate::position`]).
    pub fn lines(&self, id: FileId) -> Option<Lines<'_>> {
        self.text(id).map(Lines::new)
    }

    /// Sets (or, with `None`, removes) the workspace's `orgplan.toml`.
    pub fn set_config_file(&mut self, file: Option<(&str, String)>) -> Option<FileId> {
        self.invalidate();
        match file {
            None => {
                self.config_file = None;
                self.file_layer = Layer::default();
                None
            }
            Some((path, text)) => {
                let id = match &self.config_file {
                    Some(c) if c.path == path => c.id,
                    _ => self.alloc_id(),
                };
                let (layer, errors) = config::parse(&text);
                self.file_layer = layer;
                self.config_file = Some(Arc::new(ConfigFile {
                    id,
                    path: path.to_string(),
                    text: Text::new(&text),
                    errors,
                }));
                Some(id)
            }
        }
    }

    /// Rule levels that win over `orgplan.toml` (from the command line).
    pub fn set_rule_overrides(&mut self, levels: BTreeMap<String, Level>) {
        self.overrides = levels;
        self.invalidate();
    }

    /// Settings from the editor: used where `orgplan.toml` says nothing.
    pub fn set_editor_layer(&mut self, layer: Layer) {
        if self.editor_layer != layer {
            self.editor_layer = layer;
            self.invalidate();
        }
    }

    /// The configuration in force: the defaults, then what the editor's
    /// settings set, then what `orgplan.toml` sets (whatever value it
    /// writes, the default's included), then the command line's levels.
    pub fn config(&self) -> Config {
        let mut c = Config::default();
        c.apply(&self.editor_layer);
        c.apply(&self.file_layer);
        c.rules
            .extend(self.overrides.iter().map(|(k, v)| (k.clone(), *v)));
        c
    }

    /// The files whose findings, as a client shows them (by line and
    /// column), may differ from those of the analysis current when this
    /// was last called: after edits analysed incrementally, the edited
    /// files and those their edits reached (a file whose findings only
    /// moved by bytes, their lines and columns kept, is not one of them);
    /// `None` (any file) after anything else. A caller that republishes
    /// findings republishes these alone.
    pub fn take_changed_files(&mut self) -> Option<BTreeSet<FileId>> {
        self.changed.replace(BTreeSet::new())
    }

    /// Forgets the cached analysis (freed in the background).
    fn invalidate(&mut self) {
        self.changed = None;
        if let Some(old) = self.analysis.take() {
            drop_later(old);
        }
    }

    /// The analysis of the workspace as it is now; cached until a change.
    pub fn analysis(&mut self) -> Arc<Analysis> {
        if let Some(a) = &self.analysis {
            return a.clone();
        }
        let a = Arc::new(self.analyze());
        self.analysis = Some(a.clone());
        self.changed = None;
        a
    }

    fn analyze(&self) -> Analysis {
        let rank = file_rank(&self.by_path, self.next_id);
        let docs = docs_of(&self.files, &rank);
        let model = Model::build_in_order(docs.iter().map(|(id, d, _)| (*id, *d)), rank);
        let config = self.config();
        let ctx = Ctx {
            model: &model,
            config: &config,
            docs: &docs,
            lag: None,
            config_errors: config_errors_of(&self.config_file),
            memo: Some(&self.suggestions),
            facts: Default::default(),
        };
        let ids = model.ids_fingerprint();
        self.suggestions.validate(ids);
        let parts = Parts::compute(&ctx, ids);
        let (findings, omitted) = parts.assemble(self.max_findings_per_file);
        Analysis {
            model,
            runs: incremental::Runs::of(&findings),
            findings,
            omitted,
            parts,
        }
    }

    /// Keeps at most `max` findings per file in analyses from now on (the
    /// most severe, then the first); [`Analysis::omitted`] counts the rest.
    /// `None` (the default) keeps them all. The language server caps, so
    /// that a pathological file cannot flood an editor.
    pub fn set_max_findings_per_file(&mut self, max: Option<usize>) {
        self.max_findings_per_file = max;
        self.invalidate();
    }
}

/// Each file's place in the order of the paths, by file id: the
/// workspace's order, whatever order the files were added in
/// ([`Model::build_in_order`]).
fn file_rank(by_path: &BTreeMap<String, FileId>, next_id: u32) -> Vec<u32> {
    let mut rank = vec![u32::MAX; next_id as usize];
    for (k, id) in by_path.values().enumerate() {
        if let Some(r) = rank.get_mut(id.0 as usize) {
            *r = k as u32;
        }
    }
    rank
}

/// Each file with its lowered document and text, as the rules read them,
/// in the workspace's order (`rank`: by file id, the order of their paths).
fn docs_of<'a>(
    files: &'a BTreeMap<FileId, Arc<SourceFile>>,
    rank: &[u32],
) -> Vec<(FileId, &'a Document, &'a Text)> {
    let mut docs: Vec<_> = files
        .iter()
        .map(|(id, f)| (*id, f.doc(), &f.text))
        .collect();
    in_order(&mut docs, rank);
    docs
}

/// Sorts documents into the workspace's order (nothing to do when the
/// files' ids are in it, as when they were added in the order of paths).
fn in_order<A, B>(docs: &mut [(FileId, A, B)], rank: &[u32]) {
    let of = |id: FileId| rank.get(id.0 as usize).copied().unwrap_or(u32::MAX);
    if docs.windows(2).any(|w| of(w[0].0) > of(w[1].0)) {
        docs.sort_by_key(|d| of(d.0));
    }
}

/// [`docs_of`] for the incremental analysis after an edit of `edited`:
/// that file's document as the edit left it, its blocks after the edit
/// perhaps not yet moved ([`Parsed::lagging`]; the analysis reads only the
/// re-parsed blocks and the errors of it), and how far they lag.
#[allow(clippy::type_complexity)]
fn docs_with_lagging<'a>(
    files: &'a mut BTreeMap<FileId, Arc<SourceFile>>,
    edited: FileId,
    rank: &[u32],
) -> (
    Vec<(FileId, &'a Document, &'a Text)>,
    Option<(FileId, usize, isize)>,
) {
    let mut lag = None;
    let mut docs: Vec<_> = files
        .iter_mut()
        .map(|(id, f)| {
            // The edit made the file its own (`Arc::make_mut`).
            if *id == edited && Arc::get_mut(f).is_some() {
                let SourceFile { text, parsed, .. } = Arc::get_mut(f).expect("just checked");
                let (doc, l) = parsed.lagging();
                lag = l.map(|(from, delta)| (*id, from, delta));
                (*id, doc, &*text)
            } else {
                let f: &SourceFile = f;
                (*id, f.doc(), &f.text)
            }
        })
        .collect();
    in_order(&mut docs, rank);
    (docs, lag)
}

/// The configuration file's errors, with its id.
fn config_errors_of(c: &Option<Arc<ConfigFile>>) -> Option<(FileId, &[ConfigError])> {
    c.as_ref().map(|c| (c.id, c.errors.as_slice()))
}

/// Drops `value` on a background thread: freeing the analysis of a large
/// plan takes milliseconds that a keystroke should not wait for. Without a
/// thread (if one cannot be started), drops it here.
fn drop_later<T: Send + 'static>(value: T) {
    // WebAssembly (wasm32-wasip1) has no threads.
    #[cfg(target_family = "wasm")]
    drop(value);
    #[cfg(not(target_family = "wasm"))]
    {
        use std::sync::mpsc::{channel, Sender};
        use std::sync::OnceLock;
        static DROPPER: OnceLock<Option<Sender<Box<dyn Send>>>> = OnceLock::new();
        let tx = DROPPER.get_or_init(|| {
            let (tx, rx) = channel::<Box<dyn Send>>();
            std::thread::Builder::new()
                .name("orgplan-drop".into())
                .spawn(move || rx.into_iter().for_each(drop))
                .ok()?;
            Some(tx)
        });
        if let Some(tx) = tx {
            // If the thread is gone, `send` hands the value back and it drops here.
            let _ = tx.send(Box::new(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(teams: usize) -> String {
        let mut s = String::from("leader lee \"Lee\" {\n  allocation: 100%\n}\n");
        for i in 0..teams {
            s += &format!("team t{i} \"T{i}\" {{\n  reports_to: lee\n}}\n");
        }
        s
    }

    /// A whole text that differs from the file's by a keystroke is applied
    /// as that keystroke: the analysis is brought up to date, not made
    /// again (only the edited file is named changed). One that differs in
    /// most of its length is set whole.
    #[test]
    fn a_whole_text_a_keystroke_away_is_applied_as_the_keystroke() {
        let mut ws = Workspace::new();
        let old = plan(200);
        let id = ws.set_file("p.orgplan", old.clone());
        ws.set_file("q.orgplan", plan(3).replace("lee", "lea"));
        ws.analysis();
        ws.take_changed_files();
        let at = old.find("t17 ").unwrap() + 3;
        let mut new = old.clone();
        new.insert(at, 'x');
        assert_eq!(
            ws.replacement(id, &new),
            Replacement::Edit(TextRange::new(at, at), at..at + 1)
        );
        assert_eq!(ws.replacement(id, &old), Replacement::Same);
        assert_eq!(
            ws.replacement(id, &old.replace("team", "TEAM")),
            Replacement::Whole
        );
        assert_eq!(ws.replacement(FileId(99), &old), Replacement::Whole);
        assert_eq!(ws.replace_file("p.orgplan", new.clone()), id);
        ws.analysis();
        assert_eq!(ws.take_changed_files(), Some(BTreeSet::from([id])));
        assert_eq!(ws.text(id).unwrap().to_string(), new);
        // Set whole: every file may have changed.
        ws.replace_file("p.orgplan", plan(20));
        ws.analysis();
        assert_eq!(ws.take_changed_files(), None);
    }

    /// Each word typed on the way to an id is remembered with its
    /// suggestion while a reference names nothing with it; once none does,
    /// the next keystroke that renames an id forgets it instead of
    /// correcting it (each rename corrected every word ever typed).
    #[test]
    fn words_typed_and_gone_are_forgotten_at_the_next_rename() {
        let mut ws = Workspace::new();
        let text = format!(
            "initiative i \"I\" {{\n  leader: lee\n  teams: t1\n}}\n{}",
            plan(50)
        );
        let id = ws.set_file("p.orgplan", text.clone());
        ws.analysis();
        let at = text.find("teams: t1").unwrap() + "teams: t1".len();
        for (k, c) in ["x", "y", "z", "w"].into_iter().enumerate() {
            ws.edit_file(id, TextRange::empty(at + k), c);
            ws.analysis();
        }
        for k in (0..4).rev() {
            ws.edit_file(id, TextRange::new(at + k, at + k + 1), "");
            ws.analysis();
        }
        assert!(ws.suggestions.len() >= 4, "{}", ws.suggestions.len());
        // `t7` renamed `t7q`: nothing names it, and nothing names nothing.
        let decl = text.find("team t7 ").unwrap() + "team t7".len();
        ws.edit_file(id, TextRange::empty(decl), "q");
        let findings = ws.analysis().findings.clone();
        assert_eq!(ws.suggestions.len(), 0);
        assert!(findings.iter().all(|f| f.rule != "undefined-reference"));
    }
}
