//! Live chat rooms: real time over SSE (two readers, resume after a
//! reconnect, across instances on PostgreSQL), topics on schedule with a
//! controlled clock, moderation, rate limits, escaping, transcripts.

use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;
use tribe::db::entities::event;
use tribe::domain::chats::room as chat_room;

use crate::support::*;

/// A weekly chat whose occurrence of a week ago is over and whose
/// occurrence of today started ten minutes ago, with topics T1..T3 today.
pub(crate) struct Chat {
    pub(crate) slug: String,
    pub(crate) live: String,
    past: String,
    live_start: DateTime<Utc>,
    past_start: DateTime<Utc>,
}

pub(crate) async fn chat(app: &TestApp, slug: &str) -> Chat {
    sign_up(&app.client, &format!("host-{slug}@example.org"), "Hanna Host", "a long password").await;
    let start = (Utc::now() - Span::minutes(10) - Span::days(7)).format("%Y-%m-%dT%H:%M").to_string();
    let end = (Utc::now() + Span::days(60)).format("%Y-%m-%dT%H:%M").to_string();
    let response = post_form(
        &app.client,
        "/events",
        &[
            ("title", "#hcldr"),
            ("slug", slug),
            ("kind", "online_chat"),
            ("time_zone", "UTC"),
            ("starts_at", &start),
            ("ends_at", &end),
            ("chat_opening_message", "We will assume all posts during the hour are your own and not those of your employers."),
            ("chat_message_limit", "280"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther, "{:?}", response.into_string().await);
    post_form(&app.client, &format!("/events/{slug}/manage/publish"), &[("published", "true")]).await;
    let found = event::Entity::find().filter(event::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap();
    let starts = tribe::domain::chats::rule_starts(&found);
    let now = Utc::now();
    let live_start = *starts.iter().find(|s| **s <= now && **s + Span::minutes(60) > now).expect("a live occurrence");
    let past_start = live_start - Span::days(7);
    let form = tribe::domain::chats::OccurrenceForm {
        scheduled_start: live_start.to_rfc3339(),
        status: "scheduled".into(),
        starts_at: String::new(),
        topics: "Patient portals | Who reads them?\nBurnout\nAI scribes".into(),
        topics_shown: "live".into(),
    };
    tribe::domain::chats::save_occurrence(app.db(), &found, &form).await.unwrap();
    Chat { slug: slug.to_owned(), live: chat_room::key_of(live_start), past: chat_room::key_of(past_start), live_start, past_start }
}

impl Chat {
    pub(crate) fn room(&self, key: &str) -> String {
        format!("/events/{}/chats/{key}", self.slug)
    }

    fn api(&self, key: &str) -> String {
        format!("/api/events/{}/chats/{key}/messages", self.slug)
    }
}

fn hub(app: &TestApp) -> std::sync::Arc<chat_room::hub::ChatHub> {
    app.client.rocket().state::<tribe::web::AppState>().unwrap().chat.clone()
}

async fn room_of(app: &TestApp, chat: &Chat, key: &str) -> chat_room::Room {
    let found = event::Entity::find().filter(event::Column::Slug.eq(&chat.slug)).one(app.db()).await.unwrap().unwrap();
    chat_room::find(app.db(), &found, key).await.unwrap()
}

/// A person with an API token (password "a long password").
pub(crate) async fn person(app: &TestApp, name: &str, profile: Value) -> (tribe::db::entities::user::Model, String) {
    let hash = tribe::domain::accounts::passwords::hash_blocking("a long password").unwrap();
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    let account = tribe::domain::accounts::insert_user(app.db(), &email, name, hash, false).await.unwrap();
    let token = tribe::domain::accounts::api_tokens::create(app.db(), account.id, "test").await.unwrap().1;
    let response = app.client.put("/api/me/profile").header(ContentType::JSON).header(bearer(&token)).body(profile.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    (account, token)
}

async fn say(client: &Client, chat: &Chat, token: &str, body: Value) -> (Status, Value) {
    let response = client.post(chat.api(&chat.live)).header(ContentType::JSON).header(bearer(token)).body(body.to_string()).dispatch().await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or(Value::Null))
}

/// Reads Server-Sent Events off a streaming response.
struct Sse<'c> {
    response: LocalResponse<'c>,
    buffer: String,
}

#[derive(Debug, Clone)]
struct SseEvent {
    id: Option<i32>,
    kind: String,
    data: String,
}

impl<'c> Sse<'c> {
    async fn open(client: &'c Client, path: String, last_event_id: Option<i32>) -> Sse<'c> {
        let mut request = client.get(path);
        if let Some(id) = last_event_id {
            request = request.header(Header::new("Last-Event-ID", id.to_string()));
        }
        let response = request.dispatch().await;
        assert_eq!(response.status(), Status::Ok);
        assert_eq!(response.content_type(), Some(ContentType::EventStream));
        Sse { response, buffer: String::new() }
    }

    /// The next event other than the reader count, or `None` after `wait`.
    async fn next(&mut self, wait: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = SseEvent { id: None, kind: "message".into(), data: String::new() };
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        event.id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event.kind = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        event.data.push_str(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                if !event.data.is_empty() && event.kind != "readers" {
                    return Some(event);
                }
            }
            let mut chunk = [0u8; 4096];
            let read = tokio::time::timeout_at(deadline, self.response.read(&mut chunk)).await.ok()?.ok()?;
            if read == 0 {
                return None;
            }
            self.buffer.push_str(&String::from_utf8_lossy(&chunk[..read]));
        }
    }

    /// Whether the server ends the stream within `wait` (rather than it
    /// staying open with nothing to say).
    async fn ends_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let mut chunk = [0u8; 4096];
            match tokio::time::timeout_at(deadline, self.response.read(&mut chunk)).await {
                Err(_) => return false,
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue,
            }
        }
    }

    async fn text_of_next(&mut self) -> (i32, String, Value) {
        let event = self.next(Duration::from_secs(5)).await.expect("an event within 5 s");
        (event.id.expect("an id"), event.kind, serde_json::from_str(&event.data).unwrap())
    }
}

