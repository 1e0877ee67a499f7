//! A conference's morning at once, open loop: every class of request is
//! sent at planned times whatever the server's answers are doing, and each
//! latency runs from the planned time (so a server that falls behind shows
//! it, instead of slowing the load down as a closed loop would).
//!
//! On the demo conference `hitmc` grown to 2,000 attendees, for a minute:
//!
//! | class | rate |
//! |---|---|
//! | door check-ins, 20 scanners (API) | 1,000 people per 15 minutes |
//! | schedule page (anonymous, gzip) | 20/s |
//! | schedule.json | 20/s |
//! | agenda changes (API, a star put or taken away) | 300 a minute |
//! | agenda page (logged in) | 10/s |
//! | ticket screen (logged in) | 5/s |
//! | tribe page (logged in) | 3/s |
//! | live chat: 200 readers over SSE, posts through the API | 2/s |
//!
//! Then it checks that nothing was lost: every check-in answered 201 is in
//! the database, every chat message reached every reader.
//!
//! ```sh
//! ulimit -n 8192
//! cargo run --release --example morning [seconds] [attendees]
//! TRIBE_BENCH_POSTGRES_URL=postgres://…/empty_db cargo run --release --example morning
//! ```
//!
//! The server runs in a child process (this program again, with `--serve`),
//! on an SQLite file in a temporary folder or on the PostgreSQL database
//! named (which must be empty). Both processes share the machine's cores,
//! so the load generator's own work is part of what is measured.

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use support::{micros_now, percentile, rss_kib, subscribe, Readers};
use tribe::config::Config;
use tribe::db::entities::{registration, session, user};
use tribe::domain::accounts::api_tokens;
use tribe::domain::badges;

const SCANNERS: usize = 20;
const CHECK_INS_PER_SECOND: f64 = 1000.0 / (15.0 * 60.0);
const LOGGED_IN: usize = 100;
const AGENDA_CHANGERS: usize = 300;
const CHAT_READERS: usize = 200;
const CHAT_POSTERS: usize = 20;

/// Who and what the morning's requests use, made before the server starts.
struct Cast {
    event_id: i32,
    badge_tokens: Vec<String>,
    scanner_tokens: Vec<String>,
    /// API tokens of attendees who change their agenda.
    changer_tokens: Vec<String>,
    session_ids: Vec<i32>,
    /// (email, registration id) of attendees who open pages logged in.
    readers: Vec<(String, i32)>,
    poster_tokens: Vec<String>,
    room: String,
    /// The demo's own check-ins, made before the morning.
    checked_in_before: u64,
}

async fn checked_in_count(url: &str, event_id: i32) -> u64 {
    let db = tribe::db::connect(url).await.expect("database");
    registration::Entity::find()
        .filter(registration::Column::EventId.eq(event_id))
        .filter(registration::Column::CheckedInAt.is_not_null())
        .count(&db)
        .await
        .expect("count")
}

