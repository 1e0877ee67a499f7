//! What pages receive: messages as views (author shown as their profile
//! allows, text escaped and auto-linked), and the room's events after a
//! given id, for a page that (re)connects.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use serde_json::json;

use crate::db::entities::chat_event::RoomEventKind;
use crate::db::entities::chat_message::MessageKind;
use crate::db::entities::profile::Visibility;
use crate::db::entities::{chat_event, chat_message, chat_participant, profile, user};
use crate::error::AppResult;

/// One room event as every page receives it.
#[derive(Debug, Clone)]
pub struct RoomEvent {
    pub id: i32,
    pub occurrence_id: i32,
    /// The SSE event name: `message`, `hidden` or `edited`.
    pub kind: String,
    /// The JSON the page renders (one line).
    pub data: String,
    /// The whole Server-Sent Events frame, made once and shared by every
    /// subscriber (a thousand open pages write the same bytes).
    pub frame: Arc<[u8]>,
}

impl RoomEvent {
    pub fn new(id: i32, occurrence_id: i32, kind: String, data: String) -> RoomEvent {
        let frame: Arc<[u8]> = sse_frame(Some(id), &kind, &data).into_bytes().into();
        RoomEvent { id, occurrence_id, kind, data, frame }
    }
}

/// One Server-Sent Events frame; `data` must be a single line (JSON is).
pub fn sse_frame(id: Option<i32>, kind: &str, data: &str) -> String {
    let id = id.map(|id| format!("id: {id}\n")).unwrap_or_default();
    format!("{id}event: {kind}\ndata: {data}\n\n")
}

/// How people whose profile is hidden appear in rooms and transcripts.
pub const ANONYMOUS: &str = "a participant";

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChatQuote)]
pub struct QuoteView {
    pub id: i32,
    pub author: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChatMessage)]
pub struct MessageView {
    pub id: i32,
    pub kind: MessageKind,
    pub author: String,
    /// Only for people whose profile is not hidden.
    pub author_id: Option<i32>,
    /// The author marked themselves "lurking / joined late".
    pub lurking: bool,
    /// "T1", ...
    pub topic: Option<String>,
    pub topic_position: Option<i32>,
    pub reply_to: Option<i32>,
    pub quote: Option<QuoteView>,
    pub text: String,
    /// The text escaped, with links made clickable.
    pub html: String,
    pub at: DateTime<Utc>,
    /// "20:41 UTC": pages show the reader's own clock when they can.
    pub clock: String,
    pub edited: bool,
}

