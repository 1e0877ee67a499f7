//! Live chat rooms over the API: read a room's events since an id, post,
//! reply or quote with a token, and the transcript.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde_json::{json, Value};

use crate::domain::chats::room::messages::{self, NewMessage};
use crate::domain::chats::room::{self as chat_room, stream, transcript};
use crate::domain::now;
use crate::error::AppResult;
use crate::web::api::ApiJson;
use crate::web::event_guards::ApiVisibleEvent;
use crate::web::guards::ApiUser;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![room_events, post_message, room_transcript]
}

/// The room's events after `since` (0: from the start), at most 500; poll
/// again with the returned `last_id`.
#[get("/events/<_slug>/chats/<key>/messages?<since>")]
async fn room_events(_slug: &str, key: &str, since: Option<i32>, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<Value>> {
    let room = chat_room::find(&state.db, &visible.event, key).await?;
    let after = since.unwrap_or(0).max(0);
    let events = stream::since(&state.db, room.id(), after, 500).await?;
    let last_id = events.last().map_or(after, |e| e.id);
    let events: Vec<Value> =
        events.iter().map(|e| json!({"id": e.id, "type": e.kind, "data": serde_json::from_str::<Value>(&e.data).unwrap_or(Value::Null)})).collect();
    Ok(Json(json!({"room": room.key(), "events": events, "last_id": last_id})))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PostRequest {
    body: String,
    /// "T2", "2", "none", or absent for the current topic.
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    reply_to: Option<i32>,
    #[serde(default)]
    quote_of: Option<i32>,
}

#[post("/events/<_slug>/chats/<key>/messages", data = "<body>")]
async fn post_message(
    _slug: &str,
    key: &str,
    visible: ApiVisibleEvent,
    user: ApiUser,
    body: ApiJson<PostRequest>,
    state: &State<AppState>,
) -> AppResult<Custom<Json<Value>>> {
    let room = chat_room::find(&state.db, &visible.event, key).await?;
    let request = body.0;
    let input = NewMessage { body: request.body, topic: request.topic.unwrap_or_default(), reply_to: request.reply_to, quote_of: request.quote_of };
    let saved = messages::post(&state.db, &state.chat, &room, &user.0, &input, now()).await?;
    let view = stream::views(&state.db, std::slice::from_ref(&saved)).await?.pop();
    Ok(Custom(Status::Created, Json(json!(view))))
}

#[get("/events/<_slug>/chats/<key>/transcript")]
async fn room_transcript(_slug: &str, key: &str, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<transcript::Transcript>> {
    let room = chat_room::find(&state.db, &visible.event, key).await?;
    Ok(Json(transcript::load(&state.db, &room).await?.0))
}
