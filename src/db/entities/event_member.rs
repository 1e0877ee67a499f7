use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub user_id: i32,
    /// `organizer` or `staff`.
    pub role: TeamRole,
    pub created_at: DateTimeUtc,
}

/// What a person may do for an event besides attending it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    #[sea_orm(string_value = "staff")]
    Staff,
    #[sea_orm(string_value = "organizer")]
    Organizer,
}

impl TeamRole {
    pub fn as_str(self) -> &'static str {
        match self {
            TeamRole::Staff => "staff",
            TeamRole::Organizer => "organizer",
        }
    }

    pub fn parse(value: &str) -> Option<TeamRole> {
        match value {
            "staff" => Some(TeamRole::Staff),
            "organizer" => Some(TeamRole::Organizer),
            _ => None,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
