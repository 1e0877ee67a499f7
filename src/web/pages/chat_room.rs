//! Live chat rooms: the room page (countdown and topic ideas before, the
//! conversation while open, the transcript after), its Server-Sent Events
//! stream, posting and moderation forms, transcripts and their downloads,
//! and the series page with past transcripts and a search across them.

use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::status::Custom;
use rocket::response::stream::ByteStream;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, Shutdown, State};
use rocket_dyn_templates::Metadata;
use tokio::sync::broadcast::error::RecvError;

use crate::db::entities::event_member::TeamRole;
use crate::domain::chats::room::messages::{self, NewMessage};
use crate::domain::chats::room::{self as chat_room, ideas, stream, topics, transcript, Room};
use crate::domain::events::{self, zone_of};
use crate::domain::now;
use crate::domain::times::{self, Zones};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::CsrfForm;
use crate::web::event_guards::{HostedRoom, VisibleEvent};
use crate::web::guards::{CurrentUser, ViewerZone};
use crate::web::render::{Download, Html, Page};
use crate::web::views::chats::{transcript_for_viewer, PastChat, Posted, RoomPage, SeriesPage, TranscriptPage, TranscriptRoom, WeekLink};
use crate::web::views::frame::ZoneNote;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        series,
        room_page,
        room_stream,
        post_message,
        post_message_json,
        hide_message,
        report_message,
        edit_message,
        mute_author,
        ban_author,
        next_topic,
        set_lurking,
        suggest_idea,
        vote_idea,
        use_idea,
        transcript_page,
        transcript_json,
        transcript_markdown,
        transcript_csv,
    ]
}

fn is_host(visible: &VisibleEvent) -> bool {
    visible.role == Some(TeamRole::Organizer)
}

/// The room page; `typed` keeps what someone wrote when posting failed.
async fn room_context(
    state: &AppState,
    visible: &VisibleEvent,
    room: &Room,
    typed: Option<&NewMessage>,
    reply_to: Option<i32>,
    quote_of: Option<i32>,
    viewer_zone: &ViewerZone,
) -> AppResult<RoomPage> {
    RoomPage::load(&state.db, &state.chat, room, visible.viewer.as_ref(), is_host(visible), typed, reply_to, quote_of, viewer_zone.0).await
}

async fn room_of(state: &AppState, visible: &VisibleEvent, key: &str) -> AppResult<Room> {
    chat_room::find(&state.db, &visible.event, key).await
}

#[get("/events/<_slug>/chats/<key>?<reply_to>&<quote_of>", rank = 2)]
async fn room_page(
    _slug: &str,
    key: &str,
    reply_to: Option<i32>,
    quote_of: Option<i32>,
    visible: VisibleEvent,
    viewer_zone: ViewerZone,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let room = room_of(state, &visible, key).await?;
    let context = room_context(state, &visible, &room, None, reply_to, quote_of, &viewer_zone).await?;
    Ok(page.ok("chats/room", &format!("{} · {}", room.event.title, context.room.starts_local.line()), context))
}

/// `Last-Event-ID`, sent by a reconnecting EventSource.
pub struct LastEventId(i32);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for LastEventId {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(LastEventId(req.headers().get_one("Last-Event-ID").and_then(|v| v.trim().parse().ok()).unwrap_or(0)))
    }
}

/// A frame for the stream: the shared bytes of a room event, or a small one of our own.
pub struct Frame(std::sync::Arc<[u8]>);

