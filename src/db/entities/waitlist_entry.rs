use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waitlist_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub ticket_type_id: i32,
    pub user_id: i32,
    pub status: WaitlistStatus,
    pub registration_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub offered_at: Option<DateTimeUtc>,
}

/// Where a person stands on a waitlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum WaitlistStatus {
    #[sea_orm(string_value = "waiting")]
    Waiting,
    /// A seat is held for the person to claim.
    #[sea_orm(string_value = "offered")]
    Offered,
    #[sea_orm(string_value = "claimed")]
    Claimed,
    /// The offer ran out unclaimed.
    #[sea_orm(string_value = "expired")]
    Expired,
    /// The person left the waitlist.
    #[sea_orm(string_value = "left")]
    Left,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
