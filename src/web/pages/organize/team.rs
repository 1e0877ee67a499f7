//! The organizing team: inviting members (they join by accepting) and
//! removing them.

use rocket::{post, routes, Route, State};
use serde::Deserialize;

use super::dashboard::{back_to_section, section_action, section_with_errors, Section};
use crate::domain::events::team;
use crate::domain::registration::use_cases::{self, TeamInvited};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::event_guards::OrganizedEvent;
use crate::web::render::{Html, Page};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![add_team_member, remove_team_member]
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct TeamForm {
    email: String,
    role: String,
}

#[post("/events/<_slug>/manage/team", data = "<form>")]
async fn add_team_member(_slug: &str, organized: OrganizedEvent, form: CsrfForm<TeamForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let event = &organized.event;
    let message = match use_cases::invite_to_team(state.context(), event, &organized.organizer, &form.0.email, &form.0.role).await {
        Ok(TeamInvited::Invited(invitation)) => format!("Invitation sent to {}. They join the team once they accept it.", invitation.email),
        Ok(TeamInvited::RoleChanged(member)) => format!("{} is now {} of this event.", member.display_name, member.role),
        Err(AppError::Validation(errors)) => return section_with_errors(Section::Team, &page, state, event, None, &errors).await,
        Err(AppError::Conflict(message)) => {
            return section_with_errors(Section::Team, &page, state, event, None, &[FieldError::new("team", message)]).await
        }
        Err(other) => return Err(other),
    };
    Ok(Html::Flash(back_to_section(Section::Team, event, message)))
}

#[post("/events/<_slug>/manage/team/<user_id>/delete", data = "<_form>")]
async fn remove_team_member(
    _slug: &str,
    user_id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = team::remove(&state.db, &organized.event, user_id).await;
    section_action(Section::Team, &page, state, &organized.event, result, "The team is updated.").await
}
