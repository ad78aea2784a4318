//! Value-map proposals: each distinct source value to a fixed Nutshell value or an activity type.

use crate::mapping::catalogue::ValueMapKind;
use crate::mapping::model::{AS_NOTE, Status, ValueEntry};
use crate::mapping::schema::DestinationSchema;
use crate::vocabulary::normalize_header;

/// Proposals for a value map from the distinct source values seen.
pub fn propose_values(
    kind: ValueMapKind,
    values: &[&str],
    schema: &DestinationSchema,
) -> Vec<ValueEntry> {
    values
        .iter()
        .map(|value| {
            let (to, confidence, reason) = match kind {
                ValueMapKind::LifecycleStage => (
                    value.to_string(),
                    0.9,
                    "kept as the Lifecycle Stage custom field's value".to_string(),
                ),
                ValueMapKind::ActivityType => activity_type(value, &schema.activity_types),
                fixed => fixed_value(fixed, value),
            };
            ValueEntry {
                from: value.to_string(),
                to,
                stageset: None,
                confidence,
                reason,
                status: Status::Proposed,
            }
        })
        .collect()
}

/// Source words for each fixed Nutshell value.
fn fixed_synonyms(kind: ValueMapKind) -> &'static [(&'static str, &'static [&'static str])] {
    match kind {
        ValueMapKind::LeadStatus => &[
            (
                "open",
                &[
                    "open",
                    "new",
                    "in progress",
                    "working",
                    "contacted",
                    "qualified",
                    "active",
                    "follow up",
                    "pending",
                    "negotiation",
                    "nurturing",
                    "attempted to contact",
                ],
            ),
            (
                "won",
                &[
                    "won",
                    "closed won",
                    "converted",
                    "success",
                    "successful",
                    "deal won",
                    "win",
                ],
            ),
            (
                "lost",
                &[
                    "lost",
                    "closed lost",
                    "junk",
                    "disqualified",
                    "unqualified",
                    "dead",
                    "rejected",
                    "not interested",
                    "deal lost",
                ],
            ),
            (
                "cancelled",
                &[
                    "cancelled",
                    "canceled",
                    "dropped",
                    "abandoned",
                    "withdrawn",
                    "void",
                ],
            ),
        ],
        ValueMapKind::ActivityStatus => &[
            (
                "scheduled",
                &[
                    "scheduled",
                    "planned",
                    "open",
                    "pending",
                    "upcoming",
                    "not started",
                    "due",
                ],
            ),
            (
                "logged",
                &[
                    "completed",
                    "done",
                    "logged",
                    "held",
                    "closed",
                    "finished",
                    "complete",
                ],
            ),
            ("cancelled", &["cancelled", "canceled", "no show", "missed"]),
        ],
        ValueMapKind::TicketStatus => &[
            (
                "open",
                &[
                    "open",
                    "new",
                    "in progress",
                    "pending",
                    "on hold",
                    "reopened",
                    "waiting",
                    "assigned",
                    "escalated",
                ],
            ),
            (
                "completed",
                &["closed", "resolved", "completed", "done", "solved"],
            ),
        ],
        ValueMapKind::TicketPriority => &[
            ("low", &["low", "minor", "p4", "lowest"]),
            ("normal", &["normal", "medium", "moderate", "p3", "p2"]),
            (
                "high",
                &[
                    "high", "urgent", "critical", "p1", "major", "highest", "blocker",
                ],
            ),
        ],
        ValueMapKind::Stage | ValueMapKind::ActivityType | ValueMapKind::LifecycleStage => &[],
    }
}

fn fixed_value(kind: ValueMapKind, value: &str) -> (String, f64, String) {
    let folded = normalize_header(value);
    for (to, words) in fixed_synonyms(kind) {
        if words.iter().any(|w| normalize_header(w) == folded) {
            return (to.to_string(), 0.9, format!("{value:?} means {to}"));
        }
    }
    let allowed = kind.fixed_values().unwrap_or_default().join(", ");
    (
        String::new(),
        0.0,
        format!("no match for {value:?}; set `to` to one of {allowed}"),
    )
}

fn activity_type(value: &str, types: &[String]) -> (String, f64, String) {
    let folded = normalize_header(value);
    if let Some(t) = types.iter().find(|t| normalize_header(t) == folded) {
        return (
            t.clone(),
            0.95,
            format!("Nutshell has the activity type {t:?}"),
        );
    }
    if ["note", "notes", "comment", "remark"].contains(&folded.as_str()) {
        return (
            AS_NOTE.to_string(),
            0.9,
            format!(
                "{value:?} activities carry no call, email or meeting: they become Nutshell notes on the record they belong to (`to = {AS_NOTE:?}`)"
            ),
        );
    }
    let find = |words: &[&str]| {
        types
            .iter()
            .find(|t| words.iter().any(|w| normalize_header(t).contains(w)))
            .cloned()
    };
    let calls = ["call", "phone"];
    let groups: [(&[&str], &[&str]); 3] = [
        (
            &["call", "phone", "ivr", "outbound", "inbound", "voice"],
            &calls,
        ),
        (&["email", "mail"], &["email"]),
        (
            &[
                "meeting",
                "visit",
                "demo",
                "appointment",
                "site visit",
                "presentation",
            ],
            &["meeting"],
        ),
    ];
    for (source, dest) in groups {
        if source.iter().any(|w| folded.contains(w)) {
            if let Some(t) = find(dest) {
                return (t.clone(), 0.85, format!("{value:?} is a kind of {t}"));
            }
        }
    }
    if ["sms", "whatsapp", "text message", "chat"]
        .iter()
        .any(|w| folded.contains(w))
    {
        if let Some(t) = find(&calls) {
            return (
                t.clone(),
                0.7,
                format!(
                    "fallback: this Nutshell account has no {value} activity type, so it is logged as {t:?} with {value:?} at the start of its description; create a {value} type in Nutshell to keep it apart"
                ),
            );
        }
    }
    (
        String::new(),
        0.0,
        format!(
            "no activity type matches {value:?}; set `to` to one of: {}",
            types.join(", ")
        ),
    )
}
