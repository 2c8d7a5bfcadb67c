//! A quick, stable hash for belong's own maps (pages by key, paths, words)
//! and for the search index's version string.
//!
//! The standard library's SipHash is made to resist keys chosen by an
//! attacker, which a build's keys (the hub's own file names and words) are
//! not; it was a fifth of search indexing and most of a preview's update
//! at 10,000 pages. This is the multiply-and-rotate hash rustc uses, eight
//! bytes at a time. Its values must not change between builds: the search
//! index's version is one.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The quick hash's state.
#[derive(Default)]
pub struct Quick(u64);

impl Quick {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for Quick {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(eight));
        }
        let mut rest = [0u8; 8];
        rest[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(rest) ^ bytes.len() as u64);
    }
}

/// A map hashed with `Quick`.
pub type QuickMap<K, V> = HashMap<K, V, BuildHasherDefault<Quick>>;

/// A set hashed with `Quick`.
pub type QuickSet<T> = HashSet<T, BuildHasherDefault<Quick>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_the_same_from_build_to_build() {
        let mut hasher = Quick::default();
        hasher.write(b"belonging");
        // Worked out by hand from the definition: a changed hash would
        // change every search index's version.
        assert_eq!(hasher.finish(), 0x2697_3088_20c3_c75f);
        let mut map: QuickMap<&str, u32> = QuickMap::default();
        map.insert("case-studies/eeast.md", 1);
        assert_eq!(map.get("case-studies/eeast.md"), Some(&1));
    }
}
