//! The authorization matrix: every mounted route, asked by each kind of
//! person, answers as the table below says. A route added without a row
//! fails the test, so the table shows every gap.
//!
//! Cells, in the order of `ACTORS`:
//! - `A` let in and done (2xx, or a redirect other than to the log-in page)
//! - `V` let in, but the input was refused (400, 409, 422): the request
//!   passed authorization. `Fixture::body_for` gives routes a real input,
//!   so that the people who may act show the allowed outcome itself
//! - `L` asked to log in (401, or a redirect to /login)
//! - `F` forbidden (403)
//! - `N` not found (404): unpublished, someone else's, hidden, or already
//!   deleted by the organizer asked just before
//! - `G` gone (410: a cancelled registration's badge)
//! - `R` slowed down (429: the log-in limit for one address)
//!
//! The fixture is the demo data (conference `hitmc`, weekly chat `hcldr`,
//! both run by organizer@example.org) plus a second conference `beta` with
//! its own organizer and attendee. Path parameters are filled with real
//! ids of `hitmc`'s (or `hcldr`'s) things and of the attendee's own
//! registration, profile, feed and badge.
//!
//! Before the matrix, beta's organizer asks every id-bearing route under
//! beta's own address with hitmc's ids ("own slug, another event's
//! object"): each must be a 404.

use std::collections::BTreeMap;

use rocket::http::{ContentType, Header, Method, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter};
use serde_json::json;
use tribe::db::entities::{
    chat_message, chat_occurrence, discount_code, event, event_role, meetup_slot, registration, registration_question, room, session,
    session_speaker, table_plan, ticket_type, track,
};

use crate::support::*;
use crate::tribe::{attendee, conference, Conference};

const ACTORS: [&str; 7] = ["anonymous", "attendee", "other attendee", "staff", "other organizer", "organizer", "site admin"];

