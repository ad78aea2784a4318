//! Text decoding of export files: sniff the encoding, delimiter and line endings from the start of
//! a file, then transcode the whole stream to UTF-8 while noting every byte that was replaced.

use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::{Deserialize, Serialize};

/// How much of a file is read up front to decide encoding, delimiter and line endings.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// Lines listed one by one before the rest are only counted.
const LISTED_LINES: usize = 20;

/// How an export file's bytes are text, as detected from its BOM and first 64 KiB
/// (docs/rsoft-export.md: RSoft writes UTF-8, UTF-16 or Windows-1252 depending on version and
/// settings). Serialized, and shown, by its WHATWG Encoding Standard label (`UTF-8`,
/// `UTF-16LE`, `UTF-16BE`, `windows-1252`); whether the file starts with a byte order mark is
/// [`Sniff::bom`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextEncoding {
    /// UTF-8 (a BOM, if any, is stripped before reading).
    #[serde(rename = "UTF-8")]
    Utf8,
    /// UTF-16 little-endian, with or without FF FE.
    #[serde(rename = "UTF-16LE")]
    Utf16Le,
    /// UTF-16 big-endian, with or without FE FF.
    #[serde(rename = "UTF-16BE")]
    Utf16Be,
    /// The fallback when the start is not valid UTF-8: characters of non-ASCII bytes are a guess,
    /// so their lines are listed in [`DecodeNotes`].
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl TextEncoding {
    /// The WHATWG Encoding Standard name (`UTF-8`, `UTF-16LE`, `UTF-16BE`, `windows-1252`), as
    /// `encoding_rs` names them too.
    pub fn label(self) -> &'static str {
        self.encoding().name()
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
            TextEncoding::Windows1252 => WINDOWS_1252,
        }
    }
}

/// The field separator, decided by counting candidates in the header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    /// `,`
    Comma,
    /// `;` (exports from locales with a decimal comma).
    Semicolon,
    /// A tab (`\t`).
    Tab,
}

impl Delimiter {
    /// The separator as the byte the CSV reader splits on.
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    /// The separator's name for people (`comma`, `semicolon`, `tab`).
    pub fn label(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
        }
    }
}

/// The line terminator a file uses: from the first 64 KiB when sniffed, from every line once the
/// file is read ([`crate::rsoft::RowReader::sniff`] after the last row). Reading accepts either;
/// this is reported.
/// Serialized as `CRLF`, `LF`, `mixed` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineEnding {
    /// Every line ends in CR LF (Windows).
    #[serde(rename = "CRLF")]
    Crlf,
    /// Every line ends in LF.
    #[serde(rename = "LF")]
    Lf,
    /// Both CR LF and bare LF occur ([`Sniff::line_ends`] counts each).
    #[serde(rename = "mixed")]
    Mixed,
    /// A single line with no terminator, or an empty file.
    #[serde(rename = "none")]
    Unknown,
}

impl LineEnding {
    /// `CRLF`, `LF`, `mixed` or `none`, as serialized.
    pub fn label(self) -> &'static str {
        match self {
            LineEnding::Crlf => "CRLF",
            LineEnding::Lf => "LF",
            LineEnding::Mixed => "mixed",
            LineEnding::Unknown => "none",
        }
    }
}

/// Line ends of a file's records (not line breaks inside quoted cells): its first 64 KiB when
/// sniffed, all of it once read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineEndCounts {
    /// Lines ending in CR LF.
    pub crlf: u64,
    /// Lines ending in a bare LF.
    pub lf: u64,
}

impl LineEndCounts {
    /// Adds one line end: CR LF when `crlf`, else a bare LF.
    pub fn end(&mut self, crlf: bool) {
        if crlf {
            self.crlf += 1;
        } else {
            self.lf += 1;
        }
    }

    /// The terminator these counts show.
    pub fn ending(&self) -> LineEnding {
        match (self.crlf, self.lf) {
            (0, 0) => LineEnding::Unknown,
            (_, 0) => LineEnding::Crlf,
            (0, _) => LineEnding::Lf,
            _ => LineEnding::Mixed,
        }
    }
}

