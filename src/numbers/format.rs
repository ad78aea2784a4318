//! How a column writes its numbers, decided once per column from all its values and never per
//! value: `125.000` beside `2.750.000` in one column is read the same way in every row.
//!
//! A [`NumberFormat`] is a decimal mark and a digit grouping. [`FormatTally`] streams a column's
//! number texts (currency and scale words already taken off) through every candidate format and
//! [`FormatTally::decide`] picks the one that reads the most of them, flagging the column as
//! ambiguous when two formats read every value but disagree on some (`1.250`: 1.25 or 1250).

use serde::{Deserialize, Serialize};

/// The decimal mark of a number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalMark {
    /// `1234.5`
    Point,
    /// `1234,5`
    Comma,
}

/// How the integer part's digits are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// `1,234,567` (threes, comma).
    Comma,
    /// `12,34,567` (Indian lakh grouping: the last three, then twos, comma). Also reads
    /// `123,456` and `1,234`, which are the same in both systems.
    Indian,
    /// `1.234.567`
    Point,
    /// `1 234 567` (also a no-break or narrow no-break space).
    Space,
    /// `1'234'567`
    Apostrophe,
}

/// A column's number format: decimal mark and grouping, written in `mapping.toml` and the JSON
/// reports as its example (`number_format = "1.234.567,89"`, [`NumberFormat::example`]); the
/// snake-case name (`comma_point`, [`NumberFormat::name`]) is read too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NumberFormat {
    /// The mark before the fraction.
    pub decimal: DecimalMark,
    /// How the integer part's digits are grouped.
    pub grouping: Grouping,
}

/// Candidates, most usual first; ties between formats reading the same numbers go to the first.
pub const CANDIDATES: [NumberFormat; 7] = [
    NumberFormat::new(DecimalMark::Point, Grouping::Comma),
    NumberFormat::new(DecimalMark::Point, Grouping::Indian),
    NumberFormat::new(DecimalMark::Comma, Grouping::Point),
    NumberFormat::new(DecimalMark::Comma, Grouping::Space),
    NumberFormat::new(DecimalMark::Point, Grouping::Space),
    NumberFormat::new(DecimalMark::Point, Grouping::Apostrophe),
    NumberFormat::new(DecimalMark::Comma, Grouping::Apostrophe),
];

/// For a column with no decided number format (a `mapping.toml` written by hand or before
/// `[formats.*]` existed): refuses a value that two candidate formats read as different numbers
/// (`1.250` is 1.25 or 1250), so nothing is read one way per value (issue 12). A value every
/// format reads the same, or none reads, passes (the conversion then judges it). The error
/// names both readings and says how to decide.
pub fn refuse_undecided(raw: &str) -> Result<(), String> {
    let digits = raw.trim_matches(|c: char| !c.is_ascii_digit());
    let mut readings: Vec<(NumberFormat, String)> = Vec::new();
    for format in CANDIDATES {
        if let Ok(n) = format.read(digits)
            && !readings.iter().any(|(_, r)| *r == n)
        {
            readings.push((format, n));
        }
    }
    match readings.as_slice() {
        [(first, a), (second, b), ..] => Err(format!(
            "reads as {a} in {} and as {b} in {}; the column has no decided number format: \
             set its number_format in [formats.<module>] of mapping.toml to the one the export \
             uses (`crm-migrate map` decides it only where the column's values do)",
            first.example(),
            second.example()
        )),
        _ => Ok(()),
    }
}

/// The integer digits of a number without their leading zeros (`"0"` → `""`). A run of digits
/// starting with a zero (`0042`, `011004`) is refused: it is a code — a customer code, a PIN
/// code — whose zeros a number field would drop, so it must stay text (issue 12: nothing read
/// another way without a word).
pub(crate) fn significant_digits(digits: &str) -> Result<&str, String> {
    if digits.len() > 1 && digits.starts_with('0') {
        return Err(format!(
            "{digits:?} starts with a zero that a number drops: it is a code, keep it as text"
        ));
    }
    Ok(digits.trim_start_matches('0'))
}

