//! Shared by the mapping_* tests: the labelled targets of the bundled sample export's columns,
//! and scoring a proposed map against labels (right above the threshold, wrong above it).
#![allow(dead_code)]

use crm_migrate::mapping::model::{CONFIDENCE_THRESHOLD, FieldMap, LookupKey, RelatedPart, Target};
use crm_migrate::rsoft::Module;

/// Expected targets, written short: `field:Contacts.email`, `custom`, `note`, `tags`, `legacy`,
/// `ignore`, `lookup:Accounts:rsoft_id`, `related:id`. Custom fields and note lines compare by
/// kind, not name: the name follows the header and is the operator's to choose.
pub fn short(target: &Target) -> String {
    match target {
        Target::Field { field } => format!("field:{field}"),
        Target::Custom { .. } => "custom".into(),
        Target::Note { .. } => "note".into(),
        Target::Tags => "tags".into(),
        Target::LegacyId => "legacy".into(),
        Target::Ignore => "ignore".into(),
        Target::Unmapped => "unmapped".into(),
        Target::Lookup { entity, by } => {
            let by = match by {
                LookupKey::RsoftId => "rsoft_id",
                LookupKey::Name => "name",
                LookupKey::Email => "email",
                LookupKey::Owner => "owner",
            };
            format!("lookup:{}:{by}", entity.as_str())
        }
        Target::Related { part } => match part {
            RelatedPart::Module => "related:module".into(),
            RelatedPart::Id => "related:id".into(),
        },
    }
}

