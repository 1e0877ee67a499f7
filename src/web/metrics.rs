//! `GET /metrics`: what Prometheus scrapes, in its text format (OpenMetrics,
//! through the `prometheus-client` crate).
//!
//! Per instance: requests by route and status with their latency (Rocket's
//! path through the request-log fairing; answers the fast path makes from
//! memory counted with handles made once, so that counting costs it no
//! lookup), page-cache lookups, the kept pages' size, and open chat streams
//! per room. From the database, the same on every instance: registrations
//! and check-ins per event, the job queue's depth, retries and failures.
//!
//! The address answers only with `Authorization: Bearer <TRIBE_METRICS_TOKEN>`;
//! without that setting it does not exist (404).

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::domain::operations::ServiceCounts;

/// The `Content-Type` of what `encode` writes.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route as mounted (`/events/<_slug>/schedule`), never the address
    /// asked for: one series per route, whatever the visitors type.
    route: String,
    status: u16,
    /// `memory` when the fast path answered, `rocket` otherwise.
    answered_by: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
    answered_by: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabels {
    event: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventStatusLabels {
    event: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RoomLabels {
    /// The chat occurrence's id: one room per week of a chat.
    room: String,
}

/// What the fast path answers from memory.
#[derive(Clone, Copy, Debug)]
pub enum FastAnswer {
    FrabXml,
    FrabJson,
    Calendar,
    Feed,
    VisitorState,
    Page,
}

impl FastAnswer {
    const ALL: [FastAnswer; 6] =
        [FastAnswer::FrabXml, FastAnswer::FrabJson, FastAnswer::Calendar, FastAnswer::Feed, FastAnswer::VisitorState, FastAnswer::Page];

    pub fn export(kind: crate::domain::schedule::exports::ExportKind) -> FastAnswer {
        use crate::domain::schedule::exports::ExportKind;
        match kind {
            ExportKind::FrabXml => FastAnswer::FrabXml,
            ExportKind::FrabJson => FastAnswer::FrabJson,
            ExportKind::Calendar => FastAnswer::Calendar,
        }
    }

    /// The route Rocket's path would have answered with (the same series
    /// whichever path answers, told apart by `answered_by`).
    fn route(self) -> &'static str {
        match self {
            FastAnswer::FrabXml => "/events/<slug>/schedule.xml",
            FastAnswer::FrabJson => "/events/<slug>/schedule.json",
            FastAnswer::Calendar => "/events/<slug>/schedule.ics",
            FastAnswer::Feed => "/feeds/<file>",
            FastAnswer::VisitorState => "/events/<_slug>/me.json",
            FastAnswer::Page => "/events/<_path..>",
        }
    }
}

/// One fast-path kind's series, made once.
struct FastHandles {
    ok: Counter,
    not_modified: Counter,
    latency: Histogram,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    fast: [FastHandles; 6],
    page_lookups: Family<OutcomeLabels, Counter>,
    page_cache_bytes: Gauge,
    page_cache_pages: Gauge,
    chat_streams: Family<RoomLabels, Gauge>,
    registrations: Family<EventStatusLabels, Gauge>,
    check_ins: Family<EventLabels, Gauge>,
    jobs: Family<JobLabels, Gauge>,
    /// One scrape at a time: each clears and fills the gauges above, and
    /// two at once would each see the other's half-filled families.
    scraping: std::sync::Mutex<()>,
}

/// 0.25 ms to about 4 s, doubling: a kept page answers in the first
/// bucket, a tribe page at conference scale in the middle ones.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("tribe");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by route and status", requests.clone());
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register("http_request_duration_seconds", "Time from the request to its answer's head, by route", latency.clone());
        let fast = FastAnswer::ALL.map(|kind| {
            let labels = |status: u16| RequestLabels { method: "GET".into(), route: kind.route().into(), status, answered_by: "memory" };
            // One statement each: `get_or_create` holds the family's lock
            // until its guard drops, and the next one would wait for it.
            let ok = requests.get_or_create(&labels(200)).clone();
            let not_modified = requests.get_or_create(&labels(304)).clone();
            let latency = latency.get_or_create(&RouteLabels { method: "GET".into(), route: kind.route().into(), answered_by: "memory" }).clone();
            FastHandles { ok, not_modified, latency }
        });
        let page_lookups = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "page_cache_lookups",
            "Kept public pages looked up on Rocket's path: hit, render (missing or stale) or wait (another request renders it)",
            page_lookups.clone(),
        );
        let page_cache_bytes = Gauge::default();
        registry.register("page_cache_bytes", "Bytes of kept public pages (all codings)", page_cache_bytes.clone());
        let page_cache_pages = Gauge::default();
        registry.register("page_cache_pages", "Kept public pages", page_cache_pages.clone());
        let chat_streams = Family::<RoomLabels, Gauge>::default();
        registry.register("chat_streams", "Open live-chat streams on this instance, per room", chat_streams.clone());
        let registrations = Family::<EventStatusLabels, Gauge>::default();
        registry.register("registrations", "Registrations per event and status (database)", registrations.clone());
        let check_ins = Family::<EventLabels, Gauge>::default();
        registry.register("check_ins", "Checked-in registrations per event (database)", check_ins.clone());
        let jobs = Family::<JobLabels, Gauge>::default();
        registry.register(
            "jobs",
            "Jobs by state: waiting (to run, running or to be retried), done (kept 14 days), failed (given up after the last attempt)",
            jobs.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            fast,
            page_lookups,
            page_cache_bytes,
            page_cache_pages,
            chat_streams,
            registrations,
            check_ins,
            jobs,
            scraping: Default::default(),
        }
    }
}

