//! How a percent column writes its values, decided once per column from all its values and never
//! per value (issue 12): on 0–100 (`60`, `60%`, `12.5`) or as fractions of one (`0.6`, `0.125`).
//! A "Probability" column of `0.5` / `0.75` / `1` read as written would load a lead's confidence
//! 100 times too small, with no word; a column mixing `60%` with `0.6` is read neither way.
//!
//! [`PercentTally`] streams a column's number texts (the profiler feeds each distinct value once)
//! and [`PercentTally::decide`] gives a [`PercentDecision`]: its [`PercentScale`], or none when
//! the values do not decide it, with the evidence. [`scale_percent`] reads one canonical number
//! in a scale, exactly (decimal string arithmetic, no `f64`).

use serde::{Deserialize, Serialize};

use super::format::EXAMPLES;
pub use super::format::Seen;

/// How a percent column writes its values; `percent_scale` in mapping.toml's `[formats.*]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PercentScale {
    /// On 0–100: `60` is 60%.
    Percent,
    /// Fractions of one: `0.6` is 60%, read ×100.
    Fraction,
}

/// Where a number lies against the two scales' edges. Only this decides the scale, so a value is
/// classified from its text, whatever its number format (`0,75` and `0.75` alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magnitude {
    /// Zero: the same in both scales.
    Zero,
    /// Strictly between 0 and 1: a fraction, or below one percent.
    BelowOne,
    /// Exactly one: 1% or 100%.
    One,
    /// Above one: only a percent (a fraction above one is over 100%).
    AboveOne,
    /// Below zero: neither.
    Negative,
}

/// The magnitude of a number text (a sign, digits, `.`/`,` and group marks; any `%` already
/// taken off), or `None` when it is not one. A byte scan, allocation-free: it runs on the
/// profiler's path. The first digit group is the integer part, or the first group of thousands:
/// either way a non-zero one makes the value at least one.
fn magnitude(text: &str) -> Option<Magnitude> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let b = body.as_bytes();
    let head_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let (head, rest) = b.split_at(head_len);
    if !rest
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b',' | b' ' | b'\''))
        || !b.iter().any(u8::is_ascii_digit)
    {
        return None;
    }
    let nonzero = |d: &[u8]| d.iter().any(|c| matches!(c, b'1'..=b'9'));
    if negative && nonzero(b) {
        return Some(Magnitude::Negative);
    }
    let significant = head.iter().skip_while(|c| **c == b'0').count();
    Some(match (significant, nonzero(rest)) {
        (0, false) => Magnitude::Zero,
        (0, true) => {
            // `0.75`, `.5`, `0,75`: one mark, then the fraction's digits.
            let marks = rest.iter().filter(|c| !c.is_ascii_digit()).count();
            if marks != 1 {
                return None;
            }
            Magnitude::BelowOne
        }
        (1, false) if head.last() == Some(&b'1') => Magnitude::One,
        _ => Magnitude::AboveOne,
    })
}

/// A percent column's scale and the evidence for it, from all its (distinct) values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PercentDecision {
    /// The scale every value is read in; `None` when the values do not decide it: they mix both
    /// (some written with `%` or above 1, some strictly between 0 and 1 without `%`), or no value
    /// but 0 and 1 was seen.
    pub scale: Option<PercentScale>,
    /// Distinct number values seen.
    pub values: u64,
    /// Values only a percent reads: written with `%`, or above 1.
    pub percent: Seen,
    /// Values strictly between 0 and 1 written without `%`: fractions, or below one percent.
    pub fractions: Seen,
    /// Values of exactly 1 written without `%`: 1% or 100%.
    pub ones: Seen,
    /// Negative values: no percent is.
    #[serde(default, skip_serializing_if = "Seen::is_empty")]
    pub negative: Seen,
}

impl PercentDecision {
    /// The scale the values decide: percent when some are written with `%` or above 1 and none
    /// is a fraction, fraction when the reverse, none when they mix or show neither.
    fn scale_of_values(&self) -> Option<PercentScale> {
        match (self.percent.values > 0, self.fractions.values > 0) {
            (true, false) => Some(PercentScale::Percent),
            (false, true) => Some(PercentScale::Fraction),
            _ => None,
        }
    }

    /// Adds `other`'s values (the same column in another file of the module) and decides the
    /// scale again from all of them: files that disagree leave it undecided.
    pub fn absorb(&mut self, other: &PercentDecision) {
        self.values += other.values;
        self.percent.absorb(&other.percent);
        self.fractions.absorb(&other.fractions);
        self.ones.absorb(&other.ones);
        self.negative.absorb(&other.negative);
        self.scale = self.scale_of_values();
    }

