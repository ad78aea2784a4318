//! The gap inventory: each IVR recording, WhatsApp thread and attachment the export carries
//! outside its CSV files, the source record it belongs to, and — after the load — the Nutshell
//! record and its web link, so the customer can attach it there by hand.
//!
//! Discovery reads a phone number or an RSoft ID from each file's name ([`GapKey`]); here one
//! streaming pass over the record modules finds the rows that carry that ID, or that phone
//! number in a `Phone`/`Mobile` column (both sides normalised to E.164: the file's number in the
//! configured default country, so `918109359063` finds a contact whose mobile is `8109359063`;
//! a row's number in the row's own Country when it names one, as the load reads it).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::source::{NutshellRecord, ReportSource, SourceError};
use crate::config::EndpointSetting;
use crate::discovery::gaps::{Gap, GapKey};
use crate::mapping::transform::{country, parse_phone};
use crate::nutshell::EntityType;
use crate::rsoft::{Export, Module, ReadError};

/// Source records listed per gap; a phone on more rows than this is counted, not listed.
const LISTED_OWNERS: usize = 5;

/// Web-link shapes, from one place so they are easy to correct. Nutshell's developer docs
/// ("API IDs", developers.nutshell.com/docs/api-ids) show `https://app.nutshell.com/person/1-andy-fowler`
/// for person #1; that the name slug may be left out, and the `lead` and `company` paths, are
/// unconfirmed.
pub const WEB_LINK_NOTE: &str = "Web links: https://app.nutshell.com/person/<id> follows Nutshell's developer docs (which show /person/1-andy-fowler for person 1); /lead/<id> and /company/<id> are unconfirmed — open one to check before sending the list.";

/// One file outside the CSVs and where it belongs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapEntry {
    /// `IVR call recording`, `WhatsApp thread`, `attachment`.
    pub kind: String,
    /// The file's path inside the export.
    pub path: String,
    /// Bytes.
    pub size: u64,
    /// What the file's name says it belongs to: `phone 918109359063`, `record DEAL-4008`, or empty.
    pub key: String,
    /// The source rows that carry that phone or ID (at most 5 listed; `more_owners` counts the rest).
    pub belongs_to: Vec<GapOwner>,
    /// Source rows carrying it beyond the ones listed.
    pub more_owners: u64,
    /// Why nothing was found, when `belongs_to` is empty.
    pub unmatched: Option<String>,
}

/// A source row a gap file belongs to, and the Nutshell record it became after the load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapOwner {
    /// The row's module.
    pub module: Module,
    /// The row's RSoft ID.
    pub rsoft_id: String,
    /// The row's name for a reader.
    pub label: String,
    /// How it matched: `Mobile +918109359063` or `Deal ID`.
    pub matched_on: String,
    /// Filled from the journal after the load.
    pub nutshell: Option<NutshellRecord>,
    /// The record's page in Nutshell's web app (see [`WEB_LINK_NOTE`]); `None` before the load,
    /// for a sandbox run, or for an entity type without a known page.
    pub link: Option<String>,
}

/// Errors while resolving gaps.
#[derive(Debug, thiserror::Error)]
pub enum GapError {
    /// The export could not be read to find the rows.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The journal could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
}

/// Modules whose rows a gap file can belong to, in the order owners are listed.
const OWNER_MODULES: [Module; 6] = [
    Module::Contacts,
    Module::Leads,
    Module::Companies,
    Module::Deals,
    Module::Tickets,
    Module::Activities,
];

/// Standard columns holding phone numbers.
const PHONE_COLUMNS: [&str; 2] = ["Mobile", "Phone"];

