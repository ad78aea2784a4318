//! Column profiling on the stream: fill rate, distinct estimate, inferred type, samples, and the
//! day-first / month-first evidence of date columns. Memory per column is bounded.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::hashing::{FastHash, hash};
use super::modules::Module;
use crate::cells::is_scientific;
use crate::mapping::transform::phone::split_extension;
use crate::numbers::format::{FormatDecision, FormatTally};
use crate::numbers::money_text::{has_three_decimals, money_text};
use crate::numbers::percent::{PercentDecision, PercentTally};

/// Values kept as samples per column.
const SAMPLES: usize = 3;
/// Longest sample kept, in characters.
const SAMPLE_CHARS: usize = 80;
/// Distinct values are counted exactly up to this many, then estimated (k minimum values, about
/// 3% error); small enough that the sketch stays in cache.
const DISTINCT_EXACT: usize = 1024;
/// Every value of a column is classified up to this many, then every `LOOK_EVERY`th.
const FULL_LOOKS: u64 = 8192;
const LOOK_EVERY: u64 = 8;
/// An enum has at most this many distinct values.
const ENUM_MAX: u64 = 25;
/// Digit-only values are tallied by width below this many digits: codes (PIN, ZIP, padded ids)
/// are shorter; longer runs are phone numbers or amounts, which [`ColumnKind`] judges.
const CODE_WIDTHS: usize = 16;
/// A column is one of fixed-width codes when at least this many digit-only values share one
/// width of at least [`CODE_MIN_WIDTH`] digits, and they are more than half of its digit-only
/// values: a shorter one is a code that lost its leading zeros.
const CODE_MIN_VALUES: u64 = 3;
/// Narrower codes (`001`) are too short to tell from small numbers by width.
const CODE_MIN_WIDTH: usize = 4;

/// What a column holds, as far as its values (and header) show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// At least 90% of judged values are addresses (`a@b.in`, or several split by `;`/`,`).
    Email,
    /// At least 90% look like phone numbers (digits with `+`, spaces, dashes or brackets).
    Phone,
    /// At least 90% are dates without a time; the order is in [`DateEvidence`].
    Date,
    /// Dates, at least one of them with a time of day.
    Datetime,
    /// Amounts: a currency symbol or code on some value, or a money-like header (`Amount`,
    /// `Value`, `Turnover`…) over numbers.
    Money,
    /// At least 90% are numbers (phone-like digit runs included).
    Number,
    /// At least 90% are yes/no, true/false or y/n (any case).
    Boolean,
    /// At most 25 distinct short values (60 bytes or less), each seen at least twice on average.
    Enum,
    /// Anything else, and columns with no filled value.
    FreeText,
    /// The record's own key (`Deal ID` in deals).
    Id,
    /// A key of another record (`Company ID` in contacts).
    Reference,
}

/// Tally slots, one per [`ColumnKind`]; a single value shows as one of them (`Id` for a record
/// code, `FreeText` for anything else; `Enum` and `Reference` are column-level decisions).
const SHAPES: usize = 11;

/// Every kind, in [`ColumnKind`] order.
const ALL_SHAPES: [ColumnKind; SHAPES] = [
    ColumnKind::Email,
    ColumnKind::Phone,
    ColumnKind::Date,
    ColumnKind::Datetime,
    ColumnKind::Money,
    ColumnKind::Number,
    ColumnKind::Boolean,
    ColumnKind::Enum,
    ColumnKind::FreeText,
    ColumnKind::Id,
    ColumnKind::Reference,
];

/// Which way round the dates of a column are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrderVerdict {
    /// A value has a first part above 12 (`25/04/2026`).
    DayFirst,
    /// A value has a second part above 12 (`04/25/2026`).
    MonthFirst,
    /// Values prove both orders: the column is inconsistent.
    Conflicting,
    /// Only dates no order can misread: year-first (ISO), or with the month by name
    /// (`12-Jan-2024`).
    YearFirst,
    /// No value decides it (`03/04/2026`): the operator must declare the order.
    Ambiguous,
}

/// The evidence for a date column's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateEvidence {
    /// Values whose first part is above 12 (`25/04/2026`): proof of day-first.
    pub day_first: u64,
    /// Values whose second part is above 12 (`04/25/2026`): proof of month-first.
    pub month_first: u64,
    /// ISO-style values (`2026-04-25`), which decide nothing about the others.
    pub year_first: u64,
    /// Values that fit both orders (`03/04/2026`).
    pub ambiguous: u64,
    /// Values with the month by name (`12-Jan-2024`, `Jan 12, 2024`), which, like ISO dates,
    /// read the same in any order and decide nothing about the others.
    #[serde(default)]
    pub named: u64,
    /// The first day-first value seen, shown to the operator as evidence.
    pub day_first_example: Option<String>,
    /// The first month-first value seen.
    pub month_first_example: Option<String>,
    /// The first ambiguous value seen.
    pub ambiguous_example: Option<String>,
    /// The first value with the month by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub named_example: Option<String>,
}

impl DateEvidence {
    /// The column's order: conflicting when both orders are proven, year-first only when every
    /// value is ISO-style, ambiguous when nothing decides it.
    pub fn verdict(&self) -> DateOrderVerdict {
        match (self.day_first > 0, self.month_first > 0) {
            (true, true) => DateOrderVerdict::Conflicting,
            (true, false) => DateOrderVerdict::DayFirst,
            (false, true) => DateOrderVerdict::MonthFirst,
            (false, false) if self.ambiguous == 0 && self.year_first + self.named > 0 => {
                DateOrderVerdict::YearFirst
            }
            _ => DateOrderVerdict::Ambiguous,
        }
    }

    /// Adds `other`'s counts (another column, or the same column in another file); the first
    /// example of each kind is kept.
    pub fn absorb(&mut self, other: &DateEvidence) {
        self.day_first += other.day_first;
        self.month_first += other.month_first;
        self.year_first += other.year_first;
        self.ambiguous += other.ambiguous;
        self.named += other.named;
        for (slot, v) in [
            (&mut self.day_first_example, &other.day_first_example),
            (&mut self.month_first_example, &other.month_first_example),
            (&mut self.ambiguous_example, &other.ambiguous_example),
            (&mut self.named_example, &other.named_example),
        ] {
            if slot.is_none() {
                slot.clone_from(v);
            }
        }
    }

    fn observe(&mut self, value: &str, class: DateClass) {
        let keep = |slot: &mut Option<String>| {
            if slot.is_none() {
                *slot = Some(value.to_string());
            }
        };
        match class {
            DateClass::YearFirst => self.year_first += 1,
            DateClass::Named => {
                self.named += 1;
                keep(&mut self.named_example);
            }
            DateClass::DayFirst => {
                self.day_first += 1;
                keep(&mut self.day_first_example);
            }
            DateClass::MonthFirst => {
                self.month_first += 1;
                keep(&mut self.month_first_example);
            }
            DateClass::Ambiguous => {
                self.ambiguous += 1;
                keep(&mut self.ambiguous_example);
            }
        }
    }
}

/// What one date value proves about the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateClass {
    DayFirst,
    MonthFirst,
    YearFirst,
    Ambiguous,
    /// The month by name (`12-Jan-2024`).
    Named,
}

/// What one value looks like, remembered per distinct value so repeats cost a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Look {
    shape: ColumnKind,
    date: Option<DateClass>,
    /// The damage and multi-value tests' verdict: a repeat is flagged without testing again.
    damage: Damage,
}

/// What [`Damage::of`] finds in one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Damage {
    scientific: bool,
    lost_characters: bool,
    /// A `?` ending a word right after a letter (`Sneh?`, `Who?`): a lost last letter or a
    /// question, told apart by the column (see [`ColumnProfiler::finish`]).
    lost_last_letter: bool,
    multi_valued: bool,
    /// A "no date" placeholder (`31/12/9999`, [`crate::dates::is_placeholder`]).
    placeholder_date: bool,
    /// A word for an unknown value (`N/A`, `-`, `TBD`, [`crate::cells::is_placeholder`]).
    placeholder: bool,
    /// A spreadsheet formula saved as its text (`=A2*1.18`, [`crate::cells::is_formula`]).
    formula: bool,
    /// A character no one sees (`C1` + U+200B, [`crate::cells::has_invisible`]).
    invisible: bool,
    /// The value's width when it is digits only and narrower than [`CODE_WIDTHS`], else 0: the
    /// tally that finds codes a spreadsheet cut short ([`ColumnProfiler::short_codes`]).
    digits: u8,
}

