//! Integrity before the load: what the load would hold or merge, found in discovery before any
//! record moves. References that resolve to nothing (by RSoft id, or by company name with the
//! nearest company suggested), probable duplicate companies, contacts sharing an email.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::rsoft::Module;

/// Legal-form words dropped when comparing company names, lower case, dots removed (Indian
/// forms first: Pvt/Private, Ltd/Limited, LLP; then common others).
const LEGAL_WORDS: &[&str] = &[
    "pvt",
    "private",
    "ltd",
    "limited",
    "llp",
    "co",
    "company",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "plc",
    "opc",
];

/// Company names normalised for comparison: case, punctuation and legal-form words dropped.
/// `"Nila Traders Pvt. Ltd."` and `"NILA TRADERS PRIVATE LIMITED"` → `"nila traders"`.
pub fn normalize_company_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '&' {
                c.to_lowercase().next().unwrap_or(c)
            } else if c == '.' || c == '\'' || c == '’' {
                '\0'
            } else {
                ' '
            }
        })
        .filter(|c| *c != '\0')
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    // Legal words are dropped only at the end ("Private Limited"), so "Co-operative Bank" keeps
    // its words.
    let mut end = words.len();
    while end > 1 && LEGAL_WORDS.contains(&words[end - 1]) {
        end -= 1;
    }
    words[..end].join(" ")
}

/// A web address reduced to its host: `https://www.acme.in/` → `acme.in`.
pub fn website_domain(raw: &str) -> Option<String> {
    let t = raw.trim().to_lowercase();
    let t = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .unwrap_or(&t);
    let t = t.strip_prefix("www.").unwrap_or(t);
    let host = t.split(['/', '?', '#']).next().unwrap_or("").trim();
    (host.contains('.') && !host.contains(char::is_whitespace)).then(|| host.to_string())
}

/// The last ten digits of a phone number (the subscriber number in India, without 0 or +91).
fn phone_key(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 8).then(|| digits[digits.len().saturating_sub(10)..].to_string())
}

/// The domain of an email address.
fn email_domain(raw: &str) -> Option<String> {
    raw.split([';', ',', '/', '\n'])
        .next()
        .and_then(|e| e.trim().rsplit_once('@'))
        .map(|(_, d)| d.to_lowercase())
        .filter(|d| d.contains('.'))
}

/// One company row, as integrity needs it.
#[derive(Debug, Clone, Default)]
struct CompanyRow {
    id: String,
    name: String,
    file: String,
    line: u64,
    domain: Option<String>,
    phone: Option<String>,
    email_domain: Option<String>,
}

/// A reference from one record to another, as integrity needs it.
#[derive(Debug, Clone)]
struct Reference {
    module: Module,
    record: String,
    file: String,
    line: u64,
    /// The module referred to.
    to: Module,
    /// By id (`COMP-1009`) or, when `by_name`, by company name.
    key: String,
    by_name: bool,
}

/// Rows of one file, gathered on the stream and merged after.
#[derive(Debug, Default)]
pub struct IntegrityTally {
    companies: Vec<CompanyRow>,
    /// Record ids of each module that holds them.
    ids: HashMap<Module, Vec<String>>,
    references: Vec<Reference>,
    /// (email lower case, contact id, file, line)
    contact_emails: Vec<(String, String, String, u64)>,
}

/// Fields of a row this tally reads, by standard column name.
pub trait RowFields {
    /// The row's value of a standard column, blank when the file lacks it.
    fn get(&self, canonical: &str) -> &str;
}

