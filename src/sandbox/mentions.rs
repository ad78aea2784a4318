//! Nutshell parses note text for links (docs/nutshell-api.md, second pass [N]): `@[Contacts:12]` links
//! the note to that record, and so does a lead's number written as `Lead-1234`. The migration must
//! escape both (`\@[`, "Lead #1234") so imported text never links to an unrelated record; the
//! sandbox parses them as Nutshell does, so a test can see when it did not.

use serde_json::{Value, json};

use super::store::{RecordKind, Store};

/// The records `text` links to, in order of appearance, each once: `{entityType, id}`. A mention
/// of a record that does not exist, or one escaped as `\@[`, links nothing.
pub fn find(store: &Store, text: &str) -> Vec<Value> {
    let mut found: Vec<(RecordKind, u64)> = Vec::new();
    let mut push = |e: RecordKind, id: u64| {
        if !found.contains(&(e, id)) {
            found.push((e, id));
        }
    };
    let mut rest = text;
    while let Some(at) = rest.find("@[") {
        let escaped = rest[..at].ends_with('\\');
        let after = &rest[at + 2..];
        if let Some(end) = after.find(']')
            && !escaped
            && let Some((kind, id)) = after[..end].split_once(':')
            && let (Some(e), Ok(id)) =
                (RecordKind::from_entity_type(kind.trim()), id.trim().parse())
            && store.live(e, id).is_some()
        {
            push(e, id);
        }
        rest = after;
    }
    for number in lead_numbers(text) {
        let lead = store
            .all(RecordKind::Leads)
            .find(|r| r.u64_field("number") == Some(number));
        if let Some(lead) = lead {
            push(RecordKind::Leads, lead.id);
        }
    }
    found
        .into_iter()
        .map(|(e, id)| json!({"entityType": e.entity_type(), "id": id}))
        .collect()
}

/// Numbers written as `Lead-NNN` (any case), not inside a longer word.
fn lead_numbers(text: &str) -> Vec<u64> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("lead-") {
        let start = from + at;
        let before_ok = lower[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let digits: String = lower[start + 5..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if before_ok && let Ok(n) = digits.parse() {
            out.push(n);
        }
        from = start + 5;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    #[test]
    fn mentions_and_lead_numbers_link_unless_escaped() {
        let mut store = Store::new();
        let contact = store.insert(RecordKind::Contacts, Map::new()).id;
        let lead = store.insert(RecordKind::Leads, Map::new()).clone();
        let number = lead.u64_field("number").unwrap();
        let text =
            format!("Call @[Contacts:{contact}] about Lead-{number}; @[Contacts:999] is gone");
        assert_eq!(
            find(&store, &text),
            vec![
                json!({"entityType": "Contacts", "id": contact}),
                json!({"entityType": "Leads", "id": lead.id})
            ]
        );
        let escaped =
            format!("Call \\@[Contacts:{contact}] about Lead #{number} (MyLead-{number})");
        assert!(find(&store, &escaped).is_empty());
    }
}
