//! Custom fields: columns beyond a module's standard ones, plus the definitions file, and RSoft's
//! 5-field cap on its Standard and Advanced plans.

use serde::{Deserialize, Serialize};

use crate::rsoft::{ColumnKind, ColumnProfile, Module};

/// RSoft Standard and Advanced plans allow this many custom fields per module.
pub const RSOFT_STANDARD_CAP: usize = 5;

/// A custom field of an RSoft module: a column outside the module's standard columns, a row of the
/// definitions file, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomField {
    /// The module it belongs to.
    pub module: Module,
    /// The field's name as written.
    pub name: String,
    /// True when a column of that name is in the module's file.
    pub in_export: bool,
    /// True when the custom-field definitions file lists it.
    pub defined: bool,
    /// The type the definitions file gives.
    pub field_type: Option<String>,
    /// The options the definitions file lists for a pick-list field, as written.
    pub options: Option<String>,
    /// The type inferred from the column's values.
    pub inferred: Option<ColumnKind>,
    /// Share of rows with a value (0–1); `None` when the field is not in the export.
    pub fill_rate: Option<f64>,
}

/// Custom fields per module against RSoft's cap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomFieldCount {
    /// The module.
    pub module: Module,
    /// Custom fields found for it.
    pub count: usize,
    /// More than 5: the account is on a higher RSoft plan, or fields were added some other way.
    pub exceeds_standard_cap: bool,
}

/// Builds the custom-field list from data-module columns and definition rows.
#[derive(Debug, Default)]
pub struct CustomFieldSet {
    fields: Vec<CustomField>,
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl CustomFieldSet {
    /// A column of a data module that is not one of its standard headers.
    pub fn column(&mut self, profile: &ColumnProfile, module: Module) {
        if profile.canonical.is_some() || !module.holds_records() {
            return;
        }
        match self.find(module, &profile.header) {
            Some(f) => {
                f.in_export = true;
                f.inferred = Some(profile.inferred);
                f.fill_rate = Some(profile.fill_rate);
            }
            None => self.fields.push(CustomField {
                module,
                name: profile.header.clone(),
                in_export: true,
                defined: false,
                field_type: None,
                options: None,
                inferred: Some(profile.inferred),
                fill_rate: Some(profile.fill_rate),
            }),
        }
    }

    /// A row of the definitions file.
    pub fn definition(&mut self, module: Module, name: &str, field_type: &str, options: &str) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let nonblank = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        match self.find(module, name) {
            Some(f) => {
                f.defined = true;
                f.field_type = nonblank(field_type);
                f.options = nonblank(options);
            }
            None => self.fields.push(CustomField {
                module,
                name: name.to_string(),
                in_export: false,
                defined: true,
                field_type: nonblank(field_type),
                options: nonblank(options),
                inferred: None,
                fill_rate: None,
            }),
        }
    }

    fn find(&mut self, module: Module, name: &str) -> Option<&mut CustomField> {
        self.fields
            .iter_mut()
            .find(|f| f.module == module && same_name(&f.name, name))
    }

    /// The fields sorted by module and name, and the count per module against [`RSOFT_STANDARD_CAP`].
    pub fn finish(mut self) -> (Vec<CustomField>, Vec<CustomFieldCount>) {
        self.fields
            .sort_by(|a, b| a.module.cmp(&b.module).then_with(|| a.name.cmp(&b.name)));
        let mut counts: Vec<CustomFieldCount> = Vec::new();
        for f in &self.fields {
            match counts.last_mut() {
                Some(c) if c.module == f.module => c.count += 1,
                _ => counts.push(CustomFieldCount {
                    module: f.module,
                    count: 1,
                    exceeds_standard_cap: false,
                }),
            }
        }
        for c in &mut counts {
            c.exceeds_standard_cap = c.count > RSOFT_STANDARD_CAP;
        }
        (self.fields, counts)
    }
}
