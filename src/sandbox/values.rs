//! Value checks for entity input: timestamps with offsets, emails, phones, addresses, money,
//! person names and custom-field values; each returns the normalized value or an error naming
//! where it sits.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value, json};

use super::errors::RpcError;
use super::store::TIME_FORMAT;

/// A string with something in it, trimmed.
pub fn non_empty<'a>(path: &str, v: &'a Value, expected: &str) -> Result<&'a str, RpcError> {
    match v.as_str().map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(RpcError::invalid_value(path, v, expected)),
    }
}

pub fn object<'a>(path: &str, v: &'a Value) -> Result<&'a Map<String, Value>, RpcError> {
    v.as_object()
        .ok_or_else(|| RpcError::invalid_value(path, v, "an object"))
}

pub fn string<'a>(path: &str, v: &'a Value) -> Result<&'a str, RpcError> {
    v.as_str()
        .ok_or_else(|| RpcError::invalid_value(path, v, "a string"))
}

pub fn only_keys(path: &str, obj: &Map<String, Value>, allowed: &[&str]) -> Result<(), RpcError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(RpcError::unknown_key(path, k)),
        None => Ok(()),
    }
}

pub fn list(
    path: &str,
    v: &Value,
    mut each: impl FnMut(&str, &Value) -> Result<Value, RpcError>,
) -> Result<Value, RpcError> {
    let items = v
        .as_array()
        .ok_or_else(|| RpcError::invalid_value(path, v, "a list"))?;
    let out = items
        .iter()
        .enumerate()
        .map(|(i, item)| each(&format!("{path}[{i}]"), item))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Array(out))
}

/// A timestamp with an offset, normalized to UTC in Nutshell's format. Naive times are refused:
/// the sandbox cannot know which zone they meant.
pub fn timestamp(path: &str, v: &Value) -> Result<String, RpcError> {
    let s = string(path, v)?.trim();
    let parsed = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, TIME_FORMAT))
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%z"));
    if let Ok(t) = parsed {
        return Ok(t.with_timezone(&Utc).format(TIME_FORMAT).to_string());
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
        || NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").is_ok()
        || NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok();
    if naive {
        Err(RpcError::naive_timestamp(path, s))
    } else {
        Err(RpcError::invalid_value(
            path,
            v,
            "an ISO 8601 timestamp with an offset, e.g. 2024-07-18T12:00:00+0000",
        ))
    }
}

pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// Emails as a list or `{label: address}`; stored as a map with `--primary` (the first listed,
/// or for a map without `--primary` the first label in sorted order).
pub fn emails(path: &str, v: &Value) -> Result<Value, RpcError> {
    labelled(path, v, "a list of email addresses", |p, item| {
        let addr = string(p, item)?.trim();
        if !valid_email(addr) {
            return Err(RpcError::invalid_value(p, item, "an email address"));
        }
        Ok(json!(addr))
    })
}

/// A multi-value field sent as a list, a `{label: value}` map or one value, each value read by
/// `read`; stored as live Nutshell answers it: a map by label (a list's items labelled `1`, `2`
/// …) with `--primary` repeating the first (a community client's recorded `getContact` answer,
/// karlwnw/pynutshell `tests/stubs/get_contact.py`, keys emails and phones this way).
fn labelled(
    path: &str,
    v: &Value,
    expected: &str,
    read: impl Fn(&str, &Value) -> Result<Value, RpcError>,
) -> Result<Value, RpcError> {
    let pairs: Vec<(String, &Value)> = match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| ((i + 1).to_string(), item))
            .collect(),
        Value::Object(map) => map.iter().map(|(k, item)| (k.clone(), item)).collect(),
        Value::String(_) => vec![("1".into(), v)],
        _ => return Err(RpcError::invalid_value(path, v, expected)),
    };
    let mut out = Map::new();
    for (label, item) in pairs {
        out.insert(label.clone(), read(&format!("{path}.{label}"), item)?);
    }
    let primary = out
        .get("--primary")
        .or_else(|| out.values().next())
        .cloned();
    if let Some(p) = primary {
        out.insert("--primary".into(), p);
    }
    Ok(Value::Object(out))
}

