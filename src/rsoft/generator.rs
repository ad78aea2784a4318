//! A deterministic generator of realistic RSoft CRM exports, for demos, tests and benchmarks.
//!
//! The export is built from blocks: scale N writes N blocks, each with the row counts of
//! [`BLOCK_ROWS`] and the same deliberate quirks at the same positions within the block. Every
//! record is a pure function of (seed, module, index), so a record can refer to another (a
//! contact's company name, a deal's contact) by recomputing it: nothing is kept in memory and any
//! size streams in bounded memory.

mod table;
mod vocabulary;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use table::{FileEncoding, Layout, TableFile};
use vocabulary::{City, Owner};

/// Seed of the bundled sample export.
pub const DEFAULT_SEED: u64 = 42;

/// Module name and file name of every table, in the order they are written.
pub const FILES: [(&str, &str); 11] = [
    ("companies", "Companies.csv"),
    ("contacts", "contacts_export_2026-11-20.csv"),
    ("leads", "Leads.csv"),
    ("deals", "RSoft-Deals (1).csv"),
    ("activities", "Activities.csv"),
    ("tickets", "Tickets.csv"),
    ("ticket_messages", "Ticket Messages.csv"),
    ("users", "Users.csv"),
    ("pipelines", "Pipelines.csv"),
    ("custom_fields", "Custom Fields.csv"),
    ("workflows", "Workflows.csv"),
];

/// Writes one table into the export folder and returns its data rows.
type TableWriter = fn(&SampleWriter, &str) -> Result<u64, GeneratorError>;

/// The writer of each entry of [`FILES`], in the same order.
const WRITERS: [TableWriter; FILES.len()] = [
    SampleWriter::companies,
    SampleWriter::contacts,
    SampleWriter::leads,
    SampleWriter::deals,
    SampleWriter::activities,
    SampleWriter::tickets,
    SampleWriter::ticket_messages,
    SampleWriter::users,
    SampleWriter::pipelines,
    SampleWriter::custom_fields,
    SampleWriter::workflows,
];

/// Data rows per module in one block (scale 1). Users, pipelines, custom field definitions and
/// workflows do not grow with scale.
pub const BLOCK_ROWS: [(&str, u64); 7] = [
    ("companies", COMPANIES),
    ("contacts", CONTACTS),
    ("leads", LEADS),
    ("deals", DEALS),
    ("activities", ACTIVITIES),
    ("tickets", TICKETS),
    ("ticket_messages", MESSAGES),
];

const COMPANIES: u64 = 25;
const CONTACTS: u64 = 40;
const LEADS: u64 = 30;
const DEALS: u64 = 20;
const ACTIVITIES: u64 = 60;
const TICKETS: u64 = 10;
const MESSAGES: u64 = 25;
/// Messages per ticket within a block; sums to `MESSAGES`.
const THREAD_LENGTHS: [u64; TICKETS as usize] = [3, 2, 4, 1, 3, 2, 3, 2, 3, 2];

/// Contact position (in its block) whose Company ID is blank but whose Company Name matches.
const UNLINKED_CONTACT: u64 = 12;
/// The company that contact names.
const UNLINKED_CONTACT_COMPANY: u64 = 9;
/// Deal position whose Company ID and Contact ID exist nowhere.
const ORPHAN_DEAL: u64 = 13;
/// Deal position whose stage is not in the pipelines file.
const OFF_PIPELINE_DEAL: u64 = 17;
const OFF_PIPELINE_STAGE: &str = "On Hold";
/// Deal positions priced in US dollars.
const USD_DEALS: [u64; 2] = [5, 16];
/// Converted leads: lead position, the contact it became, the deal it became (if any).
const CONVERSIONS: [(u64, u64, Option<u64>); 4] = [
    (3, 5, Some(2)),
    (11, 14, Some(8)),
    (19, 22, Some(11)),
    (26, 31, None),
];
/// Activity positions whose times are written as ISO 8601 rather than day-first.
const ISO_ACTIVITY_EVERY: u64 = 12;
const ISO_ACTIVITY_AT: u64 = 5;
/// Message positions whose Sent On is ISO-like (`YYYY-MM-DD HH:MM:SS`).
const ISO_MESSAGE_EVERY: u64 = 5;
const ISO_MESSAGE_AT: u64 = 4;

/// Positions, per module, of the records owned by the user who left.
const LEFT_OWNER_COMPANIES: [u64; 1] = [20];
const LEFT_OWNER_CONTACTS: [u64; 2] = [33, 37];
const LEFT_OWNER_LEADS: [u64; 1] = [28];
const LEFT_OWNER_DEALS: [u64; 1] = [6];
const LEFT_OWNER_ACTIVITIES: [u64; 2] = [44, 45];
const LEFT_OWNER_TICKETS: [u64; 1] = [9];

/// Gap files, written once whatever the scale (they describe the first block's records).
const RECORDED_CONTACTS: [u64; 3] = [0, 1, 2];
const WHATSAPP_CONTACT: u64 = 3;
const QUOTED_DEAL: u64 = 7;
const INVOICED_TICKET: u64 = 2;

