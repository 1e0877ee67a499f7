//! Creating and editing events: what an organizer types, checked and turned
//! into an event. The creator becomes its first organizer.

use chrono::{Datelike, Weekday};
use chrono_tz::Tz;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use crate::db::entities::event::EventKind;
use crate::db::entities::event_member::TeamRole;
use crate::db::entities::{event, event_member, user};
use crate::domain::events::{find_by_slug, zone_of};
use crate::domain::input::{self, local_input_value};
use crate::domain::now;
use crate::error::{AppError, AppResult, FieldError};

/// The event form, as typed. The same fields come from the HTML form and the API.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EventForm {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub time_zone: String,
    /// Local time in `time_zone`. For an online chat: the first occurrence.
    pub starts_at: String,
    /// For an online chat: when the series ends.
    pub ends_at: String,
    pub venue_name: String,
    pub venue_address: String,
    pub venue_map_url: String,
    pub online_url: String,
    pub hashtag: String,
    pub capacity: String,
    /// Online chats: minutes per occurrence (default 60).
    pub recurrence_minutes: String,
    pub host_name: String,
    /// Local time until which attendees may cancel themselves (empty: until the start).
    pub cancel_until: String,
    /// Online chats: posted in the live room at the start of each occurrence.
    pub chat_opening_message: String,
    /// Online chats: characters per message (default 500).
    pub chat_message_limit: String,
    /// Online chats: minutes before the start the room opens (default 15).
    pub chat_opens_minutes_before: String,
}

impl EventForm {
    /// The form filled in from an existing event, for editing.
    pub fn from_event(event: &event::Model) -> EventForm {
        let zone = zone_of(event);
        EventForm {
            slug: event.slug.clone(),
            title: event.title.clone(),
            description: event.description.clone(),
            kind: event.kind.to_string(),
            time_zone: event.time_zone.clone(),
            starts_at: local_input_value(zone, event.starts_at),
            ends_at: local_input_value(zone, event.ends_at),
            venue_name: event.venue_name.clone().unwrap_or_default(),
            venue_address: event.venue_address.clone().unwrap_or_default(),
            venue_map_url: event.venue_map_url.clone().unwrap_or_default(),
            online_url: event.online_url.clone().unwrap_or_default(),
            hashtag: event.hashtag.clone().unwrap_or_default(),
            capacity: event.capacity.map(|c| c.to_string()).unwrap_or_default(),
            recurrence_minutes: event.recurrence_minutes.map(|c| c.to_string()).unwrap_or_default(),
            host_name: event.host_name.clone().unwrap_or_default(),
            cancel_until: event.cancel_until.map(|t| local_input_value(zone, t)).unwrap_or_default(),
            chat_opening_message: event.chat_opening_message.clone(),
            chat_message_limit: event.chat_message_limit.to_string(),
            chat_opens_minutes_before: event.chat_opens_minutes_before.to_string(),
        }
    }
}

/// Slugs that would collide with fixed paths under `/events/`.
const RESERVED_SLUGS: &[&str] = &["new", "import", "api", "static", "manage"];

pub fn validate_slug(slug: &str) -> Result<String, String> {
    let slug = slug.trim().to_lowercase();
    let valid_chars = slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if slug.len() < 3 || slug.len() > 50 {
        Err("Use 3 to 50 characters: lower-case letters, digits and hyphens.".into())
    } else if !valid_chars || !slug.starts_with(|c: char| c.is_ascii_alphanumeric()) || slug.ends_with('-') || slug.contains("--") {
        Err("Use lower-case letters, digits and single hyphens (like hitmc-2027).".into())
    } else if RESERVED_SLUGS.contains(&slug.as_str()) {
        Err("That address is reserved; pick another.".into())
    } else {
        Ok(slug)
    }
}

