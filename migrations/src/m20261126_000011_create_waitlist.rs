use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;
use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// People waiting for a sold-out ticket type, in order. An offer is a held
/// registration (seat taken for them) that they claim or that expires.
#[derive(DeriveIden)]
enum WaitlistEntries {
    Table,
    Id,
    EventId,
    TicketTypeId,
    UserId,
    /// `waiting`, `offered`, `claimed`, `expired` or `left`.
    Status,
    RegistrationId,
    CreatedAt,
    OfferedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WaitlistEntries::Table)
                    .col(pk_auto(WaitlistEntries::Id))
                    .col(integer(WaitlistEntries::EventId))
                    .col(integer(WaitlistEntries::TicketTypeId))
                    .col(integer(WaitlistEntries::UserId))
                    .col(string(WaitlistEntries::Status))
                    .col(integer_null(WaitlistEntries::RegistrationId))
                    .col(timestamp_with_time_zone(WaitlistEntries::CreatedAt))
                    .col(timestamp_with_time_zone_null(WaitlistEntries::OfferedAt))
                    .foreign_key(&mut crate::fk(
                        WaitlistEntries::Table,
                        WaitlistEntries::EventId,
                        Events::Table,
                        Events::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(WaitlistEntries::Table, WaitlistEntries::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_waitlist_ticket_status_created")
                    .table(WaitlistEntries::Table)
                    .col(WaitlistEntries::TicketTypeId)
                    .col(WaitlistEntries::Status)
                    .col(WaitlistEntries::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_waitlist_one_live_per_person ON waitlist_entries (event_id, user_id) WHERE status IN ('waiting', 'offered')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WaitlistEntries::Table).to_owned()).await
    }
}
