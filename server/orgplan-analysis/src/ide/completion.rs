//! Completion that knows the org: leaders after `leader:` (free ones first),
//! teams after `teams:` (unassigned first), the right kinds after
//! `reports_to:`, `owner:`, `approvals:` and `depends_on`, keys per block
//! kind, enum values, roles, and snippets for new blocks. Works on the text
//! around the cursor, so it copes with the half-typed lines it is asked about.

use super::{decl_at, is_ident_char, ref_kind, snippet};
use crate::model::{EntityId, Model, RefKind};
use crate::schema::{self, BlockKind, PropertySpec, ValueType};
use crate::syntax::Block;
use crate::text::{FileId, Loc, TextRange};
use crate::{Analysis, Workspace};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Leader,
    Team,
    Property,
    Value,
    Role,
    Snippet,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: ItemKind,
    /// A short note beside the label (what a leader leads, a team's initiative).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    pub sort_text: String,
    /// What replaces `range`.
    pub insert: String,
    /// Whether `insert` is a snippet (`${1:…}` placeholders).
    pub snippet: bool,
    /// Whether the editor should list completions again once this item is
    /// in (a key whose values can be listed).
    pub retrigger: bool,
    pub range: TextRange,
}

/// Where the cursor stands.
#[derive(Debug, PartialEq)]
enum Context {
    /// After `key:` or `key: a, `; the values already written.
    Value {
        key: String,
        written: Vec<String>,
    },
    /// After `depends_on `.
    DependsOn,
    /// At the start of a statement.
    Statement,
    None,
}

fn prev_char(text: &str, i: usize) -> Option<(usize, char)> {
    text[..i].char_indices().next_back()
}

fn skip_back(text: &str, mut i: usize, newlines: bool) -> usize {
    while let Some((j, c)) = prev_char(text, i) {
        if c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r')) {
            i = j;
        } else {
            break;
        }
    }
    i
}

fn ident_back(text: &str, mut i: usize) -> usize {
    while let Some((j, c)) = prev_char(text, i) {
        if is_ident_char(c) {
            i = j;
        } else {
            break;
        }
    }
    i
}

/// Whether `offset` is inside a string or a comment on its line.
fn in_string_or_comment(line: &str) -> bool {
    let mut in_str = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
        } else if c == '"' {
            in_str = true;
        } else if c == '#' {
            return true;
        }
    }
    in_str
}

fn context(text: &str, start: usize) -> Context {
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_before = &text[line_start..start];
    let mut i = skip_back(text, start, false);
    let mut written = Vec::new();
    loop {
        match prev_char(text, i) {
            Some((j, ':')) => {
                let k_end = skip_back(text, j, false);
                let k_start = ident_back(text, k_end);
                if k_start == k_end {
                    return Context::None;
                }
                written.reverse();
                return Context::Value {
                    key: text[k_start..k_end].to_string(),
                    written,
                };
            }
            Some((j, ',')) => {
                let v_end = skip_back(text, j, true);
                let v_start = ident_back(text, v_end);
                if v_start < v_end {
                    written.push(text[v_start..v_end].to_string());
                    i = skip_back(text, v_start, false);
                } else if let Some((q, '"')) = prev_char(text, v_end) {
                    // A string value: skip back to its opening quote.
                    match text[..q].rfind('"') {
                        Some(open) => i = skip_back(text, open, false),
                        None => return Context::None,
                    }
                } else {
                    // A number or a percentage.
                    let mut k = v_end;
                    while let Some((j, c)) = prev_char(text, k) {
                        if c.is_ascii_digit() || c == '.' || c == '%' || c == '-' {
                            k = j;
                        } else {
                            break;
                        }
                    }
                    if k == v_end {
                        return Context::None;
                    }
                    i = skip_back(text, k, false);
                }
            }
            _ => break,
        }
    }
    let w_end = skip_back(text, start, false);
    let w_start = ident_back(text, w_end);
    if &text[w_start..w_end] == "depends_on" && w_end < start {
        return Context::DependsOn;
    }
    let trimmed = line_before.trim();
    if trimmed.is_empty() || trimmed.ends_with('{') || trimmed.ends_with('}') {
        return Context::Statement;
    }
    Context::None
}

