//! Dates and date-times. A local time is read in the export's declared IANA zone and becomes an
//! RFC 3339 UTC instant; a date without a time stays a calendar date (`YYYY-MM-DD`) and never goes
//! through a zone, which is how a date of birth shifts by a day in careless tools.
//!
//! DST: a local time inside a spring-forward gap names no instant, so it is rejected with the
//! reason; a local time inside a fall-back overlap names two instants, so the earlier one is taken
//! (the first time the wall clock showed it) and a caveat says so.

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveTime, SecondsFormat, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::{Rejected, non_blank};
use crate::config::DateOrder;

/// A converted date cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// A calendar date: no time, no zone.
    Date(NaiveDate),
    /// A moment, in UTC.
    Instant(DateTime<Utc>),
}

impl When {
    /// The form Nutshell takes: `YYYY-MM-DD` for a date, RFC 3339 UTC (`…Z`) for an instant.
    pub fn to_nutshell(&self) -> String {
        match self {
            When::Date(d) => d.format("%Y-%m-%d").to_string(),
            When::Instant(t) => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        }
    }
}

/// A converted value and, when the conversion had to choose, what it chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedValue {
    /// The date or instant.
    pub when: When,
    /// What the conversion chose, for the report (e.g. which of two moments a local time
    /// that happened twice in a DST change was read as); `None` when nothing was chosen.
    pub caveat: Option<String>,
}

/// Read a date or date-time cell. A value with an offset keeps it; a local value is read in `zone`;
/// a value without a time is a calendar date.
pub fn parse_when(raw: &str, order: DateOrder, zone: Tz) -> Result<DatedValue, Rejected> {
    let text = non_blank(raw)?;
    let (date, time_text) = date_and_time(text, order).map_err(|r| Rejected::new(raw, r))?;
    let Some(time_text) = time_text else {
        return Ok(DatedValue {
            when: When::Date(date),
            caveat: None,
        });
    };
    let (time, offset) = parse_time_part(time_text).map_err(|r| Rejected::new(raw, r))?;
    let local = date.and_time(time);
    if let Some(offset) = offset {
        let instant = local - offset;
        return Ok(DatedValue {
            when: When::Instant(instant.and_utc()),
            caveat: None,
        });
    }
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(DatedValue {
            when: When::Instant(t.with_timezone(&Utc)),
            caveat: None,
        }),
        LocalResult::Ambiguous(earlier, later) => Ok(DatedValue {
            when: When::Instant(earlier.with_timezone(&Utc)),
            caveat: Some(format!(
                "{local} happened twice in {zone} (clocks went back); took the first, {}, not {}",
                earlier.to_rfc3339(),
                later.to_rfc3339()
            )),
        }),
        LocalResult::None => Err(Rejected::new(
            raw,
            format!(
                "{local} never happened in {zone} (clocks went forward past it); correct the time in the export"
            ),
        )),
    }
}

/// Read a cell for a calendar-date field (date of birth, expected close). A time of midnight is
/// dropped, as exports write dates that way; any other time is a reason to stop, since dropping it
/// would silently change the meaning.
pub fn parse_date(raw: &str, order: DateOrder) -> Result<NaiveDate, Rejected> {
    let text = non_blank(raw)?;
    let (date, time_text) = date_and_time(text, order).map_err(|r| Rejected::new(raw, r))?;
    if let Some(time_text) = time_text {
        let (time, _) = parse_time_part(time_text).map_err(|r| Rejected::new(raw, r))?;
        if time != NaiveTime::MIN {
            return Err(Rejected::new(
                raw,
                format!(
                    "has a time of day ({time}) but the target is a calendar date; map it to a date-time field, or fix the value"
                ),
            ));
        }
    }
    Ok(date)
}

