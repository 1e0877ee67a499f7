//! Personal agendas: the sessions a registered attendee plans to attend,
//! clashes between them, seats in sessions that have a capacity, and the
//! secret calendar feed that carries the agenda into a calendar app.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, Set};

use crate::db::entities::event::EventKind;
use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::session::SessionStatus;
use crate::db::entities::{agenda_item, event, feed_token, registration, session, user};
use crate::domain::events::note_local_change;
use crate::domain::now;
use crate::domain::schedule::kept::KeptSchedules;
use crate::domain::schedule::{ScheduledSession, Scope};
use crate::domain::secrets::{hash_token, random_token};
use crate::error::{AppError, AppResult};

/// What adding a session did, with any sessions it overlaps in the agenda.
#[derive(Debug, Clone)]
pub struct Added {
    pub session: session::Model,
    pub clashes: Vec<session::Model>,
    /// False when it was already in the agenda.
    pub newly_added: bool,
}

fn overlaps(a: &session::Model, b: &session::Model) -> bool {
    a.id != b.id && a.starts_at < b.ends_at && b.starts_at < a.ends_at
}

async fn agenda_sessions(db: &impl ConnectionTrait, user_id: i32) -> AppResult<Vec<session::Model>> {
    let ids: Vec<i32> =
        agenda_item::Entity::find().filter(agenda_item::Column::UserId.eq(user_id)).all(db).await?.into_iter().map(|i| i.session_id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(session::Entity::find().filter(session::Column::Id.is_in(ids)).all(db).await?)
}

/// Adds a published session of an event the person is registered for. A
/// session with a capacity takes a seat in the same transaction, by a
/// conditional UPDATE, or refuses when full.
/// Adds a session of any published event, found by its id alone (the API's
/// agenda is one list over all events).
pub async fn add_by_session_id(db: &DatabaseConnection, attendee: &user::Model, session_id: i32) -> AppResult<Added> {
    let found = session::Entity::find_by_id(session_id).one(db).await?.ok_or(AppError::NotFound)?;
    let event = crate::domain::events::find_by_id(db, found.event_id).await?.filter(|e| e.is_published).ok_or(AppError::NotFound)?;
    add(db, attendee, &event, session_id).await
}

pub async fn add(db: &DatabaseConnection, attendee: &user::Model, event: &event::Model, session_id: i32) -> AppResult<Added> {
    let found = session::Entity::find_by_id(session_id).filter(session::Column::EventId.eq(event.id)).one(db).await?.ok_or(AppError::NotFound)?;
    if found.status != SessionStatus::Published {
        return Err(AppError::Conflict("This session is not on the schedule.".into()));
    }
    let registered = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event.id))
        .filter(registration::Column::UserId.eq(attendee.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed))
        .one(db)
        .await?;
    if registered.is_none() {
        return Err(AppError::Forbidden(format!("Register for {} to build your agenda.", event.title)));
    }
    let already = agenda_item::Entity::find()
        .filter(agenda_item::Column::UserId.eq(attendee.id))
        .filter(agenda_item::Column::SessionId.eq(found.id))
        .one(db)
        .await?;
    let newly_added = already.is_none() && take_seat_and_add(db, attendee, &found).await?;
    if newly_added {
        note_local_change();
    }
    let clashes = agenda_sessions(db, attendee.id)
        .await?
        .into_iter()
        .filter(|other| overlaps(&found, other) && other.status != SessionStatus::Cancelled)
        .collect();
    Ok(Added { session: found, clashes, newly_added })
}