/// What a generation wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSummary {
    pub out_dir: PathBuf,
    pub scale: u32,
    pub seed: u64,
    /// Every table, in [`FILES`] order.
    pub tables: Vec<GeneratedTable>,
    /// Files the CSV cannot carry (recordings, WhatsApp chats, attachments), relative to `out_dir`.
    pub gap_files: Vec<PathBuf>,
}

/// One CSV file written by the generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedTable {
    pub module: &'static str,
    pub file_name: &'static str,
    /// Data rows, header excluded.
    pub rows: u64,
}

impl GeneratedSummary {
    /// Data rows written for a module (`"contacts"`, `"ticket_messages"`, …).
    pub fn rows(&self, module: &str) -> Option<u64> {
        self.tables
            .iter()
            .find(|t| t.module == module)
            .map(|t| t.rows)
    }

    /// Data rows across every table.
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GeneratorError {
    #[error("the scale must be at least 1; pass --scale 1 for the bundled sample's size")]
    ZeroScale,
    #[error("cannot create the folder {path}: {source}; check the path and your permissions")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}; check free disk space and permissions")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "row {row} of {path} has a character {encoding} cannot hold (a bug in the generator's word lists)"
    )]
    Unencodable {
        path: PathBuf,
        row: u64,
        encoding: &'static str,
    },
}

/// Write an RSoft export of `scale` blocks into `out_dir` (created if missing; files of the same
/// names are overwritten). The same scale and seed always give the same bytes.
pub fn generate(out_dir: &Path, scale: u32, seed: u64) -> Result<GeneratedSummary, GeneratorError> {
    if scale == 0 {
        return Err(GeneratorError::ZeroScale);
    }
    create_dir(out_dir)?;
    let export = SampleWriter {
        seed,
        blocks: u64::from(scale),
        out_dir: out_dir.to_path_buf(),
    };
    let mut tables = Vec::with_capacity(FILES.len());
    for ((module, file_name), write) in FILES.into_iter().zip(WRITERS) {
        let rows = write(&export, file_name)?;
        tables.push(GeneratedTable {
            module,
            file_name,
            rows,
        });
    }
    let gap_files = export.gap_files()?;
    Ok(GeneratedSummary {
        out_dir: out_dir.to_path_buf(),
        scale,
        seed,
        tables,
        gap_files,
    })
}

fn create_dir(path: &Path) -> Result<(), GeneratorError> {
    fs::create_dir_all(path).map_err(|source| GeneratorError::CreateDir {
        path: path.to_path_buf(),
        source,
    })
}

/// Independent random streams, one per module, so adding a field to one module leaves the others'
/// bytes unchanged.
#[derive(Clone, Copy)]
enum Stream {
    Company = 1,
    Contact,
    Lead,
    Deal,
    Activity,
    Ticket,
    Message,
    Gap,
}

/// Writes one sample export: the seed and scale that fix its bytes, and where it goes.
struct SampleWriter {
    seed: u64,
    blocks: u64,
    out_dir: PathBuf,
}

struct Company {
    id: String,
    name: String,
    industry: &'static str,
    domain: String,
    city: &'static City,
    phone: String,
    address: String,
    pincode: String,
    email: String,
    owner: Owner,
    tags: &'static str,
    created: NaiveDateTime,
    modified: NaiveDateTime,
    gst: String,
    turnover: String,
}

struct Contact {
    id: String,
    first: &'static str,
    last: &'static str,
    email: String,
    /// Ten digits, no country code.
    mobile: String,
    /// Always the real company; the contacts file blanks it for `UNLINKED_CONTACT`.
    company_id: String,
    company_name: String,
    city: &'static City,
    created: NaiveDateTime,
}

struct Ticket {
    id: String,
    contact: Contact,
    assignee: Owner,
    channel: &'static str,
    created: NaiveDateTime,
}

impl SampleWriter {
    fn rng(&self, stream: Stream, index: u64) -> SmallRng {
        SmallRng::seed_from_u64(
            self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ ((stream as u64) << 56) ^ index,
        )
    }

    fn table(
        &self,
        file_name: &str,
        layout: Layout,
        header: &[&str],
    ) -> Result<TableFile, GeneratorError> {
        TableFile::create(&self.out_dir.join(file_name), layout, header)
    }

    /// A table of `count` rows, row `index` made by `row(index)`. The header and the rows have the
    /// same width by type: a column added to one and not the other does not compile.
    fn generated<const N: usize>(
        &self,
        file_name: &str,
        layout: Layout,
        header: [&str; N],
        count: u64,
        row: impl Fn(u64) -> [String; N],
    ) -> Result<u64, GeneratorError> {
        let mut table = self.table(file_name, layout, &header)?;
        for index in 0..count {
            table.row(&row(index))?;
        }
        table.finish()
    }

    /// A table of rows that do not depend on the scale.
    fn fixed<const N: usize>(
        &self,
        file_name: &str,
        header: [&str; N],
        rows: &[[&str; N]],
    ) -> Result<u64, GeneratorError> {
        let mut table = self.table(file_name, Layout::PLAIN, &header)?;
        for row in rows {
            table.row(row)?;
        }
        table.finish()
    }

