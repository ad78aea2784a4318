//! Phone numbers → E.164 (`+919876543210`). Indian numbers get hand-written rules (mobiles without
//! a country code, a trunk `0`, landlines with an STD code, `91` written without `+`); other
//! countries get the generic rule: an explicit `+CC` or `00CC` is kept, a national number takes
//! the default country's calling code. An extension written after the number (`x12`, `ext. 12`,
//! `#204`, RFC 3966 `;ext=12`) is read apart: E.164 cannot hold it, so Nutshell gets the number
//! and its extension as one string, `+912240001234 x12`. An unparseable number is rejected with
//! its original text, which the loader keeps on the record.

use std::fmt;

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

/// A phone number read from a cell: the number in E.164 and the extension written after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// ITU-T E.164 (`+912240001234`): what numbers are compared and matched by, extension aside.
    pub e164: String,
    /// The extension's digits (`12`), dialled once the call connects; `None` when none is written.
    pub extension: Option<String>,
}

/// As Nutshell takes a phone value: `+912240001234`, or `+912240001234 x12` with an extension
/// (Nutshell's API answers a phone with separate `number` and `extension` parts, so it reads
/// the extension from the string it is given).
impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.extension {
            Some(ext) => write!(f, "{} x{ext}", self.e164),
            None => f.write_str(&self.e164),
        }
    }
}

/// Marks that start an extension, lower case, longest first where one begins another: RFC
/// 3966's `;ext=`, the words people write, `x` and `#` (libphonenumber reads the same).
const EXTENSION_MARKS: [&str; 6] = [";ext=", "extension", "extn", "ext", "x", "#"];

/// Most digits an extension may have: libphonenumber's limit after an ambiguous mark (`x`,
/// `#`). More is likely a second number run on, which must be refused, not dialled.
const EXTENSION_DIGITS: usize = 9;

/// A phone cell cut at its extension: the number as written (an RFC 3966 `tel:` prefix
/// dropped) and the extension's digits, or the number alone when no extension is written.
/// Errors: an extension mark with no digits, or with something other than digits, after it.
pub fn split_extension(text: &str) -> Result<(&str, Option<&str>), String> {
    let text = text.trim();
    let text = match text.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => &text[4..],
        _ => text,
    };
    // The marks are ASCII, so where one matches is a character boundary.
    let b = text.as_bytes();
    let Some((at, mark)) = (0..b.len()).find_map(|i| {
        EXTENSION_MARKS
            .iter()
            .find(|m| {
                b[i..]
                    .get(..m.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(m.as_bytes()))
            })
            .map(|m| (i, *m))
    }) else {
        return Ok((text, None));
    };
    let number = text[..at].trim_end();
    let extension = text[at + mark.len()..].trim_start_matches(['.', ':', '=', ' ']);
    if number.is_empty() {
        return Err("an extension with no number before it".into());
    }
    if extension.is_empty() {
        return Err("an extension mark with no digits after it".into());
    }
    if let Some(bad) = extension.chars().find(|c| !c.is_ascii_digit()) {
        return Err(format!(
            "the extension after the number may only have digits, not {bad:?}; several numbers are separated by ';'"
        ));
    }
    if extension.len() > EXTENSION_DIGITS {
        return Err(format!(
            "an extension of {} digits (at most {EXTENSION_DIGITS}): a second number written on? separate numbers by ';'",
            extension.len()
        ));
    }
    Ok((number, Some(extension)))
}

/// Read a phone cell: the number normalised to E.164, reading numbers without a country code
/// as `country`'s (ISO 3166 alpha-2, e.g. `IN`: the row's own Country, else the export's
/// default), and its extension ([`split_extension`]).
pub fn parse_phone(raw: &str, country: &str) -> Result<Phone, Rejected> {
    let text = non_blank(raw)?;
    let reject = |reason: String| Rejected::new(raw, reason);
    let (number, extension) = split_extension(text).map_err(reject)?;
    Ok(Phone {
        e164: e164(number, country).map_err(reject)?,
        extension: extension.map(str::to_string),
    })
}

