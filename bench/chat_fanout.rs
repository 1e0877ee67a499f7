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

#[path = "support/mod.rs"]
mod support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use support::{micros_now, percentile, post, rss_kib, subscribe, Readers};
use tribe::domain::accounts;
use tribe::domain::accounts::api_tokens;

const POSTERS: usize = 200;
const RATE_PER_SECOND: u64 = 50;

/// The live chat and its posters' API tokens.
async fn seed(url: &str) -> (String, Vec<String>) {
    let db = tribe::db::connect(url).await.expect("database");
    tribe::db::migrate(&db).await.expect("migrations");
    let hash = tribe::domain::accounts::passwords::hash_blocking("a long password").expect("hash");
    let host = accounts::insert_user(&db, "host@bench.example", "Host", hash.clone(), false).await.expect("host");
    let room = support::live_chat(&db, &host, "bench-chat").await;
    let mut tokens = Vec::new();
    for i in 0..POSTERS {
        let user =
            accounts::insert_user(&db, &format!("poster{i}@bench.example"), &format!("Poster {i}"), hash.clone(), false).await.expect("poster");
        tokens.push(api_tokens::create(&db, user.id, "bench").await.expect("token").1);
    }
    (room, tokens)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    if args.get(1).map(String::as_str) == Some("--serve") {
        runtime.block_on(support::serve(args[2].clone(), args[3].parse().expect("port"), 0));
        return;
    }
    let subscribers: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let (room, tokens) = runtime.block_on(seed(&url));
    runtime.block_on(async {
        let (mut server, port) = support::start_server(&url).await;
        // Warm up, then the baseline memory.
        for token in tokens.iter().take(3) {
            post(port, &room, token, "warm up").await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before = rss_kib(server.id());
        let shared = Readers::default();
        let mut readers = Vec::new();
        for _ in 0..subscribers {
            readers.push(tokio::spawn(subscribe(port, room.clone(), shared.clone())));
        }
        let started = Instant::now();
        while shared.ready.load(Ordering::SeqCst) < subscribers && started.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let connected = rss_kib(server.id());
        println!(
            "{} of {subscribers} subscribers connected in {:.2} s; server RSS {:.1} MiB before, {:.1} MiB with them: {:.1} KiB per subscriber",
            shared.ready.load(Ordering::SeqCst),
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
        let mut all = shared.delays.lock().expect("delays").clone();
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
        let _ = server.kill();
        let _ = server.wait();
    });
}