#[rocket::async_test]
async fn two_readers_get_a_third_persons_message_and_a_reconnect_misses_nothing() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-live").await;
    let (_, writer) = person(&app, "Wanda Writer", json!({})).await;
    // Two pages open on this instance (on SQLite one process serves a room;
    // instances sharing PostgreSQL are tested below). Reading needs no account.
    let stream = format!("{}/stream", chat.room(&chat.live));
    let mut first = Sse::open(&app.client, stream.clone(), None).await;
    let mut second = Sse::open(&app.client, stream.clone(), None).await;

    let (status, _) = say(&app.client, &chat, &writer, json!({"body": "T1: hello from the third"})).await;
    assert_eq!(status, Status::Created);
    for reader in [&mut first, &mut second] {
        let (_, kind, message) = reader.text_of_next().await;
        assert_eq!(kind, "message");
        assert_eq!(message["text"], "T1: hello from the third");
        assert_eq!(message["author"], "Wanda Writer");
    }
    let (seen, _, _) = {
        say(&app.client, &chat, &writer, json!({"body": "second"})).await;
        first.text_of_next().await
    };
    // The first reader goes away; two more messages are posted meanwhile.
    drop(first);
    say(&app.client, &chat, &writer, json!({"body": "while you were away 1"})).await;
    say(&app.client, &chat, &writer, json!({"body": "while you were away 2"})).await;
    let mut again = Sse::open(&app.client, stream.clone(), Some(seen)).await;
    let (id_1, _, m1) = again.text_of_next().await;
    let (id_2, _, m2) = again.text_of_next().await;
    assert_eq!((m1["text"].as_str(), m2["text"].as_str()), (Some("while you were away 1"), Some("while you were away 2")));
    assert!(seen < id_1 && id_1 < id_2);
    assert!(again.next(Duration::from_millis(300)).await.is_none(), "nothing twice");
    // The page without JavaScript lists them too, and how many read.
    let page = app.another_instance().await.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("while you were away 2") && page.contains("reading") && page.contains("Log in to post"), "{page}");
}

