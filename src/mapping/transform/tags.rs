//! Multi-value cells: split on `,` or `;`, trimmed, deduplicated case-insensitively keeping the
//! first spelling seen. A word for an unknown value among them (`N/A`, `-`,
//! [`crate::cells::is_placeholder`]) is no tag: Nutshell would get a tag called `N/A`.

use super::{Rejected, non_blank};

/// A tags cell read ([`split_tags`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags {
    /// The tags, in first-seen order.
    pub tags: Vec<String>,
    /// The placeholders written among them (`N/A` of `VIP; N/A`), each once: left out, for the
    /// caller to say so.
    pub placeholders: Vec<String>,
}

/// The tags of a cell, in first-seen order, and the placeholders left out of them. Errors: an
/// empty cell, or only separators.
pub fn split_tags(raw: &str) -> Result<Tags, Rejected> {
    let text = non_blank(raw)?;
    let mut read = Tags::default();
    for tag in text.split([',', ';']) {
        let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ");
        let list = if crate::cells::is_placeholder(&tag) {
            &mut read.placeholders
        } else {
            &mut read.tags
        };
        if !tag.is_empty() && !list.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            list.push(tag);
        }
    }
    if read.tags.is_empty() && read.placeholders.is_empty() {
        return Err(Rejected::new(raw, "only separators, no tag"));
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_trims_dedupes() {
        assert_eq!(
            split_tags(" VIP, priority ;vip;  Key   Account,PRIORITY,,")
                .unwrap()
                .tags,
            ["VIP", "priority", "Key Account"]
        );
        assert_eq!(split_tags("Mumbai").unwrap().tags, ["Mumbai"]);
        assert_eq!(split_tags("Ärzte; ärzte").unwrap().tags, ["Ärzte"]);
        assert!(split_tags(" ; , ").unwrap_err().reason.contains("no tag"));
        assert!(split_tags("").unwrap_err().reason.contains("empty"));
    }

    /// A placeholder is no tag (it made a tag `N/A` in Nutshell), alone or among tags.
    #[test]
    fn placeholders_are_no_tags() {
        let read = split_tags("VIP; N/A, -, n/a").unwrap();
        assert_eq!(read.tags, ["VIP"]);
        assert_eq!(read.placeholders, ["N/A", "-"]);
        let read = split_tags(" TBD ").unwrap();
        assert!(read.tags.is_empty());
        assert_eq!(read.placeholders, ["TBD"]);
    }
}
