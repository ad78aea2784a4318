//! Hashing for the hot paths of discovery (distinct sketches, integrity ids, owner tallies): the
//! values come from the export, but nothing is at stake if two collide, so speed wins over
//! SipHash. The `foldhash` crate with its fixed seed, so a value hashes the same on every
//! reading thread and the tallies they make can be merged. Nothing hashed here is stored: the
//! hash a journal keeps across runs is SHA-256 (`mapping::record::hash`).

use std::hash::BuildHasher;

/// The `BuildHasher` for maps and sets keyed by export strings or by [`hash`] values.
pub type FastHash = foldhash::fast::FixedState;

/// A 64-bit hash of `bytes` whose bits are uniform enough for a KMV distinct sketch, which
/// reads the smallest hashes (foldhash's `quality` variant, with its fixed seed).
pub fn hash(bytes: &[u8]) -> u64 {
    foldhash::quality::FixedState::default().hash_one(bytes)
}