impl NumberFormat {
    /// The format with this decimal mark and grouping; [`CANDIDATES`] lists the ones discovery
    /// tries.
    pub const fn new(decimal: DecimalMark, grouping: Grouping) -> Self {
        Self { decimal, grouping }
    }

    /// `point_comma` (1,234.5), `point_indian` (12,34,567.5), `comma_point` (1.234,5),
    /// `comma_space`, `point_space`, `point_apostrophe`, `comma_apostrophe`.
    pub fn name(self) -> &'static str {
        match (self.decimal, self.grouping) {
            (DecimalMark::Point, Grouping::Comma) => "point_comma",
            (DecimalMark::Point, Grouping::Indian) => "point_indian",
            (DecimalMark::Comma, Grouping::Point) => "comma_point",
            (DecimalMark::Comma, Grouping::Space) => "comma_space",
            (DecimalMark::Point, Grouping::Space) => "point_space",
            (DecimalMark::Point, Grouping::Apostrophe) => "point_apostrophe",
            (DecimalMark::Comma, Grouping::Apostrophe) => "comma_apostrophe",
            // Not candidates: a decimal mark is never also the group mark.
            (DecimalMark::Point, Grouping::Point) => "point_point",
            (DecimalMark::Comma, Grouping::Comma | Grouping::Indian) => "comma_comma",
        }
    }

    /// The format named by [`NumberFormat::name`] or written as its [`NumberFormat::example`],
    /// if it is one of the candidates.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        CANDIDATES
            .into_iter()
            .find(|f| f.name() == name || f.example() == name)
    }

    /// What a reader of `number_format` accepts, for messages: every candidate's example.
    pub fn valid_names() -> String {
        CANDIDATES.map(|f| format!("{:?}", f.example())).join(", ")
    }

    /// An example of the format, for messages: `1,234,567.89`.
    pub fn example(self) -> &'static str {
        match self.name() {
            "point_comma" => "1,234,567.89",
            "point_indian" => "12,34,567.89",
            "comma_point" => "1.234.567,89",
            "comma_space" => "1 234 567,89",
            "point_space" => "1 234 567.89",
            "point_apostrophe" => "1'234'567.89",
            _ => "1'234'567,89",
        }
    }

    /// Reads a number text (sign allowed, no currency) in this format into a canonical decimal
    /// string (`-1234567.5`), exact. The error says why the format cannot read it.
    pub fn read(self, text: &str) -> Result<String, String> {
        let text = text.trim();
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, text.strip_prefix('+').unwrap_or(text).trim_start()),
        };
        if !body.bytes().any(|b| b.is_ascii_digit()) {
            return Err("no digits".into());
        }
        let dec = match self.decimal {
            DecimalMark::Point => '.',
            DecimalMark::Comma => ',',
        };
        let (int_part, frac) = match body.split_once(dec) {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if let Some(f) = frac {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "{f:?} after the decimal mark {dec:?} is not digits (this column writes numbers like {})",
                    self.example()
                ));
            }
        }
        let digits = self.integer_digits(int_part)?;
        let digits = significant_digits(&digits)?;
        let mut out = String::with_capacity(body.len() + 1);
        if negative {
            out.push('-');
        }
        out.push_str(if digits.is_empty() { "0" } else { digits });
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        if out.starts_with('-') && out[1..].bytes().all(|b| matches!(b, b'0' | b'.')) {
            out.remove(0);
        }
        Ok(out)
    }

    fn is_group_mark(self, c: char) -> bool {
        match self.grouping {
            Grouping::Comma | Grouping::Indian => c == ',',
            Grouping::Point => c == '.',
            Grouping::Space => matches!(c, ' ' | '\u{a0}' | '\u{202f}'),
            Grouping::Apostrophe => matches!(c, '\'' | '\u{2019}'),
        }
    }

    fn integer_digits(self, int_part: &str) -> Result<String, String> {
        if int_part.is_empty() {
            return Ok(String::new());
        }
        if let Some(bad) = int_part
            .chars()
            .find(|c| !c.is_ascii_digit() && !self.is_group_mark(*c))
        {
            return Err(format!(
                "{bad:?} is not part of a number written like {}",
                self.example()
            ));
        }
        let groups: Vec<&str> = int_part.split(|c| self.is_group_mark(c)).collect();
        if groups.len() == 1 {
            return Ok(int_part.to_string());
        }
        let last = groups.len() - 1;
        let sizes = |first: std::ops::RangeInclusive<usize>, middle: usize| {
            groups.iter().enumerate().all(|(i, g)| match i {
                0 => first.contains(&g.len()),
                i if i == last => g.len() == 3,
                _ => g.len() == middle,
            })
        };
        // A first group with a leading zero (`0,750`) is no grouping at all.
        let zero_led = groups.first().is_some_and(|g| g.starts_with('0'));
        let ok = !zero_led
            && match self.grouping {
                Grouping::Indian => sizes(1..=2, 2) || (groups.len() == 2 && sizes(1..=3, 3)),
                _ => sizes(1..=3, 3),
            };
        if !ok {
            return Err(format!(
                "{int_part:?} is not grouped like {}",
                self.example()
            ));
        }
        Ok(groups.concat())
    }
}

