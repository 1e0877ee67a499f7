//! Profiles, the directory, matches, connections, my tribe and my tables
//! over the API. The same visibility rules as the pages apply: every list
//! comes from the domain functions that leave hidden profiles out.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{get, post, put, routes, Route, State};

use crate::db::entities::connection::ConnectionStatus;
use crate::domain::community::connections::{self, Answer, Requested};
use crate::domain::community::people::{self, DirectoryFilter, PersonCard};
use crate::domain::community::profiles::{self, ProfileInput};
use crate::domain::community::{tables, tribes};
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::event_guards::ApiVisibleEvent;
use crate::web::guards::ApiUser;
use crate::web::views::community::{ConnectRequest, ConnectionChange, ConnectionsView, Matches, ProfileUpdate, ProfileView};
use crate::web::views::problems::{BadRequest, Conflict, Forbidden, NotFound, Unauthorized, Unprocessable, UnsupportedMediaType};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![my_profile, update_profile, directory, my_matches, my_connections, request_connection, answer_connection, my_tribe, my_tables]
}

/// Your profile
#[utoipa::path(get, path = "/api/me/profile", operation_id = "getMyProfile", security(("bearer" = [])), responses(
    (status = 200, description = "OK", body = ProfileView), (status = 401, response = Unauthorized),
))]
#[get("/me/profile")]
pub async fn my_profile(user: ApiUser, state: &State<AppState>) -> AppResult<Json<ProfileView>> {
    let stored = profiles::load(&state.db, user.0.id).await?;
    Ok(Json(ProfileView::new(&user.0, &stored)))
}

/// Change your profile (fields left out keep their value)
#[utoipa::path(put, path = "/api/me/profile", operation_id = "updateMyProfile", security(("bearer" = [])), request_body = ProfileUpdate, responses(
    (status = 200, description = "OK", body = ProfileView),
    (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 415, response = UnsupportedMediaType),
    (status = 422, response = Unprocessable),
))]
#[put("/me/profile", data = "<body>")]
pub async fn update_profile(user: ApiUser, body: ApiJson<ProfileUpdate>, state: &State<AppState>) -> AppResult<Json<ProfileView>> {
    let stored = profiles::load(&state.db, user.0.id).await?;
    let input = body.0.apply(ProfileInput::from_stored(&user.0, &stored));
    let saved = profiles::save(&state.db, &user.0, &input).await?;
    let account = crate::domain::accounts::find_by_id(&state.db, user.0.id).await?.unwrap_or(user.0);
    Ok(Json(ProfileView::new(&account, &saved)))
}

/// The event's directory: attendees see attendees-only and public profiles, others public ones; hidden profiles never
#[utoipa::path(get, path = "/api/events/{slug}/people", operation_id = "listPeople", security(("bearer" = [])), params(
    ("slug" = String, Path), ("role" = Option<i32>, Query), ("interest" = Option<String>, Query), ("organization" = Option<String>, Query),
    ("q" = Option<String>, Query, description = "Part of a name"),
), responses(
    (status = 200, description = "OK", body = Vec<PersonCard>), (status = 401, response = Unauthorized), (status = 404, response = NotFound),
    (status = 422, response = Unprocessable),
))]
#[get("/events/<_slug>/people?<role>&<interest>&<organization>&<q>")]
#[allow(clippy::too_many_arguments)]
pub async fn directory(
    _slug: &str,
    role: Option<i32>,
    interest: Option<String>,
    organization: Option<String>,
    q: Option<String>,
    visible: ApiVisibleEvent,
    user: ApiUser,
    state: &State<AppState>,
) -> AppResult<Json<Vec<PersonCard>>> {
    let access = people::access(&state.db, &visible.event, Some(&user.0)).await?;
    let filter = DirectoryFilter { role_id: role, interest, organization, name: q };
    let everyone = state.attendees.attendees(&state.db, &visible.event).await?;
    Ok(Json(people::directory(&everyone, access, &filter).into_iter().map(|a| a.card()).collect()))
}