    fn users(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = ["User ID", "Name", "Email", "Role", "Status"];
        self.fixed(file_name, header, &vocabulary::USERS)
    }

    fn custom_fields(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = ["Module", "Field Name", "Field Type", "Options", "Required"];
        self.fixed(file_name, header, &vocabulary::CUSTOM_FIELDS)
    }

    fn workflows(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = [
            "Workflow ID",
            "Workflow Name",
            "Module",
            "Trigger",
            "Conditions",
            "Actions",
            "Status",
        ];
        self.fixed(file_name, header, &vocabulary::WORKFLOWS)
    }

    fn pipelines(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = ["Pipeline", "Stage", "Stage Order", "Probability"];
        let mut table = self.table(file_name, Layout::PLAIN, &header)?;
        for pipeline in &vocabulary::PIPELINES {
            for (order, (stage, probability)) in pipeline.stages.iter().enumerate() {
                table.row(&[
                    pipeline.name.to_string(),
                    stage.to_string(),
                    (order + 1).to_string(),
                    probability.to_string(),
                ])?;
            }
        }
        table.finish()
    }

    fn company(&self, index: u64) -> Company {
        let mut rng = self.rng(Stream::Company, index);
        let position = index % COMPANIES;
        let named = vocabulary::NAMED_COMPANIES
            .iter()
            .find(|(p, ..)| *p == position);
        let (name, trade, city) = match named {
            Some((_, name, trade, city)) => (name.to_string(), *trade, &vocabulary::CITIES[*city]),
            None => {
                // (index % 30, (11q + r) % 20) is distinct for the first 600 companies.
                let brand = vocabulary::BRANDS[((index + self.seed) % 30) as usize];
                let trade = ((index / 30 + index + self.seed / 30) % 20) as usize;
                let suffix = pick(&mut rng, &vocabulary::COMPANY_SUFFIXES);
                let name = format!("{brand} {} {suffix}", vocabulary::TRADES[trade].0);
                (name, trade, pick(&mut rng, &vocabulary::CITIES))
            }
        };
        let domain = format!(
            "{}.{}",
            domain_label(&name),
            if rng.random_bool(0.6) { "in" } else { "com" }
        );
        let phone = if position == 0 || rng.random_bool(0.8) {
            landline(&mut rng, city)
        } else {
            mobile_form(&mobile(&mut rng), rng.random_range(0..4))
        };
        let owner = owner(&mut rng, position, &LEFT_OWNER_COMPANIES);
        let created = moment(&mut rng, position);
        let modified = later(&mut rng, created, 120);
        let has_gst = rng.random_bool(0.7);
        Company {
            id: format!("COMP-{}", 1001 + index),
            industry: vocabulary::TRADES[trade].1,
            address: format!(
                "{}, {}",
                rng.random_range(1..400),
                pick(&mut rng, &vocabulary::STREETS)
            ),
            pincode: format!("{}{:03}", city.pin_prefix, rng.random_range(1..100)),
            email: format!(
                "{}@{domain}",
                pick(&mut rng, &["info", "sales", "accounts", "contact"])
            ),
            tags: pick::<&str>(&mut rng, &vocabulary::TAG_CELLS),
            gst: if has_gst {
                format!(
                    "{}{}1Z{}",
                    city.gst_state,
                    pan(&mut rng, 'C'),
                    digit_or_letter(&mut rng)
                )
            } else {
                String::new()
            },
            turnover: if rng.random_bool(0.8) {
                indian_grouping(rng.random_range(5..2000) * 1_000_000) // 50 lakh to 200 crore
            } else {
                String::new()
            },
            name,
            domain,
            city,
            phone,
            owner,
            created,
            modified,
        }
    }

    fn companies(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = [
            "Company ID",
            "Company Name",
            "Industry",
            "Website",
            "Phone",
            "Email",
            "Address",
            "City",
            "State",
            "Country",
            "Pincode",
            "Owner",
            "Tags",
            "Created On",
            "Modified On",
            "GST Number",
            "Annual Turnover",
        ];
        let layout = Layout {
            encoding: FileEncoding::Windows1252,
            delimiter: b',',
            crlf: true,
        };
        self.generated(
            file_name,
            layout,
            header,
            self.blocks * COMPANIES,
            |index| {
                let c = self.company(index);
                [
                    c.id,
                    c.name,
                    c.industry.to_string(),
                    format!("www.{}", c.domain),
                    c.phone,
                    c.email,
                    c.address,
                    c.city.name.to_string(),
                    c.city.state.to_string(),
                    "India".to_string(),
                    c.pincode,
                    c.owner.raw.to_string(),
                    c.tags.to_string(),
                    day_first_date(c.created),
                    day_first(c.modified),
                    c.gst,
                    c.turnover,
                ]
            },
        )
    }

