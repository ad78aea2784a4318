//! Per-column formats in the map (issue 12, "formats decided per column, never per value"):
//! from discovery's evidence of how each column writes numbers ([`FormatDecision`]), dates
//! ([`DateEvidence`]) and percents ([`PercentDecision`]), a [`FormatEntry`] per typed column in
//! `[formats.<module>]` of
//! mapping.toml, which the value check and the record builder both read. The operator's entries
//! (status other than proposed) are never replaced.

use crate::config::DateOrder;
use crate::rsoft::{DateEvidence, DateOrderVerdict};

use super::catalogue::ValueKind;
pub use super::column::{FormatEvidence, SourceColumn};
use super::model::{FieldMap, FormatEntry, Status, target_kind};
use super::transform::{FormatDecision, PercentDecision};
use super::validate::Problem;

impl FormatEvidence {
    /// The entry `map` proposes for a column going to a field of `kind`: a number format for
    /// number, percent and money fields, a percent scale for percent fields (none when the
    /// values do not decide it: the evidence says why), a date order for date fields, each with
    /// its evidence; `None` when the values decide nothing (no numbers, or no date proving an
    /// order: those are read in `[source] date_order`).
    pub fn propose(&self, header: &str, kind: ValueKind) -> Option<FormatEntry> {
        let numeric = matches!(
            kind,
            ValueKind::Number | ValueKind::Percent | ValueKind::Money
        );
        let dated = matches!(kind, ValueKind::Date | ValueKind::DateTime);
        let number = self.number.as_ref().filter(|_| numeric);
        let percent = self.percent.as_ref().filter(|_| kind == ValueKind::Percent);
        if let Some(serials) = self.excel_serials.as_ref().filter(|_| dated) {
            let first = serials.examples.first().map_or("", String::as_str);
            let example = crate::dates::excel_serial(first)
                .map_or_else(|| first.to_string(), |d| format!("{first} = {d}"));
            return Some(FormatEntry {
                header: header.to_string(),
                number_format: None,
                date_order: None,
                percent_scale: None,
                excel_serial: true,
                evidence: format!(
                    "all {} values are spreadsheet serial day numbers (e.g. {example}): read as days since 1899-12-30",
                    serials.count
                ),
                status: Status::Proposed,
            });
        }
        let date = self.dates.as_ref().filter(|_| dated).and_then(date_order);
        if number.is_none() && percent.is_none() && date.is_none() {
            return None;
        }
        let evidence: Vec<String> = number
            .map(FormatDecision::evidence)
            .into_iter()
            .chain(percent.map(PercentDecision::evidence))
            .chain(date.as_ref().map(|(_, e)| e.clone()))
            .collect();
        Some(FormatEntry {
            header: header.to_string(),
            number_format: number.map(|n| n.format),
            date_order: date.map(|(o, _)| o),
            percent_scale: percent.and_then(|p| p.scale),
            excel_serial: false,
            evidence: evidence.join("; "),
            status: Status::Proposed,
        })
    }
}

/// The order a column's dates prove, with the evidence: the only order seen, or the order most
/// of its dates prove when they conflict (the others then fail the value check, a map problem
/// naming them). `None` when no date decides.
fn date_order(d: &DateEvidence) -> Option<(DateOrder, String)> {
    let example = |e: &Option<String>| e.as_deref().unwrap_or("?").to_string();
    let day = || {
        format!(
            "{} day-first (e.g. {})",
            d.day_first,
            example(&d.day_first_example)
        )
    };
    let month = || {
        format!(
            "{} month-first (e.g. {})",
            d.month_first,
            example(&d.month_first_example)
        )
    };
    let ambiguous = if d.ambiguous > 0 {
        format!(", {} either way", d.ambiguous)
    } else {
        String::new()
    };
    Some(match d.verdict() {
        DateOrderVerdict::DayFirst => (DateOrder::Dmy, format!("dates {}{ambiguous}", day())),
        DateOrderVerdict::MonthFirst => (DateOrder::Mdy, format!("dates {}{ambiguous}", month())),
        DateOrderVerdict::YearFirst if d.named > 0 => (
            DateOrder::Ymd,
            format!(
                "all {} dates year-first or with the month by name (e.g. {})",
                d.year_first + d.named,
                example(&d.named_example)
            ),
        ),
        DateOrderVerdict::YearFirst => (
            DateOrder::Ymd,
            format!("all {} dates year-first", d.year_first),
        ),
        DateOrderVerdict::Conflicting => {
            let order = if d.day_first >= d.month_first {
                DateOrder::Dmy
            } else {
                DateOrder::Mdy
            };
            (
                order,
                format!(
                    "dates conflict: {}, {}; read in the order most prove, the others fail",
                    day(),
                    month()
                ),
            )
        }
        DateOrderVerdict::Ambiguous => return None,
    })
}

