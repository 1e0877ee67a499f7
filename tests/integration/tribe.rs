//! Profiles and "find your tribe": privacy of every list, ranked matches,
//! connect requests, tribes with meetups, mixed-stakeholder tables.

use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use tribe::db::entities::{event, event_role, registration, session, ticket_type, tribe as tribe_row};

use crate::support::*;

pub(crate) struct Conference {
    pub(crate) slug: String,
    pub(crate) ticket_id: i32,
    roles: Vec<(String, i32)>,
}

impl Conference {
    pub(crate) fn new(slug: &str, ticket_id: i32, roles: Vec<(String, i32)>) -> Conference {
        Conference { slug: slug.to_owned(), ticket_id, roles }
    }

    pub(crate) fn role(&self, name: &str) -> i32 {
        self.roles.iter().find(|(n, _)| n == name).map(|(_, id)| *id).expect("role")
    }
}

/// A published conference with a free ticket and the given roles, made by
/// the organizer logged in on `app.client`.
pub(crate) async fn conference(app: &TestApp, slug: &str, roles: &[&str]) -> Conference {
    organizer_with_event(&app.client, &format!("org-{slug}@example.org"), slug, "conference").await;
    let tickets = format!("/events/{slug}/manage/tickets");
    let response = post_form(&app.client, &tickets, &[("name", "General"), ("price", "0"), ("capacity", "500")]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let roles_path = format!("/events/{slug}/manage/roles");
    for role in roles {
        let response = post_form(&app.client, &roles_path, &[("role_name", role), ("role_color", "")]).await;
        assert_eq!(response.status(), Status::SeeOther, "{:?}", response.into_string().await);
    }
    post_form(&app.client, &format!("/events/{slug}/manage/publish"), &[("published", "true")]).await;
    let found = event::Entity::find().filter(event::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap();
    let ticket_id = ticket_type::Entity::find().filter(ticket_type::Column::EventId.eq(found.id)).one(app.db()).await.unwrap().unwrap().id;
    let roles = event_role::Entity::find()
        .filter(event_role::Column::EventId.eq(found.id))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.name, r.id))
        .collect();
    Conference { slug: slug.to_owned(), ticket_id, roles }
}

pub(crate) struct Person {
    pub(crate) id: i32,
    pub(crate) token: String,
}

/// An account with an API token, registered with `role`, with `profile` applied.
pub(crate) async fn attendee(app: &TestApp, conf: &Conference, name: &str, role: Option<&str>, profile: Value) -> Person {
    let hash = tribe::domain::accounts::passwords::hash_blocking("a long password").unwrap();
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    let account = tribe::domain::accounts::insert_user(app.db(), &email, name, hash, false).await.unwrap();
    let token = tribe::domain::accounts::api_tokens::create(app.db(), account.id, "test").await.unwrap().1;
    let mut body = json!({"ticket_type_id": conf.ticket_id});
    if let Some(role) = role {
        body["role"] = json!(conf.role(role));
    }
    let response = app
        .client
        .post(format!("/api/events/{}/registrations", conf.slug))
        .header(ContentType::JSON)
        .header(bearer(&token))
        .body(body.to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Created, "{:?}", response.into_string().await);
    let response = app.client.put("/api/me/profile").header(ContentType::JSON).header(bearer(&token)).body(profile.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Ok, "{:?}", response.into_string().await);
    Person { id: account.id, token }
}

pub(crate) async fn get_json(client: &Client, path: &str, token: &str) -> (Status, Value) {
    let response = client.get(path.to_owned()).header(bearer(token)).dispatch().await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or(Value::Null))
}

fn names(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect();
    out.sort();
    out
}

/// A browser logged in as `email` (password "a long password").
pub(crate) async fn browser_for(app: &TestApp, email: &str) -> Client {
    let browser = app.another_instance().await;
    let status = log_in(&browser, email, "a long password").await.status();
    assert_eq!(status, Status::SeeOther);
    browser
}

