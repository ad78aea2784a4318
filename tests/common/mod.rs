//! Shared by the rsoft_* and discover tests: build readers and exports from bytes made in the test.
#![allow(dead_code)]

use std::io::Cursor;
use std::path::Path;

use crm_migrate::rsoft::{Row, RowProblem, RowReader};

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
