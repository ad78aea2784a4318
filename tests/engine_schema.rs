//! Preparing the destination on the bundled sample against the sandbox: custom fields (REST), the
//! legacy-id and close-date fields, tags and sources are created once, and a second run creates
//! nothing; a mapped pipeline or stage Nutshell lacks blocks with a checklist for the admin, and
//! goes away once the map points at existing stages.

mod engine_support;

use crm_migrate::engine::blockers::{BlockerKind, Files, map_blockers};
use crm_migrate::engine::scan::{ExportScan, scan};
use crm_migrate::engine::schema::{
    CLOSED_ON_FIELD, Destination, HousePlan, apply, needs, plan, render_checklist, write_checklist,
};
use crm_migrate::mapping::catalogue::ValueMapKind;
use crm_migrate::mapping::model::{FieldMap, Status, ValueEntry, stage_key};
use crm_migrate::nutshell::EntityType;
use crm_migrate::rsoft::Module;
use engine_support::{Sample, files, sample, sandbox};

#[tokio::test]
async fn the_house_is_prepared_once() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let mut destination = Destination::read(&client).await.unwrap();
    let s = sample(&destination);
    let found = scan(&s.export, &s.map).unwrap();
    let needed = needs(&s.map, &found, &files);
    let first = plan(&destination, &needed, &s.report.pipelines, &files);

    // The sandbox starts with no custom fields and two sources.
    for entity in [
        EntityType::Accounts,
        EntityType::Contacts,
        EntityType::Leads,
    ] {
        assert!(
            first
                .create_fields
                .iter()
                .any(|f| f.entity == entity && f.name == "RSoft ID"),
            "{entity:?}: {:#?}",
            first.create_fields
        );
    }
    let field = |entity: EntityType, name: &str| {
        first
            .create_fields
            .iter()
            .find(|f| f.entity == entity && f.name == name)
            .unwrap_or_else(|| panic!("{name} on {entity:?}: {:#?}", first.create_fields))
    };
    assert_eq!(
        field(EntityType::Leads, CLOSED_ON_FIELD)
            .kind
            .nutshell_custom_type(),
        "Date"
    );
    assert_eq!(
        field(EntityType::Contacts, "PAN")
            .kind
            .nutshell_custom_type(),
        "Text"
    );
    assert_eq!(
        field(EntityType::Accounts, "Annual Turnover")
            .kind
            .nutshell_custom_type(),
        "Currency"
    );
    // Leads and deals both fill RSoft Created On on Leads: asked for once.
    let created_on = first
        .create_fields
        .iter()
        .filter(|f| f.entity == EntityType::Leads && f.name == "RSoft Created On")
        .count();
    assert_eq!(created_on, 1);
    // Tags per entity, deduped case-insensitively; sources the sandbox lacks (it has Website
    // and Referral).
    let account_tags = &first.create_tags[&EntityType::Accounts];
    assert!(
        account_tags.iter().any(|t| t == "key account"),
        "{account_tags:?}"
    );
    let lower: Vec<String> = account_tags.iter().map(|t| t.to_lowercase()).collect();
    let mut distinct = lower.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(lower.len(), distinct.len(), "{account_tags:?}");
    assert!(
        first.create_sources.iter().any(|s| s == "Trade Show"),
        "{:?}",
        first.create_sources
    );
    assert!(
        !first
            .create_sources
            .iter()
            .any(|s| s.eq_ignore_ascii_case("website"))
    );

    let before = sb.stats().creates_committed;
    let (created, blockers) = apply(&client, &mut destination, &first, &files)
        .await
        .unwrap();
    assert_eq!(blockers, [], "{blockers:#?}");
    assert_eq!(created.custom_fields.len(), first.create_fields.len());
    let tag_count: usize = first.create_tags.values().map(Vec::len).sum();
    assert_eq!(created.tags.len(), tag_count);
    assert_eq!(created.sources, first.create_sources);
    assert_eq!(
        sb.stats().creates_committed - before,
        (first.create_fields.len() + tag_count) as u64 + first.create_sources.len() as u64,
        "each thing created once"
    );
    assert!(
        destination
            .custom_field(EntityType::Leads, "rsoft id")
            .is_some()
    );
    assert!(destination.source("trade show").is_some());

    // A second run reads the account again and has nothing to create.
    let mut again = Destination::read(&client).await.unwrap();
    assert_eq!(again.custom_fields, destination.custom_fields);
    let second = plan(&again, &needed, &s.report.pipelines, &files);
    assert!(second.creates_nothing(), "{second:#?}");
    let before = sb.stats().creates_committed;
    let (created, blockers) = apply(&client, &mut again, &second, &files).await.unwrap();
    assert_eq!(
        (
            created.custom_fields.len(),
            created.tags.len(),
            created.sources.len()
        ),
        (0, 0, 0)
    );
    assert_eq!(blockers, []);
    assert_eq!(sb.stats().creates_committed, before);
}

fn stage(from: &str, pipeline: &str, to: &str) -> ValueEntry {
    ValueEntry {
        from: from.into(),
        to: to.into(),
        stageset: Some(pipeline.into()),
        confidence: 1.0,
        reason: "test".into(),
        status: Status::Confirmed,
    }
}

