//! Discovery: one streaming pass over an RSoft export that produces the migration scope report —
//! per-module counts and column profiles, owners, pipelines, custom fields, workflows, gaps, a
//! complexity grade, a timeline estimate and a Nutshell plan recommendation.

pub mod custom_fields;
pub mod gaps;
pub mod integrity;
pub mod markdown;
pub mod owners;
pub mod pipelines;
pub mod scope;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use crate::mapping::transform::email::is_role_mailbox;
use crate::numbers::format::{DecimalMark, FormatDecision};
use crate::rsoft::{
    ColumnKind, ColumnProfile, ColumnProfiler, DateEvidence, DateOrderVerdict, Delimiter, Export,
    ExportFile, ExportKind, Finding, LineEndCounts, LineEnding, Module, ReadError, RowRef,
    Severity, TextEncoding,
};
use crate::vocabulary::Vocabulary;
use custom_fields::{CustomField, CustomFieldCount, CustomFieldSet};
use gaps::Gap;
use integrity::{Integrity, IntegrityTally, RowFields};
use owners::{Owner, OwnerTally, User};
use pipelines::{Pipeline, PipelineTally};
use scope::{Estimate, Grade, GradeScore, PlanRecommendation, ScopeInputs};

/// Bad rows listed one by one per file; the rest are counted.
const LISTED_BAD_ROWS: u64 = 50;
/// Workflows listed in the inventory; the rest are counted.
const LISTED_WORKFLOWS: usize = 500;

/// One CSV file of the export, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectReport {
    /// `None` for a file that matched no module (also listed in `unknown_files`).
    pub module: Option<Module>,
    /// The file's path inside the export.
    pub file: String,
    /// How sure the classification is, 0–1 (see `rsoft::modules::classify`).
    pub confidence: f64,
    /// Why the file was classified so, one reason each.
    pub evidence: Vec<String>,
    /// Data rows: `read_rows + bad_rows`.
    pub rows: u64,
    /// Rows read as records.
    pub read_rows: u64,
    /// Rows that could not be read, each reported as a warning with its line.
    pub bad_rows: u64,
    /// The text encoding the file was read as, by its WHATWG label (`UTF-8`, `UTF-16LE`,
    /// `UTF-16BE`, `windows-1252`).
    pub encoding: TextEncoding,
    /// The file starts with a byte order mark.
    #[serde(default)]
    pub bom: bool,
    /// The field separator.
    pub delimiter: Delimiter,
    /// `CRLF`, `LF`, `mixed` or `none` (a single line).
    pub line_ending: LineEnding,
    /// For a `mixed` file, how many lines end each way (counted in its first 64 KiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mixed_line_ends: Option<LineEndCounts>,
    /// How encoding, delimiter and line endings were decided.
    pub decided: String,
    /// One profile per column, in header order.
    pub columns: Vec<ColumnProfile>,
}

/// A workflow from the workflows file, for the inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workflow {
    /// The workflow's name.
    pub name: String,
    /// The RSoft module it acts on, as written.
    pub module: String,
    /// What starts it, as written.
    pub trigger: String,
    /// Its conditions, as written.
    pub conditions: String,
    /// What it does, as written; rebuilt by hand in Nutshell.
    pub actions: String,
    /// Active or inactive, as written.
    pub status: String,
}

/// The export's workflows: Nutshell has no API to create automations, so they are listed for the
/// customer to rebuild.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workflows {
    /// Workflows in the file.
    pub count: u64,
    /// The first 500; `count` has them all.
    pub inventory: Vec<Workflow>,
}

/// The dates of all data modules together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateOrderSummary {
    /// The order all date columns agree on, or `Conflicting`/`Ambiguous`.
    pub verdict: DateOrderVerdict,
    /// The counts behind it, summed over every date column.
    pub evidence: DateEvidence,
}

/// The scope report: what `discover` prints as Markdown or JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The export's path as given (folder or .zip).
    pub export: String,
    /// Folder or zip.
    pub export_kind: ExportKind,
    /// Every CSV file, classified and profiled.
    pub objects: Vec<ObjectReport>,
    /// Files matching no module (also in `objects` with `module: None`).
    pub unknown_files: Vec<String>,
    /// Data rows of modules that hold records (users, pipelines and workflows excluded).
    pub records: u64,
    /// Distinct owners across modules, with their records.
    pub owners: Vec<Owner>,
    /// RSoft pipelines with their stages.
    pub pipelines: Vec<Pipeline>,
    /// Custom fields found (headers outside each module's standard columns).
    pub custom_fields: Vec<CustomField>,
    /// Custom fields per module, against RSoft's cap of 5.
    pub custom_field_counts: Vec<CustomFieldCount>,
    /// Workflows to rebuild by hand.
    pub workflows: Workflows,
    /// Files of the export CSV cannot carry (attachments, images…), for hand-over.
    pub gaps: Vec<Gap>,
    /// The date order over every date column.
    pub date_order: DateOrderSummary,
    /// What the load would hold or should merge: references to nothing, duplicate companies,
    /// contacts sharing an email.
    pub integrity: Integrity,
    /// Findings from reading the files (bad rows, replaced characters, ambiguous owners).
    pub warnings: Vec<Finding>,
    /// Simple, moderate or complex ([`scope::grade`]).
    pub grade: Grade,
    /// The grade's points with the rule that gave each.
    pub grade_score: GradeScore,
    /// The rule turning points into a grade ([`scope::GRADE_RULES`]).
    pub grade_rules: String,
    /// Working days, with the rules used.
    pub estimate: Estimate,
    /// The Nutshell plan the scope needs.
    pub plan: PlanRecommendation,
    /// The customer's to-do list: what the API cannot create or CSV cannot carry.
    pub manual_steps: Vec<String>,
}

