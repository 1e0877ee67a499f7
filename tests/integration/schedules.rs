use rocket::http::{ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use tribe::db::entities::{event, session};

use crate::support::*;

async fn sessions_of(app: &TestApp, slug: &str) -> Vec<session::Model> {
    let found = event::Entity::find().filter(event::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap();
    session::Entity::find().filter(session::Column::EventId.eq(found.id)).all(app.db()).await.unwrap()
}

async fn event_row(app: &TestApp, slug: &str) -> event::Model {
    event::Entity::find().filter(event::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap()
}

pub(crate) fn session_fields<'a>(title: &'a str, start: &'a str, end: &'a str, room: &'a str, speakers: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("title", title), ("starts_at", start), ("ends_at", end), ("room", room), ("speakers", speakers), ("status", "published")]
}

#[rocket::async_test]
async fn an_organizer_creates_an_event_that_stays_private_until_published() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "spring-summit", "conference").await;
    let manage = app.client.get("/events/spring-summit/manage").dispatch().await;
    assert_eq!(manage.status(), Status::Ok);

    let outsider = app.another_instance().await;
    assert_eq!(outsider.get("/events/spring-summit").dispatch().await.status(), Status::NotFound);
    assert_eq!(outsider.get("/events/spring-summit/schedule.json").dispatch().await.status(), Status::NotFound);
    assert!(!outsider.get("/").dispatch().await.into_string().await.unwrap().contains("Test Conference"));

    assert_eq!(post_form(&app.client, "/events/spring-summit/manage/publish", &[("published", "true")]).await.status(), Status::SeeOther);
    assert_eq!(outsider.get("/events/spring-summit").dispatch().await.status(), Status::Ok);
    assert!(outsider.get("/").dispatch().await.into_string().await.unwrap().contains("Test Conference"));
}

#[rocket::async_test]
async fn the_event_form_explains_bad_slugs_zones_and_dates_and_keeps_the_input() {
    let app = TestApp::new().await;
    sign_up(&app.client, "org@example.org", "Org", "a long password").await;
    let response = post_form(
        &app.client,
        "/events",
        &[
            ("title", "My <b>Event</b>"),
            ("slug", "Bad Slug!"),
            ("kind", "conference"),
            ("time_zone", "Mars/Olympus"),
            ("starts_at", "2027-03-15T09:00"),
            ("ends_at", "2027-03-13T09:00"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("Use lower-case letters, digits and single hyphens"));
    assert!(page.contains("Type a city and pick it from the list"));
    assert!(page.contains("value=\"My &lt;b&gt;Event&lt;/b&gt;\""), "the title typed is kept, escaped");

    organizer_with_event(&app.another_instance().await, "other@example.org", "taken", "meetup").await;
    let response = post_form(
        &app.client,
        "/events",
        &[
            ("title", "Mine"),
            ("slug", "taken"),
            ("kind", "meetup"),
            ("time_zone", "UTC"),
            ("starts_at", "2027-03-13T09:00"),
            ("ends_at", "2027-03-13T18:00"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("Another event already uses this address."));
}

#[rocket::async_test]
async fn organizers_of_one_event_cannot_touch_another() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "a@example.org", "event-a", "conference").await;
    post_form(&app.client, "/events/event-a/manage/publish", &[("published", "true")]).await;
    let other = app.another_instance().await;
    organizer_with_event(&other, "b@example.org", "event-b", "conference").await;

    assert_eq!(other.get("/events/event-a/manage").dispatch().await.status(), Status::Forbidden);
    assert_eq!(post_form(&other, "/events/event-a/manage/rooms", &[("room_name", "Hijack")]).await.status(), Status::Forbidden);
    assert_eq!(post_form(&other, "/events/event-a/manage/publish", &[("published", "false")]).await.status(), Status::Forbidden);
    // An unpublished event does not even admit it exists.
    assert_eq!(app.client.get("/events/event-b/manage").dispatch().await.status(), Status::NotFound);
    assert!(event_row(&app, "event-a").await.is_published);

    // Staff may not manage either.
    join_team(&app, &app.client, "event-a", "b@example.org", "staff").await;
    assert_eq!(other.get("/events/event-a/manage").dispatch().await.status(), Status::Forbidden);
    // Anonymous visitors are sent to log in.
    let anonymous = app.another_instance().await;
    let response = anonymous.get("/events/event-a/manage").dispatch().await;
    assert_eq!(response.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn the_last_organizer_cannot_leave_the_team() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "a@example.org", "solo", "conference").await;
    let me = tribe::domain::accounts::find_by_email(app.db(), "a@example.org").await.unwrap().unwrap();
    let path = format!("/events/solo/manage/team/{}/delete", me.id);
    let response = post_form(&app.client, &path, &[]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("at least one organizer"));
    // Inviting answers the same whether the address has an account.
    let response = post_form(&app.client, "/events/solo/manage/team", &[("email", "nobody@example.org"), ("role", "staff")]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let page = app.client.get("/events/solo/manage/team").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Invitation sent to nobody@example.org") && page.contains("not answered yet"));
}

#[rocket::async_test]
async fn sessions_must_end_after_they_start_and_fall_within_the_event() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "rules", "conference").await;
    let (status, page) = add_session(&app.client, "rules", &session_fields("Backwards", "2027-03-13T10:00", "2027-03-13T09:00", "", "")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("The end must be after the start."));
    assert!(page.contains("value=\"Backwards\""));
    let (status, page) = add_session(&app.client, "rules", &session_fields("Too late", "2027-03-16T10:00", "2027-03-16T11:00", "", "")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("must fall within the event&#x27;s days") || page.contains("must fall within the event's days"), "{page}");
    let (status, _) = add_session(&app.client, "rules", &session_fields("Fine", "2027-03-15T17:00", "2027-03-15T18:00", "", "")).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(sessions_of(&app, "rules").await.len(), 1);
}

#[rocket::async_test]
async fn a_room_or_a_speaker_in_two_places_at_once_is_refused_naming_the_other_session() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "clashes", "conference").await;
    sign_up(&app.another_instance().await, "speaker@example.org", "Sam Speaker", "a long password").await;
    // A speaker is linked by email once they are at the event (here: on its team).
    join_team(&app, &app.client, "clashes", "speaker@example.org", "staff").await;
    add_room(&app.client, "clashes", "Salon A").await;
    add_room(&app.client, "clashes", "Salon B").await;
    let (status, _) = add_session(
        &app.client,
        "clashes",
        &session_fields("Opening", "2027-03-13T10:00", "2027-03-13T11:00", "Salon A", "speaker@example.org\nDr. Free Text"),
    )
    .await;
    assert_eq!(status, Status::SeeOther);

    let (status, page) = add_session(&app.client, "clashes", &session_fields("Overlap", "2027-03-13T10:30", "2027-03-13T11:30", "Salon A", "")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("Salon A is already booked for “Opening”"), "{page}");

    let (status, page) =
        add_session(&app.client, "clashes", &session_fields("Elsewhere", "2027-03-13T10:45", "2027-03-13T11:15", "Salon B", "Speaker@Example.org"))
            .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("Sam Speaker is already speaking in “Opening”"), "{page}");
    let (status, page) =
        add_session(&app.client, "clashes", &session_fields("Elsewhere", "2027-03-13T10:45", "2027-03-13T11:15", "Salon B", "dr. free text")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("is already speaking in “Opening”"));

    // Back to back is fine; so is a clash with a cancelled session.
    let (status, _) =
        add_session(&app.client, "clashes", &session_fields("Next", "2027-03-13T11:00", "2027-03-13T12:00", "Salon A", "speaker@example.org")).await;
    assert_eq!(status, Status::SeeOther);
    let mut cancelled = session_fields("Cancelled one", "2027-03-13T13:00", "2027-03-13T14:00", "Salon B", "");
    cancelled[5] = ("status", "cancelled");
    add_session(&app.client, "clashes", &cancelled).await;
    let (status, _) =
        add_session(&app.client, "clashes", &session_fields("Replacement", "2027-03-13T13:00", "2027-03-13T14:00", "Salon B", "")).await;
    assert_eq!(status, Status::SeeOther);
}

