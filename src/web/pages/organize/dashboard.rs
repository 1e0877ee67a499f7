//! The organizer's area of one event: the overview (numbers and charts
//! first), one page per part (tickets, questions, sessions, rooms and
//! tracks, team, import, details), and what those pages share: going back
//! to one with a message, showing it again with what needs fixing.

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, routes, Route, State};
use serde::Deserialize;

use crate::db::entities::event;
use crate::domain::events::editing::EventForm;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::event_guards::OrganizedEvent;
use crate::web::render::{Html, Page};
pub use crate::web::views::organize::Section;
use crate::web::views::organize::{DashboardPage, OverviewPage};
use crate::web::AppState;

pub(super) fn manage_url(event: &event::Model) -> String {
    format!("/events/{}/manage", event.slug)
}

pub fn routes() -> Vec<Route> {
    routes![dashboard, tickets_page, questions_page, sessions_page, chats_page, places_page, team_page, import_page, details_page]
}

#[get("/events/<_slug>/manage")]
async fn dashboard(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let view = OverviewPage::load(&state.db, &organized.event, crate::domain::now()).await?;
    Ok(page.ok("organize/overview", &format!("Manage · {}", organized.event.title), view))
}

async fn section_page(page: &Page, state: &AppState, event: &event::Model, section: Section) -> AppResult<Html> {
    let view = DashboardPage::load(&state.db, &state.config.base_url, state.config.stripe.is_some(), event, None, section).await?;
    Ok(page.ok("organize/dashboard", &format!("{} · {}", section.title(), event.title), view))
}

#[get("/events/<_slug>/manage/tickets")]
async fn tickets_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    section_page(&page, state, &organized.event, Section::Tickets).await
}

#[get("/events/<_slug>/manage/questions")]
async fn questions_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    section_page(&page, state, &organized.event, Section::Questions).await
}

#[get("/events/<_slug>/manage/sessions")]
async fn sessions_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    section_page(&page, state, &organized.event, Section::Sessions).await
}

#[get("/events/<_slug>/manage/chats")]
async fn chats_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    section_page(&page, state, &organized.event, Section::Chats).await
}

#[get("/events/<_slug>/manage/places")]
async fn places_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    section_page(&page, state, &organized.event, Section::Places).await
}

#[get("/events/<_slug>/manage/team")]
async fn team_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    section_page(&page, state, &organized.event, Section::Team).await
}

#[get("/events/<_slug>/manage/import")]
async fn import_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    section_page(&page, state, &organized.event, Section::Import).await
}

#[get("/events/<_slug>/manage/details")]
async fn details_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    section_page(&page, state, &organized.event, Section::Details).await
}

/// Back to one of the organizer's pages with a message.
pub(super) fn back_to_section(section: Section, event: &event::Model, message: impl Into<String>) -> Flash<Redirect> {
    Flash::success(Redirect::to(section.url(event)), message.into())
}

/// Shows one of the organizer's pages again with what needs fixing.
pub(super) async fn section_with_errors(
    section: Section,
    page: &Page,
    state: &AppState,
    event: &event::Model,
    form: Option<&EventForm>,
    errors: &[FieldError],
) -> AppResult<Html> {
    let view = DashboardPage::load(&state.db, &state.config.base_url, state.config.stripe.is_some(), event, form, section).await?;
    Ok(page.invalid(Status::UnprocessableEntity, "organize/dashboard", &format!("{} · {}", section.title(), event.title), view, errors))
}

/// Runs an action of one of the organizer's pages: success goes back to it
/// with a message; a validation problem shows it again with it.
pub(super) async fn section_action<T>(
    section: Section,
    page: &Page,
    state: &AppState,
    event: &event::Model,
    result: AppResult<T>,
    message: &str,
) -> AppResult<Html> {
    match result {
        Ok(_) => Ok(Html::Flash(back_to_section(section, event, message))),
        Err(AppError::Validation(errors)) => section_with_errors(section, page, state, event, None, &errors).await,
        Err(AppError::Conflict(message)) => section_with_errors(section, page, state, event, None, &[FieldError::new("team", message)]).await,
        Err(other) => Err(other),
    }
}

/// Back to the overview with a message (publishing).
pub(super) fn back_to_dashboard(event: &event::Model, message: impl Into<String>) -> Flash<Redirect> {
    Flash::success(Redirect::to(manage_url(event)), message.into())
}

/// A yes-or-no switch (publish an event, list a ticket type).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct PublishForm {
    pub(super) published: String,
}
