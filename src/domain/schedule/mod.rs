//! The schedule area: what happens when and where. This module loads an
//! event's published schedule once, shared by the schedule pages, the frab
//! exports and the calendar files; beside it are the sessions organizers
//! edit (`sessions`), people's agendas (`agenda`), calendar files
//! (`calendar`), cached exports (`exports`) and the frab format (`frab`).

pub mod agenda;
pub mod calendar;
pub mod exports;
pub mod frab;
pub mod kept;
pub mod sessions;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::db::entities::session::SessionStatus;
use crate::db::entities::{event, room, session, session_speaker, track};
use crate::domain::events::{conference_date, conference_day_start, places, zone_of};
use crate::error::AppResult;

/// A session with what it refers to.
#[derive(Debug, Clone)]
pub struct ScheduledSession {
    pub session: session::Model,
    pub room: Option<room::Model>,
    pub track: Option<track::Model>,
    pub speakers: Vec<session_speaker::Model>,
}

impl ScheduledSession {
    pub fn status(&self) -> SessionStatus {
        self.session.status
    }

    pub fn tags(&self) -> Vec<String> {
        crate::domain::input::split_tags(&self.session.tags)
    }

    /// Whether a search finds this session: every word of `query` appears
    /// in its title, abstract, speakers, room, track or tags, ignoring case.
    pub fn matches(&self, query: &str) -> bool {
        let mut haystack = format!("{} {} {}", self.session.title, self.session.r#abstract, self.session.tags);
        for speaker in &self.speakers {
            haystack.push(' ');
            haystack.push_str(&speaker.name);
        }
        for name in [self.room.as_ref().map(|r| &r.name), self.track.as_ref().map(|t| &t.name)].into_iter().flatten() {
            haystack.push(' ');
            haystack.push_str(name);
        }
        let haystack = haystack.to_lowercase();
        query.split_whitespace().all(|word| haystack.contains(&word.trim_start_matches('#').to_lowercase()))
    }
}

#[derive(Debug, Clone)]
pub struct Schedule {
    pub event: event::Model,
    pub zone: Tz,
    pub rooms: Vec<room::Model>,
    pub tracks: Vec<track::Model>,
    /// In start order, then room order.
    pub sessions: Vec<ScheduledSession>,
}

/// Which sessions to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Published ones: the public schedule and its exports.
    Published,
    /// Published and cancelled: calendar feeds keep cancelled sessions so
    /// that subscribed calendars remove them.
    PublishedAndCancelled,
    /// Everything, drafts included: the organizer's view.
    All,
}

pub async fn load(db: &DatabaseConnection, event: &event::Model, scope: Scope) -> AppResult<Schedule> {
    let rooms = places::rooms(db, event.id).await?;
    let tracks = places::tracks(db, event.id).await?;
    let query = session::Entity::find().filter(session::Column::EventId.eq(event.id));
    let query = match scope {
        Scope::Published => query.filter(session::Column::Status.eq(SessionStatus::Published)),
        Scope::PublishedAndCancelled => {
            query.filter(session::Column::Status.is_in([SessionStatus::Published.as_str(), SessionStatus::Cancelled.as_str()]))
        }
        Scope::All => query,
    };
    let found = query.order_by_asc(session::Column::StartsAt).order_by_asc(session::Column::Id).all(db).await?;
    let mut speakers_by_session: HashMap<i32, Vec<session_speaker::Model>> = HashMap::new();
    // Chunked: PostgreSQL and SQLite both limit bound parameters per statement.
    for chunk in found.chunks(500) {
        let ids: Vec<i32> = chunk.iter().map(|s| s.id).collect();
        let speakers = session_speaker::Entity::find()
            .filter(session_speaker::Column::SessionId.is_in(ids))
            .order_by_asc(session_speaker::Column::Position)
            .all(db)
            .await?;
        for speaker in speakers {
            speakers_by_session.entry(speaker.session_id).or_default().push(speaker);
        }
    }
    let room_position: HashMap<i32, usize> = rooms.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut sessions: Vec<ScheduledSession> = found
        .into_iter()
        .map(|s| ScheduledSession {
            room: s.room_id.and_then(|id| rooms.iter().find(|r| r.id == id).cloned()),
            track: s.track_id.and_then(|id| tracks.iter().find(|t| t.id == id).cloned()),
            speakers: speakers_by_session.remove(&s.id).unwrap_or_default(),
            session: s,
        })
        .collect();
    sessions
        .sort_by_key(|s| (s.session.starts_at, s.session.room_id.and_then(|r| room_position.get(&r).copied()).unwrap_or(usize::MAX), s.session.id));
    Ok(Schedule { zone: zone_of(event), event: event.clone(), rooms, tracks, sessions })
}

/// One conference day of the event in its own zone: a local date, from its
/// day change (usually midnight) to the next day's.
#[derive(Debug, Clone)]
pub struct Day {
    /// 1-based.
    pub index: usize,
    pub date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Schedule {
    /// Every conference day from the event's first to its last (and any
    /// day a session falls on beyond that).
    pub fn days(&self) -> Vec<Day> {
        let mut first = conference_date(&self.event, self.event.starts_at);
        let mut last = conference_date(&self.event, self.event.ends_at).max(first);
        for s in &self.sessions {
            first = first.min(conference_date(&self.event, s.session.starts_at));
            last = last.max(conference_date(&self.event, s.session.starts_at));
        }
        let mut days = Vec::new();
        let mut date = first;
        while date <= last && days.len() < 366 {
            days.push(Day {
                index: days.len() + 1,
                date,
                starts_at: conference_day_start(&self.event, date),
                ends_at: conference_day_start(&self.event, date + Duration::days(1)),
            });
            date += Duration::days(1);
        }
        days
    }

    /// The conference day an instant belongs to (see `events::conference_date`).
    pub fn conference_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        conference_date(&self.event, instant)
    }

    /// The sessions starting on a day.
    pub fn sessions_on<'a>(&'a self, day: &'a Day) -> impl Iterator<Item = &'a ScheduledSession> + 'a {
        self.sessions.iter().filter(move |s| s.session.starts_at >= day.starts_at && s.session.starts_at < day.ends_at)
    }

    pub fn local(&self, instant: DateTime<Utc>) -> DateTime<Tz> {
        instant.with_timezone(&self.zone)
    }

    /// The greatest common step of session starts and lengths, in minutes,
    /// for grids and frab's `timeslot_duration` (at least 5, at most 60).
    pub fn timeslot_minutes(&self) -> i64 {
        fn gcd(a: i64, b: i64) -> i64 {
            if b == 0 {
                a
            } else {
                gcd(b, a % b)
            }
        }
        let mut step = 60;
        for s in &self.sessions {
            let local = self.local(s.session.starts_at);
            let minute = i64::from(chrono::Timelike::minute(&local));
            step = gcd(step, minute);
            step = gcd(step, (s.session.ends_at - s.session.starts_at).num_minutes().rem_euclid(60));
        }
        step.clamp(5, 60)
    }
}
