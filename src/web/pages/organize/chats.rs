//! A weekly chat's weeks: skip one, move it, set its topics.

use rocket::{post, routes, Route, State};

use super::dashboard::{section_action, Section};
use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::domain::chats::{self, OccurrenceForm};
use crate::error::AppResult;
use crate::web::csrf::CsrfForm;
use crate::web::event_guards::OrganizedEvent;
use crate::web::render::{Html, Page};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![save_occurrence]
}

#[post("/events/<_slug>/manage/occurrences", data = "<form>")]
async fn save_occurrence(
    _slug: &str,
    organized: OrganizedEvent,
    form: CsrfForm<OccurrenceForm>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = chats::save_occurrence(&state.db, &organized.event, &form.0).await;
    if result.as_ref().is_ok_and(|o| o.status == OccurrenceStatus::Skipped) {
        state.chat.close_event(&state.db, organized.event.id).await;
    }
    section_action(Section::Chats, &page, state, &organized.event, result, "The chat is updated.").await
}