/// Fill in `[formats.*]` for the map's final targets: every column of `columns` sent to a
/// typed field gets its proposed entry, unless the operator decided one; proposed entries of
/// columns no longer sent to such a field are dropped.
pub fn propose_formats(map: &mut FieldMap, columns: &[SourceColumn]) {
    for (module, module_map) in map.modules.iter_mut() {
        let proposals: Vec<FormatEntry> = columns
            .iter()
            .filter(|c| c.module == *module)
            .filter_map(|c| {
                let entry = module_map.column(&c.header)?;
                if entry.status == Status::Ignored {
                    return None;
                }
                c.format.propose(&c.header, target_kind(&entry.target)?)
            })
            .collect();
        let decided: Vec<FormatEntry> = module_map
            .formats
            .drain(..)
            .filter(|f| f.status.is_decided())
            .collect();
        let mut formats: Vec<FormatEntry> = proposals
            .into_iter()
            .filter(|p| !decided.iter().any(|d| d.header == p.header))
            .collect();
        formats.extend(decided);
        // Column order, as the map lists the columns.
        let position = |header: &str| {
            module_map
                .columns
                .iter()
                .position(|c| c.header == header)
                .unwrap_or(usize::MAX)
        };
        formats.sort_by_key(|f| position(&f.header));
        module_map.formats = formats;
    }
}

/// The problems of the proposed formats, which the operator must confirm (the load is blocked
/// on them, `engine::blockers::format_blockers`): a number format that another format reads as
/// fully but differently (`1.250`: 1.25 or 1250), so no value decides it; a date order that
/// contradicts `declared` (`[source] date_order`), as a month-first column in a day-first
/// export (issue 12, case 06); and a percent column whose values decide no scale (`60%` beside
/// `0.6`), whose values from 0 to 1 would each be read one way or the other.
pub fn format_problems(
    map: &FieldMap,
    columns: &[SourceColumn],
    declared: DateOrder,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for column in columns {
        let Some(module_map) = map.modules.get(&column.module) else {
            continue;
        };
        let proposed = module_map
            .formats
            .iter()
            .find(|f| f.header == column.header && f.status == Status::Proposed);
        if let Some(order) = proposed.and_then(|f| f.date_order)
            && contradicts(order, declared)
        {
            problems.push(Problem {
                module: column.module,
                item: Some(column.header.clone()),
                problem: format!(
                    "{:?} has {} dates ({}), but [source] date_order is {}: its dates would be read with day and month swapped",
                    column.header,
                    order.words(),
                    proposed.map_or("", |f| f.evidence.as_str()),
                    declared.as_str(),
                ),
                fix: format!(
                    "confirm it: in [formats.{}] of mapping.toml set status = \"confirmed\" for {:?} (or correct its date_order)",
                    column.module.as_str(),
                    column.header
                ),
            });
        }
        let kind = module_map
            .column(&column.header)
            .and_then(|c| target_kind(&c.target));
        if let (Some(entry), Some(percent), Some(ValueKind::Percent)) =
            (proposed, &column.format.percent, kind)
            && entry.percent_scale.is_none()
            && percent.undecided_values() > 0
        {
            problems.push(Problem {
                module: column.module,
                item: Some(column.header.clone()),
                problem: format!(
                    "{:?} goes to a percent field, but {}; its {} distinct value{} from 0 to 1 without % would fail",
                    column.header,
                    percent.evidence(),
                    percent.undecided_values(),
                    if percent.undecided_values() == 1 { "" } else { "s" },
                ),
                fix: format!(
                    "check those rows in the export; then in [formats.{}] of mapping.toml set percent_scale = \"percent\" (values on 0–100) or \"fraction\" (values of 0–1, read ×100) for {:?} and status = \"confirmed\"",
                    column.module.as_str(),
                    column.header
                ),
            });
        }
        let (Some(entry), Some(decision)) = (proposed, &column.format.number) else {
            continue;
        };
        // Amounts and counts are rarely written to a thousandth; a percent is not checked.
        let whole_likely = matches!(kind, Some(ValueKind::Money | ValueKind::Number));
        if whole_likely
            && entry.number_format == Some(decision.format)
            && !decision.three_decimals.is_empty()
        {
            problems.push(Problem {
                module: column.module,
                item: Some(column.header.clone()),
                problem: format!(
                    "{:?} is read like {}, which makes {} distinct value{} three-decimal (e.g. {}): the other decimal mark reads them as whole thousands, so the column may mix two locales",
                    column.header,
                    decision.format.example(),
                    decision.three_decimals.values,
                    if decision.three_decimals.values == 1 { "" } else { "s" },
                    decision.three_decimals.examples_text()
                ),
                fix: format!(
                    "check those rows in the export; then in [formats.{}] of mapping.toml set status = \"confirmed\" for {:?} (or correct the values)",
                    column.module.as_str(),
                    column.header
                ),
            });
        }
        let (Some(other), Some(example), Some(format)) = (
            decision.ambiguous_with,
            &decision.ambiguous_example,
            entry.number_format,
        ) else {
            continue;
        };
        problems.push(Problem {
            module: column.module,
            item: Some(column.header.clone()),
            problem: format!(
                "no value decides how {:?} writes numbers: {example:?} reads as {} and as {}; it is read as {}",
                column.header,
                format.example(),
                other.example(),
                format.example()
            ),
            fix: format!(
                "confirm it: in [formats.{}] of mapping.toml set number_format for {:?} and status = \"confirmed\"",
                column.module.as_str(),
                column.header
            ),
        });
    }
    problems
}

