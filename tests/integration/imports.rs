//! Schedules from other systems, in the shapes real exporters write: a
//! congress whose days run past midnight (and say so only through their
//! `<day end>`), c3voc JSON with rooms as an object and no time zone, files
//! fetched from another server, and events made from a file.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use rocket::http::{ContentType, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tribe::db::entities::event;
use tribe::domain::schedule::frab::import::{self, NewEventChoices};

use crate::schedules::{validate_json_export, validate_xml_export};
use crate::support::*;

/// CCC-shaped: days run 10:00–04:00, no `day_change`, base64 guids. Two
/// talks after midnight are listed under the first day, one under the second.
pub(crate) const CONGRESS: &str = r##"<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <version>Fahrplan 1.3</version>
  <conference>
    <acronym>99c3</acronym>
    <title>99th Chaos Communication Congress</title>
    <start>2027-12-27</start>
    <end>2027-12-29</end>
    <days>3</days>
    <timeslot_duration>00:05</timeslot_duration>
    <time_zone_name>Europe/Berlin</time_zone_name>
    <track name="Ethics" color="#aa33cc"/>
  </conference>
  <day index="1" date="2027-12-27" start="2027-12-27T10:00:00+01:00" end="2027-12-28T04:00:00+01:00">
    <room name="Saal 1" guid="7f000001-0000-4000-8000-000000000001">
      <event guid="b3BlbmluZw==" id="1"><date>2027-12-27T10:30:00+01:00</date><start>10:30</start><duration>00:30</duration><room>Saal 1</room><slug>99c3-1-opening</slug><title>Opening</title><subtitle/><track>Ethics</track><type>talk</type><language>de</language><abstract>Hallo</abstract><description/><persons><person id="1">Ada</person></persons><links/><attachments/></event>
      <event guid="bGF0ZQ==" id="2"><date>2027-12-28T00:15:00+01:00</date><start>00:15</start><duration>01:00</duration><room>Saal 1</room><slug>99c3-2-late</slug><title>Late night</title><subtitle/><track/><type>talk</type><language>en</language><abstract/><description/><persons/><links/><attachments/></event>
    </room>
    <room name="Saal 2">
      <event guid="dmVyeSBsYXRl" id="3"><date>2027-12-28T02:00:00+01:00</date><start>02:00</start><duration>00:45</duration><room>Saal 2</room><title>Very late</title><persons/></event>
    </room>
  </day>
  <day index="2" date="2027-12-28" start="2027-12-28T10:00:00+01:00" end="2027-12-29T04:00:00+01:00">
    <room name="Saal 1">
      <event guid="bW9ybmluZw==" id="4"><date>2027-12-28T11:00:00+01:00</date><start>11:00</start><duration>00:40</duration><title>Morning</title><persons/></event>
      <event guid="bWlkbmlnaHQ=" id="5"><date>2027-12-29T00:00:00+01:00</date><start>00:00</start><duration>00:30</duration><title>Midnight</title><persons/></event>
    </room>
  </day>
  <day index="3" date="2027-12-29" start="2027-12-29T10:00:00+01:00" end="2027-12-29T18:00:00+01:00">
    <room name="Saal 2">
      <event guid="Y2xvc2luZw==" id="6"><date>2027-12-29T16:00:00+01:00</date><start>16:00</start><duration>00:30</duration><title>Closing</title><persons/></event>
    </room>
  </day>
</schedule>
"##;

/// The conference day each session's guid is listed under in the file.
const CONGRESS_DAYS: [(&str, &str); 6] = [
    ("Opening", "2027-12-27"),
    ("Late night", "2027-12-27"),
    ("Very late", "2027-12-27"),
    ("Morning", "2027-12-28"),
    ("Midnight", "2027-12-28"),
    ("Closing", "2027-12-29"),
];

