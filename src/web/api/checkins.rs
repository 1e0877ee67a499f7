//! Check-in over the API, for door scanners: the scanned token in, the
//! outcome out. Repeating a scan is harmless.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};

use crate::domain::badges::offline::BadgeKey;
use crate::domain::badges::{self, SignedDocument};
use crate::domain::registration::checkin::{self, Stats};
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::event_guards::ApiTeamEvent;
use crate::web::views::badges::{CheckIn, CheckInRequest};
use crate::web::views::problems::{BadRequest, Forbidden, Gone, NotFound, Unauthorized, Unprocessable, UnsupportedMediaType};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![check_in, stats, badge_key, offline_list]
}

/// Check in a scanned badge (team only): 201 the first time, 200 with the earlier time after that
///
/// 404 for a token that is not this event's, 410 for a cancelled registration.
#[utoipa::path(post, path = "/api/events/{slug}/checkins", operation_id = "checkIn", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body = CheckInRequest, responses(
    (status = 201, description = "Checked in now", body = CheckIn), (status = 200, description = "Checked in earlier", body = CheckIn),
    (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
    (status = 410, response = Gone), (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
))]
#[post("/events/<_slug>/checkins", data = "<body>")]
pub async fn check_in(_slug: &str, team: ApiTeamEvent, body: ApiJson<CheckInRequest>, state: &State<AppState>) -> AppResult<Custom<Json<CheckIn>>> {
    let scan = checkin::at_the_door(&state.db, team.0.event.id, &body.0.token, &team.0.member).await?;
    let status = match scan.outcome {
        "checked_in" => Status::Created,
        "already" => Status::Ok,
        "cancelled" => return Err(AppError::Gone(scan.message)),
        _ => return Err(AppError::NotFound),
    };
    Ok(Custom(status, Json(CheckIn::new(scan, status == Status::Created))))
}

/// The event's Ed25519 public key, to check badge tokens offline (team only)
#[utoipa::path(get, path = "/api/events/{slug}/badges/key", operation_id = "badgeKey", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, description = "OK", body = BadgeKey), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
    (status = 404, response = NotFound)))]
#[get("/events/<_slug>/badges/key")]
pub async fn badge_key(_slug: &str, team: ApiTeamEvent, state: &State<AppState>) -> AppResult<Json<BadgeKey>> {
    Ok(Json(badges::offline::public_key(&state.db, &state.config.key_encryption_key, &team.0.event).await?))
}

/// Every badge of the event as of now, signed with the event's key, for scanners without a network (team only)
#[utoipa::path(get, path = "/api/events/{slug}/badges/offline-list", operation_id = "offlineBadgeList", security(("bearer" = [])),
    params(("slug" = String, Path)), responses((status = 200, description = "OK", body = SignedDocument), (status = 401, response = Unauthorized),
    (status = 403, response = Forbidden), (status = 404, response = NotFound)))]
#[get("/events/<_slug>/badges/offline-list")]
pub async fn offline_list(_slug: &str, team: ApiTeamEvent, state: &State<AppState>) -> AppResult<Json<SignedDocument>> {
    Ok(Json(badges::offline::signed_list(&state.db, &state.config.key_encryption_key, &team.0.event).await?))
}

/// Checked in out of registered, by ticket type and role (team only)
#[utoipa::path(get, path = "/api/events/{slug}/checkins/stats", operation_id = "checkInStats", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, description = "OK", body = Stats), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
    (status = 404, response = NotFound)))]
#[get("/events/<_slug>/checkins/stats")]
pub async fn stats(_slug: &str, team: ApiTeamEvent, state: &State<AppState>) -> AppResult<Json<Stats>> {
    Ok(Json(checkin::stats(&state.db, team.0.event.id).await?))
}
