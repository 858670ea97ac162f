//! Stable keys of the model's entities.
//!
//! An entity's index ([`EntityId`]) is its place among the entities of its
//! kind, in the workspace's order: an entity added or removed moves the
//! index of every entity after it, in every file after the edited one. What
//! the model stores about other entities (what a reference names, the
//! reverse indices, the declarations of each id) holds their keys instead,
//! which stay while entities come and go around them; the table here maps
//! a key to the index. An entity added or removed then renumbers this
//! table's integers, not every reference and list of the workspace.
//!
//! Renumbered in place, a keystroke that added a team to a workspace of ten
//! 100,000-line files walked every reference and list (with 145,000 ids):
//! 12 ms of its 20 ms (BENCHMARKS.md, "7 Dec (twenty-eighth session)").

use super::{EntityId, Seq};
use std::ops::Range;

/// An entity as the model stores it where another entity's data names it:
/// its kind and a number that stays its own while it lives (see the
/// module's documentation). [`Model::at`](super::Model) gives its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    kind: u8,
    n: u32,
}

impl Key {
    pub(crate) fn new(kind: usize, n: u32) -> Key {
        Key {
            kind: kind as u8,
            n,
        }
    }

    /// Its kind's place in `[leaders, initiatives, teams]`.
    pub(crate) fn kind(self) -> usize {
        usize::from(self.kind)
    }

    /// Its number among the keys of its kind.
    pub(crate) fn n(self) -> u32 {
        self.n
    }

    /// An index of the same kind (for what depends on the kind alone).
    pub(crate) fn of_kind(self) -> EntityId {
        EntityId::at_slot(self.kind(), 0)
    }
}

/// A key's place once its entity was removed.
const GONE: u32 = u32::MAX;

/// Marks a place counted from the end of the kind's entities.
const BACK: u32 = 1 << 31;

/// Each entity's key by index, and where each key's entity is, per kind.
///
/// Where a key's entity is, is kept as the entities' own lists keep them
/// (gap buffers, [`Seq`]): those before a split by their index, those
/// after it by their distance from the end. An entity added or removed at
/// the split then moves no other key's place; a splice elsewhere moves the
/// split there first, renumbering the keys between. Numbered by index
/// alone, each entity added or removed renumbered every key after it in
/// the workspace: in ten files, a tenth of a millisecond of a keystroke
/// that adds a team (BENCHMARKS.md, "7 Dec (thirtieth session)").
#[derive(Clone, Debug, Default)]
pub(crate) struct Keys {
    /// Per kind, the key of each entity, by index.
    of: [Seq<u32>; 3],
    /// Per kind, the place of each key given out: its index, or with
    /// [`BACK`] its distance from the end ([`GONE`]: removed).
    at: [Vec<u32>; 3],
    /// Per kind, the index from which places count from the end.
    split: [usize; 3],
}

impl Keys {
    /// Keys equal to the indices, for `counts` entities of each kind.
    pub(crate) fn identity(counts: [usize; 3]) -> Keys {
        let ns = |k: usize| (0..counts[k] as u32).collect::<Vec<u32>>();
        Keys {
            of: std::array::from_fn(|k| ns(k).into()),
            at: std::array::from_fn(ns),
            split: counts,
        }
    }

    /// Gives the entity appended to the kind at `k` the next key.
    pub(crate) fn push(&mut self, k: usize) {
        let len = self.of[k].len();
        self.move_split(k, len);
        let n = self.at[k].len() as u32;
        self.at[k].push(len as u32);
        self.of[k].push_back(n);
        self.split[k] = len + 1;
    }

    /// Moves the split of the kind at `k` to index `to`: the keys between
    /// its old place and `to` are numbered the other way.
    fn move_split(&mut self, k: usize, to: usize) {
        let (of, at, split) = (&self.of[k], &mut self.at[k], self.split[k]);
        let len = of.len();
        if to < split {
            for (i, &n) in of.range(to..split).iter().enumerate() {
                at[n as usize] = BACK | (len - (to + i)) as u32;
            }
        } else {
            for (i, &n) in of.range(split..to).iter().enumerate() {
                at[n as usize] = (split + i) as u32;
            }
        }
        self.split[k] = to;
    }

    /// The key of the entity at `e`.
    pub(crate) fn key(&self, e: EntityId) -> Key {
        let (k, i) = e.slot();
        Key::new(k, self.of[k][i])
    }

    /// The entity a key stands for, if it was not removed.
    pub(crate) fn get(&self, key: Key) -> Option<EntityId> {
        let k = key.kind();
        self.index(k, key.n).map(|i| EntityId::at_slot(k, i))
    }

    /// The index of key `n` of the kind at `k`, if its entity was not
    /// removed.
    pub(crate) fn index(&self, k: usize, n: u32) -> Option<usize> {
        match self.at[k].get(n as usize) {
            Some(&GONE) | None => None,
            Some(&d) if d & BACK != 0 => Some(self.of[k].len() - (d & !BACK) as usize),
            Some(&i) => Some(i as usize),
        }
    }

