use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;
use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Connect requests between people; accepted ones share contact handles.
#[derive(DeriveIden)]
enum Connections {
    Table,
    Id,
    RequesterId,
    AddresseeId,
    /// The event where the request was made (for the "met at" line).
    EventId,
    Note,
    /// `pending`, `accepted`, `declined` or `withdrawn`.
    Status,
    CreatedAt,
    RespondedAt,
}

#[derive(DeriveIden)]
enum Blocks {
    Table,
    Id,
    BlockerId,
    BlockedId,
    CreatedAt,
}

/// Times and places an organizer offers for tribe meetups.
#[derive(DeriveIden)]
enum MeetupSlots {
    Table,
    Id,
    EventId,
    StartsAt,
    EndsAt,
    Place,
    /// How many tribes can meet there at once.
    Capacity,
}

#[derive(DeriveIden)]
enum Tribes {
    Table,
    Id,
    EventId,
    RoleId,
    /// "Clinicians 3": the number within the role.
    Number,
    SlotId,
    /// RFC 5545 SEQUENCE of the meetup: raised whenever its slot changes.
    Sequence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TribeMembers {
    Table,
    Id,
    TribeId,
    EventId,
    UserId,
}

/// A seating request for a discussion: tables of N mixing chosen roles.
#[derive(DeriveIden)]
enum TablePlans {
    Table,
    Id,
    EventId,
    SessionId,
    Title,
    TableSize,
    /// Comma-separated role ids every table should have.
    RoleIds,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TableSeats {
    Table,
    Id,
    PlanId,
    TableNumber,
    UserId,
}

#[derive(DeriveIden)]
enum Profiles {
    Table,
    /// Whether scanning this person's badge exchanges contacts at once.
    ShareOnScan,
}

#[derive(DeriveIden)]
enum EventsTribe {
    #[sea_orm(iden = "events")]
    Table,
    TribeSize,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Profiles::Table).add_column(boolean(Profiles::ShareOnScan).default(false)).to_owned()).await?;
        manager.alter_table(Table::alter().table(EventsTribe::Table).add_column(integer(EventsTribe::TribeSize).default(6)).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(Connections::Table)
                    .col(pk_auto(Connections::Id))
                    .col(integer(Connections::RequesterId))
                    .col(integer(Connections::AddresseeId))
                    .col(integer_null(Connections::EventId))
                    .col(string(Connections::Note).default(""))
                    .col(string(Connections::Status))
                    .col(timestamp_with_time_zone(Connections::CreatedAt))
                    .col(timestamp_with_time_zone_null(Connections::RespondedAt))
                    .foreign_key(&mut crate::fk(Connections::Table, Connections::RequesterId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(Connections::Table, Connections::AddresseeId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(Connections::Table, Connections::EventId, Events::Table, Events::Id, ForeignKeyAction::SetNull))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_connections_pair")
                    .table(Connections::Table)
                    .col(Connections::RequesterId)
                    .col(Connections::AddresseeId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_connections_addressee").table(Connections::Table).col(Connections::AddresseeId).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Blocks::Table)
                    .col(pk_auto(Blocks::Id))
                    .col(integer(Blocks::BlockerId))
                    .col(integer(Blocks::BlockedId))
                    .col(timestamp_with_time_zone(Blocks::CreatedAt))
                    .foreign_key(&mut crate::fk(Blocks::Table, Blocks::BlockerId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(Blocks::Table, Blocks::BlockedId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_blocks_pair").table(Blocks::Table).col(Blocks::BlockerId).col(Blocks::BlockedId).unique().to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MeetupSlots::Table)
                    .col(pk_auto(MeetupSlots::Id))
                    .col(integer(MeetupSlots::EventId))
                    .col(timestamp_with_time_zone(MeetupSlots::StartsAt))
                    .col(timestamp_with_time_zone(MeetupSlots::EndsAt))
                    .col(string(MeetupSlots::Place))
                    .col(integer(MeetupSlots::Capacity).default(1))
                    .foreign_key(&mut crate::fk(MeetupSlots::Table, MeetupSlots::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tribes::Table)
                    .col(pk_auto(Tribes::Id))
                    .col(integer(Tribes::EventId))
                    .col(integer(Tribes::RoleId))
                    .col(integer(Tribes::Number))
                    .col(integer_null(Tribes::SlotId))
                    .col(integer(Tribes::Sequence).default(0))
                    .col(timestamp_with_time_zone(Tribes::CreatedAt))
                    .col(timestamp_with_time_zone(Tribes::UpdatedAt))
                    .foreign_key(&mut crate::fk(Tribes::Table, Tribes::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(Tribes::Table, Tribes::SlotId, MeetupSlots::Table, MeetupSlots::Id, ForeignKeyAction::SetNull))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TribeMembers::Table)
                    .col(pk_auto(TribeMembers::Id))
                    .col(integer(TribeMembers::TribeId))
                    .col(integer(TribeMembers::EventId))
                    .col(integer(TribeMembers::UserId))
                    .foreign_key(&mut crate::fk(TribeMembers::Table, TribeMembers::TribeId, Tribes::Table, Tribes::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(TribeMembers::Table, TribeMembers::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tribe_members_event_user")
                    .table(TribeMembers::Table)
                    .col(TribeMembers::EventId)
                    .col(TribeMembers::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TablePlans::Table)
                    .col(pk_auto(TablePlans::Id))
                    .col(integer(TablePlans::EventId))
                    .col(integer_null(TablePlans::SessionId))
                    .col(string(TablePlans::Title))
                    .col(integer(TablePlans::TableSize))
                    .col(string(TablePlans::RoleIds).default(""))
                    .col(timestamp_with_time_zone(TablePlans::CreatedAt))
                    .foreign_key(&mut crate::fk(TablePlans::Table, TablePlans::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TableSeats::Table)
                    .col(pk_auto(TableSeats::Id))
                    .col(integer(TableSeats::PlanId))
                    .col(integer(TableSeats::TableNumber))
                    .col(integer(TableSeats::UserId))
                    .foreign_key(&mut crate::fk(TableSeats::Table, TableSeats::PlanId, TablePlans::Table, TablePlans::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(TableSeats::Table, TableSeats::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_table_seats_plan_user")
                    .table(TableSeats::Table)
                    .col(TableSeats::PlanId)
                    .col(TableSeats::UserId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TableSeats::Table.into_iden(),
            TablePlans::Table.into_iden(),
            TribeMembers::Table.into_iden(),
            Tribes::Table.into_iden(),
            MeetupSlots::Table.into_iden(),
            Blocks::Table.into_iden(),
            Connections::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(EventsTribe::Table).drop_column(EventsTribe::TribeSize).to_owned()).await?;
        manager.alter_table(Table::alter().table(Profiles::Table).drop_column(Profiles::ShareOnScan).to_owned()).await
    }
}
