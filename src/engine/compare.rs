//! How a value the builder made compares with what Nutshell answers: verify's spot-check and
//! the load's carry of a merged row (what the record lacks, which fields differ) read records
//! the same way, so a value counted as present by one is present for the other.

use serde_json::Value;

use crate::nutshell::{EntityType, Timestamp, loose, methods};

/// Where a sent key shows in a response: `stagesetId` comes back as `stageset.id`, …
fn found_at<'a>(entity_type: EntityType, key: &str, found: &'a Value) -> Option<&'a Value> {
    let nested = |k: &str| found.get(k).and_then(|v| v.get("id").or(Some(v)));
    match key {
        "stagesetId" => found.get(key).or_else(|| nested("stageset")),
        "milestoneId" => found.get(key).or_else(|| nested("milestone")),
        "activityTypeId" => found.get(key).or_else(|| nested("activityType")),
        "name" if entity_type == EntityType::Contacts => match found.get("name") {
            Some(Value::Object(o)) => o.get("displayName"),
            other => other,
        },
        _ => found.get(key),
    }
}

/// Field-by-field differences between what was built (`expected`, the create's body) and the
/// record Nutshell returns: (field, expected, found).
pub fn differences(
    entity_type: EntityType,
    expected: &Value,
    found: &Value,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let Some(expected) = expected.as_object() else {
        return out;
    };
    for (key, want) in expected {
        if entity_type == EntityType::Notes && key == methods::NOTE_ENTITY {
            continue;
        }
        if key == "customFields"
            && let Some(fields) = want.as_object()
        {
            for (name, v) in fields {
                let got = found.get("customFields").and_then(|c| c.get(name));
                if !got.is_some_and(|g| matches(v, g)) {
                    out.push((format!("customFields.{name}"), show(Some(v)), show(got)));
                }
            }
            continue;
        }
        let got = found_at(entity_type, key, found);
        let same = match (key.as_str(), got) {
            // Nutshell shows a scheduled activity whose end has passed as overdue (-1).
            ("status", Some(g)) if entity_type == EntityType::Activities => {
                matches(want, g) || (want == &Value::from(0) && g == &Value::from(-1))
            }
            // Tags are one per name whatever the case (the load makes `hot` and `HOT` one tag,
            // as Nutshell keeps them): the record shows the first spelling made.
            ("tags", Some(g)) => matches(&lowercase(want), &lowercase(g)),
            (_, Some(g)) => matches(want, g),
            (_, None) => false,
        };
        if !same {
            out.push((key.clone(), show(Some(want)), show(got)));
        }
    }
    out
}

/// `v` with every text in it in lower case (for tags, compared case-insensitively).
fn lowercase(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(s.to_lowercase()),
        Value::Array(a) => Value::Array(a.iter().map(lowercase).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), lowercase(v))).collect())
        }
        other => other.clone(),
    }
}

/// A value as a finding or an outcome shows it: text quoted, `(nothing)` for none, a reference
/// (an object with an `id`) as `Users 7`, with its name when the answer gives one (`Users 7
/// "Ravi Kumar"`; compared by id, so a user's whole record is not shown), a phone object as its
/// text (`"+912240001234 x12"`), a labelled answer (`{"--primary": …, "1": …}`) as the list of
/// its values, JSON else.
pub fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "(nothing)".into(),
        Some(Value::String(s)) => format!("{s:?}"),
        Some(Value::Object(o)) if o.contains_key("id") => {
            let mut text = match o.get("entityType").and_then(Value::as_str) {
                Some(t) => format!("{t} {}", o["id"]),
                None => format!("id {}", o["id"]),
            };
            if let Some(name) = o.get("name").and_then(Value::as_str) {
                text.push_str(&format!(" {name:?}"));
            }
            text
        }
        // A phone as Nutshell renders it: the text the tool sent, not its five parts.
        Some(p @ Value::Object(o)) if o.contains_key("E164") || o.contains_key("number") => {
            loose::phone_text(p).map_or_else(|| p.to_string(), |t| format!("{t:?}"))
        }
        // A labelled multi-value answer (`{"--primary": …, "1": …}`): its values, each shown.
        Some(Value::Object(o)) if o.contains_key("--primary") => {
            let items: Vec<String> = o
                .iter()
                .filter(|(k, _)| !k.starts_with("--"))
                .map(|(_, v)| show(Some(v)))
                .collect();
            format!("[{}]", items.join(", "))
        }
        Some(v) => v.to_string(),
    }
}

