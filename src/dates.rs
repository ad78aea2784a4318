//! Dates as a CRM or a spreadsheet writes them, below both the export reader (discovery's
//! profiler judges every value with them) and the mapping layer (the date transform reads values
//! with them): "no date" placeholders a CRM writes in place of a blank (`31/12/9999`,
//! `01/01/1900`, `00/00/0000`).

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
