//! Numbers written by people: digit grouping (Indian `1,25,000`, western `125,000`, European
//! `1.250,00`), an optional sign or accounting parentheses, an optional trailing `%`. Results are
//! canonical decimal strings (`-125000.50`), never `f64`, so no amount loses a paisa to rounding.

use super::{Rejected, non_blank};
use crate::numbers::format::{NumberFormat, refuse_undecided, significant_digits};
use crate::numbers::percent::{PercentScale, scale_percent};

/// A number cell as a canonical decimal string. A trailing `%` is dropped (`60%` → `60`), as
/// percentages land in 0–100 fields such as a lead's confidence.
pub fn parse_number(raw: &str) -> Result<String, Rejected> {
    let text = non_blank(raw)?;
    let text = text.strip_suffix('%').map_or(text, str::trim_end);
    parse_decimal(text, false).map_err(|r| Rejected::new(raw, r))
}

/// Parse a decimal with grouping. A single separator followed by exactly three digits (`1,250`,
/// `1.250`) could be grouping or a decimal mark: `european` says which convention to read it in
/// (`true`: `.` groups and `,` is the decimal mark).
/// [`parse_number`] read in a column's decided [`NumberFormat`], never another way. Without a
/// decided format (a hand-written `mapping.toml`), a value two formats read differently
/// (`1.250`) is refused ([`refuse_undecided`]), so the load, `map`'s value check and the preview
/// agree on it.
pub fn parse_number_in(raw: &str, format: Option<&NumberFormat>) -> Result<String, Rejected> {
    let Some(format) = format else {
        refuse_undecided(raw).map_err(|r| Rejected::new(raw, r))?;
        return parse_number(raw);
    };
    let text = non_blank(raw)?;
    let text = text.strip_suffix('%').map_or(text, str::trim_end);
    let (negative, text) = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => (true, inner.trim()),
        None => (false, text),
    };
    let n = format.read(text).map_err(|r| Rejected::new(raw, r))?;
    Ok(match (negative, n.as_str()) {
        (true, n) if !n.starts_with('-') && n.bytes().any(|b| matches!(b, b'1'..=b'9')) => {
            format!("-{n}")
        }
        _ => n,
    })
}

/// A cell for a percent field (0–100, a lead's confidence) as a canonical decimal: its number
/// read as [`parse_number_in`] does, then in the column's decided `scale` ([`scale_percent`]):
/// `0.755` in a fraction column is `75.5`, `60%` is 60 in any column. Refused: a value outside
/// 0–100, and, with no decided scale, a value above 0 and at most 1 written without `%` (50% or
/// 0.5%?), so no value is read one way and its neighbour the other.
pub fn parse_percent_in(
    raw: &str,
    format: Option<&NumberFormat>,
    scale: Option<PercentScale>,
) -> Result<String, Rejected> {
    let number = parse_number_in(raw, format)?;
    let written_with_percent = raw.trim().ends_with('%');
    scale_percent(&number, written_with_percent, scale).map_err(|r| Rejected::new(raw, r))
}

pub(crate) fn parse_decimal(text: &str, european: bool) -> Result<String, String> {
    let text = text.trim();
    let (negative, body) =
        if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            (true, inner.trim())
        } else if let Some(rest) = text.strip_prefix('-') {
            (true, rest.trim_start())
        } else {
            (false, text.strip_prefix('+').unwrap_or(text).trim_start())
        };
    if let Some(bad) = body
        .chars()
        .find(|c| !(c.is_ascii_digit() || *c == ',' || *c == '.'))
    {
        return Err(format!("{bad:?} is not part of a number"));
    }
    if !body.bytes().any(|b| b.is_ascii_digit()) {
        return Err("no digits".into());
    }
    let (group, decimal) = separators(body, european)?;
    let (int_part, frac_part) = match decimal.and_then(|d| body.split_once(d)) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = match group {
        Some(g) => grouped_digits(int_part, g)?,
        None => int_part.to_string(),
    };
    if digits.is_empty() && frac_part.is_none() {
        return Err("no digits before the decimal mark".into());
    }
    let digits = significant_digits(&digits)?;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(if digits.is_empty() { "0" } else { digits });
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{frac:?} after the decimal mark is not digits"));
        }
        out.push('.');
        out.push_str(frac);
    }
    if out == "-0" || out.starts_with("-0.") && out[3..].bytes().all(|b| b == b'0') {
        out.remove(0);
    }
    Ok(out)
}

