//! Phone numbers → E.164 (`+919876543210`). Indian numbers get hand-written rules (mobiles without
//! a country code, a trunk `0`, landlines with an STD code, `91` written without `+`); other
//! countries get the generic rule: an explicit `+CC` or `00CC` is kept, a national number takes
//! the default country's calling code. An unparseable number is rejected with its original text,
//! which the loader keeps on the record.

use super::{Rejected, non_blank};

/// ITU-T E.164 country calling codes by ISO 3166-1 alpha-2, for national numbers (no `+` or
/// `00`) read in a row's country: India's neighbours, the Gulf, and the trading partners Indian
/// exports name. Italy, San Marino and the Vatican are left out on purpose: their numbers keep
/// the leading 0 after the code, which the generic rule below drops. Extend as customers need.
const CALLING_CODES: [(&str, &str); 56] = [
    ("IN", "91"),
    ("US", "1"),
    ("CA", "1"),
    ("GB", "44"),
    ("IE", "353"),
    ("AE", "971"),
    ("SA", "966"),
    ("QA", "974"),
    ("KW", "965"),
    ("OM", "968"),
    ("BH", "973"),
    ("IL", "972"),
    ("TR", "90"),
    ("EG", "20"),
    ("SG", "65"),
    ("MY", "60"),
    ("ID", "62"),
    ("TH", "66"),
    ("PH", "63"),
    ("VN", "84"),
    ("CN", "86"),
    ("HK", "852"),
    ("TW", "886"),
    ("JP", "81"),
    ("KR", "82"),
    ("AU", "61"),
    ("NZ", "64"),
    ("NP", "977"),
    ("BD", "880"),
    ("LK", "94"),
    ("BT", "975"),
    ("MV", "960"),
    ("MM", "95"),
    ("PK", "92"),
    ("AF", "93"),
    ("MU", "230"),
    ("KE", "254"),
    ("NG", "234"),
    ("ZA", "27"),
    ("DE", "49"),
    ("FR", "33"),
    ("NL", "31"),
    ("BE", "32"),
    ("ES", "34"),
    ("PT", "351"),
    ("CH", "41"),
    ("AT", "43"),
    ("SE", "46"),
    ("NO", "47"),
    ("DK", "45"),
    ("FI", "358"),
    ("PL", "48"),
    ("RU", "7"),
    ("BR", "55"),
    ("MX", "52"),
    ("AR", "54"),
];

/// Normalise a phone cell to E.164, reading numbers without a country code as `country`'s
/// (ISO 3166 alpha-2, e.g. `IN`: the row's own Country, else the export's default).
pub fn to_e164(raw: &str, country: &str) -> Result<String, Rejected> {
    let text = non_blank(raw)?;
    let reject = |reason: String| Rejected::new(raw, reason);
    let lower = text.to_ascii_lowercase();
    if ["x", "ext", "#"].iter().any(|m| lower.contains(m)) {
        return Err(reject(
            "has an extension, which E.164 cannot hold; kept as written".into(),
        ));
    }
    if crate::rsoft::profile::is_scientific(text.as_bytes()) {
        return Err(reject(
            "written in scientific notation by a spreadsheet: its last digits were lost and cannot be recovered; re-export the column as text".into(),
        ));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_digit() || " -.()/+".contains(*c)))
    {
        return Err(reject(format!("{bad:?} is not part of a phone number")));
    }
    let international = text.starts_with('+');
    if text.chars().skip(1).any(|c| c == '+') {
        return Err(reject("'+' may only start the number".into()));
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let code = CALLING_CODES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(country))
        .map(|(_, code)| *code)
        .ok_or_else(|| {
            reject(format!(
                "no calling code known for country {country:?}: write the number with its + country code"
            ))
        })?;
    let full = if international {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if code == "91" {
        indian_national(&digits).map_err(reject)?
    } else if code == "1" && digits.len() == 11 && digits.starts_with('1') {
        // North America writes its own code as a trunk prefix: `1 (415) 555-0134`.
        digits
    } else {
        let national = digits.strip_prefix('0').unwrap_or(&digits);
        format!("{code}{national}")
    };
    // `+91 0xx…` keeps the trunk 0 people habitually write after the country code.
    let full = match full.strip_prefix("910") {
        Some(rest) if rest.len() == 10 => format!("91{rest}"),
        _ => full,
    };
    if let Some(national) = full.strip_prefix("91") {
        check_indian(national).map_err(reject)?;
    }
    if !(8..=15).contains(&full.len()) {
        return Err(reject(format!(
            "{} digits with the country code; E.164 numbers have 8 to 15",
            full.len()
        )));
    }
    if full.starts_with('0') {
        return Err(reject("a country code cannot start with 0".into()));
    }
    Ok(format!("+{full}"))
}

