//! Posting in a room, and what hosts and participants do about posts:
//! replies, quotes, edits, hiding, reports, muting and blocking.
//!
//! Every change is a row in `chat_events` written in the same transaction
//! as the change, under a lock on the room, so the events of one room are
//! numbered in the order they committed: a page resuming from the last id
//! it saw misses nothing.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    Set, Statement,
};

use super::hub::ChatHub;
use super::{Phase, Room};
use crate::db::entities::chat_event::RoomEventKind;
use crate::db::entities::chat_message::MessageKind;
use crate::db::entities::{chat_ban, chat_event, chat_message, chat_participant, chat_report, user};
use crate::error::{AppError, AppResult, FieldError};

/// At most this many messages per person in any window of this many seconds.
pub const RATE_MESSAGES: u64 = 5;
pub const RATE_WINDOW_SECONDS: i64 = 10;

/// What a participant writes.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewMessage {
    pub body: String,
    /// `""`: the current topic; `"none"`: no topic; `"2"`: T2.
    pub topic: String,
    pub reply_to: Option<i32>,
    pub quote_of: Option<i32>,
}

/// Starts a room transaction: on PostgreSQL the room's row is locked so its
/// events commit in id order (SQLite has one writer at a time anyway).
pub(super) async fn begin(db: &DatabaseConnection, room_id: i32) -> AppResult<crate::db::Transaction> {
    let txn = crate::db::begin(db).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM chat_occurrences WHERE id = $1 FOR UPDATE",
            [room_id.into()],
        ))
        .await?;
    }
    Ok(txn)
}

