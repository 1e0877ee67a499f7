//! Sessions: the form to add and edit one, deleting one, and importing a
//! frab XML schedule.

use rocket::form::{Form, FromForm};
use rocket::fs::TempFile;
use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};

use super::dashboard::{back_to_section, section_with_errors, Section};
use crate::domain::events::{self};
use crate::domain::schedule::frab::import::{self};
use crate::domain::schedule::sessions::{self, SessionForm};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::{token_matches, CsrfForm, CsrfOnly};
use crate::web::event_guards::OrganizedEvent;
use crate::web::render::{Html, Page};
use crate::web::views::organize::{DashboardPage, SectionContent, SessionFormPage};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![new_session_page, create_session, edit_session_page, update_session, delete_session, import_frab]
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

#[derive(FromForm)]
struct ImportUpload<'r> {
    #[field(name = "_csrf", default = String::new())]
    csrf: String,
    file: TempFile<'r>,
}

#[post("/events/<_slug>/manage/import", data = "<upload>")]
async fn import_frab(
    _slug: &str,
    organized: OrganizedEvent,
    upload: Form<ImportUpload<'_>>,
    cookies: &CookieJar<'_>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    if !token_matches(cookies, &upload.csrf) {
        return Err(AppError::Forbidden(
            "This form has expired or did not come from this site. Reload the page and try again; nothing was changed.".into(),
        ));
    }
    let event = &organized.event;
    if upload.file.len() > crate::config::MAX_IMPORT_BYTES {
        return section_with_errors(Section::Import, &page, state, event, None, &[FieldError::new("file", "The file is larger than 20 MiB.")]).await;
    }
    let xml = match read_upload(&upload.file).await {
        Ok(xml) => xml,
        Err(message) => return section_with_errors(Section::Import, &page, state, event, None, &[FieldError::new("file", message)]).await,
    };
    match import::import(&state.db, event, &xml).await {
        Ok(report) => {
            let refreshed = events::find_by_slug(&state.db, &event.slug).await?.unwrap_or_else(|| event.clone());
            let mut view =
                DashboardPage::load(&state.db, &state.config.base_url, state.config.stripe.is_some(), &refreshed, None, Section::Import).await?;
            view.content = SectionContent::Import { import_report: Some(report) };
            Ok(page.ok("organize/dashboard", &format!("Manage · {}", event.title), view))
        }
        Err(AppError::Validation(errors)) => section_with_errors(Section::Import, &page, state, event, None, &errors).await,
        Err(other) => Err(other),
    }
}

async fn read_upload(file: &TempFile<'_>) -> Result<String, String> {
    let bytes = match file {
        TempFile::File { .. } => match file.path() {
            Some(path) => tokio::fs::read(path).await.map_err(|_| "The upload could not be read; please try again.".to_string())?,
            None => return Err("Choose a schedule.xml file to import.".into()),
        },
        TempFile::Buffered { content } => content.to_vec(),
    };
    if bytes.is_empty() {
        return Err("Choose a schedule.xml file to import.".into());
    }
    String::from_utf8(bytes).map_err(|e| format!("The file is not UTF-8 text (byte {}).", e.utf8_error().valid_up_to()))
}