impl AsRef<[u8]> for Frame {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn readers_frame(count: usize) -> Frame {
    Frame(stream::sse_frame(None, "readers", &count.to_string()).into_bytes().into())
}

enum Next {
    Delivered(std::sync::Arc<stream::RoomEvent>),
    Missed,
    Readers,
    /// Another event's streams were closed.
    Nothing,
    Stop,
}

/// The room live: every event after the one the page saw last, then new
/// ones as they happen (with the number of readers every 15 seconds, which
/// also keeps proxies from closing a quiet stream). Frames are written as
/// made once per event, not formatted again for each subscriber.
#[get("/events/<_slug>/chats/<key>/stream?<after>")]
async fn room_stream(
    _slug: &str,
    key: &str,
    after: Option<i32>,
    visible: VisibleEvent,
    last: LastEventId,
    state: &State<AppState>,
    mut shutdown: Shutdown,
) -> AppResult<EventStreamResponse<impl rocket::futures::Stream<Item = Frame> + Send + 'static>> {
    let room = room_of(state, &visible, key).await?;
    let (hub, db, room_id) = (state.chat.clone(), state.db.clone(), room.id());
    // Subscribe before reading the backlog, so nothing falls between them.
    let mut receiver = hub.subscribe();
    let mut closings = hub.closings();
    let event_id = visible.event.id;
    let team_reader = visible.role.is_some();
    let mut seen = last.0.max(after.unwrap_or(0));
    let backlog = stream::since(&db, room_id, seen, u64::MAX).await?;
    Ok(EventStreamResponse(ByteStream! {
        let _reading = hub.reading(room_id);
        for event in &backlog {
            seen = event.id;
            yield Frame(event.frame.clone());
        }
        yield readers_frame(hub.readers(room_id));
        let mut ticker = tokio::time::interval(std::time::Duration::from_secs(15));
        ticker.tick().await;
        loop {
            let next = tokio::select! {
                received = receiver.recv() => match received {
                    Ok(event) => Next::Delivered(event),
                    Err(RecvError::Lagged(_)) => Next::Missed,
                    Err(RecvError::Closed) => Next::Stop,
                },
                _ = ticker.tick() => Next::Readers,
                closed = closings.recv() => match closed {
                    Ok(id) if id == event_id => Next::Stop,
                    Ok(_) => Next::Nothing,
                    // Notices were missed: end, and let the page's reconnect ask again.
                    Err(_) => Next::Stop,
                },
                _ = &mut shutdown => Next::Stop,
            };
            match next {
                Next::Delivered(event) => {
                    if event.occurrence_id == room_id && event.id > seen {
                        seen = event.id;
                        yield Frame(event.frame.clone());
                    }
                }
                Next::Missed => {
                    for event in stream::since(&db, room_id, seen, u64::MAX).await.unwrap_or_default() {
                        seen = event.id;
                        yield Frame(event.frame.clone());
                    }
                }
                Next::Readers => {
                    // A closing notice can be missed (sent while this
                    // stream was opening, or while a PostgreSQL listener
                    // reconnected): the ticker looks again.
                    if !team_reader && !crate::domain::events::find_by_id(&db, event_id).await.ok().flatten().is_some_and(|e| e.is_published) {
                        break;
                    }
                    yield readers_frame(hub.readers(room_id));
                }
                Next::Nothing => {}
                Next::Stop => break,
            }
        }
    }))
}

/// A `text/event-stream` response that proxies must not buffer.
pub struct EventStreamResponse<S>(ByteStream<S>);

impl<'r, S> rocket::response::Responder<'r, 'r> for EventStreamResponse<S>
where
    S: rocket::futures::Stream<Item = Frame> + Send + 'r,
{
    fn respond_to(self, req: &'r Request<'_>) -> rocket::response::Result<'r> {
        let mut response = self.0.respond_to(req)?;
        response.set_header(ContentType::EventStream);
        response.set_header(Header::new("Cache-Control", "no-cache"));
        response.set_header(Header::new("X-Accel-Buffering", "no"));
        Ok(response)
    }
}

fn back_to(room: &Room) -> Redirect {
    Redirect::to(format!("{}#compose", room.url()))
}

