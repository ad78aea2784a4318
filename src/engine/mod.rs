//! The engine: plan, owners, load, verify, rollback. It never prints: it returns data or sends
//! events that the CLI and the wizard both consume.
//!
//! - [`scan`]: one pass over the export for owners, tags and sources.
//! - [`schema`]: the destination account ([`schema::Destination`]) and preparing it.
//! - [`owners`]: owner reconciliation and owners.toml.
//! - [`blockers`]: everything that stops a run, all at once.
//! - [`ready`]: the steps above in one call, for `migrate` and the wizard.
//! - [`rollback`]: delete exactly what runs created, newest first, resumable.
//! - [`verify`]: reconcile every source row, count our records in Nutshell, spot-check fields.

pub mod blockers;
pub mod compare;
pub mod event;
pub mod load;
pub mod load_edit;
pub mod load_lookups;
pub mod load_run;
pub mod load_send;
pub mod owners;
pub mod ready;
pub mod rollback;
pub mod scan;
pub mod schema;
pub mod verify;