/// Day-first against month-first (either way round); year-first dates read the same in any
/// order, so they contradict nothing.
fn contradicts(column: DateOrder, declared: DateOrder) -> bool {
    matches!(
        (column, declared),
        (DateOrder::Dmy, DateOrder::Mdy) | (DateOrder::Mdy, DateOrder::Dmy)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::transform::{FormatTally, PercentScale, PercentTally};

    fn decision(values: &[&str]) -> FormatDecision {
        let mut t = FormatTally::default();
        for v in values {
            t.observe(v, 0, false);
        }
        t.decide().unwrap()
    }

    #[test]
    fn numbers_for_number_fields_dates_for_date_fields() {
        let evidence = FormatEvidence {
            number: Some(decision(&["125.000", "4.500", "2.750.000"])),
            dates: None,
            percent: None,
            excel_serials: None,
        };
        let e = evidence.propose("Deal Value", ValueKind::Money).unwrap();
        assert_eq!(e.number_format.map(|f| f.name()), Some("comma_point"));
        assert!(
            e.evidence.contains("3 of 3 distinct values"),
            "{}",
            e.evidence
        );
        assert!(evidence.propose("Deal Value", ValueKind::Text).is_none());

        let dates = DateEvidence {
            day_first: 2,
            month_first: 7,
            ambiguous: 1,
            day_first_example: Some("25/04/2026".into()),
            month_first_example: Some("04/25/2026".into()),
            ..DateEvidence::default()
        };
        let evidence = FormatEvidence {
            number: None,
            dates: Some(dates),
            percent: None,
            excel_serials: None,
        };
        let e = evidence.propose("Due", ValueKind::Date).unwrap();
        assert_eq!(e.date_order, Some(DateOrder::Mdy));
        assert!(e.evidence.contains("conflict"), "{}", e.evidence);
        assert!(e.evidence.contains("25/04/2026"), "{}", e.evidence);
        let ambiguous = FormatEvidence {
            number: None,
            dates: Some(DateEvidence {
                ambiguous: 3,
                ..DateEvidence::default()
            }),
            percent: None,
            excel_serials: None,
        };
        assert!(ambiguous.propose("Due", ValueKind::Date).is_none());
    }

    fn percents(values: &[&str]) -> PercentDecision {
        let mut t = PercentTally::default();
        for (i, v) in values.iter().enumerate() {
            match v.strip_suffix('%') {
                Some(n) => t.observe(n, true, i as u64 + 2),
                None => t.observe(v, false, i as u64 + 2),
            }
        }
        t.decide().unwrap()
    }

    #[test]
    fn a_percent_scale_for_percent_fields_only() {
        let evidence = FormatEvidence {
            number: Some(decision(&["0.5", "0.75", "1"])),
            dates: None,
            percent: Some(percents(&["0.5", "0.75", "1"])),
            excel_serials: None,
        };
        let e = evidence.propose("Probability", ValueKind::Percent).unwrap();
        assert_eq!(e.percent_scale, Some(PercentScale::Fraction));
        assert!(
            e.evidence.contains("read as fractions ×100") && e.evidence.contains("0.75 (line 3)"),
            "{}",
            e.evidence
        );
        // A number field is read as written: no scale.
        let e = evidence.propose("Probability", ValueKind::Number).unwrap();
        assert_eq!(e.percent_scale, None);
        assert!(!e.evidence.contains("fraction"), "{}", e.evidence);
        // A column of `60%` has no number format but a scale.
        let evidence = FormatEvidence {
            percent: Some(percents(&["60%", "75%"])),
            ..FormatEvidence::default()
        };
        let e = evidence.propose("Probability", ValueKind::Percent).unwrap();
        assert_eq!(
            (e.number_format, e.percent_scale),
            (None, Some(PercentScale::Percent))
        );
    }
}
