//! `/api/me/agenda`: the caller's agenda; PUT adds a session, DELETE removes it.

use rocket::http::Status;
use rocket::response::status::{Custom, NoContent};
use rocket::serde::json::Json;
use rocket::{delete, get, put, routes, Route, State};

use crate::domain::schedule::agenda;
use crate::error::{AppError, AppResult};
use crate::web::guards::ApiUser;
use crate::web::views::problems::{Conflict, Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::web::views::schedule::{AgendaChange, AgendaEntryView};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![my_agenda, add, remove]
}

/// Your agenda across events, in time order, with clashes
#[utoipa::path(get, path = "/api/me/agenda", operation_id = "getMyAgenda", security(("bearer" = [])), responses(
    (status = 200, description = "OK", body = Vec<AgendaEntryView>), (status = 401, response = Unauthorized),
))]
#[get("/me/agenda")]
pub async fn my_agenda(user: ApiUser, state: &State<AppState>) -> AppResult<Json<Vec<AgendaEntryView>>> {
    let entries = agenda::entries(&state.db, &state.schedules, user.0.id).await?;
    Ok(Json(entries.iter().map(AgendaEntryView::from).collect()))
}

/// Add a session (you must be registered; sessions with a capacity take a seat or answer 409 when full)
///
/// 201 when added, 200 when it was there already; `clashes` lists overlaps.
#[utoipa::path(put, path = "/api/me/agenda/{session_id}", operation_id = "addToAgenda", security(("bearer" = [])),
    params(("session_id" = i32, Path)), responses(
    (status = 201, description = "Added", body = AgendaChange), (status = 200, description = "Already there", body = AgendaChange),
    (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
    (status = 409, response = Conflict), (status = 422, response = Unprocessable),
))]
#[put("/me/agenda/<session_id>")]
pub async fn add(session_id: i32, user: ApiUser, state: &State<AppState>) -> AppResult<Custom<Json<AgendaChange>>> {
    let added = agenda::add_by_session_id(&state.db, &user.0, session_id).await?;
    let status = if added.newly_added { Status::Created } else { Status::Ok };
    Ok(Custom(status, Json(AgendaChange::new(session_id, &added))))
}

/// Remove a session from your agenda
#[utoipa::path(delete, path = "/api/me/agenda/{session_id}", operation_id = "removeFromAgenda", security(("bearer" = [])),
    params(("session_id" = i32, Path)), responses(
    (status = 204, description = "Removed"), (status = 401, response = Unauthorized), (status = 404, response = NotFound), (status = 422, response = Unprocessable),
))]
#[delete("/me/agenda/<session_id>")]
pub async fn remove(session_id: i32, user: ApiUser, state: &State<AppState>) -> AppResult<NoContent> {
    if !agenda::remove(&state.db, &user.0, session_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(NoContent)
}
