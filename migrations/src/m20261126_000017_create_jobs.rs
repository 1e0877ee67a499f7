use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Work to do outside the request that asked for it (emails, badge PDFs).
/// Any instance may take a due job: it locks the row for a while, does the
/// work and marks it done; a job whose instance died is taken again when
/// its lock runs out, and a failing one is retried later.
#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    /// `email` or `badge_print`.
    Kind,
    /// What the job needs, as JSON.
    Payload,
    RunAt,
    Attempts,
    LockedUntil,
    /// Which instance holds the lock (host and process id), for logs.
    LockedBy,
    DoneAt,
    /// Set when the job has failed too often to try again.
    FailedAt,
    LastError,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(pk_auto(Jobs::Id))
                    .col(string(Jobs::Kind))
                    .col(text(Jobs::Payload))
                    .col(timestamp_with_time_zone(Jobs::RunAt))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(timestamp_with_time_zone_null(Jobs::LockedUntil))
                    .col(string(Jobs::LockedBy).default(""))
                    .col(timestamp_with_time_zone_null(Jobs::DoneAt))
                    .col(timestamp_with_time_zone_null(Jobs::FailedAt))
                    .col(text(Jobs::LastError).default(""))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_jobs_due").table(Jobs::Table).col(Jobs::DoneAt).col(Jobs::RunAt).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Jobs::Table).to_owned()).await
    }
}