#[rocket::async_test]
async fn hidden_and_non_matching_profiles_never_appear_where_they_must_not() {
    let app = TestApp::new().await;
    // Someone at another event sees only public profiles of this one.
    let other = conference(&app, "elsewhere", &["Clinician"]).await;
    let outsider = attendee(&app, &other, "Olga Outsider", Some("Clinician"), json!({})).await;
    let conf = conference(&app, "privacy", &["Clinician", "Patient"]).await;
    let ann = attendee(&app, &conf, "Ann Viewer", Some("Clinician"), json!({"interests": ["ai"]})).await;
    let bob = attendee(&app, &conf, "Bob Public", Some("Clinician"), json!({"visibility": "public", "interests": ["ai"]})).await;
    let cat = attendee(&app, &conf, "Cat Hidden", Some("Clinician"), json!({"visibility": "hidden", "interests": ["ai"]})).await;
    let dan = attendee(&app, &conf, "Dan Lurker", Some("Clinician"), json!({"matching_enabled": false, "interests": ["ai"]})).await;
    attendee(&app, &conf, "Eve Attendee", Some("Clinician"), json!({"interests": ["ai"]})).await;

    // Directory, API: an attendee sees attendees-only and public; never hidden.
    let (status, people) = get_json(&app.client, "/api/events/privacy/people", &ann.token).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(names(&people), vec!["Ann Viewer", "Bob Public", "Dan Lurker", "Eve Attendee"]);
    let (_, people) = get_json(&app.client, "/api/events/privacy/people", &outsider.token).await;
    assert_eq!(names(&people), vec!["Bob Public"]);
    // Directory page, anonymous.
    let anonymous = app.another_instance().await;
    let page = anonymous.get("/events/privacy/people").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Bob Public") && !page.contains("Eve Attendee") && !page.contains("Cat Hidden"));
    // Even the organizer's directory leaves the hidden profile out.
    let page = app.client.get("/events/privacy/people").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Eve Attendee") && !page.contains("Cat Hidden"));
    assert!(app.client.get("/events/privacy/manage/attendees").dispatch().await.into_string().await.unwrap().contains("Cat Hidden"));

    // Matches: neither the hidden nor the non-matching person.
    let (_, found) = get_json(&app.client, "/api/events/privacy/matches", &ann.token).await;
    let matched: Vec<&str> = found["matches"].as_array().unwrap().iter().map(|m| m["person"]["name"].as_str().unwrap()).collect();
    assert_eq!(matched.len(), 2, "{found}");
    assert!(matched.contains(&"Bob Public") && matched.contains(&"Eve Attendee"));
    let (_, mine) = get_json(&app.client, "/api/events/privacy/matches", &cat.token).await;
    assert_eq!(mine["not_matched"], "profile_hidden");
    let (_, mine) = get_json(&app.client, "/api/events/privacy/matches", &dan.token).await;
    assert_eq!(mine["not_matched"], "matching_off");

    // Tribes: formed by the organizer; neither appears in one.
    let response = post_form(&app.client, "/events/privacy/manage/tribes/form", &[("mode", "fresh")]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let (status, tribe) = get_json(&app.client, "/api/events/privacy/my-tribe", &ann.token).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(names(&tribe["members"]), vec!["Ann Viewer", "Bob Public", "Eve Attendee"]);
    assert_eq!(get_json(&app.client, "/api/events/privacy/my-tribe", &cat.token).await.0, Status::NotFound);
    assert_eq!(get_json(&app.client, "/api/events/privacy/my-tribe", &dan.token).await.0, Status::NotFound);
    let community = app.client.get("/events/privacy/manage/community").dispatch().await.into_string().await.unwrap();
    assert!(!community.contains("Cat Hidden") && !community.contains("Dan Lurker"));

    // Tables seat the lurker (seating is not matching) but never list the hidden person.
    let patient = conf.role("Patient").to_string();
    let response =
        post_form(&app.client, "/events/privacy/manage/tables", &[("plan_title", "Roundtable"), ("table_size", "3"), ("plan_roles", &patient)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let (_, tables) = get_json(&app.client, "/api/events/privacy/my-tables", &ann.token).await;
    assert_eq!(tables.as_array().unwrap().len(), 1);
    let (_, none) = get_json(&app.client, "/api/events/privacy/my-tables", &cat.token).await;
    assert_eq!(none, json!([]));
    let community = app.client.get("/events/privacy/manage/community").dispatch().await.into_string().await.unwrap();
    assert!(!community.contains("Cat Hidden") && community.contains("Dan Lurker"));

    // Profile pages: hidden is 404 to other attendees, visible to the organizer.
    let ann_browser = browser_for(&app, "ann.viewer@example.org").await;
    assert_eq!(ann_browser.get(format!("/people/{}", cat.id)).dispatch().await.status(), Status::NotFound);
    let path = format!("/people/{}/connect", cat.id);
    assert_eq!(post_form(&ann_browser, &path, &[]).await.status(), Status::NotFound, "the page refuses as the API does");
    assert_eq!(ann_browser.get(format!("/people/{}", bob.id)).dispatch().await.status(), Status::Ok);
    assert_eq!(app.client.get(format!("/people/{}", cat.id)).dispatch().await.status(), Status::Ok);
    assert_eq!(anonymous.get(format!("/people/{}", ann.id)).dispatch().await.status(), Status::NotFound);
    assert_eq!(anonymous.get(format!("/people/{}", bob.id)).dispatch().await.status(), Status::Ok);
    // Nor can anyone ask the hidden person to connect through the API.
    let response = app
        .client
        .post("/api/me/connections")
        .header(ContentType::JSON)
        .header(bearer(&ann.token))
        .body(json!({"user_id": cat.id}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::NotFound);
}

#[rocket::async_test]
async fn matches_are_ranked_by_the_documented_score_and_say_why() {
    let app = TestApp::new().await;
    let conf = conference(&app, "ranked", &["Marketing", "Clinician"]).await;
    let me = attendee(
        &app,
        &conf,
        "Mia Marketer",
        Some("Marketing"),
        json!({"interests": "#PatientEngagement, ai", "looking_for": "media training", "organization": "Acme"}),
    )
    .await;
    attendee(
        &app,
        &conf,
        "Best Match",
        Some("Marketing"),
        json!({"interests": ["patientengagement", "ai"], "can_offer": ["media training"], "organization": "Other Co"}),
    )
    .await;
    attendee(&app, &conf, "Some Match", Some("Marketing"), json!({"interests": ["ai"], "organization": "Acme"})).await;
    attendee(&app, &conf, "No Overlap", Some("Marketing"), json!({"interests": ["gardening"]})).await;
    attendee(&app, &conf, "Other Role", Some("Clinician"), json!({"interests": ["patientengagement", "ai"]})).await;

    let (status, found) = get_json(&app.client, "/api/events/ranked/matches", &me.token).await;
    assert_eq!(status, Status::Ok);
    let list = found["matches"].as_array().unwrap();
    let order: Vec<&str> = list.iter().map(|m| m["person"]["name"].as_str().unwrap()).collect();
    assert_eq!(order, vec!["Best Match", "Some Match", "No Overlap"], "peers in the same role only, best first");
    // 2 interests · 3 + 1 need met · 4 + another organization · 1
    assert_eq!(list[0]["score"], 11);
    assert_eq!(list[0]["why"], "#ai #patientengagement · offers: media training · another organization");
    assert_eq!(list[1]["score"], 3);
    assert_eq!(list[2]["why"], "same role");
    // Contact details are never part of a suggestion.
    assert!(list[0]["person"].get("handles").is_none());

    // The page shows the same with the reasons.
    let browser = browser_for(&app, "mia.marketer@example.org").await;
    let page = browser.get("/events/ranked/tribe").dispatch().await.into_string().await.unwrap();
    // Each reason sits in its person's card.
    let card_of_best = page.split(r#"<div class="suggestion">"#).find(|c| c.contains("Best Match")).unwrap();
    assert!(card_of_best.contains(r#"<p class="why">"#));
    // A page of suggestions is not a wall of primary buttons: each Connect is secondary and names its person.
    assert!(card_of_best.contains(r#"class="button button-secondary button-small" aria-label="Connect with Best Match""#), "{card_of_best}");
    assert!(!page.contains(r#"class="button button-small">Connect"#));
    assert!(page.contains("offers: media training"));
    assert!(page.find("Best Match").unwrap() < page.find("Some Match").unwrap());
    assert!(!page.contains("Other Role"));
}

#[rocket::async_test]
async fn connect_requests_share_contact_details_only_after_both_agree() {
    let app = TestApp::new().await;
    let conf = conference(&app, "connect", &["Nurse"]).await;
    let ann = attendee(&app, &conf, "Ann Asker", Some("Nurse"), json!({"handle_x": "@ann_asks"})).await;
    let bea =
        attendee(&app, &conf, "Bea Answerer", Some("Nurse"), json!({"handle_mastodon": "@bea@med.social", "handle_x": "twitter.com/bea_x"})).await;
    let cyd = attendee(&app, &conf, "Cyd Decliner", Some("Nurse"), json!({})).await;
    let ann_browser = browser_for(&app, "ann.asker@example.org").await;
    let bea_browser = browser_for(&app, "bea.answerer@example.org").await;

    // Before: no handle on Bea's page.
    let page = ann_browser.get(format!("/people/{}", bea.id)).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("bea@med.social") && !page.contains("bea_x"));
    let path = format!("/people/{}/connect", bea.id);
    let response = post_form(&ann_browser, &path, &[("note", "Loved your <b>talk</b>")]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let page = ann_browser.get(format!("/people/{}", bea.id)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Request sent") && !page.contains("bea@med.social"));

    // Bea sees the note escaped, accepts; now both see each other's handles.
    let (_, overview) = get_json(&app.client, "/api/me/connections", &bea.token).await;
    let request_id = overview["incoming"][0]["id"].as_i64().unwrap();
    let page = bea_browser.get("/connections").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Loved your &lt;b&gt;talk&lt;/b&gt;"));
    let path = format!("/connections/{request_id}/accept");
    assert_eq!(post_form(&bea_browser, &path, &[]).await.status(), Status::SeeOther);
    let page = ann_browser.get(format!("/people/{}", bea.id)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("@bea@med.social") && page.contains("@bea_x"), "handles, normalized, after accepting");
    let (_, overview) = get_json(&app.client, "/api/me/connections", &ann.token).await;
    assert_eq!(overview["connected"][0]["person"]["handles"][0]["text"], "@bea_x");
    // Connected people are no longer suggested.
    let (_, found) = get_json(&app.client, "/api/events/connect/matches", &ann.token).await;
    assert!(!found["matches"].as_array().unwrap().iter().any(|m| m["person"]["user_id"] == bea.id));

    // Cyd declines: Ann cannot ask again, and Cyd is no longer suggested to her.
    let ask = |token: String, user_id: i32| {
        let client = &app.client;
        async move {
            client
                .post("/api/me/connections")
                .header(ContentType::JSON)
                .header(bearer(&token))
                .body(json!({"user_id": user_id, "note": "hi"}).to_string())
                .dispatch()
                .await
                .status()
        }
    };
    assert_eq!(ask(ann.token.clone(), cyd.id).await, Status::Created);
    let (_, overview) = get_json(&app.client, "/api/me/connections", &cyd.token).await;
    let id = overview["incoming"][0]["id"].as_i64().unwrap();
    // Only the person asked may answer.
    let response = app.client.post(format!("/api/me/connections/{id}/accept")).header(bearer(&ann.token)).dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    let response = app.client.post(format!("/api/me/connections/{id}/decline")).header(bearer(&cyd.token)).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(ask(ann.token.clone(), cyd.id).await, Status::Conflict);
    let (_, found) = get_json(&app.client, "/api/events/connect/matches", &ann.token).await;
    assert!(found["matches"].as_array().unwrap().is_empty(), "{found}");

    // Withdraw, then block: a blocked person cannot ask and is told nothing more than 404.
    let dee = attendee(&app, &conf, "Dee Blocker", Some("Nurse"), json!({})).await;
    assert_eq!(ask(ann.token.clone(), dee.id).await, Status::Created);
    let (_, overview) = get_json(&app.client, "/api/me/connections", &ann.token).await;
    let id = overview["outgoing"][0]["id"].as_i64().unwrap();
    assert_eq!(app.client.post(format!("/api/me/connections/{id}/withdraw")).header(bearer(&ann.token)).dispatch().await.status(), Status::Ok);
    let dee_browser = browser_for(&app, "dee.blocker@example.org").await;
    let path = format!("/people/{}/block", ann.id);
    assert_eq!(post_form(&dee_browser, &path, &[]).await.status(), Status::SeeOther);
    assert_eq!(ask(ann.token.clone(), dee.id).await, Status::NotFound);
    let (_, found) = get_json(&app.client, "/api/events/connect/matches", &dee.token).await;
    assert!(!found["matches"].as_array().unwrap().iter().any(|m| m["person"]["user_id"] == ann.id));
    // Asking oneself is a clear 422.
    assert_eq!(ask(ann.token.clone(), ann.id).await, Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn the_profile_form_checks_every_field_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    sign_up(&app.client, "pat@example.org", "Pat Profile", "a long password").await;
    let response = post_form(
        &app.client,
        "/account/profile",
        &[
            ("display_name", "Pat Profile"),
            ("headline", "Nurse informaticist"),
            ("handle_x", "not a handle!"),
            ("website", "javascript:alert(1)"),
            ("visibility", "public"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("An X handle is @"));
    assert!(page.contains("https://"), "the website message");
    assert!(page.contains("value=\"Nurse informaticist\""), "what was typed stays");
    let response = post_form(
        &app.client,
        "/account/profile",
        &[
            ("display_name", "Pat <script>alert(1)</script>"),
            ("bio", "I **love** <script>alert(2)</script> nursing"),
            ("interests", "#NurseInformatics, AI"),
            ("handle_bluesky", "@Pat.bsky.social"),
            ("visibility", "public"),
            ("matching_enabled", "on"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    let token = api_token(&app.client, "pat@example.org", "a long password").await;
    let (_, profile) = get_json(&app.client, "/api/me/profile", &token).await;
    assert_eq!(profile["interests"], json!(["nurseinformatics", "ai"]));
    assert_eq!(profile["handle_bluesky"], "pat.bsky.social");
    assert_eq!(profile["matching_enabled"], true);
    assert_eq!(profile["share_on_scan"], false);
    let page = app.client.get(format!("/people/{}", profile["user_id"])).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("<strong>love</strong>") && !page.contains("<script>"), "Markdown rendered, scripts never");
    assert!(page.contains("Pat &lt;script&gt;"));
    // The API reports every problem as problem JSON.
    let response = app
        .client
        .put("/api/me/profile")
        .header(ContentType::JSON)
        .header(bearer(&token))
        .body(json!({"handle_mastodon": "nope", "visibility": "everyone"}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let problem: Value = response.into_json().await.unwrap();
    let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["handle_mastodon", "visibility"]);
}

async fn tribe_ids(app: &TestApp, slug: &str) -> Vec<i32> {
    let found = event::Entity::find().filter(event::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap();
    tribe_row::Entity::find().filter(tribe_row::Column::EventId.eq(found.id)).all(app.db()).await.unwrap().into_iter().map(|t| t.id).collect()
}

#[rocket::async_test]
async fn tribes_meet_in_a_slot_free_of_their_agendas_and_stay_stable_when_newcomers_arrive() {
    let app = TestApp::new().await;
    let conf = conference(&app, "tribes", &["Clinician", "Researcher"]).await;
    add_room(&app.client, "tribes", "Hall").await;
    let (status, _) = add_session(
        &app.client,
        "tribes",
        &[("title", "Keynote"), ("starts_at", "2027-03-13T12:00"), ("ends_at", "2027-03-13T13:00"), ("status", "published")],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    for (starts, ends, place) in [("2027-03-13T12:15", "2027-03-13T12:45", "Lobby"), ("2027-03-13T17:00", "2027-03-13T17:45", "Terrace")] {
        let response = post_form(
            &app.client,
            "/events/tribes/manage/slots",
            &[("slot_starts", starts), ("slot_ends", ends), ("slot_place", place), ("slot_capacity", "5")],
        )
        .await;
        assert_eq!(response.status(), Status::SeeOther);
    }
    // A bad slot re-renders the page with the message.
    let response = post_form(
        &app.client,
        "/events/tribes/manage/slots",
        &[("slot_starts", "2027-03-13T18:00"), ("slot_ends", "2027-03-13T17:00"), ("slot_place", "Bar")],
    )
    .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("must end after it starts"));
    let response = post_form(&app.client, "/events/tribes/manage/tribes/size", &[("tribe_size", "3")]).await;
    assert_eq!(response.status(), Status::SeeOther);

    let mut people = Vec::new();
    for i in 0..6 {
        people.push(attendee(&app, &conf, &format!("Clin {i}"), Some("Clinician"), json!({"interests": [if i < 3 { "ai" } else { "ux" }]})).await);
    }
    let keynote = session::Entity::find().filter(session::Column::Title.eq("Keynote")).one(app.db()).await.unwrap().unwrap();
    for p in &people[..2] {
        let response = app.client.put(format!("/api/me/agenda/{}", keynote.id)).header(bearer(&p.token)).dispatch().await;
        assert_eq!(response.status(), Status::Created);
    }
    assert_eq!(post_form(&app.client, "/events/tribes/manage/tribes/form", &[("mode", "fresh")]).await.status(), Status::SeeOther);
    let (_, first) = get_json(&app.client, "/api/events/tribes/my-tribe", &people[0].token).await;
    // Those with the same interest land together, and meet when none of them is in the keynote.
    assert_eq!(names(&first["members"]), vec!["Clin 0", "Clin 1", "Clin 2"]);
    assert_eq!(first["slot"]["place"], "Terrace");
    let (_, second) = get_json(&app.client, "/api/events/tribes/my-tribe", &people[3].token).await;
    assert_eq!(names(&second["members"]), vec!["Clin 3", "Clin 4", "Clin 5"]);
    assert_eq!(second["slot"]["place"], "Lobby", "nobody in this tribe is at the keynote; slots are spread");

    // The member's meetup .ics, read by Python icalendar.
    let browser = browser_for(&app, "clin.0@example.org").await;
    let response = browser.get("/events/tribes/tribe/meetup.ics").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let ics = response.into_string().await.unwrap();
    assert_well_formed_ics(&ics);
    let parsed = calendar_check(&ics, "2027-03-01", "2027-03-31");
    let vevent = &parsed["events"][0];
    assert_eq!(vevent["dtstart"], "2027-03-13T22:00:00Z", "17:00 EST, the day before clocks change");
    assert_eq!(vevent["tzid"], "America/New_York");
    assert_eq!(vevent["location"], "Terrace");
    assert_eq!(vevent["sequence"], 0);
    let listed = calendar_clients_read(&ics, 1, "2027-03-01", "2027-03-31");
    assert!(listed[0].starts_with("2027-03-13 23:00"), "17:00 in New York is 23:00 in Berlin: {listed:?}");
    let uid = vevent["uid"].as_str().unwrap().to_owned();
    let page = browser.get("/events/tribes/tribe").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Clinician tribe") && page.contains("Terrace"));
    // The page lists the others in the tribe, never the reader themself.
    let section = page.split(r#"id="tribe-title""#).nth(1).unwrap().split("</section>").next().unwrap();
    assert!(section.contains(">Clin 1</a>") && section.contains(">Clin 2</a>"), "{section}");
    assert!(!section.contains(">Clin 0</a>"), "Clin 0 is not shown to Clin 0");
    // Someone outside the tribe has no meetup file.
    assert_eq!(app.client.get("/events/tribes/tribe/meetup.ics").dispatch().await.status(), Status::NotFound);

    // Late registrations: existing tribes keep their members and ids.
    let before = tribe_ids(&app, "tribes").await;
    let late = attendee(&app, &conf, "Clin Late", Some("Clinician"), json!({"interests": ["ux"]})).await;
    assert_eq!(post_form(&app.client, "/events/tribes/manage/tribes/form", &[("mode", "keep")]).await.status(), Status::SeeOther);
    assert_eq!(tribe_ids(&app, "tribes").await, before);
    let (_, again) = get_json(&app.client, "/api/events/tribes/my-tribe", &people[0].token).await;
    assert!(names(&again["members"]).starts_with(&["Clin 0".to_owned(), "Clin 1".to_owned(), "Clin 2".to_owned()]));
    let (status, late_tribe) = get_json(&app.client, "/api/events/tribes/my-tribe", &late.token).await;
    assert_eq!(status, Status::Ok);
    assert!(names(&late_tribe["members"]).contains(&"Clin 3".to_owned()), "the newcomer joins the ux tribe: {late_tribe}");

    // Removing the slot tells calendars: the same UID with a higher SEQUENCE once re-slotted.
    let found = event::Entity::find().filter(event::Column::Slug.eq("tribes")).one(app.db()).await.unwrap().unwrap();
    let terrace = tribe::domain::community::tribes::slots(app.db(), found.id).await.unwrap().into_iter().find(|s| s.place == "Terrace").unwrap();
    let path = format!("/events/tribes/manage/slots/{}/delete", terrace.id);
    assert_eq!(post_form(&app.client, &path, &[]).await.status(), Status::SeeOther);
    assert_eq!(post_form(&app.client, "/events/tribes/manage/tribes/form", &[("mode", "keep")]).await.status(), Status::SeeOther);
    let ics = browser.get("/events/tribes/tribe/meetup.ics").dispatch().await.into_string().await.unwrap();
    let parsed = calendar_check(&ics, "2027-03-01", "2027-03-31");
    assert_eq!(parsed["events"][0]["uid"], uid.as_str());
    assert_eq!(parsed["events"][0]["location"], "Lobby");
    assert!(parsed["events"][0]["sequence"].as_i64().unwrap() >= 1);
}

#[rocket::async_test]
async fn mixed_tables_seat_one_of_each_chosen_role_at_every_table() {
    let app = TestApp::new().await;
    let conf = conference(&app, "tables", &["Patient", "Clinician", "Administrator", "Other"]).await;
    let mut tokens = Vec::new();
    for (role, count) in [("Patient", 3), ("Clinician", 4), ("Administrator", 3), ("Other", 2)] {
        for i in 0..count {
            tokens.push(attendee(&app, &conf, &format!("{role} {i}"), Some(role), json!({})).await.token);
        }
    }
    let wanted: Vec<String> = ["Patient", "Clinician", "Administrator"].iter().map(|r| conf.role(r).to_string()).collect();
    let mut fields = vec![("plan_title", "Patients at the table"), ("table_size", "4")];
    for id in &wanted {
        fields.push(("plan_roles", id.as_str()));
    }
    let response = post_form(&app.client, "/events/tables/manage/tables", &fields).await;
    assert_eq!(response.status(), Status::SeeOther, "{:?}", response.into_string().await);
    let mut seen = std::collections::BTreeMap::new();
    for token in &tokens {
        let (_, mine) = get_json(&app.client, "/api/events/tables/my-tables", token).await;
        let table = &mine[0]["table"];
        seen.insert(table["number"].as_i64().unwrap(), table.clone());
    }
    assert_eq!(seen.len(), 3, "12 people at tables of 4");
    for table in seen.values() {
        assert_eq!(table["people"].as_array().unwrap().len(), 4);
        let roles: Vec<&str> = table["people"].as_array().unwrap().iter().map(|p| p["role"].as_str().unwrap()).collect();
        for role in ["Patient", "Clinician", "Administrator"] {
            assert!(roles.contains(&role), "{roles:?}");
        }
        assert_eq!(table["missing_roles"], json!([]));
    }
    // More roles than seats is refused with a message, not a 500.
    let mut fields = vec![("plan_title", "Too many"), ("table_size", "2")];
    for id in &wanted {
        fields.push(("plan_roles", id.as_str()));
    }
    let response = post_form(&app.client, "/events/tables/manage/tables", &fields).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("cannot seat 3 different roles"));
}

#[rocket::async_test]
async fn only_the_events_organizers_manage_its_community() {
    let app = TestApp::new().await;
    let conf = conference(&app, "guarded", &["Clinician"]).await;
    let ada = attendee(&app, &conf, "Ada Attendee", Some("Clinician"), json!({})).await;
    let other = app.another_instance().await;
    organizer_with_event(&other, "other-org@example.org", "theirs", "conference").await;
    let attendee_browser = browser_for(&app, "ada.attendee@example.org").await;
    let anonymous = app.another_instance().await;
    let token = csrf(&anonymous).await;
    for path in
        ["/events/guarded/manage/roles", "/events/guarded/manage/tribes/form", "/events/guarded/manage/slots", "/events/guarded/manage/tables"]
    {
        assert_eq!(post_form(&other, path, &[("role_name", "Hacker")]).await.status(), Status::Forbidden, "{path} by another event's organizer");
        assert_eq!(post_form(&attendee_browser, path, &[("role_name", "Hacker")]).await.status(), Status::Forbidden, "{path} by an attendee");
        let response = anonymous.post(path).header(ContentType::Form).body(form_body(&[("_csrf", &token), ("role_name", "Hacker")])).dispatch().await;
        assert_eq!(response.status(), Status::SeeOther, "{path} anonymously");
        assert!(response.headers().get_one("Location").unwrap_or_default().starts_with("/login"), "{path}: anonymous people are sent to log in");
    }
    assert_eq!(other.get("/events/guarded/manage/community").dispatch().await.status(), Status::Forbidden);
    // Attendees change their own role, to one of this event's roles only.
    let role = conf.role("Clinician").to_string();
    assert_eq!(post_form(&attendee_browser, "/events/guarded/role", &[("role", &role)]).await.status(), Status::SeeOther);
    let foreign = event_role::Entity::find().all(app.db()).await.unwrap().into_iter().map(|r| r.id).max().unwrap() + 1000;
    let response = post_form(&attendee_browser, "/events/guarded/role", &[("role", &foreign.to_string())]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let kept = registration::Entity::find().filter(registration::Column::UserId.eq(ada.id)).one(app.db()).await.unwrap().unwrap();
    assert_eq!(kept.role_id, Some(conf.role("Clinician")), "a role of another event is refused");
}

/// The token on a registration's badge, signed with the event's key.
pub(crate) async fn badge_token(app: &TestApp, registration_id: i32, event_id: i32) -> String {
    let kek = app.client.rocket().state::<tribe::web::AppState>().unwrap().config.key_encryption_key;
    tribe::domain::badges::keys::signing_key(app.db(), &kek, event_id).await.unwrap().token(registration_id, event_id)
}

#[rocket::async_test]
async fn door_scanners_check_in_through_the_api_once_and_refuse_bad_badges() {
    let app = TestApp::new().await;
    let conf = conference(&app, "door", &["Clinician"]).await;
    let guest = attendee(&app, &conf, "Gus Guest", Some("Clinician"), json!({})).await;
    let found = registration::Entity::find().filter(registration::Column::UserId.eq(guest.id)).one(app.db()).await.unwrap().unwrap();
    let token = badge_token(&app, found.id, found.event_id).await;
    let organizer_token = api_token(&app.client, "org-door@example.org", "a long password").await;
    let scan = |body: Value, bearer_token: String| {
        let client = &app.client;
        async move {
            let response = client
                .post("/api/events/door/checkins")
                .header(ContentType::JSON)
                .header(bearer(&bearer_token))
                .body(body.to_string())
                .dispatch()
                .await;
            let status = response.status();
            (status, response.into_json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // The whole URL a camera reads works as well as the bare token.
    let (status, first) = scan(json!({"token": format!("http://127.0.0.1:8000/b/{token}")}), organizer_token.clone()).await;
    assert_eq!(status, Status::Created);
    assert_eq!(first["first_time"], true);
    let (status, again) = scan(json!({"token": token}), organizer_token.clone()).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(again["checked_in_at"], first["checked_in_at"], "the earlier time");
    // An attendee cannot check people in.
    assert_eq!(scan(json!({"token": token}), guest.token.clone()).await.0, Status::Forbidden);
    // Forged and altered tokens are 404; another event's badge too.
    assert_eq!(scan(json!({"token": "r1e1.AAAAAAAAAAAAAAAAAAAAAA"}), organizer_token.clone()).await.0, Status::NotFound);
    let elsewhere = tribe::domain::badges::EventKey::from_seed(&[1u8; 32]).token(found.id, found.event_id + 1);
    assert_eq!(scan(json!({"token": elsewhere}), organizer_token.clone()).await.0, Status::NotFound);
    // Signed with a key this server never made for the event: refused too.
    let foreign = tribe::domain::badges::EventKey::from_seed(&[2u8; 32]).token(found.id, found.event_id);
    assert_eq!(scan(json!({"token": foreign}), organizer_token.clone()).await.0, Status::NotFound);
    // Live numbers.
    let (status, stats) = get_json(&app.client, "/api/events/door/checkins/stats", &organizer_token).await;
    assert_eq!(status, Status::Ok);
    assert_eq!((stats["checked_in"].as_i64(), stats["registered"].as_i64()), (Some(1), Some(1)));
    assert_eq!(stats["by_role"][0]["name"], "Clinician");
    let page = app.client.get("/events/door/manage/attendees").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("1 of 1 checked in"));
    // A cancelled registration's badge is 410, as problem JSON.
    let other = attendee(&app, &conf, "Cy Cancelled", Some("Clinician"), json!({})).await;
    let cancelled = registration::Entity::find().filter(registration::Column::UserId.eq(other.id)).one(app.db()).await.unwrap().unwrap();
    let response = app.client.delete(format!("/api/registrations/{}", cancelled.id)).header(bearer(&other.token)).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let (status, problem) = scan(json!({"token": badge_token(&app, cancelled.id, cancelled.event_id).await}), organizer_token.clone()).await;
    assert_eq!(status, Status::Gone);
    assert_eq!(problem["status"], 410);
}

async fn token_of(app: &TestApp, user_id: i32) -> String {
    let found = registration::Entity::find().filter(registration::Column::UserId.eq(user_id)).one(app.db()).await.unwrap().unwrap();
    badge_token(app, found.id, found.event_id).await
}

#[rocket::async_test]
async fn attendees_who_scan_a_badge_connect_with_its_holder() {
    let app = TestApp::new().await;
    let conf = conference(&app, "scan", &["Clinician"]).await;
    let sharer = attendee(&app, &conf, "Sue Sharer", Some("Clinician"), json!({"share_on_scan": true, "handle_x": "@sue"})).await;
    let asker = attendee(&app, &conf, "Al Asked", Some("Clinician"), json!({"visibility": "hidden"})).await;
    attendee(&app, &conf, "Sam Scanner", Some("Clinician"), json!({})).await;
    let scanner = browser_for(&app, "sam.scanner@example.org").await;
    // Share-on-scan: one press exchanges contacts.
    let token = token_of(&app, sharer.id).await;
    let page = scanner.get(format!("/b/{token}")).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Connect with Sue Sharer") && page.contains("Exchange contacts now"));
    let path = format!("/b/{token}/connect");
    assert_eq!(post_form(&scanner, &path, &[]).await.status(), Status::SeeOther);
    let page = scanner.get(format!("/people/{}", sharer.id)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("@sue"), "connected at once: the handle shows");
    // Otherwise a request; even a hidden profile's holder can be asked by someone who met them,
    // and nothing of their profile is shown.
    let token = token_of(&app, asker.id).await;
    let page = scanner.get(format!("/b/{token}")).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Ask to connect"));
    let path = format!("/b/{token}/connect");
    let response = post_form(&scanner, &path, &[("note", "Met at the door")]).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        response.headers().get_one("Location"),
        Some(format!("/b/{token}").as_str()),
        "back to the scan, not to a profile the scanner may not see"
    );
    let page = scanner.get(format!("/b/{token}")).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Your request is waiting for Al Asked"));
    let (_, overview) = get_json(&app.client, "/api/me/connections", &asker.token).await;
    assert_eq!(overview["incoming"][0]["note"], "Met at the door");
    // Someone not at the event sees no connect button and cannot connect.
    let stranger = app.another_instance().await;
    sign_up(&stranger, "stranger@example.org", "Stranger", "a long password").await;
    let page = stranger.get(format!("/b/{token}")).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("Ask to connect") && !page.contains("Al Asked"));
    assert_eq!(post_form(&stranger, &path, &[]).await.status(), Status::Forbidden);
}

/// Connect requests sent all at once (double clicks, two tabs, a script)
/// each get a clear answer: one request per pair, the rest 409, never a 500.
/// On SQLite, read-then-write transactions used to collide here
/// ("database is locked", found by schemathesis).
#[rocket::async_test]
async fn simultaneous_connect_requests_get_one_request_per_pair_and_clear_conflicts() {
    let app = TestApp::new().await;
    let conf = conference(&app, "rush", &["Clinician"]).await;
    let asker = attendee(&app, &conf, "Rita Rush", Some("Clinician"), json!({"visibility": "attendees"})).await;
    let mut others = Vec::new();
    for i in 0..8 {
        others.push(attendee(&app, &conf, &format!("Peer Number{i}"), Some("Clinician"), json!({"visibility": "attendees"})).await.id);
    }
    let client = std::sync::Arc::new(app.another_instance().await);
    let mut tasks = Vec::new();
    for other in others.iter().chain(others.iter()).chain(others.iter()) {
        let (client, token, other) = (client.clone(), asker.token.clone(), *other);
        tasks.push(tokio::spawn(async move {
            let response = client
                .post("/api/me/connections")
                .header(ContentType::JSON)
                .header(bearer(&token))
                .body(json!({"user_id": other}).to_string())
                .dispatch()
                .await;
            response.status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap().code);
    }
    let created = statuses.iter().filter(|s| **s == 201 || **s == 200).count();
    assert!(statuses.iter().all(|s| [200, 201, 409].contains(s)), "{statuses:?}");
    assert_eq!(created, 8, "one request per pair: {statuses:?}");
    let rows = tribe::db::entities::connection::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(rows.len(), 8);
}

#[rocket::async_test]
async fn the_directory_comes_a_page_at_a_time_and_the_pages_keep_the_filters() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let browser = app.another_instance().await;
    assert_eq!(log_in(&browser, "attendee001@example.org", "tribe-demo").await.status(), Status::SeeOther);
    let cards = |page: &str| page.matches(r#"<article class="person-card">"#).count();
    let first = browser.get("/events/hitmc/people").dispatch().await.into_string().await.unwrap().replace("&#x3D;", "=");
    let total: usize = regex::Regex::new(r"1–24 of (\d+) people").unwrap().captures(&first).expect("a count")[1].parse().unwrap();
    assert!(total > 100, "the demo has many people: {total}");
    assert_eq!(cards(&first), 24, "one page, not everyone");
    assert!(first.contains(r#"href="/events/hitmc/people?page=2" rel="next""#));
    assert!(!first.contains(r#"rel="prev""#));
    let last_page = total.div_ceil(24);
    let last = browser.get(format!("/events/hitmc/people?page={last_page}")).dispatch().await.into_string().await.unwrap();
    assert_eq!(cards(&last), total - 24 * (last_page - 1));
    assert!(!last.contains(r#"rel="next""#) && last.contains(r#"rel="prev""#));
    // Past the end is the last page, not an empty one.
    assert_eq!(cards(&browser.get("/events/hitmc/people?page=999").dispatch().await.into_string().await.unwrap()), cards(&last));
    // A filter narrows the count, and its pages keep it.
    let nurses = browser.get("/events/hitmc/people?organization=a").dispatch().await.into_string().await.unwrap().replace("&#x3D;", "=");
    if nurses.contains("rel=\"next\"") {
        assert!(nurses.contains("organization=a&amp;page=2"), "{nurses}");
    }
}

/// The pool behind suggestions is kept (agendas change all morning), yet a
/// person's own stars count at once; a workshop seat moves the pages but
/// leaves the kept attendees, and a registration renews them.
#[rocket::async_test]
async fn own_stars_count_in_suggestions_at_once_and_only_people_changes_renew_the_kept_attendees() {
    let app = TestApp::new().await;
    let conf = conference(&app, "kept", &["Nurse"]).await;
    let mut fields = crate::schedules::session_fields("Charting workshop", "2027-03-13T10:00", "2027-03-13T11:00", "Lab", "");
    fields.push(("capacity", "10"));
    add_room(&app.client, "kept", "Lab").await;
    let (status, page) = add_session(&app.client, "kept", &fields).await;
    assert_eq!(status, Status::SeeOther, "{page}");
    let workshop = session::Entity::find().filter(session::Column::Title.eq("Charting workshop")).one(app.db()).await.unwrap().unwrap().id;
    let star = |token: String| {
        let client = &app.client;
        async move { client.put(format!("/api/me/agenda/{workshop}")).header(bearer(&token)).dispatch().await.status() }
    };
    let revisions = || async {
        let found = event::Entity::find().filter(event::Column::Slug.eq("kept")).one(app.db()).await.unwrap().unwrap();
        (found.page_revision, found.people_revision)
    };

    let ann = attendee(&app, &conf, "Ann Nurse", Some("Nurse"), json!({})).await;
    let bea = attendee(&app, &conf, "Bea Nurse", Some("Nurse"), json!({})).await;
    assert_eq!(star(bea.token.clone()).await.class(), rocket::http::StatusClass::Success);
    let (_, found) = get_json(&app.client, "/api/events/kept/matches", &ann.token).await;
    assert_eq!(found["matches"][0]["why"], "same role", "{found}");

    let (pages, people) = revisions().await;
    assert_eq!(star(ann.token.clone()).await.class(), rocket::http::StatusClass::Success);
    let (_, found) = get_json(&app.client, "/api/events/kept/matches", &ann.token).await;
    assert_eq!(found["matches"][0]["why"], "1 session in common", "Ann's own star counts at once: {found}");
    assert_eq!(revisions().await, (pages + 1, people), "a seat taken moves the pages (seats left), not who attends");

    // Cat registers (and nothing else: no profile saved).
    let hash = tribe::domain::accounts::passwords::hash_blocking("a long password").unwrap();
    let cat = tribe::domain::accounts::insert_user(app.db(), "cat.nurse@example.org", "Cat Nurse", hash, false).await.unwrap();
    let cat_token = tribe::domain::accounts::api_tokens::create(app.db(), cat.id, "test").await.unwrap().1;
    let body = json!({"ticket_type_id": conf.ticket_id, "role": conf.role("Nurse")});
    let response = app
        .client
        .post("/api/events/kept/registrations")
        .header(ContentType::JSON)
        .header(bearer(&cat_token))
        .body(body.to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Created);
    let (_, after) = revisions().await;
    assert!(after > people, "a registration renews the kept attendees");
    let (_, found) = get_json(&app.client, "/api/events/kept/matches", &ann.token).await;
    assert!(found["matches"].as_array().unwrap().iter().any(|m| m["person"]["name"] == "Cat Nurse"), "{found}");
}
