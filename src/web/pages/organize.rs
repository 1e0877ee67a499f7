//! Organizer screens: create and edit an event, publish it, manage rooms,
//! tracks, team and sessions, set weekly chats' topics, import frab XML.
//! Every route takes `OrganizedEvent` (or `CurrentUser` to create), so the
//! permission check cannot be forgotten.

use rocket::form::{Form, FromForm};
use rocket::fs::TempFile;
use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::discount_code::DiscountKind;
use crate::db::entities::event;
use crate::domain::chats::{self, OccurrenceForm};
use crate::domain::events::editing::{self, EventForm};
use crate::domain::events::{self, places, team};
use crate::domain::now;
use crate::domain::registration::invitations;
use crate::domain::registration::tickets::{self, TicketTypeForm};
use crate::domain::registration::use_cases::{self, TeamInvited};
use crate::domain::schedule::frab::import::{self, ImportReport};
use crate::domain::schedule::sessions::{self, SessionForm};
use crate::domain::schedule::{self, Scope};
use crate::domain::times;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::{token_matches, CsrfForm, CsrfOnly};
use crate::web::event_guards::OrganizedEvent;
use crate::web::guards::CurrentUser;
use crate::web::pages::schedule_view::session_card;
use crate::web::render::{Html, Page};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        new_event_page,
        create_event,
        dashboard,
        update_event,
        publish,
        add_room,
        delete_room,
        add_track,
        delete_track,
        add_team_member,
        remove_team_member,
        new_session_page,
        create_session,
        edit_session_page,
        update_session,
        delete_session,
        import_frab,
        save_occurrence,
        add_ticket_type,
        set_ticket_visibility,
        renew_ticket_link,
        delete_ticket_type,
        add_question,
        delete_question,
        add_discount,
        delete_discount,
    ]
}

fn manage_url(event: &event::Model) -> String {
    format!("/events/{}/manage", event.slug)
}

/// Back to the organizer's dashboard with a message.
fn back_to_dashboard(event: &event::Model, message: impl Into<String>) -> Flash<Redirect> {
    Flash::success(Redirect::to(manage_url(event)), message.into())
}

