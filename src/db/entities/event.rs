use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub kind: String,
    pub time_zone: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub venue_map_url: Option<String>,
    pub online_url: Option<String>,
    pub hashtag: Option<String>,
    pub capacity: Option<i32>,
    pub is_published: bool,
    pub recurrence_rule: Option<String>,
    pub recurrence_local_time: Option<String>,
    pub recurrence_minutes: Option<i32>,
    pub host_name: Option<String>,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub seats_taken: i32,
    pub cancel_until: Option<DateTimeUtc>,
    /// How many people a tribe should have.
    pub tribe_size: i32,
    /// Posted at the start of each chat occurrence (the disclaimer).
    #[sea_orm(column_type = "Text")]
    pub chat_opening_message: String,
    /// Characters per chat message.
    pub chat_message_limit: i32,
    /// Minutes before a chat's start its room opens.
    pub chat_opens_minutes_before: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
