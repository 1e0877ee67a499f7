use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub occurrence_id: i32,
    pub message_id: i32,
    pub kind: RoomEventKind,
    pub created_at: DateTimeUtc,
}

/// What happened to a message, as live pages are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum RoomEventKind {
    #[sea_orm(string_value = "posted")]
    Posted,
    /// A moderator hid the message.
    #[sea_orm(string_value = "hidden")]
    Hidden,
    #[sea_orm(string_value = "edited")]
    Edited,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
