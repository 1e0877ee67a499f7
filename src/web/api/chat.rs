//! Live chat rooms over the API: read a room's events since an id, post,
//! reply or quote with a token, and the transcript.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};

use crate::domain::chats::room::messages::{self, NewMessage};
use crate::domain::chats::room::stream::{self, MessageView};
use crate::domain::chats::room::transcript::{self, Transcript};
use crate::domain::chats::room::{self as chat_room};
use crate::domain::now;
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::event_guards::ApiVisibleEvent;
use crate::web::guards::ApiUser;
use crate::web::views::chats::{ChatEvent, ChatEvents, PostRequest};
use crate::web::views::problems::{BadRequest, Forbidden, NotFound, TooManyRequests, Unauthorized, Unprocessable, UnsupportedMediaType};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![room_events, post_message, room_transcript]
}

/// A live room's events after an id (no account needed): messages, edits and hides in order
///
/// At most 500 at a time; poll again with the returned `last_id`.
#[utoipa::path(get, path = "/api/events/{slug}/chats/{key}/messages", operation_id = "chatEvents", params(
    ("slug" = String, Path),
    ("key" = String, Path, description = "The occurrence: its scheduled start in UTC, e.g. 20270106T0130Z", pattern = "^[0-9]{8}T[0-9]{4}Z$"),
    ("since" = Option<i32>, Query, minimum = 0),
), responses((status = 200, description = "OK", body = ChatEvents), (status = 404, response = NotFound), (status = 422, response = Unprocessable)))]
#[get("/events/<_slug>/chats/<key>/messages?<since>")]
pub async fn room_events(
    _slug: &str,
    key: &str,
    since: Option<i32>,
    visible: ApiVisibleEvent,
    state: &State<AppState>,
) -> AppResult<Json<ChatEvents>> {
    let room = chat_room::find(&state.db, &visible.event, key).await?;
    let after = since.unwrap_or(0).max(0);
    let events = stream::since(&state.db, room.id(), after, 500).await?;
    let last_id = events.last().map_or(after, |e| e.id);
    Ok(Json(ChatEvents { room: room.key(), events: events.iter().map(ChatEvent::from).collect(), last_id }))
}

/// Post, reply (reply_to) or quote (quote_of) while the room is open
#[utoipa::path(post, path = "/api/events/{slug}/chats/{key}/messages", operation_id = "postChatMessage", security(("bearer" = [])), params(
    ("slug" = String, Path),
    ("key" = String, Path, description = "The occurrence: its scheduled start in UTC, e.g. 20270106T0130Z", pattern = "^[0-9]{8}T[0-9]{4}Z$"),
), request_body = PostRequest, responses(
    (status = 201, description = "Posted", body = MessageView),
    (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
    (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable), (status = 429, response = TooManyRequests),
))]
#[post("/events/<_slug>/chats/<key>/messages", data = "<body>")]
pub async fn post_message(
    _slug: &str,
    key: &str,
    visible: ApiVisibleEvent,
    user: ApiUser,
    body: ApiJson<PostRequest>,
    state: &State<AppState>,
) -> AppResult<Custom<Json<MessageView>>> {
    let room = chat_room::find(&state.db, &visible.event, key).await?;
    let request = body.0;
    let input = NewMessage { body: request.body, topic: request.topic.unwrap_or_default(), reply_to: request.reply_to, quote_of: request.quote_of };
    let saved = messages::post(&state.db, &state.chat, &room, &user.0, &input, now()).await?;
    let view = stream::views(&state.db, std::slice::from_ref(&saved)).await?.pop().ok_or(AppError::NotFound)?;
    Ok(Custom(Status::Created, Json(view)))
}

/// The occurrence's transcript grouped by topic, with its numbers
#[utoipa::path(get, path = "/api/events/{slug}/chats/{key}/transcript", operation_id = "chatTranscript", params(
    ("slug" = String, Path),
    ("key" = String, Path, description = "The occurrence: its scheduled start in UTC, e.g. 20270106T0130Z", pattern = "^[0-9]{8}T[0-9]{4}Z$"),
), responses((status = 200, description = "OK", body = Transcript), (status = 404, response = NotFound)))]
#[get("/events/<_slug>/chats/<key>/transcript")]
pub async fn room_transcript(_slug: &str, key: &str, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<Transcript>> {
    let room = chat_room::find(&state.db, &visible.event, key).await?;
    Ok(Json(transcript::load(&state.db, &room).await?.0))
}
