//! Text that must fit a width: wrapped at words onto lines, or cut at a word with `…` — never
//! cut silently. Widths are terminal columns (`textwrap` measures with `unicode-width`).

use std::borrow::Cow;

/// `text` wrapped at word boundaries onto lines of at most `width` columns (a word longer than
/// the width is broken). An empty text is one empty line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    textwrap::wrap(text, width.max(1))
        .into_iter()
        .map(Cow::into_owned)
        .collect()
}

/// `text` when it fits in `width` columns; otherwise the words that fit before a `…`.
pub fn ellipsis(text: &str, width: usize) -> String {
    if textwrap::core::display_width(text) <= width {
        return text.to_string();
    }
    if width <= 1 {
        return "…".chars().take(width).collect();
    }
    let first = textwrap::wrap(text, width - 1)
        .into_iter()
        .next()
        .unwrap_or_default();
    format!("{}…", first.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_words_and_breaks_only_words_too_long() {
        assert_eq!(
            wrap("12 values to map; 2 custom fields to create", 20),
            ["12 values to map; 2", "custom fields to", "create"]
        );
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn cuts_at_a_word_with_an_ellipsis_only_when_too_wide() {
        assert_eq!(ellipsis("Accounts", 8), "Accounts");
        assert_eq!(
            ellipsis("Contacts (the person) + Leads", 20),
            "Contacts (the…"
        );
        // Wide characters count by the columns they take: 東京 is four.
        assert_eq!(ellipsis("東京 office", 11), "東京 office");
        assert_eq!(ellipsis("東京 office", 8), "東京…");
        assert_eq!(ellipsis("Workflows", 1), "…");
        assert_eq!(ellipsis("Workflows", 0), "");
    }
}
