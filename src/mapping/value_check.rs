//! Every value of a mapped column through the transform it will get in the load, before the
//! load: how many read, how many fail, the failure reasons with counts and the first examples
//! with file and line. The proposer takes its confidence from this, not from a few samples, and
//! `map` lists a column whose values would fail as a problem.

use super::catalogue::ValueKind;
pub use super::column::{Failure, SourceColumn, ValueCheck};
use super::column_pass::ColumnReader;
use super::model::{FieldMap, ModuleMap, Status, Target, target_kind};
use super::record::{Cells, row_amount};
use super::transform::{
    ColumnFormat, FORMULA_REASON, Rejected, SourceFormat, StandIn, cell_values, convert_in,
    money_caveat, stand_in,
};
use super::validate::Problem;
use crate::config::DateOrder;
use crate::rsoft::profile::Example;
use crate::rsoft::{Module, RowRef};

/// Failure reasons kept per column; the rest are counted under the last.
const REASONS: usize = 4;
/// Examples kept per reason.
const EXAMPLES: usize = 3;
/// Longest example value kept, in characters.
const EXAMPLE_CHARS: usize = 60;

impl ValueCheck {
    /// A check of `kind` with no value read yet.
    pub fn new(kind: ValueKind) -> Self {
        ValueCheck {
            kind,
            values: 0,
            failed: 0,
            failures: Vec::new(),
            noted: None,
        }
    }

    /// Share of the values that read, 0–1; 1 for a column with no values.
    pub fn share(&self) -> f64 {
        if self.values == 0 {
            1.0
        } else {
            (self.values - self.failed) as f64 / self.values as f64
        }
    }

    fn fail(&mut self, reason: String, file: &str, line: u64, value: &str) {
        self.failed += 1;
        let at = match self.failures.iter().position(|f| f.reason == reason) {
            Some(at) => at,
            None if self.failures.len() < REASONS => {
                self.failures.push(Failure {
                    reason,
                    count: 0,
                    examples: Vec::new(),
                });
                self.failures.len() - 1
            }
            None => self.failures.len() - 1,
        };
        count(&mut self.failures[at], file, line, value);
    }

    /// A value that read with `caveat`; the first caveat stands for the rest.
    fn note(&mut self, caveat: String, file: &str, line: u64, value: &str) {
        let noted = self.noted.get_or_insert_with(|| Failure {
            reason: caveat,
            count: 0,
            examples: Vec::new(),
        });
        count(noted, file, line, value);
    }

    /// "1 of 4 values read as Money with a note the load puts on the record: "2M" is read as 2
    /// million (shorthand "M" = million) (1: Deals.csv line 5 "2M")", when any did.
    pub fn describe_noted(&self) -> Option<String> {
        let noted = self.noted.as_ref()?;
        Some(format!(
            "{} of {} values read as {:?} with a note the load puts on the record, e.g. {} ({}: {})",
            noted.count,
            self.values,
            self.kind,
            noted.reason,
            noted.count,
            show_examples(&noted.examples)
        ))
    }

    /// "3 of 6 values fail as Phone: written in scientific notation … (3: Contacts.csv line 2
    /// "9.19876E+11", …)".
    pub fn describe(&self) -> String {
        let reasons: Vec<String> = self
            .failures
            .iter()
            .map(|f| format!("{} ({}: {})", f.reason, f.count, show_examples(&f.examples)))
            .collect();
        format!(
            "{} of {} values fail as {:?}: {}",
            self.failed,
            self.values,
            self.kind,
            reasons.join("; ")
        )
    }
}

/// One more value under `failure`, kept as an example while there are fewer than [`EXAMPLES`].
fn count(failure: &mut Failure, file: &str, line: u64, value: &str) {
    failure.count += 1;
    if failure.examples.len() < EXAMPLES {
        failure.examples.push(Example {
            file: Some(file.to_string()),
            line,
            value: value.chars().take(EXAMPLE_CHARS).collect(),
        });
    }
}

/// `Contacts.csv line 2 "9.19876E+11", …`.
fn show_examples(examples: &[Example]) -> String {
    let shown: Vec<String> = examples
        .iter()
        .map(|e| {
            format!(
                "{} line {} {:?}",
                e.file.as_deref().unwrap_or("?"),
                e.line,
                e.value
            )
        })
        .collect();
    shown.join(", ")
}