/// Route (method and path as mounted) → expected cell per actor.
#[rustfmt::skip]
const EXPECTED: &[(&str, &str)] = &[
    // After the organizer deletes a thing, the site admin finds it gone.
    ("DELETE /api/events/<_slug>/sessions/<id>", "L F F F F A N"),
    ("DELETE /api/me/agenda/<session_id>", "L A A A A A A"),
    ("DELETE /api/registrations/<id>", "L A N N N A A"),
    ("GET /", "A A A A A A A"),
    ("GET /account", "L A A A A A A"),
    ("GET /account/profile", "L A A A A A A"),
    ("GET /agenda", "L A A A A A A"),
    ("GET /api/events", "A A A A A A A"),
    ("GET /api/events/<_slug>", "A A A A A A A"),
    ("GET /api/events/<_slug>/badges/key", "L F F A F A A"),
    ("GET /api/events/<_slug>/badges/offline-list", "L F F A F A A"),
    ("GET /api/events/<_slug>/chats/<key>/messages", "A A A A A A A"),
    ("GET /api/events/<_slug>/chats/<key>/transcript", "A A A A A A A"),
    ("GET /api/events/<_slug>/checkins/stats", "L F F A F A A"),
    ("GET /api/events/<_slug>/matches", "L A A A A A A"),
    ("GET /api/events/<_slug>/my-tables", "L A A A A A A"),
    // Only Ada is in a tribe here: everyone else has none to see.
    ("GET /api/events/<_slug>/my-tribe", "L A N N N N N"),
    ("GET /api/events/<_slug>/people", "L A A A A A A"),
    ("GET /api/events/<_slug>/sessions", "A A A A A A A"),
    ("GET /api/events/<_slug>/sessions/<id>", "A A A A A A A"),
    ("GET /api/events/<_slug>/ticket-types", "A A A A A A A"),
    ("GET /api/me", "L A A A A A A"),
    ("GET /api/me/agenda", "L A A A A A A"),
    ("GET /api/me/connections", "L A A A A A A"),
    ("GET /api/me/profile", "L A A A A A A"),
    ("GET /api/me/registrations", "L A A A A A A"),
    ("GET /api/openapi.json", "A A A A A A A"),
    ("GET /b/<token>", "A A A A A A A"),
    ("GET /connections", "L A A A A A A"),
    ("GET /events/<_slug>", "A A A A A A A"),
    ("GET /events/<_slug>/chats", "A A A A A A A"),
    ("GET /events/<_slug>/chats/<key>", "A A A A A A A"),
    ("GET /events/<_slug>/chats/<key>/stream", "A A A A A A A"),
    ("GET /events/<_slug>/chats/<key>/transcript", "A A A A A A A"),
    ("GET /events/<_slug>/chats/<key>/transcript.csv", "A A A A A A A"),
    ("GET /events/<_slug>/chats/<key>/transcript.json", "A A A A A A A"),
    ("GET /events/<_slug>/chats/<key>/transcript.md", "A A A A A A A"),
    ("GET /events/<_slug>/manage", "L F F F F A A"),
    ("GET /events/<_slug>/manage/chats", "L F F F F A A"),
    ("GET /events/<_slug>/manage/details", "L F F F F A A"),
    ("GET /events/<_slug>/manage/import", "L F F F F A A"),
    ("GET /events/<_slug>/manage/places", "L F F F F A A"),
    ("GET /events/<_slug>/manage/questions", "L F F F F A A"),
    ("GET /events/<_slug>/manage/sessions", "L F F F F A A"),
    ("GET /events/<_slug>/manage/team", "L F F F F A A"),
    ("GET /events/<_slug>/manage/tickets", "L F F F F A A"),
    ("GET /events/<_slug>/manage/attendees", "L F F A F A A"),
    ("GET /events/<_slug>/manage/attendees.csv", "L F F A F A A"),
    ("GET /events/<_slug>/manage/badges", "L F F F F A A"),
    ("GET /events/<_slug>/manage/badges/key.json", "L F F A F A A"),
    ("GET /events/<_slug>/manage/badges/key.pem", "L F F A F A A"),
    ("GET /events/<_slug>/manage/badges/offline-list.json", "L F F A F A A"),
    ("GET /events/<_slug>/manage/badges/prints/<id>", "L F F F F A A"),
    ("GET /events/<_slug>/manage/badges/prints/<id>/badges.pdf", "L F F F F A A"),
    ("GET /events/<_slug>/manage/check-in", "L F F A F A A"),
    ("GET /events/<_slug>/manage/check-in/stats", "L F F A F A A"),
    ("GET /events/<_slug>/manage/community", "L F F F F A A"),
    ("GET /events/<_slug>/manage/sessions/<id>", "L F F F F A A"),
    ("GET /events/<_slug>/manage/sessions/new", "L F F F F A A"),
    ("GET /events/<_path..>", "A A A A A A A"),
    ("GET /events/<_slug>/me.json", "A A A A A A A"),
    ("GET /events/<_slug>/people", "A A A A A A A"),
    ("GET /events/<_slug>/schedule", "A A A A A A A"),
    ("GET /events/<_slug>/sessions/<file>", "A A A A A A A"),
    ("GET /events/<_slug>/sessions/<id>", "A A A A A A A"),
    ("GET /events/<_slug>/speakers/<key>", "A A A A A A A"),
    ("GET /events/<_slug>/tribe", "L A A A A A A"),
    ("GET /events/<_slug>/tribe/meetup.ics", "L A N N N N N"),
    ("GET /events/<slug>/schedule.ics", "A A A A A A A"),
    ("GET /events/<slug>/schedule.json", "A A A A A A A"),
    ("GET /events/<slug>/schedule.xml", "A A A A A A A"),
    ("GET /events/new", "L A A A A A A"),
    ("GET /feeds/<file>", "A A A A A A A"),
    ("GET /healthz", "A A A A A A A"),
    ("GET /invitations/<token>", "A A A A A A A"),
    ("GET /login", "A A A A A A A"),
    // Prometheus's bearer token reads it (checked after the table); no
    // person's log-in or API token does, not even a site admin's.
    ("GET /metrics", "L L L L L L L"),
    ("GET /password-reset", "A A A A A A A"),
    // A reset link works for whoever holds it; the matrix's body has two
    // different passwords, so the link is checked and kept for the next.
    ("GET /password-reset/<token>", "A A A A A A A"),
    // An attendees-only profile: its owner, the event's team and fellow attendees (none here but Ada).
    ("GET /people/<id>", "N A N A N A A"),
    ("GET /readyz", "A A A A A A A"),
    ("GET /registrations/<id>", "L A N A N A A"),
    ("GET /registrations/<id>/badge.png", "L A N A N A A"),
    ("GET /registrations/<id>/badge.svg", "L A N A N A A"),
    ("GET /registrations/<id>/qr.svg", "L A N A N A A"),
    ("GET /signup", "A A A A A A A"),
    ("GET /time-zone", "A A A A A A A"),
    ("GET /vendor/jsqr.js", "A A A A A A A"),
    ("POST /account/password", "L A A A A A A"),
    ("POST /account/profile", "L A A A A A A"),
    // A spare session of the site admin's; the last rows end sessions, change passwords and sign up.
    ("POST /account/sessions/<id>/end", "L N N N N N A"),
    ("POST /account/sessions/end-all", "L A A A A A A"),
    ("POST /account/tokens", "L A A A A A A"),
    ("POST /account/tokens/<id>/revoke", "L A N N N N N"),
    ("POST /agenda/feed/regenerate", "L A A A A A A"),
    // The demo chat shown is over: nobody posts or edits there any more (chats.rs shows posting).
    ("POST /api/events/<_slug>/chats/<key>/messages", "L F F F F F F"),
    ("POST /api/events/<_slug>/checkins", "L F F A F A A"),
    // Everyone but Ada registers for hitmc here; later rows (agenda, scan to connect) follow from it.
    ("POST /api/events/<_slug>/registrations", "L V A A A A A"),
    ("POST /api/events/<_slug>/sessions", "L F F F F A A"),
    ("POST /api/me/connections", "L V A V A A A"),
    // Staff asked Ada to connect: she accepts (through the API first); staff cannot answer their own request.
    ("POST /api/me/connections/<id>/<action>", "L A N F N N N"),
    ("POST /api/tokens", "A A A A A A A"),
    ("POST /b/<token>/connect", "L A A A A A A"),
    ("POST /connections/<id>/<action>", "L A N A N N N"),
    ("POST /events", "L A A A A A A"),
    // Anyone logged in may start an event from a schedule file, as from the form.
    ("POST /events/import", "L A A A A A A"),
    ("POST /events/<_slug>/chats/<key>/ideas", "L A A A A A A"),
    // No topic idea exists (ideas are for weeks not yet held); chats.rs shows them used and voted on.
    ("POST /events/<_slug>/chats/<_key>/ideas/<id>/use", "L F F F F N N"),
    ("POST /events/<_slug>/chats/<key>/ideas/<id>/vote", "L N N N N N N"),
    ("POST /events/<_slug>/chats/<key>/lurking", "L A A A A A A"),
    ("POST /events/<_slug>/chats/<key>/messages", "L V V V V V V"),
    ("POST /events/<_slug>/chats/<key>/messages.json", "L F F F F F F"),
    ("POST /events/<_slug>/chats/<_key>/messages/<id>/ban-author", "L F F F F A A"),
    ("POST /events/<_slug>/chats/<key>/messages/<id>/edit", "L F F F F F F"),
    ("POST /events/<_slug>/chats/<_key>/messages/<id>/hide", "L F F F F A N"),
    ("POST /events/<_slug>/chats/<_key>/messages/<id>/mute-author", "L F F F F A A"),
    ("POST /events/<_slug>/chats/<key>/messages/<id>/report", "L A A A A A A"),
    ("POST /events/<_slug>/chats/<_key>/topics/next", "L F F F F A A"),
    ("POST /events/<_slug>/manage", "L F F F F A A"),
    ("POST /events/<_slug>/manage/attendees", "L F F F F A A"),
    ("POST /events/<_slug>/manage/attendees/<id>/cancel", "L F F F F A A"),
    ("POST /events/<_slug>/manage/attendees/<id>/check-in", "L F F A F A A"),
    ("POST /events/<_slug>/manage/badges/keys", "L F F F F A A"),
    ("POST /events/<_slug>/manage/badges/keys/<id>/revoke", "L F F F F A A"),
    ("POST /events/<_slug>/manage/badges/prints", "L F F F F A A"),
    ("POST /events/<_slug>/manage/check-in", "L F F A F A A"),
    ("POST /events/<_slug>/manage/check-in/scan", "L F F A F A A"),
    ("POST /events/<_slug>/manage/discounts", "L F F F F A A"),
    ("POST /events/<_slug>/manage/discounts/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/import", "L F F F F A A"),
    ("POST /events/<_slug>/manage/invitations/<id>/withdraw", "L F F F F A A"),
    ("POST /events/<_slug>/manage/occurrences", "L F F F F A A"),
    ("POST /events/<_slug>/manage/publish", "L F F F F A A"),
    ("POST /events/<_slug>/manage/questions", "L F F F F A A"),
    ("POST /events/<_slug>/manage/questions/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/roles", "L F F F F A A"),
    ("POST /events/<_slug>/manage/roles/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/rooms", "L F F F F A A"),
    ("POST /events/<_slug>/manage/rooms/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/sessions", "L F F F F A A"),
    ("POST /events/<_slug>/manage/sessions/<id>", "L F F F F A A"),
    ("POST /events/<_slug>/manage/sessions/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/slots", "L F F F F A A"),
    ("POST /events/<_slug>/manage/slots/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/tables", "L F F F F A A"),
    ("POST /events/<_slug>/manage/tables/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/tables/<id>/reseat", "L F F F F A A"),
    ("POST /events/<_slug>/manage/team", "L F F F F A A"),
    ("POST /events/<_slug>/manage/team/<user_id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/tickets", "L F F F F A A"),
    // A ticket type nobody holds: the organizer deletes it, the site admin finds it gone.
    ("POST /events/<_slug>/manage/tickets/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/tickets/<id>/link", "L F F F F A A"),
    ("POST /events/<_slug>/manage/tickets/<id>/visibility", "L F F F F A A"),
    ("POST /events/<_slug>/manage/tracks", "L F F F F A A"),
    ("POST /events/<_slug>/manage/tracks/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/tribes/form", "L F F F F A A"),
    ("POST /events/<_slug>/manage/tribes/size", "L F F F F A A"),
    ("POST /events/<_slug>/register", "L A A A A A A"),
    ("POST /events/<_slug>/registration/cancel", "L A A A A A A"),
    ("POST /events/<_slug>/role", "L A A A A A A"),
    ("POST /events/<_slug>/sessions/<id>/agenda", "L A A A A A A"),
    ("POST /events/<_slug>/sessions/<id>/agenda/remove", "L A A A A N N"),
    // The ticket asked for was hidden a moment before (its visibility row): without its code it is not found.
    ("POST /events/<_slug>/waitlist", "L N N N N N N"),
    ("POST /events/<_slug>/waitlist/leave", "L A A A A A A"),
    // The invitation is Ada's (to the weekly chat): only she answers it.
    ("POST /invitations/<token>/accept", "L A F F F F F"),
    ("POST /invitations/<token>/decline", "L A F F F F F"),
    // Empty credentials fail; the fifth failure from one address is slowed down.
    ("POST /login", "L L L L L R R"),
    ("POST /logout", "A A A A A A A"),
    ("POST /password-reset", "A A A A A A A"),
    ("POST /password-reset/<token>", "V V V V V V V"),
    ("POST /time-zone", "A A A A A A A"),
    // Ada cannot block herself; the others block her, so asking her to connect afterwards is a 404.
    ("POST /people/<id>/block", "L V A A A A A"),
    ("POST /people/<id>/connect", "L A N N N N N"),
    ("POST /people/<id>/unblock", "L A A A A A A"),
    ("POST /registrations/<id>/claim", "L A N N N N N"),
    ("POST /signup", "A A A A A A A"),
    // This app has no Stripe keys: the webhook does not exist for it.
    ("POST /webhooks/stripe", "N N N N N N N"),
    ("PUT /api/events/<_slug>/sessions/<id>", "L F F F F A A"),
    ("PUT /api/me/agenda/<session_id>", "L A A A A A A"),
    ("PUT /api/me/profile", "L A A A A A A"),
];