/// What the start of a file says about how to read it, and how that was decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sniff {
    /// How the bytes are text.
    pub encoding: TextEncoding,
    /// The field separator.
    pub delimiter: Delimiter,
    /// The line terminator.
    pub line_ending: LineEnding,
    /// The line ends counted in the sample (both non-zero when `line_ending` is mixed).
    pub line_ends: LineEndCounts,
    /// The file starts with a byte order mark (stripped before reading).
    pub bom: bool,
    /// The first line is a spreadsheet's `sep=;` directive (Excel writes it, after a BOM if
    /// any): it set [`Sniff::delimiter`] and is no header or row; the header is the next line.
    #[serde(default)]
    pub separator_line: bool,
    /// For people: e.g. `no BOM; first 64 KiB are valid UTF-8; header has 14 commas, 0 semicolons, 0 tabs; 120 CRLF, 0 LF`.
    pub how: String,
}

/// Decides encoding, delimiter and line endings from the first bytes of a file.
pub fn sniff(sample: &[u8]) -> Sniff {
    let (encoding, mut how) = sniff_encoding(sample);
    let bom = matches!(
        sample,
        [0xEF, 0xBB, 0xBF, ..] | [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]
    );
    let (text, _) = encoding.encoding().decode_with_bom_removal(sample);
    let directive = separator_directive(&text);
    let (delimiter, delim_how) = match directive {
        Some(d) => (
            d,
            format!(
                "first line \"sep={}\" declares the separator: {}",
                char::from(d.byte()),
                d.label()
            )
            .replace('\t', "\\t"),
        ),
        None => sniff_delimiter(&text),
    };
    let (line_ending, line_ends, le_how) = sniff_line_ending(&text);
    how.push_str("; ");
    how.push_str(&delim_how);
    how.push_str("; ");
    how.push_str(&le_how);
    Sniff {
        encoding,
        delimiter,
        line_ending,
        line_ends,
        bom,
        separator_line: directive.is_some(),
        how,
    }
}

/// Why the start of a file (its first 64 KiB) is no text, if it is not: a known binary format
/// by its signature, NUL bytes outside a UTF-16 file, or more than one byte in ten a control
/// character (a text file has only tabs and line ends). `None` for text.
pub fn not_text(sample: &[u8], encoding: TextEncoding) -> Option<String> {
    const SIGNATURES: [(&[u8], &str); 4] = [
        (
            b"PK\x03\x04",
            "it is a zip archive (an Excel .xlsx workbook is one)",
        ),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "it is an Excel 97-2003 (.xls) workbook",
        ),
        (b"%PDF", "it is a PDF document"),
        (b"\x1F\x8B", "it is a gzip archive"),
    ];
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| sample.starts_with(sig)) {
        return Some((*what).to_string());
    }
    if matches!(encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be) {
        return None;
    }
    let kib = sample.len().div_ceil(1024);
    let nul = memchr::memchr_iter(0, sample).count();
    if nul > 0 {
        return Some(format!(
            "its first {kib} KiB hold {nul} NUL bytes, which no text file has (a UTF-16 text file would have them in every other byte)"
        ));
    }
    let control = sample
        .iter()
        .filter(|b| (**b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || **b == 0x7F)
        .count();
    (control * 10 > sample.len()).then(|| {
        format!(
            "{control} of the first {} bytes are control characters, which text does not hold",
            sample.len()
        )
    })
}

