use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub occurrence_id: i32,
    pub author_id: Option<i32>,
    pub kind: MessageKind,
    pub topic_position: Option<i32>,
    pub reply_to: Option<i32>,
    pub quote_of: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub hidden_at: Option<DateTimeUtc>,
    pub hidden_by: Option<i32>,
    pub hidden_reason: String,
    pub edited_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

/// Who wrote a message and in what part of the chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Written by a participant.
    #[sea_orm(string_value = "message")]
    Message,
    /// A topic (T1..Tn) posted by the host.
    #[sea_orm(string_value = "topic")]
    Topic,
    /// The host's welcome.
    #[sea_orm(string_value = "opening")]
    Opening,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
