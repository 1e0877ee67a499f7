//! Live chat fan-out: 1,000 Server-Sent Events subscribers on one `tribe`
//! server while 50 messages a second are posted through the API; reports
//! the delay from post to delivery (p50, p99, max, over every subscriber ×
//! message) and the server's memory per subscriber.
//!
//! ```sh
//! ulimit -n 8192   # 1,000 sockets on each side
//! cargo run --release --example chat_fanout [subscribers] [seconds]
//! ```
//!
//! The server runs in a child process (this program started again with
//! `--serve`) on an SQLite file in a temporary folder, so its resident
//! memory is measured alone, from /proc.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{Duration as Span, Utc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tribe::config::Config;
use tribe::domain::accounts;
use tribe::domain::accounts::api_tokens;
use tribe::domain::chats;
use tribe::domain::chats::room as chat_room;
use tribe::domain::events;

const POSTERS: usize = 200;
const RATE_PER_SECOND: u64 = 50;

fn micros_now() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_micros()
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The live chat and its posters' API tokens.
async fn seed(url: &str) -> (String, Vec<String>) {
    let db = tribe::db::connect(url).await.expect("database");
    tribe::db::migrate(&db).await.expect("migrations");
    let hash = tribe::domain::accounts::passwords::hash_blocking("a long password").expect("hash");
    let host = accounts::insert_user(&db, "host@bench.example", "Host", hash.clone(), false).await.expect("host");
    let form = events::editing::EventForm {
        slug: "bench-chat".into(),
        title: "Bench chat".into(),
        kind: "online_chat".into(),
        time_zone: "UTC".into(),
        starts_at: (Utc::now() - Span::minutes(5)).format("%Y-%m-%dT%H:%M").to_string(),
        ends_at: (Utc::now() + Span::days(30)).format("%Y-%m-%dT%H:%M").to_string(),
        recurrence_minutes: "120".into(),
        chat_message_limit: "500".into(),
        ..Default::default()
    };
    let event = events::editing::create(&db, &host, &form).await.expect("event");
    let event = events::editing::set_published(&db, &event, true).await.expect("published");
    let start = chats::rule_starts(&event).into_iter().find(|s| *s <= Utc::now()).expect("a live occurrence");
    let key = chat_room::key_of(start);
    let mut tokens = Vec::new();
    for i in 0..POSTERS {
        let user =
            accounts::insert_user(&db, &format!("poster{i}@bench.example"), &format!("Poster {i}"), hash.clone(), false).await.expect("poster");
        tokens.push(api_tokens::create(&db, user.id, "bench").await.expect("token").1);
    }
    (format!("/events/bench-chat/chats/{key}"), tokens)
}

async fn serve(url: String, port: u16) {
    let figment = Config::figment_with(&[
        ("database_url", url),
        ("secret_key", "AP/Tp4CGdkzXgmtKCVPU91JwpGGRF2AWRuWsr635TGo=".to_owned()),
        ("port", port.to_string()),
        ("address", "127.0.0.1".to_owned()),
        ("log_level", "off".to_owned()),
        ("job_interval_secs", "0".to_owned()),
        ("base_url", format!("http://127.0.0.1:{port}")),
    ]);
    let rocket = tribe::prepare(figment).await.expect("the server starts");
    let _ = rocket.launch().await;
}

/// Reads one subscriber's stream (HTTP/1.1 chunked) and records the delay
/// of every bench message it gets.
async fn subscribe(port: u16, room: String, ready: Arc<AtomicUsize>, delays: Arc<Mutex<Vec<u32>>>, received: Arc<AtomicUsize>) {
    let mut socket = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    let request = format!("GET {room}/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
    socket.write_all(request.as_bytes()).await.expect("request");
    let mut raw: Vec<u8> = Vec::new();
    let mut body = String::new();
    let mut headers_done = false;
    let mut counted_ready = false;
    let mut mine = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let read = match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        raw.extend_from_slice(&buffer[..read]);
        if !headers_done {
            let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
            raw.drain(..end + 4);
            headers_done = true;
        }
        // De-chunk what is complete.
        loop {
            let Some(line_end) = raw.windows(2).position(|w| w == b"\r\n") else { break };
            let size = usize::from_str_radix(std::str::from_utf8(&raw[..line_end]).unwrap_or("0").trim(), 16).unwrap_or(0);
            if raw.len() < line_end + 2 + size + 2 {
                break;
            }
            body.push_str(&String::from_utf8_lossy(&raw[line_end + 2..line_end + 2 + size]));
            raw.drain(..line_end + 2 + size + 2);
            if size == 0 {
                return;
            }
        }
        while let Some(end) = body.find("\n\n") {
            let block: String = body.drain(..end + 2).collect();
            if !counted_ready && block.contains("event: readers") {
                counted_ready = true;
                ready.fetch_add(1, Ordering::SeqCst);
            }
            if let Some(at) = block.find("bench ") {
                let sent: u128 = block[at..].split(['"', ' ']).nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
                if sent > 0 {
                    mine.push((micros_now().saturating_sub(sent)) as u32);
                    received.fetch_add(1, Ordering::Relaxed);
                    if block.contains("bench last") {
                        delays.lock().expect("delays").extend(mine.drain(..));
                        return;
                    }
                }
            }
        }
    }
    delays.lock().expect("delays").extend(mine);
}

