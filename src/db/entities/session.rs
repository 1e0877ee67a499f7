use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub guid: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub r#abstract: String,
    pub track_id: Option<i32>,
    pub room_id: Option<i32>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub capacity: Option<i32>,
    pub status: SessionStatus,
    pub language: String,
    #[sea_orm(column_type = "Text")]
    pub tags: String,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub seats_taken: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, EnumIter, DeriveActiveEnum, utoipa::ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "published")]
    Published,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Draft => "draft",
            SessionStatus::Published => "published",
            SessionStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<SessionStatus> {
        match text {
            "draft" => Some(SessionStatus::Draft),
            "published" => Some(SessionStatus::Published),
            "cancelled" => Some(SessionStatus::Cancelled),
            _ => None,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