#[rocket::async_test]
async fn topics_and_the_opening_go_out_at_their_offsets_once() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-clock").await;
    let (hub, start) = (hub(&app), chat.live_start);
    let due = |minutes: i64| {
        let (db, hub) = (app.db().clone(), hub.clone());
        async move { chat_room::topics::post_due(&db, &hub, start + Span::minutes(minutes)).await.unwrap() }
    };
    assert_eq!(due(0).await, 1, "the opening message at the start");
    assert_eq!(due(4).await, 0, "T1 is due at five minutes");
    assert_eq!(due(5).await, 1);
    assert_eq!(due(6).await, 0, "once");
    // A second instance running the same job posts nothing twice.
    assert_eq!(due(21).await + due(21).await, 1, "T2 at 21 minutes");
    // The host posts T3 early by hand; the schedule then has nothing left.
    let next = format!("{}/topics/next", chat.room(&chat.live));
    let response = post_form(&app.client, &next, &[]).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(due(40).await, 0);
    let events: Value = app.client.get(format!("{}?since=0", chat.api(&chat.live))).dispatch().await.into_json().await.unwrap();
    let texts: Vec<&str> = events["events"].as_array().unwrap().iter().map(|e| e["data"]["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        vec![
            "We will assume all posts during the hour are your own and not those of your employers.",
            "T1: Patient portals — Who reads them?",
            "T2: Burnout",
            "T3: AI scribes",
        ]
    );
    // Answers go to the newest topic by default.
    let (_, token) = person(&app, "Tia Topic", json!({})).await;
    let (_, answer) = say(&app.client, &chat, &token, json!({"body": "scribes save me an hour"})).await;
    assert_eq!(answer["topic"], "T3");
    let (_, other) = say(&app.client, &chat, &token, json!({"body": "back to portals", "topic": "T1"})).await;
    assert_eq!(other["topic"], "T1");
    let (status, _) = say(&app.client, &chat, &token, json!({"body": "x", "topic": "T9"})).await;
    assert_eq!(status, Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn hosts_hide_messages_from_every_page_and_the_transcript() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-hide").await;
    let (_, token) = person(&app, "Rude Rob", json!({})).await;
    let (_, kept) = say(&app.client, &chat, &token, json!({"body": "a fair point"})).await;
    let (_, rude) = say(&app.client, &chat, &token, json!({"body": "something rude"})).await;
    let reader_browser = app.another_instance().await;
    let stream = format!("{}/stream", chat.room(&chat.live));
    let mut reader = Sse::open(&app.client, stream.clone(), None).await;
    let (last, _, _) = {
        reader.text_of_next().await;
        reader.text_of_next().await
    };
    let robbie = app.another_instance().await;
    log_in(&robbie, "rude.rob@example.org", "a long password").await;
    // The author corrects a message: every page gets the new text.
    let own_page = robbie.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(own_page.contains(&format!("{}/messages/{}/edit", chat.room(&chat.live), kept["id"])), "an edit form for their own messages");
    let edit = format!("{}/messages/{}/edit", chat.room(&chat.live), kept["id"]);
    assert_eq!(post_form(&robbie, &edit, &[("body", "a fair point, well made")]).await.status(), Status::SeeOther);
    // (Robbie's browser is another instance here; on SQLite one process
    // serves a room, so the edit is read back as a page resuming would.)
    let events: Value = app.client.get(format!("{}?since={last}", chat.api(&chat.live))).dispatch().await.into_json().await.unwrap();
    let edited = &events["events"][0];
    assert_eq!(
        (edited["type"].as_str(), edited["data"]["text"].as_str(), edited["data"]["edited"].as_bool()),
        (Some("edited"), Some("a fair point, well made"), Some(true))
    );
    assert_eq!(post_form(&app.client, &edit, &[("body", "not yours")]).await.status(), Status::Forbidden, "only the author edits");
    // An attendee cannot hide; the host can.
    let path = format!("{}/messages/{}/hide", chat.room(&chat.live), rude["id"]);
    assert_eq!(post_form(&robbie, &path, &[("reason", "mine")]).await.status(), Status::Forbidden);
    assert_eq!(post_form(&app.client, &path, &[("reason", "insulting")]).await.status(), Status::SeeOther);
    // The open page gets the edit (it reached this instance's pages along
    // with the next event) and then the hide, with only the id.
    let (_, kind, data) = reader.text_of_next().await;
    assert_eq!((kind.as_str(), data["text"].as_str()), ("edited", Some("a fair point, well made")));
    let (_, kind, data) = reader.text_of_next().await;
    assert_eq!((kind.as_str(), &data), ("hidden", &json!({"id": rude["id"]})));
    // Gone from the page, the transcript and any replay; the reason stays for hosts.
    let page = reader_browser.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("something rude") && page.contains("a fair point, well made"));
    let transcript: Value =
        app.client.get(format!("/api/events/{}/chats/{}/transcript", chat.slug, chat.live)).dispatch().await.into_json().await.unwrap();
    assert!(!transcript.to_string().contains("something rude") && transcript.to_string().contains("a fair point"));
    let mut replay = Sse::open(&reader_browser, stream, Some(0)).await;
    let mut replayed = Vec::new();
    while let Some(event) = replay.next(Duration::from_millis(500)).await {
        replayed.push(event.data);
    }
    assert!(replayed.iter().all(|d| !d.contains("something rude")), "{replayed:?}");
    let host_page = app.client.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(host_page.contains("insulting"), "hosts see why");
    assert!(last > 0 && kept["id"].as_i64().is_some());
}

