use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub occurrence_id: i32,
    pub author_id: Option<i32>,
    /// `message`, `topic` or `opening`.
    pub kind: String,
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

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