/// Read a cell of a column whose dates a spreadsheet saved as serial day numbers (`45231` is
/// 2023-11-01, [`crate::dates::excel_serial`]): a calendar date. Anything else is refused, as
/// the column is read one way only.
pub fn parse_serial(raw: &str) -> Result<NaiveDate, Rejected> {
    let text = non_blank(raw)?;
    crate::dates::excel_serial(text).ok_or_else(|| {
        Rejected::new(
            raw,
            format!(
                "is not a spreadsheet serial day number ({}–{}), and the column is read as serials (excel_serial in [formats] of mapping.toml): correct the value, or set excel_serial = false if the column holds written dates",
                crate::dates::EXCEL_SERIAL_RANGE.start(),
                crate::dates::EXCEL_SERIAL_RANGE.end()
            ),
        )
    })
}

/// A cell's date and its time part, if any: a date with the month by name (`Jan 12, 2024
/// 10:30 AM`, [`crate::dates::month_name_date`]), which reads the same in any order, or a
/// numeric date read in `order`.
fn date_and_time(text: &str, order: DateOrder) -> Result<(NaiveDate, Option<&str>), String> {
    if let Some((date, time)) = crate::dates::month_name_date(text) {
        return Ok((date, (!time.is_empty()).then_some(time)));
    }
    let (date_text, time_text) = split_date_time(text);
    Ok((parse_date_part(date_text, order)?, time_text))
}

/// `2026-04-25T15:15` and `25/04/2026 03:15 PM` both split into a date and a time part.
fn split_date_time(text: &str) -> (&str, Option<&str>) {
    let split_at = text
        .char_indices()
        .find(|&(i, c)| {
            c.is_whitespace()
                || (c == 'T' && i > 0 && text[..i].ends_with(|p: char| p.is_ascii_digit()))
        })
        .map(|(i, c)| (i, i + c.len_utf8()));
    match split_at {
        Some((i, after)) => {
            let rest = text[after..].trim();
            (&text[..i], (!rest.is_empty()).then_some(rest))
        }
        None => (text, None),
    }
}

fn split_date_fields(text: &str) -> Option<[&str; 3]> {
    let sep = text.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let mut parts = text.split(sep);
    let fields = [parts.next()?, parts.next()?, parts.next()?];
    if parts.next().is_some() || fields.iter().any(|f| f.is_empty()) {
        return None;
    }
    Some(fields)
}

fn is_year(field: &str) -> bool {
    field.len() == 4 && field.bytes().all(|b| b.is_ascii_digit())
}

fn month_number(field: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = field.to_ascii_lowercase();
    if lower.len() < 3 || !lower.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let index = MONTHS.iter().position(|m| lower.starts_with(m))?;
    Some(index as u32 + 1)
}

fn number(field: &str, what: &str) -> Result<u32, String> {
    if field.is_empty() || field.len() > 2 || !field.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what} {field:?} is not a 1- or 2-digit number"));
    }
    field
        .parse()
        .map_err(|_| format!("{what} {field:?} is not a number"))
}

fn parse_date_part(text: &str, order: DateOrder) -> Result<NaiveDate, String> {
    let Some(f) = split_date_fields(text) else {
        return Err(format!(
            "{text:?} is not a date: expected day, month and year separated by -, / or ."
        ));
    };
    let (year, month, day);
    if is_year(f[0]) {
        year = f[0];
        month = month_number(f[1]).map_or_else(|| number(f[1], "month"), Ok)?;
        day = number(f[2], "day")?;
    } else if is_year(f[2]) {
        year = f[2];
        if let Some(m) = month_number(f[1]) {
            (month, day) = (m, number(f[0], "day")?);
        } else if let Some(m) = month_number(f[0]) {
            (month, day) = (m, number(f[1], "day")?);
        } else {
            let (a, b) = (number(f[0], "day or month")?, number(f[1], "day or month")?);
            (day, month) = match order {
                DateOrder::Dmy => (a, b),
                DateOrder::Mdy => (b, a),
                DateOrder::Ymd => {
                    return Err(
                        "the year comes last but source.date_order is ymd; set it to dmy or mdy"
                            .into(),
                    );
                }
            };
        }
    } else {
        return Err(format!(
            "{text:?} has no 4-digit year first or last; two-digit years are not guessed"
        ));
    }
    let year: i32 = year
        .parse()
        .map_err(|_| format!("year {year:?} is not a number"))?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let hint = if month > 12 && day <= 12 {
            " (the month is above 12: is source.date_order right?)"
        } else {
            ""
        };
        format!("no such date: year {year}, month {month}, day {day}{hint}")
    })
}