/// c3voc JSON as pretalx writes it, with a `day_change`, rooms as an object,
/// numbers for ids, person objects, and no time zone at all.
const PRETALX_JSON: &str = r##"{
  "$schema": "https://c3voc.de/schedule/schema.json",
  "generator": {"name": "pretalx", "version": "2026.2.1"},
  "schedule": {
    "version": "0.7",
    "base_url": "https://pretalx.example.org/camp/schedule/",
    "conference": {
      "acronym": "camp27",
      "title": "Summer Camp",
      "start": "2027-08-10",
      "end": "2027-08-11",
      "daysCount": 2,
      "timeslot_duration": "00:05",
      "day_change": "05:00",
      "tracks": [{"name": "Care", "color": "#3366cc"}],
      "rooms": [{"name": "Tent"}],
      "days": [
        {"index": 1, "date": "2027-08-10", "day_start": "2027-08-10T05:00:00", "day_end": "2027-08-11T05:00:00",
         "rooms": {"Tent": [
           {"guid": "c2VudGluZWw=", "id": 101, "date": "2027-08-10T21:00:00", "start": "21:00", "duration": "01:30", "room": "Tent",
            "title": "Campfire", "track": "Care", "type": "Talk", "language": "en", "abstract": "Stories", "description": null,
            "persons": [{"id": 9, "code": "XYZ", "public_name": "Bea", "biography": null}]},
           {"guid": null, "id": 102, "date": "2027-08-11T03:30:00", "start": "03:30", "duration": "00:30", "room": "Tent",
            "title": "Stargazing", "track": null, "persons": []}
         ]}},
        {"index": 2, "date": "2027-08-11", "day_start": "2027-08-11T05:00:00", "day_end": "2027-08-12T05:00:00",
         "rooms": {"Tent": [
           {"guid": "bW9ybmluZyB5b2dh", "id": 103, "date": "2027-08-11T09:00:00", "start": "09:00", "duration": "00:45", "title": "Morning yoga", "persons": ["Cy"]}
         ]}}
      ]
    }
  }
}"##;

async fn event_row(app: &TestApp, slug: &str) -> event::Model {
    event::Entity::find().filter(event::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap()
}

/// Title → the conference day (`<day date>`) an exported schedule.xml lists it under.
fn days_in_xml(xml: &str) -> BTreeMap<String, String> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let mut found = BTreeMap::new();
    for day in doc.root_element().children().filter(|n| n.has_tag_name("day")) {
        for event in day.descendants().filter(|n| n.has_tag_name("event")) {
            let title = event.children().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).unwrap().to_owned();
            found.insert(title, day.attribute("date").unwrap().to_owned());
        }
    }
    found
}

fn expected_days() -> BTreeMap<String, String> {
    CONGRESS_DAYS.iter().map(|(t, d)| (t.to_string(), d.to_string())).collect()
}

