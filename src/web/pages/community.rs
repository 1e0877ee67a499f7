//! The organizer's community page: the event's roles, tribe size, meetup
//! slots, forming tribes, and mixed-stakeholder table plans.

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;

use crate::db::entities::event;
use crate::domain::community::{tables, tribes};
use crate::domain::events::places;
use crate::error::{AppError, AppResult};
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::event_guards::OrganizedEvent;
use crate::web::render::{Html, Page};
use crate::web::views::community::CommunityPage;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![community_page, add_role, delete_role, set_tribe_size, add_slot, delete_slot, form_tribes, create_plan, reseat_plan, delete_plan]
}

fn community_url(event: &event::Model) -> String {
    format!("/events/{}/manage/community", event.slug)
}

#[get("/events/<_slug>/manage/community")]
async fn community_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let data = CommunityPage::<()>::load(&state.db, &organized.event, None).await?;
    Ok(page.ok("organize/community", &format!("Community · {}", organized.event.title), data))
}

/// Success goes back with a message; a validation problem shows the page
/// again with the message beside the field and what was typed.
async fn outcome<T>(
    page: &Page,
    state: &AppState,
    event: &event::Model,
    result: AppResult<T>,
    message: &str,
    typed: impl serde::Serialize,
) -> AppResult<Html> {
    match result {
        Ok(_) => Ok(Html::Flash(Flash::success(Redirect::to(community_url(event)), message.to_owned()))),
        Err(AppError::Validation(errors)) => {
            let data = CommunityPage::load(&state.db, event, Some(typed)).await?;
            Ok(page.invalid(Status::UnprocessableEntity, "organize/community", &format!("Community · {}", event.title), data, &errors))
        }
        Err(other) => Err(other),
    }
}

#[derive(Default, Deserialize, serde::Serialize)]
#[serde(default)]
struct RoleForm {
    role_name: String,
    role_color: String,
}

#[post("/events/<_slug>/manage/roles", data = "<form>")]
async fn add_role(_slug: &str, organized: OrganizedEvent, form: CsrfForm<RoleForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let result = places::add_role(&state.db, &organized.event, &form.0.role_name, &form.0.role_color).await;
    outcome(&page, state, &organized.event, result, "Role added.", form.0).await
}

#[post("/events/<_slug>/manage/roles/<id>/delete", data = "<_form>")]
async fn delete_role(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    places::delete_role(&state.db, &organized.event, id).await?;
    Ok(Flash::success(Redirect::to(community_url(&organized.event)), "Role removed; attendees who had it can pick another."))
}

#[derive(Default, Deserialize, serde::Serialize)]
#[serde(default)]
struct SizeForm {
    tribe_size: String,
}

#[post("/events/<_slug>/manage/tribes/size", data = "<form>")]
async fn set_tribe_size(_slug: &str, organized: OrganizedEvent, form: CsrfForm<SizeForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let result = tribes::set_size(&state.db, &organized.event, &form.0.tribe_size).await;
    outcome(&page, state, &organized.event, result, "Tribe size saved. Form the tribes again for it to apply.", form.0).await
}

#[derive(Default, Deserialize, serde::Serialize)]
#[serde(default)]
struct SlotForm {
    slot_starts: String,
    slot_ends: String,
    slot_place: String,
    slot_capacity: String,
}

#[post("/events/<_slug>/manage/slots", data = "<form>")]
async fn add_slot(_slug: &str, organized: OrganizedEvent, form: CsrfForm<SlotForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let f = &form.0;
    let result = tribes::add_slot(&state.db, &organized.event, &f.slot_starts, &f.slot_ends, &f.slot_place, &f.slot_capacity).await;
    outcome(&page, state, &organized.event, result, "Meetup slot added.", form.0).await
}

#[post("/events/<_slug>/manage/slots/<id>/delete", data = "<_form>")]
async fn delete_slot(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    tribes::delete_slot(&state.db, &organized.event, id).await?;
    Ok(Flash::success(
        Redirect::to(community_url(&organized.event)),
        "Slot removed; tribes that met there have no meetup until you form tribes again.",
    ))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct FormTribesForm {
    /// `keep` (place newcomers, keep existing tribes) or `fresh`.
    mode: String,
}

#[post("/events/<_slug>/manage/tribes/form", data = "<form>")]
async fn form_tribes(_slug: &str, organized: OrganizedEvent, form: CsrfForm<FormTribesForm>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    let keep = form.0.mode != "fresh";
    let report = tribes::form(&state.db, &organized.event, keep).await?;
    let mut message = format!("{} tribes for {} people; {} placed this time.", report.tribes, report.people, report.placed);
    if report.without_slot > 0 {
        message.push_str(&format!(" {} tribes have no meetup slot: add slots or raise their capacity.", report.without_slot));
    }
    Ok(Flash::success(Redirect::to(community_url(&organized.event)), message))
}

#[derive(Default, Deserialize, serde::Serialize)]
#[serde(default)]
struct PlanForm {
    plan_title: String,
    plan_session: String,
    table_size: String,
    /// Role ids: one checkbox each, repeated in the body.
    plan_roles: Vec<String>,
}

/// The plan form's body: checkboxes repeat `plan_roles`, which
/// serde_urlencoded cannot gather, so the body is read by hand.
struct PlanBody(PlanForm);

impl<'de> Deserialize<'de> for PlanBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pairs: Vec<(String, String)> = Deserialize::deserialize(deserializer)?;
        let mut form = PlanForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "plan_title" => form.plan_title = value,
                "plan_session" => form.plan_session = value,
                "table_size" => form.table_size = value,
                "plan_roles" => form.plan_roles.push(value),
                _ => {}
            }
        }
        Ok(PlanBody(form))
    }
}

#[post("/events/<_slug>/manage/tables", data = "<form>")]
async fn create_plan(_slug: &str, organized: OrganizedEvent, form: CsrfForm<PlanBody>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let f = &form.0 .0;
    let request = tables::PlanRequest {
        title: f.plan_title.clone(),
        session_id: f.plan_session.trim().parse().ok(),
        table_size: f.table_size.clone(),
        role_ids: f.plan_roles.iter().filter_map(|r| r.trim().parse().ok()).collect(),
    };
    let result = tables::create(&state.db, &organized.event, &request).await;
    outcome(&page, state, &organized.event, result, "Tables planned. Each attendee sees their table on their tribe page.", f).await
}

#[post("/events/<_slug>/manage/tables/<id>/reseat", data = "<_form>")]
async fn reseat_plan(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let plan = tables::find(&state.db, &organized.event, id).await?;
    let count = tables::seat(&state.db, &organized.event, &plan).await?;
    Ok(Flash::success(Redirect::to(community_url(&organized.event)), format!("Seated again at {count} tables.")))
}

#[post("/events/<_slug>/manage/tables/<id>/delete", data = "<_form>")]
async fn delete_plan(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    tables::delete(&state.db, &organized.event, id).await?;
    Ok(Flash::success(Redirect::to(community_url(&organized.event)), "Table plan removed."))
}
