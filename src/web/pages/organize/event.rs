//! Creating an event, editing its details, publishing and unpublishing it.

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};

use super::dashboard::{back_to_dashboard, back_to_section, manage_url, section_with_errors, PublishForm, Section};
use crate::domain::events::editing::{self, EventForm};
use crate::error::{AppError, AppResult};
use crate::web::csrf::CsrfForm;
use crate::web::event_guards::OrganizedEvent;
use crate::web::guards::CurrentUser;
use crate::web::render::{Html, Page};
use crate::web::views::organize::EventFormView;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![new_event_page, create_event, update_event, publish]
}

#[get("/events/new")]
fn new_event_page(page: Page, _user: CurrentUser) -> Html {
    let form = EventForm { kind: "conference".into(), time_zone: "America/New_York".into(), ..Default::default() };
    page.ok("organize/new_event", "Create an event", EventFormView::new(&form))
}

#[post("/events", data = "<form>")]
async fn create_event(page: Page, user: CurrentUser, form: CsrfForm<EventForm>, state: &State<AppState>) -> AppResult<Html> {
    let CsrfForm(form) = form;
    match editing::create(&state.db, &user.0, &form).await {
        Ok(created) => Ok(Html::Flash(Flash::success(
            Redirect::to(manage_url(&created)),
            "Your event is created. Add rooms, tracks and sessions, then publish it.",
        ))),
        Err(AppError::Validation(errors)) => {
            Ok(page.invalid(Status::UnprocessableEntity, "organize/new_event", "Create an event", EventFormView::new(&form), &errors))
        }
        Err(other) => Err(other),
    }
}

#[post("/events/<_slug>/manage", data = "<form>")]
async fn update_event(_slug: &str, organized: OrganizedEvent, form: CsrfForm<EventForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let CsrfForm(form) = form;
    match editing::update(&state.db, &organized.event, &form).await {
        Ok(updated) => Ok(Html::Flash(back_to_section(Section::Details, &updated, "The event is saved."))),
        Err(AppError::Validation(errors)) => section_with_errors(Section::Details, &page, state, &organized.event, Some(&form), &errors).await,
        Err(other) => Err(other),
    }
}

#[post("/events/<_slug>/manage/publish", data = "<form>")]
async fn publish(_slug: &str, organized: OrganizedEvent, form: CsrfForm<PublishForm>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    let published = form.0.published == "true";
    let updated = editing::set_published(&state.db, &organized.event, published).await?;
    if !published {
        state.chat.close_event(&state.db, updated.id).await;
    }
    let message = if published { "The event is published: everyone can see it now." } else { "The event is unpublished: only its team can see it." };
    Ok(back_to_dashboard(&updated, message))
}
