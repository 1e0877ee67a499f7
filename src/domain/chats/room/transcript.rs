//! The transcript of an occurrence: what was said, grouped by topic (each
//! topic's answers in time order, replies nested under what they answer,
//! quotes with their source), and its numbers; as JSON, Markdown and CSV.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Timelike, Utc};
use serde::Serialize;

use super::stream::{MessageView, ANONYMOUS};
use super::Room;
use crate::db::entities::chat_message::MessageKind;
use crate::domain::events::zone_of;
use crate::domain::registration::attendees::cell;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChatThread)]
pub struct Thread {
    pub message: MessageView,
    #[schema(no_recursion)]
    pub replies: Vec<Thread>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChatSection)]
pub struct TopicSection {
    /// "T1", or `None` for what was said outside any topic.
    pub label: Option<String>,
    pub title: String,
    pub question: String,
    pub messages: usize,
    pub threads: Vec<Thread>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChatCount)]
pub struct Count {
    pub name: String,
    pub messages: usize,
}

/// One busy minute of a chat.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChatMinuteCount)]
pub struct MinuteCount {
    /// The minute in the event's time zone ("20:41"); pages show it in the
    /// reader's zone from `at`.
    pub name: String,
    /// The minute's start.
    pub at: DateTime<Utc>,
    pub messages: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChatNumbers)]
pub struct Numbers {
    pub participants: usize,
    pub messages: usize,
    pub per_topic: Vec<Count>,
    /// The minutes with most messages.
    pub busiest_minutes: Vec<MinuteCount>,
    /// Who posted most; people with hidden profiles are "a participant".
    pub top_posters: Vec<Count>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChatTranscript)]
pub struct Transcript {
    pub event: String,
    pub slug: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The opening message, when there was one.
    pub opening: Option<String>,
    pub sections: Vec<TopicSection>,
    pub numbers: Numbers,
}

fn threads_of(messages: &[&MessageView], all_ids: &[i32]) -> Vec<Thread> {
    // A reply goes under its parent when the parent is in the same section;
    // a reply to something hidden or elsewhere stands on its own.
    fn build(parent: i32, children: &HashMap<i32, Vec<&MessageView>>) -> Vec<Thread> {
        children
            .get(&parent)
            .map(|list| list.iter().map(|m| Thread { message: (*m).clone(), replies: build(m.id, children) }).collect())
            .unwrap_or_default()
    }
    let here: Vec<i32> = messages.iter().map(|m| m.id).collect();
    let mut children: HashMap<i32, Vec<&MessageView>> = HashMap::new();
    let mut roots = Vec::new();
    for m in messages {
        match m.reply_to.filter(|p| here.contains(p) && all_ids.contains(p)) {
            Some(parent) => children.entry(parent).or_default().push(m),
            None => roots.push(*m),
        }
    }
    roots.into_iter().map(|m| Thread { message: m.clone(), replies: build(m.id, &children) }).collect()
}

fn top(counts: HashMap<String, usize>, n: usize) -> Vec<Count> {
    let mut list: Vec<Count> = counts.into_iter().map(|(name, messages)| Count { name, messages }).collect();
    list.sort_by(|a, b| b.messages.cmp(&a.messages).then(a.name.cmp(&b.name)));
    list.truncate(n);
    list
}

