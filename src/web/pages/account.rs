//! Sign-up, log-in, log-out and the account page (password, API tokens).

use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;

use crate::domain::accounts;
use crate::domain::accounts::api_tokens;
use crate::domain::accounts::login_sessions;
use crate::domain::accounts::password_resets;
use crate::domain::accounts::throttle;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::catchers::safe_next;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::guards::{end_session, start_session, ClientDevice, ClientIp, CurrentSessionId, CurrentUser};
use crate::web::render::{Html, Page};
use crate::web::views::accounts::{AccountFields, AccountForm, AccountPage, NewToken, ResetPage};
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
        end_every_session,
        forgot_page,
        request_reset,
        reset_page,
        reset_password
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
    page.ok(
        "account/signup",
        "Sign up",
        AccountForm { form: AccountFields { next: next.and_then(safe_next).map(str::to_owned), ..Default::default() } },
    )
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
            let typed = AccountForm {
                form: AccountFields {
                    email: Some(form.email),
                    display_name: Some(form.display_name),
                    next: safe_next(&form.next).map(str::to_owned),
                },
            };
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
    page.ok(
        "account/login",
        "Log in",
        AccountForm { form: AccountFields { next: next.and_then(safe_next).map(str::to_owned), ..Default::default() } },
    )
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
    let typed = || AccountForm {
        form: AccountFields { email: Some(form.email.clone()), next: safe_next(&form.next).map(str::to_owned), ..Default::default() },
    };
    let limits = &state.config.login_throttle;
    let account = match throttle::authenticate(&state.db, limits, ip.0, &form.email, &form.password).await {
        Err(AppError::RateLimited { retry_after_secs }) => {
            let errors = [FieldError::new("email", format!("Too many log-in attempts. {}", wait_before_retrying(retry_after_secs)))];
            return Ok(page.invalid(Status::TooManyRequests, "account/login", "Log in", typed(), &errors));
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
            Ok(page.invalid(Status::Unauthorized, "account/login", "Log in", typed(), &errors))
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

/// "Log out everywhere": every session of the account ends, this one too.
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

async fn account_page_view(state: &AppState, user: &crate::db::entities::user::Model, current: Option<i32>) -> AppResult<AccountPage> {
    AccountPage::load(&state.db, &state.config.sessions, user, current).await
}

#[get("/account")]
async fn account_page(page: Page, user: CurrentUser, current: CurrentSessionId, state: &State<AppState>) -> AppResult<Html> {
    Ok(page.ok("account/show", "Your account", account_page_view(state, &user.0, current.0).await?))
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
            let context = account_page_view(state, &user.0, current.0).await?;
            Ok(page.invalid(Status::UnprocessableEntity, "account/show", "Your account", context, &errors))
        }
        Err(AppError::RateLimited { retry_after_secs }) => {
            let errors = [FieldError::new("current_password", format!("Too many tries. {}", wait_before_retrying(retry_after_secs)))];
            let context = account_page_view(state, &user.0, current.0).await?;
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
            let mut context = account_page_view(state, &user.0, current.0).await?;
            context.new_token = Some(NewToken { name: token.name, value: plaintext });
            Ok(Html::WithStatus(rocket::response::status::Custom(Status::Created, page.render("account/show", "Your account", context))))
        }
        Err(AppError::Validation(errors)) => {
            let context = account_page_view(state, &user.0, current.0).await?;
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

#[get("/password-reset")]
fn forgot_page(page: Page) -> Html {
    page.ok("account/forgot", "Forgot your password?", AccountForm::default())
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ForgotForm {
    email: String,
}

/// Sends a link when the address has an account; the answer is the same
/// either way, so the form tells nobody who has an account.
#[post("/password-reset", data = "<form>")]
async fn request_reset(page: Page, form: CsrfForm<ForgotForm>, state: &State<AppState>) -> AppResult<Html> {
    let email = form.0.email;
    if let Some(message) = accounts::validate_email(&email) {
        let typed = AccountForm { form: AccountFields { email: Some(email), ..Default::default() } };
        return Ok(page.invalid(Status::UnprocessableEntity, "account/forgot", "Forgot your password?", typed, &[FieldError::new("email", message)]));
    }
    // The work (and the mail) happens after the answer, so an address with
    // an account is not answered any slower than one without.
    let (db, jobs, base_url, address) = (state.db.clone(), state.jobs.clone(), state.config.base_url.clone(), email.clone());
    tokio::spawn(async move {
        match password_resets::request(&db, &base_url, &address, crate::domain::now()).await {
            Ok(Some(mail)) => {
                if let Err(error) = jobs.submit(crate::domain::jobs::Job::Email(mail)).await {
                    tracing::error!(%error, "password reset email not queued");
                }
            }
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "password reset request failed"),
        }
    });
    let minutes = password_resets::VALID_FOR_MINUTES;
    Ok(Html::Flash(Flash::success(
        Redirect::to("/password-reset"),
        format!("If an account uses {}, we have emailed it a link to choose a new password. The link works for {minutes} minutes.", email.trim()),
    )))
}

fn reset_view(token: &str, account: Option<&crate::db::entities::user::Model>) -> ResetPage {
    ResetPage {
        valid: account.is_some(),
        token: token.to_owned(),
        email: account.map(|a| a.email.clone()).unwrap_or_default(),
        detail: password_resets::link_not_valid().public_detail(),
    }
}

#[get("/password-reset/<token>")]
async fn reset_page(token: &str, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let account = password_resets::find_valid(&state.db, token, crate::domain::now()).await?;
    let view = reset_view(token, account.as_ref());
    if account.is_none() {
        return Ok(Html::WithStatus(rocket::response::status::Custom(Status::Gone, page.render("account/reset", "Reset your password", view))));
    }
    Ok(page.ok("account/reset", "Choose a new password", view))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ResetForm {
    new_password: String,
    confirm_password: String,
}

/// Sets the new password, ends every other session and API token, and
/// logs this browser in.
#[post("/password-reset/<token>", data = "<form>")]
async fn reset_password(
    token: &str,
    page: Page,
    form: CsrfForm<ResetForm>,
    device: ClientDevice,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> AppResult<Html> {
    let at = crate::domain::now();
    match password_resets::complete(&state.db, token, &form.0.new_password, &form.0.confirm_password, at).await {
        Ok(account) => {
            // The sessions it ended are not trusted from memory either.
            state.sessions.forget_account(account.id);
            log_in_browser(cookies, state, &account, &device).await?;
            Ok(Html::Flash(Flash::success(
                Redirect::to("/"),
                format!("Your password is changed, {}. Every other device is logged out.", account.display_name),
            )))
        }
        Err(AppError::Validation(errors)) => {
            let account = password_resets::find_valid(&state.db, token, at).await?;
            Ok(page.invalid(Status::UnprocessableEntity, "account/reset", "Choose a new password", reset_view(token, account.as_ref()), &errors))
        }
        Err(AppError::Gone(_)) => Ok(Html::WithStatus(rocket::response::status::Custom(
            Status::Gone,
            page.render("account/reset", "Reset your password", reset_view(token, None)),
        ))),
        Err(other) => Err(other),
    }
}
