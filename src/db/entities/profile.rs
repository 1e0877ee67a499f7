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
    pub visibility: Visibility,
    pub matching_enabled: bool,
    /// Whether scanning this person's badge exchanges contacts at once.
    pub share_on_scan: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Who sees a profile. Organizers of the person's events always do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, EnumIter, DeriveActiveEnum, utoipa::ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Nobody but the organizers of the events they registered for.
    #[sea_orm(string_value = "hidden")]
    Hidden,
    /// People registered for one of the same events.
    #[sea_orm(string_value = "attendees")]
    Attendees,
    /// Anyone.
    #[sea_orm(string_value = "public")]
    Public,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Hidden => "hidden",
            Visibility::Attendees => "attendees",
            Visibility::Public => "public",
        }
    }

    pub fn parse(text: &str) -> Option<Visibility> {
        match text.trim() {
            "hidden" => Some(Visibility::Hidden),
            "attendees" => Some(Visibility::Attendees),
            "public" => Some(Visibility::Public),
            _ => None,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Entity {
    pub async fn find_by_user(db: &impl sea_orm::ConnectionTrait, user_id: i32) -> Result<Option<Model>, DbErr> {
        Self::find().filter(Column::UserId.eq(user_id)).one(db).await
    }
}
