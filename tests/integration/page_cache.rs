//! Public pages kept in memory per event version: served without rendering
//! (with validators and the coding the browser takes), never stale after a
//! change through this instance, at most a second stale after a change
//! through another, and never anyone's personal page.

use std::time::{Duration, Instant};

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tribe::db::entities::{event, session};
use tribe::web::AppState;

use crate::registrations::event_with_ticket;
use crate::schedules::session_fields;
use crate::support::*;

async fn session_id(app: &TestApp, slug: &str, title: &str) -> i32 {
    let found = event::Entity::find().filter(event::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap();
    let sessions = session::Entity::find().filter(session::Column::EventId.eq(found.id)).all(app.db()).await.unwrap();
    db_session_id(title, &sessions)
}

fn kept_pages(client: &Client) -> usize {
    client.rocket().state::<AppState>().unwrap().pages.len()
}

/// A published conference with one ticket type of 40 seats and one session.
async fn conference(app: &TestApp, slug: &str) {
    event_with_ticket(app, slug, "40").await;
    add_room(&app.client, slug, "Salon A").await;
    let (status, _) =
        add_session(&app.client, slug, &session_fields("Opening talk", "2027-03-13T10:00", "2027-03-13T11:00", "Salon A", "Ada Lovelace")).await;
    assert_eq!(status, Status::SeeOther);
}

#[rocket::async_test]
async fn a_public_page_is_kept_compressed_revalidated_and_new_after_every_change() {
    let app = TestApp::new().await;
    conference(&app, "kept").await;
    let visitor = app.another_instance().await;
    assert_eq!(kept_pages(&visitor), 0);

    let first = visitor.get("/events/kept/schedule").dispatch().await;
    assert_eq!(first.status(), Status::Ok);
    assert_eq!(first.content_type(), Some(ContentType::HTML));
    assert_eq!(first.headers().get_one("Vary"), Some("Accept-Encoding, Cookie"));
    assert!(first.headers().get_one("Set-Cookie").is_none(), "a page for everyone sets no cookie");
    let etag = first.headers().get_one("ETag").unwrap().to_owned();
    let body = first.into_string().await.unwrap();
    assert!(body.contains("Opening talk"));
    assert!(!body.contains("name=\"_csrf\""), "a page for everyone holds no one's form token");
    assert_eq!(kept_pages(&visitor), 1);

    // The same page again: from memory, and a 304 for the copy the browser has.
    let again = visitor.get("/events/kept/schedule").dispatch().await;
    assert_eq!(again.into_string().await.unwrap(), body);
    let revalidated = visitor.get("/events/kept/schedule").header(Header::new("If-None-Match", etag.clone())).dispatch().await;
    assert_eq!(revalidated.status(), Status::NotModified);
    let brotli = visitor.get("/events/kept/schedule").header(Header::new("Accept-Encoding", "gzip, br")).dispatch().await;
    assert_eq!(brotli.headers().get_one("Content-Encoding"), Some("br"));
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut brotli.into_bytes().await.unwrap().as_slice(), &mut plain).unwrap();
    assert_eq!(String::from_utf8(plain).unwrap(), body);

    // Another filter is another page; a search is rendered for its visitor alone.
    assert!(visitor.get("/events/kept/schedule?view=grid").dispatch().await.into_string().await.unwrap().contains("Opening talk"));
    assert_eq!(kept_pages(&visitor), 2);
    assert!(visitor.get("/events/kept/schedule?q=opening").dispatch().await.into_string().await.unwrap().contains("Opening talk"));
    assert_eq!(kept_pages(&visitor), 2);

    // The organizer renames the session (through this instance): the old
    // copy is not confirmed, the new title is there at once.
    let id = session_id(&app, "kept", "Opening talk").await;
    let path = format!("/events/kept/manage/sessions/{id}");
    let renamed =
        post_form(&app.client, &path, &session_fields("Opening keynote", "2027-03-13T10:00", "2027-03-13T11:00", "Salon A", "Ada Lovelace")).await;
    assert_eq!(renamed.status(), Status::SeeOther);
    let organizer_sees = app.client.get("/events/kept/schedule").dispatch().await.into_string().await.unwrap();
    assert!(organizer_sees.contains("Opening keynote"));
    // `visitor` is another instance: its copy of the event row is at most a second old.
    let fresh = eventually(&visitor, "/events/kept/schedule", |page| page.contains("Opening keynote")).await;
    assert!(fresh < Duration::from_millis(1500), "the other instance showed the change after {fresh:?}");
    let old_tag = visitor.get("/events/kept/schedule").header(Header::new("If-None-Match", etag.clone())).dispatch().await;
    assert_eq!(old_tag.status(), Status::Ok, "a 304 only for the current page");
    assert_ne!(old_tag.headers().get_one("ETag"), Some(etag.as_str()));
}