/// Opens an export (folder or `.zip`) and discovers it.
pub fn discover_path(path: impl AsRef<Path>) -> Result<Report, ReadError> {
    let export = Export::open(path)?;
    discover(&export)
}

/// Everything gathered while streaming files; one per file, merged in file order.
#[derive(Default)]
struct Pass {
    objects: Vec<ObjectReport>,
    owners: OwnerTally,
    pipelines: PipelineTally,
    definitions: Vec<Definition>,
    workflows: Vec<Workflow>,
    workflow_count: u64,
    users: Vec<User>,
    integrity: IntegrityTally,
    warnings: Vec<Finding>,
}

/// Users kept from the users file (a bound on memory; real accounts have far fewer).
const MAX_USERS: usize = 10_000;

/// A row of the custom-field definitions file.
struct Definition {
    module: Module,
    name: String,
    field_type: String,
    options: String,
}

impl Report {
    /// The warnings about one column of one file (`Contacts.csv`, `Phone`), by their
    /// [`Finding::column`]: what a spreadsheet did to its values, what the load will do with them
    /// and what to do ([`column_warnings`] writes most). [`Finding::detail`] gives each without
    /// its `column "Phone": ` opening, for a view that shows the column already.
    pub fn column_findings<'a>(
        &'a self,
        file: &'a str,
        header: &str,
    ) -> impl Iterator<Item = &'a Finding> + use<'a> {
        let header = header.to_string();
        self.warnings
            .iter()
            .filter(move |w| w.file == file && w.column.as_deref() == Some(header.as_str()))
    }
}

impl Pass {
    fn merge(&mut self, other: Pass) {
        self.objects.extend(other.objects);
        self.owners.merge(other.owners);
        self.pipelines.merge(other.pipelines);
        self.definitions.extend(other.definitions);
        let room = LISTED_WORKFLOWS.saturating_sub(self.workflows.len());
        self.workflows
            .extend(other.workflows.into_iter().take(room));
        self.workflow_count += other.workflow_count;
        let room = MAX_USERS.saturating_sub(self.users.len());
        self.users.extend(other.users.into_iter().take(room));
        self.integrity.merge(other.integrity);
        self.warnings.extend(other.warnings);
    }
}

