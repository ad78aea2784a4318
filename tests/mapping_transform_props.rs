//! Property tests for the transforms: whatever the value, the conversion round-trips.

use chrono::{NaiveDate, TimeZone};
use crm_migrate::config::DateOrder;
use crm_migrate::mapping::transform::{
    Rejected, When, normalize_email, parse_bool, parse_date, parse_money, parse_number,
    parse_phone, parse_when, split_full_name, split_name_email, split_tags,
};
use proptest::prelude::*;

/// Indian grouping: last three digits, then pairs.
fn indian(n: u64) -> String {
    let digits = n.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, tail) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<String> = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        let (h, t) = rest.split_at(rest.len() - 2);
        groups.insert(0, t.to_string());
        rest = h;
    }
    groups.insert(0, rest.to_string());
    format!("{},{tail}", groups.join(","))
}

fn western(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rejection loses nothing: it carries the cell exactly as read and says why.
fn kept<T>(raw: &str, result: Result<T, Rejected>) -> Result<(), TestCaseError> {
    if let Err(rejected) = result {
        prop_assert_eq!(rejected.original.as_str(), raw);
        prop_assert!(
            !rejected.reason.trim().is_empty(),
            "no reason for {:?}",
            raw
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn grouped_amounts_are_exact(n in 0u64..10_000_000_000_000, paise in 0u32..100) {
        let want = format!("{n}.{paise:02}");
        prop_assert_eq!(parse_money(&format!("₹ {}.{paise:02}", indian(n)), "INR").unwrap().amount, want.clone());
        prop_assert_eq!(parse_money(&format!("${}.{paise:02}", western(n)), "INR").unwrap().amount, want.clone());
        let european = format!("{},{paise:02} €", western(n).replace(',', "."));
        prop_assert_eq!(parse_money(&european, "INR").unwrap().amount, want);
        prop_assert_eq!(parse_number(&indian(n)).unwrap(), n.to_string());
    }

    #[test]
    fn local_times_in_kolkata_convert_exactly(
        days in 0i64..40_000, minutes in 0u32..1440, pm_form in any::<bool>(),
    ) {
        let date = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days);
        let (h, m) = (minutes / 60, minutes % 60);
        let time = if pm_form {
            let h12 = if h % 12 == 0 { 12 } else { h % 12 };
            format!("{h12:02}:{m:02} {}", if h < 12 { "AM" } else { "PM" })
        } else {
            format!("{h:02}:{m:02}")
        };
        let raw = format!("{} {time}", date.format("%d/%m/%Y"));
        let got = parse_when(&raw, DateOrder::Dmy, chrono_tz::Asia::Kolkata).unwrap();
        let local = date.and_hms_opt(h, m, 0).unwrap();
        let want = chrono_tz::Asia::Kolkata.from_local_datetime(&local).single().unwrap();
        prop_assert_eq!(got.when, When::Instant(want.to_utc()));
        // The same day, date-only, is never shifted by the zone.
        let d = parse_when(&date.format("%d-%m-%Y").to_string(), DateOrder::Dmy, chrono_tz::Pacific::Kiritimati).unwrap();
        prop_assert_eq!(d.when, When::Date(date));
    }

    #[test]
    fn indian_mobiles_in_any_common_form(n in 6_000_000_000u64..10_000_000_000) {
        let s = n.to_string();
        let want = format!("+91{s}");
        for raw in [s.clone(), format!("0{s}"), format!("+91 {} {}", &s[..5], &s[5..]), format!("+91-{s}"), format!("91{s}")] {
            prop_assert_eq!(parse_phone(&raw, "IN").unwrap().to_string(), want.clone());
        }
    }

    #[test]
    fn any_text_converts_or_is_rejected_with_the_original_and_a_reason(
        raw in prop_oneof!["\\PC{0,40}", "[0-9/.:, +()TZapmAPM₹$€£é@<>;Rs\\-\u{200a}]{0,30}"],
    ) {
        kept(&raw, parse_money(&raw, "INR"))?;
        kept(&raw, parse_number(&raw))?;
        kept(&raw, parse_phone(&raw, "IN"))?;
        kept(&raw, parse_when(&raw, DateOrder::Dmy, chrono_tz::Asia::Kolkata))?;
        kept(&raw, parse_date(&raw, DateOrder::Mdy))?;
        kept(&raw, normalize_email(&raw))?;
        kept(&raw, split_name_email(&raw))?;
        kept(&raw, split_full_name(&raw))?;
        kept(&raw, split_tags(&raw))?;
        kept(&raw, parse_bool(&raw))?;
    }
}