impl IntegrityTally {
    /// Adds one row of `module`, on `line` of `file`.
    pub fn add(&mut self, module: Module, file: &str, line: u64, row: &impl RowFields) {
        let own_key = module.id_column().map_or("", |c| row.get(c).trim());
        if !own_key.is_empty() && module.holds_records() {
            self.ids
                .entry(module)
                .or_default()
                .push(own_key.to_string());
        }
        let mut refer = |to: Module, key: &str, by_name: bool| {
            let key = key.trim();
            if !key.is_empty() {
                self.references.push(Reference {
                    module,
                    record: own_key.to_string(),
                    file: file.to_string(),
                    line,
                    to,
                    key: key.to_string(),
                    by_name,
                });
            }
        };
        match module {
            Module::Companies => {
                self.companies.push(CompanyRow {
                    id: own_key.to_string(),
                    name: row.get("Company Name").trim().to_string(),
                    file: file.to_string(),
                    line,
                    domain: website_domain(row.get("Website")),
                    phone: phone_key(row.get("Phone")),
                    email_domain: email_domain(row.get("Email")),
                });
            }
            Module::Contacts | Module::Deals => {
                let company_id = row.get("Company ID");
                if company_id.trim().is_empty() {
                    refer(Module::Companies, row.get("Company Name"), true);
                } else {
                    refer(Module::Companies, company_id, false);
                }
                if module == Module::Deals {
                    refer(Module::Contacts, row.get("Contact ID"), false);
                } else {
                    for email in row
                        .get("Email")
                        .split([';', ',', '/', '\n'])
                        .map(str::trim)
                        .filter(|e| e.contains('@'))
                    {
                        self.contact_emails.push((
                            email.to_lowercase(),
                            own_key.to_string(),
                            file.to_string(),
                            line,
                        ));
                    }
                }
            }
            Module::Activities => {
                if let Some(to) = Module::from_name(row.get("Related To").trim()) {
                    refer(to, row.get("Related ID"), false);
                }
            }
            _ => {}
        }
    }

    /// Adds another file's tally.
    pub fn merge(&mut self, other: IntegrityTally) {
        self.companies.extend(other.companies);
        for (m, ids) in other.ids {
            self.ids.entry(m).or_default().extend(ids);
        }
        self.references.extend(other.references);
        self.contact_emails.extend(other.contact_emails);
    }

    /// The findings. References are checked only against modules the export has.
    pub fn finish(self) -> Integrity {
        let company_names: Vec<(String, &CompanyRow)> = self
            .companies
            .iter()
            .map(|c| (normalize_company_name(&c.name), c))
            .collect();
        let ids: HashMap<Module, std::collections::HashSet<&str>> = self
            .ids
            .iter()
            .map(|(m, v)| (*m, v.iter().map(String::as_str).collect()))
            .collect();
        let mut unresolved = Vec::new();
        for r in &self.references {
            if r.by_name {
                if company_names.is_empty() {
                    continue;
                }
                // Resolves only when a company has this very name (any case, spacing); a name
                // equal only once legal suffixes are dropped is listed with that company as the
                // nearest, since the load matches names as written.
                let as_written = |n: &str| {
                    n.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase()
                };
                let key = as_written(&r.key);
                if company_names
                    .iter()
                    .any(|(_, c)| as_written(&c.name) == key)
                {
                    continue;
                }
                let wanted = normalize_company_name(&r.key);
                let nearest = company_names
                    .iter()
                    .map(|(n, c)| {
                        let score = if *n == wanted {
                            1.0
                        } else {
                            strsim::jaro_winkler(n, &wanted)
                        };
                        (score, c)
                    })
                    .filter(|(score, _)| *score >= 0.85)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, c)| format!("{} ({})", c.name, c.id));
                unresolved.push(Unresolved {
                    module: r.module,
                    record: r.record.clone(),
                    file: r.file.clone(),
                    line: r.line,
                    refers_to: r.to,
                    value: r.key.clone(),
                    by: "name".into(),
                    nearest,
                });
            } else if let Some(known) = ids.get(&r.to) {
                if !known.contains(r.key.as_str()) {
                    unresolved.push(Unresolved {
                        module: r.module,
                        record: r.record.clone(),
                        file: r.file.clone(),
                        line: r.line,
                        refers_to: r.to,
                        value: r.key.clone(),
                        by: "id".into(),
                        nearest: None,
                    });
                }
            }
        }
        Integrity {
            unresolved,
            duplicate_companies: duplicate_groups(&company_names),
            shared_emails: shared_emails(self.contact_emails),
        }
    }
}

