//! Registering for an event and cancelling, from the event's page.

use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;

use crate::domain::registration::use_cases::{self, CancelReason, Claimed, Registered};
use crate::domain::registration::{self, CancelledBy, FormFields, RegistrationForm};
use crate::error::{AppError, AppResult};
use crate::web::csrf::CsrfForm;
use crate::web::event_guards::VisibleEvent;
use crate::web::guards::CurrentUser;
use crate::web::render::{Html, Page};
use crate::web::views::registration::RegistrationPage;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![register, cancel, registration_page, claim, join_waitlist, leave_waitlist]
}

#[post("/events/<_slug>/register", data = "<form>")]
async fn register(
    _slug: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<FormFields>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let back = Redirect::to(format!("/events/{}", visible.event.slug));
    let fields = form.0;
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let request_form = RegistrationForm {
        ticket_type_id: field("ticket_type_id"),
        quantity: field("quantity"),
        role: field("role"),
        answers: serde_json::Value::Null,
        discount_code: field("discount_code"),
        access_code: field("access_code"),
    };
    // Sold out, already registered or a bad choice: said on the event's page,
    // where the form is; nothing was taken.
    match use_cases::register(state.context(), &visible.event, &user.0, &request_form, Some(&fields)).await {
        // A paid ticket: off to Stripe Checkout; the webhook confirms it.
        Ok(Registered::CheckoutStarted { url, .. }) => Ok(Flash::success(Redirect::to(url), "Your seat is held while you pay.")),
        Ok(Registered::Confirmed { .. }) => Ok(Flash::success(back, format!("You are registered for {}. See you there!", visible.event.title))),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(AppError::Validation(errors)) => Ok(Flash::error(back, errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(" "))),
        Err(other) => Err(other),
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct CancelForm {
    reason: String,
}

#[post("/events/<_slug>/registration/cancel", data = "<form>")]
async fn cancel(
    _slug: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<CancelForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let back = Redirect::to(format!("/events/{}", visible.event.slug));
    let Some(found) = registration::live_registration(&state.db, visible.event.id, user.0.id).await? else {
        return Ok(Flash::error(back, "You have no registration to cancel."));
    };
    match use_cases::cancel(
        state.context(),
        &visible.event,
        &found,
        CancelledBy::Attendee(user.0.id),
        CancelReason { recorded: &form.0.reason, told: "" },
    )
    .await
    {
        Ok((_, refund)) => Ok(Flash::success(back, format!("Your registration is cancelled.{}", refund.message()))),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}

/// A registration's own page: its state, its history, cancelling, claiming
/// a waitlist offer. The attendee and the event's team may see it.
#[get("/registrations/<id>")]
async fn registration_page(
    id: i32,
    user: CurrentUser,
    viewer_zone: crate::web::guards::ViewerZone,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let found = registration::find(&state.db, id).await?;
    let event = crate::domain::events::find_by_id(&state.db, found.event_id).await?.ok_or(AppError::NotFound)?;
    let is_owner = found.user_id == user.0.id;
    if !is_owner && crate::domain::events::effective_role(&state.db, &event, &user.0).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let zones = crate::domain::times::Zones::for_viewer(crate::domain::events::zone_of(&event), viewer_zone.0);
    let view = RegistrationPage::load(&state.db, &found, &event, is_owner, zones).await?;
    Ok(page.ok("registrations/show", &format!("Registration · {}", event.title), view))
}

#[post("/registrations/<id>/claim", data = "<_form>")]
async fn claim(id: i32, user: CurrentUser, _form: CsrfForm<crate::web::csrf::CsrfOnly>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    let back = Redirect::to(format!("/registrations/{id}"));
    match use_cases::claim(state.context(), &user.0, id).await {
        Ok(Claimed::CheckoutStarted(url)) => Ok(Flash::success(Redirect::to(url), "Your seat is held while you pay.")),
        Ok(Claimed::Confirmed(_)) => Ok(Flash::success(back, "The seat is yours: you are registered.")),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct WaitlistForm {
    ticket_type_id: String,
    /// A hidden ticket type's secret code, when the page was opened with it.
    access_code: String,
}

#[post("/events/<_slug>/waitlist", data = "<form>")]
async fn join_waitlist(
    _slug: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<WaitlistForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let back = Redirect::to(format!("/events/{}", visible.event.slug));
    let ticket_type_id = form.0.ticket_type_id.trim().parse::<i32>().map_err(|_| AppError::NotFound)?;
    match crate::domain::registration::waitlist::join(&state.db, &visible.event, &user.0, ticket_type_id, &form.0.access_code).await {
        Ok(_) => Ok(Flash::success(back, "You are on the waitlist. If a seat frees up, we email you and hold it for you.")),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}

#[post("/events/<_slug>/waitlist/leave", data = "<_form>")]
async fn leave_waitlist(
    _slug: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    _form: CsrfForm<crate::web::csrf::CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    crate::domain::registration::waitlist::leave(&state.db, &visible.event, &user.0).await?;
    Ok(Flash::success(Redirect::to(format!("/events/{}", visible.event.slug)), "You left the waitlist."))
}
