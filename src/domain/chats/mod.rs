//! The chats area: weekly online chats (this module) and their live rooms
//! (`room`).
//!
//! Weekly online chats: the occurrences a recurrence rule gives, with the
//! skips, moves and topics organizers set on particular weeks.

pub mod room;

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc, Weekday};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::{chat_occurrence, chat_topic, event};
use crate::domain::events::{bump_revision, zone_of};
use crate::domain::input;
use crate::domain::now;
use crate::domain::times::local_to_utc;
use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, Clone, Serialize)]
pub struct Topic {
    pub position: i32,
    /// "T1", "T2", ...
    pub label: String,
    pub title: String,
    pub question: String,
    pub offset_minutes: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Occurrence {
    /// When the rule puts it (its identity: RECURRENCE-ID).
    pub scheduled_start: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: OccurrenceStatus,
    pub topics: Vec<Topic>,
    /// Everyone sees the topics before the chat; otherwise each appears
    /// when a host posts it in the room.
    pub topics_public: bool,
    pub revision: i32,
}

impl Occurrence {
    /// The topics people outside the team may see now.
    pub fn public_topics(&self) -> &[Topic] {
        if self.topics_public {
            &self.topics
        } else {
            &[]
        }
    }
}

fn weekdays(rule: &str) -> Vec<Weekday> {
    let mut days = Vec::new();
    for part in rule.split(';') {
        if let Some(list) = part.strip_prefix("BYDAY=") {
            for code in list.split(',') {
                let day = match code.trim() {
                    "MO" => Weekday::Mon,
                    "TU" => Weekday::Tue,
                    "WE" => Weekday::Wed,
                    "TH" => Weekday::Thu,
                    "FR" => Weekday::Fri,
                    "SA" => Weekday::Sat,
                    "SU" => Weekday::Sun,
                    _ => continue,
                };
                days.push(day);
            }
        }
    }
    days
}

/// The starts the rule gives, in order, from the series' first to its end.
/// Each is the local wall-clock time in the event's zone, so "20:30 Eastern"
/// stays 20:30 across daylight-saving changes.
pub fn rule_starts(event: &event::Model) -> Vec<DateTime<Utc>> {
    let (Some(rule), Some(time)) = (&event.recurrence_rule, &event.recurrence_local_time) else {
        return Vec::new();
    };
    let zone = zone_of(event);
    let Ok(local_time) = NaiveTime::parse_from_str(time, "%H:%M") else {
        return Vec::new();
    };
    let days = weekdays(rule);
    let mut date = event.starts_at.with_timezone(&zone).date_naive();
    let last = event.ends_at.with_timezone(&zone).date_naive();
    let mut starts = Vec::new();
    // A weekly rule over a few years at most; the bound keeps a typo from looping.
    while date <= last && starts.len() < 2000 {
        if days.contains(&date.weekday()) {
            starts.push(local_to_utc(zone, date.and_time(local_time)));
        }
        date += Duration::days(1);
    }
    starts
}

/// How long each occurrence lasts.
pub fn length(event: &event::Model) -> Duration {
    Duration::minutes(i64::from(event.recurrence_minutes.unwrap_or(60)))
}

async fn overrides(db: &DatabaseConnection, event_id: i32) -> AppResult<Vec<(chat_occurrence::Model, Vec<chat_topic::Model>)>> {
    let rows = chat_occurrence::Entity::find().filter(chat_occurrence::Column::EventId.eq(event_id)).all(db).await?;
    let mut result = Vec::with_capacity(rows.len());
    for row in rows {
        let topics =
            chat_topic::Entity::find().filter(chat_topic::Column::OccurrenceId.eq(row.id)).order_by_asc(chat_topic::Column::Position).all(db).await?;
        result.push((row, topics));
    }
    Ok(result)
}

fn to_topics(rows: &[chat_topic::Model]) -> Vec<Topic> {
    rows.iter()
        .map(|t| Topic {
            position: t.position,
            label: format!("T{}", t.position),
            title: t.title.clone(),
            question: t.question.clone(),
            offset_minutes: t.offset_minutes,
        })
        .collect()
}

/// Every occurrence of the series, with its overrides applied.
pub async fn occurrences(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<Occurrence>> {
    let stored = overrides(db, event.id).await?;
    let mut result: Vec<Occurrence> = rule_starts(event)
        .into_iter()
        .map(|start| match stored.iter().find(|(o, _)| o.scheduled_start == start) {
            Some((o, topics)) => Occurrence {
                scheduled_start: start,
                starts_at: o.starts_at,
                ends_at: o.ends_at,
                status: o.status,
                topics: to_topics(topics),
                topics_public: o.topics_public,
                revision: o.revision,
            },
            None => Occurrence {
                scheduled_start: start,
                starts_at: start,
                ends_at: start + length(event),
                status: OccurrenceStatus::Scheduled,
                topics: Vec::new(),
                topics_public: true,
                revision: 1,
            },
        })
        .collect();
    result.sort_by_key(|o| o.scheduled_start);
    Ok(result)
}

/// The next occurrence that is not skipped and has not ended.
pub async fn next_occurrence(db: &DatabaseConnection, event: &event::Model, at: DateTime<Utc>) -> AppResult<Option<Occurrence>> {
    let mut upcoming: Vec<Occurrence> =
        occurrences(db, event).await?.into_iter().filter(|o| o.status != OccurrenceStatus::Skipped && o.ends_at > at).collect();
    upcoming.sort_by_key(|o| o.starts_at);
    Ok(upcoming.into_iter().next())
}

/// What an organizer sets on one week: skip it, move it, give it topics.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OccurrenceForm {
    /// RFC 3339: which occurrence (its scheduled start).
    pub scheduled_start: String,
    /// `scheduled`, `skipped` or `moved`.
    pub status: String,
    /// For a moved one: the new local start.
    pub starts_at: String,
    /// One topic per line: "Title" or "Title | question".
    pub topics: String,
    /// `before`: everyone sees the topics ahead of the chat (the default);
    /// `live`: each appears when it is posted in the room.
    pub topics_shown: String,
}

/// Saves an occurrence's override; topics are posted 5 minutes in and then
/// evenly through the hour unless the organizer says otherwise.
pub async fn save_occurrence(db: &DatabaseConnection, event: &event::Model, form: &OccurrenceForm) -> AppResult<Occurrence> {
    let zone = zone_of(event);
    let scheduled = DateTime::parse_from_rfc3339(form.scheduled_start.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| AppError::BadRequest("unknown occurrence".into()))?;
    if !rule_starts(event).contains(&scheduled) {
        return Err(AppError::NotFound);
    }
    let status = match form.status.trim() {
        "" | "scheduled" => OccurrenceStatus::Scheduled,
        "skipped" => OccurrenceStatus::Skipped,
        "moved" => OccurrenceStatus::Moved,
        _ => return Err(AppError::Validation(vec![FieldError::new("status", "Choose scheduled, skipped or moved.")])),
    };
    let starts_at = if status == OccurrenceStatus::Moved {
        input::parse_time(zone, &form.starts_at).map_err(|m| AppError::Validation(vec![FieldError::new("starts_at", m)]))?
    } else {
        scheduled
    };
    let topics_public = match form.topics_shown.trim() {
        "" | "before" => true,
        "live" => false,
        _ => return Err(AppError::Validation(vec![FieldError::new("topics_shown", "Choose before the chat or as they are posted.")])),
    };
    let lines: Vec<&str> = form.topics.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() > 12 {
        return Err(AppError::Validation(vec![FieldError::new("topics", "At most 12 topics per chat.")]));
    }
    let minutes = i64::from(event.recurrence_minutes.unwrap_or(60));
    let txn = crate::db::begin(db).await?;
    let at = now();
    let existing = chat_occurrence::Entity::find()
        .filter(chat_occurrence::Column::EventId.eq(event.id))
        .filter(chat_occurrence::Column::ScheduledStart.eq(scheduled))
        .one(&txn)
        .await?;
    let row = match existing {
        Some(row) => {
            let revision = row.revision + 1;
            let mut model: chat_occurrence::ActiveModel = row.into();
            model.starts_at = Set(starts_at);
            model.ends_at = Set(starts_at + Duration::minutes(minutes));
            model.status = Set(status);
            model.topics_public = Set(topics_public);
            model.revision = Set(revision);
            model.updated_at = Set(at);
            model.update(&txn).await?
        }
        None => {
            chat_occurrence::ActiveModel {
                event_id: Set(event.id),
                scheduled_start: Set(scheduled),
                starts_at: Set(starts_at),
                ends_at: Set(starts_at + Duration::minutes(minutes)),
                status: Set(status),
                topics_public: Set(topics_public),
                revision: Set(2),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    chat_topic::Entity::delete_many().filter(chat_topic::Column::OccurrenceId.eq(row.id)).exec(&txn).await?;
    let spacing = ((minutes - 10).max(lines.len() as i64) / lines.len().max(1) as i64).max(1);
    for (i, line) in lines.iter().enumerate() {
        let (title, question) = match line.split_once('|') {
            Some((title, question)) => (title.trim(), question.trim()),
            None => (*line, ""),
        };
        let title = input::required_text(title, "the topic", 300).map_err(|m| AppError::Validation(vec![FieldError::new("topics", m)]))?;
        chat_topic::ActiveModel {
            occurrence_id: Set(row.id),
            position: Set(i as i32 + 1),
            title: Set(title),
            question: Set(question.to_owned()),
            offset_minutes: Set((5 + spacing * i as i64) as i32),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    bump_revision(&txn, event.id).await?;
    txn.commit().await?;
    next_matching(db, event, scheduled).await
}

async fn next_matching(db: &DatabaseConnection, event: &event::Model, scheduled: DateTime<Utc>) -> AppResult<Occurrence> {
    occurrences(db, event).await?.into_iter().find(|o| o.scheduled_start == scheduled).ok_or(AppError::NotFound)
}