/// The open braces before `offset`, outermost first (strings and comments skipped).
fn open_braces(text: &str, from: usize, offset: usize) -> Vec<usize> {
    let mut stack = Vec::new();
    let mut in_str = false;
    let mut escaped = false;
    let mut in_comment = false;
    for (i, c) in text[from..offset].char_indices() {
        let i = from + i;
        if in_comment {
            if c == '\n' || c == '\r' {
                in_comment = false;
            }
        } else if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_str = false,
                _ => {}
            }
        } else {
            match c {
                '"' => in_str = true,
                '#' => in_comment = true,
                '{' => stack.push(i),
                '}' => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    stack
}

/// The enclosing blocks' (kind, id, lowered block if found), outermost
/// first. `text` is the file's text from `base` on.
fn enclosing<'a>(
    doc_blocks: &'a [Block],
    text: &str,
    base: usize,
    braces: &[usize],
) -> Vec<(Option<BlockKind>, Option<String>, Option<&'a Block>)> {
    let mut out = Vec::new();
    let mut level: &[Block] = doc_blocks;
    for &brace in braces {
        let found = level
            .iter()
            .find(|b| b.body.is_some_and(|body| body.start() == brace));
        match found {
            Some(b) => {
                out.push((
                    BlockKind::from_keyword(&b.kind.text),
                    b.name.as_ref().map(|n| n.text.to_string()),
                    Some(b),
                ));
                level = &b.children;
            }
            None => {
                // Read the head from the text: `KIND id "Title" {`.
                let brace = brace - base;
                let head_start = text[..brace]
                    .rfind(['\n', '\r', '{', '}'])
                    .map_or(0, |i| i + 1);
                let mut words = text[head_start..brace].split_whitespace();
                let kind = words.next().and_then(BlockKind::from_keyword);
                let name = words
                    .next()
                    .filter(|w| w.chars().all(is_ident_char))
                    .map(String::from);
                out.push((kind, name, None));
                level = &[];
            }
        }
    }
    out
}

pub fn completions(
    ws: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Completions {
    let Some(text) = ws.text(file) else {
        return Completions::default();
    };
    let Some(src) = ws.file(file) else {
        return Completions::default();
    };
    let offset = text.floor_char_boundary(offset);
    // What is read is the text before the cursor, from the start of the
    // chunk before the cursor's ([`crate::chunks`]): the words before it on
    // its line or the lines of its property, and the braces open at it.
    let chunks = &src.parsed.chunks;
    let chunk_at = |x: usize| chunks.partition_point(|c| c.start <= x).saturating_sub(1);
    let base = chunks
        .get(chunk_at(offset).saturating_sub(1))
        .map_or(0, |c| c.start);
    let window = text.slice(base..offset);
    let text: &str = &window;
    let start = ident_back(text, offset - base);
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if in_string_or_comment(&text[line_start..start]) {
        return Completions::default();
    }
    let range = TextRange::new(base + start, offset);
    // After `key:` with no space, values get one.
    let pad = match prev_char(text, start) {
        Some((_, ':' | ',')) => " ",
        _ => "",
    };
    // Braces open at the cursor: counted from the start of its chunk, where
    // the parser starts afresh too.
    let chunk_start = chunks.get(chunk_at(base + start)).map_or(0, |c| c.start);
    let braces: Vec<usize> = open_braces(text, chunk_start - base, start)
        .into_iter()
        .map(|b| b + base)
        .collect();
    let blocks = enclosing(&src.doc().blocks, text, base, &braces);
    let m = &analysis.model;
    let mut out = Completions::default();
    let items = &mut out.items;
    let typed = &text[start..];
    let innermost = blocks.last();
    let current = |kind: BlockKind| entity_in(analysis, file, &blocks, kind);
    match context(text, start) {
        Context::Value { key, written } => {
            let kind = innermost.and_then(|(k, _, _)| *k);
            let Some(spec) = property_spec(kind, &key) else {
                return out;
            };
            value_items(
                ws, analysis, spec, &current, &written, range, pad, typed, &mut out,
            );
        }
        Context::DependsOn => {
            let at = Loc::new(file, TextRange::empty(offset));
            let cands = dependency_candidates(m, current(BlockKind::Team), at);
            entity_items(m, cands, typed, range, pad, &mut out);
        }
        Context::Statement => match innermost {
            None => {
                for kind in BlockKind::top_level() {
                    items.push(block_snippet(m, kind, range, None));
                }
            }
            Some((Some(kind), _, block)) => {
                statement_items(m, *kind, *block, current(BlockKind::Team), range, items);
            }
            Some((None, _, _)) => {}
        },
        Context::None => {}
    }
    out.items
        .sort_by(|a, b| (&a.sort_text, &a.label).cmp(&(&b.sort_text, &b.label)));
    out
}

/// The innermost of the `blocks` around the cursor that is of `kind`, as
/// the entity it declares.
fn entity_in(
    analysis: &Analysis,
    file: FileId,
    blocks: &[(Option<BlockKind>, Option<String>, Option<&Block>)],
    kind: BlockKind,
) -> Option<EntityId> {
    let (_, name, b) = blocks.iter().rev().find(|(k, _, _)| *k == Some(kind))?;
    let n = (*b)?.name.as_ref()?;
    decl_at(analysis, file, name.as_deref()?, n.range)
}

/// The property `key` of a block of `kind`; in a block of no known kind,
/// of the first kind that has it.
fn property_spec(kind: Option<BlockKind>, key: &str) -> Option<&'static PropertySpec> {
    match kind {
        Some(k) => k.spec().property(key),
        None => BlockKind::ALL.iter().find_map(|k| k.spec().property(key)),
    }
}