impl Damage {
    /// Damage and multi-valued tests; cheap byte tests first, since most values have neither.
    fn of(value: &str) -> Damage {
        let b = value.as_bytes();
        // One scan finds what the other tests need; most values have none of it.
        let marks = Marks::of(b);
        // A lone `?` is someone's "not known", not a letter lost to `?`. A cell of only
        // placeholders (`N/A; -`) is a blank to the load too; bytes first, before any split.
        let placeholder = crate::cells::is_placeholder(value)
            || (marks.separator
                && marks.digits == 0
                && marks.ats == 0
                && crate::cells::could_be_placeholders(b)
                && crate::cells::only_placeholders(split_values(value)));
        Damage {
            scientific: marks.exponent
                && b.first().is_some_and(u8::is_ascii_digit)
                && b.len() <= 24
                && is_scientific(b),
            lost_characters: marks.question && !placeholder && lost_characters(value),
            lost_last_letter: marks.question && !placeholder && lost_last_letter(value),
            multi_valued: multi_valued(value, marks),
            placeholder_date: crate::dates::is_placeholder(value),
            placeholder,
            formula: b.first() == Some(&b'=') && crate::cells::is_formula(value),
            invisible: marks.invisible && crate::cells::has_invisible(value),
            digits: match u8::try_from(b.len()) {
                Ok(width)
                    if usize::from(width) < CODE_WIDTHS && marks.digits == u32::from(width) =>
                {
                    width
                }
                _ => 0,
            },
        }
    }
}

/// A finished column profile: what the mapping layer's proposer reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    /// The header as written in the file.
    pub header: String,
    /// The standard RSoft header it stands for, if any; `None` means a custom field.
    pub canonical: Option<String>,
    /// The RSoft module of the file the column is in; `None` for an unclassified file.
    pub module: Option<Module>,
    /// Rows that were read (bad rows excluded).
    pub rows: u64,
    /// Rows with a non-blank value.
    pub filled: u64,
    /// `filled / rows`, 0 when there are no rows.
    pub fill_rate: f64,
    /// Distinct non-blank values (exact up to 1024, then a KMV estimate).
    pub distinct: u64,
    /// False when `distinct` is an estimate (past 1024 distinct values).
    pub distinct_exact: bool,
    /// The kind the column's values show (90% of judged values, see [`ColumnKind`]).
    pub inferred: ColumnKind,
    /// Up to 3 distinct values as examples, each cut at 80 characters.
    pub samples: Vec<String>,
    /// Longest value, in bytes.
    pub max_len: usize,
    /// Present for date and datetime columns.
    pub dates: Option<DateEvidence>,
    /// The column's date order; present for date and datetime columns.
    pub date_order: Option<DateOrderVerdict>,
    /// What every judged value of the column looked like: how many fit `inferred`, and the
    /// kinds of the others with counts and examples (file lines).
    #[serde(default)]
    pub evidence: ColumnEvidence,
    /// The column's number format, decided from all its number values (number and money
    /// columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_format: Option<FormatDecision>,
    /// Whether the column's numbers are on 0–100 or fractions of one, decided from all its
    /// number values (number and money columns, and columns of numbers written with `%`): what a
    /// column mapped to a percent field is read in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_scale: Option<PercentDecision>,
    /// Damage a spreadsheet did, and cells holding several values.
    #[serde(default)]
    pub flags: ColumnFlags,
    /// Every value is a spreadsheet serial day number (`45231` = 2023-11-01) and the header
    /// names a date: the column is a date column a spreadsheet damaged, read as serials
    /// (`flags.excel_serials` has the count and examples).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub excel_serial: bool,
    /// The width, in digits, of the fixed-width codes the column holds (`6` for Indian PINs),
    /// when some of its codes are shorter (`flags.short_codes` has them). Codes, not
    /// quantities: the header names a postal code or a code of that width starts with `0`; at
    /// least 3 digit-only values have the width (4 digits or more), more than half of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_width: Option<usize>,
}

/// Examples kept per failure kind and flag.
const EXAMPLES: usize = 3;
/// Lines listed per flag.
const FLAG_LINES: usize = 20;

/// A value and the file line it is on; `file` names the file where the context does not (a
/// column of a module split over several files, in `map`'s value check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// The file's path inside the export, when not implied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Physical line (1-based) where the value's row starts.
    pub line: u64,
    /// The value as read, cut at 80 characters.
    pub value: String,
}

/// The values of the column that look like another kind than the one inferred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindCount {
    /// The kind these values look like.
    pub kind: ColumnKind,
    /// How many judged values look like it.
    pub count: u64,
    /// Up to 3 of them with their lines.
    pub examples: Vec<Example>,
}

/// What a column's judged values looked like.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnEvidence {
    /// Values judged (every value up to 8192, then every 8th; date columns every value).
    pub judged: u64,
    /// Of them, values that read as the inferred kind.
    pub fit: u64,
    /// The other kinds seen, most first.
    pub other: Vec<KindCount>,
}

impl ColumnEvidence {
    /// `fit / judged`, 1 for a column with nothing judged.
    pub fn share(&self) -> f64 {
        if self.judged == 0 {
            1.0
        } else {
            self.fit as f64 / self.judged as f64
        }
    }

    /// Values of `kind` among those judged.
    pub fn count(&self, kind: ColumnKind) -> u64 {
        self.other
            .iter()
            .find(|k| k.kind == kind)
            .map_or(0, |k| k.count)
    }
}

/// Cells with one kind of damage or shape, with the first lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flagged {
    /// Cells flagged in the column.
    pub count: u64,
    /// The first 20 lines.
    pub lines: Vec<u64>,
    /// Up to 3 flagged values, each cut at 80 characters.
    pub examples: Vec<String>,
}

impl Flagged {
    fn add(&mut self, line: u64, value: &str) {
        self.count += 1;
        if self.lines.len() < FLAG_LINES {
            self.lines.push(line);
        }
        if self.examples.len() < EXAMPLES {
            self.examples
                .push(value.chars().take(SAMPLE_CHARS).collect());
        }
    }

    /// No cell was flagged.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds `other`'s cells (the same column in another file of the module): counts add up,
    /// lines and examples are kept within their bounds.
    pub fn absorb(&mut self, other: &Flagged) {
        self.count += other.count;
        let room = FLAG_LINES.saturating_sub(self.lines.len());
        self.lines.extend(other.lines.iter().take(room));
        let room = EXAMPLES.saturating_sub(self.examples.len());
        self.examples
            .extend(other.examples.iter().take(room).cloned());
    }

    /// Adds `other`'s cells of the same file, whose lines may come before these: the first
    /// lines of both, in order.
    fn interleave(&mut self, other: &Flagged) {
        let mut lines: Vec<u64> = self.lines.iter().chain(&other.lines).copied().collect();
        lines.sort_unstable();
        lines.truncate(FLAG_LINES);
        self.absorb(other);
        self.lines = lines;
    }

    /// The first lines, `3, 5, 7` (and ` and N more`), for a message that writes `line(s)` before them.
    pub fn lines_text(&self) -> String {
        let mut s = self
            .lines
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        if self.count > self.lines.len() as u64 {
            s.push_str(&format!(
                " and {} more",
                self.count - self.lines.len() as u64
            ));
        }
        s
    }
}

/// Per-column flags: spreadsheet damage and multi-valued cells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnFlags {
    /// Numbers a spreadsheet turned into scientific notation (`9.82E+09`): digits lost.
    pub scientific_notation: Flagged,
    /// Characters a non-Unicode save turned into `?` (`????`, `D?Souza`).
    pub lost_characters: Flagged,
    /// Cells holding several emails or phones (`a@x.in; b@x.in`).
    pub multi_valued: Flagged,
    /// Amounts in accounting brackets, `(25,000)`: read as negative.
    pub bracketed_negative: Flagged,
    /// "No date" placeholders in place of a blank (`31/12/9999`, `01/01/1900`, `00/00/0000`):
    /// the load leaves the field blank and says so on the row.
    #[serde(default)]
    pub placeholder_dates: Flagged,
    /// Five-digit spreadsheet serial day numbers (`45231`, [`crate::dates::excel_serial`]) in
    /// a column whose header names a date or whose values are dates; kept for those columns
    /// only.
    #[serde(default)]
    pub excel_serials: Flagged,
    /// Words for an unknown value (`N/A`, `-`, `TBD`, [`crate::cells::is_placeholder`]) in a
    /// typed column (email, phone, date, amount, number, yes/no) or a reference to another
    /// record: blanks, which the load leaves blank and says so on the row. Kept for those
    /// columns only (in text, `N/A` is text); not counted as filled, nor as the column's kind.
    #[serde(default)]
    pub placeholders: Flagged,
    /// Spreadsheet formulas saved as their text (`=A2*1.18`, `=HYPERLINK(…)`), in any column;
    /// not counted as the column's kind.
    #[serde(default)]
    pub formulas: Flagged,
    /// Ids holding characters no one sees (a zero-width space, a no-break space, a byte order
    /// mark: [`crate::cells::has_invisible`]), which ids are compared without; kept for id and
    /// reference columns only.
    #[serde(default)]
    pub invisible_characters: Flagged,
    /// Digit-only values shorter than the width the column's other codes share (`400` among
    /// six-digit PINs, `2134` among ZIPs): codes a spreadsheet read as numbers, dropping their
    /// leading zeros. Kept for columns of fixed-width codes only (`ColumnProfile::code_width`).
    #[serde(default)]
    pub short_codes: Flagged,
}

