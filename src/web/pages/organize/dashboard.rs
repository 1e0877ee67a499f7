//! The organizer's dashboard of one event, and what every organizer screen
//! shares: its address, going back to it with a message, showing it again
//! with what needs fixing.

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, routes, Route, State};
use serde::Deserialize;

use crate::db::entities::event;
use crate::domain::events::editing::EventForm;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::event_guards::OrganizedEvent;
use crate::web::render::{Html, Page};
use crate::web::views::organize::DashboardPage;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![dashboard]
}

pub(super) fn manage_url(event: &event::Model) -> String {
    format!("/events/{}/manage", event.slug)
}

/// Back to the organizer's dashboard with a message.
pub(super) fn back_to_dashboard(event: &event::Model, message: impl Into<String>) -> Flash<Redirect> {
    Flash::success(Redirect::to(manage_url(event)), message.into())
}

#[get("/events/<_slug>/manage")]
async fn dashboard(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let view = DashboardPage::load(&state.db, &state.config.base_url, state.config.stripe.is_some(), &organized.event, None).await?;
    Ok(page.ok("organize/dashboard", &format!("Manage · {}", organized.event.title), view))
}

/// Re-renders the dashboard with what needs fixing.
pub(super) async fn dashboard_with_errors(
    page: &Page,
    state: &AppState,
    event: &event::Model,
    form: Option<&EventForm>,
    errors: &[FieldError],
) -> AppResult<Html> {
    let view = DashboardPage::load(&state.db, &state.config.base_url, state.config.stripe.is_some(), event, form).await?;
    Ok(page.invalid(Status::UnprocessableEntity, "organize/dashboard", &format!("Manage · {}", event.title), view, errors))
}

/// Runs a dashboard action: success redirects back with a message; a
/// validation problem shows the dashboard again with it.
pub(super) async fn dashboard_action<T>(page: &Page, state: &AppState, event: &event::Model, result: AppResult<T>, message: &str) -> AppResult<Html> {
    match result {
        Ok(_) => Ok(Html::Flash(back_to_dashboard(event, message))),
        Err(AppError::Validation(errors)) => dashboard_with_errors(page, state, event, None, &errors).await,
        Err(AppError::Conflict(message)) => dashboard_with_errors(page, state, event, None, &[FieldError::new("team", message)]).await,
        Err(other) => Err(other),
    }
}

/// A yes-or-no switch (publish an event, list a ticket type).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct PublishForm {
    pub(super) published: String,
}