/// Builds the transcript from the room's visible messages; `participants`
/// counts distinct authors (hidden profiles cannot be told apart in views).
pub fn build(room: &Room, messages: &[MessageView], participants: usize) -> Transcript {
    let said: Vec<&MessageView> = messages.iter().filter(|m| m.kind == MessageKind::Message).collect();
    let ids: Vec<i32> = said.iter().map(|m| m.id).collect();
    let mut sections = Vec::new();
    let outside: Vec<&MessageView> = said.iter().copied().filter(|m| m.topic_position.is_none()).collect();
    for topic in &room.topics {
        let answers: Vec<&MessageView> = said.iter().copied().filter(|m| m.topic_position == Some(topic.position)).collect();
        if topic.posted_at.is_none() && answers.is_empty() {
            continue;
        }
        sections.push(TopicSection {
            label: Some(format!("T{}", topic.position)),
            title: topic.title.clone(),
            question: topic.question.clone(),
            messages: answers.len(),
            threads: threads_of(&answers, &ids),
        });
    }
    if !outside.is_empty() {
        sections.push(TopicSection {
            label: None,
            title: "Outside the topics".into(),
            question: String::new(),
            messages: outside.len(),
            threads: threads_of(&outside, &ids),
        });
    }
    let zone = zone_of(&room.event);
    let mut minutes: HashMap<DateTime<Utc>, usize> = HashMap::new();
    let mut posters: HashMap<String, usize> = HashMap::new();
    for m in &said {
        let minute = m.at.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(m.at);
        *minutes.entry(minute).or_default() += 1;
        *posters.entry(m.author.clone()).or_default() += 1;
    }
    let mut busiest: Vec<(DateTime<Utc>, usize)> = minutes.into_iter().collect();
    busiest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    busiest.truncate(3);
    let numbers = Numbers {
        participants,
        messages: said.len(),
        per_topic: sections.iter().map(|s| Count { name: s.label.clone().unwrap_or_else(|| s.title.clone()), messages: s.messages }).collect(),
        busiest_minutes: busiest
            .into_iter()
            .map(|(at, messages)| MinuteCount { name: at.with_timezone(&zone).format("%H:%M").to_string(), at, messages })
            .collect(),
        top_posters: top(posters.into_iter().filter(|(name, _)| name != ANONYMOUS).collect(), 5),
    };
    Transcript {
        event: room.event.title.clone(),
        slug: room.event.slug.clone(),
        starts_at: room.occurrence.starts_at,
        ends_at: room.occurrence.ends_at,
        opening: messages.iter().find(|m| m.kind == MessageKind::Opening).map(|m| m.text.clone()),
        sections,
        numbers,
    }
}

fn markdown_thread(out: &mut String, thread: &Thread, depth: usize, zone: chrono_tz::Tz) {
    let m = &thread.message;
    let indent = "  ".repeat(depth);
    let time = m.at.with_timezone(&zone).format("%H:%M");
    out.push_str(&format!("{indent}- **{}** ({time}): {}\n", m.author, m.text.replace('\n', " ")));
    if let Some(q) = &m.quote {
        out.push_str(&format!("{indent}  > {}: {}\n", q.author, q.text.replace('\n', " ")));
    }
    for reply in &thread.replies {
        markdown_thread(out, reply, depth + 1, zone);
    }
}

pub fn markdown(room: &Room, t: &Transcript) -> String {
    let zone = zone_of(&room.event);
    let mut out = format!("# {} — {}\n\n", t.event, t.starts_at.with_timezone(&zone).format("%A %B %-d, %Y, %H:%M %Z"));
    if let Some(opening) = &t.opening {
        out.push_str(&format!("> {}\n\n", opening.replace('\n', " ")));
    }
    for section in &t.sections {
        match &section.label {
            Some(label) => out.push_str(&format!("## {label}: {}\n\n", section.title)),
            None => out.push_str(&format!("## {}\n\n", section.title)),
        }
        if !section.question.is_empty() {
            out.push_str(&format!("_{}_\n\n", section.question));
        }
        for thread in &section.threads {
            markdown_thread(&mut out, thread, 0, zone);
        }
        out.push('\n');
    }
    let n = &t.numbers;
    out.push_str(&format!("## Numbers\n\n- {} participants, {} messages\n", n.participants, n.messages));
    for c in &n.per_topic {
        out.push_str(&format!("- {}: {} messages\n", c.name, c.messages));
    }
    if !n.busiest_minutes.is_empty() {
        let list: Vec<String> = n.busiest_minutes.iter().map(|c| format!("{} ({})", c.name, c.messages)).collect();
        out.push_str(&format!("- Busiest minutes ({} time): {}\n", crate::domain::times::city(zone), list.join(", ")));
    }
    if !n.top_posters.is_empty() {
        let list: Vec<String> = n.top_posters.iter().map(|c| format!("{} ({})", c.name, c.messages)).collect();
        out.push_str(&format!("- Most messages: {}\n", list.join(", ")));
    }
    out
}

