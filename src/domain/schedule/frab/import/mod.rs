//! Reading frab schedules (`schedule.xml`, and the c3voc `schedule.json`)
//! into an event, liberally: real files from pretalx, frab, FOSDEM or the
//! CCC congress do not always follow the schema (odd slugs, extra elements,
//! missing time zones, base64 guids, conference days that run past
//! midnight). What had to be assumed is reported; what cannot be read at all
//! is refused with its place, and nothing is half-imported.
//!
//! Conference days: frab files sessions under the conference day they belong
//! to, and a congress day runs from 10:00 to 04:00. The file's `day_change`
//! (or, when it names none, the days' ends and the night sessions filed under
//! the evening before) becomes the event's day change, so pages and exports
//! keep a 00:15 talk on the day the file lists it under.

mod json;
mod xml;

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use crate::db::entities::session::SessionStatus;
use crate::db::entities::{event, room, session, session_speaker, track, user};
use crate::domain::events::editing::{self, EventForm};
use crate::domain::events::{bump_revision, conference_date, places, zone_of, MAX_DAY_CHANGE_MINUTES};
use crate::domain::input::slugify;
use crate::domain::now;
use crate::domain::schedule::sessions::event_bounds;
use crate::domain::times::local_to_utc;
use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rooms_created: usize,
    pub tracks_created: usize,
    /// What the file did not say and we had to assume.
    pub assumptions: Vec<String>,
}

/// The file's conference block, as far as it goes.
#[derive(Debug, Clone, Default)]
struct Conference {
    acronym: Option<String>,
    title: Option<String>,
    zone_name: Option<String>,
    /// `day_change`, in minutes after midnight.
    day_change: Option<i32>,
}

/// A conference day as the file lists it.
#[derive(Debug, Clone)]
struct FileDay {
    date: NaiveDate,
    ends_at: Option<DateTime<Utc>>,
}

/// A session as read from the file, before it touches the database.
#[derive(Debug, Clone)]
struct ParsedSession {
    guid: String,
    title: String,
    abstract_text: String,
    room: Option<String>,
    track: Option<String>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    language: String,
    persons: Vec<String>,
    /// The conference day the file lists it under.
    filed_on: Option<NaiveDate>,
}

/// A whole file, read.
#[derive(Debug, Clone)]
struct ParsedSchedule {
    conference: Conference,
    /// The zone its local times were read in.
    zone: Tz,
    tracks: Vec<(String, Option<String>)>,
    sessions: Vec<ParsedSession>,
    days: Vec<FileDay>,
}

/// One session's fields as either format gives them, before defaults.
struct RawSession {
    title: Option<String>,
    date: Option<String>,
    start: Option<String>,
    filed_on: Option<NaiveDate>,
    duration: Option<String>,
    guid: Option<String>,
    id: Option<String>,
    abstract_text: Option<String>,
    description: Option<String>,
    room: Option<String>,
    track: Option<String>,
    language: Option<String>,
    persons: Vec<String>,
}

/// `hh:mm`, `hh:mm:ss`, or `d:hh:mm` (seen in older frab output). Absurd
/// figures are unreadable rather than an overflow.
fn parse_duration(text: &str) -> Option<Duration> {
    let parts: Vec<i64> =
        text.trim().split(':').map(|p| p.trim().parse::<i64>().ok().filter(|n| (0..100_000).contains(n))).collect::<Option<Vec<_>>>()?;
    match parts.as_slice() {
        [h, m] => Some(Duration::hours(*h) + Duration::minutes(*m)),
        [h, m, s] if text.len() <= 8 && *h < 100 => Some(Duration::hours(*h) + Duration::minutes(*m) + Duration::seconds(*s)),
        [d, h, m] => Some(Duration::days(*d) + Duration::hours(*h) + Duration::minutes(*m)),
        _ => None,
    }
}

