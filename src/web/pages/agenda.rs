//! "My agenda": adding and removing sessions with a plain button, the
//! agenda by day with clashes, and the secret calendar feed.

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;

use crate::domain::schedule::agenda;
use crate::error::{AppError, AppResult};
use crate::web::conditional::Conditional;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::event_guards::VisibleEvent;
use crate::web::guards::{CurrentUser, ViewerZone, WantsJson};
use crate::web::pages::events::calendar_content_type;
use crate::web::render::{Html, Page};
use crate::web::views::schedule::{AgendaPage, AgendaToggle, FeedLinks};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![add, remove, agenda_page, regenerate_feed, feed]
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct AgendaForm {
    /// Where to go back to (the schedule or the session page).
    back: String,
}

fn back_to(form: &AgendaForm, fallback: String) -> Redirect {
    Redirect::to(crate::web::catchers::safe_next(&form.back).map(str::to_owned).unwrap_or(fallback))
}

/// What adding or removing answers: back to the page (a flash, at the
/// session's card), or for the page's script its new state as JSON.
#[derive(rocket::Responder)]
enum AgendaAnswer {
    Page(Flash<Redirect>),
    Json(Json<AgendaToggle>),
    Refused((Status, Json<AgendaToggle>)),
}

fn answer(json: bool, back: Redirect, state: AgendaToggle) -> AgendaAnswer {
    match (json, state.refused) {
        (true, false) => AgendaAnswer::Json(Json(state)),
        (true, true) => AgendaAnswer::Refused((Status::Conflict, Json(state))),
        (false, false) if state.clashes.is_empty() => AgendaAnswer::Page(Flash::success(back, state.message)),
        (false, false) => AgendaAnswer::Page(Flash::warning(back, state.message)),
        (false, true) => AgendaAnswer::Page(Flash::error(back, state.message)),
    }
}

#[post("/events/<_slug>/sessions/<id>/agenda", data = "<form>")]
async fn add(
    _slug: &str,
    id: i32,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<AgendaForm>,
    json: WantsJson,
    state: &State<AppState>,
) -> AppResult<AgendaAnswer> {
    let back = back_to(&form.0, format!("/events/{}/sessions/{id}", visible.event.slug));
    let toggled = match agenda::add(&state.db, &user.0, &visible.event, id).await {
        Ok(added) => AgendaToggle::added(id, &added),
        Err(AppError::Conflict(message)) | Err(AppError::Forbidden(message)) => AgendaToggle::refused(id, false, message),
        Err(other) => return Err(other),
    };
    Ok(answer(json.0, back, toggled))
}

#[post("/events/<_slug>/sessions/<id>/agenda/remove", data = "<form>")]
async fn remove(
    _slug: &str,
    id: i32,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<AgendaForm>,
    json: WantsJson,
    state: &State<AppState>,
) -> AppResult<AgendaAnswer> {
    let back = back_to(&form.0, format!("/events/{}/sessions/{id}", visible.event.slug));
    agenda::remove_from_event(&state.db, &user.0, &visible.event, id).await?;
    Ok(answer(json.0, back, AgendaToggle::removed(id)))
}

#[get("/agenda")]
async fn agenda_page(page: Page, user: CurrentUser, viewer_zone: ViewerZone, state: &State<AppState>) -> AppResult<Html> {
    let context = agenda_context(state, &user.0, viewer_zone, None).await?;
    Ok(page.ok("agenda/show", "My agenda", context))
}

/// The agenda page's data; `new_feed` is a feed token just made, whose
/// address is shown this once.
async fn agenda_context(
    state: &AppState,
    user: &crate::db::entities::user::Model,
    viewer_zone: ViewerZone,
    new_feed: Option<&str>,
) -> AppResult<AgendaPage> {
    let entries = agenda::entries(&state.db, &state.schedules, user.id).await?;
    let feed_made = agenda::feed_made_at(&state.db, user.id).await?;
    Ok(AgendaPage::new(&entries, viewer_zone.0, new_feed.map(|token| FeedLinks::new(&state.config.base_url, token)), feed_made))
}

/// Makes the calendar feed's address (or a new one: the old stops working)
/// and shows it, this once; only its hash is stored.
#[post("/agenda/feed/regenerate", data = "<_form>")]
async fn regenerate_feed(
    page: Page,
    user: CurrentUser,
    viewer_zone: ViewerZone,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Html> {
    let token = agenda::make_feed_token(&state.db, user.0.id).await?;
    let context = agenda_context(state, &user.0, viewer_zone, Some(&token)).await?;
    Ok(page.ok("agenda/show", "My agenda", context))
}

/// The personal feed: no cookie, the token in the URL is the key.
#[get("/feeds/<file>")]
async fn feed(file: &str, state: &State<AppState>) -> AppResult<Conditional> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let rendered = state.exports.feed(&state.db, token, &state.config.base_url).await?.ok_or(AppError::NotFound)?;
    Ok(feed_answer(rendered))
}

/// How a personal feed goes out (here and from the fast path).
pub fn feed_answer(rendered: std::sync::Arc<crate::domain::schedule::exports::Rendered>) -> Conditional {
    Conditional {
        rendered,
        content_type: calendar_content_type(),
        filename: Some("tribe-agenda.ics".into()),
        cache_control: "private",
        vary_cookie: false,
    }
}