/// The teams a `depends_on` may name: not the team itself, nor one it
/// depends on already (left out by name: [`Candidates::written`]). The
/// dependency being typed (its name touches the cursor, `at`) is no
/// dependency the team has yet: while `depends_on pay` is typed, the team
/// `pay` is still offered, or it would leave the list the moment its whole
/// name is typed.
fn dependency_candidates(m: &Model, me: Option<EntityId>, at: Loc) -> Candidates<'_> {
    let typed = |r: &crate::model::Reference| {
        r.loc.file == at.file && r.loc.range.touches(at.range.start())
    };
    let written = match me {
        Some(EntityId::Team(t)) => m.teams[t]
            .dependencies
            .iter()
            .filter(|d| !typed(&d.target))
            .map(|d| d.target.name.as_str())
            .collect(),
        _ => Vec::new(),
    };
    let group = move |e: EntityId| match e {
        EntityId::Team(_) if Some(e) != me => Some(0),
        _ => None,
    };
    let count = m.teams.len() - usize::from(matches!(me, Some(EntityId::Team(_))));
    Candidates {
        group: Box::new(group),
        count,
        teams: true,
        written,
    }
}

/// What may start a line in a block of `kind`: the keys it does not set
/// yet, then the blocks it may hold.
fn statement_items(
    m: &Model,
    kind: BlockKind,
    block: Option<&Block>,
    team: Option<EntityId>,
    range: TextRange,
    items: &mut Vec<CompletionItem>,
) {
    let present: Vec<&str> = block.map_or(Vec::new(), |b| {
        b.properties.iter().map(|p| p.key.text.as_str()).collect()
    });
    for (i, p) in kind.spec().properties.iter().enumerate() {
        if present.contains(&p.name) {
            continue;
        }
        items.push(CompletionItem {
            label: p.name.to_string(),
            kind: ItemKind::Property,
            detail: Some(p.ty.describe().to_string()),
            documentation: Some(p.doc.to_string()),
            sort_text: format!("0{i:02}"),
            insert: format!("{}: ", p.name),
            snippet: false,
            // The values come next: the editor lists them.
            retrigger: has_value_items(p.ty),
            range,
        });
    }
    for child in kind.spec().children {
        let mut item = block_snippet(m, *child, range, team);
        item.sort_text = format!("1{}", child.keyword());
        items.push(item);
    }
}

/// The most leaders or teams one completion lists. A plan has thousands;
/// past this many, those that match what is typed so far come first and
/// the list says it is incomplete, so the editor asks again as the user
/// types.
pub const MAX_ENTITY_ITEMS: usize = 100;

/// Whether `word`'s characters appear in `label` in order (ignoring case),
/// as editors filter completion lists.
fn matches_typed(label: &str, word: &str) -> bool {
    let mut chars = label.chars().map(|c| c.to_ascii_lowercase());
    word.chars()
        .map(|c| c.to_ascii_lowercase())
        .all(|w| chars.any(|c| c == w))
}

/// The leaders and teams a reference may name, and how each sorts.
struct Candidates<'a> {
    /// The sort group of an entity that is a candidate (0 sorts first), or
    /// `None`. Asked only of an entity that may get into the list.
    group: Box<dyn Fn(EntityId) -> Option<u8> + 'a>,
    /// How many entities are candidates.
    count: usize,
    /// Whether teams are: when not, the leaders are walked in the model's
    /// order instead of every id of the workspace (a tenth as many).
    teams: bool,
    /// The ids written already in the place: not offered again.
    written: Vec<&'a str>,
}

impl Candidates<'_> {
    /// How many candidates are not written already: those the written ids
    /// declare are counted out.
    fn fresh(&self, m: &Model) -> usize {
        let mut ids = self.written.clone();
        ids.sort_unstable();
        ids.dedup();
        let named = ids
            .iter()
            .flat_map(|id| m.declarations(id))
            .filter(|e| (self.group)(*e).is_some())
            .count();
        self.count - named
    }
}

