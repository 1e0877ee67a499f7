//! Registering for an event and cancelling, from the event's page.

use rocket::response::{Flash, Redirect};
use rocket::{post, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::entities::{event, user};
use crate::domain::registration::{self, CancelledBy, RegistrationForm};
use crate::domain::tickets::{self, Availability};
use crate::domain::{now, times};
use crate::error::{AppError, AppResult};
use crate::web::csrf::CsrfForm;
use crate::web::event_guards::VisibleEvent;
use crate::web::guards::CurrentUser;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![register, cancel]
}

/// The registration panel on an event's page: tickets on offer, or the
/// viewer's registration.
pub async fn panel(state: &AppState, event: &event::Model, viewer: Option<&user::Model>) -> AppResult<Value> {
    let payments = state.config.stripe.is_some();
    let at = now();
    let offered: Vec<Value> = tickets::list(&state.db, event.id)
        .await?
        .into_iter()
        .filter(|t| t.is_visible)
        .map(|t| {
            let availability = tickets::availability(&t, at, payments);
            json!({
                "id": t.id,
                "name": t.name,
                "description": t.description,
                "price": tickets::format_price(t.price_minor, &t.currency),
                "left": t.capacity.map(|c| (c - t.taken).max(0)),
                "on_sale": availability == Availability::OnSale,
                "availability": availability.message(),
                "max_per_person": t.max_per_person,
                "several": t.max_per_person > 1,
            })
        })
        .collect();
    let roles = crate::domain::events::places::roles(&state.db, event.id).await?;
    let questions: Vec<Value> = crate::domain::questions::list(&state.db, event.id)
        .await?
        .iter()
        .map(|q| {
            json!({
                "id": q.id, "label": q.label, "required": q.is_required,
                "is_text": q.kind == "text", "is_single": q.kind == "single", "is_multiple": q.kind == "multiple", "is_checkbox": q.kind == "checkbox",
                "choices": crate::domain::questions::choices(q).iter().enumerate().map(|(i, c)| json!({"index": i, "label": c})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mine = match viewer {
        Some(user) => registration::live_registration(&state.db, event.id, user.id).await?,
        None => None,
    };
    let zone = crate::domain::events::zone_of(event);
    let mine = match mine {
        Some(found) => {
            let ticket = tickets::find(&state.db, event.id, found.ticket_type_id).await?;
            Some(json!({
                "id": found.id,
                "status": found.status,
                "ticket": ticket.name,
                "quantity": found.quantity,
                "can_cancel": now() < registration::attendee_cancel_deadline(event),
                "cancel_until": times::show(registration::attendee_cancel_deadline(event), zone, None),
            }))
        }
        None => None,
    };
    Ok(json!({
        "tickets": offered,
        "any_on_sale": offered.iter().any(|t| t["on_sale"] == json!(true)),
        "roles": roles.iter().map(|r| json!({"id": r.id, "name": r.name})).collect::<Vec<_>>(),
        "questions": questions,
        "mine": mine,
        "full": event.capacity.is_some_and(|c| event.seats_taken >= c),
    }))
}

/// The form's fields by name: the ticket, role and quantity, and the answers
/// (`q_<id>`, `q_<id>_<n>`), which depend on the event's questions.
type FormFields = std::collections::HashMap<String, String>;

#[post("/events/<_slug>/register", data = "<form>")]
async fn register(_slug: &str, visible: VisibleEvent, user: CurrentUser, form: CsrfForm<FormFields>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    let back = Redirect::to(format!("/events/{}", visible.event.slug));
    let fields = form.0;
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let request_form = RegistrationForm { ticket_type_id: field("ticket_type_id"), quantity: field("quantity"), role: field("role"), answers: serde_json::Value::Null };
    let outcome = async {
        let questions = crate::domain::questions::list(&state.db, visible.event.id).await?;
        let answers = crate::domain::questions::from_form_fields(&fields, &questions);
        let request = registration::check_request(&state.db, &visible.event, &request_form, Some(answers), state.config.stripe.is_some()).await?;
        registration::register_free(&state.db, &visible.event, &user.0, &request, None).await
    }
    .await;
    // Sold out, already registered or a bad choice: said on the event's page,
    // where the form is; nothing was taken.
    match outcome {
        Ok(_) => Ok(Flash::success(back, format!("You are registered for {}. See you there!", visible.event.title))),
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
    match registration::cancel(&state.db, &visible.event, &found, CancelledBy::Attendee(user.0.id), &form.0.reason).await {
        Ok(_) => Ok(Flash::success(back, "Your registration is cancelled.")),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}
