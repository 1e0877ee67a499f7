//! Sessions: the form to add and edit one, and deleting one (schedule
//! files are imported in `import`).

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};

use super::dashboard::{back_to_section, Section};
use crate::domain::events::{self};
use crate::domain::schedule::sessions::{self, SessionForm};
use crate::error::{AppError, AppResult};
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::event_guards::OrganizedEvent;
use crate::web::render::{Html, Page};
use crate::web::views::organize::SessionFormPage;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![new_session_page, create_session, edit_session_page, update_session, delete_session]
}

#[get("/events/<_slug>/manage/sessions/new")]
async fn new_session_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let zone = events::zone_of(&organized.event);
    // A new session starts where the event does and lasts 45 minutes, a
    // common talk slot; the organizer moves it from there.
    let starts = organized.event.starts_at;
    let form = SessionForm {
        status: "draft".into(),
        language: "en".into(),
        starts_at: crate::domain::input::local_input_value(zone, starts),
        ends_at: crate::domain::input::local_input_value(zone, starts + chrono::Duration::minutes(45)),
        ..Default::default()
    };
    let context = SessionFormPage::load(&state.db, &organized.event, &form, None).await?;
    Ok(page.ok("organize/session_form", "New session", context))
}

#[post("/events/<_slug>/manage/sessions", data = "<form>")]
async fn create_session(_slug: &str, organized: OrganizedEvent, form: CsrfForm<SessionForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let CsrfForm(form) = form;
    match sessions::create(&state.db, &organized.event, &form).await {
        Ok(created) => Ok(Html::Flash(back_to_section(Section::Sessions, &organized.event, format!("“{}” is saved.", created.title)))),
        Err(AppError::Validation(errors)) => {
            let context = SessionFormPage::load(&state.db, &organized.event, &form, None).await?;
            Ok(page.invalid(Status::UnprocessableEntity, "organize/session_form", "New session", context, &errors))
        }
        Err(other) => Err(other),
    }
}

#[get("/events/<_slug>/manage/sessions/<id>", rank = 2)]
async fn edit_session_page(_slug: &str, id: i32, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let found = sessions::find(&state.db, &organized.event, id).await?;
    let speakers = sessions::speakers_of(&state.db, found.id).await?;
    let emails = sessions::speaker_emails(&state.db, &speakers).await?;
    let form = SessionForm::from_session(&organized.event, &found, &speakers, &emails);
    let context = SessionFormPage::load(&state.db, &organized.event, &form, Some(id)).await?;
    Ok(page.ok("organize/session_form", &format!("Edit · {}", found.title), context))
}

#[post("/events/<_slug>/manage/sessions/<id>", data = "<form>")]
async fn update_session(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    form: CsrfForm<SessionForm>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let CsrfForm(form) = form;
    let found = sessions::find(&state.db, &organized.event, id).await?;
    match sessions::update(&state.db, &organized.event, &found, &form).await {
        Ok(updated) => Ok(Html::Flash(back_to_section(Section::Sessions, &organized.event, format!("“{}” is saved.", updated.title)))),
        Err(AppError::Validation(errors)) => {
            let context = SessionFormPage::load(&state.db, &organized.event, &form, Some(id)).await?;
            Ok(page.invalid(Status::UnprocessableEntity, "organize/session_form", &format!("Edit · {}", found.title), context, &errors))
        }
        Err(other) => Err(other),
    }
}

#[post("/events/<_slug>/manage/sessions/<id>/delete", data = "<_form>")]
async fn delete_session(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let found = sessions::find(&state.db, &organized.event, id).await?;
    sessions::delete(&state.db, &organized.event, &found).await?;
    Ok(back_to_section(Section::Sessions, &organized.event, format!("“{}” is deleted.", found.title)))
}
