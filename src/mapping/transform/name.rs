//! Names: `Ravi Kumar <ravi@acme.in>` into its name and email, and a full name into given and
//! family names for contacts (`Kumar, Ravi` and honorifics such as `Mr.`/`Dr.`/`Shri` handled).

use super::email::normalize_email;
use super::{Rejected, non_blank};

/// The two halves of an owner or sender cell; at least one is present.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NameAndEmail {
    /// The display name, spaces collapsed; `None` for a bare address.
    pub name: Option<String>,
    /// The address, normalised (`transform::email`); `None` for a bare name.
    pub email: Option<String>,
}

/// A person's name split into given and family names; not [`crate::nutshell::PersonName`],
/// the contact name field as the API carries it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SplitName {
    /// First and middle names, honorifics removed; never empty.
    pub given: String,
    /// Absent for a single-word name (common in India); never invented.
    pub family: Option<String>,
}

const HONORIFICS: [&str; 11] = [
    "mr", "mrs", "ms", "miss", "dr", "prof", "shri", "sri", "smt", "kumari", "sir",
];

/// Split `Name <email>`, a bare email, or a bare name.
pub fn split_name_email(raw: &str) -> Result<NameAndEmail, Rejected> {
    let text = non_blank(raw)?;
    if let Some((name, rest)) = text.split_once('<') {
        let Some(addr) = rest.trim_end().strip_suffix('>') else {
            return Err(Rejected::new(raw, "has '<' without a closing '>'"));
        };
        let email = normalize_email(addr).map_err(|e| Rejected::new(raw, e.reason))?;
        let name = name.trim().trim_matches('"').trim();
        return Ok(NameAndEmail {
            name: (!name.is_empty()).then(|| collapse_spaces(name)),
            email: Some(email),
        });
    }
    if text.contains('@') {
        let email = normalize_email(text).map_err(|e| Rejected::new(raw, e.reason))?;
        return Ok(NameAndEmail {
            name: None,
            email: Some(email),
        });
    }
    Ok(NameAndEmail {
        name: Some(collapse_spaces(text)),
        email: None,
    })
}

/// Split a full name: `Kumar, Ravi` is family-first; otherwise the last word is the family name.
/// Honorifics are dropped; a name that is only an honorific is rejected.
pub fn split_full_name(raw: &str) -> Result<SplitName, Rejected> {
    let text = non_blank(raw)?;
    if let Some((family, given)) = text.split_once(',') {
        let given = words_without_honorifics(given).join(" ");
        let family = collapse_spaces(family);
        if given.is_empty() || family.is_empty() || given.contains(',') {
            return Err(Rejected::new(
                raw,
                "expected \"Family, Given\" with one comma",
            ));
        }
        return Ok(SplitName {
            given,
            family: Some(family),
        });
    }
    let mut words = words_without_honorifics(text);
    let family = if words.len() > 1 { words.pop() } else { None };
    if words.is_empty() {
        return Err(Rejected::new(raw, "holds only a title, no name"));
    }
    Ok(SplitName {
        given: words.join(" "),
        family: family.map(str::to_string),
    })
}

fn words_without_honorifics(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .skip_while(|w| {
            let bare = w.trim_end_matches('.').to_ascii_lowercase();
            HONORIFICS.contains(&bare.as_str())
        })
        .collect()
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ne(name: Option<&str>, email: Option<&str>) -> NameAndEmail {
        NameAndEmail {
            name: name.map(Into::into),
            email: email.map(Into::into),
        }
    }

    #[test]
    fn name_and_email() {
        let cases = [
            (
                "Ravi Kumar <ravi@ACME.in>",
                ne(Some("Ravi Kumar"), Some("ravi@acme.in")),
            ),
            (
                "\"Kumar, Ravi\" <ravi@acme.in>",
                ne(Some("Kumar, Ravi"), Some("ravi@acme.in")),
            ),
            ("<ravi@acme.in>", ne(None, Some("ravi@acme.in"))),
            (" ravi@acme.in ", ne(None, Some("ravi@acme.in"))),
            ("Priya   Sharma", ne(Some("Priya Sharma"), None)),
        ];
        for (raw, want) in cases {
            assert_eq!(split_name_email(raw).unwrap(), want, "{raw}");
        }
        let e = split_name_email("Ravi <ravi@acme.in").unwrap_err();
        assert!(e.reason.contains("closing"), "{e}");
        let e = split_name_email("Ravi <ravi-at-acme>").unwrap_err();
        assert!(e.reason.contains("'@'"), "{e}");
        assert!(split_name_email(" ").is_err());
    }

    #[test]
    fn full_names() {
        let p = |g: &str, f: Option<&str>| SplitName {
            given: g.into(),
            family: f.map(Into::into),
        };
        let cases = [
            ("Ravi Kumar", p("Ravi", Some("Kumar"))),
            ("  Ravi   Shankar  Iyer ", p("Ravi Shankar", Some("Iyer"))),
            ("Kumar, Ravi", p("Ravi", Some("Kumar"))),
            ("Dr. Anjali Mehta", p("Anjali", Some("Mehta"))),
            ("Smt Lakshmi", p("Lakshmi", None)),
            ("Prakash", p("Prakash", None)),
        ];
        for (raw, want) in cases {
            assert_eq!(split_full_name(raw).unwrap(), want, "{raw}");
        }
        for (raw, why) in [
            ("Mr.", "only a title"),
            ("a, b, c", "one comma"),
            ("", "empty"),
        ] {
            let e = split_full_name(raw).unwrap_err();
            assert!(e.reason.contains(why), "{raw}: {e}");
        }
    }
}