/// Items for candidate leaders and teams: the best [`MAX_ENTITY_ITEMS`]
/// by sort group and id, of those not written already and, when there are
/// more than that, of those matching `typed`. Where teams are candidates,
/// the ids are read where the model keeps them by id ([`Model::ids`]), not
/// in each candidate's declaration (a leader-only key walks the leaders,
/// a tenth as many), and a candidate's group is used only when its id may
/// get it in ([`first_distinct`]): in a workspace of a hundred thousand
/// teams, a `depends_on` read every team's declaration, 16 ms a request
/// (5.5 now: BENCHMARKS.md, "7 Dec (twenty-sixth session)").
fn entity_items(
    m: &Model,
    cands: Candidates,
    typed: &str,
    range: TextRange,
    pad: &str,
    out: &mut Completions,
) {
    let many = cands.fresh(m) > MAX_ENTITY_ITEMS;
    out.incomplete |= many;
    let filter = many && !typed.is_empty();
    let written = &cands.written;
    let listed = |id: &str| !written.contains(&id) && (!filter || matches_typed(id, typed));
    let declared = || -> Box<dyn Iterator<Item = (&str, EntityId)>> {
        if cands.teams {
            Box::new(
                m.declared()
                    .flat_map(|(id, es)| es.map(move |e| (id.as_str(), e))),
            )
        } else {
            Box::new(
                (m.leaders.iter().enumerate())
                    .map(|(l, leader)| (leader.decl.id.as_str(), EntityId::Leader(l))),
            )
        }
    };
    let best = first_distinct(declared, &cands.group, 0, listed, MAX_ENTITY_ITEMS);
    for (sort, _, e) in best {
        let detail = match e {
            EntityId::Leader(l) => leader_detail(m, l),
            EntityId::Team(t) => team_detail(m, t),
            EntityId::Initiative(_) => continue,
        };
        out.items.push(entity_item(m, e, sort, detail, range, pad));
    }
}

/// The first `n` of the `entries` (an id and what declares it) that
/// `listed` takes and that have a `group`, by group, id and entity, an id
/// given more than once (a duplicate-definition) kept once, in its best
/// group: what a sort of them all and dropping the ids seen gives, without
/// sorting them all. One pass keeps the first `n` seen so far in a
/// max-heap: an entry later than the heap's last costs one comparison, and
/// most are (a completion in a workspace of 140,000 teams once sorted every
/// one of them, 11–22 ms p50; then `select_nth_unstable` moved and compared
/// each item a few times, half of a ten-file completion: BENCHMARKS.md, "5
/// Dec (thirteenth session)"). An entry that would come after the heap's
/// last even in the `least` group is passed over before its group is
/// worked out. The kept ones are sorted and deduplicated; if duplicates
/// leave fewer than `n`, twice as many are kept.
fn first_distinct<'a, E: Ord + Copy, G: Ord + Copy, I: Iterator<Item = (&'a str, E)>>(
    entries: impl Fn() -> I,
    group: impl Fn(E) -> Option<G>,
    least: G,
    listed: impl Fn(&str) -> bool,
    n: usize,
) -> Vec<(G, &'a str, E)> {
    let mut take = n.max(1);
    loop {
        let mut heap: std::collections::BinaryHeap<(G, &str, E)> =
            std::collections::BinaryHeap::with_capacity(take + 1);
        for (id, e) in entries() {
            let full = heap.len() >= take;
            if full && heap.peek().is_some_and(|last| (least, id, e) >= *last) {
                continue;
            }
            if !listed(id) {
                continue;
            }
            let Some(g) = group(e) else { continue };
            let k = (g, id, e);
            if !full {
                heap.push(k);
            } else if let Some(mut last) = heap.peek_mut().filter(|last| k < **last) {
                *last = k;
            }
        }
        // Every entry taken is in the heap: doubling would keep no more.
        let all = heap.len() < take;
        let mut seen = std::collections::HashSet::new();
        let chosen: Vec<(G, &str, E)> = heap
            .into_sorted_vec()
            .into_iter()
            .filter(|k| seen.insert(k.1))
            .take(n)
            .collect();
        if chosen.len() >= n || all {
            return chosen;
        }
        take = take.saturating_mul(2);
    }
}

/// Whether completion has values to list after a key of type `ty`.
fn has_value_items(ty: ValueType) -> bool {
    ref_kind(ty).is_some() || matches!(ty, ValueType::Enum(_) | ValueType::Bool | ValueType::Roles)
}

/// What a completion request gets.
#[derive(Debug, Default)]
pub struct Completions {
    pub items: Vec<CompletionItem>,
    /// More items exist than are listed: ask again as the user types.
    pub incomplete: bool,
}

fn leader_detail(m: &Model, l: usize) -> String {
    let led: Vec<&str> = m
        .led_by(l)
        .map(|i| m.initiatives[i].decl.id.as_str())
        .collect();
    let pct = m.leaders[l].allocation_percent();
    let mut s = if led.is_empty() {
        "leader · free".to_string()
    } else {
        format!("leader · leads {}", led.join(", "))
    };
    if pct < 100.0 {
        s.push_str(&format!(" · {pct}%"));
    }
    s
}

fn team_detail(m: &Model, t: usize) -> String {
    let on: Vec<&str> = m
        .team_initiatives(t)
        .map(|i| m.initiatives[i].decl.id.as_str())
        .collect();
    if m.teams[t].functional {
        "team · functional".to_string()
    } else if on.is_empty() {
        "team · unassigned".to_string()
    } else {
        format!("team · on {}", on.join(", "))
    }
}

