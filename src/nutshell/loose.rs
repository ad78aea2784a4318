//! Reading what live Nutshell sends. Nutshell is a PHP service, and its JSON is loose: flags come
//! as `true`/`false`, `1`/`0` or `"1"`/`"0"`; ids and numbers as numbers or numeric strings;
//! timestamps as `2024-07-18T12:00:00+0000`, `+00:00` or `Z`; an empty list or map as `[]`, `{}`
//! or `null` (PHP cannot tell an empty array from an empty object); a list with gaps as an object
//! keyed by index; related records as a stub (`{"entityType":"Users","id":4}`) or the full record.
//! The public Python client `nutshell` 0.4.4, written against the live API, models
//! `Stageset.default` as an integer, for one.
//!
//! Every response type reads its fields through [`Loose`], so one set of rules applies to all of
//! them. A field the tool does not know is kept as sent (`extra`) and never fails a call; a field it
//! knows that cannot be understood fails with its path and value ([`Unreadable`]), never the
//! whole body. Requests are not loose: the client sends exactly the documented shapes.

use std::fmt;

use serde_json::{Map, Value};

/// A field of an answer that could not be understood: where, what it was, what was expected.
/// Its text names the path and the value, for example
/// ``field `[3].default` is `"yes"`, expected a flag (true/false, 1/0, "1"/"0")``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Dotted path from the value that was being read, with list indexes as `[n]`; empty when
    /// the value itself is wrong.
    pub path: String,
    /// The value as sent, shortened to [`SHOWN_VALUE_CHARS`] characters.
    pub found: String,
    /// What the field should have been, in words (`a flag (true/false, 1/0, "1"/"0")`).
    pub expected: String,
}

/// The most of a value an error message shows.
pub const SHOWN_VALUE_CHARS: usize = 80;

impl Unreadable {
    /// `value` is not what `expected` describes.
    pub fn new(value: &Value, expected: impl Into<String>) -> Self {
        let text = value.to_string();
        let found = if text.chars().count() > SHOWN_VALUE_CHARS {
            let cut: String = text.chars().take(SHOWN_VALUE_CHARS).collect();
            format!("{cut}…")
        } else {
            text
        };
        Self {
            path: String::new(),
            found: format!("`{found}`"),
            expected: expected.into(),
        }
    }

    /// A required field that is not there.
    pub fn missing(key: &str, expected: impl Into<String>) -> Self {
        Self {
            path: key.to_owned(),
            found: "missing".into(),
            expected: expected.into(),
        }
    }

    /// The same failure seen from the object holding it under `key`.
    pub fn under(mut self, key: &str) -> Self {
        self.path = join(key, &self.path);
        self
    }

    /// The same failure seen from the list holding it at `index`.
    pub fn at(self, index: usize) -> Self {
        self.under(&format!("[{index}]"))
    }
}

fn join(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty()) {
        (true, _) => inner.to_owned(),
        (_, true) => outer.to_owned(),
        _ if inner.starts_with('[') => format!("{outer}{inner}"),
        _ => format!("{outer}.{inner}"),
    }
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "the value is {}, expected {}", self.found, self.expected)
        } else {
            write!(
                f,
                "field `{}` is {}, expected {}",
                self.path, self.found, self.expected
            )
        }
    }
}

impl std::error::Error for Unreadable {}

/// Put the path of the answer at which serde met `message` in front of the path inside it, so a
/// failure reads ``field `[3].assignee.id` is …`` whether it was found by our readers or by
/// serde's own (a list of records is read by serde, each record by [`Loose`]).
pub fn with_outer_path(outer: &str, message: &str) -> String {
    const FIELD: &str = "field `";
    if let Some(rest) = message.strip_prefix(FIELD) {
        return format!("{FIELD}{}", join(outer, rest));
    }
    if let Some(rest) = message.strip_prefix("the value is ") {
        return format!("{FIELD}{outer}` is {rest}");
    }
    if outer.is_empty() || outer == "." {
        message.to_owned()
    } else {
        format!("{FIELD}{outer}`: {message}")
    }
}

/// A type read from a loose JSON value.
pub trait Loose: Sized {
    /// Read `value`, or say which part of it could not be understood.
    fn from_wire(value: Value) -> Result<Self, Unreadable>;
}

const FLAG: &str = "a flag (true/false, 1/0, \"1\"/\"0\")";

/// A flag: `true`/`false`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"false"` (any case).
pub fn flag(value: &Value) -> Result<bool, Unreadable> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(Unreadable::new(value, FLAG)),
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" => Ok(true),
            "0" | "false" => Ok(false),
            _ => Err(Unreadable::new(value, FLAG)),
        },
        _ => Err(Unreadable::new(value, FLAG)),
    }
}

