//! From discovery to the proposer: each profiled column of a data module as a [`SourceColumn`],
//! the (pipeline, stage) pairs the stage map covers, and the distinct values of the columns that
//! go through a value map. A column profile keeps three samples, too few for a value map, so
//! those columns are read again from the export, keeping a bounded number of values each.

use std::collections::HashSet;

use std::path::Path;

use super::catalogue::ValueMapKind;
use super::column_pass::{ColumnReader, read_columns};
use super::file::MapFileError;
use super::formats::{FormatEvidence, format_problems};
use super::memory::{MappingMemory, MemoryError};
use super::model::FieldMap;
use super::model::value_map_kind;
use super::propose::{SourceColumn, named_kind, propose_map};
use super::schema::DestinationSchema;
use super::transform::SourceFormat;
use super::validate::Problem;
use super::value_check::{ValueCheck, ValueChecks, value_problems};
use crate::discovery::Report;
use crate::discovery::pipelines::Pipeline;
use crate::rsoft::{ColumnProfile, Export, Module, ReadError, RowRef};

/// Distinct values kept per value-map column: a column with more is not a set of statuses or
/// types, and the operator maps the rest by hand.
pub const MAX_VALUES: usize = 200;
/// Longest value kept, in characters.
const VALUE_CHARS: usize = 80;

impl SourceColumn {
    /// A column of `module` as discovery profiled it.
    pub fn from_profile(module: Module, profile: &ColumnProfile) -> SourceColumn {
        SourceColumn {
            module,
            header: profile.header.clone(),
            inferred: Some(profile.inferred.into()),
            samples: profile.samples.clone(),
            fill_rate: profile.fill_rate,
            checks: Vec::new(),
            format: FormatEvidence {
                number: profile.number_format.clone(),
                dates: profile.dates.clone(),
                percent: profile.percent_scale.clone(),
                excel_serials: profile
                    .excel_serial
                    .then(|| profile.flags.excel_serials.clone()),
            },
            flags: profile.flags.clone(),
        }
    }
}

/// Every column of every data module, in file and column order: one per (module, header), so
/// a module paged into several files (`Contacts.csv`, `Contacts_2.csv`) has one column map. A
/// header in several files of the module is one column whose evidence adds up over them
/// ([`absorb`]); a header in one file only is a column of the module all the same.
pub fn source_columns(report: &Report) -> Vec<SourceColumn> {
    // (column, rows read, rows filled) per (module, header).
    let mut merged: Vec<(SourceColumn, u64, u64)> = Vec::new();
    for o in &report.objects {
        let Some(module) = o.module.filter(|m| m.holds_records()) else {
            continue;
        };
        for c in &o.columns {
            let column = SourceColumn::from_profile(module, c);
            match merged
                .iter_mut()
                .find(|(m, _, _)| m.module == module && m.header == c.header)
            {
                Some(slot) => absorb(slot, column, c.rows, c.filled),
                None => merged.push((column, c.rows, c.filled)),
            }
        }
    }
    merged.into_iter().map(|(c, _, _)| c).collect()
}

/// Adds one file's `column` (with its `rows` read and `filled`) to the same column of earlier
/// files of the module in `slot`: fill rate over all rows, samples up to the profile's three,
/// date evidence and flags summed, the percent scale decided again over both. The kind and the
/// number format are those of the file with more filled rows: a file whose values that format
/// cannot read has them flagged by `map`'s value check over every file, never read another way.
fn absorb(slot: &mut (SourceColumn, u64, u64), column: SourceColumn, rows: u64, filled: u64) {
    let (into, into_rows, into_filled) = slot;
    let mut samples = std::mem::take(&mut into.samples);
    let keep = samples.len().max(column.samples.len());
    for s in &column.samples {
        if samples.len() < keep && !samples.contains(s) {
            samples.push(s.clone());
        }
    }
    let mut dates = into.format.dates.take();
    if let Some(d) = &column.format.dates {
        dates.get_or_insert_with(Default::default).absorb(d);
    }
    let mut percent = into.format.percent.take();
    match (&mut percent, &column.format.percent) {
        (Some(p), Some(other)) => p.absorb(other),
        (None, Some(other)) => percent = Some(other.clone()),
        _ => {}
    }
    // Serials in every file, or the column is read as written dates (and its serials fail).
    let excel_serials = match (
        into.format.excel_serials.take(),
        &column.format.excel_serials,
    ) {
        (Some(mut all), Some(more)) => {
            all.absorb(more);
            Some(all)
        }
        _ => None,
    };
    let mut flags = std::mem::take(&mut into.flags);
    flags.absorb(&column.flags);
    let number = into.format.number.take();
    if filled > *into_filled {
        let number_fallback = number;
        *into = column;
        into.format.number = into.format.number.take().or(number_fallback);
    } else {
        into.format.number = number.or(column.format.number);
    }
    into.samples = samples;
    into.format.dates = dates;
    into.format.percent = percent;
    into.format.excel_serials = excel_serials;
    into.flags = flags;
    *into_rows += rows;
    *into_filled += filled;
    into.fill_rate = if *into_rows == 0 {
        0.0
    } else {
        *into_filled as f64 / *into_rows as f64
    };
}