    fn contact(&self, index: u64) -> Contact {
        let mut rng = self.rng(Stream::Contact, index);
        let block = index / CONTACTS;
        let position = index % CONTACTS;
        let company_index = block * COMPANIES
            + if position == UNLINKED_CONTACT {
                UNLINKED_CONTACT_COMPANY
            } else {
                rng.random_range(0..COMPANIES)
            };
        let company = self.company(company_index);
        let first = pick(&mut rng, &vocabulary::FIRST_NAMES);
        let last = pick(&mut rng, &vocabulary::LAST_NAMES);
        let person = format!("{}.{}", first, last.replace('\'', "")).to_lowercase();
        let email = if rng.random_bool(0.2) {
            format!("{person}{}@gmail.com", rng.random_range(1..99))
        } else {
            format!("{person}@{}", company.domain)
        };
        Contact {
            id: format!("CONT-{}", 2001 + index),
            first,
            last,
            email,
            mobile: mobile(&mut rng),
            company_id: company.id,
            company_name: company.name,
            city: company.city,
            created: moment(&mut rng, position),
        }
    }

    fn contacts(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = [
            "Contact ID",
            "First Name",
            "Last Name",
            "Email",
            "Mobile No.",
            "Phone",
            "Designation",
            "Company ID",
            "Company Name",
            "Lifecycle Stage",
            "Contact Owner",
            "Tags",
            "City",
            "State",
            "Country",
            "Created On",
            "Modified On",
            "GST Number",
            "PAN",
            "Region",
            "Customer Type",
            "Referral Code",
            "Preferred Language",
        ];
        let layout = Layout {
            encoding: FileEncoding::Utf8Bom,
            ..Layout::PLAIN
        };
        self.generated(file_name, layout, header, self.blocks * CONTACTS, |index| {
            let position = index % CONTACTS;
            let c = self.contact(index);
            // A second stream for the columns no other module needs, so `contact()` stays cheap.
            let mut rng = self.rng(Stream::Contact, index | 1 << 48);
            let phone = if rng.random_bool(0.25) {
                landline(&mut rng, c.city)
            } else {
                String::new()
            };
            let gst = if rng.random_bool(0.4) {
                format!(
                    "{}{}1Z{}",
                    c.city.gst_state,
                    pan(&mut rng, 'C'),
                    digit_or_letter(&mut rng)
                )
            } else {
                String::new()
            };
            let referral = if rng.random_bool(0.3) {
                format!("REF-{:04}", rng.random_range(1..10_000))
            } else {
                String::new()
            };
            let language = if rng.random_bool(0.5) {
                "English"
            } else {
                c.city.language
            };
            [
                c.id,
                c.first.to_string(),
                c.last.to_string(),
                c.email,
                mobile_form(&c.mobile, position % 4),
                phone,
                pick(&mut rng, &vocabulary::DESIGNATIONS).to_string(),
                if position == UNLINKED_CONTACT {
                    String::new()
                } else {
                    c.company_id
                },
                c.company_name,
                pick(&mut rng, &vocabulary::LIFECYCLE_STAGES).to_string(),
                owner(&mut rng, position, &LEFT_OWNER_CONTACTS)
                    .raw
                    .to_string(),
                pick(&mut rng, &vocabulary::TAG_CELLS).to_string(),
                c.city.name.to_string(),
                c.city.state.to_string(),
                "India".to_string(),
                day_first(c.created),
                day_first(later(&mut rng, c.created, 90)),
                gst,
                pan(&mut rng, 'P'),
                c.city.region.to_string(),
                pick(&mut rng, &vocabulary::CUSTOMER_TYPES).to_string(),
                referral,
                language.to_string(),
            ]
        })
    }

    fn leads(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = [
            "Lead ID",
            "Lead Name",
            "Email",
            "Mobile",
            "Company Name",
            "Source",
            "Status",
            "Lead Score",
            "Lead Owner",
            "Tags",
            "Converted On",
            "Converted Contact ID",
            "Converted Deal ID",
            "Created On",
            "Modified On",
        ];
        self.generated(
            file_name,
            Layout::PLAIN,
            header,
            self.blocks * LEADS,
            |index| {
                let block = index / LEADS;
                let position = index % LEADS;
                let mut rng = self.rng(Stream::Lead, index);
                let created = moment(&mut rng, position);
                let conversion = CONVERSIONS.iter().find(|(p, ..)| *p == position);
                let (name, email, mobile, company, status, converted) = match conversion {
                    Some((_, contact, deal)) => {
                        let c = self.contact(block * CONTACTS + contact);
                        let converted_on = later(&mut rng, created, 45);
                        (
                            format!("{} {}", c.first, c.last),
                            c.email,
                            c.mobile,
                            c.company_name,
                            "Converted",
                            [
                                day_first_date(converted_on),
                                c.id,
                                deal.map(|d| deal_id(block * DEALS + d)).unwrap_or_default(),
                            ],
                        )
                    }
                    None => {
                        let first = pick(&mut rng, &vocabulary::FIRST_NAMES);
                        let last = pick(&mut rng, &vocabulary::LAST_NAMES);
                        let email = format!(
                            "{}{}@{}",
                            first.to_lowercase(),
                            rng.random_range(1..999),
                            pick(&mut rng, &["gmail.com", "yahoo.co.in", "rediffmail.com"])
                        );
                        let company = if rng.random_bool(0.5) {
                            self.company(block * COMPANIES + rng.random_range(0..COMPANIES))
                                .name
                        } else {
                            let brand = pick(&mut rng, &vocabulary::BRANDS);
                            format!("{brand} {}", pick(&mut rng, &vocabulary::TRADES).0)
                        };
                        (
                            format!("{first} {last}"),
                            email,
                            mobile(&mut rng),
                            company,
                            *pick(&mut rng, &vocabulary::OPEN_LEAD_STATUSES),
                            Default::default(),
                        )
                    }
                };
                let [converted_on, converted_contact, converted_deal] = converted;
                [
                    format!("LEAD-{}", 3001 + index),
                    name,
                    email,
                    mobile_form(&mobile, position % 4),
                    company,
                    pick(&mut rng, &vocabulary::LEAD_SOURCES).to_string(),
                    status.to_string(),
                    rng.random_range(5..100).to_string(),
                    owner(&mut rng, position, &LEFT_OWNER_LEADS).raw.to_string(),
                    pick(&mut rng, &vocabulary::TAG_CELLS).to_string(),
                    converted_on,
                    converted_contact,
                    converted_deal,
                    day_first(created),
                    day_first(later(&mut rng, created, 60)),
                ]
            },
        )
    }

