//! Yes/no cells.

use super::{Rejected, non_blank};

/// `yes`/`y`/`true`/`t`/`1`/`on` → true, `no`/`n`/`false`/`f`/`0`/`off` → false, any case,
/// trimmed. Errors: an empty cell or any other text.
pub fn parse_bool(raw: &str) -> Result<bool, Rejected> {
    let text = non_blank(raw)?.to_ascii_lowercase();
    match text.as_str() {
        "yes" | "y" | "true" | "t" | "1" | "on" => Ok(true),
        "no" | "n" | "false" | "f" | "0" | "off" => Ok(false),
        _ => Err(Rejected::new(
            raw,
            "not a yes/no value (expected yes, no, true, false, y, n, 1 or 0)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yes_and_no() {
        for raw in ["yes", "YES", " Y ", "true", "True", "1", "t", "on"] {
            assert!(parse_bool(raw).unwrap(), "{raw}");
        }
        for raw in ["no", "No", "n", "FALSE", "0", "f", "off"] {
            assert!(!parse_bool(raw).unwrap(), "{raw}");
        }
        for raw in ["maybe", "2", "yess", ""] {
            let e = parse_bool(raw).unwrap_err();
            assert_eq!(e.original, raw);
        }
    }
}
