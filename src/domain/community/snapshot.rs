//! Each event's tribes (with their members and meetups), table plans (with
//! their tables) and roles, kept per event version: "your tribe" shows the
//! viewer's tribe and tables on every request, and reading them was a dozen
//! queries of the page's fifteen. Every change to them moves the event's
//! version: forming tribes, slots, table plans and roles touch its pages
//! (`events::touch_pages`), a registration, profile or role chosen moves its
//! `people_revision`, a session's title its `revision`; the event row is read
//! with each request, so a kept snapshot is never used past a change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_orm::DatabaseConnection;

use crate::db::entities::{event, event_role};
use crate::domain::community::kept::AttendeeCache;
use crate::domain::community::tables::{self, MyTable, PlanView};
use crate::domain::community::tribes::{self, TribeView};
use crate::domain::events::places;
use crate::error::AppResult;

/// An event's groups as everyone on its pages sees them.
pub struct Community {
    /// Each tribe with its matchable members.
    pub tribes: Vec<TribeView>,
    /// Each table plan with the people shown at its tables.
    pub plans: Vec<PlanView>,
    pub roles: Vec<event_role::Model>,
}

impl Community {
    /// The person's tribe, while they are matchable (a tribe shows only its
    /// matchable members, so one who hid their profile has none here).
    pub fn tribe_of(&self, person_id: i32) -> Option<&TribeView> {
        self.tribes.iter().find(|t| t.members.iter().any(|m| m.user_id == person_id))
    }

    /// The tables a person is shown at, one per plan.
    pub fn tables_of(&self, person_id: i32) -> Vec<MyTable> {
        self.plans
            .iter()
            .filter_map(|plan| {
                let table = plan.tables.iter().find(|t| t.people.iter().any(|p| p.user_id == person_id))?;
                Some(MyTable { plan_id: plan.id, title: plan.title.clone(), session: plan.session.clone(), table: table.clone() })
            })
            .collect()
    }
}

/// A bound on the kept snapshots (one per event): beyond it they are all
/// read again.
const MAX_KEPT: usize = 512;

type Version = (i32, i32, i32);

fn version_of(event: &event::Model) -> Version {
    (event.revision, event.page_revision, event.people_revision)
}

#[derive(Default)]
pub struct KeptCommunities {
    entries: Mutex<HashMap<i32, (Version, Arc<Community>)>>,
}

impl KeptCommunities {
    /// The event's tribes, plans and roles at this version of the event.
    pub async fn get(&self, db: &DatabaseConnection, attendees: &AttendeeCache, event: &event::Model) -> AppResult<Arc<Community>> {
        let version = version_of(event);
        if let Some(kept) = self.entries.lock().ok().and_then(|e| e.get(&event.id).filter(|(v, _)| *v == version).map(|(_, c)| c.clone())) {
            return Ok(kept);
        }
        let everyone = attendees.attendees(db, event).await?;
        let read = Arc::new(Community {
            tribes: tribes::views(db, event, &everyone).await?,
            plans: tables::plans_among(db, event, &everyone).await?,
            roles: places::roles(db, event.id).await?,
        });
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_KEPT {
                entries.clear();
            }
            // An older reading finishing late never replaces a newer one
            // (each counter only grows).
            let newer_kept = entries.get(&event.id).is_some_and(|(v, _)| v.0 >= version.0 && v.1 >= version.1 && v.2 >= version.2 && *v != version);
            if !newer_kept {
                entries.insert(event.id, (version, read.clone()));
            }
        }
        Ok(read)
    }
}
