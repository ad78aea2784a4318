//! Cells as operators and spreadsheets leave them, below both the export reader (discovery's
//! profiler and integrity check read them) and the mapping layer (the value check and the load
//! read them the same way): a word standing for an unknown value (`N/A`, `-`, `TBD`), a
//! spreadsheet formula saved as its text (`=A2*1.18`), a number a spreadsheet wrote in
//! scientific notation (`9.82E+09`), and characters no one sees in an id (`C1` followed by a
//! zero-width space).

use std::borrow::Cow;

/// The words (compared in any case, on the trimmed cell) a person writes in a cell for "not
/// known": `N/A`, `NA`, `-`, `--`, `—`, `nil`, `null`, `none`, `TBD`, `?`, and Excel's `#N/A`
/// and the en dash beside them.
const PLACEHOLDERS: [&str; 13] = [
    "n/a", "na", "#n/a", "-", "--", "\u{2014}", "\u{2013}", "nil", "null", "none", "tbd", "?",
    "n.a.",
];

/// Whether `text` (the trimmed cell) is a whole-cell placeholder for an unknown value
/// ([`PLACEHOLDERS`]). In a typed field (a number, a date, a phone…) it is a blank; in text it
/// is text.
pub fn is_placeholder(text: &str) -> bool {
    // The cheap test first: a profiler calls this on every value it judges.
    text.len() <= 4 && PLACEHOLDERS.iter().any(|p| text.eq_ignore_ascii_case(p))
}

/// The one value among a cell's parts (`parts`: the cell split as several values are) whose
/// other parts are all placeholders: `+91 98200 12345` of `+91 98200 12345 / -`. `None` when no
/// part is a placeholder, or when no value or several are left.
pub fn sole_value<'a>(parts: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let (mut value, mut placeholder) = (None, false);
    for part in parts {
        if is_placeholder(part) {
            placeholder = true;
        } else if value.replace(part).is_some() {
            return None;
        }
    }
    value.filter(|_| placeholder)
}

/// Whether a cell's parts (`parts`: the cell split as several values are) are all placeholders,
/// at least one (`N/A; -`): the cell holds no value, as the load reads it for an email or phone
/// field. Call it only on a cell [`could_be_placeholders`] lets through: splitting costs more.
pub fn only_placeholders<'a>(parts: impl Iterator<Item = &'a str>) -> bool {
    let mut any = false;
    for part in parts {
        if !is_placeholder(part) {
            return false;
        }
        any = true;
    }
    any
}

/// A byte pre-check for [`only_placeholders`]: short, and starting as one of the
/// [`PLACEHOLDERS`] does (`n`, `#`, `-`, `t`, `?`, the first byte of a dash).
pub fn could_be_placeholders(b: &[u8]) -> bool {
    b.len() <= 32
        && b.first().is_some_and(|first| {
            PLACEHOLDERS.iter().any(|p| {
                p.as_bytes()
                    .first()
                    .is_some_and(|f| f.eq_ignore_ascii_case(first))
            })
        })
}

/// Whether the `/` at byte `at` of `cell` is the slash of an `N/A` or `#N/A` standing as one of
/// the cell's values (`a@x.in; N/A`), which a split on `/` must keep whole: the placeholder is
/// then seen as one ([`is_placeholder`]), not as the values `N` and `A`.
pub fn slash_in_placeholder(cell: &[u8], at: usize) -> bool {
    // A value ends at the cell's end, a separator of several values, or a space.
    let bound = |c: Option<&u8>| {
        c.is_none_or(|c| matches!(c, b';' | b',' | b'/') || c.is_ascii_whitespace())
    };
    let Some((n, head)) = cell[..at].split_last() else {
        return false;
    };
    let head = head.strip_suffix(b"#").unwrap_or(head);
    n.eq_ignore_ascii_case(&b'n')
        && bound(head.last())
        && cell
            .get(at + 1)
            .is_some_and(|a| a.eq_ignore_ascii_case(&b'a'))
        && bound(cell.get(at + 2))
}

/// Whether `text` (the trimmed cell) is a spreadsheet formula saved as its text rather than its
/// value: `=` then a function, a cell, a number, a bracket or a quoted string, with an optional
/// sign (`=A2*1.18`, `=HYPERLINK(…)`, `=+91 98200 12345`). A line of `=` or `=>` is text.
pub fn is_formula(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('=') else {
        return false;
    };
    let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    rest.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '(' | '"' | '$' | '@'))
}

/// The link of a `=HYPERLINK("https://x.com", "label")` formula (`,` or `;` between the
/// arguments, the function name in any case, `""` inside the quotes for a quote); `None` for any
/// other cell, and for a link that is not written in quotes (`=HYPERLINK(A2)`).
pub fn hyperlink_target(text: &str) -> Option<String> {
    let rest = text.strip_prefix('=')?.trim_start();
    let (name, rest) = rest.split_at_checked("HYPERLINK".len())?;
    if !name.eq_ignore_ascii_case("HYPERLINK") {
        return None;
    }
    let mut chars = rest.trim_start().strip_prefix('(')?.trim_start().chars();
    if chars.next()? != '"' {
        return None;
    }
    let mut url = String::new();
    loop {
        match chars.next()? {
            '"' if chars.clone().next() == Some('"') => {
                chars.next();
                url.push('"');
            }
            '"' => break,
            c => url.push(c),
        }
    }
    let after = chars.as_str().trim_start();
    (after.starts_with([',', ';', ')']) && !url.trim().is_empty()).then(|| url.trim().to_string())
}