/// A phone of an answer as the text the tool sends (`+15996915805`, `+912240001234 x12`).
/// Live Nutshell renders each phone as `{countryCode, number, extension, numberFormatted,
/// E164}` (karlwnw/pynutshell's recorded `getContact` answer), where `number` lacks the country
/// code: the `E164` is taken, with ` x` and the extension when there is one; without an `E164`,
/// `+`, the `countryCode` and the `number`, or the `number` alone when there is no code either (a
/// number sent without `+`). Parts may be strings or numbers. A phone sent as a string comes
/// back as itself. `None` for anything else.
pub fn phone_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => {
            // PHP may send a part as a number (`"extension": 12`): read either.
            let text = |k: &str| {
                let part = match o.get(k)? {
                    Value::String(s) => s.trim().to_string(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                (!part.is_empty()).then_some(part)
            };
            let main = text("E164").or_else(|| {
                let number = text("number")?;
                Some(match text("countryCode") {
                    Some(code) => format!("+{code}{number}"),
                    None => number,
                })
            })?;
            Some(match text("extension") {
                Some(ext) => format!("{main} x{ext}"),
                None => main,
            })
        }
        _ => None,
    }
}

/// How two phones compare: by their digits, the extension's included (`+912240001234 x12` and
/// `+91 22 4000 1234 ext. 12` are one phone; two desks at one number stay two).
pub fn phone_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// A whole number: a JSON integer, a float with no fraction, or a string holding one.
pub fn integer(value: &Value) -> Result<i64, Unreadable> {
    const EXPECTED: &str = "a whole number (or a string holding one)";
    let from_float = |x: f64| (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64);
    let n = match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(from_float)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(from_float))
        }
        _ => None,
    };
    n.ok_or_else(|| Unreadable::new(value, EXPECTED))
}

/// A number: a JSON number or a string holding one (an amount such as `"1500.50"`).
pub fn number(value: &Value) -> Result<f64, Unreadable> {
    let n = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|x| x.is_finite()),
        _ => None,
    };
    n.ok_or_else(|| Unreadable::new(value, "a number (or a string holding one)"))
}

impl Loose for bool {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        flag(&value)
    }
}

impl Loose for i64 {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        integer(&value)
    }
}

impl Loose for u8 {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        u8::try_from(integer(&value)?)
            .map_err(|_| Unreadable::new(&value, "a number from 0 to 255"))
    }
}

impl Loose for f64 {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        number(&value)
    }
}

impl Loose for String {
    /// Text; a number or a flag is kept as its JSON text (a name like `1001`).
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        match value {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(Unreadable::new(&other, "text")),
        }
    }
}

impl Loose for Value {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        Ok(value)
    }
}

impl Loose for Map<String, Value> {
    /// An object; `[]` and `null` are an empty one (PHP's empty array).
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        match value {
            Value::Object(m) => Ok(m),
            Value::Null => Ok(Map::new()),
            Value::Array(a) if a.is_empty() => Ok(Map::new()),
            other => Err(Unreadable::new(&other, "an object")),
        }
    }
}

impl<T: Loose> Loose for Vec<T> {
    /// A list; `{}` and `null` are an empty one, and an object keyed by index (PHP's array with
    /// gaps) is its values in order.
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        let items: Vec<Value> = match value {
            Value::Array(a) => a,
            Value::Null => Vec::new(),
            Value::Object(m) => m.into_iter().map(|(_, v)| v).collect(),
            other => return Err(Unreadable::new(&other, "a list")),
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| T::from_wire(v).map_err(|e| e.at(i)))
            .collect()
    }
}

/// The fields of one object of an answer, taken one by one; what is left is kept as `extra`.
#[derive(Debug, Default)]
pub struct Fields(Map<String, Value>);

impl Fields {
    /// The object `value` is; `[]` and `null` read as an empty object.
    pub fn of(value: Value, expected: &str) -> Result<Self, Unreadable> {
        match value {
            Value::Object(m) => Ok(Self(m)),
            Value::Null => Ok(Self::default()),
            Value::Array(a) if a.is_empty() => Ok(Self::default()),
            other => Err(Unreadable::new(&other, expected)),
        }
    }

    /// The field `key` when present and not `null`.
    pub fn optional<T: Loose>(&mut self, key: &str) -> Result<Option<T>, Unreadable> {
        match self.0.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::from_wire(v).map(Some).map_err(|e| e.under(key)),
        }
    }

    /// The field `key`, which must be there.
    pub fn required<T: Loose>(&mut self, key: &str, expected: &str) -> Result<T, Unreadable> {
        self.optional(key)?
            .ok_or_else(|| Unreadable::missing(key, expected))
    }

    /// The fields not taken.
    pub fn rest(self) -> Map<String, Value> {
        self.0
    }
}