/// In one transaction: a seat (when the session has a capacity) and the
/// agenda row. False when a concurrent request of the same person added it
/// first (the unique index says so; the seat is given back by the rollback).
async fn take_seat_and_add(db: &DatabaseConnection, attendee: &user::Model, found: &session::Model) -> AppResult<bool> {
    let txn = crate::db::begin(db).await?;
    if found.capacity.is_some() {
        let seat = session::Entity::update_many()
            .col_expr(session::Column::SeatsTaken, Expr::col(session::Column::SeatsTaken).add(1))
            .filter(session::Column::Id.eq(found.id))
            .filter(Expr::col(session::Column::SeatsTaken).lt(Expr::col(session::Column::Capacity)))
            .exec(&txn)
            .await?;
        if seat.rows_affected == 0 {
            return Err(AppError::Conflict(format!("“{}” is full.", found.title)));
        }
        // Public pages show the seats left.
        crate::domain::events::touch_seat_counts(&txn, found.event_id).await?;
    }
    let inserted = agenda_item::ActiveModel { user_id: Set(attendee.id), session_id: Set(found.id), created_at: Set(now()), ..Default::default() }
        .insert(&txn)
        .await;
    match inserted.map_err(AppError::from) {
        Ok(_) => {
            txn.commit().await?;
            Ok(true)
        }
        Err(AppError::Conflict(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// As `remove`, for a session of `event` only (the page's address names
/// the event; another event's session there is not found).
pub async fn remove_from_event(db: &DatabaseConnection, attendee: &user::Model, event: &event::Model, session_id: i32) -> AppResult<bool> {
    session::Entity::find_by_id(session_id).filter(session::Column::EventId.eq(event.id)).one(db).await?.ok_or(AppError::NotFound)?;
    remove(db, attendee, session_id).await
}

/// Removes a session from the agenda, giving back its seat.
pub async fn remove(db: &DatabaseConnection, attendee: &user::Model, session_id: i32) -> AppResult<bool> {
    let txn = crate::db::begin(db).await?;
    let removed = agenda_item::Entity::delete_many()
        .filter(agenda_item::Column::UserId.eq(attendee.id))
        .filter(agenda_item::Column::SessionId.eq(session_id))
        .exec(&txn)
        .await?;
    if removed.rows_affected > 0 {
        let freed = session::Entity::update_many()
            .col_expr(session::Column::SeatsTaken, Expr::col(session::Column::SeatsTaken).sub(1))
            .filter(session::Column::Id.eq(session_id))
            .filter(session::Column::Capacity.is_not_null())
            .filter(session::Column::SeatsTaken.gt(0))
            .exec(&txn)
            .await?;
        if freed.rows_affected > 0 {
            if let Some(seated) = session::Entity::find_by_id(session_id).one(&txn).await? {
                crate::domain::events::touch_seat_counts(&txn, seated.event_id).await?;
            }
        }
    }
    txn.commit().await?;
    note_local_change();
    Ok(removed.rows_affected > 0)
}

/// Empties a person's agenda for one event (their registration ended),
/// giving back the workshop seats it held. Runs in the caller's transaction.
pub async fn release_event_agenda(txn: &impl ConnectionTrait, user_id: i32, event_id: i32) -> AppResult<()> {
    let sessions: Vec<i32> =
        session::Entity::find().filter(session::Column::EventId.eq(event_id)).all(txn).await?.into_iter().map(|s| s.id).collect();
    let held: Vec<i32> = agenda_item::Entity::find()
        .filter(agenda_item::Column::UserId.eq(user_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|i| i.session_id)
        .filter(|id| sessions.contains(id))
        .collect();
    if held.is_empty() {
        return Ok(());
    }
    agenda_item::Entity::delete_many()
        .filter(agenda_item::Column::UserId.eq(user_id))
        .filter(agenda_item::Column::SessionId.is_in(held.clone()))
        .exec(txn)
        .await?;
    session::Entity::update_many()
        .col_expr(session::Column::SeatsTaken, Expr::col(session::Column::SeatsTaken).sub(1))
        .filter(session::Column::Id.is_in(held))
        .filter(session::Column::Capacity.is_not_null())
        .filter(session::Column::SeatsTaken.gt(0))
        .exec(txn)
        .await?;
    note_local_change();
    Ok(())
}

/// One session of a person's agenda, with its event and its clashes.
#[derive(Debug, Clone)]
pub struct AgendaEntry {
    pub event: event::Model,
    pub session: ScheduledSession,
    pub clashes_with: Vec<String>,
}

/// The person's agenda across events, in time order; cancelled sessions
/// stay (flagged) so that calendars remove them.
pub async fn entries(db: &DatabaseConnection, schedules: &KeptSchedules, user_id: i32) -> AppResult<Vec<AgendaEntry>> {
    let sessions = agenda_sessions(db, user_id).await?;
    let mut event_ids: Vec<i32> = sessions.iter().map(|s| s.event_id).collect();
    event_ids.sort_unstable();
    event_ids.dedup();
    let mut entries = Vec::new();
    for event_id in event_ids {
        let Some(found) = event::Entity::find_by_id(event_id).one(db).await? else { continue };
        let mine: Vec<i32> = sessions.iter().filter(|s| s.event_id == event_id).map(|s| s.id).collect();
        let loaded = schedules.load(db, &found, Scope::PublishedAndCancelled).await?;
        for s in loaded.sessions.iter().filter(|s| mine.contains(&s.session.id)) {
            entries.push(AgendaEntry { event: found.clone(), session: s.clone(), clashes_with: Vec::new() });
        }
    }
    entries.sort_by_key(|e| (e.session.session.starts_at, e.session.session.id));
    let live: Vec<session::Model> = entries.iter().map(|e| e.session.session.clone()).filter(|s| s.status != SessionStatus::Cancelled).collect();
    for entry in &mut entries {
        if entry.session.session.status == SessionStatus::Cancelled {
            continue;
        }
        entry.clashes_with = live.iter().filter(|other| overlaps(&entry.session.session, other)).map(|other| other.title.clone()).collect();
    }
    Ok(entries)
}

pub async fn session_ids(db: &DatabaseConnection, user_id: i32) -> AppResult<Vec<i32>> {
    Ok(agenda_item::Entity::find().filter(agenda_item::Column::UserId.eq(user_id)).all(db).await?.into_iter().map(|i| i.session_id).collect())
}

/// When the person's calendar feed address was made, if they have one.
/// The address itself is shown only when it is made: only its hash is kept.
pub async fn feed_made_at(db: &DatabaseConnection, user_id: i32) -> AppResult<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(feed_token::Entity::find().filter(feed_token::Column::UserId.eq(user_id)).one(db).await?.map(|f| f.created_at))
}

/// Makes the person's feed address (replacing any earlier one, which stops
/// working at once) and returns its token: the only copy.
pub async fn make_feed_token(db: &DatabaseConnection, user_id: i32) -> AppResult<String> {
    let token = random_token(24);
    let txn = crate::db::begin(db).await?;
    feed_token::Entity::delete_many().filter(feed_token::Column::UserId.eq(user_id)).exec(&txn).await?;
    feed_token::ActiveModel { user_id: Set(user_id), token_hash: Set(hash_token(&token)), created_at: Set(now()), ..Default::default() }
        .insert(&txn)
        .await?;
    txn.commit().await?;
    note_local_change();
    Ok(token)
}

/// Whose feed this token opens.
pub async fn feed_owner(db: &DatabaseConnection, token: &str) -> AppResult<Option<user::Model>> {
    if token.len() > 100 {
        return Ok(None);
    }
    let Some(found) = feed_token::Entity::find().filter(feed_token::Column::TokenHash.eq(hash_token(token))).one(db).await? else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(found.user_id).one(db).await?)
}

/// Online chats the person is registered for: their series go in the feed too.
pub async fn registered_chats(db: &DatabaseConnection, user_id: i32) -> AppResult<Vec<event::Model>> {
    let regs = registration::Entity::find()
        .filter(registration::Column::UserId.eq(user_id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed))
        .all(db)
        .await?;
    let mut chats = Vec::new();
    for r in regs {
        if let Some(found) = event::Entity::find_by_id(r.event_id).one(db).await? {
            if found.kind == EventKind::OnlineChat && found.is_published {
                chats.push(found);
            }
        }
    }
    Ok(chats)
}

/// What a personal feed is made from, read in a few small queries: whose it
/// is (their name titles it), the sessions in their agenda, and the
/// version of every event it draws on (its sessions' and the chats they
/// are registered for). A feed whose inputs are unchanged is the same
/// file, so it is rendered again only when they change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedInputs {
    pub owner_id: i32,
    pub owner_name: String,
    pub sessions: Vec<i32>,
    /// (event id, schedule revision, page revision, updated at): chat
    /// topics move the page revision, sessions the schedule revision.
    pub events: Vec<(i32, i32, i32, i64)>,
}

/// The feed's owner and inputs, `None` for an unknown (or replaced) token.
pub async fn feed_inputs(db: &DatabaseConnection, token: &str) -> AppResult<Option<(user::Model, FeedInputs)>> {
    let Some(owner) = feed_owner(db, token).await? else { return Ok(None) };
    let sessions = agenda_sessions(db, owner.id).await?;
    let mut event_ids: Vec<i32> = sessions.iter().map(|s| s.event_id).collect();
    let registered = registration::Entity::find()
        .filter(registration::Column::UserId.eq(owner.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed))
        .all(db)
        .await?;
    event_ids.extend(registered.iter().map(|r| r.event_id));
    event_ids.sort_unstable();
    event_ids.dedup();
    let events = if event_ids.is_empty() { Vec::new() } else { event::Entity::find().filter(event::Column::Id.is_in(event_ids)).all(db).await? };
    let mut session_ids: Vec<i32> = sessions.iter().map(|s| s.id).collect();
    session_ids.sort_unstable();
    let mut versions: Vec<(i32, i32, i32, i64)> =
        events.iter().map(|e| (e.id, e.revision, e.page_revision, e.updated_at.timestamp_micros())).collect();
    versions.sort_unstable();
    let inputs = FeedInputs { owner_id: owner.id, owner_name: owner.display_name.clone(), sessions: session_ids, events: versions };
    Ok(Some((owner, inputs)))
}

/// The personal feed, rendered.
pub async fn render_feed(db: &DatabaseConnection, schedules: &KeptSchedules, owner: &user::Model, base_url: &str) -> AppResult<String> {
    let entries = entries(db, schedules, owner.id).await?;
    let sessions: Vec<(&event::Model, &ScheduledSession)> = entries.iter().map(|e| (&e.event, &e.session)).collect();
    let chat_events = registered_chats(db, owner.id).await?;
    let mut chats = Vec::new();
    for chat in &chat_events {
        chats.push((chat, crate::domain::chats::occurrences(db, chat).await?));
    }
    Ok(crate::domain::schedule::calendar::feed_calendar(&format!("{} · Tribe agenda", owner.display_name), &sessions, &chats, base_url))
}
