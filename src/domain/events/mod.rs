//! Events: the conferences, meetups and weekly online chats people come to,
//! and who runs them.

pub mod editing;
pub mod places;
pub mod team;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::db::entities::event::EventKind;
use crate::db::entities::event_member::TeamRole;
use crate::db::entities::{event, event_member};
use crate::error::AppResult;

/// The event's zone; an unknown name (which validation never lets in) falls
/// back to UTC rather than failing a page.
pub fn zone_of(event: &event::Model) -> Tz {
    event.time_zone.parse().unwrap_or(Tz::UTC)
}

/// The longest night a conference day may run into the next morning. Real
/// schedules change days between midnight and 10:00.
pub const MAX_DAY_CHANGE_MINUTES: i32 = 12 * 60;

/// When the event's days change, after local midnight.
fn day_change(event: &event::Model) -> chrono::Duration {
    chrono::Duration::minutes(i64::from(event.day_change_minutes.clamp(0, MAX_DAY_CHANGE_MINUTES)))
}

/// The conference day an instant belongs to: its local date, or the day
/// before while the night has not reached the event's day change (a 00:15
/// talk at a congress whose days change at 04:00 is on the evening's day).
pub fn conference_date(event: &event::Model, instant: DateTime<Utc>) -> NaiveDate {
    (instant.with_timezone(&zone_of(event)).naive_local() - day_change(event)).date()
}

/// When a conference day begins: its local midnight plus the day change.
pub fn conference_day_start(event: &event::Model, date: NaiveDate) -> DateTime<Utc> {
    crate::domain::times::local_to_utc(zone_of(event), date.and_time(chrono::NaiveTime::MIN) + day_change(event))
}

/// A summary for lists: the home page and the API.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventSummary {
    pub slug: String,
    pub title: String,
    pub kind: EventKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub time_zone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// "7–9 Jun 2027", "Thu 24 Dec 2026 · 18:00–20:30 Boston time" or
    /// "Every Tuesday at 20:30 New York time", in the event's zone.
    pub when: String,
    pub venue_name: Option<String>,
    pub hashtag: Option<String>,
}

pub fn summarize(event: &event::Model) -> EventSummary {
    let kind = event.kind;
    let zone = zone_of(event);
    let start = event.starts_at.with_timezone(&zone);
    let end = event.ends_at.with_timezone(&zone);
    let when = match (kind, &event.recurrence_rule, &event.recurrence_local_time) {
        (EventKind::OnlineChat, Some(rule), Some(time)) => {
            format!("{} at {} {} time", describe_rule(rule), time, crate::domain::times::city(zone))
        }
        // One day: its hours, on the clock of the place it happens.
        _ if start.date_naive() == end.date_naive() => {
            format!("{} · {}–{} {} time", start.format("%a %-d %b %Y"), start.format("%H:%M"), end.format("%H:%M"), crate::domain::times::city(zone))
        }
        _ if start.format("%Y-%m").to_string() == end.format("%Y-%m").to_string() => {
            format!("{}–{}", start.format("%-d"), end.format("%-d %b %Y"))
        }
        _ => format!("{} – {}", start.format("%-d %b"), end.format("%-d %b %Y")),
    };
    EventSummary {
        slug: event.slug.clone(),
        title: event.title.clone(),
        kind,
        kind_label: kind.label(),
        time_zone: event.time_zone.clone(),
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        when,
        venue_name: event.venue_name.clone(),
        hashtag: event.hashtag.clone(),
    }
}

/// "Every Tuesday" for `FREQ=WEEKLY;BYDAY=TU`; the rule itself otherwise.
pub fn describe_rule(rule: &str) -> String {
    let mut freq = None;
    let mut days = Vec::new();
    for part in rule.split(';') {
        match part.split_once('=') {
            Some(("FREQ", f)) => freq = Some(f),
            Some(("BYDAY", d)) => days = d.split(',').collect(),
            _ => {}
        }
    }
    let day_name = |d: &str| match d {
        "MO" => "Monday",
        "TU" => "Tuesday",
        "WE" => "Wednesday",
        "TH" => "Thursday",
        "FR" => "Friday",
        "SA" => "Saturday",
        "SU" => "Sunday",
        _ => "?",
    };
    match (freq, days.as_slice()) {
        (Some("WEEKLY"), [day]) => format!("Every {}", day_name(day)),
        (Some("WEEKLY"), days) if !days.is_empty() => format!("Every {}", days.iter().map(|d| day_name(d)).collect::<Vec<_>>().join(", ")),
        _ => rule.to_owned(),
    }
}

/// Published events, those still running or upcoming first, then past ones.
pub async fn list_published(db: &DatabaseConnection) -> AppResult<Vec<event::Model>> {
    let mut events = event::Entity::find().filter(event::Column::IsPublished.eq(true)).order_by_asc(event::Column::StartsAt).all(db).await?;
    let now = crate::domain::now();
    events.sort_by_key(|e| (e.ends_at < now, if e.ends_at < now { -e.starts_at.timestamp() } else { e.starts_at.timestamp() }));
    Ok(events)
}

pub async fn find_by_id(db: &DatabaseConnection, id: i32) -> AppResult<Option<event::Model>> {
    Ok(event::Entity::find_by_id(id).one(db).await?)
}

pub async fn find_by_slug(db: &DatabaseConnection, slug: &str) -> AppResult<Option<event::Model>> {
    Ok(event::Entity::find().filter(event::Column::Slug.eq(slug)).one(db).await?)
}

