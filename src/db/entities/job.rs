use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `email`, or the kind a handler was registered for at start-up
    /// (`badge_print`): open-ended, so text rather than an enum.
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub run_at: DateTimeUtc,
    pub attempts: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub locked_by: String,
    pub done_at: Option<DateTimeUtc>,
    pub failed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub last_error: String,
    pub created_at: DateTimeUtc,
    /// The event an email was about: its organizers see the refused ones.
    pub event_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