    /// Values a column without a decided scale cannot read one way only: strictly between 0 and
    /// 1, or exactly 1, written without `%`.
    pub fn undecided_values(&self) -> u64 {
        if self.scale.is_some() {
            0
        } else {
            self.fractions.values + self.ones.values
        }
    }

    /// One line of evidence for mapping.toml and the map's problems: "all 4 distinct values
    /// between 0 and 1, e.g. 0.75 (line 7): read as fractions ×100".
    pub fn evidence(&self) -> String {
        let percent = || {
            format!(
                "{} written with % or above 1 (e.g. {})",
                self.percent.values,
                self.percent.examples_text()
            )
        };
        let fractions = || {
            format!(
                "{} between 0 and 1 without % (e.g. {})",
                self.fractions.values,
                self.fractions.examples_text()
            )
        };
        let mut s = match self.scale {
            Some(PercentScale::Fraction) if self.fractions.values == self.values => format!(
                "all {} distinct values between 0 and 1, e.g. {}: read as fractions ×100",
                self.values,
                self.fractions.examples_text()
            ),
            Some(PercentScale::Fraction) => format!(
                "all {} distinct values from 0 to 1, {}: read as fractions ×100",
                self.values,
                fractions()
            ),
            Some(PercentScale::Percent) => format!(
                "{} of {} distinct values written with % or above 1 (e.g. {}): read as percent (0–100)",
                self.percent.values,
                self.values,
                self.percent.examples_text()
            ),
            None if self.fractions.values > 0 => format!(
                "percent scale undecided: of {} distinct values, {} but {}: neither way reads every value",
                self.values,
                percent(),
                fractions()
            ),
            None if self.ones.values > 0 => format!(
                "percent scale undecided: no value is above 1, written with % or between 0 and 1, so 1 (e.g. {}) may be 1% or 100%",
                self.ones.examples_text()
            ),
            None => format!(
                "percent scale undecided: {} distinct values, none above 0",
                self.values
            ),
        };
        if self.negative.values > 0 {
            s.push_str(&format!(
                "; {} below 0, which no percent is (e.g. {})",
                self.negative.values,
                self.negative.examples_text()
            ));
        }
        s
    }
}

/// Streams a column's number texts into a [`PercentDecision`]. Allocation-free per value but for
/// the first few examples of each kind.
#[derive(Debug, Clone, Default)]
pub struct PercentTally {
    decision: PercentDecision,
}

impl PercentTally {
    /// Adds one number text (currency and any `%` already taken off), `written_with_percent` when
    /// the cell ended in `%`, first seen on file line `line` (0 when unknown). A text that is not
    /// a number is not counted.
    pub fn observe(&mut self, text: &str, written_with_percent: bool, line: u64) {
        let Some(m) = magnitude(text) else { return };
        let d = &mut self.decision;
        d.values += 1;
        let shown = || {
            if written_with_percent {
                format!("{}%", text.trim())
            } else {
                text.trim().to_string()
            }
        };
        let kind = match m {
            Magnitude::Negative => &mut d.negative,
            _ if written_with_percent || m == Magnitude::AboveOne => &mut d.percent,
            Magnitude::BelowOne => &mut d.fractions,
            Magnitude::One => &mut d.ones,
            Magnitude::Zero | Magnitude::AboveOne => return,
        };
        if kind.examples.len() < EXAMPLES {
            kind.add(&shown(), line);
        } else {
            kind.values += 1;
        }
    }

    /// Number values seen.
    pub fn values(&self) -> u64 {
        self.decision.values
    }

    /// The scale: `percent` when some value is written with `%` or above 1 and none is a
    /// fraction; `fraction` when every value is from 0 to 1, at least one strictly between, and
    /// none is written with `%`; otherwise none. `None` when no number was seen.
    pub fn decide(&self) -> Option<PercentDecision> {
        let mut d = self.decision.clone();
        if d.values == 0 {
            return None;
        }
        d.scale = d.scale_of_values();
        Some(d)
    }
}

/// Whether a canonical decimal (`-12.50`, as [`super::format::NumberFormat::read`] gives) is
/// from 0 to 100 inclusive.
fn on_0_to_100(canonical: &str) -> bool {
    if canonical.starts_with('-') {
        return !canonical.bytes().any(|c| matches!(c, b'1'..=b'9'));
    }
    let (int, frac) = canonical.split_once('.').unwrap_or((canonical, ""));
    let int = int.trim_start_matches('0');
    match int.len() {
        0..=2 => true,
        3 => int == "100" && frac.bytes().all(|c| c == b'0'),
        _ => false,
    }
}