/// How long until `path` on `client` satisfies `check` (gives up after 5 s).
async fn eventually(client: &Client, path: &str, check: impl Fn(&str) -> bool) -> Duration {
    eventually_answer(client, path, |_, page| check(page)).await
}

async fn eventually_answer(client: &Client, path: &str, check: impl Fn(Status, &str) -> bool) -> Duration {
    let started = Instant::now();
    loop {
        let response = client.get(path.to_owned()).dispatch().await;
        let status = response.status();
        let page = response.into_string().await.unwrap_or_default();
        if check(status, &page) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{path} never changed: {page}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[rocket::async_test]
async fn seats_taken_on_one_instance_show_on_the_other_within_a_second() {
    let app = TestApp::new().await;
    conference(&app, "seats").await;
    let visitor = app.another_instance().await;
    assert!(visitor.get("/events/seats").dispatch().await.into_string().await.unwrap().contains("40 left"));

    let buyer = app.another_instance().await;
    sign_up(&buyer, "buyer@example.org", "Bea Buyer", "a long password").await;
    let form = buyer.get("/events/seats").dispatch().await.into_string().await.unwrap();
    assert!(form.contains("Bea Buyer"), "a logged-in visitor gets their own page, not the kept one");
    let ticket = form.split("name=\"ticket_type_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let registered = post_form(&buyer, "/events/seats/register", &[("ticket_type_id", &ticket)]).await;
    assert_eq!(registered.status(), Status::SeeOther);
    assert!(buyer.get("/events/seats").dispatch().await.into_string().await.unwrap().contains("You're going"));

    let fresh = eventually(&visitor, "/events/seats", |page| page.contains("39 left")).await;
    assert!(fresh < Duration::from_millis(1500), "the other instance showed the seat after {fresh:?}");
    let anonymous = visitor.get("/events/seats").dispatch().await.into_string().await.unwrap();
    assert!(!anonymous.contains("Bea Buyer") && !anonymous.contains("You're going"), "no one's own state in the page for everyone");
}

#[rocket::async_test]
async fn a_logged_in_visitor_or_a_flash_is_never_answered_from_the_kept_page() {
    let app = TestApp::new().await;
    conference(&app, "mine").await;
    let visitor = app.another_instance().await;
    let everyone = visitor.get("/events/mine/schedule").dispatch().await.into_string().await.unwrap();
    assert!(everyone.contains("Log in to save"));

    // The organizer (logged in on `app.client`) sees their own page: the
    // manage link and the same session, not the copy kept for visitors.
    let organizer = app.client.get("/events/mine/schedule").dispatch().await.into_string().await.unwrap();
    assert!(organizer.contains("Log out") && !organizer.contains("Log in to save"));
    // An attendee registered through the form sees their agenda buttons.
    let attendee = app.another_instance().await;
    sign_up(&attendee, "ann@example.org", "Ann Attendee", "a long password").await;
    let page = attendee.get("/events/mine").dispatch().await.into_string().await.unwrap();
    let ticket = page.split("name=\"ticket_type_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    post_form(&attendee, "/events/mine/register", &[("ticket_type_id", &ticket)]).await;
    let theirs = attendee.get("/events/mine/schedule").dispatch().await.into_string().await.unwrap();
    assert!(theirs.contains("Add Opening talk to my agenda") && theirs.contains("Ann Attendee"));
    // After logging out, the same browser gets the page for everyone again.
    post_form(&attendee, "/logout", &[]).await;
    let after = attendee.get("/events/mine/schedule").dispatch().await.into_string().await.unwrap();
    assert!(!after.contains("Ann Attendee") && after.contains("Log in to save"));
}

#[rocket::async_test]
async fn drafts_and_unknown_pages_are_not_kept() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "draft", "conference").await;
    let visitor = app.another_instance().await;
    assert_eq!(visitor.get("/events/draft").dispatch().await.status(), Status::NotFound);
    assert_eq!(visitor.get("/events/draft/schedule").dispatch().await.status(), Status::NotFound);
    assert_eq!(visitor.get("/events/nowhere/schedule").dispatch().await.status(), Status::NotFound);
    conference(&app, "public").await;
    assert_eq!(visitor.get("/events/public/sessions/999999").dispatch().await.status(), Status::NotFound);
    assert_eq!(visitor.get("/events/public/speakers/nobody").dispatch().await.status(), Status::NotFound);
    assert_eq!(kept_pages(&visitor), 0, "no page is kept for an error");
    // Unpublishing takes the kept pages off the web at once.
    assert_eq!(visitor.get("/events/public").dispatch().await.status(), Status::Ok);
    post_form(&app.client, "/events/public/manage/publish", &[("published", "false")]).await;
    let gone = eventually_answer(&visitor, "/events/public", |status, _| status == Status::NotFound).await;
    assert!(gone < Duration::from_millis(1500));
}

/// Status, headers (but the date) and body of an answer over real HTTP.
async fn over_http(http: &reqwest::Client, url: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut request = http.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let mut kept: Vec<(String, String)> =
        response.headers().iter().filter(|(name, _)| name.as_str() != "date").map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned())).collect();
    kept.sort();
    (status, kept, response.bytes().await.unwrap().to_vec())
}

