//! "My agenda": adding and removing sessions with a plain button, the
//! agenda by day with clashes, and the secret calendar feed.

use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;

use crate::domain::schedule::agenda;
use crate::error::{AppError, AppResult};
use crate::web::conditional::Conditional;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::event_guards::VisibleEvent;
use crate::web::guards::{CurrentUser, ViewerZone};
use crate::web::pages::events::calendar_content_type;
use crate::web::render::{Html, Page};
use crate::web::views::schedule::{AgendaPage, FeedLinks};
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

#[post("/events/<_slug>/sessions/<id>/agenda", data = "<form>")]
async fn add(
    _slug: &str,
    id: i32,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<AgendaForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let back = back_to(&form.0, format!("/events/{}/sessions/{id}", visible.event.slug));
    match agenda::add(&state.db, &user.0, &visible.event, id).await {
        Ok(added) if added.clashes.is_empty() => Ok(Flash::success(back, format!("“{}” is in your agenda.", added.session.title))),
        Ok(added) => {
            let others = added.clashes.iter().map(|s| format!("“{}”", s.title)).collect::<Vec<_>>().join(", ");
            Ok(Flash::warning(back, format!("“{}” is in your agenda, but it clashes with {others}.", added.session.title)))
        }
        Err(AppError::Conflict(message)) | Err(AppError::Forbidden(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}

#[post("/events/<_slug>/sessions/<id>/agenda/remove", data = "<form>")]
async fn remove(
    _slug: &str,
    id: i32,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<AgendaForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let back = back_to(&form.0, format!("/events/{}/sessions/{id}", visible.event.slug));
    agenda::remove_from_event(&state.db, &user.0, &visible.event, id).await?;
    Ok(Flash::success(back, "Removed from your agenda."))
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
    let entries = agenda::entries(&state.db, user.id).await?;
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
    Ok(Conditional { rendered, content_type: calendar_content_type(), filename: Some("tribe-agenda.ics".into()), cache_control: "private" })
}
