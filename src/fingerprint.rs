//! Hashing, in one place: a leaf module every stage may use.
//!
//! kudos hashes for two different reasons, and each has its own function:
//!
//! - [`fingerprint`] / [`Fingerprint`]: "did this input change since the last rebuild?".
//!   XXH3-64 fed through `Hash` (streaming, default secret): a checksum-grade 64-bit hash,
//!   so two different inputs do not pass for the same one, which would mean a page
//!   silently not re-rendered. It was SipHash until a profile of a 10k `serve` save found
//!   SipHash at 7% of its CPU time; XXH3 is as strong for this (no adversary picks the
//!   inputs: they are the user's own files) and several times faster on text. Its values
//!   are compared between rebuilds of one `serve` and, in `.kudos-cache/build/`, between
//!   builds, always in files that name the kudos binary that wrote them (`Hash` impls may
//!   change with the Rust version).
//! - [`stable_id`]: an identifier that is published (the neutral URL of a shout-out) and so
//!   must be the same in every build, on every machine, with every Rust version: FNV-1a,
//!   a fixed algorithm, from the `fnv` crate.
//! - [`stable_hash`]: the same promise for megabytes (an image's content names its
//!   published variants and its disk-cache entries): XXH3-64, also fixed, and fast enough
//!   to hash every photo of every build.
//!
//! Hash maps keyed by paths and slugs use `rustc_hash` (Fx) as their hasher; that is a
//! map's business, not a fingerprint.

use std::hash::{Hash, Hasher};

/// The hasher behind every fingerprint: feed it with `Hash::hash`, read it with
/// `finish()`.
pub type Fingerprint = xxhash_rust::xxh3::Xxh3Default;

/// The fingerprint of anything hashable, comparable within this process.
pub fn fingerprint(value: &impl Hash) -> u64 {
    let mut hasher = Fingerprint::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A 64-bit FNV-1a hash of `bytes`: the same everywhere and forever.
pub fn stable_id(bytes: &[u8]) -> u64 {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// A 64-bit XXH3 hash of `parts`, each length-prefixed (so `["ab", "c"]` and `["a", "bc"]`
/// differ): the same everywhere and forever.
pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut hasher = StableHasher::default();
    for part in parts {
        hasher.part(part);
    }
    hasher.digest()
}

/// [`stable_hash`] fed one part at a time, for parts that are not at hand as a list (a
/// rendered body's fields, every input file of a build), in 64 or 128 bits.
#[derive(Default)]
pub struct StableHasher(xxhash_rust::xxh3::Xxh3);

impl StableHasher {
    /// Adds `bytes` as one part, length-prefixed.
    pub fn part(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// XXH3-64 of the parts so far.
    pub fn digest(&self) -> u64 {
        self.0.digest()
    }

    /// XXH3-128 of the parts so far.
    pub fn digest128(&self) -> u128 {
        self.0.digest128()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_ids_are_fnv_1a() {
        // The published test vectors of 64-bit FNV-1a.
        assert_eq!(stable_id(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_id(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(stable_id(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn stable_hashes_are_xxh3_of_length_prefixed_parts() {
        assert_eq!(
            stable_hash(&[b"ab"]),
            xxhash_rust::xxh3::xxh3_64(&[&2u64.to_le_bytes()[..], b"ab"].concat())
        );
        assert_ne!(stable_hash(&[b"ab", b"c"]), stable_hash(&[b"a", b"bc"]));
    }

    #[test]
    fn fingerprints_tell_inputs_apart() {
        assert_eq!(fingerprint(&("a", 1)), fingerprint(&("a", 1)));
        assert_ne!(fingerprint(&("a", 1)), fingerprint(&("a", 2)));
    }
}