/// Streams every CSV file once, several at a time, and builds the report. Fails only if a file
/// cannot be opened.
pub fn discover(export: &Export) -> Result<Report, ReadError> {
    let mut pass = Pass::default();
    pass.warnings.extend(export.unreadable().iter().cloned());
    if export.files().is_empty() && export.unreadable().is_empty() {
        pass.warnings.push(Finding {
            severity: Severity::Warning,
            file: export.root().display().to_string(),
            line: None,
            column: None,
            message: "no CSV files in the export: check the path (a folder of RSoft CSV files, or a .zip of them)".to_string(),
        });
    }
    if !export.skipped().is_empty() {
        pass.warnings.push(Finding {
            severity: Severity::Warning,
            file: export.root().display().to_string(),
            line: None,
            column: None,
            message: format!(
                "skipped {} file(s) that are no export data (operating-system clutter, or not regular files): {}",
                export.skipped().len(),
                export.skipped().join(", ")
            ),
        });
    }
    for file_pass in read_files(export)? {
        pass.merge(file_pass);
    }
    let Pass {
        objects,
        owners,
        pipelines,
        definitions,
        workflows,
        workflow_count,
        users,
        integrity,
        mut warnings,
    } = pass;
    let integrity = integrity.finish();
    warnings.extend(integrity_warnings(&integrity));
    let mut custom = CustomFieldSet::default();
    for d in definitions {
        custom.definition(d.module, &d.name, &d.field_type, &d.options);
    }

    let mut date_evidence = DateEvidence::default();
    let mut undecided_date_columns = 0;
    let declared = export_date_order(&objects);
    for o in &objects {
        let Some(module) = o.module else { continue };
        for c in &o.columns {
            custom.column(c, module);
            warnings.extend(column_warnings(&o.file, c, declared));
            if let Some(d) = &c.dates {
                date_evidence.absorb(d);
                if matches!(
                    c.date_order,
                    Some(DateOrderVerdict::Ambiguous | DateOrderVerdict::Conflicting)
                ) {
                    undecided_date_columns += 1;
                    warnings.push(Finding::about_column(
                        Severity::Warning,
                        &o.file,
                        None,
                        &c.header,
                        &date_warning(c, d),
                    ));
                }
            }
        }
    }
    if owners.overflow > 0 {
        warnings.push(Finding {
            severity: Severity::Warning,
            file: export.root().display().to_string(),
            line: None,
            column: None,
            message: format!("more than {} distinct owner values: {} cells beyond that are not listed. Check that the owner columns hold owners", owners::MAX_OWNERS, owners.overflow),
        });
    }
    let owners = owners.finish(&users);
    for o in owners.iter().filter(|o| !o.ambiguous.is_empty()) {
        let fits: Vec<String> = o
            .ambiguous
            .iter()
            .map(|u| format!("{} <{}>", u.name, u.email))
            .collect();
        warnings.push(Finding {
            severity: Severity::Warning,
            file: export.root().display().to_string(),
            line: None,
            column: None,
            message: format!(
                "owner {:?} ({} records) fits {} users equally ({}): none is picked; write the user's email in owners.toml",
                o.raw,
                o.records,
                fits.len(),
                fits.join(", ")
            ),
        });
    }
    let pipelines = pipelines.finish();
    let (custom_fields, custom_field_counts) = custom.finish();
    let gaps: Vec<Gap> = export.others().iter().map(gaps::gap_of).collect();
    let unknown_files: Vec<String> = objects
        .iter()
        .filter(|o| o.module.is_none())
        .map(|o| o.file.clone())
        .collect();
    let record_objects = || {
        objects
            .iter()
            .filter(|o| o.module.is_some_and(Module::holds_records))
    };
    let records = record_objects().map(|o| o.rows).sum();
    let mut record_modules: Vec<Module> = record_objects().filter_map(|o| o.module).collect();
    record_modules.sort();
    record_modules.dedup();
    let inputs = ScopeInputs {
        records,
        bad_rows: objects.iter().map(|o| o.bad_rows).sum(),
        record_modules: record_modules.len(),
        custom_fields: &custom_field_counts,
        pipelines: &pipelines,
        workflows: workflow_count,
        gaps: &gaps,
        undecided_date_columns,
    };
    let (grade, grade_score) = scope::grade(&inputs);
    let estimate = scope::estimate(grade, &inputs);
    let plan = scope::plan(&inputs);
    let manual_steps = scope::manual_steps(&pipelines, &workflows, workflow_count, &gaps);
    Ok(Report {
        export: export.root().display().to_string(),
        export_kind: export.kind(),
        objects,
        unknown_files,
        records,
        owners,
        pipelines,
        custom_fields,
        custom_field_counts,
        workflows: Workflows {
            count: workflow_count,
            inventory: workflows,
        },
        gaps,
        integrity,
        date_order: DateOrderSummary {
            verdict: date_evidence.verdict(),
            evidence: date_evidence,
        },
        warnings,
        grade,
        grade_score,
        grade_rules: scope::GRADE_RULES.to_string(),
        estimate,
        plan,
        manual_steps,
    })
}

/// The order most date columns prove (the export's own order): day-first or month-first, by
/// the number of columns proving each; `None` when no column proves either or they tie.
fn export_date_order(objects: &[ObjectReport]) -> Option<DateOrderVerdict> {
    let columns = || objects.iter().flat_map(|o| &o.columns);
    let proving = |v: DateOrderVerdict| columns().filter(|c| c.date_order == Some(v)).count();
    let (day, month) = (
        proving(DateOrderVerdict::DayFirst),
        proving(DateOrderVerdict::MonthFirst),
    );
    match day.cmp(&month) {
        std::cmp::Ordering::Greater => Some(DateOrderVerdict::DayFirst),
        std::cmp::Ordering::Less => Some(DateOrderVerdict::MonthFirst),
        std::cmp::Ordering::Equal => None,
    }
}

