use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use tribe::db::entities::{chat_topic, event, registration, session, user};

use crate::support::*;

#[rocket::async_test]
async fn health_and_readiness_answer_and_readiness_notices_a_lost_database() {
    let app = TestApp::new().await;
    let health = app.client.get("/healthz").dispatch().await;
    assert_eq!(health.status(), Status::Ok);
    let ready = app.client.get("/readyz").dispatch().await;
    assert_eq!(ready.status(), Status::Ok);
    let body: Value = ready.into_json().await.unwrap();
    assert_eq!(body["database"], "ok");

    app.db().clone().close().await.unwrap();
    let ready = app.client.get("/readyz").dispatch().await;
    assert_eq!(ready.status(), Status::ServiceUnavailable);
    assert_eq!(app.client.get("/healthz").dispatch().await.status(), Status::Ok);
}

async fn counts(db: &sea_orm::DatabaseConnection) -> (u64, u64, u64, u64, u64) {
    (
        user::Entity::find().count(db).await.unwrap(),
        event::Entity::find().count(db).await.unwrap(),
        session::Entity::find().count(db).await.unwrap(),
        registration::Entity::find().count(db).await.unwrap(),
        chat_topic::Entity::find().count(db).await.unwrap(),
    )
}

#[rocket::async_test]
async fn the_demo_loads_a_conference_a_weekly_chat_and_200_attendees_once() {
    let app = TestApp::new().await;
    let report = tribe::demo::load(app.db()).await.unwrap();
    assert_eq!(report.events_created, vec!["hitmc", "hcldr", "hcsm-boston"]);
    let first = counts(app.db()).await;
    let again = tribe::demo::load(app.db()).await.unwrap();
    assert!(again.events_created.is_empty() && again.users_created == 0 && again.sessions_created == 0);
    assert_eq!(counts(app.db()).await, first, "a second run adds nothing");

    let hitmc = event::Entity::find().filter(event::Column::Slug.eq("hitmc")).one(app.db()).await.unwrap().unwrap();
    assert_eq!(hitmc.time_zone, "America/New_York");
    assert_eq!((hitmc.ends_at - hitmc.starts_at).num_days(), 2, "three days");
    let sessions = session::Entity::find().filter(session::Column::EventId.eq(hitmc.id)).count(app.db()).await.unwrap();
    assert!(sessions >= 60, "{sessions} sessions");
    let attendees = registration::Entity::find().filter(registration::Column::EventId.eq(hitmc.id)).count(app.db()).await.unwrap();
    assert_eq!(attendees, 200);

    let hcldr = event::Entity::find().filter(event::Column::Slug.eq("hcldr")).one(app.db()).await.unwrap().unwrap();
    assert_eq!(hcldr.kind.to_string(), "online_chat");
    assert_eq!(hcldr.recurrence_rule.as_deref(), Some("FREQ=WEEKLY;BYDAY=TU"));
    assert_eq!(hcldr.recurrence_local_time.as_deref(), Some("20:30"));
    let local = hcldr.starts_at.with_timezone(&chrono_tz::America::New_York);
    assert_eq!(local.format("%a %H:%M").to_string(), "Tue 20:30");
    let topics = chat_topic::Entity::find().all(app.db()).await.unwrap();
    assert!(topics.iter().any(|t| t.position == 4) && topics.iter().all(|t| (1..=4).contains(&t.position)));

    // The demo's people can log in, and the home page shows the events.
    assert_eq!(log_in(&app.client, tribe::demo::ORGANIZER_EMAIL, tribe::demo::DEMO_PASSWORD).await.status(), Status::SeeOther);
    let home = app.client.get("/").dispatch().await.into_string().await.unwrap();
    assert!(home.contains("HITMC") && home.contains("#hcldr"));
    let page = app.client.get("/events/hcldr").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Every Tuesday at 20:30 New York time"), "{page}");
}