/// Common IANA zones first in the picker; any valid name is accepted.
const COMMON_ZONES: &[&str] = &[
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

fn event_form_context(form: &EventForm) -> Value {
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

#[get("/events/new")]
fn new_event_page(page: Page, _user: CurrentUser) -> Html {
    let form = EventForm { kind: "conference".into(), time_zone: "America/New_York".into(), ..Default::default() };
    page.ok("organize/new_event", "Create an event", event_form_context(&form))
}

#[post("/events", data = "<form>")]
async fn create_event(page: Page, user: CurrentUser, form: CsrfForm<EventForm>, state: &State<AppState>) -> AppResult<Html> {
    let CsrfForm(form) = form;
    match editing::create(&state.db, &user.0, &form).await {
        Ok(created) => Ok(Html::Flash(Flash::success(
            Redirect::to(manage_url(&created)),
            "Your event is created. Add rooms, tracks and sessions, then publish it.",
        ))),
        Err(AppError::Validation(errors)) => {
            Ok(page.invalid(Status::UnprocessableEntity, "organize/new_event", "Create an event", event_form_context(&form), &errors))
        }
        Err(other) => Err(other),
    }
}

/// Everything on the organizer's dashboard, with `extra` merged in.
async fn dashboard_context(state: &AppState, event: &event::Model, form: Option<&EventForm>, extra: Value) -> AppResult<Value> {
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
async fn dashboard_with_errors(
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
async fn dashboard_action<T>(page: &Page, state: &AppState, event: &event::Model, result: AppResult<T>, message: &str) -> AppResult<Html> {
    match result {
        Ok(_) => Ok(Html::Flash(back_to_dashboard(event, message))),
        Err(AppError::Validation(errors)) => dashboard_with_errors(page, state, event, None, &errors).await,
        Err(AppError::Conflict(message)) => dashboard_with_errors(page, state, event, None, &[FieldError::new("team", message)]).await,
        Err(other) => Err(other),
    }
}

#[post("/events/<_slug>/manage", data = "<form>")]
async fn update_event(_slug: &str, organized: OrganizedEvent, form: CsrfForm<EventForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let CsrfForm(form) = form;
    match editing::update(&state.db, &organized.event, &form).await {
        Ok(updated) => Ok(Html::Flash(back_to_dashboard(&updated, "The event is saved."))),
        Err(AppError::Validation(errors)) => dashboard_with_errors(&page, state, &organized.event, Some(&form), &errors).await,
        Err(other) => Err(other),
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct PublishForm {
    published: String,
}

#[post("/events/<_slug>/manage/publish", data = "<form>")]
async fn publish(_slug: &str, organized: OrganizedEvent, form: CsrfForm<PublishForm>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    let published = form.0.published == "true";
    let updated = editing::set_published(&state.db, &organized.event, published).await?;
    if !published {
        state.chat.close_event(&state.db, updated.id).await;
    }
    let message = if published { "The event is published: everyone can see it now." } else { "The event is unpublished: only its team can see it." };
    Ok(back_to_dashboard(&updated, message))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RoomForm {
    room_name: String,
    room_capacity: String,
}

#[post("/events/<_slug>/manage/rooms", data = "<form>")]
async fn add_room(_slug: &str, organized: OrganizedEvent, form: CsrfForm<RoomForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let result = places::add_room(&state.db, &organized.event, &form.0.room_name, &form.0.room_capacity).await;
    dashboard_action(&page, state, &organized.event, result, "The room is added.").await
}

#[post("/events/<_slug>/manage/rooms/<id>/delete", data = "<_form>")]
async fn delete_room(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    places::delete_room(&state.db, &organized.event, id).await?;
    Ok(back_to_dashboard(&organized.event, "The room is removed; its sessions kept their times."))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct TrackForm {
    track_name: String,
    track_color: String,
}

#[post("/events/<_slug>/manage/tracks", data = "<form>")]
async fn add_track(_slug: &str, organized: OrganizedEvent, form: CsrfForm<TrackForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let result = places::add_track(&state.db, &organized.event, &form.0.track_name, &form.0.track_color).await;
    dashboard_action(&page, state, &organized.event, result, "The track is added.").await
}

#[post("/events/<_slug>/manage/tracks/<id>/delete", data = "<_form>")]
async fn delete_track(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    places::delete_track(&state.db, &organized.event, id).await?;
    Ok(back_to_dashboard(&organized.event, "The track is removed."))
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
        Err(AppError::Validation(errors)) => return dashboard_with_errors(&page, state, event, None, &errors).await,
        Err(AppError::Conflict(message)) => return dashboard_with_errors(&page, state, event, None, &[FieldError::new("team", message)]).await,
        Err(other) => return Err(other),
    };
    Ok(Html::Flash(back_to_dashboard(event, message)))
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
    dashboard_action(&page, state, &organized.event, result, "The team is updated.").await
}

async fn session_form_context(state: &AppState, event: &event::Model, form: &SessionForm, session_id: Option<i32>) -> AppResult<Value> {
    let rooms = places::rooms(&state.db, event.id).await?;
    let tracks = places::tracks(&state.db, event.id).await?;
    let selected = |text: &str, id: i32, name: &str| text.trim() == id.to_string() || text.trim().eq_ignore_ascii_case(name);
    let statuses: Vec<Value> = ["draft", "published", "cancelled"].iter().map(|s| json!({"value": s, "selected": form.status == *s})).collect();
    Ok(json!({
        "event": events::summarize(event),
        "form": form,
        "session_id": session_id,
        "rooms": rooms.iter().map(|r| json!({"id": r.id, "name": r.name, "selected": selected(&form.room, r.id, &r.name)})).collect::<Vec<_>>(),
        "tracks": tracks.iter().map(|t| json!({"id": t.id, "name": t.name, "selected": selected(&form.track, t.id, &t.name)})).collect::<Vec<_>>(),
        "statuses": statuses,
    }))
}

#[get("/events/<_slug>/manage/sessions/new")]
async fn new_session_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let zone = events::zone_of(&organized.event);
    let start = crate::domain::input::local_input_value(zone, organized.event.starts_at);
    let form = SessionForm { status: "draft".into(), language: "en".into(), starts_at: start.clone(), ends_at: start, ..Default::default() };
    let context = session_form_context(state, &organized.event, &form, None).await?;
    Ok(page.ok("organize/session_form", "New session", context))
}

#[post("/events/<_slug>/manage/sessions", data = "<form>")]
async fn create_session(_slug: &str, organized: OrganizedEvent, form: CsrfForm<SessionForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let CsrfForm(form) = form;
    match sessions::create(&state.db, &organized.event, &form).await {
        Ok(created) => Ok(Html::Flash(back_to_dashboard(&organized.event, format!("“{}” is saved.", created.title)))),
        Err(AppError::Validation(errors)) => {
            let context = session_form_context(state, &organized.event, &form, None).await?;
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
    let context = session_form_context(state, &organized.event, &form, Some(id)).await?;
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
        Ok(updated) => Ok(Html::Flash(back_to_dashboard(&organized.event, format!("“{}” is saved.", updated.title)))),
        Err(AppError::Validation(errors)) => {
            let context = session_form_context(state, &organized.event, &form, Some(id)).await?;
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
    Ok(back_to_dashboard(&organized.event, format!("“{}” is deleted.", found.title)))
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
        return dashboard_with_errors(&page, state, event, None, &[FieldError::new("file", "The file is larger than 20 MiB.")]).await;
    }
    let xml = match read_upload(&upload.file).await {
        Ok(xml) => xml,
        Err(message) => return dashboard_with_errors(&page, state, event, None, &[FieldError::new("file", message)]).await,
    };
    match import::import(&state.db, event, &xml).await {
        Ok(report) => {
            let refreshed = events::find_by_slug(&state.db, &event.slug).await?.unwrap_or_else(|| event.clone());
            let context = dashboard_context(state, &refreshed, None, json!({"import_report": report_summary(&report)})).await?;
            Ok(page.ok("organize/dashboard", &format!("Manage · {}", event.title), context))
        }
        Err(AppError::Validation(errors)) => dashboard_with_errors(&page, state, event, None, &errors).await,
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

fn report_summary(report: &ImportReport) -> Value {
    json!({
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rooms_created": report.rooms_created,
        "tracks_created": report.tracks_created,
        "assumptions": report.assumptions,
    })
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
    dashboard_action(&page, state, &organized.event, result, "The chat is updated.").await
}

#[post("/events/<_slug>/manage/tickets", data = "<form>")]
async fn add_ticket_type(
    _slug: &str,
    organized: OrganizedEvent,
    form: CsrfForm<TicketTypeForm>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = tickets::create(&state.db, &organized.event, &form.0).await;
    dashboard_action(&page, state, &organized.event, result, "The ticket type is added.").await
}

#[post("/events/<_slug>/manage/tickets/<id>/visibility", data = "<form>")]
async fn set_ticket_visibility(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    form: CsrfForm<PublishForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let visible = form.0.published == "true";
    tickets::set_visible(&state.db, &organized.event, id, visible).await?;
    Ok(back_to_dashboard(&organized.event, if visible { "The ticket is listed." } else { "The ticket is hidden." }))
}

/// A new secret link for a hidden ticket type; the old one stops working.
#[post("/events/<_slug>/manage/tickets/<id>/link", data = "<_form>")]
async fn renew_ticket_link(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let renewed = tickets::renew_access_code(&state.db, &organized.event, id).await?;
    Ok(back_to_dashboard(&organized.event, format!("“{}” has a new secret link; the old one no longer works.", renewed.name)))
}

#[post("/events/<_slug>/manage/tickets/<id>/delete", data = "<_form>")]
async fn delete_ticket_type(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = tickets::delete(&state.db, &organized.event, id).await;
    match result {
        Err(AppError::Conflict(message)) => {
            dashboard_with_errors(&page, state, &organized.event, None, &[FieldError::new("ticket_name", message)]).await
        }
        other => dashboard_action(&page, state, &organized.event, other, "The ticket type is deleted.").await,
    }
}

#[post("/events/<_slug>/manage/questions", data = "<form>")]
async fn add_question(
    _slug: &str,
    organized: OrganizedEvent,
    form: CsrfForm<crate::domain::registration::questions::QuestionForm>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = crate::domain::registration::questions::create(&state.db, &organized.event, &form.0).await;
    dashboard_action(&page, state, &organized.event, result, "The question is added.").await
}

#[post("/events/<_slug>/manage/questions/<id>/delete", data = "<_form>")]
async fn delete_question(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    crate::domain::registration::questions::delete(&state.db, &organized.event, id).await?;
    Ok(back_to_dashboard(&organized.event, "The question is removed; answers already given are removed with it."))
}

#[post("/events/<_slug>/manage/discounts", data = "<form>")]
async fn add_discount(
    _slug: &str,
    organized: OrganizedEvent,
    form: CsrfForm<crate::domain::registration::discounts::DiscountForm>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = crate::domain::registration::discounts::create(&state.db, &organized.event, &form.0).await;
    dashboard_action(&page, state, &organized.event, result, "The discount code is added.").await
}

#[post("/events/<_slug>/manage/discounts/<id>/delete", data = "<_form>")]
async fn delete_discount(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    crate::domain::registration::discounts::delete(&state.db, &organized.event, id).await?;
    Ok(back_to_dashboard(&organized.event, "The discount code is removed."))
}
