//! Pipelines and their stages: from the pipelines file and from the Pipeline/Stage values on deals.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Distinct (pipeline, stage) pairs kept; more is not a real pipeline setup.
const MAX_STAGES: usize = 2_000;

/// An RSoft pipeline as the export shows it: from the pipelines file, the deals, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    /// The pipeline's name as written ([`NO_PIPELINE`] for deals without one).
    pub name: String,
    /// In stage order when the pipelines file gives one, then by first appearance.
    pub stages: Vec<Stage>,
    /// True when the pipelines file defines this pipeline.
    pub defined: bool,
    /// Deals in this pipeline.
    pub deals: u64,
}

/// A stage of an RSoft pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// The stage's name as written.
    pub name: String,
    /// Its position from the pipelines file; `None` when only deals name it.
    pub order: Option<u32>,
    /// Win probability as the pipelines file writes it (a percentage), for the admin checklist.
    pub probability: Option<String>,
    /// Deals at this stage.
    pub deals: u64,
    /// True for a stage seen on deals but missing from the pipelines file.
    pub only_on_deals: bool,
}

/// The name deals without a Pipeline column (or value) are filed under.
pub const NO_PIPELINE: &str = "(no pipeline given)";

/// The stage of a deal whose Stage cell is blank, as the stage map keys it (`Sales / (no stage
/// given)`): the operator maps it like any stage, and the load reads a blank cell as it.
pub const NO_STAGE: &str = "(no stage given)";

/// Gathers pipelines and stages from the pipelines file and the deals as rows stream by; at most
/// 2,000 distinct (pipeline, stage) pairs.
#[derive(Debug, Default)]
pub struct PipelineTally {
    /// pipeline → stage → (definition order, probability, defined, deals, first seen)
    stages: BTreeMap<String, BTreeMap<String, StageSeen>>,
    defined_pipelines: BTreeMap<String, ()>,
    seen: usize,
    /// Deals whose (pipeline, stage) was not kept because the 2,000 limit was reached.
    pub overflow: u64,
}

#[derive(Debug, Default)]
struct StageSeen {
    order: Option<u32>,
    probability: Option<String>,
    defined: bool,
    deals: u64,
    first_seen: usize,
}

impl PipelineTally {
    fn stage(&mut self, pipeline: &str, stage: &str) -> Option<&mut StageSeen> {
        let pipeline = pipeline.trim();
        let pipeline = if pipeline.is_empty() {
            NO_PIPELINE
        } else {
            pipeline
        };
        // Most calls are a deal at a stage already seen: find it without allocating.
        if self
            .stages
            .get(pipeline)
            .is_some_and(|s| s.contains_key(stage))
        {
            return self.stages.get_mut(pipeline).and_then(|s| s.get_mut(stage));
        }
        if self.seen >= MAX_STAGES {
            self.overflow += 1;
            return None;
        }
        let seen = self.seen;
        self.seen += 1;
        let entry = self
            .stages
            .entry(pipeline.to_string())
            .or_default()
            .entry(stage.to_string())
            .or_insert_with(|| StageSeen {
                first_seen: seen,
                ..StageSeen::default()
            });
        Some(entry)
    }

    /// A row of the pipelines file.
    pub fn define(
        &mut self,
        pipeline: &str,
        stage: &str,
        order: Option<&str>,
        probability: Option<&str>,
    ) {
        let stage = stage.trim();
        if pipeline.trim().is_empty() {
            return;
        }
        self.defined_pipelines
            .insert(pipeline.trim().to_string(), ());
        if stage.is_empty() {
            return;
        }
        if let Some(s) = self.stage(pipeline, stage) {
            s.defined = true;
            s.order = order.and_then(|o| o.trim().parse().ok());
            s.probability = probability
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string);
        }
    }

    /// A deal's Pipeline and Stage values.
    pub fn deal(&mut self, pipeline: &str, stage: &str) {
        let stage = stage.trim();
        let stage = if stage.is_empty() { NO_STAGE } else { stage };
        if let Some(s) = self.stage(pipeline, stage) {
            s.deals += 1;
        }
    }

    /// Adds another file's tally after this one's (stages keep their first-seen order).
    pub fn merge(&mut self, other: PipelineTally) {
        self.overflow += other.overflow;
        self.defined_pipelines.extend(other.defined_pipelines);
        let mut seen: Vec<(String, String, StageSeen)> = other
            .stages
            .into_iter()
            .flat_map(|(p, stages)| {
                stages
                    .into_iter()
                    .map(move |(s, seen)| (p.clone(), s, seen))
            })
            .collect();
        seen.sort_by_key(|(_, _, s)| s.first_seen);
        for (pipeline, stage, theirs) in seen {
            if let Some(mine) = self.stage(&pipeline, &stage) {
                mine.deals += theirs.deals;
                if theirs.defined {
                    mine.defined = true;
                    mine.order = theirs.order;
                    mine.probability = theirs.probability;
                }
            }
        }
    }

    /// The pipelines by name, each with its stages in the file's order then by first appearance;
    /// pipelines the file defines without any stage come last, empty.
    pub fn finish(self) -> Vec<Pipeline> {
        let defined = self.defined_pipelines;
        let mut out: Vec<Pipeline> = self
            .stages
            .into_iter()
            .map(|(name, stages)| {
                let mut stages: Vec<(String, StageSeen)> = stages.into_iter().collect();
                stages.sort_by_key(|(_, s)| (s.order.is_none(), s.order, s.first_seen));
                let pipeline_defined = defined.contains_key(&name);
                Pipeline {
                    deals: stages.iter().map(|(_, s)| s.deals).sum(),
                    stages: stages
                        .into_iter()
                        .map(|(stage, s)| Stage {
                            name: stage,
                            order: s.order,
                            probability: s.probability,
                            deals: s.deals,
                            only_on_deals: !s.defined,
                        })
                        .collect(),
                    defined: pipeline_defined,
                    name,
                }
            })
            .collect();
        for name in defined.keys() {
            if !out.iter().any(|p| &p.name == name) {
                out.push(Pipeline {
                    name: name.clone(),
                    stages: Vec::new(),
                    defined: true,
                    deals: 0,
                });
            }
        }
        out
    }
}