impl ColumnFlags {
    /// Adds `other`'s flags (the same column in another file of the module).
    pub fn absorb(&mut self, other: &ColumnFlags) {
        self.scientific_notation.absorb(&other.scientific_notation);
        self.lost_characters.absorb(&other.lost_characters);
        self.multi_valued.absorb(&other.multi_valued);
        self.bracketed_negative.absorb(&other.bracketed_negative);
        self.placeholder_dates.absorb(&other.placeholder_dates);
        self.excel_serials.absorb(&other.excel_serials);
        self.placeholders.absorb(&other.placeholders);
        self.formulas.absorb(&other.formulas);
        self.invisible_characters
            .absorb(&other.invisible_characters);
        self.short_codes.absorb(&other.short_codes);
    }
}

/// Accumulates one column's profile, one value at a time.
#[derive(Debug, Clone)]
pub struct ColumnProfiler {
    rows: u64,
    filled: u64,
    /// Values whose shape was tallied in `shapes`.
    looked: u64,
    shapes: [u64; SHAPES],
    distinct: DistinctSketch,
    samples: Vec<String>,
    max_len: usize,
    dates: DateEvidence,
    /// Up to three (line, value) per shape, for the evidence.
    examples: Vec<Vec<Example>>,
    numbers: FormatTally,
    /// The scale of the column's numbers, should it go to a percent field.
    percents: PercentTally,
    /// Judged values that are a number followed by `%` (`60%`), which the shapes count as text.
    percent_looks: u64,
    flags: ColumnFlags,
    /// Cells whose only sign of loss is a `?` ending a word (`Sneh?`): flagged with the
    /// column's lost characters only when the column has certain ones too.
    maybe_lost: Flagged,
    /// Distinct placeholders (`N/A` and `-` are two), for the distinct count of a column
    /// where they are blanks.
    placeholder_values: u64,
    /// Digit-only values by width (index 0 unused), with their first lines: the evidence of
    /// fixed-width codes and of those cut short.
    widths: [Flagged; CODE_WIDTHS],
    /// Bit `w` is set when a digit-only value of width `w` starts with `0`: a number never
    /// does, so the column holds codes.
    zero_led: u16,
}

impl Default for ColumnProfiler {
    fn default() -> Self {
        ColumnProfiler {
            rows: 0,
            filled: 0,
            looked: 0,
            shapes: [0; SHAPES],
            distinct: DistinctSketch::default(),
            samples: Vec::with_capacity(SAMPLES),
            max_len: 0,
            dates: DateEvidence::default(),
            examples: vec![Vec::new(); SHAPES],
            numbers: FormatTally::default(),
            percents: PercentTally::default(),
            percent_looks: 0,
            flags: ColumnFlags::default(),
            maybe_lost: Flagged::default(),
            placeholder_values: 0,
            widths: Default::default(),
            zero_led: 0,
        }
    }
}

impl ColumnProfiler {
    /// Adds a value whose line is unknown (line 0).
    pub fn observe(&mut self, raw: &str) {
        self.observe_at(raw, 0, None);
    }

    /// Adds the value of one row, on file line `line`; `currency` is the row's own currency
    /// column, when it has one (`KWD`: three decimals are expected there).
    pub fn observe_at(&mut self, raw: &str, line: u64, currency: Option<&str>) {
        self.rows += 1;
        // Most cells have no surrounding space: skip the Unicode-aware trim for them.
        let value = match raw.as_bytes() {
            [] => return,
            [f, .., l] | [f @ l] if *f > b' ' && *f < 0x80 && *l > b' ' && *l < 0x80 => raw,
            _ => raw.trim(),
        };
        if value.is_empty() {
            return;
        }
        self.filled += 1;
        self.max_len = self.max_len.max(value.len());
        // Past the first values, a column without dates has every 8th value classified: the
        // type is a majority vote, so a uniform sample decides it as well. Date columns keep
        // classifying every value, because one value can prove the order.
        let has_dates =
            self.shapes[ColumnKind::Date as usize] + self.shapes[ColumnKind::Datetime as usize] > 0;
        let classify = has_dates || self.filled <= FULL_LOOKS || self.filled % LOOK_EVERY == 0;
        let (look, new) = self.distinct.look(value, classify);
        let damage = look.map_or_else(|| Damage::of(value), |l| l.damage);
        self.flag(damage, value, line);
        // A placeholder or a formula is no evidence of the column's kind (nor a sample of its
        // values): neither is a value.
        if damage.placeholder {
            self.placeholder_values += u64::from(new);
            return;
        }
        if damage.formula {
            return;
        }
        if let Some(look) = look {
            self.looked += 1;
            self.shapes[look.shape as usize] += 1;
            if let Some(class) = look.date {
                self.dates.observe(value, class);
            }
            let examples = &mut self.examples[look.shape as usize];
            if examples.len() < EXAMPLES {
                examples.push(Example {
                    file: None,
                    line,
                    value: value.chars().take(SAMPLE_CHARS).collect(),
                });
            }
            // The number format and percent scale are decided on distinct values: a repeat
            // proves nothing new.
            if look.shape == ColumnKind::Number
                && value.len() == 5
                && crate::dates::excel_serial(value).is_some()
            {
                self.flags.excel_serials.add(line, value);
            }
            match look.shape {
                ColumnKind::Money | ColumnKind::Number if new => {
                    if let Ok(parts) = money_text(value) {
                        let fils = parts.currency.or(currency).is_some_and(has_three_decimals);
                        self.numbers.observe(parts.number, line, fils);
                        self.percents.observe(parts.number, false, line);
                        if parts.bracketed {
                            self.flags.bracketed_negative.add(line, value);
                        }
                    }
                }
                // `60%`: one byte test for the text cells, and a look at the number only then.
                ColumnKind::FreeText if value.ends_with('%') => {
                    let number = value[..value.len() - 1].trim_end();
                    if numeric_shape(number).is_some_and(|s| s != ColumnKind::Phone) {
                        self.percent_looks += 1;
                        if new {
                            self.percents.observe(number, true, line);
                        }
                    }
                }
                _ => {}
            }
        }
        if new && self.samples.len() < SAMPLES {
            self.samples
                .push(value.chars().take(SAMPLE_CHARS).collect());
        }
    }

    /// Flags the value on `line` with what `damage` found.
    fn flag(&mut self, damage: Damage, value: &str, line: u64) {
        if damage.scientific {
            self.flags.scientific_notation.add(line, value);
        }
        if damage.lost_characters {
            self.flags.lost_characters.add(line, value);
        } else if damage.lost_last_letter {
            self.maybe_lost.add(line, value);
        }
        if damage.multi_valued {
            self.flags.multi_valued.add(line, value);
        }
        if damage.placeholder_date {
            self.flags.placeholder_dates.add(line, value);
        }
        if damage.placeholder {
            self.flags.placeholders.add(line, value);
        }
        if damage.formula {
            self.flags.formulas.add(line, value);
        }
        if damage.invisible {
            self.flags.invisible_characters.add(line, value);
        }
        if damage.digits > 0 {
            let width = usize::from(damage.digits);
            if let Some(tally) = self.widths.get_mut(width) {
                tally.add(line, value);
            }
            if value.starts_with('0') {
                self.zero_led |= 1 << width;
            }
        }
    }

