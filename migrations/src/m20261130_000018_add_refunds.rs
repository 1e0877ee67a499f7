use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A refund owed for a cancelled paid registration. The cancellation and
/// the debt are written in one transaction; the refund is then sent to
/// Stripe (with an idempotency key per registration) and retried until
/// Stripe confirms it, so a cancellation never stands without its refund.
#[derive(DeriveIden)]
enum Registrations {
    Table,
    RefundStatus,
    RefundAttempts,
    RefundRetryAt,
    RefundError,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alter = |column: ColumnDef| Table::alter().table(Registrations::Table).add_column(column).to_owned();
        manager.alter_table(alter(string_null(Registrations::RefundStatus))).await?;
        manager.alter_table(alter(integer(Registrations::RefundAttempts).default(0).to_owned())).await?;
        manager.alter_table(alter(timestamp_with_time_zone_null(Registrations::RefundRetryAt))).await?;
        manager.alter_table(alter(string(Registrations::RefundError).default("").to_owned())).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Registrations::RefundError, Registrations::RefundRetryAt, Registrations::RefundAttempts, Registrations::RefundStatus] {
            manager.alter_table(Table::alter().table(Registrations::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
