//! The authorization matrix: every mounted route, asked by each kind of
//! person, answers as the table below says. A route added without a row
//! fails the test, so the table shows every gap.
//!
//! Cells, in the order of `ACTORS`:
//! - `A` let in (2xx, a redirect other than to the log-in page, or a 4xx
//!   about the input: 400, 409, 422)
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

use std::collections::BTreeMap;

use rocket::http::{ContentType, Header, Method, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter};
use serde_json::json;
use tribe::db::entities::{
    chat_message, chat_occurrence, discount_code, event, event_role, feed_token, meetup_slot, registration, registration_question, room, session,
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
    ("DELETE /api/me/agenda/<session_id>", "L A N N N N N"),
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
    ("GET /api/events/<_slug>/my-tribe", "L N N N N N N"),
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
    ("GET /events/<_slug>/manage/attendees", "L F F A F A A"),
    ("GET /events/<_slug>/manage/attendees.csv", "L F F A F A A"),
    ("GET /events/<_slug>/manage/badges", "L F F F F A A"),
    ("GET /events/<_slug>/manage/badges/key.json", "L F F A F A A"),
    ("GET /events/<_slug>/manage/badges/key.pem", "L F F A F A A"),
    ("GET /events/<_slug>/manage/badges/offline-list.json", "L F F A F A A"),
    ("GET /events/<_slug>/manage/badges/prints/<id>", "L F F F F N N"),
    ("GET /events/<_slug>/manage/badges/prints/<id>/badges.pdf", "L F F F F N N"),
    ("GET /events/<_slug>/manage/check-in", "L F F A F A A"),
    ("GET /events/<_slug>/manage/check-in/stats", "L F F A F A A"),
    ("GET /events/<_slug>/manage/community", "L F F F F A A"),
    ("GET /events/<_slug>/manage/sessions/<id>", "L F F F F A A"),
    ("GET /events/<_slug>/manage/sessions/new", "L F F F F A A"),
    ("GET /events/<_slug>/people", "A A A A A A A"),
    ("GET /events/<_slug>/schedule", "A A A A A A A"),
    ("GET /events/<_slug>/sessions/<file>", "A A A A A A A"),
    ("GET /events/<_slug>/sessions/<id>", "A A A A A A A"),
    ("GET /events/<_slug>/speakers/<key>", "A A A A A A A"),
    ("GET /events/<_slug>/tribe", "L A A A A A A"),
    ("GET /events/<_slug>/tribe/meetup.ics", "L N N N N N N"),
    ("GET /events/<slug>/schedule.ics", "A A A A A A A"),
    ("GET /events/<slug>/schedule.json", "A A A A A A A"),
    ("GET /events/<slug>/schedule.xml", "A A A A A A A"),
    ("GET /events/new", "L A A A A A A"),
    ("GET /feeds/<file>", "A A A A A A A"),
    ("GET /healthz", "A A A A A A A"),
    ("GET /login", "A A A A A A A"),
    // An attendees-only profile: its owner, the event's team and fellow attendees (none here but Ada).
    ("GET /people/<id>", "N A N A N A A"),
    ("GET /readyz", "A A A A A A A"),
    ("GET /registrations/<id>", "L A N A N A A"),
    ("GET /registrations/<id>/badge.png", "L A N A N A A"),
    ("GET /registrations/<id>/badge.svg", "L A N A N A A"),
    ("GET /signup", "A A A A A A A"),
    ("GET /vendor/jsqr.js", "A A A A A A A"),
    ("POST /account/password", "L A A A A A A"),
    ("POST /account/profile", "L A A A A A A"),
    ("POST /account/tokens", "L A A A A A A"),
    ("POST /account/tokens/<id>/revoke", "L A N N N N N"),
    ("POST /agenda/feed/regenerate", "L A A A A A A"),
    ("POST /api/events/<_slug>/chats/<key>/messages", "L A A A A A A"),
    ("POST /api/events/<_slug>/checkins", "L F F A F A A"),
    ("POST /api/events/<_slug>/registrations", "L A A A A A A"),
    ("POST /api/events/<_slug>/sessions", "L F F F F A A"),
    ("POST /api/me/connections", "L A A A A A A"),
    ("POST /api/me/connections/<id>/<action>", "L N N N N N N"),
    ("POST /api/tokens", "A A A A A A A"),
    ("POST /b/<token>/connect", "L A F F F F F"),
    ("POST /connections/<id>/<action>", "L N N N N N N"),
    ("POST /events", "L A A A A A A"),
    ("POST /events/<_slug>/chats/<key>/ideas", "L A A A A A A"),
    ("POST /events/<_slug>/chats/<key>/ideas/<id>/use", "L F F F F N N"),
    ("POST /events/<_slug>/chats/<key>/ideas/<id>/vote", "L N N N N N N"),
    ("POST /events/<_slug>/chats/<key>/lurking", "L A A A A A A"),
    ("POST /events/<_slug>/chats/<key>/messages", "L A A A A A A"),
    // The demo chat shown is over: nobody posts or edits there any more.
    ("POST /events/<_slug>/chats/<key>/messages.json", "L F F F F F F"),
    ("POST /events/<_slug>/chats/<key>/messages/<id>/ban-author", "L F F F F A A"),
    ("POST /events/<_slug>/chats/<key>/messages/<id>/edit", "L F F F F F F"),
    ("POST /events/<_slug>/chats/<key>/messages/<id>/hide", "L F F F F A N"),
    ("POST /events/<_slug>/chats/<key>/messages/<id>/mute-author", "L F F F F A A"),
    ("POST /events/<_slug>/chats/<key>/messages/<id>/report", "L A A A A A A"),
    ("POST /events/<_slug>/chats/<key>/topics/next", "L F F F F A A"),
    ("POST /events/<_slug>/manage", "L F F F F A A"),
    ("POST /events/<_slug>/manage/attendees", "L F F F F A A"),
    ("POST /events/<_slug>/manage/attendees/<id>/cancel", "L F F F F A A"),
    ("POST /events/<_slug>/manage/attendees/<id>/check-in", "L F F A F A A"),
    ("POST /events/<_slug>/manage/badges/prints", "L F F F F A A"),
    ("POST /events/<_slug>/manage/check-in", "L F F A F A A"),
    ("POST /events/<_slug>/manage/check-in/scan", "L F F A F A A"),
    ("POST /events/<_slug>/manage/discounts", "L F F F F A A"),
    ("POST /events/<_slug>/manage/discounts/<id>/delete", "L F F F F N N"),
    ("POST /events/<_slug>/manage/import", "L F F F F A A"),
    ("POST /events/<_slug>/manage/occurrences", "L F F F F A A"),
    ("POST /events/<_slug>/manage/publish", "L F F F F A A"),
    ("POST /events/<_slug>/manage/questions", "L F F F F A A"),
    ("POST /events/<_slug>/manage/questions/<id>/delete", "L F F F F N N"),
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
    ("POST /events/<_slug>/manage/tickets/<id>/delete", "L F F F F A A"),
    ("POST /events/<_slug>/manage/tickets/<id>/visibility", "L F F F F A A"),
    ("POST /events/<_slug>/manage/tracks", "L F F F F A A"),
    ("POST /events/<_slug>/manage/tracks/<id>/delete", "L F F F F A N"),
    ("POST /events/<_slug>/manage/tribes/form", "L F F F F A A"),
    ("POST /events/<_slug>/manage/tribes/size", "L F F F F A A"),
    ("POST /events/<_slug>/register", "L A A A A A A"),
    ("POST /events/<_slug>/registration/cancel", "L A A A A A A"),
    ("POST /events/<_slug>/role", "L A A A A A A"),
    ("POST /events/<_slug>/sessions/<id>/agenda", "L A A A A A A"),
    ("POST /events/<_slug>/sessions/<id>/agenda/remove", "L A A A A A A"),
    ("POST /events/<_slug>/waitlist", "L N N N N N N"),
    ("POST /events/<_slug>/waitlist/leave", "L A A A A A A"),
    // Empty credentials fail; the fifth failure from one address is slowed down.
    ("POST /login", "L L L L L R R"),
    ("POST /logout", "A A A A A A A"),
    ("POST /people/<id>/block", "L A A A A A A"),
    ("POST /people/<id>/connect", "L A N A N A A"),
    ("POST /people/<id>/unblock", "L A A A A A A"),
    ("POST /registrations/<id>/claim", "L A N N N N N"),
    ("POST /signup", "A A A A A A A"),
    // This app has no Stripe keys: the webhook does not exist for it.
    ("POST /webhooks/stripe", "N N N N N N N"),
    ("PUT /api/events/<_slug>/sessions/<id>", "L F F F F A A"),
    ("PUT /api/me/agenda/<session_id>", "L A F F F F F"),
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
        200..=399 | 400 | 409 | 422 => "A".into(),
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
}

