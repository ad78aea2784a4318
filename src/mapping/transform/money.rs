//! Money: an amount with a currency symbol or code (`₹ 1,25,000.00`, `Rs. 500`, `USD 1,200`,
//! `1.250,00 €`) → a canonical decimal string and an ISO 4217 code. A cell without a currency takes
//! the export's default currency.

use super::number::parse_decimal;
use super::{Rejected, non_blank};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Money {
    /// Canonical decimal, e.g. `125000.00`: exact, never a float.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// Symbols and spellings, longest first so `Rs.` wins over `Rs` and `US$` over `$`.
const MARKS: [(&str, &str); 8] = [
    ("US$", "USD"),
    ("Rs.", "INR"),
    ("Rs", "INR"),
    ("₹", "INR"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
];

/// Read a money cell. `default_currency` (an ISO code such as `INR`) applies when the cell names
/// none. European grouping (`1.250,00`) is read when the separators decide it, or, for a lone
/// `1.250`, when the currency is EUR.
pub fn parse_money(raw: &str, default_currency: &str) -> Result<Money, Rejected> {
    let text = non_blank(raw)?;
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let (prefix, rest) = take_currency(text, true);
    let (suffix, number) = take_currency(rest, false);
    let currency = match (prefix, suffix) {
        (Some(a), Some(b)) if a != b => {
            return Err(Rejected::new(
                raw,
                format!("names two currencies, {a} and {b}"),
            ));
        }
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => default_currency.to_string(),
    };
    if !is_iso_code(&currency) {
        return Err(Rejected::new(
            raw,
            format!("{currency:?} is not an ISO 4217 currency code; set source.currency like INR"),
        ));
    }
    let european = currency == "EUR";
    let amount = parse_decimal(number, european).map_err(|r| Rejected::new(raw, r))?;
    let amount = match (negative, amount.strip_prefix('-')) {
        (false, _) => amount,
        (true, Some(_)) => return Err(Rejected::new(raw, "has two minus signs")),
        (true, None) if amount.bytes().all(|b| matches!(b, b'0' | b'.')) => amount,
        (true, None) => format!("-{amount}"),
    };
    Ok(Money { amount, currency })
}

/// Strip a currency mark or 3-letter code from the start (or end) of the text.
fn take_currency(text: &str, at_start: bool) -> (Option<String>, &str) {
    for (mark, code) in MARKS {
        let stripped = if at_start {
            strip_prefix_ci(text, mark)
        } else {
            strip_suffix_ci(text, mark)
        };
        if let Some(rest) = stripped {
            return (Some(code.to_string()), rest.trim());
        }
    }
    let candidate = if at_start {
        text.get(..3).filter(|_| text.len() >= 3)
    } else {
        text.len().checked_sub(3).and_then(|i| text.get(i..))
    };
    match candidate {
        Some(code) if code.bytes().all(|b| b.is_ascii_alphabetic()) => {
            let rest = if at_start {
                &text[3..]
            } else {
                &text[..text.len() - 3]
            };
            (Some(code.to_ascii_uppercase()), rest.trim())
        }
        _ => (None, text.trim()),
    }
}

fn strip_prefix_ci<'a>(text: &'a str, mark: &str) -> Option<&'a str> {
    let head = text.get(..mark.len())?;
    head.eq_ignore_ascii_case(mark).then(|| &text[mark.len()..])
}

fn strip_suffix_ci<'a>(text: &'a str, mark: &str) -> Option<&'a str> {
    let at = text.len().checked_sub(mark.len())?;
    let tail = text.get(at..)?;
    tail.eq_ignore_ascii_case(mark).then(|| &text[..at])
}

fn is_iso_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(raw: &str, default: &str) -> (String, String) {
        let m = parse_money(raw, default).unwrap();
        (m.amount, m.currency)
    }

    #[test]
    fn symbols_codes_and_groupings() {
        let cases = [
            ("₹ 1,25,000.00", "125000.00", "INR"),
            ("₹1,25,000", "125000", "INR"),
            ("Rs. 1,25,000.50", "125000.50", "INR"),
            ("Rs 500", "500", "INR"),
            ("rs.500", "500", "INR"),
            ("INR 12,34,567", "1234567", "INR"),
            ("1,25,000 INR", "125000", "INR"),
            ("$125,000.00", "125000.00", "USD"),
            ("US$ 99.99", "99.99", "USD"),
            ("USD 1,200", "1200", "USD"),
            ("€1.250,00", "1250.00", "EUR"),
            ("1.250,00 €", "1250.00", "EUR"),
            ("EUR 1.250", "1250", "EUR"),
            ("£ 75", "75", "GBP"),
            ("AED 3,500.00", "3500.00", "AED"),
            ("125000", "125000", "INR"),
            ("1,25,000.00", "125000.00", "INR"),
            ("-₹ 500", "-500", "INR"),
            ("₹ -500", "-500", "INR"),
            ("(1,000.00)", "-1000.00", "INR"),
        ];
        for (raw, amount, currency) in cases {
            assert_eq!(
                money(raw, "INR"),
                (amount.to_string(), currency.to_string()),
                "{raw}"
            );
        }
        assert_eq!(money("1.250", "EUR"), ("1250".into(), "EUR".into()));
        assert_eq!(money("1.250", "INR"), ("1.250".into(), "INR".into()));
        assert_eq!(money("99", "USD"), ("99".into(), "USD".into()));
    }

    #[test]
    fn large_amounts_stay_exact() {
        let m = parse_money("₹ 12,34,56,78,901.99", "INR").unwrap();
        assert_eq!(m.amount, "12345678901.99"); // beyond f32, exact as text
        let m = parse_money("9,007,199,254,740,993.01", "USD").unwrap();
        assert_eq!(m.amount, "9007199254740993.01"); // beyond f64's exact integers
    }

    #[test]
    fn failures_say_why() {
        let cases = [
            ("", "INR", "empty"),
            ("₹", "INR", "no digits"),
            ("$ 100 €", "INR", "two currencies"),
            ("₹ 12,50,00.00", "INR", "not grouped"),
            ("about 500", "INR", "not part of a number"),
            ("- -500", "INR", "two minus"),
            ("500", "rupees", "ISO 4217"),
        ];
        for (raw, default, why) in cases {
            let e = parse_money(raw, default).unwrap_err();
            assert_eq!(e.original, raw);
            assert!(e.reason.contains(why), "{raw}: {e}");
        }
    }
}