/// A phone number as people write them: digits with spaces, `+ - . ( ) / # * , ;` and an
/// `x`/`ext` extension; at least one digit. Words ("call me") and empty strings are refused.
fn phone<'a>(path: &str, v: &'a Value) -> Result<&'a str, RpcError> {
    let s = string(path, v)?.trim();
    let lower = s.to_ascii_lowercase();
    let body = lower.replace("ext", "");
    let ok = s.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()/#*,;x".contains(c));
    if ok {
        Ok(s)
    } else {
        Err(RpcError::invalid_value(path, v, "a phone number"))
    }
}

/// Phones as a list or `{label: number}`, answered as live Nutshell renders each: `{countryCode,
/// number, extension, numberFormatted, E164}` (karlwnw/pynutshell's recorded `getContact`
/// answer shows `{"countryCode": "1", "number": "5996915805", "extension": null,
/// "numberFormatted": "599-691-5805", "E164": "+15996915805"}`), labelled as [`labelled`] does.
/// How live Nutshell splits a number sent without `+` and formats `numberFormatted` is
/// unconfirmed: here such a number has no country code and no E164, and `numberFormatted` is the
/// number as sent.
pub fn phones(path: &str, v: &Value) -> Result<Value, RpcError> {
    labelled(path, v, "a list of phone numbers", |p, item| {
        phone(p, item).map(phone_object)
    })
}

/// Web addresses as a list or `{label: url}`, answered labelled with `--primary` as live
/// Nutshell does (karlwnw/pynutshell's recorded `getContact`: `{"personal": "http://…",
/// "--primary": "http://…"}`).
pub fn urls(path: &str, v: &Value) -> Result<Value, RpcError> {
    labelled(path, v, "a list of web addresses", |p, item| {
        string(p, item).map(Value::from)
    })
}

/// A phone as an answer renders it: an extension after `x`, `ext`, `#` or `;ext=` is read apart;
/// an international number (`+…`) is split into its calling code ([`calling_code_len`]) and
/// national number.
fn phone_object(text: &str) -> Value {
    let lower = text.to_ascii_lowercase();
    let mark = [lower.find("ext"), lower.find(['x', '#'])]
        .into_iter()
        .flatten()
        .min();
    let (main, extension) = match mark {
        Some(at) => {
            let ext: String = lower[at..].chars().filter(char::is_ascii_digit).collect();
            let main = text[..at].trim_end_matches(|c: char| " ;,.".contains(c));
            (main, (!ext.is_empty()).then_some(ext))
        }
        None => (text, None),
    };
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    let (country_code, number, e164) = if main.trim_start().starts_with('+') {
        let split = calling_code_len(&digits).min(digits.len());
        (
            Some(digits[..split].to_string()),
            digits[split..].to_string(),
            Some(format!("+{digits}")),
        )
    } else {
        (None, digits, None)
    };
    json!({
        "countryCode": country_code,
        "number": number,
        "extension": extension,
        "numberFormatted": main.trim(),
        "E164": e164,
    })
}

/// The length of the country calling code that `digits` (an international number without its
/// `+`) opens with. Codes are prefix-free (ITU-T E.164 assignments): `1` (North America) and `7`
/// are one digit; `20`, `27`, `30`–`34`, `36`, `39`, `40`, `41`, `43`–`49`, `51`–`58`, `60`–`66`,
/// `81`, `82`, `84`, `86`, `90`–`95` and `98` are two; every other code is three.
fn calling_code_len(digits: &str) -> usize {
    let two = |d: &str| d.get(..2).and_then(|p| p.parse::<u8>().ok());
    match digits.as_bytes().first() {
        Some(b'1' | b'7') => 1,
        _ => match two(digits) {
            Some(
                20
                | 27
                | 30..=34
                | 36
                | 39
                | 40
                | 41
                | 43..=49
                | 51..=58
                | 60..=66
                | 81
                | 82
                | 84
                | 86
                | 90..=95
                | 98,
            ) => 2,
            _ => 3,
        },
    }
}

