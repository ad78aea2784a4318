//! Money: an amount with a currency symbol or code (`₹ 1,25,000.00`, `Rs. 500`, `USD 1,200`,
//! `1.250,00 €`) → a canonical decimal string and an ISO 4217 code. A cell without a currency takes
//! the export's default currency.

use super::number::parse_decimal;
use super::{Rejected, non_blank};
use crate::numbers::format::{NumberFormat, refuse_undecided};
use crate::numbers::money_text::{is_iso_4217, money_text};
use crate::nutshell::Money;

/// Read a money cell. `default_currency` (an ISO code such as `INR`) applies when the cell names
/// none. Each value's separators decide its reading (a lone `1.250` is 1250 only in EUR); for a
/// whole column, use [`parse_money_in`] with the column's decided [`NumberFormat`].
pub fn parse_money(raw: &str, default_currency: &str) -> Result<Money, Rejected> {
    read_money(raw, default_currency, None)
}

/// [`parse_money`] with the number read in the column's decided format, never another way: a
/// value the format cannot read is rejected with the format named. Scale words are applied
/// exactly (`1.5 Lakh` → `150000`); `(25,000)` reads as `-25000` (see [`money_caveat`]) and,
/// like any amount below 0, is refused: Nutshell takes none (the sandbox's `money` rule). Without a
/// decided format (a hand-written `mapping.toml`), a value two formats read differently
/// (`₹ 1.250`) is refused ([`refuse_undecided`]), so the load, `map`'s value check and the
/// preview agree on it.
pub fn parse_money_in(
    raw: &str,
    default_currency: &str,
    format: Option<&NumberFormat>,
) -> Result<Money, Rejected> {
    if format.is_none() {
        refuse_undecided(raw).map_err(|r| Rejected::new(raw, r))?;
    }
    let money = read_money(raw, default_currency, format)?;
    // Nutshell refuses an amount below 0 (a lead's value, a Currency field); said here, where
    // the map's value check and the builder both meet it, not as a server refusal mid-load.
    if money.amount.starts_with('-') {
        return Err(Rejected::new(
            raw,
            format!(
                "reads as {} {}, and Nutshell takes no amount below 0: correct it in RSoft (a \
                 credit note is not a deal value), or map the column to a text field",
                money.amount, money.currency
            ),
        ));
    }
    Ok(money)
}

/// The money reading both entry points share: per value when `format` is `None`.
fn read_money(
    raw: &str,
    default_currency: &str,
    format: Option<&NumberFormat>,
) -> Result<Money, Rejected> {
    let text = non_blank(raw)?;
    let parts = money_text(text).map_err(|r| Rejected::new(raw, r.to_string()))?;
    let currency = parts.currency.unwrap_or(default_currency);
    if !is_iso_4217(currency) {
        return Err(Rejected::new(
            raw,
            format!("{currency:?} is not an ISO 4217 currency code; set source.currency like INR"),
        ));
    }
    let (negative, number) = match parts.number.strip_prefix('-') {
        Some(_) if parts.negative => return Err(Rejected::new(raw, "has two minus signs")),
        Some(rest) => (true, rest.trim_start()),
        None => (parts.negative, parts.number),
    };
    let amount = match format {
        Some(f) => f.read(number),
        None => parse_decimal(number, currency == "EUR"),
    }
    .map_err(|r| Rejected::new(raw, r))?;
    if amount.starts_with('-') && (negative || parts.bracketed) {
        return Err(Rejected::new(raw, "has two minus signs"));
    }
    let amount = shift(&amount, parts.scale);
    let amount = if (negative || parts.bracketed) && !is_zero(&amount) {
        format!("-{amount}")
    } else {
        amount
    };
    Ok(Money {
        amount,
        currency: currency.to_string(),
    })
}

/// What reading a money cell that [`parse_money_in`] took had to assume, for the record's report
/// line and `map`'s value check: accounting brackets, which mark a negative amount (only a zero
/// in brackets gets past the refusal of amounts below 0, so the caveat says it reads as 0), and
/// thousand/million shorthand, read exactly but never silently (`2M` is million to most, a
/// thousand in some ledgers).
pub fn money_caveat(raw: &str) -> Option<String> {
    let parts = money_text(raw).ok()?;
    let bracketed = parts.bracketed.then(|| {
        format!(
            "{:?} is in accounting brackets, which mark a negative amount: it reads as 0",
            raw.trim()
        )
    });
    let shorthand = parts.shorthand.map(|(written, word)| {
        format!(
            "{:?} is read as {} {word} (shorthand {written:?} = {word})",
            raw.trim(),
            parts.number
        )
    });
    match (bracketed, shorthand) {
        (Some(b), Some(s)) => Some(format!("{b}; {s}")),
        (b, s) => b.or(s),
    }
}

fn is_zero(amount: &str) -> bool {
    amount.bytes().all(|b| matches!(b, b'0' | b'.' | b'-'))
}