/// An Indian number written without `+`: `98765 43210`, `098765 43210`, `022-2345 6789`,
/// `91 98765 43210`.
fn indian_national(digits: &str) -> Result<String, String> {
    let national = match digits.len() {
        10 => digits,
        11 if digits.starts_with('0') => &digits[1..],
        12 if digits.starts_with("91") => &digits[2..],
        n => {
            return Err(format!(
                "{n} digits: an Indian number has 10 (or 11 with a leading 0)"
            ));
        }
    };
    Ok(format!("91{national}"))
}

/// After `+91`: ten digits, not starting with 0 (a mobile starts 6–9, a landline with its STD code).
fn check_indian(national: &str) -> Result<(), String> {
    if national.len() != 10 {
        return Err(format!(
            "+91 is followed by {} digits; Indian numbers have 10",
            national.len()
        ));
    }
    if national.starts_with('0') {
        return Err("+91 cannot be followed by the trunk prefix 0".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indian_forms() {
        let cases = [
            ("9876543210", "+919876543210"),
            ("98765 43210", "+919876543210"),
            ("+91 98765 43210", "+919876543210"),
            ("+91-98765-43210", "+919876543210"),
            ("+919876543210", "+919876543210"),
            ("09876543210", "+919876543210"),
            ("919876543210", "+919876543210"),
            ("0091 98765 43210", "+919876543210"),
            ("022-2345 6789", "+912223456789"),
            ("(022) 2345-6789", "+912223456789"),
            ("080 4123 4567", "+918041234567"),
            ("+91 (80) 4123 4567", "+918041234567"),
            ("+91 098765 43210", "+919876543210"),
            ("+91 (0)22 2345 6789", "+912223456789"),
            ("6123456789", "+916123456789"),
        ];
        for (raw, want) in cases {
            assert_eq!(to_e164(raw, "IN").unwrap(), want, "{raw}");
        }
    }

    #[test]
    fn other_countries() {
        assert_eq!(to_e164("+1 (415) 555-0134", "IN").unwrap(), "+14155550134");
        assert_eq!(to_e164("+44 20 7946 0958", "IN").unwrap(), "+442079460958");
        assert_eq!(to_e164("00971 4 123 4567", "IN").unwrap(), "+97141234567");
        assert_eq!(to_e164("(415) 555-0134", "US").unwrap(), "+14155550134");
        assert_eq!(to_e164("020 7946 0958", "gb").unwrap(), "+442079460958");
        assert_eq!(to_e164("1 (415) 555-0134", "US").unwrap(), "+14155550134");
        assert_eq!(to_e164("04 123 4567", "AE").unwrap(), "+97141234567");
        assert_eq!(to_e164("6123 4567", "SG").unwrap(), "+6561234567");
    }

    #[test]
    fn unparseable_numbers_are_kept_with_a_reason() {
        let cases = [
            ("", "IN", "empty"),
            ("98765", "IN", "5 digits"),
            ("98765432101234", "IN", "14 digits"),
            ("+91 98765 4321", "IN", "9 digits"),
            ("+91 0987654321", "IN", "trunk prefix"),
            ("98765 43210 ext 12", "IN", "extension"),
            ("call me", "IN", "not part of a phone number"),
            ("98+7654", "IN", "'+' may only start"),
            ("+1 234", "IN", "8 to 15"),
            ("+0 123456789", "IN", "cannot start with 0"),
            ("2079460958", "ZZ", "no calling code"),
        ];
        for (raw, country, why) in cases {
            let e = to_e164(raw, country).unwrap_err();
            assert_eq!(e.original, raw);
            assert!(e.reason.contains(why), "{raw}: {e}");
        }
    }
}
