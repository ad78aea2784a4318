//! A money cell taken apart before its number is read: currency symbol, word or ISO 4217 code,
//! an Indian scale word, a trailing `/-`, accounting brackets (`₹ 1,25,000/-`, `1.5 Lakh`,
//! `(25,000)`). Discovery's profiler tests every cell with a digit through it and the money
//! transform reads amounts with it, so it sits below both.

/// Symbols and words, longest first so `Rs.` wins over `Rs` and `US$` over `$`. Matched in any
/// case. Source: common usage on Indian, US and European invoices.
const MARKS: [(&str, &str); 11] = [
    ("Rupees", "INR"),
    ("Rupee", "INR"),
    ("US$", "USD"),
    ("Rs.", "INR"),
    ("Rs", "INR"),
    ("₹", "INR"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("/-", ""),
];

/// Active ISO 4217 alphabetic codes (ISO 4217 list one, 2024). A three-letter prefix outside
/// this list (`REF-8104`) is not a currency, so the cell is not money.
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
];

/// A three-byte code as one number, so that [`ISO_4217_KEYS`] is searched without comparing
/// strings: money tests run on every cell with a digit.
const fn code_key(code: [u8; 3]) -> u32 {
    (code[0] as u32) << 16 | (code[1] as u32) << 8 | code[2] as u32
}

/// [`ISO_4217`] as [`code_key`]s, in the same (sorted) order.
const ISO_4217_KEYS: [u32; ISO_4217.len()] = {
    let mut keys = [0u32; ISO_4217.len()];
    let mut i = 0;
    while i < keys.len() {
        let b = ISO_4217[i].as_bytes();
        keys[i] = code_key([b[0], b[1], b[2]]);
        i += 1;
    }
    keys
};

/// Is `code` an active ISO 4217 code (upper case)?
pub fn is_iso_4217(code: &str) -> bool {
    match code.as_bytes() {
        [a, b, c] => ISO_4217_KEYS.binary_search(&code_key([*a, *b, *c])).is_ok(),
        _ => false,
    }
}

/// Whether ISO 4217 gives currency `code` (any case) three decimals (minor unit 3: the Bahraini,
/// Iraqi, Jordanian, Kuwaiti, Libyan and Omani dinars and the Tunisian dinar): `1,250.500 KWD`
/// is an amount with fils, not a sign of a European re-save.
pub fn has_three_decimals(code: &str) -> bool {
    ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]
        .iter()
        .any(|c| c.eq_ignore_ascii_case(code.trim()))
}

/// The ISO 4217 code spelled by three ASCII letters in any case (`inr` → `INR`).
fn iso_4217_ci(letters: &[u8]) -> Option<&'static str> {
    let [a, b, c] = letters else { return None };
    let key = code_key([
        a.to_ascii_uppercase(),
        b.to_ascii_uppercase(),
        c.to_ascii_uppercase(),
    ]);
    ISO_4217_KEYS
        .binary_search(&key)
        .ok()
        .and_then(|i| ISO_4217.get(i).copied())
}

/// Scale words after the amount, longest first, with the power of ten they stand for and, for
/// the thousand/million shorthand, the word it is read as. The Indian words are converted
/// exactly (`1.5 Lakh` = 150000, `2 Cr` = 20000000, issue 12). The shorthand (`1.5k`, `2M`,
/// `3 mn`) is converted exactly too, but noted ([`MoneyText::shorthand`]): `M` also means
/// thousand in some ledgers (`MM` million), and `k`/`m` are units elsewhere, so the reading is
/// shown to the person rather than taken silently.
const SCALES: [(&str, u32, Option<&str>); 16] = [
    ("thousand", 3, Some("thousand")),
    ("billion", 9, Some("billion")),
    ("million", 6, Some("million")),
    ("Crores", 7, None),
    ("Crore", 7, None),
    ("Lakhs", 5, None),
    ("Lakh", 5, None),
    ("Lacs", 5, None),
    ("Lac", 5, None),
    ("Cr.", 7, None),
    ("Cr", 7, None),
    ("bn", 9, Some("billion")),
    ("mn", 6, Some("million")),
    ("L", 5, None),
    ("K", 3, Some("thousand")),
    ("M", 6, Some("million")),
];

