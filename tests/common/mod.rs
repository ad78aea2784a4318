//! Shared by the rsoft_* and discover tests: build readers and exports from bytes made in the test.
#![allow(dead_code)]

use std::io::Cursor;
use std::path::Path;

use crm_migrate::discovery::Report;
use crm_migrate::discovery::gaps::{GapKey, GapKind};
use crm_migrate::rsoft::{Module, Row, RowProblem, RowReader};

pub fn reader(name: &str, bytes: &[u8]) -> RowReader {
    RowReader::new(name, Box::new(Cursor::new(bytes.to_vec()))).unwrap()
}

/// All rows of a file, in order.
pub fn rows(name: &str, bytes: &[u8]) -> (RowReader, Vec<Result<Row, RowProblem>>) {
    let mut r = reader(name, bytes);
    let rows: Vec<_> = r.by_ref().collect();
    (r, rows)
}

pub fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        let b = if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        };
        out.extend_from_slice(&b);
    }
    out
}

pub fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Owners as (raw, name, email, records).
pub fn owners(r: &Report) -> Vec<(&str, Option<&str>, Option<&str>, u64)> {
    r.owners
        .iter()
        .map(|o| {
            (
                o.raw.as_str(),
                o.name.as_deref(),
                o.email.as_deref(),
                o.records,
            )
        })
        .collect()
}

/// Custom fields per module as (module, count, over RSoft's cap).
pub fn caps(r: &Report) -> Vec<(Module, usize, bool)> {
    r.custom_field_counts
        .iter()
        .map(|c| (c.module, c.count, c.exceeds_standard_cap))
        .collect()
}

/// Gaps as (kind, path, key).
pub fn gaps(r: &Report) -> Vec<(GapKind, &str, Option<GapKey>)> {
    r.gaps
        .iter()
        .map(|g| (g.kind, g.path.as_str(), g.key.clone()))
        .collect()
}

/// The binary with its state dir (run log, mapping memory) in `state`, so a CLI test never
/// writes to the user's own data dir.
pub fn crm_migrate(state: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_crm-migrate"));
    command.env("CRM_MIGRATE_STATE_DIR", state);
    command
}