/// A date or time stamp: with an offset it is exact; without one it is read
/// in the schedule's zone.
fn parse_instant(text: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(exact) = DateTime::parse_from_rfc3339(text) {
        return Some(exact.with_timezone(&Utc)).filter(|at| YEARS.contains(&at.year()));
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return YEARS.contains(&local.year()).then(|| local_to_utc(zone, local));
        }
    }
    None
}

/// A day's date, alone or at the start of a time stamp.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok().filter(|date| YEARS.contains(&date.year()))
}

/// `hh:mm` or `hh:mm:ss` as minutes after midnight.
fn parse_clock_minutes(text: &str) -> Option<i32> {
    let text = text.trim();
    let time = NaiveTime::parse_from_str(text, "%H:%M").or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S")).ok()?;
    Some((time.num_seconds_from_midnight() / 60) as i32)
}

fn clock(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The years a schedule's dates may fall in. chrono reads a year of any
/// length (`-262143-01-01`); one at the edge of what it holds made the
/// day arithmetic overflow, and PostgreSQL stores no such date.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// The most of each thing one file may bring: far above real schedules
/// (the CCC congress: about 1,000 sessions, 30 rooms), low enough that one
/// upload cannot hold the database's writers for long.
const MAX_SESSIONS: usize = 20_000;
const MAX_PERSONS_PER_SESSION: usize = 100;
const MAX_ROOMS_OR_TRACKS: usize = 1_000;

/// What both formats share once a file's fields are found: the zone, the
/// defaults for what a session leaves out, and the count of each.
struct Reading<'r> {
    zone: Tz,
    acronym: String,
    missing_guids: usize,
    missing_durations: usize,
    report: &'r mut ImportReport,
}