/// The separator a spreadsheet's first line `sep=;` (or `sep=,`, `sep=<tab>`; any case) declares,
/// if the text starts with one. Excel writes and reads it; it is a directive, not a header.
fn separator_directive(text: &str) -> Option<Delimiter> {
    let head = text.get(..4)?;
    if !head.eq_ignore_ascii_case("sep=") {
        return None;
    }
    let rest = &text.as_bytes()[4..];
    let delimiter = match rest.first()? {
        b',' => Delimiter::Comma,
        b';' => Delimiter::Semicolon,
        b'\t' => Delimiter::Tab,
        _ => return None,
    };
    // The directive is the whole line (Excel writes nothing after it; a separator repeated
    // by a re-save, `sep=;;`, is tolerated).
    let line_end = rest[1..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(&rest[1..], |i| &rest[1..1 + i]);
    line_end
        .iter()
        .all(|b| *b == b'\r' || *b == delimiter.byte())
        .then_some(delimiter)
}

fn sniff_encoding(sample: &[u8]) -> (TextEncoding, String) {
    match sample {
        [0xEF, 0xBB, 0xBF, ..] => return (TextEncoding::Utf8, "UTF-8 BOM (EF BB BF)".into()),
        [0xFF, 0xFE, ..] => return (TextEncoding::Utf16Le, "UTF-16 LE BOM (FF FE)".into()),
        [0xFE, 0xFF, ..] => return (TextEncoding::Utf16Be, "UTF-16 BE BOM (FE FF)".into()),
        _ => {}
    }
    let kib = sample.len().div_ceil(1024);
    // Without a BOM, UTF-16 text of mostly ASCII shows NUL in every other byte.
    let pairs = sample.len() / 2;
    if pairs >= 4 {
        let even_nul = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let odd_nul = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|b| **b == 0)
            .count();
        if odd_nul * 10 >= pairs * 9 && even_nul == 0 {
            return (
                TextEncoding::Utf16Le,
                "no BOM, but every second byte is NUL: UTF-16 LE".into(),
            );
        }
        if even_nul * 10 >= pairs * 9 && odd_nul == 0 {
            return (
                TextEncoding::Utf16Be,
                "no BOM, but every first byte of a pair is NUL: UTF-16 BE".into(),
            );
        }
    }
    match std::str::from_utf8(sample) {
        Ok(s) if s.is_ascii() => (
            TextEncoding::Utf8,
            format!("no BOM; first {kib} KiB are plain ASCII, read as UTF-8"),
        ),
        Ok(_) => (
            TextEncoding::Utf8,
            format!("no BOM; first {kib} KiB are valid UTF-8"),
        ),
        // A multi-byte character cut by the end of the sample is still UTF-8.
        Err(e) if e.error_len().is_none() => (
            TextEncoding::Utf8,
            format!("no BOM; first {kib} KiB are valid UTF-8"),
        ),
        Err(e) => {
            let (valid, invalid) = utf8_evidence(sample);
            // Text written in UTF-8 with a stray byte pasted in from another encoding: read
            // as Windows-1252, every one of its UTF-8 characters would turn into two or three
            // wrong ones. Read as UTF-8, only the stray bytes are read as Windows-1252, and
            // their lines listed.
            if valid >= invalid {
                return (
                    TextEncoding::Utf8,
                    format!(
                        "no BOM; UTF-8 with stray bytes: in the first {kib} KiB {valid} \
                         multi-byte UTF-8 characters against {invalid} byte(s) that are not \
                         UTF-8 (the first 0x{:02X} at offset {}): read as UTF-8",
                        sample.get(e.valid_up_to()).copied().unwrap_or(0),
                        e.valid_up_to()
                    ),
                );
            }
            (
                TextEncoding::Windows1252,
                format!(
                    "no BOM; not UTF-8 (invalid byte 0x{:02X} at offset {}): read as Windows-1252",
                    sample.get(e.valid_up_to()).copied().unwrap_or(0),
                    e.valid_up_to()
                ),
            )
        }
    }
}

/// Multi-byte UTF-8 characters and invalid sequences in `sample` (a sequence cut by the end of
/// the sample is neither). Windows-1252 text almost never holds a valid multi-byte sequence
/// (`Ã©` is one only when the text is already garbled), so valid ones mean UTF-8.
fn utf8_evidence(sample: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    let mut chunks = sample.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        let last = chunks.peek().is_none();
        // An incomplete sequence at the very end was cut by the sample, not written wrong.
        let cut_by_sample = last && cut(chunk.invalid());
        invalid += usize::from(!chunk.invalid().is_empty() && !cut_by_sample);
    }
    (valid, invalid)
}

/// Whether `bytes` start a UTF-8 sequence that more bytes would complete.
fn cut(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes)
        .err()
        .is_some_and(|e| e.error_len().is_none())
}

