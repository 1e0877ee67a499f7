//! `/api/events`: published events and their sessions for everyone;
//! creating, changing and deleting sessions for the event's organizers.

use rocket::http::Status;
use rocket::response::status::{Custom, NoContent};
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, Route, State};

use crate::domain::events::{self, places, EventSummary};
use crate::domain::schedule::sessions::{self, SessionForm};
use crate::domain::schedule::Scope;
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::event_guards::{ApiOrganizedEvent, ApiVisibleEvent};
use crate::web::views::events::{EventDetail, SessionView};
use crate::web::views::problems::{BadRequest, Conflict, Forbidden, NotFound, Unauthorized, Unprocessable, UnsupportedMediaType};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![list_events, show_event, list_sessions, show_session, create_session, update_session, delete_session]
}

/// Published events
#[utoipa::path(get, path = "/api/events", operation_id = "listEvents", responses((status = 200, description = "OK", body = Vec<EventSummary>)))]
#[get("/events")]
pub async fn list_events(state: &State<AppState>) -> AppResult<Json<Vec<EventSummary>>> {
    Ok(Json(events::list_published(&state.db).await?.iter().map(events::summarize).collect()))
}

/// One event with its rooms and tracks
#[utoipa::path(get, path = "/api/events/{slug}", operation_id = "getEvent", params(("slug" = String, Path)), responses(
    (status = 200, description = "OK", body = EventDetail), (status = 404, response = NotFound),
))]
#[get("/events/<_slug>")]
pub async fn show_event(_slug: &str, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<EventDetail>> {
    let event = &visible.event;
    let rooms = places::rooms(&state.db, event.id).await?;
    let tracks = places::tracks(&state.db, event.id).await?;
    Ok(Json(EventDetail::new(event, &rooms, &tracks)))
}

/// The event's published sessions
#[utoipa::path(get, path = "/api/events/{slug}/sessions", operation_id = "listSessions", params(("slug" = String, Path)), responses(
    (status = 200, description = "OK", body = Vec<SessionView>), (status = 404, response = NotFound),
))]
#[get("/events/<_slug>/sessions")]
pub async fn list_sessions(_slug: &str, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<Vec<SessionView>>> {
    let loaded = state.schedules.load(&state.db, &visible.event, Scope::Published).await?;
    Ok(Json(loaded.sessions.iter().map(|s| SessionView::new(&state.config.base_url, &visible.event.slug, s)).collect()))
}

async fn one_session(state: &AppState, event: &crate::db::entities::event::Model, id: i32, scope: Scope) -> AppResult<SessionView> {
    let loaded = state.schedules.load(&state.db, event, scope).await?;
    let found = loaded.sessions.iter().find(|s| s.session.id == id).ok_or(AppError::NotFound)?;
    Ok(SessionView::new(&state.config.base_url, &event.slug, found))
}

/// One session
#[utoipa::path(get, path = "/api/events/{slug}/sessions/{id}", operation_id = "getSession", params(("slug" = String, Path), ("id" = i32, Path)), responses(
    (status = 200, description = "OK", body = SessionView), (status = 404, response = NotFound), (status = 422, response = Unprocessable),
))]
#[get("/events/<_slug>/sessions/<id>")]
pub async fn show_session(_slug: &str, id: i32, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<SessionView>> {
    Ok(Json(one_session(state, &visible.event, id, Scope::PublishedAndCancelled).await?))
}

/// Create a session (organizers)
#[utoipa::path(post, path = "/api/events/{slug}/sessions", operation_id = "createSession", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body = SessionForm, responses(
    (status = 201, description = "Created", body = SessionView),
    (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
    (status = 409, response = Conflict), (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
))]
#[post("/events/<_slug>/sessions", data = "<body>")]
pub async fn create_session(
    _slug: &str,
    organized: ApiOrganizedEvent,
    body: ApiJson<SessionForm>,
    state: &State<AppState>,
) -> AppResult<Custom<Json<SessionView>>> {
    let created = sessions::create(&state.db, &organized.event, &body.0).await?;
    Ok(Custom(Status::Created, Json(one_session(state, &organized.event, created.id, Scope::All).await?)))
}

/// Change a session (organizers); bumps its revision
#[utoipa::path(put, path = "/api/events/{slug}/sessions/{id}", operation_id = "updateSession", security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = i32, Path)), request_body = SessionForm, responses(
    (status = 200, description = "OK", body = SessionView),
    (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
    (status = 409, response = Conflict), (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
))]
#[put("/events/<_slug>/sessions/<id>", data = "<body>")]
pub async fn update_session(
    _slug: &str,
    id: i32,
    organized: ApiOrganizedEvent,
    body: ApiJson<SessionForm>,
    state: &State<AppState>,
) -> AppResult<Json<SessionView>> {
    let existing = sessions::find(&state.db, &organized.event, id).await?;
    let updated = sessions::update(&state.db, &organized.event, &existing, &body.0).await?;
    Ok(Json(one_session(state, &organized.event, updated.id, Scope::All).await?))
}

/// Delete a session (organizers)
#[utoipa::path(delete, path = "/api/events/{slug}/sessions/{id}", operation_id = "deleteSession", security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = i32, Path)), responses(
    (status = 204, description = "Deleted"),
    (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound), (status = 422, response = Unprocessable),
))]
#[delete("/events/<_slug>/sessions/<id>")]
pub async fn delete_session(_slug: &str, id: i32, organized: ApiOrganizedEvent, state: &State<AppState>) -> AppResult<NoContent> {
    let existing = sessions::find(&state.db, &organized.event, id).await?;
    sessions::delete(&state.db, &organized.event, &existing).await?;
    Ok(NoContent)
}
