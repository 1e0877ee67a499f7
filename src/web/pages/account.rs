//! Sign-up, log-in, log-out and the account page (password, API tokens).

use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::entities::event_member::TeamRole;
use crate::db::entities::registration::RegistrationStatus;
use crate::domain::accounts;
use crate::domain::accounts::api_tokens;
use crate::domain::accounts::login_sessions;
use crate::domain::accounts::throttle;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::catchers::safe_next;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::guards::{end_session, start_session, ClientDevice, ClientIp, CurrentSessionId, CurrentUser};
use crate::web::render::{Html, Page};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        signup_page,
        signup,
        login_page,
        login,
        logout,
        account_page,
        change_password,
        create_token,
        revoke_token,
        end_one_session,
        end_every_session
    ]
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct SignUpForm {
    email: String,
    display_name: String,
    password: String,
    next: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct LogInForm {
    email: String,
    password: String,
    next: String,
}

fn next_or_home(next: &str) -> String {
    safe_next(next).filter(|n| !n.starts_with("/login") && !n.starts_with("/signup")).unwrap_or("/").to_owned()
}

/// Log-in or sign-up in this browser: whatever session it had ends (a
/// session token seen before log-in is worthless after), a new one starts,
/// and so does a fresh form token.
async fn log_in_browser(
    cookies: &CookieJar<'_>,
    state: &AppState,
    account: &crate::db::entities::user::Model,
    device: &ClientDevice,
) -> AppResult<()> {
    end_session(cookies, state).await?;
    start_session(cookies, state, account, &device.0).await?;
    cookies.remove_private(crate::web::csrf::CSRF_COOKIE);
    Ok(())
}

/// What a throttled password form says about when to try again.
fn wait_before_retrying(retry_after_secs: u64) -> String {
    format!("Please wait {} minutes and try again.", retry_after_secs.div_ceil(60))
}

#[get("/signup?<next>")]
fn signup_page(page: Page, next: Option<&str>) -> Html {
    if page.user.is_some() {
        return Html::Redirect(Redirect::to("/account"));
    }
    page.ok("account/signup", "Sign up", json!({"form": {"next": next.and_then(safe_next)}}))
}

#[post("/signup", data = "<form>")]
async fn signup(page: Page, form: CsrfForm<SignUpForm>, device: ClientDevice, state: &State<AppState>, cookies: &CookieJar<'_>) -> AppResult<Html> {
    let CsrfForm(form) = form;
    let input = accounts::SignUp { email: form.email.clone(), display_name: form.display_name.clone(), password: form.password };
    match accounts::sign_up(&state.db, input).await {
        Ok(account) => {
            log_in_browser(cookies, state, &account, &device).await?;
            Ok(Html::Flash(Flash::success(Redirect::to(next_or_home(&form.next)), format!("Welcome to Tribe, {}!", account.display_name))))
        }
        Err(AppError::Validation(errors)) => {
            let typed = json!({"form": {"email": form.email, "display_name": form.display_name, "next": safe_next(&form.next)}});
            Ok(page.invalid(Status::UnprocessableEntity, "account/signup", "Sign up", typed, &errors))
        }
        Err(other) => Err(other),
    }
}

#[get("/login?<next>")]
fn login_page(page: Page, next: Option<&str>) -> Html {
    if page.user.is_some() {
        return Html::Redirect(Redirect::to(next_or_home(next.unwrap_or("/"))));
    }
    page.ok("account/login", "Log in", json!({"form": {"next": next.and_then(safe_next)}}))
}

#[post("/login", data = "<form>")]
async fn login(
    page: Page,
    form: CsrfForm<LogInForm>,
    ip: ClientIp,
    device: ClientDevice,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> AppResult<Html> {
    let CsrfForm(form) = form;
    let typed = json!({"form": {"email": form.email, "next": safe_next(&form.next)}});
    let limits = &state.config.login_throttle;
    let account = match throttle::authenticate(&state.db, limits, ip.0, &form.email, &form.password).await {
        Err(AppError::RateLimited { retry_after_secs }) => {
            let errors = [FieldError::new("email", format!("Too many log-in attempts. {}", wait_before_retrying(retry_after_secs)))];
            return Ok(page.invalid(Status::TooManyRequests, "account/login", "Log in", typed, &errors));
        }
        other => other?,
    };
    match account {
        Some(account) => {
            log_in_browser(cookies, state, &account, &device).await?;
            Ok(Html::Flash(Flash::success(Redirect::to(next_or_home(&form.next)), format!("Welcome back, {}.", account.display_name))))
        }
        None => {
            // The same words whether the email exists or not.
            let errors = [FieldError::new("email", "That email and password do not match an account.")];
            Ok(page.invalid(Status::Unauthorized, "account/login", "Log in", typed, &errors))
        }
    }
}

#[post("/logout", data = "<_form>")]
async fn logout(_form: CsrfForm<CsrfOnly>, state: &State<AppState>, cookies: &CookieJar<'_>) -> AppResult<Flash<Redirect>> {
    end_session(cookies, state).await?;
    Ok(Flash::success(Redirect::to("/"), "You are logged out."))
}

/// Ends one of the person's sessions (another device, or this one).
#[post("/account/sessions/<id>/end", data = "<_form>")]
async fn end_one_session(
    id: i32,
    user: CurrentUser,
    current: CurrentSessionId,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> AppResult<Flash<Redirect>> {
    login_sessions::end_one(&state.db, &user.0, id).await?;
    if current.0 == Some(id) {
        end_session(cookies, state).await?;
        return Ok(Flash::success(Redirect::to("/"), "You are logged out."));
    }
    Ok(Flash::success(Redirect::to("/account#sessions"), "That session is over: the device is logged out."))
}

/// "Sign out everywhere": every session of the account ends, this one too.
#[post("/account/sessions/end-all", data = "<_form>")]
async fn end_every_session(
    user: CurrentUser,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> AppResult<Flash<Redirect>> {
    let ended = login_sessions::end_all(&state.db, user.0.id).await?;
    end_session(cookies, state).await?;
    Ok(Flash::success(Redirect::to("/"), format!("You are logged out everywhere ({ended} sessions ended).")))
}

async fn account_context(state: &AppState, user: &crate::db::entities::user::Model, current: Option<i32>, extra: Value) -> AppResult<Value> {
    let sessions: Vec<Value> = login_sessions::list(&state.db, &state.config.sessions, user, current)
        .await?
        .into_iter()
        .map(|s| {
            json!({
                "id": s.id,
                "device": s.device,
                "ip_address": s.ip_address,
                "started": s.started.format("%Y-%m-%d %H:%M UTC").to_string(),
                "last_seen": s.last_seen.format("%Y-%m-%d %H:%M UTC").to_string(),
                "is_current": s.is_current,
            })
        })
        .collect();
    let tokens: Vec<Value> = api_tokens::list_for_user(&state.db, user.id)
        .await?
        .into_iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "created": t.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                "last_used": t.last_used_at.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()),
            })
        })
        .collect();
    let team_events: Vec<Value> = crate::domain::events::team::events_of(&state.db, user.id)
        .await?
        .into_iter()
        .map(|(event, role)| json!({"slug": event.slug, "title": event.title, "role": role, "is_published": event.is_published, "is_organizer": role == TeamRole::Organizer}))
        .collect();
    let mut registrations = Vec::new();
    for found in crate::domain::registration::of_user(&state.db, user.id).await? {
        if let Some(event) = crate::domain::events::find_by_id(&state.db, found.event_id).await? {
            registrations.push(json!({"id": found.id, "event_slug": event.slug, "event_title": event.title, "status": found.status, "is_held": found.status == RegistrationStatus::Held, "when": crate::domain::events::summarize(&event).when}));
        }
    }
    let in_words = |d: chrono::Duration| match (d.num_days(), d.num_hours(), d.num_minutes()) {
        (days, _, _) if days >= 2 && d == chrono::Duration::days(days) => format!("{days} days"),
        (_, hours, _) if hours >= 1 && d == chrono::Duration::hours(hours) => format!("{hours} hour{}", if hours == 1 { "" } else { "s" }),
        (_, _, minutes) => format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" }),
    };
    let mut context = json!({ "account": {"email": user.email, "display_name": user.display_name}, "sessions": sessions,
        "session_idle": in_words(state.config.sessions.idle), "session_lifetime": in_words(state.config.sessions.lifetime), "tokens": tokens, "team_events": team_events, "registrations": registrations });
    if let (Value::Object(base), Value::Object(more)) = (&mut context, extra) {
        base.extend(more);
    }
    Ok(context)
}

