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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
