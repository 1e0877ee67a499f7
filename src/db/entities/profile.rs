use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profiles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub user_id: i32,
    pub pronouns: String,
    pub headline: String,
    pub organization: String,
    #[sea_orm(column_type = "Text")]
    pub bio: String,
    #[sea_orm(column_type = "Text")]
    pub interests: String,
    #[sea_orm(column_type = "Text")]
    pub looking_for: String,
    #[sea_orm(column_type = "Text")]
    pub can_offer: String,
    pub handle_x: String,
    pub handle_mastodon: String,
    pub handle_bluesky: String,
    pub handle_linkedin: String,
    pub website: String,
    pub time_zone: Option<String>,
    /// `hidden`, `attendees` or `public`.
    pub visibility: String,
    pub matching_enabled: bool,
    /// Whether scanning this person's badge exchanges contacts at once.
    pub share_on_scan: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Entity {
    pub async fn find_by_user(db: &impl sea_orm::ConnectionTrait, user_id: i32) -> Result<Option<Model>, DbErr> {
        Self::find().filter(Column::UserId.eq(user_id)).one(db).await
    }
}