#[rocket::async_test]
async fn muted_blocked_and_hasty_people_get_clear_messages_and_keep_their_text() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-mod").await;
    let (_, fast) = person(&app, "Fay Fast", json!({})).await;
    for i in 0..5 {
        assert_eq!(say(&app.client, &chat, &fast, json!({"body": format!("quick {i}")})).await.0, Status::Created);
    }
    let (status, problem) = say(&app.client, &chat, &fast, json!({"body": "one too many"})).await;
    assert_eq!(status, Status::TooManyRequests);
    assert_eq!(problem["status"], 429);
    let fay = app.another_instance().await;
    log_in(&fay, "fay.fast@example.org", "a long password").await;
    let messages_path = format!("{}/messages", chat.room(&chat.live));
    let form = post_form(&fay, &messages_path, &[("body", "my carefully typed thought"), ("topic", "")]).await;
    assert_eq!(form.status(), Status::UnprocessableEntity);
    let page = form.into_string().await.unwrap();
    assert!(page.contains("You are posting very fast") && page.contains("my carefully typed thought"), "{page}");

    // Mute for this chat.
    let (_, loud) = person(&app, "Lou Loud", json!({})).await;
    let (_, said) = say(&app.client, &chat, &loud, json!({"body": "LOUD"})).await;
    let mute = format!("{}/messages/{}/mute-author", chat.room(&chat.live), said["id"]);
    assert_eq!(post_form(&app.client, &mute, &[]).await.status(), Status::SeeOther);
    let (status, problem) = say(&app.client, &chat, &loud, json!({"body": "still loud"})).await;
    assert_eq!(status, Status::Forbidden);
    assert!(problem["detail"].as_str().unwrap().contains("muted you for this chat"));
    // Block from the series.
    let (_, troll) = person(&app, "Tro Ll", json!({})).await;
    let (_, said) = say(&app.client, &chat, &troll, json!({"body": "bait"})).await;
    let ban = format!("{}/messages/{}/ban-author", chat.room(&chat.live), said["id"]);
    assert_eq!(post_form(&app.client, &ban, &[("reason", "trolling")]).await.status(), Status::SeeOther);
    let tro = app.another_instance().await;
    log_in(&tro, "tro.ll@example.org", "a long password").await;
    let page = tro.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("blocked you from this chat series"), "a clear message, not an error page");
    assert_eq!(say(&app.client, &chat, &troll, json!({"body": "again"})).await.0, Status::Forbidden);
    // Too long is refused with the limit; reports reach the hosts.
    let (_, calm) = person(&app, "Cal Calm", json!({})).await;
    let (status, problem) = say(&app.client, &chat, &calm, json!({"body": "x".repeat(281)})).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(problem.to_string().contains("At most 280 characters"));
    let cal = app.another_instance().await;
    log_in(&cal, "cal.calm@example.org", "a long password").await;
    let (_, said) = say(&app.client, &chat, &calm, json!({"body": "fine"})).await;
    let report = format!("{}/messages/{}/report", chat.room(&chat.live), said["id"]);
    assert_eq!(post_form(&cal, &report, &[("reason", "testing")]).await.status(), Status::SeeOther);
    let host_page = app.client.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(host_page.contains("1 reports"));
    // Posting needs an account.
    let anonymous = app.another_instance().await;
    let response = anonymous.post(chat.api(&chat.live)).header(ContentType::JSON).body(json!({"body": "hi"}).to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn what_people_write_comes_back_escaped_with_links() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-xss").await;
    let (_, token) = person(&app, "Xena <b>Bold</b>", json!({})).await;
    let (status, view) = say(&app.client, &chat, &token, json!({"body": "<script>alert(1)</script> see https://example.org/a?b=1&c=<i>"})).await;
    assert_eq!(status, Status::Created);
    assert!(view["html"].as_str().unwrap().starts_with("&lt;script&gt;alert(1)&lt;/script&gt; see <a href=\"https://example.org/a?b=1&amp;c=\""));
    let page = app.another_instance().await.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("<script>alert(1)") && page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<b>Bold</b>") && page.contains("Xena &lt;b&gt;Bold&lt;/b&gt;"));
    assert!(page.contains(r#"<a href="https://example.org/a?b=1&amp;c=" rel="nofollow noopener ugc">"#));
}

#[rocket::async_test]
async fn the_transcript_groups_by_topic_nests_replies_and_counts() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-log").await;
    chat_room::topics::post_due(app.db(), &hub(&app), chat.live_start + Span::minutes(22)).await.unwrap();
    let (_, ann) = person(&app, "Ann Answer", json!({})).await;
    let (_, ben) = person(&app, "Ben Reply", json!({})).await;
    let (_, cy) = person(&app, "Cy Quote", json!({})).await;
    let (_, shy) = person(&app, "Shy Person", json!({"visibility": "hidden"})).await;
    let (_, a) = say(&app.client, &chat, &ann, json!({"body": "portals are unread", "topic": "T1"})).await;
    let (_, b) = say(&app.client, &chat, &ben, json!({"body": "agreed", "topic": "T1", "reply_to": a["id"]})).await;
    say(&app.client, &chat, &ann, json!({"body": "thanks Ben", "topic": "T1", "reply_to": b["id"]})).await;
    let (_, c) = say(&app.client, &chat, &cy, json!({"body": "MT @Ann: so true", "topic": "T1", "quote_of": a["id"]})).await;
    assert_eq!(c["quote"]["author"], "Ann Answer");
    say(&app.client, &chat, &shy, json!({"body": "burnout is real", "topic": "T2"})).await;
    say(&app.client, &chat, &ann, json!({"body": "off topic hello", "topic": "none"})).await;

    let t: Value = app.client.get(format!("/api/events/{}/chats/{}/transcript", chat.slug, chat.live)).dispatch().await.into_json().await.unwrap();
    let labels: Vec<Value> = t["sections"].as_array().unwrap().iter().map(|s| s["label"].clone()).collect();
    assert_eq!(labels, vec![json!("T1"), json!("T2"), Value::Null]);
    let t1 = &t["sections"][0];
    assert_eq!(t1["messages"], 4);
    assert_eq!(t1["threads"][0]["message"]["text"], "portals are unread");
    assert_eq!(t1["threads"][0]["replies"][0]["message"]["text"], "agreed");
    assert_eq!(t1["threads"][0]["replies"][0]["replies"][0]["message"]["text"], "thanks Ben");
    assert_eq!(t1["threads"][1]["message"]["quote"]["text"], "portals are unread");
    assert_eq!(t["sections"][1]["threads"][0]["message"]["author"], "a participant", "a hidden profile is never named");
    assert_eq!(t["numbers"]["participants"], 4);
    assert_eq!(t["numbers"]["messages"], 6);
    assert_eq!(t["numbers"]["top_posters"][0], json!({"name": "Ann Answer", "messages": 3}));
    assert!(!t["numbers"]["top_posters"].to_string().contains("a participant"));
    assert!(!t.to_string().contains("Shy Person"));
    assert!(t["opening"].as_str().unwrap().starts_with("We will assume"));
    // What the API returns is what the OpenAPI document says.
    let document: Value = app.client.get("/api/openapi.json").dispatch().await.into_json().await.unwrap();
    for (schema, value) in [("ChatTranscript", &t), ("ChatMessage", &c)] {
        let schema = json!({"$ref": format!("#/components/schemas/{schema}"), "components": document["components"]});
        let validator = jsonschema::draft202012::options().build(&schema).expect("the schema compiles");
        let problems: Vec<String> = validator.iter_errors(value).map(|e| e.to_string()).collect();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!validator.is_valid(&json!({"id": "not a number"})), "the schema has teeth");
    }
    let markdown = app.client.get(format!("{}/transcript.md", chat.room(&chat.live))).dispatch().await.into_string().await.unwrap();
    assert!(
        markdown.contains("## T1: Patient portals")
            && markdown.contains("  - **Ben Reply**")
            && markdown.contains("> Ann Answer: portals are unread")
    );
    let csv = app.client.get(format!("{}/transcript.csv", chat.room(&chat.live))).dispatch().await.into_string().await.unwrap();
    assert_eq!(csv.lines().count(), 7, "a header and six messages");
    let page = app.client.get(format!("{}/transcript", chat.room(&chat.live))).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("4 participants, 6 messages"));
}