/// Resolves every gap to the source rows it belongs to. `country` (ISO 3166 alpha-2) reads
/// phone numbers without a country code. Reads the export once, and only when a gap has a key.
pub fn resolve(export: &Export, gaps: &[Gap], country: &str) -> Result<Vec<GapEntry>, GapError> {
    let wanted: Vec<Option<Wanted>> = gaps.iter().map(|g| Wanted::of(g, country)).collect();
    let mut found: HashMap<Wanted, (Vec<GapOwner>, u64)> = HashMap::new();
    if wanted.iter().any(Option::is_some) {
        let phones: HashSet<&str> = wanted
            .iter()
            .flatten()
            .filter_map(|w| match w {
                Wanted::Phone(p) => Some(p.as_str()),
                Wanted::Id(_) => None,
            })
            .collect();
        let ids: HashSet<&str> = wanted
            .iter()
            .flatten()
            .filter_map(|w| match w {
                Wanted::Id(i) => Some(i.as_str()),
                Wanted::Phone(_) => None,
            })
            .collect();
        for module in OWNER_MODULES {
            for file in export.files_of(module) {
                scan(export, file, module, country, &phones, &ids, &mut found)?;
            }
        }
    }
    Ok(gaps
        .iter()
        .zip(wanted)
        .map(|(gap, wanted)| {
            let (belongs_to, more_owners) = wanted
                .as_ref()
                .and_then(|w| found.get(w).cloned())
                .unwrap_or_default();
            let unmatched = belongs_to.is_empty().then(|| match &gap.key {
                None => {
                    "its name carries no phone number or record ID: match it by hand".to_string()
                }
                Some(GapKey::Phone(p)) if wanted.is_none() => {
                    format!("{p} is not a phone number the tool can read: match it by hand")
                }
                Some(GapKey::Phone(p)) => {
                    format!("no contact, lead or company in the export has the phone number {p}")
                }
                Some(GapKey::RecordId(id)) => {
                    format!("no record in the export has the RSoft ID {id}")
                }
            });
            GapEntry {
                kind: gap.kind.label().to_string(),
                path: gap.path.clone(),
                size: gap.size,
                key: match &gap.key {
                    Some(GapKey::Phone(p)) => format!("phone {p}"),
                    Some(GapKey::RecordId(id)) => format!("record {id}"),
                    None => String::new(),
                },
                belongs_to,
                more_owners,
                unmatched,
            }
        })
        .collect())
}

/// Fills each owner's Nutshell record and web link from the journal.
pub fn attach_landed(
    entries: &mut [GapEntry],
    source: &dyn ReportSource,
    web_base: Option<&str>,
) -> Result<(), SourceError> {
    for owner in entries.iter_mut().flat_map(|e| e.belongs_to.iter_mut()) {
        owner.nutshell = source.landed(owner.module, &owner.rsoft_id)?;
        owner.link = owner
            .nutshell
            .as_ref()
            .zip(web_base)
            .and_then(|(r, base)| web_link(base, r));
    }
    Ok(())
}

/// Nutshell's web app for the configured `[nutshell] endpoint`: the endpoint's `https://` host
/// (`https://app.nutshell.com/api/v1/json` → `https://app.nutshell.com`), Nutshell's usual host
/// when discovery picks it (an account on another host gets links to the wrong host: set the
/// endpoint), and `None` for the sandbox or a loopback URL, which have no web app.
pub fn web_base(endpoint: EndpointSetting<'_>) -> Option<String> {
    let url = match endpoint {
        EndpointSetting::Discover => return Some(DEFAULT_WEB_BASE.to_string()),
        EndpointSetting::Sandbox => return None,
        EndpointSetting::Url(url) => reqwest::Url::parse(url).ok()?,
    };
    if url.scheme() != "https" || crate::nutshell::endpoint::is_loopback(&url) {
        return None;
    }
    Some(format!("https://{}", url.host_str()?))
}

/// Nutshell's web app host (the `login` domain `getApiForUsername` usually answers).
pub const DEFAULT_WEB_BASE: &str = "https://app.nutshell.com";

/// The record's page in Nutshell's web app under `base` (`https://app.nutshell.com`), for
/// Accounts, Contacts and Leads; shapes per [`WEB_LINK_NOTE`].
pub fn web_link(base: &str, record: &NutshellRecord) -> Option<String> {
    let path = match EntityType::from_name(&record.entity_type)? {
        EntityType::Contacts => "person",
        EntityType::Leads => "lead",
        EntityType::Accounts => "company",
        _ => return None,
    };
    Some(format!(
        "{}/{path}/{}",
        base.trim_end_matches('/'),
        record.id
    ))
}

/// What to look for: a phone in E.164, or an RSoft ID in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Wanted {
    Phone(String),
    Id(String),
}

impl Wanted {
    fn of(gap: &Gap, country: &str) -> Option<Wanted> {
        match gap.key.as_ref()? {
            GapKey::Phone(p) => parse_phone(p, country).ok().map(|p| Wanted::Phone(p.e164)),
            GapKey::RecordId(id) => Some(Wanted::Id(id.trim().to_uppercase())),
        }
    }
}

