//! Sessions: what happens when and where. Organizers create and edit them;
//! the rules that keep a schedule sane live here: the end after the start,
//! inside the event's days, no room and no speaker in two places at once.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::db::entities::session::SessionStatus;
use crate::db::entities::{event, room, session, session_speaker, track, user};
use crate::domain::accounts;
use crate::domain::events::{bump_revision, conference_date, conference_day_start, places, zone_of};
use crate::domain::input;
use crate::domain::now;
use crate::error::{AppError, AppResult, FieldError};

/// A session as typed, from the HTML form or the API. Times are local to the
/// event's zone (2027-06-07T10:15) unless they carry an offset; `room` and
/// `track` are names or ids.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = SessionInput)]
pub struct SessionForm {
    pub title: String,
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    #[serde(deserialize_with = "input::lenient_text")]
    #[schema(schema_with = input::lenient_text_schema)]
    pub track: String,
    #[serde(deserialize_with = "input::lenient_text")]
    #[schema(schema_with = input::lenient_text_schema)]
    pub room: String,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(deserialize_with = "input::lenient_text")]
    #[schema(schema_with = input::lenient_text_schema)]
    pub capacity: String,
    /// `draft` (the default), `published` or `cancelled`.
    pub status: String,
    pub language: String,
    #[serde(deserialize_with = "input::lenient_lines")]
    #[schema(schema_with = input::lenient_lines_schema)]
    pub tags: String,
    /// One speaker per line: an account's email links the account, anything
    /// else is a name as printed. The API may send a list.
    #[serde(deserialize_with = "input::lenient_lines")]
    #[schema(schema_with = input::lenient_lines_schema)]
    pub speakers: String,
}

impl SessionForm {
    pub fn from_session(event: &event::Model, found: &session::Model, speakers: &[session_speaker::Model], emails: &[(i32, String)]) -> SessionForm {
        let zone = zone_of(event);
        let speaker_lines: Vec<String> = speakers
            .iter()
            .map(|s| s.user_id.and_then(|id| emails.iter().find(|(uid, _)| *uid == id).map(|(_, e)| e.clone())).unwrap_or_else(|| s.name.clone()))
            .collect();
        SessionForm {
            title: found.title.clone(),
            abstract_text: found.r#abstract.clone(),
            track: found.track_id.map(|t| t.to_string()).unwrap_or_default(),
            room: found.room_id.map(|r| r.to_string()).unwrap_or_default(),
            starts_at: input::local_input_value(zone, found.starts_at),
            ends_at: input::local_input_value(zone, found.ends_at),
            capacity: found.capacity.map(|c| c.to_string()).unwrap_or_default(),
            status: found.status.to_string(),
            language: found.language.clone(),
            tags: found.tags.replace(',', ", "),
            speakers: speaker_lines.join("\n"),
        }
    }
}

/// A speaker to be saved: linked to an account, or a printed name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerInput {
    pub user_id: Option<i32>,
    pub name: String,
}

/// A checked session, ready to save.
#[derive(Debug, Clone)]
pub struct SessionInput {
    pub title: String,
    pub abstract_text: String,
    pub track_id: Option<i32>,
    pub room_id: Option<i32>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: Option<i32>,
    pub status: SessionStatus,
    pub language: String,
    pub tags: String,
    pub speakers: Vec<SpeakerInput>,
}

fn find_named<'a, T>(items: &'a [T], text: &str, id: impl Fn(&T) -> i32, name: impl Fn(&T) -> &str) -> Option<&'a T> {
    let text = text.trim();
    items.iter().find(|item| text.parse::<i32>().ok() == Some(id(item))).or_else(|| items.iter().find(|item| name(item).eq_ignore_ascii_case(text)))
}

/// The start of the event's first conference day and the end of its last
/// (local midnights, moved by the event's day change): sessions must fall
/// inside.
pub fn event_bounds(event: &event::Model) -> (DateTime<Utc>, DateTime<Utc>) {
    let first_day = conference_date(event, event.starts_at);
    let last_day = conference_date(event, event.ends_at).max(first_day);
    (conference_day_start(event, first_day), conference_day_start(event, last_day + Duration::days(1)))
}