#[rocket::async_test]
async fn ideas_become_credited_topics_and_past_transcripts_are_searchable() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-ideas").await;
    let next_week = chat_room::key_of(chat.live_start + Span::days(7));
    let (_, token) = person(&app, "Ida Idea", json!({})).await;
    let ida = app.another_instance().await;
    log_in(&ida, "ida.idea@example.org", "a long password").await;
    let ideas = format!("{}/ideas", chat.room(&next_week));
    assert_eq!(post_form(&ida, &ideas, &[("idea", "Wearables in clinics")]).await.status(), Status::SeeOther);
    let page = ida.get(chat.room(&next_week)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("The room opens") && page.contains("Wearables in clinics"), "before: a countdown and the ideas");
    let room = room_of(&app, &chat, &next_week).await;
    let idea = chat_room::ideas::list(app.db(), &room, None).await.unwrap()[0].clone();
    post_form(&ida, &format!("{ideas}/{}/vote", idea.id), &[]).await;
    assert_eq!(chat_room::ideas::list(app.db(), &room, None).await.unwrap()[0].votes, 1);
    assert_eq!(post_form(&ida, &format!("{ideas}/{}/use", idea.id), &[]).await.status(), Status::Forbidden, "only hosts");
    post_form(&app.client, &format!("{ideas}/{}/use", idea.id), &[]).await;
    let room = room_of(&app, &chat, &next_week).await;
    assert_eq!(room.topics.last().unwrap().title, "Wearables in clinics");
    let when = room.occurrence.starts_at + Span::minutes(i64::from(room.topics.last().unwrap().offset_minutes));
    chat_room::topics::post_due(app.db(), &hub(&app), when).await.unwrap();
    let events: Value = app.client.get(format!("/api/events/{}/chats/{next_week}/messages", chat.slug)).dispatch().await.into_json().await.unwrap();
    assert!(events.to_string().contains("Wearables in clinics (idea from Ida Idea)"), "{events}");

    // Last week's chat, said at the time, is a transcript in the series.
    let past = room_of(&app, &chat, &chat.past).await;
    let (ida_user, _) = (tribe::domain::accounts::find_by_email(app.db(), "ida.idea@example.org").await.unwrap().unwrap(), token);
    let input = chat_room::messages::NewMessage { body: "Telehealth parity matters".into(), ..Default::default() };
    chat_room::messages::post(app.db(), &hub(&app), &past, &ida_user, &input, chat.past_start + Span::minutes(3)).await.unwrap();
    let series = app.another_instance().await.get(format!("/events/{}/chats?q=TELEHEALTH", chat.slug)).dispatch().await.into_string().await.unwrap();
    assert!(
        series.contains("1 participants · 1 messages") && series.contains("Telehealth parity matters") && series.contains("1 messages found"),
        "{series}"
    );
    let closed = app.another_instance().await.get(chat.room(&chat.past)).dispatch().await.into_string().await.unwrap();
    assert!(
        closed.contains("Transcript, grouped by topic") && closed.contains("Telehealth parity matters") && !closed.contains("Say something"),
        "{closed}"
    );
    // A closed room takes no posts.
    let input = chat_room::messages::NewMessage { body: "late".into(), ..Default::default() };
    assert!(chat_room::messages::post(app.db(), &hub(&app), &past, &ida_user, &input, Utc::now()).await.is_err());
}

