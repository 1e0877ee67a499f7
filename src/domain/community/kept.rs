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
/// background once `ATTENDEES_TTL` has passed (so they are about a second
/// old, two at most when a pool is first asked for during a reading), and a
/// person's own agenda is read fresh for their suggestions
/// (`matches::ranked`).
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

/// Whether version `a` is at least as new as `b` (both counters only grow).
fn at_least(a: (i32, i32), b: (i32, i32)) -> bool {
    a.0 >= b.0 && a.1 >= b.1
}

/// Clears an entry's `refreshing` mark when its background reading ends,
/// however it ends.
struct Refreshing {
    cache: AttendeeCache,
    event_id: i32,
    version: (i32, i32),
}

impl Drop for Refreshing {
    fn drop(&mut self) {
        if let Ok(mut entries) = self.cache.0.entries.lock() {
            if let Some(kept) = entries.get_mut(&self.event_id).filter(|k| k.version == self.version) {
                kept.refreshing = false;
            }
        }
    }
}

impl AttendeeCache {
    /// The schedule's revision (the pool holds session times) and who attends.
    fn version(event: &event::Model) -> (i32, i32) {
        (event.revision, event.people_revision)
    }

    /// What is kept for the event at the version its row says, or a newer
    /// one (a request that read the row just before a change may use what
    /// was read after it), with that version.
    fn find<T>(&self, event: &event::Model, read: impl FnOnce(&Kept) -> Option<T>) -> Found<((i32, i32), T)> {
        let Ok(entries) = self.0.entries.lock() else { return Found::Missing };
        match entries.get(&event.id).filter(|k| at_least(k.version, Self::version(event))) {
            Some(kept) => match read(kept) {
                Some(found) if kept.at.elapsed() < ATTENDEES_TTL => Found::Current((kept.version, found)),
                Some(found) => Found::Aged((kept.version, found)),
                None => Found::Missing,
            },
            None => Found::Missing,
        }
    }

    /// What `find` finds, after starting a background reading when it is aged.
    fn kept<T>(&self, db: &DatabaseConnection, event: &event::Model, read: impl FnOnce(&Kept) -> Option<T>) -> Option<((i32, i32), T)> {
        match self.find(event, read) {
            Found::Current(found) => Some(found),
            Found::Aged(found) => {
                self.refresh_behind(db, event);
                Some(found)
            }
            Found::Missing => None,
        }
    }

    /// Reads the event's attendees (and its pool, if one is kept) again in
    /// the background, while the requests go on with the aged copy: a
    /// reading takes tens of milliseconds at 2,000 attendees, and no
    /// request should wait for it only because a second has passed.
    fn refresh_behind(&self, db: &DatabaseConnection, event: &event::Model) {
        let version = Self::version(event);
        let with_pool = {
            let Ok(mut entries) = self.0.entries.lock() else { return };
            match entries.get_mut(&event.id) {
                Some(kept) if kept.version == version && !kept.refreshing => {
                    kept.refreshing = true;
                    kept.pool.is_some()
                }
                _ => return,
            }
        };
        let refreshing = Refreshing { cache: self.clone(), event_id: event.id, version };
        let (db, event) = (db.clone(), event.clone());
        tokio::spawn(async move {
            let read = async {
                let attendees = Arc::new(attendees(&db, &event).await?);
                let pool = match with_pool {
                    true => Some(Arc::new(matches::pool_of(&db, &event, attendees.as_ref().clone()).await?)),
                    false => None,
                };
                AppResult::Ok((attendees, pool))
            }
            .await;
            let Ok(mut entries) = refreshing.cache.0.entries.lock() else { return };
            // Unless the event moved meanwhile (a request then read it anew).
            let Some(kept) = entries.get_mut(&event.id).filter(|k| k.version == version) else { return };
            match read {
                Ok((attendees, pool)) => {
                    kept.attendees = attendees;
                    // A pool first asked for during the reading stays (made
                    // from the reading before, a second older).
                    if pool.is_some() {
                        kept.pool = pool;
                    }
                }
                Err(error) => tracing::warn!(%error, event = event.id, "reading the attendees again failed; the kept ones stay a second more"),
            }
            // Either way, the next reading is a second away, not on the next request.
            kept.at = Instant::now();
        });
    }

    /// The event's confirmed attendees (as `attendees`), and the version they are of.
    async fn kept_attendees(&self, db: &DatabaseConnection, event: &event::Model) -> AppResult<((i32, i32), Arc<Vec<Attendee>>)> {
        if let Some(found) = self.kept(db, event, |k| Some(k.attendees.clone())) {
            return Ok(found);
        }
        let _one_load = self.0.loading_attendees.lock().await;
        if let Found::Current(found) | Found::Aged(found) = self.find(event, |k| Some(k.attendees.clone())) {
            return Ok(found);
        }
        let version = Self::version(event);
        let loaded = Arc::new(attendees(db, event).await?);
        if let Ok(mut entries) = self.0.entries.lock() {
            // Unless a newer reading was kept meanwhile (from a request that read the event later).
            if !entries.get(&event.id).is_some_and(|k| at_least(k.version, version)) {
                entries.insert(event.id, Kept { version, at: Instant::now(), attendees: loaded.clone(), pool: None, refreshing: false });
            }
        }
        Ok((version, loaded))
    }

    /// The event's confirmed attendees (as `attendees`), in id order.
    pub async fn attendees(&self, db: &DatabaseConnection, event: &event::Model) -> AppResult<Arc<Vec<Attendee>>> {
        Ok(self.kept_attendees(db, event).await?.1)
    }

    /// The event's matchable attendees with their agendas (as `matches::pool`).
    pub async fn pool(&self, db: &DatabaseConnection, event: &event::Model) -> AppResult<Arc<Pool>> {
        if let Some((_, found)) = self.kept(db, event, |k| k.pool.clone()) {
            return Ok(found);
        }
        let _one_load = self.0.loading_pool.lock().await;
        if let Found::Current((_, found)) | Found::Aged((_, found)) = self.find(event, |k| k.pool.clone()) {
            return Ok(found);
        }
        let (version, everyone) = self.kept_attendees(db, event).await?;
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
