//! Mapping memory: the operator's decisions from earlier exports, kept in the user's data dir, so
//! the next export with the same headers is proposed the way it was confirmed last time. Headers
//! are remembered normalised (`Mobile No.` and `mobile no` are one header) per module.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::flag_shared_slots;
use super::model::{FieldMap, Status, Target};
use crate::rsoft::Module;
use crate::vocabulary::normalize_header;

/// File name of the memory inside the state dir.
pub const MEMORY_FILE: &str = "mapping-memory.json";

/// Confidence given to a remembered decision: above any synonym match, still a proposal the
/// operator sees.
const REMEMBERED_CONFIDENCE: f64 = 0.97;

/// Why the mapping memory could not be read or written; each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    /// The file exists but could not be read.
    #[error("cannot read the mapping memory {path}: {source}")]
    Read {
        /// The memory file in the state dir.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// The file is not the JSON this tool writes.
    #[error("the mapping memory {path} is damaged ({message}); delete it to start afresh")]
    Parse {
        /// The memory file in the state dir.
        path: PathBuf,
        /// The JSON reader's message, with line and column.
        message: String,
    },
    /// The file could not be written (the old one, if any, is untouched).
    #[error("cannot write the mapping memory {path}: {source}")]
    Write {
        /// The memory file in the state dir.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Remembered {
    /// The header as the operator last saw it.
    header: String,
    target: Target,
}

/// The operator's remembered column decisions, per module and normalised header.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MappingMemory {
    /// module → normalised header → decision.
    modules: BTreeMap<Module, BTreeMap<String, Remembered>>,
}

impl MappingMemory {
    /// The memory in `state_dir`, empty when there is none yet.
    pub fn load(state_dir: &Path) -> Result<Self, MemoryError> {
        let path = state_dir.join(MEMORY_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(MemoryError::Read { path, source }),
        };
        serde_json::from_str(&text).map_err(|e| MemoryError::Parse {
            path,
            message: e.to_string(),
        })
    }

    /// Write the memory to `state_dir` atomically ([`crate::atomic_file::write`]).
    pub fn save(&self, state_dir: &Path) -> Result<(), MemoryError> {
        let path = state_dir.join(MEMORY_FILE);
        let write = || -> std::io::Result<()> {
            let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
            crate::atomic_file::write(&path, text.as_bytes())
        };
        write().map_err(|source| MemoryError::Write {
            path: path.clone(),
            source,
        })
    }

    /// Learn every decided column of a map (confirmed, edited or ignored); the latest decision
    /// for a header wins. Remembering the same map twice changes nothing.
    pub fn remember(&mut self, map: &FieldMap) {
        for (module, module_map) in &map.modules {
            let known = self.modules.entry(*module).or_default();
            for c in module_map.columns.iter().filter(|c| c.status.is_decided()) {
                let target = if c.status == Status::Ignored {
                    Target::Ignore
                } else {
                    c.target.clone()
                };
                known.insert(
                    normalize_header(&c.header),
                    Remembered {
                        header: c.header.clone(),
                        target,
                    },
                );
            }
        }
    }

    /// Replace fresh proposals with remembered decisions for the same headers; entries the
    /// operator already decided in this map are left alone. Returns how many were applied.
    pub fn apply(&self, map: &mut FieldMap) -> usize {
        let mut applied = 0;
        for (module, module_map) in map.modules.iter_mut() {
            let Some(known) = self.modules.get(module) else {
                continue;
            };
            for c in module_map
                .columns
                .iter_mut()
                .filter(|c| c.status == Status::Proposed)
            {
                if let Some(r) = known.get(&normalize_header(&c.header)) {
                    c.target = r.target.clone();
                    c.confidence = REMEMBERED_CONFIDENCE;
                    c.reason = format!(
                        "you mapped {:?} to {} on an earlier export",
                        r.header,
                        r.target.describe()
                    );
                    applied += 1;
                }
            }
            flag_shared_slots(&mut module_map.columns);
        }
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::model::CONFIDENCE_THRESHOLD;
    use crate::mapping::propose::{SourceColumn, propose};
    use crate::mapping::schema::DestinationSchema;
    use crate::vocabulary::Vocabulary;

    fn columns(headers: &[&str]) -> Vec<SourceColumn> {
        headers
            .iter()
            .map(|h| SourceColumn {
                module: Module::Contacts,
                header: h.to_string(),
                inferred: None,
                samples: vec!["x".into()],
                fill_rate: 1.0,
                checks: Vec::new(),
                format: Default::default(),
                flags: Default::default(),
            })
            .collect()
    }

    #[test]
    fn confirmed_decisions_improve_the_next_proposal() {
        let schema = DestinationSchema::offline();
        let mut first = propose(
            &Vocabulary::builtin(),
            &columns(&["Emial Adress", "Region", "Fax"]),
            &schema,
            "RSoft ID",
        );
        let c = &mut first.modules.get_mut(&Module::Contacts).unwrap().columns;
        assert_eq!(c[0].target, Target::Unmapped);
        c[0].target = Target::Field {
            field: "Contacts.email".into(),
        };
        c[0].status = Status::Edited;
        c[2].status = Status::Ignored;
        let mut memory = MappingMemory::default();
        memory.remember(&first);
        let once = memory.clone();
        memory.remember(&first);
        assert_eq!(
            memory, once,
            "remembering the same map again changes nothing"
        );

        let dir = tempfile::tempdir().unwrap();
        memory.save(dir.path()).unwrap();
        let memory = MappingMemory::load(dir.path()).unwrap();

        let mut next = propose(
            &Vocabulary::builtin(),
            &columns(&["EMIAL ADRESS", "Region", "fax", "PAN"]),
            &schema,
            "RSoft ID",
        );
        assert_eq!(memory.apply(&mut next), 2);
        let c = &next.modules[&Module::Contacts].columns;
        assert_eq!(
            c[0].target,
            Target::Field {
                field: "Contacts.email".into()
            }
        );
        assert!(c[0].confidence >= CONFIDENCE_THRESHOLD && c[0].reason.contains("earlier export"));
        assert_eq!(c[0].status, Status::Proposed, "still shown to the operator");
        assert_eq!(c[2].target, Target::Ignore);
        assert!(!c[1].reason.contains("earlier"), "Region was never decided");
    }

    #[test]
    fn missing_memory_is_empty_and_damaged_memory_says_so() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            MappingMemory::load(dir.path()).unwrap(),
            MappingMemory::default()
        );
        std::fs::write(dir.path().join(MEMORY_FILE), "{not json").unwrap();
        let e = MappingMemory::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("delete it"), "{e}");
    }
}
