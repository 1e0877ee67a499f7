//! What the Rust benches share: a `tribe` server in a child process (so its
//! memory is measured alone), a live chat to load, a Server-Sent Events
//! reader that records delivery delays, and percentiles.

#![allow(dead_code)] // each bench uses its own part of this module

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{Duration as Span, Utc};
use sea_orm::DatabaseConnection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tribe::config::Config;
use tribe::db::entities::user;
use tribe::domain::chats;
use tribe::domain::chats::room as chat_room;
use tribe::domain::events;

pub fn micros_now() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_micros()
}

/// A process's resident memory, from /proc.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The value at share `p` (0..=1) of sorted microseconds, in milliseconds.
pub fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0
}

/// The configuration a bench's server runs with. Log-ins are not throttled
/// (a bench logs in many people from one address).
pub fn config(url: &str, port: u16, job_interval_secs: u64) -> rocket::figment::Figment {
    Config::figment_with(&[
        ("database_url", url.to_owned()),
        ("secret_key", "AP/Tp4CGdkzXgmtKCVPU91JwpGGRF2AWRuWsr635TGo=".to_owned()),
        ("key_encryption_key", "q2B1v0n8mYx3RkVdT5Jc6hLw9sPz4aEuF7gNbQiKoXM=".to_owned()),
        ("port", port.to_string()),
        ("address", "127.0.0.1".to_owned()),
        ("log_level", "off".to_owned()),
        ("job_interval_secs", job_interval_secs.to_string()),
        ("login_max_per_ip", "1000000".to_owned()),
        ("outbox_dir", std::env::temp_dir().join("tribe-bench-outbox").display().to_string()),
        ("base_url", format!("http://127.0.0.1:{port}")),
    ])
}

/// Serves `url` on `port` until killed: what a bench's child process runs.
pub async fn serve(url: String, port: u16, job_interval_secs: u64) {
    let rocket = tribe::prepare(config(&url, port, job_interval_secs)).await.expect("the server starts");
    let _ = rocket.launch().await;
}

/// Starts this program again as `--serve URL PORT` on a free port and
/// waits until it answers.
pub async fn start_server(url: &str) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("address").port();
    let server = std::process::Command::new(std::env::current_exe().expect("this program"))
        .args(["--serve", url, &port.to_string()])
        .spawn()
        .expect("the server process");
    for _ in 0..1200 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return (server, port);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the server did not start");
}

/// An online chat hosted by `host`, live now (its first week began five
/// minutes ago); returns the room's address, `/events/<slug>/chats/<key>`.
pub async fn live_chat(db: &DatabaseConnection, host: &user::Model, slug: &str) -> String {
    let form = events::editing::EventForm {
        slug: slug.into(),
        title: "Bench chat".into(),
        kind: "online_chat".into(),
        time_zone: "UTC".into(),
        starts_at: (Utc::now() - Span::minutes(5)).format("%Y-%m-%dT%H:%M").to_string(),
        ends_at: (Utc::now() + Span::days(30)).format("%Y-%m-%dT%H:%M").to_string(),
        recurrence_minutes: "120".into(),
        chat_message_limit: "500".into(),
        ..Default::default()
    };
    let event = events::editing::create(db, host, &form).await.expect("event");
    let event = events::editing::set_published(db, &event, true).await.expect("published");
    let start = chats::rule_starts(&event).into_iter().find(|s| *s <= Utc::now()).expect("a live occurrence");
    format!("/events/{slug}/chats/{}", chat_room::key_of(start))
}

/// What the readers of a room share: how many are connected, every
/// delivery's delay in microseconds, and how many deliveries came.
#[derive(Clone, Default)]
pub struct Readers {
    pub ready: Arc<AtomicUsize>,
    pub delays: Arc<Mutex<Vec<u32>>>,
    pub received: Arc<AtomicUsize>,
}

/// Reads one subscriber's stream (HTTP/1.1 chunked) and records the delay
/// of every message whose text is `bench <n> <micros sent>`, until the one
/// that says `bench last`.
pub async fn subscribe(port: u16, room: String, readers: Readers) {
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
                readers.ready.fetch_add(1, Ordering::SeqCst);
            }
            if let Some(at) = block.find("bench ") {
                let sent: u128 = block[at..].split(['"', ' ']).nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
                if sent > 0 {
                    mine.push((micros_now().saturating_sub(sent)) as u32);
                    readers.received.fetch_add(1, Ordering::Relaxed);
                    if block.contains("bench last") {
                        readers.delays.lock().expect("delays").extend(mine.drain(..));
                        return;
                    }
                }
            }
        }
    }
    readers.delays.lock().expect("delays").extend(mine);
}

/// Posts `text` to the room through the API on a connection of its own;
/// returns the HTTP status (0 when the connection failed).
pub async fn post(port: u16, room: &str, token: &str, text: &str) -> u16 {
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
