//! Live chat rooms: the API's events and posts, the room page, transcripts
//! and the series page.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::entities::user;
use crate::domain::chats::room::hub::ChatHub;
use crate::domain::chats::room::ideas::{self, IdeaView};
use crate::domain::chats::room::messages::{self, ModerationItem, NewMessage};
use crate::domain::chats::room::stream::{self, MessageView, RoomEvent};
use crate::domain::chats::room::transcript::{Found, Thread, Transcript};
use crate::domain::chats::room::{Phase, Room};
use crate::domain::events::{self, zone_of, EventSummary};
use crate::domain::now;
use crate::domain::times::{self, When, ZoneSource, Zones};
use crate::error::AppResult;
use crate::web::views::frame::ZoneNote;
use chrono_tz::Tz;

/// A room's events after an id, in order.
#[derive(Serialize, ToSchema)]
pub struct ChatEvents {
    /// The occurrence's key.
    pub room: String,
    pub events: Vec<ChatEvent>,
    /// Pass as `since=` to get what comes next.
    pub last_id: i32,
}

#[derive(Serialize, ToSchema)]
pub struct ChatEvent {
    pub id: i32,
    /// `message`, `edited` or `hidden`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A ChatMessage, or `{id}` for a hidden one.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<&RoomEvent> for ChatEvent {
    fn from(e: &RoomEvent) -> ChatEvent {
        ChatEvent { id: e.id, kind: e.kind.clone(), data: serde_json::from_str(&e.data).unwrap_or(serde_json::Value::Null) }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostRequest {
    pub body: String,
    /// "T2", "2", "none", or absent for the current topic.
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub reply_to: Option<i32>,
    #[serde(default)]
    pub quote_of: Option<i32>,
}

/// A live room's page.
#[derive(Serialize)]
pub struct RoomPage {
    pub event: EventSummary,
    pub zone_note: ZoneNote,
    pub room: RoomInfo,
    pub topics: Vec<TopicRow>,
    pub topic_options: Vec<TopicOption>,
    /// The person chose to post outside any topic.
    pub no_topic: bool,
    pub messages: Vec<MessageView>,
    pub readers: usize,
    pub can_post: bool,
    /// Why not, in words for them.
    pub cannot_post: Option<String>,
    pub logged_in: bool,
    pub viewer_id: Option<i32>,
    pub lurking: bool,
    pub is_host: bool,
    pub has_unposted_topic: bool,
    pub moderation: Vec<ModerationItem>,
    pub ideas: Vec<IdeaView>,
    pub form: TypedMessage,
    pub replying: Option<MessageView>,
    pub quoting: Option<MessageView>,
}

#[derive(Serialize)]
pub struct RoomInfo {
    pub key: String,
    pub url: String,
    pub starts_at: String,
    pub starts_local: When,
    pub ends_local: When,
    pub opens_at: Option<String>,
    pub opens_local: Option<When>,
    pub before: bool,
    pub open: bool,
    pub after: bool,
    /// Characters per message.
    pub limit: i32,
    /// The newest event id, where the page's stream starts.
    pub last_event: i32,
}

#[derive(Serialize)]
pub struct TopicRow {
    /// "T1"
    pub label: String,
    pub title: String,
    pub question: String,
    pub posted: bool,
    pub at: When,
}

#[derive(Serialize)]
pub struct TopicOption {
    pub value: i32,
    pub label: String,
    pub selected: bool,
}

/// What someone wrote, kept when posting was refused.
#[derive(Serialize)]
pub struct TypedMessage {
    pub body: String,
}

/// Message clocks as pages show them: the viewer's clock, with the day
/// before it when that is not today where they are (the stream's own `clock`
/// is UTC, for clients that know no zone).
pub fn show_clocks(messages: &mut [MessageView], zones: Zones) {
    let today = now().with_timezone(&zones.viewer).date_naive();
    for m in messages {
        m.clock = times::clock(m.at, zones.viewer, today);
    }
}

/// A transcript as its page shows it: message clocks and busiest minutes in
/// the viewer's zone.
pub fn transcript_for_viewer(mut transcript: Transcript, zones: Zones) -> Transcript {
    let today = now().with_timezone(&zones.viewer).date_naive();
    fn threads(list: &mut [Thread], zone: Tz, today: chrono::NaiveDate) {
        for thread in list {
            thread.message.clock = times::clock(thread.message.at, zone, today);
            threads(&mut thread.replies, zone, today);
        }
    }
    for section in &mut transcript.sections {
        threads(&mut section.threads, zones.viewer, today);
    }
    for minute in &mut transcript.numbers.busiest_minutes {
        minute.name = times::clock(minute.at, zones.viewer, today);
    }
    transcript
}

impl RoomPage {
    /// `typed` keeps what someone wrote when posting failed.
    #[allow(clippy::too_many_arguments)]
    pub async fn load(
        db: &DatabaseConnection,
        hub: &ChatHub,
        room: &Room,
        viewer: Option<&user::Model>,
        host: bool,
        typed: Option<&NewMessage>,
        reply_to: Option<i32>,
        quote_of: Option<i32>,
        viewer_zone: Option<(Tz, ZoneSource)>,
    ) -> AppResult<RoomPage> {
        let at = now();
        // Every time on the page is on this viewer's clock.
        let zones = Zones::for_viewer(zone_of(&room.event), viewer_zone);
        let local = |instant: DateTime<Utc>| times::show(instant, zones);
        let phase = room.phase(at);
        let cannot_post = match viewer {
            Some(v) => messages::cannot_post(db, room, v, at).await?,
            None => Some("Log in to post; reading needs no account.".into()),
        };
        let mut all = stream::messages(db, room.id()).await?;
        show_clocks(&mut all, zones);
        let lurking = match viewer {
            Some(v) => messages::participant(db, room, v.id).await?.is_some_and(|p| p.lurking),
            None => false,
        };
        let current = room.current_topic().map(|t| t.position);
        let topic_options = room
            .topics
            .iter()
            .filter(|t| t.posted_at.is_some())
            .map(|t| TopicOption {
                value: t.position,
                label: format!("T{}: {}", t.position, t.title),
                selected: typed.map_or(Some(t.position) == current, |m| m.topic == t.position.to_string()),
            })
            .collect();
        let opens_at = match phase {
            Phase::Before { opens_at } => Some(opens_at),
            _ => None,
        };
        let topics = room
            .topics
            .iter()
            .filter(|t| host || room.occurrence.topics_public || t.posted_at.is_some())
            .map(|t| TopicRow {
                label: format!("T{}", t.position),
                title: t.title.clone(),
                question: t.question.clone(),
                posted: t.posted_at.is_some(),
                at: local(room.occurrence.starts_at + chrono::Duration::minutes(i64::from(t.offset_minutes))),
            })
            .collect();
        Ok(RoomPage {
            zone_note: ZoneNote::new(zones),
            event: events::summarize(&room.event),
            room: RoomInfo {
                key: room.key(),
                url: room.url(),
                starts_at: room.occurrence.starts_at.to_rfc3339(),
                starts_local: local(room.occurrence.starts_at),
                ends_local: local(room.occurrence.ends_at),
                opens_at: opens_at.map(|o| o.to_rfc3339()),
                opens_local: opens_at.map(local),
                before: matches!(phase, Phase::Before { .. }),
                open: phase == Phase::Open,
                after: phase == Phase::After,
                limit: room.event.chat_message_limit,
                last_event: stream::newest_event_id(db, Some(room.id())).await?,
            },
            topics,
            topic_options,
            no_topic: typed.is_some_and(|m| m.topic == "none"),
            replying: reply_to.and_then(|id| all.iter().find(|m| m.id == id)).cloned(),
            quoting: quote_of.and_then(|id| all.iter().find(|m| m.id == id)).cloned(),
            messages: all,
            readers: hub.readers(room.id()),
            can_post: cannot_post.is_none(),
            cannot_post,
            logged_in: viewer.is_some(),
            viewer_id: viewer.map(|v| v.id),
            lurking,
            is_host: host,
            has_unposted_topic: room.topics.iter().any(|t| t.posted_at.is_none()),
            moderation: if host { messages::moderation(db, room).await? } else { Vec::new() },
            ideas: ideas::list(db, room, viewer).await?,
            form: TypedMessage { body: typed.map(|m| m.body.clone()).unwrap_or_default() },
        })
    }
}

/// What the script gets back after posting.
#[derive(Serialize)]
pub struct Posted {
    pub id: i32,
}

/// A past chat's transcript page.
#[derive(Serialize)]
pub struct TranscriptPage {
    pub event: EventSummary,
    pub zone_note: ZoneNote,
    pub room: TranscriptRoom,
    pub transcript: Transcript,
}

#[derive(Serialize)]
pub struct TranscriptRoom {
    pub key: String,
    pub url: String,
    pub starts_local: When,
}

/// A chat series: the next week, past transcripts with their numbers, and
/// a search across them.
#[derive(Serialize)]
pub struct SeriesPage {
    pub event: EventSummary,
    pub zone_note: ZoneNote,
    pub next: Option<WeekLink>,
    pub past: Vec<PastChat>,
    pub q: Option<String>,
    pub searched: bool,
    pub found: Vec<Found>,
}

#[derive(Serialize)]
pub struct WeekLink {
    pub key: String,
    pub when: When,
}

#[derive(Serialize)]
pub struct PastChat {
    pub key: String,
    pub when: When,
    pub participants: usize,
    pub messages: u64,
    pub topics: Vec<String>,
}