/// Checks the form against the event; clashes are checked when saving.
pub async fn validate(db: &impl ConnectionTrait, event: &event::Model, form: &SessionForm) -> AppResult<SessionInput> {
    let zone = zone_of(event);
    let mut errors = Vec::new();
    let title = input::required_text(&form.title, "a title", 300).map_err(|m| errors.push(FieldError::new("title", m))).ok();
    if form.abstract_text.chars().count() > 20_000 {
        errors.push(FieldError::new("abstract", "Keep the abstract under 20,000 characters."));
    }
    let rooms = places::rooms(db, event.id).await?;
    let tracks = places::tracks(db, event.id).await?;
    let room_id = match form.room.trim() {
        "" => None,
        text => match find_named(&rooms, text, |r: &room::Model| r.id, |r| &r.name) {
            Some(found) => Some(found.id),
            None => {
                errors.push(FieldError::new("room", "Pick one of this event's rooms."));
                None
            }
        },
    };
    let track_id = match form.track.trim() {
        "" => None,
        text => match find_named(&tracks, text, |t: &track::Model| t.id, |t| &t.name) {
            Some(found) => Some(found.id),
            None => {
                errors.push(FieldError::new("track", "Pick one of this event's tracks."));
                None
            }
        },
    };
    let starts_at = input::parse_time(zone, &form.starts_at).map_err(|m| errors.push(FieldError::new("starts_at", m))).ok();
    let ends_at = input::parse_time(zone, &form.ends_at).map_err(|m| errors.push(FieldError::new("ends_at", m))).ok();
    if let (Some(start), Some(end)) = (starts_at, ends_at) {
        let (first, last) = event_bounds(event);
        if end <= start {
            errors.push(FieldError::new("ends_at", "The end must be after the start."));
        } else if start < first || end > last {
            let days = format!(
                "{} to {}",
                event.starts_at.with_timezone(&zone).format("%a %b %-d"),
                event.ends_at.with_timezone(&zone).format("%a %b %-d, %Y")
            );
            errors.push(FieldError::new("starts_at", format!("The session must fall within the event's days ({days}).")));
        }
    }
    let capacity = input::parse_optional_count(&form.capacity, 100_000).map_err(|m| errors.push(FieldError::new("capacity", m))).ok().flatten();
    let status = match form.status.trim() {
        "" => Some(SessionStatus::Draft),
        text => SessionStatus::parse(text).or_else(|| {
            errors.push(FieldError::new("status", "Choose draft, published or cancelled."));
            None
        }),
    };
    let language = match form.language.trim().to_lowercase() {
        text if text.is_empty() => "en".to_owned(),
        text if (2..=8).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphabetic() || c == '-') => text,
        _ => {
            errors.push(FieldError::new("language", "Use a language code such as en or es."));
            String::new()
        }
    };
    let tags = input::parse_tags(&form.tags).map_err(|m| errors.push(FieldError::new("tags", m))).unwrap_or_default();
    let mut speakers = Vec::new();
    for line in form.speakers.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.chars().count() > 120 {
            errors.push(FieldError::new("speakers", "Keep each speaker's name under 120 characters."));
            continue;
        }
        let speaker = if line.contains('@') {
            // An email links a Tribe account, shown by its name on the
            // schedule; only someone who took their own step towards the
            // event (registered, or joined its team) is linked, so the
            // field tells nobody whether an address has an account.
            match accounts::find_by_email_on(db, line).await? {
                Some(account) if is_at_event(db, event, account.id).await? => SpeakerInput { user_id: Some(account.id), name: account.display_name },
                _ => {
                    errors.push(FieldError::new(
                        "speakers",
                        "A speaker is linked by email once they are registered for this event or on its team; until then, type their name.",
                    ));
                    continue;
                }
            }
        } else {
            SpeakerInput { user_id: None, name: line.to_owned() }
        };
        if !speakers.contains(&speaker) {
            speakers.push(speaker);
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(SessionInput {
        title: title.unwrap_or_default(),
        abstract_text: form.abstract_text.trim().to_owned(),
        track_id,
        room_id,
        starts_at: starts_at.unwrap_or_default(),
        ends_at: ends_at.unwrap_or_default(),
        capacity,
        status: status.unwrap_or(SessionStatus::Draft),
        language,
        tags,
        speakers,
    })
}