/// Up to 10 peers in your role, ranked, with why
#[utoipa::path(get, path = "/api/events/{slug}/matches", operation_id = "getMyMatches", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, description = "OK", body = Matches), (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
#[get("/events/<_slug>/matches")]
pub async fn my_matches(_slug: &str, visible: ApiVisibleEvent, user: ApiUser, state: &State<AppState>) -> AppResult<Json<Matches>> {
    Ok(Json(Matches::from(state.attendees.suggestions(&state.db, &visible.event, &user.0, 10).await?)))
}

/// Requests to and from you, connections (with their handles) and blocks
#[utoipa::path(get, path = "/api/me/connections", operation_id = "listMyConnections", security(("bearer" = [])), responses(
    (status = 200, description = "OK", body = ConnectionsView), (status = 401, response = Unauthorized),
))]
#[get("/me/connections")]
pub async fn my_connections(user: ApiUser, state: &State<AppState>) -> AppResult<Json<ConnectionsView>> {
    Ok(Json(ConnectionsView::load(&state.db, &user.0).await?))
}

/// Ask someone you share an event with to connect; meets their request if they asked first
///
/// 201 with `pending` when a request was sent, 200 with `accepted` when it
/// met a request of theirs.
#[utoipa::path(post, path = "/api/me/connections", operation_id = "requestConnection", security(("bearer" = [])), request_body = ConnectRequest,
    responses(
    (status = 201, description = "Request sent", body = ConnectionChange), (status = 200, description = "Connected (they had asked)", body = ConnectionChange),
    (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 404, response = NotFound), (status = 409, response = Conflict),
    (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
))]
#[post("/me/connections", data = "<body>")]
pub async fn request_connection(user: ApiUser, body: ApiJson<ConnectRequest>, state: &State<AppState>) -> AppResult<Custom<Json<ConnectionChange>>> {
    let target = body.0.user_id;
    let (status, stands) = match connections::ask(&state.db, &user.0, target, &body.0.note).await? {
        Requested::Sent => (Status::Created, ConnectionStatus::Pending),
        Requested::Connected => (Status::Ok, ConnectionStatus::Accepted),
    };
    Ok(Custom(status, Json(ConnectionChange { user_id: Some(target), id: None, status: stands })))
}

/// accept or decline a request to you, or withdraw yours
#[utoipa::path(post, path = "/api/me/connections/{id}/{action}", operation_id = "answerConnection", security(("bearer" = [])), params(
    ("id" = i32, Path), ("action" = String, Path, pattern = "^(accept|decline|withdraw)$"),
), responses(
    (status = 200, description = "OK", body = ConnectionChange), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
    (status = 404, response = NotFound), (status = 409, response = Conflict), (status = 422, response = Unprocessable),
))]
#[post("/me/connections/<id>/<action>")]
pub async fn answer_connection(id: i32, action: &str, user: ApiUser, state: &State<AppState>) -> AppResult<Json<ConnectionChange>> {
    let answer = match action {
        "accept" => Answer::Accept,
        "decline" => Answer::Decline,
        "withdraw" => Answer::Withdraw,
        _ => return Err(AppError::NotFound),
    };
    let updated = connections::answer(&state.db, &user.0, id, answer).await?;
    Ok(Json(ConnectionChange { user_id: None, id: Some(updated.id), status: updated.status }))
}

/// Your tribe and its meetup
#[utoipa::path(get, path = "/api/events/{slug}/my-tribe", operation_id = "getMyTribe", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, description = "OK", body = tribes::TribeView), (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
#[get("/events/<_slug>/my-tribe")]
pub async fn my_tribe(_slug: &str, visible: ApiVisibleEvent, user: ApiUser, state: &State<AppState>) -> AppResult<Json<tribes::TribeView>> {
    let community = state.communities.get(&state.db, &state.attendees, &visible.event).await?;
    Ok(Json(community.tribe_of(user.0.id).cloned().ok_or(AppError::NotFound)?))
}

/// Your seat in each table plan
#[utoipa::path(get, path = "/api/events/{slug}/my-tables", operation_id = "getMyTables", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, description = "OK", body = Vec<tables::MyTable>), (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
#[get("/events/<_slug>/my-tables")]
pub async fn my_tables(_slug: &str, visible: ApiVisibleEvent, user: ApiUser, state: &State<AppState>) -> AppResult<Json<Vec<tables::MyTable>>> {
    Ok(Json(state.communities.get(&state.db, &state.attendees, &visible.event).await?.tables_of(user.0.id)))
}
