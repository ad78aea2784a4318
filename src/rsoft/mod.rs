//! The RSoft CRM side: reading an export, and generating realistic ones.
pub mod generator;