/// Module, header, the kind of sample values (for tests that make them up), expected target.
pub type Row = (Module, &'static str, &'static str, &'static str);

use Module::{
    Activities as ACT, Companies as CO, Contacts as CT, Deals as DL, Leads as LD,
    TicketMessages as MSG, Tickets as TK,
};

/// Every column of assets/sample-export, labelled.
pub const CANONICAL: &[Row] = &[
    (CO, "Company ID", "id", "legacy"),
    (CO, "Company Name", "company", "field:Accounts.name"),
    (CO, "Industry", "text", "field:Accounts.industry"),
    (CO, "Website", "url", "field:Accounts.url"),
    (CO, "Phone", "phone", "field:Accounts.phone"),
    (CO, "Email", "email", "field:Accounts.email"),
    (CO, "Address", "text", "field:Accounts.address.address_1"),
    (CO, "City", "text", "field:Accounts.address.city"),
    (CO, "State", "text", "field:Accounts.address.state"),
    (CO, "Country", "text", "field:Accounts.address.country"),
    (CO, "Pincode", "number", "field:Accounts.address.postalCode"),
    (CO, "Owner", "owner", "lookup:Users:owner"),
    (CO, "Tags", "tags", "tags"),
    (CO, "Created On", "datetime", "custom"),
    (CO, "Modified On", "datetime", "ignore"),
    (CO, "GST Number", "text", "custom"),
    (CO, "Annual Turnover", "money", "custom"),
    (CT, "Contact ID", "id", "legacy"),
    (CT, "First Name", "name", "field:Contacts.givenName"),
    (CT, "Last Name", "name", "field:Contacts.familyName"),
    (CT, "Email", "email", "field:Contacts.email"),
    (CT, "Mobile No.", "phone", "field:Contacts.phone"),
    (CT, "Phone", "phone", "field:Contacts.phone"),
    (CT, "Designation", "text", "field:Contacts.jobTitle"),
    (CT, "Company ID", "id", "lookup:Accounts:rsoft_id"),
    (CT, "Company Name", "company", "lookup:Accounts:name"),
    (CT, "Lifecycle Stage", "text", "custom"),
    (CT, "Contact Owner", "owner", "lookup:Users:owner"),
    (CT, "Tags", "tags", "tags"),
    (CT, "City", "text", "field:Contacts.address.city"),
    (CT, "State", "text", "field:Contacts.address.state"),
    (CT, "Country", "text", "field:Contacts.address.country"),
    (CT, "Created On", "datetime", "custom"),
    (CT, "Modified On", "datetime", "ignore"),
    (CT, "GST Number", "text", "custom"),
    (CT, "PAN", "text", "custom"),
    (CT, "Region", "text", "custom"),
    (CT, "Customer Type", "text", "custom"),
    (CT, "Referral Code", "text", "custom"),
    (CT, "Preferred Language", "text", "custom"),
    (LD, "Lead ID", "id", "legacy"),
    (LD, "Lead Name", "name", "field:Contacts.name"),
    (LD, "Email", "email", "field:Contacts.email"),
    (LD, "Mobile", "phone", "field:Contacts.phone"),
    (LD, "Company Name", "company", "lookup:Accounts:name"),
    (LD, "Source", "text", "field:Leads.sources"),
    (LD, "Status", "text", "field:Leads.status"),
    (LD, "Lead Score", "number", "custom"),
    (LD, "Lead Owner", "owner", "lookup:Users:owner"),
    (LD, "Tags", "tags", "tags"),
    (LD, "Converted On", "date", "note"),
    (LD, "Converted Contact ID", "id", "lookup:Contacts:rsoft_id"),
    (LD, "Converted Deal ID", "id", "note"),
    (LD, "Created On", "datetime", "custom"),
    (LD, "Modified On", "datetime", "ignore"),
    (DL, "Deal ID", "id", "legacy"),
    (DL, "Deal Name", "text", "field:Leads.description"),
    (DL, "Company ID", "id", "lookup:Accounts:rsoft_id"),
    (DL, "Contact ID", "id", "lookup:Contacts:rsoft_id"),
    (DL, "Pipeline", "text", "field:Leads.stageset"),
    (DL, "Stage", "text", "field:Leads.milestone"),
    (DL, "Amount", "money", "field:Leads.value"),
    (DL, "Currency", "text", "field:Leads.value.currency"),
    (DL, "Probability", "percent", "field:Leads.confidence"),
    (DL, "Expected Close Date", "date", "field:Leads.dueTime"),
    (DL, "Status", "text", "field:Leads.status"),
    (DL, "Deal Owner", "owner", "lookup:Users:owner"),
    (DL, "Tags", "tags", "tags"),
    (DL, "Created On", "datetime", "custom"),
    (DL, "Modified On", "datetime", "ignore"),
    (DL, "Region", "text", "custom"),
    (ACT, "Activity ID", "id", "legacy"),
    (
        ACT,
        "Activity Type",
        "text",
        "field:Activities.activityType",
    ),
    (ACT, "Subject", "text", "field:Activities.name"),
    (ACT, "Description", "text", "field:Activities.description"),
    (ACT, "Related To", "text", "related:module"),
    (ACT, "Related ID", "id", "related:id"),
    (ACT, "Start Time", "datetime", "field:Activities.startTime"),
    (ACT, "End Time", "datetime", "field:Activities.endTime"),
    (ACT, "Status", "text", "field:Activities.status"),
    (ACT, "Owner", "owner", "lookup:Users:owner"),
    (ACT, "Created On", "datetime", "note"),
    (TK, "Ticket ID", "id", "legacy"),
    (TK, "Subject", "text", "field:Tasks.title"),
    (TK, "Description", "text", "field:Tasks.description"),
    (TK, "Status", "text", "field:Tasks.status"),
    (TK, "Priority", "text", "field:Tasks.priority"),
    (TK, "Channel", "text", "note"),
    (TK, "Contact ID", "id", "lookup:Contacts:rsoft_id"),
    (TK, "Company ID", "id", "lookup:Accounts:rsoft_id"),
    (TK, "Assigned To", "owner", "lookup:Users:owner"),
    (TK, "Created On", "datetime", "note"),
    (TK, "Modified On", "datetime", "ignore"),
    (TK, "Closed On", "datetime", "note"),
    (MSG, "Message ID", "id", "legacy"),
    (MSG, "Ticket ID", "id", "lookup:Tasks:rsoft_id"),
    (MSG, "From", "owner", "note"),
    (MSG, "Sent On", "datetime", "note"),
    (MSG, "Body", "text", "field:Notes.body"),
    (MSG, "Channel", "text", "note"),
];

pub struct Score {
    pub right: usize,
    pub total: usize,
    pub wrong_above: Vec<String>,
    pub missed: Vec<String>,
}

/// Score `map` against `(module, header, want)` labels.
pub fn score<'a>(
    map: &FieldMap,
    labels: impl IntoIterator<Item = (Module, &'a str, &'a str)>,
) -> Score {
    let mut s = Score {
        right: 0,
        total: 0,
        wrong_above: Vec::new(),
        missed: Vec::new(),
    };
    for (module, header, want) in labels {
        s.total += 1;
        let Some(entry) = map.modules.get(&module).and_then(|m| m.column(header)) else {
            s.missed
                .push(format!("{}: {header:?} has no entry", module.as_str()));
            continue;
        };
        let got = short(&entry.target);
        let above = entry.confidence >= CONFIDENCE_THRESHOLD;
        let line = format!(
            "{}: {header:?} → {got} ({:.2}), want {want}: {}",
            module.as_str(),
            entry.confidence,
            entry.reason
        );
        if got == want && above {
            s.right += 1;
        } else if above {
            s.wrong_above.push(line);
        } else {
            s.missed.push(line);
        }
    }
    s
}

/// Print the figure, then require every column right above the threshold (README: 100/100) and
/// nothing wrong above it.
pub fn check(label: &str, s: &Score) {
    let pct = 100.0 * s.right as f64 / s.total.max(1) as f64;
    eprintln!(
        "{label}: {}/{} columns ({pct:.1}%) get the right target above the threshold {CONFIDENCE_THRESHOLD}; {} wrong above it",
        s.right,
        s.total,
        s.wrong_above.len()
    );
    for line in s.missed.iter().chain(&s.wrong_above) {
        eprintln!("  {line}");
    }
    assert!(
        s.wrong_above.is_empty(),
        "wrong targets above the threshold: {:#?}",
        s.wrong_above
    );
    assert!(s.total > 0, "{label}: nothing was scored");
    assert_eq!(
        (s.right, s.total),
        (s.total, s.total),
        "{label}: only {pct:.1}% right; missed: {:#?}",
        s.missed
    );
}