struct Actor {
    client: Client,
    token: Option<String>,
    csrf: String,
}

impl Actor {
    async fn new(app: &TestApp, login: Option<(&str, &str)>, token: Option<String>) -> Actor {
        let client = app.another_instance().await;
        if let Some((email, password)) = login {
            let status = log_in(&client, email, password).await.status();
            assert_eq!(status, Status::SeeOther, "{email} logs in");
        }
        let csrf = csrf(&client).await;
        Actor { client, token, csrf }
    }
}

/// A serializable form as `(field, value)` pairs.
fn pairs_of(form: &impl serde::Serialize) -> Vec<(&'static str, String)> {
    let encoded = serde_urlencoded::to_string(form).unwrap();
    url::form_urlencoded::parse(encoded.as_bytes()).map(|(k, v)| (&*Box::leak(k.into_owned().into_boxed_str()), v.into_owned())).collect()
}

fn classify(response: &LocalResponse<'_>) -> String {
    let status = response.status().code;
    let location = response.headers().get_one("Location").unwrap_or_default();
    match status {
        401 => "L".into(),
        300..=399 if location.starts_with("/login") => "L".into(),
        403 => "F".into(),
        404 => "N".into(),
        410 => "G".into(),
        429 => "R".into(),
        200..=399 => "A".into(),
        400 | 409 | 422 => "V".into(),
        other => other.to_string(),
    }
}