fn tribe_command(database_url: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tribe"));
    command.env("TRIBE_DATABASE_URL", database_url).env_remove("ROCKET_PROFILE").current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

#[rocket::async_test]
async fn the_command_line_migrates_loads_the_demo_and_creates_admins() {
    let app = TestApp::new().await;
    let migrate = tribe_command(&app.database_url).arg("migrate").output().unwrap();
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));

    let demo = tribe_command(&app.database_url).arg("demo").output().unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let again = tribe_command(&app.database_url).arg("demo").output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing added"));

    let admin = tribe_command(&app.database_url)
        .args(["admin", "create", "--email", "root@example.org", "--name", "Root"])
        .env("TRIBE_ADMIN_PASSWORD", "an admin password")
        .output()
        .unwrap();
    assert!(admin.status.success(), "{}", String::from_utf8_lossy(&admin.stderr));
    let root = user::Entity::find().filter(user::Column::Email.eq("root@example.org")).one(app.db()).await.unwrap().unwrap();
    assert!(root.is_site_admin);
    let promote = tribe_command(&app.database_url).args(["admin", "create", "--email", "attendee001@example.org"]).output().unwrap();
    assert!(promote.status.success(), "{}", String::from_utf8_lossy(&promote.stderr));
    let promoted = user::Entity::find().filter(user::Column::Email.eq("attendee001@example.org")).one(app.db()).await.unwrap().unwrap();
    assert!(promoted.is_site_admin);

    for sub in [vec!["--help"], vec!["serve", "--help"], vec!["migrate", "--help"], vec!["demo", "--help"], vec!["admin", "create", "--help"]] {
        let help = tribe_command(&app.database_url).args(&sub).output().unwrap();
        assert!(help.status.success() && String::from_utf8_lossy(&help.stdout).contains("Usage"), "{sub:?}");
    }
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    for (variable, value, named) in [
        ("TRIBE_BASE_URL", "not a url", "TRIBE_BASE_URL"),
        ("TRIBE_DATABASE_URL", "mysql://x", "TRIBE_DATABASE_URL"),
        ("ROCKET_PORT", "eighty", "ROCKET_PORT"),
        ("TRIBE_LOGIN_MAX_PER_IP", "many", "TRIBE_LOGIN_MAX_PER_IP"),
        ("TRIBE_KEY_ENCRYPTION_KEY", "c2hvcnQ=", "TRIBE_KEY_ENCRYPTION_KEY"),
        ("TRIBE_SESSION_IDLE_HOURS", "-1", "TRIBE_SESSION_IDLE_HOURS"),
        ("ROCKET_HEADER_READ_TIMEOUT", "soon", "ROCKET_HEADER_READ_TIMEOUT"),
        ("TRIBE_METRICS_TOKEN", "short", "TRIBE_METRICS_TOKEN"),
    ] {
        let output = tribe_command("sqlite::memory:").arg("serve").env(variable, value).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{variable}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{variable}: {stderr}");
        assert!(lines[0].contains(named) && !stderr.contains("panicked"), "{variable}: {stderr}");
    }
    let output = tribe_command("sqlite::memory:").arg("serve").env("ROCKET_PROFILE", "release").env_remove("ROCKET_SECRET_KEY").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ROCKET_SECRET_KEY"));
    // Release also needs its own key-encryption key (badge keys are sealed with it).
    let output = tribe_command("sqlite::memory:")
        .arg("serve")
        .env("ROCKET_PROFILE", "release")
        .env("ROCKET_SECRET_KEY", "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk=")
        .env_remove("TRIBE_KEY_ENCRYPTION_KEY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("TRIBE_KEY_ENCRYPTION_KEY"));
}

/// What Prometheus is configured to send in the tests.
pub(crate) const METRICS_TOKEN: &str = "metrics-token-for-the-tests-0123456789";

/// The value of the one sample named `name` whose labels include `labels`.
fn sample(samples: &[Value], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let matching: Vec<f64> = samples
        .iter()
        .filter(|s| s["name"] == name && labels.iter().all(|(k, v)| s["labels"][*k] == *v))
        .map(|s| s["value"].as_f64().expect("a number"))
        .collect();
    assert!(matching.len() <= 1, "{name} {labels:?}: {} samples", matching.len());
    matching.first().copied()
}