    /// Closes the profile of the column `header` of a `module` file. `canonical` is the standard
    /// column the header stands for in the export's vocabulary (`Company Name` for `Org Name`),
    /// `id_column` the module's own RSoft ID column there (`Deal ID`): they decide `Id` /
    /// `Reference` and money by name.
    pub fn finish(
        self,
        header: &str,
        module: Option<Module>,
        canonical: Option<&str>,
        id_column: Option<&str>,
    ) -> ColumnProfile {
        let mut flags = self.flags();
        let (estimate, distinct_exact) = self.distinct.estimate();
        // An estimate past the filled cells would say more values than the column has.
        let distinct = estimate.min(self.filled);
        // A date column a spreadsheet turned into serial day numbers: decided per column, when
        // the header names a date and every judged value (placeholders aside) is a serial.
        let date_header = crate::dates::is_date_header(header)
            || canonical.is_some_and(crate::dates::is_date_header);
        let serials = flags.excel_serials.count;
        let excel_serial =
            date_header && serials > 0 && serials + flags.placeholder_dates.count >= self.looked;
        let inferred = if excel_serial {
            ColumnKind::Date
        } else {
            self.infer(header, canonical, id_column, distinct)
        };
        // Placeholders are blanks where a value has a type or names a record (a by-name company
        // reference included); in text they are text. Invisible characters matter in ids.
        let typed_or_reference = !matches!(
            inferred,
            ColumnKind::FreeText | ColumnKind::Enum | ColumnKind::Id
        ) || (canonical == Some("Company Name")
            && module.is_some_and(|m| m != Module::Companies));
        let (filled, distinct) = if typed_or_reference {
            (
                self.filled.saturating_sub(flags.placeholders.count),
                distinct.saturating_sub(self.placeholder_values),
            )
        } else {
            flags.placeholders = Flagged::default();
            (self.filled, distinct)
        };
        if !matches!(inferred, ColumnKind::Id | ColumnKind::Reference) {
            flags.invisible_characters = Flagged::default();
        }
        let code_width = self.short_codes(header, inferred).map(|(width, short)| {
            flags.short_codes = short;
            width
        });
        // Serials a date column does not read: flagged where the column is about dates.
        let is_date = matches!(inferred, ColumnKind::Date | ColumnKind::Datetime);
        if !(is_date || date_header) {
            flags.excel_serials = Flagged::default();
        }
        let is_date = is_date && !excel_serial;
        let fit_shapes: &[ColumnKind] = match inferred {
            ColumnKind::Date if excel_serial => &[ColumnKind::Date, ColumnKind::Number],
            ColumnKind::Money => &[ColumnKind::Money, ColumnKind::Number],
            ColumnKind::Number => &[ColumnKind::Number, ColumnKind::Phone],
            ColumnKind::Datetime => &[ColumnKind::Date, ColumnKind::Datetime],
            ColumnKind::Enum | ColumnKind::FreeText | ColumnKind::Reference => &[
                ColumnKind::Email,
                ColumnKind::Phone,
                ColumnKind::Date,
                ColumnKind::Datetime,
                ColumnKind::Money,
                ColumnKind::Number,
                ColumnKind::Boolean,
                ColumnKind::FreeText,
                ColumnKind::Id,
            ],
            ColumnKind::Id => &[ColumnKind::Id, ColumnKind::Number, ColumnKind::Phone],
            ColumnKind::Email => &[ColumnKind::Email],
            ColumnKind::Phone => &[ColumnKind::Phone],
            ColumnKind::Date => &[ColumnKind::Date],
            ColumnKind::Boolean => &[ColumnKind::Boolean],
        };
        let mut other: Vec<KindCount> = ALL_SHAPES
            .iter()
            .filter(|k| !fit_shapes.contains(k) && self.shapes[**k as usize] > 0)
            .map(|k| KindCount {
                kind: *k,
                count: self.shapes[*k as usize],
                examples: self.examples[*k as usize].clone(),
            })
            .collect();
        other.sort_by_key(|k| std::cmp::Reverse(k.count));
        let evidence = ColumnEvidence {
            judged: self.looked,
            fit: self.looked - other.iter().map(|k| k.count).sum::<u64>(),
            other,
        };
        let numeric = matches!(inferred, ColumnKind::Money | ColumnKind::Number);
        let number_format = numeric.then(|| self.numbers.decide()).flatten();
        // A column of `60%` is text to the shapes; its numbers still decide a percent scale.
        let numbers_and_percents = self.shapes[ColumnKind::Money as usize]
            + self.shapes[ColumnKind::Number as usize]
            + self.percent_looks;
        let percent_scale = (!excel_serial
            && (numeric || numbers_and_percents * 10 >= self.looked * 9))
            .then(|| self.percents.decide())
            .flatten();
        ColumnProfile {
            header: header.to_string(),
            canonical: canonical.map(str::to_string),
            module,
            rows: self.rows,
            filled,
            fill_rate: if self.rows == 0 {
                0.0
            } else {
                (filled as f64 / self.rows as f64 * 1000.0).round() / 1000.0
            },
            distinct,
            distinct_exact,
            inferred,
            samples: self.samples,
            max_len: self.max_len,
            date_order: is_date.then(|| self.dates.verdict()),
            dates: is_date.then_some(self.dates),
            evidence,
            number_format,
            percent_scale,
            flags,
            excel_serial,
            code_width,
        }
    }

    /// The column's code width and its digit-only values shorter than it, when the column holds
    /// fixed-width codes some of which are shorter. Codes, not quantities: the header names a
    /// postal code ([`is_postal_header`]), or a value of the common width starts with `0`, which
    /// no number written as a number does (`0042`); widths alone do not tell, since counts and
    /// sequential ids (`1` to `5000`) are mostly four digits with shorter ones beside them.
    /// Fixed width: at least [`CODE_MIN_VALUES`] digit-only values share one width of at least
    /// [`CODE_MIN_WIDTH`], more than half of the digit-only values, which are half the filled
    /// cells or more (a spreadsheet that cut some may have cut many: a ZIP column of New
    /// England). Amounts, phone numbers and dates are other columns' business.
    fn short_codes(&self, header: &str, inferred: ColumnKind) -> Option<(usize, Flagged)> {
        if matches!(
            inferred,
            ColumnKind::Money
                | ColumnKind::Phone
                | ColumnKind::Email
                | ColumnKind::Date
                | ColumnKind::Datetime
                | ColumnKind::Boolean
        ) {
            return None;
        }
        let digit_only: u64 = self.widths.iter().map(|w| w.count).sum();
        let (width, common) = self
            .widths
            .iter()
            .enumerate()
            .max_by_key(|(w, t)| (t.count, std::cmp::Reverse(*w)))?;
        let codes = is_postal_header(header) || self.zero_led & (1 << width) != 0;
        let fixed = width >= CODE_MIN_WIDTH
            && common.count >= CODE_MIN_VALUES
            && common.count * 2 > digit_only
            && digit_only * 2 >= self.filled;
        if !(codes && fixed) {
            return None;
        }
        let mut short = Flagged::default();
        for tally in &self.widths[..width] {
            short.interleave(tally);
        }
        (!short.is_empty()).then_some((width, short))
    }

    /// The column's flags, with the cells ending a word in `?` counted as lost characters
    /// when other cells of the column certainly lost some (`Sneh?` beside `D?Souza` and
    /// `????`); alone they read as questions (`Who?`) and are not flagged.
    fn flags(&self) -> ColumnFlags {
        let mut flags = self.flags.clone();
        let lost = &mut flags.lost_characters;
        if lost.count > 0 && self.maybe_lost.count > 0 {
            lost.interleave(&self.maybe_lost);
        }
        flags
    }

    fn infer(
        &self,
        header: &str,
        canonical: Option<&str>,
        id_column: Option<&str>,
        distinct: u64,
    ) -> ColumnKind {
        let name = canonical.unwrap_or(header).trim();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(" id") || lower == "id" || lower.ends_with(" no.") {
            let own_key = id_column.is_some_and(|c| Some(c) == canonical);
            return if own_key {
                ColumnKind::Id
            } else {
                ColumnKind::Reference
            };
        }
        // No value but placeholders (`N/A` in every cell) shows no kind.
        if self.filled == 0 || self.looked == 0 {
            return ColumnKind::FreeText;
        }
        let count = |s: ColumnKind| self.shapes[s as usize];
        let most = |s: ColumnKind| count(s) * 10 >= self.looked * 9;
        let moneyish = ["amount", "value", "turnover", "revenue", "price", "budget"]
            .iter()
            .any(|w| lower.contains(w));
        if most(ColumnKind::Email) {
            ColumnKind::Email
        } else if count(ColumnKind::Datetime) > 0
            && (count(ColumnKind::Date) + count(ColumnKind::Datetime)) * 10 >= self.looked * 9
        {
            ColumnKind::Datetime
        } else if most(ColumnKind::Date) {
            ColumnKind::Date
        } else if most(ColumnKind::Boolean) {
            ColumnKind::Boolean
        } else if (count(ColumnKind::Money) > 0 || moneyish)
            && (count(ColumnKind::Money) + count(ColumnKind::Number)) * 10 >= self.looked * 9
        {
            ColumnKind::Money
        } else if most(ColumnKind::Phone) {
            ColumnKind::Phone
        } else if (count(ColumnKind::Number) + count(ColumnKind::Phone)) * 10 >= self.looked * 9 {
            ColumnKind::Number
        } else if most(ColumnKind::Id) && distinct * 10 >= self.filled * 9 {
            ColumnKind::Id
        } else if distinct <= ENUM_MAX && self.filled >= 2 * distinct && self.max_len <= 60 {
            ColumnKind::Enum
        } else {
            ColumnKind::FreeText
        }
    }
}