/// Every (pipeline, stage) pair the stage map must cover: the pipelines file's stages in their
/// order, and stages seen only on deals.
pub fn stage_pairs(pipelines: &[Pipeline]) -> Vec<(String, String)> {
    pipelines
        .iter()
        .flat_map(|p| p.stages.iter().map(|s| (p.name.clone(), s.name.clone())))
        .collect()
}

/// The distinct values of every column `map` sends through a value map (statuses, types,
/// priorities, lifecycle stages; stages come from [`stage_pairs`]), at most [`MAX_VALUES`] per
/// column.
pub struct ValueSets<'a> {
    map: &'a FieldMap,
    sets: Vec<ValueSet>,
}

impl<'a> ValueSets<'a> {
    /// Value sets for the value-mapped columns of `map`.
    pub fn new(map: &'a FieldMap) -> Self {
        Self {
            map,
            sets: Vec::new(),
        }
    }

    /// Replace the samples of each read column with its distinct values.
    pub fn finish(self, columns: &mut [SourceColumn]) {
        for column in columns.iter_mut() {
            if let Some(set) = self
                .sets
                .iter()
                .find(|s| s.module == column.module && s.header == column.header)
            {
                column.samples.clone_from(&set.order);
            }
        }
    }
}

impl ColumnReader for ValueSets<'_> {
    fn pick(&mut self, module: Module, header: &str) -> Option<usize> {
        let wanted = self
            .map
            .modules
            .get(&module)
            .and_then(|m| m.column(header))
            .and_then(|c| value_map_kind(&c.target))
            .is_some_and(|k| k != ValueMapKind::Stage);
        if !wanted {
            return None;
        }
        Some(
            match self
                .sets
                .iter()
                .position(|s| s.module == module && s.header == header)
            {
                Some(at) => at,
                None => {
                    self.sets.push(ValueSet::new(module, header));
                    self.sets.len() - 1
                }
            },
        )
    }

    fn cell(&mut self, slot: usize, value: &str, _file: &str, _row: &RowRef<'_>) {
        self.sets[slot].add(value);
    }
}

/// Replace the samples of every column `map` sends through a value map with its distinct
/// values ([`ValueSets`]), read from the export in one pass.
pub fn read_value_sets(
    export: &Export,
    map: &FieldMap,
    columns: &mut [SourceColumn],
) -> Result<(), ReadError> {
    let mut sets = ValueSets::new(map);
    read_columns(export, &mut [&mut sets])?;
    sets.finish(columns);
    Ok(())
}

/// One column's distinct values in first-seen order, at most [`MAX_VALUES`] of at most
/// [`VALUE_CHARS`] characters each.
struct ValueSet {
    module: Module,
    header: String,
    order: Vec<String>,
    seen: HashSet<String>,
}

