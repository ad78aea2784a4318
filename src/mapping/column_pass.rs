//! One pass over the export's record files for the readers that need some of their columns'
//! cells: `map` reads the export once after discovery, for the value sets
//! ([`super::source::ValueSets`]) and the value check ([`super::value_check::ValueChecks`])
//! together.

use crate::rsoft::{Export, Module, ReadError, RowRef};

/// What one pass over the export's record files does with some of their columns: `map` reads
/// the export once after discovery, for the value sets and the value check together
/// ([`read_columns`]).
pub trait ColumnReader {
    /// A slot of this reader for the column `header` of a file of `module`, or `None` to leave
    /// the column alone. Called once per column per file.
    fn pick(&mut self, module: Module, header: &str) -> Option<usize>;
    /// One non-blank cell (trimmed) of a picked column, with its file and the row it is on
    /// (its line, and the cells a value is read with, such as the row's Currency).
    fn cell(&mut self, slot: usize, value: &str, file: &str, row: &RowRef<'_>);
}

/// One pass over every file of a data module, giving each reader the cells of the columns it
/// picks. Rows that cannot be read are skipped: discovery reported them.
pub fn read_columns(
    export: &Export,
    readers: &mut [&mut dyn ColumnReader],
) -> Result<(), ReadError> {
    for file in export.files() {
        let Some(module) = file.module.filter(|m| m.holds_records()) else {
            continue;
        };
        let mut reader = export.rows(file)?;
        // (cell index, reader, slot) of the picked columns, found once per file.
        let mut picked: Vec<(usize, usize, usize)> = Vec::new();
        for (i, header) in reader.headers().names().iter().enumerate() {
            for (r, column_reader) in readers.iter_mut().enumerate() {
                if let Some(slot) = column_reader.pick(module, header) {
                    picked.push((i, r, slot));
                }
            }
        }
        if picked.is_empty() {
            continue;
        }
        let name = file.entry.file_name().to_string();
        while let Some(row) = reader.next_row() {
            let Ok(row) = row else { continue };
            for (i, r, slot) in &picked {
                if let Some(value) = row.field(*i).map(str::trim).filter(|v| !v.is_empty()) {
                    readers[*r].cell(*slot, value, &name, &row);
                }
            }
        }
    }
    Ok(())
}
