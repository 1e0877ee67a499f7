use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The event an email was about (a ticket, a cancellation, an invitation),
/// so that its organizers see the emails the mail server refused. Empty for
/// mail about an account (a password reset) and for other jobs.
#[derive(DeriveIden)]
enum Jobs {
    Table,
    EventId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Jobs::Table).add_column(integer_null(Jobs::EventId)).to_owned()).await?;
        manager.create_index(Index::create().name("idx_jobs_event_id").table(Jobs::Table).col(Jobs::EventId).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_jobs_event_id").table(Jobs::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Jobs::Table).drop_column(Jobs::EventId).to_owned()).await
    }
}
