//! Country cells → ISO 3166-1 alpha-2 codes (`India`, `IN`, `IND`, `United States`, `U.S.A.`,
//! `UK`, `UAE` → `IN`, `US`, `GB`, `AE`): the country a row's national phone numbers are read in.
//! Names, aliases and codes come from the `celes` crate (ISO 3166-1 with English aliases); the few
//! abbreviations it lacks that Indian exports use are added here.

use std::str::FromStr;

/// Abbreviations `celes` does not know (its keys are ISO codes, names and aliases).
const ABBREVIATIONS: [(&str, &str); 4] =
    [("uk", "GB"), ("uae", "AE"), ("ksa", "SA"), ("bharat", "IN")];

/// Cells that say "no country" rather than naming one: `N/A` would otherwise read as Namibia's
/// `NA`, `-` as nothing at all.
const PLACEHOLDERS: [&str; 7] = [
    "na",
    "nil",
    "none",
    "null",
    "unknown",
    "notavailable",
    "other",
];

/// The ISO 3166-1 alpha-2 code a Country cell names, ignoring case, spaces and punctuation
/// (`United Arab Emirates`, `u.a.e.`, `ARE`); `None` for a blank, a placeholder (`N/A`, `-`)
/// or a name neither ISO 3166 nor its common aliases know (a typo, a state in the wrong column).
pub fn alpha2(cell: &str) -> Option<&'static str> {
    let key: String = cell
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    // A number is an ISO numeric code to `celes` (`356`); a Country cell holding one is a
    // value in the wrong column, not a country.
    if key.is_empty()
        || key.chars().all(|c| c.is_ascii_digit())
        || PLACEHOLDERS.contains(&key.as_str())
    {
        return None;
    }
    if let Some((_, code)) = ABBREVIATIONS.iter().find(|(a, _)| *a == key) {
        return Some(code);
    }
    celes::Country::from_str(&key).ok().map(|c| c.alpha2)
}

#[cfg(test)]
mod tests {
    use super::alpha2;

    #[test]
    fn names_codes_and_aliases_read_as_alpha2() {
        for (cell, code) in [
            ("India", "IN"),
            ("  india ", "IN"),
            ("IN", "IN"),
            ("IND", "IN"),
            ("Bharat", "IN"),
            ("United States", "US"),
            ("U.S.A.", "US"),
            ("USA", "US"),
            ("United Kingdom", "GB"),
            ("UK", "GB"),
            ("England", "GB"),
            ("UAE", "AE"),
            ("United Arab Emirates", "AE"),
            ("Singapore", "SG"),
            ("Germany", "DE"),
        ] {
            assert_eq!(alpha2(cell), Some(code), "{cell:?}");
        }
    }

    #[test]
    fn placeholders_typos_and_numbers_name_no_country() {
        for cell in [
            "",
            " ",
            "-",
            "N/A",
            "n.a.",
            "Unknown",
            "Indai",
            "Maharashtra",
            "356",
        ] {
            assert_eq!(alpha2(cell), None, "{cell:?}");
        }
    }
}
