//! Each event's loaded schedule, kept per event version: the schedule,
//! session and speaker pages read all of an event's sessions with their
//! rooms, tracks and speakers, and for a logged-in visitor's own page (which
//! is rendered for them) reading those rows was most of the request. Every
//! change to what a schedule shows moves the event's version as the page
//! cache reads it (`revision` for the schedule, `page_revision` for seats
//! taken, `updated_at` for the event's own fields), and the event row is
//! read with each request, so a kept schedule is never used past a change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_orm::DatabaseConnection;

use crate::db::entities::event;
use crate::domain::schedule::{load, Schedule, Scope};
use crate::error::AppResult;

/// A bound on the kept schedules (each event has at most three, one per
/// scope): beyond it they are all read again.
const MAX_KEPT: usize = 512;

/// Shared: the pages and the exports (and the feeds rendered behind their
/// answers) read the same kept schedules.
#[derive(Default, Clone)]
pub struct KeptSchedules {
    entries: Arc<Mutex<HashMap<(i32, Scope), ((i32, i32, i64), Arc<Schedule>)>>>,
}

/// What a kept schedule was read at (as `page_store::Version`).
fn version_of(event: &event::Model) -> (i32, i32, i64) {
    (event.revision, event.page_revision, event.updated_at.timestamp_micros())
}

impl KeptSchedules {
    /// The event's schedule in `scope`, as `schedule::load` reads it: the
    /// kept one when it was read at this version of the event.
    pub async fn load(&self, db: &DatabaseConnection, event: &event::Model, scope: Scope) -> AppResult<Arc<Schedule>> {
        let key = (event.id, scope);
        if let Some(kept) =
            self.entries.lock().ok().and_then(|entries| entries.get(&key).filter(|(v, _)| *v == version_of(event)).map(|(_, s)| s.clone()))
        {
            return Ok(kept);
        }
        let loaded = Arc::new(load(db, event, scope).await?);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_KEPT {
                entries.clear();
            }
            // An older reading finishing late never replaces a newer one
            // (each part only grows).
            let read_at = version_of(event);
            let newer_kept = entries.get(&key).is_some_and(|(v, _)| v.0 >= read_at.0 && v.1 >= read_at.1 && v.2 >= read_at.2 && *v != read_at);
            if !newer_kept {
                entries.insert(key, (read_at, loaded.clone()));
            }
        }
        Ok(loaded)
    }
}
