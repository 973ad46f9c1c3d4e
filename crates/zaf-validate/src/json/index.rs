//! Finding a repeated key among an object's entries in constant time per key, whatever the
//! input: a hash index keyed at random for each object.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

/// An object with this many keys finds a repeated key through a hash index of its keys; a
/// smaller one scans them.
const INDEXED_FROM: usize = 16;

/// Where the keys of a list of named entries being built are (an object being read, a
/// product's locations): each key's hash to the first place with that hash. The hash is keyed
/// at random for each list, so no input can aim at collisions; one that happens anyway is
/// looked through. Lists of fewer than `INDEXED_FROM` entries are only looked through.
pub struct KeyIndex {
    hasher: RandomState,
    places: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
    /// How many of the object's first entries are in `places`.
    indexed: usize,
    /// The hash of the key last looked for and not found, with the place it is about to take.
    pending: Option<(usize, u64)>,
}

impl KeyIndex {
    pub fn new() -> Self {
        Self {
            hasher: RandomState::new(),
            places: HashMap::default(),
            indexed: 0,
            pending: None,
        }
    }

    /// The place of `key` among `entries` (whose keys all differ, and which only grow between
    /// calls), if it is there.
    pub fn find<T>(&mut self, entries: &[(String, T)], key: &str) -> Option<usize> {
        if entries.len() < INDEXED_FROM {
            return entries.iter().position(|(k, _)| k == key);
        }
        let pending = self.pending.take();
        for (i, (k, _)) in entries.iter().enumerate().skip(self.indexed) {
            let hash = match pending {
                Some((at, hash)) if at == i => hash,
                _ => self.hasher.hash_one(k.as_str()),
            };
            self.places.entry(hash).or_insert(i);
        }
        self.indexed = entries.len();
        let hash = self.hasher.hash_one(key);
        let found = match self.places.get(&hash) {
            None => None,
            Some(&i) if entries.get(i).is_some_and(|(k, _)| k == key) => Some(i),
            // Another key with the same 64-bit hash.
            Some(_) => entries.iter().position(|(k, _)| k == key),
        };
        if found.is_none() {
            self.pending = Some((entries.len(), hash));
        }
        found
    }
}

/// The hasher of a map whose keys are hashes already: the key as it is.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
