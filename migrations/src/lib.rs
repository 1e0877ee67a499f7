//! Tribe's schema history: one file per change, applied in order at start-up
//! (`tribe serve`) or explicitly (`tribe migrate`). The same migrations run on
//! SQLite and PostgreSQL, so they use only portable column types.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_users;
mod m20261126_000002_create_login_attempts;
mod m20261126_000003_create_api_tokens;
mod m20261126_000004_create_events;
mod m20261126_000005_create_schedule;
mod m20261126_000006_create_online_chats;
mod m20261126_000007_create_profiles_and_roles;
mod m20261126_000008_create_tickets_and_registrations;
mod m20261126_000009_create_agendas;
mod m20261126_000010_create_questions_and_discounts;
mod m20261126_000011_create_waitlist;
mod m20261126_000012_create_stripe_events;
mod m20261126_000013_add_check_ins;
mod m20261126_000014_create_tribes;
mod m20261126_000015_create_badge_prints;
mod m20261126_000016_create_chat_rooms;
mod m20261126_000017_create_jobs;
mod m20261130_000018_add_refunds;
mod m20261130_000019_create_invitations;
mod m20261130_000020_add_ticket_access_codes;
mod m20261130_000021_create_login_sessions;
mod m20261130_000022_hash_feed_tokens;
mod m20261130_000023_create_event_signing_keys;
mod m20261130_000024_create_password_resets;
mod m20261130_000025_add_public_chat_topics;
mod m20261201_000026_add_event_page_revision;
mod m20261201_000027_add_event_people_revision;
mod m20261201_000028_add_event_day_change;
mod m20261202_000029_add_job_event;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_users::Migration),
            Box::new(m20261126_000002_create_login_attempts::Migration),
            Box::new(m20261126_000003_create_api_tokens::Migration),
            Box::new(m20261126_000004_create_events::Migration),
            Box::new(m20261126_000005_create_schedule::Migration),
            Box::new(m20261126_000006_create_online_chats::Migration),
            Box::new(m20261126_000007_create_profiles_and_roles::Migration),
            Box::new(m20261126_000008_create_tickets_and_registrations::Migration),
            Box::new(m20261126_000009_create_agendas::Migration),
            Box::new(m20261126_000010_create_questions_and_discounts::Migration),
            Box::new(m20261126_000011_create_waitlist::Migration),
            Box::new(m20261126_000012_create_stripe_events::Migration),
            Box::new(m20261126_000013_add_check_ins::Migration),
            Box::new(m20261126_000014_create_tribes::Migration),
            Box::new(m20261126_000015_create_badge_prints::Migration),
            Box::new(m20261126_000016_create_chat_rooms::Migration),
            Box::new(m20261126_000017_create_jobs::Migration),
            Box::new(m20261130_000018_add_refunds::Migration),
            Box::new(m20261130_000019_create_invitations::Migration),
            Box::new(m20261130_000020_add_ticket_access_codes::Migration),
            Box::new(m20261130_000021_create_login_sessions::Migration),
            Box::new(m20261130_000022_hash_feed_tokens::Migration),
            Box::new(m20261130_000023_create_event_signing_keys::Migration),
            Box::new(m20261130_000024_create_password_resets::Migration),
            Box::new(m20261130_000025_add_public_chat_topics::Migration),
            Box::new(m20261201_000026_add_event_page_revision::Migration),
            Box::new(m20261201_000027_add_event_people_revision::Migration),
            Box::new(m20261201_000028_add_event_day_change::Migration),
            Box::new(m20261202_000029_add_job_event::Migration),
        ]
    }
}

/// Foreign key from `from_table.from_col` to `to_table.id`.
pub(crate) fn fk<T: IntoIden + 'static, C: IntoIden, U: IntoIden + 'static, I: IntoIden>(
    from_table: T,
    from_col: C,
    to_table: U,
    to_id: I,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from_col).to(to_table, to_id).on_delete(on_delete).on_update(ForeignKeyAction::Cascade).to_owned()
}