async fn publish(app: &TestApp, slug: &str) {
    let path = format!("/events/{slug}/manage/publish");
    let response = post_form(&app.client, &path, &[("published", "true")]).await;
    assert_eq!(response.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn night_talks_stay_on_their_conference_day_through_import_pages_and_exports_in_both_formats() {
    let app = TestApp::new().await;
    sign_up(&app.client, "org@example.org", "Org Anizer", "a long password").await;
    let organizer = tribe::domain::accounts::find_by_email(app.db(), "org@example.org").await.unwrap().unwrap();
    let (created, report) = import::create_event(app.db(), Some(&organizer), CONGRESS, &NewEventChoices::default()).await.unwrap();
    assert_eq!(
        (created.slug.as_str(), created.title.as_str(), created.time_zone.as_str()),
        ("99c3", "99th Chaos Communication Congress", "Europe/Berlin")
    );
    assert_eq!(created.day_change_minutes, 4 * 60, "the days' ends at 04:00 the next morning");
    assert_eq!((report.created, report.rooms_created, report.tracks_created), (6, 2, 1));
    let assumed = report.assumptions.join("\n");
    assert!(assumed.contains("until 04:00 the next morning"), "{assumed}");
    assert!(!assumed.contains("outside the day"), "every session sits in its day: {assumed}");
    assert!(!assumed.contains("widened"), "the event was made to fit: {assumed}");

    publish(&app, "99c3").await;
    let xml = app.client.get("/events/99c3/schedule.xml").dispatch().await.into_string().await.unwrap();
    validate_xml_export(&xml);
    assert_eq!(days_in_xml(&xml), expected_days());
    assert!(xml.contains(r#"<day index="1" date="2027-12-27" start="2027-12-27T04:00:00+01:00" end="2027-12-28T04:00:00+01:00">"#), "{xml}");
    assert_eq!(xml.matches("<day ").count(), 3);

    // The schedule page groups by the same days.
    let first = app.client.get("/events/99c3/schedule?day=2027-12-27").dispatch().await.into_string().await.unwrap();
    assert!(first.contains("Late night") && first.contains("Very late") && !first.contains("Morning"));
    let second = app.client.get("/events/99c3/schedule?day=2027-12-28").dispatch().await.into_string().await.unwrap();
    assert!(second.contains("Morning") && second.contains("Midnight") && !second.contains("Late night"));

    // The JSON export, read back into another new event, keeps every day too.
    let json = app.client.get("/events/99c3/schedule.json").dispatch().await.into_string().await.unwrap();
    validate_json_export(&json);
    let choices = NewEventChoices { slug: Some("99c3-again".into()), time_zone: None };
    let (copy, report) = import::create_event(app.db(), Some(&organizer), &json, &choices).await.unwrap();
    assert_eq!((copy.day_change_minutes, report.created), (4 * 60, 6));
    publish(&app, "99c3-again").await;
    let xml = app.client.get("/events/99c3-again/schedule.xml").dispatch().await.into_string().await.unwrap();
    assert_eq!(days_in_xml(&xml), expected_days());

    // Re-importing the same file changes nothing, and a second new event from it gets its own address.
    let again = import::import(app.db(), &event_row(&app, "99c3").await, CONGRESS).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 6));
    let (third, _) = import::create_event(app.db(), Some(&organizer), CONGRESS, &NewEventChoices::default()).await.unwrap();
    assert_eq!(third.slug, "99c3-2");
}

#[rocket::async_test]
async fn a_pretalx_json_file_without_a_zone_is_read_in_the_chosen_one_with_its_day_change() {
    let app = TestApp::new().await;
    let choices = NewEventChoices { slug: None, time_zone: Some(chrono_tz::Europe::Berlin) };
    let (created, report) = import::create_event(app.db(), None, PRETALX_JSON, &choices).await.unwrap();
    assert_eq!((created.slug.as_str(), created.time_zone.as_str(), created.day_change_minutes), ("camp27", "Europe/Berlin", 5 * 60));
    assert_eq!((report.created, report.rooms_created, report.tracks_created), (3, 1, 1));
    let assumed = report.assumptions.join("\n");
    assert!(assumed.contains("names no time zone") && assumed.contains("Europe/Berlin"), "{assumed}");
    assert!(assumed.contains("1 session(s) had no guid"), "{assumed}");
    assert!(!assumed.contains("outside the day"), "{assumed}");

    let sessions = tribe::db::entities::session::Entity::find()
        .filter(tribe::db::entities::session::Column::EventId.eq(created.id))
        .all(app.db())
        .await
        .unwrap();
    let campfire = sessions.iter().find(|s| s.title == "Campfire").unwrap();
    assert_eq!(campfire.starts_at.to_rfc3339(), "2027-08-10T19:00:00+00:00", "21:00 in Berlin's summer time");
    assert_eq!(campfire.guid, "c2VudGluZWw=");
    let speakers = tribe::domain::schedule::sessions::speakers_of(app.db(), campfire.id).await.unwrap();
    assert_eq!(speakers[0].name, "Bea");

    // Without an organizer nobody but a site admin manages it; the exports are strict.
    assert_eq!(tribe::domain::events::team::list(app.db(), &created).await.unwrap().len(), 0);
    tribe::domain::events::editing::set_published(app.db(), &created, true).await.unwrap();
    let xml = app.client.get("/events/camp27/schedule.xml").dispatch().await.into_string().await.unwrap();
    validate_xml_export(&xml);
    let days = days_in_xml(&xml);
    assert_eq!(days["Stargazing"], "2027-08-10", "03:30 is still the night of the 10th");
    assert_eq!(days["Morning yoga"], "2027-08-11");
    let again = import::import(app.db(), &event_row(&app, "camp27").await, PRETALX_JSON).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
}

/// A one-connection-at-a-time HTTP server on a free port answering every
/// request with `answer` (or never answering, for `None`).
fn serve(answer: Option<String>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            match &answer {
                Some(answer) => {
                    let _ = stream.write_all(answer.as_bytes());
                }
                None => std::thread::sleep(std::time::Duration::from_secs(30)),
            }
        }
    });
    format!("http://{address}/schedule.xml")
}

