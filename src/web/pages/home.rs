use rocket::{get, routes, Route, State};

use crate::domain::events;
use crate::error::AppResult;
use crate::web::render::{Html, Page};
use crate::web::views::events::HomePage;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![home]
}

#[get("/")]
async fn home(page: Page, state: &State<AppState>) -> AppResult<Html> {
    let at = crate::domain::now();
    let (past, upcoming): (Vec<_>, Vec<_>) = events::list_published(&state.db).await?.into_iter().partition(|e| e.ends_at < at);
    Ok(page.ok(
        "home/index",
        "Events",
        HomePage {
            events: upcoming.iter().map(events::summarize).collect(),
            past: past.iter().map(events::summarize).collect(),
            meta: crate::web::views::seo::plain_meta(
                &state.config.base_url,
                "/",
                "Events",
                "Conferences, weekly chats and meetups on Tribe: register, build your agenda and find the people who do the same work.".into(),
            ),
        },
    ))
}