/// The warnings one column's profile calls for: damage a spreadsheet did, several values in a
/// cell, its number format, and a date order contradicting the rest of the export.
fn column_warnings(
    file: &str,
    c: &ColumnProfile,
    declared: Option<DateOrderVerdict>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut warn = |severity, detail: String| {
        out.push(Finding::about_column(
            severity, file, None, &c.header, &detail,
        ))
    };
    let f = &c.flags;
    // (flag, what its cells are, what it means and what to do); `{examples}` as in each.
    let flagged = [
        (
            &f.scientific_notation,
            "values in scientific notation",
            "a spreadsheet dropped their digits and they cannot be recovered. Re-export from RSoft and do not open the file in a spreadsheet (or import the column as text); these values are rejected, never guessed",
            false,
        ),
        (
            &f.lost_characters,
            "values with characters lost to '?'",
            "the file was saved in a non-Unicode encoding. Re-export from RSoft as UTF-8",
            false,
        ),
        (
            &f.multi_valued,
            "cells hold several values",
            "they are split on ; , / and new lines into Nutshell's several emails or phones",
            true,
        ),
        (
            &f.bracketed_negative,
            "amounts in accounting brackets",
            "they are read as negative amounts: check they are refunds or credit notes",
            false,
        ),
        (
            &f.placeholder_dates,
            "placeholder dates",
            "a CRM writes these for \"no date\". The load leaves the field blank and says so in the row's outcome; an activity whose start is one fails, as it needs a real start",
            false,
        ),
        (
            &f.placeholders,
            "placeholders for an unknown value",
            "someone wrote these for \"not known\". Mapped to a typed field or a reference, they are blanks: the load leaves the field blank (a reference links no record) and says so in the row's outcome; a value a record needs (an activity's start) fails its row",
            false,
        ),
        (
            &f.formulas,
            "spreadsheet formulas, not their values",
            "the file was saved with the formulas' text. Re-export with values, not formulas (in the spreadsheet, copy the column and paste it as values); in a typed field each fails its row, and =HYPERLINK(\"url\", …) in a web-address field gives its url",
            false,
        ),
    ];
    let invisible = &f.invisible_characters;
    if !invisible.is_empty() {
        let examples: Vec<String> = invisible
            .examples
            .iter()
            .map(|e| crate::cells::show_invisible(e))
            .collect();
        warn(
            Severity::Warning,
            format!(
                "{} ids hold characters no one sees (e.g. {}; line(s) {}): zero-width or no-break spaces, word joiners or byte order marks copied in with them. Ids are compared without them, in this report's integrity check and in the load (C1 and C1<U+200B> are one id); remove them in RSoft if other tools read these ids",
                invisible.count,
                examples.join(", "),
                invisible.lines_text()
            ),
        );
    }
    let serials = &f.excel_serials;
    if let Some(first) = serials.examples.first() {
        let example = crate::dates::excel_serial(first)
            .map_or_else(|| first.clone(), |d| format!("{first} = {d}"));
        let message = if c.excel_serial {
            format!(
                "all {} values are spreadsheet serial day numbers (e.g. {example}; line(s) {}), not written dates: a spreadsheet saved the dates as numbers. They are read as days since 1899-12-30 (Excel's 1900 system; `excel_serial = true` in [formats] of mapping.toml): check the example, or re-export from RSoft without opening the file in a spreadsheet",
                serials.count,
                serials.lines_text()
            )
        } else {
            format!(
                "{} values are spreadsheet serial day numbers among written dates (e.g. {example}; line(s) {}): a date column is read one way only, so they fail the load. Correct them in RSoft (or in the file) and re-export",
                serials.count,
                serials.lines_text()
            )
        };
        warn(Severity::Warning, message);
    }
    if let (Some(width), false) = (c.code_width, f.short_codes.is_empty()) {
        let short = &f.short_codes;
        warn(
            Severity::Warning,
            format!(
                "{} code(s) shorter than the column's other {width}-digit codes (e.g. {}; line(s) {}): a spreadsheet read the column as numbers and dropped their leading zeros (02134 became 2134). Format the column as text in the spreadsheet and re-export from RSoft, or correct these cells in RSoft; the load takes them as written",
                short.count,
                short.examples.join(", "),
                short.lines_text()
            ),
        );
    }
    for (flag, cells, meaning, one_quoted) in flagged {
        if flag.is_empty() {
            continue;
        }
        let examples = if one_quoted {
            format!("{:?}", flag.examples.first().map_or("", String::as_str))
        } else {
            flag.examples.join(", ")
        };
        warn(
            Severity::Warning,
            format!(
                "{} {cells} (e.g. {examples}; line(s) {}): {meaning}",
                flag.count,
                flag.lines_text()
            ),
        );
    }
    if let Some(n) = &c.number_format {
        if let (Some(other), Some(e)) = (n.ambiguous_with, &n.ambiguous_example) {
            warn(
                Severity::Warning,
                format!(
                    "numbers like {e:?} read differently as {} and as {}; no value decides it: confirm number_format for this column in mapping.toml",
                    n.format.example(),
                    other.example()
                ),
            );
        } else if n.readable < n.values {
            warn(
                Severity::Warning,
                format!(
                    "written like {} ({}); {} distinct values cannot be read that way and will be rejected, never read another way",
                    n.format.example(),
                    n.evidence(),
                    n.values - n.readable
                ),
            );
        }
    }
    if let Some(n) = c.number_format.as_ref().filter(|n| {
        matches!(c.inferred, ColumnKind::Money | ColumnKind::Number) && !n.three_decimals.is_empty()
    }) {
        warn(
            Severity::Warning,
            format!(
                "written like {}, which reads {} distinct value{} with three decimals (e.g. {}), while {} reads them as whole thousands: the column may mix two locales. Check these rows, then confirm number_format for this column in mapping.toml",
                n.format.example(),
                n.three_decimals.values,
                if n.three_decimals.values == 1 {
                    ""
                } else {
                    "s"
                },
                n.three_decimals.examples_text(),
                match n.format.decimal {
                    DecimalMark::Point => "1.234.567,89",
                    DecimalMark::Comma => "1,234,567.89",
                },
            ),
        );
    }
    if let (Some(declared), Some(own), Some(d)) = (declared, c.date_order, &c.dates) {
        let (example, order, key) = match own {
            DateOrderVerdict::MonthFirst => (&d.month_first_example, "month-first", "mdy"),
            DateOrderVerdict::DayFirst => (&d.day_first_example, "day-first", "dmy"),
            _ => (&None, "", ""),
        };
        if own != declared && !key.is_empty() {
            warn(
                Severity::Warning,
                format!(
                    "writes {order} dates (e.g. {}) while the rest of the export is {}: map sets date_order = {key:?} for this column in mapping.toml; check it",
                    example.as_deref().unwrap_or("?"),
                    if declared == DateOrderVerdict::DayFirst {
                        "day-first"
                    } else {
                        "month-first"
                    },
                ),
            );
        }
    }
    out
}

