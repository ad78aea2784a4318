//! Fast hashing for the hot paths of discovery (distinct sketches, owner tallies): the values
//! come from the export, but nothing is at stake if one collides, so speed wins over SipHash.

use std::hash::{BuildHasherDefault, Hasher};

/// A fast 64-bit hash with a strong final mix, so the bits are uniform enough for KMV.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0xFF51_AFD7_ED55_8CCD)
            .rotate_left(29);
    }
    let tail = chunks
        .remainder()
        .iter()
        .rev()
        .fold(0u64, |w, b| (w << 8) | u64::from(*b));
    h = (h ^ tail).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    // murmur3's fmix64: two multiplies are enough to spread every input bit over the top bits
    // that the distinct sketch reads.
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// A `Hasher` over [`hash`], for maps keyed by strings from the export.
#[derive(Debug, Clone, Copy, Default)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash(bytes) ^ self.0.rotate_left(17);
    }
}

/// A `BuildHasher` for `HashMap`/`HashSet` keyed by export strings, over [`FastHasher`].
pub type FastHash = BuildHasherDefault<FastHasher>;

/// The keys are already well-mixed hashes: hashing them again would only cost time.
#[derive(Debug, Clone, Copy, Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
