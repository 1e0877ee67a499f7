//! `/api/me/agenda`: the caller's agenda; PUT adds a session, DELETE removes it.

use rocket::http::Status;
use rocket::response::status::{Custom, NoContent};
use rocket::serde::json::Json;
use rocket::{delete, get, put, routes, Route, State};
use serde_json::{json, Value};

use crate::domain::schedule::agenda;
use crate::error::{AppError, AppResult};
use crate::web::guards::ApiUser;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![my_agenda, add, remove]
}

#[get("/me/agenda")]
async fn my_agenda(user: ApiUser, state: &State<AppState>) -> AppResult<Json<Vec<Value>>> {
    let entries = agenda::entries(&state.db, user.0.id).await?;
    Ok(Json(
        entries
            .iter()
            .map(|e| {
                json!({
                    "session_id": e.session.session.id,
                    "event": e.event.slug,
                    "title": e.session.session.title,
                    "starts_at": e.session.session.starts_at,
                    "ends_at": e.session.session.ends_at,
                    "time_zone": e.event.time_zone,
                    "room": e.session.room.as_ref().map(|r| r.name.clone()),
                    "status": e.session.session.status,
                    "clashes_with": e.clashes_with,
                })
            })
            .collect(),
    ))
}

/// 201 when added, 200 when it was there already; `clashes` lists overlaps.
#[put("/me/agenda/<session_id>")]
async fn add(session_id: i32, user: ApiUser, state: &State<AppState>) -> AppResult<Custom<Json<Value>>> {
    let added = agenda::add_by_session_id(&state.db, &user.0, session_id).await?;
    let status = if added.newly_added { Status::Created } else { Status::Ok };
    let clashes: Vec<Value> = added.clashes.iter().map(|s| json!({"session_id": s.id, "title": s.title})).collect();
    Ok(Custom(status, Json(json!({"session_id": session_id, "clashes": clashes}))))
}

#[delete("/me/agenda/<session_id>")]
async fn remove(session_id: i32, user: ApiUser, state: &State<AppState>) -> AppResult<NoContent> {
    if !agenda::remove(&state.db, &user.0, session_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(NoContent)
}
