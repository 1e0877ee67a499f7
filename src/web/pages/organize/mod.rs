//! Organizer screens, one module per part of the event they set up. Every
//! route takes `OrganizedEvent` (or `CurrentUser` to create an event), so
//! the permission check cannot be forgotten.

mod chats;
mod dashboard;
mod event;
mod import;
mod places;
mod sessions;
mod team;
mod tickets;

use rocket::Route;

pub fn routes() -> Vec<Route> {
    let mut routes = event::routes();
    routes.extend(dashboard::routes());
    routes.extend(places::routes());
    routes.extend(team::routes());
    routes.extend(sessions::routes());
    routes.extend(import::routes());
    routes.extend(chats::routes());
    routes.extend(tickets::routes());
    routes
}
