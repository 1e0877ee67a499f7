use std::sync::Arc;

use rocket::http::{ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use tribe::db::entities::{event, session, ticket_type};

use crate::support::*;

async fn event_row(app: &TestApp, slug: &str) -> event::Model {
    event::Entity::find().filter(event::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap()
}

async fn session_by_title(app: &TestApp, title: &str) -> session::Model {
    session::Entity::find().filter(session::Column::Title.eq(title)).one(app.db()).await.unwrap().unwrap()
}

fn fields<'a>(title: &'a str, start: &'a str, end: &'a str, room: &'a str, capacity: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("title", title), ("starts_at", start), ("ends_at", end), ("room", room), ("capacity", capacity), ("status", "published")]
}

/// A published conference across the March 2027 DST change with a free
/// ticket, two rooms and four sessions (two overlapping, one workshop of 2).
async fn conference(app: &TestApp) {
    organizer_with_event(&app.client, "org@example.org", "cal", "conference").await;
    post_form(&app.client, "/events/cal/manage/tickets", &[("name", "Admission"), ("price", "0")]).await;
    add_room(&app.client, "cal", "Hall").await;
    add_room(&app.client, "cal", "Lab").await;
    let mut closing = fields("Monday closing", "2027-03-15T16:00", "2027-03-15T17:00", "Hall", "");
    closing.push(("speakers", "Ada Lovelace"));
    for f in [
        fields("Saturday keynote", "2027-03-13T09:00", "2027-03-13T10:00", "Hall", ""),
        fields("Overlapping talk", "2027-03-13T09:30", "2027-03-13T10:30", "Lab", ""),
        closing,
        fields("Small workshop", "2027-03-15T10:00", "2027-03-15T12:00", "Lab", "2"),
    ] {
        let (status, page) = add_session(&app.client, "cal", &f).await;
        assert_eq!(status, Status::SeeOther, "{page}");
    }
    post_form(&app.client, "/events/cal/manage/publish", &[("published", "true")]).await;
}

/// A logged-in, registered attendee in a browser of their own.
async fn registered_attendee(app: &TestApp, email: &str) -> rocket::local::asynchronous::Client {
    let browser = app.another_instance().await;
    sign_up(&browser, email, "Attendee", "a long password").await;
    let ticket =
        ticket_type::Entity::find().filter(ticket_type::Column::EventId.eq(event_row(app, "cal").await.id)).one(app.db()).await.unwrap().unwrap();
    assert_eq!(post_form(&browser, "/events/cal/register", &[("ticket_type_id", &ticket.id.to_string())]).await.status(), Status::SeeOther);
    browser
}

async fn add_via_page(browser: &rocket::local::asynchronous::Client, id: i32) -> String {
    let path = format!("/events/cal/sessions/{id}/agenda");
    let response = post_form(browser, &path, &[("back", "/agenda")]).await;
    assert_eq!(response.status(), Status::SeeOther);
    browser.get("/agenda").dispatch().await.into_string().await.unwrap()
}

#[rocket::async_test]
async fn a_registered_attendee_builds_an_agenda_with_buttons_and_sees_clashes() {
    let app = TestApp::new().await;
    conference(&app).await;
    // Not registered: the button is not offered, and a forged post is refused with a reason.
    let stranger = app.another_instance().await;
    sign_up(&stranger, "stranger@example.org", "Stranger", "a long password").await;
    let keynote = session_by_title(&app, "Saturday keynote").await;
    let page = stranger.get(format!("/events/cal/sessions/{}", keynote.id)).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("Add to my agenda"));
    post_form(&stranger, &format!("/events/cal/sessions/{}/agenda", keynote.id), &[]).await;
    let page = stranger.get(format!("/events/cal/sessions/{}", keynote.id)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Register for Test Conference to build your agenda."));

    let browser = registered_attendee(&app, "ana@example.org").await;
    let schedule = browser.get("/events/cal/schedule?day=all").dispatch().await.into_string().await.unwrap();
    assert_eq!(schedule.matches("☆ Add to my agenda").count(), 4, "a button on each card");
    // The button comes back to its own card (the fragment survives the check of `back`).
    let keynote_card = format!("/events/cal/schedule?day=all#s{}", keynote.id);
    let add_path = format!("/events/cal/sessions/{}/agenda", keynote.id);
    let back = post_form(&browser, &add_path, &[("back", &keynote_card)]).await;
    assert_eq!(back.headers().get_one("Location"), Some(keynote_card.as_str()));
    // The page's script gets the new state as JSON instead, and the same change is made.
    let token = csrf(&browser).await;
    let removed = browser
        .post(format!("/events/cal/sessions/{}/agenda/remove", keynote.id))
        .header(ContentType::Form)
        .header(rocket::http::Header::new("Accept", "application/json"))
        .body(format!("_csrf={token}&back=%2F"))
        .dispatch()
        .await;
    assert_eq!(removed.status(), Status::Ok);
    let state: serde_json::Value = serde_json::from_str(&removed.into_string().await.unwrap()).unwrap();
    assert_eq!((state["session_id"].as_i64(), state["in_agenda"].as_bool()), (Some(i64::from(keynote.id)), Some(false)));
    let agenda = browser.get("/agenda").dispatch().await.into_string().await.unwrap();
    assert!(!agenda.contains("Saturday keynote"), "removed through the script's request");
    let agenda = add_via_page(&browser, keynote.id).await;
    assert!(agenda.contains("is in your agenda.") && agenda.contains("Saturday keynote"));
    // Nothing known of this person's zone: the page says whose clock it shows and hands its script the event's,
    // which moves the times to the device's zone as every other page does.
    assert!(agenda.contains(r#"data-zone-source="event""#) && agenda.contains("where the event is."), "{agenda}");
    let overlapping = session_by_title(&app, "Overlapping talk").await;
    let agenda = add_via_page(&browser, overlapping.id).await;
    assert!(agenda.contains("but it clashes with “Saturday keynote”"), "{agenda}");
    assert!(agenda.contains("2 sessions overlap"));
    assert!(agenda.contains("Clashes with “Overlapping talk”"));
    let schedule = browser.get("/events/cal/schedule?day=all").dispatch().await.into_string().await.unwrap();
    assert_eq!(schedule.matches("✓ In my agenda").count(), 2);
    assert_eq!(schedule.matches(r#"aria-pressed="true""#).count(), 2, "the button says its state");

    let remove = format!("/events/cal/sessions/{}/agenda/remove", overlapping.id);
    let response = post_form(&browser, &remove, &[("back", "/agenda")]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let agenda = browser.get("/agenda").dispatch().await.into_string().await.unwrap();
    assert!(!agenda.contains("Overlapping talk") && !agenda.contains("sessions overlap"));
}

#[rocket::async_test]
async fn a_workshop_seat_is_taken_when_added_and_refused_when_full_even_under_a_rush() {
    let app = TestApp::new().await;
    conference(&app).await;
    let workshop = session_by_title(&app, "Small workshop").await;
    let event_id = event_row(&app, "cal").await.id;
    let ticket = ticket_type::Entity::find().filter(ticket_type::Column::EventId.eq(event_id)).one(app.db()).await.unwrap().unwrap();
    let hash = tribe::domain::accounts::passwords::hash_blocking("a long password").unwrap();
    let mut tokens = Vec::new();
    for i in 0..20 {
        let account = tribe::domain::accounts::insert_user(app.db(), &format!("w{i}@example.org"), "W", hash.clone(), false).await.unwrap();
        let request =
            tribe::domain::registration::CheckedRequest { ticket: ticket.clone(), quantity: 1, role_id: None, answers: Vec::new(), discount: None };
        tribe::domain::registration::register_free(app.db(), &event_row(&app, "cal").await, &account, &request).await.unwrap();
        tokens.push(tribe::domain::accounts::api_tokens::create(app.db(), account.id, "t").await.unwrap().1);
    }
    let client = Arc::new(app.another_instance().await);
    let mut tasks = Vec::new();
    for token in tokens.clone() {
        let client = client.clone();
        let path = format!("/api/me/agenda/{}", workshop.id);
        tasks.push(tokio::spawn(async move { client.put(path).header(bearer(&token)).dispatch().await.status() }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap().code);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 2);
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 18);
    assert_eq!(session::Entity::find_by_id(workshop.id).one(app.db()).await.unwrap().unwrap().seats_taken, 2);

    // Giving a seat back lets the next person in; adding twice takes no second seat.
    let holder = statuses.iter().position(|s| *s == 201).unwrap();
    assert_eq!(app.client.put(format!("/api/me/agenda/{}", workshop.id)).header(bearer(&tokens[holder])).dispatch().await.status(), Status::Ok);
    assert_eq!(
        app.client.delete(format!("/api/me/agenda/{}", workshop.id)).header(bearer(&tokens[holder])).dispatch().await.status(),
        Status::NoContent
    );
    let waiting = statuses.iter().position(|s| *s == 409).unwrap();
    assert_eq!(app.client.put(format!("/api/me/agenda/{}", workshop.id)).header(bearer(&tokens[waiting])).dispatch().await.status(), Status::Created);
    assert_eq!(session::Entity::find_by_id(workshop.id).one(app.db()).await.unwrap().unwrap().seats_taken, 2);
    let mine: Vec<Value> = app.client.get("/api/me/agenda").header(bearer(&tokens[waiting])).dispatch().await.into_json().await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["title"], "Small workshop");
    assert_eq!(mine[0]["time_zone"], "America/New_York");

    // Cancelling the registration empties the agenda and frees the seat.
    let registrations: Vec<Value> =
        app.client.get("/api/me/registrations").header(bearer(&tokens[waiting])).dispatch().await.into_json().await.unwrap();
    let id = registrations[0]["id"].as_i64().unwrap();
    assert_eq!(app.client.delete(format!("/api/registrations/{id}")).header(bearer(&tokens[waiting])).dispatch().await.status(), Status::Ok);
    let mine: Vec<Value> = app.client.get("/api/me/agenda").header(bearer(&tokens[waiting])).dispatch().await.into_json().await.unwrap();
    assert!(mine.is_empty());
    assert_eq!(session::Entity::find_by_id(workshop.id).one(app.db()).await.unwrap().unwrap().seats_taken, 1);
}

#[rocket::async_test]
async fn a_session_file_reads_right_in_icalendar_across_dst_and_follows_edits_and_cancellation() {
    let app = TestApp::new().await;
    conference(&app).await;
    let keynote = session_by_title(&app, "Saturday keynote").await;
    let closing = session_by_title(&app, "Monday closing").await;
    let response = app.client.get(format!("/events/cal/sessions/{}.ics", closing.id)).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type().unwrap().to_string(), "text/calendar; charset=utf-8");
    assert!(response.headers().get_one("Content-Disposition").unwrap().contains("filename=\"monday-closing.ics\""));
    let etag = response.headers().get_one("ETag").unwrap().to_owned();
    let ics = response.into_string().await.unwrap();
    assert_well_formed_ics(&ics);
    let parsed = calendar_check(&ics, "2027-03-01", "2027-04-01");
    assert_eq!(parsed["timezones"], json!(["America/New_York"]));
    let vevent = &parsed["events"][0];
    assert_eq!(vevent["dtstart"], "2027-03-15T20:00:00Z", "16:00 EDT, after the change");
    assert_eq!(vevent["tzid"], "America/New_York");
    assert_eq!(vevent["sequence"], 1);
    assert_eq!(vevent["status"], "CONFIRMED");
    assert!(vevent["location"].as_str().unwrap().starts_with("Hall"));
    assert!(vevent["description"].as_str().unwrap().contains("With Ada Lovelace"));
    let uid = vevent["uid"].as_str().unwrap().to_owned();
    let listed = calendar_clients_read(&ics, 1, "2027-03-01", "2027-04-01");
    assert!(listed[0].starts_with("2027-03-15 21:00 | Monday closing"), "16:00 New York is 21:00 in Berlin: {listed:?}");
    let keynote_ics = app.client.get(format!("/events/cal/sessions/{}.ics", keynote.id)).dispatch().await.into_string().await.unwrap();
    assert_eq!(
        calendar_check(&keynote_ics, "2027-03-01", "2027-04-01")["events"][0]["dtstart"],
        "2027-03-13T14:00:00Z",
        "09:00 EST, before the change"
    );
    let again = app.client.get(format!("/events/cal/sessions/{}.ics", closing.id)).header(Header::new("If-None-Match", etag)).dispatch().await;
    assert_eq!(again.status(), Status::NotModified);

    // An edit keeps the UID and raises SEQUENCE; cancelling keeps it in files as CANCELLED.
    let path = format!("/events/cal/manage/sessions/{}", closing.id);
    let mut edit = fields("Monday closing, moved", "2027-03-15T17:00", "2027-03-15T18:00", "Hall", "");
    post_form(&app.client, &path, &edit).await;
    edit[5] = ("status", "cancelled");
    post_form(&app.client, &path, &edit).await;
    let ics = app.client.get(format!("/events/cal/sessions/{}.ics", closing.id)).dispatch().await.into_string().await.unwrap();
    let vevent = calendar_check(&ics, "2027-03-01", "2027-04-01")["events"][0].clone();
    assert_eq!(vevent["uid"], uid);
    assert_eq!(vevent["sequence"], 3);
    assert_eq!(vevent["status"], "CANCELLED");
    assert_eq!(vevent["dtstart"], "2027-03-15T21:00:00Z");
    let whole = app.client.get("/events/cal/schedule.ics").dispatch().await.into_string().await.unwrap();
    assert_well_formed_ics(&whole);
    let parsed = calendar_check(&whole, "2027-03-01", "2027-04-01");
    let uids: Vec<&str> = parsed["events"].as_array().unwrap().iter().map(|e| e["uid"].as_str().unwrap()).collect();
    assert_eq!(uids.len(), 4, "cancelled sessions stay in the event's file");
    calendar_clients_read(&whole, 4, "2027-03-01", "2027-04-01");
    assert!(uids.contains(&uid.as_str()));
}

#[rocket::async_test]
async fn a_weekly_chat_file_expands_to_the_right_dates_with_skips_moves_and_topics() {
    let app = TestApp::new().await;
    sign_up(&app.client, "host@example.org", "Host", "a long password").await;
    let response = post_form(
        &app.client,
        "/events",
        &[
            ("title", "#hcldr"),
            ("slug", "chat"),
            ("kind", "online_chat"),
            ("time_zone", "America/New_York"),
            ("starts_at", "2027-03-02T20:30"),
            ("ends_at", "2027-04-06T21:30"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    let chat = event_row(&app, "chat").await;
    let starts = tribe::domain::chats::rule_starts(&chat);
    post_form(&app.client, "/events/chat/manage/occurrences", &[("scheduled_start", &starts[1].to_rfc3339()), ("status", "skipped")]).await;
    post_form(
        &app.client,
        "/events/chat/manage/occurrences",
        &[("scheduled_start", &starts[3].to_rfc3339()), ("status", "moved"), ("starts_at", "2027-03-24T19:00")],
    )
    .await;
    post_form(
        &app.client,
        "/events/chat/manage/occurrences",
        &[("scheduled_start", &starts[2].to_rfc3339()), ("status", "scheduled"), ("topics", "Burnout; and rest\nMentors, and sponsors")],
    )
    .await;
    post_form(&app.client, "/events/chat/manage/publish", &[("published", "true")]).await;

    let ics = app.client.get("/events/chat/schedule.ics").dispatch().await.into_string().await.unwrap();
    assert_well_formed_ics(&ics);
    let parsed = calendar_check(&ics, "2027-03-01", "2027-05-01");
    let master = parsed["events"].as_array().unwrap().iter().find(|e| e["rrule"].is_string()).unwrap().clone();
    // No BYDAY: the start's weekday says Tuesday, and calcurse refuses a BYDAY
    // that is another day in its reader's zone (Wednesday in Berlin).
    assert!(master["rrule"].as_str().unwrap().starts_with("FREQ=WEEKLY;UNTIL="), "{master}");
    assert!(!ics.contains("BYDAY"));
    assert_eq!(master["exdates"], json!(["2027-03-10T01:30:00Z"]));
    let starts: Vec<&str> = parsed["occurrences"].as_array().unwrap().iter().map(|o| o["start"].as_str().unwrap()).collect();
    assert_eq!(
        starts,
        ["2027-03-03T01:30:00Z", "2027-03-17T00:30:00Z", "2027-03-24T23:00:00Z", "2027-03-31T00:30:00Z", "2027-04-07T00:30:00Z"],
        "20:30 Eastern on each side of the change, the skip gone, the move moved"
    );
    let with_topics = parsed["occurrences"].as_array().unwrap().iter().find(|o| o["start"] == "2027-03-17T00:30:00Z").unwrap();
    assert!(with_topics["description"].as_str().unwrap().contains("T1: Burnout; and rest\nT2: Mentors, and sponsors"), "{with_topics}");

    // Desktop calendars read it too: calcurse in Berlin and Tokyo, and khal
    // lists each week in Berlin time, the skipped one gone, with its topics.
    let weeks = calendar_clients_read(&ics, 3, "2027-03-01", "2027-05-01");
    let starts: Vec<&str> = weeks.iter().map(|w| w.split(" | ").next().unwrap()).collect();
    assert_eq!(starts, ["2027-03-03 02:30", "2027-03-17 01:30", "2027-03-25 00:00", "2027-03-31 02:30", "2027-04-07 02:30"], "{weeks:#?}");
    assert!(weeks[1].contains("T1: Burnout; and rest / T2: Mentors, and sponsors"), "{weeks:#?}");
}

#[rocket::async_test]
async fn the_personal_feed_needs_no_cookie_follows_the_agenda_and_dies_when_replaced() {
    let app = TestApp::new().await;
    conference(&app).await;
    let browser = registered_attendee(&app, "feed@example.org").await;
    add_via_page(&browser, session_by_title(&app, "Saturday keynote").await.id).await;
    add_via_page(&browser, session_by_title(&app, "Monday closing").await.id).await;
    let page = browser.get("/agenda").dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("/feeds/") && page.contains("Make my calendar address"));
    let feed_link = |page: &str| {
        regex::Regex::new(r#"value="http://127\.0\.0\.1:8000(/feeds/[A-Za-z0-9_-]+\.ics)""#).unwrap().captures(page).expect("a feed link")[1]
            .to_owned()
    };
    let response = post_form(&browser, "/agenda/feed/regenerate", &[]).await;
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().await.unwrap();
    let https = feed_link(&page);
    assert!(page.contains("webcal://127.0.0.1:8000/feeds/"));
    // Shown once: the database holds only its hash.
    let stored = tribe::db::entities::feed_token::Entity::find().one(app.db()).await.unwrap().unwrap();
    let token = https.trim_start_matches("/feeds/").trim_end_matches(".ics");
    assert_eq!(stored.token_hash, tribe::domain::secrets::hash_token(token));
    let page = browser.get("/agenda").dispatch().await.into_string().await.unwrap();
    assert!(!page.contains(token) && page.contains("Make a new address"));

    let calendar_app = app.another_instance().await;
    let response = calendar_app.get(https.clone()).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type().unwrap().to_string(), "text/calendar; charset=utf-8");
    assert!(response.headers().get_one("Cache-Control").unwrap().starts_with("private"));
    let ics = response.into_string().await.unwrap();
    assert_well_formed_ics(&ics);
    let parsed = calendar_check(&ics, "2027-03-01", "2027-04-01");
    let titles: Vec<&str> = parsed["events"].as_array().unwrap().iter().map(|e| e["summary"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Saturday keynote", "Monday closing"]);
    let listed = calendar_clients_read(&ics, 2, "2027-03-01", "2027-04-01");
    assert_eq!(listed.len(), 2, "{listed:?}");

    let response = post_form(&browser, "/agenda/feed/regenerate", &[]).await;
    assert_eq!(response.status(), Status::Ok);
    let renewed = feed_link(&response.into_string().await.unwrap());
    assert_eq!(calendar_app.get(https).dispatch().await.status(), Status::NotFound);
    assert_eq!(calendar_app.get(renewed).dispatch().await.status(), Status::Ok);
    assert_eq!(calendar_app.get("/feeds/not-a-token.ics").dispatch().await.status(), Status::NotFound);
}

/// The feed's answer through the live server: status, Last-Modified, ETag, body.
async fn feed_over_http(http: &reqwest::Client, url: &str) -> (u16, String, String, String) {
    let response = http.get(url).header("accept-encoding", "identity").send().await.unwrap();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let (status, modified, etag) = (response.status().as_u16(), header("last-modified"), header("etag"));
    (status, modified, etag, response.text().await.unwrap())
}

#[rocket::async_test]
async fn a_feed_is_rendered_again_only_when_what_it_shows_changes_and_answered_from_memory_until_then() {
    let app = TestApp::new().await;
    conference(&app).await;
    let browser = registered_attendee(&app, "kept@example.org").await;
    let other = registered_attendee(&app, "other@example.org").await;
    add_via_page(&browser, session_by_title(&app, "Saturday keynote").await.id).await;
    let page = post_form(&browser, "/agenda/feed/regenerate", &[]).await.into_string().await.unwrap();
    let path = regex::Regex::new(r#"value="http://127\.0\.0\.1:8000(/feeds/[A-Za-z0-9_-]+\.ics)""#).unwrap().captures(&page).expect("a feed link")[1]
        .to_owned();
    let server = app.serve().await;
    let http = reqwest::Client::new();
    let url = format!("{}{path}", server.base);

    // Rendered once, then answered from memory with the same bytes and validators.
    let first = feed_over_http(&http, &url).await;
    assert_eq!(first.0, 200);
    let before = server.pages.early_answers();
    assert_eq!(feed_over_http(&http, &url).await, first);
    assert_eq!(server.pages.early_answers(), before + 1, "the second answer came from memory");

    // A change it does not show (someone else's agenda) reads its inputs
    // again but does not render it again: the same Last-Modified a second on.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    add_via_page(&other, session_by_title(&app, "Monday closing").await.id).await;
    assert_eq!(feed_over_http(&http, &url).await, first, "not rendered again for a change it does not show");
    // A change to what it draws on that leaves the file the same (the
    // event's page revision moves with a registration) keeps the file's
    // date too.
    registered_attendee(&app, "third@example.org").await;
    assert_eq!(feed_over_http(&http, &url).await, first, "the same file keeps its Last-Modified");

    // Its owner's change shows at once, and so does the organizer's.
    add_via_page(&browser, session_by_title(&app, "Overlapping talk").await.id).await;
    let grown = feed_over_http(&http, &url).await;
    assert!(grown.3.contains("Overlapping talk") && grown.2 != first.2 && grown.1 != first.1);
    let keynote = session_by_title(&app, "Saturday keynote").await;
    let renamed = fields("Opening keynote", "2027-03-13T09:00", "2027-03-13T10:00", "Hall", "");
    let edit_path = format!("/events/cal/manage/sessions/{}", keynote.id);
    let edit = post_form(&app.client, &edit_path, &renamed).await;
    assert_eq!(edit.status(), Status::SeeOther, "{:?}", edit.into_string().await);
    assert!(feed_over_http(&http, &url).await.3.contains("Opening keynote"), "a schedule change shows at once");

    // A replaced address stops at once, from memory too.
    post_form(&browser, "/agenda/feed/regenerate", &[]).await;
    assert_eq!(feed_over_http(&http, &url).await.0, 404);
}

#[rocket::async_test]
async fn the_ical_crates_parser_reads_what_we_write() {
    use ical::IcalParser;
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    for path in ["/events/hitmc/schedule.ics", "/events/hcldr/schedule.ics"] {
        let ics = app.client.get(path).dispatch().await.into_string().await.unwrap();
        assert_well_formed_ics(&ics);
        let calendars: Vec<_> = IcalParser::new(std::io::BufReader::new(ics.as_bytes())).collect();
        assert_eq!(calendars.len(), 1);
        let calendar = calendars.into_iter().next().unwrap().expect("parses");
        assert!(!calendar.events.is_empty() && calendar.timezones.len() == 1);
        for vevent in &calendar.events {
            let names: Vec<&str> = vevent.properties.iter().map(|p| p.name.as_str()).collect();
            for required in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "SEQUENCE", "STATUS"] {
                assert!(names.contains(&required), "{path}: {required} missing");
            }
        }
    }
    let response = app.client.get("/events/hitmc/schedule.ics").header(ContentType::Any).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
}

/// Property-based: generated Unicode titles and descriptions (emoji,
/// combining marks, long lines, `;,\:` and newlines) go through a calendar
/// file and come back from Python's icalendar exactly as they went in.
#[rocket::async_test]
async fn arbitrary_unicode_text_survives_icalendar_unchanged() {
    use chrono::{Duration, TimeZone, Utc};
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = ("[\\PC;,\\\\:\u{1F600}-\u{1F64F}\u{0300}-\u{036F}]{1,150}", "(\\PC|[\n;,\\\\:]){0,400}");
    let mut cases: Vec<(String, String)> = (0..80).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect();
    cases.push((":colon first; then, commas \\ and a backslash".into(), ":\n\nblank lines\n\n".into()));
    cases.push(("e\u{301}\u{301}\u{301} combining ".repeat(20), "🙂".repeat(100)));
    let at = Utc.with_ymd_and_hms(2027, 3, 13, 15, 0, 0).unwrap();
    let event = event::Model {
        id: 1,
        slug: "prop".into(),
        title: "Prop".into(),
        description: String::new(),
        kind: tribe::db::entities::event::EventKind::Conference,
        time_zone: "America/New_York".into(),
        starts_at: at,
        ends_at: at + Duration::days(1),
        venue_name: None,
        venue_address: None,
        venue_map_url: None,
        online_url: None,
        hashtag: None,
        capacity: None,
        is_published: true,
        recurrence_rule: None,
        recurrence_local_time: None,
        recurrence_minutes: None,
        host_name: None,
        revision: 1,
        created_at: at,
        updated_at: at,
        seats_taken: 0,
        cancel_until: None,
        tribe_size: 6,
        chat_opening_message: String::new(),
        chat_message_limit: 500,
        chat_opens_minutes_before: 15,
        page_revision: 0,
        people_revision: 0,
        day_change_minutes: 0,
    };
    let sessions: Vec<tribe::domain::schedule::ScheduledSession> = cases
        .iter()
        .enumerate()
        .map(|(i, (title, text))| tribe::domain::schedule::ScheduledSession {
            session: session::Model {
                id: i as i32 + 1,
                event_id: 1,
                guid: format!("case-{i}"),
                title: title.clone(),
                r#abstract: text.clone(),
                track_id: None,
                room_id: None,
                starts_at: at + Duration::hours(i as i64),
                ends_at: at + Duration::hours(i as i64 + 1),
                capacity: None,
                status: tribe::db::entities::session::SessionStatus::Published,
                language: "en".into(),
                tags: String::new(),
                revision: 1,
                created_at: at,
                updated_at: at,
                seats_taken: 0,
            },
            room: None,
            track: None,
            speakers: Vec::new(),
        })
        .collect();
    let pairs: Vec<(&event::Model, &tribe::domain::schedule::ScheduledSession)> = sessions.iter().map(|s| (&event, s)).collect();
    let ics = tribe::domain::schedule::calendar::sessions_calendar("prop", &pairs, "https://tribe.example");
    assert_well_formed_ics(&ics);
    let parsed = calendar_check(&ics, "2027-03-01", "2027-04-01");
    let events = parsed["events"].as_array().unwrap();
    assert_eq!(events.len(), cases.len());
    // TEXT cannot carry bare CR or other control characters; Tribe writes CR as a newline and drops the rest.
    let shown = |text: &str| -> String {
        text.replace("\r\n", "\n").replace('\r', "\n").chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
    };
    for (i, (title, text)) in cases.iter().enumerate() {
        let found = events.iter().find(|e| e["uid"].as_str().unwrap().contains(&format!("-case-{i}@"))).expect("each case is there");
        assert_eq!(found["summary"].as_str().unwrap(), shown(title), "case {i}");
        let description = found["description"].as_str().unwrap();
        assert!(description.starts_with(shown(text).trim()), "case {i}: {:?} vs {:?}", shown(text), description);
    }
}

#[rocket::async_test]
async fn feed_addresses_made_before_tokens_were_hashed_keep_working() {
    use migrations::MigratorTrait;
    use sea_orm::ConnectionTrait;
    let app = TestApp::new().await;
    conference(&app).await;
    let browser = registered_attendee(&app, "old-feed@example.org").await;
    let owner = tribe::domain::accounts::find_by_email(app.db(), "old-feed@example.org").await.unwrap().unwrap();
    // Back to before the hashing migration (however many came after it),
    // with a token stored as it was then.
    let since_hashing = migrations::Migrator::migrations().iter().rev().position(|m| m.name() == "m20261130_000022_hash_feed_tokens").unwrap();
    migrations::Migrator::down(app.db(), Some(since_hashing as u32 + 1)).await.unwrap();
    let insert = app.db().get_database_backend().build(
        sea_orm::sea_query::Query::insert()
            .into_table(sea_orm::sea_query::Alias::new("feed_tokens"))
            .columns(["user_id", "token", "created_at"].map(sea_orm::sea_query::Alias::new))
            .values_panic([owner.id.into(), "an-old-plain-token".into(), chrono::Utc::now().into()]),
    );
    app.db().execute_raw(insert).await.unwrap();
    migrations::Migrator::up(app.db(), None).await.unwrap();
    let stored = tribe::db::entities::feed_token::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!(stored.token_hash, tribe::domain::secrets::hash_token("an-old-plain-token"), "stored as its hash");
    let response = browser.get("/feeds/an-old-plain-token.ics").dispatch().await;
    assert_eq!(response.status(), Status::Ok, "the calendar app's old address still works");
}