fn look_of(v: &str) -> Look {
    let b = v.as_bytes();
    let first = b[0];
    let damage = Damage::of(v);
    let plain = |shape| Look {
        shape,
        date: None,
        damage,
    };
    // A placeholder is a date column's blank: it counts for the column's kind but proves no
    // order (`31/12/9999` is no day-first evidence).
    if damage.placeholder_date {
        return plain(if b.contains(&b':') {
            ColumnKind::Datetime
        } else {
            ColumnKind::Date
        });
    }
    if first.is_ascii_digit() {
        if let Some((shape, class)) = date_shape(b) {
            return Look {
                shape,
                date: Some(class),
                damage,
            };
        }
    }
    if let Some(shape) = month_name_shape(v) {
        return Look {
            shape,
            date: Some(DateClass::Named),
            damage,
        };
    }
    if b.contains(&b'@') {
        // A placeholder among the addresses (`a@x.in; N/A`) is no evidence either way.
        let mut values = split_values(v).filter(|p| !crate::cells::is_placeholder(p));
        return plain(if is_email(v) || values.all(is_email) {
            ColumnKind::Email
        } else {
            ColumnKind::FreeText
        });
    }
    if is_boolean(v) {
        return plain(ColumnKind::Boolean);
    }
    if first.is_ascii_digit() || first == b'+' || first == b'-' || first == b'(' {
        if let Some(s) = numeric_shape(v) {
            return plain(s);
        }
    }
    if is_marked_phone(v) {
        return plain(ColumnKind::Phone);
    }
    if is_money_with_symbol(v) {
        return plain(ColumnKind::Money);
    }
    if is_code(b) {
        return plain(ColumnKind::Id);
    }
    // One value beside placeholders (`+91 98200 12345 / -`) is that value's evidence.
    match crate::cells::sole_value(split_values(v)) {
        Some(one) => plain(look_of(one).shape),
        None => plain(ColumnKind::FreeText),
    }
}

fn is_boolean(v: &str) -> bool {
    v.len() <= 5
        && ["yes", "no", "true", "false", "y", "n"]
            .iter()
            .any(|w| v.eq_ignore_ascii_case(w))
}

/// `ravi@acme.in` or `Ravi Kumar <ravi@acme.in>`.
fn is_email(v: &str) -> bool {
    let addr = match (v.rfind('<'), v.strip_suffix('>')) {
        (Some(i), Some(inner)) => &inner[i + 1..],
        _ => v,
    };
    match addr.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !addr.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// A phone number with an extension or a `tel:` scheme (`+91 22 4000 1234 x12`, `022-4000-1234
/// ext. 12`, `tel:+1-415-555-0100;ext=7`), whose number alone has the phone shape.
fn is_marked_phone(v: &str) -> bool {
    // Only cells that start like a number or `tel:`, and hold a letter every extension mark
    // has (`x`, `#`, the `e` of `ext`), are worth cutting: most numbers and dates have none.
    let starts = matches!(v.as_bytes().first(), Some(b'0'..=b'9' | b'+' | b'('))
        || v.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("tel:"));
    starts
        && v.bytes()
            .any(|c| matches!(c.to_ascii_lowercase(), b'x' | b'#' | b'e'))
        && matches!(split_extension(v), Ok((number, _))
            if number.len() < v.len() && numeric_shape(number) == Some(ColumnKind::Phone))
}

/// A phone number, with or without an extension ([`is_marked_phone`]).
fn is_phone(v: &str) -> bool {
    numeric_shape(v) == Some(ColumnKind::Phone) || is_marked_phone(v)
}

/// Digits with optional `+`, spaces, dashes, parentheses, one `.`, and `,` grouping; or an
/// amount grouped by spaces or apostrophes ([`space_or_apostrophe_grouped`]).
fn numeric_shape(v: &str) -> Option<ColumnKind> {
    let mut digits = 0usize;
    let mut dots = 0;
    let mut commas = 0;
    let mut phone_marks = 0;
    for (i, c) in v.bytes().enumerate() {
        match c {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            b',' => commas += 1,
            b'+' if i == 0 => phone_marks += 1,
            b'-' if i == 0 => {}
            b' ' | b'-' | b'(' | b')' => phone_marks += 1,
            // Swiss `1'234.50`, or a no-break space (`1 234,50`): the amount test reads it.
            b'\'' | 0xC2 | 0xE2 => {
                return space_or_apostrophe_grouped(v.as_bytes()).then_some(ColumnKind::Money);
            }
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    let first = v.as_bytes()[0];
    if dots == 0
        && commas == 0
        && (10..=13).contains(&digits)
        && (first == b'+' || first == b'0' || first >= b'6' || phone_marks > 0)
    {
        return Some(ColumnKind::Phone);
    }
    if phone_marks > 0 {
        // `1 234 567` and `1 234,50` are amounts: groups of exactly three after the first.
        if space_or_apostrophe_grouped(v.as_bytes()) {
            return Some(ColumnKind::Money);
        }
        return (digits >= 7 && dots == 0 && commas == 0).then_some(ColumnKind::Phone);
    }
    match (dots, commas) {
        // `0042`, `011004`: a code whose zeros a number would drop.
        (0, 0) if first == b'0' && digits > 1 => Some(ColumnKind::Id),
        (0 | 1, 0) => Some(ColumnKind::Number),
        // `12,5`: a decimal comma.
        (0, 1) if v.rsplit(',').next().is_some_and(|t| t.len() != 3) => Some(ColumnKind::Number),
        // `1,25,000.00` (Indian grouping), `125,000`, `2.750.000`, `1.250,50`: grouped amounts;
        // the column's number format decides how they read.
        _ => Some(ColumnKind::Money),
    }
}

/// A number grouped in threes by one kind of mark — a space, a no-break space (U+00A0), a
/// narrow no-break space (U+202F) or an apostrophe (`'`, U+2019) — with an optional sign and a
/// decimal part after `.` or `,`: `1 234 567,89`, `1'234.50`, `-12 500`. A byte check: it runs
/// on the profiler's path, only for cells the plain number test does not take.
fn space_or_apostrophe_grouped(b: &[u8]) -> bool {
    const MARKS: [&[u8]; 5] = [
        b" ",
        b"'",
        "\u{a0}".as_bytes(),
        "\u{202f}".as_bytes(),
        "\u{2019}".as_bytes(),
    ];
    let b = b.strip_prefix(b"-").unwrap_or(b);
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=3).contains(&lead) {
        return false;
    }
    let mut rest = &b[lead..];
    let Some(mark) = MARKS.iter().find(|m| rest.starts_with(m)) else {
        return false;
    };
    let mut groups = 0;
    while let Some(after) = rest.strip_prefix(*mark) {
        match after.get(..3) {
            Some(g) if g.iter().all(u8::is_ascii_digit) => {
                rest = &after[3..];
                groups += 1;
            }
            _ => return false,
        }
    }
    groups > 0
        && match rest {
            [] => true,
            [b'.' | b',', frac @ ..] => !frac.is_empty() && frac.iter().all(u8::is_ascii_digit),
            _ => false,
        }
}

/// An amount with a currency mark, Indian scale word, `/-` or accounting brackets: `₹ 1,00,000/-`,
/// `1.5 Lakh`, `(25,000)`, `₹ 2M`. A three-letter prefix that is no ISO 4217 code (`REF-8104`)
/// is not, nor is thousand/million shorthand without a currency (`5m`).
fn is_money_with_symbol(v: &str) -> bool {
    // An amount has a digit; most free text has none, and the currency tests cost more.
    v.bytes().any(|c| c.is_ascii_digit())
        && money_text(v).is_ok_and(|p| {
            // Shorthand alone (`5m`, `1.5k`) is minutes, metres or kilos as often as money.
            let scaled = p.scale > 0 && p.shorthand.is_none();
            let marked = p.currency.is_some() || scaled || p.bracketed || v.contains("/-");
            let number = p.number.trim_start_matches('-').trim_start();
            marked
                && !number.is_empty()
                && number.as_bytes()[0].is_ascii_digit()
                && numeric_shape(number).is_some_and(|s| s != ColumnKind::Phone)
        })
}

/// Characters lost to `?` in a non-Unicode save, where `?` stands for a letter: a cell of only
/// `?`, two or more in a row, a `?` between letters (`D?Souza`). A `?` ending a word before a
/// space or the end is punctuation (`Who?`), so a name that lost only its last letter (`Sneh?`)
/// is not told from a question; its column is flagged by its other cells, if it has any.
fn lost_characters(v: &str) -> bool {
    let chars: Vec<char> = v.chars().collect();
    if chars.iter().all(|c| *c == '?' || c.is_whitespace()) {
        return true;
    }
    chars.iter().enumerate().any(|(i, c)| {
        if *c != '?' {
            return false;
        }
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        after == Some('?')
            || (before.is_some_and(char::is_alphabetic) && after.is_some_and(char::is_alphabetic))
    })
}

/// A `?` right after a letter that ends a word (before a space or the end): `Sneh?` (a name that
/// lost its last letter) or `Who?` (a question). Which one, only the column can tell.
fn lost_last_letter(v: &str) -> bool {
    let mut before: Option<char> = None;
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?'
            && before.is_some_and(char::is_alphabetic)
            && chars.peek().is_none_or(|n| n.is_whitespace())
        {
            return true;
        }
        before = Some(c);
    }
    false
}

