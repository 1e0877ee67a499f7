use rocket::{get, routes, Route, State};

use crate::db::entities::event::EventKind;
use crate::domain::events;
use crate::domain::times::{self, Zones};
use crate::error::AppResult;
use crate::web::guards::ViewerZone;
use crate::web::render::{Html, Page};
use crate::web::views::events::{EventCard, HomePage};
use crate::web::views::frame::ZoneNote;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![home]
}

#[get("/")]
async fn home(page: Page, viewer_zone: ViewerZone, state: &State<AppState>) -> AppResult<Html> {
    let at = crate::domain::now();
    let (past, upcoming): (Vec<_>, Vec<_>) = events::list_published(&state.db).await?.into_iter().partition(|e| e.ends_at < at);
    let mut cards = Vec::with_capacity(upcoming.len());
    for event in &upcoming {
        let next = match event.kind {
            EventKind::OnlineChat => crate::domain::chats::next_occurrence(&state.db, event, at)
                .await?
                .map(|o| times::range(o.starts_at, o.ends_at, Zones::for_viewer(events::zone_of(event), viewer_zone.0))),
            _ => None,
        };
        cards.push(EventCard { summary: events::summarize(event), next });
    }
    // Known zone: said as on every page. Unknown: each card is on its
    // event's clock and the page's script moves them to the device's.
    let zone_note = match viewer_zone.0 {
        Some((zone, _)) => Some(ZoneNote::new(Zones::for_viewer(zone, viewer_zone.0))),
        None => upcoming.first().map(|first| ZoneNote { each_event: true, ..ZoneNote::new(Zones::of_event(events::zone_of(first))) }),
    };
    Ok(page.ok(
        "home/index",
        "Events",
        HomePage {
            events: cards,
            zone_note,
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