impl ValueSet {
    fn new(module: Module, header: &str) -> Self {
        Self {
            module,
            header: header.to_string(),
            order: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn add(&mut self, value: &str) {
        let value = value.trim();
        if value.is_empty() || self.order.len() >= MAX_VALUES {
            return;
        }
        let end = value
            .char_indices()
            .nth(VALUE_CHARS)
            .map_or(value.len(), |(i, _)| i);
        let kept = &value[..end];
        if !self.seen.contains(kept) {
            self.seen.insert(kept.to_string());
            self.order.push(kept.to_string());
        }
    }
}

/// The proposals `crm-migrate map` writes for an export and its discovery report: columns,
/// value maps from the columns' full value sets, the stage map, remembered decisions, and the
/// operator's decisions in `previous` (which win); confidences from every value of each typed
/// column read in `format` (see [`ValueChecks`]), in one pass with the value sets
/// ([`read_columns`]). With the map, the problems its values would cause in the load
/// ([`value_problems`]), to show beside [`super::validate::validate`]'s.
pub fn propose_for_export(
    export: &Export,
    report: &Report,
    schema: &DestinationSchema,
    legacy_id_field: &str,
    memory: &MappingMemory,
    previous: Option<&FieldMap>,
    format: &SourceFormat,
) -> Result<(FieldMap, Vec<Problem>), ReadError> {
    let mut columns = source_columns(report);
    let pairs = stage_pairs(&report.pipelines);
    let propose = |columns: &[SourceColumn]| {
        let vocabulary = export.vocabulary();
        propose_map(
            vocabulary,
            columns,
            &pairs,
            schema,
            legacy_id_field,
            memory,
            previous,
        )
    };
    // A first proposal says which columns go through value maps; their values are then read.
    let first = propose(&columns);
    // Every column is also read as the kind its header names: the first proposal judged the
    // header on three samples, the second judges it on every value.
    for column in &mut columns {
        if let Some(kind) = named_kind(export.vocabulary(), column, schema) {
            column.checks.push(ValueCheck::new(kind));
        }
    }
    // One pass: the value-mapped columns' values, and every typed value through its transform.
    let mut sets = ValueSets::new(&first);
    let mut checks = ValueChecks::new(&first, format, &mut columns);
    read_columns(export, &mut [&mut sets, &mut checks])?;
    sets.finish(&mut columns);
    let map = propose(&columns);
    let mut problems = format_problems(&map, &columns, format.order);
    problems.extend(value_problems(&map, &columns));
    Ok((map, problems))
}

/// Why [`propose_remembering`] could not propose.
#[derive(Debug, thiserror::Error)]
pub enum ProposeError {
    /// The export could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// mapping.toml exists but cannot be read or parsed.
    #[error(transparent)]
    MapFile(#[from] MapFileError),
    /// The mapping memory could not be read.
    #[error(transparent)]
    Memory(#[from] MemoryError),
}

/// [`propose_for_export`] with the mapping memory of `state_dir`: the operator's decisions in
/// `previous` (the map file, or the wizard's working map) are remembered there first, so the
/// next export's proposals learn from them. `crm-migrate map` and the wizard both propose
/// through here.
pub fn propose_remembering(
    export: &Export,
    report: &Report,
    schema: &DestinationSchema,
    legacy_id_field: &str,
    state_dir: &Path,
    previous: Option<&FieldMap>,
    format: &SourceFormat,
) -> Result<(FieldMap, Vec<Problem>), ProposeError> {
    let mut memory = MappingMemory::load(state_dir)?;
    if let Some(previous) = previous {
        memory.remember(previous);
        memory.save(state_dir)?;
    }
    Ok(propose_for_export(
        export,
        report,
        schema,
        legacy_id_field,
        &memory,
        previous,
        format,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::catalogue::ValueKind;
    use crate::mapping::propose::propose;
    use crate::vocabulary::Vocabulary;

    fn sample() -> (Export, Report) {
        let export =
            Export::open(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample-export")).unwrap();
        let report = crate::discovery::discover(&export).unwrap();
        (export, report)
    }

    #[test]
    fn value_sets_are_bounded() {
        let mut set = ValueSet::new(Module::Deals, "Status");
        for v in [" Won", "Won ", "", "Lost", "won"] {
            set.add(v);
        }
        assert_eq!(set.order, ["Won", "Lost", "won"]);
        set.add(&"x".repeat(500));
        assert_eq!(set.order[3].chars().count(), VALUE_CHARS);
        for i in 0..1000 {
            set.add(&format!("v{i}"));
        }
        assert_eq!(set.order.len(), MAX_VALUES);
        assert_eq!(set.seen.len(), MAX_VALUES);
    }

    #[test]
    fn profiles_pipelines_and_value_sets_of_the_sample() {
        let (export, report) = sample();
        let mut columns = source_columns(&report);
        assert!(columns.iter().all(|c| c.module.holds_records()));
        let email = columns
            .iter()
            .find(|c| c.module == Module::Contacts && c.header == "Email")
            .unwrap();
        assert_eq!(email.inferred, Some(ValueKind::Email));
        assert!(
            !email.samples.is_empty() && email.fill_rate > 0.5,
            "{email:?}"
        );

        let pairs = stage_pairs(&report.pipelines);
        let has = |p: &str, s: &str| pairs.iter().any(|(a, b)| a == p && b == s);
        assert!(has("Sales", "Prospecting") && has("Channel Partners", "Dropped"));
        assert!(has("Sales", "On Hold"), "seen only on deals: {pairs:?}");

        let map = propose(
            &Vocabulary::builtin(),
            &columns,
            &DestinationSchema::offline(),
            "RSoft ID",
        );
        read_value_sets(&export, &map, &mut columns).unwrap();
        let types = &columns
            .iter()
            .find(|c| c.module == Module::Activities && c.header == "Activity Type")
            .unwrap()
            .samples;
        assert!(
            types.len() > 3,
            "every distinct type, not 3 samples: {types:?}"
        );
        assert!(types.iter().any(|t| t == "WhatsApp") && types.iter().any(|t| t == "SMS"));
        // A column without a value map keeps its profile samples.
        let email = columns
            .iter()
            .find(|c| c.module == Module::Contacts && c.header == "Email")
            .unwrap();
        assert!(email.samples.len() <= 3);
    }
}
