//! Steps 3 and 4 of a run in one call (docs/design.md §1): read the destination, scan the export, match
//! owners, plan the house, gather every blocker at once, and — only when nothing blocks and the
//! run is not a dry run — create what the API can create. `migrate` and the wizard's Schema and
//! Owners screens call [`get_ready`]; `migrate` exits 3 with `blockers::render` while
//! [`Readiness::blockers`] is not empty.

use serde::Serialize;

use super::blockers::{Blocker, Files, format_blockers, map_blockers};
use super::owners::{
    Owners, OwnersFile, OwnersFileError, reconcile, rsoft_users, write_owners_file,
};
use super::scan::{ExportScan, scan};
use super::schema::{
    Created, Destination, HousePlan, SchemaError, apply, needs, plan, write_checklist,
};
use crate::config::DateOrder;
use crate::discovery::Report;
use crate::mapping::model::FieldMap;
use crate::nutshell::Client;
use crate::rsoft::{Export, ReadError};

/// Why getting ready stopped (blockers are not errors: see [`Readiness::blockers`]).
#[derive(Debug, thiserror::Error)]
pub enum ReadyError {
    /// The destination could not be read or a create failed.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// owners.toml could not be read or parsed.
    #[error(transparent)]
    OwnersFile(#[from] OwnersFileError),
    /// The export could not be read while scanning it.
    #[error("cannot read the export to find owners, tags and sources: {0}")]
    Export(#[from] ReadError),
}

/// Whether preparing may write to Nutshell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// `--dry-run`: read and plan only; local files (owners.toml, the checklist) are still written.
    None,
    /// Create custom fields, tags and sources when nothing blocks.
    Allowed,
}

/// Where a run stands before the load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readiness {
    /// The account as read (and, after creating, re-read).
    pub destination: Destination,
    /// Owners, tags and sources found in the export (one pass).
    pub scan: ExportScan,
    /// Owner decisions (for the journal and the record builder) and the queue.
    pub owners: Owners,
    /// What preparing the account creates and what blocks.
    pub house: HousePlan,
    /// What was created; empty on a dry run or while anything blocks.
    pub created: Created,
    /// Everything that blocks, all at once: the map's, the owners', the destination's.
    pub blockers: Vec<Blocker>,
}

/// Read, match, plan and (with [`Writes::Allowed`] and no blocker) prepare. owners.toml is
/// rewritten when owners wait in the queue; the checklist is written or removed to match.
/// Errors: a Nutshell call, the export or owners.toml that cannot be read, a file not written.
pub async fn get_ready(
    client: &Client,
    map: &FieldMap,
    export: &Export,
    report: &Report,
    files: &Files,
    declared: DateOrder,
    writes: Writes,
) -> Result<Readiness, ReadyError> {
    let mut blockers = map_blockers(map, files);
    blockers.extend(format_blockers(map, report, declared, files));
    let mut destination = Destination::read(client).await?;
    let found = scan(export, map)?;
    let file = OwnersFile::load(&files.owners)?;
    let owners = reconcile(
        &found.owners,
        &destination.users,
        &file,
        &rsoft_users(report),
    );
    if !owners.queue.owners.is_empty() {
        write_owners_file(&files.owners, &file, &owners)?;
    }
    blockers.extend(owners.blockers(files));
    let house = plan(
        &destination,
        &needs(map, &found, files),
        &report.pipelines,
        files,
    );
    write_checklist(&house.checklist, &files.checklist)?;
    blockers.extend(house.blockers.iter().cloned());
    let mut created = Created::default();
    if writes == Writes::Allowed && blockers.is_empty() {
        let (made, refused) = apply(client, &mut destination, &house, files).await?;
        created = made;
        blockers.extend(refused);
    }
    Ok(Readiness {
        destination,
        scan: found,
        owners,
        house,
        created,
        blockers,
    })
}
