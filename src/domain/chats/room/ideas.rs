//! "Topic ideas for this week? Send 'em in!": before an occurrence,
//! attendees suggest topics and upvote each other's; a host turns chosen
//! ideas into that occurrence's next T-number, crediting the suggester.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use super::Room;
use crate::db::entities::{chat_idea, chat_idea_vote, chat_topic, user};
use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, Clone, Serialize)]
pub struct IdeaView {
    pub id: i32,
    pub text: String,
    pub by: String,
    pub votes: u64,
    pub voted: bool,
    pub used: bool,
}

pub async fn list(db: &DatabaseConnection, room: &Room, viewer: Option<&user::Model>) -> AppResult<Vec<IdeaView>> {
    let ideas = chat_idea::Entity::find()
        .filter(chat_idea::Column::EventId.eq(room.event.id))
        .filter(chat_idea::Column::ScheduledStart.eq(room.occurrence.scheduled_start))
        .order_by_asc(chat_idea::Column::Id)
        .all(db)
        .await?;
    let names = super::stream::authors(db, &ideas.iter().map(|i| i.user_id).collect::<Vec<_>>()).await?;
    let mut views = Vec::with_capacity(ideas.len());
    for idea in ideas {
        let votes = chat_idea_vote::Entity::find().filter(chat_idea_vote::Column::IdeaId.eq(idea.id)).all(db).await?;
        views.push(IdeaView {
            id: idea.id,
            by: names.get(&idea.user_id).map(|(n, _)| n.clone()).unwrap_or_else(|| super::stream::ANONYMOUS.into()),
            votes: votes.len() as u64,
            voted: viewer.is_some_and(|v| votes.iter().any(|vote| vote.user_id == v.id)),
            used: idea.used_at.is_some(),
            text: idea.text,
        });
    }
    views.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.id.cmp(&b.id)));
    Ok(views)
}

fn open_for_ideas(room: &Room, at: DateTime<Utc>) -> AppResult<()> {
    if at >= room.occurrence.starts_at {
        return Err(AppError::Conflict("This chat has started; send ideas for next week's.".into()));
    }
    Ok(())
}

pub async fn suggest(db: &DatabaseConnection, room: &Room, author: &user::Model, text: &str, at: DateTime<Utc>) -> AppResult<()> {
    open_for_ideas(room, at)?;
    if super::messages::is_banned(db, room.event.id, author.id).await? {
        return Err(AppError::Forbidden("The hosts have blocked you from this chat series.".into()));
    }
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 200 {
        return Err(AppError::Validation(vec![FieldError::new("idea", "An idea is 1 to 200 characters.")]));
    }
    // Three ideas a person a week keeps the list readable.
    let mine = chat_idea::Entity::find()
        .filter(chat_idea::Column::EventId.eq(room.event.id))
        .filter(chat_idea::Column::ScheduledStart.eq(room.occurrence.scheduled_start))
        .filter(chat_idea::Column::UserId.eq(author.id))
        .count(db)
        .await?;
    if mine >= 3 {
        return Err(AppError::Validation(vec![FieldError::new("idea", "Three ideas per person per chat; vote for others' too.")]));
    }
    chat_idea::ActiveModel {
        event_id: Set(room.event.id),
        scheduled_start: Set(room.occurrence.scheduled_start),
        user_id: Set(author.id),
        text: Set(text.to_owned()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn idea_of(db: &DatabaseConnection, room: &Room, id: i32) -> AppResult<chat_idea::Model> {
    chat_idea::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|i| i.event_id == room.event.id && i.scheduled_start == room.occurrence.scheduled_start)
        .ok_or(AppError::NotFound)
}

/// Votes for an idea, or takes the vote back.
pub async fn toggle_vote(db: &DatabaseConnection, room: &Room, voter: &user::Model, id: i32) -> AppResult<()> {
    let idea = idea_of(db, room, id).await?;
    let existing = chat_idea_vote::Entity::find()
        .filter(chat_idea_vote::Column::IdeaId.eq(idea.id))
        .filter(chat_idea_vote::Column::UserId.eq(voter.id))
        .one(db)
        .await?;
    match existing {
        Some(vote) => {
            chat_idea_vote::Entity::delete_by_id(vote.id).exec(db).await?;
        }
        None => {
            // A double click that loses the race to its twin is the same vote.
            let _ = chat_idea_vote::ActiveModel { idea_id: Set(idea.id), user_id: Set(voter.id), ..Default::default() }.insert(db).await;
        }
    }
    Ok(())
}

/// A host makes an idea the occurrence's next topic, credited to its author,
/// ten minutes after the last one (or five minutes in).
pub async fn use_as_topic(db: &DatabaseConnection, room: &Room, id: i32, at: DateTime<Utc>) -> AppResult<()> {
    let idea = idea_of(db, room, id).await?;
    if idea.used_at.is_some() {
        return Ok(());
    }
    if room.topics.len() >= 12 {
        return Err(AppError::Conflict("At most 12 topics per chat.".into()));
    }
    let position = room.topics.iter().map(|t| t.position).max().unwrap_or(0) + 1;
    let offset = room.topics.iter().map(|t| t.offset_minutes).max().map_or(5, |o| o + 10);
    let length = (room.occurrence.ends_at - room.occurrence.starts_at).num_minutes() as i32;
    chat_topic::ActiveModel {
        occurrence_id: Set(room.id()),
        position: Set(position),
        title: Set(idea.text.clone()),
        question: Set(String::new()),
        offset_minutes: Set(offset.min((length - 5).max(0))),
        credit_user_id: Set(Some(idea.user_id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    chat_idea::Entity::update_many().col_expr(chat_idea::Column::UsedAt, Expr::value(at)).filter(chat_idea::Column::Id.eq(idea.id)).exec(db).await?;
    Ok(())
}
