//! mapping.toml: a human-readable, diffable file, one section per module, each entry one line
//! with the tool's confidence and reason in a comment above it. The toml crate cannot write
//! comments, so the file is written by hand here and read back with serde; a second pass over the
//! lines recovers the comments and the column order (a TOML table has no order).
//!
//! ```toml
//! [columns.contacts]
//! # 0.95 · header synonym of "mobile"; 100% of samples are phone numbers
//! "Mobile No." = { target = "field", field = "Contacts.phone", status = "proposed" }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::catalogue::ValueMapKind;
use super::model::{ColumnEntry, FieldMap, FormatEntry, ModuleMap, Status, Target, ValueEntry};
use super::transform::{NumberFormat, PercentScale};
use crate::config::DateOrder;
use crate::rsoft::Module;

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Written between confidence and reason in an entry's comment.
const SEPARATOR: &str = " · ";

/// Why mapping.toml could not be read or written; each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum MapFileError {
    /// The file could not be read.
    #[error("cannot read the field map {path}: {source}. Run `crm-migrate map` to write one")]
    Read {
        /// mapping.toml.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// The file could not be written (the old one, if any, is untouched).
    #[error("cannot write the field map {path}: {source}")]
    Write {
        /// mapping.toml.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    #[error(
        "the field map {path} is not valid: {message}. Fix that line (each entry is `\"Header\" = {{ target = ..., status = ... }}`), or move the file away and run `crm-migrate map` to write a fresh one"
    )]
    /// Not valid TOML, or an entry the map cannot hold; `message` gives line and column.
    Parse {
        /// mapping.toml.
        path: PathBuf,
        /// What is wrong and where.
        message: String,
    },
    #[error(
        "the field map {path} has version {found}; this crm-migrate reads version {FORMAT_VERSION}. Regenerate it with `crm-migrate map`"
    )]
    /// Written by a crm-migrate with another format version.
    Version {
        /// mapping.toml.
        path: PathBuf,
        /// The file's `version`.
        found: u32,
    },
}

#[derive(Serialize, Deserialize)]
struct ColumnRecord {
    #[serde(flatten)]
    target: Target,
    status: Status,
}

#[derive(Serialize, Deserialize)]
struct ValueRecord {
    to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stageset: Option<String>,
    status: Status,
}

/// A `[formats.<module>]` entry: `"Deal Value" = { number_format = "1.234.567,89", status =
/// "proposed" }`, its evidence in the comment above; a percent column's also has its
/// `percent_scale` (`"percent"` or `"fraction"`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    number_format: Option<NumberFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date_order: Option<OrderName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    percent_scale: Option<PercentScale>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    excel_serial: bool,
    status: Status,
}

/// A column's date order as mapping.toml spells it; an unknown spelling is an error naming the
/// three valid ones (serde's message, placed by toml at its line and column).
#[derive(Clone, Copy, Serialize, Deserialize)]
enum OrderName {
    #[serde(rename = "day-first")]
    Day,
    #[serde(rename = "month-first")]
    Month,
    #[serde(rename = "year-first")]
    Year,
}

impl From<OrderName> for DateOrder {
    fn from(o: OrderName) -> Self {
        match o {
            OrderName::Day => DateOrder::Dmy,
            OrderName::Month => DateOrder::Mdy,
            OrderName::Year => DateOrder::Ymd,
        }
    }
}

impl From<DateOrder> for OrderName {
    fn from(o: DateOrder) -> Self {
        match o {
            DateOrder::Dmy => OrderName::Day,
            DateOrder::Mdy => OrderName::Month,
            DateOrder::Ymd => OrderName::Year,
        }
    }
}

type Sections<R> = BTreeMap<Module, BTreeMap<String, R>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u32,
    legacy_id_field: String,
    #[serde(default)]
    columns: Sections<ColumnRecord>,
    #[serde(default)]
    values: BTreeMap<Module, BTreeMap<ValueMapKind, BTreeMap<String, ValueRecord>>>,
    #[serde(default)]
    formats: Sections<FormatRecord>,
}

