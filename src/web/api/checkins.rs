//! Check-in over the API, for door scanners: the scanned token in, the
//! outcome out. Repeating a scan is harmless.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::checkin::{self, CheckIn, Scanned};
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::event_guards::ApiTeamEvent;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![check_in, stats]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckInRequest {
    /// The badge token, or the whole `<base>/b/<token>` URL a camera read.
    token: String,
}

/// 201 the first time, 200 with the earlier time after that, 404 for a
/// token that is not this event's, 410 for a cancelled registration.
#[post("/events/<_slug>/checkins", data = "<body>")]
async fn check_in(_slug: &str, team: ApiTeamEvent, body: ApiJson<CheckInRequest>, state: &State<AppState>) -> AppResult<Custom<Json<Value>>> {
    let token = body.0.token.trim();
    let token = token.rsplit_once("/b/").map(|(_, t)| t).unwrap_or(token);
    let found = match checkin::resolve_token(&state.db, &state.config.badge_key, token, Some(team.0.event.id)).await? {
        Scanned::Valid(found) => found,
        Scanned::Invalid => return Err(AppError::NotFound),
        Scanned::NoLongerValid(found) => return Err(AppError::Gone(format!("The registration is {}; this badge is no longer valid.", found.status))),
    };
    let holder = crate::domain::accounts::find_by_id(&state.db, found.user_id).await?.ok_or(AppError::NotFound)?;
    let (status, at, first) = match checkin::check_in(&state.db, found.id, &team.0.member).await? {
        CheckIn::First { at } => (Status::Created, at, true),
        CheckIn::Already { at, .. } => (Status::Ok, at, false),
    };
    Ok(Custom(status, Json(json!({"registration_id": found.id, "name": holder.display_name, "checked_in_at": at, "first_time": first}))))
}

#[get("/events/<_slug>/checkins/stats")]
async fn stats(_slug: &str, team: ApiTeamEvent, state: &State<AppState>) -> AppResult<Json<checkin::Stats>> {
    Ok(Json(checkin::stats(&state.db, team.0.event.id).await?))
}