fn entity_item(
    m: &Model,
    e: EntityId,
    sort: u8,
    detail: String,
    range: TextRange,
    pad: &str,
) -> CompletionItem {
    let d = m.decl(e);
    CompletionItem {
        label: d.id.to_string(),
        kind: if matches!(e, EntityId::Leader(_)) {
            ItemKind::Leader
        } else {
            ItemKind::Team
        },
        detail: Some(detail),
        documentation: d.title.as_ref().map(|t| t.to_string()),
        sort_text: format!("{sort}{}", d.id),
        insert: format!("{pad}{}", d.id),
        snippet: false,
        retrigger: false,
        range,
    }
}

#[allow(clippy::too_many_arguments)]
fn value_items(
    ws: &Workspace,
    analysis: &Analysis,
    spec: &PropertySpec,
    current: &dyn Fn(BlockKind) -> Option<EntityId>,
    written: &[String],
    range: TextRange,
    pad: &str,
    typed: &str,
    out: &mut Completions,
) {
    let m = &analysis.model;
    let fresh = |id: &str| !written.iter().any(|w| w == id);
    let Some(rk) = ref_kind(spec.ty) else {
        literal_items(ws, spec.ty, range, pad, &fresh, &mut out.items);
        return;
    };
    let me = Here {
        initiative: current(BlockKind::Initiative),
        team: current(BlockKind::Team),
        leader: current(BlockKind::Leader),
    };
    let written = written.iter().map(String::as_str).collect();
    let cands = reference_candidates(m, rk, spec.name, &me, written);
    entity_items(m, cands, typed, range, pad, out);
}

/// The entities the cursor is in.
struct Here {
    initiative: Option<EntityId>,
    team: Option<EntityId>,
    leader: Option<EntityId>,
}

/// What a reference of kind `rk` in `key` may name, with how each sorts:
/// a leader free to lead first, one who manages the team first as an
/// owner; a team on no other initiative first, functional teams last.
/// Only what a key's groups ask is read (most keys put every team in one
/// group, which reads no team).
fn reference_candidates<'a>(
    m: &'a Model,
    rk: RefKind,
    key: &'a str,
    me: &'a Here,
    written: Vec<&'a str>,
) -> Candidates<'a> {
    let leaders = matches!(rk, RefKind::Leader | RefKind::LeaderOrTeam);
    let teams = matches!(rk, RefKind::Team | RefKind::LeaderOrTeam);
    // Whether a list of initiatives names one other than the cursor's.
    let on_another = move |mut list: crate::model::Listed<'_, u32>| {
        list.any(|i| Some(EntityId::Initiative(i)) != me.initiative)
    };
    let leader = move |l: usize| match key {
        "leader" if on_another(m.led_by(l)) || m.leaders[l].is_part_time() => 1,
        "leader" => 0,
        "owner" if me.team.is_some_and(|t| m.reports(l).any(|x| x == t)) => 1,
        "owner" => 3,
        _ => 1,
    };
    let team = move |t: usize| match key {
        "teams" if m.teams[t].functional => 2,
        "teams" if on_another(m.team_initiatives(t)) => 1,
        "teams" => 0,
        "owner" if me.team == Some(EntityId::Team(t)) => 0,
        _ => 2,
    };
    // Where the walk is the id table (teams are candidates) and a key's
    // groups read the entities, each one's group is worked out once, in
    // the model's order (the entities are read one after another, not in
    // the order of their ids, which would read each from a place of its
    // own). A leader-only walk is in the model's order already.
    let leader_groups: Option<Vec<u8>> = (leaders && teams && matches!(key, "leader" | "owner"))
        .then(|| (0..m.leaders.len()).map(leader).collect());
    let team_groups: Option<Vec<u8>> =
        (teams && matches!(key, "teams" | "owner")).then(|| (0..m.teams.len()).map(team).collect());
    let group = move |e: EntityId| match e {
        EntityId::Leader(l) if leaders && me.leader != Some(e) => {
            Some(leader_groups.as_ref().map_or_else(|| leader(l), |g| g[l]))
        }
        EntityId::Team(t) if teams => Some(team_groups.as_ref().map_or_else(|| team(t), |g| g[t])),
        _ => None,
    };
    let mut count = 0;
    if leaders {
        count += m.leaders.len() - usize::from(me.leader.is_some());
    }
    if teams {
        count += m.teams.len();
    }
    Candidates {
        group: Box::new(group),
        count,
        teams,
        written,
    }
}

