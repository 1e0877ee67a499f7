//! An event's people: the directory, "your tribe" (suggestions, your tribe
//! and its meetup, your tables), and choosing one's role.

use rocket::http::ContentType;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use rocket_dyn_templates::Metadata;
use serde::Deserialize;

use crate::domain::community::people::{self, Access, DirectoryFilter};
use crate::domain::community::tribes;
use crate::domain::events::{self, places};
use crate::domain::registration;
use crate::error::{AppError, AppResult};
use crate::web::csrf::CsrfForm;
use crate::web::event_guards::VisibleEvent;
use crate::web::guards::CurrentUser;
use crate::web::pages::events::calendar_content_type;
use crate::web::render::{Html, Page};
use crate::web::views::community::{DirectoryPage, DirectoryQuery, EventName, MyTribe, SuggestionCard, TribePage};
use crate::web::views::Choice;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![directory_page, tribe_page, meetup_ics, choose_role]
}

#[get("/events/<_slug>/people?<role>&<interest>&<organization>&<q>&<page>")]
#[allow(clippy::too_many_arguments)]
async fn directory_page(
    _slug: &str,
    role: Option<i32>,
    interest: Option<String>,
    organization: Option<String>,
    q: Option<String>,
    page: Option<usize>,
    visible: VisibleEvent,
    frame: Page,
    templates: Metadata<'_>,
    state: &State<AppState>,
) -> AppResult<Html> {
    let access = people::access(&state.db, &visible.event, visible.viewer.as_ref()).await?;
    let filter = DirectoryFilter { role_id: role, interest: interest.clone(), organization: organization.clone(), name: q.clone() };
    let everyone = state.attendees.attendees(&state.db, &visible.event).await?;
    let found = people::directory(&everyone, access, &filter);
    let roles = places::roles(&state.db, visible.event.id).await?;
    let view = DirectoryPage::new(
        EventName::from(&visible.event),
        found,
        page.unwrap_or(1),
        Choice::roles(&roles, role),
        role,
        DirectoryQuery { interest, organization, q },
        access == Access::Outsider,
        visible.role == Some(crate::db::entities::event_member::TeamRole::Organizer),
    );
    frame.public(&templates, "tribe/directory", &format!("People · {}", visible.event.title), view).await
}

#[get("/events/<_slug>/tribe")]
async fn tribe_page(
    _slug: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    viewer_zone: crate::web::guards::ViewerZone,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let event = &visible.event;
    let suggestions = state.attendees.suggestions(&state.db, event, &user.0, 10).await?;
    let community = state.communities.get(&state.db, &state.attendees, event).await?;
    let my_tribe = community.tribe_of(user.0.id).cloned();
    let my_tables = community.tables_of(user.0.id);
    let everyone = state.attendees.attendees(&state.db, event).await?;
    let my_role = people::find(&everyone, user.0.id).map(|mine| mine.role.as_ref().map(|r| r.id));
    let roles = &community.roles;
    let (list, not_matched) = match suggestions {
        Ok(list) => (list, None),
        Err(reason) => (Vec::new(), Some(reason.message())),
    };
    Ok(page.ok(
        "tribe/show",
        &format!("Your tribe · {}", event.title),
        TribePage {
            event: EventName::from(event),
            suggestions: list.into_iter().map(SuggestionCard::from).collect(),
            not_matched,
            tribe: my_tribe.map(|t| MyTribe::new(t, events::zone_of(event), viewer_zone.0, user.0.id)),
            tables: my_tables
                .into_iter()
                .map(|mut t| {
                    t.table.people.retain(|p| p.user_id != user.0.id);
                    t
                })
                .collect(),
            registered: my_role.is_some(),
            roles: Choice::roles(&roles, my_role.flatten()),
            has_role: my_role.flatten().is_some(),
            zone_note: crate::web::views::frame::ZoneNote::new(crate::domain::times::Zones::for_viewer(events::zone_of(event), viewer_zone.0)),
        },
    ))
}

#[get("/events/<_slug>/tribe/meetup.ics")]
async fn meetup_ics(_slug: &str, visible: VisibleEvent, user: CurrentUser, state: &State<AppState>) -> AppResult<(ContentType, String)> {
    let community = state.communities.get(&state.db, &state.attendees, &visible.event).await?;
    let view = community.tribe_of(user.0.id).ok_or(AppError::NotFound)?;
    let file = tribes::meetup_ics(&visible.event, &view, &state.config.base_url).ok_or(AppError::NotFound)?;
    Ok((calendar_content_type(), file))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RoleForm {
    role: String,
    back: String,
}

#[post("/events/<_slug>/role", data = "<form>")]
async fn choose_role(
    _slug: &str,
    visible: VisibleEvent,
    user: CurrentUser,
    form: CsrfForm<RoleForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let back = Redirect::to(
        crate::web::catchers::safe_next(&form.0.back).map(str::to_owned).unwrap_or_else(|| format!("/events/{}/tribe", visible.event.slug)),
    );
    let role_id = match form.0.role.trim() {
        "" => None,
        text => Some(text.parse::<i32>().map_err(|_| AppError::BadRequest("Pick a role from the list.".into()))?),
    };
    match registration::choose_role(&state.db, &visible.event, user.0.id, role_id).await {
        Ok(()) => Ok(Flash::success(back, "Your role is saved.")),
        Err(AppError::Validation(errors)) => Ok(Flash::error(back, errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" "))),
        Err(AppError::NotFound) => Ok(Flash::error(back, "Register for the event first.")),
        Err(other) => Err(other),
    }
}