#[rocket::async_test]
async fn editing_a_session_bumps_its_revision_and_the_exports_follow() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "revisions", "conference").await;
    post_form(&app.client, "/events/revisions/manage/publish", &[("published", "true")]).await;
    add_session(&app.client, "revisions", &session_fields("Talk", "2027-03-13T10:00", "2027-03-13T11:00", "", "")).await;
    let id = db_session_id("Talk", &sessions_of(&app, "revisions").await);

    let first = app.client.get("/events/revisions/schedule.json").dispatch().await;
    assert_eq!(first.status(), Status::Ok);
    let etag = first.headers().get_one("ETag").unwrap().to_owned();
    let last_modified = first.headers().get_one("Last-Modified").unwrap().to_owned();
    let again = app.client.get("/events/revisions/schedule.json").header(Header::new("If-None-Match", etag.clone())).dispatch().await;
    assert_eq!(again.status(), Status::NotModified);
    assert!(again.into_string().await.unwrap_or_default().is_empty());
    let since = app.client.get("/events/revisions/schedule.json").header(Header::new("If-Modified-Since", last_modified)).dispatch().await;
    assert_eq!(since.status(), Status::NotModified);

    let revision_before = event_row(&app, "revisions").await.revision;
    let path = format!("/events/revisions/manage/sessions/{id}");
    let response = post_form(&app.client, &path, &session_fields("Talk, renamed", "2027-03-13T10:00", "2027-03-13T11:00", "", "")).await;
    assert_eq!(response.status(), Status::SeeOther);
    let edited = session::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(edited.revision, 2);
    assert!(event_row(&app, "revisions").await.revision > revision_before);

    let changed = app.client.get("/events/revisions/schedule.json").header(Header::new("If-None-Match", etag.clone())).dispatch().await;
    assert_eq!(changed.status(), Status::Ok);
    assert_ne!(changed.headers().get_one("ETag").unwrap(), etag);
    assert!(changed.into_string().await.unwrap().contains("Talk, renamed"));
}

pub(crate) fn validate_json_export(body: &str) {
    let schema: Value = serde_json::from_str(include_str!("../fixtures/frab/schedule.schema.json")).unwrap();
    let document: Value = serde_json::from_str(body).unwrap();
    let validator = jsonschema::draft6::options().should_validate_formats(true).build(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(&document).map(|e| format!("{} at {}", e, e.instance_path())).take(10).collect();
    assert!(errors.is_empty(), "schedule.json does not validate: {errors:#?}");
}

pub(crate) fn validate_xml_export(body: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schedule.xml");
    std::fs::write(&file, body).unwrap();
    let xsd = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/frab/schedule.xml.xsd");
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", xsd])
        .arg(&file)
        .output()
        .expect("xmllint runs (Debian package libxml2-utils; .ci/run installs it)");
    assert!(output.status.success(), "schedule.xml does not validate: {}", String::from_utf8_lossy(&output.stderr));
}

#[rocket::async_test]
async fn the_frab_exports_validate_against_the_published_schemas() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    for slug in ["hitmc", "hcsm-boston", "hcldr"] {
        let json = app.client.get(format!("/events/{slug}/schedule.json")).dispatch().await;
        assert_eq!(json.status(), Status::Ok);
        assert_eq!(json.content_type(), Some(ContentType::JSON));
        validate_json_export(&json.into_string().await.unwrap());
        let xml = app.client.get(format!("/events/{slug}/schedule.xml")).dispatch().await;
        assert_eq!(xml.status(), Status::Ok);
        assert!(xml.content_type().unwrap().to_string().starts_with("application/xml"));
        validate_xml_export(&xml.into_string().await.unwrap());
    }
    let xml = app.client.get("/events/hitmc/schedule.xml").dispatch().await.into_string().await.unwrap();
    assert_eq!(xml.matches("<event guid=").count(), 63);
    assert!(xml.contains("<time_zone_name>America/New_York</time_zone_name>"));
}

#[rocket::async_test]
async fn hostile_titles_survive_the_exports_escaped_and_valid() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "hostile", "conference").await;
    post_form(&app.client, "/events/hostile/manage/publish", &[("published", "true")]).await;
    let title = "<script>alert(1)</script> & \"quotes\" ' \u{1F600} — Ünïcödé";
    let (status, _) =
        add_session(&app.client, "hostile", &session_fields(title, "2027-03-13T10:00", "2027-03-13T11:00", "", "<b>Evil</b> & Co")).await;
    assert_eq!(status, Status::SeeOther);
    let xml = app.client.get("/events/hostile/schedule.xml").dispatch().await.into_string().await.unwrap();
    validate_xml_export(&xml);
    assert!(xml.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &apos; \u{1F600}"));
    let json = app.client.get("/events/hostile/schedule.json").dispatch().await.into_string().await.unwrap();
    validate_json_export(&json);
    let page = app.client.get("/events/hostile/schedule").dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("<script>alert(1)"));
}

