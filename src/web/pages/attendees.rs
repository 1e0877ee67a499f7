//! The attendee list for an event's team: search and filters, CSV export,
//! the numbers per ticket type; organizers also invite people (who are
//! registered once they accept) and cancel registrations.

use rocket::http::{ContentType, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;

use crate::db::entities::event_member::TeamRole;
use crate::domain::registration::attendees::{self, AttendeeFilter};
use crate::domain::registration::invitations::{self, InvitationRequest};
use crate::domain::registration::use_cases::{self, CancelReason};
use crate::domain::registration::{self, CancelledBy};
use crate::error::{AppError, AppResult};
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::event_guards::{OrganizedEvent, TeamEvent};
use crate::web::render::{Download, Html, Page};
use crate::web::views::registration::AttendeesPage;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![attendee_list, attendee_csv, register_someone, withdraw_invitation, cancel_registration, check_in]
}

fn filter(q: Option<&str>, ticket: Option<i32>, status: Option<&str>, role: Option<i32>, checked_in: Option<&str>) -> AttendeeFilter {
    let checked_in = match checked_in {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    AttendeeFilter { search: q.map(str::to_owned), ticket_type_id: ticket, status: status.map(str::to_owned), role_id: role, checked_in }
}

async fn list_context(state: &AppState, team: &TeamEvent, chosen: &AttendeeFilter, number: usize) -> AppResult<AttendeesPage> {
    AttendeesPage::load(&state.db, &team.event, team.role == TeamRole::Organizer, chosen, number).await
}

#[get("/events/<_slug>/manage/attendees?<q>&<ticket>&<status>&<role>&<checked_in>&<page>")]
#[allow(clippy::too_many_arguments)]
async fn attendee_list(
    _slug: &str,
    q: Option<&str>,
    ticket: Option<i32>,
    status: Option<&str>,
    role: Option<i32>,
    checked_in: Option<&str>,
    page: Option<usize>,
    team: TeamEvent,
    frame: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let context = list_context(state, &team, &filter(q, ticket, status, role, checked_in), page.unwrap_or(1)).await?;
    Ok(frame.ok("organize/attendees", &format!("Attendees · {}", team.event.title), context))
}

#[get("/events/<_slug>/manage/attendees.csv?<q>&<ticket>&<status>&<role>&<checked_in>")]
#[allow(clippy::too_many_arguments)]
async fn attendee_csv(
    _slug: &str,
    q: Option<&str>,
    ticket: Option<i32>,
    status: Option<&str>,
    role: Option<i32>,
    checked_in: Option<&str>,
    team: TeamEvent,
    state: &State<AppState>,
) -> AppResult<Download<String>> {
    let body = attendees::csv(&state.db, &team.event, &filter(q, ticket, status, role, checked_in)).await?;
    Ok(Download {
        kind: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
        file_name: format!("{}-attendees.csv", team.event.slug),
        body,
        private: true,
    })
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ManualForm {
    attendee_email: String,
    attendee_ticket: String,
    attendee_role: String,
}

/// An organizer invites someone: the answer is the same whether the
/// address has an account or not, and nobody is registered until they
/// accept (see `domain::registration::invitations`).
#[post("/events/<_slug>/manage/attendees", data = "<form>")]
async fn register_someone(
    _slug: &str,
    organized: OrganizedEvent,
    form: CsrfForm<ManualForm>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let form = form.0;
    let request = InvitationRequest { email: &form.attendee_email, ticket_type_id: &form.attendee_ticket, role: &form.attendee_role };
    let errors = match use_cases::invite(state.context(), &organized.event, &organized.organizer, request).await {
        Ok(invitation) => {
            let message = format!("Invitation sent to {}. They are registered once they accept it.", invitation.email);
            return Ok(Html::Flash(Flash::success(Redirect::to(format!("/events/{}/manage/attendees", organized.event.slug)), message)));
        }
        Err(AppError::Validation(errors)) => errors,
        Err(other) => return Err(other),
    };
    let team = TeamEvent { event: organized.event, member: organized.organizer, role: TeamRole::Organizer };
    let context = list_context(state, &team, &AttendeeFilter::default(), 1).await?;
    Ok(page.invalid(Status::UnprocessableEntity, "organize/attendees", &format!("Attendees · {}", team.event.title), context, &errors))
}

#[post("/events/<_slug>/manage/invitations/<id>/withdraw", data = "<_form>")]
async fn withdraw_invitation(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let event = &organized.event;
    match invitations::withdraw(&state.db, event, id).await {
        Ok(withdrawn) if withdrawn.team_role.is_some() => {
            Ok(Flash::success(Redirect::to(format!("/events/{}/manage#team", event.slug)), "The invitation is withdrawn."))
        }
        Ok(_) => Ok(Flash::success(Redirect::to(format!("/events/{}/manage/attendees", event.slug)), "The invitation is withdrawn.")),
        Err(AppError::Conflict(message)) => Ok(Flash::error(Redirect::to(format!("/events/{}/manage/attendees", event.slug)), message)),
        Err(other) => Err(other),
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct CancelForm {
    reason: String,
}

#[post("/events/<_slug>/manage/attendees/<id>/cancel", data = "<form>")]
async fn cancel_registration(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    form: CsrfForm<CancelForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let found = registration::find(&state.db, id).await?;
    if found.event_id != organized.event.id {
        return Err(AppError::NotFound);
    }
    let reason = if form.0.reason.trim().is_empty() { "cancelled by an organizer".to_owned() } else { form.0.reason };
    let (_, refund) = use_cases::cancel(
        state.context(),
        &organized.event,
        &found,
        CancelledBy::Organizer(organized.organizer.id),
        CancelReason { recorded: &reason, told: &reason },
    )
    .await?;
    Ok(Flash::success(
        Redirect::to(format!("/events/{}/manage/attendees", organized.event.slug)),
        format!("The registration is cancelled.{}", refund.message()),
    ))
}

/// The door: staff check someone in from the list (the search-by-name way
/// in; badges scan into the same check-in). Twice is harmless.
#[derive(Default, Deserialize)]
#[serde(default)]
struct CheckInForm {
    /// The page to go back to (the door page's search), within this event's management pages.
    return_to: String,
}

#[post("/events/<_slug>/manage/attendees/<id>/check-in", data = "<form>")]
async fn check_in(_slug: &str, id: i32, team: TeamEvent, form: CsrfForm<CheckInForm>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    let found = registration::find(&state.db, id).await?;
    if found.event_id != team.event.id {
        return Err(AppError::NotFound);
    }
    let own_pages = format!("/events/{}/manage/", team.event.slug);
    let back = if form.0.return_to.starts_with(&own_pages) && !form.0.return_to.contains("//") && !form.0.return_to.contains('\\') {
        Redirect::to(form.0.return_to)
    } else {
        Redirect::to(format!("/events/{}/manage/attendees?checked_in=no", team.event.slug))
    };
    match crate::domain::registration::checkin::check_in(&state.db, id, &team.member).await {
        Ok(crate::domain::registration::checkin::CheckIn::First { .. }) => Ok(Flash::success(back, "Checked in.")),
        Ok(crate::domain::registration::checkin::CheckIn::Already { at, .. }) => Ok(Flash::warning(
            back,
            format!("Already checked in at {}.", crate::domain::times::moment(at, crate::domain::events::zone_of(&team.event))),
        )),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}
