//! Live rooms for weekly online chats: each occurrence of an online-chat
//! event has a room that opens a little before the start, where the hosts
//! post the topics T1..Tn (on schedule or by hand), everyone answers
//! threaded by topic, replies and quotes; hosts moderate; afterwards the
//! room is a transcript with its numbers.
//!
//! Reading needs no account; posting does. Everything is plain text from
//! users, escaped and auto-linked here, never HTML.

pub mod hub;
pub mod ideas;
pub mod messages;
pub mod stream;
pub mod topics;
pub mod transcript;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::event::EventKind;
use crate::db::entities::{chat_occurrence, chat_topic, event};
use crate::domain::chats;
use crate::domain::now;
use crate::error::{AppError, AppResult};

/// One occurrence's room.
#[derive(Debug, Clone)]
pub struct Room {
    pub event: event::Model,
    pub occurrence: chat_occurrence::Model,
    pub topics: Vec<chat_topic::Model>,
}

/// Where a room is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not open yet: a countdown, and topic ideas.
    Before {
        opens_at: DateTime<Utc>,
    },
    Open,
    /// Over: the transcript.
    After,
}

/// The room's name in URLs: its scheduled start in UTC, `20270106T0130Z`.
pub fn key_of(scheduled_start: DateTime<Utc>) -> String {
    scheduled_start.format("%Y%m%dT%H%MZ").to_string()
}

fn parse_key(key: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(key, "%Y%m%dT%H%MZ").ok().map(|n| n.and_utc())
}

impl Room {
    pub fn id(&self) -> i32 {
        self.occurrence.id
    }

    pub fn key(&self) -> String {
        key_of(self.occurrence.scheduled_start)
    }

    pub fn phase(&self, at: DateTime<Utc>) -> Phase {
        let opens_at = self.occurrence.starts_at - Duration::minutes(i64::from(self.event.chat_opens_minutes_before.max(0)));
        if at < opens_at {
            Phase::Before { opens_at }
        } else if at < self.occurrence.ends_at {
            Phase::Open
        } else {
            Phase::After
        }
    }

    /// The furthest topic posted so far: where answers go by default.
    /// (Topics go out in order, on schedule or by "post next topic".)
    pub fn current_topic(&self) -> Option<&chat_topic::Model> {
        self.topics.iter().filter(|t| t.posted_at.is_some()).max_by_key(|t| t.position)
    }

    pub fn url(&self) -> String {
        format!("/events/{}/chats/{}", self.event.slug, self.key())
    }
}

/// The room of the occurrence `key` of an online chat. Its occurrence row
/// is made the first time anyone needs it; a skipped week has no room.
pub async fn find(db: &DatabaseConnection, event: &event::Model, key: &str) -> AppResult<Room> {
    if event.kind != EventKind::OnlineChat {
        return Err(AppError::NotFound);
    }
    let scheduled = parse_key(key).ok_or(AppError::NotFound)?;
    // Only this occurrence is looked at (posting and every open page come
    // through here): the rule says it exists; a stored row says how it differs.
    if !chats::rule_starts(event).contains(&scheduled) {
        return Err(AppError::NotFound);
    }
    let row = match stored(db, event.id, scheduled).await? {
        Some(row) => row,
        None => {
            let at = now();
            let inserted = chat_occurrence::ActiveModel {
                event_id: Set(event.id),
                scheduled_start: Set(scheduled),
                starts_at: Set(scheduled),
                ends_at: Set(scheduled + chats::length(event)),
                status: Set(OccurrenceStatus::Scheduled),
                revision: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(db)
            .await;
            match inserted {
                Ok(row) => row,
                // Another request made it first.
                Err(_) => stored(db, event.id, scheduled).await?.ok_or(AppError::NotFound)?,
            }
        }
    };
    if row.status == OccurrenceStatus::Skipped {
        return Err(AppError::NotFound);
    }
    let topics =
        chat_topic::Entity::find().filter(chat_topic::Column::OccurrenceId.eq(row.id)).order_by_asc(chat_topic::Column::Position).all(db).await?;
    Ok(Room { event: event.clone(), occurrence: row, topics })
}

async fn stored(db: &DatabaseConnection, event_id: i32, scheduled: DateTime<Utc>) -> AppResult<Option<chat_occurrence::Model>> {
    Ok(chat_occurrence::Entity::find()
        .filter(chat_occurrence::Column::EventId.eq(event_id))
        .filter(chat_occurrence::Column::ScheduledStart.eq(scheduled))
        .one(db)
        .await?)
}

/// The room of a stored occurrence (the API and background jobs).
pub async fn by_occurrence(db: &DatabaseConnection, occurrence_id: i32) -> AppResult<Room> {
    let occurrence = chat_occurrence::Entity::find_by_id(occurrence_id).one(db).await?.ok_or(AppError::NotFound)?;
    let event = crate::domain::events::find_by_id(db, occurrence.event_id).await?.ok_or(AppError::NotFound)?;
    find(db, &event, &key_of(occurrence.scheduled_start)).await
}

/// The occurrence rooms of a series that have been held, newest first.
pub async fn past_rooms(db: &DatabaseConnection, event: &event::Model, at: DateTime<Utc>) -> AppResult<Vec<chat_occurrence::Model>> {
    Ok(chat_occurrence::Entity::find()
        .filter(chat_occurrence::Column::EventId.eq(event.id))
        .filter(chat_occurrence::Column::EndsAt.lte(at))
        .filter(chat_occurrence::Column::Status.ne(crate::db::entities::chat_occurrence::OccurrenceStatus::Skipped))
        .order_by_desc(chat_occurrence::Column::StartsAt)
        .all(db)
        .await?)
}