/// A number without its extension, to E.164 (the rules in this file's header).
fn e164(text: &str, country: &str) -> Result<String, String> {
    if crate::cells::is_scientific(text.as_bytes()) {
        return Err(
            "written in scientific notation by a spreadsheet: its last digits were lost and cannot be recovered; re-export the column as text".into(),
        );
    }
    // `9810012345.0`: a spreadsheet kept the number as a decimal. Its digits are whole, but a
    // leading `+` or `0` it had is gone, so it is not read as a guess.
    if let Some((number, zeros)) = text.split_once('.')
        && number.len() >= 7
        && number.bytes().all(|b| b.is_ascii_digit())
        && !zeros.is_empty()
        && zeros.bytes().all(|b| b == b'0')
    {
        return Err(format!(
            "written as a decimal number by a spreadsheet ({number} and .{zeros}), which drops a leading + or 0: format the column as text and re-export, or write {number} with its country code"
        ));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_digit() || " -.()/+".contains(*c)))
    {
        return Err(format!("{bad:?} is not part of a phone number"));
    }
    let international = text.starts_with('+');
    if text.chars().skip(1).any(|c| c == '+') {
        return Err("'+' may only start the number".into());
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let code = CALLING_CODES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(country))
        .map(|(_, code)| *code)
        .ok_or_else(|| {
            format!(
                "no calling code known for country {country:?}: write the number with its + country code"
            )
        })?;
    let full = if international {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if code == "91" {
        indian_national(&digits)?
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
        check_indian(national)?;
    }
    if !(8..=15).contains(&full.len()) {
        return Err(format!(
            "{} digits with the country code; E.164 numbers have 8 to 15",
            full.len()
        ));
    }
    if full.starts_with('0') {
        return Err("a country code cannot start with 0".into());
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

    /// The cell's number in E.164 (`country` for national numbers), without an extension.
    fn to_e164(raw: &str, country: &str) -> Result<String, Rejected> {
        parse_phone(raw, country).map(|p| {
            assert_eq!(p.extension, None, "{raw}");
            p.e164
        })
    }

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
            ("98765 43210 ext", "IN", "no digits"),
            ("98765 43210 ext 12a", "IN", "only have digits, not 'a'"),
            (
                "98765 43210 x 98765 43211",
                "IN",
                "only have digits, not ' '",
            ),
            ("98765 43210 x1234567890", "IN", "10 digits"),
            ("x12", "IN", "no number before"),
            ("98765 x12", "IN", "5 digits"),
            ("call me", "IN", "not part of a phone number"),
            ("98+7654", "IN", "'+' may only start"),
            ("+1 234", "IN", "8 to 15"),
            ("+0 123456789", "IN", "cannot start with 0"),
            ("2079460958", "ZZ", "no calling code"),
            (
                "9810012345.0",
                "IN",
                "written as a decimal number by a spreadsheet (9810012345 and .0)",
            ),
        ];
        for (raw, country, why) in cases {
            let e = parse_phone(raw, country).unwrap_err();
            assert_eq!(e.original, raw);
            assert!(e.reason.contains(why), "{raw}: {e}");
        }
    }

    /// Extensions as exports write them are read apart from the number, which is read as
    /// without them; Nutshell gets `+E164 xEXT`.
    #[test]
    fn extensions_are_read_apart() {
        let cases = [
            ("+91 22 4000 1234 x12", "IN", "+912240001234", "12"),
            ("022-4000-1234 ext. 12", "IN", "+912240001234", "12"),
            ("022 4000 1234 Ext 12", "IN", "+912240001234", "12"),
            ("022-4000-1234 extn: 12", "IN", "+912240001234", "12"),
            ("022-4000-1234 extension 12", "IN", "+912240001234", "12"),
            ("+1 (415) 555-0100 ext 7", "IN", "+14155550100", "7"),
            ("(415) 555-0100 X7", "US", "+14155550100", "7"),
            ("+44 20 7946 0000 #204", "IN", "+442079460000", "204"),
            ("+1-415-555-0100;ext=12", "IN", "+14155550100", "12"),
            ("tel:+1-415-555-0100;ext=12", "IN", "+14155550100", "12"),
        ];
        for (raw, country, number, ext) in cases {
            let p = parse_phone(raw, country).unwrap();
            assert_eq!(p.e164, number, "{raw}");
            assert_eq!(p.extension.as_deref(), Some(ext), "{raw}");
            assert_eq!(p.to_string(), format!("{number} x{ext}"), "{raw}");
        }
        assert_eq!(
            parse_phone("tel:+91-98765-43210", "IN")
                .unwrap()
                .to_string(),
            "+919876543210"
        );
    }
}
