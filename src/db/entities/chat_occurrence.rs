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
    /// `scheduled`, `skipped` or `moved`.
    pub status: String,
    pub revision: i32,
    /// When the opening message went out in the live room.
    pub opening_posted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