impl<'r> Reading<'r> {
    fn new(conference: &Conference, fallback_zone: Tz, report: &'r mut ImportReport) -> Reading<'r> {
        let zone = match &conference.zone_name {
            Some(name) => match name.parse::<Tz>() {
                Ok(zone) => zone,
                Err(_) => {
                    report
                        .assumptions
                        .push(format!("the time zone “{name}” is unknown; times without an offset were read in {}", fallback_zone.name()));
                    fallback_zone
                }
            },
            None => {
                report.assumptions.push(format!("the file names no time zone; times without an offset were read in {}", fallback_zone.name()));
                fallback_zone
            }
        };
        let acronym = conference.acronym.clone().unwrap_or_else(|| "schedule".to_owned());
        Reading { zone, acronym, missing_guids: 0, missing_durations: 0, report }
    }

    fn instant(&self, text: &str) -> Option<DateTime<Utc>> {
        parse_instant(text, self.zone)
    }

    /// A session with the defaults filled in, or why it cannot be read.
    fn session(&mut self, raw: RawSession) -> Result<ParsedSession, String> {
        let element = |name: &str| format!("“{}” has no {name}", raw.title.as_deref().unwrap_or("?"));
        let title = raw.title.clone().ok_or_else(|| "this session has no title".to_owned())?;
        let starts_at = match raw.date.as_deref().and_then(|d| self.instant(d)) {
            Some(instant) => instant,
            None => {
                let start = raw
                    .start
                    .as_deref()
                    .and_then(|s| NaiveTime::parse_from_str(s, "%H:%M").or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S")).ok());
                match (raw.filed_on, start) {
                    (Some(date), Some(time)) => local_to_utc(self.zone, date.and_time(time)),
                    _ => return Err(format!("{}: neither a <date> nor a day date with a <start>", element("time"))),
                }
            }
        };
        let length = match raw.duration.as_deref().and_then(parse_duration) {
            Some(length) if length > Duration::zero() => length,
            _ => {
                self.missing_durations += 1;
                Duration::minutes(30)
            }
        };
        let ends_at = starts_at.checked_add_signed(length).ok_or_else(|| format!("“{title}” ends beyond any calendar"))?;
        let guid = match raw.guid.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
            Some(guid) => guid.to_owned(),
            None => {
                self.missing_guids += 1;
                let id = raw.id.clone().unwrap_or_else(|| format!("{}-{}", title, starts_at.timestamp()));
                format!("{}:{id}", self.acronym)
            }
        };
        let abstract_text = raw.abstract_text.unwrap_or_default();
        let description = raw.description.unwrap_or_default();
        let abstract_text = match (abstract_text.is_empty(), description.is_empty() || description == abstract_text) {
            (_, true) => abstract_text,
            (true, false) => description,
            (false, false) => format!("{abstract_text}\n\n{description}"),
        };
        Ok(ParsedSession {
            guid,
            title,
            abstract_text,
            room: raw.room,
            track: raw.track,
            starts_at,
            ends_at,
            language: raw.language.map(|l| l.to_lowercase()).filter(|l| l.len() <= 8).unwrap_or_else(|| "en".to_owned()),
            persons: raw.persons,
            filed_on: raw.filed_on,
        })
    }

    fn finish(
        self,
        conference: Conference,
        tracks: Vec<(String, Option<String>)>,
        sessions: Vec<ParsedSession>,
        days: Vec<FileDay>,
    ) -> ParsedSchedule {
        if self.missing_guids > 0 {
            self.report.assumptions.push(format!("{} session(s) had no guid; they are matched by their id on re-import", self.missing_guids));
        }
        if self.missing_durations > 0 {
            self.report.assumptions.push(format!("{} session(s) had no readable duration; 30 minutes was assumed", self.missing_durations));
        }
        ParsedSchedule { conference, zone: self.zone, tracks, sessions, days }
    }
}

/// Reads a schedule file of either format: JSON when it starts with `{`.
fn read(text: &str, fallback_zone: Tz, report: &mut ImportReport) -> AppResult<ParsedSchedule> {
    let text = text.trim_start_matches('\u{feff}');
    let parsed = if text.trim_start().starts_with('{') { json::read(text, fallback_zone, report)? } else { xml::read(text, fallback_zone, report)? };
    if parsed.sessions.is_empty() {
        return Err(AppError::Validation(vec![FieldError::new("file", "the file contains no sessions (<event> elements inside <day><room>)")]));
    }
    let rooms = parsed.sessions.iter().filter_map(|s| s.room.as_deref()).collect::<std::collections::HashSet<_>>().len();
    let crowded = parsed.sessions.iter().find(|s| s.persons.len() > MAX_PERSONS_PER_SESSION);
    let too_many = if parsed.sessions.len() > MAX_SESSIONS {
        Some(format!("the file has {} sessions; Tribe imports at most {MAX_SESSIONS} from one file", parsed.sessions.len()))
    } else if rooms > MAX_ROOMS_OR_TRACKS || parsed.tracks.len() > MAX_ROOMS_OR_TRACKS {
        Some(format!("the file has {rooms} rooms and {} tracks; Tribe imports at most {MAX_ROOMS_OR_TRACKS} of each", parsed.tracks.len()))
    } else {
        crowded.map(|s| format!("“{}” has {} speakers; a session takes at most {MAX_PERSONS_PER_SESSION}", s.title, s.persons.len()))
    };
    match too_many {
        Some(message) => Err(AppError::Validation(vec![FieldError::new("file", message)])),
        None => Ok(parsed),
    }
}

/// When the file's conference days change, in minutes after midnight: its
/// `day_change`, or else what its days show. A day whose end falls on the
/// next morning runs until then, and a session listed under a day but
/// starting the next morning keeps that day until after its start.
fn day_change(parsed: &ParsedSchedule, report: &mut ImportReport) -> i32 {
    let local = |instant: DateTime<Utc>| instant.with_timezone(&parsed.zone).naive_local();
    let minutes = |at: NaiveDateTime| (at.time().num_seconds_from_midnight() / 60) as i32;
    let chosen = match parsed.conference.day_change {
        Some(declared) => declared.min(MAX_DAY_CHANGE_MINUTES),
        None => {
            let from_day_ends = parsed
                .days
                .iter()
                .filter_map(|day| day.ends_at.map(|end| (day.date, local(end))))
                .filter(|(date, end)| end.date() == *date + Duration::days(1))
                .map(|(_, end)| minutes(end))
                .max()
                .unwrap_or(0);
            // A night session needs the day to last past its start; round up
            // to the next hour, as programmes do.
            let from_night_sessions = parsed
                .sessions
                .iter()
                .filter_map(|s| Some((s.filed_on?, local(s.starts_at))))
                .filter(|(date, start)| start.date() == *date + Duration::days(1))
                .map(|(_, start)| (minutes(start) / 60 + 1) * 60)
                .max()
                .unwrap_or(0);
            let inferred = from_day_ends.max(from_night_sessions).min(MAX_DAY_CHANGE_MINUTES);
            if inferred > 0 {
                report.assumptions.push(format!(
                    "the file's days run past midnight, so each day here runs until {} the next morning, as the file lists its sessions",
                    clock(inferred)
                ));
            }
            inferred
        }
    };
    let elsewhere = parsed
        .sessions
        .iter()
        .filter(|s| s.filed_on.is_some_and(|date| (local(s.starts_at) - Duration::minutes(i64::from(chosen))).date() != date))
        .count();
    if elsewhere > 0 {
        report.assumptions.push(format!(
            "{elsewhere} session(s) start outside the day the file lists them under (days changing at {}); they are shown on the day their time falls on",
            clock(chosen)
        ));
    }
    chosen
}

/// Imports a frab schedule (XML or JSON) into `event` in one transaction.
/// Re-importing the same file updates the sessions it created (matched by
/// guid) instead of adding them again.
pub async fn import(db: &DatabaseConnection, target: &event::Model, text: &str) -> AppResult<ImportReport> {
    let mut report = ImportReport::default();
    let parsed = read(text, zone_of(target), &mut report)?;
    let txn = crate::db::begin(db).await?;
    store(&txn, target.clone(), &parsed, &mut report).await?;
    txn.commit().await?;
    Ok(report)
}

/// What a new event made from a file needs beyond the file.
#[derive(Debug, Clone, Default)]
pub struct NewEventChoices {
    /// Its address; by default made from the file's acronym or title.
    pub slug: Option<String>,
    /// The zone for a file that names none (by default UTC, reported).
    pub time_zone: Option<Tz>,
}

/// Creates an unpublished conference from a schedule file's conference block
/// (title, acronym, dates, zone, rooms, tracks) and imports its sessions, all
/// in one transaction. `organizer` joins its team; without one (the command
/// line) only site admins manage it until someone is invited.
pub async fn create_event(
    db: &DatabaseConnection,
    organizer: Option<&user::Model>,
    text: &str,
    choices: &NewEventChoices,
) -> AppResult<(event::Model, ImportReport)> {
    let mut report = ImportReport::default();
    let parsed = read(text, choices.time_zone.unwrap_or(Tz::UTC), &mut report)?;
    let conference = &parsed.conference;
    let title: String = conference.title.clone().or_else(|| conference.acronym.clone()).unwrap_or_else(|| "Imported schedule".to_owned());
    let slug = match &choices.slug {
        Some(slug) => editing::validate_slug(slug).map_err(|m| AppError::Validation(vec![FieldError::new("slug", m)]))?,
        None => free_slug(db, conference.acronym.as_deref().unwrap_or(&title)).await?,
    };
    let first = parsed.sessions.iter().map(|s| s.starts_at).min().unwrap_or_default();
    let last = parsed.sessions.iter().map(|s| s.ends_at).max().unwrap_or_default();
    let form = EventForm {
        slug,
        title: title.chars().take(200).collect(),
        kind: "conference".to_owned(),
        time_zone: parsed.zone.name().to_owned(),
        starts_at: first.to_rfc3339(),
        ends_at: last.to_rfc3339(),
        ..Default::default()
    };
    let txn = crate::db::begin(db).await?;
    let created = editing::create_in(&txn, organizer, &form).await?;
    let stored = store(&txn, created, &parsed, &mut report).await?;
    txn.commit().await?;
    Ok((stored, report))
}

/// An unused address made from `name`: `name`, then `name-2`, `name-3`…
async fn free_slug(db: &DatabaseConnection, name: &str) -> AppResult<String> {
    let mut base: String = slugify(name).chars().take(40).collect::<String>().trim_end_matches('-').to_owned();
    if editing::validate_slug(&base).is_err() {
        base = format!("schedule-{}", base).trim_end_matches('-').to_owned();
    }
    for n in 1..1000 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        if editing::validate_slug(&candidate).is_ok() && crate::domain::events::find_by_slug(db, &candidate).await?.is_none() {
            return Ok(candidate);
        }
    }
    Err(AppError::Validation(vec![FieldError::new("slug", "Every address made from the file's name is taken; choose one.")]))
}

