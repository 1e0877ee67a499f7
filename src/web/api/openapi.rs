//! The OpenAPI 3.1 description of every `/api` route, derived by utoipa from
//! the handlers' `#[utoipa::path]` attributes and the view models they
//! answer with. A test compares it with the routes Rocket mounts, and
//! schemathesis checks every answer against it.

use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::web::api::{accounts, agenda, chat, checkins, events, registrations, tribe};
use crate::web::views::problems::{
    BadRequest, Conflict, Forbidden, Gone, NotFound, Problem, TooManyRequests, Unauthorized, Unprocessable, UnsupportedMediaType,
};

pub fn routes() -> Vec<Route> {
    routes![openapi_json]
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tribe API",
        description = "Conference and community events: registration, schedules, agendas and finding your tribe. \
            Authenticate with `Authorization: Bearer <token>` (a personal token from POST /api/tokens or the account page). \
            Every error is RFC 9457 problem JSON."
    ),
    servers((url = "/")),
    paths(
        accounts::create_token, accounts::me,
        events::list_events, events::show_event, events::list_sessions, events::show_session,
        events::create_session, events::update_session, events::delete_session,
        registrations::ticket_types, registrations::register, registrations::my_registrations, registrations::cancel_registration,
        agenda::my_agenda, agenda::add, agenda::remove,
        tribe::my_profile, tribe::update_profile, tribe::directory, tribe::my_matches, tribe::my_connections,
        tribe::request_connection, tribe::answer_connection, tribe::my_tribe, tribe::my_tables,
        checkins::check_in, checkins::badge_key, checkins::offline_list, checkins::stats,
        chat::room_events, chat::post_message, chat::room_transcript,
        openapi_json,
    ),
    components(schemas(Problem), responses(BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Gone, UnsupportedMediaType, Unprocessable, TooManyRequests)),
    modifiers(&BearerTokens),
)]
pub struct ApiDoc;

/// The `bearer` scheme the operations' `security` names.
struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// This document
#[utoipa::path(get, path = "/api/openapi.json", operation_id = "getOpenApi", responses((status = 200, description = "OK", content_type = "application/json")))]
#[get("/openapi.json")]
pub fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