/// Write the map as mapping.toml text.
pub fn to_toml(map: &FieldMap) -> String {
    let mut out = String::new();
    out.push_str(
        "# crm-migrate field map. For each column: check `target`, then set status to \"confirmed\",\n\
         # \"edited\" (you changed the target) or \"ignored\". Comments give the tool's confidence and\n\
         # reason; `crm-migrate map` rewrites them and keeps every entry you decided.\n\
         # [formats.*]: how each column writes numbers (number_format, one of\n\
         # \"1,234,567.89\" \"12,34,567.89\" \"1.234.567,89\" \"1 234 567,89\" \"1 234 567.89\"\n\
         # \"1'234'567.89\" \"1'234'567,89\") and dates (date_order: \"day-first\", \"month-first\",\n\
         # \"year-first\"), decided from all its values; the load reads every value that way. A\n\
         # percent field's column also has percent_scale: \"percent\" (0-100) or \"fraction\" (0-1, x100).\n\
         # excel_serial = true: the column's dates are spreadsheet serial day numbers (45231 = 2023-11-01).\n",
    );
    let _ = writeln!(out, "version = {FORMAT_VERSION}");
    let _ = writeln!(out, "legacy_id_field = {}", quote(&map.legacy_id_field));
    for (module, module_map) in &map.modules {
        if !module_map.columns.is_empty() {
            let _ = writeln!(out, "\n[columns.{}]", module.as_str());
            for c in &module_map.columns {
                let record = ColumnRecord {
                    target: c.target.clone(),
                    status: c.status,
                };
                write_entry(&mut out, &c.header, &record, c.confidence, &c.reason);
            }
        }
        for (kind, values) in module_map.values.iter().filter(|(_, v)| !v.is_empty()) {
            let _ = writeln!(out, "\n[values.{}.{}]", module.as_str(), kind.name());
            for v in values {
                let record = ValueRecord {
                    to: v.to.clone(),
                    stageset: v.stageset.clone(),
                    status: v.status,
                };
                write_entry(&mut out, &v.from, &record, v.confidence, &v.reason);
            }
        }
        if !module_map.formats.is_empty() {
            let _ = writeln!(out, "\n[formats.{}]", module.as_str());
            for f in &module_map.formats {
                let record = FormatRecord {
                    number_format: f.number_format,
                    date_order: f.date_order.map(OrderName::from),
                    percent_scale: f.percent_scale,
                    excel_serial: f.excel_serial,
                    status: f.status,
                };
                let evidence = f.evidence.split_whitespace().collect::<Vec<_>>().join(" ");
                let _ = writeln!(out, "# {evidence}");
                let _ = writeln!(out, "{} = {}", quote(&f.header), inline_table(&record));
            }
        }
    }
    out
}

fn write_entry(
    out: &mut String,
    key: &str,
    record: &impl Serialize,
    confidence: f64,
    reason: &str,
) {
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    let _ = writeln!(out, "# {confidence:.2}{SEPARATOR}{reason}");
    let _ = writeln!(out, "{} = {}", quote(key), inline_table(record));
}

/// `{ target = "field", field = "Contacts.email", status = "proposed" }`: `target` first and
/// `status` last so the line reads left to right.
fn inline_table(record: &impl Serialize) -> String {
    let table = match toml::Value::try_from(record) {
        Ok(toml::Value::Table(t)) => t,
        _ => return "{}".into(),
    };
    let rank = |k: &str| match k {
        "target" | "to" => 0,
        "status" => 2,
        _ => 1,
    };
    let mut pairs: Vec<_> = table.iter().collect();
    pairs.sort_by_key(|(k, _)| rank(k));
    let body: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    format!("{{ {} }}", body.join(", "))
}

fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Read mapping.toml text. `path` is only for messages.
pub fn from_toml(text: &str, path: &Path) -> Result<FieldMap, MapFileError> {
    let doc: Document = toml::from_str(text).map_err(|e| MapFileError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if doc.version != FORMAT_VERSION {
        return Err(MapFileError::Version {
            path: path.to_path_buf(),
            found: doc.version,
        });
    }
    let setup = doc
        .columns
        .keys()
        .chain(doc.values.keys())
        .chain(doc.formats.keys())
        .find(|m| !m.holds_records());
    if let Some(module) = setup {
        return Err(MapFileError::Parse {
            path: path.to_path_buf(),
            message: format!(
                "{module} describes the account's setup and has no columns to map: remove its [columns.{module}], [values.{module}.*] or [formats.{module}] section"
            ),
        });
    }
    let layout = Layout::scan(text);
    let mut map = FieldMap::new(doc.legacy_id_field);
    for (module, records) in doc.columns {
        let section = format!("columns.{}", module.as_str());
        let columns = layout
            .ordered(&section, records)
            .map(|(header, record, comment)| {
                let note = Note::of(comment);
                ColumnEntry {
                    header,
                    target: record.target,
                    confidence: note.confidence,
                    reason: note.reason,
                    status: record.status,
                }
            })
            .collect();
        map.modules.entry(module).or_default().columns = columns;
    }
    for (module, records) in doc.formats {
        let section = format!("formats.{}", module.as_str());
        let formats = layout
            .ordered(&section, records)
            .map(|(header, record, comment)| FormatEntry {
                header,
                number_format: record.number_format,
                date_order: record.date_order.map(DateOrder::from),
                percent_scale: record.percent_scale,
                excel_serial: record.excel_serial,
                evidence: comment.unwrap_or_else(|| Note::hand_written().reason),
                status: record.status,
            })
            .collect();
        map.modules.entry(module).or_default().formats = formats;
    }
    for (module, kinds) in doc.values {
        let module_map: &mut ModuleMap = map.modules.entry(module).or_default();
        for (kind, records) in kinds {
            let section = format!("values.{}.{}", module.as_str(), kind.name());
            let entries = layout
                .ordered(&section, records)
                .map(|(from, record, comment)| {
                    let note = Note::of(comment);
                    ValueEntry {
                        from,
                        to: record.to,
                        stageset: record.stageset,
                        confidence: note.confidence,
                        reason: note.reason,
                        status: record.status,
                    }
                })
                .collect();
            module_map.values.insert(kind, entries);
        }
    }
    Ok(map)
}

/// Read mapping.toml at `path`. Errors: it cannot be read, or does not parse ([`from_toml`]).
pub fn load(path: &Path) -> Result<FieldMap, MapFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| MapFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    from_toml(&text, path)
}

/// The map at `path`, or `None` when there is no file there yet.
pub fn load_if_exists(path: &Path) -> Result<Option<FieldMap>, MapFileError> {
    if path.exists() {
        load(path).map(Some)
    } else {
        Ok(None)
    }
}

