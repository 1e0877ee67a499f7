//! Each event's attendees and tribe pool, kept per event version for the
//! pages that read them on every request (the directory, "your tribe").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;

use crate::db::entities::{event, user};
use crate::domain::community::matches::{self, NotMatched, Pool, Suggestion};
use crate::domain::community::people::{attendees, Attendee};
use crate::domain::events;
use crate::error::AppResult;

/// Every confirmed attendee of each event, kept per event version: the
/// directory and "your tribe" read them on every request, and loading 2,000
/// attendees with their profiles is most of those pages' time. A
/// registration or a profile change moves the event's `page_revision` (read
/// with the event on each request), so it shows at once on every instance;
/// anything else this instance changes shows at once here, and the rest
/// within `ATTENDEES_TTL`.
#[derive(Default)]
pub struct AttendeeCache {
    entries: Mutex<HashMap<i32, Kept>>,
    /// One load at a time (of each kind): when the kept list goes stale
    /// under load, the requests that find it so wait for one reading of
    /// 2,000 attendees instead of each making its own.
    loading_attendees: tokio::sync::Mutex<()>,
    loading_pool: tokio::sync::Mutex<()>,
}

struct Kept {
    version: (i32, i32, u64),
    at: Instant,
    attendees: Arc<Vec<Attendee>>,
    pool: Option<Arc<Pool>>,
}

/// How long a kept list of attendees is used before it is read again.
pub const ATTENDEES_TTL: Duration = Duration::from_secs(1);

impl AttendeeCache {
    fn version(event: &event::Model) -> (i32, i32, u64) {
        (event.revision, event.page_revision, events::local_changes())
    }

    fn kept<T>(&self, event: &event::Model, read: impl FnOnce(&mut Kept) -> Option<T>) -> Option<T> {
        let mut entries = self.entries.lock().ok()?;
        let kept = entries.get_mut(&event.id)?;
        if kept.version != Self::version(event) || kept.at.elapsed() >= ATTENDEES_TTL {
            return None;
        }
        read(kept)
    }

    /// The event's confirmed attendees (as `attendees`).
    pub async fn attendees(&self, db: &DatabaseConnection, event: &event::Model) -> AppResult<Arc<Vec<Attendee>>> {
        if let Some(found) = self.kept(event, |k| Some(k.attendees.clone())) {
            return Ok(found);
        }
        let _one_load = self.loading_attendees.lock().await;
        if let Some(found) = self.kept(event, |k| Some(k.attendees.clone())) {
            return Ok(found);
        }
        let version = Self::version(event);
        let loaded = Arc::new(attendees(db, event).await?);
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(event.id, Kept { version, at: Instant::now(), attendees: loaded.clone(), pool: None });
        }
        Ok(loaded)
    }

    /// The event's matchable attendees with their agendas (as `matches::pool`).
    pub async fn pool(&self, db: &DatabaseConnection, event: &event::Model) -> AppResult<Arc<Pool>> {
        if let Some(found) = self.kept(event, |k| k.pool.clone()) {
            return Ok(found);
        }
        let _one_load = self.loading_pool.lock().await;
        if let Some(found) = self.kept(event, |k| k.pool.clone()) {
            return Ok(found);
        }
        let everyone = self.attendees(db, event).await?;
        let version = Self::version(event);
        let pool = Arc::new(matches::pool_of(db, event, everyone.as_ref().clone()).await?);
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(kept) = entries.get_mut(&event.id).filter(|k| k.version == version) {
                kept.pool = Some(pool.clone());
            }
        }
        Ok(pool)
    }

    /// Up to `k` peers in the same role for `me`, best first (see
    /// `matches::ranked`), or why they get none.
    pub async fn suggestions(
        &self,
        db: &DatabaseConnection,
        event: &event::Model,
        me: &user::Model,
        k: usize,
    ) -> AppResult<Result<Vec<Suggestion>, NotMatched>> {
        if let Some(reason) = matches::not_matched(&self.attendees(db, event).await?, me) {
            return Ok(Err(reason));
        }
        let pool = self.pool(db, event).await?;
        matches::ranked(db, &pool, me, k).await
    }
}
