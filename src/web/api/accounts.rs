//! `/api/tokens` and `/api/me`.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::accounts::api_tokens;
use crate::domain::accounts::throttle;
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::guards::{ApiUser, ClientIp};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![create_token, me]
}

#[derive(Deserialize)]
struct TokenRequest {
    email: String,
    password: String,
    #[serde(default)]
    name: String,
}

/// Exchanges email and password for a personal API token, shown only in
/// this answer. Throttled like the log-in form.
#[post("/tokens", data = "<body>")]
async fn create_token(body: ApiJson<TokenRequest>, ip: ClientIp, state: &State<AppState>) -> AppResult<Custom<Json<Value>>> {
    let ApiJson(request) = body;
    let limits = &state.config.login_throttle;
    let account = throttle::authenticate(&state.db, limits, ip.0, &request.email, &request.password).await?.ok_or(AppError::Unauthorized)?;
    let (token, plaintext) = api_tokens::create(&state.db, account.id, &request.name).await?;
    Ok(Custom(
        Status::Created,
        Json(json!({
            "id": token.id,
            "name": token.name,
            "token": plaintext,
            "created_at": token.created_at,
        })),
    ))
}

#[get("/me")]
fn me(user: ApiUser) -> Json<Value> {
    let user = user.0;
    Json(json!({
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "is_site_admin": user.is_site_admin,
        "created_at": user.created_at,
    }))
}