/// Every value of every column that `map` sends to a typed field (a standard field or a custom
/// field), and of every column that arrives with a check to fill (the kind its header names),
/// through [`convert_in`] with the column's formats as `map` records them (`[formats.*]`,
/// [`super::model::ModuleMap::column_format`]) over `format`, exactly as the load reads them;
/// the results go into each column's [`SourceColumn::checks`]. A [`ColumnReader`] for
/// [`super::column_pass::read_columns`]'s pass.
pub struct ValueChecks<'a> {
    map: &'a FieldMap,
    format: &'a SourceFormat,
    columns: &'a mut [SourceColumn],
    /// Per slot: the column's index in `columns`, its formats, and the module's map when the
    /// column's target is a standard money field (read with the row's Currency column).
    slots: Vec<(usize, ColumnFormat, Option<&'a ModuleMap>)>,
}

impl<'a> ValueChecks<'a> {
    /// Checks for the typed columns of `map` among `columns`.
    pub fn new(
        map: &'a FieldMap,
        format: &'a SourceFormat,
        columns: &'a mut [SourceColumn],
    ) -> Self {
        Self {
            map,
            format,
            columns,
            slots: Vec::new(),
        }
    }
}

impl ColumnReader for ValueChecks<'_> {
    /// The column's target's kind is checked, and the kinds it arrived with (the kind its
    /// header names, [`crate::mapping::propose::named_kind`]); a column the operator ignored
    /// is not read.
    fn pick(&mut self, module: Module, header: &str) -> Option<usize> {
        let module_map = self.map.modules.get(&module);
        let entry = module_map.and_then(|m| m.column(header));
        if entry.is_some_and(|c| c.status == Status::Ignored) {
            return None;
        }
        let at = self
            .columns
            .iter()
            .position(|c| c.module == module && c.header == header)?;
        let column = &mut self.columns[at];
        if let Some(kind) = entry.and_then(|c| target_kind(&c.target)) {
            if column.check(kind).is_none() {
                column.checks.push(ValueCheck::new(kind));
            }
        }
        if column.checks.is_empty() {
            return None;
        }
        let format = module_map.map_or_else(ColumnFormat::default, |m| m.column_format(header));
        let amount = entry.is_some_and(|c| {
            matches!(c.target, Target::Field { .. })
                && target_kind(&c.target) == Some(ValueKind::Money)
        });
        self.slots.push((at, format, module_map.filter(|_| amount)));
        Some(self.slots.len() - 1)
    }

    fn cell(&mut self, slot: usize, value: &str, file: &str, row: &RowRef<'_>) {
        let (at, column, amount_map) = self.slots[slot];
        let reading = Reading {
            format: self.format,
            column,
            amount_row: amount_map.map(|m| (m, row as &dyn Cells)),
        };
        for check in &mut self.columns[at].checks {
            check.read(value, &reading, file, row.line);
        }
    }
}

/// How the load reads one cell of a column: in the export's and the column's formats, and an
/// amount for a standard money field with the row it is on (its Currency column,
/// [`row_amount`]).
struct Reading<'r> {
    format: &'r SourceFormat,
    column: ColumnFormat,
    amount_row: Option<(&'r ModuleMap, &'r dyn Cells)>,
}

impl Reading<'_> {
    /// Whether a field of `kind` takes `value`, with the caveat the load notes on the record
    /// if any, or why not.
    fn convert(&self, kind: ValueKind, value: &str) -> Result<Option<String>, Rejected> {
        match self.amount_row {
            Some((map, row)) if kind == ValueKind::Money => row_amount(
                map,
                row,
                value,
                &self.format.currency,
                self.column.number.as_ref(),
            )
            .map(|_| money_caveat(value)),
            _ => convert_in(kind, value, self.format, &self.column).map(|(_, caveat)| caveat),
        }
    }
}