/// Stores what was read into `target`: its day change, its dates widened to
/// hold every session, then rooms, tracks and sessions. Returns the event as
/// it now is.
async fn store(txn: &DatabaseTransaction, target: event::Model, parsed: &ParsedSchedule, report: &mut ImportReport) -> AppResult<event::Model> {
    let day_change = day_change(parsed, report);
    let target = if day_change > 0 && day_change != target.day_change_minutes {
        let mut model: event::ActiveModel = target.into();
        model.day_change_minutes = Set(day_change);
        model.update(txn).await?
    } else {
        target
    };
    let target = widen_event_dates(txn, target, &parsed.sessions, report).await?;
    let mut rooms: HashMap<String, i32> = places::rooms(txn, target.id).await?.into_iter().map(|r| (r.name.to_lowercase(), r.id)).collect();
    let mut tracks: HashMap<String, i32> = places::tracks(txn, target.id).await?.into_iter().map(|t| (t.name.to_lowercase(), t.id)).collect();
    for (name, color) in &parsed.tracks {
        ensure_track(txn, &target, &mut tracks, name, color.as_deref(), report).await?;
    }
    for item in &parsed.sessions {
        let room_id = match &item.room {
            Some(name) => Some(ensure_room(txn, &target, &mut rooms, name, report).await?),
            None => None,
        };
        let track_id = match &item.track {
            Some(name) => Some(ensure_track(txn, &target, &mut tracks, name, None, report).await?),
            None => None,
        };
        upsert_session(txn, &target, item, room_id, track_id, report).await?;
    }
    bump_revision(txn, target.id).await?;
    Ok(target)
}

