use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub kind: EventKind,
    pub time_zone: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub venue_map_url: Option<String>,
    pub online_url: Option<String>,
    pub hashtag: Option<String>,
    pub capacity: Option<i32>,
    pub is_published: bool,
    pub recurrence_rule: Option<String>,
    pub recurrence_local_time: Option<String>,
    pub recurrence_minutes: Option<i32>,
    pub host_name: Option<String>,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub seats_taken: i32,
    pub cancel_until: Option<DateTimeUtc>,
    /// How many people a tribe should have.
    pub tribe_size: i32,
    /// Posted at the start of each chat occurrence (the disclaimer).
    #[sea_orm(column_type = "Text")]
    pub chat_opening_message: String,
    /// Characters per chat message.
    pub chat_message_limit: i32,
    /// Minutes before a chat's start its room opens.
    pub chat_opens_minutes_before: i32,
    /// Counts every change a public page of the event shows (see
    /// `domain::events::touch_pages`); cached pages are kept per value.
    #[serde(skip)]
    pub page_revision: i32,
    /// Counts changes to who attends and what they show of themselves
    /// (registrations, profiles, roles), which `page_revision` counts too;
    /// the kept attendee lists are read again when it moves.
    #[serde(skip)]
    pub people_revision: i32,
    /// When one conference day ends and the next begins, in minutes after
    /// local midnight (frab's `day_change`; 0 for calendar days).
    #[serde(skip)]
    pub day_change_minutes: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, EnumIter, DeriveActiveEnum, utoipa::ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    #[sea_orm(string_value = "conference")]
    Conference,
    #[sea_orm(string_value = "meetup")]
    Meetup,
    #[sea_orm(string_value = "online_chat")]
    OnlineChat,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Conference => "conference",
            EventKind::Meetup => "meetup",
            EventKind::OnlineChat => "online_chat",
        }
    }

    pub fn parse(value: &str) -> Option<EventKind> {
        match value {
            "conference" => Some(EventKind::Conference),
            "meetup" => Some(EventKind::Meetup),
            "online_chat" => Some(EventKind::OnlineChat),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::Conference => "Conference",
            EventKind::Meetup => "In-person meetup",
            EventKind::OnlineChat => "Online chat",
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