    fn deals(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = [
            "Deal ID",
            "Deal Name",
            "Company ID",
            "Contact ID",
            "Pipeline",
            "Stage",
            "Amount",
            "Currency",
            "Probability",
            "Expected Close Date",
            "Status",
            "Deal Owner",
            "Tags",
            "Created On",
            "Modified On",
            "Region",
        ];
        let layout = Layout {
            delimiter: b';',
            ..Layout::PLAIN
        };
        self.generated(file_name, layout, header, self.blocks * DEALS, |index| {
            let block = index / DEALS;
            let position = index % DEALS;
            let mut rng = self.rng(Stream::Deal, index);
            let contact_position = CONVERSIONS
                .iter()
                .find(|(_, _, deal)| *deal == Some(position))
                .map_or_else(|| rng.random_range(0..CONTACTS), |(_, contact, _)| *contact);
            let contact = self.contact(block * CONTACTS + contact_position);
            let product = pick(&mut rng, &vocabulary::DEAL_PRODUCTS);
            let (company_id, contact_id, deal_name) = if position == ORPHAN_DEAL {
                // IDs past the last generated record: a company and contact deleted in RSoft.
                (
                    format!("COMP-{}", 1001 + self.blocks * COMPANIES + block),
                    format!("CONT-{}", 2001 + self.blocks * CONTACTS + block),
                    format!("Vardhman Polymers - {product}"),
                )
            } else {
                (
                    contact.company_id.clone(),
                    contact.id.clone(),
                    format!("{} - {product}", without_suffix(&contact.company_name)),
                )
            };
            let pipeline = if rng.random_bool(0.7) {
                &vocabulary::PIPELINES[0]
            } else {
                &vocabulary::PIPELINES[1]
            };
            let (pipeline_name, (stage, probability)) = if position == OFF_PIPELINE_DEAL {
                ("Sales", (OFF_PIPELINE_STAGE, 40))
            } else {
                (pipeline.name, *pick(&mut rng, pipeline.stages))
            };
            let status = if vocabulary::WON_STAGES.contains(&stage) {
                "Won"
            } else if vocabulary::LOST_STAGES.contains(&stage) {
                "Lost"
            } else {
                "Open"
            };
            let (amount, currency) = if USD_DEALS.contains(&position) {
                let dollars = rng.random_range(2..60) * 1000;
                (format!("${}.00", western_grouping(dollars)), "USD")
            } else {
                let rupees = indian_grouping(rng.random_range(30..5000) * 500);
                let amount = match position % 3 {
                    0 => format!("₹ {rupees}.00"),
                    1 => format!("INR {rupees}"),
                    _ => format!("Rs. {rupees}"),
                };
                (amount, "INR")
            };
            let created = moment(&mut rng, position);
            [
                deal_id(index),
                deal_name,
                company_id,
                contact_id,
                pipeline_name.to_string(),
                stage.to_string(),
                amount,
                currency.to_string(),
                probability.to_string(),
                day_first_date(created + Duration::days(rng.random_range(30..120))),
                status.to_string(),
                owner(&mut rng, position, &LEFT_OWNER_DEALS).raw.to_string(),
                pick(&mut rng, &vocabulary::TAG_CELLS).to_string(),
                day_first(created),
                day_first(later(&mut rng, created, 60)),
                contact.city.region.to_string(),
            ]
        })
    }

