use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_occurrences")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub scheduled_start: DateTimeUtc,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub status: OccurrenceStatus,
    pub revision: i32,
    /// When the opening message went out in the live room.
    pub opening_posted_at: Option<DateTimeUtc>,
    /// The host shows this week's topics before the chat opens.
    pub topics_public: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Whether a week's chat is held as the series says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceStatus {
    #[sea_orm(string_value = "scheduled")]
    Scheduled,
    /// No chat this week.
    #[sea_orm(string_value = "skipped")]
    Skipped,
    /// Held at another time this week.
    #[sea_orm(string_value = "moved")]
    Moved,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
