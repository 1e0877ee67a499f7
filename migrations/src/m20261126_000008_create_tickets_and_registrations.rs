use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;
use crate::m20261126_000004_create_events::Events;
use crate::m20261126_000007_create_profiles_and_roles::EventRoles;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TicketTypes {
    Table,
    Id,
    EventId,
    Name,
    Description,
    /// In the currency's minor unit (cents); 0 is free.
    PriceMinor,
    /// ISO 4217, upper case.
    Currency,
    Capacity,
    /// Seats held or sold. Raised only by a conditional UPDATE that checks
    /// the capacity in the same statement, so two buyers can never both
    /// take the last seat.
    Taken,
    SalesStart,
    SalesEnd,
    IsVisible,
    MaxPerPerson,
    Position,
    CreatedAt,
    UpdatedAt,
}

/// Event-wide counters beside the event's capacity.
#[derive(DeriveIden)]
enum EventsExtra {
    #[sea_orm(iden = "events")]
    Table,
    /// Seats taken across all ticket types (the event-wide capacity's counter).
    SeatsTaken,
    /// Attendees may cancel until then (null: until the event starts).
    CancelUntil,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Id,
    EventId,
    UserId,
    TicketTypeId,
    RoleId,
    Quantity,
    /// `held` (paid, awaiting payment), `confirmed`, `cancelled`, `expired`.
    Status,
    /// What was charged, minor units.
    AmountMinor,
    Currency,
    HoldExpiresAt,
    StripeCheckoutSessionId,
    StripePaymentIntentId,
    CancelledAt,
    CreatedAt,
    UpdatedAt,
}

/// Every state change of a registration: who, when, why.
#[derive(DeriveIden)]
enum RegistrationChanges {
    Table,
    Id,
    RegistrationId,
    FromStatus,
    ToStatus,
    ActorUserId,
    Reason,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TicketTypes::Table)
                    .col(pk_auto(TicketTypes::Id))
                    .col(integer(TicketTypes::EventId))
                    .col(string(TicketTypes::Name))
                    .col(text(TicketTypes::Description).default(""))
                    .col(big_integer(TicketTypes::PriceMinor).default(0))
                    .col(string_len(TicketTypes::Currency, 3).default("USD"))
                    .col(integer_null(TicketTypes::Capacity))
                    .col(integer(TicketTypes::Taken).default(0))
                    .col(timestamp_with_time_zone_null(TicketTypes::SalesStart))
                    .col(timestamp_with_time_zone_null(TicketTypes::SalesEnd))
                    .col(boolean(TicketTypes::IsVisible).default(true))
                    .col(integer(TicketTypes::MaxPerPerson).default(1))
                    .col(integer(TicketTypes::Position).default(0))
                    .col(timestamp_with_time_zone(TicketTypes::CreatedAt))
                    .col(timestamp_with_time_zone(TicketTypes::UpdatedAt))
                    .foreign_key(&mut crate::fk(TicketTypes::Table, TicketTypes::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager.alter_table(Table::alter().table(EventsExtra::Table).add_column(integer(EventsExtra::SeatsTaken).default(0)).to_owned()).await?;
        manager
            .alter_table(Table::alter().table(EventsExtra::Table).add_column(timestamp_with_time_zone_null(EventsExtra::CancelUntil)).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Registrations::Table)
                    .col(pk_auto(Registrations::Id))
                    .col(integer(Registrations::EventId))
                    .col(integer(Registrations::UserId))
                    .col(integer(Registrations::TicketTypeId))
                    .col(integer_null(Registrations::RoleId))
                    .col(integer(Registrations::Quantity).default(1))
                    .col(string(Registrations::Status))
                    .col(big_integer(Registrations::AmountMinor).default(0))
                    .col(string_len(Registrations::Currency, 3).default("USD"))
                    .col(timestamp_with_time_zone_null(Registrations::HoldExpiresAt))
                    .col(string_null(Registrations::StripeCheckoutSessionId))
                    .col(string_null(Registrations::StripePaymentIntentId))
                    .col(timestamp_with_time_zone_null(Registrations::CancelledAt))
                    .col(timestamp_with_time_zone(Registrations::CreatedAt))
                    .col(timestamp_with_time_zone(Registrations::UpdatedAt))
                    .foreign_key(&mut crate::fk(Registrations::Table, Registrations::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(Registrations::Table, Registrations::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(
                        Registrations::Table,
                        Registrations::TicketTypeId,
                        TicketTypes::Table,
                        TicketTypes::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut crate::fk(
                        Registrations::Table,
                        Registrations::RoleId,
                        EventRoles::Table,
                        EventRoles::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_registrations_event_user")
                    .table(Registrations::Table)
                    .col(Registrations::EventId)
                    .col(Registrations::UserId)
                    .to_owned(),
            )
            .await?;
        // One live registration per person and event, enforced by the database
        // itself (a partial unique index; SQLite and PostgreSQL both have them).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_registrations_one_live_per_person ON registrations (event_id, user_id) \
                 WHERE status IN ('held', 'confirmed')",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RegistrationChanges::Table)
                    .col(pk_auto(RegistrationChanges::Id))
                    .col(integer(RegistrationChanges::RegistrationId))
                    .col(string_null(RegistrationChanges::FromStatus))
                    .col(string(RegistrationChanges::ToStatus))
                    .col(integer_null(RegistrationChanges::ActorUserId))
                    .col(text(RegistrationChanges::Reason).default(""))
                    .col(timestamp_with_time_zone(RegistrationChanges::CreatedAt))
                    .foreign_key(&mut crate::fk(
                        RegistrationChanges::Table,
                        RegistrationChanges::RegistrationId,
                        Registrations::Table,
                        Registrations::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(
                        RegistrationChanges::Table,
                        RegistrationChanges::ActorUserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RegistrationChanges::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Registrations::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(EventsExtra::Table).drop_column(EventsExtra::CancelUntil).to_owned()).await?;
        manager.alter_table(Table::alter().table(EventsExtra::Table).drop_column(EventsExtra::SeatsTaken).to_owned()).await?;
        manager.drop_table(Table::drop().table(TicketTypes::Table).to_owned()).await
    }
}
