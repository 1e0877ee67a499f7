//! HTTP only: guards, fairings, HTML pages and the JSON API. Handlers parse,
//! call one domain function and render; the rules live in `crate::domain`.

pub mod api;
pub mod catchers;
pub mod conditional;
pub mod csrf;
pub mod errors;
pub mod event_guards;
pub mod fairings;
pub mod fast_path;
pub mod guards;
pub mod jobs;
pub mod kept_sessions;
pub mod metrics;
pub mod ops;
pub mod page_cache;
pub mod page_store;
pub mod pages;
pub mod render;
pub mod template_helpers;
pub mod views;
pub mod webhooks;

use sea_orm::DatabaseConnection;

use crate::config::Config;

/// What every handler may reach through `&State<AppState>`. Nothing here is
/// per-process state that matters: instances are interchangeable.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Config,
    /// Rendered schedule exports, per event revision.
    pub exports: crate::domain::schedule::exports::ExportCache,
    /// Each event's loaded schedule, per event version.
    pub schedules: crate::domain::schedule::kept::KeptSchedules,
    /// Each event's attendees and tribe pool, per event version.
    pub attendees: crate::domain::community::kept::AttendeeCache,
    /// Each event's tribes, table plans and roles, per event version.
    pub communities: crate::domain::community::snapshot::KeptCommunities,
    /// Rendered public pages, per event version.
    pub pages: std::sync::Arc<crate::web::page_store::PageCache>,
    /// Log-in sessions as the fast path may trust them, for a second.
    pub sessions: crate::web::kept_sessions::KeptSessions,
    /// Runs queued work (emails, badge PDFs) through the job table.
    pub jobs: crate::domain::jobs::Worker,
    /// Live chat rooms' fan-out to open pages.
    pub chat: std::sync::Arc<crate::domain::chats::room::hub::ChatHub>,
    /// This instance's request counts and latencies (`GET /metrics`).
    pub metrics: crate::web::metrics::Metrics,
}

impl AppState {
    /// The state over these parts, with every cache empty (the server's;
    /// the job loop's own, whose caches serve no page).
    pub fn new(
        db: DatabaseConnection,
        config: Config,
        jobs: crate::domain::jobs::Worker,
        chat: std::sync::Arc<crate::domain::chats::room::hub::ChatHub>,
    ) -> AppState {
        let schedules = crate::domain::schedule::kept::KeptSchedules::default();
        AppState {
            db,
            config,
            exports: crate::domain::schedule::exports::ExportCache::new(schedules.clone()),
            schedules,
            attendees: Default::default(),
            communities: Default::default(),
            pages: Default::default(),
            sessions: Default::default(),
            jobs,
            chat,
            metrics: Default::default(),
        }
    }

    /// What the domain's use cases need, lent for one request.
    pub fn context(&self) -> crate::domain::context::Context<'_> {
        crate::domain::context::Context { db: &self.db, jobs: &self.jobs, base_url: &self.config.base_url, stripe: self.config.stripe.as_ref() }
    }
}