/// The values of a type that are no reference: an enumeration's, `true`
/// and `false`, roles (the required ones first).
fn literal_items(
    ws: &Workspace,
    ty: ValueType,
    range: TextRange,
    pad: &str,
    fresh: &dyn Fn(&str) -> bool,
    items: &mut Vec<CompletionItem>,
) {
    let simple = |label: &str, doc: Option<&str>, kind: ItemKind, sort: String| CompletionItem {
        label: label.to_string(),
        kind,
        detail: None,
        documentation: doc.map(String::from),
        sort_text: sort,
        insert: format!("{pad}{label}"),
        snippet: false,
        retrigger: false,
        range,
    };
    match ty {
        ValueType::Enum(values) => {
            for (i, v) in values.iter().enumerate() {
                items.push(simple(
                    v.name,
                    Some(v.doc),
                    ItemKind::Value,
                    format!("{i:02}"),
                ));
            }
        }
        ValueType::Bool => {
            items.push(simple("true", None, ItemKind::Value, "0".into()));
            items.push(simple("false", None, ItemKind::Value, "1".into()));
        }
        ValueType::Roles => {
            let required = ws.config().required_roles;
            for r in &required {
                if fresh(r) {
                    let doc = schema::KNOWN_ROLES
                        .iter()
                        .find(|k| k.name == r)
                        .map(|k| k.doc);
                    let mut item = simple(r, doc, ItemKind::Role, format!("0{r}"));
                    item.detail = Some("required".to_string());
                    items.push(item);
                }
            }
            for k in schema::KNOWN_ROLES {
                if fresh(k.name) && !required.iter().any(|r| r == k.name) {
                    items.push(simple(
                        k.name,
                        Some(k.doc),
                        ItemKind::Role,
                        format!("1{}", k.name),
                    ));
                }
            }
        }
        _ => {}
    }
}

