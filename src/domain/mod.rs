//! The business of Tribe in plain Rust: no Rocket types here. Each module owns
//! one concept and the rules that keep it consistent.

pub mod accounts;
pub mod agenda;
pub mod api_tokens;
pub mod attendees;
pub mod badges;
pub mod calendar;
pub mod chat_room;
pub mod chats;
pub mod checkin;
pub mod demo;
pub mod discounts;
pub mod events;
pub mod exports;
pub mod frab;
pub mod input;
pub mod invitations;
pub mod jobs;
pub mod login_sessions;
pub mod mail;
pub mod markdown;
pub mod notify;
pub mod passwords;
pub mod payments;
pub mod questions;
pub mod registration;
pub mod schedule;
pub mod secrets;
pub mod sessions;
pub mod throttle;
pub mod tickets;
pub mod times;
pub mod tribe;
pub mod waitlist;

use chrono::{DateTime, SubsecRound, Utc};

/// The current instant, truncated to microseconds so that what is written to
/// either database reads back identically.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
