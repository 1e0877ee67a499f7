//! `/api/events`: published events and their sessions for everyone;
//! creating, changing and deleting sessions for the event's organizers.

use rocket::http::Status;
use rocket::response::status::{Custom, NoContent};
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, Route, State};
use serde_json::{json, Value};

use crate::domain::events::{self, places, EventSummary};
use crate::domain::markdown;
use crate::domain::schedule::frab::export::session_url;
use crate::domain::schedule::sessions::{self, SessionForm};
use crate::domain::schedule::{self, ScheduledSession, Scope};
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::event_guards::{ApiOrganizedEvent, ApiVisibleEvent};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![list_events, show_event, list_sessions, show_session, create_session, update_session, delete_session]
}

#[get("/events")]
async fn list_events(state: &State<AppState>) -> AppResult<Json<Vec<EventSummary>>> {
    Ok(Json(events::list_published(&state.db).await?.iter().map(events::summarize).collect()))
}

#[get("/events/<_slug>")]
async fn show_event(_slug: &str, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<Value>> {
    let event = &visible.event;
    let rooms = places::rooms(&state.db, event.id).await?;
    let tracks = places::tracks(&state.db, event.id).await?;
    Ok(Json(json!({
        "event": events::summarize(event),
        "description": event.description,
        "description_html": markdown::to_safe_html(&event.description),
        "venue_address": event.venue_address,
        "online_url": event.online_url,
        "recurrence_rule": event.recurrence_rule,
        "is_published": event.is_published,
        "revision": event.revision,
        "rooms": rooms.iter().map(|r| json!({"id": r.id, "name": r.name, "capacity": r.capacity})).collect::<Vec<_>>(),
        "tracks": tracks.iter().map(|t| json!({"id": t.id, "name": t.name, "color": t.color})).collect::<Vec<_>>(),
    })))
}

fn session_json(base_url: &str, event_slug: &str, s: &ScheduledSession) -> Value {
    json!({
        "id": s.session.id,
        "guid": s.session.guid,
        "title": s.session.title,
        "abstract": s.session.r#abstract,
        "starts_at": s.session.starts_at,
        "ends_at": s.session.ends_at,
        "room": s.room.as_ref().map(|r| json!({"id": r.id, "name": r.name})),
        "track": s.track.as_ref().map(|t| json!({"id": t.id, "name": t.name})),
        "speakers": s.speakers.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "status": s.session.status,
        "language": s.session.language,
        "tags": s.tags(),
        "capacity": s.session.capacity,
        "revision": s.session.revision,
        "url": session_url(base_url, event_slug, s.session.id),
    })
}

#[get("/events/<_slug>/sessions")]
async fn list_sessions(_slug: &str, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<Vec<Value>>> {
    let loaded = schedule::load(&state.db, &visible.event, Scope::Published).await?;
    Ok(Json(loaded.sessions.iter().map(|s| session_json(&state.config.base_url, &visible.event.slug, s)).collect()))
}

async fn one_session(state: &AppState, event: &crate::db::entities::event::Model, id: i32, scope: Scope) -> AppResult<Value> {
    let loaded = schedule::load(&state.db, event, scope).await?;
    let found = loaded.sessions.iter().find(|s| s.session.id == id).ok_or(AppError::NotFound)?;
    Ok(session_json(&state.config.base_url, &event.slug, found))
}

#[get("/events/<_slug>/sessions/<id>")]
async fn show_session(_slug: &str, id: i32, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<Value>> {
    Ok(Json(one_session(state, &visible.event, id, Scope::PublishedAndCancelled).await?))
}

#[post("/events/<_slug>/sessions", data = "<body>")]
async fn create_session(
    _slug: &str,
    organized: ApiOrganizedEvent,
    body: ApiJson<SessionForm>,
    state: &State<AppState>,
) -> AppResult<Custom<Json<Value>>> {
    let created = sessions::create(&state.db, &organized.event, &body.0).await?;
    Ok(Custom(Status::Created, Json(one_session(state, &organized.event, created.id, Scope::All).await?)))
}

#[put("/events/<_slug>/sessions/<id>", data = "<body>")]
async fn update_session(
    _slug: &str,
    id: i32,
    organized: ApiOrganizedEvent,
    body: ApiJson<SessionForm>,
    state: &State<AppState>,
) -> AppResult<Json<Value>> {
    let existing = sessions::find(&state.db, &organized.event, id).await?;
    let updated = sessions::update(&state.db, &organized.event, &existing, &body.0).await?;
    Ok(Json(one_session(state, &organized.event, updated.id, Scope::All).await?))
}

#[delete("/events/<_slug>/sessions/<id>")]
async fn delete_session(_slug: &str, id: i32, organized: ApiOrganizedEvent, state: &State<AppState>) -> AppResult<NoContent> {
    let existing = sessions::find(&state.db, &organized.event, id).await?;
    sessions::delete(&state.db, &organized.event, &existing).await?;
    Ok(NoContent)
}
