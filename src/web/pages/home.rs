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
    let listed: Vec<_> = events::list_published(&state.db).await?.iter().map(events::summarize).collect();
    Ok(page.ok(
        "home/index",
        "Events",
        HomePage {
            events: listed,
            meta: crate::web::views::seo::plain_meta(
                &state.config.base_url,
                "/",
                "Events",
                "Conferences, weekly chats and meetups on Tribe: register, build your agenda and find the people who do the same work.".into(),
            ),
        },
    ))
}