/// The parts of a cell split on `;` `,` `/` and newlines, trimmed, empty parts dropped. A
/// separator inside a quoted display name or `<…>` (`"Kumar, Ravi" <ravi@acme.in>`) splits
/// nothing, nor does the comma of a name written before its `<address>` unquoted (`Kumar, Ravi
/// <ravi@acme.in>`, as mail programs copy it) or the `;` of an RFC 3966 extension
/// (`+1-415-555-0100;ext=7`).
pub fn split_values(v: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(v);
    std::iter::from_fn(move || {
        loop {
            let text = rest?;
            let part = match value_end(text) {
                Some(end) => {
                    rest = Some(&text[end + 1..]);
                    &text[..end]
                }
                None => {
                    rest = None;
                    text
                }
            };
            let part = part.trim();
            if !part.is_empty() {
                return Some(part);
            }
        }
    })
}

/// Where the first of [`split_values`]'s parts ends: the byte offset of its separator.
fn value_end(v: &str) -> Option<usize> {
    let b = v.as_bytes();
    let (mut quoted, mut bracketed) = (false, false);
    for (i, c) in b.iter().enumerate() {
        match c {
            b'"' => quoted = !quoted,
            b'<' if !quoted => bracketed = true,
            b'>' if !quoted => bracketed = false,
            b';' if b
                .get(i + 1..i + 5)
                .is_some_and(|m| m.eq_ignore_ascii_case(b"ext=")) => {}
            b',' if !b[..i].contains(&b'@') && in_display_name(&b[i + 1..]) => {}
            b'/' if crate::cells::slash_in_placeholder(b, i) => {}
            b';' | b',' | b'/' | b'\n' if !quoted && !bracketed => return Some(i),
            _ => {}
        }
    }
    None
}

/// Whether the text after a comma goes on to a `<` before any `@` or other separator: the
/// comma is in a name written before its `<address>`.
fn in_display_name(after: &[u8]) -> bool {
    after
        .iter()
        .find(|c| matches!(c, b'<' | b'@' | b';' | b',' | b'/' | b'\n'))
        == Some(&b'<')
}

/// Several emails, or several phone numbers, in one cell, separated as [`split_values`] splits.
pub fn is_multi_valued(v: &str) -> bool {
    multi_valued(v, Marks::of(v.as_bytes()))
}

