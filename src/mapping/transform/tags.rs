//! Multi-value cells: split on `,` or `;`, trimmed, deduplicated case-insensitively keeping the
//! first spelling seen.

use super::{Rejected, non_blank};

/// The tags of a cell, in first-seen order. Errors: an empty cell, or only separators.
pub fn split_tags(raw: &str) -> Result<Vec<String>, Rejected> {
    let text = non_blank(raw)?;
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split([',', ';']) {
        let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ");
        if !tag.is_empty() && !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            tags.push(tag);
        }
    }
    if tags.is_empty() {
        return Err(Rejected::new(raw, "only separators, no tag"));
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_trims_dedupes() {
        assert_eq!(
            split_tags(" VIP, priority ;vip;  Key   Account,PRIORITY,,").unwrap(),
            ["VIP", "priority", "Key Account"]
        );
        assert_eq!(split_tags("Mumbai").unwrap(), ["Mumbai"]);
        assert_eq!(split_tags("Ärzte; ärzte").unwrap(), ["Ärzte"]);
        assert!(split_tags(" ; , ").unwrap_err().reason.contains("no tag"));
        assert!(split_tags("").unwrap_err().reason.contains("empty"));
    }
}