impl Fixture {
    fn fill(&self, path: &str) -> String {
        let path = path.split('?').next().unwrap();
        let chat = path.contains("/chats");
        let mut out = Vec::new();
        let segments: Vec<&str> = path.split('/').collect();
        for (i, segment) in segments.iter().enumerate() {
            let before = if i > 0 { segments[i - 1] } else { "" };
            let value = match *segment {
                "<_slug>" | "<slug>" => if chat { "hcldr" } else { "hitmc" }.to_owned(),
                "<key>" if chat => self.occurrence_key.clone(),
                "<key>" => self.speaker_key.clone(),
                "<file>" if before == "feeds" => format!("{}.ics", self.feed),
                "<file>" => format!("{}.ics", self.session),
                "<token>" => self.badge.clone(),
                "<user_id>" => self.staff_user.to_string(),
                "<session_id>" => self.session.to_string(),
                "<action>" => "accept".into(),
                "<id>" => match before {
                    "sessions" if path.starts_with("/api/") => self.api_session,
                    "sessions" => self.session,
                    "registrations" | "attendees" => self.registration,
                    "people" => self.attendee_user,
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
                    // Prints, ideas and connections: none exist; the guard answers first.
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
fn lateness(method: Method, path: &str) -> u8 {
    if path.ends_with("/logout") {
        4
    } else if method == Method::Delete
        || ["delete", "cancel", "leave", "remove", "revoke", "regenerate", "publish", "hide", "ban-author", "mute-author"]
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

async fn ask(actor: &Actor, method: Method, path: &str) -> (String, String) {
    let api = path.starts_with("/api/");
    let mut request = actor.client.req(method, path.to_owned());
    if api {
        if let Some(token) = &actor.token {
            request = request.header(Header::new("Authorization", format!("Bearer {token}")));
        }
        if method != Method::Get {
            request = request.header(ContentType::JSON).body("{}");
        }
    } else if method != Method::Get {
        request = request.header(ContentType::Form).body(format!("_csrf={}", actor.csrf));
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
    let app = TestApp::new().await;
    tribe::domain::demo::load(app.db()).await.unwrap();
    let db = app.db();
    let hitmc = event::Entity::find().filter(event::Column::Slug.eq("hitmc")).one(db).await.unwrap().unwrap();
    let hcldr = event::Entity::find().filter(event::Column::Slug.eq("hcldr")).one(db).await.unwrap().unwrap();

    // Another conference, its organizer (logged in on app.client) and attendee.
    let beta = conference(&app, "beta", &["Clinician"]).await;
    let outsider = attendee(&app, &beta, "Otto Outsider", Some("Clinician"), json!({})).await;

    // hitmc's attendee (profile for attendees only), a hidden attendee, staff and a site admin.
    let ticket = first::<ticket_type::Entity, _>(db, ticket_type::Column::EventId.eq(hitmc.id)).await;
    let hitmc_conf = Conference::new("hitmc", ticket, vec![]);
    let ada = attendee(&app, &hitmc_conf, "Ada Attendee", None, json!({"visibility": "attendees"})).await;
    attendee(&app, &hitmc_conf, "Hilda Hidden", None, json!({"visibility": "hidden", "organization": "Hilda's Clinic"})).await;
    let hash = tribe::domain::passwords::hash_blocking("a long password").unwrap();
    let staff_user = tribe::domain::accounts::insert_user(db, "stella.staff@example.org", "Stella Staff", hash.clone(), false).await.unwrap();
    tribe::domain::accounts::insert_user(db, "root@example.org", "Root Admin", hash, true).await.unwrap();
    let organizer = Actor::new(&app, Some(("organizer@example.org", "tribe-demo")), None).await;
    let added = organizer
        .client
        .post("/events/hitmc/manage/team")
        .header(ContentType::Form)
        .body(form_body(&[("_csrf", &organizer.csrf), ("email", "stella.staff@example.org"), ("role", "staff")]))
        .dispatch()
        .await;
    assert_eq!(added.status(), Status::SeeOther);
    drop(added);

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
    let feed = tribe::domain::agenda::feed_token(db, ada.id).await.unwrap();
    let spare = tribe::domain::api_tokens::create(db, ada.id, "spare").await.unwrap().0;
    let fixture = Fixture {
        session: session_id,
        api_session: first::<session::Entity, _>(db, session::Column::EventId.eq(hitmc.id).and(session::Column::Id.ne(session_id))).await,
        registration: registration.id,
        attendee_user: ada.id,
        staff_user: staff_user.id,
        ticket,
        room: first::<room::Entity, _>(db, room::Column::EventId.eq(hitmc.id)).await,
        track: first::<track::Entity, _>(db, track::Column::EventId.eq(hitmc.id)).await,
        role: first::<event_role::Entity, _>(db, event_role::Column::EventId.eq(hitmc.id)).await,
        question: first::<registration_question::Entity, _>(db, registration_question::Column::EventId.eq(hitmc.id)).await,
        discount: first::<discount_code::Entity, _>(db, discount_code::Column::EventId.eq(hitmc.id)).await,
        slot: first::<meetup_slot::Entity, _>(db, meetup_slot::Column::EventId.eq(hitmc.id)).await,
        table: first::<table_plan::Entity, _>(db, table_plan::Column::EventId.eq(hitmc.id)).await,
        message: message.map(|m| m.id).unwrap_or(999_999),
        occurrence_key: tribe::domain::chat_room::key_of(occurrence.scheduled_start),
        speaker_key: tribe::web::pages::schedule_view::speaker_key(&speaker),
        feed: feed_token::Entity::find().filter(feed_token::Column::UserId.eq(ada.id)).one(db).await.unwrap().map(|f| f.token).unwrap_or(feed),
        badge: crate::tribe::badge_token(&app, registration.id, hitmc.id),
        spare_token: spare.id,
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

    // The leak check below looks for a name the team does see.
    let (_, attendees) = ask(&actors[5], Method::Get, "/events/hitmc/manage/attendees?q=hilda").await;
    assert!(attendees.contains("Hilda Hidden"), "the organizer's list shows the hidden attendee");

    let mut routes: Vec<(Method, String)> =
        app.client.rocket().routes().map(|r| (r.method, r.uri.as_str().split('?').next().unwrap().to_owned())).collect();
    routes.sort_by_key(|(method, path)| (lateness(*method, path), path.clone(), method.as_str()));
    routes.dedup();

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
                let (cell, body) = ask(&actors[index], *method, &path).await;
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
    assert!(wrong.is_empty(), "{}\n\nactual table ({}):\n{table}", wrong.join("\n"), ACTORS.join(" | "));
}