/// Records a room event in `txn`; returns its id.
pub(super) async fn record(
    txn: &DatabaseTransaction,
    hub: &ChatHub,
    room_id: i32,
    message_id: i32,
    kind: RoomEventKind,
    at: DateTime<Utc>,
) -> AppResult<i32> {
    let event = chat_event::ActiveModel {
        occurrence_id: Set(room_id),
        message_id: Set(message_id),
        kind: Set(kind),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    hub.notify_on_commit(txn, event.id).await?;
    Ok(event.id)
}

/// Inserts a message and its event in one room transaction. With
/// `rate_limited_author`, the author's posts of the last window are counted
/// inside that transaction (which takes posts to one room one at a time)
/// and after the insert, so parallel posts cannot all read the same count:
/// exactly `RATE_MESSAGES` get through.
pub(super) async fn insert(
    db: &DatabaseConnection,
    hub: &ChatHub,
    room: &Room,
    message: chat_message::ActiveModel,
    at: DateTime<Utc>,
    rate_limited_author: Option<i32>,
) -> AppResult<chat_message::Model> {
    let txn = begin(db, room.id()).await?;
    let saved = message.insert(&txn).await?;
    if let Some(author_id) = rate_limited_author {
        let recent = chat_message::Entity::find()
            .filter(chat_message::Column::OccurrenceId.eq(room.id()))
            .filter(chat_message::Column::AuthorId.eq(author_id))
            .filter(chat_message::Column::CreatedAt.gt(at - Duration::seconds(RATE_WINDOW_SECONDS)))
            .count(&txn)
            .await?;
        if recent > RATE_MESSAGES {
            txn.rollback().await?;
            return Err(AppError::RateLimited { retry_after_secs: RATE_WINDOW_SECONDS as u64 });
        }
    }
    let event_id = record(&txn, hub, room.id(), saved.id, RoomEventKind::Posted, at).await?;
    txn.commit().await?;
    hub.published(db, event_id).await;
    Ok(saved)
}

/// Someone's standing in the room (lurking, muted), if they joined it.
pub async fn participant(db: &DatabaseConnection, room: &Room, user_id: i32) -> AppResult<Option<chat_participant::Model>> {
    Ok(chat_participant::Entity::find()
        .filter(chat_participant::Column::OccurrenceId.eq(room.id()))
        .filter(chat_participant::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

async fn ensure_participant(db: &DatabaseConnection, room: &Room, user_id: i32) -> AppResult<chat_participant::Model> {
    if let Some(found) = participant(db, room, user_id).await? {
        return Ok(found);
    }
    let made = chat_participant::ActiveModel { occurrence_id: Set(room.id()), user_id: Set(user_id), lurking: Set(false), ..Default::default() }
        .insert(db)
        .await;
    match made {
        Ok(made) => Ok(made),
        Err(_) => participant(db, room, user_id).await?.ok_or(AppError::NotFound),
    }
}

pub async fn is_banned(db: &DatabaseConnection, event_id: i32, user_id: i32) -> AppResult<bool> {
    Ok(chat_ban::Entity::find().filter(chat_ban::Column::EventId.eq(event_id)).filter(chat_ban::Column::UserId.eq(user_id)).count(db).await? > 0)
}

/// Why this person may not post in the room now, in words for them.
pub async fn cannot_post(db: &DatabaseConnection, room: &Room, author: &user::Model, at: DateTime<Utc>) -> AppResult<Option<String>> {
    if room.phase(at) != Phase::Open {
        return Ok(Some("The room is not open: posting is possible from shortly before the chat starts until it ends.".into()));
    }
    if is_banned(db, room.event.id, author.id).await? {
        return Ok(Some("The hosts have blocked you from this chat series; you can still read along.".into()));
    }
    if participant(db, room, author.id).await?.is_some_and(|p| p.muted_at.is_some()) {
        return Ok(Some("A host has muted you for this chat; you can still read along.".into()));
    }
    Ok(None)
}

/// A message of this room that is not hidden.
async fn visible_message(db: &DatabaseConnection, room: &Room, id: i32) -> AppResult<chat_message::Model> {
    chat_message::Entity::find_by_id(id).one(db).await?.filter(|m| m.occurrence_id == room.id() && m.hidden_at.is_none()).ok_or(AppError::NotFound)
}

/// Posts a participant's message, reply or quote.
pub async fn post(
    db: &DatabaseConnection,
    hub: &ChatHub,
    room: &Room,
    author: &user::Model,
    input: &NewMessage,
    at: DateTime<Utc>,
) -> AppResult<chat_message::Model> {
    if let Some(reason) = cannot_post(db, room, author, at).await? {
        return Err(AppError::Forbidden(reason));
    }
    let body = input.body.trim();
    let limit = room.event.chat_message_limit.max(1) as usize;
    if body.is_empty() {
        return Err(AppError::Validation(vec![FieldError::new("body", "Write something first.")]));
    }
    let length = body.chars().count();
    if length > limit {
        return Err(AppError::Validation(vec![FieldError::new("body", format!("At most {limit} characters; this is {length}."))]));
    }
    let topic_position = match input.topic.trim() {
        "" => room.current_topic().map(|t| t.position),
        "none" => None,
        number => {
            let position: i32 =
                number.trim_start_matches(['T', 't']).parse().map_err(|_| AppError::Validation(vec![FieldError::new("topic", "Unknown topic.")]))?;
            if !room.topics.iter().any(|t| t.position == position) {
                return Err(AppError::Validation(vec![FieldError::new("topic", "Unknown topic.")]));
            }
            Some(position)
        }
    };
    for id in [input.reply_to, input.quote_of].into_iter().flatten() {
        visible_message(db, room, id).await?;
    }
    ensure_participant(db, room, author.id).await?;
    let message = chat_message::ActiveModel {
        occurrence_id: Set(room.id()),
        author_id: Set(Some(author.id)),
        kind: Set(MessageKind::Message),
        topic_position: Set(topic_position),
        reply_to: Set(input.reply_to),
        quote_of: Set(input.quote_of),
        body: Set(body.to_owned()),
        hidden_reason: Set(String::new()),
        created_at: Set(at),
        ..Default::default()
    };
    insert(db, hub, room, message, at, Some(author.id)).await
}

/// The author corrects their message while the room is open.
pub async fn edit(
    db: &DatabaseConnection,
    hub: &ChatHub,
    room: &Room,
    author: &user::Model,
    id: i32,
    body: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let message = visible_message(db, room, id).await?;
    if message.author_id != Some(author.id) || message.kind != MessageKind::Message {
        return Err(AppError::Forbidden("Only the author edits a message.".into()));
    }
    if let Some(reason) = cannot_post(db, room, author, at).await? {
        return Err(AppError::Forbidden(reason));
    }
    let body = body.trim();
    let limit = room.event.chat_message_limit.max(1) as usize;
    if body.is_empty() || body.chars().count() > limit {
        return Err(AppError::Validation(vec![FieldError::new("body", format!("Between 1 and {limit} characters."))]));
    }
    let txn = begin(db, room.id()).await?;
    chat_message::Entity::update_many()
        .col_expr(chat_message::Column::Body, Expr::value(body))
        .col_expr(chat_message::Column::EditedAt, Expr::value(at))
        .filter(chat_message::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let event_id = record(&txn, hub, room.id(), id, RoomEventKind::Edited, at).await?;
    txn.commit().await?;
    hub.published(db, event_id).await;
    Ok(())
}

/// A host hides a message: it leaves every open page and the transcript;
/// the reason stays for the hosts.
pub async fn hide(
    db: &DatabaseConnection,
    hub: &ChatHub,
    room: &Room,
    host: &user::Model,
    id: i32,
    reason: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let message = visible_message(db, room, id).await?;
    let txn = begin(db, room.id()).await?;
    chat_message::Entity::update_many()
        .col_expr(chat_message::Column::HiddenAt, Expr::value(at))
        .col_expr(chat_message::Column::HiddenBy, Expr::value(host.id))
        .col_expr(chat_message::Column::HiddenReason, Expr::value(reason.trim().chars().take(300).collect::<String>()))
        .filter(chat_message::Column::Id.eq(message.id))
        .exec(&txn)
        .await?;
    let event_id = record(&txn, hub, room.id(), message.id, RoomEventKind::Hidden, at).await?;
    txn.commit().await?;
    hub.published(db, event_id).await;
    Ok(())
}

/// A participant reports a message to the hosts (once per person).
pub async fn report(db: &DatabaseConnection, room: &Room, reporter: &user::Model, id: i32, reason: &str, at: DateTime<Utc>) -> AppResult<()> {
    let message = visible_message(db, room, id).await?;
    let exists = chat_report::Entity::find()
        .filter(chat_report::Column::MessageId.eq(message.id))
        .filter(chat_report::Column::ReporterId.eq(reporter.id))
        .count(db)
        .await?;
    if exists == 0 {
        chat_report::ActiveModel {
            message_id: Set(message.id),
            reporter_id: Set(reporter.id),
            reason: Set(reason.trim().chars().take(300).collect()),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A host mutes someone for this occurrence.
/// Who wrote a message of this room (a host's message has nobody).
pub async fn author_of(db: &DatabaseConnection, room: &Room, message_id: i32) -> AppResult<i32> {
    chat_message::Entity::find_by_id(message_id)
        .one(db)
        .await?
        .filter(|m| m.occurrence_id == room.id())
        .and_then(|m| m.author_id)
        .ok_or(AppError::NotFound)
}

pub async fn mute(db: &DatabaseConnection, room: &Room, host: &user::Model, user_id: i32, at: DateTime<Utc>) -> AppResult<()> {
    let found = ensure_participant(db, room, user_id).await?;
    chat_participant::Entity::update_many()
        .col_expr(chat_participant::Column::MutedAt, Expr::value(at))
        .col_expr(chat_participant::Column::MutedBy, Expr::value(host.id))
        .filter(chat_participant::Column::Id.eq(found.id))
        .exec(db)
        .await?;
    Ok(())
}

/// A host blocks someone from every occurrence of the series.
pub async fn ban(db: &DatabaseConnection, room: &Room, host: &user::Model, user_id: i32, reason: &str, at: DateTime<Utc>) -> AppResult<()> {
    if is_banned(db, room.event.id, user_id).await? {
        return Ok(());
    }
    chat_ban::ActiveModel {
        event_id: Set(room.event.id),
        user_id: Set(user_id),
        banned_by: Set(Some(host.id)),
        reason: Set(reason.trim().chars().take(300).collect()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A participant says they are lurking or joined late (or no longer).
pub async fn set_lurking(db: &DatabaseConnection, room: &Room, user_id: i32, lurking: bool) -> AppResult<()> {
    let found = ensure_participant(db, room, user_id).await?;
    chat_participant::Entity::update_many()
        .col_expr(chat_participant::Column::Lurking, Expr::value(lurking))
        .filter(chat_participant::Column::Id.eq(found.id))
        .exec(db)
        .await?;
    Ok(())
}

/// What hosts see of reports and hidden messages in this room.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModerationItem {
    pub message_id: i32,
    pub text: String,
    pub reports: u64,
    pub hidden: bool,
    pub hidden_reason: String,
}

pub async fn moderation(db: &DatabaseConnection, room: &Room) -> AppResult<Vec<ModerationItem>> {
    let messages = chat_message::Entity::find().filter(chat_message::Column::OccurrenceId.eq(room.id())).all(db).await?;
    let mut items = Vec::new();
    for m in messages {
        let reports = chat_report::Entity::find().filter(chat_report::Column::MessageId.eq(m.id)).count(db).await?;
        if reports > 0 || m.hidden_at.is_some() {
            items.push(ModerationItem { message_id: m.id, text: m.body, reports, hidden: m.hidden_at.is_some(), hidden_reason: m.hidden_reason });
        }
    }
    Ok(items)
}