/// Which of `,` and `.` groups digits and which is the decimal mark.
fn separators(body: &str, european: bool) -> Result<(Option<char>, Option<char>), String> {
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();
    let last = body.rfind([',', '.']).map(|i| &body[i..]);
    Ok(match (commas, dots) {
        (0, 0) => (None, None),
        (_, 0) if commas > 1 => (Some(','), None),
        (0, _) if dots > 1 => (Some('.'), None),
        (1, 0) | (0, 1) => {
            let sep = if commas == 1 { ',' } else { '.' };
            let three_after = last.is_some_and(|l| l.len() == 4);
            let is_group = three_after && ((sep == ',') != european);
            if is_group {
                (Some(sep), None)
            } else {
                (None, Some(sep))
            }
        }
        _ => {
            let dec = if last.is_some_and(|l| l.starts_with(',')) {
                ','
            } else {
                '.'
            };
            if body.matches(dec).count() > 1 {
                return Err(format!(
                    "{dec:?} appears more than once but is used as the decimal mark"
                ));
            }
            let group = if dec == ',' { '.' } else { ',' };
            (Some(group), Some(dec))
        }
    })
}

/// Digits of a grouped integer part, if the groups follow the western (3-3-3) or Indian
/// (2-2-3) pattern.
fn grouped_digits(int_part: &str, group: char) -> Result<String, String> {
    let groups: Vec<&str> = int_part.split(group).collect();
    let len = groups.len();
    let sizes_ok = |first: std::ops::RangeInclusive<usize>, middle: usize| {
        groups.iter().enumerate().all(|(i, g)| match i {
            0 => first.contains(&g.len()),
            i if i == len - 1 => g.len() == 3,
            _ => g.len() == middle,
        })
    };
    // A first group with a leading zero (`0,750`) is no grouping at all.
    let zero_led = groups.first().is_some_and(|g| g.starts_with('0'));
    if len < 2 || zero_led || !(sizes_ok(1..=3, 3) || sizes_ok(1..=2, 2)) {
        return Err(format!(
            "{int_part:?} is not grouped like 125,000 or 1,25,000"
        ));
    }
    Ok(groups.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groupings() {
        let cases = [
            ("1,25,000.00", "125000.00"),
            ("12,34,56,789", "123456789"),
            ("125,000.00", "125000.00"),
            ("1,234,567.5", "1234567.5"),
            ("1,250", "1250"),
            ("12,5", "12.5"),
            ("1.234.567", "1234567"),
            ("0.75", "0.75"),
            (".5", "0.5"),
            ("-1,000", "-1000"),
            ("(1,000.50)", "-1000.50"),
            ("+42", "42"),
            ("-0", "0"),
            ("60%", "60"),
            (" 99.5 % ", "99.5"),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_number(raw).unwrap(), want, "{raw}");
        }
    }

    #[test]
    fn percents_are_read_in_the_columns_scale() {
        let comma = NumberFormat::from_name("comma_point");
        let point = NumberFormat::from_name("point_comma");
        let fraction = Some(PercentScale::Fraction);
        let percent = Some(PercentScale::Percent);
        let ok = |raw, format: Option<NumberFormat>, scale| {
            parse_percent_in(raw, format.as_ref(), scale).unwrap()
        };
        assert_eq!(ok("0.755", point, fraction), "75.5");
        assert_eq!(ok("0,5", comma, fraction), "50");
        assert_eq!(ok("1", point, fraction), "100");
        assert_eq!(ok("60%", point, fraction), "60");
        assert_eq!(ok("12,5", comma, percent), "12.5");
        assert_eq!(ok(" 60 % ", None, None), "60");
        let refused = |raw, format: Option<NumberFormat>, scale| {
            let e = parse_percent_in(raw, format.as_ref(), scale).unwrap_err();
            assert_eq!(e.original, raw);
            e.reason
        };
        assert!(refused("150", point, percent).contains("above 100"));
        assert!(refused("-5", point, percent).contains("below 0"));
        assert!(refused("75", point, fraction).contains("as a fraction"));
        assert!(refused("0.5", None, None).contains("percent_scale"));
        assert!(refused("abc", point, percent).contains("no digits"));
    }

    #[test]
    fn european_reading_of_one_three_digit_group() {
        assert_eq!(parse_decimal("1.250", true).unwrap(), "1250");
        assert_eq!(parse_decimal("1.250", false).unwrap(), "1.250");
        assert_eq!(parse_decimal("1,250", true).unwrap(), "1.250");
        assert_eq!(parse_decimal("1.250,00", false).unwrap(), "1250.00");
    }

    #[test]
    fn failures_say_why() {
        let cases = [
            ("", "empty"),
            ("abc", "not part of a number"),
            ("12a", "not part of a number"),
            ("1,2,3", "not grouped"),
            ("12,50,00.00", "not grouped"),
            ("1,000,00", "not grouped"),
            ("10,00.50", "not grouped"),
            ("1.2.3,4,5", "more than once"),
            ("5.", "not digits"),
            (",", "no digits"),
            ("1 000", "not part of a number"),
            // A code's zeros are data a number would drop.
            ("007", "starts with a zero"),
            ("011004", "starts with a zero"),
            // A decimal comma read as grouping is refused as grouping, not called a code.
            ("0,750", "not grouped"),
        ];
        for (raw, why) in cases {
            let e = parse_number(raw).unwrap_err();
            assert_eq!(e.original, raw);
            assert!(e.reason.contains(why), "{raw}: {e}");
        }
    }
}
