//! One file per step's screen: its view state, its key handling (`handle`), its step verdict
//! (`status`) and its drawing (`render`).

pub mod connect;
pub mod discovery;
pub mod field_map;
pub mod owners;
pub mod readiness;
pub mod schema;
// Rehearse, Load, Verify.
pub mod load;
pub mod progress;
pub mod rehearse;
pub mod rollback;
pub mod verify;
