//! Splitting text into CSV records, as `csv::Reader` does, but faster on the records exports are
//! made of: a record that lies whole in the buffer and is plainly written (unquoted fields, and
//! quoted fields closed right before a delimiter or line end) is split with `memchr`; anything
//! else — a record crossing the buffer's end, a quote inside a field, text after a closing
//! quote — goes to `csv_core`, the parser `csv::Reader` runs. Both give the same fields, line
//! numbers and byte positions, and the input is read in the same buffer-sized pieces (the
//! row guard below counts on that).

use std::io::Read;

use csv::{ByteRecord, Position};
use csv_core::ReadRecordResult;

/// Bytes read from the input at a time.
const BUFFER_BYTES: usize = 256 * 1024;

/// The records of a CSV text: only LF ends a record, `"` quotes, `""` is a quote inside quotes.
pub(crate) struct Records<R> {
    input: R,
    core: csv_core::Reader,
    delimiter: u8,
    buf: Box<[u8]>,
    /// Unparsed text is `buf[start..end]`.
    start: usize,
    end: usize,
    /// The input said it has no more.
    eof: bool,
    /// `csv_core` reported the end: no more records.
    ended: bool,
    /// Bytes parsed so far, and the line the next byte is on (1-based).
    byte: u64,
    line: u64,
    records: u64,
    /// Output and field ends of `csv_core`, and a quoted field holding `""` being unescaped.
    core_out: Vec<u8>,
    core_ends: Vec<usize>,
    field: Vec<u8>,
}

impl<R: Read> Records<R> {
    pub(crate) fn new(input: R, delimiter: u8) -> Self {
        let core = csv_core::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv_core::Terminator::Any(b'\n'))
            .build();
        Records {
            input,
            core,
            delimiter,
            buf: vec![0; BUFFER_BYTES].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            ended: false,
            byte: 0,
            line: 1,
            records: 0,
            core_out: Vec::new(),
            core_ends: Vec::new(),
            field: Vec::new(),
        }
    }

    pub(crate) fn get_ref(&self) -> &R {
        &self.input
    }

    pub(crate) fn get_mut(&mut self) -> &mut R {
        &mut self.input
    }

    /// Where parsing stands: after the last record read.
    pub(crate) fn position(&self) -> Position {
        let mut p = Position::new();
        p.set_byte(self.byte)
            .set_line(self.line)
            .set_record(self.records);
        p
    }

    /// Reads the next record into `record` (its position is where it starts); false at the end.
    pub(crate) fn read_byte_record(&mut self, record: &mut ByteRecord) -> csv::Result<bool> {
        record.clear();
        record.set_position(Some(self.position()));
        if self.ended {
            return Ok(false);
        }
        if self.read_plain(record) {
            self.records += 1;
            return Ok(true);
        }
        record.clear();
        let got = self.read_core(record)?;
        if got {
            self.records += 1;
        }
        Ok(got)
    }

    /// The fast path: splits the next record if it lies whole in the buffer and is plainly
    /// written; otherwise leaves everything as it was and returns false.
    fn read_plain(&mut self, record: &mut ByteRecord) -> bool {
        let buf = &self.buf[..self.end];
        let d = self.delimiter;
        let mut p = self.start;
        // Blank lines between records are skipped, as csv_core does.
        while buf.get(p) == Some(&b'\n') {
            p += 1;
        }
        // Line ends passed: the blank lines, those inside quotes, and the record's own.
        let mut lines = (p - self.start) as u64 + 1;
        // The first record (the header) goes to csv_core, which strips a UTF-8 BOM only there.
        if p == buf.len() || self.byte == 0 {
            return false;
        }
        loop {
            if buf[p] == b'"' {
                let mut from = p + 1;
                self.field.clear();
                let mut escaped = false;
                // The closing quote: a quote not followed by another.
                let close = loop {
                    let Some(k) = memchr::memchr(b'"', &buf[from..]).map(|k| from + k) else {
                        return false;
                    };
                    match buf.get(k + 1) {
                        Some(b'"') => {
                            self.field.extend_from_slice(&buf[from..=k]);
                            escaped = true;
                            from = k + 2;
                        }
                        Some(_) => break k,
                        None => return false,
                    }
                };
                lines += buf[p + 1..close].iter().filter(|c| **c == b'\n').count() as u64;
                if escaped {
                    self.field.extend_from_slice(&buf[from..close]);
                }
                p = close + 1;
                // `"x"` then CR LF: csv_core keeps the CR in the field.
                let crlf = buf[p] == b'\r' && buf.get(p + 1) == Some(&b'\n');
                if crlf {
                    if !escaped {
                        self.field.extend_from_slice(&buf[from..close]);
                    }
                    self.field.push(b'\r');
                }
                let content = if escaped || crlf {
                    &self.field[..]
                } else {
                    &buf[from..close]
                };
                match buf[p] {
                    c if c == d => record.push_field(content),
                    b'\n' | b'\r' if buf[p] == b'\n' || crlf => {
                        record.push_field(content);
                        p += if crlf { 2 } else { 1 };
                        break;
                    }
                    _ => return false,
                }
                p += 1;
            } else {
                let Some(k) = find_special(buf, p, d) else {
                    return false;
                };
                if buf[k] == b'"' {
                    return false;
                }
                record.push_field(&buf[p..k]);
                p = k + 1;
                if buf[k] == b'\n' {
                    break;
                }
            }
            if p == buf.len() {
                return false;
            }
        }
        self.line += lines;
        self.byte += (p - self.start) as u64;
        self.start = p;
        true
    }

    /// The general path: csv_core, reading more input as it asks for it.
    fn read_core(&mut self, record: &mut ByteRecord) -> csv::Result<bool> {
        self.core.set_line(self.line);
        let (mut outlen, mut endlen) = (0, 0);
        loop {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.input.read(&mut self.buf)?;
                self.eof = self.end == 0;
            }
            if outlen == self.core_out.len() {
                self.core_out.resize((2 * outlen).max(1024), 0);
            }
            if endlen == self.core_ends.len() {
                self.core_ends.resize((2 * endlen).max(64), 0);
            }
            let (res, nin, nout, nend) = self.core.read_record(
                &self.buf[self.start..self.end],
                &mut self.core_out[outlen..],
                &mut self.core_ends[endlen..],
            );
            self.start += nin;
            self.byte += nin as u64;
            self.line = self.core.line();
            outlen += nout;
            endlen += nend;
            match res {
                ReadRecordResult::InputEmpty
                | ReadRecordResult::OutputFull
                | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record => {
                    let mut from = 0;
                    for &to in &self.core_ends[..endlen] {
                        record.push_field(&self.core_out[from..to]);
                        from = to;
                    }
                    return Ok(true);
                }
                ReadRecordResult::End => {
                    self.ended = true;
                    return Ok(false);
                }
            }
        }
    }
}