/// Why column `c`'s date order is undecided ([`Finding::about_column`]'s detail).
fn date_warning(c: &ColumnProfile, d: &DateEvidence) -> String {
    match c.date_order {
        Some(DateOrderVerdict::Conflicting) => format!(
            "mixes day-first ({}, e.g. {}) and month-first ({}, e.g. {}) dates: fix the file, or declare date_order and expect the other rows to be held",
            d.day_first,
            d.day_first_example.as_deref().unwrap_or("?"),
            d.month_first,
            d.month_first_example.as_deref().unwrap_or("?"),
        ),
        _ => format!(
            "no date proves day-first or month-first ({} ambiguous, e.g. {}): declare [source] date_order in the config",
            d.ambiguous,
            d.ambiguous_example.as_deref().unwrap_or("?"),
        ),
    }
}

/// Lets the decimal mark some columns of one file prove decide the columns no value of their
/// own decides ([`crate::numbers::format::decide_by_file`]); returns the warning when columns of
/// the file prove contrary marks (then each keeps its own verdict).
fn decide_numbers_by_file(columns: &mut [ColumnProfile]) -> Option<String> {
    let mut decisions: Vec<(&str, &mut FormatDecision)> = columns
        .iter_mut()
        .filter_map(|c| Some((c.header.as_str(), c.number_format.as_mut()?)))
        .collect();
    let ((comma, comma_example), (point, point_example)) =
        crate::numbers::format::decide_by_file(&mut decisions)?;
    Some(format!(
        "columns prove contrary decimal marks: {comma:?} a decimal comma (e.g. {comma_example:?}), {point:?} a decimal point (e.g. {point_example:?}); one locale usually writes a whole file, so check both columns. Each keeps the format its own values prove; a column no value decides stays undecided: confirm its number_format in mapping.toml"
    ))
}

/// The roles of a file's columns that discovery reads beyond profiling, found by the export's
/// vocabulary (so an extension's spelling of a standard column counts as the built-in one).
struct Roles<'v> {
    owners: Vec<usize>,
    pipeline: Option<usize>,
    stage: Option<usize>,
    order: Option<usize>,
    probability: Option<usize>,
    /// The module's own RSoft ID column (`Deal ID`).
    id: Option<usize>,
    /// The row's currency (`Currency` on deals): how many decimals its amounts have.
    currency: Option<usize>,
    /// Each standard column present, by its canonical header; the first column wins.
    by_canonical: Vec<(&'v str, usize)>,
}

impl<'v> Roles<'v> {
    fn of(vocabulary: &'v Vocabulary, module: Option<Module>, headers: &[String]) -> Roles<'v> {
        let mut by_canonical = Vec::new();
        if let Some(m) = module {
            for (i, h) in headers.iter().enumerate() {
                if let Some(c) = vocabulary.canonical_header(m, h) {
                    if !by_canonical.iter().any(|(k, _)| *k == c) {
                        by_canonical.push((c, i));
                    }
                }
            }
        }
        let find = |name: &str| {
            by_canonical
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, i)| *i)
        };
        let owners = if module.is_some_and(Module::holds_records) {
            // By name (`Created By`), or an extension's spelling of the module's owner column.
            (0..headers.len())
                .filter(|i| {
                    owners::is_owner_column(&headers[*i])
                        || by_canonical
                            .iter()
                            .any(|(c, at)| at == i && owners::is_owner_column(c))
                })
                .collect()
        } else {
            Vec::new()
        };
        Roles {
            owners,
            pipeline: find("Pipeline"),
            stage: find("Stage"),
            order: find("Stage Order"),
            probability: find("Probability"),
            id: module.and_then(|m| vocabulary.id_column(m)).and_then(find),
            currency: find("Currency"),
            by_canonical,
        }
    }

    /// The row's value of a standard column, blank when the file lacks it.
    fn get<'a>(&self, row: &RowRef<'a>, canonical: &str) -> &'a str {
        self.by_canonical
            .iter()
            .find(|(k, _)| *k == canonical)
            .and_then(|(_, i)| row.field(*i))
            .unwrap_or("")
    }
}

/// A row seen through its file's standard columns, for [`IntegrityTally`].
struct Cells<'r, 'a> {
    roles: &'r Roles<'r>,
    row: &'r RowRef<'a>,
}

impl RowFields for Cells<'_, '_> {
    fn get(&self, canonical: &str) -> &str {
        self.roles.get(self.row, canonical)
    }

    fn own_id(&self) -> &str {
        self.roles.id.and_then(|i| self.row.field(i)).unwrap_or("")
    }
}