async fn seed(url: &str, attendees: usize) -> Cast {
    let db = tribe::db::connect(url).await.expect("database");
    tribe::db::migrate(&db).await.expect("migrations");
    tribe::demo::load_sized(&db, attendees).await.expect("the demo");
    let event = tribe::domain::events::find_by_slug(&db, "hitmc").await.expect("query").expect("the demo conference");
    let organizer =
        user::Entity::find().filter(user::Column::Email.eq(tribe::demo::ORGANIZER_EMAIL)).one(&db).await.expect("query").expect("organizer");
    let registrations = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event.id))
        .filter(registration::Column::Status.eq(registration::RegistrationStatus::Confirmed))
        .order_by_asc(registration::Column::Id)
        .all(&db)
        .await
        .expect("registrations");
    assert!(registrations.len() >= LOGGED_IN + AGENDA_CHANGERS, "{} registrations: too few for the morning", registrations.len());
    let kek = Config::from_figment(&support::config(url, 0, 30)).expect("config").key_encryption_key;
    let key = badges::keys::signing_key(&db, &kek, event.id).await.expect("the event's badge key");
    let mut scanner_tokens = Vec::new();
    for i in 0..SCANNERS {
        scanner_tokens.push(api_tokens::create(&db, organizer.id, &format!("door {i}")).await.expect("token").1);
    }
    let mut changer_tokens = Vec::new();
    for r in registrations.iter().skip(LOGGED_IN).take(AGENDA_CHANGERS) {
        changer_tokens.push(api_tokens::create(&db, r.user_id, "phone").await.expect("token").1);
    }
    let session_ids = session::Entity::find()
        .filter(session::Column::EventId.eq(event.id))
        .order_by_asc(session::Column::Id)
        .all(&db)
        .await
        .expect("sessions")
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut readers = Vec::new();
    for r in registrations.iter().take(LOGGED_IN) {
        let person = user::Entity::find_by_id(r.user_id).one(&db).await.expect("query").expect("attendee");
        readers.push((person.email, r.id));
    }
    let poster_tokens = changer_tokens.iter().take(CHAT_POSTERS).cloned().collect();
    let room = support::live_chat(&db, &organizer, "morning-chat").await;
    let checked_in_before = checked_in_count(url, event.id).await;
    // Badges not yet scanned, in the order the doors will scan them.
    let already: std::collections::HashSet<i32> = registrations.iter().filter(|r| r.checked_in_at.is_some()).map(|r| r.id).collect();
    let badge_tokens = registrations.iter().filter(|r| !already.contains(&r.id)).map(|r| key.token(r.id, event.id)).collect();
    Cast { event_id: event.id, badge_tokens, scanner_tokens, changer_tokens, session_ids, readers, poster_tokens, room, checked_in_before }
}

/// The cookies a `Set-Cookie` answer gives, as one `Cookie` header value.
fn cookies_of(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_owned))
        .collect()
}

/// A browser's log-in through the form; returns its `Cookie` header.
async fn log_in(client: &reqwest::Client, base: &str, email: &str) -> String {
    let form = client.get(format!("{base}/login")).send().await.expect("log-in page");
    let mut cookies = cookies_of(&form);
    let html = form.text().await.expect("log-in page");
    let csrf = html.split("name=\"_csrf\" value=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a CSRF field").to_owned();
    let answer = client
        .post(format!("{base}/login"))
        .header("Cookie", cookies.join("; "))
        .form(&[("_csrf", csrf.as_str()), ("email", email), ("password", tribe::demo::DEMO_PASSWORD)])
        .send()
        .await
        .expect("log-in");
    cookies.extend(cookies_of(&answer));
    let session: Vec<String> = cookies.into_iter().filter(|c| c.starts_with("tribe_session=")).collect();
    assert_eq!(session.len(), 1, "{email} could not log in ({})", answer.status());
    // Browsers that run the pages' script say so; the tribe, agenda and
    // ticket pages are the same for them.
    format!("{}; tribe_js=1", session[0])
}

/// One request of a class, as planned.
struct Planned {
    method: Method,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
}

impl Planned {
    fn get(path: String) -> Planned {
        Planned { method: Method::GET, path, headers: vec![("Accept-Encoding", "gzip".to_owned())], body: None }
    }

    fn with(mut self, name: &'static str, value: String) -> Planned {
        self.headers.push((name, value));
        self
    }
}

/// What one class asks for, request after request.
struct Class {
    name: &'static str,
    per_second: f64,
    plan: Box<dyn Fn(usize) -> Planned + Send + Sync>,
    /// An answer that is part of the morning (a full workshop refusing a
    /// star is an answer, not an error).
    expected: fn(StatusCode) -> bool,
}

#[derive(Default)]
struct Outcomes {
    latencies: Vec<u32>,
    statuses: BTreeMap<u16, usize>,
    errors: usize,
}

