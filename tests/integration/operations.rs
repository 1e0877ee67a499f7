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