/// One warning per unresolved reference, duplicate group and shared email, the first
/// [`LISTED_BAD_ROWS`] of each kind, then one line with how many more the JSON report lists: a
/// generated or neglected export can have tens of thousands, which no one reads as warnings.
fn integrity_warnings(i: &Integrity) -> Vec<Finding> {
    /// Only the listed findings are built; the rest are counted.
    fn list(out: &mut Vec<Finding>, findings: impl ExactSizeIterator<Item = Finding>, what: &str) {
        let total = findings.len();
        out.extend(findings.take(LISTED_BAD_ROWS as usize));
        if total > LISTED_BAD_ROWS as usize {
            out.push(Finding {
                severity: Severity::Warning,
                file: String::new(),
                line: None,
                column: None,
                message: format!(
                    "{} more {what} (see integrity in the JSON report)",
                    total - LISTED_BAD_ROWS as usize
                ),
            });
        }
    }
    let mut out = Vec::new();
    list(
        &mut out,
        i.repeated_ids.iter().map(|r| Finding {
            severity: Severity::Warning,
            file: r.file.clone(),
            line: Some(r.line),
            column: None,
            message: format!(
                "{} {} is on line {} and again on line {}: the load takes line {} as the record and fails line {}. Remove the repeated row, or give it its own RSoft ID in the export",
                r.module.record_word(),
                r.id,
                r.first_line,
                r.line,
                r.first_line,
                r.line,
            ),
        }),
        "rows repeat an RSoft ID",
    );
    list(
        &mut out,
        i.unresolved.iter().map(|u| Finding {
            severity: Severity::Warning,
            file: u.file.clone(),
            line: Some(u.line),
            column: None,
            message: match &u.set_aside {
                Some(row) => format!(
                    "{} {} names {} {:?} by {}, whose row {}:{} is in the export but was set aside as a bad row: the load will hold {} until that row is fixed. {}:{}: {}",
                    u.module.record_word(),
                    u.record,
                    u.refers_to.record_word(),
                    u.value,
                    u.by,
                    row.file,
                    row.line,
                    u.record,
                    row.file,
                    row.line,
                    row.reason,
                ),
                None => format!(
                    "{} {} names {} {:?} by {}, which is not in the export: the load will \
                     {}{}",
                    u.module.record_word(),
                    u.record,
                    u.refers_to.record_word(),
                    u.value,
                    u.by,
                    // The load links a company name to an account Nutshell already has
                    // (docs/design.md §2), which discovery cannot see: the row then says so.
                    if u.by == "name" && u.refers_to == Module::Companies {
                        "hold it, unless Nutshell already has an account of this name: then it \
                         links it there, with a caveat on its row"
                    } else {
                        "hold it"
                    },
                    u.nearest
                        .as_deref()
                        .map(|n| if u.by == "name" {
                            format!("; nearest company: {n}. Correct the name, or add the company")
                        } else {
                            format!(
                                "; nearest {}: {n}. Correct the reference in RSoft, or format the \
                                 column as text in the spreadsheet and re-export",
                                u.refers_to.record_word()
                            )
                        })
                        .unwrap_or_else(|| {
                            ". Add the missing record to the export or correct the reference"
                                .to_string()
                        })
                ),
            },
        }),
        "references resolve to nothing",
    );
    list(
        &mut out,
        i.shared_names
            .iter()
            .filter(|n| n.references > 0)
            .map(|n| {
                let first = n.first_references.first();
                Finding {
                    severity: Severity::Warning,
                    file: first.map(|u| u.file.clone()).unwrap_or_default(),
                    line: first.map(|u| u.line),
                    column: None,
                    message: format!(
                        "{} record(s) name the company {:?} by name (the first: {}), which rows \
                         of different firms carry ({}): the load will hold them rather than pick \
                         one. Give them the company's ID, or make the firms' names differ in the \
                         export",
                        n.references,
                        n.normalized_name,
                        first.map_or_else(String::new, |u| format!(
                            "{} {} on line {}",
                            u.module.record_word(),
                            u.record,
                            u.line
                        )),
                        i.shared_rows(&n.normalized_name)
                    ),
                }
            })
            .collect::<Vec<_>>()
            .into_iter(),
        "company names different firms share",
    );
    // One finding for all of them, with the first: the same fix (check the rows) for each.
    if let Some(first) = i.name_mismatches.first.first() {
        out.push(Finding {
            severity: Severity::Warning,
            file: first.file.clone(),
            line: Some(first.line),
            column: None,
            message: format!(
                "{} record(s) give a Company ID and a Company Name that name different \
                 companies (the first: {} {} on line {}: Company ID {} is {:?}, the row says \
                 {:?}): the load links each by its Company ID. Check them (integrity in the \
                 report lists the first {}) and correct the ID or the name in the export",
                i.name_mismatches.count,
                first.module.record_word(),
                first.record,
                first.line,
                first.company_id,
                first.company_name,
                first.written,
                i.name_mismatches.first.len()
            ),
        });
    }
    if let Some(first) = i.other_legal_forms.first.first() {
        out.push(Finding {
            severity: Severity::Warning,
            file: first.file.clone(),
            line: Some(first.line),
            column: None,
            message: format!(
                "{} record(s) name a company in another legal form than the company the name \
                 leads to (the first: {} {} on line {} says {:?}; the load links it by the name \
                 to {} {:?}): an LLP, a private limited company and an Inc are different \
                 firms. Check them (integrity in the report lists the first {}) and give the \
                 right Company ID, or correct the name",
                i.other_legal_forms.count,
                first.module.record_word(),
                first.record,
                first.line,
                first.written,
                first.company_id,
                first.company_name,
                i.other_legal_forms.first.len()
            ),
        });
    }
    list(
        &mut out,
        i.duplicate_companies.iter().map(|g| Finding {
            severity: Severity::Warning,
            file: g
                .companies
                .first()
                .map(|c| c.file.clone())
                .unwrap_or_default(),
            line: None,
            column: None,
            message: format!(
                "probable duplicate companies {:?} ({}), same name once legal suffixes are \
                 dropped, sharing {}: decide which to keep before the load",
                g.normalized_name,
                g.companies
                    .iter()
                    .map(|c| format!("{} {:?} line {}", c.id, c.name, c.line))
                    .collect::<Vec<_>>()
                    .join(", "),
                g.backed_by.join(", ")
            ),
        }),
        "groups of probable duplicate companies",
    );
    list(
        &mut out,
        i.shared_emails.iter().map(|e| Finding {
            severity: Severity::Warning,
            file: e
                .contacts
                .first()
                .map(|c| c.file.clone())
                .unwrap_or_default(),
            line: None,
            column: None,
            message: format!(
                "contacts {} share the email {}: {}",
                e.contacts
                    .iter()
                    .map(|c| format!("{} (line {})", c.id, c.line))
                    .collect::<Vec<_>>()
                    .join(", "),
                e.email,
                if is_role_mailbox(&e.email) {
                    "a shared inbox, so each is loaded as its own contact; check they are different people"
                } else {
                    "the load makes them one contact (it dedupes by email); merge them or correct the email"
                }
            ),
        }),
        "email addresses shared by contacts",
    );
    // One per pair of modules: a missing file is one fix, however many rows point into it.
    out.extend(i.into_missing_modules.iter().map(|m| Finding {
        severity: Severity::Warning,
        file: m.first.file.clone(),
        line: None,
        column: None,
        message: format!(
            "{} from {} to {} (the first: {} on line {}, by {} {:?}), but the export has no \
             {} records: the load will hold these {} unless an earlier run loaded those {}. Add \
             the {} file to the export, or load it first",
            m.counted(),
            m.module,
            m.refers_to,
            m.first.record,
            m.first.line,
            m.first.by,
            m.first.value,
            m.refers_to,
            m.module,
            m.refers_to,
            m.refers_to
        ),
    }));
    out
}

