use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An occurrence row exists only where a weekly chat's occurrence carries
/// something of its own: topics, a skip, or a move. The rest of the series is
/// computed from the event's recurrence rule.
#[derive(DeriveIden)]
enum ChatOccurrences {
    Table,
    Id,
    EventId,
    /// The start the recurrence rule gives (the RECURRENCE-ID of a moved one).
    ScheduledStart,
    /// Where it really starts (differs when moved).
    StartsAt,
    EndsAt,
    /// `scheduled`, `skipped` or `moved`.
    Status,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ChatTopics {
    Table,
    Id,
    OccurrenceId,
    /// 1-based: T1, T2, ...
    Position,
    Title,
    Question,
    /// Minutes after the occurrence's start at which the topic is posted.
    OffsetMinutes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChatOccurrences::Table)
                    .col(pk_auto(ChatOccurrences::Id))
                    .col(integer(ChatOccurrences::EventId))
                    .col(timestamp_with_time_zone(ChatOccurrences::ScheduledStart))
                    .col(timestamp_with_time_zone(ChatOccurrences::StartsAt))
                    .col(timestamp_with_time_zone(ChatOccurrences::EndsAt))
                    .col(string(ChatOccurrences::Status))
                    .col(integer(ChatOccurrences::Revision).default(1))
                    .col(timestamp_with_time_zone(ChatOccurrences::CreatedAt))
                    .col(timestamp_with_time_zone(ChatOccurrences::UpdatedAt))
                    .foreign_key(&mut crate::fk(
                        ChatOccurrences::Table,
                        ChatOccurrences::EventId,
                        Events::Table,
                        Events::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chat_occurrences_event_scheduled")
                    .table(ChatOccurrences::Table)
                    .col(ChatOccurrences::EventId)
                    .col(ChatOccurrences::ScheduledStart)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatTopics::Table)
                    .col(pk_auto(ChatTopics::Id))
                    .col(integer(ChatTopics::OccurrenceId))
                    .col(integer(ChatTopics::Position))
                    .col(string(ChatTopics::Title))
                    .col(text(ChatTopics::Question).default(""))
                    .col(integer(ChatTopics::OffsetMinutes).default(0))
                    .foreign_key(&mut crate::fk(
                        ChatTopics::Table,
                        ChatTopics::OccurrenceId,
                        ChatOccurrences::Table,
                        ChatOccurrences::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ChatTopics::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ChatOccurrences::Table).to_owned()).await
    }
}