/// A money cell taken apart, before its number is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyText<'a> {
    /// ISO 4217 code the cell names, if any.
    pub currency: Option<&'static str>,
    /// The number text, with sign, grouping and decimal mark as written (`1,00,000`, `-500`).
    pub number: &'a str,
    /// Power of ten of a scale word (`Lakh` 5, `Crore` 7, `k` 3, `M` 6), 0 without one.
    pub scale: u32,
    /// The thousand/million shorthand as written and the word it is read as (`("M",
    /// "million")`), when the scale is one: the reading is noted on the record and counted in
    /// `map`'s value check, and it is no evidence of money to discovery (`5m` is minutes).
    pub shorthand: Option<(&'a str, &'static str)>,
    /// Written in accounting brackets, `(25,000)`: a negative amount.
    pub bracketed: bool,
    /// A minus sign before the currency mark (`-₹ 500`).
    pub negative: bool,
}

/// Why [`money_text`] finds a cell is not money. Borrowed, so that the profiler's test of every
/// cell with a digit costs no allocation when the answer is no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotMoney<'a> {
    /// The cell names two different currencies (`USD 5 INR`).
    #[error("names two currencies, {0} and {1}")]
    TwoCurrencies(&'static str, &'static str),
    /// Three letters touch the number but are no ISO 4217 code (`REF-8104`).
    #[error(
        "{0:?} is not an ISO 4217 currency code or a known currency symbol, so this is not an amount"
    )]
    NotACurrency(&'a str),
}

/// Takes a money cell apart: currency symbol, word or ISO code before or after, a trailing `/-`,
/// an Indian scale word, accounting brackets. Errors say why the cell is not money (two
/// currencies, a three-letter prefix that is no ISO 4217 code).
pub fn money_text(raw: &str) -> Result<MoneyText<'_>, NotMoney<'_>> {
    let mut text = raw.trim();
    let mut bracketed = false;
    let negative = text.starts_with('-')
        && !text[1..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit());
    if negative {
        text = text[1..].trim_start();
    }
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        bracketed = true;
        text = inner.trim();
    }
    let mut currency: Option<&'static str> = None;
    let mut scale = 0;
    let mut shorthand = None;
    // Every mark, scale word and bracket starts or ends with a non-digit: a cell that starts
    // and ends with a digit has none (most number cells; the profiler sees them all).
    if !bracketed
        && text.starts_with(|c: char| c.is_ascii_digit())
        && text.ends_with(|c: char| c.is_ascii_digit())
    {
        return Ok(MoneyText {
            currency,
            number: text,
            scale,
            shorthand: None,
            bracketed,
            negative,
        });
    }
    let mut note = |found: Option<&'static str>| -> Result<(), NotMoney<'_>> {
        match (found.filter(|c| !c.is_empty()), currency) {
            (Some(c), Some(had)) if had != c => Err(NotMoney::TwoCurrencies(had, c)),
            (Some(c), _) => {
                currency = Some(c);
                Ok(())
            }
            (None, _) => Ok(()),
        }
    };
    // Up to two marks at each end: `Rs. 75,000 /-`, `₹ 10 L`, `1,25,000 INR`.
    for _ in 0..2 {
        let before = text.len();
        let (found, rest) = take_currency(text, true)?;
        note(found)?;
        text = rest;
        let (found, rest) = take_currency(text, false)?;
        note(found)?;
        text = rest;
        if scale == 0 {
            if let Some((rest, power, word)) = take_scale(text) {
                scale = power;
                shorthand = word.map(|w| (text[rest.len()..].trim(), w));
                text = rest;
            }
        }
        // A round that took nothing leaves nothing for the next one.
        if text.len() == before {
            break;
        }
    }
    if !bracketed {
        if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            bracketed = true;
            text = inner.trim();
        }
    }
    Ok(MoneyText {
        currency,
        number: text,
        scale,
        shorthand,
        bracketed,
        negative,
    })
}

/// A trailing scale word after a digit (`1.5 Lakh`, `2Cr`, `10 L`, `1.5k`): the rest, the power
/// of ten, and the word shorthand is read as.
fn take_scale(text: &str) -> Option<(&str, u32, Option<&'static str>)> {
    SCALES.iter().find_map(|(word, power, read_as)| {
        let rest = strip_suffix_ci(text, word)?;
        rest.ends_with(|c: char| c.is_ascii_digit() || c == ' ')
            .then(|| (rest.trim_end(), *power, *read_as))
            .filter(|(r, _, _)| r.ends_with(|c: char| c.is_ascii_digit()))
    })
}