    /// The entities in `spans` (per kind) were replaced by `new` others:
    /// their keys are gone, the new ones get keys never given out, and
    /// the keys of those after them keep their distance from the end.
    pub(crate) fn splice(&mut self, spans: &[Range<usize>; 3], new: [usize; 3]) {
        for (k, span) in spans.iter().enumerate() {
            if span.is_empty() && new[k] == 0 {
                continue;
            }
            self.move_split(k, span.end);
            let (of, at) = (&mut self.of[k], &mut self.at[k]);
            let first = at.len() as u32;
            for &n in of.range(span.clone()).iter() {
                at[n as usize] = GONE;
            }
            super::splice(of, span.clone(), first..first + new[k] as u32);
            at.extend((span.start..span.start + new[k]).map(|i| i as u32));
            self.split[k] = span.start + new[k];
        }
    }

    /// Whether the keys given out are so many more than the entities that
    /// the model should number them anew ([`Model::compact`](super::Model)).
    pub(crate) fn worn(&self) -> bool {
        (0..3).any(|k| self.at[k].len() > 2 * self.of[k].len() + 1024)
    }

    /// How many entities of each kind there are.
    pub(crate) fn counts(&self) -> [usize; 3] {
        std::array::from_fn(|k| self.of[k].len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Splices anywhere, in any order (the split moving back and forth
        /// across the list), and entities appended: each key gives the
        /// index a plain list of the keys gives, and a removed key none.
        #[test]
        fn keys_give_the_indices_a_plain_list_gives(
            start in 0usize..40,
            steps in proptest::collection::vec((0.0f64..1.0, 0usize..4, 0usize..4, proptest::bool::weighted(0.1)), 1..40),
        ) {
            let mut keys = Keys::identity([0, 0, start]);
            let mut plain: Vec<u32> = (0..start as u32).collect();
            let mut given = start as u32;
            for (at, cut, add, push) in steps {
                if push {
                    keys.push(2);
                    plain.push(given);
                    given += 1;
                } else {
                    let from = (at * plain.len() as f64) as usize;
                    let span = from..(from + cut).min(plain.len());
                    keys.splice(&[0..0, 0..0, span.clone()], [0, 0, add]);
                    plain.splice(span, given..given + add as u32);
                    given += add as u32;
                }
                proptest::prop_assert_eq!(keys.counts(), [0, 0, plain.len()]);
                for n in 0..given {
                    let want = plain.iter().position(|&x| x == n);
                    proptest::prop_assert_eq!(keys.index(2, n), want, "key {}", n);
                }
                for (i, &n) in plain.iter().enumerate() {
                    proptest::prop_assert_eq!(keys.key(EntityId::Team(i)), Key::new(2, n));
                }
            }
        }
    }

    /// A splice gives new keys to what it adds, and the others keep theirs
    /// at their new places.
    #[test]
    fn keys_stay_with_their_entities_across_a_splice() {
        let mut keys = Keys::identity([3, 0, 6]);
        let before: Vec<Key> = (0..6).map(|i| keys.key(EntityId::Team(i))).collect();
        keys.splice(&[0..0, 0..0, 1..3], [0, 0, 3]);
        assert_eq!(keys.counts(), [3, 0, 7]);
        // Teams 1 and 2 are gone; 3.. moved by one.
        assert_eq!(keys.get(before[0]), Some(EntityId::Team(0)));
        assert_eq!(keys.get(before[1]), None);
        assert_eq!(keys.get(before[2]), None);
        assert_eq!(keys.get(before[3]), Some(EntityId::Team(4)));
        assert_eq!(keys.get(before[5]), Some(EntityId::Team(6)));
        // The new ones have keys of their own.
        let added: Vec<Key> = (1..4).map(|i| keys.key(EntityId::Team(i))).collect();
        assert!(added.iter().all(|k| !before.contains(k)));
        assert_eq!(keys.get(added[2]), Some(EntityId::Team(3)));
        // Leaders untouched.
        assert_eq!(
            keys.get(keys.key(EntityId::Leader(2))),
            Some(EntityId::Leader(2))
        );
        assert!(!keys.worn());
    }

    /// A team's kind word typed and deleted again and again: each time
    /// it is back, a team is spliced in with a new key. Once the keys are
    /// many more than the entities, the model numbers them anew; the model
    /// is the one a fresh analysis builds all along, what other files name
    /// resolved.
    #[test]
    fn keys_worn_by_many_splices_are_numbered_anew() {
        let mut ws = crate::Workspace::new();
        let a = ws.set_file(
            "a.orgplan",
            "leader lee {}\nteam t1 { reports_to: lee }\nteam d {}\nteam t2 { depends_on d {} }\n",
        );
        let b = "initiative i { leader: lee\n teams: t1, d, t2 }\nteam t3 { depends_on d {} reports_to: lee }\n";
        ws.set_file("b.orgplan", b);
        ws.analysis();
        let at = ws.text(a).unwrap().to_string().find("team d").unwrap() + 3;
        let mut most = 0;
        for i in 0..2400 {
            if i % 2 == 0 {
                ws.edit_file(a, crate::TextRange::new(at, at + 1), "");
            } else {
                ws.edit_file(a, crate::TextRange::empty(at), "m");
            }
            let m = &ws.analysis().model;
            most = most.max(m.keys.at[2].len());
            if i % 599 == 0 || i == 2399 {
                let mut fresh = crate::Workspace::new();
                fresh.set_file("a.orgplan", ws.text(a).unwrap().to_string());
                fresh.set_file("b.orgplan", b);
                let m = ws.analysis().model.dump();
                assert_eq!(m, fresh.analysis().model.dump(), "after {} edits", i + 1);
            }
        }
        // Numbered anew as soon as the keys given out passed the bound.
        assert!((1025..=1033).contains(&most), "{most}");
    }
}