/// Multiplies a canonical decimal string by 10^power, exactly (moves the decimal point).
fn shift(amount: &str, power: u32) -> String {
    if power == 0 {
        return amount.to_string();
    }
    let (sign, body) = match amount.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", amount),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let p = power as usize;
    let mut frac = frac.to_string();
    while frac.len() < p {
        frac.push('0');
    }
    let (moved, rest) = frac.split_at(p);
    let int = format!("{int}{moved}");
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let rest = rest.trim_end_matches('0');
    if rest.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(raw: &str, default: &str) -> (String, String) {
        let m = parse_money(raw, default).unwrap();
        (m.amount, m.currency)
    }

    /// Swiss and space-grouped amounts (also with a no-break or narrow no-break space) read
    /// under their column's format (trial finding).
    #[test]
    fn space_and_apostrophe_groupings_read_in_their_format() {
        use crate::numbers::format::NumberFormat;
        let swiss = NumberFormat::from_name("point_apostrophe").unwrap();
        let spaced = NumberFormat::from_name("comma_space").unwrap();
        for (raw, format, amount, currency) in [
            ("1'234.50", swiss, "1234.50", "INR"),
            ("CHF 12'500", swiss, "12500", "CHF"),
            ("1 234,50", spaced, "1234.50", "INR"),
            ("12\u{a0}500,00 EUR", spaced, "12500.00", "EUR"),
            ("1\u{202f}234\u{202f}567,89", spaced, "1234567.89", "INR"),
        ] {
            let m = parse_money_in(raw, "INR", Some(&format)).unwrap();
            assert_eq!(
                (m.amount.as_str(), m.currency.as_str()),
                (amount, currency),
                "{raw}"
            );
        }
        use super::super::number::parse_number_in;
        assert_eq!(parse_number_in("1'234.5", Some(&swiss)).unwrap(), "1234.5");
        assert_eq!(
            parse_number_in("1\u{202f}234,5", Some(&spaced)).unwrap(),
            "1234.5"
        );
        assert!(parse_money_in("1,234.50", "INR", Some(&swiss)).is_err());
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
            ("REF-8104", "INR", "not an ISO 4217"),
            ("ABC 100", "INR", "not an ISO 4217"),
        ];
        for (raw, default, why) in cases {
            let e = parse_money(raw, default).unwrap_err();
            assert_eq!(e.original, raw);
            assert!(e.reason.contains(why), "{raw}: {e}");
        }
    }

    #[test]
    fn indian_notation() {
        let cases = [
            ("₹ 1,00,000/-", "100000"),
            ("Rs.50,000/-", "50000"),
            ("Rs 2,50,000.00", "250000.00"),
            ("1.5 Lakh", "150000"),
            ("2 Cr", "20000000"),
            ("12,34,567.50", "1234567.50"),
            ("(25,000)", "-25000"),
            ("₹ 12,34,567", "1234567"),
            ("Rs. 75,000 /-", "75000"),
            ("₹ 10 L", "1000000"),
            ("1.25 Crore", "12500000"),
            ("0.075 Cr", "750000"),
            ("Rupees 500", "500"),
        ];
        for (raw, want) in cases {
            assert_eq!(
                money(raw, "INR"),
                (want.to_string(), "INR".to_string()),
                "{raw}"
            );
        }
        assert!(money_caveat("(0)").is_some_and(|c| c.contains("reads as 0")));
        assert!(
            parse_money_in("(25)", "INR", None).is_err_and(|e| e.to_string().contains("below 0"))
        );
        assert_eq!(money_caveat("25,000"), None);
    }

    /// Thousand/million shorthand is read exactly, like the Indian scale words, but with a
    /// caveat: `M` is a thousand in some ledgers, so the reading is shown.
    #[test]
    fn shorthand_reads_exactly_with_a_caveat() {
        for (raw, want, caveat) in [
            (
                "1.5k",
                "1500",
                "\"1.5k\" is read as 1.5 thousand (shorthand \"k\" = thousand)",
            ),
            (
                "2M",
                "2000000",
                "\"2M\" is read as 2 million (shorthand \"M\" = million)",
            ),
            (
                "₹ 3 mn",
                "3000000",
                "\"₹ 3 mn\" is read as 3 million (shorthand \"mn\" = million)",
            ),
            (
                "1.2 billion",
                "1200000000",
                "\"1.2 billion\" is read as 1.2 billion (shorthand \"billion\" = billion)",
            ),
            (
                "$2.5 bn",
                "2500000000",
                "\"$2.5 bn\" is read as 2.5 billion (shorthand \"bn\" = billion)",
            ),
            (
                "40 thousand INR",
                "40000",
                "\"40 thousand INR\" is read as 40 thousand (shorthand \"thousand\" = thousand)",
            ),
        ] {
            assert_eq!(
                parse_money_in(raw, "INR", None).unwrap().amount,
                want,
                "{raw}"
            );
            assert_eq!(money_caveat(raw).as_deref(), Some(caveat), "{raw}");
        }
        // The Indian words are the export's own notation: exact, with no caveat.
        for raw in ["1.5 Lakh", "2 Cr", "₹ 10 L", "2MM", "5 min"] {
            assert_eq!(money_caveat(raw), None, "{raw}");
        }
        assert!(parse_money("2MM", "INR").is_err());
    }

    #[test]
    fn a_decided_format_reads_every_value_the_same_way() {
        let f = NumberFormat::from_name("comma_point").unwrap();
        for (raw, want) in [
            ("125.000", "125000"),
            ("4.500", "4500"),
            ("2.750.000", "2750000"),
        ] {
            assert_eq!(parse_money_in(raw, "INR", Some(&f)).unwrap().amount, want);
        }
        assert!(parse_money_in("12.5", "INR", Some(&f)).is_err());
    }
}
