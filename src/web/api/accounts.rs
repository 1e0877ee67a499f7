//! `/api/tokens` and `/api/me`.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};

use crate::domain::accounts::api_tokens;
use crate::domain::accounts::throttle;
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::guards::{ApiUser, ClientIp};
use crate::web::views::accounts::{Me, Token, TokenRequest};
use crate::web::views::problems::{BadRequest, TooManyRequests, Unauthorized, Unprocessable, UnsupportedMediaType};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![create_token, me]
}

/// Exchange email and password for a personal API token
///
/// The token is shown only in this answer. Throttled like the log-in form.
#[utoipa::path(post, path = "/api/tokens", operation_id = "createToken", request_body = TokenRequest, responses(
    (status = 201, description = "Created", body = Token),
    (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 415, response = UnsupportedMediaType),
    (status = 422, response = Unprocessable), (status = 429, response = TooManyRequests),
))]
#[post("/tokens", data = "<body>")]
pub async fn create_token(body: ApiJson<TokenRequest>, ip: ClientIp, state: &State<AppState>) -> AppResult<Custom<Json<Token>>> {
    let ApiJson(request) = body;
    let limits = &state.config.login_throttle;
    let account = throttle::authenticate(&state.db, limits, ip.0, &request.email, &request.password).await?.ok_or(AppError::Unauthorized)?;
    let (token, plaintext) = api_tokens::create(&state.db, account.id, &request.name).await?;
    Ok(Custom(Status::Created, Json(Token::new(&token, plaintext))))
}

/// The account the token belongs to
#[utoipa::path(get, path = "/api/me", operation_id = "getMe", security(("bearer" = [])), responses(
    (status = 200, description = "OK", body = Me), (status = 401, response = Unauthorized),
))]
#[get("/me")]
pub fn me(user: ApiUser) -> Json<Me> {
    Json(Me::from(&user.0))
}
