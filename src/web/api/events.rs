//! `/api/events`: the public list of published events.

use rocket::serde::json::Json;
use rocket::{get, routes, Route, State};

use crate::domain::events::{self, EventSummary};
use crate::error::AppResult;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![list_events]
}

#[get("/events")]
async fn list_events(state: &State<AppState>) -> AppResult<Json<Vec<EventSummary>>> {
    Ok(Json(
        events::list_published(&state.db)
            .await?
            .iter()
            .map(events::summarize)
            .collect(),
    ))
}