/// Groups companies of the same normalised name that a website domain, phone or email domain
/// backs; a same-name pair with nothing in common is not grouped (two firms can share a name).
fn duplicate_groups(names: &[(String, &CompanyRow)]) -> Vec<DuplicateGroup> {
    let mut by_name: BTreeMap<&str, Vec<&CompanyRow>> = BTreeMap::new();
    for (n, c) in names {
        if !n.is_empty() {
            by_name.entry(n.as_str()).or_default().push(c);
        }
    }
    let mut groups = Vec::new();
    for (name, rows) in by_name.into_iter().filter(|(_, r)| r.len() > 1) {
        let mut backed_by = Vec::new();
        let mut members: Vec<&CompanyRow> = Vec::new();
        for (i, a) in rows.iter().enumerate() {
            let shares = rows
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .find_map(|(_, b)| {
                    let same = |x: &Option<String>, y: &Option<String>| x.is_some() && x == y;
                    if same(&a.domain, &b.domain) {
                        Some(format!("website {}", a.domain.as_deref().unwrap_or("")))
                    } else if same(&a.phone, &b.phone) {
                        Some("phone".to_string())
                    } else if same(&a.email_domain, &b.email_domain) {
                        Some(format!(
                            "email domain {}",
                            a.email_domain.as_deref().unwrap_or("")
                        ))
                    } else {
                        None
                    }
                });
            if let Some(why) = shares {
                if !backed_by.contains(&why) {
                    backed_by.push(why);
                }
                members.push(a);
            }
        }
        if members.len() > 1 {
            groups.push(DuplicateGroup {
                normalized_name: name.to_string(),
                companies: members
                    .iter()
                    .map(|c| RecordRef {
                        id: c.id.clone(),
                        name: c.name.clone(),
                        file: c.file.clone(),
                        line: c.line,
                    })
                    .collect(),
                backed_by,
            });
        }
    }
    groups
}

fn shared_emails(mut rows: Vec<(String, String, String, u64)>) -> Vec<SharedEmail> {
    rows.sort();
    let mut out: Vec<SharedEmail> = Vec::new();
    for chunk in rows.chunk_by(|a, b| a.0 == b.0) {
        let mut contacts: Vec<RecordRef> = chunk
            .iter()
            .map(|(_, id, file, line)| RecordRef {
                id: id.clone(),
                name: String::new(),
                file: file.clone(),
                line: *line,
            })
            .collect();
        contacts.dedup_by(|a, b| a.id == b.id);
        if contacts.len() > 1 {
            out.push(SharedEmail {
                email: chunk[0].0.clone(),
                contacts,
            });
        }
    }
    out
}

/// A record of the export, where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordRef {
    /// The record's RSoft ID.
    pub id: String,
    /// Its name, when the module has one (empty for contacts listed by email).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The file's path inside the export.
    pub file: String,
    /// Physical line (1-based) where the row starts.
    pub line: u64,
}

/// A reference that resolves to no record of the export: the load would hold the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unresolved {
    /// The module of the referring record.
    pub module: Module,
    /// The referring record's RSoft id.
    pub record: String,
    /// The file of the referring record.
    pub file: String,
    /// Physical line (1-based) of the referring row.
    pub line: u64,
    /// The module the reference should resolve in.
    pub refers_to: Module,
    /// The id or name written.
    pub value: String,
    /// `id` or `name`.
    pub by: String,
    /// For a name: the closest company name, `Name (ID)`.
    pub nearest: Option<String>,
}

/// Companies that are probably one company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// The name they share once case, spacing and legal suffixes (Pvt Ltd, LLP…) are dropped.
    pub normalized_name: String,
    /// The companies, in file order.
    pub companies: Vec<RecordRef>,
    /// What they share beyond the name: `website acme.in`, `phone`, `email domain acme.in`.
    pub backed_by: Vec<String>,
}

/// Contacts sharing an email address (any case).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedEmail {
    /// The shared address, lower case.
    pub email: String,
    /// The contacts carrying it, in file order.
    pub contacts: Vec<RecordRef>,
}

/// What the load would hold or should merge, before it runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Integrity {
    /// References to no record of the export.
    pub unresolved: Vec<Unresolved>,
    /// Probable duplicate companies.
    pub duplicate_companies: Vec<DuplicateGroup>,
    /// Contacts sharing an email (Nutshell would see one person).
    pub shared_emails: Vec<SharedEmail>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indian_legal_suffixes_normalise_away() {
        for raw in [
            "Nila Traders Pvt. Ltd.",
            "Nila Traders Private Limited",
            "NILA TRADERS PVT LTD",
            "nila traders",
        ] {
            assert_eq!(normalize_company_name(raw), "nila traders", "{raw}");
        }
        assert_eq!(normalize_company_name("Kaveri Agro LLP"), "kaveri agro");
        assert_eq!(
            normalize_company_name("Patil Steel Works"),
            "patil steel works"
        );
        assert_eq!(
            website_domain("https://kaveriagro.example/").as_deref(),
            Some("kaveriagro.example")
        );
        assert_eq!(phone_key("+91 20 2567 8901"), phone_key("020-2567 8901"));
    }
}