#[get("/account")]
async fn account_page(page: Page, user: CurrentUser, current: CurrentSessionId, state: &State<AppState>) -> AppResult<Html> {
    let context = account_context(state, &user.0, current.0, json!({})).await?;
    Ok(page.ok("account/show", "Your account", context))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

#[post("/account/password", data = "<form>")]
#[allow(clippy::too_many_arguments)]
async fn change_password(
    page: Page,
    user: CurrentUser,
    current: CurrentSessionId,
    ip: ClientIp,
    device: ClientDevice,
    form: CsrfForm<PasswordForm>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> AppResult<Html> {
    let CsrfForm(form) = form;
    let limits = &state.config.login_throttle;
    let changed = accounts::change_password(&state.db, &user.0, &form.current_password, &form.new_password, &form.confirm_password);
    match throttle::guarded(&state.db, limits, ip.0, &user.0.email, changed).await {
        Ok(updated) => {
            // Every session and API token of the account ended; this
            // browser carries on in a new session.
            start_session(cookies, state, &updated, &device.0).await?;
            Ok(Html::Flash(Flash::success(
                Redirect::to("/account"),
                "Your password is changed. Every other session is logged out and your API tokens are revoked.",
            )))
        }
        Err(AppError::Validation(errors)) => {
            let context = account_context(state, &user.0, current.0, json!({})).await?;
            Ok(page.invalid(Status::UnprocessableEntity, "account/show", "Your account", context, &errors))
        }
        Err(AppError::RateLimited { retry_after_secs }) => {
            let errors = [FieldError::new("current_password", format!("Too many tries. {}", wait_before_retrying(retry_after_secs)))];
            let context = account_context(state, &user.0, current.0, json!({})).await?;
            Ok(page.invalid(Status::TooManyRequests, "account/show", "Your account", context, &errors))
        }
        Err(other) => Err(other),
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct TokenForm {
    name: String,
}

#[post("/account/tokens", data = "<form>")]
async fn create_token(
    page: Page,
    user: CurrentUser,
    current: CurrentSessionId,
    form: CsrfForm<TokenForm>,
    state: &State<AppState>,
) -> AppResult<Html> {
    match api_tokens::create(&state.db, user.0.id, &form.0.name).await {
        Ok((token, plaintext)) => {
            let context = account_context(state, &user.0, current.0, json!({"new_token": {"name": token.name, "value": plaintext}})).await?;
            Ok(Html::WithStatus(rocket::response::status::Custom(Status::Created, page.render("account/show", "Your account", context))))
        }
        Err(AppError::Validation(errors)) => {
            let context = account_context(state, &user.0, current.0, json!({})).await?;
            Ok(page.invalid(Status::UnprocessableEntity, "account/show", "Your account", context, &errors))
        }
        Err(other) => Err(other),
    }
}

#[post("/account/tokens/<id>/revoke", data = "<_form>")]
async fn revoke_token(user: CurrentUser, id: i32, _form: CsrfForm<CsrfOnly>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    api_tokens::revoke(&state.db, user.0.id, id).await?;
    Ok(Flash::success(Redirect::to("/account"), "The token is revoked."))
}
