//! The business of Tribe in plain Rust: no Rocket types here. The folders are
//! the areas the people using Tribe would name; each module owns one concept
//! and the rules that keep it consistent.
//!
//! - `accounts/`: people's accounts, passwords, log-in sessions, API tokens,
//!   the throttle on guessing.
//! - `events/`: events, their rooms, tracks and roles, the organizing team,
//!   editing.
//! - `schedule/`: sessions, the published schedule, agendas, calendar files,
//!   the frab and export formats.
//! - `registration/`: ticket types, registering and cancelling, waitlists,
//!   discounts, questions, payments and refunds, check-in, attendee lists,
//!   invitations, the emails these send.
//! - `community/`: profiles, finding your tribe, connections, tables.
//! - `chats/`: weekly chats and their live rooms.
//! - `badges/`: badge tokens, keys, faces and prints.
//! - `insights`: the organizer's numbers across those areas (registrations,
//!   revenue, check-ins, agenda demand, tribes, chat activity).
//!
//! - `operations`: what an operator watches (the metrics' database figures).
//!
//! Infrastructure, named for what it is: `jobs` (the queue), `mail`,
//! `clock`, `secrets`; and the helpers every area uses to read input
//! (`input`), render text (`markdown`) and show times (`times`).

pub mod accounts;
pub mod badges;
pub mod chats;
pub mod clock;
pub mod community;
pub mod context;
pub mod events;
pub mod input;
pub mod insights;
pub mod jobs;
pub mod mail;
pub mod markdown;
pub mod operations;
pub mod registration;
pub mod schedule;
pub mod secrets;
pub mod times;

pub use clock::now;