fn scan(
    export: &Export,
    file: &crate::rsoft::ExportFile,
    module: Module,
    country: &str,
    phones: &HashSet<&str>,
    ids: &HashSet<&str>,
    found: &mut HashMap<Wanted, (Vec<GapOwner>, u64)>,
) -> Result<(), ReadError> {
    let mut reader = export.rows(file)?;
    let headers = reader.headers().names().to_vec();
    let vocabulary = export.vocabulary();
    let column = |canonical: &str| {
        headers
            .iter()
            .position(|h| vocabulary.canonical_header(module, h) == Some(canonical))
    };
    let id_column = vocabulary.id_column(module);
    let id_header = id_column.unwrap_or("ID");
    let id_col = id_column.and_then(column);
    // Every Country column: a row's country is its first non-blank one, as the load reads it.
    let country_cols: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| vocabulary.canonical_header(module, h) == Some("Country"))
        .map(|(i, _)| i)
        .collect();
    let phone_cols: Vec<(usize, &str)> = PHONE_COLUMNS
        .iter()
        .filter_map(|c| column(c).map(|i| (i, *c)))
        .collect();
    let label_cols: Vec<usize> = label_columns(module)
        .iter()
        .filter_map(|c| column(c))
        .collect();
    while let Some(next) = reader.next_row() {
        // Bad rows are discovery's to report; a gap cannot be matched to a row that was not read.
        let Ok(row) = next else { continue };
        // As the journal keys it: without characters no one sees (`CONT-7` + U+200B).
        let rsoft_id = crate::cells::id_text(id_col.and_then(|i| row.field(i)).unwrap_or(""));
        let rsoft_id = rsoft_id.as_ref();
        let mut hits: Vec<(Wanted, String)> = Vec::new();
        if !rsoft_id.is_empty() && ids.contains(rsoft_id.to_uppercase().as_str()) {
            hits.push((Wanted::Id(rsoft_id.to_uppercase()), id_header.to_string()));
        }
        if !phones.is_empty() {
            // A national number is the row's own country's, as the load reads it (`030 …` with
            // Country Germany is +49 30 …); a Country naming no known country keeps the default.
            let country = country_cols
                .iter()
                .filter_map(|i| row.field(*i).map(str::trim))
                .find(|c| !c.is_empty())
                .and_then(country::alpha2)
                .unwrap_or(country);
            for (i, name) in &phone_cols {
                let Some(cell) = row.field(*i) else { continue };
                // A recording is of the line, whatever extension the row adds to it.
                let Ok(phone) = parse_phone(cell, country).map(|p| p.e164) else {
                    continue;
                };
                if phones.contains(phone.as_str()) {
                    hits.push((Wanted::Phone(phone.clone()), format!("{name} {phone}")));
                }
            }
        }
        for (wanted, matched_on) in hits {
            let (owners, more) = found.entry(wanted).or_default();
            if owners
                .iter()
                .any(|o| o.module == module && o.rsoft_id == rsoft_id)
            {
                continue;
            }
            if owners.len() >= LISTED_OWNERS {
                *more += 1;
                continue;
            }
            let label: Vec<&str> = label_cols
                .iter()
                .filter_map(|i| row.field(*i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            owners.push(GapOwner {
                module,
                rsoft_id: rsoft_id.to_string(),
                label: label.join(" "),
                matched_on,
                nutshell: None,
                link: None,
            });
        }
    }
    Ok(())
}

/// The standard columns that name a row for a reader.
fn label_columns(module: Module) -> &'static [&'static str] {
    match module {
        Module::Companies => &["Company Name"],
        Module::Contacts => &["First Name", "Last Name"],
        Module::Leads => &["Lead Name"],
        Module::Deals => &["Deal Name"],
        Module::Activities | Module::Tickets => &["Subject"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A contacts file spelling its RSoft ID, name and mobile as only an extension knows: the
    /// gaps find their rows by id and by phone, as with the standard spellings.
    #[test]
    fn gaps_find_rows_by_the_extensions_spelling() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Contacts.csv"),
            "Party Code,Given Label,Handphone\nCONT-7,Ravi,9876543210\nCONT-8,Asha,9123456780\nCONT-9,Vik,022-4000-1234 ext. 12\nCONT-10\u{200b},Lata,\n",
        )
        .unwrap();
        let extension = "[[concept]]\nid = \"every.rsoft_id\"\nspellings = [\"party code\"]\n\n[[concept]]\nid = \"contacts.first_name\"\nspellings = [\"given label\"]\n\n[[concept]]\nid = \"contacts.mobile\"\nspellings = [\"handphone\"]\n";
        let vocabulary = crate::vocabulary::Vocabulary::builtin()
            .extended(extension, std::path::Path::new("extra-vocabulary.toml"))
            .unwrap();
        let export = Export::open_with(dir.path(), std::sync::Arc::new(vocabulary)).unwrap();
        let gap = |key: GapKey| Gap {
            kind: crate::discovery::gaps::GapKind::Attachment,
            path: "attachments/x.pdf".into(),
            size: 1,
            key: Some(key),
        };
        let entries = resolve(
            &export,
            &[
                gap(GapKey::RecordId("CONT-7".into())),
                gap(GapKey::Phone("919123456780".into())),
                // A recording of the line, whatever desk the row's extension names.
                gap(GapKey::Phone("912240001234".into())),
                gap(GapKey::RecordId("CONT-10".into())),
            ],
            "IN",
        )
        .unwrap();
        let owner = |e: &GapEntry| {
            let o = e
                .belongs_to
                .first()
                .unwrap_or_else(|| panic!("no row found for {e:?}"));
            (o.rsoft_id.clone(), o.label.clone(), o.matched_on.clone())
        };
        assert_eq!(
            owner(&entries[0]),
            ("CONT-7".into(), "Ravi".into(), "Contact ID".into())
        );
        assert_eq!(
            owner(&entries[1]),
            (
                "CONT-8".into(),
                "Asha".into(),
                "Mobile +919123456780".into()
            )
        );
        assert_eq!(
            owner(&entries[2]),
            ("CONT-9".into(), "Vik".into(), "Mobile +912240001234".into())
        );
        // An id with a zero-width space is the id without it, as the journal keys it.
        assert_eq!(
            owner(&entries[3]),
            ("CONT-10".into(), "Lata".into(), "Contact ID".into())
        );
    }

    /// A row's national number is read in the row's Country, as the load reads it: a recording
    /// named by a German number finds the German contact whose mobile is written nationally
    /// (read in the default country it was +91 30 …, and nothing was found).
    #[test]
    fn gaps_read_a_rows_phone_in_its_country() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Contacts.csv"),
            "Contact ID,First Name,Mobile,Country\nCONT-1,Jana,030 1234 5678,Germany\nCONT-2,Ravi,9876543210,India\n",
        )
        .unwrap();
        let export = Export::open(dir.path()).unwrap();
        let entries = resolve(
            &export,
            &[Gap {
                kind: crate::discovery::gaps::GapKind::IvrRecording,
                path: "ivr/493012345678.mp3".into(),
                size: 1,
                key: Some(GapKey::Phone("+49 30 12345678".into())),
            }],
            "IN",
        )
        .unwrap();
        let found: Vec<&str> = entries[0]
            .belongs_to
            .iter()
            .map(|o| o.rsoft_id.as_str())
            .collect();
        assert_eq!(found, ["CONT-1"]);
    }

    #[test]
    fn web_links_by_entity_type() {
        let record = |t: &str| NutshellRecord {
            entity_type: t.into(),
            id: 42,
        };
        let base = "https://app.nutshell.com/";
        assert_eq!(
            web_link(base, &record("Leads")).as_deref(),
            Some("https://app.nutshell.com/lead/42")
        );
        assert_eq!(
            web_link(base, &record("Contacts")).as_deref(),
            Some("https://app.nutshell.com/person/42")
        );
        assert_eq!(
            web_link(base, &record("Accounts")).as_deref(),
            Some("https://app.nutshell.com/company/42")
        );
        assert_eq!(web_link(base, &record("Activities")), None);
    }

    #[test]
    fn web_base_from_the_endpoint() {
        use EndpointSetting::{Discover, Sandbox, Url};
        assert_eq!(
            web_base(Discover).as_deref(),
            Some("https://app.nutshell.com")
        );
        assert_eq!(
            web_base(Url("https://eu.nutshell.com/api/v1/json")).as_deref(),
            Some("https://eu.nutshell.com")
        );
        assert_eq!(web_base(Sandbox), None);
        assert_eq!(web_base(Url("http://127.0.0.1:8787/api/v1/json")), None);
    }
}
