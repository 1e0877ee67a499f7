use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "connections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub requester_id: i32,
    pub addressee_id: i32,
    pub event_id: Option<i32>,
    pub note: String,
    /// `pending`, `accepted`, `declined` or `withdrawn`.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub responded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
