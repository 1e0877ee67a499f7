use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_topics")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub occurrence_id: i32,
    pub position: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    pub offset_minutes: i32,
    /// When it went out in the live room.
    pub posted_at: Option<DateTimeUtc>,
    /// Who suggested it, when it came from a topic idea.
    pub credit_user_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
