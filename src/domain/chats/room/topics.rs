//! Topics going out in the room: the opening message at the start, then
//! T1..Tn at their offsets (or when a host presses "post next topic").
//! Each goes out once however many instances try: the first conditional
//! update wins.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::hub::ChatHub;
use super::{messages, Phase, Room};
use crate::db::entities::chat_message::MessageKind;
use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::event::EventKind;
use crate::db::entities::{chat_message, chat_occurrence, chat_topic, event};
use crate::domain::chats;
use crate::error::{AppError, AppResult};

fn topic_text(topic: &chat_topic::Model) -> String {
    let mut text = format!("T{}: {}", topic.position, topic.title);
    if !topic.question.is_empty() {
        text.push_str(&format!(" — {}", topic.question));
    }
    text
}

async fn post_topic(
    db: &DatabaseConnection,
    hub: &ChatHub,
    room: &Room,
    topic: &chat_topic::Model,
    host: Option<i32>,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let claimed = chat_topic::Entity::update_many()
        .col_expr(chat_topic::Column::PostedAt, Expr::value(at))
        .filter(chat_topic::Column::Id.eq(topic.id))
        .filter(chat_topic::Column::PostedAt.is_null())
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(false);
    }
    let credit = match topic.credit_user_id {
        Some(id) => super::stream::authors(db, &[id]).await?.remove(&id).map(|(name, _)| format!(" (idea from {name})")).unwrap_or_default(),
        None => String::new(),
    };
    let message = chat_message::ActiveModel {
        occurrence_id: Set(room.id()),
        author_id: Set(host),
        kind: Set(MessageKind::Topic),
        topic_position: Set(Some(topic.position)),
        body: Set(format!("{}{credit}", topic_text(topic))),
        hidden_reason: Set(String::new()),
        created_at: Set(at),
        ..Default::default()
    };
    messages::insert(db, hub, room, message, at, None).await?;
    Ok(true)
}

/// A host posts the next topic now.
pub async fn post_next(db: &DatabaseConnection, hub: &ChatHub, room: &Room, host: i32, at: DateTime<Utc>) -> AppResult<()> {
    if room.phase(at) != Phase::Open {
        return Err(AppError::Conflict("The room is not open.".into()));
    }
    let Some(next) = room.topics.iter().filter(|t| t.posted_at.is_none()).min_by_key(|t| t.position) else {
        return Err(AppError::Conflict("Every topic is out already.".into()));
    };
    post_topic(db, hub, room, next, Some(host), at).await?;
    Ok(())
}

/// What is due in one room at `at`: the opening message from the start,
/// each topic from its offset.
pub async fn post_due_in(db: &DatabaseConnection, hub: &ChatHub, room: &Room, at: DateTime<Utc>) -> AppResult<usize> {
    let start = room.occurrence.starts_at;
    if at < start || at >= room.occurrence.ends_at {
        return Ok(0);
    }
    let mut posted = 0;
    if room.occurrence.opening_posted_at.is_none() && !room.event.chat_opening_message.trim().is_empty() {
        let claimed = chat_occurrence::Entity::update_many()
            .col_expr(chat_occurrence::Column::OpeningPostedAt, Expr::value(at))
            .filter(chat_occurrence::Column::Id.eq(room.id()))
            .filter(chat_occurrence::Column::OpeningPostedAt.is_null())
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            let message = chat_message::ActiveModel {
                occurrence_id: Set(room.id()),
                kind: Set(MessageKind::Opening),
                body: Set(room.event.chat_opening_message.trim().to_owned()),
                hidden_reason: Set(String::new()),
                created_at: Set(at),
                ..Default::default()
            };
            messages::insert(db, hub, room, message, at, None).await?;
            posted += 1;
        }
    }
    let mut due: Vec<&chat_topic::Model> =
        room.topics.iter().filter(|t| t.posted_at.is_none() && start + Duration::minutes(i64::from(t.offset_minutes)) <= at).collect();
    due.sort_by_key(|t| t.position);
    for topic in due {
        if post_topic(db, hub, room, topic, None, at).await? {
            posted += 1;
        }
    }
    if posted > 0 {
        // The transcript and the series page show what was posted.
        crate::domain::events::touch_pages(db, room.event.id).await?;
    }
    Ok(posted)
}

/// Every live room's due posts (the background loop; `at` is the clock).
pub async fn post_due(db: &DatabaseConnection, hub: &ChatHub, at: DateTime<Utc>) -> AppResult<usize> {
    let chats = event::Entity::find().filter(event::Column::Kind.eq(EventKind::OnlineChat)).all(db).await?;
    let mut posted = 0;
    for chat in chats {
        for occurrence in chats::occurrences(db, &chat).await? {
            if occurrence.status == OccurrenceStatus::Skipped || occurrence.starts_at > at || occurrence.ends_at <= at {
                continue;
            }
            let room = super::find(db, &chat, &super::key_of(occurrence.scheduled_start)).await?;
            posted += post_due_in(db, hub, &room, at).await?;
        }
    }
    Ok(posted)
}
