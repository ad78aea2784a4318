//! Text as it goes into Nutshell: mentions neutralised, and the first line a note carries in
//! place of the date and author Nutshell cannot be told (docs/nutshell-api.md, "What the load must
//! know": note text is parsed, `@[Contacts:12]` and "Lead-1234" become links; notes take no date).

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use crate::config::DateOrder;
use crate::mapping::transform::{When, parse_when};

/// Migrated text made inert: `@[` becomes `\@[` (no mention link), and "Lead-NNN" (any case)
/// becomes "Lead #NNN", so an RSoft lead number never links to the unrelated Nutshell lead that
/// happens to carry that number. RSoft's own lead ids (`LEAD-3004`) are such text too and read
/// `LEAD #3004` in notes and descriptions; the legacy-id field keeps them exact.
pub fn escape_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("@[") {
            out.push_str("\\@[");
            rest = &rest[2..];
            continue;
        }
        if rest.len() > 5
            && rest.is_char_boundary(5)
            && rest[..5].eq_ignore_ascii_case("lead-")
            && rest[5..].starts_with(|d: char| d.is_ascii_digit())
            && !out.ends_with(|p: char| p.is_alphanumeric())
        {
            out.push_str(&rest[..4]);
            out.push_str(" #");
            rest = &rest[5..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A moment shown for people in a note: the local time in the export's zone with the zone's name
/// and offset, then the UTC instant — `2025-12-27 13:45 Asia/Kolkata (+05:30) = 2025-12-27T08:15:00Z`.
pub fn local_and_utc(instant: DateTime<Utc>, zone: Tz) -> String {
    let local = instant.with_timezone(&zone);
    format!(
        "{} {zone} ({}) = {}",
        local.format("%Y-%m-%d %H:%M"),
        local.format("%:z"),
        instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    )
}

/// A date or date-time cell shown for people: a time through [`local_and_utc`], a calendar date
/// as `YYYY-MM-DD`; a cell that is not a date stays as written (it is text in a note, and the
/// original is worth more than nothing).
pub fn when_for_people(raw: &str, order: DateOrder, zone: Tz) -> String {
    match parse_when(raw, order, zone) {
        Ok(dated) => match dated.when {
            When::Instant(t) => local_and_utc(t, zone),
            When::Date(_) => dated.when.to_nutshell(),
        },
        Err(_) => raw.trim().to_string(),
    }
}

/// The first line of a migrated note: what it was in RSoft, when (with zone) and by whom, since
/// Nutshell dates a note itself and shows the API user as its author.
pub fn note_header(what: &str, when: Option<&str>, author: Option<&str>) -> String {
    let mut line = format!("[RSoft {what}");
    if let Some(when) = when {
        line.push_str(&format!(" · {when}"));
    }
    if let Some(author) = author {
        line.push_str(&format!(" · by {author}"));
    }
    line.push(']');
    escape_mentions(&line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_and_lead_numbers_never_link() {
        assert_eq!(
            escape_mentions("see @[Contacts:12] and Lead-1001, lead-7; Lead-x"),
            "see \\@[Contacts:12] and Lead #1001, lead #7; Lead-x"
        );
        assert_eq!(escape_mentions("MyLead-12"), "MyLead-12");
        assert_eq!(escape_mentions("₹ 10,000 — Lead-"), "₹ 10,000 — Lead-");
        assert_eq!(escape_mentions(""), "");
    }

    #[test]
    fn times_for_people_carry_the_zone_and_utc() {
        let zone = chrono_tz::Asia::Kolkata;
        assert_eq!(
            when_for_people("27/12/2025 01:45 PM", DateOrder::Dmy, zone),
            "2025-12-27 13:45 Asia/Kolkata (+05:30) = 2025-12-27T08:15:00Z"
        );
        assert_eq!(
            when_for_people("27-12-2025", DateOrder::Dmy, zone),
            "2025-12-27"
        );
        assert_eq!(when_for_people(" soon ", DateOrder::Dmy, zone), "soon");
    }

    #[test]
    fn note_header_names_what_when_and_who() {
        assert_eq!(
            note_header("message MSG-1", Some("2025-12-27"), Some("a@b.in")),
            "[RSoft message MSG-1 · 2025-12-27 · by a@b.in]"
        );
        assert_eq!(note_header("note", None, None), "[RSoft note]");
    }
}