/// `15:15`, `15:15:00`, `03:15 PM`, `15:15:00.123`, each optionally followed by `Z`, `+05:30`,
/// `+0530` or `+05`.
fn parse_time_part(text: &str) -> Result<(NaiveTime, Option<FixedOffset>), String> {
    let (clock, offset) = split_offset(text)?;
    let clock = clock.trim();
    let lower = clock.to_ascii_lowercase();
    let (clock, meridiem) = if let Some(c) = lower.strip_suffix("am") {
        (c.trim_end(), Some(false))
    } else if let Some(c) = lower.strip_suffix("pm") {
        (c.trim_end(), Some(true))
    } else {
        (lower.as_str(), None)
    };
    let mut fields = clock.split(':');
    let hour = number(fields.next().unwrap_or_default(), "hour")?;
    let minute = number(fields.next().unwrap_or_default(), "minute")?;
    let (second, nanos) = match fields.next() {
        None => (0, 0),
        Some(s) => {
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            let nanos = if frac.is_empty() {
                0
            } else if frac.len() <= 9 && frac.bytes().all(|b| b.is_ascii_digit()) {
                format!("{frac:0<9}")
                    .parse()
                    .map_err(|_| "bad fraction".to_string())?
            } else {
                return Err(format!("fraction of a second {frac:?} is not digits"));
            };
            (number(whole, "second")?, nanos)
        }
    };
    if fields.next().is_some() {
        return Err(format!("{text:?} is not a time: too many ':'"));
    }
    let hour = match meridiem {
        None => hour,
        Some(_) if !(1..=12).contains(&hour) => {
            return Err(format!("hour {hour} with AM/PM must be 1 to 12"));
        }
        Some(pm) => hour % 12 + if pm { 12 } else { 0 },
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
        .ok_or_else(|| format!("no such time: {hour:02}:{minute:02}:{second:02}"))?;
    Ok((time, offset))
}

fn split_offset(text: &str) -> Result<(&str, Option<FixedOffset>), String> {
    let t = text.trim();
    if let Some(clock) = t.strip_suffix(['Z', 'z']) {
        return Ok((clock, FixedOffset::east_opt(0)));
    }
    let Some(i) = t.rfind(['+', '-']) else {
        return Ok((t, None));
    };
    let (clock, sign_and_rest) = t.split_at(i);
    let sign = if sign_and_rest.starts_with('-') {
        -1
    } else {
        1
    };
    let digits: String = sign_and_rest[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("offset {sign_and_rest:?} is not like +05:30"));
    }
    let (h, m) = match digits.len() {
        2 => (&digits[..2], "0"),
        4 => (&digits[..2], &digits[2..]),
        _ => return Err(format!("offset {sign_and_rest:?} is not like +05:30")),
    };
    let (Ok(h), Ok(m)) = (h.parse::<i32>(), m.parse::<i32>()) else {
        return Err(format!("offset {sign_and_rest:?} is not like +05:30"));
    };
    let offset = FixedOffset::east_opt(sign * (h * 3600 + m * 60))
        .ok_or_else(|| format!("offset {sign_and_rest:?} is out of range"))?;
    Ok((clock, Some(offset)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Asia::Kolkata};

    fn instant(raw: &str, order: DateOrder, zone: Tz) -> String {
        let v = parse_when(raw, order, zone).unwrap();
        assert_eq!(v.caveat, None, "{raw}");
        match v.when {
            When::Instant(_) => v.when.to_nutshell(),
            When::Date(_) => panic!("{raw} read as a date"),
        }
    }

    #[test]
    fn rsoft_forms_in_kolkata() {
        let d = DateOrder::Dmy;
        assert_eq!(
            instant("25/04/2026 03:15 PM", d, Kolkata),
            "2026-04-25T09:45:00Z"
        );
        assert_eq!(
            instant("25/04/2026 03:15 pm", d, Kolkata),
            "2026-04-25T09:45:00Z"
        );
        assert_eq!(
            instant("25/04/2026 15:15", d, Kolkata),
            "2026-04-25T09:45:00Z"
        );
        assert_eq!(
            instant("2026-04-25T15:15:00", d, Kolkata),
            "2026-04-25T09:45:00Z"
        );
        assert_eq!(
            instant("2026-04-25 15:15:00", d, Kolkata),
            "2026-04-25T09:45:00Z"
        );
        assert_eq!(
            instant("25-04-2026 12:05 AM", d, Kolkata),
            "2026-04-24T18:35:00Z"
        );
        assert_eq!(
            instant("25-04-2026 12:05 PM", d, Kolkata),
            "2026-04-25T06:35:00Z"
        );
        // Early morning IST is the previous UTC day.
        assert_eq!(
            instant("25.04.2026 02:00", d, Kolkata),
            "2026-04-24T20:30:00Z"
        );
        assert_eq!(
            instant("25-Apr-2026 15:15", d, Kolkata),
            "2026-04-25T09:45:00Z"
        );
    }

    /// Month names read in any declared order, with or without a time (trial 10).
    #[test]
    fn month_name_dates_read_whatever_the_order() {
        for order in [DateOrder::Dmy, DateOrder::Mdy, DateOrder::Ymd] {
            for raw in [
                "12-Jan-2024",
                "12 Jan 2024",
                "Jan 12, 2024",
                "12-January-2024",
                "january 12 2024",
            ] {
                assert_eq!(
                    parse_date(raw, order).unwrap(),
                    NaiveDate::from_ymd_opt(2024, 1, 12).unwrap(),
                    "{raw}"
                );
            }
            assert_eq!(
                instant("Jan 12, 2024 03:15 PM", order, Kolkata),
                "2024-01-12T09:45:00Z"
            );
            assert_eq!(
                instant("12 Jan 2024 15:15", order, Kolkata),
                "2024-01-12T09:45:00Z"
            );
        }
        let e = parse_when("12 Jan 2024 after lunch", DateOrder::Dmy, Kolkata).unwrap_err();
        assert!(e.reason.contains("hour"), "{e}");
    }

    #[test]
    fn an_offset_in_the_value_wins_over_the_zone() {
        let d = DateOrder::Dmy;
        assert_eq!(
            instant("2026-04-25T15:15:00+05:30", d, New_York),
            "2026-04-25T09:45:00Z"
        );
        assert_eq!(
            instant("2026-04-25T15:15:00+0530", d, New_York),
            "2026-04-25T09:45:00Z"
        );
        assert_eq!(
            instant("2026-04-25T09:45:00Z", d, Kolkata),
            "2026-04-25T09:45:00Z"
        );
        assert_eq!(
            instant("2026-04-25T05:45:00-04:00", d, Kolkata),
            "2026-04-25T09:45:00Z"
        );
        assert_eq!(
            instant("2026-04-25T09:45:00.250Z", d, Kolkata),
            "2026-04-25T09:45:00.250Z"
        );
    }

    #[test]
    fn declared_order_decides_ambiguous_day_month() {
        let tz = Kolkata;
        assert_eq!(
            instant("03/04/2026 10:00", DateOrder::Dmy, tz),
            "2026-04-03T04:30:00Z"
        );
        assert_eq!(
            instant("03/04/2026 10:00", DateOrder::Mdy, tz),
            "2026-03-04T04:30:00Z"
        );
        // Year-first is unambiguous whatever is declared.
        assert_eq!(
            instant("2026-03-04 10:00", DateOrder::Mdy, tz),
            "2026-03-04T04:30:00Z"
        );
    }

    #[test]
    fn a_date_without_time_stays_a_calendar_date() {
        for raw in ["25-04-2026", "25/04/2026", "2026-04-25", " 25.04.2026 "] {
            let v = parse_when(raw, DateOrder::Dmy, Kolkata).unwrap();
            assert_eq!(
                v.when,
                When::Date(NaiveDate::from_ymd_opt(2026, 4, 25).unwrap())
            );
            assert_eq!(v.when.to_nutshell(), "2026-04-25");
        }
        // Far-east zone: a calendar date must not move by a day.
        let v = parse_when("01/01/2000", DateOrder::Dmy, chrono_tz::Pacific::Kiritimati).unwrap();
        assert_eq!(v.when.to_nutshell(), "2000-01-01");
    }

    #[test]
    fn parse_date_keeps_the_date_and_refuses_a_real_time() {
        let d = NaiveDate::from_ymd_opt(1990, 12, 31).unwrap();
        assert_eq!(parse_date("31/12/1990", DateOrder::Dmy).unwrap(), d);
        assert_eq!(parse_date("31/12/1990 00:00", DateOrder::Dmy).unwrap(), d);
        assert_eq!(
            parse_date("1990-12-31T00:00:00+05:30", DateOrder::Dmy).unwrap(),
            d
        );
        let e = parse_date("31/12/1990 10:30 AM", DateOrder::Dmy).unwrap_err();
        assert!(e.reason.contains("calendar date"), "{e}");
        assert_eq!(e.original, "31/12/1990 10:30 AM");
    }

    #[test]
    fn new_york_spring_forward_gap_is_rejected() {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        assert_eq!(
            instant("08/03/2026 01:59", DateOrder::Dmy, New_York),
            "2026-03-08T06:59:00Z"
        );
        assert_eq!(
            instant("08/03/2026 03:00", DateOrder::Dmy, New_York),
            "2026-03-08T07:00:00Z"
        );
        let e = parse_when("08/03/2026 02:30", DateOrder::Dmy, New_York).unwrap_err();
        assert!(e.reason.contains("never happened"), "{e}");
        assert_eq!(e.original, "08/03/2026 02:30");
    }

    #[test]
    fn new_york_fall_back_overlap_takes_the_first_and_says_so() {
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        let v = parse_when("11/01/2026 01:30 AM", DateOrder::Mdy, New_York).unwrap();
        assert_eq!(v.when.to_nutshell(), "2026-11-01T05:30:00Z");
        let caveat = v.caveat.unwrap();
        assert!(
            caveat.contains("twice") && caveat.contains("-05:00"),
            "{caveat}"
        );
        assert_eq!(
            instant("11/01/2026 02:30 AM", DateOrder::Mdy, New_York),
            "2026-11-01T07:30:00Z"
        );
        assert_eq!(
            instant("11/01/2026 12:30 AM", DateOrder::Mdy, New_York),
            "2026-11-01T04:30:00Z"
        );
    }

    #[test]
    fn failures_keep_the_original_and_say_why() {
        let cases = [
            ("", "empty"),
            ("   ", "empty"),
            ("yesterday", "not a date"),
            ("31/02/2026", "no such date"),
            ("04/25/2026", "is source.date_order right"),
            ("25/04/26", "two-digit years"),
            ("25/04/2026 25:00", "no such time"),
            ("25/04/2026 13:00 PM", "1 to 12"),
            ("25/04/2026 10:61", "no such time"),
            ("25/04/2026 10:00 +5:3", "offset"),
            ("25/04/2026 ten", "hour"),
            ("25/04/2026\u{200a}10:00 +a€", "offset"),
        ];
        for (raw, why) in cases {
            let e = parse_when(raw, DateOrder::Dmy, Kolkata).unwrap_err();
            assert_eq!(e.original, raw);
            assert!(e.reason.contains(why), "{raw}: {e}");
        }
        let e = parse_when("25/04/2026", DateOrder::Ymd, Kolkata).unwrap_err();
        assert!(e.reason.contains("date_order is ymd"), "{e}");
    }
}
