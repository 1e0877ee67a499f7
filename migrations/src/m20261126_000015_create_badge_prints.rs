use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;
use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A PDF of badges an organizer asked for: rendered in the background a
/// sheet at a time (`done` of `total` badges is the progress shown), then
/// kept for download.
#[derive(DeriveIden)]
enum BadgePrints {
    Table,
    Id,
    EventId,
    RequestedBy,
    /// `a4` or `letter`.
    Paper,
    /// What was asked for, as the attendee-list filter in words ("Role: Clinician").
    Selection,
    /// Registration ids, comma-separated, in print order.
    RegistrationIds,
    Total,
    Done,
    /// `running`, `ready` or `failed`.
    Status,
    Error,
    Pdf,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BadgePrints::Table)
                    .col(pk_auto(BadgePrints::Id))
                    .col(integer(BadgePrints::EventId))
                    .col(integer_null(BadgePrints::RequestedBy))
                    .col(string(BadgePrints::Paper))
                    .col(string(BadgePrints::Selection).default(""))
                    .col(text(BadgePrints::RegistrationIds))
                    .col(integer(BadgePrints::Total))
                    .col(integer(BadgePrints::Done).default(0))
                    .col(string(BadgePrints::Status))
                    .col(string(BadgePrints::Error).default(""))
                    .col(blob_null(BadgePrints::Pdf))
                    .col(timestamp_with_time_zone(BadgePrints::CreatedAt))
                    .col(timestamp_with_time_zone(BadgePrints::UpdatedAt))
                    .foreign_key(&mut crate::fk(BadgePrints::Table, BadgePrints::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(BadgePrints::Table, BadgePrints::RequestedBy, Users::Table, Users::Id, ForeignKeyAction::SetNull))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_badge_prints_event").table(BadgePrints::Table).col(BadgePrints::EventId).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(BadgePrints::Table).to_owned()).await
    }
}
