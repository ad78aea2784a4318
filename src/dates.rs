//! Dates as a CRM or a spreadsheet writes them, below both the export reader (discovery's
//! profiler judges every value with them) and the mapping layer (the date transform reads values
//! with them): "no date" placeholders a CRM writes in place of a blank (`31/12/9999`,
//! `01/01/1900`, `00/00/0000`), and dates with the month by name (`12-Jan-2024`,
//! `Jan 12, 2024`), which no date order can misread, and the serial day numbers a spreadsheet
//! leaves in a date column (`45231`).

use chrono::{Days, NaiveDate};

/// The smallest and largest Excel serial day numbers read as dates: 20000 is 1954-10-03 and
/// 80000 is 2119-01-10, so any CRM date fits and a short count or amount below or above does not.
pub const EXCEL_SERIAL_RANGE: std::ops::RangeInclusive<u32> = 20_000..=80_000;

/// A spreadsheet's serial day number (Excel's 1900 system: days since 1899-12-30, so
/// `45231` is 2023-11-01), when `text` (the trimmed cell) is one: five digits in
/// [`EXCEL_SERIAL_RANGE`]. Only a column all of whose values are serials is read this way.
pub fn excel_serial(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 5 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u32 = text.parse().ok()?;
    if !EXCEL_SERIAL_RANGE.contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(u64::from(n)))
}

/// Whether a header names a date (`Expected Close Date`, `Created On`, `Start Time`, `DOB`):
/// the columns whose five-digit numbers are taken for spreadsheet serial dates.
pub fn is_date_header(header: &str) -> bool {
    let lower = header.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| {
        matches!(
            *w,
            "date" | "dob" | "birthday" | "deadline" | "time" | "due" | "dated"
        )
    }) || words.len() > 1 && matches!(words.last(), Some(&"on" | &"at"))
}

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
    // The cheap tests first: a profiler calls this on every judged value with letters and
    // digits (names, addresses), and chrono tries eight forms on each.
    if b.len() < 9 || b.iter().filter(|c| c.is_ascii_digit()).count() < 5 || !names_a_month(b) {
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

/// Whether a word of `text` opens with an English month's first three letters (any case): every
/// date [`month_name_date`] reads has one, since chrono's `%B` takes the full name or its
/// three-letter abbreviation, after a non-letter or at the start.
fn names_a_month(text: &[u8]) -> bool {
    const MONTHS: [[u8; 3]; 12] = [
        *b"jan", *b"feb", *b"mar", *b"apr", *b"may", *b"jun", *b"jul", *b"aug", *b"sep", *b"oct",
        *b"nov", *b"dec",
    ];
    text.windows(3).enumerate().any(|(i, w)| {
        let starts_word = i == 0 || !text[i - 1].is_ascii_alphabetic();
        starts_word
            && MONTHS.contains(&[
                w[0].to_ascii_lowercase(),
                w[1].to_ascii_lowercase(),
                w[2].to_ascii_lowercase(),
            ])
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
    // Then a look at the date part's bytes: a placeholder's is all zeros or has one of its
    // years, and most dates are neither. (The part ends where the fields below end, or sooner
    // where they could not all be digits.)
    let date = &b[..b
        .iter()
        .position(|c| c.is_ascii_whitespace() || *c == b'T' || !c.is_ascii())
        .unwrap_or(b.len())];
    // A placeholder's year is its first or last field, four digits.
    let year = |w: Option<&[u8]>| matches!(w, Some(b"9999" | b"1900" | b"1899" | b"0001"));
    if !year(date.get(..4))
        && !year(date.len().checked_sub(4).and_then(|at| date.get(at..)))
        && date.iter().any(|c| matches!(c, b'1'..=b'9'))
    {
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
    fn excel_serials_in_range_and_date_headers() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(excel_serial("45231"), day(2023, 11, 1));
        assert_eq!(excel_serial("20000"), day(1954, 10, 3));
        assert_eq!(excel_serial("80000"), day(2119, 1, 11));
        for raw in ["19999", "80001", "4523", "452310", "45231.5", "4523a", ""] {
            assert_eq!(excel_serial(raw), None, "{raw}");
        }
        for header in [
            "Expected Close Date",
            "Created On",
            "Start Time",
            "DOB",
            "Due",
            "date_of_birth",
            "Closed At",
        ] {
            assert!(is_date_header(header), "{header}");
        }
        for header in ["Amount", "On Hold", "Updated", "Pincode", "Timeline Notes"] {
            assert!(!is_date_header(header), "{header}");
        }
    }

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
            "00/00/00",
            "00.00.0000\u{a0}10:30",
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
