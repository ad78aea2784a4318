//! `report.html`: one self-contained page from the template `templates/report.html` (minijinja,
//! compiled into the binary). Auto-escaping is on for the whole page (minijinja escapes every
//! value of a template named `*.html`), so nothing from the export or the journal can become
//! markup. The page has no scripts and loads nothing: CSS is inline, the bar chart is CSS
//! widths, and a Content-Security-Policy of `default-src 'none'` makes a browser refuse any fetch.

use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};

use super::model::MigrationReport;
use super::{JOURNAL_SECTIONS, NO_RUN, ReportError};

/// The template, named with `.html` so minijinja auto-escapes it.
const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("templates/report.html");

/// Renders the page. Fails only on a template bug (reported as internal).
pub fn render(report: &MigrationReport) -> Result<String, ReportError> {
    let mut env = Environment::new();
    env.add_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(|e| ReportError::Template(e.to_string()))?;
    let template = env
        .get_template(TEMPLATE_NAME)
        .map_err(|e| ReportError::Template(e.to_string()))?;
    template
        .render(context! { r => Value::from(Serde(report)), no_run => NO_RUN, journal_sections => JOURNAL_SECTIONS })
        .map_err(|e| ReportError::Template(e.to_string()))
}