impl Serialize for NumberFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.example())
    }
}

impl<'de> Deserialize<'de> for NumberFormat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        NumberFormat::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{name:?} is not a number format; use one of {}",
                NumberFormat::valid_names()
            ))
        })
    }
}

/// Decides the columns of one file whose number format no value of their own decides, by the
/// decimal mark other columns of the file prove (one export file is written by one locale:
/// `12,5` in one column makes `125.000` in another 125000). `columns` are (header, decision)
/// in header order. When the proving columns disagree, nothing is decided and the pair is
/// returned — (header, example) of a decimal-comma column, then of a decimal-point column —
/// for a warning; each column keeps its own verdict.
pub fn decide_by_file(
    columns: &mut [(&str, &mut FormatDecision)],
) -> Option<((String, String), (String, String))> {
    let proving = |mark: DecimalMark| {
        columns
            .iter()
            .find(|(_, d)| {
                d.proves_decimal && d.ambiguous_with.is_none() && d.format.decimal == mark
            })
            .map(|(h, d)| (h.to_string(), d.proof.clone().unwrap_or_default()))
    };
    let (mark, (header, example)) = match (proving(DecimalMark::Comma), proving(DecimalMark::Point))
    {
        (Some(comma), Some(point)) => return Some((comma, point)),
        (Some(comma), None) => (DecimalMark::Comma, comma),
        (None, Some(point)) => (DecimalMark::Point, point),
        (None, None) => return None,
    };
    let by = format!(
        "decimal {}, as column {header:?} of this file proves{}",
        match mark {
            DecimalMark::Comma => "comma",
            DecimalMark::Point => "point",
        },
        if example.is_empty() {
            String::new()
        } else {
            format!(" (e.g. {example:?})")
        }
    );
    for (_, d) in columns.iter_mut() {
        let Some(rival) = d.ambiguous_with else {
            continue;
        };
        if d.format.decimal != mark && rival.decimal == mark {
            d.format = rival;
            d.unreadable_examples = std::mem::take(&mut d.rival_unreadable_examples);
            d.three_decimals = std::mem::take(&mut d.rival_three_decimals);
        } else if d.format.decimal != mark {
            continue;
        }
        d.ambiguous_with = None;
        d.ambiguous_example = None;
        d.rival_unreadable_examples.clear();
        d.rival_three_decimals = ThreeDecimals::default();
        d.decided_by_file = Some(by.clone());
    }
    None
}

/// Values kept as examples of what a format cannot read, and per kind of [`Seen`] value.
pub(crate) const EXAMPLES: usize = 3;

