use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registration_questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub label: String,
    pub kind: QuestionKind,
    #[sea_orm(column_type = "Text")]
    pub options: String,
    pub is_required: bool,
    pub position: i32,
}

/// How a registration question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    #[sea_orm(string_value = "text")]
    Text,
    /// One of the options.
    #[sea_orm(string_value = "single")]
    Single,
    /// Any of the options.
    #[sea_orm(string_value = "multiple")]
    Multiple,
    /// Yes or no.
    #[sea_orm(string_value = "checkbox")]
    Checkbox,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