/// A canonical decimal ×100, exactly, by moving the decimal point: `0.755` → `75.5`, `1` →
/// `100`, `0.05` → `5`.
fn times_100(canonical: &str) -> String {
    let (sign, digits) = match canonical.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", canonical),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let moved = frac.len().min(2);
    let mut whole = format!("{int}{}{}", &frac[..moved], "0".repeat(2 - moved));
    let rest = &frac[moved..];
    let trimmed = whole.trim_start_matches('0');
    whole = if trimmed.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    };
    if rest.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{rest}")
    }
}

/// Reads a cell's canonical number `canonical` (any `%` taken off; `written_with_percent` when
/// the cell had one) as a percent on 0–100, in the column's `scale`: a value written with `%` is
/// a percent in any scale; a fraction is ×100. Errors, as the reason a value is refused: the
/// result is outside 0–100; or, with no decided scale, the value is above 0 and at most 1 and
/// written without `%`, which the two scales read differently (`0.5`: 50% or 0.5%), so nothing
/// is guessed. A reason names no value (the caller shows it), so `map` counts the values
/// refused for one reason together.
pub fn scale_percent(
    canonical: &str,
    written_with_percent: bool,
    scale: Option<PercentScale>,
) -> Result<String, String> {
    let value = match (written_with_percent, scale) {
        (true, _) | (false, Some(PercentScale::Percent)) => canonical.to_string(),
        (false, Some(PercentScale::Fraction)) => times_100(canonical),
        (false, None) => {
            if matches!(
                magnitude(canonical),
                Some(Magnitude::BelowOne | Magnitude::One)
            ) {
                return Err("a value from 0 to 1 without % is a fraction (0.5 = 50%) or a percent (0.5%); the column has no decided percent scale: set its percent_scale (\"percent\" or \"fraction\") in [formats.<module>] of mapping.toml (`crm-migrate map` decides it only where the column's values do)".into());
            }
            canonical.to_string()
        }
    };
    if on_0_to_100(&value) {
        return Ok(value);
    }
    let below = value.starts_with('-');
    Err(match (written_with_percent, scale, below) {
        (false, Some(PercentScale::Fraction), false) => "read as a fraction (percent_scale = \"fraction\", ×100) it is above 100%: a fraction column's values are from 0 to 1".into(),
        (_, _, true) => "below 0: a percent is from 0 to 100".into(),
        _ => "above 100: a percent is from 0 to 100".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(values: &[&str]) -> PercentDecision {
        let mut t = PercentTally::default();
        for (i, v) in values.iter().enumerate() {
            let (text, pct) = match v.strip_suffix('%') {
                Some(t) => (t, true),
                None => (*v, false),
            };
            t.observe(text, pct, i as u64 + 2);
        }
        t.decide().unwrap()
    }

    /// One column paged into two files: files that agree keep their scale, files that
    /// disagree (`60%` in one, `0.6` in the other) leave it undecided with both counted.
    #[test]
    fn two_files_of_a_column_decide_the_scale_together() {
        let mut agree = decide(&["0.5", "0.75"]);
        agree.absorb(&decide(&["0.25"]));
        assert_eq!(
            (agree.scale, agree.values, agree.fractions.values),
            (Some(PercentScale::Fraction), 3, 3)
        );
        let mut mixed = decide(&["60%", "75%"]);
        mixed.absorb(&decide(&["0.6"]));
        assert_eq!(mixed.scale, None);
        assert_eq!(mixed.undecided_values(), 1);
        assert_eq!(mixed.fractions.examples, ["0.6"]);
    }

    #[test]
    fn magnitudes_whatever_the_number_format() {
        use Magnitude::*;
        for (text, want) in [
            ("0", Zero),
            ("0.00", Zero),
            ("0.75", BelowOne),
            ("0,75", BelowOne),
            (".5", BelowOne),
            ("1", One),
            ("1.0", One),
            ("1,00", One),
            ("01", One),
            ("1.5", AboveOne),
            ("60", AboveOne),
            ("100", AboveOne),
            ("1,250", AboveOne),
            ("-5", Negative),
            ("-0", Zero),
            ("+0.5", BelowOne),
        ] {
            assert_eq!(magnitude(text), Some(want), "{text}");
        }
        for text in ["", "abc", "0.5.5", "12a", "-"] {
            assert_eq!(magnitude(text), None, "{text}");
        }
    }

    #[test]
    fn fractions_decide_fraction() {
        let d = decide(&["0.5", "0.75", "1", "0"]);
        assert_eq!(d.scale, Some(PercentScale::Fraction));
        assert_eq!(d.values, 4);
        assert_eq!(d.fractions.values, 2);
        assert_eq!(
            d.evidence(),
            "all 4 distinct values from 0 to 1, 2 between 0 and 1 without % (e.g. 0.5 (line 2), 0.75 (line 3)): read as fractions ×100"
        );
        let d = decide(&["0.5", "0.75"]);
        assert_eq!(
            d.evidence(),
            "all 2 distinct values between 0 and 1, e.g. 0.5 (line 2), 0.75 (line 3): read as fractions ×100"
        );
    }

    #[test]
    fn a_percent_sign_or_a_value_above_one_decides_percent() {
        let d = decide(&["60%", "75", "1", "0"]);
        assert_eq!(d.scale, Some(PercentScale::Percent));
        assert_eq!(d.percent.values, 2);
        assert_eq!(
            d.evidence(),
            "2 of 4 distinct values written with % or above 1 (e.g. 60% (line 2), 75 (line 3)): read as percent (0–100)"
        );
        // `0.5%` is explicit: a percent, not a fraction.
        assert_eq!(decide(&["0.5%", "1"]).scale, Some(PercentScale::Percent));
    }

    #[test]
    fn a_column_mixing_both_or_only_ones_decides_nothing() {
        let d = decide(&["60%", "60", "0.6", "0.75", "45", "0.1", "0.2"]);
        assert_eq!(d.scale, None);
        assert_eq!(d.fractions.values, 4);
        assert_eq!(d.undecided_values(), 4);
        assert_eq!(
            d.fractions.examples_text(),
            "0.6 (line 4), 0.75 (line 5), 0.1 (line 7)"
        );
        assert!(
            d.evidence().contains("neither way reads every value"),
            "{}",
            d.evidence()
        );
        let d = decide(&["1", "0"]);
        assert_eq!(d.scale, None);
        assert_eq!(d.undecided_values(), 1);
        assert!(d.evidence().contains("1% or 100%"), "{}", d.evidence());
        let d = decide(&["-5", "50"]);
        assert_eq!(d.scale, Some(PercentScale::Percent));
        assert!(d.evidence().contains("1 below 0"), "{}", d.evidence());
    }

    #[test]
    fn fractions_are_read_times_100_exactly() {
        let f = Some(PercentScale::Fraction);
        for (canonical, want) in [
            ("0.755", "75.5"),
            ("0.5", "50"),
            ("0.75", "75"),
            ("1", "100"),
            ("0", "0"),
            ("0.05", "5"),
            ("0.0075", "0.75"),
            ("1.00", "100"),
        ] {
            assert_eq!(
                scale_percent(canonical, false, f).unwrap(),
                want,
                "{canonical}"
            );
        }
        // Written with `%`, a value is a percent in any scale.
        assert_eq!(scale_percent("60", true, f).unwrap(), "60");
        assert_eq!(
            scale_percent("60", false, Some(PercentScale::Percent)).unwrap(),
            "60"
        );
    }

    #[test]
    fn values_outside_0_to_100_and_undecided_ones_are_refused() {
        let p = Some(PercentScale::Percent);
        assert!(
            scale_percent("150", false, p)
                .unwrap_err()
                .contains("above 100")
        );
        assert!(
            scale_percent("-5", false, p)
                .unwrap_err()
                .contains("below 0")
        );
        assert!(scale_percent("100.5", true, p).is_err());
        assert_eq!(scale_percent("100.00", false, p).unwrap(), "100.00");
        let e = scale_percent("60", false, Some(PercentScale::Fraction)).unwrap_err();
        assert!(e.contains("above 100%") && e.contains("fraction"), "{e}");
        // Without a decided scale: 0.5 and 1 read two ways, so they are refused; the rest read
        // the same in both scales or only as a percent.
        let e = scale_percent("0.5", false, None).unwrap_err();
        assert!(
            e.contains("0.5 = 50%") && e.contains("percent_scale"),
            "{e}"
        );
        assert!(scale_percent("1", false, None).is_err());
        assert_eq!(scale_percent("0.5", true, None).unwrap(), "0.5");
        assert_eq!(scale_percent("60", false, None).unwrap(), "60");
        assert_eq!(scale_percent("0", false, None).unwrap(), "0");
    }
}
