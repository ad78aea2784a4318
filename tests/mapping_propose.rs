//! Proposal accuracy on labelled exports: the canonical RSoft headers of the bundled sample, and
//! a second export with other spellings (synonyms, case, punctuation, abbreviations). Done when
//! ≥ 95% of columns get the right target above the threshold and no wrong target is above it.

use crm_migrate::mapping::model::{CONFIDENCE_THRESHOLD, LookupKey, RelatedPart, Target};
use crm_migrate::mapping::propose::{SourceColumn, propose};
use crm_migrate::mapping::schema::DestinationSchema;
use crm_migrate::rsoft::Module;

/// Expected targets, written short: `field:Contacts.email`, `custom`, `note`, `tags`, `legacy`,
/// `ignore`, `lookup:Accounts:rsoft_id`, `related:id`. Custom fields and note lines compare by
/// kind, not name: the name follows the header and is the operator's to choose.
fn short(target: &Target) -> String {
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
            format!("lookup:{}:{by}", entity.name())
        }
        Target::Related { part } => match part {
            RelatedPart::Module => "related:module".into(),
            RelatedPart::Id => "related:id".into(),
        },
    }
}

/// Sample values by kind, as an RSoft export writes them.
fn samples(kind: &str) -> Vec<String> {
    let v: &[&str] = match kind {
        "id" => &["C-1001", "C-1002", "C-1003"],
        "name" => &["Ravi Kumar", "Priya Sharma", "Anil Mehta"],
        "company" => &[
            "Acme Traders Pvt Ltd",
            "Shree Ganesh Industries",
            "Bluewave Tech",
        ],
        "email" => &[
            "ravi@acme.in",
            "priya.sharma@bluewave.co.in",
            "anil@ganesh.com",
        ],
        "phone" => &["9876543210", "+91 98765 43210", "022-2345 6789"],
        "date" => &["25-04-2026", "03-01-2026", "14-02-2025"],
        "datetime" => &[
            "25/04/2026 03:15 PM",
            "03/01/2026 10:00 AM",
            "14/02/2025 18:30",
        ],
        "money" => &["₹ 1,25,000.00", "50,000", "2,10,000.50"],
        "number" => &["45", "80", "12"],
        "percent" => &["60", "75%", "10"],
        "url" => &["https://acme.in", "www.bluewave.co.in", "http://ganesh.com"],
        "owner" => &["ravi@acme.in", "Priya Sharma <priya@acme.in>", "Anil Mehta"],
        "tags" => &["VIP, Mumbai", "Distributor;Key Account", "VIP"],
        "empty" => &[],
        _ => &["North", "Retail", "Hindi"],
    };
    v.iter().map(|s| s.to_string()).collect()
}

