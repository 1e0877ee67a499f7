//! Who is asking: the session cookie (pages) or a bearer token (API),
//! resolved once per request so handlers receive an authenticated user.

use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::outcome::{try_outcome, IntoOutcome};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::State;

use crate::config::Config;
use crate::db::entities::user;
use crate::domain::accounts::api_tokens;
use crate::domain::accounts::login_sessions;
use crate::web::AppState;

pub const SESSION_COOKIE: &str = "tribe_session";

pub fn session_cookie_base(config: &Config, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value)).path("/").http_only(true).same_site(SameSite::Lax).secure(config.secure_cookies).build()
}

/// Starts a server-side session for `account` and gives this browser its
/// cookie. The cookie is also encrypted (Rocket's private cookies), but
/// what makes it a session is the row its token names.
pub async fn start_session(
    cookies: &CookieJar<'_>,
    state: &AppState,
    account: &user::Model,
    device: &login_sessions::Device,
) -> crate::error::AppResult<()> {
    let token = login_sessions::start(&state.db, &state.config.sessions, account, device).await?;
    let mut cookie = session_cookie_base(&state.config, SESSION_COOKIE, token);
    cookie.set_max_age(rocket::time::Duration::seconds(state.config.sessions.lifetime.num_seconds()));
    cookies.add_private(cookie);
    Ok(())
}

/// Log-out: the session ends on the server (every copy of the cookie stops
/// working) and the cookie leaves this browser.
pub async fn end_session(cookies: &CookieJar<'_>, state: &AppState) -> crate::error::AppResult<()> {
    if let Some(cookie) = cookies.get_private(SESSION_COOKIE) {
        login_sessions::end(&state.db, cookie.value()).await?;
        state.sessions.forget(&crate::domain::secrets::hash_token(cookie.value()));
    }
    cookies.remove_private(Cookie::build(SESSION_COOKIE).path("/"));
    Ok(())
}

/// The logged-in account and session behind this request's cookie, looked
/// up at most once per request.
struct SessionUser(Option<login_sessions::ActiveSession>);

async fn load_session_user(req: &Request<'_>) -> Option<login_sessions::ActiveSession> {
    let cookie = req.cookies().get_private(SESSION_COOKIE)?;
    let state = req.rocket().state::<AppState>()?;
    let (token_hash, read_at) = (crate::domain::secrets::hash_token(cookie.value()), std::time::Instant::now());
    req.local_cache(|| SessionHash(Some(token_hash.clone())));
    match login_sessions::resolve(&state.db, &state.config.sessions, cookie.value()).await {
        Ok(found) => {
            // What the fast path may trust for a second (`kept_sessions`).
            match &found {
                Some(active) => state.sessions.remember(&token_hash, active, read_at),
                None => state.sessions.forget(&token_hash),
            }
            found
        }
        Err(error) => {
            tracing::error!(%error, "session lookup failed");
            None
        }
    }
}

/// How `kept_sessions` names this request's session, once it was resolved.
struct SessionHash(Option<String>);

/// The SHA-256 of this request's session token, when its session was
/// resolved (`resolve_session_user`).
pub fn resolved_session_hash<'r>(req: &'r Request<'_>) -> Option<&'r str> {
    req.local_cache(|| SessionHash(None)).0.as_deref()
}

/// A request that changes nothing (a page, not a form's post): it may use
/// what this instance read of its event, zone and team within the second
/// (`ExportCache::published_event`, `kept_sessions`). Its session is read
/// from the database all the same: a log-out ends it everywhere at once.
pub fn only_reads(req: &Request<'_>) -> bool {
    matches!(req.method(), rocket::http::Method::Get | rocket::http::Method::Head)
}

/// Resolves the session user (called by a fairing before routing, so that
/// catchers, which cannot wait on the database, can show who is logged in).
pub async fn resolve_session_user(req: &Request<'_>) {
    req.local_cache_async(async { SessionUser(load_session_user(req).await) }).await;
}

