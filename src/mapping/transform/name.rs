//! Names: `Ravi Kumar <ravi@acme.in>` into its name and email, and a full name into given and
//! family names for contacts (`Kumar, Ravi` and honorifics such as `Mr.`/`Dr.`/`Shri` handled).

use super::email::parse_mailbox;
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
    if text.contains(['@', '<']) {
        let mailbox = parse_mailbox(raw)?;
        return Ok(NameAndEmail {
            name: mailbox.name,
            email: Some(mailbox.address),
        });
    }
    Ok(NameAndEmail {
        name: Some(collapse_spaces(text)),
        email: None,
    })
}

/// Generational and professional suffixes after a family name (`Jr.`, `III`, `PhD`, `CA`):
/// Nutshell's name has no field for them, so they stay with the family name.
const SUFFIXES: [&str; 12] = [
    "jr", "sr", "ii", "iii", "iv", "phd", "md", "ca", "cfa", "cpa", "esq", "mba",
];

fn is_suffix(word: &str) -> bool {
    let bare = word
        .trim_end_matches('.')
        .replace('.', "")
        .to_ascii_lowercase();
    SUFFIXES.contains(&bare.as_str())
}

/// Split a full name: `Kumar, Ravi` is family-first; otherwise the last word is the family name,
/// with any suffix after it (`Ravi Kumar Jr.`, `Ravi Kumar, Ph.D.` → family `Kumar Jr.`, `Kumar
/// Ph.D.`). Honorifics are dropped; a name that is only an honorific is rejected.
pub fn split_full_name(raw: &str) -> Result<SplitName, Rejected> {
    let text = non_blank(raw)?;
    // `Ravi Kumar, Jr.` is no `Family, Given`: the comma sets off a suffix.
    let joined;
    let text = match text.split_once(',') {
        Some((name, after))
            if !after.trim().is_empty() && after.split_whitespace().all(is_suffix) =>
        {
            joined = format!("{name} {after}");
            joined.as_str()
        }
        _ => text,
    };
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
    // Suffixes go with the family name before it.
    let first_suffix = words
        .iter()
        .rposition(|w| !is_suffix(w))
        .map_or(words.len(), |i| i + 1);
    let suffixes = words.split_off(first_suffix.max(1).min(words.len()));
    let family = if words.len() > 1 { words.pop() } else { None };
    if words.is_empty() {
        return Err(Rejected::new(raw, "holds only a title, no name"));
    }
    // A one-word name keeps its suffix (`Ravi Jr.`): no family name is invented.
    let (given, family) = match family {
        Some(f) => (
            words,
            Some(
                std::iter::once(f)
                    .chain(suffixes)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ),
        None => (words.into_iter().chain(suffixes).collect(), None),
    };
    Ok(SplitName {
        given: given.join(" "),
        family,
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
            ("Ravi Kumar Jr.", p("Ravi", Some("Kumar Jr."))),
            ("Ravi Kumar, Jr.", p("Ravi", Some("Kumar Jr."))),
            ("Dr. Anjali Mehta, Ph.D.", p("Anjali", Some("Mehta Ph.D."))),
            ("John Smith III", p("John", Some("Smith III"))),
            ("Suresh Iyer CA", p("Suresh", Some("Iyer CA"))),
            ("Iyer, Suresh", p("Suresh", Some("Iyer"))),
            ("Ravi Jr.", p("Ravi Jr.", None)),
            ("Md Rafiq Khan", p("Md Rafiq", Some("Khan"))),
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