/// Plain text as HTML: everything escaped, `http(s)://` links made links.
pub fn text_html(text: &str) -> String {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;");
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min() {
        out.push_str(&escape(&rest[..start]));
        let after = &rest[start..];
        let end = after.find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"').unwrap_or(after.len());
        // Trailing punctuation belongs to the sentence, not the link.
        let link = after[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
        if link.len() > "https://".len() {
            out.push_str(&format!(r#"<a href="{0}" rel="nofollow noopener ugc">{0}</a>"#, escape(link)));
        } else {
            out.push_str(&escape(link));
        }
        rest = &after[link.len()..];
    }
    out.push_str(&escape(rest));
    out
}

/// People as rooms show them: name, or "a participant" for a hidden profile.
pub async fn authors(db: &DatabaseConnection, user_ids: &[i32]) -> AppResult<HashMap<i32, (String, bool)>> {
    let mut ids = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        let users = user::Entity::find().filter(user::Column::Id.is_in(chunk.to_vec())).all(db).await?;
        let hidden: HashMap<i32, bool> = profile::Entity::find()
            .filter(profile::Column::UserId.is_in(chunk.to_vec()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.user_id, p.visibility == Visibility::Hidden))
            .collect();
        for u in users {
            // No profile yet: the default (attendees only) shows the name in rooms.
            let is_hidden = hidden.get(&u.id).copied().unwrap_or(false);
            found.insert(u.id, (if is_hidden { ANONYMOUS.to_owned() } else { u.display_name }, is_hidden));
        }
    }
    Ok(found)
}

/// Views of these messages (hidden ones left out), in the given order.
pub async fn views(db: &DatabaseConnection, messages: &[chat_message::Model]) -> AppResult<Vec<MessageView>> {
    let quoted_ids: Vec<i32> = messages.iter().filter_map(|m| m.quote_of).collect();
    let quoted: HashMap<i32, chat_message::Model> = if quoted_ids.is_empty() {
        HashMap::new()
    } else {
        chat_message::Entity::find().filter(chat_message::Column::Id.is_in(quoted_ids)).all(db).await?.into_iter().map(|m| (m.id, m)).collect()
    };
    let mut people: Vec<i32> = messages.iter().filter_map(|m| m.author_id).collect();
    people.extend(quoted.values().filter_map(|m| m.author_id));
    let names = authors(db, &people).await?;
    let occurrence_ids: Vec<i32> = messages.iter().map(|m| m.occurrence_id).collect();
    let lurking: Vec<(i32, i32)> = if people.is_empty() {
        Vec::new()
    } else {
        chat_participant::Entity::find()
            .filter(chat_participant::Column::OccurrenceId.is_in(occurrence_ids))
            .filter(chat_participant::Column::Lurking.eq(true))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.occurrence_id, p.user_id))
            .collect()
    };
    let name_of = |id: Option<i32>, kind: MessageKind| match id.and_then(|id| names.get(&id)) {
        Some((name, _)) => name.clone(),
        None if kind == MessageKind::Message => ANONYMOUS.to_owned(),
        None => "Host".to_owned(),
    };
    Ok(messages
        .iter()
        .filter(|m| m.hidden_at.is_none())
        .map(|m| MessageView {
            id: m.id,
            kind: m.kind,
            author: name_of(m.author_id, m.kind),
            author_id: m.author_id.filter(|id| names.get(id).is_some_and(|(_, hidden)| !hidden)),
            lurking: m.author_id.is_some_and(|a| lurking.contains(&(m.occurrence_id, a))),
            topic: m.topic_position.map(|p| format!("T{p}")),
            topic_position: m.topic_position,
            reply_to: m.reply_to,
            quote: m.quote_of.and_then(|q| quoted.get(&q)).map(|q| QuoteView {
                id: q.id,
                author: name_of(q.author_id, q.kind),
                text: if q.hidden_at.is_some() { "(a hidden message)".into() } else { q.body.clone() },
            }),
            html: text_html(&m.body),
            text: m.body.clone(),
            at: m.created_at,
            clock: m.created_at.format("%H:%M UTC").to_string(),
            edited: m.edited_at.is_some(),
        })
        .collect())
}

/// One stored room event, as pages receive it.
pub async fn render_event(db: &DatabaseConnection, event_id: i32) -> AppResult<Option<RoomEvent>> {
    let Some(event) = chat_event::Entity::find_by_id(event_id).one(db).await? else { return Ok(None) };
    Ok(render_events(db, &[event]).await?.pop())
}

/// Room events as pages receive them, with the messages' views made in one go.
async fn render_events(db: &DatabaseConnection, events: &[chat_event::Model]) -> AppResult<Vec<RoomEvent>> {
    let ids: Vec<i32> = events.iter().map(|e| e.message_id).collect();
    let messages: Vec<chat_message::Model> = chat_message::Entity::find().filter(chat_message::Column::Id.is_in(ids)).all(db).await?;
    let visible: HashMap<i32, MessageView> = views(db, &messages).await?.into_iter().map(|v| (v.id, v)).collect();
    let hidden: Vec<i32> = messages.iter().filter(|m| m.hidden_at.is_some()).map(|m| m.id).collect();
    Ok(events
        .iter()
        .filter_map(|event| {
            // A message hidden since is gone from every page: only its id travels.
            let (kind, data) = if event.kind == RoomEventKind::Hidden || hidden.contains(&event.message_id) {
                ("hidden".to_owned(), json!({"id": event.message_id}))
            } else {
                (
                    if event.kind == RoomEventKind::Posted { "message".to_owned() } else { event.kind.to_string() },
                    json!(visible.get(&event.message_id)?),
                )
            };
            Some(RoomEvent::new(event.id, event.occurrence_id, kind, data.to_string()))
        })
        .collect())
}

