//! The reports of a configured migration written to a folder: what `crm-migrate report` and the
//! wizard's Verify screen both do, so the two write the same files from the same inputs.

use std::path::{Path, PathBuf};

use super::{ReportError, ReportOptions, ReportSource, gaps};
use crate::config::{Config, ConfigError};
use crate::journal::{JOURNAL_FILE, Journal, JournalError};
use crate::rsoft::{Export, ReadError};
use crate::vocabulary::{Vocabulary, VocabularyError};

/// What [`write_reports`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// `report.md`, `report.html`, then the section CSVs.
    pub files: Vec<PathBuf>,
    /// Whether the run sections are filled (false: they say [`super::NO_RUN`]).
    pub has_run: bool,
}

/// Why [`write_reports`] wrote nothing (or not everything). Each variant shows its cause's own
/// message, so the operator reads the same text as from the step that failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteReportsError {
    /// The config names no export.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The header vocabulary (built in plus `[vocabulary] file`) could not be loaded.
    #[error(transparent)]
    Vocabulary(#[from] VocabularyError),
    /// The export could not be opened.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The migration's journal could not be opened.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The report could not be made or a file could not be written.
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// Write the reports of `config`'s migration into `out` (created if missing, files replaced):
/// `report.md`, `report.html` and a CSV per section. `config_path` names the config in errors.
/// The run sections come from `<state_dir>/journal.sqlite` when a migration made one; opening
/// never creates one in a state dir that has none.
pub fn write_reports(
    config: &Config,
    config_path: &Path,
    out: &Path,
) -> Result<Written, WriteReportsError> {
    let export = Export::open_with(config.export_path(config_path)?, Vocabulary::of(config)?)?;
    let options = ReportOptions {
        country: config.source.country.clone(),
        web_base: gaps::web_base(config.nutshell.endpoint_setting()),
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let journal_path = config.state_dir().join(JOURNAL_FILE);
    let journal = if journal_path.exists() {
        Some(Journal::open_file(&journal_path)?)
    } else {
        None
    };
    let source = journal.as_ref().map(|j| j as &dyn ReportSource);
    let report = super::generate(&export, source, &options)?;
    let files = super::write_all(&report, out)?;
    Ok(Written {
        files,
        has_run: report.run.is_some(),
    })
}