#[rocket::async_test]
async fn on_postgresql_a_message_posted_through_one_instance_reaches_another() {
    let app = TestApp::new().await;
    if app.db().get_database_backend() != sea_orm::DbBackend::Postgres {
        // One SQLite process serves a room with an in-process broadcast (the tests above).
        return;
    }
    let chat = chat(&app, "hcldr-two").await;
    let (_, token) = person(&app, "Pia Postgres", json!({})).await;
    let other_instance = app.another_instance().await;
    let mut reader = Sse::open(&other_instance, format!("{}/stream", chat.room(&chat.live)), None).await;
    say(&app.client, &chat, &token, json!({"body": "across instances"})).await;
    let (_, _, message) = reader.text_of_next().await;
    assert_eq!(message["text"], "across instances");
}

#[rocket::async_test]
async fn forty_posts_at_once_get_exactly_the_rate_limit_through() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-rush").await;
    let (author, fast) = person(&app, "Rus Rush", json!({})).await;
    let posts = (0..40).map(|i| say(&app.client, &chat, &fast, json!({"body": format!("at once {i}")})));
    let statuses: Vec<Status> = futures::future::join_all(posts).await.into_iter().map(|(status, _)| status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == Status::Created).count(), chat_room::messages::RATE_MESSAGES as usize, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == Status::Created || *s == Status::TooManyRequests));
    use sea_orm::PaginatorTrait;
    let stored = tribe::db::entities::chat_message::Entity::find()
        .filter(tribe::db::entities::chat_message::Column::AuthorId.eq(author.id))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(stored, chat_room::messages::RATE_MESSAGES);
}

