use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waitlist_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub ticket_type_id: i32,
    pub user_id: i32,
    /// `waiting`, `offered`, `claimed`, `expired` or `left`.
    pub status: String,
    pub registration_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub offered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