#[rocket::async_test]
async fn metrics_count_requests_by_route_and_report_registrations_jobs_and_chat_streams() {
    use sea_orm::sea_query::Expr;
    let app = TestApp::with(&[("metrics_token", METRICS_TOKEN.to_owned())]).await;
    tribe::demo::load(app.db()).await.unwrap();
    let chat = crate::chats::chat(&app, "metrics-chat").await;
    let db = app.db();
    let hitmc = event::Entity::find().filter(event::Column::Slug.eq("hitmc")).one(db).await.unwrap().unwrap();
    // Three of hitmc's attendees at the door, a print waiting in the queue.
    let arrived: Vec<i32> = registration::Entity::find()
        .filter(registration::Column::EventId.eq(hitmc.id))
        .filter(registration::Column::Status.eq(registration::RegistrationStatus::Confirmed))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .take(3)
        .map(|r| r.id)
        .collect();
    registration::Entity::update_many()
        .col_expr(registration::Column::CheckedInAt, Expr::value(chrono::Utc::now()))
        .filter(registration::Column::Id.is_in(arrived))
        .exec(db)
        .await
        .unwrap();
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    tribe::domain::jobs::enqueue(db, &tribe::domain::jobs::Job::BadgePrint { print_id: 999_999 }, later).await.unwrap();

    let server = app.serve().await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", server.base));
    // An export until the fast path answers it from memory (Rocket's path
    // renders it first; on a busy machine the event row read may be more
    // than the fast path's second old, and Rocket's path answers again).
    let mut through_rocket = 0.0;
    loop {
        let before = server.pages.early_answers();
        assert_eq!(get("/events/hitmc/schedule.xml").send().await.unwrap().status(), 200);
        if server.pages.early_answers() > before {
            break;
        }
        through_rocket += 1.0;
        assert!(through_rocket < 20.0, "the export is never answered from memory");
    }
    // A page with a chosen zone twice: Rocket's path renders it, then finds it kept.
    for _ in 0..2 {
        assert_eq!(get("/events/hitmc").header("Cookie", "tribe_zone=Europe/Berlin").send().await.unwrap().status(), 200);
    }
    // A reader in the live chat room, for as long as the stream is open.
    let mut stream = get(&format!("{}/stream", chat.room(&chat.live))).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    assert!(stream.chunk().await.unwrap().is_some(), "the stream says something");

    // Without the token, or with another, the metrics are refused.
    let anonymous = get("/metrics").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    assert_eq!(get("/metrics").bearer_auth("metrics-token-for-the-tests-0123456788").send().await.unwrap().status(), 401);

    let scrape = get("/metrics").bearer_auth(METRICS_TOKEN).send().await.unwrap();
    assert_eq!(scrape.status(), 200);
    assert!(scrape.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let samples = metrics_samples(&scrape.text().await.unwrap());

    let requests = |route: &str, by: &str, status: &str| {
        sample(&samples, "tribe_http_requests_total", &[("route", route), ("answered_by", by), ("status", status)]).unwrap_or(0.0)
    };
    assert_eq!(requests("/events/<slug>/schedule.xml", "rocket", "200"), through_rocket);
    assert_eq!(requests("/events/<slug>/schedule.xml", "memory", "200"), 1.0);
    assert_eq!(requests("/metrics", "rocket", "401"), 2.0);
    let timed = |route: &str, by: &str| {
        sample(&samples, "tribe_http_request_duration_seconds_count", &[("route", route), ("answered_by", by)]).unwrap_or(0.0)
    };
    assert_eq!((timed("/events/<slug>/schedule.xml", "rocket"), timed("/events/<slug>/schedule.xml", "memory")), (through_rocket, 1.0));
    let slowest = sample(
        &samples,
        "tribe_http_request_duration_seconds_bucket",
        &[("route", "/events/<slug>/schedule.xml"), ("answered_by", "memory"), ("le", "+Inf")],
    )
    .unwrap();
    assert_eq!(slowest, 1.0);
    let lookups = |outcome: &str| sample(&samples, "tribe_page_cache_lookups_total", &[("outcome", outcome)]).unwrap_or(0.0);
    assert!(lookups("render") >= 1.0 && lookups("hit") >= 1.0, "render {} hit {}", lookups("render"), lookups("hit"));
    assert!(sample(&samples, "tribe_page_cache_bytes", &[]).unwrap() > 0.0);

    let confirmed = registration::Entity::find()
        .filter(registration::Column::EventId.eq(hitmc.id))
        .filter(registration::Column::Status.eq(registration::RegistrationStatus::Confirmed))
        .count(db)
        .await
        .unwrap();
    assert_eq!(sample(&samples, "tribe_registrations", &[("event", "hitmc"), ("status", "confirmed")]), Some(confirmed as f64));
    assert_eq!(sample(&samples, "tribe_check_ins", &[("event", "hitmc")]), Some(3.0));
    let queue = tribe::domain::jobs::counts(db).await.unwrap();
    assert!(queue.waiting >= 1);
    assert_eq!(sample(&samples, "tribe_jobs", &[("state", "waiting")]), Some(queue.waiting as f64));
    assert_eq!(sample(&samples, "tribe_jobs", &[("state", "failed")]), Some(queue.failed as f64));
    let streams: Vec<&Value> = samples.iter().filter(|s| s["name"] == "tribe_chat_streams").collect();
    assert_eq!(streams.len(), 1, "one room read: {streams:?}");
    assert_eq!(streams[0]["value"], 1.0);
    drop(stream);

    // A service without the setting has no such address.
    let plain = TestApp::new().await;
    assert_eq!(plain.client.get("/metrics").header(bearer(METRICS_TOKEN)).dispatch().await.status(), Status::NotFound);
}

/// A service on this database, as a fresh `tribe serve` would run it.
async fn client_on(database_url: &str) -> rocket::local::asynchronous::Client {
    TestApp::client_for(database_url, "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk=", &[]).await
}

/// What a visitor, an attendee's API token and the organizer see of hitmc.
async fn what_people_see(client: &rocket::local::asynchronous::Client, token: &str) -> (Value, Value, Value, String) {
    async fn json(response: rocket::local::asynchronous::LocalResponse<'_>) -> Value {
        assert_eq!(response.status(), Status::Ok);
        response.into_json::<Value>().await.unwrap()
    }
    let schedule = json(client.get("/events/hitmc/schedule.json").dispatch().await).await;
    let people = json(client.get("/api/events/hitmc/people").header(bearer(token)).dispatch().await).await;
    let registrations = json(client.get("/api/me/registrations").header(bearer(token)).dispatch().await).await;
    assert_eq!(log_in(client, "organizer@example.org", "tribe-demo").await.status(), Status::SeeOther);
    let attendees = client.get("/events/hitmc/manage/attendees.csv").dispatch().await;
    assert_eq!(attendees.status(), Status::Ok);
    (schedule, people, registrations, attendees.into_string().await.unwrap())
}

/// A demo database in SQLite, and an API token of one of its attendees.
async fn demo_sqlite(dir: &std::path::Path) -> (String, String) {
    let url = format!("sqlite:{}", dir.join("tribe.db").display());
    let demo = tribe_command(&url).arg("demo").output().unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let db = tribe::db::connect(&url).await.unwrap();
    let attendee = registration::Entity::find()
        .filter(registration::Column::Status.eq(registration::RegistrationStatus::Confirmed))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let token = tribe::domain::accounts::api_tokens::create(&db, attendee.user_id, "laptop").await.unwrap().1;
    db.close().await.unwrap();
    (url, token)
}

#[rocket::async_test]
async fn a_backup_taken_while_people_sign_up_is_whole_and_serves_what_the_original_did() {
    let dir = tempfile::tempdir().unwrap();
    let (url, token) = demo_sqlite(dir.path()).await;
    let original = client_on(&url).await;
    let before = what_people_see(&original, &token).await;

    // People keep signing up while the backup runs.
    let db = tribe::db::connect(&url).await.unwrap();
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = {
        let (db, writing) = (db.clone(), writing.clone());
        tokio::spawn(async move {
            let mut made = 0;
            while writing.load(std::sync::atomic::Ordering::SeqCst) {
                tribe::domain::accounts::insert_user(&db, &format!("late{made}@example.org"), "Late Comer", "x".into(), false).await.unwrap();
                made += 1;
            }
            made
        })
    };
    let users_before = user::Entity::find().count(&db).await.unwrap();
    let file = dir.path().join("backups/monday.db");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let backup = tokio::task::spawn_blocking({
        let (url, file) = (url.clone(), file.clone());
        move || tribe_command(&url).args(["db", "backup"]).arg(&file).output().unwrap()
    })
    .await
    .unwrap();
    writing.store(false, std::sync::atomic::Ordering::SeqCst);
    let made = writer.await.unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    assert!(String::from_utf8_lossy(&backup.stdout).contains("backed up"));
    let users_after = user::Entity::find().count(&db).await.unwrap();
    assert!(made > 0, "sign-ups went on during the backup");

    // The restored copy: a moment between the two counts, and the same
    // schedule, people, registrations and attendee list.
    let restored_url = format!("sqlite:{}", file.display());
    let restored_db = tribe::db::connect(&restored_url).await.unwrap();
    let restored_users = user::Entity::find().count(&restored_db).await.unwrap();
    assert!((users_before..=users_after).contains(&restored_users), "{users_before} ≤ {restored_users} ≤ {users_after}");
    let integrity: String =
        sea_orm::ConnectionTrait::query_one_raw(&restored_db, sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, "PRAGMA integrity_check"))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
    assert_eq!(integrity, "ok");
    let restored = client_on(&restored_url).await;
    assert_eq!(what_people_see(&restored, &token).await, before);

    // An existing file is never overwritten; PostgreSQL is pointed to pg_dump.
    let again = tribe_command(&url).args(["db", "backup"]).arg(&file).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    let postgres = tribe_command("postgres://nobody@127.0.0.1:1/none").args(["db", "backup"]).arg(dir.path().join("pg.db")).output().unwrap();
    assert_eq!(postgres.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&postgres.stderr).contains("pg_dump"));
}

