//! The operator's decisions on the map proposed for a generated RSoft export (the bundled
//! sample and `sample-export --scale N`), shared by the migrate tests and bench/load.sh.

use crm_migrate::mapping::catalogue::ValueKind;
use crm_migrate::mapping::model::{FieldMap, Status, Target};

/// The operator's decisions on the proposed sample map: RSoft's "On Hold" deals go to
/// Qualification (Nutshell's Sales pipeline has no On Hold); "REF-8104" is a referral code, not
/// an amount in the currency REF; date-time custom columns are dropped (Nutshell's custom fields
/// are dates, and the schema step would refuse them on a second run).
pub fn decided(map: &FieldMap) -> FieldMap {
    let mut map = map.clone();
    for m in map.modules.values_mut() {
        for entries in m.values.values_mut() {
            for e in entries.iter_mut().filter(|e| e.to == "On Hold") {
                e.to = "Qualification".into();
                e.status = Status::Edited;
            }
        }
        for c in m.columns.iter_mut() {
            if c.header == "Referral Code"
                && let Target::Custom { kind, .. } = &mut c.target
            {
                *kind = ValueKind::Text;
            }
            if matches!(
                c.target,
                Target::Custom {
                    kind: ValueKind::DateTime,
                    ..
                }
            ) {
                c.target = Target::Ignore;
                c.status = Status::Ignored;
            }
        }
    }
    map
}