const ADDRESS_KEYS: [&str; 6] = [
    "address_1",
    "address_2",
    "city",
    "state",
    "postalCode",
    "country",
];

pub fn addresses(path: &str, v: &Value) -> Result<Value, RpcError> {
    let one = |p: &str, item: &Value| -> Result<Value, RpcError> {
        let obj = object(p, item)?;
        only_keys(p, obj, &ADDRESS_KEYS)?;
        for (k, val) in obj {
            string(&format!("{p}.{k}"), val)?;
        }
        Ok(item.clone())
    };
    match v {
        Value::Object(map) => {
            let mut out = Map::new();
            for (label, item) in map {
                out.insert(label.clone(), one(&format!("{path}.{label}"), item)?);
            }
            Ok(Value::Object(out))
        }
        _ => list(path, v, one),
    }
}

pub fn money(path: &str, v: &Value) -> Result<Value, RpcError> {
    let obj = object(path, v)?;
    only_keys(path, obj, &["currency", "amount"])?;
    let currency = obj.get("currency").unwrap_or(&Value::Null);
    let code = currency
        .as_str()
        .filter(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()));
    let Some(code) = code else {
        return Err(RpcError::invalid_value(
            &format!("{path}.currency"),
            currency,
            "an ISO 4217 code such as INR",
        ));
    };
    let amount = obj.get("amount").unwrap_or(&Value::Null);
    let number = match amount {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number {
        Some(n) if n.is_finite() && n >= 0.0 => Ok(json!({"currency": code, "amount": amount})),
        _ => Err(RpcError::invalid_value(
            &format!("{path}.amount"),
            amount,
            "a number of at least 0",
        )),
    }
}

/// A contact's name: a string the sandbox splits (last word = family name), or the split form.
pub fn person_name(path: &str, v: &Value) -> Result<Value, RpcError> {
    let (given, family) = match v {
        Value::String(s) => {
            let s = s.split_whitespace().collect::<Vec<_>>();
            match s.split_last() {
                Some((last, rest)) if !rest.is_empty() => (rest.join(" "), last.to_string()),
                Some((only, _)) => (only.to_string(), String::new()),
                None => return Err(RpcError::invalid_value(path, v, "a non-empty name")),
            }
        }
        Value::Object(obj) => {
            only_keys(path, obj, &["givenName", "familyName", "displayName"])?;
            let part = |k: &str| match obj.get(k) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(x) => string(&format!("{path}.{k}"), x).map(|s| s.trim().to_string()),
            };
            (part("givenName")?, part("familyName")?)
        }
        _ => return Err(RpcError::invalid_value(path, v, "a name")),
    };
    let display = [given.as_str(), family.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if display.is_empty() {
        return Err(RpcError::invalid_value(path, v, "a non-empty name"));
    }
    Ok(json!({"givenName": given, "familyName": family, "displayName": display}))
}

/// The custom-field types the sandbox knows, as the REST API names them.
pub const CUSTOM_FIELD_TYPES: [&str; 12] = [
    "Text",
    "LongText",
    "Currency",
    "Date",
    "DateTime",
    "Decision",
    "Number",
    "Email",
    "Phone",
    "URL",
    "Dropdown",
    "MultiSelect",
];

