//! HTML pages, one module per area, each with its routes.

pub mod account;
pub mod agenda;
pub mod attendees;
pub mod badges;
pub mod chat_room;
pub mod community;
pub mod door;
pub mod events;
pub mod home;
pub mod invitations;
pub mod organize;
pub mod profiles;
pub mod registration;
pub mod time_zone;
pub mod tribe;

use rocket::Route;

pub fn routes() -> Vec<Route> {
    let mut routes = home::routes();
    routes.extend(account::routes());
    routes.extend(time_zone::routes());
    routes.extend(crate::web::page_cache::routes());
    routes.extend(events::routes());
    routes.extend(agenda::routes());
    routes.extend(attendees::routes());
    routes.extend(badges::routes());
    routes.extend(chat_room::routes());
    routes.extend(door::routes());
    routes.extend(organize::routes());
    routes.extend(registration::routes());
    routes.extend(invitations::routes());
    routes.extend(profiles::routes());
    routes.extend(tribe::routes());
    routes.extend(community::routes());
    routes
}