/// Values a format reads with exactly three decimals (`125.000` as 125) while a format with the
/// other decimal mark reads them as a whole number (125000). Amounts and counts are rarely
/// written to a thousandth, so in a money or number column these are most likely thousands
/// grouped the other way — a column mixing `125.000` with `1,250,000` (issue 12, case 12: never 125.000 read as 125
/// without a word).
pub type ThreeDecimals = Seen;

/// Distinct values of a column of one kind (read with three decimals, written as fractions …):
/// how many, and the first three with their file lines, as evidence for the operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// Distinct values of this kind.
    pub values: u64,
    /// Up to three of them.
    pub examples: Vec<String>,
    /// The file line each example was first seen on (0 when unknown), in `examples` order.
    #[serde(default)]
    pub lines: Vec<u64>,
}

impl Seen {
    /// No value is of this kind.
    pub fn is_empty(&self) -> bool {
        self.values == 0
    }

    /// Adds `other`'s values (the same column in another file): distinct counts add up (a
    /// value in both files counts twice), examples and their lines are kept within [`EXAMPLES`].
    pub fn absorb(&mut self, other: &Seen) {
        self.values += other.values;
        for (i, example) in other.examples.iter().enumerate() {
            if self.examples.len() >= EXAMPLES {
                break;
            }
            self.examples.push(example.clone());
            self.lines.push(other.lines.get(i).copied().unwrap_or(0));
        }
    }