fn tribe_command(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tribe"))
        .args(args)
        .env("TRIBE_DATABASE_URL", &app.database_url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[rocket::async_test]
async fn the_import_command_fetches_a_schedule_by_address_and_creates_the_event_with_its_organizer() {
    let app = TestApp::new().await;
    sign_up(&app.client, "org@example.org", "Org Anizer", "a long password").await;
    let url = serve(Some(format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{CONGRESS}",
        CONGRESS.len()
    )));
    let output = tribe_command(&app, &["import", "frab", &url, "--organizer", "org@example.org"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("created the event 99th Chaos Communication Congress (99c3)") && stdout.contains("6 new"), "{stdout}");
    let created = event_row(&app, "99c3").await;
    assert!(!created.is_published);
    let team = tribe::domain::events::team::list(app.db(), &created).await.unwrap();
    assert_eq!(team.len(), 1);

    // Into the existing event, by address again: nothing new.
    let output = tribe_command(&app, &["import", "frab", &url, "--event", "99c3"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 new, 0 updated, 6 unchanged"), "{output:?}");

    // A server that never answers, one announcing 30 MiB, one failing, an unknown organizer: each a message, nothing stored.
    let before = event::Entity::find().count(app.db()).await.unwrap();
    let silent = serve(None);
    let output = tribe_command(&app, &["import", "frab", &silent, "--timeout", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did not answer within 1 s"), "{output:?}");
    let huge = serve(Some("HTTP/1.1 200 OK\r\nContent-Length: 31457280\r\nConnection: close\r\n\r\n<schedule>".to_owned()));
    let output = tribe_command(&app, &["import", "frab", &huge]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("larger than 20 MiB"), "{output:?}");
    let missing = serve(Some("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()));
    let output = tribe_command(&app, &["import", "frab", &missing]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("answered 404"), "{output:?}");
    let output = tribe_command(&app, &["import", "frab", &url, "--organizer", "nobody@example.org"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("no account with the email nobody@example.org"), "{output:?}");
    assert_eq!(event::Entity::find().count(app.db()).await.unwrap(), before);
}

fn upload(token: &str, content: &str, time_zone: &str) -> (ContentType, String) {
    let boundary = "XBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"time_zone\"\r\n\r\n{time_zone}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"schedule.json\"\r\nContent-Type: application/json\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (ContentType::new("multipart", "form-data").with_params(("boundary", boundary)), body)
}

#[rocket::async_test]
async fn an_organizer_creates_an_event_from_a_schedule_file_on_the_web_and_a_bad_file_creates_nothing() {
    let app = TestApp::new().await;
    sign_up(&app.client, "org@example.org", "Org Anizer", "a long password").await;
    let form = app.client.get("/events/new").dispatch().await.into_string().await.unwrap();
    assert!(form.contains(r#"action="/events/import""#) && form.contains("Or start from a schedule file"));
    let token = csrf(&app.client).await;
    let before = event::Entity::find().count(app.db()).await.unwrap();

    for (content, zone, says) in [
        ("{\"schedule\": {\"conference\": {\"days\": []}}}", "", "no sessions"),
        ("<schedule><day>", "", "line 1"),
        (PRETALX_JSON, "Atlantis", "Type a city"),
    ] {
        let (content_type, body) = upload(&token, content, zone);
        let response = app.client.post("/events/import").header(content_type).body(body).dispatch().await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
        assert!(response.into_string().await.unwrap().contains(says), "{says}");
    }
    assert_eq!(event::Entity::find().count(app.db()).await.unwrap(), before, "a refused file creates no event");

    let (content_type, body) = upload(&token, PRETALX_JSON, "Berlin");
    let response = app.client.post("/events/import").header(content_type).body(body).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("Imported: 3 new") && page.contains("names no time zone"), "{page}");
    let created = event_row(&app, "camp27").await;
    assert_eq!(created.time_zone, "Europe/Berlin");
    // The uploader organizes it.
    let sessions = app.client.get("/events/camp27/manage/sessions").dispatch().await;
    assert_eq!(sessions.status(), Status::Ok);
    assert!(sessions.into_string().await.unwrap().contains("Campfire"));
}