/// `snake_case` → `camelCase`: the wire name of a Rust field.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Implement `Deserialize` through [`Loose`], so any serde caller reads the type loosely too.
macro_rules! deserialize_loosely {
    ($($ty:ty),* $(,)?) => {
        $(impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(d)?;
                <$ty as $crate::nutshell::loose::Loose>::from_wire(value)
                    .map_err(serde::de::Error::custom)
            }
        })*
    };
}
pub(crate) use deserialize_loosely;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nutshell::types::Timestamp;
    use serde_json::json;

    /// A phone of an answer reads as the text the tool sent, not the national `number`.
    #[test]
    fn phones_read_as_the_tool_sends_them() {
        let live = json!({"countryCode": "1", "number": "5996915805", "extension": null,
                          "numberFormatted": "599-691-5805", "E164": "+15996915805"});
        assert_eq!(phone_text(&live).as_deref(), Some("+15996915805"));
        let desk = json!({"countryCode": "91", "number": "2240001234", "extension": "12",
                          "E164": "+912240001234"});
        assert_eq!(phone_text(&desk).as_deref(), Some("+912240001234 x12"));
        let national = json!({"number": "02240001234", "E164": null, "extension": ""});
        assert_eq!(phone_text(&national).as_deref(), Some("02240001234"));
        let numeric = json!({"countryCode": 91, "number": "2240001234", "E164": null,
                             "extension": 12});
        assert_eq!(phone_text(&numeric).as_deref(), Some("+912240001234 x12"));
        assert_eq!(phone_text(&json!("+91 22")).as_deref(), Some("+91 22"));
        assert_eq!(phone_text(&json!({"label": "x"})), None);
        assert_eq!(phone_text(&json!(5)), None);
    }

    #[test]
    fn flags_read_in_every_live_spelling() {
        for (v, want) in [
            (json!(true), true),
            (json!(1), true),
            (json!("1"), true),
            (json!("true"), true),
            (json!("TRUE"), true),
            (json!(false), false),
            (json!(0), false),
            (json!("0"), false),
            (json!("false"), false),
        ] {
            assert_eq!(flag(&v), Ok(want), "{v}");
        }
        let e = flag(&json!("yes")).unwrap_err();
        assert_eq!(e.found, "`\"yes\"`");
        assert!(flag(&json!(2)).is_err());
    }

    #[test]
    fn numbers_read_from_numbers_or_numeric_strings() {
        assert_eq!(integer(&json!("42")), Ok(42));
        assert_eq!(integer(&json!(" 42 ")), Ok(42));
        assert_eq!(integer(&json!(42.0)), Ok(42));
        assert!(integer(&json!(42.5)).is_err());
        assert!(integer(&json!("4x")).is_err());
        assert_eq!(number(&json!("1500.50")), Ok(1500.5));
    }

    #[test]
    fn empty_lists_and_maps_arrive_in_any_php_shape() {
        for v in [json!([]), json!({}), json!(null)] {
            assert_eq!(Vec::<i64>::from_wire(v.clone()), Ok(vec![]));
            assert_eq!(Map::from_wire(v), Ok(Map::new()));
        }
        assert_eq!(
            Vec::<i64>::from_wire(json!({"0": 4, "2": "5"})),
            Ok(vec![4, 5])
        );
        assert!(Map::from_wire(json!([1])).is_err());
    }

    #[test]
    fn timestamps_read_with_any_offset_spelling() {
        let want = Timestamp::parse("2024-07-18T12:00:00+00:00").unwrap();
        for text in [
            "2024-07-18T12:00:00+0000",
            "2024-07-18T12:00:00Z",
            "2024-07-18T17:30:00+0530",
        ] {
            assert_eq!(Timestamp::from_wire(json!(text)).map(|t| t.0), Ok(want.0));
        }
        assert_eq!(
            Timestamp::from_wire(json!(1721304000)).map(|t| t.0),
            Ok(want.0)
        );
        assert!(Timestamp::from_wire(json!("2024-07-18T12:00:00")).is_err());
    }

    #[test]
    fn a_failure_names_its_path_and_value() {
        let e = Vec::<i64>::from_wire(json!([1, "x"]))
            .unwrap_err()
            .under("milestones");
        assert_eq!(
            e.to_string(),
            "field `milestones[1]` is `\"x\"`, expected a whole number (or a string holding one)"
        );
        assert_eq!(
            with_outer_path("[0]", &e.to_string()),
            "field `[0].milestones[1]` is `\"x\"`, expected a whole number (or a string holding one)"
        );
        let long = Unreadable::new(&json!("a".repeat(500)), "text");
        assert!(long.found.chars().count() < SHOWN_VALUE_CHARS + 5);
    }

    #[test]
    fn wire_names_are_camel_case() {
        assert_eq!(camel_case("activity_type_id"), "activityTypeId");
        assert_eq!(camel_case("name"), "name");
    }
}
