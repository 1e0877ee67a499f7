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
    pub status: ConnectionStatus,
    pub created_at: DateTimeUtc,
    pub responded_at: Option<DateTimeUtc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, EnumIter, DeriveActiveEnum, utoipa::ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "accepted")]
    Accepted,
    #[sea_orm(string_value = "declined")]
    Declined,
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

impl ConnectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Pending => "pending",
            ConnectionStatus::Accepted => "accepted",
            ConnectionStatus::Declined => "declined",
            ConnectionStatus::Withdrawn => "withdrawn",
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