fn deal_stages(map: &mut FieldMap) -> &mut Vec<ValueEntry> {
    map.modules
        .get_mut(&Module::Deals)
        .unwrap()
        .values
        .get_mut(&ValueMapKind::Stage)
        .unwrap()
}

fn plan_for(destination: &Destination, s: &Sample, found: &ExportScan, files: &Files) -> HousePlan {
    plan(
        destination,
        &needs(&s.map, found, files),
        &s.report.pipelines,
        files,
    )
}

#[tokio::test]
async fn a_missing_pipeline_or_stage_blocks_with_a_checklist_until_it_exists() {
    let (_sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let destination = Destination::read(&client).await.unwrap();
    let mut s = sample(&destination);
    let stages = deal_stages(&mut s.map);
    stages.clear();
    // Sales exists in the sandbox without "On Hold"; "Partners" does not exist at all.
    stages.push(stage(&stage_key("Sales", "Proposal"), "Sales", "Proposal"));
    stages.push(stage(&stage_key("Sales", "On Hold"), "Sales", "On Hold"));
    for rsoft in ["Dropped", "Enquiry", "Agreement", "Evaluation", "Onboarded"] {
        stages.push(stage(
            &stage_key("Channel Partners", rsoft),
            "Partners",
            rsoft,
        ));
    }
    let found = scan(&s.export, &s.map).unwrap();
    let house = plan_for(&destination, &s, &found, &files);
    let kinds: Vec<(BlockerKind, &str)> = house
        .blockers
        .iter()
        .filter(|b| b.file == files.checklist)
        .map(|b| (b.kind, b.item.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (BlockerKind::MissingStage, "pipeline \"Sales\""),
            (BlockerKind::MissingPipeline, "pipeline \"Partners\"")
        ],
        "{:#?}",
        house.blockers
    );
    assert!(
        house.blockers[..]
            .iter()
            .any(|b| b.problem.contains("On Hold"))
    );

    assert!(write_checklist(&house.checklist, &files.checklist).unwrap());
    let text = std::fs::read_to_string(&files.checklist).unwrap();
    assert_eq!(text, render_checklist(&house.checklist));
    // The new pipeline's stages in the RSoft order, with the Pipelines file's probabilities.
    let partners = text
        .split("## Create pipeline \"Partners\"")
        .nth(1)
        .unwrap();
    let order: Vec<usize> = ["Enquiry", "Evaluation", "Agreement", "Onboarded", "Dropped"]
        .iter()
        .map(|s| partners.find(&format!("\"{s}\"")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(partners.contains("\"Enquiry\" — probability 10%"), "{text}");
    assert!(
        partners.contains("\"Onboarded\" — probability 100%"),
        "{text}"
    );
    let sales = text
        .split("## Pipeline \"Sales\": add stages")
        .nth(1)
        .unwrap();
    assert!(
        sales.contains("\"On Hold\" — probability not in the export"),
        "{text}"
    );
    assert!(
        sales.contains("It has now: Prospecting, Qualification"),
        "{text}"
    );

    // Re-checked after the map points at existing stages: no blocker, the checklist removed.
    let stages = deal_stages(&mut s.map);
    stages.retain(|v| v.to == "Proposal");
    let house = plan_for(&destination, &s, &found, &files);
    assert!(house.checklist.is_empty(), "{:#?}", house.checklist);
    assert!(!house.blockers.iter().any(|b| b.file == files.checklist));
    assert!(!write_checklist(&house.checklist, &files.checklist).unwrap());
    assert!(!files.checklist.exists());
}

#[tokio::test]
async fn fields_that_cannot_be_made_block_and_unconfirmed_entries_are_listed() {
    let (_sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let destination = Destination::read(&client).await.unwrap();
    let mut s = sample(&destination);
    // The Contacts "PAN" column as an existing field that is not there, and "Region" as a new
    // Phone field, which Nutshell creates only on Leads.
    let contacts = s.map.modules.get_mut(&Module::Contacts).unwrap();
    for c in contacts.columns.iter_mut() {
        if let crm_migrate::mapping::model::Target::Custom { create, kind, .. } = &mut c.target {
            match c.header.as_str() {
                "PAN" => *create = false,
                "Region" => *kind = crm_migrate::mapping::catalogue::ValueKind::Phone,
                _ => {}
            }
        }
    }
    let found = scan(&s.export, &s.map).unwrap();
    let house = plan_for(&destination, &s, &found, &files);
    let fields: Vec<&str> = house
        .blockers
        .iter()
        .filter(|b| b.kind == BlockerKind::CustomField)
        .map(|b| b.item.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "Contacts custom field \"PAN\"",
            "Contacts custom field \"Region\""
        ],
        "{:#?}",
        house.blockers
    );
    assert!(
        house
            .blockers
            .iter()
            .all(|b| b.file == files.mapping || b.file == files.checklist)
    );
    assert!(
        !house
            .create_fields
            .iter()
            .any(|f| f.entity == EntityType::Contacts && (f.name == "PAN" || f.name == "Region"))
    );

    // The sample's map with only confident proposals accepted still has entries to decide.
    let gate = map_blockers(&s.map, &files);
    assert!(
        gate.iter()
            .any(|b| b.kind == BlockerKind::UnconfirmedMapEntry && b.file == files.mapping),
        "{gate:#?}"
    );
}