/// Write `map` to `path` atomically ([`crate::atomic_file::write`]): a failed write leaves the
/// operator's file as it was.
pub fn save(path: &Path, map: &FieldMap) -> Result<(), MapFileError> {
    crate::atomic_file::write(path, to_toml(map).as_bytes()).map_err(|source| MapFileError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Confidence and reason recovered from an entry's comment.
#[derive(Clone)]
struct Note {
    confidence: f64,
    reason: String,
}

impl Note {
    fn parse(comment: &str) -> Option<Note> {
        let (confidence, reason) = comment.split_once(SEPARATOR)?;
        let confidence: f64 = confidence.trim().parse().ok()?;
        Some(Note {
            confidence: confidence.clamp(0.0, 1.0),
            reason: reason.trim().to_string(),
        })
    }

    /// The note of an entry's comment; an entry without one was written by hand.
    fn of(comment: Option<String>) -> Note {
        comment
            .as_deref()
            .and_then(Note::parse)
            .unwrap_or_else(Note::hand_written)
    }

    /// An entry the operator wrote without a comment.
    fn hand_written() -> Note {
        Note {
            confidence: 0.0,
            reason: "written by hand".into(),
        }
    }
}

/// Per section, the keys in file order and the comment above each.
struct Layout {
    sections: HashMap<String, Vec<(String, Option<String>)>>,
}

impl Layout {
    fn scan(text: &str) -> Layout {
        let mut sections: HashMap<String, Vec<(String, Option<String>)>> = HashMap::new();
        let mut section = String::new();
        let mut comment: Option<&str> = None;
        for line in text.lines().map(str::trim) {
            if let Some(c) = line.strip_prefix('#') {
                comment = Some(c.trim());
            } else if line.starts_with('[') {
                section = line.trim_matches(['[', ']']).trim().to_string();
                comment = None;
            } else if let Some(key) = line_key(line) {
                let comment = comment.take().map(str::to_string);
                sections
                    .entry(section.clone())
                    .or_default()
                    .push((key, comment));
            } else {
                comment = None;
            }
        }
        Layout { sections }
    }

    /// The records of a section in file order (any the scan missed come last), each with the
    /// comment above it.
    fn ordered<R>(
        &self,
        section: &str,
        mut records: BTreeMap<String, R>,
    ) -> impl Iterator<Item = (String, R, Option<String>)> {
        let mut out = Vec::with_capacity(records.len());
        for (key, comment) in self.sections.get(section).into_iter().flatten() {
            if let Some(record) = records.remove(key) {
                out.push((key.clone(), record, comment.clone()));
            }
        }
        out.extend(records.into_iter().map(|(k, r)| (k, r, None)));
        out.into_iter()
    }
}

/// The key of a one-line `key = value` entry, parsed by toml itself so quoting is exact.
fn line_key(line: &str) -> Option<String> {
    if !line.contains('=') {
        return None;
    }
    let table: toml::Table = toml::from_str(line).ok()?;
    let mut keys = table.keys();
    let key = keys.next()?.clone();
    keys.next().is_none().then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::catalogue::ValueKind;
    use crate::mapping::model::tests::{entry, field};
    use crate::mapping::model::{LookupKey, RelatedPart, stage_key};
    use crate::nutshell::EntityType;

    fn sample_map() -> FieldMap {
        let mut map = FieldMap::new("RSoft ID");
        let mut contacts = ModuleMap {
            columns: vec![
                entry("Contact ID", Target::LegacyId, 1.0, Status::Confirmed),
                entry(
                    "Mobile No.",
                    field("Contacts.phone"),
                    0.93,
                    Status::Proposed,
                ),
                entry(
                    "GST \"Number\"",
                    Target::Custom {
                        name: "GST Number".into(),
                        kind: ValueKind::Text,
                        create: true,
                    },
                    0.7,
                    Status::Edited,
                ),
                entry(
                    "Company ID",
                    Target::Lookup {
                        entity: EntityType::Accounts,
                        by: LookupKey::RsoftId,
                    },
                    0.9,
                    Status::Proposed,
                ),
                entry("Tags", Target::Tags, 0.95, Status::Proposed),
                entry("Fax", Target::Unmapped, 0.31, Status::Proposed),
                entry("Modified On", Target::Ignore, 0.8, Status::Ignored),
                entry(
                    "Notes\\Extra",
                    Target::Note {
                        label: "Notes".into(),
                    },
                    0.6,
                    Status::Proposed,
                ),
            ],
            ..ModuleMap::default()
        };
        contacts.values.insert(
            ValueMapKind::LifecycleStage,
            vec![ValueEntry {
                from: "Customer".into(),
                to: "Customer".into(),
                stageset: None,
                confidence: 0.8,
                reason: "same name".into(),
                status: Status::Proposed,
            }],
        );
        map.modules.insert(Module::Contacts, contacts);
        let mut activities = ModuleMap {
            columns: vec![entry(
                "Related ID",
                Target::Related {
                    part: RelatedPart::Id,
                },
                0.9,
                Status::Confirmed,
            )],
            ..ModuleMap::default()
        };
        activities.values.insert(
            ValueMapKind::Stage,
            vec![ValueEntry {
                from: stage_key("Sales", "Negotiation"),
                to: "Negotiation".into(),
                stageset: Some("Sales".into()),
                confidence: 0.55,
                reason: "multi\nline reason".into(),
                status: Status::Confirmed,
            }],
        );
        activities.formats = vec![
            FormatEntry {
                header: "Value".into(),
                number_format: NumberFormat::from_name("comma_point"),
                date_order: None,
                percent_scale: None,
                excel_serial: false,
                evidence: "4 of 4 distinct values read as 1.234.567,89 (decided by \"2.750.000\")"
                    .into(),
                status: Status::Proposed,
            },
            FormatEntry {
                header: "Chance".into(),
                number_format: NumberFormat::from_name("point_comma"),
                date_order: None,
                percent_scale: Some(PercentScale::Fraction),
                excel_serial: false,
                evidence: "all 2 distinct values between 0 and 1, e.g. 0.5 (line 2), 0.75 (line 3): read as fractions ×100".into(),
                status: Status::Proposed,
            },
            FormatEntry {
                header: "Due Date".into(),
                number_format: None,
                date_order: Some(DateOrder::Mdy),
                percent_scale: None,
                excel_serial: false,
                evidence: "12 dates month-first (e.g. 04/25/2026)".into(),
                status: Status::Edited,
            },
        ];
        map.modules.insert(Module::Activities, activities);
        map
    }

    #[test]
    fn write_read_write_is_stable_and_keeps_everything() {
        let map = sample_map();
        let text = to_toml(&map);
        let back = from_toml(&text, Path::new("mapping.toml")).unwrap();
        assert_eq!(to_toml(&back), text);
        // Everything but the whitespace folded in reasons survives.
        let mut expected = map.clone();
        expected
            .modules
            .get_mut(&Module::Activities)
            .unwrap()
            .values
            .get_mut(&ValueMapKind::Stage)
            .unwrap()[0]
            .reason = "multi line reason".into();
        assert_eq!(back, expected);
    }

    #[test]
    fn file_is_readable() {
        let text = to_toml(&sample_map());
        assert!(text.contains("[columns.contacts]\n# 1.00 · test reason for Contact ID\n\"Contact ID\" = { target = \"legacy_id\", status = \"confirmed\" }\n"), "{text}");
        assert!(text.contains("\"Mobile No.\" = { target = \"field\", field = \"Contacts.phone\", status = \"proposed\" }"), "{text}");
        assert!(text.contains("[values.activities.stage]\n# 0.55 · multi line reason\n\"Sales / Negotiation\" = { to = \"Negotiation\", stageset = \"Sales\", status = \"confirmed\" }"), "{text}");
        assert!(text.contains("[formats.activities]\n# 4 of 4 distinct values read as 1.234.567,89 (decided by \"2.750.000\")\n\"Value\" = { number_format = \"1.234.567,89\", status = \"proposed\" }\n# all 2 distinct values between 0 and 1, e.g. 0.5 (line 2), 0.75 (line 3): read as fractions ×100\n\"Chance\" = { number_format = \"1,234,567.89\", percent_scale = \"fraction\", status = \"proposed\" }\n# 12 dates month-first (e.g. 04/25/2026)\n\"Due Date\" = { date_order = \"month-first\", status = \"edited\" }\n"), "{text}");
    }

    #[test]
    fn formats_are_read_strictly() {
        let path = Path::new("mapping.toml");
        let text = to_toml(&sample_map());
        // The operator's override, in either spelling, is read.
        let edited = text.replace(
            "number_format = \"1.234.567,89\", status = \"proposed\"",
            "number_format = \"point_indian\", status = \"edited\"",
        );
        let map = from_toml(&edited, path).unwrap();
        let format = map.modules[&Module::Activities].column_format("Value");
        assert_eq!(format.number.map(NumberFormat::name), Some("point_indian"));
        assert_eq!(
            map.modules[&Module::Activities]
                .column_format("Due Date")
                .date_order,
            Some(DateOrder::Mdy)
        );
        assert_eq!(
            map.modules[&Module::Activities]
                .column_format("Chance")
                .percent_scale,
            Some(PercentScale::Fraction)
        );
        for (from, to, valid) in [
            (
                "number_format = \"1.234.567,89\"",
                "number_format = \"1.234,56\"",
                "\"12,34,567.89\"",
            ),
            (
                "date_order = \"month-first\"",
                "date_order = \"mdy\"",
                "day-first",
            ),
            (
                "date_order = \"month-first\"",
                "date_order = \"month-first\", decimal = \".\"",
                "date_order",
            ),
            (
                "percent_scale = \"fraction\"",
                "percent_scale = \"fractions\"",
                "`percent` or `fraction`",
            ),
        ] {
            let bad = text.replace(from, to);
            let line = bad.lines().position(|l| l.contains(to)).unwrap() + 1;
            let e = from_toml(&bad, path).unwrap_err().to_string();
            for part in ["mapping.toml", &format!("line {line}, column"), valid] {
                assert!(e.contains(part), "{part:?} missing from: {e}");
            }
        }
    }

    #[test]
    fn operator_edits_are_read() {
        let text = to_toml(&sample_map()).replace(
            "\"Fax\" = { target = \"unmapped\", status = \"proposed\" }",
            "\"Fax\" = { target = \"field\", field = \"Contacts.phone\", status = \"edited\" }",
        ) + "\n[columns.companies]\n\"Company Name\" = { target = \"field\", field = \"Accounts.name\", status = \"confirmed\" }\n";
        let map = from_toml(&text, Path::new("m.toml")).unwrap();
        let fax = map.modules[&Module::Contacts].column("Fax").unwrap();
        assert_eq!(
            (fax.target.clone(), fax.status),
            (field("Contacts.phone"), Status::Edited)
        );
        assert_eq!(fax.confidence, 0.31, "the comment above still applies");
        let name = map.modules[&Module::Companies]
            .column("Company Name")
            .unwrap();
        assert_eq!(
            (name.status, name.reason.as_str()),
            (Status::Confirmed, "written by hand")
        );
    }

    #[test]
    fn bad_files_say_where_and_what() {
        let path = Path::new("mapping.toml");
        // `from` replaced by `to` in the sample map is refused, the message naming the file, the
        // line of `to` and its column, and `said`.
        let refused = |from: &str, to: &str, said: &str| {
            let text = to_toml(&sample_map());
            assert!(text.contains(from), "{text}");
            let bad = text.replace(from, to);
            let line = bad.lines().position(|l| l.contains(to)).unwrap() + 1;
            let e = from_toml(&bad, path).unwrap_err().to_string();
            for part in [
                "mapping.toml".to_string(),
                format!("line {line}, column"),
                said.to_string(),
                "Fix that line".to_string(),
            ] {
                assert!(e.contains(&part), "{part:?} missing from: {e}");
            }
        };
        refused("target = \"tags\"", "target = \"tag\"", "\"tag\"");
        // An entity type Nutshell has but the map cannot name (Teams) is refused like any other
        // unknown word, listing the valid ones.
        refused(
            "entity = \"Accounts\"",
            "entity = \"Teams\"",
            "unknown entity type \"Teams\": use one of Accounts, Contacts, Leads, Activities, Tasks, Notes, Users",
        );
        let e = from_toml("version = 2\nlegacy_id_field = \"x\"\n", path).unwrap_err();
        assert!(matches!(e, MapFileError::Version { found: 2, .. }), "{e}");
        let e = from_toml(
            "version = 1\nlegacy_id_field = \"x\"\n[columns.widgets]\n",
            path,
        )
        .unwrap_err();
        assert!(e.to_string().contains("widgets"), "{e}");
        // Setup modules are RSoft modules, but have nothing to map.
        let e = from_toml(
            "version = 1\nlegacy_id_field = \"x\"\n[columns.pipelines]\n",
            path,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("remove its [columns.pipelines]"),
            "{e}"
        );
        let e = load(Path::new("/nonexistent/mapping.toml")).unwrap_err();
        assert!(e.to_string().contains("crm-migrate map"), "{e}");
    }

    #[test]
    fn save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mapping.toml");
        save(&path, &sample_map()).unwrap();
        assert_eq!(load(&path).unwrap().modules.len(), 2);
    }
}
