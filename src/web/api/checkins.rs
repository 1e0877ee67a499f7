//! Check-in over the API, for door scanners: the scanned token in, the
//! outcome out. Repeating a scan is harmless.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::badges;
use crate::domain::registration::checkin;
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::event_guards::ApiTeamEvent;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![check_in, stats, badge_key, offline_list]
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
    let scan = checkin::at_the_door(&state.db, team.0.event.id, &body.0.token, &team.0.member).await?;
    let status = match scan.outcome {
        "checked_in" => Status::Created,
        "already" => Status::Ok,
        "cancelled" => return Err(AppError::Gone(scan.message)),
        _ => return Err(AppError::NotFound),
    };
    Ok(Custom(
        status,
        Json(json!({
            "registration_id": scan.registration_id, "name": scan.name, "ticket": scan.ticket, "role": scan.role,
            "checked_in_at": scan.checked_in_at, "checked_in_by": scan.checked_in_by, "first_time": status == Status::Created,
        })),
    ))
}

/// The event's public key, for scanners that check badges offline.
#[get("/events/<_slug>/badges/key")]
async fn badge_key(_slug: &str, team: ApiTeamEvent, state: &State<AppState>) -> AppResult<Json<Value>> {
    Ok(Json(badges::offline::public_key(&state.db, &state.config.key_encryption_key, &team.0.event).await?))
}

/// Every badge of the event as of now, signed with the event's key.
#[get("/events/<_slug>/badges/offline-list")]
async fn offline_list(_slug: &str, team: ApiTeamEvent, state: &State<AppState>) -> AppResult<Json<badges::SignedDocument>> {
    Ok(Json(badges::offline::signed_list(&state.db, &state.config.key_encryption_key, &team.0.event).await?))
}

#[get("/events/<_slug>/checkins/stats")]
async fn stats(_slug: &str, team: ApiTeamEvent, state: &State<AppState>) -> AppResult<Json<checkin::Stats>> {
    Ok(Json(checkin::stats(&state.db, team.0.event.id).await?))
}