pub fn validate_time_zone(name: &str) -> Result<Tz, String> {
    crate::domain::times::parse_zone(name).ok_or_else(|| "Type a city and pick it from the list, like New York, Berlin or Kathmandu.".into())
}

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// The form checked field by field into an event (not yet saved).
fn validate(form: &EventForm) -> Result<event::ActiveModel, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut check = |field: &str, result: Result<(), String>| {
        if let Err(message) = result {
            errors.push(FieldError::new(field, message));
        }
    };
    let slug = validate_slug(&form.slug);
    check("slug", slug.as_ref().map(|_| ()).map_err(Clone::clone));
    let title = input::required_text(&form.title, "a title", 200);
    check("title", title.as_ref().map(|_| ()).map_err(Clone::clone));
    let description = if form.description.chars().count() > 20_000 {
        Err("Keep the description under 20,000 characters.".to_string())
    } else {
        Ok(form.description.trim().to_owned())
    };
    check("description", description.as_ref().map(|_| ()).map_err(Clone::clone));
    let kind = EventKind::parse(form.kind.trim()).ok_or_else(|| "Choose conference, meetup or online chat.".to_string());
    check("kind", kind.as_ref().map(|_| ()).map_err(Clone::clone));
    let zone = validate_time_zone(&form.time_zone);
    check("time_zone", zone.as_ref().map(|_| ()).map_err(Clone::clone));
    let zone_or_utc = zone.clone().unwrap_or(Tz::UTC);
    let starts_at = input::parse_time(zone_or_utc, &form.starts_at);
    check("starts_at", starts_at.as_ref().map(|_| ()).map_err(Clone::clone));
    let ends_at = input::parse_time(zone_or_utc, &form.ends_at);
    check("ends_at", ends_at.as_ref().map(|_| ()).map_err(Clone::clone));
    if let (Ok(start), Ok(end)) = (&starts_at, &ends_at) {
        if end <= start {
            check("ends_at", Err("The end must be after the start.".into()));
        }
    }
    let venue_name = input::optional_text(&form.venue_name, "the venue's name", 200);
    check("venue_name", venue_name.as_ref().map(|_| ()).map_err(Clone::clone));
    let venue_address = input::optional_text(&form.venue_address, "the address", 500);
    check("venue_address", venue_address.as_ref().map(|_| ()).map_err(Clone::clone));
    let venue_map_url = input::parse_optional_url(&form.venue_map_url);
    check("venue_map_url", venue_map_url.as_ref().map(|_| ()).map_err(Clone::clone));
    let online_url = input::parse_optional_url(&form.online_url);
    check("online_url", online_url.as_ref().map(|_| ()).map_err(Clone::clone));
    let hashtag = match form.hashtag.trim().trim_start_matches('#') {
        "" => Ok(None),
        tag if tag.chars().all(|c| c.is_alphanumeric() || c == '_') && tag.chars().count() <= 50 => Ok(Some(format!("#{tag}"))),
        _ => Err("A hashtag is one word of letters, digits and underscores.".to_string()),
    };
    check("hashtag", hashtag.as_ref().map(|_| ()).map_err(Clone::clone));
    let capacity = input::parse_optional_count(&form.capacity, 1_000_000);
    check("capacity", capacity.as_ref().map(|_| ()).map_err(Clone::clone));
    let minutes = match (kind.as_ref().ok(), form.recurrence_minutes.trim()) {
        (Some(EventKind::OnlineChat), "") => Ok(Some(60)),
        (Some(EventKind::OnlineChat), text) => input::parse_optional_count(text, 24 * 60),
        _ => Ok(None),
    };
    check("recurrence_minutes", minutes.as_ref().map(|_| ()).map_err(Clone::clone));
    let host_name = input::optional_text(&form.host_name, "the host's name", 120);
    check("host_name", host_name.as_ref().map(|_| ()).map_err(Clone::clone));
    let is_chat = kind.as_ref().ok() == Some(&EventKind::OnlineChat);
    let opening = if form.chat_opening_message.chars().count() > 2000 {
        Err("At most 2000 characters.".to_string())
    } else {
        Ok(form.chat_opening_message.trim().to_owned())
    };
    check("chat_opening_message", opening.as_ref().map(|_| ()).map_err(Clone::clone));
    let limit = match form.chat_message_limit.trim() {
        "" => Ok(500),
        text => match text.parse::<i32>() {
            Ok(n) if (20..=5000).contains(&n) => Ok(n),
            _ => Err("Between 20 and 5000 characters.".to_string()),
        },
    };
    check("chat_message_limit", limit.as_ref().map(|_| ()).map_err(Clone::clone));
    let opens_before = match form.chat_opens_minutes_before.trim() {
        "" => Ok(15),
        text => match text.parse::<i32>() {
            Ok(n) if (0..=24 * 60).contains(&n) => Ok(n),
            _ => Err("Between 0 and 1440 minutes.".to_string()),
        },
    };
    check("chat_opens_minutes_before", opens_before.as_ref().map(|_| ()).map_err(Clone::clone));
    let cancel_until = if form.cancel_until.trim().is_empty() { Ok(None) } else { input::parse_time(zone_or_utc, &form.cancel_until).map(Some) };
    check("cancel_until", cancel_until.as_ref().map(|_| ()).map_err(Clone::clone));
    if !errors.is_empty() {
        return Err(errors);
    }

    let (kind, zone, starts_at, ends_at) =
        (kind.unwrap_or(EventKind::Conference), zone.unwrap_or(Tz::UTC), starts_at.unwrap_or_default(), ends_at.unwrap_or_default());
    // A weekly chat repeats on the weekday and at the local time of its first occurrence.
    let (rule, local_time) = if kind == EventKind::OnlineChat {
        let first = starts_at.with_timezone(&zone);
        (Some(format!("FREQ=WEEKLY;BYDAY={}", weekday_code(first.weekday()))), Some(first.format("%H:%M").to_string()))
    } else {
        (None, None)
    };
    Ok(event::ActiveModel {
        slug: Set(slug.unwrap_or_default()),
        title: Set(title.unwrap_or_default()),
        description: Set(description.unwrap_or_default()),
        kind: Set(kind),
        time_zone: Set(zone.name().to_owned()),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        venue_name: Set(venue_name.unwrap_or_default()),
        venue_address: Set(venue_address.unwrap_or_default()),
        venue_map_url: Set(venue_map_url.unwrap_or_default()),
        online_url: Set(online_url.unwrap_or_default()),
        hashtag: Set(hashtag.unwrap_or_default()),
        capacity: Set(capacity.unwrap_or_default()),
        recurrence_rule: Set(rule),
        recurrence_local_time: Set(local_time),
        recurrence_minutes: Set(minutes.unwrap_or_default()),
        host_name: Set(host_name.unwrap_or_default()),
        cancel_until: Set(cancel_until.unwrap_or_default()),
        chat_opening_message: if is_chat { Set(opening.unwrap_or_default()) } else { sea_orm::ActiveValue::NotSet },
        chat_message_limit: if is_chat { Set(limit.unwrap_or(500)) } else { sea_orm::ActiveValue::NotSet },
        chat_opens_minutes_before: if is_chat { Set(opens_before.unwrap_or(15)) } else { sea_orm::ActiveValue::NotSet },
        ..Default::default()
    })
}