#[rocket::async_test]
async fn a_frab_export_imported_into_a_new_event_exports_the_same_schedule() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let original = app.client.get("/events/hitmc/schedule.xml").dispatch().await.into_string().await.unwrap();

    organizer_with_event(&app.client, "copier@example.org", "hitmc-copy", "conference").await;
    let target = event_row(&app, "hitmc-copy").await;
    let report = tribe::domain::schedule::frab::import::import(app.db(), &target, &original).await.unwrap();
    assert_eq!(report.created, 63);
    assert_eq!(report.rooms_created, 4);
    let again = tribe::domain::schedule::frab::import::import(app.db(), &event_row(&app, "hitmc-copy").await, &original).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 63), "re-import updates, never duplicates");
    assert_eq!(sessions_of(&app, "hitmc-copy").await.len(), 63);

    post_form(&app.client, "/events/hitmc-copy/manage/publish", &[("published", "true")]).await;
    let copy = app.client.get("/events/hitmc-copy/schedule.json").dispatch().await.into_string().await.unwrap();
    let source = app.client.get("/events/hitmc/schedule.json").dispatch().await.into_string().await.unwrap();
    let summarize = |doc: &str| -> Vec<(String, String, String, String, Vec<String>)> {
        let doc: Value = serde_json::from_str(doc).unwrap();
        let mut all = Vec::new();
        for day in doc["schedule"]["conference"]["days"].as_array().unwrap() {
            for (room, events) in day["rooms"].as_object().unwrap() {
                for e in events.as_array().unwrap() {
                    let persons = e["persons"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect();
                    all.push((
                        e["guid"].as_str().unwrap().to_owned(),
                        e["title"].as_str().unwrap().to_owned(),
                        room.clone(),
                        e["date"].as_str().unwrap().to_owned(),
                        persons,
                    ));
                }
            }
        }
        all.sort();
        all
    };
    assert_eq!(summarize(&copy), summarize(&source));
}

const LIBERAL_FRAB: &str = r##"<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <version>Sunset 1.2</version>
  <conference>
    <acronym>fosdem-ish</acronym>
    <title>Something Like FOSDEM</title>
    <start>2027-03-13</start>
    <end>2027-03-14</end>
    <days>2</days>
    <day_change>09:00</day_change>
    <timeslot_duration>00:05</timeslot_duration>
    <track name="Rust" color="#ff0000"/>
  </conference>
  <day index="1" date="2027-03-13" start="2027-03-13T09:00:00" end="2027-03-13T19:00:00">
    <room name="Janson">
      <event id="1001" guid="ZGVjYWZiYWQ=">
        <date>2027-03-13T09:30:00</date>
        <start>09:30</start>
        <duration>00:25</duration>
        <room>Janson</room>
        <slug>Odd_Slug!!</slug>
        <title>Welcome &amp; opening</title>
        <subtitle/>
        <track>Rust</track>
        <type>keynote</type>
        <language>EN</language>
        <abstract>Hello</abstract>
        <description>&lt;p&gt;Longer text&lt;/p&gt;</description>
        <feedback_url>https://example.org/feedback</feedback_url>
        <video_cut>true</video_cut>
        <persons><person id="7">Ada Lovelace</person><person id="8">Grace Hopper</person></persons>
        <links><link href="https://example.org">site</link></links>
      </event>
      <event id="1002">
        <start>11:00</start>
        <duration>0:50:00</duration>
        <title>No guid, no date, no room element</title>
        <track>Databases</track>
      </event>
    </room>
    <room name="K.1.105">
      <event guid="1c2ea5d9-3c5a-4f59-9b4e-6d6d0c8a7a11" id="1003">
        <date>2027-03-13T10:00:00+01:00</date>
        <duration>bogus</duration>
        <title>Offset given, duration unreadable</title>
      </event>
    </room>
  </day>
</schedule>
"##;

#[rocket::async_test]
async fn the_importer_reads_what_real_software_writes_and_says_what_it_assumed() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "liberal", "conference").await;
    let report = tribe::domain::schedule::frab::import::import(app.db(), &event_row(&app, "liberal").await, LIBERAL_FRAB).await.unwrap();
    assert_eq!(report.created, 3);
    assert_eq!(report.rooms_created, 2);
    assert_eq!(report.tracks_created, 2);
    let assumed = report.assumptions.join("\n");
    assert!(assumed.contains("names no time zone") && assumed.contains("America/New_York"), "{assumed}");
    assert!(assumed.contains("1 session(s) had no guid"), "{assumed}");
    assert!(assumed.contains("30 minutes was assumed"), "{assumed}");

    let sessions = sessions_of(&app, "liberal").await;
    let welcome = sessions.iter().find(|s| s.title == "Welcome & opening").unwrap();
    assert_eq!(welcome.guid, "ZGVjYWZiYWQ=");
    assert_eq!(welcome.starts_at.to_rfc3339(), "2027-03-13T14:30:00+00:00", "09:30 read in the event's zone (EST)");
    assert_eq!((welcome.ends_at - welcome.starts_at).num_minutes(), 25);
    assert_eq!(welcome.language, "en");
    let speakers = tribe::domain::schedule::sessions::speakers_of(app.db(), welcome.id).await.unwrap();
    assert_eq!(speakers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Ada Lovelace", "Grace Hopper"]);
    let dateless = sessions.iter().find(|s| s.title.starts_with("No guid")).unwrap();
    assert_eq!(dateless.starts_at.to_rfc3339(), "2027-03-13T16:00:00+00:00");
    assert_eq!((dateless.ends_at - dateless.starts_at).num_minutes(), 50);
    let offset = sessions.iter().find(|s| s.title.starts_with("Offset")).unwrap();
    assert_eq!(offset.starts_at.to_rfc3339(), "2027-03-13T09:00:00+00:00");

    // The export of what was imported is strict again.
    post_form(&app.client, "/events/liberal/manage/publish", &[("published", "true")]).await;
    validate_xml_export(&app.client.get("/events/liberal/schedule.xml").dispatch().await.into_string().await.unwrap());
    validate_json_export(&app.client.get("/events/liberal/schedule.json").dispatch().await.into_string().await.unwrap());

    let again = tribe::domain::schedule::frab::import::import(app.db(), &event_row(&app, "liberal").await, LIBERAL_FRAB).await.unwrap();
    assert_eq!(again.unchanged, 3);
}

