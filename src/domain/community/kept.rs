//! Each event's attendees and tribe pool, kept per event version for the
//! pages that read them on every request (the directory, "your tribe").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;

use crate::db::entities::{event, user};
use crate::domain::community::matches::{self, NotMatched, Pool, Suggestion};
use crate::domain::community::people::{attendees, Attendee};
use crate::error::AppResult;

/// Every confirmed attendee of each event, kept per event version: the
/// directory and "your tribe" read them on every request, and loading 2,000
/// attendees with their profiles is most of those pages' time. A
/// registration, a profile change or a role chosen moves the event's
/// `people_revision` (read with the event on each request), so it shows at
/// once on every instance. Agendas change all morning (hundreds of stars a
/// minute) and do not move it: the kept agendas are read again in the
/// background once `ATTENDEES_TTL` has passed (so they are at most that and
/// one reading old), and a person's own agenda is read fresh for their
/// suggestions (`matches::ranked`).
#[derive(Default, Clone)]
pub struct AttendeeCache(Arc<Inner>);

#[derive(Default)]
struct Inner {
    entries: Mutex<HashMap<i32, Kept>>,
    /// One load at a time (of each kind): when the event moves under load,
    /// the requests that find the kept list out of date wait for one
    /// reading of 2,000 attendees instead of each making its own.
    loading_attendees: tokio::sync::Mutex<()>,
    loading_pool: tokio::sync::Mutex<()>,
}

struct Kept {
    version: (i32, i32),
    at: Instant,
    attendees: Arc<Vec<Attendee>>,
    pool: Option<Arc<Pool>>,
    /// A newer reading is under way (see `refresh_behind`).
    refreshing: bool,
}

/// How long a kept list of attendees is used before it is read again.
pub const ATTENDEES_TTL: Duration = Duration::from_secs(1);

/// What the cache holds of an event at its current version.
enum Found<T> {
    Current(T),
    /// Kept for this version but older than `ATTENDEES_TTL`.
    Aged(T),
    Missing,
}

impl<T> Found<T> {
    fn is_kept(&self) -> bool {
        !matches!(self, Found::Missing)
    }
}

impl AttendeeCache {
    /// The schedule's revision (the pool holds session times) and who attends.
    fn version(event: &event::Model) -> (i32, i32) {
        (event.revision, event.people_revision)
    }

    fn find<T>(&self, event: &event::Model, read: impl FnOnce(&Kept) -> Option<T>) -> Found<T> {
        let Ok(entries) = self.0.entries.lock() else { return Found::Missing };
        match entries.get(&event.id).filter(|k| k.version == Self::version(event)) {
            Some(kept) => match read(kept) {
                Some(found) if kept.at.elapsed() < ATTENDEES_TTL => Found::Current(found),
                Some(found) => Found::Aged(found),
                None => Found::Missing,
            },
            None => Found::Missing,
        }
    }

    /// Reads the event's attendees (and its pool, if one was kept) again in
    /// the background, while the requests go on with the aged copy: a
    /// reading takes tens of milliseconds at 2,000 attendees, and no
    /// request should wait for it only because a second has passed.
    fn refresh_behind(&self, db: &DatabaseConnection, event: &event::Model) {
        {
            let Ok(mut entries) = self.0.entries.lock() else { return };
            match entries.get_mut(&event.id) {
                Some(kept) if !kept.refreshing => kept.refreshing = true,
                _ => return,
            }
        }
        let (cache, db, event) = (self.clone(), db.clone(), event.clone());
        tokio::spawn(async move {
            let read = async {
                let version = Self::version(&event);
                let attendees = Arc::new(attendees(&db, &event).await?);
                let had_pool = cache.find(&event, |k| k.pool.as_ref().map(|_| ())).is_kept();
                let pool = match had_pool {
                    true => Some(Arc::new(matches::pool_of(&db, &event, attendees.as_ref().clone()).await?)),
                    false => None,
                };
                AppResult::Ok(Kept { version, at: Instant::now(), attendees, pool, refreshing: false })
            };
            let read = read.await;
            let Ok(mut entries) = cache.0.entries.lock() else { return };
            match read {
                // Unless the event moved meanwhile (a request then read it anew).
                Ok(fresh) => {
                    if entries.get(&event.id).is_some_and(|k| k.version == fresh.version) {
                        entries.insert(event.id, fresh);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, event = event.id, "reading the attendees again failed; the kept ones stay a while");
                    if let Some(kept) = entries.get_mut(&event.id) {
                        kept.refreshing = false;
                    }
                }
            }
        });
    }

    /// The event's confirmed attendees (as `attendees`).
    pub async fn attendees(&self, db: &DatabaseConnection, event: &event::Model) -> AppResult<Arc<Vec<Attendee>>> {
        match self.find(event, |k| Some(k.attendees.clone())) {
            Found::Current(found) => return Ok(found),
            Found::Aged(found) => {
                self.refresh_behind(db, event);
                return Ok(found);
            }
            Found::Missing => {}
        }
        let _one_load = self.0.loading_attendees.lock().await;
        if let Found::Current(found) | Found::Aged(found) = self.find(event, |k| Some(k.attendees.clone())) {
            return Ok(found);
        }
        let version = Self::version(event);
        let loaded = Arc::new(attendees(db, event).await?);
        if let Ok(mut entries) = self.0.entries.lock() {
            entries.insert(event.id, Kept { version, at: Instant::now(), attendees: loaded.clone(), pool: None, refreshing: false });
        }
        Ok(loaded)
    }

    /// The event's matchable attendees with their agendas (as `matches::pool`).
    pub async fn pool(&self, db: &DatabaseConnection, event: &event::Model) -> AppResult<Arc<Pool>> {
        match self.find(event, |k| k.pool.clone()) {
            Found::Current(found) => return Ok(found),
            Found::Aged(found) => {
                self.refresh_behind(db, event);
                return Ok(found);
            }
            Found::Missing => {}
        }
        let _one_load = self.0.loading_pool.lock().await;
        if let Found::Current(found) | Found::Aged(found) = self.find(event, |k| k.pool.clone()) {
            return Ok(found);
        }
        let everyone = self.attendees(db, event).await?;
        let version = Self::version(event);
        let pool = Arc::new(matches::pool_of(db, event, everyone.as_ref().clone()).await?);
        if let Ok(mut entries) = self.0.entries.lock() {
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