fn classes(cast: &Cast, browsers: &[String]) -> Vec<Class> {
    let ok = |s: StatusCode| s == StatusCode::OK;
    let badge_tokens = cast.badge_tokens.clone();
    let scanners = cast.scanner_tokens.clone();
    let changers = cast.changer_tokens.clone();
    let session_ids = cast.session_ids.clone();
    let (agenda_browsers, ticket_browsers, tribe_browsers) = (browsers.to_vec(), browsers.to_vec(), browsers.to_vec());
    let tickets: Vec<i32> = cast.readers.iter().map(|(_, id)| *id).collect();
    vec![
        Class {
            name: "check-in (API)",
            per_second: CHECK_INS_PER_SECOND,
            plan: Box::new(move |i| Planned {
                method: Method::POST,
                path: "/api/events/hitmc/checkins".into(),
                headers: vec![("Authorization", format!("Bearer {}", scanners[i % scanners.len()])), ("Content-Type", "application/json".into())],
                body: Some(format!("{{\"token\":\"{}\"}}", badge_tokens[i % badge_tokens.len()])),
            }),
            expected: |s| s == StatusCode::CREATED,
        },
        Class { name: "schedule page", per_second: 20.0, plan: Box::new(|_| Planned::get("/events/hitmc/schedule".into())), expected: ok },
        Class { name: "schedule.json", per_second: 20.0, plan: Box::new(|_| Planned::get("/events/hitmc/schedule.json".into())), expected: ok },
        Class {
            name: "agenda change (API)",
            per_second: 300.0 / 60.0,
            // Each change is a star put on a session, the next one the same
            // star taken away again.
            plan: Box::new(move |i| {
                let person = (i / 2) % changers.len();
                let session = session_ids[(i / 2 / changers.len() + person) % session_ids.len()];
                let method = if i % 2 == 0 { Method::PUT } else { Method::DELETE };
                Planned {
                    method,
                    path: format!("/api/me/agenda/{session}"),
                    headers: vec![("Authorization", format!("Bearer {}", changers[person]))],
                    body: None,
                }
            }),
            // A full workshop refuses a star (409), and then there is none to take away (404).
            expected: |s| s.is_success() || s == StatusCode::CONFLICT || s == StatusCode::NOT_FOUND,
        },
        Class {
            name: "agenda page",
            per_second: 10.0,
            plan: Box::new(move |i| Planned::get("/agenda".into()).with("Cookie", agenda_browsers[i % agenda_browsers.len()].clone())),
            expected: ok,
        },
        Class {
            name: "ticket screen",
            per_second: 5.0,
            plan: Box::new(move |i| {
                let k = i % tickets.len();
                Planned::get(format!("/registrations/{}", tickets[k])).with("Cookie", ticket_browsers[k].clone())
            }),
            expected: ok,
        },
        Class {
            name: "tribe page",
            per_second: 3.0,
            plan: Box::new(move |i| Planned::get("/events/hitmc/tribe".into()).with("Cookie", tribe_browsers[i % tribe_browsers.len()].clone())),
            expected: ok,
        },
    ]
}

/// Sends a class's requests at their planned times for `seconds`; each
/// latency is from the planned time to the answer's last byte.
async fn run_class(client: reqwest::Client, base: String, class: Class, start: tokio::time::Instant, seconds: f64) -> (&'static str, f64, Outcomes) {
    let count = (class.per_second * seconds).round() as usize;
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let plan = Arc::new(class.plan);
    let mut sent = Vec::with_capacity(count);
    for i in 0..count {
        let planned_at = start + Duration::from_secs_f64(i as f64 / class.per_second);
        tokio::time::sleep_until(planned_at).await;
        let (client, base, plan, outcomes, expected) = (client.clone(), base.clone(), plan.clone(), outcomes.clone(), class.expected);
        sent.push(tokio::spawn(async move {
            let planned = plan(i);
            let mut request = client.request(planned.method, format!("{base}{}", planned.path));
            for (name, value) in planned.headers {
                request = request.header(name, value);
            }
            if let Some(body) = planned.body {
                request = request.body(body);
            }
            let answer = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    response.bytes().await.map(|_| status).ok()
                }
                Err(_) => None,
            };
            let latency = planned_at.elapsed().as_micros().min(u32::MAX as u128) as u32;
            let mut outcomes = outcomes.lock().expect("outcomes");
            outcomes.latencies.push(latency);
            match answer {
                Some(status) => {
                    *outcomes.statuses.entry(status.as_u16()).or_default() += 1;
                    if !expected(status) {
                        outcomes.errors += 1;
                    }
                }
                None => {
                    *outcomes.statuses.entry(0).or_default() += 1;
                    outcomes.errors += 1;
                }
            }
        }));
    }
    for request in sent {
        let _ = request.await;
    }
    let outcomes = Arc::try_unwrap(outcomes).ok().expect("every request done").into_inner().expect("outcomes");
    (class.name, class.per_second, outcomes)
}

