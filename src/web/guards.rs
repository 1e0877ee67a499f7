//! Who is asking: the session cookie (pages) or a bearer token (API),
//! resolved once per request so handlers receive an authenticated user.

use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::outcome::{try_outcome, IntoOutcome};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::State;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::db::entities::user;
use crate::domain::{accounts, api_tokens};
use crate::web::AppState;

pub const SESSION_COOKIE: &str = "tribe_session";
/// A session lasts two weeks from log-in.
pub const SESSION_DAYS: i64 = 14;

/// What the encrypted session cookie carries. The epoch ties it to the
/// password it was issued under: changing the password ends other sessions.
#[derive(Debug, Serialize, Deserialize)]
struct SessionClaims {
    uid: i32,
    epoch: i32,
    iat: i64,
}

pub fn session_cookie_base(config: &Config, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value)).path("/").http_only(true).same_site(SameSite::Lax).secure(config.secure_cookies).build()
}

pub fn start_session(cookies: &CookieJar<'_>, config: &Config, account: &user::Model) {
    let claims = SessionClaims { uid: account.id, epoch: account.session_epoch, iat: chrono::Utc::now().timestamp() };
    let mut cookie = session_cookie_base(config, SESSION_COOKIE, serde_json::to_string(&claims).unwrap_or_default());
    cookie.set_max_age(rocket::time::Duration::days(SESSION_DAYS));
    cookies.add_private(cookie);
}

pub fn end_session(cookies: &CookieJar<'_>) {
    cookies.remove_private(Cookie::build(SESSION_COOKIE).path("/"));
}

/// The logged-in account behind this request's session cookie, looked up at
/// most once per request.
struct SessionUser(Option<user::Model>);

async fn load_session_user(req: &Request<'_>) -> Option<user::Model> {
    let cookie = req.cookies().get_private(SESSION_COOKIE)?;
    let claims: SessionClaims = serde_json::from_str(cookie.value()).ok()?;
    if chrono::Utc::now().timestamp() - claims.iat > SESSION_DAYS * 86_400 {
        return None;
    }
    let state = req.rocket().state::<AppState>()?;
    let account = accounts::find_by_id(&state.db, claims.uid).await.ok().flatten()?;
    (account.session_epoch == claims.epoch).then_some(account)
}

/// Resolves the session user (called by a fairing before routing, so that
/// catchers, which cannot wait on the database, can show who is logged in).
pub async fn resolve_session_user(req: &Request<'_>) {
    req.local_cache_async(async { SessionUser(load_session_user(req).await) }).await;
}

/// The session user if one was resolved for this request.
pub fn cached_user<'r>(req: &'r Request<'_>) -> Option<&'r user::Model> {
    req.local_cache(|| SessionUser(None)).0.as_ref()
}

/// Anyone, logged in or not.
pub struct MaybeUser(pub Option<user::Model>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for MaybeUser {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        resolve_session_user(req).await;
        Outcome::Success(MaybeUser(cached_user(req).cloned()))
    }
}

/// A logged-in person; anonymous requests get 401, which the catcher turns
/// into a redirect to the log-in page for browsers.
pub struct CurrentUser(pub user::Model);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let MaybeUser(found) = try_outcome!(req.guard::<MaybeUser>().await.map_error(|(s, _)| (s, ())));
        found.map(CurrentUser).or_error((Status::Unauthorized, ()))
    }
}

/// An API caller authenticated by `Authorization: Bearer <token>`. The API
/// takes no cookies, so cross-site requests cannot ride on a browser session.
pub struct ApiUser(pub user::Model);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ApiUser {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let Some(header) = req.headers().get_one("Authorization") else {
            return Outcome::Error((Status::Unauthorized, ()));
        };
        let token = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Outcome::Error((Status::Unauthorized, ())),
        };
        let state = try_outcome!(req.guard::<&State<AppState>>().await.map_error(|(s, _)| (s, ())));
        match api_tokens::authenticate(&state.db, token).await {
            Ok(Some(account)) => Outcome::Success(ApiUser(account)),
            Ok(None) => Outcome::Error((Status::Unauthorized, ())),
            Err(err) => {
                tracing::error!(error = %err, "token lookup failed");
                Outcome::Error((Status::ServiceUnavailable, ()))
            }
        }
    }
}

/// The client's address as Rocket sees it (the socket peer, or the
/// configured proxy header when `ROCKET_IP_HEADER` is set).
pub struct ClientIp(pub Option<std::net::IpAddr>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientIp {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(ClientIp(req.client_ip()))
    }
}