/// Posting from the page's form (the way without JavaScript): the message
/// appears on every open page; a refusal re-renders the form with the text.
#[post("/events/<_slug>/chats/<key>/messages", data = "<form>")]
async fn post_message(
    _slug: &str,
    key: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<NewMessage>,
    viewer_zone: ViewerZone,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let room = room_of(state, &visible, key).await?;
    let input = form.0;
    let errors = match messages::post(&state.db, &state.chat, &room, &user.0, &input, now()).await {
        Ok(saved) => return Ok(Html::Redirect(Redirect::to(format!("{}#m{}", room.url(), saved.id)))),
        Err(AppError::Validation(errors)) => errors,
        Err(AppError::Forbidden(reason)) => vec![FieldError::new("body", reason)],
        Err(AppError::RateLimited { retry_after_secs }) => {
            vec![FieldError::new("body", format!("You are posting very fast: wait {retry_after_secs} seconds, then send again (your text is kept)."))]
        }
        Err(other) => return Err(other),
    };
    let context = room_context(state, &visible, &room, Some(&input), input.reply_to, input.quote_of, &viewer_zone).await?;
    Ok(page.invalid(Status::UnprocessableEntity, "chats/room", &room.event.title, context, &errors))
}

/// The same for the page's script: the answer as JSON (problem JSON on refusal).
#[post("/events/<_slug>/chats/<key>/messages.json", data = "<form>")]
async fn post_message_json(
    _slug: &str,
    key: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<NewMessage>,
    state: &State<AppState>,
) -> AppResult<Custom<Json<Posted>>> {
    let room = room_of(state, &visible, key).await?;
    let saved = messages::post(&state.db, &state.chat, &room, &user.0, &form.0, now()).await?;
    Ok(Custom(Status::Created, Json(Posted { id: saved.id })))
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ReasonForm {
    reason: String,
}

#[post("/events/<_slug>/chats/<_key>/messages/<id>/hide", data = "<form>")]
async fn hide_message(
    _slug: &str,
    _key: &str,
    id: i32,
    hosted: HostedRoom,
    form: CsrfForm<ReasonForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let HostedRoom { room, host } = hosted;
    messages::hide(&state.db, &state.chat, &room, &host, id, &form.0.reason, now()).await?;
    Ok(Flash::success(back_to(&room), "The message is hidden from every page and the transcript."))
}

#[post("/events/<_slug>/chats/<key>/messages/<id>/report", data = "<form>")]
async fn report_message(
    _slug: &str,
    key: &str,
    id: i32,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<ReasonForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let room = room_of(state, &visible, key).await?;
    messages::report(&state.db, &room, &user.0, id, &form.0.reason, now()).await?;
    Ok(Flash::success(back_to(&room), "Thank you: the hosts will look at it."))
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct EditForm {
    body: String,
}

#[post("/events/<_slug>/chats/<key>/messages/<id>/edit", data = "<form>")]
async fn edit_message(
    _slug: &str,
    key: &str,
    id: i32,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<EditForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let room = room_of(state, &visible, key).await?;
    match messages::edit(&state.db, &state.chat, &room, &user.0, id, &form.0.body, now()).await {
        Ok(()) => Ok(Flash::success(back_to(&room), "Edited.")),
        Err(AppError::Validation(errors)) => Ok(Flash::error(back_to(&room), errors.first().map(|e| e.message.clone()).unwrap_or_default())),
        Err(other) => Err(other),
    }
}

#[post("/events/<_slug>/chats/<_key>/messages/<id>/mute-author", data = "<_form>")]
async fn mute_author(
    _slug: &str,
    _key: &str,
    id: i32,
    hosted: HostedRoom,
    _form: CsrfForm<crate::web::csrf::CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let HostedRoom { room, host } = hosted;
    let author = messages::author_of(&state.db, &room, id).await?;
    messages::mute(&state.db, &room, &host, author, now()).await?;
    Ok(Flash::success(back_to(&room), "Muted for this chat."))
}

#[post("/events/<_slug>/chats/<_key>/messages/<id>/ban-author", data = "<form>")]
async fn ban_author(
    _slug: &str,
    _key: &str,
    id: i32,
    hosted: HostedRoom,
    form: CsrfForm<ReasonForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let HostedRoom { room, host } = hosted;
    let author = messages::author_of(&state.db, &room, id).await?;
    messages::ban(&state.db, &room, &host, author, &form.0.reason, now()).await?;
    Ok(Flash::success(back_to(&room), "Blocked from every chat of this series."))
}

#[post("/events/<_slug>/chats/<_key>/topics/next", data = "<_form>")]
async fn next_topic(
    _slug: &str,
    _key: &str,
    hosted: HostedRoom,
    _form: CsrfForm<crate::web::csrf::CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let HostedRoom { room, host } = hosted;
    match topics::post_next(&state.db, &state.chat, &room, host.id, now()).await {
        Ok(()) => Ok(Flash::success(back_to(&room), "Topic posted.")),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back_to(&room), message)),
        Err(other) => Err(other),
    }
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct LurkingForm {
    #[serde(deserialize_with = "crate::domain::input::checkbox")]
    lurking: bool,
}

#[post("/events/<_slug>/chats/<key>/lurking", data = "<form>")]
async fn set_lurking(
    _slug: &str,
    key: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<LurkingForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let room = room_of(state, &visible, key).await?;
    let lurking = form.0.lurking;
    messages::set_lurking(&state.db, &room, user.0.id, lurking).await?;
    Ok(Flash::success(back_to(&room), if lurking { "Marked as lurking / joined late." } else { "No longer marked as lurking." }))
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct IdeaForm {
    idea: String,
}

#[post("/events/<_slug>/chats/<key>/ideas", data = "<form>")]
async fn suggest_idea(
    _slug: &str,
    key: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<IdeaForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let room = room_of(state, &visible, key).await?;
    let back = Redirect::to(format!("{}#ideas", room.url()));
    match ideas::suggest(&state.db, &room, &user.0, &form.0.idea, now()).await {
        Ok(()) => Ok(Flash::success(back, "Thanks for the idea.")),
        Err(AppError::Validation(errors)) => Ok(Flash::error(back, errors.first().map(|e| e.message.clone()).unwrap_or_default())),
        Err(AppError::Conflict(message) | AppError::Forbidden(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}

#[post("/events/<_slug>/chats/<key>/ideas/<id>/vote", data = "<_form>")]
async fn vote_idea(
    _slug: &str,
    key: &str,
    id: i32,
    visible: VisibleEvent,
    user: CurrentUser,
    _form: CsrfForm<crate::web::csrf::CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Redirect> {
    let room = room_of(state, &visible, key).await?;
    ideas::toggle_vote(&state.db, &room, &user.0, id).await?;
    Ok(Redirect::to(format!("{}#ideas", room.url())))
}

#[post("/events/<_slug>/chats/<_key>/ideas/<id>/use", data = "<_form>")]
async fn use_idea(
    _slug: &str,
    _key: &str,
    id: i32,
    hosted: HostedRoom,
    _form: CsrfForm<crate::web::csrf::CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let HostedRoom { room, .. } = hosted;
    let back = Redirect::to(format!("{}#ideas", room.url()));
    match ideas::use_as_topic(&state.db, &room, id, now()).await {
        Ok(()) => Ok(Flash::success(back, "Added as the next topic, with credit to its author.")),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}

#[get("/events/<_slug>/chats/<key>/transcript")]
async fn transcript_page(
    _slug: &str,
    key: &str,
    visible: VisibleEvent,
    viewer_zone: ViewerZone,
    page: Page,
    templates: Metadata<'_>,
    state: &State<AppState>,
) -> AppResult<Html> {
    let room = room_of(state, &visible, key).await?;
    let (t, _) = transcript::load(&state.db, &room).await?;
    let zones = Zones::for_viewer(zone_of(&room.event), viewer_zone.0);
    let starts = times::show(room.occurrence.starts_at, zones);
    let title = format!("Transcript · {} · {}", room.event.title, starts.line());
    let view = TranscriptPage {
        zone_note: ZoneNote::new(zones),
        event: events::summarize(&room.event),
        room: TranscriptRoom { key: room.key(), url: room.url(), starts_local: starts },
        transcript: transcript_for_viewer(t, zones),
    };
    page.public(&templates, "chats/transcript", &title, view).await
}

fn file_name(room: &Room, extension: &str) -> String {
    format!("{}-{}.{extension}", room.event.slug, room.occurrence.starts_at.with_timezone(&zone_of(&room.event)).format("%Y-%m-%d"))
}

#[get("/events/<_slug>/chats/<key>/transcript.json")]
async fn transcript_json(_slug: &str, key: &str, visible: VisibleEvent, state: &State<AppState>) -> AppResult<Download<String>> {
    let room = room_of(state, &visible, key).await?;
    let (t, _) = transcript::load(&state.db, &room).await?;
    let body = serde_json::to_string_pretty(&t).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Download { kind: ContentType::JSON, file_name: file_name(&room, "json"), body, private: false })
}

#[get("/events/<_slug>/chats/<key>/transcript.md")]
async fn transcript_markdown(_slug: &str, key: &str, visible: VisibleEvent, state: &State<AppState>) -> AppResult<Download<String>> {
    let room = room_of(state, &visible, key).await?;
    let (t, _) = transcript::load(&state.db, &room).await?;
    let kind = ContentType::new("text", "markdown").with_params(("charset", "utf-8"));
    Ok(Download { kind, file_name: file_name(&room, "md"), body: transcript::markdown(&room, &t), private: false })
}

#[get("/events/<_slug>/chats/<key>/transcript.csv")]
async fn transcript_csv(_slug: &str, key: &str, visible: VisibleEvent, state: &State<AppState>) -> AppResult<Download<String>> {
    let room = room_of(state, &visible, key).await?;
    let (_, all) = transcript::load(&state.db, &room).await?;
    let kind = ContentType::new("text", "csv").with_params(("charset", "utf-8"));
    Ok(Download { kind, file_name: file_name(&room, "csv"), body: transcript::csv(&all), private: false })
}

/// The series: the next chat, past transcripts with their numbers, and a
/// search across them.
#[get("/events/<_slug>/chats?<q>")]
async fn series(
    _slug: &str,
    q: Option<&str>,
    visible: VisibleEvent,
    viewer_zone: ViewerZone,
    page: Page,
    templates: Metadata<'_>,
    state: &State<AppState>,
) -> AppResult<Html> {
    let event = &visible.event;
    let zones = Zones::for_viewer(zone_of(event), viewer_zone.0);
    if event.kind != crate::db::entities::event::EventKind::OnlineChat {
        return Err(AppError::NotFound);
    }
    let at = now();
    let next = crate::domain::chats::next_occurrence(&state.db, event, at).await?;
    let mut past = Vec::new();
    for occurrence in chat_room::past_rooms(&state.db, event, at).await? {
        let (participants, messages, topics) = transcript::summary(&state.db, occurrence.id).await?;
        let when = times::show(occurrence.starts_at, zones);
        past.push(PastChat { key: chat_room::key_of(occurrence.scheduled_start), when, participants, messages, topics });
    }
    let found = match q {
        Some(needle) if !needle.trim().is_empty() => transcript::search(&state.db, event, needle, at).await?,
        _ => Vec::new(),
    };
    page.public(
        &templates,
        "chats/series",
        &format!("Chats · {}", event.title),
        SeriesPage {
            zone_note: ZoneNote::new(zones),
            event: events::summarize(event),
            next: next.map(|o| WeekLink { key: chat_room::key_of(o.scheduled_start), when: times::show(o.starts_at, zones) }),
            past,
            q: q.map(str::to_owned),
            searched: q.is_some_and(|s| !s.trim().is_empty()),
            found,
        },
    )
    .await
}