#[rocket::async_test]
async fn a_malformed_file_is_refused_with_its_line_and_nothing_is_half_imported() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "strict", "conference").await;
    let broken = LIBERAL_FRAB.replace("<title>No guid, no date, no room element</title>", "<title>Unclosed");
    let error = tribe::domain::schedule::frab::import::import(app.db(), &event_row(&app, "strict").await, &broken).await.unwrap_err();
    let message = format!("{:?}", error);
    assert!(message.contains("line "), "{message}");
    let untitled = LIBERAL_FRAB.replace("<title>Offset given, duration unreadable</title>", "");
    let error = tribe::domain::schedule::frab::import::import(app.db(), &event_row(&app, "strict").await, &untitled).await.unwrap_err();
    assert!(format!("{error:?}").contains("line 42: this <event> has no <title>"), "{error:?}");
    assert_eq!(sessions_of(&app, "strict").await.len(), 0, "the good sessions before the bad one were not kept");
    let rooms = tribe::domain::events::places::rooms(app.db(), event_row(&app, "strict").await.id).await.unwrap();
    assert!(rooms.is_empty());

    // The upload form says the same, with the CSRF token required.
    let token = csrf(&app.client).await;
    let boundary = "XBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.xml\"\r\nContent-Type: application/xml\r\n\r\n{broken}\r\n--{boundary}--\r\n"
    );
    let response = app
        .client
        .post("/events/strict/manage/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(body.clone())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("line "));
    let forged = body.replace(&token, "forged");
    let response = app
        .client
        .post("/events/strict/manage/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(forged)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn the_upload_form_imports_a_file_and_reports_it() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "upload", "conference").await;
    let token = csrf(&app.client).await;
    let boundary = "XBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.xml\"\r\nContent-Type: application/xml\r\n\r\n{LIBERAL_FRAB}\r\n--{boundary}--\r\n"
    );
    let response = app
        .client
        .post("/events/upload/manage/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(body)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("Imported: 3 new"), "{page}");
    assert!(page.contains("the file names no time zone"));
}

#[rocket::async_test]
async fn times_are_right_on_both_sides_of_a_daylight_saving_change() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "dst", "conference").await;
    post_form(&app.client, "/events/dst/manage/publish", &[("published", "true")]).await;
    // US clocks go forward on Sunday 2027-03-14 at 02:00.
    add_session(&app.client, "dst", &session_fields("Saturday", "2027-03-13T10:00", "2027-03-13T11:00", "", "")).await;
    add_session(&app.client, "dst", &session_fields("Monday", "2027-03-15T10:00", "2027-03-15T11:00", "", "")).await;
    let sessions = sessions_of(&app, "dst").await;
    let saturday = sessions.iter().find(|s| s.title == "Saturday").unwrap();
    let monday = sessions.iter().find(|s| s.title == "Monday").unwrap();
    assert_eq!(saturday.starts_at.to_rfc3339(), "2027-03-13T15:00:00+00:00");
    assert_eq!(monday.starts_at.to_rfc3339(), "2027-03-15T14:00:00+00:00");

    let json: Value = serde_json::from_str(&app.client.get("/events/dst/schedule.json").dispatch().await.into_string().await.unwrap()).unwrap();
    let dates: Vec<String> = json["schedule"]["conference"]["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| {
            d["rooms"]
                .as_object()
                .unwrap()
                .values()
                .flat_map(|r| r.as_array().unwrap().iter().map(|e| e["date"].as_str().unwrap().to_owned()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(dates, ["2027-03-13T10:00:00-05:00", "2027-03-15T10:00:00-04:00"]);

    // Both read 10:00 on the clocks of New York, an hour apart in UTC.
    let page = app.client.get(format!("/events/dst/sessions/{}", monday.id)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains(r#"<time datetime="2027-03-15T14:00:00+00:00" data-end="2027-03-15T15:00:00+00:00" data-zone="America/New_York">Mon 15 Mar, 10:00–11:00</time>"#), "{page}");
    let page = app.client.get(format!("/events/dst/sessions/{}", saturday.id)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains(r#"<time datetime="2027-03-13T15:00:00+00:00" data-end="2027-03-13T16:00:00+00:00" data-zone="America/New_York">Sat 13 Mar, 10:00–11:00</time>"#));
}

#[rocket::async_test]
async fn a_weekly_chat_shows_its_next_occurrence_topics_and_skipped_weeks_at_the_same_local_time_across_dst() {
    let app = TestApp::new().await;
    sign_up(&app.client, "host@example.org", "Host", "a long password").await;
    let response = post_form(
        &app.client,
        "/events",
        &[
            ("title", "#hcldr chat"),
            ("slug", "weekly"),
            ("kind", "online_chat"),
            ("time_zone", "America/New_York"),
            ("starts_at", "2027-03-02T20:30"),
            ("ends_at", "2027-04-30T21:30"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    let chat = event_row(&app, "weekly").await;
    assert_eq!(chat.recurrence_rule.as_deref(), Some("FREQ=WEEKLY;BYDAY=TU"));
    let starts = tribe::domain::chats::rule_starts(&chat);
    let utc: Vec<String> = starts.iter().take(3).map(|s| s.to_rfc3339()).collect();
    assert_eq!(
        utc,
        ["2027-03-03T01:30:00+00:00", "2027-03-10T01:30:00+00:00", "2027-03-17T00:30:00+00:00"],
        "20:30 Eastern before and after the change"
    );
    assert_eq!(starts.len(), 9);

    let week2 = starts[1].to_rfc3339();
    let response =
        post_form(&app.client, "/events/weekly/manage/occurrences", &[("scheduled_start", &week2), ("status", "skipped"), ("topics", "")]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let week3 = starts[2].to_rfc3339();
    let topics = "Leading through change | How do you lead through change?\nBurnout\nMentors\nWins";
    let response =
        post_form(&app.client, "/events/weekly/manage/occurrences", &[("scheduled_start", &week3), ("status", "scheduled"), ("topics", topics)])
            .await;
    assert_eq!(response.status(), Status::SeeOther);

    let occurrences = tribe::domain::chats::occurrences(app.db(), &event_row(&app, "weekly").await).await.unwrap();
    assert_eq!(occurrences[1].status.to_string(), "skipped");
    assert_eq!(occurrences[2].topics.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(), ["T1", "T2", "T3", "T4"]);
    assert_eq!(occurrences[2].topics[0].question, "How do you lead through change?");

    post_form(&app.client, "/events/weekly/manage/publish", &[("published", "true")]).await;
    let page = app.client.get("/events/weekly").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Every Tuesday at 20:30 New York time"));
    assert!(page.contains("no chat this week") || page.contains("Next chat"));
}

#[rocket::async_test]
async fn the_schedule_filters_by_track_and_tag_and_shows_a_room_grid() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let hitmc = event_row(&app, "hitmc").await;
    let tracks = tribe::domain::events::places::tracks(app.db(), hitmc.id).await.unwrap();
    let leadership = tracks.iter().find(|t| t.name == "Leadership").unwrap();
    let all = app.client.get("/events/hitmc/schedule?day=all").dispatch().await.into_string().await.unwrap();
    let filtered = app.client.get(format!("/events/hitmc/schedule?day=all&track={}", leadership.id)).dispatch().await.into_string().await.unwrap();
    let count = |page: &str| page.matches("class=\"session-card").count();
    assert_eq!(count(&all), 63);
    let expected = sessions_of(&app, "hitmc").await.iter().filter(|s| s.track_id == Some(leadership.id)).count();
    assert_eq!(count(&filtered), expected);
    assert!(expected > 0 && expected < 63);

    let tagged = sessions_of(&app, "hitmc").await.iter().filter(|s| s.tags.split(',').any(|t| t == "ai")).count();
    let by_tag = app.client.get("/events/hitmc/schedule?day=all&tag=%23AI").dispatch().await.into_string().await.unwrap();
    assert_eq!(count(&by_tag), tagged);

    // A search finds sessions by title or speaker, every word of it.
    let sessions = sessions_of(&app, "hitmc").await;
    let by_search = app.client.get("/events/hitmc/schedule?day=all&q=Day+keynote").dispatch().await.into_string().await.unwrap();
    assert_eq!(count(&by_search), sessions.iter().filter(|s| s.title.contains("Day") && s.title.to_lowercase().contains("keynote")).count());
    assert_eq!(count(&by_search), 3, "one keynote a day");
    let by_speaker = app.client.get("/events/hitmc/schedule?day=all&q=dev+nguyen").dispatch().await.into_string().await.unwrap();
    assert!(count(&by_speaker) >= 1 && by_speaker.contains("Dev Nguyen"));
    assert_eq!(count(&app.client.get("/events/hitmc/schedule?day=all&q=zzzz").dispatch().await.into_string().await.unwrap()), 0);

    // A three-day conference opens on one day, with a tab per day and one for all of them.
    // (Handlebars writes "=" in attributes as "&#x3D;".)
    let first = app.client.get("/events/hitmc/schedule").dispatch().await.into_string().await.unwrap().replace("&#x3D;", "=");
    let days = tribe::domain::schedule::load(app.db(), &hitmc, tribe::domain::schedule::Scope::Published).await.unwrap().days();
    let on_first = sessions.iter().filter(|s| s.starts_at.with_timezone(&chrono_tz::America::New_York).date_naive() == days[0].date).count();
    assert_eq!(count(&first), on_first);
    assert!(on_first > 0 && on_first < 63);
    assert_eq!(first.matches(r#"<a href="/events/hitmc/schedule?day="#).count(), 4, "three days and all of them");
    assert!(first.contains(&format!(r#"<a href="/events/hitmc/schedule?day={}" aria-current="page">"#, days[0].date)));
    // Sessions that start together sit together under their time; the card
    // says how long it runs, and the page says once how to save sessions.
    let mut starts: Vec<_> = sessions
        .iter()
        .filter(|s| s.starts_at.with_timezone(&chrono_tz::America::New_York).date_naive() == days[0].date)
        .map(|s| s.starts_at)
        .collect();
    starts.sort();
    starts.dedup();
    assert_eq!(first.matches(r#"<div class="time-slot">"#).count(), starts.len());
    assert!(starts.len() < on_first, "parallel sessions share a slot");
    assert!(first.contains(r#"<p class="session-when">45 min · "#));
    assert_eq!(first.matches("Log in to save").count(), 1, "one invitation to log in, not one per card");
    assert!(!first.contains(r#"class="agenda-login""#));
    let second = app.client.get(format!("/events/hitmc/schedule?day={}", days[1].date)).dispatch().await.into_string().await.unwrap();
    assert!(
        count(&second) > 0 && !second.contains(&format!(r#"id="s{}""#, sessions.iter().find(|s| s.title.starts_with("Day 1 keynote")).unwrap().id))
    );

    let grid = app.client.get("/events/hitmc/schedule?view=grid&day=all").dispatch().await.into_string().await.unwrap();
    assert_eq!(grid.matches("<table class=\"schedule-grid\">").count(), 3, "one grid per day");
    assert!(grid.contains("<th scope=\"col\">Workshop Room</th>"));
    assert!(grid.contains("rowspan=\"3\""), "45-minute sessions span three 15-minute rows");
    assert_eq!(count(&grid), 63);
}

#[rocket::async_test]
async fn logged_in_viewers_see_times_in_their_own_zone_too() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    sign_up(&app.client, "west@example.org", "West Coast", "a long password").await;
    let me = tribe::domain::accounts::find_by_email(app.db(), "west@example.org").await.unwrap().unwrap();
    let at = tribe::domain::now();
    tribe::db::entities::profile::ActiveModel {
        user_id: Set(me.id),
        time_zone: Set(Some("America/Los_Angeles".into())),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
    let keynote = sessions_of(&app, "hitmc").await.into_iter().find(|s| s.title.starts_with("Day 1 keynote")).unwrap();
    let page = app.client.get(format!("/events/hitmc/sessions/{}", keynote.id)).dispatch().await.into_string().await.unwrap();
    let theirs_first = regex::Regex::new(
        r#">\w{3} \d{1,2} \w{3}, 06:00–\d\d:\d\d</time> <span class="when-zone">your time \(Los Angeles\)</span><span class="when-event"> · 09:00–\d\d:\d\d New York</span>"#,
    )
    .unwrap();
    assert!(theirs_first.is_match(&page), "{page}");
    assert!(page.contains("Times are in your time (Los Angeles), from your profile."));
    let anonymous = app.another_instance().await;
    let page = anonymous.get(format!("/events/hitmc/sessions/{}", keynote.id)).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("your time"), "without a known zone the event's is shown, and the browser's script adds the reader's");
    assert!(page.contains(", 09:00–") && page.contains("New York time") && page.contains("Times are in New York time, where the event is."));
    assert!(page.contains("/static/js/localtime.js"));
}

#[rocket::async_test]
async fn visitors_choose_the_zone_times_are_shown_in_by_city_and_a_bad_name_changes_nothing() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let keynote = sessions_of(&app, "hitmc").await.into_iter().find(|s| s.title.starts_with("Day 1 keynote")).unwrap();
    let session_page = format!("/events/hitmc/sessions/{}", keynote.id);
    let visitor = app.another_instance().await;
    let page = visitor.get(session_page.clone()).dispatch().await.into_string().await.unwrap();
    assert!(page.contains(&format!("/time-zone?next=%2Fevents%2Fhitmc%2Fsessions%2F{}", keynote.id)), "the page links to the zone picker");
    let picker = visitor.get("/time-zone").dispatch().await.into_string().await.unwrap();
    for city in ["Brussels (Europe)", "Kathmandu (Asia)", "Adelaide (Australia)"] {
        assert!(picker.contains(&format!(r#"<option value="{city}"></option>"#)), "{city} is offered");
    }

    // A name that is no zone: refused with a reason, and nothing is kept.
    let refused = post_form(&visitor, "/time-zone", &[("zone", "Atlantis"), ("next", &session_page)]).await;
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    assert!(refused.into_string().await.unwrap().contains("No time zone has that name"));
    let page = visitor.get(session_page.clone()).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("your time"));

    // A city: the visitor goes back to the page, which now reads their clock first.
    let chosen = post_form(&visitor, "/time-zone", &[("zone", "Kathmandu"), ("next", &session_page)]).await;
    assert_eq!(chosen.status(), Status::SeeOther);
    assert_eq!(chosen.headers().get_one("Location"), Some(session_page.as_str()));
    let page = visitor.get(session_page.clone()).dispatch().await.into_string().await.unwrap();
    let there = keynote.starts_at.with_timezone(&chrono_tz::Asia::Kathmandu).format(", %H:%M–").to_string();
    assert!(page.contains(&there) && page.contains("your time (Kathmandu)") && page.contains(" · 09:00–"), "{page}");
    assert!(page.contains(r#"data-viewer-zone="Asia/Kathmandu" data-zone-source="chosen""#));

    // Somewhere else is not a place to be sent back to.
    let away = post_form(&visitor, "/time-zone", &[("zone", ""), ("next", "https://elsewhere.example/")]).await;
    assert_eq!(away.headers().get_one("Location"), Some("/"));
    let page = visitor.get(session_page.clone()).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("your time"), "an empty choice goes back to the event's zone");

    // Logged in, the choice is the profile's zone.
    sign_up(&visitor, "far@example.org", "Far Away", "a long password").await;
    post_form(&visitor, "/time-zone", &[("zone", "Adelaide (Australia)"), ("next", "/")]).await;
    let me = tribe::domain::accounts::find_by_email(app.db(), "far@example.org").await.unwrap().unwrap();
    assert_eq!(tribe::domain::accounts::time_zone_of(app.db(), me.id).await.unwrap(), Some(chrono_tz::Australia::Adelaide));
    let page = visitor.get(session_page).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("your time (Adelaide), from your profile"));
}

#[rocket::async_test]
async fn speaker_pages_list_their_sessions_and_show_only_what_the_speaker_made_public() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let hitmc = event_row(&app, "hitmc").await;
    let speakers = tribe::db::entities::session_speaker::Entity::find().all(app.db()).await.unwrap();
    let profiles = tribe::db::entities::profile::Entity::find().all(app.db()).await.unwrap();
    let in_event: Vec<i32> = sessions_of(&app, "hitmc").await.iter().map(|s| s.id).collect();
    let hidden = speakers
        .iter()
        .filter(|s| in_event.contains(&s.session_id))
        .find(|s| profiles.iter().any(|p| Some(p.user_id) == s.user_id && p.visibility.to_string() == "hidden"))
        .expect("the demo has a hidden speaker");
    let hidden_profile = profiles.iter().find(|p| Some(p.user_id) == hidden.user_id).unwrap();
    let page = app.client.get(format!("/events/{}/speakers/u{}", hitmc.slug, hidden.user_id.unwrap())).dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    let page = page.into_string().await.unwrap();
    assert!(page.contains(&hidden.name));
    assert!(!page.contains(&hidden_profile.organization), "a hidden profile's organization never shows");
    assert_eq!(app.client.get("/events/hitmc/speakers/u999999").dispatch().await.status(), Status::NotFound);
}

#[rocket::async_test]
async fn organizers_manage_sessions_through_the_api_and_others_cannot() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "api-event", "conference").await;
    add_room(&app.client, "api-event", "Main").await;
    post_form(&app.client, "/events/api-event/manage/publish", &[("published", "true")]).await;
    let token = api_token(&app.client, "org@example.org", "a long password").await;
    let other = app.another_instance().await;
    sign_up(&other, "nosy@example.org", "Nosy", "a long password").await;
    let nosy = api_token(&other, "nosy@example.org", "a long password").await;

    let body = serde_json::json!({"title": "API talk", "starts_at": "2027-03-13T10:00", "ends_at": "2027-03-13T11:00", "room": "Main", "speakers": ["Ada"], "tags": ["#AI", "ux"], "status": "published", "capacity": 30});
    let response = app.client.post("/api/events/api-event/sessions").header(ContentType::JSON).body(body.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
    let response =
        app.client.post("/api/events/api-event/sessions").header(bearer(&nosy)).header(ContentType::JSON).body(body.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    let response =
        app.client.post("/api/events/api-event/sessions").header(bearer(&token)).header(ContentType::JSON).body(body.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Created);
    let created: Value = response.into_json().await.unwrap();
    assert_eq!(created["room"]["name"], "Main");
    assert_eq!(created["tags"], serde_json::json!(["ai", "ux"]));
    assert_eq!(created["starts_at"], "2027-03-13T15:00:00Z");
    let id = created["id"].as_i64().unwrap();

    let clash = serde_json::json!({"title": "Clash", "starts_at": "2027-03-13T10:30:00-05:00", "ends_at": "2027-03-13T11:30:00-05:00", "room": "Main", "status": "published"});
    let response =
        app.client.post("/api/events/api-event/sessions").header(bearer(&token)).header(ContentType::JSON).body(clash.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let problem: Value = serde_json::from_str(&response.into_string().await.unwrap()).unwrap();
    assert_eq!(problem["errors"][0]["field"], "room");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("API talk"));

    let listed: Value = other.get("/api/events/api-event/sessions").dispatch().await.into_json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let update = serde_json::json!({"title": "API talk v2", "starts_at": "2027-03-13T10:00", "ends_at": "2027-03-13T11:00", "status": "published"});
    let path = format!("/api/events/api-event/sessions/{id}");
    let response = app.client.put(path.clone()).header(bearer(&nosy)).header(ContentType::JSON).body(update.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    let response = app.client.put(path.clone()).header(bearer(&token)).header(ContentType::JSON).body(update.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let updated: Value = response.into_json().await.unwrap();
    assert_eq!(updated["revision"], 2);
    assert_eq!(app.client.delete(path.clone()).header(bearer(&nosy)).dispatch().await.status(), Status::Forbidden);
    assert_eq!(app.client.delete(path.clone()).header(bearer(&token)).dispatch().await.status(), Status::NoContent);
    assert_eq!(app.client.get(path).dispatch().await.status(), Status::NotFound);
    let count = session::Entity::find().count(app.db()).await.unwrap();
    assert_eq!(count, 0);
}

#[rocket::async_test]
async fn the_import_command_reads_a_file_into_an_event() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "cli-import", "conference").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schedule.xml");
    std::fs::write(&file, LIBERAL_FRAB).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tribe"))
        .args(["import", "frab"])
        .arg(&file)
        .args(["--event", "cli-import"])
        .env("TRIBE_DATABASE_URL", &app.database_url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("3 new") && stdout.contains("assumed:"), "{stdout}");
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, "<schedule><day>").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tribe"))
        .args(["import", "frab"])
        .arg(&broken)
        .args(["--event", "cli-import"])
        .env("TRIBE_DATABASE_URL", &app.database_url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 1"));
}

/// The JSON-LD of a page, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html.find(r#"<script type="application/ld+json">"#).expect("a JSON-LD block") + r#"<script type="application/ld+json">"#.len();
    let end = start + html[start..].find("</script>").expect("its end");
    serde_json::from_str(&html[start..end]).expect("JSON-LD that parses")
}

fn meta_content(html: &str, attribute: &str, name: &str) -> String {
    let re = regex::Regex::new(&format!(r#"<meta {attribute}="{name}" content="([^"]*)">"#)).unwrap();
    re.captures(html).unwrap_or_else(|| panic!("no {name}")).get(1).unwrap().as_str().to_owned()
}

#[rocket::async_test]
async fn event_and_session_pages_describe_themselves_to_search_engines_and_link_previews() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let offset = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$").unwrap();

    let page = app.client.get("/events/hitmc").dispatch().await.into_string().await.unwrap();
    assert!(meta_content(&page, "name", "description").starts_with("Three days for the people who market"));
    assert_eq!(meta_content(&page, "property", "og:title"), "HITMC: Healthcare Internet, Technology &amp; Marketing Conference");
    assert_eq!(meta_content(&page, "property", "og:url"), "http://127.0.0.1:8000/events/hitmc");
    let event = json_ld(&page);
    assert_eq!((event["@context"].as_str(), event["@type"].as_str()), (Some("https://schema.org"), Some("Event")));
    assert!(offset.is_match(event["startDate"].as_str().unwrap()), "a New York offset: {}", event["startDate"]);
    assert!(offset.is_match(event["endDate"].as_str().unwrap()));
    assert_eq!(event["eventAttendanceMode"], "https://schema.org/OfflineEventAttendanceMode");
    assert_eq!(event["location"]["name"], "Lakeside Convention Center");
    assert_eq!(event["location"]["address"]["streetAddress"], "1 Convention Way, Orlando, FL 32830");
    assert_eq!(event["offers"][0]["price"], "0.00");
    assert_eq!(event["offers"][0]["priceCurrency"], "USD");
    assert_eq!(event["offers"][0]["availability"], "https://schema.org/InStock");

    // The weekly chat is online and repeats.
    let chat = json_ld(&app.client.get("/events/hcldr").dispatch().await.into_string().await.unwrap());
    assert_eq!(chat["eventAttendanceMode"], "https://schema.org/OnlineEventAttendanceMode");
    assert_eq!(chat["location"]["@type"], "VirtualLocation");
    assert_eq!(chat["eventSchedule"]["byDay"][0], "https://schema.org/Tuesday");
    assert_eq!(
        (chat["eventSchedule"]["startTime"].as_str(), chat["eventSchedule"]["scheduleTimezone"].as_str()),
        (Some("20:30"), Some("America/New_York"))
    );

    // A session is an event within the event, with its speakers; what
    // organizers typed cannot close the script element.
    let hitmc = tribe::domain::events::find_by_slug(app.db(), "hitmc").await.unwrap().unwrap();
    let first = tribe::db::entities::session::Entity::find().one(app.db()).await.unwrap().unwrap();
    let form = tribe::domain::schedule::sessions::SessionForm {
        title: "Closing </script><script>alert(1)</script> & more".into(),
        starts_at: tribe::domain::input::local_input_value(chrono_tz::America::New_York, first.starts_at),
        ends_at: tribe::domain::input::local_input_value(chrono_tz::America::New_York, first.ends_at),
        status: "published".into(),
        speakers: "Sam Speaker".into(),
        ..Default::default()
    };
    let hostile = tribe::domain::schedule::sessions::create(app.db(), &hitmc, &form).await.unwrap();
    let page = app.client.get(format!("/events/hitmc/sessions/{}", hostile.id)).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("<script>alert(1)"), "the title stays text");
    let session = json_ld(&page);
    assert_eq!(session["name"], "Closing </script><script>alert(1)</script> & more");
    assert_eq!(session["superEvent"]["url"], "http://127.0.0.1:8000/events/hitmc");
    assert_eq!(session["performer"][0]["name"], "Sam Speaker");
    assert!(offset.is_match(session["startDate"].as_str().unwrap()));
    assert_eq!(session["eventStatus"], "https://schema.org/EventScheduled");
}

#[rocket::async_test]
async fn exports_come_brotli_or_gzip_compressed_as_the_client_prefers_each_with_its_own_validator() {
    use std::io::Read;
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let get = |encoding: &'static str| app.client.get("/events/hitmc/schedule.xml").header(Header::new("Accept-Encoding", encoding)).dispatch();
    let plain = get("identity").await;
    assert_eq!(plain.headers().get_one("Content-Encoding"), None);
    let plain_etag = plain.headers().get_one("ETag").unwrap().to_owned();
    let plain = plain.into_bytes().await.unwrap();

    let asked = [
        ("br", Some("br")),
        ("gzip, deflate, br", Some("br")),
        ("gzip;q=1.0, br;q=0.5", Some("gzip")),
        ("br;q=0, gzip", Some("gzip")),
        ("*", Some("br")),
        ("deflate", None),
        ("br;q=0, gzip;q=0", None),
    ];
    let mut etags = std::collections::BTreeSet::from([plain_etag.clone()]);
    for (accept, expected) in asked {
        let response = get(accept).await;
        assert_eq!(response.headers().get_one("Content-Encoding"), expected, "Accept-Encoding: {accept}");
        assert_eq!(response.headers().get_one("Vary"), Some("Accept-Encoding"));
        etags.insert(response.headers().get_one("ETag").unwrap().to_owned());
        let body = response.into_bytes().await.unwrap();
        let mut decoded = Vec::new();
        match expected {
            Some("br") => brotli::Decompressor::new(&body[..], 4096).read_to_end(&mut decoded).map(|_| ()).unwrap(),
            Some("gzip") => flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut decoded).map(|_| ()).unwrap(),
            _ => decoded = body.clone(),
        }
        assert_eq!(decoded, plain, "the same document under {accept}");
        if expected == Some("br") {
            assert!(body.len() * 4 < plain.len(), "brotli makes it much smaller: {} of {}", body.len(), plain.len());
        }
    }
    assert_eq!(etags.len(), 3, "one validator per coding: {etags:?}");
    // `*` stands only for the codings the client did not name.
    assert_eq!(get("br;q=0, *").await.headers().get_one("Content-Encoding"), Some("gzip"));
    assert_eq!(get("*, br;q=0.1").await.headers().get_one("Content-Encoding"), Some("gzip"));
    // A validator revalidates the representation it names, and only that one.
    for (accept, coding) in [("identity", None), ("gzip", Some("gzip")), ("br", Some("br"))] {
        let response = get(accept).await;
        assert_eq!(response.headers().get_one("Content-Encoding"), coding);
        let etag = response.headers().get_one("ETag").unwrap().to_owned();
        let again = app
            .client
            .get("/events/hitmc/schedule.xml")
            .header(Header::new("Accept-Encoding", accept))
            .header(Header::new("If-None-Match", etag.clone()));
        assert_eq!(again.dispatch().await.status(), Status::NotModified, "{accept}");
        let other = if accept == "br" { "gzip" } else { "br" };
        let elsewhere =
            app.client.get("/events/hitmc/schedule.xml").header(Header::new("Accept-Encoding", other)).header(Header::new("If-None-Match", etag));
        assert_eq!(elsewhere.dispatch().await.status(), Status::Ok, "{accept}'s validator does not fit {other}");
    }
}

#[rocket::async_test]
async fn the_home_page_lists_what_is_coming_first_and_labels_past_events_after_it() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "soon", "conference").await;
    post_form(&app.client, "/events/soon/manage/publish", &[("published", "true")]).await;
    post_form(
        &app.client,
        "/events",
        &[
            ("title", "Last Year"),
            ("slug", "last-year"),
            ("kind", "conference"),
            ("time_zone", "UTC"),
            ("starts_at", "2030-01-01T09:00"),
            ("ends_at", "2030-01-02T17:00"),
        ],
    )
    .await;
    post_form(&app.client, "/events/last-year/manage/publish", &[("published", "true")]).await;
    let mut past: event::ActiveModel = event_row(&app, "last-year").await.into();
    past.starts_at = Set(tribe::domain::now() - chrono::Duration::days(400));
    past.ends_at = Set(tribe::domain::now() - chrono::Duration::days(398));
    past.update(app.db()).await.unwrap();

    let home = app.another_instance().await.get("/").dispatch().await.into_string().await.unwrap();
    let (coming, gone) = home.split_once("Past events").expect("a past section");
    assert!(coming.contains("/events/soon") && !coming.contains("/events/last-year"), "{home}");
    assert!(gone.contains("/events/last-year") && gone.contains(r#"<span class="badge">Past</span>"#));
}

#[rocket::async_test]
async fn a_weekly_chats_card_on_the_home_page_gives_its_next_chat_on_the_readers_clock() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let hcldr = event_row(&app, "hcldr").await;
    let next = tribe::domain::chats::next_occurrence(app.db(), &hcldr, tribe::domain::now()).await.unwrap().unwrap();
    let visitor = app.another_instance().await;
    // Nothing known: the event's clock, said so, for the page's script to move to the device's zone.
    let home = visitor.get("/").dispatch().await.into_string().await.unwrap();
    assert!(home.contains(r#"data-zone-source="event""#) && home.contains("Times are on each event's own clock."), "{home}");
    let card = home.split(r#"<li class="card">"#).find(|c| c.contains("/events/hcldr\"")).expect("the chat's card");
    assert!(card.contains("Next chat:") && card.contains(&next.starts_at.to_rfc3339()), "{card}");
    // A chosen zone: the next chat in it first.
    assert_eq!(post_form(&visitor, "/time-zone", &[("zone", "Berlin")]).await.status(), Status::SeeOther);
    let home = visitor.get("/").dispatch().await.into_string().await.unwrap();
    let card = home.split(r#"<li class="card">"#).find(|c| c.contains("/events/hcldr\"")).unwrap();
    let berlin = next.starts_at.with_timezone(&chrono_tz::Europe::Berlin).format("%a %-d %b, %H:%M").to_string();
    assert!(card.contains(&berlin) && card.contains("your time (Berlin)"), "{card}");
}

#[rocket::async_test]
async fn the_organizer_overview_starts_with_numbers_and_charts_and_each_part_has_its_own_page() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    log_in(&app.client, "organizer@example.org", "tribe-demo").await;
    let overview = app.client.get("/events/hitmc/manage").dispatch().await.into_string().await.unwrap();
    // Numbers first: the demo's 200 registrations, as a figure.
    assert!(overview.contains(r#"<dt>Registered</dt><dd class="figure-value">200</dd>"#), "{overview}");
    // Charts are inline SVG with their numbers as a table, and no forms before them.
    assert!(overview.matches(r#"<figure class="chart">"#).count() >= 2, "registrations per day and agenda demand");
    assert!(overview.contains("<svg aria-hidden=\"true\"") && overview.contains("<figcaption><strong>Registrations per day</strong>"));
    assert!(!overview.contains("Add the ticket type") && !overview.contains("Save the event"));
    assert!(!overview.contains(" style=\""), "the Content-Security-Policy allows no inline styles");
    // Each part is its own page, with the organizer navigation marking it.
    for (part, shows, not) in [
        ("tickets", "Add the ticket type", "Save the event"),
        ("questions", "Add the question", "Add the ticket type"),
        ("sessions", "Add a session", "Invite to the team"),
        ("places", "Add the room", "Add the question"),
        ("team", "Invite to the team", "Import"),
        ("import", "schedule.xml", "Add a session"),
        ("details", "Save the event", "Invite to the team"),
    ] {
        let page = app.client.get(format!("/events/hitmc/manage/{part}")).dispatch().await.into_string().await.unwrap();
        assert!(page.contains(shows), "{part} shows {shows}");
        assert!(!page.contains(&format!(">{not}</button>")), "{part} does not show {not}");
        assert!(page.contains(&format!(r#"href="/events/hitmc/manage/{part}" aria-current="page""#)), "{part} is marked in the navigation");
    }
    // Before a ticket exists, adding one is the main action and publishing is not.
    let fresh = post_form(
        &app.client,
        "/events",
        &[
            ("title", "No tickets yet"),
            ("slug", "no-tickets"),
            ("kind", "conference"),
            ("time_zone", "Europe/Berlin"),
            ("starts_at", "2027-03-01T09:00"),
            ("ends_at", "2027-03-01T17:00"),
        ],
    )
    .await;
    assert_eq!(fresh.status(), Status::SeeOther);
    let overview = app.client.get("/events/no-tickets/manage").dispatch().await.into_string().await.unwrap();
    assert!(overview.contains(r#"<a class="button" href="/events/no-tickets/manage/tickets">Add a ticket type</a>"#), "{overview}");
    assert!(overview.contains(r#"<button type="submit" class="button button-secondary">Publish anyway</button>"#));
    assert!(!overview.contains(">Publish the event</button>"));
    // A refused form comes back on its own page with what to fix.
    let refused = post_form(&app.client, "/events/hitmc/manage/questions", &[("label", ""), ("kind", "text")]).await;
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    let page = refused.into_string().await.unwrap();
    assert!(page.contains("Add the question") && !page.contains("Add the ticket type"));
}