/// One row per message, in time order.
pub fn csv(messages: &[MessageView]) -> String {
    let mut out = String::from("id,time,topic,author,reply_to,quote_of,text\r\n");
    let mut rows: BTreeMap<i32, &MessageView> = BTreeMap::new();
    for m in messages.iter().filter(|m| m.kind == MessageKind::Message) {
        rows.insert(m.id, m);
    }
    for m in rows.values() {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\r\n",
            m.id,
            m.at.to_rfc3339(),
            m.topic.clone().unwrap_or_default(),
            cell(&m.author),
            m.reply_to.map(|r| r.to_string()).unwrap_or_default(),
            m.quote.as_ref().map(|q| q.id.to_string()).unwrap_or_default(),
            cell(&m.text)
        ));
    }
    out
}

/// People who said something (not topics or the opening), hidden messages left out.
pub async fn participant_count(db: &sea_orm::DatabaseConnection, occurrence_id: i32) -> crate::error::AppResult<usize> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let authors: Vec<Option<i32>> = crate::db::entities::chat_message::Entity::find()
        .select_only()
        .column(crate::db::entities::chat_message::Column::AuthorId)
        .distinct()
        .filter(crate::db::entities::chat_message::Column::OccurrenceId.eq(occurrence_id))
        .filter(crate::db::entities::chat_message::Column::Kind.eq(crate::db::entities::chat_message::MessageKind::Message))
        .filter(crate::db::entities::chat_message::Column::HiddenAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(authors.into_iter().flatten().count())
}

/// A past room's line on the series page: participants, messages, and its topics ("T1: …").
pub async fn summary(db: &sea_orm::DatabaseConnection, occurrence_id: i32) -> crate::error::AppResult<(usize, u64, Vec<String>)> {
    use crate::db::entities::{chat_message, chat_topic};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
    let messages = chat_message::Entity::find()
        .filter(chat_message::Column::OccurrenceId.eq(occurrence_id))
        .filter(chat_message::Column::Kind.eq(crate::db::entities::chat_message::MessageKind::Message))
        .filter(chat_message::Column::HiddenAt.is_null())
        .count(db)
        .await?;
    let topics = chat_topic::Entity::find()
        .filter(chat_topic::Column::OccurrenceId.eq(occurrence_id))
        .filter(chat_topic::Column::PostedAt.is_not_null())
        .order_by_asc(chat_topic::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|t| format!("T{}: {}", t.position, t.title))
        .collect();
    Ok((participant_count(db, occurrence_id).await?, messages, topics))
}

/// The room's transcript, from the database.
pub async fn load(db: &sea_orm::DatabaseConnection, room: &Room) -> crate::error::AppResult<(Transcript, Vec<MessageView>)> {
    let messages = super::stream::messages(db, room.id()).await?;
    let participants = participant_count(db, room.id()).await?;
    Ok((build(room, &messages, participants), messages))
}

/// A message found by a search across a series' transcripts.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub room: String,
    pub when: String,
    pub message: MessageView,
}

/// Visible messages of the series' past rooms containing `needle` (case-insensitive), newest rooms first.
pub async fn search(
    db: &sea_orm::DatabaseConnection,
    event: &crate::db::entities::event::Model,
    needle: &str,
    at: DateTime<Utc>,
) -> crate::error::AppResult<Vec<Found>> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let needle = needle.trim().to_lowercase();
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let rooms = super::past_rooms(db, event, at).await?;
    let ids: Vec<i32> = rooms.iter().map(|r| r.id).collect();
    let pattern = format!("%{}%", needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let rows = crate::db::entities::chat_message::Entity::find()
        .filter(crate::db::entities::chat_message::Column::OccurrenceId.is_in(ids))
        .filter(crate::db::entities::chat_message::Column::Kind.eq(crate::db::entities::chat_message::MessageKind::Message))
        .filter(crate::db::entities::chat_message::Column::HiddenAt.is_null())
        .filter(
            Expr::expr(Func::lower(Expr::col(crate::db::entities::chat_message::Column::Body)))
                .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
        )
        .order_by_desc(crate::db::entities::chat_message::Column::Id)
        .limit(200)
        .all(db)
        .await?;
    let zone = zone_of(event);
    let views = super::stream::views(db, &rows).await?;
    Ok(views
        .into_iter()
        .filter_map(|message| {
            let row = rows.iter().find(|r| r.id == message.id)?;
            let room = rooms.iter().find(|r| r.id == row.occurrence_id)?;
            Some(Found {
                room: super::key_of(room.scheduled_start),
                when: room.starts_at.with_timezone(&zone).format("%b %-d, %Y").to_string(),
                message,
            })
        })
        .collect())
}