/// [`is_multi_valued`], given the cell's [`Marks`].
fn multi_valued(v: &str, marks: Marks) -> bool {
    if marks.ats >= 2 {
        return split_values(v).filter(|p| is_email(p)).count() >= 2;
    }
    // Each phone has at least 7 digits ([`numeric_shape`]): two need 14.
    if !marks.separator || marks.digits < 14 {
        return false;
    }
    let mut parts = 0;
    for p in split_values(v).filter(|p| !crate::cells::is_placeholder(p)) {
        if !is_phone(p) {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

/// What one scan of a cell finds for the damage and multi-valued tests: a `?` (characters
/// lost), how many `@` (emails) and digits (phones), a separator of [`split_values`], an `E`/`e`
/// (scientific notation), the first byte of an invisible character.
#[derive(Debug, Clone, Copy, Default)]
struct Marks {
    question: bool,
    ats: u32,
    digits: u32,
    separator: bool,
    exponent: bool,
    invisible: bool,
}

/// [`Marks`] bits per byte, so that the scan of every cell is one table load per byte.
const QUESTION: u8 = 1;
const AT: u8 = 2;
const SEPARATOR: u8 = 4;
const EXPONENT: u8 = 8;
/// The first byte of every character [`crate::cells::has_invisible`] looks for (U+00A0 and
/// U+00AD; U+200B–U+2060; U+FEFF).
const INVISIBLE_LEAD: u8 = 16;
const DIGIT: u8 = 32;
const MARK_BITS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'?' as usize] = QUESTION;
    t[b'@' as usize] = AT;
    t[b';' as usize] = SEPARATOR;
    t[b'/' as usize] = SEPARATOR;
    t[b',' as usize] = SEPARATOR;
    t[b'\n' as usize] = SEPARATOR;
    t[b'E' as usize] = EXPONENT;
    t[b'e' as usize] = EXPONENT;
    t[0xC2] = INVISIBLE_LEAD;
    t[0xE2] = INVISIBLE_LEAD;
    t[0xEF] = INVISIBLE_LEAD;
    let mut d = b'0';
    while d <= b'9' {
        t[d as usize] = DIGIT;
        d += 1;
    }
    t
};

impl Marks {
    fn of(b: &[u8]) -> Marks {
        let (mut bits, mut ats, mut digits) = (0u8, 0u32, 0u32);
        for c in b {
            let m = MARK_BITS[usize::from(*c)];
            bits |= m;
            ats += u32::from((m & AT) >> 1);
            digits += u32::from((m & DIGIT) >> 5);
        }
        Marks {
            question: bits & QUESTION != 0,
            ats,
            digits,
            separator: bits & SEPARATOR != 0,
            exponent: bits & EXPONENT != 0,
            invisible: bits & INVISIBLE_LEAD != 0,
        }
    }
}

/// A header naming a postal code (`Pincode`, `PIN`, `ZIP Code`, `Postal Code`, `Postcode`):
/// fixed-width codes whatever their values show.
fn is_postal_header(header: &str) -> bool {
    let lower = header.trim().to_ascii_lowercase();
    [
        "pincode",
        "pin code",
        "zip",
        "postal",
        "postcode",
        "post code",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || lower.split([' ', '_', '-']).any(|word| word == "pin")
}

/// Record codes such as `CMP-0001`, `L1001`, `DEAL_42`: letters then digits, no spaces.
fn is_code(b: &[u8]) -> bool {
    b.len() <= 24
        && b[0].is_ascii_alphabetic()
        && b.iter().any(u8::is_ascii_digit)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

/// `25-04-2026`, `25/04/2026 10:30 AM`, `2026-04-25T10:30:00+05:30`.
fn date_shape(b: &[u8]) -> Option<(ColumnKind, DateClass)> {
    let (class, end) = date_class(b)?;
    let mut rest = &b[end..];
    while let [b'T' | b' ', tail @ ..] = rest {
        rest = tail;
    }
    match rest {
        [] => Some((ColumnKind::Date, class)),
        [d, ..] if d.is_ascii_digit() && rest.contains(&b':') => {
            Some((ColumnKind::Datetime, class))
        }
        _ => None,
    }
}

/// `Date` or `Datetime` for a date with the month by name (`12-Jan-2024`, `Jan 12, 2024
/// 10:30 AM`, [`crate::dates::month_name_date`]) alone or followed by a time; `None` otherwise.
fn month_name_shape(v: &str) -> Option<ColumnKind> {
    // The cheap test first: a day and a four-digit year are five digits at least.
    if v.len() > 40 || v.bytes().filter(u8::is_ascii_digit).count() < 5 {
        return None;
    }
    let (_, time) = crate::dates::month_name_date(v)?;
    match time.as_bytes() {
        [] => Some(ColumnKind::Date),
        [d, ..] if d.is_ascii_digit() && time.contains(':') => Some(ColumnKind::Datetime),
        _ => None,
    }
}

/// A run of 1–4 ASCII digits at `b[at..]`: (value, digits).
fn digits(b: &[u8], at: usize) -> Option<(u32, usize)> {
    let mut n = 0u32;
    let mut len = 0;
    while let Some(d) = b.get(at + len).filter(|d| d.is_ascii_digit()) {
        if len == 4 {
            return None;
        }
        n = n * 10 + u32::from(d - b'0');
        len += 1;
    }
    (len > 0).then_some((n, len))
}

/// Classifies `a<sep>b<sep>c` with one of `/`, `-`, `.`; returns the class and where the date ends.
fn date_class(b: &[u8]) -> Option<(DateClass, usize)> {
    let (x, xl) = digits(b, 0)?;
    let sep = *b.get(xl).filter(|s| matches!(s, b'/' | b'-' | b'.'))?;
    let (y, yl) = digits(b, xl + 1)?;
    if b.get(xl + 1 + yl) != Some(&sep) {
        return None;
    }
    let (z, zl) = digits(b, xl + yl + 2)?;
    let end = xl + yl + zl + 2;
    if matches!(b.get(end), Some(c) if c.is_ascii_digit() || matches!(c, b'/' | b'-' | b'.')) {
        return None;
    }
    if xl == 4 {
        return ((1..=12).contains(&y) && yl <= 2 && zl <= 2 && (1..=31).contains(&z))
            .then_some((DateClass::YearFirst, end));
    }
    let plausible = (zl == 4 || zl == 2)
        && xl <= 2
        && yl <= 2
        && (1..=31).contains(&x)
        && (1..=31).contains(&y)
        && (x <= 12 || y <= 12);
    if !plausible {
        return None;
    }
    let class = if x > 12 {
        DateClass::DayFirst
    } else if y > 12 {
        DateClass::MonthFirst
    } else {
        DateClass::Ambiguous
    };
    Some((class, end))
}

/// Counts distinct values exactly up to a bound, then estimates them from the k smallest hashes
/// (KMV), so memory stays bounded however many values a column has. Each kept hash remembers
/// what its value looks like, so repeated values are not classified again.
#[derive(Debug, Clone, Default)]
struct DistinctSketch {
    hashes: HashMap<u64, Look, FastHash>,
    /// Set once the sketch has dropped hashes: only hashes below it are kept.
    threshold: Option<u64>,
}

impl DistinctSketch {
    #[cfg(test)]
    fn insert(&mut self, value: &str) {
        self.look(value, true);
    }

    /// What the value looks like, and whether it is new to the sketch. A value beyond the
    /// sketch's threshold is classified only when `classify_beyond` asks for it.
    fn look(&mut self, value: &str, classify_beyond: bool) -> (Option<Look>, bool) {
        let h = hash(value.as_bytes());
        if self.threshold.is_some_and(|t| h >= t) {
            return (classify_beyond.then(|| look_of(value)), false);
        }
        if let Some(look) = self.hashes.get(&h) {
            return (Some(*look), false);
        }
        let look = look_of(value);
        self.hashes.insert(h, look);
        if self.hashes.len() > 2 * DISTINCT_EXACT {
            let mut v: Vec<(u64, Look)> = self.hashes.drain().collect();
            v.sort_unstable_by_key(|(h, _)| *h);
            v.truncate(DISTINCT_EXACT);
            self.threshold = v.last().map(|(m, _)| m + 1);
            self.hashes.extend(v);
        }
        (Some(look), true)
    }

    fn estimate(&self) -> (u64, bool) {
        if self.threshold.is_none() && self.hashes.len() <= DISTINCT_EXACT {
            return (self.hashes.len() as u64, true);
        }
        let mut v: Vec<u64> = self.hashes.keys().copied().collect();
        v.sort_unstable();
        let k = DISTINCT_EXACT.min(v.len());
        let kth = v.get(k - 1).copied().unwrap_or(u64::MAX).max(1);
        let est = (k as f64 - 1.0) * (u64::MAX as f64) / kth as f64;
        (est.round() as u64, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(v: &str) -> ColumnKind {
        look_of(v).shape
    }

    /// The profile of `values` in a deals file's column `header`, which is the standard column
    /// `canonical` there.
    fn profile(header: &str, canonical: Option<&str>, values: &[&str]) -> ColumnProfile {
        let mut p = ColumnProfiler::default();
        for v in values {
            p.observe(v);
        }
        p.finish(header, Some(Module::Deals), canonical, Some("Deal ID"))
    }

    #[test]
    fn shapes_of_common_values() {
        assert_eq!(shape_of("ravi@acme.in"), ColumnKind::Email);
        assert_eq!(shape_of("Ravi Kumar <ravi@acme.in>"), ColumnKind::Email);
        assert_eq!(shape_of("+91 98765 43210"), ColumnKind::Phone);
        assert_eq!(shape_of("9876543210"), ColumnKind::Phone);
        assert_eq!(shape_of("25-04-2026"), ColumnKind::Date);
        assert_eq!(shape_of("25/04/2026 10:30 AM"), ColumnKind::Datetime);
        assert_eq!(shape_of("2026-04-25T10:30:00+05:30"), ColumnKind::Datetime);
        assert_eq!(shape_of("₹ 1,25,000.00"), ColumnKind::Money);
        assert_eq!(shape_of("1,25,000"), ColumnKind::Money);
        assert_eq!(shape_of("42.5"), ColumnKind::Number);
        assert_eq!(shape_of("Yes"), ColumnKind::Boolean);
        assert_eq!(shape_of("CMP-0001"), ColumnKind::Id);
        assert_eq!(shape_of("Hello there"), ColumnKind::FreeText);
        assert_eq!(shape_of("13/13/2026"), ColumnKind::FreeText);
    }

    /// Phones with an extension are phones, alone and in a list; a quoted display name's comma
    /// and an RFC 3966 `;ext=` split nothing (they were text, or split mid-value).
    #[test]
    fn extensions_and_display_names_keep_their_cells_whole() {
        for v in [
            "+91 22 4000 1234 x12",
            "022-4000-1234 ext. 12",
            "+1 (415) 555-0100 ext 7",
            "+44 20 7946 0000 #204",
            "+1-415-555-0100;ext=12",
            "tel:+1-415-555-0100",
        ] {
            assert_eq!(shape_of(v), ColumnKind::Phone, "{v:?}");
            assert!(!is_multi_valued(v), "{v:?}");
        }
        for v in ["12 x 4", "2 Main St", "Tuesday", "x12"] {
            assert_ne!(shape_of(v), ColumnKind::Phone, "{v:?}");
        }
        let split = |v| split_values(v).collect::<Vec<_>>();
        assert_eq!(
            split("+91 98765 43210; +1-415-555-0100;ext=7"),
            ["+91 98765 43210", "+1-415-555-0100;ext=7"]
        );
        assert!(is_multi_valued("+91 98765 43210; 022-4000-1234 x12"));
        assert_eq!(
            split("\"Kumar, Ravi\" <ravi@acme.in>, Priya <p@x.in>"),
            ["\"Kumar, Ravi\" <ravi@acme.in>", "Priya <p@x.in>"]
        );
        assert_eq!(
            shape_of("\"Kumar, Ravi\" <ravi@acme.in>"),
            ColumnKind::Email
        );
        assert!(!is_multi_valued("\"Kumar, Ravi\" <ravi@acme.in>"));
        // Unquoted, as mail programs copy a `Last, First` name; a list of addresses still splits.
        assert_eq!(
            split("Kumar, Ravi <r@x.in>; Shah, Priya <p@x.in>, a@x.in, b@x.in"),
            [
                "Kumar, Ravi <r@x.in>",
                "Shah, Priya <p@x.in>",
                "a@x.in",
                "b@x.in"
            ]
        );
        assert_eq!(split("call me, Ravi <r@x.in>"), ["call me, Ravi <r@x.in>"]);
        assert_eq!(split("call me, r@x.in"), ["call me", "r@x.in"]);
        let p = profile(
            "Phone",
            None,
            &[
                "+91 22 4000 1234 x12",
                "98765 43210",
                "022-4000-1234 ext. 12",
            ],
        );
        assert_eq!(p.inferred, ColumnKind::Phone);
        assert_eq!(p.evidence.fit, p.evidence.judged);
    }

    #[test]
    fn space_and_apostrophe_grouped_amounts_are_money() {
        for v in [
            "1'234.50",
            "1'234'567",
            "1 234,50",
            "1 234 567",
            "12\u{a0}500,00",
            "1\u{202f}234\u{202f}567,89",
            "-12 500",
            "1\u{2019}250.00",
        ] {
            assert_eq!(shape_of(v), ColumnKind::Money, "{v:?}");
        }
        // Phones keep their shape; a mixed or short group is no amount.
        for (v, kind) in [
            ("+91 98765 43210", ColumnKind::Phone),
            ("022 2345 6781", ColumnKind::Phone),
            ("98200 12345", ColumnKind::Phone),
            ("1 23 456", ColumnKind::FreeText),
            ("1'23", ColumnKind::FreeText),
        ] {
            assert_eq!(shape_of(v), kind, "{v:?}");
        }
        let p = profile("Umsatz", None, &["1'234.50", "12'500.00", "980.00"]);
        assert_eq!(p.inferred, ColumnKind::Money);
        assert_eq!(p.number_format.unwrap().format.name(), "point_apostrophe");
        let p = profile("Montant", None, &["1 234,50", "12\u{a0}500,00", "980,00"]);
        assert_eq!(p.inferred, ColumnKind::Money);
        assert_eq!(p.number_format.unwrap().format.name(), "comma_space");
    }

    #[test]
    fn a_columns_percent_scale_is_decided_from_all_its_values() {
        use crate::numbers::percent::PercentScale;
        let p = profile("Probability", None, &["0.5", "0.75", "0.5", "1", ""]);
        let scale = p.percent_scale.unwrap();
        assert_eq!(scale.scale, Some(PercentScale::Fraction));
        // Distinct values: the repeated 0.5 once.
        assert_eq!((scale.values, scale.fractions.values), (3, 2));
        // Numbers written with `%` are text to the shapes but still decide the scale.
        let p = profile("Probability", None, &["60%", "75 %", "40%"]);
        assert_eq!(p.inferred, ColumnKind::FreeText);
        assert_eq!(p.percent_scale.unwrap().scale, Some(PercentScale::Percent));
        let p = profile("Probability", None, &["60%", "0.6", "45", "0.25"]);
        let scale = p.percent_scale.unwrap();
        assert_eq!(scale.scale, None);
        assert_eq!(scale.fractions.examples, ["0.6", "0.25"]);
        // Text with a stray `%` decides nothing.
        let p = profile("Notes", None, &["call back", "discount 5%", "ok", "fine"]);
        assert_eq!(p.percent_scale, None);
    }

    #[test]
    fn a_question_mark_ending_a_word_is_punctuation_not_lost_characters() {
        for lost in ["D?Souza", "????", "? ?", "Ma?ra", "K?ln ????"] {
            assert!(lost_characters(lost), "{lost}");
        }
        for question in ["Who?", "Who? Me", "Call back?", "Really? Yes"] {
            assert!(!lost_characters(question), "{question}");
            assert!(lost_last_letter(question), "{question}");
        }
        assert!(!lost_last_letter("D?Souza") && !lost_last_letter("1?") && !lost_last_letter("?"));
    }

    #[test]
    fn a_word_ending_in_a_question_mark_is_lost_characters_only_beside_certain_ones() {
        // Case 13: `Sneh?` beside `????` is a name that lost its last letter.
        let p = profile("First Name", None, &["????", "Lata", "Sneh?", "Rohit"]);
        assert_eq!(p.flags.lost_characters.count, 2, "{:?}", p.flags);
        assert_eq!(p.flags.lost_characters.lines.len(), 2);
        // Alone, it is a question.
        let p = profile("Notes", None, &["Who?", "Call back?", "done"]);
        assert_eq!(p.flags.lost_characters.count, 0, "{:?}", p.flags);
    }

    /// Placeholders (`N/A`, `-`, `?`) in a typed column are counted apart: neither its kind's
    /// evidence nor filled cells, nor lost characters; in text they are text. Formulas are
    /// counted in any column, invisible characters in ids only.
    #[test]
    fn placeholders_formulas_and_invisible_characters_are_counted_per_column() {
        let p = profile(
            "Mobile",
            None,
            &["98200 12345", "N/A", "98200 12346", "-", "?", "=A2"],
        );
        assert_eq!(p.inferred, ColumnKind::Phone);
        assert_eq!(p.flags.placeholders.count, 3);
        assert_eq!(p.flags.placeholders.examples, ["N/A", "-", "?"]);
        assert_eq!(p.flags.lost_characters.count, 0);
        assert_eq!((p.filled, p.evidence.judged), (3, 2));
        assert!(!p.samples.iter().any(|s| s == "N/A"), "{:?}", p.samples);
        assert_eq!(p.flags.formulas.count, 1);
        let p = profile("Notes", None, &["N/A", "call back", "sent quote", "met"]);
        assert_eq!(p.inferred, ColumnKind::FreeText);
        assert!(p.flags.placeholders.is_empty());
        assert_eq!(p.filled, 4);
        // A column of nothing but placeholders shows no kind.
        let p = profile("Phone", None, &["N/A", "-"]);
        assert_eq!(p.inferred, ColumnKind::FreeText);
        let p = profile(
            "Company ID",
            Some("Company ID"),
            &["C1\u{200b}", "C2", "N/A"],
        );
        assert_eq!(p.flags.invisible_characters.count, 1);
        assert_eq!(p.flags.placeholders.count, 1);
        // A no-break space grouping an amount is no damage.
        let p = profile("Amount", None, &["12\u{a0}500,00", "1\u{a0}250,00"]);
        assert!(p.flags.invisible_characters.is_empty());
    }

    /// A cell of only placeholders (`N/A; -`) is a placeholder to discovery, as it is a blank
    /// to the load: no evidence of the column's kind, not a sample.
    #[test]
    fn a_cell_of_only_placeholders_is_a_placeholder() {
        let p = profile(
            "Mobile",
            None,
            &[
                "98200 12345",
                "N/A; -",
                "98200 12346",
                "N/A, -",
                "98200 12347",
            ],
        );
        assert_eq!(p.inferred, ColumnKind::Phone);
        assert_eq!(p.flags.placeholders.examples, ["N/A; -", "N/A, -"]);
        assert_eq!((p.filled, p.evidence.judged), (3, 3));
        assert!(
            !p.samples.iter().any(|s| s.starts_with("N/A")),
            "{:?}",
            p.samples
        );
        let p = profile("Notes", None, &["N/A; -", "call back, then quote"]);
        assert_eq!(p.filled, 2);
        assert!(p.flags.placeholders.is_empty());
    }

    #[test]
    fn distinct_is_exact_then_estimated_within_ten_percent() {
        let mut s = DistinctSketch::default();
        for i in 0..100 {
            s.insert(&format!("v{}", i % 37));
        }
        assert_eq!(s.estimate(), (37, true));
        let mut s = DistinctSketch::default();
        for i in 0..200_000 {
            s.insert(&format!("value-{i}"));
        }
        let (est, exact) = s.estimate();
        assert!(!exact);
        assert!((180_000..220_000).contains(&est), "estimate {est}");
        assert!(s.hashes.len() <= 2 * DISTINCT_EXACT);
    }

    /// KMV can overshoot: a column of 3,000 distinct values never reports more than 3,000 (a
    /// new-user trial saw `~3178` for 3,000 rows).
    #[test]
    fn distinct_never_exceeds_the_filled_cells() {
        for n in [1_500u64, 3_000, 5_000] {
            let mut p = ColumnProfiler::default();
            for i in 0..n {
                p.observe(&format!("+91 98200 {i:05}"));
            }
            let profile = p.finish("Phone", None, None, None);
            assert!(profile.distinct <= n, "{n}: {}", profile.distinct);
            assert!(!profile.distinct_exact);
        }
    }

    #[test]
    fn id_and_reference_come_from_the_module_key() {
        let p = profile("Deal ID", Some("Deal ID"), &["D1", "D2"]);
        assert_eq!(p.inferred, ColumnKind::Id);
        let p = profile("Company ID", Some("Company ID"), &["C1", "C1"]);
        assert_eq!(p.inferred, ColumnKind::Reference);
        // The header as the export spells it counts only through the standard column it is.
        let p = profile("Party Code", Some("Deal ID"), &["D1", "D2"]);
        assert_eq!(p.inferred, ColumnKind::Id);
        let p = profile("Buyer Code", Some("Company ID"), &["C1", "C1"]);
        assert_eq!(p.inferred, ColumnKind::Reference);
    }

    #[test]
    fn enum_and_free_text() {
        let p = profile(
            "Status",
            None,
            &["Open", "Won", "Open", "Lost", "Open", "Won"],
        );
        assert_eq!(p.inferred, ColumnKind::Enum);
        assert_eq!(p.distinct, 3);
        let p = profile("Notes", None, &["call back", "sent quote", "met at expo"]);
        assert_eq!(p.inferred, ColumnKind::FreeText);
    }
}