#[rocket::async_test]
async fn the_copy_to_postgresql_keeps_ids_and_serves_the_same_event_and_refuses_a_second_time() {
    let target = TestApp::new().await;
    if !target.database_url.starts_with("postgres") {
        eprintln!("the copy goes to PostgreSQL: this test runs with TRIBE_TEST_POSTGRES_URL (CI's second pass)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (url, token) = demo_sqlite(dir.path()).await;
    let before = what_people_see(&client_on(&url).await, &token).await;
    let source_counts = counts(&tribe::db::connect(&url).await.unwrap()).await;

    let copy = tribe_command(&url).args(["db", "copy", "--to", &target.database_url]).output().unwrap();
    let said = String::from_utf8_lossy(&copy.stdout);
    assert!(copy.status.success(), "{}{said}", String::from_utf8_lossy(&copy.stderr));
    assert!(said.contains("every count checked") && said.contains("registrations"), "{said}");
    assert_eq!(counts(target.db()).await, source_counts);

    // The same event for everyone, and the token handed out before still works.
    let copied = client_on(&target.database_url).await;
    assert_eq!(what_people_see(&copied, &token).await, before);
    // New rows take new ids (the sequences moved past the copied ones).
    sign_up(&client_on(&target.database_url).await, "after.the.move@example.org", "After Move", "a long password").await;
    assert_eq!(user::Entity::find().count(target.db()).await.unwrap(), source_counts.0 + 1);

    // A second copy into the same database is refused and changes nothing.
    let again = tribe_command(&url).args(["db", "copy", "--to", &target.database_url]).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    // A source that is not there is named, not created empty and copied.
    let nothing = dir.path().join("nothing.db");
    let missing = tribe_command(&format!("sqlite:{}", nothing.display())).args(["db", "copy", "--to", &target.database_url]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no database at") && !nothing.exists());
    assert_eq!(user::Entity::find().count(target.db()).await.unwrap(), source_counts.0 + 1);
}

#[rocket::async_test]
async fn email_goes_through_a_real_mail_server_and_refusals_are_retried_or_shown_to_the_organizer() {
    use tribe::db::entities::job;
    let mailbox = tempfile::tempdir().unwrap();
    let server = MailServer::start(mailbox.path());
    let app =
        TestApp::with(&[("smtp_url", format!("smtp://127.0.0.1:{}", server.port)), ("mail_from", "HITMC <events@hitmc.example.org>".to_owned())])
            .await;
    let worker = app.client.rocket().state::<tribe::web::AppState>().unwrap().jobs.clone();
    let conf = crate::tribe::conference(&app, "mailday", &["Nurse"]).await;
    // The attendee list's "Emails that did not arrive" section ("" when there is none).
    let attendees_page = || async {
        let page = app.client.get("/events/mailday/manage/attendees").dispatch().await.into_string().await.unwrap();
        page.split_once("id=\"undelivered-title\"").map(|(_, rest)| rest.split("</section>").next().unwrap_or("").to_owned()).unwrap_or_default()
    };
    let db = app.db().clone();
    let email_job = |to: &'static str| {
        let db = db.clone();
        async move {
            let rows = job::Entity::find().filter(job::Column::Kind.eq("email")).all(&db).await.unwrap();
            rows.into_iter().find(|r| r.payload.contains(to)).unwrap_or_else(|| panic!("a job for {to}"))
        }
    };

    // Accepted: the message arrives whole, with its calendar file.
    crate::tribe::attendee(&app, &conf, "Ada Accepted", None, serde_json::json!({})).await;
    let received = server.received();
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert!(message["to"].as_str().unwrap().contains("ada.accepted@example.org"), "{message}");
    assert_eq!(message["from"], "HITMC <events@hitmc.example.org>");
    assert!(message["subject"].as_str().unwrap().starts_with("You are registered"), "{message}");
    assert!(chrono::DateTime::parse_from_rfc2822(message["date"].as_str().unwrap()).is_ok(), "{message}");
    let id = message["message_id"].as_str().unwrap();
    assert!(id.starts_with('<') && id.ends_with('>') && id.contains('@'), "{id}");
    let calendar = message["calendar"].as_str().expect("a calendar attachment");
    assert_eq!(calendar_check(calendar, "2000-01-01", "2100-01-01")["events"].as_array().map(|e| e.len()), Some(1), "{calendar}");
    assert_eq!(jobs_waiting(&app).await, 0, "nothing queued for a message the server took");

    // 451 (try later): queued, shown as waiting, delivered once the server takes mail again.
    std::fs::write(mailbox.path().join("busy"), "").unwrap();
    crate::tribe::attendee(&app, &conf, "Tess Tempfail", None, serde_json::json!({})).await;
    let queued = email_job("tess.tempfail@example.org").await;
    assert!(queued.failed_at.is_none() && queued.done_at.is_none() && queued.attempts == 1, "{queued:?}");
    assert!(queued.last_error.contains("451"), "{}", queued.last_error);
    let page = attendees_page().await;
    assert!(page.contains("tess.tempfail@example.org") && page.contains("Trying again"), "the organizer sees the waiting email");
    assert_eq!(worker.run_due().await.unwrap(), 0, "not before its time");
    std::fs::remove_file(mailbox.path().join("busy")).unwrap();
    due_since(&app, queued.id, chrono::Duration::seconds(1)).await;
    assert_eq!(worker.run_due().await.unwrap(), 1);
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert!(received[1]["to"].as_str().unwrap().contains("tess.tempfail@example.org"));
    assert!(email_job("tess.tempfail@example.org").await.done_at.is_some());
    assert!(!attendees_page().await.contains("tess.tempfail@example.org"), "a delivered email leaves the list");

    // 550 (no such user): recorded as refused at once, never retried, shown to the organizer.
    crate::tribe::attendee(&app, &conf, "Bounce Back", None, serde_json::json!({})).await;
    let refused = email_job("bounce.back@example.org").await;
    assert!(refused.failed_at.is_some() && refused.attempts == 1 && refused.last_error.contains("550"), "{refused:?}");
    due_since(&app, refused.id, chrono::Duration::hours(1)).await;
    assert_eq!(worker.run_due().await.unwrap(), 0, "a refused email is not tried again");
    assert_eq!(server.received().len(), 2);
    let page = attendees_page().await;
    assert!(page.contains("bounce.back@example.org") && page.contains("Refused") && page.contains("550"), "the organizer sees the refusal");

    // A relay's own 5xx (5.7.1: not this address's fault) waits for a retry
    // like a 4xx: once the relay is set up right, what waited goes out.
    crate::tribe::attendee(&app, &conf, "Relay Denied", None, serde_json::json!({})).await;
    let waiting = email_job("relay.denied@example.org").await;
    assert!(waiting.failed_at.is_none() && waiting.last_error.contains("554"), "{waiting:?}");
}

/// Time passes for one job: it was due `ago`.
async fn due_since(app: &TestApp, id: i32, ago: chrono::Duration) {
    use sea_orm::sea_query::Expr;
    use tribe::db::entities::job;
    job::Entity::update_many()
        .col_expr(job::Column::RunAt, Expr::value(chrono::Utc::now() - ago))
        .filter(job::Column::Id.eq(id))
        .exec(app.db())
        .await
        .unwrap();
}

async fn jobs_waiting(app: &TestApp) -> u64 {
    tribe::domain::jobs::counts(app.db()).await.unwrap().waiting
}
