//! crm-migrate: move a company's CRM data from an RSoft CRM export into Nutshell CRM.
//!
//! The library holds every layer; `main.rs` only parses the command line and dispatches to `cli`.
//! Layers, source to destination: `rsoft` (read the export), `discovery` (the scope report),
//! `mapping` (the field map), `nutshell` (the API client), `sandbox` (a local Nutshell), and
//! `connect` above the last two (one way to reach the destination).
//! The engine never prints and never touches a terminal.
// Every public item says what it holds or does (shapes, units, errors, sources); CI denies the
// warning through clippy's `-D warnings`.
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod atomic_file;
pub mod cells;
pub mod cli;
pub mod config;
pub mod connect;
pub mod dates;
pub mod discovery;
pub mod engine;
pub mod error_text;
pub mod journal;
pub mod mapping;
pub mod numbers;
pub mod nutshell;
pub mod report;
pub mod rsoft;
pub mod sandbox;
pub mod tui;
pub mod vocabulary;
