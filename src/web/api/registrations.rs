//! Tickets and registrations over the API.

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{delete, get, post, routes, Route, State};
use serde_json::{json, Value};

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
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![ticket_types, register, my_registrations, cancel_registration]
}

/// The listed ticket types, and a hidden one when `access` is its secret code.
#[get("/events/<_slug>/ticket-types?<access>")]
async fn ticket_types(_slug: &str, access: Option<&str>, visible: ApiVisibleEvent, state: &State<AppState>) -> AppResult<Json<Vec<Value>>> {
    let payments = state.config.stripe.is_some();
    let listed = tickets::list(&state.db, visible.event.id).await?;
    Ok(Json(
        listed
            .iter()
            .filter(|t| tickets::is_offered_to(t, access.unwrap_or("")))
            .map(|t| {
                let availability = tickets::availability(t, now(), payments);
                json!({
                    "id": t.id, "name": t.name, "description": t.description,
                    "price_minor": t.price_minor, "currency": t.currency,
                    "capacity": t.capacity, "available": t.capacity.map(|c| (c - t.taken).max(0)),
                    "sales_start": t.sales_start, "sales_end": t.sales_end, "max_per_person": t.max_per_person,
                    "availability": availability, "availability_message": availability.message(),
                })
            })
            .collect(),
    ))
}

pub async fn registration_json(state: &AppState, found: &registration_row::Model) -> AppResult<Value> {
    let event = events::find_by_id(&state.db, found.event_id).await?.ok_or(AppError::NotFound)?;
    let ticket = tickets::find(&state.db, event.id, found.ticket_type_id).await?;
    Ok(registration_body(found, &event, &ticket))
}

fn registration_body(
    found: &registration_row::Model,
    event: &crate::db::entities::event::Model,
    ticket: &crate::db::entities::ticket_type::Model,
) -> Value {
    json!({
        "id": found.id,
        "event": event.slug,
        "ticket_type": {"id": ticket.id, "name": ticket.name},
        "quantity": found.quantity,
        "status": found.status,
        "amount_minor": found.amount_minor,
        "currency": found.currency,
        "role_id": found.role_id,
        "created_at": found.created_at,
        "cancelled_at": found.cancelled_at,
        "refund_status": found.refund_status,
    })
}

#[post("/events/<_slug>/registrations", data = "<body>")]
async fn register(
    _slug: &str,
    visible: ApiVisibleEvent,
    user: ApiUser,
    body: ApiJson<RegistrationForm>,
    state: &State<AppState>,
) -> AppResult<Custom<Json<Value>>> {
    match use_cases::register(state.context(), &visible.event, &user.0, &body.0, None).await? {
        Registered::CheckoutStarted { registration, url } => {
            let mut body = registration_json(state, &registration).await?;
            body["checkout_url"] = json!(url);
            Ok(Custom(Status::Created, Json(body)))
        }
        Registered::Confirmed { registration, ticket } => {
            Ok(Custom(Status::Created, Json(registration_body(&registration, &visible.event, &ticket))))
        }
    }
}

#[get("/me/registrations")]
async fn my_registrations(user: ApiUser, state: &State<AppState>) -> AppResult<Json<Vec<Value>>> {
    let mut listed = Vec::new();
    for found in registration::of_user(&state.db, user.0.id).await? {
        listed.push(registration_json(state, &found).await?);
    }
    Ok(Json(listed))
}

/// The attendee cancels their own; an organizer of the event cancels anyone's.
#[delete("/registrations/<id>")]
async fn cancel_registration(id: i32, user: ApiUser, state: &State<AppState>) -> AppResult<Json<Value>> {
    let reason = CancelReason { recorded: "cancelled through the API", told: "" };
    let (cancellation, _refund) = use_cases::cancel_as(state.context(), &user.0, id, reason).await?;
    Ok(Json(registration_json(state, &cancellation.registration).await?))
}
