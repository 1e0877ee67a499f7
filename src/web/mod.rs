//! HTTP only: guards, fairings, HTML pages and the JSON API. Handlers parse,
//! call one domain function and render; the rules live in `crate::domain`.

pub mod api;
pub mod catchers;
pub mod conditional;
pub mod csrf;
pub mod event_guards;
pub mod fairings;
pub mod guards;
pub mod ops;
pub mod pages;
pub mod render;

use sea_orm::DatabaseConnection;

use crate::config::Config;

/// What every handler may reach through `&State<AppState>`. Nothing here is
/// per-process state that matters: instances are interchangeable.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Config,
    /// Rendered schedule exports, per event revision.
    pub exports: crate::domain::exports::ExportCache,
}
