use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "ticket_types")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    pub capacity: Option<i32>,
    pub taken: i32,
    pub sales_start: Option<DateTimeUtc>,
    pub sales_end: Option<DateTimeUtc>,
    pub is_visible: bool,
    pub max_per_person: i32,
    pub position: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The secret of a hidden type's link; never serialized.
    #[serde(skip)]
    pub access_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
