//! Real `tribe serve` processes: two behind one database share seats,
//! log-ins and queued jobs; one killed with SIGKILL under load loses and
//! duplicates nothing.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use tribe::db::entities::{job, registration, ticket_type, user};
use tribe::domain::jobs::{self, Job};
use tribe::domain::mail::Mail;

use crate::registrations::{attendees_with_tokens, event_with_ticket};
use crate::support::*;

async fn register(http: &reqwest::Client, base: &str, slug: &str, token: &str, ticket_id: i32) -> Result<(u16, Value), reqwest::Error> {
    let response =
        http.post(format!("{base}/api/events/{slug}/registrations")).bearer_auth(token).json(&json!({"ticket_type_id": ticket_id})).send().await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

#[rocket::async_test]
async fn two_instances_on_one_database_never_oversell_share_log_ins_and_run_each_job_once() {
    let app = TestApp::new().await;
    let ticket_id = event_with_ticket(&app, "two-up", "40").await;
    let tokens = attendees_with_tokens(&app, 120).await;
    let servers = [app.spawn_server().await, app.spawn_server().await];
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    // 120 buyers for 40 seats, alternating between the instances, all at once.
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (http, base) = (http.clone(), servers[i % 2].base.clone());
        tasks.push(tokio::spawn(async move { register(&http, &base, "two-up", &token, ticket_id).await.expect("an answer") }));
    }
    let mut answers: HashMap<u16, usize> = HashMap::new();
    for task in tasks {
        *answers.entry(task.await.unwrap().0).or_default() += 1;
    }
    assert_eq!(answers, HashMap::from([(201, 40), (409, 80)]), "40 seats, 80 clean refusals");
    let confirmed = registration::Entity::find()
        .filter(registration::Column::Status.eq(tribe::db::entities::registration::RegistrationStatus::Confirmed))
        .count(app.db())
        .await
        .unwrap();
    let ticket = ticket_type::Entity::find_by_id(ticket_id).one(app.db()).await.unwrap().unwrap();
    assert_eq!((confirmed, ticket.taken), (40, 40));

    // A log-in made through one instance works on the other, and so does logging out.
    let mut browser = Cookies::default();
    browser.log_in(&http, &servers[0].base, "buyer7@example.org", "a long password").await;
    let (status, page) = browser.get(&http, format!("{}/account", servers[1].base)).await;
    assert_eq!(status, 200);
    assert!(page.contains("buyer7@example.org"), "the other instance knows who this is");
    let token = csrf_in(&page);
    assert_eq!(browser.post(&http, format!("{}/logout", servers[1].base), &[("_csrf", &token)]).await, 303);
    let (status, _) = browser.get(&http, format!("{}/account", servers[0].base)).await;
    assert_eq!(status, 303, "logged out everywhere: the first instance sends to the log-in page");

    // Every confirmation went out once. Then 200 queued emails (as if an
    // SMTP relay had been down) are taken by both instances' job loops.
    let confirmations = sent_emails(&app).len();
    assert_eq!(confirmations, 40);
    let now = tribe::domain::now();
    for i in 0..200 {
        let mail = Mail {
            to_name: format!("Reader {i}"),
            to_email: format!("reader{i}@example.org"),
            subject: format!("Queued message {i}"),
            text: "Hello".into(),
            calendar: None,
            event_id: None,
        };
        jobs::enqueue(app.db(), &Job::Email(mail), now).await.unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while jobs::counts(app.db()).await.unwrap().waiting > 0 {
        assert!(tokio::time::Instant::now() < deadline, "the queue drains: {:?}", jobs::counts(app.db()).await.unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let emails = sent_emails(&app);
    let subjects: Vec<String> =
        emails.iter().filter_map(|email| email.lines().find_map(|l| l.strip_prefix("Subject: Queued message ")).map(str::to_owned)).collect();
    assert_eq!(subjects.len(), 200, "each queued email sent once, none twice");
    assert_eq!(subjects.iter().collect::<HashSet<_>>().len(), 200);
    assert_eq!(emails.len(), 240);
    let workers: HashSet<String> = job::Entity::find().all(app.db()).await.unwrap().into_iter().map(|j| j.locked_by).collect();
    println!("jobs were run by {workers:?}");
    assert_eq!(jobs::counts(app.db()).await.unwrap(), jobs::QueueCounts { waiting: 0, done: 200, failed: 0 });

    // Waitlist and hold expiry, run by both instances' loops at once: 30
    // people wait; 20 seat holders cancel through either instance (20
    // offers); the offers lapse, and the loops pass them to the 10 still
    // waiting. Every offer goes out once, every lapse is recorded once.
    let event = tribe::domain::events::find_by_slug(app.db(), "two-up").await.unwrap().unwrap();
    let waiting = user::Entity::find().filter(user::Column::Email.starts_with("buyer")).all(app.db()).await.unwrap();
    let holders: HashSet<i32> = registration::Entity::find().all(app.db()).await.unwrap().into_iter().map(|r| r.user_id).collect();
    for person in waiting.iter().filter(|u| !holders.contains(&u.id)).take(30) {
        tribe::domain::registration::waitlist::join(app.db(), &event, person, ticket_id, "").await.unwrap();
    }
    let confirmed = registration::Entity::find()
        .filter(registration::Column::Status.eq(tribe::db::entities::registration::RegistrationStatus::Confirmed))
        .all(app.db())
        .await
        .unwrap();
    let email_of: HashMap<i32, String> = waiting.iter().map(|u| (u.id, u.email.clone())).collect();
    for (i, held_seat) in confirmed.iter().take(20).enumerate() {
        let token = tribe::domain::accounts::api_tokens::create(app.db(), held_seat.user_id, "cancel").await.unwrap().1;
        let response = http.delete(format!("{}/api/registrations/{}", servers[i % 2].base, held_seat.id)).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{}", email_of[&held_seat.user_id]);
    }
    let offers = |emails: &[String]| emails.iter().filter(|m| m.contains("Subject: A seat is free")).count();
    assert_eq!(offers(&sent_emails(&app)), 20, "one offer per freed seat");
    sea_orm::ConnectionTrait::execute_unprepared(app.db(), "UPDATE registrations SET hold_expires_at = created_at WHERE status = 'held'")
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let lapsed = registration::Entity::find()
            .filter(registration::Column::Status.eq(tribe::db::entities::registration::RegistrationStatus::Expired))
            .count(app.db())
            .await
            .unwrap();
        if lapsed == 20 && offers(&sent_emails(&app)) == 30 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the loops pass lapsed offers on: {lapsed} lapsed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let emails = sent_emails(&app);
    assert_eq!(offers(&emails), 30, "20 first offers and 10 passed on, none twice");
    let offered_to: Vec<&str> =
        emails.iter().filter(|m| m.contains("Subject: A seat is free")).filter_map(|m| m.lines().find_map(|l| l.strip_prefix("To: "))).collect();
    assert_eq!(offered_to.iter().collect::<HashSet<_>>().len(), 30, "each waiting person offered once");
    let ticket = ticket_type::Entity::find_by_id(ticket_id).one(app.db()).await.unwrap().unwrap();
    let live =
        registration::Entity::find()
            .filter(registration::Column::TicketTypeId.eq(ticket_id))
            .filter(registration::Column::Status.is_in([
                tribe::db::entities::registration::RegistrationStatus::Confirmed,
                tribe::db::entities::registration::RegistrationStatus::Held,
            ]))
            .count(app.db())
            .await
            .unwrap();
    assert_eq!((ticket.taken as u64, live), (30, 30), "20 kept seats and 10 new offers hold the seats; 10 stay free");
}

#[rocket::async_test]
async fn a_server_killed_during_registrations_keeps_every_answered_one_exactly_once() {
    let app = TestApp::new().await;
    let ticket_id = event_with_ticket(&app, "power-cut", "1000").await;
    let tokens = attendees_with_tokens(&app, 300).await;
    let mut server = app.spawn_server().await;
    let http = reqwest::Client::new();

    // Sixteen clients register people one after another; the server dies
    // once fifty have been answered, with requests in flight.
    let answered = Arc::new(AtomicUsize::new(0));
    let queue = Arc::new(std::sync::Mutex::new(tokens.iter().cloned().enumerate().collect::<Vec<_>>()));
    let mut clients = Vec::new();
    for _ in 0..16 {
        let (http, base, queue, answered) = (http.clone(), server.base.clone(), queue.clone(), answered.clone());
        clients.push(tokio::spawn(async move {
            let mut results = Vec::new();
            loop {
                let Some((who, token)) = queue.lock().unwrap().pop() else { break };
                match register(&http, &base, "power-cut", &token, ticket_id).await {
                    Ok((status, body)) => {
                        answered.fetch_add(1, Ordering::SeqCst);
                        results.push((who, status, body));
                    }
                    Err(_) => break,
                }
            }
            results
        }));
    }
    while answered.load(Ordering::SeqCst) < 50 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill_hard();
    let mut confirmed_to: HashMap<usize, i64> = HashMap::new();
    for client in clients {
        for (who, status, body) in client.await.unwrap() {
            assert_eq!(status, 201, "before the kill every answer is a seat: {body}");
            confirmed_to.insert(who, body["id"].as_i64().unwrap());
        }
    }
    assert!(confirmed_to.len() >= 50 && confirmed_to.len() < 300, "killed part way: {} answered", confirmed_to.len());
    println!("{} registrations answered 201 before SIGKILL", confirmed_to.len());

    server.start().await;
    let buyers: HashMap<String, i32> = user::Entity::find().all(app.db()).await.unwrap().into_iter().map(|u| (u.email, u.id)).collect();
    let rows = registration::Entity::find().filter(registration::Column::TicketTypeId.eq(ticket_id)).all(app.db()).await.unwrap();
    let by_id: HashMap<i64, &registration::Model> = rows.iter().map(|r| (r.id as i64, r)).collect();
    for (who, id) in &confirmed_to {
        let row = by_id.get(id).unwrap_or_else(|| panic!("registration {id} answered 201 before the kill is gone"));
        assert_eq!(row.status.to_string(), "confirmed");
        assert_eq!(row.user_id, buyers[&format!("buyer{who}@example.org")], "the answered registration belongs to whoever asked");
    }
    // Everyone whose answer was lost asks again: a seat, or "already registered".
    for (who, token) in tokens.iter().enumerate().filter(|(who, _)| !confirmed_to.contains_key(who)) {
        let (status, body) = register(&http, &server.base, "power-cut", token, ticket_id).await.unwrap();
        assert!(status == 201 || (status == 409 && body["detail"].as_str().unwrap().contains("already registered")), "{who}: {status} {body}");
    }
    let rows = registration::Entity::find().filter(registration::Column::TicketTypeId.eq(ticket_id)).all(app.db()).await.unwrap();
    let people: HashSet<i32> = rows.iter().map(|r| r.user_id).collect();
    assert_eq!((rows.len(), people.len()), (300, 300), "one registration each, none duplicated");
    let ticket = ticket_type::Entity::find_by_id(ticket_id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(ticket.taken, 300, "the seat count agrees with the rows");
}

#[rocket::async_test]
async fn a_failing_job_waits_longer_each_time_and_a_dead_workers_job_is_taken_again() {
    let app = TestApp::new().await;
    let worker = app.client.rocket().state::<tribe::web::AppState>().unwrap().jobs.clone();
    let start = tribe::domain::now();
    // A malformed address is refused for good at once: trying again changes nothing.
    let bad = Mail {
        to_name: "Nobody".into(),
        to_email: "not an address".into(),
        subject: "Never".into(),
        text: String::new(),
        calendar: None,
        event_id: None,
    };
    worker.submit(Job::Email(bad)).await.unwrap();
    let refused = job::Entity::find().one(app.db()).await.unwrap().expect("the refused email is recorded");
    assert!(refused.failed_at.is_some() && refused.attempts == 1 && refused.last_error.contains("recipient"), "{refused:?}");
    job::Entity::delete_by_id(refused.id).exec(app.db()).await.unwrap();
    // With the outbox unwritable, an email fails at once, and waits in the queue.
    std::fs::remove_dir_all(&app.outbox).unwrap();
    std::fs::write(&app.outbox, "a file where the outbox folder was").unwrap();
    let blocked = Mail {
        to_name: "Ada".into(),
        to_email: "ada@example.org".into(),
        subject: "Soon".into(),
        text: String::new(),
        calendar: None,
        event_id: None,
    };
    worker.submit(Job::Email(blocked)).await.unwrap();
    let row = job::Entity::find().one(app.db()).await.unwrap().expect("the failed email is queued");
    let id = row.id;
    assert_eq!((row.attempts, row.failed_at), (1, None));
    assert!(row.last_error.contains("outbox"), "{}", row.last_error);
    let pause = row.run_at - start;
    assert!(
        pause >= jobs::retry_pause(1) && pause < jobs::retry_pause(1) + chrono::Duration::seconds(10),
        "due again after the first pause: {pause}"
    );
    assert_eq!(worker.run_due().await.unwrap(), 0, "not before its time");
    // Run it at each later due time until it is given up.
    let mut at = row.run_at;
    for attempt in 2..=jobs::MAX_ATTEMPTS {
        let leases = jobs::take_due(app.db(), "test", at, 10).await.unwrap();
        assert_eq!(leases.len(), 1, "attempt {attempt}");
        jobs::finish(app.db(), &leases[0], Err("still failing".into()), at).await.unwrap();
        at = job::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap().run_at;
    }
    let row = job::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap();
    assert!(row.failed_at.is_some() && row.done_at.is_none());
    assert!(jobs::take_due(app.db(), "test", at + chrono::Duration::days(1), 10).await.unwrap().is_empty(), "a failed job stays failed");

    // A worker takes a job and dies: nobody else may take it while the
    // lease lasts, anyone may afterwards, and the dead one cannot finish it.
    let mail = Mail {
        to_name: "Ada".into(),
        to_email: "ada@example.org".into(),
        subject: "Hello".into(),
        text: String::new(),
        calendar: None,
        event_id: None,
    };
    let id = jobs::enqueue(app.db(), &Job::Email(mail), start).await.unwrap();
    let dead = jobs::take_due(app.db(), "dead", start, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(jobs::take_due(app.db(), "alive", start + chrono::Duration::seconds(60), 10).await.unwrap().is_empty());
    let later = start + chrono::Duration::minutes(3);
    let alive = jobs::take_due(app.db(), "alive", later, 10).await.unwrap();
    assert_eq!(alive.iter().map(|l| l.job.id).collect::<Vec<_>>(), vec![id]);
    assert!(!dead[0].renew(app.db(), later).await.unwrap(), "the dead worker's lease is gone");
    jobs::finish(app.db(), &dead[0], Ok(()), later).await.unwrap();
    assert!(job::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap().done_at.is_none(), "only the holder finishes a job");
    jobs::finish(app.db(), &alive[0], Ok(()), later).await.unwrap();
    assert!(job::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap().done_at.is_some());
}