fn slug_taken() -> AppError {
    AppError::Validation(vec![FieldError::new("slug", "Another event already uses this address.")])
}

/// Creates an unpublished event with `creator` as its organizer.
pub async fn create(db: &DatabaseConnection, creator: &user::Model, form: &EventForm) -> AppResult<event::Model> {
    let txn = crate::db::begin(db).await?;
    let created = create_in(&txn, Some(creator), form).await?;
    txn.commit().await?;
    Ok(created)
}

/// `create` inside a caller's transaction (an event made from a schedule
/// file is stored with its sessions or not at all). Without a creator only
/// site admins manage it until someone joins its team.
pub async fn create_in(txn: &DatabaseTransaction, creator: Option<&user::Model>, form: &EventForm) -> AppResult<event::Model> {
    let mut model = validate(form).map_err(AppError::Validation)?;
    if event::Entity::find().filter(event::Column::Slug.eq(model.slug.as_ref().as_str())).one(txn).await?.is_some() {
        return Err(slug_taken());
    }
    let at = now();
    model.is_published = Set(false);
    model.revision = Set(1);
    model.created_at = Set(at);
    model.updated_at = Set(at);
    let created = model.insert(txn).await.map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => slug_taken(),
        other => other,
    })?;
    if let Some(creator) = creator {
        event_member::ActiveModel {
            event_id: Set(created.id),
            user_id: Set(creator.id),
            role: Set(TeamRole::Organizer),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(created)
}

/// Saves an edited event and bumps its revision. The slug can change; old
/// links then 404, which the form warns about.
pub async fn update(db: &DatabaseConnection, existing: &event::Model, form: &EventForm) -> AppResult<event::Model> {
    let mut model = validate(form).map_err(AppError::Validation)?;
    let new_slug: String = model.slug.clone().unwrap();
    if new_slug != existing.slug && find_by_slug(db, &new_slug).await?.is_some() {
        return Err(slug_taken());
    }
    model.id = Set(existing.id);
    model.revision = Set(existing.revision + 1);
    super::note_local_change();
    model.updated_at = Set(now());
    model.update(db).await.map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => slug_taken(),
        other => other,
    })
}

pub async fn set_published(db: &DatabaseConnection, existing: &event::Model, published: bool) -> AppResult<event::Model> {
    let mut model: event::ActiveModel = existing.clone().into();
    model.is_published = Set(published);
    model.revision = Set(existing.revision + 1);
    super::note_local_change();
    model.updated_at = Set(now());
    Ok(model.update(db).await?)
}
