use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "badge_prints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub requested_by: Option<i32>,
    pub paper: String,
    pub selection: String,
    /// Comma-separated, in print order.
    #[sea_orm(column_type = "Text")]
    pub registration_ids: String,
    pub total: i32,
    pub done: i32,
    pub status: PrintStatus,
    pub error: String,
    #[sea_orm(column_type = "Blob", nullable)]
    pub pdf: Option<Vec<u8>>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Where a badge print stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum PrintStatus {
    /// Sheets are being drawn.
    #[sea_orm(string_value = "running")]
    Running,
    /// The PDF is there to download.
    #[sea_orm(string_value = "ready")]
    Ready,
    /// The error column says why.
    #[sea_orm(string_value = "failed")]
    Failed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