impl ValueCheck {
    /// One cell through the transform of the check's kind, as the load reads it.
    fn read(&mut self, value: &str, reading: &Reading<'_>, file: &str, line: u64) {
        // As the load reads them: a placeholder is a blank (discovery counts them), a link
        // formula in a URL field its link, any other formula a failure.
        let link;
        let value = match stand_in(self.kind, value) {
            None => value,
            Some(StandIn::Placeholder(_)) => return,
            Some(StandIn::Hyperlink(url)) => {
                link = url;
                &link
            }
            Some(StandIn::Formula) => {
                self.values += 1;
                self.fail(FORMULA_REASON.to_string(), file, line, value);
                return;
            }
        };
        // A cell of several emails or phones is several values, as the load sends them; a
        // placeholder among them is left out, as the load leaves it.
        for value in cell_values(self.kind, value).values {
            self.values += 1;
            match reading.convert(self.kind, value) {
                Ok(None) => {}
                Ok(Some(caveat)) => self.note(caveat, file, line, value),
                Err(rejected) => {
                    let reason = serial_among_dates(self.kind, value)
                        .or_else(|| {
                            other_date_order(self.kind, value, reading.format, &reading.column)
                        })
                        .unwrap_or(rejected.reason);
                    self.fail(reason, file, line, value);
                }
            }
        }
    }
}

/// When a date column read as written dates holds a spreadsheet serial day number (`45231`),
/// the reason says so with the date it stands for (issue 12): a column is read one way only.
fn serial_among_dates(kind: ValueKind, value: &str) -> Option<String> {
    if !matches!(kind, ValueKind::Date | ValueKind::DateTime) {
        return None;
    }
    crate::dates::excel_serial(value.trim()).map(|d| {
        format!("a spreadsheet serial day number (= {d}) among written dates: correct it in RSoft and re-export")
    })
}

/// When a date the column's order cannot read reads in another order, the reason says so: the
/// value contradicts the column's date order (issue 12), it is not "not a date".
fn other_date_order(
    kind: ValueKind,
    value: &str,
    format: &SourceFormat,
    column: &ColumnFormat,
) -> Option<String> {
    if !matches!(kind, ValueKind::Date | ValueKind::DateTime) {
        return None;
    }
    let order = column.date_order.unwrap_or(format.order);
    [DateOrder::Dmy, DateOrder::Mdy]
        .into_iter()
        .filter(|o| *o != order)
        .find(|o| {
            let other = ColumnFormat {
                date_order: Some(*o),
                ..*column
            };
            convert_in(kind, value, format, &other).is_ok()
        })
        .map(|o| {
            format!(
                "a {} date in a column read {} (date_order)",
                o.words(),
                order.words()
            )
        })
}

/// A problem for every column `map` moves whose values would fail their transform (with count
/// and examples), or whose cells lost characters to a non-Unicode save. Never silent: a column
/// the operator confirmed is listed too.
pub fn value_problems(map: &FieldMap, columns: &[SourceColumn]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for column in columns {
        let Some(entry) = map
            .modules
            .get(&column.module)
            .and_then(|m| m.column(&column.header))
        else {
            continue;
        };
        if entry.status == Status::Ignored || matches!(entry.target, Target::Ignore) {
            continue;
        }
        if let Some(check) = target_kind(&entry.target)
            .and_then(|kind| column.check(kind))
            .filter(|c| c.failed > 0)
        {
            problems.push(Problem {
                module: column.module,
                item: Some(column.header.clone()),
                problem: format!("{} ({})", check.describe(), entry.target.describe()),
                fix: format!(
                    "correct those cells in RSoft and re-export, change the column's number_format, date_order or percent_scale in [formats.{}] of mapping.toml if it is wrong, or map the column to a text field; the load sends no record whose value fails and reports it as a problem",
                    column.module.as_str()
                ),
            });
        }
        // Read, but not as written: said with the failures, as lost characters are below.
        if let Some(noted) = target_kind(&entry.target)
            .and_then(|kind| column.check(kind))
            .and_then(ValueCheck::describe_noted)
        {
            problems.push(Problem {
                module: column.module,
                item: Some(column.header.clone()),
                problem: format!("{noted} ({})", entry.target.describe()),
                fix: "check that each reads as meant; the load reads them so and notes it on the record's outcome. Where one does not, correct it in RSoft and re-export, or map the column to a text field".into(),
            });
        }
        let lost = &column.flags.lost_characters;
        if lost.count > 0 {
            problems.push(Problem {
                module: column.module,
                item: Some(column.header.clone()),
                problem: format!(
                    "{} values lost characters to '?' in a non-Unicode save (line(s) {}, e.g. {:?}); they would be loaded as written",
                    lost.count,
                    lost.lines_text(),
                    lost.examples.first().map_or("", String::as_str)
                ),
                fix: "re-export from RSoft as UTF-8 (in a spreadsheet: Save As \"CSV UTF-8\")".into(),
            });
        }
    }
    problems
}
