//! Profiles, the directory, matches, connections, my tribe and my tables
//! over the API. The same visibility rules as the pages apply: every list
//! comes from the domain functions that leave hidden profiles out.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{get, post, put, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::community::connections::{self, Answer, Requested};
use crate::domain::community::people::{self, DirectoryFilter};
use crate::domain::community::profiles::{self, ProfileInput};
use crate::domain::community::{matches, tables, tribes};
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::event_guards::ApiVisibleEvent;
use crate::web::guards::ApiUser;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![my_profile, update_profile, directory, my_matches, my_connections, request_connection, answer_connection, my_tribe, my_tables]
}

fn profile_json(account: &crate::db::entities::user::Model, p: &crate::db::entities::profile::Model) -> Value {
    json!({
        "user_id": account.id,
        "display_name": account.display_name,
        "pronouns": p.pronouns, "headline": p.headline, "organization": p.organization, "bio": p.bio,
        "interests": crate::domain::input::split_tags(&p.interests),
        "looking_for": crate::domain::input::split_tags(&p.looking_for),
        "can_offer": crate::domain::input::split_tags(&p.can_offer),
        "handle_x": p.handle_x, "handle_mastodon": p.handle_mastodon, "handle_bluesky": p.handle_bluesky,
        "handle_linkedin": p.handle_linkedin, "website": p.website, "time_zone": p.time_zone,
        "visibility": p.visibility, "matching_enabled": p.matching_enabled, "share_on_scan": p.share_on_scan,
    })
}

#[get("/me/profile")]
async fn my_profile(user: ApiUser, state: &State<AppState>) -> AppResult<Json<Value>> {
    let stored = profiles::load(&state.db, user.0.id).await?;
    Ok(Json(profile_json(&user.0, &stored)))
}

/// Tags as a list or as one comma-separated string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Tags {
    List(Vec<String>),
    Text(String),
}

impl Tags {
    fn joined(self) -> String {
        match self {
            Tags::List(items) => items.join(","),
            Tags::Text(text) => text,
        }
    }
}

/// Fields left out keep their stored value.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ProfileUpdate {
    display_name: Option<String>,
    pronouns: Option<String>,
    headline: Option<String>,
    organization: Option<String>,
    bio: Option<String>,
    interests: Option<Tags>,
    looking_for: Option<Tags>,
    can_offer: Option<Tags>,
    handle_x: Option<String>,
    handle_mastodon: Option<String>,
    handle_bluesky: Option<String>,
    handle_linkedin: Option<String>,
    website: Option<String>,
    time_zone: Option<String>,
    visibility: Option<String>,
    matching_enabled: Option<bool>,
    share_on_scan: Option<bool>,
}

#[put("/me/profile", data = "<body>")]
async fn update_profile(user: ApiUser, body: ApiJson<ProfileUpdate>, state: &State<AppState>) -> AppResult<Json<Value>> {
    let stored = profiles::load(&state.db, user.0.id).await?;
    let mut input = ProfileInput::from_stored(&user.0, &stored);
    let u = body.0;
    let set = |target: &mut String, value: Option<String>| {
        if let Some(v) = value {
            *target = v;
        }
    };
    set(&mut input.display_name, u.display_name);
    set(&mut input.pronouns, u.pronouns);
    set(&mut input.headline, u.headline);
    set(&mut input.organization, u.organization);
    set(&mut input.bio, u.bio);
    set(&mut input.interests, u.interests.map(Tags::joined));
    set(&mut input.looking_for, u.looking_for.map(Tags::joined));
    set(&mut input.can_offer, u.can_offer.map(Tags::joined));
    set(&mut input.handle_x, u.handle_x);
    set(&mut input.handle_mastodon, u.handle_mastodon);
    set(&mut input.handle_bluesky, u.handle_bluesky);
    set(&mut input.handle_linkedin, u.handle_linkedin);
    set(&mut input.website, u.website);
    set(&mut input.time_zone, u.time_zone);
    set(&mut input.visibility, u.visibility);
    input.matching_enabled = u.matching_enabled.unwrap_or(input.matching_enabled);
    input.share_on_scan = u.share_on_scan.unwrap_or(input.share_on_scan);
    let saved = profiles::save(&state.db, &user.0, &input).await?;
    let account = crate::domain::accounts::find_by_id(&state.db, user.0.id).await?.unwrap_or(user.0);
    Ok(Json(profile_json(&account, &saved)))
}