/// Characters that show as nothing (or as a space) yet make two ids differ: the no-break and
/// narrow no-break spaces, the soft hyphen, zero-width space, non-joiner and joiner, the
/// left-to-right and right-to-left marks, the word joiner and the byte order mark.
const INVISIBLE: [char; 10] = [
    '\u{00A0}', '\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{202F}',
    '\u{2060}', '\u{FEFF}',
];

/// Whether `text` holds a character of [`INVISIBLE`].
pub fn has_invisible(text: &str) -> bool {
    // Every one of them is outside ASCII: most cells are answered by the byte test.
    !text.is_ascii() && text.contains(INVISIBLE)
}

/// An RSoft ID cell as ids are compared (discovery's integrity check, the load's references and
/// its journal keys): trimmed, with the [`INVISIBLE`] characters a copy from a web page or a
/// spreadsheet leaves inside or around it removed, so `C1` and `C1` + U+200B are one id.
pub fn id_text(raw: &str) -> Cow<'_, str> {
    let text = raw.trim();
    if !has_invisible(text) {
        return Cow::Borrowed(text);
    }
    let kept: String = text.chars().filter(|c| !INVISIBLE.contains(c)).collect();
    Cow::Owned(kept.trim().to_string())
}

/// `text` with each [`INVISIBLE`] character written as its code point (`C1<U+200B>`), so a
/// message can show where it is.
pub fn show_invisible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if INVISIBLE.contains(&c) {
                format!("<U+{:04X}>", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `9.82E+09`, `9.19823E+11`, `1E+10`: a number a spreadsheet wrote in scientific notation, its
/// last digits lost (`b` is the trimmed cell's bytes).
pub fn is_scientific(b: &[u8]) -> bool {
    let Some(e) = b.iter().position(|c| matches!(c, b'E' | b'e')) else {
        return false;
    };
    let (mantissa, exp) = (&b[..e], &b[e + 1..]);
    let exp = exp.strip_prefix(b"+").unwrap_or(exp);
    !exp.is_empty()
        && exp.iter().all(u8::is_ascii_digit)
        && mantissa.iter().filter(|c| **c == b'.').count() <= 1
        && mantissa.iter().all(|c| c.is_ascii_digit() || *c == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_whole_cells_in_any_case() {
        for p in [
            "N/A", "na", "n/a", "-", "--", "—", "Nil", "NULL", "none", "TBD", "?", "#N/A",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for v in ["N/A yet", "nan", "0", "-5", "???", "Nina", "", "none given"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    /// `N/A` among several values stays one value, and one value beside placeholders is found.
    #[test]
    fn a_placeholder_among_values() {
        let slash = |cell: &str| slash_in_placeholder(cell.as_bytes(), cell.find('/').unwrap());
        for cell in ["N/A", "a@x.in; n/a", "#N/A, b@y.in", "x;N/A", "1 / N/A\nb"] {
            let at = cell.rfind("/A").or_else(|| cell.rfind("/a")).unwrap();
            assert!(slash_in_placeholder(cell.as_bytes(), at), "{cell}");
        }
        for cell in ["Bldg N/Annexe", "98200/12345", "IN/AE", "/A", "N/"] {
            assert!(!slash(cell), "{cell}");
        }
        let parts = |v: &'static [&'static str]| v.iter().copied();
        assert_eq!(sole_value(parts(&["a@x.in", "N/A"])), Some("a@x.in"));
        assert_eq!(
            sole_value(parts(&["-", "98200 12345", "TBD"])),
            Some("98200 12345")
        );
        assert_eq!(sole_value(parts(&["a@x.in"])), None);
        assert_eq!(sole_value(parts(&["a", "N/A", "b"])), None);
        assert_eq!(sole_value(parts(&["N/A", "-"])), None);
    }

    #[test]
    fn formulas_and_the_link_of_a_hyperlink() {
        for f in [
            "=A2*1.18",
            "=+91 98200 12345",
            "=SUM(B2:B9)",
            "=\"x\"",
            "=-B2",
        ] {
            assert!(is_formula(f), "{f}");
        }
        for t in ["====", "=> see above", "= ", "=", "a=b", "=--- notes"] {
            assert!(!is_formula(t), "{t}");
        }
        assert_eq!(
            hyperlink_target(r#"=HYPERLINK("https://x.com","x")"#).as_deref(),
            Some("https://x.com")
        );
        assert_eq!(
            hyperlink_target(r#"=hyperlink( "acme.in" ; "Acme")"#).as_deref(),
            Some("acme.in")
        );
        assert_eq!(
            hyperlink_target(r#"=HYPERLINK("a""b")"#).as_deref(),
            Some("a\"b")
        );
        for other in [
            "=HYPERLINK(A2)",
            "=HYPERLINK(\"\")",
            "=HYPERLINK(\"x.com\"",
            "=A2",
            "x.com",
        ] {
            assert_eq!(hyperlink_target(other), None, "{other}");
        }
    }

    #[test]
    fn ids_lose_the_characters_no_one_sees() {
        assert_eq!(id_text(" C1\u{200b} "), "C1");
        assert_eq!(id_text("\u{feff}C\u{2060}1\u{a0}"), "C1");
        assert_eq!(id_text("C\u{a0}1"), "C1");
        assert!(matches!(id_text(" COMP-1 "), Cow::Borrowed("COMP-1")));
        assert_eq!(id_text("Jos\u{e9}"), "Jos\u{e9}");
        assert!(has_invisible("C1\u{200b}") && !has_invisible("C1") && !has_invisible("Jos\u{e9}"));
        assert_eq!(show_invisible("C1\u{200b}"), "C1<U+200B>");
    }
}
