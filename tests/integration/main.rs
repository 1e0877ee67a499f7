//! Integration tests: the real Rocket app over a real database (SQLite by
//! default; PostgreSQL with TRIBE_TEST_POSTGRES_URL). One test binary, so the
//! app links once.

mod support;

mod accounts;
mod api;
mod architecture;
mod authorization;
mod badges;
mod browser;
mod calendars;
mod chats;
mod fake_stripe;
mod hostile_input;
mod imports;
mod operations;
mod page_cache;
mod payments;
mod registrations;
mod scale_out;
mod schedules;
mod security;
mod tribe;