#[rocket::async_test]
async fn kept_pages_and_exports_answered_before_rocket_are_the_same_answers() {
    let app = TestApp::new().await;
    conference(&app, "early").await;
    let server = app.serve().await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for path in
        ["/events/early", "/events/early/schedule", "/events/early/schedule?view=grid", "/events/early/schedule.json", "/events/early/schedule.ics"]
    {
        let url = format!("{}{path}", server.base);
        for encoding in ["identity", "gzip", "br"] {
            // The first answer is Rocket's (it renders and keeps), the second from memory.
            let rocket = over_http(&http, &url, &[("accept-encoding", encoding)]).await;
            let early = over_http(&http, &url, &[("accept-encoding", encoding)]).await;
            assert_eq!(rocket.0, 200, "{path}");
            assert_eq!(rocket, early, "{path} with {encoding}: the answer from memory differs from Rocket's");
            let etag = rocket.1.iter().find(|(n, _)| n == "etag").unwrap().1.clone();
            let revalidated = over_http(&http, &url, &[("accept-encoding", encoding), ("if-none-match", &etag)]).await;
            assert_eq!(revalidated.0, 304);
            assert!(revalidated.2.is_empty());
        }
    }
    assert!(server.pages.early_answers() >= 9, "the pages' second answers came from memory ({} did)", server.pages.early_answers());

    // A logged-in browser's request is never answered from memory.
    let before = server.pages.early_answers();
    let page = over_http(&http, &format!("{}/events/early/schedule", server.base), &[("cookie", "tribe_session=anything")]).await;
    assert_eq!(page.0, 200);
    assert_eq!(server.pages.early_answers(), before);
    // A change through another instance (`app.client`) shows within the second.
    post_form(&app.client, "/events/early/manage/rooms", &[("room_name", "Salon Z"), ("room_capacity", "10")]).await;
    add_session(&app.client, "early", &session_fields("Late addition", "2027-03-13T15:00", "2027-03-13T16:00", "Salon Z", "")).await;
    let started = Instant::now();
    loop {
        let (_, _, body) = over_http(&http, &format!("{}/events/early/schedule", server.base), &[]).await;
        if String::from_utf8_lossy(&body).contains("Late addition") {
            break;
        }
        assert!(started.elapsed() < Duration::from_millis(1500), "the served page missed the new session after {:?}", started.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[rocket::async_test]
async fn logged_in_visitors_share_one_kept_page_and_get_their_own_state_from_me_json() {
    let app = TestApp::new().await;
    conference(&app, "members").await;
    let id = session_id(&app, "members", "Opening talk").await;
    let ann = app.another_instance().await;
    sign_up(&ann, "ann@example.org", "Ann Attendee", "a long password").await;
    let page = ann.get("/events/members").dispatch().await.into_string().await.unwrap();
    let ticket = page.split("name=\"ticket_type_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert_eq!(post_form(&ann, "/events/members/register", &[("ticket_type_id", &ticket)]).await.status(), Status::SeeOther);
    let add_path = format!("/events/members/sessions/{id}/agenda");
    let added = post_form(&ann, &add_path, &[("back", "/events/members/schedule")]).await;
    assert_eq!(added.status(), Status::SeeOther);
    let bob = app.another_instance().await;
    sign_up(&bob, "bob@example.org", "Bob Browser", "a long password").await;

    // (The flashes of signing up and adding are shown once, on their own pages.)
    for client in [&ann, &bob] {
        assert!(client.get("/events/members/schedule").dispatch().await.into_string().await.unwrap().contains("class=\"flash"));
    }
    // Browsers that run the pages' script get the copy kept for members:
    // the same bytes for both, with no one's name, token or agenda in it.
    let for_ann = schedule_with_script(&ann).await;
    let for_bob = schedule_with_script(&bob).await;
    assert_eq!(for_ann, for_bob);
    assert!(for_ann.contains("Your account") && for_ann.contains("/static/js/personal.js"));
    assert!(!for_ann.contains("Ann Attendee") && !for_ann.contains("In my agenda"), "no one's own state in the members' copy");
    assert!(for_ann.contains("name=\"_csrf\" value=\"\""), "the token is left for the script to fill in");

    // Each gets their own state.
    let answer = ann.get("/events/members/me.json").dispatch().await;
    assert_eq!(answer.headers().get_one("Cache-Control"), Some("private, no-store"));
    let state: serde_json::Value = answer.into_json().await.unwrap();
    assert_eq!(state["signed_in"], true);
    assert_eq!(state["name"], "Ann Attendee");
    assert_eq!(state["offer"], "toggle");
    assert_eq!(state["agenda"], serde_json::json!([id]));
    let bobs: serde_json::Value = bob.get("/events/members/me.json").dispatch().await.into_json().await.unwrap();
    assert_eq!(
        (bobs["name"].as_str(), bobs["offer"].as_str(), bobs["agenda"].as_array().map(Vec::len)),
        (Some("Bob Browser"), Some("register"), Some(0))
    );
    let nobody: serde_json::Value = app.another_instance().await.get("/events/members/me.json").dispatch().await.into_json().await.unwrap();
    assert_eq!(nobody["signed_in"], false);
    assert!(nobody["name"].is_null() && nobody["csrf"].is_null());

    // The token it gives works in the page's forms.
    let token = state["csrf"].as_str().unwrap();
    let removed = ann
        .post(format!("/events/members/sessions/{id}/agenda/remove"))
        .header(ContentType::Form)
        .body(form_body(&[("_csrf", token), ("back", "/events/members/schedule")]))
        .dispatch()
        .await;
    assert_eq!(removed.status(), Status::SeeOther);

    // Without the script, a member gets their own page; the team always does.
    let own = ann.get("/events/members/schedule").dispatch().await.into_string().await.unwrap();
    assert!(own.contains("Ann Attendee") && own.contains("Add Opening talk to my agenda"));
    let organizer = schedule_with_script(&app.client).await;
    assert!(!organizer.contains("Your account") && organizer.contains("Org Anizer"));
}

/// The schedule as a browser that runs the pages' script asks for it.
async fn schedule_with_script(client: &Client) -> String {
    client.get("/events/members/schedule").cookie(("tribe_js", "1")).dispatch().await.into_string().await.unwrap()
}

/// Signs up `email` in a browser of its own and registers for `slug`'s first ticket.
async fn registered(app: &TestApp, slug: &str, email: &str, name: &str) -> Client {
    let client = app.another_instance().await;
    sign_up(&client, email, name, "a long password").await;
    let page = client.get(format!("/events/{slug}")).dispatch().await.into_string().await.unwrap();
    let ticket = page.split("name=\"ticket_type_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let path = format!("/events/{slug}/register");
    assert_eq!(post_form(&client, &path, &[("ticket_type_id", &ticket)]).await.status(), Status::SeeOther);
    client
}

#[rocket::async_test]
async fn the_kept_attendee_list_shows_a_registration_through_another_instance_at_once() {
    let app = TestApp::new().await;
    conference(&app, "people").await;
    let ann = registered(&app, "people", "ann@example.org", "Ann Attendee").await;
    let directory = ann.get("/events/people/people").dispatch().await.into_string().await.unwrap();
    assert!(directory.contains("Ann Attendee") && !directory.contains("Bob Browser"));
    // Bob registers through another instance: Ann's next look shows him,
    // although her instance read the attendees a moment ago.
    registered(&app, "people", "bob@example.org", "Bob Browser").await;
    let directory = ann.get("/events/people/people").dispatch().await.into_string().await.unwrap();
    assert!(directory.contains("Bob Browser"), "the kept attendee list missed a registration");
}

#[rocket::async_test]
async fn a_visitor_refused_a_write_cannot_empty_the_kept_pages() {
    let app = TestApp::new().await;
    conference(&app, "quiet").await;
    let revision = || async { event::Entity::find().filter(event::Column::Slug.eq("quiet")).one(app.db()).await.unwrap().unwrap().page_revision };
    let before = revision().await;
    // A visitor who is not logged in, with a valid form token, is sent to log in.
    let visitor = app.another_instance().await;
    let token = csrf(&visitor).await;
    let answer = visitor.post("/events/quiet/role").header(ContentType::Form).body(form_body(&[("_csrf", &token), ("role", "")])).dispatch().await;
    assert_eq!(answer.status(), Status::SeeOther, "refused with a redirect to the log-in");
    assert_eq!(revision().await, before, "a refused write left the kept pages alone");
}

/// A member's `me.json` through the live server, as their browser asks.
async fn state_over_http(http: &reqwest::Client, base: &str, slug: &str, cookies: &str) -> serde_json::Value {
    let (status, _, body) = over_http(http, &format!("{base}/events/{slug}/me.json"), &[("cookie", cookies)]).await;
    assert_eq!(status, 200);
    serde_json::from_slice(&body).unwrap()
}

#[rocket::async_test]
async fn a_members_copy_and_own_state_come_from_memory_only_for_a_session_read_within_the_second() {
    let app = TestApp::new().await;
    conference(&app, "quick").await;
    let id = session_id(&app, "quick", "Opening talk").await;
    let ann_elsewhere = registered(&app, "quick", "ann@example.org", "Ann Attendee").await;
    sign_up(&app.another_instance().await, "bob@example.org", "Bob Browser", "a long password").await;
    let server = app.serve().await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut ann = Cookies::default();
    ann.log_in(&http, &server.base, "ann@example.org", "a long password").await;
    ann.set("tribe_js", "1");
    let mut bob = Cookies::default();
    bob.log_in(&http, &server.base, "bob@example.org", "a long password").await;
    bob.set("tribe_js", "1");

    // Rocket's answer first (it reads the session and keeps), then the same
    // answer from memory: the members' copy and each one's own state.
    // Before Rocket's path read a session, nothing personal is answered early.
    let before = server.pages.early_answers();
    let cold = over_http(&http, &format!("{}/events/quick/me.json", server.base), &[("cookie", &ann.header())]).await;
    assert_eq!((cold.0, server.pages.early_answers()), (200, before));
    for path in ["/events/quick/schedule".to_owned(), format!("/events/quick/sessions/{id}"), "/events/quick/me.json".to_owned()] {
        for (who, browser) in [("Ann", &ann), ("Bob", &bob)] {
            let url = format!("{}{path}", server.base);
            let rocket = over_http(&http, &url, &[("cookie", &browser.header()), ("accept-encoding", "gzip")]).await;
            assert_eq!(rocket.0, 200, "{path}");
            // The next answer comes from memory. (On a machine busy enough
            // that the second after Rocket's read has passed, Rocket answers
            // again and reads the session anew: the one after comes from memory.)
            let mut tries = 0;
            let early = loop {
                let before = server.pages.early_answers();
                let answer = over_http(&http, &url, &[("cookie", &browser.header()), ("accept-encoding", "gzip")]).await;
                if server.pages.early_answers() > before {
                    break answer;
                }
                tries += 1;
                assert!(tries < 5, "{path} for {who}: no answer came from memory");
            };
            assert_eq!(rocket, early, "{path} for {who}: the answer from memory differs from Rocket's");
        }
    }
    let state = state_over_http(&http, &server.base, "quick", &ann.header()).await;
    assert_eq!((state["name"].as_str(), state["offer"].as_str(), &state["agenda"]), (Some("Ann Attendee"), Some("toggle"), &serde_json::json!([])));
    let bobs = state_over_http(&http, &server.base, "quick", &bob.header()).await;
    assert_eq!((bobs["name"].as_str(), bobs["offer"].as_str()), (Some("Bob Browser"), Some("register")), "each session its own state");

    // Her own write through this instance shows at once.
    let token = state["csrf"].as_str().unwrap().to_owned();
    let add = format!("{}/events/quick/sessions/{id}/agenda", server.base);
    assert_eq!(ann.post(&http, add, &[("_csrf", &token), ("back", "/events/quick/schedule")]).await, 303);
    let state = state_over_http(&http, &server.base, "quick", &ann.header()).await;
    assert_eq!(state["agenda"], serde_json::json!([id]), "her star shows in the next answer");
    let state = state_over_http(&http, &server.base, "quick", &ann.header()).await;
    assert_eq!(state["agenda"], serde_json::json!([id]));

    // Through another instance, within the second.
    let remove_path = format!("/events/quick/sessions/{id}/agenda/remove");
    let removed = post_form(&ann_elsewhere, &remove_path, &[("back", "/events/quick/schedule")]).await;
    assert_eq!(removed.status(), Status::SeeOther);
    let started = Instant::now();
    while state_over_http(&http, &server.base, "quick", &ann.header()).await["agenda"] != serde_json::json!([]) {
        assert!(started.elapsed() < Duration::from_millis(1500), "a change through another instance missed after {:?}", started.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Her sessions ended through another instance (the rows gone): within the second.
    let ann_id = tribe::db::entities::user::Entity::find()
        .filter(tribe::db::entities::user::Column::Email.eq("ann@example.org"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    tribe::db::entities::login_session::Entity::delete_many()
        .filter(tribe::db::entities::login_session::Column::UserId.eq(ann_id))
        .exec(app.db())
        .await
        .unwrap();
    let started = Instant::now();
    while state_over_http(&http, &server.base, "quick", &ann.header()).await["signed_in"] != false {
        assert!(started.elapsed() < Duration::from_millis(1500), "an ended session still answered after {:?}", started.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = server.pages.early_answers();
    let page = over_http(&http, &format!("{}/events/quick/schedule", server.base), &[("cookie", &ann.header())]).await;
    assert!(!String::from_utf8_lossy(&page.2).contains("/static/js/personal.js"), "no members' copy for an ended session");
    assert_eq!(server.pages.early_answers(), before);

    // Logging out through this instance: a copy of the cookie is refused at once.
    let copy = bob.header();
    let (_, account) = bob.get(&http, format!("{}/account", server.base)).await;
    assert_eq!(bob.post(&http, format!("{}/logout", server.base), &[("_csrf", &csrf_in(&account))]).await, 303);
    assert_eq!(state_over_http(&http, &server.base, "quick", &copy).await["signed_in"], false);

    // The event's team never gets the members' copy, from memory or not.
    let mut organizer = Cookies::default();
    organizer.log_in(&http, &server.base, "org-quick@example.org", "a long password").await;
    organizer.set("tribe_js", "1");
    let before = server.pages.early_answers();
    for _ in 0..2 {
        let (status, _, body) = over_http(&http, &format!("{}/events/quick/schedule", server.base), &[("cookie", &organizer.header())]).await;
        assert_eq!(status, 200);
        assert!(String::from_utf8_lossy(&body).contains("Org Anizer"), "the team's own page");
    }
    assert_eq!(server.pages.early_answers(), before);
}