/// The live chat: `CHAT_READERS` readers connected before the morning
/// starts, posts at planned times; returns the posts' outcomes and the
/// delivery delays (from each post's planned time to each reader).
async fn run_chat(
    port: u16,
    cast: &Cast,
    start: tokio::time::Instant,
    seconds: f64,
    readers: Readers,
    reading: Vec<tokio::task::JoinHandle<()>>,
) -> (Outcomes, Vec<u32>, usize) {
    let per_second = 2.0;
    let count = (per_second * seconds).round() as usize;
    let mut sent = Vec::new();
    for i in 0..count {
        let planned_at = start + Duration::from_secs_f64(i as f64 / per_second);
        tokio::time::sleep_until(planned_at).await;
        // The text carries the planned time, so delivery delays count any
        // lateness of the post itself.
        let planned_micros = micros_now() - planned_at.elapsed().as_micros();
        let text = if i + 1 == count { format!("bench last {planned_micros}") } else { format!("bench {i} {planned_micros}") };
        let (room, token) = (cast.room.clone(), cast.poster_tokens[i % cast.poster_tokens.len()].clone());
        sent.push(tokio::spawn(async move {
            let status = support::post(port, &room, &token, &text).await;
            (status, planned_at.elapsed().as_micros() as u32)
        }));
    }
    let mut outcomes = Outcomes::default();
    for post in sent {
        let (status, latency) = post.await.unwrap_or((0, 0));
        outcomes.latencies.push(latency);
        *outcomes.statuses.entry(status).or_default() += 1;
        if status != 201 {
            outcomes.errors += 1;
        }
    }
    for reader in reading {
        let _ = tokio::time::timeout(Duration::from_secs(10), reader).await;
    }
    let delays = readers.delays.lock().expect("delays").clone();
    let accepted = outcomes.statuses.get(&201).copied().unwrap_or(0);
    (outcomes, delays, accepted * CHAT_READERS)
}

