//! Enumerations: a cell matched case-insensitively (and ignoring extra spaces) against the allowed
//! values; the result is the allowed value's own spelling.

use super::{Rejected, non_blank};

/// The entry of `allowed` equal to `raw` ignoring case and runs of spaces, in `allowed`'s
/// spelling. Errors: an empty cell, or no match (the reason lists the allowed values).
pub fn match_enum<'a>(raw: &str, allowed: &[&'a str]) -> Result<&'a str, Rejected> {
    let wanted = fold(non_blank(raw)?);
    allowed
        .iter()
        .find(|a| fold(a) == wanted)
        .copied()
        .ok_or_else(|| {
            Rejected::new(
                raw,
                format!(
                    "not one of the allowed values: {}; add a value map entry for it",
                    allowed.join(", ")
                ),
            )
        })
}

fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_case_insensitively() {
        let allowed = ["High", "Medium", "Low"];
        assert_eq!(match_enum(" high ", &allowed).unwrap(), "High");
        assert_eq!(match_enum("LOW", &allowed).unwrap(), "Low");
        let two_words = ["Closed Won"];
        assert_eq!(
            match_enum("closed   WON", &two_words).unwrap(),
            "Closed Won"
        );
        let e = match_enum("Urgent", &allowed).unwrap_err();
        assert_eq!(e.original, "Urgent");
        assert!(e.reason.contains("High, Medium, Low"), "{e}");
        assert!(match_enum("", &allowed).is_err());
    }
}
