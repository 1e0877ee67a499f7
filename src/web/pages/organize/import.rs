//! Schedule files from other systems (frab XML or JSON, as pretalx, frab and
//! the CCC publish them): imported into an event, or made into a new one.

use rocket::form::{Form, FromForm};
use rocket::fs::TempFile;
use rocket::http::{CookieJar, Status};
use rocket::{post, routes, Route, State};

use super::dashboard::{section_with_errors, Section};
use crate::domain::events::editing::{validate_time_zone, EventForm};
use crate::domain::events::{self};
use crate::domain::schedule::frab::import::{self, ImportReport, NewEventChoices};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::check_token;
use crate::web::event_guards::OrganizedEvent;
use crate::web::guards::CurrentUser;
use crate::web::render::{Html, Page};
use crate::web::views::organize::{DashboardPage, EventFormView, SectionContent};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![import_into_event, create_from_file]
}

#[derive(FromForm)]
struct ImportUpload<'r> {
    #[field(name = "_csrf", default = String::new())]
    csrf: String,
    file: TempFile<'r>,
    /// A new event's zone when the file names none.
    #[field(default = String::new())]
    time_zone: String,
}

#[post("/events/<_slug>/manage/import", data = "<upload>")]
async fn import_into_event(
    _slug: &str,
    organized: OrganizedEvent,
    upload: Form<ImportUpload<'_>>,
    cookies: &CookieJar<'_>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    check_token(cookies, &upload.csrf)?;
    let event = &organized.event;
    let text = match read_upload(&upload.file).await {
        Ok(text) => text,
        Err(message) => return section_with_errors(Section::Import, &page, state, event, None, &[FieldError::new("file", message)]).await,
    };
    match import::import(&state.db, event, &text).await {
        Ok(report) => {
            let refreshed = events::find_by_slug(&state.db, &event.slug).await?.unwrap_or_else(|| event.clone());
            show_report(&page, state, &refreshed, report).await
        }
        Err(AppError::Validation(errors)) => section_with_errors(Section::Import, &page, state, event, None, &errors).await,
        Err(other) => Err(other),
    }
}

/// "New event from a schedule file": the file's conference block becomes an
/// unpublished conference organized by whoever uploads it.
#[post("/events/import", data = "<upload>")]
async fn create_from_file(
    user: CurrentUser,
    upload: Form<ImportUpload<'_>>,
    cookies: &CookieJar<'_>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    check_token(cookies, &upload.csrf)?;
    let refuse = |errors: &[FieldError]| {
        let form = EventForm { kind: "conference".into(), time_zone: "America/New_York".into(), ..Default::default() };
        let mut view = EventFormView::new(&form);
        view.import_time_zone = upload.time_zone.clone();
        Ok(page.invalid(Status::UnprocessableEntity, "organize/new_event", "Create an event", view, errors))
    };
    let time_zone = match upload.time_zone.trim() {
        "" => None,
        name => match validate_time_zone(name) {
            Ok(zone) => Some(zone),
            Err(message) => return refuse(&[FieldError::new("import_time_zone", message)]),
        },
    };
    let text = match read_upload(&upload.file).await {
        Ok(text) => text,
        Err(message) => return refuse(&[FieldError::new("file", message)]),
    };
    match import::create_event(&state.db, Some(&user.0), &text, &NewEventChoices { slug: None, time_zone }).await {
        Ok((created, report)) => show_report(&page, state, &created, report).await,
        Err(AppError::Validation(errors)) => refuse(&errors),
        Err(other) => Err(other),
    }
}

/// The event's import page with what the import did and assumed.
async fn show_report(page: &Page, state: &AppState, event: &crate::db::entities::event::Model, report: ImportReport) -> AppResult<Html> {
    let mut view = DashboardPage::load(&state.db, &state.config.base_url, state.config.stripe.is_some(), event, None, Section::Import).await?;
    view.content = SectionContent::Import { import_report: Some(report) };
    Ok(page.ok("organize/dashboard", &format!("Manage · {}", event.title), view))
}

async fn read_upload(file: &TempFile<'_>) -> Result<String, String> {
    if file.len() > crate::config::MAX_IMPORT_BYTES {
        return Err("The file is larger than 20 MiB.".into());
    }
    let bytes = match file {
        TempFile::File { .. } => match file.path() {
            Some(path) => tokio::fs::read(path).await.map_err(|_| "The upload could not be read; please try again.".to_string())?,
            None => return Err("Choose a schedule.xml or schedule.json file to import.".into()),
        },
        TempFile::Buffered { content } => content.to_vec(),
    };
    if bytes.is_empty() {
        return Err("Choose a schedule.xml or schedule.json file to import.".into());
    }
    String::from_utf8(bytes).map_err(|e| format!("The file is not UTF-8 text (byte {}).", e.utf8_error().valid_up_to()))
}