    /// The examples for a message: `125.000 (line 5)`.
    pub fn examples_text(&self) -> String {
        self.examples
            .iter()
            .zip(&self.lines)
            .map(|(e, l)| match l {
                0 => e.clone(),
                l => format!("{e} (line {l})"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Counts `text`, first seen on file line `line`, keeping it as an example while there is
    /// room.
    pub(crate) fn add(&mut self, text: &str, line: u64) {
        self.values += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(text.to_string());
            self.lines.push(line);
        }
    }
}

/// The decided format of a column and its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormatDecision {
    /// The format the column is read with.
    pub format: NumberFormat,
    /// Distinct number values seen (the profiler tallies each value once).
    pub values: u64,
    /// Of them, read by `format`.
    pub readable: u64,
    /// Another format reads every value too but gives a different number for some
    /// (`1.250`: 1.25 or 1250): the operator must confirm `format`.
    pub ambiguous_with: Option<NumberFormat>,
    /// A value the two ambiguous formats read differently.
    pub ambiguous_example: Option<String>,
    /// Up to three values `format` cannot read.
    pub unreadable_examples: Vec<String>,
    /// Values with more than two digit groups or a decimal part that proved the format
    /// (`2.750.000`, `12,5`), e.g. the first such value.
    pub proof: Option<String>,
    /// The column's own values prove its decimal mark: no format with the other mark reads as
    /// many of them (`12,5`, `1.234,56`, `2.750.000` prove a decimal comma; `125.000` alone
    /// does not). Another column of the same file may then decide an ambiguous one.
    #[serde(default)]
    pub proves_decimal: bool,
    /// For an ambiguous column, the values [`FormatDecision::ambiguous_with`] cannot read (up
    /// to three), should the file's proved decimal mark pick it instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rival_unreadable_examples: Vec<String>,
    /// Set when the decimal mark was decided by another column of the same file (one locale
    /// wrote the whole file): `decimal comma, as column "Rate" of this file proves (e.g. "12,5")`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by_file: Option<String>,
    /// Values `format` reads with three decimals that the other decimal mark reads as whole
    /// thousands: a money column holding them needs the operator's confirmation.
    #[serde(default, skip_serializing_if = "ThreeDecimals::is_empty")]
    pub three_decimals: ThreeDecimals,
    /// The same for [`FormatDecision::ambiguous_with`], should the file's proved decimal mark
    /// pick it instead.
    #[serde(default, skip_serializing_if = "ThreeDecimals::is_empty")]
    pub rival_three_decimals: ThreeDecimals,
}

impl FormatDecision {
    /// One line of evidence for reports and `mapping.toml`: "4 of 4 distinct values read as
    /// 1.234.567,89 (decided by "2.750.000")". Distinct values: a repeat proves nothing new, so
    /// the tally sees each value once.
    pub fn evidence(&self) -> String {
        let mut s = format!(
            "{} of {} distinct values read as {}",
            self.readable,
            self.values,
            self.format.example()
        );
        if let Some(by) = &self.decided_by_file {
            s.push_str(&format!(" ({by})"));
        } else if let Some(p) = &self.proof {
            s.push_str(&format!(" (decided by {p:?})"));
        }
        if let (Some(other), Some(e)) = (self.ambiguous_with, &self.ambiguous_example) {
            s.push_str(&format!(
                "; ambiguous: {e:?} also reads as {}",
                other.example()
            ));
        }
        if !self.three_decimals.is_empty() {
            s.push_str(&format!(
                "; {} with three decimals, whole thousands the other way: {}",
                self.three_decimals.values,
                self.three_decimals.examples_text()
            ));
        }
        if !self.unreadable_examples.is_empty() {
            s.push_str(&format!(
                "; unreadable: {}",
                self.unreadable_examples.join(", ")
            ));
        }
        s
    }
}

/// Streams a column's number texts through every candidate format.
#[derive(Debug, Clone, Default)]
pub struct FormatTally {
    values: u64,
    readable: [u64; CANDIDATES.len()],
    /// For each pair (i, j), i < j: a value both read but differently.
    disagree: Vec<((usize, usize), String)>,
    unreadable: [Vec<String>; CANDIDATES.len()],
    /// The first value only some candidates read.
    proof: Option<String>,
    three_decimals: [ThreeDecimals; CANDIDATES.len()],
}

impl FormatTally {
    /// Adds one number text (currency, scale words and `/-` already removed), first seen on file
    /// line `line` (0 when unknown). `fils`: the amount is in a currency of three decimals
    /// ([`crate::numbers::money_text::has_three_decimals`]), where three decimals are expected
    /// and prove no locale.
    pub fn observe(&mut self, text: &str, line: u64, fils: bool) {
        self.values += 1;
        let readings: [Option<String>; CANDIDATES.len()] =
            std::array::from_fn(|i| CANDIDATES[i].read(text).ok());
        for (i, r) in readings.iter().enumerate() {
            match r {
                Some(_) => self.readable[i] += 1,
                None if self.unreadable[i].len() < EXAMPLES => {
                    self.unreadable[i].push(text.to_string())
                }
                None => {}
            }
        }
        for (i, r) in readings.iter().enumerate() {
            let Some(r) = r else { continue };
            let thousandths = r.split_once('.').is_some_and(|(_, f)| f.len() == 3);
            let whole_the_other_way = || {
                (0..CANDIDATES.len()).any(|j| {
                    CANDIDATES[j].decimal != CANDIDATES[i].decimal
                        && readings[j].as_ref().is_some_and(|o| !o.contains('.'))
                })
            };
            if thousandths && !fils && whole_the_other_way() {
                self.three_decimals[i].add(text, line);
            }
        }
        if self.proof.is_none()
            && readings.iter().any(Option::is_none)
            && readings.iter().any(Option::is_some)
        {
            self.proof = Some(text.to_string());
        }
        for i in 0..CANDIDATES.len() {
            for j in i + 1..CANDIDATES.len() {
                if let (Some(a), Some(b)) = (&readings[i], &readings[j]) {
                    if a != b && !self.disagree.iter().any(|(k, _)| *k == (i, j)) {
                        self.disagree.push(((i, j), text.to_string()));
                    }
                }
            }
        }
    }

    /// Number values seen (distinct ones, as the profiler feeds them).
    pub fn values(&self) -> u64 {
        self.values
    }

    /// The format reading the most values (the first candidate on a tie), and whether another
    /// format reads as many but differently. `None` when no value was seen.
    pub fn decide(&self) -> Option<FormatDecision> {
        if self.values == 0 {
            return None;
        }
        let best = (0..CANDIDATES.len())
            .max_by_key(|i| (self.readable[*i], std::cmp::Reverse(*i)))
            .unwrap_or(0);
        let rival = (0..CANDIDATES.len())
            .filter(|j| *j != best && self.readable[*j] == self.readable[best])
            .find_map(|j| {
                let key = (best.min(j), best.max(j));
                self.disagree
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, e)| (CANDIDATES[j], e.clone()))
            });
        let mark = CANDIDATES[best].decimal;
        let other_mark_reads = (0..CANDIDATES.len())
            .filter(|i| CANDIDATES[*i].decimal != mark)
            .map(|i| self.readable[i])
            .max()
            .unwrap_or(0);
        let rival_index = rival
            .as_ref()
            .and_then(|(f, _)| CANDIDATES.iter().position(|c| c == f));
        Some(FormatDecision {
            format: CANDIDATES[best],
            values: self.values,
            readable: self.readable[best],
            ambiguous_with: rival.as_ref().map(|(f, _)| *f),
            ambiguous_example: rival.map(|(_, e)| e),
            unreadable_examples: self.unreadable[best].clone(),
            proof: self.proof.clone(),
            proves_decimal: self.readable[best] > other_mark_reads,
            rival_unreadable_examples: rival_index
                .map(|j| self.unreadable[j].clone())
                .unwrap_or_default(),
            decided_by_file: None,
            three_decimals: self.three_decimals[best].clone(),
            rival_three_decimals: rival_index
                .map(|j| self.three_decimals[j].clone())
                .unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(values: &[&str]) -> FormatDecision {
        let mut t = FormatTally::default();
        for (i, v) in values.iter().enumerate() {
            t.observe(v, i as u64 + 2, false);
        }
        t.decide().unwrap()
    }

    #[test]
    fn european_resave_is_decided_for_the_whole_column() {
        let d = decide(&["125.000", "4.500", "2.750.000", "60.000"]);
        assert_eq!(d.format.name(), "comma_point");
        assert_eq!(d.readable, 4);
        assert_eq!(d.format.read("125.000").unwrap(), "125000");
        assert_eq!(d.format.read("2.750.000").unwrap(), "2750000");
        let d = decide(&["12,5", "50", "25", "37,5"]);
        assert_eq!(d.format.read("12,5").unwrap(), "12.5");
        assert!(d.ambiguous_with.is_none());
    }

    #[test]
    fn indian_and_western_grouping() {
        let d = decide(&["1,00,000", "12,34,567.50", "75,000"]);
        assert_eq!(d.format.name(), "point_indian");
        assert_eq!(d.format.read("12,34,567.50").unwrap(), "1234567.50");
        let d = decide(&["1,234,567.89", "125,000"]);
        assert_eq!(d.format.name(), "point_comma");
        assert_eq!(
            NumberFormat::from_name("point_space")
                .unwrap()
                .read("1 234 567.5")
                .unwrap(),
            "1234567.5"
        );
        assert_eq!(
            NumberFormat::from_name("point_apostrophe")
                .unwrap()
                .read("1'234")
                .unwrap(),
            "1234"
        );
    }

    #[test]
    fn a_column_two_formats_read_differently_is_ambiguous() {
        let d = decide(&["1.250", "3.500"]);
        assert!(d.ambiguous_with.is_some());
        assert_eq!(d.ambiguous_example.as_deref(), Some("1.250"));
        let d = decide(&["50", "75"]);
        assert!(d.ambiguous_with.is_none());
    }

    #[test]
    fn a_decimal_mark_another_column_proves_decides_an_ambiguous_one() {
        let mut rate = decide(&["12,5", "7"]);
        let mut amount = decide(&["125.000", "4.500"]);
        let mut count = decide(&["3", "40"]);
        assert!(rate.proves_decimal && !amount.proves_decimal && !count.proves_decimal);
        assert_eq!(amount.format.name(), "point_comma");
        assert!(amount.ambiguous_with.is_some());
        let conflict = decide_by_file(&mut [
            ("Rate", &mut rate),
            ("Amount", &mut amount),
            ("Count", &mut count),
        ]);
        assert_eq!(conflict, None);
        assert_eq!(amount.format.name(), "comma_point");
        assert_eq!(amount.format.read("125.000").unwrap(), "125000");
        assert!(amount.ambiguous_with.is_none());
        assert!(
            amount.evidence().contains(
                "2 of 2 distinct values read as 1.234.567,89 (decimal comma, as column \"Rate\" of this file proves (e.g. \"12,5\"))"
            ),
            "{}",
            amount.evidence()
        );
        // A column nothing made ambiguous is left as it is.
        assert_eq!(count.decided_by_file, None);
        assert_eq!(rate.decided_by_file, None);
    }

    #[test]
    fn contrary_decimal_marks_in_one_file_decide_nothing() {
        let mut comma = decide(&["12,5"]);
        let mut point = decide(&["1,234.5"]);
        let mut amount = decide(&["125.000"]);
        let conflict = decide_by_file(&mut [
            ("Rate", &mut comma),
            ("Price", &mut point),
            ("Amount", &mut amount),
        ]);
        assert_eq!(
            conflict,
            Some((
                ("Rate".to_string(), "12,5".to_string()),
                ("Price".to_string(), "1,234.5".to_string())
            ))
        );
        assert!(amount.ambiguous_with.is_some());
        assert_eq!(comma.format.name(), "comma_point");
        assert_eq!(point.format.name(), "point_comma");
    }

    #[test]
    fn amounts_read_to_a_thousandth_that_the_other_mark_reads_whole_are_named() {
        // One export re-saved in two locales: 1,250,000 decides a decimal point, which reads
        // 125.000 as 125 (a deal 1000 times too small).
        let d = decide(&["125.000", "1,250,000", "4,500", "99.5"]);
        assert_eq!(d.format.name(), "point_comma");
        assert!(d.ambiguous_with.is_none());
        assert_eq!(d.three_decimals.values, 1);
        assert_eq!(d.three_decimals.examples, vec!["125.000".to_string()]);
        assert!(
            d.evidence()
                .contains("1 with three decimals, whole thousands the other way: 125.000 (line 2)"),
            "{}",
            d.evidence()
        );
        // Grouped the same way as the rest, or with both marks, nothing is in doubt.
        assert!(decide(&["125.000", "2.750.000"]).three_decimals.is_empty());
        assert!(
            decide(&["1,234.567", "1,250,000"])
                .three_decimals
                .is_empty()
        );
        // The rival's count follows the format the file's proved decimal mark picks.
        let mut rate = decide(&["12.5"]);
        let mut amount = decide(&["125.000", "4.500"]);
        assert_eq!(amount.three_decimals.values, 2);
        decide_by_file(&mut [("Rate", &mut rate), ("Amount", &mut amount)]);
        assert_eq!(amount.format.name(), "point_comma");
        assert_eq!(amount.three_decimals.values, 2);
        let mut rate = decide(&["12,5"]);
        let mut amount = decide(&["125.000", "4.500"]);
        decide_by_file(&mut [("Rate", &mut rate), ("Amount", &mut amount)]);
        assert_eq!(amount.format.name(), "comma_point");
        assert!(amount.three_decimals.is_empty());
    }

    #[test]
    fn a_leading_zero_group_is_no_grouping() {
        let comma = NumberFormat::from_name("comma_point").unwrap();
        let point = NumberFormat::from_name("point_comma").unwrap();
        assert_eq!(comma.read("0,750").unwrap(), "0.750");
        assert!(point.read("0,750").unwrap_err().contains("not grouped"));
        assert!(
            point
                .read("0042")
                .unwrap_err()
                .contains("starts with a zero")
        );
    }

    #[test]
    fn values_the_decided_format_cannot_read_are_named() {
        let d = decide(&["125.000", "2.750.000", "1.250.000", "12.5"]);
        assert_eq!(d.format.name(), "comma_point");
        assert_eq!(d.readable, 3);
        assert_eq!(d.unreadable_examples, vec!["12.5".to_string()]);
        assert!(d.format.read("12.5").unwrap_err().contains("grouped"));
    }
}