#[get("/events/<_slug>/people?<role>&<interest>&<organization>&<q>")]
async fn directory(
    _slug: &str,
    role: Option<i32>,
    interest: Option<String>,
    organization: Option<String>,
    q: Option<String>,
    visible: ApiVisibleEvent,
    user: ApiUser,
    state: &State<AppState>,
) -> AppResult<Json<Vec<people::PersonCard>>> {
    let access = people::access(&state.db, &visible.event, Some(&user.0)).await?;
    let filter = DirectoryFilter { role_id: role, interest, organization, name: q };
    Ok(Json(people::directory(&state.db, &visible.event, access, &filter).await?))
}

#[get("/events/<_slug>/matches")]
async fn my_matches(_slug: &str, visible: ApiVisibleEvent, user: ApiUser, state: &State<AppState>) -> AppResult<Json<Value>> {
    match matches::suggestions(&state.db, &visible.event, &user.0, 10).await? {
        Ok(list) => Ok(Json(json!({"matches": list}))),
        Err(reason) => Ok(Json(json!({"matches": [], "not_matched": reason, "detail": reason.message()}))),
    }
}

#[get("/me/connections")]
async fn my_connections(user: ApiUser, state: &State<AppState>) -> AppResult<Json<Value>> {
    Ok(Json(crate::web::pages::profiles::overview_json(state, &user.0).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectRequest {
    user_id: i32,
    #[serde(default)]
    note: String,
}

/// 201 with `pending` when a request was sent, 200 with `accepted` when it
/// met a request of theirs.
#[post("/me/connections", data = "<body>")]
async fn request_connection(user: ApiUser, body: ApiJson<ConnectRequest>, state: &State<AppState>) -> AppResult<Custom<Json<Value>>> {
    let target = body.0.user_id;
    match connections::ask(&state.db, &user.0, target, &body.0.note).await? {
        Requested::Sent => Ok(Custom(Status::Created, Json(json!({"user_id": target, "status": "pending"})))),
        Requested::Connected => Ok(Custom(Status::Ok, Json(json!({"user_id": target, "status": "accepted"})))),
    }
}

#[post("/me/connections/<id>/<action>")]
async fn answer_connection(id: i32, action: &str, user: ApiUser, state: &State<AppState>) -> AppResult<Json<Value>> {
    let answer = match action {
        "accept" => Answer::Accept,
        "decline" => Answer::Decline,
        "withdraw" => Answer::Withdraw,
        _ => return Err(AppError::NotFound),
    };
    let updated = connections::answer(&state.db, &user.0, id, answer).await?;
    Ok(Json(json!({"id": updated.id, "status": updated.status})))
}

#[get("/events/<_slug>/my-tribe")]
async fn my_tribe(_slug: &str, visible: ApiVisibleEvent, user: ApiUser, state: &State<AppState>) -> AppResult<Json<tribes::TribeView>> {
    Ok(Json(tribes::of_member(&state.db, &visible.event, &user.0).await?.ok_or(AppError::NotFound)?))
}

#[get("/events/<_slug>/my-tables")]
async fn my_tables(_slug: &str, visible: ApiVisibleEvent, user: ApiUser, state: &State<AppState>) -> AppResult<Json<Vec<tables::MyTable>>> {
    Ok(Json(tables::of_member(&state.db, &visible.event, &user.0).await?))
}
