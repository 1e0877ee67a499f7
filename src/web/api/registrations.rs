//! Tickets and registrations over the API.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{delete, get, post, routes, Route, State};

use crate::db::entities::registration as registration_row;
use crate::domain::events;
use crate::domain::now;
use crate::domain::registration::tickets;
use crate::domain::registration::use_cases::{self, CancelReason, Registered};
use crate::domain::registration::{self, RegistrationForm};
use crate::error::{AppError, AppResult};
use crate::web::api::ApiJson;
use crate::web::event_guards::ApiVisibleEvent;
use crate::web::guards::ApiUser;
use crate::web::views::problems::{BadRequest, Conflict, NotFound, Unauthorized, Unprocessable, UnsupportedMediaType};
use crate::web::views::registration::{RegistrationView, TicketTypeView};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![ticket_types, register, my_registrations, cancel_registration]
}

/// The event's listed ticket types and whether each is on sale (a hidden one too, with its secret code)
#[utoipa::path(get, path = "/api/events/{slug}/ticket-types", operation_id = "listTicketTypes", params(
    ("slug" = String, Path),
    ("access" = Option<String>, Query, description = "The code of a hidden ticket type's secret link."),
), responses((status = 200, description = "OK", body = Vec<TicketTypeView>), (status = 404, response = NotFound)))]
#[get("/events/<_slug>/ticket-types?<access>")]
pub async fn ticket_types(
    _slug: &str,
    access: Option<&str>,
    visible: ApiVisibleEvent,
    state: &State<AppState>,
) -> AppResult<Json<Vec<TicketTypeView>>> {
    let payments = state.config.stripe.is_some();
    let listed = tickets::list(&state.db, visible.event.id).await?;
    let at = now();
    Ok(Json(listed.iter().filter(|t| tickets::is_offered_to(t, access.unwrap_or(""))).map(|t| TicketTypeView::new(t, at, payments)).collect()))
}

async fn registration_view(state: &AppState, found: &registration_row::Model) -> AppResult<RegistrationView> {
    let event = events::find_by_id(&state.db, found.event_id).await?.ok_or(AppError::NotFound)?;
    let ticket = tickets::find(&state.db, event.id, found.ticket_type_id).await?;
    Ok(RegistrationView::new(found, &event, &ticket))
}

/// Register for a ticket (409 when sold out or already registered)
///
/// A free ticket is confirmed at once; a paid one is held while the buyer
/// pays at `checkout_url`.
#[utoipa::path(post, path = "/api/events/{slug}/registrations", operation_id = "register", security(("bearer" = [])),
    params(("slug" = String, Path)), request_body = RegistrationForm, responses(
    (status = 201, description = "Registered", body = RegistrationView),
    (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 404, response = NotFound),
    (status = 409, response = Conflict), (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
))]
#[post("/events/<_slug>/registrations", data = "<body>")]
pub async fn register(
    _slug: &str,
    visible: ApiVisibleEvent,
    user: ApiUser,
    body: ApiJson<RegistrationForm>,
    state: &State<AppState>,
) -> AppResult<Custom<Json<RegistrationView>>> {
    let view = match use_cases::register(state.context(), &visible.event, &user.0, &body.0, None).await? {
        Registered::CheckoutStarted { registration, url } => {
            RegistrationView { checkout_url: Some(url), ..registration_view(state, &registration).await? }
        }
        Registered::Confirmed { registration, ticket } => RegistrationView::new(&registration, &visible.event, &ticket),
    };
    Ok(Custom(Status::Created, Json(view)))
}

/// Your registrations, newest first
#[utoipa::path(get, path = "/api/me/registrations", operation_id = "listMyRegistrations", security(("bearer" = [])), responses(
    (status = 200, description = "OK", body = Vec<RegistrationView>), (status = 401, response = Unauthorized),
))]
#[get("/me/registrations")]
pub async fn my_registrations(user: ApiUser, state: &State<AppState>) -> AppResult<Json<Vec<RegistrationView>>> {
    let mut listed = Vec::new();
    for found in registration::of_user(&state.db, user.0.id).await? {
        listed.push(registration_view(state, &found).await?);
    }
    Ok(Json(listed))
}

/// Cancel a registration: your own (until the organizer's cut-off), or any of an event you organize
#[utoipa::path(delete, path = "/api/registrations/{id}", operation_id = "cancelRegistration", security(("bearer" = [])),
    params(("id" = i32, Path)), responses(
    (status = 200, description = "Cancelled", body = RegistrationView),
    (status = 401, response = Unauthorized), (status = 404, response = NotFound), (status = 409, response = Conflict), (status = 422, response = Unprocessable),
))]
#[delete("/registrations/<id>")]
pub async fn cancel_registration(id: i32, user: ApiUser, state: &State<AppState>) -> AppResult<Json<RegistrationView>> {
    let reason = CancelReason { recorded: "cancelled through the API", told: "" };
    let (cancellation, _refund) = use_cases::cancel_as(state.context(), &user.0, id, reason).await?;
    Ok(Json(registration_view(state, &cancellation.registration).await?))
}