impl Metrics {
    /// A request Rocket's path answered.
    pub fn observe(&self, method: &str, route: &str, status: u16, took: Duration) {
        let route = route.to_owned();
        self.requests.get_or_create(&RequestLabels { method: method.to_owned(), route: route.clone(), status, answered_by: "rocket" }).inc();
        self.latency.get_or_create(&RouteLabels { method: method.to_owned(), route, answered_by: "rocket" }).observe(took.as_secs_f64());
    }

    /// An answer the fast path made from memory.
    pub fn observe_fast(&self, kind: FastAnswer, status: u16, took: Duration) {
        let handles = &self.fast[kind as usize];
        match status {
            304 => handles.not_modified.inc(),
            _ => handles.ok.inc(),
        };
        handles.latency.observe(took.as_secs_f64());
    }

    pub fn page_lookup(&self, outcome: &'static str) {
        self.page_lookups.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    /// The text Prometheus reads: this instance's figures and these.
    pub fn encode(&self, counts: &ServiceCounts, chat_readers: &[(i32, usize)], page_cache: (usize, usize)) -> String {
        let _one_at_a_time = self.scraping.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (pages, bytes) = page_cache;
        self.page_cache_pages.set(pages as i64);
        self.page_cache_bytes.set(bytes as i64);
        // Series of rooms closed and events deleted since the last scrape go.
        self.chat_streams.clear();
        for (room, readers) in chat_readers {
            self.chat_streams.get_or_create(&RoomLabels { room: room.to_string() }).set(*readers as i64);
        }
        self.registrations.clear();
        for ((event, status), n) in &counts.registrations {
            self.registrations.get_or_create(&EventStatusLabels { event: event.clone(), status: status.clone() }).set(*n);
        }
        self.check_ins.clear();
        for (event, n) in &counts.check_ins {
            self.check_ins.get_or_create(&EventLabels { event: event.clone() }).set(*n);
        }
        for (state, n) in [("waiting", counts.jobs.waiting), ("done", counts.jobs.done), ("failed", counts.jobs.failed)] {
            self.jobs.get_or_create(&JobLabels { state }).set(n as i64);
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