    fn activities(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = [
            "Activity ID",
            "Activity Type",
            "Subject",
            "Description",
            "Related To",
            "Related ID",
            "Start Time",
            "End Time",
            "Status",
            "Owner",
            "Created On",
        ];
        self.generated(
            file_name,
            Layout::PLAIN,
            header,
            self.blocks * ACTIVITIES,
            |index| {
                let block = index / ACTIVITIES;
                let position = index % ACTIVITIES;
                let mut rng = self.rng(Stream::Activity, index);
                let (kind, subject) = *pick(&mut rng, &vocabulary::ACTIVITY_TYPES);
                let related = pick(&mut rng, &vocabulary::RELATED_MODULES);
                let related_id = match *related {
                    "Contact" => format!(
                        "CONT-{}",
                        2001 + block * CONTACTS + rng.random_range(0..CONTACTS)
                    ),
                    "Company" => format!(
                        "COMP-{}",
                        1001 + block * COMPANIES + rng.random_range(0..COMPANIES)
                    ),
                    "Lead" => format!("LEAD-{}", 3001 + block * LEADS + rng.random_range(0..LEADS)),
                    _ => deal_id(block * DEALS + rng.random_range(0..DEALS)),
                };
                let start = moment(&mut rng, position);
                let end = match kind {
                    "Call" => Some(start + Duration::minutes(rng.random_range(2..30))),
                    "Meeting" => Some(start + Duration::minutes(rng.random_range(30..120))),
                    _ => None,
                };
                let stamp = if position % ISO_ACTIVITY_EVERY == ISO_ACTIVITY_AT {
                    iso_ist
                } else {
                    day_first
                };
                [
                    format!("ACT-{}", 5001 + index),
                    kind.to_string(),
                    subject.to_string(),
                    vocabulary::ACTIVITY_NOTES[(position % 6) as usize].to_string(),
                    related.to_string(),
                    related_id,
                    stamp(start),
                    end.map(stamp).unwrap_or_default(),
                    pick(&mut rng, &vocabulary::ACTIVITY_STATUSES).to_string(),
                    owner(&mut rng, position, &LEFT_OWNER_ACTIVITIES)
                        .raw
                        .to_string(),
                    stamp(start),
                ]
            },
        )
    }

    fn ticket(&self, index: u64) -> Ticket {
        let mut rng = self.rng(Stream::Ticket, index);
        let block = index / TICKETS;
        let position = index % TICKETS;
        Ticket {
            id: format!("TKT-{}", 6001 + index),
            contact: self.contact(block * CONTACTS + rng.random_range(0..CONTACTS)),
            assignee: owner(&mut rng, position, &LEFT_OWNER_TICKETS),
            channel: pick::<&str>(&mut rng, &vocabulary::TICKET_CHANNELS),
            created: moment(&mut rng, position),
        }
    }

    fn tickets(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = [
            "Ticket ID",
            "Subject",
            "Description",
            "Status",
            "Priority",
            "Channel",
            "Contact ID",
            "Company ID",
            "Assigned To",
            "Created On",
            "Modified On",
            "Closed On",
        ];
        let layout = Layout {
            encoding: FileEncoding::Utf16LeBom,
            delimiter: b'\t',
            crlf: true,
        };
        self.generated(file_name, layout, header, self.blocks * TICKETS, |index| {
            let position = index % TICKETS;
            let t = self.ticket(index);
            let mut rng = self.rng(Stream::Ticket, index | 1 << 48);
            let subject = vocabulary::TICKET_SUBJECTS[position as usize];
            let order = rng.random_range(1000..9999);
            let description = if position % 3 == 0 {
                format!(
                    "Order SO-{order}: {subject}.\nCustomer paid ₹ 10,000 on {}, please verify.",
                    day_first_date(t.created)
                )
            } else {
                format!("{subject}, order SO-{order}")
            };
            let status = pick(&mut rng, &vocabulary::TICKET_STATUSES);
            let modified = later(&mut rng, t.created, 20);
            let closed = if matches!(*status, "Resolved" | "Closed") {
                day_first(modified)
            } else {
                String::new()
            };
            [
                t.id.clone(),
                subject.to_string(),
                description,
                status.to_string(),
                pick(&mut rng, &vocabulary::TICKET_PRIORITIES).to_string(),
                t.channel.to_string(),
                t.contact.id.clone(),
                t.contact.company_id.clone(),
                t.assignee.raw.to_string(),
                day_first(t.created),
                day_first(modified),
                closed,
            ]
        })
    }

    fn ticket_messages(&self, file_name: &str) -> Result<u64, GeneratorError> {
        let header = [
            "Message ID",
            "Ticket ID",
            "From",
            "Sent On",
            "Body",
            "Channel",
        ];
        let mut table = self.table(file_name, Layout::PLAIN, &header)?;
        let mut index = 0;
        for ticket_index in 0..self.blocks * TICKETS {
            let t = self.ticket(ticket_index);
            for turn in 0..THREAD_LENGTHS[(ticket_index % TICKETS) as usize] {
                let mut rng = self.rng(Stream::Message, index);
                let sent = t.created
                    + Duration::hours((turn * 5) as i64)
                    + Duration::minutes(rng.random_range(1..59));
                let (from, body) = if turn % 2 == 0 {
                    let body = vocabulary::CUSTOMER_BODIES[(index % 4) as usize]
                        .replace("{name}", t.contact.first);
                    (t.contact.email.clone(), body)
                } else {
                    (
                        t.assignee.email.to_string(),
                        vocabulary::AGENT_BODIES[(index % 3) as usize].to_string(),
                    )
                };
                let stamp = if index % ISO_MESSAGE_EVERY == ISO_MESSAGE_AT {
                    sent.format("%Y-%m-%d %H:%M:%S").to_string()
                } else {
                    day_first(sent)
                };
                table.row(&[
                    format!("MSG-{}", 7001 + index),
                    t.id.clone(),
                    from,
                    stamp,
                    body,
                    t.channel.to_string(),
                ])?;
                index += 1;
            }
        }
        table.finish()
    }

