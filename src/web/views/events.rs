//! Events and their sessions over the API.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::entities::session::SessionStatus;
use crate::db::entities::{event, room, track};
use crate::domain::events::{self, EventSummary};
use crate::domain::markdown;
use crate::domain::schedule::frab::export::session_url;
use crate::domain::schedule::ScheduledSession;

/// One event with its rooms and tracks.
#[derive(Serialize, ToSchema)]
pub struct EventDetail {
    pub event: EventSummary,
    /// Markdown.
    pub description: String,
    pub description_html: String,
    pub venue_address: Option<String>,
    pub online_url: Option<String>,
    /// For a weekly chat: its RRULE.
    pub recurrence_rule: Option<String>,
    pub is_published: bool,
    pub revision: i32,
    pub rooms: Vec<RoomView>,
    pub tracks: Vec<TrackView>,
}

#[derive(Serialize, ToSchema)]
pub struct RoomView {
    pub id: i32,
    pub name: String,
    pub capacity: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct TrackView {
    pub id: i32,
    pub name: String,
    pub color: String,
}

impl EventDetail {
    pub fn new(found: &event::Model, rooms: &[room::Model], tracks: &[track::Model]) -> EventDetail {
        EventDetail {
            event: events::summarize(found),
            description: found.description.clone(),
            description_html: markdown::to_safe_html(&found.description),
            venue_address: found.venue_address.clone(),
            online_url: found.online_url.clone(),
            recurrence_rule: found.recurrence_rule.clone(),
            is_published: found.is_published,
            revision: found.revision,
            rooms: rooms.iter().map(|r| RoomView { id: r.id, name: r.name.clone(), capacity: r.capacity }).collect(),
            tracks: tracks.iter().map(|t| TrackView { id: t.id, name: t.name.clone(), color: t.color.clone() }).collect(),
        }
    }
}

/// A room or track a session is in.
#[derive(Serialize, ToSchema)]
pub struct PlaceRef {
    pub id: i32,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Session)]
pub struct SessionView {
    pub id: i32,
    pub guid: String,
    pub title: String,
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room: Option<PlaceRef>,
    pub track: Option<PlaceRef>,
    pub speakers: Vec<String>,
    pub status: SessionStatus,
    pub language: String,
    pub tags: Vec<String>,
    pub capacity: Option<i32>,
    /// Goes up with every change (calendar clients read it as SEQUENCE).
    pub revision: i32,
    /// The session's page.
    pub url: String,
}

impl SessionView {
    pub fn new(base_url: &str, event_slug: &str, s: &ScheduledSession) -> SessionView {
        SessionView {
            id: s.session.id,
            guid: s.session.guid.clone(),
            title: s.session.title.clone(),
            abstract_text: s.session.r#abstract.clone(),
            starts_at: s.session.starts_at,
            ends_at: s.session.ends_at,
            room: s.room.as_ref().map(|r| PlaceRef { id: r.id, name: r.name.clone() }),
            track: s.track.as_ref().map(|t| PlaceRef { id: t.id, name: t.name.clone() }),
            speakers: s.speakers.iter().map(|p| p.name.clone()).collect(),
            status: s.session.status,
            language: s.session.language.clone(),
            tags: s.tags(),
            capacity: s.session.capacity,
            revision: s.session.revision,
            url: session_url(base_url, event_slug, s.session.id),
        }
    }
}