/// The person's team role for the event, if any.
pub async fn team_role(db: &DatabaseConnection, event_id: i32, user_id: i32) -> AppResult<Option<TeamRole>> {
    Ok(event_member::Entity::find()
        .filter(event_member::Column::EventId.eq(event_id))
        .filter(event_member::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .map(|m| m.role))
}

/// Counts changes to events made by this process, so that caches of event
/// rows (see `exports::ExportCache::published_event`) never serve this
/// process's own writes stale.
static LOCAL_CHANGES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn note_local_change() {
    LOCAL_CHANGES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

pub fn local_changes() -> u64 {
    LOCAL_CHANGES.load(std::sync::atomic::Ordering::SeqCst)
}

/// Marks the event's published content as changed: exports and calendar
/// files are cached per revision, so every schedule change calls this.
pub async fn bump_revision(db: &impl ConnectionTrait, event_id: i32) -> AppResult<()> {
    note_local_change();
    event::Entity::update_many()
        .col_expr(event::Column::Revision, sea_orm::sea_query::Expr::col(event::Column::Revision).add(1))
        .col_expr(event::Column::PageRevision, sea_orm::sea_query::Expr::col(event::Column::PageRevision).add(1))
        .col_expr(event::Column::UpdatedAt, sea_orm::sea_query::Expr::value(crate::domain::now()))
        .filter(event::Column::Id.eq(event_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks what the event's public pages show as changed (seats, profiles,
/// chat messages, anything but the schedule, which `bump_revision` covers):
/// every instance renders them afresh on the next visit. The kept
/// attendees are read again too (see `touch_seat_counts` for the one
/// change that leaves them be).
pub async fn touch_pages(db: &impl ConnectionTrait, event_id: i32) -> AppResult<()> {
    touch_pages_where(db, event::Column::Id.eq(event_id)).await
}

/// A seat taken or given back in a session: the pages show the seats left,
/// but who attends is the same, so the kept attendee lists stay (at a
/// morning's peak this happens many times a minute).
pub async fn touch_seat_counts(db: &impl ConnectionTrait, event_id: i32) -> AppResult<()> {
    touch(db, event::Column::Id.eq(event_id), false).await
}

/// The same for the event at this address (a write request's path).
pub async fn touch_pages_by_slug(db: &impl ConnectionTrait, event_slug: &str) -> AppResult<()> {
    touch_pages_where(db, event::Column::Slug.eq(event_slug)).await
}

async fn touch_pages_where(db: &impl ConnectionTrait, which: impl sea_orm::sea_query::IntoCondition) -> AppResult<()> {
    touch(db, which, true).await
}

/// Moves `page_revision` of the events `which` selects, and `people_revision` too when `people`.
async fn touch(db: &impl ConnectionTrait, which: impl sea_orm::sea_query::IntoCondition, people: bool) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    note_local_change();
    let mut update = event::Entity::update_many().col_expr(event::Column::PageRevision, Expr::col(event::Column::PageRevision).add(1));
    if people {
        update = update.col_expr(event::Column::PeopleRevision, Expr::col(event::Column::PeopleRevision).add(1));
    }
    update.filter(which).exec(db).await?;
    Ok(())
}

/// The same for every event that shows this person: those they registered
/// for, help run or speak at (a changed name or profile shows on them).
pub async fn touch_pages_of_person(db: &impl ConnectionTrait, user_id: i32) -> AppResult<()> {
    use crate::db::entities::{registration, session, session_speaker};
    use sea_orm::sea_query::Query;
    let registered = Query::select()
        .column(registration::Column::EventId)
        .from(registration::Entity)
        .and_where(registration::Column::UserId.eq(user_id))
        .to_owned();
    let on_team = Query::select()
        .column(event_member::Column::EventId)
        .from(event_member::Entity)
        .and_where(event_member::Column::UserId.eq(user_id))
        .to_owned();
    let speaking = Query::select()
        .column((session::Entity, session::Column::EventId))
        .from(session::Entity)
        .inner_join(
            session_speaker::Entity,
            sea_orm::sea_query::Expr::col((session_speaker::Entity, session_speaker::Column::SessionId))
                .equals((session::Entity, session::Column::Id)),
        )
        .and_where(sea_orm::sea_query::Expr::col((session_speaker::Entity, session_speaker::Column::UserId)).eq(user_id))
        .to_owned();
    let shown_on = sea_orm::Condition::any()
        .add(event::Column::Id.in_subquery(registered))
        .add(event::Column::Id.in_subquery(on_team))
        .add(event::Column::Id.in_subquery(speaking));
    touch_pages_where(db, shown_on).await
}

/// Who may see an event that is not published: its team and site admins.
pub async fn can_see(db: &DatabaseConnection, event: &event::Model, viewer: Option<&crate::db::entities::user::Model>) -> AppResult<bool> {
    if event.is_published {
        return Ok(true);
    }
    match viewer {
        Some(user) if user.is_site_admin => Ok(true),
        Some(user) => Ok(team_role(db, event.id, user.id).await?.is_some()),
        None => Ok(false),
    }
}

/// The team role that lets this person manage the event: site admins act as
/// organizers everywhere.
pub async fn effective_role(db: &DatabaseConnection, event: &event::Model, user: &crate::db::entities::user::Model) -> AppResult<Option<TeamRole>> {
    if user.is_site_admin {
        return Ok(Some(TeamRole::Organizer));
    }
    team_role(db, event.id, user.id).await
}