    /// Files a customer hands over beside the CSVs: call recordings and WhatsApp chats named by
    /// phone number, attachments named by record ID.
    fn gap_files(&self) -> Result<Vec<PathBuf>, GeneratorError> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        for contact in RECORDED_CONTACTS {
            let c = self.contact(contact);
            let mut rng = self.rng(Stream::Gap, contact);
            let day = later(&mut rng, c.created, 30).format("%Y-%m-%d");
            let mut audio = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
            audio.extend_from_slice(format!("fake call recording {}", c.id).as_bytes());
            files.push((
                PathBuf::from(format!("recordings/91{}_{day}.mp3", c.mobile)),
                audio,
            ));
        }
        let c = self.contact(WHATSAPP_CONTACT);
        let mut rng = self.rng(Stream::Gap, WHATSAPP_CONTACT);
        let start = later(&mut rng, c.created, 30);
        let chat = [
            (0, c.first, "Hello, is the 25 kW quote ready?"),
            (
                12,
                "Priya Sharma",
                "Yes sir, sending now. Price is ₹ 4,75,000 + GST",
            ),
            (40, c.first, "Ok, please share the PDF"),
        ]
        .iter()
        .map(|(minutes, who, text)| {
            let at = start + Duration::minutes(*minutes);
            format!("{} - {who}: {text}\n", at.format("%d/%m/%Y, %I:%M %p"))
        })
        .collect::<String>();
        files.push((
            PathBuf::from(format!("whatsapp/91{}.txt", c.mobile)),
            chat.into_bytes(),
        ));
        for name in [
            format!("{}_quote.pdf", deal_id(QUOTED_DEAL)),
            format!("TKT-{}_invoice.pdf", 6001 + INVOICED_TICKET),
        ] {
            let pdf = format!("%PDF-1.4\n% {name}\n%%EOF\n").into_bytes();
            files.push((PathBuf::from(format!("attachments/{name}")), pdf));
        }
        let mut written = Vec::with_capacity(files.len());
        for (relative, bytes) in files {
            let path = self.out_dir.join(&relative);
            if let Some(parent) = path.parent() {
                create_dir(parent)?;
            }
            fs::write(&path, bytes).map_err(|source| GeneratorError::Write { path, source })?;
            written.push(relative);
        }
        Ok(written)
    }
}

fn deal_id(index: u64) -> String {
    format!("DEAL-{}", 4001 + index)
}

fn pick<'a, T>(rng: &mut SmallRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An active owner at random, or the user who left at his fixed positions.
fn owner(rng: &mut SmallRng, position: u64, left_owner_at: &[u64]) -> Owner {
    let drawn = *pick(rng, &vocabulary::ACTIVE_OWNERS);
    if left_owner_at.contains(&position) {
        vocabulary::LEFT_OWNER
    } else {
        drawn
    }
}

/// A local (IST) time in 2024-01 .. 2026-10. Position 0 of a block always has a day above 12
/// (proof of day-first order) and position 1 a day of 12 or less (ambiguous on its own).
fn moment(rng: &mut SmallRng, position: u64) -> NaiveDateTime {
    let year = rng.random_range(2024..=2026);
    let month = rng.random_range(1..=if year == 2026 { 10 } else { 12 });
    let day = match position {
        0 => rng.random_range(13..=28),
        1 => rng.random_range(1..=12),
        _ => rng.random_range(1..=28),
    };
    let hour = rng.random_range(9..=19);
    let minute = rng.random_range(0..60);
    // Every day drawn is at most 28, so the date always exists.
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, minute, 0))
        .unwrap_or_default()
}

/// A time up to `max_days` after `t`, never after the export was taken (20-11-2026).
fn later(rng: &mut SmallRng, t: NaiveDateTime, max_days: i64) -> NaiveDateTime {
    let export_taken = NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .unwrap_or_default();
    (t + Duration::days(rng.random_range(0..=max_days))
        + Duration::minutes(rng.random_range(0..240)))
    .min(export_taken)
}

fn day_first(t: NaiveDateTime) -> String {
    t.format("%d/%m/%Y %I:%M %p").to_string()
}

fn day_first_date(t: NaiveDateTime) -> String {
    t.format("%d-%m-%Y").to_string()
}

fn iso_ist(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+05:30").to_string()
}

/// An Indian mobile number: ten digits starting 6-9.
fn mobile(rng: &mut SmallRng) -> String {
    let lead = *pick(rng, &['9', '9', '9', '8', '8', '7', '6']);
    let rest = rng.random_range(0..1_000_000_000u64);
    format!("{lead}{rest:09}")
}

/// A mobile written the ways RSoft users type it: bare, `+91…`, `+91-98123 45678`, `+91 98123 45678`.
fn mobile_form(digits: &str, form: u64) -> String {
    let (head, tail) = digits.split_at(digits.len().min(5));
    match form {
        0 => digits.to_string(),
        1 => format!("+91{digits}"),
        2 => format!("+91-{head} {tail}"),
        _ => format!("+91 {head} {tail}"),
    }
}

