//! Hashing, in one place: a leaf module every stage may use.
//!
//! kudos hashes for two different reasons, and each has its own function:
//!
//! - [`fingerprint`] / [`Fingerprint`]: "did this input change since the last rebuild?".
//!   Only compared within one process (serve keeps them in memory), so the standard
//!   library's SipHash does: keyed per process, strong enough that two different inputs
//!   do not pass for the same one, which would mean a page silently not re-rendered.
//! - [`stable_id`]: an identifier that is published (the neutral URL of a shout-out) and so
//!   must be the same in every build, on every machine, with every Rust version: FNV-1a,
//!   a fixed algorithm, from the `fnv` crate.
//!
//! Hash maps keyed by paths and slugs use `rustc_hash` (Fx) as their hasher; that is a
//! map's business, not a fingerprint.

use std::hash::{Hash, Hasher};

/// The hasher behind every fingerprint: feed it with `Hash::hash`, read it with
/// `finish()`.
pub type Fingerprint = std::collections::hash_map::DefaultHasher;

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
    fn fingerprints_tell_inputs_apart() {
        assert_eq!(fingerprint(&("a", 1)), fingerprint(&("a", 1)));
        assert_ne!(fingerprint(&("a", 1)), fingerprint(&("a", 2)));
    }
}