fn row(name: &str, per_second: f64, outcomes: &mut Outcomes) -> String {
    outcomes.latencies.sort_unstable();
    let others: Vec<String> = outcomes.statuses.iter().map(|(status, n)| format!("{n}× {status}")).collect();
    format!(
        "| {name} | {per_second:.1} | {} | {} | {:.1} | {:.1} | {:.1} | {} |",
        outcomes.latencies.len(),
        outcomes.errors,
        percentile(&outcomes.latencies, 0.5),
        percentile(&outcomes.latencies, 0.99),
        percentile(&outcomes.latencies, 1.0),
        others.join(", ")
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    if args.get(1).map(String::as_str) == Some("--serve") {
        runtime.block_on(support::serve(args[2].clone(), args[3].parse().expect("port"), 30));
        return;
    }
    let seconds: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(60.0);
    let attendees: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = std::env::var("TRIBE_BENCH_POSTGRES_URL").unwrap_or_else(|_| format!("sqlite:{}", dir.path().join("morning.db").display()));
    let database = if url.starts_with("sqlite:") { "SQLite" } else { "PostgreSQL" };
    let prepared = Instant::now();
    let cast = runtime.block_on(seed(&url, attendees));
    eprintln!("seeded {attendees} attendees in {:.1} s", prepared.elapsed().as_secs_f64());
    runtime.block_on(async {
        let (mut server, port) = support::start_server(&url).await;
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(256).build().expect("client");
        let mut browsers = Vec::new();
        for (email, _) in &cast.readers {
            browsers.push(log_in(&client, &base, email).await);
        }
        let idle = rss_kib(server.id());
        // Warm up: one of each, as the first visitors of the day would.
        for class in classes(&cast, &browsers).into_iter().skip(1) {
            let planned = (class.plan)(0);
            let mut request = client.request(planned.method, format!("{base}{}", planned.path));
            for (name, value) in planned.headers {
                request = request.header(name, value);
            }
            let _ = request.send().await.map(|r| r.status());
        }
        let readers = Readers::default();
        let reading: Vec<_> = (0..CHAT_READERS).map(|_| tokio::spawn(subscribe(port, cast.room.clone(), readers.clone()))).collect();
        let waited = Instant::now();
        while readers.ready.load(Ordering::SeqCst) < CHAT_READERS && waited.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(readers.ready.load(Ordering::SeqCst), CHAT_READERS, "every chat reader connected");
        let before = rss_kib(server.id());

        let start = tokio::time::Instant::now() + Duration::from_millis(200);
        let running: Vec<_> =
            classes(&cast, &browsers).into_iter().map(|class| tokio::spawn(run_class(client.clone(), base.clone(), class, start, seconds))).collect();
        let watching = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let peak_watch = tokio::spawn({
            let (pid, watching) = (server.id(), watching.clone());
            async move {
                let mut peak = 0;
                while watching.load(Ordering::SeqCst) {
                    peak = peak.max(rss_kib(pid));
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                peak
            }
        });
        let (mut posts, mut delays, expected_deliveries) = run_chat(port, &cast, start, seconds, readers.clone(), reading).await;
        let mut results = Vec::new();
        for class in running {
            results.push(class.await.expect("a class ran"));
        }
        watching.store(false, Ordering::SeqCst);
        let peak = peak_watch.await.expect("memory watch").max(rss_kib(server.id()));
        let checked_in = checked_in_count(&url, cast.event_id).await - cast.checked_in_before;
        let answered_created = results[0].2.statuses.get(&201).copied().unwrap_or(0);

        println!("The morning on {database}: {attendees} attendees, {seconds:.0} s, {CHAT_READERS} chat readers.");
        println!();
        println!("| class | planned per s | requests | errors | p50 ms | p99 ms | max ms | answers |");
        println!("|---|---|---|---|---|---|---|---|");
        for (name, per_second, outcomes) in results.iter_mut() {
            println!("{}", row(name, *per_second, outcomes));
        }
        println!("{}", row("chat post (API)", 2.0, &mut posts));
        delays.sort_unstable();
        println!(
            "| chat delivery, planned post → each reader | {:.0} | {} of {expected_deliveries} | {} | {:.1} | {:.1} | {:.1} | |",
            2.0 * CHAT_READERS as f64,
            delays.len(),
            expected_deliveries - delays.len().min(expected_deliveries),
            percentile(&delays, 0.5),
            percentile(&delays, 0.99),
            percentile(&delays, 1.0)
        );
        println!();
        println!(
            "Check-ins: {answered_created} answered 201, {checked_in} in the database ({}). Server RSS: {:.1} MiB after log-ins, {:.1} MiB with the chat readers, {:.1} MiB at the end.",
            if checked_in as usize == answered_created { "none lost" } else { "LOST OR EXTRA CHECK-INS" },
            idle as f64 / 1024.0,
            before as f64 / 1024.0,
            peak as f64 / 1024.0
        );
        let _ = server.kill();
        let _ = server.wait();
        let failed = results.iter().any(|(_, _, o)| o.errors > 0) || posts.errors > 0 || delays.len() < expected_deliveries || checked_in as usize != answered_created;
        if failed {
            std::process::exit(1);
        }
    });
}
