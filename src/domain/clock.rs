//! The one clock the domain reads, so every instant written compares equal
//! when read back.

use chrono::{DateTime, SubsecRound, Utc};

/// The current instant, truncated to microseconds so that what is written to
/// either database reads back identically.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
