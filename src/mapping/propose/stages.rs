//! Stage-map proposals: each RSoft pipeline + stage to a Nutshell stageset + milestone.

use crate::mapping::model::{Status, ValueEntry, stage_key};
use crate::mapping::schema::DestinationSchema;
use crate::vocabulary::normalize_header;

/// Stage map proposals: each RSoft pipeline + stage to a Nutshell stageset + milestone of the same
/// name (case and punctuation aside). Pipelines and stages cannot be created through the API, so
/// an unmatched pair stays below the threshold and names what to create in Nutshell.
pub fn propose_stage_map(
    pairs: &[(String, String)],
    schema: &DestinationSchema,
) -> Vec<ValueEntry> {
    let same = |a: &str, b: &str| normalize_header(a) == normalize_header(b);
    pairs
        .iter()
        .map(|(pipeline, stage)| {
            let stageset = schema.stagesets.iter().find(|s| same(&s.name, pipeline));
            let milestone = stageset.and_then(|s| s.milestones.iter().find(|m| same(m, stage)));
            let (to, set, confidence, reason) = match (stageset, milestone) {
                (Some(s), Some(m)) => (m.clone(), s.name.clone(), 0.95, format!("Nutshell has pipeline {:?} with stage {m:?}", s.name)),
                (Some(s), None) => (stage.clone(), s.name.clone(), 0.3, format!("Nutshell pipeline {:?} has no stage {stage:?}: add it in Nutshell (Setup → Pipelines) or pick one of: {}", s.name, s.milestones.join(", "))),
                (None, _) if !schema.read_from_account => (stage.clone(), pipeline.clone(), 0.3, format!("unverified: no Nutshell account was read; set [nutshell] endpoint and run `crm-migrate map` again, or confirm once pipeline {pipeline:?} has stage {stage:?} in Nutshell")),
                (None, _) => (stage.clone(), pipeline.clone(), 0.3, format!("Nutshell has no pipeline {pipeline:?}: create it with stage {stage:?} in Nutshell (Setup → Pipelines), or map to an existing one")),
            };
            ValueEntry {
                from: stage_key(pipeline, stage),
                to,
                stageset: Some(set),
                confidence,
                reason,
                status: Status::Proposed,
            }
        })
        .collect()
}