/// Does Nutshell's `found` hold what was sent as `want`? References compare by id, lists must
/// contain every sent item (a value a person added is not a difference; a `{label: value}` map
/// counts as its values), objects compare on the sent keys, a phone by its digits with the one
/// Nutshell renders ([`loose::phone_text`]), times as instants, numbers as numbers, emails
/// case-insensitively.
pub fn matches(want: &Value, found: &Value) -> bool {
    match (want, found) {
        (Value::Object(w), _) if w.contains_key("id") => {
            let id = found.get("id").unwrap_or(found);
            scalar_eq(&w["id"], id)
        }
        (Value::Array(w), _) => {
            let items: Vec<&Value> = match found {
                Value::Array(a) => a.iter().collect(),
                Value::Object(o) => o
                    .iter()
                    .filter(|(k, _)| !k.starts_with("--"))
                    .map(|(_, v)| v)
                    .collect(),
                other => vec![other],
            };
            w.iter().all(|x| items.iter().any(|f| matches(x, f)))
        }
        (Value::Object(w), Value::Object(f)) => w
            .iter()
            .all(|(k, v)| f.get(k).is_some_and(|g| matches(v, g)) || v.is_null()),
        // A phone sent as text comes back as `{countryCode, number, extension, E164, …}`.
        (Value::String(w), Value::Object(f))
            if f.contains_key("E164") || f.contains_key("number") =>
        {
            loose::phone_text(found)
                .is_some_and(|t| loose::phone_digits(&t) == loose::phone_digits(w))
        }
        (w, f) => scalar_eq(w, f),
    }
}

fn scalar_eq(want: &Value, found: &Value) -> bool {
    if want == found {
        return true;
    }
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    if let (Some(a), Some(b)) = (number(want), number(found)) {
        return (a - b).abs() < 1e-9;
    }
    let (Some(w), Some(f)) = (want.as_str(), found.as_str()) else {
        return false;
    };
    if let (Some(a), Some(b)) = (Timestamp::parse(w), Timestamp::parse(f)) {
        return a.0 == b.0;
    }
    let (w, f) = (w.trim(), f.trim());
    w == f || (w.contains('@') && w.eq_ignore_ascii_case(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_lists_times_and_numbers_compare_by_meaning() {
        assert!(matches(
            &json!({"id": 5}),
            &json!({"id": 5, "name": "x", "rev": "2"})
        ));
        assert!(!matches(&json!({"id": 5}), &json!({"id": 6})));
        assert!(matches(
            &json!(["a@b.in"]),
            &json!({"--primary": "A@B.in", "0": "A@B.in", "1": "added@by.hand"})
        ));
        assert!(!matches(&json!(["a@b.in", "c@d.in"]), &json!(["a@b.in"])));
        assert!(matches(
            &json!("2026-01-13T14:13:00Z"),
            &json!("2026-01-13T14:13:00+0000")
        ));
        assert!(matches(
            &json!({"currency": "INR", "amount": "1374500.00"}),
            &json!({"currency": "INR", "amount": 1374500})
        ));
        assert!(!matches(&json!("Ravi Kumar"), &json!("Ravi Kumaar")));
        // Phones come back as objects (live Nutshell): the sent text matches its digits.
        let desk = json!({"--primary": {"countryCode": "91", "number": "2240001234",
                          "extension": "12", "E164": "+912240001234"},
                          "1": {"countryCode": "91", "number": "2240001234",
                          "extension": "12", "E164": "+912240001234"}});
        assert!(matches(&json!(["+912240001234 x12"]), &desk));
        assert!(!matches(&json!(["+912240001234"]), &desk));
        assert!(!matches(&json!(["+912240001235 x12"]), &desk));
        assert_eq!(show(Some(&desk)), r#"["+912240001234 x12"]"#);
        assert_eq!(
            show(Some(
                &json!({"--primary": "a@b.in", "1": "a@b.in", "2": "c@d.in"})
            )),
            r#"["a@b.in", "c@d.in"]"#
        );
    }

    /// The load makes `hot` and `HOT` one tag, shown as first made: not a difference; a tag
    /// missing is (trial 9 r31).
    #[test]
    fn tags_compare_whatever_their_case() {
        let found = json!({"tags": ["Hot", "VIP"]});
        let leads = EntityType::Leads;
        assert!(differences(leads, &json!({"tags": ["HOT"]}), &found).is_empty());
        let missing = differences(leads, &json!({"tags": ["hot", "Cold"]}), &found);
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert_eq!(missing[0].0, "tags");
    }

    #[test]
    fn a_changed_field_is_named_with_both_values() {
        let d = differences(
            EntityType::Contacts,
            &json!({"name": "Ravi Kumar", "customFields": {"RSoft ID": "CONT-1"}}),
            &json!({"name": {"displayName": "Ravi K"}, "customFields": {"RSoft ID": "CONT-1"}}),
        );
        assert_eq!(
            d,
            vec![("name".into(), "\"Ravi Kumar\"".into(), "\"Ravi K\"".into())]
        );
    }
}