/// Ids the paths are filled with.
struct Fixture {
    session: i32,
    /// The API's session routes change this one, the pages' the other.
    api_session: i32,
    registration: i32,
    attendee_user: i32,
    staff_user: i32,
    ticket: i32,
    room: i32,
    track: i32,
    role: i32,
    question: i32,
    discount: i32,
    slot: i32,
    table: i32,
    message: i32,
    occurrence_key: String,
    speaker_key: String,
    feed: String,
    badge: String,
    spare_token: i32,
    /// An invitation of Ada's to the weekly chat, and its link's token.
    invitation: i32,
    invitation_token: String,
    /// A working password-reset link's token (for a demo attendee who is
    /// none of the actors).
    reset_token: String,
    /// hitmc's badge key.
    badge_key: i32,
    /// A badge print of hitmc's, and staff's request to connect with Ada.
    print: i32,
    connection: i32,
    /// A spare log-in session of the site admin's.
    login_session: i32,
    /// A ticket type of hitmc's that nobody holds (to delete).
    spare_ticket: i32,
    /// hitmc's first day, local (`2027-03-13`).
    day: String,
    /// hitmc's event form as it stands, and its page session's form.
    event_form: Vec<(&'static str, String)>,
    session_form: Vec<(&'static str, String)>,
    /// The API session as it stands (a PUT changes nothing).
    api_session_body: serde_json::Value,
    /// The weekly chat's shown week.
    chat_start: String,
}

/// Each actor's password, for the forms that ask for it.
const PASSWORDS: [&str; 7] = ["", "a long password", "a long password", "a long password", "a long password", "tribe-demo", "a long password"];

impl Fixture {
    /// A real input for the routes whose allowed outcome needs one, so
    /// that the people who may act are seen to succeed (`A`), not merely
    /// to get past authorization (`V`). `n` is the actor's index, to keep
    /// what each one makes apart.
    fn body_for(&self, method: Method, pattern: &str, n: usize) -> Option<Body> {
        let form = |pairs: Vec<(&'static str, String)>| Some(Body::Form(pairs));
        let day = &self.day;
        match (method.as_str(), pattern) {
            ("POST", "/account/password") => form(vec![
                ("current_password", PASSWORDS[n].into()),
                ("new_password", format!("a new password {n}")),
                ("confirm_password", format!("a new password {n}")),
            ]),
            ("POST", "/account/profile") => form(vec![("display_name", format!("Person {n}")), ("visibility", "attendees".into())]),
            ("POST", "/events") => form(vec![
                ("title", format!("Matrix {n}")),
                ("slug", format!("matrix-{n}")),
                ("kind", "conference".into()),
                ("time_zone", "UTC".into()),
                ("starts_at", "2030-01-01T09:00".into()),
                ("ends_at", "2030-01-02T17:00".into()),
            ]),
            ("POST", "/password-reset") => form(vec![("email", format!("nobody{n}@example.org"))]),
            ("POST", "/time-zone") => form(vec![("zone", "Kathmandu".into()), ("next", "/".into())]),
            ("POST", "/password-reset/<token>") => {
                form(vec![("new_password", "a new long password".into()), ("confirm_password", "another long password".into())])
            }
            ("POST", "/signup") => form(vec![
                ("email", format!("newcomer{n}@example.org")),
                ("display_name", format!("Newcomer {n}")),
                ("password", "a long password".into()),
            ]),
            ("POST", "/api/tokens") => Some(Body::Json(json!({"email": "ada.attendee@example.org", "password": "a long password"}))),
            ("POST", "/api/me/connections") => Some(Body::Json(json!({"user_id": self.attendee_user, "note": "hello"}))),
            ("POST", "/api/events/<_slug>/registrations") => Some(Body::Json(json!({"ticket_type_id": self.ticket}))),
            ("POST", "/api/events/<_slug>/sessions") => Some(Body::Json(
                json!({"title": format!("API session {n}"), "starts_at": format!("{day}T07:00"), "ends_at": format!("{day}T07:30"), "status": "draft"}),
            )),
            ("PUT", "/api/events/<_slug>/sessions/<id>") => Some(Body::Json(self.api_session_body.clone())),
            ("POST", "/api/events/<_slug>/checkins") => Some(Body::Json(json!({"token": self.badge}))),
            ("POST", "/api/events/<_slug>/chats/<key>/messages") => Some(Body::Json(json!({"body": "hello"}))),
            ("POST", "/events/<_slug>/chats/<key>/messages") => form(vec![("body", "hello".into())]),
            ("POST", "/events/<_slug>/manage") => form(self.event_form.clone()),
            ("POST", "/events/<_slug>/manage/attendees") => {
                form(vec![("attendee_email", format!("guest{n}@example.org")), ("attendee_ticket", self.ticket.to_string())])
            }
            ("POST", "/events/<_slug>/manage/discounts") => {
                form(vec![("code", format!("MATRIX{n}")), ("kind", "percent".into()), ("amount", "10".into())])
            }
            ("POST", "/events/<_slug>/manage/import") | ("POST", "/events/import") => form(vec![("file", self.import_file(n))]),
            ("POST", "/events/<_slug>/manage/occurrences") => {
                form(vec![("scheduled_start", self.chat_start.clone()), ("status", "scheduled".into()), ("topics", "Patient portals".into())])
            }
            ("POST", "/events/<_slug>/manage/questions") => form(vec![("label", format!("Matrix question {n}")), ("kind", "text".into())]),
            ("POST", "/events/<_slug>/manage/roles") => form(vec![("role_name", format!("Matrix role {n}"))]),
            ("POST", "/events/<_slug>/manage/rooms") => form(vec![("room_name", format!("Matrix room {n}")), ("room_capacity", "10".into())]),
            ("POST", "/events/<_slug>/manage/sessions") => form(vec![
                ("title", format!("Matrix session {n}")),
                ("starts_at", format!("{day}T07:00")),
                ("ends_at", format!("{day}T07:30")),
                ("status", "draft".into()),
            ]),
            ("POST", "/events/<_slug>/manage/sessions/<id>") => form(self.session_form.clone()),
            ("POST", "/events/<_slug>/manage/slots") => form(vec![
                ("slot_starts", format!("{day}T07:00")),
                ("slot_ends", format!("{day}T07:45")),
                ("slot_place", format!("Matrix corner {n}")),
                ("slot_capacity", "4".into()),
            ]),
            ("POST", "/events/<_slug>/manage/tables") => form(vec![("plan_title", format!("Matrix tables {n}")), ("table_size", "6".into())]),
            ("POST", "/events/<_slug>/manage/team") => form(vec![("email", "helper@example.org".into()), ("role", "staff".into())]),
            ("POST", "/events/<_slug>/manage/tickets") => form(vec![("name", format!("Matrix ticket {n}")), ("price", "0".into())]),
            ("POST", "/events/<_slug>/manage/tracks") => form(vec![("track_name", format!("Matrix track {n}"))]),
            ("POST", "/events/<_slug>/manage/tribes/size") => form(vec![("tribe_size", "6".into())]),
            ("POST", "/events/<_slug>/waitlist") => form(vec![("ticket_type_id", self.ticket.to_string())]),
            _ => None,
        }
    }

    /// A one-session frab file on hitmc's first day.
    fn import_file(&self, n: usize) -> String {
        format!(
            r#"<?xml version="1.0"?><schedule><conference><acronym>hitmc</acronym><title>HITMC</title></conference><day index="1" date="{day}"><room name="Matrix hall"><event guid="00000000-0000-4000-8000-00000000000{n}" id="{n}"><date>{day}T07:00:00</date><start>07:00</start><duration>00:30</duration><room>Matrix hall</room><title>Imported {n}</title><type>talk</type><language>en</language><abstract/><persons/></event></room></day></schedule>"#,
            day = self.day
        )
    }
}

impl Fixture {
    fn fill(&self, path: &str) -> String {
        let path = path.split('?').next().unwrap();
        // The weekly chat's weeks, and the invitation (to the chat), live under hcldr.
        let chat = path.contains("/chats") || path.contains("/occurrences") || path.contains("/invitations/");
        let mut out = Vec::new();
        let segments: Vec<&str> = path.split('/').collect();
        for (i, segment) in segments.iter().enumerate() {
            let before = if i > 0 { segments[i - 1] } else { "" };
            let value = match *segment {
                "<_slug>" | "<slug>" => if chat { "hcldr" } else { "hitmc" }.to_owned(),
                // The kept public pages' probe: any page under an event.
                "<_path..>" => "hitmc/schedule".to_owned(),
                "<key>" | "<_key>" if chat => self.occurrence_key.clone(),
                "<key>" => self.speaker_key.clone(),
                "<file>" if before == "feeds" => format!("{}.ics", self.feed),
                "<file>" => format!("{}.ics", self.session),
                "<token>" if before == "invitations" => self.invitation_token.clone(),
                "<token>" if before == "password-reset" => self.reset_token.clone(),
                "<token>" => self.badge.clone(),
                "<user_id>" => self.staff_user.to_string(),
                "<session_id>" => self.session.to_string(),
                "<action>" => "accept".into(),
                "<id>" => match before {
                    "sessions" if path.starts_with("/account/") => self.login_session,
                    "sessions" if path.starts_with("/api/") => self.api_session,
                    "sessions" => self.session,
                    "registrations" | "attendees" => self.registration,
                    "people" => self.attendee_user,
                    "tickets" if path.ends_with("/delete") => self.spare_ticket,
                    "tickets" => self.ticket,
                    "rooms" => self.room,
                    "tracks" => self.track,
                    "roles" => self.role,
                    "questions" => self.question,
                    "discounts" => self.discount,
                    "slots" => self.slot,
                    "tables" => self.table,
                    "messages" => self.message,
                    "tokens" => self.spare_token,
                    "invitations" => self.invitation,
                    "keys" => self.badge_key,
                    "prints" => self.print,
                    "connections" => self.connection,
                    // Ideas: none exist; the guard answers first.
                    _ => 999_999,
                }
                .to_string(),
                other => other.to_owned(),
            };
            out.push(value);
        }
        out.join("/")
    }
}

/// Requests that change what later requests see run last, in this order.
/// Ending one's own sessions, changing one's password, logging out and
/// signing up (which logs the browser in as someone new) come last of all.
fn lateness(method: Method, path: &str) -> u8 {
    if path == "/signup" && method == Method::Post {
        8
    } else if path.ends_with("/logout") {
        7
    } else if path == "/account/sessions/end-all" {
        6
    } else if path == "/account/password" {
        5
    } else if path.starts_with("/account/sessions") {
        4
    } else if method == Method::Delete
        || ["delete", "cancel", "leave", "remove", "revoke", "regenerate", "publish", "hide", "ban-author", "mute-author", "withdraw"]
            .iter()
            .any(|w| path.contains(w))
    {
        3
    } else if method == Method::Get {
        0
    } else {
        1
    }
}

/// What a request carries besides its path.
enum Body {
    /// Form fields (the actor's CSRF token is added).
    Form(Vec<(&'static str, String)>),
    Json(serde_json::Value),
}

async fn ask(actor: &Actor, method: Method, path: &str) -> (String, String) {
    ask_with(actor, method, path, None).await
}

async fn ask_with(actor: &Actor, method: Method, path: &str, body: Option<Body>) -> (String, String) {
    let api = path.starts_with("/api/");
    let mut request = actor.client.req(method, path.to_owned());
    if api {
        if let Some(token) = &actor.token {
            request = request.header(Header::new("Authorization", format!("Bearer {token}")));
        }
        if method != Method::Get {
            let json = match body {
                Some(Body::Json(value)) => value.to_string(),
                _ => "{}".to_owned(),
            };
            request = request.header(ContentType::JSON).body(json);
        }
    } else if method != Method::Get {
        let mut fields = vec![("_csrf", actor.csrf.clone())];
        if let Some(Body::Form(more)) = body {
            fields.extend(more);
        }
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        request = request.header(ContentType::Form).body(form_body(&pairs));
    }
    let response = request.dispatch().await;
    let cell = classify(&response);
    let streaming = path.ends_with("/stream");
    let body = if streaming { String::new() } else { response.into_string().await.unwrap_or_default() };
    (cell, body)
}

async fn first<E, F>(db: &sea_orm::DatabaseConnection, filter: F) -> i32
where
    E: EntityTrait,
    F: sea_orm::sea_query::IntoCondition,
    E::Model: HasId,
{
    E::find().filter(filter).one(db).await.unwrap().map(|m| m.id()).unwrap_or(999_999)
}

trait HasId {
    fn id(&self) -> i32;
}

macro_rules! has_id {
    ($($entity:ident),*) => { $(impl HasId for $entity::Model { fn id(&self) -> i32 { self.id } })* };
}
has_id!(room, track, event_role, registration_question, discount_code, meetup_slot, table_plan, ticket_type, session);

#[rocket::async_test]
async fn every_route_answers_each_kind_of_person_as_the_table_says() {
    let app = TestApp::with(&[("metrics_token", crate::operations::METRICS_TOKEN.to_owned())]).await;
    tribe::demo::load(app.db()).await.unwrap();
    let db = app.db();
    let hitmc = event::Entity::find().filter(event::Column::Slug.eq("hitmc")).one(db).await.unwrap().unwrap();
    let hcldr = event::Entity::find().filter(event::Column::Slug.eq("hcldr")).one(db).await.unwrap().unwrap();

    // Another conference, its organizer (logged in on app.client) and attendee.
    let beta = conference(&app, "beta", &["Clinician"]).await;
    let outsider = attendee(&app, &beta, "Otto Outsider", Some("Clinician"), json!({})).await;

    // hitmc's attendee (profile for attendees only), a hidden attendee, staff and a site admin.
    let ticket = first::<ticket_type::Entity, _>(db, ticket_type::Column::EventId.eq(hitmc.id)).await;
    let hitmc_roles: Vec<(String, i32)> = event_role::Entity::find()
        .filter(event_role::Column::EventId.eq(hitmc.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.name, r.id))
        .collect();
    let first_role = hitmc_roles[0].0.clone();
    let hitmc_conf = Conference::new("hitmc", ticket, hitmc_roles);
    // Ada has a role, so forming tribes again puts her in one (with its meetup).
    let ada = attendee(&app, &hitmc_conf, "Ada Attendee", Some(&first_role), json!({"visibility": "attendees"})).await;
    attendee(&app, &hitmc_conf, "Hilda Hidden", None, json!({"visibility": "hidden", "organization": "Hilda's Clinic"})).await;
    let hash = tribe::domain::accounts::passwords::hash_blocking("a long password").unwrap();
    let staff_user = tribe::domain::accounts::insert_user(db, "stella.staff@example.org", "Stella Staff", hash.clone(), false).await.unwrap();
    tribe::domain::accounts::insert_user(db, "root@example.org", "Root Admin", hash, true).await.unwrap();
    let organizer = Actor::new(&app, Some(("organizer@example.org", "tribe-demo")), None).await;
    join_team(&app, &organizer.client, "hitmc", "stella.staff@example.org", "staff").await;

    let registration = registration::Entity::find().filter(registration::Column::UserId.eq(ada.id)).one(db).await.unwrap().unwrap();
    let occurrence =
        chat_occurrence::Entity::find().filter(chat_occurrence::Column::EventId.eq(hcldr.id)).one(db).await.unwrap().expect("demo weekly chat");
    let message = chat_message::Entity::find()
        .filter(chat_message::Column::OccurrenceId.eq(occurrence.id))
        .filter(chat_message::Column::AuthorId.is_not_null())
        .one(db)
        .await
        .unwrap();
    let session_id = first::<session::Entity, _>(db, session::Column::EventId.eq(hitmc.id).and(session::Column::Capacity.is_null())).await;
    let speaker = session_speaker::Entity::find().filter(session_speaker::Column::SessionId.eq(session_id)).one(db).await.unwrap().unwrap();
    let feed_response = app.client.get("/api/me/agenda").header(bearer(&ada.token)).dispatch().await;
    assert_eq!(feed_response.status(), Status::Ok);
    let feed = tribe::domain::schedule::agenda::make_feed_token(db, ada.id).await.unwrap();
    let spare = tribe::domain::accounts::api_tokens::create(db, ada.id, "spare").await.unwrap().0;
    let organizer_account = tribe::domain::accounts::find_by_email(db, "organizer@example.org").await.unwrap().unwrap();
    let hitmc_zone = tribe::domain::events::zone_of(&hitmc);
    let spare_ticket = tribe::domain::registration::tickets::create(
        db,
        &hitmc,
        &tribe::domain::registration::tickets::TicketTypeForm { name: "Spare".into(), price: "0".into(), ..Default::default() },
    )
    .await
    .unwrap()
    .id;
    let hash = tribe::domain::accounts::passwords::hash_blocking("a long password").unwrap();
    tribe::domain::accounts::insert_user(db, "helper@example.org", "Helper", hash, false).await.unwrap();
    let discount = tribe::domain::registration::discounts::create(
        db,
        &hitmc,
        &tribe::domain::registration::discounts::DiscountForm {
            code: "FIXTURE".into(),
            kind: "percent".into(),
            amount: "10".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let question = tribe::domain::registration::questions::create(
        db,
        &hitmc,
        &tribe::domain::registration::questions::QuestionForm { label: "Fixture question".into(), kind: "text".into(), ..Default::default() },
    )
    .await
    .unwrap()
    .id;
    let print =
        tribe::domain::badges::prints::start(db, &hitmc, &organizer_account, tribe::domain::badges::render::Paper::A4, "all", &[registration.id])
            .await
            .unwrap()
            .id;
    // Drawn, so that its PDF is there to fetch.
    let state = app.client.rocket().state::<tribe::web::AppState>().unwrap();
    state.jobs.submit(tribe::domain::jobs::Job::BadgePrint { print_id: print }).await.unwrap();
    for _ in 0..300 {
        if tribe::domain::badges::prints::find(db, &hitmc, print).await.unwrap().status.to_string() != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(tribe::domain::badges::prints::find(db, &hitmc, print).await.unwrap().status.to_string(), "ready");
    tribe::domain::community::tribes::form(db, &hitmc, true).await.unwrap();
    let community = tribe::domain::community::snapshot::KeptCommunities::default().get(db, &Default::default(), &hitmc).await.unwrap();
    assert!(community.tribe_of(ada.id).is_some(), "Ada is in a tribe");
    tribe::domain::community::connections::request(db, &staff_user, ada.id, Some(hitmc.id), "hello", false).await.unwrap();
    let connection = tribe::db::entities::connection::Entity::find()
        .filter(tribe::db::entities::connection::Column::AddresseeId.eq(ada.id))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    // The page session and the API session, each as it stands: saving them changes nothing.
    let session_as_form = |id: i32| async move {
        let found = session::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
        let speakers: Vec<String> = tribe::domain::schedule::sessions::speakers_of(db, id).await.unwrap().into_iter().map(|s| s.name).collect();
        let local = |t| tribe::domain::input::local_input_value(hitmc_zone, t);
        vec![
            ("title", found.title.clone()),
            ("abstract", found.r#abstract.clone()),
            ("starts_at", local(found.starts_at)),
            ("ends_at", local(found.ends_at)),
            ("room", found.room_id.map(|r| r.to_string()).unwrap_or_default()),
            ("track", found.track_id.map(|t| t.to_string()).unwrap_or_default()),
            ("capacity", found.capacity.map(|c| c.to_string()).unwrap_or_default()),
            ("status", found.status.to_string()),
            ("language", found.language.clone()),
            ("tags", found.tags.clone()),
            ("speakers", speakers.join("\n")),
        ]
    };
    let session_form = session_as_form(session_id).await;
    let api_session_id = first::<session::Entity, _>(db, session::Column::EventId.eq(hitmc.id).and(session::Column::Id.ne(session_id))).await;
    let api_session_body = serde_json::Value::Object(
        session_as_form(api_session_id).await.into_iter().map(|(k, v)| (k.to_owned(), serde_json::Value::String(v))).collect(),
    );
    let chat_ticket = first::<ticket_type::Entity, _>(db, ticket_type::Column::EventId.eq(hcldr.id)).await.to_string();
    let invitation = tribe::domain::registration::invitations::invite(
        db,
        "http://127.0.0.1:8000",
        &hcldr,
        &organizer_account,
        tribe::domain::registration::invitations::InvitationRequest { email: "ada.attendee@example.org", ticket_type_id: &chat_ticket, role: "" },
    )
    .await
    .unwrap();
    let invitation_token = regex::Regex::new(r"/invitations/([A-Za-z0-9_-]+)").unwrap().captures(&invitation.mail.text).unwrap()[1].to_owned();
    let reset = tribe::domain::accounts::password_resets::request(db, "http://127.0.0.1:8000", "attendee150@example.org", tribe::domain::now())
        .await
        .unwrap()
        .expect("a demo attendee gets a link");
    let reset_token = regex::Regex::new(r"/password-reset/([A-Za-z0-9_-]+)").unwrap().captures(&reset.text).unwrap()[1].to_owned();
    let mut fixture = Fixture {
        session: session_id,
        api_session: first::<session::Entity, _>(db, session::Column::EventId.eq(hitmc.id).and(session::Column::Id.ne(session_id))).await,
        registration: registration.id,
        attendee_user: ada.id,
        staff_user: staff_user.id,
        ticket,
        room: first::<room::Entity, _>(db, room::Column::EventId.eq(hitmc.id)).await,
        track: first::<track::Entity, _>(db, track::Column::EventId.eq(hitmc.id)).await,
        role: first::<event_role::Entity, _>(db, event_role::Column::EventId.eq(hitmc.id)).await,
        question,
        discount,
        print,
        connection,
        slot: first::<meetup_slot::Entity, _>(db, meetup_slot::Column::EventId.eq(hitmc.id)).await,
        table: first::<table_plan::Entity, _>(db, table_plan::Column::EventId.eq(hitmc.id)).await,
        message: message.map(|m| m.id).unwrap_or(999_999),
        occurrence_key: tribe::domain::chats::room::key_of(occurrence.scheduled_start),
        speaker_key: tribe::web::views::schedule::speaker_key(&speaker),
        feed,
        badge: crate::tribe::badge_token(&app, registration.id, hitmc.id).await,
        spare_token: spare.id,
        invitation: invitation.invitation.id,
        invitation_token: invitation_token.clone(),
        reset_token,
        badge_key: tribe::db::entities::event_signing_key::Entity::find()
            .filter(tribe::db::entities::event_signing_key::Column::EventId.eq(hitmc.id))
            .one(db)
            .await
            .unwrap()
            .map(|k| k.id)
            .unwrap_or(999_999),
        login_session: 0,
        spare_ticket,
        day: hitmc.starts_at.with_timezone(&hitmc_zone).format("%Y-%m-%d").to_string(),
        event_form: pairs_of(&tribe::domain::events::editing::EventForm::from_event(&hitmc)),
        session_form,
        api_session_body,
        chat_start: occurrence.scheduled_start.to_rfc3339(),
    };

    let actors = [
        Actor::new(&app, None, None).await,
        Actor::new(&app, Some(("ada.attendee@example.org", "a long password")), Some(ada.token.clone())).await,
        Actor::new(&app, Some(("otto.outsider@example.org", "a long password")), Some(outsider.token.clone())).await,
        Actor::new(
            &app,
            Some(("stella.staff@example.org", "a long password")),
            Some(api_token(&app.client, "stella.staff@example.org", "a long password").await),
        )
        .await,
        Actor::new(
            &app,
            Some(("org-beta@example.org", "a long password")),
            Some(api_token(&app.client, "org-beta@example.org", "a long password").await),
        )
        .await,
        Actor { token: Some(api_token(&app.client, "organizer@example.org", "tribe-demo").await), ..organizer },
        Actor::new(&app, Some(("root@example.org", "a long password")), Some(api_token(&app.client, "root@example.org", "a long password").await))
            .await,
    ];

    let root = tribe::domain::accounts::find_by_email(db, "root@example.org").await.unwrap().unwrap();
    tribe::domain::accounts::login_sessions::start(db, &tribe::config::SessionTimeouts::default(), &root, &Default::default()).await.unwrap();
    fixture.login_session = tribe::db::entities::login_session::Entity::find()
        .filter(tribe::db::entities::login_session::Column::UserId.eq(root.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .max()
        .expect("the admin's spare session");

    // The leak check below looks for a name the team does see.
    let (_, attendees) = ask(&actors[5], Method::Get, "/events/hitmc/manage/attendees?q=hilda").await;
    assert!(attendees.contains("Hilda Hidden"), "the organizer's list shows the hidden attendee");

    let mut routes: Vec<(Method, String)> =
        app.client.rocket().routes().map(|r| (r.method, r.uri.as_str().split('?').next().unwrap().to_owned())).collect();
    routes.sort_by_key(|(method, path)| (lateness(*method, path), path.clone(), method.as_str()));
    routes.dedup();

    // Own slug, another event's object: beta's organizer names hitmc's (or
    // hcldr's) things under beta's address. Every such request is a 404
    // and changes nothing, so it runs before the matrix.
    let mut crossed = Vec::new();
    let id_bearing = |p: &str| (p.contains("<_slug>") || p.contains("<slug>")) && ["<id>", "<user_id>", "<session_id>"].iter().any(|k| p.contains(k));
    for (method, pattern) in routes.iter().filter(|(_, p)| id_bearing(p)) {
        let path = fixture.fill(pattern).replacen("/hitmc", "/beta", 1).replacen("/hcldr", "/beta", 1);
        let (cell, _) = ask(&actors[4], *method, &path).await;
        if cell != "N" {
            crossed.push(format!("{method} {path}: {cell}"));
        }
    }
    assert!(crossed.is_empty(), "another event's object answered under the organizer's own slug:\n{}", crossed.join("\n"));

    let mut actual: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut leaks = Vec::new();
    // Requests that change things (deleting, cancelling, unpublishing) run
    // after all others; of those, the ones by people outside the event's
    // team go first, so the organizer's changes cannot change what they
    // are told.
    let passes: [(bool, std::ops::Range<usize>); 3] = [(false, 0..7), (true, 0..5), (true, 5..7)];
    for (late, asked) in passes {
        for (method, pattern) in routes.iter().filter(|(m, p)| (lateness(*m, p) >= 3) == late) {
            if pattern.starts_with("/static") {
                continue;
            }
            let path = fixture.fill(pattern);
            let key = format!("{method} {pattern}");
            for index in asked.clone() {
                let (cell, body) = ask_with(&actors[index], *method, &path, fixture.body_for(*method, pattern, index)).await;
                if index != 3 && index < 5 && (body.contains("Hilda") || body.contains("hilda.hidden")) {
                    leaks.push(format!("{} sees the hidden attendee through {key}", ACTORS[index]));
                }
                actual.entry(key.clone()).or_insert_with(|| vec![String::new(); ACTORS.len()])[index] = cell;
            }
        }
    }

    let expected: BTreeMap<&str, &str> = EXPECTED.iter().cloned().collect();
    let mut wrong = Vec::new();
    let mut table = String::new();
    for (route, cells) in &actual {
        let line = cells.join(" ");
        table.push_str(&format!("    (\"{route}\", \"{line}\"),\n"));
        match expected.get(route.as_str()) {
            None => wrong.push(format!("no row for {route} (answers {line})")),
            Some(want) if *want != line => wrong.push(format!("{route}: expected {want}, got {line}")),
            Some(_) => {}
        }
    }
    for route in expected.keys().filter(|r| !actual.contains_key(**r)) {
        wrong.push(format!("row for a route that is not mounted: {route}"));
    }
    assert!(leaks.is_empty(), "hidden profile leaks:\n{}", leaks.join("\n"));
    let scrape = actors[0].client.get("/metrics").header(bearer(crate::operations::METRICS_TOKEN)).dispatch().await;
    assert_eq!(scrape.status(), Status::Ok, "the metrics token is let in");
    assert!(wrong.is_empty(), "{}\n\nactual table ({}):\n{table}", wrong.join("\n"), ACTORS.join(" | "));
}