async fn ensure_room(
    txn: &DatabaseTransaction,
    target: &event::Model,
    rooms: &mut HashMap<String, i32>,
    name: &str,
    report: &mut ImportReport,
) -> AppResult<i32> {
    if let Some(id) = rooms.get(&name.to_lowercase()) {
        return Ok(*id);
    }
    let created = room::ActiveModel {
        event_id: Set(target.id),
        name: Set(name.chars().take(100).collect()),
        position: Set(rooms.len() as i32),
        capacity: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    rooms.insert(name.to_lowercase(), created.id);
    report.rooms_created += 1;
    Ok(created.id)
}

async fn ensure_track(
    txn: &DatabaseTransaction,
    target: &event::Model,
    tracks: &mut HashMap<String, i32>,
    name: &str,
    color: Option<&str>,
    report: &mut ImportReport,
) -> AppResult<i32> {
    if let Some(id) = tracks.get(&name.to_lowercase()) {
        return Ok(*id);
    }
    let color = color
        .and_then(|c| crate::domain::input::parse_color(c).ok())
        .unwrap_or_else(|| places::TRACK_PALETTE[tracks.len() % places::TRACK_PALETTE.len()].to_owned());
    let created = track::ActiveModel {
        event_id: Set(target.id),
        name: Set(name.chars().take(100).collect()),
        color: Set(color),
        position: Set(tracks.len() as i32),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    tracks.insert(name.to_lowercase(), created.id);
    report.tracks_created += 1;
    Ok(created.id)
}

/// Sessions outside the event's days widen the event rather than being
/// dropped, and the report says so.
async fn widen_event_dates(
    txn: &DatabaseTransaction,
    target: event::Model,
    parsed: &[ParsedSession],
    report: &mut ImportReport,
) -> AppResult<event::Model> {
    let (first, last) = event_bounds(&target);
    let earliest = parsed.iter().map(|s| s.starts_at).min().unwrap_or(target.starts_at);
    let latest = parsed.iter().map(|s| s.ends_at).max().unwrap_or(target.ends_at);
    if earliest >= first && latest <= last {
        return Ok(target);
    }
    let (starts_at, ends_at) = (target.starts_at.min(earliest), target.ends_at.max(latest));
    let mut model: event::ActiveModel = target.clone().into();
    model.starts_at = Set(starts_at);
    model.ends_at = Set(ends_at);
    model.updated_at = Set(now());
    let widened = model.update(txn).await?;
    report.assumptions.push(format!(
        "the event's dates were widened to {} – {} to hold every session",
        conference_date(&widened, starts_at).format("%Y-%m-%d"),
        conference_date(&widened, ends_at).format("%Y-%m-%d")
    ));
    Ok(widened)
}

async fn upsert_session(
    txn: &DatabaseTransaction,
    target: &event::Model,
    item: &ParsedSession,
    room_id: Option<i32>,
    track_id: Option<i32>,
    report: &mut ImportReport,
) -> AppResult<()> {
    let at = now();
    let existing =
        session::Entity::find().filter(session::Column::EventId.eq(target.id)).filter(session::Column::Guid.eq(item.guid.as_str())).one(txn).await?;
    let speakers_now: Vec<String> = match &existing {
        Some(found) => crate::domain::schedule::sessions::speakers_of(txn, found.id).await?.into_iter().map(|s| s.name).collect(),
        None => Vec::new(),
    };
    let session_id = match existing {
        Some(found) => {
            let same = found.title == item.title
                && found.r#abstract == item.abstract_text
                && found.room_id == room_id
                && found.track_id == track_id
                && found.starts_at == item.starts_at
                && found.ends_at == item.ends_at
                && found.language == item.language
                && found.status == SessionStatus::Published
                && speakers_now == item.persons;
            if same {
                report.unchanged += 1;
                return Ok(());
            }
            let id = found.id;
            let revision = found.revision + 1;
            let mut model: session::ActiveModel = found.into();
            model.title = Set(item.title.clone());
            model.r#abstract = Set(item.abstract_text.clone());
            model.room_id = Set(room_id);
            model.track_id = Set(track_id);
            model.starts_at = Set(item.starts_at);
            model.ends_at = Set(item.ends_at);
            model.language = Set(item.language.clone());
            model.status = Set(SessionStatus::Published);
            model.revision = Set(revision);
            model.updated_at = Set(at);
            model.update(txn).await?;
            report.updated += 1;
            id
        }
        None => {
            let created = session::ActiveModel {
                event_id: Set(target.id),
                guid: Set(item.guid.clone()),
                title: Set(item.title.clone()),
                r#abstract: Set(item.abstract_text.clone()),
                track_id: Set(track_id),
                room_id: Set(room_id),
                starts_at: Set(item.starts_at),
                ends_at: Set(item.ends_at),
                capacity: Set(None),
                status: Set(SessionStatus::Published),
                language: Set(item.language.clone()),
                tags: Set(String::new()),
                revision: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            report.created += 1;
            created.id
        }
    };
    session_speaker::Entity::delete_many().filter(session_speaker::Column::SessionId.eq(session_id)).exec(txn).await?;
    for (position, name) in item.persons.iter().enumerate() {
        session_speaker::ActiveModel {
            session_id: Set(session_id),
            user_id: Set(None),
            name: Set(name.chars().take(120).collect()),
            position: Set(position as i32),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