#[rocket::async_test]
async fn unpublishing_an_event_ends_the_streams_opened_while_it_was_public() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-closing").await;
    let stream = format!("{}/stream", chat.room(&chat.live));
    // On SQLite, streams are served by the instance the writes go through.
    let mut reader = Sse::open(&app.client, stream.clone(), None).await;
    // The opening message (and anything before) comes first; then quiet.
    while reader.next(Duration::from_millis(300)).await.is_some() {}
    assert!(!reader.ends_within(Duration::from_millis(500)).await, "an open stream stays open");
    post_form(&app.client, &format!("/events/{}/manage/publish", chat.slug), &[("published", "false")]).await;
    assert!(reader.ends_within(Duration::from_secs(10)).await, "unpublishing ended it");
    let anonymous = app.another_instance().await;
    assert_eq!(anonymous.get(stream.clone()).dispatch().await.status(), Status::NotFound, "and it cannot be opened again");
    // The team still can.
    let host = Sse::open(&app.client, stream, None).await;
    drop(host);
}

#[rocket::async_test]
async fn a_host_decides_whether_people_see_a_weeks_topics_before_the_chat() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-topics").await;
    let found = event::Entity::find().filter(event::Column::Slug.eq(&chat.slug)).one(app.db()).await.unwrap().unwrap();
    let next_week = chat.live_start + Span::days(7);
    let form = tribe::domain::chats::OccurrenceForm {
        scheduled_start: next_week.to_rfc3339(),
        status: "scheduled".into(),
        starts_at: String::new(),
        topics: "Wearables in clinics | Who reads the data?".into(),
        topics_shown: "before".into(),
    };
    tribe::domain::chats::save_occurrence(app.db(), &found, &form).await.unwrap();
    let reader = app.another_instance().await;
    let next_room = reader.get(chat.room(&chat_room::key_of(next_week))).dispatch().await.into_string().await.unwrap();
    assert!(next_room.contains("The room opens"), "the room is not open yet");
    assert!(next_room.contains("Wearables in clinics") && next_room.contains("Who reads the data?"), "public topics show before it opens");
    // Today's topics were kept for the hour: nobody outside the team sees the unposted ones.
    let live_room = reader.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(!live_room.contains("Burnout"), "a topic kept for the hour is not shown before it is posted");
    let host_room = app.client.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(host_room.contains("Burnout"), "the host sees every topic");
    let event_page = reader.get(format!("/events/{}", chat.slug)).dispatch().await.into_string().await.unwrap();
    assert!(!event_page.contains("Burnout"), "nor does the event page show them");
    let calendar = reader.get(format!("/events/{}/schedule.ics", chat.slug)).dispatch().await.into_string().await.unwrap();
    assert!(!calendar.contains("Burnout") && calendar.contains("Wearables in clinics"), "calendars carry only public topics");
    // Once posted, a topic is public.
    chat_room::topics::post_due(app.db(), &hub(&app), chat.live_start + Span::minutes(22)).await.unwrap();
    let live_room = reader.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(live_room.contains("Burnout"));
    // The organizer's form says which way each week goes, and refuses anything else.
    let weeks = app.client.get(format!("/events/{}/manage/chats", chat.slug)).dispatch().await.into_string().await.unwrap();
    assert!(weeks.contains(r#"<option value="live" selected>"#) && weeks.contains(r#"<option value="before" selected>"#));
    // A week's topics come back exactly as typed, line by line (not indented by the page's layout).
    assert!(weeks.contains(">Patient portals | Who reads them?\nBurnout\nAI scribes</textarea>"), "{weeks}");
    let (path, week) = (format!("/events/{}/manage/occurrences", chat.slug), next_week.to_rfc3339());
    let refused =
        post_form(&app.client, &path, &[("scheduled_start", &week), ("status", "scheduled"), ("topics", "Changed"), ("topics_shown", "sometimes")])
            .await;
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    let next_room = reader.get(chat.room(&chat_room::key_of(next_week))).dispatch().await.into_string().await.unwrap();
    assert!(next_room.contains("Wearables in clinics") && !next_room.contains("Changed"), "a refused change changes nothing");
}

#[rocket::async_test]
async fn message_times_and_busiest_minutes_read_in_the_readers_zone_without_a_script() {
    let app = TestApp::new().await;
    let chat = chat(&app, "hcldr-clock").await;
    let (_, ann) = person(&app, "Ann Clock", json!({})).await;
    let (_, said) = say(&app.client, &chat, &ann, json!({"body": "what time is it for you?", "topic": "none"})).await;
    let at: DateTime<Utc> = said["at"].as_str().unwrap().parse().unwrap();
    let tokyo = at.with_timezone(&chrono_tz::Asia::Tokyo);
    let today_in_tokyo = Utc::now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let expected =
        if tokyo.date_naive() == today_in_tokyo { tokyo.format("%H:%M").to_string() } else { tokyo.format("%a %-d %b, %H:%M").to_string() };
    let reader = app.another_instance().await;
    let chosen = post_form(&reader, "/time-zone", &[("zone", "Asia/Tokyo")]).await;
    assert_eq!(chosen.status(), Status::SeeOther);
    let room = reader.get(chat.room(&chat.live)).dispatch().await.into_string().await.unwrap();
    assert!(room.contains(&format!(r#"<time datetime="{}">{expected}</time>"#, said["at"].as_str().unwrap())), "{expected} in {room}");
    assert!(!room.contains(" UTC</time>"), "no message says UTC");
    let transcript = reader.get(format!("{}/transcript", chat.room(&chat.live))).dispatch().await.into_string().await.unwrap();
    let minute = at.with_timezone(&chrono_tz::Asia::Tokyo).format("%H:%M").to_string();
    assert!(transcript.contains(&format!("{minute}</time> (1)")), "the busiest minute is Tokyo's {minute}");
    // The JSON transcript keeps the event's clock and the instant.
    let t: Value = app.client.get(format!("/api/events/{}/chats/{}/transcript", chat.slug, chat.live)).dispatch().await.into_json().await.unwrap();
    assert_eq!(t["numbers"]["busiest_minutes"][0]["name"], at.format("%H:%M").to_string());
    assert!(t["numbers"]["busiest_minutes"][0]["at"].as_str().unwrap().starts_with(&at.format("%Y-%m-%dT%H:%M").to_string()));
}
