//! Dates as a CRM or a spreadsheet writes them, below both the export reader (discovery's
//! profiler judges every value with them) and the mapping layer (the date transform reads values
//! with them): "no date" placeholders a CRM writes in place of a blank (`31/12/9999`,
//! `01/01/1900`, `00/00/0000`), and dates with the month by name (`12-Jan-2024`,
//! `Jan 12, 2024`), which no date order can misread.

use chrono::NaiveDate;

/// The forms of a date with an English month name (chrono's `%B` reads the full name or its
/// three-letter abbreviation, in any case): day first with `-`, `/`, `.` or spaces, month
/// first with or without the comma, and year first (`2024-Jan-12`).
const MONTH_NAME_FORMS: [&str; 8] = [
    "%d-%B-%Y",
    "%d %B %Y",
    "%d/%B/%Y",
    "%d.%B.%Y",
    "%B %d, %Y",
    "%B %d %Y",
    "%d %B, %Y",
    "%Y-%B-%d",
];

/// A date written with an English month name at the start of `text` (the trimmed cell), and
/// what follows it (a time of day, or nothing), trimmed of spaces and a `T`: `12-Jan-2024`,
/// `12 Jan 2024`, `Jan 12, 2024`, `12-January-2024`, `January 12 2024 10:30 AM`. The year must
/// be written with four digits; `None` for anything else (numeric dates are the caller's).
pub fn month_name_date(text: &str) -> Option<(NaiveDate, &str)> {
    let b = text.as_bytes();
    // The cheap test first: a profiler calls this on values with letters and digits.
    if b.len() < 9 || !b.iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    MONTH_NAME_FORMS.iter().find_map(|form| {
        let (date, rest) = NaiveDate::parse_and_remainder(text, form).ok()?;
        let read = text[..text.len() - rest.len()].trim_end();
        let year_digits = if form.starts_with("%Y") {
            read.bytes().take_while(u8::is_ascii_digit).count()
        } else {
            read.bytes().rev().take_while(u8::is_ascii_digit).count()
        };
        // What follows is a time: after a space, or a `T` then its digits (ISO style).
        let rest = match rest.strip_prefix('T') {
            Some(time) if time.starts_with(|c: char| c.is_ascii_digit()) => time,
            _ if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) => return None,
            _ => rest,
        };
        (year_digits == 4).then_some((date, rest.trim()))
    })
}

/// Whether a date cell is a "no date" placeholder rather than a date (issue 12, trial 10): its
/// date part (before any time) is all zeros (`00/00/0000`, `0000-00-00`), in year 9999
/// (`31/12/9999`, `9999-12-31`: "never"), 1 January 1900 or 0001 (the zero dates of databases
/// and .NET), or 30/31 December 1899 (a spreadsheet's day 0). The test reads the fields in any
/// order, so the declared date order does not change it. `text` is the trimmed cell.
pub fn is_placeholder(text: &str) -> bool {
    let b = text.as_bytes();
    // The cheap test first: a profiler calls this on every value it judges.
    if b.len() < 8 || !b[0].is_ascii_digit() {
        return false;
    }
    let date = text
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .unwrap_or(text);
    let Some(sep) = date.chars().find(|c| matches!(c, '/' | '-' | '.')) else {
        return false;
    };
    let mut fields = date.split(sep);
    let (Some(a), Some(b), Some(c), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return false;
    };
    if [a, b, c]
        .iter()
        .any(|f| f.is_empty() || f.len() > 4 || !f.bytes().all(|d| d.is_ascii_digit()))
    {
        return false;
    }
    let n = |f: &str| f.parse::<u32>().unwrap_or(u32::MAX);
    if [a, b, c].iter().all(|f| n(f) == 0) {
        return true;
    }
    let (year, rest) = match (a.len(), c.len()) {
        (4, _) => (n(a), [n(b), n(c)]),
        (_, 4) => (n(c), [n(a), n(b)]),
        _ => return false,
    };
    let mut rest = rest;
    rest.sort_unstable();
    match year {
        9999 => true,
        1900 | 1 => rest == [1, 1],
        1899 => rest == [12, 30] || rest == [12, 31],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_names_in_any_case_with_or_without_a_time() {
        let jan12 = NaiveDate::from_ymd_opt(2024, 1, 12).unwrap();
        for (raw, rest) in [
            ("12-Jan-2024", ""),
            ("12 Jan 2024", ""),
            ("Jan 12, 2024", ""),
            ("12-January-2024", ""),
            ("January 12 2024", ""),
            ("JANUARY 12, 2024", ""),
            ("12-jan-2024", ""),
            ("12/Jan/2024", ""),
            ("2024-Jan-12", ""),
            ("12 Jan 2024 10:30 AM", "10:30 AM"),
            ("Jan 12, 2024 15:45", "15:45"),
            ("12-Jan-2024T10:30:00", "10:30:00"),
        ] {
            assert_eq!(month_name_date(raw), Some((jan12, rest)), "{raw}");
        }
        assert_eq!(
            month_name_date("1 Sep 2025").map(|(d, _)| d),
            NaiveDate::from_ymd_opt(2025, 9, 1)
        );
        for raw in [
            "12-Jan-24",
            "12 Jan 20245",
            "31-Feb-2024",
            "12/01/2024",
            "Janet 12 2024",
            "12 Jan 2024 meeting notes",
            "Met on 12 Jan 2024",
            "12 MG Road, Pune 411001",
        ] {
            assert!(
                month_name_date(raw).is_none_or(|(_, rest)| !rest.is_empty()),
                "{raw}"
            );
        }
        assert_eq!(month_name_date("12/01/2024"), None);
        assert_eq!(month_name_date("Janet 12 2024"), None);
    }

    #[test]
    fn placeholders_in_any_order_with_or_without_a_time() {
        for raw in [
            "31/12/9999",
            "12/31/9999",
            "9999-12-31",
            "9999-12-31T23:59:59",
            "01/01/1900",
            "1900-01-01 00:00:00",
            "1-1-1900",
            "00/00/0000",
            "0000-00-00",
            "00-00-0000 00:00",
            "01/01/0001",
            "30/12/1899",
            "12/31/1899 12:00 AM",
        ] {
            assert!(is_placeholder(raw), "{raw}");
        }
        for raw in [
            "31/12/2024",
            "01/01/1901",
            "02/01/1900",
            "1900-01-02",
            "29/12/1899",
            "01/01/2000",
            "45231",
            "9999",
            "REF-9999-12-31",
            "Lakshmi",
            "",
        ] {
            assert!(!is_placeholder(raw), "{raw}");
        }
    }
}