/// A custom-field value checked against the field's type, normalized as stored (a DateTime in
/// UTC, like every other instant).
pub fn custom_value(path: &str, kind: &str, v: &Value) -> Result<Value, RpcError> {
    if kind == "DateTime" {
        return timestamp(path, v).map(Value::from);
    }
    let ok = match kind {
        "Number" => v.is_number(),
        "Decision" => v.is_boolean(),
        "Currency" => v.is_number() || money(path, v).is_ok(),
        // A calendar date, never a time: a date of birth has no zone.
        "Date" => v
            .as_str()
            .is_some_and(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
        "Email" => v.as_str().is_some_and(valid_email),
        "MultiSelect" => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        _ => v.is_string(),
    };
    if ok {
        Ok(v.clone())
    } else {
        Err(RpcError::invalid_value(
            path,
            v,
            &format!("a value for a {kind} field"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_need_an_offset() {
        let p = "lead.dueTime";
        assert_eq!(
            timestamp(p, &json!("2024-07-18T17:30:00+05:30")).unwrap(),
            "2024-07-18T12:00:00+0000"
        );
        assert_eq!(
            timestamp(p, &json!("2024-07-18T12:00:00+0000")).unwrap(),
            "2024-07-18T12:00:00+0000"
        );
        let e = timestamp(p, &json!("2024-07-18T12:00:00")).unwrap_err();
        assert!(e.message.contains("no UTC offset"), "{e}");
        let e = timestamp(p, &json!("18/07/2024")).unwrap_err();
        assert!(e.message.contains("invalid value"), "{e}");
    }

    #[test]
    fn emails_get_a_primary_entry() {
        let v = emails("contact.email", &json!(["a@x.in", "b@x.in"])).unwrap();
        assert_eq!(
            v,
            json!({"1": "a@x.in", "2": "b@x.in", "--primary": "a@x.in"})
        );
        assert!(emails("contact.email", &json!(["not-an-email"])).is_err());
        assert!(!valid_email("a@b"));
        assert!(!valid_email("a b@x.in"));
        assert!(valid_email("Anil.Mehta@acme.in"));
    }

    #[test]
    fn names_split_on_the_last_word() {
        let v = person_name("contact.name", &json!("Meera  K Nair")).unwrap();
        assert_eq!(
            v,
            json!({"givenName": "Meera K", "familyName": "Nair", "displayName": "Meera K Nair"})
        );
        let v = person_name("contact.name", &json!("Madonna")).unwrap();
        assert_eq!(v["familyName"], "");
        assert!(person_name("contact.name", &json!("  ")).is_err());
    }

    /// Phones are answered as live Nutshell renders them (karlwnw/pynutshell's recorded
    /// `getContact`): an object per phone, the extension apart, labelled, `--primary` first.
    #[test]
    fn phones_are_answered_as_objects() {
        let v = phones(
            "contact.phone",
            &json!([
                "+912240001234 x12",
                "+1 (415) 555-0100",
                "022-4000-1234 ext. 7"
            ]),
        )
        .unwrap();
        assert_eq!(
            v["1"],
            json!({"countryCode": "91", "number": "2240001234", "extension": "12",
                   "numberFormatted": "+912240001234", "E164": "+912240001234"})
        );
        assert_eq!(v["--primary"], v["1"]);
        assert_eq!(v["2"]["countryCode"], "1");
        assert_eq!(v["2"]["number"], "4155550100");
        assert_eq!(v["2"]["extension"], Value::Null);
        // Without a `+` no country is guessed.
        assert_eq!(v["3"]["countryCode"], Value::Null);
        assert_eq!(v["3"]["E164"], Value::Null);
        assert_eq!(v["3"]["number"], "02240001234");
        assert_eq!(v["3"]["extension"], "7");
        assert_eq!(v["3"]["numberFormatted"], "022-4000-1234");
        let labelled = phones("account.phone", &json!({"Work": "+44 20 7946 0000"})).unwrap();
        assert_eq!(labelled["Work"]["countryCode"], "44");
        assert_eq!(labelled["--primary"]["E164"], "+442079460000");
        assert_eq!(calling_code_len("97141234567"), 3);
        assert_eq!(calling_code_len("74951234567"), 1);
    }
}