/// Registered (confirmed) for the event, or on its team.
async fn is_at_event(db: &impl ConnectionTrait, event: &event::Model, user_id: i32) -> AppResult<bool> {
    use crate::db::entities::registration;
    if crate::domain::events::team::membership(db, event.id, user_id).await?.is_some() {
        return Ok(true);
    }
    let registered = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event.id))
        .filter(registration::Column::UserId.eq(user_id))
        .filter(registration::Column::Status.eq(crate::db::entities::registration::RegistrationStatus::Confirmed))
        .one(db)
        .await?;
    Ok(registered.is_some())
}

fn time_range(zone: chrono_tz::Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    format!("{}–{}", start.with_timezone(&zone).format("%a %H:%M"), end.with_timezone(&zone).format("%H:%M"))
}

/// Refuses a room or speaker double-booking, naming the session in the way.
async fn check_clashes(db: &impl ConnectionTrait, event: &event::Model, input: &SessionInput, editing: Option<i32>) -> AppResult<()> {
    if input.status == SessionStatus::Cancelled {
        return Ok(());
    }
    let zone = zone_of(event);
    let mut overlapping = session::Entity::find()
        .filter(session::Column::EventId.eq(event.id))
        .filter(session::Column::Status.ne(SessionStatus::Cancelled))
        .filter(session::Column::StartsAt.lt(input.ends_at))
        .filter(session::Column::EndsAt.gt(input.starts_at));
    if let Some(id) = editing {
        overlapping = overlapping.filter(session::Column::Id.ne(id));
    }
    let overlapping = overlapping.order_by_asc(session::Column::StartsAt).all(db).await?;
    let mut errors = Vec::new();
    if let Some(room_id) = input.room_id {
        if let Some(other) = overlapping.iter().find(|s| s.room_id == Some(room_id)) {
            let room_name = room::Entity::find_by_id(room_id).one(db).await?.map(|r| r.name).unwrap_or_default();
            errors.push(FieldError::new(
                "room",
                format!("{room_name} is already booked for “{}” ({}).", other.title, time_range(zone, other.starts_at, other.ends_at)),
            ));
        }
    }
    if !input.speakers.is_empty() && !overlapping.is_empty() {
        let ids: Vec<i32> = overlapping.iter().map(|s| s.id).collect();
        let booked = session_speaker::Entity::find().filter(session_speaker::Column::SessionId.is_in(ids)).all(db).await?;
        for speaker in &input.speakers {
            let clash = booked.iter().find(|b| match speaker.user_id {
                Some(id) => b.user_id == Some(id),
                None => b.user_id.is_none() && b.name.eq_ignore_ascii_case(&speaker.name),
            });
            if let Some(other) = clash.and_then(|b| overlapping.iter().find(|s| s.id == b.session_id)) {
                errors.push(FieldError::new(
                    "speakers",
                    format!("{} is already speaking in “{}” ({}).", speaker.name, other.title, time_range(zone, other.starts_at, other.ends_at)),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

async fn save_speakers(db: &impl ConnectionTrait, session_id: i32, speakers: &[SpeakerInput]) -> AppResult<()> {
    session_speaker::Entity::delete_many().filter(session_speaker::Column::SessionId.eq(session_id)).exec(db).await?;
    for (position, speaker) in speakers.iter().enumerate() {
        session_speaker::ActiveModel {
            session_id: Set(session_id),
            user_id: Set(speaker.user_id),
            name: Set(speaker.name.clone()),
            position: Set(position as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A new stable identifier for a session (calendar UID, frab guid).
pub fn new_guid() -> String {
    let bytes: [u8; 16] = rand::random();
    let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // RFC 4122 version 4, variant 1.
    format!("{}-{}-4{}-{:x}{}-{}", &h[0..8], &h[8..12], &h[13..16], 8 | (bytes[8] & 0x3), &h[17..20], &h[20..32])
}

pub async fn create(db: &DatabaseConnection, event: &event::Model, form: &SessionForm) -> AppResult<session::Model> {
    let txn = crate::db::begin(db).await?;
    let input = validate(&txn, event, form).await?;
    check_clashes(&txn, event, &input, None).await?;
    let at = now();
    let created = session::ActiveModel {
        event_id: Set(event.id),
        guid: Set(new_guid()),
        title: Set(input.title.clone()),
        r#abstract: Set(input.abstract_text.clone()),
        track_id: Set(input.track_id),
        room_id: Set(input.room_id),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        capacity: Set(input.capacity),
        status: Set(input.status),
        language: Set(input.language.clone()),
        tags: Set(input.tags.clone()),
        revision: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    save_speakers(&txn, created.id, &input.speakers).await?;
    bump_revision(&txn, event.id).await?;
    txn.commit().await?;
    Ok(created)
}

/// Saves an edit. Every saved change raises the session's revision, which
/// calendar files carry as SEQUENCE so subscribed calendars take the update.
pub async fn update(db: &DatabaseConnection, event: &event::Model, existing: &session::Model, form: &SessionForm) -> AppResult<session::Model> {
    let txn = crate::db::begin(db).await?;
    let input = validate(&txn, event, form).await?;
    check_clashes(&txn, event, &input, Some(existing.id)).await?;
    let mut model: session::ActiveModel = existing.clone().into();
    model.title = Set(input.title.clone());
    model.r#abstract = Set(input.abstract_text.clone());
    model.track_id = Set(input.track_id);
    model.room_id = Set(input.room_id);
    model.starts_at = Set(input.starts_at);
    model.ends_at = Set(input.ends_at);
    model.capacity = Set(input.capacity);
    model.status = Set(input.status);
    model.language = Set(input.language.clone());
    model.tags = Set(input.tags.clone());
    model.revision = Set(existing.revision + 1);
    model.updated_at = Set(now());
    let updated = model.update(&txn).await?;
    save_speakers(&txn, existing.id, &input.speakers).await?;
    bump_revision(&txn, event.id).await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn delete(db: &DatabaseConnection, event: &event::Model, existing: &session::Model) -> AppResult<()> {
    let txn = crate::db::begin(db).await?;
    session::Entity::delete_by_id(existing.id).exec(&txn).await?;
    bump_revision(&txn, event.id).await?;
    txn.commit().await?;
    Ok(())
}

/// One session of this event (any status: callers decide who may see drafts).
pub async fn find(db: &DatabaseConnection, event: &event::Model, session_id: i32) -> AppResult<session::Model> {
    session::Entity::find_by_id(session_id).filter(session::Column::EventId.eq(event.id)).one(db).await?.ok_or(AppError::NotFound)
}

pub async fn speakers_of(db: &impl ConnectionTrait, session_id: i32) -> AppResult<Vec<session_speaker::Model>> {
    Ok(session_speaker::Entity::find()
        .filter(session_speaker::Column::SessionId.eq(session_id))
        .order_by_asc(session_speaker::Column::Position)
        .all(db)
        .await?)
}

/// Emails of linked speakers, to show them in the edit form.
pub async fn speaker_emails(db: &DatabaseConnection, speakers: &[session_speaker::Model]) -> AppResult<Vec<(i32, String)>> {
    let ids: Vec<i32> = speakers.iter().filter_map(|s| s.user_id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find().filter(user::Column::Id.is_in(ids)).all(db).await?.into_iter().map(|u| (u.id, u.email)).collect())
}