type Row = (Module, &'static str, &'static str, &'static str);

use Module::{
    Activities as ACT, Companies as CO, Contacts as CT, Deals as DL, Leads as LD,
    TicketMessages as MSG, Tickets as TK,
};

const CANONICAL: &[Row] = &[
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
    (LD, "Lead Name", "name", "field:Leads.description"),
    (LD, "Email", "email", "field:Contacts.email"),
    (LD, "Mobile", "phone", "field:Contacts.phone"),
    (LD, "Company Name", "company", "lookup:Accounts:name"),
    (LD, "Source", "text", "field:Leads.sources"),
    (LD, "Status", "text", "field:Leads.status"),
    (LD, "Lead Score", "number", "custom"),
    (LD, "Lead Owner", "owner", "lookup:Users:owner"),
    (LD, "Tags", "tags", "tags"),
    (LD, "Converted On", "date", "note"),
    (LD, "Converted Contact ID", "id", "note"),
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

/// The same export as another RSoft version, plan or person might write it.
const VARIANTS: &[Row] = &[
    (CO, "Org ID", "id", "legacy"),
    (CO, "Cust. Name", "company", "field:Accounts.name"),
    (CO, "SECTOR", "text", "field:Accounts.industry"),
    (CO, "Web Site", "url", "field:Accounts.url"),
    (CO, "Tel. No.", "phone", "field:Accounts.phone"),
    (CO, "E-mail ID", "email", "field:Accounts.email"),
    (
        CO,
        "Addr Line 1",
        "text",
        "field:Accounts.address.address_1",
    ),
    (CO, "town", "text", "field:Accounts.address.city"),
    (CO, "State/UT", "text", "field:Accounts.address.state"),
    (CO, "Nation", "text", "field:Accounts.address.country"),
    (CO, "PIN", "number", "field:Accounts.address.postalCode"),
    (CO, "Account Manager", "owner", "lookup:Users:owner"),
    (CO, "Labels", "tags", "tags"),
    (CO, "Created Date", "datetime", "custom"),
    (CO, "Last Updated", "datetime", "ignore"),
    (CO, "GSTIN", "text", "custom"),
    (CO, "Turnover (INR)", "money", "custom"),
    (CT, "contact_id", "id", "legacy"),
    (CT, "FName", "name", "field:Contacts.givenName"),
    (CT, "Surname", "name", "field:Contacts.familyName"),
    (CT, "E-mail", "email", "field:Contacts.email"),
    (CT, "Mob", "phone", "field:Contacts.phone"),
    (CT, "Landline", "phone", "field:Contacts.phone"),
    (CT, "Job Title", "text", "field:Contacts.jobTitle"),
    (CT, "Org ID", "id", "lookup:Accounts:rsoft_id"),
    (CT, "Org", "company", "lookup:Accounts:name"),
    (CT, "Life Cycle Stage", "text", "custom"),
    (CT, "Assigned To", "owner", "lookup:Users:owner"),
    (CT, "Tag", "tags", "tags"),
    (CT, "Town", "text", "field:Contacts.address.city"),
    (CT, "Province", "text", "field:Contacts.address.state"),
    (CT, "COUNTRY", "text", "field:Contacts.address.country"),
    (CT, "DOB", "date", "custom"),
    (CT, "Date Created", "datetime", "custom"),
    (CT, "Updated On", "datetime", "ignore"),
    (CT, "PAN No.", "text", "custom"),
    (CT, "Cust. Type", "text", "custom"),
    (CT, "Primary Contact", "email", "field:Contacts.email"),
    (LD, "Enquiry ID", "id", "legacy"),
    (LD, "Full Name", "name", "field:Leads.description"),
    (LD, "Email Address", "email", "field:Contacts.email"),
    (LD, "Mobile Number", "phone", "field:Contacts.phone"),
    (LD, "Organisation", "company", "lookup:Accounts:name"),
    (LD, "Lead Source", "text", "field:Leads.sources"),
    (LD, "Lead Status", "text", "field:Leads.status"),
    (LD, "Rating", "number", "custom"),
    (LD, "Assigned To", "owner", "lookup:Users:owner"),
    (LD, "Labels", "tags", "tags"),
    (LD, "Conversion Date", "date", "note"),
    (LD, "Converted Contact", "id", "note"),
    (LD, "Converted Deal", "id", "note"),
    (LD, "Created At", "datetime", "custom"),
    (LD, "Modified At", "datetime", "ignore"),
    (DL, "Opportunity ID", "id", "legacy"),
    (DL, "Opportunity Name", "text", "field:Leads.description"),
    (DL, "Account ID", "id", "lookup:Accounts:rsoft_id"),
    (DL, "Contact Person ID", "id", "lookup:Contacts:rsoft_id"),
    (DL, "Sales Pipeline", "text", "field:Leads.stageset"),
    (DL, "Deal Stage", "text", "field:Leads.milestone"),
    (DL, "Amt", "money", "field:Leads.value"),
    (DL, "Currency Code", "text", "field:Leads.value.currency"),
    (
        DL,
        "Win Probability (%)",
        "percent",
        "field:Leads.confidence",
    ),
    (DL, "Exp. Close Dt", "date", "field:Leads.dueTime"),
    (DL, "Deal Status", "text", "field:Leads.status"),
    (DL, "Owner", "owner", "lookup:Users:owner"),
    (DL, "TAGS", "tags", "tags"),
    (DL, "Created Date", "datetime", "custom"),
    (DL, "Modified Date", "datetime", "ignore"),
    (ACT, "Activity No.", "id", "legacy"),
    (ACT, "Type", "text", "field:Activities.activityType"),
    (ACT, "Title", "text", "field:Activities.name"),
    (ACT, "Notes", "text", "field:Activities.description"),
    (ACT, "Regarding", "text", "related:module"),
    (ACT, "Regarding ID", "id", "related:id"),
    (
        ACT,
        "Start Date Time",
        "datetime",
        "field:Activities.startTime",
    ),
    (ACT, "End Date/Time", "datetime", "field:Activities.endTime"),
    (ACT, "Activity Status", "text", "field:Activities.status"),
    (ACT, "Assigned To", "owner", "lookup:Users:owner"),
    (ACT, "Date Created", "datetime", "note"),
    (TK, "Case ID", "id", "legacy"),
    (TK, "Issue Title", "text", "field:Tasks.title"),
    (TK, "Issue Description", "text", "field:Tasks.description"),
    (TK, "Ticket Status", "text", "field:Tasks.status"),
    (TK, "Severity", "text", "field:Tasks.priority"),
    (TK, "Source", "text", "note"),
    (TK, "Requester ID", "id", "lookup:Contacts:rsoft_id"),
    (TK, "Account ID", "id", "lookup:Accounts:rsoft_id"),
    (TK, "Agent", "owner", "lookup:Users:owner"),
    (TK, "Created Date", "datetime", "note"),
    (TK, "Last Modified", "datetime", "ignore"),
    (TK, "Resolved On", "datetime", "note"),
    (MSG, "Msg ID", "id", "legacy"),
    (MSG, "Ticket No.", "id", "lookup:Tasks:rsoft_id"),
    (MSG, "Sender", "owner", "note"),
    (MSG, "Sent At", "datetime", "note"),
    (MSG, "Message", "text", "field:Notes.body"),
    (MSG, "Via", "text", "note"),
];

struct Score {
    right: usize,
    total: usize,
    wrong_above: Vec<String>,
    missed: Vec<String>,
}

fn score(rows: &[Row]) -> Score {
    let columns: Vec<SourceColumn> = rows
        .iter()
        .map(|(module, header, kind, _)| SourceColumn {
            module: *module,
            header: header.to_string(),
            inferred: None,
            samples: samples(kind),
            fill_rate: if *kind == "empty" { 0.0 } else { 1.0 },
        })
        .collect();
    let map = propose(&columns, &DestinationSchema::offline(), "RSoft ID");
    let mut s = Score {
        right: 0,
        total: rows.len(),
        wrong_above: Vec::new(),
        missed: Vec::new(),
    };
    for (module, header, _, want) in rows {
        let entry = map.modules[module].column(header).unwrap();
        let got = short(&entry.target);
        let above = entry.confidence >= CONFIDENCE_THRESHOLD;
        let line = format!(
            "{}: {header:?} → {got} ({:.2}), want {want}: {}",
            module.as_str(),
            entry.confidence,
            entry.reason
        );
        if got == *want && above {
            s.right += 1;
        } else if above {
            s.wrong_above.push(line);
        } else {
            s.missed.push(line);
        }
    }
    s
}

fn check(label: &str, rows: &[Row]) {
    let s = score(rows);
    let pct = 100.0 * s.right as f64 / s.total as f64;
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
    assert!(pct >= 95.0, "{label}: only {pct:.1}% right");
}

#[test]
fn canonical_headers_map_right() {
    check("canonical export", CANONICAL);
}

#[test]
fn other_spellings_map_right() {
    check("variant export", VARIANTS);
}
