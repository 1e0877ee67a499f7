//! The business of Tribe in plain Rust: no Rocket types here. Each module owns
//! one concept and the rules that keep it consistent.

pub mod accounts;
pub mod api_tokens;
pub mod demo;
pub mod events;
pub mod markdown;
pub mod passwords;
pub mod throttle;

use chrono::{DateTime, SubsecRound, Utc};

/// The current instant, truncated to microseconds so that what is written to
/// either database reads back identically.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