/// The room's events after `after` (all of them from 0), oldest first. A
/// message hidden since is sent as hidden, never with its text.
pub async fn since(db: &DatabaseConnection, occurrence_id: i32, after: i32, limit: u64) -> AppResult<Vec<RoomEvent>> {
    let events = chat_event::Entity::find()
        .filter(chat_event::Column::OccurrenceId.eq(occurrence_id))
        .filter(chat_event::Column::Id.gt(after))
        .order_by_asc(chat_event::Column::Id)
        // SQLite takes a signed limit.
        .limit(limit.min(i64::MAX as u64))
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(events.len());
    for batch in events.chunks(500) {
        out.extend(render_events(db, batch).await?);
    }
    Ok(out)
}

/// The newest event id of a room, or of every room with `None` (0 when
/// nothing happened yet): where a page's stream starts, what a new SQLite
/// hub has already seen.
pub async fn newest_event_id(db: &DatabaseConnection, occurrence_id: Option<i32>) -> AppResult<i32> {
    let mut query = chat_event::Entity::find().select_only().column(chat_event::Column::Id);
    if let Some(room) = occurrence_id {
        query = query.filter(chat_event::Column::OccurrenceId.eq(room));
    }
    Ok(query.order_by_desc(chat_event::Column::Id).limit(1).into_tuple::<i32>().one(db).await?.unwrap_or(0))
}

/// Ids of every room's events after `after` (a listener catching up).
pub async fn event_ids_after(db: &DatabaseConnection, after: i32) -> AppResult<Vec<i32>> {
    Ok(chat_event::Entity::find()
        .select_only()
        .column(chat_event::Column::Id)
        .filter(chat_event::Column::Id.gt(after))
        .order_by_asc(chat_event::Column::Id)
        .into_tuple::<i32>()
        .all(db)
        .await?)
}

/// The room's visible messages, oldest first (the page without JavaScript, the transcript).
pub async fn messages(db: &DatabaseConnection, occurrence_id: i32) -> AppResult<Vec<MessageView>> {
    let rows = chat_message::Entity::find()
        .filter(chat_message::Column::OccurrenceId.eq(occurrence_id))
        .filter(chat_message::Column::HiddenAt.is_null())
        .order_by_asc(chat_message::Column::Id)
        .all(db)
        .await?;
    views(db, &rows).await
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Whatever people type, the only markup that comes out is our own
        /// links, and the text reads back the same once unescaped.
        #[test]
        fn only_our_links_are_markup(text in "(.|<script>|https://a.example/x?y=1&z=\"|javascript:|<a href=x>){0,40}") {
            let html = text_html(&text);
            let without_links = regex_lite_strip_links(&html);
            proptest::prop_assert!(!without_links.contains('<') && !without_links.contains('>'), "{}", html);
            let unescaped = without_links.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
            proptest::prop_assert_eq!(unescaped, text);
        }
    }

    /// The HTML with each `<a href="…" rel="…">label</a>` replaced by its label.
    fn regex_lite_strip_links(html: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(start) = rest.find("<a href=\"") {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            let open_end = after.find('>').expect("a closed tag");
            let close = after.find("</a>").expect("a closing tag");
            out.push_str(&after[open_end + 1..close]);
            rest = &after[close + 4..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn text_is_escaped_and_links_are_made_links() {
        assert_eq!(text_html("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(
            text_html("T1: see https://example.org/a?b=1&c=2. Great!"),
            r#"T1: see <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener ugc">https://example.org/a?b=1&amp;c=2</a>. Great!"#
        );
        assert_eq!(text_html("https://\"onmouseover=x"), "https://&quot;onmouseover=x");
        assert_eq!(text_html("javascript:alert(1)"), "javascript:alert(1)");
    }
}
