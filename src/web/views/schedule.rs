//! A person's agenda over the API.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::entities::session::{self, SessionStatus};
use crate::domain::schedule::agenda::{Added, AgendaEntry};

/// One session of the agenda, with the sessions it overlaps.
#[derive(Serialize, ToSchema)]
#[schema(as = AgendaEntry)]
pub struct AgendaEntryView {
    pub session_id: i32,
    /// The event's slug.
    pub event: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The event's zone, to show the times as the event does.
    pub time_zone: String,
    pub room: Option<String>,
    pub status: SessionStatus,
    pub clashes_with: Vec<String>,
}

impl From<&AgendaEntry> for AgendaEntryView {
    fn from(e: &AgendaEntry) -> AgendaEntryView {
        AgendaEntryView {
            session_id: e.session.session.id,
            event: e.event.slug.clone(),
            title: e.session.session.title.clone(),
            starts_at: e.session.session.starts_at,
            ends_at: e.session.session.ends_at,
            time_zone: e.event.time_zone.clone(),
            room: e.session.room.as_ref().map(|r| r.name.clone()),
            status: e.session.session.status,
            clashes_with: e.clashes_with.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Clash {
    pub session_id: i32,
    pub title: String,
}

/// What adding a session did, and what it overlaps.
#[derive(Serialize, ToSchema)]
pub struct AgendaChange {
    pub session_id: i32,
    pub clashes: Vec<Clash>,
}

impl AgendaChange {
    pub fn new(session_id: i32, added: &Added) -> AgendaChange {
        let clash = |s: &session::Model| Clash { session_id: s.id, title: s.title.clone() };
        AgendaChange { session_id, clashes: added.clashes.iter().map(clash).collect() }
    }
}