/// Counts delimiters outside quotes in the header line; the most frequent wins, comma on a tie.
fn sniff_delimiter(text: &str) -> (Delimiter, String) {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let [comma, semi, tab] = counts;
    let delimiter = if semi > comma && semi >= tab {
        Delimiter::Semicolon
    } else if tab > comma && tab > semi {
        Delimiter::Tab
    } else {
        Delimiter::Comma
    };
    (
        delimiter,
        format!(
            "header has {comma} commas, {semi} semicolons, {tab} tabs: {}",
            delimiter.label()
        ),
    )
}

/// Counts the line ends of records in the sample: a line break inside a quoted cell ends no
/// record, so a CRLF file with one is not `mixed`.
fn sniff_line_ending(text: &str) -> (LineEnding, LineEndCounts, String) {
    let mut counts = LineEndCounts::default();
    let b = text.as_bytes();
    let mut quoted = false;
    for i in memchr::memchr2_iter(b'"', b'\n', b) {
        if b[i] == b'"' {
            quoted = !quoted;
        } else if !quoted {
            counts.end(i.checked_sub(1).is_some_and(|j| b[j] == b'\r'));
        }
    }
    let how = format!("{} CRLF and {} LF line ends", counts.crlf, counts.lf);
    (counts.ending(), counts, how)
}

/// What transcoding had to change, with the lines it happened on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DecodeNotes {
    /// Undecodable byte sequences replaced by U+FFFD.
    pub replaced: u64,
    /// Lines (1-based, physical) holding a replacement; the first few only.
    pub replaced_lines: Vec<u64>,
    /// Windows-1252 fallback: lines with non-ASCII bytes, whose characters were guessed.
    pub non_ascii_lines: u64,
    /// Byte sequences of a UTF-8 file that are not UTF-8, read as Windows-1252.
    pub stray: u64,
    /// Lines (1-based, physical) holding one; the first few only.
    pub stray_lines: Vec<u64>,
    /// Those lines (1-based, physical), the first few only.
    pub non_ascii_first_lines: Vec<u64>,
    /// Windows-1252 fallback: lines holding a multi-byte UTF-8 character, read as UTF-8.
    #[serde(default)]
    pub utf8_lines: u64,
    /// Those lines (1-based, physical), the first few only.
    #[serde(default)]
    pub utf8_first_lines: Vec<u64>,
}

impl DecodeNotes {
    pub(crate) fn note_replaced(&mut self, line: u64) {
        self.replaced += 1;
        if self.replaced_lines.len() < LISTED_LINES && self.replaced_lines.last() != Some(&line) {
            self.replaced_lines.push(line);
        }
    }

    pub(crate) fn note_stray(&mut self, line: u64) {
        self.stray += 1;
        if self.stray_lines.len() < LISTED_LINES && self.stray_lines.last() != Some(&line) {
            self.stray_lines.push(line);
        }
    }

    fn note_non_ascii(&mut self, line: u64) {
        note_line(
            &mut self.non_ascii_lines,
            &mut self.non_ascii_first_lines,
            line,
        );
    }

    fn note_utf8(&mut self, line: u64) {
        note_line(&mut self.utf8_lines, &mut self.utf8_first_lines, line);
    }
}

/// Counts `line` and lists it while the list is short (the caller notes each line once).
fn note_line(count: &mut u64, first: &mut Vec<u64>, line: u64) {
    *count += 1;
    if first.len() < LISTED_LINES {
        first.push(line);
    }
}

/// The text a CSV reader reads: UTF-8 passes through untouched (the row reader checks each record
/// and notes replacements itself), anything else is transcoded to UTF-8.
pub enum TextStream<R> {
    /// Bytes already UTF-8 (BOM skipped), passed through.
    Utf8(R),
    /// Bytes decoded to UTF-8 as they are read.
    Transcoded(Box<Transcoder<R>>),
}

impl<R: Read> TextStream<R> {
    /// `inner` must already be past a UTF-8 BOM.
    pub fn new(inner: R, encoding: TextEncoding) -> Self {
        match encoding {
            TextEncoding::Utf8 => TextStream::Utf8(inner),
            other => TextStream::Transcoded(Box::new(Transcoder::new(inner, other))),
        }
    }