/// The SHA-256 of this request's session token (how `kept_sessions` names
/// it), when it carries one.
pub fn session_token_hash(cookies: &CookieJar<'_>) -> Option<String> {
    cookies.get_private(SESSION_COOKIE).map(|cookie| crate::domain::secrets::hash_token(cookie.value()))
}

/// The session user if one was resolved for this request.
pub fn cached_user<'r>(req: &'r Request<'_>) -> Option<&'r user::Model> {
    req.local_cache(|| SessionUser(None)).0.as_ref().map(|s| &s.account)
}

/// The id of this request's session, to mark "this device" in the list.
pub struct CurrentSessionId(pub Option<i32>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentSessionId {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        resolve_session_user(req).await;
        Outcome::Success(CurrentSessionId(req.local_cache(|| SessionUser(None)).0.as_ref().map(|s| s.session.id)))
    }
}

/// Where a request comes from, for a new session's row.
pub struct ClientDevice(pub login_sessions::Device);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientDevice {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let user_agent = req.headers().get_one("User-Agent").unwrap_or("").to_owned();
        Outcome::Success(ClientDevice(login_sessions::Device { user_agent, ip: req.client_ip() }))
    }
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
            Ok(Some(account)) => {
                req.local_cache(|| ApiAccount(Some(account.id)));
                Outcome::Success(ApiUser(account))
            }
            Ok(None) => Outcome::Error((Status::Unauthorized, ())),
            Err(err) => {
                tracing::error!(error = %err, "token lookup failed");
                Outcome::Error((Status::ServiceUnavailable, ()))
            }
        }
    }
}

/// The account an API request was authenticated as, once `ApiUser` ran.
struct ApiAccount(Option<i32>);

/// Who made this request, logged in or through the API, if anyone.
pub fn acting_account_id(req: &Request<'_>) -> Option<i32> {
    cached_user(req).map(|account| account.id).or(req.local_cache(|| ApiAccount(None)).0)
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

/// The cookie that keeps a visitor's chosen zone when they are not logged in.
pub const ZONE_COOKIE: &str = "tribe_zone";

/// The zone this viewer reads times in, when known: their profile's zone
/// when logged in, otherwise the one they chose on the time-zone page. Pages
/// fall back to the event's zone (and their script to the browser's).
pub struct ViewerZone(pub Option<(chrono_tz::Tz, crate::domain::times::ZoneSource)>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ViewerZone {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        use crate::domain::times::{parse_zone, ZoneSource};
        resolve_session_user(req).await;
        if let (Some(account), Some(state)) = (cached_user(req), req.rocket().state::<AppState>()) {
            let session = resolved_session_hash(req);
            let kept = session.filter(|_| only_reads(req)).and_then(|hash| state.sessions.zone(hash, &state.config.sessions));
            let profile_zone = match kept {
                Some(zone) => Ok(zone),
                None => crate::domain::accounts::time_zone_of(&state.db, account.id).await.inspect(|zone| {
                    if let Some(hash) = session {
                        state.sessions.note_zone(hash, *zone);
                    }
                }),
            };
            match profile_zone {
                Ok(Some(zone)) => return Outcome::Success(ViewerZone(Some((zone, ZoneSource::Profile)))),
                Ok(None) => {}
                Err(error) => tracing::error!(%error, "profile zone lookup failed"),
            }
        }
        let chosen = req.cookies().get(ZONE_COOKIE).and_then(|c| parse_zone(c.value()));
        Outcome::Success(ViewerZone(chosen.map(|zone| (zone, ZoneSource::Chosen))))
    }
}

/// The page's own script asked (`Accept: application/json`): answer with a
/// small JSON state instead of a redirect, so the page changes in place.
pub struct WantsJson(pub bool);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for WantsJson {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(WantsJson(req.headers().get("Accept").any(|v| v.contains("application/json"))))
    }
}
