//! Live chat rooms over the API.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::chats::room::stream::RoomEvent;

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