async fn post(port: u16, room: &str, token: &str, text: &str) -> u16 {
    let body = format!("{{\"body\":\"{text}\"}}");
    let request = format!(
        "POST /api{room}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let Ok(mut socket) = TcpStream::connect(("127.0.0.1", port)).await else { return 0 };
    if socket.write_all(request.as_bytes()).await.is_err() {
        return 0;
    }
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    if args.get(1).map(String::as_str) == Some("--serve") {
        runtime.block_on(serve(args[2].clone(), args[3].parse().expect("port")));
        return;
    }
    let subscribers: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let (room, tokens) = runtime.block_on(seed(&url));
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("address").port();
    let mut server = std::process::Command::new(std::env::current_exe().expect("this program"))
        .args(["--serve", &url, &port.to_string()])
        .spawn()
        .expect("the server process");
    runtime.block_on(async {
        let mut up = false;
        for _ in 0..400 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(up, "the server did not start");
        // Warm up, then the baseline memory.
        for token in tokens.iter().take(3) {
            post(port, &room, token, "warm up").await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before = rss_kib(server.id());
        let (ready, received) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let delays = Arc::new(Mutex::new(Vec::with_capacity(subscribers * (RATE_PER_SECOND * seconds) as usize)));
        let mut readers = Vec::new();
        for _ in 0..subscribers {
            readers.push(tokio::spawn(subscribe(port, room.clone(), ready.clone(), delays.clone(), received.clone())));
        }
        let started = Instant::now();
        while ready.load(Ordering::SeqCst) < subscribers && started.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let connected = rss_kib(server.id());
        println!(
            "{} of {subscribers} subscribers connected in {:.2} s; server RSS {:.1} MiB before, {:.1} MiB with them: {:.1} KiB per subscriber",
            ready.load(Ordering::SeqCst),
            started.elapsed().as_secs_f64(),
            before as f64 / 1024.0,
            connected as f64 / 1024.0,
            (connected.saturating_sub(before)) as f64 / subscribers as f64
        );
        let total = RATE_PER_SECOND * seconds;
        let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / RATE_PER_SECOND));
        let mut refused = 0;
        let posting = Instant::now();
        let mut posts = Vec::new();
        for i in 0..total {
            ticker.tick().await;
            let (room, token) = (room.clone(), tokens[i as usize % tokens.len()].clone());
            let text = if i + 1 == total { format!("bench last {}", micros_now()) } else { format!("bench {i} {}", micros_now()) };
            posts.push(tokio::spawn(async move { post(port, &room, &token, &text).await }));
        }
        for p in posts {
            if p.await.unwrap_or(0) != 201 {
                refused += 1;
            }
        }
        let posted_in = posting.elapsed().as_secs_f64();
        let peak = rss_kib(server.id());
        for reader in readers {
            let _ = tokio::time::timeout(Duration::from_secs(10), reader).await;
        }
        let mut all = delays.lock().expect("delays").clone();
        all.sort_unstable();
        let expected = (total as usize - refused) * subscribers;
        println!(
            "{total} messages in {posted_in:.1} s ({refused} refused); {} of {expected} deliveries; delay post→delivery p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; server RSS at the end {:.1} MiB",
            all.len(),
            percentile(&all, 0.5),
            percentile(&all, 0.99),
            percentile(&all, 1.0),
            peak as f64 / 1024.0
        );
    });
    let _ = server.kill();
    let _ = server.wait();
}