    /// What transcoding changed; `None` for UTF-8, which is checked per record instead.
    pub fn notes(&self) -> Option<&DecodeNotes> {
        match self {
            TextStream::Utf8(_) => None,
            TextStream::Transcoded(t) => Some(t.notes()),
        }
    }
}

impl<R: Read> Read for TextStream<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            TextStream::Utf8(r) => r.read(buf),
            TextStream::Transcoded(t) => t.read(buf),
        }
    }
}

/// A `Read` that yields the file as UTF-8, whatever it was written in, and keeps [`DecodeNotes`].
pub struct Transcoder<R> {
    inner: R,
    decoder: Decoder,
    /// Windows-1252 decoding never fails, so it notes lines with non-ASCII bytes instead, and
    /// reads multi-byte UTF-8 characters as UTF-8 ([`Self::refill_windows_1252`]).
    guessing: bool,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    /// The decoder has seen the end of input and must not be called again.
    finished: bool,
    /// Decoded text is `output[out_pos..out_end]`. Allocated once at full size: zeroing a
    /// fresh 192 KiB for every 64 KiB of input cost more than the decoding.
    output: Box<[u8]>,
    out_pos: usize,
    out_end: usize,
    /// Newlines already passed on the output side, i.e. the current line is `lines + 1`.
    lines: u64,
    /// The last lines noted as guessed and as holding UTF-8 (0: none yet), so each is noted
    /// once however many characters it has.
    noted: (u64, u64),
    notes: DecodeNotes,
}

impl<R: Read> Transcoder<R> {
    /// Decode `inner` from `encoding`; a BOM is removed, and Windows-1252 input has its
    /// non-ASCII lines noted. Reads 64 KiB of input at a time.
    pub fn new(inner: R, encoding: TextEncoding) -> Self {
        let decoder = match encoding {
            TextEncoding::Windows1252 => WINDOWS_1252.new_decoder_without_bom_handling(),
            other => other.encoding().new_decoder_with_bom_removal(),
        };
        let input_bytes = 64 * 1024;
        // Room for the longest decoding of a full input buffer, and one U+FFFD after it.
        let output_bytes = decoder
            .max_utf8_buffer_length(input_bytes)
            .unwrap_or(3 * input_bytes + 16)
            + REPLACEMENT.len();
        Transcoder {
            inner,
            decoder,
            guessing: encoding == TextEncoding::Windows1252,
            input: vec![0; input_bytes].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            eof: false,
            finished: false,
            output: vec![0; output_bytes].into_boxed_slice(),
            out_pos: 0,
            out_end: 0,
            lines: 0,
            noted: (0, 0),
            notes: DecodeNotes::default(),
        }
    }

    /// What was replaced or guessed so far (complete once the stream is read to its end).
    pub fn notes(&self) -> &DecodeNotes {
        &self.notes
    }

