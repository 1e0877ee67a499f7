//! The organizer's dashboard of one event, and what every organizer screen
//! shares: its address, going back to it with a message, showing it again
//! with what needs fixing.

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::discount_code::DiscountKind;
use crate::db::entities::event;
use crate::domain::chats::{self};
use crate::domain::events::editing::EventForm;
use crate::domain::events::{self, team};
use crate::domain::now;
use crate::domain::registration::invitations;
use crate::domain::registration::tickets::{self};
use crate::domain::schedule::{self, Scope};
use crate::domain::times;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::event_guards::OrganizedEvent;
use crate::web::pages::schedule_view::session_card;
use crate::web::render::{Html, Page};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![dashboard]
}

pub(super) fn manage_url(event: &event::Model) -> String {
    format!("/events/{}/manage", event.slug)
}

/// Back to the organizer's dashboard with a message.
pub(super) fn back_to_dashboard(event: &event::Model, message: impl Into<String>) -> Flash<Redirect> {
    Flash::success(Redirect::to(manage_url(event)), message.into())
}

/// Common IANA zones first in the picker; any valid name is accepted.
pub(super) const COMMON_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Athens",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
];

pub(super) fn event_form_context(form: &EventForm) -> Value {
    let kinds: Vec<Value> = ["conference", "meetup", "online_chat"]
        .iter()
        .map(|k| json!({"value": k, "label": crate::db::entities::event::EventKind::parse(k).map(|k| k.label()).unwrap_or(k), "selected": form.kind == *k}))
        .collect();
    let mut zones: Vec<&str> = COMMON_ZONES.to_vec();
    if !form.time_zone.is_empty() && !zones.contains(&form.time_zone.as_str()) {
        zones.insert(0, &form.time_zone);
    }
    json!({
        "form": form,
        "kinds": kinds,
        "zones": zones.iter().map(|z| json!({"name": z, "selected": form.time_zone == *z})).collect::<Vec<_>>(),
        "is_chat": form.kind == "online_chat",
    })
}

/// Everything on the organizer's dashboard, with `extra` merged in.
pub(super) async fn dashboard_context(state: &AppState, event: &event::Model, form: Option<&EventForm>, extra: Value) -> AppResult<Value> {
    let zone = events::zone_of(event);
    let loaded = schedule::load(&state.db, event, Scope::All).await?;
    let default_form = EventForm::from_event(event);
    let mut context = event_form_context(form.unwrap_or(&default_form));
    context["event"] = json!(events::summarize(event));
    context["is_published"] = json!(event.is_published);
    context["rooms"] = json!(loaded.rooms);
    context["tracks"] = json!(loaded.tracks);
    context["team"] = json!(team::list(&state.db, event).await?);
    context["team_invitations"] = json!(invitations::open_for_event(&state.db, event, invitations::Kind::Team).await?);
    let payments = state.config.stripe.is_some();
    context["ticket_types"] = json!(tickets::list(&state.db, event.id)
        .await?
        .iter()
        .map(|t| json!({
            "id": t.id, "name": t.name, "price": tickets::format_price(t.price_minor, &t.currency), "taken": t.taken, "capacity": t.capacity,
            "is_visible": t.is_visible, "availability": tickets::availability(t, now(), payments).message(),
            "secret_link": t.access_code.as_ref().filter(|_| !t.is_visible).map(|code| format!("{}/events/{}?access={code}", state.config.base_url, event.slug)),
        }))
        .collect::<Vec<_>>());
    context["seats_taken"] = json!(event.seats_taken);
    context["discounts"] = json!(crate::domain::registration::discounts::list(&state.db, event.id)
        .await?
        .iter()
        .map(|d| json!({
            "id": d.id, "code": d.code, "used": d.used, "max_uses": d.max_uses,
            "off": if d.kind == DiscountKind::Percent { format!("{}%", d.amount) } else { tickets::format_price(d.amount, "USD") },
        }))
        .collect::<Vec<_>>());
    context["questions"] = json!(crate::domain::registration::questions::list(&state.db, event.id)
        .await?
        .iter()
        .map(|q| json!({"id": q.id, "label": q.label, "kind": q.kind, "is_required": q.is_required, "options": q.options.replace('\n', " · ")}))
        .collect::<Vec<_>>());
    context["payments_configured"] = json!(payments);
    context["sessions"] = json!(loaded.sessions.iter().map(|s| session_card(&loaded, s, &Default::default())).collect::<Vec<_>>());
    if event.kind == crate::db::entities::event::EventKind::OnlineChat {
        let upcoming: Vec<Value> = chats::occurrences(&state.db, event)
            .await?
            .into_iter()
            .filter(|o| o.ends_at > now())
            .take(8)
            .map(|o| {
                json!({
                    "key": o.scheduled_start.to_rfc3339(),
                    "start": times::show(o.starts_at, zone, None),
                    "scheduled": times::show(o.scheduled_start, zone, None),
                    "starts_at_input": crate::domain::input::local_input_value(zone, o.starts_at),
                    "status": o.status,
                    "is_skipped": o.status == OccurrenceStatus::Skipped,
                    "is_moved": o.status == OccurrenceStatus::Moved,
                    "topics_text": o.topics.iter().map(|t| if t.question.is_empty() { t.title.clone() } else { format!("{} | {}", t.title, t.question) }).collect::<Vec<_>>().join("\n"),
                })
            })
            .collect();
        context["occurrences"] = json!(upcoming);
    }
    if let (Value::Object(base), Value::Object(more)) = (&mut context, extra) {
        base.extend(more);
    }
    Ok(context)
}

#[get("/events/<_slug>/manage")]
async fn dashboard(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let context = dashboard_context(state, &organized.event, None, json!({})).await?;
    Ok(page.ok("organize/dashboard", &format!("Manage · {}", organized.event.title), context))
}

/// Re-renders the dashboard with what needs fixing.
pub(super) async fn dashboard_with_errors(
    page: &Page,
    state: &AppState,
    event: &event::Model,
    form: Option<&EventForm>,
    errors: &[FieldError],
) -> AppResult<Html> {
    let context = dashboard_context(state, event, form, json!({})).await?;
    Ok(page.invalid(Status::UnprocessableEntity, "organize/dashboard", &format!("Manage · {}", event.title), context, errors))
}

/// Runs a dashboard action: success redirects back with a message; a
/// validation problem shows the dashboard again with it.
pub(super) async fn dashboard_action<T>(page: &Page, state: &AppState, event: &event::Model, result: AppResult<T>, message: &str) -> AppResult<Html> {
    match result {
        Ok(_) => Ok(Html::Flash(back_to_dashboard(event, message))),
        Err(AppError::Validation(errors)) => dashboard_with_errors(page, state, event, None, &errors).await,
        Err(AppError::Conflict(message)) => dashboard_with_errors(page, state, event, None, &[FieldError::new("team", message)]).await,
        Err(other) => Err(other),
    }
}

/// A yes-or-no switch (publish an event, list a ticket type).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct PublishForm {
    pub(super) published: String,
}