/// Where the first delimiter, LF or quote is in `b[from..]`. Fields are short, so this tests
/// eight bytes at a time in a word (SWAR) rather than paying a `memchr3` call per field.
fn find_special(b: &[u8], from: usize, delimiter: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Marks the zero bytes of `x`; the lowest mark is always exact.
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let (d, lf, quote) = (
        ONES * u64::from(delimiter),
        ONES * u64::from(b'\n'),
        ONES * u64::from(b'"'),
    );
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let w = u64::from_le_bytes(bytes);
        let hits = zeros(w ^ d) | zeros(w ^ lf) | zeros(w ^ quote);
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(|c| *c == delimiter || *c == b'\n' || *c == b'"')
        .map(|k| i + k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every record with its fields and start position, read both ways.
    fn ours(text: &[u8], delimiter: u8, chunk: usize) -> Vec<(Vec<Vec<u8>>, u64, u64)> {
        let mut r = Records::new(Chunked { text, at: 0, chunk }, delimiter);
        let mut rec = ByteRecord::new();
        let mut out = Vec::new();
        while r.read_byte_record(&mut rec).unwrap() {
            let p = rec.position().unwrap();
            out.push((rec.iter().map(<[u8]>::to_vec).collect(), p.line(), p.byte()));
        }
        let end = r.position();
        out.push((Vec::new(), end.line(), end.byte()));
        out
    }

    fn theirs(text: &[u8], delimiter: u8, chunk: usize) -> Vec<(Vec<Vec<u8>>, u64, u64)> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(BUFFER_BYTES)
            .from_reader(Chunked { text, at: 0, chunk });
        let mut rec = ByteRecord::new();
        let mut out = Vec::new();
        while r.read_byte_record(&mut rec).unwrap() {
            let p = rec.position().unwrap();
            out.push((rec.iter().map(<[u8]>::to_vec).collect(), p.line(), p.byte()));
        }
        let end = r.position();
        out.push((Vec::new(), end.line(), end.byte()));
        out
    }

    /// Hands out the text a few bytes at a time, so records cross the buffer's end.
    struct Chunked<'a> {
        text: &'a [u8],
        at: usize,
        chunk: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.chunk).min(self.text.len() - self.at);
            buf[..n].copy_from_slice(&self.text[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn plain_quoted_and_odd_records_read_as_csv_reads_them() {
        let text = b"h1,h2,h3\n\na,\"b,1\",c\r\n\"x\"\"y\",\"multi\nline\"\r\n\n\nq\"in,\"open\"tail,z\n\"\",,\n\"last\"";
        for chunk in [1, 3, 7, 64, BUFFER_BYTES] {
            assert_eq!(
                ours(text, b',', chunk),
                theirs(text, b',', chunk),
                "chunk {chunk}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_text_reads_as_csv_reads_it(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(&b","[..]), Just(&b";"[..]), Just(&b"\""[..]), Just(&b"\"\""[..]),
                    Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b"\r"[..]), Just(&b"ab"[..]),
                    Just(&b"12345678901"[..]), Just(&b"\xEF\xBB\xBF"[..]), Just(&b" "[..]),
                ],
                0..60,
            ),
            chunk in prop_oneof![1usize..40, Just(BUFFER_BYTES)],
            semicolon in any::<bool>(),
        ) {
            let text: Vec<u8> = parts.concat();
            let d = if semicolon { b';' } else { b',' };
            prop_assert_eq!(ours(&text, d, chunk), theirs(&text, d, chunk));
        }
    }
}
