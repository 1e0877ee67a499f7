use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;
use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An organizer's offer to an email address: a ticket, or a place on the
/// event's team. Nobody is registered or made team (and so shown to the
/// event's team, connected by a badge scan, or shown as staff) until the
/// person who reads that mailbox accepts it.
#[derive(DeriveIden)]
enum RegistrationInvitations {
    Table,
    Id,
    EventId,
    Email,
    /// A ticket offer: the ticket type and the attendee role.
    TicketTypeId,
    RoleId,
    /// A team offer: `organizer` or `staff`.
    TeamRole,
    InvitedBy,
    /// SHA-256 of the link's token; the token itself is only in the email.
    TokenHash,
    /// `pending`, `accepted`, `declined` or `withdrawn`.
    Status,
    RegistrationId,
    CreatedAt,
    ExpiresAt,
    AnsweredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RegistrationInvitations::Table)
                    .col(pk_auto(RegistrationInvitations::Id))
                    .col(integer(RegistrationInvitations::EventId))
                    .col(string(RegistrationInvitations::Email))
                    .col(integer_null(RegistrationInvitations::TicketTypeId))
                    .col(integer_null(RegistrationInvitations::RoleId))
                    .col(string_null(RegistrationInvitations::TeamRole))
                    .col(integer(RegistrationInvitations::InvitedBy))
                    .col(string(RegistrationInvitations::TokenHash).unique_key())
                    .col(string(RegistrationInvitations::Status))
                    .col(integer_null(RegistrationInvitations::RegistrationId))
                    .col(timestamp_with_time_zone(RegistrationInvitations::CreatedAt))
                    .col(timestamp_with_time_zone(RegistrationInvitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RegistrationInvitations::AnsweredAt))
                    .foreign_key(&mut crate::fk(
                        RegistrationInvitations::Table,
                        RegistrationInvitations::EventId,
                        Events::Table,
                        Events::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(
                        RegistrationInvitations::Table,
                        RegistrationInvitations::InvitedBy,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_event_status")
                    .table(RegistrationInvitations::Table)
                    .col(RegistrationInvitations::EventId)
                    .col(RegistrationInvitations::Status)
                    .to_owned(),
            )
            .await?;
        // Sending limits count an organizer's invitations of the last day.
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_sender_created")
                    .table(RegistrationInvitations::Table)
                    .col(RegistrationInvitations::InvitedBy)
                    .col(RegistrationInvitations::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RegistrationInvitations::Table).to_owned()).await
    }
}