    /// Decodes the next chunk of input into `output`; false at the end of the stream.
    fn refill(&mut self) -> io::Result<bool> {
        self.out_pos = 0;
        self.out_end = 0;
        if self.guessing {
            return self.refill_windows_1252();
        }
        while !self.finished {
            if self.in_start == self.in_end && !self.eof {
                self.in_start = 0;
                self.in_end = self.inner.read(&mut self.input)?;
                self.eof = self.in_end == 0;
            }
            let last = self.eof;
            let src = &self.input[self.in_start..self.in_end];
            // Each pass starts on an empty buffer: a pass that produced text returns below.
            let room = self.output.len() - REPLACEMENT.len();
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                src,
                &mut self.output[..room],
                last,
            );
            self.out_end = written;
            self.in_start += read;
            self.finished = last && matches!(result, DecoderResult::InputEmpty);
            if let DecoderResult::Malformed(_, _) = result {
                let line = self.lines + 1 + count_newlines(&self.output[..self.out_end]) as u64;
                self.notes.note_replaced(line);
                self.output[self.out_end..self.out_end + REPLACEMENT.len()]
                    .copy_from_slice(REPLACEMENT);
                self.out_end += REPLACEMENT.len();
            }
            if self.out_end > 0 {
                self.lines += count_newlines(&self.output[..self.out_end]) as u64;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// [`Self::refill`] for Windows-1252 input. A multi-byte UTF-8 character in it is read as
    /// UTF-8 and its line noted: Windows-1252 text almost never holds a valid one by chance,
    /// and read byte by byte it would be two or three wrong characters (`é` → `Ã©`), where
    /// a value pasted from a UTF-8 program meant one. Every other non-ASCII byte is read as
    /// Windows-1252 and its line noted as a guess. A sequence cut by the end of the input
    /// buffer waits for the next read.
    fn refill_windows_1252(&mut self) -> io::Result<bool> {
        while !self.finished {
            // Too few bytes left to hold a whole sequence: move them to the front, read on.
            if !self.eof && self.in_end - self.in_start < 4 {
                self.input.copy_within(self.in_start..self.in_end, 0);
                self.in_end -= self.in_start;
                self.in_start = 0;
                let n = self.inner.read(&mut self.input[self.in_end..])?;
                self.eof = n == 0;
                self.in_end += n;
            }
            if self.in_start == self.in_end {
                self.finished = self.eof;
                continue;
            }
            let src = &self.input[self.in_start..self.in_end];
            let mut line = self.lines + 1;
            let mut out = self.out_end;
            let mut read = 0;
            for chunk in src.utf8_chunks() {
                let valid = chunk.valid().as_bytes();
                self.output[out..out + valid.len()].copy_from_slice(valid);
                out += valid.len();
                if valid.is_ascii() {
                    line += count_newlines(valid) as u64;
                } else {
                    let mut start = 0;
                    for end in memchr::memchr_iter(b'\n', valid).chain([valid.len()]) {
                        if !valid[start..end].is_ascii() && self.noted.1 != line {
                            self.noted.1 = line;
                            self.notes.note_utf8(line);
                        }
                        line += u64::from(end < valid.len());
                        start = end + 1;
                    }
                }
                read += valid.len();
                let invalid = chunk.invalid();
                if invalid.is_empty() {
                    continue;
                }
                if !self.eof && read + invalid.len() == src.len() && cut(invalid) {
                    break;
                }
                // Windows-1252 maps every byte: nothing is malformed, and `output` has room
                // for three bytes of text per input byte.
                let (_, _, written) = self.decoder.decode_to_utf8_without_replacement(
                    invalid,
                    &mut self.output[out..],
                    false,
                );
                out += written;
                read += invalid.len();
                if self.noted.0 != line {
                    self.noted.0 = line;
                    self.notes.note_non_ascii(line);
                }
            }
            self.in_start += read;
            self.lines = line - 1;
            self.out_end = out;
            if out > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// U+FFFD, written where a byte sequence could not be decoded.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

fn count_newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

impl<R: Read> Read for Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out_end && !self.refill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.out_end - self.out_pos);
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8], enc: TextEncoding) -> (String, DecodeNotes) {
        let mut t = Transcoder::new(bytes, enc);
        let mut s = String::new();
        t.read_to_string(&mut s).unwrap();
        (s, t.notes().clone())
    }

    #[test]
    fn bad_utf8_is_replaced_and_noted_with_its_line() {
        let (s, notes) = decode_all(b"a,b\n1,2\n3,\xFF\n", TextEncoding::Utf8);
        assert_eq!(s, "a,b\n1,2\n3,\u{FFFD}\n");
        assert_eq!(notes.replaced, 1);
        assert_eq!(notes.replaced_lines, vec![3]);
    }

    #[test]
    fn long_streams_decode_whole_across_refills() {
        // Several 64 KiB input buffers, with multi-byte output and a bad byte past the first.
        let line = b"Caf\xE9 \x80 5,000\n";
        let cp1252 = line.repeat(20_000);
        let (s, notes) = decode_all(&cp1252, TextEncoding::Windows1252);
        assert_eq!(s, "Caf\u{e9} \u{20ac} 5,000\n".repeat(20_000));
        assert_eq!(notes.non_ascii_lines, 20_000);
        let mut utf8 = "Caf\u{e9} \u{20ac} 5,000\n".repeat(10_000).into_bytes();
        utf8[150_000] = 0xFF;
        let (s, notes) = decode_all(&utf8, TextEncoding::Utf8);
        assert_eq!(s.len(), utf8.len() + 2, "one byte became U+FFFD");
        assert_eq!(notes.replaced, 1);
        let line_of_bad = 1 + utf8[..150_000].iter().filter(|b| **b == b'\n').count() as u64;
        assert_eq!(notes.replaced_lines, vec![line_of_bad]);
    }

    #[test]
    fn windows_1252_notes_lines_with_non_ascii() {
        let (s, notes) = decode_all(b"a\nCaf\xE9\nx\n\x80 5\n", TextEncoding::Windows1252);
        assert_eq!(s, "a\nCaf\u{e9}\nx\n\u{20ac} 5\n");
        assert_eq!(notes.non_ascii_lines, 2);
        assert_eq!(notes.non_ascii_first_lines, vec![2, 4]);
    }

    /// A UTF-8 character in a Windows-1252 file is read as UTF-8 (`D\xC3\xA9sai` is Désai,
    /// not DÃ©sai) and its line noted apart from the guessed ones, also when the two bytes
    /// fall on either side of a 64 KiB read (trial 8).
    #[test]
    fn utf8_characters_in_a_windows_1252_file_are_read_as_utf8() {
        let (s, notes) = decode_all(
            b"a\nD\xC3\xA9sai\nCaf\xE9\n\xC3 \xE2\x82\n",
            TextEncoding::Windows1252,
        );
        assert_eq!(s, "a\nD\u{e9}sai\nCaf\u{e9}\n\u{c3} \u{e2}\u{201a}\n");
        assert_eq!((notes.utf8_lines, notes.utf8_first_lines), (1, vec![2]));
        assert_eq!(notes.non_ascii_first_lines, vec![3, 4]);

        let mut bytes = b"x".repeat(64 * 1024 - 1);
        bytes.extend_from_slice(b"\xC3\xA9\n\xE9\n");
        let (s, notes) = decode_all(&bytes, TextEncoding::Windows1252);
        assert!(s.ends_with("x\u{e9}\n\u{e9}\n"), "{:?}", &s[s.len() - 8..]);
        assert_eq!(notes.utf8_first_lines, vec![1]);
        assert_eq!(notes.non_ascii_first_lines, vec![2]);
    }

    #[test]
    fn a_sep_directive_sets_the_separator_with_or_without_a_bom() {
        for text in [
            &b"\xEF\xBB\xBFsep=;\r\nA;B\r\n1,5;2\r\n"[..],
            b"SEP=;\nA;B\n1,5;2\n",
        ] {
            let s = sniff(text);
            assert!(s.separator_line, "{}", s.how);
            assert_eq!(s.delimiter, Delimiter::Semicolon);
            assert!(s.how.contains("sep=;"), "{}", s.how);
        }
        let s = sniff(b"sep=\t\nA\tB\n");
        assert_eq!(s.delimiter, Delimiter::Tab);
        // A header that starts with the letters is no directive.
        let s = sniff(b"sep=x,Name\n1,2\n");
        assert!(!s.separator_line);
        assert_eq!(s.delimiter, Delimiter::Comma);
    }

    #[test]
    fn binary_starts_are_not_text_and_utf16_is() {
        assert!(
            not_text(b"PK\x03\x04\x14\x00", TextEncoding::Utf8)
                .unwrap()
                .contains("xlsx")
        );
        let mut bin: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        bin[0] = b'A';
        assert!(
            not_text(&bin, TextEncoding::Windows1252)
                .unwrap()
                .contains("NUL")
        );
        let controls: Vec<u8> = b"ab\x01\x02\x03\x04".repeat(100);
        assert!(
            not_text(&controls, TextEncoding::Utf8)
                .unwrap()
                .contains("control")
        );
        let utf16: Vec<u8> = "A,B\r\n1,2\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(not_text(&utf16, TextEncoding::Utf16Le), None);
        assert_eq!(not_text(b"A,B\r\n1,\"x\ty\"\r\n", TextEncoding::Utf8), None);
    }

    #[test]
    fn tie_goes_to_comma_and_quotes_are_skipped() {
        let s = sniff(b"\"a;b\",c\n1,2\n");
        assert_eq!(s.delimiter, Delimiter::Comma);
        assert_eq!(s.line_ending, LineEnding::Lf);
    }
}
