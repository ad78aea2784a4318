//! The destination schema read through the Nutshell client from the in-process sandbox, and the
//! stage map proposed against it.

use crm_migrate::config::LoadConfig;
use crm_migrate::engine::schema::Destination;
use crm_migrate::mapping::catalogue::ValueKind;
use crm_migrate::mapping::model::CONFIDENCE_THRESHOLD;
use crm_migrate::mapping::propose::propose_stage_map;
use crm_migrate::nutshell::EntityType;
use crm_migrate::sandbox::{Sandbox, SandboxOptions};

#[tokio::test]
async fn schema_is_read_from_the_sandbox() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = crm_migrate::connect::sandbox_client(&sandbox, &LoadConfig::default()).unwrap();
    client
        .create_custom_field(EntityType::Contacts, "PAN", "Text")
        .await
        .unwrap();
    client
        .create_custom_field(EntityType::Accounts, "Annual Turnover", "Currency")
        .await
        .unwrap();

    let schema = Destination::read(&client).await.unwrap().schema();
    assert!(schema.read_from_account);
    let names: Vec<_> = schema.stagesets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Sales", "Channel Partners"]);
    assert_eq!(
        schema.stagesets[0].milestones,
        [
            "Prospecting",
            "Qualification",
            "Proposal",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );
    assert_eq!(schema.stagesets[1].milestones.len(), 5);
    assert_eq!(schema.activity_types, ["Phone Call", "Email", "Meeting"]);
    assert_eq!(
        schema
            .custom_field(EntityType::Contacts, "pan")
            .map(|f| f.kind),
        Some(ValueKind::Text)
    );
    assert_eq!(
        schema
            .custom_field(EntityType::Accounts, "Annual Turnover")
            .map(|f| f.kind),
        Some(ValueKind::Money)
    );
    assert!(schema.custom_field(EntityType::Leads, "PAN").is_none());

    // Against the account, a stage Nutshell has is mapped; one it lacks is flagged with the fix.
    let pairs = [
        ("Sales".to_string(), "Won".to_string()),
        ("Sales".to_string(), "On Hold".to_string()),
    ];
    let stages = propose_stage_map(&pairs, &schema);
    assert!(stages[0].confidence >= CONFIDENCE_THRESHOLD && stages[0].to == "Won");
    assert!(stages[1].confidence < CONFIDENCE_THRESHOLD);
    assert!(
        stages[1].reason.contains("Setup → Pipelines"),
        "{}",
        stages[1].reason
    );
    sandbox.shutdown().await.unwrap();
}