/// A landline with the city's STD code, e.g. `022-2345 6789` or `0141-234 5678`.
fn landline(rng: &mut SmallRng, city: &City) -> String {
    let subscriber = rng.random_range(20_000_000..70_000_000u64).to_string();
    // STD code and subscriber number always total 11 digits.
    let local = &subscriber[..subscriber.len() + 3 - city.std_code.len()];
    let (head, tail) = local.split_at(local.len() - 4);
    format!("{}-{head} {tail}", city.std_code)
}

/// A PAN: five letters (the fourth is `P` for a person, `C` for a company), four digits, a letter.
fn pan(rng: &mut SmallRng, holder: char) -> String {
    let mut letter = || char::from(b'A' + rng.random_range(0..26u8));
    let prefix: String = [letter(), letter(), letter(), holder, letter()]
        .iter()
        .collect();
    let tail = letter();
    format!("{prefix}{:04}{tail}", rng.random_range(0..10_000))
}

fn digit_or_letter(rng: &mut SmallRng) -> char {
    char::from(*pick(rng, b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
}

/// A web domain label from a company's first two words: "Café Madras Foods" → "cafemadras".
fn domain_label(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            w.chars()
                .map(|ch| match ch {
                    'é' | 'è' | 'É' => 'e',
                    other => other,
                })
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .take(2)
        .collect::<String>()
        .to_lowercase()
}

/// A company name without its legal suffix: "Indus Steel Traders Pvt Ltd" → "Indus Steel Traders".
fn without_suffix(name: &str) -> &str {
    vocabulary::COMPANY_SUFFIXES
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .map_or(name, str::trim_end)
}

/// Indian digit grouping: 12500000 → "1,25,00,000".
fn indian_grouping(n: u64) -> String {
    let digits = n.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, last3) = digits.split_at(digits.len() - 3);
    let mut out = String::new();
    for (i, ch) in head.chars().enumerate() {
        if i > 0 && (head.len() - i) % 2 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{out},{last3}")
}

/// Western digit grouping: 12000 → "12,000".
fn western_grouping(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indian_grouping_groups_lakhs_and_crores() {
        assert_eq!(indian_grouping(999), "999");
        assert_eq!(indian_grouping(1000), "1,000");
        assert_eq!(indian_grouping(45_000), "45,000");
        assert_eq!(indian_grouping(125_000), "1,25,000");
        assert_eq!(indian_grouping(12_500_000), "1,25,00,000");
    }

    #[test]
    fn western_grouping_groups_thousands() {
        assert_eq!(western_grouping(999), "999");
        assert_eq!(western_grouping(12_000), "12,000");
        assert_eq!(western_grouping(1_234_567), "1,234,567");
    }

    #[test]
    fn landlines_have_eleven_digits_and_the_std_code() {
        let mut rng = SmallRng::seed_from_u64(1);
        for city in &vocabulary::CITIES {
            let phone = landline(&mut rng, city);
            assert!(phone.starts_with(&format!("{}-", city.std_code)), "{phone}");
            assert_eq!(
                phone.chars().filter(char::is_ascii_digit).count(),
                11,
                "{phone}"
            );
        }
    }

    #[test]
    fn mobile_forms_keep_the_ten_digits() {
        for form in 0..4 {
            let written = mobile_form("9812345678", form);
            assert!(
                written.replace(['+', '-', ' '], "").ends_with("9812345678"),
                "{written}"
            );
        }
        assert_eq!(mobile_form("9812345678", 2), "+91-98123 45678");
    }

    #[test]
    fn domain_label_folds_accents_and_drops_punctuation() {
        assert_eq!(domain_label("Café Madras Foods"), "cafemadras");
        assert_eq!(domain_label("Gupta & Sons"), "guptasons");
        assert_eq!(domain_label("D’Souza Interiors"), "dsouzainteriors");
        assert_eq!(
            domain_label("SHARMA TEXTILES PVT LTD"),
            domain_label("Sharma Textiles Pvt. Ltd.")
        );
    }

    #[test]
    fn without_suffix_drops_only_a_legal_suffix() {
        assert_eq!(
            without_suffix("Indus Steel Traders Pvt Ltd"),
            "Indus Steel Traders"
        );
        assert_eq!(without_suffix("Trident Pharma Ltd."), "Trident Pharma");
        assert_eq!(without_suffix("Gupta & Sons"), "Gupta & Sons");
    }

    #[test]
    fn pan_has_the_holder_letter_fourth() {
        let mut rng = SmallRng::seed_from_u64(7);
        let p = pan(&mut rng, 'P');
        assert_eq!(p.len(), 10);
        assert_eq!(p.chars().nth(3), Some('P'));
        assert!(p[5..9].chars().all(|c| c.is_ascii_digit()), "{p}");
    }

    #[test]
    fn zero_scale_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            generate(dir.path(), 0, 1),
            Err(GeneratorError::ZeroScale)
        ));
    }

    #[test]
    fn thread_lengths_add_up_to_the_block_size() {
        assert_eq!(THREAD_LENGTHS.iter().sum::<u64>(), MESSAGES);
    }
}