/// A snippet for a new block of `kind` (inside the team `enclosing_team`,
/// for a dependency).
fn block_snippet(
    m: &Model,
    kind: BlockKind,
    range: TextRange,
    enclosing_team: Option<EntityId>,
) -> CompletionItem {
    let spec = kind.spec();
    CompletionItem {
        label: spec.keyword.to_string(),
        kind: ItemKind::Snippet,
        detail: Some(format!("new {}", spec.kind_name)),
        documentation: Some(spec.doc.to_string()),
        sort_text: format!("0{}", spec.keyword),
        insert: snippet::block(m, kind, None, "Title", "\t", enclosing_team),
        snippet: true,
        retrigger: false,
        range,
    }
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// Picking the first few out of those taken gives what sorting
        /// those taken (stably) and dropping the ids seen gives, with ids
        /// in several groups, given several times, and some left out.
        #[test]
        fn the_first_distinct_are_those_of_a_whole_sort(
            given in proptest::collection::vec((0usize..3, "[a-d]{1,2}"), 0..300),
            left_out in proptest::collection::vec("[a-d]{1,2}", 0..4),
            n in 1usize..40,
        ) {
            const GROUPS: [&str; 3] = ["0", "1", "2"];
            let items: Vec<(&'static str, &str, usize)> = given
                .iter()
                .enumerate()
                .map(|(i, (g, id))| (GROUPS[*g], id.as_str(), i))
                .collect();
            let listed = |id: &str| !left_out.iter().any(|x| x == id);
            let mut whole: Vec<_> = items.iter().copied().filter(|x| listed(x.1)).collect();
            whole.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
            let mut seen = std::collections::HashSet::new();
            whole.retain(|x| seen.insert(x.1));
            whole.truncate(n);
            let entries = || items.iter().map(|x| (x.1, x.2));
            let group = |at: usize| Some(items[at].0);
            let got: Vec<(&str, &str, usize)> =
                super::first_distinct(entries, group, "0", listed, n);
            proptest::prop_assert_eq!(got, whole);
        }
    }

    use super::completions;

    use crate::ide::fixture::fixture;

    fn check(text: &str) -> String {
        let f = fixture(text);
        let items = completions(&f.ws, &f.analysis, f.file, f.offset);
        let mut out = String::new();
        if items.incomplete {
            out.push_str("(incomplete)\n");
        }
        for i in items.items {
            let r = &f.text(f.file)[i.range.start()..i.range.end()];
            out.push_str(&format!(
                "{} [{:?}] sort={} detail={:?} replace=`{r}` insert={:?}{}\n",
                i.label,
                i.kind,
                i.sort_text,
                i.detail,
                i.insert,
                if i.retrigger {
                    " (lists values next)"
                } else {
                    ""
                }
            ));
        }
        if out.is_empty() {
            out.push_str("(none)\n");
        }
        out
    }

    const ORG: &str = r#"
        leader jane "Jane" { }
        leader raj "Raj" { allocation: 50% }
        leader ann "Ann" { }
        initiative prime "Prime" { leader: raj teams: search }
        team search "Search" { }
        team ads "Ads" { }
        team legal "Legal" { functional: true }
    "#;

    fn with(extra: &str) -> String {
        check(&format!("{ORG}\n{extra}"))
    }

    #[test]
    fn thousands_of_teams_list_the_best_hundred_and_ask_again() {
        let teams: String = (0..150)
            .map(|i| format!("team t{i:03} \"T\" {{ }}\n"))
            .collect();
        let f = fixture(&format!("{teams}initiative i \"I\" {{\n  teams: $0\n}}\n"));
        let all = completions(&f.ws, &f.analysis, f.file, f.offset);
        assert!(all.incomplete);
        assert_eq!(all.items.len(), super::MAX_ENTITY_ITEMS);
        assert_eq!(all.items[0].label, "t000");
        let f = fixture(&format!(
            "{teams}initiative i \"I\" {{\n  teams: t14$0\n}}\n"
        ));
        let typed = completions(&f.ws, &f.analysis, f.file, f.offset);
        let labels: Vec<&str> = typed.items.iter().map(|i| i.label.as_str()).collect();
        assert!(typed.incomplete);
        assert_eq!(
            labels,
            [
                "t014", "t104", "t114", "t124", "t134", "t140", "t141", "t142", "t143", "t144",
                "t145", "t146", "t147", "t148", "t149"
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        /// Around the cap of [`super::MAX_ENTITY_ITEMS`], with ids given
        /// twice, some written already and some typed: the teams a `teams:`
        /// and a `depends_on` list, and the leaders and teams an
        /// `approvals:` lists, are those of sorting every candidate not
        /// written (and, past the cap, matching what is typed) by group and
        /// id, each id once; the list says it is incomplete past the cap.
        #[test]
        fn entity_items_are_those_of_sorting_every_candidate(
            teams in proptest::collection::vec(("x[a-z]{1,5}", proptest::bool::weighted(0.2)), 80..160),
            leaders in proptest::collection::vec("x[a-z]{1,5}", 0..120),
            written in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..5),
            typed in "(x[a-z]?|[a-z]{1,2}|)",
            place in 0usize..3,
        ) {
            use std::fmt::Write as _;
            let written: Vec<String> = written.iter().map(|w| teams[w.index(teams.len())].0.clone()).collect();
            let mut plan = String::new();
            for (id, functional) in &teams {
                writeln!(plan, "team {id} \"T\" {{ functional: {functional} }}").unwrap();
            }
            for id in &leaders {
                writeln!(plan, "leader {id} \"L\" {{ }}").unwrap();
            }
            let list = written.join(", ");
            let comma = if written.is_empty() { "" } else { ", " };
            let text = match place {
                0 => format!("{plan}initiative i \"I\" {{\n  teams: {list}{comma}{typed}$0\n}}\n"),
                1 => format!("{plan}initiative i \"I\" {{\n  approvals: {list}{comma}{typed}$0\n}}\n"),
                _ => {
                    let deps: String = written
                        .iter()
                        .map(|id| format!("  depends_on {id}\n"))
                        .collect();
                    format!("{plan}team me \"Me\" {{\n{deps}  depends_on {typed}$0\n}}\n")
                }
            };
            let f = fixture(&text);
            let got = completions(&f.ws, &f.analysis, f.file, f.offset);
            // The oracle: every candidate, in the model's order, with its
            // group; those written left out; past the cap, those typed.
            let mut cands: Vec<(&str, String)> = Vec::new();
            if place == 1 {
                cands.extend(leaders.iter().map(|id| ("1", id.clone())));
            }
            for (id, functional) in &teams {
                let group = match place {
                    0 if *functional => "2",
                    0 | 2 => "0",
                    _ => "2",
                };
                cands.push((group, id.clone()));
            }
            cands.retain(|(_, id)| !written.contains(id));
            let many = cands.len() > super::MAX_ENTITY_ITEMS;
            if many && !typed.is_empty() {
                cands.retain(|(_, id)| super::matches_typed(id, &typed));
            }
            cands.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.cmp(&b.1)));
            let mut seen = std::collections::HashSet::new();
            let want: Vec<String> = cands
                .into_iter()
                .filter(|(_, id)| seen.insert(id.clone()))
                .map(|(_, id)| id)
                .take(super::MAX_ENTITY_ITEMS)
                .collect();
            let labels: Vec<String> = got.items.iter().map(|i| i.label.clone()).collect();
            proptest::prop_assert_eq!(labels, want, "{}", text);
            proptest::prop_assert_eq!(got.incomplete, many);
        }
    }

    #[test]
    fn a_leader_is_not_offered_to_report_to_itself() {
        let out = with("leader zed \"Zed\" {\n  reports_to: $0\n}\n");
        assert!(!out.contains("zed [Leader]"), "{out}");
        assert!(out.contains("jane [Leader]"), "{out}");
    }

    #[test]
    fn an_id_declared_twice_is_offered_once() {
        let out = with("leader jane \"Jane again\" { }\nteam ads \"Ads again\" { }\ninitiative fba \"FBA\" {\n  leader: $0\n}\n");
        assert_eq!(out.matches("jane [Leader]").count(), 1, "{out}");
        let out = with("team ads \"Ads again\" { }\ninitiative fba \"FBA\" {\n  teams: $0\n}\n");
        assert_eq!(out.matches("ads [Team]").count(), 1, "{out}");
    }

    #[test]
    fn leaders_after_leader_free_first_busy_marked() {
        insta::assert_snapshot!(with("initiative fba \"FBA\" {\n  leader: $0\n}\n"), @r#"
            ann [Leader] sort=0ann detail=Some("leader · free") replace=`` insert="ann"
            jane [Leader] sort=0jane detail=Some("leader · free") replace=`` insert="jane"
            raj [Leader] sort=1raj detail=Some("leader · leads prime · 50%") replace=`` insert="raj"
        "#);
    }

    #[test]
    fn leader_prefix_with_dash_and_no_space_and_unterminated() {
        insta::assert_snapshot!(with("initiative fba \"FBA\" {\n  leader:ja$0"), @r#"
            ann [Leader] sort=0ann detail=Some("leader · free") replace=`ja` insert=" ann"
            jane [Leader] sort=0jane detail=Some("leader · free") replace=`ja` insert=" jane"
            raj [Leader] sort=1raj detail=Some("leader · leads prime · 50%") replace=`ja` insert=" raj"
        "#);
    }

    #[test]
    fn teams_unassigned_first_and_written_ones_left_out() {
        insta::assert_snapshot!(with("initiative fba \"FBA\" {\n  teams: ads, $0\n}\n"), @r#"
            search [Team] sort=1search detail=Some("team · on prime") replace=`` insert="search"
            legal [Team] sort=2legal detail=Some("team · functional") replace=`` insert="legal"
        "#);
    }

    #[test]
    fn keys_not_yet_present_with_docs() {
        insta::assert_snapshot!(with("team t \"T\" {\n  roles: qa\n  $0\n}\n"));
    }

    #[test]
    fn model_values_roles_and_booleans() {
        insta::assert_snapshot!(with("initiative fba \"FBA\" { model: $0 }"), @r#"
            ownership [Value] sort=00 detail=None replace=`` insert="ownership"
            leadership [Value] sort=01 detail=None replace=`` insert="leadership"
        "#);
        insta::assert_snapshot!(with("team t \"T\" { roles: engineering, $0 }"));
        insta::assert_snapshot!(with("team t \"T\" { functional: t$0 }"), @r#"
            true [Value] sort=0 detail=None replace=`t` insert="true"
            false [Value] sort=1 detail=None replace=`t` insert="false"
        "#);
    }

    #[test]
    fn depends_on_offers_other_teams_and_owner_puts_the_team_first() {
        insta::assert_snapshot!(with(
            "team t \"T\" {\n  depends_on ads { }\n  depends_on $0\n}\n"
        ), @r#"
            legal [Team] sort=0legal detail=Some("team · functional") replace=`` insert="legal"
            search [Team] sort=0search detail=Some("team · on prime") replace=`` insert="search"
        "#);
        insta::assert_snapshot!(with(
            "team t \"T\" {\n  reports_to: ann\n  depends_on ads { owner: $0 }\n}\n"
        ));
    }

    #[test]
    fn the_dependency_being_typed_is_not_one_the_team_has() {
        // The whole name typed, or the cursor inside it: `legal` is still
        // offered; a dependency on it written elsewhere in the team keeps
        // it out.
        for text in [
            "team t \"T\" {\n  depends_on legal$0\n}\n",
            "team t \"T\" {\n  depends_on le$0gal\n}\n",
            "team t \"T\" {\n  depends_on legal$0 { }\n}\n",
        ] {
            assert!(with(text).contains("legal [Team]"), "{text}");
        }
        let twice = "team t \"T\" {\n  depends_on legal { }\n  depends_on legal$0\n}\n";
        assert!(!with(twice).contains("legal [Team]"));
    }

    #[test]
    fn snippets_at_top_level_and_nothing_in_strings_or_comments() {
        insta::assert_snapshot!(check("leader jane \"J\" { }\n$0"), @r#"
            initiative [Snippet] sort=0initiative detail=Some("new initiative") replace=`` insert="initiative ${1:id} \"${2:Title}\" {\n\tleader: ${3:jane}\n\tmodel: ${4|ownership,leadership|}\n\tscope: \"${5:bounded context}\"\n\tmetrics: \"${6:metric}\"\n}$0"
            leader [Snippet] sort=0leader detail=Some("new leader") replace=`` insert="leader ${1:id} \"${2:Title}\" {\n\ttitle: \"${3:Job title}\"\n\tallocation: ${4:100%}\n}$0"
            team [Snippet] sort=0team detail=Some("new team") replace=`` insert="team ${1:id} \"${2:Title}\" {\n\treports_to: ${3:jane}\n\troles: ${4:engineering, qa, design, product}\n}$0"
        "#);
        assert_eq!(check("leader jane \"J $0\" { }\n"), "(none)\n");
        assert_eq!(check("# leader: $0\n"), "(none)\n");
    }
}
