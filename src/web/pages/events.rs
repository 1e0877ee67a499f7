use rocket::{get, routes, Route, State};
use serde_json::json;

use crate::domain::{events, markdown};
use crate::error::{AppError, AppResult};
use crate::web::render::{Html, Page};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![event_home]
}

/// An event's home: what, when, where. Unpublished events exist only for their team.
#[get("/events/<slug>")]
async fn event_home(slug: &str, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let event = events::find_by_slug(&state.db, slug).await?.ok_or(AppError::NotFound)?;
    let team_role = match &page.user {
        Some(user) => events::team_role(&state.db, event.id, user.id).await?,
        None => None,
    };
    if !event.is_published && team_role.is_none() && !page.user.as_ref().is_some_and(|u| u.is_site_admin) {
        return Err(AppError::NotFound);
    }
    let summary = events::summarize(&event);
    Ok(page.ok(
        "events/show",
        &event.title,
        json!({
            "event": summary,
            "description_html": markdown::to_safe_html(&event.description),
            "venue_address": event.venue_address,
            "venue_map_url": event.venue_map_url,
            "online_url": event.online_url,
            "team_role": team_role,
            "is_published": event.is_published,
        }),
    ))
}
