use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Login throttling lives in the database, not in process memory, so that any
/// number of `tribe serve` instances share one view of who is hammering.
#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    ThrottleKey,
    AttemptedAt,
    Succeeded,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(pk_auto(LoginAttempts::Id))
                    .col(string(LoginAttempts::ThrottleKey))
                    .col(timestamp_with_time_zone(LoginAttempts::AttemptedAt))
                    .col(boolean(LoginAttempts::Succeeded))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_attempts_key_time")
                    .table(LoginAttempts::Table)
                    .col(LoginAttempts::ThrottleKey)
                    .col(LoginAttempts::AttemptedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LoginAttempts::Table).to_owned()).await
    }
}