/// Reads the files on as many threads as the machine has cores (files are independent), and
/// returns their passes in file order.
fn read_files(export: &Export) -> Result<Vec<Pass>, ReadError> {
    let files = export.files();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len())
        .max(1);
    // Largest first, so the last file to finish is a small one and the threads end together.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(files[*i].entry.size));
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<Pass, ReadError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = order.get(n) else { break };
                        let Some(file) = files.get(i) else { break };
                        done.push((i, read_file(export, file)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    if results.len() != files.len() {
        return Err(ReadError::Unsupported {
            file: export.root().display().to_string(),
            message: "a reading thread stopped unexpectedly: run discover again".to_string(),
        });
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn read_file(export: &Export, file: &ExportFile) -> Result<Pass, ReadError> {
    let mut pass = Pass::default();
    let mut reader = export.rows(file)?;
    let module = file.module;
    let headers = reader.headers().names().to_vec();
    let vocabulary = export.vocabulary();
    let roles = Roles::of(vocabulary, module, &headers);
    let mut profilers = vec![ColumnProfiler::default(); headers.len()];
    let mut listed_bad = 0;
    // Record rows whose RSoft ID cell is blank, and the first lines of them.
    let mut no_id: (u64, Vec<u64>) = (0, Vec::new());
    while let Some(next) = reader.next_row() {
        let row = match next {
            Ok(row) => row,
            Err(problem) => {
                if let (Some(m), Some(id)) = (module, roles.id.and_then(|i| reader.refused_cell(i)))
                {
                    pass.integrity.set_aside(
                        m,
                        &file.entry.path,
                        problem.line,
                        id,
                        &problem.reason,
                    );
                }
                listed_bad += 1;
                if listed_bad <= LISTED_BAD_ROWS {
                    pass.warnings.push(Finding {
                        severity: Severity::Error,
                        file: problem.file,
                        line: Some(problem.line),
                        column: None,
                        message: problem.reason,
                    });
                }
                continue;
            }
        };
        let currency = roles.currency.and_then(|i| row.field(i));
        for (p, v) in profilers.iter_mut().zip(row.fields()) {
            p.observe_at(v, row.line, currency);
        }
        if let Some(m) = module.filter(|m| m.holds_records()) {
            if roles.id.is_some_and(|i| {
                row.field(i)
                    .is_none_or(|v| crate::cells::id_text(v).is_empty())
            }) {
                no_id.0 += 1;
                if no_id.1.len() < 10 {
                    no_id.1.push(row.line);
                }
            }
            pass.integrity.add(
                m,
                &file.entry.path,
                row.line,
                &Cells {
                    roles: &roles,
                    row: &row,
                },
            );
        }
        if let Some(m) = module {
            for i in &roles.owners {
                if let Some(v) = row.field(*i) {
                    pass.owners.add(m, v);
                }
            }
        }
        match module {
            Some(Module::Deals) if roles.stage.is_some() || roles.pipeline.is_some() => {
                let pipeline = roles.pipeline.and_then(|i| row.field(i)).unwrap_or("");
                let stage = roles.stage.and_then(|i| row.field(i)).unwrap_or("");
                pass.pipelines.deal(pipeline, stage);
            }
            Some(Module::Pipelines) => {
                let cell = |i: Option<usize>| i.and_then(|i| row.field(i));
                pass.pipelines.define(
                    cell(roles.pipeline).unwrap_or(""),
                    cell(roles.stage).unwrap_or(""),
                    cell(roles.order),
                    cell(roles.probability),
                );
            }
            Some(Module::CustomFields) => {
                let name = roles.get(&row, "Module");
                match Module::from_name(name) {
                    Some(m) => pass.definitions.push(Definition {
                        module: m,
                        name: roles.get(&row, "Field Name").to_string(),
                        field_type: roles.get(&row, "Field Type").to_string(),
                        options: roles.get(&row, "Options").to_string(),
                    }),
                    None => pass.warnings.push(Finding {
                        severity: Severity::Warning,
                        file: file.entry.path.clone(),
                        line: Some(row.line),
                        column: None,
                        message: format!("custom field {:?} names module {name:?}, which is not an RSoft module: it is left out of the custom-field list", roles.get(&row, "Field Name")),
                    }),
                }
            }
            Some(Module::Users) if pass.users.len() < MAX_USERS => {
                let f = |c: &str| roles.get(&row, c).trim().to_string();
                pass.users.push(User {
                    id: f("User ID"),
                    name: f("Name"),
                    email: f("Email"),
                    status: f("Status"),
                });
            }
            Some(Module::Workflows) => {
                pass.workflow_count += 1;
                if pass.workflows.len() < LISTED_WORKFLOWS {
                    let f = |c: &str| roles.get(&row, c).trim().to_string();
                    pass.workflows.push(Workflow {
                        name: f("Workflow Name"),
                        module: f("Module"),
                        trigger: f("Trigger"),
                        conditions: f("Conditions"),
                        actions: f("Actions"),
                        status: f("Status"),
                    });
                }
            }
            _ => {}
        }
    }
    if let (Some(i), true) = (roles.id, no_id.0 > 0) {
        pass.warnings.push(Finding {
            severity: Severity::Warning,
            file: file.entry.path.clone(),
            line: no_id.1.first().copied(),
            column: headers.get(i).cloned(),
            message: format!(
                "{} row(s) have no {:?} (line(s) {}): the load keys each record by its RSoft ID, so it will fail them. Give every row its ID in the export",
                no_id.0,
                headers.get(i).map_or("", String::as_str),
                crate::rsoft::rows::list_lines(&no_id.1, no_id.0),
            ),
        });
    }
    let counts = reader.counts();
    if counts.bad > LISTED_BAD_ROWS {
        pass.warnings.push(Finding {
            severity: Severity::Error,
            file: file.entry.path.clone(),
            line: None,
            column: None,
            message: format!(
                "{} more bad rows not listed here",
                counts.bad - LISTED_BAD_ROWS
            ),
        });
    }
    pass.warnings.extend(reader.findings().iter().cloned());
    match module {
        None => pass.warnings.push(Finding {
            severity: Severity::Warning,
            file: file.entry.path.clone(),
            line: None,
            column: None,
            message: format!(
                "not recognised as an RSoft module ({}): reassign it to a module or leave it out",
                file.classification.evidence.join("; ")
            ),
        }),
        Some(m) if file.classification.confidence < 0.6 => pass.warnings.push(Finding {
            severity: Severity::Warning,
            file: file.entry.path.clone(),
            line: None,
            column: None,
            message: format!(
                "read as {m} with low confidence {:.2} ({}): check it",
                file.classification.confidence,
                file.classification.evidence.join("; ")
            ),
        }),
        Some(_) => {}
    }
    let sniff = reader.sniff().clone();
    let mut columns: Vec<ColumnProfile> = profilers
        .into_iter()
        .zip(&headers)
        .map(|(p, h)| {
            let canonical = module.and_then(|m| vocabulary.canonical_header(m, h));
            p.finish(
                h,
                module,
                canonical,
                module.and_then(|m| vocabulary.id_column(m)),
            )
        })
        .collect();
    if let Some(contrary) = decide_numbers_by_file(&mut columns) {
        pass.warnings.push(Finding {
            severity: Severity::Warning,
            file: file.entry.path.clone(),
            line: None,
            column: None,
            message: contrary,
        });
    }
    pass.objects.push(ObjectReport {
        module,
        file: file.entry.path.clone(),
        confidence: file.classification.confidence,
        evidence: file.classification.evidence.clone(),
        rows: counts.read + counts.bad,
        read_rows: counts.read,
        bad_rows: counts.bad,
        encoding: sniff.encoding,
        bom: sniff.bom,
        delimiter: sniff.delimiter,
        line_ending: sniff.line_ending,
        mixed_line_ends: (sniff.line_ending == LineEnding::Mixed).then_some(sniff.line_ends),
        decided: sniff.how,
        columns,
    });
    pass.integrity.shrink();
    Ok(pass)
}