/// A currency mark at the start or end of `text`: (the ISO code, or `""` for `/-`, and the rest).
/// A three-letter code counts only when it is an ISO 4217 code followed (or preceded) by a space,
/// digit or sign; any other three letters touching the number make the cell not money.
fn take_currency(text: &str, at_start: bool) -> Result<(Option<&'static str>, &str), NotMoney<'_>> {
    let b = text.as_bytes();
    let edge_of = |m: &[u8]| (if at_start { m.first() } else { m.last() }).copied();
    // One byte test per mark before any slice: the profiler asks this of every text cell with
    // a digit, and most start and end with a byte no mark has.
    let edge = edge_of(b);
    let marks = MARKS.iter().filter(|(mark, _)| {
        edge.zip(edge_of(mark.as_bytes()))
            .is_some_and(|(e, m)| e.eq_ignore_ascii_case(&m))
    });
    for &(mark, code) in marks {
        let stripped = if at_start {
            strip_prefix_ci(text, mark)
        } else {
            strip_suffix_ci(text, mark)
        };
        if let Some(rest) = stripped {
            return Ok((Some(code), rest.trim()));
        }
    }
    let letters = |s: &[u8]| s.iter().all(u8::is_ascii_alphabetic);
    let (code, rest) = if at_start {
        match (b.get(..3), b.get(3)) {
            (Some(c), next) if letters(c) && !next.is_some_and(u8::is_ascii_alphabetic) => {
                (&text[..3], &text[3..])
            }
            _ => return Ok((None, text)),
        }
    } else {
        let at = b.len().saturating_sub(3);
        match (b.get(at..), at.checked_sub(1).and_then(|i| b.get(i))) {
            (Some(c), Some(before)) if letters(c) && !before.is_ascii_alphabetic() => {
                (&text[at..], &text[..at])
            }
            _ => return Ok((None, text)),
        }
    };
    match iso_4217_ci(code.as_bytes()) {
        Some(iso) => Ok((Some(iso), rest.trim())),
        None => Err(NotMoney::NotACurrency(code)),
    }
}

fn strip_prefix_ci<'a>(text: &'a str, mark: &str) -> Option<&'a str> {
    // The first byte rules out almost every mark before a slice is taken.
    let (first, m) = (text.as_bytes().first()?, mark.as_bytes().first()?);
    if !first.eq_ignore_ascii_case(m) {
        return None;
    }
    let head = text.get(..mark.len())?;
    head.eq_ignore_ascii_case(mark).then(|| &text[mark.len()..])
}

fn strip_suffix_ci<'a>(text: &'a str, mark: &str) -> Option<&'a str> {
    let (last, m) = (text.as_bytes().last()?, mark.as_bytes().last()?);
    if !last.eq_ignore_ascii_case(m) {
        return None;
    }
    let at = text.len().checked_sub(mark.len())?;
    let tail = text.get(at..)?;
    tail.eq_ignore_ascii_case(mark).then(|| &text[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_list_is_sorted_for_binary_search() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO_4217_KEYS.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO_4217.iter().all(|c| is_iso_4217(c) && c.len() == 3));
        assert!(is_iso_4217("INR") && !is_iso_4217("REF") && !is_iso_4217("inr"));
        assert_eq!(iso_4217_ci(b"inr"), Some("INR"));
        assert_eq!(iso_4217_ci(b"ref"), None);
    }

    #[test]
    fn marks_codes_scales_and_refusals() {
        let p = money_text("Rs. 1,25,000/-").unwrap();
        assert_eq!(
            (p.currency, p.number, p.scale),
            (Some("INR"), "1,25,000", 0)
        );
        let p = money_text("(1.5 Lakh)").unwrap();
        assert_eq!(
            (p.currency, p.number, p.scale, p.bracketed),
            (None, "1.5", 5, true)
        );
        let p = money_text("1,200 usd").unwrap();
        assert_eq!((p.currency, p.number), (Some("USD"), "1,200"));
        assert_eq!(money_text("REF-8104"), Err(NotMoney::NotACurrency("REF")));
        assert_eq!(
            money_text("USD 5 INR"),
            Err(NotMoney::TwoCurrencies("USD", "INR"))
        );
    }
}
